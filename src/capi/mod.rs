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
//! - [`room`], [`user`], [`data_store`]: the room payload and its getters (members, owner,
//!   data store); [`room_enums`]: the rooms API's smaller enums.
//! - [`room_options`], [`room_requests`]: `ovr_RoomOptions_*` and the `ovr_Room_*` requests.
//! - [`runtime`]: the process-wide slot and the [`runtime::Runtime`] trait the exports call.
//! - [`engine_runtime`]: the real runtime (an engine) and [`pump`], which maps its notifications
//!   and packets to messages and packet handles.
//! - [`settings`], [`env_settings`]: init configuration, from a struct or environment/file.
//! - [`platform`]: starting/stopping the process-wide instance; [`ovrnet_init`] (the extension
//!   init and shutdown) and [`oculus_init`] (the original init functions) call it.
//! - [`platform_initialize`]: `ovrPlatformInitializeResult` and the init reply payload.
//! - [`net_peer`], [`net_packet`], [`net_room`], [`net_stats`], [`queue`]: the `ovr_Net_*`
//!   exports, `ovrnet_Net_GetStats` and `ovr_PopMessage`.

// The C names (`ovr_Packet_GetSize`, `ovrPacketHandle`) are the contract, not Rust style.
#![allow(non_snake_case, non_camel_case_types)]
// Exports take raw pointers from C and cannot be `unsafe fn` (C has no such notion); each one
// null-checks and documents what a non-NULL pointer must be.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

pub mod cbool;
pub mod data_store;
pub mod engine_runtime;
pub mod enums;
pub mod env_settings;
pub mod error;
pub mod guard;
pub mod handle;
pub mod ids;
pub mod inspect;
pub mod key_value;
pub mod logger;
pub mod message;
pub mod message_type;
pub mod net_packet;
pub mod net_peer;
pub mod net_room;
pub mod net_stats;
pub mod oculus_init;
pub mod ovrnet_init;
pub mod packet;
pub mod peer;
pub mod ping;
pub mod platform;
pub mod platform_initialize;
pub mod pump;
pub mod queue;
pub mod room;
pub mod room_enums;
pub mod room_options;
pub mod room_requests;
pub mod runtime;
pub mod sdk;
pub mod settings;
pub mod unity_init;
pub mod user;
pub mod user_requests;
