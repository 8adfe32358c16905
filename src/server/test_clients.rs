//! Clients as the server core's unit tests need them: they make the login handshakes, seal
//! what they send and open what the server sends them, so tests read and write plain messages.

use std::collections::HashMap;
use std::net::SocketAddr;

use crate::signal::channel::Channel;
use crate::signal::codec::{decode, encode_to_vec};
use crate::signal::login_handshake::{ClientHandshake, prologue};
use crate::signal::messages::{Cookie, Credential, Message};
use crate::signal::sealed;

/// The handshake a client starts for a login.
pub fn handshake(
    server_key: &[u8; 32],
    random: [u8; 32],
    cookie: &Cookie,
    user: u64,
    nonce: u64,
    peer_key: &[u8; 32],
    credential: &[u8],
) -> ClientHandshake {
    ClientHandshake::start(server_key, random, &prologue(cookie, user, nonce, peer_key), credential).unwrap()
}

/// The client side of every login and session a test made.
#[derive(Default)]
pub struct TestClients {
    /// Login handshakes waiting for the server's answer, by client address.
    handshakes: HashMap<SocketAddr, ClientHandshake>,
    /// The clients' side of each session's channel.
    channels: HashMap<u64, Channel>,
}

impl TestClients {
    /// Starts the handshake of a login from `from` and returns the Login's credential field.
    pub fn start_login(&mut self, from: SocketAddr, handshake: ClientHandshake) -> Credential {
        let first = Credential::sealed(handshake.message().to_vec()).unwrap();
        self.handshakes.insert(from, handshake);
        first
    }

    /// The datagram a client sends for `msg`: sealed in its session when it is a session
    /// message.
    pub fn seal(&mut self, msg: &Message) -> Vec<u8> {
        if !msg.travels_sealed() {
            return encode_to_vec(msg);
        }
        let session = msg.session_id().expect("a session message");
        let channel = self.channels.get_mut(&session).expect("a session these clients logged in");
        sealed::seal(channel, true, session, msg).unwrap()
    }

    /// What the client at `to` reads from a server datagram: sealed ones opened, a login's
    /// answer read with the handshake that client made (its channel kept).
    pub fn open(&mut self, to: SocketAddr, bytes: &[u8]) -> Message {
        match decode(bytes).unwrap() {
            Message::Sealed { to_server: false, session, counter, body } => {
                let channel = self.channels.get_mut(&session).expect("a session these clients logged in");
                sealed::open(channel, counter, &body).expect("the server's datagrams open").0
            }
            Message::LoginAccept { req, session, reply } => match self.handshakes.remove(&to) {
                Some(mut handshake) => {
                    let payload = handshake.read_reply(&reply).expect("the answer to this handshake");
                    self.channels.insert(session, handshake.into_channel().unwrap());
                    decode(&payload).unwrap()
                }
                None => Message::LoginAccept { req, session, reply },
            },
            other => other,
        }
    }
}
