//! Emits the module below the PCIe hard block: `vfpga_pcie` (the adapter)
//! and the shell, wired by the same checked glue as the shell itself
//! (`shell::glue_top`). Its ports are the hard block's user interface (CQ,
//! CC, RQ, RC, max payload / read request size, MSI-X), `clk`/`rst` and the
//! shell's status outputs; it is what the chip top instantiates under the IP
//! and what simulation drives with the PG213 model (`sim/src/pcie/`).
//!
//! Two tops, as for the shell: `vfpga_shell_pcie` (`rtl/`, the static shell
//! with its partitions as black boxes) and `vfpga_shell_pcie_sim` (`sim/`,
//! over `vfpga_shell_sim`). The PCIe user interface is 512 bits (Gen3 x16)
//! for a 512-bit shell and 256 bits (Gen3 x8) for the others; a 64- or
//! 128-bit shell's host master reaches the `pcie` block's 256-bit host port
//! through `vfpga_host_upsize` (the prc's port is 32 bits at every width).

use crate::blocks::pcie::{pcie_modules, upsize_modules};
use crate::blocks::shell::{glue_top, net, shell_modules, Rule};
use crate::config::{Config, PCIE_MAX_VFS};
use crate::emit::Module;

pub const SHELL_PCIE_TOP: &str = "vfpga_shell_pcie";
pub const SHELL_PCIE_SIM_TOP: &str = "vfpga_shell_pcie_sim";

/// Whether the configuration has a chip top: the hard block numbers at most
/// 252 VFs (`PCIE_MAX_VFS`; beyond it only 64 and 128 bits are accepted,
/// for the seed paper's 1000-VM scale).
pub fn has_pcie(cfg: &Config) -> bool {
    cfg.vfs <= PCIE_MAX_VFS
}

/// What generate prints when the configuration has no chip top.
pub fn pcie_width_note(cfg: &Config) -> String {
    format!(
        "note: no chip top with {} VFs: the UltraScale+ PCIe block's SR-IOV numbers at most {PCIE_MAX_VFS}; the output's \
         top is vfpga_shell (AXI4-Lite BAR, AXI4 host master, no pins), which the DFX flow synthesizes but cannot take \
         to a bitstream. Use --vfs {PCIE_MAX_VFS} or fewer for a design that can.",
        cfg.vfs
    )
}

/// The buses between the two instances: the `pcie` block's prefix, the
/// shell's, and the wire's.
const BUSES: [(&str, &str, &str); 4] = [
    ("m_axil_bar_", "s_axil_bar_", "bar_"),
    ("s_axi_host_", "m_axi_host_", "host_"),
    ("s_axi_prc_", "m_axi_prc_", "prc_"),
    ("irq_", "irq_", "irq_"),
];

/// How port `p` of instance `inst` is connected: a bus between the two
/// instances on a wire; anything else is a port of the module (the hard
/// block's user interface and `msix_retries` of `pcie`; `switch_*`,
/// `mgr_*`, `decoupled_p<i>`, `rm_select_p<i>` of the shell; clk and rst).
/// With the width adapter (`upsize`), the host bus runs shell -> `host_*` ->
/// upsize -> `host_wide_*` -> pcie.
fn rule(upsize: bool, inst: &str, p: &str) -> Rule {
    let of_pcie = match inst {
        "pcie" => true,
        "shell" => false,
        "upsize" => {
            if let Some(x) = p.strip_prefix("s_axi_host_") {
                return net(format!("host_{x}"));
            }
            if let Some(x) = p.strip_prefix("m_axi_host_") {
                return net(format!("host_wide_{x}"));
            }
            return Rule::External(p.into());
        }
        _ => panic!("no wiring rules for instance {inst}"),
    };
    if upsize && of_pcie {
        if let Some(x) = p.strip_prefix("s_axi_host_") {
            return net(format!("host_wide_{x}"));
        }
    }
    for (pcie, shell, wire) in BUSES {
        if let Some(x) = p.strip_prefix(if of_pcie { pcie } else { shell }) {
            return net(format!("{wire}{x}"));
        }
    }
    Rule::External(p.into())
}

/// Every module, leaves first, `vfpga_shell_pcie` (or its simulation top)
/// last. An error beyond 252 VFs (the hard block's limit, [`has_pcie`]).
pub fn shell_pcie_modules(cfg: &Config, sim: bool) -> Result<Vec<Module>, String> {
    let pcie = pcie_modules(cfg)?;
    let shell = shell_modules(cfg, sim);
    let upsize = upsize_modules(cfg);
    let mut insts = vec![("pcie", pcie.last().expect("pcie top").clone()), ("shell", shell.last().expect("shell top").clone())];
    let mut all = pcie;
    if let Some(u) = &upsize {
        insts.push(("upsize", u.last().expect("upsize top").clone()));
        crate::blocks::rp::merge(&mut all, u.clone());
    }
    crate::blocks::rp::merge(&mut all, shell);
    let (name, what) = if sim {
        (SHELL_PCIE_SIM_TOP, "simulation top below the PCIe hard block: vfpga_pcie and vfpga_shell_sim")
    } else {
        (SHELL_PCIE_TOP, "the shell below the PCIe hard block: vfpga_pcie (CQ/CC, RQ/RC, MSI-X) and vfpga_shell (at 64 and 128 bits with vfpga_host_upsize between them)")
    };
    all.push(glue_top(cfg, name, what, &insts, |i, p| rule(upsize.is_some(), i, p)));
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use vfpga_sim::{parse_ports, Dir};

    /// The module's ports are the hard block's user interface, clk/rst and
    /// the shell's status outputs: the BAR, host and prc buses and the
    /// interrupts are inside.
    #[test]
    fn ports_are_the_hard_block_user_interface() {
        for dw in [64, 128, 256, 512] {
            let cfg = Config { data_width: dw, ..Config::default() };
            let mods = shell_pcie_modules(&cfg, false).unwrap();
            let uw = crate::blocks::pcie::user_width(dw);
            let top = mods.last().unwrap();
            assert_eq!(top.name, SHELL_PCIE_TOP);
            let ports = parse_ports(&top.text, &top.name).unwrap();
            let width = |n: &str| ports.iter().find(|p| p.name == n).unwrap_or_else(|| panic!("no port {n}")).width;
            assert_eq!(width("s_axis_cq_tdata") as usize, uw);
            assert_eq!(width("m_axis_rq_tdata") as usize, uw);
            assert_eq!(mods.iter().any(|m| m.name == crate::blocks::pcie::UPSIZE_TOP), dw < 256, "width adapter at {dw} bits");
            for n in ["clk", "rst", "m_axis_cc_tvalid", "s_axis_rc_tready", "cfg_max_payload", "cfg_interrupt_msix_int", "switch_drop_count"] {
                width(n);
            }
            for p in &ports {
                let inner = ["s_axil_bar_", "m_axi_host_", "m_axi_prc_", "irq_"];
                assert!(!inner.iter().any(|i| p.name.starts_with(i)), "{} is a port of {SHELL_PCIE_TOP}", p.name);
            }
            assert!(ports.iter().any(|p| p.dir == Dir::Out && p.name == "msix_retries"));
        }
    }

    #[test]
    fn no_pcie_module_beyond_252_vfs() {
        let cfg = Config { vfs: 253, ..Config::default() };
        assert!(!has_pcie(&cfg) && has_pcie(&Config { vfs: 252, ..cfg.clone() }));
        let e = shell_pcie_modules(&cfg, false).unwrap_err();
        assert!(e.contains("252"), "{e}");
    }
}
