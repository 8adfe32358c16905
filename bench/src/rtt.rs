//! Metric 1: round trip of a 29-byte unreliable message a -> b -> a. b echoes either busy-polling
//! or once per millisecond (a game loop, pinged at a random phase of it); a always busy-polls. Lost pings (100 ms without the
//! echo) are skipped and counted.
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::endpoint::{Contender, pair};

/// p50, p99, p99.9 in microseconds, and the fraction of pings lost.
pub fn run(c: Contender, pings: usize, game_loop: bool) -> Result<Vec<f64>, String> {
    let p = pair(c, None);
    let (mut a, mut b) = (p.a, p.b);
    // TCP has no unreliable mode: its row is the same echo over the stream.
    let rel = !c.unreliable();
    let stop = AtomicBool::new(false);
    let warmup = pings / 10;
    let (samples, lost) = std::thread::scope(|s| {
        s.spawn(|| {
            let mut buf = vec![0u8; 65536];
            let mut next = Instant::now();
            while !stop.load(Ordering::Relaxed) {
                if game_loop {
                    next += Duration::from_millis(1);
                    let now = Instant::now();
                    if next > now {
                        std::thread::sleep(next - now);
                    } else {
                        next = now;
                    }
                }
                while let Some(n) = b.poll(&mut buf) {
                    b.send(&buf[..n], rel);
                }
            }
        });
        let mut buf = vec![0u8; 65536];
        let mut msg = [0x5au8; 29];
        let mut samples = Vec::with_capacity(pings);
        let mut lost = 0usize;
        let mut rng = 0x9e37_79b9_7f4a_7c15u64;
        for i in 0..(pings + warmup) as u64 {
            if game_loop {
                // Send at a random phase of the echo side's 1 ms loop, as game events would.
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                let until = Instant::now() + Duration::from_micros(rng % 1000);
                while Instant::now() < until {
                    a.poll(&mut buf);
                }
            }
            msg[..8].copy_from_slice(&i.to_le_bytes());
            let t0 = Instant::now();
            if !a.send(&msg, rel) {
                lost += 1;
                continue;
            }
            loop {
                if let Some(n) = a.poll(&mut buf)
                    && n == 29
                    && buf[..8] == msg[..8]
                {
                    if i as usize >= warmup {
                        samples.push(t0.elapsed().as_secs_f64() * 1e6);
                    }
                    break;
                }
                if t0.elapsed() > Duration::from_millis(100) {
                    lost += 1;
                    break;
                }
            }
        }
        stop.store(true, Ordering::Relaxed);
        (samples, lost)
    });
    drop(p.guard);
    if samples.len() < pings / 2 {
        return Err(format!("{lost} of {pings} pings lost"));
    }
    let s = crate::stats::sorted(samples);
    use crate::stats::percentile as pc;
    Ok(vec![pc(&s, 50.0), pc(&s, 99.0), pc(&s, 99.9), 100.0 * lost as f64 / (pings + warmup) as f64])
}
