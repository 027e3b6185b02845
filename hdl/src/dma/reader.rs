//! The DMA's data reads: the H2C issuer, the AR channel with its tag FIFO,
//! and the read side that sorts the R beats. (Descriptor reads have their
//! own port: `desc_reader.rs`.)
//!
//! - The *issuer* takes fetched H2C descriptors in order (from the bank the
//!   parent drains, through a one-descriptor slot) and issues their data
//!   reads in bursts that end at every `max_burst` boundary, at most
//!   `outstanding` in flight and only as far as the data FIFO (in the
//!   packer) has room reserved for every beat (the last 8 entries are kept
//!   for the ends of stopped packets). Each burst's bytes, beats, first-beat
//!   bytes and whether it ends the descriptor are computed a cycle before it
//!   is issued (`IssState::Prep`; a descriptor's first burst from the slot
//!   as it is taken), so that the issue itself is registers into the AR
//!   slice and the tag FIFO. A function stopped or reset (`stop`) has its
//!   open packet ended by a `Close` tag after its data in flight; a
//!   descriptor refused on read or of length zero is reported (`err_*`).
//! - *AR* carries the issuer's bursts and the ends of stopped packets, each
//!   with a tag into the tag FIFO (64, in AXI order).
//! - The *read side* sorts the R beats by the tag at the head: data into the
//!   data FIFO (`df_*`), the last beat of a descriptor's data is its
//!   completion (`done_*`).
//!
//! Boundary: AR leaves and R enters through register slices (the port's
//! front end, `tagged_reads.rs`);
//! every other output is a register or derived from registers alone (the
//! read side's results leave through registers, a cycle after the beat), so
//! no output follows an input within a cycle.

