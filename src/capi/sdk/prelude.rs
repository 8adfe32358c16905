//! Every C type the generated code may name, from wherever it is defined (hand-written modules
//! or `generated/`), so the generator needs to know no module paths.

pub use crate::capi::cbool::{Bool32, BoolArg};
pub use crate::capi::data_store::ovrDataStoreHandle;
pub use crate::capi::enums::{
    PeerConnectionState, RawPeerConnectionState, RawRoomJoinPolicy, RawSendPolicy, RoomJoinPolicy, SendPolicy,
};
pub use crate::capi::error::ovrErrorHandle;
pub use crate::capi::ids::{ovrID, ovrRequest};
pub use crate::capi::key_value::{KeyValuePair, KeyValuePairType, RawKeyValuePairType};
pub use crate::capi::message::ovrMessageHandle;
pub use crate::capi::message_type::{MessageType, RawMessageType};
pub use crate::capi::oculus_init::{OculusInitParams, PlatformStructureType, RawPlatformStructureType};
pub use crate::capi::packet::ovrPacketHandle;
pub use crate::capi::peer::ovrNetworkingPeerHandle;
pub use crate::capi::ping::ovrPingResultHandle;
pub use crate::capi::platform_initialize::{
    PlatformInitializeResult, RawPlatformInitializeResult, ovrPlatformInitializeHandle,
};
pub use crate::capi::room::{
    ovrMatchmakingEnqueuedUserArrayHandle, ovrMatchmakingEnqueuedUserHandle, ovrRoomHandle,
    ovrTeamArrayHandle, ovrTeamHandle,
};
pub use crate::capi::room_enums::*;
pub use crate::capi::room_options::ovrRoomOptionsHandle;
pub use crate::capi::user::{ovrUserArrayHandle, ovrUserHandle};

pub use super::generated::enums::*;
pub use super::generated::handles::*;
pub use super::generated::types::*;
