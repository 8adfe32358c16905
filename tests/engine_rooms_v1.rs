//! Room management through the engine: kick, invite with the InvitedUsers policy, owner
//! hand-off, lock, join policy, description and another user's current room, on real loopback
//! sockets with a real in-process server.
mod engine_support;

use std::cell::RefCell;
use std::time::{Duration, Instant};

use engine_support::{engine, server};
use ovrnet::engine::{Engine, Notification, RoomOp};
use ovrnet::server::{AuthMode, ServerHandle};
use ovrnet::signal::room::MAX_ROOM_DESCRIPTION_LEN;
use ovrnet::signal::{DataStore, JoinPolicy, RoomErrorCode, RoomRequest, RoomSnapshot};

/// An engine plus the notifications popped while looking for another one, so none is lost.
struct Player {
    e: Engine,
    backlog: RefCell<Vec<Notification>>,
}

impl Player {
    fn new(s: &ServerHandle, id: u64) -> Self {
        Self { e: engine(s, id), backlog: RefCell::new(Vec::new()) }
    }

    fn id(&self) -> u64 {
        self.e.user_id()
    }

    /// The first notification (backlog first) that `f` picks, within five seconds.
    fn next<T>(&self, mut f: impl FnMut(&Notification) -> Option<T>) -> T {
        let mut backlog = self.backlog.borrow_mut();
        if let Some(i) = backlog.iter().position(|n| f(n).is_some())
            && let Some(t) = f(&backlog.remove(i))
        {
            return t;
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            while let Some(n) = self.e.pop_notification() {
                if let Some(t) = f(&n) {
                    return t;
                }
                backlog.push(n);
            }
            self.e.wait(Duration::from_millis(5));
        }
        panic!("user {}: awaited notification not seen; saw {backlog:?}", self.id());
    }

    /// Sends `req` and returns its reply, checking that the reply names the right operation.
    fn ask(&self, req: RoomRequest) -> Result<RoomSnapshot, RoomErrorCode> {
        let want = RoomOp::of(&req);
        let id = self.e.room_request(req);
        assert_ne!(id, 0);
        self.next(|n| match n {
            Notification::RoomReply { request_id, op, result } if *request_id == id => {
                assert_eq!(*op, want);
                Some(result.clone().map_err(|e| e.code))
            }
            _ => None,
        })
    }

    /// The next RoomUpdate that `f` accepts (earlier ones are dropped).
    fn update_where(&self, f: impl Fn(&RoomSnapshot) -> bool) -> RoomSnapshot {
        self.next(|n| match n {
            Notification::RoomUpdate { snapshot } if f(snapshot) => Some(snapshot.clone()),
            _ => None,
        })
    }

    fn create(&self, join_policy: JoinPolicy) -> u64 {
        let req = RoomRequest::Create {
            join_policy,
            max_users: 4,
            updates_off: false,
            data_store: DataStore::new(),
        };
        self.ask(req).expect("create").room_id
    }

    fn join(&self, room: u64) -> Result<RoomSnapshot, RoomErrorCode> {
        self.ask(RoomRequest::Join { room, updates_off: false })
    }
}

#[test]
fn a_kicked_member_sees_it_and_cannot_rejoin_until_the_kick_runs_out() {
    let s = server(AuthMode::Open);
    let (a, b) = (Player::new(&s, 201), Player::new(&s, 202));
    let room = a.create(JoinPolicy::Everyone);
    b.join(room).expect("b joins");
    a.update_where(|r| r.has_member(202));
    // Non-owners may not kick.
    assert_eq!(
        b.ask(RoomRequest::KickUser { room, user: 201, kick_duration_seconds: 1 }),
        Err(RoomErrorCode::NotAllowed)
    );

    let after = a.ask(RoomRequest::KickUser { room, user: 202, kick_duration_seconds: 1 }).expect("kick");
    let kicked_at = Instant::now();
    assert_eq!(after.members, vec![201]);
    let seen = b.update_where(|r| r.room_id == room);
    assert!(!seen.has_member(202), "the kicked user's update shows it is out: {seen:?}");
    assert_eq!(b.e.current_room(), None);
    assert_eq!(b.join(room), Err(RoomErrorCode::Kicked));

    std::thread::sleep(Duration::from_millis(1100).saturating_sub(kicked_at.elapsed()));
    assert_eq!(b.join(room).expect("the kick ran out").members, vec![201, 202]);
}

