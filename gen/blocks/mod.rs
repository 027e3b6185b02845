//! One emitter per hardware block: builds the rust-hdl block for a
//! configuration and emits it as `vfpga_<block>` (see `crate::design::emit_block`).

pub mod accel;
pub mod rp;
pub mod mgr;
pub mod switch;
pub mod ctx;
pub mod sched;
pub mod bar;
pub mod dma;
pub mod shell;
pub mod pcie;
pub mod shell_pcie;
pub mod rdmerge;
