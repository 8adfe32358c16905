//! `SignalClient`: the client side of signalling as a sans-IO state machine.
//!
//! The engine owns the socket and the clock. After every `handle_*` call or command it drains
//! `poll_transmit` until `None` and `poll_event` until `None`, then sleeps until
//! `poll_timeout` (or a datagram) and calls `handle_timeout`.

use std::collections::VecDeque;
use std::fmt;
use std::net::SocketAddr;

use super::backoff::Backoff;
use super::channel::Channel;
use super::client_rooms::{self, RoomEvent, RoomRequest, RoomTracker};
use super::codec::{self, MAX_SIGNAL_DATAGRAM};
use super::constant_time;
use super::dedup::PushWindow;
use super::login_handshake::{self, ClientHandshake};
use super::messages::{Cookie, Credential, FailReason, LoginRefusal, Message, RESET_TOKEN_LEN};
use super::room::RoomSnapshot;
use super::sealed;
use crate::proto::identity::CERT_LEN;

mod room_commands;

/// Requests in flight at once (sent and retried until answered); the server keeps as many answers.
pub const MAX_OUTSTANDING: usize = 64;
/// Requests the client holds in all: beyond the [`MAX_OUTSTANDING`] in flight they wait their
/// turn (a host accepting hundreds of players at once must not have accepts refused).
pub const MAX_REQUESTS: usize = 4096;
/// Events kept for the engine before the oldest are dropped (the engine normally drains them);
/// signalling and room events have a queue of this size each.
pub const MAX_EVENTS: usize = 4096;

/// Client settings. Times are in microseconds.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// The rendezvous server.
    pub server: SocketAddr,
    /// This client's user id.
    pub user_id: u64,
    /// Open-mode secret or shared-secret token.
    pub credential: Credential,
    /// Heartbeat period; also capped at a quarter of the server's session timeout.
    pub heartbeat_interval_us: u64,
    /// Silence from the server after which the client gives up (`ServerLost`).
    pub server_timeout_us: u64,
    /// First retransmission delay of a request.
    pub initial_rto_us: u64,
    /// Largest retransmission delay of a request.
    pub max_rto_us: u64,
    /// How long a logout waits for the server's answer before reporting `LoggedOut` anyway.
    pub logout_timeout_us: u64,
    /// Fresh per client instance; lets the server tell a retransmitted login from a new one.
    pub nonce: u64,
    /// The Ed25519 public key the server is asked to certify for this user id (the engine's
    /// peer identity; all zero until set, which peers refuse).
    pub peer_key: [u8; 32],
    /// The server's public key the client pinned; the login handshake is made with it. None
    /// trusts the key the server's LoginRetry states (an attacker on the path could substitute
    /// it).
    pub server_key: Option<[u8; 32]>,
    /// Fresh randomness for the login handshake (the sans-IO client draws none itself).
    pub handshake_random: [u8; 32],
}

/// 32 bytes from the OS; should that fail, derived from the clock and the user id (logged).
fn handshake_random(user_id: u64) -> [u8; 32] {
    let mut b = [0u8; 32];
    if getrandom::fill(&mut b).is_err() {
        log::warn!("event=random_fallback what=handshake_random");
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        let mut seed = [0u8; 24];
        seed[..16].copy_from_slice(&t.as_nanos().to_le_bytes());
        seed[16..].copy_from_slice(&user_id.to_le_bytes());
        b = <sha2::Sha256 as sha2::Digest>::digest(seed).into();
    }
    b
}

impl ClientConfig {
    /// Defaults: heartbeat 1 s, server timeout 10 s, RTO 200 ms doubling to 2 s, logout 2 s,
    /// nonce from the OS.
    pub fn new(server: SocketAddr, user_id: u64, credential: Credential) -> Self {
        Self {
            server,
            user_id,
            credential,
            heartbeat_interval_us: 1_000_000,
            server_timeout_us: 10_000_000,
            initial_rto_us: 200_000,
            max_rto_us: 2_000_000,
            logout_timeout_us: 2_000_000,
            nonce: getrandom::u64().unwrap_or(user_id ^ 0x6F76_726E_6574_0001),
            peer_key: [0; 32],
            server_key: None,
            handshake_random: handshake_random(user_id),
        }
    }
}

