//! Services ovrnet does not provide behave like a server that said no, through the real C ABI
//! and a real engine: a request returns a fresh request id and an error reply of the matching
//! message type follows in queue order; getters return 0/NULL/""; nothing crashes, before init
//! or after it.

mod capi_support;

use std::time::{Duration, Instant};

use capi_support::live::{CConfig, server};
use capi_support::serial;
use ovrnet::capi::abi::inspect::c_string;
use ovrnet::capi::messages::error::{ERROR_CODE_NOT_PROVIDED, ovr_Error_GetCode, ovr_Error_GetMessage};
use ovrnet::capi::messages::message::{
    ovr_FreeMessage, ovr_Message_GetError, ovr_Message_GetRequestID, ovr_Message_GetType, ovr_Message_IsError,
};
use ovrnet::capi::messages::message_type::{
    MessageType, ovrMessageType_IsNotification, ovrMessageType_ToString,
};
use ovrnet::capi::messages::queue::ovr_PopMessage;
use ovrnet::capi::platform::ovrnet_init::ovrnet_Shutdown;
use ovrnet::capi::sdk::generated::enums::{RawLeaderboardFilterType, ovrLeaderboardFilterType_ToString};
use ovrnet::capi::sdk::generated::stubs::{
    ovr_AchievementDefinition_GetName, ovr_AchievementDefinition_GetType, ovr_Achievements_AddCount,
    ovr_Achievements_GetAllDefinitions, ovr_Leaderboard_GetEntries, ovr_Voip_GetPCMSize,
};
use ovrnet::capi::sdk::prelude::{RawLeaderboardStartAt, ovrAchievementType};
use ovrnet::server::AuthMode;

/// Pops until `n` replies arrived; (type, request id, is error, error code, error text) each.
fn replies(n: usize) -> Vec<(MessageType, u64, bool, i32, String)> {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut got = vec![];
    while got.len() < n && Instant::now() < deadline {
        let m = ovr_PopMessage();
        if m.is_null() {
            std::thread::sleep(Duration::from_millis(5));
            continue;
        }
        let kind = ovr_Message_GetType(m);
        if ovr_Message_GetRequestID(m) != 0 {
            let e = ovr_Message_GetError(m);
            let text = c_string(ovr_Error_GetMessage(e)).unwrap_or_default();
            got.push((
                kind,
                ovr_Message_GetRequestID(m),
                ovr_Message_IsError(m).get(),
                ovr_Error_GetCode(e),
                text,
            ));
        }
        ovr_FreeMessage(m);
    }
    got
}

#[test]
fn requests_get_an_error_reply_of_their_own_type_and_getters_give_empty_values() {
    let _serial = serial();
    // Before init: no request id, empty values, no crash.
    assert_eq!(ovr_Achievements_AddCount(c"coins".as_ptr(), 1), 0);
    assert_eq!(ovr_Voip_GetPCMSize(42), 0);

    let s = server(AuthMode::Open);
    assert!(CConfig::new(s.local_addr(), 8801).init());
    let a = ovr_Achievements_AddCount(c"coins".as_ptr(), 5);
    let b = ovr_Achievements_GetAllDefinitions();
    let c = ovr_Leaderboard_GetEntries(
        c"board".as_ptr(),
        10,
        RawLeaderboardFilterType(0),
        RawLeaderboardStartAt(0),
    );
    assert!(a != 0 && b != 0 && c != 0 && a != b && b != c, "fresh non-zero ids: {a} {b} {c}");
    let got = replies(3);
    let kinds: Vec<(MessageType, u64)> = got.iter().map(|r| (r.0, r.1)).collect();
    assert_eq!(
        kinds,
        vec![
            (MessageType::Achievements_AddCount, a),
            (MessageType::Achievements_GetAllDefinitions, b),
            (MessageType::Leaderboard_GetEntries, c),
        ],
        "in call order, each of its own type"
    );
    for (_, _, is_error, code, text) in &got {
        assert!(is_error);
        assert_eq!(*code, ERROR_CODE_NOT_PROVIDED);
        assert!(text.contains("not provided by ovrnet"), "{text}");
    }

    // Getters on handles no service ever produced: empty, never a crash, even with NULL.
    let name = ovr_AchievementDefinition_GetName(std::ptr::null_mut());
    assert_eq!(c_string(name).as_deref(), Some(""), "an empty string, not NULL");
    assert_eq!(ovr_AchievementDefinition_GetType(std::ptr::null_mut()), ovrAchievementType::Unknown);
    ovrnet_Shutdown();
}

#[test]
fn every_message_type_and_generated_enum_has_its_name() {
    let name =
        |t: u32| c_string(ovrMessageType_ToString(ovrnet::capi::messages::message_type::RawMessageType(t)));
    assert_eq!(name(0x03E7_6231).as_deref(), Some("Achievements_AddCount"));
    assert_eq!(name(0x4D31_E2CF).as_deref(), Some("Notification_Networking_PeerConnectRequest"));
    assert_eq!(name(0x1234_5678).as_deref(), Some("Unknown"), "an unknown id logs and says Unknown");
    let notification =
        |t: u32| ovrMessageType_IsNotification(ovrnet::capi::messages::message_type::RawMessageType(t)).get();
    assert!(notification(0x60EC_3C2F), "RoomUpdate is a notification");
    assert!(!notification(0x03E7_6231), "a request reply is not");
    let filter = |v: i32| c_string(ovrLeaderboardFilterType_ToString(RawLeaderboardFilterType(v)));
    assert_eq!(filter(1).as_deref(), Some("FRIENDS"));
    assert_eq!(filter(77).as_deref(), Some("UNKNOWN"), "out of range logs and gives the Unknown name");
}
