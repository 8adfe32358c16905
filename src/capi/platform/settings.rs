//! What an init needs to start an engine (server, identity, local address, timeouts), whichever
//! way it arrived: the `ovrnetConfig` struct, or the environment and config file behind the
//! original init functions. Validation lives here so every init refuses the same things.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::time::Duration;

use super::platform_initialize::PlatformInitializeResult;
use crate::engine::EngineConfig;
use crate::signal::MAX_CREDENTIAL_LEN;

/// Unvalidated settings. Zero timeouts mean "use the default".
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// Rendezvous server, "host:port" (a name or an IP literal; IPv6 as "[::1]:7650").
    pub server: Option<String>,
    /// This user's id; 0 or absent is refused.
    pub user_id: Option<u64>,
    /// Login credential (token or secret); absent means empty.
    pub credential: Option<Vec<u8>>,
    /// Local address to bind: "ip:port", "ip" (any port) or "host:port"; absent means any
    /// address of the server's family, any port.
    pub bind: Option<String>,
    pub connect_timeout_ms: u32,
    pub idle_timeout_ms: u32,
    /// How long back-to-back sends may be held to go out together (`EngineConfig::send_coalesce`);
    /// absent means the default, 0 turns coalescing off.
    pub send_coalesce_us: Option<u32>,
    /// The server's public key, 64 hex digits (`EngineConfig::server_key`); absent trusts the
    /// key the login reports.
    pub server_key: Option<String>,
    /// `auto`, `never` or `always` (`EngineConfig::relay`); absent means `auto`.
    pub relay: Option<String>,
    /// A bad network on the real socket, for testing netcode (`EngineConfig::fake_network`):
    /// loss, duplication and reordering in percent (decimals allowed), latency and jitter in
    /// milliseconds, applied to every datagram sent. Absent or zero: none.
    pub fake_loss_percent: Option<String>,
    pub fake_dup_percent: Option<String>,
    pub fake_reorder_percent: Option<String>,
    pub fake_latency_ms: Option<String>,
    pub fake_jitter_ms: Option<String>,
}

impl fmt::Debug for Settings {
    /// Keeps the credential out of logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("server", &self.server)
            .field("user_id", &self.user_id)
            .field("credential", &self.credential.as_ref().map(|c| format!("{} bytes", c.len())))
            .field("bind", &self.bind)
            .field("connect_timeout_ms", &self.connect_timeout_ms)
            .field("idle_timeout_ms", &self.idle_timeout_ms)
            .field("send_coalesce_us", &self.send_coalesce_us)
            .field("server_key", &self.server_key)
            .field("relay", &self.relay)
            .field("fake_loss_percent", &self.fake_loss_percent)
            .field("fake_dup_percent", &self.fake_dup_percent)
            .field("fake_reorder_percent", &self.fake_reorder_percent)
            .field("fake_latency_ms", &self.fake_latency_ms)
            .field("fake_jitter_ms", &self.fake_jitter_ms)
            .finish()
    }
}

/// Why settings cannot start an engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    MissingServer,
    /// The server string did not resolve to an address.
    BadServer(String),
    MissingUserId,
    /// A user id that is not a non-zero decimal `u64`.
    BadUserId(String),
    CredentialTooLong(usize),
    BadBind(String),
    /// A server key that is not 64 hex digits.
    BadServerKey(String),
    /// A relay setting other than auto, never or always.
    BadRelay(String),
    /// A fake network setting that is not a number in range (percent 0-100, ms 0-10000).
    BadFakeNetwork {
        key: &'static str,
        value: String,
    },
    /// A timeout or other number that does not parse.
    BadNumber {
        key: &'static str,
        value: String,
    },
    /// The config file named by `OVRNET_CONFIG` could not be read.
    File {
        path: String,
        error: String,
    },
    /// A config file line that is not `key = value`.
    FileLine {
        path: String,
        line: usize,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingServer => write!(f, "no server address configured"),
            Self::BadServer(s) => write!(f, "server address '{s}' is not a resolvable host:port"),
            Self::MissingUserId => write!(f, "no user id configured"),
            Self::BadUserId(s) => write!(f, "user id '{s}' is not a non-zero decimal 64-bit number"),
            Self::CredentialTooLong(n) => {
                write!(f, "credential is {n} bytes, at most {MAX_CREDENTIAL_LEN} allowed")
            }
            Self::BadBind(s) => write!(f, "bind address '{s}' is not an ip, ip:port or host:port"),
            Self::BadServerKey(s) => write!(f, "server key '{s}' is not 64 hex digits"),
            Self::BadRelay(s) => write!(f, "relay '{s}' is not auto, never or always"),
            Self::BadFakeNetwork { key, value } => {
                write!(f, "{key} '{value}' is not a number in range (percent 0-100, milliseconds 0-10000)")
            }
            Self::BadNumber { key, value } => write!(f, "{key} '{value}' is not a number"),
            Self::File { path, error } => write!(f, "cannot read config file {path}: {error}"),
            Self::FileLine { path, line } => {
                write!(f, "config file {path} line {line} is not 'key = value'")
            }
        }
    }
}

