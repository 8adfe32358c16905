//! Rooms end to end: the real server on loopback with real `SignalClient`s, each on its own
//! UDP socket, optionally dropping and duplicating 20% of datagrams both ways.

use std::collections::VecDeque;
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use ovrnet::server::{self, AuthMode, ServerConfig, ServerHandle};
use ovrnet::signal::rng::SplitMix64;
use ovrnet::signal::{
    ClientConfig, Credential, DataStore, JoinPolicy, MAX_SIGNAL_DATAGRAM, RoomErrorCode, RoomEvent,
    RoomSnapshot, SignalClient, SignalEvent,
};

const LIMIT: Duration = Duration::from_secs(10);

/// Drops or duplicates (and delays the copy by one round) a share of datagrams.
struct Lossy {
    rng: SplitMix64,
    percent: u64,
    late: VecDeque<Vec<u8>>,
    dropped: u64,
    duplicated: u64,
}

impl Lossy {
    fn copies(&mut self) -> usize {
        if self.rng.chance(self.percent) {
            self.dropped += 1;
            0
        } else if self.rng.chance(self.percent) {
            self.duplicated += 1;
            2
        } else {
            1
        }
    }
}

struct Client {
    user: u64,
    server: SocketAddr,
    socket: UdpSocket,
    sm: SignalClient,
    events: Vec<SignalEvent>,
    rooms: Vec<RoomEvent>,
    lossy: Option<Lossy>,
    /// A silent client neither sends nor reads (a crashed game).
    silent: bool,
}

impl Client {
    fn new(server: SocketAddr, user: u64, start: Instant, loss_percent: u64) -> Self {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket.set_nonblocking(true).unwrap();
        let mut config = ClientConfig::new(server, user, Credential::new(format!("secret-{user}")).unwrap());
        config.initial_rto_us = 50_000;
        config.max_rto_us = 400_000;
        let lossy = (loss_percent > 0).then(|| Lossy {
            rng: SplitMix64::new(0x5EED ^ user),
            percent: loss_percent,
            late: VecDeque::new(),
            dropped: 0,
            duplicated: 0,
        });
        Self {
            user,
            server,
            socket,
            sm: SignalClient::new(config, now_us(start)),
            events: Vec::new(),
            rooms: Vec::new(),
            lossy,
            silent: false,
        }
    }

    fn step(&mut self, start: Instant) {
        if self.silent {
            return;
        }
        let mut buf = [0u8; MAX_SIGNAL_DATAGRAM];
        while let Some((to, n)) = self.sm.poll_transmit(now_us(start), &mut buf) {
            let copies = self.lossy.as_mut().map_or(1, Lossy::copies);
            for _ in 0..copies {
                self.socket.send_to(&buf[..n], to).unwrap();
            }
        }
        let mut arrived: Vec<Vec<u8>> =
            self.lossy.as_mut().map(|l| l.late.drain(..).collect()).unwrap_or_default();
        let mut rbuf = [0u8; 2048];
        while let Ok((n, from)) = self.socket.recv_from(&mut rbuf) {
            assert_eq!(from, self.server);
            let data = rbuf[..n].to_vec();
            match self.lossy.as_mut().map_or(1, Lossy::copies) {
                0 => {}
                1 => arrived.push(data),
                _ => {
                    if let Some(l) = self.lossy.as_mut() {
                        l.late.push_back(data.clone());
                    }
                    arrived.push(data);
                }
            }
        }
        for data in arrived {
            self.sm.handle_datagram(now_us(start), self.server, &data);
        }
        self.sm.handle_timeout(now_us(start));
        self.events.extend(std::iter::from_fn(|| self.sm.poll_event()));
        self.rooms.extend(std::iter::from_fn(|| self.sm.poll_room_event()));
    }

    fn logged_in(&self) -> bool {
        self.events.iter().any(|e| matches!(e, SignalEvent::LoggedIn { .. }))
    }

    /// The reply to request `id`, once it arrived.
    fn reply(&self, id: u32) -> Option<&Result<RoomSnapshot, ovrnet::signal::RoomError>> {
        self.rooms.iter().find_map(|e| match e {
            RoomEvent::RoomReply { request_id, result } if *request_id == id => Some(result),
            _ => None,
        })
    }

    fn snapshot(&self) -> Option<&RoomSnapshot> {
        self.sm.current_room_snapshot()
    }
}

fn now_us(start: Instant) -> u64 {
    start.elapsed().as_micros() as u64
}

fn start_server(session_timeout_us: u64) -> ServerHandle {
    let mut config = ServerConfig::new("127.0.0.1:0".parse().unwrap(), AuthMode::Open);
    config.push_initial_rto_us = 50_000;
    config.push_max_rto_us = 400_000;
    config.push_max_attempts = 30;
    config.session_timeout_us = session_timeout_us;
    server::spawn(config).unwrap()
}

