//! Prints the ports of every block's top for a configuration (a development aid):
//! `cargo run --example block_ports`.
use vfpga::blocks;
use vfpga::config::Config;

fn main() {
    let cfg = Config { partitions: 2, ..Config::default() };
    let tops = [
        blocks::bar::bar_modules(&cfg),
        blocks::dma::dma_modules(&cfg),
        blocks::ctx::ctx_modules(&cfg),
        blocks::mgr::mgr_modules(&cfg),
        blocks::rp::rps_sim_modules(&cfg),
    ];
    for mods in tops {
        let top = mods.last().unwrap();
        let ports = vfpga_sim::parse_ports(&top.text, &top.name).unwrap();
        println!("== {}", top.name);
        for p in ports {
            println!("  {:?} {} {}", p.dir, p.width, p.name);
        }
    }
}
