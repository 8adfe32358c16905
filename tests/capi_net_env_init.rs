//! The original init entry points, which take the server and identity from `OVRNET_*`
//! environment variables and the `OVRNET_CONFIG` file. Each scenario runs in a child process with
//! exactly the environment it needs (see `capi_support::child`), against a real server.

mod capi_support;

use std::ffi::{CString, c_char};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use capi_support::child;
use capi_support::live::{Msg, ShutdownOnDrop, engine_expect, expect, peer_engine, server};
use capi_support::serial;
use ovrnet::capi::abi::enums::PeerConnectionState;
use ovrnet::capi::abi::inspect::c_string;
use ovrnet::capi::messages::error::{ovr_Error_GetCode, ovr_Error_GetMessage};
use ovrnet::capi::messages::message::{
    ovr_FreeMessage, ovr_Message_GetError, ovr_Message_GetPlatformInitialize, ovr_Message_GetRequestID,
    ovr_Message_GetType, ovr_Message_IsError,
};
use ovrnet::capi::messages::queue::ovr_PopMessage;
use ovrnet::capi::net::net_peer::ovr_Net_Accept;
use ovrnet::capi::platform::oculus_init::{
    OculusInitParams, RawPlatformStructureType, ovr_GetLoggedInUserID, ovr_IsPlatformInitialized,
    ovr_Platform_InitializeStandaloneOculus, ovr_PlatformInitializeWindows,
    ovr_PlatformInitializeWithAccessToken,
};
use ovrnet::capi::platform::platform_initialize::ovr_PlatformInitialize_GetResult;
use ovrnet::engine::{Notification, PeerState};
use ovrnet::server::{AuthMode, token};

const DISPATCH: &str = "child_process_entry";

/// Runs in child processes only; see `capi_support::child`.
#[test]
fn child_process_entry() {
    let Some(role) = child::role() else { return };
    let env = |k: &str| std::env::var(k).unwrap_or_default();
    match role.as_str() {
        "windows" => {
            let result = ovr_PlatformInitializeWindows(c"app-id".as_ptr()) as i32;
            println!(
                "RESULT result={result} user={} init={}",
                ovr_GetLoggedInUserID(),
                ovr_IsPlatformInitialized().raw()
            );
            if result == 0 && !env("TEST_PEER").is_empty() {
                let peer: u64 = env("TEST_PEER").parse().expect("peer id");
                expect(|m| *m == Msg::ConnectRequest(peer));
                ovr_Net_Accept(peer);
                expect(|m| *m == Msg::State(peer, PeerConnectionState::Connected));
                println!("RESULT connected to {peer}");
                expect(|m| *m == Msg::State(peer, PeerConnectionState::Closed));
                println!("RESULT closed by {peer}");
            }
        }
        "access-token" => {
            let token = CString::new(env("TEST_TOKEN")).expect("no NUL");
            report_async_init(ovr_PlatformInitializeWithAccessToken(12345, token.as_ptr()));
        }
        "standalone" => {
            let password = CString::new(env("TEST_PASSWORD")).expect("no NUL");
            let server = CString::new(env("TEST_URI_OVERRIDE")).expect("no NUL");
            let params = OculusInitParams {
                s_type: RawPlatformStructureType(1),
                email: c"player@example.invalid".as_ptr(),
                password: password.as_ptr(),
                app_id: 12345,
                uri_prefix_override: server.as_ptr(),
            };
            report_async_init(ovr_Platform_InitializeStandaloneOculus(&params));
        }
        other => panic!("unknown child role {other}"),
    }
    ovrnet::capi::platform::ovrnet_init::ovrnet_Shutdown();
}

/// Prints the outcome of an asynchronous init: its request id and the reply message.
fn report_async_init(request: u64) {
    println!("RESULT request_nonzero={}", request != 0);
    if request == 0 {
        return;
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        assert!(std::time::Instant::now() < deadline, "no init reply");
        let m = ovr_PopMessage();
        if m.is_null() {
            std::thread::sleep(Duration::from_millis(5));
            continue;
        }
        let kind = ovr_Message_GetType(m);
        let same_request = ovr_Message_GetRequestID(m) == request;
        if ovr_Message_IsError(m).get() {
            let e = ovr_Message_GetError(m);
            let text = c_string(ovr_Error_GetMessage(e)).unwrap_or_default();
            println!(
                "RESULT reply={kind:?} same_request={same_request} error code={} text={text}",
                ovr_Error_GetCode(e)
            );
        } else {
            let result = ovr_PlatformInitialize_GetResult(ovr_Message_GetPlatformInitialize(m)) as i32;
            println!("RESULT reply={kind:?} same_request={same_request} result={result}");
        }
        ovr_FreeMessage(m);
        return;
    }
}

fn first_result(stdout: &str) -> String {
    child::results(stdout).into_iter().next().unwrap_or_default()
}

fn server_env(addr: std::net::SocketAddr) -> (&'static str, String) {
    ("OVRNET_SERVER", addr.to_string())
}

