//! The engine on real loopback UDP sockets against a real in-process rendezvous server.
mod engine_support;
use engine_support::*;

use std::net::SocketAddr;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ovrnet::engine::{Engine, EngineConfig, EngineSendError, Notification, PeerState};
use ovrnet::proto::{Policy, SendError};
use ovrnet::server::{self, AuthMode, ServerConfig, ServerHandle};

#[test]
fn connect_accept_and_exchange_both_ways() {
    let s = server(AuthMode::Open);
    let (a, b) = (engine(&s, 101), engine(&s, 102));
    connect_pair(&a, &b);
    a.send(102, b"hello b", Policy::Reliable).expect("send");
    b.send(101, b"hello a", Policy::Reliable).expect("send");
    b.send(101, b"position", Policy::Unreliable).expect("send");
    assert_eq!(read(&b, 1, 5), vec![(101, Policy::Reliable, b"hello b".to_vec())]);
    let got = read(&a, 2, 5);
    assert!(got.contains(&(102, Policy::Reliable, b"hello a".to_vec())));
    assert!(got.contains(&(102, Policy::Unreliable, b"position".to_vec())));
}

#[test]
fn not_accepting_times_out_the_caller() {
    let s = server(AuthMode::Open);
    let (a, b) = (engine(&s, 201), engine(&s, 202));
    a.connect(202);
    expect(&b, |n| *n == Notification::PeerConnectRequest { peer: 201 }, 5);
    expect(&a, state(202, PeerState::Timeout), 6);
    assert!(!a.is_connected(202));
}

#[test]
fn connecting_to_an_offline_user_times_out() {
    let s = server(AuthMode::Open);
    let a = engine(&s, 301);
    a.connect(999_999);
    expect(&a, state(999_999, PeerState::Timeout), 6);
}

#[test]
fn implicit_connect_on_reliable_send_delivers_all_buffered_data() {
    let s = server(AuthMode::Open);
    let (a, b) = (engine(&s, 401), engine(&s, 402));
    // Unreliable data before the connection is up starts the connect and is itself dropped.
    assert_eq!(a.send(402, b"too early", Policy::Unreliable), Err(EngineSendError::Connecting));
    let msgs: Vec<Vec<u8>> = (0..100u32).map(|i| format!("buffered {i}").into_bytes()).collect();
    for m in &msgs {
        a.send(402, m, Policy::Reliable).expect("buffered");
    }
    expect(&b, |n| *n == Notification::PeerConnectRequest { peer: 401 }, 5);
    assert!(b.accept(401));
    let got: Vec<Vec<u8>> = read(&b, 100, 5).into_iter().map(|p| p.2).collect();
    assert_eq!(got, msgs);
}

#[test]
fn close_from_either_side_is_seen_by_both() {
    let s = server(AuthMode::Open);
    let (a, b) = (engine(&s, 501), engine(&s, 502));
    connect_pair(&a, &b);
    assert!(a.close(502));
    expect(&a, state(502, PeerState::Closed), 2);
    expect(&b, state(501, PeerState::Closed), 5);
    assert!(!a.is_connected(502) && !b.is_connected(501));
    // And again the other way round, on a fresh connection.
    connect_pair(&a, &b);
    assert!(b.close(501));
    expect(&b, state(501, PeerState::Closed), 2);
    expect(&a, state(502, PeerState::Closed), 5);
}

/// Child-process role for the test below: logs in as user 602 on the server named in the
/// environment, accepts 601, says READY and then waits to be killed. Ignored in normal runs; the
/// parent runs it with `--ignored --exact`.
#[test]
#[ignore = "child process of killed_peer_is_reported_closed_after_the_idle_timeout"]
fn killed_peer_child() {
    let Ok(addr) = std::env::var("OVRNET_TEST_SERVER") else { return };
    let addr: SocketAddr = addr.parse().expect("server address");
    let mut cfg = EngineConfig::new(addr, 602, b"child".to_vec());
    cfg.bind = SocketAddr::from(([127, 0, 0, 1], 0));
    cfg.proto.keepalive_us = 300_000;
    let b = Engine::start(cfg).expect("child engine");
    expect(&b, |n| *n == Notification::LoggedIn, 5);
    println!("LOGGED_IN");
    expect(&b, |n| *n == Notification::PeerConnectRequest { peer: 601 }, 10);
    assert!(b.accept(601));
    expect(&b, state(601, PeerState::Connected), 10);
    println!("READY");
    loop {
        std::thread::sleep(Duration::from_secs(1));
    }
}

