//! Per-connection figures, the ones a game shows in a network overlay.

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Stats {
    /// Smoothed round-trip time, its mean deviation, the smallest and the latest sample (us).
    pub rtt_us: u64,
    pub rtt_var_us: u64,
    pub min_rtt_us: u64,
    pub latest_rtt_us: u64,
    pub packets_sent: u64,
    pub packets_received: u64,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    /// Packets declared lost by loss detection.
    pub packets_lost: u64,
    /// Fragments sent again after a loss or probe, or as a thin stream's early copy.
    pub retransmitted_fragments: u64,
    /// Reliable fragments queued again by thin-stream redundancy (`Config::thin_stream_redundancy`):
    /// early copies and tail probes, not losses.
    pub thin_copies: u64,
    /// Duplicated datagrams dropped.
    pub duplicates: u64,
    /// Datagrams that failed to decode, or whose connection id was not ours.
    pub malformed: u64,
    /// Datagrams that failed authentication: a bad AEAD tag (forged or modified), or a handshake
    /// whose certificate or signature did not verify.
    pub rejected: u64,
    /// Packets dropped unacknowledged because they overran our receive window.
    pub over_window: u64,
    pub messages_sent: u64,
    pub messages_received: u64,
    /// Reliable bytes queued or waiting for acknowledgement, and the part never sent yet.
    pub pending_reliable_bytes: u64,
    pub unsent_reliable_bytes: u64,
    /// Unreliable bytes waiting for the congestion window or pacer.
    pub pending_unreliable_bytes: u64,
    /// Reliable bytes held for reassembly or reordering, and how many messages: bounded by our
    /// receive window whatever the peer sends.
    pub reassembly_bytes: u64,
    pub reassembly_messages: u64,
    /// Received bytes waiting for the application to read them (bounded by the receive window).
    pub undelivered_bytes: u64,
    /// Unreliable messages dropped because the application was not reading.
    pub unreliable_dropped: u64,
    pub congestion_window: u64,
    pub bytes_in_flight: u64,
    /// Current pacing rate in bytes per second (0 = not paced).
    pub send_rate: u64,
}

impl Stats {
    /// Fraction of sent packets declared lost.
    pub fn loss(&self) -> f64 {
        if self.packets_sent == 0 { 0.0 } else { self.packets_lost as f64 / self.packets_sent as f64 }
    }
}
