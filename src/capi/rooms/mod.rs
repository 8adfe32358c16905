//! Rooms: the room payload and its getters, options, requests, data store and enums.

pub mod data_store;
pub mod key_value;
pub mod room;
pub mod room_admin;
pub mod room_enums;
pub mod room_options;
pub mod room_requests;
