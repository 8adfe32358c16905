//! Microseconds since the engine started: the time base every sans-IO layer below is fed.
use std::time::Instant;

#[derive(Clone, Copy, Debug)]
pub struct Clock {
    base: Instant,
}

impl Clock {
    pub fn new() -> Self {
        Clock { base: Instant::now() }
    }

    pub fn now_us(&self) -> u64 {
        self.base.elapsed().as_micros() as u64
    }
}
