//! Received packets and notifications waiting for the application, with a condition variable so
//! `Engine::wait` can block without polling.
use std::collections::VecDeque;
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};

use super::api::{Notification, Packet};

#[derive(Default)]
struct Queues {
    packets: VecDeque<Packet>,
    bytes: usize,
    notifications: VecDeque<Notification>,
}

/// Bounded: when the application stops reading, received messages stay in their connection,
/// which then refuses new data (see `proto::Config::recv_window_bytes`), so a peer cannot grow
/// our memory by sending faster than the game reads.
pub struct Inbox {
    queues: Mutex<Queues>,
    ready: Condvar,
    max_packets: usize,
    max_bytes: usize,
}

impl Inbox {
    pub fn new(max_packets: usize, max_bytes: usize) -> Self {
        Inbox { queues: Mutex::new(Queues::default()), ready: Condvar::new(), max_packets, max_bytes }
    }

    /// Room for more packets (checked before moving them out of a connection).
    pub fn has_room(&self) -> bool {
        let q = self.queues.lock();
        q.packets.len() < self.max_packets && q.bytes < self.max_bytes
    }

    pub fn push_packet(&self, p: Packet) {
        let mut q = self.queues.lock();
        q.bytes += p.data.len();
        q.packets.push_back(p);
        self.ready.notify_all();
    }

    pub fn push_notification(&self, n: Notification) {
        let mut q = self.queues.lock();
        q.notifications.push_back(n);
        self.ready.notify_all();
    }

    pub fn pop_packet(&self) -> Option<Packet> {
        let mut q = self.queues.lock();
        let p = q.packets.pop_front()?;
        q.bytes -= p.data.len();
        Some(p)
    }

    pub fn pop_notification(&self) -> Option<Notification> {
        self.queues.lock().notifications.pop_front()
    }

    pub fn wait(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut q = self.queues.lock();
        while q.packets.is_empty() && q.notifications.is_empty() {
            if self.ready.wait_until(&mut q, deadline).timed_out() {
                return !q.packets.is_empty() || !q.notifications.is_empty();
            }
        }
        true
    }

    pub fn clear(&self) {
        let mut q = self.queues.lock();
        q.packets.clear();
        q.bytes = 0;
        q.notifications.clear();
    }
}
