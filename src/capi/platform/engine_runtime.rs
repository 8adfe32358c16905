//! The real [`Runtime`]: one [`Engine`] plus the [`Pump`] that turns its notifications into
//! messages.
//!
//! The engine sits behind a read-write lock so that [`Runtime::shutdown`] can take it out and
//! join its thread deterministically: calls hold the read side only while they run (each is
//! short), shutdown waits for them on the write side, and any call arriving afterwards finds the
//! slot empty and answers "not initialised". Unread packets and notifications live inside the
//! engine and are freed with it.

use parking_lot::{Mutex, RwLock};

use super::pump::{InitReply, Pump, packet_from_engine};
use super::runtime::Runtime;
use crate::capi::abi::guard::CallError;
use crate::capi::abi::ids::{ovrID, ovrRequest};
use crate::capi::messages::message::Message;
use crate::capi::messages::message_type::MessageType;
use crate::capi::net::packet::Packet;
use crate::engine::{Engine, EngineConfig, EngineError, EngineSendError};
use crate::proto::{Policy, Stats};
use crate::signal::RoomRequest;

pub struct EngineRuntime {
    engine: RwLock<Option<Engine>>,
    /// Also serialises `pop_message`, so concurrent callers see notifications in engine order.
    pump: Mutex<Pump>,
    user_id: ovrID,
}

impl EngineRuntime {
    /// Starts an engine (binding its socket and beginning the login). `init_reply` is the
    /// asynchronous init request to answer when the login completes or fails.
    pub fn start(config: EngineConfig, init_reply: Option<InitReply>) -> Result<Self, EngineError> {
        let user_id = config.user_id;
        let engine = Engine::start(config)?;
        let pump = Pump::new(user_id, init_reply);
        Ok(Self { engine: RwLock::new(Some(engine)), pump: Mutex::new(pump), user_id })
    }

    /// Runs `f` on the engine unless it has been shut down.
    fn with<T>(&self, f: impl FnOnce(&Engine) -> T) -> Result<T, CallError> {
        self.engine.read().as_ref().map(f).ok_or(CallError::NotInitialised)
    }
}

/// The C API's view of an engine send refusal.
/// `peer` names the destination in the log line ("42", "a member of the room").
fn send_error(peer: &str, error: EngineSendError) -> CallError {
    match error {
        EngineSendError::Proto(e) => CallError::Refused(format!("cannot send to {peer}: {e}")),
        EngineSendError::InvalidPeer => CallError::Invalid(format!("{peer} is not a peer one can send to")),
        EngineSendError::ShutDown => CallError::NotInitialised,
        EngineSendError::NotInRoom => CallError::Refused("not in a room".into()),
        EngineSendError::Unreachable => CallError::Refused(format!(
            "{peer} did not answer the last connect attempt; sends retry after one connect timeout (ovr_Net_Connect retries now)"
        )),
        EngineSendError::Connecting => CallError::Refused(format!(
            "not connected to {peer} yet: connecting; the unreliable packet was dropped (unreliable data is never buffered)"
        )),
    }
}

impl Runtime for EngineRuntime {
    fn user_id(&self) -> Result<ovrID, CallError> {
        self.with(|_| self.user_id)
    }

    fn connect(&self, peer: ovrID) -> Result<(), CallError> {
        self.with(|e| e.connect(peer))
    }

    fn accept(&self, peer: ovrID) -> Result<bool, CallError> {
        self.with(|e| e.accept(peer))
    }

    fn close(&self, peer: ovrID) -> Result<bool, CallError> {
        self.with(|e| e.close(peer))
    }

    fn is_connected(&self, peer: ovrID) -> Result<bool, CallError> {
        self.with(|e| e.is_connected(peer))
    }

    fn ping(&self, peer: ovrID) -> Result<ovrRequest, CallError> {
        match self.with(|e| e.ping(peer))? {
            0 => Err(CallError::Refused(format!("the engine did not start a ping to {peer}"))),
            id => Ok(id),
        }
    }

    fn send(&self, peer: ovrID, data: &[u8], policy: Policy) -> Result<(), CallError> {
        self.with(|e| e.send(peer, data, policy))?.map_err(|error| send_error(&peer.to_string(), error))
    }

    fn read_packet(&self) -> Result<Option<Packet>, CallError> {
        Ok(self.with(Engine::read_packet)?.map(packet_from_engine))
    }

    fn pop_message(&self) -> Result<Option<Message>, CallError> {
        let mut pump = self.pump.lock();
        if let Some(message) = pump.pop_ready() {
            return Ok(Some(message));
        }
        loop {
            let Some(notification) = self.with(Engine::pop_notification)? else {
                return Ok(None);
            };
            if let Some(message) = pump.message_for(notification) {
                return Ok(Some(message));
            }
        }
    }

    fn stats(&self, peer: ovrID) -> Result<Option<Stats>, CallError> {
        self.with(|e| e.stats(peer))
    }

    fn path(&self, peer: ovrID) -> Result<Option<crate::engine::Route>, CallError> {
        self.with(|e| e.path(peer).map(|(route, _)| route))
    }

    fn room_request(&self, req: RoomRequest, reply_as: Option<MessageType>) -> Result<ovrRequest, CallError> {
        // The pump lock is held across the request so its reply cannot be converted before the
        // pump knows its type.
        let mut pump = self.pump.lock();
        match self.with(|e| e.room_request(req))? {
            // The engine answers 0 only once it is shutting down.
            0 => Err(CallError::NotInitialised),
            id => {
                if let Some(kind) = reply_as {
                    pump.reply_as(id, kind);
                }
                Ok(id)
            }
        }
    }

    fn accept_for_current_room(&self) -> Result<bool, CallError> {
        self.with(Engine::accept_for_current_room)
    }

    fn send_to_current_room(&self, data: &[u8], policy: Policy) -> Result<(), CallError> {
        match self.with(|e| e.send_to_current_room(data, policy))? {
            Ok(_members) => Ok(()),
            Err(EngineSendError::ShutDown) => Err(CallError::NotInitialised),
            Err(EngineSendError::NotInRoom) => Err(CallError::Refused("not in a room".into())),
            Err(e) => Err(send_error("a member of the room", e)),
        }
    }

    fn post_reply(&self, message: Message) -> Result<(), CallError> {
        let mut pump = self.pump.lock();
        // Everything the engine already queued goes first, then the reply.
        while let Some(notification) = self.with(Engine::pop_notification)? {
            if let Some(earlier) = pump.message_for(notification) {
                pump.push_ready(earlier).map_err(CallError::Refused)?;
            }
        }
        pump.push_ready(message).map_err(CallError::Refused)
    }

    fn close_for_current_room(&self) -> Result<bool, CallError> {
        self.with(Engine::close_for_current_room)
    }

    fn shutdown(&self) {
        // Taking the engine out waits for calls in flight; the lock is released before the
        // (slower) logout and thread join, so late calls fail fast instead of queueing.
        let engine = self.engine.write().take();
        if let Some(engine) = engine {
            engine.shutdown();
        }
    }
}
