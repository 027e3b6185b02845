//! Emits the `pcie` block (256- or 512-bit user interface of the hard block).

use crate::config::Config;
use crate::design::emit_block;
use crate::emit::Module;
use vfpga_hdl::pcie::Pcie;

/// Name of the PCIe adapter's top module.
pub const PCIE_TOP: &str = "vfpga_pcie";

/// The PCIe adapter for this configuration (its data width is the user
/// interface's: 256 for Gen3 x8, 512 for Gen3 x16).
pub fn pcie_modules(cfg: &Config) -> Result<Vec<Module>, String> {
    let doc = "Adapter between the UltraScale+ PCIe block's user interface (PG213 CQ/CC/RQ/RC, MSI-X) \
               and the shell: BAR accesses of every function, host DMA and prc reads and writes by tag.";
    let f = cfg.functions();
    if f > 253 {
        return Err(format!("pcie: {} VFs, the hard block has at most 252 (use --vfs 252 or fewer)", f - 1));
    }
    let mut mods = match cfg.data_width {
        256 => emit_block(Pcie::<256, 32, 8, 512, 88, 33, 62, 75>::new(f), PCIE_TOP, doc, cfg),
        512 => emit_block(Pcie::<512, 64, 16, 1024, 183, 81, 137, 161>::new(f), PCIE_TOP, doc, cfg),
        w => return Err(format!("pcie: data width {w}; the PCIe user interface is 256 (Gen3 x8) or 512 (Gen3 x16) bits")),
    };
    // Unused inputs and sub-block outputs, all intended: tkeep of CQ/RC (in
    // dword-aligned mode the descriptor gives the length), AXI size/burst
    // (the shell's masters issue INCR bursts of full beats), BAR write
    // responses (posted writes have nobody to report to), the parity and
    // straddle bits of tuser, the handshake outputs of the register slices
    // that run in parallel with the one whose handshake is used, and FIFO
    // counts and flags that the credit logic does not need. Waived here only.
    crate::design::waive_unused_signals(&mut mods, |n| n.starts_with(PCIE_TOP));
    Ok(mods)
}
