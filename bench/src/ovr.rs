//! ovrnet through its public Rust API: an in-process rendezvous server and two engines on
//! loopback that find each other by user id. Through the proxy, both engines use the proxy as
//! their server, so the server hands each the other's proxy-side address and all peer traffic
//! crosses the proxy once per direction.
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use ovrnet::engine::{Engine, EngineConfig, Notification, PeerState};
use ovrnet::proto::Policy;
use ovrnet::server::{self, AuthMode, ServerConfig};

use crate::endpoint::{Endpoint, Pair};
use crate::proxy::{Impairment, Proxy};

struct Ovr {
    e: Engine,
    peer: u64,
}

/// An engine for user `id` on loopback, logged in to `server`.
pub(crate) fn engine(server: SocketAddr, id: u64) -> Engine {
    let mut cfg = EngineConfig::new(server, id, format!("bench-{id}").into_bytes());
    cfg.bind = SocketAddr::from(([127, 0, 0, 1], 0));
    let e = Engine::start(cfg).expect("engine starts");
    wait_for(&e, |n| *n == Notification::LoggedIn);
    e
}

/// Median login time of `n` fresh engines against one server, in microseconds: engine start
/// (socket, thread, peer key) to LoggedIn (cookie round trip, login, certificate checked).
pub fn login_time(n: usize) -> Vec<f64> {
    let (_server, addr, _proxy) = rendezvous(None);
    let mut v = vec![];
    for id in 0..n as u64 {
        let t0 = Instant::now();
        let e = engine(addr, 100 + id);
        v.push(t0.elapsed().as_secs_f64() * 1e6);
        e.shutdown();
    }
    vec![crate::stats::percentile(&crate::stats::sorted(v), 50.0)]
}

pub(crate) fn wait_for(e: &Engine, want: impl Fn(&Notification) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        while let Some(n) = e.pop_notification() {
            if want(&n) {
                return;
            }
        }
        e.wait(Duration::from_millis(1));
    }
    panic!("ovrnet: notification not seen in 10 s");
}

/// A rendezvous server and the address engines should use for it: the server itself, or with
/// `via` an impairment proxy in front of it.
pub(crate) fn rendezvous(via: Option<&Impairment>) -> (server::ServerHandle, SocketAddr, Option<Proxy>) {
    let server =
        server::spawn(ServerConfig::new(([127, 0, 0, 1], 0).into(), AuthMode::Open)).expect("server");
    match via {
        Some(imp) => {
            let p = Proxy::start(server.local_addr(), imp.clone());
            (server, p.front(), Some(p))
        }
        None => {
            let addr = server.local_addr();
            (server, addr, None)
        }
    }
}

/// The Rust-API endpoint of `e` talking to `peer`.
pub(crate) fn endpoint(e: Engine, peer: u64) -> Box<dyn Endpoint> {
    Box::new(Ovr { e, peer })
}

pub fn pair(via: Option<&Impairment>) -> Pair {
    let (server, addr, proxy) = rendezvous(via);
    let (a, b) = (engine(addr, 1), engine(addr, 2));
    let t0 = Instant::now();
    a.connect(2);
    wait_for(&b, |n| *n == Notification::PeerConnectRequest { peer: 1 });
    assert!(b.accept(1));
    wait_for(&a, |n| *n == Notification::ConnectionStateChange { peer: 2, state: PeerState::Connected });
    let connect_us = t0.elapsed().as_secs_f64() * 1e6;
    wait_for(&b, |n| *n == Notification::ConnectionStateChange { peer: 1, state: PeerState::Connected });
    Pair {
        a: Box::new(Ovr { e: a, peer: 2 }),
        b: Box::new(Ovr { e: b, peer: 1 }),
        guard: Box::new((server, proxy)),
        connect_us: Some(connect_us),
    }
}

impl Endpoint for Ovr {
    fn send(&mut self, msg: &[u8], reliable: bool) -> bool {
        let policy = if reliable { Policy::Reliable } else { Policy::Unreliable };
        self.e.send(self.peer, msg, policy).is_ok()
    }

    fn poll(&mut self, buf: &mut [u8]) -> Option<usize> {
        let p = self.e.read_packet()?;
        buf[..p.data.len()].copy_from_slice(&p.data);
        Some(p.data.len())
    }

    fn wait(&mut self, timeout: Duration) {
        self.e.wait(timeout);
    }
}

/// The rendezvous server of the memory case: it lets one user have every connect request of
/// the run pending at once (the default, 32, would refuse a thousand peers dialling at once).
pub fn server() -> server::ServerHandle {
    let mut cfg = ServerConfig::new(([127, 0, 0, 1], 0).into(), AuthMode::Open);
    cfg.max_pending_per_user = 4096;
    cfg.max_pushes_per_session = 4096;
    server::spawn(cfg).expect("server")
}

/// Memory hub (child process): user 1 accepts `n` peers; `report` once all are connected.
pub fn hub(n: usize, server: SocketAddr, report: impl FnOnce(())) {
    let e = engine(server, 1);
    println!("READY {}", e.local_addr());
    let mut connected = 0;
    while connected < n {
        while let Some(ev) = e.pop_notification() {
            match ev {
                Notification::PeerConnectRequest { peer } => {
                    e.accept(peer);
                }
                Notification::ConnectionStateChange { state: PeerState::Connected, .. } => connected += 1,
                _ => {}
            }
        }
        e.wait(Duration::from_millis(10));
    }
    report(());
    loop {
        e.wait(Duration::from_secs(1));
        while e.pop_notification().is_some() {}
    }
}

/// `n` engines (users 2..) that connect to user 1 and stay idle; kept alive by the guard.
pub fn clients(n: usize, server: SocketAddr) -> Box<dyn Send> {
    let v: Vec<Engine> = (0..n as u64)
        .map(|i| {
            let mut cfg = EngineConfig::new(server, 2 + i, format!("bench-{}", 2 + i).into_bytes());
            cfg.bind = SocketAddr::from(([127, 0, 0, 1], 0));
            cfg.connect_timeout = Duration::from_secs(30);
            Engine::start(cfg).expect("engine starts")
        })
        .collect();
    for e in &v {
        wait_for(e, |n| *n == Notification::LoggedIn);
    }
    for e in &v {
        e.connect(1);
    }
    for e in &v {
        wait_for(e, |n| *n == Notification::ConnectionStateChange { peer: 1, state: PeerState::Connected });
    }
    Box::new(v)
}
