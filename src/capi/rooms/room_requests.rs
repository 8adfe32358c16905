//! The room requests: `ovr_Room_CreateAndJoinPrivate2`, `ovr_Room_Join2`, `ovr_Room_Leave`,
//! `ovr_Room_GetCurrent`, `ovr_Room_Get`.
//!
//! Each returns a non-zero request id at once; the reply message (type `ovrMessage_Room_<name>`)
//! carries that id and a room, or an error (`ovr_Message_IsError`) whose code is the room error
//! code of docs/ROOMS.md and whose message is readable text. What the server decides (unknown
//! room, full room, policy, max users out of range, leaving a room one is not in) arrives as such
//! an error; only arguments that cannot be sent at all (a join policy value outside the enum,
//! room id 0) and calls before init return request id 0, with a log line.

use std::ffi::c_uint;

use super::room::signal_join_policy;
use super::room_options::{self, ovrRoomOptionsHandle};
use crate::capi::abi::cbool::BoolArg;
use crate::capi::abi::enums::{CEnum, RawRoomJoinPolicy, RoomJoinPolicy};
use crate::capi::abi::guard::{self, CallError};
use crate::capi::abi::ids::{ovrID, ovrRequest};
use crate::capi::messages::message_type::MessageType;
use crate::capi::platform::runtime;
use crate::signal::RoomRequest;

const LOG: &str = "ovrnet::capi";

/// Refuses room id 0, which names no room.
fn check_room(room: ovrID) -> Result<ovrID, CallError> {
    if room == 0 { Err(CallError::Invalid("room id 0 names no room".into())) } else { Ok(room) }
}

fn request(req: RoomRequest) -> Result<ovrRequest, CallError> {
    runtime::current()?.room_request(req, None)
}

/// A request whose reply is a `kind` message (the v1 calls).
fn request_as(req: RoomRequest, kind: MessageType) -> Result<ovrRequest, CallError> {
    runtime::current()?.room_request(req, Some(kind))
}

/// Creates a private room with the caller as owner and only member, leaving the room the caller
/// was in (if any). `roomOptions` may be NULL; it gives the initial data store and whether to turn
/// updates off, and may be destroyed as soon as this returns. Reply:
/// `ovrMessage_Room_CreateAndJoinPrivate2` with the new room. `maxUsers` must be 1 to 64 and
/// `joinPolicy` not `ovrRoom_JoinPolicyUnknown`, or the reply is an error (code 5). Returns 0 for a
/// join policy value outside the enum or when not initialised.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Room_CreateAndJoinPrivate2(
    joinPolicy: RawRoomJoinPolicy,
    maxUsers: c_uint,
    roomOptions: ovrRoomOptionsHandle,
) -> ovrRequest {
    guard::call("ovr_Room_CreateAndJoinPrivate2", 0, || {
        let join_policy = signal_join_policy(RoomJoinPolicy::from_raw(joinPolicy.0)?);
        let options = room_options::read(roomOptions);
        request(RoomRequest::Create {
            join_policy,
            max_users: maxUsers,
            updates_off: options.turn_off_updates(),
            data_store: options.data_store().clone(),
        })
    })
}

/// Joins room `roomID` (leaving the room the caller was in, if any; joining the room one is in
/// changes nothing). `roomOptions` may be NULL; only its turn-off-updates flag is read (the data
/// store applies to new rooms only). Reply: `ovrMessage_Room_Join2` with the room, or an error:
/// 1 no such room, 2 full, 3 not allowed by the join policy. Returns 0 for room 0 or when not
/// initialised.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Room_Join2(roomID: ovrID, roomOptions: ovrRoomOptionsHandle) -> ovrRequest {
    guard::call("ovr_Room_Join2", 0, || {
        let room = check_room(roomID)?;
        let options = room_options::read(roomOptions);
        if !options.data_store().is_empty() {
            log::info!(target: LOG, "ovr_Room_Join2: the options' data store is ignored (it applies to new rooms)");
        }
        request(RoomRequest::Join { room, updates_off: options.turn_off_updates() })
    })
}

/// Leaves room `roomID`. Reply: `ovrMessage_Room_Leave` with the room after the departure (no
/// members and no owner if it was the last member: the room is then gone), or an error: 1 no such
/// room, 4 not in that room. Leaving also ends `ovr_Net_AcceptForCurrentRoom`. Returns 0 for room
/// 0 or when not initialised.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Room_Leave(roomID: ovrID) -> ovrRequest {
    guard::call("ovr_Room_Leave", 0, || request(RoomRequest::Leave { room: check_room(roomID)? }))
}

/// Reads the caller's current room. Reply: `ovrMessage_Room_GetCurrent` with the room, or error 4
/// when the caller is in no room. Returns 0 when not initialised.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Room_GetCurrent() -> ovrRequest {
    guard::call("ovr_Room_GetCurrent", 0, || request(RoomRequest::GetCurrent))
}

/// Reads any live room by id, member or not. Reply: `ovrMessage_Room_Get` with the room, or
/// error 1 when no such room exists. Returns 0 for room 0 or when not initialised.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Room_Get(roomID: ovrID) -> ovrRequest {
    guard::call("ovr_Room_Get", 0, || request(RoomRequest::Get { room: check_room(roomID)? }))
}

/// Original (v1) entry point: `ovr_Room_CreateAndJoinPrivate2` without options, as older games
/// call it. `subscribeToUpdates` false turns RoomUpdate messages off for this member. Reply:
/// `ovrMessage_Room_CreateAndJoinPrivate` (not `...2`) with the new room, or an error as for the
/// v2 call. Returns 0 for a join policy value outside the enum or when not initialised.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Room_CreateAndJoinPrivate(
    joinPolicy: RawRoomJoinPolicy,
    maxUsers: c_uint,
    subscribeToUpdates: BoolArg,
) -> ovrRequest {
    guard::call("ovr_Room_CreateAndJoinPrivate", 0, || {
        let join_policy = signal_join_policy(RoomJoinPolicy::from_raw(joinPolicy.0)?);
        let req = RoomRequest::Create {
            join_policy,
            max_users: maxUsers,
            updates_off: !subscribeToUpdates.get(),
            data_store: Default::default(),
        };
        request_as(req, MessageType::Room_CreateAndJoinPrivate)
    })
}

/// Original (v1) entry point: `ovr_Room_Join2` without options. `subscribeToUpdates` false turns
/// RoomUpdate messages off for this member. Reply: `ovrMessage_Room_Join` (not `...2`) with the
/// room, or an error as for the v2 call. Returns 0 for room 0 or when not initialised.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Room_Join(roomID: ovrID, subscribeToUpdates: BoolArg) -> ovrRequest {
    guard::call("ovr_Room_Join", 0, || {
        let req = RoomRequest::Join { room: check_room(roomID)?, updates_off: !subscribeToUpdates.get() };
        request_as(req, MessageType::Room_Join)
    })
}
