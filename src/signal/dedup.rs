//! Sliding-window duplicate filter for server push ids.
//!
//! The server numbers pushes 1, 2, 3... per session and retransmits until acknowledged, so the
//! client sees repeats and reordering. A fixed window keeps memory constant: ids more than
//! [`WINDOW`] behind the newest one are treated as already seen (the server stops
//! retransmitting long before that many newer pushes exist).

/// How many ids behind the newest one are remembered individually.
pub const WINDOW: u64 = 1024;
const WORDS: usize = (WINDOW / 64) as usize;

/// Remembers which push ids were delivered.
#[derive(Clone, Debug)]
pub struct PushWindow {
    /// Highest id seen; 0 = none yet.
    highest: u64,
    /// Bit `d` set = id `highest - d` seen (bit 0 is `highest` itself).
    bits: [u64; WORDS],
}

impl Default for PushWindow {
    fn default() -> Self {
        Self { highest: 0, bits: [0; WORDS] }
    }
}

impl PushWindow {
    /// Records `id`; true the first time it is seen, false for a duplicate or a stale id.
    pub fn insert(&mut self, id: u32) -> bool {
        let id = u64::from(id);
        if id == 0 {
            return false;
        }
        if id > self.highest {
            self.shift(id - self.highest);
            self.highest = id;
            self.set(0);
            return true;
        }
        let d = self.highest - id;
        if d >= WINDOW || self.get(d) {
            return false;
        }
        self.set(d);
        true
    }

    fn shift(&mut self, by: u64) {
        if by >= WINDOW {
            self.bits = [0; WORDS];
            return;
        }
        let words = (by / 64) as usize;
        let bits = (by % 64) as u32;
        let old = self.bits;
        for (i, slot) in self.bits.iter_mut().enumerate() {
            let lo = i.checked_sub(words).map_or(0, |j| old[j]);
            let carry = match (bits, i.checked_sub(words + 1)) {
                (0, _) | (_, None) => 0,
                (b, Some(j)) => old[j] >> (64 - b),
            };
            *slot = (lo << bits) | carry;
        }
    }

    fn get(&self, d: u64) -> bool {
        self.bits[(d / 64) as usize] & (1 << (d % 64)) != 0
    }

    fn set(&mut self, d: u64) {
        self.bits[(d / 64) as usize] |= 1 << (d % 64);
    }
}

#[cfg(test)]
mod tests {
    use super::{PushWindow, WINDOW};
    use crate::signal::rng::SplitMix64;
    use std::collections::HashSet;

    #[test]
    fn duplicates_and_reordering() {
        let mut w = PushWindow::default();
        assert!(w.insert(2));
        assert!(w.insert(1));
        assert!(!w.insert(2));
        assert!(!w.insert(1));
        assert!(w.insert(70));
        assert!(w.insert(3));
        assert!(!w.insert(70));
        assert!(!w.insert(0));
    }

    #[test]
    fn matches_a_set_within_the_window() {
        let mut rng = SplitMix64::new(7);
        let mut w = PushWindow::default();
        let mut seen = HashSet::new();
        let mut top = 0u64;
        for _ in 0..50_000 {
            let id = 1 + rng.below(3000) as u32;
            let fresh = w.insert(id);
            let in_window = top < WINDOW || u64::from(id) + WINDOW > top;
            let expected = seen.insert(id) && in_window;
            if in_window {
                assert_eq!(fresh, expected, "id {id} top {top}");
            } else {
                assert!(!fresh);
            }
            top = top.max(u64::from(id));
        }
    }
}
