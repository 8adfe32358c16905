//! Metric 2: one-way unreliable message rate. a sends `size`-byte messages for `dur` as fast as
//! its send call accepts them; b busy-polls and counts. Rate is messages delivered per second of
//! sending, loss the share of accepted messages that never arrived.
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::endpoint::{Contender, pair};

/// Delivered messages per second (millions), loss in percent.
pub fn run(c: Contender, size: usize, dur: Duration) -> Result<Vec<f64>, String> {
    let p = pair(c, None);
    let (got, sent, secs) = stream(p.a, p.b, size, dur);
    drop(p.guard);
    if got == 0 {
        return Err(format!("nothing delivered of {sent}"));
    }
    Ok(vec![got as f64 / secs / 1e6, 100.0 * (1.0 - got as f64 / sent.max(1) as f64)])
}

/// a streams `size`-byte unreliable messages to b for `dur`: (delivered, accepted, seconds).
pub fn stream(
    mut a: Box<dyn crate::endpoint::Endpoint>,
    mut b: Box<dyn crate::endpoint::Endpoint>,
    size: usize,
    dur: Duration,
) -> (u64, u64, f64) {
    let done = AtomicBool::new(false);
    let sent = AtomicU64::new(0);
    let (got, secs) = std::thread::scope(|s| {
        let sender = s.spawn(|| {
            let msg = vec![0x5au8; size];
            let mut buf = vec![0u8; 65536];
            let t0 = Instant::now();
            let mut n = 0u64;
            while t0.elapsed() < dur {
                for _ in 0..64 {
                    if a.send(&msg, false) {
                        n += 1;
                    } else {
                        a.poll(&mut buf);
                    }
                }
            }
            let secs = t0.elapsed().as_secs_f64();
            sent.store(n, Ordering::Relaxed);
            done.store(true, Ordering::Release);
            (secs, a)
        });
        let mut buf = vec![0u8; 65536];
        let mut got = 0u64;
        let mut last = Instant::now();
        loop {
            if b.poll(&mut buf).is_some() {
                got += 1;
                last = Instant::now();
            } else if done.load(Ordering::Acquire) && last.elapsed() > Duration::from_millis(50) {
                break;
            }
        }
        let (secs, a) = sender.join().expect("sender");
        drop(a);
        (got, secs)
    });
    (got, sent.load(Ordering::Relaxed), secs)
}
