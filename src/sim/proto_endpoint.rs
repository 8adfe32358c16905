//! Lets the simulator drive `proto` connections, and a two-peer setup most tests start from.
use crate::proto::identity::test_auth_pair;
use crate::proto::{Config, Connection};

use super::driver::Sim;
use super::endpoint::Endpoint;
use super::link::{LinkConfig, LinkConfigError};
use super::network::NodeId;

impl Endpoint for Connection {
    fn handle_datagram(&mut self, now: u64, datagram: &[u8]) {
        Connection::handle_datagram(self, now, datagram);
    }

    fn poll_transmit(&mut self, now: u64, buf: &mut [u8]) -> Option<usize> {
        Connection::poll_transmit(self, now, buf)
    }

    fn poll_timeout(&self) -> Option<u64> {
        Connection::poll_timeout(self)
    }

    fn handle_timeout(&mut self, now: u64) {
        Connection::handle_timeout(self, now);
    }
}

/// An initiator and a responder joined by one link per direction (`a_to_b`, `b_to_a`); the
/// handshake starts at the first step. Randomness for both sides is derived from `seed`.
pub fn connection_pair(
    seed: u64,
    cfg: Config,
    a_to_b: LinkConfig,
    b_to_a: LinkConfig,
) -> Result<(Sim<Connection>, NodeId, NodeId), LinkConfigError> {
    let mut sim = Sim::new(seed);
    let (auth_a, auth_b) = test_auth_pair(seed);
    let a =
        sim.add_endpoint(Connection::new_initiator(cfg.clone(), 0, seed_bytes(seed ^ 0x5eed_a11c), auth_a));
    let b =
        sim.add_endpoint(Connection::new_responder(cfg, 0, seed_bytes(seed.rotate_left(17) ^ 0xb0b), auth_b));
    sim.connect_pair(a, b);
    sim.set_link(a, b, a_to_b)?;
    sim.set_link(b, a, b_to_a)?;
    Ok((sim, a, b))
}

/// 32 random-looking bytes from a seed, for a connection's key material in deterministic runs.
pub fn seed_bytes(seed: u64) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut z = seed;
    for chunk in out.chunks_mut(8) {
        // SplitMix64: distinct, well-mixed words from consecutive states.
        z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut x = z;
        x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        chunk.copy_from_slice(&(x ^ (x >> 31)).to_le_bytes());
    }
    out
}
