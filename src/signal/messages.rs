//! The signalling messages exchanged between a client and the rendezvous server.
//!
//! Each variant is one datagram. Client requests carry a client-chosen request id (`req`) so
//! the client can retransmit and the server can answer duplicates without repeating side
//! effects. Server pushes carry a per-session push id (`push`) that the client acknowledges.
//! The byte layout lives in [`super::codec`] and `docs/SIGNALLING.md`.

use std::fmt;
use std::net::SocketAddr;

use super::room::{DataStore, JoinPolicy, RoomError, RoomSnapshot};
use crate::proto::identity::CERT_LEN;

/// Longest credential (open-mode secret or shared-secret token) a login may carry.
///
/// Keeps a login well under the 1300-byte datagram limit and bounds what the server stores.
pub const MAX_CREDENTIAL_LEN: usize = 255;
/// Longest credential field of a Login on the wire: the login handshake's first message,
/// which carries the credential encrypted (see [`super::login_handshake`]).
pub const MAX_WIRE_CREDENTIAL_LEN: usize = MAX_CREDENTIAL_LEN + super::login_handshake::HANDSHAKE_OVERHEAD;

/// Opaque login credential: an open-mode client secret or a token (at most
/// [`MAX_CREDENTIAL_LEN`] bytes), or in a Login on the wire the login handshake's first
/// message, which carries one encrypted.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Credential(Vec<u8>);

impl Credential {
    /// Wraps `bytes`; `None` when longer than [`MAX_CREDENTIAL_LEN`].
    pub fn new(bytes: impl Into<Vec<u8>>) -> Option<Self> {
        let bytes = bytes.into();
        (bytes.len() <= MAX_CREDENTIAL_LEN).then_some(Self(bytes))
    }

    /// Wraps a Login's credential field as it travels (the handshake's first message); `None`
    /// when longer than [`MAX_WIRE_CREDENTIAL_LEN`].
    pub fn sealed(bytes: impl Into<Vec<u8>>) -> Option<Self> {
        let bytes = bytes.into();
        (bytes.len() <= MAX_WIRE_CREDENTIAL_LEN).then_some(Self(bytes))
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Credential {
    /// Never prints the secret itself, so credentials cannot leak into logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Credential({} bytes)", self.0.len())
    }
}

/// Proof that a login's source address receives what the server sends it: the server derives
/// it from the address and the time, and keeps nothing (see docs/SIGNALLING.md).
pub type Cookie = [u8; COOKIE_LEN];

/// Length of a [`Cookie`].
pub const COOKIE_LEN: usize = 16;

/// Length of a session's reset token (see [`Message::SessionUnknown`]).
pub const RESET_TOKEN_LEN: usize = 16;

/// Why the server refused a login.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginRefusal {
    /// Another session holds this user id and the credential does not prove the same owner.
    UserIdTaken,
    /// Shared-secret mode: the token is malformed, for another user, or its MAC is wrong.
    InvalidToken,
    /// Shared-secret mode: the token's expiry time has passed.
    TokenExpired,
    /// The server is at its session cap.
    ServerFull,
    /// The client speaks an older signalling version than the server.
    UnsupportedVersion,
    /// A code this build does not know (sent by a newer server).
    Other(u8),
}

/// Why a connect or accept did not go through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailReason {
    /// The other user is not logged in (or logged out while the request was pending).
    Offline,
    /// The callee declined the request.
    Refused,
    /// The callee did not answer within the server's connect timeout.
    Timeout,
    /// Accept/decline named a user that has no pending request to this client.
    NoRequest,
    /// A per-user cap on pending requests or queued pushes was reached.
    Busy,
    /// The request makes no sense (for example, connecting to oneself).
    Invalid,
    /// A code this build does not know (sent by a newer server).
    Other(u8),
}

/// Most LAN addresses a client announces (one per interface that routes to the server is plenty).
pub const MAX_LAN_ADDRS: usize = 4;

