//! Attacks on the rendezvous server over real UDP sockets against a real in-process server:
//! logins from addresses that never proved they receive keep nothing, never get a reply larger
//! than what they sent, and cannot disturb a logged-in player.
mod engine_support;
use engine_support::*;

use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use ovrnet::engine::{Notification, PeerState};
use ovrnet::server::AuthMode;
use ovrnet::signal::{Credential, Message, decode, encode};

fn login_datagram(user: u64, nonce: u64, credential: &[u8]) -> Vec<u8> {
    let msg = Message::Login {
        req: 1,
        user_id: user,
        nonce,
        peer_key: [0x11; 32],
        credential: Credential::new(credential.to_vec()).expect("short credential"),
        cookie: None,
    };
    let mut buf = [0u8; 512];
    let n = encode(&msg, &mut buf).expect("encodes");
    buf[..n].to_vec()
}

#[test]
fn cookieless_logins_get_small_retries_keep_nothing_and_leave_players_alone() {
    let s = server(AuthMode::Open);
    let victim = engine(&s, 9001);
    let target = s.local_addr();
    let sockets: Vec<UdpSocket> =
        (0..20).map(|_| UdpSocket::bind(SocketAddr::from(([127, 0, 0, 1], 0))).expect("bind")).collect();
    for s in &sockets {
        s.set_read_timeout(Some(Duration::from_secs(2))).expect("timeout");
    }
    // 2,000 logins, 100 from each socket, among them the victim's own user id.
    let mut largest_reply = 0;
    let mut smallest_request = usize::MAX;
    for (i, socket) in sockets.iter().enumerate() {
        for j in 0..100u64 {
            let user = if j == 0 { 9001 } else { 50_000 + (i as u64) * 100 + j };
            let datagram = login_datagram(user, j, b"attacker");
            smallest_request = smallest_request.min(datagram.len());
            socket.send_to(&datagram, target).expect("send");
        }
        for _ in 0..100 {
            let mut buf = [0u8; 2048];
            let (n, _) = socket.recv_from(&mut buf).expect("every login is answered");
            largest_reply = largest_reply.max(n);
            assert!(matches!(decode(&buf[..n]), Ok(Message::LoginRetry { .. })), "only retries");
        }
    }
    assert!(largest_reply < smallest_request, "replies {largest_reply} B < requests {smallest_request} B");
    let stats = s.stats();
    assert_eq!(stats.logins, 1, "only the victim ever logged in");
    assert!(stats.login_retries >= 2_000);

    // The victim noticed nothing and is still reachable; an attacker's user id is not online.
    let friend = engine(&s, 9002);
    connect_pair(&friend, &victim);
    friend.connect(50_001);
    expect(&friend, state(50_001, PeerState::Timeout), 6);
    std::thread::sleep(Duration::from_millis(300));
    while let Some(n) = victim.pop_notification() {
        assert!(
            !matches!(n, Notification::ServerLost { .. } | Notification::LoginFailed { .. }),
            "the victim lost nothing: {n:?}"
        );
    }
}
