//! Room values carried by signalling: join policy, data store, snapshot and error.
//!
//! Every value here is bounded so that the largest snapshot still fits in one signalling
//! datagram (worst case 1292 of the 1300 bytes; see `docs/ROOMS.md`).

use std::collections::BTreeMap;
use std::fmt;

/// Most members a room can ever hold (the cap on `max_users`).
pub const MAX_ROOM_USERS: u32 = 64;
/// Most key/value pairs in one room's data store.
pub const MAX_DATA_STORE_ENTRIES: usize = 16;
/// Longest data store key in bytes (keys are never empty).
pub const MAX_DATA_STORE_KEY_LEN: usize = 64;
/// Longest data store value in bytes.
pub const MAX_DATA_STORE_VALUE_LEN: usize = 255;
/// Most bytes of keys plus values in one data store.
pub const MAX_DATA_STORE_BYTES: usize = 512;
/// Longest readable text in a [`RoomError`], in bytes.
pub const MAX_ROOM_ERROR_TEXT: usize = 200;
/// Most pending invites a room keeps. A full room with a full data store takes 1098 bytes; the
/// invited list (1 + 8 per user) and the description (1 + its length) share the 202 bytes left
/// of the 1300-byte datagram, so 16 invites and 64 description bytes end at 1292.
pub const MAX_ROOM_INVITED_USERS: usize = 16;
/// Longest room description in bytes (UTF-8); see [`MAX_ROOM_INVITED_USERS`] for why.
pub const MAX_ROOM_DESCRIPTION_LEN: usize = 64;

/// Who may join a room, with the Oculus `ovrRoomJoinPolicy` values on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JoinPolicy {
    /// Nobody joins (the creator is in from the start; invites do not open it either).
    None,
    /// Anyone who knows the room id.
    Everyone,
    /// No friend graph exists here: treated like [`JoinPolicy::Everyone`].
    FriendsOfMembers,
    /// No friend graph exists here: treated like [`JoinPolicy::Everyone`].
    FriendsOfOwner,
    /// Only users on the room's invited list (see [`RoomSnapshot::invited_users`]).
    InvitedUsers,
    /// Oculus' "unknown" value; a room cannot be created with it.
    Unknown,
}

impl JoinPolicy {
    /// The Oculus enum value (`ovrRoom_JoinPolicyNone` = 0 .. `Unknown` = 5).
    pub fn code(self) -> u8 {
        match self {
            JoinPolicy::None => 0,
            JoinPolicy::Everyone => 1,
            JoinPolicy::FriendsOfMembers => 2,
            JoinPolicy::FriendsOfOwner => 3,
            JoinPolicy::InvitedUsers => 4,
            JoinPolicy::Unknown => 5,
        }
    }

    /// The policy for an Oculus enum value; `None` (the Option) above 5.
    pub fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            0 => JoinPolicy::None,
            1 => JoinPolicy::Everyone,
            2 => JoinPolicy::FriendsOfMembers,
            3 => JoinPolicy::FriendsOfOwner,
            4 => JoinPolicy::InvitedUsers,
            5 => JoinPolicy::Unknown,
            _ => return None,
        })
    }

    /// Whether a user who is not a member may join by id alone.
    pub fn open_to_anyone(self) -> bool {
        matches!(self, JoinPolicy::Everyone | JoinPolicy::FriendsOfMembers | JoinPolicy::FriendsOfOwner)
    }
}

/// Why a key/value pair does not fit in a [`DataStore`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataStoreError {
    /// Empty key or key longer than [`MAX_DATA_STORE_KEY_LEN`].
    BadKey,
    /// Value longer than [`MAX_DATA_STORE_VALUE_LEN`].
    ValueTooLong,
    /// More than [`MAX_DATA_STORE_ENTRIES`] pairs or [`MAX_DATA_STORE_BYTES`] in total.
    Full,
}

