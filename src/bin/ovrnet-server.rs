//! `ovrnet-server`: the rendezvous server for operators, and a token minting helper.
//!
//! Hand-written argument parsing keeps the dependency list short; every flag is in `--help`.

#![forbid(unsafe_code)]

use std::io::Write as _;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{SystemTime, UNIX_EPOCH};

use log::{Level, LevelFilter, Log, Metadata, Record};
use ovrnet::server::{AuthMode, IdentityKey, ServerConfig, run, signed_token, token};

const USAGE: &str = "\
ovrnet-server: rendezvous server for ovrnet peer-to-peer networking

USAGE:
    ovrnet-server --auth key --public-key-file FILE --audience NAME [--listen ADDR] [OPTIONS]
    ovrnet-server --auth secret [--secret-file FILE] [--listen ADDR] [OPTIONS]
    ovrnet-server --auth open [--listen LOOPBACK_ADDR | --insecure-open --listen ADDR] [OPTIONS]
    ovrnet-server keygen
    ovrnet-server token --private-key-file FILE --audience NAME --user ID [--ttl SECS]
    ovrnet-server token --secret SECRET --user ID [--ttl SECS]

SERVER FLAGS:
    --auth MODE              Required. 'key': logins must present a token signed by the game
                             backend's Ed25519 key for this audience (the server holds only
                             public keys). 'secret': a token minted with the shared secret.
                             'open' (development only): anyone may log in as any user id;
                             the login credential binds the session.
    --public-key-file FILE   'key' mode: public keys (64 hex digits a line; several for key
                             rotation), as 'ovrnet-server keygen' prints them.
    --audience NAME          'key' mode: the name tokens must be minted for (1 to 64 of
                             A-Z a-z 0-9 _ -), e.g. your game or region.
    --identity-key-file FILE The server's own private key (as 'ovrnet-server keygen' writes
                             it). It signs the certificate each login gets, which peers check
                             when they connect; clients pin its public key (server_key). Without
                             it a new key is made at every start, so pinning clients fail after
                             a restart.
    --listen ADDR            UDP address to listen on (default 0.0.0.0:7650 with 'key' or 'secret',
                             127.0.0.1:7650 with 'open').
    --insecure-open          Let 'open' mode listen on a non-loopback address, where anyone
                             who can reach it may log in as anyone.
    --secret-file FILE       File holding the shared secret (surrounding whitespace is
                             trimmed). Without it, 'secret' mode reads env OVRNET_SECRET.
    --session-timeout SECS   Silence after which a client is logged out (default 10).
    --connect-timeout SECS   How long a connect request waits for an answer (default 20).
    --relay-rate BYTES       Bytes per second each client may send through the relay, for
                             peers that cannot reach each other directly (default 4000000;
                             0 turns the relay off).
    --max-rooms N            Most rooms at once (default 100000); creating more is refused
                             with room error 6 (too many rooms).
    --log-level LEVEL        off|error|warn|info|debug|trace (default info; env OVRNET_LOG).
    -h, --help               Show this text.

KEYGEN prints 'private HEX' (for the backend that mints tokens; keep it secret) and
'public HEX' (for every server's --public-key-file). The same output saved to a file is an
--identity-key-file; its 'public' line is what clients pin.

TOKEN FLAGS:
    --private-key-file FILE  Sign an Ed25519 token with this private key (64 hex digits)...
    --audience NAME          ...for servers started with this --audience.
    --secret SECRET          Or mint a shared-secret token (or env OVRNET_SECRET).
    --user ID                64-bit user id the token proves.
    --ttl SECS               Lifetime from now (default 3600).

Prints 'listening on ADDR' once ready, then 'server key HEX' (the public key clients pin). SIGINT or SIGTERM stops it cleanly.
Exit codes: 0 success, 1 runtime failure, 2 bad usage.";

/// A command-line mistake: printed with a hint, exit code 2.
struct Usage(String);

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("token") => token_command(&args[1..]),
        Some("keygen") => keygen_command(&args[1..]),
        _ => server_command(&args),
    };
    match result {
        Ok(code) => code,
        Err(Usage(msg)) => {
            eprintln!("ovrnet-server: {msg}\nTry 'ovrnet-server --help'.");
            ExitCode::from(2)
        }
    }
}

/// Flags that take no value.
const SWITCHES: [&str; 1] = ["--insecure-open"];

