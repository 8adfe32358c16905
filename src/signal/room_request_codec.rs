//! Byte layouts of the room management requests (kick, invite, owner, lock, join policy,
//! description, current room of a user); see `docs/ROOMS.md`.
//!
//! Each starts with req u32, session u64 like every request, then:
//!
//! * KickUser: room u64, user u64, kick_duration_seconds i32 (two's complement)
//! * InviteUser, UpdateOwner: room u64, user u64
//! * UpdateMembershipLockStatus: room u64, locked flag (0 or 1)
//! * UpdatePrivateRoomJoinPolicy: room u64, join_policy u8 (0..=5)
//! * SetDescription: room u64, len u8, UTF-8 text (any length a byte holds; the server enforces
//!   the description limit so that an over-long one gets an answer, not silence)
//! * GetCurrentForUser: user u64
//!
//! Kept apart from `codec.rs` so that file stays about framing and the older messages.

use super::codec::{DecodeError, EncodeError, Reader, Writer, kind};
use super::messages::Message;
use super::room_codec::{read_flag, read_policy, read_str, write_str};

/// Writes the type byte and fields of a room management request; any other message writes
/// nothing (the caller only passes these).
pub(super) fn write(w: &mut Writer<'_>, msg: &Message) -> Result<(), EncodeError> {
    match msg {
        Message::RoomKickUser { req, session, room, user, kick_duration_seconds } => {
            head(w, kind::ROOM_KICK_USER, *req, *session)?;
            w.u64(*room)?;
            w.u64(*user)?;
            w.bytes(&kick_duration_seconds.to_be_bytes())
        }
        Message::RoomInviteUser { req, session, room, user } => {
            head(w, kind::ROOM_INVITE_USER, *req, *session)?;
            w.u64(*room)?;
            w.u64(*user)
        }
        Message::RoomUpdateOwner { req, session, room, user } => {
            head(w, kind::ROOM_UPDATE_OWNER, *req, *session)?;
            w.u64(*room)?;
            w.u64(*user)
        }
        Message::RoomUpdateMembershipLockStatus { req, session, room, locked } => {
            head(w, kind::ROOM_UPDATE_MEMBERSHIP_LOCK_STATUS, *req, *session)?;
            w.u64(*room)?;
            w.u8(u8::from(*locked))
        }
        Message::RoomUpdatePrivateRoomJoinPolicy { req, session, room, join_policy } => {
            head(w, kind::ROOM_UPDATE_PRIVATE_ROOM_JOIN_POLICY, *req, *session)?;
            w.u64(*room)?;
            w.u8(join_policy.code())
        }
        Message::RoomSetDescription { req, session, room, description } => {
            head(w, kind::ROOM_SET_DESCRIPTION, *req, *session)?;
            w.u64(*room)?;
            write_str(w, description)
        }
        Message::RoomGetCurrentForUser { req, session, user } => {
            head(w, kind::ROOM_GET_CURRENT_FOR_USER, *req, *session)?;
            w.u64(*user)
        }
        _ => Ok(()),
    }
}

/// Reads the fields of room management request type `t` (the type byte is already read).
pub(super) fn read(t: u8, r: &mut Reader<'_>) -> Result<Message, DecodeError> {
    let req = r.u32()?;
    let session = r.u64()?;
    Ok(match t {
        kind::ROOM_KICK_USER => Message::RoomKickUser {
            req,
            session,
            room: r.u64()?,
            user: r.u64()?,
            kick_duration_seconds: i32::from_be_bytes(r.u32()?.to_be_bytes()),
        },
        kind::ROOM_INVITE_USER => Message::RoomInviteUser { req, session, room: r.u64()?, user: r.u64()? },
        kind::ROOM_UPDATE_OWNER => Message::RoomUpdateOwner { req, session, room: r.u64()?, user: r.u64()? },
        kind::ROOM_UPDATE_MEMBERSHIP_LOCK_STATUS => {
            Message::RoomUpdateMembershipLockStatus { req, session, room: r.u64()?, locked: read_flag(r)? }
        }
        kind::ROOM_UPDATE_PRIVATE_ROOM_JOIN_POLICY => Message::RoomUpdatePrivateRoomJoinPolicy {
            req,
            session,
            room: r.u64()?,
            join_policy: read_policy(r)?,
        },
        kind::ROOM_SET_DESCRIPTION => Message::RoomSetDescription {
            req,
            session,
            room: r.u64()?,
            description: read_str(r, usize::from(u8::MAX))?,
        },
        kind::ROOM_GET_CURRENT_FOR_USER => Message::RoomGetCurrentForUser { req, session, user: r.u64()? },
        other => return Err(DecodeError::UnknownType(other)),
    })
}

fn head(w: &mut Writer<'_>, t: u8, req: u32, session: u64) -> Result<(), EncodeError> {
    w.u8(t)?;
    w.u32(req)?;
    w.u64(session)
}