/// One signalling datagram, decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    // ---- client -> server ----
    /// Log in as `user_id`. `nonce` is fresh per login attempt so the server can tell a
    /// retransmission (same nonce) from a new login (new nonce) on the same address. `cookie` is
    /// the one the server's `LoginRetry` gave this address: without a valid one the server
    /// answers `LoginRetry` and keeps nothing (the address must prove it receives).
    /// `peer_key` is the Ed25519 public key the server certifies for this user id: peers check
    /// that certificate when they connect (docs/PROTOCOL.md, handshake). With a cookie,
    /// `credential` is the login handshake's first message, which carries the credential
    /// encrypted to the server and bound to the cookie (see [`super::login_handshake`]);
    /// without one it is empty.
    Login {
        req: u32,
        user_id: u64,
        nonce: u64,
        peer_key: [u8; 32],
        credential: Credential,
        cookie: Option<Cookie>,
    },
    /// Presence keepalive; unanswered heartbeats are not retransmitted, the next one follows.
    Heartbeat { session: u64 },
    /// End the session.
    Logout { req: u32, session: u64 },
    /// Ask the server to broker a connection to user `to`.
    ConnectRequest { req: u32, session: u64, to: u64 },
    /// Accept `peer`'s pending connect request.
    Accept { req: u32, session: u64, peer: u64 },
    /// Decline `peer`'s pending connect request.
    Decline { req: u32, session: u64, peer: u64 },
    /// Acknowledge the server push `push`.
    PushAck { session: u64, push: u32 },
    /// The addresses this client's socket has on its own network (at most
    /// [`MAX_LAN_ADDRS`]): peers behind the same NAT reach it there. The server passes them only
    /// to peers whose connect it brokers.
    SetLanAddrs { req: u32, session: u64, addrs: Vec<SocketAddr> },
    /// Either way after the login: one message of session `session`, sealed under the session's
    /// keys with nonce `counter` (see [`super::channel`]). `to_server` tells the direction
    /// (they have different type bytes and keys).
    Sealed { to_server: bool, session: u64, counter: u64, body: Vec<u8> },
    /// Create a private room and join it (leaving any current room).
    RoomCreate {
        req: u32,
        session: u64,
        join_policy: JoinPolicy,
        max_users: u32,
        updates_off: bool,
        data_store: DataStore,
    },
    /// Join room `room` (leaving any other current room).
    RoomJoin { req: u32, session: u64, room: u64, updates_off: bool },
    /// Leave room `room`.
    RoomLeave { req: u32, session: u64, room: u64 },
    /// Read room `room` (any live room, member or not).
    RoomGet { req: u32, session: u64, room: u64 },
    /// Read the room this user is in.
    RoomGetCurrent { req: u32, session: u64 },
    /// Owner only: merge `data_store` into the room's (an empty value removes the key).
    RoomUpdateDataStore { req: u32, session: u64, room: u64, data_store: DataStore },
    /// Owner only: remove `user` from the room; it may not rejoin for `kick_duration_seconds`
    /// (zero or less: only removed).
    RoomKickUser { req: u32, session: u64, room: u64, user: u64, kick_duration_seconds: i32 },
    /// Any member: put `user` on the room's invited list.
    RoomInviteUser { req: u32, session: u64, room: u64, user: u64 },
    /// Owner only: hand ownership to the member `user`.
    RoomUpdateOwner { req: u32, session: u64, room: u64, user: u64 },
    /// Owner only: lock (no joins) or unlock the room's membership.
    RoomUpdateMembershipLockStatus { req: u32, session: u64, room: u64, locked: bool },
    /// Owner only: change who may join.
    RoomUpdatePrivateRoomJoinPolicy { req: u32, session: u64, room: u64, join_policy: JoinPolicy },
    /// Owner only: set the room's description. The wire carries up to 255 bytes so that the
    /// server, not the decoder, refuses one over the limit, with an answer.
    RoomSetDescription { req: u32, session: u64, room: u64, description: String },
    /// Read the room `user` is in.
    RoomGetCurrentForUser { req: u32, session: u64, user: u64 },

    // ---- server -> client: replies ----
    /// Login accepted; `session_timeout_ms` tells the client how long silence is tolerated.
    /// `cert` binds the login's `peer_key` to its user id, signed by the server key `authority`.
    /// `reset_token` is what a `SessionUnknown` for this session will carry. Only ever sent
    /// inside a `LoginAccept`, encrypted.
    LoginOk {
        req: u32,
        session: u64,
        session_timeout_ms: u32,
        cert: Box<[u8; CERT_LEN]>,
        authority: [u8; 32],
        reset_token: [u8; RESET_TOKEN_LEN],
    },
    /// The login handshake's second message: `reply` carries the encoded `LoginOk`, readable
    /// only by the client that sent the login (see [`super::login_handshake`]).
    LoginAccept { req: u32, session: u64, reply: Vec<u8> },
    /// Login refused.
    LoginRefused { req: u32, reason: LoginRefusal },
    /// Answer to a login without a valid cookie: send the login again with this one. Smaller
    /// than any login, so a spoofed login cannot make the server amplify traffic.
    /// `server_key` is the server's public key, for clients that did not pin one.
    LoginRetry { req: u32, cookie: Cookie, server_key: [u8; 32] },
    /// Answer to a heartbeat.
    HeartbeatAck { session: u64 },
    /// Answer to a logout (also sent when the session was already gone).
    LogoutOk { req: u32 },
    /// The connect request was forwarded; the outcome arrives as a push.
    ConnectPending { req: u32, peer: u64 },
    /// The connect request failed at once.
    ConnectFailed { req: u32, peer: u64, reason: FailReason },
    /// The accept went through: `addr` is the caller's address as the server sees it.
    AcceptOk { req: u32, peer: u64, addr: SocketAddr },
    /// The accept did not go through.
    AcceptFailed { req: u32, peer: u64, reason: FailReason },
    /// The decline was recorded (or there was nothing left to decline).
    DeclineOk { req: u32, peer: u64 },
    /// The LAN addresses were stored.
    LanAddrsOk { req: u32 },
    /// The server has no session `session` (expired, replaced or the server restarted); the
    /// client must log in again. Sent in clear (the server may no longer have the keys), so it
    /// proves itself with `reset_token`: derived from the server's identity key and the
    /// session id, and given to the client only inside the encrypted `LoginOk`.
    SessionUnknown { session: u64, reset_token: [u8; RESET_TOKEN_LEN] },
    /// A room request succeeded. `mark` is taken from the session's push id sequence (nothing
    /// is pushed under it), so room replies and pushes are totally ordered by id.
    RoomOk { req: u32, mark: u32, snapshot: RoomSnapshot },
    /// A room request was refused; `mark` as in `RoomOk`.
    RoomFailed { req: u32, mark: u32, error: RoomError },

    // ---- server -> client: pushes (acknowledged with PushAck) ----
    /// User `from` at `addr` wants to connect to this client.
    PeerConnectRequest { push: u32, from: u64, addr: SocketAddr },
    /// `peer` accepted this client's connect request; handshake with `addr`.
    PeerAccepted { push: u32, peer: u64, addr: SocketAddr },
    /// This client's pending connect request to `peer` failed later (timeout, refused, offline).
    PeerConnectFailed { push: u32, peer: u64, reason: FailReason },
    /// The LAN addresses of `peer`, whose connect the server just brokered: candidates for a
    /// direct path when both sit behind the same NAT. May arrive before or after the message
    /// that brokered the connect.
    PeerLanAddrs { push: u32, peer: u64, addrs: Vec<SocketAddr> },
    /// A room this client is in changed; the full state after the change.
    RoomUpdate { push: u32, snapshot: RoomSnapshot },
}

