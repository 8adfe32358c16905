//! Login tokens signed with Ed25519: `ovrnet2.<user_id>.<expiry_unix>.<audience>.<signature>`.
//!
//! The game's backend holds the private key and signs `ovrnet2|<user_id>|<expiry_unix>|<audience>`;
//! servers hold only public keys, so a stolen server config cannot mint logins (unlike the
//! shared-secret tokens of [`super::token`]). The audience names the game or server the token is
//! for, so a token for one game's servers is refused by another's. Numbers are plain decimal
//! without sign or leading zeros, the audience is 1 to 64 of `[A-Za-z0-9_-]`, the signature is
//! 128 lower-case hex digits: every token has exactly one spelling.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use super::token::TokenError;

const PREFIX: &str = "ovrnet2";
const SIGNATURE_HEX_LEN: usize = 128;
/// Longest audience a token may name.
pub const MAX_AUDIENCE_LEN: usize = 64;

/// A fresh key pair from the OS's randomness: (private key, public key), 32 bytes each.
pub fn generate() -> Result<([u8; 32], [u8; 32]), getrandom::Error> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret)?;
    let public = SigningKey::from_bytes(&secret).verifying_key().to_bytes();
    Ok((secret, public))
}

/// Whether `audience` may appear in a token.
pub fn valid_audience(audience: &str) -> bool {
    (1..=MAX_AUDIENCE_LEN).contains(&audience.len())
        && audience.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn signed_text(user_id: u64, expiry_unix: u64, audience: &str) -> String {
    format!("{PREFIX}|{user_id}|{expiry_unix}|{audience}")
}

/// Makes a token proving `user_id` to servers of `audience` until `expiry_unix`. `None` for an
/// audience that [`valid_audience`] refuses.
pub fn mint(private_key: &[u8; 32], user_id: u64, expiry_unix: u64, audience: &str) -> Option<String> {
    if !valid_audience(audience) {
        return None;
    }
    let signature =
        SigningKey::from_bytes(private_key).sign(signed_text(user_id, expiry_unix, audience).as_bytes());
    Some(format!("{PREFIX}.{user_id}.{expiry_unix}.{audience}.{}", hex(&signature.to_bytes())))
}

/// Checks that `token` is signed by one of `public_keys`, names `user_id` and `audience`, and has
/// not expired at `now_unix`. The signature is checked before anything else is reported.
pub fn verify(
    public_keys: &[[u8; 32]],
    token: &[u8],
    user_id: u64,
    audience: &str,
    now_unix: u64,
) -> Result<(), TokenError> {
    let text = std::str::from_utf8(token).map_err(|_| TokenError::Malformed)?;
    let mut parts = text.split('.');
    let (Some(PREFIX), Some(user), Some(expiry), Some(token_audience), Some(sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Malformed);
    };
    let token_user = canonical(user)?;
    let expiry_unix = canonical(expiry)?;
    if !valid_audience(token_audience) {
        return Err(TokenError::Malformed);
    }
    let signature = Signature::from_bytes(&unhex::<64>(sig)?);
    let message = signed_text(token_user, expiry_unix, token_audience);
    let genuine = public_keys.iter().any(|key| {
        VerifyingKey::from_bytes(key)
            .is_ok_and(|key| key.verify_strict(message.as_bytes(), &signature).is_ok())
    });
    if !genuine {
        return Err(TokenError::BadSignature);
    }
    if token_user != user_id {
        return Err(TokenError::WrongUser);
    }
    if token_audience != audience {
        return Err(TokenError::WrongAudience);
    }
    if expiry_unix <= now_unix {
        return Err(TokenError::Expired);
    }
    Ok(())
}

/// A public or private key written as 64 hex digits (surrounding whitespace ignored).
pub fn parse_key(text: &str) -> Option<[u8; 32]> {
    unhex::<32>(text.trim()).ok()
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn canonical(s: &str) -> Result<u64, TokenError> {
    let ok = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    if !ok {
        return Err(TokenError::Malformed);
    }
    s.parse().map_err(|_| TokenError::Malformed)
}

fn unhex<const N: usize>(s: &str) -> Result<[u8; N], TokenError> {
    if s.len() != 2 * N || (N == 64 && s.len() != SIGNATURE_HEX_LEN) {
        return Err(TokenError::Malformed);
    }
    let digit = |c: u8| match c {
        b'0'..=b'9' => Ok(c - b'0'),
        b'a'..=b'f' => Ok(c - b'a' + 10),
        _ => Err(TokenError::Malformed),
    };
    let mut out = [0u8; N];
    for (slot, pair) in out.iter_mut().zip(s.as_bytes().chunks_exact(2)) {
        *slot = (digit(pair[0])? << 4) | digit(pair[1])?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_800_000_000;

    fn keys() -> ([u8; 32], [u8; 32]) {
        generate().expect("OS randomness")
    }

    #[test]
    fn a_minted_token_verifies_only_for_its_user_audience_key_and_lifetime() {
        let (private, public) = keys();
        let token = mint(&private, 42, NOW + 60, "space-game").expect("valid audience");
        assert_eq!(verify(&[public], token.as_bytes(), 42, "space-game", NOW), Ok(()));
        assert_eq!(verify(&[public], token.as_bytes(), 43, "space-game", NOW), Err(TokenError::WrongUser));
        assert_eq!(
            verify(&[public], token.as_bytes(), 42, "other-game", NOW),
            Err(TokenError::WrongAudience)
        );
        assert_eq!(verify(&[public], token.as_bytes(), 42, "space-game", NOW + 60), Err(TokenError::Expired));
        let (_, stranger) = keys();
        assert_eq!(
            verify(&[stranger], token.as_bytes(), 42, "space-game", NOW),
            Err(TokenError::BadSignature)
        );
        assert_eq!(
            verify(&[stranger, public], token.as_bytes(), 42, "space-game", NOW),
            Ok(()),
            "key rotation"
        );
    }

    #[test]
    fn any_change_to_a_token_breaks_it() {
        let (private, public) = keys();
        let token = mint(&private, 42, NOW + 60, "game").expect("valid audience");
        for forged in [
            token.replacen(".42.", ".43.", 1),
            token.replacen(&format!(".{}.", NOW + 60), &format!(".{}.", NOW + 6000), 1),
            token.replacen(".game.", ".gamf.", 1),
        ] {
            assert_eq!(
                verify(&[public], forged.as_bytes(), 43, "game", NOW).err().map(|_| ()),
                Some(()),
                "{forged}"
            );
            assert!(verify(&[public], forged.as_bytes(), 42, "game", NOW).is_err(), "{forged}");
        }
        let mut flipped = token.into_bytes();
        let last = flipped.len() - 1;
        flipped[last] = if flipped[last] == b'0' { b'1' } else { b'0' };
        assert_eq!(verify(&[public], &flipped, 42, "game", NOW), Err(TokenError::BadSignature));
    }

    #[test]
    fn malformed_tokens_and_audiences_are_refused() {
        let (_, public) = keys();
        for bad in
            ["", "ovrnet2", "ovrnet2.1.2.a", "ovrnet1.1.2.a.00", "ovrnet2.01.2.a.00", "ovrnet2.1.2.a b.00"]
        {
            assert_eq!(verify(&[public], bad.as_bytes(), 1, "a", NOW), Err(TokenError::Malformed), "{bad}");
        }
        assert_eq!(verify(&[public], &[0xFF, 0xFE], 1, "a", NOW), Err(TokenError::Malformed));
        let (private, _) = keys();
        assert_eq!(mint(&private, 1, NOW, "has.dot"), None);
        assert_eq!(mint(&private, 1, NOW, ""), None);
        assert_eq!(mint(&private, 1, NOW, &"a".repeat(65)), None);
        assert_eq!(parse_key(&hex(&public)), Some(public));
        assert_eq!(parse_key("zz"), None);
    }
}
