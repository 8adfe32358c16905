//! The UDP impairment proxy every contender's lossy traffic crosses (this kernel has no netem).
//!
//! It behaves like a NAT in front of one upstream address: a client sending to `front()` gets its
//! own outside socket, from which the proxy forwards to the upstream; replies come back from
//! `front()`. A datagram reaching client X's outside socket from another client Y (peer-to-peer
//! traffic of two ovrnet engines whose server is the upstream) is delivered to X from Y's outside
//! socket, so each peer sees the other at the address the server reported. Every forwarded
//! datagram is dropped with probability `loss` (seeded) or delayed by `delay` plus up to
//! `jitter`, once per direction.
use std::collections::{BinaryHeap, HashMap};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use mio::net::UdpSocket;
use mio::{Events, Interest, Poll, Token, Waker};

#[derive(Clone, Debug)]
pub struct Impairment {
    /// Drop probability per datagram and direction, 0..1.
    pub loss: f64,
    /// One-way added delay.
    pub delay: Duration,
    /// Extra one-way delay, uniform in 0..jitter.
    pub jitter: Duration,
    pub seed: u64,
}

pub struct Proxy {
    front: SocketAddr,
    stop: Arc<AtomicBool>,
    waker: Arc<Waker>,
    thread: Option<JoinHandle<()>>,
}

const WAKE: Token = Token(usize::MAX);
const FRONT: usize = 0;

struct Due {
    at: Instant,
    seq: u64,
    via: usize,
    to: SocketAddr,
    data: Vec<u8>,
}

impl PartialEq for Due {
    fn eq(&self, o: &Self) -> bool {
        (self.at, self.seq) == (o.at, o.seq)
    }
}
impl Eq for Due {}
impl PartialOrd for Due {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Due {
    // Earliest first in a max-heap.
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        (o.at, o.seq).cmp(&(self.at, self.seq))
    }
}

fn bind() -> UdpSocket {
    let s = crate::udp::socket();
    s.set_nonblocking(true).expect("nonblocking");
    UdpSocket::from_std(s)
}

impl Proxy {
    pub fn start(upstream: SocketAddr, imp: Impairment) -> Proxy {
        let poll = Poll::new().expect("poll");
        let mut front = bind();
        let front_addr = front.local_addr().expect("addr");
        poll.registry().register(&mut front, Token(FRONT), Interest::READABLE).expect("register");
        let waker = Arc::new(Waker::new(poll.registry(), WAKE).expect("waker"));
        let stop = Arc::new(AtomicBool::new(false));
        let st = stop.clone();
        let thread = std::thread::Builder::new()
            .name("impair-proxy".into())
            .spawn(move || run(poll, front, upstream, imp, &st))
            .expect("proxy thread");
        Proxy { front: front_addr, stop, waker, thread: Some(thread) }
    }

    pub fn front(&self) -> SocketAddr {
        self.front
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        let _ = self.waker.wake();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn run(poll: Poll, front: UdpSocket, upstream: SocketAddr, imp: Impairment, stop: &AtomicBool) {
    let mut poll = poll;
    let mut events = Events::with_capacity(256);
    // socks[0] is the front; socks[i] the outside socket of clients[i].
    let mut socks = vec![front];
    let mut clients: Vec<SocketAddr> = vec![upstream];
    let mut by_client: HashMap<SocketAddr, usize> = HashMap::new();
    let mut queue = BinaryHeap::new();
    let mut rng = imp.seed | 1;
    let mut seq = 0u64;
    let mut buf = vec![0u8; 65536];
    while !stop.load(Ordering::Acquire) {
        let timeout = queue.peek().map(|d: &Due| d.at.saturating_duration_since(Instant::now()));
        let _ = poll.poll(&mut events, timeout);
        let mut ready: Vec<usize> = events.iter().map(|e| e.token().0).filter(|&t| t != WAKE.0).collect();
        ready.sort_unstable();
        ready.dedup();
        for i in ready {
            while let Ok((n, from)) = socks[i].recv_from(&mut buf) {
                // Route: front -> upstream via the sender's outside socket; outside socket i from
                // upstream -> client i via front; from another client j -> client i via j's socket.
                let (via, to) = if i == FRONT {
                    let j = *by_client.entry(from).or_insert_with(|| {
                        let mut s = bind();
                        let t = socks.len();
                        poll.registry().register(&mut s, Token(t), Interest::READABLE).expect("register");
                        socks.push(s);
                        clients.push(from);
                        t
                    });
                    (j, upstream)
                } else if from == upstream {
                    (FRONT, clients[i])
                } else if let Some(&j) = by_client.get(&from) {
                    (j, clients[i])
                } else {
                    continue;
                };
                // xorshift64*: seeded, reproducible loss and jitter.
                rng ^= rng >> 12;
                rng ^= rng << 25;
                rng ^= rng >> 27;
                let r = rng.wrapping_mul(0x2545_f491_4f6c_dd1d);
                let u = (r >> 11) as f64 / (1u64 << 53) as f64;
                if u < imp.loss {
                    continue;
                }
                let jit = imp.jitter.mul_f64(((r & 0xffff) as f64) / 65536.0);
                seq += 1;
                queue.push(Due {
                    at: Instant::now() + imp.delay + jit,
                    seq,
                    via,
                    to,
                    data: buf[..n].to_vec(),
                });
            }
        }
        let now = Instant::now();
        while queue.peek().is_some_and(|d| d.at <= now) {
            let d = queue.pop().expect("peeked");
            let _ = socks[d.via].send_to(&d.data, d.to);
        }
    }
}
