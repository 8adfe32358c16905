//! Turns what the engine reports into what the C API hands out: engine notifications become
//! queue messages, engine packets become packet contents.
//!
//! Pure (no engine, no I/O), so the whole mapping is unit-tested without a network. The runtime
//! calls [`Pump::message_for`] from `ovr_PopMessage`, one notification at a time and in order.

use std::collections::VecDeque;

use super::platform_initialize::{PlatformInitialize, PlatformInitializeResult};
use crate::capi::abi::enums::{PeerConnectionState, SendPolicy};
use crate::capi::abi::ids::{ovrID, ovrRequest};
use crate::capi::messages::error::{ERROR_CODE_LOGIN_FAILED, PlatformError};
use crate::capi::messages::message::{Message, Payload};
use crate::capi::messages::message_type::MessageType;
use crate::capi::messages::ping::PingResult;
use crate::capi::net::packet::Packet;
use crate::capi::rooms::room::Room;
use crate::engine::{self, Notification, PeerState, RoomOp};
use crate::proto::Policy;
use crate::signal::{RoomError, RoomSnapshot};

const LOG: &str = "ovrnet::capi";

/// The reply an asynchronous init (`ovr_Platform_InitializeStandaloneOculus`,
/// `ovr_PlatformInitializeWithAccessToken`) still owes its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InitReply {
    /// `ovrMessage_Platform_InitializeStandaloneOculus` or `..._PlatformInitializeWithAccessToken`.
    pub kind: MessageType,
    /// The request id the init function returned.
    pub request_id: ovrRequest,
}

/// Per-instance mapping state: the local user (room joinability is seen from that user) and the
/// pending init reply, answered by the first login outcome.
#[derive(Debug, Default)]
pub struct Pump {
    user_id: ovrID,
    init_reply: Option<InitReply>,
    /// Messages converted ahead of their turn (to queue a local reply behind them), in order.
    ready: VecDeque<Message>,
    /// Room requests whose reply has another message type than their operation implies (the v1
    /// calls), oldest first; an entry leaves when its reply arrives.
    reply_types: VecDeque<(ovrRequest, MessageType)>,
}

/// Bound of [`Pump::reply_types`]: far above the signalling client's requests in flight, so an
/// entry only falls out if its reply never came.
const MAX_REPLY_TYPES: usize = 1024;

/// Bound of [`Pump::ready`]: a game that asks for local replies and never pops its queue is
/// refused rather than growing memory without end.
pub const MAX_READY_MESSAGES: usize = 65_536;

impl Pump {
    /// A pump for user `user_id` that answers `init_reply` (if any) when the first login outcome
    /// arrives.
    pub fn new(user_id: ovrID, init_reply: Option<InitReply>) -> Self {
        Self { user_id, init_reply, ready: VecDeque::new(), reply_types: VecDeque::new() }
    }

    /// The reply to room request `request_id` is a `kind` message.
    pub fn reply_as(&mut self, request_id: ovrRequest, kind: MessageType) {
        if self.reply_types.len() >= MAX_REPLY_TYPES {
            self.reply_types.pop_front();
        }
        self.reply_types.push_back((request_id, kind));
    }

    /// The message type of the reply to room request `request_id` for operation `op`.
    fn reply_type(&mut self, request_id: ovrRequest, op: RoomOp) -> MessageType {
        match self.reply_types.iter().position(|(id, _)| *id == request_id) {
            Some(at) => self.reply_types.remove(at).map_or_else(|| room_reply_type(op), |(_, kind)| kind),
            None => room_reply_type(op),
        }
    }

    /// The oldest message converted ahead of its turn.
    pub fn pop_ready(&mut self) -> Option<Message> {
        self.ready.pop_front()
    }

    /// Queues a message behind those converted ahead of their turn; refused when full.
    pub fn push_ready(&mut self, message: Message) -> Result<(), String> {
        if self.ready.len() >= MAX_READY_MESSAGES {
            return Err(format!("{MAX_READY_MESSAGES} messages wait unread; pop them first"));
        }
        self.ready.push_back(message);
        Ok(())
    }

