//! Bounds-checked byte reader and writer. The reader never panics: every read returns
//! `DecodeError::Truncated` instead of indexing past the end.
use super::error::DecodeError;

pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    pub fn position(&self) -> usize {
        self.pos
    }

    pub fn remaining_slice(&self) -> &'a [u8] {
        self.buf.get(self.pos..).unwrap_or(&[])
    }

    pub fn is_empty(&self) -> bool {
        self.pos >= self.buf.len()
    }

    pub fn u8(&mut self) -> Result<u8, DecodeError> {
        let b = *self.buf.get(self.pos).ok_or(DecodeError::Truncated)?;
        self.pos += 1;
        Ok(b)
    }

    pub fn u16(&mut self) -> Result<u16, DecodeError> {
        let b = self.bytes(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    pub fn u32(&mut self) -> Result<u32, DecodeError> {
        let b = self.bytes(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub fn u64(&mut self) -> Result<u64, DecodeError> {
        Ok(u64::from_le_bytes(self.array::<8>()?))
    }

    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.bytes(N)?);
        Ok(out)
    }

    /// QUIC-style variable-length integer: the top two bits of the first byte give the length
    /// (1, 2, 4 or 8 bytes), big-endian.
    pub fn varint(&mut self) -> Result<u64, DecodeError> {
        let first = self.u8()?;
        let extra = (1usize << (first >> 6)) - 1;
        let mut v = u64::from(first & 0x3f);
        for &b in self.bytes(extra)? {
            v = (v << 8) | u64::from(b);
        }
        Ok(v)
    }

    pub fn bytes(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let end = self.pos.checked_add(n).ok_or(DecodeError::Truncated)?;
        let s = self.buf.get(self.pos..end).ok_or(DecodeError::Truncated)?;
        self.pos = end;
        Ok(s)
    }
}

/// Bytes a varint of this value takes.
pub(crate) fn varint_len(v: u64) -> usize {
    if v < 1 << 6 {
        1
    } else if v < 1 << 14 {
        2
    } else if v < 1 << 30 {
        4
    } else {
        8
    }
}

/// Writer over a caller buffer. Callers size frames with the `*_len` helpers before writing, so
/// running out of room is a logic error; it is still checked and reported, never a panic.
pub(crate) struct Writer<'a> {
    buf: &'a mut [u8],
    pos: usize,
}

impl<'a> Writer<'a> {
    pub fn new(buf: &'a mut [u8]) -> Self {
        Writer { buf, pos: 0 }
    }

    pub fn len(&self) -> usize {
        self.pos
    }

    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub fn u8(&mut self, v: u8) {
        self.put(&[v]);
    }

    pub fn u16(&mut self, v: u16) {
        self.put(&v.to_le_bytes());
    }

    pub fn u32(&mut self, v: u32) {
        self.put(&v.to_le_bytes());
    }

    pub fn u64(&mut self, v: u64) {
        self.put(&v.to_le_bytes());
    }

    pub fn varint(&mut self, v: u64) {
        match varint_len(v) {
            1 => self.put(&[v as u8]),
            2 => self.put(&((v as u16) | 0x4000).to_be_bytes()),
            4 => self.put(&((v as u32) | 0x8000_0000).to_be_bytes()),
            _ => self.put(&((v & 0x3fff_ffff_ffff_ffff) | 0xc000_0000_0000_0000).to_be_bytes()),
        }
    }

    pub fn put(&mut self, src: &[u8]) {
        let end = self.pos + src.len();
        if let Some(dst) = self.buf.get_mut(self.pos..end) {
            dst.copy_from_slice(src);
            self.pos = end;
        } else {
            debug_assert!(false, "writer overflow: frame sizing is wrong");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varint_round_trips_at_every_length_boundary() {
        let values = [0u64, 63, 64, 16383, 16384, (1 << 30) - 1, 1 << 30, (1 << 62) - 1];
        for &v in &values {
            let mut buf = [0u8; 8];
            let mut w = Writer::new(&mut buf);
            w.varint(v);
            assert_eq!(w.len(), varint_len(v));
            let n = w.len();
            let mut r = Reader::new(&buf[..n]);
            assert_eq!(r.varint(), Ok(v));
            assert!(r.is_empty());
        }
    }

    #[test]
    fn reader_reports_truncation_instead_of_panicking() {
        let mut r = Reader::new(&[0x80, 1]);
        assert_eq!(r.varint(), Err(DecodeError::Truncated));
        let mut r = Reader::new(&[1]);
        assert_eq!(r.u32(), Err(DecodeError::Truncated));
        let mut r = Reader::new(&[]);
        assert_eq!(r.bytes(usize::MAX), Err(DecodeError::Truncated));
    }
}
