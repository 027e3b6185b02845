//! vfpga: generates the Verilog of an FPGA virtualization shell.
//!
//! The passes run in this order: `config` (validate what the user asked for),
//! `design` (build the rust-hdl blocks and emit them through `emit`),
//! `output` (write the tree atomically, with `manifest.json`), and, on demand,
//! `synth` (Yosys resource report).

pub mod acc_ids;
pub mod bench;
pub mod bitstream;
pub mod blocks;
pub mod child;
pub mod chip_top;
pub mod config;
pub mod design;
pub mod diagram;
pub mod emit;
pub mod floorplan;
pub mod fusesoc;
pub mod flow;
pub mod icarus_tb;
pub mod lint;
pub mod simulate;
pub mod cli;
pub mod new_accel;
pub mod output;
pub mod regmap;
pub mod scale;
pub mod synth;
pub mod testbench;
pub mod timing;
