//! A session's channel: after the login handshake every signalling datagram, both ways, is
//! sealed with ChaCha20-Poly1305 under the handshake's keys (one per direction). The nonce is
//! a per-direction counter sent in clear; a replay window refuses any counter seen before or
//! older than the window. Whoever cannot open a datagram cannot act in the session, so the
//! session belongs to these keys, not to the address its datagrams come from.

use snow::StatelessTransportState;

/// Bytes sealing adds to a message (the AEAD tag).
pub const SEAL_OVERHEAD: usize = 16;

/// How far behind the newest counter a datagram may arrive and still be accepted.
pub const REPLAY_WINDOW: u64 = 128;

/// Which counters arrived: the highest, and a bit per counter in the window below it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReplayWindow {
    /// One more than the highest counter accepted (0: none yet).
    next: u64,
    /// Bit `i` set: counter `next - 1 - i` was accepted.
    seen: u128,
}

impl ReplayWindow {
    /// Whether `counter` is new: not accepted before and not older than the window.
    pub fn is_fresh(&self, counter: u64) -> bool {
        if counter >= self.next {
            return true;
        }
        let behind = self.next - 1 - counter;
        behind < REPLAY_WINDOW && self.seen & (1u128 << behind) == 0
    }

    /// Records `counter` (checked fresh); true if it is the newest so far.
    pub fn accept(&mut self, counter: u64) -> bool {
        if counter >= self.next {
            let shift = counter - self.next + 1;
            self.seen = if shift >= REPLAY_WINDOW { 0 } else { self.seen << shift };
            self.seen |= 1;
            self.next = counter.saturating_add(1);
            true
        } else {
            self.seen |= 1u128 << (self.next - 1 - counter);
            false
        }
    }
}

/// What [`Channel::open`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Opened {
    /// Plaintext length written to the output buffer.
    pub len: usize,
    /// The counter is the highest so far (only such a datagram may move the session to a new
    /// address: a delayed one must not pull it back).
    pub newest: bool,
}

/// One side's keys, counter and replay window.
pub struct Channel {
    transport: StatelessTransportState,
    next_counter: u64,
    replay: ReplayWindow,
}

impl std::fmt::Debug for Channel {
    /// Keeps the keys out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Channel(sent {}, {:?})", self.next_counter, self.replay)
    }
}

impl Channel {
    pub(super) fn new(transport: StatelessTransportState) -> Self {
        Self { transport, next_counter: 0, replay: ReplayWindow::default() }
    }

    /// Seals `plaintext` into `out` under the next counter; returns the counter and the sealed
    /// length. None if `out` is too small (nothing is used up then).
    pub fn seal(&mut self, plaintext: &[u8], out: &mut [u8]) -> Option<(u64, usize)> {
        if out.len() < plaintext.len() + SEAL_OVERHEAD {
            return None;
        }
        let counter = self.next_counter;
        let n = self.transport.write_message(counter, plaintext, out).ok()?;
        self.next_counter += 1;
        Some((counter, n))
    }

    /// Opens a datagram sealed under `counter` into `out` (at least as long as `sealed`).
    /// None if it is forged, damaged, replayed or too old; the window then stays as it was.
    pub fn open(&mut self, counter: u64, sealed: &[u8], out: &mut [u8]) -> Option<Opened> {
        if !self.replay.is_fresh(counter) || sealed.len() < SEAL_OVERHEAD || out.len() < sealed.len() {
            return None;
        }
        let len = self.transport.read_message(counter, sealed, out).ok()?;
        let newest = self.replay.accept(counter);
        Some(Opened { len, newest })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_accepts_each_counter_once_and_nothing_too_old() {
        let mut w = ReplayWindow::default();
        assert!(w.is_fresh(0));
        assert!(w.accept(0));
        assert!(!w.is_fresh(0));
        assert!(w.accept(5));
        // 1..=4 arrive late, once each, and are not the newest.
        for c in 1..5 {
            assert!(w.is_fresh(c));
            assert!(!w.accept(c));
            assert!(!w.is_fresh(c));
        }
        assert!(w.accept(5 + REPLAY_WINDOW));
        assert!(!w.is_fresh(5), "slid out of the window: refused");
        assert!(w.is_fresh(7), "inside the window and never seen");
        assert!(!w.is_fresh(5 + REPLAY_WINDOW));
        // A jump far ahead clears the window; the top counter is still refused twice.
        assert!(w.accept(u64::MAX - 1));
        assert!(!w.is_fresh(u64::MAX - 1));
        assert!(w.is_fresh(u64::MAX - 2));
    }
}
