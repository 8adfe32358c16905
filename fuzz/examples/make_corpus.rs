//! Writes the seed corpus in fuzz/corpus/<target>: a few valid inputs per target, taken from the
//! real encoders, so the fuzzer starts from the formats instead of from nothing.
//! Run: `cd fuzz && cargo run --example make_corpus`.
use std::fs;
use std::net::SocketAddr;
use std::path::Path;

use ovrnet::proto::identity::{test_auth_pair, test_identities};
use ovrnet::proto::{Config, Connection, Policy};
use ovrnet::signal::{Credential, Message, encode};
use ovrnet::sim::proto_endpoint::seed_bytes;

#[path = "../shared/signalling_pair.rs"]
mod signalling_pair;

fn framed(datagrams: &[Vec<u8>]) -> Vec<u8> {
    let mut out = vec![];
    for d in datagrams {
        out.extend_from_slice(&(d.len() as u16).to_le_bytes());
        out.extend_from_slice(d);
    }
    out
}

fn write(target: &str, name: &str, bytes: &[u8]) {
    let dir = Path::new("corpus").join(target);
    fs::create_dir_all(&dir).expect("corpus dir");
    fs::write(dir.join(name), bytes).expect("write seed");
}

fn main() {
    // A real conversation between two connections: handshake, data both ways, acks.
    let (a_auth, b_auth) = test_auth_pair(1);
    let mut a = Connection::new_initiator(Config::default(), 0, seed_bytes(1), a_auth);
    let mut b = Connection::new_responder(Config::default(), 0, seed_bytes(2), b_auth);
    let mut wire = vec![];
    let mut buf = [0u8; 1500];
    for step in 0..6u64 {
        if step == 2 {
            a.send(b"hello", Policy::Reliable).expect("send");
            a.send(&[7; 3000], Policy::Reliable).expect("send");
            a.send(b"pos", Policy::Unreliable).expect("send");
        }
        while let Some(n) = a.poll_transmit(step * 1000, &mut buf) {
            wire.push(buf[..n].to_vec());
            b.handle_datagram(step * 1000, &buf[..n]);
        }
        while let Some(n) = b.poll_transmit(step * 1000, &mut buf) {
            wire.push(buf[..n].to_vec());
            a.handle_datagram(step * 1000, &buf[..n]);
        }
    }
    write("transport", "conversation", &framed(&wire));
    write("transport", "hello", &framed(&wire[..1]));
    // The HELLO and WELCOME bodies (bytes 10..228 of the packets).
    write("handshake", "hello_body", &wire[0][10..228]);
    write("handshake", "welcome_body", &wire[1][10..228]);

    // Plaintext frames: ACK, UNRELIABLE, RELIABLE, FRAGMENT, PING, PONG, KEEPALIVE, CLOSE.
    let frames: Vec<Vec<u8>> = vec![
        vec![0x01, 0, 0, 0, 0, 0x01, 0x00, 0x00],
        vec![0x02, 0x03, b'a', b'b', b'c'],
        vec![0x03, 0x00, 0x00, 0x02, b'h', b'i'],
        [vec![0x04, 0x00, 0x01, 0x49, 0xc4, 0x00], vec![1; 1200]].concat(),
        vec![0x05, 0x07, 0x06, 0x07, 0x07],
        vec![0x08, 0x00],
    ];
    write("frames", "each_frame", &framed(&frames));
    write("frames", "all_in_one", &framed(&[frames.concat()]));

    // Signalling: the login in clear, then session messages sealed to the server (selector
    // 0x20) and to the client (0x30), in the sessions the target's pair logs in.
    let p = signalling_pair::pair();
    let (server_session, client_session) = (p.server_session, p.client_session);
    let cred = Credential::new(b"secret".to_vec()).expect("short");
    let msgs = [
        (0x00, Message::Login { req: 1, user_id: 5, nonce: 9, peer_key: [3; 32], credential: cred, cookie: None }),
        (0x20, Message::Heartbeat { session: server_session }),
        (0x20, Message::ConnectRequest { req: 2, session: server_session, to: 6 }),
        (0x21, Message::Accept { req: 3, session: server_session, peer: 6 }),
        (0x20, Message::PushAck { session: server_session, push: 1 }),
        (0x20, Message::RoomGetCurrent { req: 4, session: server_session }),
        (0x20, Message::Logout { req: 5, session: server_session }),
        (0x30, Message::PeerConnectRequest { push: 1, from: 6, addr: SocketAddr::from(([127, 0, 0, 1], 9)) }),
        (0x30, Message::HeartbeatAck { session: client_session }),
        (0x10, Message::SessionUnknown { session: client_session, reset_token: [4; 16] }),
    ];
    let mut sig = vec![];
    for (selector, m) in &msgs {
        let mut b = [0u8; 1400];
        let n = encode(m, &mut b).expect("encodes");
        sig.push(*selector);
        sig.extend_from_slice(&(n as u16).to_le_bytes());
        sig.extend_from_slice(&b[..n]);
    }
    write("signalling", "messages", &sig);

    // Credentials: a token shape, a certificate, settings text.
    let (_, ids) = test_identities(3, &[7]);
    write("credentials", "certificate", &ids[0].certificate().to_bytes());
    write("credentials", "secret_token", b"ovrnet1.7.1900000000.0123456789abcdef0123456789abcdef");
    write("credentials", "signed_token", b"ovrnet2.7.1900000000.game.AAAA");
    write("credentials", "settings", b"server=127.0.0.1:7650;user_id=7;credential=x;server_key=00");
    println!("wrote the seed corpus under fuzz/corpus/");
}
