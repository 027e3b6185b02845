//! Emits the shell: the top that instantiates `bar`, `dma`, `switch`, `ctx`,
//! `mgr` and the reconfiguration subsystem (`prc` and the partitions) for a
//! configuration, and wires them by the contracts of `hdl/README.md`.
//!
//! The top is glue only (instances and wires), written as text from the
//! blocks' own port lists: every port of every block is connected by a rule
//! below, and the netlist is checked before it is written (one driver per
//! wire, equal widths, every wire read), so a block whose ports change breaks
//! generation, not the flow.
//!
//! The DMA reads on two masters (data and descriptors); `rdmerge` puts them
//! on the shell's one host read port, `m_axi_host_ar*`/`r*`.
//!
//! Two tops: `vfpga_shell` (static design, `rtl/`, partitions as black boxes)
//! and `vfpga_shell_sim` (`sim/`, every RM behind a select, the
//! configuration-port model). The manager's LOAD port drives the prc's
//! (`load_*`) and the prc's ends of LOADs come back to it (`load_done_*`).
//! Sharing: the manager tells the scheduler (`sched`) of tenants
//! (`event_*`) and `ctx` of VFs to clear (`clear_*`); the scheduler opens
//! and closes the DMA's H2C gates (`gate_*`, `gate_closed_*`, `waiting_*`),
//! drives `ctx`'s operations (`op_*`, `op_done_*`) and sets the owners that
//! the switch tags C2H packets with and the manager reports (`owner_*`).
//! Function-level resets: the shell's `flr_*` request port and `flr_done_*`
//! answers are the manager's, which also reads the DMA's host bus
//! (`m_axi_host_*`, the shell's outputs) for the FLR's drain.

use std::collections::BTreeMap;

use crate::blocks::{bar, ctx, dma, mgr, rdmerge, rp, sched, switch};
use crate::config::Config;
use crate::design::header;
use crate::emit::Module;
use vfpga_sim::{parse_ports, Dir};

pub const SHELL_TOP: &str = "vfpga_shell";
pub const SHELL_SIM_TOP: &str = "vfpga_shell_sim";

/// How one port of one instance is connected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Rule {
    /// A port of the shell, under this name.
    External(String),
    /// A wire between blocks.
    Net(String),
    /// An output nobody reads (kept on a wire named `unused_*`).
    Unused,
}

pub(crate) fn net(s: impl Into<String>) -> Rule {
    Rule::Net(s.into())
}

