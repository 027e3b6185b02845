//! The emitted Verilog goes through real flows: Verilator lint (-Wall),
//! Icarus Verilog, and Yosys `synth_xilinx`, for the default design and for the
//! largest one the CLI accepts.

use std::path::Path;
use std::process::Command;
use vfpga::config::Config;
use vfpga::design::{build, Design};
use vfpga::testbench::{strip_system_tasks, TB_PATH};

fn write(design: &Design, dir: &Path) {
    for f in &design.files {
        let p = dir.join(&f.path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, &f.contents).unwrap();
    }
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e} (run scripts/test.sh, which installs it)"));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{cmd:?} failed:\n{text}");
    text
}

fn default_config() -> Config {
    Config::default()
}

fn large_config() -> Config {
    Config { partitions: 64, vfs: 1024, vm_id_bits: 12, ..Config::default() }
}

/// The commands README gives to check a generated tree from its root, each
/// run with `sh -c` in a generated tree as a user would type it.
const ROOT_COMMANDS: [&str; 3] = [
    "verilator --lint-only -Wall --top-module vfpga_shell -f lint.f",
    "iverilog -Wall -f lint.f -s vfpga_shell -o shell.vvp",
    "yosys -q -p 'hierarchy -check -top vfpga_shell' $(cat lint.f)",
];

/// The same for the chip top (`vfpga_top`, the manifest's top up to 252 VFs), with the
/// stand-ins of IBUFDS_GTE4 and the PCIe IP that lint.f lists.
const CHIP_COMMANDS: [&str; 3] = [
    "verilator --lint-only -Wall --top-module vfpga_top -f lint.f",
    "iverilog -Wall -f lint.f -s vfpga_top -o top.vvp",
    "yosys -q -p 'hierarchy -check -top vfpga_top' $(cat lint.f)",
];

#[test]
fn readme_gives_the_commands_the_tests_run() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for c in ROOT_COMMANDS.iter().chain(&CHIP_COMMANDS) {
        assert!(readme.contains(c), "README.md does not say `{c}`");
    }
}

/// Generates `cfg` into a temporary directory and runs README's commands
/// from its root: Verilator -Wall lint, Icarus, Yosys `hierarchy -check`.
fn check_lint_and_icarus(cfg: &Config) {
    let design = build(cfg);
    let dir = tempfile::tempdir().unwrap();
    write(&design, dir.path());
    for f in &design.files {
        // The testbench's system tasks ($display, $fatal) are its only `$`.
        let text = if f.path == TB_PATH { strip_system_tasks(&f.contents) } else { f.contents.clone() };
        assert!(!text.contains('$'), "{} contains `$`", f.path);
    }
    // README's commands name the tops: the shell always, the chip top up to
    // 252 VFs (the hard block's limit), at every data width.
    let chip = cfg.vfs <= vfpga::config::PCIE_MAX_VFS;
    assert_eq!(design.top, if chip { "vfpga_top" } else { "vfpga_shell" });
    let chip_commands: &[&str] = if chip { &CHIP_COMMANDS } else { &[] };
    for c in ROOT_COMMANDS.iter().chain(chip_commands) {
        let text = run(Command::new("sh").arg("-c").arg(c).current_dir(dir.path()));
        assert!(!text.contains("arning"), "`{c}` warns:\n{text}");
    }
    assert!(dir.path().join("shell.vvp").is_file());
    assert_eq!(dir.path().join("top.vvp").is_file(), chip);
}

/// README's testbench command on the default design: the shell answers
/// every header read the testbench checks.
#[test]
fn testbench_passes_with_icarus_from_the_root() {
    let design = build(&default_config());
    let dir = tempfile::tempdir().unwrap();
    write(&design, dir.path());
    let c = "iverilog -o tb.vvp -s vfpga_shell_sim_tb -f sim/files.f sim/tb/vfpga_shell_sim_tb.v && vvp -n tb.vvp";
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(readme.contains(c), "README.md does not say `{c}`");
    // Under a time limit: a zero-delay loop between two blocks' `always @(*)`
    // (each waking the other) hangs vvp at one simulated time instead of
    // failing; 15 accesses take seconds.
    let text = run(Command::new("timeout").args(["600", "sh", "-c", c]).current_dir(dir.path()));
    assert!(text.contains("PASS: 15 accesses") && !text.contains("FAIL"), "{text}");
}

#[test]
fn default_design_lints_and_compiles_with_icarus() {
    check_lint_and_icarus(&default_config());
}

