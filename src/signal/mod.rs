//! Signalling between clients and the rendezvous server: messages, codec and the client
//! state machine. Sans-IO: no sockets, no clock reads; time comes in as `u64` microseconds.
//!
//! Every signalling datagram starts with [`codec::SIGNAL_V3`] (`0xB3`) so the engine can tell
//! it from peer transport (`0xA2`) on the one shared socket. The login is a Noise handshake
//! ([`login_handshake`]); every later datagram is sealed under its keys ([`channel`]). See
//! `docs/SIGNALLING.md`.

#![forbid(unsafe_code)]

pub mod backoff;
pub mod channel;
pub mod client;
pub mod client_rooms;
pub mod codec;
pub mod constant_time;
pub mod dedup;
pub mod login_handshake;
pub mod messages;
pub mod relay;
pub mod rng;
pub mod room;
mod room_codec;
mod room_request_codec;
pub mod sealed;

pub use client::{ClientConfig, CommandError, SignalClient, SignalEvent};
pub use client_rooms::{RoomEvent, RoomRequest};
pub use codec::{
    DecodeError, EncodeError, MAX_SIGNAL_DATAGRAM, MAX_SIGNAL_MESSAGE, SIGNAL_V1, SIGNAL_V2, SIGNAL_V3,
    decode, encode,
};
pub use messages::{
    COOKIE_LEN, Cookie, Credential, FailReason, LoginRefusal, MAX_CREDENTIAL_LEN, MAX_LAN_ADDRS, Message,
    RESET_TOKEN_LEN,
};
pub use room::{DataStore, DataStoreError, JoinPolicy, RoomError, RoomErrorCode, RoomSnapshot};

#[cfg(test)]
mod client_room_admin_tests;
#[cfg(test)]
mod client_rooms_tests;
#[cfg(test)]
mod client_tests;
#[cfg(test)]
mod codec_tests;
#[cfg(test)]
mod test_server;
