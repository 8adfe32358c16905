//! SignalClient room management commands, and what their replies and pushes do to the
//! client's idea of its current room.

use super::client_rooms::RoomEvent;
use super::client_rooms_tests::{ME, MS, SESSION, deliver, logged_in, room_events, sent, snap};
use super::messages::Message;
use super::room::{JoinPolicy, MAX_ROOM_DESCRIPTION_LEN, RoomError, RoomErrorCode};

#[test]
fn management_commands_send_their_messages() {
    let mut c = logged_in();
    let ids = [
        c.room_kick_user(MS, 5, 8, -3).unwrap(),
        c.room_invite_user(MS, 5, 9).unwrap(),
        c.room_update_owner(MS, 5, 8).unwrap(),
        c.room_update_membership_lock_status(MS, 5, true).unwrap(),
        c.room_update_private_room_join_policy(MS, 5, JoinPolicy::InvitedUsers).unwrap(),
        c.room_set_description(MS, 5, "é".repeat(MAX_ROOM_DESCRIPTION_LEN / 2)).unwrap(),
        c.room_get_current_for_user(MS, 8).unwrap(),
    ];
    let s = SESSION;
    assert_eq!(
        sent(&mut c, MS),
        vec![
            Message::RoomKickUser { req: ids[0], session: s, room: 5, user: 8, kick_duration_seconds: -3 },
            Message::RoomInviteUser { req: ids[1], session: s, room: 5, user: 9 },
            Message::RoomUpdateOwner { req: ids[2], session: s, room: 5, user: 8 },
            Message::RoomUpdateMembershipLockStatus { req: ids[3], session: s, room: 5, locked: true },
            Message::RoomUpdatePrivateRoomJoinPolicy {
                req: ids[4],
                session: s,
                room: 5,
                join_policy: JoinPolicy::InvitedUsers
            },
            Message::RoomSetDescription {
                req: ids[5],
                session: s,
                room: 5,
                description: "é".repeat(MAX_ROOM_DESCRIPTION_LEN / 2)
            },
            Message::RoomGetCurrentForUser { req: ids[6], session: s, user: 8 },
        ]
    );
}

#[test]
fn an_over_long_description_is_refused_at_once_and_never_sent() {
    let mut c = logged_in();
    for len in [MAX_ROOM_DESCRIPTION_LEN + 1, 300] {
        let id = c.room_set_description(MS, 5, "d".repeat(len)).unwrap();
        match room_events(&mut c).as_slice() {
            [RoomEvent::RoomReply { request_id, result: Err(e) }] => {
                assert_eq!((*request_id, e.code), (id, RoomErrorCode::InvalidArgument));
                assert!(e.message().contains(&len.to_string()), "{e}");
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(sent(&mut c, MS).is_empty());
}

#[test]
fn a_kick_push_takes_me_out_of_my_room() {
    let mut c = logged_in();
    let id = c.room_join(MS, 0xAB, false).unwrap();
    deliver(&mut c, 2 * MS, Message::RoomOk { req: id, mark: 1, snapshot: snap(0xAB, &[3, ME], 2) });
    room_events(&mut c);
    assert_eq!(c.current_room(), Some(0xAB));
    let kicked = snap(0xAB, &[3], 3);
    deliver(&mut c, 3 * MS, Message::RoomUpdate { push: 2, snapshot: kicked.clone() });
    assert_eq!(room_events(&mut c), vec![RoomEvent::RoomUpdate { snapshot: kicked }]);
    assert_eq!(c.current_room(), None);
}

#[test]
fn a_push_about_another_room_without_me_leaves_my_room_alone() {
    let mut c = logged_in();
    let id = c.room_join(MS, 0xAB, false).unwrap();
    deliver(&mut c, 2 * MS, Message::RoomOk { req: id, mark: 1, snapshot: snap(0xAB, &[3, ME], 2) });
    deliver(&mut c, 3 * MS, Message::RoomUpdate { push: 2, snapshot: snap(0xCD, &[4], 9) });
    assert_eq!(c.current_room(), Some(0xAB));
}

#[test]
fn asking_about_other_users_does_not_move_my_room() {
    let mut c = logged_in();
    let id = c.room_join(MS, 0xAB, false).unwrap();
    deliver(&mut c, 2 * MS, Message::RoomOk { req: id, mark: 1, snapshot: snap(0xAB, &[ME, 3], 2) });
    // Another user's room.
    let id = c.room_get_current_for_user(MS, 4).unwrap();
    deliver(&mut c, 3 * MS, Message::RoomOk { req: id, mark: 2, snapshot: snap(0xCD, &[4], 1) });
    assert_eq!(c.current_room(), Some(0xAB));
    // A refusal about the named user says nothing about me.
    let id = c.room_kick_user(MS, 0xAB, 9, 10).unwrap();
    let not_member = RoomError::new(RoomErrorCode::UserNotInRoom, "user 9 is not a member");
    deliver(&mut c, 4 * MS, Message::RoomFailed { req: id, mark: 3, error: not_member });
    assert_eq!(c.current_room(), Some(0xAB));
    // The server saying I am not in my room does.
    let id = c.room_invite_user(MS, 0xAB, 9).unwrap();
    let not_in = RoomError::new(RoomErrorCode::NotInRoom, "not a member");
    deliver(&mut c, 5 * MS, Message::RoomFailed { req: id, mark: 4, error: not_in });
    assert_eq!(c.current_room(), None);
}
