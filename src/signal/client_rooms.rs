//! Client side of rooms: the requests, the events, and which room this client is in.
//!
//! Replies and RoomUpdate pushes can arrive late, twice or out of order. The server numbers
//! both from one per-session sequence (push ids, and the `mark` of each room reply), so the
//! client keeps only information newer than what it already has: a stale push is dropped, a
//! stale reply is still reported (it answers a request) but does not move the current room.

use super::messages::Message;
use super::room::{
    DataStore, JoinPolicy, MAX_ROOM_DESCRIPTION_LEN, RoomError, RoomErrorCode, RoomSnapshot,
    description_too_long,
};

/// A room request waiting for its reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RoomRequest {
    Create {
        join_policy: JoinPolicy,
        max_users: u32,
        updates_off: bool,
        data_store: DataStore,
    },
    Join {
        room: u64,
        updates_off: bool,
    },
    Leave {
        room: u64,
    },
    Get {
        room: u64,
    },
    GetCurrent,
    UpdateDataStore {
        room: u64,
        data_store: DataStore,
    },
    /// Owner only: remove `user`; it may not rejoin for `kick_duration_seconds` (<= 0: only
    /// removed).
    KickUser {
        room: u64,
        user: u64,
        kick_duration_seconds: i32,
    },
    /// Any member: add `user` to the invited list (what `JoinPolicy::InvitedUsers` admits).
    InviteUser {
        room: u64,
        user: u64,
    },
    /// Owner only: make the member `user` the owner.
    UpdateOwner {
        room: u64,
        user: u64,
    },
    /// Owner only: while locked, every join is refused.
    UpdateMembershipLockStatus {
        room: u64,
        locked: bool,
    },
    /// Owner only: change the join policy (not to `Unknown`).
    UpdatePrivateRoomJoinPolicy {
        room: u64,
        policy: JoinPolicy,
    },
    /// Owner only: set the description (at most `MAX_ROOM_DESCRIPTION_LEN` bytes).
    SetDescription {
        room: u64,
        description: String,
    },
    /// The room `user` is in (any logged-in user may ask about anyone).
    GetCurrentForUser {
        user: u64,
    },
}

impl RoomRequest {
    /// The room this request acts on, when it names one.
    pub fn room(&self) -> Option<u64> {
        match self {
            RoomRequest::Join { room, .. }
            | RoomRequest::Leave { room }
            | RoomRequest::Get { room }
            | RoomRequest::UpdateDataStore { room, .. }
            | RoomRequest::KickUser { room, .. }
            | RoomRequest::InviteUser { room, .. }
            | RoomRequest::UpdateOwner { room, .. }
            | RoomRequest::UpdateMembershipLockStatus { room, .. }
            | RoomRequest::UpdatePrivateRoomJoinPolicy { room, .. }
            | RoomRequest::SetDescription { room, .. } => Some(*room),
            RoomRequest::Create { .. } | RoomRequest::GetCurrent | RoomRequest::GetCurrentForUser { .. } => {
                None
            }
        }
    }

    /// What the client can tell is wrong without asking the server: only a description the
    /// server would refuse anyway, refused here because past 255 bytes it cannot be encoded.
    pub fn local_error(&self) -> Option<RoomError> {
        match self {
            RoomRequest::SetDescription { description, .. }
                if description.len() > MAX_ROOM_DESCRIPTION_LEN =>
            {
                Some(description_too_long(description.len()))
            }
            _ => None,
        }
    }

