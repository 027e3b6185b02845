//! `vfpga bench`: performance figures measured by simulating the emitted
//! Verilog with Verilator (cycles, beats per cycle), printed as a table or
//! JSON. Nothing here asserts a figure: targets are printed next to them.

pub mod attach;
pub mod ctx;
pub mod dma;
pub mod load;
pub mod pcie;
pub mod scale;
pub mod switch;

use serde::Serialize;

/// One measured figure.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    /// The benchmark it belongs to (`switch`, `ctx`, ...).
    pub bench: String,
    /// What was measured, with its conditions.
    pub name: String,
    pub value: f64,
    pub unit: String,
    /// The target of DESIGN.md, as text (`>= 0.95`), if there is one.
    pub target: Option<String>,
    /// Whether the value meets the target (`None` without a target).
    pub meets_target: Option<bool>,
}

impl Figure {
    pub fn new(bench: &str, name: impl Into<String>, value: f64, unit: &str) -> Self {
        Figure { bench: bench.into(), name: name.into(), value, unit: unit.into(), target: None, meets_target: None }
    }

    /// Adds a target and whether `value` meets it.
    pub fn target(mut self, text: impl Into<String>, met: bool) -> Self {
        self.target = Some(text.into());
        self.meets_target = Some(met);
        self
    }
}

/// Which benchmark to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    /// Stream switch: sustained beats per cycle and latency, both directions.
    Switch,
    /// Context switch latency for 4, 16 and 64 context words.
    Ctx,
    /// DMA: beats per cycle with 1 and 16 functions, fairness, weighted shares.
    Dma,
    /// The seed's VM attach table: 1, 10, 100 and 1000 concurrent ATTACHes.
    Attach,
    /// A LOAD: cycles per KiB of bitstream, and from LOAD to the first packet
    /// served by the new accelerator.
    Load,
    /// The DMA through PCIe at 512 bits (`vfpga_shell_pcie` and the PG213
    /// model): H2C and C2H GB/s at 250 MHz next to the Gen3 x16 ceiling.
    Pcie,
    /// Scale: the grid's corners generate and lint; flip-flops and block
    /// RAM added per VF (Yosys on the whole shell; the full grid is `vfpga scale`).
    Scale,
    /// Every benchmark.
    All,
}

impl Target {
    /// Whether the target runs the LOAD benchmark (reads `--kib`, `--latency`).
    pub fn runs_load(self) -> bool {
        matches!(self, Target::Load | Target::All)
    }

    /// Whether the target runs the DMA benchmark (reads `--data-width`).
    pub fn runs_dma(self) -> bool {
        matches!(self, Target::Dma | Target::All)
    }

    /// Whether the target converts cycles to time (reads `--clock-mhz`).
    pub fn uses_clock(self) -> bool {
        matches!(self, Target::Attach | Target::All)
    }

    /// Whether the target runs Yosys besides Verilator.
    pub fn needs_yosys(self) -> bool {
        matches!(self, Target::Scale | Target::All)
    }
}

/// Allowed `--clock-mhz`: the clock cycles are converted to time at.
pub const CLOCK_MHZ: std::ops::RangeInclusive<f64> = 10.0..=1000.0;
/// Allowed `--kib`: bitstream sizes of the LOAD benchmark. 4 MiB at most:
/// the rate is flat well before that, and each KiB is 256 simulated cycles
/// (the largest, at 100 000 cycles of latency, takes 21 s in a debug build).
pub const LOAD_KIB: std::ops::RangeInclusive<usize> = 1..=4096;
/// Most sizes one `--kib` list may give (each is a LOAD simulated).
pub const LOAD_SIZES_MAX: usize = 8;
/// Allowed `--latency`: host memory read latency of the LOAD benchmark,
/// cycles (100 000 cycles is 400 us at 250 MHz; PCIe reads take about 1 us).
pub const LOAD_LATENCY: std::ops::RangeInclusive<u64> = 1..=100_000;

/// A clock at which cycles are converted to time, and where it comes from
/// (printed with every time: nothing is converted at an unnamed clock).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Clock {
    pub mhz: f64,
    /// `given by --clock-mhz`, `measured by vfpga timing (...)`.
    pub source: String,
}

/// Settings of the benchmarks.
#[derive(Debug, Clone)]
pub struct Options {
    /// Clock at which cycles are converted to time; `None`: cycles only.
    pub clock: Option<Clock>,
    /// Bitstream sizes the LOAD benchmark loads, KiB.
    pub load_kib: Vec<usize>,
    /// Host memory read latency of the LOAD benchmark, cycles.
    pub load_latency: u64,
    /// Data width of the DMA benchmark's data path, bits (`DATA_WIDTHS`).
    pub dma_data_width: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options { clock: None, load_kib: vec![4, 64, 512], load_latency: 200, dma_data_width: 64 }
    }
}

