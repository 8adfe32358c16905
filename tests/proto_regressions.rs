//! Regression tests for defects found in review of the protocol core, on a minimal two-endpoint
//! harness with scripted drops (independent of `sim`, so the exact datagrams can be targeted).
use ovrnet::proto::identity::test_auth_pair;
use ovrnet::proto::{Config, Connection, Event, Policy};
use ovrnet::sim::proto_endpoint::seed_bytes;

const MS: u64 = 1_000;
const SEC: u64 = 1_000_000;

struct Net {
    c: [Connection; 2],
    /// (arrival time, to, bytes)
    q: Vec<(u64, usize, Vec<u8>)>,
    now: u64,
    lat: u64,
    sent: [u64; 2],
    past_deadlines: u64,
    got: [Vec<Vec<u8>>; 2],
    events: [Vec<Event>; 2],
    only_reliable: bool,
}

impl Net {
    fn new(cfg: Config, lat: u64) -> Self {
        Net {
            c: [
                Connection::new_initiator(cfg.clone(), 0, seed_bytes(11), test_auth_pair(0).0),
                Connection::new_responder(cfg, 0, seed_bytes(22), test_auth_pair(0).1),
            ],
            q: vec![],
            now: 0,
            lat,
            sent: [0; 2],
            past_deadlines: 0,
            got: [vec![], vec![]],
            events: [vec![], vec![]],
            only_reliable: false,
        }
    }
    fn drain(&mut self, drop: &mut dyn FnMut(usize, u64, &[u8]) -> bool) {
        let mut buf = [0u8; 1500];
        for i in 0..2 {
            while let Some(n) = self.c[i].poll_transmit(self.now, &mut buf) {
                let k = self.sent[i];
                self.sent[i] += 1;
                if !drop(i, k, &buf[..n]) {
                    self.q.push((self.now + self.lat, 1 - i, buf[..n].to_vec()));
                }
            }
            while let Some(m) = self.c[i].poll_message() {
                if m.policy == Policy::Reliable || !self.only_reliable {
                    self.got[i].push(m.data);
                }
            }
            while let Some(e) = self.c[i].poll_event() {
                self.events[i].push(e);
            }
        }
    }
    fn run_until(&mut self, t_end: u64, drop: &mut dyn FnMut(usize, u64, &[u8]) -> bool) {
        self.drain(drop);
        loop {
            let mut next = self.q.iter().map(|x| x.0).min();
            for i in 0..2 {
                if let Some(d) = self.c[i].poll_timeout() {
                    let d = if d <= self.now {
                        self.past_deadlines += 1;
                        self.now + 1
                    } else {
                        d
                    };
                    next = Some(next.map_or(d, |n: u64| n.min(d)));
                }
            }
            let Some(t) = next else { break };
            if t > t_end {
                break;
            }
            self.now = t;
            let now = t;
            let mut i = 0;
            while i < self.q.len() {
                if self.q[i].0 <= now {
                    let (_, to, d) = self.q.remove(i);
                    self.c[to].handle_datagram(now, &d);
                } else {
                    i += 1;
                }
            }
            for i in 0..2 {
                if self.c[i].poll_timeout().is_some_and(|d| d <= now) {
                    self.c[i].handle_timeout(now);
                }
            }
            self.drain(drop);
        }
        self.now = self.now.max(t_end);
    }
}

/// A packet carrying a fragment and the tail of the same new message was charged twice against
/// the receive window; near a full window the honest sender was refused forever.
#[test]
fn fragment_and_tail_of_one_message_are_charged_once() {
    let cfg = Config { recv_window_bytes: 0, ..Config::default() }; // sanitised to 131070
    let mut net = Net::new(cfg, 5 * MS);
    net.run_until(20 * MS, &mut |_, _, _| false);
    assert!(net.c[0].is_connected() && net.c[1].is_connected());
    let msgs = [vec![1u8; 1250], vec![2u8; 65535], vec![3u8; 64285]];
    for m in &msgs {
        net.c[0].send(m, Policy::Reliable).unwrap();
    }
    // Drop the first three datagrams carrying message 0's fragment+tail pair.
    let pat = [0x04u8, 0x00, 0x00, 0x44, 0xE2, 0x00];
    let mut drops = 0;
    let mut drop = move |from: usize, _k: u64, d: &[u8]| {
        if from == 0 && d.windows(pat.len()).any(|w| w == pat) {
            drops += 1;
            return drops <= 3;
        }
        false
    };
    let t = net.now + 60 * SEC;
    net.run_until(t, &mut drop);
    assert_eq!(net.got[1], msgs.to_vec(), "reliable stream stalled");
}

