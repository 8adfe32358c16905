//! `ovrID_ToString` / `ovrID_FromString`: exact output, tiny buffers, NULL, malformed input.

use std::ffi::{CString, c_char};

use ovrnet::capi::abi::ids::{ovrID, ovrID_FromString, ovrID_ToString};

/// Calls ovrID_ToString into a buffer of `len` bytes pre-filled with 0x7F.
fn to_string(id: ovrID, len: usize) -> (u32, Vec<u8>) {
    let mut buf = vec![0x7Fu8; len];
    let ok = ovrID_ToString(buf.as_mut_ptr().cast::<c_char>(), len, id);
    (ok.raw(), buf)
}

fn from_string(text: &str) -> (u32, ovrID) {
    let c = CString::new(text).unwrap();
    let mut out: ovrID = 0xAAAA;
    let ok = ovrID_FromString(&mut out, c.as_ptr());
    (ok.raw(), out)
}

#[test]
fn writes_decimal_with_nul() {
    let (ok, buf) = to_string(1234567890123, 32);
    assert_eq!(ok, 1);
    assert_eq!(&buf[..14], b"1234567890123\0");
    let (ok, buf) = to_string(u64::MAX, 21);
    assert_eq!(ok, 1);
    assert_eq!(&buf[..], b"18446744073709551615\0");
    let (ok, buf) = to_string(0, 2);
    assert_eq!(ok, 1);
    assert_eq!(&buf[..], b"0\0");
}

#[test]
fn tiny_buffer_fails_without_overrun() {
    // Needs 6 bytes ("12345" + NUL); 5 must fail and leave an empty string, touching nothing else.
    let (ok, buf) = to_string(12345, 5);
    assert_eq!(ok, 0);
    assert_eq!(buf, [0, 0x7F, 0x7F, 0x7F, 0x7F]);
    let (ok, buf) = to_string(u64::MAX, 20);
    assert_eq!(ok, 0);
    assert_eq!(buf[0], 0);
    assert!(buf[1..].iter().all(|b| *b == 0x7F));
    // Zero-length buffer: nothing may be written at all.
    let (ok, buf) = to_string(1, 0);
    assert_eq!(ok, 0);
    assert!(buf.is_empty());
}

#[test]
fn null_arguments_are_refused() {
    assert_eq!(ovrID_ToString(std::ptr::null_mut(), 64, 5).raw(), 0);
    let mut out: ovrID = 77;
    assert_eq!(ovrID_FromString(&mut out, std::ptr::null()).raw(), 0);
    assert_eq!(out, 77);
    let c = CString::new("5").unwrap();
    assert_eq!(ovrID_FromString(std::ptr::null_mut(), c.as_ptr()).raw(), 0);
}

#[test]
fn parses_and_round_trips() {
    for id in [0u64, 1, 42, 1 << 40, u64::MAX - 1, u64::MAX] {
        let (ok, buf) = to_string(id, 21);
        assert_eq!(ok, 1);
        let end = buf.iter().position(|b| *b == 0).unwrap();
        let text = std::str::from_utf8(&buf[..end]).unwrap();
        assert_eq!(from_string(text), (1, id));
    }
}

#[test]
fn malformed_input_leaves_output_untouched() {
    for bad in ["", "-1", "+1", " 1", "1 ", "0x10", "12a", "18446744073709551616", "99999999999999999999999"]
    {
        assert_eq!(from_string(bad), (0, 0xAAAA), "{bad:?}");
    }
}
