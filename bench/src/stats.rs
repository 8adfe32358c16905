//! Percentiles of one repetition and the median/min/max summary across repetitions.

/// Nearest-rank percentile of an ascending slice (`p` in 0..=100).
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v
}

/// One table cell: a figure per repetition, or why there is none.
#[derive(Clone, Debug)]
pub enum Cell {
    Reps(Vec<f64>),
    Na(String),
}

impl Cell {
    pub fn median(&self) -> Option<f64> {
        match self {
            Cell::Reps(v) if !v.is_empty() => Some(percentile(&sorted(v.clone()), 50.0)),
            _ => None,
        }
    }

    pub fn render(&self) -> String {
        match self {
            Cell::Na(why) => why.clone(),
            Cell::Reps(v) if v.is_empty() => "-".into(),
            Cell::Reps(v) => {
                let s = sorted(v.clone());
                let (lo, hi) = (s[0], s[s.len() - 1]);
                let med = self.median().unwrap_or(f64::NAN);
                if s.len() == 1 { fmt(med) } else { format!("{} ({}–{})", fmt(med), fmt(lo), fmt(hi)) }
            }
        }
    }
}

/// Three significant digits, no exponent.
pub fn fmt(x: f64) -> String {
    if !x.is_finite() {
        return "-".into();
    }
    let a = x.abs();
    if a >= 100.0 || a == 0.0 {
        format!("{x:.0}")
    } else if a >= 10.0 {
        format!("{x:.1}")
    } else if a >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

/// Runs `f` `reps` times; each run yields one value per column (or an error for the whole row).
pub fn repeat(reps: usize, ncols: usize, mut f: impl FnMut() -> Result<Vec<f64>, String>) -> Vec<Cell> {
    let mut cols: Vec<Vec<f64>> = vec![Vec::new(); ncols];
    for _ in 0..reps {
        match f() {
            Ok(vals) => {
                for (c, v) in cols.iter_mut().zip(vals) {
                    c.push(v);
                }
            }
            Err(e) => {
                eprintln!("    failed: {e}");
                return vec![Cell::Na(format!("failed: {e}")); ncols];
            }
        }
    }
    cols.into_iter().map(Cell::Reps).collect()
}
