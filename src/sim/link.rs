//! One direction of an impaired link: decides whether a datagram is dropped and when it arrives.
//!
//! [`Link`] knows nothing about queues of datagrams or who receives them; it only turns
//! `(now, len, rng)` into a [`Verdict`]. That keeps the impairment model reusable outside the
//! simulator, e.g. to fake loss and lag in front of a real UDP socket for manual tests.
//!
//! Order of impairments for one datagram, as on a real path:
//! 1. the sender's link queue (only with a rate limit): tail-drop if the queued bytes plus this
//!    datagram exceed `queue_limit_bytes`, otherwise it departs when the bytes ahead of it and its
//!    own bytes have been serialised at `rate_bytes_per_sec`;
//! 2. random loss in transit (a lost datagram still used its share of the bandwidth);
//! 3. propagation: `latency_us` plus uniform `0..=jitter_us`, plus `reorder_delay_us` with
//!    probability `reorder`;
//! 4. duplication with probability `duplicate`: the copy gets its own jitter and reorder draw.

use std::fmt;

use super::rng::Rng;

/// Impairments for one direction of a link. [`LinkConfig::default`] is a perfect link: no loss,
/// zero latency, unlimited rate.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkConfig {
    /// Probability in `0..=1` that a datagram is lost in transit.
    pub loss: f64,
    /// Fixed one-way delay, microseconds.
    pub latency_us: u64,
    /// Extra delay drawn uniformly from `0..=jitter_us` per datagram (so jitter alone reorders).
    pub jitter_us: u64,
    /// Probability in `0..=1` that a second copy is delivered too.
    pub duplicate: f64,
    /// Probability in `0..=1` that a datagram is held back by `reorder_delay_us`, so later ones
    /// overtake it.
    pub reorder: f64,
    /// Extra delay for datagrams picked by `reorder`, microseconds.
    pub reorder_delay_us: u64,
    /// Bottleneck bandwidth. `None` means infinitely fast: nothing ever queues.
    pub rate_bytes_per_sec: Option<u64>,
    /// Capacity of the link queue in front of the bottleneck; a datagram that does not fit is
    /// tail-dropped. Only meaningful with a rate limit.
    pub queue_limit_bytes: u64,
}

/// Default queue capacity: generous enough that only tests that want tail-drop see it.
pub const DEFAULT_QUEUE_LIMIT_BYTES: u64 = 8 * 1024 * 1024;

impl Default for LinkConfig {
    fn default() -> Self {
        Self {
            loss: 0.0,
            latency_us: 0,
            jitter_us: 0,
            duplicate: 0.0,
            reorder: 0.0,
            reorder_delay_us: 0,
            rate_bytes_per_sec: None,
            queue_limit_bytes: DEFAULT_QUEUE_LIMIT_BYTES,
        }
    }
}

impl LinkConfig {
    /// No impairment at all (same as `default()`).
    pub fn perfect() -> Self {
        Self::default()
    }

    /// A zero-latency link that loses each datagram with probability `loss`.
    pub fn lossy(loss: f64) -> Self {
        Self::default().with_loss(loss)
    }

    /// A lossless link with a fixed one-way delay.
    pub fn delayed(latency_us: u64) -> Self {
        Self::default().with_latency(latency_us)
    }

    /// Sets the loss probability.
    pub fn with_loss(mut self, loss: f64) -> Self {
        self.loss = loss;
        self
    }

    /// Sets the fixed one-way delay.
    pub fn with_latency(mut self, latency_us: u64) -> Self {
        self.latency_us = latency_us;
        self
    }

    /// Sets the uniform extra delay bound.
    pub fn with_jitter(mut self, jitter_us: u64) -> Self {
        self.jitter_us = jitter_us;
        self
    }

    /// Sets the duplication probability.
    pub fn with_duplicate(mut self, duplicate: f64) -> Self {
        self.duplicate = duplicate;
        self
    }

