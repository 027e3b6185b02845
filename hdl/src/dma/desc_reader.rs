//! The DMA's descriptor reads, on their own AXI read port (`m_axi_desc_*`):
//! the control engine's H2C descriptor fetches, C2H buffer reads and C2H
//! prefetches and run-ahead reads.
//!
//! Why a port of their own: on the data reads' in-order R channel every
//! 16-byte descriptor took R beats from the data (a 256-byte packet's two
//! 64-bit beats of descriptor held the ceiling at 32/34 = 0.941 beats per
//! cycle), and a descriptor read waited behind every data burst issued
//! before it. Here a descriptor read goes to AR as soon as the control
//! engine asks (`ctl_*`: it waits in the control engine's request register;
//! `ctl_take`, a register, a cycle after it went), with a tag into the tag
//! FIFO (64, in AXI order); the R beats are assembled into the descriptors
//! (an H2C fetch or a C2H run-ahead read reads up to four, in one 64-byte
//! block; a beat of several
//! is held while they leave, one a cycle); each goes to its bank
//! (`arrive_*`, H2C), to the C2H engine (`buf_*`: the
//! one it waits for) or to its function's prefetch slot (`slot_*`; a
//! prefetch waits while `pf_block`: the control engine reads the slot) or
//! to the C2H run-ahead (`ahead_valid`, with `buf_desc`).
//!
//! Boundary: AR leaves and R enters through register slices (the port's
//! front end, `tagged_reads.rs`); every other output is a register (the
//! results leave a cycle after their last beat), so no output follows an
//! input within a cycle.

use super::desc::{C2hBuf, C2hSlot, CtlRead, H2cDesc, ReadKind, ReadTag, WriteBurst};
use super::tagged_reads::TaggedReads;
use super::H2C_BANK_BITS;
use crate::FUNCTION_ID_BITS as FW;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct DescReader<const DW: usize, const KW: usize> {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// The AXI read channels (`arsize`, `arburst`: the parent's constants).
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
    /// Control engine: a descriptor read, waiting in the control engine's
    /// request register (`ctl_valid`) until `ctl_take` (a register: a
    /// cycle after it went to AR, the request is not looked at meanwhile).
    pub ctl_valid: Signal<In, Bit>,
    pub ctl_rd: Signal<In, CtlRead>,
    pub ctl_take: Signal<Out, Bit>,
    /// A fetched H2C descriptor for bank `arrive_bank`.
    pub arrive: Signal<Out, Bit>,
    pub arrive_desc: Signal<Out, H2cDesc>,
    pub arrive_bank: Signal<Out, Bits<H2C_BANK_BITS>>,
    /// A C2H buffer for the C2H engine.
    pub buf_valid: Signal<Out, Bit>,
    pub buf_desc: Signal<Out, C2hBuf>,
    /// Control engine: the C2H engine (packet of `pf_function`) waits for
    /// the prefetch numbered `pf_seq`, still in flight (`pf_wait`, a
    /// register of the control engine, until `pf_got`: handed over).
    pub pf_wait: Signal<In, Bit>,
    pub pf_seq: Signal<In, Bits<8>>,
    pub pf_function: Signal<In, Bits<FW>>,
    pub pf_got: Signal<Out, Bit>,
    pub pf_block: Signal<In, Bit>,
    /// A prefetched C2H descriptor into `slot_function`'s slot.
    pub slot_write: Signal<Out, Bit>,
    pub slot_function: Signal<Out, Bits<FW>>,
    pub slot: Signal<Out, C2hSlot>,
    /// A C2H descriptor read ahead, for the run-ahead (in `buf_desc`).
    pub ahead_valid: Signal<Out, Bit>,

    // ---- configuration
    kw: Constant<Bits<8>>,
    kw_mask: Constant<Bits<8>>,
    log2_kw: Constant<Bits<8>>,
    /// Bytes of a descriptor read's first beat: min(beat, 16) (descriptors
    /// are 16-byte aligned: a misaligned ring is refused before any fetch).
    desc_n0: Constant<Bits<8>>,

    // ---- boundary: AR, R and the read tags (64, in AXI order)
    port: TaggedReads<DW>,
    /// The control engine's read went to AR the cycle before.
    cq_took: DFF<Bit>,
    // ---- assembly
    /// Descriptors of the tag at the head done so far.
    d_idx: DFF<Bits<2>>,
    /// The descriptor's bytes in so far, and whether a beat was refused.
    d_acc: DFF<Bits<128>>,
    d_fill: DFF<Bits<8>>,
    d_err: DFF<Bit>,
    /// The prefetch waited for was handed over (to `pf_got`).
    pg_v: DFF<Bit>,
    // the results, registered
    dq_v: DFF<Bit>,
    dq_d: DFF<H2cDesc>,
    dq_bank: DFF<Bits<H2C_BANK_BITS>>,
    bf_v: DFF<Bit>,
    bf_d: DFF<C2hBuf>,
    ah_v: DFF<Bit>,
    sl_v: DFF<Bit>,
    sl_fn: DFF<Bits<FW>>,
    sl_d: DFF<C2hSlot>,

    // ---- combinational
    cq_go: Signal<Local, Bit>,
    cq_lo: Signal<Local, Bits<8>>,
    tag_in: Signal<Local, ReadTag>,
    ar_in: Signal<Local, WriteBurst>,
    t: Signal<Local, ReadTag>,
    r_bad: Signal<Local, Bit>,
    r_ready: Signal<Local, Bit>,
    r_fire: Signal<Local, Bit>,
    /// The beat's bytes of the descriptor: where they start in the beat
    /// (its 16-byte lane; 0 in a 64-bit beat) and how many (`desc_n0`).
    rb_s: Signal<Local, Bits<8>>,
    /// This step ends the descriptor, the tag's last descriptor, the beat.
    d_done: Signal<Local, Bit>,
    d_last: Signal<Local, Bit>,
    b_done: Signal<Local, Bit>,
    rb_data: Signal<Local, Bits<128>>,
    d_acc_nx: Signal<Local, Bits<128>>,
    d_err_nx: Signal<Local, Bit>,
    pf_arr: Signal<Local, Bit>,
}

