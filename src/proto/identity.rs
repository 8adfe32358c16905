//! Who a peer is: a certificate in which the server (the "authority") binds a user id to the
//! client's signing key, checked by the other peer during the handshake. The server signs one
//! at every login; peers trust the server's public key (pinned in their config, or the one their
//! own login reported), so neither peer has to trust the network between them.
use std::sync::Arc;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use super::codec::{Reader, Writer};
use super::error::DecodeError;

/// Encoded size: version (1), user id (8), key (32), expiry (8), authority signature (64).
pub const CERT_LEN: usize = 1 + 8 + 32 + 8 + 64;
const CERT_VERSION: u8 = 1;
const CERT_CONTEXT: &[u8] = b"ovrnet peer certificate v1";
/// Clocks of two players' machines disagree; a certificate is accepted this long past expiry.
pub const CLOCK_SKEW_SECS: u64 = 600;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate {
    pub user_id: u64,
    /// The client's Ed25519 public key: it signs that client's handshake packets.
    pub key: [u8; 32],
    /// Unix seconds after which the certificate is refused (plus [`CLOCK_SKEW_SECS`]).
    pub expires_unix: u64,
    pub signature: [u8; 64],
}

/// Why a peer's certificate or handshake signature was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthError {
    /// Not signed by the authority this side trusts.
    BadCertificate,
    /// Issued for another user than the one this side asked for (or was asked by).
    WrongUser {
        expected: u64,
        got: u64,
    },
    Expired,
    /// The handshake packet is not signed by the certificate's key.
    BadSignature,
    /// The key exchange produced no shared secret (a low-order public key).
    BadKeyExchange,
}

impl Certificate {
    fn signed_part(user_id: u64, key: &[u8; 32], expires_unix: u64) -> [u8; CERT_CONTEXT.len() + 48] {
        let mut b = [0u8; CERT_CONTEXT.len() + 48];
        let (ctx, rest) = b.split_at_mut(CERT_CONTEXT.len());
        ctx.copy_from_slice(CERT_CONTEXT);
        rest[..8].copy_from_slice(&user_id.to_le_bytes());
        rest[8..40].copy_from_slice(key);
        rest[40..].copy_from_slice(&expires_unix.to_le_bytes());
        b
    }

    pub(crate) fn encode(&self, w: &mut Writer<'_>) {
        w.u8(CERT_VERSION);
        w.u64(self.user_id);
        w.put(&self.key);
        w.u64(self.expires_unix);
        w.put(&self.signature);
    }

    pub fn to_bytes(&self) -> [u8; CERT_LEN] {
        let mut b = [0u8; CERT_LEN];
        self.encode(&mut Writer::new(&mut b));
        b
    }

    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        if r.u8()? != CERT_VERSION {
            return Err(DecodeError::InvalidField);
        }
        let user_id = r.u64()?;
        let key = r.array::<32>()?;
        let expires_unix = r.u64()?;
        let signature = r.array::<64>()?;
        Ok(Certificate { user_id, key, expires_unix, signature })
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let cert = Self::decode(&mut r)?;
        if !r.is_empty() {
            return Err(DecodeError::InvalidField);
        }
        Ok(cert)
    }

    /// Checks that `authority` issued this certificate for `user_id` and that it is still valid;
    /// returns the key that must have signed the peer's handshake.
    pub fn verify(
        &self,
        authority: &VerifyingKey,
        user_id: u64,
        unix_now: u64,
    ) -> Result<VerifyingKey, AuthError> {
        if self.user_id != user_id {
            return Err(AuthError::WrongUser { expected: user_id, got: self.user_id });
        }
        if unix_now > self.expires_unix.saturating_add(CLOCK_SKEW_SECS) {
            return Err(AuthError::Expired);
        }
        let msg = Self::signed_part(self.user_id, &self.key, self.expires_unix);
        authority
            .verify_strict(&msg, &Signature::from_bytes(&self.signature))
            .map_err(|_| AuthError::BadCertificate)?;
        VerifyingKey::from_bytes(&self.key).map_err(|_| AuthError::BadCertificate)
    }
}

/// The key that signs certificates: the server's identity key.
pub struct Authority {
    key: SigningKey,
}

impl std::fmt::Debug for Authority {
    /// Keeps the private key out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Authority(public {:02x?})", &self.public_key().to_bytes()[..4])
    }
}

impl Authority {
    pub fn from_seed(seed: [u8; 32]) -> Self {
        Authority { key: SigningKey::from_bytes(&seed) }
    }

    pub fn public_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    pub fn certify(&self, user_id: u64, key: &[u8; 32], expires_unix: u64) -> Certificate {
        let msg = Certificate::signed_part(user_id, key, expires_unix);
        let signature = self.key.sign(&msg).to_bytes();
        Certificate { user_id, key: *key, expires_unix, signature }
    }
}

