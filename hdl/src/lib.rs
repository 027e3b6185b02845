//! The vfpga hardware blocks, written with rust-hdl.
//!
//! Each block lives in its own module and is generated into Verilog by the
//! `vfpga` emission pass (`gen/`), which renames rust-hdl's internal names
//! into clean `vfpga_*` modules and AXI port names.

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


