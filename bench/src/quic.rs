//! quinn 0.11 (QUIC, TLS 1.3 with ring): unreliable messages as QUIC datagrams, reliable ones
//! length-prefixed on one bidirectional stream. Each side owns a current-thread tokio runtime
//! that it drives from its own thread: `poll` lets quinn's drivers run once and takes what is
//! ready without waiting, like a game loop calling into it. Best settings: 1400-byte initial MTU
//! (loopback; the 1200 default cannot carry a 1200-byte datagram), send and receive windows of
//! 8/16 MiB like the others' buffers, defaults otherwise.
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use quinn::{
    ClientConfig, Connection, Endpoint as QEndpoint, RecvStream, SendStream, ServerConfig, TransportConfig,
};
use rustls::pki_types::{CertificateDer, PrivatePkcs8KeyDer};
use tokio::runtime::{Builder, Runtime};

use crate::endpoint::{Endpoint, Pair};
use crate::proxy::{Impairment, Proxy};

struct Quic {
    rt: Runtime,
    conn: Connection,
    send: SendStream,
    recv: RecvStream,
    inb: Vec<u8>,
    in_pos: usize,
    tmp: Vec<u8>,
    dgram: Option<bytes::Bytes>,
    _ep: QEndpoint,
}

fn runtime() -> Runtime {
    Builder::new_current_thread().enable_all().build().expect("tokio runtime")
}

fn transport() -> Arc<TransportConfig> {
    let mut t = TransportConfig::default();
    t.initial_mtu(1400);
    t.stream_receive_window((8u32 << 20).into());
    t.receive_window((16u32 << 20).into());
    t.send_window(8 << 20);
    t.datagram_receive_buffer_size(Some(4 << 20));
    t.datagram_send_buffer_size(4 << 20);
    Arc::new(t)
}

pub fn pair(via: Option<&Impairment>) -> Pair {
    let ck = rcgen::generate_simple_self_signed(vec!["localhost".into()]).expect("cert");
    let cert = CertificateDer::from(ck.cert.der().to_vec());
    let key = PrivatePkcs8KeyDer::from(ck.signing_key.serialize_der());
    let mut scfg = ServerConfig::with_single_cert(vec![cert.clone()], key.into()).expect("server config");
    scfg.transport_config(transport());
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert).expect("root");
    let mut ccfg = ClientConfig::with_root_certificates(Arc::new(roots)).expect("client config");
    ccfg.transport_config(transport());

    let (rt_b, rt_a) = (runtime(), runtime());
    let sock = crate::udp::socket();
    let saddr = sock.local_addr().expect("addr");
    let ep_b = {
        let _g = rt_b.enter();
        QEndpoint::new(Default::default(), Some(scfg), sock, Arc::new(quinn::TokioRuntime))
            .expect("server endpoint")
    };
    let (dial, guard): (SocketAddr, Box<dyn Send>) = match via {
        Some(imp) => {
            let p = Proxy::start(saddr, imp.clone());
            (p.front(), Box::new(p))
        }
        None => (saddr, Box::new(())),
    };
    let accept_ep = ep_b.clone();
    let server = std::thread::spawn(move || {
        let r = rt_b.block_on(async {
            let conn = accept_ep.accept().await.expect("incoming").await.expect("handshake");
            let (send, mut recv) = conn.accept_bi().await.expect("stream");
            let mut one = [0u8; 1];
            recv.read_exact(&mut one).await.expect("stream marker");
            (conn, send, recv)
        });
        (rt_b, r)
    });
    let t0 = Instant::now();
    let (ep_a, conn_a, connect_us, send_a, recv_a) = {
        let _g = rt_a.enter();
        let mut ep =
            QEndpoint::new(Default::default(), None, crate::udp::socket(), Arc::new(quinn::TokioRuntime))
                .expect("client endpoint");
        ep.set_default_client_config(ccfg);
        rt_a.block_on(async {
            let conn = ep.connect(dial, "localhost").expect("connect").await.expect("handshake");
            let connect_us = t0.elapsed().as_secs_f64() * 1e6;
            let (mut send, recv) = conn.open_bi().await.expect("stream");
            send.write_all(&[0]).await.expect("stream marker");
            (ep, conn, connect_us, send, recv)
        })
    };
    // Keep driving the client until the server has seen the stream (quinn sends from its driver
    // task, which runs only inside block_on).
    rt_a.block_on(async {
        while !server.is_finished() {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    });
    let (rt_b, (conn_b, send_b, recv_b)) = server.join().expect("server thread");
    let mk = |rt, conn, send, recv, ep| -> Box<dyn Endpoint> {
        Box::new(Quic {
            rt,
            conn,
            send,
            recv,
            inb: vec![],
            in_pos: 0,
            tmp: vec![0; 256 << 10],
            dgram: None,
            _ep: ep,
        })
    };
    Pair {
        a: mk(rt_a, conn_a, send_a, recv_a, ep_a),
        b: mk(rt_b, conn_b, send_b, recv_b, ep_b),
        guard,
        connect_us: Some(connect_us),
    }
}

