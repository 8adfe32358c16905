//! Server core behaviour under virtual time.

use std::net::SocketAddr;

use super::config::{AuthMode, ServerConfig};
use super::core::ServerCore;
use super::test_clients::{TestClients, handshake};
use super::token;
use crate::signal::codec::encode_to_vec;
use crate::signal::messages::{Credential, FailReason, LoginRefusal, Message};

const SECRET: &[u8] = b"test-secret";
const UNIX: u64 = 1_000_000;
const S: u64 = 1_000_000; // one second in microseconds

fn addr(port: u16) -> SocketAddr {
    SocketAddr::from(([198, 51, 100, 1], port))
}

/// A server core and the clients that talk to it.
struct Harness {
    core: ServerCore,
    now: u64,
    clients: TestClients,
}

impl Harness {
    fn new(auth: AuthMode) -> Self {
        Self::with(ServerConfig::new(addr(1), auth))
    }

    fn with(config: ServerConfig) -> Self {
        Self { core: ServerCore::new(config, [99; 32]), now: 0, clients: TestClients::default() }
    }

    /// Sends `msg` from `from` (sealed in its session when it is a session message) and returns
    /// everything the server sent, opened and decoded.
    fn send(&mut self, from: SocketAddr, msg: Message) -> Vec<(SocketAddr, Message)> {
        let bytes = self.clients.seal(&msg);
        self.send_raw(from, &bytes)
    }

    /// Sends raw bytes from `from`.
    fn send_raw(&mut self, from: SocketAddr, bytes: &[u8]) -> Vec<(SocketAddr, Message)> {
        self.core.handle_datagram(self.now, UNIX, from, bytes);
        self.drain()
    }

    fn advance(&mut self, to: u64) -> Vec<(SocketAddr, Message)> {
        self.now = to;
        self.core.handle_timeout(to);
        self.drain()
    }

    fn drain(&mut self) -> Vec<(SocketAddr, Message)> {
        let mut out = Vec::new();
        while let Some((to, bytes)) = self.core.poll_transmit() {
            out.push((to, self.clients.open(to, &bytes)));
        }
        out
    }

    /// One login as a real client makes it; returns the server's answer (as the client reads it).
    fn login(&mut self, from: SocketAddr, user: u64, cred: &[u8], nonce: u64) -> Message {
        let datagram = self.login_datagram(from, user, cred, nonce);
        let out = self.send_raw(from, &datagram);
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].0, from);
        out[0].1.clone()
    }

    /// The first attempt of a login without a cookie (answered with a `LoginRetry` to `from`,
    /// nothing kept), then the datagram of the same login with that cookie, not yet sent.
    fn login_datagram(&mut self, from: SocketAddr, user: u64, cred: &[u8], nonce: u64) -> Vec<u8> {
        let credential = Credential::new(cred.to_vec()).unwrap();
        let login = |cookie, credential| Message::Login {
            req: 1,
            user_id: user,
            nonce,
            peer_key: [3; 32],
            credential,
            cookie,
        };
        let out = self.send(from, login(None, Credential::default()));
        let (cookie, key) = match out.as_slice() {
            [(to, Message::LoginRetry { req: 1, cookie, server_key })] if *to == from => {
                (*cookie, *server_key)
            }
            other => panic!("a login without a cookie gets a retry: {other:?}"),
        };
        let handshake = handshake(&key, [11; 32], &cookie, user, nonce, &[3; 32], credential.as_bytes());
        let first = self.clients.start_login(from, handshake);
        encode_to_vec(&login(Some(cookie), first))
    }

    fn session(&mut self, from: SocketAddr, user: u64) -> u64 {
        match self.login(from, user, b"secret", user) {
            Message::LoginOk { session, .. } => session,
            other => panic!("login failed: {other:?}"),
        }
    }
}

fn only_to(out: &[(SocketAddr, Message)], to: SocketAddr) -> Vec<Message> {
    out.iter().filter(|(a, _)| *a == to).map(|(_, m)| m.clone()).collect()
}

#[test]
fn open_mode_login_and_heartbeat() {
    let mut h = Harness::new(AuthMode::Open);
    let s = h.session(addr(10), 7);
    assert!(h.core.is_online(7));
    let out = h.send(addr(10), Message::Heartbeat { session: s });
    assert_eq!(out, vec![(addr(10), Message::HeartbeatAck { session: s })]);
    // In clear, a session message does nothing (only sealed ones act in a session).
    let clear = encode_to_vec(&Message::Heartbeat { session: s });
    assert!(h.send_raw(addr(10), &clear).is_empty());
    assert_eq!(h.core.stats().unexpected, 1);
    // Sealed for another session id: that session is unknown, and the answer carries its
    // reset token (smaller than the datagram: no amplification).
    let mut other = h.clients.seal(&Message::Heartbeat { session: s });
    other[2..10].copy_from_slice(&(s ^ 1).to_be_bytes());
    let out = h.send_raw(addr(10), &other);
    let Message::SessionUnknown { session, .. } = out[0].1 else { panic!("{out:?}") };
    assert_eq!(session, s ^ 1);
    assert!(encode_to_vec(&out[0].1).len() < other.len());
}

