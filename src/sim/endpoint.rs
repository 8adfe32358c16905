//! The contract between the simulator and whatever it drives (the `proto` connection, or a mock in
//! tests). Sans-IO: the endpoint never reads a clock or touches a socket; the caller tells it the
//! time and carries its datagrams.

/// A sans-IO endpoint the simulator can drive. Time is virtual microseconds.
pub trait Endpoint {
    /// Feed one received datagram.
    fn handle_datagram(&mut self, now: u64, datagram: &[u8]);
    /// Write the next datagram to send into `buf` (len >= 1500) and return its length, or None when nothing is due now.
    fn poll_transmit(&mut self, now: u64, buf: &mut [u8]) -> Option<usize>;
    /// The next instant at which `handle_timeout` must be called, if any.
    fn poll_timeout(&self) -> Option<u64>;
    /// Called when the clock reaches (or passes) the deadline from `poll_timeout`.
    fn handle_timeout(&mut self, now: u64);
}
