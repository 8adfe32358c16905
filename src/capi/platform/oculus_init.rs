//! The original SDK's init entry points, for games that call them unchanged: the function forms,
//! the v49 `Ex` forms the desktop header macros expand to, and the asynchronous forms. They carry
//! no server or identity, so those come from the app id string, a config file and the
//! environment (see [`super::env_settings`] and docs/CAPI.md); an access token or password
//! passed in serves as the credential. The Unity and Android forms are in [`super::unity_init`].

use std::ffi::{c_char, c_int};

use crate::capi::abi::cbool::Bool32;
use parking_lot::Mutex;

use super::env_settings;
use super::lifecycle::{self, StartError};
use super::ovrnet_init::{optional_bytes, optional_str, start_error};
use super::platform_initialize::PlatformInitializeResult;
use super::pump::InitReply;
use super::runtime;
use super::settings::Settings;
use crate::capi::abi::guard::{self, CallError};
use crate::capi::abi::ids::{ovrID, ovrRequest};
use crate::capi::messages::message_type::MessageType;
use crate::capi::rooms::key_value::KeyValuePair;

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

/// What an init call itself carries, applied over the configured settings.
#[derive(Debug, Default)]
pub(crate) struct Overrides {
    /// The app id string (may carry `key=value` settings, see [`env_settings`]).
    pub app_id: Option<String>,
    /// An access token or password: the login credential.
    pub credential: Option<Vec<u8>>,
    /// A server address ("host:port").
    pub server: Option<String>,
}

impl Overrides {
    /// Overrides from an app id string argument (NULL or empty means none).
    pub(crate) fn app_id(app_id: *const c_char) -> Result<Self, CallError> {
        Ok(Self {
            app_id: optional_str(app_id, "appId")?.filter(|a| !a.trim().is_empty()),
            ..Self::default()
        })
    }

    /// Adds a credential argument (NULL or empty means none).
    pub(crate) fn with_credential(
        mut self,
        token: *const c_char,
        what: &'static str,
    ) -> Result<Self, CallError> {
        self.credential = optional_bytes(token, what)?.filter(|t| !t.is_empty());
        Ok(self)
    }
}

/// A developer access token set with `ovr_SetDeveloperAccessToken`: the credential of the next
/// init that carries none of its own.
static DEVELOPER_TOKEN: Mutex<Option<Vec<u8>>> = Mutex::new(None);

/// The settings an init starts with: app id string, config file, environment, then the call's
/// own arguments.
pub(crate) fn settings_for(overrides: Overrides) -> Result<Settings, StartError> {
    let mut settings = env_settings::from_sources(overrides.app_id.as_deref()).map_err(StartError::Config)?;
    if let Some(credential) = overrides.credential.or_else(|| DEVELOPER_TOKEN.lock().clone()) {
        settings.credential = Some(credential);
    }
    if overrides.server.is_some() {
        settings.server = overrides.server;
    }
    Ok(settings)
}

/// The result code a failed start reports.
fn result_of(error: &StartError) -> PlatformInitializeResult {
    match error {
        StartError::Config(e) => e.init_result(),
        _ => PlatformInitializeResult::Uninitialized,
    }
}

/// Shared body of the synchronous inits: starts the instance, returns the original result code
/// (every failure is logged under `func`).
pub(crate) fn init_sync(
    func: &'static str,
    overrides: impl FnOnce() -> Result<Overrides, CallError>,
) -> PlatformInitializeResult {
    let mut result = PlatformInitializeResult::Uninitialized;
    guard::call(func, (), || {
        let outcome = settings_for(overrides()?).and_then(|settings| lifecycle::start(&settings, None));
        result = match &outcome {
            Ok(_) => PlatformInitializeResult::Success,
            Err(e) => result_of(e),
        };
        outcome.map(|_| ()).map_err(start_error)
    });
    result
}

/// Shared body of the asynchronous inits: starts the instance and returns the request id that a
/// `kind` reply message will carry once the login ends; 0 (and a log line under `func`) when it
/// cannot start. `out_result`, when non-NULL, receives Success or the reason it did not start.
pub(crate) fn init_async(
    func: &'static str,
    kind: MessageType,
    out_result: *mut PlatformInitializeResult,
    overrides: impl FnOnce() -> Result<Overrides, CallError>,
) -> ovrRequest {
    let mut result = PlatformInitializeResult::Uninitialized;
    let request = guard::call(func, 0, || {
        let request_id = lifecycle::next_init_request_id();
        let outcome = settings_for(overrides()?)
            .and_then(|settings| lifecycle::start(&settings, Some(InitReply { kind, request_id })));
        result = match &outcome {
            Ok(_) => PlatformInitializeResult::Success,
            Err(e) => result_of(e),
        };
        outcome.map(|_| request_id).map_err(start_error)
    });
    if !out_result.is_null() {
        // SAFETY: the contract: `outResult` is NULL or points to a writable
        // ovrPlatformInitializeResult; a plain write of a valid enum value.
        unsafe { out_result.write(result) };
    }
    request
}

