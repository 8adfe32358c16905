//! `ovrErrorHandle`: the payload of a message for which `ovr_Message_IsError` is true. It lives
//! inside its message and is freed with it.

use std::ffi::{CString, c_char, c_int};

use crate::capi::abi::guard::{self, CallError};
use crate::capi::abi::handle::{self, handle};

handle!(Borrowed: PlatformError = "error");

/// `ovr_Error_GetCode` of an asynchronous init whose login the server refused or never answered.
pub const ERROR_CODE_LOGIN_FAILED: c_int = 1;

/// `ovr_Error_GetCode` of a request whose arguments name nothing (user id 0, ...).
pub const ERROR_CODE_INVALID_ARGUMENT: c_int = 2;

/// `ovr_Error_GetCode` of a request for a service ovrnet does not provide (achievements,
/// leaderboards, purchases, ...): answered like a server that said no.
pub const ERROR_CODE_NOT_PROVIDED: c_int = 3;

/// What went wrong with a request, in the shape the C API reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformError {
    code: c_int,
    http_code: c_int,
    message: CString,
    displayable: CString,
}

impl PlatformError {
    /// An error with a technical `message` and a text fit to show a player (`displayable`, may be
    /// empty). NUL bytes inside either text are dropped so the C strings stay whole.
    pub fn new(code: i32, http_code: i32, message: &str, displayable: &str) -> Self {
        Self { code, http_code, message: to_c_string(message), displayable: to_c_string(displayable) }
    }

    pub fn code(&self) -> i32 {
        self.code
    }

    pub fn http_code(&self) -> i32 {
        self.http_code
    }

    pub fn message(&self) -> &str {
        self.message.to_str().unwrap_or_default()
    }

    pub fn displayable(&self) -> &str {
        self.displayable.to_str().unwrap_or_default()
    }
}

/// A C string from Rust text, dropping interior NULs instead of failing.
pub(crate) fn to_c_string(text: &str) -> CString {
    let bytes: Vec<u8> = text.bytes().filter(|b| *b != 0).collect();
    CString::new(bytes).unwrap_or_default()
}

/// Opaque to C; borrowed from a message, valid until `ovr_FreeMessage` on that message.
pub type ovrErrorHandle = *mut PlatformError;

fn error<'a>(obj: ovrErrorHandle) -> Result<&'a PlatformError, CallError> {
    handle::get(obj.cast_const())
}

/// Technical description of the error. Owned by the message: valid until `ovr_FreeMessage`, do not
/// free it. NULL for a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Error_GetMessage(obj: ovrErrorHandle) -> *const c_char {
    guard::call("ovr_Error_GetMessage", std::ptr::null(), || Ok(error(obj)?.message.as_ptr()))
}

/// Text suitable for showing to a player (may be empty). Owned by the message: valid until
/// `ovr_FreeMessage`, do not free it. NULL for a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Error_GetDisplayableMessage(obj: ovrErrorHandle) -> *const c_char {
    guard::call("ovr_Error_GetDisplayableMessage", std::ptr::null(), || Ok(error(obj)?.displayable.as_ptr()))
}

/// Error code (see docs/CAPI.md for the codes this project uses); 0 for a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Error_GetCode(obj: ovrErrorHandle) -> c_int {
    guard::call("ovr_Error_GetCode", 0, || Ok(error(obj)?.code))
}

/// HTTP-style status code for the failure, or 0 when none applies or for a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Error_GetHttpCode(obj: ovrErrorHandle) -> c_int {
    guard::call("ovr_Error_GetHttpCode", 0, || Ok(error(obj)?.http_code))
}
