//! A peer that holds valid keys but breaks every rule: the receive side must stay bounded.
use super::*;
use crate::proto::identity::test_auth_pair;
use crate::sim::proto_endpoint::seed_bytes;

fn handshake() -> (Connection, Connection) {
    let cfg = Config { recv_window_bytes: 1 << 20, recv_window_messages: 512, ..Config::default() };
    let mut a = Connection::new_initiator(cfg.clone(), 0, seed_bytes(7), test_auth_pair(0).0);
    let mut b = Connection::new_responder(cfg, 0, seed_bytes(8), test_auth_pair(0).1);
    let mut buf = [0u8; 1500];
    let n = a.poll_transmit(0, &mut buf).expect("hello");
    b.handle_datagram(0, &buf[..n]);
    let n = b.poll_transmit(0, &mut buf).expect("welcome");
    a.handle_datagram(0, &buf[..n]);
    // The initiator's first sealed packet confirms the keys to the responder.
    let n = a.poll_transmit(0, &mut buf).expect("confirmation");
    b.handle_datagram(0, &buf[..n]);
    assert!(a.is_connected() && b.is_connected());
    (a, b)
}

/// Writes a data packet from `a` with the given frames, bypassing all of a's rules.
fn forge(a: &Connection, pn: u64, frames: impl FnOnce(&mut Writer<'_>)) -> Vec<u8> {
    let mut buf = vec![0u8; MAX_DATAGRAM];
    let mut w = Writer::new(&mut buf[..MAX_PAYLOAD]);
    Header { kind: PacketKind::Data, conn_id: a.conn_id, number: pn as u32 }.encode(&mut w);
    frames(&mut w);
    let len = w.len();
    let keys = a.keys.as_ref().expect("handshake done");
    let tag = keys.send.seal(pn, &mut buf[HEADER_LEN..len]);
    buf[len..len + AEAD_TAG_LEN].copy_from_slice(&tag);
    buf.truncate(len + AEAD_TAG_LEN);
    buf
}

#[test]
fn endless_incomplete_fragments_cannot_grow_the_receiver() {
    let (a, mut b) = handshake();
    let chunk = [0xabu8; FRAGMENT_SIZE];
    for pn in 0..100_000u64 {
        // Messages 1.. never complete (message 0 never comes) and each claims 65535 bytes.
        let seq = (1 + pn % 40_000) as u16;
        let d = forge(&a, pn, |w| wire::encode_fragment(w, seq, MAX_RELIABLE, (pn % 3) as u8, &chunk));
        b.handle_datagram(pn, &d);
    }
    let st = b.stats();
    assert!(st.reassembly_bytes <= 1 << 20, "held {} bytes", st.reassembly_bytes);
    assert!(st.reassembly_messages <= 512, "held {} messages", st.reassembly_messages);
    assert!(st.reassembly_bytes >= (1 << 20) - MAX_RELIABLE as u64, "the window is used, not refused early");
    // Sequence numbers more than 32767 ahead read as old duplicates (16-bit expansion), the rest
    // beyond the window are refused: of 100k packets about 82% fall in [512, 32767].
    assert!(st.over_window >= 80_000, "over-window packets counted: {}", st.over_window);
    assert!(b.poll_message().is_none());
    assert!(b.is_connected(), "limits are enforced by refusing packets, not by dying");
}

#[test]
fn ping_floods_and_bogus_acks_stay_bounded_and_harmless() {
    let (mut a, mut b) = handshake();
    a.send(b"keep me", Policy::Reliable).expect("send");
    let mut buf = [0u8; 1500];
    while a.poll_transmit(1, &mut buf).is_some() {}
    for pn in 0..10_000u64 {
        let d = forge(&a, 1_000 + pn, |w| {
            for id in 0..50 {
                wire::encode_ping(w, frame_type::PING, pn * 50 + id);
            }
        });
        b.handle_datagram(2, &d);
    }
    assert!(b.pongs_to_send.len() <= MAX_PINGS);
    // Acks for packets b never sent must not settle anything nor crash.
    let d = forge(&a, 20_000, |w| {
        w.u8(frame_type::ACK);
        w.u32(u32::MAX);
        w.varint(0);
        w.varint(1 << 40);
        w.u8(0);
    });
    b.handle_datagram(3, &d);
    assert_eq!(b.stats().packets_lost, 0);
    assert!(b.is_connected());
}
