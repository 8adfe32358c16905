//! Helpers for tests that run the C ABI against the real engine and a real in-process server on
//! loopback. The C ABI has one instance per process, so the other peer in these tests is an
//! `Engine` on the Rust API (which allows many), or a child process (see `child.rs`).

use std::ffi::{CString, c_void};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use ovrnet::capi::abi::enums::{PeerConnectionState, RawSendPolicy, SendPolicy};
use ovrnet::capi::abi::inspect::bytes;
use ovrnet::capi::messages::error::{
    ovr_Error_GetCode, ovr_Error_GetDisplayableMessage, ovr_Error_GetMessage,
};
use ovrnet::capi::messages::message::{
    ovr_FreeMessage, ovr_Message_GetError, ovr_Message_GetNetworkingPeer, ovr_Message_GetPingResult,
    ovr_Message_GetRequestID, ovr_Message_GetRoom, ovr_Message_GetType, ovr_Message_IsError,
};
use ovrnet::capi::messages::message_type::MessageType;
use ovrnet::capi::messages::peer::{ovr_NetworkingPeer_GetID, ovr_NetworkingPeer_GetState};
use ovrnet::capi::messages::ping::{
    ovr_PingResult_GetID, ovr_PingResult_GetPingTimeUsec, ovr_PingResult_IsTimeout,
};
use ovrnet::capi::messages::queue::ovr_PopMessage;
use ovrnet::capi::net::net_packet::{ovr_Net_ReadPacket, ovr_Net_SendPacket};
use ovrnet::capi::net::packet::{
    ovr_Packet_Free, ovr_Packet_GetBytes, ovr_Packet_GetSendPolicy, ovr_Packet_GetSenderID,
    ovr_Packet_GetSize,
};
use ovrnet::capi::platform::ovrnet_init::{InitConfig, ovrnet_Initialize};
use ovrnet::capi::rooms::data_store::{
    ovr_DataStore_GetKey, ovr_DataStore_GetNumKeys, ovr_DataStore_GetValue,
};
use ovrnet::capi::rooms::room::{
    ovr_Room_GetID, ovr_Room_GetJoinability, ovr_Room_GetMaxUsers, ovr_Room_GetOwner, ovr_Room_GetUsers,
    ovr_Room_GetVersion, ovrRoomHandle,
};
use ovrnet::capi::rooms::room_enums::RoomJoinability;
use ovrnet::capi::users::user::{ovr_User_GetID, ovr_UserArray_GetElement, ovr_UserArray_GetSize};
use ovrnet::engine::{Engine, EngineConfig, Notification};
use ovrnet::server::{self, AuthMode, ServerConfig, ServerHandle};

pub const SECS: Duration = Duration::from_secs(10);

pub fn server(auth: AuthMode) -> ServerHandle {
    server::spawn(ServerConfig::new(SocketAddr::from(([127, 0, 0, 1], 0)), auth)).expect("server starts")
}

/// Owns the strings an `ovrnetConfig` points to.
pub struct CConfig {
    pub server: CString,
    pub credential: CString,
    pub bind: CString,
    pub user_id: u64,
    pub connect_timeout_ms: u32,
    pub idle_timeout_ms: u32,
    /// 64 hex digits, or None to trust the key the login reports.
    pub server_key: Option<CString>,
}

impl CConfig {
    pub fn new(server: SocketAddr, user_id: u64) -> Self {
        Self {
            server: CString::new(server.to_string()).expect("no NUL"),
            credential: CString::new(format!("secret-{user_id}")).expect("no NUL"),
            bind: CString::new("127.0.0.1").expect("no NUL"),
            user_id,
            connect_timeout_ms: 4000,
            idle_timeout_ms: 3000,
            server_key: None,
        }
    }

