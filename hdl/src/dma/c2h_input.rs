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
//! It also queues each packet's length bound (its beats times the beat's
//! bytes; `len_*`) once its last beat has entered, until the engine takes
//! that last beat (`len_pop`): the engine then knows, while a packet
//! streams, whether it fits in the buffer it has, and asks the next
//! packet's buffer of the same function early (`c2h.rs`).
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

#[derive(LogicBlock)]
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
    /// The beat's bytes, zero above its valid ones, and how many (`tkeep`
    /// is contiguous from byte 0).
    pub m_axis_tdata: Signal<Out, Bits<DW>>,
    pub m_axis_count: Signal<Out, Bits<8>>,
    pub m_axis_tlast: Signal<Out, Bit>,
    pub m_axis_tid: Signal<Out, Bits<FW>>,
    /// The function of the next packet not yet popped (`head_pop`).
    pub head_valid: Signal<Out, Bit>,
    pub head_tid: Signal<Out, Bits<FW>>,
    pub head_pop: Signal<In, Bit>,
    /// The oldest packet whose last beat is in and not yet taken: at most
    /// `len_bound` bytes (bit 24: 16 MiB or more).
    pub len_valid: Signal<Out, Bit>,
    pub len_bound: Signal<Out, Bits<25>>,
    pub len_pop: Signal<In, Bit>,
    in_skid: AxisSkid<DW, KW>,
    data: Fifo<Bits<DW>, LOOKAHEAD_LOG2, { LOOKAHEAD_LOG2 + 1 }>,
    keep: Fifo<Bits<KW>, LOOKAHEAD_LOG2, { LOOKAHEAD_LOG2 + 1 }>,
    /// `tlast` (bit 0) and `tid` of each beat.
    side: Fifo<Bits<{ FW + 1 }>, LOOKAHEAD_LOG2, { LOOKAHEAD_LOG2 + 1 }>,
    heads: Fifo<Bits<FW>, LOOKAHEAD_LOG2, { LOOKAHEAD_LOG2 + 1 }>,
    lens: Fifo<Bits<25>, LOOKAHEAD_LOG2, { LOOKAHEAD_LOG2 + 1 }>,
    /// Bytes per beat; the packet being written's bound so far (bit 24
    /// sticks: it stops counting there).
    kw: Constant<Bits<25>>,
    count: DFF<Bits<25>>,
    count_nx: Signal<Local, Bits<25>>,
    /// Per byte lane: the keep bit, the beat's bytes up to it, its bytes.
    keep_bit: Vec<Constant<Bits<KW>>>,
    keep_count: Vec<Constant<Bits<8>>>,
    byte_mask: Vec<Constant<Bits<DW>>>,
    out_count: Signal<Local, Bits<8>>,
    out_mask: Signal<Local, Bits<DW>>,
    out_skid: AxisSkid<DW, KW>,
    /// A packet is being written (its first beat is in).
    mid: DFF<Bit>,
    push: Signal<Local, Bit>,
    pull: Signal<Local, Bit>,
}

impl<const DW: usize, const KW: usize> Default for C2hInput<DW, KW> {
    fn default() -> Self {
        Self {
            clk: Default::default(),
            rst: Default::default(),
            s_axis_tvalid: Default::default(),
            s_axis_tready: Default::default(),
            s_axis_tdata: Default::default(),
            s_axis_tkeep: Default::default(),
            s_axis_tlast: Default::default(),
            s_axis_tid: Default::default(),
            m_axis_tvalid: Default::default(),
            m_axis_tready: Default::default(),
            m_axis_tdata: Default::default(),
            m_axis_count: Default::default(),
            keep_bit: (0..KW).map(|i| Constant::new(Bits::<KW>::default().replace_bit(i, true))).collect(),
            keep_count: (0..KW).map(|i| Constant::new((i as u64 + 1).into())).collect(),
            byte_mask: (0..KW)
                .map(|i| {
                    let mut m: Bits<DW> = Bits::default();
                    for b in 0..8 {
                        m = m.replace_bit(8 * i + b, true);
                    }
                    Constant::new(m)
                })
                .collect(),
            out_count: Default::default(),
            out_mask: Default::default(),
            m_axis_tlast: Default::default(),
            m_axis_tid: Default::default(),
            head_valid: Default::default(),
            head_tid: Default::default(),
            head_pop: Default::default(),
            len_valid: Default::default(),
            len_bound: Default::default(),
            len_pop: Default::default(),
            in_skid: Default::default(),
            data: Default::default(),
            keep: Default::default(),
            side: Default::default(),
            heads: Default::default(),
            lens: Default::default(),
            kw: Constant::new((KW as u64).into()),
            count: Default::default(),
            count_nx: Default::default(),
            out_skid: Default::default(),
            mid: Default::default(),
            push: Default::default(),
            pull: Default::default(),
        }
    }
}

