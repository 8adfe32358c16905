//! Protocol behaviour over the deterministic simulator: delivery guarantees across thousands of
//! seeds and impairments, timeouts, close, ping, send errors, hostile input.
use std::collections::HashSet;

use ovrnet::proto::{CloseReason, Config, Connection, Event, Policy, SendError, State};
use ovrnet::sim::{LinkConfig, NodeId, Rng, Sim, connection_pair};

const MS: u64 = 1_000;
const SEC: u64 = 1_000_000;

/// Deterministic message body: a 9-byte header (direction, policy, index) then bytes derived from
/// it, so the receiver can check a message is intact from its content alone.
fn body(dir: u8, policy: Policy, idx: u32, len: usize) -> Vec<u8> {
    let mut v = Vec::with_capacity(len.max(9));
    v.push(dir);
    v.push(policy as u8);
    v.extend_from_slice(&idx.to_le_bytes());
    let mut x = u32::from(dir) * 7919 + idx * 104_729 + len as u32;
    while v.len() < len.max(9) {
        x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        v.push((x >> 24) as u8);
    }
    v.truncate(len.max(9));
    v
}

fn is_intact(m: &[u8]) -> bool {
    m.len() >= 9 && {
        let idx = u32::from_le_bytes([m[2], m[3], m[4], m[5]]);
        let policy = if m[1] == Policy::Reliable as u8 { Policy::Reliable } else { Policy::Unreliable };
        body(m[0], policy, idx, m.len()) == m
    }
}

/// Per direction: what was sent and what arrived.
#[derive(Default)]
struct Side {
    reliable_sent: Vec<Vec<u8>>,
    reliable_got: Vec<Vec<u8>>,
    unreliable_sent: usize,
    unreliable_got: Vec<Vec<u8>>,
    closed: Vec<CloseReason>,
}

fn drain(sim: &mut Sim<Connection>, node: NodeId, into: &mut Side) {
    let c = sim.endpoint_mut(node);
    while let Some(m) = c.poll_message() {
        match m.policy {
            Policy::Reliable => into.reliable_got.push(m.data),
            Policy::Unreliable => into.unreliable_got.push(m.data),
        }
    }
    while let Some(e) = c.poll_event() {
        if let Event::Closed(r) = e {
            into.closed.push(r);
        }
    }
}

fn random_len(rng: &mut Rng, big: bool) -> usize {
    match rng.range(0, 19) {
        0 if big => rng.range(20_000, 65_535) as usize,
        1..=2 => rng.range(1_201, 6_000) as usize,
        _ => rng.range(9, 300) as usize,
    }
}

