//! The vfpga hardware blocks, written with rust-hdl.
//!
//! Each block lives in its own module and is generated into Verilog by the
//! `vfpga` emission pass (`gen/`), which renames rust-hdl's internal names
//! into clean `vfpga_*` modules and AXI port names.
//!
//! Two rules for every block (DESIGN.md has the timing ones):
//! - Registered boundaries: stream interfaces through a register slice
//!   (`skid.rs`), block-RAM read data into a register before any logic.
//! - In a child whose outputs feed its parent's (or a sibling's) logic,
//!   assign each output once per pass of `update` (if / else, or a local
//!   worked out with defaults and copied to the output at the end), not a
//!   default then an override. Each `update` is one `always @(*)` block:
//!   an output that passes through a value wakes the other block, and when
//!   that block's outputs do the same back, an event-driven simulator such
//!   as Icarus runs the two without end at one simulated time (the DMA's
//!   control engine and its descriptor banks did, `dma/banks.rs`).
//!   Verilator and synthesis do not notice; the Icarus tests do.

pub mod acc_id;
pub mod accel;
pub mod axi;
pub mod axil;
pub mod axis;
pub mod bar;
pub mod ctx;
pub mod dma;
pub mod fifo;
pub mod mgr;
pub mod partition;
pub mod pcie;
pub mod prc;
pub mod rdmerge;
pub mod regbus;
pub mod regmap;
pub mod rm;
pub mod sched;
pub mod sized_ram;
pub mod skid;
pub mod switch;

/// Width of every function-number field (`tid`, `aruser`, ...): enough for the
/// PF (function 0) and 1024 VFs. A fixed width, as in PCIe hard IP, keeps one
/// set of port widths for every configuration.
pub const FUNCTION_ID_BITS: usize = 11;
/// Width of every partition-index field: up to 64 partitions.
pub const PARTITION_ID_BITS: usize = 6;
/// Largest number of reconfigurable partitions a design may have.
pub const MAX_PARTITIONS: usize = 1 << PARTITION_ID_BITS;
/// Largest number of PCIe functions (PF + VFs) a design may have.
pub const MAX_FUNCTIONS: usize = 1025;


