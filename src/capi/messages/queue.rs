//! `ovr_PopMessage`: the message queue's read end. (`ovr_FreeMessage` lives with the message
//! handle in [`super::message`].)

use super::message::{self, ovrMessageHandle};
use crate::capi::abi::guard;
use crate::capi::platform::runtime;

/// The next message (FIFO), or NULL if none is waiting (or when not initialised). Any thread.
/// The caller owns it and frees it with `ovr_FreeMessage`; payload handles and strings taken
/// from it live until then. Drain it in a loop every frame.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_PopMessage() -> ovrMessageHandle {
    guard::call("ovr_PopMessage", std::ptr::null_mut(), || {
        Ok(runtime::current()?.pop_message()?.map_or(std::ptr::null_mut(), message::into_handle))
    })
}
