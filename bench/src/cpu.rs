//! Metric 5: user-space instructions per message under valgrind's callgrind, sender plus
//! receiver (and every helper thread: ovrnet's workers and rendezvous server, ENet's service
//! calls). A child process (`--cpu-case`) sends a fixed number of messages in lockstep batches
//! with blocking waits, so no busy-poll spin is counted; the figure is the difference between a
//! run of 3N and one of N messages divided by 2N, which cancels setup and teardown. Kernel time
//! (the system calls themselves) is not counted by callgrind.
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use crate::endpoint::{Contender, pair};

const BATCH: u64 = 32;

/// Child side: `--cpu-case <contender key> <size> <reliable 0|1> <messages>`.
pub fn case_main(args: &[String]) {
    let c = Contender::ALL.into_iter().find(|c| c.key() == args[0]).expect("contender key");
    let size: usize = args[1].parse().expect("size");
    let rel = args[2] == "1";
    let count: u64 = args[3].parse().expect("messages");
    let p = pair(c, None);
    let (mut a, mut b) = (p.a, p.b);
    let (tx, rx) = mpsc::channel::<()>();
    let got = std::thread::scope(|s| {
        let receiver = s.spawn(move || {
            let mut buf = vec![0u8; 65536];
            let mut got = 0u64;
            for _ in 0..count / BATCH {
                let (mut n, mut idle) = (0, 0);
                while n < BATCH && idle < 40 {
                    if b.poll(&mut buf).is_some() {
                        n += 1;
                        idle = 0;
                    } else {
                        b.wait(Duration::from_millis(5));
                        idle += 1;
                    }
                }
                got += n;
                let _ = tx.send(());
            }
            got
        });
        let msg = vec![0x5au8; size];
        let mut buf = vec![0u8; 65536];
        for _ in 0..count / BATCH {
            for _ in 0..BATCH {
                while !a.send(&msg, rel) {
                    a.wait(Duration::from_millis(1));
                    while a.poll(&mut buf).is_some() {}
                }
            }
            while rx.try_recv().is_err() {
                a.wait(Duration::from_millis(1));
                while a.poll(&mut buf).is_some() {}
            }
        }
        receiver.join().expect("receiver")
    });
    println!("DELIVERED {got}");
}

fn callgrind(c: Contender, size: usize, rel: bool, count: u64) -> Result<(u64, u64), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let out = Command::new("valgrind")
        .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
        .arg(exe)
        .args(["--cpu-case", c.key(), &size.to_string(), if rel { "1" } else { "0" }, &count.to_string()])
        .output()
        .map_err(|e| format!("valgrind: {e}"))?;
    let err = String::from_utf8_lossy(&out.stderr);
    let ir = err
        .lines()
        .find_map(|l| l.split("Collected :").nth(1))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| format!("no callgrind total; stderr: {}", err.lines().last().unwrap_or("")))?;
    let got = String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("DELIVERED ")?.parse().ok())
        .ok_or("child reported no delivery count")?;
    Ok((ir, got))
}

/// Instructions per delivered message.
pub fn per_message(c: Contender, size: usize, rel: bool, n: u64) -> Result<Vec<f64>, String> {
    let (i1, g1) = callgrind(c, size, rel, n)?;
    let (i3, g3) = callgrind(c, size, rel, 3 * n)?;
    if g3 <= g1 {
        return Err("nothing delivered".into());
    }
    Ok(vec![(i3 as f64 - i1 as f64) / (g3 - g1) as f64])
}
