//! Rooms as the engine sees them: room requests and their replies, the updates the server
//! pushes, and the three room-scoped networking calls (auto-accept, send to all, close all).
use log::{debug, warn};

use super::Core;
use crate::engine::api::{EngineSendError, Notification, RoomOp};
use crate::engine::inbox::Inbox;
use crate::engine::peer::Phase;
use crate::proto::Policy;
use crate::signal::{RoomError, RoomErrorCode, RoomEvent, RoomRequest, RoomSnapshot};

impl Core {
    /// Sends a room request; returns the request id the reply will carry (never 0). A request the
    /// signalling client cannot take is answered at once with an error reply.
    pub fn room_request(&mut self, now: u64, req: RoomRequest, inbox: &Inbox) -> u64 {
        let request_id = self.next_request_id();
        let op = RoomOp::of(&req);
        let sent = self.signal.room_request(now, req);
        match sent {
            Ok(signal_id) => {
                self.room_ops.insert(signal_id, (request_id, op));
                // A request the client refused without sending has its reply queued already.
                self.pump_rooms(now, inbox);
            }
            Err(e) => {
                warn!("event=room_request_refused op={op:?} error={e}");
                let error = RoomError::new(RoomErrorCode::Disconnected, e.to_string());
                inbox.push_notification(Notification::RoomReply { request_id, op, result: Err(error) });
            }
        }
        request_id
    }

    pub fn current_room(&self) -> Option<RoomSnapshot> {
        self.signal.current_room_snapshot().cloned()
    }

    /// Accept every current and future connect request from members of the current room, until
    /// this user leaves it. False when not in a room.
    pub fn accept_for_current_room(&mut self, now: u64) -> bool {
        let Some(room) = self.signal.current_room() else { return false };
        self.auto_accept_room = Some(room);
        self.accept_room_members(now);
        true
    }

    /// Sends to every other member, connecting implicitly. Err(NotInRoom) when not in a room;
    /// otherwise the first error any member's send returned (the others were still attempted).
    pub fn send_to_current_room(
        &mut self,
        now: u64,
        data: &[u8],
        policy: Policy,
        inbox: &Inbox,
    ) -> Result<Vec<u64>, EngineSendError> {
        let members = self.other_members().ok_or(EngineSendError::NotInRoom)?;
        let mut first_error = None;
        for &m in &members {
            if let Err(e) = self.send(now, m, data, policy, inbox) {
                debug!("event=room_send_failed peer={m} error={e:?}");
                first_error.get_or_insert(e);
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(members),
        }
    }

    /// Closes the connection to every other member; false when not in a room.
    pub fn close_for_current_room(&mut self, now: u64, inbox: &Inbox) -> bool {
        let Some(members) = self.other_members() else { return false };
        for m in members {
            self.close(now, m, inbox);
        }
        true
    }

    fn other_members(&self) -> Option<Vec<u64>> {
        let snap = self.signal.current_room_snapshot()?;
        Some(snap.members.iter().copied().filter(|&m| m != self.user_id).collect())
    }

    /// Whether a connect request from `peer` is accepted without asking the application.
    pub(super) fn auto_accepts(&self, peer: u64) -> bool {
        self.auto_accept_room.is_some_and(|room| {
            self.signal.current_room_snapshot().is_some_and(|s| s.room_id == room && s.has_member(peer))
        })
    }

    /// Requests that arrived before the room update naming their sender are accepted once it
    /// does; auto-accept ends when this user is no longer in that room.
    fn accept_room_members(&mut self, now: u64) {
        if self.auto_accept_room.is_some() && self.signal.current_room() != self.auto_accept_room {
            self.auto_accept_room = None;
            return;
        }
        let waiting: Vec<u64> = self
            .peers
            .iter()
            .filter(|(_, p)| p.phase == Phase::Incoming && p.is_live())
            .map(|(&id, _)| id)
            .collect();
        for peer in waiting {
            if self.auto_accepts(peer) {
                self.accept(now, peer);
            }
        }
    }

    pub(super) fn pump_rooms(&mut self, now: u64, inbox: &Inbox) {
        let mut changed = false;
        while let Some(ev) = self.signal.poll_room_event() {
            changed = true;
            match ev {
                RoomEvent::RoomReply { request_id, result } => {
                    let Some((request_id, op)) = self.room_ops.remove(&request_id) else { continue };
                    inbox.push_notification(Notification::RoomReply { request_id, op, result });
                }
                RoomEvent::RoomUpdate { snapshot } => {
                    inbox.push_notification(Notification::RoomUpdate { snapshot })
                }
            }
        }
        if changed {
            self.accept_room_members(now);
        }
    }
}
