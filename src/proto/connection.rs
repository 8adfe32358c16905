//! One connection to one peer: the whole protocol as a state machine driven by the caller.
//!
//! Drive it like this: feed datagrams with `handle_datagram`, call `handle_timeout` when the
//! instant from `poll_timeout` arrives, and after any of these or a `send`, drain `poll_transmit`
//! until it returns None. Read `poll_event` and `poll_message` for what happened. Time is
//! microseconds on any monotonic clock the caller likes.
use std::collections::VecDeque;

use super::ack::{RecvTracker, expand_number};
use super::codec::{Reader, Writer};
use super::config::{
    Config, FRAGMENT_SIZE, MAX_DATAGRAM, MAX_PAYLOAD, MAX_RELIABLE, MAX_UNRELIABLE, MESSAGE_OVERHEAD,
};
use super::congestion::Congestion;
use super::error::{DecodeError, SendError};
use super::handshake::{self, BODY_LEN, Ephemeral};
use super::identity::{AuthError, PeerAuth};
use super::packet_key::{AEAD_TAG_LEN, Cipher, PacketKey};
use super::reassembly::{Admit, Reassembly};
use super::rtt::RttEstimator;
use super::send_buffer::SendBuffer;
use super::sent::{FLAG_APP_LIMITED, FLAG_CLOSE, FLAG_ELICITING, Fate, SentLog};
use super::stats::Stats;
use super::thin::{self, ThinQueue};
use super::unreliable_queue::UnreliableQueue;
use super::wire::{self, Frame, HANDSHAKE_TAG_LEN, HEADER_LEN, Header, PacketKind, frame_type};

/// Delivery guarantee of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Policy {
    /// Best effort, at most once, no ordering; one datagram per message.
    Unreliable,
    /// Exactly once, in send order, retransmitted until acknowledged.
    Reliable,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Sends the handshake; picks the connection id.
    Initiator,
    /// Waits for the initiator's handshake.
    Responder,
}

/// What the application sees of the connection's life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Handshaking,
    Connected,
    /// Graceful close in progress: flushing reliable data, then telling the peer.
    Closing,
    Closed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloseReason {
    /// This side called `close` or `close_now`.
    Local,
    /// The peer closed.
    Peer,
    /// Nothing heard from an established peer for `idle_timeout_us`.
    TimedOut,
    /// The handshake did not complete within `connect_timeout_us`.
    ConnectTimedOut,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    Connected,
    /// Emitted exactly once per connection.
    Closed(CloseReason),
    /// Answer to `ping`: round trip in microseconds, or None after `ping_timeout_us`.
    PingResult {
        id: u64,
        rtt_us: Option<u64>,
    },
}

/// A message delivered to the application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Received {
    pub policy: Policy,
    pub data: Vec<u8>,
}

/// Bound on pings outstanding and pongs owed, so a peer cannot grow them.
const MAX_PINGS: usize = 64;
/// Probe timeouts in a row after which the window collapses.
const PERSISTENT_PTO: u32 = 3;
/// Packet-number distance at which an unacknowledged packet counts as lost.
const PACKET_THRESHOLD: u64 = 3;
/// Thin-stream redundancy (`Config::thin_stream_redundancy`) applies while at most this many
/// bytes are in flight, copy included: a handful of packets, far below any bulk transfer's flight.
const THIN_MAX_IN_FLIGHT: u64 = 4 * MAX_DATAGRAM as u64;
/// Bounds of the delay before a thin packet's early copy (a quarter of the smoothed RTT). The
/// floor leaves LAN and loopback streams, acknowledged within the RTT plus the peer's 1 ms ack
/// delay, uncopied; the cap keeps the copy early on long paths.
const THIN_MIN_DELAY_US: u64 = 2_000;
const THIN_MAX_DELAY_US: u64 = 25_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Handshaking,
    Connected,
    /// Flushing reliable data before sending the close notice.
    Flushing,
    /// Repeating the close notice until acknowledged or `until`.
    Notifying {
        until: u64,
    },
    /// Peer closed: answer its packets with acks until `until`.
    Draining {
        until: u64,
    },
    Done,
}

pub struct Connection {
    cfg: Config,
    role: Role,
    phase: Phase,
    conn_id: u32,
    created_at: u64,
    hs_next: u64,
    hs_interval: u64,
    hs_attempts: u32,
    hs_first_sent: u64,
    welcome_due: bool,
    /// Everything only the handshake needs; dropped (the ephemeral secret with it) once
    /// connected.
    hs: Option<Box<Handshake>>,
    /// The packet keys, from the handshake. A responder holds them before it is connected: it
    /// connects when the first packet sealed with them arrives (a replayed HELLO never gets there).
    keys: Option<Box<Keys>>,
    last_auth_error: Option<AuthError>,
    peer_window_bytes: u64,
    peer_window_messages: u64,

    next_pn: u64,
    sent: SentLog,
    sendbuf: SendBuffer,
    unreliable: UnreliableQueue,
    unreliable_bytes: usize,
    cc: Congestion,
    rtt: RttEstimator,
    largest_acked: Option<u64>,
    loss_time: Option<u64>,
    pto_count: u32,
    last_eliciting_sent: u64,
    /// Last time a packet was newly acknowledged, or one was sent with nothing in flight.
    ack_progress_at: u64,
    probes: u8,
    /// Thin-stream redundancy: packets waiting for their early copy or tail probe.
    thin: ThinQueue,
    close_pending: bool,
    close_outstanding: bool,
    keepalive_due: bool,

    recv: RecvTracker,
    reasm: Reassembly,
    delivered: VecDeque<Received>,
    /// Bytes in `delivered`: past the receive window, new data is refused (reliable: not
    /// acknowledged, so the sender keeps it) or dropped (unreliable) until the application reads.
    delivered_bytes: usize,
    last_recv: u64,

    pings_out: VecDeque<(u64, u64)>,
    pings_to_send: VecDeque<u64>,
    pongs_to_send: VecDeque<u64>,
    next_ping_id: u64,

    events: VecDeque<Event>,
    closed_emitted: bool,
    stats: Stats,
}

struct Keys {
    send: PacketKey,
    recv: PacketKey,
}

