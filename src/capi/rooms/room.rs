//! `ovrRoomHandle`: the payload of room replies and RoomUpdate messages, and its getters.
//!
//! Each message holds its own [`Room`], built from the engine's snapshot when the message is
//! made, so every handle and string taken from it stays valid (and unchanged) until
//! `ovr_FreeMessage`, whatever happens to the room afterwards.
//!
//! What this project has no concept of (see docs/CAPI.md, "Rooms"): names (empty strings),
//! application ids (0), matchmaking (`ovr_Room_GetMatchedUsers` is NULL) and teams
//! (`ovr_Room_GetTeams` is NULL). Every room is private.

use std::ffi::{CStr, CString, c_char, c_uint};

use super::data_store::{RoomDataStore, ovrDataStoreHandle};
use super::room_enums::{RoomJoinability, RoomType};
use crate::capi::abi::cbool::Bool32;
use crate::capi::abi::enums::RoomJoinPolicy;
use crate::capi::abi::guard::{self, CallError};
use crate::capi::abi::handle::{self, handle};
use crate::capi::abi::ids::ovrID;
use crate::capi::messages::error::to_c_string;
use crate::capi::users::user::{User, UserArray, ovrUserArrayHandle, ovrUserHandle};
use crate::signal::{JoinPolicy, RoomSnapshot};

handle!(Borrowed: Room = "room");

/// A room as one message reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Room {
    id: ovrID,
    /// None only in the reply to the last member's leave (the room is gone).
    owner: Option<User>,
    users: UserArray,
    join_policy: RoomJoinPolicy,
    max_users: u32,
    membership_locked: bool,
    version: u32,
    data_store: RoomDataStore,
    joinability: RoomJoinability,
    invited_users: UserArray,
    /// The owner's description (`ovr_Room_SetDescription`); NUL bytes dropped.
    description: CString,
}

impl Room {
    /// The room in `snapshot` as seen by `viewer` (the local user; it decides the joinability).
    pub fn from_snapshot(snapshot: &RoomSnapshot, viewer: ovrID) -> Self {
        Self {
            id: snapshot.room_id,
            owner: (snapshot.owner != 0).then(|| User::new(snapshot.owner)),
            users: UserArray::from_ids(&snapshot.members),
            join_policy: join_policy(snapshot.join_policy),
            max_users: snapshot.max_users,
            membership_locked: snapshot.membership_locked,
            // The original getter returns an unsigned int; a room would need four billion
            // changes to get past it.
            version: u32::try_from(snapshot.version).unwrap_or(u32::MAX),
            data_store: RoomDataStore::from_store(&snapshot.data_store),
            joinability: joinability(snapshot, viewer),
            invited_users: UserArray::from_ids(&snapshot.invited_users),
            description: to_c_string(&snapshot.description),
        }
    }

    pub fn id(&self) -> ovrID {
        self.id
    }

    pub fn users(&self) -> &UserArray {
        &self.users
    }

    pub fn joinability(&self) -> RoomJoinability {
        self.joinability
    }
}

/// The C policy for a room's join policy.
pub fn join_policy(policy: JoinPolicy) -> RoomJoinPolicy {
    match policy {
        JoinPolicy::None => RoomJoinPolicy::None,
        JoinPolicy::Everyone => RoomJoinPolicy::Everyone,
        JoinPolicy::FriendsOfMembers => RoomJoinPolicy::FriendsOfMembers,
        JoinPolicy::FriendsOfOwner => RoomJoinPolicy::FriendsOfOwner,
        JoinPolicy::InvitedUsers => RoomJoinPolicy::InvitedUsers,
        JoinPolicy::Unknown => RoomJoinPolicy::Unknown,
    }
}

/// The room policy for a C join policy.
pub fn signal_join_policy(policy: RoomJoinPolicy) -> JoinPolicy {
    match policy {
        RoomJoinPolicy::None => JoinPolicy::None,
        RoomJoinPolicy::Everyone => JoinPolicy::Everyone,
        RoomJoinPolicy::FriendsOfMembers => JoinPolicy::FriendsOfMembers,
        RoomJoinPolicy::FriendsOfOwner => JoinPolicy::FriendsOfOwner,
        RoomJoinPolicy::InvitedUsers => JoinPolicy::InvitedUsers,
        RoomJoinPolicy::Unknown => JoinPolicy::Unknown,
    }
}

