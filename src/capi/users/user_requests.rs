//! The user requests stock games make right after init: who am I (`ovr_User_GetLoggedInUser`),
//! who is this (`ovr_User_Get`), may I play (`ovr_Entitlement_GetIsViewerEntitled`), and the
//! user's locale. ovrnet answers them itself, at once, through the message queue: users are
//! known by id (names are the decimal id, see [`super::user`]) and everyone is entitled.

use std::ffi::c_char;

use super::user::User;
use crate::capi::abi::guard;
use crate::capi::abi::ids::{ovrID, ovrRequest};
use crate::capi::messages::error::{ERROR_CODE_INVALID_ARGUMENT, PlatformError};
use crate::capi::messages::message::{Message, Payload};
use crate::capi::messages::message_type::MessageType;
use crate::capi::platform::lifecycle;
use crate::capi::platform::runtime;

/// The locale ovrnet reports: it has no user profiles to take one from.
pub const LOGGED_IN_USER_LOCALE: &std::ffi::CStr = c"en-US";

/// Queues `payload` as the reply of a fresh request of type `kind`; 0 when not initialised.
fn answer(func: &'static str, kind: MessageType, payload: impl FnOnce(ovrID) -> Payload) -> ovrRequest {
    guard::call(func, 0, || {
        let instance = runtime::current()?;
        let me = instance.user_id()?;
        let request_id = lifecycle::next_local_request_id();
        instance.post_reply(Message::new(kind, request_id, payload(me)))?;
        Ok(request_id)
    })
}

/// Original entry point: requests the signed-in user. Returns a request id; an
/// `ovrMessage_User_GetLoggedInUser` message with that id follows (payload:
/// `ovr_Message_GetUser`, the configured user id). 0 when not initialised.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_User_GetLoggedInUser() -> ovrRequest {
    answer("ovr_User_GetLoggedInUser", MessageType::User_GetLoggedInUser, |me| Payload::User(User::new(me)))
}

/// Original entry point: requests a user by id (room members, peers). Returns a request id; an
/// `ovrMessage_User_Get` message follows with that user (its id; names are the decimal id), or
/// an error for id 0. 0 when not initialised.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_User_Get(userID: ovrID) -> ovrRequest {
    answer("ovr_User_Get", MessageType::User_Get, |_| match userID {
        0 => Payload::Error(PlatformError::new(
            ERROR_CODE_INVALID_ARGUMENT,
            400,
            "user id 0 names nobody",
            "That user does not exist.",
        )),
        id => Payload::User(User::new(id)),
    })
}

/// Original entry point: the entitlement check. Everyone is entitled on an ovrnet server (it
/// decides who may log in); an `ovrMessage_Entitlement_GetIsViewerEntitled` message that is not
/// an error follows. 0 when not initialised.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Entitlement_GetIsViewerEntitled() -> ovrRequest {
    answer("ovr_Entitlement_GetIsViewerEntitled", MessageType::Entitlement_GetIsViewerEntitled, |_| {
        Payload::None
    })
}

/// Original entry point: the user's locale as a BCP 47 tag. Always "en-US" (ovrnet has no user
/// profiles). Static storage: never free it.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_GetLoggedInUserLocale() -> *const c_char {
    guard::call("ovr_GetLoggedInUserLocale", LOGGED_IN_USER_LOCALE.as_ptr(), || {
        Ok(LOGGED_IN_USER_LOCALE.as_ptr())
    })
}