impl Quic {
    fn frame(&mut self, buf: &mut [u8]) -> Option<usize> {
        if let Some(d) = self.dgram.take() {
            buf[..d.len()].copy_from_slice(&d);
            return Some(d.len());
        }
        let avail = &self.inb[self.in_pos..];
        if avail.len() < 4 {
            return None;
        }
        let n = u32::from_le_bytes(avail[..4].try_into().ok()?) as usize;
        if avail.len() < 4 + n {
            return None;
        }
        buf[..n].copy_from_slice(&avail[4..4 + n]);
        self.in_pos += 4 + n;
        if self.in_pos == self.inb.len() {
            self.inb.clear();
            self.in_pos = 0;
        } else if self.in_pos > (1 << 20) {
            self.inb.drain(..self.in_pos);
            self.in_pos = 0;
        }
        Some(n)
    }

    /// Lets the drivers run, then takes a datagram or stream bytes that are ready; with a
    /// timeout, waits up to it for either.
    fn pump(&mut self, timeout: Option<Duration>) {
        let Quic { rt, conn, recv, tmp, inb, dgram, .. } = self;
        rt.block_on(async {
            tokio::task::yield_now().await;
            // Without a timeout the fallback is an always-ready future (a zero sleep would wait
            // for the timer wheel's next millisecond).
            let give_up = async {
                match timeout {
                    Some(t) => tokio::time::sleep(t).await,
                    None => std::future::ready(()).await,
                }
            };
            tokio::select! {
                biased;
                d = conn.read_datagram() => *dgram = d.ok(),
                r = recv.read(tmp) => if let Ok(Some(n)) = r { inb.extend_from_slice(&tmp[..n]) },
                _ = give_up => {}
            }
        });
    }
}

impl Endpoint for Quic {
    fn send(&mut self, msg: &[u8], reliable: bool) -> bool {
        if reliable {
            let mut frame = Vec::with_capacity(4 + msg.len());
            frame.extend_from_slice(&(msg.len() as u32).to_le_bytes());
            frame.extend_from_slice(msg);
            let Quic { rt, send, .. } = self;
            rt.block_on(async {
                let ok = send.write_all(&frame).await.is_ok();
                tokio::task::yield_now().await;
                ok
            })
        } else {
            let ok = self.conn.send_datagram(bytes::Bytes::copy_from_slice(msg)).is_ok();
            self.rt.block_on(tokio::task::yield_now());
            ok
        }
    }

    fn poll(&mut self, buf: &mut [u8]) -> Option<usize> {
        if let Some(n) = self.frame(buf) {
            return Some(n);
        }
        self.pump(None);
        self.frame(buf)
    }

    fn wait(&mut self, timeout: Duration) {
        if self.dgram.is_none() && self.inb.len() - self.in_pos < 4 {
            self.pump(Some(timeout));
        }
    }
}
