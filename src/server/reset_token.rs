//! Reset tokens: how a client knows that a clear `SessionUnknown` really comes from its server.
//! After a restart the server has lost every session key, so it cannot seal that answer; it
//! can still compute HMAC-SHA256(key, session id) with a key derived from its identity key,
//! which survives the restart when the key is kept in a file. The client got the token inside
//! the encrypted `LoginOk`, so nobody else knows it (the idea of QUIC's stateless reset).

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use crate::signal::RESET_TOKEN_LEN;

/// Computes the tokens of one server identity.
pub struct ResetTokens {
    key: [u8; 32],
}

impl std::fmt::Debug for ResetTokens {
    /// Keeps the key out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ResetTokens(..)")
    }
}

impl ResetTokens {
    /// From the server's Ed25519 identity seed.
    pub fn new(identity_seed: &[u8; 32]) -> Self {
        let mut h = Sha256::new();
        h.update(b"ovrnet reset token key\0");
        h.update(identity_seed);
        Self { key: h.finalize().into() }
    }

    /// The token of session `session`.
    pub fn token(&self, session: u64) -> [u8; RESET_TOKEN_LEN] {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.key) else {
            unreachable!("HMAC-SHA256 accepts keys of every length")
        };
        mac.update(&session.to_be_bytes());
        let tag = mac.finalize().into_bytes();
        let mut token = [0u8; RESET_TOKEN_LEN];
        token.copy_from_slice(&tag[..RESET_TOKEN_LEN]);
        token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_depend_on_the_identity_and_the_session() {
        let a = ResetTokens::new(&[1; 32]);
        assert_eq!(a.token(5), ResetTokens::new(&[1; 32]).token(5), "survives a restart with the same key");
        assert_ne!(a.token(5), a.token(6));
        assert_ne!(a.token(5), ResetTokens::new(&[2; 32]).token(5));
    }
}
