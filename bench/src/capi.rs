//! ovrnet through its C ABI: the exported `extern "C"` functions (`ovrnet_Initialize`,
//! `ovr_PopMessage`, `ovr_Net_Accept`, `ovr_Net_SendPacket`, `ovr_Net_ReadPacket`,
//! `ovr_Packet_GetSize`/`GetBytes`/`Free`, `ovrnet_Shutdown`), called from Rust through the
//! `ovrnet` crate. These are the very functions the cdylib exports, so each call pays what a C
//! caller pays (argument checks, the panic guard, the process-wide instance lookup, the engine
//! lock, a heap packet handle per received message); only the dynamic linker's trampoline (one
//! indirect jump per call) is not there.
//!
//! The C ABI has one instance per process, so a pair cannot be two C ABI instances: side `b`
//! (the accepting side) is the C ABI instance and side `a` (the dialler) a Rust-API engine, as
//! in the `ovrnet` row. `b` is the side that receives in the rate, bulk and instruction cases
//! (receiving is where the C ABI does the most extra work: a heap packet handle and three more
//! calls per message) and that both receives and sends in the RTT echo. Each pair initialises
//! the instance and dropping `b` shuts it down (`ovrnet_Shutdown`; a later init works again), so
//! pairs of this contender never overlap: the harness builds them one at a time.
use ovrnet::capi::net::net_path::{PathType, ovrnet_Net_GetPathType};
use std::ffi::CString;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ovrnet::capi::abi::enums::{PeerConnectionState, SendPolicy};
use ovrnet::capi::messages::message::{ovr_FreeMessage, ovr_Message_GetNetworkingPeer, ovr_Message_GetType};
use ovrnet::capi::messages::message_type::MessageType;
use ovrnet::capi::messages::peer::{ovr_NetworkingPeer_GetID, ovr_NetworkingPeer_GetState};
use ovrnet::capi::messages::queue::ovr_PopMessage;
use ovrnet::capi::net::net_packet::{ovr_Net_ReadPacket, ovr_Net_SendPacket};
use ovrnet::capi::net::net_peer::ovr_Net_Accept;
use ovrnet::capi::net::packet::{ovr_Packet_Free, ovr_Packet_GetBytes, ovr_Packet_GetSize};
use ovrnet::capi::platform::ovrnet_init::{InitConfig, ovrnet_Initialize, ovrnet_Shutdown};
use ovrnet::engine::{Notification, PeerState};
use ovrnet::server::ServerHandle;

use crate::endpoint::{Endpoint, Pair};
use crate::proxy::Impairment;

/// Set while this process's C ABI instance belongs to a pair or hub.
static LIVE: AtomicBool = AtomicBool::new(false);

/// The process-wide C ABI instance; dropping it calls `ovrnet_Shutdown`.
struct Instance;

impl Instance {
    /// `ovrnet_Initialize` as user `user`, bound to loopback. The login then runs in the
    /// background (see [`wait_logins`]).
    fn start(server: SocketAddr, user: u64) -> Result<Instance, String> {
        if LIVE.swap(true, Ordering::AcqRel) {
            return Err("the C ABI instance of this process is already in use".into());
        }
        let instance = Instance;
        let server = CString::new(server.to_string()).map_err(|e| e.to_string())?;
        let credential = CString::new(format!("bench-{user}")).map_err(|e| e.to_string())?;
        let cfg = InitConfig {
            server_address: server.as_ptr(),
            user_id: user,
            credential: credential.as_ptr(),
            bind_address: c"127.0.0.1".as_ptr(),
            connect_timeout_ms: 0,
            idle_timeout_ms: 0,
            // Pinning changes one comparison at login, nothing on the measured paths.
            server_key: std::ptr::null(),
        };
        if !ovrnet_Initialize(&cfg).get() {
            return Err("ovrnet_Initialize failed (its log line says why)".into());
        }
        Ok(instance)
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        ovrnet_Shutdown();
        LIVE.store(false, Ordering::Release);
    }
}

/// Waits until `server` has seen `n` logins. `ovrnet_Initialize` does not report the end of its
/// login, and a peer that dials before it would be told the user is offline.
fn wait_logins(server: &ServerHandle, n: u64) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.stats().logins < n {
        if Instant::now() > deadline {
            return Err(format!("server saw {} of {n} logins in 10 s", server.stats().logins));
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    Ok(())
}

/// What a networking message says: its type, peer and state.
fn read_message() -> Option<(MessageType, u64, PeerConnectionState)> {
    let m = ovr_PopMessage();
    if m.is_null() {
        return None;
    }
    let kind = ovr_Message_GetType(m);
    let (peer, state) = if matches!(
        kind,
        MessageType::Notification_Networking_PeerConnectRequest
            | MessageType::Notification_Networking_ConnectionStateChange
    ) {
        let p = ovr_Message_GetNetworkingPeer(m);
        (ovr_NetworkingPeer_GetID(p), ovr_NetworkingPeer_GetState(p))
    } else {
        (0, PeerConnectionState::Unknown)
    };
    ovr_FreeMessage(m);
    Some((kind, peer, state))
}

/// Pops messages (spinning, as a game loop would poll every frame) until `want` matches one.
fn wait_message(want: impl Fn(MessageType, u64, PeerConnectionState) -> bool) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        match read_message() {
            Some((kind, peer, state)) if want(kind, peer, state) => return Ok(()),
            Some(_) => {}
            None => std::thread::yield_now(),
        }
    }
    Err("C ABI: message not seen in 10 s".into())
}

