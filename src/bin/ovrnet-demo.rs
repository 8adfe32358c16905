//! The README's first command: everything on this machine, no setup.
//!
//! Part 1 runs two protocol endpoints over the simulated network (loss, latency, jitter) and
//! reports what they exchanged. Part 2 starts a rendezvous server and two peers on loopback that
//! find each other by user ID, chat, stream avatar transforms, ping and move bulk data.
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use ovrnet::engine::{Engine, EngineConfig, Notification, PeerState, Route};
use ovrnet::proto::{Config, Event, Policy};
use ovrnet::server::{self, AuthMode, ServerConfig};
use ovrnet::sim::{LinkConfig, connection_pair};

const MS: u64 = 1_000;

fn main() -> ExitCode {
    match simulated().and_then(|()| loopback()) {
        Ok(()) => {
            println!("\ndemo finished: all checks passed");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("demo failed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn simulated() -> Result<(), String> {
    println!("== Part 1: two endpoints over a simulated network (20 ms each way, 3 ms jitter, 5% loss) ==");
    let link = LinkConfig::delayed(20 * MS).with_jitter(3 * MS).with_loss(0.05);
    let (mut sim, a, b) =
        connection_pair(2026, Config::default(), link.clone(), link).map_err(|e| e.to_string())?;
    if !sim.run_until(5_000_000, |s| s.endpoint(a).is_connected() && s.endpoint(b).is_connected()) {
        return Err("simulated handshake did not complete".into());
    }
    println!("connected after {:.1} ms of virtual time", sim.now() as f64 / 1e3);
    for line in ["hello from A", "the door is open", "see you in the lobby"] {
        sim.endpoint_mut(a).send(line.as_bytes(), Policy::Reliable).map_err(|e| e.to_string())?;
    }
    let bulk = 2_000_000usize;
    let start = sim.now();
    for _ in 0..bulk / 50_000 {
        sim.endpoint_mut(b).send(&[0x42; 50_000], Policy::Reliable).map_err(|e| e.to_string())?;
    }
    let now = sim.now();
    let ping = sim.endpoint_mut(a).ping(now);
    let (mut got_bulk, mut lines, mut rtt) = (0usize, vec![], None);
    let mut unreliable = 0;
    let mut t = sim.now();
    while (got_bulk < bulk || lines.len() < 3) && t < 60_000_000 {
        t += 10 * MS;
        let _ = sim.endpoint_mut(b).send(&[7u8; 29], Policy::Unreliable);
        sim.run_until(t, |_| false);
        while let Some(m) = sim.endpoint_mut(b).poll_message() {
            lines.push(String::from_utf8_lossy(&m.data).into_owned());
        }
        while let Some(m) = sim.endpoint_mut(a).poll_message() {
            match m.policy {
                Policy::Reliable => got_bulk += m.data.len(),
                Policy::Unreliable => unreliable += 1,
            }
        }
        while let Some(e) = sim.endpoint_mut(a).poll_event() {
            if let Event::PingResult { id, rtt_us } = e
                && id == ping
            {
                rtt = rtt_us;
            }
        }
    }
    for l in &lines {
        println!("B received (reliable): {l:?}");
    }
    let secs = (sim.now() - start) as f64 / 1e6;
    let st = sim.endpoint(b).stats();
    println!(
        "A received {unreliable} unreliable 29-byte transforms and {got_bulk} bytes of reliable bulk data"
    );
    println!(
        "ping {:.1} ms | smoothed RTT {:.1} ms | packets lost {:.1}% | retransmitted fragments {} | bulk {:.2} MB/s (virtual time)",
        rtt.map_or(f64::NAN, |r| r as f64 / 1e3),
        st.rtt_us as f64 / 1e3,
        st.loss() * 100.0,
        st.retransmitted_fragments,
        got_bulk as f64 / secs / 1e6
    );
    if lines.len() != 3 || got_bulk != bulk {
        return Err("simulated exchange incomplete".into());
    }
    Ok(())
}

fn wait_for(e: &Engine, what: &str, want: impl Fn(&Notification) -> bool) -> Result<Notification, String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        while let Some(n) = e.pop_notification() {
            if want(&n) {
                return Ok(n);
            }
        }
        e.wait(Duration::from_millis(10));
    }
    Err(format!("user {} never saw {what}", e.user_id()))
}

fn loopback() -> Result<(), String> {
    println!("\n== Part 2: rendezvous server and two peers on loopback, addressed by user ID ==");
    let srv = server::spawn(ServerConfig::new(SocketAddr::from(([127, 0, 0, 1], 0)), AuthMode::Open))
        .map_err(|e| format!("server: {e}"))?;
    println!("server listening on {}", srv.local_addr());
    let start = |id: u64| -> Result<Engine, String> {
        let mut cfg = EngineConfig::new(srv.local_addr(), id, format!("demo-secret-{id}").into_bytes());
        cfg.bind = SocketAddr::from(([127, 0, 0, 1], 0));
        let e = Engine::start(cfg).map_err(|e| e.to_string())?;
        wait_for(&e, "login", |n| *n == Notification::LoggedIn)?;
        println!("user {id} logged in from {}", e.local_addr());
        Ok(e)
    };
    let (alice, bob) = (start(1001)?, start(2002)?);
    let t0 = Instant::now();
    alice.connect(2002);
    wait_for(&bob, "connect request", |n| *n == Notification::PeerConnectRequest { peer: 1001 })?;
    println!("user 2002 got a connect request from 1001 and accepts");
    bob.accept(1001);
    let connected = |peer| {
        move |n: &Notification| {
            *n == Notification::ConnectionStateChange { peer, state: PeerState::Connected }
        }
    };
    wait_for(&alice, "connected", connected(2002))?;
    wait_for(&bob, "connected", connected(1001))?;
    println!("connected in {:.2} ms", t0.elapsed().as_secs_f64() * 1e3);
    // Connections start on the server's relay and move to the direct path once it proves itself
    // both ways (docs/NAT.md); on one machine that takes a round trip or two.
    let moved = Instant::now();
    let direct = |e: &Engine, peer| e.path(peer).is_some_and(|(r, _)| r == Route::Direct);
    while !(direct(&alice, 2002) && direct(&bob, 1001)) {
        if moved.elapsed() > Duration::from_secs(5) {
            return Err(format!("no direct path after 5 s: {:?} / {:?}", alice.path(2002), bob.path(1001)));
        }
        alice.wait(Duration::from_millis(1));
        bob.wait(Duration::from_millis(1));
    }
    println!(
        "path: started on the server's relay, direct to {} after {:.2} ms more (relayed {} packets)",
        alice.path(2002).and_then(|(_, a)| a).map_or("?".to_string(), |a| a.to_string()),
        moved.elapsed().as_secs_f64() * 1e3,
        srv.stats().relayed_packets
    );

    alice.send(2002, b"hi Bob, ready to play?", Policy::Reliable).map_err(|e| format!("{e:?}"))?;
    let reply = read_one(&bob)?;
    println!("2002 received: {:?}", String::from_utf8_lossy(&reply));
    bob.send(1001, b"ready!", Policy::Reliable).map_err(|e| format!("{e:?}"))?;
    println!("1001 received: {:?}", String::from_utf8_lossy(&read_one(&alice)?));

    // Avatar sync: 29-byte transforms at 60 Hz for one second; the receiver keeps the newest.
    let mut newest = 0u32;
    let mut frames = 0;
    for frame in 1..=60u32 {
        let mut transform = [0u8; 29];
        transform[..4].copy_from_slice(&frame.to_le_bytes());
        alice.send(2002, &transform, Policy::Unreliable).map_err(|e| format!("{e:?}"))?;
        std::thread::sleep(Duration::from_millis(16));
        while let Some(p) = bob.read_packet() {
            frames += 1;
            newest = newest.max(u32::from_le_bytes([p.data[0], p.data[1], p.data[2], p.data[3]]));
        }
    }
    println!("avatar: {frames} of 60 unreliable transforms received, newest frame {newest}");

    let mut rtts = vec![];
    for _ in 0..20 {
        let id = alice.ping(2002);
        if let Notification::PingResult { rtt_us: Some(r), .. } = wait_for(
            &alice,
            "ping",
            |n| matches!(n, Notification::PingResult { request_id, .. } if *request_id == id),
        )? {
            rtts.push(r);
        }
    }
    rtts.sort_unstable();
    let median = rtts.get(rtts.len() / 2).copied().unwrap_or(0);
    println!("ping over loopback: median {median} us over {} pings (engine wake-ups included)", rtts.len());

    let total = 64usize << 20;
    let msg = vec![0xa5u8; 60_000];
    let t0 = Instant::now();
    let got = std::thread::scope(|s| {
        let reader = s.spawn(|| {
            let mut got = 0usize;
            while got < total && t0.elapsed() < Duration::from_secs(60) {
                match bob.read_packet() {
                    Some(p) => got += p.data.len(),
                    None => {
                        bob.wait(Duration::from_millis(1));
                    }
                }
            }
            got
        });
        let mut sent = 0;
        while sent < total && t0.elapsed() < Duration::from_secs(60) {
            match alice.send(2002, &msg, Policy::Reliable) {
                Ok(()) => sent += msg.len(),
                Err(_) => std::thread::sleep(Duration::from_micros(200)),
            }
        }
        reader.join().unwrap_or(0)
    });
    let secs = t0.elapsed().as_secs_f64();
    println!("reliable bulk: {} MiB in {secs:.2} s = {:.0} MB/s", got >> 20, got as f64 / secs / 1e6);
    if let Some(st) = alice.stats(2002) {
        println!(
            "1001 -> 2002 stats: RTT {} us (min {}), {} packets sent, {:.2}% lost, cwnd {} KiB",
            st.rtt_us,
            st.min_rtt_us,
            st.packets_sent,
            st.loss() * 100.0,
            st.congestion_window >> 10
        );
    }
    alice.close(2002);
    wait_for(&bob, "close", |n| {
        *n == Notification::ConnectionStateChange { peer: 1001, state: PeerState::Closed }
    })?;
    println!("1001 closed the connection; 2002 saw Closed");
    if got < total || frames == 0 || rtts.is_empty() {
        return Err("loopback exchange incomplete".into());
    }
    Ok(())
}

fn read_one(e: &Engine) -> Result<Vec<u8>, String> {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if let Some(p) = e.read_packet() {
            return Ok(p.data);
        }
        e.wait(Duration::from_millis(5));
    }
    Err(format!("user {} received nothing", e.user_id()))
}
