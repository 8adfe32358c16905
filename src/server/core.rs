//! The rendezvous server as a sans-IO state machine: datagrams and time in, datagrams out.
//!
//! A login is a Noise handshake (after the address proved itself with a cookie); every later
//! datagram is sealed under the keys it made. A session is those keys, not an address: a
//! datagram that does not open under them has no effect, and the newest one that does moves
//! the session to its source address (a client whose NAT rebinds keeps its session). A sealed
//! datagram for a session the server does not know gets `SessionUnknown` with the session's
//! reset token (never a side effect). Every request id is executed at most once per session;
//! repeats get the remembered answer.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::net::SocketAddr;

use log::{debug, info, warn};

use super::config::{AuthMode, ServerConfig};
use super::cookie::CookieJar;
use super::log_limit::LogLimit;
use super::reset_token::ResetTokens;
use super::rooms::RoomTable;
use super::secret_stream::SecretStream;
use super::session::{QueuedPush, Session};
use super::signed_token;
use super::token::{self, TokenError};
use crate::proto::Authority;
use crate::signal::RoomRequest;
use crate::signal::backoff::Backoff;
use crate::signal::codec::{self, DecodeError};
use crate::signal::constant_time;
use crate::signal::login_handshake::{self, Responder, ServerKey};
use crate::signal::messages::{Cookie, Credential, FailReason, LoginRefusal, Message};
use crate::signal::rng::SplitMix64;
use crate::signal::sealed;

mod relay;
mod rooms;

pub use relay::MAX_RELAY_PEERS;

/// Counters for operators and tests.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub datagrams: u64,
    /// Datagrams that did not decode.
    pub garbage: u64,
    /// Well-formed datagrams a server never expects (server->client types, or session messages
    /// in clear).
    pub unexpected: u64,
    /// Sealed datagrams that did not open: forged, damaged or replayed. No effect.
    pub sealed_refused: u64,
    /// Sealed datagrams for a session the server does not have (answered `SessionUnknown`).
    pub unknown_sessions: u64,
    /// Sessions moved to a new source address by a datagram that opened (NAT rebinding).
    pub address_changes: u64,
    pub logins: u64,
    pub logins_refused: u64,
    /// Logins answered with a `LoginRetry` (no valid address cookie): nothing was kept for them.
    pub login_retries: u64,
    pub sessions_timed_out: u64,
    /// Requests older than the dedup window, or executed and no longer cached: dropped.
    pub stale_requests: u64,
    /// Pushes abandoned after the maximum number of sends.
    pub pushes_given_up: u64,
    /// Pushes not queued because the session's push queue was full.
    pub pushes_dropped: u64,
    pub rooms_created: u64,
    /// Rooms destroyed because their last member left or dropped.
    pub rooms_destroyed: u64,
    /// Room requests answered with an error.
    pub room_errors: u64,
    /// Datagrams forwarded by the relay, and their bytes.
    pub relayed_packets: u64,
    pub relayed_bytes: u64,
    /// Relay datagrams dropped: relay off, unknown source address, or no grant between the two.
    pub relay_refused: u64,
    /// Relay datagrams dropped because the sender was over its rate.
    pub relay_rate_limited: u64,
}

/// Timer keys; each entity has at most one timer of its kind filed at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Timer {
    SessionExpiry(u64),
    Pending(u64, u64),
    Push(u64),
}

/// The fields of a login that passed the address check.
#[derive(Clone, Copy)]
struct LoginAttempt {
    req: u32,
    user: u64,
    nonce: u64,
    peer_key: [u8; 32],
}

/// What a client asked for in a session request.
#[derive(Clone, Debug)]
enum Op {
    Connect(u64),
    Accept(u64),
    Decline(u64),
    LanAddrs(Vec<SocketAddr>),
    Room(RoomRequest),
}

