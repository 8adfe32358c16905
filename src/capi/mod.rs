//! The `extern "C"` surface with the Oculus Platform names.
//!
//! This layer only checks arguments, guards against panics and translates between C and Rust
//! values; protocol work belongs to the engine. Every export is a safe `extern "C" fn` because C
//! callers cannot be made to write `unsafe`: pointer arguments follow the contract written in each
//! function's doc comment (NULL is always checked; anything else must be a live handle from this
//! library). Rust callers are bound by the same contract.
//!
//! One concept per file:
//! - [`guard`]: panic barrier, typed argument errors, pointer helpers.
//! - [`logger`]: the stderr logger behind `OVRNET_LOG`.
//! - [`cbool`]: the 32-bit `bool` return type and the one-byte `bool` argument type.
//! - [`enums`]: `ovrSendPolicy`, `ovrPeerConnectionState`, `ovrRoomJoinPolicy`.
//! - [`message_type`]: `ovrMessageType` ids.
//! - [`ids`]: `ovrID`, `ovrRequest` and their string conversions.
//! - [`inspect`]: safe copies of returned C strings and buffers, for Rust tests.
//! - [`packet`], [`message`], [`peer`], [`ping`], [`error`]: handles and their accessors.
//! - [`room`], [`user`]: handle types that rooms will fill in later.
//! - [`runtime`]: the process-wide slot the engine is plugged into.

// The C names (`ovr_Packet_GetSize`, `ovrPacketHandle`) are the contract, not Rust style.
#![allow(non_snake_case, non_camel_case_types)]
// Exports take raw pointers from C and cannot be `unsafe fn` (C has no such notion); each one
// null-checks and documents what a non-NULL pointer must be.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

pub mod cbool;
pub mod enums;
pub mod error;
pub mod guard;
pub mod ids;
pub mod inspect;
pub mod logger;
pub mod message;
pub mod message_type;
pub mod packet;
pub mod peer;
pub mod ping;
pub mod room;
pub mod runtime;
pub mod user;
