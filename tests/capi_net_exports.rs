//! The networking exports against a scripted runtime (no engine, no network): which calls reach
//! the runtime and with what, what is refused before it, and what the handles handed out contain.

mod capi_support;

use std::ffi::c_void;
use std::sync::Arc;

use capi_support::fake_runtime::{Call, FakeRuntime};
use capi_support::serial;
use ovrnet::capi::abi::enums::{PeerConnectionState, RawSendPolicy, SendPolicy};
use ovrnet::capi::abi::inspect::bytes;
use ovrnet::capi::messages::message::{
    Message, ovr_FreeMessage, ovr_Message_GetNetworkingPeer, ovr_Message_GetType,
};
use ovrnet::capi::messages::message_type::MessageType;
use ovrnet::capi::messages::peer::{ovr_NetworkingPeer_GetID, ovr_NetworkingPeer_GetState};
use ovrnet::capi::messages::queue::ovr_PopMessage;
use ovrnet::capi::net::net_packet::{ovr_Net_ReadPacket, ovr_Net_SendPacket};
use ovrnet::capi::net::net_path::{PathType, ovrnet_Net_GetPathType};
use ovrnet::capi::net::net_peer::{
    ovr_Net_Accept, ovr_Net_Close, ovr_Net_Connect, ovr_Net_IsConnected, ovr_Net_Ping,
};
use ovrnet::capi::net::net_room::{
    ovr_Net_AcceptForCurrentRoom, ovr_Net_CloseForCurrentRoom, ovr_Net_SendPacketToCurrentRoom,
};
use ovrnet::capi::net::net_stats::{NetStats, ovrnet_Net_GetStats};
use ovrnet::capi::net::packet::{Packet, ovr_Packet_Free, ovr_Packet_GetBytes, ovr_Packet_GetSendPolicy};
use ovrnet::capi::net::packet::{ovr_Packet_GetSenderID, ovr_Packet_GetSize};
use ovrnet::capi::platform::oculus_init::{ovr_GetLoggedInUserID, ovr_IsPlatformInitialized};
use ovrnet::capi::platform::runtime;
use ovrnet::proto::{Policy, Stats};

const ME: u64 = 100;
const PEER: u64 = 200;

fn send(peer: u64, len: usize, data: *const u8, policy: i32) -> u32 {
    ovr_Net_SendPacket(peer, len, data.cast::<c_void>(), RawSendPolicy(policy)).raw()
}

/// Installs a fake runtime for the duration of `body`, then shuts it down.
fn with_fake(fake: FakeRuntime, body: impl FnOnce(&FakeRuntime)) {
    let _serial = serial();
    let fake = Arc::new(fake);
    runtime::install(fake.clone()).expect("slot empty at test start");
    body(&fake);
    assert!(runtime::shutdown());
    assert_eq!(fake.shutdown_count(), 1);
}

#[test]
fn bad_send_arguments_never_reach_the_runtime() {
    with_fake(FakeRuntime::new(ME), |fake| {
        let buf = vec![0xABu8; 70_000];
        assert_eq!(send(PEER, 5, std::ptr::null(), 1), 0, "NULL bytes with a length");
        assert_eq!(send(PEER, 0, buf.as_ptr(), 1), 0, "length 0");
        assert_eq!(send(PEER, 0, std::ptr::null(), 0), 0, "length 0 and NULL");
        assert_eq!(send(PEER, 1201, buf.as_ptr(), 0), 0, "unreliable over 1200");
        assert_eq!(send(PEER, 65_536, buf.as_ptr(), 1), 0, "reliable over 65535");
        assert_eq!(send(PEER, usize::MAX, buf.as_ptr(), 1), 0, "absurd length");
        for policy in [2, 3, -1, 0x7fff_ffff] {
            assert_eq!(send(PEER, 4, buf.as_ptr(), policy), 0, "policy {policy}");
        }
        assert_eq!(send(0, 4, buf.as_ptr(), 1), 0, "peer 0");
        assert_eq!(fake.calls(), vec![], "nothing reached the runtime");

        // The limits themselves are accepted, with the bytes and policy intact.
        assert_eq!(send(PEER, 1200, buf.as_ptr(), 0), 1);
        assert_eq!(send(PEER, 65_535, buf.as_ptr(), 1), 1);
        assert_eq!(
            fake.calls(),
            vec![
                Call::Send(PEER, buf[..1200].to_vec(), Policy::Unreliable),
                Call::Send(PEER, buf[..65_535].to_vec(), Policy::Reliable),
            ]
        );
    });
}

