//! Settings for the original init functions, which carry no server or identity of their own.
//! A game that runs unchanged (a Unity player on a headset has no environment variables) gets
//! them from, lowest priority first:
//! 1. the app id string the game passes to init (set in the Oculus platform settings): when it
//!    holds `key=value` pairs separated by `;` (for example
//!    `server=play.example.com:7777;user_id=random`) they are settings; a plain numeric Oculus
//!    app id is ignored;
//! 2. a config file: the one `OVRNET_CONFIG` names, else `ovrnet.cfg` in the working directory
//!    if there is one (`key = value` lines, `#` starts a comment line, blank lines ignored);
//! 3. environment variables, `OVRNET_` + the key in upper case;
//! 4. what the init call itself carries (an access token, a password, a server override),
//!    applied by the caller.
//!
//! Keys: `server`, `user_id`, `credential`, `bind`, `connect_timeout_ms`, `idle_timeout_ms`,
//! `send_coalesce_us` (0 sends every packet at once), `server_key`, `relay` (`auto`, `never` or
//! `always`: whether peers may talk through the server's relay; see `docs/NAT.md`), and for
//! testing netcode against a bad network `fake_loss_percent`, `fake_dup_percent`,
//! `fake_reorder_percent`, `fake_latency_ms`, `fake_jitter_ms` (applied to every datagram sent). `user_id = random` picks a fresh id for
//! this run (development servers in open mode); with no user id at all, an `ovrnet1.<id>....`
//! login token as the credential names the user. Unknown keys are logged and ignored.

use std::collections::BTreeMap;

use super::settings::{ConfigError, Settings, parse_u32, parse_user_id};

/// Environment variable naming the config file.
pub const CONFIG_ENV: &str = "OVRNET_CONFIG";

/// The config file read from the working directory when `OVRNET_CONFIG` is not set.
pub const DEFAULT_CONFIG_FILE: &str = "ovrnet.cfg";

/// The keys, in config file spelling. The environment spelling is `OVRNET_` + upper case.
pub const KEYS: [&str; 14] = [
    "server",
    "user_id",
    "credential",
    "bind",
    "connect_timeout_ms",
    "idle_timeout_ms",
    "send_coalesce_us",
    "server_key",
    "relay",
    "fake_loss_percent",
    "fake_dup_percent",
    "fake_reorder_percent",
    "fake_latency_ms",
    "fake_jitter_ms",
];

/// The environment variable for a config file key.
pub fn env_name(key: &str) -> String {
    format!("OVRNET_{}", key.to_ascii_uppercase())
}

/// Reads the app id string, the config file and the process environment.
pub fn from_sources(app_id: Option<&str>) -> Result<Settings, ConfigError> {
    resolve(
        app_id,
        |name| std::env::var(name).ok(),
        |path| std::fs::read_to_string(path).map_err(|e| e.to_string()),
    )
}

/// [`from_sources`] with the environment and the file system passed in (for tests).
pub fn resolve(
    app_id: Option<&str>,
    env: impl Fn(&str) -> Option<String>,
    read_file: impl Fn(&str) -> Result<String, String>,
) -> Result<Settings, ConfigError> {
    let mut values = app_id.map(parse_app_id).unwrap_or_default();
    match env(CONFIG_ENV).filter(|p| !p.trim().is_empty()) {
        Some(path) => {
            let text = read_file(&path).map_err(|error| ConfigError::File { path: path.clone(), error })?;
            values.extend(
                parse_file(&text).map_err(|line| ConfigError::FileLine { path: path.clone(), line })?,
            );
        }
        // The default file is optional: only a file that exists and is malformed is an error.
        None => {
            if let Ok(text) = read_file(DEFAULT_CONFIG_FILE) {
                let path = DEFAULT_CONFIG_FILE.to_owned();
                values.extend(parse_file(&text).map_err(|line| ConfigError::FileLine { path, line })?);
            }
        }
    }
    for key in KEYS {
        if let Some(value) = env(&env_name(key)) {
            values.insert(key.to_owned(), value);
        }
    }
    settings_from(&values)
}

