//! Helpers shared by the engine integration tests: a real in-process rendezvous server and
//! engines on loopback.
#![allow(dead_code)] // each test file uses a different subset

pub mod raw;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use ovrnet::engine::{Engine, EngineConfig, Notification, PeerState, Route};
use ovrnet::proto::Policy;
use ovrnet::server::{self, AuthMode, ServerConfig, ServerHandle};

pub fn server(auth: AuthMode) -> ServerHandle {
    let cfg = ServerConfig::new(SocketAddr::from(([127, 0, 0, 1], 0)), auth);
    server::spawn(cfg).expect("server starts")
}

pub fn config(server: &ServerHandle, id: u64, credential: &str) -> EngineConfig {
    let mut cfg = EngineConfig::new(server.local_addr(), id, credential.as_bytes().to_vec());
    cfg.bind = SocketAddr::from(([127, 0, 0, 1], 0));
    cfg.connect_timeout = Duration::from_secs(3);
    cfg.proto.idle_timeout_us = 2_000_000;
    cfg.proto.keepalive_us = 300_000;
    cfg
}

pub fn engine(server: &ServerHandle, id: u64) -> Engine {
    let e = Engine::start(config(server, id, &format!("secret-{id}"))).expect("engine starts");
    expect(&e, |n| *n == Notification::LoggedIn, 5);
    e
}

/// Pops notifications until one matches (returned) or `secs` pass (panics with what was seen).
pub fn expect(e: &Engine, want: impl Fn(&Notification) -> bool, secs: u64) -> Notification {
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut seen = vec![];
    while Instant::now() < deadline {
        while let Some(n) = e.pop_notification() {
            if want(&n) {
                return n;
            }
            seen.push(n);
        }
        e.wait(Duration::from_millis(20));
    }
    panic!("user {}: expected notification not seen; saw {seen:?}", e.user_id());
}

pub fn state(peer: u64, state: PeerState) -> impl Fn(&Notification) -> bool {
    move |n| *n == Notification::ConnectionStateChange { peer, state }
}

pub fn connect_pair(a: &Engine, b: &Engine) {
    a.connect(b.user_id());
    expect(b, |n| *n == Notification::PeerConnectRequest { peer: a.user_id() }, 5);
    assert!(b.accept(a.user_id()));
    expect(a, state(b.user_id(), PeerState::Connected), 5);
    expect(b, state(a.user_id(), PeerState::Connected), 5);
    assert!(a.is_connected(b.user_id()) && b.is_connected(a.user_id()));
}

/// Reads packets until `n` arrived or `secs` pass.
pub fn read(e: &Engine, n: usize, secs: u64) -> Vec<(u64, Policy, Vec<u8>)> {
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut got = vec![];
    while got.len() < n && Instant::now() < deadline {
        match e.read_packet() {
            Some(p) => got.push((p.sender, p.policy, p.data)),
            None => {
                e.wait(Duration::from_millis(5));
            }
        }
    }
    got
}

/// Waits until both sides of a connection send straight to each other (a connection starts on
/// the server's relay and moves once the direct path proves itself); how long that took.
pub fn wait_direct(a: &Engine, b: &Engine, secs: u64) -> Duration {
    let start = Instant::now();
    let deadline = start + Duration::from_secs(secs);
    let direct = |x: &Engine, y: &Engine| x.path(y.user_id()).is_some_and(|(r, _)| r == Route::Direct);
    while !(direct(a, b) && direct(b, a)) {
        assert!(
            Instant::now() < deadline,
            "no direct path after {secs} s: {:?} / {:?}",
            a.path(b.user_id()),
            b.path(a.user_id())
        );
        a.wait(Duration::from_millis(5));
        b.wait(Duration::from_millis(5));
    }
    start.elapsed()
}
