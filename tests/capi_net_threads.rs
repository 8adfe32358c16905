//! Eight application threads using the C ABI at once: every export from every thread, every
//! message delivered exactly once and in per-thread order, every ping answered once; then a
//! shutdown in the middle of all that.

mod capi_support;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use capi_support::live::{CConfig, Msg, ShutdownOnDrop, connect_c_to, peer_engine, pop, read, send, server};
use capi_support::serial;
use ovrnet::capi::abi::enums::SendPolicy;
use ovrnet::capi::net::net_peer::{ovr_Net_IsConnected, ovr_Net_Ping};
use ovrnet::capi::net::net_stats::{NetStats, ovrnet_Net_GetStats};
use ovrnet::capi::platform::ovrnet_init::ovrnet_Shutdown;
use ovrnet::proto::Policy;
use ovrnet::server::AuthMode;

const THREADS: usize = 8;
const PER_THREAD: usize = 200;
const FROM_PEER: usize = 400;
const C_USER: u64 = 8001;
const PEER: u64 = 8002;

/// What one application thread saw.
#[derive(Default)]
struct Seen {
    pings: Vec<u64>,
    packets: Vec<Vec<u8>>,
    messages: Vec<Msg>,
}

fn worker(tid: usize) -> Seen {
    let mut seen = Seen::default();
    for i in 0..PER_THREAD {
        let line = format!("{tid} {i}");
        assert!(send(PEER, line.as_bytes(), SendPolicy::Reliable), "thread {tid} send {i}");
        if i % 25 == 0 {
            let id = ovr_Net_Ping(PEER);
            assert_ne!(id, 0);
            seen.pings.push(id);
        }
        assert!(ovr_Net_IsConnected(PEER).get());
        let mut stats = NetStats::default();
        assert!(ovrnet_Net_GetStats(PEER, &mut stats).get());
        if let Some((sender, _, data)) = read() {
            assert_eq!(sender, PEER);
            seen.packets.push(data);
        }
        seen.messages.extend(pop());
    }
    seen
}

#[test]
fn eight_threads_share_one_instance() {
    let _serial = serial();
    let s = server(AuthMode::Open);
    let peer = Arc::new(peer_engine(&s, PEER));
    assert!(CConfig::new(s.local_addr(), C_USER).init());
    let _shutdown = ShutdownOnDrop;
    connect_c_to(&peer, C_USER);

    // The peer talks back while the threads run, and collects what they send.
    let collector = {
        let peer = peer.clone();
        std::thread::spawn(move || {
            for i in 0..FROM_PEER {
                peer.send(C_USER, format!("peer {i}").as_bytes(), Policy::Reliable).expect("peer send");
            }
            let mut got = Vec::new();
            let deadline = Instant::now() + Duration::from_secs(20);
            while got.len() < THREADS * PER_THREAD && Instant::now() < deadline {
                match peer.read_packet() {
                    Some(p) => got.push(String::from_utf8(p.data).expect("utf-8")),
                    None => {
                        peer.wait(Duration::from_millis(5));
                    }
                }
            }
            got
        })
    };
    let workers: Vec<_> = (0..THREADS).map(|tid| std::thread::spawn(move || worker(tid))).collect();
    let mut seen: Vec<Seen> = workers.into_iter().map(|w| w.join().expect("worker thread")).collect();

    // Whatever the workers did not pick up is still queued: drain it here.
    let mut rest = Seen::default();
    let deadline = Instant::now() + Duration::from_secs(10);
    let pings: usize = seen.iter().map(|s| s.pings.len()).sum();
    let count =
        |seen: &[Seen], rest: &Seen, f: fn(&Seen) -> usize| seen.iter().map(f).sum::<usize>() + f(rest);
    while (count(&seen, &rest, |s| s.packets.len()) < FROM_PEER
        || count(&seen, &rest, |s| s.messages.iter().filter(|m| matches!(m, Msg::Ping { .. })).count())
            < pings)
        && Instant::now() < deadline
    {
        if let Some((_, _, data)) = read() {
            rest.packets.push(data);
        }
        rest.messages.extend(pop());
        std::thread::sleep(Duration::from_micros(200));
    }
    seen.push(rest);

    // Peer -> C: each of the 400 arrived exactly once, somewhere.
    let packets: Vec<String> = seen
        .iter()
        .flat_map(|s| s.packets.iter().map(|p| String::from_utf8(p.clone()).expect("utf-8")))
        .collect();
    let unique: BTreeSet<&String> = packets.iter().collect();
    assert_eq!((packets.len(), unique.len()), (FROM_PEER, FROM_PEER));

    // Every ping answered exactly once, with its own request id.
    let issued: BTreeSet<u64> = seen.iter().flat_map(|s| s.pings.iter().copied()).collect();
    assert_eq!(issued.len(), pings, "request ids are unique");
    let answered: Vec<u64> = seen
        .iter()
        .flat_map(|s| &s.messages)
        .filter_map(|m| match m {
            Msg::Ping { request, peer, timeout: false, .. } if *peer == PEER => Some(*request),
            _ => None,
        })
        .collect();
    assert_eq!(answered.len(), pings, "one answer per ping");
    assert_eq!(answered.into_iter().collect::<BTreeSet<_>>(), issued);

    // C -> peer: all 1600, each thread's lines in the order that thread sent them.
    let got = collector.join().expect("collector");
    assert_eq!(got.len(), THREADS * PER_THREAD);
    let mut per_thread: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for line in &got {
        let (tid, i) = line.split_once(' ').expect("'tid i'");
        per_thread.entry(tid.parse().expect("tid")).or_default().push(i.parse().expect("i"));
    }
    for tid in 0..THREADS {
        assert_eq!(per_thread.get(&tid), Some(&(0..PER_THREAD).collect::<Vec<_>>()), "thread {tid}");
    }
}

#[test]
fn shutdown_while_eight_threads_are_calling() {
    let _serial = serial();
    let s = server(AuthMode::Open);
    let peer = peer_engine(&s, PEER);
    assert!(CConfig::new(s.local_addr(), C_USER).init());
    let _shutdown = ShutdownOnDrop;
    connect_c_to(&peer, C_USER);

    let stop = Arc::new(AtomicBool::new(false));
    let callers: Vec<_> = (0..THREADS)
        .map(|tid| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let (mut ok_sends, mut refused_after) = (0u32, 0u32);
                while !stop.load(Ordering::Relaxed) {
                    let sent = send(PEER, format!("{tid}").as_bytes(), SendPolicy::Reliable);
                    ok_sends += u32::from(sent);
                    refused_after += u32::from(!sent);
                    let _ = ovr_Net_Ping(PEER);
                    let _ = ovr_Net_IsConnected(PEER);
                    let _ = read();
                    let _ = pop();
                }
                (ok_sends, refused_after)
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(150));
    ovrnet_Shutdown();
    std::thread::sleep(Duration::from_millis(100));
    stop.store(true, Ordering::Relaxed);
    for caller in callers {
        let (ok, refused) = caller.join().expect("no caller panicked");
        assert!(ok > 0, "calls worked before the shutdown");
        assert!(refused > 0, "calls were refused after it");
    }
    assert!(!ovr_Net_IsConnected(PEER).get());
    assert!(read().is_none() && pop().is_none());
}
