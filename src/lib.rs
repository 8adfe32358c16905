//! ovrnet: peer-to-peer networking for games behind the Oculus Platform SDK's `ovr_Net_*` API.
//!
//! Layers, lowest first; each module only imports from the ones above it in this list:
//! - [`udp`]: batched datagram I/O (GSO/GRO on Linux) for the two layers that own sockets.
//! - [`proto`]: the transport protocol as a pure state machine (no I/O, no clock reads).
//! - [`sim`]: a seeded, virtual-time network for driving `proto` endpoints deterministically.
//! - [`signal`]: client/server signalling messages and their codec (also sans-IO).
//! - [`server`]: the rendezvous server (presence, connect brokering, rooms, relay).
//! - [`engine`]: the only layer that does I/O: one UDP socket and one timer/receive thread.
//! - [`capi`]: the `extern "C"` surface with the Oculus names.

pub mod capi;
pub mod engine;
pub mod proto;
pub mod server;
pub mod signal;
pub mod sim;
pub mod udp;
