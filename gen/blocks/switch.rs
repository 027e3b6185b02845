//! Emits the `switch` block.

use crate::config::Config;
use crate::design::emit_block;
use crate::emit::Module;
use crate::with_data_width;
use vfpga_hdl::switch::Switch;

/// Name of the switch's top module.
pub const SWITCH_TOP: &str = "vfpga_switch";

/// The switch for this configuration, as emitted modules (leaves first).
pub fn switch_modules(cfg: &Config) -> Vec<Module> {
    let (p, f) = (cfg.partitions, cfg.functions());
    let doc = "AXI4-Stream switch between the DMA and the partitions \
               (H2C routed by function, C2H round-robin tagged with the owner).";
    let mut mods = with_data_width!(cfg, |DW, KW| emit_block(Switch::<DW, KW>::new(p, f), SWITCH_TOP, doc, cfg));
    // The C2H input slices' tuser: C2H packets carry no cut flag (they
    // leave with tuser 0).
    crate::design::waive_unused_signals(&mut mods, |n| n == SWITCH_TOP);
    mods
}
