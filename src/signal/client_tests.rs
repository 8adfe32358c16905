//! Client state machine behaviour under virtual time.

use crate::proto::identity::CERT_LEN;
use std::net::SocketAddr;

use super::client::{ClientConfig, CommandError, SignalEvent};
use super::codec::encode_to_vec;
use super::login_handshake::prologue;
use super::messages::{Credential, FailReason, LoginRefusal, Message, RESET_TOKEN_LEN};
use super::test_server::{COOKIE, Linked, server};

const MS: u64 = 1_000;
const SESSION: u64 = 0xABCD;
const CREDENTIAL: &[u8] = b"pw";
const TOKEN: [u8; RESET_TOKEN_LEN] = [5; RESET_TOKEN_LEN];

/// The credential field of a login message.
fn first_credential(sent: &[Message]) -> &[u8] {
    match sent.first() {
        Some(Message::Login { credential, .. }) => credential.as_bytes(),
        _ => &[],
    }
}

fn peer_addr() -> SocketAddr {
    "192.0.2.50:5000".parse().unwrap()
}

fn client() -> Linked {
    let mut config = ClientConfig::new(server(), 7, Credential::new(CREDENTIAL.to_vec()).unwrap());
    config.nonce = 1234;
    Linked::new(config)
}

fn sent(c: &mut Linked, now: u64) -> Vec<Message> {
    c.sent(now)
}

fn events(c: &mut Linked) -> Vec<SignalEvent> {
    std::iter::from_fn(|| c.poll_event()).collect()
}

fn deliver(c: &mut Linked, now: u64, msg: Message) {
    c.deliver(now, msg);
}

fn login_ok(req: u32) -> Message {
    Message::LoginOk {
        req,
        session: SESSION,
        session_timeout_ms: 10_000,
        cert: Box::new([7; CERT_LEN]),
        authority: [9; 32],
        reset_token: TOKEN,
    }
}

fn logged_in() -> Linked {
    let mut c = client();
    let login = sent(&mut c, 0);
    let Message::Login { req, .. } = login[0] else { panic!("{login:?}") };
    deliver(&mut c, 10 * MS, login_ok(req));
    assert_eq!(
        events(&mut c),
        vec![SignalEvent::LoggedIn { session: SESSION, cert: Box::new([7; CERT_LEN]), authority: [9; 32] }]
    );
    c
}

#[test]
fn a_login_retry_sends_the_login_again_at_once_with_the_cookie() {
    let mut c = client();
    let first = sent(&mut c, 0);
    let Message::Login { req, cookie: None, .. } = first[0] else {
        panic!("first login has no cookie: {first:?}")
    };
    let server_key = c.server.public_key();
    deliver(&mut c, 5 * MS, Message::LoginRetry { req, cookie: COOKIE, server_key });
    let again = sent(&mut c, 5 * MS);
    assert!(
        matches!(again.as_slice(), [Message::Login { req: r, cookie: Some(COOKIE), .. }] if *r == req),
        "at once, same request, with the cookie: {again:?}"
    );
    // The credential goes encrypted to the server in the handshake, bound to this cookie;
    // never in clear.
    let Message::Login { credential, user_id, nonce, peer_key, .. } = &again[0] else { unreachable!() };
    assert_ne!(credential.as_bytes(), first_credential(&first));
    assert!(!credential.as_bytes().windows(CREDENTIAL.len()).any(|w| w == CREDENTIAL));
    let bound = prologue(&COOKIE, *user_id, *nonce, peer_key);
    let opened = c.server.key().respond([1; 32], &bound, credential.as_bytes()).expect("opens");
    assert_eq!(opened.credential(), CREDENTIAL);
    assert!(events(&mut c).is_empty(), "a retry is no outcome");
    // A retry for something else changes nothing.
    deliver(&mut c, 6 * MS, Message::LoginRetry { req: req + 100, cookie: [1; 16], server_key });
    assert!(sent(&mut c, 6 * MS).is_empty());
    deliver(&mut c, 10 * MS, login_ok(req));
    assert_eq!(
        events(&mut c),
        vec![SignalEvent::LoggedIn { session: SESSION, cert: Box::new([7; CERT_LEN]), authority: [9; 32] }]
    );
}

