//! `bool` at the C boundary, made safe for both directions.
//!
//! Returns: stock Oculus C# declares bool returns without `MarshalAs(I1)`, so .NET and IL2CPP read
//! all 32 bits of the return register. A Rust `bool` return only defines the low 8 bits, so every
//! bool-returning export returns [`Bool32`] instead: a `u32` that is always exactly 0 or 1. The
//! header still says `bool` (cbindgen renames the type, see `cbindgen.toml`), which is ABI
//! compatible because a C caller reading a `_Bool` only looks at the low byte.
//!
//! Arguments: C may hand over a `_Bool` byte and C# may hand over any int, so bool parameters
//! are [`BoolArg`], read as one byte and normalised; a Rust `bool` holding 2 would be UB.

/// A C `bool` return value that fills the whole 32-bit return register with 0 or 1.
/// cbindgen:no-export
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Bool32(u32);

impl Bool32 {
    pub const FALSE: Self = Self(0);
    pub const TRUE: Self = Self(1);

    /// The Rust value.
    pub fn get(self) -> bool {
        self.0 != 0
    }

    /// The exact 32-bit value a C# caller sees.
    pub fn raw(self) -> u32 {
        self.0
    }
}

impl From<bool> for Bool32 {
    fn from(value: bool) -> Self {
        Self(u32::from(value))
    }
}

/// A C `bool` argument: any non-zero low byte means true.
/// cbindgen:no-export
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct BoolArg(pub u8);

impl BoolArg {
    /// The normalised Rust value.
    pub fn get(self) -> bool {
        self.0 != 0
    }
}

impl From<bool> for BoolArg {
    fn from(value: bool) -> Self {
        Self(u8::from(value))
    }
}
