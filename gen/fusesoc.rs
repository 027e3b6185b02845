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
    sim_top: &'a str,
    rtl: &'a [String],
    sim: &'a [String],
    xdc: &'a str,
}

/// Path of the core file in the output tree.
pub fn path(cfg: &Config) -> String {
    format!("{}.core", cfg.name)
}

/// The core file: `rtl` and `sim` are the Verilog files in compile order.
pub fn core(cfg: &Config, top: &str, sim_top: &str, rtl: &[String], sim: &[String]) -> String {
    CoreFile {
        generator: format!("vfpga {}", env!("CARGO_PKG_VERSION")),
        name: &cfg.name,
        version: env!("CARGO_PKG_VERSION"),
        partitions: cfg.partitions,
        vfs: cfg.vfs,
        data_width: cfg.data_width,
        device: &cfg.device,
        top,
        sim_top,
        rtl,
        sim,
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
        let c = core(&cfg, "vfpga_shell", "vfpga_shell_sim", &rtl, &sim);
        assert!(c.starts_with("CAPI=2:\n"), "{c}");
        assert!(c.contains("name: vfpga:shell:vfpga:"), "{c}");
        for f in rtl.iter().chain(&sim) {
            assert_eq!(c.matches(&format!("      - {f}\n")).count(), 1, "{f} in\n{c}");
        }
        assert!(c.contains("    toplevel: vfpga_shell\n") && c.contains("    toplevel: vfpga_shell_sim\n"), "{c}");
        assert!(c.contains(&format!("        part: {}\n", cfg.device)), "{c}");
        assert!(!c.contains('$'));
        assert_eq!(c, core(&cfg, "vfpga_shell", "vfpga_shell_sim", &rtl, &sim), "deterministic");
    }
}
