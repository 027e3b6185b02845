//! Exports the target triple so that the Verilator harness can drive the `cc`
//! crate at run time (outside a build script, `TARGET` is not set).
fn main() {
    let target = std::env::var("TARGET").expect("cargo sets TARGET for build scripts");
    println!("cargo:rustc-env=VFPGA_SIM_TARGET={target}");
    println!("cargo:rerun-if-changed=build.rs");
}
