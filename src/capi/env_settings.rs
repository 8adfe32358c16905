//! Settings for the original init functions, which carry no server or identity: they come from
//! environment variables and an optional config file.
//!
//! Keys (config file spelling / environment spelling):
//! `server` / `OVRNET_SERVER`, `user_id` / `OVRNET_USER_ID`, `credential` / `OVRNET_CREDENTIAL`,
//! `bind` / `OVRNET_BIND`, `connect_timeout_ms` / `OVRNET_CONNECT_TIMEOUT_MS`,
//! `idle_timeout_ms` / `OVRNET_IDLE_TIMEOUT_MS`, `send_coalesce_us` / `OVRNET_SEND_COALESCE_US`
//! (0 sends every packet at once). `OVRNET_CONFIG` names the file: `key = value`
//! lines, `#` starts a comment line, blank lines are ignored. An environment variable wins over
//! the same key in the file. Unknown keys are logged and ignored.

use std::collections::BTreeMap;

use super::settings::{ConfigError, Settings, parse_u32, parse_user_id};

/// Environment variable naming the config file.
pub const CONFIG_ENV: &str = "OVRNET_CONFIG";

/// The keys, in config file spelling. The environment spelling is `OVRNET_` + upper case.
pub const KEYS: [&str; 7] =
    ["server", "user_id", "credential", "bind", "connect_timeout_ms", "idle_timeout_ms", "send_coalesce_us"];

/// The environment variable for a config file key.
pub fn env_name(key: &str) -> String {
    format!("OVRNET_{}", key.to_ascii_uppercase())
}

/// Reads the process environment and, if `OVRNET_CONFIG` is set, that file.
pub fn from_environment() -> Result<Settings, ConfigError> {
    resolve(|name| std::env::var(name).ok(), |path| std::fs::read_to_string(path).map_err(|e| e.to_string()))
}

/// [`from_environment`] with the environment and the file system passed in (for tests).
pub fn resolve(
    env: impl Fn(&str) -> Option<String>,
    read_file: impl Fn(&str) -> Result<String, String>,
) -> Result<Settings, ConfigError> {
    let mut values = BTreeMap::new();
    if let Some(path) = env(CONFIG_ENV).filter(|p| !p.trim().is_empty()) {
        let text = read_file(&path).map_err(|error| ConfigError::File { path: path.clone(), error })?;
        values = parse_file(&text).map_err(|line| ConfigError::FileLine { path: path.clone(), line })?;
    }
    for key in KEYS {
        if let Some(value) = env(&env_name(key)) {
            values.insert(key.to_owned(), value);
        }
    }
    settings_from(&values)
}

/// `key = value` lines into a map; `Err(line number)` (1-based) for a line without `=` or with
/// an empty key. Later lines win. Keys are matched in lower case.
pub fn parse_file(text: &str) -> Result<BTreeMap<String, String>, usize> {
    let mut values = BTreeMap::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line.split_once('=').ok_or(index + 1)?;
        let key = key.trim().to_ascii_lowercase();
        if key.is_empty() {
            return Err(index + 1);
        }
        if !KEYS.contains(&key.as_str()) {
            log::warn!(target: "ovrnet::capi", "config file line {}: unknown key '{key}' ignored", index + 1);
            continue;
        }
        values.insert(key, value.trim().to_owned());
    }
    Ok(values)
}

