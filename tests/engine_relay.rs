//! Peers talking through the server's relay, on real sockets: relay-only connections carry
//! reliable and unreliable data, an automatic connection moves from the relay to the direct
//! path without losing, duplicating or reordering a reliable message, and a server with the
//! relay off leaves relay-only peers unconnected.
mod engine_support;

use std::time::Duration;

use engine_support::{config, expect, read, state, wait_direct};
use ovrnet::engine::{Engine, Notification, PeerState, RelayMode, Route};
use ovrnet::proto::Policy;
use ovrnet::server::{self, AuthMode, ServerConfig, ServerHandle};

fn server_with(relay_bytes_per_sec: u64) -> ServerHandle {
    let mut cfg = ServerConfig::new(([127, 0, 0, 1], 0).into(), AuthMode::Open);
    cfg.relay_bytes_per_sec = relay_bytes_per_sec;
    server::spawn(cfg).expect("server starts")
}

fn engine(s: &ServerHandle, id: u64, relay: RelayMode) -> Engine {
    let mut cfg = config(s, id, &format!("secret-{id}"));
    cfg.relay = relay;
    let e = Engine::start(cfg).expect("engine starts");
    expect(&e, |n| *n == Notification::LoggedIn, 5);
    e
}

fn connect(a: &Engine, b: &Engine) {
    a.connect(b.user_id());
    expect(b, |n| *n == Notification::PeerConnectRequest { peer: a.user_id() }, 5);
    assert!(b.accept(a.user_id()));
    expect(a, state(b.user_id(), PeerState::Connected), 5);
    expect(b, state(a.user_id(), PeerState::Connected), 5);
}

#[test]
fn relay_only_peers_exchange_reliable_and_unreliable_data_through_the_server() {
    let s = server_with(4_000_000);
    let (a, b) = (engine(&s, 8101, RelayMode::Always), engine(&s, 8102, RelayMode::Always));
    connect(&a, &b);
    const N: usize = 500;
    for i in 0..N {
        a.send(b.user_id(), format!("reliable {i}").as_bytes(), Policy::Reliable).expect("send");
    }
    let got = read(&b, N, 10);
    let want: Vec<Vec<u8>> = (0..N).map(|i| format!("reliable {i}").into_bytes()).collect();
    assert_eq!(got.iter().map(|(_, _, d)| d.clone()).collect::<Vec<_>>(), want, "once each, in order");
    b.send(a.user_id(), b"unreliable back", Policy::Unreliable).expect("send");
    let back = read(&a, 1, 5);
    assert_eq!(
        back.first().map(|(_, p, d)| (*p, d.as_slice())),
        Some((Policy::Unreliable, &b"unreliable back"[..]))
    );
    let payload: usize = want.iter().map(Vec::len).sum();
    let relayed = s.stats().relayed_bytes;
    assert!(
        relayed as usize > payload,
        "all {payload} bytes of data went through the relay ({relayed} bytes relayed)"
    );
    // Relay-only stays relayed, however long it runs.
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(a.path(b.user_id()).map(|(r, _)| r), Some(Route::Relayed));
    assert_eq!(b.path(a.user_id()).map(|(r, _)| r), Some(Route::Relayed));
}