struct Handshake {
    auth: PeerAuth,
    ephemeral: Ephemeral,
    /// The AEAD this side asks for (wire byte, from `Config::cipher`).
    cipher: u8,
    /// This side's signed body: the HELLO from creation (initiator), the WELCOME once a HELLO
    /// was accepted (responder).
    body: Option<[u8; BODY_LEN]>,
    /// Hash of the HELLO of this handshake, and the signature of the peer's accepted handshake
    /// packet (to recognise its repeats without verifying them again).
    hello_hash: [u8; 32],
    peer_sig: [u8; 64],
    /// The peer's certificate once it verified (checked once, however many HELLOs carry it).
    peer_cert: handshake::VerifiedCert,
}

thread_local! {
    /// Packets are opened in a copy, so a forged one changes nothing; one buffer per thread
    /// rather than one per connection.
    static SCRATCH: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(Vec::with_capacity(MAX_DATAGRAM));
}

/// Why a datagram was dropped.
enum Dropped {
    /// Not a well-formed packet of this connection.
    Malformed,
    /// Well formed, but its signature, certificate or AEAD tag did not verify.
    Rejected,
}

impl Connection {
    /// Starts a connection that sends the handshake. `random` must come from a good random
    /// source: it yields this side's ephemeral key and the connection id (echoed in every
    /// packet). `auth` says who we are and which user the peer must prove to be.
    pub fn new_initiator(cfg: Config, now: u64, random: [u8; 32], auth: PeerAuth) -> Self {
        let mut c = Self::new(cfg, now, Role::Initiator, random, auth);
        let id: [u8; 32] = <sha2::Sha256 as sha2::Digest>::digest(random).into();
        c.conn_id = u32::from_le_bytes([id[0], id[1], id[2], id[3]]).max(1);
        let (conn_id, windows) = (c.conn_id, c.windows());
        if let Some(hs) = c.hs.as_deref_mut() {
            let body = handshake::encode_body(
                PacketKind::Hello,
                conn_id,
                windows,
                hs.cipher,
                &hs.ephemeral.public,
                &hs.auth.identity,
                None,
            );
            hs.hello_hash = handshake::body_hash(&body);
            hs.body = Some(body);
        }
        c
    }

    /// Starts a connection that waits for the peer's handshake and adopts its connection id.
    /// `random` must come from a good random source (it yields this side's ephemeral key).
    pub fn new_responder(cfg: Config, now: u64, random: [u8; 32], auth: PeerAuth) -> Self {
        Self::new(cfg, now, Role::Responder, random, auth)
    }

    fn new(cfg: Config, now: u64, role: Role, random: [u8; 32], auth: PeerAuth) -> Self {
        let cfg = cfg.sanitized();
        Connection {
            role,
            phase: Phase::Handshaking,
            conn_id: 0,
            created_at: now,
            hs_next: now,
            hs_interval: cfg.handshake_retry_us,
            hs_attempts: 0,
            hs_first_sent: now,
            welcome_due: false,
            hs: Some(Box::new(Handshake {
                auth,
                ephemeral: Ephemeral::from_random(random),
                cipher: cfg.cipher.wire_preference(),
                body: None,
                hello_hash: [0; 32],
                peer_sig: [0; 64],
                peer_cert: None,
            })),
            keys: None,
            last_auth_error: None,
            peer_window_bytes: 0,
            peer_window_messages: 0,
            next_pn: 0,
            sent: SentLog::default(),
            sendbuf: SendBuffer::default(),
            unreliable: UnreliableQueue::default(),
            unreliable_bytes: 0,
            cc: Congestion::new(&cfg),
            rtt: RttEstimator::new(cfg.initial_rtt_us),
            largest_acked: None,
            loss_time: None,
            pto_count: 0,
            last_eliciting_sent: now,
            ack_progress_at: now,
            probes: 0,
            thin: ThinQueue::default(),
            close_pending: false,
            close_outstanding: false,
            keepalive_due: false,
            recv: RecvTracker::default(),
            reasm: Reassembly::new(cfg.recv_window_bytes, cfg.recv_window_messages),
            delivered: VecDeque::new(),
            delivered_bytes: 0,
            last_recv: now,
            pings_out: VecDeque::new(),
            pings_to_send: VecDeque::new(),
            pongs_to_send: VecDeque::new(),
            next_ping_id: 1,
            events: VecDeque::new(),
            closed_emitted: false,
            stats: Stats::default(),
            cfg,
        }
    }

    pub fn role(&self) -> Role {
        self.role
    }

    pub fn conn_id(&self) -> u32 {
        self.conn_id
    }

    pub fn state(&self) -> State {
        match self.phase {
            Phase::Handshaking => State::Handshaking,
            Phase::Connected => State::Connected,
            Phase::Flushing => State::Closing,
            Phase::Notifying { .. } if !self.closed_emitted => State::Closing,
            _ => State::Closed,
        }
    }

    pub fn is_connected(&self) -> bool {
        self.phase == Phase::Connected
    }

    /// True once nothing more will be sent or needed: the owner may drop the connection.
    pub fn is_drained(&self) -> bool {
        self.phase == Phase::Done
    }

    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    pub fn poll_message(&mut self) -> Option<Received> {
        let m = self.delivered.pop_front()?;
        self.delivered_bytes -= m.data.len();
        Some(m)
    }

    /// The application is not keeping up: stop taking new data until it reads.
    fn app_backlogged(&self) -> bool {
        self.delivered_bytes >= self.cfg.recv_window_bytes as usize
    }

    pub fn stats(&self) -> Stats {
        let mut s = self.stats;
        s.rtt_us = self.rtt.smoothed();
        s.rtt_var_us = self.rtt.var();
        s.min_rtt_us = self.rtt.min();
        s.latest_rtt_us = self.rtt.latest();
        s.pending_reliable_bytes = self.sendbuf.bytes() as u64;
        s.unsent_reliable_bytes = self.sendbuf.unsent_bytes() as u64;
        s.pending_unreliable_bytes = self.unreliable_bytes as u64;
        s.reassembly_bytes = self.reasm.held_bytes();
        s.undelivered_bytes = self.delivered_bytes as u64;
        s.reassembly_messages = self.reasm.held_messages() as u64;
        s.congestion_window = self.cc.window();
        s.bytes_in_flight = self.cc.in_flight();
        s.send_rate = self.cc.pacing_rate();
        s
    }