/// Yields `(flag, value)` pairs for flags in `known`; `--help` and the [`SWITCHES`] appear with
/// an empty value.
fn flags(args: &[String], known: &[&str]) -> Result<Vec<(String, String)>, Usage> {
    let mut out = Vec::new();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        if flag == "-h" || flag == "--help" {
            out.push(("--help".to_string(), String::new()));
            continue;
        }
        if !flag.starts_with("--") {
            return Err(Usage(format!("unexpected argument '{flag}'")));
        }
        let name = flag.split_once('=').map_or(flag.as_str(), |(n, _)| n);
        if !known.contains(&name) {
            return Err(Usage(format!("unknown flag '{name}'")));
        }
        if SWITCHES.contains(&name) {
            out.push((name.to_string(), String::new()));
            continue;
        }
        let (name, value) = match flag.split_once('=') {
            Some((n, v)) => (n.to_string(), v.to_string()),
            None => {
                let v = it.next().ok_or_else(|| Usage(format!("{flag} needs a value")))?;
                (flag.clone(), v.clone())
            }
        };
        out.push((name, value));
    }
    Ok(out)
}

fn parse_secs(flag: &str, v: &str) -> Result<u64, Usage> {
    match v.parse::<u64>() {
        Ok(s) if s > 0 && s <= 86_400 * 365 => Ok(s),
        _ => Err(Usage(format!("{flag} wants whole seconds > 0, got '{v}'"))),
    }
}

fn server_command(args: &[String]) -> Result<ExitCode, Usage> {
    let mut listen: Option<SocketAddr> = None;
    let mut auth = None;
    let mut insecure_open = false;
    let mut public_key_file = None;
    let mut audience = None;
    let mut secret_file = None;
    let mut identity_key_file = None;
    let mut session_timeout = 10;
    let mut connect_timeout = 20;
    let mut max_rooms = 100_000;
    let mut relay_rate: Option<u64> = None;
    let mut log_level = std::env::var("OVRNET_LOG").unwrap_or_else(|_| "info".into());
    let known = [
        "--listen",
        "--auth",
        "--secret-file",
        "--session-timeout",
        "--connect-timeout",
        "--max-rooms",
        "--log-level",
        "--insecure-open",
        "--public-key-file",
        "--audience",
        "--identity-key-file",
        "--relay-rate",
    ];
    for (flag, value) in flags(args, &known)? {
        match flag.as_str() {
            "--help" => return Ok(print_usage()),
            "--listen" => {
                listen =
                    Some(value.parse().map_err(|_| Usage(format!("--listen wants IP:PORT, got '{value}'")))?)
            }
            "--auth" => auth = Some(value),
            "--insecure-open" => insecure_open = true,
            "--public-key-file" => public_key_file = Some(value),
            "--audience" => audience = Some(value),
            "--secret-file" => secret_file = Some(value),
            "--identity-key-file" => identity_key_file = Some(value),
            "--session-timeout" => session_timeout = parse_secs(&flag, &value)?,
            "--connect-timeout" => connect_timeout = parse_secs(&flag, &value)?,
            "--max-rooms" => {
                max_rooms = match value.parse::<usize>() {
                    Ok(n) if n > 0 => n,
                    _ => return Err(Usage(format!("--max-rooms wants a whole number > 0, got '{value}'"))),
                }
            }
            "--relay-rate" => {
                relay_rate = Some(value.parse::<u64>().map_err(|_| {
                    Usage(format!("--relay-rate wants bytes per second (0 = relay off), got '{value}'"))
                })?)
            }
            "--log-level" => log_level = value,
            other => return Err(Usage(format!("unknown flag '{other}'"))),
        }
    }
    let level: LevelFilter =
        log_level.parse().map_err(|_| Usage(format!("unknown log level '{log_level}'")))?;
    let (auth, listen) = match auth.as_deref() {
        None => {
            return Err(Usage(
                "choose how logins are checked: --auth key (tokens your game backend signs), \
                 --auth secret (tokens minted with a shared secret) or --auth open (development \
                 only: anyone may log in as any user)"
                    .into(),
            ));
        }
        Some("open") => (AuthMode::Open, open_listen(listen, insecure_open)?),
        Some("secret") => (
            AuthMode::SharedSecret(read_secret(secret_file.as_deref())?),
            listen.unwrap_or_else(|| ([0, 0, 0, 0], DEFAULT_PORT).into()),
        ),
        Some("key") => {
            let path = public_key_file.ok_or_else(|| Usage("--auth key needs --public-key-file".into()))?;
            let audience = audience.ok_or_else(|| Usage("--auth key needs --audience".into()))?;
            if !signed_token::valid_audience(&audience) {
                return Err(Usage(format!("--audience wants 1 to 64 of A-Z a-z 0-9 _ -, got '{audience}'")));
            }
            let public_keys = read_public_keys(&path)?;
            (
                AuthMode::SignedToken { public_keys, audience },
                listen.unwrap_or_else(|| ([0, 0, 0, 0], DEFAULT_PORT).into()),
            )
        }
        Some(other) => return Err(Usage(format!("--auth wants key, secret or open, got '{other}'"))),
    };
    StderrLogger::install(level);

    let mut config = ServerConfig::new(listen, auth);
    config.session_timeout_us = session_timeout * 1_000_000;
    config.connect_timeout_us = connect_timeout * 1_000_000;
    config.max_rooms = max_rooms;
    if let Some(rate) = relay_rate {
        config.relay_bytes_per_sec = rate;
    }
    match identity_key_file {
        Some(path) => config.identity_key = IdentityKey(read_private_key(&path)?),
        None => log::warn!(
            "event=ephemeral_identity_key hint=\"no --identity-key-file: clients that pin the server key fail after a restart\""
        ),
    }
    let (socket, mut core) = match run::bind(config) {
        Ok(bound) => bound,
        Err(e) => {
            eprintln!("ovrnet-server: cannot listen on {listen}: {e}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        if let Err(e) = signal_hook::flag::register(sig, Arc::clone(&stop)) {
            eprintln!("ovrnet-server: cannot install signal handler: {e}");
            return Ok(ExitCode::FAILURE);
        }
    }
    let local = socket.local_addr().unwrap_or(listen);
    // Scripts wait for this line; a closed stdout must not stop the server.
    let mut out = std::io::stdout().lock();
    let server_key = signed_token::hex(&core.identity_public_key());
    let _ = writeln!(out, "listening on {local}\nserver key {server_key}").and_then(|()| out.flush());
    drop(out);
    log::info!("event=listening addr={local} server_key={server_key}");
    match run::run(&socket, &mut core, &stop, None) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => {
            eprintln!("ovrnet-server: {e}");
            Ok(ExitCode::FAILURE)
        }
    }
}

