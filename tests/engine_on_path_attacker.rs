//! An attacker on the path between two real engines: it sees every datagram (a raw socket on the
//! host) and injects with the sender's source address (a raw IP socket), replaying, modifying and
//! forging peer packets while the game sends. Nothing it sends is delivered, the connection
//! stays up, and every injected packet is counted as refused or duplicate.
//!
//! Raw sockets need CAP_NET_RAW: CI runs as root. Without the capability the test says so and
//! checks nothing else.
mod engine_support;

use std::collections::HashSet;
use std::io::Read;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use engine_support::raw::{payload_between, raw_sockets, spoofed, v4};
use engine_support::{connect_pair, engine, read, server, wait_direct};
use ovrnet::proto::{Policy, TRANSPORT_V1, TRANSPORT_V2};
use ovrnet::server::AuthMode;

/// What the attacker injected, by kind.
#[derive(Default)]
struct Injected {
    replays: AtomicU64,
    modified: AtomicU64,
    forged: AtomicU64,
    old_version: AtomicU64,
}

#[test]
fn replayed_modified_and_forged_peer_packets_are_dropped_and_the_session_survives() {
    let Some((sniffer, injector)) = raw_sockets() else { return };

    let s = server(AuthMode::Open);
    let (a, b) = (engine(&s, 7101), engine(&s, 7102));
    connect_pair(&a, &b);
    // The attacker sits on the direct path between the two.
    wait_direct(&a, &b, 5);
    let (a_addr, b_addr) = (v4(a.local_addr()), v4(b.local_addr()));
    assert_eq!(a_addr.ip(), &Ipv4Addr::LOCALHOST);

    let stop = Arc::new(AtomicBool::new(false));
    let injected = Arc::new(Injected::default());
    let attacker = {
        let (stop, injected) = (stop.clone(), injected.clone());
        std::thread::spawn(move || {
            let to = socket2::SockAddr::from(SocketAddr::V4(a_addr));
            let mut buf = vec![0u8; 70_000];
            let mut n_seen = 0u64;
            // The sniffer also sees what the attacker injects: act on each payload once.
            let mut known: HashSet<Vec<u8>> = HashSet::new();
            while !stop.load(Ordering::Relaxed) {
                let Ok(n) = (&sniffer).read(&mut buf) else { continue };
                let Some(d) = payload_between(&buf[..n], b_addr, a_addr) else { continue };
                if d.first() != Some(&TRANSPORT_V2) || d.get(1) != Some(&3) || !known.insert(d.to_vec()) {
                    continue; // only B's own sealed DATA packets to A, each once
                }
                let d = d.to_vec();
                n_seen += 1;
                let mut send = |payload: &[u8], counter: &AtomicU64| {
                    known.insert(payload.to_vec());
                    if injector.send_to(&spoofed(b_addr, a_addr, payload), &to).is_ok() {
                        counter.fetch_add(1, Ordering::Relaxed);
                    }
                };
                // The packet again, as captured.
                send(&d, &injected.replays);
                // One byte of ciphertext or tag changed.
                let mut m = d.clone();
                let i = 10 + (n_seen as usize * 7) % (m.len() - 10);
                m[i] ^= 0x40;
                send(&m, &injected.modified);
                // A CLOSE frame under a fresh packet number, with a made-up tag.
                let mut close = d[..10].to_vec();
                close[6] = close[6].wrapping_add(17);
                close.extend_from_slice(&[0x08, 0x00]);
                close.extend_from_slice(&n_seen.to_le_bytes());
                close.extend_from_slice(&(!n_seen).to_le_bytes());
                send(&close, &injected.forged);
                if n_seen % 16 == 1 {
                    let mut old = d.clone();
                    old[0] = TRANSPORT_V1;
                    send(&old, &injected.old_version);
                }
            }
        })
    };

    const N: usize = 300;
    for i in 0..N {
        let msg = format!("move {i}");
        b.send(a.user_id(), msg.as_bytes(), Policy::Reliable).expect("send");
        if i % 10 == 0 {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    let got = read(&a, N, 20);
    // Let injections still in flight arrive, then stop the attacker.
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::Relaxed);
    attacker.join().expect("attacker thread");

    let want: Vec<Vec<u8>> = (0..N).map(|i| format!("move {i}").into_bytes()).collect();
    let got_data: Vec<Vec<u8>> = got.iter().map(|(_, _, d)| d.clone()).collect();
    assert_eq!(got_data, want, "exactly the messages B sent, once each, in order");
    assert!(got.iter().all(|(sender, _, _)| *sender == b.user_id()));
    let stats = a.stats(b.user_id()).expect("still a connection");
    let (replays, modified, forged) = (
        injected.replays.load(Ordering::Relaxed),
        injected.modified.load(Ordering::Relaxed),
        injected.forged.load(Ordering::Relaxed),
    );
    eprintln!(
        "injected: {replays} replays, {modified} modified, {forged} forged, {} old-version; \
         A counted rejected {} duplicates {} malformed {}",
        injected.old_version.load(Ordering::Relaxed),
        stats.rejected,
        stats.duplicates,
        stats.malformed
    );
    assert!(replays >= 20 && modified >= 20 && forged >= 20, "the attacker saw and hit the traffic");
    assert!(stats.rejected >= modified + forged, "every modified or forged packet is refused and counted");
    assert!(stats.duplicates >= replays, "every replay is a counted duplicate");

    // The session is intact in both directions.
    assert!(a.is_connected(b.user_id()) && b.is_connected(a.user_id()));
    a.send(b.user_id(), b"still here", Policy::Reliable).expect("send");
    let back = read(&b, 1, 5);
    assert_eq!(back.first().map(|(_, _, d)| d.as_slice()), Some(&b"still here"[..]));
}
