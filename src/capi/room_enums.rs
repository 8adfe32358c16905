//! The smaller C enums of the rooms API: what room getters return (`ovrRoomJoinability`,
//! `ovrRoomType`, `ovrUserPresenceStatus`) and what two room option setters take
//! (`ovrUserOrdering`, `ovrTimeWindow`). Values are the original SDK's; see [`super::enums`] for
//! why each enum that arrives as an argument also has a `Raw*` newtype.

use std::ffi::{CStr, c_char, c_int};

use super::enums::{CEnum, from_string_export, to_string_export};

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

impl CEnum for RoomJoinability {
    const C_TYPE: &'static str = "ovrRoomJoinability";
    const TABLE: &'static [(Self, &'static CStr)] = &[
        (Self::Unknown, c"UNKNOWN"),
        (Self::AreIn, c"ARE_IN"),
        (Self::AreKicked, c"ARE_KICKED"),
        (Self::CanJoin, c"CAN_JOIN"),
        (Self::IsFull, c"IS_FULL"),
        (Self::NoViewer, c"NO_VIEWER"),
        (Self::PolicyPrevents, c"POLICY_PREVENTS"),
    ];
    const UNKNOWN: Self = Self::Unknown;
    fn to_raw(self) -> c_int {
        self as c_int
    }
}

/// An `ovrRoomJoinability` as C passed it: not yet checked.
/// cbindgen:no-export
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawRoomJoinability(pub c_int);

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

impl CEnum for RoomType {
    const C_TYPE: &'static str = "ovrRoomType";
    const TABLE: &'static [(Self, &'static CStr)] = &[
        (Self::Unknown, c"UNKNOWN"),
        (Self::Matchmaking, c"MATCHMAKING"),
        (Self::Moderated, c"MODERATED"),
        (Self::Private, c"PRIVATE"),
        (Self::Solo, c"SOLO"),
    ];
    const UNKNOWN: Self = Self::Unknown;
    fn to_raw(self) -> c_int {
        self as c_int
    }
}

/// An `ovrRoomType` as C passed it: not yet checked.
/// cbindgen:no-export
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawRoomType(pub c_int);

/// Whether a user is online. There is no presence service here: always Unknown.
/// cbindgen:rename-all=prefix:ovrUserPresenceStatus_
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UserPresenceStatus {
    Unknown = 0,
    Online = 1,
    Offline = 2,
}

impl CEnum for UserPresenceStatus {
    const C_TYPE: &'static str = "ovrUserPresenceStatus";
    const TABLE: &'static [(Self, &'static CStr)] =
        &[(Self::Unknown, c"UNKNOWN"), (Self::Online, c"ONLINE"), (Self::Offline, c"OFFLINE")];
    const UNKNOWN: Self = Self::Unknown;
    fn to_raw(self) -> c_int {
        self as c_int
    }
}

/// An `ovrUserPresenceStatus` as C passed it: not yet checked.
/// cbindgen:no-export
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawUserPresenceStatus(pub c_int);

/// Order of user lists in the original invitable-users request; accepted and ignored here.
/// cbindgen:rename-all=prefix:ovrUserOrdering_
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UserOrdering {
    Unknown = 0,
    None = 1,
    PresenceAlphabetical = 2,
}

impl CEnum for UserOrdering {
    const C_TYPE: &'static str = "ovrUserOrdering";
    const TABLE: &'static [(Self, &'static CStr)] = &[
        (Self::Unknown, c"UNKNOWN"),
        (Self::None, c"NONE"),
        (Self::PresenceAlphabetical, c"PRESENCE_ALPHABETICAL"),
    ];
    const UNKNOWN: Self = Self::Unknown;
    fn to_raw(self) -> c_int {
        self as c_int
    }
}

/// An `ovrUserOrdering` as C passed it: not yet checked.
/// cbindgen:no-export
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawUserOrdering(pub c_int);

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

