//! Reading what exports return, from Rust, without `unsafe` at the call site.
//!
//! Integration tests (and later the engine's own tests) call the exports as plain Rust functions
//! and need to look at the C strings and byte buffers they hand out. These helpers follow the same
//! contract as the exports: a pointer is NULL or came from this library and is still alive.

use std::ffi::{CStr, c_char, c_void};

/// Copies the NUL-terminated string at `ptr`; `None` for NULL or text that is not UTF-8.
/// `ptr` must be NULL or a string returned by an export and not yet freed.
pub fn c_string(ptr: *const c_char) -> Option<String> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: non-NULL, and by this function's contract a live NUL-terminated string.
    let text = unsafe { CStr::from_ptr(ptr) };
    text.to_str().ok().map(str::to_owned)
}

/// Copies `len` bytes at `ptr`; `None` for NULL. `ptr` must be NULL or point to at least `len`
/// live bytes returned by an export (e.g. `ovr_Packet_GetBytes` with `ovr_Packet_GetSize`).
pub fn bytes(ptr: *const c_void, len: usize) -> Option<Vec<u8>> {
    if ptr.is_null() {
        return None;
    }
    if len == 0 {
        return Some(Vec::new());
    }
    // SAFETY: non-NULL, and by this function's contract valid for `len` bytes.
    Some(unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) }.to_vec())
}
