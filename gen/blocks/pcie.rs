//! Emits the `pcie` block (256- or 512-bit user interface of the hard block)
//! and, for a 64- or 128-bit shell, the width adapter between the shell's
//! host master and the block's 256-bit host port (`vfpga_host_upsize`).

use crate::config::Config;
use crate::design::emit_block;
use crate::emit::Module;
use vfpga_hdl::pcie::upsize::Upsize;
use vfpga_hdl::pcie::Pcie;

/// Name of the PCIe adapter's top module.
pub const PCIE_TOP: &str = "vfpga_pcie";
/// Name of the host master's width adapter (64 and 128 bits only).
pub const UPSIZE_TOP: &str = "vfpga_host_upsize";

/// Bits of the hard block's user interface for a shell of `data_width`
/// bits: 512 (Gen3 x16) at 512, 256 (Gen3 x8) below.
pub fn user_width(data_width: usize) -> usize {
    if data_width == 512 { 512 } else { 256 }
}

/// The PCIe adapter for this configuration (its data width is the user
/// interface's, [`user_width`]: 256 for Gen3 x8, 512 for Gen3 x16).
pub fn pcie_modules(cfg: &Config) -> Result<Vec<Module>, String> {
    let doc = "Adapter between the UltraScale+ PCIe block's user interface (PG213 CQ/CC/RQ/RC, MSI-X) \
               and the shell: BAR accesses of every function, host DMA and prc reads and writes by tag.";
    let f = cfg.functions();
    if f > 253 {
        return Err(format!("pcie: {} VFs, the hard block has at most 252 (use --vfs 252 or fewer)", f - 1));
    }
    let mut mods = match cfg.data_width {
        64 | 128 | 256 => emit_block(Pcie::<256, 32, 8, 512, 88, 33, 62, 75>::new(f), PCIE_TOP, doc, cfg),
        512 => emit_block(Pcie::<512, 64, 16, 1024, 183, 81, 137, 161>::new(f), PCIE_TOP, doc, cfg),
        w => return Err(format!("pcie: data width {w}; the shell's data path is 64, 128, 256 or 512 bits")),
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

/// The width adapter between a 64- or 128-bit shell's host master and the
/// `pcie` block's 256-bit host port (`hdl/src/pcie/upsize.rs`); none at 256
/// and 512 bits, where the two have the same width.
pub fn upsize_modules(cfg: &Config) -> Option<Vec<Module>> {
    let doc = "AXI4 width adapter: the shell's host DMA master (narrow) to the pcie block's 256-bit host port, \
               bursts one to one, W packed with strobes, R split back.";
    let mut mods = match cfg.data_width {
        64 => emit_block(Upsize::<64, 8>::default(), UPSIZE_TOP, doc, cfg),
        128 => emit_block(Upsize::<128, 16>::default(), UPSIZE_TOP, doc, cfg),
        _ => return None,
    };
    // Unused by design: the narrow side's size and burst type (the shell's
    // DMA issues INCR bursts of full beats), the wide side's rlast (the
    // adapter counts each burst's beats itself), the FIFOs' counts and the
    // handshake outputs of the register slices that run in parallel with
    // the one whose handshake is used. Waived here only.
    crate::design::waive_unused_signals(&mut mods, |n| n.starts_with(UPSIZE_TOP));
    Some(mods)
}
