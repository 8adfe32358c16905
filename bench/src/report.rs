//! Markdown tables and the docs/BENCHMARKS.md file.
use crate::stats::Cell;

pub struct Table {
    pub title: String,
    pub note: String,
    pub cols: Vec<String>,
    pub rows: Vec<(String, Vec<Cell>)>,
}

impl Table {
    pub fn new(title: &str, note: &str, cols: &[&str]) -> Table {
        Table {
            title: title.into(),
            note: note.into(),
            cols: cols.iter().map(|s| s.to_string()).collect(),
            rows: vec![],
        }
    }

    pub fn markdown(&self) -> String {
        let mut s = format!(
            "### {}\n\n{}\n\n| contender | {} |\n|---|",
            self.title,
            self.note,
            self.cols.join(" | ")
        );
        s += &"---:|".repeat(self.cols.len());
        s.push('\n');
        for (name, cells) in &self.rows {
            let vals: Vec<String> = cells.iter().map(Cell::render).collect();
            s += &format!("| {} | {} |\n", name, vals.join(" | "));
        }
        s
    }

    /// Median of column `col` in the row named `row`.
    pub fn get(&self, row: &str, col: usize) -> Option<f64> {
        self.rows.iter().find(|(n, _)| n == row).and_then(|(_, c)| c.get(col)?.median())
    }
}

fn sh(cmd: &str, args: &[&str]) -> String {
    std::process::Command::new(cmd)
        .args(args)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    format!(
        "- CPU: {cpu}, {cores} cores\n- kernel: Linux {}\n- rustc: {}\n- load average at start: {}\n- date: {}\n",
        kernel.trim(),
        sh("rustc", &["--version"]),
        load.split_whitespace().take(3).collect::<Vec<_>>().join(" "),
        sh("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
    )
}
