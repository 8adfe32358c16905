//! The rendezvous server as a sans-IO state machine: datagrams and time in, datagrams out.
//!
//! Identity of a sender is its UDP address plus the session id it echoes; anything that does
//! not match an existing session gets `SessionUnknown` (never a side effect). Every request id
//! is executed at most once per session; repeats get the remembered answer.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::net::SocketAddr;

use log::{debug, info, warn};

use super::config::{AuthMode, ServerConfig};
use super::cookie::CookieJar;
use super::log_limit::LogLimit;
use super::rooms::RoomTable;
use super::session::{QueuedPush, Session};
use super::signed_token;
use super::token::{self, TokenError};
use crate::proto::Authority;
use crate::signal::RoomRequest;
use crate::signal::backoff::Backoff;
use crate::signal::codec::{self, DecodeError, SIGNAL_V1};
use crate::signal::messages::{Credential, FailReason, LoginRefusal, Message};
use crate::signal::rng::SplitMix64;
use crate::signal::sealed_credential::{self, Opener};

mod rooms;

/// Counters for operators and tests.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub datagrams: u64,
    /// Datagrams that did not decode.
    pub garbage: u64,
    /// Well-formed datagrams a server never expects (server->client types).
    pub unexpected: u64,
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
    Room(RoomRequest),
}

/// The server's whole state.
#[derive(Debug)]
pub struct ServerCore {
    config: ServerConfig,
    sessions: HashMap<u64, Session>,
    by_addr: HashMap<SocketAddr, u64>,
    /// Live session ids, so a new one is checked for uniqueness in O(1).
    session_ids: HashSet<u64>,
    /// (caller, callee) -> expiry time.
    pending: HashMap<(u64, u64), u64>,
    timers: BTreeSet<(u64, Timer)>,
    rooms: RoomTable,
    out: VecDeque<(SocketAddr, Vec<u8>)>,
    rng: SplitMix64,
    stats: Stats,
    /// Per-event log budget: floods of requests must not write a line each.
    log_limit: LogLimit,
    /// Issues and checks the address cookies logins must carry.
    cookies: CookieJar,
    /// The latest time handle_datagram / handle_timeout was given (the log budget's clock).
    clock: u64,
    /// Signs the peer certificate each login gets.
    authority: Authority,
    /// Opens the credentials clients seal to the same key.
    opener: Opener,
}

