//! The fake network on real sockets (what `fake_*` settings turn on for a developer testing
//! netcode): latency holds every datagram back, and under loss, duplication, jitter and
//! reordering together reliable messages still arrive exactly once and in order.
mod engine_support;

use std::time::{Duration, Instant};

use engine_support::{config, connect_pair, expect, read, server};
use ovrnet::engine::{Engine, Notification};
use ovrnet::proto::Policy;
use ovrnet::server::AuthMode;
use ovrnet::sim::LinkConfig;

fn engine_with(s: &ovrnet::server::ServerHandle, id: u64, link: LinkConfig) -> Engine {
    let mut cfg = config(s, id, &format!("secret-{id}"));
    cfg.connect_timeout = Duration::from_secs(8);
    cfg.proto.idle_timeout_us = 5_000_000;
    cfg.fake_network = Some((link, id));
    let e = Engine::start(cfg).expect("engine starts");
    expect(&e, |n| *n == Notification::LoggedIn, 8);
    e
}

#[test]
fn fake_latency_delays_every_datagram_on_the_real_socket() {
    let s = server(AuthMode::Open);
    let slow = engine_with(&s, 8501, LinkConfig { latency_us: 40_000, ..LinkConfig::default() });
    let fast = engine_with(&s, 8502, LinkConfig::default());
    connect_pair(&slow, &fast);
    for i in 0..5 {
        let t0 = Instant::now();
        slow.send(fast.user_id(), format!("t{i}").as_bytes(), Policy::Reliable).expect("send");
        let got = read(&fast, 1, 5);
        let took = t0.elapsed();
        assert_eq!(got.len(), 1);
        assert!(took >= Duration::from_millis(40), "arrived after {took:?}, sooner than the fake 40 ms");
        assert!(took < Duration::from_millis(1000), "arrived after {took:?}");
    }
}

#[test]
fn under_loss_duplication_jitter_and_reordering_reliable_data_arrives_once_in_order() {
    let s = server(AuthMode::Open);
    let bad = LinkConfig {
        loss: 0.05,
        duplicate: 0.05,
        reorder: 0.05,
        reorder_delay_us: 15_000,
        latency_us: 5_000,
        jitter_us: 5_000,
        ..LinkConfig::default()
    };
    let a = engine_with(&s, 8601, bad.clone());
    let b = engine_with(&s, 8602, bad);
    connect_pair(&a, &b);
    const N: usize = 300;
    for i in 0..N {
        while a.send(b.user_id(), format!("m{i}").as_bytes(), Policy::Reliable).is_err() {
            a.wait(Duration::from_millis(1));
        }
    }
    let got = read(&b, N, 30);
    let want: Vec<Vec<u8>> = (0..N).map(|i| format!("m{i}").into_bytes()).collect();
    assert_eq!(got.iter().map(|(_, _, d)| d.clone()).collect::<Vec<_>>(), want);
    let stats = b.stats(a.user_id()).expect("connection");
    assert!(stats.packets_received > 0);
}
