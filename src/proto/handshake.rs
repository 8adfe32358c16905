//! The authenticated key exchange carried by HELLO and WELCOME (a SIGMA-style signed
//! Diffie-Hellman): each side sends an ephemeral X25519 key, its certificate and a signature by
//! the certified key; the WELCOME's signature also covers the HELLO, so it cannot be replayed
//! into another handshake. Packet keys come from HKDF over the shared secret, salted with both
//! packets. Layout in docs/PROTOCOL.md section 3.
use ring::hkdf;
use sha2::{Digest, Sha256};
use x25519_dalek::{PublicKey, StaticSecret};

use super::codec::{Reader, Writer};
use super::error::DecodeError;
use ed25519_dalek::VerifyingKey;

use super::identity::{AuthError, CERT_LEN, Certificate, Identity, PeerAuth};
use super::packet_key::{Cipher, KEY_LEN, PacketKey};
use super::wire::PacketKind;

/// Windows (8), cipher preference (1), ephemeral key (32), certificate, signature (64).
pub const BODY_LEN: usize = 8 + 1 + 32 + CERT_LEN + 64;
const SIGNED_LEN: usize = BODY_LEN - 64;
const HELLO_CONTEXT: &[u8; 16] = b"ovrnet hello  v2";
const WELCOME_CONTEXT: &[u8; 16] = b"ovrnet welcome 2";

/// One side's handshake packet body, decoded.
pub struct Body {
    pub recv_window_bytes: u32,
    pub recv_window_messages: u32,
    /// The AEAD this side asks for (a [`Cipher`] wire byte, checked at decode).
    pub cipher: u8,
    pub ephemeral: [u8; 32],
    pub cert: Certificate,
    pub signature: [u8; 64],
    /// SHA-256 of the encoded body: the transcript both sides mix into the keys.
    pub hash: [u8; 32],
}

/// The ephemeral key pair of one connection attempt; the secret comes from the caller's random
/// bytes (the sans-IO core draws no randomness of its own).
pub struct Ephemeral {
    secret: StaticSecret,
    pub public: [u8; 32],
}

impl Ephemeral {
    pub fn from_random(random: [u8; 32]) -> Self {
        let secret = StaticSecret::from(random);
        let public = PublicKey::from(&secret).to_bytes();
        Ephemeral { secret, public }
    }
}

fn signed_message(kind: PacketKind, conn_id: u32, hello_hash: Option<&[u8; 32]>, signed: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(16 + 4 + 32 + signed.len());
    m.extend_from_slice(if kind == PacketKind::Hello { HELLO_CONTEXT } else { WELCOME_CONTEXT });
    m.extend_from_slice(&conn_id.to_le_bytes());
    if let Some(h) = hello_hash {
        m.extend_from_slice(h);
    }
    m.extend_from_slice(signed);
    m
}

/// Writes and signs this side's body. `hello_hash` is the HELLO's body hash (WELCOME only).
/// Returns the encoded body.
pub fn encode_body(
    kind: PacketKind,
    conn_id: u32,
    windows: (u32, u32),
    cipher: u8,
    ephemeral: &[u8; 32],
    identity: &Identity,
    hello_hash: Option<&[u8; 32]>,
) -> [u8; BODY_LEN] {
    let mut b = [0u8; BODY_LEN];
    let mut w = Writer::new(&mut b[..SIGNED_LEN]);
    w.u32(windows.0);
    w.u32(windows.1);
    w.u8(cipher);
    w.put(ephemeral);
    identity.certificate().encode(&mut w);
    let sig = identity.sign(&signed_message(kind, conn_id, hello_hash, &b[..SIGNED_LEN]));
    b[SIGNED_LEN..].copy_from_slice(&sig);
    b
}

pub fn decode_body(r: &mut Reader<'_>) -> Result<Body, DecodeError> {
    let raw = r.bytes(BODY_LEN)?;
    let mut r = Reader::new(raw);
    let recv_window_bytes = r.u32()?;
    let recv_window_messages = r.u32()?;
    let cipher = r.u8()?;
    if Cipher::from_wire(cipher).is_none() {
        return Err(DecodeError::InvalidField);
    }
    let ephemeral = r.array::<32>()?;
    let cert = Certificate::decode(&mut r)?;
    let signature = r.array::<64>()?;
    Ok(Body {
        recv_window_bytes,
        recv_window_messages,
        cipher,
        ephemeral,
        cert,
        signature,
        hash: Sha256::digest(raw).into(),
    })
}

/// Body hash of a body this side encoded.
pub fn body_hash(body: &[u8; BODY_LEN]) -> [u8; 32] {
    Sha256::digest(body).into()
}

/// A peer certificate already checked, with the key it certifies.
pub type VerifiedCert = Option<(Certificate, VerifyingKey)>;

/// Checks the peer's certificate (issued by the trusted authority, for the expected user, not
/// expired) and its signature over the packet. A certificate equal to the one in `verified` is
/// not checked again: handshake packets carrying a copied certificate and a bad signature then
/// cost one verification, not two.
pub fn verify_body(
    body: &Body,
    kind: PacketKind,
    conn_id: u32,
    auth: &PeerAuth,
    hello_hash: Option<&[u8; 32]>,
    raw_signed: &[u8],
    verified: &mut VerifiedCert,
) -> Result<(), AuthError> {
    let key = match verified {
        Some((cert, key)) if *cert == body.cert => *key,
        _ => {
            let key = body.cert.verify(&auth.authority, auth.peer_user, auth.unix_now)?;
            *verified = Some((body.cert.clone(), key));
            key
        }
    };
    let msg = signed_message(kind, conn_id, hello_hash, raw_signed);
    key.verify_strict(&msg, &ed25519_dalek::Signature::from_bytes(&body.signature))
        .map_err(|_| AuthError::BadSignature)
}

