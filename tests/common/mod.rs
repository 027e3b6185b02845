//! Shared by the simulation tests: emitted designs as Verilator models, built
//! once per design and test binary and cached under `target/tmp` across runs
//! (`VFPGA_SIM_CACHE` overrides the place).
#![allow(dead_code)]

pub mod boundary;
pub mod cli;
pub mod rm_ref;
pub mod world;

use std::path::PathBuf;
use std::sync::Arc;
use vfpga::emit::Module;
use vfpga_sim::ModelLib;

fn root() -> Option<PathBuf> {
    Some(PathBuf::from(env!("CARGO_TARGET_TMPDIR")))
}

/// The Verilator model of a set of emitted modules (the last one is the top).
pub fn model_of_modules(key: &str, modules: impl FnOnce() -> Vec<Module>) -> Arc<ModelLib> {
    vfpga::simulate::model_of_modules(key, root(), modules).unwrap_or_else(|e| panic!("{e}"))
}
