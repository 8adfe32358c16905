//! What an attacker who sees every packet (on the path between two peers) can and cannot do to
//! a connection: read nothing, change nothing, forge nothing, replay nothing, impersonate nobody.
use std::sync::Arc;

use ovrnet::proto::identity::{test_auth_pair, test_identities};
use ovrnet::proto::{AuthError, Cipher, CloseReason, Config, Connection, Event, PeerAuth, Policy, State};
use ovrnet::sim::proto_endpoint::seed_bytes;

const SECRET: &[u8] = b"the treasure is under the third palm tree";

/// Moves every pending datagram from `from` to `to`, returning copies (the attacker's capture).
fn shuttle(now: u64, from: &mut Connection, to: &mut Connection) -> Vec<Vec<u8>> {
    let mut seen = Vec::new();
    let mut buf = [0u8; 1500];
    while let Some(n) = from.poll_transmit(now, &mut buf) {
        seen.push(buf[..n].to_vec());
        to.handle_datagram(now, &buf[..n]);
    }
    seen
}

fn pair_with(a_auth: PeerAuth, b_auth: PeerAuth) -> (Connection, Connection) {
    let a = Connection::new_initiator(Config::default(), 0, seed_bytes(1), a_auth);
    let b = Connection::new_responder(Config::default(), 0, seed_bytes(2), b_auth);
    (a, b)
}

/// Runs the handshake to the end; returns everything that crossed the wire.
fn connect(a: &mut Connection, b: &mut Connection) -> Vec<Vec<u8>> {
    let mut wire = Vec::new();
    for _ in 0..3 {
        wire.extend(shuttle(0, a, b));
        wire.extend(shuttle(0, b, a));
    }
    wire
}

fn events(c: &mut Connection) -> Vec<Event> {
    std::iter::from_fn(|| c.poll_event()).collect()
}

#[test]
fn both_sides_connect_and_the_wire_never_shows_the_data() {
    let (aa, ba) = test_auth_pair(1);
    let (mut a, mut b) = pair_with(aa, ba);
    let mut wire = connect(&mut a, &mut b);
    assert!(a.is_connected() && b.is_connected());
    assert_eq!(events(&mut a), vec![Event::Connected]);
    assert_eq!(events(&mut b), vec![Event::Connected]);
    a.send(SECRET, Policy::Reliable).expect("send");
    a.send(SECRET, Policy::Unreliable).expect("send");
    wire.extend(shuttle(1_000, &mut a, &mut b));
    assert_eq!(b.poll_message().map(|m| m.data), Some(SECRET.to_vec()));
    assert_eq!(b.poll_message().map(|m| m.data), Some(SECRET.to_vec()));
    for d in &wire {
        assert!(!d.windows(12).any(|w| w == &SECRET[..12]), "plaintext on the wire");
        assert!(d.len() <= 1300);
    }
}

#[test]
fn modified_forged_reflected_and_replayed_packets_change_nothing() {
    let (aa, ba) = test_auth_pair(2);
    let (mut a, mut b) = pair_with(aa, ba);
    connect(&mut a, &mut b);
    a.send(b"first", Policy::Reliable).expect("send");
    let captured = shuttle(1_000, &mut a, &mut b);
    assert_eq!(b.poll_message().map(|m| m.data), Some(b"first".to_vec()));
    let packet = captured.last().expect("a data packet").clone();
    let before = b.stats();

    // Every single-bit change anywhere (header, ciphertext or tag) is refused.
    for i in 0..packet.len() {
        let mut d = packet.clone();
        d[i] ^= 0x01;
        b.handle_datagram(2_000, &d);
    }
    // A packet carrying a CLOSE frame, written by someone without the key (the tag is a guess).
    let mut close = packet[..10].to_vec();
    close[6] = 0x40; // a fresh packet number
    close.extend_from_slice(&[0x08, 0x00]);
    close.extend_from_slice(&[0xAB; 16]);
    b.handle_datagram(2_000, &close);
    // The peer's own packet sent back to it (directions use different keys).
    let (mut reply_buf, mut reflected) = ([0u8; 1500], 0);
    b.send(b"to a", Policy::Reliable).expect("send");
    while let Some(n) = b.poll_transmit(2_000, &mut reply_buf) {
        b.handle_datagram(2_000, &reply_buf[..n]);
        reflected += 1;
        a.handle_datagram(2_000, &reply_buf[..n]);
    }
    let after = b.stats();
    let refused = after.rejected - before.rejected;
    let malformed = after.malformed - before.malformed;
    assert_eq!(
        refused + malformed,
        packet.len() as u64 + 1 + reflected,
        "every forged, modified or reflected packet is dropped and counted"
    );
    assert!(refused >= packet.len() as u64 - 10, "changes past the fixed header fail authentication");

    // The genuine packet again: a replay, counted as a duplicate and not delivered twice.
    b.handle_datagram(3_000, &packet);
    assert_eq!(b.stats().duplicates, before.duplicates + 1);
    assert!(b.poll_message().is_none(), "nothing forged or replayed was delivered");
    assert_eq!(b.state(), State::Connected, "the session is intact");
    assert_eq!(a.poll_message().map(|m| m.data), Some(b"to a".to_vec()), "and still carries data");
    a.send(b"second", Policy::Reliable).expect("send");
    shuttle(4_000, &mut a, &mut b);
    assert_eq!(b.poll_message().map(|m| m.data), Some(b"second".to_vec()));
}

