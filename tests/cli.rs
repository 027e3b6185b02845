//! `vfpga generate` end to end: the built binary, outputs in temporary directories.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use vfpga::output::{sha256_hex, Manifest, MANIFEST};

mod common;
use common::cli::{vfpga, stderr};

fn ok(o: Output) -> Output {
    assert!(
        o.status.success(),
        "vfpga failed ({}):\nstdout:\n{}\nstderr:\n{}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        stderr(&o)
    );
    o
}

/// Every file below `dir`: relative `/`-separated path and bytes, sorted.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel: Vec<String> = p
                    .strip_prefix(root)
                    .unwrap()
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push((rel.join("/"), fs::read(&p).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Runs `generate` with `args` and `--out <tmp>/o`; expects exit status 2, a
/// message naming every string of `expect`, and nothing written. Returns the
/// message.
fn refused(args: &[&str], expect: &[&str]) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let mut all = vec!["generate"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--out", out.to_str().unwrap()]);
    let o = vfpga(&all, tmp.path());
    let err = stderr(&o);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{args:?}: status {}, stderr:\n{err}",
        o.status
    );
    for e in expect {
        assert!(
            err.contains(e),
            "{args:?}: stderr does not name {e:?}:\n{err}"
        );
    }
    assert!(!out.exists(), "{args:?}: {} was written", out.display());
    let left: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "{args:?}: left behind {left:?}");
    err
}

#[test]
fn out_of_range_values_are_refused() {
    refused(&["--partitions", "0"], &["partitions", "1..=64"]);
    refused(
        &["--partitions", "65"],
        &["partitions = 65", "1..=64", "--partitions"],
    );
    refused(&["--vfs", "0"], &["vfs", "1..=1024"]);
    refused(&["--vfs", "1025"], &["vfs = 1025", "1..=1024"]);
    refused(
        &["--data-width", "100"],
        &["data_width = 100", "64, 128, 256 or 512", "--data-width"],
    );
    refused(&["--name", "Shell"], &["name", "[a-z][a-z0-9_]*"]);
    refused(&["--name", "my-shell"], &["name"]);
    refused(&["--name", &"a".repeat(49)], &["name", "48"]);
}

#[test]
fn bad_flags_are_refused() {
    refused(&["--partitions", "-1"], &["--partitions"]);
    refused(&["--partitions", "four"], &["--partitions"]);
    refused(&["--data-width"], &["--data-width"]);
    refused(&["--bogus"], &["--bogus"]);
}

#[test]
fn bad_config_files_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let file = |name: &str, text: &str| -> String {
        let p = tmp.path().join(name);
        fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    };
    refused(
        &["--config", &file("unknown.toml", "partition = 8\n")],
        &["unknown.toml", "partition"],
    );
    refused(
        &["--config", &file("type.toml", "vfs = \"many\"\n")],
        &["type.toml", "vfs"],
    );
    refused(
        &["--config", &file("syntax.toml", "vfs = [\n")],
        &["syntax.toml"],
    );
    refused(
        &["--config", &file("range.toml", "partitions = 100\n")],
        &["partitions = 100", "1..=64"],
    );
    refused(
        &["--config", &file("width.toml", "data_width = 48\n")],
        &["data_width = 48"],
    );
    let missing = tmp.path().join("missing.toml");
    refused(&["--config", missing.to_str().unwrap()], &["missing.toml"]);
    // A flag does not rescue a bad file...
    refused(
        &[
            "--config",
            &file("unknown2.toml", "colour = 1\n"),
            "--partitions",
            "2",
        ],
        &["colour"],
    );
    // ...but does override a bad value in it.
    let p = file("fixed.toml", "partitions = 100\n");
    let out = tmp.path().join("fixed");
    ok(vfpga(
        &[
            "generate",
            "--config",
            &p,
            "--partitions",
            "2",
            "--out",
            out.to_str().unwrap(),
        ],
        tmp.path(),
    ));
}