    /// Holds back a fraction `reorder` of datagrams by `delay_us` so later ones overtake them.
    pub fn with_reorder(mut self, reorder: f64, delay_us: u64) -> Self {
        self.reorder = reorder;
        self.reorder_delay_us = delay_us;
        self
    }

    /// Limits the link to `bytes_per_sec`, queueing datagrams behind each other.
    pub fn with_rate(mut self, bytes_per_sec: u64) -> Self {
        self.rate_bytes_per_sec = Some(bytes_per_sec);
        self
    }

    /// Sets the link queue capacity used with a rate limit.
    pub fn with_queue_limit(mut self, bytes: u64) -> Self {
        self.queue_limit_bytes = bytes;
        self
    }

    /// Checks that probabilities are in `0..=1` (and not NaN) and that a rate, if set, is non-zero.
    pub fn validate(&self) -> Result<(), LinkConfigError> {
        for (field, value) in [("loss", self.loss), ("duplicate", self.duplicate), ("reorder", self.reorder)]
        {
            if !(0.0..=1.0).contains(&value) {
                return Err(LinkConfigError::ProbabilityOutOfRange { field, value });
            }
        }
        if self.rate_bytes_per_sec == Some(0) {
            return Err(LinkConfigError::ZeroRate);
        }
        Ok(())
    }
}

/// Why a [`LinkConfig`] was rejected.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LinkConfigError {
    /// A probability field was outside `0..=1` or NaN.
    ProbabilityOutOfRange {
        /// Name of the offending field.
        field: &'static str,
        /// The rejected value.
        value: f64,
    },
    /// `rate_bytes_per_sec` was `Some(0)`, which would never deliver anything.
    ZeroRate,
}

impl fmt::Display for LinkConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ProbabilityOutOfRange { field, value } => {
                write!(f, "link {field} probability {value} is not within 0..=1")
            }
            Self::ZeroRate => f.write_str("link rate of 0 bytes/s would never deliver"),
        }
    }
}

impl std::error::Error for LinkConfigError {}

/// What the link does with one datagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Lost in transit (random loss).
    Lost,
    /// Tail-dropped because the link queue was full.
    QueueFull,
    /// Arrives at `at`; if `copy_at` is set, a duplicate arrives then as well.
    Deliver {
        /// Arrival time of the datagram, microseconds.
        at: u64,
        /// Arrival time of a duplicate, if one was made.
        copy_at: Option<u64>,
    },
}

/// Counters for one link direction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LinkStats {
    /// Datagrams offered to the link.
    pub sent: u64,
    /// Bytes offered to the link.
    pub sent_bytes: u64,
    /// Datagrams dropped by random loss.
    pub lost: u64,
    /// Datagrams tail-dropped by the queue limit.
    pub queue_dropped: u64,
    /// Extra copies created by duplication.
    pub duplicated: u64,
    /// Datagrams (copies included) handed to the receiver.
    pub delivered: u64,
    /// Bytes handed to the receiver.
    pub delivered_bytes: u64,
}

impl LinkStats {
    /// Adds another link's counters into this one.
    pub fn add(&mut self, other: &LinkStats) {
        self.sent += other.sent;
        self.sent_bytes += other.sent_bytes;
        self.lost += other.lost;
        self.queue_dropped += other.queue_dropped;
        self.duplicated += other.duplicated;
        self.delivered += other.delivered;
        self.delivered_bytes += other.delivered_bytes;
    }
}

/// Microseconds per second; also the scale of [`Link::free_at`].
const US_PER_SEC: u128 = 1_000_000;

/// One direction of a link: its config, its queue state and its counters.
#[derive(Clone, Debug)]
pub struct Link {
    config: LinkConfig,
    /// When the bottleneck finishes sending everything accepted so far, in units of
    /// `1 / rate` microseconds. Keeping time scaled by the rate makes serialisation exact: no
    /// rounding error builds up however small each datagram's transmit time is.
    free_at: u128,
    stats: LinkStats,
}

impl Link {
    /// A link with the given impairments, after validating them.
    pub fn new(config: LinkConfig) -> Result<Self, LinkConfigError> {
        config.validate()?;
        Ok(Self { config, free_at: 0, stats: LinkStats::default() })
    }

