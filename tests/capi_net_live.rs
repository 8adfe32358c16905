//! The networking exports end to end: the C ABI instance against a peer on the Rust API, through
//! a real in-process server, over real UDP on 127.0.0.1.

mod capi_support;

use std::time::Duration;

use capi_support::live::{
    CConfig, Msg, ShutdownOnDrop, connect_c_to, engine_expect, engine_read_n, expect, none_within,
    peer_engine, read_n, send, server,
};
use capi_support::serial;
use ovrnet::capi::abi::enums::{PeerConnectionState, SendPolicy};
use ovrnet::capi::net::net_path::{PathType, ovrnet_Net_GetPathType};
use ovrnet::capi::net::net_peer::{
    ovr_Net_Accept, ovr_Net_Close, ovr_Net_Connect, ovr_Net_IsConnected, ovr_Net_Ping,
};
use ovrnet::capi::net::net_stats::{NetStats, ovrnet_Net_GetStats};
use ovrnet::engine::{Notification, PeerState};
use ovrnet::proto::Policy;
use ovrnet::server::AuthMode;

fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect()
}

#[test]
fn outbound_connect_then_data_both_ways_ping_stats_and_close() {
    let _serial = serial();
    let s = server(AuthMode::Open);
    let peer = peer_engine(&s, 2002);
    assert!(CConfig::new(s.local_addr(), 1001).init());
    let _shutdown = ShutdownOnDrop;
    assert!(!ovr_Net_IsConnected(2002).get());
    connect_c_to(&peer, 1001);
    assert!(ovr_Net_IsConnected(2002).get());

    // C -> peer: the largest reliable message, a small one after it (order kept), the largest
    // unreliable one.
    let big = pattern(65_535, 1);
    assert!(send(2002, &big, SendPolicy::Reliable));
    assert!(send(2002, b"after the big one", SendPolicy::Reliable));
    assert!(send(2002, &pattern(1200, 2), SendPolicy::Unreliable));
    let got = engine_read_n(&peer, 3);
    let reliable: Vec<_> =
        got.iter().filter(|p| p.policy == Policy::Reliable).map(|p| p.data.clone()).collect();
    assert_eq!(reliable, vec![big, b"after the big one".to_vec()]);
    assert!(got.iter().all(|p| p.sender == 1001));
    assert!(got.iter().any(|p| p.policy == Policy::Unreliable && p.data == pattern(1200, 2)));

    // peer -> C: sender, policy and bytes as sent.
    peer.send(1001, b"one", Policy::Reliable).expect("send");
    peer.send(1001, &pattern(40_000, 3), Policy::Reliable).expect("send");
    peer.send(1001, b"pose", Policy::Unreliable).expect("send");
    let got = read_n(3);
    assert_eq!(got.len(), 3, "{got:?}");
    let reliable: Vec<_> = got.iter().filter(|p| p.1 == SendPolicy::Reliable).map(|p| p.2.clone()).collect();
    assert_eq!(reliable, vec![b"one".to_vec(), pattern(40_000, 3)]);
    assert!(got.contains(&(2002, SendPolicy::Unreliable, b"pose".to_vec())));
    assert!(got.iter().all(|p| p.0 == 2002));

    // Ping: the reply carries the call's request id and names the pinged peer.
    let request = ovr_Net_Ping(2002);
    assert_ne!(request, 0);
    let reply = expect(|m| matches!(m, Msg::Ping { .. }));
    match reply {
        Msg::Ping { request: r, peer: p, usec, timeout } => {
            assert_eq!((r, p, timeout), (request, 2002, false));
            assert!(usec > 0 && usec < 1_000_000, "loopback rtt {usec} us");
        }
        other => panic!("{other:?}"),
    }

    let mut stats = NetStats::default();
    assert!(ovrnet_Net_GetStats(2002, &mut stats).get());
    assert!(stats.rtt_usec > 0 && stats.min_rtt_usec > 0);
    assert!(stats.bytes_sent >= 65_535 + 1200, "{stats:?}");
    assert!(stats.bytes_received >= 40_000, "{stats:?}");
    assert!(!ovrnet_Net_GetStats(2003, &mut stats).get(), "no connection to 2003");

    // The connection started on the server's relay; on loopback the direct path proves itself
    // at once.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
    while ovrnet_Net_GetPathType(2002) != PathType::Direct {
        assert_eq!(ovrnet_Net_GetPathType(2002), PathType::Relayed, "a connection is direct or relayed");
        assert!(std::time::Instant::now() < deadline, "no direct path on loopback");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert_eq!(ovrnet_Net_GetPathType(2003), PathType::None, "no connection to 2003");
    assert_eq!(ovrnet_Net_GetPathType(0), PathType::None, "peer 0 is refused");

    ovr_Net_Close(2002);
    expect(|m| *m == Msg::State(2002, PeerConnectionState::Closed));
    engine_expect(&peer, |n| {
        *n == Notification::ConnectionStateChange { peer: 1001, state: PeerState::Closed }
    });
    assert!(!ovr_Net_IsConnected(2002).get());
}

#[test]
fn inbound_request_is_announced_and_accepted() {
    let _serial = serial();
    let s = server(AuthMode::Open);
    assert!(CConfig::new(s.local_addr(), 3001).init());
    let _shutdown = ShutdownOnDrop;
    let peer = peer_engine(&s, 3002);

    // Accepting someone who never asked does nothing.
    ovr_Net_Accept(3002);
    assert!(none_within(Duration::from_millis(300), |m| matches!(m, Msg::State(..))));

    peer.connect(3001);
    expect(|m| *m == Msg::ConnectRequest(3002));
    ovr_Net_Accept(3002);
    expect(|m| *m == Msg::State(3002, PeerConnectionState::Connected));
    engine_expect(&peer, |n| {
        *n == Notification::ConnectionStateChange { peer: 3001, state: PeerState::Connected }
    });
    assert!(ovr_Net_IsConnected(3002).get());

    // The peer closes: the C side sees Closed.
    assert!(peer.close(3001));
    expect(|m| *m == Msg::State(3002, PeerConnectionState::Closed));
}

#[test]
fn offline_peer_times_out_and_ping_without_connection_reports_timeout() {
    let _serial = serial();
    let s = server(AuthMode::Open);
    let mut cfg = CConfig::new(s.local_addr(), 4001);
    cfg.connect_timeout_ms = 1500;
    assert!(cfg.init());
    let _shutdown = ShutdownOnDrop;

    ovr_Net_Connect(4999);
    expect(|m| *m == Msg::State(4999, PeerConnectionState::Timeout));
    assert!(!ovr_Net_IsConnected(4999).get());

    let request = ovr_Net_Ping(4998);
    assert_ne!(request, 0);
    let reply = expect(|m| matches!(m, Msg::Ping { .. }));
    assert_eq!(reply, Msg::Ping { request, peer: 4998, usec: 0, timeout: true });
}

#[test]
fn unreliable_needs_a_connection_reliable_is_buffered_until_accepted() {
    let _serial = serial();
    let s = server(AuthMode::Open);
    let peer = peer_engine(&s, 5002);
    assert!(CConfig::new(s.local_addr(), 5001).init());
    let _shutdown = ShutdownOnDrop;

    assert!(!send(5002, b"too early", SendPolicy::Unreliable));
    let lines: Vec<Vec<u8>> = (0..50).map(|i| format!("line {i}").into_bytes()).collect();
    for line in &lines {
        assert!(send(5002, line, SendPolicy::Reliable), "buffered before the connection");
    }
    engine_expect(&peer, |n| *n == Notification::PeerConnectRequest { peer: 5001 });
    assert!(peer.accept(5001));
    expect(|m| *m == Msg::State(5002, PeerConnectionState::Connected));
    let got: Vec<Vec<u8>> = engine_read_n(&peer, 50).into_iter().map(|p| p.data).collect();
    assert_eq!(got, lines);
}

#[test]
fn init_validation_double_init_and_reinit() {
    let _serial = serial();
    let s = server(AuthMode::Open);
    let addr = s.local_addr();

    // Refused configurations leave nothing behind.
    assert!(!ovrnet::capi::platform::ovrnet_init::ovrnet_Initialize(std::ptr::null()).get());
    let mut bad = CConfig::new(addr, 0);
    assert!(!bad.init(), "user id 0");
    bad = CConfig::new(addr, 6001);
    bad.server = c"not-an-address".to_owned();
    assert!(!bad.init(), "server without a port");
    bad = CConfig::new(addr, 6001);
    bad.bind = c"bogus bind".to_owned();
    assert!(!bad.init(), "bind");
    bad = CConfig::new(addr, 6001);
    bad.credential = std::ffi::CString::new(vec![b'k'; 256]).expect("no NUL");
    assert!(!bad.init(), "credential over 255 bytes");
    let owner = CConfig::new(addr, 6001);
    let mut raw = owner.raw();
    raw.server_address = std::ptr::null();
    assert!(!ovrnet::capi::platform::ovrnet_init::ovrnet_Initialize(&raw).get(), "NULL server");
    assert!(!ovrnet::capi::platform::oculus_init::ovr_IsPlatformInitialized().get());
    assert_eq!(ovrnet::capi::platform::oculus_init::ovr_GetLoggedInUserID(), 0);

    // A good one, then a second init that must not disturb it.
    assert!(CConfig::new(addr, 6001).init());
    let _shutdown = ShutdownOnDrop;
    assert!(!CConfig::new(addr, 6009).init(), "double init");
    assert_eq!(ovrnet::capi::platform::oculus_init::ovr_GetLoggedInUserID(), 6001);
    let peer = peer_engine(&s, 6002);
    connect_c_to(&peer, 6001);

    // Shutdown twice is fine; afterwards everything falls back; init works again.
    ovrnet::capi::platform::ovrnet_init::ovrnet_Shutdown();
    ovrnet::capi::platform::ovrnet_init::ovrnet_Shutdown();
    assert!(!ovr_Net_IsConnected(6002).get());
    assert_eq!(ovr_Net_Ping(6002), 0);
    engine_expect(&peer, |n| {
        *n == Notification::ConnectionStateChange { peer: 6001, state: PeerState::Closed }
    });
    assert!(CConfig::new(addr, 6001).init());
    assert_eq!(ovrnet::capi::platform::oculus_init::ovr_GetLoggedInUserID(), 6001);
    connect_c_to(&peer, 6001);
}

#[test]
fn init_v2_takes_the_relay_mode_and_checks_its_size_and_values() {
    use ovrnet::capi::platform::ovrnet_init_v2::{InitConfigV2, RelaySetting, ovrnet_InitializeV2};
    const OVRNET_RELAY_AUTO: i32 = RelaySetting::Auto as i32;
    const OVRNET_RELAY_ALWAYS: i32 = RelaySetting::Always as i32;
    let _serial = serial();
    let s = server(AuthMode::Open);
    let owner = CConfig::new(s.local_addr(), 7001);
    let full = std::mem::size_of::<InitConfigV2>() as u32;
    let v2 = |size: u32, relay: i32| InitConfigV2 { struct_size: size, base: owner.raw(), relay };

    assert!(!ovrnet_InitializeV2(std::ptr::null()).get(), "NULL");
    assert!(!ovrnet_InitializeV2(&v2(0, OVRNET_RELAY_AUTO)).get(), "structSize 0");
    assert!(!ovrnet_InitializeV2(&v2(16, OVRNET_RELAY_AUTO)).get(), "structSize short of base");
    assert!(!ovrnet_InitializeV2(&v2(full, 7)).get(), "unknown relay value");
    assert!(!ovrnet::capi::platform::oculus_init::ovr_IsPlatformInitialized().get());

    // Relay only: the connection stays on the server's relay.
    assert!(ovrnet_InitializeV2(&v2(full, OVRNET_RELAY_ALWAYS)).get());
    let _shutdown = ShutdownOnDrop;
    let peer = peer_engine(&s, 7002);
    connect_c_to(&peer, 7001);
    assert!(send(7002, b"through the relay", SendPolicy::Reliable));
    assert_eq!(engine_read_n(&peer, 1).first().map(|p| p.data.clone()), Some(b"through the relay".to_vec()));
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(ovrnet_Net_GetPathType(7002), PathType::Relayed);
    assert!(s.stats().relayed_packets > 0);
    ovrnet::capi::platform::ovrnet_init::ovrnet_Shutdown();

    // A caller built before `relay` existed passes the smaller size: the relay field, even if
    // garbage lies there, is not read and the default applies.
    let old_size = std::mem::offset_of!(InitConfigV2, relay) as u32;
    assert!(ovrnet_InitializeV2(&v2(old_size, 7)).get(), "fields past structSize are not read");
}
