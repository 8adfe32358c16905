//! `ovrMessageType`: the 32-bit id at the head of every message popped from the queue.
//!
//! Every id of the original SDK is known (generated from `sdk/surface.tsv`), including those of
//! services ovrnet answers with "not provided"; their numeric values are fixed by the original
//! SDK and by C# code that hard-codes them.

use std::ffi::{CStr, c_char};

use crate::capi::abi::cbool::Bool32;
use crate::capi::abi::guard::{self, CallError};

use crate::capi::sdk::generated::message_types::MESSAGE_TYPES;
pub use crate::capi::sdk::generated::message_types::MessageType;

impl MessageType {
    /// All known ids.
    pub fn all() -> impl Iterator<Item = MessageType> {
        MESSAGE_TYPES.iter().map(|(value, _)| *value)
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
        MESSAGE_TYPES.iter().find(|(value, _)| *value == self).map_or(c"Unknown", |(_, name)| *name)
    }

    /// True for pushed notifications, false for replies to requests (the original SDK names
    /// every notification `ovrMessage_Notification_*`).
    pub fn is_notification(self) -> bool {
        self.c_name().to_bytes().starts_with(b"Notification_")
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