/// The server's whole state.
#[derive(Debug)]
pub struct ServerCore {
    config: ServerConfig,
    sessions: HashMap<u64, Session>,
    /// Which user each source address belongs to (one socket is one user).
    by_addr: HashMap<SocketAddr, u64>,
    /// Live session id -> user: sealed datagrams name their session.
    by_session: HashMap<u64, u64>,
    /// (caller, callee) -> expiry time.
    pending: HashMap<(u64, u64), u64>,
    timers: BTreeSet<(u64, Timer)>,
    rooms: RoomTable,
    out: VecDeque<(SocketAddr, Vec<u8>)>,
    /// Room ids (public, so a predictable generator is fine).
    rng: SplitMix64,
    /// Session ids: unpredictable, so nobody can ask for a future session's reset token.
    session_ids: SecretStream,
    /// Random bytes for each login handshake's ephemeral key.
    ephemerals: SecretStream,
    stats: Stats,
    /// Per-event log budget: floods of requests must not write a line each.
    log_limit: LogLimit,
    /// Issues and checks the address cookies logins must carry.
    cookies: CookieJar,
    /// The latest time handle_datagram / handle_timeout was given (the log budget's clock).
    clock: u64,
    /// Signs the peer certificate each login gets.
    authority: Authority,
    /// The same key as the channel's static key: logins are handshakes with it.
    server_key: ServerKey,
    /// Proves a clear `SessionUnknown` comes from this server.
    reset_tokens: ResetTokens,
}

impl ServerCore {
    /// `seed` drives session and room ids, handshake ephemerals and the cookie key: from the
    /// OS in production, a constant in tests (runs then repeat exactly).
    pub fn new(config: ServerConfig, seed: [u8; 32]) -> Self {
        Self {
            // Before `config` moves in.
            rooms: RoomTable::new(config.max_rooms),
            authority: Authority::from_seed(config.identity_key.0),
            server_key: ServerKey::from_identity_seed(&config.identity_key.0),
            reset_tokens: ResetTokens::new(&config.identity_key.0),
            config,
            sessions: HashMap::new(),
            by_addr: HashMap::new(),
            by_session: HashMap::new(),
            pending: HashMap::new(),
            timers: BTreeSet::new(),
            out: VecDeque::new(),
            rng: SplitMix64::new(SecretStream::new(&seed, "room ids").next_u64()),
            session_ids: SecretStream::new(&seed, "session ids"),
            ephemerals: SecretStream::new(&seed, "handshake ephemerals"),
            stats: Stats::default(),
            log_limit: LogLimit::default(),
            cookies: CookieJar::new(SecretStream::new(&seed, "cookie key").next_block()),
            clock: 0,
        }
    }

    /// The public key clients pin: it signs every peer certificate.
    pub fn identity_public_key(&self) -> [u8; 32] {
        self.authority.public_key().to_bytes()
    }

    /// Counters so far.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Whether a log line of `event` fits this second's budget (see [`LogLimit`]).
    pub(super) fn log_admits(&mut self, event: &'static str) -> bool {
        self.log_limit.admit(self.clock, event)
    }

    /// Log lines of `event` held back in the current second by the log budget.
    pub fn suppressed_log_lines(&self, event: &str) -> u64 {
        self.log_limit.suppressed(event)
    }

    /// Sessions currently logged in.
    pub fn session_count(&self) -> usize {
        self.sessions.len()
    }

    /// Connect requests waiting for the callee.
    pub fn pending_count(&self) -> usize {
        self.pending.len()
    }

    /// Whether `user` is logged in.
    pub fn is_online(&self, user: u64) -> bool {
        self.sessions.contains_key(&user)
    }

    /// Next datagram to send; the shell drains this after every call.
    pub fn poll_transmit(&mut self) -> Option<(SocketAddr, Vec<u8>)> {
        self.out.pop_front()
    }

    /// When `handle_timeout` next has work.
    pub fn poll_timeout(&self) -> Option<u64> {
        self.timers.first().map(|(t, _)| *t)
    }

