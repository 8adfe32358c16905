//! The room table: membership and room rules, without sessions, pushes or I/O.
//!
//! Every operation either fails with a [`RoomError`] and changes nothing, or succeeds and says
//! which rooms changed, so the caller can push their new snapshots. Rules (`docs/ROOMS.md`):
//! a user is in at most one room; creating or joining another room leaves the first; the owner
//! role passes to the longest-present member; an empty room is destroyed; every change bumps
//! the room's version. The owner's management operations live in `rooms/admin.rs`.

use std::collections::HashMap;

use crate::signal::room::{DataStore, JoinPolicy, MAX_ROOM_USERS, RoomError, RoomErrorCode, RoomSnapshot};

mod admin;
pub mod kicks;

use kicks::KickList;

/// One member of a room.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Member {
    pub user: u64,
    /// False when the member turned updates off at create/join time.
    pub updates: bool,
}

/// One live room.
#[derive(Clone, Debug)]
pub struct Room {
    pub id: u64,
    pub owner: u64,
    /// Join order: index 0 is the longest present.
    pub members: Vec<Member>,
    pub join_policy: JoinPolicy,
    pub max_users: u32,
    pub data_store: DataStore,
    pub version: u64,
    pub membership_locked: bool,
    /// Invited and not yet joined, oldest first (bounded by `MAX_ROOM_INVITED_USERS`).
    pub invited_users: Vec<u64>,
    pub description: String,
    /// Users kicked out for a while; never shown to clients.
    pub kicks: KickList,
}

impl Room {
    /// The full state as clients see it.
    pub fn snapshot(&self) -> RoomSnapshot {
        RoomSnapshot {
            room_id: self.id,
            owner: self.owner,
            members: self.members.iter().map(|m| m.user).collect(),
            join_policy: self.join_policy,
            max_users: self.max_users,
            data_store: self.data_store.clone(),
            version: self.version,
            membership_locked: self.membership_locked,
            invited_users: self.invited_users.clone(),
            description: self.description.clone(),
        }
    }

    /// Members that want RoomUpdate pushes.
    pub fn subscribers(&self) -> impl Iterator<Item = u64> + '_ {
        self.members.iter().filter(|m| m.updates).map(|m| m.user)
    }

    fn has(&self, user: u64) -> bool {
        self.members.iter().any(|m| m.user == user)
    }

    /// Removes `user`, handing ownership to the longest-present member if needed.
    fn remove(&mut self, user: u64) {
        self.members.retain(|m| m.user != user);
        if self.owner == user {
            self.owner = self.members.first().map_or(0, |m| m.user);
        }
        self.version += 1;
    }
}

/// The result of a successful change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The answer for the requester: the room it asked about, after the change.
    pub snapshot: RoomSnapshot,
    /// Live rooms whose state changed (in the order the changes happened).
    pub changed: Vec<u64>,
    /// A room destroyed by this change (its last member left).
    pub destroyed: Option<u64>,
    /// A user this change kicked out who wants updates: no longer a member, it still gets the
    /// new snapshot, which is how it learns it is out.
    pub kicked: Option<u64>,
}

impl Outcome {
    /// A success that changed nothing (no version bump, nobody to tell).
    fn unchanged(snapshot: RoomSnapshot) -> Self {
        Self { snapshot, changed: Vec::new(), destroyed: None, kicked: None }
    }

    /// A success that changed `room` alone.
    fn changed(snapshot: RoomSnapshot, room: u64) -> Self {
        Self { snapshot, changed: vec![room], destroyed: None, kicked: None }
    }
}

/// Every room on the server and who is where.
#[derive(Debug)]
pub struct RoomTable {
    rooms: HashMap<u64, Room>,
    /// user -> the room they are in.
    by_user: HashMap<u64, u64>,
    max_rooms: usize,
}

impl RoomTable {
    /// A table that holds at most `max_rooms` rooms.
    pub fn new(max_rooms: usize) -> Self {
        Self { rooms: HashMap::new(), by_user: HashMap::new(), max_rooms }
    }

    /// Live rooms.
    pub fn len(&self) -> usize {
        self.rooms.len()
    }

    /// True when there are no rooms.
    pub fn is_empty(&self) -> bool {
        self.rooms.is_empty()
    }

    /// Whether a live room has this id (for picking fresh ids).
    pub fn contains(&self, room: u64) -> bool {
        self.rooms.contains_key(&room)
    }

