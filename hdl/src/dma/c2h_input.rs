//! The C2H engine's input: `s_axis_c2h` through a FIFO of 32 beats
//! (`LOOKAHEAD_LOG2`), and the function (`tid`) of every packet
//! whose first beat has entered it, in stream order (`head_*`).
//!
//! Why: the engine asks the control engine for a packet's first buffer
//! while the packets before it still stream (`c2h.rs`), so that its answer
//! is in before the packet begins. The packet's function is known only from
//! its first beat, which the source sends only after the packet before it;
//! the FIFO takes those beats ahead, so a packet's first beat (and its
//! function) is seen up to a FIFO's depth before the engine reaches it.
//!
//! Boundary: the stream enters and leaves through register slices (the
//! FIFOs' block-RAM words feed the output slice's registers; `head_tid`,
//! a FIFO's word, feeds only a register of the engine).

use crate::fifo::Fifo;
use crate::skid::AxisSkid;
use crate::FUNCTION_ID_BITS as FW;
use rust_hdl::prelude::*;

/// log2 of the FIFO's depth in beats (and of the packets it may hold).
const LOOKAHEAD_LOG2: usize = 5;

#[derive(LogicBlock, Default)]
pub struct C2hInput<const DW: usize, const KW: usize> {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub s_axis_tvalid: Signal<In, Bit>,
    pub s_axis_tready: Signal<Out, Bit>,
    pub s_axis_tdata: Signal<In, Bits<DW>>,
    pub s_axis_tkeep: Signal<In, Bits<KW>>,
    pub s_axis_tlast: Signal<In, Bit>,
    pub s_axis_tid: Signal<In, Bits<FW>>,
    pub m_axis_tvalid: Signal<Out, Bit>,
    pub m_axis_tready: Signal<In, Bit>,
    pub m_axis_tdata: Signal<Out, Bits<DW>>,
    pub m_axis_tkeep: Signal<Out, Bits<KW>>,
    pub m_axis_tlast: Signal<Out, Bit>,
    pub m_axis_tid: Signal<Out, Bits<FW>>,
    /// The function of the next packet not yet popped (`head_pop`).
    pub head_valid: Signal<Out, Bit>,
    pub head_tid: Signal<Out, Bits<FW>>,
    pub head_pop: Signal<In, Bit>,
    in_skid: AxisSkid<DW, KW>,
    data: Fifo<Bits<DW>, LOOKAHEAD_LOG2, { LOOKAHEAD_LOG2 + 1 }>,
    keep: Fifo<Bits<KW>, LOOKAHEAD_LOG2, { LOOKAHEAD_LOG2 + 1 }>,
    /// `tlast` (bit 0) and `tid` of each beat.
    side: Fifo<Bits<{ FW + 1 }>, LOOKAHEAD_LOG2, { LOOKAHEAD_LOG2 + 1 }>,
    heads: Fifo<Bits<FW>, LOOKAHEAD_LOG2, { LOOKAHEAD_LOG2 + 1 }>,
    out_skid: AxisSkid<DW, KW>,
    /// A packet is being written (its first beat is in).
    mid: DFF<Bit>,
    push: Signal<Local, Bit>,
    pull: Signal<Local, Bit>,
}

impl<const DW: usize, const KW: usize> Logic for C2hInput<DW, KW> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clk, mid);
        self.in_skid.clk.next = self.clk.val();
        self.in_skid.rst.next = self.rst.val();
        self.out_skid.clk.next = self.clk.val();
        self.out_skid.rst.next = self.rst.val();
        self.data.clk.next = self.clk.val();
        self.data.rst.next = self.rst.val();
        self.keep.clk.next = self.clk.val();
        self.keep.rst.next = self.rst.val();
        self.side.clk.next = self.clk.val();
        self.side.rst.next = self.rst.val();
        self.heads.clk.next = self.clk.val();
        self.heads.rst.next = self.rst.val();
        self.in_skid.s_axis_tvalid.next = self.s_axis_tvalid.val();
        self.in_skid.s_axis_tdata.next = self.s_axis_tdata.val();
        self.in_skid.s_axis_tkeep.next = self.s_axis_tkeep.val();
        self.in_skid.s_axis_tlast.next = self.s_axis_tlast.val();
        self.in_skid.s_axis_tid.next = self.s_axis_tid.val();
        self.in_skid.s_axis_tuser.next = false;
        self.s_axis_tready.next = self.in_skid.s_axis_tready.val();

        // Into the FIFOs while both have room (a packet's first beat also
        // writes its function into `heads`).
        self.push.next = self.in_skid.m_axis_tvalid.val() & !self.data.full.val() & !self.heads.full.val();
        self.in_skid.m_axis_tready.next = !self.data.full.val() & !self.heads.full.val();
        self.data.write.next = self.push.val();
        self.keep.write.next = self.push.val();
        self.side.write.next = self.push.val();
        self.data.data_in.next = self.in_skid.m_axis_tdata.val();
        self.keep.data_in.next = self.in_skid.m_axis_tkeep.val();
        self.side.data_in.next = (bit_cast::<{ FW + 1 }, FW>(self.in_skid.m_axis_tid.val()) << 1)
            | bit_cast::<{ FW + 1 }, 1>(self.in_skid.m_axis_tlast.val().into());
        self.heads.write.next = self.push.val() & !self.mid.q.val();
        self.heads.data_in.next = self.in_skid.m_axis_tid.val();
        if self.push.val() {
            self.mid.d.next = !self.in_skid.m_axis_tlast.val();
        }

        // Out of them into the output slice.
        self.pull.next = !self.data.empty.val() & self.out_skid.s_axis_tready.val();
        self.data.read.next = self.pull.val();
        self.keep.read.next = self.pull.val();
        self.side.read.next = self.pull.val();
        self.out_skid.s_axis_tvalid.next = !self.data.empty.val();
        self.out_skid.s_axis_tdata.next = self.data.data_out.val();
        self.out_skid.s_axis_tkeep.next = self.keep.data_out.val();
        self.out_skid.s_axis_tlast.next = self.side.data_out.val().get_bit(0);
        self.out_skid.s_axis_tid.next = self.side.data_out.val().get_bits::<FW>(1);
        self.out_skid.s_axis_tuser.next = false;
        self.out_skid.m_axis_tready.next = self.m_axis_tready.val();
        self.m_axis_tvalid.next = self.out_skid.m_axis_tvalid.val();
        self.m_axis_tdata.next = self.out_skid.m_axis_tdata.val();
        self.m_axis_tkeep.next = self.out_skid.m_axis_tkeep.val();
        self.m_axis_tlast.next = self.out_skid.m_axis_tlast.val();
        self.m_axis_tid.next = self.out_skid.m_axis_tid.val();

        self.head_valid.next = !self.heads.empty.val();
        self.head_tid.next = self.heads.data_out.val();
        self.heads.read.next = self.head_pop.val();
        if self.rst.val() {
            self.mid.d.next = false;
        }
    }
}