#[test]
fn windows_init_takes_identity_from_the_environment_and_really_logs_in() {
    let _serial = serial();
    let s = server(AuthMode::Open);
    let peer = peer_engine(&s, 9102);
    let env = [
        server_env(s.local_addr()),
        ("OVRNET_USER_ID", "9101".to_owned()),
        ("OVRNET_CREDENTIAL", "env-secret".to_owned()),
        ("OVRNET_BIND", "127.0.0.1".to_owned()),
        ("TEST_PEER", "9102".to_owned()),
    ];
    let child_process = child::spawn(DISPATCH, "windows", &env);
    // The child is reachable under the id from its environment.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        peer.connect(9101);
        match engine_expect(&peer, |n| matches!(n, Notification::ConnectionStateChange { peer: 9101, .. })) {
            Notification::ConnectionStateChange { state: PeerState::Connected, .. } => break,
            other => assert!(std::time::Instant::now() < deadline, "never connected: {other:?}"),
        }
    }
    assert!(peer.close(9101));
    let out = child::finish(child_process, "windows init child");
    assert_eq!(
        child::results(&out),
        vec!["result=0 user=9101 init=1", "connected to 9102", "closed by 9102"],
        "{out}"
    );
}

#[test]
fn windows_init_reports_missing_or_bad_configuration() {
    let _serial = serial();
    let s = server(AuthMode::Open);
    let dir = std::env::temp_dir().join(format!("ovrnet-env-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("ovrnet.conf");
    std::fs::write(
        &file,
        format!("# test\nserver = {}\nuser_id = 9201\ncredential = from-file\n", s.local_addr()),
    )
    .expect("write config");
    let file_env = ("OVRNET_CONFIG", file.display().to_string());
    let cases: Vec<(Vec<(&str, String)>, &str)> = vec![
        (vec![], "result=-1 user=0 init=0"),
        (vec![server_env(s.local_addr())], "result=-8 user=0 init=0"),
        (vec![server_env(s.local_addr()), ("OVRNET_USER_ID", "nine".into())], "result=-8 user=0 init=0"),
        (vec![("OVRNET_USER_ID", "9".into())], "result=-1 user=0 init=0"),
        (vec![("OVRNET_CONFIG", "/nonexistent/ovrnet.conf".into())], "result=-1 user=0 init=0"),
        (vec![file_env.clone()], "result=0 user=9201 init=1"),
        (vec![file_env, ("OVRNET_USER_ID", "9202".into())], "result=0 user=9202 init=1"),
    ];
    for (env, want) in cases {
        let out = child::run(DISPATCH, "windows", &env);
        assert_eq!(first_result(&out), want, "env {env:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn access_token_init_replies_with_its_request_id() {
    let _serial = serial();
    let open = server(AuthMode::Open);
    let env =
        [server_env(open.local_addr()), ("OVRNET_USER_ID", "9301".into()), ("TEST_TOKEN", "tok".into())];
    let out = child::run(DISPATCH, "access-token", &env);
    assert_eq!(
        child::results(&out),
        vec!["request_nonzero=true", "reply=PlatformInitializeWithAccessToken same_request=true result=0"],
        "{out}"
    );

    // A shared-secret server: a valid token logs in, a forged one gets an error reply.
    let secret = b"backend-secret".to_vec();
    let guarded = server(AuthMode::SharedSecret(secret.clone()));
    let expiry = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()) + 600;
    let good = token::mint(&secret, 9302, expiry);
    let env = [server_env(guarded.local_addr()), ("OVRNET_USER_ID", "9302".into()), ("TEST_TOKEN", good)];
    let out = child::run(DISPATCH, "access-token", &env);
    assert_eq!(child::results(&out)[1], "reply=PlatformInitializeWithAccessToken same_request=true result=0");
    let forged = token::mint(b"wrong secret", 9302, expiry);
    let env = [server_env(guarded.local_addr()), ("OVRNET_USER_ID", "9302".into()), ("TEST_TOKEN", forged)];
    let out = child::run(DISPATCH, "access-token", &env);
    let reply = &child::results(&out)[1];
    assert!(
        reply.starts_with(
            "reply=PlatformInitializeWithAccessToken same_request=true error code=1 text=login failed"
        ),
        "{reply}"
    );
}

#[test]
fn standalone_init_uses_password_and_server_override() {
    let _serial = serial();
    let s = server(AuthMode::Open);
    // No OVRNET_SERVER at all: the struct's uriPrefixOverride names the server.
    let env = [
        ("OVRNET_USER_ID", "9401".to_owned()),
        ("TEST_PASSWORD", "pw".to_owned()),
        ("TEST_URI_OVERRIDE", s.local_addr().to_string()),
    ];
    let out = child::run(DISPATCH, "standalone", &env);
    assert_eq!(
        child::results(&out),
        vec!["request_nonzero=true", "reply=Platform_InitializeStandaloneOculus same_request=true result=0"],
        "{out}"
    );
    // Without a server anywhere it cannot start: request id 0.
    let env = [("OVRNET_USER_ID", "9401".to_owned()), ("TEST_PASSWORD", "pw".to_owned())];
    assert_eq!(child::results(&child::run(DISPATCH, "standalone", &env)), vec!["request_nonzero=false"]);
}

#[test]
fn async_inits_refuse_bad_arguments_before_reading_any_configuration() {
    let _serial = serial();
    let _shutdown = ShutdownOnDrop;
    assert_eq!(ovr_Platform_InitializeStandaloneOculus(std::ptr::null()), 0);
    let wrong_type = OculusInitParams {
        s_type: RawPlatformStructureType(0),
        email: std::ptr::null::<c_char>(),
        password: std::ptr::null(),
        app_id: 0,
        uri_prefix_override: std::ptr::null(),
    };
    assert_eq!(ovr_Platform_InitializeStandaloneOculus(&wrong_type), 0);
    assert!(!ovr_IsPlatformInitialized().get());
}
