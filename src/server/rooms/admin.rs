//! Room management on the room table: kick, invite, owner, lock, join policy, description, and
//! reading another user's room.
//!
//! Same contract as the rest of the table: a refusal changes nothing; a success that changes
//! nothing (setting what is already set) neither bumps the version nor tells anyone; any other
//! success bumps the version once and names the room as changed.

use super::{Outcome, RoomTable, no_such_room};
use crate::signal::room::{
    JoinPolicy, MAX_ROOM_DESCRIPTION_LEN, MAX_ROOM_INVITED_USERS, RoomError, RoomErrorCode, RoomSnapshot,
    description_too_long,
};

impl RoomTable {
    /// Owner only: takes the member `user` out of `room` as if it had left, and keeps it out
    /// for `seconds` from `now` (zero or less: only removed). The owner cannot kick itself
    /// (leaving is the way out), so the room never empties here.
    pub fn kick(
        &mut self,
        now: u64,
        owner: u64,
        room: u64,
        user: u64,
        seconds: i32,
    ) -> Result<Outcome, RoomError> {
        let r = self.owned_room(owner, room, "kick users")?;
        if user == owner {
            return Err(RoomError::new(
                RoomErrorCode::InvalidArgument,
                "the owner cannot kick itself; leave the room instead",
            ));
        }
        let updates =
            r.members.iter().find(|m| m.user == user).ok_or_else(|| not_a_member(user, room))?.updates;
        r.kicks.kick(now, user, seconds);
        let (changed, destroyed, snapshot) = self.remove_member(user, room);
        Ok(Outcome { snapshot, changed, destroyed, kicked: updates.then_some(user) })
    }

    /// Any member: puts `user` on the invited list. Inviting a member or someone already
    /// invited changes nothing; the list holds at most [`MAX_ROOM_INVITED_USERS`]. An invite
    /// does not lift a kick: otherwise any member could undo the owner's decision.
    pub fn invite(&mut self, inviter: u64, room: u64, user: u64) -> Result<Outcome, RoomError> {
        let r = self.member_room(inviter, room)?;
        if user == 0 {
            return Err(RoomError::new(RoomErrorCode::InvalidArgument, "user id 0 cannot be invited"));
        }
        if r.has(user) || r.invited_users.contains(&user) {
            return Ok(Outcome::unchanged(r.snapshot()));
        }
        if r.invited_users.len() >= MAX_ROOM_INVITED_USERS {
            return Err(RoomError::new(
                RoomErrorCode::InviteListFull,
                format!("the room already has {MAX_ROOM_INVITED_USERS} pending invites, the most it keeps"),
            ));
        }
        r.invited_users.push(user);
        r.version += 1;
        Ok(Outcome::changed(r.snapshot(), room))
    }

    /// Owner only: hands ownership to the member `user`.
    pub fn update_owner(&mut self, owner: u64, room: u64, user: u64) -> Result<Outcome, RoomError> {
        let r = self.owned_room(owner, room, "hand over ownership")?;
        if user == owner {
            return Ok(Outcome::unchanged(r.snapshot()));
        }
        if !r.has(user) {
            return Err(not_a_member(user, room));
        }
        r.owner = user;
        r.version += 1;
        Ok(Outcome::changed(r.snapshot(), room))
    }

    /// Owner only: locks (every join refused) or unlocks the membership.
    pub fn update_lock(&mut self, owner: u64, room: u64, locked: bool) -> Result<Outcome, RoomError> {
        let r = self.owned_room(owner, room, "lock or unlock the membership")?;
        if r.membership_locked == locked {
            return Ok(Outcome::unchanged(r.snapshot()));
        }
        r.membership_locked = locked;
        r.version += 1;
        Ok(Outcome::changed(r.snapshot(), room))
    }

    /// Owner only: changes the join policy (not to `Unknown`, which is no policy).
    pub fn update_join_policy(
        &mut self,
        owner: u64,
        room: u64,
        policy: JoinPolicy,
    ) -> Result<Outcome, RoomError> {
        let r = self.owned_room(owner, room, "change the join policy")?;
        if policy == JoinPolicy::Unknown {
            return Err(RoomError::new(RoomErrorCode::InvalidArgument, "join policy Unknown cannot be used"));
        }
        if r.join_policy == policy {
            return Ok(Outcome::unchanged(r.snapshot()));
        }
        r.join_policy = policy;
        r.version += 1;
        Ok(Outcome::changed(r.snapshot(), room))
    }

    /// Owner only: sets the description, at most [`MAX_ROOM_DESCRIPTION_LEN`] bytes.
    pub fn set_description(
        &mut self,
        owner: u64,
        room: u64,
        description: &str,
    ) -> Result<Outcome, RoomError> {
        let r = self.owned_room(owner, room, "set the description")?;
        if description.len() > MAX_ROOM_DESCRIPTION_LEN {
            return Err(description_too_long(description.len()));
        }
        if r.description == description {
            return Ok(Outcome::unchanged(r.snapshot()));
        }
        r.description = description.to_owned();
        r.version += 1;
        Ok(Outcome::changed(r.snapshot(), room))
    }

    /// The snapshot of the room `user` is in. Anyone may ask about anyone: Oculus limited
    /// this to friends, and there is no friend graph here.
    pub fn current_for_user(&self, user: u64) -> Result<RoomSnapshot, RoomError> {
        let room = self.room_of(user).ok_or_else(|| {
            RoomError::new(RoomErrorCode::UserNotInRoom, format!("user {user} is in no room"))
        })?;
        self.rooms.get(&room).map(|r| r.snapshot()).ok_or_else(|| no_such_room(room))
    }
}

fn not_a_member(user: u64, room: u64) -> RoomError {
    RoomError::new(RoomErrorCode::UserNotInRoom, format!("user {user} is not a member of room {room:016x}"))
}
