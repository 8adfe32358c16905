//! The original SDK's init entry points, for games that call them unchanged. They carry no
//! server or identity, so those come from the environment and the `OVRNET_CONFIG` file (see
//! [`super::env_settings`] and docs/CAPI.md); an access token or password passed in serves as
//! the credential.

use std::ffi::{c_char, c_int};

use super::cbool::Bool32;
use super::env_settings;
use super::guard::{self, CallError};
use super::ids::{ovrID, ovrRequest};
use super::message_type::MessageType;
use super::ovrnet_init::{optional_bytes, optional_str, start_error};
use super::platform::{self, StartError};
use super::platform_initialize::PlatformInitializeResult;
use super::pump::InitReply;
use super::runtime;
use super::settings::Settings;

/// Which versioned struct a pointer refers to (original values).
/// cbindgen:rename-all=prefix:ovrPlatformStructureType_
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlatformStructureType {
    Unknown = 0,
    OculusInitParams = 1,
}

/// An `ovrPlatformStructureType` as C stored it: not yet checked.
/// cbindgen:no-export
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawPlatformStructureType(pub c_int);

/// Arguments of `ovr_Platform_InitializeStandaloneOculus`, laid out as in the original SDK.
/// cbindgen:rename-all=CamelCase
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct OculusInitParams {
    /// Must be `ovrPlatformStructureType_OculusInitParams`.
    pub s_type: RawPlatformStructureType,
    /// Ignored by ovrnet (the user id comes from the configuration).
    pub email: *const c_char,
    /// If non-empty, used as the login credential instead of the configured one.
    pub password: *const c_char,
    /// Ignored by ovrnet.
    pub app_id: ovrID,
    /// If non-empty, used as the server address ("host:port") instead of the configured one.
    pub uri_prefix_override: *const c_char,
}

/// Settings from the environment and the `OVRNET_CONFIG` file.
fn environment_settings() -> Result<Settings, StartError> {
    env_settings::from_environment().map_err(StartError::Config)
}

/// Starts an asynchronous init that replies with a `kind` message; returns its request id.
fn start_async(kind: MessageType, settings: Result<Settings, StartError>) -> Result<ovrRequest, CallError> {
    let request_id = platform::next_init_request_id();
    platform::start(&settings.map_err(start_error)?, Some(InitReply { kind, request_id }))
        .map_err(start_error)?;
    Ok(request_id)
}

/// Original entry point. Initialises from the environment / `OVRNET_CONFIG` (`appId` is
/// ignored and may be NULL). `ovrPlatformInitialize_Success` once the socket is bound and the
/// login has started (it finishes asynchronously; a failure is logged).
/// `ovrPlatformInitialize_InvalidCredentials` when no valid user id or credential is
/// configured; `ovrPlatformInitialize_Uninitialized` for any other problem, including an
/// instance that is already running (it is kept). Every failure is logged.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_PlatformInitializeWindows(appId: *const c_char) -> PlatformInitializeResult {
    let _ = appId;
    let mut result = PlatformInitializeResult::Uninitialized;
    guard::call("ovr_PlatformInitializeWindows", (), || {
        let outcome = environment_settings().and_then(|settings| platform::start(&settings, None));
        result = match &outcome {
            Ok(_) => PlatformInitializeResult::Success,
            Err(StartError::Config(e)) => e.init_result(),
            Err(_) => PlatformInitializeResult::Uninitialized,
        };
        outcome.map(|_| ()).map_err(start_error)
    });
    result
}

/// Original entry point. Initialises from the environment / `OVRNET_CONFIG`, with
/// `params->password` (if non-empty) as the credential and `params->uriPrefixOverride` (if
/// non-empty) as the server address; `email` and `appId` are ignored. Returns a request id, and
/// an `ovrMessage_Platform_InitializeStandaloneOculus` message with that id follows when the
/// login succeeds (payload: `ovr_Message_GetPlatformInitialize`, result Success) or fails (an
/// error message). Returns 0 (and logs why) if it cannot start: NULL params, wrong `sType`, bad
/// configuration, or already initialised. `params` is only read during the call.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Platform_InitializeStandaloneOculus(params: *const OculusInitParams) -> ovrRequest {
    guard::call("ovr_Platform_InitializeStandaloneOculus", 0, || {
        // SAFETY: the contract: NULL or a pointer to a readable ovrOculusInitParams.
        let params = unsafe { guard::borrow(params, "params") }?;
        if params.s_type.0 != PlatformStructureType::OculusInitParams as c_int {
            return Err(CallError::UnknownEnum {
                ty: "ovrPlatformStructureType",
                value: params.s_type.0.into(),
            });
        }
        let password = optional_bytes(params.password, "password")?.filter(|p| !p.is_empty());
        let server = optional_str(params.uri_prefix_override, "uriPrefixOverride")?.filter(|s| !s.is_empty());
        let settings = environment_settings().map(|mut settings| {
            if password.is_some() {
                settings.credential = password;
            }
            if server.is_some() {
                settings.server = server;
            }
            settings
        });
        start_async(MessageType::Platform_InitializeStandaloneOculus, settings)
    })
}

/// Original entry point. Initialises from the environment / `OVRNET_CONFIG`, with
/// `serviceAccessToken` (if non-empty) as the login credential; `appId` is ignored. Returns a
/// request id, and an `ovrMessage_PlatformInitializeWithAccessToken` message with that id
/// follows when the login succeeds or fails (as for `ovr_Platform_InitializeStandaloneOculus`).
/// Returns 0 (and logs why) if it cannot start. The token is only read during the call.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_PlatformInitializeWithAccessToken(
    appId: ovrID,
    serviceAccessToken: *const c_char,
) -> ovrRequest {
    let _ = appId;
    guard::call("ovr_PlatformInitializeWithAccessToken", 0, || {
        let token = optional_bytes(serviceAccessToken, "serviceAccessToken")?.filter(|t| !t.is_empty());
        let settings = environment_settings().map(|mut settings| {
            if token.is_some() {
                settings.credential = token;
            }
            settings
        });
        start_async(MessageType::PlatformInitializeWithAccessToken, settings)
    })
}

/// True from a successful init until `ovrnet_Shutdown` (also while the login is still running).
#[unsafe(no_mangle)]
pub extern "C" fn ovr_IsPlatformInitialized() -> Bool32 {
    guard::call("ovr_IsPlatformInitialized", Bool32::FALSE, || Ok(runtime::is_initialised().into()))
}

/// The configured user id from a successful init until `ovrnet_Shutdown` (available at once, even
/// while the login is still running); 0 when not initialised.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_GetLoggedInUserID() -> ovrID {
    guard::call("ovr_GetLoggedInUserID", 0, || match runtime::current() {
        Ok(instance) => Ok(instance.user_id().unwrap_or(0)),
        Err(_) => Ok(0),
    })
}
