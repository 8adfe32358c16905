//! The C enums: exact values, ToString/FromString round trips, unknown values refused.

use std::ffi::{CString, c_char};

use ovrnet::capi::abi::enums::*;
use ovrnet::capi::abi::inspect::c_string;
use ovrnet::capi::messages::message_type::{
    MessageType, RawMessageType, ovrMessageType_IsNotification, ovrMessageType_ToString,
};
use ovrnet::capi::sdk::generated::enums::*;

fn text(ptr: *const c_char) -> String {
    c_string(ptr).expect("ToString must never return NULL")
}

#[test]
fn numeric_values_match_the_original_sdk() {
    assert_eq!(SendPolicy::Unreliable as i32, 0);
    assert_eq!(SendPolicy::Reliable as i32, 1);
    assert_eq!(SendPolicy::Unknown as i32, 2);
    assert_eq!(PeerConnectionState::Unknown as i32, 0);
    assert_eq!(PeerConnectionState::Connected as i32, 1);
    assert_eq!(PeerConnectionState::Timeout as i32, 2);
    assert_eq!(PeerConnectionState::Closed as i32, 3);
    let policies = [
        RoomJoinPolicy::None,
        RoomJoinPolicy::Everyone,
        RoomJoinPolicy::FriendsOfMembers,
        RoomJoinPolicy::FriendsOfOwner,
        RoomJoinPolicy::InvitedUsers,
        RoomJoinPolicy::Unknown,
    ];
    for (expected, policy) in policies.into_iter().enumerate() {
        assert_eq!(policy as i32, expected as i32);
    }
    // C enums are C ints.
    assert_eq!(size_of::<SendPolicy>(), 4);
    assert_eq!(size_of::<PeerConnectionState>(), 4);
    assert_eq!(size_of::<RoomJoinPolicy>(), 4);
    assert_eq!(size_of::<MessageType>(), 4);
}

#[test]
fn message_type_ids_match_the_contract() {
    let expected = [
        (MessageType::Notification_Networking_ConnectionStateChange, 0x5E02_D49A),
        (MessageType::Notification_Networking_PeerConnectRequest, 0x4D31_E2CF),
        (MessageType::Notification_Networking_PingResult, 0x5115_3012),
        (MessageType::Notification_Room_RoomUpdate, 0x60EC_3C2F),
        (MessageType::Room_CreateAndJoinPrivate2, 0x5A3A_6243),
        (MessageType::Room_Join2, 0x4DAB_1C42),
        (MessageType::Room_Leave, 0x7238_2475),
        (MessageType::Room_GetCurrent, 0x09A6_A504),
        (MessageType::Room_Get, 0x659A_8FB8),
        (MessageType::Room_UpdateDataStore, 0x026E_4028),
        (MessageType::Platform_InitializeStandaloneOculus, 0x51F8_CE0C),
        (MessageType::PlatformInitializeWithAccessToken, 0x3569_2F2B),
        (MessageType::Unknown, 0),
    ];
    for (kind, id) in expected {
        assert_eq!(kind.to_raw(), id, "{kind:?}");
        assert_eq!(MessageType::from_raw(id), Ok(kind));
    }
    // Every id of the original SDK is known (v49's 194 plus five of the older Unity scripts),
    // each once.
    let ids: std::collections::BTreeSet<u32> = MessageType::all().map(MessageType::to_raw).collect();
    assert_eq!(MessageType::all().count(), 199);
    assert_eq!(ids.len(), 199, "no id twice");
}

#[test]
fn send_policy_strings_round_trip() {
    for (policy, name) in [
        (SendPolicy::Unreliable, "UNRELIABLE"),
        (SendPolicy::Reliable, "RELIABLE"),
        (SendPolicy::Unknown, "UNKNOWN"),
    ] {
        assert_eq!(text(ovrSendPolicy_ToString(policy.into())), name);
        let c = CString::new(name).unwrap();
        assert_eq!(ovrSendPolicy_FromString(c.as_ptr()), policy);
    }
}

