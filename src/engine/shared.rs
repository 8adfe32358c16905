//! State shared by the application threads and the worker.
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use mio::{Token, Waker};
use parking_lot::Mutex;

use super::clock::Clock;
use super::core::Core;
use super::inbox::Inbox;

pub const SOCKET: Token = Token(0);
pub const WAKER: Token = Token(1);

pub struct Shared {
    pub clock: Clock,
    /// `EngineConfig::poll_lease` in microseconds.
    pub poll_lease_us: u64,
    pub socket: mio::net::UdpSocket,
    pub core: Mutex<Core>,
    pub inbox: Inbox,
    pub waker: Waker,
    /// When the worker plans to wake next (u64::MAX = only on input): an application call that
    /// needs it earlier wakes it, any other call leaves it asleep.
    pub wake_at: AtomicU64,
    /// Earliest protocol deadline as last computed under the core lock (u64::MAX = none). While
    /// the worker is parked, `read_packet` runs the timers once this has passed.
    pub next_due: AtomicU64,
    /// Until when (engine clock, µs) the application is taken to be polling: the last
    /// `read_packet` plus `poll_lease_us`. 0 after `wait`, which hands receiving back at once.
    pub poll_lease_until: AtomicU64,
    /// The worker has taken the socket out of its poll set (the application is polling).
    pub parked: AtomicBool,
    /// `read_packet` handed out a message and left the acknowledgements it caused unsent: the
    /// game's reply (usually moments later) carries them, or the next call sends them.
    pub output_deferred: AtomicBool,
    /// The application's last call was `send`: the next `send` continues a burst.
    pub last_call_was_send: AtomicBool,
    pub stopping: AtomicBool,
}

impl Shared {
    /// Records the core's next deadline after a change and wakes the worker if it must act
    /// earlier than it planned. A parked worker is left asleep: the polling application runs the
    /// timer itself, and if it stops polling the worker wakes when the lease ends.
    pub fn deadline_changed(&self, deadline: Option<u64>, exact: bool) {
        let d = deadline.unwrap_or(u64::MAX);
        if exact {
            self.next_due.store(d, Ordering::Release);
        } else {
            self.next_due.fetch_min(d, Ordering::AcqRel);
        }
        if self.parked.load(Ordering::Acquire) {
            return;
        }
        if d < self.wake_at.load(Ordering::Acquire) {
            self.wake_at.store(d, Ordering::Release);
            let _ = self.waker.wake();
        }
    }

    /// Makes the worker wake by `deadline` even while parked (held-back sends must go out even
    /// if the application stops calling).
    pub fn wake_by(&self, deadline: u64) {
        if deadline < self.wake_at.load(Ordering::Acquire) {
            self.wake_at.store(deadline, Ordering::Release);
            let _ = self.waker.wake();
        }
    }

    /// Any call but `send` ends a burst; true if one was going on.
    pub fn end_burst(&self) -> bool {
        self.last_call_was_send.load(Ordering::Relaxed)
            && self.last_call_was_send.swap(false, Ordering::AcqRel)
    }

    /// The application polls: keep the worker off the socket for another lease.
    pub fn renew_poll_lease(&self, now: u64) {
        self.poll_lease_until.store(now.saturating_add(self.poll_lease_us), Ordering::Release);
    }

    /// The application is about to block: give receiving back to the worker now.
    pub fn end_poll_lease(&self) {
        self.poll_lease_until.store(0, Ordering::Release);
        if self.parked.load(Ordering::Acquire) {
            let _ = self.waker.wake();
        }
    }

    pub fn wake(&self) {
        let _ = self.waker.wake();
    }
}
