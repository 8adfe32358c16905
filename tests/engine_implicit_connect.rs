//! The implicit connect of `send` on real loopback sockets against a real in-process server:
//! unreliable traffic alone brings a link up, and a peer that cannot be reached costs one
//! connect attempt (one Timeout) per connect timeout however often the game sends.
mod engine_support;
use engine_support::*;

use std::time::{Duration, Instant};

use ovrnet::engine::{Engine, EngineSendError, Notification, PeerState};
use ovrnet::proto::Policy;
use ovrnet::server::AuthMode;

/// Sends one unreliable message to `peer` every few milliseconds for `secs`, collecting every
/// notification the sender sees meanwhile.
fn keep_sending(e: &Engine, peer: u64, secs: f64) -> (Vec<Result<(), EngineSendError>>, Vec<Notification>) {
    let deadline = Instant::now() + Duration::from_secs_f64(secs);
    let (mut results, mut seen) = (vec![], vec![]);
    while Instant::now() < deadline {
        results.push(e.send(peer, b"transform", Policy::Unreliable));
        while let Some(n) = e.pop_notification() {
            seen.push(n);
        }
        e.wait(Duration::from_millis(3));
    }
    (results, seen)
}

#[test]
fn unreliable_traffic_alone_brings_the_connection_up() {
    let s = server(AuthMode::Open);
    let (a, b) = (engine(&s, 7101), engine(&s, 7102));
    assert_eq!(a.send(7102, b"first", Policy::Unreliable), Err(EngineSendError::Connecting));
    assert_eq!(a.send(7102, b"second", Policy::Unreliable), Err(EngineSendError::Connecting));
    expect(&b, |n| *n == Notification::PeerConnectRequest { peer: 7101 }, 5);
    assert!(b.accept(7101));
    expect(&a, state(7102, PeerState::Connected), 5);
    a.send(7102, b"now it flows", Policy::Unreliable).expect("connected: unreliable is sent");
    let got = read(&b, 1, 5);
    assert_eq!(
        got,
        vec![(7101, Policy::Unreliable, b"now it flows".to_vec())],
        "the early ones were dropped"
    );
}

#[test]
fn many_sends_while_connecting_make_one_request() {
    let s = server(AuthMode::Open);
    let (a, b) = (engine(&s, 7201), engine(&s, 7202));
    for _ in 0..50 {
        assert_eq!(a.send(7202, b"x", Policy::Unreliable), Err(EngineSendError::Connecting));
        a.send(7202, b"r", Policy::Reliable).expect("reliable is buffered");
    }
    expect(&b, |n| *n == Notification::PeerConnectRequest { peer: 7201 }, 5);
    std::thread::sleep(Duration::from_millis(300));
    let mut more_requests = 0;
    while let Some(n) = b.pop_notification() {
        if n == (Notification::PeerConnectRequest { peer: 7201 }) {
            more_requests += 1;
        }
    }
    assert_eq!(more_requests, 0, "one attempt, not one per send");
    assert!(b.accept(7201));
    assert_eq!(read(&b, 50, 5).len(), 50, "every buffered reliable message arrives");
}

#[test]
fn an_unreachable_peer_costs_one_timeout_per_connect_timeout() {
    let s = server(AuthMode::Open);
    let mut cfg = config(&s, 7301, "secret-7301");
    cfg.connect_timeout = Duration::from_millis(600);
    let a = Engine::start(cfg).expect("engine starts");
    expect(&a, |n| *n == Notification::LoggedIn, 5);
    // 7399 never logs in: each attempt ends in Timeout after 600 ms. Sending for 1.5 s gives the
    // first attempt (0-0.6 s), a hold-off (0.6-1.2 s) and a second attempt (from 1.2 s on).
    let (results, seen) = keep_sending(&a, 7399, 1.5);
    let timeouts = seen.iter().filter(|n| state(7399, PeerState::Timeout)(n)).count();
    assert!(results.len() > 100, "the loop really sent often ({} sends)", results.len());
    assert!((1..=2).contains(&timeouts), "{timeouts} Timeouts for {} sends", results.len());
    assert!(
        results.contains(&Err(EngineSendError::Unreachable)),
        "sends in the hold-off are refused as such"
    );
    assert!(results.iter().all(|r| r.is_err()), "nothing is sent to a peer that is not there");
    // An explicit connect does not wait for the hold-off.
    while a.pop_notification().is_some() {}
    a.connect(7399);
    expect(&a, state(7399, PeerState::Timeout), 3);
}

#[test]
fn sends_after_the_server_is_gone_do_not_flood_timeouts() {
    let s = server(AuthMode::Open);
    let a = engine(&s, 7401);
    drop(s);
    // The client notices the server is gone when a request goes unanswered; from then on each
    // attempt fails at once. However often the game sends, one Timeout per connect timeout.
    let (results, seen) = keep_sending(&a, 7402, 4.0);
    let timeouts = seen.iter().filter(|n| state(7402, PeerState::Timeout)(n)).count();
    assert!(results.len() > 300, "the loop really sent often ({} sends)", results.len());
    // config() uses a 3 s connect timeout: at most two attempts fit in 4 s.
    assert!((1..=2).contains(&timeouts), "{timeouts} Timeouts for {} sends", results.len());
}
