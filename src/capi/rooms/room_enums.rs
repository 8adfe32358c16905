//! The smaller C enums of the rooms API: what room getters return (`ovrRoomJoinability`,
//! `ovrRoomType`, `ovrUserPresenceStatus`) and what two room option setters take
//! (`ovrUserOrdering`, `ovrTimeWindow`). Values are the original SDK's; see [`crate::capi::abi::enums`] for
//! why each enum that arrives as an argument also has a `Raw*` newtype.

use crate::capi::abi::enums::c_enum;

/// Whether the viewing user can join a room, as `ovr_Room_GetJoinability` reports it.
/// cbindgen:rename-all=prefix:ovrRoom_Joinability
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RoomJoinability {
    /// Not known (a NULL handle, or a room that no longer exists).
    Unknown = 0,
    /// The viewer is a member.
    AreIn = 1,
    /// The viewer was removed by the owner (never produced: there is no kicking here).
    AreKicked = 2,
    /// The viewer may join.
    CanJoin = 3,
    /// The room holds its maximum number of users.
    IsFull = 4,
    /// There is no viewer (never produced: every room is read by a logged-in user).
    NoViewer = 5,
    /// The join policy or a membership lock keeps the viewer out.
    PolicyPrevents = 6,
}

c_enum!(RoomJoinability, RawRoomJoinability, "ovrRoomJoinability", unknown: Unknown, [Unknown => c"UNKNOWN", AreIn => c"ARE_IN", AreKicked => c"ARE_KICKED", CanJoin => c"CAN_JOIN", IsFull => c"IS_FULL", NoViewer => c"NO_VIEWER", PolicyPrevents => c"POLICY_PREVENTS"]);

/// The kind of a room. Only private rooms exist here.
/// cbindgen:rename-all=prefix:ovrRoom_Type
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RoomType {
    /// Not known (a NULL handle).
    Unknown = 0,
    /// Made by matchmaking (not available here).
    Matchmaking = 1,
    /// Made by the developer's backend (not available here).
    Moderated = 2,
    /// Made by a user with `ovr_Room_CreateAndJoinPrivate2`: every room here.
    Private = 3,
    /// A single-user room (not available here).
    Solo = 4,
}

c_enum!(RoomType, RawRoomType, "ovrRoomType", unknown: Unknown, [Unknown => c"UNKNOWN", Matchmaking => c"MATCHMAKING", Moderated => c"MODERATED", Private => c"PRIVATE", Solo => c"SOLO"]);

/// Whether a user is online. There is no presence service here: always Unknown.
/// cbindgen:rename-all=prefix:ovrUserPresenceStatus_
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UserPresenceStatus {
    Unknown = 0,
    Online = 1,
    Offline = 2,
}

c_enum!(UserPresenceStatus, RawUserPresenceStatus, "ovrUserPresenceStatus", unknown: Unknown, [Unknown => c"UNKNOWN", Online => c"ONLINE", Offline => c"OFFLINE"]);

/// Order of user lists in the original invitable-users request; accepted and ignored here.
/// cbindgen:rename-all=prefix:ovrUserOrdering_
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UserOrdering {
    Unknown = 0,
    None = 1,
    PresenceAlphabetical = 2,
}

c_enum!(UserOrdering, RawUserOrdering, "ovrUserOrdering", unknown: Unknown, [Unknown => c"UNKNOWN", None => c"NONE", PresenceAlphabetical => c"PRESENCE_ALPHABETICAL"]);

/// A look-back period of the original "recently met" features; accepted and ignored here.
/// cbindgen:rename-all=prefix:ovrTimeWindow_
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimeWindow {
    Unknown = 0,
    OneHour = 1,
    OneDay = 2,
    OneWeek = 3,
    ThirtyDays = 4,
    NinetyDays = 5,
}

c_enum!(TimeWindow, RawTimeWindow, "ovrTimeWindow", unknown: Unknown, [Unknown => c"UNKNOWN", OneHour => c"ONE_HOUR", OneDay => c"ONE_DAY", OneWeek => c"ONE_WEEK", ThirtyDays => c"THIRTY_DAYS", NinetyDays => c"NINETY_DAYS"]);