use super::desc::{DataMeta, H2cDesc, H2cDone, IssState, ReadKind, ReadTag, WriteBurst};
use super::tagged_reads::TaggedReads;
use crate::FUNCTION_ID_BITS as FW;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct DmaReader<const DW: usize, const KW: usize> {
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
    /// The head of the bank the issuer drains, moved into the slot (only
    /// when `desc_room` is high); `desc_killed`: its bank's function stopped.
    pub desc_push: Signal<In, Bit>,
    pub desc: Signal<In, H2cDesc>,
    pub desc_killed: Signal<In, Bit>,
    pub desc_room: Signal<Out, Bit>,
    /// Control engine: function `stop_fn`'s generation is over (error,
    /// reset): its descriptor in the slot is dropped and, unless `stop_busy`
    /// (the previous stop is not applied yet), its open packet is ended.
    pub stop: Signal<In, Bit>,
    pub stop_fn: Signal<In, Bits<FW>>,
    pub stop_busy: Signal<Out, Bit>,
    pub stop_busy_fn: Signal<Out, Bits<FW>>,
    /// A descriptor the issuer refused (ERR_ZERO_LENGTH, ERR_DESC_READ);
    /// `err_take`: the control engine takes it.
    pub err_valid: Signal<Out, Bit>,
    pub err_function: Signal<Out, Bits<FW>>,
    pub err_gen: Signal<Out, Bit>,
    pub err_code: Signal<Out, Bits<4>>,
    pub err_take: Signal<In, Bit>,
    /// An H2C descriptor's data is all in: its completion, into the control
    /// engine's FIFO of `DONE_CREDITS` (module `dma`), which never refuses
    /// it (`done_left`: one left that FIFO, its credit returns).
    pub done_push: Signal<Out, Bit>,
    pub done: Signal<Out, H2cDone>,
    pub done_left: Signal<In, Bit>,
    /// Data FIFO (in the packer) entries; `df_pop`: one left it.
    pub df_push: Signal<Out, Bit>,
    pub df_data: Signal<Out, Bits<DW>>,
    pub df_meta: Signal<Out, DataMeta>,
    pub df_pop: Signal<In, Bit>,
    /// What the issuer holds (for the sharing gate): the descriptor it
    /// issues, the packet it left open, the end of a stopped packet to write;
    /// `iss_end`: a packet end is issued (from registers alone). (The slot's
    /// descriptor still counts as its bank's: the parent frees a bank only
    /// once the slot is empty.)
    pub iss_cur_v: Signal<Out, Bit>,
    pub iss_cur_fn: Signal<Out, Bits<FW>>,
    pub iss_open_v: Signal<Out, Bit>,
    pub iss_open_fn: Signal<Out, Bits<FW>>,
    pub iss_close_v: Signal<Out, Bit>,
    pub iss_close_fn: Signal<Out, Bits<FW>>,
    pub iss_end: Signal<Out, Bit>,

    // ---- configuration
    kw: Constant<Bits<8>>,
    kw_mask: Constant<Bits<8>>,
    log2_kw: Constant<Bits<8>>,
    max_burst: Constant<Bits<13>>,
    max_outstanding: Constant<Bits<6>>,
    df_cap: Constant<Bits<10>>,
    /// The most the data FIFO may hold reserved for a burst of any size to
    /// be issued two cycles on (a whole `max_burst`, the 8 kept, and one
    /// more for a packet end meanwhile).
    df_big: Constant<Bits<10>>,
    data_all: Constant<Bits<DW>>,

    // ---- boundary: AR, R and the read tags (64, in AXI order)
    port: TaggedReads<DW>,
    outstanding: DFF<Bits<6>>,
    /// Data FIFO entries reserved (512 beats, in the packer).
    dres: DFF<Bits<10>>,
    // ---- issuer
    st: DFF<IssState>,
    /// The descriptor slot (the bank's head, taken by the issuer).
    ds_v: DFF<Bit>,
    ds: DFF<H2cDesc>,
    ds_kill: DFF<Bit>,
    i_fn: DFF<Bits<FW>>,
    i_gen: DFF<Bit>,
    i_eop: DFF<Bit>,
    i_irq: DFF<Bit>,
    i_len: DFF<Bits<24>>,
    i_any: DFF<Bit>,
    b_addr: DFF<Bits<64>>,
    b_left: DFF<Bits<24>>,
    /// Fewer than `outstanding` bursts in flight (exact: from this cycle's
    /// counts, a cycle ahead).
    out_ok: DFF<Bit>,
    /// Completions owed or waiting in the control engine's FIFO: a
    /// descriptor's last burst is issued only with a credit, so that R is
    /// never held for a completion (on the shell's merged in-order R
    /// channel a held data beat would hold the descriptor reads behind it,
    /// which the control engine may be waiting for: a deadlock). `dc_ok`:
    /// one is free (exact, a cycle ahead).
    dcount: DFF<Bits<7>>,
    dc_cap: Constant<Bits<7>>,
    dc_cap1: Constant<Bits<7>>,
    dc_ok: DFF<Bit>,
    dc_inc: Signal<Local, Bit>,
    /// The burst in `i_*` may be issued this cycle as far as the issuer's
    /// state and the data FIFO's credit go, decided
    /// the cycle before (conservatively: the credit as of then, with one
    /// more entry for a packet end meanwhile; on the first cycle of `Issue`
    /// a whole `max_burst` of credit), so that whether a burst goes to AR
    /// is no arithmetic.
    iq: DFF<Bit>,
    /// The burst to issue (computed in `Prep`, or as the descriptor is taken).
    i_burst: DFF<Bits<13>>,
    i_beats: DFF<Bits<10>>,
    i_n0: DFF<Bits<8>>,
    i_last: DFF<Bit>,
    i_open: DFF<Bit>,
    i_open_fn: DFF<Bits<FW>>,
    close_pend: DFF<Bit>,
    close_fn: DFF<Bits<FW>>,
    k_v: DFF<Bit>,
    k_fn: DFF<Bits<FW>>,
    ie_v: DFF<Bit>,
    ie_fn: DFF<Bits<FW>>,
    ie_gen: DFF<Bit>,
    ie_code: DFF<Bits<4>>,
    // ---- read side
    rc_first: DFF<Bit>,
    rc_left: DFF<Bits<13>>,
    /// Bytes of the next beat of the burst on R (after its first), a beat ahead.
    rc_n: DFF<Bits<8>>,
    rd_err: DFF<Bit>,
    /// The packet on the read side lost data to an error answer: the rest of
    /// its bytes are dropped and its end is flagged.
    cut: DFF<Bit>,
    // the read side's results, registered
    df_v: DFF<Bit>,
    df_d: DFF<Bits<DW>>,
    df_m: DFF<DataMeta>,
    hc_v: DFF<Bit>,
    hc_d: DFF<H2cDone>,

    // ---- combinational
    /// The next burst planned twice, [0] from the descriptor's registers
    /// (`b_*`), [1] from the slot (`ds`), and chosen by the state after:
    /// the state's decode stays off the arithmetic (its critical path).
    /// (In 24 bits: the address's low bits and the constants widened once,
    /// as the loop's index is substituted only in a method call's receiver.)
    p_addr: Vec<Signal<Local, Bits<24>>>,
    p_left: Vec<Signal<Local, Bits<24>>>,
    p_room: Vec<Signal<Local, Bits<24>>>,
    p_burst: Vec<Signal<Local, Bits<24>>>,
    p_beats: Vec<Signal<Local, Bits<24>>>,
    p_n0: Vec<Signal<Local, Bits<24>>>,
    p_last: Vec<Signal<Local, Bit>>,
    w_burst: Signal<Local, Bits<24>>,
    w_burst_mask: Signal<Local, Bits<24>>,
    w_kw: Signal<Local, Bits<24>>,
    w_kw_mask: Signal<Local, Bits<24>>,
    w_log2_kw: Signal<Local, Bits<24>>,
    /// The plan used: [1] in `Idle`, else [0].
    p_sel: Signal<Local, Bit>,
    ar_free: Signal<Local, Bit>,
    i_ok: Signal<Local, Bit>,
    /// The issuer enters `Issue` next cycle (from `Prep` or a descriptor taken).
    to_issue: Signal<Local, Bit>,
    close_go: Signal<Local, Bit>,
    tag_push: Signal<Local, Bit>,
    tag_in: Signal<Local, ReadTag>,
    ar_in: Signal<Local, WriteBurst>,
    dres_inc: Signal<Local, Bits<10>>,
    out_inc: Signal<Local, Bit>,
    out_dec: Signal<Local, Bit>,
    t: Signal<Local, ReadTag>,
    t_valid: Signal<Local, Bit>,
    r_last: Signal<Local, Bit>,
    r_bad: Signal<Local, Bit>,
    r_ready: Signal<Local, Bit>,
    r_fire: Signal<Local, Bit>,
    tag_pop: Signal<Local, Bit>,
    rb_s: Signal<Local, Bits<8>>,
    rb_left: Signal<Local, Bits<13>>,
    rb_n: Signal<Local, Bits<8>>,
    rb_rest: Signal<Local, Bits<13>>,
    rb_data: Signal<Local, Bits<DW>>,
    cut_nx: Signal<Local, Bit>,
}