    /// Handles one received datagram. `unix_secs` is wall-clock time for token expiry.
    pub fn handle_datagram(&mut self, now: u64, unix_secs: u64, from: SocketAddr, data: &[u8]) {
        if data.first() == Some(&crate::signal::relay::RELAY_V1) {
            let mut copy = data.to_vec();
            if let Some(to) = self.relay_in_place(now, from, &mut copy) {
                self.out.push_back((to, copy));
            }
            return;
        }
        self.clock = self.clock.max(now);
        self.stats.datagrams += 1;
        let msg = match codec::decode(data) {
            Ok(msg) => msg,
            Err(DecodeError::OldVersion { version, login_req }) => {
                self.stats.garbage += 1;
                if self.log_admits("old_client") {
                    info!("event=old_client addr={from} version={}", version & 0x0F);
                }
                // A refusal the old client decodes (same layout in every version), smaller than
                // its login: it reports why instead of timing out.
                if let Some(req) = login_req {
                    let mut bytes = codec::encode_to_vec(&Message::LoginRefused {
                        req,
                        reason: LoginRefusal::UnsupportedVersion,
                    });
                    if let Some(b) = bytes.first_mut() {
                        *b = version;
                    }
                    self.out.push_back((from, bytes));
                }
                return;
            }
            Err(e) => {
                self.stats.garbage += 1;
                debug!("event=garbage from={from} len={} error=\"{e}\"", data.len());
                return;
            }
        };
        match msg {
            Message::Login { req, user_id, nonce, peer_key, credential, cookie } => {
                let login = LoginAttempt { req, user: user_id, nonce, peer_key };
                match cookie.filter(|c| self.cookies.check(from, unix_secs, c)) {
                    Some(cookie) => {
                        self.on_login_handshake(now, unix_secs, from, login, &cookie, &credential)
                    }
                    None => {
                        // No state and a reply smaller than the request until the address
                        // proves it receives what is sent to it.
                        self.stats.login_retries += 1;
                        let cookie = self.cookies.issue(from, unix_secs);
                        let server_key = self.identity_public_key();
                        self.send(from, &Message::LoginRetry { req, cookie, server_key });
                    }
                }
            }
            Message::Sealed { to_server: true, session, counter, body } => {
                self.on_sealed(now, from, session, counter, &body)
            }
            _ => {
                // Server->client types, and session messages in clear (they must be sealed).
                self.stats.unexpected += 1;
                debug!("event=unexpected from={from}");
            }
        }
    }

    /// A sealed datagram: acts in its session only if it opens under the session's keys.
    fn on_sealed(&mut self, now: u64, from: SocketAddr, session: u64, counter: u64, body: &[u8]) {
        let Some(&user) = self.by_session.get(&session) else {
            // Expired, replaced, or from before a restart. Smaller than the datagram it
            // answers, so it amplifies nothing; only the client that logged in knows the token.
            self.stats.unknown_sessions += 1;
            let reset_token = self.reset_tokens.token(session);
            self.send(from, &Message::SessionUnknown { session, reset_token });
            return;
        };
        let Some(s) = self.sessions.get_mut(&user) else {
            return;
        };
        let Some((msg, newest)) = sealed::open(&mut s.channel, counter, body) else {
            self.stats.sealed_refused += 1;
            if self.log_admits("sealed_refused") {
                info!("event=sealed_refused user={user} from={from}");
            }
            return;
        };
        s.last_seen = now;
        s.accept = None; // the client has the keys: a repeated login is no longer answered
        if from != s.addr && newest {
            let old = std::mem::replace(&mut s.addr, from);
            if self.by_addr.get(&old) == Some(&user) {
                self.by_addr.remove(&old);
            }
            self.by_addr.insert(from, user);
            self.stats.address_changes += 1;
            if self.log_admits("address_changed") {
                info!("event=address_changed user={user} from={old} to={from}");
            }
        }
        if msg.session_id() != Some(session) {
            self.stats.unexpected += 1;
            return;
        }
        self.on_session_message(now, user, msg);
    }