    /// The message for one notification, or `None` for those that only get a log line (login
    /// outcomes nobody asked for, a lost server).
    pub fn message_for(&mut self, notification: Notification) -> Option<Message> {
        match notification {
            Notification::PeerConnectRequest { peer } => Some(Message::peer_connect_request(peer)),
            Notification::ConnectionStateChange { peer, state } => {
                Some(Message::connection_state_change(peer, peer_state(state)))
            }
            Notification::PingResult { request_id, peer, rtt_us } => {
                let result = match rtt_us {
                    Some(usec) => PingResult::answered(peer, usec),
                    None => PingResult::timed_out(peer),
                };
                Some(Message::ping_result(request_id, result))
            }
            Notification::LoggedIn => {
                log::info!(target: LOG, "logged in to the server");
                let reply = self.init_reply.take()?;
                let payload =
                    Payload::PlatformInitialize(PlatformInitialize::new(PlatformInitializeResult::Success));
                Some(Message::new(reply.kind, reply.request_id, payload))
            }
            Notification::LoginFailed { reason } => {
                log::error!(target: LOG, "login failed: {reason}");
                let reply = self.init_reply.take()?;
                let error = PlatformError::new(
                    ERROR_CODE_LOGIN_FAILED,
                    0,
                    &format!("login failed: {reason}"),
                    "Could not sign in to the multiplayer server.",
                );
                Some(Message::error(reply.kind, reply.request_id, error))
            }
            Notification::ServerLost { reason } => {
                log::warn!(target: LOG, "lost the server: {reason}");
                None
            }
            Notification::RoomReply { request_id, op, result } => {
                let kind = self.reply_type(request_id, op);
                Some(match result {
                    Ok(snapshot) => Message::new(kind, request_id, self.room_payload(&snapshot)),
                    Err(error) => Message::error(kind, request_id, room_error(&error)),
                })
            }
            Notification::RoomUpdate { snapshot } => {
                Some(Message::new(MessageType::Notification_Room_RoomUpdate, 0, self.room_payload(&snapshot)))
            }
        }
    }
}

impl Pump {
    /// A room payload: the message's own copy of the snapshot, seen from the local user.
    fn room_payload(&self, snapshot: &RoomSnapshot) -> Payload {
        Payload::Room(Room::from_snapshot(snapshot, self.user_id))
    }
}

/// The reply message type of a room request.
pub fn room_reply_type(op: RoomOp) -> MessageType {
    match op {
        RoomOp::CreateAndJoinPrivate => MessageType::Room_CreateAndJoinPrivate2,
        RoomOp::Join => MessageType::Room_Join2,
        RoomOp::Leave => MessageType::Room_Leave,
        RoomOp::Get => MessageType::Room_Get,
        RoomOp::GetCurrent => MessageType::Room_GetCurrent,
        RoomOp::UpdateDataStore => MessageType::Room_UpdateDataStore,
        RoomOp::KickUser => MessageType::Room_KickUser,
        RoomOp::InviteUser => MessageType::Room_InviteUser,
        RoomOp::UpdateOwner => MessageType::Room_UpdateOwner,
        RoomOp::UpdateMembershipLockStatus => MessageType::Room_UpdateMembershipLockStatus,
        RoomOp::UpdatePrivateRoomJoinPolicy => MessageType::Room_UpdatePrivateRoomJoinPolicy,
        RoomOp::SetDescription => MessageType::Room_SetDescription,
        RoomOp::GetCurrentForUser => MessageType::Room_GetCurrentForUser,
    }
}

/// The error payload of a refused room request: the room error code (docs/ROOMS.md), the code's
/// name with the server's text as the message, and the text alone as the displayable message.
pub fn room_error(error: &RoomError) -> PlatformError {
    let code = i32::try_from(error.code.code()).unwrap_or(i32::MAX);
    PlatformError::new(code, 0, &error.to_string(), error.message())
}

/// The C state for an engine peer state.
pub fn peer_state(state: PeerState) -> PeerConnectionState {
    match state {
        PeerState::Connected => PeerConnectionState::Connected,
        PeerState::Timeout => PeerConnectionState::Timeout,
        PeerState::Closed => PeerConnectionState::Closed,
    }
}

/// The C policy for a transport policy.
pub fn send_policy(policy: Policy) -> SendPolicy {
    match policy {
        Policy::Unreliable => SendPolicy::Unreliable,
        Policy::Reliable => SendPolicy::Reliable,
    }
}

/// The transport policy for a C policy; `None` for `ovrSend_Unknown`.
pub fn transport_policy(policy: SendPolicy) -> Option<Policy> {
    match policy {
        SendPolicy::Unreliable => Some(Policy::Unreliable),
        SendPolicy::Reliable => Some(Policy::Reliable),
        SendPolicy::Unknown => None,
    }
}

