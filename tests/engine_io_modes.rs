//! How the engine splits I/O between the game's thread and its worker, on real loopback sockets:
//! bursts of sends coalesced into few datagrams, held sends and deferred acknowledgements still
//! sent when the game makes no further call, and a worker that takes receiving back after the
//! game stops polling.
mod engine_support;
use engine_support::*;

use std::time::{Duration, Instant};

use ovrnet::engine::{Engine, EngineConfig};
use ovrnet::proto::Policy;
use ovrnet::server::{AuthMode, ServerHandle};

/// Keepalives far apart, so nothing but the mechanism under test sends on the idle side.
fn quiet_engine(s: &ServerHandle, id: u64, tweak: impl FnOnce(&mut EngineConfig)) -> Engine {
    let mut cfg = config(s, id, &format!("secret-{id}"));
    cfg.proto.keepalive_us = 5_000_000;
    cfg.proto.idle_timeout_us = 20_000_000;
    tweak(&mut cfg);
    let e = Engine::start(cfg).expect("engine starts");
    expect(&e, |n| *n == ovrnet::engine::Notification::LoggedIn, 5);
    e
}

fn packets_sent(e: &Engine, peer: u64) -> u64 {
    e.stats(peer).expect("connected").packets_sent
}

/// Sends `n` 100-byte reliable messages back to back; returns the datagrams that took.
fn burst(a: &Engine, b: &Engine, n: u32) -> u64 {
    let before = packets_sent(a, b.user_id());
    for i in 0..n {
        let mut msg = [0x42u8; 100];
        msg[..4].copy_from_slice(&i.to_le_bytes());
        a.send(b.user_id(), &msg, Policy::Reliable).expect("queued");
    }
    // Any other call ends the burst and sends what was held back.
    a.pop_notification();
    let got = read(b, n as usize, 5);
    assert_eq!(got.len(), n as usize, "every message of the burst arrives");
    for (i, (_, policy, data)) in got.iter().enumerate() {
        assert_eq!(*policy, Policy::Reliable);
        assert_eq!(u32::from_le_bytes(data[..4].try_into().expect("4 bytes")), i as u32, "in order");
    }
    packets_sent(a, b.user_id()) - before
}

#[test]
fn a_burst_of_sends_is_coalesced_into_few_datagrams() {
    let s = server(AuthMode::Open);
    let (a, b) = (quiet_engine(&s, 1, |_| {}), quiet_engine(&s, 2, |_| {}));
    connect_pair(&a, &b);
    // 200 x 100 B = 20 kB: about 18 full datagrams when coalesced, 200 when not.
    let coalesced = burst(&a, &b, 200);
    assert!(coalesced <= 40, "burst took {coalesced} datagrams");

    let (c, d) = (quiet_engine(&s, 3, |c| c.send_coalesce = Duration::ZERO), quiet_engine(&s, 4, |_| {}));
    connect_pair(&c, &d);
    let immediate = burst(&c, &d, 200);
    assert!(immediate >= 200, "with coalescing off every send is its own datagram, got {immediate}");
}

#[test]
fn held_sends_go_out_when_the_game_makes_no_further_call() {
    let s = server(AuthMode::Open);
    // b acknowledges only after 500 ms, so no ack wakes a's worker early either.
    let slow_acks = |c: &mut EngineConfig| {
        c.proto.ack_every = 1000;
        c.proto.max_ack_delay_us = 500_000;
    };
    let (a, b) = (quiet_engine(&s, 1, |_| {}), quiet_engine(&s, 2, slow_acks));
    connect_pair(&a, &b);
    let t0 = Instant::now();
    for i in 0..5u8 {
        a.send(b.user_id(), &[i; 50], Policy::Reliable).expect("queued");
    }
    // No call on `a` from here: its worker must send the held-back messages (keepalives are 5 s
    // apart, so nothing else would).
    let got = read(&b, 5, 3);
    assert_eq!(got.len(), 5);
    assert!(t0.elapsed() < Duration::from_millis(400), "held sends took {:?}", t0.elapsed());
    for (i, (_, _, data)) in got.iter().enumerate() {
        assert_eq!(data[..], [i as u8; 50]);
    }
}

#[test]
fn a_game_that_stops_polling_still_acknowledges_what_arrives() {
    let s = server(AuthMode::Open);
    let (a, b) = (quiet_engine(&s, 1, |_| {}), quiet_engine(&s, 2, |_| {}));
    connect_pair(&a, &b);
    // b polls in a tight loop (its worker parks) and reads one message, which defers its ack.
    a.send(b.user_id(), b"first", Policy::Reliable).expect("queued");
    let until = Instant::now() + Duration::from_secs(3);
    let mut first = None;
    while first.is_none() && Instant::now() < until {
        first = b.read_packet();
    }
    assert_eq!(first.expect("first message").data, b"first");
    // From here b makes no call at all. Its worker must take the socket back when the poll lease
    // runs out, receive the rest and acknowledge everything, including the deferred ack.
    for i in 0..20u8 {
        a.send(b.user_id(), &[i; 300], Policy::Reliable).expect("queued");
        std::thread::sleep(Duration::from_millis(2));
    }
    a.pop_notification();
    let until = Instant::now() + Duration::from_secs(3);
    while a.stats(b.user_id()).expect("connected").pending_reliable_bytes > 0 && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(5));
    }
    let st = a.stats(b.user_id()).expect("connected");
    assert_eq!(st.pending_reliable_bytes, 0, "b acknowledged everything without being called: {st:?}");
    // Nothing was lost on the way.
    let got = read(&b, 20, 3);
    assert_eq!(got.len(), 20);
    assert!(got.iter().enumerate().all(|(i, (_, _, d))| d[..] == [i as u8; 300]));
}

#[test]
fn held_sends_go_out_while_the_worker_is_parked() {
    let s = server(AuthMode::Open);
    // A 2 s poll lease: if the parked worker only woke when the lease ends, the held messages
    // would wait that long.
    let long_lease = |c: &mut EngineConfig| c.poll_lease = Duration::from_secs(2);
    let slow_acks = |c: &mut EngineConfig| {
        c.proto.ack_every = 1000;
        c.proto.max_ack_delay_us = 500_000;
    };
    let (a, b) = (quiet_engine(&s, 1, long_lease), quiet_engine(&s, 2, slow_acks));
    connect_pair(&a, &b);
    // a polls (its worker parks), then sends a burst and makes no further call.
    let until = Instant::now() + Duration::from_millis(30);
    while Instant::now() < until {
        assert!(a.read_packet().is_none());
    }
    let t0 = Instant::now();
    for i in 0..5u8 {
        a.send(b.user_id(), &[i; 50], Policy::Reliable).expect("queued");
    }
    let got = read(&b, 5, 3);
    assert_eq!(got.len(), 5);
    assert!(t0.elapsed() < Duration::from_millis(400), "held sends took {:?}", t0.elapsed());
}
