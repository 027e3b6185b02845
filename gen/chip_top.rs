//! The chip top, `vfpga_top`: what Vivado implements, at every data width
//! (the hard block's user interface is 256 bits below 512, see
//! `blocks::pcie::user_width`) and up to 252 VFs. Its ports are the board's PCIe
//! pins (reference clock, PERST#, the lanes); inside, the reference clock
//! buffer (IBUFDS_GTE4), the UltraScale+ PCIe hard block (`pcie4_uscale_plus`,
//! created by the flow's Tcl as [`PCIE_IP`]), the function-level resets the
//! hard block signals (PF0's and the VFs' handed one at a time to the
//! shell's `flr_*` port, answered with its done; PF1-3's at once), and
//! `vfpga_shell_pcie` on the hard block's user clock and reset.
//!
//! The hard block's ports the top connects are one list ([`ip_ports`]):
//! the instance is written from it and so is the IP's stand-in in `lint/`
//! (the vendor's IP exists only once Vivado has generated it), so the two
//! cannot disagree.

use askama::Template;

use crate::blocks::pcie::PCIE_TOP;
use crate::blocks::shell_pcie::SHELL_PCIE_TOP;
use crate::config::Config;
use crate::design::header;
use crate::emit::Module;
use crate::output;
use vfpga_hdl::pcie::tuser_widths;
use vfpga_sim::{parse_ports, Dir};

pub const CHIP_TOP: &str = "vfpga_top";
/// Module name of the PCIe IP (`create_ip -module_name` in the flow's Tcl).
pub const PCIE_IP: &str = "vfpga_pcie_ip";
/// The stand-ins of `lint/` for the chip top (named after their modules).
pub const IBUFDS_GTE4_PATH: &str = "lint/IBUFDS_GTE4.v";
pub const PCIE_IP_STUB_PATH: &str = "lint/vfpga_pcie_ip.v";

/// Lanes of the link: Gen3 x8 at 256 bits, Gen3 x16 at 512.
pub fn lanes(cfg: &Config) -> usize {
    if cfg.data_width == 512 { 16 } else { 8 }
}

/// One port of the hard block that the top connects (PG213 names and widths).
pub struct IpPort {
    pub input: bool,
    pub width: usize,
    pub name: String,
    /// What it connects to in `vfpga_top`.
    pub conn: String,
}

impl IpPort {
    pub fn range(&self) -> String {
        if self.width == 1 { String::new() } else { format!("[{}:0]", self.width - 1) }
    }
}

/// The hard block's ports, as `vfpga_top` connects them.
pub fn ip_ports(cfg: &Config) -> Vec<IpPort> {
    let dw = crate::blocks::pcie::user_width(cfg.data_width);
    let nk = dw / 32;
    let (cqu, ccu, rqu, rcu) = tuser_widths(dw);
    let l = lanes(cfg);
    let mut v = Vec::new();
    let mut p = |input: bool, width: usize, name: &str, conn: &str| {
        v.push(IpPort { input, width, name: name.into(), conn: conn.into() })
    };
    p(false, l, "pci_exp_txn", "pci_exp_txn");
    p(false, l, "pci_exp_txp", "pci_exp_txp");
    p(true, l, "pci_exp_rxn", "pci_exp_rxn");
    p(true, l, "pci_exp_rxp", "pci_exp_rxp");
    p(true, 1, "sys_clk", "sys_clk");
    p(true, 1, "sys_clk_gt", "sys_clk_gt");
    p(true, 1, "sys_reset", "pcie_perst_n");
    p(false, 1, "user_clk", "user_clk");
    p(false, 1, "user_reset", "user_reset");
    p(false, 1, "user_lnk_up", "user_lnk_up");
    // Requester requests in, completions out; completer requests out, completions in.
    p(true, dw, "s_axis_rq_tdata", "rq_tdata");
    p(true, nk, "s_axis_rq_tkeep", "rq_tkeep");
    p(true, 1, "s_axis_rq_tlast", "rq_tlast");
    p(true, rqu, "s_axis_rq_tuser", "rq_tuser");
    p(true, 1, "s_axis_rq_tvalid", "rq_tvalid");
    p(false, 4, "s_axis_rq_tready", "rq_tready");
    p(false, dw, "m_axis_rc_tdata", "rc_tdata");
    p(false, nk, "m_axis_rc_tkeep", "rc_tkeep");
    p(false, 1, "m_axis_rc_tlast", "rc_tlast");
    p(false, rcu, "m_axis_rc_tuser", "rc_tuser");
    p(false, 1, "m_axis_rc_tvalid", "rc_tvalid");
    p(true, 1, "m_axis_rc_tready", "rc_tready");
    p(false, dw, "m_axis_cq_tdata", "cq_tdata");
    p(false, nk, "m_axis_cq_tkeep", "cq_tkeep");
    p(false, 1, "m_axis_cq_tlast", "cq_tlast");
    p(false, cqu, "m_axis_cq_tuser", "cq_tuser");
    p(false, 1, "m_axis_cq_tvalid", "cq_tvalid");
    p(true, 1, "m_axis_cq_tready", "cq_tready");
    p(true, dw, "s_axis_cc_tdata", "cc_tdata");
    p(true, nk, "s_axis_cc_tkeep", "cc_tkeep");
    p(true, 1, "s_axis_cc_tlast", "cc_tlast");
    p(true, ccu, "s_axis_cc_tuser", "cc_tuser");
    p(true, 1, "s_axis_cc_tvalid", "cc_tvalid");
    p(false, 4, "s_axis_cc_tready", "cc_tready");
    // Non-posted requests always welcome: the completer takes one at a time
    // and holds CQ's tready low meanwhile.
    p(true, 2, "pcie_cq_np_req", "2'b11");
    p(false, 2, "cfg_max_payload", "cfg_max_payload");
    p(false, 3, "cfg_max_read_req", "cfg_max_read_req");
    // MSI-X with the table in the hard block: function and vector in, sent/fail out.
    p(true, 1, "cfg_interrupt_msix_int", "msix_int");
    p(true, 32, "cfg_interrupt_msix_data", "msix_data");
    p(true, 8, "cfg_interrupt_msi_function_number", "msix_function");
    p(false, 1, "cfg_interrupt_msix_sent", "msix_sent");
    p(false, 1, "cfg_interrupt_msix_fail", "msix_fail");
    p(true, 4, "cfg_interrupt_int", "4'b0000");
    p(true, 4, "cfg_interrupt_pending", "4'b0000");
    // Function-level resets: answered by vfpga_top.
    p(false, 4, "cfg_flr_in_process", "flr_in_process");
    p(true, 4, "cfg_flr_done", "flr_done");
    p(false, 252, "cfg_vf_flr_in_process", "vf_flr_in_process");
    p(true, 8, "cfg_vf_flr_func_num", "vf_flr_func_num");
    p(true, 1, "cfg_vf_flr_done", "vf_flr_done");
    v
}

