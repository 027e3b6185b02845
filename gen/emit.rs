//! Emission pass over rust-hdl's Verilog.
