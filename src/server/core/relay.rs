//! The relay on the server core: peers that cannot reach each other directly send their
//! (end-to-end sealed) datagrams through the server.
//!
//! Who may relay to whom: two users whose connect the server brokered (mutual request or an
//! accept) hold a grant for each other until either session ends. A relayed datagram is
//! attributed to the session at its source address, like any client datagram before its seal is
//! checked; a spoofed source can only reach that session's granted peers, with bytes the peers'
//! own AEAD refuses, at the victim's rate limit, and never more bytes than were sent in.

use std::net::SocketAddr;

use log::info;

use super::ServerCore;
use crate::signal::messages::Message;
use crate::signal::relay::{self, RELAY_HEADER_LEN};

/// Most relay grants one session holds; the oldest goes first (a game with more peers than this
/// at once reconnects the one it lost, which grants it again).
pub const MAX_RELAY_PEERS: usize = 64;

impl ServerCore {
    /// Relays one datagram in place: on success the envelope names the sender instead of the
    /// recipient and the result is where to send `datagram`. The I/O shell calls this for
    /// datagrams starting with [`relay::RELAY_V1`] and forwards without copying.
    pub fn relay_in_place(&mut self, now: u64, from: SocketAddr, datagram: &mut [u8]) -> Option<SocketAddr> {
        self.clock = self.clock.max(now);
        self.stats.datagrams += 1;
        let Some((to_user, payload)) = relay::parse(datagram) else {
            self.stats.garbage += 1;
            return None;
        };
        let payload_len = payload.len() as u64;
        if self.config.relay_bytes_per_sec == 0 {
            self.stats.relay_refused += 1;
            return None;
        }
        let Some(&user) = self.by_addr.get(&from) else {
            self.stats.relay_refused += 1;
            return None;
        };
        let granted = |s: Option<&crate::server::session::Session>, peer: u64| {
            s.is_some_and(|s| s.relay_peers.contains(&peer))
        };
        if !granted(self.sessions.get(&user), to_user) || !granted(self.sessions.get(&to_user), user) {
            self.stats.relay_refused += 1;
            if self.log_admits("relay_refused") {
                info!("event=relay_refused user={user} to={to_user} reason=no_grant");
            }
            return None;
        }
        let (rate, burst) = (self.config.relay_bytes_per_sec, self.config.relay_burst_bytes);
        let sender = self.sessions.get_mut(&user)?;
        if !sender.relay_bucket.take(now, payload_len, rate, burst) {
            self.stats.relay_rate_limited += 1;
            if self.log_admits("relay_rate_limited") {
                info!("event=relay_rate_limited user={user}");
            }
            return None;
        }
        let to = self.sessions.get(&to_user)?.addr;
        relay::write_header(datagram, user);
        self.stats.relayed_packets += 1;
        self.stats.relayed_bytes += payload_len + RELAY_HEADER_LEN as u64;
        Some(to)
    }

    /// Lets `a` and `b` relay to each other (their connect was just brokered), and tells each
    /// the other's LAN addresses, if it announced any.
    pub(super) fn grant_relay(&mut self, now: u64, a: u64, b: u64) {
        for (user, peer) in [(a, b), (b, a)] {
            let addrs = self.sessions.get(&peer).map(|s| s.lan_addrs.clone()).unwrap_or_default();
            if !addrs.is_empty() {
                self.push(now, user, |push| Message::PeerLanAddrs { push, peer, addrs });
            }
        }
        for (user, peer) in [(a, b), (b, a)] {
            let Some(s) = self.sessions.get_mut(&user) else { continue };
            if s.relay_peers.contains(&peer) {
                continue;
            }
            if s.relay_peers.len() >= MAX_RELAY_PEERS {
                s.relay_peers.remove(0);
            }
            s.relay_peers.push(peer);
        }
    }

    /// Withdraws every grant naming `user` (its session ended; a new session of the same user
    /// must be brokered again).
    pub(super) fn revoke_relay(&mut self, user: u64, peers: &[u64]) {
        for peer in peers {
            if let Some(s) = self.sessions.get_mut(peer) {
                s.relay_peers.retain(|&u| u != user);
            }
        }
    }
}
