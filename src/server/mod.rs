//! The rendezvous server: presence, connect brokering, rooms and the relay for peers that
//! cannot reach each other directly.
//!
//! [`core::ServerCore`] is the whole logic without I/O; [`spawn`] runs it on a real UDP socket
//! in a background thread; `src/bin/ovrnet-server.rs` wraps that for operators.

#![forbid(unsafe_code)]

pub mod config;
pub mod cookie;
pub mod core;
pub mod log_limit;
pub mod rate_bucket;
pub mod reset_token;
pub mod rooms;
pub mod secret_stream;
pub mod session;
pub mod signed_token;
pub mod token;

pub use config::{AuthMode, IdentityKey, ServerConfig};
pub use core::{ServerCore, Stats};
pub mod run;

pub use run::{ServerHandle, spawn};

#[cfg(test)]
mod core_tests;
#[cfg(test)]
mod rooms_admin_tests;
#[cfg(test)]
mod rooms_tests;
#[cfg(test)]
mod test_clients;