    /// The C struct; valid while `self` lives.
    pub fn raw(&self) -> InitConfig {
        InitConfig {
            server_address: self.server.as_ptr(),
            user_id: self.user_id,
            credential: self.credential.as_ptr(),
            bind_address: self.bind.as_ptr(),
            connect_timeout_ms: self.connect_timeout_ms,
            idle_timeout_ms: self.idle_timeout_ms,
            server_key: self.server_key.as_ref().map_or(std::ptr::null(), |k| k.as_ptr()),
        }
    }

    pub fn init(&self) -> bool {
        let raw = self.raw();
        ovrnet_Initialize(&raw).get()
    }
}

/// A peer on the Rust API, logged in.
pub fn peer_engine(server: &ServerHandle, user_id: u64) -> Engine {
    let mut cfg = EngineConfig::new(server.local_addr(), user_id, format!("secret-{user_id}").into_bytes());
    cfg.bind = SocketAddr::from(([127, 0, 0, 1], 0));
    cfg.connect_timeout = Duration::from_secs(4);
    cfg.proto.idle_timeout_us = 3_000_000;
    cfg.proto.keepalive_us = 500_000;
    let engine = Engine::start(cfg).expect("peer engine starts");
    engine_expect(&engine, |n| *n == Notification::LoggedIn);
    engine
}

/// Pops the peer engine's notifications until one matches; panics after [`SECS`].
pub fn engine_expect(e: &Engine, want: impl Fn(&Notification) -> bool) -> Notification {
    let deadline = Instant::now() + SECS;
    let mut seen = vec![];
    while Instant::now() < deadline {
        while let Some(n) = e.pop_notification() {
            if want(&n) {
                return n;
            }
            seen.push(n);
        }
        e.wait(Duration::from_millis(10));
    }
    panic!("peer {}: expected notification not seen; saw {seen:?}", e.user_id());
}

/// A room payload, copied into Rust values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomInfo {
    pub id: u64,
    /// None when the room handle has no owner (the room is gone).
    pub owner: Option<u64>,
    pub users: Vec<u64>,
    pub max_users: u32,
    pub version: u32,
    pub joinability: RoomJoinability,
    pub data_store: Vec<(String, String)>,
    pub description: String,
    pub invited: Vec<u64>,
    pub locked: bool,
}

/// A room error payload: code, message, displayable message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorInfo {
    pub code: i32,
    pub message: String,
    pub displayable: String,
}

/// A popped C message, copied into Rust values (the handle is freed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg {
    ConnectRequest(u64),
    State(u64, PeerConnectionState),
    Ping {
        request: u64,
        peer: u64,
        usec: u64,
        timeout: bool,
    },
    /// A room reply or RoomUpdate: the room, or the error.
    Room {
        kind: MessageType,
        request: u64,
        result: Result<RoomInfo, ErrorInfo>,
    },
    Other {
        kind: MessageType,
        request: u64,
        is_error: bool,
    },
}

fn owned(ptr: *const std::ffi::c_char) -> String {
    assert!(!ptr.is_null(), "string getter gave NULL");
    // SAFETY: non-NULL strings from the exports are NUL-terminated and live as long as their
    // message, which is freed only after this copy.
    unsafe { std::ffi::CStr::from_ptr(ptr) }.to_string_lossy().into_owned()
}

/// Copies a room handle's contents.
pub fn room_info(room: ovrRoomHandle) -> RoomInfo {
    assert!(!room.is_null());
    let users = ovr_Room_GetUsers(room);
    let ds = ovrnet::capi::rooms::room::ovr_Room_GetDataStore(room);
    let owner = ovr_Room_GetOwner(room);
    RoomInfo {
        id: ovr_Room_GetID(room),
        owner: (!owner.is_null()).then(|| ovr_User_GetID(owner)),
        users: (0..ovr_UserArray_GetSize(users))
            .map(|i| ovr_User_GetID(ovr_UserArray_GetElement(users, i)))
            .collect(),
        max_users: ovr_Room_GetMaxUsers(room),
        version: ovr_Room_GetVersion(room),
        joinability: ovr_Room_GetJoinability(room),
        data_store: (0..ovr_DataStore_GetNumKeys(ds) as i32)
            .map(|i| {
                let key = ovr_DataStore_GetKey(ds, i);
                (owned(key), owned(ovr_DataStore_GetValue(ds, key)))
            })
            .collect(),
        description: owned(ovrnet::capi::rooms::room::ovr_Room_GetDescription(room)),
        invited: {
            let invited = ovrnet::capi::rooms::room::ovr_Room_GetInvitedUsers(room);
            (0..ovr_UserArray_GetSize(invited))
                .map(|i| ovr_User_GetID(ovr_UserArray_GetElement(invited, i)))
                .collect()
        },
        locked: ovrnet::capi::rooms::room::ovr_Room_GetIsMembershipLocked(room).get(),
    }
}