/// The part of an encoded body the signature covers.
pub fn signed_part(raw_body: &[u8]) -> &[u8] {
    &raw_body[..SIGNED_LEN.min(raw_body.len())]
}

/// HKDF output length for one packet key.
struct KeyLen;

impl hkdf::KeyType for KeyLen {
    fn len(&self) -> usize {
        KEY_LEN
    }
}

/// The two packet keys: (sent by the initiator, sent by the responder), for the negotiated
/// `suite`.
pub fn derive_keys(
    suite: Cipher,
    own: &Ephemeral,
    peer_ephemeral: &[u8; 32],
    hello_hash: &[u8; 32],
    welcome_hash: &[u8; 32],
) -> Result<(PacketKey, PacketKey), AuthError> {
    let shared = own.secret.diffie_hellman(&PublicKey::from(*peer_ephemeral));
    if !shared.was_contributory() {
        return Err(AuthError::BadKeyExchange);
    }
    let mut salt = Sha256::new();
    salt.update(hello_hash);
    salt.update(welcome_hash);
    let salt: [u8; 32] = salt.finalize().into();
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, &salt).extract(shared.as_bytes());
    let expand = |label: &[u8]| -> Result<[u8; KEY_LEN], AuthError> {
        let mut key = [0u8; KEY_LEN];
        // Expanding 16 bytes from HKDF-SHA256 cannot fail (the limit is 8160).
        prk.expand(&[label], KeyLen)
            .and_then(|okm| okm.fill(&mut key))
            .map_err(|_| AuthError::BadKeyExchange)?;
        Ok(key)
    };
    let i2r = expand(b"ovrnet v2 initiator")?;
    let r2i = expand(b"ovrnet v2 responder")?;
    Ok((PacketKey::new(suite, &i2r), PacketKey::new(suite, &r2i)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::identity::test_auth_pair;

    #[test]
    fn both_sides_derive_the_same_keys_and_signatures_bind_the_transcript() {
        let (a, b) = test_auth_pair(3);
        let ea = Ephemeral::from_random([1; 32]);
        let eb = Ephemeral::from_random([2; 32]);
        let hello = encode_body(PacketKind::Hello, 77, (200_000, 64), 2, &ea.public, &a.identity, None);
        let hb = decode_body(&mut Reader::new(&hello)).expect("hello decodes");
        verify_body(&hb, PacketKind::Hello, 77, &b, None, signed_part(&hello), &mut None)
            .expect("hello verifies");
        // The same body under another connection id, or claimed by the wrong user, is refused.
        assert_eq!(
            verify_body(&hb, PacketKind::Hello, 78, &b, None, signed_part(&hello), &mut None),
            Err(AuthError::BadSignature)
        );
        assert!(matches!(
            verify_body(&hb, PacketKind::Hello, 77, &a, None, signed_part(&hello), &mut None),
            Err(AuthError::WrongUser { .. })
        ));
        let welcome =
            encode_body(PacketKind::Welcome, 77, (200_000, 64), 1, &eb.public, &b.identity, Some(&hb.hash));
        let wb = decode_body(&mut Reader::new(&welcome)).expect("welcome decodes");
        verify_body(
            &wb,
            PacketKind::Welcome,
            77,
            &a,
            Some(&body_hash(&hello)),
            signed_part(&welcome),
            &mut None,
        )
        .expect("welcome verifies");
        // A WELCOME signed for another HELLO is refused.
        assert_eq!(
            verify_body(&wb, PacketKind::Welcome, 77, &a, Some(&[0; 32]), signed_part(&welcome), &mut None),
            Err(AuthError::BadSignature)
        );
        let (ai, ar) =
            derive_keys(Cipher::Aes128Gcm, &ea, &wb.ephemeral, &body_hash(&hello), &wb.hash).expect("keys");
        let (bi, br) =
            derive_keys(Cipher::Aes128Gcm, &eb, &hb.ephemeral, &hb.hash, &body_hash(&welcome)).expect("keys");
        let mut msg = *b"attack at dawn";
        let tag = ai.seal(5, &mut msg);
        assert!(!ar.open(5, &mut msg.clone(), &tag), "directions use different keys");
        assert!(!bi.open(6, &mut msg.clone(), &tag), "the nonce is the packet number");
        assert!(bi.open(5, &mut msg, &tag));
        assert_eq!(&msg, b"attack at dawn");
        let tag = br.seal(1, &mut msg);
        assert!(ar.open(1, &mut msg, &tag));
    }

    #[test]
    fn low_order_ephemeral_key_is_refused() {
        let e = Ephemeral::from_random([9; 32]);
        assert!(matches!(
            derive_keys(Cipher::ChaCha20Poly1305, &e, &[0; 32], &[0; 32], &[0; 32]),
            Err(AuthError::BadKeyExchange)
        ));
    }
}
