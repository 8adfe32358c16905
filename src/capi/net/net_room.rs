//! The room-scoped networking exports: auto-accept, send to every member, close to every member.
//! "The current room" is the room the server last reported this user in (create/join replies and
//! RoomUpdate messages move it).

use std::ffi::c_void;

use super::net_packet::send_args;
use crate::capi::abi::cbool::Bool32;
use crate::capi::abi::enums::RawSendPolicy;
use crate::capi::abi::guard::{self, CallError};
use crate::capi::platform::runtime;

const LOG: &str = "ovrnet::capi";

fn not_in_a_room() -> CallError {
    CallError::Refused("not in a room".into())
}

/// Accepts every pending and every future connection request from members of the current room
/// (members who join later included), without a PeerConnectRequest message; requests from anyone
/// else still arrive as messages. Lasts until the user leaves that room (or joins another).
/// False, with a log line, when not in a room or not initialised.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Net_AcceptForCurrentRoom() -> Bool32 {
    guard::call("ovr_Net_AcceptForCurrentRoom", Bool32::FALSE, || {
        if runtime::current()?.accept_for_current_room()? { Ok(Bool32::TRUE) } else { Err(not_in_a_room()) }
    })
}

/// Closes the connection to every other member of the current room (as `ovr_Net_Close` does for
/// each). Does nothing except log a line when not in a room or not initialised.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Net_CloseForCurrentRoom() {
    guard::call("ovr_Net_CloseForCurrentRoom", (), || {
        if runtime::current()?.close_for_current_room()? {
            log::debug!(target: LOG, "ovr_Net_CloseForCurrentRoom: closed the room's connections");
            Ok(())
        } else {
            Err(not_in_a_room())
        }
    })
}

/// Sends `length` bytes from `bytes` to every other member of the current room, connecting
/// implicitly, with the same policies, limits and argument checks as `ovr_Net_SendPacket`. True
/// when queued for every other member (also when the user is alone in the room). False, with a log
/// line, when not in a room, for bad arguments, when not initialised, or when any member's send
/// was refused (e.g. unreliable before that connection is up; the other members still got it).
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Net_SendPacketToCurrentRoom(
    length: usize,
    bytes: *const c_void,
    policy: RawSendPolicy,
) -> Bool32 {
    guard::call("ovr_Net_SendPacketToCurrentRoom", Bool32::FALSE, || {
        let (data, policy) = send_args(length, bytes, policy)?;
        runtime::current()?.send_to_current_room(data, policy)?;
        Ok(Bool32::TRUE)
    })
}
