//! The engine's sending side: what each layer has ready, through the fake network when one is
//! configured, into batches (`crate::udp`: GSO/GRO).
use std::net::SocketAddr;

use super::fake_network::FakeNetwork;
use super::path::{PROBE, PROBE_HEADER_LEN, Targets};
use crate::proto::{Connection, MAX_DATAGRAM};
use crate::signal::SignalClient;
use crate::signal::relay::{RELAY_HEADER_LEN, write_header};
use crate::udp::TxBatch;

/// Everything on the sending side: the batch being built, a scratch buffer to encode into and
/// the optional fake network.
pub struct Output {
    tx: TxBatch,
    buf: Box<[u8; 2048]>,
    fake: Option<FakeNetwork>,
}

impl Output {
    pub fn new(fake: Option<FakeNetwork>) -> Self {
        Output { tx: TxBatch::new(), buf: Box::new([0u8; 2048]), fake }
    }

    /// Queues what the signalling client has ready.
    pub fn signal(&mut self, signal: &mut SignalClient, now: u64, socket: &mio::net::UdpSocket) {
        while let Some((to, n)) = signal.poll_transmit(now, &mut self.buf[..]) {
            self.queue(socket, n, to, now);
        }
    }

    /// Queues what one connection has ready.
    pub fn connection(&mut self, c: &mut Connection, to: SocketAddr, now: u64, socket: &mio::net::UdpSocket) {
        while let Some(n) = c.poll_transmit(now, &mut self.buf[..MAX_DATAGRAM]) {
            self.queue(socket, n, to, now);
        }
    }

    /// Queues what one connection has ready, each datagram to every target: straight to the
    /// peer (plain or as a probe) and through the relay at `server`. The datagram is encoded
    /// once, behind room for the largest envelope.
    pub fn routed(
        &mut self,
        c: &mut Connection,
        targets: Targets,
        server: SocketAddr,
        now: u64,
        socket: &mio::net::UdpSocket,
    ) {
        const AT: usize = RELAY_HEADER_LEN;
        if targets.relay.is_none()
            && let Some((to, None)) = targets.direct
        {
            return self.connection(c, to, now, socket);
        }
        while let Some(n) = c.poll_transmit(now, &mut self.buf[AT..AT + MAX_DATAGRAM]) {
            match targets.direct {
                Some((to, None)) => self.queue_range(socket, AT..AT + n, to, now),
                Some((to, Some(flags))) => {
                    self.buf[AT - PROBE_HEADER_LEN] = PROBE;
                    self.buf[AT - 1] = flags;
                    self.queue_range(socket, AT - PROBE_HEADER_LEN..AT + n, to, now);
                }
                None => {}
            }
            if let Some(user) = targets.relay {
                write_header(&mut self.buf[..], user);
                self.queue_range(socket, 0..AT + n, server, now);
            }
        }
    }

    /// Sends the batch being built.
    pub fn flush(&mut self, socket: &mio::net::UdpSocket) {
        self.tx.flush(socket);
    }

    fn queue(&mut self, socket: &mio::net::UdpSocket, n: usize, to: SocketAddr, now: u64) {
        self.queue_range(socket, 0..n, to, now);
    }

    fn queue_range(
        &mut self,
        socket: &mio::net::UdpSocket,
        range: std::ops::Range<usize>,
        to: SocketAddr,
        now: u64,
    ) {
        let copies = match self.fake.as_mut() {
            Some(f) => f.admit(now, &self.buf[range.clone()], to),
            None => 1,
        };
        for _ in 0..copies {
            self.tx.push(socket, &self.buf[range.clone()], to);
        }
    }

    /// Sends what the fake network held back and is now due.
    pub fn send_due(&mut self, now: u64, socket: &mio::net::UdpSocket) {
        let Some(fake) = self.fake.as_mut() else { return };
        while let Some((to, data)) = fake.pop_due(now) {
            self.tx.push(socket, &data, to);
        }
    }

    /// When the fake network next has a datagram due.
    pub fn next_due(&self) -> Option<u64> {
        self.fake.as_ref().and_then(FakeNetwork::next_due)
    }
}
