//! Builds the design for a configuration: the files of the output tree.

use crate::config::Config;
use crate::blocks::shell::{shell_modules, SHELL_TOP};
use crate::blocks::shell_pcie::{has_pcie, shell_pcie_modules};
use crate::emit::{emit, EmitOptions, Module};
use rust_hdl::prelude::{generate_verilog, Block};

/// One file of the output tree, as text. Writing it is `output`'s job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path relative to the output directory, with `/` separators (`rtl/vfpga_switch.v`).
    pub path: String,
    pub contents: String,
}

/// Everything `vfpga generate` writes for one configuration, except `manifest.json`.
#[derive(Debug, Clone)]
pub struct Design {
    /// Name of the top module (`vfpga_top`, or `vfpga_shell` beyond 252 VFs).
    pub top: String,
    /// Verilog files of the static design, in dependency order (leaves first).
    pub rtl: Vec<String>,
    pub files: Vec<OutputFile>,
}

/// Builds the design. The configuration must already be validated.
pub fn build(cfg: &Config) -> Design {
    // The static shell: every block, the partitions as black boxes.
    let modules = shell_modules(cfg, false);
    // With at most 252 VFs (the hard block's SR-IOV limit), the chip top over
    // the PCIe adapter and the shell: what Vivado implements.
    let chip = has_pcie(cfg).then(|| {
        let mut mods = shell_pcie_modules(cfg, false).unwrap_or_else(|e| panic!("validated configuration: {e}"));
        let top = crate::chip_top::chip_top(cfg, mods.last().expect("vfpga_shell_pcie"));
        mods.push(top);
        mods
    });
    let all = chip.as_ref().unwrap_or(&modules);
    let mut files = Vec::new();
    let mut rtl = Vec::new();
    for m in all {
        let path = format!("rtl/{}.v", m.name);
        rtl.push(path.clone());
        files.push(OutputFile { path, contents: m.text.clone() });
    }
    // File lists for tools that take one (`verilator -f`, `iverilog -f`), every
    // path relative to the output root: `rtl/files.f` for the vendor flows,
    // `lint.f` with the primitives' stand-ins of `lint/` for the others.
    let mut stubs = crate::lint::stub_files();
    if chip.is_some() {
        stubs.extend(crate::chip_top::stub_files(cfg));
    }
    files.push(OutputFile { path: "rtl/files.f".into(), contents: file_list(&rtl) });
    files.push(OutputFile { path: crate::lint::LIST_PATH.into(), contents: crate::lint::list(&rtl, &stubs) });
    for (path, contents) in stubs {
        files.push(OutputFile { path, contents });
    }
    for (path, contents) in crate::regmap::files(cfg) {
        files.push(OutputFile { path, contents });
    }
    add_reconfiguration(cfg, &modules, chip.as_deref(), &mut files);
    // The block diagram, drawn from the shell's netlist.
    files.push(OutputFile { path: crate::diagram::SVG_PATH.into(), contents: crate::diagram::shell_svg(cfg, &modules) });
    let top = if chip.is_some() { crate::chip_top::CHIP_TOP } else { SHELL_TOP };
    Design { top: top.into(), rtl, files }
}

/// A file list for `verilator -f` and `iverilog -f`: one path per line,
/// relative to the output root (where the tools run), no comments (every
/// tool reads it, and so does a shell's `$(cat ...)`).
pub fn file_list<S: AsRef<str>>(paths: &[S]) -> String {
    paths.iter().map(|p| format!("{}\n", p.as_ref())).collect()
}

/// Adds `f` unless the same path is there with the same text (shared
/// submodules such as `vfpga_dff_w1`); the same path with other text is a bug.
fn add_file(files: &mut Vec<OutputFile>, path: String, contents: String) {
    match files.iter().find(|f| f.path == path) {
        Some(f) => assert_eq!(f.contents, contents, "two different files for {path}"),
        None => files.push(OutputFile { path, contents }),
    }
}

