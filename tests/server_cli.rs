//! The `ovrnet-server` binary: usage errors, token minting, startup line and clean shutdown.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use ovrnet::server::token;

const BIN: &str = env!("CARGO_BIN_EXE_ovrnet-server");

#[test]
fn unknown_flag_is_a_usage_error() {
    let out = Command::new(BIN).arg("--frobnicate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown flag '--frobnicate'"));
}

#[test]
fn help_lists_every_flag() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--listen",
        "--auth",
        "--secret-file",
        "--session-timeout",
        "--connect-timeout",
        "--max-rooms",
        "--log-level",
        "--insecure-open",
        "--secret",
        "--user",
        "--ttl",
        "--identity-key-file",
    ] {
        assert!(text.contains(flag), "{flag} missing from --help");
    }
}

#[test]
fn max_rooms_must_be_a_positive_number() {
    for bad in ["0", "-1", "many"] {
        let out = Command::new(BIN).args(["--auth", "open", "--max-rooms", bad]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "--max-rooms {bad}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("--max-rooms wants a whole number"));
    }
}

#[test]
fn token_subcommand_mints_a_verifiable_token() {
    let out =
        Command::new(BIN).args(["token", "--secret", "abc", "--user", "77", "--ttl", "60"]).output().unwrap();
    assert!(out.status.success());
    let token = String::from_utf8(out.stdout).unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    assert_eq!(token::verify(b"abc", token.trim().as_bytes(), 77, now), Ok(()));
    assert!(token::verify(b"abc", token.trim().as_bytes(), 77, now + 61).is_err());
}

#[test]
fn server_announces_its_address_and_stops_on_sigterm() {
    let mut child = Command::new(BIN)
        .args(["--auth", "open", "--listen", "127.0.0.1:0", "--log-level", "off"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let addr = line.trim().strip_prefix("listening on ").unwrap();
    assert!(addr.parse::<std::net::SocketAddr>().unwrap().port() != 0);
    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "clean exit on SIGTERM");
}

#[test]
fn the_auth_mode_must_be_chosen() {
    let out = Command::new(BIN).args(["--listen", "127.0.0.1:0"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "no default auth mode");
    assert!(String::from_utf8_lossy(&out.stderr).contains("choose how logins are checked"));
}

#[test]
fn open_mode_listens_on_loopback_only_unless_told_otherwise() {
    let out = Command::new(BIN).args(["--auth", "open", "--listen", "0.0.0.0:0"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "open mode on all interfaces is refused");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--insecure-open"));
    // With the explicit flag it starts (and is stopped at once).
    let mut child = Command::new(BIN)
        .args(["--auth", "open", "--insecure-open", "--listen", "0.0.0.0:0", "--log-level", "off"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    assert!(line.starts_with("listening on 0.0.0.0:"), "{line}");
    assert!(Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success());
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

/// Runs `ovrnet-server ARGS` and returns its stdout; panics on failure.
fn run_ok(args: &[&str]) -> String {
    let out = Command::new(BIN).args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Logs an engine in with `credential` and returns whether the server took it.
fn logs_in(server: std::net::SocketAddr, user: u64, credential: &str) -> bool {
    use ovrnet::engine::{Engine, EngineConfig, Notification};
    let mut cfg = EngineConfig::new(server, user, credential.as_bytes().to_vec());
    cfg.bind = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let engine = Engine::start(cfg).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::time::Instant::now() < deadline {
        while let Some(n) = engine.pop_notification() {
            match n {
                Notification::LoggedIn => return true,
                Notification::LoginFailed { .. } => return false,
                _ => {}
            }
        }
        engine.wait(std::time::Duration::from_millis(10));
    }
    panic!("no login outcome");
}

#[test]
fn keygen_token_and_key_mode_work_together() {
    let dir = std::env::temp_dir().join(format!("ovrnet-keys-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pair = run_ok(&["keygen"]);
    let field = |name: &str| {
        pair.lines().find_map(|l| l.strip_prefix(name)).map(|v| v.trim().to_string()).expect("keygen line")
    };
    let (private_file, public_file) = (dir.join("backend.key"), dir.join("servers.pub"));
    std::fs::write(&private_file, field("private ")).unwrap();
    std::fs::write(&public_file, format!("# rotation: one key a line\n{}\n", field("public "))).unwrap();
    let private = private_file.to_str().unwrap();
    let token = |user: &str, audience: &str| {
        run_ok(&[
            "token",
            "--private-key-file",
            private,
            "--audience",
            audience,
            "--user",
            user,
            "--ttl",
            "60",
        ])
        .trim()
        .to_string()
    };
    let (good, elsewhere) = (token("501", "space-game"), token("502", "other-game"));
    assert!(good.starts_with("ovrnet2.501."), "{good}");

    let mut child = Command::new(BIN)
        .args([
            "--auth",
            "key",
            "--public-key-file",
            public_file.to_str().unwrap(),
            "--audience",
            "space-game",
        ])
        .args(["--listen", "127.0.0.1:0", "--log-level", "off"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let addr: std::net::SocketAddr = line.trim().strip_prefix("listening on ").unwrap().parse().unwrap();
    let results = (logs_in(addr, 501, &good), logs_in(addr, 502, &elsewhere), logs_in(addr, 503, &good));
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(results, (true, false, false), "signed token accepted; other audience and other user refused");

    // Missing pieces are usage errors, not a server that starts half-configured.
    let out = Command::new(BIN).args(["--auth", "key", "--audience", "x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--public-key-file"));
}

/// A server process that is killed when the test is done with it, also when the test fails
/// (a survivor would hold the test harness's output open).
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `ovrnet-server` with ARGS; returns the process, its address and the key it announces.
fn start(args: &[&str]) -> (Server, std::net::SocketAddr, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .args(["--listen", "127.0.0.1:0", "--log-level", "off"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let (mut first, mut second) = (String::new(), String::new());
    out.read_line(&mut first).unwrap();
    out.read_line(&mut second).unwrap();
    let addr = first.trim().strip_prefix("listening on ").unwrap().parse().unwrap();
    let key = second.trim().strip_prefix("server key ").expect("key line").to_string();
    (Server(child), addr, key)
}

/// Logs in with the server key pinned to `key`; whether the login (and its certificate) was taken.
fn logs_in_pinned(server: std::net::SocketAddr, user: u64, key: &str) -> bool {
    use ovrnet::engine::{Engine, EngineConfig, Notification};
    let mut cfg = EngineConfig::new(server, user, b"pinned".to_vec());
    cfg.bind = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    cfg.server_key = Some(std::array::from_fn(|i| u8::from_str_radix(&key[2 * i..2 * i + 2], 16).unwrap()));
    let engine = Engine::start(cfg).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::time::Instant::now() < deadline {
        while let Some(n) = engine.pop_notification() {
            match n {
                Notification::LoggedIn => return true,
                Notification::LoginFailed { reason } => {
                    assert!(reason.contains("pinned"), "says why: {reason}");
                    return false;
                }
                _ => {}
            }
        }
        engine.wait(std::time::Duration::from_millis(10));
    }
    panic!("no login outcome");
}

#[test]
fn the_identity_key_file_fixes_the_key_clients_pin() {
    let dir = std::env::temp_dir().join(format!("ovrnet-identity-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let keygen = run_ok(&["keygen"]);
    let public = keygen.lines().find_map(|l| l.strip_prefix("public ")).unwrap().trim().to_string();
    let file = dir.join("server.key");
    std::fs::write(&file, &keygen).unwrap();
    let with_file = ["--auth", "open", "--identity-key-file", file.to_str().unwrap()];

    let (first, addr, key) = start(&with_file);
    assert_eq!(key, public, "the announced key is the file's public key");
    let results = (logs_in_pinned(addr, 601, &public), logs_in_pinned(addr, 602, &"ab".repeat(32)));
    drop(first);
    assert_eq!(results, (true, false), "the right pin logs in, a wrong pin is refused");

    // A restart with the same file announces the same key; without one, a fresh key each start.
    let (_again, _, key_again) = start(&with_file);
    let (_a, _, k1) = start(&["--auth", "open"]);
    let (_b, _, k2) = start(&["--auth", "open"]);
    assert_eq!(key_again, public);
    assert_ne!(k1, k2);

    std::fs::write(&file, "not a key").unwrap();
    let out = Command::new(BIN).args(with_file).output().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("private HEX"));
}