/// Pops one C message, if any.
pub fn pop() -> Option<Msg> {
    let h = ovr_PopMessage();
    if h.is_null() {
        return None;
    }
    let request = ovr_Message_GetRequestID(h);
    let msg = match ovr_Message_GetType(h) {
        MessageType::Notification_Networking_PeerConnectRequest => {
            Msg::ConnectRequest(ovr_NetworkingPeer_GetID(ovr_Message_GetNetworkingPeer(h)))
        }
        MessageType::Notification_Networking_ConnectionStateChange => {
            let p = ovr_Message_GetNetworkingPeer(h);
            Msg::State(ovr_NetworkingPeer_GetID(p), ovr_NetworkingPeer_GetState(p))
        }
        MessageType::Notification_Networking_PingResult => {
            let p = ovr_Message_GetPingResult(h);
            Msg::Ping {
                request,
                peer: ovr_PingResult_GetID(p),
                usec: ovr_PingResult_GetPingTimeUsec(p),
                timeout: ovr_PingResult_IsTimeout(p).get(),
            }
        }
        kind @ (MessageType::Room_CreateAndJoinPrivate2
        | MessageType::Room_CreateAndJoinPrivate
        | MessageType::Room_Join2
        | MessageType::Room_Join
        | MessageType::Room_KickUser
        | MessageType::Room_InviteUser
        | MessageType::Room_UpdateOwner
        | MessageType::Room_UpdateMembershipLockStatus
        | MessageType::Room_UpdatePrivateRoomJoinPolicy
        | MessageType::Room_SetDescription
        | MessageType::Room_GetCurrentForUser
        | MessageType::Room_Leave
        | MessageType::Room_Get
        | MessageType::Room_GetCurrent
        | MessageType::Notification_Room_RoomUpdate) => {
            let result = if ovr_Message_IsError(h).get() {
                let e = ovr_Message_GetError(h);
                Err(ErrorInfo {
                    code: ovr_Error_GetCode(e),
                    message: owned(ovr_Error_GetMessage(e)),
                    displayable: owned(ovr_Error_GetDisplayableMessage(e)),
                })
            } else {
                Ok(room_info(ovr_Message_GetRoom(h)))
            };
            Msg::Room { kind, request, result }
        }
        kind => Msg::Other { kind, request, is_error: ovr_Message_IsError(h).get() },
    };
    ovr_FreeMessage(h);
    Some(msg)
}

