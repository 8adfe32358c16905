//! The v1 room calls old games make (`ovr_Room_CreateAndJoinPrivate`, `ovr_Room_Join`) through the
//! C ABI against a real in-process server, with peers on the Rust API: they reply with their own
//! (v1) message types, and their subscribe flag decides whether RoomUpdates arrive.

mod capi_support;

use std::time::Duration;

use capi_support::live::{
    CConfig, Msg, ShutdownOnDrop, engine_expect, none_within, peer_engine, room_reply, room_update, server,
};
use capi_support::serial;
use ovrnet::capi::abi::cbool::BoolArg;
use ovrnet::capi::abi::enums::{RawRoomJoinPolicy, RoomJoinPolicy};
use ovrnet::capi::messages::message_type::MessageType;
use ovrnet::capi::rooms::room_requests::{ovr_Room_CreateAndJoinPrivate, ovr_Room_Join, ovr_Room_Leave};
use ovrnet::engine::{Engine, Notification};
use ovrnet::server::AuthMode;
use ovrnet::signal::{JoinPolicy, RoomRequest, RoomSnapshot};

const ME: u64 = 3001;

fn engine_room(e: &Engine, req: RoomRequest) -> RoomSnapshot {
    let id = e.room_request(req);
    match engine_expect(e, |n| matches!(n, Notification::RoomReply { request_id, .. } if *request_id == id)) {
        Notification::RoomReply { result, .. } => result.expect("peer's room request succeeds"),
        _ => unreachable!(),
    }
}

#[test]
fn v1_create_and_join_reply_with_v1_types_and_honour_the_subscribe_flag() {
    let _serial = serial();
    let s = server(AuthMode::Open);
    let (p2, p3) = (peer_engine(&s, 3002), peer_engine(&s, 3003));
    assert!(CConfig::new(s.local_addr(), ME).init());
    let _shutdown = ShutdownOnDrop;

    // Created with updates: the reply is the v1 type, and a joining peer pushes an update.
    let req = ovr_Room_CreateAndJoinPrivate(RoomJoinPolicy::Everyone.into(), 4, BoolArg::from(true));
    let created = room_reply(MessageType::Room_CreateAndJoinPrivate, req).expect("created");
    assert_eq!((created.owner, created.users.clone(), created.max_users), (Some(ME), vec![ME], 4));
    engine_room(&p2, RoomRequest::Join { room: created.id, updates_off: false });
    assert_eq!(room_update().users, vec![ME, 3002]);
    let left = room_reply(MessageType::Room_Leave, ovr_Room_Leave(created.id)).expect("left");
    assert!(!left.users.contains(&ME));

    // Joined without updates: the reply is the v1 type, and nobody's arrival is pushed.
    let other = engine_room(
        &p3,
        RoomRequest::Create {
            join_policy: JoinPolicy::Everyone,
            max_users: 4,
            updates_off: false,
            data_store: Default::default(),
        },
    );
    let joined = room_reply(MessageType::Room_Join, ovr_Room_Join(other.room_id, BoolArg::from(false)))
        .expect("joined");
    assert_eq!(joined.users, vec![3003, ME]);
    engine_room(&p2, RoomRequest::Join { room: other.room_id, updates_off: false });
    assert!(
        none_within(Duration::from_millis(500), |m| matches!(
            m,
            Msg::Room { kind: MessageType::Notification_Room_RoomUpdate, .. }
        )),
        "subscribeToUpdates=false: no RoomUpdate"
    );

    // Bad arguments: a join policy outside the enum and room 0 give request id 0.
    assert_eq!(ovr_Room_CreateAndJoinPrivate(RawRoomJoinPolicy(99), 4, BoolArg::from(true)), 0);
    assert_eq!(ovr_Room_Join(0, BoolArg::from(true)), 0);
}