    /// The room `room`.
    pub fn room(&self, room: u64) -> Option<&Room> {
        self.rooms.get(&room)
    }

    /// The room `user` is in.
    pub fn room_of(&self, user: u64) -> Option<u64> {
        self.by_user.get(&user).copied()
    }

    /// Creates room `id` (fresh, non-zero: the caller's job) with `user` as owner and only
    /// member, leaving `user`'s current room first.
    pub fn create(
        &mut self,
        id: u64,
        user: u64,
        join_policy: JoinPolicy,
        max_users: u32,
        updates_off: bool,
        data_store: DataStore,
    ) -> Result<Outcome, RoomError> {
        check_max_users(max_users)?;
        if join_policy == JoinPolicy::Unknown {
            return Err(RoomError::new(RoomErrorCode::InvalidArgument, "join policy Unknown cannot be used"));
        }
        // Leaving a room where the user is alone destroys it, so that one does not count.
        let frees_one =
            self.room_of(user).and_then(|r| self.rooms.get(&r)).is_some_and(|r| r.members.len() == 1);
        if self.rooms.len() - usize::from(frees_one) >= self.max_rooms {
            return Err(RoomError::new(
                RoomErrorCode::TooManyRooms,
                "the server holds its maximum number of rooms",
            ));
        }
        let (mut changed, destroyed) = self.leave_current(user);
        let room = Room {
            id,
            owner: user,
            members: vec![Member { user, updates: !updates_off }],
            join_policy,
            max_users,
            data_store,
            version: 1,
            membership_locked: false,
            invited_users: Vec::new(),
            description: String::new(),
            kicks: KickList::default(),
        };
        let snapshot = room.snapshot();
        self.rooms.insert(id, room);
        self.by_user.insert(user, id);
        changed.push(id);
        Ok(Outcome { snapshot, changed, destroyed, kicked: None })
    }

    /// Adds `user` to `room`, leaving `user`'s current room first. Joining the room one is
    /// already in changes nothing (except the updates flag) and succeeds. Refusals, in order: a
    /// kick that still holds (`now` is the server clock), a locked membership, the join policy
    /// (InvitedUsers admits the invited list only), a full room.
    pub fn join(&mut self, now: u64, user: u64, room: u64, updates_off: bool) -> Result<Outcome, RoomError> {
        let r = self.rooms.get_mut(&room).ok_or_else(|| no_such_room(room))?;
        if let Some(m) = r.members.iter_mut().find(|m| m.user == user) {
            m.updates = !updates_off;
            return Ok(Outcome::unchanged(r.snapshot()));
        }
        if let Some(left) = r.kicks.remaining(now, user) {
            return Err(RoomError::new(
                RoomErrorCode::Kicked,
                format!("kicked from room {room:016x}; may rejoin in {} s", left.div_ceil(1_000_000)),
            ));
        }
        if r.membership_locked {
            return Err(RoomError::new(RoomErrorCode::MembershipLocked, "the room's membership is locked"));
        }
        let invited = r.invited_users.contains(&user);
        if !(r.join_policy.open_to_anyone() || r.join_policy == JoinPolicy::InvitedUsers && invited) {
            return Err(RoomError::new(
                RoomErrorCode::NotAllowed,
                format!("join policy {:?} does not let this user join", r.join_policy),
            ));
        }
        if r.members.len() >= r.max_users as usize {
            return Err(RoomError::new(
                RoomErrorCode::RoomFull,
                format!("the room is full ({} of {} users)", r.members.len(), r.max_users),
            ));
        }
        let (mut changed, destroyed) = self.leave_current(user);
        let Some(r) = self.rooms.get_mut(&room) else {
            // Unreachable: leaving another room cannot destroy this one, which has members.
            return Err(no_such_room(room));
        };
        r.members.push(Member { user, updates: !updates_off });
        // A member is no longer a pending invite, whatever the policy.
        r.invited_users.retain(|&u| u != user);
        r.version += 1;
        let snapshot = r.snapshot();
        self.by_user.insert(user, room);
        changed.push(room);
        Ok(Outcome { snapshot, changed, destroyed, kicked: None })
    }

    /// Removes `user` from `room`. The snapshot is the room after the departure (no members,
    /// owner 0, when it was the last member and the room is gone).
    pub fn leave(&mut self, user: u64, room: u64) -> Result<Outcome, RoomError> {
        self.member_room(user, room)?;
        let (changed, destroyed, snapshot) = self.remove_member(user, room);
        Ok(Outcome { snapshot, changed, destroyed, kicked: None })
    }

