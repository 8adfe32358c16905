//! Packet and message handles: lifecycle, accessors, borrowed payloads, NULL and wrong kinds.

use ovrnet::capi::abi::enums::{PeerConnectionState, SendPolicy};
use ovrnet::capi::abi::inspect::{bytes, c_string};
use ovrnet::capi::messages::error::PlatformError;
use ovrnet::capi::messages::error::{
    ovr_Error_GetCode, ovr_Error_GetDisplayableMessage, ovr_Error_GetHttpCode, ovr_Error_GetMessage,
};
use ovrnet::capi::messages::message::{self, Message, Payload, ovr_FreeMessage, ovrMessageHandle};
use ovrnet::capi::messages::message::{
    ovr_Message_GetError, ovr_Message_GetNativeMessage, ovr_Message_GetNetworkingPeer,
    ovr_Message_GetPingResult, ovr_Message_GetRequestID, ovr_Message_GetRoom, ovr_Message_GetString,
    ovr_Message_GetType, ovr_Message_IsError,
};
use ovrnet::capi::messages::message_type::MessageType;
use ovrnet::capi::messages::peer::{ovr_NetworkingPeer_GetID, ovr_NetworkingPeer_GetState};
use ovrnet::capi::messages::ping::{
    PingResult, ovr_PingResult_GetID, ovr_PingResult_GetPingTimeUsec, ovr_PingResult_IsTimeout,
};
use ovrnet::capi::net::packet::{self, Packet};
use ovrnet::capi::net::packet::{
    ovr_Packet_Free, ovr_Packet_GetBytes, ovr_Packet_GetSendPolicy, ovr_Packet_GetSenderID,
    ovr_Packet_GetSize,
};

#[test]
fn packet_lifecycle() {
    let payload: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
    let h = packet::into_handle(Packet::new(0xABCD_0001, SendPolicy::Reliable, payload.clone()));
    assert!(!h.is_null());
    assert_eq!(ovr_Packet_GetSenderID(h), 0xABCD_0001);
    assert_eq!(ovr_Packet_GetSize(h), 1000);
    assert_eq!(ovr_Packet_GetSendPolicy(h), SendPolicy::Reliable);
    let ptr = ovr_Packet_GetBytes(h);
    assert_eq!(bytes(ptr, ovr_Packet_GetSize(h)), Some(payload));
    // The byte pointer is stable across calls while the packet lives.
    assert_eq!(ovr_Packet_GetBytes(h), ptr);
    ovr_Packet_Free(h);
}

#[test]
fn empty_packet_has_size_zero_and_non_null_bytes() {
    let h = packet::into_handle(Packet::new(9, SendPolicy::Unreliable, Vec::new()));
    assert_eq!(ovr_Packet_GetSize(h), 0);
    assert!(!ovr_Packet_GetBytes(h).is_null());
    assert_eq!(ovr_Packet_GetSendPolicy(h), SendPolicy::Unreliable);
    ovr_Packet_Free(h);
}

#[test]
fn packet_accessors_survive_null() {
    let null = std::ptr::null_mut();
    ovr_Packet_Free(null);
    assert!(ovr_Packet_GetBytes(null).is_null());
    assert_eq!(ovr_Packet_GetSenderID(null), 0);
    assert_eq!(ovr_Packet_GetSize(null), 0);
    assert_eq!(ovr_Packet_GetSendPolicy(null), SendPolicy::Unknown);
}

#[test]
fn connection_state_message() {
    let h = message::into_handle(Message::connection_state_change(77, PeerConnectionState::Timeout));
    assert_eq!(ovr_Message_GetType(h), MessageType::Notification_Networking_ConnectionStateChange);
    assert_eq!(ovr_Message_GetRequestID(h), 0);
    assert_eq!(ovr_Message_IsError(h).raw(), 0);
    let peer = ovr_Message_GetNetworkingPeer(h);
    assert!(!peer.is_null());
    assert_eq!(ovr_NetworkingPeer_GetID(peer), 77);
    assert_eq!(ovr_NetworkingPeer_GetState(peer), PeerConnectionState::Timeout);
    // The payload handle is borrowed: asking twice gives the same pointer.
    assert_eq!(ovr_Message_GetNetworkingPeer(h), peer);
    // Wrong payload kinds give NULL.
    assert!(ovr_Message_GetPingResult(h).is_null());
    assert!(ovr_Message_GetError(h).is_null());
    assert!(ovr_Message_GetString(h).is_null());
    assert!(ovr_Message_GetRoom(h).is_null());
    ovr_FreeMessage(h);
}

#[test]
fn peer_connect_request_message() {
    let h = message::into_handle(Message::peer_connect_request(0xFFFF_FFFF_FFFF_FFFE));
    assert_eq!(ovr_Message_GetType(h), MessageType::Notification_Networking_PeerConnectRequest);
    let peer = ovr_Message_GetNetworkingPeer(h);
    assert_eq!(ovr_NetworkingPeer_GetID(peer), 0xFFFF_FFFF_FFFF_FFFE);
    ovr_FreeMessage(h);
}

