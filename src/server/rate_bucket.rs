//! A token bucket in bytes: what one session may push through the relay.

/// Refills at `rate` bytes per second up to `burst`; time in microseconds.
#[derive(Clone, Debug)]
pub struct RateBucket {
    tokens: u64,
    last: u64,
}

impl RateBucket {
    /// A full bucket.
    pub fn new(burst: u64, now: u64) -> Self {
        RateBucket { tokens: burst, last: now }
    }

    /// Takes `bytes` if the bucket holds them; false (nothing taken) otherwise.
    pub fn take(&mut self, now: u64, bytes: u64, rate: u64, burst: u64) -> bool {
        let elapsed = now.saturating_sub(self.last);
        if elapsed > 0 {
            // u128: a long-idle session must not overflow the refill.
            let refill = (u128::from(elapsed) * u128::from(rate) / 1_000_000).min(u128::from(burst));
            self.tokens = (self.tokens + refill as u64).min(burst);
            self.last = now;
        }
        if self.tokens < bytes {
            return false;
        }
        self.tokens -= bytes;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_passes_then_the_rate_holds() {
        let (rate, burst) = (1_000_000, 3000);
        let mut b = RateBucket::new(burst, 0);
        assert!(b.take(0, 1000, rate, burst));
        assert!(b.take(0, 2000, rate, burst));
        assert!(!b.take(0, 1, rate, burst), "the burst is spent");
        assert!(!b.take(999, 1000, rate, burst), "999 us refill 999 bytes");
        assert!(b.take(1000, 1000, rate, burst));
        assert!(b.take(u64::MAX, 3000, rate, burst), "a long pause refills to the burst, no overflow");
        assert!(!b.take(u64::MAX, 1, rate, burst));
    }
}
