//! Raw IPv4 sockets for attack tests: one that sees every UDP datagram on the host (what an
//! on-path attacker sees) and one that sends UDP datagrams with any source address (spoofing).
//! They need CAP_NET_RAW; CI runs as root.
use std::net::{SocketAddr, SocketAddrV4};
use std::time::Duration;

use socket2::{Domain, Protocol, Socket, Type};

/// (sniffer, injector), or None (after saying why) without CAP_NET_RAW.
pub fn raw_sockets() -> Option<(Socket, Socket)> {
    let sniffer = match Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::UDP)) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            eprintln!("SKIPPED: raw sockets need CAP_NET_RAW (run as root, as CI does)");
            return None;
        }
        Err(e) => panic!("raw socket: {e}"),
    };
    sniffer.set_read_timeout(Some(Duration::from_millis(50))).expect("timeout");
    let injector =
        Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::from(libc::IPPROTO_RAW))).expect("raw send");
    Some((sniffer, injector))
}

/// Sends `payload` as a UDP datagram from `from` (any address) to `to`.
pub fn inject(injector: &Socket, from: SocketAddrV4, to: SocketAddrV4, payload: &[u8]) -> bool {
    injector.send_to(&spoofed(from, to, payload), &socket2::SockAddr::from(SocketAddr::V4(to))).is_ok()
}

pub fn v4(addr: SocketAddr) -> SocketAddrV4 {
    match addr {
        SocketAddr::V4(a) => a,
        SocketAddr::V6(_) => panic!("the test runs on IPv4 loopback"),
    }
}

/// An IPv4 + UDP datagram from `from` to `to` (the kernel fills the IP checksum and length;
/// a zero UDP checksum means none, which IPv4 allows).
pub fn spoofed(from: SocketAddrV4, to: SocketAddrV4, payload: &[u8]) -> Vec<u8> {
    let total = 20 + 8 + payload.len();
    let mut p = Vec::with_capacity(total);
    p.extend_from_slice(&[0x45, 0, (total >> 8) as u8, total as u8, 0, 0, 0x40, 0, 64, 17, 0, 0]);
    p.extend_from_slice(&from.ip().octets());
    p.extend_from_slice(&to.ip().octets());
    p.extend_from_slice(&from.port().to_be_bytes());
    p.extend_from_slice(&to.port().to_be_bytes());
    p.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
    p.extend_from_slice(&[0, 0]);
    p.extend_from_slice(payload);
    p
}

/// The UDP payload of a captured IPv4 packet if it goes from `from` to `to`.
pub fn payload_between(packet: &[u8], from: SocketAddrV4, to: SocketAddrV4) -> Option<&[u8]> {
    let ihl = usize::from(packet.first()? & 0x0f) * 4;
    let udp = packet.get(ihl..)?;
    let (src, dst) = (packet.get(12..16)?, packet.get(16..20)?);
    let ports = (u16::from_be_bytes([udp[0], udp[1]]), u16::from_be_bytes([udp[2], udp[3]]));
    let matches = src == from.ip().octets()
        && dst == to.ip().octets()
        && ports == (from.port(), to.port())
        && packet.get(9) == Some(&17);
    if matches { udp.get(8..) } else { None }
}
