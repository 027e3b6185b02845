//! Prints the emitted shell for a configuration: `cargo run --example emit_shell -- 4 8`.
fn main() {
    let a: Vec<usize> = std::env::args().skip(1).map(|s| s.parse().unwrap()).collect();
    let cfg = vfpga::config::Config { partitions: a.first().copied().unwrap_or(4), vfs: a.get(1).copied().unwrap_or(8), ..Default::default() };
    for m in vfpga::blocks::shell::shell_modules(&cfg, a.get(2) == Some(&1)) {
        println!("==> {}.v\n{}", m.name, m.text);
    }
}
