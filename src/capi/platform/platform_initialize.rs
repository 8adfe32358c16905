//! `ovrPlatformInitializeResult` and the `ovrPlatformInitializeHandle` payload: the outcome of
//! initialising the platform, returned directly by `ovr_PlatformInitializeWindows` and carried by
//! the reply messages of the asynchronous inits.

use crate::capi::abi::enums::c_enum;
use crate::capi::abi::guard::{self, CallError};
use crate::capi::abi::handle::{self, handle};

handle!(Borrowed: PlatformInitialize = "platform initialize");

/// Outcome of a platform initialisation. Values are the original SDK's; ovrnet produces
/// `Success`, `Uninitialized` (configuration missing or invalid, socket failure, already
/// initialised) and `InvalidCredentials` (no usable user id or credential). See docs/CAPI.md.
/// cbindgen:rename-all=prefix:ovrPlatformInitialize_
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PlatformInitializeResult {
    /// Initialised; login to the server proceeds in the background.
    Success = 0,
    /// Not initialised (bad or missing configuration, socket failure, already initialised).
    Uninitialized = -1,
    /// Original SDK only: the preloaded module was on an unexpected path.
    PreLoaded = -2,
    /// Original SDK only: its files failed to load.
    FileInvalid = -3,
    /// Original SDK only: invalid signature.
    SignatureInvalid = -4,
    /// Original SDK only: the signature could not be verified.
    UnableToVerify = -5,
    /// Original SDK only: header and library versions differ.
    VersionMismatch = -6,
    /// Not a real result; what an unknown value maps to.
    Unknown = -7,
    /// The user id or credential is missing or unusable.
    InvalidCredentials = -8,
    /// Original SDK only: the user does not own the application.
    NotEntitled = -9,
}

c_enum!(PlatformInitializeResult, RawPlatformInitializeResult, "ovrPlatformInitializeResult", unknown: Unknown, [Success => c"SUCCESS", Uninitialized => c"UNINITIALIZED", PreLoaded => c"PRE_LOADED", FileInvalid => c"FILE_INVALID", SignatureInvalid => c"SIGNATURE_INVALID", UnableToVerify => c"UNABLE_TO_VERIFY", VersionMismatch => c"VERSION_MISMATCH", Unknown => c"UNKNOWN", InvalidCredentials => c"INVALID_CREDENTIALS", NotEntitled => c"NOT_ENTITLED"]);

/// Payload of a successful `ovrMessage_Platform_InitializeStandaloneOculus` or
/// `ovrMessage_PlatformInitializeWithAccessToken` reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlatformInitialize {
    result: PlatformInitializeResult,
}

impl PlatformInitialize {
    pub fn new(result: PlatformInitializeResult) -> Self {
        Self { result }
    }

    pub fn result(&self) -> PlatformInitializeResult {
        self.result
    }
}

/// Opaque to C; borrowed from a message, valid until `ovr_FreeMessage` on that message.
pub type ovrPlatformInitializeHandle = *mut PlatformInitialize;

fn platform_initialize<'a>(obj: ovrPlatformInitializeHandle) -> Result<&'a PlatformInitialize, CallError> {
    handle::get(obj.cast_const())
}

/// The result an asynchronous init reply reports; `ovrPlatformInitialize_Uninitialized` for a
/// NULL handle (so code that skips `ovr_Message_IsError` still sees a failure).
#[unsafe(no_mangle)]
pub extern "C" fn ovr_PlatformInitialize_GetResult(
    obj: ovrPlatformInitializeHandle,
) -> PlatformInitializeResult {
    guard::call("ovr_PlatformInitialize_GetResult", PlatformInitializeResult::Uninitialized, || {
        Ok(platform_initialize(obj)?.result)
    })
}
