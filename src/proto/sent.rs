//! Record of every packet we sent that is not yet settled (acknowledged or declared lost).
use std::collections::VecDeque;

pub const FLAG_ELICITING: u8 = 1;
pub const FLAG_CLOSE: u8 = 2;
pub const FLAG_APP_LIMITED: u8 = 4;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    InFlight,
    Settled,
}

#[derive(Clone, Copy, Debug)]
pub struct SentPacket {
    pub time: u64,
    pub size: u32,
    pub flags: u8,
    pub fate: Fate,
    /// Index of this packet's first fragment reference in the shared log, and how many.
    frag_start: u64,
    frag_count: u32,
}

/// Packets are numbered consecutively, so the log is a deque indexed by packet number; fragment
/// references of all packets share one deque so recording a packet does not allocate.
#[derive(Default)]
pub struct SentLog {
    packets: VecDeque<SentPacket>,
    base: u64,
    frags: VecDeque<(u64, u8)>,
    frag_base: u64,
    in_flight_eliciting: usize,
}

impl SentLog {
    pub fn base(&self) -> u64 {
        self.base
    }

    /// Records packet `pn` (must be the next number) with the fragments noted since the last call.
    pub fn push(&mut self, pn: u64, time: u64, size: u32, flags: u8, frags_noted: u32) {
        debug_assert_eq!(pn, self.base + self.packets.len() as u64);
        let frag_start = self.frag_base + self.frags.len() as u64 - u64::from(frags_noted);
        let in_flight = flags & FLAG_ELICITING != 0;
        if in_flight {
            self.in_flight_eliciting += 1;
        }
        let fate = if in_flight { Fate::InFlight } else { Fate::Settled };
        self.packets.push_back(SentPacket { time, size, flags, fate, frag_start, frag_count: frags_noted });
        self.pop_settled();
    }

    /// Notes a fragment carried by the packet being built.
    pub fn note_fragment(&mut self, seq: u64, index: u8) {
        self.frags.push_back((seq, index));
    }

    /// Forgets fragments noted for a packet that was not sent after all.
    pub fn unnote(&mut self, n: u32) {
        for _ in 0..n {
            self.frags.pop_back();
        }
    }

    pub fn get(&self, pn: u64) -> Option<&SentPacket> {
        self.packets.get(usize::try_from(pn.checked_sub(self.base)?).ok()?)
    }

    /// Marks an in-flight packet settled and returns it, or None if it is unknown or settled.
    pub fn settle(&mut self, pn: u64) -> Option<SentPacket> {
        let idx = usize::try_from(pn.checked_sub(self.base)?).ok()?;
        let p = self.packets.get_mut(idx)?;
        if p.fate != Fate::InFlight {
            return None;
        }
        p.fate = Fate::Settled;
        self.in_flight_eliciting -= 1;
        Some(*p)
    }

    pub fn fragments(&self, p: &SentPacket) -> impl Iterator<Item = (u64, u8)> + '_ {
        let start = p.frag_start.saturating_sub(self.frag_base) as usize;
        self.frags
            .range(start.min(self.frags.len())..(start + p.frag_count as usize).min(self.frags.len()))
            .copied()
    }

    /// Drops settled packets from the front, with their fragment references.
    pub fn pop_settled(&mut self) {
        while let Some(p) = self.packets.front() {
            if p.fate == Fate::InFlight {
                break;
            }
            let next_start = p.frag_start + u64::from(p.frag_count);
            self.packets.pop_front();
            self.base += 1;
            while self.frag_base < next_start && self.frags.pop_front().is_some() {
                self.frag_base += 1;
            }
        }
    }

    pub fn has_in_flight(&self) -> bool {
        self.in_flight_eliciting > 0
    }

    /// The oldest in-flight packets, up to `n`.
    pub fn oldest_in_flight(&self, n: usize) -> Vec<u64> {
        self.packets
            .iter()
            .enumerate()
            .filter(|(_, p)| p.fate == Fate::InFlight)
            .take(n)
            .map(|(i, _)| self.base + i as u64)
            .collect()
    }
}