#[test]
fn a_peer_must_be_the_user_that_was_asked_for() {
    // b expects user 1, but the initiator holds the certificate of user 3 (same authority).
    let (authority, ids) = test_identities(5, &[2, 3]);
    let auth = |me: usize, peer| PeerAuth {
        identity: ids[me].clone(),
        authority: authority.public_key(),
        peer_user: peer,
        unix_now: 1_800_000_000,
    };
    let mut impostor = Connection::new_initiator(Config::default(), 0, seed_bytes(1), auth(1, 2));
    let mut b = Connection::new_responder(Config::default(), 0, seed_bytes(2), auth(0, 1));
    shuttle(0, &mut impostor, &mut b);
    assert_eq!(b.take_auth_error(), Some(AuthError::WrongUser { expected: 1, got: 3 }));
    assert_eq!(b.stats().rejected, 1);
    let mut buf = [0u8; 1500];
    assert!(b.poll_transmit(0, &mut buf).is_none(), "no WELCOME to an impostor");

    // A certificate from another authority (a self-made "server") is refused too.
    let (rogue, rogue_ids) = test_identities(6, &[1]);
    let forged = PeerAuth {
        identity: Arc::clone(&rogue_ids[0]),
        authority: rogue.public_key(),
        peer_user: 2,
        unix_now: 1_800_000_000,
    };
    let mut rogue_conn = Connection::new_initiator(Config::default(), 0, seed_bytes(3), forged);
    shuttle(0, &mut rogue_conn, &mut b);
    assert_eq!(b.take_auth_error(), Some(AuthError::BadCertificate));
    assert!(b.poll_transmit(0, &mut buf).is_none());
    assert_eq!(b.state(), State::Handshaking);
}

#[test]
fn the_initiator_checks_the_responder_too() {
    let (aa, _) = test_auth_pair(7);
    // The "responder" is user 1 itself, not the user 2 that a asked for.
    let (_, ids) = test_identities(7, &[1, 2]);
    let wrong = PeerAuth { identity: ids[0].clone(), ..aa.clone() };
    let (mut a, mut b) = pair_with(aa, PeerAuth { peer_user: 1, ..wrong });
    connect(&mut a, &mut b);
    assert_eq!(a.take_auth_error(), Some(AuthError::WrongUser { expected: 2, got: 1 }));
    assert!(!a.is_connected() && !b.is_connected());
}

#[test]
fn a_replayed_hello_never_connects() {
    let (aa, ba) = test_auth_pair(8);
    let (mut a, mut b) = pair_with(aa, ba.clone());
    let wire = connect(&mut a, &mut b);
    let hello = wire[0].clone();
    // Later, the attacker replays the captured HELLO to the same user's fresh responder.
    let mut fresh = Connection::new_responder(Config::default(), 0, seed_bytes(9), ba);
    fresh.handle_datagram(0, &hello);
    let mut buf = [0u8; 1500];
    assert!(fresh.poll_transmit(0, &mut buf).is_some(), "it answers (the handshake is stateless to replay)");
    assert!(!fresh.is_connected(), "but is not connected: the replayer cannot seal a packet");
    fresh.handle_timeout(Config::default().connect_timeout_us);
    assert_eq!(events(&mut fresh), vec![Event::Closed(CloseReason::ConnectTimedOut)]);
}