#[test]
fn config_file_takes_accelerator_names() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = tmp.path().join("accels.toml");
    fs::write(&cfg, "partitions = 3\npartition_accels = [\"crc32\", 7, \"kxor\"]\n").unwrap();
    let out = generate(tmp.path(), "o", &["--config", cfg.to_str().unwrap()]);
    let c = Manifest::read(&out).unwrap().config;
    assert_eq!(c.partition_accels, [vfpga_hdl::acc_id::CRC32, 7, vfpga_hdl::acc_id::CIPHER]);
    // A name that is not an accelerator: the message lists the names.
    fs::write(&cfg, "partitions = 1\npartition_accels = [\"sha\"]\n").unwrap();
    refused(&["--config", cfg.to_str().unwrap()], &["accels.toml", "\"sha\"", "passthrough, crc32, cipher or kxor"]);
}

#[test]
fn file_only_fields_are_named_as_in_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    for (field, text) in [("clock_mhz", "clock_mhz = 5\n"), ("drain_limit", "drain_limit = 0\n")] {
        let cfg = tmp.path().join(format!("{field}.toml"));
        fs::write(&cfg, text).unwrap();
        let err = refused(&["--config", cfg.to_str().unwrap()], &[&format!("'{field}' in the config file")]);
        let flag = format!("--{}", field.replace('_', "-"));
        assert!(!err.contains(&flag), "names {flag}, which does not exist:\n{err}");
    }
}

#[test]
fn accelerator_names_include_kxor() {
    let err = refused(&["--partitions", "1", "--partition-accels", "sha"], &["sha"]);
    assert!(err.contains("kxor") && err.contains("cipher"), "{err}");
    let tmp = tempfile::tempdir().unwrap();
    let out = generate(tmp.path(), "o", &["--partitions", "2", "--partition-accels", "kxor,crc32"]);
    let c = Manifest::read(&out).unwrap().config;
    assert_eq!(c.partition_accels, [vfpga_hdl::acc_id::CIPHER, vfpga_hdl::acc_id::CRC32]);
}

#[test]
fn synth_dir_conflict_names_every_configuration_flag() {
    let tmp = tempfile::tempdir().unwrap();
    let o = vfpga(&["synth", "--dir", "x", "--context-words", "8"], tmp.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    for flag in [
        "--config",
        "--name",
        "--partitions",
        "--vfs",
        "--data-width",
        "--context-words",
        "--vm-id-bits",
        "--partition-accels",
    ] {
        assert!(err.contains(flag), "lacks {flag}: {err}");
    }
}

#[test]
fn a_file_where_a_directory_belongs_is_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("notes.txt");
    fs::write(&file, "mine").unwrap();
    let o = vfpga(&["synth", "--dir", file.to_str().unwrap()], tmp.path());
    assert_eq!(o.status.code(), Some(2), "synth --dir FILE: {}", stderr(&o));
    assert!(stderr(&o).contains("not a directory"), "{}", stderr(&o));
    let o = vfpga(&["new-accel", "demo", "--out", file.to_str().unwrap()], tmp.path());
    assert_eq!(o.status.code(), Some(2), "new-accel --out FILE: {}", stderr(&o));
    assert!(stderr(&o).contains("not a directory"), "{}", stderr(&o));
    assert_eq!(fs::read(&file).unwrap(), b"mine");
}

#[test]
fn help_explains_every_flag() {
    let tmp = tempfile::tempdir().unwrap();
    let top = String::from_utf8(ok(vfpga(&["--help"], tmp.path())).stdout).unwrap();
    assert!(top.contains("generate") && top.contains("synth"), "{top}");
    let gen = String::from_utf8(ok(vfpga(&["generate", "--help"], tmp.path())).stdout).unwrap();
    for flag in [
        "--partitions",
        "--vfs",
        "--data-width",
        "--name",
        "--config",
        "--out",
        "252",
        "1000",
        "kxor",
    ] {
        assert!(gen.contains(flag), "generate --help lacks {flag}:\n{gen}");
    }
    // --config lists every field the file accepts.
    let config_help = gen.split("--config").nth(1).unwrap().split("--name").next().unwrap();
    for field in [
        "name",
        "partitions",
        "vfs",
        "data_width",
        "context_words",
        "vm_id_bits",
        "partition_accels",
        "drain_limit",
        "device",
        "clock_mhz",
        "floorplan",
    ] {
        assert!(config_help.contains(field), "--config help lacks {field}:\n{config_help}");
    }
    // --name says what the name does, and not what it does not.
    let name_help = gen.split("--name").nth(1).unwrap().split("--partitions").next().unwrap();
    assert!(name_help.contains("output") && name_help.contains("header"), "{name_help}");
    assert!(!name_help.contains("prefix"), "--name does not prefix modules: {name_help}");
    let synth = String::from_utf8(ok(vfpga(&["synth", "--help"], tmp.path())).stdout).unwrap();
    for flag in ["--json", "--part", "--dir", "xcup", "--partitions"] {
        assert!(synth.contains(flag), "synth --help lacks {flag}:\n{synth}");
    }
}

