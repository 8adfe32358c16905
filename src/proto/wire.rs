//! Packet header and frame encoding. Layout is documented in docs/PROTOCOL.md; keep both in step.
use super::codec::{Reader, Writer, varint_len};
use super::config::{FRAGMENT_SIZE, MAX_RELIABLE, MAX_UNRELIABLE};
use super::error::DecodeError;

/// First byte of every transport datagram: high nibble 0xA = peer transport, low nibble = version.
/// The engine demultiplexes on it (signalling uses 0xB2 on the same socket).
pub const TRANSPORT_V2: u8 = 0xA2;
/// What a peer of the unencrypted version 1 sends; such datagrams are refused.
pub const TRANSPORT_V1: u8 = 0xA1;
pub const HEADER_LEN: usize = 10;
/// Checksum at the end of handshake packets: a cheap filter for garbage before the signature
/// checks (anyone can compute it; the signatures are what authenticate).
pub const HANDSHAKE_TAG_LEN: usize = 8;
const HANDSHAKE_KEY: u64 = 0x6f76_726e_6574_6873; // "ovrneths" in ASCII

fn handshake_tag(conn_id: u32, bytes: &[u8]) -> u64 {
    twox_hash::XxHash3_64::oneshot_with_seed(HANDSHAKE_KEY ^ u64::from(conn_id), bytes)
}

/// Appends the handshake checksum over `buf[..len]`; returns the datagram length.
pub fn seal_handshake(buf: &mut [u8], len: usize, conn_id: u32) -> usize {
    let t = handshake_tag(conn_id, &buf[..len]).to_le_bytes();
    buf[len..len + HANDSHAKE_TAG_LEN].copy_from_slice(&t);
    len + HANDSHAKE_TAG_LEN
}

