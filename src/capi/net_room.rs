//! The room-scoped networking exports. Rooms arrive in a later step; until then nobody is ever in
//! a room, so these refuse (after the usual argument and init checks) with a log line.

use std::ffi::c_void;

use super::cbool::Bool32;
use super::enums::RawSendPolicy;
use super::guard::{self, CallError};
use super::net_packet::send_args;
use super::runtime;

fn not_in_a_room() -> CallError {
    CallError::Refused("not in a room (rooms are not supported yet)".into())
}

/// Would auto-accept connections from every member of the current room. Always false for now,
/// with a log line: the user is never in a room yet.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Net_AcceptForCurrentRoom() -> Bool32 {
    guard::call("ovr_Net_AcceptForCurrentRoom", Bool32::FALSE, || {
        runtime::current()?;
        Err(not_in_a_room())
    })
}

/// Would close the connections to every member of the current room. Does nothing for now except
/// log a line: the user is never in a room yet.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Net_CloseForCurrentRoom() {
    guard::call("ovr_Net_CloseForCurrentRoom", (), || {
        runtime::current()?;
        Err(not_in_a_room())
    })
}

/// Would send to every other member of the current room. Checks its arguments like
/// `ovr_Net_SendPacket`, then returns false with a log line: the user is never in a room yet.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Net_SendPacketToCurrentRoom(
    length: usize,
    bytes: *const c_void,
    policy: RawSendPolicy,
) -> Bool32 {
    guard::call("ovr_Net_SendPacketToCurrentRoom", Bool32::FALSE, || {
        send_args(length, bytes, policy)?;
        runtime::current()?;
        Err(not_in_a_room())
    })
}