/// Both directions send reliable (some queued before the handshake) and unreliable traffic over
/// impaired links; checks exactly-once in-order delivery, intact unreliable data without
/// duplicates, and that everything ends acknowledged.
fn exchange(seed: u64, link: LinkConfig, messages: u32) {
    // At 50% loss each handshake attempt (HELLO, WELCOME) gets through with probability 1/4, so
    // the default 10 s (13 attempts) fails about 2% of runs by chance; these runs are about
    // delivery, not connect time.
    let cfg = Config { connect_timeout_us: 30 * SEC, ..Config::default() };
    let (mut sim, a, b) = connection_pair(seed, cfg, link.clone(), link).expect("valid links");
    let mut rng = Rng::new(seed ^ 0xfeed);
    let big = seed.is_multiple_of(10);
    // Index 0 = received by b (sent by a), 1 = received by a.
    let mut sides = [Side::default(), Side::default()];
    let nodes = [a, b];
    let mut next_idx = [0u32, 0u32];
    // Queue part of the reliable traffic before the handshake completes.
    for (d, &from) in nodes.iter().enumerate() {
        for _ in 0..messages / 3 {
            let m = body(d as u8, Policy::Reliable, next_idx[d], random_len(&mut rng, big));
            next_idx[d] += 1;
            sim.endpoint_mut(from).send(&m, Policy::Reliable).expect("queue reliable");
            sides[d].reliable_sent.push(m);
        }
    }
    let deadline = 120 * SEC;
    let mut t = 0;
    loop {
        t += 10 * MS;
        sim.run_until(t, |_| false);
        for d in 0..2 {
            let to = nodes[1 - d];
            drain(&mut sim, to, &mut sides[d]);
        }
        for (d, &from) in nodes.iter().enumerate() {
            if !sim.endpoint(from).is_connected() {
                continue;
            }
            if (sides[d].reliable_sent.len() as u32) < messages {
                let m = body(d as u8, Policy::Reliable, next_idx[d], random_len(&mut rng, big));
                next_idx[d] += 1;
                sim.endpoint_mut(from).send(&m, Policy::Reliable).expect("queue reliable");
                sides[d].reliable_sent.push(m);
            }
            if (sides[d].unreliable_sent as u32) < messages {
                let len = rng.range(9, 1200) as usize;
                let m = body(d as u8, Policy::Unreliable, next_idx[d], len);
                next_idx[d] += 1;
                sim.endpoint_mut(from).send(&m, Policy::Unreliable).expect("queue unreliable");
                sides[d].unreliable_sent += 1;
            }
        }
        let done = (0..2).all(|d| {
            sides[d].reliable_sent.len() as u32 == messages
                && sides[d].reliable_got.len() == sides[d].reliable_sent.len()
                && sim.endpoint(nodes[d]).stats().pending_reliable_bytes == 0
        });
        if done || t > deadline {
            break;
        }
    }
    for d in 0..2 {
        let s = &sides[d];
        assert!(s.closed.is_empty(), "seed {seed}: unexpected close {:?}", s.closed);
        assert_eq!(s.reliable_got.len(), s.reliable_sent.len(), "seed {seed} dir {d}: reliable count");
        for (i, (got, want)) in s.reliable_got.iter().zip(&s.reliable_sent).enumerate() {
            assert!(got == want, "seed {seed} dir {d}: reliable message {i} differs");
        }
        let mut seen = HashSet::new();
        for m in &s.unreliable_got {
            assert!(is_intact(m), "seed {seed} dir {d}: corrupted unreliable message");
            assert!(seen.insert(m.clone()), "seed {seed} dir {d}: duplicated unreliable message");
        }
        assert!(s.unreliable_got.len() <= s.unreliable_sent);
        let st = sim.endpoint(nodes[d]).stats();
        assert_eq!(st.pending_reliable_bytes, 0, "seed {seed} dir {d}: unacked data left");
        assert_eq!(st.reassembly_bytes, 0, "seed {seed} dir {d}: reassembly not empty");
    }
}

fn clean() -> LinkConfig {
    LinkConfig::delayed(5 * MS).with_jitter(MS)
}

#[test]
fn clean_network_1000_seeds() {
    for seed in 0..1000 {
        exchange(seed, clean(), 24);
    }
}

#[test]
fn loss_0_to_30_percent_with_duplication_and_reordering_1000_seeds() {
    for seed in 0..1000 {
        let loss = (seed % 31) as f64 / 100.0;
        let link = LinkConfig::delayed(10 * MS)
            .with_jitter(5 * MS)
            .with_loss(loss)
            .with_duplicate(0.05)
            .with_reorder(0.1, 8 * MS);
        exchange(seed, link, 24);
    }
}

#[test]
fn heavy_loss_30_percent_duplication_10_reorder_20_1000_seeds() {
    for seed in 0..1000 {
        let link = LinkConfig::delayed(20 * MS)
            .with_jitter(10 * MS)
            .with_loss(0.3)
            .with_duplicate(0.1)
            .with_reorder(0.2, 15 * MS);
        exchange(seed, link, 16);
    }
}

#[test]
fn rate_limited_link_with_small_queue_1000_seeds() {
    for seed in 0..1000 {
        let link = LinkConfig::delayed(15 * MS).with_rate(2_000_000).with_queue_limit(30_000).with_loss(0.02);
        exchange(seed, link, 16);
    }
}

#[test]
fn fifty_percent_loss_still_delivers_everything() {
    for seed in 0..50 {
        let link = LinkConfig::delayed(10 * MS).with_loss(0.5);
        exchange(seed, link, 12);
    }
}

fn connected_pair(seed: u64, cfg: Config, link: LinkConfig) -> (Sim<Connection>, NodeId, NodeId) {
    let (mut sim, a, b) = connection_pair(seed, cfg, link.clone(), link).expect("valid links");
    let ok = sim.run_until(10 * SEC, |s| s.endpoint(a).is_connected() && s.endpoint(b).is_connected());
    assert!(ok, "handshake did not complete");
    (sim, a, b)
}

fn events(sim: &mut Sim<Connection>, n: NodeId) -> Vec<Event> {
    std::iter::from_fn(|| sim.endpoint_mut(n).poll_event()).collect()
}

