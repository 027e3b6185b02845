//! `vfpga scale`: the whole shell over a grid of partitions x VFs, each
//! configuration generated, linted (`verilator --lint-only -Wall -f lint.f`
//! from the output root, as README says and `tests/toolchain.rs` does) and synthesized (Yosys `synth_xilinx`, as
//! `vfpga synth`), with a table of how the resources grow.
//!
//! [`run`] does the work (one configuration per job, `jobs` at a time);
//! [`format_table`] and [`growth`] are pure functions of its [`Report`].

use std::io;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use serde::Serialize;

use crate::config::{Config, ConfigError};
use crate::synth::{self, Counts, Family};
use crate::{design, lint, output};

/// The partitions of the default sweep.
pub const PARTITIONS: [usize; 4] = [1, 4, 16, 64];
/// The VFs of the default sweep (252: the most today's PCIe hard blocks
/// expose; 1024: the generator's limit, above the seed's 1000 VMs).
pub const VFS: [usize; 4] = [8, 64, 252, 1024];

/// What to sweep.
#[derive(Debug, Clone)]
pub struct Options {
    /// Every other field of the configurations (data width, context words, ...).
    pub base: Config,
    pub partitions: Vec<usize>,
    pub vfs: Vec<usize>,
    /// Synthesize (false: generate and lint only).
    pub synth: bool,
    /// `synth_xilinx -family`.
    pub family: Option<Family>,
    /// Configurations worked on at the same time (each one Yosys process).
    pub jobs: usize,
}

impl Options {
    /// The configurations of the grid, partitions-major, each validated.
    pub fn configs(&self) -> Result<Vec<Config>, ConfigError> {
        let mut v = Vec::new();
        for &p in &self.partitions {
            for &f in &self.vfs {
                let mut c = self.base.clone();
                c.partitions = p;
                c.vfs = f;
                c.validate()?;
                v.push(c);
            }
        }
        Ok(v)
    }
}

/// One configuration of the sweep.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub partitions: usize,
    pub vfs: usize,
    /// Building the design and writing its tree, seconds.
    pub generate_seconds: f64,
    /// `verilator --lint-only -Wall` of the static shell: no warning, no error.
    pub lint_ok: bool,
    pub lint_seconds: f64,
    /// Yosys' resource total of the whole shell (`None`: not synthesized).
    pub total: Option<Counts>,
    /// Block RAM in 36 Kb equivalents (BRAM36 + BRAM18 / 2).
    pub bram: Option<f64>,
    pub synth_seconds: Option<f64>,
    /// What went wrong (lint messages, Yosys' last lines), if anything.
    pub error: Option<String>,
}

impl Row {
    pub fn ok(&self) -> bool {
        self.lint_ok && self.error.is_none()
    }
}

/// The sweep's result.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// `verilator --version`.
    pub verilator: String,
    /// `yosys -V` (`None` without synthesis).
    pub yosys: Option<String>,
    /// `synth_xilinx -family`, `None` for Yosys' default (7 series).
    pub family: Option<String>,
    pub data_width: usize,
    pub context_words: usize,
    pub vm_id_bits: usize,
    /// Partitions-major, in the order asked.
    pub rows: Vec<Row>,
}

/// Why the sweep could not run at all.
#[derive(Debug)]
pub enum ScaleError {
    /// `verilator` is not on the PATH.
    VerilatorMissing,
    Synth(synth::SynthError),
    Io(String),
}

impl ScaleError {
    /// True when the user has to act (install a tool): exit status 2.
    pub fn is_usage(&self) -> bool {
        match self {
            ScaleError::VerilatorMissing => true,
            ScaleError::Synth(e) => e.is_usage(),
            ScaleError::Io(_) => false,
        }
    }
}

