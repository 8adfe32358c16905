//! Signalling datagrams (every message type, rooms included) at the decoder, the server and a
//! client. The input is split into datagrams by a 2-byte length prefix; the first byte of each
//! picks one of four source addresses.
#![no_main]
use std::net::SocketAddr;

use libfuzzer_sys::fuzz_target;
use ovrnet::server::{AuthMode, ServerConfig, ServerCore};
use ovrnet::signal::{ClientConfig, Credential, SignalClient, decode};

fuzz_target!(|data: &[u8]| {
    let server_addr = SocketAddr::from(([127, 0, 0, 1], 7650));
    let mut config = ServerConfig::new(server_addr, AuthMode::Open);
    config.identity_key = ovrnet::server::IdentityKey([7; 32]);
    let mut server = ServerCore::new(config, 1);
    let mut client = SignalClient::new(ClientConfig::new(server_addr, 5, Credential::default()), 0);
    let mut buf = [0u8; 1500];
    let mut rest = data;
    let mut now = 0u64;
    while rest.len() >= 3 {
        let from = SocketAddr::from(([127, 0, 0, 2], 1000 + u16::from(rest[0] % 4)));
        let len = usize::from(u16::from_le_bytes([rest[1], rest[2]])).min(rest.len() - 3);
        let d = &rest[3..3 + len];
        rest = &rest[3 + len..];
        now += 10_000;
        let _ = decode(d);
        server.handle_datagram(now, 1_800_000_000, from, d);
        server.handle_timeout(now);
        while server.poll_transmit().is_some() {}
        client.handle_datagram(now, server_addr, d);
        client.handle_timeout(now);
        while client.poll_transmit(now, &mut buf).is_some() {}
        while client.poll_event().is_some() {}
    }
});
