//! Public Rust API of the engine.
use std::net::SocketAddr;
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use mio::unix::SourceFd;
use mio::{Interest, Poll, Waker};
use parking_lot::Mutex;

use super::clock::Clock;
use super::core::{Core, Drain};
use super::inbox::Inbox;
use super::shared::{SOCKET, Shared, WAKER};
use super::{socket, worker};
use crate::proto::{self, Policy};
use crate::signal::{RoomError, RoomRequest, RoomSnapshot};

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
    /// Most packets waiting for `read_packet` (bytes are bounded by `proto.recv_window_bytes`).
    /// Beyond either, messages stay in their connection, which refuses new data until the
    /// application reads: a peer cannot grow our memory by outpacing the game.
    pub max_queued_packets: usize,
    /// Back-to-back `send` calls (a burst: no other call in between) after the first are held
    /// back and sent together, as one GSO batch, at the application's next `read_packet`,
    /// `pop_notification`, `wait` or command (connect, accept, close, ping, room calls; queries
    /// such as `is_connected` or `stats` do not count), when 48 KiB are queued, or at the latest
    /// after this long (the worker's timer has
    /// millisecond resolution, so up to about 1 ms). A lone send, or the first of a burst, goes
    /// out at once. Zero sends every message immediately. Default 500 µs.
    pub send_coalesce: Duration,
    /// How long one `read_packet` call keeps the worker off the socket. A game that polls in a
    /// loop (or once per frame at 200 Hz or more) then does all receiving and timer work on its
    /// own thread: a worker woken for every datagram would preempt the polling thread (a
    /// cross-core wake-up costs tens of microseconds). When the game stops polling, the worker
    /// takes over within this time, so keep it well under the transport's 10 ms minimum
    /// retransmission timeout. Default 5 ms.
    pub poll_lease: Duration,
    /// A bad network (loss, duplication, latency, jitter, reordering) applied to every datagram
    /// this engine sends, with a seed: for testing netcode on real sockets (see
    /// `engine::fake_network`; the C ABI sets it from `fake_*` settings). None in games.
    pub fake_network: Option<(crate::sim::LinkConfig, u64)>,
    /// The server's public key (`ovrnet-server keygen`, `--identity-key-file`). With it, a login
    /// whose certificate is signed by any other key is refused, so nobody between this client
    /// and the server can vouch for a false peer. None trusts the key the login reports.
    pub server_key: Option<[u8; 32]>,
    /// Whether peers talk through the server's relay: `Auto` (default) starts relayed and moves
    /// to the direct path when it works, `Never` only tries the direct path, `Always` never
    /// sends to the peer's address.
    pub relay: super::path::RelayMode,
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
            send_coalesce: Duration::from_micros(500),
            poll_lease: Duration::from_millis(5),
            fake_network: None,
            server_key: None,
            relay: super::path::RelayMode::Auto,
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
    /// A room-scoped send while this user is in no room.
    NotInRoom,
    /// The last attempt to reach this peer timed out moments ago; a send does not start another
    /// one until the hold-off (one connect timeout) has passed. `Engine::connect` does.
    Unreachable,
    /// An unreliable message to a peer that is not connected yet: the implicit connect was
    /// started (or is under way) and the message itself was dropped, as unreliable data is never
    /// buffered.
    Connecting,
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
    LoginFailed {
        reason: String,
    },
    /// The server stopped answering or ended our session.
    ServerLost {
        reason: String,
    },
    /// `peer` wants to connect; answer with `accept`.
    PeerConnectRequest {
        peer: u64,
    },
    ConnectionStateChange {
        peer: u64,
        state: PeerState,
    },
    /// Answer to `ping`: round trip in microseconds, or None on timeout.
    PingResult {
        request_id: u64,
        peer: u64,
        rtt_us: Option<u64>,
    },
    /// Answer to a room request.
    RoomReply {
        request_id: u64,
        op: RoomOp,
        result: Result<RoomSnapshot, RoomError>,
    },
    /// The current room changed (pushed to members that did not turn updates off; the member
    /// whose own request caused the change learns it from the reply instead).
    RoomUpdate {
        snapshot: RoomSnapshot,
    },
}

