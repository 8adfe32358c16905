//! Byte encoding of [`Message`]: big-endian, fixed layouts, one message per datagram.
//!
//! Layout of every datagram: `0xB3` (signalling v3), one type byte, then the fields of that
//! type in declaration order. After the login every message travels inside a `Sealed`
//! datagram (see [`super::channel`]); its plaintext is again one encoded message. Decoding checks every length and never panics; trailing bytes
//! are an error so that a corrupted datagram is not half-trusted.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use super::messages::{
    COOKIE_LEN, Credential, FailReason, LoginRefusal, MAX_LAN_ADDRS, MAX_WIRE_CREDENTIAL_LEN, Message,
    RESET_TOKEN_LEN,
};
use super::{room_codec, room_request_codec};
use crate::proto::identity::CERT_LEN;

/// First byte of every signalling datagram (the engine demultiplexes on it).
pub const SIGNAL_V3: u8 = 0xB3;
/// First bytes of the earlier versions (1: logins without a peer key; 2: no channel after the
/// login). Their logins are answered with a refusal in their own version, which has the same
/// layout, so an old client reports why instead of timing out.
pub const SIGNAL_V1: u8 = 0xB1;
/// See [`SIGNAL_V1`].
pub const SIGNAL_V2: u8 = 0xB2;
/// Largest plain encoded message (the largest, a full room snapshot, is 1292 bytes).
pub const MAX_SIGNAL_MESSAGE: usize = 1300;
/// Bytes a `Sealed` datagram adds to the message inside: version, type, session, counter, tag.
pub const SEALED_OVERHEAD: usize = 2 + 8 + 8 + super::channel::SEAL_OVERHEAD;
/// Largest signalling datagram either side sends or accepts: a sealed largest message.
pub const MAX_SIGNAL_DATAGRAM: usize = MAX_SIGNAL_MESSAGE + SEALED_OVERHEAD;

/// Message type bytes. Client->server use 0x01-0x3F, server->client 0x40-0x7F.
/// Rooms use 0x10-0x1F / 0x60-0x67; reserved for later: relay 0x20-0x2F / 0x68-0x6F.
pub mod kind {
    pub const LOGIN: u8 = 0x01;
    pub const HEARTBEAT: u8 = 0x02;
    pub const LOGOUT: u8 = 0x03;
    pub const CONNECT_REQUEST: u8 = 0x04;
    pub const ACCEPT: u8 = 0x05;
    pub const DECLINE: u8 = 0x06;
    pub const PUSH_ACK: u8 = 0x07;
    pub const SET_LAN_ADDRS: u8 = 0x08;
    /// A session message from the client, sealed.
    pub const SEALED_TO_SERVER: u8 = 0x3E;

    pub const ROOM_CREATE: u8 = 0x10;
    pub const ROOM_JOIN: u8 = 0x11;
    pub const ROOM_LEAVE: u8 = 0x12;
    pub const ROOM_GET: u8 = 0x13;
    pub const ROOM_GET_CURRENT: u8 = 0x14;
    pub const ROOM_UPDATE_DATA_STORE: u8 = 0x15;
    pub const ROOM_KICK_USER: u8 = 0x16;
    pub const ROOM_INVITE_USER: u8 = 0x17;
    pub const ROOM_UPDATE_OWNER: u8 = 0x18;
    pub const ROOM_UPDATE_MEMBERSHIP_LOCK_STATUS: u8 = 0x19;
    pub const ROOM_UPDATE_PRIVATE_ROOM_JOIN_POLICY: u8 = 0x1A;
    pub const ROOM_SET_DESCRIPTION: u8 = 0x1B;
    pub const ROOM_GET_CURRENT_FOR_USER: u8 = 0x1C;

    pub const LOGIN_OK: u8 = 0x41;
    pub const LOGIN_REFUSED: u8 = 0x42;
    pub const HEARTBEAT_ACK: u8 = 0x43;
    pub const LOGOUT_OK: u8 = 0x44;
    pub const CONNECT_PENDING: u8 = 0x45;
    pub const CONNECT_FAILED: u8 = 0x46;
    pub const ACCEPT_OK: u8 = 0x47;
    pub const ACCEPT_FAILED: u8 = 0x48;
    pub const DECLINE_OK: u8 = 0x49;
    pub const SESSION_UNKNOWN: u8 = 0x4A;
    pub const LOGIN_RETRY: u8 = 0x4B;
    /// The login handshake's second message (its payload is the encoded `LoginOk`).
    pub const LOGIN_ACCEPT: u8 = 0x4C;
    pub const LAN_ADDRS_OK: u8 = 0x4D;

