//! `ovrnet_InitializeV2`: the explicit init with what `ovrnetConfig`'s fixed layout cannot carry.
//! The struct starts with its own size, so fields can be added at the end: a caller built
//! against an older header passes a smaller size and the newer fields take their defaults.

use std::mem::{offset_of, size_of};

use super::lifecycle;
use super::ovrnet_init::{InitConfig, settings_of, start_error};
use crate::capi::abi::cbool::Bool32;
use crate::capi::abi::guard::{self, CallError};

/// ovrnet extension: the values of `ovrnetConfigV2.relay` (see docs/NAT.md). The field itself is
/// an `int32_t`, so an unknown value is refused instead of being undefined behaviour.
/// cbindgen:rename-all=prefix:ovrnetRelay_
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelaySetting {
    /// Connections start on the server's relay and move to the direct path when it works.
    Auto = 0,
    /// Direct only: peers that cannot reach each other do not connect.
    Never = 1,
    /// Relay only: a player's address is never given to the other.
    Always = 2,
}

impl RelaySetting {
    /// The setting an `int32_t` holds, if it is one.
    pub fn from_raw(raw: i32) -> Option<Self> {
        [RelaySetting::Auto, RelaySetting::Never, RelaySetting::Always].into_iter().find(|s| *s as i32 == raw)
    }

    fn name(self) -> &'static str {
        match self {
            RelaySetting::Auto => "auto",
            RelaySetting::Never => "never",
            RelaySetting::Always => "always",
        }
    }
}

/// ovrnet extension: `ovrnetConfig` plus settings it cannot carry. Zero-initialise it, set
/// `structSize = sizeof(ovrnetConfigV2)`, then fill in `base` as for `ovrnet_Initialize`.
/// cbindgen:rename-all=CamelCase
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct InitConfigV2 {
    /// `sizeof(ovrnetConfigV2)` as the caller was compiled: fields past it take their defaults.
    pub struct_size: u32,
    /// Everything `ovrnet_Initialize` takes.
    pub base: InitConfig,
    /// An `ovrnetRelayMode`: `ovrnetRelay_Auto` (0, default), `ovrnetRelay_Never` (1) or
    /// `ovrnetRelay_Always` (2); see docs/NAT.md.
    pub relay: i32,
}

/// ovrnet extension: `ovrnet_Initialize` with an `ovrnetConfigV2`. Returns false (and logs why)
/// for NULL, a `structSize` smaller than the original fields, an unknown `relay` value, and
/// everything `ovrnet_Initialize` refuses. `cfg` is only read during the call, and never past
/// `structSize` bytes.
#[unsafe(no_mangle)]
pub extern "C" fn ovrnet_InitializeV2(cfg: *const InitConfigV2) -> Bool32 {
    guard::call("ovrnet_InitializeV2", Bool32::FALSE, || {
        if cfg.is_null() {
            return Err(CallError::Null("cfg"));
        }
        let bytes = cfg.cast::<u8>();
        // SAFETY: non-NULL, and every version of the struct starts with its u32 size.
        let size = unsafe { bytes.cast::<u32>().read_unaligned() } as usize;
        let base_end = offset_of!(InitConfigV2, base) + size_of::<InitConfig>();
        if size < base_end {
            return Err(CallError::Invalid(format!(
                "structSize {size} is smaller than the {base_end} bytes up to the end of base (set it to sizeof(ovrnetConfigV2))"
            )));
        }
        // SAFETY: the caller's struct holds at least `base_end` bytes (its size says so), and
        // `base` lies within them; read_unaligned does not rely on alignment.
        let base = unsafe { bytes.add(offset_of!(InitConfigV2, base)).cast::<InitConfig>().read_unaligned() };
        let relay_end = offset_of!(InitConfigV2, relay) + size_of::<i32>();
        let relay = if size >= relay_end {
            // SAFETY: within the caller's `size` bytes, as checked just above.
            let raw = unsafe { bytes.add(offset_of!(InitConfigV2, relay)).cast::<i32>().read_unaligned() };
            RelaySetting::from_raw(raw).ok_or_else(|| {
                CallError::Invalid(format!("relay {raw} is not 0 (auto), 1 (never) or 2 (always)"))
            })?
        } else {
            RelaySetting::Auto
        };
        let mut settings = settings_of(&base)?;
        settings.relay = Some(relay.name().to_owned());
        lifecycle::start(&settings, None).map_err(start_error)?;
        Ok(Bool32::TRUE)
    })
}
