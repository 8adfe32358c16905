//! Datagram I/O with segmentation offload, shared by the engine and the server. Sending,
//! consecutive datagrams to one address that share a size go out in one system call (UDP GSO);
//! receiving, the kernel hands over such a run as one buffer (UDP GRO) with its segment size. One
//! datagram per system call caps a transfer near 300k datagrams/s on this class of machine;
//! offload moves that limit. A lone datagram still takes the plainest calls (sendto, recvmsg with
//! one control message). Off Linux, or where the kernel refuses GSO, every datagram is sent and
//! received on its own.
use std::io;
use std::net::SocketAddr;

use log::{debug, info};

/// A GSO batch's payload must fit one UDP datagram of 64 KiB with headers, in at most the
/// kernel's 64 segments.
const MAX_BATCH_BYTES: usize = 65_000;
const MAX_SEGMENTS: usize = 64;
/// A receive buffer holds one datagram, or with GRO a run of segments of up to 64 KiB.
const RX_BYTES: usize = 64 * 1024;

/// What the batched I/O needs of a UDP socket: the engine's (non-blocking, mio) and the
/// server's (blocking with a timeout, std) both qualify.
pub trait Socket {
    fn send_to(&self, data: &[u8], to: SocketAddr) -> io::Result<usize>;
    fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)>;
    #[cfg(unix)]
    fn fd(&self) -> std::os::fd::BorrowedFd<'_>;
}

/// Both socket types have these as inherent methods; the trait only names them.
macro_rules! socket_impl {
    ($t:ty) => {
        impl Socket for $t {
            fn send_to(&self, data: &[u8], to: SocketAddr) -> io::Result<usize> {
                <$t>::send_to(self, data, to)
            }
            fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
                <$t>::recv_from(self, buf)
            }
            #[cfg(unix)]
            fn fd(&self) -> std::os::fd::BorrowedFd<'_> {
                std::os::fd::AsFd::as_fd(self)
            }
        }
    };
}
socket_impl!(mio::net::UdpSocket);
socket_impl!(std::net::UdpSocket);

/// Outgoing datagrams waiting to be sent as one batch.
pub struct TxBatch {
    buf: Vec<u8>,
    to: Option<SocketAddr>,
    segment: usize,
    count: usize,
    /// The last datagram was shorter than the segment size: only the final one may be.
    closed: bool,
    /// The kernel takes GSO batches (cleared for good on the first refusal).
    gso: bool,
}

impl Default for TxBatch {
    fn default() -> Self {
        Self::new()
    }
}

impl TxBatch {
    pub fn new() -> Self {
        TxBatch {
            buf: Vec::with_capacity(MAX_BATCH_BYTES),
            to: None,
            segment: 0,
            count: 0,
            closed: false,
            gso: cfg!(target_os = "linux"),
        }
    }

    /// Adds one datagram, sending the batch first if this one cannot join it.
    pub fn push(&mut self, socket: &impl Socket, data: &[u8], to: SocketAddr) {
        let joins = self.gso
            && self.to == Some(to)
            && !self.closed
            && data.len() <= self.segment
            && self.count < MAX_SEGMENTS
            && self.buf.len() + data.len() <= MAX_BATCH_BYTES;
        if !joins {
            self.flush(socket);
            self.to = Some(to);
            self.segment = data.len();
        }
        self.buf.extend_from_slice(data);
        self.count += 1;
        self.closed = data.len() < self.segment;
    }

    /// Sends what is batched. A refused datagram is treated by the transport like loss.
    pub fn flush(&mut self, socket: &impl Socket) {
        let Some(to) = self.to.take() else { return };
        if self.count == 1 {
            report(socket.send_to(&self.buf, to).map(drop), to, 1);
        } else if let Err(e) = send_segments(socket, &self.buf, self.segment, to) {
            if e.kind() == io::ErrorKind::WouldBlock {
                report(Err(e), to, self.count);
            } else {
                // Old kernels and some devices refuse GSO: send one by one from now on.
                info!("event=gso_disabled error={e}");
                self.gso = false;
                for d in self.buf.chunks(self.segment) {
                    report(socket.send_to(d, to).map(drop), to, 1);
                }
            }
        }
        self.buf.clear();
        self.count = 0;
        self.closed = false;
    }
}

fn report(r: io::Result<()>, to: SocketAddr, datagrams: usize) {
    if let Err(e) = r {
        debug!("event=send_refused to={to} datagrams={datagrams} error={e}");
    }
}

