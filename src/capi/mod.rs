//! The `extern "C"` surface with the Oculus Platform names.
//!
//! This layer only checks arguments, guards against panics and translates between C and Rust
//! values; protocol work belongs to the engine. Every export is a safe `extern "C" fn` because C
//! callers cannot be made to write `unsafe`: pointer arguments follow the contract written in each
//! function's doc comment (NULL is always checked; anything else must be a live handle from this
//! library). Rust callers are bound by the same contract.
//!
//! One folder per concern, one concept per file:
//! - [`abi`]: the C boundary: the panic and argument barrier (`guard`), the one handle mechanism
//!   with ownership markers (`handle`), 32-bit bools, C enums (`c_enum!`), ids, the logger.
//! - [`platform`]: every init entry point (`ovrnet_init`, `oculus_init`, `unity_init`), their
//!   settings (struct, app id string, config file, environment), the process-wide runtime slot
//!   and the real runtime (an engine) with the pump from its events to messages.
//! - [`messages`]: `ovr_PopMessage`, messages, their payloads and every message type id.
//! - [`net`]: the `ovr_Net_*` exports and packets.
//! - [`rooms`]: the room payload, options, requests, data store and enums.
//! - [`users`]: the user payload and the user requests (logged-in user, entitlement, locale).
//! - [`sdk`]: the rest of the original SDK, generated from `sdk/surface.tsv`: services ovrnet
//!   does not provide answer like a server that said no.

// The C names (`ovr_Packet_GetSize`, `ovrPacketHandle`) are the contract, not Rust style.
#![allow(non_snake_case, non_camel_case_types)]
// Exports take raw pointers from C and cannot be `unsafe fn` (C has no such notion); each one
// null-checks and documents what a non-NULL pointer must be.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

pub mod abi;
pub mod messages;
pub mod net;
pub mod platform;
pub mod rooms;
pub mod sdk;
pub mod users;
