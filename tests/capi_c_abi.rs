//! Builds tests/c/bool_abi.c with gcc against include/ and the freshly built libovrnet.so, runs
//! it, and requires every bool export to have left exactly 0 or 1 in the 32-bit return register.
//! So that the networking exports also return true somewhere, the C program gets a real server
//! and a peer (a Rust-API engine in this process that accepts every connection request); it also
//! creates and leaves a room there for the room-scoped and room getter bool exports.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ovrnet::engine::{Engine, EngineConfig, Notification};
use ovrnet::server::{self, AuthMode, ServerConfig};

const PEER: u64 = 4242;

/// Starts a peer that accepts every connection request until `stop` is set.
fn accepting_peer(server: SocketAddr, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    let mut cfg = EngineConfig::new(server, PEER, b"peer".to_vec());
    cfg.bind = SocketAddr::from(([127, 0, 0, 1], 0));
    let engine = Engine::start(cfg).expect("peer engine starts");
    std::thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            while let Some(n) = engine.pop_notification() {
                if let Notification::PeerConnectRequest { peer } = n {
                    engine.accept(peer);
                }
            }
            while engine.read_packet().is_some() {}
            engine.wait(Duration::from_millis(5));
        }
        engine.shutdown();
    })
}

/// `target/<profile>/deps`: where cargo puts the cdylib it builds for this test run. (The copy in
/// `target/<profile>` is only refreshed by `cargo build` and may be stale.)
fn deps_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    exe.parent().expect("test binary lives in target/<profile>/deps").to_path_buf()
}

#[test]
fn bool_returns_fill_32_bits() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib_dir = deps_dir();
    let lib = lib_dir.join("libovrnet.so");
    assert!(lib.exists(), "cdylib not built at {}", lib.display());

    let out_dir = lib_dir.join("..").join("capi-c-tests");
    std::fs::create_dir_all(&out_dir).expect("create output dir");
    let exe = out_dir.join("bool_abi");

    let mut cc = Command::new("gcc");
    cc.args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-O1"])
        .arg("-I")
        .arg(root.join("include"))
        .arg(root.join("tests/c/bool_abi.c"));
    if cfg!(target_arch = "x86_64") {
        cc.arg(root.join("tests/c/call_with_garbage_x86_64.S"));
    }
    cc.arg("-L")
        .arg(&lib_dir)
        .args(["-lovrnet", "-ldl"])
        .arg(format!("-Wl,-rpath,{}", lib_dir.display()))
        .arg("-o")
        .arg(&exe);
    let built = cc.output().expect("gcc must be installed to run the C ABI test");
    assert!(built.status.success(), "gcc failed:\n{}", String::from_utf8_lossy(&built.stderr));

    let server = server::spawn(ServerConfig::new(SocketAddr::from(([127, 0, 0, 1], 0)), AuthMode::Open))
        .expect("server starts");
    let stop = Arc::new(AtomicBool::new(false));
    let peer = accepting_peer(server.local_addr(), stop.clone());
    let run = Command::new(&exe)
        .arg(&lib)
        .arg(server.local_addr().to_string())
        .arg(PEER.to_string())
        .env("OVRNET_LOG", "info")
        .output()
        .expect("run bool_abi");
    stop.store(true, Ordering::Relaxed);
    peer.join().expect("peer thread");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "bool_abi failed:\n{stdout}\n--- its log:\n{stderr}");
    let last = stdout.lines().last().unwrap_or_default();
    assert!(last.ends_with(" passed, 0 failed"), "unexpected summary: {last}");
    let passed: usize = last.split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or(0);
    // Every plain call everywhere, plus the garbage-register calls on x86-64.
    let minimum = if cfg!(target_arch = "x86_64") { 76 } else { 40 };
    assert!(passed >= minimum, "only {passed} checks ran:\n{stdout}");
}
