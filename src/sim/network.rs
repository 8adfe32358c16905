//! Datagrams in flight between nodes, each direction impaired by its own [`Link`].
//!
//! The network owns no clock: callers pass `now` to [`Network::send`] and ask for everything due by
//! some instant with [`Network::deliver_due`]. In-flight datagrams sit in a min-heap keyed by
//! (delivery time, sequence number); the sequence number makes ties resolve in send order, so a run
//! is a pure function of the seed and the inputs.
//!
//! Built for throughput: links live in a flat vector indexed `from * stride + to`, and datagram
//! buffers come from a free list, so once warm the hot path neither hashes nor allocates.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::link::{Link, LinkConfig, LinkConfigError, LinkStats, Verdict};
use super::rng::Rng;

/// Index of a node (endpoint) in a [`Network`] or `Sim`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub usize);

/// Length of the buffers handed out by [`Network::alloc_buffer`]; the `Endpoint` contract promises
/// `poll_transmit` at least this much room.
pub const DATAGRAM_BUFFER_LEN: usize = 1500;

/// Most buffers kept for reuse; beyond this, returned buffers are freed (bounds memory after a
/// burst while still covering any realistic amount in flight).
const FREE_LIST_MAX: usize = 1 << 16;

/// One link direction together with its private random stream.
#[derive(Clone, Debug)]
struct LinkSlot {
    link: Link,
    rng: Rng,
}

impl LinkSlot {
    fn new(seed: u64, from: usize, to: usize) -> Self {
        // The stream depends on the pair, not on the slot index, so growing the network does not
        // change the randomness of existing links.
        let stream = ((from as u64) << 32) ^ (to as u64);
        Self { link: Link::perfect(), rng: Rng::with_stream(seed, stream) }
    }
}

/// A datagram waiting to be delivered.
#[derive(Debug)]
struct InFlight {
    at: u64,
    seq: u64,
    from: u32,
    to: u32,
    len: u32,
    buf: Vec<u8>,
}

impl PartialEq for InFlight {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}

impl Eq for InFlight {}

