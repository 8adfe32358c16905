//! Handshake bodies (windows, cipher, ephemeral key, certificate, signature) past the public
//! checksum: the input becomes the body of a HELLO for a fresh responder and of a WELCOME for a
//! fresh initiator, padded to the full size with a valid checksum, so the decoders and the
//! certificate and signature checks see it.
#![no_main]
use libfuzzer_sys::fuzz_target;
use ovrnet::proto::identity::test_auth_pair;
use ovrnet::proto::{Config, Connection, MAX_DATAGRAM};
use ovrnet::sim::proto_endpoint::seed_bytes;

fn packet(kind: u8, conn_id: u32, body: &[u8]) -> Vec<u8> {
    let mut d = vec![0xA2, kind];
    d.extend_from_slice(&conn_id.to_le_bytes());
    d.extend_from_slice(&[1, 0, 0, 0]);
    d.extend_from_slice(&body[..body.len().min(MAX_DATAGRAM - 18)]);
    d.resize(MAX_DATAGRAM - 8, 0);
    let seed = 0x6f76_726e_6574_6873u64 ^ u64::from(conn_id);
    let tag = twox_tag(&d, seed);
    d.extend_from_slice(&tag.to_le_bytes());
    d
}

fn twox_tag(bytes: &[u8], seed: u64) -> u64 {
    twox_hash::XxHash3_64::oneshot_with_seed(seed, bytes)
}

fuzz_target!(|data: &[u8]| {
    let (a_auth, b_auth) = test_auth_pair(1);
    let mut initiator = Connection::new_initiator(Config::default(), 0, seed_bytes(1), a_auth);
    let mut responder = Connection::new_responder(Config::default(), 0, seed_bytes(2), b_auth);
    let mut buf = [0u8; 1500];
    let conn_id = initiator.conn_id();
    responder.handle_datagram(0, &packet(1, conn_id.max(1), data));
    while responder.poll_transmit(0, &mut buf).is_some() {}
    initiator.handle_datagram(0, &packet(2, conn_id, data));
    while initiator.poll_transmit(0, &mut buf).is_some() {}
    let _ = (initiator.take_auth_error(), responder.take_auth_error());
});
