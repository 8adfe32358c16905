//! renet 2 (the Bevy ecosystem's game networking library) over its netcode UDP transport
//! (renet_netcode, which always encrypts with ChaCha20-Poly1305). Unreliable channel 0, reliable
//! ordered channel 2. Best settings: no per-tick byte budget (the loop ticks as often as it
//! polls), 8 MiB channel memory like the others' send buffers, 50 ms resend time (the default
//! 300 ms is for internet games; it is a fixed timer, not an RTT estimate), every send flushed.
//! Both were swept (RENET_CHANNEL_BYTES, RENET_RESEND_MS override them): 256 KiB or 1 MiB of
//! channel memory stalls 65535 B messages; 100 or 300 ms resend times triple lossy p99.
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant, SystemTime};

use renet::{Bytes, ChannelConfig, ConnectionConfig, RenetClient, RenetServer, SendType};
use renet_netcode::{
    ClientAuthentication, NetcodeClientTransport, NetcodeServerTransport, ServerAuthentication, ServerConfig,
};

use crate::endpoint::{Endpoint, Pair};
use crate::proxy::{Impairment, Proxy};

const UNRELIABLE: u8 = 0;
const RELIABLE: u8 = 2;
const CLIENT_ID: u64 = 1;
const PROTOCOL: u64 = 7;

fn config() -> ConnectionConfig {
    let resend_ms = std::env::var("RENET_RESEND_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(50);
    let resend_time = Duration::from_millis(resend_ms);
    let mem = std::env::var("RENET_CHANNEL_BYTES").ok().and_then(|v| v.parse().ok()).unwrap_or(8 << 20);
    let ch = |channel_id, send_type| ChannelConfig { channel_id, max_memory_usage_bytes: mem, send_type };
    let channels = vec![
        ch(0, SendType::Unreliable),
        ch(1, SendType::ReliableUnordered { resend_time }),
        ch(2, SendType::ReliableOrdered { resend_time }),
    ];
    ConnectionConfig {
        available_bytes_per_tick: 1 << 30,
        server_channels_config: channels.clone(),
        client_channels_config: channels,
    }
}

enum Side {
    Client(Box<RenetClient>, Box<NetcodeClientTransport>),
    Server(RenetServer, Box<NetcodeServerTransport>),
}

struct Renet {
    side: Side,
    /// A clone of the transport's socket, for blocking waits.
    sock: UdpSocket,
    last: Instant,
}

fn now() -> Duration {
    SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default()
}

pub fn pair(via: Option<&Impairment>) -> Pair {
    let ssock = crate::udp::socket();
    let saddr = ssock.local_addr().expect("addr");
    let (dial, guard): (SocketAddr, Box<dyn Send>) = match via {
        Some(imp) => {
            let p = Proxy::start(saddr, imp.clone());
            (p.front(), Box::new(p))
        }
        None => (saddr, Box::new(())),
    };
    let scfg = ServerConfig {
        current_time: now(),
        max_clients: 1024,
        protocol_id: PROTOCOL,
        public_addresses: vec![saddr, dial],
        authentication: ServerAuthentication::Unsecure,
    };
    let sclone = ssock.try_clone().expect("clone");
    let st = NetcodeServerTransport::new(scfg, ssock).expect("renet server");
    let mut b = Renet {
        side: Side::Server(RenetServer::new(config()), Box::new(st)),
        sock: sclone,
        last: Instant::now(),
    };
    let t0 = Instant::now();
    let csock = crate::udp::socket();
    let auth = ClientAuthentication::Unsecure {
        protocol_id: PROTOCOL,
        client_id: CLIENT_ID,
        server_addr: dial,
        user_data: None,
    };
    let cclone = csock.try_clone().expect("clone");
    let ct = NetcodeClientTransport::new(now(), auth, csock).expect("renet client");
    let mut a = Renet {
        side: Side::Client(Box::new(RenetClient::new(config())), Box::new(ct)),
        sock: cclone,
        last: Instant::now(),
    };
    let mut buf = [0u8; 64];
    while !(a.connected() && b.connected()) {
        assert!(t0.elapsed() < Duration::from_secs(10), "renet connect timed out");
        a.poll(&mut buf);
        b.poll(&mut buf);
    }
    let connect_us = t0.elapsed().as_secs_f64() * 1e6;
    Pair { a: Box::new(a), b: Box::new(b), guard, connect_us: Some(connect_us) }
}

impl Renet {
    fn connected(&self) -> bool {
        match &self.side {
            Side::Client(c, _) => c.is_connected(),
            Side::Server(s, _) => s.is_connected(CLIENT_ID),
        }
    }

    fn flush(&mut self) {
        match &mut self.side {
            Side::Client(c, t) => {
                let _ = t.send_packets(c);
            }
            Side::Server(s, t) => t.send_packets(s),
        }
    }

    fn take(&mut self, buf: &mut [u8]) -> Option<usize> {
        let m = match &mut self.side {
            Side::Client(c, _) => c.receive_message(UNRELIABLE).or_else(|| c.receive_message(RELIABLE)),
            Side::Server(s, _) => {
                s.receive_message(CLIENT_ID, UNRELIABLE).or_else(|| s.receive_message(CLIENT_ID, RELIABLE))
            }
        }?;
        buf[..m.len()].copy_from_slice(&m);
        Some(m.len())
    }
}

impl Endpoint for Renet {
    fn send(&mut self, msg: &[u8], reliable: bool) -> bool {
        let ch = if reliable { RELIABLE } else { UNRELIABLE };
        let ok = match &mut self.side {
            Side::Client(c, _) => {
                c.can_send_message(ch, msg.len()) && {
                    c.send_message(ch, Bytes::copy_from_slice(msg));
                    true
                }
            }
            Side::Server(s, _) => {
                s.can_send_message(CLIENT_ID, ch, msg.len()) && {
                    s.send_message(CLIENT_ID, ch, Bytes::copy_from_slice(msg));
                    true
                }
            }
        };
        if ok {
            self.flush();
        }
        ok
    }

    fn poll(&mut self, buf: &mut [u8]) -> Option<usize> {
        if let Some(n) = self.take(buf) {
            return Some(n);
        }
        let dt = self.last.elapsed();
        self.last = Instant::now();
        match &mut self.side {
            Side::Client(c, t) => {
                c.update(dt);
                let _ = t.update(dt, c);
            }
            Side::Server(s, t) => {
                s.update(dt);
                let _ = t.update(dt, s);
            }
        }
        self.flush();
        self.take(buf)
    }

    fn wait(&mut self, timeout: Duration) {
        // The clone shares the transport's file: block on it for a moment, then restore.
        self.sock.set_nonblocking(false).expect("blocking");
        self.sock.set_read_timeout(Some(timeout.max(Duration::from_micros(1)))).expect("timeout");
        let _ = self.sock.peek_from(&mut [0u8; 1]);
        self.sock.set_nonblocking(true).expect("nonblocking");
    }
}
