//! Which way one peer's datagrams go: straight to the peer, or through the server's relay.
//!
//! With `RelayMode::Auto` a connection starts on the relay (it works through any NAT) and
//! probes the direct path at the same time; it moves to the direct path once both sides have
//! shown they hear each other there, and back to the relay when the direct path falls silent.
//! The transport connection never notices: its packets are the same on either path, so nothing
//! is lost, duplicated or reordered by a switch beyond what the transport already repairs.
//!
//! Direct probes are the connection's own authenticated packets in a two-byte envelope
//! ([`PROBE`], flags); flag [`HEARD_YOU`] tells the peer that its probes arrive. A side moves
//! to the direct path when it hears the peer directly and the peer says (flag) or shows (a
//! plain direct packet) that it hears us: both directions work before either stops relaying.
use std::net::SocketAddr;

/// First byte of a direct probe: `PROBE | flags | peer transport datagram`.
pub const PROBE: u8 = 0xC2;
pub const PROBE_HEADER_LEN: usize = 2;
/// Probe flag: the sender has received our direct datagrams.
pub const HEARD_YOU: u8 = 0x01;

/// Probes of one round, and how far apart (the first round starts with the connection).
const PROBES_PER_ROUND: u32 = 25;
const PROBE_INTERVAL_US: u64 = 200_000;
/// While relayed, the direct path is tried again this often (a NAT may have changed).
const RETRY_DIRECT_US: u64 = 60_000_000;
/// A direct path silent for this long is given up for the relay (the transport sends an
/// ack-eliciting keepalive at least every second, so silence means the path is gone).
const DIRECT_SILENCE_US: u64 = 3_000_000;

/// The `relay` setting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RelayMode {
    /// Start relayed, move to the direct path when it works (default).
    #[default]
    Auto,
    /// Direct only; peers that cannot reach each other do not connect.
    Never,
    /// Relay only (hides each player's address from the other).
    Always,
}

impl std::str::FromStr for RelayMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(RelayMode::Auto),
            "never" => Ok(RelayMode::Never),
            "always" => Ok(RelayMode::Always),
            other => Err(format!("relay wants auto, never or always, got '{other}'")),
        }
    }
}

/// The path a connection's data takes now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    Direct,
    Relayed,
}

/// Where one batch of a connection's datagrams goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Targets {
    /// Straight to this address, plain or (Some(flags)) as a probe.
    pub direct: Option<(SocketAddr, Option<u8>)>,
    /// Through the relay, to this user.
    pub relay: Option<u64>,
}

/// One peer's path state.
#[derive(Debug)]
pub struct PathState {
    mode: RelayMode,
    route: Route,
    /// The peer's address for direct datagrams: what the server saw, or the source of the
    /// latest authenticated direct datagram (a NAT may map the peer differently towards us).
    direct: Option<SocketAddr>,
    /// More addresses to probe: the peer's LAN addresses (players behind one NAT).
    candidates: Vec<SocketAddr>,
    heard_direct: bool,
    peer_heard_direct: bool,
    last_direct_rx: u64,
    next_probe: u64,
    probes_left: u32,
    /// Times the route changed (for stats and tests).
    pub switches: u32,
}

impl PathState {
    pub fn new(mode: RelayMode, direct: Option<SocketAddr>, now: u64) -> Self {
        PathState {
            mode,
            route: if mode == RelayMode::Never { Route::Direct } else { Route::Relayed },
            direct,
            candidates: Vec::new(),
            heard_direct: false,
            peer_heard_direct: false,
            last_direct_rx: now,
            next_probe: now,
            probes_left: if mode == RelayMode::Auto { PROBES_PER_ROUND } else { 0 },
            switches: 0,
        }
    }

    pub fn route(&self) -> Route {
        self.route
    }

    pub fn direct_addr(&self) -> Option<SocketAddr> {
        self.direct
    }

    /// Adds addresses to probe besides the direct one (at most 4 are kept).
    pub fn add_candidates(&mut self, addrs: &[SocketAddr]) {
        for &a in addrs {
            if Some(a) != self.direct && !self.candidates.contains(&a) && self.candidates.len() < 4 {
                self.candidates.push(a);
            }
        }
    }

