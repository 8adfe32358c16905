//! The AEAD that seals every DATA packet: AES-128-GCM, one key per direction, the packet number
//! as the nonce. Picked by measurement (see the `ring` line in Cargo.toml).
use ring::aead::{AES_128_GCM, Aad, LessSafeKey, Nonce, Tag, UnboundKey};

/// Bytes the AEAD adds to a packet: exactly the space the datagram budget reserves.
pub const AEAD_TAG_LEN: usize = 16;
pub const KEY_LEN: usize = 16;

pub struct PacketKey(LessSafeKey);

/// Packet numbers are 64-bit and never reused in one direction, and each direction has its own
/// key, so no (key, nonce) pair ever repeats.
fn nonce(pn: u64) -> Nonce {
    let mut n = [0u8; 12];
    n[4..].copy_from_slice(&pn.to_be_bytes());
    Nonce::assume_unique_for_key(n)
}

impl PacketKey {
    pub fn new(bytes: &[u8; KEY_LEN]) -> Self {
        // A 16-byte key is always accepted for AES-128-GCM; the fallback only satisfies the type.
        let key = UnboundKey::new(&AES_128_GCM, bytes)
            .unwrap_or_else(|_| unreachable!("AES-128-GCM takes 16-byte keys"));
        PacketKey(LessSafeKey::new(key))
    }

    /// Encrypts `body` in place; the header is authenticated, not encrypted. Returns the tag.
    pub fn seal(&self, pn: u64, header: &[u8], body: &mut [u8]) -> [u8; AEAD_TAG_LEN] {
        let mut out = [0u8; AEAD_TAG_LEN];
        // Sealing fails only for inputs over 64 GiB.
        if let Ok(tag) = self.0.seal_in_place_separate_tag(nonce(pn), Aad::from(header), body) {
            out.copy_from_slice(tag.as_ref());
        }
        out
    }

    /// Decrypts `body` in place if `tag` authenticates it (and `header`) for packet `pn`.
    pub fn open(&self, pn: u64, header: &[u8], body: &mut [u8], tag: &[u8]) -> bool {
        let Ok(tag) = <[u8; AEAD_TAG_LEN]>::try_from(tag) else { return false };
        self.0.open_in_place_separate_tag(nonce(pn), Aad::from(header), Tag::from(tag), body, 0..).is_ok()
    }
}
