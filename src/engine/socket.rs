//! The one UDP socket of an engine instance: large kernel buffers (bursts of a reliable transfer
//! must not overflow them), non-blocking, IPv4 or dual-stack IPv6.
use std::io;
use std::net::SocketAddr;

use socket2::{Domain, Protocol, Socket, Type};

const BUFFER_BYTES: usize = 4 << 20;

pub fn bind(addr: SocketAddr) -> io::Result<mio::net::UdpSocket> {
    let domain = if addr.is_ipv6() { Domain::IPV6 } else { Domain::IPV4 };
    let socket = Socket::new(domain, Type::DGRAM, Some(Protocol::UDP))?;
    if addr.is_ipv6() {
        // Dual-stack where the OS allows it, so an IPv6 socket also reaches IPv4 peers.
        let _ = socket.set_only_v6(false);
    }
    // Best effort: the kernel may cap these (net.core.rmem_max); a smaller buffer still works.
    let _ = socket.set_recv_buffer_size(BUFFER_BYTES);
    let _ = socket.set_send_buffer_size(BUFFER_BYTES);
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    let socket = mio::net::UdpSocket::from_std(socket.into());
    super::udp_io::enable_gro(&socket);
    Ok(socket)
}
