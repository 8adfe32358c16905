//! The room exports against a scripted runtime (no engine, no network): which requests reach the
//! runtime and with what, what is refused before it, what room options carry, and what the room,
//! user and data store getters return for a room payload (including NULL handles).

mod capi_support;

use std::ffi::{CStr, CString, c_char};
use std::sync::Arc;

use capi_support::fake_runtime::{Call, FakeRuntime};
use capi_support::serial;
use ovrnet::capi::abi::cbool::BoolArg;
use ovrnet::capi::abi::enums::{RawRoomJoinPolicy, RoomJoinPolicy};
use ovrnet::capi::messages::message::{self, Message, Payload, ovr_FreeMessage, ovr_Message_GetRoom};
use ovrnet::capi::messages::message_type::MessageType;
use ovrnet::capi::platform::runtime;
use ovrnet::capi::rooms::data_store::{
    ovr_DataStore_Contains, ovr_DataStore_GetKey, ovr_DataStore_GetNumKeys, ovr_DataStore_GetValue,
};
use ovrnet::capi::rooms::room::*;
use ovrnet::capi::rooms::room_enums::{
    RawTimeWindow, RawUserOrdering, RoomJoinability, RoomType, UserPresenceStatus,
};
use ovrnet::capi::rooms::room_options::*;
use ovrnet::capi::rooms::room_requests::*;
use ovrnet::capi::users::user::*;
use ovrnet::signal::{DataStore, JoinPolicy, RoomRequest, RoomSnapshot};

const ME: u64 = 100;

fn with_fake(body: impl FnOnce(&FakeRuntime)) {
    let _serial = serial();
    let fake = Arc::new(FakeRuntime::new(ME));
    runtime::install(fake.clone()).expect("slot empty at test start");
    body(&fake);
    assert!(runtime::shutdown());
}

fn text(ptr: *const c_char) -> Option<String> {
    // SAFETY: every pointer checked here comes from an export documented to return NULL or a
    // NUL-terminated string that outlives this call.
    (!ptr.is_null()).then(|| unsafe { CStr::from_ptr(ptr) }.to_str().expect("UTF-8").to_owned())
}

fn c(s: &str) -> CString {
    CString::new(s).expect("no NUL")
}

fn store(pairs: &[(&str, &str)]) -> DataStore {
    let mut d = DataStore::new();
    for (k, v) in pairs {
        d.set(k, v).unwrap();
    }
    d
}

#[test]
fn requests_reach_the_runtime_with_their_options() {
    with_fake(|fake| {
        let options = ovr_RoomOptions_Create();
        assert!(!options.is_null());
        ovr_RoomOptions_SetTurnOffUpdates(options, BoolArg(2)); // any non-zero byte is true
        ovr_RoomOptions_SetDataStoreString(options, c("map").as_ptr(), c("dust").as_ptr());
        ovr_RoomOptions_SetDataStoreString(options, c("mode").as_ptr(), c("ctf").as_ptr());
        ovr_RoomOptions_SetDataStoreString(options, c("map").as_ptr(), c("mirage").as_ptr());
        let create = ovr_Room_CreateAndJoinPrivate2(RawRoomJoinPolicy(1), 4, options);
        // The request copied what it needed: destroying the options right away is fine.
        ovr_RoomOptions_Destroy(options);
        let join = ovr_Room_Join2(77, std::ptr::null_mut());
        let leave = ovr_Room_Leave(77);
        let get = ovr_Room_Get(78);
        let current = ovr_Room_GetCurrent();
        let ids = [create, join, leave, get, current];
        assert!(ids.iter().all(|&id| id != 0), "{ids:?}");
        assert_eq!(
            fake.calls(),
            vec![
                Call::Room(RoomRequest::Create {
                    join_policy: JoinPolicy::Everyone,
                    max_users: 4,
                    updates_off: true,
                    data_store: store(&[("map", "mirage"), ("mode", "ctf")]),
                }),
                Call::Room(RoomRequest::Join { room: 77, updates_off: false }),
                Call::Room(RoomRequest::Leave { room: 77 }),
                Call::Room(RoomRequest::Get { room: 78 }),
                Call::Room(RoomRequest::GetCurrent),
            ]
        );
    });
}

