//! Byte layouts of the room values inside signalling messages (see `docs/ROOMS.md`).
//!
//! * flag: one byte, 0 or 1.
//! * data store: count u8 (<= 16), then per pair key_len u8 (1..=64), key, value_len u8,
//!   value; keys strictly ascending, UTF-8, at most 512 bytes of keys plus values.
//! * snapshot: room u64, owner u64, join_policy u8, max_users u32, membership_locked flag,
//!   version u64, member count u8 (<= 64), members u64 each, data store, invited count u8
//!   (<= 16), invited u64 each, description_len u8 (<= 64), UTF-8 description.
//! * error: code u32, text_len u8 (<= 200), UTF-8 text.
//!
//! Decoding accepts exactly what encoding produces, so every accepted datagram re-encodes to
//! the same bytes.

use super::codec::{DecodeError, EncodeError, Reader, Writer};
use super::room::{
    DataStore, JoinPolicy, MAX_DATA_STORE_ENTRIES, MAX_ROOM_DESCRIPTION_LEN, MAX_ROOM_ERROR_TEXT,
    MAX_ROOM_INVITED_USERS, MAX_ROOM_USERS, RoomError, RoomErrorCode, RoomSnapshot,
};

pub(super) fn write_data_store(w: &mut Writer<'_>, d: &DataStore) -> Result<(), EncodeError> {
    w.u8(len_u8(d.len())?)?;
    for (k, v) in d.iter() {
        w.u8(len_u8(k.len())?)?;
        w.bytes(k.as_bytes())?;
        w.u8(len_u8(v.len())?)?;
        w.bytes(v.as_bytes())?;
    }
    Ok(())
}

pub(super) fn write_snapshot(w: &mut Writer<'_>, s: &RoomSnapshot) -> Result<(), EncodeError> {
    w.u64(s.room_id)?;
    w.u64(s.owner)?;
    w.u8(s.join_policy.code())?;
    w.u32(s.max_users)?;
    w.u8(u8::from(s.membership_locked))?;
    w.u64(s.version)?;
    w.u8(len_u8(s.members.len())?)?;
    for &m in &s.members {
        w.u64(m)?;
    }
    write_data_store(w, &s.data_store)?;
    w.u8(len_u8(s.invited_users.len())?)?;
    for &u in &s.invited_users {
        w.u64(u)?;
    }
    write_str(w, &s.description)
}

/// A length-prefixed (u8) string; longer than 255 bytes cannot be encoded.
pub(super) fn write_str(w: &mut Writer<'_>, s: &str) -> Result<(), EncodeError> {
    w.u8(len_u8(s.len())?)?;
    w.bytes(s.as_bytes())
}

pub(super) fn write_error(w: &mut Writer<'_>, e: &RoomError) -> Result<(), EncodeError> {
    w.u32(e.code.code())?;
    w.u8(len_u8(e.message().len())?)?;
    w.bytes(e.message().as_bytes())
}

pub(super) fn read_flag(r: &mut Reader<'_>) -> Result<bool, DecodeError> {
    match r.u8()? {
        0 => Ok(false),
        1 => Ok(true),
        b => Err(DecodeError::BadFlag(b)),
    }
}

pub(super) fn read_policy(r: &mut Reader<'_>) -> Result<JoinPolicy, DecodeError> {
    let b = r.u8()?;
    JoinPolicy::from_code(b).ok_or(DecodeError::BadJoinPolicy(b))
}

pub(super) fn read_data_store(r: &mut Reader<'_>) -> Result<DataStore, DecodeError> {
    let count = usize::from(r.u8()?);
    if count > MAX_DATA_STORE_ENTRIES {
        return Err(DecodeError::BadDataStore);
    }
    let mut store = DataStore::new();
    let mut last: Option<String> = None;
    for _ in 0..count {
        let key = read_str(r, usize::from(u8::MAX))?;
        let value = read_str(r, usize::from(u8::MAX))?;
        if last.as_deref().is_some_and(|prev| prev >= key.as_str()) {
            return Err(DecodeError::BadDataStore);
        }
        store.set(&key, &value).map_err(|_| DecodeError::BadDataStore)?;
        last = Some(key);
    }
    Ok(store)
}

pub(super) fn read_snapshot(r: &mut Reader<'_>) -> Result<RoomSnapshot, DecodeError> {
    let room_id = r.u64()?;
    let owner = r.u64()?;
    let join_policy = read_policy(r)?;
    let max_users = r.u32()?;
    let membership_locked = read_flag(r)?;
    let version = r.u64()?;
    let count = r.u8()?;
    if u32::from(count) > MAX_ROOM_USERS {
        return Err(DecodeError::TooManyMembers);
    }
    let members = (0..count).map(|_| r.u64()).collect::<Result<Vec<_>, _>>()?;
    let data_store = read_data_store(r)?;
    let invited = usize::from(r.u8()?);
    if invited > MAX_ROOM_INVITED_USERS {
        return Err(DecodeError::TooManyInvited);
    }
    let invited_users = (0..invited).map(|_| r.u64()).collect::<Result<Vec<_>, _>>()?;
    let description = read_str(r, MAX_ROOM_DESCRIPTION_LEN)?;
    Ok(RoomSnapshot {
        room_id,
        owner,
        members,
        join_policy,
        max_users,
        data_store,
        version,
        membership_locked,
        invited_users,
        description,
    })
}

pub(super) fn read_error(r: &mut Reader<'_>) -> Result<RoomError, DecodeError> {
    let code = RoomErrorCode::from_code(r.u32()?);
    let text = read_str(r, MAX_ROOM_ERROR_TEXT)?;
    Ok(RoomError::new(code, text))
}

/// A length-prefixed (u8) UTF-8 string of at most `max` bytes.
pub(super) fn read_str(r: &mut Reader<'_>, max: usize) -> Result<String, DecodeError> {
    let len = usize::from(r.u8()?);
    if len > max {
        return Err(DecodeError::BadText);
    }
    let bytes = r.bytes(len)?;
    std::str::from_utf8(bytes).map(str::to_owned).map_err(|_| DecodeError::BadText)
}

/// Lengths are bounded by the value types long before 255; a longer one cannot be encoded.
fn len_u8(n: usize) -> Result<u8, EncodeError> {
    u8::try_from(n).map_err(|_| EncodeError::BufferTooSmall)
}