#[test]
fn retransmitted_login_returns_the_same_session() {
    let mut h = Harness::new(AuthMode::Open);
    let first = h.login(addr(10), 7, b"x", 555);
    let again = h.login(addr(10), 7, b"x", 555);
    assert_eq!(first, again);
    assert_eq!(h.core.stats().logins, 1);
    // A new nonce is a new login: a new session.
    let fresh = h.login(addr(10), 7, b"x", 556);
    assert_ne!(first, fresh);
    assert_eq!(h.core.stats().logins, 2);
}

#[test]
fn open_mode_taken_user_needs_the_same_secret() {
    let mut h = Harness::new(AuthMode::Open);
    let old = match h.login(addr(10), 7, b"mine", 1) {
        Message::LoginOk { session, .. } => session,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        h.login(addr(11), 7, b"not-mine", 2),
        Message::LoginRefused { req: 1, reason: LoginRefusal::UserIdTaken }
    );
    assert!(matches!(h.login(addr(11), 7, b"mine", 3), Message::LoginOk { .. }));
    // The old address lost the session.
    let out = h.send(addr(10), Message::Heartbeat { session: old });
    assert!(matches!(out[0].1, Message::SessionUnknown { session, .. } if session == old), "{out:?}");
    assert_eq!(h.core.session_count(), 1);
}

#[test]
fn key_mode_checks_signed_tokens_and_their_audience() {
    let (private, public) = super::signed_token::generate().expect("OS randomness");
    let (other_private, _) = super::signed_token::generate().expect("OS randomness");
    let auth = AuthMode::SignedToken { public_keys: vec![public], audience: "game".into() };
    let mut h = Harness::new(auth);
    let mint = |key: &[u8; 32], user, expiry, audience: &str| {
        super::signed_token::mint(key, user, expiry, audience).expect("valid audience")
    };
    let refused = |reason| Message::LoginRefused { req: 1, reason };
    let cases = [
        (mint(&private, 7, UNIX - 1, "game"), LoginRefusal::TokenExpired),
        (mint(&private, 8, UNIX + 60, "game"), LoginRefusal::InvalidToken),
        (mint(&private, 7, UNIX + 60, "other"), LoginRefusal::InvalidToken),
        (mint(&other_private, 7, UNIX + 60, "game"), LoginRefusal::InvalidToken),
        (token::mint(SECRET, 7, UNIX + 60), LoginRefusal::InvalidToken),
    ];
    for (token, reason) in cases {
        assert_eq!(h.login(addr(10), 7, token.as_bytes(), 1), refused(reason), "{token}");
    }
    assert!(!h.core.is_online(7));
    let good = mint(&private, 7, UNIX + 60, "game");
    assert!(matches!(h.login(addr(10), 7, good.as_bytes(), 1), Message::LoginOk { .. }));
    assert!(h.core.is_online(7));
}

#[test]
fn secret_mode_checks_tokens() {
    let mut h = Harness::new(AuthMode::SharedSecret(SECRET.to_vec()));
    let good = token::mint(SECRET, 7, UNIX + 60);
    let expired = token::mint(SECRET, 7, UNIX - 1);
    let other_user = token::mint(SECRET, 8, UNIX + 60);
    let refused = |reason| Message::LoginRefused { req: 1, reason };
    assert_eq!(h.login(addr(10), 7, expired.as_bytes(), 1), refused(LoginRefusal::TokenExpired));
    assert_eq!(h.login(addr(10), 7, other_user.as_bytes(), 1), refused(LoginRefusal::InvalidToken));
    assert_eq!(h.login(addr(10), 7, b"garbage", 1), refused(LoginRefusal::InvalidToken));
    assert!(!h.core.is_online(7));
    assert!(matches!(h.login(addr(10), 7, good.as_bytes(), 1), Message::LoginOk { .. }));
    // Taken user id: a bad token is refused, a valid one replaces the session.
    assert_eq!(h.login(addr(11), 7, b"nope", 2), refused(LoginRefusal::InvalidToken));
    assert!(matches!(h.login(addr(11), 7, good.as_bytes(), 2), Message::LoginOk { .. }));
    assert_eq!(h.core.session_count(), 1);
    assert_eq!(h.core.stats().logins_refused, 4);
}