#[test]
fn values_the_server_judges_are_sent_and_unsendable_ones_give_zero() {
    with_fake(|fake| {
        // Out-of-enum join policies and room 0 cannot be sent: request id 0, nothing sent.
        for raw in [-1, 6, 99, i32::MIN] {
            assert_eq!(ovr_Room_CreateAndJoinPrivate2(RawRoomJoinPolicy(raw), 4, std::ptr::null_mut()), 0);
        }
        assert_eq!(ovr_Room_Join2(0, std::ptr::null_mut()), 0);
        assert_eq!(ovr_Room_Leave(0), 0);
        assert_eq!(ovr_Room_Get(0), 0);
        assert_eq!(fake.calls(), vec![]);

        // Max users 0 or huge and the Unknown policy are the server's to refuse (an error reply).
        assert_ne!(ovr_Room_CreateAndJoinPrivate2(RawRoomJoinPolicy(1), 0, std::ptr::null_mut()), 0);
        assert_ne!(ovr_Room_CreateAndJoinPrivate2(RawRoomJoinPolicy(1), u32::MAX, std::ptr::null_mut()), 0);
        assert_ne!(
            ovr_Room_CreateAndJoinPrivate2(RoomJoinPolicy::Unknown.into(), 2, std::ptr::null_mut()),
            0
        );
        let sent: Vec<_> = fake.calls();
        assert_eq!(sent.len(), 3);
        assert!(matches!(&sent[0], Call::Room(RoomRequest::Create { max_users: 0, updates_off: false, .. })));
        assert!(matches!(&sent[1], Call::Room(RoomRequest::Create { max_users: u32::MAX, .. })));
        assert!(matches!(&sent[2], Call::Room(RoomRequest::Create { join_policy: JoinPolicy::Unknown, .. })));
    });
}

#[test]
fn requests_give_zero_before_init() {
    let _serial = serial();
    assert_eq!(ovr_Room_CreateAndJoinPrivate2(RawRoomJoinPolicy(1), 4, std::ptr::null_mut()), 0);
    assert_eq!(ovr_Room_Join2(5, std::ptr::null_mut()), 0);
    assert_eq!(ovr_Room_Leave(5), 0);
    assert_eq!(ovr_Room_Get(5), 0);
    assert_eq!(ovr_Room_GetCurrent(), 0);
}

