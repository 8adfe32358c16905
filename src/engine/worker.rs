//! The background thread: sleeps on the socket and the next deadline, then receives, runs timers
//! and sends. No busy loop and no fixed tick: it wakes exactly when something is due.
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use log::warn;
use mio::{Events, Poll};

use super::shared::{SOCKET, Shared};

pub fn run(shared: Arc<Shared>, mut poll: Poll) {
    let mut events = Events::with_capacity(64);
    loop {
        let deadline = shared.core.lock().next_deadline();
        let now = shared.clock.now_us();
        shared.wake_at.store(deadline.unwrap_or(u64::MAX), Ordering::Release);
        let timeout = deadline.map(|d| Duration::from_micros(d.saturating_sub(now)));
        if let Err(e) = poll.poll(&mut events, timeout)
            && e.kind() != std::io::ErrorKind::Interrupted
        {
            warn!("event=poll_error error={e}");
            std::thread::sleep(Duration::from_millis(1));
        }
        if shared.stopping.load(Ordering::Acquire) {
            break;
        }
        let readable = events.iter().any(|e| e.token() == SOCKET);
        // Read the clock under the lock: a timestamp taken before waiting for it could predate a
        // packet another thread sent meanwhile and turn its RTT sample negative.
        let mut core = shared.core.lock();
        let now = shared.clock.now_us();
        if readable {
            core.drain_socket(now, &shared.socket, &shared.inbox);
        }
        core.handle_timeouts(now, &shared.inbox);
        core.pump_all(&shared.inbox);
        core.flush(now, &shared.socket);
    }
}