impl std::fmt::Display for ScaleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScaleError::VerilatorMissing => write!(
                f,
                "verilator is not installed (no `verilator` on PATH): install it with \
                 `sudo apt-get install verilator`, or run scripts/test.sh"
            ),
            ScaleError::Synth(e) => e.fmt(f),
            ScaleError::Io(m) => f.write_str(m),
        }
    }
}

/// `verilator --version`; `VerilatorMissing` when it is not on the PATH.
pub fn verilator_version() -> Result<String, ScaleError> {
    match Command::new("verilator").arg("--version").output() {
        Ok(o) if o.status.success() => Ok(String::from_utf8_lossy(&o.stdout).trim().to_string()),
        Ok(o) => Err(ScaleError::Io(format!("verilator --version failed: {}", String::from_utf8_lossy(&o.stderr)))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(ScaleError::VerilatorMissing),
        Err(e) => Err(ScaleError::Io(format!("verilator: {e}"))),
    }
}

/// Generates, lints and (if asked) synthesizes one configuration.
fn one(cfg: &Config, opts: &Options) -> Row {
    let mut row = Row {
        partitions: cfg.partitions,
        vfs: cfg.vfs,
        generate_seconds: 0.0,
        lint_ok: false,
        lint_seconds: 0.0,
        total: None,
        bram: None,
        synth_seconds: None,
        error: None,
    };
    let t = Instant::now();
    let tmp = match tempfile::Builder::new().prefix("vfpga-scale-").tempdir() {
        Ok(t) => t,
        Err(e) => {
            row.error = Some(format!("temporary directory: {e}"));
            return row;
        }
    };
    let dir = tmp.path().join(&cfg.name);
    let mut d = design::build(cfg);
    synth::add_script(&mut d);
    if let Err(e) = output::write_tree(&dir, &d, cfg) {
        row.error = Some(e.to_string());
        return row;
    }
    row.generate_seconds = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let linted = lint::verilator(&dir, &d.top);
    row.lint_seconds = t.elapsed().as_secs_f64();
    row.lint_ok = linted.is_ok();
    let mut errors: Vec<String> = linted.err().into_iter().collect();

    if opts.synth {
        let t = Instant::now();
        match synth::synthesize(&dir, opts.family) {
            Ok(r) => {
                row.bram = Some(r.total.bram36 as f64 + r.total.bram18 as f64 / 2.0);
                row.total = Some(r.total);
            }
            Err(e) => errors.push(e.to_string()),
        }
        row.synth_seconds = Some(t.elapsed().as_secs_f64());
    }
    if !errors.is_empty() {
        row.error = Some(errors.join("\n"));
    }
    row
}

/// Runs the sweep, `opts.jobs` configurations at a time; `progress` is called
/// with each row as it is finished (from the worker threads).
pub fn run(opts: &Options, progress: &(dyn Fn(&Row) + Sync)) -> Result<Report, ScaleError> {
    let configs = opts.configs().map_err(|e| ScaleError::Io(e.to_string()))?;
    let verilator = verilator_version()?;
    let yosys = if opts.synth { Some(synth::check_yosys().map_err(ScaleError::Synth)?) } else { None };
    let next = AtomicUsize::new(0);
    let rows: Mutex<Vec<Option<Row>>> = Mutex::new(vec![None; configs.len()]);
    std::thread::scope(|s| {
        for _ in 0..opts.jobs.clamp(1, configs.len().max(1)) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(cfg) = configs.get(i) else { break };
                let row = one(cfg, opts);
                progress(&row);
                rows.lock().expect("no worker panics holding the lock")[i] = Some(row);
            });
        }
    });
    let rows = rows.into_inner().expect("workers joined").into_iter().map(|r| r.expect("every row done")).collect();
    Ok(Report {
        verilator,
        yosys,
        family: opts.family.map(|f| f.as_str().to_string()),
        data_width: opts.base.data_width,
        context_words: opts.base.context_words,
        vm_id_bits: opts.base.vm_id_bits,
        rows,
    })
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "-".to_string(), |v| v.to_string())
}

