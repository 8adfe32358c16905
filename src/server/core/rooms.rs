//! Room requests on the server core: run them on the [`RoomTable`], push the new snapshots.
//!
//! Who hears about a change: every member of a changed room that did not turn updates off,
//! except the member whose own request caused it (that one gets the same snapshot in its
//! reply), plus a user just kicked out if it wanted updates (its last update shows it is no
//! longer a member). A newer RoomUpdate for a room replaces an older one still waiting for its ack, so a
//! slow client holds at most one room update per room in its push queue.

use log::info;

use super::ServerCore;
use crate::server::rooms::{Outcome, RoomTable};
use crate::signal::RoomRequest;
use crate::signal::messages::Message;
use crate::signal::room::{RoomError, RoomSnapshot};

impl ServerCore {
    /// Runs `op` for `user` and returns the reply (`RoomOk` or `RoomFailed`). Its mark is taken
    /// after any pushes the change caused, so it orders behind them.
    pub(super) fn on_room(&mut self, now: u64, user: u64, req: u32, op: RoomRequest) -> Message {
        let result = match op {
            RoomRequest::Create { join_policy, max_users, updates_off, data_store } => {
                let id = self.fresh_room_id();
                let result = self.rooms.create(id, user, join_policy, max_users, updates_off, data_store);
                if result.is_ok() {
                    self.stats.rooms_created += 1;
                    if self.log_admits("room_create") {
                        info!(
                            "event=room_create room={id:016x} owner={user} policy={join_policy:?} max_users={max_users}"
                        );
                    }
                }
                self.publish(now, user, result)
            }
            RoomRequest::Join { room, updates_off } => {
                let result = self.rooms.join(now, user, room, updates_off);
                if result.as_ref().is_ok_and(|o| !o.changed.is_empty()) && self.log_admits("room_join") {
                    info!("event=room_join room={room:016x} user={user}");
                }
                self.publish(now, user, result)
            }
            RoomRequest::Leave { room } => {
                let result = self.rooms.leave(user, room);
                if result.is_ok() && self.log_admits("room_leave") {
                    info!("event=room_leave room={room:016x} user={user}");
                }
                self.publish(now, user, result)
            }
            RoomRequest::Get { room } => self.rooms.get(room),
            RoomRequest::GetCurrent => self.rooms.current(user),
            RoomRequest::UpdateDataStore { room, data_store } => {
                let result = self.rooms.update_data_store(user, room, &data_store);
                self.publish(now, user, result)
            }
            RoomRequest::KickUser { room, user: kicked, kick_duration_seconds } => {
                let result = self.rooms.kick(now, user, room, kicked, kick_duration_seconds);
                if result.is_ok() && self.log_admits("room_kick") {
                    info!(
                        "event=room_kick room={room:016x} owner={user} user={kicked} seconds={kick_duration_seconds}"
                    );
                }
                self.publish(now, user, result)
            }
            RoomRequest::InviteUser { room, user: invited } => {
                let result = self.rooms.invite(user, room, invited);
                self.publish(now, user, result)
            }
            RoomRequest::UpdateOwner { room, user: owner } => {
                let result = self.rooms.update_owner(user, room, owner);
                self.publish(now, user, result)
            }
            RoomRequest::UpdateMembershipLockStatus { room, locked } => {
                let result = self.rooms.update_lock(user, room, locked);
                self.publish(now, user, result)
            }
            RoomRequest::UpdatePrivateRoomJoinPolicy { room, policy } => {
                let result = self.rooms.update_join_policy(user, room, policy);
                self.publish(now, user, result)
            }
            RoomRequest::SetDescription { room, description } => {
                let result = self.rooms.set_description(user, room, &description);
                self.publish(now, user, result)
            }
            RoomRequest::GetCurrentForUser { user: other } => self.rooms.current_for_user(other),
        };
        let mark = self.take_mark(user);
        match result {
            Ok(snapshot) => Message::RoomOk { req, mark, snapshot },
            Err(error) => {
                self.stats.room_errors += 1;
                if self.log_admits("room_error") {
                    info!("event=room_error user={user} code={} error=\"{}\"", error.code, error.message());
                }
                Message::RoomFailed { req, mark, error }
            }
        }
    }

    /// Takes a user whose session ended out of their room and tells the others.
    pub(super) fn drop_from_room(&mut self, now: u64, user: u64) {
        if let Some(outcome) = self.rooms.remove_user(user) {
            if self.log_admits("room_leave") {
                info!(
                    "event=room_leave room={:016x} user={user} reason=session_end",
                    outcome.snapshot.room_id
                );
            }
            // The user is gone, so nobody is excluded.
            let _ = self.publish(now, 0, Ok(outcome));
        }
    }

    /// Pushes the new snapshot of every changed room to its subscribers except `actor`.
    fn publish(
        &mut self,
        now: u64,
        actor: u64,
        result: Result<Outcome, RoomError>,
    ) -> Result<RoomSnapshot, RoomError> {
        let outcome = result?;
        if let Some(room) = outcome.destroyed {
            self.stats.rooms_destroyed += 1;
            if self.log_admits("room_destroyed") {
                info!("event=room_destroyed room={room:016x}");
            }
        }
        for room in &outcome.changed {
            let Some(r) = self.rooms.room(*room) else { continue };
            let snapshot = r.snapshot();
            let to: Vec<u64> = r.subscribers().filter(|&u| u != actor).collect();
            for user in to {
                self.push_room_update(now, user, &snapshot);
            }
        }
        if let Some(kicked) = outcome.kicked {
            self.push_room_update(now, kicked, &outcome.snapshot);
        }
        Ok(outcome.snapshot)
    }

    /// Queues a RoomUpdate, replacing an unacknowledged older one for the same room.
    fn push_room_update(&mut self, now: u64, user: u64, snapshot: &RoomSnapshot) {
        if let Some(s) = self.sessions.get_mut(&user) {
            s.pushes.retain(|p| {
                !matches!(&p.msg, Message::RoomUpdate { snapshot: old, .. } if old.room_id == snapshot.room_id)
            });
        }
        self.push(now, user, |push| Message::RoomUpdate { push, snapshot: snapshot.clone() });
    }

    /// Takes the next id of `user`'s push sequence for a reply, without queuing anything, so
    /// room replies and pushes to one session are totally ordered by id (0 if no session).
    fn take_mark(&mut self, user: u64) -> u32 {
        let Some(s) = self.sessions.get_mut(&user) else { return 0 };
        let mark = s.next_push;
        s.next_push = s.next_push.wrapping_add(1).max(1);
        mark
    }

    fn fresh_room_id(&mut self) -> u64 {
        loop {
            let id = self.rng.next_u64();
            if id != 0 && !self.rooms.contains(id) {
                return id;
            }
        }
    }

    /// The room table (for tests and statistics).
    pub fn rooms(&self) -> &RoomTable {
        &self.rooms
    }
}