#[test]
fn refuses_to_overwrite_a_foreign_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("thesis");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("chapter1.tex"), "precious").unwrap();
    let o = vfpga(&["generate", "--out", out.to_str().unwrap()], tmp.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("not a vfpga output directory"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        tree(&out),
        vec![("chapter1.tex".to_string(), b"precious".to_vec())]
    );
    assert_eq!(
        fs::read_dir(tmp.path()).unwrap().count(),
        1,
        "temporary files left behind"
    );
}

/// Generates into `<tmp>/<name>` and returns the path.
fn generate(tmp: &Path, name: &str, args: &[&str]) -> PathBuf {
    let out = tmp.join(name);
    let mut all = vec!["generate"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--out", out.to_str().unwrap()]);
    ok(vfpga(&all, tmp));
    out
}

#[test]
fn manifest_lists_exactly_the_files_written() {
    let tmp = tempfile::tempdir().unwrap();
    let out = generate(tmp.path(), "p8", &["--partitions", "8", "--vfs", "16"]);
    let m = Manifest::read(&out).unwrap();
    assert_eq!(m.generator, format!("vfpga {}", env!("CARGO_PKG_VERSION")));
    assert_eq!(
        (m.config.partitions, m.config.vfs, m.config.data_width),
        (8, 16, 64)
    );

    let files = tree(&out);
    let on_disk: Vec<&str> = files
        .iter()
        .map(|(p, _)| p.as_str())
        .filter(|p| *p != MANIFEST)
        .collect();
    let listed: Vec<&str> = m.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(listed, on_disk, "manifest.json and the tree disagree");
    for (f, (_, bytes)) in m
        .files
        .iter()
        .zip(files.iter().filter(|(p, _)| p != MANIFEST))
    {
        assert_eq!(f.bytes, bytes.len() as u64, "{}", f.path);
        assert_eq!(f.sha256, sha256_hex(bytes), "{}", f.path);
    }

    assert!(!m.rtl.is_empty());
    for r in &m.rtl {
        assert!(r.starts_with("rtl/") && r.ends_with(".v"), "{r}");
        assert!(out.join(r).is_file(), "{r}");
    }
    let top_file = fs::read_to_string(out.join(m.rtl.last().unwrap())).unwrap();
    assert!(
        top_file.contains(&format!("module {}", m.top)),
        "the last RTL file is not the top {}",
        m.top
    );
    assert!(listed.contains(&vfpga::synth::SCRIPT_PATH));
}

#[test]
fn no_dollar_in_generated_verilog() {
    let tmp = tempfile::tempdir().unwrap();
    let out = generate(
        tmp.path(),
        "d",
        &["--partitions", "3", "--vfs", "5", "--data-width", "128"],
    );
    let mut seen = 0;
    for (path, bytes) in tree(&out) {
        if path.ends_with(".v") || path.ends_with(".sv") || path.ends_with(".vh") {
            seen += 1;
            let mut text = String::from_utf8(bytes).unwrap();
            if path == vfpga::testbench::TB_PATH {
                text = vfpga::testbench::strip_system_tasks(&text); // $display, $fatal, $finish
            }
            if let Some((n, line)) = text.lines().enumerate().find(|(_, l)| l.contains('$')) {
                panic!("{path}:{}: `$` in generated Verilog: {line}", n + 1);
            }
        }
    }
    assert!(seen > 0, "no Verilog written");
}

#[test]
fn output_is_byte_identical_for_the_same_input() {
    let tmp = tempfile::tempdir().unwrap();
    let a = generate(tmp.path(), "a", &["--partitions", "2", "--vfs", "4"]);
    let b = generate(tmp.path(), "b", &["--partitions", "2", "--vfs", "4"]);
    assert_eq!(tree(&a), tree(&b));
    // Regenerating over a previous output replaces it, identically.
    let before = tree(&a);
    generate(tmp.path(), "a", &["--partitions", "2", "--vfs", "4"]);
    assert_eq!(tree(&a), before);
    // Only the two outputs: no temporary directory left behind.
    let mut names: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["a", "b"]);
}