/// What the engine learns from the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignalEvent {
    /// The login went through; `cert` certifies the configured peer key, signed by the server
    /// key `authority`.
    LoggedIn { session: u64, cert: Box<[u8; CERT_LEN]>, authority: [u8; 32] },
    /// The login was refused; the client is closed.
    LoginRefused { reason: LoginRefusal },
    /// `peer` at `addr` wants to connect; answer with `accept` or `decline`.
    PeerConnectRequest { peer: u64, addr: SocketAddr },
    /// The server forwarded my connect request to `peer`.
    ConnectPending { peer: u64 },
    /// My connect request to `peer` was accepted: handshake with `addr`.
    PeerAccepted { peer: u64, addr: SocketAddr },
    /// My accept of `peer` went through: `peer` is at `addr` and will handshake.
    AcceptOk { peer: u64, addr: SocketAddr },
    /// My connect request to `peer` failed (at once or later).
    ConnectFailed { peer: u64, reason: FailReason },
    /// My accept of `peer` failed (no pending request, peer gone...).
    AcceptFailed { peer: u64, reason: FailReason },
    /// `peer`, whose connect the server brokered, is also reachable at these addresses on its
    /// own network (before or after the event that brokered the connect).
    PeerLanAddrs { peer: u64, addrs: Vec<SocketAddr> },
    /// The server stayed silent past the server timeout; the client is closed.
    ServerLost,
    /// The server no longer knows this session (expired, replaced by another login of the same
    /// user, or a server restart); the client is closed.
    SessionEnded,
    /// The logout finished; the client is closed.
    LoggedOut,
}

/// Why a command was not taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommandError {
    /// The client is closed (refused, lost, ended or logged out).
    Closed,
    /// [`MAX_REQUESTS`] requests already wait for answers or their turn.
    TooManyRequests,
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommandError::Closed => f.write_str("signalling client is closed"),
            CommandError::TooManyRequests => f.write_str("too many outstanding requests"),
        }
    }
}

impl std::error::Error for CommandError {}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    LoggingIn,
    LoggedIn { session: u64 },
    LoggingOut { session: u64, deadline: u64 },
    Closed,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum RequestKind {
    Login,
    Logout,
    Connect(u64),
    Accept(u64),
    Decline(u64),
    LanAddrs(Vec<SocketAddr>),
    Room(RoomRequest),
}

#[derive(Clone, Debug)]
struct Outstanding {
    req: u32,
    kind: RequestKind,
    timer: Backoff,
}

/// Client signalling state machine (see the module docs for how to drive it).
#[derive(Debug)]
pub struct SignalClient {
    config: ClientConfig,
    phase: Phase,
    next_req: u32,
    outstanding: Vec<Outstanding>,
    /// Acks and other one-shot datagrams waiting for `poll_transmit`.
    immediate: VecDeque<Message>,
    events: VecDeque<SignalEvent>,
    room_events: VecDeque<RoomEvent>,
    room: RoomTracker,
    pushes: PushWindow,
    last_heard: u64,
    next_heartbeat: u64,
    heartbeat_interval: u64,
    garbage: u64,
    dropped_events: u64,
    /// The server's proof-of-address cookie for this client's address, once it sent one.
    cookie: Option<Cookie>,
    /// The login handshake made for that cookie (retransmissions send the same message).
    handshake: Option<ClientHandshake>,
    /// The session's keys once the server accepted the login: every later datagram is sealed.
    channel: Option<Channel>,
    /// What a genuine `SessionUnknown` for this session carries.
    reset_token: Option<[u8; RESET_TOKEN_LEN]>,
    /// The server stated another key than the pinned one (its refusal is then explained).
    key_mismatch: bool,
}

