//! The three small C enums of the networking API and their string conversions.
//!
//! Each enum exists twice on purpose. The Rust `enum` (e.g. [`SendPolicy`]) defines the values
//! and is what the header shows as `typedef enum ... ovrSendPolicy`. The `Raw*` newtype is what
//! exports *take*: C can pass any int where an enum is expected, and turning an unknown int into
//! a Rust enum would be undefined behaviour, so arguments arrive raw and are checked with
//! [`CEnum::from_raw`]. cbindgen prints the `Raw*` types under the enum's C name.

use std::ffi::{CStr, c_char, c_int};

use super::guard::{self, CallError};

/// Shared behaviour of the C enums: checked conversion from C ints and C strings.
pub trait CEnum: Copy + PartialEq + Sized + 'static {
    /// The C type name, for log lines.
    const C_TYPE: &'static str;
    /// Every value with the string `<Enum>_ToString` gives for it.
    const TABLE: &'static [(Self, &'static CStr)];
    /// What an unknown string (or NULL) converts to.
    const UNKNOWN: Self;

    /// The C int value.
    fn to_raw(self) -> c_int;

    /// Checks a C int; values outside the enum are refused.
    fn from_raw(raw: c_int) -> Result<Self, CallError> {
        Self::TABLE
            .iter()
            .map(|(value, _)| *value)
            .find(|value| value.to_raw() == raw)
            .ok_or(CallError::UnknownEnum { ty: Self::C_TYPE, value: i64::from(raw) })
    }

    /// The static upper-case name.
    fn c_name(self) -> &'static CStr {
        Self::TABLE.iter().find(|(value, _)| *value == self).map_or(c"UNKNOWN", |(_, name)| *name)
    }

    /// The value whose name is exactly `name`, if any.
    fn from_c_name(name: &CStr) -> Option<Self> {
        Self::TABLE.iter().find(|(_, known)| *known == name).map(|(value, _)| *value)
    }
}

/// The shared half of a C enum: its [`CEnum`] impl (C type name, value names, Unknown value) and
/// the `Raw*` type its exports take (any int C passes, checked with [`CEnum::from_raw`]). The
/// enum itself stays written out, because cbindgen reads it for the header:
/// `c_enum!(SendPolicy, RawSendPolicy, "ovrSendPolicy", unknown: Unknown, [Unreliable => c"UNRELIABLE", ...]);`
macro_rules! c_enum {
    ($ty:ident, $raw:ident, $c:literal, unknown: $unknown:ident, [$($variant:ident => $name:literal),+ $(,)?]) => {
        impl $crate::capi::abi::enums::CEnum for $ty {
            const C_TYPE: &'static str = $c;
            const TABLE: &'static [(Self, &'static ::std::ffi::CStr)] = &[$((Self::$variant, $name)),+];
            const UNKNOWN: Self = Self::$unknown;
            fn to_raw(self) -> ::std::ffi::c_int {
                self as ::std::ffi::c_int
            }
        }

        #[doc = concat!("A `", $c, "` as C passed it: not yet checked.")]
        #[repr(transparent)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct $raw(pub ::std::ffi::c_int);

        impl From<$ty> for $raw {
            fn from(value: $ty) -> Self {
                Self($crate::capi::abi::enums::CEnum::to_raw(value))
            }
        }
    };
}
pub(crate) use c_enum;

/// Shared body of every `<Enum>_ToString`: unknown values log and give "UNKNOWN".
pub(crate) fn to_string_export<E: CEnum>(func: &'static str, raw: c_int) -> *const c_char {
    let fallback = E::UNKNOWN.c_name().as_ptr();
    guard::call(func, fallback, || Ok(E::from_raw(raw)?.c_name().as_ptr()))
}

/// Shared body of every `<Enum>_FromString`: NULL or an unknown name gives the Unknown value.
pub(crate) fn from_string_export<E: CEnum>(func: &'static str, text: *const c_char) -> E {
    guard::call(func, E::UNKNOWN, || {
        // SAFETY: the export's contract: `text` is NULL or a NUL-terminated string.
        let text = unsafe { guard::c_str(text, "str") }?;
        E::from_c_name(text).ok_or(CallError::Malformed(E::C_TYPE))
    })
}

/// How a packet is delivered.
/// cbindgen:rename-all=prefix:ovrSend_
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SendPolicy {
    /// Best effort, no ordering; dropped while no connection is up. Keep under 1200 bytes.
    Unreliable = 0,
    /// Delivered once and in order; buffered until the connection is up.
    Reliable = 1,
    /// Not a real policy; what a bad string or a NULL handle yields.
    Unknown = 2,
}

c_enum!(SendPolicy, RawSendPolicy, "ovrSendPolicy", unknown: Unknown, [Unreliable => c"UNRELIABLE", Reliable => c"RELIABLE", Unknown => c"UNKNOWN"]);

/// State of the connection to one peer, as reported by ConnectionStateChange messages.
/// cbindgen:rename-all=prefix:ovrPeerState_
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PeerConnectionState {
    /// Not known (also the answer for a NULL handle).
    Unknown = 0,
    /// The connection is open.
    Connected = 1,
    /// Connecting failed or the peer went silent: unreachable, or the request was never accepted.
    Timeout = 2,
    /// Closed by either side with `ovr_Net_Close`.
    Closed = 3,
}

c_enum!(PeerConnectionState, RawPeerConnectionState, "ovrPeerConnectionState", unknown: Unknown, [Unknown => c"UNKNOWN", Connected => c"CONNECTED", Timeout => c"TIMEOUT", Closed => c"CLOSED"]);

/// Who may join a room.
/// cbindgen:rename-all=prefix:ovrRoom_JoinPolicy
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RoomJoinPolicy {
    /// Nobody can join.
    None = 0,
    /// Anyone who knows the room id.
    Everyone = 1,
    /// Friends of any member (this project has no friend graph; see docs/CAPI.md).
    FriendsOfMembers = 2,
    /// Friends of the owner (as above).
    FriendsOfOwner = 3,
    /// Only users invited by a member.
    InvitedUsers = 4,
    /// Not a real policy; what a bad string yields.
    Unknown = 5,
}

c_enum!(RoomJoinPolicy, RawRoomJoinPolicy, "ovrRoomJoinPolicy", unknown: Unknown, [None => c"NONE", Everyone => c"EVERYONE", FriendsOfMembers => c"FRIENDS_OF_MEMBERS", FriendsOfOwner => c"FRIENDS_OF_OWNER", InvitedUsers => c"INVITED_USERS", Unknown => c"UNKNOWN"]);
