//! `ovrMessageType`: the 32-bit id at the head of every message popped from the queue.
//!
//! Only the ids this project produces are listed; their numeric values are fixed by the original
//! SDK and by C# code that hard-codes them.

use std::ffi::{CStr, c_char};

use super::cbool::Bool32;
use super::guard::{self, CallError};

/// Message type ids. Variant names are the C names without the `ovrMessage_` prefix.
/// cbindgen:rename-all=prefix:ovrMessage_
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MessageType {
    /// Never produced; a message with this type would be a bug.
    Unknown = 0,
    /// Reply to `ovr_Platform_InitializeStandaloneOculus`.
    Platform_InitializeStandaloneOculus = 0x51F8_CE0C,
    /// Reply to `ovr_PlatformInitializeWithAccessToken`.
    PlatformInitializeWithAccessToken = 0x3569_2F2B,
    /// Reply to `ovr_PlatformInitializeAndroidAsynchronous` and `ovr_UnityInitWrapperAsynchronous`.
    PlatformInitializeAndroidAsynchronous = 0x1AD3_07B4,
    /// Reply to `ovr_PlatformInitializeWindowsAsynchronous[Ex]` and
    /// `ovr_UnityInitWrapperWindowsAsynchronous`.
    PlatformInitializeWindowsAsynchronous = 0x6DA7_BA8F,
    /// Reply to `ovr_Entitlement_GetIsViewerEntitled`; no payload (everyone is entitled here).
    Entitlement_GetIsViewerEntitled = 0x186B_58B1,
    /// Reply to `ovr_User_Get`; payload: user.
    User_Get = 0x6BCF_9E47,
    /// Reply to `ovr_User_GetLoggedInUser`; payload: user.
    User_GetLoggedInUser = 0x436F_345D,
    /// Reply to `ovr_Room_CreateAndJoinPrivate2`; payload: room, or an error.
    Room_CreateAndJoinPrivate2 = 0x5A3A_6243,
    /// Reply to `ovr_Room_Get`; payload: room, or an error.
    Room_Get = 0x659A_8FB8,
    /// Reply to `ovr_Room_GetCurrent`; payload: room, or an error.
    Room_GetCurrent = 0x09A6_A504,
    /// Reply to `ovr_Room_Join2`; payload: room, or an error.
    Room_Join2 = 0x4DAB_1C42,
    /// Reply to `ovr_Room_Leave`; payload: room, or an error.
    Room_Leave = 0x7238_2475,
    /// Reply to `ovr_Room_UpdateDataStore`; payload: room, or an error.
    Room_UpdateDataStore = 0x026E_4028,
    /// A connection changed state; payload: networking peer (id and new state).
    Notification_Networking_ConnectionStateChange = 0x5E02_D49A,
    /// A peer asks to connect; payload: networking peer. Answer with `ovr_Net_Accept`.
    Notification_Networking_PeerConnectRequest = 0x4D31_E2CF,
    /// Result of `ovr_Net_Ping`, carrying that call's request id; payload: ping result.
    Notification_Networking_PingResult = 0x5115_3012,
    /// The current room changed; payload: room with the full member list.
    Notification_Room_RoomUpdate = 0x60EC_3C2F,
}

impl MessageType {
    /// Every known id with its name, in declaration order.
    const TABLE: &'static [(Self, &'static CStr)] = &[
        (Self::Unknown, c"Unknown"),
        (Self::Platform_InitializeStandaloneOculus, c"Platform_InitializeStandaloneOculus"),
        (Self::PlatformInitializeWithAccessToken, c"PlatformInitializeWithAccessToken"),
        (Self::PlatformInitializeAndroidAsynchronous, c"PlatformInitializeAndroidAsynchronous"),
        (Self::PlatformInitializeWindowsAsynchronous, c"PlatformInitializeWindowsAsynchronous"),
        (Self::Entitlement_GetIsViewerEntitled, c"Entitlement_GetIsViewerEntitled"),
        (Self::User_Get, c"User_Get"),
        (Self::User_GetLoggedInUser, c"User_GetLoggedInUser"),
        (Self::Room_CreateAndJoinPrivate2, c"Room_CreateAndJoinPrivate2"),
        (Self::Room_Get, c"Room_Get"),
        (Self::Room_GetCurrent, c"Room_GetCurrent"),
        (Self::Room_Join2, c"Room_Join2"),
        (Self::Room_Leave, c"Room_Leave"),
        (Self::Room_UpdateDataStore, c"Room_UpdateDataStore"),
        (
            Self::Notification_Networking_ConnectionStateChange,
            c"Notification_Networking_ConnectionStateChange",
        ),
        (Self::Notification_Networking_PeerConnectRequest, c"Notification_Networking_PeerConnectRequest"),
        (Self::Notification_Networking_PingResult, c"Notification_Networking_PingResult"),
        (Self::Notification_Room_RoomUpdate, c"Notification_Room_RoomUpdate"),
    ];

    /// All known ids.
    pub fn all() -> impl Iterator<Item = MessageType> {
        Self::TABLE.iter().map(|(value, _)| *value)
    }

    /// The 32-bit id.
    pub fn to_raw(self) -> u32 {
        self as u32
    }

    /// Checks a 32-bit id against the known ones.
    pub fn from_raw(raw: u32) -> Result<Self, CallError> {
        Self::all()
            .find(|value| value.to_raw() == raw)
            .ok_or(CallError::UnknownEnum { ty: "ovrMessageType", value: i64::from(raw) })
    }

    /// Name without the `ovrMessage_` prefix ("Notification_Networking_PingResult").
    pub fn c_name(self) -> &'static CStr {
        Self::TABLE.iter().find(|(value, _)| *value == self).map_or(c"Unknown", |(_, name)| *name)
    }

    /// True for pushed notifications, false for replies to requests.
    pub fn is_notification(self) -> bool {
        matches!(
            self,
            Self::Notification_Networking_ConnectionStateChange
                | Self::Notification_Networking_PeerConnectRequest
                | Self::Notification_Networking_PingResult
                | Self::Notification_Room_RoomUpdate
        )
    }
}

/// An `ovrMessageType` as C passed it: not yet checked.
/// cbindgen:no-export
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawMessageType(pub u32);

impl From<MessageType> for RawMessageType {
    fn from(value: MessageType) -> Self {
        Self(value.to_raw())
    }
}

/// Readable name of a message type, e.g. "Notification_Networking_PingResult" (the C name without
/// its `ovrMessage_` prefix). Static storage: never free it. An id this library does not know
/// gives "Unknown".
#[unsafe(no_mangle)]
pub extern "C" fn ovrMessageType_ToString(value: RawMessageType) -> *const c_char {
    guard::call("ovrMessageType_ToString", c"Unknown".as_ptr(), || {
        Ok(MessageType::from_raw(value.0)?.c_name().as_ptr())
    })
}

/// True if messages of this type are pushed notifications rather than replies to a request.
/// False for ids this library does not know.
#[unsafe(no_mangle)]
pub extern "C" fn ovrMessageType_IsNotification(value: RawMessageType) -> Bool32 {
    guard::call("ovrMessageType_IsNotification", Bool32::FALSE, || {
        Ok(MessageType::from_raw(value.0)?.is_notification().into())
    })
}