#[test]
fn peer_calls_reach_the_runtime_except_for_nobody_and_yourself() {
    let fake = FakeRuntime::new(ME);
    fake.connected.lock().push(PEER);
    with_fake(fake, |fake| {
        ovr_Net_Connect(0);
        ovr_Net_Connect(ME);
        ovr_Net_Accept(0);
        ovr_Net_Close(0);
        assert_eq!(ovr_Net_IsConnected(0).raw(), 0);
        assert_eq!(ovr_Net_Ping(0), 0);
        assert_eq!(fake.calls(), vec![]);

        ovr_Net_Connect(PEER);
        ovr_Net_Accept(PEER);
        ovr_Net_Close(PEER);
        assert_eq!(ovr_Net_IsConnected(PEER).raw(), 1);
        assert_eq!(ovr_Net_IsConnected(PEER + 1).raw(), 0);
        assert_eq!(ovr_Net_Ping(PEER), 1000 + PEER);
        assert_eq!(
            fake.calls(),
            vec![
                Call::Connect(PEER),
                Call::Accept(PEER),
                Call::Close(PEER),
                Call::IsConnected(PEER),
                Call::IsConnected(PEER + 1),
                Call::Ping(PEER),
            ]
        );
        assert_eq!(ovr_GetLoggedInUserID(), ME);
        assert_eq!(ovr_IsPlatformInitialized().raw(), 1);
    });
}

#[test]
fn read_packet_hands_out_owned_packets_in_order() {
    let fake = FakeRuntime::new(ME);
    fake.packets.lock().push_back(Packet::new(PEER, SendPolicy::Reliable, b"first".to_vec()));
    fake.packets.lock().push_back(Packet::new(PEER + 1, SendPolicy::Unreliable, vec![9u8; 1200]));
    with_fake(fake, |_| {
        let a = ovr_Net_ReadPacket();
        let b = ovr_Net_ReadPacket();
        assert!(ovr_Net_ReadPacket().is_null(), "queue drained");
        assert_eq!(ovr_Packet_GetSenderID(a), PEER);
        assert_eq!(ovr_Packet_GetSendPolicy(a), SendPolicy::Reliable);
        assert_eq!(bytes(ovr_Packet_GetBytes(a), ovr_Packet_GetSize(a)).unwrap(), b"first");
        assert_eq!(ovr_Packet_GetSenderID(b), PEER + 1);
        assert_eq!(ovr_Packet_GetSendPolicy(b), SendPolicy::Unreliable);
        assert_eq!(ovr_Packet_GetSize(b), 1200);
        ovr_Packet_Free(a);
        ovr_Packet_Free(b);
    });
}

#[test]
fn pop_message_is_fifo() {
    let fake = FakeRuntime::new(ME);
    fake.messages.lock().push_back(Message::peer_connect_request(PEER));
    fake.messages.lock().push_back(Message::connection_state_change(PEER, PeerConnectionState::Connected));
    with_fake(fake, |_| {
        let first = ovr_PopMessage();
        let second = ovr_PopMessage();
        assert!(ovr_PopMessage().is_null());
        assert_eq!(ovr_Message_GetType(first), MessageType::Notification_Networking_PeerConnectRequest);
        assert_eq!(ovr_Message_GetType(second), MessageType::Notification_Networking_ConnectionStateChange);
        let peer = ovr_Message_GetNetworkingPeer(second);
        assert_eq!(ovr_NetworkingPeer_GetID(peer), PEER);
        assert_eq!(ovr_NetworkingPeer_GetState(peer), PeerConnectionState::Connected);
        ovr_FreeMessage(first);
        ovr_FreeMessage(second);
    });
}

#[test]
fn stats_fill_the_struct_only_for_a_connection() {
    let mut fake = FakeRuntime::new(ME);
    fake.connected.lock().push(PEER);
    fake.stats = Stats { rtt_us: 321, bytes_sent: 4096, pending_reliable_bytes: 17, ..Stats::default() };
    with_fake(fake, |fake| {
        let mut out = NetStats { rtt_usec: 77, ..NetStats::default() };
        assert_eq!(ovrnet_Net_GetStats(PEER, std::ptr::null_mut()).raw(), 0);
        assert_eq!(ovrnet_Net_GetStats(0, &mut out).raw(), 0);
        assert_eq!(ovrnet_Net_GetStats(PEER + 1, &mut out).raw(), 0);
        assert_eq!(out.rtt_usec, 77, "left untouched on failure");
        assert_eq!(ovrnet_Net_GetStats(PEER, &mut out).raw(), 1);
        assert_eq!((out.rtt_usec, out.bytes_sent, out.pending_reliable_bytes), (321, 4096, 17));
        assert_eq!(fake.calls(), vec![Call::Stats(PEER + 1), Call::Stats(PEER)]);
        // A runtime without paths (this fake) reports none, like a missing connection.
        assert_eq!(ovrnet_Net_GetPathType(PEER), PathType::None);
        assert_eq!(ovrnet_Net_GetPathType(0), PathType::None);
    });
    assert_eq!(ovrnet_Net_GetPathType(PEER), PathType::None, "not initialised");
}

