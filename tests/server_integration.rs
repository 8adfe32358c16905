//! The real server on loopback with real `SignalClient`s, each on its own UDP socket.

use std::collections::VecDeque;
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use ovrnet::server::{self, AuthMode, ServerConfig, ServerHandle, token};
use ovrnet::signal::rng::SplitMix64;
use ovrnet::signal::{
    ClientConfig, Credential, FailReason, LoginRefusal, MAX_SIGNAL_DATAGRAM, SignalClient, SignalEvent,
};

const SECRET: &[u8] = b"integration-secret";

/// Impairment applied to one client's traffic in both directions.
struct Lossy {
    rng: SplitMix64,
    drop_percent: u64,
    dup_percent: u64,
    /// Duplicates held back one round so they also arrive out of order.
    late_in: VecDeque<Vec<u8>>,
    /// Datagrams dropped and duplicated so far (proof that the impairment did something).
    dropped: u64,
    duplicated: u64,
}

impl Lossy {
    /// How many copies of one datagram get through: 0, 1 or 2.
    fn copies(&mut self) -> usize {
        if self.rng.chance(self.drop_percent) {
            self.dropped += 1;
            0
        } else if self.rng.chance(self.dup_percent) {
            self.duplicated += 1;
            2
        } else {
            1
        }
    }
}

struct Client {
    server: SocketAddr,
    socket: UdpSocket,
    sm: SignalClient,
    events: Vec<SignalEvent>,
    lossy: Option<Lossy>,
}

impl Client {
    fn new(server: SocketAddr, user: u64, credential: &[u8], start: Instant) -> Self {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket.set_nonblocking(true).unwrap();
        let mut config = ClientConfig::new(server, user, Credential::new(credential).unwrap());
        config.initial_rto_us = 50_000;
        config.max_rto_us = 400_000;
        Self { server, socket, sm: SignalClient::new(config, now_us(start)), events: Vec::new(), lossy: None }
    }

    fn lossy(mut self, seed: u64) -> Self {
        self.lossy = Some(Lossy {
            rng: SplitMix64::new(seed),
            drop_percent: 30,
            dup_percent: 30,
            late_in: VecDeque::new(),
            dropped: 0,
            duplicated: 0,
        });
        self
    }

    fn addr(&self) -> SocketAddr {
        self.socket.local_addr().unwrap()
    }

    /// One round: send what is due, read what arrived, run timers, collect events.
    fn step(&mut self, start: Instant) {
        let mut buf = [0u8; MAX_SIGNAL_DATAGRAM];
        while let Some((to, n)) = self.sm.poll_transmit(now_us(start), &mut buf) {
            let copies = self.lossy.as_mut().map_or(1, Lossy::copies);
            for _ in 0..copies {
                self.socket.send_to(&buf[..n], to).unwrap();
            }
        }
        let mut rbuf = [0u8; 2048];
        let mut arrived = Vec::new();
        if let Some(l) = self.lossy.as_mut() {
            arrived.extend(l.late_in.drain(..));
        }
        while let Ok((n, from)) = self.socket.recv_from(&mut rbuf) {
            let data = rbuf[..n].to_vec();
            match self.lossy.as_mut() {
                Some(l) => match l.copies() {
                    0 => {}
                    1 => arrived.push(data),
                    _ => {
                        l.late_in.push_back(data.clone());
                        arrived.push(data);
                    }
                },
                None => arrived.push(data),
            }
            assert_eq!(from, self.server);
        }
        for data in arrived {
            self.sm.handle_datagram(now_us(start), self.server, &data);
        }
        self.sm.handle_timeout(now_us(start));
        while let Some(e) = self.sm.poll_event() {
            self.events.push(e);
        }
    }

    fn has(&self, e: &SignalEvent) -> bool {
        self.events.contains(e)
    }
}

fn now_us(start: Instant) -> u64 {
    start.elapsed().as_micros() as u64
}

fn start_server(auth: AuthMode) -> ServerHandle {
    let mut config = ServerConfig::new("127.0.0.1:0".parse().unwrap(), auth);
    // Faster, more persistent push retries so the lossy run settles quickly.
    config.push_initial_rto_us = 50_000;
    config.push_max_rto_us = 400_000;
    config.push_max_attempts = 30;
    server::spawn(config).unwrap()
}