const DEFAULT_PORT: u16 = 7650;

/// Where an open-mode server listens: loopback unless `--insecure-open` says otherwise, because
/// in open mode anyone who reaches the port can log in as any user.
fn open_listen(listen: Option<SocketAddr>, insecure_open: bool) -> Result<SocketAddr, Usage> {
    let addr = listen.unwrap_or_else(|| ([127, 0, 0, 1], DEFAULT_PORT).into());
    if addr.ip().is_loopback() || insecure_open {
        return Ok(addr);
    }
    Err(Usage(format!(
        "--auth open lets anyone log in as any user, so it listens on loopback only; \
         {addr} is not loopback (use --auth key or --auth secret, or add --insecure-open to accept the risk)"
    )))
}

/// A private key file: keygen's output (the 'private HEX' line is used) or 64 hex digits.
fn read_private_key(path: &str) -> Result<[u8; 32], Usage> {
    let text =
        std::fs::read_to_string(path).map_err(|e| Usage(format!("cannot read key file '{path}': {e}")))?;
    let line = text.lines().find_map(|l| l.trim().strip_prefix("private ")).unwrap_or(&text);
    signed_token::parse_key(line).ok_or_else(|| {
        Usage(format!("key file '{path}' holds neither a 'private HEX' line nor 64 hex digits"))
    })
}

/// Public keys, one per line as 64 hex digits (`#` comments and blank lines ignored): several
/// keys let a backend rotate its signing key without downtime.
fn read_public_keys(path: &str) -> Result<Vec<[u8; 32]>, Usage> {
    let text =
        std::fs::read_to_string(path).map_err(|e| Usage(format!("cannot read key file '{path}': {e}")))?;
    let mut keys = Vec::new();
    for (n, line) in text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        keys.push(
            signed_token::parse_key(line)
                .ok_or_else(|| Usage(format!("key file '{path}' line {n} is not 64 hex digits")))?,
        );
    }
    if keys.is_empty() {
        return Err(Usage(format!("key file '{path}' holds no public key")));
    }
    Ok(keys)
}

/// `ovrnet-server keygen`: a new Ed25519 key pair. The private key goes to the game backend that
/// mints tokens, the public key to every server (`--public-key-file`).
fn keygen_command(args: &[String]) -> Result<ExitCode, Usage> {
    if let Some((flag, _)) = flags(args, &[])?.into_iter().next() {
        return if flag == "--help" {
            Ok(print_usage())
        } else {
            Err(Usage(format!("unknown flag '{flag}'")))
        };
    }
    let Ok((private, public)) = signed_token::generate() else {
        eprintln!("ovrnet-server: no randomness from the OS");
        return Ok(ExitCode::FAILURE);
    };
    let text = format!("private {}\npublic {}\n", signed_token::hex(&private), signed_token::hex(&public));
    match std::io::stdout().write_all(text.as_bytes()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(_) => Ok(ExitCode::FAILURE),
    }
}