#[test]
fn room_options_refuse_what_does_not_fit_and_accept_the_ignored_setters() {
    let _serial = serial();
    let options = ovr_RoomOptions_Create();
    ovr_RoomOptions_SetDataStoreString(options, c("").as_ptr(), c("v").as_ptr());
    ovr_RoomOptions_SetDataStoreString(options, c(&"k".repeat(65)).as_ptr(), c("v").as_ptr());
    ovr_RoomOptions_SetDataStoreString(options, c("k").as_ptr(), c(&"v".repeat(256)).as_ptr());
    ovr_RoomOptions_SetDataStoreString(options, std::ptr::null(), c("v").as_ptr());
    ovr_RoomOptions_SetDataStoreString(options, c("k").as_ptr(), std::ptr::null());
    ovr_RoomOptions_SetDataStoreString(options, c("bad").as_ptr(), c"\xff\xfe".as_ptr());
    // SAFETY: `options` is a live handle from ovr_RoomOptions_Create, used by this thread only.
    let read = |h: ovrRoomOptionsHandle| unsafe { (*h).clone() };
    assert!(read(options).data_store().is_empty(), "nothing that does not fit was stored");
    for i in 0..16 {
        ovr_RoomOptions_SetDataStoreString(options, c(&format!("k{i:02}")).as_ptr(), c("v").as_ptr());
    }
    ovr_RoomOptions_SetDataStoreString(options, c("k16").as_ptr(), c("v").as_ptr());
    assert_eq!(read(options).data_store().len(), 16, "the 17th pair is refused");
    ovr_RoomOptions_ClearDataStore(options);
    assert!(read(options).data_store().is_empty());

    ovr_RoomOptions_SetRoomId(options, 1234);
    ovr_RoomOptions_SetExcludeRecentlyMet(options, BoolArg(1));
    ovr_RoomOptions_SetMaxUserResults(options, 10);
    ovr_RoomOptions_SetOrdering(options, RawUserOrdering(2));
    ovr_RoomOptions_SetOrdering(options, RawUserOrdering(77));
    ovr_RoomOptions_SetRecentlyMetTimeWindow(options, RawTimeWindow(5));
    ovr_RoomOptions_SetRecentlyMetTimeWindow(options, RawTimeWindow(-3));
    assert_eq!(read(options).room_id(), 1234);
    assert!(!read(options).turn_off_updates());
    ovr_RoomOptions_Destroy(options);

    // NULL handles are refused with a log line, never dereferenced.
    let null = std::ptr::null_mut();
    ovr_RoomOptions_SetTurnOffUpdates(null, BoolArg(1));
    ovr_RoomOptions_SetDataStoreString(null, c("k").as_ptr(), c("v").as_ptr());
    ovr_RoomOptions_ClearDataStore(null);
    ovr_RoomOptions_SetRoomId(null, 1);
    ovr_RoomOptions_SetOrdering(null, RawUserOrdering(1));
    ovr_RoomOptions_Destroy(null);
}

fn room_message(snapshot: &RoomSnapshot, kind: MessageType, viewer: u64) -> message::ovrMessageHandle {
    message::into_handle(Message::new(kind, 0, Payload::Room(Room::from_snapshot(snapshot, viewer))))
}

fn snapshot() -> RoomSnapshot {
    RoomSnapshot {
        room_id: 0x1234_5678_9ABC,
        owner: 300,
        members: vec![300, ME, 200],
        join_policy: JoinPolicy::FriendsOfOwner,
        max_users: 8,
        data_store: store(&[("map", "dust"), ("mode", "ctf")]),
        version: 6,
        membership_locked: false,
        invited_users: Vec::new(),
        description: String::new(),
    }
}

