//! The ovrnet extension init: `ovrnet_Initialize` with an explicit `ovrnetConfig`, and
//! `ovrnet_Shutdown`, which the original SDK never had (tests and editor reloads need it).

use std::ffi::c_char;

use super::lifecycle::{self, StartError};
use super::settings::Settings;
use crate::capi::abi::cbool::Bool32;
use crate::capi::abi::guard::{self, CallError};
use crate::capi::abi::ids::ovrID;

/// ovrnet extension: everything `ovrnet_Initialize` needs. Zero-initialise it, then fill in
/// at least `serverAddress` and `userId`. Strings are only read during the call.
/// cbindgen:rename-all=CamelCase
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct InitConfig {
    /// Rendezvous server as "host:port" (a name, an IPv4 literal, or "[IPv6]:port"). Required.
    pub server_address: *const c_char,
    /// This user's 64-bit id; must be non-zero.
    pub user_id: ovrID,
    /// Login credential (a token from the game's backend, or any secret string on an open
    /// server), at most 255 bytes. NULL means empty.
    pub credential: *const c_char,
    /// Local address to bind: "ip", "ip:port" or "host:port". NULL means any address, any port.
    pub bind_address: *const c_char,
    /// Give up a connect after this long (the peers see a Timeout state). 0 = default (10 s).
    pub connect_timeout_ms: u32,
    /// Close a connection that heard nothing for this long. 0 = default (10 s).
    pub idle_timeout_ms: u32,
    /// The server's public key as 64 hex digits (`ovrnet-server keygen` / the server's start
    /// line). Peers' identities are then trusted only when this key vouches for them. NULL
    /// trusts the key the login reports (development).
    pub server_key: *const c_char,
}

/// Reads an optional NUL-terminated UTF-8 string.
pub(crate) fn optional_str(ptr: *const c_char, what: &'static str) -> Result<Option<String>, CallError> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: non-NULL, and the caller's contract says it is a NUL-terminated string.
    let text = unsafe { guard::c_str(ptr, what) }?;
    text.to_str().map(|s| Some(s.to_owned())).map_err(|_| CallError::Malformed(what))
}

/// Reads an optional NUL-terminated byte string.
pub(crate) fn optional_bytes(ptr: *const c_char, what: &'static str) -> Result<Option<Vec<u8>>, CallError> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: non-NULL, and the caller's contract says it is a NUL-terminated string.
    let text = unsafe { guard::c_str(ptr, what) }?;
    Ok(Some(text.to_bytes().to_vec()))
}

/// How the init functions report a failed start to the guard (which logs it).
pub(crate) fn start_error(error: StartError) -> CallError {
    match error {
        StartError::Config(_) => CallError::Invalid(error.to_string()),
        _ => CallError::Refused(error.to_string()),
    }
}

/// ovrnet extension: initialises the platform with an explicit configuration instead of the
/// environment. Synchronous: returns true once the socket is bound and the background thread
/// runs; the login to the server continues asynchronously (its failure is logged). Returns false
/// (and logs why) for a NULL or invalid configuration, a socket failure, or when already
/// initialised (the running instance is left untouched). `cfg` is only read during the call.
#[unsafe(no_mangle)]
pub extern "C" fn ovrnet_Initialize(cfg: *const InitConfig) -> Bool32 {
    guard::call("ovrnet_Initialize", Bool32::FALSE, || {
        // SAFETY: the contract: NULL or a pointer to a readable ovrnetConfig.
        let cfg = unsafe { guard::borrow(cfg, "cfg") }?;
        lifecycle::start(&settings_of(cfg)?, None).map_err(start_error)?;
        Ok(Bool32::TRUE)
    })
}

/// The settings an `ovrnetConfig` carries (its layout is fixed: what it cannot carry, such as
/// the relay mode, comes from `ovrnetConfigV2` or takes its default).
pub(crate) fn settings_of(cfg: &InitConfig) -> Result<Settings, CallError> {
    Ok(Settings {
        server: optional_str(cfg.server_address, "serverAddress")?,
        user_id: Some(cfg.user_id),
        credential: optional_bytes(cfg.credential, "credential")?,
        bind: optional_str(cfg.bind_address, "bindAddress")?,
        connect_timeout_ms: cfg.connect_timeout_ms,
        idle_timeout_ms: cfg.idle_timeout_ms,
        server_key: optional_str(cfg.server_key, "serverKey")?,
        ..Settings::default()
    })
}

/// ovrnet extension: logs out, closes every connection, joins the background thread and frees
/// everything, including packets and messages nobody read. Handles the application still holds
/// stay valid until it frees them. Safe to call when not initialised (does nothing); any init
/// works again afterwards.
#[unsafe(no_mangle)]
pub extern "C" fn ovrnet_Shutdown() {
    guard::call("ovrnet_Shutdown", (), || {
        if !lifecycle::shutdown() {
            log::debug!(target: "ovrnet::capi", "ovrnet_Shutdown: not initialised, nothing to do");
        }
        Ok(())
    })
}
