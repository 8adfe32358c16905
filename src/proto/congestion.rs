//! Congestion control and pacing.
//!
//! A byte-counting window in the NewReno family with a gentler multiplicative decrease (0.7, as
//! CUBIC uses): slow start doubles the window per round trip; afterwards it grows by one datagram
//! per round trip. Game traffic often crosses radio links whose random loss is not congestion, and
//! a classic sender cut by every such loss crawls (at 5 % loss and 40 ms RTT, about 0.2 MB/s). So
//! a loss only cuts the window when the recent loss rate (a moving average over about the last 64
//! packets) is above `Config::loss_tolerance`: a full queue drops packets in bursts and crosses it
//! within a few losses, scattered radio loss does not. A cut happens at
//! most once per round trip (packets sent before it cannot trigger another). Persistent probe
//! timeouts collapse the window to its floor whatever the loss rate. The window only grows while the sender actually uses it, so an idle or app-limited
//! game does not build up a window it never tested.
//!
//! The pacer spreads the window over the round trip: rate = 1.25 x window / smoothed RTT, capped
//! by the configured maximum rate, with a burst allowance of ten datagrams so small bursts (a game
//! frame's worth of messages) leave at once.

use super::config::{Config, MAX_DATAGRAM};

const BURST_BYTES: u64 = 10 * MAX_DATAGRAM as u64;
/// Fixed-point 1.0 for loss fractions.
const LOSS_ONE: u32 = 1 << 16;
/// The loss average weighs each packet 1/64.
const LOSS_AVG_SHIFT: u32 = 6;

#[derive(Clone, Debug)]
pub struct Congestion {
    cwnd: u64,
    ssthresh: u64,
    min_cwnd: u64,
    max_cwnd: u64,
    /// Losses of packets sent at or before this instant belong to the current reduction.
    recovery_start: Option<u64>,
    in_flight: u64,
    /// Recent fraction of packets lost, fixed point (`LOSS_ONE` = all).
    loss_avg: u32,
    /// Loss fraction above which a loss is taken as congestion, fixed point.
    loss_tolerance: u32,
    max_rate: u64,
    /// Pacer state: tokens in bytes (may go negative by one datagram) at `last_refill`.
    tokens: i64,
    last_refill: u64,
    /// Bytes per second currently allowed by the pacer (0 = unpaced, no RTT yet and no cap).
    rate: u64,
    /// Smoothed RTT the rate was last computed with.
    rtt: Option<u64>,
}

impl Congestion {
    pub fn new(cfg: &Config) -> Self {
        Congestion {
            cwnd: cfg.initial_cwnd,
            ssthresh: u64::MAX,
            min_cwnd: cfg.min_cwnd,
            max_cwnd: cfg.max_cwnd,
            recovery_start: None,
            in_flight: 0,
            loss_avg: 0,
            loss_tolerance: (cfg.loss_tolerance.clamp(0.0, 1.0) * f64::from(LOSS_ONE)) as u32,
            max_rate: cfg.max_send_rate,
            tokens: BURST_BYTES as i64,
            last_refill: 0,
            rate: cfg.max_send_rate,
            rtt: None,
        }
    }

    pub fn window(&self) -> u64 {
        self.cwnd
    }

    pub fn in_flight(&self) -> u64 {
        self.in_flight
    }

    pub fn pacing_rate(&self) -> u64 {
        self.rate
    }

    /// Room left in the window for a packet of `size` bytes.
    pub fn can_send(&self, size: u64) -> bool {
        self.in_flight + size <= self.cwnd
    }

    pub fn on_sent(&mut self, now: u64, size: u64) {
        self.in_flight += size;
        self.refill(now);
        self.tokens -= size as i64;
    }

    pub fn on_acked(&mut self, size: u64, sent_at: u64, app_limited: bool) {
        self.in_flight = self.in_flight.saturating_sub(size);
        self.loss_avg -= self.loss_avg >> LOSS_AVG_SHIFT;
        if self.recovery_start.is_some_and(|r| sent_at <= r) || app_limited {
            return;
        }
        self.cwnd = if self.cwnd < self.ssthresh {
            self.cwnd + size
        } else {
            self.cwnd + (MAX_DATAGRAM as u64 * size / self.cwnd).max(1)
        }
        .min(self.max_cwnd);
    }

    pub fn on_lost(&mut self, now: u64, size: u64, sent_at: u64) {
        self.in_flight = self.in_flight.saturating_sub(size);
        self.loss_avg = self.loss_avg - (self.loss_avg >> LOSS_AVG_SHIFT) + (LOSS_ONE >> LOSS_AVG_SHIFT);
        if self.recovery_start.is_some_and(|r| sent_at <= r) {
            return;
        }
        if self.loss_avg < self.loss_tolerance {
            // Scattered loss below the tolerance is taken as noise (radio, not a full queue).
            return;
        }
        self.recovery_start = Some(now);
        self.cwnd = (self.cwnd * 7 / 10).max(self.min_cwnd);
        self.ssthresh = self.cwnd;
        self.recompute_rate();
    }

    /// Several probe timeouts in a row: the path is not delivering anything.
    pub fn on_persistent_congestion(&mut self, now: u64) {
        self.cwnd = self.min_cwnd;
        self.ssthresh = self.min_cwnd.max(self.ssthresh / 2);
        self.recovery_start = Some(now);
        self.recompute_rate();
    }