#[test]
fn room_getters_report_the_snapshot_and_the_absent_concepts() {
    let h = room_message(&snapshot(), MessageType::Notification_Room_RoomUpdate, ME);
    let room = ovr_Message_GetRoom(h);
    assert!(!room.is_null());
    assert_eq!(ovr_Room_GetID(room), 0x1234_5678_9ABC);
    assert_eq!(ovr_Room_GetJoinPolicy(room), RoomJoinPolicy::FriendsOfOwner);
    assert_eq!(ovr_Room_GetMaxUsers(room), 8);
    assert_eq!(ovr_Room_GetVersion(room), 6);
    assert_eq!(ovr_Room_GetIsMembershipLocked(room).raw(), 0);
    assert_eq!(ovr_Room_GetType(room), RoomType::Private);
    assert_eq!(ovr_Room_GetJoinability(room), RoomJoinability::AreIn);
    assert_eq!(ovr_Room_GetApplicationID(room), 0);
    assert_eq!(text(ovr_Room_GetName(room)).as_deref(), Some(""));
    assert_eq!(text(ovr_Room_GetDescription(room)).as_deref(), Some(""));
    assert!(ovr_Room_GetMatchedUsers(room).is_null());
    assert!(ovr_Room_GetTeams(room).is_null());
    assert_eq!(ovr_MatchmakingEnqueuedUserArray_GetSize(ovr_Room_GetMatchedUsers(room)), 0);
    assert!(ovr_MatchmakingEnqueuedUserArray_GetElement(std::ptr::null_mut(), 0).is_null());
    assert_eq!(ovr_TeamArray_GetSize(ovr_Room_GetTeams(room)), 0);
    assert!(ovr_TeamArray_GetElement(std::ptr::null_mut(), 0).is_null());

    let invited = ovr_Room_GetInvitedUsers(room);
    assert!(!invited.is_null(), "an empty list, not an absent one");
    assert_eq!(ovr_UserArray_GetSize(invited), 0);
    assert!(ovr_UserArray_GetElement(invited, 0).is_null());

    let owner = ovr_Room_GetOwner(room);
    assert_eq!(ovr_User_GetID(owner), 300);
    assert_eq!(text(ovr_User_GetOculusID(owner)).as_deref(), Some("300"));
    assert_eq!(text(ovr_User_GetDisplayName(owner)).as_deref(), Some("300"));

    let users = ovr_Room_GetUsers(room);
    assert_eq!(ovr_UserArray_GetSize(users), 3);
    let ids: Vec<u64> = (0..3).map(|i| ovr_User_GetID(ovr_UserArray_GetElement(users, i))).collect();
    assert_eq!(ids, vec![300, ME, 200], "join order");
    assert!(ovr_UserArray_GetElement(users, 3).is_null());
    assert!(ovr_UserArray_GetElement(users, usize::MAX).is_null());
    assert_eq!(text(ovr_UserArray_GetNextUrl(users)).as_deref(), Some(""));
    assert_eq!(ovr_UserArray_HasNextPage(users).raw(), 0);
    let me = ovr_UserArray_GetElement(users, 1);
    for getter in [
        ovr_User_GetImageUrl,
        ovr_User_GetSmallImageUrl,
        ovr_User_GetPresence,
        ovr_User_GetPresenceDeeplinkMessage,
        ovr_User_GetPresenceDestinationApiName,
        ovr_User_GetPresenceLobbySessionId,
        ovr_User_GetPresenceMatchSessionId,
    ] {
        assert_eq!(text(getter(me)).as_deref(), Some(""));
        assert_eq!(text(getter(std::ptr::null_mut())), None);
    }
    assert_eq!(ovr_User_GetPresenceStatus(me), UserPresenceStatus::Unknown);
    // The invite token `ovr_Room_InviteUser` takes is the user id in decimal.
    assert_eq!(text(ovr_User_GetInviteToken(me)).as_deref(), Some(ME.to_string().as_str()));
    assert_eq!(text(ovr_User_GetInviteToken(std::ptr::null_mut())), None);

    let ds = ovr_Room_GetDataStore(room);
    assert_eq!(ovr_DataStore_GetNumKeys(ds), 2);
    assert_eq!(text(ovr_DataStore_GetKey(ds, 0)).as_deref(), Some("map"));
    assert_eq!(text(ovr_DataStore_GetKey(ds, 1)).as_deref(), Some("mode"));
    assert_eq!(text(ovr_DataStore_GetKey(ds, 2)), None);
    assert_eq!(text(ovr_DataStore_GetKey(ds, -1)), None);
    assert_eq!(text(ovr_DataStore_GetValue(ds, c("mode").as_ptr())).as_deref(), Some("ctf"));
    assert_eq!(text(ovr_DataStore_GetValue(ds, c("nope").as_ptr())), None);
    assert_eq!(text(ovr_DataStore_GetValue(ds, std::ptr::null())), None);
    assert_eq!(ovr_DataStore_Contains(ds, c("map").as_ptr()), 1);
    assert_eq!(ovr_DataStore_Contains(ds, c("Map").as_ptr()), 0);
    assert_eq!(ovr_DataStore_Contains(ds, std::ptr::null()), 0);
    ovr_FreeMessage(h);
}

