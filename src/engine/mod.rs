//! The only layer that does I/O: one UDP socket per instance, one background thread for timers
//! and for receiving while the application is not calling in, and the queues the C ABI drains.
//!
//! Latency is the product: the application's thread encodes and sends directly (connection state
//! behind a short lock) and `read_packet` drains the socket itself when its queue is empty,
//! because a cross-core thread wake-up costs far more than a loopback round trip.

mod api;
mod clock;
mod core;
mod fake_network;
mod inbox;
mod path;
mod peer;
mod peer_identity;
mod shared;
mod socket;
mod udp_io;
mod worker;

pub use api::{Engine, EngineConfig, EngineError, EngineSendError, Notification, Packet, PeerState, RoomOp};
pub use path::{RelayMode, Route};