/// One GSO send: `data` split by the kernel into `segment`-byte datagrams (the last may be
/// shorter).
#[cfg(target_os = "linux")]
fn send_segments(socket: &impl Socket, data: &[u8], segment: usize, to: SocketAddr) -> io::Result<()> {
    use nix::sys::socket::{ControlMessage, MsgFlags, SockaddrStorage, sendmsg};
    let seg = u16::try_from(segment).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    let addr = SockaddrStorage::from(to);
    let iov = [io::IoSlice::new(data)];
    let cmsg = [ControlMessage::UdpGsoSegments(&seg)];
    sendmsg(std::os::fd::AsRawFd::as_raw_fd(&socket.fd()), &iov, &cmsg, MsgFlags::empty(), Some(&addr))
        .map(drop)
        .map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn send_segments(_: &impl Socket, _: &[u8], _: usize, _: SocketAddr) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// The receive buffer, allocated on first use (an idle engine keeps none resident).
#[derive(Default)]
pub struct RxBuffer {
    buf: Vec<u8>,
    cmsg: Vec<u8>,
    len: usize,
    stride: usize,
    from: Option<SocketAddr>,
}

impl RxBuffer {
    /// Receives one datagram, or with GRO one run of them. WouldBlock when the socket is empty.
    pub fn recv(&mut self, socket: &impl Socket) -> io::Result<()> {
        if self.buf.is_empty() {
            self.buf = vec![0u8; RX_BYTES];
            self.cmsg = gro_cmsg_space();
        }
        self.len = 0;
        let (len, stride, from) = recv_segments(socket, &mut self.buf, &mut self.cmsg)?;
        (self.len, self.stride, self.from) = (len, stride.clamp(1, len.max(1)), Some(from));
        Ok(())
    }

    /// The datagrams of the last receive, a GRO run split at its segment size.
    pub fn datagrams(&self) -> impl Iterator<Item = (SocketAddr, &[u8])> {
        let from = self.from;
        self.buf[..self.len].chunks(self.stride.max(1)).filter_map(move |d| Some((from?, d)))
    }

    /// The same, writable (the relay rewrites its envelope in place before forwarding).
    pub fn datagrams_mut(&mut self) -> impl Iterator<Item = (SocketAddr, &mut [u8])> {
        let from = self.from;
        self.buf[..self.len].chunks_mut(self.stride.max(1)).filter_map(move |d| Some((from?, d)))
    }
}

/// Enables GRO on the socket where the OS has it (best effort: without it every datagram
/// arrives on its own, which is still correct).
pub fn enable_gro(socket: &impl Socket) {
    #[cfg(target_os = "linux")]
    if let Err(e) =
        nix::sys::socket::setsockopt(&socket.fd(), nix::sys::socket::sockopt::UdpGroSegment, &true)
    {
        info!("event=gro_unavailable error={e}");
    }
    #[cfg(not(target_os = "linux"))]
    let _ = socket;
}

#[cfg(target_os = "linux")]
fn gro_cmsg_space() -> Vec<u8> {
    nix::cmsg_space!(i32)
}

#[cfg(not(target_os = "linux"))]
fn gro_cmsg_space() -> Vec<u8> {
    Vec::new()
}

/// (bytes, segment size, sender) of one receive.
#[cfg(target_os = "linux")]
fn recv_segments(
    socket: &impl Socket,
    buf: &mut [u8],
    cmsg: &mut [u8],
) -> io::Result<(usize, usize, SocketAddr)> {
    use nix::sys::socket::{ControlMessageOwned, MsgFlags, SockaddrStorage, recvmsg};
    let mut iov = [io::IoSliceMut::new(buf)];
    let msg = recvmsg::<SockaddrStorage>(
        std::os::fd::AsRawFd::as_raw_fd(&socket.fd()),
        &mut iov,
        Some(cmsg),
        MsgFlags::empty(),
    )?;
    let mut stride = msg.bytes;
    if let Ok(cmsgs) = msg.cmsgs() {
        for c in cmsgs {
            if let ControlMessageOwned::UdpGroSegments(seg) = c {
                stride = usize::try_from(seg).unwrap_or(msg.bytes);
            }
        }
    }
    let from = msg
        .address
        .and_then(|a| {
            a.as_sockaddr_in()
                .map(|v4| SocketAddr::V4((*v4).into()))
                .or_else(|| a.as_sockaddr_in6().map(|v6| SocketAddr::V6((*v6).into())))
        })
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "datagram without an IP source address"))?;
    Ok((msg.bytes, stride, from))
}

#[cfg(not(target_os = "linux"))]
fn recv_segments(
    socket: &impl Socket,
    buf: &mut [u8],
    _: &mut [u8],
) -> io::Result<(usize, usize, SocketAddr)> {
    let (n, from) = socket.recv_from(buf)?;
    Ok((n, n, from))
}
