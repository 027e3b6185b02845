//! The DMA's host writes: the AXI AW, W and B channels.
//!
//! Two sources, each through its own command FIFO: C2H data bursts (the C2H
//! engine pushes each beat into the write queue of 64, then, once the
//! burst's last beat is in, the burst) and completion write-backs of the
//! control engine (one 8-byte word each). One AW register serves them, the
//! C2H bursts first: a write-back is issued only when no C2H burst is queued,
//! so the write-back of a C2H buffer always follows the buffer's data (the
//! C2H engine asks for it after pushing its last burst). W serves the bursts
//! in AW order (a FIFO of 16: source, beats) from the write queue or from the
//! write-back FIFO (16), through the W register slice. B answers come in AW
//! order: an error answer is reported (`berr_*`) with the function of its
//! write (a FIFO of 64 in AW order), held until the control engine takes it.
//!
//! Boundary: every input is taken into a register or a FIFO; every output is
//! a register, a register slice's or derived from registers alone (the
//! `*_room` credits count the pushes a source may have in its own output
//! register, so a source decides on them a cycle ahead).

use super::desc::{WriteBack, WriteBurst};
use crate::fifo::Fifo;
use crate::skid::{Skid, Skid3};
use crate::FUNCTION_ID_BITS as FW;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct DmaWrites<const DW: usize, const KW: usize> {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// C2H engine: one beat into the write queue (`data_room` was high the cycle before).
    pub data_push: Signal<In, Bit>,
    pub data: Signal<In, Bits<DW>>,
    pub strb: Signal<In, Bits<KW>>,
    pub data_room: Signal<Out, Bit>,
    /// C2H engine: a burst whose beats are all pushed.
    pub burst_push: Signal<In, Bit>,
    pub burst: Signal<In, WriteBurst>,
    pub burst_room: Signal<Out, Bit>,
    /// Control engine: a completion write-back.
    pub wb_push: Signal<In, Bit>,
    pub wb: Signal<In, WriteBack>,
    pub wb_room: Signal<Out, Bit>,
    /// No write-back is queued that has not left on W (a register read waits
    /// for it: PCIe orders a read completion after the posted writes before it).
    pub wb_idle: Signal<Out, Bit>,
    /// An error answer on B, of this function's write; `berr_take` clears it.
    pub berr_valid: Signal<Out, Bit>,
    pub berr_function: Signal<Out, Bits<FW>>,
    pub berr_take: Signal<In, Bit>,
    /// The AXI write channels (`awsize`, `awburst`: the parent's constants).
    pub awvalid: Signal<Out, Bit>,
    pub awready: Signal<In, Bit>,
    pub awaddr: Signal<Out, Bits<64>>,
    pub awlen: Signal<Out, Bits<8>>,
    pub awuser: Signal<Out, Bits<FW>>,
    pub wvalid: Signal<Out, Bit>,
    pub wready: Signal<In, Bit>,
    pub wdata: Signal<Out, Bits<DW>>,
    pub wstrb: Signal<Out, Bits<KW>>,
    pub wlast: Signal<Out, Bit>,
    pub bvalid: Signal<In, Bit>,
    pub bready: Signal<Out, Bit>,
    pub bresp: Signal<In, Bits<2>>,
    bursts: Fifo<WriteBurst, 4, 5>,
    wbacks: Fifo<WriteBack, 4, 5>,
    b_in: Skid<Bits<2>>,
    /// The W register slice: data, strobes, side word (last: bit 0, a write-back beat: bit 1).
    w_out: Skid3<Bits<DW>, Bits<KW>, Bits<2>>,
    /// Write-back beats in the W register slice (not yet on W).
    wb_held: DFF<Bits<2>>,
    /// The credits, registered (see `update`).
    data_room_r: DFF<Bit>,
    burst_room_r: DFF<Bit>,
    wb_room_r: DFF<Bit>,
    aw_valid: DFF<Bit>,
    aw_addr: DFF<Bits<64>>,
    aw_len: DFF<Bits<8>>,
    aw_user: DFF<Bits<FW>>,
    // The write queue (C2H beats), the write-back data FIFO, the W order
    // FIFO (source bit 8, beats - 1); the functions of the writes awaiting B.
    wq_data: Fifo<Bits<DW>, 6, 7>,
    wq_strb: Fifo<Bits<KW>, 6, 7>,
    wbq_data: Fifo<Bits<DW>, 4, 5>,
    wbq_strb: Fifo<Bits<KW>, 4, 5>,
    wo: Fifo<Bits<9>, 4, 5>,
    w_rem: DFF<Bits<9>>,
    w_src: DFF<Bit>,
    wfn: Fifo<Bits<FW>, 6, 7>,
    be_v: DFF<Bit>,
    be_fn: DFF<Bits<FW>>,
    kw_mask: Constant<Bits<8>>,
    wb_strb: Constant<Bits<KW>>,
    aw_free: Signal<Local, Bit>,
    aw_go: Signal<Local, Bit>,
    take_burst: Signal<Local, Bit>,
    take_wb: Signal<Local, Bit>,
    wb_addr: Signal<Local, Bits<64>>,
    wb_word: Signal<Local, Bits<64>>,
    burst_last: Signal<Local, Bits<8>>,
    wb_off: Signal<Local, Bits<8>>,
    wq_pop: Signal<Local, Bit>,
    wb_pop: Signal<Local, Bit>,
    wbq_push: Signal<Local, Bit>,
    wo_push: Signal<Local, Bit>,
    wo_in: Signal<Local, Bits<9>>,
    wo_pop: Signal<Local, Bit>,
    e_rem: Signal<Local, Bits<9>>,
    e_src: Signal<Local, Bit>,
    e_new: Signal<Local, Bit>,
    w_vl: Signal<Local, Bit>,
    w_fire: Signal<Local, Bit>,
    b_fire: Signal<Local, Bit>,
}