#[test]
fn server_full_refuses_new_users_only() {
    let mut config = ServerConfig::new(addr(1), AuthMode::Open);
    config.max_sessions = 1;
    let mut h = Harness::with(config);
    h.session(addr(10), 7);
    assert_eq!(
        h.login(addr(11), 8, b"s", 1),
        Message::LoginRefused { req: 1, reason: LoginRefusal::ServerFull }
    );
    // Re-login of the existing user still works.
    assert!(matches!(h.login(addr(10), 7, b"s", 9), Message::LoginOk { .. }));
}

#[test]
fn silent_client_is_logged_out_after_the_timeout() {
    let mut h = Harness::new(AuthMode::Open);
    let s = h.session(addr(10), 7);
    h.now = 5 * S;
    h.send(addr(10), Message::Heartbeat { session: s });
    assert_eq!(h.core.poll_timeout(), Some(10 * S));
    h.advance(10 * S);
    assert!(h.core.is_online(7), "heartbeat at 5 s must extend to 15 s");
    assert_eq!(h.core.poll_timeout(), Some(15 * S));
    h.advance(15 * S - 1);
    assert!(h.core.is_online(7));
    h.advance(15 * S);
    assert!(!h.core.is_online(7));
    assert_eq!(h.core.stats().sessions_timed_out, 1);
    assert_eq!(h.core.poll_timeout(), None);
}

#[test]
fn connect_to_offline_user_fails_at_once() {
    let mut h = Harness::new(AuthMode::Open);
    let s = h.session(addr(10), 7);
    let out = h.send(addr(10), Message::ConnectRequest { req: 2, session: s, to: 8 });
    assert_eq!(
        out,
        vec![(addr(10), Message::ConnectFailed { req: 2, peer: 8, reason: FailReason::Offline })]
    );
    let out = h.send(addr(10), Message::ConnectRequest { req: 3, session: s, to: 7 });
    assert!(matches!(out[0].1, Message::ConnectFailed { reason: FailReason::Invalid, .. }));
}

#[test]
fn accept_without_request_is_an_error() {
    let mut h = Harness::new(AuthMode::Open);
    let a = h.session(addr(10), 7);
    h.session(addr(11), 8);
    let out = h.send(addr(10), Message::Accept { req: 2, session: a, peer: 8 });
    assert_eq!(
        out,
        vec![(addr(10), Message::AcceptFailed { req: 2, peer: 8, reason: FailReason::NoRequest })]
    );
    let out = h.send(addr(10), Message::Accept { req: 3, session: a, peer: 99 });
    assert!(matches!(out[0].1, Message::AcceptFailed { reason: FailReason::Offline, .. }));
}

#[test]
fn connect_and_accept_exchange_addresses_once_under_duplicates() {
    let mut h = Harness::new(AuthMode::Open);
    let (a_addr, b_addr) = (addr(10), addr(11));
    let a = h.session(a_addr, 7);
    let b = h.session(b_addr, 8);
    let connect = Message::ConnectRequest { req: 2, session: a, to: 8 };
    let out = h.send(a_addr, connect.clone());
    assert_eq!(only_to(&out, a_addr), vec![Message::ConnectPending { req: 2, peer: 8 }]);
    let pushed = only_to(&out, b_addr);
    assert_eq!(pushed, vec![Message::PeerConnectRequest { push: 1, from: 7, addr: a_addr }]);
    // A duplicate gets the same reply and no second push.
    let out = h.send(a_addr, connect);
    assert_eq!(out, vec![(a_addr, Message::ConnectPending { req: 2, peer: 8 })]);
    h.send(b_addr, Message::PushAck { session: b, push: 1 });

    let accept = Message::Accept { req: 5, session: b, peer: 7 };
    let out = h.send(b_addr, accept.clone());
    let ok = Message::AcceptOk { req: 5, peer: 7, addr: a_addr };
    assert_eq!(only_to(&out, b_addr), vec![ok.clone()]);
    assert_eq!(only_to(&out, a_addr), vec![Message::PeerAccepted { push: 1, peer: 8, addr: b_addr }]);
    assert_eq!(h.core.pending_count(), 0);
    let out = h.send(b_addr, accept);
    assert_eq!(out, vec![(b_addr, ok)], "duplicate accept: same answer, no push");
}

#[test]
fn old_request_ids_are_not_executed_twice_after_eviction() {
    let mut h = Harness::new(AuthMode::Open);
    let a = h.session(addr(10), 7);
    h.session(addr(11), 8);
    h.send(addr(10), Message::ConnectRequest { req: 1, session: a, to: 8 });
    // Push request 1 out of the reply cache with many cheap requests.
    for req in 2..200 {
        h.send(addr(10), Message::Decline { req, session: a, peer: 9 });
    }
    let out = h.send(addr(10), Message::ConnectRequest { req: 1, session: a, to: 8 });
    assert!(out.is_empty(), "{out:?}");
    assert_eq!(h.core.stats().stale_requests, 1);
}

