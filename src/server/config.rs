//! Operator settings of the rendezvous server.

use std::fmt;
use std::net::SocketAddr;

/// How logins prove who they are.
#[derive(Clone, PartialEq, Eq)]
pub enum AuthMode {
    /// Development: any user id. The credential is an opaque client secret that binds the
    /// session: another address may only take the user id over with the same secret.
    Open,
    /// Production: the credential is a token minted by the game's backend with this secret
    /// (see [`super::token`]).
    SharedSecret(Vec<u8>),
    /// Production: the credential is an Ed25519 token the game's backend signed for this
    /// audience with the private key of one of `public_keys` (see [`super::signed_token`]);
    /// several keys allow rotation.
    SignedToken { public_keys: Vec<[u8; 32]>, audience: String },
}

impl fmt::Debug for AuthMode {
    /// Keeps the secret out of logs and panics.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthMode::Open => f.write_str("Open"),
            AuthMode::SharedSecret(_) => f.write_str("SharedSecret(..)"),
            AuthMode::SignedToken { public_keys, audience } => {
                write!(f, "SignedToken({} keys, audience {audience})", public_keys.len())
            }
        }
    }
}

/// The private key that signs peer certificates (an Ed25519 seed). Clients pin its public key.
#[derive(Clone, PartialEq, Eq)]
pub struct IdentityKey(pub [u8; 32]);

impl IdentityKey {
    /// A fresh random key: clients cannot pin it across restarts (operators pass a key file).
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut k = [0u8; 32];
        getrandom::fill(&mut k)?;
        Ok(IdentityKey(k))
    }
}

impl fmt::Debug for IdentityKey {
    /// Keeps the private key out of logs and panics.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IdentityKey(..)")
    }
}

/// Server settings; times in microseconds. `ServerConfig::new` gives the documented defaults.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// UDP address to bind (used by [`super::spawn`] only).
    pub listen: SocketAddr,
    /// Login policy.
    pub auth: AuthMode,
    /// Silence after which a session is logged out (default 10 s).
    pub session_timeout_us: u64,
    /// How long a connect request waits for the callee's answer (default 20 s).
    pub connect_timeout_us: u64,
    /// Most sessions at once (default 100 000).
    pub max_sessions: usize,
    /// Most pending connect requests per user, outgoing and incoming each (default 32).
    pub max_pending_per_user: usize,
    /// Most unacknowledged pushes queued per session (default 128).
    pub max_pushes_per_session: usize,
    /// First push retransmission delay (default 250 ms), doubling up to `push_max_rto_us`.
    pub push_initial_rto_us: u64,
    /// Largest push retransmission delay (default 2 s).
    pub push_max_rto_us: u64,
    /// Sends of one push before the server gives up on it (default 8, about 10 s).
    pub push_max_attempts: u32,
    /// Most rooms at once (default 100 000; each room has a member, so rooms never outnumber
    /// sessions anyway).
    pub max_rooms: usize,
    /// Signs the certificate each login gets (default: random per start; see [`IdentityKey`]).
    pub identity_key: IdentityKey,
    /// How long a peer certificate stays valid (default 24 h, in seconds).
    pub cert_lifetime_secs: u64,
    /// Bytes per second one session may send through the relay (default 4 MB/s; 0 turns the
    /// relay off). Peers that cannot reach each other directly talk through it.
    pub relay_bytes_per_sec: u64,
    /// Bytes a session may send through the relay at once above that rate (default 256 KiB).
    pub relay_burst_bytes: u64,
}

impl ServerConfig {
    /// Defaults as documented on each field. The identity key is drawn from the OS; should that
    /// ever fail, it is derived from the clock and process id and a warning is logged.
    pub fn new(listen: SocketAddr, auth: AuthMode) -> Self {
        let identity_key = IdentityKey::generate().unwrap_or_else(|e| {
            log::warn!("event=identity_key_fallback error=\"{e}\"");
            let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
            let mut k = [0u8; 32];
            k[..16].copy_from_slice(&t.as_nanos().to_le_bytes());
            k[16..20].copy_from_slice(&std::process::id().to_le_bytes());
            IdentityKey(<sha2::Sha256 as sha2::Digest>::digest(k).into())
        });
        Self {
            listen,
            auth,
            session_timeout_us: 10_000_000,
            connect_timeout_us: 20_000_000,
            max_sessions: 100_000,
            max_pending_per_user: 32,
            max_pushes_per_session: 128,
            push_initial_rto_us: 250_000,
            push_max_rto_us: 2_000_000,
            push_max_attempts: 8,
            max_rooms: 100_000,
            identity_key,
            cert_lifetime_secs: 24 * 3600,
            relay_bytes_per_sec: 4_000_000,
            relay_burst_bytes: 256 * 1024,
        }
    }
}