/// Which room request a reply answers (the C ABI picks the message type from it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoomOp {
    CreateAndJoinPrivate,
    Join,
    Leave,
    Get,
    GetCurrent,
    UpdateDataStore,
    KickUser,
    InviteUser,
    UpdateOwner,
    UpdateMembershipLockStatus,
    UpdatePrivateRoomJoinPolicy,
    SetDescription,
    GetCurrentForUser,
}

impl RoomOp {
    pub fn of(req: &RoomRequest) -> Self {
        match req {
            RoomRequest::Create { .. } => RoomOp::CreateAndJoinPrivate,
            RoomRequest::Join { .. } => RoomOp::Join,
            RoomRequest::Leave { .. } => RoomOp::Leave,
            RoomRequest::Get { .. } => RoomOp::Get,
            RoomRequest::GetCurrent => RoomOp::GetCurrent,
            RoomRequest::UpdateDataStore { .. } => RoomOp::UpdateDataStore,
            RoomRequest::KickUser { .. } => RoomOp::KickUser,
            RoomRequest::InviteUser { .. } => RoomOp::InviteUser,
            RoomRequest::UpdateOwner { .. } => RoomOp::UpdateOwner,
            RoomRequest::UpdateMembershipLockStatus { .. } => RoomOp::UpdateMembershipLockStatus,
            RoomRequest::UpdatePrivateRoomJoinPolicy { .. } => RoomOp::UpdatePrivateRoomJoinPolicy,
            RoomRequest::SetDescription { .. } => RoomOp::SetDescription,
            RoomRequest::GetCurrentForUser { .. } => RoomOp::GetCurrentForUser,
        }
    }
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
    shared: Arc<Shared>,
    user_id: u64,
    local_addr: SocketAddr,
    worker: Mutex<Option<JoinHandle<()>>>,
}

impl Engine {
    /// Binds the socket, starts the background thread and begins logging in (asynchronously:
    /// `Notification::LoggedIn` or `LoginFailed` follows).
    pub fn start(cfg: EngineConfig) -> Result<Engine, EngineError> {
        if cfg.user_id == 0 {
            return Err(EngineError::InvalidConfig("user id 0 is reserved".into()));
        }
        let mut bind = cfg.bind;
        if cfg.server.is_ipv6() && bind.is_ipv4() && bind.ip().is_unspecified() {
            bind = SocketAddr::from(([0u16; 8], bind.port()));
        }
        let clock = Clock::new();
        let sock = socket::bind(bind).map_err(EngineError::Io)?;
        let mut core = Core::new(&cfg, clock.now_us()).map_err(EngineError::InvalidConfig)?;
        let local_addr = sock.local_addr().map_err(EngineError::Io)?;
        core.set_lan_addrs(socket::lan_addrs(local_addr, cfg.server));
        let poll = Poll::new().map_err(EngineError::Io)?;
        // Registered by descriptor: the worker takes it in and out of its poll set (see worker.rs).
        let fd = sock.as_raw_fd();
        poll.registry().register(&mut SourceFd(&fd), SOCKET, Interest::READABLE).map_err(EngineError::Io)?;
        let waker = Waker::new(poll.registry(), WAKER).map_err(EngineError::Io)?;
        let shared = Arc::new(Shared {
            clock,
            poll_lease_us: cfg.poll_lease.as_micros().try_into().unwrap_or(u64::MAX / 2),
            socket: sock,
            core: Mutex::new(core),
            inbox: Inbox::new(cfg.max_queued_packets.max(1), cfg.proto.recv_window_bytes as usize),
            waker,
            wake_at: AtomicU64::new(0),
            next_due: AtomicU64::new(0),
            poll_lease_until: AtomicU64::new(0),
            parked: AtomicBool::new(false),
            output_deferred: AtomicBool::new(false),
            last_call_was_send: AtomicBool::new(false),
            stopping: AtomicBool::new(false),
        });
        let for_worker = shared.clone();
        let handle = std::thread::Builder::new()
            .name(format!("ovrnet-{}", cfg.user_id))
            .spawn(move || worker::run(for_worker, poll))
            .map_err(EngineError::Io)?;
        Ok(Engine { shared, user_id: cfg.user_id, local_addr, worker: Mutex::new(Some(handle)) })
    }

