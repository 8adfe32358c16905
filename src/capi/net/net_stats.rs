//! ovrnet extension `ovrnet_Net_GetStats`: a connection's transport figures as a plain C struct,
//! for network overlays and diagnostics.

use super::net_peer::check_peer;
use crate::capi::abi::cbool::Bool32;
use crate::capi::abi::guard::{self, CallError};
use crate::capi::abi::ids::ovrID;
use crate::capi::platform::runtime;
use crate::proto::Stats;

/// ovrnet extension: figures of one peer connection. Times in microseconds, sizes in bytes,
/// counters since the connection started.
/// cbindgen:rename-all=CamelCase
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct NetStats {
    /// Smoothed round-trip time.
    pub rtt_usec: u64,
    /// Mean deviation of the round-trip time.
    pub rtt_variance_usec: u64,
    /// Smallest round-trip time seen.
    pub min_rtt_usec: u64,
    /// Most recent round-trip sample.
    pub latest_rtt_usec: u64,
    /// Fraction of sent packets declared lost, 0.0 to 1.0.
    pub loss: f64,
    pub packets_sent: u64,
    pub packets_received: u64,
    pub packets_lost: u64,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    pub messages_sent: u64,
    pub messages_received: u64,
    /// Reliable bytes queued or sent but not yet acknowledged (0 = everything delivered).
    pub pending_reliable_bytes: u64,
    /// Unreliable bytes waiting for the congestion window or pacer.
    pub pending_unreliable_bytes: u64,
    /// Bytes sent and not yet acknowledged or declared lost.
    pub bytes_in_flight: u64,
    /// Congestion window.
    pub congestion_window_bytes: u64,
    /// Pacing rate in bytes per second (0 = not paced).
    pub send_rate_bytes_per_sec: u64,
}

impl From<&Stats> for NetStats {
    fn from(s: &Stats) -> Self {
        Self {
            rtt_usec: s.rtt_us,
            rtt_variance_usec: s.rtt_var_us,
            min_rtt_usec: s.min_rtt_us,
            latest_rtt_usec: s.latest_rtt_us,
            loss: s.loss(),
            packets_sent: s.packets_sent,
            packets_received: s.packets_received,
            packets_lost: s.packets_lost,
            bytes_sent: s.bytes_sent,
            bytes_received: s.bytes_received,
            messages_sent: s.messages_sent,
            messages_received: s.messages_received,
            pending_reliable_bytes: s.pending_reliable_bytes,
            pending_unreliable_bytes: s.pending_unreliable_bytes,
            bytes_in_flight: s.bytes_in_flight,
            congestion_window_bytes: s.congestion_window,
            send_rate_bytes_per_sec: s.send_rate,
        }
    }
}

/// ovrnet extension: fills `*out` with the figures of the connection to `peerID`. Returns false,
/// leaving `*out` untouched, when `out` is NULL, peer is 0, there is no connection to that peer,
/// or when not initialised.
#[unsafe(no_mangle)]
pub extern "C" fn ovrnet_Net_GetStats(peerID: ovrID, out: *mut NetStats) -> Bool32 {
    guard::call("ovrnet_Net_GetStats", Bool32::FALSE, || {
        if out.is_null() {
            return Err(CallError::Null("out"));
        }
        let peer = check_peer(peerID)?;
        let stats = runtime::current()?
            .stats(peer)?
            .ok_or_else(|| CallError::Refused(format!("no connection to {peer}")))?;
        // SAFETY: non-NULL, and the contract says `out` points to writable storage for an
        // ovrnetStats; write_unaligned does not even rely on its alignment.
        unsafe { out.write_unaligned(NetStats::from(&stats)) };
        Ok(Bool32::TRUE)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_figure_is_copied_from_its_source_field() {
        let s = Stats {
            rtt_us: 1,
            rtt_var_us: 2,
            min_rtt_us: 3,
            latest_rtt_us: 4,
            packets_sent: 200,
            packets_received: 6,
            bytes_sent: 7,
            bytes_received: 8,
            packets_lost: 50,
            messages_sent: 9,
            messages_received: 10,
            pending_reliable_bytes: 11,
            pending_unreliable_bytes: 12,
            congestion_window: 13,
            bytes_in_flight: 14,
            send_rate: 15,
            ..Stats::default()
        };
        let c = NetStats::from(&s);
        let want = NetStats {
            rtt_usec: 1,
            rtt_variance_usec: 2,
            min_rtt_usec: 3,
            latest_rtt_usec: 4,
            loss: 0.25,
            packets_sent: 200,
            packets_received: 6,
            packets_lost: 50,
            bytes_sent: 7,
            bytes_received: 8,
            messages_sent: 9,
            messages_received: 10,
            pending_reliable_bytes: 11,
            pending_unreliable_bytes: 12,
            bytes_in_flight: 14,
            congestion_window_bytes: 13,
            send_rate_bytes_per_sec: 15,
        };
        assert_eq!(c, want);
    }
}
