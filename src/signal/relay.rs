//! The relay envelope: a peer datagram sent through the server when two peers cannot reach each
//! other directly. Client to server it names the user it is for; server to client, the user it
//! came from. Same size both ways, so the relay never sends more than it received.
//!
//! ```text
//! 0xC1 | user id (u64, little-endian) | peer datagram (opaque to the server)
//! ```
//!
//! The payload is the peers' own transport datagram, sealed end to end (the server holds no key
//! for it): the relay forwards ciphertext and can neither read, forge nor replay what it carries.

/// First byte of a relayed datagram, both directions.
pub const RELAY_V1: u8 = 0xC1;
/// Bytes the envelope adds to the peer datagram.
pub const RELAY_HEADER_LEN: usize = 9;
/// Largest payload a relay forwards (the transport's largest datagram fits with room to spare).
pub const MAX_RELAY_PAYLOAD: usize = 1400;

/// Writes the envelope for `user` into the first [`RELAY_HEADER_LEN`] bytes of `buf`; false (and
/// nothing written) if `buf` is shorter.
pub fn write_header(buf: &mut [u8], user: u64) -> bool {
    let Some(header) = buf.get_mut(..RELAY_HEADER_LEN) else { return false };
    header[0] = RELAY_V1;
    header[1..].copy_from_slice(&user.to_le_bytes());
    true
}

/// Splits a relayed datagram into (user id, payload); None if it is not one or carries nothing.
pub fn parse(datagram: &[u8]) -> Option<(u64, &[u8])> {
    let (header, payload) = datagram.split_at_checked(RELAY_HEADER_LEN)?;
    if header[0] != RELAY_V1 || payload.is_empty() || payload.len() > MAX_RELAY_PAYLOAD {
        return None;
    }
    let mut id = [0u8; 8];
    id.copy_from_slice(&header[1..]);
    Some((u64::from_le_bytes(id), payload))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_envelope_round_trips() {
        let mut buf = vec![0u8; RELAY_HEADER_LEN + 3];
        assert!(write_header(&mut buf, 0x0102_0304_0506_0708));
        buf[RELAY_HEADER_LEN..].copy_from_slice(b"abc");
        assert_eq!(parse(&buf), Some((0x0102_0304_0506_0708, &b"abc"[..])));
    }

    #[test]
    fn short_empty_foreign_and_oversize_datagrams_are_not_relayed() {
        assert!(!write_header(&mut [0u8; 8], 1));
        assert_eq!(parse(&[]), None);
        assert_eq!(parse(&[RELAY_V1; RELAY_HEADER_LEN]), None, "nothing to carry");
        let mut foreign = [7u8; 20];
        foreign[0] = 0xB3;
        assert_eq!(parse(&foreign), None);
        let mut big = vec![0u8; RELAY_HEADER_LEN + MAX_RELAY_PAYLOAD + 1];
        assert!(write_header(&mut big, 1));
        assert_eq!(parse(&big), None);
        big.pop();
        assert!(parse(&big).is_some());
    }
}
