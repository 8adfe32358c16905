//! TCP loopback: the reliable ceiling. Messages framed with a 4-byte length, Nagle off,
//! non-blocking socket with a user-space send buffer bounded like the others' send queues.
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use crate::endpoint::{Endpoint, Pair};

const MAX_PENDING: usize = 8 << 20;

struct Tcp {
    s: TcpStream,
    out: Vec<u8>,
    out_pos: usize,
    inb: Vec<u8>,
    in_pos: usize,
    tmp: Vec<u8>,
}

pub fn pair() -> Pair {
    let l = TcpListener::bind("127.0.0.1:0").expect("listen");
    let t0 = std::time::Instant::now();
    let a = TcpStream::connect(l.local_addr().expect("addr")).expect("connect");
    let connect_us = t0.elapsed().as_secs_f64() * 1e6;
    let (b, _) = l.accept().expect("accept");
    Pair { a: endpoint(a), b: endpoint(b), guard: Box::new(()), connect_us: Some(connect_us) }
}

fn endpoint(s: TcpStream) -> Box<dyn Endpoint> {
    s.set_nodelay(true).expect("nodelay");
    s.set_nonblocking(true).expect("nonblocking");
    Box::new(Tcp {
        s,
        out: Vec::new(),
        out_pos: 0,
        inb: Vec::with_capacity(1 << 20),
        in_pos: 0,
        tmp: vec![0; 256 << 10],
    })
}

impl Tcp {
    fn flush(&mut self) {
        while self.out_pos < self.out.len() {
            match self.s.write(&self.out[self.out_pos..]) {
                Ok(n) => self.out_pos += n,
                Err(_) => break,
            }
        }
        if self.out_pos == self.out.len() {
            self.out.clear();
            self.out_pos = 0;
        } else if self.out_pos > (1 << 20) {
            self.out.drain(..self.out_pos);
            self.out_pos = 0;
        }
    }

    fn frame(&mut self, buf: &mut [u8]) -> Option<usize> {
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
        }
        Some(n)
    }

    fn fill(&mut self) {
        if self.in_pos > 0 && self.in_pos > self.inb.len() / 2 {
            self.inb.drain(..self.in_pos);
            self.in_pos = 0;
        }
        if let Ok(n) = self.s.read(&mut self.tmp) {
            self.inb.extend_from_slice(&self.tmp[..n]);
        }
    }
}

impl Endpoint for Tcp {
    fn send(&mut self, msg: &[u8], _reliable: bool) -> bool {
        if self.out.len() - self.out_pos >= MAX_PENDING {
            self.flush();
            return false;
        }
        self.out.extend_from_slice(&(msg.len() as u32).to_le_bytes());
        self.out.extend_from_slice(msg);
        self.flush();
        true
    }

    fn poll(&mut self, buf: &mut [u8]) -> Option<usize> {
        self.flush();
        if let Some(n) = self.frame(buf) {
            return Some(n);
        }
        self.fill();
        self.frame(buf)
    }

    fn wait(&mut self, timeout: Duration) {
        self.flush();
        if self.inb.len() - self.in_pos >= 4 {
            return;
        }
        self.s.set_nonblocking(false).expect("blocking");
        self.s.set_read_timeout(Some(timeout.max(Duration::from_micros(1)))).expect("timeout");
        self.fill();
        self.s.set_nonblocking(true).expect("nonblocking");
    }
}
