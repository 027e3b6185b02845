//! Running the built `vfpga` binary from a test.

use std::path::Path;
use std::process::{Command, Output};

/// `vfpga <args>` run in `cwd`, its output captured.
pub fn vfpga(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vfpga")).args(args).current_dir(cwd).output().expect("run vfpga")
}

/// What the run wrote to stderr.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
