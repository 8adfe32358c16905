//! The process-wide runtime slot: empty means "not initialised", one runtime at a time.

mod capi_support;

use std::sync::Arc;

use capi_support::fake_runtime::FakeRuntime;
use ovrnet::capi::abi::guard::CallError;
use ovrnet::capi::platform::runtime::{self, InstallError};

// One test function: the slot is process-wide and tests in a file run in parallel.
#[test]
fn slot_lifecycle() {
    assert!(!runtime::is_initialised());
    assert!(matches!(runtime::current(), Err(CallError::NotInitialised)));
    assert!(!runtime::shutdown());

    let first = Arc::new(FakeRuntime::new(1));
    runtime::install(first.clone()).unwrap();
    assert!(runtime::is_initialised());
    assert_eq!(runtime::current().unwrap().user_id(), Ok(1));
    let second = Arc::new(FakeRuntime::new(2));
    assert_eq!(runtime::install(second.clone()).unwrap_err(), InstallError::AlreadyInitialised);
    // The refused one never ran and the first one is still the current one.
    assert_eq!(runtime::current().unwrap().user_id(), Ok(1));

    assert!(runtime::shutdown());
    assert_eq!((first.shutdown_count(), second.shutdown_count()), (1, 0));
    assert!(!runtime::is_initialised());
    assert!(matches!(runtime::current(), Err(CallError::NotInitialised)));

    // A new runtime can be installed after shutdown (editor reloads, test suites).
    let third = Arc::new(FakeRuntime::new(3));
    runtime::install(third.clone()).unwrap();
    assert!(runtime::shutdown());
    assert_eq!((first.shutdown_count(), third.shutdown_count()), (1, 1));
}
