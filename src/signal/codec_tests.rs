//! Round trips of every message and a seeded barrage of hostile inputs.

use crate::proto::identity::CERT_LEN;
use std::net::SocketAddr;

use super::codec::{DecodeError, MAX_SIGNAL_DATAGRAM, SIGNAL_V1, SIGNAL_V2, SIGNAL_V3, decode, encode, kind};
use super::messages::{Credential, FailReason, LoginRefusal, MAX_CREDENTIAL_LEN, Message};
use super::rng::SplitMix64;
use super::room::{
    DataStore, JoinPolicy, MAX_DATA_STORE_BYTES, MAX_DATA_STORE_ENTRIES, MAX_ROOM_DESCRIPTION_LEN,
    MAX_ROOM_ERROR_TEXT, MAX_ROOM_INVITED_USERS, MAX_ROOM_USERS, RoomError, RoomErrorCode, RoomSnapshot,
};

fn v4() -> SocketAddr {
    "203.0.113.7:40000".parse().unwrap()
}

fn v6() -> SocketAddr {
    "[2001:db8::1:2]:65535".parse().unwrap()
}

/// A data store at every limit at once: most pairs, most bytes.
fn full_store() -> DataStore {
    let mut d = DataStore::new();
    let per_pair = MAX_DATA_STORE_BYTES / MAX_DATA_STORE_ENTRIES;
    for i in 0..MAX_DATA_STORE_ENTRIES {
        let key = format!("key{i:02}");
        d.set(&key, &"v".repeat(per_pair - key.len())).unwrap();
    }
    assert_eq!(d.bytes(), MAX_DATA_STORE_BYTES);
    d
}

fn small_store() -> DataStore {
    let mut d = DataStore::new();
    d.set("map", "dust ☀").unwrap();
    d.set("mode", "").unwrap();
    d
}

/// The largest snapshot the limits allow.
fn biggest_snapshot() -> RoomSnapshot {
    RoomSnapshot {
        room_id: u64::MAX,
        owner: 1,
        members: (1..=u64::from(MAX_ROOM_USERS)).collect(),
        join_policy: JoinPolicy::Everyone,
        max_users: MAX_ROOM_USERS,
        data_store: full_store(),
        version: u64::MAX,
        membership_locked: true,
        invited_users: (1000..1000 + MAX_ROOM_INVITED_USERS as u64).collect(),
        // Two-byte characters right up to the limit.
        description: "é".repeat(MAX_ROOM_DESCRIPTION_LEN / 2),
    }
}

