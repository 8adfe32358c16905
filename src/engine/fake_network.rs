//! A bad network on the real socket, for developers testing their netcode (GameNetworkingSockets'
//! FakePacket* settings) and for integration tests: loss, duplication, latency, jitter and
//! reordering of every datagram this engine sends, from the simulator's impairment model with its
//! own seed. Datagrams that must wait wait here, in a timed queue the engine drains when they
//! are due (its next deadline includes the earliest).
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::net::SocketAddr;

use crate::sim::{Link, LinkConfig, LinkConfigError, Rng, Verdict};

/// Most bytes held back at once; beyond, a datagram is dropped (as a full router queue would).
const MAX_HELD_BYTES: usize = 8 << 20;

/// A datagram held back: (due, sequence, to, bytes); the sequence keeps datagrams due at the
/// same time in the order they were sent.
type Held = Reverse<(u64, u64, SocketAddr, Vec<u8>)>;

pub struct FakeNetwork {
    link: Link,
    rng: Rng,
    held: BinaryHeap<Held>,
    held_bytes: usize,
    seq: u64,
}

impl FakeNetwork {
    pub fn new(cfg: LinkConfig, seed: u64) -> Result<Self, LinkConfigError> {
        Ok(FakeNetwork {
            link: Link::new(cfg)?,
            rng: Rng::new(seed),
            held: BinaryHeap::new(),
            held_bytes: 0,
            seq: 0,
        })
    }

    /// Decides the fate of `data` for `to`: returns how many copies to send at once (0, 1 or
    /// 2); later ones are kept until [`Self::pop_due`] hands them out.
    pub fn admit(&mut self, now: u64, data: &[u8], to: SocketAddr) -> usize {
        let (at, copy_at) = match self.link.send(now, data.len(), &mut self.rng) {
            Verdict::Lost | Verdict::QueueFull => return 0,
            Verdict::Deliver { at, copy_at } => (at, copy_at),
        };
        let mut send_now = 0;
        for due in std::iter::once(at).chain(copy_at) {
            if due <= now {
                send_now += 1;
            } else if self.held_bytes + data.len() <= MAX_HELD_BYTES {
                self.seq += 1;
                self.held_bytes += data.len();
                self.held.push(Reverse((due, self.seq, to, data.to_vec())));
            }
        }
        send_now
    }

    /// When the next held datagram is due.
    pub fn next_due(&self) -> Option<u64> {
        self.held.peek().map(|Reverse((due, ..))| *due)
    }

    /// The next held datagram due by `now`.
    pub fn pop_due(&mut self, now: u64) -> Option<(SocketAddr, Vec<u8>)> {
        if self.next_due()? > now {
            return None;
        }
        let Reverse((_, _, to, data)) = self.held.pop()?;
        self.held_bytes -= data.len();
        Some((to, data))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn to() -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], 9))
    }

    #[test]
    fn latency_holds_datagrams_until_due_in_order() {
        let cfg = LinkConfig { latency_us: 1000, ..LinkConfig::default() };
        let mut f = FakeNetwork::new(cfg, 1).unwrap();
        assert_eq!(f.admit(0, b"a", to()), 0);
        assert_eq!(f.admit(10, b"b", to()), 0);
        assert_eq!(f.next_due(), Some(1000));
        assert_eq!(f.pop_due(999), None);
        assert_eq!(f.pop_due(1010).map(|(_, d)| d), Some(b"a".to_vec()));
        assert_eq!(f.pop_due(1010).map(|(_, d)| d), Some(b"b".to_vec()));
        assert_eq!(f.pop_due(u64::MAX), None);
    }

    #[test]
    fn no_impairment_sends_everything_at_once_and_loss_drops() {
        let mut clean = FakeNetwork::new(LinkConfig::default(), 1).unwrap();
        assert_eq!(clean.admit(5, b"x", to()), 1);
        assert_eq!(clean.next_due(), None);
        let mut lossy = FakeNetwork::new(LinkConfig { loss: 1.0, ..LinkConfig::default() }, 1).unwrap();
        assert_eq!(lossy.admit(5, b"x", to()), 0);
        assert_eq!(lossy.next_due(), None);
        let mut dup = FakeNetwork::new(LinkConfig { duplicate: 1.0, ..LinkConfig::default() }, 1).unwrap();
        assert_eq!(dup.admit(5, b"x", to()), 2);
    }
}
