//! Reliable messages waiting to be sent or acknowledged, cut into fixed-size fragments.
use std::collections::VecDeque;

use super::config::{FRAGMENT_SIZE, MESSAGE_OVERHEAD};

struct OutMessage {
    data: Box<[u8]>,
    /// Whether any fragment has been sent.
    sent: bool,
    nfrags: u8,
    acked: u64,
    /// Fragments currently waiting in the retransmit queue (so a fragment is queued once).
    queued: u64,
}

impl OutMessage {
    fn all(&self) -> u64 {
        if self.nfrags >= 64 { u64::MAX } else { (1u64 << self.nfrags) - 1 }
    }
}

/// One fragment the packet builder may write next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chunk {
    pub seq: u64,
    pub index: u8,
    pub total: usize,
    /// Fragments of a one-fragment message travel as a RELIABLE frame, others as FRAGMENT.
    pub whole: bool,
    pub retransmit: bool,
}

#[derive(Default)]
pub struct SendBuffer {
    msgs: VecDeque<OutMessage>,
    /// Sequence number of `msgs[0]`: the oldest message not yet fully acknowledged.
    base: u64,
    /// First fragment never sent: (message sequence, fragment index).
    next_seq: u64,
    next_index: u8,
    retransmit: VecDeque<(u64, u8)>,
    /// Payload bytes of all messages held (queued or unacknowledged).
    bytes: usize,
    /// Running count of payload bytes never sent (for statistics without a walk).
    unsent: usize,
    /// Last time a fragment was newly acknowledged, or sent while nothing was outstanding: the
    /// progress guard's clock.
    progress_at: u64,
    /// Bytes of the messages from `base` through the one being sent: what the peer's receive
    /// window counts.
    started_bytes: u64,
}

impl SendBuffer {
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// What the send-buffer limit counts: payload plus a per-message overhead.
    pub fn charged_bytes(&self) -> usize {
        self.bytes + self.msgs.len() * MESSAGE_OVERHEAD
    }

    /// Last progress while sent data waits for acknowledgement; None when nothing is waiting.
    pub fn waiting_since(&self) -> Option<u64> {
        self.msgs.front().filter(|m| m.sent).map(|_| self.progress_at)
    }

    pub fn is_empty(&self) -> bool {
        self.msgs.is_empty()
    }

    /// Bytes not yet sent even once, for statistics.
    pub fn unsent_bytes(&self) -> usize {
        self.unsent
    }

    pub fn push(&mut self, data: &[u8]) {
        let nfrags = data.len().div_ceil(FRAGMENT_SIZE) as u8;
        self.bytes += data.len();
        self.unsent += data.len();
        self.msgs.push_back(OutMessage { data: data.into(), sent: false, nfrags, acked: 0, queued: 0 });
    }

    fn msg(&self, seq: u64) -> Option<&OutMessage> {
        self.msgs.get(usize::try_from(seq.checked_sub(self.base)?).ok()?)
    }

    fn msg_mut(&mut self, seq: u64) -> Option<&mut OutMessage> {
        self.msgs.get_mut(usize::try_from(seq.checked_sub(self.base)?).ok()?)
    }

    /// The next fragment to send: retransmissions first, then new data within the peer's window.
    pub fn peek(&mut self, window_messages: u64, window_bytes: u64) -> Option<Chunk> {
        while let Some(&(seq, index)) = self.retransmit.front() {
            match self.msg(seq) {
                Some(m) if m.acked & (1 << index) == 0 => {
                    return Some(Chunk {
                        seq,
                        index,
                        total: m.data.len(),
                        whole: m.nfrags == 1,
                        retransmit: true,
                    });
                }
                _ => {
                    self.retransmit.pop_front();
                    if let Some(m) = self.msg_mut(seq) {
                        m.queued &= !(1 << index);
                    }
                }
            }
        }
        let m = self.msg(self.next_seq)?;
        if self.next_index == 0 && self.over_window(m.data.len(), window_messages, window_bytes) {
            return None;
        }
        Some(Chunk {
            seq: self.next_seq,
            index: self.next_index,
            total: m.data.len(),
            whole: m.nfrags == 1,
            retransmit: false,
        })
    }

    /// The bytes of a fragment returned by `peek`.
    pub fn chunk_data(&self, c: &Chunk) -> &[u8] {
        let Some(m) = self.msg(c.seq) else { return &[] };
        let start = usize::from(c.index) * FRAGMENT_SIZE;
        let end = (start + FRAGMENT_SIZE).min(m.data.len());
        m.data.get(start..end).unwrap_or(&[])
    }