#[test]
fn handshake_reports_connected_on_both_sides() {
    let (mut sim, a, b) = connected_pair(1, Config::default(), clean());
    assert_eq!(events(&mut sim, a), vec![Event::Connected]);
    assert_eq!(events(&mut sim, b), vec![Event::Connected]);
    assert_eq!(sim.endpoint(a).conn_id(), sim.endpoint(b).conn_id());
}

#[test]
fn silent_peer_times_out_within_the_documented_bound() {
    let cfg = Config { idle_timeout_us: 3 * SEC, ..Config::default() };
    let (mut sim, a, b) = connected_pair(2, cfg.clone(), clean());
    events(&mut sim, a);
    // Everything from b to a is lost from now on: b has gone silent.
    let silent_from = sim.now();
    sim.set_link(b, a, LinkConfig::lossy(1.0)).expect("link");
    let ok = sim.run_until(60 * SEC, |s| s.endpoint(a).state() == State::Closed);
    assert!(ok, "a never noticed the silent peer");
    let elapsed = sim.now() - silent_from;
    assert!(elapsed <= cfg.idle_timeout_us + 10 * MS, "timed out after {elapsed} us");
    assert!(elapsed >= cfg.idle_timeout_us - 10 * MS, "timed out too early: {elapsed} us");
    assert_eq!(events(&mut sim, a), vec![Event::Closed(CloseReason::TimedOut)]);
}

#[test]
fn keepalives_hold_an_idle_connection_open() {
    let cfg = Config { idle_timeout_us: 2 * SEC, keepalive_us: 500 * MS, ..Config::default() };
    let (mut sim, a, b) = connected_pair(3, cfg, clean());
    sim.run_for(30 * SEC);
    assert!(sim.endpoint(a).is_connected() && sim.endpoint(b).is_connected());
}

#[test]
fn connect_times_out_when_nobody_answers() {
    let cfg = Config { connect_timeout_us: 4 * SEC, ..Config::default() };
    let (mut sim, a, _b) =
        connection_pair(4, cfg, LinkConfig::lossy(1.0), LinkConfig::lossy(1.0)).expect("links");
    sim.run_until(60 * SEC, |s| s.endpoint(a).state() == State::Closed);
    assert_eq!(sim.now(), 4 * SEC);
    assert_eq!(events(&mut sim, a), vec![Event::Closed(CloseReason::ConnectTimedOut)]);
}

#[test]
fn graceful_close_delivers_queued_data_first_and_both_sides_see_it() {
    let link = LinkConfig::delayed(10 * MS).with_loss(0.2);
    let (mut sim, a, b) = connected_pair(5, Config::default(), link);
    events(&mut sim, a);
    events(&mut sim, b);
    let sent: Vec<Vec<u8>> = (0..50).map(|i| body(0, Policy::Reliable, i, 3000)).collect();
    for m in &sent {
        sim.endpoint_mut(a).send(m, Policy::Reliable).expect("send");
    }
    let now = sim.now();
    sim.endpoint_mut(a).close(now);
    assert_eq!(sim.endpoint(a).state(), State::Closing);
    assert_eq!(sim.endpoint_mut(a).send(b"late", Policy::Reliable), Err(SendError::Closed));
    let mut side = Side::default();
    sim.run_until(60 * SEC, |s| s.endpoint(a).is_drained() && s.endpoint(b).state() == State::Closed);
    drain(&mut sim, b, &mut side);
    assert_eq!(side.reliable_got, sent, "all reliable data arrives before the close");
    assert_eq!(side.closed, vec![CloseReason::Peer]);
    assert_eq!(events(&mut sim, a), vec![Event::Closed(CloseReason::Local)]);
}

#[test]
fn immediate_close_is_seen_by_the_peer() {
    let (mut sim, a, b) = connected_pair(6, Config::default(), clean());
    events(&mut sim, a);
    events(&mut sim, b);
    sim.endpoint_mut(a).send(&[1u8; 60_000], Policy::Reliable).expect("send");
    let now = sim.now();
    sim.endpoint_mut(a).close_now(now);
    assert_eq!(sim.endpoint(a).state(), State::Closed);
    assert_eq!(events(&mut sim, a), vec![Event::Closed(CloseReason::Local)]);
    sim.run_until(10 * SEC, |s| s.endpoint(b).state() == State::Closed);
    assert_eq!(events(&mut sim, b), vec![Event::Closed(CloseReason::Peer)]);
    sim.run_for(5 * SEC);
    assert!(sim.endpoint(a).is_drained() && sim.endpoint(b).is_drained());
}