/// Pops C messages until one matches (returned); panics after [`SECS`] with what was seen.
pub fn expect(want: impl Fn(&Msg) -> bool) -> Msg {
    let deadline = Instant::now() + SECS;
    let mut seen = vec![];
    while Instant::now() < deadline {
        while let Some(m) = pop() {
            if want(&m) {
                return m;
            }
            seen.push(m);
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    panic!("expected C message not seen; saw {seen:?}");
}

/// Pops C messages until one matches; returns it and every message popped before it.
pub fn expect_after(want: impl Fn(&Msg) -> bool) -> (Msg, Vec<Msg>) {
    let deadline = Instant::now() + SECS;
    let mut seen = vec![];
    while Instant::now() < deadline {
        while let Some(m) = pop() {
            if want(&m) {
                return (m, seen);
            }
            seen.push(m);
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    panic!("expected C message not seen; saw {seen:?}");
}

/// The reply of type `kind` to request `request`: the room, or the error.
pub fn room_reply(kind: MessageType, request: u64) -> Result<RoomInfo, ErrorInfo> {
    assert_ne!(request, 0, "a room request returned 0");
    match expect(|m| matches!(m, Msg::Room { kind: k, request: r, .. } if *k == kind && *r == request)) {
        Msg::Room { result, .. } => result,
        _ => unreachable!(),
    }
}

/// The next RoomUpdate message's room (other messages before it are dropped).
pub fn room_update() -> RoomInfo {
    match expect(|m| matches!(m, Msg::Room { kind: MessageType::Notification_Room_RoomUpdate, .. })) {
        Msg::Room { request, result, .. } => {
            assert_eq!(request, 0, "updates answer no request");
            result.expect("updates carry a room")
        }
        _ => unreachable!(),
    }
}

/// True if no C message matching `unwanted` arrives within `wait`.
pub fn none_within(wait: Duration, unwanted: impl Fn(&Msg) -> bool) -> bool {
    let deadline = Instant::now() + wait;
    while Instant::now() < deadline {
        while let Some(m) = pop() {
            if unwanted(&m) {
                return false;
            }
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    true
}

pub fn send(peer: u64, data: &[u8], policy: SendPolicy) -> bool {
    ovr_Net_SendPacket(peer, data.len(), data.as_ptr().cast::<c_void>(), RawSendPolicy::from(policy)).get()
}

/// Reads one C packet as (sender, policy, bytes).
pub fn read() -> Option<(u64, SendPolicy, Vec<u8>)> {
    let p = ovr_Net_ReadPacket();
    if p.is_null() {
        return None;
    }
    let got = (
        ovr_Packet_GetSenderID(p),
        ovr_Packet_GetSendPolicy(p),
        bytes(ovr_Packet_GetBytes(p), ovr_Packet_GetSize(p)).expect("non-NULL bytes"),
    );
    ovr_Packet_Free(p);
    Some(got)
}

/// Reads C packets until `n` arrived or [`SECS`] pass.
pub fn read_n(n: usize) -> Vec<(u64, SendPolicy, Vec<u8>)> {
    let deadline = Instant::now() + SECS;
    let mut got = vec![];
    while got.len() < n && Instant::now() < deadline {
        match read() {
            Some(p) => got.push(p),
            None => std::thread::sleep(Duration::from_millis(1)),
        }
    }
    got
}

/// Reads peer-engine packets until `n` arrived or [`SECS`] pass.
pub fn engine_read_n(e: &Engine, n: usize) -> Vec<ovrnet::engine::Packet> {
    let deadline = Instant::now() + SECS;
    let mut got = vec![];
    while got.len() < n && Instant::now() < deadline {
        match e.read_packet() {
            Some(p) => got.push(p),
            None => {
                e.wait(Duration::from_millis(5));
            }
        }
    }
    got
}

/// The C instance (user `me`) connects to `peer`, which accepts; both see Connected.
pub fn connect_c_to(peer: &Engine, me: u64) {
    ovrnet::capi::net::net_peer::ovr_Net_Connect(peer.user_id());
    engine_expect(peer, |n| *n == Notification::PeerConnectRequest { peer: me });
    assert!(peer.accept(me));
    let connected = Msg::State(peer.user_id(), PeerConnectionState::Connected);
    expect(|m| *m == connected);
    engine_expect(peer, |n| {
        *n == Notification::ConnectionStateChange { peer: me, state: ovrnet::engine::PeerState::Connected }
    });
}

/// Calls `ovrnet_Shutdown` when dropped, so a failing test does not leave the process-wide
/// instance behind for the next one.
pub struct ShutdownOnDrop;

impl Drop for ShutdownOnDrop {
    fn drop(&mut self) {
        ovrnet::capi::platform::ovrnet_init::ovrnet_Shutdown();
    }
}
