//! Prints the emitted switch for a configuration: `cargo run --example emit_switch -- 4 8 64`.
fn main() {
    let a: Vec<usize> = std::env::args().skip(1).map(|s| s.parse().unwrap()).collect();
    let cfg = vfpga::config::Config {
        partitions: a.first().copied().unwrap_or(4),
        vfs: a.get(1).copied().unwrap_or(8),
        data_width: a.get(2).copied().unwrap_or(64),
        ..Default::default()
    };
    for f in vfpga::design::build(&cfg).files {
        println!("==> {}\n{}", f.path, f.contents);
    }
}
