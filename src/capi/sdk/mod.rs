//! The rest of the Oculus Platform SDK surface, generated from `sdk/surface.tsv` by
//! `scripts/gen-surface.py` (see docs/SURFACE.md): every function, enum, message type and handle
//! of the original SDK that ovrnet does not implement by hand, so that stock games compile, link
//! and load. Services ovrnet does not provide answer like a server that said no.
//!
//! Only [`not_provided`] and [`prelude`] are written by hand; `generated/` is rewritten by the
//! script and checked for freshness in CI.

pub mod not_provided;
pub mod prelude;

pub mod generated {
    pub mod enums;
    pub mod handles;
    pub mod message_types;
    pub mod stubs;
    pub mod types;
}
