//! Plaintext DATA bodies (everything after decryption: frame decoding, the receive window,
//! reassembly, acknowledgements) at a connected responder. The input is split into packets by
//! a 2-byte length prefix; packet numbers count up.
#![no_main]
use libfuzzer_sys::fuzz_target;
use ovrnet::proto::identity::test_auth_pair;
use ovrnet::proto::{Config, Connection, Policy};
use ovrnet::sim::proto_endpoint::seed_bytes;

fuzz_target!(|data: &[u8]| {
    let (a_auth, b_auth) = test_auth_pair(1);
    let mut a = Connection::new_initiator(Config::default(), 0, seed_bytes(1), a_auth);
    let mut b = Connection::new_responder(Config::default(), 0, seed_bytes(2), b_auth);
    let mut buf = [0u8; 1500];
    for _ in 0..3 {
        while let Some(n) = a.poll_transmit(0, &mut buf) {
            b.handle_datagram(0, &buf[..n]);
        }
        while let Some(n) = b.poll_transmit(0, &mut buf) {
            a.handle_datagram(0, &buf[..n]);
        }
    }
    let _ = b.send(b"outstanding", Policy::Reliable);
    let mut rest = data;
    let (mut pn, mut now) = (1u64, 1u64);
    while rest.len() >= 2 {
        let len = usize::from(u16::from_le_bytes([rest[0], rest[1]])).min(rest.len() - 2);
        b.fuzz_plaintext(now, pn, &rest[2..2 + len]);
        rest = &rest[2 + len..];
        pn += 1;
        now += 500;
        b.handle_timeout(now);
        while b.poll_transmit(now, &mut buf).is_some() {}
        while b.poll_message().is_some() {}
        while b.poll_event().is_some() {}
    }
});