/// The rule for port `p` of instance `inst`.
fn rule(inst: &str, p: &str) -> Rule {
    if p == "clk" || p == "rst" {
        return Rule::External(p.into());
    }
    let strip = |prefix: &str| p.strip_prefix(prefix);
    match inst {
        "bar" => match strip("m_reg_") {
            Some(rest) => net(format!("reg_{rest}")),
            None => Rule::External(p.into()),
        },
        "dma" => {
            if let Some(x) = strip("s_reg_") {
                net(format!("reg_dma_{x}"))
            } else if let Some(x) = strip("m_axis_h2c_") {
                net(format!("h2c_{x}"))
            } else if let Some(x) = strip("s_axis_c2h_") {
                net(format!("c2h_{x}"))
            } else if let Some(x) = strip("s_qos_") {
                net(format!("qos_{x}"))
            } else if let Some(x) = strip("s_fnctl_") {
                net(format!("fnctl_{x}"))
            } else if let Some(x) = strip("s_gate_") {
                net(format!("gate_{x}"))
            } else if p == "m_gate_closed_function" {
                Rule::Unused // answers come in order: the scheduler counts them
            } else if let Some(x) = strip("m_gate_closed_") {
                net(format!("gate_closed_{x}"))
            } else if let Some(x) = strip("m_waiting_") {
                net(format!("waiting_{x}"))
            } else if let Some(x) = strip("m_axi_host_").filter(|x| x.starts_with("ar") || x.starts_with('r')) {
                net(format!("dma_rd_{x}")) // the data reads, to the read merge
            } else if let Some(x) = strip("m_axi_desc_") {
                net(format!("desc_rd_{x}")) // the descriptor reads, to the read merge
            } else {
                Rule::External(p.into()) // m_axi_host_aw*, w*, b*, irq_*
            }
        }
        // The DMA's two read masters onto the shell's one host read port.
        "rdmerge" => {
            if let Some(x) = strip("s_axi_data_") {
                net(format!("dma_rd_{x}"))
            } else if let Some(x) = strip("s_axi_desc_") {
                net(format!("desc_rd_{x}"))
            } else if let Some(x) = strip("m_axi_") {
                Rule::External(format!("m_axi_host_{x}"))
            } else {
                panic!("rdmerge port {p} has no wiring rule")
            }
        }
        "switch" => {
            if let Some(x) = strip("s_axis_h2c_") {
                net(format!("h2c_{x}"))
            } else if let Some(x) = strip("m_axis_c2h_") {
                net(format!("c2h_{x}"))
            } else if let Some(x) = strip("m_axis_h2c_") {
                // Accelerators see packets, not functions: tid stays here.
                // tuser (the DMA cut the packet) goes on to the RM.
                if x.ends_with("_tid") { Rule::Unused } else { net(format!("part_h2c_{x}")) }
            } else if let Some(x) = strip("s_axis_c2h_") {
                net(format!("part_c2h_{x}"))
            } else if let Some(x) = strip("s_route_") {
                net(format!("route_{x}"))
            } else if let Some(x) = strip("s_owner_") {
                net(format!("owner_{x}"))
            } else {
                Rule::External(format!("switch_{p}")) // cfg_error, drop_count
            }
        }
        "mgr" => {
            if let Some(x) = strip("s_reg_") {
                net(format!("reg_mgr_{x}"))
            } else if let Some(x) = strip("s_host_") {
                // The DMA's host bus, observed (the FLR's drain): read only.
                Rule::External(format!("m_axi_host_{x}"))
            } else if let Some(x) = strip("s_flr_") {
                Rule::External(format!("flr_{x}")) // function-level resets, from the chip top
            } else if let Some(x) = strip("m_flr_done_") {
                Rule::External(format!("flr_done_{x}"))
            } else if let Some(x) = strip("m_") {
                net(x.to_string()) // route_*, owner_*, qos_*, fnctl_*, load_*
            } else if let Some(x) = strip("s_load_done_") {
                net(format!("load_done_{x}"))
            } else if let Some(x) = strip("s_owner_") {
                net(format!("owner_{x}"))
            } else {
                Rule::External(format!("mgr_{p}"))
            }
        }
        "sched" => {
            if let Some(x) = strip("s_reg_") {
                net(format!("reg_sched_{x}"))
            } else if let Some(x) = strip("s_event_") {
                net(format!("event_{x}"))
            } else if let Some(x) = strip("s_gate_closed_") {
                net(format!("gate_closed_{x}"))
            } else if let Some(x) = strip("m_gate_") {
                net(format!("gate_{x}"))
            } else if let Some(x) = strip("s_waiting_") {
                net(format!("waiting_{x}"))
            } else if let Some(x) = strip("m_op_") {
                net(format!("op_{x}"))
            } else if let Some(x) = strip("s_op_done_") {
                net(format!("op_done_{x}"))
            } else if let Some(x) = strip("m_owner_") {
                net(format!("owner_{x}"))
            } else {
                panic!("sched port {p} has no wiring rule")
            }
        }
        "ctx" => {
            if let Some(x) = strip("s_reg_") {
                net(format!("reg_ctx_{x}"))
            } else if let Some(x) = strip("s_op_") {
                net(format!("op_{x}"))
            } else if p == "m_op_done_error" {
                Rule::Unused // the scheduler names only partitions and functions that exist
            } else if let Some(x) = strip("m_op_done_") {
                net(format!("op_done_{x}"))
            } else if let Some(x) = strip("s_clear_") {
                net(format!("clear_{x}"))
            } else if let Some(x) = strip("m_ctx_") {
                // m_ctx_p<i>_<f>: the context port of partition i.
                let (part, f) = x.split_once('_').expect("m_ctx_p<i>_<field>");
                if f == "idle" { net(format!("idle_{part}")) } else { net(format!("ctx_{part}_{f}")) }
            } else {
                Rule::Unused // busy
            }
        }
        "rps" => {
            if let Some(x) = strip("s_reg_") {
                net(format!("reg_prc_{x}"))
            } else if let Some(x) = strip("s_load_") {
                net(format!("load_{x}")) // LOAD requests from the mgr
            } else if let Some(x) = strip("m_load_done_") {
                net(format!("load_done_{x}")) // their ends, to the mgr
            } else if let Some(x) = strip("s_axis_h2c_") {
                net(format!("part_h2c_{x}"))
            } else if let Some(x) = strip("m_axis_c2h_") {
                net(format!("part_c2h_{x}"))
            } else if p.starts_with("ctx_") || p.starts_with("idle_") {
                net(p.to_string())
            } else {
                Rule::External(p.into()) // m_axi_prc_*, decoupled_p<i>, rm_select_p<i>
            }
        }
        _ => panic!("no wiring rules for instance {inst}"),
    }
}

/// Adds `more` to `into`, once per name (same name, same text).
fn merge(into: &mut Vec<Module>, more: Vec<Module>) {
    rp::merge(into, more)
}

/// Every module of the shell, leaves first, the shell top last.
pub fn shell_modules(cfg: &Config, sim: bool) -> Vec<Module> {
    let rps = if sim { rp::rps_sim_modules(cfg) } else { rp::rps_static_modules(cfg) };
    let blocks: Vec<(&str, Vec<Module>)> = vec![
        ("bar", bar::bar_modules(cfg)),
        ("dma", dma::dma_modules(cfg)),
        ("rdmerge", rdmerge::read_merge_modules(cfg)),
        ("switch", switch::switch_modules(cfg)),
        ("ctx", ctx::ctx_modules(cfg)),
        ("mgr", mgr::mgr_modules(cfg)),
        ("sched", sched::sched_modules(cfg)),
        ("rps", rps),
    ];
    let mut all = Vec::new();
    let mut insts = Vec::new();
    for (inst, mods) in blocks {
        let top = mods.last().expect("a block has a top").clone();
        merge(&mut all, mods);
        insts.push((inst, top));
    }
    let name = if sim { SHELL_SIM_TOP } else { SHELL_TOP };
    let what = if sim {
        "simulation top of the shell (every example RM behind a select in each partition, configuration-port model)"
    } else {
        "the shell: BAR decoder, SR-IOV DMA, switch, context manager, command engine, reconfiguration controller and partitions"
    };
    all.push(glue_top(cfg, name, what, &insts, rule));
    all
}

