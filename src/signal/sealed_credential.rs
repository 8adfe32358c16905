//! The login credential never crosses the wire in clear: the client seals it to the server's
//! key (the Ed25519 identity key, used as X25519 via the birational map, as libsodium's
//! `crypto_sign_ed25519_pk_to_curve25519`), bound to the address cookie the server issued. A
//! captured login is then useless elsewhere: another address gets another cookie, and the
//! sealed credential does not open under it. Layout: ephemeral X25519 key (32), ciphertext,
//! ChaCha20-Poly1305 tag (16). Key: HKDF-SHA256 over the X25519 secret, salted with both
//! public keys; nonce zero (every key is used once: the ephemeral key is fresh per cookie).
use ed25519_dalek::{SigningKey, VerifyingKey};
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey};
use ring::hkdf;
use x25519_dalek::{PublicKey, StaticSecret};

use super::messages::{COOKIE_LEN, Cookie, Credential};

/// Bytes sealing adds to a credential.
pub const SEAL_OVERHEAD: usize = 32 + 16;

struct KeyLen;

impl hkdf::KeyType for KeyLen {
    fn len(&self) -> usize {
        32
    }
}

/// What the seal binds besides the credential: the cookie (so the address) and the login's
/// other fields.
pub fn binding(cookie: &Cookie, user_id: u64, nonce: u64, peer_key: &[u8; 32]) -> [u8; COOKIE_LEN + 48] {
    let mut b = [0u8; COOKIE_LEN + 48];
    b[..COOKIE_LEN].copy_from_slice(cookie);
    b[COOKIE_LEN..COOKIE_LEN + 8].copy_from_slice(&user_id.to_be_bytes());
    b[COOKIE_LEN + 8..COOKIE_LEN + 16].copy_from_slice(&nonce.to_be_bytes());
    b[COOKIE_LEN + 16..].copy_from_slice(peer_key);
    b
}

fn aead_key(shared: &[u8; 32], ephemeral: &[u8; 32], server: &[u8; 32]) -> Option<LessSafeKey> {
    let mut salt = [0u8; 64];
    salt[..32].copy_from_slice(ephemeral);
    salt[32..].copy_from_slice(server);
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, &salt).extract(shared);
    let mut key = [0u8; 32];
    prk.expand(&[b"ovrnet login credential v2"], KeyLen).ok()?.fill(&mut key).ok()?;
    Some(LessSafeKey::new(UnboundKey::new(&CHACHA20_POLY1305, &key).ok()?))
}

/// Seals `credential` to the server whose Ed25519 public key is `server_key`. `random` must be
/// fresh for each `binding`. None if `server_key` is not a valid key.
pub fn seal(server_key: &[u8; 32], random: [u8; 32], binding: &[u8], credential: &[u8]) -> Option<Vec<u8>> {
    let server = VerifyingKey::from_bytes(server_key).ok()?.to_montgomery().to_bytes();
    let secret = StaticSecret::from(random);
    let ephemeral = PublicKey::from(&secret).to_bytes();
    let shared = secret.diffie_hellman(&PublicKey::from(server));
    if !shared.was_contributory() {
        return None;
    }
    let key = aead_key(shared.as_bytes(), &ephemeral, &server)?;
    let mut out = Vec::with_capacity(credential.len() + SEAL_OVERHEAD);
    out.extend_from_slice(&ephemeral);
    out.extend_from_slice(credential);
    let tag = key
        .seal_in_place_separate_tag(Nonce::assume_unique_for_key([0; 12]), Aad::from(binding), &mut out[32..])
        .ok()?;
    out.extend_from_slice(tag.as_ref());
    Some(out)
}

/// The credential field of a Login for `cookie`: `credential` sealed to `server_key`, bound to
/// the cookie and the login's fields. None if the key is invalid.
pub fn for_login(
    server_key: &[u8; 32],
    random: [u8; 32],
    cookie: &Cookie,
    user_id: u64,
    nonce: u64,
    peer_key: &[u8; 32],
    credential: &[u8],
) -> Option<Credential> {
    let binding = binding(cookie, user_id, nonce, peer_key);
    seal(server_key, random, &binding, credential).and_then(Credential::sealed)
}

/// The server's side: its X25519 secret and public key, from its Ed25519 identity seed.
pub struct Opener {
    secret: StaticSecret,
    public: [u8; 32],
}

impl std::fmt::Debug for Opener {
    /// Keeps the secret out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Opener(..)")
    }
}

impl Opener {
    pub fn new(identity_seed: &[u8; 32]) -> Self {
        let signing = SigningKey::from_bytes(identity_seed);
        let public = signing.verifying_key().to_montgomery().to_bytes();
        Opener { secret: StaticSecret::from(signing.to_scalar_bytes()), public }
    }

    /// The credential, if `sealed` was made for this server and `binding`.
    pub fn open(&self, binding: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
        if sealed.len() < SEAL_OVERHEAD {
            return None;
        }
        let ephemeral: [u8; 32] = sealed[..32].try_into().ok()?;
        let shared = self.secret.diffie_hellman(&PublicKey::from(ephemeral));
        if !shared.was_contributory() {
            return None;
        }
        let key = aead_key(shared.as_bytes(), &ephemeral, &self.public)?;
        let mut body = sealed[32..].to_vec();
        let plain =
            key.open_in_place(Nonce::assume_unique_for_key([0; 12]), Aad::from(binding), &mut body).ok()?;
        Some(plain.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_server_opens_and_only_under_the_same_binding() {
        let seed = [4u8; 32];
        let server_key = SigningKey::from_bytes(&seed).verifying_key().to_bytes();
        let opener = Opener::new(&seed);
        let bind = binding(&[1; COOKIE_LEN], 7, 9, &[3; 32]);
        let sealed = seal(&server_key, [5; 32], &bind, b"ovrnet1.7.123.token").expect("seals");
        assert_eq!(sealed.len(), 19 + SEAL_OVERHEAD);
        assert!(!sealed.windows(6).any(|w| w == b"ovrnet"), "not in clear");
        assert_eq!(opener.open(&bind, &sealed).as_deref(), Some(&b"ovrnet1.7.123.token"[..]));
        // Another cookie (another address), user or peer key: it does not open.
        for other in [
            binding(&[2; COOKIE_LEN], 7, 9, &[3; 32]),
            binding(&[1; COOKIE_LEN], 8, 9, &[3; 32]),
            binding(&[1; COOKIE_LEN], 7, 9, &[4; 32]),
        ] {
            assert_eq!(opener.open(&other, &sealed), None);
        }
        // Another server does not open it; a changed byte does not open.
        assert_eq!(Opener::new(&[6; 32]).open(&bind, &sealed), None);
        let mut bad = sealed.clone();
        bad[40] ^= 1;
        assert_eq!(opener.open(&bind, &bad), None);
        assert_eq!(opener.open(&bind, &sealed[..SEAL_OVERHEAD - 1]), None);
        // About half of all 32-byte strings are no curve point: such a server key seals nothing.
        let invalid = (0u8..=255)
            .map(|b| [b; 32])
            .find(|k| VerifyingKey::from_bytes(k).is_err())
            .expect("some byte pattern is not a point");
        assert_eq!(seal(&invalid, [5; 32], &bind, b"x"), None);
    }
}
