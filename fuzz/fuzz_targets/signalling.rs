//! Signalling datagrams (every message type, rooms included) at the decoder, the server and a
//! client, in clear and sealed under a live session's keys (so what sits behind the AEAD is
//! fuzzed too). The input is split into datagrams of a selector byte and a 2-byte length; the
//! selector's low bits pick one of four source addresses, 0x10 sends to the client instead of
//! the server, 0x20 seals the bytes as the plaintext of the other side's session.
#![no_main]
use libfuzzer_sys::fuzz_target;
use ovrnet::signal::decode;

#[path = "../shared/signalling_pair.rs"]
mod signalling_pair;
use signalling_pair::{UNIX, client_addr, pair, sealed, server_addr};

fuzz_target!(|data: &[u8]| {
    let mut p = pair();
    let mut buf = [0u8; 1500];
    let mut rest = data;
    let mut now = 0u64;
    while rest.len() >= 3 {
        let selector = rest[0];
        let len = usize::from(u16::from_le_bytes([rest[1], rest[2]])).min(rest.len() - 3);
        let d = &rest[3..3 + len];
        rest = &rest[3 + len..];
        now += 10_000;
        let _ = decode(d);
        let to_client = selector & 0x10 != 0;
        let datagram = match (selector & 0x20 != 0, to_client) {
            (true, false) => sealed(&mut p.to_server, true, p.server_session, d),
            (true, true) => sealed(&mut p.to_client, false, p.client_session, d),
            (false, _) => Some(d.to_vec()),
        };
        let Some(datagram) = datagram else { continue };
        if to_client {
            p.client.handle_datagram(now, server_addr(), &datagram);
            p.client.handle_timeout(now);
            while p.client.poll_transmit(now, &mut buf).is_some() {}
            while p.client.poll_event().is_some() {}
            while p.client.poll_room_event().is_some() {}
        } else {
            p.server.handle_datagram(now, UNIX, client_addr(selector), &datagram);
            p.server.handle_timeout(now);
            while p.server.poll_transmit().is_some() {}
        }
    }
});