impl Options {
    /// Checks every setting against its allowed range; the message names the
    /// flag and the range. Called before any model is built.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(c) = &self.clock {
            in_range("--clock-mhz", c.mhz, &CLOCK_MHZ, "MHz")?;
        }
        if self.load_kib.is_empty() || self.load_kib.len() > LOAD_SIZES_MAX {
            return Err(format!(
                "--kib gives {} sizes: allowed 1..={LOAD_SIZES_MAX} sizes, comma separated",
                self.load_kib.len()
            ));
        }
        for k in &self.load_kib {
            in_range("--kib", *k, &LOAD_KIB, "KiB of bitstream")?;
        }
        in_range("--latency", self.load_latency, &LOAD_LATENCY, "cycles of host read latency")?;
        if !crate::config::DATA_WIDTHS.contains(&self.dma_data_width) {
            return Err(format!(
                "--data-width {} is not a data width of the DMA: allowed {}",
                self.dma_data_width,
                crate::config::DATA_WIDTHS.map(|w| w.to_string()).join(", ")
            ));
        }
        Ok(())
    }
}

/// `flag value is out of range: allowed lo..=hi unit` unless `range` holds `value`.
fn in_range<T: PartialOrd + std::fmt::Display>(
    flag: &str,
    value: T,
    range: &std::ops::RangeInclusive<T>,
    unit: &str,
) -> Result<(), String> {
    if range.contains(&value) {
        return Ok(());
    }
    Err(format!("{flag} {value} is out of range: allowed {}..={} {unit}", range.start(), range.end()))
}

/// The tools `target` needs that are not installed, as an error that says
/// how to install them; checked before any work. (A tool that is there but
/// fails shows up later, as the benchmark's own error.)
pub fn check_tools(target: Target) -> Result<(), String> {
    let mut missing = Vec::new();
    if matches!(crate::scale::verilator_version(), Err(crate::scale::ScaleError::VerilatorMissing)) {
        missing.push("verilator");
    }
    if target.needs_yosys() && matches!(crate::synth::check_yosys(), Err(crate::synth::SynthError::YosysMissing)) {
        missing.push("yosys");
    }
    if missing.is_empty() {
        return Ok(());
    }
    Err(format!(
        "`vfpga bench` simulates with Verilator{}; not installed (not on PATH): {}. Install with \
         `sudo apt-get install {} g++ make` (Debian/Ubuntu), or run scripts/test.sh",
        if target.needs_yosys() { " and synthesizes with Yosys" } else { "" },
        missing.join(", "),
        missing.join(" ")
    ))
}

/// Runs the benchmarks `target` names. `opts` is checked first.
pub fn run(target: Target, opts: &Options) -> Result<Vec<Figure>, String> {
    opts.validate()?;
    let mut figures = Vec::new();
    if matches!(target, Target::Switch | Target::All) {
        figures.extend(switch::run()?);
    }
    if matches!(target, Target::Ctx | Target::All) {
        figures.extend(ctx::run()?);
    }
    if matches!(target, Target::Dma | Target::All) {
        figures.extend(dma::run_all(opts.dma_data_width)?);
    }
    if matches!(target, Target::Attach | Target::All) {
        figures.extend(attach::figures(&attach::bench(opts.clock.clone(), None)?));
    }
    if matches!(target, Target::Load | Target::All) {
        figures.extend(load::figures(&opts.load_kib, opts.load_latency)?);
    }
    if matches!(target, Target::Pcie | Target::All) {
        figures.extend(pcie::run()?);
    }
    if matches!(target, Target::Scale | Target::All) {
        figures.extend(scale::run()?);
    }
    Ok(figures)
}

/// The figures as an aligned text table.
pub fn table(figures: &[Figure]) -> String {
    // Counts (cycles, LUTs) print whole; a rate keeps its three decimals
    // even when it is exactly 1 (`1.000 beats/cycle`, not `1`).
    let value = |f: &Figure| {
        if f.value.fract() == 0.0 && f.value.abs() < 1e12 && !f.unit.contains('/') {
            format!("{}", f.value as i64)
        } else {
            format!("{:.3}", f.value)
        }
    };
    let rows: Vec<[String; 5]> = figures
        .iter()
        .map(|f| {
            let verdict = match f.meets_target {
                Some(true) => "met",
                Some(false) => "MISSED",
                None => "",
            };
            [
                f.bench.clone(),
                f.name.clone(),
                format!("{} {}", value(f), f.unit),
                f.target.clone().unwrap_or_default(),
                verdict.to_string(),
            ]
        })
        .collect();
    let head = ["bench", "figure", "value", "target", ""];
    let mut w = head.map(str::len);
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(c.len());
        }
    }
    let line = |r: &[String; 5]| {
        format!("{:<a$}  {:<b$}  {:>c$}  {:<d$}  {}", r[0], r[1], r[2], r[3], r[4], a = w[0], b = w[1], c = w[2], d = w[3])
            .trim_end()
            .to_string()
    };
    let mut out = line(&head.map(String::from));
    out.push('\n');
    out.push_str(&"-".repeat(w.iter().sum::<usize>() + 8 + w[4].max(6)));
    out.push('\n');
    for r in &rows {
        out.push_str(&line(r));
        out.push('\n');
    }
    out
}
