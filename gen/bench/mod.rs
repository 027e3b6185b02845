//! `vfpga bench <target>`: performance measured in simulation (Verilator on
//! the emitted Verilog, through `crate::simulate`), in clock cycles, never in
//! wall time.

pub mod attach;
