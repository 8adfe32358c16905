//! Batched datagram I/O. Sending, consecutive datagrams to one address that share a size go out
//! in one system call with UDP segmentation offload (GSO); receiving takes many datagrams per
//! call (recvmmsg) and, with GRO, many segments per buffer. One datagram per system call caps a
//! transfer near 300k datagrams/s on this class of machine; batching moves that limit. Where the
//! OS lacks these, quinn-udp falls back to one datagram per call.
use std::io::{self, IoSliceMut};
use std::net::SocketAddr;

use log::{debug, info};
use quinn_udp::{BATCH_SIZE, RecvMeta, Transmit, UdpSockRef, UdpSocketState};

use super::fake_network::FakeNetwork;
use crate::proto::{Connection, MAX_DATAGRAM};
use crate::signal::SignalClient;

/// A GSO batch's payload must fit one UDP datagram of 64 KiB with headers.
const MAX_BATCH_BYTES: usize = 65_000;
/// Receive buffers; each holds one datagram, or with GRO a run of segments of up to 64 KiB.
const RX_SLOTS: usize = 8;
const RX_SLOT_BYTES: usize = 64 * 1024;

/// Everything on the sending side: the socket's offload state, the batch being built, a scratch
/// buffer to encode into and the optional fake network.
pub struct Output {
    pub udp: UdpSocketState,
    tx: TxBatch,
    buf: Box<[u8; 2048]>,
    fake: Option<FakeNetwork>,
}

impl Output {
    pub fn new(udp: UdpSocketState, fake: Option<FakeNetwork>) -> Self {
        Output { udp, tx: TxBatch::new(), buf: Box::new([0u8; 2048]), fake }
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

    /// Sends the batch being built.
    pub fn flush(&mut self, socket: &mio::net::UdpSocket) {
        self.tx.flush(&self.udp, socket);
    }

    fn queue(&mut self, socket: &mio::net::UdpSocket, n: usize, to: SocketAddr, now: u64) {
        let copies = self.fake.as_mut().map_or(1, |f| f.copies(now, n));
        for _ in 0..copies {
            self.tx.push(&self.udp, socket, &self.buf[..n], to);
        }
    }
}

/// Outgoing datagrams waiting to be sent as one batch.
struct TxBatch {
    buf: Vec<u8>,
    to: Option<SocketAddr>,
    segment: usize,
    count: usize,
    /// The last datagram was shorter than the segment size: only the final one may be.
    closed: bool,
}

impl TxBatch {
    fn new() -> Self {
        TxBatch { buf: Vec::with_capacity(MAX_BATCH_BYTES), to: None, segment: 0, count: 0, closed: false }
    }

    /// Adds one datagram, sending the batch first if this one cannot join it.
    fn push(&mut self, udp: &UdpSocketState, socket: &mio::net::UdpSocket, data: &[u8], to: SocketAddr) {
        let joins = self.to == Some(to)
            && !self.closed
            && data.len() <= self.segment
            && self.count < udp.max_gso_segments()
            && self.buf.len() + data.len() <= MAX_BATCH_BYTES;
        if !joins {
            self.flush(udp, socket);
            self.to = Some(to);
            self.segment = data.len();
        }
        self.buf.extend_from_slice(data);
        self.count += 1;
        self.closed = data.len() < self.segment;
    }

    /// Sends what is batched. A refused batch is treated by the transport like loss.
    fn flush(&mut self, udp: &UdpSocketState, socket: &mio::net::UdpSocket) {
        let Some(to) = self.to.take() else { return };
        let t = Transmit {
            destination: to,
            ecn: None,
            contents: &self.buf,
            segment_size: (self.count > 1).then_some(self.segment),
            src_ip: None,
        };
        if let Err(e) = udp.send(UdpSockRef::from(socket), &t) {
            debug!("event=send_refused to={to} datagrams={} error={e}", self.count);
        }
        self.buf.clear();
        self.count = 0;
        self.closed = false;
    }
}

/// Receive buffers, allocated on first use (an idle engine keeps none resident).
#[derive(Default)]
pub struct RxBuffers {
    buf: Vec<u8>,
    meta: Vec<RecvMeta>,
    filled: usize,
}

/// Slots offered to one receive call: `One` when the socket is probably empty (a polling game
/// mostly finds nothing, and preparing many slots costs more than the call), `Many` after a
/// call found data.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Slots {
    One,
    Many,
}

impl RxBuffers {
    /// Receives one batch; Ok(true) if it filled every slot (more may be waiting), Ok(false) if
    /// the socket had fewer datagrams (it was empty when the call returned).
    pub fn recv(
        &mut self,
        udp: &UdpSocketState,
        socket: &mio::net::UdpSocket,
        slots: Slots,
    ) -> io::Result<bool> {
        if self.buf.is_empty() {
            self.buf = vec![0u8; RX_SLOTS * RX_SLOT_BYTES];
            self.meta = vec![RecvMeta::default(); RX_SLOTS];
        }
        let mut chunks = self.buf.chunks_mut(RX_SLOT_BYTES);
        let mut slices: [IoSliceMut<'_>; RX_SLOTS] =
            std::array::from_fn(|_| IoSliceMut::new(chunks.next().unwrap_or_default()));
        let offered = match slots {
            Slots::One => 1,
            Slots::Many => RX_SLOTS.min(BATCH_SIZE),
        };
        self.filled = 0;
        let n = udp.recv(UdpSockRef::from(socket), &mut slices[..offered], &mut self.meta[..offered])?;
        self.filled = n;
        Ok(n == offered)
    }

    /// The datagrams of the last batch, GRO runs split at their stride.
    pub fn datagrams(&self) -> impl Iterator<Item = (SocketAddr, &[u8])> {
        self.meta[..self.filled].iter().zip(self.buf.chunks(RX_SLOT_BYTES)).flat_map(|(m, slot)| {
            let data = &slot[..m.len.min(slot.len())];
            let stride = if m.stride == 0 { data.len().max(1) } else { m.stride };
            data.chunks(stride).map(move |d| (m.addr, d))
        })
    }
}

/// Sets up a socket for batched I/O (enables GRO where the OS has it).
pub fn socket_state(socket: &mio::net::UdpSocket) -> io::Result<UdpSocketState> {
    let state = UdpSocketState::new(UdpSockRef::from(socket))?;
    if state.max_gso_segments() <= 1 || state.gro_segments() <= 1 {
        info!(
            "event=udp_offload_unavailable gso_segments={} gro_segments={}",
            state.max_gso_segments(),
            state.gro_segments()
        );
    }
    Ok(state)
}
