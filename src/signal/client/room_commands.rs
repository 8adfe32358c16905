//! The room commands of [`SignalClient`]: one generic request plus a typed shorthand per
//! Oculus room call, and what the client knows of its current room. A child of `client` so the
//! commands reach its request queue without widening its visibility.

use super::{CommandError, Phase, RequestKind, SignalClient};
use crate::signal::client_rooms::{RoomEvent, RoomRequest};
use crate::signal::room::{DataStore, JoinPolicy, RoomSnapshot};

impl SignalClient {
    /// Creates a private room and joins it (leaving the current room). Returns the request id
    /// that the [`RoomEvent::RoomReply`] will carry. Limits are checked by the server.
    pub fn room_create(
        &mut self,
        now_us: u64,
        join_policy: JoinPolicy,
        max_users: u32,
        updates_off: bool,
        data_store: DataStore,
    ) -> Result<u32, CommandError> {
        let req = RoomRequest::Create { join_policy, max_users, updates_off, data_store };
        self.request(now_us, RequestKind::Room(req))
    }

    /// Joins `room` (leaving the current room); returns the request id.
    pub fn room_join(&mut self, now_us: u64, room: u64, updates_off: bool) -> Result<u32, CommandError> {
        self.request(now_us, RequestKind::Room(RoomRequest::Join { room, updates_off }))
    }

    /// Leaves `room`; returns the request id.
    pub fn room_leave(&mut self, now_us: u64, room: u64) -> Result<u32, CommandError> {
        self.request(now_us, RequestKind::Room(RoomRequest::Leave { room }))
    }

    /// Reads `room`; returns the request id.
    pub fn room_get(&mut self, now_us: u64, room: u64) -> Result<u32, CommandError> {
        self.request(now_us, RequestKind::Room(RoomRequest::Get { room }))
    }

    /// Reads the room this user is in (error `NotInRoom` when none); returns the request id.
    pub fn room_get_current(&mut self, now_us: u64) -> Result<u32, CommandError> {
        self.request(now_us, RequestKind::Room(RoomRequest::GetCurrent))
    }

    /// Owner only: merges `changes` into `room`'s data store (an empty value removes the key);
    /// returns the request id.
    pub fn room_update_data_store(
        &mut self,
        now_us: u64,
        room: u64,
        changes: DataStore,
    ) -> Result<u32, CommandError> {
        self.request(now_us, RequestKind::Room(RoomRequest::UpdateDataStore { room, data_store: changes }))
    }

    /// Sends any room request (the typed `room_*` methods are shorthands for this); returns
    /// the request id its [`RoomEvent::RoomReply`] will carry. A request the client can tell is
    /// invalid (an over-long description) is answered at once with that error, unsent.
    pub fn room_request(&mut self, now_us: u64, request: RoomRequest) -> Result<u32, CommandError> {
        if let Some(error) = request.local_error() {
            if !matches!(self.phase, Phase::LoggingIn | Phase::LoggedIn { .. }) {
                return Err(CommandError::Closed);
            }
            let request_id = self.take_req();
            self.emit_room(RoomEvent::RoomReply { request_id, result: Err(error) });
            return Ok(request_id);
        }
        self.request(now_us, RequestKind::Room(request))
    }

    /// Owner only: removes `user` from `room`; it may not rejoin for `kick_duration_seconds`
    /// (zero or less: only removed). Returns the request id.
    pub fn room_kick_user(
        &mut self,
        now_us: u64,
        room: u64,
        user: u64,
        kick_duration_seconds: i32,
    ) -> Result<u32, CommandError> {
        self.room_request(now_us, RoomRequest::KickUser { room, user, kick_duration_seconds })
    }

    /// Any member: invites `user` to `room`; returns the request id.
    pub fn room_invite_user(&mut self, now_us: u64, room: u64, user: u64) -> Result<u32, CommandError> {
        self.room_request(now_us, RoomRequest::InviteUser { room, user })
    }

    /// Owner only: makes the member `user` the owner of `room`; returns the request id.
    pub fn room_update_owner(&mut self, now_us: u64, room: u64, user: u64) -> Result<u32, CommandError> {
        self.room_request(now_us, RoomRequest::UpdateOwner { room, user })
    }

    /// Owner only: locks (no joins) or unlocks `room`'s membership; returns the request id.
    pub fn room_update_membership_lock_status(
        &mut self,
        now_us: u64,
        room: u64,
        locked: bool,
    ) -> Result<u32, CommandError> {
        self.room_request(now_us, RoomRequest::UpdateMembershipLockStatus { room, locked })
    }

    /// Owner only: changes `room`'s join policy; returns the request id.
    pub fn room_update_private_room_join_policy(
        &mut self,
        now_us: u64,
        room: u64,
        policy: JoinPolicy,
    ) -> Result<u32, CommandError> {
        self.room_request(now_us, RoomRequest::UpdatePrivateRoomJoinPolicy { room, policy })
    }

    /// Owner only: sets `room`'s description (at most `MAX_ROOM_DESCRIPTION_LEN` bytes);
    /// returns the request id.
    pub fn room_set_description(
        &mut self,
        now_us: u64,
        room: u64,
        description: String,
    ) -> Result<u32, CommandError> {
        self.room_request(now_us, RoomRequest::SetDescription { room, description })
    }

    /// Reads the room `user` is in (error `UserNotInRoom` when none); returns the request id.
    pub fn room_get_current_for_user(&mut self, now_us: u64, user: u64) -> Result<u32, CommandError> {
        self.room_request(now_us, RoomRequest::GetCurrentForUser { user })
    }

    /// The id of the room this client is in, as far as the server has said.
    pub fn current_room(&self) -> Option<u64> {
        self.room.current().map(|s| s.room_id)
    }

    /// The newest known state of the room this client is in.
    pub fn current_room_snapshot(&self) -> Option<&RoomSnapshot> {
        self.room.current()
    }

    /// Next room event for the engine (a separate queue from [`Self::poll_event`]).
    pub fn poll_room_event(&mut self) -> Option<RoomEvent> {
        self.room_events.pop_front()
    }
}
