//! Metric 6: connect time (connect call to the dialler's Connected, loopback) and resident memory
//! per idle connection. For memory a child process (`--mem-hub`) opens a hub that accepts `n`
//! connections from clients in this process; it reports its resident set before creating the hub
//! and once all `n` are connected, so the figure is the hub's whole cost divided by `n`.
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::endpoint::{Contender, pair};

/// Median connect time of `n` fresh pairs, in microseconds.
pub fn connect_time(c: Contender, n: usize) -> Result<Vec<f64>, String> {
    let mut v = vec![];
    for _ in 0..n {
        let p = pair(c, None);
        v.push(p.connect_us.ok_or("no handshake")?);
    }
    Ok(vec![crate::stats::percentile(&crate::stats::sorted(v), 50.0)])
}

pub fn rss_bytes() -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// Child side: `--mem-hub <enet|ovrnet|ovrnet-capi> <n> [server]`. Prints `READY [addr]`, then
/// `RSS <before> <after>` once `n` peers are connected.
pub fn hub_main(args: &[String]) {
    let n: usize = args[1].parse().expect("n");
    let before = rss_bytes();
    let report = |_: ()| {
        std::thread::sleep(Duration::from_millis(200));
        println!("RSS {before} {}", rss_bytes());
    };
    match args[0].as_str() {
        "enet" => crate::enet::hub(n, report),
        "ovrnet" => crate::ovr::hub(n, args[2].parse().expect("server addr"), report),
        "ovrnet-capi" => crate::capi::hub(n, args[2].parse().expect("server addr"), report),
        other => panic!("no hub for {other}"),
    }
}

/// Whether `c` has a memory hub.
pub fn has_hub(c: Contender) -> bool {
    matches!(c, Contender::Enet | Contender::Ovrnet | Contender::OvrnetCapi)
}

/// KiB of hub memory per connection with `n` open.
pub fn per_connection(c: Contender, n: usize) -> Result<Vec<f64>, String> {
    if !has_hub(c) {
        return Err("n/a".into());
    }
    let server = (c != Contender::Enet).then(crate::ovr::server);
    let mut cmd = Command::new(std::env::current_exe().map_err(|e| e.to_string())?);
    cmd.args(["--mem-hub", c.key(), &n.to_string()]);
    if let Some(s) = &server {
        cmd.arg(s.local_addr().to_string());
    }
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().map_err(|e| e.to_string())?;
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut line = || lines.next().and_then(Result::ok).unwrap_or_default();
    let ready = line();
    let addr = ready.strip_prefix("READY").ok_or(format!("hub said {ready:?}"))?.trim();
    let clients = match &server {
        None => {
            let addr: SocketAddr = addr.parse().map_err(|_| format!("hub said {ready:?}"))?;
            crate::enet::clients(n, addr)
        }
        Some(server) => {
            if c == Contender::OvrnetCapi {
                crate::capi::wait_hub_login(server)?;
            }
            crate::ovr::clients(n, server.local_addr())
        }
    };
    let rss = line();
    drop(clients);
    let _ = child.kill();
    let _ = child.wait();
    let v: Vec<f64> = rss.split_whitespace().skip(1).filter_map(|x| x.parse().ok()).collect();
    if v.len() != 2 {
        return Err(format!("hub said {rss:?}"));
    }
    Ok(vec![(v[1] - v[0]) / n as f64 / 1024.0])
}