fn read_secret(file: Option<&str>) -> Result<Vec<u8>, Usage> {
    let secret = match file {
        Some(path) => {
            std::fs::read(path).map_err(|e| Usage(format!("cannot read secret file '{path}': {e}")))?
        }
        None => std::env::var("OVRNET_SECRET")
            .map_err(|_| Usage("--auth secret needs --secret-file or env OVRNET_SECRET".into()))?
            .into_bytes(),
    };
    let trimmed = secret.trim_ascii().to_vec();
    if trimmed.is_empty() {
        return Err(Usage("the shared secret is empty".into()));
    }
    Ok(trimmed)
}

fn token_command(args: &[String]) -> Result<ExitCode, Usage> {
    let mut secret = std::env::var("OVRNET_SECRET").ok();
    let mut private_key_file = None;
    let mut audience = None;
    let mut user = None;
    let mut ttl = 3600;
    for (flag, value) in flags(args, &["--secret", "--private-key-file", "--audience", "--user", "--ttl"])? {
        match flag.as_str() {
            "--help" => return Ok(print_usage()),
            "--secret" => secret = Some(value),
            "--private-key-file" => private_key_file = Some(value),
            "--audience" => audience = Some(value),
            "--user" => {
                user = Some(
                    value
                        .parse::<u64>()
                        .map_err(|_| Usage(format!("--user wants a 64-bit id, got '{value}'")))?,
                )
            }
            "--ttl" => ttl = parse_secs(&flag, &value)?,
            other => return Err(Usage(format!("unknown flag '{other}'"))),
        }
    }
    let user = user.ok_or_else(|| Usage("token needs --user".into()))?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let token = match private_key_file {
        Some(path) => {
            let key = read_private_key(&path)?;
            let audience = audience.ok_or_else(|| Usage("a signed token needs --audience".into()))?;
            signed_token::mint(&key, user, now.saturating_add(ttl), &audience).ok_or_else(|| {
                Usage(format!("--audience wants 1 to 64 of A-Z a-z 0-9 _ -, got '{audience}'"))
            })?
        }
        None => {
            let secret = secret.ok_or_else(|| {
                Usage(
                    "token needs --private-key-file and --audience, or --secret (or env OVRNET_SECRET)"
                        .into(),
                )
            })?;
            token::mint(secret.trim().as_bytes(), user, now.saturating_add(ttl))
        }
    };
    match writeln!(std::io::stdout(), "{token}") {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(_) => Ok(ExitCode::FAILURE),
    }
}

fn print_usage() -> ExitCode {
    // Ignore a closed pipe (e.g. `--help | head`).
    let _ = writeln!(std::io::stdout(), "{USAGE}");
    ExitCode::SUCCESS
}

/// `ts=<unix seconds.millis> level=<level> <message>` lines on stderr.
struct StderrLogger;

static LOGGER: StderrLogger = StderrLogger;

impl StderrLogger {
    fn install(level: LevelFilter) {
        // Only fails if a logger is already set, which cannot happen in this binary.
        let _ = log::set_logger(&LOGGER);
        log::set_max_level(level);
    }
}

impl Log for StderrLogger {
    fn enabled(&self, metadata: &Metadata) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &Record) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let t = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        let level = match record.level() {
            Level::Error => "error",
            Level::Warn => "warn",
            Level::Info => "info",
            Level::Debug => "debug",
            Level::Trace => "trace",
        };
        let _ = writeln!(
            std::io::stderr().lock(),
            "ts={}.{:03} level={level} {}",
            t.as_secs(),
            t.subsec_millis(),
            record.args()
        );
    }

    fn flush(&self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_mode_defaults_to_loopback_and_refuses_other_addresses_unless_insecure() {
        assert_eq!(open_listen(None, false).ok(), Some(SocketAddr::from(([127, 0, 0, 1], DEFAULT_PORT))));
        let lan: SocketAddr = "0.0.0.0:7777".parse().unwrap_or_else(|_| unreachable!());
        assert!(open_listen(Some(lan), false).is_err());
        assert_eq!(open_listen(Some(lan), true).ok(), Some(lan));
        let v6: SocketAddr = "[::1]:7777".parse().unwrap_or_else(|_| unreachable!());
        assert_eq!(open_listen(Some(v6), false).ok(), Some(v6), "IPv6 loopback is loopback");
    }
}
