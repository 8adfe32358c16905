//! The one interface every contender implements, so every metric drives all of them the same way.
use std::time::Duration;

/// One side of a connected pair, owned by one thread.
pub trait Endpoint: Send {
    /// Queues one message; false if the library cannot take it now (the caller polls and retries).
    fn send(&mut self, msg: &[u8], reliable: bool) -> bool;
    /// Does whatever I/O the library needs without blocking (blocking contenders wait a few ms at
    /// most) and copies the next received message into `buf`, returning its length.
    fn poll(&mut self, buf: &mut [u8]) -> Option<usize>;
    /// Blocks up to `timeout` for input (paced loops and instruction counting use it instead of
    /// spinning); a message that arrives is kept for the next `poll`.
    fn wait(&mut self, timeout: Duration);
}

/// The contenders, in table order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Contender {
    UdpBusy,
    UdpBlocking,
    Tcp,
    Enet,
    Renet,
    Quinn,
    Ovrnet,
    OvrnetCapi,
    /// ovrnet with every packet through the rendezvous server's relay.
    OvrnetRelayed,
}

impl Contender {
    pub const ALL: [Contender; 9] = [
        Contender::UdpBusy,
        Contender::UdpBlocking,
        Contender::Tcp,
        Contender::Enet,
        Contender::Renet,
        Contender::Quinn,
        Contender::Ovrnet,
        Contender::OvrnetCapi,
        Contender::OvrnetRelayed,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Contender::UdpBusy => "raw UDP, busy-poll",
            Contender::UdpBlocking => "raw UDP, blocking",
            Contender::Tcp => "TCP loopback",
            Contender::Enet => "ENet 1.3.17",
            Contender::Renet => "renet 2.0 (netcode)",
            Contender::Quinn => "quinn 0.11 (QUIC)",
            Contender::Ovrnet => "ovrnet (Rust API)",
            Contender::OvrnetCapi => "ovrnet (C ABI)",
            Contender::OvrnetRelayed => "ovrnet relayed (Rust API)",
        }
    }

    /// Command-line name (child processes, `--only`).
    pub fn key(self) -> &'static str {
        match self {
            Contender::UdpBusy => "udp-busy",
            Contender::UdpBlocking => "udp-blocking",
            Contender::Tcp => "tcp",
            Contender::Enet => "enet",
            Contender::Renet => "renet",
            Contender::Quinn => "quinn",
            Contender::Ovrnet => "ovrnet",
            Contender::OvrnetCapi => "ovrnet-capi",
            Contender::OvrnetRelayed => "ovrnet-relayed",
        }
    }

    pub fn reliable(self) -> bool {
        !matches!(self, Contender::UdpBusy | Contender::UdpBlocking)
    }

    pub fn unreliable(self) -> bool {
        self != Contender::Tcp
    }
}

/// A connected pair: `a` dialled `b`. `guard` keeps shared helpers (servers, proxies) alive.
pub struct Pair {
    pub a: Box<dyn Endpoint>,
    pub b: Box<dyn Endpoint>,
    pub guard: Box<dyn Send>,
    /// Dialler's connect call to its Connected event, where the contender has a handshake.
    pub connect_us: Option<f64>,
}

/// Connects a fresh pair; with `via`, all traffic between a and b crosses an impairment proxy.
pub fn pair(c: Contender, via: Option<&crate::proxy::Impairment>) -> Pair {
    match c {
        Contender::UdpBusy => crate::udp::pair(false, via),
        Contender::UdpBlocking => crate::udp::pair(true, via),
        Contender::Tcp => crate::tcp::pair(),
        Contender::Enet => crate::enet::pair(via),
        Contender::Renet => crate::renet::pair(via),
        Contender::Quinn => crate::quic::pair(via),
        Contender::Ovrnet => crate::ovr::pair(via, ovrnet::engine::RelayMode::Auto),
        Contender::OvrnetRelayed => crate::ovr::pair(via, ovrnet::engine::RelayMode::Always),
        Contender::OvrnetCapi => crate::capi::pair(via),
    }
}
