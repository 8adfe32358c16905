//! Garbage, truncated, mutated and replayed datagrams thrown at a live connection: nothing
//! panics and what the application receives is exactly what the real peer sent.
use std::cell::RefCell;
use std::collections::{HashSet, VecDeque};
use std::rc::Rc;

use ovrnet::proto::identity::test_auth_pair;
use ovrnet::proto::{Config, Connection, Policy};
use ovrnet::sim::proto_endpoint::seed_bytes;
use ovrnet::sim::{Endpoint, LinkConfig, Rng, Sim};

const MS: u64 = 1_000;

/// A connection that keeps copies of the datagrams it sends, as an attacker on the wire would.
struct Tap {
    conn: Connection,
    seen: Rc<RefCell<VecDeque<Vec<u8>>>>,
}

impl Endpoint for Tap {
    fn handle_datagram(&mut self, now: u64, d: &[u8]) {
        self.conn.handle_datagram(now, d);
    }
    fn poll_transmit(&mut self, now: u64, buf: &mut [u8]) -> Option<usize> {
        let n = self.conn.poll_transmit(now, buf)?;
        let mut seen = self.seen.borrow_mut();
        if seen.len() >= 256 {
            seen.pop_front();
        }
        seen.push_back(buf[..n].to_vec());
        Some(n)
    }
    fn poll_timeout(&self) -> Option<u64> {
        self.conn.poll_timeout()
    }
    fn handle_timeout(&mut self, now: u64) {
        self.conn.handle_timeout(now);
    }
}

fn mutate(rng: &mut Rng, captured: &[Vec<u8>]) -> Vec<u8> {
    let pick = |rng: &mut Rng| captured[rng.range(0, captured.len() as u64 - 1) as usize].clone();
    match rng.range(0, 5) {
        0 => (0..rng.range(0, 1400)).map(|_| rng.next_u64() as u8).collect(),
        1 => {
            let mut d = pick(rng);
            d.truncate(rng.range(0, d.len() as u64) as usize);
            d
        }
        2 => {
            let mut d = pick(rng);
            for _ in 0..rng.range(1, 8) {
                let i = rng.range(0, d.len() as u64 - 1) as usize;
                d[i] ^= 1 << rng.range(0, 7);
            }
            d
        }
        3 => {
            // A valid header of this very connection followed by garbage.
            let mut d = pick(rng);
            d.truncate(10);
            d.extend((0..rng.range(1, 1290)).map(|_| rng.next_u64() as u8));
            d
        }
        4 => pick(rng),
        _ => {
            // Plausible frames: a valid header, then frame-type bytes and small lengths.
            let mut d = pick(rng);
            d.truncate(10);
            for _ in 0..rng.range(1, 40) {
                d.push(rng.range(0, 9) as u8);
                d.push(rng.range(0, 40) as u8);
            }
            d
        }
    }
}

#[test]
fn hostile_datagrams_never_panic_nor_alter_delivered_data() {
    for seed in 0..40u64 {
        let mut sim = Sim::new(seed);
        let seen = Rc::new(RefCell::new(VecDeque::new()));
        let a = sim.add_endpoint(Tap {
            conn: Connection::new_initiator(
                Config::default(),
                0,
                seed_bytes(seed + 1),
                test_auth_pair(seed).0,
            ),
            seen: seen.clone(),
        });
        let b = sim.add_endpoint(Tap {
            conn: Connection::new_responder(
                Config::default(),
                0,
                seed_bytes(seed + 2),
                test_auth_pair(seed).1,
            ),
            seen: seen.clone(),
        });
        sim.connect_pair(a, b);
        sim.set_link_both(a, b, LinkConfig::delayed(5 * MS).with_loss(0.1)).expect("link");
        let mut rng = Rng::new(seed);
        let mut sent = vec![];
        let mut unreliable_sent = HashSet::new();
        let mut got = vec![];
        let mut unreliable_got = vec![];
        for step in 0..400u32 {
            if step < 200 {
                let len = rng.range(1, 4000) as usize;
                let m: Vec<u8> = (0..len).map(|i| (i as u32 ^ step) as u8).collect();
                sim.endpoint_mut(a).conn.send(&m, Policy::Reliable).expect("send");
                sent.push(m);
                if sim.endpoint(a).conn.is_connected() {
                    let u = format!("unreliable {step}").into_bytes();
                    sim.endpoint_mut(a).conn.send(&u, Policy::Unreliable).expect("send");
                    unreliable_sent.insert(u);
                }
            }
            sim.run_for(5 * MS);
            let captured: Vec<Vec<u8>> = seen.borrow().iter().cloned().collect();
            if !captured.is_empty() {
                for _ in 0..20 {
                    let d = mutate(&mut rng, &captured);
                    let now = sim.now();
                    let target = if rng.chance(0.5) { a } else { b };
                    sim.endpoint_mut(target).conn.handle_datagram(now, &d);
                }
            }
            while let Some(m) = sim.endpoint_mut(b).conn.poll_message() {
                match m.policy {
                    Policy::Reliable => got.push(m.data),
                    Policy::Unreliable => unreliable_got.push(m.data),
                }
            }
        }
        for _ in 0..2000 {
            if got.len() >= sent.len() {
                break;
            }
            sim.run_for(5 * MS);
            while let Some(m) = sim.endpoint_mut(b).conn.poll_message() {
                if m.policy == Policy::Reliable {
                    got.push(m.data);
                }
            }
        }
        assert!(
            got == sent,
            "seed {seed}: reliable stream altered ({} of {} messages)",
            got.len(),
            sent.len()
        );
        let mut dedup = HashSet::new();
        for u in &unreliable_got {
            assert!(unreliable_sent.contains(u), "seed {seed}: forged unreliable message delivered");
            assert!(dedup.insert(u.clone()), "seed {seed}: unreliable message delivered twice");
        }
        let st = sim.endpoint(b).conn.stats();
        assert!(st.malformed > 0, "the garbage must have been seen and counted");
        assert!(sim.endpoint(a).conn.is_connected() && sim.endpoint(b).conn.is_connected());
    }
}

#[test]
fn random_datagrams_to_fresh_connections_are_counted_and_ignored() {
    let mut rng = Rng::new(99);
    let mut init = Connection::new_initiator(Config::default(), 0, seed_bytes(1), test_auth_pair(0).0);
    let mut resp = Connection::new_responder(Config::default(), 0, seed_bytes(2), test_auth_pair(0).1);
    for i in 0..100_000u64 {
        let len = rng.range(0, 1500) as usize;
        let mut d: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
        if i % 2 == 0 && !d.is_empty() {
            d[0] = 0xA1; // right protocol byte, wrong everything else
        }
        init.handle_datagram(i, &d);
        resp.handle_datagram(i, &d);
    }
    assert_eq!(init.stats().malformed, 100_000);
    assert_eq!(resp.stats().malformed, 100_000);
    assert!(init.poll_event().is_none() && resp.poll_event().is_none());
    assert!(resp.poll_message().is_none());
}
