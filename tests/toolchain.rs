//! The emitted Verilog goes through real flows: Verilator lint (-Wall),
//! Icarus Verilog, and Yosys `synth_xilinx`, for the default design and for the
//! largest one the CLI accepts.

use std::path::Path;
use std::process::Command;
use vfpga::config::Config;
use vfpga::blocks::mgr::MGR_TOP;
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

/// The blocks of the design, each its own top until the shell exists.
const TOPS: [&str; 2] = ["vfpga_switch", MGR_TOP];

fn check_lint_and_icarus(cfg: &Config) {
    let design = build(cfg);
    let dir = tempfile::tempdir().unwrap();
    write(&design, dir.path());
    let files: Vec<String> = design.rtl.iter().map(|p| dir.path().join(p).display().to_string()).collect();
    for f in &design.files {
        assert!(!f.contents.contains('$'), "{} contains `$`", f.path);
    }
    for top in TOPS {
        let lint = run(Command::new("verilator").args(["--lint-only", "-Wall", "--top-module", top]).args(&files));
        assert!(!lint.contains("%Warning"), "verilator -Wall warns on {top}:\n{lint}");
        run(Command::new("iverilog").args(["-g2001", "-Wall", "-s", top, "-o"]).arg(dir.path().join("a.out")).args(&files));
    }
}

fn check_yosys(cfg: &Config) {
    let design = build(cfg);
    for top in TOPS {
        check_yosys_top(&design, top);
    }
}

fn check_yosys_top(design: &Design, top: &str) {
    let dir = tempfile::tempdir().unwrap();
    write(design, dir.path());
    let reads: String = design.rtl.iter().map(|p| format!("read_verilog {};\n", dir.path().join(p).display())).collect();
    let script = format!("{reads}synth_xilinx -top {top};\ntee -o {} stat;\n", dir.path().join("stat.txt").display());
    std::fs::write(dir.path().join("synth.ys"), script).unwrap();
    run(Command::new("yosys").arg("-q").arg("-s").arg(dir.path().join("synth.ys")));
    let stat = std::fs::read_to_string(dir.path().join("stat.txt")).unwrap();
    assert!(stat.contains("LUT"), "no LUTs in the Yosys report:\n{stat}");
    // Per-function (and per-VM) tables must land in block RAM, not flip-flops.
    assert!(stat.contains("RAMB"), "{top}: tables not in block RAM:\n{stat}");
}

#[test]
fn default_design_lints_and_compiles_with_icarus() {
    check_lint_and_icarus(&default_config());
}

#[test]
fn large_design_lints_and_compiles_with_icarus() {
    check_lint_and_icarus(&large_config());
}

#[test]
fn default_design_synthesizes_with_yosys() {
    check_yosys(&default_config());
}

#[test]
fn large_design_synthesizes_with_yosys() {
    check_yosys(&large_config());
}

#[test]
fn every_data_width_lints() {
    for w in [128, 256, 512] {
        check_lint_and_icarus(&Config { data_width: w, partitions: 3, ..Config::default() });
    }
}
