//! `vfpga`: see `vfpga --help` and README.md.

fn main() -> std::process::ExitCode {
    vfpga::cli::main()
}
