//! Recovery without the game's help: when the rendezvous server is killed (SIGKILL, no goodbye)
//! and restarted on the same address with its key file, a logged-in engine logs in again by
//! itself and is reachable again, and its direct connection to a peer keeps working meanwhile.
//! (The restarted server has lost the session keys; it proves the sessions are gone with reset
//! tokens derived from its identity key, which is why the key must survive the restart.)
mod engine_support;
use engine_support::*;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ovrnet::engine::{Engine, EngineConfig, Notification, PeerState};
use ovrnet::proto::Policy;

const BIN: &str = env!("CARGO_BIN_EXE_ovrnet-server");

/// A server process that is killed when dropped, so a failing test leaves none behind.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A server identity key file, as `ovrnet-server keygen` writes it.
fn key_file(name: &str) -> std::path::PathBuf {
    let out = Command::new(BIN).arg("keygen").output().expect("keygen runs");
    assert!(out.status.success());
    let file = std::env::temp_dir().join(format!("ovrnet-relogin-{}-{name}.key", std::process::id()));
    std::fs::write(&file, &out.stdout).expect("key file written");
    file
}

/// Starts the server binary on `listen` with the identity key in `key` and returns it with the
/// address it announced.
fn start_server(listen: &str, key: &std::path::Path) -> (Server, SocketAddr) {
    let key = key.to_str().expect("utf-8 temp path");
    let mut child = Command::new(BIN)
        .args(["--auth", "open", "--listen", listen, "--log-level", "off", "--identity-key-file", key])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("server binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("announce line");
    let addr = line.trim().strip_prefix("listening on ").expect("'listening on ADDR'").parse().expect("addr");
    (Server(child), addr)
}

fn engine_at(server: SocketAddr, id: u64) -> Engine {
    let mut cfg = EngineConfig::new(server, id, format!("secret-{id}").into_bytes());
    cfg.bind = SocketAddr::from(([127, 0, 0, 1], 0));
    cfg.connect_timeout = Duration::from_secs(3);
    cfg.proto.idle_timeout_us = 8_000_000;
    cfg.proto.keepalive_us = 300_000;
    let e = Engine::start(cfg).expect("engine starts");
    expect(&e, |n| *n == Notification::LoggedIn, 5);
    e
}

fn kill9(server: &mut Server) {
    let pid = server.0.id().to_string();
    assert!(Command::new("kill").args(["-KILL", &pid]).status().expect("kill").success());
    let _ = server.0.wait();
}

#[test]
fn after_a_server_restart_clients_log_in_again_and_are_reachable() {
    let key = key_file("restart");
    let (mut first, addr) = start_server("127.0.0.1:0", &key);
    let (a, b) = (engine_at(addr, 8101), engine_at(addr, 8102));
    connect_pair(&a, &b);

    kill9(&mut first);
    let killed_at = Instant::now();
    let (mut second, again) = start_server(&addr.to_string(), &key);
    assert_eq!(again, addr, "restarted on the same address");

    // Both log in again by themselves, within 5 s of the kill.
    expect(&a, |n| *n == Notification::LoggedIn, 5);
    expect(&b, |n| *n == Notification::LoggedIn, 5);
    let back_after = killed_at.elapsed();
    assert!(back_after < Duration::from_secs(5), "back after {back_after:?}");

    // The direct connection never needed the server.
    assert!(a.is_connected(8102), "peer connection survives the server restart");
    a.send(8102, b"still here", Policy::Reliable).expect("send");
    assert_eq!(read(&b, 1, 5), vec![(8101, Policy::Reliable, b"still here".to_vec())]);

    // Presence is back: a newcomer reaches A through the new server.
    let c = engine_at(addr, 8103);
    connect_pair(&c, &a);
    kill9(&mut second);
    drop((a, b, c));
    let _ = std::fs::remove_file(key);
}

#[test]
fn a_shut_down_engine_does_not_log_in_again() {
    let key = key_file("shutdown");
    let (mut server, addr) = start_server("127.0.0.1:0", &key);
    let a = engine_at(addr, 8201);
    a.shutdown();
    // Nothing to observe on `a` itself after shutdown; the server must not see it come back.
    std::thread::sleep(Duration::from_millis(800));
    let b = engine_at(addr, 8202);
    b.connect(8201);
    expect(&b, state(8201, PeerState::Timeout), 6);
    kill9(&mut server);
    let _ = std::fs::remove_file(key);
}