    /// Queues a message. Reliable messages may be queued during the handshake and go out once it
    /// completes; unreliable ones are refused until then. Queue limits count each message's
    /// payload plus `MESSAGE_OVERHEAD`, so tiny messages are bounded too.
    pub fn send(&mut self, data: &[u8], policy: Policy) -> Result<(), SendError> {
        if data.is_empty() {
            return Err(SendError::Empty);
        }
        if !matches!(self.phase, Phase::Handshaking | Phase::Connected) {
            return Err(SendError::Closed);
        }
        match policy {
            Policy::Unreliable => {
                if data.len() > MAX_UNRELIABLE {
                    return Err(SendError::TooLarge { len: data.len(), max: MAX_UNRELIABLE });
                }
                if self.phase != Phase::Connected {
                    return Err(SendError::NotConnected);
                }
                let charged = self.unreliable_bytes + self.unreliable.len() * MESSAGE_OVERHEAD;
                if charged + data.len() + MESSAGE_OVERHEAD > self.cfg.unreliable_queue_bytes {
                    return Err(SendError::QueueFull);
                }
                self.unreliable_bytes += data.len();
                self.unreliable.push(data);
            }
            Policy::Reliable => {
                if data.len() > MAX_RELIABLE {
                    return Err(SendError::TooLarge { len: data.len(), max: MAX_RELIABLE });
                }
                if self.sendbuf.charged_bytes() + data.len() + MESSAGE_OVERHEAD > self.cfg.send_buffer_bytes {
                    return Err(SendError::QueueFull);
                }
                self.sendbuf.push(data);
            }
        }
        self.stats.messages_sent += 1;
        Ok(())
    }

    /// Measures the round trip; the answer comes as `Event::PingResult` with the returned id.
    /// On a closed connection the answer (a timeout) is immediate.
    pub fn ping(&mut self, now: u64) -> u64 {
        let id = self.next_ping_id;
        self.next_ping_id += 1;
        if self.closed_emitted || matches!(self.phase, Phase::Draining { .. } | Phase::Done) {
            self.events.push_back(Event::PingResult { id, rtt_us: None });
            return id;
        }
        if self.pings_out.len() >= MAX_PINGS
            && let Some((old, _)) = self.pings_out.pop_front()
        {
            self.pings_to_send.retain(|&p| p != old);
            self.events.push_back(Event::PingResult { id: old, rtt_us: None });
        }
        self.pings_out.push_back((id, now));
        self.pings_to_send.push_back(id);
        id
    }

    /// Graceful close: everything reliable already queued is delivered first, then the peer is
    /// told. A handshake in progress is simply abandoned.
    pub fn close(&mut self, now: u64) {
        match self.phase {
            Phase::Handshaking => self.finish(CloseReason::Local, Phase::Done),
            Phase::Connected => {
                self.phase = Phase::Flushing;
                self.maybe_finish_flush(now);
            }
            _ => {}
        }
    }

    /// Immediate close: queued data is discarded and the peer is told at once.
    pub fn close_now(&mut self, now: u64) {
        match self.phase {
            Phase::Handshaking => self.finish(CloseReason::Local, Phase::Done),
            Phase::Connected | Phase::Flushing => {
                self.sendbuf.clear();
                self.unreliable.clear();
                self.unreliable_bytes = 0;
                self.thin.clear();
                self.start_notify(now);
                self.emit_closed(CloseReason::Local);
            }
            _ => {}
        }
    }

    fn start_notify(&mut self, now: u64) {
        self.phase = Phase::Notifying { until: now + self.cfg.drain_us };
        self.close_pending = true;
    }

    fn maybe_finish_flush(&mut self, now: u64) {
        if self.phase == Phase::Flushing && self.sendbuf.is_empty() && self.unreliable.is_empty() {
            self.start_notify(now);
        }
    }

    fn emit_closed(&mut self, reason: CloseReason) {
        if !self.closed_emitted {
            self.closed_emitted = true;
            self.events.push_back(Event::Closed(reason));
            for (id, _) in self.pings_out.drain(..) {
                self.events.push_back(Event::PingResult { id, rtt_us: None });
            }
        }
    }

    fn finish(&mut self, reason: CloseReason, phase: Phase) {
        self.phase = phase;
        self.emit_closed(reason);
    }

    // ---------------------------------------------------------------- receiving

    /// Processes one datagram from the peer. Anything malformed or foreign is counted and dropped
    /// without touching connection state. True for a new DATA packet that authenticated: proof
    /// that the peer sent it and nobody replayed it (handshake packets and duplicates may be
    /// replays), which path validation relies on.
    pub fn handle_datagram(&mut self, now: u64, datagram: &[u8]) -> bool {
        if self.phase == Phase::Done {
            return false;
        }
        let mut r = Reader::new(datagram);
        let Ok(hdr) = Header::decode(&mut r) else {
            self.stats.malformed += 1;
            return false;
        };
        let (duplicates, over_window) = (self.stats.duplicates, self.stats.over_window);
        let is_data = hdr.kind == PacketKind::Data;
        let outcome = match hdr.kind {
            PacketKind::Data => self.on_data_packet(now, hdr, datagram),
            kind => match wire::verify_handshake(datagram, hdr.conn_id) {
                Some(payload) => {
                    let mut r = Reader::new(&payload[HEADER_LEN..]);
                    if kind == PacketKind::Hello {
                        self.on_hello(now, hdr, &mut r)
                    } else {
                        self.on_welcome(now, hdr, &mut r)
                    }
                }
                None => Err(Dropped::Malformed),
            },
        };
        match outcome {
            Ok(()) => {
                self.stats.packets_received += 1;
                self.stats.bytes_received += datagram.len() as u64;
                is_data && self.stats.duplicates == duplicates && self.stats.over_window == over_window
            }
            Err(Dropped::Malformed) => {
                self.stats.malformed += 1;
                false
            }
            Err(Dropped::Rejected) => {
                self.stats.rejected += 1;
                false
            }
        }
    }

    /// Fuzzing hook: applies `body` as the plaintext of DATA packet `pn`, as if it had been
    /// opened, so a fuzzer reaches frame decoding without forging the AEAD.
    #[cfg(feature = "fuzzing")]
    pub fn fuzz_plaintext(&mut self, now: u64, pn: u64, body: &[u8]) {
        if self.phase != Phase::Done && self.keys.is_some() {
            let _ = self.on_data(now, pn, body);
        }
    }

    /// The AEAD the handshake agreed on; None before it completes.
    pub fn cipher(&self) -> Option<Cipher> {
        self.keys.as_ref().map(|k| k.send.suite())
    }

    /// Why the peer's last handshake packet was refused (wrong user, bad certificate, ...), once,
    /// for the owner's log.
    pub fn take_auth_error(&mut self) -> Option<AuthError> {
        self.last_auth_error.take()
    }