#[test]
fn peer_state_strings_round_trip() {
    for (state, name) in [
        (PeerConnectionState::Unknown, "UNKNOWN"),
        (PeerConnectionState::Connected, "CONNECTED"),
        (PeerConnectionState::Timeout, "TIMEOUT"),
        (PeerConnectionState::Closed, "CLOSED"),
    ] {
        assert_eq!(text(ovrPeerConnectionState_ToString(state.into())), name);
        let c = CString::new(name).unwrap();
        assert_eq!(ovrPeerConnectionState_FromString(c.as_ptr()), state);
    }
}

#[test]
fn join_policy_strings_round_trip() {
    for (policy, name) in [
        (RoomJoinPolicy::None, "NONE"),
        (RoomJoinPolicy::Everyone, "EVERYONE"),
        (RoomJoinPolicy::FriendsOfMembers, "FRIENDS_OF_MEMBERS"),
        (RoomJoinPolicy::FriendsOfOwner, "FRIENDS_OF_OWNER"),
        (RoomJoinPolicy::InvitedUsers, "INVITED_USERS"),
        (RoomJoinPolicy::Unknown, "UNKNOWN"),
    ] {
        assert_eq!(text(ovrRoomJoinPolicy_ToString(policy.into())), name);
        let c = CString::new(name).unwrap();
        assert_eq!(ovrRoomJoinPolicy_FromString(c.as_ptr()), policy);
    }
}

#[test]
fn unknown_ints_give_unknown_not_ub() {
    for raw in [-1, 3, 4, 99, i32::MIN, i32::MAX] {
        assert_eq!(text(ovrSendPolicy_ToString(RawSendPolicy(raw))), "UNKNOWN");
        assert!(SendPolicy::from_raw(raw).is_err());
    }
    for raw in [-1, 4, 1000] {
        assert_eq!(text(ovrPeerConnectionState_ToString(RawPeerConnectionState(raw))), "UNKNOWN");
        assert!(PeerConnectionState::from_raw(raw).is_err());
    }
    for raw in [-1, 6, 1 << 20] {
        assert_eq!(text(ovrRoomJoinPolicy_ToString(RawRoomJoinPolicy(raw))), "UNKNOWN");
        assert!(RoomJoinPolicy::from_raw(raw).is_err());
    }
}

#[test]
fn null_or_unknown_strings_give_the_unknown_value() {
    let null = std::ptr::null();
    assert_eq!(ovrSendPolicy_FromString(null), SendPolicy::Unknown);
    assert_eq!(ovrPeerConnectionState_FromString(null), PeerConnectionState::Unknown);
    assert_eq!(ovrRoomJoinPolicy_FromString(null), RoomJoinPolicy::Unknown);
    for bad in ["", "reliable", "RELIABLE ", "Connected", "EVERY ONE"] {
        let c = CString::new(bad).unwrap();
        assert_eq!(ovrSendPolicy_FromString(c.as_ptr()), SendPolicy::Unknown);
        assert_eq!(ovrPeerConnectionState_FromString(c.as_ptr()), PeerConnectionState::Unknown);
        assert_eq!(ovrRoomJoinPolicy_FromString(c.as_ptr()), RoomJoinPolicy::Unknown);
    }
}

#[test]
fn message_type_names_and_notification_flag() {
    let name = |kind: MessageType| text(ovrMessageType_ToString(kind.into()));
    assert_eq!(
        name(MessageType::Notification_Networking_ConnectionStateChange),
        "Notification_Networking_ConnectionStateChange"
    );
    assert_eq!(name(MessageType::Room_Join2), "Room_Join2");
    assert_eq!(name(MessageType::Unknown), "Unknown");
    assert_eq!(text(ovrMessageType_ToString(RawMessageType(0x1234_5678))), "Unknown");

    for kind in MessageType::all() {
        let expected = name(kind).starts_with("Notification_");
        let got = ovrMessageType_IsNotification(kind.into());
        assert_eq!(got.raw(), u32::from(expected), "{kind:?}");
    }
    assert_eq!(ovrMessageType_IsNotification(RawMessageType(7)).raw(), 0);
    assert_eq!(ovrMessageType_IsNotification(RawMessageType(u32::MAX)).raw(), 0);
}
