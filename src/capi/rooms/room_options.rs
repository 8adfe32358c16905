//! `ovrRoomOptionsHandle`: optional settings for `ovr_Room_CreateAndJoinPrivate2` and
//! `ovr_Room_Join2`, created and destroyed by the application.
//!
//! Every setter of the original exists, because the C# `RoomOptions` class binds all of them.
//! Two matter here: `SetTurnOffUpdates` (both requests) and the data store setters (create
//! only; a join never makes the caller owner of an existing room). `SetRoomId`, `SetOrdering`,
//! `SetRecentlyMetTimeWindow`, `SetExcludeRecentlyMet` and `SetMaxUserResults` configure
//! requests this project does not have (invitable users, recently met users): they are stored
//! or checked, and logged as ignored.

use std::ffi::{c_char, c_uint};

use super::room_enums::{RawTimeWindow, RawUserOrdering, TimeWindow, UserOrdering};
use crate::capi::abi::cbool::BoolArg;
use crate::capi::abi::enums::CEnum;
use crate::capi::abi::guard::{self, CallError};
use crate::capi::abi::handle::{self, handle};
use crate::capi::abi::ids::ovrID;
use crate::signal::DataStore;

handle!(Owned: RoomOptions = "room options");

const LOG: &str = "ovrnet::capi";

/// The settings a request reads from an options handle.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RoomOptions {
    turn_off_updates: bool,
    data_store: DataStore,
    room_id: ovrID,
}

impl RoomOptions {
    /// True if the caller asked not to receive RoomUpdate messages.
    pub fn turn_off_updates(&self) -> bool {
        self.turn_off_updates
    }

    /// The data store a created room starts with.
    pub fn data_store(&self) -> &DataStore {
        &self.data_store
    }

    /// The room id set with `ovr_RoomOptions_SetRoomId` (read by no request here).
    pub fn room_id(&self) -> ovrID {
        self.room_id
    }
}

/// Opaque to C; made by `ovr_RoomOptions_Create`, freed by `ovr_RoomOptions_Destroy`. Requests
/// copy what they need, so it may be destroyed right after the request call.
pub type ovrRoomOptionsHandle = *mut RoomOptions;

/// Borrows an options handle for a request; NULL means "no options" (the defaults).
pub(crate) fn read(obj: ovrRoomOptionsHandle) -> RoomOptions {
    handle::get(obj.cast_const()).ok().cloned().unwrap_or_default()
}

fn options<'a>(obj: ovrRoomOptionsHandle) -> Result<&'a mut RoomOptions, CallError> {
    handle::get_mut(obj)
}

fn utf8<'a>(text: *const c_char, what: &'static str) -> Result<&'a str, CallError> {
    // SAFETY: the export's contract: NULL or a NUL-terminated string, read only during the call.
    unsafe { guard::c_utf8(text, what) }
}

/// New options with the defaults: updates on, empty data store. Free with
/// `ovr_RoomOptions_Destroy`. Needs no initialised platform.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_RoomOptions_Create() -> ovrRoomOptionsHandle {
    guard::call("ovr_RoomOptions_Create", std::ptr::null_mut(), || {
        Ok(handle::into_owned(RoomOptions::default()))
    })
}

/// Frees options made by `ovr_RoomOptions_Create`. NULL is allowed and does nothing; destroying
/// twice is undefined behaviour.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_RoomOptions_Destroy(handle: ovrRoomOptionsHandle) {
    guard::call("ovr_RoomOptions_Destroy", (), || {
        crate::capi::abi::handle::free_owned(handle);
        Ok(())
    })
}

/// Sets `key` to `value` in the data store a room created with these options starts with
/// (ignored by `ovr_Room_Join2`). Keys are 1 to 64 bytes and values up to 255 bytes of UTF-8, at
/// most 16 pairs and 512 bytes in all; a pair that does not fit is refused with a log line and the
/// store is unchanged. Strings are copied.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_RoomOptions_SetDataStoreString(
    handle: ovrRoomOptionsHandle,
    key: *const c_char,
    value: *const c_char,
) {
    guard::call("ovr_RoomOptions_SetDataStoreString", (), || {
        let options = options(handle)?;
        let (key, value) = (utf8(key, "key")?, utf8(value, "value")?);
        options.data_store.set(key, value).map_err(|e| CallError::Invalid(format!("key {key:?}: {e}")))
    })
}

/// Empties the data store of these options.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_RoomOptions_ClearDataStore(handle: ovrRoomOptionsHandle) {
    guard::call("ovr_RoomOptions_ClearDataStore", (), || {
        options(handle)?.data_store = DataStore::new();
        Ok(())
    })
}

/// True: the caller will not get RoomUpdate messages for the room it creates or joins with these
/// options (it still gets the reply to its own requests). Default false.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_RoomOptions_SetTurnOffUpdates(handle: ovrRoomOptionsHandle, value: BoolArg) {
    guard::call("ovr_RoomOptions_SetTurnOffUpdates", (), || {
        options(handle)?.turn_off_updates = value.get();
        Ok(())
    })
}

/// Stored, but read by no request here (the original used it for invitable-user lists).
#[unsafe(no_mangle)]
pub extern "C" fn ovr_RoomOptions_SetRoomId(handle: ovrRoomOptionsHandle, value: ovrID) {
    guard::call("ovr_RoomOptions_SetRoomId", (), || {
        options(handle)?.room_id = value;
        log::info!(target: LOG, "ovr_RoomOptions_SetRoomId: stored, but no request here reads it");
        Ok(())
    })
}

/// Ignored (with a log line): there are no recently-met lists here.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_RoomOptions_SetExcludeRecentlyMet(handle: ovrRoomOptionsHandle, value: BoolArg) {
    guard::call("ovr_RoomOptions_SetExcludeRecentlyMet", (), || {
        options(handle)?;
        log::info!(target: LOG, "ovr_RoomOptions_SetExcludeRecentlyMet({}) ignored: no recently-met lists", value.get());
        Ok(())
    })
}

/// Ignored (with a log line): there are no user search results here.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_RoomOptions_SetMaxUserResults(handle: ovrRoomOptionsHandle, value: c_uint) {
    guard::call("ovr_RoomOptions_SetMaxUserResults", (), || {
        options(handle)?;
        log::info!(target: LOG, "ovr_RoomOptions_SetMaxUserResults({value}) ignored: no user searches");
        Ok(())
    })
}

/// Ignored (with a log line): there are no invitable-user lists here. An unknown value is
/// refused with a log line.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_RoomOptions_SetOrdering(handle: ovrRoomOptionsHandle, value: RawUserOrdering) {
    guard::call("ovr_RoomOptions_SetOrdering", (), || {
        options(handle)?;
        let value = UserOrdering::from_raw(value.0)?;
        log::info!(target: LOG, "ovr_RoomOptions_SetOrdering({value:?}) ignored: no invitable-user lists");
        Ok(())
    })
}

/// Ignored (with a log line): there are no recently-met lists here. An unknown value is refused
/// with a log line.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_RoomOptions_SetRecentlyMetTimeWindow(
    handle: ovrRoomOptionsHandle,
    value: RawTimeWindow,
) {
    guard::call("ovr_RoomOptions_SetRecentlyMetTimeWindow", (), || {
        options(handle)?;
        let value = TimeWindow::from_raw(value.0)?;
        log::info!(target: LOG, "ovr_RoomOptions_SetRecentlyMetTimeWindow({value:?}) ignored: no recently-met lists");
        Ok(())
    })
}