struct ShellPort {
    name: String,
    conn: String,
}

#[derive(Template)]
#[template(path = "chip_top.v", config = "gen/templates/askama.toml", escape = "none")]
struct ChipTop<'a> {
    header: Vec<String>,
    name: &'a str,
    device: &'a str,
    ip: &'a str,
    pcie: &'a str,
    shell: &'a str,
    lanes: usize,
    gen: &'a str,
    vfs: usize,
    scan_bits: usize,
    flr_bits: usize,
    fw: usize,
    ip_ports: Vec<IpPort>,
    status: Vec<(String, String)>,
    shell_ports: Vec<ShellPort>,
}

/// `vfpga_top` over `shell_pcie` (the `vfpga_shell_pcie` module).
pub fn chip_top(cfg: &Config, shell_pcie: &Module) -> Module {
    let ports = parse_ports(&shell_pcie.text, &shell_pcie.name).unwrap_or_else(|e| panic!("ports of {}: {e}", shell_pcie.name));
    let mut status = Vec::new();
    let mut shell_ports = Vec::new();
    for p in &ports {
        // The user interface's streams are named from the hard block's side
        // in the top (cq_*, cc_*, rq_*, rc_*); MSI-X and the sizes likewise.
        let n = &p.name;
        let conn = if n == "clk" {
            "user_clk".to_string()
        } else if n == "rst" {
            "user_reset".to_string()
        } else if let Some(x) = ["s_axis_cq_", "m_axis_cc_", "m_axis_rq_", "s_axis_rc_"].iter().find_map(|pre| n.strip_prefix(pre).map(|x| (&pre[7..9], x))) {
            format!("{}_{}", x.0, x.1)
        } else if n == "cfg_interrupt_msix_int" {
            "msix_int".into()
        } else if n == "cfg_interrupt_msix_data" {
            "msix_data".into()
        } else if n == "cfg_interrupt_msi_function_number" {
            "msix_function".into()
        } else if n == "cfg_interrupt_msix_sent" {
            "msix_sent".into()
        } else if n == "cfg_interrupt_msix_fail" {
            "msix_fail".into()
        } else if n == "cfg_max_payload" || n == "cfg_max_read_req" {
            n.clone()
        } else if n.starts_with("flr_") {
            // The function-level-reset port: driven and read by the top's FLR logic.
            format!("shell_{n}")
        } else {
            // The shell's status outputs: no pin on the board, kept on wires.
            assert_eq!(p.dir, Dir::Out, "{SHELL_PCIE_TOP} input {n} has no connection in {CHIP_TOP}");
            let w = format!("status_{n}");
            status.push((if p.width == 1 { String::new() } else { format!("[{}:0]", p.width - 1) }, w.clone()));
            w
        };
        shell_ports.push(ShellPort { name: n.clone(), conn });
    }
    // The streams' tready from the IP is 4 bits wide (PG213); the adapter reads bit 0.
    for sp in &mut shell_ports {
        if sp.name == "m_axis_rq_tready" || sp.name == "m_axis_cc_tready" {
            sp.conn = format!("{}[0]", sp.conn);
        }
    }
    let vfs = cfg.vfs;
    let scan_bits = (usize::BITS - (vfs.max(2) - 1).leading_zeros()) as usize;
    let mut s = ChipTop {
        header: header(cfg),
        name: CHIP_TOP,
        device: &cfg.device,
        ip: PCIE_IP,
        pcie: PCIE_TOP,
        shell: SHELL_PCIE_TOP,
        lanes: lanes(cfg),
        gen: "Gen3",
        vfs,
        scan_bits,
        flr_bits: 1 << scan_bits,
        fw: vfpga_hdl::FUNCTION_ID_BITS,
        ip_ports: ip_ports(cfg),
        status,
        shell_ports,
    }
    .render()
    .expect("the chip top renders");
    s.push('\n');
    Module { name: CHIP_TOP.into(), text: s }
}