/// Overrides from an `ovrOculusInitParams`: the password (if non-empty) is the credential and
/// `uriPrefixOverride` (if non-empty) the server; `email` and `appId` are ignored.
fn standalone_overrides(params: *const OculusInitParams) -> Result<Overrides, CallError> {
    // SAFETY: the contract: NULL or a pointer to a readable ovrOculusInitParams.
    let params = unsafe { guard::borrow(params, "params") }?;
    if params.s_type.0 != PlatformStructureType::OculusInitParams as c_int {
        return Err(CallError::UnknownEnum { ty: "ovrPlatformStructureType", value: params.s_type.0.into() });
    }
    Ok(Overrides {
        app_id: None,
        credential: optional_bytes(params.password, "password")?.filter(|p| !p.is_empty()),
        server: optional_str(params.uri_prefix_override, "uriPrefixOverride")?.filter(|s| !s.is_empty()),
    })
}

/// Original entry point (the v49 desktop headers make it a macro over
/// `ovr_PlatformInitializeWindowsEx`). Initialises from the app id string, the config file and
/// the environment (see docs/CAPI.md). `ovrPlatformInitialize_Success` once the socket is bound
/// and the login has started (it finishes asynchronously; a failure is logged).
/// `ovrPlatformInitialize_InvalidCredentials` when no valid user id or credential is
/// configured; `ovrPlatformInitialize_Uninitialized` for any other problem, including an
/// instance that is already running (it is kept). Every failure is logged.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_PlatformInitializeWindows(appId: *const c_char) -> PlatformInitializeResult {
    init_sync("ovr_PlatformInitializeWindows", || Overrides::app_id(appId))
}

/// Original entry point: `ovr_PlatformInitializeWindows` with the header's version numbers,
/// which ovrnet does not check (any header version works).
#[unsafe(no_mangle)]
pub extern "C" fn ovr_PlatformInitializeWindowsEx(
    appId: *const c_char,
    productVersion: c_int,
    majorVersion: c_int,
) -> PlatformInitializeResult {
    let _ = (productVersion, majorVersion);
    init_sync("ovr_PlatformInitializeWindowsEx", || Overrides::app_id(appId))
}

/// Original entry point (older headers' function form). Like `ovr_PlatformInitializeWindows`,
/// but returns a request id at once; an `ovrMessage_PlatformInitializeWindowsAsynchronous`
/// message with that id follows when the login succeeds (payload:
/// `ovr_Message_GetPlatformInitialize`) or fails (an error message). 0 (and a log line) when it
/// cannot start.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_PlatformInitializeWindowsAsynchronous(appId: *const c_char) -> ovrRequest {
    init_async(
        "ovr_PlatformInitializeWindowsAsynchronous",
        MessageType::PlatformInitializeWindowsAsynchronous,
        std::ptr::null_mut(),
        || Overrides::app_id(appId),
    )
}

/// Original entry point behind the v49 `ovr_PlatformInitializeWindowsAsynchronous(appId,
/// outResult)` macro. As the function form; `outResult` (may be NULL) receives Success or why it
/// did not start (then the request id is 0). Version numbers are not checked.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_PlatformInitializeWindowsAsynchronousEx(
    appId: *const c_char,
    outResult: *mut PlatformInitializeResult,
    productVersion: c_int,
    majorVersion: c_int,
) -> ovrRequest {
    let _ = (productVersion, majorVersion);
    init_async(
        "ovr_PlatformInitializeWindowsAsynchronousEx",
        MessageType::PlatformInitializeWindowsAsynchronous,
        outResult,
        || Overrides::app_id(appId),
    )
}

