//! A server as the client's unit tests need it: it answers the login handshake, seals what it
//! sends and opens what the client sends, so tests read and write plain messages.

use std::net::SocketAddr;
use std::ops::{Deref, DerefMut};

use super::channel::Channel;
use super::client::{ClientConfig, SignalClient};
use super::codec::{MAX_SIGNAL_DATAGRAM, decode, encode_to_vec};
use super::login_handshake::{ServerKey, prologue};
use super::messages::{Cookie, Message};
use super::sealed;

/// Where the test server is.
pub fn server() -> SocketAddr {
    "192.0.2.1:7650".parse().unwrap()
}

/// The cookie the test server hands out.
pub const COOKIE: Cookie = [9; 16];

/// The Login that carried the handshake's first message.
struct LoginSeen {
    cookie: Cookie,
    user: u64,
    nonce: u64,
    peer_key: [u8; 32],
    message: Vec<u8>,
}

/// The server side of one client's login and session.
pub struct TestServer {
    seed: [u8; 32],
    login: Option<LoginSeen>,
    channel: Option<Channel>,
    session: u64,
}

impl TestServer {
    fn new() -> Self {
        Self { seed: [21; 32], login: None, channel: None, session: 0 }
    }

    /// The server's Ed25519 public key (what a LoginRetry states).
    pub fn public_key(&self) -> [u8; 32] {
        ed25519_dalek::SigningKey::from_bytes(&self.seed).verifying_key().to_bytes()
    }

    /// The server's key, for tests that open a login's first message themselves.
    pub fn key(&self) -> ServerKey {
        ServerKey::from_identity_seed(&self.seed)
    }

    /// A client datagram as the server reads it: a login's first message is kept for the
    /// answer, sealed ones are opened.
    fn read(&mut self, bytes: &[u8]) -> Message {
        match decode(bytes).unwrap() {
            Message::Sealed { to_server: true, session, counter, body } => {
                assert_eq!(session, self.session, "sealed in the session");
                let channel = self.channel.as_mut().expect("sealed only after the login");
                sealed::open(channel, counter, &body).expect("the client's datagrams open").0
            }
            login @ Message::Login { cookie: Some(cookie), .. } => {
                if let Message::Login { user_id, nonce, peer_key, ref credential, .. } = login {
                    let message = credential.as_bytes().to_vec();
                    self.login = Some(LoginSeen { cookie, user: user_id, nonce, peer_key, message });
                }
                login
            }
            other => other,
        }
    }
}

/// A client wired to its test server; derefs to the client.
pub struct Linked {
    pub client: SignalClient,
    pub server: TestServer,
}

impl Deref for Linked {
    type Target = SignalClient;
    fn deref(&self) -> &SignalClient {
        &self.client
    }
}

impl DerefMut for Linked {
    fn deref_mut(&mut self) -> &mut SignalClient {
        &mut self.client
    }
}

impl Linked {
    /// A client starting its login at time 0 to [`server`].
    pub fn new(config: ClientConfig) -> Self {
        assert_eq!(config.server, server());
        Self { client: SignalClient::new(config, 0), server: TestServer::new() }
    }

    /// Everything the client sends at `now`, as the server reads it.
    pub fn sent(&mut self, now: u64) -> Vec<Message> {
        let mut buf = [0u8; MAX_SIGNAL_DATAGRAM];
        let mut out = Vec::new();
        while let Some((to, n)) = self.client.poll_transmit(now, &mut buf) {
            assert_eq!(to, server());
            out.push(self.server.read(&buf[..n]));
        }
        out
    }

    /// Delivers `msg` as the server sends it. A `LoginOk` goes as the server's answer to the
    /// login handshake (after a `LoginRetry` first, if the client has not yet sent a cookie);
    /// session messages go sealed; the rest in clear.
    pub fn deliver(&mut self, now: u64, msg: Message) {
        let bytes = match msg {
            Message::LoginOk { req, session, .. } => {
                if self.server.login.is_none() {
                    let retry =
                        Message::LoginRetry { req, cookie: COOKIE, server_key: self.server.public_key() };
                    self.client.handle_datagram(now, server(), &encode_to_vec(&retry));
                    self.sent(now);
                }
                let seen = self.server.login.take().expect("the client sent its handshake");
                let prologue = prologue(&seen.cookie, seen.user, seen.nonce, &seen.peer_key);
                let responder = self.server.key().respond([6; 32], &prologue, &seen.message).expect("opens");
                let (reply, channel) = responder.accept(&encode_to_vec(&msg)).unwrap();
                self.server.channel = Some(channel);
                self.server.session = session;
                encode_to_vec(&Message::LoginAccept { req, session, reply })
            }
            msg if msg.travels_sealed() => {
                let channel = self.server.channel.as_mut().expect("sealed only after the login");
                sealed::seal(channel, false, self.server.session, &msg).unwrap()
            }
            msg => encode_to_vec(&msg),
        };
        self.client.handle_datagram(now, server(), &bytes);
    }
}
