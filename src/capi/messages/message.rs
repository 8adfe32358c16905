//! `ovrMessageHandle`: one entry of the message queue. The application owns a popped message and
//! frees it with `ovr_FreeMessage`; every payload handle and string obtained from it points inside
//! it and dies with it.

use std::ffi::{CString, c_char};

use super::error::{PlatformError, ovrErrorHandle, to_c_string};
use super::message_type::MessageType;
use super::peer::{NetworkingPeer, ovrNetworkingPeerHandle};
use super::ping::{PingResult, ovrPingResultHandle};
use crate::capi::abi::cbool::Bool32;
use crate::capi::abi::enums::PeerConnectionState;
use crate::capi::abi::guard::{self, CallError};
use crate::capi::abi::handle::{self, handle};
use crate::capi::abi::ids::{ovrID, ovrRequest};
use crate::capi::platform::platform_initialize::{PlatformInitialize, ovrPlatformInitializeHandle};
use crate::capi::rooms::room::{Room, ovrRoomHandle};
use crate::capi::users::user::{User, UserArray, ovrUserArrayHandle, ovrUserHandle};

handle!(Owned: Message = "message");

/// What a message carries besides its type and request id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    None,
    NetworkingPeer(NetworkingPeer),
    PingResult(PingResult),
    Error(PlatformError),
    String(CString),
    Room(Room),
    PlatformInitialize(PlatformInitialize),
    User(User),
    UserArray(UserArray),
}

impl Payload {
    /// A string payload; NUL bytes inside `text` are dropped.
    pub fn string(text: &str) -> Self {
        Self::String(to_c_string(text))
    }

    /// Name of the payload kind, for log lines.
    fn kind(&self) -> &'static str {
        match self {
            Self::None => "no payload",
            Self::NetworkingPeer(_) => "a networking peer",
            Self::PingResult(_) => "a ping result",
            Self::Error(_) => "an error",
            Self::String(_) => "a string",
            Self::Room(_) => "a room",
            Self::PlatformInitialize(_) => "a platform initialize result",
            Self::User(_) => "a user",
            Self::UserArray(_) => "a user array",
        }
    }
}

/// A queued message: its type, the request it answers (0 if none) and its payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    kind: MessageType,
    request_id: ovrRequest,
    payload: Payload,
}

impl Message {
    /// Any message. `request_id` is 0 for notifications that answer no request.
    pub fn new(kind: MessageType, request_id: ovrRequest, payload: Payload) -> Self {
        Self { kind, request_id, payload }
    }

    /// `peer` asks to connect to us.
    pub fn peer_connect_request(peer: ovrID) -> Self {
        Self::new(
            MessageType::Notification_Networking_PeerConnectRequest,
            0,
            Payload::NetworkingPeer(NetworkingPeer::new(peer, PeerConnectionState::Unknown)),
        )
    }

    /// The connection to `peer` is now in `state`.
    pub fn connection_state_change(peer: ovrID, state: PeerConnectionState) -> Self {
        Self::new(
            MessageType::Notification_Networking_ConnectionStateChange,
            0,
            Payload::NetworkingPeer(NetworkingPeer::new(peer, state)),
        )
    }

    /// The outcome of the `ovr_Net_Ping` call that returned `request_id`.
    pub fn ping_result(request_id: ovrRequest, result: PingResult) -> Self {
        Self::new(MessageType::Notification_Networking_PingResult, request_id, Payload::PingResult(result))
    }

    /// A failed request of type `kind`.
    pub fn error(kind: MessageType, request_id: ovrRequest, error: PlatformError) -> Self {
        Self::new(kind, request_id, Payload::Error(error))
    }

    pub fn kind(&self) -> MessageType {
        self.kind
    }

    pub fn request_id(&self) -> ovrRequest {
        self.request_id
    }

    pub fn payload(&self) -> &Payload {
        &self.payload
    }

    fn wrong(&self, wanted: &'static str) -> CallError {
        CallError::WrongPayload { wanted, found: self.payload.kind() }
    }
}

/// Opaque to C. Owned by the application after `ovr_PopMessage`; freed with `ovr_FreeMessage`.
pub type ovrMessageHandle = *mut Message;

/// Moves a message to the heap and gives up ownership to the caller (C). Never NULL.
pub fn into_handle(message: Message) -> ovrMessageHandle {
    handle::into_owned(message)
}

/// Messages are never mutated after creation, so the addresses of their payloads are stable
/// until `ovr_FreeMessage`.
fn message<'a>(obj: ovrMessageHandle) -> Result<&'a Message, CallError> {
    handle::get(obj.cast_const())
}

/// Frees a message and everything borrowed from it (payload handles, strings). NULL is allowed
/// and does nothing. Freeing twice is undefined behaviour.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_FreeMessage(obj: ovrMessageHandle) {
    guard::call("ovr_FreeMessage", (), || {
        handle::free_owned(obj);
        Ok(())
    })
}

/// The message's type; `ovrMessage_Unknown` for a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Message_GetType(obj: ovrMessageHandle) -> MessageType {
    guard::call("ovr_Message_GetType", MessageType::Unknown, || Ok(message(obj)?.kind))
}