#[test]
fn mutual_connect_is_a_mutual_accept() {
    let mut h = Harness::new(AuthMode::Open);
    let (a_addr, b_addr) = (addr(10), addr(11));
    let a = h.session(a_addr, 7);
    let b = h.session(b_addr, 8);
    h.send(a_addr, Message::ConnectRequest { req: 2, session: a, to: 8 });
    let out = h.send(b_addr, Message::ConnectRequest { req: 2, session: b, to: 7 });
    assert!(only_to(&out, b_addr).contains(&Message::PeerAccepted { push: 2, peer: 7, addr: a_addr }));
    assert!(only_to(&out, b_addr).contains(&Message::ConnectPending { req: 2, peer: 7 }));
    assert!(only_to(&out, a_addr).contains(&Message::PeerAccepted { push: 1, peer: 8, addr: b_addr }));
    assert_eq!(h.core.pending_count(), 0);
}

#[test]
fn unanswered_request_times_out_and_decline_refuses() {
    let mut h = Harness::new(AuthMode::Open);
    let (a_addr, b_addr) = (addr(10), addr(11));
    let a = h.session(a_addr, 7);
    let b = h.session(b_addr, 8);
    let c = h.session(addr(12), 9);
    for (req, to) in [(2, 8), (3, 9)] {
        h.send(a_addr, Message::ConnectRequest { req, session: a, to });
    }
    h.send(b_addr, Message::PushAck { session: b, push: 1 });
    h.send(addr(12), Message::PushAck { session: c, push: 1 });
    let out = h.send(addr(12), Message::Decline { req: 4, session: c, peer: 7 });
    assert!(only_to(&out, a_addr).contains(&Message::PeerConnectFailed {
        push: 1,
        peer: 9,
        reason: FailReason::Refused
    }));
    h.send(a_addr, Message::PushAck { session: a, push: 1 });
    // Keep everyone alive while the other request expires.
    for t in 1..20 {
        h.now = t * S;
        h.send(a_addr, Message::Heartbeat { session: a });
        h.send(b_addr, Message::Heartbeat { session: b });
    }
    let out = h.advance(20 * S);
    assert_eq!(
        only_to(&out, a_addr),
        vec![Message::PeerConnectFailed { push: 2, peer: 8, reason: FailReason::Timeout }]
    );
    assert_eq!(h.core.pending_count(), 0);
}

#[test]
fn callee_leaving_fails_the_pending_request() {
    let mut h = Harness::new(AuthMode::Open);
    let a = h.session(addr(10), 7);
    let b = h.session(addr(11), 8);
    h.send(addr(10), Message::ConnectRequest { req: 2, session: a, to: 8 });
    let out = h.send(addr(11), Message::Logout { req: 3, session: b });
    assert!(only_to(&out, addr(11)).contains(&Message::LogoutOk { req: 3 }));
    assert_eq!(
        only_to(&out, addr(10)),
        vec![Message::PeerConnectFailed { push: 1, peer: 8, reason: FailReason::Offline }]
    );
    // A repeated logout finds no session (its keys went with it): the answer is the session's
    // reset token, which a logging-out client takes as done.
    let out = h.send(addr(11), Message::Logout { req: 3, session: b });
    assert!(
        matches!(out.as_slice(), [(to, Message::SessionUnknown { session, .. })] if *to == addr(11) && *session == b)
    );
}

#[test]
fn pushes_are_retransmitted_with_backoff_until_acked_or_given_up() {
    let mut config = ServerConfig::new(addr(1), AuthMode::Open);
    config.session_timeout_us = 1000 * S;
    config.push_max_attempts = 4;
    let mut h = Harness::with(config);
    let a = h.session(addr(10), 7);
    h.session(addr(11), 8);
    h.send(addr(10), Message::ConnectRequest { req: 2, session: a, to: 8 });
    let mut sends = vec![0];
    while let Some(t) = h.core.poll_timeout() {
        // Stop before the unanswered request's own 20 s timeout pushes to the caller.
        if t > 10 * S {
            break;
        }
        let out = h.advance(t);
        if !only_to(&out, addr(11)).is_empty() {
            sends.push(t);
        }
    }
    // 1 initial + 3 retransmissions at 250 ms, 750 ms, 1750 ms; then it is dropped.
    assert_eq!(sends, vec![0, 250_000, 750_000, 1_750_000]);
    assert_eq!(h.core.stats().pushes_given_up, 1, "{:?}", h.core.stats());
}

