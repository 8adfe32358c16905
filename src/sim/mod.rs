//! Seeded, deterministic, virtual-time network for driving sans-IO endpoints.
//!
//! The `proto` connection takes time and datagrams as inputs, so it can be tested without sockets
//! or real time: [`Sim`] owns a set of [`Endpoint`]s, carries their datagrams over a [`Network`] of
//! directed, independently impaired links (loss, latency, jitter, duplication, reordering, rate
//! limit with a tail-drop queue) and jumps its clock from one event to the next. Everything random
//! comes from one seed, so a failing run is replayed exactly by reusing its seed.
//!
//! - [`rng`]: the seeded PRNG.
//! - [`link`]: one direction's impairment model ([`LinkConfig`], [`Link`]); usable on its own, e.g.
//!   to fake loss and lag in front of a real socket.
//! - [`network`]: nodes, links and datagrams in flight.
//! - [`driver`]: [`Sim`], the clock and the endpoints.
//! - [`endpoint`]: the [`Endpoint`] trait the simulator drives.
//! - [`proto_endpoint`]: `proto` connections as endpoints, and a ready-made connected pair.

pub mod driver;
pub mod endpoint;
pub mod link;
pub mod network;
pub mod proto_endpoint;
pub mod rng;

pub use driver::Sim;
pub use endpoint::Endpoint;
pub use link::{DEFAULT_QUEUE_LIMIT_BYTES, Link, LinkConfig, LinkConfigError, LinkStats, Verdict};
pub use network::{DATAGRAM_BUFFER_LEN, Delivery, Network, NodeId};
pub use proto_endpoint::connection_pair;
pub use rng::Rng;
