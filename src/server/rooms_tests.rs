//! Room behaviour of the server core under virtual time.

use std::collections::HashMap;
use std::net::SocketAddr;

use super::config::{AuthMode, ServerConfig};
use super::core::ServerCore;
use super::test_clients::{TestClients, handshake};
use crate::signal::messages::{Credential, Message};
use crate::signal::room::{DataStore, JoinPolicy, MAX_ROOM_USERS, RoomErrorCode, RoomSnapshot};

const UNIX: u64 = 1_000_000;
pub(super) const S: u64 = 1_000_000;

pub(super) fn addr(user: u64) -> SocketAddr {
    SocketAddr::from(([198, 51, 100, 2], 10_000 + user as u16))
}

/// A server core with logged-in users addressed by user id.
pub(super) struct Rooms {
    pub(super) core: ServerCore,
    pub(super) now: u64,
    sessions: HashMap<u64, u64>,
    next_req: u32,
    clients: TestClients,
}

pub(super) type Out = Vec<(SocketAddr, Message)>;

impl Rooms {
    fn new() -> Self {
        Self::with(ServerConfig::new(addr(0), AuthMode::Open))
    }

    fn with(config: ServerConfig) -> Self {
        let core = ServerCore::new(config, [7; 32]);
        Self { core, now: 0, sessions: HashMap::new(), next_req: 100, clients: TestClients::default() }
    }

    pub(super) fn users(users: &[u64]) -> Self {
        let mut r = Self::new();
        for &u in users {
            r.login(u);
        }
        r
    }

    /// Sends `msg` from `from` as a client would (sealed in its session) and returns what the
    /// server sent, as its clients read it.
    pub(super) fn raw(&mut self, from: SocketAddr, msg: &Message) -> Out {
        let bytes = self.clients.seal(msg);
        self.core.handle_datagram(self.now, UNIX, from, &bytes);
        self.drain()
    }

    fn drain(&mut self) -> Out {
        let mut out = Vec::new();
        while let Some((to, bytes)) = self.core.poll_transmit() {
            out.push((to, self.clients.open(to, &bytes)));
        }
        out
    }

    pub(super) fn login(&mut self, user: u64) {
        let cred = Credential::new(b"pw".to_vec()).unwrap();
        let login = |cookie, credential| Message::Login {
            req: 1,
            user_id: user,
            nonce: user,
            peer_key: [3; 32],
            credential,
            cookie,
        };
        let out = self.raw(addr(user), &login(None, Credential::default()));
        let Message::LoginRetry { cookie, server_key, .. } = out[0].1 else { panic!("{out:?}") };
        let handshake = handshake(&server_key, [11; 32], &cookie, user, user, &[3; 32], cred.as_bytes());
        let first = self.clients.start_login(addr(user), handshake);
        let out = self.raw(addr(user), &login(Some(cookie), first));
        let Message::LoginOk { session, .. } = out[0].1 else { panic!("{out:?}") };
        self.sessions.insert(user, session);
    }

    pub(super) fn session(&self, user: u64) -> u64 {
        self.sessions[&user]
    }

    /// Sends a request built from (req, session) and returns (reply to the sender, all output).
    pub(super) fn request(&mut self, user: u64, make: impl FnOnce(u32, u64) -> Message) -> (Message, Out) {
        self.next_req += 1;
        let msg = make(self.next_req, self.session(user));
        let out = self.raw(addr(user), &msg);
        let reply = out
            .iter()
            .find(|(to, m)| *to == addr(user) && m.reply_to() == Some(self.next_req))
            .map(|(_, m)| m.clone())
            .unwrap_or_else(|| panic!("no reply in {out:?}"));
        (reply, out)
    }

    pub(super) fn create(&mut self, user: u64, policy: JoinPolicy, max_users: u32) -> (Message, Out) {
        self.create_with(user, policy, max_users, false, DataStore::new())
    }

    pub(super) fn create_with(
        &mut self,
        user: u64,
        join_policy: JoinPolicy,
        max_users: u32,
        updates_off: bool,
        data_store: DataStore,
    ) -> (Message, Out) {
        self.request(user, |req, session| Message::RoomCreate {
            req,
            session,
            join_policy,
            max_users,
            updates_off,
            data_store,
        })
    }

    /// Creates an Everyone room and returns its id.
    pub(super) fn room(&mut self, owner: u64, max_users: u32) -> u64 {
        snapshot(&self.create(owner, JoinPolicy::Everyone, max_users).0).room_id
    }

