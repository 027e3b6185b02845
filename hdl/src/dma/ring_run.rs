//! Descriptors one read may take at a ring index (0 to 4): those posted
//! from it, in the 64-byte block of the first (so a read never crosses
//! 4 KiB) and before the ring's next four (a ring is a multiple of four
//! descriptors, so never past its end). Used for the scheduler's H2C
//! fetches and the C2H run-ahead's reads (`records.rs`), which work out
//! the descriptors posted from the index (`avail`) each its own way.

use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct RingRun {
    /// Bits 5:4 of the ring's base (its lane in a 64-byte block).
    pub base_lane: Signal<In, Bits<2>>,
    /// Bits 1:0 of the index (its lane in the ring's four); descriptors
    /// posted from it.
    pub idx_lane: Signal<In, Bits<2>>,
    pub avail: Signal<In, Bits<16>>,
    pub run: Signal<Out, Bits<3>>,
    /// The index's lane in the block; descriptors to the end of the later
    /// of the two.
    lane_a: Signal<Local, Bits<2>>,
    /// (`!` on a narrow value inside a wider expression would widen first
    /// in the Verilog: the lane's complement is a 2-bit signal of its own.)
    lane_n: Signal<Local, Bits<2>>,
    lim: Signal<Local, Bits<3>>,
}

impl Logic for RingRun {
    #[hdl_gen]
    fn update(&mut self) {
        self.lane_a.next = self.base_lane.val() + self.idx_lane.val();
        if self.lane_a.val() > self.idx_lane.val() {
            self.lane_n.next = !self.lane_a.val();
        } else {
            self.lane_n.next = !self.idx_lane.val();
        }
        self.lim.next = bit_cast::<3, 2>(self.lane_n.val()) + 1;
        // (avail < lim, lim at most 4: no compare across avail's 16 bits.)
        if (self.avail.val().get_bits::<13>(3) == 0) & (bit_cast::<3, 16>(self.avail.val()) < self.lim.val()) {
            self.run.next = bit_cast::<3, 16>(self.avail.val());
        } else {
            self.run.next = self.lim.val();
        }
    }
}