#[test]
fn config_file_with_flag_override() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = tmp.path().join("shell.toml");
    fs::write(
        &cfg,
        "name = \"edge\"\npartitions = 2\nvfs = 16\ndata_width = 128\n",
    )
    .unwrap();
    let out = generate(
        tmp.path(),
        "o",
        &["--config", cfg.to_str().unwrap(), "--vfs", "4"],
    );
    let c = Manifest::read(&out).unwrap().config;
    assert_eq!(
        (c.name.as_str(), c.partitions, c.vfs, c.data_width),
        ("edge", 2, 4, 128)
    );
}

#[test]
fn default_output_is_out_slash_name() {
    let tmp = tempfile::tempdir().unwrap();
    ok(vfpga(&["generate"], tmp.path()));
    let m = Manifest::read(&tmp.path().join("out/vfpga")).unwrap();
    assert_eq!(m.config, vfpga::config::Config::default());
    ok(vfpga(
        &[
            "generate",
            "--name",
            "small",
            "--partitions",
            "1",
            "--vfs",
            "1",
        ],
        tmp.path(),
    ));
    assert!(tmp.path().join("out/small").join(MANIFEST).is_file());
}

#[test]
fn changing_the_configuration_removes_stale_files_and_keeps_the_users() {
    let tmp = tempfile::tempdir().unwrap();
    let out = generate(tmp.path(), "o", &["--partitions", "4"]);
    let stale = "rtl/rm/passthrough/vfpga_rp_p3.v";
    assert!(out.join(stale).is_file());
    fs::write(out.join("rtl").join("mine.v"), "module mine; endmodule\n").unwrap();
    generate(tmp.path(), "o", &["--partitions", "2"]);
    assert!(!out.join(stale).exists(), "{stale} is no longer generated");
    assert_eq!(
        fs::read_to_string(out.join("rtl/mine.v")).unwrap(),
        "module mine; endmodule\n",
        "a file the user added was not kept"
    );
    assert_eq!(Manifest::read(&out).unwrap().config.partitions, 2);
}

/// `vfpga bench ctx --json`: the figures come out as JSON, in cycles, each
/// next to its target (cycle counts are deterministic, so the targets hold).
#[test]
fn bench_ctx_prints_json_figures() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vfpga"))
        .args(["bench", "ctx", "--json"])
        .env("VFPGA_SIM_CACHE", concat!(env!("CARGO_TARGET_TMPDIR"), "/bench-cache"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let figures: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let switches: Vec<&serde_json::Value> =
        figures.as_array().unwrap().iter().filter(|f| f["name"].as_str().unwrap().starts_with("context switch")).collect();
    assert_eq!(switches.len(), 3, "{figures:#}");
    for f in switches {
        assert_eq!(f["unit"], "cycles");
        assert_eq!(f["meets_target"], true, "{f}");
    }
    // Sharing, measured on the whole shell: a loss per slice length.
    let lost: Vec<f64> = figures
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["name"].as_str().unwrap().starts_with("throughput lost to sharing"))
        .map(|f| f["value"].as_f64().unwrap())
        .collect();
    assert_eq!(lost.len(), 3, "{figures:#}");
    assert!(lost.iter().all(|l| (0.0..50.0).contains(l)), "losses {lost:?}");
}

/// `bench --clock-mhz` takes a frequency or `measured`, nothing else: a bad
/// value exits 2 before any benchmark runs.
#[test]
fn bench_clock_must_be_a_frequency_or_measured() {
    let tmp = tempfile::tempdir().unwrap();
    for bad in ["0", "-5", "fast", "inf"] {
        let o = vfpga(&["bench", "attach", "--clock-mhz", bad], tmp.path());
        assert_eq!(o.status.code(), Some(2), "--clock-mhz {bad}: {}", stderr(&o));
        assert!(stderr(&o).contains("--clock-mhz"), "{}", stderr(&o));
    }
    let help = String::from_utf8(ok(vfpga(&["bench", "--help"], tmp.path())).stdout).unwrap();
    assert!(help.contains("measured") && help.contains("cycles only"), "{help}");
    let help = String::from_utf8(ok(vfpga(&["timing", "--help"], tmp.path())).stdout).unwrap();
    for flag in ["--blocks", "--seed", "--jobs", "--json", "--keep", "--partitions", "axis_switch", "axi_dma", "switch", "shell"] {
        assert!(help.contains(flag), "timing --help lacks {flag}:\n{help}");
    }
}