impl SignalClient {
    /// Starts logging in at once.
    pub fn new(config: ClientConfig, now_us: u64) -> Self {
        let heartbeat_interval = config.heartbeat_interval_us.max(1);
        let mut client = Self {
            config,
            phase: Phase::LoggingIn,
            next_req: 1,
            outstanding: Vec::new(),
            immediate: VecDeque::new(),
            events: VecDeque::new(),
            room_events: VecDeque::new(),
            room: RoomTracker::default(),
            pushes: PushWindow::default(),
            last_heard: now_us,
            next_heartbeat: u64::MAX,
            heartbeat_interval,
            garbage: 0,
            dropped_events: 0,
            cookie: None,
            handshake: None,
            channel: None,
            reset_token: None,
            key_mismatch: false,
        };
        let req = client.take_req();
        let timer = client.new_timer(now_us);
        client.outstanding.push(Outstanding { req, kind: RequestKind::Login, timer });
        client
    }

    /// The session id once logged in.
    pub fn session(&self) -> Option<u64> {
        match self.phase {
            Phase::LoggedIn { session } | Phase::LoggingOut { session, .. } => Some(session),
            _ => None,
        }
    }

    /// Whether the server stated a key other than the pinned one: the credential was sealed to
    /// the pinned key, which that server cannot open (so it refuses the login).
    pub fn pinned_key_mismatch(&self) -> bool {
        self.key_mismatch
    }

    /// True once the client has stopped for good.
    pub fn is_closed(&self) -> bool {
        self.phase == Phase::Closed
    }

    /// Datagrams from the server that did not decode, did not open under the session's keys
    /// or came in clear where they must be sealed (for statistics).
    pub fn garbage_count(&self) -> u64 {
        self.garbage
    }

    /// Events dropped because the engine did not drain [`MAX_EVENTS`] of them.
    pub fn dropped_event_count(&self) -> u64 {
        self.dropped_events
    }

    /// Asks the server to broker a connection to `peer`. Sent once logged in.
    pub fn connect(&mut self, now_us: u64, peer: u64) -> Result<(), CommandError> {
        self.request(now_us, RequestKind::Connect(peer)).map(drop)
    }

    /// Accepts `peer`'s connect request.
    pub fn accept(&mut self, now_us: u64, peer: u64) -> Result<(), CommandError> {
        self.request(now_us, RequestKind::Accept(peer)).map(drop)
    }

    /// Declines `peer`'s connect request (the caller gets `ConnectFailed(Refused)`).
    pub fn decline(&mut self, now_us: u64, peer: u64) -> Result<(), CommandError> {
        self.request(now_us, RequestKind::Decline(peer)).map(drop)
    }

    /// Tells the server where this client is on its own network (sent once logged in), so
    /// peers behind the same NAT can reach it there. At most [`super::MAX_LAN_ADDRS`]; more are
    /// cut.
    pub fn set_lan_addrs(&mut self, now_us: u64, mut addrs: Vec<SocketAddr>) -> Result<(), CommandError> {
        addrs.truncate(super::MAX_LAN_ADDRS);
        self.request(now_us, RequestKind::LanAddrs(addrs)).map(drop)
    }

    /// Ends the session; `LoggedOut` follows once the server answers or after the logout
    /// timeout. Requests still waiting are abandoned.
    pub fn logout(&mut self, now_us: u64) {
        match self.phase {
            Phase::LoggedIn { session } => {
                self.abandon_requests();
                self.phase = Phase::LoggingOut {
                    session,
                    deadline: now_us.saturating_add(self.config.logout_timeout_us),
                };
                let req = self.take_req();
                self.outstanding.push(Outstanding {
                    req,
                    kind: RequestKind::Logout,
                    timer: self.new_timer(now_us),
                });
            }
            Phase::LoggingIn => {
                // Nothing to tell the server yet; a late LoginOk will find no login waiting
                // and the server session simply times out.
                self.close(SignalEvent::LoggedOut);
            }
            Phase::LoggingOut { .. } | Phase::Closed => {}
        }
    }

