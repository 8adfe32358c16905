//! Helpers shared by the `capi_*` integration tests. Each test binary includes what it needs
//! with `mod capi_support;` (unused parts are allowed).
#![allow(dead_code)]

pub mod fake_runtime;
