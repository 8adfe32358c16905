//! Engine state behind one short lock: the signalling client, the peer table and every transport
//! connection. It is fed time, datagrams and application commands, and sends through the socket
//! it is handed; the callers (application threads and the worker) decide when.
use std::collections::VecDeque;

// Per-message lookups; keys are peer ids and addresses the engine registers itself, not input an
// attacker controls in bulk, so a fast hasher is safe here (std's SipHash was ~24% of the cost).
use rustc_hash::FxHashMap as HashMap;
use std::io::ErrorKind;
use std::net::SocketAddr;

use log::{debug, info, warn};

use super::api::{EngineConfig, EngineSendError, Notification, Packet, PeerState, RoomOp};
use super::fake_network::FakeNetwork;
use super::inbox::Inbox;
use super::path::{PROBE, PROBE_HEADER_LEN, PathState, RelayMode, Route, Targets};
use super::peer::{Peer, Phase};
use super::peer_identity::PeerIdentity;
use super::udp_io::Output;
use crate::proto::{self, CloseReason, Connection, Event, Policy, Role, SendError};
use crate::signal::backoff::Backoff;
use crate::signal::relay::{self, RELAY_V1};
use crate::signal::{ClientConfig, Credential, SIGNAL_V3, SignalClient, SignalEvent};
use crate::udp::RxBuffer;

mod rooms;

/// How far `drain_socket` reads.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Drain {
    /// Until the socket is empty (the worker: its readiness events are edge-triggered).
    All,
    /// Until a message for the application arrived (the polling application).
    FirstArrival,
}

/// A burst of back-to-back sends is held back until this much is queued, then sent as one
/// batch (GSO takes up to 64 KiB per system call).
const COALESCE_MAX_BYTES: usize = 48 * 1024;

/// Bound and lifetime of stashed handshake openers from unknown addresses.
const MAX_EARLY_HELLOS: usize = 16;
const EARLY_HELLO_MAX_AGE_US: u64 = 2_000_000;

/// First wait before logging in again after losing the server, doubling up to the cap: a
/// restarted server sees its clients back within a second, a dead one is not hammered.
const RELOGIN_FIRST_US: u64 = 250_000;
const RELOGIN_MAX_US: u64 = 4_000_000;

fn relogin_backoff() -> Backoff {
    Backoff::new(RELOGIN_FIRST_US, RELOGIN_MAX_US)
}

/// Bound of the send hold-off table (peers the application chose to send to, not attacker input;
/// bounded anyway).
const MAX_SEND_HOLDOFFS: usize = 4096;

/// Where a peer datagram came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    /// Straight from this address; `Some(flags)` if it came in a probe envelope.
    Direct(SocketAddr, Option<u8>),
    /// Through the server's relay, from this user.
    Relay(u64),
}

pub struct Core {
    user_id: u64,
    server: SocketAddr,
    relay_mode: RelayMode,
    /// Where our socket is on our own network (told to the server after each login).
    lan_addrs: Vec<SocketAddr>,
    proto_cfg: proto::Config,
    connect_timeout_us: u64,
    signal: SignalClient,
    /// What a fresh signalling client is built from when the engine logs in again.
    credential: Credential,
    /// Our peer signing key and the certificate the latest login got for it.
    identity: PeerIdentity,
    /// Datagrams of the unencrypted transport version 1 (an outdated peer), refused.
    old_transport: u64,
    logged_in: bool,
    /// When to log in again after the server was lost or ended the session (None: not planned).
    relogin_at: Option<u64>,
    /// Spaces the re-logins out while the server stays away; reset by a successful login.
    relogin_backoff: Backoff,
    /// Shutdown has begun: the logout must not be followed by a new login.
    stopping: bool,
    peers: HashMap<u64, Peer>,
    by_addr: HashMap<SocketAddr, u64>,
    /// (peer, transport ping id) -> request id the application holds.
    pings: HashMap<(u64, u64), u64>,
    next_request: u64,
    /// Room requests in flight: signalling request id -> (request id the game holds, kind).
    room_ops: HashMap<u32, (u64, RoomOp)>,
    /// Room whose members' connect requests are accepted automatically.
    auto_accept_room: Option<u64>,
    /// Handshake openers from peers we do not know yet: the peer's HELLO can overtake the
    /// server's message telling us its address. Replayed when that peer's transport starts.
    early_hellos: VecDeque<(u64, Source, Vec<u8>)>,
    garbage: u64,
    /// Per peer whose last attempt timed out: until when a send does not start a new attempt, so
    /// a game that keeps sending to an unreachable peer gets one Timeout per connect timeout, not
    /// one per call. Only `connect` and the peer's own request clear an entry.
    send_holdoff: HashMap<u64, u64>,
    /// The latest time an entry point was given (the clock for bookkeeping deep in the pumps).
    clock: u64,
    /// Longest a burst's held-back sends wait for the application's next call (0 = never hold).
    coalesce_us: u64,
    /// Since when sends of the current burst are held back, and how many bytes.
    held_since: Option<u64>,
    held_bytes: usize,
    /// Socket I/O with segmentation offload, with the fake network when one is configured.
    out: Output,
    rx: RxBuffer,
    /// Some connection may hold messages the full inbox could not take.
    held_back: bool,
    /// Messages moved to the inbox so far (lets `drain_socket` see a delivery without locking
    /// the inbox after every receive).
    delivered: u64,
}

