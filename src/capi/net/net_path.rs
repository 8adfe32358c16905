//! ovrnet extension `ovrnet_Net_GetPathType`: whether a connection goes straight to the peer or
//! through the server's relay (for network overlays, and to tell players why a ping is high).

use super::net_peer::check_peer;
use crate::capi::abi::guard::{self, CallError};
use crate::capi::abi::ids::ovrID;
use crate::capi::platform::runtime;
use crate::engine::Route;

/// ovrnet extension: the path a peer connection's data takes (see docs/NAT.md).
/// cbindgen:rename-all=prefix:ovrnetPathType_
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PathType {
    /// No connection to that peer (or not initialised, or bad arguments).
    None = 0,
    /// Straight to the peer's address.
    Direct = 1,
    /// Through the server's relay (connections start here; peers whose NATs cannot be
    /// traversed stay here).
    Relayed = 2,
}

impl From<Route> for PathType {
    fn from(r: Route) -> Self {
        match r {
            Route::Direct => PathType::Direct,
            Route::Relayed => PathType::Relayed,
        }
    }
}

/// ovrnet extension: the path the connection to `peerID` takes now. `ovrnetPathType_None` (and
/// a log line) for peer 0, no connection to that peer, or when not initialised.
#[unsafe(no_mangle)]
pub extern "C" fn ovrnet_Net_GetPathType(peerID: ovrID) -> PathType {
    guard::call("ovrnet_Net_GetPathType", PathType::None, || {
        let peer = check_peer(peerID)?;
        let route = runtime::current()?
            .path(peer)?
            .ok_or_else(|| CallError::Refused(format!("no connection to {peer}")))?;
        Ok(PathType::from(route))
    })
}