    /// Feeds one datagram received on the shared socket. Datagrams not from the server are
    /// ignored (the engine should only pass signalling ones, but this is cheap to check).
    pub fn handle_datagram(&mut self, now_us: u64, from: SocketAddr, data: &[u8]) {
        if from != self.config.server || self.phase == Phase::Closed {
            return;
        }
        let msg = match codec::decode(data) {
            Ok(msg) => msg,
            Err(_) => {
                self.garbage += 1;
                return;
            }
        };
        match msg {
            Message::Sealed { to_server: false, session, counter, body } => {
                let current = self.session();
                let opened = match (&mut self.channel, current) {
                    (Some(channel), Some(s)) if s == session => sealed::open(channel, counter, &body),
                    _ => None,
                };
                match opened {
                    Some((msg, _)) => self.on_message(now_us, msg),
                    None => self.garbage += 1,
                }
            }
            Message::LoginAccept { req, session, reply } => {
                self.on_login_accept(now_us, req, session, &reply)
            }
            // The login's refusals and retries come in clear: the server has no keys yet.
            Message::LoginRetry { req, .. } | Message::LoginRefused { req, .. }
                if self.phase == Phase::LoggingIn =>
            {
                self.last_heard = now_us;
                self.on_reply(now_us, req, msg);
            }
            Message::SessionUnknown { session, reset_token } => {
                // Only the server that accepted the login knows the token: a forged one is
                // ignored, however it names the session.
                let genuine = self.session() == Some(session)
                    && self.reset_token.is_some_and(|t| constant_time::eq(&t, &reset_token));
                if !genuine {
                    self.garbage += 1;
                    return;
                }
                let event = match self.phase {
                    Phase::LoggingOut { .. } => SignalEvent::LoggedOut,
                    _ => SignalEvent::SessionEnded,
                };
                self.close(event);
            }
            _ => self.garbage += 1,
        }
    }

    /// An opened message of the session.
    fn on_message(&mut self, now_us: u64, msg: Message) {
        self.last_heard = now_us;
        if let Some(push) = msg.push_id() {
            self.on_push(push, msg);
        } else if let Some(req) = msg.reply_to() {
            self.on_reply(now_us, req, msg);
        }
        // HeartbeatAck needs nothing beyond refreshing `last_heard`.
    }

    /// The login handshake's answer: opens only for this client's handshake, and carries the
    /// `LoginOk` and the session's keys.
    fn on_login_accept(&mut self, now_us: u64, req: u32, session: u64, reply: &[u8]) {
        let waiting = self.outstanding.iter().any(|o| o.req == req && o.kind == RequestKind::Login);
        let payload = match (&mut self.handshake, waiting) {
            (Some(handshake), true) => handshake.read_reply(reply),
            _ => None,
        };
        let ok = payload.and_then(|p| codec::decode(&p).ok());
        let Some(ok @ Message::LoginOk { req: r, session: s, reset_token, .. }) = ok else {
            self.garbage += 1;
            return;
        };
        if r != req || s != session {
            self.garbage += 1;
            return;
        }
        self.channel = self.handshake.take().and_then(ClientHandshake::into_channel);
        self.reset_token = Some(reset_token);
        self.last_heard = now_us;
        self.on_reply(now_us, req, ok);
    }

