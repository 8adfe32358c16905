//! Unreliable messages waiting for the next packet, stored back to back in one buffer: a game
//! sending many small messages per frame pays no allocation per message (a boxed copy each was
//! about a tenth of the instructions of a 29-byte message).
use std::collections::VecDeque;

/// Compact the buffer once this many consumed bytes lead it and they are over half of it.
const COMPACT_AFTER: usize = 16 * 1024;

#[derive(Default)]
pub struct UnreliableQueue {
    buf: Vec<u8>,
    /// Start of the first queued message in `buf`.
    head: usize,
    lens: VecDeque<u16>,
}

impl UnreliableQueue {
    /// Queues a copy of `data` (at most `u16::MAX` bytes; the caller enforces the real limit).
    pub fn push(&mut self, data: &[u8]) {
        debug_assert!(data.len() <= usize::from(u16::MAX));
        self.buf.extend_from_slice(data);
        self.lens.push_back(data.len() as u16);
    }

    pub fn front(&self) -> Option<&[u8]> {
        let len = usize::from(*self.lens.front()?);
        self.buf.get(self.head..self.head + len)
    }

    pub fn pop_front(&mut self) {
        let Some(len) = self.lens.pop_front() else { return };
        self.head += usize::from(len);
        if self.lens.is_empty() {
            self.buf.clear();
            self.head = 0;
        } else if self.head >= COMPACT_AFTER && self.head * 2 >= self.buf.len() {
            self.buf.drain(..self.head);
            self.head = 0;
        }
    }

    pub fn len(&self) -> usize {
        self.lens.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lens.is_empty()
    }

    pub fn clear(&mut self) {
        self.buf.clear();
        self.head = 0;
        self.lens.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_come_out_whole_and_in_order_across_compactions() {
        let mut q = UnreliableQueue::default();
        let mut next_in = 0u32;
        let mut next_out = 0u32;
        let msg = |i: u32| {
            let len = 1 + (i as usize * 37) % 1200;
            (0..len).map(|j| (i as usize + j) as u8).collect::<Vec<u8>>()
        };
        for round in 0..200 {
            for _ in 0..(round % 7 + 1) * 5 {
                q.push(&msg(next_in));
                next_in += 1;
            }
            for _ in 0..(round % 5 + 1) * 6 {
                let Some(m) = q.front() else { break };
                assert_eq!(m, msg(next_out).as_slice());
                q.pop_front();
                next_out += 1;
            }
            assert_eq!(q.len() as u32, next_in - next_out);
        }
        while let Some(m) = q.front() {
            assert_eq!(m, msg(next_out).as_slice());
            q.pop_front();
            next_out += 1;
        }
        assert_eq!(next_out, next_in);
        assert!(q.is_empty() && q.buf.is_empty(), "an emptied queue keeps no bytes");
    }

    #[test]
    fn clear_and_pop_on_empty_are_harmless() {
        let mut q = UnreliableQueue::default();
        q.pop_front();
        q.push(b"abc");
        q.clear();
        assert!(q.front().is_none() && q.is_empty());
    }
}
