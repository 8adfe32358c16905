//! Which packets we received, and the ACK frames that report them.
use std::collections::VecDeque;

use super::codec::{Writer, varint_len};
use super::wire::{MAX_ACK_RANGES, frame_type};

/// Ranges kept beyond what one ACK frame carries, so a burst of reordering does not immediately
/// push packets below the floor.
const MAX_TRACKED_RANGES: usize = 2 * MAX_ACK_RANGES;

/// Received packet numbers as disjoint inclusive ranges, ascending. Memory is bounded: when too
/// many gaps accumulate the oldest range is forgotten and everything below it counts as seen.
/// That is safe because the sender has long since declared such packets lost and resent their data.
#[derive(Debug, Default)]
pub struct RecvTracker {
    ranges: VecDeque<(u64, u64)>,
    floor: u64,
    /// When the largest packet number arrived, for the ack delay field.
    largest_at: u64,
    /// Ack-eliciting packets received since we last sent an ACK.
    eliciting_since_ack: u32,
    /// Any packet received since we last sent an ACK (non-eliciting ones ride along for free).
    unacked_any: bool,
    /// When the pending acknowledgement must go out at the latest.
    deadline: Option<u64>,
}

impl RecvTracker {
    pub fn largest(&self) -> Option<u64> {
        self.ranges.back().map(|r| r.1)
    }

    /// Records `pn`; false when it was already seen (duplicate or too old).
    pub fn insert(&mut self, pn: u64, now: u64) -> bool {
        if pn < self.floor {
            return false;
        }
        let Some(&(_, hi)) = self.ranges.back() else {
            self.ranges.push_back((pn, pn));
            self.largest_at = now;
            return true;
        };
        if pn == hi + 1 {
            if let Some(last) = self.ranges.back_mut() {
                last.1 = pn;
            }
            self.largest_at = now;
            return true;
        }
        if pn > hi {
            self.ranges.push_back((pn, pn));
            self.largest_at = now;
            self.trim();
            return true;
        }
        // Out of order: find the range at or below pn, from the back (recent gaps are the usual case).
        let mut i = self.ranges.len();
        while i > 0 && self.ranges[i - 1].0 > pn {
            i -= 1;
        }
        if i > 0 && self.ranges[i - 1].1 >= pn {
            return false;
        }
        let joins_prev = i > 0 && self.ranges[i - 1].1 + 1 == pn;
        let joins_next = i < self.ranges.len() && self.ranges[i].0 == pn + 1;
        match (joins_prev, joins_next) {
            (true, true) => {
                let next_hi = self.ranges[i].1;
                self.ranges[i - 1].1 = next_hi;
                self.ranges.remove(i);
            }
            (true, false) => self.ranges[i - 1].1 = pn,
            (false, true) => self.ranges[i].0 = pn,
            (false, false) => {
                self.ranges.insert(i, (pn, pn));
                self.trim();
            }
        }
        true
    }

    fn trim(&mut self) {
        while self.ranges.len() > MAX_TRACKED_RANGES {
            if let Some((_, hi)) = self.ranges.pop_front() {
                self.floor = hi + 1;
            }
        }
    }

    /// Note an accepted packet and decide when it must be acknowledged.
    pub fn on_packet(&mut self, now: u64, eliciting: bool, in_order: bool, ack_every: u32, max_delay: u64) {
        self.unacked_any = true;
        if !eliciting {
            return;
        }
        self.eliciting_since_ack += 1;
        let due = if !in_order || self.eliciting_since_ack >= ack_every { now } else { now + max_delay };
        self.deadline = Some(self.deadline.map_or(due, |d| d.min(due)));
    }

    /// A duplicate arrived: the peer probably missed our ACK, so send one soon.
    pub fn on_duplicate(&mut self, now: u64) {
        self.unacked_any = true;
        self.deadline = Some(now);
    }

    pub fn deadline(&self) -> Option<u64> {
        self.deadline
    }

    /// An ACK must go out now (deadline passed).
    pub fn ack_due(&self, now: u64) -> bool {
        self.deadline.is_some_and(|d| d <= now)
    }

    /// Worth piggybacking an ACK on an outgoing packet.
    pub fn has_news(&self) -> bool {
        self.unacked_any && !self.ranges.is_empty()
    }