fn room_messages() -> Vec<Message> {
    let small = RoomSnapshot {
        room_id: 0x1234,
        owner: 7,
        members: vec![7, 8],
        join_policy: JoinPolicy::InvitedUsers,
        max_users: 4,
        data_store: small_store(),
        version: 3,
        membership_locked: false,
        invited_users: vec![9, u64::MAX],
        description: "Friday ☀ league".into(),
    };
    let mut out = vec![
        Message::RoomCreate {
            req: 10,
            session: 9,
            join_policy: JoinPolicy::Everyone,
            max_users: 8,
            updates_off: false,
            data_store: small_store(),
        },
        Message::RoomCreate {
            req: 10,
            session: 9,
            join_policy: JoinPolicy::Unknown,
            max_users: u32::MAX,
            updates_off: true,
            data_store: full_store(),
        },
        Message::RoomJoin { req: 11, session: 9, room: 0x1234, updates_off: true },
        Message::RoomJoin { req: 11, session: 9, room: 0, updates_off: false },
        Message::RoomLeave { req: 12, session: 9, room: 0x1234 },
        Message::RoomGet { req: 13, session: 9, room: 0x1234 },
        Message::RoomGetCurrent { req: 14, session: 9 },
        Message::RoomUpdateDataStore { req: 15, session: 9, room: 0x1234, data_store: small_store() },
        Message::RoomKickUser { req: 16, session: 9, room: 0x1234, user: 8, kick_duration_seconds: 60 },
        Message::RoomKickUser { req: 16, session: 9, room: 1, user: 2, kick_duration_seconds: -1 },
        Message::RoomKickUser { req: 16, session: 9, room: 1, user: 2, kick_duration_seconds: i32::MIN },
        Message::RoomKickUser { req: 16, session: 9, room: 1, user: 2, kick_duration_seconds: i32::MAX },
        Message::RoomInviteUser { req: 17, session: 9, room: 0x1234, user: u64::MAX },
        Message::RoomUpdateOwner { req: 18, session: 9, room: 0x1234, user: 8 },
        Message::RoomUpdateMembershipLockStatus { req: 19, session: 9, room: 0x1234, locked: true },
        Message::RoomUpdateMembershipLockStatus { req: 19, session: 9, room: 0x1234, locked: false },
        Message::RoomSetDescription { req: 21, session: 9, room: 0x1234, description: String::new() },
        // The wire carries any length a byte holds; the server enforces the real limit.
        Message::RoomSetDescription { req: 21, session: 9, room: 0x1234, description: "d".repeat(255) },
        Message::RoomGetCurrentForUser { req: 22, session: 9, user: 8 },
        Message::RoomOk { req: 10, mark: 0, snapshot: small.clone() },
        Message::RoomOk { req: 10, mark: 77, snapshot: biggest_snapshot() },
        Message::RoomFailed {
            req: 11,
            mark: 2,
            error: RoomError::new(RoomErrorCode::RoomFull, "room is full"),
        },
        Message::RoomFailed {
            req: 11,
            mark: 2,
            error: RoomError::new(RoomErrorCode::Other(900), "x".repeat(MAX_ROOM_ERROR_TEXT)),
        },
        Message::RoomUpdate { push: 4, snapshot: small },
        Message::RoomUpdate { push: 5, snapshot: biggest_snapshot() },
    ];
    for p in 0..=5 {
        let join_policy = JoinPolicy::from_code(p).unwrap();
        out.push(Message::RoomUpdatePrivateRoomJoinPolicy { req: 20, session: 9, room: 0x1234, join_policy });
        out.push(Message::RoomCreate {
            req: 1,
            session: 1,
            join_policy,
            max_users: 2,
            updates_off: false,
            data_store: DataStore::new(),
        });
    }
    out
}

fn all_messages() -> Vec<Message> {
    let cred = Credential::new(vec![7u8; MAX_CREDENTIAL_LEN]).unwrap();
    let mut all = vec![
        Message::Login {
            req: 1,
            user_id: u64::MAX,
            nonce: 42,
            peer_key: [0x5A; 32],
            credential: cred,
            cookie: Some([0xC0; 16]),
        },
        Message::Login {
            req: 0,
            user_id: 0,
            nonce: 0,
            peer_key: [0x5A; 32],
            credential: Credential::default(),
            cookie: None,
        },
        Message::LoginRetry { req: 2, cookie: [7; 16], server_key: [5; 32] },
        Message::Heartbeat { session: 9 },
        Message::Logout { req: 3, session: 9 },
        Message::ConnectRequest { req: 4, session: 9, to: 77 },
        Message::Accept { req: 5, session: 9, peer: 78 },
        Message::Decline { req: 6, session: 9, peer: 79 },
        Message::PushAck { session: 9, push: u32::MAX },
        Message::SetLanAddrs { req: 7, session: 9, addrs: vec![] },
        Message::SetLanAddrs { req: 7, session: 9, addrs: vec![v4(), v6(), v4(), v6()] },
        Message::LanAddrsOk { req: 7 },
        Message::PeerLanAddrs { push: 4, peer: 8, addrs: vec![v4()] },
        Message::LoginOk {
            req: 1,
            session: 123,
            session_timeout_ms: 10_000,
            cert: Box::new([7; CERT_LEN]),
            authority: [9; 32],
            reset_token: [4; 16],
        },
        Message::LoginRefused { req: 1, reason: LoginRefusal::UserIdTaken },
        Message::LoginRefused { req: 1, reason: LoginRefusal::InvalidToken },
        Message::LoginRefused { req: 1, reason: LoginRefusal::TokenExpired },
        Message::LoginRefused { req: 1, reason: LoginRefusal::ServerFull },
        Message::LoginRefused { req: 1, reason: LoginRefusal::Other(200) },
        Message::HeartbeatAck { session: 123 },
        Message::LogoutOk { req: 8 },
        Message::ConnectPending { req: 4, peer: 77 },
        Message::ConnectFailed { req: 4, peer: 77, reason: FailReason::Offline },
        Message::AcceptOk { req: 5, peer: 78, addr: v4() },
        Message::AcceptOk { req: 5, peer: 78, addr: v6() },
        Message::AcceptFailed { req: 5, peer: 78, reason: FailReason::NoRequest },
        Message::DeclineOk { req: 6, peer: 79 },
        Message::SessionUnknown { session: 9, reset_token: [3; 16] },
        Message::PeerConnectRequest { push: 1, from: 5, addr: v6() },
        Message::PeerAccepted { push: 2, peer: 6, addr: v4() },
        Message::PeerConnectFailed { push: 3, peer: 7, reason: FailReason::Timeout },
        Message::PeerConnectFailed { push: 3, peer: 7, reason: FailReason::Refused },
        Message::PeerConnectFailed { push: 3, peer: 7, reason: FailReason::Busy },
        Message::PeerConnectFailed { push: 3, peer: 7, reason: FailReason::Invalid },
    ];
    all.extend(room_messages());
    all
}