#[test]
fn acked_push_is_not_retransmitted() {
    let mut h = Harness::new(AuthMode::Open);
    let a = h.session(addr(10), 7);
    let b = h.session(addr(11), 8);
    h.send(addr(10), Message::ConnectRequest { req: 2, session: a, to: 8 });
    h.send(addr(11), Message::PushAck { session: b, push: 1 });
    let out = h.advance(5 * S);
    assert!(only_to(&out, addr(11)).is_empty(), "{out:?}");
}

#[test]
fn garbage_is_counted_and_ignored() {
    let mut h = Harness::new(AuthMode::Open);
    h.core.handle_datagram(0, UNIX, addr(10), &[0xB1, 0xFF, 1, 2]);
    h.core.handle_datagram(0, UNIX, addr(10), &[]);
    h.core.handle_datagram(0, UNIX, addr(10), &[0xA1, 0]);
    // A server->client message sent to the server.
    h.core.handle_datagram(0, UNIX, addr(10), &encode_to_vec(&Message::LogoutOk { req: 1 }));
    assert!(h.drain().is_empty());
    assert_eq!(h.core.stats().garbage, 3);
    assert_eq!(h.core.stats().unexpected, 1);
}

/// A version-1 client gets a refusal it can decode (its own version byte, the unchanged
/// LoginRefused layout), smaller than its login; other version-1 datagrams get nothing.
#[test]
fn an_old_client_is_told_its_version_is_unsupported() {
    let mut h = Harness::new(AuthMode::Open);
    let mut login = vec![0xB1, 0x01];
    login.extend_from_slice(&0x0102_0304u32.to_be_bytes());
    login.extend_from_slice(&[7; 18]);
    h.core.handle_datagram(0, UNIX, addr(10), &login);
    let out: Vec<_> = std::iter::from_fn(|| h.core.poll_transmit()).collect();
    assert_eq!(out, vec![(addr(10), vec![0xB1, 0x42, 1, 2, 3, 4, 5])]);
    assert!(out[0].1.len() < login.len(), "no amplification");
    h.core.handle_datagram(0, UNIX, addr(10), &[0xB1, 0x02, 0, 0, 0, 0, 0, 0, 0, 1]);
    assert!(h.core.poll_transmit().is_none());
    assert_eq!(h.core.session_count(), 0);
}

#[test]
fn a_login_flood_writes_a_bounded_number_of_log_lines() {
    let mut h = Harness::new(AuthMode::Open);
    for i in 0..500u16 {
        let reply = h.login(addr(2000 + i), 1 + u64::from(i), b"c", u64::from(i));
        assert!(matches!(reply, Message::LoginOk { .. }), "every login is still served");
    }
    let limit = u64::from(super::log_limit::LINES_PER_SECOND);
    assert_eq!(h.core.suppressed_log_lines("login"), 500 - limit, "only {limit} lines in the second");
    // The next second starts a new budget.
    h.advance(2 * S);
    h.login(addr(9000), 9000, b"c", 1);
    assert_eq!(h.core.suppressed_log_lines("login"), 0);
}

/// A login as an attacker sends it: from a spoofed address, so without the cookie only that
/// address's owner could have received.
fn spoofed_login(h: &mut Harness, from: SocketAddr, user: u64, nonce: u64) -> Vec<(SocketAddr, Message)> {
    let credential = Credential::new(b"secret".to_vec()).unwrap();
    h.send(from, Message::Login { req: 9, user_id: user, nonce, peer_key: [3; 32], credential, cookie: None })
}

#[test]
fn a_login_without_a_valid_cookie_keeps_nothing_and_gets_a_smaller_retry() {
    let mut h = Harness::new(AuthMode::Open);
    let credential = Credential::new(vec![b'x'; 40]).unwrap();
    let login = Message::Login { req: 9, user_id: 5, nonce: 1, peer_key: [3; 32], credential, cookie: None };
    let request_len = encode_to_vec(&login).len();
    let out = h.send(addr(30), login);
    assert!(
        matches!(out.as_slice(), [(to, Message::LoginRetry { req: 9, .. })] if *to == addr(30)),
        "{out:?}"
    );
    let reply_len = encode_to_vec(&out[0].1).len();
    assert!(reply_len < request_len, "retry {reply_len} B for a {request_len} B login: no amplification");
    assert!(!h.core.is_online(5) && h.core.session_count() == 0, "nothing kept");
    assert_eq!(h.core.stats().login_retries, 1);

    // A cookie issued to another address is worth nothing.
    let Message::LoginRetry { cookie, server_key, .. } = out[0].1 else { unreachable!() };
    let handshake = handshake(&server_key, [12; 32], &cookie, 5, 1, &[3; 32], b"c");
    let credential = Credential::sealed(handshake.message().to_vec()).unwrap();
    let with = |cookie| Message::Login {
        req: 9,
        user_id: 5,
        nonce: 1,
        peer_key: [3; 32],
        credential: credential.clone(),
        cookie,
    };
    let elsewhere = h.send(addr(31), with(Some(cookie)));
    assert!(matches!(elsewhere.as_slice(), [(_, Message::LoginRetry { .. })]), "{elsewhere:?}");
    // A cookie of another server (another key) is worth nothing either; expiry is tested with
    // the cookie jar itself (`server::cookie`).
    let foreign = super::cookie::CookieJar::new([0; 32]).issue(addr(30), UNIX);
    assert!(matches!(h.send(addr(30), with(Some(foreign))).as_slice(), [(_, Message::LoginRetry { .. })]));
    assert_eq!(h.core.session_count(), 0);
    // The real owner of the address uses its cookie and is in.
    assert!(matches!(h.send(addr(30), with(Some(cookie))).as_slice(), [(_, Message::LoginAccept { .. })]));
}

