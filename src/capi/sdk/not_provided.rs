//! How the generated stubs answer: like a server that said no. A request gets a fresh request id
//! and, through the message queue, an error reply of its own message type; anything else returns
//! its fallback. Both log (rate-limited per function) that ovrnet does not provide the service.

use crate::capi::abi::guard::{self, CallError};
use crate::capi::abi::ids::ovrRequest;
use crate::capi::messages::error::{ERROR_CODE_NOT_PROVIDED, PlatformError};
use crate::capi::messages::message::{Message, Payload};
use crate::capi::messages::message_type::MessageType;
use crate::capi::platform::lifecycle;
use crate::capi::platform::runtime;

/// The error every refused request carries: `ovr_Error_GetMessage` names the function.
pub fn error_for(func: &str) -> PlatformError {
    PlatformError::new(
        ERROR_CODE_NOT_PROVIDED,
        501,
        &format!("{func}: not provided by ovrnet"),
        "This feature is not available on this multiplayer server.",
    )
}

/// A request for a service ovrnet does not provide: a fresh request id, and a `kind` error
/// message with that id in the queue. 0 (and a log line) when not initialised.
pub fn request(func: &'static str, kind: MessageType) -> ovrRequest {
    guard::call(func, 0, || {
        let instance = runtime::current()?;
        let request_id = lifecycle::next_local_request_id();
        instance.post_reply(Message::new(kind, request_id, Payload::Error(error_for(func))))?;
        log_refusal(func);
        Ok(request_id)
    })
}

/// Any other function of a service ovrnet does not provide: logs and returns `fallback`.
pub fn value<T>(func: &'static str, fallback: T) -> T {
    guard::call(func, fallback, || Err(CallError::NotProvided))
}

/// A request that was answered still deserves the (rate-limited) line saying why it failed.
fn log_refusal(func: &'static str) {
    guard::call(func, (), || Err(CallError::NotProvided));
}
