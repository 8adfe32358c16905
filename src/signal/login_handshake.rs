//! The login is a Noise NK handshake (`Noise_NK_25519_ChaChaPoly_SHA256`, through the snow
//! crate): the client knows the server's static key (pinned, or stated by the LoginRetry), the
//! server learns who the client is from the credential its first message carries encrypted.
//!
//! - Message 1 (client -> server, the Login's credential field): `e, es` + the credential.
//!   Only the holder of the server key opens it, and it is bound to the Login's clear fields
//!   (cookie, user id, nonce, peer key) through the Noise prologue, so a captured login is
//!   useless from any other address.
//! - Message 2 (server -> client, `LoginAccept`): `e, ee` + the encoded `LoginOk`. Only the
//!   client that made message 1 opens it, and both sides then hold fresh keys: every later
//!   datagram of the session travels sealed under them (see [`super::channel`]).
//!
//! The server's X25519 static key is its Ed25519 identity key through the birational map (as
//! libsodium's `crypto_sign_ed25519_pk_to_curve25519`), so clients pin one key for both the
//! certificates and the channel. Ephemeral keys come from caller-supplied random bytes, so the
//! sans-IO client and server stay deterministic under the simulator.

use ed25519_dalek::{SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use snow::params::{CipherChoice, DHChoice, HashChoice};
use snow::resolvers::{CryptoResolver, DefaultResolver, FallbackResolver, RingResolver};
use snow::types::{Cipher, Dh, Hash, Random};
use snow::{Builder, HandshakeState};

use super::channel::Channel;
use super::messages::{COOKIE_LEN, Cookie};

/// The Noise protocol name (fixed: both sides must agree, and it is mixed into every key).
pub const NOISE_PARAMS: &str = "Noise_NK_25519_ChaChaPoly_SHA256";
/// Bytes message 1 adds to the credential: the ephemeral key and the AEAD tag.
pub const HANDSHAKE_OVERHEAD: usize = 32 + 16;
/// Largest Noise message (the protocol's own limit).
const MAX_NOISE_MESSAGE: usize = 65535;

/// The Noise prologue: what the handshake binds besides its own messages (the Login's clear
/// fields, so none of them can be changed or replayed elsewhere).
pub fn prologue(cookie: &Cookie, user_id: u64, nonce: u64, peer_key: &[u8; 32]) -> [u8; COOKIE_LEN + 48] {
    let mut b = [0u8; COOKIE_LEN + 48];
    b[..COOKIE_LEN].copy_from_slice(cookie);
    b[COOKIE_LEN..COOKIE_LEN + 8].copy_from_slice(&user_id.to_be_bytes());
    b[COOKIE_LEN + 8..COOKIE_LEN + 16].copy_from_slice(&nonce.to_be_bytes());
    b[COOKIE_LEN + 16..].copy_from_slice(peer_key);
    b
}

/// Random bytes for snow from a caller's 32-byte seed (SHA-256 in counter mode): the ephemeral
/// key is as fresh as the seed, and a test or simulation repeats exactly.
struct SeededRandom {
    seed: [u8; 32],
    block: u64,
}

impl Random for SeededRandom {
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), snow::Error> {
        for chunk in dest.chunks_mut(32) {
            let mut h = Sha256::new();
            h.update(self.seed);
            h.update(self.block.to_be_bytes());
            self.block += 1;
            let out = h.finalize();
            chunk.copy_from_slice(&out[..chunk.len()]);
        }
        Ok(())
    }
}

/// Supplies only the random source. ChaCha20-Poly1305 and SHA-256 then come from ring
/// (assembly: a sealed 29-byte message costs about a third of RustCrypto's portable code here),
/// X25519 from snow's default resolver (curve25519-dalek; ring has no static-key X25519).
struct SeedResolver([u8; 32]);

impl CryptoResolver for SeedResolver {
    fn resolve_rng(&self) -> Option<Box<dyn Random>> {
        Some(Box::new(SeededRandom { seed: self.0, block: 0 }))
    }
    fn resolve_dh(&self, _: &DHChoice) -> Option<Box<dyn Dh>> {
        None
    }
    fn resolve_hash(&self, _: &HashChoice) -> Option<Box<dyn Hash>> {
        None
    }
    fn resolve_cipher(&self, _: &CipherChoice) -> Option<Box<dyn Cipher>> {
        None
    }
}

