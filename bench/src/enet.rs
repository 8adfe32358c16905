//! ENet (system libenet, Debian libenet-dev) through the small C shim in bench/c/enet_shim.c,
//! compiled by build.rs: unlimited bandwidth, throttle pinned open, `enet_host_service` called in
//! a tight loop (timeout 0) by `poll`, and sends flushed as ENet is meant to be used: by the next
//! service call, or by `enet_host_flush` after every `BURST` sends in a row (the batching the
//! issue's reference figure for ENet used; ovrnet coalesces bursts the same way on its own).
use std::ffi::{c_int, c_uint, c_ushort};
use std::time::{Duration, Instant};

use crate::endpoint::{Endpoint, Pair};
use crate::proxy::{Impairment, Proxy};

/// Sends in a row after which ENet is flushed without waiting for the next service call.
const BURST: u32 = 32;

#[repr(C)]
struct Shim {
    _opaque: [u8; 0],
}

unsafe extern "C" {
    fn shim_server(peers: c_int) -> *mut Shim;
    fn shim_client(port: c_ushort) -> *mut Shim;
    fn shim_port(s: *mut Shim) -> c_ushort;
    fn shim_connected(s: *mut Shim) -> c_int;
    fn shim_recv(s: *mut Shim, buf: *mut u8, cap: c_int, timeout_ms: c_uint) -> c_int;
    fn shim_send(s: *mut Shim, data: *const u8, len: c_int, reliable: c_int, flush: c_int) -> c_int;
    fn shim_free(s: *mut Shim);
}

/// Owns one ENet host (one peer). Never shared: one thread at a time drives it.
struct Enet {
    s: *mut Shim,
    /// A message `wait` received, kept for the next `poll` (length into `stash_buf`).
    stash: Option<usize>,
    stash_buf: Vec<u8>,
    /// Sends since the last flush or service call.
    unflushed: u32,
}

// SAFETY: an ENet host has no thread affinity; the pointer is owned by exactly one `Enet`, which
// is moved to the thread that drives it and never aliased.
unsafe impl Send for Enet {}

impl Enet {
    fn new(s: *mut Shim) -> Enet {
        assert!(!s.is_null(), "ENet host creation failed");
        Enet { s, stash: None, stash_buf: vec![0; 65536], unflushed: 0 }
    }

    fn connected(&self) -> bool {
        // SAFETY: self.s is a live host from shim_server/shim_client, freed only in Drop.
        unsafe { shim_connected(self.s) != 0 }
    }

    fn recv(&mut self, buf: &mut [u8], timeout_ms: u32) -> Option<usize> {
        // The service call inside sends everything queued.
        self.unflushed = 0;
        // SAFETY: live host (see above); buf is valid for buf.len() writable bytes.
        let n = unsafe { shim_recv(self.s, buf.as_mut_ptr(), buf.len() as c_int, timeout_ms) };
        (n >= 0).then_some(n as usize)
    }
}

impl Drop for Enet {
    fn drop(&mut self) {
        // SAFETY: live host, freed exactly once here.
        unsafe { shim_free(self.s) }
    }
}

pub fn pair(via: Option<&Impairment>) -> Pair {
    // SAFETY: plain constructor; the result is checked for NULL in Enet::new.
    let mut b = Enet::new(unsafe { shim_server(1) });
    // SAFETY: b.s is live.
    let port = unsafe { shim_port(b.s) };
    let (port, guard): (u16, Box<dyn Send>) = match via {
        Some(imp) => {
            let p = Proxy::start(([127, 0, 0, 1], port).into(), imp.clone());
            (p.front().port(), Box::new(p))
        }
        None => (port, Box::new(())),
    };
    let t0 = Instant::now();
    // SAFETY: plain constructor, checked for NULL.
    let mut a = Enet::new(unsafe { shim_client(port) });
    let mut buf = [0u8; 64];
    while !(a.connected() && b.connected()) {
        assert!(t0.elapsed() < Duration::from_secs(10), "ENet connect timed out");
        b.recv(&mut buf, 0);
        a.recv(&mut buf, 0);
    }
    let connect_us = t0.elapsed().as_secs_f64() * 1e6;
    Pair { a: Box::new(a), b: Box::new(b), guard, connect_us: Some(connect_us) }
}

impl Endpoint for Enet {
    fn send(&mut self, msg: &[u8], reliable: bool) -> bool {
        self.unflushed += 1;
        let flush = self.unflushed >= BURST;
        if flush {
            self.unflushed = 0;
        }
        // SAFETY: live host; msg is valid for msg.len() bytes, which ENet copies.
        unsafe { shim_send(self.s, msg.as_ptr(), msg.len() as c_int, reliable as c_int, flush as c_int) != 0 }
    }

    fn poll(&mut self, buf: &mut [u8]) -> Option<usize> {
        if let Some(n) = self.stash.take() {
            buf[..n].copy_from_slice(&self.stash_buf[..n]);
            return Some(n);
        }
        self.recv(buf, 0)
    }

    fn wait(&mut self, timeout: Duration) {
        if self.stash.is_none() {
            let mut buf = std::mem::take(&mut self.stash_buf);
            self.stash = self.recv(&mut buf, timeout.as_millis().max(1) as u32);
            self.stash_buf = buf;
        }
    }
}

/// Memory hub (child process): one ENet host for `n` peers; `report` once all are connected.
pub fn hub(n: usize, report: impl FnOnce(())) {
    // SAFETY: plain constructor, checked for NULL.
    let mut h = Enet::new(unsafe { shim_server(n as c_int) });
    // SAFETY: h.s is live.
    println!("READY 127.0.0.1:{}", unsafe { shim_port(h.s) });
    let mut buf = [0u8; 64];
    // SAFETY: h.s is live.
    while (unsafe { shim_connected(h.s) }) < n as c_int {
        h.recv(&mut buf, 1);
    }
    report(());
    loop {
        h.recv(&mut buf, 100);
    }
}

/// `n` ENet clients of the hub at `addr`, serviced until all are connected; kept alive by the
/// returned guard (idle: nothing services them afterwards, and ENet's timeout is 30 s).
pub fn clients(n: usize, addr: std::net::SocketAddr) -> Box<dyn Send> {
    // SAFETY: plain constructor, checked for NULL.
    let mut v: Vec<Enet> = (0..n).map(|_| Enet::new(unsafe { shim_client(addr.port()) })).collect();
    let mut buf = [0u8; 64];
    let t0 = Instant::now();
    while !v.iter().all(Enet::connected) && t0.elapsed() < Duration::from_secs(30) {
        for c in v.iter_mut() {
            c.recv(&mut buf, 0);
        }
    }
    Box::new(v)
}
