//! A plain-Verilog testbench of the static shell (`vfpga_shell`) for
//! event-driven simulators (Icarus): register accesses through the BAR, each
//! checked against an expected answer, with a time limit in cycles per access
//! (`templates/shell_tb.v`). Verilator's cycle-based model cannot show
//! zero-delay loops between blocks; an event-driven simulator hangs on them,
//! which this testbench makes visible (run it under a wall-clock limit).

use askama::Template;
use vfpga_sim::{parse_ports, Dir};

use crate::emit::Module;
use crate::output;

/// The testbench's top module.
pub const TB_TOP: &str = "vfpga_shell_tb";
/// Prefix of the BAR's AXI4-Lite slave ports.
const BAR: &str = "s_axil_bar";

/// One access and the answer it must get.
#[derive(Debug, Clone)]
pub struct TbAccess {
    /// Printed with the result.
    pub what: String,
    pub write: bool,
    /// BAR address: function * 0x1000 + offset.
    pub addr: u64,
    pub wdata: u32,
    /// AXI response: 0 OKAY, 2 SLVERR.
    pub resp: u8,
    /// Read data to compare, if any.
    pub rdata: Option<u32>,
}

struct PortDecl {
    name: String,
    msb: u32,
    width: u32,
    tie: u8,
}

struct Line {
    what: String,
    write: u8,
    addr: String,
    wdata: String,
    resp: u8,
    check_data: bool,
    rdata: String,
}

#[derive(Template)]
#[template(path = "shell_tb.v", config = "gen/templates/askama.toml", escape = "none")]
struct ShellTb<'a> {
    module: &'a str,
    dut: &'a str,
    generator: String,
    bar: &'a str,
    timeout: u32,
    addr_width: u32,
    addr_msb: u32,
    inputs: Vec<PortDecl>,
    outputs: Vec<PortDecl>,
    accesses: Vec<Line>,
}

/// The testbench of `shell` (the emitted top module) making `accesses` in
/// order; each may take `timeout` cycles. Inputs other than the BAR's are
/// tied: `*ready` high, everything else low.
pub fn shell_testbench(shell: &Module, module: &str, accesses: &[TbAccess], timeout: u32) -> Result<String, String> {
    let ports = parse_ports(&shell.text, &shell.name).map_err(|e| e.to_string())?;
    let decl = |p: &vfpga_sim::Port| PortDecl {
        name: p.name.clone(),
        msb: p.width - 1,
        width: p.width,
        tie: u8::from(!p.name.starts_with(BAR) && p.name.ends_with("ready")),
    };
    let body = |p: &&vfpga_sim::Port| p.name != "clk" && p.name != "rst";
    let inputs: Vec<PortDecl> = ports.iter().filter(body).filter(|p| p.dir == Dir::In).map(decl).collect();
    let outputs: Vec<PortDecl> = ports.iter().filter(body).filter(|p| p.dir == Dir::Out).map(decl).collect();
    let addr_width = ports
        .iter()
        .find(|p| p.name == format!("{BAR}_araddr"))
        .ok_or_else(|| format!("{} has no {BAR}_araddr port", shell.name))?
        .width;
    let accesses = accesses
        .iter()
        .map(|a| Line {
            what: a.what.replace('"', "'"),
            write: u8::from(a.write),
            addr: format!("{:x}", a.addr),
            wdata: format!("{:08x}", a.wdata),
            resp: a.resp,
            check_data: a.rdata.is_some(),
            rdata: format!("{:08x}", a.rdata.unwrap_or(0)),
        })
        .collect();
    let mut s = ShellTb {
        module,
        dut: &shell.name,
        generator: output::generator(),
        bar: BAR,
        timeout,
        addr_width,
        addr_msb: addr_width - 1,
        inputs,
        outputs,
        accesses,
    }
    .render()
    .map_err(|e| format!("testbench template: {e}"))?;
    s.push('\n');
    Ok(s)
}
