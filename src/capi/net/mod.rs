//! The `ovr_Net_*` exports and the packets they hand out.

pub mod net_packet;
pub mod net_path;
pub mod net_peer;
pub mod net_room;
pub mod net_stats;
pub mod packet;
