//! Shared-secret login tokens: `ovrnet1.<user_id>.<expiry_unix>.<hex hmac>`.
//!
//! The game's backend, which already knows who the player is, mints a token with a secret it
//! shares with the rendezvous server; the server checks it without calling anyone. The MAC is
//! HMAC-SHA256(secret, `ovrnet1|<user_id>|<expiry_unix>`) in lower-case hex. Numbers are plain
//! decimal with no sign or leading zeros, so every token has exactly one spelling.

use std::fmt;
use std::fmt::Write as _;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

const PREFIX: &str = "ovrnet1";
const MAC_HEX_LEN: usize = 64;

/// Why a token was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenError {
    /// Not of the form `ovrnet1.<user>.<expiry>.<64 hex>`.
    Malformed,
    /// The MAC does not match (tampered, or minted with another secret).
    BadSignature,
    /// Genuine, but for a different user id.
    WrongUser,
    /// Genuine, but `expiry_unix` is not after the current time.
    Expired,
    /// Genuine, but for other servers (signed tokens name their audience).
    WrongAudience,
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TokenError::Malformed => "malformed token",
            TokenError::BadSignature => "token signature does not match",
            TokenError::WrongUser => "token is for another user",
            TokenError::Expired => "token has expired",
            TokenError::WrongAudience => "token is for other servers (audience)",
        })
    }
}

impl std::error::Error for TokenError {}

fn mac_for(secret: &[u8], user_id: u64, expiry_unix: u64) -> HmacSha256 {
    let Ok(mut mac) = HmacSha256::new_from_slice(secret) else {
        // HMAC hashes long keys and pads short ones: every key length is valid.
        unreachable!("HMAC-SHA256 accepts keys of every length")
    };
    mac.update(format!("{PREFIX}|{user_id}|{expiry_unix}").as_bytes());
    mac
}

/// Makes a token proving `user_id` until `expiry_unix` (seconds since 1970).
pub fn mint(secret: &[u8], user_id: u64, expiry_unix: u64) -> String {
    let tag = mac_for(secret, user_id, expiry_unix).finalize().into_bytes();
    let mut out = format!("{PREFIX}.{user_id}.{expiry_unix}.");
    for b in tag.iter() {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Checks that `token` is genuine, names `user_id` and has not expired at `now_unix`.
///
/// The MAC is compared in constant time and checked before anything else is reported, so a
/// forger learns nothing from which error comes back.
pub fn verify(secret: &[u8], token: &[u8], user_id: u64, now_unix: u64) -> Result<(), TokenError> {
    let text = std::str::from_utf8(token).map_err(|_| TokenError::Malformed)?;
    let mut parts = text.split('.');
    let (Some(prefix), Some(user), Some(expiry), Some(hex), None) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Malformed);
    };
    if prefix != PREFIX {
        return Err(TokenError::Malformed);
    }
    let token_user = parse_canonical(user)?;
    let expiry_unix = parse_canonical(expiry)?;
    let tag = parse_hex(hex)?;
    mac_for(secret, token_user, expiry_unix).verify_slice(&tag).map_err(|_| TokenError::BadSignature)?;
    if token_user != user_id {
        return Err(TokenError::WrongUser);
    }
    if expiry_unix <= now_unix {
        return Err(TokenError::Expired);
    }
    Ok(())
}

/// Decimal u64 with digits only and no leading zeros (except "0" itself).
fn parse_canonical(s: &str) -> Result<u64, TokenError> {
    let ok = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    if !ok {
        return Err(TokenError::Malformed);
    }
    s.parse().map_err(|_| TokenError::Malformed)
}