    pub const PEER_CONNECT_REQUEST: u8 = 0x50;
    pub const PEER_ACCEPTED: u8 = 0x51;
    pub const PEER_CONNECT_FAILED: u8 = 0x52;
    pub const PEER_LAN_ADDRS: u8 = 0x53;

    pub const ROOM_OK: u8 = 0x60;
    pub const ROOM_FAILED: u8 = 0x61;
    pub const ROOM_UPDATE: u8 = 0x62;

    /// A session message from the server, sealed.
    pub const SEALED_TO_CLIENT: u8 = 0x7E;
}

/// Why a datagram could not be decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// Empty datagram or first byte is not [`SIGNAL_V3`] (or an earlier version).
    NotSignalling,
    /// A datagram of an earlier signalling version (its first byte); `login_req` is the request
    /// id when it is a login, so the server can send the old client a refusal it understands.
    OldVersion { version: u8, login_req: Option<u32> },
    /// Larger than [`MAX_SIGNAL_DATAGRAM`].
    TooLong,
    /// The type byte is not a known message type.
    UnknownType(u8),
    /// The datagram ends before the message does.
    Truncated,
    /// Bytes left over after the message.
    TrailingBytes,
    /// An address family byte other than 4 or 6.
    BadAddressFamily(u8),
    /// A credential length above [`MAX_WIRE_CREDENTIAL_LEN`].
    CredentialTooLong,
    /// A boolean byte other than 0 or 1.
    BadFlag(u8),
    /// A join policy byte above 5.
    BadJoinPolicy(u8),
    /// A member count above the room size cap.
    TooManyMembers,
    /// An invited-user count above the invite list cap.
    TooManyInvited,
    /// A data store over its limits, with an empty key, or with keys not in ascending order.
    BadDataStore,
    /// A string that is not UTF-8 or is longer than its limit.
    BadText,
    /// More addresses than [`MAX_LAN_ADDRS`].
    TooManyAddrs,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::NotSignalling => f.write_str("not a signalling v3 datagram"),
            DecodeError::OldVersion { version, .. } => {
                write!(f, "signalling version {} (this build speaks version 3)", version & 0x0F)
            }
            DecodeError::TooLong => write!(f, "datagram longer than {MAX_SIGNAL_DATAGRAM} bytes"),
            DecodeError::UnknownType(t) => write!(f, "unknown message type 0x{t:02x}"),
            DecodeError::Truncated => f.write_str("datagram truncated"),
            DecodeError::TrailingBytes => f.write_str("trailing bytes after message"),
            DecodeError::BadAddressFamily(b) => write!(f, "bad address family {b}"),
            DecodeError::CredentialTooLong => f.write_str("credential too long"),
            DecodeError::BadFlag(b) => write!(f, "bad boolean byte {b}"),
            DecodeError::BadJoinPolicy(b) => write!(f, "bad join policy {b}"),
            DecodeError::TooManyMembers => f.write_str("too many room members"),
            DecodeError::TooManyInvited => f.write_str("too many invited users"),
            DecodeError::BadDataStore => f.write_str("malformed room data store"),
            DecodeError::BadText => f.write_str("malformed or overlong text"),
            DecodeError::TooManyAddrs => write!(f, "more than {MAX_LAN_ADDRS} addresses"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Why a message could not be encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncodeError {
    /// The caller's buffer cannot hold the message.
    BufferTooSmall,
    /// More addresses than [`MAX_LAN_ADDRS`].
    TooManyAddrs,
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::BufferTooSmall => f.write_str("buffer too small for message"),
            EncodeError::TooManyAddrs => write!(f, "more than {MAX_LAN_ADDRS} addresses"),
        }
    }
}

impl std::error::Error for EncodeError {}

