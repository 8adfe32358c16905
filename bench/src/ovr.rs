//! ovrnet through its public Rust API: an in-process rendezvous server and two engines on
//! loopback that find each other by user id. Through the proxy, both engines use the proxy as
//! their server, so the server hands each the other's proxy-side address and all peer traffic
//! crosses the proxy once per direction.
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use ovrnet::engine::{Engine, EngineConfig, Notification, PeerState, RelayMode, Route};
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
    engine_with(server, id, RelayMode::Auto)
}

fn engine_with(server: SocketAddr, id: u64, relay: RelayMode) -> Engine {
    let mut cfg = EngineConfig::new(server, id, format!("bench-{id}").into_bytes());
    cfg.bind = SocketAddr::from(([127, 0, 0, 1], 0));
    cfg.relay = relay;
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
    let mut cfg = ServerConfig::new(([127, 0, 0, 1], 0).into(), AuthMode::Open);
    // The relayed rows measure what the relay can carry, not its per-client rate limit.
    cfg.relay_bytes_per_sec = u64::MAX / 2;
    cfg.relay_burst_bytes = u64::MAX / 2;
    let server = server::spawn(cfg).expect("server");
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

/// A connected pair. With `RelayMode::Auto` (what games get) the pair is measured once the
/// connection has moved from the relay to the direct path; `Always` keeps it on the relay.
pub fn pair(via: Option<&Impairment>, relay: RelayMode) -> Pair {
    let (server, addr, proxy) = rendezvous(via);
    let (a, b) = (engine_with(addr, 1, relay), engine_with(addr, 2, relay));
    let t0 = Instant::now();
    a.connect(2);
    wait_for(&b, |n| *n == Notification::PeerConnectRequest { peer: 1 });
    assert!(b.accept(1));
    wait_for(&a, |n| *n == Notification::ConnectionStateChange { peer: 2, state: PeerState::Connected });
    let connect_us = t0.elapsed().as_secs_f64() * 1e6;
    wait_for(&b, |n| *n == Notification::ConnectionStateChange { peer: 1, state: PeerState::Connected });
    if relay == RelayMode::Auto {
        wait_direct(&a, &b);
    }
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

/// Waits (up to 5 s; an impaired link may take a few probe rounds) until both sides send
/// straight to each other.
fn wait_direct(a: &Engine, b: &Engine) {
    let deadline = Instant::now() + Duration::from_secs(5);
    let direct = |x: &Engine, peer| x.path(peer).is_some_and(|(r, _)| r == Route::Direct);
    while Instant::now() < deadline && !(direct(a, 2) && direct(b, 1)) {
        a.wait(Duration::from_millis(1));
        b.wait(Duration::from_millis(1));
    }
}

/// CPU time (user + system, seconds) of this process's thread named `name`, from /proc; None
/// off Linux or when there is no such thread.
fn thread_cpu_secs(name: &str) -> Option<f64> {
    let tick = 100.0; // USER_HZ, the unit of /proc's utime and stime on Linux
    for task in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
        let comm = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
        if comm.trim() != name {
            continue;
        }
        let stat = std::fs::read_to_string(task.path().join("stat")).ok()?;
        // Fields after the parenthesised name: state is field 3, utime 14, stime 15.
        let rest = &stat[stat.rfind(')')? + 2..];
        let f: Vec<&str> = rest.split_whitespace().collect();
        let (utime, stime): (f64, f64) = (f.get(11)?.parse().ok()?, f.get(12)?.parse().ok()?);
        return Some((utime + stime) / tick);
    }
    None
}

/// Metric 7: the relay under load. A streams `size`-byte unreliable messages to B for `dur`,
/// every packet through the server's relay. Returns delivered thousand messages per second,
/// the server thread's CPU per relayed packet (µs) and per relayed GB (s).
pub fn relay_cost(size: usize, dur: Duration) -> Result<Vec<f64>, String> {
    let mut cfg = ServerConfig::new(([127, 0, 0, 1], 0).into(), AuthMode::Open);
    cfg.relay_bytes_per_sec = u64::MAX / 2; // measure the relay, not its rate limit
    cfg.relay_burst_bytes = u64::MAX / 2;
    let server = server::spawn(cfg).map_err(|e| e.to_string())?;
    let addr = server.local_addr();
    let (a, b) = (engine_with(addr, 1, RelayMode::Always), engine_with(addr, 2, RelayMode::Always));
    a.connect(2);
    wait_for(&b, |n| *n == Notification::PeerConnectRequest { peer: 1 });
    b.accept(1);
    wait_for(&a, |n| *n == Notification::ConnectionStateChange { peer: 2, state: PeerState::Connected });
    wait_for(&b, |n| *n == Notification::ConnectionStateChange { peer: 1, state: PeerState::Connected });
    let before = (server.stats(), thread_cpu_secs("ovrnet-server").ok_or("no server thread in /proc")?);
    let (got, _sent, secs) =
        crate::rate::stream(Box::new(Ovr { e: a, peer: 2 }), Box::new(Ovr { e: b, peer: 1 }), size, dur);
    let after = (server.stats(), thread_cpu_secs("ovrnet-server").ok_or("no server thread in /proc")?);
    let packets = after.0.relayed_packets - before.0.relayed_packets;
    let bytes = after.0.relayed_bytes - before.0.relayed_bytes;
    let cpu = after.1 - before.1;
    if got == 0 || packets == 0 {
        return Err(format!("nothing relayed ({got} delivered)"));
    }
    Ok(vec![got as f64 / secs / 1e3, cpu * 1e6 / packets as f64, cpu / (bytes as f64 / 1e9)])
}