    fn windows(&self) -> (u32, u32) {
        (self.cfg.recv_window_bytes, self.cfg.recv_window_messages)
    }

    fn refuse(&mut self, e: AuthError) -> Dropped {
        self.last_auth_error = Some(e);
        Dropped::Rejected
    }

    fn on_hello(&mut self, now: u64, hdr: Header, r: &mut Reader<'_>) -> Result<(), Dropped> {
        // Exactly the padded size: a short HELLO must not buy a full-size WELCOME (amplification).
        let full = r.remaining_slice().len() + HEADER_LEN + HANDSHAKE_TAG_LEN == MAX_DATAGRAM;
        // Once connected the handshake state is gone: the initiator, which proved it holds the
        // keys, has no reason to send HELLO again, so any HELLO is foreign.
        if self.role != Role::Responder || hdr.conn_id == 0 || !full || self.phase != Phase::Handshaking {
            return Err(Dropped::Malformed);
        }
        let windows = self.windows();
        let Some(hs) = self.hs.as_deref_mut() else { return Err(Dropped::Malformed) };
        let raw = r.remaining_slice();
        let body = handshake::decode_body(r).map_err(|_| Dropped::Malformed)?;
        if !Config::peer_window_ok(body.recv_window_bytes, body.recv_window_messages) {
            return Err(Dropped::Malformed);
        }
        if self.keys.is_some() && body.signature == hs.peer_sig && hdr.conn_id == self.conn_id {
            // A repeat: our WELCOME was lost. Handshake packets can be replayed, so they are
            // not taken as signs of life.
            self.welcome_due = true;
            return Ok(());
        }
        // Until the initiator proves it holds the keys, a newer valid HELLO replaces the one
        // accepted (which may have been a replay).
        let signed = handshake::signed_part(raw);
        let checked = handshake::verify_body(
            &body,
            PacketKind::Hello,
            hdr.conn_id,
            &hs.auth,
            None,
            signed,
            &mut hs.peer_cert,
        );
        let welcome = handshake::encode_body(
            PacketKind::Welcome,
            hdr.conn_id,
            windows,
            hs.cipher,
            &hs.ephemeral.public,
            &hs.auth.identity,
            Some(&body.hash),
        );
        let keys = checked.and_then(|()| {
            handshake::derive_keys(
                Cipher::negotiate(hs.cipher, body.cipher),
                &hs.ephemeral,
                &body.ephemeral,
                &body.hash,
                &handshake::body_hash(&welcome),
            )
        });
        let (i2r, r2i) = match keys {
            Ok(k) => k,
            Err(e) => return Err(self.refuse(e)),
        };
        hs.hello_hash = body.hash;
        hs.peer_sig = body.signature;
        hs.body = Some(welcome);
        self.keys = Some(Box::new(Keys { send: r2i, recv: i2r }));
        self.conn_id = hdr.conn_id;
        self.set_peer_params(body.recv_window_bytes, body.recv_window_messages);
        self.recv = RecvTracker::default();
        self.last_recv = now;
        self.welcome_due = true;
        Ok(())
    }

    fn on_welcome(&mut self, now: u64, hdr: Header, r: &mut Reader<'_>) -> Result<(), Dropped> {
        let full = r.remaining_slice().len() + HEADER_LEN + HANDSHAKE_TAG_LEN == MAX_DATAGRAM;
        if self.role != Role::Initiator || hdr.conn_id != self.conn_id || !full {
            return Err(Dropped::Malformed);
        }
        let raw = r.remaining_slice();
        let body = handshake::decode_body(r).map_err(|_| Dropped::Malformed)?;
        if !Config::peer_window_ok(body.recv_window_bytes, body.recv_window_messages) {
            return Err(Dropped::Malformed);
        }
        let Some(hs) = self.hs.as_deref_mut() else {
            // Connected: a repeat of the WELCOME (the responder answers every HELLO), or a
            // forgery; either way it changes nothing.
            return Ok(());
        };
        let signed = handshake::signed_part(raw);
        let keys = handshake::verify_body(
            &body,
            PacketKind::Welcome,
            self.conn_id,
            &hs.auth,
            Some(&hs.hello_hash),
            signed,
            &mut hs.peer_cert,
        )
        .and_then(|()| {
            handshake::derive_keys(
                Cipher::negotiate(hs.cipher, body.cipher),
                &hs.ephemeral,
                &body.ephemeral,
                &hs.hello_hash,
                &body.hash,
            )
        });
        let (i2r, r2i) = match keys {
            Ok(k) => k,
            Err(e) => return Err(self.refuse(e)),
        };
        self.keys = Some(Box::new(Keys { send: i2r, recv: r2i }));
        self.hs = None;
        self.set_peer_params(body.recv_window_bytes, body.recv_window_messages);
        if self.hs_attempts == 1 {
            // Unambiguous: only one hello was sent, so this is its round trip.
            self.rtt.update(now.saturating_sub(self.hs_first_sent), 0);
            self.cc.update_rate(self.rtt.smoothed(), true);
        }
        self.phase = Phase::Connected;
        self.last_eliciting_sent = now;
        self.last_recv = now;
        // The responder connects on our first sealed packet: send one now, even with no data.
        self.keepalive_due = true;
        self.events.push_back(Event::Connected);
        Ok(())
    }

    /// Opens a DATA packet (in a copy) and applies it. The packet number is expanded before
    /// opening: it is the AEAD nonce, so a wrong guess fails authentication like a forgery.
    fn on_data_packet(&mut self, now: u64, hdr: Header, datagram: &[u8]) -> Result<(), Dropped> {
        if hdr.conn_id != self.conn_id || self.conn_id == 0 || datagram.len() < HEADER_LEN + AEAD_TAG_LEN {
            return Err(Dropped::Malformed);
        }
        if self.keys.is_none() {
            return Err(Dropped::Malformed);
        }
        let expected = self.recv.largest().map_or(0, |l| l + 1);
        let pn = expand_number(hdr.number, expected);
        let (sealed, tag) = datagram.split_at(datagram.len() - AEAD_TAG_LEN);
        SCRATCH.with_borrow_mut(|body| {
            body.clear();
            body.extend_from_slice(&sealed[HEADER_LEN..]);
            if !self.keys.as_ref().is_some_and(|k| k.recv.open(pn, body, tag)) {
                return Err(Dropped::Rejected);
            }
            if self.phase == Phase::Handshaking {
                // The initiator holds the keys: this handshake is not a replay.
                self.phase = Phase::Connected;
                self.hs = None;
                self.welcome_due = false;
                self.last_eliciting_sent = now;
                self.events.push_back(Event::Connected);
            }
            self.on_data(now, pn, body)
        })
    }