    /// The datagram carrying this request.
    pub fn message(&self, req: u32, session: u64) -> Message {
        match self.clone() {
            RoomRequest::Create { join_policy, max_users, updates_off, data_store } => {
                Message::RoomCreate { req, session, join_policy, max_users, updates_off, data_store }
            }
            RoomRequest::Join { room, updates_off } => Message::RoomJoin { req, session, room, updates_off },
            RoomRequest::Leave { room } => Message::RoomLeave { req, session, room },
            RoomRequest::Get { room } => Message::RoomGet { req, session, room },
            RoomRequest::GetCurrent => Message::RoomGetCurrent { req, session },
            RoomRequest::UpdateDataStore { room, data_store } => {
                Message::RoomUpdateDataStore { req, session, room, data_store }
            }
            RoomRequest::KickUser { room, user, kick_duration_seconds } => {
                Message::RoomKickUser { req, session, room, user, kick_duration_seconds }
            }
            RoomRequest::InviteUser { room, user } => Message::RoomInviteUser { req, session, room, user },
            RoomRequest::UpdateOwner { room, user } => Message::RoomUpdateOwner { req, session, room, user },
            RoomRequest::UpdateMembershipLockStatus { room, locked } => {
                Message::RoomUpdateMembershipLockStatus { req, session, room, locked }
            }
            RoomRequest::UpdatePrivateRoomJoinPolicy { room, policy } => {
                Message::RoomUpdatePrivateRoomJoinPolicy { req, session, room, join_policy: policy }
            }
            RoomRequest::SetDescription { room, description } => {
                Message::RoomSetDescription { req, session, room, description }
            }
            RoomRequest::GetCurrentForUser { user } => Message::RoomGetCurrentForUser { req, session, user },
        }
    }
}

/// What the engine learns about rooms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RoomEvent {
    /// The answer to the room request that returned `request_id`.
    RoomReply { request_id: u32, result: Result<RoomSnapshot, RoomError> },
    /// The room this client is in changed (not sent to members that turned updates off).
    RoomUpdate { snapshot: RoomSnapshot },
}

/// The error reported for room requests that can no longer be answered because the client
/// closed or logged out first.
pub fn abandoned() -> RoomError {
    RoomError::new(RoomErrorCode::Disconnected, "the session ended before the server answered")
}

/// The current room as far as the server has told this client.
#[derive(Clone, Debug, Default)]
pub struct RoomTracker {
    current: Option<RoomSnapshot>,
    /// Highest push id or reply mark applied so far.
    order: u32,
}

impl RoomTracker {
    /// The room this client is in, with its newest known state.
    pub fn current(&self) -> Option<&RoomSnapshot> {
        self.current.as_ref()
    }

    /// Forgets everything (new session: the server has no room for it).
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    /// A first-time RoomUpdate push; returns it when it is newer than what is known.
    pub fn on_push(&mut self, me: u64, push: u32, snapshot: RoomSnapshot) -> Option<RoomSnapshot> {
        if !self.advance(push) {
            return None;
        }
        if snapshot.has_member(me) {
            // Pushes go to members, so at that point this was the client's room.
            self.current = Some(snapshot.clone());
        } else if self.current.as_ref().is_some_and(|c| c.room_id == snapshot.room_id) {
            // The one push to a non-member: the owner kicked this client out.
            self.current = None;
        }
        Some(snapshot)
    }

    /// A reply to `request` from `me`; moves the current room when the reply is news.
    pub fn on_reply(
        &mut self,
        me: u64,
        request: &RoomRequest,
        mark: u32,
        result: &Result<RoomSnapshot, RoomError>,
    ) {
        if !self.advance(mark) {
            return;
        }
        let current_id = self.current.as_ref().map(|s| s.room_id);
        match (request, result) {
            (RoomRequest::Leave { .. }, Ok(_)) => self.current = None,
            (_, Ok(snap)) if snap.has_member(me) => self.current = Some(snap.clone()),
            (_, Ok(snap)) if Some(snap.room_id) == current_id => self.current = None,
            (RoomRequest::GetCurrent, Err(e)) if e.code == RoomErrorCode::NotInRoom => self.current = None,
            // Every request naming the current room: the room is gone, or the caller is not in
            // it (codes about other users, such as UserNotInRoom, say nothing about the caller).
            (_, Err(e))
                if request.room().is_some()
                    && request.room() == current_id
                    && !matches!(request, RoomRequest::Join { .. })
                    && matches!(e.code, RoomErrorCode::NoSuchRoom | RoomErrorCode::NotInRoom) =>
            {
                self.current = None
            }
            _ => {}
        }
    }

