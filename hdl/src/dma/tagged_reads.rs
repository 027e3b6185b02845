//! The front end of one of the DMA's AXI read ports (`reader.rs`'s data
//! reads, `desc_reader.rs`'s descriptor reads): the AR register slice, the
//! R register slices, and the read tags in AXI order (a FIFO of 64 in block
//! RAM whose head is registered out of the RAM before any logic, through a
//! register slice: no bubble between tags). The parent decides what to
//! issue and how to take the beats; this block only carries them.
//!
//! Boundary: AR leaves and R enters through register slices (`skid.rs`);
//! every output is a register or a slice's output, so none follows an input
//! within a cycle.

use super::desc::{ReadTag, WriteBurst};
use crate::fifo::Fifo;
use crate::skid::Skid;
use crate::FUNCTION_ID_BITS as FW;
use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct TaggedReads<const DW: usize> {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// The AXI read channels (`arsize`, `arburst`: the DMA's constants).
    pub arvalid: Signal<Out, Bit>,
    pub arready: Signal<In, Bit>,
    pub araddr: Signal<Out, Bits<64>>,
    pub arlen: Signal<Out, Bits<8>>,
    pub aruser: Signal<Out, Bits<FW>>,
    pub rvalid: Signal<In, Bit>,
    pub rready: Signal<Out, Bit>,
    pub rdata: Signal<In, Bits<DW>>,
    pub rresp: Signal<In, Bits<2>>,
    pub rlast: Signal<In, Bit>,
    /// A burst into the AR slice (only while `ar_room`), and a tag into the
    /// FIFO (only while `tags_full` is low: a register, set from 61 tags on,
    /// as at most one goes in a cycle). A tag may go without a burst.
    pub ar_push: Signal<In, Bit>,
    pub ar: Signal<In, WriteBurst>,
    pub ar_room: Signal<Out, Bit>,
    pub tag_push: Signal<In, Bit>,
    pub tag_in: Signal<In, ReadTag>,
    pub tags_full: Signal<Out, Bit>,
    /// The R beat at the slice's output (`beat_bad`: an error answer),
    /// taken with `beat_take`; the tag at the head, popped with `tag_pop`.
    pub beat_valid: Signal<Out, Bit>,
    pub beat_data: Signal<Out, Bits<DW>>,
    pub beat_last: Signal<Out, Bit>,
    pub beat_bad: Signal<Out, Bit>,
    pub beat_take: Signal<In, Bit>,
    pub tag_valid: Signal<Out, Bit>,
    pub tag: Signal<Out, ReadTag>,
    pub tag_pop: Signal<In, Bit>,

    ar_out: Skid<WriteBurst>,
    r_data_in: Skid<Bits<DW>>,
    /// R side word: resp (1:0), last (2).
    r_side_in: Skid<Bits<3>>,
    tag_fifo: Fifo<ReadTag, 6, 7>,
    tag_head: Skid<ReadTag>,
    full_q: DFF<Bit>,
}

impl<const DW: usize> Logic for TaggedReads<DW> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clk, full_q);
        self.ar_out.clk.next = self.clk.val();
        self.ar_out.rst.next = self.rst.val();
        self.r_data_in.clk.next = self.clk.val();
        self.r_data_in.rst.next = self.rst.val();
        self.r_side_in.clk.next = self.clk.val();
        self.r_side_in.rst.next = self.rst.val();
        self.tag_fifo.clk.next = self.clk.val();
        self.tag_fifo.rst.next = self.rst.val();
        self.tag_head.clk.next = self.clk.val();
        self.tag_head.rst.next = self.rst.val();
        // AR out.
        self.ar_out.s_valid.next = self.ar_push.val();
        self.ar_out.s_data.next = self.ar.val();
        self.ar_room.next = self.ar_out.s_ready.val();
        self.arvalid.next = self.ar_out.m_valid.val();
        self.araddr.next = self.ar_out.m_data.val().addr;
        self.arlen.next = self.ar_out.m_data.val().last;
        self.aruser.next = self.ar_out.m_data.val().function;
        self.ar_out.m_ready.next = self.arready.val();
        // R in.
        self.r_data_in.s_valid.next = self.rvalid.val();
        self.r_data_in.s_data.next = self.rdata.val();
        self.r_side_in.s_valid.next = self.rvalid.val();
        self.r_side_in.s_data.next = bit_cast::<3, 2>(self.rresp.val()) | (bit_cast::<3, 1>(self.rlast.val().into()) << 2);
        self.rready.next = self.r_data_in.s_ready.val();
        self.beat_valid.next = self.r_data_in.m_valid.val();
        self.beat_data.next = self.r_data_in.m_data.val();
        self.beat_last.next = self.r_side_in.m_data.val().get_bit(2);
        self.beat_bad.next = self.r_side_in.m_data.val().get_bits::<2>(0) != 0;
        self.r_data_in.m_ready.next = self.beat_take.val();
        self.r_side_in.m_ready.next = self.beat_take.val();
        // The tags, and the head registered out of the RAM.
        self.tag_fifo.write.next = self.tag_push.val();
        self.tag_fifo.data_in.next = self.tag_in.val();
        self.full_q.d.next = self.tag_fifo.count.val() >= 61;
        self.tags_full.next = self.full_q.q.val();
        self.tag_head.s_valid.next = !self.tag_fifo.empty.val();
        self.tag_head.s_data.next = self.tag_fifo.data_out.val();
        self.tag_fifo.read.next = !self.tag_fifo.empty.val() & self.tag_head.s_ready.val();
        self.tag_valid.next = self.tag_head.m_valid.val();
        self.tag.next = self.tag_head.m_data.val();
        self.tag_head.m_ready.next = self.tag_pop.val();
    }
}