/// Encodes `msg` into `buf`, returning the number of bytes written.
pub fn encode(msg: &Message, buf: &mut [u8]) -> Result<usize, EncodeError> {
    let mut w = Writer { buf, pos: 0 };
    w.u8(SIGNAL_V3)?;
    match msg {
        Message::Login { req, user_id, nonce, peer_key, credential, cookie } => {
            w.u8(kind::LOGIN)?;
            w.u32(*req)?;
            w.u64(*user_id)?;
            w.u64(*nonce)?;
            w.bytes(peer_key)?;
            let bytes = credential.as_bytes();
            // Credential guarantees the length fits in two bytes.
            w.u16(u16::try_from(bytes.len()).map_err(|_| EncodeError::BufferTooSmall)?)?;
            w.bytes(bytes)?;
            match cookie {
                Some(cookie) => {
                    w.u8(1)?;
                    w.bytes(cookie)?;
                }
                None => w.u8(0)?,
            }
        }
        Message::Heartbeat { session } => {
            w.u8(kind::HEARTBEAT)?;
            w.u64(*session)?;
        }
        Message::Logout { req, session } => {
            w.u8(kind::LOGOUT)?;
            w.u32(*req)?;
            w.u64(*session)?;
        }
        Message::ConnectRequest { req, session, to } => {
            w.u8(kind::CONNECT_REQUEST)?;
            w.req_session_user(*req, *session, *to)?;
        }
        Message::Accept { req, session, peer } => {
            w.u8(kind::ACCEPT)?;
            w.req_session_user(*req, *session, *peer)?;
        }
        Message::Decline { req, session, peer } => {
            w.u8(kind::DECLINE)?;
            w.req_session_user(*req, *session, *peer)?;
        }
        Message::PushAck { session, push } => {
            w.u8(kind::PUSH_ACK)?;
            w.u64(*session)?;
            w.u32(*push)?;
        }
        Message::SetLanAddrs { req, session, addrs } => {
            w.u8(kind::SET_LAN_ADDRS)?;
            w.u32(*req)?;
            w.u64(*session)?;
            w.addrs(addrs)?;
        }
        Message::LanAddrsOk { req } => {
            w.u8(kind::LAN_ADDRS_OK)?;
            w.u32(*req)?;
        }
        Message::PeerLanAddrs { push, peer, addrs } => {
            w.u8(kind::PEER_LAN_ADDRS)?;
            w.u32(*push)?;
            w.u64(*peer)?;
            w.addrs(addrs)?;
        }
        Message::RoomCreate { req, session, join_policy, max_users, updates_off, data_store } => {
            w.u8(kind::ROOM_CREATE)?;
            w.u32(*req)?;
            w.u64(*session)?;
            w.u8(join_policy.code())?;
            w.u32(*max_users)?;
            w.u8(u8::from(*updates_off))?;
            room_codec::write_data_store(&mut w, data_store)?;
        }
        Message::RoomJoin { req, session, room, updates_off } => {
            w.u8(kind::ROOM_JOIN)?;
            w.req_session_user(*req, *session, *room)?;
            w.u8(u8::from(*updates_off))?;
        }
        Message::RoomLeave { req, session, room } => {
            w.u8(kind::ROOM_LEAVE)?;
            w.req_session_user(*req, *session, *room)?;
        }
        Message::RoomGet { req, session, room } => {
            w.u8(kind::ROOM_GET)?;
            w.req_session_user(*req, *session, *room)?;
        }
        Message::RoomGetCurrent { req, session } => {
            w.u8(kind::ROOM_GET_CURRENT)?;
            w.u32(*req)?;
            w.u64(*session)?;
        }
        Message::RoomUpdateDataStore { req, session, room, data_store } => {
            w.u8(kind::ROOM_UPDATE_DATA_STORE)?;
            w.req_session_user(*req, *session, *room)?;
            room_codec::write_data_store(&mut w, data_store)?;
        }
        Message::RoomKickUser { .. }
        | Message::RoomInviteUser { .. }
        | Message::RoomUpdateOwner { .. }
        | Message::RoomUpdateMembershipLockStatus { .. }
        | Message::RoomUpdatePrivateRoomJoinPolicy { .. }
        | Message::RoomSetDescription { .. }
        | Message::RoomGetCurrentForUser { .. } => room_request_codec::write(&mut w, msg)?,
        Message::RoomOk { req, mark, snapshot } => {
            w.u8(kind::ROOM_OK)?;
            w.u32(*req)?;
            w.u32(*mark)?;
            room_codec::write_snapshot(&mut w, snapshot)?;
        }
        Message::RoomFailed { req, mark, error } => {
            w.u8(kind::ROOM_FAILED)?;
            w.u32(*req)?;
            w.u32(*mark)?;
            room_codec::write_error(&mut w, error)?;
        }
        Message::RoomUpdate { push, snapshot } => {
            w.u8(kind::ROOM_UPDATE)?;
            w.u32(*push)?;
            room_codec::write_snapshot(&mut w, snapshot)?;
        }
        Message::LoginOk { req, session, session_timeout_ms, cert, authority, reset_token } => {
            w.u8(kind::LOGIN_OK)?;
            w.u32(*req)?;
            w.u64(*session)?;
            w.u32(*session_timeout_ms)?;
            w.bytes(&cert[..])?;
            w.bytes(authority)?;
            w.bytes(reset_token)?;
        }
        Message::LoginAccept { req, session, reply } => {
            w.u8(kind::LOGIN_ACCEPT)?;
            w.u32(*req)?;
            w.u64(*session)?;
            w.bytes(reply)?;
        }
        Message::Sealed { to_server, session, counter, body } => {
            w.u8(if *to_server { kind::SEALED_TO_SERVER } else { kind::SEALED_TO_CLIENT })?;
            w.u64(*session)?;
            w.u64(*counter)?;
            w.bytes(body)?;
        }
        Message::LoginRefused { req, reason } => {
            w.u8(kind::LOGIN_REFUSED)?;
            w.u32(*req)?;
            w.u8(refusal_code(*reason))?;
        }
        Message::LoginRetry { req, cookie, server_key } => {
            w.u8(kind::LOGIN_RETRY)?;
            w.u32(*req)?;
            w.bytes(cookie)?;
            w.bytes(server_key)?;
        }
        Message::HeartbeatAck { session } => {
            w.u8(kind::HEARTBEAT_ACK)?;
            w.u64(*session)?;
        }
        Message::LogoutOk { req } => {
            w.u8(kind::LOGOUT_OK)?;
            w.u32(*req)?;
        }
        Message::ConnectPending { req, peer } => {
            w.u8(kind::CONNECT_PENDING)?;
            w.u32(*req)?;
            w.u64(*peer)?;
        }
        Message::ConnectFailed { req, peer, reason } => {
            w.u8(kind::CONNECT_FAILED)?;
            w.id_user_reason(*req, *peer, *reason)?;
        }
        Message::AcceptOk { req, peer, addr } => {
            w.u8(kind::ACCEPT_OK)?;
            w.id_user_addr(*req, *peer, addr)?;
        }
        Message::AcceptFailed { req, peer, reason } => {
            w.u8(kind::ACCEPT_FAILED)?;
            w.id_user_reason(*req, *peer, *reason)?;
        }
        Message::DeclineOk { req, peer } => {
            w.u8(kind::DECLINE_OK)?;
            w.u32(*req)?;
            w.u64(*peer)?;
        }
        Message::SessionUnknown { session, reset_token } => {
            w.u8(kind::SESSION_UNKNOWN)?;
            w.u64(*session)?;
            w.bytes(reset_token)?;
        }
        Message::PeerConnectRequest { push, from, addr } => {
            w.u8(kind::PEER_CONNECT_REQUEST)?;
            w.id_user_addr(*push, *from, addr)?;
        }
        Message::PeerAccepted { push, peer, addr } => {
            w.u8(kind::PEER_ACCEPTED)?;
            w.id_user_addr(*push, *peer, addr)?;
        }
        Message::PeerConnectFailed { push, peer, reason } => {
            w.u8(kind::PEER_CONNECT_FAILED)?;
            w.id_user_reason(*push, *peer, *reason)?;
        }
    }
    Ok(w.pos)
}

