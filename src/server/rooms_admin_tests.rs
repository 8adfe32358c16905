//! Room management on the server core: who may do what, and what each change tells whom.

use super::rooms_tests::{Out, Rooms, S, addr, error_code, snapshot, updates_to};
use crate::signal::messages::Message;
use crate::signal::room::{JoinPolicy, MAX_ROOM_DESCRIPTION_LEN, MAX_ROOM_INVITED_USERS, RoomErrorCode};

impl Rooms {
    fn kick(&mut self, owner: u64, room: u64, user: u64, secs: i32) -> (Message, Out) {
        self.request(owner, |req, session| Message::RoomKickUser {
            req,
            session,
            room,
            user,
            kick_duration_seconds: secs,
        })
    }

    fn invite(&mut self, by: u64, room: u64, user: u64) -> (Message, Out) {
        self.request(by, |req, session| Message::RoomInviteUser { req, session, room, user })
    }

    fn set_owner(&mut self, by: u64, room: u64, user: u64) -> (Message, Out) {
        self.request(by, |req, session| Message::RoomUpdateOwner { req, session, room, user })
    }

    fn lock(&mut self, by: u64, room: u64, locked: bool) -> (Message, Out) {
        self.request(by, |req, session| Message::RoomUpdateMembershipLockStatus {
            req,
            session,
            room,
            locked,
        })
    }

    fn policy(&mut self, by: u64, room: u64, join_policy: JoinPolicy) -> (Message, Out) {
        self.request(by, |req, session| Message::RoomUpdatePrivateRoomJoinPolicy {
            req,
            session,
            room,
            join_policy,
        })
    }

    fn describe(&mut self, by: u64, room: u64, text: &str) -> (Message, Out) {
        let description = text.to_owned();
        self.request(by, |req, session| Message::RoomSetDescription { req, session, room, description })
    }

    fn current_of(&mut self, by: u64, user: u64) -> Message {
        self.request(by, |req, session| Message::RoomGetCurrentForUser { req, session, user }).0
    }

    /// An Everyone room owned by `owner` with `others` joined in order.
    fn room_with(&mut self, owner: u64, others: &[u64]) -> u64 {
        let room = self.room(owner, 8);
        for &u in others {
            snapshot(&self.join(u, room).0);
        }
        room
    }
}

/// No RoomUpdate went to anyone in `out`.
fn silent(out: &Out) -> bool {
    !out.iter().any(|(_, m)| matches!(m, Message::RoomUpdate { .. }))
}

#[test]
fn only_the_owner_kicks_hands_over_locks_changes_policy_and_describes() {
    let mut r = Rooms::users(&[1, 2, 3, 4]);
    let room = r.room_with(1, &[2, 3]);
    let before = snapshot(&r.get(1, room));
    let attempts: Vec<(Message, Out)> = vec![
        r.kick(2, room, 3, 60),
        r.set_owner(2, room, 2),
        r.lock(2, room, true),
        r.policy(2, room, JoinPolicy::None),
        r.describe(2, room, "mine now"),
    ];
    for (reply, out) in &attempts {
        assert_eq!(error_code(reply), RoomErrorCode::NotAllowed, "{reply:?}");
        assert!(silent(out));
    }
    // A non-member is told it is not in the room; an unknown room is unknown.
    assert_eq!(error_code(&r.kick(4, room, 3, 60).0), RoomErrorCode::NotInRoom);
    assert_eq!(error_code(&r.lock(4, room, true).0), RoomErrorCode::NotInRoom);
    assert_eq!(error_code(&r.describe(1, 0xDEAD, "x").0), RoomErrorCode::NoSuchRoom);
    assert_eq!(snapshot(&r.get(1, room)), before, "refusals change nothing");
    assert_eq!(r.core.stats().room_errors, 8);
}