    fn set_peer_params(&mut self, bytes: u32, messages: u32) {
        self.peer_window_bytes = u64::from(bytes);
        self.peer_window_messages = u64::from(messages.min(super::config::MAX_WINDOW_MESSAGES));
    }

    fn on_data(&mut self, now: u64, pn: u64, body: &[u8]) -> Result<(), Dropped> {
        let r = Reader::new(body);
        // Pass 1: the whole packet must decode and fit our receive window before any of it is
        // applied, so a bad packet changes nothing and a refused one can be resent whole.
        let eliciting = match self.validate(r.remaining_slice()) {
            Ok(Some(e)) => e,
            Ok(None) => {
                self.stats.over_window += 1;
                return Ok(());
            }
            Err(_) => return Err(Dropped::Malformed),
        };
        self.last_recv = now;
        let in_order = self.recv.largest().is_none_or(|l| pn == l + 1);
        if !self.recv.insert(pn, now) {
            self.stats.duplicates += 1;
            self.recv.on_duplicate(now);
            return Ok(());
        }
        self.recv.on_packet(now, eliciting, in_order, self.cfg.ack_every, self.cfg.max_ack_delay_us);
        // Pass 2: apply.
        let mut r = Reader::new(r.remaining_slice());
        while !r.is_empty() {
            match wire::decode_frame(&mut r) {
                Ok(f) => self.apply(now, f),
                Err(_) => break,
            }
        }
        Ok(())
    }

    /// Ok(Some(ack_eliciting)) if the packet may be applied, Ok(None) if it overruns the window
    /// (or the application is not reading).
    fn validate(&self, payload: &[u8]) -> Result<Option<bool>, DecodeError> {
        let mut r = Reader::new(payload);
        let mut eliciting = false;
        let mut new_bytes = 0u64;
        let mut any = false;
        // Messages this packet already charged against the window: a fragment and the tail of
        // the same message often share a packet and must be charged once, or an honest sender
        // near a full window could be refused forever.
        let mut charged = [0u16; 16];
        let mut n_charged = 0usize;
        while !r.is_empty() {
            let f = wire::decode_frame(&mut r)?;
            any = true;
            eliciting |= f.is_ack_eliciting();
            let (seq, total, index) = match f {
                Frame::Reliable { seq, data } => (seq, data.len(), 0),
                Frame::Fragment { seq, total, index, .. } => (seq, total, index),
                _ => continue,
            };
            let seen = charged[..n_charged].contains(&seq);
            let own = if seen { total as u64 } else { 0 };
            match self.reasm.admit(seq, total, index, new_bytes - own) {
                (Admit::OverWindow, _) => return Ok(None),
                (Admit::Accept, _) if self.app_backlogged() => return Ok(None),
                (Admit::Conflict, _) => return Err(DecodeError::InvalidField),
                (_, added) if added > 0 && !seen => {
                    new_bytes += added;
                    if n_charged < charged.len() {
                        charged[n_charged] = seq;
                        n_charged += 1;
                    }
                }
                _ => {}
            }
        }
        if any { Ok(Some(eliciting)) } else { Err(DecodeError::Truncated) }
    }

    fn apply(&mut self, now: u64, f: Frame<'_>) {
        let live = matches!(self.phase, Phase::Connected | Phase::Flushing | Phase::Notifying { .. });
        match f {
            Frame::Ack(ack) => self.on_ack(now, ack),
            Frame::Unreliable(data) if live => {
                if self.app_backlogged() {
                    self.stats.unreliable_dropped += 1;
                } else {
                    self.stats.messages_received += 1;
                    self.delivered_bytes += data.len();
                    self.delivered.push_back(Received { policy: Policy::Unreliable, data: data.to_vec() });
                }
            }
            Frame::Reliable { seq, data } if live => self.insert_reliable(seq, data.len(), 0, data),
            Frame::Fragment { seq, total, index, data } if live => {
                self.insert_reliable(seq, total, index, data)
            }
            Frame::Ping(id) if self.pongs_to_send.len() < MAX_PINGS => self.pongs_to_send.push_back(id),
            Frame::Pong(id) => {
                if let Some(i) = self.pings_out.iter().position(|&(p, _)| p == id)
                    && let Some((_, sent)) = self.pings_out.remove(i)
                {
                    self.events.push_back(Event::PingResult { id, rtt_us: Some(now.saturating_sub(sent)) });
                }
            }
            Frame::Close(_) => self.on_peer_close(now),
            _ => {}
        }
    }

    fn insert_reliable(&mut self, seq: u16, total: usize, index: usize, data: &[u8]) {
        let delivered = &mut self.delivered;
        let bytes = &mut self.delivered_bytes;
        let count = &mut self.stats.messages_received;
        self.reasm.insert(seq, total, index, data, |m| {
            *count += 1;
            *bytes += m.len();
            delivered.push_back(Received { policy: Policy::Reliable, data: m });
        });
    }

    fn on_peer_close(&mut self, now: u64) {
        match self.phase {
            Phase::Draining { .. } | Phase::Done => {}
            _ => {
                self.sendbuf.clear();
                self.unreliable.clear();
                self.unreliable_bytes = 0;
                self.thin.clear();
                self.close_pending = false;
                self.phase = Phase::Draining { until: now + self.cfg.drain_us };
                self.emit_closed(CloseReason::Peer);
            }
        }
    }