/// The settings an app id string carries: `key=value` pairs separated by `;` (or new lines).
/// A string without `=` (a real Oculus app id) carries none. Malformed pairs and unknown keys
/// are logged and skipped: the app id is fixed at build time, so refusing to start over it
/// would help nobody.
pub fn parse_app_id(app_id: &str) -> BTreeMap<String, String> {
    let mut values = BTreeMap::new();
    if !app_id.contains('=') {
        return values;
    }
    for pair in app_id.split([';', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some((key, value)) if KEYS.contains(&key.trim().to_ascii_lowercase().as_str()) => {
                values.insert(key.trim().to_ascii_lowercase(), value.trim().to_owned());
            }
            _ => {
                log::warn!(target: "ovrnet::capi", "app id settings: '{pair}' is not a known key=value pair; ignored")
            }
        }
    }
    values
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

/// The `user_id` value that asks for a fresh id each run.
const RANDOM_USER_ID: &str = "random";

fn settings_from(values: &BTreeMap<String, String>) -> Result<Settings, ConfigError> {
    let get = |key: &str| values.get(key).map(String::as_str);
    let mut settings = Settings {
        server: get("server").map(str::to_owned),
        credential: get("credential").map(|c| c.as_bytes().to_vec()),
        bind: get("bind").map(str::to_owned),
        server_key: get("server_key").map(str::to_owned),
        relay: get("relay").map(str::to_owned),
        fake_loss_percent: get("fake_loss_percent").map(str::to_owned),
        fake_dup_percent: get("fake_dup_percent").map(str::to_owned),
        fake_reorder_percent: get("fake_reorder_percent").map(str::to_owned),
        fake_latency_ms: get("fake_latency_ms").map(str::to_owned),
        fake_jitter_ms: get("fake_jitter_ms").map(str::to_owned),
        ..Settings::default()
    };
    match get("user_id") {
        Some(text) if text.trim().eq_ignore_ascii_case(RANDOM_USER_ID) => {
            settings.user_id = Some(random_user_id())
        }
        Some(text) => settings.user_id = Some(parse_user_id(text)?),
        None => {}
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

/// A random non-zero id below 2^53, so that JavaScript and JSON tooling see it exactly too.
fn random_user_id() -> u64 {
    let raw = getrandom::u64().unwrap_or_else(|_| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64)
    });
    (raw & ((1 << 53) - 1)).max(1)
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
            None,
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
    fn relay_comes_from_the_file_or_the_environment() {
        let s = run(&[("OVRNET_CONFIG", "/c")], &[("/c", "relay = always\n")]).unwrap();
        assert_eq!(s.relay.as_deref(), Some("always"));
        let s = run(&[("OVRNET_CONFIG", "/c"), ("OVRNET_RELAY", "never")], &[("/c", "relay = always\n")])
            .unwrap();
        assert_eq!(s.relay.as_deref(), Some("never"), "the environment wins");
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

    fn resolve_with(
        app_id: &str,
        env: &[(&str, &str)],
        files: &[(&str, &str)],
    ) -> Result<Settings, ConfigError> {
        let env: HashMap<String, String> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let files: HashMap<String, String> =
            files.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        resolve(
            Some(app_id),
            |name| env.get(name).cloned(),
            |path| files.get(path).cloned().ok_or_else(|| "no such file".to_owned()),
        )
    }

    #[test]
    fn the_app_id_string_carries_settings_and_everything_else_wins_over_it() {
        let s = resolve_with("server=10.1.1.1:7777; user_id=5;credential=tok", &[], &[]).unwrap();
        assert_eq!(s.server.as_deref(), Some("10.1.1.1:7777"));
        assert_eq!(s.user_id, Some(5));
        assert_eq!(s.credential.as_deref(), Some(&b"tok"[..]));
        let s = resolve_with("server=10.1.1.1:7777;user_id=5", &[("OVRNET_USER_ID", "6")], &[]).unwrap();
        assert_eq!(s.user_id, Some(6), "the environment wins");
        let s = resolve_with("server=a:1;user_id=5", &[], &[(DEFAULT_CONFIG_FILE, "user_id = 9\n")]).unwrap();
        assert_eq!((s.server.as_deref(), s.user_id), (Some("a:1"), Some(9)), "the default file wins");
    }

    #[test]
    fn a_numeric_app_id_carries_nothing_and_junk_pairs_are_skipped() {
        assert_eq!(resolve_with("1234567890", &[], &[]).unwrap(), Settings::default());
        let s = resolve_with("server=a:1;colour=blue;junk", &[], &[]).unwrap();
        assert_eq!(s.server.as_deref(), Some("a:1"));
    }

    #[test]
    fn a_malformed_default_file_is_an_error_but_a_missing_one_is_not() {
        assert!(resolve_with("", &[], &[]).is_ok());
        let err = resolve_with("", &[], &[(DEFAULT_CONFIG_FILE, "junk\n")]).unwrap_err();
        assert_eq!(err, ConfigError::FileLine { path: DEFAULT_CONFIG_FILE.into(), line: 1 });
    }

    #[test]
    fn random_user_ids_are_fresh_non_zero_and_exact_in_a_double() {
        let a = resolve_with("user_id=random", &[], &[]).unwrap().user_id.unwrap();
        let b = resolve_with("user_id=RANDOM", &[], &[]).unwrap().user_id.unwrap();
        assert!(a != 0 && b != 0 && a != b);
        assert!(a < (1 << 53) && b < (1 << 53));
    }
}