impl CEnum for TimeWindow {
    const C_TYPE: &'static str = "ovrTimeWindow";
    const TABLE: &'static [(Self, &'static CStr)] = &[
        (Self::Unknown, c"UNKNOWN"),
        (Self::OneHour, c"ONE_HOUR"),
        (Self::OneDay, c"ONE_DAY"),
        (Self::OneWeek, c"ONE_WEEK"),
        (Self::ThirtyDays, c"THIRTY_DAYS"),
        (Self::NinetyDays, c"NINETY_DAYS"),
    ];
    const UNKNOWN: Self = Self::Unknown;
    fn to_raw(self) -> c_int {
        self as c_int
    }
}

/// An `ovrTimeWindow` as C passed it: not yet checked.
/// cbindgen:no-export
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawTimeWindow(pub c_int);

/// Upper-case name of a joinability value ("CAN_JOIN"). Static storage: never free it. An unknown
/// value gives "UNKNOWN".
#[unsafe(no_mangle)]
pub extern "C" fn ovrRoomJoinability_ToString(value: RawRoomJoinability) -> *const c_char {
    to_string_export::<RoomJoinability>("ovrRoomJoinability_ToString", value.0)
}

/// Parses an upper-case name ("IS_FULL"). NULL or an unknown name gives
/// `ovrRoom_JoinabilityUnknown`. The string is only read during the call.
#[unsafe(no_mangle)]
pub extern "C" fn ovrRoomJoinability_FromString(str: *const c_char) -> RoomJoinability {
    from_string_export("ovrRoomJoinability_FromString", str)
}

/// Upper-case name of a room type ("PRIVATE"). Static storage: never free it. An unknown value
/// gives "UNKNOWN".
#[unsafe(no_mangle)]
pub extern "C" fn ovrRoomType_ToString(value: RawRoomType) -> *const c_char {
    to_string_export::<RoomType>("ovrRoomType_ToString", value.0)
}

/// Parses an upper-case name ("PRIVATE"). NULL or an unknown name gives `ovrRoom_TypeUnknown`.
/// The string is only read during the call.
#[unsafe(no_mangle)]
pub extern "C" fn ovrRoomType_FromString(str: *const c_char) -> RoomType {
    from_string_export("ovrRoomType_FromString", str)
}

/// Upper-case name of a presence status ("ONLINE"). Static storage: never free it. An unknown
/// value gives "UNKNOWN".
#[unsafe(no_mangle)]
pub extern "C" fn ovrUserPresenceStatus_ToString(value: RawUserPresenceStatus) -> *const c_char {
    to_string_export::<UserPresenceStatus>("ovrUserPresenceStatus_ToString", value.0)
}

/// Parses an upper-case name ("OFFLINE"). NULL or an unknown name gives
/// `ovrUserPresenceStatus_Unknown`. The string is only read during the call.
#[unsafe(no_mangle)]
pub extern "C" fn ovrUserPresenceStatus_FromString(str: *const c_char) -> UserPresenceStatus {
    from_string_export("ovrUserPresenceStatus_FromString", str)
}

/// Upper-case name of a user ordering ("PRESENCE_ALPHABETICAL"). Static storage: never free it.
/// An unknown value gives "UNKNOWN".
#[unsafe(no_mangle)]
pub extern "C" fn ovrUserOrdering_ToString(value: RawUserOrdering) -> *const c_char {
    to_string_export::<UserOrdering>("ovrUserOrdering_ToString", value.0)
}

/// Parses an upper-case name ("NONE"). NULL or an unknown name gives `ovrUserOrdering_Unknown`.
/// The string is only read during the call.
#[unsafe(no_mangle)]
pub extern "C" fn ovrUserOrdering_FromString(str: *const c_char) -> UserOrdering {
    from_string_export("ovrUserOrdering_FromString", str)
}

/// Upper-case name of a time window ("ONE_WEEK"). Static storage: never free it. An unknown value
/// gives "UNKNOWN".
#[unsafe(no_mangle)]
pub extern "C" fn ovrTimeWindow_ToString(value: RawTimeWindow) -> *const c_char {
    to_string_export::<TimeWindow>("ovrTimeWindow_ToString", value.0)
}

/// Parses an upper-case name ("ONE_DAY"). NULL or an unknown name gives `ovrTimeWindow_Unknown`.
/// The string is only read during the call.
#[unsafe(no_mangle)]
pub extern "C" fn ovrTimeWindow_FromString(str: *const c_char) -> TimeWindow {
    from_string_export("ovrTimeWindow_FromString", str)
}
