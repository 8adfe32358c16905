//! Unpredictable bytes from a secret seed: SHA-256 over (domain, seed, counter). The server's
//! session ids, handshake ephemerals and cookie key come from one 32-byte seed this way, so a
//! test or simulation repeats exactly, yet nothing anyone sees (session ids travel in clear)
//! reveals the seed or the other streams. (SplitMix64, which room ids use, is invertible: one
//! output gives away its state.)

use sha2::{Digest, Sha256};

/// One domain-separated stream of 32-byte blocks.
pub struct SecretStream {
    key: [u8; 32],
    block: u64,
}

impl std::fmt::Debug for SecretStream {
    /// Keeps the key out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretStream(block {})", self.block)
    }
}

impl SecretStream {
    /// The stream for `domain` under `seed`; different domains share no output.
    pub fn new(seed: &[u8; 32], domain: &str) -> Self {
        let mut h = Sha256::new();
        h.update(domain.as_bytes());
        h.update([0u8]);
        h.update(seed);
        Self { key: h.finalize().into(), block: 0 }
    }

    /// The next 32 bytes.
    pub fn next_block(&mut self) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(self.key);
        h.update(self.block.to_be_bytes());
        self.block += 1;
        h.finalize().into()
    }

    /// The next 64 bits.
    pub fn next_u64(&mut self) -> u64 {
        let b = self.next_block();
        u64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_repeat_per_seed_and_differ_per_domain() {
        let mut a = SecretStream::new(&[1; 32], "ids");
        let mut b = SecretStream::new(&[1; 32], "ids");
        let mut c = SecretStream::new(&[1; 32], "cookie");
        let mut d = SecretStream::new(&[2; 32], "ids");
        let first = a.next_block();
        assert_eq!(first, b.next_block());
        assert_ne!(first, c.next_block());
        assert_ne!(first, d.next_block());
        assert_ne!(first, a.next_block(), "each block is new");
    }
}