fn run_until(clients: &mut [Client], start: Instant, what: &str, done: impl Fn(&[Client]) -> bool) {
    let deadline = Instant::now() + LIMIT;
    while !done(clients) {
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}; rooms: {:?}",
            clients.iter().map(|c| (c.user, c.snapshot())).collect::<Vec<_>>()
        );
        for c in clients.iter_mut() {
            c.step(start);
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Every listed client is in `room` with exactly this owner and member list, and all of them
/// hold the same snapshot.
fn converged(clients: &[Client], who: &[usize], owner: u64, members: &[u64]) -> bool {
    let first = clients[who[0]].snapshot();
    who.iter().all(|&i| {
        let s = clients[i].snapshot();
        s == first && s.is_some_and(|s| s.owner == owner && s.members == members)
    })
}

fn ok(c: &Client, id: u32) -> RoomSnapshot {
    match c.reply(id) {
        Some(Ok(s)) => s.clone(),
        other => panic!("user {}: request {id}: {other:?}", c.user),
    }
}

/// Four clients: one creates, three join, the owner leaves, a latecomer finds the room full.
fn scenario(loss_percent: u64) {
    let server = start_server(10_000_000);
    let start = Instant::now();
    let addr = server.local_addr();
    let mut cs: Vec<Client> = (1..=5).map(|u| Client::new(addr, u, start, loss_percent)).collect();
    run_until(&mut cs, start, "logins", |cs| cs.iter().all(Client::logged_in));

    let mut store = DataStore::new();
    store.set("map", "harbour").unwrap();
    let t = now_us(start);
    let create = cs[0].sm.room_create(t, JoinPolicy::Everyone, 4, false, store.clone()).unwrap();
    run_until(&mut cs, start, "create", |cs| cs[0].reply(create).is_some());
    let room = ok(&cs[0], create).room_id;
    assert_ne!(room, 0);

    let t = now_us(start);
    let joins: Vec<u32> = (1..4).map(|i| cs[i].sm.room_join(t, room, false).unwrap()).collect();
    run_until(&mut cs, start, "joins", |cs| (1..4).all(|i| cs[i].reply(joins[i - 1]).is_some()));
    for i in 1..4 {
        assert_eq!(ok(&cs[i], joins[i - 1]).room_id, room);
    }
    // Join order differs run to run; whatever it is, everyone agrees on it.
    let server_order = |cs: &[Client]| cs[0].snapshot().map(|s| s.members.clone()).unwrap_or_default();
    run_until(&mut cs, start, "four members everywhere", |cs| {
        let m = server_order(cs);
        m.len() == 4 && m[0] == 1 && converged(cs, &[0, 1, 2, 3], 1, &m)
    });
    let full = cs[0].snapshot().unwrap().clone();
    assert_eq!(full.version, 4, "create + three joins");
    assert_eq!(full.data_store, store);
    assert_eq!(full.max_users, 4);
    for c in &cs[..4] {
        assert_eq!(c.sm.current_room(), Some(room));
    }

    // A fifth user finds the room full and stays out.
    let refused = cs[4].sm.room_join(now_us(start), room, false).unwrap();
    run_until(&mut cs, start, "room full", |cs| cs[4].reply(refused).is_some());
    match cs[4].reply(refused) {
        Some(Err(e)) => assert_eq!(e.code, RoomErrorCode::RoomFull, "{e}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(cs[4].sm.current_room(), None);

    // The owner leaves: ownership passes to the longest-present member.
    let next_owner = full.members[1];
    let rest: Vec<u64> = full.members[1..].to_vec();
    let leave = cs[0].sm.room_leave(now_us(start), room).unwrap();
    run_until(&mut cs, start, "owner hand-off", |cs| {
        cs[0].reply(leave).is_some() && converged(cs, &[1, 2, 3], next_owner, &rest)
    });
    assert_eq!(cs[0].sm.current_room(), None);
    assert_eq!(cs[1].snapshot().unwrap().version, 5);

    // Now there is space: the fifth user gets in, everyone sees it.
    let join = cs[4].sm.room_join(now_us(start), room, false).unwrap();
    let mut with_five = rest.clone();
    with_five.push(5);
    run_until(&mut cs, start, "latecomer", |cs| {
        cs[4].reply(join).is_some() && converged(cs, &[1, 2, 3, 4], next_owner, &with_five)
    });

    // Updates arrived at most once per change: no version was reported twice.
    for c in &cs {
        let versions: Vec<u64> = c
            .rooms
            .iter()
            .filter_map(|e| match e {
                RoomEvent::RoomUpdate { snapshot } => Some(snapshot.version),
                _ => None,
            })
            .collect();
        assert!(versions.windows(2).all(|w| w[0] < w[1]), "user {}: {versions:?}", c.user);
    }
    if loss_percent > 0 {
        let lossy = || cs.iter().filter_map(|c| c.lossy.as_ref());
        let (dropped, duplicated) =
            (lossy().map(|l| l.dropped).sum::<u64>(), lossy().map(|l| l.duplicated).sum::<u64>());
        assert!(
            dropped > 5 && duplicated > 5,
            "impairment was active: {dropped} dropped, {duplicated} duplicated"
        );
    }
    assert_eq!(server.stats().rooms_created, 1);
    server.shutdown();
}

#[test]
fn four_clients_share_a_room_and_ownership_passes() {
    scenario(0);
}

#[test]
fn rooms_converge_through_20_percent_loss_and_duplication() {
    scenario(20);
}

#[test]
fn a_client_that_goes_silent_is_removed_from_its_room() {
    let server = start_server(1_000_000);
    let start = Instant::now();
    let addr = server.local_addr();
    let mut cs: Vec<Client> = (1..=3).map(|u| Client::new(addr, u, start, 0)).collect();
    run_until(&mut cs, start, "logins", |cs| cs.iter().all(Client::logged_in));
    let create =
        cs[0].sm.room_create(now_us(start), JoinPolicy::FriendsOfOwner, 3, false, DataStore::new()).unwrap();
    run_until(&mut cs, start, "create", |cs| cs[0].reply(create).is_some());
    let room = ok(&cs[0], create).room_id;
    for c in &mut cs[1..] {
        c.sm.room_join(now_us(start), room, false).unwrap();
    }
    run_until(&mut cs, start, "joins", |cs| converged(cs, &[0, 1, 2], 1, &[1, 2, 3]));
    // The owner's game hangs: no heartbeats, nothing read.
    cs[0].silent = true;
    run_until(&mut cs, start, "timeout removal", |cs| converged(cs, &[1, 2], 2, &[2, 3]));
    assert_eq!(server.stats().sessions_timed_out, 1);
}
