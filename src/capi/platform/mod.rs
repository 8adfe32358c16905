//! Starting and stopping the process-wide instance: every init entry point, the settings
//! they take, the runtime behind the exports and the pump from engine events to messages.

pub mod engine_runtime;
pub mod env_settings;
pub mod lifecycle;
pub mod oculus_init;
pub mod ovrnet_init;
pub mod ovrnet_init_v2;
pub mod platform_initialize;
pub mod pump;
pub mod runtime;
pub mod settings;
pub mod unity_init;
