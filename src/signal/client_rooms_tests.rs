//! SignalClient room commands, replies and updates under virtual time.

use crate::proto::identity::CERT_LEN;

use super::client::{ClientConfig, SignalEvent};
use super::client_rooms::RoomEvent;
use super::messages::{Credential, Message};
use super::room::{DataStore, JoinPolicy, RoomError, RoomErrorCode, RoomSnapshot};
use super::test_server::{Linked, server};

pub(super) const MS: u64 = 1_000;
pub(super) const SESSION: u64 = 0x5E55;
pub(super) const ME: u64 = 7;

pub(super) fn sent(c: &mut Linked, now: u64) -> Vec<Message> {
    c.sent(now)
}

pub(super) fn room_events(c: &mut Linked) -> Vec<RoomEvent> {
    std::iter::from_fn(|| c.poll_room_event()).collect()
}

pub(super) fn deliver(c: &mut Linked, now: u64, msg: Message) {
    c.deliver(now, msg);
}

fn client() -> Linked {
    let mut config = ClientConfig::new(server(), ME, Credential::new(b"pw".to_vec()).unwrap());
    config.nonce = 1;
    Linked::new(config)
}

pub(super) fn logged_in() -> Linked {
    let mut c = client();
    sent(&mut c, 0);
    deliver(
        &mut c,
        MS,
        Message::LoginOk {
            req: 1,
            session: SESSION,
            session_timeout_ms: 10_000,
            cert: Box::new([7; CERT_LEN]),
            authority: [9; 32],
            reset_token: [5; 16],
        },
    );
    assert_eq!(
        c.poll_event(),
        Some(SignalEvent::LoggedIn { session: SESSION, cert: Box::new([7; CERT_LEN]), authority: [9; 32] })
    );
    c
}

pub(super) fn snap(room: u64, members: &[u64], version: u64) -> RoomSnapshot {
    RoomSnapshot {
        room_id: room,
        owner: members[0],
        members: members.to_vec(),
        join_policy: JoinPolicy::Everyone,
        max_users: 4,
        data_store: DataStore::new(),
        version,
        membership_locked: false,
        invited_users: Vec::new(),
        description: String::new(),
    }
}

#[test]
fn create_is_sent_retried_and_answered_once() {
    let mut c = logged_in();
    let mut store = DataStore::new();
    store.set("map", "dust").unwrap();
    let id = c.room_create(10 * MS, JoinPolicy::Everyone, 4, false, store.clone()).unwrap();
    let want = Message::RoomCreate {
        req: id,
        session: SESSION,
        join_policy: JoinPolicy::Everyone,
        max_users: 4,
        updates_off: false,
        data_store: store,
    };
    assert_eq!(sent(&mut c, 10 * MS), vec![want.clone()]);
    assert_eq!(sent(&mut c, 210 * MS), vec![want], "retransmitted unchanged");
    let room = snap(0xAB, &[ME], 1);
    let ok = Message::RoomOk { req: id, mark: 1, snapshot: room.clone() };
    deliver(&mut c, 220 * MS, ok.clone());
    deliver(&mut c, 221 * MS, ok);
    assert_eq!(room_events(&mut c), vec![RoomEvent::RoomReply { request_id: id, result: Ok(room) }]);
    assert_eq!(c.current_room(), Some(0xAB));
    assert!(sent(&mut c, 2_000 * MS).iter().all(|m| !matches!(m, Message::RoomCreate { .. })));
}

#[test]
fn every_command_returns_its_own_request_id_and_message() {
    let mut c = logged_in();
    let ids = [
        c.room_join(MS, 5, true).unwrap(),
        c.room_leave(MS, 5).unwrap(),
        c.room_get(MS, 6).unwrap(),
        c.room_get_current(MS).unwrap(),
        c.room_update_data_store(MS, 5, DataStore::new()).unwrap(),
    ];
    let out = sent(&mut c, MS);
    assert_eq!(
        out,
        vec![
            Message::RoomJoin { req: ids[0], session: SESSION, room: 5, updates_off: true },
            Message::RoomLeave { req: ids[1], session: SESSION, room: 5 },
            Message::RoomGet { req: ids[2], session: SESSION, room: 6 },
            Message::RoomGetCurrent { req: ids[3], session: SESSION },
            Message::RoomUpdateDataStore {
                req: ids[4],
                session: SESSION,
                room: 5,
                data_store: DataStore::new()
            },
        ]
    );
    let mut sorted = ids.to_vec();
    sorted.dedup();
    assert_eq!(sorted.len(), ids.len());
}