#[test]
fn killed_peer_is_reported_closed_after_the_idle_timeout() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let s = server(AuthMode::Open);
    let a = engine(&s, 601);
    let exe = std::env::current_exe().expect("test binary path");
    let mut child = Command::new(exe)
        .args(["--ignored", "--exact", "killed_peer_child", "--nocapture", "--test-threads=1"])
        .env("OVRNET_TEST_SERVER", s.local_addr().to_string())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn child peer");
    let mut lines = BufReader::new(child.stdout.take().expect("child stdout")).lines();
    let mut wait_for = |word: &str| {
        for line in lines.by_ref() {
            // The harness may print "test killed_peer_child ... " on the same line first.
            if line.expect("child output").trim_end().ends_with(word) {
                return;
            }
        }
        panic!("child exited before printing {word}; server {:?}", s.stats());
    };
    wait_for("LOGGED_IN");
    a.connect(602);
    expect(&a, state(602, PeerState::Connected), 10);
    wait_for("READY");
    child.kill().expect("kill child");
    let killed_at = Instant::now();
    let _ = child.wait();
    expect(&a, state(602, PeerState::Closed), 6);
    // Idle timeout is 2 s here; the last datagram from the child came up to one keepalive
    // interval (0.3 s) before the kill. The upper bound leaves room for a loaded machine: it
    // checks the documented behaviour (Closed after the idle timeout), not speed.
    let took = killed_at.elapsed();
    assert!(took >= Duration::from_millis(1500), "closed too early: {took:?}");
    assert!(took <= Duration::from_millis(4500), "closed too late: {took:?}");
}

#[test]
fn ping_reports_a_plausible_rtt() {
    let s = server(AuthMode::Open);
    let (a, b) = (engine(&s, 701), engine(&s, 702));
    connect_pair(&a, &b);
    let id = a.ping(702);
    assert_ne!(id, 0);
    let n = expect(&a, |n| matches!(n, Notification::PingResult { .. }), 3);
    let Notification::PingResult { request_id, peer, rtt_us: Some(rtt) } = n else {
        panic!("ping failed: {n:?}");
    };
    assert_eq!((request_id, peer), (id, 702));
    assert!(rtt > 0 && rtt < 100_000, "loopback rtt {rtt} us");
    let unconnected = a.ping(12345);
    let n = expect(&a, |n| matches!(n, Notification::PingResult { .. }), 3);
    assert_eq!(n, Notification::PingResult { request_id: unconnected, peer: 12345, rtt_us: None });
}

#[test]
fn three_peers_all_talk_to_each_other() {
    let s = server(AuthMode::Open);
    let peers = [engine(&s, 801), engine(&s, 802), engine(&s, 803)];
    for i in 0..3 {
        for j in i + 1..3 {
            connect_pair(&peers[i], &peers[j]);
        }
    }
    for p in &peers {
        for q in &peers {
            if p.user_id() != q.user_id() {
                p.send(q.user_id(), format!("{}->{}", p.user_id(), q.user_id()).as_bytes(), Policy::Reliable)
                    .expect("send");
            }
        }
    }
    for q in &peers {
        let mut got: Vec<String> =
            read(q, 2, 5).into_iter().map(|p| String::from_utf8_lossy(&p.2).into_owned()).collect();
        got.sort();
        let mut want: Vec<String> = peers
            .iter()
            .filter(|p| p.user_id() != q.user_id())
            .map(|p| format!("{}->{}", p.user_id(), q.user_id()))
            .collect();
        want.sort();
        assert_eq!(got, want);
    }
}

