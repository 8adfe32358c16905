//! The client <-> server channel on real sockets with the real server: sessions belong to the
//! keys of the login handshake, not to a source address. A client whose NAT rebinds keeps its
//! session (and peers are given its new address); datagrams captured on the path and replayed
//! from elsewhere, forged ones, and session messages in clear change nothing.

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use ovrnet::server::{self, AuthMode, ServerConfig, ServerHandle};
use ovrnet::signal::{
    ClientConfig, Credential, MAX_SIGNAL_DATAGRAM, Message, SignalClient, SignalEvent, decode, encode,
};

/// A signalling client on a socket the test can swap (as a NAT rebinding does) and whose every
/// sent datagram is kept (as an attacker on the path sees them).
struct Client {
    socket: UdpSocket,
    sm: SignalClient,
    events: Vec<SignalEvent>,
    sent: Vec<Vec<u8>>,
}

impl Client {
    fn new(server: SocketAddr, user: u64, start: Instant) -> Self {
        let mut config = ClientConfig::new(server, user, Credential::new(format!("secret-{user}")).unwrap());
        config.initial_rto_us = 50_000;
        config.max_rto_us = 400_000;
        config.heartbeat_interval_us = 100_000;
        Self { socket: socket(), sm: SignalClient::new(config, now_us(start)), events: vec![], sent: vec![] }
    }

    fn addr(&self) -> SocketAddr {
        self.socket.local_addr().unwrap()
    }

    /// One round: send what is due, read what arrived, run timers, collect events.
    fn step(&mut self, start: Instant) {
        let mut buf = [0u8; MAX_SIGNAL_DATAGRAM];
        while let Some((to, n)) = self.sm.poll_transmit(now_us(start), &mut buf) {
            self.socket.send_to(&buf[..n], to).unwrap();
            self.sent.push(buf[..n].to_vec());
        }
        let mut rbuf = [0u8; 2048];
        while let Ok((n, from)) = self.socket.recv_from(&mut rbuf) {
            self.sm.handle_datagram(now_us(start), from, &rbuf[..n]);
        }
        self.sm.handle_timeout(now_us(start));
        self.events.extend(std::iter::from_fn(|| self.sm.poll_event()));
    }

    fn ended(&self) -> bool {
        self.events.iter().any(|e| matches!(e, SignalEvent::SessionEnded | SignalEvent::ServerLost))
    }
}

fn socket() -> UdpSocket {
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    s.set_nonblocking(true).unwrap();
    s
}

fn now_us(start: Instant) -> u64 {
    u64::try_from(start.elapsed().as_micros()).unwrap()
}

fn start_server() -> ServerHandle {
    let mut config = ServerConfig::new("127.0.0.1:0".parse().unwrap(), AuthMode::Open);
    config.push_initial_rto_us = 50_000;
    server::spawn(config).unwrap()
}