impl PartialOrd for InFlight {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for InFlight {
    /// Reversed so that `BinaryHeap` (a max-heap) pops the earliest delivery first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

/// A datagram being handed to its receiver by [`Network::deliver_due`].
#[derive(Clone, Copy, Debug)]
pub struct Delivery<'a> {
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// Scheduled arrival time (at or before the `now` given to `deliver_due`).
    pub at: u64,
    /// The datagram's bytes.
    pub data: &'a [u8],
}

/// Nodes, the directed links between them, and the datagrams in flight.
#[derive(Debug)]
pub struct Network {
    seed: u64,
    nodes: usize,
    /// Row length of `links`; grows by doubling so adding nodes one by one stays cheap.
    stride: usize,
    links: Vec<LinkSlot>,
    in_flight: BinaryHeap<InFlight>,
    next_seq: u64,
    free: Vec<Vec<u8>>,
}

impl Network {
    /// An empty network whose randomness is fully determined by `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            seed,
            nodes: 0,
            stride: 0,
            links: Vec::new(),
            in_flight: BinaryHeap::new(),
            next_seq: 0,
            free: Vec::new(),
        }
    }

    /// Adds a node; every link to and from it starts perfect.
    pub fn add_node(&mut self) -> NodeId {
        let id = self.nodes;
        if id >= self.stride {
            self.grow((self.stride * 2).max(4));
        }
        self.nodes += 1;
        NodeId(id)
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.nodes
    }

    /// Sets the impairments of the `from -> to` direction as of `now`.
    ///
    /// # Panics
    /// If either node does not exist.
    pub fn set_link(
        &mut self,
        now: u64,
        from: NodeId,
        to: NodeId,
        config: LinkConfig,
    ) -> Result<(), LinkConfigError> {
        let i = self.index(from, to);
        self.links[i].link.set_config(now, config)
    }

    /// The `from -> to` direction: its config and counters.
    ///
    /// # Panics
    /// If either node does not exist.
    pub fn link(&self, from: NodeId, to: NodeId) -> &Link {
        &self.links[self.index(from, to)].link
    }

    /// Counters of the `from -> to` direction.
    pub fn link_stats(&self, from: NodeId, to: NodeId) -> &LinkStats {
        self.link(from, to).stats()
    }

    /// Counters summed over every link.
    pub fn total_stats(&self) -> LinkStats {
        let mut total = LinkStats::default();
        for from in 0..self.nodes {
            for to in 0..self.nodes {
                total.add(self.links[from * self.stride + to].link.stats());
            }
        }
        total
    }

    /// Datagrams (copies included) currently in flight.
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// Arrival time of the earliest datagram in flight.
    pub fn next_delivery_time(&self) -> Option<u64> {
        self.in_flight.peek().map(|d| d.at)
    }

    /// A buffer of at least [`DATAGRAM_BUFFER_LEN`] bytes (contents unspecified), reused from the
    /// free list when possible. Fill it and pass it to [`Network::send_buffer`], or give it back
    /// with [`Network::recycle`].
    pub fn alloc_buffer(&mut self) -> Vec<u8> {
        self.free.pop().unwrap_or_else(|| vec![0; DATAGRAM_BUFFER_LEN])
    }

    /// Returns a buffer to the free list.
    pub fn recycle(&mut self, mut buf: Vec<u8>) {
        if self.free.len() < FREE_LIST_MAX {
            if buf.len() < DATAGRAM_BUFFER_LEN {
                buf.resize(DATAGRAM_BUFFER_LEN, 0);
            }
            self.free.push(buf);
        }
    }

    /// Offers a copy of `datagram` to the `from -> to` link at `now`.
    pub fn send(&mut self, now: u64, from: NodeId, to: NodeId, datagram: &[u8]) -> Verdict {
        let mut buf = self.alloc_buffer();
        if buf.len() < datagram.len() {
            buf.resize(datagram.len(), 0);
        }
        buf[..datagram.len()].copy_from_slice(datagram);
        self.send_buffer(now, from, to, buf, datagram.len())
    }

    /// Offers the first `len` bytes of `buf` to the `from -> to` link at `now`, taking the buffer
    /// (no copy unless the link duplicates it).
    ///
    /// # Panics
    /// If a node does not exist, `len > buf.len()`, or `len` does not fit in `u32`.
    pub fn send_buffer(&mut self, now: u64, from: NodeId, to: NodeId, buf: Vec<u8>, len: usize) -> Verdict {
        assert!(len <= buf.len(), "datagram length {len} exceeds its buffer");
        let len32 = u32::try_from(len).expect("datagram length fits in u32");
        let slot = {
            let i = self.index(from, to);
            &mut self.links[i]
        };
        let verdict = slot.link.send(now, len, &mut slot.rng);
        match verdict {
            Verdict::Deliver { at, copy_at } => {
                let (from, to) = (from.0 as u32, to.0 as u32);
                let copy = copy_at.map(|copy_at| {
                    let mut copy = self.alloc_buffer();
                    if copy.len() < len {
                        copy.resize(len, 0);
                    }
                    copy[..len].copy_from_slice(&buf[..len]);
                    (copy_at, copy)
                });
                // The original is pushed first so that it wins a tie with its copy.
                self.push(at, from, to, len32, buf);
                if let Some((copy_at, copy)) = copy {
                    self.push(copy_at, from, to, len32, copy);
                }
            }
            Verdict::Lost | Verdict::QueueFull => self.recycle(buf),
        }
        verdict
    }

    /// Hands every datagram due at or before `now` to `receive`, earliest first (ties in send
    /// order), and recycles its buffer. Returns how many were delivered.
    pub fn deliver_due(&mut self, now: u64, mut receive: impl FnMut(Delivery<'_>)) -> usize {
        let mut count = 0;
        while self.in_flight.peek().is_some_and(|d| d.at <= now) {
            let Some(d) = self.in_flight.pop() else { break };
            let len = d.len as usize;
            let slot = d.from as usize * self.stride + d.to as usize;
            self.links[slot].link.record_delivery(len);
            receive(Delivery {
                from: NodeId(d.from as usize),
                to: NodeId(d.to as usize),
                at: d.at,
                data: &d.buf[..len],
            });
            self.recycle(d.buf);
            count += 1;
        }
        count
    }

    fn push(&mut self, at: u64, from: u32, to: u32, len: u32, buf: Vec<u8>) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.in_flight.push(InFlight { at, seq, from, to, len, buf });
    }

    fn index(&self, from: NodeId, to: NodeId) -> usize {
        assert!(
            from.0 < self.nodes && to.0 < self.nodes,
            "no link {from:?} -> {to:?} in a network of {} nodes",
            self.nodes
        );
        from.0 * self.stride + to.0
    }

    /// Re-lays the link matrix with a wider row, keeping existing links (config, state, counters,
    /// random stream) and creating perfect ones for the new pairs.
    fn grow(&mut self, stride: usize) {
        let mut links = Vec::with_capacity(stride * stride);
        for from in 0..stride {
            for to in 0..stride {
                links.push(LinkSlot::new(self.seed, from, to));
            }
        }
        for from in 0..self.nodes {
            for to in 0..self.nodes {
                let old = from * self.stride + to;
                std::mem::swap(&mut links[from * stride + to], &mut self.links[old]);
            }
        }
        self.links = links;
        self.stride = stride;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(nodes: usize) -> (Network, Vec<NodeId>) {
        let mut n = Network::new(1);
        let ids = (0..nodes).map(|_| n.add_node()).collect();
        (n, ids)
    }

    fn drain(n: &mut Network, now: u64) -> Vec<(u64, usize, usize, Vec<u8>)> {
        let mut out = Vec::new();
        n.deliver_due(now, |d| out.push((d.at, d.from.0, d.to.0, d.data.to_vec())));
        out
    }

    #[test]
    fn delivers_by_time_then_send_order() {
        let (mut n, id) = net(2);
        n.set_link(0, id[0], id[1], LinkConfig::delayed(100)).expect("valid");
        n.send(0, id[0], id[1], b"late");
        n.send(50, id[1], id[0], b"tie-1");
        n.send(50, id[1], id[0], b"tie-2");
        n.send(50, id[1], id[0], b"tie-3");
        assert_eq!(n.in_flight(), 4);
        assert_eq!(n.next_delivery_time(), Some(50));
        // Nothing is delivered before its time.
        assert!(drain(&mut n, 49).is_empty());
        let got = drain(&mut n, 1000);
        let order: Vec<&[u8]> = got.iter().map(|g| g.3.as_slice()).collect();
        assert_eq!(order, [&b"tie-1"[..], b"tie-2", b"tie-3", b"late"]);
        assert_eq!(got[3].0, 100);
        assert_eq!((got[3].1, got[3].2), (0, 1));
        assert_eq!(n.next_delivery_time(), None);
    }

    #[test]
    fn buffers_are_reused_once_warm() {
        let (mut n, id) = net(2);
        let buf = n.alloc_buffer();
        assert!(buf.len() >= DATAGRAM_BUFFER_LEN);
        let ptr = buf.as_ptr();
        n.send_buffer(0, id[0], id[1], buf, 1200);
        assert_eq!(drain(&mut n, 0).len(), 1);
        // The delivered datagram's buffer comes straight back.
        let again = n.alloc_buffer();
        assert_eq!(again.as_ptr(), ptr);
        // A dropped datagram's buffer is reused too.
        n.set_link(0, id[0], id[1], LinkConfig::lossy(1.0)).expect("valid");
        n.send_buffer(0, id[0], id[1], again, 10);
        let third = n.alloc_buffer();
        assert_eq!(third.as_ptr(), ptr);
    }

    #[test]
    fn directions_are_independent_and_counted() {
        let (mut n, id) = net(3);
        n.set_link(0, id[0], id[1], LinkConfig::lossy(1.0)).expect("valid");
        n.set_link(0, id[1], id[0], LinkConfig::default().with_duplicate(1.0)).expect("valid");
        for _ in 0..10 {
            assert_eq!(n.send(0, id[0], id[1], &[1; 100]), Verdict::Lost);
            n.send(0, id[1], id[0], &[2; 50]);
            n.send(0, id[2], id[0], &[3; 7]);
        }
        let got = drain(&mut n, 0);
        assert_eq!(got.iter().filter(|g| g.3 == [2; 50]).count(), 20);
        assert_eq!(got.iter().filter(|g| g.3 == [3; 7]).count(), 10);
        assert!(got.iter().all(|g| g.2 == 0));

        let ab = n.link_stats(id[0], id[1]);
        assert_eq!((ab.sent, ab.sent_bytes, ab.lost, ab.delivered), (10, 1000, 10, 0));
        let ba = n.link_stats(id[1], id[0]);
        assert_eq!((ba.sent, ba.duplicated, ba.delivered), (10, 10, 20));
        assert_eq!(ba.delivered_bytes, 1000);
        let total = n.total_stats();
        assert_eq!(total.sent, 30);
        assert_eq!(total.delivered, 30);
        assert_eq!(total.sent + total.duplicated, total.delivered + total.lost + total.queue_dropped);
    }

    #[test]
    fn growing_keeps_existing_links() {
        let mut n = Network::new(5);
        let a = n.add_node();
        let b = n.add_node();
        n.set_link(0, a, b, LinkConfig::delayed(777)).expect("valid");
        n.send(0, a, b, b"x");
        for _ in 0..20 {
            n.add_node();
        }
        assert_eq!(n.node_count(), 22);
        assert_eq!(n.link(a, b).config().latency_us, 777);
        assert_eq!(n.link(a, b).stats().sent, 1);
        assert_eq!(n.link(b, a).config(), &LinkConfig::default());
        assert_eq!(drain(&mut n, 777).len(), 1);
        let last = NodeId(21);
        n.send(1000, last, a, b"y");
        assert_eq!(drain(&mut n, 1000).len(), 1);
    }

    #[test]
    fn invalid_config_is_rejected_and_link_unchanged() {
        let (mut n, id) = net(2);
        assert_eq!(
            n.set_link(0, id[0], id[1], LinkConfig::default().with_rate(0)),
            Err(LinkConfigError::ZeroRate)
        );
        assert_eq!(n.link(id[0], id[1]).config(), &LinkConfig::default());
    }

    #[test]
    #[should_panic(expected = "no link")]
    fn unknown_node_panics() {
        let (mut n, id) = net(2);
        n.send(0, id[0], NodeId(2), b"x");
    }
}
