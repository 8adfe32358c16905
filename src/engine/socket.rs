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
    crate::udp::enable_gro(&socket);
    Ok(socket)
}

/// Where our socket can be reached on our own network, for peers behind the same NAT (who
/// cannot reach each other through its public address unless it hairpins): the bound address
/// when it is a specific one, else the address of the interface the OS routes the server
/// through, with our port. Empty when neither is known.
pub fn lan_addrs(local: SocketAddr, server: SocketAddr) -> Vec<SocketAddr> {
    let ip = if local.ip().is_unspecified() {
        let any: SocketAddr = if server.is_ipv6() {
            (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
        } else {
            ([0, 0, 0, 0], 0).into()
        };
        // A connected UDP socket sends nothing; connecting only picks the route and source.
        let route =
            std::net::UdpSocket::bind(any).and_then(|s| s.connect(server).and_then(|()| s.local_addr()));
        match route {
            Ok(a) => a.ip(),
            Err(_) => return Vec::new(),
        }
    } else {
        local.ip()
    };
    if ip.is_unspecified() { Vec::new() } else { vec![SocketAddr::new(ip, local.port())] }
}