    /// Every address a due probe goes to: the direct one and the candidates.
    pub fn probe_addrs(&self) -> impl Iterator<Item = SocketAddr> + '_ {
        self.direct
            .into_iter()
            .chain(self.candidates.iter().copied().filter(move |&a| Some(a) != self.direct))
    }

    fn flags(&self) -> u8 {
        if self.heard_direct { HEARD_YOU } else { 0 }
    }

    /// Where the connection's datagrams go now. Before the connection is up (`connected`
    /// false) an auto path sends everything both ways: the handshake completes on whichever
    /// path works first, and its direct copies open the NATs on the way.
    pub fn targets(&self, peer: u64, connected: bool) -> Targets {
        match (self.mode, self.route) {
            (RelayMode::Never, _) | (RelayMode::Auto, Route::Direct) => {
                Targets { direct: self.direct.map(|a| (a, None)), relay: None }
            }
            (RelayMode::Always, _) => Targets { direct: None, relay: Some(peer) },
            (RelayMode::Auto, Route::Relayed) => Targets {
                direct: if connected { None } else { self.direct.map(|a| (a, Some(self.flags()))) },
                relay: Some(peer),
            },
        }
    }

    /// The flags of a probe, if one is due now (it goes to every [`Self::probe_addrs`]).
    pub fn probe_due(&self, now: u64, connected: bool) -> Option<u8> {
        let due = self.mode == RelayMode::Auto
            && self.route == Route::Relayed
            && connected
            && self.probes_left > 0
            && now >= self.next_probe
            && self.direct.is_some();
        due.then(|| self.flags())
    }

    /// A probe went out: the next one in this round, or the next round.
    pub fn probe_sent(&mut self, now: u64) {
        self.probes_left = self.probes_left.saturating_sub(1);
        if self.probes_left == 0 {
            self.probes_left = PROBES_PER_ROUND;
            self.next_probe = now + RETRY_DIRECT_US;
        } else {
            self.next_probe = now + PROBE_INTERVAL_US;
        }
    }

    /// An authenticated datagram arrived straight from the peer at `from`; `probe_flags` is
    /// Some for a probe. Returns the new route if this moved the connection.
    pub fn on_direct(&mut self, now: u64, from: SocketAddr, probe_flags: Option<u8>) -> Option<Route> {
        self.heard_direct = true;
        self.last_direct_rx = now;
        if self.mode == RelayMode::Always {
            return None;
        }
        self.direct = Some(from);
        if probe_flags.is_none_or(|f| f & HEARD_YOU != 0) {
            self.peer_heard_direct = true;
        }
        if self.mode == RelayMode::Auto && self.route == Route::Relayed && self.peer_heard_direct {
            self.route = Route::Direct;
            self.switches += 1;
            return Some(Route::Direct);
        }
        None
    }

    /// When `on_timeout` has work: the next probe, or the moment the direct path counts as
    /// silent.
    pub fn poll_timeout(&self, connected: bool) -> Option<u64> {
        match (self.mode, self.route) {
            (RelayMode::Auto, Route::Direct) => Some(self.last_direct_rx + DIRECT_SILENCE_US),
            (RelayMode::Auto, Route::Relayed) if connected && self.direct.is_some() => Some(self.next_probe),
            _ => None,
        }
    }

    /// Gives a silent direct path up for the relay and starts a new round of probes. Returns
    /// the new route if it changed.
    pub fn on_timeout(&mut self, now: u64) -> Option<Route> {
        if self.mode != RelayMode::Auto || self.route != Route::Direct {
            return None;
        }
        if now < self.last_direct_rx + DIRECT_SILENCE_US {
            return None;
        }
        self.route = Route::Relayed;
        self.heard_direct = false;
        self.peer_heard_direct = false;
        self.probes_left = PROBES_PER_ROUND;
        self.next_probe = now;
        self.switches += 1;
        Some(Route::Relayed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(port: u16) -> SocketAddr {
        SocketAddr::from(([192, 0, 2, 1], port))
    }

    #[test]
    fn auto_sends_the_handshake_both_ways_then_relays_and_probes() {
        let p = PathState::new(RelayMode::Auto, Some(a(1)), 0);
        assert_eq!(p.targets(9, false), Targets { direct: Some((a(1), Some(0))), relay: Some(9) });
        assert_eq!(p.targets(9, true), Targets { direct: None, relay: Some(9) });
        assert_eq!(p.probe_due(0, false), None, "no probes before the connection is up");
        assert_eq!(p.probe_due(0, true), Some(0));
        assert_eq!(p.probe_addrs().collect::<Vec<_>>(), vec![a(1)]);
    }

    #[test]
    fn lan_candidates_are_probed_too_and_win_when_they_answer() {
        let lan = SocketAddr::from(([10, 0, 1, 3], 4000));
        let mut p = PathState::new(RelayMode::Auto, Some(a(1)), 0);
        p.add_candidates(&[lan, a(1), lan]);
        assert_eq!(p.probe_addrs().collect::<Vec<_>>(), vec![a(1), lan], "no duplicates");
        assert_eq!(p.on_direct(5, lan, None), Some(Route::Direct));
        assert_eq!(p.targets(9, true).direct, Some((lan, None)));
    }

    #[test]
    fn auto_moves_direct_only_when_both_sides_hear_each_other() {
        let mut p = PathState::new(RelayMode::Auto, Some(a(1)), 0);
        // The peer's probe arrives from another port (its NAT maps per destination), without
        // the flag: we hear them, they have not heard us yet.
        assert_eq!(p.on_direct(10, a(2), Some(0)), None);
        assert_eq!(p.route(), Route::Relayed);
        assert_eq!(p.probe_due(10, true), Some(HEARD_YOU), "probes now say so");
        assert_eq!(p.probe_addrs().next(), Some(a(2)), "to the port the peer's probe came from");
        assert_eq!(p.on_direct(20, a(2), Some(HEARD_YOU)), Some(Route::Direct));
        assert_eq!(p.targets(9, true), Targets { direct: Some((a(2), None)), relay: None });
        assert_eq!(p.probe_due(u64::MAX, true), None, "no probes on the direct path");
    }

    #[test]
    fn a_plain_direct_datagram_shows_the_peer_moved_direct() {
        let mut p = PathState::new(RelayMode::Auto, Some(a(1)), 0);
        assert_eq!(p.on_direct(5, a(1), None), Some(Route::Direct));
    }

    #[test]
    fn a_silent_direct_path_falls_back_to_the_relay_and_probes_again() {
        let mut p = PathState::new(RelayMode::Auto, Some(a(1)), 0);
        p.on_direct(1_000, a(1), None);
        assert_eq!(p.poll_timeout(true), Some(1_000 + DIRECT_SILENCE_US));
        assert_eq!(p.on_timeout(1_000 + DIRECT_SILENCE_US - 1), None);
        let t = 1_000 + DIRECT_SILENCE_US;
        assert_eq!(p.on_timeout(t), Some(Route::Relayed));
        assert_eq!(p.targets(9, true).relay, Some(9));
        assert_eq!(p.probe_due(t, true), Some(0), "the flags start over");
        assert_eq!(p.switches, 2);
    }

    #[test]
    fn probes_come_in_rounds_then_every_minute() {
        let mut p = PathState::new(RelayMode::Auto, Some(a(1)), 0);
        let mut now = 0;
        for _ in 0..PROBES_PER_ROUND {
            assert!(p.probe_due(now, true).is_some());
            p.probe_sent(now);
            assert!(p.probe_due(now, true).is_none());
            now = p.poll_timeout(true).unwrap();
        }
        assert_eq!(now, (PROBES_PER_ROUND as u64 - 1) * PROBE_INTERVAL_US + RETRY_DIRECT_US);
    }

    #[test]
    fn never_and_always_do_not_switch() {
        let mut never = PathState::new(RelayMode::Never, Some(a(1)), 0);
        assert_eq!(never.targets(9, false), Targets { direct: Some((a(1), None)), relay: None });
        assert_eq!(never.on_direct(1, a(1), Some(HEARD_YOU)), None);
        assert_eq!(never.on_timeout(u64::MAX), None);
        assert_eq!(never.poll_timeout(true), None);
        let mut always = PathState::new(RelayMode::Always, Some(a(1)), 0);
        assert_eq!(always.targets(9, false), Targets { direct: None, relay: Some(9) });
        assert_eq!(always.on_direct(1, a(2), None), None);
        assert_eq!(always.direct_addr(), Some(a(1)), "a relay-only path does not learn addresses");
        assert_eq!(always.probe_due(0, true), None);
        assert_eq!("Always".parse::<RelayMode>(), Ok(RelayMode::Always));
        assert!("sometimes".parse::<RelayMode>().is_err());
    }
}
