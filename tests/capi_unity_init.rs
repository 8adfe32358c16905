//! The init paths stock games take (the Unity wrapper family, the v49 `Ex` forms, the Android
//! forms) and the user requests they make next, each in a child process with no environment
//! beyond what the scenario names, against a real server. Settings arrive the ways a headset
//! allows: the app id string, an `ovrnet.cfg` in the working directory, a login token.

mod capi_support;

use std::ffi::CString;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use capi_support::child;
use capi_support::live::server;
use capi_support::serial;
use ovrnet::capi::abi::inspect::c_string;
use ovrnet::capi::messages::error::ovr_Error_GetCode;
use ovrnet::capi::messages::message::{
    ovr_FreeMessage, ovr_Message_GetError, ovr_Message_GetPlatformInitialize, ovr_Message_GetRequestID,
    ovr_Message_GetType, ovr_Message_GetUser, ovr_Message_IsError, ovrMessageHandle,
};
use ovrnet::capi::messages::message_type::MessageType;
use ovrnet::capi::messages::queue::ovr_PopMessage;
use ovrnet::capi::platform::oculus_init::{
    ovr_GetLoggedInUserID, ovr_IsPlatformInitialized, ovr_PlatformInitializeWindowsEx,
    ovr_PlatformInitializeWithAccessTokenEx,
};
use ovrnet::capi::platform::platform_initialize::{
    PlatformInitializeResult, ovr_PlatformInitialize_GetResult,
};
use ovrnet::capi::platform::unity_init::{
    ovr_PlatformInitializeAndroidAsynchronous, ovr_UnityInitWrapper, ovr_UnityInitWrapperWindowsAsynchronous,
    ovr_UnityResetTestPlatform,
};
use ovrnet::capi::users::user::{ovr_User_GetDisplayName, ovr_User_GetID, ovr_User_GetOculusID};
use ovrnet::capi::users::user_requests::{
    ovr_Entitlement_GetIsViewerEntitled, ovr_GetLoggedInUserLocale, ovr_User_Get, ovr_User_GetLoggedInUser,
};
use ovrnet::server::{AuthMode, token};

const DISPATCH: &str = "child_process_entry";

/// Pops messages until one answers `request` (others are skipped); describes it.
fn reply_to(request: u64) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        assert!(Instant::now() < deadline, "no reply to request {request}");
        let m = ovr_PopMessage();
        if m.is_null() {
            std::thread::sleep(Duration::from_millis(5));
            continue;
        }
        if ovr_Message_GetRequestID(m) != request {
            ovr_FreeMessage(m);
            continue;
        }
        let text = describe(m);
        ovr_FreeMessage(m);
        return text;
    }
}

fn describe(m: ovrMessageHandle) -> String {
    let kind = ovr_Message_GetType(m);
    if ovr_Message_IsError(m).get() {
        return format!("{kind:?} error={}", ovr_Error_GetCode(ovr_Message_GetError(m)));
    }
    match kind {
        MessageType::User_Get | MessageType::User_GetLoggedInUser => {
            let u = ovr_Message_GetUser(m);
            let name = c_string(ovr_User_GetOculusID(u)).unwrap_or_default();
            let display = c_string(ovr_User_GetDisplayName(u)).unwrap_or_default();
            format!("{kind:?} id={} oculus_id={name} display={display}", ovr_User_GetID(u))
        }
        MessageType::Entitlement_GetIsViewerEntitled => format!("{kind:?} ok"),
        _ => {
            let result = ovr_PlatformInitialize_GetResult(ovr_Message_GetPlatformInitialize(m)) as i32;
            format!("{kind:?} result={result}")
        }
    }
}

/// What every role does once initialised: the calls a stock game makes next.
fn user_requests() {
    println!("RESULT user={}", ovr_GetLoggedInUserID());
    println!("RESULT {}", reply_to(ovr_User_GetLoggedInUser()));
    println!("RESULT {}", reply_to(ovr_User_Get(4242)));
    println!("RESULT {}", reply_to(ovr_User_Get(0)));
    println!("RESULT {}", reply_to(ovr_Entitlement_GetIsViewerEntitled()));
    println!("RESULT locale={}", c_string(ovr_GetLoggedInUserLocale()).unwrap_or_default());
}

fn env(k: &str) -> CString {
    CString::new(std::env::var(k).unwrap_or_default()).expect("no NUL")
}

