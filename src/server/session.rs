//! One logged-in user as the server sees it: channel, address, liveness, request dedup, push
//! queue.

use std::collections::VecDeque;
use std::net::SocketAddr;

use super::rate_bucket::RateBucket;
use crate::signal::backoff::Backoff;
use crate::signal::channel::Channel;
use crate::signal::dedup::PushWindow;
use crate::signal::messages::Message;

/// Replies remembered per session so duplicate requests get the same answer.
/// At least the client's `MAX_OUTSTANDING`, so a request still being retried is never evicted.
pub const REPLY_CACHE: usize = 64;

/// A push waiting for the client's `PushAck`.
#[derive(Debug)]
pub struct QueuedPush {
    pub id: u32,
    pub msg: Message,
    pub timer: Backoff,
}

/// Server-side session state.
#[derive(Debug)]
pub struct Session {
    pub user: u64,
    pub id: u64,
    /// Where the session's datagrams last came from (the newest that opened): replies and
    /// pushes go there, so a client whose NAT rebinds keeps its session.
    pub addr: SocketAddr,
    /// The keys the login handshake made: only datagrams sealed under them act in the session.
    pub channel: Channel,
    /// The login's answer, for a retransmitted login, until the client's first sealed datagram
    /// shows it has the keys.
    pub accept: Option<Vec<u8>>,
    /// Open mode: the secret that may take this user id over from another address.
    pub credential: Vec<u8>,
    /// Nonce of the login that created the session; a login repeating it is a retransmission.
    pub nonce: u64,
    pub last_seen: u64,
    /// Deadline under which the expiry timer is filed (`last_seen` may have moved past it).
    pub expiry_timer: u64,
    /// Request ids already executed (answers to old ones come from `replies` or not at all).
    pub seen_requests: PushWindow,
    pub replies: VecDeque<(u32, Message)>,
    pub next_push: u32,
    pub pushes: VecDeque<QueuedPush>,
    /// Deadline under which this session's push timer is filed, if any.
    pub push_timer: Option<u64>,
    /// Users this one has pending connect requests to.
    pub outgoing: Vec<u64>,
    /// Users with pending connect requests to this one.
    pub incoming: Vec<u64>,
    /// Users this one may send to through the relay (both sides agreed to connect); bounded by
    /// `MAX_RELAY_PEERS`, oldest first out.
    pub relay_peers: Vec<u64>,
    /// What this session may still push through the relay.
    pub relay_bucket: RateBucket,
    /// Where the client's socket is on its own network (`SetLanAddrs`); given to the peers whose
    /// connect is brokered, so two players behind one NAT find each other.
    pub lan_addrs: Vec<SocketAddr>,
}

impl Session {
    pub fn new(
        user: u64,
        id: u64,
        addr: SocketAddr,
        channel: Channel,
        credential: Vec<u8>,
        nonce: u64,
        now: u64,
    ) -> Self {
        Self {
            user,
            id,
            addr,
            channel,
            accept: None,
            credential,
            nonce,
            last_seen: now,
            expiry_timer: 0,
            seen_requests: PushWindow::default(),
            replies: VecDeque::new(),
            next_push: 1,
            pushes: VecDeque::new(),
            push_timer: None,
            outgoing: Vec::new(),
            incoming: Vec::new(),
            relay_peers: Vec::new(),
            relay_bucket: RateBucket::new(0, now),
            lan_addrs: Vec::new(),
        }
    }

    /// The cached answer to request `req`, if it was executed recently.
    pub fn cached_reply(&self, req: u32) -> Option<&Message> {
        self.replies.iter().find(|(r, _)| *r == req).map(|(_, m)| m)
    }

    /// Remembers the answer to `req`, forgetting the oldest beyond [`REPLY_CACHE`].
    pub fn remember_reply(&mut self, req: u32, reply: Message) {
        if self.replies.len() >= REPLY_CACHE {
            self.replies.pop_front();
        }
        self.replies.push_back((req, reply));
    }

    /// Earliest retransmission time among queued pushes.
    pub fn next_push_due(&self) -> Option<u64> {
        self.pushes.iter().map(|p| p.timer.next_at).min()
    }
}