#[test]
fn every_message_round_trips() {
    let mut buf = [0u8; MAX_SIGNAL_DATAGRAM];
    for msg in all_messages() {
        let n = encode(&msg, &mut buf).unwrap();
        assert!(n <= MAX_SIGNAL_DATAGRAM);
        assert_eq!(buf[0], SIGNAL_V3);
        assert_eq!(decode(&buf[..n]), Ok(msg.clone()), "{msg:?}");
    }
}

#[test]
fn more_than_four_lan_addresses_are_refused_both_ways() {
    let mut buf = [0u8; MAX_SIGNAL_DATAGRAM];
    let five = Message::PeerLanAddrs { push: 1, peer: 2, addrs: vec![v4(); 5] };
    assert_eq!(encode(&five, &mut buf), Err(super::codec::EncodeError::TooManyAddrs));
    let four = Message::PeerLanAddrs { push: 1, peer: 2, addrs: vec![v4(); 4] };
    let n = encode(&four, &mut buf).unwrap();
    // The count byte sits after magic, type, push (4) and peer (8).
    buf[14] = 5;
    assert_eq!(decode(&buf[..n]), Err(DecodeError::TooManyAddrs));
}

#[test]
fn addresses_are_compact() {
    let mut buf = [0u8; MAX_SIGNAL_DATAGRAM];
    let v4_len = encode(&Message::AcceptOk { req: 1, peer: 2, addr: v4() }, &mut buf).unwrap();
    // magic + type + req(4) + peer(8) + family + ipv4(4) + port(2)
    assert_eq!(v4_len, 2 + 4 + 8 + 1 + 4 + 2);
    let v6_len = encode(&Message::AcceptOk { req: 1, peer: 2, addr: v6() }, &mut buf).unwrap();
    assert_eq!(v6_len, v4_len + 12);
}

#[test]
fn small_buffer_is_an_error_not_a_panic() {
    for msg in all_messages() {
        let mut full = [0u8; MAX_SIGNAL_DATAGRAM];
        let n = encode(&msg, &mut full).unwrap();
        for short in 0..n {
            let mut buf = vec![0u8; short];
            assert!(encode(&msg, &mut buf).is_err());
        }
    }
}

#[test]
fn every_truncation_is_rejected() {
    let mut buf = [0u8; MAX_SIGNAL_DATAGRAM];
    for msg in all_messages() {
        let n = encode(&msg, &mut buf).unwrap();
        for cut in 0..n {
            assert!(decode(&buf[..cut]).is_err(), "{msg:?} cut at {cut}");
        }
        let mut longer = buf[..n].to_vec();
        longer.push(0);
        assert_eq!(decode(&longer), Err(DecodeError::TrailingBytes));
    }
}

#[test]
fn header_errors_are_typed() {
    assert_eq!(decode(&[]), Err(DecodeError::NotSignalling));
    assert_eq!(decode(&[0xA1, kind::LOGIN]), Err(DecodeError::NotSignalling));
    assert_eq!(decode(&[SIGNAL_V3, 0xEE]), Err(DecodeError::UnknownType(0xEE)));
    assert_eq!(decode(&[SIGNAL_V3]), Err(DecodeError::Truncated));
    assert_eq!(decode(&vec![SIGNAL_V3; MAX_SIGNAL_DATAGRAM + 1]), Err(DecodeError::TooLong));
    let mut bad_family = vec![SIGNAL_V3, kind::ACCEPT_OK];
    bad_family.extend_from_slice(&[0; 12]);
    bad_family.push(5);
    bad_family.extend_from_slice(&[0; 6]);
    assert_eq!(decode(&bad_family), Err(DecodeError::BadAddressFamily(5)));
}

