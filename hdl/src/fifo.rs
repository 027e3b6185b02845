//! A synchronous first-word-fall-through FIFO in block RAM, with a
//! synchronous reset (rust-hdl's own FIFO has none).
//!
//! `data_out` shows the head whenever `empty` is low; `read` pops it. A word
//! written in cycle t can be read from cycle t + 2 (the RAM's registered read).
//! `count` is the number of words written and not yet read, including the
//! one still on its way through the RAM. `N` address bits, `NP1 = N + 1`.

use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct Fifo<D: Synth, const N: usize, const NP1: usize> {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub write: Signal<In, Bit>,
    pub data_in: Signal<In, D>,
    pub full: Signal<Out, Bit>,
    pub read: Signal<In, Bit>,
    pub data_out: Signal<Out, D>,
    pub empty: Signal<Out, Bit>,
    pub count: Signal<Out, Bits<NP1>>,
    ram: RAM<D, N>,
    wr_ptr: DFF<Bits<NP1>>,
    rd_ptr: DFF<Bits<NP1>>,
    /// `wr_ptr` one cycle late: a word is visible once the RAM can show it.
    wr_seen: DFF<Bits<NP1>>,
    depth: Constant<Bits<NP1>>,
    rd_next: Signal<Local, Bits<NP1>>,
    do_write: Signal<Local, Bit>,
    do_read: Signal<Local, Bit>,
}

impl<D: Synth, const N: usize, const NP1: usize> Logic for Fifo<D, N, NP1> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clk, wr_ptr, rd_ptr, wr_seen);
        self.ram.read_clock.next = self.clk.val();
        self.ram.write_clock.next = self.clk.val();
        self.wr_seen.d.next = self.wr_ptr.q.val();
        self.empty.next = self.rd_ptr.q.val() == self.wr_seen.q.val();
        self.count.next = self.wr_ptr.q.val() - self.rd_ptr.q.val();
        self.full.next = self.count.val() == self.depth.val();
        self.rd_next.next = self.rd_ptr.q.val() + 1;
        self.do_write.next = self.write.val() & !self.full.val();
        self.do_read.next = self.read.val() & !self.empty.val();
        self.ram.write_enable.next = self.do_write.val();
        self.ram.write_address.next = bit_cast::<N, NP1>(self.wr_ptr.q.val());
        self.ram.write_data.next = self.data_in.val();
        if self.do_write.val() {
            self.wr_ptr.d.next = self.wr_ptr.q.val() + 1;
        }
        // Read ahead: the RAM's address is the head after this cycle's pop.
        self.ram.read_address.next = bit_cast::<N, NP1>(self.rd_ptr.q.val());
        if self.do_read.val() {
            self.rd_ptr.d.next = self.rd_next.val();
            self.ram.read_address.next = bit_cast::<N, NP1>(self.rd_next.val());
        }
        self.data_out.next = self.ram.read_data.val();
        if self.rst.val() {
            self.wr_ptr.d.next = 0.into();
            self.rd_ptr.d.next = 0.into();
            self.wr_seen.d.next = 0.into();
        }
    }
}

impl<D: Synth, const N: usize, const NP1: usize> Default for Fifo<D, N, NP1> {
    fn default() -> Self {
        assert_eq!(NP1, N + 1, "Fifo: NP1 must be N + 1");
        Self {
            clk: Default::default(),
            rst: Default::default(),
            write: Default::default(),
            data_in: Default::default(),
            full: Default::default(),
            read: Default::default(),
            data_out: Default::default(),
            empty: Default::default(),
            count: Default::default(),
            ram: Default::default(),
            wr_ptr: Default::default(),
            rd_ptr: Default::default(),
            wr_seen: Default::default(),
            depth: Constant::new((1u64 << N).into()),
            rd_next: Default::default(),
            do_write: Default::default(),
            do_read: Default::default(),
        }
    }
}
