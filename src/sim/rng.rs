//! A small, fast, seeded PRNG so every simulated run can be replayed from its seed.
//!
//! xoshiro256** for the stream, SplitMix64 to expand a 64-bit seed into the 256-bit state
//! (xoshiro must never start from all zeros, and nearby seeds must give unrelated streams).
//! Not cryptographic; it only has to be quick and statistically decent.

/// Golden-ratio increment of SplitMix64.
const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// One SplitMix64 output; advances `state`.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(GOLDEN_GAMMA);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Bijective 64-bit mixer (MurmurHash3's finaliser), used to turn a stream number into a seed
/// offset that does not line up with SplitMix64's own counter steps.
fn mix64(mut z: u64) -> u64 {
    z ^= z >> 33;
    z = z.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    z ^= z >> 33;
    z = z.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    z ^ (z >> 33)
}

/// xoshiro256** generator. Cloning it forks an identical stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// A generator whose whole output is determined by `seed`.
    pub fn new(seed: u64) -> Self {
        let mut sm = seed;
        // SplitMix64 is a bijection of its counter, so four consecutive outputs are never all zero.
        let s = [splitmix64(&mut sm), splitmix64(&mut sm), splitmix64(&mut sm), splitmix64(&mut sm)];
        Self { s }
    }

    /// An independent stream `stream` under the same `seed`, so that e.g. each simulated link gets
    /// its own randomness and reconfiguring one link does not perturb the others.
    pub fn with_stream(seed: u64, stream: u64) -> Self {
        Self::new(seed ^ mix64(stream.wrapping_add(GOLDEN_GAMMA)))
    }

    /// Next 64 uniformly distributed bits.
    pub fn next_u64(&mut self) -> u64 {
        let [s0, s1, s2, s3] = &mut self.s;
        let result = s1.wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = *s1 << 17;
        *s2 ^= *s0;
        *s3 ^= *s1;
        *s1 ^= *s2;
        *s0 ^= *s3;
        *s2 ^= t;
        *s3 = s3.rotate_left(45);
        result
    }

    /// Uniform in `[0, 1)` with 53 bits of precision.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// True with probability `p`. `p <= 0` (or NaN) is never and `p >= 1` always; those two cases
    /// draw nothing, so a perfect link costs no random numbers.
    pub fn chance(&mut self, p: f64) -> bool {
        if p.is_nan() || p <= 0.0 {
            false
        } else if p >= 1.0 {
            true
        } else {
            self.next_f64() < p
        }
    }

    /// Uniform in `lo..=hi` (inclusive both ends, so `range(0, jitter)` can hit `jitter`), without
    /// modulo bias. Returns `lo` when `hi <= lo`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        let span = hi - lo;
        if span == u64::MAX {
            return self.next_u64();
        }
        let n = span + 1;
        // Lemire's multiply-and-reject: the high half of x*n is uniform once the low half is
        // outside the short biased zone.
        let mut m = u128::from(self.next_u64()) * u128::from(n);
        if (m as u64) < n {
            let threshold = n.wrapping_neg() % n;
            while (m as u64) < threshold {
                m = u128::from(self.next_u64()) * u128::from(n);
            }
        }
        lo + (m >> 64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_different_seed_different_stream() {
        let mut a = Rng::new(42);
        let mut b = Rng::new(42);
        let mut c = Rng::new(43);
        let xs: Vec<u64> = (0..64).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..64).map(|_| b.next_u64()).collect();
        let zs: Vec<u64> = (0..64).map(|_| c.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
        // Seed 0 must still produce a live stream.
        let mut z = Rng::new(0);
        assert!((0..8).map(|_| z.next_u64()).any(|x| x != 0));
    }

    #[test]
    fn streams_under_one_seed_are_distinct() {
        let firsts: Vec<u64> = (0..100).map(|s| Rng::with_stream(7, s).next_u64()).collect();
        let mut sorted = firsts.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), firsts.len());
        assert_eq!(Rng::with_stream(7, 3), Rng::with_stream(7, 3));
    }

    #[test]
    fn next_f64_is_in_unit_interval_with_sane_mean() {
        let mut r = Rng::new(1);
        let n = 100_000;
        let mut sum = 0.0;
        for _ in 0..n {
            let x = r.next_f64();
            assert!((0.0..1.0).contains(&x));
            sum += x;
        }
        let mean = sum / n as f64;
        assert!((mean - 0.5).abs() < 0.01, "mean {mean}");
    }

    #[test]
    fn chance_edges_and_rate() {
        let mut r = Rng::new(2);
        assert!((0..1000).all(|_| !r.chance(0.0)));
        assert!((0..1000).all(|_| r.chance(1.0)));
        assert!((0..1000).all(|_| !r.chance(f64::NAN)));
        let hits = (0..100_000).filter(|_| r.chance(0.3)).count();
        let rate = hits as f64 / 100_000.0;
        assert!((rate - 0.3).abs() < 0.01, "rate {rate}");
    }

    #[test]
    fn range_is_inclusive_and_bounded() {
        let mut r = Rng::new(3);
        let mut seen = [false; 5];
        for _ in 0..10_000 {
            let x = r.range(10, 14);
            assert!((10..=14).contains(&x));
            seen[(x - 10) as usize] = true;
        }
        assert!(seen.iter().all(|&s| s), "every value in 10..=14 should occur");
        assert_eq!(r.range(5, 5), 5);
        assert_eq!(r.range(9, 3), 9);
        // Full width must not overflow.
        let _ = r.range(0, u64::MAX);
        // A huge span still stays within bounds.
        let x = r.range(u64::MAX - 3, u64::MAX);
        assert!(x >= u64::MAX - 3);
    }
}
