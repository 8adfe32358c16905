//! One player of the NAT lab (`scripts/nat-matrix.sh`): logs in, connects to (or accepts) one
//! peer, streams numbered reliable and unreliable messages at 100 Hz for a while, checks what
//! arrives, and prints one `RESULT` line with the path the connection ended on and when it
//! first went direct.
//!
//! `lab_peer SERVER USER PEER dial|answer SECS [auto|never|always [IDLE_SECS]]`

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use ovrnet::engine::{Engine, EngineConfig, Notification, PeerState, RelayMode, Route};
use ovrnet::proto::Policy;

struct Args {
    server: SocketAddr,
    user: u64,
    peer: u64,
    dial: bool,
    secs: u64,
    relay: RelayMode,
    /// Seconds without sending anything halfway through (NAT bindings must survive on
    /// keepalives alone).
    idle: u64,
}

fn parse() -> Result<Args, String> {
    let a: Vec<String> = std::env::args().skip(1).collect();
    if a.len() < 5 {
        return Err(
            "usage: lab_peer SERVER USER PEER dial|answer SECS [auto|never|always [IDLE_SECS]]".into()
        );
    }
    let num = |s: &str, what: &str| s.parse::<u64>().map_err(|_| format!("{what}: not a number: {s}"));
    Ok(Args {
        server: a[0].parse().map_err(|_| format!("server: not IP:PORT: {}", a[0]))?,
        user: num(&a[1], "user")?,
        peer: num(&a[2], "peer")?,
        dial: match a[3].as_str() {
            "dial" => true,
            "answer" => false,
            other => return Err(format!("dial|answer, got {other}")),
        },
        secs: num(&a[4], "secs")?,
        relay: a.get(5).map_or(Ok(RelayMode::Auto), |s| s.parse())?,
        idle: a.get(6).map_or(Ok(0), |s| num(s, "idle"))?,
    })
}

fn main() -> ExitCode {
    let args = match parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("lab_peer: {e}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            println!("RESULT user={} error=\"{e}\"", args.user);
            ExitCode::FAILURE
        }
    }
}

/// Waits for a notification matching `want`, up to `secs`.
fn expect(e: &Engine, secs: u64, mut want: impl FnMut(&Notification) -> bool) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut seen = Vec::new();
    while Instant::now() < deadline {
        while let Some(n) = e.pop_notification() {
            if want(&n) {
                return Ok(());
            }
            seen.push(format!("{n:?}"));
        }
        e.wait(Duration::from_millis(10));
    }
    Err(format!("timed out; saw {seen:?}"))
}

fn run(args: &Args) -> Result<bool, String> {
    let mut cfg = EngineConfig::new(args.server, args.user, format!("lab-{}", args.user).into_bytes());
    cfg.relay = args.relay;
    cfg.connect_timeout = Duration::from_secs(10);
    let e = Engine::start(cfg).map_err(|e| format!("start: {e:?}"))?;
    expect(&e, 10, |n| *n == Notification::LoggedIn).map_err(|m| format!("login: {m}"))?;
    let start = Instant::now();
    let connected = |n: &Notification| {
        *n == Notification::ConnectionStateChange { peer: args.peer, state: PeerState::Connected }
    };
    if args.dial {
        // The peer may not have logged in yet (the server answers "offline"): dial again.
        let deadline = start + Duration::from_secs(15);
        loop {
            e.connect(args.peer);
            let timed_out = |n: &Notification| {
                *n == Notification::ConnectionStateChange { peer: args.peer, state: PeerState::Timeout }
            };
            let mut up = false;
            expect(&e, 15, |n| {
                up = connected(n);
                up || timed_out(n)
            })
            .map_err(|m| format!("connect: {m}"))?;
            if up {
                break;
            }
            if Instant::now() >= deadline {
                return Err("connect: the peer never answered".into());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    } else {
        expect(&e, 15, |n| *n == Notification::PeerConnectRequest { peer: args.peer })
            .map_err(|m| format!("no request: {m}"))?;
        e.accept(args.peer);
        expect(&e, 15, connected).map_err(|m| format!("connect: {m}"))?;
    }
    let connected_ms = start.elapsed().as_millis();
    let connected_at = Instant::now();

    let total = args.secs * 100;
    let (mut sent, mut next_rel, mut unrel, mut in_order) = (0u64, 0u64, 0u64, true);
    let mut direct_after_us: Option<u128> = None;
    let mut switches = 0u32;
    let mut last_route = None;
    let mut tick = Instant::now();
    let deadline = connected_at + Duration::from_secs(args.secs + args.idle + 10);
    let mut idled = args.idle == 0;
    while Instant::now() < deadline && (sent < total || next_rel < total) {
        if !idled && sent == total / 2 {
            idled = true;
            tick += Duration::from_secs(args.idle);
        }
        if sent < total && Instant::now() >= tick {
            tick += Duration::from_millis(10);
            let _ = e.send(args.peer, format!("r{sent}").as_bytes(), Policy::Reliable);
            let _ = e.send(args.peer, format!("u{sent}").as_bytes(), Policy::Unreliable);
            sent += 1;
        }
        while let Some(p) = e.read_packet() {
            let text = String::from_utf8_lossy(&p.data).into_owned();
            match p.policy {
                Policy::Reliable => {
                    in_order &= text == format!("r{next_rel}");
                    next_rel += 1;
                }
                Policy::Unreliable => unrel += 1,
            }
        }
        let route = e.path(args.peer).map(|(r, _)| r);
        if route != last_route {
            if last_route.is_some() {
                switches += 1;
            }
            if route == Some(Route::Direct) && direct_after_us.is_none() {
                direct_after_us = Some(connected_at.elapsed().as_micros());
            }
            last_route = route;
        }
        e.wait(Duration::from_millis(1));
    }
    let route = e.path(args.peer);
    let ok = in_order && next_rel == total && unrel > 0 && route.is_some();
    println!(
        "RESULT user={} connected_ms={connected_ms} direct_after_ms={} route={} switches={switches} reliable={next_rel}/{total} in_order={in_order} unreliable={unrel}/{total} addr={}",
        args.user,
        direct_after_us.map_or("-".to_string(), |t| format!("{:.1}", t as f64 / 1000.0)),
        route.map_or("none".to_string(), |(r, _)| format!("{r:?}").to_lowercase()),
        route.and_then(|(_, a)| a).map_or("-".to_string(), |a| a.to_string()),
    );
    // Let the peer read our last messages before the connection closes.
    std::thread::sleep(Duration::from_millis(500));
    e.close(args.peer);
    e.shutdown();
    Ok(ok)
}
