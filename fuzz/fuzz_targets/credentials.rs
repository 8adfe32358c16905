//! Everything that parses text or tokens from outside: shared-secret and signed login tokens,
//! peer certificates, and the client's settings (config file lines and app id strings).
#![no_main]
use libfuzzer_sys::fuzz_target;
use ovrnet::capi::platform::env_settings;
use ovrnet::proto::Certificate;
use ovrnet::server::{signed_token, token};

fuzz_target!(|data: &[u8]| {
    let _ = token::verify(b"secret", data, 7, 1_800_000_000);
    let _ = signed_token::verify(&[[3; 32]], data, 7, "game", 1_800_000_000);
    let _ = Certificate::from_bytes(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = env_settings::parse_file(text);
        let _ = env_settings::parse_app_id(text);
        let _ = signed_token::parse_key(text);
        // Parsing only: building the engine config would resolve host names (DNS).
        let _ = env_settings::resolve(Some(text), |_| None, |_| Err("no files".into()));
    }
});