    /// A perfect link (no validation needed).
    pub fn perfect() -> Self {
        Self { config: LinkConfig::default(), free_at: 0, stats: LinkStats::default() }
    }

    /// The current impairments.
    pub fn config(&self) -> &LinkConfig {
        &self.config
    }

    /// The counters so far.
    pub fn stats(&self) -> &LinkStats {
        &self.stats
    }

    /// Replaces the impairments at `now`, keeping the counters. Bytes queued at `now` stay queued
    /// and drain at the new rate; removing the rate limit empties the queue at once.
    pub fn set_config(&mut self, now: u64, config: LinkConfig) -> Result<(), LinkConfigError> {
        config.validate()?;
        self.free_at = match (self.config.rate_bytes_per_sec, config.rate_bytes_per_sec) {
            (Some(old), Some(new)) => {
                // `free_at - now * rate` is the backlog in bytes * 1e6, whatever the rate.
                let backlog = self.free_at.saturating_sub(u128::from(now) * u128::from(old));
                if backlog == 0 { 0 } else { (u128::from(now) * u128::from(new)).saturating_add(backlog) }
            }
            _ => 0,
        };
        self.config = config;
        Ok(())
    }

    /// Decides the fate of a `len`-byte datagram handed to the link at `now`.
    pub fn send(&mut self, now: u64, len: usize, rng: &mut Rng) -> Verdict {
        self.stats.sent += 1;
        self.stats.sent_bytes += len as u64;
        let depart = match self.config.rate_bytes_per_sec {
            None => now,
            Some(rate) => match self.enqueue(now, len as u64, rate) {
                Some(t) => t,
                None => {
                    self.stats.queue_dropped += 1;
                    return Verdict::QueueFull;
                }
            },
        };
        if rng.chance(self.config.loss) {
            self.stats.lost += 1;
            return Verdict::Lost;
        }
        let at = self.arrival(depart, rng);
        let copy_at = if rng.chance(self.config.duplicate) {
            self.stats.duplicated += 1;
            Some(self.arrival(depart, rng))
        } else {
            None
        };
        Verdict::Deliver { at, copy_at }
    }

    /// Records that a datagram of `len` bytes reached its receiver. Kept separate from
    /// [`Link::send`] because delivery happens later, in whoever holds the datagram meanwhile.
    pub fn record_delivery(&mut self, len: usize) {
        self.stats.delivered += 1;
        self.stats.delivered_bytes += len as u64;
    }

    /// Bytes waiting in (or being serialised by) the link queue at `now`.
    pub fn queued_bytes(&self, now: u64) -> u64 {
        match self.config.rate_bytes_per_sec {
            None => 0,
            Some(rate) => {
                let now_scaled = u128::from(now) * u128::from(rate);
                let ahead = self.free_at.saturating_sub(now_scaled) / US_PER_SEC;
                u64::try_from(ahead).unwrap_or(u64::MAX)
            }
        }
    }

    /// Puts `len` bytes behind the current backlog; returns when the last byte leaves, or `None`
    /// when the queue cannot take them.
    fn enqueue(&mut self, now: u64, len: u64, rate: u64) -> Option<u64> {
        let rate = u128::from(rate);
        let now_scaled = u128::from(now) * rate;
        let start = self.free_at.max(now_scaled);
        let queued = (start - now_scaled) / US_PER_SEC;
        if queued + u128::from(len) > u128::from(self.config.queue_limit_bytes) {
            return None;
        }
        self.free_at = start.saturating_add(u128::from(len) * US_PER_SEC);
        let depart = self.free_at.div_ceil(rate);
        Some(u64::try_from(depart).unwrap_or(u64::MAX))
    }

