//! What the engine knows about one remote user: where the connection attempt stands, the
//! transport connection once the address is known, and reliable data sent before that.
use std::collections::VecDeque;
use std::net::SocketAddr;

use super::path::PathState;
use crate::proto::Connection;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// We asked the server to connect us; waiting for the peer to accept.
    Requesting,
    /// The peer asked; waiting for our application to accept.
    Incoming,
    /// We accepted; waiting for the server to confirm with the peer's address.
    Accepting,
    /// Transport connection exists (handshaking, connected or closing).
    Transport,
}

pub struct Peer {
    pub phase: Phase,
    pub conn: Option<Connection>,
    /// The peer's address for direct datagrams (the server's word, then what authenticated
    /// datagrams came from); the key of this peer in the engine's address map.
    pub addr: Option<SocketAddr>,
    /// The address the server gave for the peer when the transport started (a later connect
    /// request from the same address is a stale one, not a restart).
    pub reported_addr: Option<SocketAddr>,
    /// The peer's LAN addresses, when the server sent them before the transport started.
    pub lan_addrs: Vec<SocketAddr>,
    /// Direct or relayed, once the transport exists.
    pub path: Option<PathState>,
    /// Give up connecting at this instant (the application sees Timeout).
    pub connect_deadline: Option<u64>,
    /// Reliable messages sent before the transport exists; handed to it when it starts.
    pub early: VecDeque<Vec<u8>>,
    pub early_bytes: usize,
    /// The application was told this connection is Connected.
    pub announced_connected: bool,
    /// We asked to connect too (both sides at once): the server answers our own request.
    pub also_requested: bool,
    /// The application already saw the final state (Closed/Timeout): further transport events
    /// for this connection are not reported again.
    pub announced_end: bool,
}

impl Peer {
    pub fn new(phase: Phase, connect_deadline: Option<u64>) -> Self {
        Peer {
            phase,
            conn: None,
            addr: None,
            reported_addr: None,
            lan_addrs: Vec::new(),
            path: None,
            connect_deadline,
            early: VecDeque::new(),
            early_bytes: 0,
            announced_connected: false,
            also_requested: false,
            announced_end: false,
        }
    }

    pub fn is_connected(&self) -> bool {
        self.conn.as_ref().is_some_and(|c| c.is_connected())
    }

    /// A connection attempt or live connection the application still cares about.
    pub fn is_live(&self) -> bool {
        !self.announced_end
    }
}
