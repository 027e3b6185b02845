use rust_hdl::prelude::*;
fn main() {
    let mut s = vfpga_hdl::switch::Switch::<64, 8>::new(2, 9);
    s.connect_all();
    print!("{}", generate_verilog(&s));
}