#[test]
fn credential_is_bounded() {
    assert!(Credential::new(vec![0u8; MAX_CREDENTIAL_LEN + 1]).is_none());
    let secret = Credential::new(b"hunter2".to_vec()).unwrap();
    assert!(!format!("{secret:?}").contains("hunter2"));
}

#[test]
fn random_and_mutated_inputs_never_panic() {
    let mut rng = SplitMix64::new(0x5EED_0001);
    let templates: Vec<Vec<u8>> = all_messages()
        .iter()
        .map(|m| {
            let mut buf = [0u8; MAX_SIGNAL_DATAGRAM];
            let n = encode(m, &mut buf).unwrap();
            buf[..n].to_vec()
        })
        .collect();
    let mut accepted = 0u32;
    for i in 0..100_000u32 {
        let input: Vec<u8> = match i % 3 {
            // Pure noise of random length.
            0 => (0..rng.below(64)).map(|_| rng.next_u64() as u8).collect(),
            // Valid header and type byte followed by garbage.
            1 => {
                let t = &templates[rng.below(templates.len() as u64) as usize];
                let mut v = t[..2].to_vec();
                v.extend((0..rng.below(300)).map(|_| rng.next_u64() as u8));
                v
            }
            // A valid message with a few bytes flipped and possibly cut.
            _ => {
                let t = &templates[rng.below(templates.len() as u64) as usize];
                let mut v = t.clone();
                for _ in 0..=rng.below(3) {
                    let at = rng.below(v.len() as u64) as usize;
                    v[at] ^= (rng.next_u64() as u8) | 1;
                }
                v.truncate(rng.below(v.len() as u64 + 1) as usize);
                v
            }
        };
        if let Ok(msg) = decode(&input) {
            accepted += 1;
            // Whatever decodes must encode back to the same bytes (no lossy acceptance).
            let mut buf = [0u8; MAX_SIGNAL_DATAGRAM];
            let n = encode(&msg, &mut buf).unwrap();
            assert_eq!(&buf[..n], &input[..], "{msg:?}");
        }
    }
    // Mutations of valid messages sometimes stay valid; pure rejection would be suspicious.
    assert!(accepted > 0);
}

#[test]
fn the_biggest_room_snapshot_fits_in_one_datagram() {
    let mut buf = [0u8; MAX_SIGNAL_DATAGRAM];
    let n = encode(&Message::RoomOk { req: 1, mark: 1, snapshot: biggest_snapshot() }, &mut buf).unwrap();
    // magic + type + req + mark + fixed snapshot fields (31) + 64 members + store (1 + 16*2 + 512)
    // + 16 invited users + 64-byte description
    assert_eq!(n, 2 + 4 + 4 + 31 + 64 * 8 + 1 + 16 * 2 + 512 + 1 + 16 * 8 + 1 + 64);
    assert_eq!(n, 1292);
    assert!(n <= MAX_SIGNAL_DATAGRAM);
}

