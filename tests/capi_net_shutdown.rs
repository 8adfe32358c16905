//! `ovrnet_Shutdown` frees what the application never read: megabytes of unread packets plus
//! unread messages must be gone after shutdown.
//!
//! Measured without any `unsafe` in the test: the scenario runs in a child process (see
//! `capi_support::child`) whose glibc is told (`GLIBC_TUNABLES`) to serve every allocation of
//! 4 KiB or more with its own mapping and to unmap it on free. The process's private data size
//! (`VmData` in /proc/self/status) then rises and falls with the large buffers that are alive, so
//! a leak of the unread 60 KB packets would show up as megabytes.

mod capi_support;

use std::time::{Duration, Instant};

use capi_support::child;
use capi_support::live::{CConfig, connect_c_to, peer_engine, server};
use capi_support::serial;
use ovrnet::capi::messages::queue::ovr_PopMessage;
use ovrnet::capi::net::net_packet::ovr_Net_ReadPacket;
use ovrnet::capi::net::net_peer::ovr_Net_Ping;
use ovrnet::capi::platform::ovrnet_init::ovrnet_Shutdown;
use ovrnet::proto::Policy;
use ovrnet::server::AuthMode;

const DISPATCH: &str = "child_process_entry";
const MESSAGE: usize = 60_000;
const UNREAD: usize = 64; // 64 x 60 000 bytes = 3.84 MB left unread

/// Private data of this process in bytes (`VmData`).
fn vm_data() -> i64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("read /proc/self/status");
    let line = status.lines().find(|l| l.starts_with("VmData:")).expect("VmData line");
    let kib: i64 = line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).expect("VmData value");
    kib * 1024
}

/// One session: C instance 7001 connected to peer 7002; the peer sends `count` reliable
/// messages and the C side pings `pings` times; the C side reads nothing. Returns the private
/// data size just before `ovrnet_Shutdown`.
fn session(count: usize, pings: usize) -> i64 {
    let s = server(AuthMode::Open);
    let peer = peer_engine(&s, 7002);
    assert!(CConfig::new(s.local_addr(), 7001).init());
    connect_c_to(&peer, 7001);
    let payload = vec![0x5Au8; MESSAGE];
    for _ in 0..count {
        peer.send(7001, &payload, Policy::Reliable).expect("queued");
    }
    // Delivered = acknowledged by the C instance, i.e. sitting in its receive queue.
    let deadline = Instant::now() + Duration::from_secs(10);
    while peer.stats(7001).is_none_or(|st| st.pending_reliable_bytes > 0) {
        assert!(Instant::now() < deadline, "peer data not delivered");
        std::thread::sleep(Duration::from_millis(5));
    }
    for _ in 0..pings {
        assert_ne!(ovr_Net_Ping(7002), 0);
    }
    std::thread::sleep(Duration::from_millis(200)); // let the ping results arrive, unread
    drop(payload);
    let before_shutdown = vm_data();
    ovrnet_Shutdown();
    peer.shutdown();
    drop(s);
    before_shutdown
}

/// Runs in child processes only; see `capi_support::child`.
#[test]
fn child_process_entry() {
    let Some(role) = child::role() else { return };
    assert_eq!(role, "measure");
    // Warm-up: threads, their cached stacks and lazily created process-wide state settle here.
    session(1, 1);
    let baseline = vm_data();
    let holding = session(UNREAD, 20);
    let after = vm_data();
    println!("RESULT held={} after={}", holding - baseline, after - baseline);
    // Nothing is handed out after shutdown.
    println!(
        "RESULT after shutdown: packet={} message={}",
        ovr_Net_ReadPacket().is_null(),
        ovr_PopMessage().is_null()
    );
}

#[test]
fn shutdown_frees_unread_packets_and_messages() {
    let _serial = serial();
    let env =
        [("GLIBC_TUNABLES", "glibc.malloc.mmap_threshold=4096:glibc.malloc.trim_threshold=0".to_owned())];
    let out = child::run(DISPATCH, "measure", &env);
    let results = child::results(&out);
    let numbers: Vec<i64> =
        results[0].split(' ').filter_map(|kv| kv.split_once('=').and_then(|(_, v)| v.parse().ok())).collect();
    let (held, after) = (numbers[0], numbers[1]);
    eprintln!("private data above baseline: {held} bytes before shutdown, {after} after");
    assert!(held > (UNREAD * MESSAGE) as i64, "the unread data was really held: {held}");
    assert!(after < 512 * 1024, "{after} bytes still mapped after shutdown ({held} before)");
    assert_eq!(results[1], "after shutdown: packet=true message=true");
}
