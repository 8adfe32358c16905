//! Protocol constants and per-connection tunables.

/// Largest UDP payload we ever emit. GameNetworkingSockets' choice: it fits every common path MTU
/// with room for IPv6 and tunnel headers.
pub const MAX_DATAGRAM: usize = 1300;
/// Bytes kept free at the end of every datagram for the authentication tag of a later encryption
/// step, so adding it cannot change how messages are packed.
pub const TAG_RESERVE: usize = 16;
/// Bytes of header plus frames a datagram may carry today.
pub const MAX_PAYLOAD: usize = MAX_DATAGRAM - TAG_RESERVE;
/// Largest unreliable message: one message always travels in one datagram.
pub const MAX_UNRELIABLE: usize = 1200;
/// Largest reliable message (the Oculus API limit).
pub const MAX_RELIABLE: usize = 65535;
/// Reliable messages are cut into fragments of exactly this size (the last one shorter). Fixed so
/// the receiver can check every fragment's place and length, and track arrivals in a 64-bit mask.
pub const FRAGMENT_SIZE: usize = 1200;
/// Upper bound on fragments per message: ceil(65535 / 1200).
pub const MAX_FRAGMENTS: usize = MAX_RELIABLE.div_ceil(FRAGMENT_SIZE);
// Fragment arrival is tracked in a u64 mask.
const _: () = assert!(MAX_FRAGMENTS <= 64);
/// Reliable sequence numbers travel as 16 bits, so the window of messages in flight must stay
/// well below half of that space for unambiguous expansion.
pub const MAX_WINDOW_MESSAGES: u32 = 16384;

/// Longest duration any setting may hold (about 11.5 days).
pub const MAX_DURATION_US: u64 = 1_000_000_000_000;
/// Bytes each queued message counts for on top of its payload, so a queue of tiny messages is
/// bounded in allocations as well as in payload.
pub const MESSAGE_OVERHEAD: usize = 64;

/// Tunables for one connection. `Default` gives values sized for real-time games.
#[derive(Clone, Debug)]
pub struct Config {
    /// The AEAD this side asks for; AES-128-GCM is used only when both sides ask for it.
    pub cipher: super::packet_key::Cipher,
    /// Give up a handshake that has not completed after this long.
    pub connect_timeout_us: u64,
    /// First handshake retransmission interval; doubles up to `handshake_retry_max_us`.
    pub handshake_retry_us: u64,
    pub handshake_retry_max_us: u64,
    /// A connection that hears nothing from its peer for this long times out.
    pub idle_timeout_us: u64,
    /// Send an ack-eliciting keepalive after this long without sending anything the peer must ack.
    pub keepalive_us: u64,
    /// Longest we hold back an acknowledgement hoping to piggyback it on data.
    pub max_ack_delay_us: u64,
    /// Acknowledge at once after this many ack-eliciting packets.
    pub ack_every: u32,
    /// Floor of the retransmission (probe) timeout. Loopback RTTs are tens of microseconds; a
    /// game-sized floor avoids spurious retransmission bursts from scheduler noise.
    pub min_rto_us: u64,
    /// Ceiling of the backed-off retransmission timeout.
    pub max_rto_us: u64,
    /// RTT assumed before the first sample.
    pub initial_rtt_us: u64,
    /// A ping unanswered after this long reports a timeout.
    pub ping_timeout_us: u64,
    /// How long a closing connection keeps repeating its close notice / answering the peer's.
    pub drain_us: u64,
    /// Reliable bytes the application may have queued or unacknowledged at once; beyond it,
    /// `send` says `QueueFull`.
    pub send_buffer_bytes: usize,
    /// Unreliable bytes that may wait for the congestion window or pacer; beyond it, `QueueFull`.
    pub unreliable_queue_bytes: usize,
    /// Reliable bytes this side will buffer out of order; advertised to the peer in the handshake.
    pub recv_window_bytes: u32,
    /// Reliable messages ahead of the next expected one this side will buffer; advertised too.
    pub recv_window_messages: u32,
    /// Hard cap on the send rate in bytes per second (0 = only congestion control limits it).
    pub max_send_rate: u64,
    /// Recent loss fraction (0..=1) below which losses are taken as link noise, not congestion,
    /// and do not cut the window (see `congestion.rs`); 0 gives classic loss-based behaviour.
    pub loss_tolerance: f64,
    /// Congestion window at start, in bytes.
    pub initial_cwnd: u64,
    /// Congestion window floor, in bytes.
    pub min_cwnd: u64,
    /// Congestion window ceiling, in bytes.
    pub max_cwnd: u64,
    /// Thin-stream redundancy: while the connection is application-limited with little in flight
    /// (a game's trickle of small reliable messages, not a bulk transfer), the new reliable data
    /// of each packet is sent once more, in a new packet, a quarter of the smoothed RTT later
    /// (2 to 25 ms) unless acknowledged by then, and once more a probe timeout after the packet
    /// if still unacknowledged. A lost packet then costs a quarter RTT instead of a frame
    /// interval plus a round trip, for about twice the bytes of such a stream; bulk transfers
    /// are never affected. See docs/PROTOCOL.md, section 9.
    pub thin_stream_redundancy: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            cipher: super::packet_key::Cipher::Auto,
            connect_timeout_us: 10_000_000,
            handshake_retry_us: 100_000,
            handshake_retry_max_us: 1_000_000,
            idle_timeout_us: 10_000_000,
            keepalive_us: 1_000_000,
            max_ack_delay_us: 1_000,
            ack_every: 2,
            min_rto_us: 10_000,
            max_rto_us: 2_000_000,
            initial_rtt_us: 100_000,
            ping_timeout_us: 2_000_000,
            drain_us: 1_000_000,
            send_buffer_bytes: 8 << 20,
            unreliable_queue_bytes: 1 << 20,
            recv_window_bytes: 4 << 20,
            recv_window_messages: 8192,
            max_send_rate: 0,
            loss_tolerance: 0.20,
            initial_cwnd: 32 * MAX_DATAGRAM as u64,
            min_cwnd: 4 * MAX_DATAGRAM as u64,
            max_cwnd: 64 << 20,
            thin_stream_redundancy: true,
        }
    }
}