/// Steps every client until `done` holds; fails the test after 3 s.
fn run_until(clients: &mut [&mut Client], start: Instant, done: impl Fn(&[&mut Client]) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(3);
    while !done(clients) {
        assert!(
            Instant::now() < deadline,
            "timed out; events: {:?}",
            clients.iter().map(|c| &c.events).collect::<Vec<_>>()
        );
        for c in clients.iter_mut() {
            c.step(start);
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Runs the clients for `d` (to let anything an attack caused happen).
fn run_for(clients: &mut [&mut Client], start: Instant, d: Duration) {
    let until = Instant::now() + d;
    run_until(clients, start, |_| Instant::now() >= until);
}

fn logged_in(c: &Client) -> bool {
    c.events.iter().any(|e| matches!(e, SignalEvent::LoggedIn { .. }))
}

/// `from` asks to connect to `to`, which accepts; returns the address `from` is told `to` is at.
fn broker(from: &mut Client, to: &mut Client, start: Instant) -> SocketAddr {
    let (from_id, to_id) = (user_of(from), user_of(to));
    from.sm.connect(now_us(start), to_id).unwrap();
    run_until(&mut [from, to], start, |cs| {
        cs[1]
            .events
            .iter()
            .any(|e| matches!(e, SignalEvent::PeerConnectRequest { peer, .. } if *peer == from_id))
    });
    to.sm.accept(now_us(start), from_id).unwrap();
    run_until(&mut [from, to], start, |cs| {
        cs[0].events.iter().any(|e| matches!(e, SignalEvent::PeerAccepted { peer, .. } if *peer == to_id))
    });
    let told = from.events.iter().rev().find_map(|e| match e {
        SignalEvent::PeerAccepted { peer, addr } if *peer == to_id => Some(*addr),
        _ => None,
    });
    from.events.clear();
    to.events.clear();
    told.unwrap()
}

fn user_of(c: &Client) -> u64 {
    c.sent
        .iter()
        .find_map(|d| match decode(d) {
            Ok(Message::Login { user_id, .. }) => Some(user_id),
            _ => None,
        })
        .unwrap()
}

#[test]
fn a_client_whose_nat_rebinds_keeps_its_session_and_peers_get_the_new_address() {
    let server = start_server();
    let start = Instant::now();
    let mut a = Client::new(server.local_addr(), 1, start);
    let mut b = Client::new(server.local_addr(), 2, start);
    run_until(&mut [&mut a, &mut b], start, |cs| cs.iter().all(|c| logged_in(c)));
    assert_eq!(broker(&mut b, &mut a, start), a.addr());

    // The NAT gives A a new public port: its datagrams now come from another address, and
    // nothing else changes for the client.
    let old = a.addr();
    a.socket = socket();
    assert_ne!(a.addr(), old);
    run_for(&mut [&mut a, &mut b], start, Duration::from_millis(300));
    assert!(!a.ended(), "the session survived: {:?}", a.events);
    assert_eq!(server.stats().address_changes, 1);
    // Peers are given the new address, and the server's pushes reach it there.
    assert_eq!(broker(&mut b, &mut a, start), a.addr());
    server.shutdown();
}

#[test]
fn captured_datagrams_replayed_from_another_address_change_nothing() {
    let server = start_server();
    let start = Instant::now();
    let mut a = Client::new(server.local_addr(), 11, start);
    let mut b = Client::new(server.local_addr(), 12, start);
    run_until(&mut [&mut a, &mut b], start, |cs| cs.iter().all(|c| logged_in(c)));
    broker(&mut a, &mut b, start);
    run_for(&mut [&mut a, &mut b], start, Duration::from_millis(200));

    // Everything A sent so far (its login, heartbeats, requests, acks), replayed by an attacker
    // from its own address, twice over.
    let attacker = socket();
    let captured = a.sent.clone();
    let sealed = captured.iter().filter(|d| matches!(decode(d), Ok(Message::Sealed { .. }))).count();
    assert!(sealed >= 3, "the capture holds sealed datagrams: {sealed}");
    let before = server.stats();
    for d in captured.iter().chain(&captured) {
        attacker.send_to(d, server.local_addr()).unwrap();
    }
    run_for(&mut [&mut a, &mut b], start, Duration::from_millis(300));
    let after = server.stats();
    assert_eq!(after.sealed_refused - before.sealed_refused, 2 * sealed as u64, "every replay refused");
    assert_eq!(after.address_changes, 0, "no replay moved the session");
    assert_eq!(after.logins, before.logins, "the replayed login made no session");
    assert!(!a.ended() && !b.ended());
    // The attacker heard nothing but a cookie retry (for the login it replayed without one).
    let mut buf = [0u8; 2048];
    while let Ok((n, _)) = attacker.recv_from(&mut buf) {
        assert!(
            matches!(decode(&buf[..n]), Ok(Message::LoginRetry { .. } | Message::LoginRefused { .. })),
            "{:?}",
            decode(&buf[..n])
        );
    }
    // A is still where it was: B is told A's real address.
    assert_eq!(broker(&mut b, &mut a, start), a.addr());
    server.shutdown();
}

#[test]
fn forged_and_clear_session_messages_change_nothing() {
    let server = start_server();
    let start = Instant::now();
    let mut a = Client::new(server.local_addr(), 21, start);
    let mut b = Client::new(server.local_addr(), 22, start);
    run_until(&mut [&mut a, &mut b], start, |cs| cs.iter().all(|c| logged_in(c)));
    run_for(&mut [&mut a, &mut b], start, Duration::from_millis(250)); // a few sealed heartbeats
    let session = a.sm.session().unwrap();
    let attacker = socket();
    let mut buf = [0u8; MAX_SIGNAL_DATAGRAM];
    let mut send = |msg: &Message| {
        let n = encode(msg, &mut buf).unwrap();
        attacker.send_to(&buf[..n], server.local_addr()).unwrap();
    };
    let before = server.stats();
    // A logout in clear naming A's session (as v2 clients sent them).
    send(&Message::Logout { req: 1, session });
    // A sealed logout for A's session, under keys the attacker does not have.
    for counter in [0, 1_000, u64::MAX] {
        send(&Message::Sealed { to_server: true, session, counter, body: vec![0x5A; 40] });
    }
    // A captured sealed datagram with one byte changed.
    let mut changed =
        a.sent.iter().rev().find(|d| matches!(decode(d), Ok(Message::Sealed { .. }))).unwrap().clone();
    let last = changed.len() - 1;
    changed[last] ^= 1;
    attacker.send_to(&changed, server.local_addr()).unwrap();
    run_for(&mut [&mut a, &mut b], start, Duration::from_millis(300));
    let after = server.stats();
    assert_eq!(after.unexpected - before.unexpected, 1, "the clear logout is refused");
    assert_eq!(after.sealed_refused - before.sealed_refused, 4, "the forged and changed ones do not open");
    assert!(!a.ended(), "{:?}", a.events);
    assert_eq!(broker(&mut b, &mut a, start), a.addr(), "A is still online where it was");
    server.shutdown();
}