#[test]
fn room_field_errors_are_typed() {
    let mut buf = [0u8; MAX_SIGNAL_DATAGRAM];
    let join = Message::RoomJoin { req: 1, session: 2, room: 3, updates_off: false };
    let n = encode(&join, &mut buf).unwrap();
    let mut bad = buf[..n].to_vec();
    bad[n - 1] = 2;
    assert_eq!(decode(&bad), Err(DecodeError::BadFlag(2)));

    let create = Message::RoomCreate {
        req: 1,
        session: 2,
        join_policy: JoinPolicy::None,
        max_users: 2,
        updates_off: false,
        data_store: small_store(),
    };
    let n = encode(&create, &mut buf).unwrap();
    let base = buf[..n].to_vec();
    let policy_at = 2 + 4 + 8;
    let mut bad = base.clone();
    bad[policy_at] = 6;
    assert_eq!(decode(&bad), Err(DecodeError::BadJoinPolicy(6)));
    // Data store: count byte right after the flag; then "map" (3) and "mode" (4).
    let store_at = policy_at + 1 + 4 + 1;
    let mut bad = base.clone();
    bad[store_at] = (MAX_DATA_STORE_ENTRIES + 1) as u8;
    assert_eq!(decode(&bad), Err(DecodeError::BadDataStore));
    let mut bad = base.clone();
    bad[store_at + 2] = 0xFF; // first key byte: not UTF-8
    assert_eq!(decode(&bad), Err(DecodeError::BadText));
    // Keys out of order ("mode" before "map") are refused, so no two encodings mean one store.
    let mut swapped = base[..store_at + 1].to_vec();
    swapped.extend_from_slice(&[4, b'm', b'o', b'd', b'e', 0]);
    let value = "dust ☀".as_bytes();
    swapped.extend_from_slice(&[3, b'm', b'a', b'p', value.len() as u8]);
    swapped.extend_from_slice(value);
    assert_eq!(decode(&swapped), Err(DecodeError::BadDataStore));
    // An empty key is refused.
    let mut empty_key = base[..store_at].to_vec();
    empty_key.extend_from_slice(&[1, 0, 0]);
    assert_eq!(decode(&empty_key), Err(DecodeError::BadDataStore));

    // A member count above the cap.
    let update = Message::RoomUpdate { push: 1, snapshot: biggest_snapshot() };
    let n = encode(&update, &mut buf).unwrap();
    let mut bad = buf[..n].to_vec();
    let count_at = 2 + 4 + 8 + 8 + 1 + 4 + 1 + 8;
    assert_eq!(bad[count_at], MAX_ROOM_USERS as u8);
    bad[count_at] = MAX_ROOM_USERS as u8 + 1;
    assert_eq!(decode(&bad), Err(DecodeError::TooManyMembers));
}

/// Encodes `msg` into a fresh vector.
fn bytes_of(msg: &Message) -> Vec<u8> {
    let mut buf = [0u8; MAX_SIGNAL_DATAGRAM];
    let n = encode(msg, &mut buf).unwrap();
    buf[..n].to_vec()
}

#[test]
fn room_management_requests_have_fixed_layouts() {
    // magic + type + req + session + room + user + duration
    let kick = Message::RoomKickUser { req: 1, session: 2, room: 3, user: 4, kick_duration_seconds: -2 };
    let b = bytes_of(&kick);
    assert_eq!((b[1], b.len()), (kind::ROOM_KICK_USER, 2 + 4 + 8 + 8 + 8 + 4));
    assert_eq!(&b[b.len() - 4..], &[0xFF, 0xFF, 0xFF, 0xFE], "two's complement, big-endian");
    let b = bytes_of(&Message::RoomGetCurrentForUser { req: 1, session: 2, user: 3 });
    assert_eq!((b[1], b.len()), (kind::ROOM_GET_CURRENT_FOR_USER, 2 + 4 + 8 + 8));
    let b = bytes_of(&Message::RoomSetDescription { req: 1, session: 2, room: 3, description: "ab".into() });
    assert_eq!(&b[b.len() - 3..], &[2, b'a', b'b']);
}

#[test]
fn hostile_room_management_requests_are_typed_errors() {
    // Bad flag for the lock.
    let lock =
        bytes_of(&Message::RoomUpdateMembershipLockStatus { req: 1, session: 2, room: 3, locked: true });
    let mut bad = lock.clone();
    *bad.last_mut().unwrap() = 2;
    assert_eq!(decode(&bad), Err(DecodeError::BadFlag(2)));
    // A join policy past Unknown.
    let policy = Message::RoomUpdatePrivateRoomJoinPolicy {
        req: 1,
        session: 2,
        room: 3,
        join_policy: JoinPolicy::Everyone,
    };
    let mut bad = bytes_of(&policy);
    *bad.last_mut().unwrap() = 6;
    assert_eq!(decode(&bad), Err(DecodeError::BadJoinPolicy(6)));
    *bad.last_mut().unwrap() = 0xFF;
    assert_eq!(decode(&bad), Err(DecodeError::BadJoinPolicy(0xFF)));
    // A description that is not UTF-8, and one whose length byte runs past the datagram.
    let desc =
        bytes_of(&Message::RoomSetDescription { req: 1, session: 2, room: 3, description: "ab".into() });
    let mut bad = desc.clone();
    *bad.last_mut().unwrap() = 0xFF;
    assert_eq!(decode(&bad), Err(DecodeError::BadText));
    let mut bad = desc.clone();
    let len_at = bad.len() - 3;
    bad[len_at] = 200;
    assert_eq!(decode(&bad), Err(DecodeError::Truncated));
    // Every new type cut anywhere, or with a byte more, is refused.
    for t in kind::ROOM_KICK_USER..=kind::ROOM_GET_CURRENT_FOR_USER {
        assert_eq!(decode(&[SIGNAL_V3, t]), Err(DecodeError::Truncated), "type {t:#x}");
        let mut long = vec![SIGNAL_V3, t];
        long.extend_from_slice(&[0; 64]);
        assert!(decode(&long).is_err(), "type {t:#x} with 64 zero bytes");
    }
    // The next type number is still unknown.
    assert_eq!(
        decode(&[SIGNAL_V3, kind::ROOM_GET_CURRENT_FOR_USER + 1]),
        Err(DecodeError::UnknownType(kind::ROOM_GET_CURRENT_FOR_USER + 1))
    );
}