/// One line of the table per configuration.
pub fn format_table(r: &Report) -> String {
    let head = [
        "partitions", "VFs", "LUT", "LUTRAM", "FF", "BRAM36", "BRAM18", "BRAM", "lint", "lint s", "synth s",
    ];
    let mut rows: Vec<Vec<String>> = vec![head.map(String::from).to_vec()];
    for row in &r.rows {
        let t = row.total.as_ref();
        rows.push(vec![
            row.partitions.to_string(),
            row.vfs.to_string(),
            opt(t.map(|c| c.lut)),
            opt(t.map(|c| c.lutram)),
            opt(t.map(|c| c.ff)),
            opt(t.map(|c| c.bram36)),
            opt(t.map(|c| c.bram18)),
            opt(row.bram.map(|b| format!("{b:.1}"))),
            (if row.lint_ok { "ok" } else { "FAIL" }).to_string(),
            format!("{:.1}", row.lint_seconds),
            opt(row.synth_seconds.map(|s| format!("{s:.0}"))),
        ]);
    }
    let w: Vec<usize> = (0..head.len()).map(|i| rows.iter().map(|r| r[i].len()).max().unwrap_or(0)).collect();
    let line = |r: &[String]| {
        let cells: Vec<String> = r.iter().enumerate().map(|(i, c)| format!("{c:>w$}", w = w[i])).collect();
        cells.join("  ") + "\n"
    };
    let mut out = format!(
        "the shell over partitions x VFs ({}-bit data, {} context words, {}-bit VM IDs): \
         Verilator -Wall lint, Yosys synth_xilinx {}\n",
        r.data_width,
        r.context_words,
        r.vm_id_bits,
        r.family.as_deref().map_or("(default family, 7 series)".to_string(), |f| format!("-family {f}")),
    );
    out += &line(&rows[0]);
    out += &"-".repeat(w.iter().sum::<usize>() + 2 * (w.len() - 1));
    out.push('\n');
    for row in &rows[1..] {
        out += &line(row);
    }
    out += "BRAM: 36 Kb block RAMs, BRAM18 counted as half; LUTRAM: LUTs used as distributed RAM.\n";
    let g = growth(r);
    if !g.is_empty() {
        out += "growth (between the smallest and the largest value of one parameter, the other fixed):\n";
        for l in g {
            out += &format!("  {l}\n");
        }
    }
    for row in r.rows.iter().filter(|r| r.error.is_some()) {
        out += &format!(
            "{} partitions x {} VFs failed:\n{}\n",
            row.partitions,
            row.vfs,
            row.error.as_deref().unwrap_or_default()
        );
    }
    out
}

