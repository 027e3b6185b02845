//! `vfpga scale`: the shell over partitions x VFs, generated, linted
//! (Verilator -Wall) and synthesized (Yosys). The whole sweep with synthesis
//! takes Yosys an hour or more; here every configuration of the default grid
//! is generated and linted, and one is synthesized.

use std::process::Output;
use std::time::Instant;

mod common;
use common::cli::vfpga;

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
fn every_configuration_of_the_grid_generates_and_lints() {
    let tmp = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let text = ok(vfpga(&["scale", "--no-synth", "--json", "--quiet"], tmp.path()));
    let r: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}:\n{text}"));
    let rows = r["rows"].as_array().unwrap();
    let grid: Vec<(u64, u64)> = rows.iter().map(|r| (r["partitions"].as_u64().unwrap(), r["vfs"].as_u64().unwrap())).collect();
    let mut want = Vec::new();
    for p in [1, 4, 16, 64] {
        for v in [8, 64, 252, 1024] {
            want.push((p, v));
        }
    }
    assert_eq!(grid, want);
    for row in rows {
        assert_eq!(row["lint_ok"], true, "{row}");
        assert!(row["error"].is_null(), "{row}");
        assert!(row["total"].is_null() && row["synth_seconds"].is_null(), "--no-synth synthesized: {row}");
    }
    eprintln!("16 configurations generated and linted in {:.1} s", t.elapsed().as_secs_f64());
    // Nothing left in the working directory.
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
}

/// 1 partition x 1024 VFs: beyond the PCIe hard block's 252 VFs the top is
/// `vfpga_shell` (the chip top with its 256-bit `pcie` block, three times
/// the logic and about ten times the Yosys time, is synthesized by
/// `tests/synth.rs`), and the per-function tables are at their largest.
#[test]
fn one_configuration_synthesizes_into_a_table_row() {
    let tmp = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let table = ok(vfpga(&["scale", "--partitions", "1", "--vfs", "1024", "--quiet"], tmp.path()));
    let row: Vec<&str> = table
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|c| c.first() == Some(&"1") && c.get(1) == Some(&"1024"))
        .unwrap_or_else(|| panic!("no row for 1 partition x 1024 VFs:\n{table}"));
    // partitions VFs LUT LUTRAM FF BRAM36 BRAM18 BRAM lint "lint s" "synth s"
    assert_eq!(row.len(), 11, "{table}");
    let n = |i: usize| row[i].parse::<f64>().unwrap_or_else(|_| panic!("column {i} of {row:?} is not a number:\n{table}"));
    assert!(n(2) > 1000.0 && n(4) > 1000.0, "LUT and FF of the whole shell:\n{table}");
    // Per-function state (queues, contexts, tables) is in block RAM.
    assert!(n(7) >= 1.0 && n(7) == n(5) + n(6) / 2.0, "{table}");
    assert_eq!(row[8], "ok", "{table}");
    assert!(n(10) > 0.0, "{table}");
    eprintln!("1 partition x 1024 VFs generated, linted and synthesized in {:.1} s", t.elapsed().as_secs_f64());
}

#[test]
fn bad_grids_are_refused_before_any_work() {
    let tmp = tempfile::tempdir().unwrap();
    let o = vfpga(&["scale", "--vfs", "8,2000"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("vfs = 2000") && err.contains("1..=1024"), "{err}");
    let o = vfpga(&["scale", "--jobs", "0"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--jobs"));
    assert!(o.stdout.is_empty());
}
