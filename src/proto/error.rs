//! Typed errors of the protocol layer.
use std::fmt;

/// Why a message could not be queued. Nothing was queued when this is returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendError {
    /// Zero-length messages carry nothing and are refused.
    Empty,
    /// Larger than the policy allows (1200 bytes unreliable, 65535 reliable).
    TooLarge { len: usize, max: usize },
    /// Unreliable data is only accepted once the connection is established.
    NotConnected,
    /// The send queue is at its configured limit; try again after the peer acknowledges data.
    QueueFull,
    /// The connection is closing or closed.
    Closed,
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::Empty => write!(f, "message is empty"),
            SendError::TooLarge { len, max } => {
                write!(f, "message of {len} bytes exceeds the limit of {max}")
            }
            SendError::NotConnected => write!(f, "unreliable send before the connection is up"),
            SendError::QueueFull => write!(f, "send queue is full"),
            SendError::Closed => write!(f, "connection is closing or closed"),
        }
    }
}

impl std::error::Error for SendError {}

/// Why a datagram was rejected by the decoder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// Ended before a field or frame was complete.
    Truncated,
    /// First byte is not this protocol's family/version.
    WrongVersion,
    /// Unknown packet or frame type.
    UnknownType(u8),
    /// A field holds a value the protocol forbids (e.g. a fragment past its message's end).
    InvalidField,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Truncated => write!(f, "datagram truncated"),
            DecodeError::WrongVersion => write!(f, "not an ovrnet transport v2 datagram"),
            DecodeError::UnknownType(t) => write!(f, "unknown type byte 0x{t:02x}"),
            DecodeError::InvalidField => write!(f, "field value out of range"),
        }
    }
}

impl std::error::Error for DecodeError {}
