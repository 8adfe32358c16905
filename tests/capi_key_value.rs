//! `ovr_Room_UpdateDataStore` argument checks and the `ovrKeyValuePairType` helpers (no runtime:
//! every refusal happens before the engine is reached, or is the not-initialised refusal).
use std::ffi::CStr;
use std::ptr;

use ovrnet::capi::rooms::key_value::*;
use ovrnet::capi::sdk::generated::enums::{ovrKeyValuePairType_FromString, ovrKeyValuePairType_ToString};

fn pair(key: &CStr, ty: i32, value: &CStr) -> KeyValuePair {
    KeyValuePair {
        key: key.as_ptr(),
        valueType: RawKeyValuePairType(ty),
        stringValue: value.as_ptr(),
        intValue: 7,
        doubleValue: 0.5,
    }
}

#[test]
fn bad_arguments_and_calls_before_init_return_request_id_0() {
    let good = [pair(c"mode", 0, c"ctf")];
    assert_eq!(ovr_Room_UpdateDataStore(42, good.as_ptr(), 1), 0, "not initialised");
    assert_eq!(ovr_Room_UpdateDataStore(0, good.as_ptr(), 1), 0, "room 0");
    assert_eq!(ovr_Room_UpdateDataStore(42, ptr::null(), 1), 0, "NULL data");
    assert_eq!(ovr_Room_UpdateDataStore(42, good.as_ptr(), 65), 0, "too many pairs");
    let unknown_type = [pair(c"k", 3, c"v")];
    assert_eq!(ovr_Room_UpdateDataStore(42, unknown_type.as_ptr(), 1), 0);
    let out_of_range_type = [pair(c"k", 99, c"v")];
    assert_eq!(ovr_Room_UpdateDataStore(42, out_of_range_type.as_ptr(), 1), 0);
    let null_key = [KeyValuePair { key: ptr::null(), ..pair(c"k", 0, c"v") }];
    assert_eq!(ovr_Room_UpdateDataStore(42, null_key.as_ptr(), 1), 0);
    let empty_key = [pair(c"", 0, c"v")];
    assert_eq!(ovr_Room_UpdateDataStore(42, empty_key.as_ptr(), 1), 0);
}

#[test]
fn pair_type_names_round_trip_and_unknown_values_are_refused() {
    for (v, name) in [(0, "STRING"), (1, "INT"), (2, "DOUBLE"), (3, "UNKNOWN")] {
        let s = ovrKeyValuePairType_ToString(RawKeyValuePairType(v));
        assert_eq!(ovrnet::capi::abi::inspect::c_string(s).as_deref(), Some(name));
        assert_eq!(ovrKeyValuePairType_FromString(s) as i32, v);
    }
    let s = ovrKeyValuePairType_ToString(RawKeyValuePairType(17));
    assert_eq!(ovrnet::capi::abi::inspect::c_string(s).as_deref(), Some("UNKNOWN"));
    assert_eq!(ovrKeyValuePairType_FromString(ptr::null()), KeyValuePairType::Unknown);
}

#[test]
fn the_struct_has_the_original_layout() {
    // key, valueType (+4 padding), stringValue, intValue (+4 padding), doubleValue: 40 bytes on LP64.
    assert_eq!(std::mem::size_of::<KeyValuePair>(), 5 * 8);
    assert_eq!(std::mem::offset_of!(KeyValuePair, stringValue), 16);
    assert_eq!(std::mem::offset_of!(KeyValuePair, doubleValue), 32);
}