    /// The fragment from `peek` was written into a packet at `now`.
    pub fn commit(&mut self, c: &Chunk, now: u64) {
        if c.retransmit {
            self.retransmit.pop_front();
            if let Some(m) = self.msg_mut(c.seq) {
                m.queued &= !(1 << c.index);
            }
            return;
        }
        let index = self.next_index;
        if self.waiting_since().is_none() {
            self.progress_at = now;
        }
        let Some(m) = self.msg_mut(self.next_seq) else { return };
        m.sent = true;
        let (nfrags, len) = (m.nfrags, m.data.len());
        let start = usize::from(index) * FRAGMENT_SIZE;
        self.unsent -= (len - start).min(FRAGMENT_SIZE);
        if index == 0 {
            self.started_bytes += len as u64;
        }
        self.next_index += 1;
        if self.next_index >= nfrags {
            self.next_index = 0;
            self.next_seq += 1;
        }
    }

    pub fn on_acked(&mut self, seq: u64, index: u8, now: u64) {
        if let Some(m) = self.msg_mut(seq)
            && m.acked & (1 << index) == 0
        {
            m.acked |= 1 << index;
            self.progress_at = now;
        }
        while let Some(m) = self.msgs.front() {
            if m.acked != m.all() {
                break;
            }
            let len = m.data.len();
            self.bytes -= len;
            self.started_bytes = self.started_bytes.saturating_sub(len as u64);
            self.msgs.pop_front();
            self.base += 1;
        }
    }

    /// A packet carrying this fragment was lost (or a probe wants it again): queue it once.
    /// True if it is now waiting for retransmission (newly or already).
    pub fn on_lost(&mut self, seq: u64, index: u8) -> bool {
        let Some(m) = self.msg_mut(seq) else { return false };
        let bit = 1 << index;
        if m.acked & bit != 0 {
            return false;
        }
        if m.queued & bit == 0 {
            m.queued |= bit;
            self.retransmit.push_back((seq, index));
        }
        true
    }

    /// True when `peek` would return a fragment (retransmission, or new data inside the window).
    pub fn can_send(&self, window_messages: u64, window_bytes: u64) -> bool {
        if !self.retransmit.is_empty() {
            return true;
        }
        let Some(m) = self.msg(self.next_seq) else {
            return false;
        };
        self.next_index > 0 || !self.over_window(m.data.len(), window_messages, window_bytes)
    }

    fn over_window(&self, len: usize, window_messages: u64, window_bytes: u64) -> bool {
        self.next_seq >= self.base + window_messages
            || (self.started_bytes > 0 && self.started_bytes + len as u64 > window_bytes)
    }

    pub fn clear(&mut self) {
        *self = SendBuffer { base: self.base + self.msgs.len() as u64, ..SendBuffer::default() };
        self.next_seq = self.base;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_big_messages_and_frees_them_when_fully_acked() {
        let mut b = SendBuffer::default();
        b.push(&vec![7u8; 2500]);
        b.push(b"hi");
        let mut chunks = vec![];
        while let Some(c) = b.peek(100, 1 << 20) {
            assert!(!b.chunk_data(&c).is_empty());
            b.commit(&c, 0);
            chunks.push(c);
        }
        assert_eq!(chunks.len(), 4);
        assert_eq!(b.chunk_data(&chunks[2]).len(), 100);
        assert!(chunks[3].whole && !chunks[0].whole);
        b.on_acked(0, 0, 0);
        b.on_acked(0, 2, 0);
        assert_eq!(b.bytes(), 2502, "message 0 still misses fragment 1");
        b.on_acked(0, 1, 0);
        assert_eq!(b.bytes(), 2);
    }

    #[test]
    fn lost_fragments_are_queued_once_and_skipped_once_acked() {
        let mut b = SendBuffer::default();
        b.push(b"abc");
        let c = b.peek(100, 1 << 20).expect("chunk");
        b.commit(&c, 0);
        b.on_lost(0, 0);
        b.on_lost(0, 0);
        let r = b.peek(100, 1 << 20).expect("retransmission");
        assert!(r.retransmit);
        b.on_acked(0, 0, 0);
        assert_eq!(b.peek(100, 1 << 20), None, "acked fragment is not resent");
    }

    #[test]
    fn peer_window_limits_new_messages() {
        let mut b = SendBuffer::default();
        for _ in 0..10 {
            b.push(&[1u8; 1000]);
        }
        let mut n = 0;
        while let Some(c) = b.peek(4, 1 << 20) {
            b.commit(&c, 0);
            n += 1;
        }
        assert_eq!(n, 4, "message-count window");
        let mut b = SendBuffer::default();
        for _ in 0..10 {
            b.push(&[1u8; 1000]);
        }
        let mut n = 0;
        while let Some(c) = b.peek(100, 3500) {
            b.commit(&c, 0);
            n += 1;
        }
        assert_eq!(n, 3, "byte window");
    }
}
