//! A simple dual-port RAM whose depth is set at run time.
//!
//! rust-hdl's `RAM<D, N>` always holds `2^N` words, `N` a compile-time
//! constant; per-function tables sized by the configuration (functions x
//! words) would waste most of a power of two. This RAM has the address width
//! of the largest configuration and exactly `depth` words. Addresses at or
//! beyond `depth` must not be used: callers check their indices first.

use rust_hdl::prelude::*;
use std::collections::BTreeMap;

#[derive(LogicBlock)]
pub struct SizedRam<const AW: usize, const DW: usize> {
    pub clock: Signal<In, Clock>,
    /// Read port: `read_data` is `mem[read_address]` one cycle later (a write
    /// to the same word in that cycle is not seen: read first).
    pub read_address: Signal<In, Bits<AW>>,
    pub read_data: Signal<Out, Bits<DW>>,
    pub write_address: Signal<In, Bits<AW>>,
    pub write_data: Signal<In, Bits<DW>>,
    pub write_enable: Signal<In, Bit>,
    _depth: usize,
    _contents: BTreeMap<u64, Bits<DW>>,
}

impl<const AW: usize, const DW: usize> SizedRam<AW, DW> {
    pub fn new(depth: usize) -> Self {
        assert!(depth >= 1 && (depth as u128) <= 1u128 << AW, "RAM depth {depth} does not fit {AW} address bits");
        SizedRam {
            clock: Default::default(),
            read_address: Default::default(),
            read_data: Default::default(),
            write_address: Default::default(),
            write_data: Default::default(),
            write_enable: Default::default(),
            _depth: depth,
            _contents: BTreeMap::new(),
        }
    }
}

impl<const AW: usize, const DW: usize> Logic for SizedRam<AW, DW> {
    // The rust-hdl simulation model (vfpga simulates the emitted Verilog
    // with Verilator; this keeps rust-hdl's own simulator usable too).
    fn update(&mut self) {
        if self.clock.pos_edge() {
            let r = self.read_address.val().to_u64();
            self.read_data.next = self._contents.get(&r).copied().unwrap_or_default();
            if self.write_enable.val() {
                self._contents.insert(self.write_address.val().to_u64(), self.write_data.val());
            }
        }
    }

    fn connect(&mut self) {
        self.read_data.connect();
    }

    fn hdl(&self) -> Verilog {
        // Index with just the bits the depth needs; the others must be zero,
        // and are gathered in a wire Verilator's lint knows to be unused.
        let k = (usize::BITS - (self._depth - 1).leading_zeros()).max(1) as usize;
        let (index, unused) = if k < AW {
            (
                format!("[{}:0]", k - 1),
                format!(
                    "wire unused_high_address_bits = |{{read_address[{hi}:{k}], write_address[{hi}:{k}]}};\n\n",
                    hi = AW - 1
                ),
            )
        } else {
            (String::new(), String::new())
        };
        Verilog::Custom(format!(
            "\
{unused}reg [{msb}:0] storage [0:{last}];

always @(posedge clock) begin
   read_data <= storage[read_address{index}];
   if (write_enable) begin
      storage[write_address{index}] <= write_data;
   end
end
",
            msb = DW - 1,
            last = self._depth - 1
        ))
    }
}