    /// True (and remembered) when `id` is newer than everything applied so far.
    fn advance(&mut self, id: u32) -> bool {
        if id <= self.order {
            return false;
        }
        self.order = id;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(room: u64, members: &[u64], version: u64) -> RoomSnapshot {
        RoomSnapshot {
            room_id: room,
            owner: members.first().copied().unwrap_or(0),
            members: members.to_vec(),
            join_policy: JoinPolicy::Everyone,
            max_users: 8,
            data_store: DataStore::new(),
            version,
            membership_locked: false,
            invited_users: Vec::new(),
            description: String::new(),
        }
    }

    const ME: u64 = 7;

    #[test]
    fn a_late_push_from_the_previous_room_does_not_move_me_back() {
        let mut t = RoomTracker::default();
        let join_a = RoomRequest::Join { room: 1, updates_off: false };
        t.on_reply(ME, &join_a, 1, &Ok(snap(1, &[3, ME], 2)));
        let join_b = RoomRequest::Join { room: 2, updates_off: false };
        t.on_reply(ME, &join_b, 5, &Ok(snap(2, &[4, ME], 2)));
        // A push about room 1 made before the join of room 2 (id 3 < mark 5) arrives late.
        assert_eq!(t.on_push(ME, 3, snap(1, &[3, ME, 9], 3)), None);
        assert_eq!(t.current().map(|s| s.room_id), Some(2));
    }

    #[test]
    fn a_push_that_overtakes_the_join_reply_wins() {
        let mut t = RoomTracker::default();
        // Someone joined right after me: that push (id 2) comes after my reply (mark 1) but
        // arrives first.
        let newer = snap(1, &[3, ME, 9], 3);
        assert_eq!(t.on_push(ME, 2, newer.clone()), Some(newer.clone()));
        t.on_reply(ME, &RoomRequest::Join { room: 1, updates_off: false }, 1, &Ok(snap(1, &[3, ME], 2)));
        assert_eq!(t.current(), Some(&newer));
    }

    #[test]
    fn leave_and_not_in_room_clear_the_current_room() {
        let mut t = RoomTracker::default();
        let create = RoomRequest::Create {
            join_policy: JoinPolicy::None,
            max_users: 2,
            updates_off: false,
            data_store: DataStore::new(),
        };
        t.on_reply(ME, &create, 1, &Ok(snap(1, &[ME], 1)));
        assert!(t.current().is_some());
        t.on_reply(ME, &RoomRequest::Leave { room: 1 }, 2, &Ok(snap(1, &[], 2)));
        assert!(t.current().is_none());
        t.on_reply(ME, &create, 3, &Ok(snap(5, &[ME], 1)));
        let not_in = Err(RoomError::new(RoomErrorCode::NotInRoom, "not in a room"));
        t.on_reply(ME, &RoomRequest::GetCurrent, 4, &not_in);
        assert!(t.current().is_none());
        // A failed join of another room leaves things as they were.
        t.on_reply(ME, &create, 5, &Ok(snap(6, &[ME], 1)));
        let full = Err(RoomError::new(RoomErrorCode::RoomFull, "full"));
        t.on_reply(ME, &RoomRequest::Join { room: 8, updates_off: false }, 6, &full);
        assert_eq!(t.current().map(|s| s.room_id), Some(6));
        // Reading a room that no longer lists me, when it is my room, means I am out.
        t.on_reply(ME, &RoomRequest::Get { room: 6 }, 7, &Ok(snap(6, &[4], 3)));
        assert!(t.current().is_none());
    }
}
