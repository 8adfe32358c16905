//! Stateless proof that a login's source address receives what the server sends it (the idea of
//! QUIC's Retry and WireGuard's cookies). A login without a valid cookie gets a `LoginRetry`
//! carrying one and changes nothing; only the real owner of the address sees the cookie, so a
//! login with a spoofed source address never creates or replaces a session, and the retry is
//! smaller than the login that caused it (no amplification).
//!
//! The cookie is HMAC-SHA256(key, address, time slot) cut to 16 bytes; the key is random per
//! server process, a slot lasts [`SLOT_SECS`], and a cookie is accepted in its own slot and the
//! next one. Nothing is stored per address.

use std::net::SocketAddr;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::signal::{COOKIE_LEN, Cookie};

/// How long one time slot lasts; a cookie stays valid for one to two slots.
pub const SLOT_SECS: u64 = 30;

/// Makes and checks cookies with one secret key.
pub struct CookieJar {
    key: [u8; 32],
}

impl std::fmt::Debug for CookieJar {
    /// Keeps the key out of logs and panics.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CookieJar(..)")
    }
}

impl CookieJar {
    pub fn new(key: [u8; 32]) -> Self {
        Self { key }
    }

    /// The cookie for `addr` at wall-clock time `unix_secs`.
    pub fn issue(&self, addr: SocketAddr, unix_secs: u64) -> Cookie {
        let tag = self.mac(addr, unix_secs / SLOT_SECS).finalize().into_bytes();
        let mut cookie = [0u8; COOKIE_LEN];
        cookie.copy_from_slice(&tag[..COOKIE_LEN]);
        cookie
    }

    /// Whether `cookie` was issued to `addr` in this slot or the one before.
    pub fn check(&self, addr: SocketAddr, unix_secs: u64, cookie: &Cookie) -> bool {
        let slot = unix_secs / SLOT_SECS;
        // The crate compares the truncated tag in constant time.
        [slot, slot.saturating_sub(1)]
            .iter()
            .any(|&s| self.mac(addr, s).verify_truncated_left(cookie).is_ok())
    }

    /// The MAC over `addr` and `slot`, ready to finalise or verify.
    fn mac(&self, addr: SocketAddr, slot: u64) -> Hmac<Sha256> {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.key) else {
            unreachable!("HMAC-SHA256 accepts keys of every length")
        };
        match addr {
            SocketAddr::V4(a) => mac.update(&a.ip().octets()),
            SocketAddr::V6(a) => mac.update(&a.ip().octets()),
        }
        mac.update(&addr.port().to_be_bytes());
        mac.update(&slot.to_be_bytes());
        mac
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([203, 0, 113, 7], port))
    }

    #[test]
    fn a_cookie_is_bound_to_its_address_key_and_time() {
        let jar = CookieJar::new([7; 32]);
        let now = 1_800_000_000;
        let cookie = jar.issue(addr(1), now);
        assert!(jar.check(addr(1), now, &cookie));
        assert!(jar.check(addr(1), now + SLOT_SECS, &cookie), "still good in the next slot");
        assert!(!jar.check(addr(1), now + 2 * SLOT_SECS + SLOT_SECS, &cookie), "stale after two slots");
        assert!(!jar.check(addr(2), now, &cookie), "another port");
        assert!(!jar.check(SocketAddr::from(([203, 0, 113, 8], 1)), now, &cookie), "another host");
        assert!(!CookieJar::new([8; 32]).check(addr(1), now, &cookie), "another server's key");
        let mut forged = cookie;
        forged[0] ^= 1;
        assert!(!jar.check(addr(1), now, &forged));
    }
}