/// The same defect arising naturally: a stream of 1250-byte messages under light random loss.
#[test]
fn streams_of_just_over_one_fragment_never_stall() {
    for seed in 0..200u64 {
        let cfg = Config { recv_window_bytes: 0, send_buffer_bytes: 64 << 20, ..Config::default() };
        let mut net = Net::new(cfg, 10 * MS);
        net.only_reliable = true;
        let mut x = seed.wrapping_mul(0x9e3779b97f4a7c15) | 1;
        let mut rnd = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut drop = move |_: usize, _: u64, _: &[u8]| (rnd() % 1000) < (seed % 30);
        net.run_until(2 * SEC, &mut drop);
        assert!(net.c[0].is_connected(), "seed {seed}: no handshake");
        let mut sent = 0;
        for k in 0..3000u32 {
            if net.c[0].send(&vec![k as u8; 1250], Policy::Reliable).is_ok() {
                sent += 1;
            }
        }
        let t = net.now + 60 * SEC;
        net.run_until(t, &mut drop);
        assert_eq!(net.got[1].len(), sent, "seed {seed}: stalled");
    }
}

/// `u64::MAX` as "never" used to overflow deadline arithmetic.
#[test]
fn huge_timeouts_do_not_overflow() {
    let cfg = Config {
        idle_timeout_us: u64::MAX,
        connect_timeout_us: u64::MAX,
        keepalive_us: u64::MAX,
        ping_timeout_us: u64::MAX,
        drain_us: u64::MAX,
        max_rto_us: u64::MAX,
        ..Config::default()
    };
    let mut net = Net::new(cfg, 5 * MS);
    net.run_until(3 * SEC, &mut |_, _, _| false);
    assert!(net.c[0].is_connected() && net.c[1].is_connected());
    assert!(net.events[0].iter().all(|e| !matches!(e, Event::Closed(_))));
}

/// A ping on a closed connection must still be answered (with a timeout).
#[test]
fn ping_after_close_is_answered() {
    let mut net = Net::new(Config::default(), 5 * MS);
    net.run_until(20 * MS, &mut |_, _, _| false);
    net.c[0].close_now(net.now);
    net.run_until(5 * SEC, &mut |_, _, _| false);
    let id = net.c[0].ping(net.now);
    net.c[1].close_now(net.now);
    let id_b = net.c[1].ping(net.now);
    net.run_until(20 * SEC, &mut |_, _, _| false);
    let answered = |ev: &Vec<Event>, id: u64| {
        ev.iter().any(|e| matches!(e, Event::PingResult { id: i, rtt_us: None } if *i == id))
    };
    assert!(answered(&net.events[0], id) && answered(&net.events[1], id_b));
}

/// Random loss and sizes around the fragment boundary: no deadline may ever be in the past after
/// the connection handled it (that would be a busy loop), and streams complete or close.
#[test]
fn no_past_deadlines_and_no_stuck_streams() {
    for seed in 0..200u64 {
        let mut net = Net::new(Config::default(), 3 * MS + seed % 7 * MS);
        let mut x = seed.wrapping_mul(0x9e3779b97f4a7c15) | 1;
        let mut rnd = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let loss = seed % 40;
        let mut drop = move |_: usize, _: u64, _: &[u8]| (rnd() % 100) < loss;
        net.run_until(10 * MS, &mut drop);
        let mut sent = 0usize;
        for k in 0..200u32 {
            let len =
                [1usize, 50, 1199, 1200, 1201, 1250, 2400, 2460, 65535][(k as usize + seed as usize) % 9];
            if net.c[0].send(&vec![k as u8; len], Policy::Reliable).is_ok() {
                sent += 1;
            }
            let _ = net.c[1].send(&vec![k as u8; 300], Policy::Unreliable);
            let t = net.now + 2 * MS;
            net.run_until(t, &mut drop);
        }
        net.c[0].close(net.now);
        let t = net.now + 60 * SEC;
        net.run_until(t, &mut drop);
        let reliable_got = net.got[1].iter().filter(|m| m.len() != 300).count();
        let closed = net.events[1].iter().any(|e| matches!(e, Event::Closed(_)));
        assert!(reliable_got >= sent.min(1) || closed, "seed {seed}: stuck");
        assert_eq!(net.past_deadlines, 0, "seed {seed}: deadline in the past");
    }
}

