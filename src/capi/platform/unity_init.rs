//! The init entry points of the stock Unity scripts (`Core.Initialize`, `Core.AsyncInitialize`,
//! the editor's standalone path) and of the Android headers. Each takes its settings the same
//! way as the desktop forms in [`super::oculus_init`]; logging callbacks and JNI arguments are
//! accepted and ignored (ovrnet logs through `OVRNET_LOG`, and needs nothing from Java).

use std::ffi::{c_char, c_void};

use super::lifecycle;
use super::oculus_init::{Overrides, init_async, init_sync};
use super::platform_initialize::PlatformInitializeResult;
use crate::capi::abi::cbool::Bool32;
use crate::capi::abi::guard;
use crate::capi::abi::ids::ovrRequest;
use crate::capi::messages::message_type::MessageType;

/// Original entry point of `Core.Initialize` on Android: initialises from the app id string,
/// the config file and the environment; true once started (the login continues in the
/// background). False (and a log line) when it cannot start.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_UnityInitWrapper(appId: *const c_char) -> Bool32 {
    let result = init_sync("ovr_UnityInitWrapper", || Overrides::app_id(appId));
    (result == PlatformInitializeResult::Success).into()
}

/// Original entry point of `Core.AsyncInitialize` on Android: returns a request id at once; an
/// `ovrMessage_PlatformInitializeAndroidAsynchronous` message with that id follows when the
/// login ends (payload: `ovr_Message_GetPlatformInitialize`, or an error). 0 when it cannot
/// start.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_UnityInitWrapperAsynchronous(appId: *const c_char) -> ovrRequest {
    init_async(
        "ovr_UnityInitWrapperAsynchronous",
        MessageType::PlatformInitializeAndroidAsynchronous,
        std::ptr::null_mut(),
        || Overrides::app_id(appId),
    )
}

/// Original entry point of `Core.Initialize` on Windows; `loggingCB` is ignored. As
/// `ovr_UnityInitWrapper`.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_UnityInitWrapperWindows(appId: *const c_char, loggingCB: *mut c_void) -> Bool32 {
    let _ = loggingCB;
    let result = init_sync("ovr_UnityInitWrapperWindows", || Overrides::app_id(appId));
    (result == PlatformInitializeResult::Success).into()
}

/// Original entry point of `Core.AsyncInitialize` on Windows; `loggingCB` is ignored. The reply
/// is an `ovrMessage_PlatformInitializeWindowsAsynchronous` message.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_UnityInitWrapperWindowsAsynchronous(
    appId: *const c_char,
    loggingCB: *mut c_void,
) -> ovrRequest {
    let _ = loggingCB;
    init_async(
        "ovr_UnityInitWrapperWindowsAsynchronous",
        MessageType::PlatformInitializeWindowsAsynchronous,
        std::ptr::null_mut(),
        || Overrides::app_id(appId),
    )
}

/// Original entry point of the editor's standalone path: `accessToken` (if non-empty) is the
/// login credential; `loggingCB` is ignored. True once started.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_UnityInitWrapperStandalone(
    accessToken: *const c_char,
    loggingCB: *mut c_void,
) -> Bool32 {
    let _ = loggingCB;
    let result = init_sync("ovr_UnityInitWrapperStandalone", || {
        Overrides::default().with_credential(accessToken, "accessToken")
    });
    (result == PlatformInitializeResult::Success).into()
}

/// Original entry point: prepares globals for the Unity API without initialising. ovrnet has no
/// such globals; nothing happens (`loggingCB` is ignored).
#[unsafe(no_mangle)]
pub extern "C" fn ovr_UnityInitGlobals(loggingCB: *mut c_void) {
    let _ = loggingCB;
    guard::call("ovr_UnityInitGlobals", (), || Ok(()));
}

/// Original entry point: the stock Unity scripts call it when play mode ends in the editor
/// (`CallbackRunner.OnDestroy`). The editor keeps native libraries loaded between play sessions,
/// so ovrnet shuts the instance down here (as `ovrnet_Shutdown`); otherwise the next play's init
/// would find it still running and fail. Nothing happens when not initialised.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_UnityResetTestPlatform() {
    guard::call("ovr_UnityResetTestPlatform", (), || {
        lifecycle::shutdown();
        Ok(())
    });
}

/// Original Android entry point: as `ovr_PlatformInitializeWindows`; `activityObject` and `jni`
/// (a `jobject` and a `JNIEnv*`) are accepted and ignored.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_PlatformInitializeAndroid(
    appId: *const c_char,
    activityObject: *mut c_void,
    jni: *mut c_void,
) -> PlatformInitializeResult {
    let _ = (activityObject, jni);
    init_sync("ovr_PlatformInitializeAndroid", || Overrides::app_id(appId))
}

/// Original Android entry point: as `ovr_UnityInitWrapperAsynchronous` (reply:
/// `ovrMessage_PlatformInitializeAndroidAsynchronous`); the JNI arguments are ignored.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_PlatformInitializeAndroidAsynchronous(
    appId: *const c_char,
    activityObject: *mut c_void,
    jni: *mut c_void,
) -> ovrRequest {
    let _ = (activityObject, jni);
    init_async(
        "ovr_PlatformInitializeAndroidAsynchronous",
        MessageType::PlatformInitializeAndroidAsynchronous,
        std::ptr::null_mut(),
        || Overrides::app_id(appId),
    )
}