/// How the synthesized resources change per added VF (partitions fixed) and
/// per added partition (VFs fixed), between the smallest and the largest
/// value swept, as lines of text.
pub fn growth(r: &Report) -> Vec<String> {
    let done: Vec<&Row> = r.rows.iter().filter(|row| row.total.is_some()).collect();
    let mut out = Vec::new();
    let slope = |a: &Row, b: &Row, n: f64| {
        let (ta, tb) = (a.total.expect("synthesized"), b.total.expect("synthesized"));
        let d = |x: u64, y: u64| (y as f64 - x as f64) / n;
        format!(
            "LUT {:+.1}, FF {:+.1}, BRAM {:+.3} (x{:.2} LUT, x{:.2} FF, x{:.2} BRAM)",
            d(ta.lut + ta.lutram, tb.lut + tb.lutram),
            d(ta.ff, tb.ff),
            (b.bram.unwrap_or(0.0) - a.bram.unwrap_or(0.0)) / n,
            (tb.lut + tb.lutram) as f64 / (ta.lut + ta.lutram).max(1) as f64,
            tb.ff as f64 / ta.ff.max(1) as f64,
            b.bram.unwrap_or(0.0) / a.bram.unwrap_or(0.0).max(0.5),
        )
    };
    let mut parts: Vec<usize> = done.iter().map(|r| r.partitions).collect();
    parts.sort();
    parts.dedup();
    let mut vfs: Vec<usize> = done.iter().map(|r| r.vfs).collect();
    vfs.sort();
    vfs.dedup();
    for &p in &parts {
        let mut line: Vec<&&Row> = done.iter().filter(|r| r.partitions == p).collect();
        line.sort_by_key(|r| r.vfs);
        if let (Some(a), Some(b)) = (line.first(), line.last()) {
            if a.vfs != b.vfs {
                out.push(format!(
                    "{p} partitions, {} -> {} VFs, per VF: {}",
                    a.vfs,
                    b.vfs,
                    slope(a, b, (b.vfs - a.vfs) as f64)
                ));
            }
        }
    }
    for &v in &vfs {
        let mut line: Vec<&&Row> = done.iter().filter(|r| r.vfs == v).collect();
        line.sort_by_key(|r| r.partitions);
        if let (Some(a), Some(b)) = (line.first(), line.last()) {
            if a.partitions != b.partitions {
                out.push(format!(
                    "{v} VFs, {} -> {} partitions, per partition: {}",
                    a.partitions,
                    b.partitions,
                    slope(a, b, (b.partitions - a.partitions) as f64)
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(p: usize, v: usize, lut: u64, ff: u64, b36: u64) -> Row {
        Row {
            partitions: p,
            vfs: v,
            generate_seconds: 0.1,
            lint_ok: true,
            lint_seconds: 0.5,
            total: Some(Counts { lut, ff, bram36: b36, bram18: 1, ..Counts::default() }),
            bram: Some(b36 as f64 + 0.5),
            synth_seconds: Some(80.0),
            error: None,
        }
    }

    #[test]
    fn table_has_a_row_per_configuration_and_growth_lines() {
        let r = Report {
            verilator: "Verilator 5".into(),
            yosys: Some("Yosys 0.23".into()),
            family: None,
            data_width: 64,
            context_words: 16,
            vm_id_bits: 10,
            rows: vec![row(1, 8, 1000, 400, 10), row(1, 64, 1100, 410, 20), row(4, 8, 2000, 800, 10), {
                let mut r = row(4, 64, 0, 0, 0);
                r.total = None;
                r.bram = None;
                r.synth_seconds = None;
                r.lint_ok = false;
                r.error = Some("%Warning-WIDTH: x".into());
                r
            }],
        };
        let t = format_table(&r);
        let lines: Vec<Vec<&str>> = t.lines().map(|l| l.split_whitespace().collect()).collect();
        assert!(lines.contains(&vec!["1", "64", "1100", "0", "410", "20", "1", "20.5", "ok", "0.5", "80"]), "{t}");
        assert!(lines.contains(&vec!["4", "64", "-", "-", "-", "-", "-", "-", "FAIL", "0.5", "-"]), "{t}");
        assert!(t.contains("1 partitions, 8 -> 64 VFs, per VF: LUT +1.8, FF +0.2, BRAM +0.179"), "{t}");
        assert!(t.contains("8 VFs, 1 -> 4 partitions, per partition: LUT +333.3, FF +133.3"), "{t}");
        assert!(t.contains("4 partitions x 64 VFs failed:\n%Warning-WIDTH"), "{t}");
    }

    #[test]
    fn configs_are_validated_and_partitions_major() {
        let opts = Options {
            base: Config::default(),
            partitions: vec![1, 4],
            vfs: vec![8, 64],
            synth: false,
            family: None,
            jobs: 1,
        };
        let c: Vec<(usize, usize)> = opts.configs().unwrap().iter().map(|c| (c.partitions, c.vfs)).collect();
        assert_eq!(c, [(1, 8), (1, 64), (4, 8), (4, 64)]);
        let bad = Options { vfs: vec![2000], ..opts };
        assert!(bad.configs().unwrap_err().to_string().contains("vfs = 2000"));
    }
}
