//! `ovrUserHandle` and `ovrUserArrayHandle`: room members as a room payload reports them.
//!
//! Users are known only by their 64-bit id here: there are no profiles, names, pictures or
//! presence. `ovr_User_GetOculusID` and `ovr_User_GetDisplayName` give the id as a decimal string
//! (so code that shows a name shows something stable), the other strings are empty and the
//! presence status is Unknown. Handles point inside the message that carried the room and are
//! valid until `ovr_FreeMessage` on it.

use std::ffi::{CString, c_char};

use crate::capi::abi::cbool::Bool32;
use crate::capi::abi::guard::{self, CallError};
use crate::capi::abi::handle::{self, handle};
use crate::capi::abi::ids::ovrID;
use crate::capi::rooms::room_enums::UserPresenceStatus;

handle!(Borrowed: User = "user", UserArray = "user array");

/// A user as a room reports it: the id and its decimal spelling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    id: ovrID,
    /// The id in decimal, returned as the Oculus ID and the display name.
    name: CString,
}

impl User {
    pub fn new(id: ovrID) -> Self {
        // A decimal number never contains NUL.
        Self { id, name: CString::new(id.to_string()).unwrap_or_default() }
    }

    pub fn id(&self) -> ovrID {
        self.id
    }
}

/// Opaque to C; borrowed from its room or array, valid until `ovr_FreeMessage` on the message.
pub type ovrUserHandle = *mut User;

/// A list of users, complete in one page.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserArray {
    users: Vec<User>,
}

impl UserArray {
    /// Users with these ids, in this order.
    pub fn from_ids(ids: &[ovrID]) -> Self {
        Self { users: ids.iter().map(|&id| User::new(id)).collect() }
    }

    pub fn users(&self) -> &[User] {
        &self.users
    }
}

/// Opaque to C; borrowed from its room, valid until `ovr_FreeMessage` on the message.
pub type ovrUserArrayHandle = *mut UserArray;

fn user<'a>(obj: ovrUserHandle) -> Result<&'a User, CallError> {
    handle::get(obj.cast_const())
}

fn array<'a>(obj: ovrUserArrayHandle) -> Result<&'a UserArray, CallError> {
    handle::get(obj.cast_const())
}

/// The user's id; 0 for a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_User_GetID(obj: ovrUserHandle) -> ovrID {
    guard::call("ovr_User_GetID", 0, || Ok(user(obj)?.id))
}

/// The user's id as a decimal string (users have no Oculus name here). Owned by the message:
/// valid until `ovr_FreeMessage`. NULL for a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_User_GetOculusID(obj: ovrUserHandle) -> *const c_char {
    guard::call("ovr_User_GetOculusID", std::ptr::null(), || Ok(user(obj)?.name.as_ptr()))
}

/// The user's id as a decimal string (users have no display name here). Owned by the message:
/// valid until `ovr_FreeMessage`. NULL for a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_User_GetDisplayName(obj: ovrUserHandle) -> *const c_char {
    guard::call("ovr_User_GetDisplayName", std::ptr::null(), || Ok(user(obj)?.name.as_ptr()))
}

/// Shared body of the string getters for which this project has no data: "" for a user, NULL
/// for a NULL handle.
fn empty_string(func: &'static str, obj: ovrUserHandle) -> *const c_char {
    guard::call(func, std::ptr::null(), || {
        user(obj)?;
        Ok(c"".as_ptr())
    })
}

/// Always "" (no profile pictures here); NULL for a NULL handle. Static storage.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_User_GetImageUrl(obj: ovrUserHandle) -> *const c_char {
    empty_string("ovr_User_GetImageUrl", obj)
}

/// Always "" (no profile pictures here); NULL for a NULL handle. Static storage.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_User_GetSmallImageUrl(obj: ovrUserHandle) -> *const c_char {
    empty_string("ovr_User_GetSmallImageUrl", obj)
}

/// The token `ovr_Room_InviteUser` takes to invite this user: the id in decimal. Owned by the
/// message: valid until `ovr_FreeMessage`. NULL for a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_User_GetInviteToken(obj: ovrUserHandle) -> *const c_char {
    guard::call("ovr_User_GetInviteToken", std::ptr::null(), || Ok(user(obj)?.name.as_ptr()))
}

/// Always "" (no presence service here); NULL for a NULL handle. Static storage.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_User_GetPresence(obj: ovrUserHandle) -> *const c_char {
    empty_string("ovr_User_GetPresence", obj)
}

/// Always "" (no presence service here); NULL for a NULL handle. Static storage.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_User_GetPresenceDeeplinkMessage(obj: ovrUserHandle) -> *const c_char {
    empty_string("ovr_User_GetPresenceDeeplinkMessage", obj)
}

/// Always "" (no presence service here); NULL for a NULL handle. Static storage.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_User_GetPresenceDestinationApiName(obj: ovrUserHandle) -> *const c_char {
    empty_string("ovr_User_GetPresenceDestinationApiName", obj)
}

/// Always "" (no presence service here); NULL for a NULL handle. Static storage.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_User_GetPresenceLobbySessionId(obj: ovrUserHandle) -> *const c_char {
    empty_string("ovr_User_GetPresenceLobbySessionId", obj)
}

/// Always "" (no presence service here); NULL for a NULL handle. Static storage.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_User_GetPresenceMatchSessionId(obj: ovrUserHandle) -> *const c_char {
    empty_string("ovr_User_GetPresenceMatchSessionId", obj)
}

/// Always `ovrUserPresenceStatus_Unknown`: there is no presence service here.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_User_GetPresenceStatus(obj: ovrUserHandle) -> UserPresenceStatus {
    guard::call("ovr_User_GetPresenceStatus", UserPresenceStatus::Unknown, || {
        user(obj)?;
        Ok(UserPresenceStatus::Unknown)
    })
}

/// Number of users in the array; 0 for a NULL handle (rooms hand out NULL for lists they do
/// not have, and the C# wrapper reads their size anyway, so NULL is not logged).
#[unsafe(no_mangle)]
pub extern "C" fn ovr_UserArray_GetSize(obj: ovrUserArrayHandle) -> usize {
    guard::call("ovr_UserArray_GetSize", 0, || {
        if obj.is_null() {
            return Ok(0);
        }
        Ok(array(obj)?.users.len())
    })
}

/// The user at `index` (0-based), borrowed from the array (valid until `ovr_FreeMessage`). NULL
/// for an index past the end or a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_UserArray_GetElement(obj: ovrUserArrayHandle, index: usize) -> ovrUserHandle {
    guard::call("ovr_UserArray_GetElement", std::ptr::null_mut(), || {
        let users = &array(obj)?.users;
        let found = users.get(index).ok_or_else(|| {
            CallError::Invalid(format!("index {index} is past the end of a {}-user array", users.len()))
        })?;
        Ok(handle::lend(found))
    })
}

/// Always "": every list is complete in one page here. Static storage. NULL for a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_UserArray_GetNextUrl(obj: ovrUserArrayHandle) -> *const c_char {
    guard::call("ovr_UserArray_GetNextUrl", std::ptr::null(), || {
        array(obj)?;
        Ok(c"".as_ptr())
    })
}

/// Always false: every list is complete in one page here.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_UserArray_HasNextPage(obj: ovrUserArrayHandle) -> Bool32 {
    guard::call("ovr_UserArray_HasNextPage", Bool32::FALSE, || {
        array(obj)?;
        Ok(Bool32::FALSE)
    })
}