#[test]
fn errors_are_reported_with_their_code() {
    let mut c = logged_in();
    let id = c.room_join(MS, 5, false).unwrap();
    sent(&mut c, MS);
    let error = RoomError::new(RoomErrorCode::RoomFull, "the room is full (4 of 4 users)");
    deliver(&mut c, 2 * MS, Message::RoomFailed { req: id, mark: 1, error: error.clone() });
    assert_eq!(room_events(&mut c), vec![RoomEvent::RoomReply { request_id: id, result: Err(error) }]);
    assert_eq!(c.current_room(), None);
}

#[test]
fn updates_are_acked_reported_once_and_stale_ones_dropped() {
    let mut c = logged_in();
    let id = c.room_join(MS, 9, false).unwrap();
    sent(&mut c, MS);
    deliver(&mut c, 2 * MS, Message::RoomOk { req: id, mark: 1, snapshot: snap(9, &[3, ME], 2) });
    room_events(&mut c);
    let v3 = snap(9, &[3, ME, 4], 3);
    let v4 = snap(9, &[3, ME, 4, 5], 4);
    deliver(&mut c, 3 * MS, Message::RoomUpdate { push: 3, snapshot: v4.clone() });
    deliver(&mut c, 3 * MS, Message::RoomUpdate { push: 3, snapshot: v4.clone() });
    deliver(&mut c, 4 * MS, Message::RoomUpdate { push: 2, snapshot: v3 });
    let ack = |push| Message::PushAck { session: SESSION, push };
    assert_eq!(sent(&mut c, 4 * MS), vec![ack(3), ack(3), ack(2)], "every copy is acked");
    assert_eq!(room_events(&mut c), vec![RoomEvent::RoomUpdate { snapshot: v4.clone() }]);
    assert_eq!(c.current_room_snapshot(), Some(&v4));
}

#[test]
fn closing_answers_waiting_room_requests_with_disconnected() {
    let mut c = logged_in();
    let a = c.room_get_current(MS).unwrap();
    let b = c.room_join(MS, 3, false).unwrap();
    c.logout(2 * MS);
    let events = room_events(&mut c);
    assert_eq!(events.len(), 2);
    for (event, id) in events.iter().zip([a, b]) {
        match event {
            RoomEvent::RoomReply { request_id, result: Err(e) } => {
                assert_eq!(*request_id, id);
                assert_eq!(e.code, RoomErrorCode::Disconnected);
            }
            other => panic!("{other:?}"),
        }
    }
    // Server lost while logged in with a room: the room is forgotten too.
    let mut c = logged_in();
    let id = c.room_create(MS, JoinPolicy::None, 2, false, DataStore::new()).unwrap();
    sent(&mut c, MS);
    deliver(&mut c, 2 * MS, Message::RoomOk { req: id, mark: 1, snapshot: snap(4, &[ME], 1) });
    assert_eq!(c.current_room(), Some(4));
    c.handle_timeout(20_000 * MS);
    assert_eq!(c.poll_event(), Some(SignalEvent::ServerLost));
    assert_eq!(c.current_room(), None);
}

#[test]
fn room_commands_made_while_logging_in_wait_for_the_session() {
    let mut c = client();
    let id = c.room_get_current(0).unwrap();
    assert_eq!(sent(&mut c, 0).len(), 1, "only the login goes out");
    deliver(
        &mut c,
        MS,
        Message::LoginOk {
            req: 1,
            session: SESSION,
            session_timeout_ms: 10_000,
            cert: Box::new([7; CERT_LEN]),
            authority: [9; 32],
            reset_token: [5; 16],
        },
    );
    assert_eq!(sent(&mut c, MS), vec![Message::RoomGetCurrent { req: id, session: SESSION }]);
}