/// At every data width the output's top is the chip top: the manifest says
/// so, the DFX flow implements it and creates the PCIe IP with SR-IOV for
/// the configuration (a 256-bit user interface below 512 bits), the XDC
/// holds the U250's PCIe pins. Beyond 252 VFs (the hard block's limit)
/// there is none at 64 bits and generate says why; at 512 it refuses.
#[test]
fn every_design_has_a_chip_top_with_the_pcie_ip() {
    let tmp = tempfile::tempdir().unwrap();
    for (dw, vfs, lanes, uw) in [("64", "8", "X8", "256"), ("128", "3", "X8", "256"), ("256", "5", "X8", "256"), ("512", "16", "X16", "512")] {
        let out = generate(tmp.path(), &format!("w{dw}"), &["--data-width", dw, "--vfs", vfs]);
        let m = Manifest::read(&out).unwrap();
        assert_eq!(m.top, "vfpga_top", "{dw} bits");
        assert_eq!(m.rtl.last().map(String::as_str), Some("rtl/vfpga_top.v"));
        assert!(m.rtl.iter().any(|r| r == "rtl/vfpga_shell_pcie.v") && m.rtl.iter().any(|r| r == "rtl/vfpga_shell.v"));
        let tcl = fs::read_to_string(out.join("scripts/vivado_dfx.tcl")).unwrap();
        assert!(tcl.contains("synth_design -mode default -top vfpga_top "), "{dw}: static top");
        assert!(tcl.contains("create_ip -name pcie4_uscale_plus -vendor xilinx.com -library ip -module_name vfpga_pcie_ip"));
        for prop in [
            "CONFIG.SRIOV_CAP_ENABLE {true}".to_string(),
            format!("CONFIG.PF0_SRIOV_CAP_INITIAL_VF {{{vfs}}}"),
            format!("CONFIG.PL_LINK_CAP_MAX_LINK_WIDTH {{{lanes}}}"),
            format!("CONFIG.axisten_if_width {{{uw}_bit}}"),
            "CONFIG.pf0_bar0_size {4}".into(),
            "CONFIG.pf0_sriov_bar0_size {4}".into(),
            "CONFIG.PF0_MSIX_CAP_TABLE_SIZE {00f}".into(),
        ] {
            assert!(tcl.contains(&prop), "{dw} bits: the Tcl lacks {prop}");
        }
        let xdc = fs::read_to_string(out.join("constraints/vfpga.xdc")).unwrap();
        for pin in ["PACKAGE_PIN AM11 [get_ports pcie_refclk_p]", "PACKAGE_PIN BD21 IOSTANDARD LVCMOS12} [get_ports pcie_perst_n]", "[get_ports pcie_refclk_p]"] {
            assert!(xdc.contains(pin), "{dw} bits: the XDC lacks {pin}");
        }
        assert!(!xdc.contains("[get_ports clk]"), "no port clk on the chip top");
        let lint = fs::read_to_string(out.join("lint.f")).unwrap();
        assert!(lint.contains("lint/IBUFDS_GTE4.v\n") && lint.contains("lint/vfpga_pcie_ip.v\n"));
        assert!(!fs::read_to_string(out.join("rtl/files.f")).unwrap().contains("lint/"));
        let upsize = m.rtl.iter().any(|r| r == "rtl/vfpga_host_upsize.v");
        assert_eq!(upsize, dw == "64" || dw == "128", "{dw} bits: the host master's width adapter");
    }
    let o = ok(vfpga(&["generate", "--vfs", "300", "--out", tmp.path().join("many").to_str().unwrap()], tmp.path()));
    let note = stderr(&o);
    assert!(note.contains("no chip top with 300 VFs") && note.contains("--vfs 252 or fewer"), "{note}");
    assert_eq!(Manifest::read(&tmp.path().join("many")).unwrap().top, "vfpga_shell");
    refused(&["--data-width", "512", "--vfs", "253"], &["vfs = 253", "1..=252", "data_width 512"]);
}
