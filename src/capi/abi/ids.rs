//! `ovrID` (users, rooms) and `ovrRequest` (request ids), and their decimal string form.

use std::ffi::c_char;

use super::cbool::Bool32;
use super::guard::{self, CallError};

/// A user or room id. 0 means "none".
pub type ovrID = u64;

/// A request id returned by asynchronous calls and echoed by their reply message. 0 means
/// "invalid"; a real request id is never 0.
pub type ovrRequest = u64;

/// Longest decimal `u64` ("18446744073709551615").
const MAX_DIGITS: usize = 20;

/// Parses the strict decimal form [`format_id`] writes: 1 to 20 ASCII digits, no sign, no spaces,
/// no overflow.
pub fn parse_id(text: &[u8]) -> Result<ovrID, CallError> {
    if text.is_empty() || text.len() > MAX_DIGITS || !text.iter().all(u8::is_ascii_digit) {
        return Err(CallError::Malformed("ovrID"));
    }
    text.iter().try_fold(0u64, |acc, digit| {
        acc.checked_mul(10)
            .and_then(|acc| acc.checked_add(u64::from(digit - b'0')))
            .ok_or(CallError::Malformed("ovrID"))
    })
}

/// The decimal form of an id.
pub fn format_id(id: ovrID) -> String {
    id.to_string()
}

/// Writes `id` as a NUL-terminated decimal string into `outParam`, which has room for
/// `bufferLength` bytes (including the NUL; 21 always suffices). The buffer stays owned by the
/// caller. Returns false, writing nothing but an empty string when `bufferLength` > 0, if the
/// buffer is too small or NULL.
#[unsafe(no_mangle)]
pub extern "C" fn ovrID_ToString(outParam: *mut c_char, bufferLength: usize, id: ovrID) -> Bool32 {
    guard::call("ovrID_ToString", Bool32::FALSE, || {
        if outParam.is_null() {
            return Err(CallError::Null("outParam"));
        }
        let text = format_id(id);
        let needed = text.len() + 1;
        if bufferLength < needed {
            if bufferLength > 0 {
                // SAFETY: `outParam` is non-NULL and has room for `bufferLength` >= 1 bytes.
                unsafe { outParam.write(0) };
            }
            return Err(CallError::BufferTooSmall { needed, given: bufferLength });
        }
        // SAFETY: `outParam` has room for `bufferLength` >= text.len() + 1 bytes and cannot
        // overlap the freshly allocated `text`.
        unsafe {
            std::ptr::copy_nonoverlapping(text.as_ptr().cast::<c_char>(), outParam, text.len());
            outParam.add(text.len()).write(0);
        }
        Ok(Bool32::TRUE)
    })
}

/// Parses a decimal id from the NUL-terminated string `inId` into `*outId`. Returns false, leaving
/// `*outId` untouched, when either pointer is NULL or the text is not a plain decimal number that
/// fits in 64 bits. `inId` is only read during the call.
#[unsafe(no_mangle)]
pub extern "C" fn ovrID_FromString(outId: *mut ovrID, inId: *const c_char) -> Bool32 {
    guard::call("ovrID_FromString", Bool32::FALSE, || {
        if outId.is_null() {
            return Err(CallError::Null("outId"));
        }
        // SAFETY: the contract says `inId` is NULL or a NUL-terminated string.
        let text = unsafe { guard::c_str(inId, "inId") }?;
        let id = parse_id(text.to_bytes())?;
        // SAFETY: `outId` is non-NULL and, per the contract, points to writable storage for an ovrID.
        unsafe { outId.write_unaligned(id) };
        Ok(Bool32::TRUE)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_only_plain_decimal() {
        assert_eq!(parse_id(b"0"), Ok(0));
        assert_eq!(parse_id(b"18446744073709551615"), Ok(u64::MAX));
        assert!(parse_id(b"18446744073709551616").is_err());
        assert!(parse_id(b"").is_err());
        assert!(parse_id(b"-1").is_err());
        assert!(parse_id(b" 1").is_err());
        assert!(parse_id(b"12a").is_err());
        assert!(parse_id(b"000000000000000000001").is_err());
    }
}
