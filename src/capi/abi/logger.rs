//! A minimal stderr logger for the `log` crate, so a C or C# host sees why a call returned
//! false/NULL without setting anything up.
//!
//! The level comes from `OVRNET_LOG` (`off`, `error`, `warn`, `info`, `debug`, `trace`; default
//! `warn`). It is installed at most once, on the first guarded call. If the host process (a Rust
//! program using the rlib) already installed its own logger, that one is kept untouched.

use std::io::Write;
use std::sync::Once;

use log::{LevelFilter, Log, Metadata, Record};

/// Environment variable that selects the log level.
pub const LEVEL_ENV: &str = "OVRNET_LOG";

struct StderrLogger;

impl Log for StderrLogger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        // A failed write to stderr must never turn into a panic or an error for the caller.
        let _ = writeln!(
            std::io::stderr().lock(),
            "ovrnet {} {}: {}",
            record.level(),
            record.target(),
            record.args()
        );
    }

    fn flush(&self) {
        let _ = std::io::stderr().flush();
    }
}

static LOGGER: StderrLogger = StderrLogger;
static INSTALL: Once = Once::new();

/// Reads a level name as `OVRNET_LOG` spells it; `None` or an unknown word gives `warn`.
pub fn parse_level(value: Option<&str>) -> LevelFilter {
    match value.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        Some("off") => LevelFilter::Off,
        Some("error") => LevelFilter::Error,
        Some("info") => LevelFilter::Info,
        Some("debug") => LevelFilter::Debug,
        Some("trace") => LevelFilter::Trace,
        _ => LevelFilter::Warn,
    }
}

/// Installs the stderr logger once per process; later calls cost one atomic load.
pub fn install() {
    INSTALL.call_once(|| {
        let raw = std::env::var(LEVEL_ENV).ok();
        let level = parse_level(raw.as_deref());
        if log::set_logger(&LOGGER).is_ok() {
            log::set_max_level(level);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_names_are_read_case_insensitively_with_warn_default() {
        assert_eq!(parse_level(None), LevelFilter::Warn);
        assert_eq!(parse_level(Some("nonsense")), LevelFilter::Warn);
        assert_eq!(parse_level(Some("ERROR")), LevelFilter::Error);
        assert_eq!(parse_level(Some(" debug ")), LevelFilter::Debug);
        assert_eq!(parse_level(Some("off")), LevelFilter::Off);
        assert_eq!(parse_level(Some("info")), LevelFilter::Info);
    }
}
