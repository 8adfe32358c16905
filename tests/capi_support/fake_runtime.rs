//! A scripted [`Runtime`] that records every call, so export-level tests can check argument
//! handling and handle creation without an engine or a network.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};

use parking_lot::Mutex;

use ovrnet::capi::abi::guard::CallError;
use ovrnet::capi::messages::message::Message;
use ovrnet::capi::messages::message_type::MessageType;
use ovrnet::capi::net::packet::Packet;
use ovrnet::capi::platform::runtime::Runtime;
use ovrnet::proto::{Policy, Stats};
use ovrnet::signal::RoomRequest;

/// One call that reached the runtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    Connect(u64),
    Accept(u64),
    Close(u64),
    IsConnected(u64),
    Ping(u64),
    Send(u64, Vec<u8>, Policy),
    Stats(u64),
    Room(RoomRequest),
    AcceptForCurrentRoom,
    SendToCurrentRoom(Vec<u8>, Policy),
    CloseForCurrentRoom,
}

#[derive(Default)]
pub struct FakeRuntime {
    pub user_id: u64,
    pub calls: Mutex<Vec<Call>>,
    pub packets: Mutex<VecDeque<Packet>>,
    pub messages: Mutex<VecDeque<Message>>,
    /// Peers `is_connected` / `stats` / `accept` / `close` answer for.
    pub connected: Mutex<Vec<u64>>,
    pub stats: Stats,
    pub shutdowns: AtomicUsize,
    /// Whether the room-scoped calls find the user in a room.
    pub in_room: Mutex<bool>,
}

impl FakeRuntime {
    pub fn new(user_id: u64) -> Self {
        Self { user_id, ..Self::default() }
    }

    pub fn calls(&self) -> Vec<Call> {
        self.calls.lock().clone()
    }

    pub fn shutdown_count(&self) -> usize {
        self.shutdowns.load(Ordering::SeqCst)
    }

    fn record(&self, call: Call) {
        self.calls.lock().push(call);
    }

    fn knows(&self, peer: u64) -> bool {
        self.connected.lock().contains(&peer)
    }
}

impl Runtime for FakeRuntime {
    fn user_id(&self) -> Result<u64, CallError> {
        Ok(self.user_id)
    }

    fn connect(&self, peer: u64) -> Result<(), CallError> {
        self.record(Call::Connect(peer));
        Ok(())
    }

    fn accept(&self, peer: u64) -> Result<bool, CallError> {
        self.record(Call::Accept(peer));
        Ok(self.knows(peer))
    }

    fn close(&self, peer: u64) -> Result<bool, CallError> {
        self.record(Call::Close(peer));
        Ok(self.knows(peer))
    }

    fn is_connected(&self, peer: u64) -> Result<bool, CallError> {
        self.record(Call::IsConnected(peer));
        Ok(self.knows(peer))
    }

    fn ping(&self, peer: u64) -> Result<u64, CallError> {
        self.record(Call::Ping(peer));
        Ok(1000 + peer)
    }

    fn send(&self, peer: u64, data: &[u8], policy: Policy) -> Result<(), CallError> {
        self.record(Call::Send(peer, data.to_vec(), policy));
        Ok(())
    }

    fn read_packet(&self) -> Result<Option<Packet>, CallError> {
        Ok(self.packets.lock().pop_front())
    }

    fn pop_message(&self) -> Result<Option<Message>, CallError> {
        Ok(self.messages.lock().pop_front())
    }

    fn post_reply(&self, message: Message) -> Result<(), CallError> {
        self.messages.lock().push_back(message);
        Ok(())
    }

    fn stats(&self, peer: u64) -> Result<Option<Stats>, CallError> {
        self.record(Call::Stats(peer));
        Ok(self.knows(peer).then_some(self.stats))
    }

    fn room_request(&self, req: RoomRequest, _reply_as: Option<MessageType>) -> Result<u64, CallError> {
        self.record(Call::Room(req));
        Ok(5000 + self.calls.lock().len() as u64)
    }

    fn accept_for_current_room(&self) -> Result<bool, CallError> {
        self.record(Call::AcceptForCurrentRoom);
        Ok(*self.in_room.lock())
    }

    fn send_to_current_room(&self, data: &[u8], policy: Policy) -> Result<(), CallError> {
        self.record(Call::SendToCurrentRoom(data.to_vec(), policy));
        if *self.in_room.lock() { Ok(()) } else { Err(CallError::Refused("not in a room".into())) }
    }

    fn close_for_current_room(&self) -> Result<bool, CallError> {
        self.record(Call::CloseForCurrentRoom);
        Ok(*self.in_room.lock())
    }

    fn shutdown(&self) {
        self.shutdowns.fetch_add(1, Ordering::SeqCst);
    }
}