/// True if the request failed; then `ovr_Message_GetError` gives the details. False for a NULL
/// handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Message_IsError(obj: ovrMessageHandle) -> Bool32 {
    guard::call("ovr_Message_IsError", Bool32::FALSE, || {
        Ok(matches!(message(obj)?.payload, Payload::Error(_)).into())
    })
}

/// The request id this message answers; 0 for notifications and for a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Message_GetRequestID(obj: ovrMessageHandle) -> ovrRequest {
    guard::call("ovr_Message_GetRequestID", 0, || Ok(message(obj)?.request_id))
}

/// The error of a failed request. Borrowed from the message (valid until `ovr_FreeMessage`).
/// NULL if the message is not an error or the handle is NULL.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Message_GetError(obj: ovrMessageHandle) -> ovrErrorHandle {
    guard::call("ovr_Message_GetError", std::ptr::null_mut(), || {
        let msg = message(obj)?;
        match &msg.payload {
            Payload::Error(error) => Ok(handle::lend(error)),
            _ => Err(msg.wrong("an error")),
        }
    })
}

/// The peer of a PeerConnectRequest or ConnectionStateChange message. Borrowed from the message
/// (valid until `ovr_FreeMessage`). NULL for other messages or a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Message_GetNetworkingPeer(obj: ovrMessageHandle) -> ovrNetworkingPeerHandle {
    guard::call("ovr_Message_GetNetworkingPeer", std::ptr::null_mut(), || {
        let msg = message(obj)?;
        match &msg.payload {
            Payload::NetworkingPeer(peer) => Ok(handle::lend(peer)),
            _ => Err(msg.wrong("a networking peer")),
        }
    })
}

/// The result of a PingResult message. Borrowed from the message (valid until `ovr_FreeMessage`).
/// NULL for other messages or a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Message_GetPingResult(obj: ovrMessageHandle) -> ovrPingResultHandle {
    guard::call("ovr_Message_GetPingResult", std::ptr::null_mut(), || {
        let msg = message(obj)?;
        match &msg.payload {
            Payload::PingResult(ping) => Ok(handle::lend(ping)),
            _ => Err(msg.wrong("a ping result")),
        }
    })
}

/// The room of a room reply or RoomUpdate message. Borrowed from the message (valid until
/// `ovr_FreeMessage`). NULL for other messages or a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Message_GetRoom(obj: ovrMessageHandle) -> ovrRoomHandle {
    guard::call("ovr_Message_GetRoom", std::ptr::null_mut(), || {
        let msg = message(obj)?;
        match &msg.payload {
            Payload::Room(room) => Ok(handle::lend(room)),
            _ => Err(msg.wrong("a room")),
        }
    })
}

/// The init result of a successful `ovrMessage_Platform_InitializeStandaloneOculus` or
/// `ovrMessage_PlatformInitializeWithAccessToken` reply. Borrowed from the message (valid until
/// `ovr_FreeMessage`). NULL for other messages (including failed inits, which carry an error) or
/// a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Message_GetPlatformInitialize(obj: ovrMessageHandle) -> ovrPlatformInitializeHandle {
    guard::call("ovr_Message_GetPlatformInitialize", std::ptr::null_mut(), || {
        let msg = message(obj)?;
        match &msg.payload {
            Payload::PlatformInitialize(init) => Ok(handle::lend(init)),
            _ => Err(msg.wrong("a platform initialize result")),
        }
    })
}

/// The user of an `ovrMessage_User_Get` or `ovrMessage_User_GetLoggedInUser` reply. Borrowed from
/// the message (valid until `ovr_FreeMessage`). NULL for other messages or a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Message_GetUser(obj: ovrMessageHandle) -> ovrUserHandle {
    guard::call("ovr_Message_GetUser", std::ptr::null_mut(), || {
        let msg = message(obj)?;
        match &msg.payload {
            Payload::User(user) => Ok(handle::lend(user)),
            _ => Err(msg.wrong("a user")),
        }
    })
}

/// The user list of a reply that carries one. Borrowed from the message (valid until
/// `ovr_FreeMessage`). NULL for other messages or a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Message_GetUserArray(obj: ovrMessageHandle) -> ovrUserArrayHandle {
    guard::call("ovr_Message_GetUserArray", std::ptr::null_mut(), || {
        let msg = message(obj)?;
        match &msg.payload {
            Payload::UserArray(users) => Ok(handle::lend(users)),
            _ => Err(msg.wrong("a user array")),
        }
    })
}

/// The string payload, NUL-terminated. Owned by the message: valid until `ovr_FreeMessage`, do not
/// free it. NULL for messages without a string payload or a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Message_GetString(obj: ovrMessageHandle) -> *const c_char {
    guard::call("ovr_Message_GetString", std::ptr::null(), || {
        let msg = message(obj)?;
        match &msg.payload {
            Payload::String(text) => Ok(text.as_ptr()),
            _ => Err(msg.wrong("a string")),
        }
    })
}

/// Returns its argument unchanged (the C# wrapper calls it before reading some payloads). Nothing
/// new is owned by the caller.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Message_GetNativeMessage(obj: ovrMessageHandle) -> ovrMessageHandle {
    obj
}