/// Whether `viewer` could join the room, by the rules the server applies (docs/ROOMS.md).
fn joinability(snapshot: &RoomSnapshot, viewer: ovrID) -> RoomJoinability {
    if snapshot.has_member(viewer) {
        RoomJoinability::AreIn
    } else if snapshot.members.is_empty() {
        // Only the reply to the last member's leave shows an empty room: it no longer exists.
        RoomJoinability::Unknown
    } else if snapshot.members.len() >= usize::try_from(snapshot.max_users).unwrap_or(usize::MAX) {
        RoomJoinability::IsFull
    } else if snapshot.membership_locked {
        RoomJoinability::PolicyPrevents
    } else if snapshot.join_policy == JoinPolicy::InvitedUsers && snapshot.invited_users.contains(&viewer) {
        RoomJoinability::CanJoin
    } else if !snapshot.join_policy.open_to_anyone() {
        RoomJoinability::PolicyPrevents
    } else {
        RoomJoinability::CanJoin
    }
}

/// Opaque to C; borrowed from a message, valid until `ovr_FreeMessage` on that message.
pub type ovrRoomHandle = *mut Room;

/// Matchmaking results. Never instantiated: there is no matchmaking here, so
/// `ovr_Room_GetMatchedUsers` is always NULL.
#[derive(Debug)]
pub struct MatchmakingEnqueuedUserArray {
    _never: (),
}

/// Opaque to C; always NULL here.
pub type ovrMatchmakingEnqueuedUserArrayHandle = *mut MatchmakingEnqueuedUserArray;

/// One matchmaking result. Never instantiated.
#[derive(Debug)]
pub struct MatchmakingEnqueuedUser {
    _never: (),
}

/// Opaque to C; always NULL here.
pub type ovrMatchmakingEnqueuedUserHandle = *mut MatchmakingEnqueuedUser;

/// A room's teams. Never instantiated: there are no teams here, so `ovr_Room_GetTeams` is NULL.
#[derive(Debug)]
pub struct TeamArray {
    _never: (),
}

/// Opaque to C; always NULL here.
pub type ovrTeamArrayHandle = *mut TeamArray;

/// One team. Never instantiated.
#[derive(Debug)]
pub struct Team {
    _never: (),
}

/// Opaque to C; always NULL here.
pub type ovrTeamHandle = *mut Team;

fn room<'a>(obj: ovrRoomHandle) -> Result<&'a Room, CallError> {
    handle::get(obj.cast_const())
}

/// The room's id; 0 for a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Room_GetID(obj: ovrRoomHandle) -> ovrID {
    guard::call("ovr_Room_GetID", 0, || Ok(room(obj)?.id))
}

/// The owner, borrowed from the room (valid until `ovr_FreeMessage`). NULL in the reply to the
/// last member's leave (the room no longer exists) and for a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Room_GetOwner(obj: ovrRoomHandle) -> ovrUserHandle {
    guard::call("ovr_Room_GetOwner", std::ptr::null_mut(), || {
        Ok(room(obj)?.owner.as_ref().map_or(std::ptr::null_mut(), handle::lend))
    })
}

/// The members in join order (the first has been in the room longest), borrowed from the room
/// (valid until `ovr_FreeMessage`). NULL for a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Room_GetUsers(obj: ovrRoomHandle) -> ovrUserArrayHandle {
    guard::call("ovr_Room_GetUsers", std::ptr::null_mut(), || Ok(handle::lend(&room(obj)?.users)))
}

/// Who may join; `ovrRoom_JoinPolicyUnknown` for a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Room_GetJoinPolicy(obj: ovrRoomHandle) -> RoomJoinPolicy {
    guard::call("ovr_Room_GetJoinPolicy", RoomJoinPolicy::Unknown, || Ok(room(obj)?.join_policy))
}

/// Most members the room takes; 0 for a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Room_GetMaxUsers(obj: ovrRoomHandle) -> c_uint {
    guard::call("ovr_Room_GetMaxUsers", 0, || Ok(room(obj)?.max_users))
}

