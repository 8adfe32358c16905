//! The background thread: sleeps on the socket and the next deadline, then receives, runs timers
//! and sends. No busy loop and no fixed tick: it wakes exactly when something is due.
//!
//! While the application polls `read_packet`, the worker parks: it takes the socket out of its
//! poll set and leaves receiving and timers to the polling thread, waking only when the poll
//! lease runs out (see `EngineConfig::poll_lease`).
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use log::warn;
use mio::unix::SourceFd;
use mio::{Events, Interest, Poll};

use super::core::Drain;
use super::shared::{SOCKET, Shared};

pub fn run(shared: Arc<Shared>, mut poll: Poll) {
    let mut events = Events::with_capacity(64);
    let fd = shared.socket.as_raw_fd();
    let mut parked = false;
    loop {
        // Park or unpark. The flag is published before the lease is read (and the application
        // writes the lease before reading the flag), so a `wait` racing with parking is seen
        // by one side or the other.
        let mut drain_now = false;
        let lease = if !parked {
            shared.parked.store(true, Ordering::SeqCst);
            let lease = shared.poll_lease_until.load(Ordering::SeqCst);
            if shared.clock.now_us() < lease && set_watched(&poll, fd, false) {
                parked = true;
            } else {
                shared.parked.store(false, Ordering::SeqCst);
            }
            lease
        } else {
            let lease = shared.poll_lease_until.load(Ordering::SeqCst);
            if shared.clock.now_us() >= lease && set_watched(&poll, fd, true) {
                parked = false;
                shared.parked.store(false, Ordering::SeqCst);
                // Datagrams that arrived while parked raised no event.
                drain_now = true;
            }
            lease
        };
        let timeout = if drain_now {
            Some(Duration::ZERO)
        } else {
            let core = shared.core.lock();
            let due = core.next_deadline().unwrap_or(u64::MAX);
            shared.next_due.store(due, Ordering::Release);
            // Parked, the polling application runs due timers itself: wake only when the lease
            // ends, or when held-back sends must go out (see `Shared::wake_by`).
            let wake = if parked { lease.min(core.hold_deadline().unwrap_or(u64::MAX)) } else { due };
            shared.wake_at.store(wake, Ordering::Release);
            drop(core);
            let now = shared.clock.now_us();
            (wake != u64::MAX).then(|| Duration::from_micros(wake.saturating_sub(now)))
        };
        if let Err(e) = poll.poll(&mut events, timeout)
            && e.kind() != std::io::ErrorKind::Interrupted
        {
            warn!("event=poll_error error={e}");
            std::thread::sleep(Duration::from_millis(1));
        }
        if shared.stopping.load(Ordering::Acquire) {
            break;
        }
        let readable = drain_now || (!parked && events.iter().any(|e| e.token() == SOCKET));
        // Read the clock under the lock: a timestamp taken before waiting for it could predate a
        // packet another thread sent meanwhile and turn its RTT sample negative.
        let mut core = shared.core.lock();
        let now = shared.clock.now_us();
        // Woken only to re-arm its timer (a call moved a deadline earlier, e.g. held-back sends):
        // nothing is due yet, and flushing now would send a burst before it is complete.
        if !readable && core.next_deadline().is_none_or(|d| d > now) {
            continue;
        }
        if readable {
            core.drain_socket(now, &shared.socket, &shared.inbox, Drain::All);
        }
        core.handle_timeouts(now, &shared.inbox);
        core.pump_all(&shared.inbox);
        shared.output_deferred.store(false, Ordering::Release);
        core.flush(now, &shared.socket);
    }
}

/// Adds the socket to or removes it from the worker's poll set; false (and logged) on failure,
/// in which case the worker keeps its current mode.
fn set_watched(poll: &Poll, fd: i32, watched: bool) -> bool {
    let mut source = SourceFd(&fd);
    let r = if watched {
        poll.registry().register(&mut source, SOCKET, Interest::READABLE)
    } else {
        poll.registry().deregister(&mut source)
    };
    if let Err(e) = &r {
        warn!("event=socket_watch_error watched={watched} error={e}");
    }
    r.is_ok()
}
