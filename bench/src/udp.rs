//! Raw UDP: the floor. One datagram per message, no reliability; busy-polling (non-blocking
//! socket) or blocking receives.
use std::io::ErrorKind;
use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use socket2::{Domain, Socket, Type};

use crate::endpoint::{Endpoint, Pair};
use crate::proxy::{Impairment, Proxy};

struct Udp {
    sock: UdpSocket,
    blocking: bool,
}

pub fn socket() -> UdpSocket {
    let s = Socket::new(Domain::IPV4, Type::DGRAM, None).expect("socket");
    // The same 4 MiB kernel buffers every contender asks for.
    let _ = s.set_recv_buffer_size(4 << 20);
    let _ = s.set_send_buffer_size(4 << 20);
    s.bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into()).expect("bind");
    s.into()
}

fn endpoint(sock: UdpSocket, peer: SocketAddr, blocking: bool) -> Box<dyn Endpoint> {
    sock.connect(peer).expect("connect");
    if blocking {
        sock.set_read_timeout(Some(Duration::from_millis(5))).expect("timeout");
    } else {
        sock.set_nonblocking(true).expect("nonblocking");
    }
    Box::new(Udp { sock, blocking })
}

pub fn pair(blocking: bool, via: Option<&Impairment>) -> Pair {
    let (a, b) = (socket(), socket());
    let b_addr = b.local_addr().expect("addr");
    let (a_peer, guard): (SocketAddr, Box<dyn Send>) = match via {
        Some(imp) => {
            let p = Proxy::start(b_addr, imp.clone());
            (p.front(), Box::new(p))
        }
        None => (b_addr, Box::new(())),
    };
    // b learns a's (possibly proxied) address from a first datagram.
    a.send_to(b"hi", a_peer).expect("send");
    let mut buf = [0u8; 16];
    b.set_read_timeout(Some(Duration::from_secs(2))).expect("timeout");
    let (_, from) = b.recv_from(&mut buf).expect("udp hello");
    b.set_read_timeout(None).expect("timeout");
    Pair { a: endpoint(a, a_peer, blocking), b: endpoint(b, from, blocking), guard, connect_us: None }
}

impl Endpoint for Udp {
    fn send(&mut self, msg: &[u8], _reliable: bool) -> bool {
        self.sock.send(msg).is_ok()
    }

    fn poll(&mut self, buf: &mut [u8]) -> Option<usize> {
        match self.sock.recv(buf) {
            Ok(n) => Some(n),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => None,
            Err(_) => None, // ECONNREFUSED after the peer closed
        }
    }

    fn wait(&mut self, timeout: Duration) {
        // Block until a datagram is there without taking it.
        if !self.blocking {
            self.sock.set_nonblocking(false).expect("blocking");
        }
        self.sock.set_read_timeout(Some(timeout.max(Duration::from_micros(1)))).expect("timeout");
        let _ = self.sock.peek(&mut [0u8; 1]);
        if self.blocking {
            self.sock.set_read_timeout(Some(Duration::from_millis(5))).expect("timeout");
        } else {
            self.sock.set_nonblocking(true).expect("nonblocking");
        }
    }
}
