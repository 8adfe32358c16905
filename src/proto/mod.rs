//! The transport protocol as a pure state machine ("sans-IO").
//!
//! No sockets, threads or clock reads: the caller passes time in (microseconds) and moves
//! datagrams. That keeps every hard part (acknowledgement, RTT, retransmission, fragmentation,
//! ordering, congestion control, keepalive, timeouts, ping) testable deterministically under the
//! simulator in [`crate::sim`]. The wire format is documented in `docs/PROTOCOL.md`.

mod ack;
mod codec;
mod config;
mod congestion;
mod connection;
mod error;
mod handshake;
pub mod identity;
mod packet_key;
mod reassembly;
mod rtt;
mod send_buffer;
mod sent;
mod stats;
mod thin;
mod unreliable_queue;
mod wire;

pub use config::{
    Config, FRAGMENT_SIZE, MAX_DATAGRAM, MAX_PAYLOAD, MAX_RELIABLE, MAX_UNRELIABLE, TAG_RESERVE,
};
pub use connection::{CloseReason, Connection, Event, Policy, Received, Role, State};
pub use error::{DecodeError, SendError};
pub use identity::{AuthError, Authority, Certificate, Identity, PeerAuth};
pub use packet_key::Cipher;
pub use stats::Stats;
pub use wire::{TRANSPORT_V1, TRANSPORT_V2};

/// Reads the connection id of a transport datagram without decoding the rest, so the engine can
/// route a datagram to its connection. None if it is not a transport v2 datagram.
pub fn peek_conn_id(datagram: &[u8]) -> Option<u32> {
    let mut r = codec::Reader::new(datagram);
    wire::Header::decode(&mut r).ok().map(|h| h.conn_id)
}

/// True if the datagram is a handshake opener (what a responder waits for).
pub fn is_hello(datagram: &[u8]) -> bool {
    let mut r = codec::Reader::new(datagram);
    matches!(wire::Header::decode(&mut r), Ok(h) if h.kind == wire::PacketKind::Hello)
}
