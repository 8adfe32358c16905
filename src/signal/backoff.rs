//! Retransmission timer with exponential backoff, shared by client requests and server pushes.

/// When to (re)send next and how long to wait after that.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    /// Time (us) of the next send; `0` means "as soon as possible".
    pub next_at: u64,
    /// Sends made so far.
    pub attempts: u32,
    rto: u64,
    max_rto: u64,
}

impl Backoff {
    /// Due at once; waits `initial_rto` after the first send, doubling up to `max_rto`.
    pub fn new(initial_rto: u64, max_rto: u64) -> Self {
        Self { next_at: 0, attempts: 0, rto: initial_rto.max(1), max_rto: max_rto.max(initial_rto).max(1) }
    }

    /// True when a send is due at `now`.
    pub fn due(&self, now: u64) -> bool {
        now >= self.next_at
    }

    /// Records a send at `now` and schedules the next one.
    pub fn sent(&mut self, now: u64) {
        self.attempts = self.attempts.saturating_add(1);
        self.next_at = now.saturating_add(self.rto);
        self.rto = self.rto.saturating_mul(2).min(self.max_rto);
    }
}

#[cfg(test)]
mod tests {
    use super::Backoff;

    #[test]
    fn doubles_up_to_the_cap() {
        let mut b = Backoff::new(100, 350);
        assert!(b.due(0));
        b.sent(0);
        assert_eq!(b.next_at, 100);
        assert!(!b.due(99));
        b.sent(100);
        assert_eq!(b.next_at, 300);
        b.sent(300);
        assert_eq!(b.next_at, 650);
        b.sent(650);
        assert_eq!(b.next_at, 1000);
        assert_eq!(b.attempts, 4);
    }
}
