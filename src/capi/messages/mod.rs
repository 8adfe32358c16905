//! The message queue (`ovr_PopMessage`), messages and their payloads (networking peer, ping
//! result, error) and every message type id.

pub mod error;
pub mod message;
pub mod message_type;
pub mod peer;
pub mod ping;
pub mod queue;
