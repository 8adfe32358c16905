//! `ovrPingResultHandle`: the payload of a PingResult message. It lives inside its message and is
//! freed with it.

use std::ffi::c_ulonglong;

use crate::capi::abi::cbool::Bool32;
use crate::capi::abi::guard::{self, CallError};
use crate::capi::abi::handle::{self, handle};
use crate::capi::abi::ids::ovrID;

handle!(Borrowed: PingResult = "ping result");

/// Outcome of one `ovr_Net_Ping`.
///
/// The original documentation does not say what `ovr_PingResult_GetID` returns; this project
/// returns the id of the pinged peer (the request id is already on the message via
/// `ovr_Message_GetRequestID`). The engine decides by what it passes as `id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PingResult {
    id: ovrID,
    ping_time_usec: u64,
    is_timeout: bool,
}

impl PingResult {
    /// The peer answered after `ping_time_usec` microseconds (round trip).
    pub fn answered(id: ovrID, ping_time_usec: u64) -> Self {
        Self { id, ping_time_usec, is_timeout: false }
    }

    /// The peer did not answer in time.
    pub fn timed_out(id: ovrID) -> Self {
        Self { id, ping_time_usec: 0, is_timeout: true }
    }

    pub fn id(&self) -> ovrID {
        self.id
    }

    pub fn ping_time_usec(&self) -> u64 {
        self.ping_time_usec
    }

    pub fn is_timeout(&self) -> bool {
        self.is_timeout
    }
}

/// Opaque to C; borrowed from a message, valid until `ovr_FreeMessage` on that message.
pub type ovrPingResultHandle = *mut PingResult;

fn ping<'a>(obj: ovrPingResultHandle) -> Result<&'a PingResult, CallError> {
    handle::get(obj.cast_const())
}

/// The pinged peer's user id (see the type's docs); 0 for a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_PingResult_GetID(obj: ovrPingResultHandle) -> ovrID {
    guard::call("ovr_PingResult_GetID", 0, || Ok(ping(obj)?.id))
}

/// Round-trip time in microseconds; 0 when the ping timed out or for a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_PingResult_GetPingTimeUsec(obj: ovrPingResultHandle) -> c_ulonglong {
    guard::call("ovr_PingResult_GetPingTimeUsec", 0, || Ok(ping(obj)?.ping_time_usec))
}

/// True if the peer did not answer in time; false for a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_PingResult_IsTimeout(obj: ovrPingResultHandle) -> Bool32 {
    guard::call("ovr_PingResult_IsTimeout", Bool32::FALSE, || Ok(ping(obj)?.is_timeout.into()))
}
