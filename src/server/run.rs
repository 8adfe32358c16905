//! The thin I/O shell: one UDP socket feeding [`ServerCore`].
//!
//! The socket's read timeout follows the core's next deadline, so the thread sleeps until
//! either a datagram or a timer is due; answers go out right after the datagrams that caused
//! them (no fixed tick). The wait is capped so a stop request is noticed promptly.

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use log::{debug, info, warn};
use parking_lot::Mutex;

use super::config::ServerConfig;
use super::core::{ServerCore, Stats};
use crate::signal::relay::RELAY_V1;

/// Longest single wait, so a stop flag set by a signal handler is seen within this time.
const MAX_WAIT: Duration = Duration::from_millis(250);

/// Binds `config.listen` and returns the socket plus a core ready to run.
pub fn bind(config: ServerConfig) -> io::Result<(UdpSocket, ServerCore)> {
    let socket = UdpSocket::bind(config.listen)?;
    Ok((socket, ServerCore::new(config, os_seed())))
}

/// 32 bytes from the OS for the core's secrets; should that fail, a hash of the clock and the
/// process id (logged: restart once the OS has entropy).
fn os_seed() -> [u8; 32] {
    let mut seed = [0u8; 32];
    if let Err(e) = getrandom::fill(&mut seed) {
        warn!("event=random_fallback what=server_seed error=\"{e}\"");
        let mut input = unix_now_micros().to_le_bytes().to_vec();
        input.extend_from_slice(&std::process::id().to_le_bytes());
        seed = <sha2::Sha256 as sha2::Digest>::digest(&input).into();
    }
    seed
}

/// Serves on `socket` until `stop` becomes true. `stats` (if given) is refreshed as it runs.
///
/// One blocking receive at a time (the quickest wake-up for a lone datagram, which is what a
/// relayed round trip is made of). With GRO the kernel hands over a run of datagrams from one
/// sender in one receive; relayed ones are rewritten in place and queued, so a run bound for one
/// peer leaves as one GSO send.
pub fn run(
    socket: &UdpSocket,
    core: &mut ServerCore,
    stop: &AtomicBool,
    stats: Option<&Mutex<Stats>>,
) -> io::Result<()> {
    let start = Instant::now();
    let now_us = || u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX);
    crate::udp::enable_gro(socket);
    let mut rx = crate::udp::RxBuffer::default();
    let mut tx = crate::udp::TxBatch::new();
    // The read timeout in force (each receive waits up to it, counted from the call): set again
    // only when it would wake more than a millisecond late for the next timer, or needlessly
    // early, rather than with a system call before every datagram.
    let mut timeout_set: Option<Duration> = None;
    while !stop.load(Ordering::Acquire) {
        let wait = core
            .poll_timeout()
            .map_or(MAX_WAIT, |t| Duration::from_micros(t.saturating_sub(now_us())))
            .clamp(Duration::from_micros(100), MAX_WAIT);
        let stale = timeout_set
            .is_none_or(|set| set > wait + Duration::from_millis(1) || set + Duration::from_millis(5) < wait);
        if stale {
            socket.set_read_timeout(Some(wait))?;
            timeout_set = Some(wait);
        }
        match rx.recv(socket) {
            Ok(()) if stop.load(Ordering::Acquire) => break,
            Ok(()) => {
                let (now, unix) = (now_us(), unix_now_secs());
                for (from, d) in rx.datagrams_mut() {
                    // Relayed peer traffic is forwarded from the receive buffer, no copy.
                    if d.first() == Some(&RELAY_V1) {
                        if let Some(to) = core.relay_in_place(now, from, d) {
                            tx.push(socket, d, to);
                        }
                    } else {
                        core.handle_datagram(now, unix, from, d);
                    }
                }
            }
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {}
            // ICMP errors from earlier sends surface here on some systems; they are not ours.
            Err(e) => debug!("event=recv_error error=\"{e}\""),
        }
        core.handle_timeout(now_us());
        while let Some((to, datagram)) = core.poll_transmit() {
            tx.push(socket, &datagram, to);
        }
        tx.flush(socket);
        if let Some(shared) = stats {
            shared.lock().clone_from(core.stats());
        }
    }
    info!("event=stopped sessions={}", core.session_count());
    Ok(())
}

/// A server running in a background thread; dropping it stops it.
pub struct ServerHandle {
    local_addr: SocketAddr,
    server_key: [u8; 32],
    stop: Arc<AtomicBool>,
    stats: Arc<Mutex<Stats>>,
    thread: Option<JoinHandle<()>>,
}

/// Binds `config.listen` and serves in a background thread.
pub fn spawn(config: ServerConfig) -> io::Result<ServerHandle> {
    let (socket, mut core) = bind(config)?;
    let local_addr = socket.local_addr()?;
    let server_key = core.identity_public_key();
    let stop = Arc::new(AtomicBool::new(false));
    let stats = Arc::new(Mutex::new(Stats::default()));
    let (thread_stop, thread_stats) = (Arc::clone(&stop), Arc::clone(&stats));
    let thread = std::thread::Builder::new().name("ovrnet-server".into()).spawn(move || {
        if let Err(e) = run(&socket, &mut core, &thread_stop, Some(&thread_stats)) {
            warn!("event=server_failed error=\"{e}\"");
        }
    })?;
    info!("event=listening addr={local_addr}");
    Ok(ServerHandle { local_addr, server_key, stop, stats, thread: Some(thread) })
}

impl ServerHandle {
    /// The bound address (with the real port when `:0` was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The public key clients pin (`EngineConfig::server_key`).
    pub fn server_key(&self) -> [u8; 32] {
        self.server_key
    }

    /// A snapshot of the server's counters.
    pub fn stats(&self) -> Stats {
        self.stats.lock().clone()
    }

    /// Stops the server thread and waits for it.
    pub fn shutdown(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            wake(self.local_addr);
            // The thread wakes within MAX_WAIT; a panic inside it has been logged already.
            let _ = thread.join();
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}

/// Sends an empty datagram to the server so its blocking receive returns now rather than at
/// the end of its wait. Best effort: without it the thread still stops within `MAX_WAIT`.
fn wake(server: SocketAddr) {
    let mut target = server;
    if target.ip().is_unspecified() {
        target.set_ip(match target {
            SocketAddr::V4(_) => Ipv4Addr::LOCALHOST.into(),
            SocketAddr::V6(_) => Ipv6Addr::LOCALHOST.into(),
        });
    }
    let local: SocketAddr = match target {
        SocketAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
        SocketAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
    };
    if let Ok(s) = UdpSocket::bind(local) {
        let _ = s.send_to(&[], target);
    }
}

fn unix_now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn unix_now_micros() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}