#[test]
fn login_is_retried_with_backoff_until_answered() {
    let mut c = client();
    let first = sent(&mut c, 0);
    assert!(matches!(first.as_slice(), [Message::Login { user_id: 7, nonce: 1234, .. }]));
    assert!(sent(&mut c, 199 * MS).is_empty());
    assert_eq!(c.poll_timeout(), Some(200 * MS));
    assert_eq!(sent(&mut c, 200 * MS), first, "same request id and nonce");
    assert_eq!(c.poll_timeout(), Some(600 * MS));
    assert_eq!(sent(&mut c, 600 * MS), first);
    let Message::Login { req, .. } = first[0] else { unreachable!() };
    deliver(&mut c, 700 * MS, login_ok(req));
    assert_eq!(
        events(&mut c),
        vec![SignalEvent::LoggedIn { session: SESSION, cert: Box::new([7; CERT_LEN]), authority: [9; 32] }]
    );
    // No more logins; the next thing sent is a heartbeat one interval later.
    assert!(sent(&mut c, 5_000 * MS).iter().all(|m| !matches!(m, Message::Login { .. })));
}

#[test]
fn refused_login_closes_the_client() {
    let mut c = client();
    sent(&mut c, 0);
    deliver(&mut c, MS, Message::LoginRefused { req: 1, reason: LoginRefusal::UserIdTaken });
    assert_eq!(events(&mut c), vec![SignalEvent::LoginRefused { reason: LoginRefusal::UserIdTaken }]);
    assert!(c.is_closed());
    assert!(sent(&mut c, 10_000 * MS).is_empty());
    assert_eq!(c.poll_timeout(), None);
    assert_eq!(c.connect(MS, 9), Err(CommandError::Closed));
}

#[test]
fn heartbeats_keep_the_server_alive_and_silence_loses_it() {
    let mut c = logged_in();
    // Heartbeats every second, acknowledged: no ServerLost for a long time.
    for s in 1..30u64 {
        let now = s * 1_000 * MS + 10 * MS;
        c.handle_timeout(now);
        let out = sent(&mut c, now);
        assert_eq!(out, vec![Message::Heartbeat { session: SESSION }], "at {s} s");
        deliver(&mut c, now, Message::HeartbeatAck { session: SESSION });
    }
    assert!(events(&mut c).is_empty());
    // Then the server goes quiet.
    let last = 29 * 1_000 * MS + 10 * MS;
    c.handle_timeout(last + 9_999 * MS);
    assert!(events(&mut c).is_empty());
    c.handle_timeout(last + 10_000 * MS);
    assert_eq!(events(&mut c), vec![SignalEvent::ServerLost]);
    assert!(c.is_closed());
}

#[test]
fn unanswered_login_ends_in_server_lost() {
    let mut c = client();
    let mut now = 0;
    while let Some(t) = c.poll_timeout() {
        now = t;
        c.handle_timeout(t);
        sent(&mut c, t);
    }
    assert_eq!(now, 10_000 * MS);
    assert_eq!(events(&mut c), vec![SignalEvent::ServerLost]);
}

#[test]
fn commands_before_login_wait_for_the_session() {
    let mut c = client();
    c.connect(0, 9).unwrap();
    let out = sent(&mut c, 0);
    assert_eq!(out.len(), 1, "only the login goes before the session exists");
    deliver(&mut c, MS, login_ok(1));
    let out = sent(&mut c, MS);
    assert_eq!(out, vec![Message::ConnectRequest { req: 2, session: SESSION, to: 9 }]);
}

#[test]
fn requests_retry_until_answered_and_duplicates_are_ignored() {
    let mut c = logged_in();
    c.connect(20 * MS, 9).unwrap();
    let req = match sent(&mut c, 20 * MS).as_slice() {
        [Message::ConnectRequest { req, to: 9, .. }] => *req,
        other => panic!("{other:?}"),
    };
    assert!(matches!(sent(&mut c, 220 * MS).as_slice(), [Message::ConnectRequest { .. }]));
    deliver(&mut c, 230 * MS, Message::ConnectPending { req, peer: 9 });
    deliver(&mut c, 231 * MS, Message::ConnectPending { req, peer: 9 });
    assert_eq!(events(&mut c), vec![SignalEvent::ConnectPending { peer: 9 }]);
    assert!(sent(&mut c, 900 * MS).is_empty(), "answered: no more retries");

    c.accept(1_000 * MS, 5).unwrap();
    let req = match sent(&mut c, 1_000 * MS).as_slice() {
        [Message::Accept { req, peer: 5, .. }] => *req,
        other => panic!("{other:?}"),
    };
    deliver(&mut c, 1_001 * MS, Message::AcceptFailed { req, peer: 5, reason: FailReason::NoRequest });
    assert_eq!(events(&mut c), vec![SignalEvent::AcceptFailed { peer: 5, reason: FailReason::NoRequest }]);
}

