//! Toolchain files of the reconfiguration subsystem, from templates
//! (`gen/templates/`): the XDC with the partitions' pblocks, the Vivado DFX
//! flow, the Yosys script that synthesizes the static subsystem and each RM
//! separately, and the `vfpga new-accel` Verilog template. Each renderer is a
//! pure function returning the text.

use askama::Template;

use crate::blocks::rp::rp_module;
use crate::blocks::shell::SHELL_TOP;
use crate::config::Config;
use crate::floorplan;
use crate::output;

/// Where the outputs go in the tree.
pub const XDC_PATH: &str = "constraints/vfpga.xdc";
pub const VIVADO_PATH: &str = "scripts/vivado_dfx.tcl";
pub const YOSYS_RP_PATH: &str = "scripts/synth_rp.ys";
/// Prefix of the reports `synth_rp.ys` writes into the output directory
/// (`synth_rp_static.json`, `synth_rp_rm_<name>.json`).
pub const RP_REPORT_PREFIX: &str = "synth_rp_";

pub struct PblockView {
    pub index: usize,
    pub cell: String,
    pub module: String,
    pub ranges: Vec<String>,
}

#[derive(Template)]
#[template(path = "partitions.xdc", config = "gen/templates/askama.toml", escape = "none")]
struct Xdc<'a> {
    pcie: bool,
    board: Option<crate::chip_top::Board>,
    name: &'a str,
    generator: String,
    device: &'a str,
    floorplan_doc: String,
    clock_mhz: u32,
    period_ns: String,
    pblocks: Vec<PblockView>,
}

/// The XDC. The configuration must be validated (its floorplan resolves).
pub fn xdc(cfg: &Config) -> String {
    let plan = floorplan::resolve(&cfg.device, cfg.partitions, &cfg.floorplan).expect("validated floorplan");
    let floorplan_doc = if cfg.floorplan.is_empty() {
        format!("built-in preset: {}", floorplan::preset(&cfg.device).map_or("", |p| p.doc))
    } else {
        "from the configuration ([[floorplan]] tables).".into()
    };
    let period = 1000.0 / cfg.clock_mhz as f64;
    let mut s = Xdc {
        pcie: crate::blocks::shell_pcie::has_pcie(cfg),
        board: crate::chip_top::board(&cfg.device),
        name: &cfg.name,
        generator: output::generator(),
        device: &cfg.device,
        floorplan_doc,
        clock_mhz: cfg.clock_mhz,
        period_ns: format!("{period:.3}"),
        pblocks: plan
            .into_iter()
            .map(|b| PblockView {
                index: b.partition,
                cell: format!("rp_p{}", b.partition),
                module: rp_module(b.partition),
                ranges: b.ranges,
            })
            .collect(),
    }
    .render()
    .expect("the XDC template renders");
    s.push('\n');
    s
}

/// One RM's files for out-of-context synthesis.
pub struct RmFiles {
    pub name: String,
    pub top: String,
    pub files: Vec<String>,
}

#[derive(Template)]
#[template(path = "dfx_flow.tcl", config = "gen/templates/askama.toml", escape = "none")]
struct Vivado<'a> {
    pcie: Option<crate::chip_top::IpConfig>,
    name: &'a str,
    generator: String,
    device: &'a str,
    static_top: &'a str,
    static_files: &'a [String],
    rms: &'a [RmFiles],
    partitions: usize,
}

/// The Vivado non-project DFX flow.
pub fn vivado_tcl(cfg: &Config, static_files: &[String], rms: &[RmFiles]) -> String {
    let pcie = crate::blocks::shell_pcie::has_pcie(cfg).then(|| crate::chip_top::ip_config(cfg));
    let mut s = Vivado {
        static_top: if pcie.is_some() { crate::chip_top::CHIP_TOP } else { SHELL_TOP },
        pcie,
        name: &cfg.name,
        generator: output::generator(),
        device: &cfg.device,
        static_files,
        rms,
        partitions: cfg.partitions,
    }
    .render()
    .expect("the Vivado template renders");
    s.push('\n');
    s
}

#[derive(Template)]
#[template(path = "synth_rp.ys", config = "gen/templates/askama.toml", escape = "none")]
struct YosysRp<'a> {
    generator: String,
    static_top: &'a str,
    static_files: &'a [String],
    blackbox_files: &'a [String],
    rms: &'a [RmFiles],
    family: &'a str,
    report_prefix: &'a str,
}

/// The Yosys script: static subsystem with black boxes, then each RM alone.
/// UltraScale+ (`xcup`) because the static part instantiates ICAPE3.
pub fn yosys_rp(static_files: &[String], blackbox_files: &[String], rms: &[RmFiles]) -> String {
    let mut s = YosysRp {
        generator: output::generator(),
        static_top: SHELL_TOP,
        static_files,
        blackbox_files,
        rms,
        family: "xcup",
        report_prefix: RP_REPORT_PREFIX,
    }
    .render()
    .expect("the Yosys template renders");
    s.push('\n');
    s
}

#[derive(Template)]
#[template(path = "new_accel.v", config = "gen/templates/askama.toml", escape = "none")]
struct NewAccel<'a> {
    module: &'a str,
    generator: String,
    data_width: usize,
    acc_id: String,
}

/// The commented template of an empty RM named `vfpga_rm_<name>` whose
/// `acc_id` is `acc_id` (`crate::new_accel` picks and checks it).
pub fn new_accel(name: &str, data_width: usize, acc_id: u32) -> String {
    let mut s = NewAccel {
        module: &format!("vfpga_rm_{name}"),
        generator: output::generator(),
        data_width,
        acc_id: format!("{acc_id:08X}"),
    }
    .render()
    .expect("the new-accel template renders");
    s.push('\n');
    s
}

/// Reads a `stat -json` report of Yosys 0.23, dropping the lines of its text
/// hierarchy table that it writes into the JSON when the design has black
/// boxes (`   vfpga_dff_w1    6`: no quote, no brace).
pub fn read_stat_json(text: &str) -> String {
    text.lines()
        .filter(|l| {
            let t = l.trim();
            t.is_empty() || t.contains('"') || t.starts_with(['{', '}', '[', ']'])
        })
        .collect::<Vec<_>>()
        .join("\n")
}