/// What partial reconfiguration needs besides the static shell:
/// `rtl/rm/<rm>/` (each example RM for out-of-context synthesis, with its
/// wrapper per partition), `sim/` (the simulation shell: every RM behind a
/// select, and its testbench in `sim/tb/`), the FuseSoC core, `constraints/`
/// and `scripts/` (Vivado DFX flow, Yosys script).
///
/// `chip`: the chip top's modules (the shell's and the PCIe adapter's
/// included), when the configuration has one: the Vivado flow implements
/// them; FuseSoC and Yosys keep to the shell (no vendor IP there).
fn add_reconfiguration(cfg: &Config, static_mods: &[Module], chip: Option<&[Module]>, files: &mut Vec<OutputFile>) {
    use crate::blocks::{accel, rp};
    let mut static_files = Vec::new();
    let mut blackbox_files = Vec::new();
    for m in static_mods {
        let path = format!("rtl/{}.v", m.name);
        if (0..cfg.partitions).any(|i| m.name == rp::rp_module(i)) {
            blackbox_files.push(path);
        } else {
            static_files.push(path);
        }
    }

    let mut rms = Vec::new();
    for (name, _) in vfpga_hdl::accel::EXAMPLES {
        let mods = accel::rm_modules(cfg, name);
        let dir = format!("rtl/rm/{name}");
        let paths: Vec<String> = mods.iter().map(|m| format!("{dir}/{}.v", m.name)).collect();
        for (m, p) in mods.iter().zip(&paths) {
            add_file(files, p.clone(), m.text.clone());
        }
        files.push(OutputFile { path: format!("{dir}/files.f"), contents: file_list(&paths) });
        for i in 0..cfg.partitions {
            let w = rp::rp_rm_wrapper(cfg, i, name);
            files.push(OutputFile { path: format!("{dir}/{}.v", w.name), contents: w.text });
        }
        rms.push(crate::flow::RmFiles { name: name.to_string(), top: accel::rm_top(name), files: paths });
    }

    let sim_mods = shell_modules(cfg, true);
    for m in &sim_mods {
        add_file(files, format!("sim/{}.v", m.name), m.text.clone());
    }
    let rtl: Vec<String> = static_mods.iter().map(|m| format!("rtl/{}.v", m.name)).collect();
    let sim: Vec<String> = sim_mods.iter().map(|m| format!("sim/{}.v", m.name)).collect();
    files.push(OutputFile { path: "sim/files.f".into(), contents: file_list(&sim) });
    let sim_top = sim_mods.last().expect("the simulation shell");
    files.push(OutputFile { path: crate::testbench::TB_PATH.into(), contents: crate::testbench::shell_tb(cfg, sim_top) });
    let top = &static_mods.last().expect("the shell").name;
    files.push(OutputFile {
        path: crate::fusesoc::path(cfg),
        contents: crate::fusesoc::core(cfg, top, &rtl, &sim),
    });

    files.push(OutputFile { path: crate::flow::XDC_PATH.into(), contents: crate::flow::xdc(cfg) });
    let mut vivado_static = match chip {
        Some(mods) => mods.iter().map(|m| format!("rtl/{}.v", m.name)).filter(|p| !blackbox_files.contains(p)).collect(),
        None => static_files.clone(),
    };
    vivado_static.extend(blackbox_files.iter().cloned());
    files.push(OutputFile {
        path: crate::flow::VIVADO_PATH.into(),
        contents: crate::flow::vivado_tcl(cfg, &vivado_static, &rms),
    });
    files.push(OutputFile {
        path: crate::flow::YOSYS_RP_PATH.into(),
        contents: crate::flow::yosys_rp(&static_files, &blackbox_files, &rms),
    });
}

/// The header comment of every emitted Verilog file.
pub fn header(cfg: &Config) -> Vec<String> {
    vec![
        format!("Generated by vfpga {} - do not edit; regenerate instead.", env!("CARGO_PKG_VERSION")),
        format!(
            "Design '{}': {} partitions, {} VFs ({} PCIe functions), {}-bit data path.",
            cfg.name,
            cfg.partitions,
            cfg.vfs,
            cfg.functions(),
            cfg.data_width
        ),
    ]
}

/// Emits a rust-hdl block as `top` and its submodules (leaves first, top
/// last); submodules are named `<top>_<field path>` unless shared.
pub fn emit_block<B: Block>(block: B, top: &str, doc: &str, cfg: &Config) -> Vec<Module> {
    emit_block_with_bundle(block, top, doc, cfg, None)
}

/// Emits an RM (or a simulated partition holding RMs): as [`emit_block`],
/// with the ports of its RM interface (its field `rm`, `hdl/src/rm.rs`)
/// under the interface's own names (`s_axis_tdata`, `ctx_addr`, `idle`).
pub fn emit_rm_block<B: Block>(block: B, top: &str, doc: &str, cfg: &Config) -> Vec<Module> {
    emit_block_with_bundle(block, top, doc, cfg, Some("rm"))
}

fn emit_block_with_bundle<B: Block>(
    mut block: B,
    top: &str,
    doc: &str,
    cfg: &Config,
    top_bundle: Option<&str>,
) -> Vec<Module> {
    block.connect_all();
    let verilog = generate_verilog(&block);
    let header = header(cfg);
    let opts = EmitOptions { top_name: top, module_prefix: top, header: &header, top_doc: doc, top_bundle };
    emit(&verilog, &opts).unwrap_or_else(|e| panic!("{e}"))
}

/// Waives Verilator's UNUSEDSIGNAL in the modules of `mods` whose name
/// `which` accepts (after the waivers every emitted module starts with). For
/// signals a block leaves unused by design; the caller says which and why.
pub fn waive_unused_signals(mods: &mut [Module], which: impl Fn(&str) -> bool) {
    for m in mods.iter_mut().filter(|m| which(&m.name)) {
        m.text = m.text.replacen(
            "/* verilator lint_off UNOPTFLAT */\n",
            "/* verilator lint_off UNOPTFLAT */\n/* verilator lint_off UNUSEDSIGNAL */\n",
            1,
        );
    }
}

/// Calls `$body` with the type parameters `DW, KW` of the configured data
/// width bound as consts: `with_data_width!(cfg, |DW, KW| Switch::<DW, KW>::new(..))`.
#[macro_export]
macro_rules! with_data_width {
    ($cfg:expr, |$dw:ident, $kw:ident| $body:expr) => {
        match $cfg.data_width {
            64 => { const $dw: usize = 64; const $kw: usize = 8; $body }
            128 => { const $dw: usize = 128; const $kw: usize = 16; $body }
            256 => { const $dw: usize = 256; const $kw: usize = 32; $body }
            512 => { const $dw: usize = 512; const $kw: usize = 64; $body }
            w => panic!("data width {w} reached the generator unvalidated"),
        }
    };
}
