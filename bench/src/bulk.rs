//! Metric 3: reliable bulk throughput. a sends `total` bytes in `size`-byte reliable messages,
//! retrying when its queue is full; b checks order and counts. Time runs from the first send
//! to the last byte delivered.
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::endpoint::{Contender, Pair, pair};

/// MB/s (10^6 bytes per second of payload).
pub fn run(
    c: Contender,
    size: usize,
    total: usize,
    via: Option<&crate::proxy::Impairment>,
) -> Result<Vec<f64>, String> {
    let p = pair(c, via);
    transfer(p, size, total, Duration::from_secs(120), false).map(|v| vec![v[0]])
}

/// MB/s and 1.0 if all arrived. After `limit`, an error, or with `partial` the rate of what
/// arrived so far and 0.0.
pub fn transfer(
    p: Pair,
    size: usize,
    total: usize,
    limit: Duration,
    partial: bool,
) -> Result<Vec<f64>, String> {
    let (mut a, mut b) = (p.a, p.b);
    let count = total.div_ceil(size) as u64;
    let done = AtomicBool::new(false);
    let t0 = Instant::now();
    let res = std::thread::scope(|s| {
        s.spawn(|| {
            let mut msg = vec![0x5au8; size];
            let mut buf = vec![0u8; 65536];
            let mut i = 0u64;
            while i < count && !done.load(Ordering::Relaxed) {
                msg[..8].copy_from_slice(&i.to_le_bytes());
                if a.send(&msg, true) {
                    i += 1;
                } else {
                    a.poll(&mut buf);
                }
            }
            while !done.load(Ordering::Relaxed) {
                a.poll(&mut buf);
            }
        });
        let mut buf = vec![0u8; 65536];
        let mut next = 0u64;
        let mut res = Err(String::new());
        while next < count {
            if t0.elapsed() > limit {
                res = if partial {
                    Ok(vec![(next * size as u64) as f64 / t0.elapsed().as_secs_f64() / 1e6, 0.0])
                } else {
                    Err(format!("timed out after {next} of {count} messages"))
                };
                break;
            }
            if let Some(n) = b.poll(&mut buf) {
                let seq = u64::from_le_bytes(buf[..8].try_into().expect("8 bytes"));
                if n != size || seq != next {
                    res = Err(format!("message {next}: got seq {seq} len {n}"));
                    break;
                }
                next += 1;
            }
        }
        if next == count {
            res = Ok(vec![(count * size as u64) as f64 / t0.elapsed().as_secs_f64() / 1e6, 1.0]);
        }
        done.store(true, Ordering::Relaxed);
        res
    });
    drop(p.guard);
    res
}