#[test]
fn version_one_datagrams_are_refused() {
    let (aa, ba) = test_auth_pair(10);
    let (mut a, mut b) = pair_with(aa, ba);
    let mut buf = [0u8; 1500];
    let n = a.poll_transmit(0, &mut buf).expect("hello");
    buf[0] = ovrnet::proto::TRANSPORT_V1;
    b.handle_datagram(0, &buf[..n]);
    assert_eq!(b.stats().malformed, 1);
    assert!(b.poll_transmit(0, &mut buf).is_none());
}

#[test]
fn aes_gcm_only_when_both_ask_and_the_choice_cannot_be_downgraded() {
    let run = |a_cipher: Cipher, b_cipher: Cipher| {
        let (aa, ba) = test_auth_pair(11);
        let mut a =
            Connection::new_initiator(Config { cipher: a_cipher, ..Config::default() }, 0, seed_bytes(1), aa);
        let mut b =
            Connection::new_responder(Config { cipher: b_cipher, ..Config::default() }, 0, seed_bytes(2), ba);
        connect(&mut a, &mut b);
        a.send(SECRET, Policy::Reliable).expect("send");
        shuttle(1_000, &mut a, &mut b);
        assert_eq!(b.poll_message().map(|m| m.data), Some(SECRET.to_vec()));
        (a.cipher(), b.cipher())
    };
    let (aes, chacha) = (Some(Cipher::Aes128Gcm), Some(Cipher::ChaCha20Poly1305));
    assert_eq!(run(Cipher::Aes128Gcm, Cipher::Aes128Gcm), (aes, aes));
    assert_eq!(run(Cipher::Aes128Gcm, Cipher::ChaCha20Poly1305), (chacha, chacha));
    assert_eq!(run(Cipher::ChaCha20Poly1305, Cipher::Aes128Gcm), (chacha, chacha));

    // The preference byte (right after the 8 window bytes) is signed: an attacker who rewrites
    // it (and fixes the public checksum) gets the HELLO refused, not a weaker choice.
    let (aa, ba) = test_auth_pair(12);
    let mut a = Connection::new_initiator(
        Config { cipher: Cipher::Aes128Gcm, ..Config::default() },
        0,
        seed_bytes(1),
        aa,
    );
    let mut b = Connection::new_responder(Config::default(), 0, seed_bytes(2), ba);
    let mut buf = [0u8; 1500];
    let n = a.poll_transmit(0, &mut buf).expect("hello");
    buf[10 + 8] = 2;
    let conn_id = u32::from_le_bytes([buf[2], buf[3], buf[4], buf[5]]);
    let tag = xxhash_rust::xxh3::xxh3_64_with_seed(&buf[..n - 8], 0x6f76_726e_6574_6873 ^ u64::from(conn_id));
    buf[n - 8..n].copy_from_slice(&tag.to_le_bytes());
    b.handle_datagram(0, &buf[..n]);
    assert_eq!(b.take_auth_error(), Some(AuthError::BadSignature));
    assert!(b.poll_transmit(0, &mut buf).is_none());
}

#[test]
fn hellos_with_a_copied_certificate_and_a_bad_signature_are_refused_and_the_real_one_connects() {
    let (aa, ba) = test_auth_pair(13);
    let (mut a, mut b) = pair_with(aa, ba);
    let mut buf = [0u8; 1500];
    let n = a.poll_transmit(0, &mut buf).expect("hello");
    let hello = buf[..n].to_vec();
    for i in 0..20u8 {
        // The certificate is public; the signature (bytes 164..228) is not forgeable.
        let mut forged = hello.clone();
        forged[164 + usize::from(i)] ^= 0x01;
        let conn_id = u32::from_le_bytes([forged[2], forged[3], forged[4], forged[5]]);
        let tag = xxhash_rust::xxh3::xxh3_64_with_seed(
            &forged[..n - 8],
            0x6f76_726e_6574_6873 ^ u64::from(conn_id),
        );
        forged[n - 8..].copy_from_slice(&tag.to_le_bytes());
        b.handle_datagram(0, &forged);
        assert_eq!(b.take_auth_error(), Some(AuthError::BadSignature));
    }
    assert_eq!(b.stats().rejected, 20);
    assert!(b.poll_transmit(0, &mut buf).is_none(), "no WELCOME for a forgery");
    b.handle_datagram(0, &hello);
    connect(&mut a, &mut b);
    assert!(a.is_connected() && b.is_connected());
}