/// Key material for a connection. Without a working random source no connection may start (a
/// guessable ephemeral key would expose the traffic), so this is None and the attempt fails.
fn random_bytes() -> Option<[u8; 32]> {
    let mut b = [0u8; 32];
    match getrandom::fill(&mut b) {
        Ok(()) => Some(b),
        Err(e) => {
            warn!("event=no_random_source error={e}");
            None
        }
    }
}

fn signal_config(
    server: SocketAddr,
    user: u64,
    credential: &Credential,
    identity: &PeerIdentity,
) -> ClientConfig {
    let mut config = ClientConfig::new(server, user, credential.clone());
    config.peer_key = identity.public_key();
    config.server_key = identity.pinned();
    config
}

impl Core {
    pub fn new(cfg: &EngineConfig, now: u64) -> Result<Self, String> {
        let credential = Credential::new(cfg.credential.clone())
            .ok_or_else(|| "credential longer than 255 bytes".to_string())?;
        let identity = PeerIdentity::new(cfg.server_key)?;
        let signal = SignalClient::new(signal_config(cfg.server, cfg.user_id, &credential, &identity), now);
        let fake = match &cfg.fake_network {
            Some((link, seed)) => {
                Some(FakeNetwork::new(link.clone(), *seed).map_err(|e| format!("fake network: {e}"))?)
            }
            None => None,
        };
        Ok(Core {
            user_id: cfg.user_id,
            server: cfg.server,
            relay_mode: cfg.relay,
            lan_addrs: Vec::new(),
            proto_cfg: cfg.proto.clone(),
            connect_timeout_us: cfg.connect_timeout.as_micros() as u64,
            signal,
            credential,
            identity,
            old_transport: 0,
            logged_in: false,
            relogin_at: None,
            relogin_backoff: relogin_backoff(),
            stopping: false,
            peers: HashMap::default(),
            by_addr: HashMap::default(),
            pings: HashMap::default(),
            next_request: 1,
            room_ops: HashMap::default(),
            auto_accept_room: None,
            early_hellos: VecDeque::new(),
            garbage: 0,
            send_holdoff: HashMap::default(),
            clock: now,
            coalesce_us: cfg.send_coalesce.as_micros() as u64,
            held_since: None,
            held_bytes: 0,
            out: Output::new(fake),
            rx: RxBuffer::default(),
            held_back: false,
            delivered: 0,
        })
    }

    /// Where our socket can be reached on our own network (the I/O layer finds out).
    pub fn set_lan_addrs(&mut self, addrs: Vec<SocketAddr>) {
        self.lan_addrs = addrs;
    }

    pub fn is_logged_in(&self) -> bool {
        self.logged_in
    }

    // ------------------------------------------------------------ application commands

    pub fn connect(&mut self, now: u64, peer: u64, inbox: &Inbox) {
        self.send_holdoff.remove(&peer);
        self.start_connect(now, peer, inbox);
    }

    /// Starts an attempt unless one is live; shared by `connect` and the implicit connect of
    /// `send`.
    fn start_connect(&mut self, now: u64, peer: u64, inbox: &Inbox) {
        self.clock = self.clock.max(now);
        if peer == 0 || peer == self.user_id {
            warn!("event=connect_refused peer={peer} reason=invalid_peer");
            return;
        }
        match self.peers.get(&peer).map(|p| (p.phase, p.is_live())) {
            Some((Phase::Incoming, true)) => {
                self.accept(now, peer);
            }
            Some((_, true)) => {}
            _ => {
                self.forget(peer);
                self.peers.insert(peer, Peer::new(Phase::Requesting, Some(now + self.connect_timeout_us)));
                if let Err(e) = self.signal.connect(now, peer) {
                    warn!("event=connect_failed peer={peer} error={e}");
                    self.end(peer, PeerState::Timeout, inbox);
                }
            }
        }
    }