fn settings_from(values: &BTreeMap<String, String>) -> Result<Settings, ConfigError> {
    let get = |key: &str| values.get(key).map(String::as_str);
    let mut settings = Settings {
        server: get("server").map(str::to_owned),
        credential: get("credential").map(|c| c.as_bytes().to_vec()),
        bind: get("bind").map(str::to_owned),
        ..Settings::default()
    };
    if let Some(text) = get("user_id") {
        settings.user_id = Some(parse_user_id(text)?);
    }
    if let Some(text) = get("connect_timeout_ms") {
        settings.connect_timeout_ms = parse_u32("connect_timeout_ms", text)?;
    }
    if let Some(text) = get("idle_timeout_ms") {
        settings.idle_timeout_ms = parse_u32("idle_timeout_ms", text)?;
    }
    if let Some(text) = get("send_coalesce_us") {
        settings.send_coalesce_us = Some(parse_u32("send_coalesce_us", text)?);
    }
    Ok(settings)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn run(env: &[(&str, &str)], files: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let env: HashMap<String, String> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let files: HashMap<String, String> =
            files.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        resolve(
            |name| env.get(name).cloned(),
            |path| files.get(path).cloned().ok_or_else(|| "no such file".to_owned()),
        )
    }

    #[test]
    fn environment_alone() {
        let s = run(
            &[
                ("OVRNET_SERVER", "127.0.0.1:7650"),
                ("OVRNET_USER_ID", "12"),
                ("OVRNET_CREDENTIAL", "tok"),
                ("OVRNET_BIND", "127.0.0.1"),
                ("OVRNET_CONNECT_TIMEOUT_MS", "2000"),
                ("OVRNET_IDLE_TIMEOUT_MS", "3000"),
                ("OVRNET_SEND_COALESCE_US", "0"),
            ],
            &[],
        )
        .unwrap();
        assert_eq!(s.server.as_deref(), Some("127.0.0.1:7650"));
        assert_eq!(s.user_id, Some(12));
        assert_eq!(s.credential.as_deref(), Some(&b"tok"[..]));
        assert_eq!(s.bind.as_deref(), Some("127.0.0.1"));
        assert_eq!((s.connect_timeout_ms, s.idle_timeout_ms), (2000, 3000));
        assert_eq!(s.send_coalesce_us, Some(0));
    }

    #[test]
    fn file_fills_in_and_environment_wins() {
        let file = "# ovrnet\n\nserver = 10.0.0.1:7650\nUSER_ID= 7\ncredential =a=b \nbind = 0.0.0.0\n";
        let s = run(&[("OVRNET_CONFIG", "/cfg"), ("OVRNET_USER_ID", "8")], &[("/cfg", file)]).unwrap();
        assert_eq!(s.server.as_deref(), Some("10.0.0.1:7650"));
        assert_eq!(s.user_id, Some(8), "the environment wins over the file");
        assert_eq!(s.credential.as_deref(), Some(&b"a=b"[..]), "only the first '=' splits");
        assert_eq!(s.bind.as_deref(), Some("0.0.0.0"));
    }

    #[test]
    fn nothing_configured_gives_empty_settings() {
        assert_eq!(run(&[], &[]).unwrap(), Settings::default());
    }

    #[test]
    fn file_errors_are_reported_with_path_and_line() {
        assert!(matches!(run(&[("OVRNET_CONFIG", "/missing")], &[]), Err(ConfigError::File { .. })));
        let err = run(&[("OVRNET_CONFIG", "/cfg")], &[("/cfg", "server = a:1\njunk line\n")]).unwrap_err();
        assert_eq!(err, ConfigError::FileLine { path: "/cfg".into(), line: 2 });
        let err = run(&[("OVRNET_CONFIG", "/cfg")], &[("/cfg", " = 5\n")]).unwrap_err();
        assert_eq!(err, ConfigError::FileLine { path: "/cfg".into(), line: 1 });
    }

    #[test]
    fn unknown_keys_are_ignored_and_bad_numbers_refused() {
        let s = run(&[("OVRNET_CONFIG", "/c")], &[("/c", "colour = blue\nuser_id = 3\n")]).unwrap();
        assert_eq!(s.user_id, Some(3));
        assert!(matches!(run(&[("OVRNET_USER_ID", "abc")], &[]), Err(ConfigError::BadUserId(_))));
        assert!(matches!(run(&[("OVRNET_IDLE_TIMEOUT_MS", "1s")], &[]), Err(ConfigError::BadNumber { .. })));
    }
}