impl<const DW: usize, const KW: usize> DmaReader<DW, KW> {
    /// `max_burst`: bytes (a power of two, one beat to 4 KiB); `outstanding`: bursts in flight at most.
    pub fn new(max_burst: usize, outstanding: usize) -> Self {
        let mut data_all: Bits<DW> = Bits::default();
        for i in 0..DW {
            data_all = data_all.replace_bit(i, true);
        }
        let cst8 = |v: usize| Constant::new((v as u64).into());
        Self {
            clk: Default::default(), rst: Default::default(), arvalid: Default::default(),
            arready: Default::default(), araddr: Default::default(), arlen: Default::default(),
            aruser: Default::default(), rvalid: Default::default(), rready: Default::default(),
            rdata: Default::default(), rresp: Default::default(), rlast: Default::default(),
            desc_push: Default::default(), desc: Default::default(), desc_killed: Default::default(),
            desc_room: Default::default(), stop: Default::default(), stop_fn: Default::default(),
            stop_busy: Default::default(), stop_busy_fn: Default::default(), err_valid: Default::default(),
            err_function: Default::default(), err_gen: Default::default(), err_code: Default::default(),
            err_take: Default::default(), done_push: Default::default(), done: Default::default(),
            done_left: Default::default(), df_push: Default::default(), df_data: Default::default(),
            df_meta: Default::default(), df_pop: Default::default(), iss_cur_v: Default::default(),
            iss_cur_fn: Default::default(), iss_open_v: Default::default(), iss_open_fn: Default::default(),
            iss_close_v: Default::default(), iss_close_fn: Default::default(), iss_end: Default::default(),
            kw: cst8(KW),
            kw_mask: cst8(KW - 1),
            log2_kw: cst8(KW.trailing_zeros() as usize),
            max_burst: Constant::new((max_burst as u64).into()),
            max_outstanding: Constant::new((outstanding as u64).into()),
            df_cap: Constant::new((super::DATA_FIFO_BEATS as u64).into()),
            df_big: Constant::new((super::DATA_FIFO_BEATS.saturating_sub(max_burst / KW + 9) as u64).into()),
            data_all: Constant::new(data_all),
            port: Default::default(),
            iq: Default::default(), to_issue: Default::default(), out_ok: Default::default(),
            dcount: Default::default(),
            dc_cap: Constant::new((super::DONE_CREDITS as u64).into()),
            dc_cap1: Constant::new((super::DONE_CREDITS as u64 - 1).into()),
            dc_ok: Default::default(), dc_inc: Default::default(),
            outstanding: Default::default(),
            dres: Default::default(), st: Default::default(), ds_v: Default::default(), ds: Default::default(),
            ds_kill: Default::default(), i_fn: Default::default(), i_gen: Default::default(),
            i_eop: Default::default(), i_irq: Default::default(), i_len: Default::default(),
            i_any: Default::default(), b_addr: Default::default(), b_left: Default::default(),
            i_burst: Default::default(), i_beats: Default::default(), i_n0: Default::default(),
            i_last: Default::default(), i_open: Default::default(), i_open_fn: Default::default(),
            close_pend: Default::default(), close_fn: Default::default(), k_v: Default::default(),
            k_fn: Default::default(), ie_v: Default::default(), ie_fn: Default::default(),
            ie_gen: Default::default(), ie_code: Default::default(), rc_first: Default::default(),
            rc_left: Default::default(), rc_n: Default::default(), rd_err: Default::default(),
            cut: Default::default(),
            df_v: Default::default(), df_d: Default::default(), df_m: Default::default(), hc_v: Default::default(),
            hc_d: Default::default(), p_addr: plans(), p_left: plans(), p_room: plans(), p_burst: plans(),
            p_beats: plans(), p_n0: plans(), p_last: plans(), w_burst: Default::default(),
            w_burst_mask: Default::default(), w_kw: Default::default(), w_kw_mask: Default::default(),
            w_log2_kw: Default::default(), p_sel: Default::default(),
            ar_free: Default::default(), i_ok: Default::default(), close_go: Default::default(),
            tag_push: Default::default(), tag_in: Default::default(), ar_in: Default::default(),
            dres_inc: Default::default(), out_inc: Default::default(), out_dec: Default::default(),
            t: Default::default(), t_valid: Default::default(), r_last: Default::default(),
            r_bad: Default::default(), r_ready: Default::default(), r_fire: Default::default(),
            tag_pop: Default::default(), rb_s: Default::default(), rb_left: Default::default(),
            rb_n: Default::default(), rb_rest: Default::default(), rb_data: Default::default(),
            cut_nx: Default::default(),
        }
    }
}