    /// Takes `user` out of whatever room they are in (session ended). Returns what changed.
    pub fn remove_user(&mut self, user: u64) -> Option<Outcome> {
        let room = self.room_of(user)?;
        let (changed, destroyed, snapshot) = self.remove_member(user, room);
        Some(Outcome { snapshot, changed, destroyed, kicked: None })
    }

    /// The snapshot of `room`.
    pub fn get(&self, room: u64) -> Result<RoomSnapshot, RoomError> {
        self.rooms.get(&room).map(Room::snapshot).ok_or_else(|| no_such_room(room))
    }

    /// The snapshot of the room `user` is in.
    pub fn current(&self, user: u64) -> Result<RoomSnapshot, RoomError> {
        let room =
            self.room_of(user).ok_or_else(|| RoomError::new(RoomErrorCode::NotInRoom, "not in a room"))?;
        self.get(room)
    }

    /// Owner only: merges `changes` into the data store (an empty value removes the key).
    /// No version bump when nothing actually changes.
    pub fn update_data_store(
        &mut self,
        user: u64,
        room: u64,
        changes: &DataStore,
    ) -> Result<Outcome, RoomError> {
        let r = self.owned_room(user, room, "change the data store")?;
        let merged = r
            .data_store
            .merged(changes)
            .map_err(|e| RoomError::new(RoomErrorCode::InvalidArgument, e.to_string()))?;
        if merged == r.data_store {
            return Ok(Outcome::unchanged(r.snapshot()));
        }
        r.data_store = merged;
        r.version += 1;
        Ok(Outcome::changed(r.snapshot(), room))
    }

    /// `room`, when `user` is a member of it.
    fn member_room(&mut self, user: u64, room: u64) -> Result<&mut Room, RoomError> {
        let r = self.rooms.get_mut(&room).ok_or_else(|| no_such_room(room))?;
        if !r.has(user) {
            return Err(RoomError::new(
                RoomErrorCode::NotInRoom,
                format!("not a member of room {room:016x}"),
            ));
        }
        Ok(r)
    }

    /// `room`, when `user` owns it; `what` completes "only the owner may ...".
    fn owned_room(&mut self, user: u64, room: u64, what: &str) -> Result<&mut Room, RoomError> {
        let r = self.member_room(user, room)?;
        if r.owner != user {
            return Err(RoomError::new(RoomErrorCode::NotAllowed, format!("only the owner may {what}")));
        }
        Ok(r)
    }

    /// Leaves the user's current room, if any: (rooms changed, room destroyed).
    fn leave_current(&mut self, user: u64) -> (Vec<u64>, Option<u64>) {
        match self.room_of(user) {
            Some(room) => {
                let (changed, destroyed, _) = self.remove_member(user, room);
                (changed, destroyed)
            }
            None => (Vec::new(), None),
        }
    }

    /// Removes a known member; destroys the room when it empties.
    fn remove_member(&mut self, user: u64, room: u64) -> (Vec<u64>, Option<u64>, RoomSnapshot) {
        self.by_user.remove(&user);
        let Some(r) = self.rooms.get_mut(&room) else {
            // Callers checked membership; stay total anyway.
            return (Vec::new(), None, empty_snapshot(room));
        };
        r.remove(user);
        let snapshot = r.snapshot();
        if r.members.is_empty() {
            self.rooms.remove(&room);
            (Vec::new(), Some(room), snapshot)
        } else {
            (vec![room], None, snapshot)
        }
    }
}

fn check_max_users(max_users: u32) -> Result<(), RoomError> {
    if (1..=MAX_ROOM_USERS).contains(&max_users) {
        Ok(())
    } else {
        Err(RoomError::new(
            RoomErrorCode::InvalidArgument,
            format!("max users must be 1 to {MAX_ROOM_USERS}, got {max_users}"),
        ))
    }
}

fn no_such_room(room: u64) -> RoomError {
    RoomError::new(RoomErrorCode::NoSuchRoom, format!("no room {room:016x}"))
}

fn empty_snapshot(room: u64) -> RoomSnapshot {
    RoomSnapshot {
        room_id: room,
        owner: 0,
        members: Vec::new(),
        join_policy: JoinPolicy::Unknown,
        max_users: 0,
        data_store: DataStore::new(),
        version: 0,
        membership_locked: false,
        invited_users: Vec::new(),
        description: String::new(),
    }
}
