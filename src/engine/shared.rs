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
    pub socket: mio::net::UdpSocket,
    pub core: Mutex<Core>,
    pub inbox: Inbox,
    pub waker: Waker,
    /// When the worker plans to wake next (u64::MAX = only on input): an application call that
    /// needs it earlier wakes it, any other call leaves it asleep.
    pub wake_at: AtomicU64,
    pub stopping: AtomicBool,
}

impl Shared {
    /// Wakes the worker if `deadline` is earlier than it planned to wake.
    pub fn nudge(&self, deadline: Option<u64>) {
        if let Some(d) = deadline
            && d < self.wake_at.load(Ordering::Acquire)
        {
            self.wake_at.store(d, Ordering::Release);
            let _ = self.waker.wake();
        }
    }

    pub fn wake(&self) {
        let _ = self.waker.wake();
    }
}