    /// The window changed: scale the pacing rate with it (same RTT).
    fn recompute_rate(&mut self) {
        if let Some(rtt) = self.rtt {
            self.update_rate(rtt, true);
        }
    }

    /// Recompute the pacing rate after the RTT estimate changed.
    pub fn update_rate(&mut self, smoothed_rtt: u64, has_rtt: bool) {
        if has_rtt {
            self.rtt = Some(smoothed_rtt);
        }
        let window_rate = if has_rtt {
            (self.cwnd as u128 * 1_250_000 / u128::from(smoothed_rtt.max(1))).min(u128::from(u64::MAX)) as u64
        } else {
            0
        };
        self.rate = match (window_rate, self.max_rate) {
            (0, cap) => cap,
            (r, 0) => r,
            (r, cap) => r.min(cap),
        };
    }

    fn refill(&mut self, now: u64) {
        if self.rate == 0 {
            self.tokens = BURST_BYTES as i64;
        } else {
            // Only the result is capped: a deficit left by probes or control packets must be
            // able to refill in one step.
            let elapsed = now.saturating_sub(self.last_refill);
            let add = (u128::from(elapsed) * u128::from(self.rate) / 1_000_000).min(i64::MAX as u128) as i64;
            self.tokens = self.tokens.saturating_add(add).min(BURST_BYTES as i64);
        }
        self.last_refill = now;
    }

    /// Earliest instant the pacer lets a packet of `size` bytes leave (for timers; no refill).
    pub fn pacing_ready_at(&self, size: u64) -> u64 {
        if self.rate == 0 || self.tokens >= size as i64 {
            return self.last_refill;
        }
        let deficit = (size as i64 - self.tokens) as u128;
        self.last_refill + (deficit * 1_000_000).div_ceil(u128::from(self.rate)) as u64
    }

    /// When a packet of `size` bytes may leave: `now` if the pacer allows it.
    pub fn next_send_time(&mut self, now: u64, size: u64) -> u64 {
        self.refill(now);
        if self.rate == 0 || self.tokens >= size as i64 {
            return now;
        }
        let deficit = (size as i64 - self.tokens) as u128;
        now + (deficit * 1_000_000).div_ceil(u128::from(self.rate)) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Classic behaviour: every loss event counts as congestion.
    fn cc() -> Congestion {
        Congestion::new(&Config { loss_tolerance: 0.0, ..Config::default() })
    }

    #[test]
    fn scattered_loss_below_the_tolerance_keeps_the_window_but_bursts_cut_it() {
        let mut c = Congestion::new(&Config::default()); // tolerance 20 %
        let w0 = c.window();
        let mut t = 0;
        // 5 % random-looking loss: one packet in twenty.
        for i in 0..2000u64 {
            t += 10;
            c.on_sent(t, 1000);
            if i % 20 == 7 { c.on_lost(t + 5, 1000, t) } else { c.on_acked(1000, t, false) }
        }
        assert!(c.window() > w0, "window {} should have grown from {w0}", c.window());
        // A queue overflow: a burst of losses.
        let before = c.window();
        for _ in 0..12 {
            t += 10;
            c.on_sent(t, 1000);
            c.on_lost(t + 5, 1000, t);
        }
        assert!(c.window() < before, "a burst must cut the window");
    }

    #[test]
    fn slow_start_grows_then_loss_cuts_once_per_round() {
        let mut c = cc();
        let w0 = c.window();
        c.on_sent(0, 1000);
        c.on_acked(1000, 0, false);
        assert_eq!(c.window(), w0 + 1000);
        for i in 0..3 {
            c.on_sent(10, 1000);
            c.on_lost(20 + i, 1000, 10);
        }
        assert_eq!(c.window(), (w0 + 1000) * 7 / 10, "three losses of one round cut once");
        c.on_sent(30, 1000);
        c.on_lost(40, 1000, 30);
        assert_eq!(c.window(), (w0 + 1000) * 7 / 10 * 7 / 10, "a later round cuts again");
        assert_eq!(c.in_flight(), 0);
    }

    #[test]
    fn window_never_drops_below_the_floor() {
        let mut c = cc();
        for i in 0..100 {
            c.on_sent(i * 10, 1000);
            c.on_lost(i * 10 + 5, 1000, i * 10);
        }
        assert_eq!(c.window(), Config::default().min_cwnd);
    }

    #[test]
    fn pacer_respects_the_rate_cap() {
        let cfg = Config { max_send_rate: 1_000_000, ..Config::default() };
        let mut c = Congestion::new(&cfg);
        c.update_rate(1_000, true);
        assert_eq!(c.pacing_rate(), 1_000_000);
        let mut now = 0;
        let mut sent = 0u64;
        while now < 1_000_000 {
            let t = c.next_send_time(now, 1000);
            now = t;
            c.on_sent(now, 1000);
            c.on_acked(1000, now, true);
            sent += 1000;
        }
        // One second at 1 MB/s plus the initial burst allowance.
        assert!(sent <= 1_000_000 + BURST_BYTES + 1000, "sent {sent}");
        assert!(sent >= 990_000, "sent {sent}");
    }
}
