//! Messages in and out of `Sealed` datagrams: the plaintext inside is one encoded message,
//! sealed under a session's [`Channel`].

use super::channel::Channel;
use super::codec::{self, MAX_SIGNAL_DATAGRAM, MAX_SIGNAL_MESSAGE};
use super::messages::Message;

/// The `Sealed` datagram carrying `msg` in session `session`; None if `msg` does not encode.
pub fn seal(channel: &mut Channel, to_server: bool, session: u64, msg: &Message) -> Option<Vec<u8>> {
    let mut plain = [0u8; MAX_SIGNAL_MESSAGE];
    let n = codec::encode(msg, &mut plain).ok()?;
    let mut body = vec![0u8; n + super::channel::SEAL_OVERHEAD];
    let (counter, len) = channel.seal(&plain[..n], &mut body)?;
    body.truncate(len);
    Some(codec::encode_to_vec(&Message::Sealed { to_server, session, counter, body }))
}

/// The message a `Sealed` datagram's `body` carries, and whether its counter is the newest so
/// far. None if it does not open (forged, damaged, replayed) or what it carries is not a
/// session message.
pub fn open(channel: &mut Channel, counter: u64, body: &[u8]) -> Option<(Message, bool)> {
    let mut plain = [0u8; MAX_SIGNAL_DATAGRAM];
    let opened = channel.open(counter, body, &mut plain)?;
    let msg = codec::decode(&plain[..opened.len]).ok()?;
    msg.travels_sealed().then_some((msg, opened.newest))
}
