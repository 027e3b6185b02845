//! Emits the `sched` block (the manager's sharing scheduler).

use crate::config::Config;
use crate::design::emit_block;
use crate::emit::Module;
use vfpga_hdl::sched::Sched;

/// Name of the scheduler's top module.
pub const SCHED_TOP: &str = "vfpga_sched";

/// The sharing scheduler for this configuration, as emitted modules (leaves first).
pub fn sched_modules(cfg: &Config) -> Vec<Module> {
    let doc = "Sharing scheduler of the manager: which VF owns each partition, \
               time slices by weight, context switches through ctx, DMA gates.";
    emit_block(Sched::new(cfg.partitions, cfg.functions()), SCHED_TOP, doc, cfg)
}
