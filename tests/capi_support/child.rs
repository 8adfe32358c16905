//! Child processes for tests that need a second C ABI instance or a different environment: the
//! C ABI has one instance per process, and the environment cannot be changed safely inside a
//! running multi-threaded test binary.
//!
//! The test binary runs itself again with `--exact <test> --nocapture`, `OVRNET_TEST_CHILD=<role>`
//! and the environment the scenario needs (every `OVRNET_*` variable of the parent is removed
//! first). The named test is a dispatcher: in a normal run `role()` is `None` and it returns at
//! once; in the child it plays the role and prints result lines that the parent checks.

use std::process::{Child, Command, Output, Stdio};

pub const ROLE_ENV: &str = "OVRNET_TEST_CHILD";

/// The role this process plays, or `None` in a normal test run.
pub fn role() -> Option<String> {
    std::env::var(ROLE_ENV).ok()
}

/// Starts this test binary as a child that runs only `test` in `role`, with `env` set.
pub fn spawn(test: &str, role: &str, env: &[(&str, String)]) -> Child {
    let exe = std::env::current_exe().expect("test binary path");
    let mut cmd = Command::new(exe);
    cmd.args(["--exact", test, "--nocapture", "--test-threads=1"]);
    for (key, _) in std::env::vars() {
        if key.starts_with("OVRNET_") {
            cmd.env_remove(key);
        }
    }
    cmd.env(ROLE_ENV, role);
    for (key, value) in env {
        cmd.env(key, value);
    }
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn child test process")
}

/// Waits for a child and returns its output; panics with both streams if it failed.
pub fn finish(child: Child, what: &str) -> String {
    let Output { status, stdout, stderr } = child.wait_with_output().expect("wait for child");
    let (stdout, stderr) = (String::from_utf8_lossy(&stdout), String::from_utf8_lossy(&stderr));
    assert!(status.success(), "{what} failed ({status}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}");
    stdout.into_owned()
}

/// Runs a child to completion (see [`spawn`], [`finish`]).
pub fn run(test: &str, role: &str, env: &[(&str, String)]) -> String {
    finish(spawn(test, role, env), role)
}

/// The child's result lines: what it printed after a `RESULT ` marker (the test harness may
/// have written "test ... " in front of the first one on the same line).
pub fn results(stdout: &str) -> Vec<String> {
    stdout.lines().filter_map(|l| l.find("RESULT ").map(|at| l[at + 7..].to_owned())).collect()
}