#[test]
fn large_design_lints_and_compiles_with_icarus() {
    check_lint_and_icarus(&large_config());
}

// The default design's synthesis is `vfpga synth --json` in tests/synth.rs.

/// The largest configuration's blocks whose size grows with functions and
/// partitions, each synthesized alone (bar, dma and ctx have their own tests
/// below). The whole 64-partition, 1024-VF shell takes Yosys several minutes
/// on two cores: `vfpga synth --partitions 64 --vfs 1024` does it on demand.
#[test]
fn large_design_synthesizes_with_yosys() {
    let cfg = large_config();
    for modules in [vfpga::blocks::switch::switch_modules(&cfg), vfpga::blocks::mgr::mgr_modules(&cfg)] {
        check_block(modules, true);
    }
}

#[test]
fn every_data_width_lints() {
    for w in [128, 256, 512] {
        check_lint_and_icarus(&Config { data_width: w, partitions: 3, ..Config::default() });
    }
}

/// The chip top of the largest configuration the hard block takes (252 VFs,
/// 512 bits): its FLR scan and the shell at full width, from the root.
#[test]
fn largest_chip_top_lints_and_compiles_with_icarus() {
    check_lint_and_icarus(&Config { data_width: 512, vfs: 252, partitions: 2, ..Config::default() });
}

/// Lint, Icarus and Yosys on one block emitted alone (`modules`, top last).
fn check_block(modules: Vec<vfpga::emit::Module>, expect_bram: bool) {
    let top = modules.last().unwrap().name.clone();
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for m in &modules {
        assert!(!m.text.contains('$'), "{} contains `$`", m.name);
        let p = dir.path().join(format!("{}.v", m.name));
        std::fs::write(&p, &m.text).unwrap();
        files.push(p.display().to_string());
    }
    let lint = run(Command::new("verilator").args(["--lint-only", "-Wall", "--top-module", &top]).args(&files));
    assert!(!lint.contains("%Warning"), "verilator -Wall warns on {top}:\n{lint}");
    run(Command::new("iverilog").args(["-g2001", "-Wall", "-o"]).arg(dir.path().join("a.out")).args(&files));
    let reads: String = files.iter().map(|f| format!("read_verilog {f};\n")).collect();
    let stat = dir.path().join("stat.txt");
    let script = format!("{reads}synth_xilinx -top {top};\ntee -o {} stat;\n", stat.display());
    std::fs::write(dir.path().join("synth.ys"), script).unwrap();
    run(Command::new("yosys").arg("-q").arg("-s").arg(dir.path().join("synth.ys")));
    let stat = std::fs::read_to_string(stat).unwrap();
    assert!(stat.contains("LUT"), "no LUTs in the Yosys report of {top}:\n{stat}");
    if expect_bram {
        assert!(stat.contains("RAMB"), "per-function state of {top} not in block RAM:\n{stat}");
    }
}

#[test]
fn bar_lints_compiles_and_synthesizes() {
    check_block(vfpga::blocks::bar::bar_modules(&default_config()), false);
    check_block(vfpga::blocks::bar::bar_modules(&large_config()), false);
}

#[test]
fn dma_lints_compiles_and_synthesizes() {
    check_block(vfpga::blocks::dma::dma_modules(&default_config()), true);
}

#[test]
fn dma_large_lints_compiles_and_synthesizes() {
    check_block(vfpga::blocks::dma::dma_modules(&large_config()), true);
}

#[test]
fn read_merge_lints_compiles_and_synthesizes() {
    for w in [64, 512] {
        check_block(vfpga::blocks::rdmerge::read_merge_modules(&Config { data_width: w, ..default_config() }), false);
    }
}

#[test]
fn ctx_block_lints_compiles_and_synthesizes() {
    use vfpga::blocks::ctx::ctx_modules;
    for cfg in [default_config(), Config { context_words: 64, ..large_config() }] {
        check_block(ctx_modules(&cfg), true);
    }
}

// ---- Reconfigurable partitions: each RM alone, the static subsystem (with a
// stub of the ICAPE3 primitive, which only vendor libraries define) and the
// simulation subsystem.

use vfpga::blocks::{accel, rp};
use vfpga::emit::Module;

/// The stand-in for the Xilinx ICAPE3 primitive that every generated tree
/// has in `lint/` (`vfpga scale` lints with it too).
use vfpga::lint::icape3_stub;

