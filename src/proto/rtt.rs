//! Round-trip time estimation (smoothed, variance, minimum) and the probe timeout derived from it.

#[derive(Clone, Debug)]
pub struct RttEstimator {
    smoothed: u64,
    var: u64,
    min: u64,
    latest: u64,
    has_sample: bool,
}

impl RttEstimator {
    pub fn new(initial_us: u64) -> Self {
        RttEstimator {
            smoothed: initial_us,
            var: initial_us / 2,
            min: u64::MAX,
            latest: initial_us,
            has_sample: false,
        }
    }

    /// Feeds one sample; the peer's reported ack delay is subtracted when that does not take the
    /// sample below the minimum ever seen (it cannot be trusted further than that).
    pub fn update(&mut self, sample_us: u64, ack_delay_us: u64) {
        self.latest = sample_us;
        self.min = self.min.min(sample_us);
        let adjusted = if sample_us >= self.min.saturating_add(ack_delay_us) {
            sample_us - ack_delay_us
        } else {
            sample_us
        };
        if !self.has_sample {
            self.has_sample = true;
            self.smoothed = adjusted;
            self.var = adjusted / 2;
            return;
        }
        let diff = self.smoothed.abs_diff(adjusted);
        self.var = (3 * self.var + diff) / 4;
        self.smoothed = (7 * self.smoothed + adjusted) / 8;
    }

    pub fn smoothed(&self) -> u64 {
        self.smoothed
    }

    pub fn var(&self) -> u64 {
        self.var
    }

    pub fn latest(&self) -> u64 {
        self.latest
    }

    /// Smallest sample seen, or 0 before any.
    pub fn min(&self) -> u64 {
        if self.has_sample { self.min } else { 0 }
    }

    /// How long to wait for an acknowledgement before probing, before backoff.
    pub fn probe_timeout(&self, max_ack_delay: u64, floor: u64) -> u64 {
        (self.smoothed + (4 * self.var).max(1_000) + max_ack_delay).max(floor)
    }

    /// Time after which an unacknowledged packet older than an acknowledged one counts as lost.
    pub fn loss_delay(&self) -> u64 {
        (self.latest.max(self.smoothed) * 9 / 8).max(1_000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converges_to_a_steady_rtt_and_tracks_the_minimum() {
        let mut r = RttEstimator::new(100_000);
        for _ in 0..50 {
            r.update(20_000, 0);
        }
        assert!(r.smoothed().abs_diff(20_000) < 100);
        r.update(15_000, 0);
        assert_eq!(r.min(), 15_000);
        assert!(r.probe_timeout(1_000, 10_000) >= 10_000);
    }

    #[test]
    fn ack_delay_is_subtracted_only_above_the_minimum() {
        let mut r = RttEstimator::new(100_000);
        r.update(10_000, 0);
        r.update(16_000, 5_000);
        assert_eq!(r.smoothed(), (7 * 10_000 + 11_000) / 8, "delay subtracted: 16ms - 5ms >= min");
        let mut r2 = RttEstimator::new(100_000);
        r2.update(10_000, 0);
        r2.update(12_000, 5_000);
        assert_eq!(r2.smoothed(), (7 * 10_000 + 12_000) / 8, "not subtracted: would fall below min");
    }
}