/// The handshake packet without its checksum, if the checksum matches.
pub fn verify_handshake(datagram: &[u8], conn_id: u32) -> Option<&[u8]> {
    let split = datagram.len().checked_sub(HANDSHAKE_TAG_LEN)?;
    let (payload, t) = datagram.split_at(split);
    let got = u64::from_le_bytes(t.try_into().ok()?);
    (got == handshake_tag(conn_id, payload)).then_some(payload)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PacketKind {
    Hello = 1,
    Welcome = 2,
    Data = 3,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub kind: PacketKind,
    pub conn_id: u32,
    /// Low 32 bits of the packet number; expanded against the largest seen.
    pub number: u32,
}

impl Header {
    pub fn decode(r: &mut Reader<'_>) -> Result<Header, DecodeError> {
        if r.u8()? != TRANSPORT_V2 {
            return Err(DecodeError::WrongVersion);
        }
        let kind = match r.u8()? {
            1 => PacketKind::Hello,
            2 => PacketKind::Welcome,
            3 => PacketKind::Data,
            t => return Err(DecodeError::UnknownType(t)),
        };
        Ok(Header { kind, conn_id: r.u32()?, number: r.u32()? })
    }

    pub fn encode(&self, w: &mut Writer<'_>) {
        w.u8(TRANSPORT_V2);
        w.u8(self.kind as u8);
        w.u32(self.conn_id);
        w.u32(self.number);
    }
}

pub mod frame_type {
    pub const ACK: u8 = 0x01;
    pub const UNRELIABLE: u8 = 0x02;
    pub const RELIABLE: u8 = 0x03;
    pub const FRAGMENT: u8 = 0x04;
    pub const PING: u8 = 0x05;
    pub const PONG: u8 = 0x06;
    pub const KEEPALIVE: u8 = 0x07;
    pub const CLOSE: u8 = 0x08;
}

/// Most ack ranges one ACK frame carries; older gaps are left to loss detection.
pub const MAX_ACK_RANGES: usize = 32;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Frame<'a> {
    Ack(AckFrame<'a>),
    Unreliable(&'a [u8]),
    Reliable { seq: u16, data: &'a [u8] },
    Fragment { seq: u16, total: usize, index: usize, data: &'a [u8] },
    Ping(u64),
    Pong(u64),
    Keepalive,
    Close(u8),
}

impl Frame<'_> {
    /// Frames that oblige the receiver to acknowledge the packet carrying them. A PONG does not:
    /// it is never resent (a lost one just makes that ping time out), and a peer flooding pings
    /// must not be able to fill our flight with packets it then never acknowledges.
    pub fn is_ack_eliciting(&self) -> bool {
        !matches!(self, Frame::Ack(_) | Frame::Pong(_))
    }
}

/// An ACK as it appears on the wire: the largest packet number (truncated), the delay the
/// receiver held it for, and ranges walking down from the largest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AckFrame<'a> {
    pub largest: u32,
    pub delay_us: u64,
    pub first_range: u64,
    pub extra_ranges: u8,
    /// Encoded (gap, length) varint pairs, validated at decode time.
    ranges: &'a [u8],
}

impl<'a> AckFrame<'a> {
    /// Absolute inclusive ranges, highest first, given the expanded largest packet number.
    /// Ranges that would go below zero end the walk.
    pub fn ranges(&self, largest: u64) -> impl Iterator<Item = (u64, u64)> + 'a {
        let mut r = Reader::new(self.ranges);
        let mut next = largest.checked_sub(self.first_range).map(|lo| (lo, largest));
        let mut left = self.extra_ranges;
        std::iter::from_fn(move || {
            let cur = next.take()?;
            if left > 0 {
                left -= 1;
                if let (Ok(gap), Ok(len)) = (r.varint(), r.varint()) {
                    let hi = cur.0.checked_sub(gap).and_then(|v| v.checked_sub(2));
                    next = hi.and_then(|hi| hi.checked_sub(len).map(|lo| (lo, hi)));
                }
            }
            Some(cur)
        })
    }
}

pub fn decode_frame<'a>(r: &mut Reader<'a>) -> Result<Frame<'a>, DecodeError> {
    use frame_type::*;
    let t = r.u8()?;
    Ok(match t {
        ACK => {
            let largest = r.u32()?;
            let delay_us = r.varint()?;
            let first_range = r.varint()?;
            let extra_ranges = r.u8()?;
            if usize::from(extra_ranges) >= MAX_ACK_RANGES {
                return Err(DecodeError::InvalidField);
            }
            // Validate the ranges now so the iterator above never meets a malformed pair.
            let mut probe = Reader::new(r.remaining_slice());
            for _ in 0..extra_ranges {
                probe.varint()?;
                probe.varint()?;
            }
            let ranges = r.bytes(probe.position())?;
            Frame::Ack(AckFrame { largest, delay_us, first_range, extra_ranges, ranges })
        }
        UNRELIABLE => {
            let len = r.varint()?;
            if len == 0 || len > MAX_UNRELIABLE as u64 {
                return Err(DecodeError::InvalidField);
            }
            Frame::Unreliable(r.bytes(len as usize)?)
        }
        RELIABLE => {
            let seq = r.u16()?;
            let len = r.varint()?;
            if len == 0 || len > FRAGMENT_SIZE as u64 {
                return Err(DecodeError::InvalidField);
            }
            Frame::Reliable { seq, data: r.bytes(len as usize)? }
        }
        FRAGMENT => {
            let seq = r.u16()?;
            let total = r.varint()?;
            let index = usize::from(r.u8()?);
            if total == 0 || total > MAX_RELIABLE as u64 {
                return Err(DecodeError::InvalidField);
            }
            let total = total as usize;
            let offset = index * FRAGMENT_SIZE;
            if offset >= total {
                return Err(DecodeError::InvalidField);
            }
            let len = (total - offset).min(FRAGMENT_SIZE);
            Frame::Fragment { seq, total, index, data: r.bytes(len)? }
        }
        PING => Frame::Ping(r.varint()?),
        PONG => Frame::Pong(r.varint()?),
        KEEPALIVE => Frame::Keepalive,
        CLOSE => Frame::Close(r.u8()?),
        t => return Err(DecodeError::UnknownType(t)),
    })
}

pub fn unreliable_len(len: usize) -> usize {
    1 + varint_len(len as u64) + len
}

pub fn encode_unreliable(w: &mut Writer<'_>, data: &[u8]) {
    w.u8(frame_type::UNRELIABLE);
    w.varint(data.len() as u64);
    w.put(data);
}

pub fn reliable_len(len: usize) -> usize {
    1 + 2 + varint_len(len as u64) + len
}

pub fn encode_reliable(w: &mut Writer<'_>, seq: u16, data: &[u8]) {
    w.u8(frame_type::RELIABLE);
    w.u16(seq);
    w.varint(data.len() as u64);
    w.put(data);
}

pub fn fragment_len(total: usize, chunk: usize) -> usize {
    1 + 2 + varint_len(total as u64) + 1 + chunk
}

pub fn encode_fragment(w: &mut Writer<'_>, seq: u16, total: usize, index: u8, chunk: &[u8]) {
    w.u8(frame_type::FRAGMENT);
    w.u16(seq);
    w.varint(total as u64);
    w.u8(index);
    w.put(chunk);
}

pub fn id_frame_len(id: u64) -> usize {
    1 + varint_len(id)
}

pub fn encode_ping(w: &mut Writer<'_>, ty: u8, id: u64) {
    w.u8(ty);
    w.varint(id);
}