    fn plan(&self, now: u64, room: usize) -> Option<(usize, usize)> {
        let (lo, hi) = *self.ranges.back()?;
        let mut len = 1 + 4 + varint_len(now.saturating_sub(self.largest_at)) + varint_len(hi - lo) + 1;
        if len > room {
            return None;
        }
        let mut extra = 0;
        let mut prev_lo = lo;
        for &(rlo, rhi) in self.ranges.iter().rev().skip(1).take(MAX_ACK_RANGES - 1) {
            let pair = varint_len(prev_lo - rhi - 2) + varint_len(rhi - rlo);
            if len + pair > room {
                break;
            }
            len += pair;
            extra += 1;
            prev_lo = rlo;
        }
        Some((extra, len))
    }

    /// Writes an ACK frame if it fits in `room` bytes; clears the pending state.
    pub fn encode(&mut self, w: &mut Writer<'_>, now: u64, room: usize) -> bool {
        let Some((extra, _)) = self.plan(now, room) else {
            return false;
        };
        let Some(&(lo, hi)) = self.ranges.back() else {
            return false;
        };
        w.u8(frame_type::ACK);
        w.u32(hi as u32);
        w.varint(now.saturating_sub(self.largest_at));
        w.varint(hi - lo);
        w.u8(extra as u8);
        let mut prev_lo = lo;
        for &(rlo, rhi) in self.ranges.iter().rev().skip(1).take(extra) {
            w.varint(prev_lo - rhi - 2);
            w.varint(rhi - rlo);
            prev_lo = rlo;
        }
        self.eliciting_since_ack = 0;
        self.unacked_any = false;
        self.deadline = None;
        true
    }
}

/// Recovers a full packet number from its low 32 bits, choosing the candidate nearest `expected`.
pub fn expand_number(truncated: u32, expected: u64) -> u64 {
    const WIN: u64 = 1 << 32;
    const HALF: u64 = WIN / 2;
    let candidate = (expected & !(WIN - 1)) | u64::from(truncated);
    if candidate + HALF <= expected && candidate < u64::MAX - WIN {
        candidate + WIN
    } else if candidate > expected + HALF && candidate >= WIN {
        candidate - WIN
    } else {
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::super::codec::Reader;
    use super::super::wire::{Frame, decode_frame};
    use super::*;

    fn acked(t: &mut RecvTracker) -> Vec<(u64, u64)> {
        let mut buf = [0u8; 1300];
        let mut w = Writer::new(&mut buf);
        assert!(t.encode(&mut w, 0, 1300));
        let n = w.len();
        let mut r = Reader::new(&buf[..n]);
        match decode_frame(&mut r) {
            Ok(Frame::Ack(a)) => a.ranges(u64::from(a.largest)).collect(),
            other => panic!("expected an ACK frame, got {other:?}"),
        }
    }

    #[test]
    fn tracks_gaps_and_fills_them() {
        let mut t = RecvTracker::default();
        for pn in [0, 1, 2, 5, 6, 9] {
            assert!(t.insert(pn, 0));
        }
        assert!(!t.insert(5, 0), "duplicate must be reported");
        assert_eq!(acked(&mut t), vec![(9, 9), (5, 6), (0, 2)]);
        assert!(t.insert(3, 0) && t.insert(4, 0));
        assert!(t.insert(7, 0) && t.insert(8, 0));
        assert_eq!(acked(&mut t), vec![(0, 9)]);
    }

    #[test]
    fn gap_count_is_bounded_and_old_packets_count_as_seen() {
        let mut t = RecvTracker::default();
        for i in 0..1000u64 {
            t.insert(i * 2, 0);
        }
        assert!(t.ranges.len() <= MAX_TRACKED_RANGES);
        assert!(!t.insert(1, 0), "below the floor is treated as already seen");
        let ranges = acked(&mut t);
        assert_eq!(ranges.len(), MAX_ACK_RANGES);
        assert_eq!(ranges[0], (1998, 1998));
    }

    #[test]
    fn ack_fitting_in_a_small_room_drops_old_ranges_not_new_ones() {
        let mut t = RecvTracker::default();
        for i in 0..40u64 {
            t.insert(i * 3, 0);
        }
        let mut buf = [0u8; 32];
        let mut w = Writer::new(&mut buf);
        assert!(t.encode(&mut w, 0, 20));
        assert!(w.len() <= 20);
    }

    #[test]
    fn expansion_handles_wraparound() {
        assert_eq!(expand_number(5, 0), 5);
        assert_eq!(expand_number(0xffff_fffe, 0x1_0000_0001), 0xffff_fffe);
        assert_eq!(expand_number(2, 0xffff_fff0), 0x1_0000_0002);
        assert_eq!(expand_number(7, 0x5_0000_0005), 0x5_0000_0007);
    }
}