/// Steps every client until `done` holds; fails the test after `limit`.
fn run_until(
    clients: &mut [&mut Client],
    start: Instant,
    limit: Duration,
    done: impl Fn(&[&mut Client]) -> bool,
) {
    let deadline = Instant::now() + limit;
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

fn logged_in(c: &Client) -> bool {
    c.events.iter().any(|e| matches!(e, SignalEvent::LoggedIn { .. }))
}

#[test]
fn connect_and_accept_share_real_addresses() {
    let server = start_server(AuthMode::Open);
    let start = Instant::now();
    let mut a = Client::new(server.local_addr(), 1, b"a-secret", start);
    let mut b = Client::new(server.local_addr(), 2, b"b-secret", start);
    run_until(&mut [&mut a, &mut b], start, Duration::from_secs(3), |cs| cs.iter().all(|c| logged_in(c)));

    a.sm.connect(now_us(start), 2).unwrap();
    let a_addr = a.addr();
    let want_request = SignalEvent::PeerConnectRequest { peer: 1, addr: a_addr };
    run_until(&mut [&mut a, &mut b], start, Duration::from_secs(3), |cs| cs[1].has(&want_request));
    assert!(a.has(&SignalEvent::ConnectPending { peer: 2 }));

    b.sm.accept(now_us(start), 1).unwrap();
    let b_addr = b.addr();
    let accepted = SignalEvent::PeerAccepted { peer: 2, addr: b_addr };
    let accept_ok = SignalEvent::AcceptOk { peer: 1, addr: a_addr };
    run_until(&mut [&mut a, &mut b], start, Duration::from_secs(3), |cs| {
        cs[0].has(&accepted) && cs[1].has(&accept_ok)
    });

    // Connecting to someone who is not there fails at once.
    a.sm.connect(now_us(start), 99).unwrap();
    let offline = SignalEvent::ConnectFailed { peer: 99, reason: FailReason::Offline };
    run_until(&mut [&mut a], start, Duration::from_secs(3), |cs| cs[0].has(&offline));

    // Logout is acknowledged and the user is gone for others.
    b.sm.logout(now_us(start));
    run_until(&mut [&mut b], start, Duration::from_secs(3), |cs| cs[0].has(&SignalEvent::LoggedOut));
    a.sm.connect(now_us(start), 2).unwrap();
    let gone = SignalEvent::ConnectFailed { peer: 2, reason: FailReason::Offline };
    run_until(&mut [&mut a], start, Duration::from_secs(3), |cs| cs[0].has(&gone));
    server.shutdown();
}

#[test]
fn taken_user_id_is_refused_in_open_mode() {
    let server = start_server(AuthMode::Open);
    let start = Instant::now();
    let mut owner = Client::new(server.local_addr(), 5, b"owner", start);
    run_until(&mut [&mut owner], start, Duration::from_secs(3), |cs| logged_in(cs[0]));
    let mut thief = Client::new(server.local_addr(), 5, b"thief", start);
    let refused = SignalEvent::LoginRefused { reason: LoginRefusal::UserIdTaken };
    run_until(&mut [&mut owner, &mut thief], start, Duration::from_secs(3), |cs| cs[1].has(&refused));
    assert!(thief.sm.is_closed());
    // The same secret from another socket proves the same owner and takes over.
    let mut again = Client::new(server.local_addr(), 5, b"owner", start);
    run_until(&mut [&mut owner, &mut again], start, Duration::from_secs(3), |cs| {
        logged_in(cs[1]) && cs[0].has(&SignalEvent::SessionEnded)
    });
}

#[test]
fn bad_tokens_are_refused_in_secret_mode() {
    let server = start_server(AuthMode::SharedSecret(SECRET.to_vec()));
    let start = Instant::now();
    let unix = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let good = token::mint(SECRET, 11, unix + 600);
    let wrong_user = token::mint(SECRET, 12, unix + 600);
    let wrong_secret = token::mint(b"not the secret", 11, unix + 600);
    let expired = token::mint(SECRET, 11, unix - 10);
    let mut ok = Client::new(server.local_addr(), 11, good.as_bytes(), start);
    let mut bad1 = Client::new(server.local_addr(), 11, wrong_user.as_bytes(), start);
    let mut bad2 = Client::new(server.local_addr(), 11, wrong_secret.as_bytes(), start);
    let mut bad3 = Client::new(server.local_addr(), 11, expired.as_bytes(), start);
    let invalid = SignalEvent::LoginRefused { reason: LoginRefusal::InvalidToken };
    let too_old = SignalEvent::LoginRefused { reason: LoginRefusal::TokenExpired };
    run_until(&mut [&mut ok, &mut bad1, &mut bad2, &mut bad3], start, Duration::from_secs(3), |cs| {
        logged_in(cs[0]) && cs[1].has(&invalid) && cs[2].has(&invalid) && cs[3].has(&too_old)
    });
    assert_eq!(server.stats().logins_refused, 3);
}

#[test]
fn brokering_completes_through_loss_duplication_and_reordering() {
    let server = start_server(AuthMode::Open);
    let start = Instant::now();
    let addr = server.local_addr();
    let mut a = Client::new(addr, 1, b"a", start).lossy(0xA);
    let mut b = Client::new(addr, 2, b"b", start).lossy(0xB);
    let mut c = Client::new(addr, 3, b"c", start).lossy(0xC);
    run_until(&mut [&mut a, &mut b, &mut c], start, Duration::from_secs(5), |cs| {
        cs.iter().all(|c| logged_in(c))
    });
    a.sm.connect(now_us(start), 2).unwrap();
    a.sm.connect(now_us(start), 3).unwrap();
    let a_addr = a.addr();
    run_until(&mut [&mut a, &mut b, &mut c], start, Duration::from_secs(5), |cs| {
        cs[1..].iter().all(|c| c.has(&SignalEvent::PeerConnectRequest { peer: 1, addr: a_addr }))
    });
    b.sm.accept(now_us(start), 1).unwrap();
    c.sm.accept(now_us(start), 1).unwrap();
    let (b_addr, c_addr) = (b.addr(), c.addr());
    run_until(&mut [&mut a, &mut b, &mut c], start, Duration::from_secs(5), |cs| {
        let ok = SignalEvent::AcceptOk { peer: 1, addr: a_addr };
        cs[0].has(&SignalEvent::PeerAccepted { peer: 2, addr: b_addr })
            && cs[0].has(&SignalEvent::PeerAccepted { peer: 3, addr: c_addr })
            && cs[1].has(&ok)
            && cs[2].has(&ok)
    });
    // Every event arrived exactly once despite duplicated datagrams.
    for client in [&a, &b, &c] {
        for (i, e) in client.events.iter().enumerate() {
            assert!(!client.events[i + 1..].contains(e), "duplicate event {e:?}");
        }
    }
    for client in [&a, &b, &c] {
        let l = client.lossy.as_ref().unwrap();
        assert!(l.dropped > 0 && l.duplicated > 0, "impairment was active");
    }
}