impl std::error::Error for ConfigError {}

impl ConfigError {
    /// What `ovr_PlatformInitializeWindows` reports for this error.
    pub fn init_result(&self) -> PlatformInitializeResult {
        match self {
            Self::MissingUserId | Self::BadUserId(_) | Self::CredentialTooLong(_) => {
                PlatformInitializeResult::InvalidCredentials
            }
            _ => PlatformInitializeResult::Uninitialized,
        }
    }
}

/// The user id an `ovrnet1.<user id>.<expiry>.<mac>` or `ovrnet2.<user id>.<expiry>.<audience>.
/// <signature>` login token (as `ovrnet-server token` mints them) names, so a game that passes only a token needs no separate user id. Only the claim is
/// read here; the server checks the token.
pub fn token_user_id(credential: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(credential).ok()?;
    let mut parts = text.split('.');
    match (parts.next(), parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some("ovrnet1"), Some(user), Some(_), Some(_), None) => parse_user_id(user).ok(),
        // Signed tokens: ovrnet2.<user id>.<expiry>.<audience>.<signature>.
        (Some("ovrnet2"), Some(user), Some(_), Some(_), Some(_)) if parts.next().is_none() => {
            parse_user_id(user).ok()
        }
        _ => None,
    }
}

impl Settings {
    /// Checks everything and builds the engine configuration (resolving the server name).
    pub fn to_engine_config(&self) -> Result<EngineConfig, ConfigError> {
        let server_text = self.server.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let server_text = server_text.ok_or(ConfigError::MissingServer)?;
        let server = resolve(server_text).ok_or_else(|| ConfigError::BadServer(server_text.to_owned()))?;
        let claimed = self.credential.as_deref().and_then(token_user_id);
        let user_id = match self.user_id.or(claimed) {
            None => return Err(ConfigError::MissingUserId),
            Some(0) => return Err(ConfigError::BadUserId("0".to_owned())),
            Some(id) => id,
        };
        let credential = self.credential.clone().unwrap_or_default();
        if credential.len() > MAX_CREDENTIAL_LEN {
            return Err(ConfigError::CredentialTooLong(credential.len()));
        }
        let mut cfg = EngineConfig::new(server, user_id, credential);
        cfg.bind = match self.bind.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => any_address_like(server),
            Some(text) => parse_bind(text).ok_or_else(|| ConfigError::BadBind(text.to_owned()))?,
        };
        if self.connect_timeout_ms > 0 {
            let timeout = Duration::from_millis(u64::from(self.connect_timeout_ms));
            cfg.connect_timeout = timeout;
            cfg.proto.connect_timeout_us = micros(timeout);
        }
        if self.idle_timeout_ms > 0 {
            let idle_us = micros(Duration::from_millis(u64::from(self.idle_timeout_ms)));
            cfg.proto.idle_timeout_us = idle_us;
            // Keep several keepalives inside one idle period, or a quiet link would time out.
            cfg.proto.keepalive_us = cfg.proto.keepalive_us.min((idle_us / 3).max(1));
        }
        if let Some(us) = self.send_coalesce_us {
            cfg.send_coalesce = Duration::from_micros(u64::from(us));
        }
        if let Some(text) = self.server_key.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            cfg.server_key =
                Some(parse_hex_key(text).ok_or_else(|| ConfigError::BadServerKey(text.to_owned()))?);
        }
        if let Some(text) = self.relay.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            cfg.relay = text.parse().map_err(|_| ConfigError::BadRelay(text.to_owned()))?;
        }
        cfg.fake_network = self.fake_network(user_id)?;
        Ok(cfg)
    }

    /// The fake network these settings ask for, if any (seeded by the user id, so two players
    /// on one machine draw differently).
    fn fake_network(&self, user_id: u64) -> Result<Option<(crate::sim::LinkConfig, u64)>, ConfigError> {
        let number = |key: &'static str, value: &Option<String>, max: f64| -> Result<f64, ConfigError> {
            let Some(text) = value.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
                return Ok(0.0);
            };
            match text.parse::<f64>() {
                Ok(v) if (0.0..=max).contains(&v) => Ok(v),
                _ => Err(ConfigError::BadFakeNetwork { key, value: text.to_owned() }),
            }
        };
        let loss = number("fake_loss_percent", &self.fake_loss_percent, 100.0)? / 100.0;
        let duplicate = number("fake_dup_percent", &self.fake_dup_percent, 100.0)? / 100.0;
        let reorder = number("fake_reorder_percent", &self.fake_reorder_percent, 100.0)? / 100.0;
        let latency_us = (number("fake_latency_ms", &self.fake_latency_ms, 10_000.0)? * 1000.0) as u64;
        let jitter_us = (number("fake_jitter_ms", &self.fake_jitter_ms, 10_000.0)? * 1000.0) as u64;
        if loss == 0.0 && duplicate == 0.0 && reorder == 0.0 && latency_us == 0 && jitter_us == 0 {
            return Ok(None);
        }
        let link = crate::sim::LinkConfig {
            loss,
            duplicate,
            reorder,
            // A reordered datagram is held back long enough for the next ones to overtake it.
            reorder_delay_us: if reorder > 0.0 { (jitter_us + 5_000).max(latency_us / 2) } else { 0 },
            latency_us,
            jitter_us,
            ..crate::sim::LinkConfig::default()
        };
        log::warn!(
            target: "ovrnet::capi",
            "fake network on: loss {:.1}%, duplication {:.1}%, reordering {:.1}%, latency {} ms, jitter {} ms (a test setting: never ship it)",
            loss * 100.0,
            duplicate * 100.0,
            reorder * 100.0,
            latency_us / 1000,
            jitter_us / 1000
        );
        Ok(Some((link, user_id ^ 0x6f76_726e_6574_6661)))
    }
}

