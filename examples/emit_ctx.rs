fn main() {
    let cfg = vfpga::config::Config::default();
    for m in vfpga::blocks::ctx::ctx_modules(&cfg) {
        println!("==> rtl/{}.v\n{}", m.name, m.text);
    }
}