    /// One opened message of `user`'s session.
    fn on_session_message(&mut self, now: u64, user: u64, msg: Message) {
        match msg {
            Message::Heartbeat { session } => {
                self.send_sealed(user, &Message::HeartbeatAck { session });
                debug!("event=heartbeat user={user}");
            }
            Message::Logout { req, .. } => {
                // Sealed before the keys go with the session.
                self.send_sealed(user, &Message::LogoutOk { req });
                self.remove_session(now, user, "logout");
            }
            Message::ConnectRequest { req, to, .. } => self.on_request(now, user, req, Op::Connect(to)),
            Message::Accept { req, peer, .. } => self.on_request(now, user, req, Op::Accept(peer)),
            Message::Decline { req, peer, .. } => self.on_request(now, user, req, Op::Decline(peer)),
            Message::SetLanAddrs { req, addrs, .. } => self.on_request(now, user, req, Op::LanAddrs(addrs)),
            Message::RoomCreate { req, join_policy, max_users, updates_off, data_store, .. } => {
                let op = RoomRequest::Create { join_policy, max_users, updates_off, data_store };
                self.on_request(now, user, req, Op::Room(op))
            }
            Message::RoomJoin { req, room, updates_off, .. } => {
                self.on_request(now, user, req, Op::Room(RoomRequest::Join { room, updates_off }))
            }
            Message::RoomLeave { req, room, .. } => {
                self.on_request(now, user, req, Op::Room(RoomRequest::Leave { room }))
            }
            Message::RoomGet { req, room, .. } => {
                self.on_request(now, user, req, Op::Room(RoomRequest::Get { room }))
            }
            Message::RoomGetCurrent { req, .. } => {
                self.on_request(now, user, req, Op::Room(RoomRequest::GetCurrent))
            }
            Message::RoomUpdateDataStore { req, room, data_store, .. } => {
                let op = RoomRequest::UpdateDataStore { room, data_store };
                self.on_request(now, user, req, Op::Room(op))
            }
            Message::RoomKickUser { req, room, user: kicked, kick_duration_seconds, .. } => {
                let op = RoomRequest::KickUser { room, user: kicked, kick_duration_seconds };
                self.on_request(now, user, req, Op::Room(op))
            }
            Message::RoomInviteUser { req, room, user: invited, .. } => {
                self.on_request(now, user, req, Op::Room(RoomRequest::InviteUser { room, user: invited }))
            }
            Message::RoomUpdateOwner { req, room, user: owner, .. } => {
                self.on_request(now, user, req, Op::Room(RoomRequest::UpdateOwner { room, user: owner }))
            }
            Message::RoomUpdateMembershipLockStatus { req, room, locked, .. } => {
                let op = RoomRequest::UpdateMembershipLockStatus { room, locked };
                self.on_request(now, user, req, Op::Room(op))
            }
            Message::RoomUpdatePrivateRoomJoinPolicy { req, room, join_policy, .. } => {
                let op = RoomRequest::UpdatePrivateRoomJoinPolicy { room, policy: join_policy };
                self.on_request(now, user, req, Op::Room(op))
            }
            Message::RoomSetDescription { req, room, description, .. } => {
                let op = RoomRequest::SetDescription { room, description };
                self.on_request(now, user, req, Op::Room(op))
            }
            Message::RoomGetCurrentForUser { req, user: other, .. } => {
                self.on_request(now, user, req, Op::Room(RoomRequest::GetCurrentForUser { user: other }))
            }
            Message::PushAck { push, .. } => {
                if let Some(s) = self.sessions.get_mut(&user) {
                    s.pushes.retain(|p| p.id != push);
                    self.refile_push_timer(user);
                }
            }
            _ => {
                self.stats.unexpected += 1;
                debug!("event=unexpected_sealed user={user}");
            }
        }
    }

    /// Runs every timer due at `now`: session expiry, pending expiry, push retransmission.
    pub fn handle_timeout(&mut self, now: u64) {
        self.clock = self.clock.max(now);
        while let Some(&(at, timer)) = self.timers.first() {
            if at > now {
                break;
            }
            self.timers.pop_first();
            match timer {
                Timer::SessionExpiry(user) => self.on_expiry_timer(now, user),
                Timer::Pending(caller, callee) => {
                    if self.remove_pending(caller, callee) {
                        if self.log_admits("connect_timeout") {
                            info!("event=connect_timeout caller={caller} callee={callee}");
                        }
                        self.push(now, caller, |push| Message::PeerConnectFailed {
                            push,
                            peer: callee,
                            reason: FailReason::Timeout,
                        });
                    }
                }
                Timer::Push(user) => self.on_push_timer(now, user),
            }
        }
    }

    // ---------------------------------------------------------------- login