    pub fn accept(&mut self, now: u64, peer: u64) -> bool {
        let Some(p) = self.peers.get_mut(&peer) else { return false };
        if p.phase != Phase::Incoming || !p.is_live() {
            return false;
        }
        if let Err(e) = self.signal.accept(now, peer) {
            warn!("event=accept_failed peer={peer} error={e}");
            return false;
        }
        p.phase = Phase::Accepting;
        p.connect_deadline = Some(now + self.connect_timeout_us);
        true
    }

    /// Graceful close; the application sees Closed at once, the peer once the close notice (sent
    /// after pending reliable data is delivered) arrives.
    pub fn close(&mut self, now: u64, peer: u64, inbox: &Inbox) -> bool {
        let Some(p) = self.peers.get_mut(&peer) else { return false };
        if !p.is_live() {
            return false;
        }
        match p.phase {
            Phase::Incoming => {
                let _ = self.signal.decline(now, peer);
                self.forget(peer);
                return true;
            }
            Phase::Transport => {
                if let Some(c) = p.conn.as_mut() {
                    c.close(now);
                }
            }
            Phase::Requesting | Phase::Accepting => {}
        }
        let was_transport = p.phase == Phase::Transport;
        self.end(peer, PeerState::Closed, inbox);
        if !was_transport {
            self.forget(peer);
        }
        true
    }

    pub fn is_connected(&self, peer: u64) -> bool {
        self.peers.get(&peer).is_some_and(|p| p.is_live() && p.is_connected())
    }

    /// A fresh request id for the game (pings and room requests share the space; never 0).
    fn next_request_id(&mut self) -> u64 {
        let id = self.next_request;
        self.next_request += 1;
        id
    }

    pub fn ping(&mut self, now: u64, peer: u64, inbox: &Inbox) -> u64 {
        let request_id = self.next_request_id();
        match self.peers.get_mut(&peer).and_then(|p| p.conn.as_mut().filter(|c| c.is_connected())) {
            Some(c) => {
                let id = c.ping(now);
                self.pings.insert((peer, id), request_id);
            }
            None => inbox.push_notification(Notification::PingResult { request_id, peer, rtt_us: None }),
        }
        request_id
    }

    pub fn send(
        &mut self,
        now: u64,
        peer: u64,
        data: &[u8],
        policy: Policy,
        inbox: &Inbox,
    ) -> Result<(), EngineSendError> {
        if peer == 0 || peer == self.user_id {
            return Err(EngineSendError::InvalidPeer);
        }
        let max = match policy {
            Policy::Reliable => proto::MAX_RELIABLE,
            Policy::Unreliable => proto::MAX_UNRELIABLE,
        };
        if data.is_empty() {
            return Err(EngineSendError::Proto(SendError::Empty));
        }
        if data.len() > max {
            return Err(EngineSendError::Proto(SendError::TooLarge { len: data.len(), max }));
        }
        self.clock = self.clock.max(now);
        let live = self.peers.get(&peer).is_some_and(|p| p.is_live());
        if !live {
            if self.send_holdoff.get(&peer).is_some_and(|&until| now < until) {
                return Err(EngineSendError::Unreachable);
            }
            self.send_holdoff.remove(&peer);
            self.start_connect(now, peer, inbox);
        } else if self.peers.get(&peer).is_some_and(|p| p.phase == Phase::Incoming) {
            // Sending to someone who asked to connect is taken as accepting them.
            self.accept(now, peer);
        }
        let limit = self.proto_cfg.send_buffer_bytes;
        let Some(p) = self.peers.get_mut(&peer) else { return Err(EngineSendError::InvalidPeer) };
        match p.conn.as_mut() {
            Some(c) if policy == Policy::Unreliable && !c.is_connected() => Err(EngineSendError::Connecting),
            Some(c) => c.send(data, policy).map_err(EngineSendError::Proto),
            None if policy == Policy::Unreliable => Err(EngineSendError::Connecting),
            None => {
                if p.early_bytes + data.len() > limit {
                    return Err(EngineSendError::Proto(SendError::QueueFull));
                }
                p.early_bytes += data.len();
                p.early.push_back(data.to_vec());
                Ok(())
            }
        }
    }

    /// Decides whether a send that continues a burst waits to go out with the next ones: Some
    /// (the time by which the worker must send it) or None (send now: coalescing is off or the
    /// burst has a batch's worth).
    pub fn hold_send(&mut self, now: u64, len: usize) -> Option<u64> {
        if self.coalesce_us == 0 {
            return None;
        }
        self.held_bytes += len;
        if self.held_bytes >= COALESCE_MAX_BYTES {
            return None;
        }
        Some(*self.held_since.get_or_insert(now) + self.coalesce_us)
    }