struct CAbi {
    peer: u64,
    _instance: Instance,
}

impl Endpoint for CAbi {
    fn send(&mut self, msg: &[u8], reliable: bool) -> bool {
        let policy = if reliable { SendPolicy::Reliable } else { SendPolicy::Unreliable };
        ovr_Net_SendPacket(self.peer, msg.len(), msg.as_ptr().cast(), policy.into()).get()
    }

    fn poll(&mut self, buf: &mut [u8]) -> Option<usize> {
        let p = ovr_Net_ReadPacket();
        if p.is_null() {
            return None;
        }
        let bytes = ovr_Packet_GetBytes(p);
        let len = ovr_Packet_GetSize(p).min(buf.len());
        if !bytes.is_null() && len > 0 {
            // SAFETY: a packet's bytes are `ovr_Packet_GetSize` readable bytes owned by the packet
            // (`len` is at most that), valid until the `ovr_Packet_Free` below.
            buf[..len].copy_from_slice(unsafe { std::slice::from_raw_parts(bytes.cast::<u8>(), len) });
        }
        ovr_Packet_Free(p);
        Some(len)
    }

    /// The C ABI has no blocking wait (a game polls once per frame): this sleeps `timeout`.
    fn wait(&mut self, timeout: Duration) {
        std::thread::sleep(timeout);
    }
}

/// `a`: Rust-API engine, user 1, dials. `b`: the C ABI instance, user 2, accepts through
/// `ovr_PopMessage` and `ovr_Net_Accept`.
pub fn pair(via: Option<&Impairment>) -> Pair {
    try_pair(via).unwrap_or_else(|e| panic!("ovrnet C ABI pair: {e}"))
}

fn try_pair(via: Option<&Impairment>) -> Result<Pair, String> {
    let (server, addr, proxy) = crate::ovr::rendezvous(via);
    let a = crate::ovr::engine(addr, 1);
    let b = Instance::start(addr, 2)?;
    wait_logins(&server, 2)?;
    let t0 = Instant::now();
    a.connect(2);
    wait_message(|kind, peer, _| {
        kind == MessageType::Notification_Networking_PeerConnectRequest && peer == 1
    })?;
    ovr_Net_Accept(1);
    crate::ovr::wait_for(&a, |n| {
        *n == Notification::ConnectionStateChange { peer: 2, state: PeerState::Connected }
    });
    let connect_us = t0.elapsed().as_secs_f64() * 1e6;
    wait_message(|kind, peer, state| {
        kind == MessageType::Notification_Networking_ConnectionStateChange
            && peer == 1
            && state == PeerConnectionState::Connected
    })?;
    // Measured on the direct path, where the connection ends up on loopback (it starts on the
    // server's relay).
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline
        && (ovrnet_Net_GetPathType(1) != PathType::Direct
            || a.path(2).is_none_or(|(r, _)| r != ovrnet::engine::Route::Direct))
    {
        a.wait(Duration::from_millis(1));
    }
    Ok(Pair {
        a: crate::ovr::endpoint(a, 2),
        b: Box::new(CAbi { peer: 1, _instance: b }),
        guard: Box::new((server, proxy)),
        connect_us: Some(connect_us),
    })
}

/// Memory hub (child process): the C ABI instance as user 1 accepts `n` peers; `report` once
/// all are connected. Prints `READY` after init; the parent waits for the hub's login at the
/// server before its clients dial.
pub fn hub(n: usize, server: SocketAddr, report: impl FnOnce(())) {
    let _instance = Instance::start(server, 1).unwrap_or_else(|e| panic!("C ABI hub: {e}"));
    println!("READY");
    let mut connected = 0;
    while connected < n {
        while let Some((kind, peer, state)) = read_message() {
            match kind {
                MessageType::Notification_Networking_PeerConnectRequest => ovr_Net_Accept(peer),
                MessageType::Notification_Networking_ConnectionStateChange
                    if state == PeerConnectionState::Connected =>
                {
                    connected += 1
                }
                _ => {}
            }
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    report(());
    loop {
        std::thread::sleep(Duration::from_secs(1));
        while read_message().is_some() {}
    }
}

/// Parent side of the hub: waits until the hub has logged in to `server`.
pub fn wait_hub_login(server: &ServerHandle) -> Result<(), String> {
    wait_logins(server, 1)
}