#[test]
fn a_kicked_user_is_removed_told_and_kept_out_until_the_kick_runs_out() {
    let mut r = Rooms::users(&[1, 2, 3]);
    let room = r.room_with(1, &[2, 3]);
    let (reply, out) = r.kick(1, room, 2, 30);
    let after = snapshot(&reply);
    assert_eq!((after.owner, after.members.clone(), after.version), (1, vec![1, 3], 4));
    assert_eq!(updates_to(&out, 3), vec![after.clone()], "the others get the usual update");
    assert_eq!(updates_to(&out, 2), vec![after.clone()], "the kicked user sees it is out");
    assert!(updates_to(&out, 1).is_empty(), "the owner has it in the reply");
    assert_eq!(r.core.rooms().room_of(2), None);
    assert_eq!(error_code(&r.current(2)), RoomErrorCode::NotInRoom);

    let (reply, out) = r.join(2, room);
    assert_eq!(error_code(&reply), RoomErrorCode::Kicked);
    assert!(silent(&out));
    r.heartbeat_until(29 * S, 0);
    assert_eq!(error_code(&r.join(2, room).0), RoomErrorCode::Kicked, "one second left");
    r.heartbeat_until(30 * S, 0);
    assert_eq!(snapshot(&r.join(2, room).0).members, vec![1, 3, 2], "the kick ran out");
}

#[test]
fn a_kick_without_a_positive_duration_only_removes() {
    let mut r = Rooms::users(&[1, 2, 3]);
    let room = r.room_with(1, &[2, 3]);
    for secs in [0, -5] {
        assert_eq!(snapshot(&r.kick(1, room, 2, secs).0).members, vec![1, 3]);
        assert_eq!(snapshot(&r.join(2, room).0).members, vec![1, 3, 2], "duration {secs}");
    }
}

#[test]
fn kicks_of_oneself_or_of_non_members_are_refused() {
    let mut r = Rooms::users(&[1, 2, 3]);
    let room = r.room_with(1, &[2]);
    assert_eq!(error_code(&r.kick(1, room, 1, 60).0), RoomErrorCode::InvalidArgument);
    let (reply, out) = r.kick(1, room, 3, 60);
    assert_eq!(error_code(&reply), RoomErrorCode::UserNotInRoom);
    assert!(silent(&out));
    assert_eq!(snapshot(&r.get(1, room)).version, 2);
    // A kick is per room: 3 was never in it, and may still join.
    assert_eq!(snapshot(&r.join(3, room).0).members, vec![1, 2, 3]);
}

#[test]
fn a_kicked_user_that_turned_updates_off_is_not_pushed_to() {
    let mut r = Rooms::users(&[1, 2]);
    let room = r.room(1, 4);
    r.request(2, |req, session| Message::RoomJoin { req, session, room, updates_off: true });
    let (_, out) = r.kick(1, room, 2, 60);
    assert!(updates_to(&out, 2).is_empty());
}

#[test]
fn invited_users_rooms_admit_the_invited_and_nobody_else() {
    let mut r = Rooms::users(&[1, 2, 3, 4]);
    let room = snapshot(&r.create(1, JoinPolicy::InvitedUsers, 8).0).room_id;
    assert_eq!(error_code(&r.join(2, room).0), RoomErrorCode::NotAllowed, "not invited yet");
    let invited = snapshot(&r.invite(1, room, 2).0);
    assert_eq!((invited.invited_users.clone(), invited.version), (vec![2], 2));
    assert_eq!(error_code(&r.join(3, room).0), RoomErrorCode::NotAllowed, "3 was not invited");
    let joined = snapshot(&r.join(2, room).0);
    assert_eq!(joined.members, vec![1, 2]);
    assert!(joined.invited_users.is_empty(), "joining uses up the invite");
    // Any member may invite; the others hear of it.
    let (reply, out) = r.invite(2, room, 4);
    let after = snapshot(&reply);
    assert_eq!(after.invited_users, vec![4]);
    assert_eq!(updates_to(&out, 1), vec![after]);
    assert_eq!(error_code(&r.join(3, room).0), RoomErrorCode::NotAllowed);
    assert_eq!(snapshot(&r.join(4, room).0).members, vec![1, 2, 4]);
    // A user who left needs a new invite to come back.
    r.leave(4, room);
    assert_eq!(error_code(&r.join(4, room).0), RoomErrorCode::NotAllowed);
}

