//! The room management requests of the original SDK: kick, invite, hand over ownership, lock,
//! change the join policy, describe, and find the room another user is in. The server enforces
//! who may do what (docs/ROOMS.md); each call returns a request id at once and its reply message
//! (`ovrMessage_Room_<name>`) carries the changed room, or an error whose code is the room error
//! code. Only arguments that cannot be sent at all (room or user id 0, an enum value outside the
//! enum, an unreadable string) and calls before init return request id 0, with a log line.

use std::ffi::{c_char, c_int};

use super::room::signal_join_policy;
use crate::capi::abi::enums::{CEnum, RawRoomJoinPolicy, RoomJoinPolicy};
use crate::capi::abi::guard::{self, CallError};
use crate::capi::abi::ids::{ovrID, ovrRequest};
use crate::capi::platform::runtime;
use crate::capi::sdk::generated::enums::{RawRoomMembershipLockStatus, ovrRoomMembershipLockStatus};
use crate::signal::RoomRequest;

fn nonzero(id: ovrID, what: &'static str) -> Result<ovrID, CallError> {
    if id == 0 { Err(CallError::Invalid(format!("{what} id 0 names nobody"))) } else { Ok(id) }
}

fn request(req: RoomRequest) -> Result<ovrRequest, CallError> {
    runtime::current()?.room_request(req, None)
}

fn text<'a>(ptr: *const c_char, what: &'static str) -> Result<&'a str, CallError> {
    // SAFETY: the export's contract: NULL or a NUL-terminated string, read only during the call.
    unsafe { guard::c_utf8(ptr, what) }
}

/// Owner only: removes member `userID` from room `roomID`; it may not rejoin that room for
/// `kickDurationSeconds` (0 or less: only removed). The kicked user gets a RoomUpdate without
/// itself. Reply: `ovrMessage_Room_KickUser` with the room, or an error (6 not the owner, 9 that
/// user is not in the room, ...).
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Room_KickUser(roomID: ovrID, userID: ovrID, kickDurationSeconds: c_int) -> ovrRequest {
    guard::call("ovr_Room_KickUser", 0, || {
        let (room, user) = (nonzero(roomID, "room")?, nonzero(userID, "user")?);
        request(RoomRequest::KickUser { room, user, kick_duration_seconds: kickDurationSeconds })
    })
}

/// Any member: invites the user whose invite token is `inviteToken` (`ovr_User_GetInviteToken`:
/// the user id in decimal) to room `roomID`; an `ovrRoom_JoinPolicyInvitedUsers` room admits
/// invited users only. ovrnet does not notify the invitee: the game tells it the room id (for
/// example in a packet). Reply: `ovrMessage_Room_InviteUser` with the room (the user is in
/// `ovr_Room_GetInvitedUsers`), or an error (11 the invited list is full, ...).
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Room_InviteUser(roomID: ovrID, inviteToken: *const c_char) -> ovrRequest {
    guard::call("ovr_Room_InviteUser", 0, || {
        let room = nonzero(roomID, "room")?;
        let token = text(inviteToken, "inviteToken")?;
        let user = token
            .trim()
            .parse::<ovrID>()
            .ok()
            .filter(|&id| id != 0)
            .ok_or_else(|| CallError::Invalid(format!("invite token '{token}' is not a user's token")))?;
        request(RoomRequest::InviteUser { room, user })
    })
}

/// Owner only: makes member `userID` the owner. Reply: `ovrMessage_Room_UpdateOwner` with the
/// room, or an error (6 not the owner, 9 that user is not in the room).
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Room_UpdateOwner(roomID: ovrID, userID: ovrID) -> ovrRequest {
    guard::call("ovr_Room_UpdateOwner", 0, || {
        request(RoomRequest::UpdateOwner { room: nonzero(roomID, "room")?, user: nonzero(userID, "user")? })
    })
}

/// Owner only: locks (no one may join) or unlocks the room. Reply:
/// `ovrMessage_Room_UpdateMembershipLockStatus` with the room (`ovr_Room_GetIsMembershipLocked`),
/// or an error. `ovrRoomMembershipLockStatus_Unknown` and values outside the enum return 0.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Room_UpdateMembershipLockStatus(
    roomID: ovrID,
    membershipLockStatus: RawRoomMembershipLockStatus,
) -> ovrRequest {
    guard::call("ovr_Room_UpdateMembershipLockStatus", 0, || {
        let room = nonzero(roomID, "room")?;
        let locked = match ovrRoomMembershipLockStatus::from_raw(membershipLockStatus.0)? {
            ovrRoomMembershipLockStatus::Lock => true,
            ovrRoomMembershipLockStatus::Unlock => false,
            ovrRoomMembershipLockStatus::Unknown => {
                return Err(CallError::Invalid("lock status Unknown is neither lock nor unlock".into()));
            }
        };
        request(RoomRequest::UpdateMembershipLockStatus { room, locked })
    })
}

/// Owner only: changes who may join. Reply: `ovrMessage_Room_UpdatePrivateRoomJoinPolicy` with the
/// room, or an error (5 for `ovrRoom_JoinPolicyUnknown`). Values outside the enum return 0.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Room_UpdatePrivateRoomJoinPolicy(
    roomID: ovrID,
    newJoinPolicy: RawRoomJoinPolicy,
) -> ovrRequest {
    guard::call("ovr_Room_UpdatePrivateRoomJoinPolicy", 0, || {
        let room = nonzero(roomID, "room")?;
        let policy = signal_join_policy(RoomJoinPolicy::from_raw(newJoinPolicy.0)?);
        request(RoomRequest::UpdatePrivateRoomJoinPolicy { room, policy })
    })
}

/// Owner only: sets the room's description (at most 64 bytes of UTF-8; longer is refused with an
/// error reply). Reply: `ovrMessage_Room_SetDescription` with the room (`ovr_Room_GetDescription`).
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Room_SetDescription(roomID: ovrID, description: *const c_char) -> ovrRequest {
    guard::call("ovr_Room_SetDescription", 0, || {
        let room = nonzero(roomID, "room")?;
        let description = text(description, "description")?.to_owned();
        request(RoomRequest::SetDescription { room, description })
    })
}

/// The room user `userID` is in. Any logged-in user may ask (the original limited this to
/// friends; there is no friend graph here). Reply: `ovrMessage_Room_GetCurrentForUser` with the
/// room, or error 4 when that user is in no room.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Room_GetCurrentForUser(userID: ovrID) -> ovrRequest {
    guard::call("ovr_Room_GetCurrentForUser", 0, || {
        request(RoomRequest::GetCurrentForUser { user: nonzero(userID, "user")? })
    })
}