fn lint_modules(modules: &[Module], extra: &[(&str, &str)], flags: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for m in modules {
        assert!(!m.text.contains('$'), "{} contains `$`", m.name);
        let p = dir.path().join(format!("{}.v", m.name));
        std::fs::write(&p, &m.text).unwrap();
        files.push(p.display().to_string());
    }
    for (name, text) in extra {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        files.push(p.display().to_string());
    }
    let top = &modules.last().unwrap().name;
    let lint = run(Command::new("verilator").args(["--lint-only", "-Wall", "--top-module", top]).args(flags).args(&files));
    assert!(!lint.contains("%Warning"), "verilator -Wall warns on {top}:\n{lint}");
    run(Command::new("iverilog").args(["-g2001", "-Wall", "-s", top, "-o"]).arg(dir.path().join("a.out")).args(&files));
}

#[test]
fn accelerators_lint_and_compile_with_icarus() {
    for w in [64, 512] {
        let cfg = Config { data_width: w, ..Config::default() };
        for name in ["passthrough", "crc32", "kxor", "chaos"] {
            lint_modules(&accel::rm_modules(&cfg, name), &[], &[]);
        }
    }
}

#[test]
fn reconfiguration_subsystem_lints_and_compiles_with_icarus() {
    for cfg in [Config { partitions: 3, ..Config::default() }, Config { partitions: 64, data_width: 128, ..Config::default() }] {
        lint_modules(&rp::rps_static_modules(&cfg), &[("ICAPE3.v", &icape3_stub())], &[]);
        // The simulation top joins blocks whose combinational logic rust-hdl
        // writes as one always block each: Verilator sees block-level loops
        // (no bit depends on itself) and settles them by iteration.
        lint_modules(&rp::rps_sim_modules(&cfg), &[], &["-Wno-UNOPTFLAT"]);
    }
}

// ---- FuseSoC: the generated core's targets, run as its comment says.

/// `fusesoc` from the PATH, or from the virtualenv `scripts/test.sh` makes.
/// Absent: a skip with the reason outside CI, a failure in CI (where
/// scripts/test.sh installs it).
fn fusesoc() -> Option<std::path::PathBuf> {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/py-tools/bin/fusesoc");
    let on_path = Command::new("fusesoc").arg("--version").output().is_ok_and(|o| o.status.success());
    if on_path {
        return Some("fusesoc".into());
    }
    if venv.is_file() {
        return Some(venv);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "fusesoc is not installed, and CI is set: scripts/test.sh installs it (pip, in target/py-tools)"
    );
    eprintln!("SKIPPED: fusesoc is not installed (not on PATH, no {}): run scripts/test.sh, which installs it", venv.display());
    None
}

fn fusesoc_run(fusesoc: &Path, dir: &Path, target: &str) -> std::process::Output {
    let core = "vfpga:shell:vfpga";
    Command::new(fusesoc)
        .args(["--cores-root", ".", "run", "--target", target, core])
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", fusesoc.display()))
}

#[test]
fn fusesoc_lint_and_sim_targets_pass_and_sim_catches_a_wrong_header() {
    let Some(fusesoc) = fusesoc() else { return };
    let cfg = default_config();
    let design = build(&cfg);
    let dir = tempfile::tempdir().unwrap();
    write(&design, dir.path());
    for target in ["lint", "sim"] {
        let out = fusesoc_run(&fusesoc, dir.path(), target);
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "fusesoc run --target {target} failed:\n{text}");
        if target == "sim" {
            let pass = format!("PASS: {} accesses", 8 + 3 * 2 + 1);
            assert!(text.contains(&pass), "no `{pass}` from the testbench:\n{text}");
            assert!(!text.contains("FAIL"), "{text}");
        }
    }
    // A shell whose BAR answers another ID: the testbench must fail, and
    // FuseSoC with it.
    let bar = dir.path().join("sim/vfpga_bar.v");
    let text = std::fs::read_to_string(&bar).unwrap();
    let magic = format!("32'h{:08x};", vfpga_hdl::bar::regs::BAR_MAGIC);
    assert_eq!(text.matches(&magic).count(), 1, "the magic constant in {}", bar.display());
    std::fs::write(&bar, text.replace(&magic, "32'h76667068;")).unwrap();
    std::fs::remove_dir_all(dir.path().join("build")).unwrap();
    let out = fusesoc_run(&fusesoc, dir.path(), "sim");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!out.status.success(), "the sim target passed a shell with a wrong ID:\n{text}");
    assert!(text.contains("FAIL PF ID: resp 0 data 0x76667068, expected resp 0 data 0x76667067"), "{text}");
}
