//! The Verilog testbench of the simulation shell (`sim/tb/`), for Icarus and
//! FuseSoC's `sim` target: it resets `vfpga_shell_sim` and checks the
//! identification header of the PF window and of VF windows through the BAR.
//! Rendered from `templates/shell_sim_tb.v`; the shell's ports come from its
//! emitted text, the expected words from the header's register description.

use askama::Template;
use vfpga_hdl::bar::regs::{
    blocks_mask, region, BAR_MAGIC, BAR_VERSION, HDR_BLOCKS, HDR_DATA_WIDTH, HDR_FUNCTION, HDR_FUNCTIONS, HDR_ID,
    HDR_NEXT, HDR_PARTITIONS, HDR_VERSION, REG_TIMEOUT,
};
use vfpga_hdl::regmap::WINDOW_SIZE;
use vfpga_hdl::FUNCTION_ID_BITS;
use vfpga_sim::{parse_ports, Dir};

use crate::config::Config;
use crate::emit::Module;
use crate::output;

/// Where the testbench goes in the tree, and its module.
pub const TB_PATH: &str = "sim/tb/vfpga_shell_sim_tb.v";
pub const TB_TOP: &str = "vfpga_shell_sim_tb";

/// The ports the testbench drives itself; every other input stays 0.
const CLOCK_RESET: [&str; 2] = ["clk", "rst"];

struct PortView {
    name: String,
    /// `[w-1:0] ` or empty.
    range: String,
    width: u32,
}

/// One read: address and expected response, as hex digits for the template.
struct CheckView {
    addr: String,
    resp: u8,
    data: String,
    what: String,
}

#[derive(Template)]
#[template(path = "shell_sim_tb.v", config = "gen/templates/askama.toml", escape = "none")]
struct ShellTb<'a> {
    generator: String,
    name: &'a str,
    partitions: usize,
    vfs: usize,
    data_width: usize,
    dut: &'a str,
    top: &'a str,
    path: &'a str,
    inputs: Vec<PortView>,
    outputs: Vec<PortView>,
    ports: Vec<String>,
    reg_timeout: u32,
    limit: u32,
    checks: Vec<CheckView>,
}

/// The reads of the testbench: the whole header of the PF window, the ID,
/// FUNCTION and BLOCKS of VF 1 and of the last VF, and the function after
/// the last VF, which the BAR refuses.
fn checks(cfg: &Config) -> Vec<CheckView> {
    let ok = |function: usize, offset: u32, data: u32, what: String| CheckView {
        addr: format!("{:06x}", function as u32 * WINDOW_SIZE + offset),
        resp: 0,
        data: format!("{data:08x}"),
        what,
    };
    let mut v = vec![
        ok(0, HDR_ID, BAR_MAGIC, "PF ID".into()),
        ok(0, HDR_VERSION, BAR_VERSION, "PF VERSION".into()),
        ok(0, HDR_FUNCTION, 0, "PF FUNCTION".into()),
        ok(0, HDR_FUNCTIONS, cfg.functions() as u32, "PF FUNCTIONS".into()),
        ok(0, HDR_PARTITIONS, cfg.partitions as u32, "PF PARTITIONS".into()),
        ok(0, HDR_DATA_WIDTH, cfg.data_width as u32, "PF DATA_WIDTH".into()),
        ok(0, HDR_BLOCKS, blocks_mask(true), "PF BLOCKS".into()),
        ok(0, HDR_NEXT, region("dma").base, "PF NEXT".into()),
    ];
    let mut vfs = vec![1, cfg.vfs];
    vfs.dedup();
    for f in vfs {
        v.push(ok(f, HDR_ID, BAR_MAGIC, format!("VF {f} ID")));
        v.push(ok(f, HDR_FUNCTION, f as u32, format!("VF {f} FUNCTION")));
        v.push(ok(f, HDR_BLOCKS, blocks_mask(false), format!("VF {f} BLOCKS")));
    }
    // Function numbers are 11 bits wide and a design has at most 1025
    // functions: the one after the last VF is always addressable.
    let beyond = cfg.functions();
    assert!(beyond < 1 << FUNCTION_ID_BITS);
    v.push(CheckView {
        addr: format!("{:06x}", beyond as u32 * WINDOW_SIZE + HDR_ID),
        resp: 2,
        data: "00000000".into(),
        what: format!("function {beyond} (none)"),
    });
    v
}

/// The testbench of `sim_top` (the simulation shell, top module last of the
/// simulation modules).
pub fn shell_tb(cfg: &Config, sim_top: &Module) -> String {
    let ports = parse_ports(&sim_top.text, &sim_top.name).expect("the emitted shell's ports parse");
    let view = |p: &vfpga_sim::Port| PortView {
        name: p.name.clone(),
        range: if p.width > 1 { format!("[{}:0] ", p.width - 1) } else { String::new() },
        width: p.width,
    };
    let mut s = ShellTb {
        generator: output::generator(),
        name: &cfg.name,
        partitions: cfg.partitions,
        vfs: cfg.vfs,
        data_width: cfg.data_width,
        dut: &sim_top.name,
        top: TB_TOP,
        path: TB_PATH,
        inputs: ports.iter().filter(|p| p.dir == Dir::In && !CLOCK_RESET.contains(&p.name.as_str())).map(view).collect(),
        outputs: ports.iter().filter(|p| p.dir == Dir::Out).map(view).collect(),
        ports: ports.iter().map(|p| p.name.clone()).collect(),
        reg_timeout: REG_TIMEOUT,
        limit: 4 * REG_TIMEOUT,
        checks: checks(cfg),
    }
    .render()
    .expect("the testbench template renders");
    s.push('\n');
    s
}

/// The system tasks the testbench calls: the only `$` of a generated tree
/// (tests check that nothing else has one).
pub const SYSTEM_TASKS: [&str; 3] = ["$display(", "$fatal(", "$finish;"];

/// `text` without the testbench's system-task calls.
pub fn strip_system_tasks(text: &str) -> String {
    SYSTEM_TASKS.iter().fold(text.to_string(), |t, task| t.replace(task, ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_tasks_are_the_only_dollar_of_the_testbench() {
        let cfg = Config::default();
        let sim = crate::blocks::shell::shell_modules(&cfg, true);
        let tb = shell_tb(&cfg, sim.last().unwrap());
        assert!(tb.contains("$fatal(") && !strip_system_tasks(&tb).contains('$'), "{tb}");
    }

    #[test]
    fn checks_cover_the_pf_header_the_vfs_and_a_missing_function() {
        let cfg = Config::default();
        let c = checks(&cfg);
        let pf_id = &c[0];
        assert_eq!((pf_id.addr.as_str(), pf_id.resp, pf_id.data.as_str()), ("000000", 0, "76667067"));
        let last = cfg.vfs;
        assert!(c.iter().any(|x| x.addr == format!("{:06x}", last * 0x1000 + 8) && x.data == format!("{last:08x}")));
        let refused = c.last().unwrap();
        assert_eq!((refused.resp, refused.addr.clone()), (2, format!("{:06x}", cfg.functions() * 0x1000)));
        let big = Config { vfs: 1024, ..Config::default() };
        assert_eq!(checks(&big).last().unwrap().addr, "401000");
    }
}
