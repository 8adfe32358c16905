//! Starting and stopping the process-wide instance, shared by every init entry point
//! (`ovrnet_Initialize` and the original `ovr_Platform*Initialize*` functions) and by
//! `ovrnet_Shutdown`.
//!
//! Inits and shutdowns are serialised by one lock: two racing inits must not both log in (the
//! loser's logout could end the winner's session on the server), and an init right after a
//! shutdown starts only once the old engine has logged out and released its socket.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::Mutex;

use super::engine_runtime::EngineRuntime;
use super::pump::InitReply;
use super::runtime;
use super::settings::{ConfigError, Settings};
use crate::capi::abi::ids::{ovrID, ovrRequest};
use crate::engine::EngineError;

static LIFECYCLE: Mutex<()> = Mutex::new(());

/// Request ids handed out by the asynchronous inits. The top bit keeps them apart from the
/// engine's own request ids (pings count up from small numbers), so a C# caller routing replies
/// by request id can never confuse the two.
static NEXT_INIT_REQUEST: AtomicU64 = AtomicU64::new(1);
const INIT_REQUEST_TAG: u64 = 1 << 63;

/// A fresh, non-zero request id for an asynchronous init.
pub fn next_init_request_id() -> ovrRequest {
    INIT_REQUEST_TAG | NEXT_INIT_REQUEST.fetch_add(1, Ordering::Relaxed)
}

/// Request ids of the requests this library answers itself; bit 62 keeps them apart from the
/// engine's and the inits'.
static NEXT_LOCAL_REQUEST: AtomicU64 = AtomicU64::new(1);
const LOCAL_REQUEST_TAG: u64 = 1 << 62;

/// A fresh, non-zero request id for a locally answered request.
pub fn next_local_request_id() -> ovrRequest {
    LOCAL_REQUEST_TAG | (NEXT_LOCAL_REQUEST.fetch_add(1, Ordering::Relaxed) & (LOCAL_REQUEST_TAG - 1))
}

/// Why an init did not start an instance. Nothing was changed when this is returned.
#[derive(Debug)]
pub enum StartError {
    /// An instance is running; the first one is left untouched.
    AlreadyInitialised,
    Config(ConfigError),
    Engine(EngineError),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AlreadyInitialised => {
                write!(f, "already initialised; the running instance is kept (call ovrnet_Shutdown first)")
            }
            Self::Config(e) => write!(f, "bad configuration: {e}"),
            Self::Engine(e) => write!(f, "{e}"),
        }
    }
}

/// Validates `settings`, starts an engine and installs it as the process-wide instance. Login
/// continues in the background; `init_reply` (if any) is answered when it ends. Returns the user
/// id.
pub fn start(settings: &Settings, init_reply: Option<InitReply>) -> Result<ovrID, StartError> {
    let _serialised = LIFECYCLE.lock();
    if runtime::is_initialised() {
        return Err(StartError::AlreadyInitialised);
    }
    let config = settings.to_engine_config().map_err(StartError::Config)?;
    let (user_id, server) = (config.user_id, config.server);
    let instance = Arc::new(EngineRuntime::start(config, init_reply).map_err(StartError::Engine)?);
    if runtime::install(instance.clone()).is_err() {
        // Unreachable while every install goes through this lock; stay correct anyway.
        runtime::Runtime::shutdown(instance.as_ref());
        return Err(StartError::AlreadyInitialised);
    }
    log::info!(target: "ovrnet::capi", "initialised as user {user_id}, server {server}; logging in");
    Ok(user_id)
}

/// Shuts the instance down (logout, close connections, join the thread, free every queued packet
/// and message). Returns false if none was running.
pub fn shutdown() -> bool {
    let _serialised = LIFECYCLE.lock();
    let stopped = runtime::shutdown();
    if stopped {
        log::info!(target: "ovrnet::capi", "shut down");
    }
    stopped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_request_ids_are_unique_non_zero_and_tagged() {
        let a = next_init_request_id();
        let b = next_init_request_id();
        assert_ne!(a, 0);
        assert_ne!(a, b);
        assert_eq!(a & INIT_REQUEST_TAG, INIT_REQUEST_TAG);
    }
}
