//! One mechanism for every pointer C holds to a Rust object, with its ownership in the type:
//! - [`Owned`]: C owns it. Made by [`into_owned`] (a packet from `ovr_Net_ReadPacket`, a message
//!   from `ovr_PopMessage`, room options from `ovr_RoomOptions_Create`) and given back exactly
//!   once to [`free_owned`] (`ovr_Packet_Free`, `ovr_FreeMessage`, `ovr_RoomOptions_Destroy`).
//! - [`Borrowed`]: it lives inside an owned object (a message's payload, a room's member list)
//!   and dies with it; C never frees it. Handed out by [`lend`].
//!
//! Freeing a borrowed type does not compile, so the two kinds cannot be mixed up; every unsafe
//! pointer operation of the C API's handles lives in this file.

use super::guard::CallError;

/// A type C holds by pointer. `WHAT` names it in log lines ("packet is NULL").
pub trait Handle: Sized + 'static {
    const WHAT: &'static str;
}

/// C owns values of this type: created by [`into_owned`], released by [`free_owned`].
pub trait Owned: Handle {}

/// Values of this type live inside an owned object; C only borrows them.
pub trait Borrowed: Handle {}

/// Declares the handle kind of types: `handle!(Owned: Packet = "packet", ...)`.
macro_rules! handle {
    ($kind:ident: $($ty:ty = $what:literal),+ $(,)?) => {
        $(
            impl $crate::capi::abi::handle::Handle for $ty {
                const WHAT: &'static str = $what;
            }
            impl $crate::capi::abi::handle::$kind for $ty {}
        )+
    };
}
pub(crate) use handle;

/// Moves `value` to the heap and gives its ownership to C. Never NULL.
pub fn into_owned<T: Owned>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Takes ownership back from C and drops the value; NULL does nothing.
///
/// The C contract: `ptr` is NULL or came from [`into_owned`] and was not freed before. Freeing
/// twice is undefined behaviour, as for the original SDK.
pub fn free_owned<T: Owned>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: non-NULL pointers of an `Owned` type come from `into_owned` (Box::into_raw),
        // and the caller gives ownership back here exactly once (the export's contract).
        drop(unsafe { Box::from_raw(ptr) });
    }
}

/// The object behind a handle, refusing NULL.
///
/// The C contract: `ptr` is NULL or a live handle of this type from this library (an owned one
/// not yet freed, or a borrowed one whose owner is not yet freed). Handles are never written
/// through while C can see them, except owned ones through [`get_mut`].
pub fn get<'a, T: Handle>(ptr: *const T) -> Result<&'a T, CallError> {
    // SAFETY: by the contract above the pointer is NULL (handled by `as_ref`) or points to a live
    // `T` that stays valid and unmodified while the export that called us runs.
    unsafe { ptr.as_ref() }.ok_or(CallError::Null(T::WHAT))
}

/// The object behind an owned handle, for the setters that change it, refusing NULL.
///
/// The C contract: as for [`get`], and no other call uses the same handle at the same time
/// (the original SDK's options objects are not thread-safe either).
pub fn get_mut<'a, T: Owned>(ptr: *mut T) -> Result<&'a mut T, CallError> {
    // SAFETY: by the contract the pointer is NULL (handled by `as_mut`) or the only live
    // reference to an owned `T` for the duration of the call.
    unsafe { ptr.as_mut() }.ok_or(CallError::Null(T::WHAT))
}

/// A borrowed handle to `value`, valid as long as its owner is; C must not write through it
/// (the mutable pointer type is only what the C signatures spell).
pub fn lend<T: Borrowed>(value: &T) -> *mut T {
    std::ptr::from_ref(value).cast_mut()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Thing(u32);
    struct Part(u32);
    handle!(Owned: Thing = "thing");
    handle!(Borrowed: Part = "part");

    #[test]
    fn owned_handles_round_trip_and_null_is_refused_by_name() {
        let ptr = into_owned(Thing(7));
        assert_eq!(get(ptr.cast_const()).map(|t| t.0), Ok(7));
        get_mut(ptr).map(|t| t.0 = 8).expect("non-NULL");
        assert_eq!(get(ptr.cast_const()).map(|t| t.0), Ok(8));
        free_owned(ptr);
        free_owned::<Thing>(std::ptr::null_mut());
        assert_eq!(get::<Thing>(std::ptr::null()).map(|t| t.0), Err(CallError::Null("thing")));
        assert!(get_mut::<Thing>(std::ptr::null_mut()).is_err());
    }

    #[test]
    fn borrowed_handles_point_into_their_owner() {
        let owner = [Part(1), Part(2)];
        let lent = lend(&owner[1]);
        assert_eq!(get(lent.cast_const()).map(|p| p.0), Ok(2));
        assert!(std::ptr::eq(lent.cast_const(), &owner[1]));
    }
}