    /// A login with a valid cookie: its credential field is the handshake's first message.
    fn on_login_handshake(
        &mut self,
        now: u64,
        unix_secs: u64,
        from: SocketAddr,
        login: LoginAttempt,
        cookie: &Cookie,
        message: &Credential,
    ) {
        let LoginAttempt { user, nonce, .. } = login;
        // A retransmission of the login that made a live session gets the same answer until the
        // client shows it has the keys; after that a repeat (or a replay) changes nothing.
        if let Some(s) = self.sessions.get(&user)
            && s.addr == from
            && s.nonce == nonce
        {
            if let Some(accept) = s.accept.clone() {
                self.out.push_back((from, accept));
            }
            return;
        }
        // Opens only if sealed to this server for this cookie (so this address): a login
        // captured elsewhere does not open here.
        let prologue = login_handshake::prologue(cookie, user, nonce, &login.peer_key);
        let random = self.ephemerals.next_block();
        match self.server_key.respond(random, &prologue, message.as_bytes()) {
            Some(responder) => self.on_login(now, unix_secs, from, login, responder),
            None => self.refuse_login(from, login, LoginRefusal::InvalidToken, "credential_not_sealed_here"),
        }
    }

    fn on_login(
        &mut self,
        now: u64,
        unix_secs: u64,
        from: SocketAddr,
        login: LoginAttempt,
        responder: Responder,
    ) {
        let LoginAttempt { req, user, nonce, peer_key } = login;
        let Some(credential) = Credential::new(responder.credential().to_vec()) else {
            self.refuse_login(from, login, LoginRefusal::InvalidToken, "credential_too_long");
            return;
        };
        if let Err(reason) = self.check_login(unix_secs, from, user, &credential) {
            self.refuse_login(from, login, reason, "credential_refused");
            return;
        }
        let id = self.fresh_session_id();
        let ok = self.login_ok(req, id, user, &peer_key, unix_secs);
        let Some((reply, channel)) = responder.accept(&codec::encode_to_vec(&ok)) else {
            warn!("event=login_handshake_failed user={user}");
            return;
        };
        // One socket is one user: whatever session this address held ends here, and so does
        // any earlier session of this user (the new login proved the same identity).
        if let Some(&old) = self.by_addr.get(&from) {
            self.remove_session(now, old, "replaced_by_new_login_on_address");
        }
        if self.sessions.contains_key(&user) {
            self.remove_session(now, user, "replaced_by_new_login");
        }
        let stored = match self.config.auth {
            AuthMode::Open => credential.as_bytes().to_vec(),
            AuthMode::SharedSecret(_) | AuthMode::SignedToken { .. } => Vec::new(),
        };
        let accept = codec::encode_to_vec(&Message::LoginAccept { req, session: id, reply });
        let mut session = Session::new(user, id, from, channel, stored, nonce, now);
        session.relay_bucket =
            crate::server::rate_bucket::RateBucket::new(self.config.relay_burst_bytes, now);
        session.accept = Some(accept.clone());
        let expiry = now.saturating_add(self.config.session_timeout_us);
        session.expiry_timer = expiry;
        self.timers.insert((expiry, Timer::SessionExpiry(user)));
        self.sessions.insert(user, session);
        self.by_session.insert(id, user);
        self.by_addr.insert(from, user);
        self.stats.logins += 1;
        if self.log_admits("login") {
            info!("event=login user={user} addr={from} session={id:016x}");
        }
        self.out.push_back((from, accept));
    }

    fn refuse_login(&mut self, from: SocketAddr, login: LoginAttempt, reason: LoginRefusal, why: &str) {
        self.stats.logins_refused += 1;
        if self.log_admits("login_refused") {
            info!("event=login_refused user={} addr={from} reason={reason} detail={why}", login.user);
        }
        self.send(from, &Message::LoginRefused { req: login.req, reason });
    }

    /// The login's answer (sent encrypted), with a certificate for the client's peer key.
    fn login_ok(&self, req: u32, session: u64, user: u64, peer_key: &[u8; 32], unix_secs: u64) -> Message {
        let expires = unix_secs.saturating_add(self.config.cert_lifetime_secs);
        let cert = self.authority.certify(user, peer_key, expires);
        Message::LoginOk {
            req,
            session,
            session_timeout_ms: self.timeout_ms(),
            cert: Box::new(cert.to_bytes()),
            authority: self.identity_public_key(),
            reset_token: self.reset_tokens.token(session),
        }
    }

