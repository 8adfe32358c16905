//! `ovr_Room_UpdateDataStore` and the `ovrKeyValuePair` it takes: the owner's way to change a
//! room's data store after creation. Values travel as strings (the data store holds strings);
//! integer and double values are stored as their decimal text.

use std::ffi::{c_char, c_int, c_uint};

use crate::capi::abi::enums::CEnum;
use crate::capi::abi::enums::c_enum;
use crate::capi::abi::guard::{self, CallError};
use crate::capi::abi::ids::{ovrID, ovrRequest};
use crate::capi::platform::runtime;
use crate::signal::{DataStore, RoomRequest};

/// Which value field of an `ovrKeyValuePair` is meaningful.
/// cbindgen:rename-all=prefix:ovrKeyValuePairType_
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyValuePairType {
    String = 0,
    Int = 1,
    Double = 2,
    Unknown = 3,
}

c_enum!(KeyValuePairType, RawKeyValuePairType, "ovrKeyValuePairType", unknown: Unknown, [String => c"STRING", Int => c"INT", Double => c"DOUBLE", Unknown => c"UNKNOWN"]);

/// One key and its value, laid out as the original SDK's struct. The caller owns the strings;
/// they are copied during the call.
#[repr(C)]
#[allow(non_snake_case)]
#[derive(Clone, Copy, Debug)]
pub struct KeyValuePair {
    pub key: *const c_char,
    pub valueType: RawKeyValuePairType,
    pub stringValue: *const c_char,
    pub intValue: c_int,
    pub doubleValue: f64,
}

/// Most pairs one call may pass (the data store itself holds at most 16 keys).
const MAX_PAIRS: c_uint = 64;

fn read_pair(p: &KeyValuePair) -> Result<(String, String), CallError> {
    // SAFETY: the caller passes NUL-terminated strings valid for the duration of the call.
    let key = unsafe { guard::c_str(p.key, "key") }?
        .to_str()
        .map_err(|_| CallError::Invalid("key is not UTF-8".into()))?;
    let value = match KeyValuePairType::from_raw(p.valueType.0)? {
        KeyValuePairType::String => {
            // SAFETY: as above, for the string value.
            let v = unsafe { guard::c_str(p.stringValue, "stringValue") }?;
            v.to_str().map_err(|_| CallError::Invalid("stringValue is not UTF-8".into()))?.to_owned()
        }
        KeyValuePairType::Int => p.intValue.to_string(),
        KeyValuePairType::Double => p.doubleValue.to_string(),
        KeyValuePairType::Unknown => return Err(CallError::Invalid("valueType Unknown".into())),
    };
    Ok((key.to_owned(), value))
}

/// Sets keys in the data store of room `roomID` (the caller must own it). Reply:
/// `ovrMessage_Room_UpdateDataStore` with the room, or an error: 1 no such room, 3 not the owner,
/// 5 the store would exceed its limits. Returns 0 (with a log line) when not initialised, for
/// room 0, NULL `data` with `numItems` > 0, more than 64 pairs, a NULL or non-UTF-8 string, or a
/// key or value the data store cannot hold.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Room_UpdateDataStore(
    roomID: ovrID,
    data: *const KeyValuePair,
    numItems: c_uint,
) -> ovrRequest {
    guard::call("ovr_Room_UpdateDataStore", 0, || {
        if roomID == 0 {
            return Err(CallError::Invalid("room id 0 names no room".into()));
        }
        if numItems > MAX_PAIRS {
            return Err(CallError::Invalid(format!("{numItems} pairs; at most {MAX_PAIRS}")));
        }
        let pairs: &[KeyValuePair] = if numItems == 0 {
            &[]
        } else if data.is_null() {
            return Err(CallError::Null("data"));
        } else {
            // SAFETY: non-NULL, and the caller passes `numItems` consecutive pairs.
            unsafe { std::slice::from_raw_parts(data, numItems as usize) }
        };
        let mut store = DataStore::new();
        for p in pairs {
            let (k, v) = read_pair(p)?;
            store.set(&k, &v).map_err(|e| CallError::Invalid(format!("data store: {e}")))?;
        }
        runtime::current()?
            .room_request(RoomRequest::UpdateDataStore { room: roomID, data_store: store }, None)
    })
}

/// Original entry point: an init option as a key/value pair for
/// `ovr_PlatformInitializeWithAccessTokenAndOptions`. The key is the option's static name
/// (`ovrInitConfigOption_toString`), the value an int 0/1. ovrnet accepts and ignores options.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_InitConfigOption_CreateBool(
    config: crate::capi::sdk::prelude::RawInitConfigOption,
    value: crate::capi::abi::cbool::BoolArg,
) -> KeyValuePair {
    let key = crate::capi::sdk::prelude::ovrInitConfigOption_toString(config);
    KeyValuePair { intValue: c_int::from(value.get()), ..pair(key, KeyValuePairType::Int) }
}

/// A pair with the key's and value's pointers as given (nothing is copied; keep both strings
/// alive while the pair is used).
fn pair(key: *const c_char, kind: KeyValuePairType) -> KeyValuePair {
    KeyValuePair {
        key,
        valueType: RawKeyValuePairType(kind.to_raw()),
        stringValue: std::ptr::null(),
        intValue: 0,
        doubleValue: 0.0,
    }
}

/// Original entry point: a string pair. Both pointers are stored as given, not copied.
#[unsafe(no_mangle)]
pub extern "C" fn ovrKeyValuePair_makeString(key: *const c_char, value: *const c_char) -> KeyValuePair {
    KeyValuePair { stringValue: value, ..pair(key, KeyValuePairType::String) }
}

/// Original entry point: an integer pair. The key pointer is stored as given, not copied.
#[unsafe(no_mangle)]
pub extern "C" fn ovrKeyValuePair_makeInt(key: *const c_char, value: c_int) -> KeyValuePair {
    KeyValuePair { intValue: value, ..pair(key, KeyValuePairType::Int) }
}

/// Original entry point: a double pair. The key pointer is stored as given, not copied.
#[unsafe(no_mangle)]
pub extern "C" fn ovrKeyValuePair_makeDouble(key: *const c_char, value: f64) -> KeyValuePair {
    KeyValuePair { doubleValue: value, ..pair(key, KeyValuePairType::Double) }
}
