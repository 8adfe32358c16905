//! Packet exports: `ovr_Net_SendPacket` and `ovr_Net_ReadPacket`, plus the argument checks the
//! room-scoped send shares.

use std::ffi::c_void;

use super::net_peer::check_peer;
use super::packet::{self, ovrPacketHandle};
use crate::capi::abi::cbool::Bool32;
use crate::capi::abi::enums::{CEnum, RawSendPolicy, SendPolicy};
use crate::capi::abi::guard::{self, CallError};
use crate::capi::abi::ids::ovrID;
use crate::capi::platform::pump::transport_policy;
use crate::capi::platform::runtime;
use crate::proto::{MAX_RELIABLE, MAX_UNRELIABLE, Policy};

/// Largest message a policy carries: 1200 bytes unreliable, 65535 reliable.
pub fn max_len(policy: Policy) -> usize {
    match policy {
        Policy::Unreliable => MAX_UNRELIABLE,
        Policy::Reliable => MAX_RELIABLE,
    }
}

/// Checks a send's policy, length and buffer, and borrows the bytes.
///
/// `bytes` must be NULL or point to at least `len` readable bytes that stay unchanged for `'a`
/// (the export's contract); the length is checked against the policy limit before the slice is
/// formed, so a huge `len` never reaches `from_raw_parts`.
pub(crate) fn send_args<'a>(
    len: usize,
    bytes: *const c_void,
    policy: RawSendPolicy,
) -> Result<(&'a [u8], Policy), CallError> {
    let policy = SendPolicy::from_raw(policy.0)?;
    let policy = transport_policy(policy)
        .ok_or_else(|| CallError::Invalid("ovrSend_Unknown is not a policy to send with".into()))?;
    if len == 0 {
        return Err(CallError::Invalid("length 0: empty packets are not sent".into()));
    }
    if bytes.is_null() {
        return Err(CallError::Null("bytes"));
    }
    let max = max_len(policy);
    if len > max {
        return Err(CallError::Invalid(format!(
            "{len} bytes is over the {max}-byte limit for {policy:?} packets"
        )));
    }
    // SAFETY: non-NULL, `len` <= 65535, and the caller guarantees `len` readable bytes that are
    // not written during the call.
    let data = unsafe { std::slice::from_raw_parts(bytes.cast::<u8>(), len) };
    Ok((data, policy))
}

/// Sends `length` bytes from `bytes` to `peerID` (copied before returning), connecting
/// implicitly if needed. `ovrSend_Reliable`: up to 65535 bytes, buffered until connected,
/// delivered once and in order. `ovrSend_Unreliable`: up to 1200 bytes, best effort, refused
/// before the connection is up. Returns false (and logs why) when nothing was queued: length 0 or
/// over the limit, NULL `bytes`, an unknown or `ovrSend_Unknown` policy, peer 0 or yourself, a
/// full send queue, or not initialised.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Net_SendPacket(
    userID: ovrID,
    length: usize,
    bytes: *const c_void,
    policy: RawSendPolicy,
) -> Bool32 {
    guard::call("ovr_Net_SendPacket", Bool32::FALSE, || {
        let (data, policy) = send_args(length, bytes, policy)?;
        let peer = check_peer(userID)?;
        runtime::current()?.send(peer, data, policy)?;
        Ok(Bool32::TRUE)
    })
}

/// The next received packet, or NULL if none is waiting (or when not initialised). The caller
/// owns it and must free it with `ovr_Packet_Free`. Drain it in a loop every frame:
/// `while ((p = ovr_Net_ReadPacket())) { ...; ovr_Packet_Free(p); }`.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Net_ReadPacket() -> ovrPacketHandle {
    guard::call("ovr_Net_ReadPacket", std::ptr::null_mut(), || {
        Ok(runtime::current()?.read_packet()?.map_or(std::ptr::null_mut(), packet::into_handle))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(len: usize, bytes: &[u8], policy: i32) -> Result<(usize, Policy), CallError> {
        send_args(len, bytes.as_ptr().cast(), RawSendPolicy(policy)).map(|(d, p)| (d.len(), p))
    }

    #[test]
    fn limits_follow_the_policy() {
        let big = vec![7u8; MAX_RELIABLE + 1];
        assert_eq!(check(1200, &big, 0), Ok((1200, Policy::Unreliable)));
        assert!(matches!(check(1201, &big, 0), Err(CallError::Invalid(_))));
        assert_eq!(check(65535, &big, 1), Ok((65535, Policy::Reliable)));
        assert!(matches!(check(65536, &big, 1), Err(CallError::Invalid(_))));
        // A length far beyond any buffer is refused before a slice is formed.
        assert!(matches!(check(usize::MAX, &big, 1), Err(CallError::Invalid(_))));
    }

    #[test]
    fn empty_null_and_bad_policies_are_refused() {
        assert!(matches!(check(0, b"x", 1), Err(CallError::Invalid(_))));
        let null = send_args(5, std::ptr::null(), RawSendPolicy(1));
        assert_eq!(null.err(), Some(CallError::Null("bytes")));
        assert!(matches!(check(1, b"x", 2), Err(CallError::Invalid(_))), "ovrSend_Unknown");
        for raw in [3, -1, i32::MAX, i32::MIN] {
            assert!(matches!(check(1, b"x", raw), Err(CallError::UnknownEnum { .. })), "{raw}");
        }
    }
}
