//! Thin-stream redundancy (`Config::thin_stream_redundancy`): the packets of an
//! application-limited stream with little in flight, waiting for their early copy and then for
//! their tail probe.
//!
//! A game's reliable traffic is a trickle: one small packet per frame, a handful in flight. When
//! one is lost, classic recovery waits for a later packet's acknowledgement (a frame interval
//! plus a round trip) or for the probe timeout, which every new packet pushes back. So each
//! packet carrying new reliable data is remembered here, and the connection:
//! 1. sends its reliable fragments once more (the *copy*) a quarter of the smoothed RTT after it,
//!    unless it was acknowledged by then: a single loss costs a quarter RTT instead of one or two;
//! 2. if the packet is still unacknowledged a probe timeout after it was sent (its own send time,
//!    not the newest packet's), sends them once more (the *tail probe*): the original and its copy
//!    were both lost, or their acknowledgements were, which is rare.
//!
//! The connection decides what is thin and what is sent; this only keeps the entries and their
//! deadlines. Both queues are in send order, so their fronts hold the earliest deadlines.
use std::collections::VecDeque;

/// Most packets remembered at once; a stream of tiny packets beyond this gets no more copies.
const MAX_ENTRIES: usize = 64;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub pn: u64,
    pub time: u64,
    /// How many of the packet's noted fragments to skip: its retransmissions, which come first
    /// and are not copied again.
    pub skip: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Due {
    Copy(Entry),
    Probe(Entry),
}

#[derive(Debug, Default)]
pub struct ThinQueue {
    copy: VecDeque<Entry>,
    probe: VecDeque<Entry>,
}

impl ThinQueue {
    /// Remembers a packet just sent; false (and nothing kept) when full.
    pub fn push(&mut self, e: Entry) -> bool {
        if self.copy.len() + self.probe.len() >= MAX_ENTRIES {
            return false;
        }
        self.copy.push_back(e);
        true
    }

    /// A packet that got its copy now waits for its tail probe.
    pub fn probe_later(&mut self, e: Entry) {
        self.probe.push_back(e);
    }

    /// The earliest deadline, if anything is remembered.
    pub fn deadline(&self, copy_delay: u64, probe_delay: u64) -> Option<u64> {
        let c = self.copy.front().map(|e| e.time + copy_delay);
        let p = self.probe.front().map(|e| e.time + probe_delay);
        match (c, p) {
            (Some(c), Some(p)) => Some(c.min(p)),
            (c, p) => c.or(p),
        }
    }

    /// Takes the next entry whose deadline has passed, copies before probes.
    pub fn pop_due(&mut self, now: u64, copy_delay: u64, probe_delay: u64) -> Option<Due> {
        if self.copy.front().is_some_and(|e| e.time + copy_delay <= now) {
            return self.copy.pop_front().map(Due::Copy);
        }
        if self.probe.front().is_some_and(|e| e.time + probe_delay <= now) {
            return self.probe.pop_front().map(Due::Probe);
        }
        None
    }

    /// Forgets entries at the fronts whose packet is settled (acknowledged or declared lost), so
    /// the deadline does not wake the connection for nothing.
    pub fn prune(&mut self, in_flight: impl Fn(u64) -> bool) {
        for q in [&mut self.copy, &mut self.probe] {
            while q.front().is_some_and(|e| !in_flight(e.pn)) {
                q.pop_front();
            }
        }
    }

    pub fn clear(&mut self) {
        self.copy.clear();
        self.probe.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(pn: u64, time: u64) -> Entry {
        Entry { pn, time, skip: 0 }
    }

    #[test]
    fn copies_come_due_first_then_probes() {
        let mut q = ThinQueue::default();
        assert_eq!(q.deadline(5, 20), None);
        assert!(q.push(e(1, 100)));
        assert!(q.push(e(2, 110)));
        assert_eq!(q.deadline(5, 20), Some(105));
        assert_eq!(q.pop_due(104, 5, 20), None);
        assert_eq!(q.pop_due(105, 5, 20), Some(Due::Copy(e(1, 100))));
        q.probe_later(e(1, 100));
        assert_eq!(q.deadline(5, 20), Some(115), "copy of 2 at 115, probe of 1 at 120");
        assert_eq!(q.pop_due(120, 5, 20), Some(Due::Copy(e(2, 110))));
        assert_eq!(q.pop_due(120, 5, 20), Some(Due::Probe(e(1, 100))));
        assert_eq!(q.pop_due(120, 5, 20), None);
    }

    #[test]
    fn bounded_and_pruned() {
        let mut q = ThinQueue::default();
        for pn in 0..MAX_ENTRIES as u64 {
            assert!(q.push(e(pn, pn)));
        }
        assert!(!q.push(e(999, 999)), "full");
        q.prune(|pn| pn >= 10);
        assert_eq!(q.deadline(0, 0), Some(10));
        q.clear();
        assert_eq!(q.deadline(0, 0), None);
    }
}
