//! `vfpga bench`: performance figures measured in simulation (cycles, never
//! wall time). Each target is a module; the simulation harness it needs is
//! public so that the tests drive the same hardware the same way.

pub mod load;