/// A client's own side: its signing key and the certificate the server issued for it.
pub struct Identity {
    key: SigningKey,
    cert: Certificate,
}

impl Identity {
    /// None if `cert` is not for `key`.
    pub fn new(key: SigningKey, cert: Certificate) -> Option<Self> {
        (key.verifying_key().to_bytes() == cert.key).then_some(Identity { key, cert })
    }

    pub fn user_id(&self) -> u64 {
        self.cert.user_id
    }

    pub fn certificate(&self) -> &Certificate {
        &self.cert
    }

    pub(super) fn sign(&self, msg: &[u8]) -> [u8; 64] {
        self.key.sign(msg).to_bytes()
    }
}

/// Everything a connection needs to prove who it is and to check who the peer is.
#[derive(Clone)]
pub struct PeerAuth {
    pub identity: Arc<Identity>,
    /// The server key that must have issued the peer's certificate.
    pub authority: VerifyingKey,
    /// The user this connection is for: the peer's certificate must name it.
    pub peer_user: u64,
    /// Wall-clock time at creation (certificate expiry is in Unix seconds; the sans-IO
    /// connection never reads a clock).
    pub unix_now: u64,
}

/// Deterministic identities for the simulator, tests and benchmarks: an authority from `seed`
/// and certificates for `users` (signing keys derived from the seed and the user id).
pub fn test_identities(seed: u64, users: &[u64]) -> (Authority, Vec<Arc<Identity>>) {
    let mut s = [0u8; 32];
    s[..8].copy_from_slice(&seed.to_le_bytes());
    let authority = Authority::from_seed(s);
    let ids = users
        .iter()
        .map(|&u| {
            let mut k = s;
            k[8..16].copy_from_slice(&u.to_le_bytes());
            k[16] = 1;
            let key = SigningKey::from_bytes(&k);
            let cert = authority.certify(u, &key.verifying_key().to_bytes(), u64::MAX / 2);
            Arc::new(Identity { key, cert })
        })
        .collect();
    (authority, ids)
}

/// A [`PeerAuth`] pair for a connection between users 1 (a) and 2 (b), for tests.
pub fn test_auth_pair(seed: u64) -> (PeerAuth, PeerAuth) {
    let (authority, ids) = test_identities(seed, &[1, 2]);
    let auth = |me: usize, peer: u64| PeerAuth {
        identity: ids[me].clone(),
        authority: authority.public_key(),
        peer_user: peer,
        unix_now: 1_800_000_000,
    };
    (auth(0, 2), auth(1, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_round_trips_and_verifies() {
        let (authority, ids) = test_identities(9, &[42]);
        let cert = ids[0].certificate().clone();
        let back = Certificate::from_bytes(&cert.to_bytes()).expect("decodes");
        assert_eq!(back, cert);
        let key = back.verify(&authority.public_key(), 42, 1_800_000_000).expect("valid");
        assert_eq!(key.to_bytes(), cert.key);
    }

    #[test]
    fn certificate_refusals() {
        let (authority, ids) = test_identities(9, &[42]);
        let (other, _) = test_identities(10, &[]);
        let cert = ids[0].certificate().clone();
        let pk = authority.public_key();
        assert_eq!(cert.verify(&pk, 43, 0), Err(AuthError::WrongUser { expected: 43, got: 42 }));
        assert_eq!(cert.verify(&other.public_key(), 42, 0), Err(AuthError::BadCertificate));
        let mut forged = cert.clone();
        forged.key[0] ^= 1;
        assert_eq!(forged.verify(&pk, 42, 0), Err(AuthError::BadCertificate));
        let short = authority.certify(42, &cert.key, 1000);
        assert!(short.verify(&pk, 42, 1000 + CLOCK_SKEW_SECS).is_ok());
        assert_eq!(short.verify(&pk, 42, 1001 + CLOCK_SKEW_SECS), Err(AuthError::Expired));
        assert!(Certificate::from_bytes(&cert.to_bytes()[..CERT_LEN - 1]).is_err());
        let mut bad_version = cert.to_bytes();
        bad_version[0] = 2;
        assert!(Certificate::from_bytes(&bad_version).is_err());
    }

    #[test]
    fn identity_must_match_its_certificate() {
        let (authority, ids) = test_identities(9, &[1]);
        let other = SigningKey::from_bytes(&[5u8; 32]);
        assert!(Identity::new(other, ids[0].certificate().clone()).is_none());
        let key = SigningKey::from_bytes(&[6u8; 32]);
        let cert = authority.certify(1, &key.verifying_key().to_bytes(), 10);
        assert_eq!(Identity::new(key, cert).map(|i| i.user_id()), Some(1));
    }
}