fn parse_hex(s: &str) -> Result<[u8; 32], TokenError> {
    if s.len() != MAC_HEX_LEN {
        return Err(TokenError::Malformed);
    }
    let mut out = [0u8; 32];
    for (slot, pair) in out.iter_mut().zip(s.as_bytes().chunks_exact(2)) {
        *slot = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Ok(out)
}

fn nibble(c: u8) -> Result<u8, TokenError> {
    match c {
        b'0'..=b'9' => Ok(c - b'0'),
        b'a'..=b'f' => Ok(c - b'a' + 10),
        _ => Err(TokenError::Malformed),
    }
}

#[cfg(test)]
mod tests {
    use super::{TokenError, mint, verify};

    const SECRET: &[u8] = b"backend-and-server-share-this";

    #[test]
    fn good_token_verifies() {
        let t = mint(SECRET, 42, 2_000);
        assert!(t.starts_with("ovrnet1.42.2000."));
        assert_eq!(t.len(), "ovrnet1.42.2000.".len() + 64);
        assert_eq!(verify(SECRET, t.as_bytes(), 42, 1_999), Ok(()));
    }

    #[test]
    fn known_answer() {
        // Independent check: HMAC-SHA256 of "ovrnet1|1|2" under key "k", computed with
        // Python's hmac module.
        let t = mint(b"k", 1, 2);
        assert_eq!(t, "ovrnet1.1.2.ce09f91d0c85feb181ea5ad945ea31a8d04efd4a949894947d57147df5e49813");
    }

    #[test]
    fn expired_token_is_refused() {
        let t = mint(SECRET, 42, 2_000);
        assert_eq!(verify(SECRET, t.as_bytes(), 42, 2_000), Err(TokenError::Expired));
        assert_eq!(verify(SECRET, t.as_bytes(), 42, 9_999), Err(TokenError::Expired));
    }

    #[test]
    fn token_for_another_user_is_refused() {
        let t = mint(SECRET, 42, 2_000);
        assert_eq!(verify(SECRET, t.as_bytes(), 43, 1_000), Err(TokenError::WrongUser));
    }

    #[test]
    fn tampered_tokens_are_refused() {
        let t = mint(SECRET, 42, 2_000);
        // Change the user id but keep the MAC.
        let forged = t.replacen("ovrnet1.42.", "ovrnet1.43.", 1);
        assert_eq!(verify(SECRET, forged.as_bytes(), 43, 1_000), Err(TokenError::BadSignature));
        // Extend the expiry.
        let later = t.replacen(".2000.", ".9000.", 1);
        assert_eq!(verify(SECRET, later.as_bytes(), 42, 1_000), Err(TokenError::BadSignature));
        // Flip one hex digit of the MAC.
        let mut bytes = t.clone().into_bytes();
        let last = bytes.len() - 1;
        bytes[last] = if bytes[last] == b'0' { b'1' } else { b'0' };
        assert_eq!(verify(SECRET, &bytes, 42, 1_000), Err(TokenError::BadSignature));
        // Another secret.
        assert_eq!(verify(b"other", t.as_bytes(), 42, 1_000), Err(TokenError::BadSignature));
    }

    #[test]
    fn garbage_is_malformed() {
        let good = mint(SECRET, 42, 2_000);
        let upper = good.to_uppercase().replacen("OVRNET1", "ovrnet1", 1);
        let cases: Vec<Vec<u8>> = vec![
            b"".to_vec(),
            b"ovrnet1".to_vec(),
            b"ovrnet1.42.2000".to_vec(),
            b"ovrnet2.42.2000.00".to_vec(),
            format!("{good}.extra").into_bytes(),
            good.replacen(".42.", ".042.", 1).into_bytes(),
            good.replacen(".42.", ".+42.", 1).into_bytes(),
            good.replacen(".42.", ".99999999999999999999999.", 1).into_bytes(),
            good.as_bytes()[..good.len() - 1].to_vec(),
            upper.into_bytes(),
            vec![0xFF, 0xFE, 0x00],
        ];
        for c in cases {
            assert_eq!(verify(SECRET, &c, 42, 1_000), Err(TokenError::Malformed), "{c:?}");
        }
    }
}