/// The credential travels encrypted to the server in the handshake, bound to the address
/// cookie: in clear it is refused, and one captured from another address's login does not open
/// here, even with this address's own cookie (a stolen login is worth nothing elsewhere).
#[test]
fn credentials_must_be_sealed_for_this_cookie() {
    let mut h = Harness::new(AuthMode::Open);
    let retry = |h: &mut Harness, from| match h
        .send(
            from,
            Message::Login {
                req: 1,
                user_id: 5,
                nonce: 1,
                peer_key: [3; 32],
                credential: Credential::default(),
                cookie: None,
            },
        )
        .as_slice()
    {
        [(_, Message::LoginRetry { cookie, server_key, .. })] => (*cookie, *server_key),
        other => panic!("{other:?}"),
    };
    let login = |cookie, credential| Message::Login {
        req: 1,
        user_id: 5,
        nonce: 1,
        peer_key: [3; 32],
        credential,
        cookie: Some(cookie),
    };
    let (victim_cookie, key) = retry(&mut h, addr(50));
    let sealed_for = |cookie, peer_key, random| {
        let handshake = handshake(&key, random, &cookie, 5, 1, &peer_key, b"victim-secret");
        Credential::sealed(handshake.message().to_vec()).unwrap()
    };
    let victims = sealed_for(victim_cookie, [3; 32], [13; 32]);
    let (attacker_cookie, _) = retry(&mut h, addr(51));
    let refused = |out: &[(SocketAddr, Message)]| {
        matches!(out, [(_, Message::LoginRefused { reason: LoginRefusal::InvalidToken, .. })])
    };
    assert!(refused(&h.send(addr(51), login(attacker_cookie, victims.clone()))), "replayed elsewhere");
    let clear = Credential::new(b"victim-secret".to_vec()).unwrap();
    assert!(refused(&h.send(addr(51), login(attacker_cookie, clear))), "in clear");
    // Sealed for another login field (another peer key) does not open either.
    let other = sealed_for(attacker_cookie, [4; 32], [14; 32]);
    assert!(refused(&h.send(addr(51), login(attacker_cookie, other))));
    assert_eq!(h.core.session_count(), 0);
    assert!(matches!(
        h.send(addr(50), login(victim_cookie, victims)).as_slice(),
        [(_, Message::LoginAccept { .. })]
    ));
}

#[test]
fn spoofed_logins_neither_fill_the_server_nor_take_over_a_session() {
    let mut h = Harness::new(AuthMode::Open);
    let victim = h.session(addr(40), 40);
    for i in 0..10_000u32 {
        let spoofed = SocketAddr::from(([10, 1, (i >> 8) as u8, i as u8], 1000 + (i % 50) as u16));
        spoofed_login(&mut h, spoofed, 100_000 + u64::from(i), u64::from(i));
    }
    // The victim's own address and user id, spoofed: still only a retry (sent to the victim).
    let out = spoofed_login(&mut h, addr(40), 40, 77);
    assert!(matches!(out.as_slice(), [(to, Message::LoginRetry { .. })] if *to == addr(40)), "{out:?}");
    assert_eq!(h.core.session_count(), 1, "10,000 spoofed logins kept nothing");
    assert!(h.core.is_online(40));
    let out = h.send(addr(40), Message::Heartbeat { session: victim });
    assert!(matches!(out.as_slice(), [(_, Message::HeartbeatAck { .. })]), "the victim's session is intact");
    // And a real newcomer is served.
    assert!(matches!(h.login(addr(41), 41, b"secret", 1), Message::LoginOk { .. }));
}