struct Wire {
    width: u32,
    drivers: Vec<String>,
    readers: usize,
}

fn range(w: u32) -> String {
    if w == 1 { String::new() } else { format!("[{}:0]", w - 1) }
}

/// A top of instances and wires only: `insts` (instance name, module) wired
/// by `rule` (instance, port) -> how that port is connected; the netlist is
/// checked (one driver per wire, equal widths, every wire read) before it is
/// written. `what` says what the top is (its header comment).
pub(crate) fn glue_top(cfg: &Config, name: &str, what: &str, insts: &[(&str, Module)], rule: impl Fn(&str, &str) -> Rule) -> Module {
    let mut externals: Vec<(Dir, u32, String)> = Vec::new();
    let mut wires: BTreeMap<String, Wire> = BTreeMap::new();
    let mut instances = String::new();
    for (inst, top) in insts {
        let ports = parse_ports(&top.text, &top.name).unwrap_or_else(|e| panic!("ports of {}: {e}", top.name));
        let mut conns = Vec::new();
        for p in &ports {
            let target = match rule(inst, &p.name) {
                Rule::External(ext) => {
                    // An input of the top read by several instances, or an
                    // output of one instance that others read too: one driver.
                    match externals.iter_mut().find(|e| e.2 == ext) {
                        Some(e) => {
                            assert!(
                                (e.0 == Dir::In || p.dir == Dir::In) && e.1 == p.width,
                                "shell port {ext} would be driven twice or with two widths"
                            );
                            if p.dir == Dir::Out {
                                e.0 = Dir::Out;
                            }
                        }
                        None => externals.push((p.dir, p.width, ext.clone())),
                    }
                    ext
                }
                Rule::Net(n) => {
                    let w = wires.entry(n.clone()).or_insert(Wire { width: p.width, drivers: vec![], readers: 0 });
                    assert_eq!(w.width, p.width, "wire {n}: {inst}.{} is {} bits, others {}", p.name, p.width, w.width);
                    match p.dir {
                        Dir::Out => w.drivers.push(format!("{inst}.{}", p.name)),
                        Dir::In => w.readers += 1,
                    }
                    n
                }
                Rule::Unused => {
                    assert_eq!(p.dir, Dir::Out, "{inst}.{} is an input: it must be driven", p.name);
                    let n = format!("unused_{inst}_{}", p.name);
                    wires.insert(n.clone(), Wire { width: p.width, drivers: vec![format!("{inst}.{}", p.name)], readers: 1 });
                    n
                }
            };
            conns.push((p.name.clone(), target));
        }
        let w = conns.iter().map(|c| c.0.len()).max().unwrap_or(0);
        let lines: Vec<String> = conns.iter().map(|(p, t)| format!("        .{p:<w$}({t})")).collect();
        instances.push_str(&format!("    {} {inst} (\n{}\n    );\n\n", top.name, lines.join(",\n")));
    }
    for (n, w) in &wires {
        assert!(w.drivers.len() == 1, "wire {n} has drivers {:?}", w.drivers);
        assert!(w.readers > 0, "wire {n} (from {}) is read by nobody", w.drivers[0]);
    }

    let mut s = String::new();
    for line in header(cfg) {
        s.push_str(&format!("// {line}\n"));
    }
    s.push_str(&format!("//\n// {name}: {what}.\n\n`resetall\n`timescale 1ns / 1ps\n`default_nettype none\n\n"));
    // rust-hdl writes each block's combinational logic as one always block,
    // so Verilator sees a loop wherever a block's input and output meet
    // through another block (tvalid in, tready out) although no bit depends
    // on itself; it settles them by iteration. Waived here only.
    s.push_str("/* verilator lint_off UNOPTFLAT */\n");
    let rw = externals.iter().map(|e| range(e.1).len()).max().unwrap_or(0);
    let ports: Vec<String> = externals
        .iter()
        .map(|(d, w, n)| format!("    {:<6} wire {:<rw$} {n}", if *d == Dir::In { "input" } else { "output" }, range(*w)))
        .collect();
    s.push_str(&format!("module {name} (\n{}\n);\n\n", ports.join(",\n")));
    let rw = wires.values().map(|w| range(w.width).len()).max().unwrap_or(0);
    for (n, w) in &wires {
        s.push_str(&format!("    wire {:<rw$} {n};\n", range(w.width)));
    }
    s.push('\n');
    s.push_str(&instances);
    s.push_str(&format!("endmodule // {name}\n\n/* verilator lint_on UNOPTFLAT */\n`resetall\n"));
    Module { name: name.into(), text: s }
}
