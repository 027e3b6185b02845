//! Emits the reconfiguration subsystem: the `partition` wrapper, the `prc`,
//! the configuration port (ICAPE3 in hardware, a model in simulation), the
//! reconfigurable partitions (black boxes in the static design, every RM
//! behind a select in simulation) and the tops that wire them:
//! - `vfpga_rps` (static design, `rtl/`): prc + one wrapper and one black box
//!   `vfpga_rp_p<i>` per partition + `vfpga_icap`;
//! - `vfpga_rps_sim` (simulation, `sim/`): the same with `vfpga_rp_sim` in
//!   every partition and `vfpga_icap_model` as the configuration port.
//!
//! The tops are glue (instances and wires only), written as text here; the
//! blocks are rust-hdl.

use crate::config::Config;
use crate::design::{emit_block, emit_rm_block, header};
use crate::emit::Module;
use crate::with_data_width;
use vfpga_hdl::partition::sim_rp::SimRp;
use vfpga_hdl::partition::Partition;
use vfpga_hdl::prc::icap_model::IcapModel;
use vfpga_hdl::prc::Prc;
use vfpga_hdl::rm::RmPort;
use vfpga_hdl::{FUNCTION_ID_BITS as FW, PARTITION_ID_BITS as PW};
use rust_hdl::prelude::{Atom, AtomKind, Block, Probe};

pub const PARTITION_TOP: &str = "vfpga_partition";
pub const PRC_TOP: &str = "vfpga_prc";
pub const SIM_RP_TOP: &str = "vfpga_rp_sim";
pub const ICAP_MODEL_TOP: &str = "vfpga_icap_model";
pub const ICAP_TOP: &str = "vfpga_icap";
pub const RPS_TOP: &str = "vfpga_rps";
pub const RPS_SIM_TOP: &str = "vfpga_rps_sim";

/// Stable module name of partition `i`'s black box (every RM of that
/// partition is synthesized under this name).
pub fn rp_module(i: usize) -> String {
    format!("vfpga_rp_p{i}")
}

pub fn partition_modules(cfg: &Config) -> Vec<Module> {
    let limit = cfg.drain_limit;
    let mut mods = with_data_width!(cfg, |DW, KW| emit_block(
        Partition::<DW, KW>::new(limit),
        PARTITION_TOP,
        "Partition wrapper: decoupler (drain, then isolate), RM reset, C2H output register.",
        cfg
    ));
    // The slices' tid (the RM interface carries no function) and the C2H
    // slice's tuser (the C2H stream has no cut flag).
    crate::design::waive_unused_signals(&mut mods, |n| n == PARTITION_TOP);
    mods
}

pub fn prc_modules(cfg: &Config) -> Vec<Module> {
    emit_block(
        Prc::new(cfg.partitions),
        PRC_TOP,
        "Partial-reconfiguration controller: LOAD -> decouple, stream the bitstream from host memory to the configuration port, verify acc_id, recouple.",
        cfg,
    )
}

pub fn sim_rp_modules(cfg: &Config) -> Vec<Module> {
    let mut mods = with_data_width!(cfg, |DW, KW| emit_rm_block(
        SimRp::<DW, KW>::default(),
        SIM_RP_TOP,
        "Simulation only: a reconfigurable partition holding every example RM behind a select.",
        cfg
    ));
    // Each example RM inside: its register slices' tid and tuser (the RM
    // interface carries no function, its output no cut flag), as in
    // `accel::rm_modules`.
    crate::design::waive_unused_signals(&mut mods, |n| n.starts_with(SIM_RP_TOP) && n != SIM_RP_TOP);
    mods
}

pub fn icap_model_modules(cfg: &Config) -> Vec<Module> {
    emit_block(
        IcapModel::with_accels(&cfg.partition_accels()),
        ICAP_MODEL_TOP,
        "Simulation only: behavioural configuration port for vfpga simulation bitstreams.",
        cfg,
    )
}

fn file_head(cfg: &Config, name: &str, doc: &str) -> String {
    let mut s = String::new();
    for line in header(cfg) {
        s.push_str(&format!("// {line}\n"));
    }
    s.push_str(&format!("//\n// {name}: {doc}\n\n`resetall\n`timescale 1ns / 1ps\n`default_nettype none\n\n"));
    s
}