impl ServerCore {
    /// `seed` drives session ids: from the OS in production, a constant in tests.
    pub fn new(config: ServerConfig, seed: u64) -> Self {
        Self {
            // Before `config` moves in.
            rooms: RoomTable::new(config.max_rooms),
            authority: Authority::from_seed(config.identity_key.0),
            opener: Opener::new(&config.identity_key.0),
            config,
            sessions: HashMap::new(),
            by_addr: HashMap::new(),
            session_ids: HashSet::new(),
            pending: HashMap::new(),
            timers: BTreeSet::new(),
            out: VecDeque::new(),
            rng: SplitMix64::new(seed),
            stats: Stats::default(),
            log_limit: LogLimit::default(),
            cookies: CookieJar::new(cookie_key(seed)),
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
        self.clock = self.clock.max(now);
        self.stats.datagrams += 1;
        let msg = match codec::decode(data) {
            Ok(msg) => msg,
            Err(DecodeError::OldVersion { login_req }) => {
                self.stats.garbage += 1;
                if self.log_admits("old_client") {
                    info!("event=old_client addr={from} version=1");
                }
                // A refusal the old client decodes (same layout in both versions), smaller than
                // its login: it reports why instead of timing out.
                if let Some(req) = login_req {
                    let mut bytes = codec::encode_to_vec(&Message::LoginRefused {
                        req,
                        reason: LoginRefusal::UnsupportedVersion,
                    });
                    if let Some(b) = bytes.first_mut() {
                        *b = SIGNAL_V1;
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
                if let Some(cookie) = cookie.filter(|c| self.cookies.check(from, unix_secs, c)) {
                    // The credential was sealed to this server for this cookie (so this
                    // address): a login captured elsewhere does not open here.
                    let binding = sealed_credential::binding(&cookie, user_id, nonce, &peer_key);
                    let opened = self.opener.open(&binding, credential.as_bytes()).and_then(Credential::new);
                    let login = LoginAttempt { req, user: user_id, nonce, peer_key };
                    match opened {
                        Some(credential) => self.on_login(now, unix_secs, from, login, &credential),
                        None => self.refuse_login(
                            from,
                            login,
                            LoginRefusal::InvalidToken,
                            "credential_not_sealed_here",
                        ),
                    }
                } else {
                    // No state and a reply smaller than the request until the address proves
                    // it receives what is sent to it.
                    self.stats.login_retries += 1;
                    let cookie = self.cookies.issue(from, unix_secs);
                    let server_key = self.identity_public_key();
                    self.send(from, &Message::LoginRetry { req, cookie, server_key });
                }
            }
            Message::Heartbeat { session } => {
                if let Some(user) = self.session_for(now, from, session) {
                    self.send(from, &Message::HeartbeatAck { session });
                    debug!("event=heartbeat user={user}");
                }
            }
            Message::Logout { req, session } => {
                let known = self.by_addr.get(&from).copied();
                if let Some(user) = known
                    && self.sessions.get(&user).is_some_and(|s| s.id == session)
                {
                    self.remove_session(now, user, "logout");
                }
                // Answer even for an unknown session: the logout is then already done.
                self.send(from, &Message::LogoutOk { req });
            }
            Message::ConnectRequest { req, session, to } => {
                self.on_request(now, from, session, req, Op::Connect(to))
            }
            Message::Accept { req, session, peer } => {
                self.on_request(now, from, session, req, Op::Accept(peer))
            }
            Message::Decline { req, session, peer } => {
                self.on_request(now, from, session, req, Op::Decline(peer))
            }
            Message::RoomCreate { req, session, join_policy, max_users, updates_off, data_store } => {
                let op = RoomRequest::Create { join_policy, max_users, updates_off, data_store };
                self.on_request(now, from, session, req, Op::Room(op))
            }
            Message::RoomJoin { req, session, room, updates_off } => {
                self.on_request(now, from, session, req, Op::Room(RoomRequest::Join { room, updates_off }))
            }
            Message::RoomLeave { req, session, room } => {
                self.on_request(now, from, session, req, Op::Room(RoomRequest::Leave { room }))
            }
            Message::RoomGet { req, session, room } => {
                self.on_request(now, from, session, req, Op::Room(RoomRequest::Get { room }))
            }
            Message::RoomGetCurrent { req, session } => {
                self.on_request(now, from, session, req, Op::Room(RoomRequest::GetCurrent))
            }
            Message::RoomUpdateDataStore { req, session, room, data_store } => {
                let op = RoomRequest::UpdateDataStore { room, data_store };
                self.on_request(now, from, session, req, Op::Room(op))
            }
            Message::RoomKickUser { req, session, room, user, kick_duration_seconds } => {
                let op = RoomRequest::KickUser { room, user, kick_duration_seconds };
                self.on_request(now, from, session, req, Op::Room(op))
            }
            Message::RoomInviteUser { req, session, room, user } => {
                self.on_request(now, from, session, req, Op::Room(RoomRequest::InviteUser { room, user }))
            }
            Message::RoomUpdateOwner { req, session, room, user } => {
                self.on_request(now, from, session, req, Op::Room(RoomRequest::UpdateOwner { room, user }))
            }
            Message::RoomUpdateMembershipLockStatus { req, session, room, locked } => {
                let op = RoomRequest::UpdateMembershipLockStatus { room, locked };
                self.on_request(now, from, session, req, Op::Room(op))
            }
            Message::RoomUpdatePrivateRoomJoinPolicy { req, session, room, join_policy } => {
                let op = RoomRequest::UpdatePrivateRoomJoinPolicy { room, policy: join_policy };
                self.on_request(now, from, session, req, Op::Room(op))
            }
            Message::RoomSetDescription { req, session, room, description } => {
                let op = RoomRequest::SetDescription { room, description };
                self.on_request(now, from, session, req, Op::Room(op))
            }
            Message::RoomGetCurrentForUser { req, session, user } => {
                self.on_request(now, from, session, req, Op::Room(RoomRequest::GetCurrentForUser { user }))
            }
            Message::PushAck { session, push } => {
                if let Some(user) = self.session_for(now, from, session)
                    && let Some(s) = self.sessions.get_mut(&user)
                {
                    s.pushes.retain(|p| p.id != push);
                    self.refile_push_timer(user);
                }
            }
            _ => {
                self.stats.unexpected += 1;
                debug!("event=unexpected from={from}");
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

    fn on_login(
        &mut self,
        now: u64,
        unix_secs: u64,
        from: SocketAddr,
        login: LoginAttempt,
        credential: &Credential,
    ) {
        let LoginAttempt { req, user, nonce, peer_key } = login;
        let login = LoginAttempt { req, user, nonce, peer_key };
        // A retransmitted login (same address, same nonce) gets the same session back.
        if let Some(s) = self.sessions.get_mut(&user)
            && s.addr == from
            && s.nonce == nonce
        {
            s.last_seen = now;
            let id = s.id;
            let reply = self.login_ok(req, id, user, &peer_key, unix_secs);
            self.send(from, &reply);
            return;
        }
        if let Err(reason) = self.check_login(unix_secs, from, user, credential) {
            self.refuse_login(from, login, reason, "credential_refused");
            return;
        }
        // One socket is one user: whatever session this address held ends here, and so does
        // any earlier session of this user (the new login proved the same identity).
        if let Some(&old) = self.by_addr.get(&from) {
            self.remove_session(now, old, "replaced_by_new_login_on_address");
        }
        if self.sessions.contains_key(&user) {
            self.remove_session(now, user, "replaced_by_new_login");
        }
        let id = self.fresh_session_id();
        let stored = match self.config.auth {
            AuthMode::Open => credential.as_bytes().to_vec(),
            AuthMode::SharedSecret(_) | AuthMode::SignedToken { .. } => Vec::new(),
        };
        let mut session = Session::new(user, id, from, stored, nonce, now);
        let expiry = now.saturating_add(self.config.session_timeout_us);
        session.expiry_timer = expiry;
        self.timers.insert((expiry, Timer::SessionExpiry(user)));
        self.sessions.insert(user, session);
        self.session_ids.insert(id);
        self.by_addr.insert(from, user);
        self.stats.logins += 1;
        if self.log_admits("login") {
            info!("event=login user={user} addr={from} session={id:016x}");
        }
        let reply = self.login_ok(req, id, user, &peer_key, unix_secs);
        self.send(from, &reply);
    }

    fn refuse_login(&mut self, from: SocketAddr, login: LoginAttempt, reason: LoginRefusal, why: &str) {
        self.stats.logins_refused += 1;
        if self.log_admits("login_refused") {
            info!("event=login_refused user={} addr={from} reason={reason} detail={why}", login.user);
        }
        self.send(from, &Message::LoginRefused { req: login.req, reason });
    }

    /// The login's answer, with a certificate for the client's peer key.
    fn login_ok(&self, req: u32, session: u64, user: u64, peer_key: &[u8; 32], unix_secs: u64) -> Message {
        let expires = unix_secs.saturating_add(self.config.cert_lifetime_secs);
        let cert = self.authority.certify(user, peer_key, expires);
        Message::LoginOk {
            req,
            session,
            session_timeout_ms: self.timeout_ms(),
            cert: Box::new(cert.to_bytes()),
            authority: self.identity_public_key(),
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
                    && !constant_time_eq(&s.credential, credential.as_bytes())
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
            let id = self.rng.next_u64();
            if id != 0 && !self.session_ids.contains(&id) {
                return id;
            }
        }
    }

    fn timeout_ms(&self) -> u32 {
        u32::try_from(self.config.session_timeout_us / 1000).unwrap_or(u32::MAX)
    }

    // ---------------------------------------------------------------- session requests

    /// The user whose session `session` lives at `from`, marking it alive; otherwise tells the
    /// sender its session is unknown.
    fn session_for(&mut self, now: u64, from: SocketAddr, session: u64) -> Option<u64> {
        let user = self.by_addr.get(&from).copied();
        match user.and_then(|u| self.sessions.get_mut(&u)) {
            Some(s) if s.id == session => {
                s.last_seen = now;
                Some(s.user)
            }
            _ => {
                self.send(from, &Message::SessionUnknown { session });
                None
            }
        }
    }

    fn on_request(&mut self, now: u64, from: SocketAddr, session: u64, req: u32, op: Op) {
        let Some(user) = self.session_for(now, from, session) else {
            return;
        };
        let Some(s) = self.sessions.get_mut(&user) else {
            return;
        };
        if let Some(reply) = s.cached_reply(req).cloned() {
            self.send(from, &reply);
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
            Op::Room(op) => self.on_room(now, user, req, op),
        };
        if let Some(s) = self.sessions.get_mut(&user) {
            s.remember_reply(req, reply.clone());
        }
        self.send(from, &reply);
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
        self.session_ids.remove(&s.id);
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
        let addr = s.addr;
        s.pushes.push_back(QueuedPush { id, msg: msg.clone(), timer });
        self.send(addr, &msg);
        self.refile_push_timer(user);
    }

    fn on_push_timer(&mut self, now: u64, user: u64) {
        let max_attempts = self.config.push_max_attempts;
        let Some(s) = self.sessions.get_mut(&user) else {
            return;
        };
        s.push_timer = None; // popped already
        let addr = s.addr;
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
            self.send(addr, &msg);
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

    fn send(&mut self, to: SocketAddr, msg: &Message) {
        self.out.push_back((to, codec::encode_to_vec(msg)));
    }
}

/// Equality whose running time does not depend on where the inputs differ.
/// The cookie key, derived from the core's seed (from the OS in production, fixed in tests) by
/// its own generator stream, so session ids and cookies do not share outputs.
fn cookie_key(seed: u64) -> [u8; 32] {
    let mut rng = SplitMix64::new(seed ^ 0x636F_6F6B_6965_6B65);
    let mut key = [0u8; 32];
    for chunk in key.chunks_exact_mut(8) {
        chunk.copy_from_slice(&rng.next_u64().to_le_bytes());
    }
    key
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