    /// Next datagram to send, written into `buf`; call until `None`.
    pub fn poll_transmit(&mut self, now_us: u64, buf: &mut [u8]) -> Option<(SocketAddr, usize)> {
        if let Some(msg) = self.immediate.pop_front() {
            return self.write(&msg, buf);
        }
        let session = self.session();
        let can_send = |kind: &RequestKind| *kind == RequestKind::Login || session.is_some();
        // Only the oldest MAX_OUTSTANDING are in flight; the rest move up as answers arrive.
        let due = self
            .outstanding
            .iter()
            .take(MAX_OUTSTANDING)
            .position(|o| can_send(&o.kind) && o.timer.due(now_us));
        if let Some(i) = due {
            let msg = self.request_message(&self.outstanding[i]);
            self.outstanding[i].timer.sent(now_us);
            return self.write(&msg, buf);
        }
        if let Phase::LoggedIn { session } = self.phase
            && now_us >= self.next_heartbeat
        {
            self.next_heartbeat = now_us.saturating_add(self.heartbeat_interval);
            return self.write(&Message::Heartbeat { session }, buf);
        }
        None
    }

    /// Writes `msg` into `buf` as a datagram to the server: the login in clear, everything
    /// else sealed under the session's keys (not sent at all without them).
    fn write(&mut self, msg: &Message, buf: &mut [u8]) -> Option<(SocketAddr, usize)> {
        let server = self.config.server;
        if !msg.travels_sealed() {
            return codec::encode(msg, buf).ok().map(|n| (server, n));
        }
        let session = self.session()?;
        let bytes = sealed::seal(self.channel.as_mut()?, true, session, msg)?;
        let out = buf.get_mut(..bytes.len())?;
        out.copy_from_slice(&bytes);
        Some((server, bytes.len()))
    }

    /// Earliest time at which `handle_timeout` or `poll_transmit` has work; `None` if closed.
    pub fn poll_timeout(&self) -> Option<u64> {
        if self.phase == Phase::Closed {
            return None;
        }
        let mut t = self.last_heard.saturating_add(self.config.server_timeout_us);
        let session = self.session();
        for o in self.outstanding.iter().take(MAX_OUTSTANDING) {
            if o.kind == RequestKind::Login || session.is_some() {
                t = t.min(o.timer.next_at);
            }
        }
        match self.phase {
            Phase::LoggedIn { .. } => t = t.min(self.next_heartbeat),
            Phase::LoggingOut { deadline, .. } => t = t.min(deadline),
            _ => {}
        }
        Some(t)
    }

    /// Advances timers: declares the server lost or finishes a logout whose answer never came.
    /// Retransmissions and heartbeats that became due are sent by `poll_transmit`.
    pub fn handle_timeout(&mut self, now_us: u64) {
        if let Phase::LoggingOut { deadline, .. } = self.phase
            && now_us >= deadline
        {
            self.close(SignalEvent::LoggedOut);
            return;
        }
        if self.phase != Phase::Closed
            && now_us >= self.last_heard.saturating_add(self.config.server_timeout_us)
        {
            self.close(SignalEvent::ServerLost);
        }
    }

    /// Next event for the engine.
    pub fn poll_event(&mut self) -> Option<SignalEvent> {
        self.events.pop_front()
    }

    fn on_push(&mut self, push: u32, msg: Message) {
        let Some(session) = self.session() else {
            return;
        };
        // Always ack, even a duplicate: the first ack may have been lost.
        self.immediate.push_back(Message::PushAck { session, push });
        if !self.pushes.insert(push) || !matches!(self.phase, Phase::LoggedIn { .. }) {
            return;
        }
        if let Message::RoomUpdate { snapshot, .. } = msg {
            if let Some(snapshot) = self.room.on_push(self.config.user_id, push, snapshot) {
                self.emit_room(RoomEvent::RoomUpdate { snapshot });
            }
            return;
        }
        let event = match msg {
            Message::PeerConnectRequest { from, addr, .. } => {
                SignalEvent::PeerConnectRequest { peer: from, addr }
            }
            Message::PeerAccepted { peer, addr, .. } => SignalEvent::PeerAccepted { peer, addr },
            Message::PeerConnectFailed { peer, reason, .. } => SignalEvent::ConnectFailed { peer, reason },
            Message::PeerLanAddrs { peer, addrs, .. } => SignalEvent::PeerLanAddrs { peer, addrs },
            _ => return,
        };
        self.emit(event);
    }

