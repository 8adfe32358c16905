//! The room calls old games make through the C ABI against a real in-process server, with peers
//! on the Rust API: v1 create/join (their own reply types, the subscribe flag) and the management
//! calls (kick, invite, lock, owner, join policy, description, current room of another user),
//! enforced by the server.

mod capi_support;

use std::time::Duration;

use capi_support::live::{
    CConfig, Msg, ShutdownOnDrop, engine_expect, none_within, peer_engine, room_reply, room_update, server,
};
use capi_support::serial;
use ovrnet::capi::abi::cbool::BoolArg;
use ovrnet::capi::abi::enums::{RawRoomJoinPolicy, RoomJoinPolicy};
use ovrnet::capi::messages::message_type::MessageType;
use ovrnet::capi::rooms::room_admin::{
    ovr_Room_GetCurrentForUser, ovr_Room_InviteUser, ovr_Room_KickUser, ovr_Room_SetDescription,
    ovr_Room_UpdateMembershipLockStatus, ovr_Room_UpdateOwner, ovr_Room_UpdatePrivateRoomJoinPolicy,
};
use ovrnet::capi::rooms::room_requests::{ovr_Room_CreateAndJoinPrivate, ovr_Room_Join, ovr_Room_Leave};
use ovrnet::capi::sdk::generated::enums::RawRoomMembershipLockStatus;
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

#[test]
fn owner_kicks_invites_locks_hands_over_and_describes_through_the_c_abi() {
    let _serial = serial();
    let s = server(AuthMode::Open);
    let (p2, p3) = (peer_engine(&s, 3102), peer_engine(&s, 3103));
    assert!(CConfig::new(s.local_addr(), 3101).init());
    let _shutdown = ShutdownOnDrop;

    // An invite-only room: the uninvited are refused, the invited admitted (by invite token).
    let req = ovr_Room_CreateAndJoinPrivate(RoomJoinPolicy::InvitedUsers.into(), 4, BoolArg::from(true));
    let room = room_reply(MessageType::Room_CreateAndJoinPrivate, req).expect("created").id;
    assert!(p2.room_request(RoomRequest::Join { room, updates_off: false }) != 0);
    assert!(matches!(
        engine_expect(&p2, |n| matches!(n, Notification::RoomReply { .. })),
        Notification::RoomReply { result: Err(_), .. }
    ));
    let invited = room_reply(MessageType::Room_InviteUser, ovr_Room_InviteUser(room, c"3102".as_ptr()))
        .expect("invited");
    assert_eq!((invited.users.clone(), invited.invited.clone()), (vec![3101], vec![3102]));
    engine_room(&p2, RoomRequest::Join { room, updates_off: false });
    assert_eq!(room_update().users, vec![3101, 3102]);
    assert_eq!(ovr_Room_InviteUser(room, c"not a token".as_ptr()), 0, "a bad token is refused at once");

    // Description and lock, seen by the member too.
    let described = room_reply(
        MessageType::Room_SetDescription,
        ovr_Room_SetDescription(room, c"capture the flag".as_ptr()),
    );
    assert_eq!(described.expect("described").description, "capture the flag");
    let lock = ovr_Room_UpdateMembershipLockStatus(room, RawRoomMembershipLockStatus(1));
    assert!(room_reply(MessageType::Room_UpdateMembershipLockStatus, lock).expect("locked").locked);
    let snap = match engine_expect(
        &p2,
        |n| matches!(n, Notification::RoomUpdate { snapshot } if snapshot.membership_locked),
    ) {
        Notification::RoomUpdate { snapshot } => snapshot,
        _ => unreachable!(),
    };
    assert_eq!(snap.description, "capture the flag");
    let invite3 = ovr_Room_InviteUser(room, c"3103".as_ptr());
    assert!(room_reply(MessageType::Room_InviteUser, invite3).is_ok());
    p3.room_request(RoomRequest::Join { room, updates_off: false });
    assert!(
        matches!(
            engine_expect(&p3, |n| matches!(n, Notification::RoomReply { .. })),
            Notification::RoomReply { result: Err(_), .. }
        ),
        "a locked room refuses even the invited"
    );
    assert_eq!(
        ovr_Room_UpdateMembershipLockStatus(room, RawRoomMembershipLockStatus(0)),
        0,
        "Unknown is refused"
    );

    // Anyone can find the room a user is in.
    let found =
        room_reply(MessageType::Room_GetCurrentForUser, ovr_Room_GetCurrentForUser(3102)).expect("found");
    assert_eq!(found.id, room);

    // Kick: the member is out and cannot rejoin while the kick holds (the room is unlocked first).
    assert!(
        room_reply(
            MessageType::Room_UpdateMembershipLockStatus,
            ovr_Room_UpdateMembershipLockStatus(room, RawRoomMembershipLockStatus(2))
        )
        .is_ok()
    );
    let kicked = room_reply(MessageType::Room_KickUser, ovr_Room_KickUser(room, 3102, 60)).expect("kicked");
    assert_eq!(kicked.users, vec![3101]);
    assert!(
        room_reply(
            MessageType::Room_UpdatePrivateRoomJoinPolicy,
            ovr_Room_UpdatePrivateRoomJoinPolicy(room, RoomJoinPolicy::Everyone.into())
        )
        .is_ok()
    );
    p2.room_request(RoomRequest::Join { room, updates_off: false });
    assert!(
        matches!(
            engine_expect(&p2, |n| matches!(n, Notification::RoomReply { .. })),
            Notification::RoomReply { result: Err(_), .. }
        ),
        "kicked for 60 s"
    );

    // Ownership moves to a member; afterwards the old owner may no longer kick.
    engine_room(&p3, RoomRequest::Join { room, updates_off: false });
    let moved =
        room_reply(MessageType::Room_UpdateOwner, ovr_Room_UpdateOwner(room, 3103)).expect("handed over");
    assert_eq!(moved.owner, Some(3103));
    let refused = room_reply(MessageType::Room_KickUser, ovr_Room_KickUser(room, 3103, 0));
    assert!(refused.is_err(), "only the owner kicks");
}