impl Message {
    /// Push id when this message is a server push that needs a `PushAck`.
    pub fn push_id(&self) -> Option<u32> {
        match self {
            Message::PeerConnectRequest { push, .. }
            | Message::PeerAccepted { push, .. }
            | Message::PeerConnectFailed { push, .. }
            | Message::PeerLanAddrs { push, .. }
            | Message::RoomUpdate { push, .. } => Some(*push),
            _ => None,
        }
    }

    /// The session a client message names, if it names one.
    pub fn session_id(&self) -> Option<u64> {
        match self {
            Message::Heartbeat { session }
            | Message::Logout { session, .. }
            | Message::ConnectRequest { session, .. }
            | Message::Accept { session, .. }
            | Message::Decline { session, .. }
            | Message::PushAck { session, .. }
            | Message::SetLanAddrs { session, .. }
            | Message::RoomCreate { session, .. }
            | Message::RoomJoin { session, .. }
            | Message::RoomLeave { session, .. }
            | Message::RoomGet { session, .. }
            | Message::RoomGetCurrent { session, .. }
            | Message::RoomUpdateDataStore { session, .. }
            | Message::RoomKickUser { session, .. }
            | Message::RoomInviteUser { session, .. }
            | Message::RoomUpdateOwner { session, .. }
            | Message::RoomUpdateMembershipLockStatus { session, .. }
            | Message::RoomUpdatePrivateRoomJoinPolicy { session, .. }
            | Message::RoomSetDescription { session, .. }
            | Message::RoomGetCurrentForUser { session, .. } => Some(*session),
            _ => None,
        }
    }

