//! Throughput of the protocol core over the simulator with a perfect link: no sockets, one
//! thread, so the figures are what `proto` (plus `sim`'s bookkeeping) costs per message.
//! Run: `cargo bench --bench proto` (add `-- --quick` for a short smoke run).
use std::time::{Duration, Instant};

use ovrnet::proto::identity::test_auth_pair;
use ovrnet::proto::{Cipher, Config, Connection, Policy, SendError};
use ovrnet::sim::proto_endpoint::seed_bytes;
use ovrnet::sim::{LinkConfig, NodeId, Sim, connection_pair};

/// CPU time of this thread, from the kernel's scheduler statistics (first field, nanoseconds).
fn thread_cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

fn pair(cipher: Cipher) -> (Sim<Connection>, NodeId, NodeId) {
    let cfg =
        Config { send_buffer_bytes: 32 << 20, unreliable_queue_bytes: 4 << 20, cipher, ..Config::default() };
    let (mut sim, a, b) =
        connection_pair(1, cfg, LinkConfig::perfect(), LinkConfig::perfect()).expect("links");
    sim.run_until(1_000_000, |s| s.endpoint(a).is_connected() && s.endpoint(b).is_connected());
    (sim, a, b)
}

struct Outcome {
    messages: u64,
    bytes: u64,
    wall: Duration,
    cpu_ns: Option<u64>,
}

/// Sends `count` messages of `size` bytes from a to b as fast as the queue accepts them and
/// counts what b receives.
fn run(size: usize, count: u64, policy: Policy, cipher: Cipher) -> Outcome {
    let (mut sim, a, b) = pair(cipher);
    let msg = vec![0x5au8; size];
    let (mut sent, mut got, mut bytes) = (0u64, 0u64, 0u64);
    let cpu0 = thread_cpu_ns();
    let t0 = Instant::now();
    let mut idle_rounds = 0;
    while got < count {
        while sent < count {
            match sim.endpoint_mut(a).send(&msg, policy) {
                Ok(()) => sent += 1,
                Err(SendError::QueueFull) => break,
                Err(e) => panic!("send failed: {e}"),
            }
        }
        let stepped = sim.step();
        let before = got;
        while let Some(m) = sim.endpoint_mut(b).poll_message() {
            got += 1;
            bytes += m.data.len() as u64;
        }
        if got == before && !stepped {
            idle_rounds += 1;
            if idle_rounds > 1000 {
                break; // unreliable messages that were dropped never arrive
            }
        }
    }
    Outcome {
        messages: got,
        bytes,
        wall: t0.elapsed(),
        cpu_ns: cpu0.and_then(|c| thread_cpu_ns().map(|d| d - c)),
    }
}

/// CPU per complete handshake, both sides together: HELLO (made at creation: one signature),
/// WELCOME (two verifications, one X25519, one signature), confirmation (two verifications, one
/// X25519) and the first sealed packet opened.
fn handshakes(n: u32) -> f64 {
    let (auth_a, auth_b) = test_auth_pair(1);
    let mut buf = [0u8; 1500];
    let cpu0 = thread_cpu_ns();
    let t0 = Instant::now();
    for i in 0..n {
        let cfg = Config::default();
        let mut a = Connection::new_initiator(cfg.clone(), 0, seed_bytes(u64::from(i)), auth_a.clone());
        let mut b = Connection::new_responder(cfg, 0, seed_bytes((u64::from(i) + 1) << 32), auth_b.clone());
        for _ in 0..2 {
            while let Some(k) = a.poll_transmit(0, &mut buf) {
                b.handle_datagram(0, &buf[..k]);
            }
            while let Some(k) = b.poll_transmit(0, &mut buf) {
                a.handle_datagram(0, &buf[..k]);
            }
        }
        assert!(a.is_connected() && b.is_connected(), "handshake {i} did not complete");
    }
    let ns = cpu0.and_then(|c| thread_cpu_ns().map(|d| d - c)).unwrap_or(t0.elapsed().as_nanos() as u64);
    ns as f64 / f64::from(n) / 1000.0
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let scale = if quick { 20 } else { 1 };
    println!("ovrnet proto+sim benchmark (one thread, perfect simulated link, release build)");
    println!("{:<44} {:>12} {:>12} {:>14} {:>12}", "case", "messages", "MB/s", "messages/s", "ns/message");
    let cases: [(&str, usize, u64, Policy); 4] = [
        ("reliable 1000 B", 1000, 2_000_000, Policy::Reliable),
        ("reliable 65535 B", 65535, 30_000, Policy::Reliable),
        ("unreliable 29 B", 29, 10_000_000, Policy::Unreliable),
        ("unreliable 1200 B", 1200, 2_000_000, Policy::Unreliable),
    ];
    // Auto is what a game gets: AES-128-GCM where the CPU accelerates it (as on x86-64 with
    // AES-NI), else ChaCha20-Poly1305; the second set forces ChaCha20-Poly1305 for comparison.
    for (cipher, label) in [(Cipher::Auto, "default cipher"), (Cipher::ChaCha20Poly1305, "ChaCha20-Poly1305")]
    {
        for (name, size, count, policy) in cases {
            let o = run(size, count / scale, policy, cipher);
            let secs = o.wall.as_secs_f64();
            let cpu = o.cpu_ns.map_or(o.wall.as_nanos() as f64, |c| c as f64);
            println!(
                "{:<44} {:>12} {:>12.0} {:>14.0} {:>12.1}",
                format!("{name}, {label}"),
                o.messages,
                o.bytes as f64 / secs / 1e6,
                o.messages as f64 / secs,
                cpu / o.messages.max(1) as f64
            );
        }
    }
    println!("ns/message is thread CPU time (sender + receiver + simulator) divided by messages delivered.");
    let n = if quick { 50 } else { 2000 };
    println!("handshake (both sides, certificates checked, keys derived): {:.1} us CPU each", handshakes(n));
}
