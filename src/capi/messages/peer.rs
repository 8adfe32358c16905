//! `ovrNetworkingPeerHandle`: the payload of PeerConnectRequest and ConnectionStateChange
//! messages. It lives inside its message and is freed with it.

use crate::capi::abi::enums::PeerConnectionState;
use crate::capi::abi::guard::{self, CallError};
use crate::capi::abi::handle::{self, handle};
use crate::capi::abi::ids::ovrID;

handle!(Borrowed: NetworkingPeer = "networking peer");

/// A peer and the state of the connection to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NetworkingPeer {
    id: ovrID,
    state: PeerConnectionState,
}

impl NetworkingPeer {
    pub fn new(id: ovrID, state: PeerConnectionState) -> Self {
        Self { id, state }
    }

    pub fn id(&self) -> ovrID {
        self.id
    }

    pub fn state(&self) -> PeerConnectionState {
        self.state
    }
}

/// Opaque to C; borrowed from a message, valid until `ovr_FreeMessage` on that message.
pub type ovrNetworkingPeerHandle = *mut NetworkingPeer;

fn peer<'a>(obj: ovrNetworkingPeerHandle) -> Result<&'a NetworkingPeer, CallError> {
    handle::get(obj.cast_const())
}

/// The peer's user id; 0 for a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_NetworkingPeer_GetID(obj: ovrNetworkingPeerHandle) -> ovrID {
    guard::call("ovr_NetworkingPeer_GetID", 0, || Ok(peer(obj)?.id))
}

/// The connection state this message reports; `ovrPeerState_Unknown` for a NULL handle.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_NetworkingPeer_GetState(obj: ovrNetworkingPeerHandle) -> PeerConnectionState {
    guard::call("ovr_NetworkingPeer_GetState", PeerConnectionState::Unknown, || Ok(peer(obj)?.state))
}
