//! Emits the `ctx` block (context management).

use crate::config::Config;
use crate::design::emit_block;
use crate::emit::Module;
use vfpga_hdl::ctx::Ctx;

/// Name of the context manager's top module.
pub const CTX_TOP: &str = "vfpga_ctx";

/// The context manager for this configuration, as emitted modules (leaves first).
pub fn ctx_modules(cfg: &Config) -> Vec<Module> {
    let doc = "Context management: per-function context memory and the \
               save/restore engine of the partitions' accelerator contexts.";
    emit_block(Ctx::new(cfg.partitions, cfg.functions(), cfg.context_words), CTX_TOP, doc, cfg)
}