/// Whether membership is locked. No request sets it yet, so it is false; false for a NULL
/// handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Room_GetIsMembershipLocked(obj: ovrRoomHandle) -> Bool32 {
    guard::call("ovr_Room_GetIsMembershipLocked", Bool32::FALSE, || Ok(room(obj)?.membership_locked.into()))
}

/// The room's key/value strings, borrowed from the room (valid until `ovr_FreeMessage`); never
/// NULL for a room (an empty store has 0 keys). NULL for a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Room_GetDataStore(obj: ovrRoomHandle) -> ovrDataStoreHandle {
    guard::call("ovr_Room_GetDataStore", std::ptr::null_mut(), || Ok(handle::lend(&room(obj)?.data_store)))
}

/// Always `ovrRoom_TypePrivate`: only private rooms exist here. `ovrRoom_TypeUnknown` for a NULL
/// handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Room_GetType(obj: ovrRoomHandle) -> RoomType {
    guard::call("ovr_Room_GetType", RoomType::Unknown, || {
        room(obj)?;
        Ok(RoomType::Private)
    })
}

/// The room's version: bumped by every change, so a larger version is newer information. 0 for
/// a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Room_GetVersion(obj: ovrRoomHandle) -> c_uint {
    guard::call("ovr_Room_GetVersion", 0, || Ok(room(obj)?.version))
}

/// Shared body of the name and description getters: rooms have neither here.
fn no_text(func: &'static str, obj: ovrRoomHandle) -> *const c_char {
    const EMPTY: &CStr = c"";
    guard::call(func, std::ptr::null(), || {
        room(obj)?;
        Ok(EMPTY.as_ptr())
    })
}

/// Always "": rooms have no name here. Static storage. NULL for a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Room_GetName(obj: ovrRoomHandle) -> *const c_char {
    no_text("ovr_Room_GetName", obj)
}

/// The description the owner set with `ovr_Room_SetDescription` ("" if none). Owned by the
/// message: valid until `ovr_FreeMessage`. NULL for a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Room_GetDescription(obj: ovrRoomHandle) -> *const c_char {
    guard::call("ovr_Room_GetDescription", std::ptr::null(), || Ok(room(obj)?.description.as_ptr()))
}

/// Always 0: one server serves one game, rooms carry no application id.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Room_GetApplicationID(obj: ovrRoomHandle) -> ovrID {
    guard::call("ovr_Room_GetApplicationID", 0, || {
        room(obj)?;
        Ok(0)
    })
}

/// Whether the local user can join, as of this message: AreIn for a member, IsFull, PolicyPrevents
/// (membership locked, policy None, or InvitedUsers without an invite), CanJoin; Unknown for a
/// room that no longer exists or a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Room_GetJoinability(obj: ovrRoomHandle) -> RoomJoinability {
    guard::call("ovr_Room_GetJoinability", RoomJoinability::Unknown, || Ok(room(obj)?.joinability))
}

/// The users invited (`ovr_Room_InviteUser`) who have not joined yet, at most 16. Borrowed from
/// the room (valid until `ovr_FreeMessage`). NULL for a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Room_GetInvitedUsers(obj: ovrRoomHandle) -> ovrUserArrayHandle {
    guard::call("ovr_Room_GetInvitedUsers", std::ptr::null_mut(), || {
        Ok(handle::lend(&room(obj)?.invited_users))
    })
}

/// Always NULL: there is no matchmaking here ("value not present", as the original allows).
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Room_GetMatchedUsers(obj: ovrRoomHandle) -> ovrMatchmakingEnqueuedUserArrayHandle {
    guard::call("ovr_Room_GetMatchedUsers", std::ptr::null_mut(), || {
        room(obj)?;
        Ok(std::ptr::null_mut())
    })
}

/// Always NULL: there are no teams here ("value not present", as the original allows).
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Room_GetTeams(obj: ovrRoomHandle) -> ovrTeamArrayHandle {
    guard::call("ovr_Room_GetTeams", std::ptr::null_mut(), || {
        room(obj)?;
        Ok(std::ptr::null_mut())
    })
}