#[test]
fn ten_megabytes_of_reliable_data_arrive_intact() {
    let s = server(AuthMode::Open);
    let (a, b) = (engine(&s, 901), engine(&s, 902));
    connect_pair(&a, &b);
    let total = 10 << 20;
    let chunk = 60_000;
    let data: Vec<u8> = (0..total as u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    let reader = std::thread::scope(|scope| {
        let reader = scope.spawn(|| {
            let mut got = Vec::with_capacity(total);
            let deadline = Instant::now() + Duration::from_secs(30);
            while got.len() < total && Instant::now() < deadline {
                match b.read_packet() {
                    Some(p) => got.extend_from_slice(&p.data),
                    None => {
                        b.wait(Duration::from_millis(1));
                    }
                }
            }
            got
        });
        for part in data.chunks(chunk) {
            loop {
                match a.send(902, part, Policy::Reliable) {
                    Ok(()) => break,
                    Err(ovrnet::engine::EngineSendError::Proto(SendError::QueueFull)) => {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    Err(e) => panic!("send failed: {e:?}"),
                }
            }
        }
        reader.join().expect("reader thread")
    });
    assert_eq!(reader.len(), total);
    assert!(reader == data, "10 MB arrived altered");
}

#[test]
fn login_is_refused_for_a_taken_user_id_and_for_a_bad_token() {
    let s = server(AuthMode::Open);
    let _first = engine(&s, 1001);
    let second = Engine::start(config(&s, 1001, "a different secret")).expect("starts");
    expect(&second, |n| matches!(n, Notification::LoginFailed { .. }), 5);
    assert!(!second.is_logged_in());

    let secret = b"backend-secret".to_vec();
    let s2 = server(AuthMode::SharedSecret(secret.clone()));
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let good = server::token::mint(&secret, 1002, now + 600);
    let ok = Engine::start(config(&s2, 1002, &good)).expect("starts");
    expect(&ok, |n| *n == Notification::LoggedIn, 5);
    let forged = server::token::mint(b"not the secret", 1003, now + 600);
    let bad = Engine::start(config(&s2, 1003, &forged)).expect("starts");
    expect(&bad, |n| matches!(n, Notification::LoginFailed { .. }), 5);
    let stolen = Engine::start(config(&s2, 1004, &good)).expect("starts");
    expect(&stolen, |n| matches!(n, Notification::LoginFailed { .. }), 5);
}

#[test]
fn a_reader_that_pauses_gets_everything_and_memory_stays_bounded() {
    let s = server(AuthMode::Open);
    let (a, b) = (engine(&s, 1101), engine(&s, 1102));
    connect_pair(&a, &b);
    let msgs: Vec<Vec<u8>> = (0..600u32).map(|i| vec![i as u8; 50_000]).collect();
    let mut next = 0;
    let pause_until = Instant::now() + Duration::from_millis(1500);
    let mut max_undelivered = 0;
    while Instant::now() < pause_until {
        while next < msgs.len() && a.send(1102, &msgs[next], Policy::Reliable).is_ok() {
            next += 1;
        }
        if let Some(st) = b.stats(1101) {
            max_undelivered = max_undelivered.max(st.undelivered_bytes);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    // 30 MB offered: the 8 MiB send buffer, the 4 MiB inbox and the bounded backlog hold the rest back.
    assert!(next < msgs.len(), "the sender must have been held back, sent {next}");
    let window = 4u64 << 20;
    assert!(max_undelivered <= 2 * window + 1200, "connection backlog {max_undelivered}");
    let mut got = vec![];
    let deadline = Instant::now() + Duration::from_secs(30);
    while got.len() < msgs.len() && Instant::now() < deadline {
        while next < msgs.len() && a.send(1102, &msgs[next], Policy::Reliable).is_ok() {
            next += 1;
        }
        match b.read_packet() {
            Some(p) => got.push(p.data),
            None => {
                b.wait(Duration::from_millis(1));
            }
        }
    }
    assert_eq!(got.len(), msgs.len());
    assert!(got == msgs, "data altered or reordered");
}

/// An engine whose sent datagrams suffer fake loss and duplication (signalling included), so
/// server pushes get retransmitted and arrive out of order.
fn lossy_engine(s: &ServerHandle, id: u64, seed: u64) -> Engine {
    let mut cfg = config(s, id, &format!("secret-{id}"));
    cfg.fake_network = Some((ovrnet::sim::LinkConfig::lossy(0.3).with_duplicate(0.1), seed));
    cfg.connect_timeout = Duration::from_secs(10);
    let e = Engine::start(cfg).expect("engine starts");
    expect(&e, |n| *n == Notification::LoggedIn, 10);
    e
}

#[test]
fn both_sides_connecting_at_once_end_up_with_one_working_connection() {
    let s = server(AuthMode::Open);
    for i in 0..12u64 {
        let (a, b) = (lossy_engine(&s, 2000 + 2 * i, i), lossy_engine(&s, 2001 + 2 * i, 100 + i));
        let (ida, idb) = (a.user_id(), b.user_id());
        std::thread::scope(|sc| {
            sc.spawn(|| a.connect(idb));
            sc.spawn(|| b.connect(ida));
        });
        // Requests that cross may also surface as PeerConnectRequests; accepting them is harmless.
        let deadline = Instant::now() + Duration::from_secs(15);
        while !(a.is_connected(idb) && b.is_connected(ida)) {
            assert!(Instant::now() < deadline, "pair {i} never connected");
            for (e, other) in [(&a, idb), (&b, ida)] {
                while let Some(n) = e.pop_notification() {
                    assert_ne!(
                        n,
                        Notification::ConnectionStateChange { peer: other, state: PeerState::Timeout },
                        "pair {i}"
                    );
                    assert_ne!(
                        n,
                        Notification::ConnectionStateChange { peer: other, state: PeerState::Closed },
                        "pair {i}"
                    );
                    if n == (Notification::PeerConnectRequest { peer: other }) {
                        e.accept(other);
                    }
                }
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        for k in 0..20u32 {
            a.send(idb, &k.to_le_bytes(), Policy::Reliable).expect("send");
            b.send(ida, &k.to_le_bytes(), Policy::Reliable).expect("send");
        }
        let want: Vec<Vec<u8>> = (0..20u32).map(|k| k.to_le_bytes().to_vec()).collect();
        assert_eq!(read(&b, 20, 15).into_iter().map(|p| p.2).collect::<Vec<_>>(), want, "pair {i} a->b");
        assert_eq!(read(&a, 20, 15).into_iter().map(|p| p.2).collect::<Vec<_>>(), want, "pair {i} b->a");
        assert!(a.is_connected(idb) && b.is_connected(ida), "pair {i}: the connection survived");
    }
}

#[test]
fn a_host_accepting_many_players_at_once_connects_them_all() {
    // More dials than the signalling client keeps in flight (64): accepts beyond that wait their
    // turn instead of being refused (which left players hanging until their connect timeout).
    const N: u64 = 150;
    let mut cfg = ServerConfig::new(SocketAddr::from(([127, 0, 0, 1], 0)), AuthMode::Open);
    cfg.max_pending_per_user = 1024;
    cfg.max_pushes_per_session = 1024;
    let s = server::spawn(cfg).expect("server starts");
    let mut hub_cfg = config(&s, 1, "secret-1");
    hub_cfg.connect_timeout = Duration::from_secs(20);
    let hub = Engine::start(hub_cfg).expect("engine starts");
    expect(&hub, |n| *n == Notification::LoggedIn, 5);
    let players: Vec<Engine> = (2..2 + N)
        .map(|id| {
            let mut c = config(&s, id, &format!("secret-{id}"));
            c.connect_timeout = Duration::from_secs(20);
            Engine::start(c).expect("engine starts")
        })
        .collect();
    for p in &players {
        expect(p, |n| *n == Notification::LoggedIn, 5);
    }
    for p in &players {
        p.connect(1);
    }
    let deadline = Instant::now() + Duration::from_secs(15);
    let (mut accepted, mut connected) = (0, 0);
    while connected < N && Instant::now() < deadline {
        while let Some(n) = hub.pop_notification() {
            match n {
                Notification::PeerConnectRequest { peer } => {
                    assert!(hub.accept(peer), "accept of {peer} refused");
                    accepted += 1;
                }
                Notification::ConnectionStateChange { state: PeerState::Connected, .. } => connected += 1,
                other => panic!("hub saw {other:?}"),
            }
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    assert_eq!((accepted, connected), (N, N), "every player is accepted and connected");
    for p in &players {
        expect(p, state(1, PeerState::Connected), 5);
    }
}