#[test]
fn ping_reports_the_simulated_round_trip() {
    // 15 ms each way, no jitter: the RTT must be 30 ms within the peer's ack/pong scheduling (the
    // pong leaves at once, so the only slack is the simulator's 1 us tie-breaking).
    let (mut sim, a, _b) = connected_pair(7, Config::default(), LinkConfig::delayed(15 * MS));
    events(&mut sim, a);
    let now = sim.now();
    let id = sim.endpoint_mut(a).ping(now);
    sim.run_for(100 * MS);
    let evs = events(&mut sim, a);
    let Some(Event::PingResult { id: got, rtt_us: Some(rtt) }) = evs.first().copied() else {
        panic!("no ping result: {evs:?}");
    };
    assert_eq!(got, id);
    assert!(rtt.abs_diff(30 * MS) <= 100, "rtt {rtt}");
    let st = sim.endpoint(a).stats();
    assert!(st.rtt_us.abs_diff(30 * MS) <= 2 * MS, "smoothed rtt {}", st.rtt_us);
}

#[test]
fn ping_over_a_dead_link_times_out() {
    let cfg = Config { ping_timeout_us: SEC, ..Config::default() };
    let (mut sim, a, b) = connected_pair(8, cfg, clean());
    events(&mut sim, a);
    sim.set_link(a, b, LinkConfig::lossy(1.0)).expect("link");
    let now = sim.now();
    let id = sim.endpoint_mut(a).ping(now);
    sim.run_for(2 * SEC);
    let evs = events(&mut sim, a);
    assert!(evs.contains(&Event::PingResult { id, rtt_us: None }), "{evs:?}");
}

#[test]
fn send_errors_are_typed_and_queue_nothing() {
    let cfg = Config { send_buffer_bytes: 200_000, ..Config::default() };
    let (mut sim, a, _b) = connection_pair(9, cfg.clone(), clean(), clean()).expect("links");
    let c = sim.endpoint_mut(a);
    assert_eq!(c.send(b"x", Policy::Unreliable), Err(SendError::NotConnected));
    assert_eq!(c.send(&[], Policy::Reliable), Err(SendError::Empty));
    assert_eq!(c.send(&[], Policy::Unreliable), Err(SendError::Empty));
    assert_eq!(
        c.send(&vec![0; 65_536], Policy::Reliable),
        Err(SendError::TooLarge { len: 65_536, max: 65_535 })
    );
    assert_eq!(c.send(&[0; 1201], Policy::Unreliable), Err(SendError::TooLarge { len: 1201, max: 1200 }));
    assert_eq!(c.stats().pending_reliable_bytes, 0);
    // The send buffer limit holds exactly.
    c.send(&vec![0; 65_535], Policy::Reliable).expect("fits");
    c.send(&vec![0; 65_535], Policy::Reliable).expect("fits");
    c.send(&vec![0; 65_535], Policy::Reliable).expect("fits");
    // Each message counts its payload plus 64 bytes: 3 x (65535 + 64) + 3139 + 64 = 200000.
    assert_eq!(c.send(&vec![0; 3_140], Policy::Reliable), Err(SendError::QueueFull));
    c.send(&vec![0; 3_139], Policy::Reliable).expect("exactly at the limit");
    assert_eq!(c.stats().pending_reliable_bytes, 3 * 65_535 + 3_139);
    assert_eq!(c.send(b"x", Policy::Reliable), Err(SendError::QueueFull));
    // Once connected and acknowledged, the queue drains and accepts again.
    sim.run_until(10 * SEC, |s| s.endpoint(a).stats().pending_reliable_bytes == 0);
    assert_eq!(sim.endpoint_mut(a).send(b"x", Policy::Reliable), Ok(()));
    assert_eq!(sim.endpoint_mut(a).send(b"x", Policy::Unreliable), Ok(()));
}

