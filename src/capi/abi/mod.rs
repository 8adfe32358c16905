//! The C boundary itself: the panic and argument barrier every export goes through, the one
//! handle mechanism, 32-bit bools, C enums, ids and the logger.

pub mod cbool;
pub mod enums;
pub mod guard;
pub mod handle;
pub mod ids;
pub mod inspect;
pub mod logger;