/// Always 0: matched-user lists never exist here (the C# Room model reads the size of the NULL
/// list `ovr_Room_GetMatchedUsers` returns, so NULL is not logged).
#[unsafe(no_mangle)]
pub extern "C" fn ovr_MatchmakingEnqueuedUserArray_GetSize(
    obj: ovrMatchmakingEnqueuedUserArrayHandle,
) -> usize {
    // The handle is never a live object here (only NULL is ever handed out), so it is not read.
    let _ = obj;
    guard::call("ovr_MatchmakingEnqueuedUserArray_GetSize", 0, || Ok(0))
}

/// Always NULL: matched-user lists never exist here.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_MatchmakingEnqueuedUserArray_GetElement(
    obj: ovrMatchmakingEnqueuedUserArrayHandle,
    index: usize,
) -> ovrMatchmakingEnqueuedUserHandle {
    let _ = obj;
    guard::call("ovr_MatchmakingEnqueuedUserArray_GetElement", std::ptr::null_mut(), || {
        Err(CallError::Invalid(format!("index {index}: there is no matchmaking, lists are empty")))
    })
}

/// Always 0: team lists never exist here (the C# Room model reads the size of the NULL list
/// `ovr_Room_GetTeams` returns, so NULL is not logged).
#[unsafe(no_mangle)]
pub extern "C" fn ovr_TeamArray_GetSize(obj: ovrTeamArrayHandle) -> usize {
    // The handle is never a live object here (only NULL is ever handed out), so it is not read.
    let _ = obj;
    guard::call("ovr_TeamArray_GetSize", 0, || Ok(0))
}

/// Always NULL: team lists never exist here.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_TeamArray_GetElement(obj: ovrTeamArrayHandle, index: usize) -> ovrTeamHandle {
    let _ = obj;
    guard::call("ovr_TeamArray_GetElement", std::ptr::null_mut(), || {
        Err(CallError::Invalid(format!("index {index}: there are no teams, lists are empty")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signal::DataStore;

    fn snapshot(members: &[u64], max_users: u32, policy: JoinPolicy) -> RoomSnapshot {
        RoomSnapshot {
            room_id: 77,
            owner: members.first().copied().unwrap_or(0),
            members: members.to_vec(),
            join_policy: policy,
            max_users,
            data_store: DataStore::new(),
            version: 3,
            membership_locked: false,
            invited_users: Vec::new(),
            description: String::new(),
        }
    }

    #[test]
    fn joinability_follows_the_server_rules() {
        let open = snapshot(&[1, 2], 3, JoinPolicy::Everyone);
        assert_eq!(joinability(&open, 1), RoomJoinability::AreIn);
        assert_eq!(joinability(&open, 9), RoomJoinability::CanJoin);
        assert_eq!(joinability(&snapshot(&[1, 2, 3], 3, JoinPolicy::Everyone), 9), RoomJoinability::IsFull);
        for policy in [JoinPolicy::None, JoinPolicy::InvitedUsers, JoinPolicy::Unknown] {
            assert_eq!(joinability(&snapshot(&[1], 3, policy), 9), RoomJoinability::PolicyPrevents);
        }
        for policy in [JoinPolicy::FriendsOfMembers, JoinPolicy::FriendsOfOwner] {
            assert_eq!(joinability(&snapshot(&[1], 3, policy), 9), RoomJoinability::CanJoin);
        }
        let mut locked = open.clone();
        locked.membership_locked = true;
        assert_eq!(joinability(&locked, 9), RoomJoinability::PolicyPrevents);
        assert_eq!(joinability(&snapshot(&[], 3, JoinPolicy::Everyone), 9), RoomJoinability::Unknown);
    }

    #[test]
    fn policies_round_trip() {
        for code in 0..=5 {
            let p = JoinPolicy::from_code(code).unwrap();
            assert_eq!(signal_join_policy(join_policy(p)), p);
            assert_eq!(join_policy(p) as u8, code);
        }
    }

    #[test]
    fn a_destroyed_room_has_no_owner_and_huge_versions_saturate() {
        let mut gone = snapshot(&[], 4, JoinPolicy::Everyone);
        gone.version = u64::from(u32::MAX) + 5;
        let room = Room::from_snapshot(&gone, 1);
        assert_eq!(room.owner, None);
        assert_eq!(room.version, u32::MAX);
    }
}
