#![allow(dead_code)] // each includer (the target, the corpus maker) uses a different part
//! A server core with one client logged in, and a signalling client logged in to a hand-driven
//! server, each with the other side's channel in hand: the signalling target seals fuzzed
//! plaintexts with them, so the fuzzer reaches what sits behind the AEAD. Deterministic, so the
//! corpus maker sees the same session ids as the target.
use std::net::SocketAddr;

use ovrnet::server::{AuthMode, IdentityKey, ServerConfig, ServerCore};
use ovrnet::signal::channel::Channel;
use ovrnet::signal::login_handshake::{ClientHandshake, ServerKey, prologue};
use ovrnet::signal::{ClientConfig, Credential, Message, SignalClient, decode, encode};

pub const UNIX: u64 = 1_800_000_000;
pub const SERVER_SEED: [u8; 32] = [7; 32];
pub const CLIENT_SIDE_SERVER_SEED: [u8; 32] = [8; 32];

pub fn server_addr() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 7650))
}

pub fn client_addr(selector: u8) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 2], 1000 + u16::from(selector % 4)))
}

pub struct Pair {
    pub server: ServerCore,
    /// The logged-in client's side of its session with `server` (at `client_addr(0)`).
    pub to_server: Channel,
    pub server_session: u64,
    pub client: SignalClient,
    /// The hand-driven server's side of `client`'s session.
    pub to_client: Channel,
    pub client_session: u64,
}

/// The Ed25519 public key of a server identity seed.
fn public(seed: &[u8; 32]) -> [u8; 32] {
    ovrnet::proto::identity::Authority::from_seed(*seed).public_key().to_bytes()
}

fn one(server: &mut ServerCore) -> Vec<u8> {
    let out = server.poll_transmit().expect("the server answers").1;
    while server.poll_transmit().is_some() {}
    out
}

pub fn pair() -> Pair {
    // A client of the real server core, driven by hand.
    let mut config = ServerConfig::new(server_addr(), AuthMode::Open);
    config.identity_key = IdentityKey(SERVER_SEED);
    let mut server = ServerCore::new(config, [1; 32]);
    let from = client_addr(0);
    let login = |cookie, credential| Message::Login {
        req: 1,
        user_id: 5,
        nonce: 9,
        peer_key: [3; 32],
        credential,
        cookie,
    };
    let mut buf = [0u8; 1400];
    let n = encode(&login(None, Credential::default()), &mut buf).expect("encodes");
    server.handle_datagram(0, UNIX, from, &buf[..n]);
    let Ok(Message::LoginRetry { cookie, server_key, .. }) = decode(&one(&mut server)) else {
        panic!("a retry")
    };
    let mut handshake =
        ClientHandshake::start(&server_key, [2; 32], &prologue(&cookie, 5, 9, &[3; 32]), b"pw").expect("starts");
    let first = Credential::sealed(handshake.message().to_vec()).expect("short");
    let n = encode(&login(Some(cookie), first), &mut buf).expect("encodes");
    server.handle_datagram(0, UNIX, from, &buf[..n]);
    let Ok(Message::LoginAccept { session: server_session, reply, .. }) = decode(&one(&mut server)) else {
        panic!("accepted")
    };
    handshake.read_reply(&reply).expect("reads the answer");
    let to_server = handshake.into_channel().expect("channel");

    // A signalling client logged in to a server driven by hand.
    let mut config = ClientConfig::new(server_addr(), 6, Credential::default());
    config.nonce = 4;
    config.handshake_random = [5; 32];
    config.server_key = Some(public(&CLIENT_SIDE_SERVER_SEED));
    let mut client = SignalClient::new(config, 0);
    let n = client.poll_transmit(0, &mut buf).expect("login").1;
    let Ok(Message::Login { req, .. }) = decode(&buf[..n]) else { panic!("a login") };
    let retry = Message::LoginRetry { req, cookie: [9; 16], server_key: public(&CLIENT_SIDE_SERVER_SEED) };
    let m = encode(&retry, &mut buf).expect("encodes");
    client.handle_datagram(0, server_addr(), &buf[..m]);
    let n = client.poll_transmit(0, &mut buf).expect("login again").1;
    let Ok(Message::Login { user_id, nonce, peer_key, credential, cookie: Some(cookie), .. }) = decode(&buf[..n])
    else {
        panic!("a login with the cookie")
    };
    let responder = ServerKey::from_identity_seed(&CLIENT_SIDE_SERVER_SEED)
        .respond([6; 32], &prologue(&cookie, user_id, nonce, &peer_key), credential.as_bytes())
        .expect("opens");
    let client_session = 77;
    let ok = Message::LoginOk {
        req,
        session: client_session,
        session_timeout_ms: 10_000,
        cert: Box::new([0; ovrnet::proto::identity::CERT_LEN]),
        authority: public(&CLIENT_SIDE_SERVER_SEED),
        reset_token: [4; 16],
    };
    let n = encode(&ok, &mut buf).expect("encodes");
    let (reply, to_client) = responder.accept(&buf[..n]).expect("accepts");
    let n = encode(&Message::LoginAccept { req, session: client_session, reply }, &mut buf).expect("encodes");
    client.handle_datagram(0, server_addr(), &buf[..n]);
    assert_eq!(client.session(), Some(client_session));
    while client.poll_event().is_some() {}
    Pair { server, to_server, server_session, client, to_client, client_session }
}

/// The `Sealed` datagram carrying `plaintext` under `channel`.
pub fn sealed(channel: &mut Channel, to_server: bool, session: u64, plaintext: &[u8]) -> Option<Vec<u8>> {
    let mut body = vec![0u8; plaintext.len() + 16];
    let (counter, n) = channel.seal(plaintext, &mut body)?;
    body.truncate(n);
    let mut out = vec![0u8; body.len() + 64];
    let n = encode(&Message::Sealed { to_server, session, counter, body }, &mut out).ok()?;
    out.truncate(n);
    Some(out)
}