/// The packet `ovr_Net_ReadPacket` hands out for a received engine packet.
pub fn packet_from_engine(packet: engine::Packet) -> Packet {
    Packet::new(packet.sender, send_policy(packet.policy), packet.data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capi::messages::message::Payload;
    use crate::capi::messages::peer::NetworkingPeer;

    fn standalone_reply() -> InitReply {
        InitReply { kind: MessageType::Platform_InitializeStandaloneOculus, request_id: 77 }
    }

    #[test]
    fn connect_request_carries_the_peer() {
        let msg = Pump::default().message_for(Notification::PeerConnectRequest { peer: 42 }).unwrap();
        assert_eq!(msg.kind(), MessageType::Notification_Networking_PeerConnectRequest);
        assert_eq!(msg.request_id(), 0);
        assert_eq!(
            msg.payload(),
            &Payload::NetworkingPeer(NetworkingPeer::new(42, PeerConnectionState::Unknown))
        );
    }

    #[test]
    fn every_peer_state_maps_to_its_c_value() {
        let cases = [
            (PeerState::Connected, PeerConnectionState::Connected, 1),
            (PeerState::Timeout, PeerConnectionState::Timeout, 2),
            (PeerState::Closed, PeerConnectionState::Closed, 3),
        ];
        for (state, c_state, raw) in cases {
            let msg =
                Pump::default().message_for(Notification::ConnectionStateChange { peer: 9, state }).unwrap();
            assert_eq!(msg.kind(), MessageType::Notification_Networking_ConnectionStateChange);
            assert_eq!(msg.payload(), &Payload::NetworkingPeer(NetworkingPeer::new(9, c_state)));
            assert_eq!(c_state as i32, raw);
        }
    }

    #[test]
    fn ping_result_keeps_request_id_and_names_the_pinged_peer() {
        let mut pump = Pump::default();
        let answered = pump
            .message_for(Notification::PingResult { request_id: 5, peer: 8, rtt_us: Some(1234) })
            .unwrap();
        assert_eq!(answered.kind(), MessageType::Notification_Networking_PingResult);
        assert_eq!(answered.request_id(), 5);
        assert_eq!(answered.payload(), &Payload::PingResult(PingResult::answered(8, 1234)));
        let lost =
            pump.message_for(Notification::PingResult { request_id: 6, peer: 8, rtt_us: None }).unwrap();
        assert_eq!(lost.request_id(), 6);
        assert_eq!(lost.payload(), &Payload::PingResult(PingResult::timed_out(8)));
    }

    #[test]
    fn login_without_pending_init_gives_no_message() {
        let mut pump = Pump::default();
        assert_eq!(pump.message_for(Notification::LoggedIn), None);
        assert_eq!(pump.message_for(Notification::LoginFailed { reason: "x".into() }), None);
        assert_eq!(pump.message_for(Notification::ServerLost { reason: "y".into() }), None);
    }

    #[test]
    fn first_login_success_answers_the_init_once() {
        let mut pump = Pump::new(1, Some(standalone_reply()));
        let msg = pump.message_for(Notification::LoggedIn).unwrap();
        assert_eq!(msg.kind(), MessageType::Platform_InitializeStandaloneOculus);
        assert_eq!(msg.request_id(), 77);
        assert_eq!(
            msg.payload(),
            &Payload::PlatformInitialize(PlatformInitialize::new(PlatformInitializeResult::Success))
        );
        // A later re-login (after a lost server) answers nothing.
        assert_eq!(pump.message_for(Notification::LoggedIn), None);
    }

    #[test]
    fn login_failure_answers_the_init_with_an_error() {
        let reply = InitReply { kind: MessageType::PlatformInitializeWithAccessToken, request_id: 3 };
        let mut pump = Pump::new(1, Some(reply));
        let msg = pump.message_for(Notification::LoginFailed { reason: "invalid token".into() }).unwrap();
        assert_eq!(msg.kind(), MessageType::PlatformInitializeWithAccessToken);
        assert_eq!(msg.request_id(), 3);
        match msg.payload() {
            Payload::Error(e) => {
                assert_eq!(e.code(), ERROR_CODE_LOGIN_FAILED);
                assert!(e.message().contains("invalid token"), "{}", e.message());
            }
            other => panic!("expected an error payload, got {other:?}"),
        }
        assert_eq!(pump.message_for(Notification::LoggedIn), None);
    }

    #[test]
    fn packets_keep_sender_policy_and_bytes() {
        let p = packet_from_engine(engine::Packet {
            sender: 11,
            policy: Policy::Unreliable,
            data: vec![1, 2, 3],
        });
        assert_eq!((p.sender(), p.policy(), p.bytes()), (11, SendPolicy::Unreliable, &[1u8, 2, 3][..]));
        let p = packet_from_engine(engine::Packet { sender: 12, policy: Policy::Reliable, data: vec![] });
        assert_eq!((p.sender(), p.policy(), p.bytes().len()), (12, SendPolicy::Reliable, 0));
    }

    #[test]
    fn policies_round_trip_and_unknown_has_no_transport_policy() {
        for p in [Policy::Unreliable, Policy::Reliable] {
            assert_eq!(transport_policy(send_policy(p)), Some(p));
        }
        assert_eq!(transport_policy(SendPolicy::Unknown), None);
    }

    fn snapshot(members: &[u64]) -> RoomSnapshot {
        let mut data_store = crate::signal::DataStore::new();
        data_store.set("map", "dust").unwrap();
        RoomSnapshot {
            room_id: 0xABCD,
            owner: members[0],
            members: members.to_vec(),
            join_policy: crate::signal::JoinPolicy::Everyone,
            max_users: 4,
            data_store,
            version: 2,
            membership_locked: false,
            invited_users: Vec::new(),
            description: String::new(),
        }
    }

    #[test]
    fn room_replies_take_their_type_from_the_request() {
        let cases = [
            (RoomOp::CreateAndJoinPrivate, MessageType::Room_CreateAndJoinPrivate2),
            (RoomOp::Join, MessageType::Room_Join2),
            (RoomOp::Leave, MessageType::Room_Leave),
            (RoomOp::Get, MessageType::Room_Get),
            (RoomOp::GetCurrent, MessageType::Room_GetCurrent),
            (RoomOp::UpdateDataStore, MessageType::Room_UpdateDataStore),
            (RoomOp::KickUser, MessageType::Room_KickUser),
            (RoomOp::InviteUser, MessageType::Room_InviteUser),
            (RoomOp::UpdateOwner, MessageType::Room_UpdateOwner),
            (RoomOp::UpdateMembershipLockStatus, MessageType::Room_UpdateMembershipLockStatus),
            (RoomOp::UpdatePrivateRoomJoinPolicy, MessageType::Room_UpdatePrivateRoomJoinPolicy),
            (RoomOp::SetDescription, MessageType::Room_SetDescription),
            (RoomOp::GetCurrentForUser, MessageType::Room_GetCurrentForUser),
        ];
        let mut pump = Pump::new(5, None);
        for (op, kind) in cases {
            let snap = snapshot(&[5, 6]);
            let msg = pump
                .message_for(Notification::RoomReply { request_id: 31, op, result: Ok(snap.clone()) })
                .unwrap();
            assert_eq!((msg.kind(), msg.request_id()), (kind, 31));
            assert_eq!(msg.payload(), &Payload::Room(Room::from_snapshot(&snap, 5)));
        }
    }

    #[test]
    fn refused_room_requests_become_error_messages_with_code_and_text() {
        use crate::signal::RoomErrorCode;
        let error = RoomError::new(RoomErrorCode::RoomFull, "room 43981 holds 4 of 4 users");
        let msg = Pump::new(5, None)
            .message_for(Notification::RoomReply { request_id: 9, op: RoomOp::Join, result: Err(error) })
            .unwrap();
        assert_eq!((msg.kind(), msg.request_id()), (MessageType::Room_Join2, 9));
        match msg.payload() {
            Payload::Error(e) => {
                assert_eq!(e.code(), 2);
                assert_eq!(e.displayable(), "room 43981 holds 4 of 4 users");
                assert!(e.message().starts_with("room_full (2)"), "{}", e.message());
            }
            other => panic!("expected an error payload, got {other:?}"),
        }
    }

    #[test]
    fn room_updates_are_notifications_with_their_own_copy() {
        let snap = snapshot(&[6, 5]);
        let msg =
            Pump::new(5, None).message_for(Notification::RoomUpdate { snapshot: snap.clone() }).unwrap();
        assert_eq!((msg.kind(), msg.request_id()), (MessageType::Notification_Room_RoomUpdate, 0));
        assert_eq!(msg.payload(), &Payload::Room(Room::from_snapshot(&snap, 5)));
        match msg.payload() {
            Payload::Room(room) => {
                assert_eq!(room.id(), 0xABCD);
                assert_eq!(room.joinability(), crate::capi::rooms::room_enums::RoomJoinability::AreIn);
            }
            other => panic!("expected a room, got {other:?}"),
        }
    }
}
