//! The barrier every export goes through: a panic or a bad argument becomes the function's
//! fallback value (false/NULL/0) plus one log line, never an unwind into C or a crash.

use std::collections::BTreeMap;
use std::ffi::{CStr, c_char};
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use super::logger;

/// Why an export refused its input. Logged by [`call`], never shown to C as anything but the
/// fallback value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// A required pointer argument was NULL.
    Null(&'static str),
    /// An enum argument held a value outside the C enum.
    UnknownEnum { ty: &'static str, value: i64 },
    /// A message accessor was asked for a payload the message does not carry.
    WrongPayload { wanted: &'static str, found: &'static str },
    /// An output buffer cannot hold the result (size includes the terminating NUL).
    BufferTooSmall { needed: usize, given: usize },
    /// A string argument could not be parsed.
    Malformed(&'static str),
    /// The call needs the platform runtime and none is installed.
    NotInitialised,
    /// An argument is well-formed but not acceptable (peer id 0, a length over the limit, ...).
    Invalid(String),
    /// The engine refused the request (send queue full, not connected, not in a room, ...).
    Refused(String),
    /// A function of a service ovrnet does not provide (achievements, purchases, ...).
    NotProvided,
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Null(what) => write!(f, "{what} is NULL"),
            Self::UnknownEnum { ty, value } => write!(f, "{value} is not a valid {ty}"),
            Self::WrongPayload { wanted, found } => {
                write!(f, "message carries {found}, not {wanted}")
            }
            Self::BufferTooSmall { needed, given } => {
                write!(f, "buffer holds {given} bytes, {needed} needed")
            }
            Self::Malformed(what) => write!(f, "malformed {what}"),
            Self::NotInitialised => write!(f, "platform is not initialised"),
            Self::Invalid(why) => write!(f, "invalid argument: {why}"),
            Self::Refused(why) => write!(f, "refused: {why}"),
            Self::NotProvided => {
                write!(f, "not provided by ovrnet (this service of the original SDK has no server here)")
            }
        }
    }
}

impl std::error::Error for CallError {}

impl CallError {
    /// The variant's name: with the export's name, the key the log rate limit counts under.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Null(_) => "null",
            Self::UnknownEnum { .. } => "unknown-enum",
            Self::WrongPayload { .. } => "wrong-payload",
            Self::BufferTooSmall { .. } => "buffer-too-small",
            Self::Malformed(_) => "malformed",
            Self::NotInitialised => "not-initialised",
            Self::Invalid(_) => "invalid",
            Self::Refused(_) => "refused",
            Self::NotProvided => "not-provided",
        }
    }
}

/// Runs an export's body. `Ok` passes through; `Err` and panics give `fallback` and a log line
/// naming `func`.
pub fn call<T>(func: &'static str, fallback: T, body: impl FnOnce() -> Result<T, CallError>) -> T {
    logger::install();
    // The body only touches its own arguments and handles; after a panic none of its state is
    // looked at again, so asserting unwind safety is sound.
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(value)) => value,
        Ok(Err(err)) => {
            if let Some(skipped) = REFUSAL_LINES.lock().admit((func, err.kind()), Instant::now()) {
                match skipped {
                    0 => log::warn!(target: "ovrnet::capi", "{func}: {err}"),
                    n => log::warn!(target: "ovrnet::capi", "{func}: {err} ({n} similar lines skipped)"),
                }
            }
            fallback
        }
        Err(payload) => {
            let why = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "non-string panic payload".to_owned());
            log::error!(target: "ovrnet::capi", "{func}: internal panic: {why}");
            fallback
        }
    }
}

/// Refusal lines are limited per export and kind of refusal: a game that polls
/// `ovr_Net_ReadPacket` every frame after shutdown would otherwise write a line per frame.
/// Panics are always logged.
static REFUSAL_LINES: Mutex<RateLimit> = Mutex::new(RateLimit::new(Duration::from_secs(1)));

/// What the log rate limit counts under: the export's name and the kind of refusal.
pub type RateKey = (&'static str, &'static str);

/// At most one line per key per interval; the next admitted line learns how many were skipped.
pub struct RateLimit {
    interval: Duration,
    /// Per key: when its last line was written and how many were skipped since. Bounded by the
    /// number of exports (keys are export names).
    last: BTreeMap<RateKey, (Instant, u64)>,
}

