//! Two processes, each with its own C ABI instance, talking through a real server: the drop-in
//! shape of a game session. One child initialises with `ovrnet_Initialize` and connects; the other
//! initialises from the environment with `ovr_PlatformInitializeWindows` and accepts. Both send
//! reliable lines, check what they receive, ping, and close. (The C examples do the same from C;
//! see scripts/run-c-examples.sh.)

mod capi_support;

use std::time::{Duration, Instant};

use capi_support::child;
use capi_support::live::{CConfig, Msg, expect, read, send, server};
use capi_support::serial;
use ovrnet::capi::abi::enums::{PeerConnectionState, SendPolicy};
use ovrnet::capi::net::net_peer::{ovr_Net_Accept, ovr_Net_Close, ovr_Net_Connect, ovr_Net_Ping};
use ovrnet::capi::net::net_stats::{NetStats, ovrnet_Net_GetStats};
use ovrnet::capi::platform::oculus_init::ovr_PlatformInitializeWindows;
use ovrnet::capi::platform::ovrnet_init::ovrnet_Shutdown;
use ovrnet::capi::platform::platform_initialize::PlatformInitializeResult;
use ovrnet::server::AuthMode;

const DISPATCH: &str = "child_process_entry";
const LINES: usize = 20;
const CONNECTOR: u64 = 9501;
const ACCEPTOR: u64 = 9502;

/// Sends LINES reliable lines to `peer` and reads LINES from it; returns what arrived.
fn exchange(me: u64, peer: u64) -> Vec<String> {
    for i in 0..LINES {
        assert!(send(peer, format!("from {me} #{i}").as_bytes(), SendPolicy::Reliable));
    }
    let mut got = vec![];
    let deadline = Instant::now() + Duration::from_secs(10);
    while got.len() < LINES && Instant::now() < deadline {
        match read() {
            Some((sender, SendPolicy::Reliable, data)) if sender == peer => {
                got.push(String::from_utf8(data).expect("utf-8"));
            }
            Some(other) => panic!("unexpected packet {other:?}"),
            None => std::thread::sleep(Duration::from_millis(1)),
        }
    }
    got
}

/// Waits until everything sent to `peer` is acknowledged.
fn flushed(peer: u64) {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut stats = NetStats::default();
    while !ovrnet_Net_GetStats(peer, &mut stats).get() || stats.pending_reliable_bytes > 0 {
        assert!(Instant::now() < deadline, "reliable data not acknowledged");
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn in_order(from: u64, got: &[String]) -> bool {
    got.len() == LINES && got.iter().enumerate().all(|(i, line)| *line == format!("from {from} #{i}"))
}

/// Runs in child processes only; see `capi_support::child`.
#[test]
fn child_process_entry() {
    let Some(role) = child::role() else { return };
    let env = |k: &str| std::env::var(k).expect(k);
    match role.as_str() {
        "connector" => {
            let cfg = CConfig::new(env("TEST_SERVER").parse().expect("addr"), CONNECTOR);
            assert!(cfg.init());
            // The acceptor may still be logging in: an offline peer answers Timeout; try again.
            let deadline = Instant::now() + Duration::from_secs(15);
            loop {
                ovr_Net_Connect(ACCEPTOR);
                let state = expect(|m| matches!(m, Msg::State(ACCEPTOR, _)));
                if state == Msg::State(ACCEPTOR, PeerConnectionState::Connected) {
                    break;
                }
                assert!(Instant::now() < deadline, "never connected: {state:?}");
                std::thread::sleep(Duration::from_millis(100));
            }
            println!("RESULT connected to {ACCEPTOR}");
            let got = exchange(CONNECTOR, ACCEPTOR);
            println!("RESULT received {} lines in order: {}", got.len(), in_order(ACCEPTOR, &got));
            let request = ovr_Net_Ping(ACCEPTOR);
            let reply = expect(|m| matches!(m, Msg::Ping { .. }));
            let answered = matches!(reply, Msg::Ping { request: r, peer: ACCEPTOR, timeout: false, usec }
                if r == request && usec > 0);
            println!("RESULT ping answered: {answered}");
            flushed(ACCEPTOR);
            ovr_Net_Close(ACCEPTOR);
            expect(|m| *m == Msg::State(ACCEPTOR, PeerConnectionState::Closed));
            println!("RESULT closed");
        }
        "acceptor" => {
            assert_eq!(ovr_PlatformInitializeWindows(std::ptr::null()), PlatformInitializeResult::Success);
            expect(|m| *m == Msg::ConnectRequest(CONNECTOR));
            ovr_Net_Accept(CONNECTOR);
            expect(|m| *m == Msg::State(CONNECTOR, PeerConnectionState::Connected));
            println!("RESULT connected to {CONNECTOR}");
            let got = exchange(ACCEPTOR, CONNECTOR);
            println!("RESULT received {} lines in order: {}", got.len(), in_order(CONNECTOR, &got));
            flushed(CONNECTOR);
            expect(|m| *m == Msg::State(CONNECTOR, PeerConnectionState::Closed));
            println!("RESULT closed");
        }
        other => panic!("unknown child role {other}"),
    }
    ovrnet_Shutdown();
}

#[test]
fn two_processes_connect_exchange_ping_and_close() {
    let _serial = serial();
    let s = server(AuthMode::Open);
    let addr = s.local_addr().to_string();
    let acceptor = child::spawn(
        DISPATCH,
        "acceptor",
        &[
            ("OVRNET_SERVER", addr.clone()),
            ("OVRNET_USER_ID", ACCEPTOR.to_string()),
            ("OVRNET_CREDENTIAL", "acceptor-secret".into()),
            ("OVRNET_BIND", "127.0.0.1".into()),
        ],
    );
    let connector = child::spawn(DISPATCH, "connector", &[("TEST_SERVER", addr)]);
    let connector_out = child::finish(connector, "connector");
    let acceptor_out = child::finish(acceptor, "acceptor");
    assert_eq!(
        child::results(&connector_out),
        vec![
            format!("connected to {ACCEPTOR}"),
            format!("received {LINES} lines in order: true"),
            "ping answered: true".into(),
            "closed".into(),
        ],
        "{connector_out}"
    );
    assert_eq!(
        child::results(&acceptor_out),
        vec![
            format!("connected to {CONNECTOR}"),
            format!("received {LINES} lines in order: true"),
            "closed".into()
        ],
        "{acceptor_out}"
    );
}