    /// Whether this message belongs inside a `Sealed` datagram: everything after the login.
    /// The login's own messages, `SessionUnknown` and `Sealed` itself travel in clear.
    pub fn travels_sealed(&self) -> bool {
        !matches!(
            self,
            Message::Login { .. }
                | Message::LoginOk { .. }
                | Message::LoginAccept { .. }
                | Message::LoginRefused { .. }
                | Message::LoginRetry { .. }
                | Message::SessionUnknown { .. }
                | Message::Sealed { .. }
        )
    }

    /// Request id when this message is a reply to a client request.
    pub fn reply_to(&self) -> Option<u32> {
        match self {
            Message::LoginOk { req, .. }
            | Message::LoginAccept { req, .. }
            | Message::LoginRefused { req, .. }
            | Message::LoginRetry { req, .. }
            | Message::LogoutOk { req }
            | Message::ConnectPending { req, .. }
            | Message::ConnectFailed { req, .. }
            | Message::AcceptOk { req, .. }
            | Message::AcceptFailed { req, .. }
            | Message::DeclineOk { req, .. }
            | Message::LanAddrsOk { req }
            | Message::RoomOk { req, .. }
            | Message::RoomFailed { req, .. } => Some(*req),
            _ => None,
        }
    }
}

impl fmt::Display for LoginRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoginRefusal::UserIdTaken => f.write_str("user_id_taken"),
            LoginRefusal::InvalidToken => f.write_str("invalid_token"),
            LoginRefusal::TokenExpired => f.write_str("token_expired"),
            LoginRefusal::ServerFull => f.write_str("server_full"),
            LoginRefusal::UnsupportedVersion => f.write_str("unsupported_version"),
            LoginRefusal::Other(c) => write!(f, "other_{c}"),
        }
    }
}

impl fmt::Display for FailReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailReason::Offline => f.write_str("offline"),
            FailReason::Refused => f.write_str("refused"),
            FailReason::Timeout => f.write_str("timeout"),
            FailReason::NoRequest => f.write_str("no_request"),
            FailReason::Busy => f.write_str("busy"),
            FailReason::Invalid => f.write_str("invalid"),
            FailReason::Other(c) => write!(f, "other_{c}"),
        }
    }
}