/// A port: direction, width (1 = scalar), name.
type Port = (&'static str, usize, String);

fn range(w: usize) -> String {
    if w == 1 { String::new() } else { format!("[{}:0]", w - 1) }
}

fn port_list(ports: &[Port]) -> String {
    let rw = ports.iter().map(|p| range(p.1).len()).max().unwrap_or(0);
    let lines: Vec<String> = ports
        .iter()
        .map(|(d, w, n)| format!("    {:<6} wire {:<rw$} {n}", d, range(*w), rw = rw))
        .collect();
    lines.join(",\n")
}

fn instance(module: &str, name: &str, conns: &[(String, String)]) -> String {
    let w = conns.iter().map(|c| c.0.len()).max().unwrap_or(0);
    let lines: Vec<String> = conns.iter().map(|(p, s)| format!("        .{p:<w$}({s})")).collect();
    format!("    {module} {name} (\n{}\n    );\n", lines.join(",\n"))
}

/// The RM interface as (direction seen by the RM, width, name): the clock,
/// then the ports of the bundle `vfpga_hdl::rm::RmPort`, in its order and
/// under the names `emit_rm_block` gives them (without the field name), so
/// that the black boxes and wrappers cannot drift from the RMs.
fn rm_ports(cfg: &Config) -> Vec<Port> {
    let mut names = RmPortNames { path: Vec::new(), ports: vec![("input", 1, "clk".into())] };
    with_data_width!(cfg, |DW, KW| RmPort::<DW, KW>::default().accept("rm", &mut names));
    names.ports
}

/// Collects the ports of a bundle, named by their path below the bundle.
struct RmPortNames {
    path: Vec<String>,
    ports: Vec<Port>,
}

impl Probe for RmPortNames {
    fn visit_start_namespace(&mut self, name: &str, _node: &dyn Block) {
        self.path.push(name.to_string());
    }
    fn visit_end_namespace(&mut self, _name: &str, _node: &dyn Block) {
        self.path.pop();
    }
    fn visit_atom(&mut self, name: &str, signal: &dyn Atom) {
        let dir = match signal.kind() {
            AtomKind::InputParameter => "input",
            AtomKind::OutputParameter => "output",
            k => panic!("RM interface signal `{name}` is neither input nor output ({k:?})"),
        };
        let mut path: Vec<&str> = self.path.iter().skip(1).map(String::as_str).collect();
        path.push(name);
        self.ports.push((dir, signal.bits(), path.join("_")));
    }
}

/// The black box of partition `i` in the static design: the RM interface and
/// nothing inside. Vivado reads `black_box`, Yosys `blackbox`.
pub fn rp_blackbox(cfg: &Config, i: usize) -> Module {
    let name = rp_module(i);
    let mut s = file_head(
        cfg,
        &name,
        &format!("Reconfigurable partition {i}: a black box with the RM interface; its RMs are synthesized out of context under this name."),
    );
    s.push_str("// An empty module: its outputs are driven by the RM placed into it.\n");
    s.push_str("/* verilator lint_off UNDRIVEN */\n/* verilator lint_off UNUSEDSIGNAL */\n");
    s.push_str(&format!("(* black_box = \"yes\", blackbox *)\nmodule {name} (\n{}\n);\nendmodule // {name}\n", port_list(&rm_ports(cfg))));
    s.push_str("/* verilator lint_on UNUSEDSIGNAL */\n/* verilator lint_on UNDRIVEN */\n`resetall\n");
    Module { name, text: s }
}

/// RM `rm`'s wrapper named after partition `i`'s black box, for its
/// out-of-context synthesis in that partition.
pub fn rp_rm_wrapper(cfg: &Config, i: usize, rm: &str) -> Module {
    let name = rp_module(i);
    let ports = rm_ports(cfg);
    let mut s = file_head(cfg, &name, &format!("RM {rm} as the contents of partition {i} (out-of-context synthesis top)."));
    s.push_str(&format!("module {name} (\n{}\n);\n\n", port_list(&ports)));
    let conns: Vec<(String, String)> = ports.iter().map(|p| (p.2.clone(), p.2.clone())).collect();
    s.push_str(&instance(&super::accel::rm_top(rm), "rm", &conns));
    s.push_str(&format!("\nendmodule // {name}\n\n`resetall\n"));
    Module { name, text: s }
}

/// The ICAPE3 wrapper of the static design. Write-only use: RDWRB tied low,
/// CSIB = !valid (ICAP takes a word on every clock with CSIB low).
pub fn icap_module(cfg: &Config) -> Module {
    let mut s = file_head(cfg, ICAP_TOP, "Configuration port: the UltraScale(+) ICAPE3 primitive, written one word per cycle.");
    s.push_str(&format!(
        "module {ICAP_TOP} (\n    input  wire        clk,\n    input  wire        icap_valid,\n    input  wire [31:0] icap_data,\n    output wire        prdone,\n    output wire        prerror\n);\n\n"
    ));
    s.push_str("    // Readback (O) and AVAIL are not used: the prc only writes.\n");
    s.push_str("    /* verilator lint_off PINCONNECTEMPTY */\n");
    s.push_str("    ICAPE3 #(\n        .ICAP_AUTO_SWITCH(\"DISABLE\"),\n        .SIM_CFG_FILE_NAME(\"NONE\")\n    ) icap (\n");
    s.push_str("        .AVAIL(),\n        .O(),\n        .PRDONE(prdone),\n        .PRERROR(prerror),\n        .CLK(clk),\n        .CSIB(~icap_valid),\n        .I(icap_data),\n        .RDWRB(1'b0)\n    );\n");
    s.push_str("    /* verilator lint_on PINCONNECTEMPTY */\n");
    s.push_str(&format!("\nendmodule // {ICAP_TOP}\n\n`resetall\n"));
    Module { name: ICAP_TOP.into(), text: s }
}

/// The ports the subsystem top shares with the prc (same names).
fn prc_ports() -> Vec<Port> {
    let mut v: Vec<Port> = vec![
        ("input", 1, "s_reg_req_valid".into()),
        ("output", 1, "s_reg_req_ready".into()),
        ("input", 1, "s_reg_req_write".into()),
        ("input", FW, "s_reg_req_function".into()),
        ("input", vfpga_hdl::regbus::REG_ADDR_BITS, "s_reg_req_addr".into()),
        ("input", 32, "s_reg_req_wdata".into()),
        ("input", 4, "s_reg_req_wstrb".into()),
        ("output", 1, "s_reg_resp_valid".into()),
        ("output", 32, "s_reg_resp_rdata".into()),
        ("output", 1, "s_reg_resp_error".into()),
        ("input", 1, "s_load_valid".into()),
        ("output", 1, "s_load_ready".into()),
        ("input", PW, "s_load_partition".into()),
        ("input", 32, "s_load_acc_id".into()),
        ("output", 1, "m_load_done_valid".into()),
        ("output", PW, "m_load_done_partition".into()),
        ("output", 4, "m_load_done_status".into()),
    ];
    for (d, w, n) in [
        ("output", 64, "araddr"),
        ("output", 8, "arlen"),
        ("output", 3, "arsize"),
        ("output", 2, "arburst"),
        ("output", FW, "aruser"),
        ("output", 1, "arvalid"),
        ("input", 1, "arready"),
        ("input", 32, "rdata"),
        ("input", 2, "rresp"),
        ("input", 1, "rlast"),
        ("input", 1, "rvalid"),
        ("output", 1, "rready"),
    ] {
        v.push((d, w, format!("m_axi_prc_{n}")));
    }
    v
}

/// The subsystem top: static (`sim` false) or simulation.
pub fn rps_top(cfg: &Config, sim: bool) -> Module {
    let (dw, kw, np) = (cfg.data_width, cfg.data_width / 8, cfg.partitions);
    let name = if sim { RPS_SIM_TOP } else { RPS_TOP };
    let doc = if sim {
        "Simulation top of the reconfiguration subsystem: prc, partition wrappers, every RM behind a select per partition, configuration-port model."
    } else {
        "Reconfiguration subsystem of the static design: prc, a wrapper and a black-box RP per partition, ICAPE3."
    };
    let mut ports: Vec<Port> = vec![("input", 1, "clk".into()), ("input", 1, "rst".into())];
    ports.extend(prc_ports());
    for i in 0..np {
        for (d, w, n) in [
            ("input", dw, "tdata"),
            ("input", kw, "tkeep"),
            ("input", 1, "tvalid"),
            ("output", 1, "tready"),
            ("input", 1, "tlast"),
            ("input", 1, "tuser"),
        ] {
            ports.push((d, w, format!("s_axis_h2c_p{i}_{n}")));
        }
        for (d, w, n) in [
            ("output", dw, "tdata"),
            ("output", kw, "tkeep"),
            ("output", 1, "tvalid"),
            ("input", 1, "tready"),
            ("output", 1, "tlast"),
        ] {
            ports.push((d, w, format!("m_axis_c2h_p{i}_{n}")));
        }
        ports.push(("input", 8, format!("ctx_p{i}_addr")));
        ports.push(("input", 32, format!("ctx_p{i}_wdata")));
        ports.push(("input", 1, format!("ctx_p{i}_we")));
        ports.push(("output", 32, format!("ctx_p{i}_rdata")));
        ports.push(("output", 1, format!("decoupled_p{i}")));
        // The RM has no packet in flight (what a context switch waits for).
        ports.push(("output", 1, format!("idle_p{i}")));
        if sim {
            ports.push(("output", 3, format!("rm_select_p{i}")));
        }
    }
    let mut s = file_head(cfg, name, doc);
    // rust-hdl writes each block's combinational logic as one always block,
    // so Verilator sees a loop wherever a block's input and output meet
    // through another block (tvalid in, tready out), although no bit depends
    // on itself. Verilator settles such blocks by iteration; waived here only.
    s.push_str("/* verilator lint_off UNOPTFLAT */\n");
    s.push_str(&format!("module {name} (\n{}\n);\n\n", port_list(&ports)));
    // Wires between the blocks.
    let mut wires: Vec<Port> = vec![
        ("", 1, "icap_valid".into()),
        ("", 32, "icap_data".into()),
        ("", 1, "icap_prdone".into()),
        ("", 1, "icap_prerror".into()),
    ];
    for i in 0..np {
        for (w, n) in [
            (1, "decouple"),
            (1, "rm_reset"),
            (1, "forced"),
            (32, "acc_id"),
            (1, "rm_rst"),
            (dw, "rm_in_tdata"),
            (kw, "rm_in_tkeep"),
            (1, "rm_in_tvalid"),
            (1, "rm_in_tready"),
            (1, "rm_in_tlast"),
            (1, "rm_in_tuser"),
            (dw, "rm_out_tdata"),
            (kw, "rm_out_tkeep"),
            (1, "rm_out_tvalid"),
            (1, "rm_out_tready"),
            (1, "rm_out_tlast"),
            (8, "rm_ctx_addr"),
            (32, "rm_ctx_wdata"),
            (1, "rm_ctx_we"),
            (32, "rm_ctx_rdata"),
            (1, "rm_idle"),
            (1, "idle"),
            (32, "rm_acc_id"),
        ] {
            wires.push(("", w, format!("p{i}_{n}")));
        }
        if sim {
            wires.push(("", 3, format!("p{i}_select")));
        }
    }
    let rw = wires.iter().map(|p| range(p.1).len()).max().unwrap_or(0);
    for (_, w, n) in &wires {
        s.push_str(&format!("    wire {:<rw$} {n};\n", range(*w), rw = rw));
    }
    s.push('\n');

    let c = |p: &str, w: &str| (p.to_string(), w.to_string());
    let mut prc: Vec<(String, String)> = vec![c("clk", "clk"), c("rst", "rst")];
    for p in prc_ports() {
        prc.push((p.2.clone(), p.2.clone()));
    }
    prc.extend([
        c("m_icap_valid", "icap_valid"),
        c("m_icap_data", "icap_data"),
        c("icap_prdone", "icap_prdone"),
        c("icap_prerror", "icap_prerror"),
    ]);
    for i in 0..np {
        prc.push((format!("decouple_p{i}"), format!("p{i}_decouple")));
        prc.push((format!("rm_reset_p{i}"), format!("p{i}_rm_reset")));
        prc.push((format!("part_decoupled_p{i}"), format!("decoupled_p{i}")));
        prc.push((format!("part_forced_p{i}"), format!("p{i}_forced")));
        prc.push((format!("part_acc_id_p{i}"), format!("p{i}_acc_id")));
    }
    s.push_str(&instance(PRC_TOP, "prc", &prc));
    s.push('\n');

    if sim {
        let mut icap = vec![
            c("clk", "clk"),
            c("rst", "rst"),
            c("icap_valid", "icap_valid"),
            c("icap_data", "icap_data"),
            c("prdone", "icap_prdone"),
            c("prerror", "icap_prerror"),
        ];
        for i in 0..np {
            icap.push((format!("select_p{i}"), format!("p{i}_select")));
            icap.push((format!("rm_reset_p{i}"), format!("p{i}_rm_reset")));
        }
        s.push_str(&instance(ICAP_MODEL_TOP, "icap", &icap));
    } else {
        s.push_str(&instance(
            ICAP_TOP,
            "icap",
            &[
                c("clk", "clk"),
                c("icap_valid", "icap_valid"),
                c("icap_data", "icap_data"),
                c("prdone", "icap_prdone"),
                c("prerror", "icap_prerror"),
            ],
        ));
    }
    for i in 0..np {
        s.push('\n');
        let p = |n: &str| format!("p{i}_{n}");
        let mut part: Vec<(String, String)> = vec![
            c("clk", "clk"),
            c("rst", "rst"),
            ("decouple".into(), p("decouple")),
            ("rm_reset".into(), p("rm_reset")),
        ];
        for f in ["tdata", "tkeep", "tvalid", "tready", "tlast"] {
            part.push((format!("s_axis_h2c_{f}"), format!("s_axis_h2c_p{i}_{f}")));
            part.push((format!("m_axis_c2h_{f}"), format!("m_axis_c2h_p{i}_{f}")));
            part.push((format!("rm_s_axis_{f}"), p(&format!("rm_in_{f}"))));
            part.push((format!("rm_m_axis_{f}"), p(&format!("rm_out_{f}"))));
        }
        // The cut flag goes in only (the C2H stream has none).
        part.push(("s_axis_h2c_tuser".into(), format!("s_axis_h2c_p{i}_tuser")));
        part.push(("rm_s_axis_tuser".into(), p("rm_in_tuser")));
        for f in ["addr", "wdata", "we", "rdata"] {
            part.push((format!("s_ctx_{f}"), format!("ctx_p{i}_{f}")));
            part.push((format!("rm_ctx_{f}"), p(&format!("rm_ctx_{f}"))));
        }
        part.extend([
            ("status_decoupled".into(), format!("decoupled_p{i}")),
            ("status_forced".into(), p("forced")),
            ("status_acc_id".into(), p("acc_id")),
            ("rm_rst".into(), p("rm_rst")),
            ("rm_idle".into(), p("rm_idle")),
            ("rm_acc_id".into(), p("rm_acc_id")),
            ("status_idle".into(), p("idle")),
        ]);
        s.push_str(&instance(PARTITION_TOP, &format!("partition_p{i}"), &part));
        s.push_str(&format!("    assign idle_p{i} = p{i}_idle;\n"));
        s.push('\n');
        let mut rp: Vec<(String, String)> = vec![c("clk", "clk"), ("rst".into(), p("rm_rst"))];
        for f in ["tdata", "tkeep", "tvalid", "tready", "tlast"] {
            rp.push((format!("s_axis_{f}"), p(&format!("rm_in_{f}"))));
            rp.push((format!("m_axis_{f}"), p(&format!("rm_out_{f}"))));
        }
        rp.push(("s_axis_tuser".into(), p("rm_in_tuser")));
        for f in ["addr", "wdata", "we", "rdata"] {
            rp.push((format!("ctx_{f}"), p(&format!("rm_ctx_{f}"))));
        }
        rp.push(("idle".into(), p("rm_idle")));
        rp.push(("acc_id".into(), p("rm_acc_id")));
        if sim {
            rp.push(("select".into(), p("select")));
            s.push_str(&instance(SIM_RP_TOP, &format!("rp_p{i}"), &rp));
            s.push_str(&format!("    assign rm_select_p{i} = p{i}_select;\n"));
        } else {
            s.push_str(&instance(&rp_module(i), &format!("rp_p{i}"), &rp));
        }
    }
    s.push_str(&format!("\nendmodule // {name}\n\n/* verilator lint_on UNOPTFLAT */\n`resetall\n"));
    Module { name: name.into(), text: s }
}

/// `modules` (a design with the partitions as black boxes) with RM `rm` in
/// every partition instead: for a flow that needs the partitions filled
/// (place and route, an event-driven simulation of the whole chip).
pub fn fill_partitions(cfg: &Config, modules: Vec<Module>, rm: &str) -> Vec<Module> {
    let boxes: Vec<String> = (0..cfg.partitions).map(rp_module).collect();
    let mut out = super::accel::rm_modules(cfg, rm);
    out.extend((0..cfg.partitions).map(|i| rp_rm_wrapper(cfg, i, rm)));
    merge(&mut out, modules.into_iter().filter(|m| !boxes.contains(&m.name)).collect());
    out
}

/// Adds `more` to `into`, once per name; the same name with another text is a bug.
pub fn merge(into: &mut Vec<Module>, more: Vec<Module>) {
    for m in more {
        match into.iter().find(|x| x.name == m.name) {
            Some(x) => assert_eq!(x.text, m.text, "two different modules named {}", m.name),
            None => into.push(m),
        }
    }
}

/// Every module of the static subsystem, leaves first, `vfpga_rps` last.
pub fn rps_static_modules(cfg: &Config) -> Vec<Module> {
    let mut v = Vec::new();
    merge(&mut v, prc_modules(cfg));
    merge(&mut v, partition_modules(cfg));
    merge(&mut v, vec![icap_module(cfg)]);
    merge(&mut v, (0..cfg.partitions).map(|i| rp_blackbox(cfg, i)).collect());
    merge(&mut v, vec![rps_top(cfg, false)]);
    v
}

/// Every module of the simulation subsystem, leaves first, `vfpga_rps_sim` last.
pub fn rps_sim_modules(cfg: &Config) -> Vec<Module> {
    let mut v = Vec::new();
    merge(&mut v, prc_modules(cfg));
    merge(&mut v, partition_modules(cfg));
    merge(&mut v, sim_rp_modules(cfg));
    merge(&mut v, icap_model_modules(cfg));
    merge(&mut v, vec![rps_top(cfg, true)]);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (direction, width, name) of each port in a module's ANSI port list;
    /// the template's `DATA_WIDTH`/`KEEP_WIDTH` ranges read at `dw`.
    fn ports_of(text: &str, module: &str, dw: usize) -> Vec<(String, usize, String)> {
        let head = text.split(&format!("module {module} ")).nth(1).expect("the module");
        let list = &head[..head.find(");").expect("the end of the port list")];
        list.lines()
            .map(str::trim)
            .filter(|l| l.starts_with("input ") || l.starts_with("output "))
            .map(|l| {
                let words: Vec<&str> = l.split_whitespace().collect();
                let name = words.last().unwrap().trim_end_matches(',');
                let width = match words.iter().find(|w| w.starts_with('[')) {
                    None => 1,
                    Some(r) => match r.trim_matches(['[', ']']).trim_end_matches(":0") {
                        "DATA_WIDTH-1" => dw,
                        "KEEP_WIDTH-1" => dw / 8,
                        hi => hi.parse::<usize>().expect("a constant range") + 1,
                    },
                };
                (words[0].to_string(), width, name.to_string())
            })
            .collect()
    }

    fn expected(cfg: &Config) -> Vec<(String, usize, String)> {
        rm_ports(cfg).into_iter().map(|(d, w, n)| (d.to_string(), w, n)).collect()
    }

    #[test]
    fn the_rm_interface_is_the_bundles_in_every_rm_and_in_the_template() {
        let cfg = Config::default();
        let rm = expected(&cfg);
        assert_eq!(rm.len(), 19, "clk, rst, 6 + 5 stream, 4 context, idle, acc_id: {rm:?}");
        for name in ["passthrough", "crc32", "kxor", "chaos"] {
            let mods = super::super::accel::rm_modules(&cfg, name);
            let top = mods.last().unwrap();
            assert_eq!(ports_of(&top.text, &top.name, 64), rm, "{name}");
        }
        let sim = sim_rp_modules(&cfg);
        let mut with_select = rm.clone();
        with_select.push(("input".into(), 3, "select".into()));
        assert_eq!(ports_of(&sim.last().unwrap().text, SIM_RP_TOP, 64), with_select);
        for dw in [64, 128, 256, 512] {
            let cfg = Config { data_width: dw, ..Config::default() };
            let template = crate::flow::new_accel("demo", dw, 0x4445_4D4F);
            assert_eq!(ports_of(&template, "vfpga_rm_demo", dw), expected(&cfg), "template at {dw} bits");
            let bb = rp_blackbox(&cfg, 0);
            assert_eq!(ports_of(&bb.text, &bb.name, dw), expected(&cfg), "black box at {dw} bits");
        }
    }
}
