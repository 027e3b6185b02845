//! `vfpga synth`: Yosys on the generated design. The test suite requires Yosys
//! (scripts/test.sh installs it).

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

mod common;
use common::cli::vfpga;

fn require_yosys() {
    match Command::new("yosys").arg("-V").output() {
        Ok(o) if o.status.success() => {}
        _ => panic!(
            "these tests need Yosys and `yosys -V` does not run: install it \
             (`sudo apt-get install yosys`, or run scripts/test.sh, which does)"
        ),
    }
}

fn ok(o: Output) -> String {
    assert!(
        o.status.success(),
        "vfpga failed ({}):\nstdout:\n{}\nstderr:\n{}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn synth_json_reports_the_default_design() {
    require_yosys();
    let tmp = tempfile::tempdir().unwrap();
    let text = ok(vfpga(&["synth", "--json"], tmp.path()));
    let r: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}:\n{text}"));
    let top = r["top"].as_str().unwrap();
    let modules = r["modules"].as_array().unwrap();
    assert_eq!(modules[0]["module"], top, "{text}");
    assert_eq!(modules[0]["instances"], 1);
    assert!(
        r["total"]["lut"].as_u64().unwrap() > 0,
        "no LUT in the top:\n{text}"
    );
    assert!(
        r["total"]["ff"].as_u64().unwrap() > 0,
        "no flip-flop in the top:\n{text}"
    );
    assert_eq!(modules[0]["hierarchical"], r["total"]);
    // Per-function state (route table, context memory, DMA rings, manager
    // tables) lands in block RAM, not flip-flops.
    let bram = r["total"]["bram36"].as_u64().unwrap() + r["total"]["bram18"].as_u64().unwrap();
    assert!(bram > 0, "no block RAM in the design:\n{text}");
    for m in modules {
        for key in [
            "lut", "lutram", "srl", "ff", "bram36", "bram18", "dsp", "cells",
        ] {
            assert!(m["own"][key].is_u64(), "{key} missing in {m}");
        }
        assert!(!m["module"].as_str().unwrap().contains('$'), "{m}");
    }
    // Nothing written in the working directory.
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
}

#[test]
fn synth_dir_reads_a_generated_tree_and_leaves_it_alone() {
    require_yosys();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    ok(vfpga(
        &[
            "generate",
            "--partitions",
            "1",
            "--vfs",
            "1",
            "--out",
            out.to_str().unwrap(),
        ],
        tmp.path(),
    ));
    let before = fs::read(out.join("manifest.json")).unwrap();
    let count = |d: &Path| walk(d).len();
    let n = count(&out);

    let table = ok(vfpga(
        &["synth", "--dir", out.to_str().unwrap(), "--part", "xcup"],
        tmp.path(),
    ));
    assert!(table.contains("total ("), "{table}");
    assert!(table.contains("-family xcup"), "{table}");
    assert_eq!(count(&out), n, "synth --dir wrote into the output");
    assert_eq!(fs::read(out.join("manifest.json")).unwrap(), before);

    // The generated script is the text `synth` runs for the default family
    // (`synthesize` writes `yosys_script(top, rtl, None, STAT_FILE)` into a
    // copy of the tree and runs it from there, as
    // `synth_json_reports_the_default_design` does on the default design):
    // checked as text, one whole-shell synthesis fewer than running it here.
    let m = vfpga::output::Manifest::read(&out).unwrap();
    let (top, rtl) = vfpga::chip_top::synth_view(&m.top, &m.rtl);
    assert_eq!(top, "vfpga_shell_pcie", "a generated design has a chip top");
    let script = fs::read_to_string(out.join(vfpga::synth::SCRIPT_PATH)).unwrap();
    assert_eq!(script, vfpga::synth::yosys_script(&top, &rtl, None, vfpga::synth::STAT_FILE));
}

fn walk(d: &Path) -> Vec<std::path::PathBuf> {
    let mut v = Vec::new();
    for e in fs::read_dir(d).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            v.extend(walk(&p));
        } else {
            v.push(p);
        }
    }
    v
}

#[test]
fn synth_without_yosys_names_the_package() {
    let tmp = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_vfpga"))
        .args(["synth", "--json"])
        .current_dir(tmp.path())
        .env("PATH", tmp.path()) // an empty directory: no yosys
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("apt-get install yosys"), "{err}");
    assert!(o.stdout.is_empty());
}

#[test]
fn synth_dir_refuses_other_directories_and_flags() {
    let tmp = tempfile::tempdir().unwrap();
    let o = vfpga(
        &["synth", "--dir", tmp.path().to_str().unwrap(), "--vfs", "3"],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--dir"));
    let o = vfpga(&["synth", "--partitions", "65"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("1..=64"));
}