/// Encodes `msg` into a fresh vector (for queues that keep datagrams, e.g. retransmission).
pub fn encode_to_vec(msg: &Message) -> Vec<u8> {
    let mut buf = [0u8; MAX_SIGNAL_DATAGRAM];
    // Every message fits in MAX_SIGNAL_DATAGRAM (largest is a sealed full room snapshot), so this
    // cannot fail; an empty vector would only be dropped by the peer, never misread.
    let n = encode(msg, &mut buf).unwrap_or(0);
    buf[..n].to_vec()
}

/// Decodes one datagram. Never panics, whatever the input.
pub fn decode(data: &[u8]) -> Result<Message, DecodeError> {
    if data.len() > MAX_SIGNAL_DATAGRAM {
        return Err(DecodeError::TooLong);
    }
    let mut r = Reader { data, pos: 0 };
    match r.u8().map_err(|_| DecodeError::NotSignalling)? {
        SIGNAL_V3 => {}
        version @ (SIGNAL_V1 | SIGNAL_V2) => {
            let login = r.u8().ok() == Some(kind::LOGIN);
            return Err(DecodeError::OldVersion {
                version,
                login_req: if login { r.u32().ok() } else { None },
            });
        }
        _ => return Err(DecodeError::NotSignalling),
    }
    let msg = match r.u8()? {
        kind::LOGIN => {
            let req = r.u32()?;
            let user_id = r.u64()?;
            let nonce = r.u64()?;
            let peer_key = r.array::<32>()?;
            let len = usize::from(r.u16()?);
            if len > MAX_WIRE_CREDENTIAL_LEN {
                return Err(DecodeError::CredentialTooLong);
            }
            let bytes = r.bytes(len)?;
            let credential = Credential::sealed(bytes).ok_or(DecodeError::CredentialTooLong)?;
            let cookie = match r.u8()? {
                0 => None,
                1 => Some(r.array::<COOKIE_LEN>()?),
                flag => return Err(DecodeError::BadFlag(flag)),
            };
            Message::Login { req, user_id, nonce, peer_key, credential, cookie }
        }
        kind::HEARTBEAT => Message::Heartbeat { session: r.u64()? },
        kind::LOGOUT => Message::Logout { req: r.u32()?, session: r.u64()? },
        kind::CONNECT_REQUEST => Message::ConnectRequest { req: r.u32()?, session: r.u64()?, to: r.u64()? },
        kind::ACCEPT => Message::Accept { req: r.u32()?, session: r.u64()?, peer: r.u64()? },
        kind::DECLINE => Message::Decline { req: r.u32()?, session: r.u64()?, peer: r.u64()? },
        kind::PUSH_ACK => Message::PushAck { session: r.u64()?, push: r.u32()? },
        kind::SET_LAN_ADDRS => Message::SetLanAddrs { req: r.u32()?, session: r.u64()?, addrs: r.addrs()? },
        kind::LAN_ADDRS_OK => Message::LanAddrsOk { req: r.u32()? },
        kind::PEER_LAN_ADDRS => Message::PeerLanAddrs { push: r.u32()?, peer: r.u64()?, addrs: r.addrs()? },
        kind::LOGIN_OK => Message::LoginOk {
            req: r.u32()?,
            session: r.u64()?,
            session_timeout_ms: r.u32()?,
            cert: Box::new(r.array::<CERT_LEN>()?),
            authority: r.array::<32>()?,
            reset_token: r.array::<RESET_TOKEN_LEN>()?,
        },
        kind::LOGIN_ACCEPT => {
            Message::LoginAccept { req: r.u32()?, session: r.u64()?, reply: r.rest().to_vec() }
        }
        t @ (kind::SEALED_TO_SERVER | kind::SEALED_TO_CLIENT) => {
            let (session, counter) = (r.u64()?, r.u64()?);
            let body = r.rest();
            if body.len() < super::channel::SEAL_OVERHEAD {
                return Err(DecodeError::Truncated);
            }
            Message::Sealed { to_server: t == kind::SEALED_TO_SERVER, session, counter, body: body.to_vec() }
        }
        kind::LOGIN_REFUSED => Message::LoginRefused { req: r.u32()?, reason: refusal_from(r.u8()?) },
        kind::LOGIN_RETRY => Message::LoginRetry {
            req: r.u32()?,
            cookie: r.array::<COOKIE_LEN>()?,
            server_key: r.array::<32>()?,
        },
        kind::HEARTBEAT_ACK => Message::HeartbeatAck { session: r.u64()? },
        kind::LOGOUT_OK => Message::LogoutOk { req: r.u32()? },
        kind::CONNECT_PENDING => Message::ConnectPending { req: r.u32()?, peer: r.u64()? },
        kind::CONNECT_FAILED => {
            Message::ConnectFailed { req: r.u32()?, peer: r.u64()?, reason: reason_from(r.u8()?) }
        }
        kind::ACCEPT_OK => Message::AcceptOk { req: r.u32()?, peer: r.u64()?, addr: r.addr()? },
        kind::ACCEPT_FAILED => {
            Message::AcceptFailed { req: r.u32()?, peer: r.u64()?, reason: reason_from(r.u8()?) }
        }
        kind::DECLINE_OK => Message::DeclineOk { req: r.u32()?, peer: r.u64()? },
        kind::SESSION_UNKNOWN => {
            Message::SessionUnknown { session: r.u64()?, reset_token: r.array::<RESET_TOKEN_LEN>()? }
        }
        kind::PEER_CONNECT_REQUEST => {
            Message::PeerConnectRequest { push: r.u32()?, from: r.u64()?, addr: r.addr()? }
        }
        kind::PEER_ACCEPTED => Message::PeerAccepted { push: r.u32()?, peer: r.u64()?, addr: r.addr()? },
        kind::PEER_CONNECT_FAILED => {
            Message::PeerConnectFailed { push: r.u32()?, peer: r.u64()?, reason: reason_from(r.u8()?) }
        }
        kind::ROOM_CREATE => Message::RoomCreate {
            req: r.u32()?,
            session: r.u64()?,
            join_policy: room_codec::read_policy(&mut r)?,
            max_users: r.u32()?,
            updates_off: room_codec::read_flag(&mut r)?,
            data_store: room_codec::read_data_store(&mut r)?,
        },
        kind::ROOM_JOIN => Message::RoomJoin {
            req: r.u32()?,
            session: r.u64()?,
            room: r.u64()?,
            updates_off: room_codec::read_flag(&mut r)?,
        },
        kind::ROOM_LEAVE => Message::RoomLeave { req: r.u32()?, session: r.u64()?, room: r.u64()? },
        kind::ROOM_GET => Message::RoomGet { req: r.u32()?, session: r.u64()?, room: r.u64()? },
        kind::ROOM_GET_CURRENT => Message::RoomGetCurrent { req: r.u32()?, session: r.u64()? },
        kind::ROOM_UPDATE_DATA_STORE => Message::RoomUpdateDataStore {
            req: r.u32()?,
            session: r.u64()?,
            room: r.u64()?,
            data_store: room_codec::read_data_store(&mut r)?,
        },
        t @ kind::ROOM_KICK_USER..=kind::ROOM_GET_CURRENT_FOR_USER => room_request_codec::read(t, &mut r)?,
        kind::ROOM_OK => {
            Message::RoomOk { req: r.u32()?, mark: r.u32()?, snapshot: room_codec::read_snapshot(&mut r)? }
        }
        kind::ROOM_FAILED => {
            Message::RoomFailed { req: r.u32()?, mark: r.u32()?, error: room_codec::read_error(&mut r)? }
        }
        kind::ROOM_UPDATE => {
            Message::RoomUpdate { push: r.u32()?, snapshot: room_codec::read_snapshot(&mut r)? }
        }
        other => return Err(DecodeError::UnknownType(other)),
    };
    if r.pos != data.len() {
        return Err(DecodeError::TrailingBytes);
    }
    Ok(msg)
}