    fn check_login(
        &self,
        unix_secs: u64,
        from: SocketAddr,
        user: u64,
        credential: &Credential,
    ) -> Result<(), LoginRefusal> {
        match &self.config.auth {
            AuthMode::SharedSecret(secret) => {
                token::verify(secret, credential.as_bytes(), user, unix_secs).map_err(|e| match e {
                    TokenError::Expired => LoginRefusal::TokenExpired,
                    _ => LoginRefusal::InvalidToken,
                })?;
            }
            AuthMode::SignedToken { public_keys, audience } => {
                signed_token::verify(public_keys, credential.as_bytes(), user, audience, unix_secs).map_err(
                    |e| match e {
                        TokenError::Expired => LoginRefusal::TokenExpired,
                        _ => LoginRefusal::InvalidToken,
                    },
                )?;
            }
            AuthMode::Open => {
                if let Some(s) = self.sessions.get(&user)
                    && s.addr != from
                    && !constant_time::eq(&s.credential, credential.as_bytes())
                {
                    return Err(LoginRefusal::UserIdTaken);
                }
            }
        }
        let replaces = self.sessions.contains_key(&user) || self.by_addr.contains_key(&from);
        if !replaces && self.sessions.len() >= self.config.max_sessions {
            return Err(LoginRefusal::ServerFull);
        }
        Ok(())
    }

    fn fresh_session_id(&mut self) -> u64 {
        loop {
            let id = self.session_ids.next_u64();
            if id != 0 && !self.by_session.contains_key(&id) {
                return id;
            }
        }
    }

    fn timeout_ms(&self) -> u32 {
        u32::try_from(self.config.session_timeout_us / 1000).unwrap_or(u32::MAX)
    }

    // ---------------------------------------------------------------- session requests

    fn on_request(&mut self, now: u64, user: u64, req: u32, op: Op) {
        let Some(s) = self.sessions.get_mut(&user) else {
            return;
        };
        if let Some(reply) = s.cached_reply(req).cloned() {
            self.send_sealed(user, &reply);
            return;
        }
        if !s.seen_requests.insert(req) {
            self.stats.stale_requests += 1;
            return;
        }
        let reply = match op {
            Op::Connect(to) => self.on_connect(now, user, to, req),
            Op::Accept(caller) => self.on_accept(now, user, caller, req),
            Op::Decline(caller) => self.on_decline(now, user, caller, req),
            Op::LanAddrs(addrs) => {
                if let Some(s) = self.sessions.get_mut(&user) {
                    s.lan_addrs = addrs;
                }
                Message::LanAddrsOk { req }
            }
            Op::Room(op) => self.on_room(now, user, req, op),
        };
        if let Some(s) = self.sessions.get_mut(&user) {
            s.remember_reply(req, reply.clone());
        }
        self.send_sealed(user, &reply);
    }

    fn on_connect(&mut self, now: u64, caller: u64, callee: u64, req: u32) -> Message {
        let failed = |reason| Message::ConnectFailed { req, peer: callee, reason };
        if callee == caller {
            return failed(FailReason::Invalid);
        }
        let (Some(caller_addr), Some(callee_addr)) = (self.addr_of(caller), self.addr_of(callee)) else {
            if self.log_admits("connect_failed") {
                info!("event=connect_failed caller={caller} callee={callee} reason=offline");
            }
            return failed(FailReason::Offline);
        };
        let pending = Message::ConnectPending { req, peer: callee };
        if self.remove_pending(callee, caller) {
            // Both asked for each other: each side's request is the other's acceptance.
            if self.log_admits("mutual_connect") {
                info!("event=mutual_connect a={caller} b={callee}");
            }
            self.grant_relay(now, caller, callee);
            self.push(now, callee, |push| Message::PeerAccepted { push, peer: caller, addr: caller_addr });
            self.push(now, caller, |push| Message::PeerAccepted { push, peer: callee, addr: callee_addr });
            return pending;
        }
        if self.pending.contains_key(&(caller, callee)) {
            return pending; // asked again while waiting: nothing new to tell the callee
        }
        let cap = self.config.max_pending_per_user;
        let busy = self.sessions.get(&caller).is_none_or(|s| s.outgoing.len() >= cap)
            || self.sessions.get(&callee).is_none_or(|s| {
                s.incoming.len() >= cap || s.pushes.len() >= self.config.max_pushes_per_session
            });
        if busy {
            if self.log_admits("connect_failed") {
                info!("event=connect_failed caller={caller} callee={callee} reason=busy");
            }
            return failed(FailReason::Busy);
        }
        let expires = now.saturating_add(self.config.connect_timeout_us);
        self.pending.insert((caller, callee), expires);
        self.timers.insert((expires, Timer::Pending(caller, callee)));
        if let Some(s) = self.sessions.get_mut(&caller) {
            s.outgoing.push(callee);
        }
        if let Some(s) = self.sessions.get_mut(&callee) {
            s.incoming.push(caller);
        }
        if self.log_admits("connect_request") {
            info!("event=connect_request caller={caller} callee={callee} caller_addr={caller_addr}");
        }
        self.push(now, callee, |push| Message::PeerConnectRequest { push, from: caller, addr: caller_addr });
        pending
    }