#[test]
fn room_scoped_calls_refuse_without_a_room() {
    with_fake(FakeRuntime::new(ME), |fake| {
        let data = [1u8; 8];
        assert_eq!(ovr_Net_AcceptForCurrentRoom().raw(), 0);
        ovr_Net_CloseForCurrentRoom();
        assert_eq!(ovr_Net_SendPacketToCurrentRoom(8, data.as_ptr().cast(), RawSendPolicy(1)).raw(), 0);
        assert_eq!(
            fake.calls(),
            vec![
                Call::AcceptForCurrentRoom,
                Call::CloseForCurrentRoom,
                Call::SendToCurrentRoom(data.to_vec(), Policy::Reliable)
            ]
        );
    });
}

#[test]
fn room_scoped_calls_reach_the_runtime_in_a_room_after_the_send_checks() {
    let fake = FakeRuntime::new(ME);
    *fake.in_room.lock() = true;
    with_fake(fake, |fake| {
        let big = vec![3u8; 65_536];
        let room_send = |len: usize, data: *const u8, policy: i32| {
            ovr_Net_SendPacketToCurrentRoom(len, data.cast(), RawSendPolicy(policy)).raw()
        };
        // The same argument checks as ovr_Net_SendPacket, before the runtime is asked.
        assert_eq!(room_send(0, big.as_ptr(), 1), 0, "length 0");
        assert_eq!(room_send(4, std::ptr::null(), 1), 0, "NULL bytes");
        assert_eq!(room_send(1201, big.as_ptr(), 0), 0, "unreliable over 1200");
        assert_eq!(room_send(65_536, big.as_ptr(), 1), 0, "reliable over 65535");
        assert_eq!(room_send(4, big.as_ptr(), 2), 0, "ovrSend_Unknown");
        assert_eq!(room_send(4, big.as_ptr(), 9), 0, "not a policy");
        assert_eq!(fake.calls(), vec![]);

        assert_eq!(ovr_Net_AcceptForCurrentRoom().raw(), 1);
        assert_eq!(room_send(1200, big.as_ptr(), 0), 1);
        assert_eq!(room_send(65_535, big.as_ptr(), 1), 1);
        ovr_Net_CloseForCurrentRoom();
        assert_eq!(
            fake.calls(),
            vec![
                Call::AcceptForCurrentRoom,
                Call::SendToCurrentRoom(big[..1200].to_vec(), Policy::Unreliable),
                Call::SendToCurrentRoom(big[..65_535].to_vec(), Policy::Reliable),
                Call::CloseForCurrentRoom,
            ]
        );
    });
}

#[test]
fn everything_falls_back_once_the_runtime_is_gone() {
    let _serial = serial();
    let data = [1u8; 8];
    assert_eq!(send(PEER, 8, data.as_ptr(), 1), 0);
    assert!(ovr_Net_ReadPacket().is_null());
    assert!(ovr_PopMessage().is_null());
    assert_eq!(ovr_Net_Ping(PEER), 0);
    assert_eq!(ovr_Net_IsConnected(PEER).raw(), 0);
    ovr_Net_Connect(PEER);
    ovr_Net_Accept(PEER);
    ovr_Net_Close(PEER);
    let mut out = NetStats::default();
    assert_eq!(ovrnet_Net_GetStats(PEER, &mut out).raw(), 0);
    assert_eq!(ovr_Net_AcceptForCurrentRoom().raw(), 0);
    assert_eq!(ovr_Net_SendPacketToCurrentRoom(8, data.as_ptr().cast(), RawSendPolicy(1)).raw(), 0);
    ovr_Net_CloseForCurrentRoom();
    assert_eq!(ovr_GetLoggedInUserID(), 0);
    assert_eq!(ovr_IsPlatformInitialized().raw(), 0);
}
