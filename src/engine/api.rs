//! Public Rust API of the engine. (Stub: signatures are final, bodies are being written.)
use std::net::SocketAddr;
use std::time::Duration;

use crate::proto::{self, Policy};

/// Everything an engine instance needs to start.
#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// Rendezvous server address.
    pub server: SocketAddr,
    /// This user's 64-bit id (non-zero).
    pub user_id: u64,
    /// Login credential: a token from the game's backend (shared-secret servers) or any secret
    /// string that binds the user id to this client (open servers). At most 255 bytes.
    pub credential: Vec<u8>,
    /// Local address to bind; port 0 picks one. Default `0.0.0.0:0`.
    pub bind: SocketAddr,
    /// Give up a Connect (server round trip + handshake) after this long: the peer sees Timeout.
    pub connect_timeout: Duration,
    /// Transport tunables (idle timeout, keepalive, buffers, ...).
    pub proto: proto::Config,
    /// Packets and bytes received but not yet read by the application; beyond them new packets
    /// are dropped (unreliable) or left unacknowledged... see docs. Bounds a flooding peer.
    pub max_queued_packets: usize,
}

impl EngineConfig {
    pub fn new(server: SocketAddr, user_id: u64, credential: impl Into<Vec<u8>>) -> Self {
        EngineConfig {
            server,
            user_id,
            credential: credential.into(),
            bind: SocketAddr::from(([0, 0, 0, 0], 0)),
            connect_timeout: Duration::from_secs(10),
            proto: proto::Config::default(),
            max_queued_packets: 65_536,
        }
    }
}

#[derive(Debug)]
pub enum EngineError {
    /// The configuration is unusable (zero user id, oversize credential, ...).
    InvalidConfig(String),
    /// Socket or thread creation failed.
    Io(std::io::Error),
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EngineError::InvalidConfig(s) => write!(f, "invalid engine configuration: {s}"),
            EngineError::Io(e) => write!(f, "engine I/O error: {e}"),
        }
    }
}

impl std::error::Error for EngineError {}

/// Why `send` did not queue a message. Nothing was queued when this is returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EngineSendError {
    /// The transport refused it (too large, empty, queue full, unreliable before connected, ...).
    Proto(proto::SendError),
    /// Peer id 0 or our own id.
    InvalidPeer,
    /// The engine is shut down.
    ShutDown,
}

/// What the application sees of a peer connection; maps 1:1 to `ovrPeerConnectionState`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeerState {
    Connected,
    /// Could not connect: peer offline, never accepted, or unreachable within the timeout.
    Timeout,
    /// Closed by either side, or the peer went silent.
    Closed,
}

/// Notifications in the order they happened; the C ABI turns them into `ovrMessage`s.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notification {
    /// Login to the server succeeded (reply of the asynchronous inits).
    LoggedIn,
    /// Login refused or the server never answered; the engine cannot reach anyone.
    LoginFailed { reason: String },
    /// The server stopped answering or ended our session.
    ServerLost { reason: String },
    /// `peer` wants to connect; answer with `accept`.
    PeerConnectRequest { peer: u64 },
    ConnectionStateChange { peer: u64, state: PeerState },
    /// Answer to `ping`: round trip in microseconds, or None on timeout.
    PingResult { request_id: u64, peer: u64, rtt_us: Option<u64> },
}

/// A received message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packet {
    pub sender: u64,
    pub policy: Policy,
    pub data: Vec<u8>,
}

/// One engine instance. All methods take `&self` and are safe from any thread.
pub struct Engine {
    _private: (),
}

impl Engine {
    /// Binds the socket, starts the background thread and begins logging in (asynchronously:
    /// `Notification::LoggedIn` or `LoginFailed` follows).
    pub fn start(cfg: EngineConfig) -> Result<Engine, EngineError> {
        let _ = cfg;
        Err(EngineError::InvalidConfig("engine not implemented yet".into()))
    }

    pub fn user_id(&self) -> u64 {
        0
    }

    pub fn local_addr(&self) -> SocketAddr {
        SocketAddr::from(([0, 0, 0, 0], 0))
    }

    pub fn is_logged_in(&self) -> bool {
        false
    }

    /// Starts connecting to `peer` (no-op if already connected or connecting). The peer gets a
    /// PeerConnectRequest; a ConnectionStateChange (Connected or Timeout) follows here.
    pub fn connect(&self, peer: u64) {
        let _ = peer;
    }

    /// Accepts `peer`'s pending request; false (and nothing happens) if none is pending.
    pub fn accept(&self, peer: u64) -> bool {
        let _ = peer;
        false
    }

    /// Closes the connection to `peer` if there is one (pending reliable data is flushed first);
    /// both sides see Closed. False if there was nothing to close.
    pub fn close(&self, peer: u64) -> bool {
        let _ = peer;
        false
    }

    pub fn is_connected(&self, peer: u64) -> bool {
        let _ = peer;
        false
    }

    /// Measures the round trip to `peer`; returns a non-zero request id that the PingResult
    /// carries (a timeout result if not connected).
    pub fn ping(&self, peer: u64) -> u64 {
        let _ = peer;
        0
    }

    /// Queues a message, connecting implicitly. Reliable is buffered until connected; unreliable
    /// is refused before the connection is up.
    pub fn send(&self, peer: u64, data: &[u8], policy: Policy) -> Result<(), EngineSendError> {
        let _ = (peer, data, policy);
        Err(EngineSendError::ShutDown)
    }

    /// Next received message, if any (drains the socket itself when the queue is empty).
    pub fn read_packet(&self) -> Option<Packet> {
        None
    }

    /// Next notification, if any.
    pub fn pop_notification(&self) -> Option<Notification> {
        None
    }

    /// Blocks until a packet or notification is queued or `timeout` passes; true if one is.
    pub fn wait(&self, timeout: Duration) -> bool {
        let _ = timeout;
        false
    }

    /// Statistics of the connection to `peer`.
    pub fn stats(&self, peer: u64) -> Option<proto::Stats> {
        let _ = peer;
        None
    }

    /// Logs out, closes every connection and joins the background thread. Dropping does the same.
    pub fn shutdown(self) {}
}
