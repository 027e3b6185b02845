//! The prc port's R channel of the `pcie` block: its data arrives in beats
//! of the data path (`completions.rs`), its master reads 32-bit words.
//!
//! Per prc burst the reader leaves its first word's index in the first beat
//! and its word count (`s_meta_*`, a FIFO); the beats of the burst are
//! exactly those that hold its words. Each beat gives its words from that
//! index (0 after the first beat), one per cycle, and leaves when its last
//! word or the burst's last word has gone. `rlast` on the burst's last
//! word; `rresp` is the beat's. R comes from registers.

use crate::fifo::Fifo;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct Narrow<const DW: usize> {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub s_meta_valid: Signal<In, Bit>,
    pub s_meta_first: Signal<In, Bits<4>>,
    pub s_meta_words: Signal<In, Bits<9>>,
    pub s_meta_full: Signal<Out, Bit>,
    /// Wide beats of the prc's bursts.
    pub s_rdata: Signal<In, Bits<DW>>,
    pub s_rresp: Signal<In, Bits<2>>,
    pub s_rvalid: Signal<In, Bit>,
    pub s_rready: Signal<Out, Bit>,
    /// The prc's R channel.
    pub rdata: Signal<Out, Bits<32>>,
    pub rresp: Signal<Out, Bits<2>>,
    pub rlast: Signal<Out, Bit>,
    pub rvalid: Signal<Out, Bit>,
    pub rready: Signal<In, Bit>,
    last_word: Constant<Bits<4>>,
    meta: Fifo<Bits<13>, 3, 4>,
    busy: DFF<Bit>,
    idx: DFF<Bits<4>>,
    left: DFF<Bits<9>>,
    o_valid: DFF<Bit>,
    o_data: DFF<Bits<32>>,
    o_resp: DFF<Bits<2>>,
    o_last: DFF<Bit>,
    o_free: Signal<Local, Bit>,
    go: Signal<Local, Bit>,
}

impl<const DW: usize> Default for Narrow<DW> {
    fn default() -> Self {
        Self {
            clk: Default::default(),
            rst: Default::default(),
            s_meta_valid: Default::default(),
            s_meta_first: Default::default(),
            s_meta_words: Default::default(),
            s_meta_full: Default::default(),
            s_rdata: Default::default(),
            s_rresp: Default::default(),
            s_rvalid: Default::default(),
            s_rready: Default::default(),
            rdata: Default::default(),
            rresp: Default::default(),
            rlast: Default::default(),
            rvalid: Default::default(),
            rready: Default::default(),
            last_word: Constant::new(((DW / 32 - 1) as u64).into()),
            meta: Default::default(),
            busy: Default::default(),
            idx: Default::default(),
            left: Default::default(),
            o_valid: Default::default(),
            o_data: Default::default(),
            o_resp: Default::default(),
            o_last: Default::default(),
            o_free: Default::default(),
            go: Default::default(),
        }
    }
}

impl<const DW: usize> Logic for Narrow<DW> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clk, busy, idx, left, o_valid, o_data, o_resp, o_last);
        self.meta.clk.next = self.clk.val();
        self.meta.rst.next = self.rst.val();
        self.meta.write.next = self.s_meta_valid.val();
        self.meta.data_in.next = bit_cast::<13, 4>(self.s_meta_first.val()) | (bit_cast::<13, 9>(self.s_meta_words.val()) << 4);
        // Room for the word being taken this cycle too.
        self.s_meta_full.next = self.meta.count.val() >= 7;
        self.meta.read.next = false;
        if !self.busy.q.val() & !self.meta.empty.val() {
            self.meta.read.next = true;
            self.busy.d.next = true;
            self.idx.d.next = self.meta.data_out.val().get_bits::<4>(0);
            self.left.d.next = self.meta.data_out.val().get_bits::<9>(4);
        }
        self.o_free.next = !self.o_valid.q.val() | self.rready.val();
        self.go.next = self.busy.q.val() & self.s_rvalid.val() & self.o_free.val();
        self.s_rready.next = self.go.val() & ((self.idx.q.val() == self.last_word.val()) | (self.left.q.val() == 1));
        if self.go.val() {
            self.o_valid.d.next = true;
            self.o_data.d.next = bit_cast::<32, DW>(self.s_rdata.val() >> (bit_cast::<10, 4>(self.idx.q.val()) << 5));
            self.o_resp.d.next = self.s_rresp.val();
            self.o_last.d.next = self.left.q.val() == 1;
            self.idx.d.next = self.idx.q.val() + 1;
            if self.idx.q.val() == self.last_word.val() {
                self.idx.d.next = 0.into();
            }
            self.left.d.next = self.left.q.val() - 1;
            if self.left.q.val() == 1 {
                self.busy.d.next = false;
            }
        } else if self.o_valid.q.val() & self.rready.val() {
            self.o_valid.d.next = false;
        }
        self.rvalid.next = self.o_valid.q.val();
        self.rdata.next = self.o_data.q.val();
        self.rresp.next = self.o_resp.q.val();
        self.rlast.next = self.o_last.q.val();
        if self.rst.val() {
            self.busy.d.next = false;
            self.o_valid.d.next = false;
        }
    }
}