/// Original entry point (Android and older headers' function form). Initialises from the
/// config file and environment, with `params->password` (if non-empty) as the credential and
/// `params->uriPrefixOverride` (if non-empty) as the server address; `email` and `appId` are
/// ignored. Returns a request id, and an `ovrMessage_Platform_InitializeStandaloneOculus`
/// message with that id follows when the login succeeds (payload:
/// `ovr_Message_GetPlatformInitialize`, result Success) or fails (an error message). Returns 0
/// (and logs why) if it cannot start: NULL params, wrong `sType`, bad configuration, or already
/// initialised. `params` is only read during the call.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Platform_InitializeStandaloneOculus(params: *const OculusInitParams) -> ovrRequest {
    init_async(
        "ovr_Platform_InitializeStandaloneOculus",
        MessageType::Platform_InitializeStandaloneOculus,
        std::ptr::null_mut(),
        || standalone_overrides(params),
    )
}

/// Original entry point behind the v49 desktop macro `ovr_Platform_InitializeStandaloneOculus(
/// params, outResult)`. As the function form; `outResult` (may be NULL) receives Success or why
/// it did not start. Version numbers are not checked.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Platform_InitializeStandaloneOculusEx(
    params: *const OculusInitParams,
    outResult: *mut PlatformInitializeResult,
    productVersion: c_int,
    majorVersion: c_int,
) -> ovrRequest {
    let _ = (productVersion, majorVersion);
    init_async(
        "ovr_Platform_InitializeStandaloneOculusEx",
        MessageType::Platform_InitializeStandaloneOculus,
        outResult,
        || standalone_overrides(params),
    )
}

/// Original entry point (Android and older headers' function form). Initialises from the
/// config file and environment, with `serviceAccessToken` (if non-empty) as the login
/// credential (an `ovrnet1.<user id>...` token also names the user); `appId` is ignored. Returns
/// a request id, and an `ovrMessage_PlatformInitializeWithAccessToken` message with that id
/// follows when the login succeeds or fails. Returns 0 (and logs why) if it cannot start. The
/// token is only read during the call.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_PlatformInitializeWithAccessToken(
    appId: ovrID,
    serviceAccessToken: *const c_char,
) -> ovrRequest {
    let _ = appId;
    init_async(
        "ovr_PlatformInitializeWithAccessToken",
        MessageType::PlatformInitializeWithAccessToken,
        std::ptr::null_mut(),
        || Overrides::default().with_credential(serviceAccessToken, "serviceAccessToken"),
    )
}

/// Original entry point behind the v49 desktop macro `ovr_PlatformInitializeWithAccessToken(
/// appId, token, outResult)`. As the function form; `outResult` (may be NULL) receives Success
/// or why it did not start. Version numbers are not checked.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_PlatformInitializeWithAccessTokenEx(
    appId: ovrID,
    serviceAccessToken: *const c_char,
    outResult: *mut PlatformInitializeResult,
    productVersion: c_int,
    majorVersion: c_int,
) -> ovrRequest {
    let _ = (appId, productVersion, majorVersion);
    init_async(
        "ovr_PlatformInitializeWithAccessTokenEx",
        MessageType::PlatformInitializeWithAccessToken,
        outResult,
        || Overrides::default().with_credential(serviceAccessToken, "serviceAccessToken"),
    )
}

/// Original entry point: `ovr_PlatformInitializeWithAccessToken` with init options. The only
/// original option (disable peer-to-peer networking) makes no sense for a networking library
/// and is ignored, as is any other; `configOptions` is not read.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_PlatformInitializeWithAccessTokenAndOptions(
    appId: ovrID,
    serviceAccessToken: *const c_char,
    configOptions: *mut KeyValuePair,
    numConfigOptions: usize,
) -> ovrRequest {
    let _ = (appId, configOptions, numConfigOptions);
    init_async(
        "ovr_PlatformInitializeWithAccessTokenAndOptions",
        MessageType::PlatformInitializeWithAccessToken,
        std::ptr::null_mut(),
        || Overrides::default().with_credential(serviceAccessToken, "serviceAccessToken"),
    )
}

/// Original entry point: remembers `accessToken` as the login credential of the next init that
/// carries none of its own (NULL or "" forgets it). Returns true (the C header says `void`; the
/// C# declaration reads a bool).
#[unsafe(no_mangle)]
pub extern "C" fn ovr_SetDeveloperAccessToken(accessToken: *const c_char) -> Bool32 {
    guard::call("ovr_SetDeveloperAccessToken", Bool32::FALSE, || {
        *DEVELOPER_TOKEN.lock() = optional_bytes(accessToken, "accessToken")?.filter(|t| !t.is_empty());
        Ok(Bool32::TRUE)
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