impl RateLimit {
    pub const fn new(interval: Duration) -> Self {
        Self { interval, last: BTreeMap::new() }
    }

    /// `Some(skipped)` if a line for `key` may be written at `now`, `None` to skip it.
    pub fn admit(&mut self, key: RateKey, now: Instant) -> Option<u64> {
        match self.last.get_mut(&key) {
            Some((at, skipped)) if now.saturating_duration_since(*at) < self.interval => {
                *skipped += 1;
                None
            }
            Some(entry) => {
                let skipped = entry.1;
                *entry = (now, 0);
                Some(skipped)
            }
            None => {
                self.last.insert(key, (now, 0));
                Some(0)
            }
        }
    }
}

/// Borrows the object behind a handle, refusing NULL.
///
/// # Safety
/// `ptr` must be NULL or point to a live `T` that stays valid and unmodified for `'a`.
pub unsafe fn borrow<'a, T>(ptr: *const T, what: &'static str) -> Result<&'a T, CallError> {
    // SAFETY: the caller guarantees `ptr` is NULL or valid for `'a`; `as_ref` handles NULL.
    unsafe { ptr.as_ref() }.ok_or(CallError::Null(what))
}

/// Borrows a NUL-terminated C string, refusing NULL.
///
/// # Safety
/// `ptr` must be NULL or point to a NUL-terminated string that stays valid for `'a`.
pub unsafe fn c_str<'a>(ptr: *const c_char, what: &'static str) -> Result<&'a CStr, CallError> {
    if ptr.is_null() {
        return Err(CallError::Null(what));
    }
    // SAFETY: non-NULL, and the caller guarantees NUL termination and lifetime.
    Ok(unsafe { CStr::from_ptr(ptr) })
}

/// Borrows a NUL-terminated UTF-8 string, refusing NULL and invalid UTF-8.
///
/// # Safety
/// As for [`c_str`].
pub unsafe fn c_utf8<'a>(ptr: *const c_char, what: &'static str) -> Result<&'a str, CallError> {
    // SAFETY: the caller's guarantee is passed on unchanged.
    let text = unsafe { c_str(ptr, what) }?;
    text.to_str().map_err(|_| CallError::Malformed(what))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ok_passes_through_and_err_gives_fallback() {
        assert_eq!(call("t", 0u32, || Ok(7)), 7);
        assert_eq!(call("t", 9u32, || Err(CallError::Null("x"))), 9);
    }

    #[test]
    fn panic_is_caught_and_gives_fallback() {
        let got = call("t", std::ptr::null::<u8>(), || panic!("boom"));
        assert!(got.is_null());
        let owned = call("t", 5i32, || panic!("{}", String::from("owned payload")));
        assert_eq!(owned, 5);
    }

    #[test]
    fn refusal_lines_are_limited_per_export() {
        let t0 = Instant::now();
        let at = |ms| t0 + Duration::from_millis(ms);
        let mut limit = RateLimit::new(Duration::from_secs(1));
        let (a, b, a_other) = (("f", "null"), ("g", "null"), ("f", "refused"));
        assert_eq!(limit.admit(a, at(0)), Some(0));
        assert_eq!(limit.admit(a, at(10)), None);
        assert_eq!(limit.admit(b, at(20)), Some(0), "other exports are not held back");
        assert_eq!(limit.admit(a_other, at(30)), Some(0), "nor other refusals of the same export");
        assert_eq!(limit.admit(a, at(999)), None);
        assert_eq!(limit.admit(a, at(1000)), Some(2), "reports what it skipped");
        assert_eq!(limit.admit(a, at(2500)), Some(0));
    }

    #[test]
    fn null_pointers_are_refused() {
        // SAFETY: NULL is explicitly allowed by both helpers.
        let r = unsafe { borrow::<u32>(std::ptr::null(), "h") };
        assert_eq!(r, Err(CallError::Null("h")));
        // SAFETY: as above.
        let s = unsafe { c_str(std::ptr::null(), "s") };
        assert_eq!(s, Err(CallError::Null("s")));
    }
}
