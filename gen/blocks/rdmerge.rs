//! Emits the read merge (`hdl/src/rdmerge.rs`): the DMA's data and
//! descriptor read masters onto the shell's one host read port.

use crate::config::Config;
use crate::design::emit_block;
use crate::emit::Module;
use crate::with_data_width;
use vfpga_hdl::rdmerge::ReadMerge;

/// Name of the read merge's top module.
pub const READ_MERGE_TOP: &str = "vfpga_read_merge";

/// The read merge for this configuration's data width, as emitted modules
/// (leaves first, the top last).
pub fn read_merge_modules(cfg: &Config) -> Vec<Module> {
    let doc = "AXI4 read merge: the DMA's data reads (s_axi_data) and descriptor reads (s_axi_desc) \
               onto one host read port (m_axi), round robin, R routed by burst order.";
    let mut mods = with_data_width!(cfg, |DW, _KW| emit_block(ReadMerge::<DW>::default(), READ_MERGE_TOP, doc, cfg));
    // The route FIFO's `full`: its room is reserved before every push (no
    // burst is taken with 62 in flight).
    crate::design::waive_unused_signals(&mut mods, |n| n == READ_MERGE_TOP);
    mods
}