#[test]
fn an_automatic_connection_moves_direct_without_losing_or_reordering_a_reliable_message() {
    let s = server_with(4_000_000);
    let (a, b) = (engine(&s, 8201, RelayMode::Auto), engine(&s, 8202, RelayMode::Auto));
    a.connect(b.user_id());
    // Sent before the connection exists and while it moves: nothing may be lost or repeated.
    const N: usize = 3000;
    let sender = {
        let b_id = b.user_id();
        let a = &a;
        move || {
            for i in 0..N {
                while a.send(b_id, format!("m{i}").as_bytes(), Policy::Reliable).is_err() {
                    a.wait(Duration::from_millis(1));
                }
                if i % 100 == 0 {
                    std::thread::sleep(Duration::from_millis(2));
                }
            }
        }
    };
    expect(&b, |n| *n == Notification::PeerConnectRequest { peer: a.user_id() }, 5);
    assert!(b.accept(a.user_id()));
    std::thread::scope(|scope| {
        scope.spawn(sender);
        let got = read(&b, N, 20);
        let want: Vec<Vec<u8>> = (0..N).map(|i| format!("m{i}").into_bytes()).collect();
        assert_eq!(got.len(), N);
        assert!(got.iter().map(|(_, _, d)| d).eq(want.iter()), "exactly once, in order, across the move");
    });
    let took = wait_direct(&a, &b, 5);
    eprintln!("direct path after {took:?} more; relay carried {} packets", s.stats().relayed_packets);
    assert!(s.stats().relayed_packets > 0, "the connection started on the relay");
    let (_, addr) = a.path(b.user_id()).expect("path");
    assert_eq!(addr, Some(b.local_addr()), "the direct path goes to the peer's socket");
    // Traffic now bypasses the server.
    let before = s.stats().relayed_packets;
    for i in 0..100 {
        b.send(a.user_id(), format!("d{i}").as_bytes(), Policy::Reliable).expect("send");
    }
    assert_eq!(read(&a, 100, 5).len(), 100);
    assert!(s.stats().relayed_packets - before < 10, "direct traffic is not relayed");
}

#[test]
fn without_the_servers_relay_relay_only_peers_do_not_connect() {
    let s = server_with(0);
    let (a, b) = (engine(&s, 8301, RelayMode::Always), engine(&s, 8302, RelayMode::Always));
    a.connect(b.user_id());
    expect(&b, |n| *n == Notification::PeerConnectRequest { peer: a.user_id() }, 5);
    assert!(b.accept(a.user_id()));
    expect(&a, state(b.user_id(), PeerState::Timeout), 6);
    assert!(s.stats().relay_refused > 0, "the server refused to relay");
}

#[test]
fn strangers_and_forgers_get_nothing_through_the_relay_and_change_nothing() {
    use ovrnet::signal::relay::{RELAY_HEADER_LEN, write_header};
    let s = server_with(4_000_000);
    let (a, b) = (engine(&s, 8401, RelayMode::Always), engine(&s, 8402, RelayMode::Always));
    let outsider = engine(&s, 8403, RelayMode::Always);
    connect(&a, &b);
    let refused_before = s.stats().relay_refused;
    // A socket with no session, and a logged-in user whose connect nobody brokered, each send
    // relay datagrams naming b (a forged transport packet inside).
    let stranger = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
    let mut forged = vec![0u8; RELAY_HEADER_LEN];
    write_header(&mut forged, b.user_id());
    forged.extend_from_slice(&[ovrnet::proto::TRANSPORT_V2, 3, 1, 2, 3, 4, 0, 0, 0, 9]);
    forged.extend_from_slice(&[0x42; 40]);
    for _ in 0..50 {
        stranger.send_to(&forged, s.local_addr()).expect("send");
    }
    assert!(outsider.send(b.user_id(), b"let me in", Policy::Reliable).is_ok(), "queued while connecting");
    // Junk straight at b's socket in both envelopes, and a relay envelope not from the server.
    let b_addr = b.local_addr();
    for junk in [&forged[..], &[0xC2, 1, 0xA2, 3, 0, 0][..], &[0xC1][..], &[0xC2][..]] {
        stranger.send_to(junk, b_addr).expect("send");
    }
    std::thread::sleep(Duration::from_millis(300));
    assert!(s.stats().relay_refused >= refused_before + 50, "every stranger datagram refused");
    // b's connection to a is undisturbed and a's data still flows, through the relay.
    a.send(b.user_id(), b"still here", Policy::Reliable).expect("send");
    let got = read(&b, 1, 5);
    assert_eq!(
        got.first().map(|(sender, _, d)| (*sender, d.as_slice())),
        Some((a.user_id(), &b"still here"[..]))
    );
    assert!(b.is_connected(a.user_id()));
    assert!(!b.is_connected(outsider.user_id()), "nobody got in without b accepting");
}
