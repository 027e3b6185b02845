//! Verilator harness and testbench library.
