//! The FuseSoC core file of a generated design (`<name>.core`), so that the
//! design drops into flows that already use FuseSoC. A pure function of the
//! design's file lists, rendered from `templates/fusesoc.core`.

use askama::Template;

use crate::config::Config;

#[derive(Template)]
#[template(path = "fusesoc.core", config = "gen/templates/askama.toml", escape = "none")]
struct CoreFile<'a> {
    generator: String,
    name: &'a str,
    version: &'a str,
    partitions: usize,
    vfs: usize,
    data_width: usize,
    device: &'a str,
    top: &'a str,
    rtl: &'a [String],
    stubs: Vec<String>,
    sim: &'a [String],
    tb: &'a str,
    tb_top: &'a str,
    xdc: &'a str,
}

/// Path of the core file in the output tree.
pub fn path(cfg: &Config) -> String {
    format!("{}.core", cfg.name)
}

/// The core file: `rtl` (the static shell `top`) and `sim` (the simulation
/// shell) are the Verilog files in compile order. Targets: `lint` (Verilator,
/// with the stand-ins of `lint/`), `sim` (Icarus, the testbench of
/// `sim/tb/`), `synth` (Vivado) and `default`.
pub fn core(cfg: &Config, top: &str, rtl: &[String], sim: &[String]) -> String {
    CoreFile {
        generator: format!("vfpga {}", env!("CARGO_PKG_VERSION")),
        name: &cfg.name,
        version: env!("CARGO_PKG_VERSION"),
        partitions: cfg.partitions,
        vfs: cfg.vfs,
        data_width: cfg.data_width,
        device: &cfg.device,
        top,
        rtl,
        stubs: crate::lint::stub_files().into_iter().map(|(p, _)| p).collect(),
        sim,
        tb: crate::testbench::TB_PATH,
        tb_top: crate::testbench::TB_TOP,
        xdc: crate::flow::XDC_PATH,
    }
    .render()
    .map(|mut text| {
        // askama drops the template's final newline; a text file keeps one.
        if !text.ends_with('\n') {
            text.push('\n');
        }
        text
    })
    .expect("the core template renders")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_lists_every_file_once_under_its_target() {
        let cfg = Config::default();
        let rtl = vec!["rtl/a.v".to_string(), "rtl/vfpga_shell.v".to_string()];
        let sim = vec!["sim/vfpga_shell_sim.v".to_string()];
        let c = core(&cfg, "vfpga_shell", &rtl, &sim);
        assert!(c.starts_with("CAPI=2:\n"), "{c}");
        assert!(c.contains("name: vfpga:shell:vfpga:"), "{c}");
        let tb = crate::testbench::TB_PATH.to_string();
        for f in rtl.iter().chain(&sim).chain([&tb, &crate::lint::ICAPE3_PATH.to_string()]) {
            assert_eq!(c.matches(&format!("      - {f}\n")).count(), 1, "{f} in\n{c}");
        }
        // Each target's options, filesets and top (tests/toolchain.rs runs them).
        let targets = &c[c.find("\ntargets:\n").expect("a targets section")..];
        let target = |name: &str| {
            let start = targets.find(&format!("\n  {name}:\n")).unwrap_or_else(|| panic!("no target {name} in\n{c}"));
            let body = targets[start + 1..].lines().skip(1).take_while(|l| l.starts_with("    "));
            body.map(|l| format!("{l}\n")).collect::<String>()
        };
        let lint = target("lint");
        assert!(lint.contains("filesets: [rtl, lint_stubs]") && lint.contains("toplevel: vfpga_shell\n"), "{lint}");
        assert!(lint.contains("tool: verilator") && lint.contains("[-Wall]"), "{lint}");
        let sim_t = target("sim");
        assert!(sim_t.contains("filesets: [sim, tb]") && sim_t.contains("toplevel: vfpga_shell_sim_tb\n"), "{sim_t}");
        assert!(target("synth").contains(&format!("        part: {}\n", cfg.device)), "{c}");
        assert!(!c.contains('$'));
        assert_eq!(c, core(&cfg, "vfpga_shell", &rtl, &sim), "deterministic");
    }
}
