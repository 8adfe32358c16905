//! ovrnet-bench: ovrnet side by side with raw UDP/TCP, ENet and Rust peer libraries on loopback.
//! `cargo run --release -p ovrnet-bench` runs every case and writes docs/BENCHMARKS.md;
//! `--smoke` is a few-second run of every code path (part of the test command).
mod bulk;
mod capi;
mod cpu;
mod endpoint;
mod enet;
mod lossy;
mod mem;
mod ovr;
mod proxy;
mod quic;
mod rate;
mod renet;
mod report;
mod rtt;
mod stats;
mod tcp;
mod udp;

use std::time::{Duration, Instant};

use endpoint::Contender;
use report::Table;
use stats::{Cell, repeat};

struct Opts {
    smoke: bool,
    reps: usize,
    only: Vec<String>,
    metrics: Vec<u32>,
    out: Option<String>,
}

fn parse() -> Opts {
    let mut o = Opts { smoke: false, reps: 3, only: vec![], metrics: vec![1, 2, 3, 4, 5, 6, 7], out: None };
    let mut args = std::env::args().skip(1);
    let mut out_set = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--smoke" => o.smoke = true,
            "--reps" => o.reps = args.next().and_then(|v| v.parse().ok()).expect("--reps N"),
            "--only" => o.only = args.next().expect("--only a,b").split(',').map(str::to_lowercase).collect(),
            "--metrics" => {
                o.metrics =
                    args.next().expect("--metrics 1,2").split(',').filter_map(|m| m.parse().ok()).collect()
            }
            "--out" => {
                o.out = args.next();
                out_set = true;
            }
            "--help" | "-h" => {
                println!(
                    "ovrnet-bench [--smoke] [--reps N] [--only udp,enet,...] [--metrics 1,2,...] [--out FILE]\n\
                     Default: all metrics, 3 repetitions, writes docs/BENCHMARKS.md (not with --smoke)."
                );
                std::process::exit(0);
            }
            _ => panic!("unknown argument {a}; see --help"),
        }
    }
    if o.smoke {
        o.reps = 1;
    } else if !out_set {
        o.out = Some(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/BENCHMARKS.md").into());
    }
    o
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "--mem-hub") {
        return mem::hub_main(&args[1..]);
    }
    if args.first().is_some_and(|a| a == "--cpu-case") {
        return cpu::case_main(&args[1..]);
    }
    let o = parse();
    let started = Instant::now();
    let machine = report::machine();
    let contenders: Vec<Contender> = Contender::ALL
        .into_iter()
        .filter(|c| o.only.is_empty() || o.only.iter().any(|f| c.key().starts_with(f.as_str())))
        .collect();
    let mut tables = vec![];
    let row = |t: &mut Table, c: Contender, cells: Vec<Cell>| {
        t.rows.push((c.name().to_string(), cells));
        println!(
            "{}",
            t.rows
                .last()
                .map(|(n, c)| format!(
                    "  {n}: {}",
                    c.iter().map(Cell::render).collect::<Vec<_>>().join(" | ")
                ))
                .unwrap_or_default()
        );
    };
    let na = |n: usize, why: &str| vec![Cell::Na(why.into()); n];

    if o.metrics.contains(&1) {
        let pings = if o.smoke { 200 } else { 5000 };
        let game_pings = if o.smoke { 50 } else { 500 };
        for (game, pn) in [(false, pings), (true, game_pings)] {
            let title = if game {
                "1b. RTT, 29 B unreliable, echo side polls once per ms (µs)"
            } else {
                "1a. RTT, 29 B unreliable, both sides busy-poll (µs)"
            };
            let mut t = Table::new(
                title,
                &format!("{pn} pings after {} warm-up per repetition; app -> app -> app.", pn / 10),
                &["p50", "p99", "p99.9", "lost %"],
            );
            println!("{title}");
            for &c in &contenders {
                let cells = repeat(o.reps, 4, || rtt::run(c, pn, game));
                row(&mut t, c, cells);
            }
            tables.push(t);
        }
    }
    if o.metrics.contains(&2) {
        let dur = Duration::from_millis(if o.smoke { 100 } else { 500 });
        for size in [29usize, 1200] {
            let title = format!("2. One-way unreliable rate, {size} B messages");
            let mut t = Table::new(
                &title,
                &format!(
                    "Sender sends for {} ms as fast as its send call accepts; receiver busy-polls.",
                    dur.as_millis()
                ),
                &["delivered Mmsg/s", "MB/s", "loss %"],
            );
            println!("{title}");
            for &c in &contenders {
                let cells = if c.unreliable() {
                    repeat(o.reps, 3, || {
                        rate::run(c, size, dur).map(|v| vec![v[0], v[0] * size as f64, v[1]])
                    })
                } else {
                    na(3, "n/a (reliable only)")
                };
                row(&mut t, c, cells);
            }
            tables.push(t);
        }
    }
    if o.metrics.contains(&3) {
        let total = if o.smoke { 2 << 20 } else { 64 << 20 };
        let mut t = Table::new(
            "3. Reliable bulk throughput (MB/s)",
            &format!("{} MiB of payload, first send to last byte delivered, order checked.", total >> 20),
            &["1000 B messages", "65535 B messages"],
        );
        println!("3. bulk");
        for &c in &contenders {
            let cells = if c.reliable() {
                let mut cells = repeat(o.reps, 1, || bulk::run(c, 1000, total, None));
                cells.extend(repeat(o.reps, 1, || bulk::run(c, 65535, total, None)));
                cells
            } else {
                na(2, "n/a (unreliable only)")
            };
            row(&mut t, c, cells);
        }
        tables.push(t);
    }
    if o.metrics.contains(&4) {
        let dur = Duration::from_millis(if o.smoke { 500 } else { 20_000 });
        let total = if o.smoke { 64 << 10 } else { 16 << 20 };
        let limit = Duration::from_secs(if o.smoke { 3 } else { 12 });
        let mut t = Table::new(
            "4. Through the proxy: 5 % loss each way, 20 ms added RTT",
            &format!(
                "Latency: 100 B reliable messages at 60 Hz for {:.1} s, send call to delivery, both sides in a 1 ms game loop, all contenders at once each through its own proxy (ms). \
                 Goodput: {} KiB reliable in 1000 B messages, busy-polling, one contender at a time (MB/s; over the first {} s if it had not all arrived: `done` is 1 when it had). \
                 Seeded loss: repetition r uses the same seeds for every contender.",
                dur.as_secs_f64(),
                total >> 10,
                limit.as_secs()
            ),
            &["p50 ms", "p99 ms", "max ms", "goodput MB/s", "done"],
        );
        println!("4. lossy");
        let lossy: Vec<Contender> =
            contenders.iter().copied().filter(|&c| c.reliable() && c != Contender::Tcp).collect();
        let mut lat: Vec<Vec<Result<Vec<f64>, String>>> = vec![vec![]; lossy.len()];
        for r in 0..o.reps as u64 {
            let res: Vec<_> = std::thread::scope(|s| {
                let hs: Vec<_> =
                    lossy.iter().map(|&c| s.spawn(move || lossy::latency(c, dur, r + 1))).collect();
                hs.into_iter().map(|h| h.join().unwrap_or_else(|_| Err("panicked".into()))).collect()
            });
            for (i, x) in res.into_iter().enumerate() {
                lat[i].push(x);
            }
        }
        for &c in &contenders {
            let Some(i) = lossy.iter().position(|&l| l == c) else {
                row(&mut t, c, na(5, "n/a"));
                continue;
            };
            let mut runs = lat[i].clone().into_iter();
            let mut cells = repeat(o.reps, 3, || runs.next().unwrap_or(Err("missing".into())));
            let mut seed = 100;
            cells.extend(repeat(o.reps, 2, || {
                seed += 1;
                lossy::goodput(c, total, seed, limit)
            }));
            row(&mut t, c, cells);
        }
        tables.push(t);
    }
    if o.metrics.contains(&5) {
        let n = if o.smoke { 32 } else { 1600 };
        let mut t = Table::new(
            "5. CPU: user-space instructions per message (callgrind)",
            &format!(
                "Sender + receiver + helper threads, lockstep batches of 32 with blocking waits; (instructions of a {}-message run − those of a {n}-message run) / messages delivered in between. System calls' kernel work is not counted.",
                3 * n
            ),
            &["29 B unreliable", "1000 B reliable"],
        );
        println!("5. cpu");
        // The smoke run checks the valgrind path once per API; the endpoints are exercised above.
        for &c in
            contenders.iter().filter(|&&c| !o.smoke || matches!(c, Contender::Ovrnet | Contender::OvrnetCapi))
        {
            let mut cells = if c.unreliable() {
                repeat(o.reps, 1, || cpu::per_message(c, 29, false, n))
            } else {
                na(1, "n/a")
            };
            cells.extend(if c.reliable() {
                repeat(o.reps, 1, || cpu::per_message(c, 1000, true, n))
            } else {
                na(1, "n/a")
            });
            row(&mut t, c, cells);
        }
        tables.push(t);
    }
    if o.metrics.contains(&6) {
        let (conns, pairs) = if o.smoke { (50, 3) } else { (1000, 10) };
        let mut t = Table::new(
            "6. Connections",
            &format!(
                "Connect: connect call to the dialler's Connected on loopback, median of {pairs} fresh pairs (for ovrnet this includes the rendezvous server round trip and the encrypted handshake: certificates checked, keys agreed). Memory: the accepting process's resident set (before creating its host, and with {conns} idle connections open) divided by {conns}; clients live in another process. Login (ovrnet, Rust API): engine start to LoggedIn, median of {pairs} (socket and thread, address cookie round trip, login, certificate checked)."
            ),
            &["connect µs", "KiB per idle connection", "login µs"],
        );
        println!("6. connections");
        for &c in &contenders {
            let mut cells = if c == Contender::Tcp || c.reliable() {
                repeat(o.reps, 1, || mem::connect_time(c, pairs))
            } else {
                na(1, "n/a (connectionless)")
            };
            cells.extend(if mem::has_hub(c) {
                repeat(o.reps, 1, || mem::per_connection(c, conns))
            } else {
                na(1, "n/a")
            });
            cells.extend(if c == Contender::Ovrnet {
                repeat(o.reps, 1, || Ok(ovr::login_time(pairs)))
            } else {
                na(1, "n/a")
            });
            row(&mut t, c, cells);
        }
        tables.push(t);
    }

    if o.metrics.contains(&7) {
        let dur = Duration::from_millis(if o.smoke { 100 } else { 1000 });
        let mut t = Table::new(
            "7. Relay under load",
            &format!(
                "ovrnet with every packet through the rendezvous server's relay (RelayMode::Always, rate limit off): one sender streams unreliable messages for {} ms as fast as its send call takes them. CPU is the server thread's user + system time (from /proc, 10 ms resolution) divided by what it relayed; packets per second per core = 1 / (CPU per packet). Relayed vs direct RTT and throughput are the 'ovrnet relayed' rows of tables 1-3.",
                dur.as_millis()
            ),
            &["delivered k msg/s", "server CPU µs per packet", "server CPU s per GB"],
        );
        println!("7. relay under load");
        for size in [29usize, 1200] {
            let cells = repeat(o.reps, 3, || ovr::relay_cost(size, dur));
            t.rows.push((format!("{size} B unreliable"), cells));
            println!(
                "  {size} B: {}",
                t.rows
                    .last()
                    .map(|(_, c)| c.iter().map(Cell::render).collect::<Vec<_>>().join(" | "))
                    .unwrap_or_default()
            );
        }
        tables.push(t);
    }

    let elapsed = started.elapsed();
    let mut md = String::new();
    for t in &tables {
        md += &t.markdown();
        md.push('\n');
    }
    md += &targets(&tables);
    md += &capi_vs_rust(&tables);
    println!("\n{md}");
    println!("total time {:.0} s", elapsed.as_secs_f64());
    if let Some(out) = o.out {
        let cmd = format!(
            "cargo run --release -p ovrnet-bench --{}",
            std::env::args().skip(1).map(|a| format!(" {a}")).collect::<String>()
        );
        let doc = format!(
            "# Benchmarks\n\nGenerated by `ovrnet-bench` (bench/); do not edit by hand.\n\nCommand: `{cmd}` (took {:.0} s)\n\n{machine}\n\
             Each figure is the median of {} repetitions, (min–max) beside it. Everything runs on loopback in one \
             process: each side of a pair on its own thread (the machine has other load; compare ratios within this run).\n\n{md}",
            elapsed.as_secs_f64(),
            o.reps
        );
        let notes =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/NOTES.md")).unwrap_or_default();
        std::fs::write(&out, format!("{doc}\n{notes}")).expect("write report");
        println!("wrote {out}");
    }
    let failed = tables
        .iter()
        .flat_map(|t| &t.rows)
        .flat_map(|(_, c)| c)
        .any(|c| matches!(c, Cell::Na(w) if w.starts_with("failed")));
    if failed && o.smoke {
        eprintln!("smoke run: a case failed (see the tables)");
        std::process::exit(1);
    }
}