/// A session moves only with the newest datagram that opens under its keys: a delayed older
/// one from the old address does not pull it back, and replays of either, from anywhere, are
/// refused and counted.
#[test]
fn only_the_newest_datagram_that_opens_moves_a_session() {
    let mut h = Harness::new(AuthMode::Open);
    let s = h.session(addr(10), 7);
    let older = h.clients.seal(&Message::Heartbeat { session: s });
    let newer = h.clients.seal(&Message::Heartbeat { session: s });
    let ack = Message::HeartbeatAck { session: s };
    // The NAT rebound: the newer one arrives from the new address.
    assert_eq!(h.send_raw(addr(12), &newer), vec![(addr(12), ack.clone())]);
    // The older one, delayed, from the old address: served, but answered at the new address.
    assert_eq!(h.send_raw(addr(10), &older), vec![(addr(12), ack)]);
    assert_eq!(h.core.stats().address_changes, 1);
    for from in [addr(10), addr(12), addr(13)] {
        for d in [&older, &newer] {
            assert!(h.send_raw(from, d).is_empty(), "a replay is refused");
        }
    }
    assert_eq!(h.core.stats().sealed_refused, 6);
    assert_eq!(h.core.stats().address_changes, 1);
}

/// A retransmitted login (the client did not get the answer) gets the same answer, until the
/// client's first sealed datagram shows it has the keys; after that the same login, replayed
/// even from the client's own address, gets nothing and changes nothing.
#[test]
fn a_repeated_login_is_answered_until_the_session_is_in_use_and_never_after() {
    let mut h = Harness::new(AuthMode::Open);
    let login = h.login_datagram(addr(10), 7, b"pw", 5);
    let first = h.send_raw(addr(10), &login);
    let Message::LoginOk { session, .. } = first[0].1 else { panic!("{first:?}") };
    // The answer is cached bytes: the client (which already read it) sees a LoginAccept it
    // has no handshake for.
    let again = h.send_raw(addr(10), &login);
    assert!(matches!(again.as_slice(), [(_, Message::LoginAccept { session: s, .. })] if *s == session));
    assert_eq!(h.core.stats().logins, 1);
    h.send(addr(10), Message::Heartbeat { session });
    assert!(h.send_raw(addr(10), &login).is_empty());
    assert_eq!(h.core.stats().logins, 1);
    assert_eq!(
        h.send(addr(10), Message::Heartbeat { session }),
        vec![(addr(10), Message::HeartbeatAck { session })]
    );
}

/// A relayed datagram from `from` for `to_user` carrying `payload`; what the server sent out.
fn relay(h: &mut Harness, from: SocketAddr, to_user: u64, payload: &[u8]) -> Vec<(SocketAddr, Vec<u8>)> {
    let mut d = vec![0u8; crate::signal::relay::RELAY_HEADER_LEN];
    crate::signal::relay::write_header(&mut d, to_user);
    d.extend_from_slice(payload);
    h.core.handle_datagram(h.now, UNIX, from, &d);
    std::iter::from_fn(|| h.core.poll_transmit()).collect()
}

/// Logs in 7, 8 and 9 and brokers a connect between 7 and 8.
fn brokered_pair(config: ServerConfig) -> (Harness, [SocketAddr; 3]) {
    let mut h = Harness::with(config);
    let addrs = [addr(10), addr(11), addr(12)];
    let a = h.session(addrs[0], 7);
    let b = h.session(addrs[1], 8);
    h.session(addrs[2], 9);
    h.send(addrs[0], Message::ConnectRequest { req: 2, session: a, to: 8 });
    h.send(addrs[1], Message::Accept { req: 2, session: b, peer: 7 });
    (h, addrs)
}

#[test]
fn the_relay_forwards_only_between_users_whose_connect_it_brokered() {
    let mut h = Harness::new(AuthMode::Open);
    let (a_addr, b_addr) = (addr(10), addr(11));
    let a = h.session(a_addr, 7);
    let b = h.session(b_addr, 8);
    assert!(relay(&mut h, a_addr, 8, b"early").is_empty(), "no grant before the connect");
    h.send(a_addr, Message::ConnectRequest { req: 2, session: a, to: 8 });
    assert!(relay(&mut h, a_addr, 8, b"asked").is_empty(), "a request alone grants nothing");
    h.send(b_addr, Message::Accept { req: 2, session: b, peer: 7 });
    let out = relay(&mut h, a_addr, 8, b"sealed bytes");
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].0, b_addr);
    assert_eq!(crate::signal::relay::parse(&out[0].1), Some((7, &b"sealed bytes"[..])), "names the sender");
    let back = relay(&mut h, b_addr, 7, b"reply");
    assert_eq!(back[0].0, a_addr);
    let stats = h.core.stats();
    assert_eq!((stats.relayed_packets, stats.relay_refused), (2, 2));
    assert_eq!(stats.relayed_bytes, (9 + 12) + (9 + 5), "what went out, envelope included");
}

