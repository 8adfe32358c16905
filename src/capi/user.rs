//! User handle types, declared now so the header is complete; filled in with the rooms work
//! (room member lists are user arrays).

/// A user as a room reports it. Fields arrive with the rooms work.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct User {
    _reserved: (),
}

/// Opaque to C; borrowed from its room or array.
pub type ovrUserHandle = *mut User;

/// A list of users. Fields arrive with the rooms work.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserArray {
    _reserved: (),
}

/// Opaque to C; borrowed from its room.
pub type ovrUserArrayHandle = *mut UserArray;