#[test]
fn an_invited_users_room_admits_the_invited_and_refuses_the_others() {
    let s = server(AuthMode::Open);
    let (a, b, c) = (Player::new(&s, 211), Player::new(&s, 212), Player::new(&s, 213));
    let room = a.create(JoinPolicy::InvitedUsers);
    assert_eq!(b.join(room), Err(RoomErrorCode::NotAllowed), "not invited yet");
    let invited = a.ask(RoomRequest::InviteUser { room, user: 212 }).expect("invite");
    assert_eq!(invited.invited_users, vec![212]);
    assert_eq!(c.join(room), Err(RoomErrorCode::NotAllowed), "c was never invited");
    let joined = b.join(room).expect("the invited user joins");
    assert_eq!(joined.members, vec![211, 212]);
    assert!(joined.invited_users.is_empty(), "the invite is used up");
    assert_eq!(a.update_where(|r| r.has_member(212)).invited_users, Vec::<u64>::new());
    assert_eq!(c.join(room), Err(RoomErrorCode::NotAllowed));
}

#[test]
fn ownership_moves_and_the_lock_refuses_joins() {
    let s = server(AuthMode::Open);
    let (a, b, c) = (Player::new(&s, 221), Player::new(&s, 222), Player::new(&s, 223));
    let room = a.create(JoinPolicy::Everyone);
    b.join(room).expect("b joins");
    assert_eq!(a.ask(RoomRequest::UpdateOwner { room, user: 223 }), Err(RoomErrorCode::UserNotInRoom));
    assert_eq!(a.ask(RoomRequest::UpdateOwner { room, user: 222 }).expect("hand over").owner, 222);
    assert_eq!(b.update_where(|r| r.owner == 222).members, vec![221, 222], "b hears it owns the room");

    let lock = |p: &Player, locked| p.ask(RoomRequest::UpdateMembershipLockStatus { room, locked });
    assert_eq!(lock(&a, true), Err(RoomErrorCode::NotAllowed), "a is no longer the owner");
    assert!(lock(&b, true).expect("the new owner locks").membership_locked);
    assert!(a.update_where(|r| r.membership_locked).membership_locked);
    assert_eq!(c.join(room), Err(RoomErrorCode::MembershipLocked));
    assert!(!lock(&b, false).expect("unlock").membership_locked);
    assert_eq!(c.join(room).expect("c joins once unlocked").members, vec![221, 222, 223]);
}

#[test]
fn the_join_policy_changes_and_joins_follow_it() {
    let s = server(AuthMode::Open);
    let (a, b) = (Player::new(&s, 231), Player::new(&s, 232));
    let room = a.create(JoinPolicy::Everyone);
    let policy = |p| a.ask(RoomRequest::UpdatePrivateRoomJoinPolicy { room, policy: p });
    assert_eq!(policy(JoinPolicy::None).expect("close").join_policy, JoinPolicy::None);
    assert_eq!(b.join(room), Err(RoomErrorCode::NotAllowed));
    assert_eq!(policy(JoinPolicy::Unknown), Err(RoomErrorCode::InvalidArgument));
    policy(JoinPolicy::Everyone).expect("open");
    assert_eq!(b.join(room).expect("b joins").join_policy, JoinPolicy::Everyone);
}

#[test]
fn the_description_reaches_the_other_member_and_is_bounded() {
    let s = server(AuthMode::Open);
    let (a, b) = (Player::new(&s, 241), Player::new(&s, 242));
    let room = a.create(JoinPolicy::Everyone);
    b.join(room).expect("b joins");
    let text = "4v4 capture the flag ☀".to_string();
    let set = a.ask(RoomRequest::SetDescription { room, description: text.clone() }).expect("describe");
    assert_eq!(set.description, text);
    assert_eq!(b.update_where(|r| !r.description.is_empty()).description, text);
    assert_eq!(b.e.current_room().map(|r| r.description), Some(text.clone()));
    // Too long: refused without a change, whether the engine or the server says so.
    let long = RoomRequest::SetDescription { room, description: "x".repeat(MAX_ROOM_DESCRIPTION_LEN + 1) };
    assert_eq!(a.ask(long), Err(RoomErrorCode::InvalidArgument));
    assert_eq!(
        b.ask(RoomRequest::SetDescription { room, description: "mine".into() }),
        Err(RoomErrorCode::NotAllowed)
    );
    assert_eq!(a.ask(RoomRequest::Get { room }).expect("get").description, text);
}

#[test]
fn anyone_can_read_the_room_another_user_is_in() {
    let s = server(AuthMode::Open);
    let (a, b, c) = (Player::new(&s, 251), Player::new(&s, 252), Player::new(&s, 253));
    let room = a.create(JoinPolicy::Everyone);
    b.join(room).expect("b joins");
    let seen = c.ask(RoomRequest::GetCurrentForUser { user: 252 }).expect("b's room");
    assert_eq!((seen.room_id, seen.members), (room, vec![251, 252]));
    assert_eq!(c.e.current_room(), None, "reading b's room does not put c in it");
    assert_eq!(c.ask(RoomRequest::GetCurrentForUser { user: 253 }), Err(RoomErrorCode::UserNotInRoom));
    assert_eq!(c.ask(RoomRequest::GetCurrentForUser { user: 9999 }), Err(RoomErrorCode::UserNotInRoom));
}