    fn on_reply(&mut self, now_us: u64, req: u32, msg: Message) {
        let Some(i) = self.outstanding.iter().position(|o| o.req == req) else {
            return; // a duplicate answer to something already settled
        };
        let kind = self.outstanding[i].kind.clone();
        let event = match (kind, msg) {
            (RequestKind::Login, Message::LoginOk { session, session_timeout_ms, cert, authority, .. }) => {
                self.phase = Phase::LoggedIn { session };
                self.pushes = PushWindow::default();
                self.room.reset();
                let server_timeout = u64::from(session_timeout_ms).saturating_mul(1000);
                if server_timeout > 0 {
                    self.heartbeat_interval = self.heartbeat_interval.min(server_timeout / 4).max(1);
                }
                self.next_heartbeat = now_us.saturating_add(self.heartbeat_interval);
                // Requests made while logging in may go now.
                for o in &mut self.outstanding {
                    o.timer.next_at = now_us;
                }
                SignalEvent::LoggedIn { session, cert, authority }
            }
            (RequestKind::Login, Message::LoginRetry { cookie, server_key, .. }) => {
                let key = self.config.server_key.unwrap_or(server_key);
                self.key_mismatch = key != server_key;
                // Fresh for each cookie: an ephemeral key must never serve two handshakes.
                let mut random = self.config.handshake_random;
                for (r, c) in random.iter_mut().zip(cookie.iter().cycle()) {
                    *r ^= *c;
                }
                let random: [u8; 32] = <sha2::Sha256 as sha2::Digest>::digest(random).into();
                let c = &self.config;
                let prologue = login_handshake::prologue(&cookie, c.user_id, c.nonce, &c.peer_key);
                // An invalid key starts no handshake: the login goes without a credential,
                // which the server refuses.
                self.handshake = ClientHandshake::start(&key, random, &prologue, c.credential.as_bytes());
                // The server wants proof that this address receives: send the login again at
                // once, with the cookie it sent here.
                self.cookie = Some(cookie);
                self.outstanding[i].timer.next_at = now_us;
                return;
            }
            (RequestKind::Login, Message::LoginRefused { reason, .. }) => {
                self.close(SignalEvent::LoginRefused { reason });
                return;
            }
            (RequestKind::Logout, Message::LogoutOk { .. }) => {
                self.close(SignalEvent::LoggedOut);
                return;
            }
            (RequestKind::Connect(peer), Message::ConnectPending { .. }) => {
                SignalEvent::ConnectPending { peer }
            }
            (RequestKind::Connect(peer), Message::ConnectFailed { reason, .. }) => {
                SignalEvent::ConnectFailed { peer, reason }
            }
            (RequestKind::Accept(peer), Message::AcceptOk { addr, .. }) => {
                SignalEvent::AcceptOk { peer, addr }
            }
            (RequestKind::Accept(peer), Message::AcceptFailed { reason, .. }) => {
                SignalEvent::AcceptFailed { peer, reason }
            }
            (RequestKind::Decline(_), Message::DeclineOk { .. })
            | (RequestKind::LanAddrs(_), Message::LanAddrsOk { .. }) => {
                self.outstanding.remove(i);
                return;
            }
            (RequestKind::Room(request), Message::RoomOk { mark, snapshot, .. }) => {
                self.on_room_reply(i, req, &request, mark, Ok(snapshot));
                return;
            }
            (RequestKind::Room(request), Message::RoomFailed { mark, error, .. }) => {
                self.on_room_reply(i, req, &request, mark, Err(error));
                return;
            }
            // An answer of the wrong kind for this id: ignore it and keep retrying.
            _ => return,
        };
        self.outstanding.remove(i);
        self.emit(event);
    }

