//! Whole datagrams at live connections: a connected pair (both directions) and fresh ones in
//! both roles. The input is split into datagrams by a 2-byte length prefix.
#![no_main]
use libfuzzer_sys::fuzz_target;
use ovrnet::proto::identity::test_auth_pair;
use ovrnet::proto::{Config, Connection};
use ovrnet::sim::proto_endpoint::seed_bytes;

fn connected() -> (Connection, Connection) {
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
    (a, b)
}

fuzz_target!(|data: &[u8]| {
    let (mut a, mut b) = connected();
    let (auth_a, auth_b) = test_auth_pair(1);
    let mut fresh_r = Connection::new_responder(Config::default(), 0, seed_bytes(3), auth_b);
    let mut fresh_i = Connection::new_initiator(Config::default(), 0, seed_bytes(4), auth_a);
    let mut rest = data;
    let mut now = 1;
    let mut buf = [0u8; 1500];
    while rest.len() >= 2 {
        let len = usize::from(u16::from_le_bytes([rest[0], rest[1]])).min(rest.len() - 2);
        let d = &rest[2..2 + len];
        rest = &rest[2 + len..];
        now += 1_000;
        for c in [&mut a, &mut b, &mut fresh_r, &mut fresh_i] {
            c.handle_datagram(now, d);
            c.handle_timeout(now);
            while c.poll_transmit(now, &mut buf).is_some() {}
            while c.poll_message().is_some() {}
            while c.poll_event().is_some() {}
        }
    }
});