    /// Arrival time for something that left the bottleneck at `depart`.
    fn arrival(&self, depart: u64, rng: &mut Rng) -> u64 {
        let c = &self.config;
        let mut at = depart.saturating_add(c.latency_us);
        if c.jitter_us > 0 {
            at = at.saturating_add(rng.range(0, c.jitter_us));
        }
        if rng.chance(c.reorder) {
            at = at.saturating_add(c.reorder_delay_us);
        }
        at
    }
}

impl Default for Link {
    fn default() -> Self {
        Self::perfect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const N: usize = 100_000;

    fn link(config: LinkConfig) -> Link {
        Link::new(config).expect("valid config")
    }

    fn arrival(v: Verdict) -> u64 {
        match v {
            Verdict::Deliver { at, .. } => at,
            other => panic!("expected delivery, got {other:?}"),
        }
    }

    #[test]
    fn default_is_perfect() {
        let mut l = Link::perfect();
        let mut rng = Rng::new(1);
        for now in 0..1000 {
            assert_eq!(l.send(now, 1200, &mut rng), Verdict::Deliver { at: now, copy_at: None });
        }
        assert_eq!(l.stats().sent, 1000);
        assert_eq!(l.stats().lost + l.stats().queue_dropped, 0);
        // A perfect link draws no randomness at all.
        assert_eq!(rng, Rng::new(1));
    }

    #[test]
    fn validation_rejects_bad_probabilities_and_zero_rate() {
        assert!(LinkConfig::lossy(0.0).validate().is_ok());
        assert!(LinkConfig::lossy(1.0).validate().is_ok());
        assert_eq!(
            LinkConfig::lossy(1.5).validate(),
            Err(LinkConfigError::ProbabilityOutOfRange { field: "loss", value: 1.5 })
        );
        assert!(matches!(
            LinkConfig::default().with_duplicate(-0.1).validate(),
            Err(LinkConfigError::ProbabilityOutOfRange { field: "duplicate", .. })
        ));
        assert!(matches!(
            LinkConfig::default().with_reorder(f64::NAN, 5).validate(),
            Err(LinkConfigError::ProbabilityOutOfRange { field: "reorder", .. })
        ));
        assert_eq!(LinkConfig::default().with_rate(0).validate(), Err(LinkConfigError::ZeroRate));
        assert!(Link::new(LinkConfig::lossy(2.0)).is_err());
        let mut l = Link::perfect();
        assert!(l.set_config(0, LinkConfig::lossy(-1.0)).is_err());
        assert_eq!(l.config(), &LinkConfig::default());
    }

    #[test]
    fn loss_rate_matches_config() {
        let mut l = link(LinkConfig::lossy(0.1));
        let mut rng = Rng::new(7);
        let lost = (0..N).filter(|&i| l.send(i as u64, 100, &mut rng) == Verdict::Lost).count();
        let rate = lost as f64 / N as f64;
        // Standard deviation is ~0.001 here; 0.005 is five of them.
        assert!((rate - 0.1).abs() < 0.005, "loss rate {rate}");
        assert_eq!(l.stats().lost, lost as u64);
    }

    #[test]
    fn duplicate_rate_matches_config() {
        let mut l = link(LinkConfig::default().with_duplicate(0.25));
        let mut rng = Rng::new(8);
        let dups = (0..N)
            .filter(|&i| matches!(l.send(i as u64, 100, &mut rng), Verdict::Deliver { copy_at: Some(_), .. }))
            .count();
        let rate = dups as f64 / N as f64;
        assert!((rate - 0.25).abs() < 0.007, "dup rate {rate}");
        assert_eq!(l.stats().duplicated, dups as u64);
    }

    #[test]
    fn latency_is_exact_without_jitter() {
        let mut l = link(LinkConfig::delayed(30_000).with_duplicate(0.5));
        let mut rng = Rng::new(9);
        for now in (0..1_000_000).step_by(997) {
            match l.send(now, 500, &mut rng) {
                Verdict::Deliver { at, copy_at } => {
                    assert_eq!(at, now + 30_000);
                    if let Some(c) = copy_at {
                        assert_eq!(c, now + 30_000);
                    }
                }
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    #[test]
    fn jitter_is_bounded_and_spread() {
        let mut l = link(LinkConfig::delayed(1000).with_jitter(200));
        let mut rng = Rng::new(10);
        let delays: Vec<u64> = (0..N as u64).map(|now| arrival(l.send(now, 64, &mut rng)) - now).collect();
        assert!(delays.iter().all(|d| (1000..=1200).contains(d)));
        assert_eq!(delays.iter().min(), Some(&1000));
        assert_eq!(delays.iter().max(), Some(&1200));
    }

    #[test]
    fn reorder_holds_back_the_configured_fraction() {
        let mut l = link(LinkConfig::delayed(100).with_reorder(0.2, 5000));
        let mut rng = Rng::new(11);
        let mut held = 0;
        for now in 0..N as u64 {
            match arrival(l.send(now, 64, &mut rng)) - now {
                100 => {}
                5100 => held += 1,
                d => panic!("unexpected delay {d}"),
            }
        }
        let rate = held as f64 / N as f64;
        assert!((rate - 0.2).abs() < 0.006, "reorder rate {rate}");
    }

    #[test]
    fn rate_limit_serialises_back_to_back() {
        // 1000 bytes at 1 MB/s take exactly 1 ms each.
        let mut l = link(LinkConfig::delayed(50).with_rate(1_000_000));
        let mut rng = Rng::new(12);
        for k in 1..=10u64 {
            assert_eq!(arrival(l.send(0, 1000, &mut rng)), k * 1000 + 50);
        }
        assert_eq!(l.queued_bytes(0), 10_000);
        assert_eq!(l.queued_bytes(4000), 6000);
        // After the queue drains, a new datagram only pays its own transmit time.
        assert_eq!(arrival(l.send(20_000, 500, &mut rng)), 20_000 + 500 + 50);
    }

    #[test]
    fn rate_limit_does_not_drift_with_fractional_transmit_times() {
        // 1000 bytes at 1.5 MB/s = 666.67 us each: rounding per datagram would drift by ~1/3 us
        // per datagram; the exact departure of the k-th is ceil(k * 2000 / 3).
        let mut l = link(LinkConfig::default().with_rate(1_500_000));
        let mut rng = Rng::new(13);
        for k in 1..=3000u64 {
            assert_eq!(arrival(l.send(0, 1000, &mut rng)), (k * 2000).div_ceil(3));
        }
    }

    #[test]
    fn queue_limit_tail_drops() {
        let mut l = link(LinkConfig::default().with_rate(1_000_000).with_queue_limit(3000));
        let mut rng = Rng::new(14);
        let verdicts: Vec<Verdict> = (0..10).map(|_| l.send(0, 1000, &mut rng)).collect();
        let accepted = verdicts.iter().filter(|v| matches!(v, Verdict::Deliver { .. })).count();
        assert_eq!(accepted, 3);
        assert!(verdicts[3..].iter().all(|v| *v == Verdict::QueueFull));
        assert_eq!(l.stats().queue_dropped, 7);
        // Once one datagram has drained there is room for exactly one more.
        assert!(matches!(l.send(1000, 1000, &mut rng), Verdict::Deliver { at: 4000, .. }));
        assert_eq!(l.send(1000, 1000, &mut rng), Verdict::QueueFull);
    }

    #[test]
    fn rate_change_keeps_backlog_in_bytes() {
        let mut l = link(LinkConfig::default().with_rate(1_000_000));
        let mut rng = Rng::new(15);
        l.send(0, 5000, &mut rng);
        assert_eq!(l.queued_bytes(1000), 4000);
        l.set_config(1000, LinkConfig::default().with_rate(2_000_000)).expect("valid");
        assert_eq!(l.queued_bytes(1000), 4000);
        // 4000 queued + 2000 new bytes at 2 MB/s from t=1 ms: done at 4 ms.
        assert_eq!(arrival(l.send(1000, 2000, &mut rng)), 4000);
        l.set_config(1000, LinkConfig::default()).expect("valid");
        assert_eq!(l.queued_bytes(1000), 0);
    }
}
