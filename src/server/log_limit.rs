//! A log budget per event: at most [`LINES_PER_SECOND`] lines of one event (`login`,
//! `session_end`, ...) per second; the rest are counted and reported in one summary line when the
//! second is over. A flood of logins or connect requests would otherwise write a line per
//! datagram (21 MB of log in 9 s was seen), costing disk and CPU the attacker does not pay.

use log::info;

/// Lines of one event admitted per one-second window.
pub const LINES_PER_SECOND: u32 = 20;

const WINDOW_US: u64 = 1_000_000;

/// Per-event line counts of the current window. Events are the fixed names the server logs, so
/// the table stays as small as that list.
#[derive(Debug, Default)]
pub struct LogLimit {
    window_start_us: u64,
    /// (event, lines written this window, lines suppressed this window)
    events: Vec<(&'static str, u32, u64)>,
}

impl LogLimit {
    /// Whether a line of `event` may be written at `now_us`; false counts it as suppressed.
    pub fn admit(&mut self, now_us: u64, event: &'static str) -> bool {
        if now_us.saturating_sub(self.window_start_us) >= WINDOW_US {
            self.report(now_us);
        }
        let at = match self.events.iter().position(|(name, ..)| *name == event) {
            Some(at) => at,
            None => {
                self.events.push((event, 0, 0));
                self.events.len() - 1
            }
        };
        let entry = &mut self.events[at];
        if entry.1 < LINES_PER_SECOND {
            entry.1 += 1;
            true
        } else {
            entry.2 += 1;
            false
        }
    }

    /// Ends the window: one summary line per event that had lines suppressed.
    fn report(&mut self, now_us: u64) {
        for (event, lines, suppressed) in &mut self.events {
            if *suppressed > 0 {
                info!("event=log_suppressed what={event} count={suppressed} window_ms=1000");
            }
            *lines = 0;
            *suppressed = 0;
        }
        self.window_start_us = now_us;
    }

    /// Lines of `event` suppressed in the current window (for tests).
    pub fn suppressed(&self, event: &str) -> u64 {
        self.events.iter().find(|(name, ..)| *name == event).map_or(0, |e| e.2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_event_gets_its_own_budget_per_second() {
        let mut limit = LogLimit::default();
        let admitted = (0..100).filter(|_| limit.admit(10, "login")).count();
        assert_eq!(admitted, LINES_PER_SECOND as usize);
        assert_eq!(limit.suppressed("login"), 100 - u64::from(LINES_PER_SECOND));
        assert!(limit.admit(20, "session_end"), "another event is not held back");
        assert!(!limit.admit(999_999, "login"), "still the same window");
        assert!(limit.admit(1_000_000, "login"), "a new window admits again");
        assert_eq!(limit.suppressed("login"), 0, "the summary reset the count");
    }
}
