//! Emits the `bar` block.

use crate::config::Config;
use crate::design::emit_block;
use crate::emit::Module;
use vfpga_hdl::bar::Bar;

/// Name of the BAR decoder's top module.
pub const BAR_TOP: &str = "vfpga_bar";

/// The BAR decoder for this configuration, as emitted modules (leaves first).
pub fn bar_modules(cfg: &Config) -> Vec<Module> {
    let doc = "AXI4-Lite slave of the PCIe BAR: one 4 KiB window per function, \
               identification header, decode to the dma, prc, mgr and ctx register buses.";
    emit_block(Bar::new(cfg.functions(), cfg.partitions, cfg.data_width), BAR_TOP, doc, cfg)
}