    fn on_ack(&mut self, now: u64, ack: wire::AckFrame<'_>) {
        let largest = expand_number(ack.largest, self.next_pn.saturating_sub(1));
        if largest >= self.next_pn {
            return; // acknowledges a packet we never sent: ignore the frame
        }
        let newly_largest = self.largest_acked.is_none_or(|l| largest > l);
        let mut rtt_sample = None;
        let mut any_new = false;
        for (lo, hi) in ack.ranges(largest) {
            if hi < self.sent.base() {
                break;
            }
            for pn in lo.max(self.sent.base())..=hi {
                let Some(p) = self.sent.settle(pn) else {
                    continue;
                };
                any_new = true;
                if pn == largest && newly_largest {
                    rtt_sample = Some(now.saturating_sub(p.time));
                }
                self.cc.on_acked(u64::from(p.size), p.time, p.flags & FLAG_APP_LIMITED != 0);
                for (seq, index) in self.sent.fragments(&p) {
                    self.sendbuf.on_acked(seq, index, now);
                }
                if p.flags & FLAG_CLOSE != 0 {
                    self.close_outstanding = false;
                    self.close_pending = false;
                    if let Phase::Notifying { .. } = self.phase {
                        self.finish(CloseReason::Local, Phase::Done);
                    }
                }
            }
        }
        if newly_largest {
            self.largest_acked = Some(largest);
        }
        if let Some(sample) = rtt_sample {
            // The peer's ack delay is trusted up to a bound, so a lying peer cannot shrink our RTT much.
            self.rtt.update(sample, ack.delay_us.min(25_000));
            self.cc.update_rate(self.rtt.smoothed(), true);
        }
        if any_new {
            self.pto_count = 0;
            self.ack_progress_at = now;
        }
        self.detect_lost(now);
        let sent = &self.sent;
        self.thin.prune(|pn| sent.get(pn).is_some_and(|p| p.fate == Fate::InFlight));
        self.sent.pop_settled();
        self.maybe_finish_flush(now);
    }

    fn detect_lost(&mut self, now: u64) {
        self.loss_time = None;
        let Some(largest) = self.largest_acked else {
            return;
        };
        let delay = self.rtt.loss_delay();
        let mut pn = self.sent.base();
        while pn < largest {
            if let Some(p) = self.sent.get(pn)
                && p.fate == Fate::InFlight
            {
                if largest - pn >= PACKET_THRESHOLD || p.time + delay <= now {
                    self.declare_lost(now, pn);
                } else {
                    let t = p.time + delay;
                    self.loss_time = Some(self.loss_time.map_or(t, |l| l.min(t)));
                }
            }
            pn += 1;
        }
    }

    fn declare_lost(&mut self, now: u64, pn: u64) {
        let Some(p) = self.sent.settle(pn) else {
            return;
        };
        self.stats.packets_lost += 1;
        self.cc.on_lost(now, u64::from(p.size), p.time);
        for (seq, index) in self.sent.fragments(&p) {
            self.sendbuf.on_lost(seq, index);
        }
        if p.flags & FLAG_CLOSE != 0 && self.close_outstanding {
            self.close_pending = true;
        }
    }

    // ---------------------------------------------------------------- timers

    fn pto_deadline(&self) -> Option<u64> {
        if !self.sent.has_in_flight() {
            return None;
        }
        let base = self.rtt.probe_timeout(self.cfg.max_ack_delay_us, self.cfg.min_rto_us);
        let backed = base.saturating_mul(1u64 << self.pto_count.min(20)).min(self.cfg.max_rto_us);
        Some(self.last_eliciting_sent + backed)
    }

    /// The next instant `handle_timeout` must run, if any.
    pub fn poll_timeout(&self) -> Option<u64> {
        let timers = self.timer_deadline();
        let sending_phase =
            matches!(self.phase, Phase::Connected | Phase::Flushing | Phase::Notifying { .. });
        if sending_phase && self.has_sendable() && self.cc.can_send(MAX_DATAGRAM as u64) {
            let ready = self.cc.pacing_ready_at(MAX_DATAGRAM as u64);
            return Some(timers.map_or(ready, |t| t.min(ready)));
        }
        timers
    }

    /// `poll_timeout` without the moment queued data may next be sent: the deadline of the
    /// timers alone, for a caller that holds back sending on purpose (burst coalescing).
    pub fn timer_deadline(&self) -> Option<u64> {
        let mut t: Option<u64> = None;
        let mut at = |v: u64| t = Some(t.map_or(v, |x: u64| x.min(v)));
        match self.phase {
            Phase::Done => return None,
            Phase::Handshaking => {
                at(self.created_at + self.cfg.connect_timeout_us);
                if self.role == Role::Initiator {
                    at(self.hs_next);
                }
                return t;
            }
            Phase::Draining { until } => {
                at(until);
                if let Some(d) = self.recv.deadline() {
                    at(d);
                }
                return t;
            }
            Phase::Notifying { until } => at(until),
            Phase::Connected | Phase::Flushing => {}
        }
        at(self.last_recv + self.cfg.idle_timeout_us);
        if let Some(p) = self.stalled_since() {
            at(p + 2 * self.cfg.idle_timeout_us);
        }
        if let Some(d) = self.recv.deadline() {
            at(d);
        }
        if let Some(l) = self.loss_time {
            at(l);
        }
        if let Some(p) = self.pto_deadline() {
            at(p);
        }
        if let Some(c) = self.thin_deadline() {
            at(c);
        }
        if self.phase == Phase::Connected && !self.keepalive_due {
            at(self.last_eliciting_sent + self.cfg.keepalive_us);
        }
        if let Some(&(_, sent)) = self.pings_out.front() {
            at(sent + self.cfg.ping_timeout_us);
        }
        t
    }

    /// Runs every timer that is due at `now`.
    pub fn handle_timeout(&mut self, now: u64) {
        match self.phase {
            Phase::Done => return,
            Phase::Handshaking => {
                if now >= self.created_at + self.cfg.connect_timeout_us {
                    self.finish(CloseReason::ConnectTimedOut, Phase::Done);
                }
                return;
            }
            Phase::Draining { until } => {
                if now >= until {
                    self.phase = Phase::Done;
                }
                return;
            }
            Phase::Notifying { until } if now >= until => {
                self.finish(CloseReason::Local, Phase::Done);
                return;
            }
            _ => {}
        }
        let stalled = self.stalled_since().is_some_and(|t| now >= t + 2 * self.cfg.idle_timeout_us);
        if now >= self.last_recv + self.cfg.idle_timeout_us || stalled {
            self.finish(CloseReason::TimedOut, Phase::Done);
            return;
        }
        if self.loss_time.is_some_and(|l| l <= now) {
            self.detect_lost(now);
            self.sent.pop_settled();
        }
        if self.pto_deadline().is_some_and(|p| p <= now) {
            self.on_probe_timeout(now);
        }
        if self.thin_deadline().is_some_and(|c| c <= now) {
            self.queue_thin_copies(now);
        }
        if self.phase == Phase::Connected && now >= self.last_eliciting_sent + self.cfg.keepalive_us {
            self.keepalive_due = true;
        }
        while let Some(&(id, sent)) = self.pings_out.front() {
            if sent + self.cfg.ping_timeout_us > now {
                break;
            }
            self.pings_out.pop_front();
            self.pings_to_send.retain(|&p| p != id);
            self.events.push_back(Event::PingResult { id, rtt_us: None });
        }
    }

