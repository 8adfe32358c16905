//! Room handle types. Rooms are not implemented yet; these types exist so the header declares
//! `ovrRoomHandle` and `ovrRoomOptionsHandle` now and messages can already carry a room payload.

/// A room as a message reports it. Fields arrive with the rooms work.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Room {
    _reserved: (),
}

/// Opaque to C; borrowed from a message, valid until `ovr_FreeMessage` on that message.
pub type ovrRoomHandle = *mut Room;

/// Options for creating or joining a room. Fields arrive with the rooms work.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RoomOptions {
    _reserved: (),
}

/// Opaque to C; created and destroyed by the application (`ovr_RoomOptions_Create/Destroy`, later).
pub type ovrRoomOptionsHandle = *mut RoomOptions;
