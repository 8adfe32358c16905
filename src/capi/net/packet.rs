//! `ovrPacketHandle`: one received packet, owned by the application until `ovr_Packet_Free`.

use std::ffi::c_void;

use crate::capi::abi::enums::SendPolicy;
use crate::capi::abi::guard::{self, CallError};
use crate::capi::abi::handle::{self, handle};
use crate::capi::abi::ids::ovrID;

handle!(Owned: Packet = "packet");

/// A received packet: who sent it, how, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    sender: ovrID,
    policy: SendPolicy,
    data: Box<[u8]>,
}

impl Packet {
    /// A packet from `sender` that was sent with `policy`.
    pub fn new(sender: ovrID, policy: SendPolicy, data: impl Into<Box<[u8]>>) -> Self {
        Self { sender, policy, data: data.into() }
    }

    pub fn sender(&self) -> ovrID {
        self.sender
    }

    pub fn policy(&self) -> SendPolicy {
        self.policy
    }

    pub fn bytes(&self) -> &[u8] {
        &self.data
    }
}

/// Opaque to C. The pointer is owned by whoever holds it; C frees it with `ovr_Packet_Free`.
pub type ovrPacketHandle = *mut Packet;

/// Moves a packet to the heap and gives up ownership to the caller (C). Never NULL.
pub fn into_handle(packet: Packet) -> ovrPacketHandle {
    handle::into_owned(packet)
}

/// Borrows the packet behind a handle.
fn packet<'a>(obj: ovrPacketHandle) -> Result<&'a Packet, CallError> {
    handle::get(obj.cast_const())
}

/// Frees a packet returned by `ovr_Net_ReadPacket`, together with its bytes. NULL is allowed and
/// does nothing. The handle and every pointer obtained from it are invalid afterwards; freeing
/// twice is undefined behaviour.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Packet_Free(obj: ovrPacketHandle) {
    guard::call("ovr_Packet_Free", (), || {
        handle::free_owned(obj);
        Ok(())
    })
}

/// The packet's bytes: `ovr_Packet_GetSize` of them. The memory belongs to the packet and stays
/// valid until `ovr_Packet_Free`; do not free or write it. NULL for a NULL handle. For an empty
/// packet the pointer is non-NULL but must not be read.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Packet_GetBytes(obj: ovrPacketHandle) -> *const c_void {
    guard::call("ovr_Packet_GetBytes", std::ptr::null(), || Ok(packet(obj)?.data.as_ptr().cast::<c_void>()))
}

/// The user id of the peer that sent the packet; 0 for a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Packet_GetSenderID(obj: ovrPacketHandle) -> ovrID {
    guard::call("ovr_Packet_GetSenderID", 0, || Ok(packet(obj)?.sender))
}

/// Number of bytes in the packet; 0 for a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Packet_GetSize(obj: ovrPacketHandle) -> usize {
    guard::call("ovr_Packet_GetSize", 0, || Ok(packet(obj)?.data.len()))
}

/// The policy the sender used; `ovrSend_Unknown` for a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Packet_GetSendPolicy(obj: ovrPacketHandle) -> SendPolicy {
    guard::call("ovr_Packet_GetSendPolicy", SendPolicy::Unknown, || Ok(packet(obj)?.policy))
}
