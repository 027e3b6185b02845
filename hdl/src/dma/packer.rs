//! The DMA's H2C output: the data FIFO and the byte packer behind `m_axis_h2c`.
//!
//! The read side pushes one entry per R beat: the beat's bytes already
//! shifted down to byte 0 and a side word (`DataMeta`: how many bytes,
//! function, end of packet, packet cut). The packer takes entries as long as
//! it holds at most one beat of bytes, and emits one full beat per cycle
//! (or the packet's last, partial one) from its output register. Every entry
//! had its room reserved by the H2C issuer before its read was issued, so the
//! FIFO never refuses a push; `pop` tells the issuer an entry's room is free.

use super::desc::DataMeta;
use super::DATA_FIFO_BEATS;
use crate::fifo::Fifo;
use crate::FUNCTION_ID_BITS as FW;
use rust_hdl::prelude::*;

/// log2 of `DATA_FIFO_BEATS`.
const DF_LOG2: usize = 9;
const _: () = assert!(1 << DF_LOG2 == DATA_FIFO_BEATS);

#[derive(LogicBlock)]
pub struct H2cPacker<const DW: usize, const KW: usize, const DW2: usize> {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// One entry of the data FIFO (room reserved beforehand).
    pub push: Signal<In, Bit>,
    pub push_data: Signal<In, Bits<DW>>,
    pub push_meta: Signal<In, DataMeta>,
    /// An entry left the data FIFO (the cycle before).
    pub pop: Signal<Out, Bit>,
    /// A packet's last beat left on the stream (the cycle before).
    pub packet_out: Signal<Out, Bit>,
    /// The stream, from registers.
    pub m_tvalid: Signal<Out, Bit>,
    pub m_tready: Signal<In, Bit>,
    pub m_tdata: Signal<Out, Bits<DW>>,
    pub m_tkeep: Signal<Out, Bits<KW>>,
    pub m_tlast: Signal<Out, Bit>,
    pub m_tid: Signal<Out, Bits<FW>>,
    /// With `m_tlast`: the packet was cut.
    pub m_tuser: Signal<Out, Bit>,
    data: Fifo<Bits<DW>, DF_LOG2, { DF_LOG2 + 1 }>,
    meta: Fifo<DataMeta, DF_LOG2, { DF_LOG2 + 1 }>,
    kw: Constant<Bits<8>>,
    keep_all: Constant<Bits<KW>>,
    // Bytes gathered (up to two beats), how many, the packet ends with
    // them, its function and cut flag; the output register.
    acc: DFF<Bits<DW2>>,
    fill: DFF<Bits<8>>,
    flush: DFF<Bit>,
    tid: DFF<Bits<FW>>,
    err: DFF<Bit>,
    o_valid: DFF<Bit>,
    o_data: DFF<Bits<DW>>,
    o_keep: DFF<Bits<KW>>,
    o_last: DFF<Bit>,
    o_tid: DFF<Bits<FW>>,
    o_user: DFF<Bit>,
    /// `pop` and `packet_out`, a cycle late (registered outputs: the
    /// credits they return may come late, never early).
    pop_q: DFF<Bit>,
    pkt_q: DFF<Bit>,
    h_n: Signal<Local, Bits<8>>,
    emit: Signal<Local, Bit>,
    acc_out: Signal<Local, Bits<DW2>>,
    fill_out: Signal<Local, Bits<8>>,
    can_take: Signal<Local, Bit>,
    take: Signal<Local, Bit>,
}

