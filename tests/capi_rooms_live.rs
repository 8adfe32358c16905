//! The room exports end to end: the C ABI instance and peers on the Rust API in one room on a real
//! in-process server, over UDP on 127.0.0.1: replies and updates as C messages, auto-accept,
//! broadcast, close, owner hand-off on leave, the errors the server gives for bad input, and the
//! turn-off-updates option.

mod capi_support;

use std::ffi::CString;
use std::time::Duration;

use capi_support::live::{
    CConfig, Msg, RoomInfo, ShutdownOnDrop, engine_expect, engine_read_n, expect, expect_after, none_within,
    peer_engine, read_n, room_reply, room_update, server,
};
use capi_support::serial;
use ovrnet::capi::abi::enums::{
    PeerConnectionState, RawRoomJoinPolicy, RawSendPolicy, RoomJoinPolicy, SendPolicy,
};
use ovrnet::capi::messages::message_type::MessageType;
use ovrnet::capi::net::net_room::{
    ovr_Net_AcceptForCurrentRoom, ovr_Net_CloseForCurrentRoom, ovr_Net_SendPacketToCurrentRoom,
};
use ovrnet::capi::rooms::room_enums::RoomJoinability;
use ovrnet::capi::rooms::room_options::{
    ovr_RoomOptions_Create, ovr_RoomOptions_Destroy, ovr_RoomOptions_SetDataStoreString,
    ovr_RoomOptions_SetTurnOffUpdates,
};
use ovrnet::capi::rooms::room_requests::{
    ovr_Room_CreateAndJoinPrivate2, ovr_Room_Get, ovr_Room_GetCurrent, ovr_Room_Join2, ovr_Room_Leave,
};
use ovrnet::engine::{Engine, Notification, PeerState};
use ovrnet::proto::Policy;
use ovrnet::server::AuthMode;
use ovrnet::signal::{RoomRequest, RoomSnapshot};

const ME: u64 = 1001;

fn room_send(data: &[u8], policy: SendPolicy) -> bool {
    ovr_Net_SendPacketToCurrentRoom(data.len(), data.as_ptr().cast(), RawSendPolicy::from(policy)).get()
}

fn create(policy: RawRoomJoinPolicy, max_users: u32) -> u64 {
    ovr_Room_CreateAndJoinPrivate2(policy, max_users, std::ptr::null_mut())
}

/// A Rust-API peer's room request and its successful reply.
fn engine_room(e: &Engine, req: RoomRequest) -> RoomSnapshot {
    let id = e.room_request(req);
    match engine_expect(e, |n| matches!(n, Notification::RoomReply { request_id, .. } if *request_id == id)) {
        Notification::RoomReply { result, .. } => result.expect("peer's room request succeeds"),
        _ => unreachable!(),
    }
}

fn error_code(result: Result<RoomInfo, capi_support::live::ErrorInfo>) -> i32 {
    let e = result.expect_err("an error reply");
    assert!(!e.message.is_empty() && !e.displayable.is_empty(), "readable text: {e:?}");
    e.code
}

