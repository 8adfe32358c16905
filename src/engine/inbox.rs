//! Received packets and notifications waiting for the application, with a condition variable so
//! `Engine::wait` can block without polling.
use std::collections::VecDeque;
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};

use super::api::{Notification, Packet};
use crate::proto::Policy;

#[derive(Default)]
struct Queues {
    packets: VecDeque<Packet>,
    notifications: VecDeque<Notification>,
    dropped_unreliable: u64,
}

pub struct Inbox {
    queues: Mutex<Queues>,
    ready: Condvar,
    max_packets: usize,
}

impl Inbox {
    pub fn new(max_packets: usize) -> Self {
        Inbox { queues: Mutex::new(Queues::default()), ready: Condvar::new(), max_packets }
    }

    /// Queues a packet. Unreliable packets beyond the limit are dropped (counted): an application
    /// that stops reading must not let a peer grow our memory. Reliable packets are bounded
    /// earlier, by the transport's receive window (see `proto::Config::recv_window_bytes`).
    pub fn push_packet(&self, p: Packet) {
        let mut q = self.queues.lock();
        if p.policy == Policy::Unreliable && q.packets.len() >= self.max_packets {
            q.dropped_unreliable += 1;
            return;
        }
        q.packets.push_back(p);
        self.ready.notify_all();
    }

    pub fn push_notification(&self, n: Notification) {
        let mut q = self.queues.lock();
        q.notifications.push_back(n);
        self.ready.notify_all();
    }

    pub fn pop_packet(&self) -> Option<Packet> {
        self.queues.lock().packets.pop_front()
    }

    pub fn pop_notification(&self) -> Option<Notification> {
        self.queues.lock().notifications.pop_front()
    }

    pub fn dropped_unreliable(&self) -> u64 {
        self.queues.lock().dropped_unreliable
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
        q.notifications.clear();
    }
}