fn refusal_code(r: LoginRefusal) -> u8 {
    match r {
        LoginRefusal::UserIdTaken => 1,
        LoginRefusal::InvalidToken => 2,
        LoginRefusal::TokenExpired => 3,
        LoginRefusal::ServerFull => 4,
        LoginRefusal::UnsupportedVersion => 5,
        LoginRefusal::Other(c) => c,
    }
}

fn refusal_from(c: u8) -> LoginRefusal {
    match c {
        1 => LoginRefusal::UserIdTaken,
        2 => LoginRefusal::InvalidToken,
        3 => LoginRefusal::TokenExpired,
        4 => LoginRefusal::ServerFull,
        5 => LoginRefusal::UnsupportedVersion,
        c => LoginRefusal::Other(c),
    }
}

fn reason_code(r: FailReason) -> u8 {
    match r {
        FailReason::Offline => 1,
        FailReason::Refused => 2,
        FailReason::Timeout => 3,
        FailReason::NoRequest => 4,
        FailReason::Busy => 5,
        FailReason::Invalid => 6,
        FailReason::Other(c) => c,
    }
}

fn reason_from(c: u8) -> FailReason {
    match c {
        1 => FailReason::Offline,
        2 => FailReason::Refused,
        3 => FailReason::Timeout,
        4 => FailReason::NoRequest,
        5 => FailReason::Busy,
        6 => FailReason::Invalid,
        c => FailReason::Other(c),
    }
}