#[test]
fn pushes_are_acked_every_time_and_delivered_once() {
    let mut c = logged_in();
    let push = Message::PeerConnectRequest { push: 1, from: 9, addr: peer_addr() };
    deliver(&mut c, 20 * MS, push.clone());
    deliver(&mut c, 21 * MS, push);
    let ack = Message::PushAck { session: SESSION, push: 1 };
    assert_eq!(sent(&mut c, 21 * MS), vec![ack.clone(), ack]);
    assert_eq!(events(&mut c), vec![SignalEvent::PeerConnectRequest { peer: 9, addr: peer_addr() }]);
    // Reordered pushes still arrive once each.
    deliver(&mut c, 30 * MS, Message::PeerConnectFailed { push: 3, peer: 4, reason: FailReason::Timeout });
    deliver(&mut c, 31 * MS, Message::PeerAccepted { push: 2, peer: 8, addr: peer_addr() });
    assert_eq!(
        events(&mut c),
        vec![
            SignalEvent::ConnectFailed { peer: 4, reason: FailReason::Timeout },
            SignalEvent::PeerAccepted { peer: 8, addr: peer_addr() }
        ]
    );
}

#[test]
fn datagrams_from_elsewhere_are_ignored() {
    let mut c = client();
    sent(&mut c, 0);
    let ok = login_ok(1);
    c.handle_datagram(MS, peer_addr(), &encode_to_vec(&ok));
    c.handle_datagram(MS, server(), &[0xB1, 0x99]);
    // From the server's address but in clear: a LoginOk only counts inside the handshake's
    // answer, and a session message only sealed.
    c.handle_datagram(MS, server(), &encode_to_vec(&ok));
    c.handle_datagram(MS, server(), &encode_to_vec(&Message::HeartbeatAck { session: SESSION }));
    assert!(events(&mut c).is_empty());
    assert_eq!(c.session(), None);
    assert_eq!(c.garbage_count(), 3);
}

#[test]
fn unknown_session_ends_it() {
    let mut c = logged_in();
    deliver(&mut c, 20 * MS, Message::SessionUnknown { session: 1, reset_token: TOKEN });
    assert!(events(&mut c).is_empty(), "not our session id");
    // Sent in clear, so anyone could forge one: without the token it is ignored.
    deliver(&mut c, 20 * MS, Message::SessionUnknown { session: SESSION, reset_token: [6; RESET_TOKEN_LEN] });
    assert!(events(&mut c).is_empty(), "a forged reset");
    assert_eq!(c.garbage_count(), 2);
    deliver(&mut c, 20 * MS, Message::SessionUnknown { session: SESSION, reset_token: TOKEN });
    assert_eq!(events(&mut c), vec![SignalEvent::SessionEnded]);
}

#[test]
fn logout_finishes_on_answer_or_timeout() {
    let mut c = logged_in();
    c.logout(20 * MS);
    let req = match sent(&mut c, 20 * MS).as_slice() {
        [Message::Logout { req, session: SESSION }] => *req,
        other => panic!("{other:?}"),
    };
    deliver(&mut c, 30 * MS, Message::LogoutOk { req });
    assert_eq!(events(&mut c), vec![SignalEvent::LoggedOut]);

    let mut c = logged_in();
    c.logout(20 * MS);
    sent(&mut c, 20 * MS);
    c.handle_timeout(2_019 * MS);
    assert!(events(&mut c).is_empty());
    c.handle_timeout(2_020 * MS);
    assert_eq!(events(&mut c), vec![SignalEvent::LoggedOut]);
}

/// Only the server holding the key the login was made with can answer it: a forged answer
/// (right request id, wrong bytes) is counted and ignored, and the real one still logs in.
#[test]
fn a_forged_login_answer_is_ignored() {
    let mut c = client();
    let first = sent(&mut c, 0);
    let Message::Login { req, .. } = first[0] else { panic!("{first:?}") };
    let server_key = c.server.public_key();
    deliver(&mut c, MS, Message::LoginRetry { req, cookie: COOKIE, server_key });
    sent(&mut c, MS);
    for reply in [vec![], vec![7; 48], vec![7; 300]] {
        let forged = Message::LoginAccept { req, session: SESSION, reply };
        c.handle_datagram(2 * MS, server(), &encode_to_vec(&forged));
    }
    assert!(events(&mut c).is_empty());
    assert_eq!(c.garbage_count(), 3);
    deliver(&mut c, 3 * MS, login_ok(req));
    assert!(matches!(events(&mut c).as_slice(), [SignalEvent::LoggedIn { session: SESSION, .. }]));
}
