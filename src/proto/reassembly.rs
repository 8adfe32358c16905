//! Receive side of reliable messages: reassembles fragments, restores send order, and enforces
//! the receive window a hostile peer might try to exceed.
use std::collections::BTreeMap;

use super::config::FRAGMENT_SIZE;

struct InMessage {
    data: Vec<u8>,
    got: u64,
    need: u64,
}

/// Whether a reliable frame may be applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admit {
    /// New data within the window.
    Accept,
    /// Already delivered or already held: harmless, ignored.
    Duplicate,
    /// Beyond the advertised window: the packet must not be acknowledged.
    OverWindow,
    /// Contradicts what we hold for that message (different total length): malformed.
    Conflict,
}

pub struct Reassembly {
    next: u64,
    pending: BTreeMap<u64, InMessage>,
    /// Bytes allocated for held messages (each counts its full length from its first fragment).
    held_bytes: u64,
    window_bytes: u64,
    window_messages: u64,
}

impl Reassembly {
    pub fn new(window_bytes: u32, window_messages: u32) -> Self {
        Reassembly {
            next: 0,
            pending: BTreeMap::new(),
            held_bytes: 0,
            window_bytes: u64::from(window_bytes),
            window_messages: u64::from(window_messages),
        }
    }

    pub fn held_bytes(&self) -> u64 {
        self.held_bytes
    }

    pub fn held_messages(&self) -> usize {
        self.pending.len()
    }

    /// Full sequence number for the 16 bits on the wire, relative to the next expected message.
    pub fn expand(&self, seq: u16) -> Option<u64> {
        let delta = seq.wrapping_sub(self.next as u16) as i16;
        self.next.checked_add_signed(i64::from(delta))
    }

    /// Checks a frame without changing anything. `extra_new_bytes` counts messages this same
    /// packet would start, so a packet as a whole cannot overrun the window.
    pub fn admit(&self, seq: u16, total: usize, index: usize, extra_new_bytes: u64) -> (Admit, u64) {
        let Some(seq) = self.expand(seq) else {
            return (Admit::Duplicate, 0);
        };
        if seq < self.next {
            return (Admit::Duplicate, 0);
        }
        if seq >= self.next + self.window_messages {
            return (Admit::OverWindow, 0);
        }
        if let Some(m) = self.pending.get(&seq) {
            if m.data.len() != total {
                return (Admit::Conflict, 0);
            }
            let dup = m.got & (1 << index) != 0;
            return (if dup { Admit::Duplicate } else { Admit::Accept }, 0);
        }
        let whole_in_order = seq == self.next && total <= FRAGMENT_SIZE;
        if whole_in_order {
            return (Admit::Accept, 0);
        }
        if self.held_bytes + extra_new_bytes + total as u64 > self.window_bytes {
            return (Admit::OverWindow, 0);
        }
        (Admit::Accept, total as u64)
    }

    /// Applies an admitted frame; completed in-order messages are handed to `deliver`.
    pub fn insert(
        &mut self,
        seq: u16,
        total: usize,
        index: usize,
        chunk: &[u8],
        mut deliver: impl FnMut(Vec<u8>),
    ) {
        let Some(seq) = self.expand(seq) else { return };
        if seq < self.next || seq >= self.next + self.window_messages {
            return;
        }
        if seq == self.next && total == chunk.len() {
            if self.pending.remove(&seq).is_some() {
                // Held an incomplete copy of a one-fragment message: impossible for honest peers,
                // but release its bytes either way.
                self.held_bytes = self.held_bytes.saturating_sub(total as u64);
            }
            deliver(chunk.to_vec());
            self.next += 1;
            self.drain(&mut deliver);
            return;
        }
        let nfrags = total.div_ceil(FRAGMENT_SIZE);
        let entry = self.pending.entry(seq).or_insert_with(|| {
            self.held_bytes += total as u64;
            InMessage {
                data: vec![0; total],
                got: 0,
                need: if nfrags >= 64 { u64::MAX } else { (1u64 << nfrags) - 1 },
            }
        });
        let start = index * FRAGMENT_SIZE;
        if entry.data.len() != total || entry.got & (1 << index) != 0 {
            return;
        }
        if let Some(dst) = entry.data.get_mut(start..start + chunk.len()) {
            dst.copy_from_slice(chunk);
            entry.got |= 1 << index;
        }
        if seq == self.next {
            self.drain(&mut deliver);
        }
    }

    fn drain(&mut self, deliver: &mut impl FnMut(Vec<u8>)) {
        while let Some(m) = self.pending.get(&self.next) {
            if m.got != m.need {
                break;
            }
            if let Some(m) = self.pending.remove(&self.next) {
                self.held_bytes = self.held_bytes.saturating_sub(m.data.len() as u64);
                deliver(m.data);
            }
            self.next += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_order_fragments_reassemble_and_deliver_in_order() {
        let mut r = Reassembly::new(1 << 20, 1024);
        let msg: Vec<u8> = (0..3000u32).map(|i| i as u8).collect();
        let mut out = vec![];
        r.insert(1, 2, 0, b"zz", |m| out.push(m));
        for idx in [2usize, 0, 1] {
            let s = idx * FRAGMENT_SIZE;
            let e = (s + FRAGMENT_SIZE).min(msg.len());
            assert_eq!(r.admit(0, 3000, idx, 0).0, Admit::Accept);
            r.insert(0, 3000, idx, &msg[s..e], |m| out.push(m));
        }
        assert_eq!(out, vec![msg, b"zz".to_vec()]);
        assert_eq!(r.held_bytes(), 0);
        assert_eq!(r.admit(0, 3000, 0, 0).0, Admit::Duplicate);
    }

    #[test]
    fn window_limits_refuse_instead_of_growing() {
        let r = Reassembly::new(200_000, 64);
        assert_eq!(r.admit(64, 10, 0, 0).0, Admit::OverWindow);
        assert_eq!(r.admit(5, 65535, 0, 150_000).0, Admit::OverWindow);
        let mut r = Reassembly::new(200_000, 64);
        for seq in 1..4u16 {
            r.insert(seq, 65535, 0, &[0u8; FRAGMENT_SIZE], |_| {});
        }
        assert_eq!(r.held_bytes(), 3 * 65535);
        assert_eq!(r.admit(9, 65535, 0, 0).0, Admit::OverWindow);
        assert_eq!(r.admit(2, 100, 0, 0).0, Admit::Conflict);
    }

    #[test]
    fn sequence_numbers_wrap() {
        let mut r = Reassembly::new(1 << 20, 1024);
        let mut n = 0u32;
        for i in 0..70_000u32 {
            r.insert(i as u16, 1, 0, &[i as u8], |m| {
                assert_eq!(m, vec![n as u8]);
                n += 1;
            });
        }
        assert_eq!(n, 70_000);
    }
}
