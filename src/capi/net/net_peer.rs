//! Connection management exports: `ovr_Net_Connect`, `ovr_Net_Accept`, `ovr_Net_Close`,
//! `ovr_Net_IsConnected`, `ovr_Net_Ping`. Outcomes arrive as messages on the queue.

use crate::capi::abi::cbool::Bool32;
use crate::capi::abi::guard::{self, CallError};
use crate::capi::abi::ids::{ovrID, ovrRequest};
use crate::capi::platform::runtime;

const LOG: &str = "ovrnet::capi";

/// Refuses peer id 0, which names nobody.
pub(crate) fn check_peer(peer: ovrID) -> Result<ovrID, CallError> {
    if peer == 0 { Err(CallError::Invalid("peer id 0 names nobody".into())) } else { Ok(peer) }
}

/// Starts connecting to `peerID` and returns at once. The peer receives a
/// `ovrMessage_Notification_Networking_PeerConnectRequest`; here a
/// `ovrMessage_Notification_Networking_ConnectionStateChange` follows: Connected once it accepts,
/// Timeout if it is offline, never accepts, or cannot be reached. Does nothing if a connection
/// exists or is being set up. Peer 0, your own id, or a call before init only log a line.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Net_Connect(peerID: ovrID) {
    guard::call("ovr_Net_Connect", (), || {
        let peer = check_peer(peerID)?;
        let instance = runtime::current()?;
        if instance.user_id()? == peer {
            return Err(CallError::Invalid("cannot connect to yourself".into()));
        }
        instance.connect(peer)
    })
}

/// Accepts the pending connection request from `peerID` (announced by a PeerConnectRequest
/// message); both sides then see a ConnectionStateChange to Connected. Does nothing (and logs at
/// debug level) if no request from that peer is pending.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Net_Accept(peerID: ovrID) {
    guard::call("ovr_Net_Accept", (), || {
        let peer = check_peer(peerID)?;
        if !runtime::current()?.accept(peer)? {
            log::debug!(target: LOG, "ovr_Net_Accept: no pending request from {peer}");
        }
        Ok(())
    })
}

/// Closes the connection to `peerID` if there is one, after flushing reliable data already
/// sent; both sides see a ConnectionStateChange to Closed. Does nothing otherwise.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Net_Close(peerID: ovrID) {
    guard::call("ovr_Net_Close", (), || {
        let peer = check_peer(peerID)?;
        if !runtime::current()?.close(peer)? {
            log::debug!(target: LOG, "ovr_Net_Close: no connection to {peer}");
        }
        Ok(())
    })
}

/// True while a connection to `peerID` is open; false otherwise, for peer 0, or when not
/// initialised.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Net_IsConnected(peerID: ovrID) -> Bool32 {
    guard::call("ovr_Net_IsConnected", Bool32::FALSE, || {
        let peer = check_peer(peerID)?;
        Ok(runtime::current()?.is_connected(peer)?.into())
    })
}

/// Measures the round trip to `peerID`. Returns a non-zero request id; a
/// `ovrMessage_Notification_Networking_PingResult` message with that request id follows, whose
/// ping result names `peerID` and holds the round trip in microseconds, or reports a timeout
/// (also when there is no connection to ping over). Returns 0 for peer 0 or when not
/// initialised.
#[unsafe(no_mangle)]
pub extern "C" fn ovr_Net_Ping(peerID: ovrID) -> ovrRequest {
    guard::call("ovr_Net_Ping", 0, || {
        let peer = check_peer(peerID)?;
        runtime::current()?.ping(peer)
    })
}