fn reseal_hello(d: &mut Vec<u8>, new_len: usize, patch: impl FnOnce(&mut [u8])) {
    let conn_id = u32::from_le_bytes([d[2], d[3], d[4], d[5]]);
    let key = 0x6f76_726e_6574_6873u64 ^ u64::from(conn_id);
    d.truncate(new_len - 8);
    patch(&mut d[..]);
    let t = xxhash_rust::xxh3::xxh3_64_with_seed(d, key);
    d.extend_from_slice(&t.to_le_bytes());
}

/// A HELLO advertising a receive window we cannot honour (zero messages) is refused instead of
/// leaving our data unable to leave forever.
#[test]
fn unusable_advertised_window_is_refused() {
    let mut a = Connection::new_initiator(Config::default(), 0, seed_bytes(5), test_auth_pair(0).0);
    let mut b = Connection::new_responder(Config::default(), 0, seed_bytes(6), test_auth_pair(0).1);
    let mut buf = [0u8; 1500];
    let n = a.poll_transmit(0, &mut buf).unwrap();
    let mut h = buf[..n].to_vec();
    reseal_hello(&mut h, n, |p| p[14..18].copy_from_slice(&0u32.to_le_bytes()));
    b.handle_datagram(0, &h);
    assert!(!b.is_connected());
    assert_eq!(b.stats().malformed, 1);
    assert!(b.poll_transmit(0, &mut buf).is_none());
}

/// A short HELLO must not be answered with a full-size WELCOME (amplification).
#[test]
fn short_hello_is_not_answered() {
    let mut a = Connection::new_initiator(Config::default(), 0, seed_bytes(5), test_auth_pair(0).0);
    let mut b = Connection::new_responder(Config::default(), 0, seed_bytes(6), test_auth_pair(0).1);
    let mut buf = [0u8; 1500];
    let n = a.poll_transmit(0, &mut buf).unwrap();
    let mut h = buf[..n].to_vec();
    reseal_hello(&mut h, 10 + 16 + 8, |_| {});
    b.handle_datagram(0, &h);
    assert!(b.poll_transmit(0, &mut buf).is_none());
    assert!(!b.is_connected());
}

/// A peer that floods pings and never acknowledges anything: our flight stays within the
/// window (pongs are not ack-eliciting) and the connection is eventually declared dead.
#[test]
fn never_acking_pinger_is_bounded_and_dropped() {
    let mut a = Connection::new_initiator(Config::default(), 0, seed_bytes(77), test_auth_pair(0).0);
    let mut b = Connection::new_responder(Config::default(), 0, seed_bytes(88), test_auth_pair(0).1);
    let mut buf = [0u8; 1500];
    let n = a.poll_transmit(0, &mut buf).unwrap();
    let hello = buf[..n].to_vec();
    b.handle_datagram(0, &hello);
    let n = b.poll_transmit(0, &mut buf).unwrap();
    let welcome = buf[..n].to_vec();
    a.handle_datagram(0, &welcome);
    assert!(a.is_connected());
    let conn = [hello[2], hello[3], hello[4], hello[5]];
    let mut kb = [0u8; 21];
    kb[..4].copy_from_slice(&conn);
    kb[4..12].copy_from_slice(&hello[18..26]);
    kb[12..20].copy_from_slice(&welcome[18..26]);
    kb[20] = 0; // sent by the responder
    let key = xxhash_rust::xxh3::xxh3_64_with_seed(&kb, 0x6f76_726e_6574_6873);
    a.send(b"needs an ack", Policy::Reliable).unwrap();
    let mut now = 0u64;
    let mut closed_at = None;
    for pn in 0..400_000u32 {
        now += 100; // 10k packets/s for 40 s
        let mut d = vec![0xa1, 3, conn[0], conn[1], conn[2], conn[3]];
        d.extend_from_slice(&pn.to_le_bytes());
        d.extend_from_slice(&[0x05, 0x01]); // PING id 1
        let t = xxhash_rust::xxh3::xxh3_64_with_seed(&d, key);
        d.extend_from_slice(&t.to_le_bytes());
        a.handle_datagram(now, &d);
        if a.poll_timeout().is_some_and(|t| t <= now) {
            a.handle_timeout(now);
        }
        while a.poll_transmit(now, &mut buf).is_some() {}
        let s = a.stats();
        assert!(s.bytes_in_flight <= s.congestion_window + 2 * 1300, "in flight {}", s.bytes_in_flight);
        if closed_at.is_none() && !a.is_connected() {
            closed_at = Some(now);
        }
    }
    let closed_at = closed_at.expect("a connection that never gets an ack must be declared dead");
    assert!(closed_at <= 21 * SEC, "closed after {closed_at} us");
}