/// Runs in child processes only; see `capi_support::child`.
#[test]
fn child_process_entry() {
    let Some(role) = child::role() else { return };
    if let Ok(dir) = std::env::var("TEST_CWD") {
        std::env::set_current_dir(dir).expect("cd");
    }
    let app_id = env("TEST_APP_ID");
    match role.as_str() {
        "unity-sync" => {
            let ok = ovr_UnityInitWrapper(app_id.as_ptr()).raw();
            println!("RESULT init={ok}");
            if ok == 1 {
                user_requests();
                // The editor path: play mode ends, the stock scripts reset, the next play inits.
                ovr_UnityResetTestPlatform();
                println!("RESULT after reset initialised={}", ovr_IsPlatformInitialized().raw());
                println!("RESULT init again={}", ovr_UnityInitWrapper(app_id.as_ptr()).raw());
            }
        }
        "unity-windows-async" => {
            let request = ovr_UnityInitWrapperWindowsAsynchronous(app_id.as_ptr(), std::ptr::null_mut());
            println!("RESULT {}", reply_to(request));
            user_requests();
        }
        "android-async" => {
            let no_jni = std::ptr::null_mut();
            let request = ovr_PlatformInitializeAndroidAsynchronous(app_id.as_ptr(), no_jni, no_jni);
            println!("RESULT {}", reply_to(request));
            println!("RESULT user={}", ovr_GetLoggedInUserID());
        }
        "windows-ex" => {
            let result = ovr_PlatformInitializeWindowsEx(app_id.as_ptr(), 1, 49) as i32;
            println!("RESULT result={result} user={}", ovr_GetLoggedInUserID());
        }
        "token-ex" => {
            let token = env("TEST_TOKEN");
            let mut out = PlatformInitializeResult::Unknown;
            let request = ovr_PlatformInitializeWithAccessTokenEx(0, token.as_ptr(), &mut out, 1, 49);
            println!("RESULT out={}", out as i32);
            if request != 0 {
                println!("RESULT {}", reply_to(request));
                println!("RESULT user={}", ovr_GetLoggedInUserID());
            }
        }
        other => panic!("unknown child role {other}"),
    }
    ovrnet::capi::platform::ovrnet_init::ovrnet_Shutdown();
}

fn app_id_for(addr: std::net::SocketAddr, user: &str) -> (&'static str, String) {
    ("TEST_APP_ID", format!("server={addr};user_id={user};credential=from-app-id"))
}

#[test]
fn unity_init_takes_everything_from_the_app_id_and_answers_the_user_requests() {
    let _serial = serial();
    let s = server(AuthMode::Open);
    let out = child::run(DISPATCH, "unity-sync", &[app_id_for(s.local_addr(), "9501")]);
    assert_eq!(
        child::results(&out),
        vec![
            "init=1",
            "user=9501",
            "User_GetLoggedInUser id=9501 oculus_id=9501 display=9501",
            "User_Get id=4242 oculus_id=4242 display=4242",
            "User_Get error=2",
            "Entitlement_GetIsViewerEntitled ok",
            "locale=en-US",
            "after reset initialised=0",
            "init again=1",
        ],
        "{out}"
    );
    // Without settings anywhere the wrapper says false (and logs why) instead of crashing.
    let out = child::run(DISPATCH, "unity-sync", &[("TEST_APP_ID", "1234567890".into())]);
    assert_eq!(child::results(&out), vec!["init=0"], "{out}");
}

#[test]
fn asynchronous_unity_and_android_inits_reply_with_their_own_message_types() {
    let _serial = serial();
    let s = server(AuthMode::Open);
    let out = child::run(DISPATCH, "unity-windows-async", &[app_id_for(s.local_addr(), "9601")]);
    let results = child::results(&out);
    assert_eq!(results[0], "PlatformInitializeWindowsAsynchronous result=0", "{out}");
    assert_eq!(results[2], "User_GetLoggedInUser id=9601 oculus_id=9601 display=9601", "{out}");
    let out = child::run(DISPATCH, "android-async", &[app_id_for(s.local_addr(), "random")]);
    let results = child::results(&out);
    assert_eq!(results[0], "PlatformInitializeAndroidAsynchronous result=0", "{out}");
    let user: u64 = results[1].trim_start_matches("user=").parse().expect("a user id");
    assert!(user != 0 && user < (1 << 53), "user_id=random picks a usable id: {user}");
}

#[test]
fn a_shipped_ovrnet_cfg_configures_the_v49_desktop_init() {
    let _serial = serial();
    let s = server(AuthMode::Open);
    let dir = std::env::temp_dir().join(format!("ovrnet-cfg-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("ovrnet.cfg"), format!("server = {}\nuser_id = 9701\n", s.local_addr()))
        .expect("cfg");
    let cwd = ("TEST_CWD", dir.display().to_string());
    let out = child::run(DISPATCH, "windows-ex", &[cwd.clone(), ("TEST_APP_ID", "1234".into())]);
    assert_eq!(child::results(&out), vec!["result=0 user=9701"], "{out}");
    // The app id string fills in what the file leaves out, and the file wins where both speak.
    std::fs::write(dir.join("ovrnet.cfg"), "user_id = 9702\n").expect("cfg");
    let out = child::run(DISPATCH, "windows-ex", &[cwd, app_id_for(s.local_addr(), "1")]);
    assert_eq!(child::results(&out), vec!["result=0 user=9702"], "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_login_token_alone_names_the_user_and_the_ex_form_reports_its_out_result() {
    let _serial = serial();
    let secret = b"backend-secret".to_vec();
    let s = server(AuthMode::SharedSecret(secret.clone()));
    let expiry = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()) + 600;
    let token = token::mint(&secret, 9801, expiry);
    let env = [("OVRNET_SERVER", s.local_addr().to_string()), ("TEST_TOKEN", token)];
    let out = child::run(DISPATCH, "token-ex", &env);
    assert_eq!(
        child::results(&out),
        vec!["out=0", "PlatformInitializeWithAccessToken result=0", "user=9801"],
        "{out}"
    );
    // No server configured: nothing starts, the request is 0 and outResult says why.
    let out = child::run(DISPATCH, "token-ex", &[("TEST_TOKEN", "ovrnet1.5.1.ab".into())]);
    assert_eq!(child::results(&out), vec!["out=-1"], "{out}");
}