#[derive(Template)]
#[template(path = "pcie_ip_stub.v", config = "gen/templates/askama.toml", escape = "none")]
struct IpStub<'a> {
    generator: String,
    ip: &'a str,
    ports: Vec<IpPort>,
}

#[derive(Template)]
#[template(path = "IBUFDS_GTE4.v", config = "gen/templates/askama.toml", escape = "none")]
struct IbufdsStub {
    generator: String,
}

/// The stand-ins of `lint/` for the chip top: IBUFDS_GTE4 and the PCIe IP's
/// port list (as connected by `vfpga_top`), as (path, contents).
pub fn stub_files(cfg: &Config) -> Vec<(String, String)> {
    let mut ip = IpStub { generator: output::generator(), ip: PCIE_IP, ports: ip_ports(cfg) }.render().expect("the IP stub renders");
    ip.push('\n');
    let mut ib = IbufdsStub { generator: output::generator() }.render().expect("the IBUFDS_GTE4 stub renders");
    ib.push('\n');
    vec![(IBUFDS_GTE4_PATH.to_string(), ib), (PCIE_IP_STUB_PATH.to_string(), ip)]
}

/// Where a board's PCIe connects to the device: pins and the hard block.
pub struct Board {
    pub name: &'static str,
    pub refclk_p: &'static str,
    pub refclk_n: &'static str,
    pub perst: &'static str,
    pub perst_iostandard: &'static str,
    /// The hard block (`pcie_blk_locn`) and its first transceiver quad.
    pub block: &'static str,
    pub quad: &'static str,
    /// Where these come from.
    pub source: &'static str,
}

/// The board of a device with a known PCIe pinout (today: the Alveo U250).
pub fn board(device: &str) -> Option<Board> {
    device.starts_with("xcu250-figd2104").then_some(Board {
        name: "Alveo U250",
        refclk_p: "AM11",
        refclk_n: "AM10",
        perst: "BD21",
        perst_iostandard: "LVCMOS12",
        block: "X1Y2",
        quad: "GTY_Quad_227",
        source: "AMD's Alveo U250 master XDC (alveo-u250-xdc.xdc, UG1289 'Xilinx Design Constraints'): \
                 PCIE_REFCLK1 on MGTREFCLK0 of bank 226 (AM11/AM10), PCIE_PERST_LS on IO_L23P_T3U_N8_64 (BD21, \
                 LVCMOS12); the x16 edge connector on GTY banks 224-227, next to PCIE40E4_X1Y2 in SLR1",
    })
}

/// What the flow's Tcl needs to create the PCIe IP for a configuration.
pub struct IpConfig {
    pub ip: &'static str,
    pub lanes: usize,
    pub data_width: usize,
    pub vfs: usize,
    /// BAR0 of every function (PF and VFs), KiB: the shell's window.
    pub bar0_kib: u32,
    /// MSI-X vectors per function (irq_vector's range), and PG213's encoding (N - 1, hex).
    pub msix_vectors: u32,
    pub msix_table_size: String,
    pub block: String,
    pub quad: String,
}

pub fn ip_config(cfg: &Config) -> IpConfig {
    let b = board(&cfg.device);
    let vectors = 16; // irq_vector is 4 bits
    IpConfig {
        ip: PCIE_IP,
        lanes: lanes(cfg),
        data_width: crate::blocks::pcie::user_width(cfg.data_width),
        vfs: cfg.vfs,
        bar0_kib: vfpga_hdl::regmap::WINDOW_SIZE / 1024,
        msix_vectors: vectors,
        msix_table_size: format!("{:03x}", vectors - 1),
        block: b.as_ref().map_or("X1Y2", |b| b.block).into(),
        quad: b.as_ref().map_or("GTY_Quad_227", |b| b.quad).into(),
    }
}

/// What Yosys synthesizes of a design whose top is `top`: the chip top's
/// IP exists only in Vivado, so for `vfpga_top` it is `vfpga_shell_pcie`
/// (everything but the hard block and the clock buffer) and `rtl` without
/// the chip top's file; any other top as it is.
pub fn synth_view(top: &str, rtl: &[String]) -> (String, Vec<String>) {
    if top == CHIP_TOP {
        let own = format!("rtl/{CHIP_TOP}.v");
        (SHELL_PCIE_TOP.to_string(), rtl.iter().filter(|p| **p != own).cloned().collect())
    } else {
        (top.to_string(), rtl.to_vec())
    }
}