/// Bounds-checked cursor over the caller's output buffer.
pub(super) struct Writer<'a> {
    buf: &'a mut [u8],
    pos: usize,
}

impl Writer<'_> {
    pub(super) fn bytes(&mut self, b: &[u8]) -> Result<(), EncodeError> {
        let end = self.pos.checked_add(b.len()).ok_or(EncodeError::BufferTooSmall)?;
        let dst = self.buf.get_mut(self.pos..end).ok_or(EncodeError::BufferTooSmall)?;
        dst.copy_from_slice(b);
        self.pos = end;
        Ok(())
    }
    pub(super) fn u8(&mut self, v: u8) -> Result<(), EncodeError> {
        self.bytes(&[v])
    }
    pub(super) fn u16(&mut self, v: u16) -> Result<(), EncodeError> {
        self.bytes(&v.to_be_bytes())
    }
    pub(super) fn u32(&mut self, v: u32) -> Result<(), EncodeError> {
        self.bytes(&v.to_be_bytes())
    }
    pub(super) fn u64(&mut self, v: u64) -> Result<(), EncodeError> {
        self.bytes(&v.to_be_bytes())
    }
    /// Family byte (4 or 6), address bytes, port. IPv6 flow info and scope are not carried:
    /// they mean nothing outside the host that chose them.
    fn addr(&mut self, a: &SocketAddr) -> Result<(), EncodeError> {
        match a.ip() {
            IpAddr::V4(ip) => {
                self.u8(4)?;
                self.bytes(&ip.octets())?;
            }
            IpAddr::V6(ip) => {
                self.u8(6)?;
                self.bytes(&ip.octets())?;
            }
        }
        self.bytes(&a.port().to_be_bytes())
    }
    /// A count byte, then that many addresses (at most [`MAX_LAN_ADDRS`]).
    fn addrs(&mut self, addrs: &[SocketAddr]) -> Result<(), EncodeError> {
        let n = u8::try_from(addrs.len()).ok().filter(|&n| usize::from(n) <= MAX_LAN_ADDRS);
        self.u8(n.ok_or(EncodeError::TooManyAddrs)?)?;
        addrs.iter().try_for_each(|a| self.addr(a))
    }
    fn req_session_user(&mut self, req: u32, session: u64, user: u64) -> Result<(), EncodeError> {
        self.u32(req)?;
        self.u64(session)?;
        self.u64(user)
    }
    fn id_user_reason(&mut self, id: u32, user: u64, reason: FailReason) -> Result<(), EncodeError> {
        self.u32(id)?;
        self.u64(user)?;
        self.u8(reason_code(reason))
    }
    fn id_user_addr(&mut self, id: u32, user: u64, addr: &SocketAddr) -> Result<(), EncodeError> {
        self.u32(id)?;
        self.u64(user)?;
        self.addr(addr)
    }
}

