//! The transport protocol as a pure state machine. Filled in by the transport-core work.