#[test]
fn unreliable_data_is_never_retransmitted() {
    let link = LinkConfig::delayed(5 * MS).with_loss(0.5);
    let (mut sim, a, b) = connected_pair(10, Config::default(), link);
    let mut got = 0;
    for i in 0..2000u32 {
        let _ = sim.endpoint_mut(a).send(&body(0, Policy::Unreliable, i, 100), Policy::Unreliable);
        sim.run_for(2 * MS);
        while let Some(m) = sim.endpoint_mut(b).poll_message() {
            assert_eq!(m.policy, Policy::Unreliable);
            got += 1;
        }
    }
    assert_eq!(sim.endpoint(a).stats().retransmitted_fragments, 0);
    assert!((700..1300).contains(&got), "about half should arrive, got {got}");
}

#[test]
fn small_messages_are_coalesced_into_few_datagrams() {
    let (mut sim, a, b) = connected_pair(11, Config::default(), clean());
    let before = sim.endpoint(a).stats().packets_sent;
    for i in 0..100u32 {
        sim.endpoint_mut(a).send(&body(0, Policy::Unreliable, i, 29), Policy::Unreliable).expect("u");
        sim.endpoint_mut(a).send(&body(0, Policy::Reliable, i, 29), Policy::Reliable).expect("r");
    }
    sim.run_for(SEC);
    let mut n = 0;
    while sim.endpoint_mut(b).poll_message().is_some() {
        n += 1;
    }
    assert_eq!(n, 200);
    let datagrams = sim.endpoint(a).stats().packets_sent - before;
    // 200 messages of ~35 wire bytes fit ~36 per datagram: 6 datagrams plus keepalives/acks.
    assert!(datagrams <= 12, "sent {datagrams} datagrams for 200 small messages");
}

#[test]
fn max_send_rate_caps_throughput() {
    let cfg = Config { max_send_rate: 500_000, ..Config::default() };
    let (mut sim, a, b) = connected_pair(12, cfg, LinkConfig::delayed(MS));
    let start = sim.now();
    for _ in 0..100 {
        sim.endpoint_mut(a).send(&[7u8; 10_000], Policy::Reliable).expect("send");
    }
    let mut got = 0usize;
    sim.run_until(60 * SEC, |s| {
        while let Some(m) = s.endpoint_mut(b).poll_message() {
            got += m.data.len();
        }
        got == 1_000_000
    });
    let secs = (sim.now() - start) as f64 / SEC as f64;
    let rate = 1_000_000.0 / secs;
    assert!((400_000.0..=550_000.0).contains(&rate), "rate {rate:.0} B/s over {secs:.2} s");
}

#[test]
fn a_receiver_that_stops_reading_stays_bounded_and_loses_nothing() {
    let cfg = Config { recv_window_bytes: 256 << 10, ..Config::default() };
    let (mut sim, a, b) = connected_pair(13, cfg.clone(), LinkConfig::delayed(2 * MS));
    let msgs: Vec<Vec<u8>> = (0..400u32).map(|i| body(0, Policy::Reliable, i, 5_000)).collect();
    let mut queued = 0;
    // b reads nothing for 5 simulated seconds while a pushes 2 MB.
    for _ in 0..500 {
        while queued < msgs.len() && sim.endpoint_mut(a).send(&msgs[queued], Policy::Reliable).is_ok() {
            queued += 1;
        }
        let _ = sim.endpoint_mut(a).send(b"unreliable filler", Policy::Unreliable);
        sim.run_for(10 * MS);
        let st = sim.endpoint(b).stats();
        // Below the window one packet may complete the next message and release everything held
        // behind it (itself bounded by the window): two windows plus a fragment at most.
        let bound = 2 * u64::from(cfg.recv_window_bytes) + proto_fragment();
        assert!(st.undelivered_bytes <= bound, "undelivered {} > {bound}", st.undelivered_bytes);
    }
    assert!(sim.endpoint(b).stats().unreliable_dropped > 0, "unreliable data beyond the window is dropped");
    assert!(sim.endpoint(b).is_connected() && sim.endpoint(a).is_connected());
    // Now b reads: everything arrives, in order, exactly once.
    let mut got = vec![];
    sim.run_until(120 * SEC, |s| {
        while let Some(m) = s.endpoint_mut(b).poll_message() {
            if m.policy == Policy::Reliable {
                got.push(m.data);
            }
        }
        while queued < msgs.len() && s.endpoint_mut(a).send(&msgs[queued], Policy::Reliable).is_ok() {
            queued += 1;
        }
        got.len() == msgs.len()
    });
    assert!(got == msgs, "got {} of {} messages, or altered", got.len(), msgs.len());
}

fn proto_fragment() -> u64 {
    ovrnet::proto::FRAGMENT_SIZE as u64
}
