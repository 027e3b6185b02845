//! The emitted Verilog goes through real flows: Verilator lint (-Wall),
//! Icarus Verilog, and Yosys `synth_xilinx`, for the default design and for the
//! largest one the CLI accepts.

use std::path::Path;
use std::process::Command;
use vfpga::config::Config;
use vfpga::design::{build, Design};

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

fn check_lint_and_icarus(cfg: &Config) {
    let design = build(cfg);
    let dir = tempfile::tempdir().unwrap();
    write(&design, dir.path());
    let mut files: Vec<String> = design.rtl.iter().map(|p| dir.path().join(p).display().to_string()).collect();
    for f in &design.files {
        assert!(!f.contents.contains('$'), "{} contains `$`", f.path);
    }
    let stub = dir.path().join("ICAPE3.v");
    std::fs::write(&stub, ICAPE3_STUB).unwrap();
    files.push(stub.display().to_string());
    let top = &design.top;
    let lint = run(Command::new("verilator").args(["--lint-only", "-Wall", "--top-module", top]).args(&files));
    assert!(!lint.contains("%Warning"), "verilator -Wall warns on {top}:\n{lint}");
    run(Command::new("iverilog").args(["-g2001", "-Wall", "-s", top, "-o"]).arg(dir.path().join("a.out")).args(&files));
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

/// A port-compatible stand-in for the Xilinx ICAPE3 primitive, for tools
/// without the vendor library (lint, Icarus); `vfpga scale` lints with it too.
use vfpga::scale::ICAPE3_STUB;

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
        lint_modules(&rp::rps_static_modules(&cfg), &[("ICAPE3.v", ICAPE3_STUB)], &[]);
        // The simulation top joins blocks whose combinational logic rust-hdl
        // writes as one always block each: Verilator sees block-level loops
        // (no bit depends on itself) and settles them by iteration.
        lint_modules(&rp::rps_sim_modules(&cfg), &[], &["-Wno-UNOPTFLAT"]);
    }
}