#[test]
fn ping_result_messages() {
    let answered = message::into_handle(Message::ping_result(41, PingResult::answered(5, 1234)));
    assert_eq!(ovr_Message_GetType(answered), MessageType::Notification_Networking_PingResult);
    assert_eq!(ovr_Message_GetRequestID(answered), 41);
    let ping = ovr_Message_GetPingResult(answered);
    assert_eq!(ovr_PingResult_GetID(ping), 5);
    assert_eq!(ovr_PingResult_GetPingTimeUsec(ping), 1234);
    assert_eq!(ovr_PingResult_IsTimeout(ping).raw(), 0);
    assert!(ovr_Message_GetNetworkingPeer(answered).is_null());
    ovr_FreeMessage(answered);

    let lost = message::into_handle(Message::ping_result(42, PingResult::timed_out(5)));
    let ping = ovr_Message_GetPingResult(lost);
    assert_eq!(ovr_PingResult_IsTimeout(ping).raw(), 1);
    assert_eq!(ovr_PingResult_GetPingTimeUsec(ping), 0);
    ovr_FreeMessage(lost);
}

#[test]
fn error_message() {
    let err = PlatformError::new(12, 404, "room 5 not found", "That room is gone.");
    let h = message::into_handle(Message::error(MessageType::Room_Join2, 9, err));
    assert_eq!(ovr_Message_IsError(h).raw(), 1);
    assert_eq!(ovr_Message_GetType(h), MessageType::Room_Join2);
    assert_eq!(ovr_Message_GetRequestID(h), 9);
    let e = ovr_Message_GetError(h);
    assert!(!e.is_null());
    assert_eq!(ovr_Error_GetCode(e), 12);
    assert_eq!(ovr_Error_GetHttpCode(e), 404);
    assert_eq!(c_string(ovr_Error_GetMessage(e)).as_deref(), Some("room 5 not found"));
    assert_eq!(c_string(ovr_Error_GetDisplayableMessage(e)).as_deref(), Some("That room is gone."));
    assert!(ovr_Message_GetRoom(h).is_null());
    ovr_FreeMessage(h);
}

#[test]
fn interior_nul_in_texts_is_dropped_not_fatal() {
    let err = PlatformError::new(1, 0, "a\0b", "");
    assert_eq!(err.message(), "ab");
    let h = message::into_handle(Message::new(MessageType::Room_Get, 3, Payload::string("x\0y")));
    assert_eq!(c_string(ovr_Message_GetString(h)).as_deref(), Some("xy"));
    assert_eq!(ovr_Message_IsError(h).raw(), 0);
    ovr_FreeMessage(h);
}

#[test]
fn native_message_returns_its_argument() {
    let h = message::into_handle(Message::peer_connect_request(1));
    assert_eq!(ovr_Message_GetNativeMessage(h), h);
    assert!(ovr_Message_GetNativeMessage(std::ptr::null_mut()).is_null());
    ovr_FreeMessage(h);
}

#[test]
fn message_accessors_survive_null() {
    let null: ovrMessageHandle = std::ptr::null_mut();
    ovr_FreeMessage(null);
    assert_eq!(ovr_Message_GetType(null), MessageType::Unknown);
    assert_eq!(ovr_Message_IsError(null).raw(), 0);
    assert_eq!(ovr_Message_GetRequestID(null), 0);
    assert!(ovr_Message_GetError(null).is_null());
    assert!(ovr_Message_GetNetworkingPeer(null).is_null());
    assert!(ovr_Message_GetPingResult(null).is_null());
    assert!(ovr_Message_GetRoom(null).is_null());
    assert!(ovr_Message_GetString(null).is_null());

    assert_eq!(ovr_NetworkingPeer_GetID(std::ptr::null_mut()), 0);
    assert_eq!(ovr_NetworkingPeer_GetState(std::ptr::null_mut()), PeerConnectionState::Unknown);
    assert_eq!(ovr_PingResult_GetID(std::ptr::null_mut()), 0);
    assert_eq!(ovr_PingResult_GetPingTimeUsec(std::ptr::null_mut()), 0);
    assert_eq!(ovr_PingResult_IsTimeout(std::ptr::null_mut()).raw(), 0);
    assert_eq!(ovr_Error_GetCode(std::ptr::null_mut()), 0);
    assert_eq!(ovr_Error_GetHttpCode(std::ptr::null_mut()), 0);
    assert!(ovr_Error_GetMessage(std::ptr::null_mut()).is_null());
    assert!(ovr_Error_GetDisplayableMessage(std::ptr::null_mut()).is_null());
}