impl<const DW: usize, const KW: usize> Default for DmaWrites<DW, KW> {
    fn default() -> Self {
        Self {
            clk: Default::default(),
            rst: Default::default(),
            data_push: Default::default(),
            data: Default::default(),
            strb: Default::default(),
            data_room: Default::default(),
            burst_push: Default::default(),
            burst: Default::default(),
            burst_room: Default::default(),
            wb_push: Default::default(),
            wb: Default::default(),
            wb_room: Default::default(),
            wb_idle: Default::default(),
            berr_valid: Default::default(),
            berr_function: Default::default(),
            berr_take: Default::default(),
            awvalid: Default::default(),
            awready: Default::default(),
            awaddr: Default::default(),
            awlen: Default::default(),
            awuser: Default::default(),
            wvalid: Default::default(),
            wready: Default::default(),
            wdata: Default::default(),
            wstrb: Default::default(),
            wlast: Default::default(),
            bvalid: Default::default(),
            bready: Default::default(),
            bresp: Default::default(),
            bursts: Default::default(),
            wbacks: Default::default(),
            b_in: Default::default(),
            w_out: Default::default(),
            wb_held: Default::default(),
            data_room_r: Default::default(),
            burst_room_r: Default::default(),
            wb_room_r: Default::default(),
            aw_valid: Default::default(),
            aw_addr: Default::default(),
            aw_len: Default::default(),
            aw_user: Default::default(),
            wq_data: Default::default(),
            wq_strb: Default::default(),
            wbq_data: Default::default(),
            wbq_strb: Default::default(),
            wo: Default::default(),
            w_rem: Default::default(),
            w_src: Default::default(),
            wfn: Default::default(),
            be_v: Default::default(),
            be_fn: Default::default(),
            kw_mask: Constant::new((KW as u64 - 1).into()),
            wb_strb: Constant::new(0xffu64.into()),
            aw_free: Default::default(),
            aw_go: Default::default(),
            take_burst: Default::default(),
            take_wb: Default::default(),
            wb_addr: Default::default(),
            wb_word: Default::default(),
            burst_last: Default::default(),
            wb_off: Default::default(),
            wq_pop: Default::default(),
            wb_pop: Default::default(),
            wbq_push: Default::default(),
            wo_push: Default::default(),
            wo_in: Default::default(),
            wo_pop: Default::default(),
            e_rem: Default::default(),
            e_src: Default::default(),
            e_new: Default::default(),
            w_vl: Default::default(),
            w_fire: Default::default(),
            b_fire: Default::default(),
        }
    }
}

