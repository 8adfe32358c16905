//! Users: the user payload and the user requests games make after init.

pub mod user;
pub mod user_requests;