impl fmt::Display for DataStoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataStoreError::BadKey => {
                write!(f, "data store key must be 1 to {MAX_DATA_STORE_KEY_LEN} bytes")
            }
            DataStoreError::ValueTooLong => {
                write!(f, "data store value longer than {MAX_DATA_STORE_VALUE_LEN} bytes")
            }
            DataStoreError::Full => write!(
                f,
                "data store holds at most {MAX_DATA_STORE_ENTRIES} pairs and {MAX_DATA_STORE_BYTES} bytes"
            ),
        }
    }
}

impl std::error::Error for DataStoreError {}

/// A room's small key/value store: UTF-8 strings, sorted by key, bounded in count and size.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct DataStore(BTreeMap<String, String>);

impl DataStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `key` to `value`, replacing an earlier value; refused (store unchanged) when the
    /// pair or the resulting store would exceed the limits.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), DataStoreError> {
        if key.is_empty() || key.len() > MAX_DATA_STORE_KEY_LEN {
            return Err(DataStoreError::BadKey);
        }
        if value.len() > MAX_DATA_STORE_VALUE_LEN {
            return Err(DataStoreError::ValueTooLong);
        }
        let old = self.0.get(key).map_or(0, |v| key.len() + v.len());
        let entries = self.0.len() + usize::from(old == 0);
        if entries > MAX_DATA_STORE_ENTRIES
            || self.bytes() - old + key.len() + value.len() > MAX_DATA_STORE_BYTES
        {
            return Err(DataStoreError::Full);
        }
        self.0.insert(key.to_owned(), value.to_owned());
        Ok(())
    }

    /// Removes `key`; true if it was there.
    pub fn remove(&mut self, key: &str) -> bool {
        self.0.remove(key).is_some()
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// Pairs in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Number of pairs.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Bytes of keys plus values.
    pub fn bytes(&self) -> usize {
        self.0.iter().map(|(k, v)| k.len() + v.len()).sum()
    }

    /// Applies `changes` on top of this store: a pair with an empty value removes the key,
    /// any other pair sets it. All or nothing: on error this store is unchanged.
    pub fn merged(&self, changes: &DataStore) -> Result<DataStore, DataStoreError> {
        let mut out = self.clone();
        for (k, v) in changes.iter() {
            if v.is_empty() {
                out.remove(k);
            } else {
                out.set(k, v)?;
            }
        }
        Ok(out)
    }
}

/// Everything a client learns about a room, always complete (never a delta), so a lost or
/// reordered update cannot leave a client wrong for longer than until the next one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoomSnapshot {
    /// Random, non-zero, unique among live rooms.
    pub room_id: u64,
    /// The owner's user id; 0 only in the reply to the last member's leave (room destroyed).
    pub owner: u64,
    /// Members in join order (the first is the longest present).
    pub members: Vec<u64>,
    pub join_policy: JoinPolicy,
    pub max_users: u32,
    pub data_store: DataStore,
    /// Bumped on every change; strictly increasing over the room's life.
    pub version: u64,
    /// Whether membership is locked: while it is, nobody joins (the owner toggles it).
    pub membership_locked: bool,
    /// Users invited and not yet joined, oldest invite first (at most
    /// [`MAX_ROOM_INVITED_USERS`]). With [`JoinPolicy::InvitedUsers`] only they may join.
    pub invited_users: Vec<u64>,
    /// Free text the owner sets (at most [`MAX_ROOM_DESCRIPTION_LEN`] bytes); empty at creation.
    pub description: String,
}

impl RoomSnapshot {
    /// Whether `user` is a member.
    pub fn has_member(&self, user: u64) -> bool {
        self.members.contains(&user)
    }
}