impl<const DW: usize, const KW: usize> Logic for C2hInput<DW, KW> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clk, mid, count);
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
        self.lens.clk.next = self.clk.val();
        self.lens.rst.next = self.rst.val();
        self.in_skid.s_axis_tvalid.next = self.s_axis_tvalid.val();
        self.in_skid.s_axis_tdata.next = self.s_axis_tdata.val();
        self.in_skid.s_axis_tkeep.next = self.s_axis_tkeep.val();
        self.in_skid.s_axis_tlast.next = self.s_axis_tlast.val();
        self.in_skid.s_axis_tid.next = self.s_axis_tid.val();
        self.in_skid.s_axis_tuser.next = false;
        self.s_axis_tready.next = self.in_skid.s_axis_tready.val();

        // Into the FIFOs while all have room (a packet's first beat also
        // writes its function into `heads`).
        self.push.next = self.in_skid.m_axis_tvalid.val() & !self.data.full.val() & !self.heads.full.val() & !self.lens.full.val();
        self.in_skid.m_axis_tready.next = !self.data.full.val() & !self.heads.full.val() & !self.lens.full.val();
        self.data.write.next = self.push.val();
        self.keep.write.next = self.push.val();
        self.side.write.next = self.push.val();
        self.data.data_in.next = self.in_skid.m_axis_tdata.val();
        self.keep.data_in.next = self.in_skid.m_axis_tkeep.val();
        self.side.data_in.next = (bit_cast::<{ FW + 1 }, FW>(self.in_skid.m_axis_tid.val()) << 1)
            | bit_cast::<{ FW + 1 }, 1>(self.in_skid.m_axis_tlast.val().into());
        self.heads.write.next = self.push.val() & !self.mid.q.val();
        self.heads.data_in.next = self.in_skid.m_axis_tid.val();
        self.count_nx.next = self.count.q.val();
        if !self.count.q.val().get_bit(24) {
            self.count_nx.next = self.count.q.val() + self.kw.val();
        }
        self.lens.write.next = self.push.val() & self.in_skid.m_axis_tlast.val();
        self.lens.data_in.next = self.count_nx.val();
        if self.push.val() {
            self.mid.d.next = !self.in_skid.m_axis_tlast.val();
            self.count.d.next = self.count_nx.val();
            if self.in_skid.m_axis_tlast.val() {
                self.count.d.next = 0.into();
            }
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
        // (Worked out in locals, each output assigned once: see `banks.rs`.)
        self.out_count.next = 0.into();
        self.out_mask.next = 0.into();
        for i in 0..self.keep_bit.len() {
            if (self.out_skid.m_axis_tkeep.val() & self.keep_bit[i].val()).any() {
                self.out_count.next = self.keep_count[i].val();
                self.out_mask.next = self.out_mask.val() | self.byte_mask[i].val();
            }
        }
        self.m_axis_count.next = self.out_count.val();
        self.m_axis_tdata.next = self.out_skid.m_axis_tdata.val() & self.out_mask.val();
        self.m_axis_tlast.next = self.out_skid.m_axis_tlast.val();
        self.m_axis_tid.next = self.out_skid.m_axis_tid.val();

        self.head_valid.next = !self.heads.empty.val();
        self.head_tid.next = self.heads.data_out.val();
        self.heads.read.next = self.head_pop.val();
        self.len_valid.next = !self.lens.empty.val();
        self.len_bound.next = self.lens.data_out.val();
        self.lens.read.next = self.len_pop.val() & !self.lens.empty.val();
        if self.rst.val() {
            self.mid.d.next = false;
            self.count.d.next = 0.into();
        }
    }
}