impl<const DW: usize, const KW: usize> Logic for DmaWrites<DW, KW> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clk, wb_held, data_room_r, burst_room_r, wb_room_r, aw_valid, aw_addr, aw_len, aw_user, w_rem,
            w_src, be_v, be_fn
        );
        self.bursts.clk.next = self.clk.val();
        self.wbacks.clk.next = self.clk.val();
        self.b_in.clk.next = self.clk.val();
        self.w_out.clk.next = self.clk.val();
        self.bursts.rst.next = self.rst.val();
        self.wbacks.rst.next = self.rst.val();
        self.b_in.rst.next = self.rst.val();
        self.w_out.rst.next = self.rst.val();
        self.wq_data.clk.next = self.clk.val();
        self.wq_strb.clk.next = self.clk.val();
        self.wbq_data.clk.next = self.clk.val();
        self.wbq_strb.clk.next = self.clk.val();
        self.wo.clk.next = self.clk.val();
        self.wq_data.rst.next = self.rst.val();
        self.wq_strb.rst.next = self.rst.val();
        self.wbq_data.rst.next = self.rst.val();
        self.wbq_strb.rst.next = self.rst.val();
        self.wo.rst.next = self.rst.val();
        self.wfn.clk.next = self.clk.val();
        self.wfn.rst.next = self.rst.val();

        // ---- Credits: a source may have one more push in its output register
        // than the count shows. They leave from registers, a cycle older than
        // the count (which may have grown by one push since, hence one less
        // than the 61 and 13 an unregistered credit would allow): the FIFO
        // count's subtraction then ends here instead of running on into the
        // C2H engine's beat decision (the DMA's critical path at 57 MHz).
        self.data_room_r.d.next = self.wq_data.count.val() < 60;
        self.burst_room_r.d.next = self.bursts.count.val() < 12;
        self.wb_room_r.d.next = self.wbacks.count.val() < 12;
        self.data_room.next = self.data_room_r.q.val();
        self.burst_room.next = self.burst_room_r.q.val();
        self.wb_room.next = self.wb_room_r.q.val();
        self.wb_idle.next = (self.wbacks.count.val() == 0) & (self.wbq_data.count.val() == 0) & (self.wb_held.q.val() == 0);
        self.bursts.write.next = self.burst_push.val();
        self.bursts.data_in.next = self.burst.val();
        self.wbacks.write.next = self.wb_push.val();
        self.wbacks.data_in.next = self.wb.val();

        // ---- AW: the next C2H burst, else (none queued) the next write-back.
        self.aw_free.next = !self.aw_valid.q.val() | self.awready.val();
        self.aw_go.next = self.aw_free.val() & (self.wfn.count.val() < 60) & (self.wo.count.val() < 14);
        self.take_burst.next = self.aw_go.val() & !self.bursts.empty.val();
        self.take_wb.next = self.aw_go.val() & (self.bursts.count.val() == 0) & !self.wbacks.empty.val();
        self.bursts.read.next = self.take_burst.val();
        self.wbacks.read.next = self.take_wb.val();
        if self.aw_valid.q.val() & self.awready.val() {
            self.aw_valid.d.next = false;
        }
        self.wo_push.next = false;
        self.burst_last.next = self.bursts.data_out.val().last;
        self.wb_addr.next = self.wbacks.data_out.val().addr;
        self.wb_word.next = self.wbacks.data_out.val().word;
        self.wo_in.next = bit_cast::<9, 8>(self.burst_last.val());
        self.wbq_push.next = false;
        self.wb_off.next = self.wb_addr.val().get_bits::<8>(0) & self.kw_mask.val();
        self.wfn.data_in.next = self.bursts.data_out.val().function;
        if self.take_burst.val() {
            self.aw_valid.d.next = true;
            self.aw_addr.d.next = self.bursts.data_out.val().addr;
            self.aw_len.d.next = self.bursts.data_out.val().last;
            self.aw_user.d.next = self.bursts.data_out.val().function;
            self.wo_push.next = true;
        } else if self.take_wb.val() {
            self.aw_valid.d.next = true;
            self.aw_addr.d.next = self.wbacks.data_out.val().addr;
            self.aw_len.d.next = 0.into();
            self.aw_user.d.next = self.wbacks.data_out.val().function;
            self.wo_push.next = true;
            self.wo_in.next = bit_cast::<9, 1>(true.into()) << 8;
            self.wbq_push.next = true;
            self.wfn.data_in.next = self.wbacks.data_out.val().function;
        }
        self.awvalid.next = self.aw_valid.q.val();
        self.awaddr.next = self.aw_addr.q.val();
        self.awlen.next = self.aw_len.q.val();
        self.awuser.next = self.aw_user.q.val();
        self.wfn.write.next = self.wo_push.val();

        // ---- W: the burst started, else the next in AW order.
        self.e_rem.next = self.w_rem.q.val();
        self.e_src.next = self.w_src.q.val();
        self.e_new.next = false;
        if (self.w_rem.q.val() == 0) & !self.wo.empty.val() {
            self.e_rem.next = bit_cast::<9, 8>(self.wo.data_out.val().get_bits::<8>(0)) + 1;
            self.e_src.next = self.wo.data_out.val().get_bit(8);
            self.e_new.next = true;
        }
        self.w_vl.next = (self.e_rem.val() != 0)
            & ((self.e_src.val() & !self.wbq_data.empty.val()) | (!self.e_src.val() & !self.wq_data.empty.val()));
        self.w_out.s_valid.next = self.w_vl.val();
        self.w_out.s_a.next = self.wq_data.data_out.val();
        self.w_out.s_b.next = self.wq_strb.data_out.val();
        if self.e_src.val() {
            self.w_out.s_a.next = self.wbq_data.data_out.val();
            self.w_out.s_b.next = self.wbq_strb.data_out.val();
        }
        self.w_out.s_c.next = bit_cast::<2, 1>((self.e_rem.val() == 1).into())
            | (bit_cast::<2, 1>(self.e_src.val().into()) << 1);
        self.w_fire.next = self.w_vl.val() & self.w_out.s_ready.val();
        self.wo_pop.next = self.e_new.val();
        self.w_rem.d.next = self.e_rem.val();
        self.w_src.d.next = self.e_src.val();
        self.wq_pop.next = false;
        self.wb_pop.next = false;
        if self.w_fire.val() {
            self.w_rem.d.next = self.e_rem.val() - 1;
            if self.e_src.val() {
                self.wb_pop.next = true;
            } else {
                self.wq_pop.next = true;
            }
        }
        self.wvalid.next = self.w_out.m_valid.val();
        self.wdata.next = self.w_out.m_a.val();
        self.wstrb.next = self.w_out.m_b.val();
        self.wlast.next = self.w_out.m_c.val().get_bit(0);
        self.w_out.m_ready.next = self.wready.val();
        // Write-back beats taken into the W slice and not yet on W.
        if self.w_fire.val() & self.e_src.val() {
            if !(self.wready.val() & self.w_out.m_valid.val() & self.w_out.m_c.val().get_bit(1)) {
                self.wb_held.d.next = self.wb_held.q.val() + 1;
            }
        } else if self.wready.val() & self.w_out.m_valid.val() & self.w_out.m_c.val().get_bit(1) {
            self.wb_held.d.next = self.wb_held.q.val() - 1;
        }

        // ---- The three FIFOs (`fifo.rs`): write queue, write-back data, W order.
        self.wq_data.write.next = self.data_push.val();
        self.wq_strb.write.next = self.data_push.val();
        self.wq_data.data_in.next = self.data.val();
        self.wq_strb.data_in.next = self.strb.val();
        self.wq_data.read.next = self.wq_pop.val();
        self.wq_strb.read.next = self.wq_pop.val();
        self.wbq_data.write.next = self.wbq_push.val();
        self.wbq_strb.write.next = self.wbq_push.val();
        self.wbq_data.data_in.next =
            bit_cast::<DW, 64>(self.wb_word.val()) << (bit_cast::<11, 8>(self.wb_off.val()) << 3);
        self.wbq_strb.data_in.next = self.wb_strb.val() << self.wb_off.val();
        self.wbq_data.read.next = self.wb_pop.val();
        self.wbq_strb.read.next = self.wb_pop.val();
        self.wo.write.next = self.wo_push.val();
        self.wo.data_in.next = self.wo_in.val();
        self.wo.read.next = self.wo_pop.val();

        // ---- B: an error answer stops the function of that write (held until taken).
        self.b_in.s_valid.next = self.bvalid.val();
        self.b_in.s_data.next = self.bresp.val();
        self.bready.next = self.b_in.s_ready.val();
        if self.berr_take.val() {
            self.be_v.d.next = false;
        }
        self.berr_valid.next = self.be_v.q.val();
        self.berr_function.next = self.be_fn.q.val();
        self.b_in.m_ready.next = !self.be_v.q.val();
        self.b_fire.next = self.b_in.m_valid.val() & !self.be_v.q.val();
        self.wfn.read.next = self.b_fire.val();
        if self.b_fire.val() & (self.b_in.m_data.val() != 0) {
            self.be_v.d.next = true;
            self.be_fn.d.next = self.wfn.data_out.val();
        }

        if self.rst.val() {
            self.aw_valid.d.next = false;
            self.w_rem.d.next = 0.into();
            self.be_v.d.next = false;
            self.wb_held.d.next = 0.into();
        }
    }
}
