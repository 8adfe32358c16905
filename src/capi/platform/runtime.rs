//! The process-wide slot for the platform runtime (the engine) behind the C API.
//!
//! The C API has one implicit instance per process; the Rust API underneath allows many (tests
//! need that), so only this slot is global. Init functions [`install`] a runtime, shutdown
//! [`take`]s it out, and every export that needs it calls [`current`], which fails with
//! [`CallError::NotInitialised`] (the export then returns false/NULL/0) while the slot is empty.
//!
//! Exports clone the `Arc` out and release the lock before calling in, so a slow call never
//! blocks the slot and shutdown never waits on the slot lock while a call runs; the runtime must
//! accept calls that race with its own shutdown (answering them as "not initialised").

use std::sync::Arc;

use parking_lot::RwLock;

use crate::capi::abi::guard::CallError;
use crate::capi::abi::ids::{ovrID, ovrRequest};
use crate::capi::messages::message::Message;
use crate::capi::messages::message_type::MessageType;
use crate::capi::net::packet::Packet;
use crate::proto::{Policy, Stats};
use crate::signal::RoomRequest;

/// What the C API needs from the engine: one method per networking or queue export, already past
/// argument checking. `capi::platform::engine_runtime::EngineRuntime` is the real implementation; tests can
/// install fakes.
///
/// Every method may race with [`Runtime::shutdown`]; once shut down they return
/// [`CallError::NotInitialised`] instead of reaching a stopped engine.
pub trait Runtime: Send + Sync + 'static {
    /// The user id this instance logged in (or is logging in) as.
    fn user_id(&self) -> Result<ovrID, CallError>;
    /// Starts connecting to `peer`; a ConnectionStateChange message follows.
    fn connect(&self, peer: ovrID) -> Result<(), CallError>;
    /// Accepts `peer`'s pending request; false if none was pending.
    fn accept(&self, peer: ovrID) -> Result<bool, CallError>;
    /// Closes the connection to `peer`; false if there was none.
    fn close(&self, peer: ovrID) -> Result<bool, CallError>;
    fn is_connected(&self, peer: ovrID) -> Result<bool, CallError>;
    /// Starts a ping; returns its non-zero request id (the PingResult message carries it).
    fn ping(&self, peer: ovrID) -> Result<ovrRequest, CallError>;
    /// Queues `data` for `peer`; `Err` (with the reason) when nothing was queued.
    fn send(&self, peer: ovrID, data: &[u8], policy: Policy) -> Result<(), CallError>;
    /// The next received packet, if any.
    fn read_packet(&self) -> Result<Option<Packet>, CallError>;
    /// The next message for `ovr_PopMessage`, if any.
    fn pop_message(&self) -> Result<Option<Message>, CallError>;
    /// Transport statistics of the connection to `peer`, if there is one.
    fn stats(&self, peer: ovrID) -> Result<Option<Stats>, CallError>;
    /// The path the connection to `peer` takes, if there is one (runtimes without paths: none).
    fn path(&self, _peer: ovrID) -> Result<Option<crate::engine::Route>, CallError> {
        Ok(None)
    }
    /// Sends a room request; returns its non-zero request id (the reply message carries it).
    /// `reply_as`, when given, is the message type of the reply instead of the one the
    /// operation implies (the v1 room calls share the v2 operations but not their reply types).
    fn room_request(&self, req: RoomRequest, reply_as: Option<MessageType>) -> Result<ovrRequest, CallError>;
    /// Auto-accepts current and future connect requests from members of the current room, until
    /// the user leaves it; false when not in a room.
    fn accept_for_current_room(&self) -> Result<bool, CallError>;
    /// Queues `data` for every other member of the current room; `Err` when not in a room or when
    /// a member's send was refused (the others were still attempted).
    fn send_to_current_room(&self, data: &[u8], policy: Policy) -> Result<(), CallError>;
    /// Closes the connection to every other member of the current room; false when not in one.
    fn close_for_current_room(&self) -> Result<bool, CallError>;
    /// Queues a reply this library answers itself (users, entitlement, services it does not
    /// provide) behind every message already waiting, so the queue stays in FIFO order.
    fn post_reply(&self, message: Message) -> Result<(), CallError>;
    /// Stops background work and releases the socket. Called once, after the runtime has left the
    /// slot; calls already in flight may still reach the runtime and must fail softly.
    fn shutdown(&self);
}

static SLOT: RwLock<Option<Arc<dyn Runtime>>> = RwLock::new(None);

/// Why a runtime could not be installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstallError {
    /// A runtime is already installed; shut it down first.
    AlreadyInitialised,
}

impl std::fmt::Display for InstallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::AlreadyInitialised => write!(f, "platform is already initialised"),
        }
    }
}

impl std::error::Error for InstallError {}

/// Puts `runtime` in the slot unless one is already there.
pub fn install(runtime: Arc<dyn Runtime>) -> Result<(), InstallError> {
    let mut slot = SLOT.write();
    if slot.is_some() {
        return Err(InstallError::AlreadyInitialised);
    }
    *slot = Some(runtime);
    Ok(())
}

/// The installed runtime, or [`CallError::NotInitialised`].
pub fn current() -> Result<Arc<dyn Runtime>, CallError> {
    SLOT.read().clone().ok_or(CallError::NotInitialised)
}

/// True while a runtime is installed.
pub fn is_initialised() -> bool {
    SLOT.read().is_some()
}

/// Empties the slot and returns what was there; the caller runs [`Runtime::shutdown`] after the
/// lock is released.
pub fn take() -> Option<Arc<dyn Runtime>> {
    SLOT.write().take()
}

/// Empties the slot and shuts the runtime down. Returns false if none was installed.
pub fn shutdown() -> bool {
    match take() {
        Some(runtime) => {
            runtime.shutdown();
            true
        }
        None => false,
    }
}