    pub fn user_id(&self) -> u64 {
        self.user_id
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    pub fn is_logged_in(&self) -> bool {
        self.shared.core.lock().is_logged_in()
    }

    fn stopped(&self) -> bool {
        self.shared.stopping.load(Ordering::Acquire)
    }

    /// Runs a command on the core, sends what it produced and wakes the worker if the command
    /// moved a deadline earlier than it planned to wake.
    fn command<T>(&self, f: impl FnOnce(&mut Core, u64, &Inbox) -> T) -> T {
        self.shared.end_burst();
        let mut core = self.shared.core.lock();
        let now = self.shared.clock.now_us();
        let out = f(&mut core, now, &self.shared.inbox);
        self.shared.output_deferred.store(false, Ordering::Release);
        core.flush(now, &self.shared.socket);
        self.shared.deadline_changed(core.next_deadline(), true);
        drop(core);
        out
    }

    /// Starts connecting to `peer` (no-op if already connected or connecting). The peer gets a
    /// PeerConnectRequest; a ConnectionStateChange (Connected or Timeout) follows here.
    pub fn connect(&self, peer: u64) {
        if !self.stopped() {
            self.command(|c, now, inbox| c.connect(now, peer, inbox));
        }
    }

    /// Accepts `peer`'s pending request; false (and nothing happens) if none is pending.
    pub fn accept(&self, peer: u64) -> bool {
        !self.stopped() && self.command(|c, now, _| c.accept(now, peer))
    }

    /// Closes the connection to `peer` if there is one (pending reliable data is flushed first);
    /// both sides see Closed. False if there was nothing to close.
    pub fn close(&self, peer: u64) -> bool {
        !self.stopped() && self.command(|c, now, inbox| c.close(now, peer, inbox))
    }

    pub fn is_connected(&self, peer: u64) -> bool {
        !self.stopped() && self.shared.core.lock().is_connected(peer)
    }

    /// Measures the round trip to `peer`; returns a non-zero request id that the PingResult
    /// carries (a timeout result if not connected).
    pub fn ping(&self, peer: u64) -> u64 {
        if self.stopped() {
            return 0;
        }
        self.command(|c, now, inbox| c.ping(now, peer, inbox))
    }

    /// Queues a message, connecting implicitly (one attempt at a time per peer). Reliable is
    /// buffered until connected; unreliable before the connection is up starts the connect like
    /// any send and is itself dropped (`Connecting`). Encodes and sends on the calling thread.
    pub fn send(&self, peer: u64, data: &[u8], policy: Policy) -> Result<(), EngineSendError> {
        if self.stopped() {
            return Err(EngineSendError::ShutDown);
        }
        let continues_burst = self.shared.last_call_was_send.swap(true, Ordering::AcqRel);
        let mut core = self.shared.core.lock();
        let now = self.shared.clock.now_us();
        let result = core.send(now, peer, data, policy, &self.shared.inbox);
        let hold = if continues_burst && result.is_ok() { core.hold_send(now, data.len()) } else { None };
        if let Some(until) = hold {
            self.shared.output_deferred.store(true, Ordering::Release);
            self.shared.wake_by(until);
        } else if self.shared.output_deferred.swap(false, Ordering::AcqRel) || core.hold_deadline().is_some()
        {
            core.flush(now, &self.shared.socket);
            self.shared.deadline_changed(core.next_deadline(), true);
        } else {
            core.flush_peer(now, peer, &self.shared.socket);
            self.shared.deadline_changed(core.peer_deadline(peer), false);
        }
        drop(core);
        result
    }

    /// Next received message, if any. When the queue is empty it drains the socket itself
    /// rather than waiting for the worker to wake up; while the application keeps polling, the
    /// worker stays parked and this thread also runs the protocol timers that fall due.
    ///
    /// Acknowledgements caused by a message handed out here are not sent at once: the game
    /// usually answers within microseconds and the answer carries them, which keeps a system call
    /// off the round trip. If no answer does, the next `read_packet`, `wait` or command sends
    /// them, or the worker when the poll lease ends.
    pub fn read_packet(&self) -> Option<Packet> {
        self.shared.end_burst();
        if let Some(p) = self.shared.inbox.pop_packet() {
            if self.shared.output_deferred.load(Ordering::Acquire) {
                self.flush_deferred();
            }
            return Some(p);
        }
        if self.stopped() {
            return None;
        }
        let mut core = self.shared.core.lock();
        let now = self.shared.clock.now_us();
        self.shared.renew_poll_lease(now);
        // Messages left in connections while the inbox was full come first.
        core.pump_all(&self.shared.inbox);
        let received = core.drain_socket(now, &self.shared.socket, &self.shared.inbox, Drain::FirstArrival);
        let due = now >= self.shared.next_due.load(Ordering::Acquire);
        if due {
            core.handle_timeouts(now, &self.shared.inbox);
        }
        let packet = self.shared.inbox.pop_packet();
        let pending = self.shared.output_deferred.swap(false, Ordering::AcqRel);
        if packet.is_some() && !due && !pending {
            if received {
                self.shared.output_deferred.store(true, Ordering::Release);
                self.shared.deadline_changed(core.next_deadline(), true);
            }
        } else if received || due || pending {
            core.flush(now, &self.shared.socket);
            self.shared.deadline_changed(core.next_deadline(), true);
        }
        packet
    }

    /// Sends what an earlier `read_packet` left unsent.
    fn flush_deferred(&self) {
        let mut core = self.shared.core.lock();
        if self.shared.output_deferred.swap(false, Ordering::AcqRel) {
            let now = self.shared.clock.now_us();
            core.flush(now, &self.shared.socket);
            self.shared.deadline_changed(core.next_deadline(), true);
        }
    }

    /// Next notification, if any.
    pub fn pop_notification(&self) -> Option<Notification> {
        if self.shared.end_burst() && self.shared.output_deferred.load(Ordering::Acquire) {
            self.flush_deferred();
        }
        self.shared.inbox.pop_notification()
    }

    /// Blocks until a packet or notification is queued or `timeout` passes; true if one is.
    pub fn wait(&self, timeout: Duration) -> bool {
        self.shared.end_burst();
        if self.shared.output_deferred.load(Ordering::Acquire) {
            self.flush_deferred();
        }
        self.shared.end_poll_lease();
        self.shared.inbox.wait(timeout)
    }

    /// Sends a room request (create, join, leave, get, kick, invite, ...); returns the non-zero request id the
    /// `Notification::RoomReply` will carry, or 0 when shut down.
    pub fn room_request(&self, req: RoomRequest) -> u64 {
        if self.stopped() {
            return 0;
        }
        self.command(|c, now, inbox| c.room_request(now, req, inbox))
    }

    /// The room this user is in, as last reported by the server.
    pub fn current_room(&self) -> Option<RoomSnapshot> {
        self.shared.core.lock().current_room()
    }

    /// Accepts current and future connect requests from members of the current room (until this
    /// user leaves it); false when not in a room.
    pub fn accept_for_current_room(&self) -> bool {
        !self.stopped() && self.command(|c, now, _| c.accept_for_current_room(now))
    }

    /// Sends to every other member of the current room, connecting implicitly; same rules and
    /// limits as `send`. Returns the members it was sent to.
    pub fn send_to_current_room(&self, data: &[u8], policy: Policy) -> Result<Vec<u64>, EngineSendError> {
        if self.stopped() {
            return Err(EngineSendError::ShutDown);
        }
        self.command(|c, now, inbox| c.send_to_current_room(now, data, policy, inbox))
    }

    /// Closes the connections to every other member of the current room; false when in none.
    pub fn close_for_current_room(&self) -> bool {
        !self.stopped() && self.command(|c, now, inbox| c.close_for_current_room(now, inbox))
    }

    /// The path the connection to `peer` takes now (direct or through the server's relay) and
    /// the peer's direct address as last seen; None before its transport starts.
    pub fn path(&self, peer: u64) -> Option<(super::path::Route, Option<SocketAddr>)> {
        self.shared.core.lock().path(peer)
    }

    /// Statistics of the connection to `peer`.
    pub fn stats(&self, peer: u64) -> Option<proto::Stats> {
        self.shared.core.lock().stats(peer)
    }

    /// Logs out, closes every connection and joins the background thread. Dropping does the same.
    pub fn shutdown(self) {
        self.stop();
    }

    fn stop(&self) {
        let Some(handle) = self.worker.lock().take() else { return };
        {
            let mut core = self.shared.core.lock();
            let now = self.shared.clock.now_us();
            core.shutdown(now);
            core.flush(now, &self.shared.socket);
        }
        self.shared.stopping.store(true, Ordering::Release);
        self.shared.wake();
        let _ = handle.join();
        self.shared.inbox.clear();
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.stop();
    }
}
