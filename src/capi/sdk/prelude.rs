//! Every C type the generated code may name, from wherever it is defined (hand-written modules
//! or `generated/`), so the generator needs to know no module paths.

pub use crate::capi::abi::cbool::{Bool32, BoolArg};
pub use crate::capi::abi::enums::{
    PeerConnectionState, RawPeerConnectionState, RawRoomJoinPolicy, RawSendPolicy, RoomJoinPolicy, SendPolicy,
};
pub use crate::capi::abi::ids::{ovrID, ovrRequest};
pub use crate::capi::messages::error::ovrErrorHandle;
pub use crate::capi::messages::message::ovrMessageHandle;
pub use crate::capi::messages::message_type::{MessageType, RawMessageType};
pub use crate::capi::messages::peer::ovrNetworkingPeerHandle;
pub use crate::capi::messages::ping::ovrPingResultHandle;
pub use crate::capi::net::packet::ovrPacketHandle;
pub use crate::capi::platform::oculus_init::{
    OculusInitParams, PlatformStructureType, RawPlatformStructureType,
};
pub use crate::capi::platform::platform_initialize::{
    PlatformInitializeResult, RawPlatformInitializeResult, ovrPlatformInitializeHandle,
};
pub use crate::capi::rooms::data_store::ovrDataStoreHandle;
pub use crate::capi::rooms::key_value::{KeyValuePair, KeyValuePairType, RawKeyValuePairType};
pub use crate::capi::rooms::room::{
    ovrMatchmakingEnqueuedUserArrayHandle, ovrMatchmakingEnqueuedUserHandle, ovrRoomHandle,
    ovrTeamArrayHandle, ovrTeamHandle,
};
pub use crate::capi::rooms::room_enums::*;
pub use crate::capi::rooms::room_options::ovrRoomOptionsHandle;
pub use crate::capi::users::user::{ovrUserArrayHandle, ovrUserHandle};

pub use super::generated::enums::*;
pub use super::generated::handles::*;
pub use super::generated::types::*;