#[test]
fn the_invited_list_is_bounded_and_repeats_change_nothing() {
    let mut r = Rooms::users(&[1, 2, 3]);
    let room = r.room_with(1, &[2]);
    for u in 0..MAX_ROOM_INVITED_USERS as u64 {
        snapshot(&r.invite(1, room, 100 + u).0);
    }
    let full = snapshot(&r.get(1, room));
    assert_eq!(full.invited_users.len(), MAX_ROOM_INVITED_USERS);
    let (reply, out) = r.invite(1, room, 999);
    assert_eq!(error_code(&reply), RoomErrorCode::InviteListFull);
    assert!(silent(&out));
    // Inviting someone already invited, or a member, is a no-op success.
    for again in [100, 2] {
        let (reply, out) = r.invite(1, room, again);
        assert_eq!(snapshot(&reply), full);
        assert!(silent(&out));
    }
    assert_eq!(error_code(&r.invite(1, room, 0).0), RoomErrorCode::InvalidArgument);
    assert_eq!(error_code(&r.invite(3, room, 7).0), RoomErrorCode::NotInRoom, "members only");
}

#[test]
fn an_invite_does_not_lift_a_kick() {
    let mut r = Rooms::users(&[1, 2, 3]);
    let room = snapshot(&r.create(1, JoinPolicy::InvitedUsers, 4).0).room_id;
    r.invite(1, room, 2);
    r.invite(1, room, 3);
    snapshot(&r.join(2, room).0);
    snapshot(&r.join(3, room).0);
    r.kick(1, room, 2, 60);
    // Any member may invite, so an invite lifting kicks would let members undo the owner.
    assert_eq!(snapshot(&r.invite(3, room, 2).0).invited_users, vec![2]);
    assert_eq!(error_code(&r.join(2, room).0), RoomErrorCode::Kicked);
}

#[test]
fn a_locked_room_refuses_every_join_until_unlocked() {
    let mut r = Rooms::users(&[1, 2, 3]);
    let room = r.room_with(1, &[2]);
    r.invite(1, room, 3);
    let (reply, out) = r.lock(1, room, true);
    let locked = snapshot(&reply);
    assert!(locked.membership_locked);
    assert_eq!(updates_to(&out, 2), vec![locked.clone()]);
    let (reply, out) = r.join(3, room);
    assert_eq!(error_code(&reply), RoomErrorCode::MembershipLocked, "even invited users");
    assert!(silent(&out));
    // Locking again changes nothing; members already in may still re-join (a no-op).
    let (reply, out) = r.lock(1, room, true);
    assert_eq!(snapshot(&reply).version, locked.version);
    assert!(silent(&out));
    assert_eq!(snapshot(&r.join(2, room).0).version, locked.version);
    let unlocked = snapshot(&r.lock(1, room, false).0);
    assert!(!unlocked.membership_locked && unlocked.version > locked.version);
    assert_eq!(snapshot(&r.join(3, room).0).members, vec![1, 2, 3]);
}

#[test]
fn ownership_moves_to_a_member_only() {
    let mut r = Rooms::users(&[1, 2, 3, 4]);
    let room = r.room_with(1, &[2, 3]);
    let (reply, out) = r.set_owner(1, room, 4);
    assert_eq!(error_code(&reply), RoomErrorCode::UserNotInRoom);
    assert!(silent(&out));
    let (reply, out) = r.set_owner(1, room, 3);
    let after = snapshot(&reply);
    assert_eq!((after.owner, after.members.clone(), after.version), (3, vec![1, 2, 3], 4));
    assert_eq!(updates_to(&out, 2), vec![after.clone()]);
    assert_eq!(updates_to(&out, 3), vec![after]);
    // The old owner lost its rights, the new one has them.
    assert_eq!(error_code(&r.lock(1, room, true).0), RoomErrorCode::NotAllowed);
    assert!(snapshot(&r.lock(3, room, true).0).membership_locked);
    // The new owner leaving hands over by the usual rule: the longest-present member.
    assert_eq!(snapshot(&r.leave(3, room).0).owner, 1);
}