    pub(super) fn join(&mut self, user: u64, room: u64) -> (Message, Out) {
        self.request(user, |req, session| Message::RoomJoin { req, session, room, updates_off: false })
    }

    pub(super) fn leave(&mut self, user: u64, room: u64) -> (Message, Out) {
        self.request(user, |req, session| Message::RoomLeave { req, session, room })
    }

    pub(super) fn get(&mut self, user: u64, room: u64) -> Message {
        self.request(user, |req, session| Message::RoomGet { req, session, room }).0
    }

    pub(super) fn current(&mut self, user: u64) -> Message {
        self.request(user, |req, session| Message::RoomGetCurrent { req, session }).0
    }

    /// Keeps every user but `silent` alive until `to`, one heartbeat a second.
    pub(super) fn heartbeat_until(&mut self, to: u64, silent: u64) -> Out {
        let mut out = Vec::new();
        while self.now < to {
            self.now = (self.now + S).min(to);
            let users: Vec<u64> = self.sessions.keys().copied().filter(|&u| u != silent).collect();
            for u in users {
                let session = self.session(u);
                out.extend(self.raw(addr(u), &Message::Heartbeat { session }));
            }
            self.core.handle_timeout(self.now);
            out.extend(self.drain());
        }
        out
    }
}

pub(super) fn snapshot(m: &Message) -> RoomSnapshot {
    match m {
        Message::RoomOk { snapshot, .. } => snapshot.clone(),
        other => panic!("expected RoomOk, got {other:?}"),
    }
}

pub(super) fn error_code(m: &Message) -> RoomErrorCode {
    match m {
        Message::RoomFailed { error, .. } => {
            assert!(!error.message().is_empty(), "errors carry a readable text");
            error.code
        }
        other => panic!("expected RoomFailed, got {other:?}"),
    }
}