#[test]
fn joinability_is_seen_from_the_local_user() {
    let mut full = snapshot();
    full.max_users = 3;
    let h = room_message(&full, MessageType::Room_Get, 999);
    assert_eq!(ovr_Room_GetJoinability(ovr_Message_GetRoom(h)), RoomJoinability::IsFull);
    ovr_FreeMessage(h);
    let h = room_message(&snapshot(), MessageType::Room_Get, 999);
    assert_eq!(ovr_Room_GetJoinability(ovr_Message_GetRoom(h)), RoomJoinability::CanJoin);
    ovr_FreeMessage(h);
    let mut closed = snapshot();
    closed.join_policy = JoinPolicy::None;
    let h = room_message(&closed, MessageType::Room_Get, 999);
    assert_eq!(ovr_Room_GetJoinability(ovr_Message_GetRoom(h)), RoomJoinability::PolicyPrevents);
    ovr_FreeMessage(h);
    // The reply to the last member's leave: no members, no owner.
    let mut gone = snapshot();
    gone.members.clear();
    gone.owner = 0;
    let h = room_message(&gone, MessageType::Room_Leave, ME);
    let room = ovr_Message_GetRoom(h);
    assert!(ovr_Room_GetOwner(room).is_null());
    assert_eq!(ovr_UserArray_GetSize(ovr_Room_GetUsers(room)), 0);
    assert_eq!(ovr_Room_GetJoinability(room), RoomJoinability::Unknown);
    ovr_FreeMessage(h);
}

#[test]
fn null_handles_give_the_fallbacks() {
    let null = std::ptr::null_mut();
    let (users, user, ds) = (std::ptr::null_mut(), std::ptr::null_mut(), std::ptr::null_mut());
    assert_eq!(ovr_Room_GetID(null), 0);
    assert!(ovr_Room_GetOwner(null).is_null());
    assert!(ovr_Room_GetUsers(null).is_null());
    assert!(ovr_Room_GetDataStore(null).is_null());
    assert!(ovr_Room_GetInvitedUsers(null).is_null());
    assert!(ovr_Room_GetMatchedUsers(null).is_null());
    assert!(ovr_Room_GetTeams(null).is_null());
    assert_eq!(ovr_Room_GetJoinPolicy(null), RoomJoinPolicy::Unknown);
    assert_eq!(ovr_Room_GetJoinability(null), RoomJoinability::Unknown);
    assert_eq!(ovr_Room_GetType(null), RoomType::Unknown);
    assert_eq!(ovr_Room_GetMaxUsers(null), 0);
    assert_eq!(ovr_Room_GetVersion(null), 0);
    assert_eq!(ovr_Room_GetApplicationID(null), 0);
    assert_eq!(ovr_Room_GetIsMembershipLocked(null).raw(), 0);
    assert!(ovr_Room_GetName(null).is_null());
    assert!(ovr_Room_GetDescription(null).is_null());
    assert_eq!(ovr_UserArray_GetSize(users), 0);
    assert!(ovr_UserArray_GetElement(users, 0).is_null());
    assert!(ovr_UserArray_GetNextUrl(users).is_null());
    assert_eq!(ovr_UserArray_HasNextPage(users).raw(), 0);
    assert_eq!(ovr_User_GetID(user), 0);
    assert!(ovr_User_GetOculusID(user).is_null());
    assert!(ovr_User_GetDisplayName(user).is_null());
    assert_eq!(ovr_User_GetPresenceStatus(user), UserPresenceStatus::Unknown);
    assert_eq!(ovr_DataStore_GetNumKeys(ds), 0);
    assert!(ovr_DataStore_GetKey(ds, 0).is_null());
    assert!(ovr_DataStore_GetValue(ds, c("k").as_ptr()).is_null());
    assert_eq!(ovr_DataStore_Contains(ds, c("k").as_ptr()), 0);
    assert!(ovr_Message_GetRoom(std::ptr::null_mut()).is_null());
}

#[test]
fn error_replies_carry_no_room() {
    let err = ovrnet::capi::messages::error::PlatformError::new(1, 0, "no_such_room (1): gone", "gone");
    let h = message::into_handle(Message::error(MessageType::Room_Join2, 4, err));
    assert!(ovr_Message_GetRoom(h).is_null());
    // Code that reads the joinability of a failed join's (NULL) room gets Unknown.
    assert_eq!(ovr_Room_GetJoinability(ovr_Message_GetRoom(h)), RoomJoinability::Unknown);
    ovr_FreeMessage(h);
}