    /// Since when the connection has made no progress while something waits for the peer: no
    /// packet newly acknowledged while packets are in flight, or no reliable fragment newly
    /// acknowledged while reliable data is outstanding. Either lasting twice the idle timeout means the
    /// peer is alive enough to send but never takes our data, and the connection is declared
    /// dead rather than left hanging. Heavy but working loss still makes progress.
    fn stalled_since(&self) -> Option<u64> {
        let packets = self.sent.has_in_flight().then_some(self.ack_progress_at);
        match (packets, self.sendbuf.waiting_since()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// No acknowledgement for a whole probe timeout: resend the oldest unacknowledged data (or a
    /// keepalive) in new packets, allowed past the congestion window, and back off.
    fn on_probe_timeout(&mut self, now: u64) {
        self.pto_count += 1;
        if self.pto_count >= PERSISTENT_PTO {
            self.cc.on_persistent_congestion(now);
        }
        let mut queued_any = false;
        for pn in self.sent.oldest_in_flight(2) {
            if let Some(p) = self.sent.get(pn).copied() {
                for (seq, index) in self.sent.fragments(&p) {
                    queued_any |= self.sendbuf.on_lost(seq, index);
                }
                if p.flags & FLAG_CLOSE != 0 {
                    self.close_pending = true;
                    queued_any = true;
                }
            }
        }
        if !queued_any {
            self.keepalive_due = true;
        }
        self.probes = 2;
        // Restart the timer from now so the backed-off interval is measured from the probe.
        self.last_eliciting_sent = now;
    }

    /// How long a thin packet waits for its acknowledgement before its early copy: a quarter of
    /// the smoothed RTT, so a short loss burst rarely takes both, yet long before loss detection
    /// (9/8 RTT after a later packet's acknowledgement) or the probe timeout could act.
    fn thin_copy_delay(&self) -> u64 {
        (self.rtt.smoothed() / 4).clamp(THIN_MIN_DELAY_US, THIN_MAX_DELAY_US)
    }

    /// How long after it was sent a thin packet, copied and still unacknowledged, gets its tail
    /// probe: the probe timeout before backoff, measured from the packet itself.
    fn thin_probe_delay(&self) -> u64 {
        self.rtt.probe_timeout(self.cfg.max_ack_delay_us, self.thin_copy_delay() + 1)
    }

    fn thin_deadline(&self) -> Option<u64> {
        if !matches!(self.phase, Phase::Connected | Phase::Flushing) {
            return None;
        }
        self.thin.deadline(self.thin_copy_delay(), self.thin_probe_delay())
    }

    /// Queues the early copy or tail probe of every thin packet due one: its unacknowledged new
    /// reliable fragments go out again, ahead of new data, in a new packet under the usual window
    /// and pacer. Not a loss: the packet stays in flight, nothing is counted lost, the window is
    /// not touched. Skipped once the flight is no longer thin, and while probe timeouts say the
    /// path is not delivering at all (their backoff governs then).
    fn queue_thin_copies(&mut self, now: u64) {
        let (copy_delay, probe_delay) = (self.thin_copy_delay(), self.thin_probe_delay());
        while let Some(due) = self.thin.pop_due(now, copy_delay, probe_delay) {
            let (thin::Due::Copy(e) | thin::Due::Probe(e)) = due;
            let Some(p) = self.sent.get(e.pn).copied().filter(|p| p.fate == Fate::InFlight) else {
                continue;
            };
            let size = u64::from(p.size);
            if self.pto_count > 0
                || self.cc.in_flight() + size > THIN_MAX_IN_FLIGHT
                || !self.cc.can_send(size)
            {
                continue;
            }
            for (seq, index) in self.sent.fragments(&p).skip(e.skip as usize) {
                if self.sendbuf.on_lost(seq, index) {
                    self.stats.thin_copies += 1;
                }
            }
            if let thin::Due::Copy(e) = due {
                self.thin.probe_later(e);
            }
        }
    }

    // ---------------------------------------------------------------- sending

    /// Data that the peer's window lets us send now (what a pacing timer may wait for).
    fn has_sendable(&self) -> bool {
        matches!(self.phase, Phase::Connected | Phase::Flushing)
            && (!self.unreliable.is_empty()
                || self.sendbuf.can_send(self.peer_window_messages, self.peer_window_bytes))
    }

    /// Writes the next datagram into `buf` (at least `MAX_DATAGRAM` bytes) and returns its
    /// length, or None when nothing may be sent now.
    pub fn poll_transmit(&mut self, now: u64, buf: &mut [u8]) -> Option<usize> {
        if buf.len() < MAX_DATAGRAM {
            return None;
        }
        let n = match self.phase {
            Phase::Done => None,
            _ if self.welcome_due => self.transmit_welcome(buf),
            Phase::Handshaking => self.transmit_hello(now, buf),
            _ => self.transmit_data(now, buf),
        }?;
        self.stats.packets_sent += 1;
        self.stats.bytes_sent += n as u64;
        Some(n)
    }

    /// Handshake packets are padded to the full datagram size so a path that cannot carry our
    /// largest datagrams fails the handshake instead of failing later mid-game.
    fn write_handshake(&self, kind: PacketKind, number: u32, buf: &mut [u8]) -> Option<usize> {
        let body = self.hs.as_deref()?.body.as_ref()?;
        let payload = MAX_DATAGRAM - HANDSHAKE_TAG_LEN;
        let mut w = Writer::new(&mut buf[..payload]);
        Header { kind, conn_id: self.conn_id, number }.encode(&mut w);
        w.put(body);
        let pad = w.remaining();
        w.put(&[0u8; MAX_DATAGRAM][..pad]);
        Some(wire::seal_handshake(buf, payload, self.conn_id))
    }

    fn transmit_hello(&mut self, now: u64, buf: &mut [u8]) -> Option<usize> {
        if self.role != Role::Initiator || now < self.hs_next {
            return None;
        }
        if self.hs_attempts == 0 {
            self.hs_first_sent = now;
        }
        self.hs_attempts += 1;
        self.hs_next = now + self.hs_interval;
        self.hs_interval = (self.hs_interval * 2).min(self.cfg.handshake_retry_max_us);
        self.write_handshake(PacketKind::Hello, self.hs_attempts, buf)
    }

    fn transmit_welcome(&mut self, buf: &mut [u8]) -> Option<usize> {
        self.welcome_due = false;
        self.write_handshake(PacketKind::Welcome, 0, buf)
    }

    fn transmit_data(&mut self, now: u64, buf: &mut [u8]) -> Option<usize> {
        let draining = matches!(self.phase, Phase::Draining { .. });
        let control = !draining
            && (self.close_pending
                || !self.pongs_to_send.is_empty()
                || !self.pings_to_send.is_empty()
                || self.keepalive_due);
        let may_send_data = !draining
            && self.has_sendable()
            && (self.probes > 0
                || (self.cc.can_send(MAX_DATAGRAM as u64)
                    && self.cc.next_send_time(now, MAX_DATAGRAM as u64) <= now));
        if !control && !may_send_data && !self.recv.ack_due(now) {
            return None;
        }

        let mut w = Writer::new(&mut buf[..MAX_PAYLOAD]);
        let pn = self.next_pn;
        Header { kind: PacketKind::Data, conn_id: self.conn_id, number: pn as u32 }.encode(&mut w);
        if self.recv.has_news() {
            let room = w.remaining();
            self.recv.encode(&mut w, now, room);
        }
        let mut flags = 0u8;
        if control {
            if self.close_pending && w.remaining() >= 2 {
                w.u8(frame_type::CLOSE);
                w.u8(0);
                self.close_pending = false;
                self.close_outstanding = true;
                flags |= FLAG_CLOSE | FLAG_ELICITING;
            }
            while let Some(&id) = self.pongs_to_send.front() {
                if w.remaining() < wire::id_frame_len(id) {
                    break;
                }
                wire::encode_ping(&mut w, frame_type::PONG, id);
                self.pongs_to_send.pop_front();
            }
            while let Some(&id) = self.pings_to_send.front() {
                if w.remaining() < wire::id_frame_len(id) {
                    break;
                }
                wire::encode_ping(&mut w, frame_type::PING, id);
                self.pings_to_send.pop_front();
                flags |= FLAG_ELICITING;
            }
        }
        let (mut frags, mut resent) = (0u32, 0u32);
        if may_send_data {
            (frags, resent) = self.write_data(now, &mut w, &mut flags);
        }
        // Periodic keepalives only arise while connected; a probe's keepalive may arise in any
        // phase but draining, so recovery never waits for the peer's next keepalive.
        if self.keepalive_due && !draining && flags & FLAG_ELICITING == 0 && w.remaining() >= 1 {
            w.u8(frame_type::KEEPALIVE);
            flags |= FLAG_ELICITING;
        }
        self.keepalive_due = false;
        if w.len() == HEADER_LEN {
            self.sent.unnote(frags);
            return None;
        }
        let len = w.len();
        let Some(keys) = self.keys.as_ref() else {
            self.sent.unnote(frags);
            return None;
        };
        let tag = keys.send.seal(pn, &mut buf[HEADER_LEN..len]);
        buf[len..len + AEAD_TAG_LEN].copy_from_slice(&tag);
        let size = len + AEAD_TAG_LEN;
        if flags & FLAG_ELICITING != 0 {
            if !self.sent.has_in_flight() {
                self.ack_progress_at = now;
            }
            self.last_eliciting_sent = now;
            if self.cc.in_flight() + (size as u64) < self.cc.window() / 2 && !self.has_sendable() {
                flags |= FLAG_APP_LIMITED;
            }
            self.cc.on_sent(now, size as u64);
            self.probes = self.probes.saturating_sub(1);
        }
        self.sent.push(pn, now, size as u32, flags, frags);
        self.next_pn += 1;
        // A packet with new reliable data sent while the connection is application-limited with
        // little in flight (a thin stream, never a bulk transfer) gets an early copy later; not
        // before the peer has acknowledged anything (it may not even be connected yet, and the
        // delay needs a measured RTT).
        if self.cfg.thin_stream_redundancy
            && self.largest_acked.is_some()
            && frags > resent
            && flags & FLAG_ELICITING != 0
            && self.cc.in_flight() <= THIN_MAX_IN_FLIGHT
            && !self.has_sendable()
        {
            self.thin.push(thin::Entry { pn, time: now, skip: resent });
        }
        self.maybe_finish_flush(now);
        Some(size)
    }

    /// Fills the rest of the packet: retransmissions, then unreliable messages, then new reliable
    /// data. Returns how many fragment references were noted for the packet record, and how many
    /// of them (the first ones: retransmissions always come first) were retransmissions.
    fn write_data(&mut self, now: u64, w: &mut Writer<'_>, flags: &mut u8) -> (u32, u32) {
        let mut noted = 0u32;
        let mut resent = 0u32;
        // Retransmissions first: they hold back in-order delivery of everything after them.
        while let Some(c) = self.sendbuf.peek(self.peer_window_messages, self.peer_window_bytes) {
            if !c.retransmit {
                break;
            }
            if !self.write_chunk(now, w, &c) {
                break;
            }
            noted += 1;
            resent += 1;
            self.stats.retransmitted_fragments += 1;
            *flags |= FLAG_ELICITING;
        }
        while let Some(m) = self.unreliable.front() {
            if w.remaining() < wire::unreliable_len(m.len()) {
                break;
            }
            wire::encode_unreliable(w, m);
            self.unreliable_bytes -= m.len();
            self.unreliable.pop_front();
            *flags |= FLAG_ELICITING;
        }
        while let Some(c) = self.sendbuf.peek(self.peer_window_messages, self.peer_window_bytes) {
            if !self.write_chunk(now, w, &c) {
                break;
            }
            if c.retransmit {
                self.stats.retransmitted_fragments += 1;
                resent += 1;
            }
            noted += 1;
            *flags |= FLAG_ELICITING;
        }
        (noted, resent)
    }

    fn write_chunk(&mut self, now: u64, w: &mut Writer<'_>, c: &super::send_buffer::Chunk) -> bool {
        let data = self.sendbuf.chunk_data(c);
        let need =
            if c.whole { wire::reliable_len(data.len()) } else { wire::fragment_len(c.total, data.len()) };
        if w.remaining() < need || data.is_empty() {
            return false;
        }
        let seq = c.seq as u16;
        if c.whole {
            wire::encode_reliable(w, seq, data);
        } else {
            wire::encode_fragment(w, seq, c.total, c.index, data);
        }
        debug_assert!(data.len() <= FRAGMENT_SIZE);
        self.sent.note_fragment(c.seq, c.index);
        self.sendbuf.commit(c, now);
        true
    }
}

#[cfg(test)]
mod hostile_peer;