/// Room error codes (stable on the wire; see `docs/ROOMS.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RoomErrorCode {
    /// 1: no live room has this id.
    NoSuchRoom,
    /// 2: the room already holds `max_users` members.
    RoomFull,
    /// 3: the join policy or missing ownership forbids it (a locked room answers 8).
    NotAllowed,
    /// 4: the caller is not in that room (or in no room at all).
    NotInRoom,
    /// 5: an argument is out of range (max users, join policy, data store size).
    InvalidArgument,
    /// 6: the server holds as many rooms as it is configured for.
    TooManyRooms,
    /// 7: made by the client, never sent by the server: the session ended (server lost,
    /// logout, session replaced) before the request was answered.
    Disconnected,
    /// 8: the owner locked the room's membership; nobody joins until it is unlocked.
    MembershipLocked,
    /// 9: the user a request names (kick, new owner, current room of) is not in that room, or
    /// in no room. Distinct from `NotInRoom`, which is about the caller.
    UserNotInRoom,
    /// 10: the owner kicked this user from the room and the kick has not run out yet.
    Kicked,
    /// 11: the room already keeps [`MAX_ROOM_INVITED_USERS`] pending invites.
    InviteListFull,
    /// A code this build does not know (sent by a newer server).
    Other(u32),
}

impl RoomErrorCode {
    /// The number on the wire.
    pub fn code(self) -> u32 {
        match self {
            RoomErrorCode::NoSuchRoom => 1,
            RoomErrorCode::RoomFull => 2,
            RoomErrorCode::NotAllowed => 3,
            RoomErrorCode::NotInRoom => 4,
            RoomErrorCode::InvalidArgument => 5,
            RoomErrorCode::TooManyRooms => 6,
            RoomErrorCode::Disconnected => 7,
            RoomErrorCode::MembershipLocked => 8,
            RoomErrorCode::UserNotInRoom => 9,
            RoomErrorCode::Kicked => 10,
            RoomErrorCode::InviteListFull => 11,
            RoomErrorCode::Other(c) => c,
        }
    }

    /// The code for a wire number (unknown numbers become `Other`).
    pub fn from_code(code: u32) -> Self {
        match code {
            1 => RoomErrorCode::NoSuchRoom,
            2 => RoomErrorCode::RoomFull,
            3 => RoomErrorCode::NotAllowed,
            4 => RoomErrorCode::NotInRoom,
            5 => RoomErrorCode::InvalidArgument,
            6 => RoomErrorCode::TooManyRooms,
            7 => RoomErrorCode::Disconnected,
            8 => RoomErrorCode::MembershipLocked,
            9 => RoomErrorCode::UserNotInRoom,
            10 => RoomErrorCode::Kicked,
            11 => RoomErrorCode::InviteListFull,
            c => RoomErrorCode::Other(c),
        }
    }
}

impl fmt::Display for RoomErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RoomErrorCode::NoSuchRoom => f.write_str("no_such_room"),
            RoomErrorCode::RoomFull => f.write_str("room_full"),
            RoomErrorCode::NotAllowed => f.write_str("not_allowed"),
            RoomErrorCode::NotInRoom => f.write_str("not_in_room"),
            RoomErrorCode::InvalidArgument => f.write_str("invalid_argument"),
            RoomErrorCode::TooManyRooms => f.write_str("too_many_rooms"),
            RoomErrorCode::Disconnected => f.write_str("disconnected"),
            RoomErrorCode::MembershipLocked => f.write_str("membership_locked"),
            RoomErrorCode::UserNotInRoom => f.write_str("user_not_in_room"),
            RoomErrorCode::Kicked => f.write_str("kicked"),
            RoomErrorCode::InviteListFull => f.write_str("invite_list_full"),
            RoomErrorCode::Other(c) => write!(f, "other_{c}"),
        }
    }
}

/// A refused room request: a code for programs and a sentence for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoomError {
    pub code: RoomErrorCode,
    message: String,
}