impl<const DW: usize, const KW: usize> Default for DescReader<DW, KW> {
    fn default() -> Self {
        let cst8 = |v: usize| Constant::new((v as u64).into());
        Self {
            clk: Default::default(), rst: Default::default(), arvalid: Default::default(),
            arready: Default::default(), araddr: Default::default(), arlen: Default::default(),
            aruser: Default::default(), rvalid: Default::default(), rready: Default::default(),
            rdata: Default::default(), rresp: Default::default(), rlast: Default::default(),
            ctl_valid: Default::default(), ctl_rd: Default::default(), ctl_take: Default::default(),
            arrive: Default::default(), arrive_desc: Default::default(), arrive_bank: Default::default(),
            buf_valid: Default::default(), buf_desc: Default::default(), pf_wait: Default::default(),
            pf_seq: Default::default(), pf_function: Default::default(), pf_got: Default::default(),
            pf_block: Default::default(), slot_write: Default::default(), slot_function: Default::default(),
            slot: Default::default(), ahead_valid: Default::default(),
            kw: cst8(KW),
            kw_mask: cst8(KW - 1),
            log2_kw: cst8(KW.trailing_zeros() as usize),
            desc_n0: cst8(KW.min(16)),
            port: Default::default(), cq_took: Default::default(), d_idx: Default::default(), d_acc: Default::default(),
            d_fill: Default::default(), d_err: Default::default(), pg_v: Default::default(),
            dq_v: Default::default(), dq_d: Default::default(), dq_bank: Default::default(),
            bf_v: Default::default(), bf_d: Default::default(), ah_v: Default::default(), sl_v: Default::default(),
            sl_fn: Default::default(), sl_d: Default::default(), cq_go: Default::default(),
            cq_lo: Default::default(), tag_in: Default::default(), ar_in: Default::default(),
            t: Default::default(), r_bad: Default::default(),
            r_ready: Default::default(), r_fire: Default::default(), rb_s: Default::default(),
            d_done: Default::default(), d_last: Default::default(), b_done: Default::default(), rb_data: Default::default(), d_acc_nx: Default::default(),
            d_err_nx: Default::default(), pf_arr: Default::default(),
        }
    }
}

