//! The process-wide runtime slot: empty means "not initialised", one runtime at a time.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use ovrnet::capi::guard::CallError;
use ovrnet::capi::runtime::{self, InstallError, Runtime};

struct Counting(Arc<AtomicUsize>);

impl Runtime for Counting {
    fn shutdown(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

// One test function: the slot is process-wide and tests in a file run in parallel.
#[test]
fn slot_lifecycle() {
    assert!(!runtime::is_initialised());
    assert!(matches!(runtime::current(), Err(CallError::NotInitialised)));
    assert!(!runtime::shutdown());

    let shutdowns = Arc::new(AtomicUsize::new(0));
    runtime::install(Arc::new(Counting(shutdowns.clone()))).unwrap();
    assert!(runtime::is_initialised());
    assert!(runtime::current().is_ok());
    assert_eq!(
        runtime::install(Arc::new(Counting(shutdowns.clone()))).unwrap_err(),
        InstallError::AlreadyInitialised
    );

    assert!(runtime::shutdown());
    assert_eq!(shutdowns.load(Ordering::SeqCst), 1);
    assert!(!runtime::is_initialised());
    assert!(matches!(runtime::current(), Err(CallError::NotInitialised)));

    // A new runtime can be installed after shutdown (editor reloads, test suites).
    runtime::install(Arc::new(Counting(shutdowns.clone()))).unwrap();
    assert!(runtime::shutdown());
    assert_eq!(shutdowns.load(Ordering::SeqCst), 2);
}