    fn on_accept(&mut self, now: u64, callee: u64, caller: u64, req: u32) -> Message {
        if !self.remove_pending(caller, callee) {
            let reason = if self.is_online(caller) { FailReason::NoRequest } else { FailReason::Offline };
            if self.log_admits("accept_failed") {
                info!("event=accept_failed callee={callee} caller={caller} reason={reason}");
            }
            return Message::AcceptFailed { req, peer: caller, reason };
        }
        let (Some(caller_addr), Some(callee_addr)) = (self.addr_of(caller), self.addr_of(callee)) else {
            // Pending requests end with either session, so both are here; stay total anyway.
            return Message::AcceptFailed { req, peer: caller, reason: FailReason::Offline };
        };
        if self.log_admits("accept") {
            info!(
                "event=accept callee={callee} caller={caller} caller_addr={caller_addr} callee_addr={callee_addr}"
            );
        }
        self.grant_relay(now, caller, callee);
        self.push(now, caller, |push| Message::PeerAccepted { push, peer: callee, addr: callee_addr });
        Message::AcceptOk { req, peer: caller, addr: caller_addr }
    }

    fn on_decline(&mut self, now: u64, callee: u64, caller: u64, req: u32) -> Message {
        if self.remove_pending(caller, callee) {
            if self.log_admits("decline") {
                info!("event=decline callee={callee} caller={caller}");
            }
            self.push(now, caller, |push| Message::PeerConnectFailed {
                push,
                peer: callee,
                reason: FailReason::Refused,
            });
        }
        Message::DeclineOk { req, peer: caller }
    }

    fn addr_of(&self, user: u64) -> Option<SocketAddr> {
        self.sessions.get(&user).map(|s| s.addr)
    }

    // ---------------------------------------------------------------- state upkeep

    /// Removes a pending request and its bookkeeping; false if there was none.
    fn remove_pending(&mut self, caller: u64, callee: u64) -> bool {
        let Some(expires) = self.pending.remove(&(caller, callee)) else {
            return false;
        };
        self.timers.remove(&(expires, Timer::Pending(caller, callee)));
        if let Some(s) = self.sessions.get_mut(&caller) {
            s.outgoing.retain(|&u| u != callee);
        }
        if let Some(s) = self.sessions.get_mut(&callee) {
            s.incoming.retain(|&u| u != caller);
        }
        true
    }

    /// Ends a session: its timers, its outgoing requests (silently) and incoming requests (the
    /// callers hear `Offline`).
    fn remove_session(&mut self, now: u64, user: u64, why: &str) {
        let Some(s) = self.sessions.remove(&user) else {
            return;
        };
        self.by_session.remove(&s.id);
        if self.by_addr.get(&s.addr) == Some(&user) {
            self.by_addr.remove(&s.addr);
        }
        self.timers.remove(&(s.expiry_timer, Timer::SessionExpiry(user)));
        if let Some(at) = s.push_timer {
            self.timers.remove(&(at, Timer::Push(user)));
        }
        for callee in s.outgoing {
            if let Some(expires) = self.pending.remove(&(user, callee)) {
                self.timers.remove(&(expires, Timer::Pending(user, callee)));
            }
            if let Some(c) = self.sessions.get_mut(&callee) {
                c.incoming.retain(|&u| u != user);
            }
        }
        for caller in s.incoming {
            if let Some(expires) = self.pending.remove(&(caller, user)) {
                self.timers.remove(&(expires, Timer::Pending(caller, user)));
            }
            if let Some(c) = self.sessions.get_mut(&caller) {
                c.outgoing.retain(|&u| u != user);
            }
            self.push(now, caller, |push| Message::PeerConnectFailed {
                push,
                peer: user,
                reason: FailReason::Offline,
            });
        }
        self.revoke_relay(user, &s.relay_peers);
        self.drop_from_room(now, user);
        if self.log_admits("session_end") {
            info!("event=session_end user={user} addr={} session={:016x} reason={why}", s.addr, s.id);
        }
    }