#[test]
fn oversize_invited_lists_and_descriptions_in_snapshots_are_refused() {
    let update = bytes_of(&Message::RoomUpdate { push: 1, snapshot: biggest_snapshot() });
    // The invited count sits after the data store; the description's 64 bytes and length and
    // the 16 invited ids follow it.
    let count_at = update.len() - 64 - 1 - MAX_ROOM_INVITED_USERS * 8 - 1;
    assert_eq!(usize::from(update[count_at]), MAX_ROOM_INVITED_USERS);
    let mut bad = update.clone();
    bad[count_at] = MAX_ROOM_INVITED_USERS as u8 + 1;
    assert_eq!(decode(&bad), Err(DecodeError::TooManyInvited));
    bad[count_at] = 0xFF;
    assert_eq!(decode(&bad), Err(DecodeError::TooManyInvited));
    // A description one byte over the limit, with the byte really there.
    let len_at = update.len() - 64 - 1;
    assert_eq!(usize::from(update[len_at]), MAX_ROOM_DESCRIPTION_LEN);
    let mut bad = update.clone();
    bad[len_at] += 1;
    bad.push(b'x');
    assert_eq!(decode(&bad), Err(DecodeError::BadText));
    // A description cut in the middle of a two-byte character is not UTF-8.
    let mut bad = update[..update.len() - 1].to_vec();
    bad[len_at] -= 1;
    assert_eq!(decode(&bad), Err(DecodeError::BadText));
}

/// A login of an earlier version is recognised (with its request id, so the server can refuse
/// it in a form the old client reads); any other old datagram too, without one.
#[test]
fn datagrams_of_earlier_versions_are_recognised() {
    for version in [SIGNAL_V1, SIGNAL_V2] {
        let mut login = vec![version, kind::LOGIN];
        login.extend_from_slice(&77u32.to_be_bytes());
        login.extend_from_slice(&[0; 20]);
        assert_eq!(decode(&login), Err(DecodeError::OldVersion { version, login_req: Some(77) }));
        let heartbeat = [version, kind::HEARTBEAT, 1, 2];
        assert_eq!(decode(&heartbeat), Err(DecodeError::OldVersion { version, login_req: None }));
        let cut = [version, kind::LOGIN, 1];
        assert_eq!(decode(&cut), Err(DecodeError::OldVersion { version, login_req: None }));
    }
}

/// The two messages whose last field runs to the end of the datagram: they round-trip, and a
/// sealed body shorter than its tag is refused.
#[test]
fn sealed_and_login_accept_carry_the_rest_of_the_datagram() {
    let mut buf = [0u8; MAX_SIGNAL_DATAGRAM];
    for msg in [
        Message::Sealed { to_server: true, session: 5, counter: 0, body: vec![1; 16] },
        Message::Sealed { to_server: false, session: u64::MAX, counter: 9, body: vec![2; 1300] },
        Message::LoginAccept { req: 1, session: 2, reply: vec![3; 261] },
        Message::LoginAccept { req: 1, session: 2, reply: Vec::new() },
    ] {
        let n = encode(&msg, &mut buf).unwrap();
        assert!(n <= MAX_SIGNAL_DATAGRAM);
        assert_eq!(decode(&buf[..n]), Ok(msg.clone()));
    }
    let n = encode(&Message::Sealed { to_server: true, session: 5, counter: 0, body: vec![1; 16] }, &mut buf)
        .unwrap();
    assert_eq!(decode(&buf[..n - 1]), Err(DecodeError::Truncated), "body shorter than the tag");
    assert_eq!(decode(&buf[..2 + 15]), Err(DecodeError::Truncated), "header cut");
}
