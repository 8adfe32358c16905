//! Metric 4: through the impairment proxy (5 % loss each way, 10 ms added each way = 20 ms RTT):
//! delivery latency of 100-byte reliable messages sent at 60 Hz, and goodput of a reliable bulk
//! transfer. The latency case runs every contender at once (each through its own proxy), both
//! sides ticking every millisecond like a game loop, so it costs 20 s in all and no contender
//! starves another of CPU; latency therefore includes up to 1 ms of polling delay for everyone.
//! The bulk case busy-polls, one contender at a time.
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::endpoint::{Contender, pair};
use crate::proxy::Impairment;

pub fn impairment(seed: u64) -> Impairment {
    Impairment { loss: 0.05, delay: Duration::from_millis(10), jitter: Duration::ZERO, seed }
}

/// p50, p99, max one-way delivery latency in ms (send call to receive), and messages lost
/// (should be 0: reliable).
pub fn latency(c: Contender, dur: Duration, seed: u64) -> Result<Vec<f64>, String> {
    let p = pair(c, Some(&impairment(seed)));
    let (mut a, mut b) = (p.a, p.b);
    let epoch = Instant::now();
    let count = (dur.as_secs_f64() * 60.0) as u64;
    let done = AtomicBool::new(false);
    let res = std::thread::scope(|s| {
        s.spawn(|| {
            let mut buf = vec![0u8; 65536];
            let mut msg = [0x5au8; 100];
            let mut i = 0u64;
            let tick = Duration::from_secs(1) / 60;
            while !done.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(1));
                if i < count && epoch.elapsed() >= tick * i as u32 {
                    msg[..8].copy_from_slice(&i.to_le_bytes());
                    msg[8..16].copy_from_slice(&(epoch.elapsed().as_nanos() as u64).to_le_bytes());
                    if a.send(&msg, true) {
                        i += 1;
                    }
                }
                a.poll(&mut buf);
            }
        });
        let mut buf = vec![0u8; 65536];
        let mut lat = Vec::with_capacity(count as usize);
        let mut next = 0u64;
        let limit = dur + Duration::from_secs(10);
        let mut res = Ok(());
        while next < count && epoch.elapsed() < limit {
            std::thread::sleep(Duration::from_millis(1));
            while let Some(n) = b.poll(&mut buf) {
                let seq = u64::from_le_bytes(buf[..8].try_into().expect("8"));
                if n != 100 || seq != next {
                    res = Err(format!("message {next}: got seq {seq} len {n}"));
                    next = count;
                    break;
                }
                let sent = u64::from_le_bytes(buf[8..16].try_into().expect("8"));
                lat.push((epoch.elapsed().as_nanos() as u64 - sent) as f64 / 1e6);
                next += 1;
            }
        }
        done.store(true, Ordering::Relaxed);
        res.map(|()| (lat, count - next))
    });
    drop(p.guard);
    let (lat, missing) = res?;
    if missing > 0 {
        return Err(format!("{missing} of {count} reliable messages not delivered"));
    }
    let s = crate::stats::sorted(lat);
    use crate::stats::percentile as pc;
    Ok(vec![pc(&s, 50.0), pc(&s, 99.0), s[s.len() - 1]])
}

/// MB/s of a `total`-byte reliable transfer in 1000-byte messages through the proxy (over
/// `limit` if it had not finished by then) and whether it finished.
pub fn goodput(c: Contender, total: usize, seed: u64, limit: Duration) -> Result<Vec<f64>, String> {
    let p = pair(c, Some(&impairment(seed)));
    crate::bulk::transfer(p, 1000, total, limit, true)
}