fn builder(random: [u8; 32]) -> Option<Builder<'static>> {
    let params = NOISE_PARAMS.parse().ok()?;
    let crypto = Box::new(FallbackResolver::new(Box::new(RingResolver), Box::new(DefaultResolver)));
    let resolver = Box::new(FallbackResolver::new(Box::new(SeedResolver(random)), crypto));
    Some(Builder::with_resolver(params, resolver))
}

/// The server's X25519 public key for its Ed25519 identity key; None if not a curve point.
pub fn server_dh_key(identity_public: &[u8; 32]) -> Option<[u8; 32]> {
    Some(VerifyingKey::from_bytes(identity_public).ok()?.to_montgomery().to_bytes())
}

/// The client's half of a login handshake, from message 1 until message 2 arrives.
pub struct ClientHandshake {
    state: HandshakeState,
    message: Vec<u8>,
}

impl std::fmt::Debug for ClientHandshake {
    /// Keeps the ephemeral secret out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ClientHandshake({} byte message)", self.message.len())
    }
}

impl ClientHandshake {
    /// Starts a login to the server with Ed25519 key `server_key`: message 1 carries
    /// `credential`, bound to `prologue`. `random` must be fresh per handshake. None if the
    /// key is not a valid key.
    pub fn start(
        server_key: &[u8; 32],
        random: [u8; 32],
        prologue: &[u8],
        credential: &[u8],
    ) -> Option<Self> {
        let server = server_dh_key(server_key)?;
        let mut state = builder(random)?
            .prologue(prologue)
            .ok()?
            .remote_public_key(&server)
            .ok()?
            .build_initiator()
            .ok()?;
        let mut message = vec![0u8; credential.len() + HANDSHAKE_OVERHEAD];
        let n = state.write_message(credential, &mut message).ok()?;
        message.truncate(n);
        Some(Self { state, message })
    }

    /// Message 1 (the Login's credential field; the same bytes on every retransmission).
    pub fn message(&self) -> &[u8] {
        &self.message
    }

    /// Reads the server's message 2 and returns its payload; [`Self::into_channel`] then gives
    /// the session's channel. A forged or damaged message 2 changes nothing (the real one can
    /// still be read after it).
    pub fn read_reply(&mut self, reply: &[u8]) -> Option<Vec<u8>> {
        let mut payload = vec![0u8; reply.len().min(MAX_NOISE_MESSAGE)];
        let n = self.state.read_message(reply, &mut payload).ok()?;
        payload.truncate(n);
        Some(payload)
    }

    /// The session's channel, once [`Self::read_reply`] succeeded (None before).
    pub fn into_channel(self) -> Option<Channel> {
        Some(Channel::new(self.state.into_stateless_transport_mode().ok()?))
    }
}

/// The server's static key for the channel.
pub struct ServerKey {
    private: [u8; 32],
}

impl std::fmt::Debug for ServerKey {
    /// Keeps the secret out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerKey(..)")
    }
}

impl ServerKey {
    /// From the server's Ed25519 identity seed (the same key clients pin).
    pub fn from_identity_seed(seed: &[u8; 32]) -> Self {
        Self { private: SigningKey::from_bytes(seed).to_scalar_bytes() }
    }

    /// Reads message 1 for `prologue`; None unless it was made for this server and prologue.
    /// `random` makes the server's ephemeral key and must be fresh per call.
    pub fn respond(&self, random: [u8; 32], prologue: &[u8], message: &[u8]) -> Option<Responder> {
        let mut state = builder(random)?
            .prologue(prologue)
            .ok()?
            .local_private_key(&self.private)
            .ok()?
            .build_responder()
            .ok()?;
        let mut credential = vec![0u8; message.len().min(MAX_NOISE_MESSAGE)];
        let n = state.read_message(message, &mut credential).ok()?;
        credential.truncate(n);
        Some(Responder { state, credential })
    }
}

/// A server handshake whose message 1 opened: the credential, and message 2 still to write.
pub struct Responder {
    state: HandshakeState,
    credential: Vec<u8>,
}

impl std::fmt::Debug for Responder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Responder(credential {} bytes)", self.credential.len())
    }
}

impl Responder {
    /// The credential the client sent.
    pub fn credential(&self) -> &[u8] {
        &self.credential
    }