#[test]
fn strangers_spoofed_sources_and_ended_sessions_get_nothing_relayed() {
    let (mut h, [a_addr, _, c_addr]) = brokered_pair(ServerConfig::new(addr(1), AuthMode::Open));
    assert!(relay(&mut h, c_addr, 7, b"x").is_empty(), "9 was never brokered with 7");
    assert!(relay(&mut h, a_addr, 9, b"x").is_empty());
    assert!(relay(&mut h, addr(99), 8, b"x").is_empty(), "an address with no session");
    assert!(relay(&mut h, a_addr, 7, b"x").is_empty(), "to itself");
    assert_eq!(h.core.stats().relay_refused, 4);
    // 8's session ends: the grant goes with it, also for a later session of the same user.
    let b_addr = addr(13);
    let b = h.session(b_addr, 8);
    assert!(relay(&mut h, a_addr, 8, b"x").is_empty());
    assert!(relay(&mut h, b_addr, 7, b"x").is_empty());
    h.send(b_addr, Message::Logout { req: 9, session: b });
    assert!(relay(&mut h, a_addr, 8, b"x").is_empty());
    assert_eq!(h.core.stats().relayed_packets, 0);
}

#[test]
fn junk_relay_datagrams_are_counted_and_dropped() {
    let (mut h, [a_addr, _, _]) = brokered_pair(ServerConfig::new(addr(1), AuthMode::Open));
    let garbage = h.core.stats().garbage;
    for junk in [&[0xC1u8][..], &[0xC1, 8, 0, 0, 0, 0, 0, 0, 0], &[0xC1, 1, 2]] {
        h.core.handle_datagram(h.now, UNIX, a_addr, junk);
        assert!(h.core.poll_transmit().is_none());
    }
    let oversize = vec![0xAB; crate::signal::relay::MAX_RELAY_PAYLOAD + 1];
    assert!(relay(&mut h, a_addr, 8, &oversize).is_empty());
    assert_eq!(h.core.stats().garbage, garbage + 4);
}

#[test]
fn each_session_relays_at_most_its_rate_and_the_relay_can_be_off() {
    let mut config = ServerConfig::new(addr(1), AuthMode::Open);
    config.relay_bytes_per_sec = 1000;
    config.relay_burst_bytes = 2000;
    let (mut h, [a_addr, b_addr, _]) = brokered_pair(config.clone());
    let kb = vec![0xAB; 1000];
    assert_eq!(relay(&mut h, a_addr, 8, &kb).len(), 1);
    assert_eq!(relay(&mut h, a_addr, 8, &kb).len(), 1);
    assert!(relay(&mut h, a_addr, 8, &kb).is_empty(), "the burst is spent");
    assert_eq!(relay(&mut h, b_addr, 7, &kb).len(), 1, "each sender has its own budget");
    h.advance(S);
    assert_eq!(relay(&mut h, a_addr, 8, &kb).len(), 1, "one second refills 1000 bytes");
    assert!(relay(&mut h, a_addr, 8, &kb).is_empty());
    assert_eq!(h.core.stats().relay_rate_limited, 2);

    config.relay_bytes_per_sec = 0;
    let (mut h, [a_addr, _, _]) = brokered_pair(config);
    assert!(relay(&mut h, a_addr, 8, b"x").is_empty(), "relay off");
    assert_eq!(h.core.stats().relay_refused, 1);
}

#[test]
fn lan_addresses_go_to_the_brokered_peer_only() {
    let mut h = Harness::new(AuthMode::Open);
    let (a_addr, b_addr, c_addr) = (addr(10), addr(11), addr(12));
    let a = h.session(a_addr, 7);
    let b = h.session(b_addr, 8);
    h.session(c_addr, 9);
    let lan: SocketAddr = "10.0.1.2:4000".parse().unwrap();
    let out = h.send(a_addr, Message::SetLanAddrs { req: 2, session: a, addrs: vec![lan] });
    assert_eq!(out, vec![(a_addr, Message::LanAddrsOk { req: 2 })]);
    let out = h.send(a_addr, Message::ConnectRequest { req: 3, session: a, to: 8 });
    assert!(out.iter().all(|(_, m)| !matches!(m, Message::PeerLanAddrs { .. })), "not before the accept");
    let out = h.send(b_addr, Message::Accept { req: 3, session: b, peer: 7 });
    let to_b = only_to(&out, b_addr);
    assert!(
        to_b.iter().any(|m| matches!(m, Message::PeerLanAddrs { peer: 7, addrs, .. } if *addrs == vec![lan]))
    );
    assert!(
        !only_to(&out, a_addr).iter().any(|m| matches!(m, Message::PeerLanAddrs { .. })),
        "8 announced none"
    );
    assert!(only_to(&out, c_addr).is_empty(), "a stranger learns nothing");
}
