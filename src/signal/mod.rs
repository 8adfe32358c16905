//! Signalling between clients and the rendezvous server: messages, codec and the client
//! state machine. Sans-IO: no sockets, no clock reads; time comes in as `u64` microseconds.
//!
//! Every signalling datagram starts with [`codec::SIGNAL_V2`] (`0xB2`) so the engine can tell
//! it from peer transport (`0xA2`) on the one shared socket. See `docs/SIGNALLING.md`.

#![forbid(unsafe_code)]

pub mod backoff;
pub mod client;
pub mod client_rooms;
pub mod codec;
pub mod dedup;
pub mod messages;
pub mod rng;
pub mod room;
mod room_codec;
mod room_request_codec;
pub mod sealed_credential;

pub use client::{ClientConfig, CommandError, SignalClient, SignalEvent};
pub use client_rooms::{RoomEvent, RoomRequest};
pub use codec::{DecodeError, EncodeError, MAX_SIGNAL_DATAGRAM, SIGNAL_V1, SIGNAL_V2, decode, encode};
pub use messages::{COOKIE_LEN, Cookie, Credential, FailReason, LoginRefusal, MAX_CREDENTIAL_LEN, Message};
pub use room::{DataStore, DataStoreError, JoinPolicy, RoomError, RoomErrorCode, RoomSnapshot};

#[cfg(test)]
mod client_room_admin_tests;
#[cfg(test)]
mod client_rooms_tests;
#[cfg(test)]
mod client_tests;
#[cfg(test)]
mod codec_tests;