    fn on_expiry_timer(&mut self, now: u64, user: u64) {
        let timeout = self.config.session_timeout_us;
        let Some(s) = self.sessions.get_mut(&user) else {
            return;
        };
        let deadline = s.last_seen.saturating_add(timeout);
        if now >= deadline {
            self.stats.sessions_timed_out += 1;
            // The timer was already popped; make removal not look for it.
            s.expiry_timer = u64::MAX;
            self.remove_session(now, user, "timeout");
        } else {
            s.expiry_timer = deadline;
            self.timers.insert((deadline, Timer::SessionExpiry(user)));
        }
    }

    /// Queues and sends a push to `user`; dropped (and counted) when its queue is full.
    fn push(&mut self, now: u64, user: u64, make: impl FnOnce(u32) -> Message) {
        let (initial, max) = (self.config.push_initial_rto_us, self.config.push_max_rto_us);
        let cap = self.config.max_pushes_per_session;
        let Some(s) = self.sessions.get_mut(&user) else {
            return;
        };
        if s.pushes.len() >= cap {
            self.stats.pushes_dropped += 1;
            warn!("event=push_dropped user={user} reason=queue_full");
            return;
        }
        let id = s.next_push;
        s.next_push = s.next_push.wrapping_add(1).max(1);
        let msg = make(id);
        let mut timer = Backoff::new(initial, max);
        timer.sent(now);
        s.pushes.push_back(QueuedPush { id, msg: msg.clone(), timer });
        self.send_sealed(user, &msg);
        self.refile_push_timer(user);
    }

    fn on_push_timer(&mut self, now: u64, user: u64) {
        let max_attempts = self.config.push_max_attempts;
        let Some(s) = self.sessions.get_mut(&user) else {
            return;
        };
        s.push_timer = None; // popped already
        let mut resend = Vec::new();
        let before = s.pushes.len();
        s.pushes.retain_mut(|p| {
            if !p.timer.due(now) {
                return true;
            }
            if p.timer.attempts >= max_attempts {
                return false;
            }
            p.timer.sent(now);
            resend.push(p.msg.clone());
            true
        });
        let given_up = before - s.pushes.len();
        if given_up > 0 {
            self.stats.pushes_given_up += given_up as u64;
            warn!("event=push_given_up user={user} count={given_up}");
        }
        for msg in resend {
            self.send_sealed(user, &msg);
        }
        self.refile_push_timer(user);
    }

    fn refile_push_timer(&mut self, user: u64) {
        let Some(s) = self.sessions.get_mut(&user) else {
            return;
        };
        if let Some(at) = s.push_timer.take() {
            self.timers.remove(&(at, Timer::Push(user)));
        }
        if let Some(at) = s.next_push_due() {
            s.push_timer = Some(at);
            self.timers.insert((at, Timer::Push(user)));
        }
    }

    /// Sends a message in clear (only the login's refusals and retries, and `SessionUnknown`).
    fn send(&mut self, to: SocketAddr, msg: &Message) {
        self.out.push_back((to, codec::encode_to_vec(msg)));
    }

    /// Sends a message of `user`'s session, sealed, to where the session last spoke from.
    fn send_sealed(&mut self, user: u64, msg: &Message) {
        let Some(s) = self.sessions.get_mut(&user) else {
            return;
        };
        match sealed::seal(&mut s.channel, false, s.id, msg) {
            Some(bytes) => self.out.push_back((s.addr, bytes)),
            None => warn!("event=seal_failed user={user}"),
        }
    }
}