/// ovrnet's targets from the issue, as ratios of this run's medians.
fn targets(tables: &[Table]) -> String {
    let find = |prefix: &str| tables.iter().find(|t| t.title.starts_with(prefix));
    let (ovr, enet, udp) = (Contender::Ovrnet.name(), Contender::Enet.name(), Contender::UdpBusy.name());
    // (target, table, column, reference row, factor: ovrnet <= factor * reference when lower is better)
    type Check = (&'static str, &'static str, usize, &'static str, f64, bool);
    let checks: [Check; 12] = [
        ("RTT p50 <= 1.25x raw busy-polled UDP", "1a.", 0, udp, 1.25, true),
        ("RTT p50 below ENet's", "1a.", 0, enet, 1.0, true),
        ("RTT p99 <= ENet's", "1a.", 1, enet, 1.0, true),
        ("unreliable 29 B rate >= ENet's", "2. One-way unreliable rate, 29 B", 0, enet, 1.0, false),
        (
            "unreliable 1200 B rate >= 90 % of raw UDP",
            "2. One-way unreliable rate, 1200 B",
            0,
            udp,
            0.9,
            false,
        ),
        ("reliable 1000 B throughput >= 1.5x ENet's", "3.", 0, enet, 1.5, false),
        ("reliable 65535 B throughput >= 1.5x ENet's", "3.", 1, enet, 1.5, false),
        ("5 % loss: p99 <= half ENet's", "4.", 1, enet, 0.5, true),
        ("5 % loss: goodput >= ENet's", "4.", 3, enet, 1.0, false),
        ("instructions/message 29 B unreliable <= half ENet's", "5.", 0, enet, 0.5, true),
        ("instructions/message 1000 B reliable <= half ENet's", "5.", 1, enet, 0.5, true),
        ("KiB per idle connection (no target; for reference)", "6.", 1, enet, f64::NAN, true),
    ];
    let mut s = String::from(
        "### ovrnet against its targets\n\nRatios of medians from this run.\n\n| target | ovrnet | reference | ovrnet / reference | met |\n|---|---:|---:|---:|---|\n",
    );
    for (name, table, col, reference, factor, lower_better) in checks {
        let Some(t) = find(table) else { continue };
        let (Some(o), Some(r)) = (t.get(ovr, col), t.get(reference, col)) else {
            s += &format!("| {name} | - | - | - | not measured |\n");
            continue;
        };
        let ratio = o / r;
        let met = if factor.is_nan() {
            "-"
        } else if (lower_better && ratio <= factor) || (!lower_better && ratio >= factor) {
            "yes"
        } else {
            "**no**"
        };
        s += &format!(
            "| {name} | {} | {} ({reference}) | {:.2} | {met} |\n",
            stats::fmt(o),
            stats::fmt(r),
            ratio
        );
    }
    s
}

/// Every figure of the C ABI row against the Rust API row (ratios of this run's medians).
fn capi_vs_rust(tables: &[Table]) -> String {
    let (rust, capi) = (Contender::Ovrnet.name(), Contender::OvrnetCapi.name());
    let mut rows = String::new();
    for t in tables {
        for (col, name) in t.cols.iter().enumerate() {
            // Loss shares and `done` are mostly 0 or 1; MB/s repeats Mmsg/s in the rate tables.
            if name.contains('%') || name == "done" || name == "MB/s" {
                continue;
            }
            let (Some(r), Some(c)) = (t.get(rust, col), t.get(capi, col)) else { continue };
            rows +=
                &format!("| {} | {name} | {} | {} | {:.2} |\n", t.title, stats::fmt(r), stats::fmt(c), c / r);
        }
    }
    if rows.is_empty() {
        return rows;
    }
    format!(
        "\n### ovrnet: C ABI against the Rust API\n\nRatios of medians from this run. Above 1 means the C ABI figure is larger: \
         worse for times, instructions and memory, better for rates and throughput. Figures on a shared \
         machine move between runs: only a gap larger than the (min–max) ranges in the tables is a cost of the C ABI.\n\n\
         | table | column | Rust API | C ABI | C ABI / Rust API |\n|---|---|---:|---:|---:|\n{rows}"
    )
}
