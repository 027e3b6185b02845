//! The Verilog testbench of the simulation shell (`sim/tb/`), for Icarus and
//! FuseSoC's `sim` target: it resets `vfpga_shell_sim` and checks the
//! identification header of the PF window and of VF windows through the BAR.
//! The testbench is `icarus_tb`'s (`templates/shell_tb.v`, also run on the
//! static shell by tests/icarus.rs); the reads and their expected words come
//! from the header's register description.

use vfpga_hdl::bar::regs::{
    blocks_mask, region, BAR_MAGIC, BAR_VERSION, HDR_BLOCKS, HDR_DATA_WIDTH, HDR_FUNCTION, HDR_FUNCTIONS, HDR_ID,
    HDR_NEXT, HDR_PARTITIONS, HDR_VERSION, REG_TIMEOUT,
};
use vfpga_hdl::regmap::WINDOW_SIZE;
use vfpga_hdl::FUNCTION_ID_BITS;

use crate::config::Config;
use crate::emit::Module;
use crate::icarus_tb::{shell_testbench, TbAccess};

/// Where the testbench goes in the tree, and its module.
pub const TB_PATH: &str = "sim/tb/vfpga_shell_sim_tb.v";
pub const TB_TOP: &str = "vfpga_shell_sim_tb";

/// The reads of the testbench: the whole header of the PF window, the ID,
/// FUNCTION and BLOCKS of VF 1 and of the last VF, and the function after
/// the last VF, which the BAR refuses.
fn checks(cfg: &Config) -> Vec<TbAccess> {
    let read = |function: usize, offset: u32, resp: u8, data: u32, what: String| TbAccess {
        what,
        write: false,
        addr: u64::from(function as u32 * WINDOW_SIZE + offset),
        wdata: 0,
        resp,
        rdata: Some(data),
    };
    let ok = |function, offset, data, what| read(function, offset, 0, data, what);
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
    // functions: the one after the last VF is always addressable. The data
    // of an SLVERR read is not checked (AXI leaves it undefined).
    let beyond = cfg.functions();
    assert!(beyond < 1 << FUNCTION_ID_BITS);
    v.push(TbAccess { rdata: None, ..read(beyond, HDR_ID, 2, 0, format!("function {beyond} (none)")) });
    v
}

/// The testbench of `sim_top` (the simulation shell, top module last of the
/// simulation modules): the plain-Verilog BAR testbench of `icarus_tb`
/// making the reads of `checks`. Each read may take twice the BAR's own
/// timeout (after which it answers SLVERR itself).
pub fn shell_tb(cfg: &Config, sim_top: &Module) -> String {
    shell_testbench(sim_top, TB_TOP, &checks(cfg), 2 * REG_TIMEOUT).expect("the simulation shell's testbench renders")
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
        assert_eq!((pf_id.addr, pf_id.resp, pf_id.rdata), (0, 0, Some(0x7666_7067)));
        let last = cfg.vfs as u64;
        assert!(c.iter().any(|x| x.addr == last * 0x1000 + 8 && x.rdata == Some(last as u32)));
        let refused = c.last().unwrap();
        assert_eq!((refused.resp, refused.addr), (2, cfg.functions() as u64 * 0x1000));
        let big = Config { vfs: 1024, ..Config::default() };
        assert_eq!(checks(&big).last().unwrap().addr, 0x401000);
    }
}