    /// Message 2 carrying `payload`, and the session's channel.
    pub fn accept(mut self, payload: &[u8]) -> Option<(Vec<u8>, Channel)> {
        let mut message = vec![0u8; payload.len() + HANDSHAKE_OVERHEAD];
        let n = self.state.write_message(payload, &mut message).ok()?;
        message.truncate(n);
        let transport = self.state.into_stateless_transport_mode().ok()?;
        Some((message, Channel::new(transport)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server() -> ([u8; 32], ServerKey) {
        let seed = [4u8; 32];
        (SigningKey::from_bytes(&seed).verifying_key().to_bytes(), ServerKey::from_identity_seed(&seed))
    }

    #[test]
    fn only_the_server_opens_message_one_and_only_under_the_same_prologue() {
        let (public, server) = server();
        let bind = prologue(&[1; COOKIE_LEN], 7, 9, &[3; 32]);
        let hs = ClientHandshake::start(&public, [5; 32], &bind, b"ovrnet1.7.123.token").expect("starts");
        let m1 = hs.message().to_vec();
        assert_eq!(m1.len(), 19 + HANDSHAKE_OVERHEAD);
        assert!(!m1.windows(6).any(|w| w == b"ovrnet"), "not in clear");
        let r = server.respond([6; 32], &bind, &m1).expect("opens");
        assert_eq!(r.credential(), b"ovrnet1.7.123.token");
        // Another cookie (another address), user or peer key: it does not open.
        for other in [
            prologue(&[2; COOKIE_LEN], 7, 9, &[3; 32]),
            prologue(&[1; COOKIE_LEN], 8, 9, &[3; 32]),
            prologue(&[1; COOKIE_LEN], 7, 9, &[4; 32]),
        ] {
            assert!(server.respond([6; 32], &other, &m1).is_none());
        }
        // Another server does not open it; a changed byte does not open; nor does a stub.
        assert!(ServerKey::from_identity_seed(&[6; 32]).respond([6; 32], &bind, &m1).is_none());
        let mut bad = m1.clone();
        bad[40] ^= 1;
        assert!(server.respond([6; 32], &bind, &bad).is_none());
        assert!(server.respond([6; 32], &bind, &m1[..HANDSHAKE_OVERHEAD - 1]).is_none());
        // About half of all 32-byte strings are no curve point: such a server key starts nothing.
        let invalid = (0u8..=255)
            .map(|b| [b; 32])
            .find(|k| VerifyingKey::from_bytes(k).is_err())
            .expect("some byte pattern is not a point");
        assert!(ClientHandshake::start(&invalid, [5; 32], &bind, b"x").is_none());
    }

    #[test]
    fn both_sides_end_with_one_channel_and_a_forged_reply_changes_nothing() {
        let (public, server) = server();
        let bind = prologue(&[1; COOKIE_LEN], 7, 9, &[3; 32]);
        let mut client = ClientHandshake::start(&public, [5; 32], &bind, b"secret").expect("starts");
        let responder = server.respond([6; 32], &bind, client.message()).expect("opens");
        let (m2, mut server_side) = responder.accept(b"welcome").expect("accepts");
        // Garbage and a damaged message 2 are refused, and the real one still reads after them.
        assert!(client.read_reply(&[0u8; 64]).is_none());
        let mut bad = m2.clone();
        bad[50] ^= 1;
        assert!(client.read_reply(&bad).is_none());
        assert_eq!(client.read_reply(&m2).as_deref(), Some(&b"welcome"[..]));
        let mut client_side = client.into_channel().expect("finished");
        let mut buf = [0u8; 64];
        let (counter, n) = client_side.seal(b"ping", &mut buf).expect("seals");
        let mut plain = [0u8; 64];
        let opened = server_side.open(counter, &buf[..n], &mut plain).expect("opens");
        assert_eq!(&plain[..opened.len], b"ping");
        let (counter, n) = server_side.seal(b"pong", &mut buf).expect("seals");
        let opened = client_side.open(counter, &buf[..n], &mut plain).expect("opens");
        assert_eq!(&plain[..opened.len], b"pong");
    }

    #[test]
    fn the_same_random_bytes_make_the_same_messages() {
        let (public, server) = server();
        let bind = prologue(&[1; COOKIE_LEN], 7, 9, &[3; 32]);
        let a = ClientHandshake::start(&public, [5; 32], &bind, b"c").expect("starts");
        let b = ClientHandshake::start(&public, [5; 32], &bind, b"c").expect("starts");
        let c = ClientHandshake::start(&public, [8; 32], &bind, b"c").expect("starts");
        assert_eq!(a.message(), b.message());
        assert_ne!(a.message(), c.message());
        let m2 =
            |r: [u8; 32]| server.respond(r, &bind, a.message()).and_then(|x| x.accept(b"p")).map(|x| x.0);
        assert_eq!(m2([6; 32]), m2([6; 32]));
        assert_ne!(m2([6; 32]), m2([7; 32]));
    }
}