#[test]
fn create_join_updates_auto_accept_broadcast_close_and_leave() {
    let _serial = serial();
    let s = server(AuthMode::Open);
    let (p2, p3) = (peer_engine(&s, 2002), peer_engine(&s, 2003));
    assert!(CConfig::new(s.local_addr(), ME).init());
    let _shutdown = ShutdownOnDrop;

    // In no room yet.
    assert!(!ovr_Net_AcceptForCurrentRoom().get());
    assert!(!room_send(b"x", SendPolicy::Reliable));
    assert_eq!(error_code(room_reply(MessageType::Room_GetCurrent, ovr_Room_GetCurrent())), 4);

    // Create with a data store.
    let options = ovr_RoomOptions_Create();
    let (key, value) = (CString::new("map").unwrap(), CString::new("dust").unwrap());
    ovr_RoomOptions_SetDataStoreString(options, key.as_ptr(), value.as_ptr());
    let req = ovr_Room_CreateAndJoinPrivate2(RoomJoinPolicy::Everyone.into(), 3, options);
    ovr_RoomOptions_Destroy(options);
    let created = room_reply(MessageType::Room_CreateAndJoinPrivate2, req).expect("created");
    let room = created.id;
    assert_ne!(room, 0);
    assert_eq!(created.owner, Some(ME));
    assert_eq!(created.users, vec![ME]);
    assert_eq!((created.max_users, created.version), (3, 1));
    assert_eq!(created.joinability, RoomJoinability::AreIn);
    assert_eq!(created.data_store, vec![("map".to_owned(), "dust".to_owned())]);
    assert!(ovr_Net_AcceptForCurrentRoom().get());
    assert!(room_send(b"alone", SendPolicy::Reliable), "alone in the room: nothing to refuse");

    // A member joins: the C side gets an update, then accepts the member's connection by itself.
    engine_room(&p2, RoomRequest::Join { room, updates_off: false });
    let update = room_update();
    assert_eq!((update.id, update.users.clone(), update.version), (room, vec![ME, 2002], 2));
    p2.connect(ME);
    engine_expect(&p2, |n| {
        *n == Notification::ConnectionStateChange { peer: ME, state: PeerState::Connected }
    });
    let (_, before) = expect_after(|m| *m == Msg::State(2002, PeerConnectionState::Connected));
    assert!(!before.contains(&Msg::ConnectRequest(2002)), "auto-accepted, not asked: {before:?}");

    // A later member is covered too; it accepts the C side's implicit connection by itself.
    engine_room(&p3, RoomRequest::Join { room, updates_off: false });
    assert!(p3.accept_for_current_room());
    assert_eq!(room_update().users, vec![ME, 2002, 2003]);
    for i in 0..5u8 {
        assert!(room_send(&[b'r', i], SendPolicy::Reliable));
    }
    for peer in [&p2, &p3] {
        let got: Vec<_> = engine_read_n(peer, 5).into_iter().map(|p| (p.sender, p.policy, p.data)).collect();
        let want: Vec<_> = (0..5u8).map(|i| (ME, Policy::Reliable, vec![b'r', i])).collect();
        assert_eq!(got, want, "peer {}", peer.user_id());
    }
    p3.send(ME, b"from 2003", Policy::Reliable).expect("send");
    assert_eq!(read_n(1), vec![(2003, SendPolicy::Reliable, b"from 2003".to_vec())]);

    // Reads: Get (member view) and GetCurrent.
    let got = room_reply(MessageType::Room_Get, ovr_Room_Get(room)).expect("get");
    assert_eq!((got.users.len(), got.joinability, got.version), (3, RoomJoinability::AreIn, 3));
    assert_eq!(room_reply(MessageType::Room_GetCurrent, ovr_Room_GetCurrent()).expect("current").id, room);

    // Bad input: errors from the server, and the user stays where it was.
    assert_eq!(
        error_code(room_reply(MessageType::Room_Join2, ovr_Room_Join2(room ^ 0x5555, std::ptr::null_mut()))),
        1
    );
    assert_eq!(error_code(room_reply(MessageType::Room_Get, ovr_Room_Get(room ^ 0x5555))), 1);
    assert_eq!(error_code(room_reply(MessageType::Room_Leave, ovr_Room_Leave(room ^ 0x5555))), 1);
    let everyone = RawRoomJoinPolicy::from(RoomJoinPolicy::Everyone);
    assert_eq!(error_code(room_reply(MessageType::Room_CreateAndJoinPrivate2, create(everyone, 0))), 5);
    assert_eq!(
        error_code(room_reply(MessageType::Room_CreateAndJoinPrivate2, create(everyone, u32::MAX))),
        5
    );
    let unknown = RawRoomJoinPolicy::from(RoomJoinPolicy::Unknown);
    assert_eq!(error_code(room_reply(MessageType::Room_CreateAndJoinPrivate2, create(unknown, 4))), 5);
    assert_eq!(create(RawRoomJoinPolicy(42), 4), 0, "not a join policy: nothing sent");
    assert_eq!(room_reply(MessageType::Room_GetCurrent, ovr_Room_GetCurrent()).expect("still in").id, room);
    // A full room refuses a fourth member, and a non-member sees it as full.
    let p4 = peer_engine(&s, 2004);
    let id = p4.room_request(RoomRequest::Join { room, updates_off: false });
    engine_expect(
        &p4,
        |n| matches!(n, Notification::RoomReply { request_id, result: Err(_), .. } if *request_id == id),
    );
    let p4_view = p4.room_request(RoomRequest::Get { room });
    engine_expect(
        &p4,
        |n| matches!(n, Notification::RoomReply { request_id, result: Ok(_), .. } if *request_id == p4_view),
    );

    // Close to every member.
    ovr_Net_CloseForCurrentRoom();
    for peer in [&p2, &p3] {
        engine_expect(peer, |n| {
            *n == Notification::ConnectionStateChange { peer: ME, state: PeerState::Closed }
        });
    }

    // Leave: the reply shows the room after the departure, with the owner handed on.
    let left = room_reply(MessageType::Room_Leave, ovr_Room_Leave(room)).expect("left");
    assert_eq!((left.owner, left.users.clone()), (Some(2002), vec![2002, 2003]));
    assert_eq!(left.joinability, RoomJoinability::CanJoin);
    assert!(!ovr_Net_AcceptForCurrentRoom().get());
    assert!(!room_send(b"x", SendPolicy::Reliable));
    ovr_Net_CloseForCurrentRoom(); // not in a room: logs and does nothing
    assert_eq!(error_code(room_reply(MessageType::Room_Leave, ovr_Room_Leave(room))), 4);
    assert_eq!(error_code(room_reply(MessageType::Room_GetCurrent, ovr_Room_GetCurrent())), 4);

    // Leaving ended the auto-accept: a former member's request is a message again.
    p2.connect(ME);
    expect(|m| *m == Msg::ConnectRequest(2002));

    // Rejoin with updates turned off: no RoomUpdate when another member leaves.
    let options = ovr_RoomOptions_Create();
    ovr_RoomOptions_SetTurnOffUpdates(options, true.into());
    let rejoined = room_reply(MessageType::Room_Join2, ovr_Room_Join2(room, options)).expect("rejoined");
    ovr_RoomOptions_Destroy(options);
    assert_eq!(rejoined.users, vec![2002, 2003, ME]);
    engine_room(&p3, RoomRequest::Leave { room });
    assert!(none_within(Duration::from_millis(500), |m| matches!(
        m,
        Msg::Room { kind: MessageType::Notification_Room_RoomUpdate, .. }
    )));
    assert_eq!(room_reply(MessageType::Room_Get, ovr_Room_Get(room)).expect("get").users, vec![2002, ME]);

    // The last members leave: the room is destroyed.
    engine_room(&p2, RoomRequest::Leave { room });
    let last = room_reply(MessageType::Room_Leave, ovr_Room_Leave(room)).expect("left last");
    assert_eq!((last.owner, last.users.len(), last.joinability), (None, 0, RoomJoinability::Unknown));
    assert_eq!(error_code(room_reply(MessageType::Room_Get, ovr_Room_Get(room))), 1);
}