impl<const DW: usize, const KW: usize> Logic for DescReader<DW, KW> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clk, cq_took, d_idx, d_acc, d_fill, d_err, pg_v, dq_v, dq_d, dq_bank, bf_v, bf_d, ah_v,
            sl_v, sl_fn, sl_d
        );
        // ---- The port: AR, R, the tags.
        self.port.clk.next = self.clk.val();
        self.port.rst.next = self.rst.val();
        self.arvalid.next = self.port.arvalid.val();
        self.araddr.next = self.port.araddr.val();
        self.arlen.next = self.port.arlen.val();
        self.aruser.next = self.port.aruser.val();
        self.port.arready.next = self.arready.val();
        self.port.rvalid.next = self.rvalid.val();
        self.port.rdata.next = self.rdata.val();
        self.port.rresp.next = self.rresp.val();
        self.port.rlast.next = self.rlast.val();
        self.rready.next = self.port.rready.val();

        // ---- AR: the control engine's waiting read, with its tag.
        self.cq_go.next = self.ctl_valid.val() & !self.cq_took.q.val() & self.port.ar_room.val() & !self.port.tags_full.val();
        self.cq_took.d.next = self.cq_go.val();
        self.ctl_take.next = self.cq_took.q.val();
        self.cq_lo.next = bit_cast::<8, 64>(self.ctl_rd.val().addr) & self.kw_mask.val();
        self.tag_in.next.kind = ReadKind::H2cDesc;
        if self.ctl_rd.val().c2h {
            self.tag_in.next.kind = ReadKind::C2hDesc;
        }
        self.tag_in.next.function = self.ctl_rd.val().function;
        self.tag_in.next.offset = self.cq_lo.val();
        self.tag_in.next.bytes = (bit_cast::<13, 2>(self.ctl_rd.val().more) + 1) << 4;
        self.tag_in.next.n0 = self.desc_n0.val();
        self.tag_in.next.eop = false;
        self.tag_in.next.lastd = false;
        self.tag_in.next.gen = self.ctl_rd.val().gen;
        self.tag_in.next.len = 0.into();
        self.tag_in.next.irq = false;
        self.tag_in.next.bank = self.ctl_rd.val().bank;
        self.tag_in.next.prefetch = self.ctl_rd.val().prefetch;
        self.tag_in.next.seq = self.ctl_rd.val().seq;
        self.tag_in.next.ahead = self.ctl_rd.val().ahead;
        self.ar_in.next.addr = self.ctl_rd.val().addr;
        self.ar_in.next.last = (self.cq_lo.val() + (bit_cast::<8, 2>(self.ctl_rd.val().more) << 4) + 15) >> self.log2_kw.val();
        self.ar_in.next.function = self.ctl_rd.val().function;
        self.port.ar_push.next = self.cq_go.val();
        self.port.ar.next = self.ar_in.val();
        self.port.tag_push.next = self.cq_go.val();
        self.port.tag_in.next = self.tag_in.val();

        // ---- R: beats assembled by the tag at the head. A descriptor is
        // 16 bytes at a 16-byte aligned address: from 128 bits up, one
        // 16-byte lane of a beat (the tag's first at its offset, the next
        // ones in the lanes after it: a beat of several is held until its
        // last has left), else two beats of 8 bytes.
        self.t.next = self.port.tag.val();
        self.r_bad.next = self.port.beat_bad.val();
        self.rb_s.next = (self.t.val().offset + (bit_cast::<8, 2>(self.d_idx.q.val()) << 4)) & self.kw_mask.val();
        self.d_done.next = (self.d_fill.q.val() + self.desc_n0.val()) == 16;
        self.d_last.next = ((bit_cast::<13, 2>(self.d_idx.q.val()) + 1) << 4) == self.t.val().bytes;
        self.b_done.next = ((self.rb_s.val() + self.desc_n0.val()) == self.kw.val()) | (self.d_done.val() & self.d_last.val());
        self.rb_data.next = bit_cast::<128, DW>(self.port.beat_data.val() >> (bit_cast::<11, 8>(self.rb_s.val()) << 3));
        if self.r_bad.val() {
            self.rb_data.next = 0.into();
        }
        self.d_acc_nx.next = self.d_acc.q.val() | (self.rb_data.val() << (bit_cast::<11, 8>(self.d_fill.q.val()) << 3));
        self.d_err_nx.next = self.d_err.q.val() | self.r_bad.val();
        if self.d_fill.q.val() == 0 {
            self.d_acc_nx.next = self.rb_data.val();
            self.d_err_nx.next = self.r_bad.val();
        }
        // The results: a fetched H2C descriptor (bytes 0-11 and the flags'
        // low bits), a C2H buffer, a prefetch into its slot.
        self.dq_v.d.next = false;
        self.dq_d.d.next.addr = self.d_acc_nx.val().get_bits::<64>(0);
        self.dq_d.d.next.len = self.d_acc_nx.val().get_bits::<24>(64);
        self.dq_d.d.next.eop = self.d_acc_nx.val().get_bit(96);
        self.dq_d.d.next.irq = self.d_acc_nx.val().get_bit(97);
        self.dq_d.d.next.function = self.t.val().function;
        self.dq_d.d.next.gen = self.t.val().gen;
        self.dq_d.d.next.err = self.d_err_nx.val();
        self.dq_bank.d.next = self.t.val().bank;
        self.bf_v.d.next = false;
        self.ah_v.d.next = false;
        self.pg_v.d.next = false;
        self.bf_d.d.next.addr = self.d_acc_nx.val().get_bits::<64>(0);
        self.bf_d.d.next.len = self.d_acc_nx.val().get_bits::<24>(64);
        self.bf_d.d.next.irq = self.d_acc_nx.val().get_bit(97);
        self.bf_d.d.next.err = self.d_err_nx.val();
        self.sl_v.d.next = false;
        self.sl_fn.d.next = self.t.val().function;
        self.sl_d.d.next.addr = self.d_acc_nx.val().get_bits::<64>(0);
        self.sl_d.d.next.len = self.d_acc_nx.val().get_bits::<24>(64);
        self.sl_d.d.next.irq = self.d_acc_nx.val().get_bit(97);
        self.sl_d.d.next.err = self.d_err_nx.val();
        self.sl_d.d.next.seq = self.t.val().seq;
        // A prefetch waits while the control engine reads the slot for a buffer.
        self.pf_arr.next = (self.t.val().kind == ReadKind::C2hDesc) & self.t.val().prefetch;
        self.r_ready.next = self.port.tag_valid.val() & !(self.pf_arr.val() & self.pf_block.val());
        self.r_fire.next = self.port.beat_valid.val() & self.r_ready.val();
        if self.r_fire.val() {
            self.d_acc.d.next = self.d_acc_nx.val();
            self.d_err.d.next = self.d_err_nx.val();
            self.d_fill.d.next = self.d_fill.q.val() + self.desc_n0.val();
            if self.d_done.val() {
                self.d_fill.d.next = 0.into();
                self.d_idx.d.next = self.d_idx.q.val() + 1;
                if self.d_last.val() {
                    self.d_idx.d.next = 0.into();
                }
                if self.t.val().kind == ReadKind::H2cDesc {
                    self.dq_v.d.next = true;
                } else if self.t.val().ahead {
                    self.ah_v.d.next = true;
                } else if self.pf_arr.val() {
                    // A C2H prefetch: into the slot; to the C2H engine
                    // too if it waits for this one.
                    self.sl_v.d.next = true;
                    if self.pf_wait.val()
                        & (self.pf_function.val() == self.t.val().function)
                        & (self.pf_seq.val() == self.t.val().seq)
                    {
                        self.pg_v.d.next = true;
                        self.bf_v.d.next = true;
                    }
                } else {
                    self.bf_v.d.next = true;
                }
            }
        }
        self.port.tag_pop.next = self.r_fire.val() & self.d_done.val() & self.d_last.val();
        self.port.beat_take.next = self.r_ready.val() & self.b_done.val();

        // ---- Outputs (registers).
        self.arrive.next = self.dq_v.q.val();
        self.arrive_desc.next = self.dq_d.q.val();
        self.arrive_bank.next = self.dq_bank.q.val();
        self.buf_valid.next = self.bf_v.q.val();
        self.ahead_valid.next = self.ah_v.q.val();
        self.buf_desc.next = self.bf_d.q.val();
        self.pf_got.next = self.pg_v.q.val();
        self.slot_write.next = self.sl_v.q.val();
        self.slot_function.next = self.sl_fn.q.val();
        self.slot.next = self.sl_d.q.val();

        if self.rst.val() {
            self.cq_took.d.next = false;
            self.d_idx.d.next = 0.into();
            self.d_fill.d.next = 0.into();
            self.pg_v.d.next = false;
            self.dq_v.d.next = false;
            self.bf_v.d.next = false;
            self.ah_v.d.next = false;
            self.sl_v.d.next = false;
        }
    }
}