impl<const DW: usize, const KW: usize, const DW2: usize> Logic for H2cPacker<DW, KW, DW2> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clk, acc, fill, flush, tid, err, o_valid, o_data, o_keep, o_last, o_tid, o_user, pop_q, pkt_q);
        self.data.clk.next = self.clk.val();
        self.meta.clk.next = self.clk.val();
        self.data.rst.next = self.rst.val();
        self.meta.rst.next = self.rst.val();
        self.data.write.next = self.push.val();
        self.meta.write.next = self.push.val();
        self.data.data_in.next = self.push_data.val();
        self.meta.data_in.next = self.push_meta.val();
        self.h_n.next = self.meta.data_out.val().bytes;
        // A beat leaves the gathered bytes when the output register is free.
        self.emit.next = (!self.o_valid.q.val() | self.m_tready.val())
            & ((self.fill.q.val() >= self.kw.val()) | (self.flush.q.val() & (self.fill.q.val() != 0)));
        self.acc_out.next = self.acc.q.val();
        self.fill_out.next = self.fill.q.val();
        if self.m_tready.val() {
            self.o_valid.d.next = false;
        }
        if self.emit.val() {
            self.o_valid.d.next = true;
            self.o_data.d.next = bit_cast::<DW, DW2>(self.acc.q.val());
            self.o_tid.d.next = self.tid.q.val();
            self.acc_out.next = self.acc.q.val() >> (bit_cast::<11, 8>(self.kw.val()) << 3);
            if self.fill.q.val() >= self.kw.val() {
                self.o_keep.d.next = self.keep_all.val();
                self.fill_out.next = self.fill.q.val() - self.kw.val();
            } else {
                self.o_keep.d.next = self.keep_all.val() >> (self.kw.val() - self.fill.q.val());
                self.fill_out.next = 0.into();
            }
            self.o_last.d.next = self.flush.q.val() & (self.fill.q.val() <= self.kw.val());
            self.o_user.d.next = self.flush.q.val() & self.err.q.val() & (self.fill.q.val() <= self.kw.val());
            if self.flush.q.val() & (self.fill.q.val() <= self.kw.val()) {
                self.flush.d.next = false;
            }
        }
        // The next entry joins what is left (at most one beat, no packet
        // end), or starts the next packet in the cycle the packet's last
        // beat leaves (no bubble between packets).
        self.can_take.next = (!self.flush.q.val() | (self.emit.val() & (self.fill.q.val() <= self.kw.val())))
            & (self.fill_out.val() <= self.kw.val());
        self.take.next = !self.data.empty.val() & !self.meta.empty.val() & self.can_take.val();
        self.acc.d.next = self.acc_out.val();
        self.fill.d.next = self.fill_out.val();
        if self.take.val() {
            self.acc.d.next = self.acc_out.val()
                | (bit_cast::<DW2, DW>(self.data.data_out.val()) << (bit_cast::<11, 8>(self.fill_out.val()) << 3));
            self.fill.d.next = self.fill_out.val() + self.h_n.val();
            self.tid.d.next = self.meta.data_out.val().function;
            if self.meta.data_out.val().eop {
                self.flush.d.next = true;
                self.err.d.next = self.meta.data_out.val().cut;
                if (self.fill_out.val() + self.h_n.val()) == 0 {
                    // A packet ended with nothing left to send: one byte carries tlast.
                    self.fill.d.next = 1.into();
                }
            }
        }
        self.data.read.next = self.take.val();
        self.meta.read.next = self.take.val();
        self.pop_q.d.next = self.take.val();
        self.pkt_q.d.next = self.o_valid.q.val() & self.o_last.q.val() & self.m_tready.val();
        self.pop.next = self.pop_q.q.val();
        self.packet_out.next = self.pkt_q.q.val();
        self.m_tvalid.next = self.o_valid.q.val();
        self.m_tdata.next = self.o_data.q.val();
        self.m_tkeep.next = self.o_keep.q.val();
        self.m_tlast.next = self.o_last.q.val();
        self.m_tid.next = self.o_tid.q.val();
        self.m_tuser.next = self.o_user.q.val();
        if self.rst.val() {
            self.fill.d.next = 0.into();
            self.flush.d.next = false;
            self.o_valid.d.next = false;
            self.pop_q.d.next = false;
            self.pkt_q.d.next = false;
        }
    }
}

impl<const DW: usize, const KW: usize, const DW2: usize> Default for H2cPacker<DW, KW, DW2> {
    fn default() -> Self {
        let mut keep_all: Bits<KW> = Bits::default();
        for i in 0..KW {
            keep_all = keep_all.replace_bit(i, true);
        }
        Self {
            clk: Default::default(),
            rst: Default::default(),
            push: Default::default(),
            push_data: Default::default(),
            push_meta: Default::default(),
            pop: Default::default(),
            packet_out: Default::default(),
            m_tvalid: Default::default(),
            m_tready: Default::default(),
            m_tdata: Default::default(),
            m_tkeep: Default::default(),
            m_tlast: Default::default(),
            m_tid: Default::default(),
            m_tuser: Default::default(),
            data: Default::default(),
            meta: Default::default(),
            kw: Constant::new((KW as u64).into()),
            keep_all: Constant::new(keep_all),
            acc: Default::default(),
            fill: Default::default(),
            flush: Default::default(),
            tid: Default::default(),
            err: Default::default(),
            o_valid: Default::default(),
            o_data: Default::default(),
            o_keep: Default::default(),
            o_last: Default::default(),
            o_tid: Default::default(),
            o_user: Default::default(),
            pop_q: Default::default(),
            pkt_q: Default::default(),
            h_n: Default::default(),
            emit: Default::default(),
            acc_out: Default::default(),
            fill_out: Default::default(),
            can_take: Default::default(),
            take: Default::default(),
        }
    }
}
