//! [`Sim`]: endpoints, a [`Network`] between them and a virtual clock, stepped event by event.
//!
//! Addressing is deliberately minimal: every endpoint has at most one peer, set with
//! [`Sim::connect_pair`], and everything it transmits goes to that peer. That matches one `proto`
//! connection per endpoint, which is what the protocol tests need. Datagrams from an endpoint
//! without a peer are discarded and counted in [`Sim::unaddressed`].
//!
//! The clock only moves in [`Sim::step`], straight to the next thing that can happen: a datagram
//! arrival or an endpoint deadline. No real time passes.

use super::endpoint::Endpoint;
use super::link::{LinkConfig, LinkConfigError, LinkStats};
use super::network::{Network, NodeId};

/// More datagrams than this from one endpoint at one instant means it never stops answering
/// `poll_transmit`; better to fail loudly than to spin forever.
const MAX_TRANSMITS_PER_POLL: usize = 1 << 22;

/// Per-endpoint bookkeeping the endpoint itself does not carry.
#[derive(Clone, Copy, Debug, Default)]
struct NodeState {
    peer: Option<NodeId>,
    /// The instant `handle_timeout` last ran, cleared when the endpoint gets new input. If the
    /// endpoint still reports a deadline at or before that instant without new input, firing it
    /// again would change nothing, so the clock is moved on by 1 us instead of spinning.
    fired_at: Option<u64>,
}

/// A deterministic, virtual-time simulation of endpoints talking over impaired links.
#[derive(Debug)]
pub struct Sim<E: Endpoint> {
    network: Network,
    endpoints: Vec<E>,
    nodes: Vec<NodeState>,
    now: u64,
    /// Buffer kept between `poll_transmit` calls that returned nothing.
    spare: Option<Vec<u8>>,
    /// Endpoints may have changed outside `step` (added, mutated), so transmits must be drained
    /// before looking for the next event.
    dirty: bool,
    unaddressed: u64,
}

