//! Fake loss and duplication on the real socket, for manual tests and for integration tests that
//! need a bad network with real sockets (GameNetworkingSockets' FakePacketLoss_Send and
//! FakePacketDup_Send). Reuses the simulator's impairment model with its own seed. Latency,
//! jitter, reordering and rate limits of the model are not applied here (that would need a timed
//! queue); retransmitted copies of lost datagrams still reorder traffic naturally.
use crate::sim::{Link, LinkConfig, LinkConfigError, Rng, Verdict};

pub struct FakeNetwork {
    link: Link,
    rng: Rng,
}

impl FakeNetwork {
    pub fn new(cfg: LinkConfig, seed: u64) -> Result<Self, LinkConfigError> {
        Ok(FakeNetwork { link: Link::new(cfg)?, rng: Rng::new(seed) })
    }

    /// How many copies of a datagram of `len` bytes to actually send: 0, 1 or 2.
    pub fn copies(&mut self, now: u64, len: usize) -> usize {
        match self.link.send(now, len, &mut self.rng) {
            Verdict::Lost | Verdict::QueueFull => 0,
            Verdict::Deliver { copy_at: Some(_), .. } => 2,
            Verdict::Deliver { copy_at: None, .. } => 1,
        }
    }
}