/// Bounds-checked cursor over a received datagram.
pub(super) struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(super) fn bytes(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let end = self.pos.checked_add(n).ok_or(DecodeError::Truncated)?;
        let out = self.data.get(self.pos..end).ok_or(DecodeError::Truncated)?;
        self.pos = end;
        Ok(out)
    }
    /// Everything left in the datagram.
    pub(super) fn rest(&mut self) -> &'a [u8] {
        let out = self.data.get(self.pos..).unwrap_or_default();
        self.pos = self.data.len();
        out
    }
    pub(super) fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.bytes(N)?);
        Ok(out)
    }
    pub(super) fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.array::<1>()?[0])
    }
    pub(super) fn u16(&mut self) -> Result<u16, DecodeError> {
        Ok(u16::from_be_bytes(self.array()?))
    }
    pub(super) fn u32(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_be_bytes(self.array()?))
    }
    pub(super) fn u64(&mut self) -> Result<u64, DecodeError> {
        Ok(u64::from_be_bytes(self.array()?))
    }
    fn addrs(&mut self) -> Result<Vec<SocketAddr>, DecodeError> {
        let n = usize::from(self.u8()?);
        if n > MAX_LAN_ADDRS {
            return Err(DecodeError::TooManyAddrs);
        }
        (0..n).map(|_| self.addr()).collect()
    }
    fn addr(&mut self) -> Result<SocketAddr, DecodeError> {
        let ip = match self.u8()? {
            4 => IpAddr::V4(Ipv4Addr::from(self.array::<4>()?)),
            6 => IpAddr::V6(Ipv6Addr::from(self.array::<16>()?)),
            other => return Err(DecodeError::BadAddressFamily(other)),
        };
        let port = u16::from_be_bytes(self.array()?);
        Ok(SocketAddr::new(ip, port))
    }
}