    fn on_room_reply(
        &mut self,
        i: usize,
        req: u32,
        request: &RoomRequest,
        mark: u32,
        result: Result<RoomSnapshot, super::room::RoomError>,
    ) {
        self.outstanding.remove(i);
        self.room.on_reply(self.config.user_id, request, mark, &result);
        self.emit_room(RoomEvent::RoomReply { request_id: req, result });
    }

    /// Drops every waiting request; room requests are answered with a `Disconnected` error so
    /// each one the engine handed out still gets exactly one reply.
    fn abandon_requests(&mut self) {
        for o in std::mem::take(&mut self.outstanding) {
            if let RequestKind::Room(_) = o.kind {
                let result = Err(client_rooms::abandoned());
                self.emit_room(RoomEvent::RoomReply { request_id: o.req, result });
            }
        }
    }

    fn request(&mut self, now_us: u64, kind: RequestKind) -> Result<u32, CommandError> {
        if !matches!(self.phase, Phase::LoggingIn | Phase::LoggedIn { .. }) {
            return Err(CommandError::Closed);
        }
        if self.outstanding.len() >= MAX_REQUESTS {
            return Err(CommandError::TooManyRequests);
        }
        let req = self.take_req();
        let timer = self.new_timer(now_us);
        self.outstanding.push(Outstanding { req, kind, timer });
        Ok(req)
    }

    fn request_message(&self, o: &Outstanding) -> Message {
        let req = o.req;
        let session = self.session().unwrap_or(0);
        match &o.kind {
            RequestKind::Login => Message::Login {
                req,
                user_id: self.config.user_id,
                nonce: self.config.nonce,
                peer_key: self.config.peer_key,
                // Never the credential itself: the handshake's first message carries it
                // encrypted, once the server sent a cookie.
                credential: self
                    .handshake
                    .as_ref()
                    .and_then(|h| Credential::sealed(h.message().to_vec()))
                    .unwrap_or_default(),
                cookie: self.cookie,
            },
            RequestKind::Logout => Message::Logout { req, session },
            RequestKind::Connect(to) => Message::ConnectRequest { req, session, to: *to },
            RequestKind::Accept(peer) => Message::Accept { req, session, peer: *peer },
            RequestKind::Decline(peer) => Message::Decline { req, session, peer: *peer },
            RequestKind::LanAddrs(addrs) => Message::SetLanAddrs { req, session, addrs: addrs.clone() },
            RequestKind::Room(room) => room.message(req, session),
        }
    }

    fn take_req(&mut self) -> u32 {
        let req = self.next_req;
        self.next_req = self.next_req.wrapping_add(1).max(1);
        req
    }

    fn new_timer(&self, now_us: u64) -> Backoff {
        let mut timer = Backoff::new(self.config.initial_rto_us, self.config.max_rto_us);
        timer.next_at = now_us;
        timer
    }

    fn close(&mut self, event: SignalEvent) {
        self.phase = Phase::Closed;
        self.handshake = None;
        self.channel = None;
        self.abandon_requests();
        self.room.reset();
        self.immediate.clear();
        self.emit(event);
    }

    fn emit(&mut self, event: SignalEvent) {
        if self.events.len() >= MAX_EVENTS {
            self.events.pop_front();
            self.dropped_events += 1;
        }
        self.events.push_back(event);
    }

    fn emit_room(&mut self, event: RoomEvent) {
        if self.room_events.len() >= MAX_EVENTS {
            self.room_events.pop_front();
            self.dropped_events += 1;
        }
        self.room_events.push_back(event);
    }
}

/// Largest buffer `poll_transmit` ever needs.
pub const TRANSMIT_BUF: usize = MAX_SIGNAL_DATAGRAM;