#[test]
fn the_join_policy_can_change_and_joins_follow_it() {
    let mut r = Rooms::users(&[1, 2, 3]);
    let room = r.room(1, 4);
    let (reply, _) = r.policy(1, room, JoinPolicy::None);
    let closed = snapshot(&reply);
    assert_eq!((closed.join_policy, closed.version), (JoinPolicy::None, 2));
    assert_eq!(error_code(&r.join(2, room).0), RoomErrorCode::NotAllowed);
    assert_eq!(error_code(&r.policy(1, room, JoinPolicy::Unknown).0), RoomErrorCode::InvalidArgument);
    assert_eq!(snapshot(&r.policy(1, room, JoinPolicy::None).0).version, 2, "same policy: no change");
    snapshot(&r.policy(1, room, JoinPolicy::FriendsOfOwner).0);
    assert_eq!(snapshot(&r.join(2, room).0).members, vec![1, 2]);
    let (reply, out) = r.policy(1, room, JoinPolicy::InvitedUsers);
    assert_eq!(updates_to(&out, 2), vec![snapshot(&reply)]);
    assert_eq!(error_code(&r.join(3, room).0), RoomErrorCode::NotAllowed);
}

#[test]
fn the_description_is_bounded_and_reaches_the_members() {
    let mut r = Rooms::users(&[1, 2]);
    let room = r.room_with(1, &[2]);
    let (reply, out) = r.describe(1, room, "capture the flag, no campers");
    let after = snapshot(&reply);
    assert_eq!((after.description.as_str(), after.version), ("capture the flag, no campers", 3));
    assert_eq!(updates_to(&out, 2), vec![after.clone()]);
    let too_long = "x".repeat(MAX_ROOM_DESCRIPTION_LEN + 1);
    let (reply, out) = r.describe(1, room, &too_long);
    assert_eq!(error_code(&reply), RoomErrorCode::InvalidArgument);
    assert!(silent(&out));
    // The limit is in bytes: 32 two-byte characters fit exactly.
    let longest = "é".repeat(MAX_ROOM_DESCRIPTION_LEN / 2);
    assert_eq!(snapshot(&r.describe(1, room, &longest).0).description, longest);
    let (reply, out) = r.describe(1, room, &longest);
    assert_eq!(snapshot(&reply).version, 4, "the same text again changes nothing");
    assert!(silent(&out));
    assert_eq!(snapshot(&r.describe(1, room, "").0).description, "");
}

#[test]
fn anyone_may_ask_which_room_a_user_is_in() {
    let mut r = Rooms::users(&[1, 2, 3]);
    let room = r.room_with(1, &[2]);
    let seen = snapshot(&r.current_of(3, 2));
    assert_eq!((seen.room_id, seen.members), (room, vec![1, 2]));
    assert_eq!(error_code(&r.current_of(3, 3)), RoomErrorCode::UserNotInRoom);
    assert_eq!(error_code(&r.current_of(3, 77)), RoomErrorCode::UserNotInRoom, "not even logged in");
    r.leave(2, room);
    assert_eq!(error_code(&r.current_of(1, 2)), RoomErrorCode::UserNotInRoom);
    assert_eq!(snapshot(&r.current_of(1, 1)).room_id, room);
}

#[test]
fn a_retried_kick_is_answered_once() {
    let mut r = Rooms::users(&[1, 2]);
    let room = r.room_with(1, &[2]);
    let session = r.session(1);
    let kick = Message::RoomKickUser { req: 70, session, room, user: 2, kick_duration_seconds: 60 };
    let first = r.raw(addr(1), &kick);
    let again = r.raw(addr(1), &kick);
    assert_eq!(updates_to(&first, 2).len(), 1);
    assert!(silent(&again), "no second push");
    assert_eq!(snapshot(&r.get(1, room)).version, 3);
}
