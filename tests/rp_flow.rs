//! The reconfiguration subsystem's toolchain outputs: the Yosys script that
//! synthesizes the static part and each RM separately (run here), the XDC
//! and the Vivado DFX flow (checked as text), floorplan refusals through the
//! CLI, and `vfpga new-accel`, whose template must lint.

use std::path::Path;
use std::process::Command;
use vfpga::config::Config;
use vfpga::design::build;
use vfpga::flow;
use vfpga::synth::{parse_stat_json, Family};

mod common;
use common::cli::vfpga;

fn write_tree(cfg: &Config, dir: &Path) {
    for f in build(cfg).files {
        let p = dir.join(&f.path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, &f.contents).unwrap();
    }
}

#[test]
fn yosys_synthesizes_the_static_part_and_each_rm_separately() {
    let cfg = Config::default();
    let dir = tempfile::tempdir().unwrap();
    write_tree(&cfg, dir.path());
    let out = Command::new("yosys").args(["-q", "-s", flow::YOSYS_RP_PATH]).current_dir(dir.path()).output().expect("run yosys");
    assert!(out.status.success(), "yosys failed:\n{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let report = |name: &str, top: &str| {
        let text = std::fs::read_to_string(dir.path().join(format!("{}{name}.json", flow::RP_REPORT_PREFIX))).unwrap();
        parse_stat_json(&flow::read_stat_json(&text), top, Some(Family::Xcup)).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let st = report("static", "vfpga_shell");
    assert!(st.total.lut > 100 && st.total.ff > 100, "static: {:?}", st.total);
    let icap = st.modules.iter().find(|m| m.module == "vfpga_icap").expect("vfpga_icap");
    assert_eq!(icap.cells_by_type.get("ICAPE3"), Some(&1), "ICAPE3 instance");
    let rps = st.modules.iter().find(|m| m.module == "vfpga_rps").expect("vfpga_rps");
    for i in 0..cfg.partitions {
        assert_eq!(rps.cells_by_type.get(&format!("vfpga_rp_p{i}")), Some(&1), "black box of partition {i}");
    }
    for (name, _) in vfpga_hdl::accel::EXAMPLES {
        let r = report(&format!("rm_{name}"), &format!("vfpga_rm_{name}"));
        assert!(r.total.lut > 0 && r.total.ff > 0, "{name}: {:?}", r.total);
        println!("{name}: {} LUT, {} FF", r.total.lut, r.total.ff);
    }
    println!("static shell: {} LUT, {} LUTRAM, {} FF", st.total.lut, st.total.lutram, st.total.ff);
}

#[test]
fn constraints_and_vivado_flow_name_every_partition() {
    let cfg = Config { partitions: 5, ..Config::default() };
    let xdc = flow::xdc(&cfg);
    for i in 0..5 {
        assert!(xdc.contains(&format!("create_pblock pblock_rp_p{i}\n")), "{xdc}");
        assert!(xdc.contains(&format!("set_property HD.RECONFIGURABLE true [get_cells -hierarchical rp_p{i}]")));
        assert!(xdc.contains(&format!("set_property RESET_AFTER_RECONFIG true [get_pblocks pblock_rp_p{i}]")));
        assert!(xdc.contains(&format!("set_property SNAPPING_MODE ON [get_pblocks pblock_rp_p{i}]")));
    }
    assert!(xdc.contains("resize_pblock [get_pblocks pblock_rp_p4] -add {CLOCKREGION_X4Y0:CLOCKREGION_X4Y0}"), "{xdc}");
    // The default design has a chip top: its clock is the PCIe IP's user
    // clock, so the constraints time the board's reference clock instead.
    assert!(xdc.contains("create_clock -name pcie_refclk -period 10.000 [get_ports pcie_refclk_p]"), "{xdc}");
    assert!(!xdc.contains("[get_ports clk]"), "{xdc}");
    assert_eq!(xdc, flow::xdc(&cfg), "deterministic");
    // Beyond the hard block's 252 VFs there is no chip top: the shell is the
    // top and its `clk` port is the clock.
    let shell_top = Config { partitions: 5, vfs: 1024, ..Config::default() };
    assert!(flow::xdc(&shell_top).contains("create_clock -name clk -period 5.000 [get_ports clk]"));
    let d = build(&cfg);
    let tcl = &d.files.iter().find(|f| f.path == flow::VIVADO_PATH).unwrap().contents;
    for needle in [
        "synth_design -mode default -top vfpga_top",
        "synth_design -mode out_of_context -top vfpga_rp_p[set i]",
        "read_checkpoint -cell [get_cells -hierarchical rp_p[set i]]",
        "lock_design -level routing",
        "pr_verify",
        "write_bitstream",
        "set part xcu250-figd2104-2L-e",
    ] {
        assert!(tcl.contains(needle), "Vivado flow lacks `{needle}`");
    }
    for (name, _) in vfpga_hdl::accel::EXAMPLES {
        for i in 0..5 {
            let w = format!("rtl/rm/{name}/vfpga_rp_p{i}.v");
            let f = d.files.iter().find(|f| f.path == w).unwrap_or_else(|| panic!("no {w}"));
            assert!(f.contents.contains(&format!("module vfpga_rp_p{i} (")) && f.contents.contains(&format!("vfpga_rm_{name} rm (")));
        }
    }
    // The testbench's system tasks ($display, $fatal, $finish) are the only `$`.
    assert!(d.files.iter().all(|f| !vfpga::testbench::strip_system_tasks(&f.contents).contains('$')), "a `$` in the output");
}

#[test]
fn bad_floorplans_are_refused_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let cases = [
        ("partitions = 2\n[[floorplan]]\npartition = 0\nranges = [\"CLOCKREGION_X0Y0:CLOCKREGION_X1Y1\"]\n[[floorplan]]\npartition = 1\nranges = [\"CLOCKREGION_X1Y0:CLOCKREGION_X2Y0\"]\n",
         "the pblocks of partitions 0 and 1 overlap"),
        ("partitions = 2\n[[floorplan]]\npartition = 0\nranges = [\"SLICE_X0Y0:SLICE_X9Y59\"]\n", "partition 1 has no pblock"),
        ("device = \"xc7z020clg400-1\"\n", "no built-in preset for device"),
    ];
    for (k, (toml, msg)) in cases.iter().enumerate() {
        let cfg = tmp.path().join(format!("c{k}.toml"));
        std::fs::write(&cfg, toml).unwrap();
        let out = tmp.path().join(format!("o{k}"));
        let o = vfpga(&["generate", "--config", cfg.to_str().unwrap(), "--out", out.to_str().unwrap()], tmp.path());
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains("floorplan: ") && err.contains(msg), "{err}");
        assert!(!out.exists(), "something was written");
    }
    // A correct explicit floorplan is taken as given.
    let cfg = tmp.path().join("good.toml");
    std::fs::write(&cfg, "partitions = 2\n[[floorplan]]\npartition = 1\nranges = [\"SLICE_X10Y0:SLICE_X19Y59\", \"RAMB36_X1Y0:RAMB36_X1Y11\"]\n[[floorplan]]\npartition = 0\nranges = [\"SLICE_X0Y0:SLICE_X9Y59\"]\n").unwrap();
    let out = tmp.path().join("good");
    let o = vfpga(&["generate", "--config", cfg.to_str().unwrap(), "--out", out.to_str().unwrap()], tmp.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let xdc = std::fs::read_to_string(out.join(flow::XDC_PATH)).unwrap();
    assert!(xdc.contains("resize_pblock [get_pblocks pblock_rp_p1] -add {RAMB36_X1Y0:RAMB36_X1Y11}"), "{xdc}");
}

#[test]
fn new_accel_writes_a_template_that_lints() {
    let tmp = tempfile::tempdir().unwrap();
    let o = vfpga(&["new-accel", "sha256"], tmp.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let path = tmp.path().join("vfpga_rm_sha256.v");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("module vfpga_rm_sha256 #(") && text.contains("32'h53484132"), "acc_id from the name: SHA2");
    let lint = Command::new("verilator").args(["--lint-only", "-Wall"]).arg(&path).output().unwrap();
    let msg = String::from_utf8_lossy(&lint.stderr);
    assert!(lint.status.success() && !msg.contains("%Warning"), "{msg}");
    // It does not overwrite, and refuses a bad name.
    assert_eq!(vfpga(&["new-accel", "sha256"], tmp.path()).status.code(), Some(2));
    assert_eq!(vfpga(&["new-accel", "Bad-Name"], tmp.path()).status.code(), Some(2));
}