/// 32 bytes written as 64 hex digits.
fn parse_hex_key(text: &str) -> Option<[u8; 32]> {
    if text.len() != 64 || !text.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// Parses a decimal user id as the config keys spell it.
pub fn parse_user_id(text: &str) -> Result<u64, ConfigError> {
    let text = text.trim();
    match text.parse::<u64>() {
        Ok(id) if id != 0 && text.bytes().all(|b| b.is_ascii_digit()) => Ok(id),
        _ => Err(ConfigError::BadUserId(text.to_owned())),
    }
}

/// Parses a millisecond timeout as the config keys spell it.
pub fn parse_u32(key: &'static str, text: &str) -> Result<u32, ConfigError> {
    text.trim().parse::<u32>().map_err(|_| ConfigError::BadNumber { key, value: text.trim().to_owned() })
}

/// The address `host:port` resolves to, IPv4 first: "localhost" often lists `::1` first, while a
/// server started with the default `--listen 0.0.0.0:PORT` only answers on IPv4.
fn resolve(text: &str) -> Option<SocketAddr> {
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Some(addr);
    }
    let all: Vec<SocketAddr> = text.to_socket_addrs().ok()?.collect();
    all.iter().find(|a| a.is_ipv4()).or_else(|| all.first()).copied()
}

/// "ip:port", a bare "ip" (any port), or "host:port".
fn parse_bind(text: &str) -> Option<SocketAddr> {
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Some(SocketAddr::new(ip, 0));
    }
    resolve(text)
}