impl Config {
    /// Clamp values that would break protocol invariants (e.g. a window the 16-bit sequence
    /// numbers cannot express) instead of trusting them.
    pub(crate) fn sanitized(mut self) -> Self {
        self.recv_window_messages = self.recv_window_messages.clamp(16, MAX_WINDOW_MESSAGES);
        self.recv_window_bytes = self.recv_window_bytes.max(2 * MAX_RELIABLE as u32);
        // Room for at least one largest message with its per-message charge.
        self.send_buffer_bytes = self.send_buffer_bytes.max(MAX_RELIABLE + MESSAGE_OVERHEAD);
        self.unreliable_queue_bytes = self.unreliable_queue_bytes.max(MAX_UNRELIABLE + MESSAGE_OVERHEAD);
        self.ack_every = self.ack_every.max(1);
        self.min_cwnd = self.min_cwnd.max(2 * MAX_DATAGRAM as u64);
        self.initial_cwnd = self.initial_cwnd.max(self.min_cwnd);
        self.max_cwnd = self.max_cwnd.max(self.initial_cwnd);
        self.min_rto_us = self.min_rto_us.max(1);
        self.max_rto_us = self.max_rto_us.max(self.min_rto_us);
        self.handshake_retry_us = self.handshake_retry_us.max(1);
        self.handshake_retry_max_us = self.handshake_retry_max_us.max(self.handshake_retry_us);
        // Durations are capped (about 11.5 days) so deadline arithmetic cannot overflow; a huge
        // value still means "practically never".
        for d in [
            &mut self.connect_timeout_us,
            &mut self.handshake_retry_us,
            &mut self.handshake_retry_max_us,
            &mut self.idle_timeout_us,
            &mut self.keepalive_us,
            &mut self.max_ack_delay_us,
            &mut self.min_rto_us,
            &mut self.max_rto_us,
            &mut self.initial_rtt_us,
            &mut self.ping_timeout_us,
            &mut self.drain_us,
        ] {
            *d = (*d).min(MAX_DURATION_US);
        }
        self.idle_timeout_us = self.idle_timeout_us.max(2);
        // A keepalive must fit inside the idle timeout or a quiet connection would time out.
        self.keepalive_us = self.keepalive_us.clamp(1, self.idle_timeout_us / 2);
        self
    }

    /// Whether a peer's advertised receive limits are ones this implementation can honour.
    pub(crate) fn peer_window_ok(bytes: u32, messages: u32) -> bool {
        bytes >= 2 * MAX_RELIABLE as u32 && (16..=MAX_WINDOW_MESSAGES).contains(&messages)
    }
}