impl<const DW: usize, const KW: usize> Logic for DmaReader<DW, KW> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clk, outstanding, dres, out_ok, dcount, dc_ok, iq, st, ds_v, ds, ds_kill, i_fn, i_gen, i_eop, i_irq, i_len, i_any, b_addr,
            b_left,
            i_burst, i_beats, i_n0, i_last, i_open, i_open_fn, close_pend, close_fn, k_v, k_fn, ie_v, ie_fn, ie_gen,
            ie_code, rc_first, rc_left, rc_n, rd_err, cut, df_v, df_d, df_m, hc_v, hc_d
        );
        // ---- Register slices: AR out, R in; the tag FIFO and its head.
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
        self.ar_free.next = self.port.ar_room.val() & !self.port.tags_full.val();

        // ---- Issuer. The burst after `p_addr`, `p_left`: from the slot as a
        // descriptor is taken (plan [1], in `Idle`), else from the
        // descriptor's registers (plan [0]).
        self.p_addr[0].next = bit_cast::<24, 64>(self.b_addr.q.val());
        self.p_left[0].next = self.b_left.q.val();
        self.p_addr[1].next = bit_cast::<24, 64>(self.ds.q.val().addr);
        self.p_left[1].next = self.ds.q.val().len;
        self.w_burst.next = bit_cast::<24, 13>(self.max_burst.val());
        self.w_burst_mask.next = self.w_burst.val() - 1;
        self.w_kw.next = bit_cast::<24, 8>(self.kw.val());
        self.w_kw_mask.next = bit_cast::<24, 8>(self.kw_mask.val());
        self.w_log2_kw.next = bit_cast::<24, 8>(self.log2_kw.val());
        for i in 0..2 {
            self.p_room[i].next = self.w_burst.val() - (self.p_addr[i].val() & self.w_burst_mask.val());
            self.p_burst[i].next = self.p_left[i].val();
            if self.p_room[i].val() < self.p_left[i].val() {
                self.p_burst[i].next = self.p_room[i].val();
            }
            self.p_beats[i].next = ((self.p_addr[i].val() & self.w_kw_mask.val()) + self.p_burst[i].val() + self.w_kw_mask.val())
                >> self.w_log2_kw.val();
            self.p_n0[i].next = self.w_kw.val() - (self.p_addr[i].val() & self.w_kw_mask.val());
            if self.p_burst[i].val() < self.p_n0[i].val() {
                self.p_n0[i].next = self.p_burst[i].val();
            }
            self.p_last[i].next = self.p_burst[i].val() == self.p_left[i].val();
        }
        self.p_sel.next = self.st.q.val() == IssState::Idle;
        // Issue: registers only (the burst was computed the cycle before);
        // a stop to apply goes first. The end of a stopped function's
        // packet, after its data in flight, when no burst is issued, so
        // that no issue decision depends on an input.
        self.i_ok.next = self.iq.q.val()
            & self.out_ok.q.val()
            & (!self.i_last.q.val() | self.dc_ok.q.val())
            & !(self.k_v.q.val() & !self.close_pend.q.val())
            & self.ar_free.val();
        self.close_go.next = self.close_pend.q.val()
            & !self.i_ok.val()
            & !self.port.tags_full.val()
            & (self.dres.q.val() < self.df_cap.val());
        self.tag_push.next = false;
        self.tag_in.next.kind = ReadKind::Data;
        self.tag_in.next.function = self.i_fn.q.val();
        self.tag_in.next.offset = self.b_addr.q.val().get_bits::<8>(0) & self.kw_mask.val();
        self.tag_in.next.bytes = self.i_burst.q.val();
        self.tag_in.next.n0 = self.i_n0.q.val();
        self.tag_in.next.eop = self.i_eop.q.val() & self.i_last.q.val();
        self.tag_in.next.lastd = self.i_last.q.val();
        self.tag_in.next.gen = self.i_gen.q.val();
        self.tag_in.next.len = self.i_len.q.val();
        self.tag_in.next.irq = self.i_irq.q.val();
        self.tag_in.next.bank = 0.into();
        self.tag_in.next.prefetch = false;
        self.tag_in.next.seq = 0.into();
        self.tag_in.next.ahead = false;
        self.ar_in.next.addr = self.b_addr.q.val();
        self.ar_in.next.last = bit_cast::<8, 10>(self.i_beats.q.val() - 1);
        self.ar_in.next.function = self.i_fn.q.val();
        self.out_inc.next = false;
        self.dres_inc.next = 0.into();
        self.to_issue.next = false;
        if self.k_v.q.val() & !self.close_pend.q.val() {
            // A function stopped or reset: end its open packet, drop its descriptor.
            self.k_v.d.next = false;
            if (((self.st.q.val() != IssState::Idle) & (self.i_fn.q.val() == self.k_fn.q.val())) & self.i_any.q.val())
                | (self.i_open.q.val() & (self.i_open_fn.q.val() == self.k_fn.q.val()))
            {
                self.close_pend.d.next = true;
                self.close_fn.d.next = self.k_fn.q.val();
                self.i_open.d.next = false;
            }
            if (self.st.q.val() != IssState::Idle) & (self.i_fn.q.val() == self.k_fn.q.val()) {
                self.st.d.next = IssState::Idle;
            }
        } else if self.st.q.val() == IssState::Idle {
            if self.close_pend.q.val() {
                // Waits for the end-of-packet entry below.
            } else if self.ds_v.q.val() {
                if self.ds_kill.q.val() {
                    // Of a function stopped or reset since its fetch: dropped.
                    self.ds_v.d.next = false;
                } else if self.ds.q.val().err | (self.ds.q.val().len == 0) {
                    if !self.ie_v.q.val() {
                        self.ds_v.d.next = false;
                        self.ie_v.d.next = true;
                        self.ie_fn.d.next = self.ds.q.val().function;
                        self.ie_gen.d.next = self.ds.q.val().gen;
                        self.ie_code.d.next = 3.into(); // ERR_ZERO_LENGTH
                        if self.ds.q.val().err {
                            self.ie_code.d.next = 6.into(); // ERR_DESC_READ
                        }
                        if self.i_open.q.val() & (self.i_open_fn.q.val() == self.ds.q.val().function) {
                            self.close_pend.d.next = true;
                            self.close_fn.d.next = self.ds.q.val().function;
                            self.i_open.d.next = false;
                        }
                    }
                } else {
                    self.ds_v.d.next = false;
                    self.st.d.next = IssState::Issue;
                    self.to_issue.next = true;
                    self.i_fn.d.next = self.ds.q.val().function;
                    self.i_gen.d.next = self.ds.q.val().gen;
                    self.i_eop.d.next = self.ds.q.val().eop;
                    self.i_irq.d.next = self.ds.q.val().irq;
                    self.i_len.d.next = self.ds.q.val().len;
                    self.i_any.d.next = false;
                    self.b_addr.d.next = self.ds.q.val().addr;
                    self.b_left.d.next = self.ds.q.val().len;
                }
            }
        } else if self.st.q.val() == IssState::Prep {
            self.st.d.next = IssState::Issue;
            self.to_issue.next = true;
        } else if self.i_ok.val() {
            self.tag_push.next = true;
            self.out_inc.next = true;
            self.dres_inc.next = self.i_beats.q.val();
            self.b_addr.d.next = self.b_addr.q.val() + bit_cast::<64, 13>(self.i_burst.q.val());
            self.b_left.d.next = self.b_left.q.val() - bit_cast::<24, 13>(self.i_burst.q.val());
            self.i_any.d.next = true;
            self.st.d.next = IssState::Prep;
            if self.i_last.q.val() {
                self.st.d.next = IssState::Idle;
                self.i_open.d.next = !self.i_eop.q.val();
                self.i_open_fn.d.next = self.i_fn.q.val();
            }
        }
        // Whether the burst may go next cycle (see `iq`; none in the cycle
        // after a stop is applied or a burst issued).
        self.iq.d.next = false;
        if self.to_issue.val() {
            self.iq.d.next = self.dres.q.val() <= self.df_big.val();
        } else if (self.st.q.val() == IssState::Issue) & !self.i_ok.val() & !(self.k_v.q.val() & !self.close_pend.q.val()) {
            self.iq.d.next = (self.dres.q.val() + self.i_beats.q.val() + 9) <= self.df_cap.val();
        }
        // The burst computed for the next issue (its registers are not read
        // before the issue state that follows).
        if self.st.q.val() != IssState::Issue {
            self.i_burst.d.next = bit_cast::<13, 24>(self.p_burst[0].val());
            self.i_beats.d.next = bit_cast::<10, 24>(self.p_beats[0].val());
            self.i_n0.d.next = bit_cast::<8, 24>(self.p_n0[0].val());
            self.i_last.d.next = self.p_last[0].val();
            if self.p_sel.val() {
                self.i_burst.d.next = bit_cast::<13, 24>(self.p_burst[1].val());
                self.i_beats.d.next = bit_cast::<10, 24>(self.p_beats[1].val());
                self.i_n0.d.next = bit_cast::<8, 24>(self.p_n0[1].val());
                self.i_last.d.next = self.p_last[1].val();
            }
        }
        if self.close_go.val() {
            self.tag_push.next = true;
            self.tag_in.next.kind = ReadKind::Close;
            self.tag_in.next.function = self.close_fn.q.val();
            self.dres_inc.next = 1.into();
            self.close_pend.d.next = false;
        }
        self.port.ar_push.next = self.i_ok.val();
        self.port.ar.next = self.ar_in.val();
        self.port.tag_push.next = self.tag_push.val();
        self.port.tag_in.next = self.tag_in.val();
        // The slot: the bank's head moves in when it is free; a stop drops a
        // descriptor of its function in it (or moving in).
        if self.desc_push.val() {
            self.ds_v.d.next = true;
            self.ds.d.next = self.desc.val();
            self.ds_kill.d.next = self.desc_killed.val() | (self.stop.val() & (self.desc.val().function == self.stop_fn.val()));
        } else if self.stop.val() & (self.ds.q.val().function == self.stop_fn.val()) {
            self.ds_kill.d.next = true;
        }
        self.desc_room.next = !self.ds_v.q.val();
        if self.stop.val() & !self.k_v.q.val() {
            self.k_v.d.next = true;
            self.k_fn.d.next = self.stop_fn.val();
        }
        if self.err_take.val() {
            self.ie_v.d.next = false;
        }

        // ---- Read side: R beats sorted by the tag at the head.
        self.t_valid.next = self.port.tag_valid.val();
        self.t.next = self.port.tag.val();
        self.r_last.next = self.port.beat_last.val();
        self.r_bad.next = self.port.beat_bad.val();
        // The beat's first byte and byte count (the first beat's from its
        // tag, the next ones' a beat ahead: no arithmetic before the shift).
        self.rb_s.next = 0.into();
        self.rb_left.next = self.rc_left.q.val();
        self.rb_n.next = self.rc_n.q.val();
        if self.rc_first.q.val() {
            self.rb_s.next = self.t.val().offset;
            self.rb_left.next = self.t.val().bytes;
            self.rb_n.next = self.t.val().n0;
        }
        self.rb_rest.next = self.rb_left.val() - bit_cast::<13, 8>(self.rb_n.val());
        self.rb_data.next = (self.port.beat_data.val() >> (bit_cast::<11, 8>(self.rb_s.val()) << 3))
            & (self.data_all.val() >> (bit_cast::<11, 8>(self.kw.val() - self.rb_n.val()) << 3));
        if self.r_bad.val() {
            self.rb_data.next = 0.into();
        }
        // The results: a completion, a data FIFO entry.
        self.hc_v.d.next = false;
        self.hc_d.d.next.function = self.t.val().function;
        self.hc_d.d.next.gen = self.t.val().gen;
        self.hc_d.d.next.len = self.t.val().len;
        self.hc_d.d.next.eop = self.t.val().eop;
        self.hc_d.d.next.irq = self.t.val().irq;
        self.hc_d.d.next.err = self.rd_err.q.val() | self.r_bad.val();
        // After an error answer the packet's bytes are dropped (entries of no
        // byte) and its end is flagged.
        self.cut_nx.next = self.cut.q.val() | self.r_bad.val();
        self.df_v.d.next = false;
        self.df_d.d.next = self.rb_data.val();
        self.df_m.d.next.bytes = self.rb_n.val();
        self.df_m.d.next.function = self.t.val().function;
        self.df_m.d.next.eop = self.r_last.val() & self.t.val().eop;
        self.df_m.d.next.cut = self.cut_nx.val();
        if self.cut_nx.val() {
            self.df_d.d.next = 0.into();
            self.df_m.d.next.bytes = 0.into();
        }
        self.r_ready.next = false;
        self.tag_pop.next = false;
        self.r_fire.next = false;
        self.out_dec.next = false;
        if self.t_valid.val() {
            if self.t.val().kind == ReadKind::Close {
                // End the packet of a function stopped in its middle (room reserved).
                self.df_v.d.next = true;
                self.df_d.d.next = 0.into();
                self.df_m.d.next.bytes = 0.into();
                self.df_m.d.next.eop = true;
                self.df_m.d.next.cut = true;
                self.tag_pop.next = true;
                self.cut.d.next = false;
            } else if self.t.val().kind == ReadKind::Data {
                // Data: its room in the data FIFO was reserved with the burst.
                self.r_ready.next = true;
                self.r_fire.next = self.port.beat_valid.val() & self.r_ready.val();
                if self.r_fire.val() {
                    self.df_v.d.next = true;
                    self.cut.d.next = self.cut_nx.val() & !(self.r_last.val() & self.t.val().eop);
                    self.rd_err.d.next = self.rd_err.q.val() | self.r_bad.val();
                    if self.r_last.val() {
                        self.out_dec.next = true;
                        if self.t.val().lastd {
                            // The descriptor's data is all in: its completion.
                            self.rd_err.d.next = false;
                            self.hc_v.d.next = true;
                        }
                    }
                }
            }
        }
        if self.r_fire.val() {
            self.rc_first.d.next = self.r_last.val();
            self.rc_left.d.next = self.rb_rest.val();
            self.rc_n.d.next = self.kw.val();
            if self.rb_rest.val() < bit_cast::<13, 8>(self.kw.val()) {
                self.rc_n.d.next = bit_cast::<8, 13>(self.rb_rest.val());
            }
            if self.r_last.val() {
                self.tag_pop.next = true;
            }
        }
        self.port.tag_pop.next = self.tag_pop.val();
        self.port.beat_take.next = self.r_ready.val();

        // ---- Counters: bursts in flight, data FIFO room reserved.
        self.out_ok.d.next = self.outstanding.q.val() < self.max_outstanding.val();
        if self.out_inc.val() & !self.out_dec.val() {
            self.outstanding.d.next = self.outstanding.q.val() + 1;
            self.out_ok.d.next = (self.outstanding.q.val() + 1) < self.max_outstanding.val();
        } else if !self.out_inc.val() & self.out_dec.val() {
            self.outstanding.d.next = self.outstanding.q.val() - 1;
            self.out_ok.d.next = true;
        }
        self.dc_inc.next = self.i_ok.val() & self.i_last.q.val();
        self.dc_ok.d.next = self.dcount.q.val() < self.dc_cap.val();
        if self.dc_inc.val() & !self.done_left.val() {
            self.dcount.d.next = self.dcount.q.val() + 1;
            self.dc_ok.d.next = self.dcount.q.val() < self.dc_cap1.val();
        } else if !self.dc_inc.val() & self.done_left.val() {
            self.dcount.d.next = self.dcount.q.val() - 1;
            self.dc_ok.d.next = true;
        }
        self.dres.d.next = self.dres.q.val() + self.dres_inc.val();
        if self.df_pop.val() {
            self.dres.d.next = self.dres.q.val() + self.dres_inc.val() - 1;
        }

        // ---- Outputs (registers).
        self.stop_busy.next = self.k_v.q.val();
        self.stop_busy_fn.next = self.k_fn.q.val();
        self.err_valid.next = self.ie_v.q.val();
        self.err_function.next = self.ie_fn.q.val();
        self.err_gen.next = self.ie_gen.q.val();
        self.err_code.next = self.ie_code.q.val();
        self.done_push.next = self.hc_v.q.val();
        self.done.next = self.hc_d.q.val();
        self.df_push.next = self.df_v.q.val();
        self.df_data.next = self.df_d.q.val();
        self.df_meta.next = self.df_m.q.val();
        self.iss_cur_v.next = self.st.q.val() != IssState::Idle;
        self.iss_cur_fn.next = self.i_fn.q.val();
        self.iss_open_v.next = self.i_open.q.val();
        self.iss_open_fn.next = self.i_open_fn.q.val();
        self.iss_close_v.next = self.close_pend.q.val();
        self.iss_close_fn.next = self.close_fn.q.val();
        self.iss_end.next = (self.i_ok.val() & self.i_eop.q.val() & self.i_last.q.val()) | self.close_go.val();

        if self.rst.val() {
            self.outstanding.d.next = 0.into();
            self.out_ok.d.next = true;
            self.dcount.d.next = 0.into();
            self.dc_ok.d.next = true;
            self.dres.d.next = 0.into();
            self.st.d.next = IssState::Idle;
            self.ds_v.d.next = false;
            self.iq.d.next = false;
            self.i_open.d.next = false;
            self.close_pend.d.next = false;
            self.k_v.d.next = false;
            self.ie_v.d.next = false;
            self.rc_first.d.next = true;
            self.rd_err.d.next = false;
            self.cut.d.next = false;
            self.df_v.d.next = false;
            self.hc_v.d.next = false;
        }
    }
}

/// The issuer's two burst plans' signals (see `p_addr`).
fn plans<T: Synth>() -> Vec<Signal<Local, T>> {
    (0..2).map(|_| Default::default()).collect()
}