impl RoomError {
    /// An error whose text is cut (at a character boundary) to [`MAX_ROOM_ERROR_TEXT`] bytes.
    pub fn new(code: RoomErrorCode, message: impl Into<String>) -> Self {
        let mut message = message.into();
        if message.len() > MAX_ROOM_ERROR_TEXT {
            let mut cut = MAX_ROOM_ERROR_TEXT;
            while !message.is_char_boundary(cut) {
                cut -= 1;
            }
            message.truncate(cut);
        }
        Self { code, message }
    }

    /// The readable text.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for RoomError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.code, self.code.code(), self.message)
    }
}

impl std::error::Error for RoomError {}

/// The refusal of an over-long description: one text whether the client or the server says it.
pub fn description_too_long(len: usize) -> RoomError {
    RoomError::new(
        RoomErrorCode::InvalidArgument,
        format!("description is {len} bytes; at most {MAX_ROOM_DESCRIPTION_LEN} are kept"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_store_limits_hold() {
        let mut d = DataStore::new();
        assert_eq!(d.set("", "v"), Err(DataStoreError::BadKey));
        assert_eq!(d.set(&"k".repeat(MAX_DATA_STORE_KEY_LEN + 1), "v"), Err(DataStoreError::BadKey));
        assert_eq!(d.set("k", &"v".repeat(MAX_DATA_STORE_VALUE_LEN + 1)), Err(DataStoreError::ValueTooLong));
        for i in 0..MAX_DATA_STORE_ENTRIES {
            d.set(&format!("k{i:02}"), "v").unwrap();
        }
        assert_eq!(d.set("one-more", "v"), Err(DataStoreError::Full));
        // Replacing an existing key is not a new entry.
        d.set("k00", "w").unwrap();
        assert_eq!(d.get("k00"), Some("w"));
        assert_eq!(d.len(), MAX_DATA_STORE_ENTRIES);

        let mut big = DataStore::new();
        big.set("a", &"x".repeat(255)).unwrap();
        big.set("b", &"x".repeat(255)).unwrap();
        assert_eq!(big.set("c", "xxxx"), Err(DataStoreError::Full), "byte cap");
        assert_eq!(big.bytes(), 512);
        // Shrinking a value inside the byte cap is fine.
        big.set("a", "").unwrap();
        assert_eq!(big.bytes(), 1 + 256);
    }

    #[test]
    fn merge_sets_removes_and_is_all_or_nothing() {
        let mut base = DataStore::new();
        base.set("map", "dust").unwrap();
        base.set("mode", "ctf").unwrap();
        let mut changes = DataStore::new();
        changes.set("map", "").unwrap();
        changes.set("score", "3").unwrap();
        let merged = base.merged(&changes).unwrap();
        assert_eq!(merged.iter().collect::<Vec<_>>(), vec![("mode", "ctf"), ("score", "3")]);
        let mut huge = DataStore::new();
        huge.set("z", &"x".repeat(255)).unwrap();
        huge.set("y", &"x".repeat(250)).unwrap();
        assert_eq!(base.merged(&huge), Err(DataStoreError::Full));
    }

    #[test]
    fn policy_and_error_codes_round_trip() {
        for c in 0..=5 {
            assert_eq!(JoinPolicy::from_code(c).map(JoinPolicy::code), Some(c));
        }
        assert_eq!(JoinPolicy::from_code(6), None);
        for c in 0..16 {
            assert_eq!(RoomErrorCode::from_code(c).code(), c);
        }
        // Codes 1-11 are named; none of them falls back to Other.
        for c in 1..=11 {
            assert!(!matches!(RoomErrorCode::from_code(c), RoomErrorCode::Other(_)), "{c}");
        }
        let long = "é".repeat(MAX_ROOM_ERROR_TEXT);
        let e = RoomError::new(RoomErrorCode::RoomFull, long);
        assert!(e.message().len() <= MAX_ROOM_ERROR_TEXT);
        assert!(e.to_string().starts_with("room_full (2)"));
    }
}
