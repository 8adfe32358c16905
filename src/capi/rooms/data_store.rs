//! `ovrDataStoreHandle`: a room's key/value strings as `ovr_Room_GetDataStore` hands them out.
//! It lives inside its room (inside its message) and is freed with it.

use std::ffi::{CStr, CString, c_char, c_int, c_uint};

use crate::capi::abi::guard::{self, CallError};
use crate::capi::abi::handle::{self, handle};
use crate::capi::messages::error::to_c_string;
use crate::signal::DataStore;

handle!(Borrowed: RoomDataStore = "data store");

/// A room's data store as C strings, in key order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RoomDataStore {
    pairs: Vec<(CString, CString)>,
}

impl RoomDataStore {
    /// A copy of `store` (keys and values are UTF-8 without NUL bytes; any NUL would be dropped).
    pub fn from_store(store: &DataStore) -> Self {
        Self { pairs: store.iter().map(|(k, v)| (to_c_string(k), to_c_string(v))).collect() }
    }

    fn value(&self, key: &CStr) -> Option<&CString> {
        self.pairs.iter().find(|(k, _)| k.as_c_str() == key).map(|(_, v)| v)
    }
}

/// Opaque to C; borrowed from a room, valid until `ovr_FreeMessage` on the room's message.
pub type ovrDataStoreHandle = *mut RoomDataStore;

fn store<'a>(obj: ovrDataStoreHandle) -> Result<&'a RoomDataStore, CallError> {
    handle::get(obj.cast_const())
}

fn key_arg<'a>(key: *const c_char) -> Result<&'a CStr, CallError> {
    // SAFETY: the export's contract: `key` is NULL or a NUL-terminated string, read only during
    // the call.
    unsafe { guard::c_str(key, "key") }
}

/// 1 if the store has `key`, else 0 (also for NULL arguments). `key` is only read during the call.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_DataStore_Contains(obj: ovrDataStoreHandle, key: *const c_char) -> c_uint {
    guard::call("ovr_DataStore_Contains", 0, || {
        let store = store(obj)?;
        Ok(c_uint::from(store.value(key_arg(key)?).is_some()))
    })
}

/// The `index`-th key (0-based, keys in ascending byte order). Owned by the message: valid until
/// `ovr_FreeMessage`. NULL for an index out of range or a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_DataStore_GetKey(obj: ovrDataStoreHandle, index: c_int) -> *const c_char {
    guard::call("ovr_DataStore_GetKey", std::ptr::null(), || {
        let pairs = &store(obj)?.pairs;
        usize::try_from(index)
            .ok()
            .and_then(|i| pairs.get(i))
            .map(|(k, _)| k.as_ptr())
            .ok_or_else(|| CallError::Invalid(format!("key index {index} with {} keys", pairs.len())))
    })
}

/// Number of keys; 0 for a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_DataStore_GetNumKeys(obj: ovrDataStoreHandle) -> usize {
    guard::call("ovr_DataStore_GetNumKeys", 0, || Ok(store(obj)?.pairs.len()))
}

/// The value stored under `key`. Owned by the message: valid until `ovr_FreeMessage`. NULL if
/// the key is not there or an argument is NULL. `key` is only read during the call.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_DataStore_GetValue(obj: ovrDataStoreHandle, key: *const c_char) -> *const c_char {
    guard::call("ovr_DataStore_GetValue", std::ptr::null(), || {
        let store = store(obj)?;
        let key = key_arg(key)?;
        match store.value(key) {
            Some(value) => Ok(value.as_ptr()),
            None => {
                log::debug!(target: "ovrnet::capi", "ovr_DataStore_GetValue: no key {key:?}");
                Ok(std::ptr::null())
            }
        }
    })
}