/// RoomUpdate snapshots pushed to `user` in `out`.
pub(super) fn updates_to(out: &Out, user: u64) -> Vec<RoomSnapshot> {
    out.iter()
        .filter(|(to, _)| *to == addr(user))
        .filter_map(|(_, m)| match m {
            Message::RoomUpdate { snapshot, .. } => Some(snapshot.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn create_join_get_and_leave() {
    let mut r = Rooms::users(&[1, 2]);
    let mut store = DataStore::new();
    store.set("map", "harbour").unwrap();
    let (reply, out) = r.create_with(1, JoinPolicy::Everyone, 4, false, store.clone());
    let created = snapshot(&reply);
    assert_ne!(created.room_id, 0);
    assert_eq!(created.owner, 1);
    assert_eq!(created.members, vec![1]);
    assert_eq!(created.max_users, 4);
    assert_eq!(created.join_policy, JoinPolicy::Everyone);
    assert_eq!(created.data_store, store);
    assert_eq!(created.version, 1);
    assert!(!created.membership_locked);
    assert!(updates_to(&out, 1).is_empty(), "the creator hears it in the reply");
    let room = created.room_id;

    let (reply, out) = r.join(2, room);
    let joined = snapshot(&reply);
    assert_eq!((joined.owner, joined.members.clone(), joined.version), (1, vec![1, 2], 2));
    assert_eq!(updates_to(&out, 1), vec![joined.clone()]);
    assert!(updates_to(&out, 2).is_empty());

    // Anyone logged in may read a room by id; members see it as current.
    r.login(3);
    assert_eq!(snapshot(&r.get(3, room)), joined);
    assert_eq!(snapshot(&r.current(2)), joined);
    assert_eq!(error_code(&r.current(3)), RoomErrorCode::NotInRoom);

    let (reply, out) = r.leave(2, room);
    let left = snapshot(&reply);
    assert_eq!((left.members.clone(), left.version), (vec![1], 3));
    assert_eq!(updates_to(&out, 1), vec![left]);
    assert_eq!(error_code(&r.current(2)), RoomErrorCode::NotInRoom);
    assert_eq!(r.core.rooms().room_of(1), Some(room));
}

#[test]
fn a_full_room_refuses_and_changes_nothing() {
    let mut r = Rooms::users(&[1, 2, 3]);
    let room = r.room(1, 2);
    snapshot(&r.join(2, room).0);
    let (reply, out) = r.join(3, room);
    assert_eq!(error_code(&reply), RoomErrorCode::RoomFull);
    assert!(updates_to(&out, 1).is_empty() && updates_to(&out, 2).is_empty());
    let now = snapshot(&r.get(1, room));
    assert_eq!((now.members, now.version), (vec![1, 2], 2));
    assert_eq!(r.core.rooms().room_of(3), None);
    assert_eq!(r.core.stats().room_errors, 1);
}

#[test]
fn owner_passes_to_the_longest_present_member() {
    let mut r = Rooms::users(&[1, 2, 3, 4]);
    let room = r.room(1, 8);
    for u in [3, 2, 4] {
        r.join(u, room);
    }
    let (reply, out) = r.leave(1, room);
    let after = snapshot(&reply);
    assert_eq!(after.owner, 3, "3 joined before 2 and 4");
    assert_eq!(after.members, vec![3, 2, 4]);
    for u in [2, 3, 4] {
        assert_eq!(updates_to(&out, u), vec![after.clone()], "member {u}");
    }
    // A non-owner leaving keeps the owner.
    let after = snapshot(&r.leave(2, room).0);
    assert_eq!(after.owner, 3);
    // The owner dropping (logout) hands over too.
    let session = r.session(3);
    let out = r.raw(addr(3), &Message::Logout { req: 999, session });
    let pushed = updates_to(&out, 4);
    assert_eq!(pushed.len(), 1);
    assert_eq!((pushed[0].owner, pushed[0].members.clone()), (4, vec![4]));
}

#[test]
fn the_last_member_leaving_destroys_the_room() {
    let mut r = Rooms::users(&[1, 2]);
    let room = r.room(1, 4);
    r.join(2, room);
    r.leave(1, room);
    let last = snapshot(&r.leave(2, room).0);
    assert!(last.members.is_empty());
    assert_eq!(last.owner, 0);
    assert_eq!(last.version, 4);
    assert!(r.core.rooms().is_empty());
    assert_eq!(error_code(&r.get(1, room)), RoomErrorCode::NoSuchRoom);
    assert_eq!(error_code(&r.join(1, room).0), RoomErrorCode::NoSuchRoom);
    assert_eq!(r.core.stats().rooms_destroyed, 1);
}

#[test]
fn updates_reach_subscribed_members_only() {
    let mut r = Rooms::users(&[1, 2, 3, 4]);
    let (reply, _) = r.create_with(1, JoinPolicy::Everyone, 8, true, DataStore::new());
    let room = snapshot(&reply).room_id;
    r.request(2, |req, session| Message::RoomJoin { req, session, room, updates_off: false });
    r.request(3, |req, session| Message::RoomJoin { req, session, room, updates_off: true });
    let (reply, out) = r.join(4, room);
    let now = snapshot(&reply);
    assert_eq!(updates_to(&out, 2), vec![now.clone()]);
    assert!(updates_to(&out, 1).is_empty(), "owner turned updates off at create");
    assert!(updates_to(&out, 3).is_empty(), "member turned updates off at join");
    // Members with updates off still read the room on request.
    assert_eq!(snapshot(&r.current(3)), now);
}

#[test]
fn a_silent_member_is_removed_and_the_others_told() {
    let mut r = Rooms::users(&[1, 2, 3]);
    let room = r.room(1, 4);
    r.join(2, room);
    r.join(3, room);
    // Everyone but 1 (the owner) keeps heartbeating.
    let out = r.heartbeat_until(11 * S, 1);
    assert!(!r.core.is_online(1));
    // Unacknowledged pushes are retransmitted here, so look at the ones after the drop.
    let after_drop = |u| updates_to(&out, u).into_iter().filter(|s| !s.has_member(1)).collect::<Vec<_>>();
    let pushed = after_drop(2);
    assert!(!pushed.is_empty(), "{out:?}");
    assert_eq!((pushed[0].owner, pushed[0].members.clone(), pushed[0].version), (2, vec![2, 3], 4));
    assert!(pushed.iter().all(|s| *s == pushed[0]));
    assert_eq!(after_drop(3)[0], pushed[0]);
    assert_eq!(r.core.rooms().room_of(1), None);
}

#[test]
fn joining_another_room_leaves_the_first() {
    let mut r = Rooms::users(&[1, 2, 3]);
    let first = r.room(1, 4);
    r.join(2, first);
    let second = r.room(3, 4);
    let (reply, out) = r.join(2, second);
    assert_eq!(snapshot(&reply).members, vec![3, 2]);
    let told = updates_to(&out, 1);
    assert_eq!(told.len(), 1);
    assert_eq!((told[0].room_id, told[0].members.clone(), told[0].version), (first, vec![1], 3));
    assert_eq!(r.core.rooms().room_of(2), Some(second));
    // Creating a room leaves the current one too (and destroys it when it empties).
    let (reply, out) = r.create(1, JoinPolicy::Everyone, 2);
    let third = snapshot(&reply).room_id;
    assert!(updates_to(&out, 1).is_empty());
    assert_eq!(error_code(&r.get(1, first)), RoomErrorCode::NoSuchRoom);
    assert_eq!(r.core.rooms().room_of(1), Some(third));
    assert_eq!(r.core.rooms().len(), 2);
}

#[test]
fn unknown_rooms_and_wrong_rooms_are_errors() {
    let mut r = Rooms::users(&[1, 2]);
    assert_eq!(error_code(&r.join(1, 0xDEAD).0), RoomErrorCode::NoSuchRoom);
    assert_eq!(error_code(&r.get(1, 0xDEAD)), RoomErrorCode::NoSuchRoom);
    assert_eq!(error_code(&r.leave(1, 0xDEAD).0), RoomErrorCode::NoSuchRoom);
    let room = r.room(1, 4);
    let (reply, out) = r.leave(2, room);
    assert_eq!(error_code(&reply), RoomErrorCode::NotInRoom);
    assert!(updates_to(&out, 1).is_empty());
    assert_eq!(snapshot(&r.get(1, room)).version, 1, "a refused leave changes nothing");
}

#[test]
fn max_users_and_policy_are_checked_at_create() {
    let mut r = Rooms::users(&[1]);
    for bad in [0, MAX_ROOM_USERS + 1, u32::MAX] {
        let (reply, _) = r.create(1, JoinPolicy::Everyone, bad);
        assert_eq!(error_code(&reply), RoomErrorCode::InvalidArgument, "max users {bad}");
    }
    assert_eq!(error_code(&r.create(1, JoinPolicy::Unknown, 4).0), RoomErrorCode::InvalidArgument);
    assert!(r.core.rooms().is_empty());
    assert_eq!(snapshot(&r.create(1, JoinPolicy::Everyone, MAX_ROOM_USERS).0).max_users, MAX_ROOM_USERS);
}

#[test]
fn join_policies_are_enforced() {
    let mut r = Rooms::users(&[1, 2]);
    for (policy, joinable) in [
        (JoinPolicy::None, false),
        (JoinPolicy::InvitedUsers, false),
        (JoinPolicy::Everyone, true),
        (JoinPolicy::FriendsOfMembers, true),
        (JoinPolicy::FriendsOfOwner, true),
    ] {
        let room = snapshot(&r.create(1, policy, 4).0).room_id;
        let reply = r.join(2, room).0;
        if joinable {
            assert_eq!(snapshot(&reply).members, vec![1, 2], "{policy:?}");
            r.leave(2, room);
        } else {
            assert_eq!(error_code(&reply), RoomErrorCode::NotAllowed, "{policy:?}");
        }
    }
}

#[test]
fn duplicate_requests_are_answered_once() {
    let mut r = Rooms::users(&[1, 2]);
    let room = r.room(1, 2);
    let session = r.session(2);
    let join = Message::RoomJoin { req: 50, session, room, updates_off: false };
    let first = r.raw(addr(2), &join);
    let again = r.raw(addr(2), &join);
    assert_eq!(updates_to(&first, 1).len(), 1);
    assert_eq!(again, vec![(addr(2), first.iter().find(|(to, _)| *to == addr(2)).unwrap().1.clone())]);
    assert_eq!(snapshot(&r.get(1, room)).version, 2, "the retry was not a second join");
    // A fresh join of the room one is already in is a no-op success, even when the room is full.
    let (reply, out) = r.join(2, room);
    assert_eq!(snapshot(&reply).version, 2);
    assert!(updates_to(&out, 1).is_empty());
    // Duplicate creates make one room.
    let session = r.session(1);
    let create = Message::RoomCreate {
        req: 60,
        session,
        join_policy: JoinPolicy::None,
        max_users: 3,
        updates_off: false,
        data_store: DataStore::new(),
    };
    let a = r.raw(addr(1), &create);
    let b = r.raw(addr(1), &create);
    let reply_a = a.iter().find(|(to, m)| *to == addr(1) && m.reply_to() == Some(60)).unwrap();
    assert_eq!(b, vec![reply_a.clone()]);
    assert_eq!(r.core.stats().rooms_created, 2);
}

#[test]
fn versions_strictly_increase_with_every_change() {
    let mut r = Rooms::users(&[1, 2, 3]);
    let room = r.room(1, 4);
    let mut versions = vec![snapshot(&r.get(1, room)).version];
    let mut changes = DataStore::new();
    changes.set("round", "2").unwrap();
    versions.push(snapshot(&r.join(2, room).0).version);
    versions.push(snapshot(&r.join(3, room).0).version);
    versions.push(snapshot(&r.leave(1, room).0).version);
    let (reply, _) =
        r.request(2, |req, session| Message::RoomUpdateDataStore { req, session, room, data_store: changes });
    versions.push(snapshot(&reply).version);
    versions.push(snapshot(&r.leave(2, room).0).version);
    versions.push(snapshot(&r.leave(3, room).0).version);
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
}

#[test]
fn only_the_owner_updates_the_data_store() {
    let mut r = Rooms::users(&[1, 2]);
    let mut initial = DataStore::new();
    initial.set("map", "harbour").unwrap();
    initial.set("mode", "ctf").unwrap();
    let room = snapshot(&r.create_with(1, JoinPolicy::Everyone, 4, false, initial).0).room_id;
    r.join(2, room);
    let mut changes = DataStore::new();
    changes.set("map", "").unwrap();
    changes.set("round", "1").unwrap();
    let update =
        |d: DataStore| move |req, session| Message::RoomUpdateDataStore { req, session, room, data_store: d };
    let (reply, _) = r.request(2, update(changes.clone()));
    assert_eq!(error_code(&reply), RoomErrorCode::NotAllowed);
    let (reply, out) = r.request(1, update(changes.clone()));
    let after = snapshot(&reply);
    assert_eq!(after.data_store.iter().collect::<Vec<_>>(), vec![("mode", "ctf"), ("round", "1")]);
    assert_eq!(updates_to(&out, 2), vec![after.clone()]);
    // The same change again changes nothing: no version bump, no push.
    let (reply, out) = r.request(1, update(changes));
    assert_eq!(snapshot(&reply).version, after.version);
    assert!(updates_to(&out, 2).is_empty());
}

#[test]
fn the_room_cap_is_enforced() {
    let mut config = ServerConfig::new(addr(0), AuthMode::Open);
    config.max_rooms = 2;
    let mut r = Rooms::with(config);
    for u in [1, 2, 3] {
        r.login(u);
    }
    r.room(1, 2);
    r.room(2, 2);
    assert_eq!(error_code(&r.create(3, JoinPolicy::Everyone, 2).0), RoomErrorCode::TooManyRooms);
    // Replacing one's own single-member room is not a new room.
    assert!(matches!(r.create(2, JoinPolicy::Everyone, 2).0, Message::RoomOk { .. }));
    assert_eq!(r.core.rooms().len(), 2);
}

#[test]
fn newer_updates_replace_unacknowledged_older_ones() {
    let mut r = Rooms::users(&[1, 2, 3, 4]);
    let room = r.room(1, 8);
    for u in [2, 3, 4] {
        r.join(u, room);
    }
    // User 1 acked nothing: only the newest snapshot waits in its queue, and a retransmission
    // carries that one.
    let out = r.heartbeat_until(S / 2, 0);
    let resent = updates_to(&out, 1);
    assert_eq!(resent.len(), 1, "{out:?}");
    assert_eq!(resent[0].members, vec![1, 2, 3, 4]);
}

#[test]
fn replies_and_pushes_share_one_ordered_id_sequence() {
    let mut r = Rooms::users(&[1, 2, 3]);
    let room = r.room(1, 8);
    let mark_of = |m: &Message| match m {
        Message::RoomOk { mark, .. } | Message::RoomFailed { mark, .. } => *mark,
        other => panic!("{other:?}"),
    };
    let first = mark_of(&r.join(2, room).0);
    assert_eq!(first, 1, "nothing was pushed to 2 before");
    let (_, out) = r.join(3, room);
    let push_to_2 = out
        .iter()
        .find_map(|(to, m)| (*to == addr(2)).then(|| m.push_id()).flatten())
        .expect("2 hears about 3");
    assert!(push_to_2 > first);
    let second = mark_of(&r.get(2, room));
    let third = mark_of(&r.leave(2, room).0);
    assert!(push_to_2 < second && second < third, "{push_to_2} {second} {third}");
}
