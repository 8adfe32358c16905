//! Helpers shared by the `capi_*` integration tests. Each test binary includes what it needs
//! with `mod capi_support;` (unused parts are allowed).
#![allow(dead_code)]

pub mod child;
pub mod fake_runtime;
pub mod live;

/// The C ABI wraps one process-wide instance, so tests in one binary that touch it must not
/// overlap. Hold the returned guard for the whole test.
pub fn serial() -> parking_lot::MutexGuard<'static, ()> {
    static LOCK: parking_lot::Mutex<()> = parking_lot::Mutex::new(());
    LOCK.lock()
}