impl<E: Endpoint> Sim<E> {
    /// An empty simulation at time 0; all randomness derives from `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            network: Network::new(seed),
            endpoints: Vec::new(),
            nodes: Vec::new(),
            now: 0,
            spare: None,
            dirty: false,
            unaddressed: 0,
        }
    }

    /// Adds an endpoint (with perfect links to everyone, and no peer yet).
    pub fn add_endpoint(&mut self, endpoint: E) -> NodeId {
        let id = self.network.add_node();
        debug_assert_eq!(id.0, self.endpoints.len());
        self.endpoints.push(endpoint);
        self.nodes.push(NodeState::default());
        self.dirty = true;
        id
    }

    /// Makes `a` send to `b` and `b` send to `a`, replacing any earlier peers of the two.
    ///
    /// # Panics
    /// If either endpoint does not exist.
    pub fn connect_pair(&mut self, a: NodeId, b: NodeId) {
        self.nodes[a.0].peer = Some(b);
        self.nodes[b.0].peer = Some(a);
        self.dirty = true;
    }

    /// Where `id`'s datagrams go, if anywhere.
    pub fn peer(&self, id: NodeId) -> Option<NodeId> {
        self.nodes[id.0].peer
    }

    /// Sets the impairments of the `from -> to` direction from now on.
    ///
    /// # Panics
    /// If either endpoint does not exist.
    pub fn set_link(&mut self, from: NodeId, to: NodeId, config: LinkConfig) -> Result<(), LinkConfigError> {
        self.network.set_link(self.now, from, to, config)
    }

    /// Sets the same impairments in both directions between `a` and `b`.
    pub fn set_link_both(&mut self, a: NodeId, b: NodeId, config: LinkConfig) -> Result<(), LinkConfigError> {
        self.set_link(a, b, config.clone())?;
        self.set_link(b, a, config)
    }

    /// Endpoint `id`.
    pub fn endpoint(&self, id: NodeId) -> &E {
        &self.endpoints[id.0]
    }

    /// Endpoint `id`, mutably (e.g. to queue data). Its transmits are drained on the next step.
    pub fn endpoint_mut(&mut self, id: NodeId) -> &mut E {
        self.dirty = true;
        self.nodes[id.0].fired_at = None;
        &mut self.endpoints[id.0]
    }

    /// Number of endpoints.
    pub fn len(&self) -> usize {
        self.endpoints.len()
    }

    /// True when there are no endpoints.
    pub fn is_empty(&self) -> bool {
        self.endpoints.is_empty()
    }

    /// Current virtual time, microseconds.
    pub fn now(&self) -> u64 {
        self.now
    }

    /// The network, for per-link counters and configs.
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// Counters summed over all links.
    pub fn stats(&self) -> LinkStats {
        self.network.total_stats()
    }

    /// Counters of the `from -> to` direction.
    pub fn link_stats(&self, from: NodeId, to: NodeId) -> &LinkStats {
        self.network.link_stats(from, to)
    }

    /// Datagrams discarded because their endpoint had no peer.
    pub fn unaddressed(&self) -> u64 {
        self.unaddressed
    }

    /// Advances to the next event and handles everything due then: first datagram arrivals (in
    /// arrival order), then expired endpoint deadlines (a deadline in the past fires at the current
    /// time), then every endpoint's `poll_transmit` is drained into the network. Returns false,
    /// without moving the clock, when nothing at all is scheduled.
    pub fn step(&mut self) -> bool {
        if self.dirty {
            self.drain_transmits();
        }
        match self.next_event_time() {
            Some(t) => {
                self.now = self.now.max(t);
                self.process_now();
                true
            }
            None => false,
        }
    }

    /// Steps until `stop` returns true (checked before every step; returns true) or until the next
    /// event lies after `deadline_us` (returns false, with the clock moved to `deadline_us` if it
    /// was earlier). Events at exactly `deadline_us` are handled.
    pub fn run_until(&mut self, deadline_us: u64, mut stop: impl FnMut(&mut Self) -> bool) -> bool {
        loop {
            if stop(self) {
                return true;
            }
            if self.dirty {
                self.drain_transmits();
            }
            match self.next_event_time() {
                Some(t) if t <= deadline_us => {
                    self.now = self.now.max(t);
                    self.process_now();
                }
                _ => {
                    self.now = self.now.max(deadline_us);
                    return false;
                }
            }
        }
    }

    /// Runs everything scheduled in the next `duration_us` and leaves the clock that much later.
    pub fn run_for(&mut self, duration_us: u64) {
        let deadline = self.now.saturating_add(duration_us);
        self.run_until(deadline, |_| false);
    }

    /// Earliest instant at which something will happen, if anything is scheduled.
    fn next_event_time(&self) -> Option<u64> {
        let now = self.now;
        let mut next = self.network.next_delivery_time();
        for (e, state) in self.endpoints.iter().zip(&self.nodes) {
            let Some(deadline) = e.poll_timeout() else {
                continue;
            };
            let t = if deadline > now {
                deadline
            } else if state.fired_at == Some(now) {
                // Already fired at this instant with no new input since: let time move on.
                now.saturating_add(1)
            } else {
                now
            };
            next = Some(next.map_or(t, |n| n.min(t)));
        }
        next
    }

    /// Handles everything due at `self.now`, then drains transmits.
    fn process_now(&mut self) {
        let now = self.now;
        let endpoints = &mut self.endpoints;
        let nodes = &mut self.nodes;
        self.network.deliver_due(now, |d| {
            endpoints[d.to.0].handle_datagram(now, d.data);
            nodes[d.to.0].fired_at = None;
        });
        for (e, state) in endpoints.iter_mut().zip(nodes.iter_mut()) {
            let due = e.poll_timeout().is_some_and(|d| d <= now);
            if due && state.fired_at != Some(now) {
                e.handle_timeout(now);
                state.fired_at = Some(now);
            }
        }
        self.drain_transmits();
    }

    /// Moves every datagram the endpoints want to send now into the network.
    fn drain_transmits(&mut self) {
        self.dirty = false;
        let now = self.now;
        for i in 0..self.endpoints.len() {
            let mut sent = 0usize;
            loop {
                let mut buf = match self.spare.take() {
                    Some(b) => b,
                    None => self.network.alloc_buffer(),
                };
                let Some(len) = self.endpoints[i].poll_transmit(now, &mut buf) else {
                    self.spare = Some(buf);
                    break;
                };
                assert!(
                    len <= buf.len(),
                    "endpoint {i} reported a {len}-byte datagram in a {}-byte buffer",
                    buf.len()
                );
                sent += 1;
                assert!(sent <= MAX_TRANSMITS_PER_POLL, "endpoint {i} never stops transmitting at t={now}");
                match self.nodes[i].peer {
                    Some(peer) => {
                        self.network.send_buffer(now, NodeId(i), peer, buf, len);
                    }
                    None => {
                        self.unaddressed += 1;
                        self.spare = Some(buf);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;

    use super::*;

    /// A scriptable endpoint: a paced sender of numbered datagrams, an optional echo, an optional
    /// alarm, and a log of what it received and when its timer fired.
    #[derive(Debug, Default)]
    struct Mock {
        outbox: VecDeque<Vec<u8>>,
        /// Paced sender: next send instant, spacing (0 = all at once), how many left, size.
        next_send: Option<u64>,
        interval: u64,
        left: u32,
        len: usize,
        next_seq: u32,
        /// Send each received datagram straight back.
        echo: bool,
        /// Answer received datagrams from the timer (alarm set to the arrival instant).
        reply_on_alarm: bool,
        owed: u32,
        alarm: Option<u64>,
        received: Vec<(u64, u32)>,
        timeouts: Vec<u64>,
    }

    impl Mock {
        fn sender(start: u64, interval: u64, count: u32, len: usize) -> Self {
            assert!(len >= 4);
            Self { next_send: Some(start), interval, left: count, len, ..Self::default() }
        }

        fn echo() -> Self {
            Self { echo: true, ..Self::default() }
        }

        fn push(&mut self) {
            let mut d = vec![0xAB; self.len.max(4)];
            d[..4].copy_from_slice(&self.next_seq.to_le_bytes());
            self.next_seq += 1;
            self.outbox.push_back(d);
        }

        fn seqs(&self) -> Vec<u32> {
            self.received.iter().map(|r| r.1).collect()
        }
    }

    impl Endpoint for Mock {
        fn handle_datagram(&mut self, now: u64, datagram: &[u8]) {
            let mut seq = [0; 4];
            seq.copy_from_slice(&datagram[..4]);
            self.received.push((now, u32::from_le_bytes(seq)));
            if self.echo {
                self.outbox.push_back(datagram.to_vec());
            }
            if self.reply_on_alarm {
                self.owed += 1;
                self.alarm = Some(now);
            }
        }

        fn poll_transmit(&mut self, _now: u64, buf: &mut [u8]) -> Option<usize> {
            let d = self.outbox.pop_front()?;
            buf[..d.len()].copy_from_slice(&d);
            Some(d.len())
        }

        fn poll_timeout(&self) -> Option<u64> {
            let send = self.next_send.filter(|_| self.left > 0);
            match (send, self.alarm) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            }
        }

        fn handle_timeout(&mut self, now: u64) {
            self.timeouts.push(now);
            if self.alarm.is_some_and(|a| a <= now) {
                self.alarm = None;
                for _ in 0..std::mem::take(&mut self.owed) {
                    self.len = self.len.max(4);
                    self.push();
                }
            }
            while let Some(t) = self.next_send.filter(|&t| t <= now && self.left > 0) {
                self.push();
                self.left -= 1;
                self.next_send = Some(t + self.interval);
            }
        }
    }

    /// An endpoint whose deadline never moves: the simulator must not spin on it.
    #[derive(Debug, Default)]
    struct Stuck {
        fired: Vec<u64>,
    }

    impl Endpoint for Stuck {
        fn handle_datagram(&mut self, _now: u64, _datagram: &[u8]) {}
        fn poll_transmit(&mut self, _now: u64, _buf: &mut [u8]) -> Option<usize> {
            None
        }
        fn poll_timeout(&self) -> Option<u64> {
            Some(0)
        }
        fn handle_timeout(&mut self, now: u64) {
            self.fired.push(now);
        }
    }

    /// Sender `a` -> receiver `b`, both directions configured with `config`.
    fn pair(seed: u64, a: Mock, b: Mock, config: LinkConfig) -> (Sim<Mock>, NodeId, NodeId) {
        let mut sim = Sim::new(seed);
        let ia = sim.add_endpoint(a);
        let ib = sim.add_endpoint(b);
        sim.connect_pair(ia, ib);
        sim.set_link_both(ia, ib, config).expect("valid config");
        (sim, ia, ib)
    }

    fn impaired() -> LinkConfig {
        LinkConfig::delayed(5_000)
            .with_loss(0.2)
            .with_jitter(3_000)
            .with_duplicate(0.1)
            .with_reorder(0.1, 10_000)
    }

    fn trace(seed: u64) -> Vec<(u64, u32)> {
        let (mut sim, _, b) = pair(seed, Mock::sender(0, 100, 2000, 200), Mock::echo(), impaired());
        sim.run_for(10_000_000);
        sim.endpoint(b).received.clone()
    }

    #[test]
    fn same_seed_same_trace_different_seed_different_trace() {
        let t1 = trace(99);
        assert!(t1.len() > 1000, "most datagrams should arrive");
        assert_eq!(t1, trace(99));
        assert_ne!(t1, trace(100));
    }

    #[test]
    fn latency_is_respected_end_to_end() {
        let (mut sim, a, b) =
            pair(1, Mock::sender(1_000, 0, 1, 64), Mock::echo(), LinkConfig::delayed(10_000));
        let mut now = Vec::new();
        while sim.step() {
            now.push(sim.now());
        }
        // Send at 1 ms, arrive at 11 ms, echo back at 21 ms; nothing else happens.
        assert_eq!(now, [1_000, 11_000, 21_000]);
        assert_eq!(sim.endpoint(b).received, [(11_000, 0)]);
        assert_eq!(sim.endpoint(a).received, [(21_000, 0)]);
        assert_eq!(sim.stats().delivered, 2);
    }

    #[test]
    fn loss_through_the_sim_matches_config() {
        let n = 100_000u32;
        let (mut sim, a, b) = pair(3, Mock::sender(0, 1, n, 8), Mock::default(), LinkConfig::lossy(0.1));
        sim.run_for(u64::from(n) + 10);
        let got = sim.endpoint(b).received.len() as f64 / f64::from(n);
        assert!((got - 0.9).abs() < 0.005, "delivered fraction {got}");
        let s = sim.link_stats(a, b);
        assert_eq!(s.sent, u64::from(n));
        assert_eq!(s.delivered + s.lost, s.sent);
        assert_eq!(s.delivered, sim.endpoint(b).received.len() as u64);
    }

    #[test]
    fn duplicates_arrive_and_are_counted() {
        let n = 100_000u32;
        let (mut sim, a, b) = pair(
            4,
            Mock::sender(0, 1, n, 8),
            Mock::default(),
            LinkConfig::default().with_duplicate(0.05).with_jitter(10),
        );
        sim.run_for(u64::from(n) + 100);
        let got = sim.endpoint(b).received.len() as u64 - u64::from(n);
        let rate = got as f64 / f64::from(n);
        assert!((rate - 0.05).abs() < 0.004, "duplicate rate {rate}");
        assert_eq!(sim.link_stats(a, b).duplicated, got);
        // Every datagram arrives at least once.
        let mut seqs = sim.endpoint(b).seqs();
        seqs.sort_unstable();
        seqs.dedup();
        assert_eq!(seqs.len() as u32, n);
    }

    #[test]
    fn reordering_reorders_but_loses_nothing() {
        let (mut sim, _, b) = pair(
            5,
            Mock::sender(0, 100, 1000, 16),
            Mock::default(),
            LinkConfig::delayed(1_000).with_reorder(0.1, 1_000),
        );
        sim.run_for(1_000_000);
        let seqs = sim.endpoint(b).seqs();
        assert_eq!(seqs.len(), 1000);
        let overtaken = seqs.windows(2).filter(|w| w[0] > w[1]).count();
        assert!(overtaken > 50, "only {overtaken} inversions");
        let mut sorted = seqs.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..1000).collect::<Vec<_>>());
        // Arrival times are non-decreasing: the log is in delivery order.
        let times: Vec<u64> = sim.endpoint(b).received.iter().map(|r| r.0).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn rate_limit_spaces_deliveries() {
        // 20 x 1250 bytes at 1 MB/s, all sent at t=0: one arrives every 1.25 ms, plus 2 ms latency.
        let (mut sim, _, b) = pair(
            6,
            Mock::sender(0, 0, 20, 1250),
            Mock::default(),
            LinkConfig::delayed(2_000).with_rate(1_000_000),
        );
        sim.run_for(1_000_000);
        let times: Vec<u64> = sim.endpoint(b).received.iter().map(|r| r.0).collect();
        let expected: Vec<u64> = (1..=20).map(|k| 2_000 + k * 1_250).collect();
        assert_eq!(times, expected);
        assert_eq!(sim.endpoint(b).seqs(), (0..20).collect::<Vec<_>>());
    }

    #[test]
    fn queue_limit_tail_drops_in_the_sim() {
        let (mut sim, a, b) = pair(
            7,
            Mock::sender(0, 0, 10, 1000),
            Mock::default(),
            LinkConfig::default().with_rate(1_000_000).with_queue_limit(3_000),
        );
        sim.run_for(1_000_000);
        // The first three fit in the queue; the burst's tail is dropped.
        assert_eq!(sim.endpoint(b).seqs(), [0, 1, 2]);
        let s = sim.link_stats(a, b);
        assert_eq!((s.sent, s.queue_dropped, s.delivered), (10, 7, 3));
    }

    #[test]
    fn step_progresses_and_stops_when_idle() {
        let mut empty: Sim<Mock> = Sim::new(0);
        assert!(!empty.step());
        assert_eq!(empty.now(), 0);

        let (mut sim, _, b) =
            pair(8, Mock::sender(0, 1_000, 5, 32), Mock::default(), LinkConfig::delayed(500));
        let mut steps = 0;
        let mut last = 0;
        while sim.step() {
            assert!(sim.now() >= last, "time went backwards");
            last = sim.now();
            steps += 1;
            assert!(steps < 100, "did not terminate");
        }
        // 5 sends and 5 arrivals at distinct instants.
        assert_eq!(steps, 10);
        assert_eq!(sim.now(), 4_500);
        assert_eq!(sim.endpoint(b).received.len(), 5);
        assert!(!sim.step());
        assert_eq!(sim.now(), 4_500);
    }

    #[test]
    fn a_deadline_that_never_moves_does_not_hang() {
        let mut sim = Sim::new(9);
        let s = sim.add_endpoint(Stuck::default());
        sim.run_for(100);
        // Fired once per microsecond, never twice at one instant.
        assert_eq!(sim.endpoint(s).fired, (0..=100).collect::<Vec<u64>>());
        assert_eq!(sim.now(), 100);
    }

    #[test]
    fn a_deadline_in_the_past_fires_once_at_the_current_time() {
        let mut sim = Sim::new(10);
        let a = sim.add_endpoint(Mock::default());
        sim.run_for(1_000);
        assert_eq!(sim.now(), 1_000);
        sim.endpoint_mut(a).alarm = Some(5);
        assert!(sim.step());
        assert_eq!(sim.now(), 1_000);
        assert_eq!(sim.endpoint(a).timeouts, [1_000]);
        assert!(!sim.step());
    }

    #[test]
    fn new_input_at_the_same_instant_refires_a_due_timer() {
        // b's alarm fires at t=0; then a datagram arrives at t=0 and re-arms it for t=0. The reply
        // must still go out at t=0, not be pushed to t=1 by the stuck-deadline guard.
        let b = Mock { reply_on_alarm: true, alarm: Some(0), ..Mock::default() };
        let (mut sim, a, ib) = pair(11, Mock::sender(0, 0, 1, 8), b, LinkConfig::default());
        sim.run_for(10);
        assert_eq!(sim.endpoint(ib).timeouts, [0, 0]);
        assert_eq!(sim.endpoint(a).received, [(0, 0)]);
    }

    #[test]
    fn run_until_stops_on_condition_or_deadline() {
        let (mut sim, _, b) =
            pair(12, Mock::sender(0, 100, 1000, 8), Mock::default(), LinkConfig::delayed(50));
        assert!(sim.run_until(u64::MAX, |s| s.endpoint(b).received.len() >= 10));
        assert_eq!(sim.endpoint(b).received.len(), 10);
        assert_eq!(sim.now(), 950);

        assert!(!sim.run_until(5_000, |_| false));
        assert_eq!(sim.now(), 5_000);
        // Arrivals at 50, 150, ..., 4950.
        assert_eq!(sim.endpoint(b).received.len(), 50);

        // A deadline in the past neither moves the clock back nor handles anything.
        assert!(!sim.run_until(10, |_| false));
        assert_eq!(sim.now(), 5_000);
        assert_eq!(sim.endpoint(b).received.len(), 50);
    }

    #[test]
    fn datagrams_without_a_peer_are_discarded() {
        let mut sim = Sim::new(13);
        let a = sim.add_endpoint(Mock::sender(0, 0, 3, 8));
        let b = sim.add_endpoint(Mock::default());
        sim.run_for(10);
        assert_eq!(sim.unaddressed(), 3);
        assert!(sim.endpoint(b).received.is_empty());
        assert_eq!(sim.peer(a), None);
        assert_eq!(sim.stats().sent, 0);
    }

    /// Rough throughput of the simulator itself; run with
    /// `cargo test --release sim::driver -- --ignored --nocapture`.
    #[test]
    #[ignore = "throughput measurement, not a behaviour check"]
    fn throughput() {
        let n = 2_000_000u32;
        let len = 1200;
        let (mut sim, a, b) = pair(
            14,
            Mock::sender(0, 1, n, len),
            Mock::default(),
            LinkConfig::delayed(20_000).with_jitter(1_000),
        );
        let start = std::time::Instant::now();
        sim.run_for(u64::from(n) + 30_000);
        let secs = start.elapsed().as_secs_f64();
        let bytes = sim.link_stats(a, b).delivered_bytes;
        assert_eq!(bytes, u64::from(n) * len as u64);
        println!("{:.2} GB/s ({secs:.3} s)", bytes as f64 / secs / 1e9);
    }
}