    /// When held-back sends must go out at the latest.
    pub fn hold_deadline(&self) -> Option<u64> {
        self.held_since.map(|s| s + self.coalesce_us)
    }

    /// The route a connection's data takes now and the peer's direct address, once its
    /// transport exists.
    pub fn path(&self, peer: u64) -> Option<(Route, Option<SocketAddr>)> {
        let path = self.peers.get(&peer)?.path.as_ref()?;
        Some((path.route(), path.direct_addr()))
    }

    pub fn stats(&self, peer: u64) -> Option<proto::Stats> {
        self.peers.get(&peer)?.conn.as_ref().map(|c| c.stats())
    }

    /// Closes everything at once and logs out (shutdown).
    pub fn shutdown(&mut self, now: u64) {
        self.stopping = true;
        self.relogin_at = None;
        for p in self.peers.values_mut() {
            if let Some(c) = p.conn.as_mut() {
                c.close_now(now);
            }
        }
        self.signal.logout(now);
    }

    // ------------------------------------------------------------ input

    /// Receives until the socket is empty, or with `Drain::FirstArrival` until a message for
    /// the application arrived (it wants its packet now; its next call goes on reading; acks and
    /// other control traffic are all taken, so a sender polls them in one call); true if
    /// anything arrived.
    pub fn drain_socket(
        &mut self,
        now: u64,
        socket: &mio::net::UdpSocket,
        inbox: &Inbox,
        drain: Drain,
    ) -> bool {
        let mut any = false;
        let delivered_before = self.delivered;
        let mut rx = std::mem::take(&mut self.rx);
        loop {
            match rx.recv(socket) {
                Ok(()) => {
                    for (from, data) in rx.datagrams() {
                        any = true;
                        self.on_datagram(now, from, data, inbox);
                    }
                    if drain == Drain::FirstArrival && self.delivered != delivered_before {
                        break;
                    }
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                // Windows reports an ICMP port-unreachable for an earlier send this way.
                Err(e) if e.kind() == ErrorKind::ConnectionReset => continue,
                Err(e) => {
                    warn!("event=recv_error error={e}");
                    break;
                }
            }
        }
        self.rx = rx;
        any
    }

    fn on_datagram(&mut self, now: u64, from: SocketAddr, data: &[u8], inbox: &Inbox) {
        self.clock = self.clock.max(now);
        match data.first() {
            Some(&SIGNAL_V3) if from == self.server => {
                self.signal.handle_datagram(now, from, data);
                self.pump_signal(now, inbox);
            }
            Some(&RELAY_V1) if from == self.server => match relay::parse(data) {
                Some((peer, inner)) => self.on_peer_datagram(now, Source::Relay(peer), inner, inbox),
                None => self.garbage += 1,
            },
            Some(&PROBE) => match data.get(PROBE_HEADER_LEN..) {
                Some(inner) => self.on_peer_datagram(now, Source::Direct(from, Some(data[1])), inner, inbox),
                None => self.garbage += 1,
            },
            _ => self.on_peer_datagram(now, Source::Direct(from, None), data, inbox),
        }
    }

    /// The peer a direct datagram belongs to: by its source address, or (a NAT may map the
    /// peer differently towards us than towards the server) by its connection id.
    fn peer_for(&self, from: SocketAddr, data: &[u8]) -> Option<u64> {
        if let Some(&peer) = self.by_addr.get(&from) {
            return Some(peer);
        }
        let id = proto::peek_conn_id(data).filter(|&id| id != 0)?;
        self.peers
            .iter()
            .find(|(_, p)| p.conn.as_ref().is_some_and(|c| c.conn_id() == id))
            .map(|(&peer, _)| peer)
    }

    fn on_peer_datagram(&mut self, now: u64, source: Source, data: &[u8], inbox: &Inbox) {
        match data.first() {
            Some(&proto::TRANSPORT_V2) => {}
            Some(&proto::TRANSPORT_V1) => {
                self.old_transport += 1;
                if self.old_transport.is_power_of_two() {
                    warn!(
                        "event=old_peer_version source={source:?} version=1 count={} hint=\"the peer runs an ovrnet without encryption; both sides need this version\"",
                        self.old_transport
                    );
                }
                return;
            }
            _ => {
                self.garbage += 1;
                return;
            }
        }
        let known = match source {
            Source::Relay(peer) => self.peers.get(&peer).is_some_and(|p| p.conn.is_some()).then_some(peer),
            Source::Direct(from, _) => self.peer_for(from, data),
        };
        let Some(peer) = known else {
            if proto::is_hello(data) {
                if self.early_hellos.len() >= MAX_EARLY_HELLOS {
                    self.early_hellos.pop_front();
                }
                self.early_hellos.push_back((now, source, data.to_vec()));
            } else {
                self.garbage += 1;
                debug!("event=datagram_from_unknown_peer source={source:?}");
            }
            return;
        };
        let Some(p) = self.peers.get_mut(&peer) else { return };
        let Some(c) = p.conn.as_mut() else { return };
        let fresh = c.handle_datagram(now, data);
        if let Some(e) = c.take_auth_error() {
            warn!("event=peer_auth_failed peer={peer} source={source:?} error={e:?}");
        }
        // A new authenticated datagram straight from the peer: the direct path works in that
        // direction, and `from` is where the peer is reachable.
        if fresh
            && let Source::Direct(from, probe) = source
            && let Some(path) = p.path.as_mut()
        {
            if let Some(route) = path.on_direct(now, from, probe) {
                info!("event=path_changed peer={peer} route={route:?} addr={from}");
            }
            if path.direct_addr() == Some(from) && p.addr != Some(from) {
                if let Some(old) = p.addr.replace(from)
                    && self.by_addr.get(&old) == Some(&peer)
                {
                    self.by_addr.remove(&old);
                }
                self.by_addr.insert(from, peer);
                debug!("event=peer_address_learned peer={peer} addr={from}");
            }
        }
        self.pump_peer(peer, inbox);
    }

    // ------------------------------------------------------------ timers

    pub fn next_deadline(&self) -> Option<u64> {
        let mut t = self.signal.poll_timeout();
        if let Some(at) = self.relogin_at {
            t = Some(t.map_or(at, |x| x.min(at)));
        }
        let mut at = |v: Option<u64>| {
            if let Some(v) = v {
                t = Some(t.map_or(v, |x| x.min(v)));
            }
        };
        // While sends are held back, queued data is not a reason to wake; the hold's end is.
        let holding = self.hold_deadline();
        at(holding);
        at(self.out.next_due());
        for p in self.peers.values() {
            at(p.connect_deadline);
            at(p.conn
                .as_ref()
                .and_then(|c| if holding.is_some() { c.timer_deadline() } else { c.poll_timeout() }));
            at(p.path.as_ref().and_then(|path| path.poll_timeout(p.is_connected())));
        }
        t
    }

    /// The deadline of one peer's connection (for the fast path's wake-up decision).
    pub fn peer_deadline(&self, peer: u64) -> Option<u64> {
        let p = self.peers.get(&peer)?;
        let c = p.conn.as_ref().and_then(|c| c.poll_timeout());
        let path = p.path.as_ref().and_then(|path| path.poll_timeout(p.is_connected()));
        [c, p.connect_deadline, path].into_iter().flatten().min()
    }

    pub fn handle_timeouts(&mut self, now: u64, inbox: &Inbox) {
        self.clock = self.clock.max(now);
        if self.signal.poll_timeout().is_some_and(|t| t <= now) {
            self.signal.handle_timeout(now);
        }
        self.pump_signal(now, inbox);
        if self.relogin_at.is_some_and(|at| at <= now) {
            self.relogin(now);
        }
        let ids: Vec<u64> = self.peers.keys().copied().collect();
        for peer in ids {
            let Some(p) = self.peers.get_mut(&peer) else { continue };
            if let Some(c) = p.conn.as_mut()
                && c.poll_timeout().is_some_and(|t| t <= now)
            {
                c.handle_timeout(now);
            }
            if let Some(path) = p.path.as_mut()
                && let Some(route) = path.on_timeout(now)
            {
                info!("event=path_changed peer={peer} route={route:?} reason=direct_path_silent");
            }
            if p.connect_deadline.is_some_and(|d| d <= now) && !p.is_connected() {
                info!("event=connect_timeout peer={peer}");
                let had_conn = p.conn.is_some();
                self.end(peer, PeerState::Timeout, inbox);
                if !had_conn {
                    self.forget(peer);
                }
                continue;
            }
            self.pump_peer(peer, inbox);
        }
    }

    // ------------------------------------------------------------ output

    /// Sends everything every layer has ready (ending any held-back burst).
    pub fn flush(&mut self, now: u64, socket: &mio::net::UdpSocket) {
        self.held_since = None;
        self.held_bytes = 0;
        self.out.send_due(now, socket);
        self.out.signal(&mut self.signal, now, socket);
        for (&peer, p) in self.peers.iter_mut() {
            let (Some(c), Some(path)) = (p.conn.as_mut(), p.path.as_mut()) else { continue };
            let connected = c.is_connected();
            self.out.routed(c, path.targets(peer, connected), self.server, now, socket);
            // A probe is a fresh packet of its own (a ping), sent only on the direct path, so
            // its arrival proves that path.
            if let Some(flags) = path.probe_due(now, connected) {
                for to in path.probe_addrs() {
                    c.ping(now);
                    let probe = Targets { direct: Some((to, Some(flags))), relay: None };
                    self.out.routed(c, probe, self.server, now, socket);
                }
                path.probe_sent(now);
            }
        }
        self.out.flush(socket);
    }

    /// Sends what one peer's connection has ready (the application thread's fast path).
    pub fn flush_peer(&mut self, now: u64, peer: u64, socket: &mio::net::UdpSocket) {
        let Some(p) = self.peers.get_mut(&peer) else { return };
        let (Some(c), Some(path)) = (p.conn.as_mut(), p.path.as_ref()) else { return };
        let targets = path.targets(peer, c.is_connected());
        self.out.send_due(now, socket);
        self.out.routed(c, targets, self.server, now, socket);
        self.out.flush(socket);
    }

    // ------------------------------------------------------------ reactions

    fn pump_signal(&mut self, now: u64, inbox: &Inbox) {
        self.pump_signal_events(now, inbox);
        self.pump_rooms(now, inbox);
    }

    fn pump_signal_events(&mut self, now: u64, inbox: &Inbox) {
        while let Some(ev) = self.signal.poll_event() {
            debug!("event=signal {ev:?}");
            match ev {
                SignalEvent::LoggedIn { session, cert, authority } => {
                    if let Err(e) = self.identity.on_login(self.user_id, &cert[..], &authority) {
                        // Connections would be refused by every peer (or, with a wrong server
                        // key, trust the wrong party): this login is not usable.
                        warn!("event=login_certificate_refused user={} error=\"{e}\"", self.user_id);
                        inbox.push_notification(Notification::LoginFailed { reason: e });
                        self.fail_pending(inbox);
                        self.signal.logout(now);
                        continue;
                    }
                    info!("event=logged_in user={} session={session}", self.user_id);
                    // Peers behind the same NAT can only reach us on our own network; a
                    // relay-only client keeps its addresses to itself.
                    if !self.lan_addrs.is_empty() && self.relay_mode != RelayMode::Always {
                        let _ = self.signal.set_lan_addrs(now, self.lan_addrs.clone());
                    }
                    self.logged_in = true;
                    self.relogin_backoff = relogin_backoff();
                    inbox.push_notification(Notification::LoggedIn);
                }
                SignalEvent::LoginRefused { reason } => {
                    let reason = if self.signal.pinned_key_mismatch() {
                        format!(
                            "{reason:?}: the server's key is not the pinned one (server_key), so it cannot open the login handshake"
                        )
                    } else {
                        format!("{reason:?}")
                    };
                    warn!("event=login_refused user={} reason=\"{reason}\"", self.user_id);
                    inbox.push_notification(Notification::LoginFailed { reason });
                    self.fail_pending(inbox);
                }
                SignalEvent::ServerLost | SignalEvent::SessionEnded | SignalEvent::LoggedOut => {
                    let was = std::mem::replace(&mut self.logged_in, false);
                    if !was {
                        inbox.push_notification(Notification::LoginFailed { reason: format!("{ev:?}") });
                    } else if ev != SignalEvent::LoggedOut {
                        warn!("event=server_lost user={} what={ev:?}", self.user_id);
                        inbox.push_notification(Notification::ServerLost { reason: format!("{ev:?}") });
                    }
                    self.fail_pending(inbox);
                    if ev != SignalEvent::LoggedOut {
                        self.plan_relogin(now);
                    }
                }
                SignalEvent::PeerConnectRequest { peer, addr } => {
                    self.on_connect_request(now, peer, addr, inbox)
                }
                SignalEvent::ConnectPending { .. } => {}
                SignalEvent::PeerLanAddrs { peer, addrs } => {
                    debug!("event=peer_lan_addrs peer={peer} addrs={addrs:?}");
                    if let Some(p) = self.peers.get_mut(&peer) {
                        match p.path.as_mut() {
                            Some(path) => path.add_candidates(&addrs),
                            None => p.lan_addrs = addrs,
                        }
                    }
                }
                SignalEvent::PeerAccepted { peer, addr } | SignalEvent::AcceptOk { peer, addr } => {
                    self.start_transport(now, peer, addr, inbox);
                }
                // Both asked at once: the server pairs the two requests itself, so accepting the
                // other's may fail while our own request is answered; wait for that answer.
                SignalEvent::AcceptFailed { peer, .. }
                    if self.peers.get(&peer).is_some_and(|p| p.also_requested) =>
                {
                    debug!("event=accept_superseded peer={peer}");
                }
                SignalEvent::ConnectFailed { peer, reason } | SignalEvent::AcceptFailed { peer, reason } => {
                    info!("event=connect_failed peer={peer} reason={reason:?}");
                    if self.peers.get(&peer).is_some_and(|p| p.phase != Phase::Transport) {
                        self.end(peer, PeerState::Timeout, inbox);
                        self.forget(peer);
                    }
                }
            }
        }
    }

    fn on_connect_request(&mut self, now: u64, peer: u64, addr: SocketAddr, inbox: &Inbox) {
        self.send_holdoff.remove(&peer);
        match self.peers.get(&peer).map(|p| (p.phase, p.is_live())) {
            // We are asking them too: accept rather than wait for each other.
            Some((Phase::Requesting, true)) => {
                if let Some(p) = self.peers.get_mut(&peer) {
                    p.phase = Phase::Incoming;
                    p.also_requested = true;
                }
                self.accept(now, peer);
            }
            Some((Phase::Incoming | Phase::Accepting, true)) => {}
            // A live connection with the same address: this request is stale (when both sides
            // connect at once the server pairs them, but its earlier push can still arrive after
            // the connection is up). Answer it so the server forgets it; keep the connection.
            Some((Phase::Transport, true))
                if self.peers.get(&peer).and_then(|p| p.reported_addr) == Some(addr) =>
            {
                debug!("event=stale_connect_request peer={peer}");
                let _ = self.signal.accept(now, peer);
            }
            live => {
                if live.is_some_and(|(_, l)| l) {
                    // The peer started over (e.g. it restarted): the old connection is gone.
                    self.end(peer, PeerState::Closed, inbox);
                }
                self.forget(peer);
                let mut p = Peer::new(Phase::Incoming, None);
                p.addr = Some(addr);
                self.peers.insert(peer, p);
                if self.auto_accepts(peer) {
                    self.accept(now, peer);
                } else {
                    inbox.push_notification(Notification::PeerConnectRequest { peer });
                }
            }
        }
    }

    fn start_transport(&mut self, now: u64, peer: u64, addr: SocketAddr, inbox: &Inbox) {
        let Some(p) = self.peers.get_mut(&peer) else { return };
        if p.phase == Phase::Transport || !p.is_live() {
            return;
        }
        // Both sides must agree who opens the handshake, even when both asked at once: the
        // lower user id does.
        let role = if self.user_id < peer { Role::Initiator } else { Role::Responder };
        let (Some(auth), Some(random)) = (self.identity.auth_for(peer), random_bytes()) else {
            warn!("event=transport_refused peer={peer} reason=no_identity_or_randomness");
            self.end(peer, PeerState::Timeout, inbox);
            self.forget(peer);
            return;
        };
        let mut conn = match role {
            Role::Initiator => Connection::new_initiator(self.proto_cfg.clone(), now, random, auth),
            Role::Responder => Connection::new_responder(self.proto_cfg.clone(), now, random, auth),
        };
        for m in p.early.drain(..) {
            // Fits: the early buffer is bounded by the same limit as the transport's.
            let _ = conn.send(&m, Policy::Reliable);
        }
        p.early_bytes = 0;
        p.conn = Some(conn);
        let mut path = PathState::new(self.relay_mode, Some(addr), now);
        path.add_candidates(&std::mem::take(&mut p.lan_addrs));
        p.path = Some(path);
        p.reported_addr = Some(addr);
        p.phase = Phase::Transport;
        if let Some(old) = p.addr.replace(addr)
            && old != addr
        {
            self.by_addr.remove(&old);
        }
        self.by_addr.insert(addr, peer);
        info!("event=transport_start peer={peer} addr={addr} role={role:?} relay={:?}", self.relay_mode);
        let mut i = 0;
        while i < self.early_hellos.len() {
            let (at, source, _) = &self.early_hellos[i];
            let ours = match *source {
                Source::Direct(from, _) => from == addr,
                Source::Relay(user) => user == peer,
            };
            if ours && now.saturating_sub(*at) <= EARLY_HELLO_MAX_AGE_US {
                if let (Some((_, _, d)), Some(c)) = (self.early_hellos.remove(i), p.conn.as_mut()) {
                    c.handle_datagram(now, &d);
                }
            } else {
                i += 1;
            }
        }
        self.pump_peer(peer, inbox);
    }

    /// Moves a connection's events and messages to the application.
    fn pump_peer(&mut self, peer: u64, inbox: &Inbox) {
        let Some(p) = self.peers.get_mut(&peer) else { return };
        let Some(c) = p.conn.as_mut() else { return };
        while inbox.has_room()
            && let Some(m) = c.poll_message()
        {
            inbox.push_packet(Packet { sender: peer, policy: m.policy, data: m.data });
            self.delivered += 1;
        }
        // A full inbox may have left messages in this connection: `pump_all` must revisit it.
        let held_back = !inbox.has_room();
        let mut ends = None;
        while let Some(ev) = c.poll_event() {
            match ev {
                Event::Connected => {
                    p.connect_deadline = None;
                    if !p.announced_end && !p.announced_connected {
                        p.announced_connected = true;
                        info!("event=connected peer={peer}");
                        inbox.push_notification(Notification::ConnectionStateChange {
                            peer,
                            state: PeerState::Connected,
                        });
                    }
                }
                Event::Closed(reason) => {
                    info!("event=closed peer={peer} reason={reason:?}");
                    ends = Some(match reason {
                        CloseReason::ConnectTimedOut => PeerState::Timeout,
                        _ if !p.announced_connected => PeerState::Timeout,
                        _ => PeerState::Closed,
                    });
                }
                Event::PingResult { id, rtt_us } => {
                    if let Some(request_id) = self.pings.remove(&(peer, id)) {
                        inbox.push_notification(Notification::PingResult { request_id, peer, rtt_us });
                    }
                }
            }
        }
        let drained = c.is_drained();
        self.held_back |= held_back;
        if let Some(state) = ends {
            self.end(peer, state, inbox);
        }
        if drained {
            self.forget(peer);
        }
    }

    /// Moves waiting messages of every connection to the inbox (after the application made room).
    /// Only does work after the inbox filled up, so the application's read path stays cheap.
    pub fn pump_all(&mut self, inbox: &Inbox) {
        if !std::mem::take(&mut self.held_back) {
            return;
        }
        let ids: Vec<u64> = self.peers.keys().copied().collect();
        for peer in ids {
            self.pump_peer(peer, inbox);
        }
    }

    /// Reports the final state of a peer once.
    fn end(&mut self, peer: u64, state: PeerState, inbox: &Inbox) {
        if let Some(p) = self.peers.get_mut(&peer)
            && !p.announced_end
        {
            if state == PeerState::Timeout {
                let until = self.clock.saturating_add(self.connect_timeout_us);
                if self.send_holdoff.len() >= MAX_SEND_HOLDOFFS {
                    let clock = self.clock;
                    self.send_holdoff.retain(|_, &mut t| t > clock);
                }
                if self.send_holdoff.len() < MAX_SEND_HOLDOFFS {
                    self.send_holdoff.insert(peer, until);
                }
            }
            p.announced_end = true;
            p.connect_deadline = None;
            p.early.clear();
            p.early_bytes = 0;
            inbox.push_notification(Notification::ConnectionStateChange { peer, state });
        }
    }

    /// The server was lost or forgot the session (it restarted): log in again after a pause that
    /// grows while the server stays away. Never during shutdown, never after a refused login
    /// (the credential will not get better by itself).
    fn plan_relogin(&mut self, now: u64) {
        if self.stopping {
            return;
        }
        self.relogin_backoff.sent(now);
        self.relogin_at = Some(self.relogin_backoff.next_at);
        info!(
            "event=relogin_planned user={} in_ms={}",
            self.user_id,
            (self.relogin_backoff.next_at - now) / 1000
        );
    }

    /// Replaces the closed signalling client with a fresh one (a new nonce, so the server takes
    /// it for a new login) that starts logging in at once. Connections to peers are untouched.
    fn relogin(&mut self, now: u64) {
        self.relogin_at = None;
        if self.stopping || !self.signal.is_closed() {
            return;
        }
        info!("event=relogin user={}", self.user_id);
        let config = signal_config(self.server, self.user_id, &self.credential, &self.identity);
        self.signal = SignalClient::new(config, now);
    }

    /// Drops all state about a peer.
    fn forget(&mut self, peer: u64) {
        if let Some(p) = self.peers.remove(&peer)
            && let Some(addr) = p.addr
            && self.by_addr.get(&addr) == Some(&peer)
        {
            self.by_addr.remove(&addr);
        }
        self.pings.retain(|(p, _), _| *p != peer);
    }

    /// Login failed or the server is gone: attempts that need it cannot complete.
    fn fail_pending(&mut self, inbox: &Inbox) {
        let pending: Vec<u64> =
            self.peers.iter().filter(|(_, p)| p.phase != Phase::Transport).map(|(&id, _)| id).collect();
        for peer in pending {
            self.end(peer, PeerState::Timeout, inbox);
            self.forget(peer);
        }
    }
}