/// The unspecified address of the server's family, any port.
fn any_address_like(server: SocketAddr) -> SocketAddr {
    match server {
        SocketAddr::V4(_) => SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0),
        SocketAddr::V6(_) => SocketAddr::new(IpAddr::V6(Ipv6Addr::UNSPECIFIED), 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> Settings {
        Settings {
            server: Some("127.0.0.1:7650".into()),
            user_id: Some(5),
            credential: Some(b"secret".to_vec()),
            ..Settings::default()
        }
    }

    #[test]
    fn server_key_is_64_hex_digits() {
        let key = "0f".repeat(32);
        let cfg = Settings { server_key: Some(format!(" {key} ")), ..good() }.to_engine_config().unwrap();
        assert_eq!(cfg.server_key, Some([0x0f; 32]));
        assert_eq!(good().to_engine_config().unwrap().server_key, None);
        for bad in ["0f".repeat(31), "zz".repeat(32), "0f".repeat(33), "é".repeat(32)] {
            let err = Settings { server_key: Some(bad.clone()), ..good() }.to_engine_config().unwrap_err();
            assert_eq!(err, ConfigError::BadServerKey(bad));
        }
    }

    #[test]
    fn relay_is_auto_never_or_always() {
        use crate::engine::RelayMode;
        assert_eq!(good().to_engine_config().unwrap().relay, RelayMode::Auto);
        for (text, mode) in
            [("never", RelayMode::Never), (" Always ", RelayMode::Always), ("auto", RelayMode::Auto)]
        {
            let cfg = Settings { relay: Some(text.into()), ..good() }.to_engine_config().unwrap();
            assert_eq!(cfg.relay, mode);
        }
        let err = Settings { relay: Some("sometimes".into()), ..good() }.to_engine_config().unwrap_err();
        assert_eq!(err, ConfigError::BadRelay("sometimes".into()));
    }

    #[test]
    fn fake_network_settings_build_a_link_and_refuse_nonsense() {
        assert!(good().to_engine_config().unwrap().fake_network.is_none());
        let s = Settings {
            fake_loss_percent: Some("2.5".into()),
            fake_latency_ms: Some("40".into()),
            fake_jitter_ms: Some("5".into()),
            fake_reorder_percent: Some("1".into()),
            fake_dup_percent: Some("0".into()),
            ..good()
        };
        let (link, _) = s.to_engine_config().unwrap().fake_network.expect("a fake network");
        assert_eq!((link.loss, link.duplicate, link.reorder), (0.025, 0.0, 0.01));
        assert_eq!((link.latency_us, link.jitter_us), (40_000, 5_000));
        assert!(link.reorder_delay_us >= 10_000, "held long enough to be overtaken");
        for (loss, latency) in [("101", "0"), ("-1", "0"), ("x", "0"), ("0", "20000")] {
            let s = Settings {
                fake_loss_percent: Some(loss.into()),
                fake_latency_ms: Some(latency.into()),
                ..good()
            };
            assert!(
                matches!(s.to_engine_config(), Err(ConfigError::BadFakeNetwork { .. })),
                "{loss} {latency}"
            );
        }
    }

    #[test]
    fn defaults_bind_any_of_the_server_family() {
        let cfg = good().to_engine_config().unwrap();
        assert_eq!(cfg.server, "127.0.0.1:7650".parse().unwrap());
        assert_eq!((cfg.user_id, cfg.credential.as_slice()), (5, &b"secret"[..]));
        assert_eq!(cfg.bind, "0.0.0.0:0".parse().unwrap());
        let v6 = Settings { server: Some("[::1]:9".into()), ..good() }.to_engine_config().unwrap();
        assert_eq!(v6.bind, "[::]:0".parse().unwrap());
    }

    #[test]
    fn host_names_resolve_preferring_ipv4() {
        let cfg = Settings { server: Some("localhost:7650".into()), ..good() }.to_engine_config().unwrap();
        assert_eq!(cfg.server, "127.0.0.1:7650".parse().unwrap());
        assert_eq!(cfg.bind, "0.0.0.0:0".parse().unwrap());
    }

    #[test]
    fn timeouts_zero_keep_defaults_and_others_apply() {
        let default = EngineConfig::new("127.0.0.1:1".parse().unwrap(), 1, Vec::new());
        let cfg = good().to_engine_config().unwrap();
        assert_eq!(cfg.connect_timeout, default.connect_timeout);
        assert_eq!(cfg.proto.idle_timeout_us, default.proto.idle_timeout_us);
        let cfg =
            Settings { connect_timeout_ms: 1500, idle_timeout_ms: 900, ..good() }.to_engine_config().unwrap();
        assert_eq!(cfg.connect_timeout, Duration::from_millis(1500));
        assert_eq!(cfg.proto.connect_timeout_us, 1_500_000);
        assert_eq!(cfg.proto.idle_timeout_us, 900_000);
        assert_eq!(cfg.proto.keepalive_us, 300_000);
    }

    #[test]
    fn bind_accepts_ip_ip_port_and_refuses_garbage() {
        let with = |b: &str| Settings { bind: Some(b.into()), ..good() }.to_engine_config();
        assert_eq!(with("127.0.0.1").unwrap().bind, "127.0.0.1:0".parse().unwrap());
        assert_eq!(with("127.0.0.1:4567").unwrap().bind, "127.0.0.1:4567".parse().unwrap());
        assert_eq!(with("not an address").unwrap_err(), ConfigError::BadBind("not an address".into()));
    }

    #[test]
    fn refusals_name_the_problem_and_map_to_init_results() {
        let cases = [
            (Settings { server: None, ..good() }, ConfigError::MissingServer),
            (Settings { server: Some("  ".into()), ..good() }, ConfigError::MissingServer),
            (Settings { server: Some("no-port".into()), ..good() }, ConfigError::BadServer("no-port".into())),
            (Settings { user_id: None, ..good() }, ConfigError::MissingUserId),
            (Settings { user_id: Some(0), ..good() }, ConfigError::BadUserId("0".into())),
            (Settings { credential: Some(vec![b'x'; 256]), ..good() }, ConfigError::CredentialTooLong(256)),
        ];
        for (settings, want) in cases {
            assert_eq!(settings.to_engine_config().unwrap_err(), want);
        }
        assert_eq!(ConfigError::MissingServer.init_result(), PlatformInitializeResult::Uninitialized);
        assert_eq!(ConfigError::MissingUserId.init_result(), PlatformInitializeResult::InvalidCredentials);
        // The longest allowed credential passes.
        let max = Settings { credential: Some(vec![b'x'; 255]), ..good() };
        assert!(max.to_engine_config().is_ok());
    }

    #[test]
    fn user_ids_and_numbers_parse_strictly() {
        assert_eq!(parse_user_id(" 42 "), Ok(42));
        assert!(parse_user_id("0").is_err());
        assert!(parse_user_id("+5").is_err());
        assert!(parse_user_id("x").is_err());
        assert_eq!(parse_u32("k", "250"), Ok(250));
        assert!(parse_u32("k", "-1").is_err());
    }

    #[test]
    fn debug_output_hides_the_credential() {
        let text = format!("{:?}", good());
        assert!(!text.contains("secret"), "{text}");
        assert!(text.contains("6 bytes"), "{text}");
    }

    #[test]
    fn a_login_token_names_the_user_when_no_id_is_configured() {
        assert_eq!(token_user_id(b"ovrnet1.42.1900000000.abcd"), Some(42));
        assert_eq!(token_user_id(b"ovrnet1.0.1.ab"), None);
        assert_eq!(token_user_id(b"secret"), None);
        assert_eq!(token_user_id(b"ovrnet2.42.1.ab"), None, "a signed token has five parts");
        assert_eq!(token_user_id(b"ovrnet2.42.1900000000.game.abcd"), Some(42));
        assert_eq!(token_user_id(b"ovrnet2.42.1900000000.game.abcd.x"), None);
        let from_token =
            Settings { user_id: None, credential: Some(b"ovrnet1.77.1900000000.ab".to_vec()), ..good() };
        assert_eq!(from_token.to_engine_config().map(|c| c.user_id), Ok(77));
        let explicit = Settings { user_id: Some(5), ..from_token };
        assert_eq!(explicit.to_engine_config().map(|c| c.user_id), Ok(5), "a configured id wins");
    }
}
