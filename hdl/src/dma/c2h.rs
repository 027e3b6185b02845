//! The DMA's C2H engine: one packet of `s_axis_c2h` at a time into its
//! function's buffers in host memory.
//!
//! The stream comes through a FIFO of 32 beats that also queues the
//! function of each packet whose first beat is in it (`c2h_input.rs`).
//! Look-ahead: the next packet's first buffer is asked of the control
//! engine as soon as that packet's function is queued, while the packets
//! before it stream (one packet ahead). For the function of the packet
//! still open it is asked early, flagged as the buffer after the one in
//! use, if that packet fits in the buffer it has (its length bound comes
//! from the input); the control engine hands it from its run-ahead or
//! answers "not now", and it is then asked once that packet is done and
//! has asked its last write-back (the control engine hands the buffer at
//! CIDX). Its answer and buffer (usually prefetched: module doc of `dma`)
//! are staged with the first beat's arithmetic, and its first beat is taken
//! from the input as it starts: a packet then costs one cycle besides its
//! beats (a buffer out of the control engine's run-ahead is staged as it
//! comes, one out of a prefetch slot or a read a cycle later). The packet
//! after it is popped from the input's heads in the cycle it starts, its fit
//! known then: a function's next buffer is asked one cycle after its packet
//! starts. A refused buffer, a function beyond the design, or a function
//! stopped or reset (its stop in the control engine's mailbox,
//! `kill_*`) since its buffer was asked: the packet is dropped and the
//! buffer never written. The engine then unpacks the stream into beats
//! aligned to the buffer's address (with strobes) and pushes them into the
//! write queue (`writes.rs`), and hands each full buffer (or the packet's
//! end) back to the control engine for its write-back, and asks for the
//! packet's next buffer if it goes on; the packet's last write-back is not
//! waited for (its answer is skipped). Requests: one register for the
//! packet's (held with their fields until taken), one for the look-ahead's,
//! the packet's shown first; one buffer request out at a time (answer, then
//! buffer); answers come in the order the requests were taken. A burst is pushed
//! once its last beat is: bursts end at every min(max_burst, 32 beats)
//! boundary (so never cross 4 KiB), at the buffer's end and at the packet's.
//! An error (descriptor read refused, zero-length buffer) is reported to the
//! control engine; when a buffer is refused the rest of the packet is
//! dropped.
//!
//! Timing: the address and length arithmetic is done a beat ahead. With
//! the buffer's address, bytes left, offset in the beat, bytes of the next
//! output beat (`nmax`) and bytes to the next burst boundary held in
//! registers, and the next beat's values computed from them alone (after
//! the first beat of a buffer every beat is aligned), the decision to emit a
//! beat and to take an input beat is a few compares on registers. The input
//! enters through a register slice; the pushes into the write queue and the
//! requests leave from registers; the credits (`*_room`) and answers come
//! from registers of the other side: no path from an input to an output.

use super::c2h_first_beat::C2hFirstBeat;
use super::c2h_input::C2hInput;
use super::desc::{C2hBuf, C2hReq, C2hReqKind, C2hState, WriteBurst};
use crate::FUNCTION_ID_BITS as FW;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct C2hEngine<const DW: usize, const KW: usize, const DW2: usize> {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// The C2H stream (`tid` = function).
    pub s_tvalid: Signal<In, Bit>,
    pub s_tready: Signal<Out, Bit>,
    pub s_tdata: Signal<In, Bits<DW>>,
    pub s_tkeep: Signal<In, Bits<KW>>,
    pub s_tlast: Signal<In, Bit>,
    pub s_tid: Signal<In, Bits<FW>>,
    /// A request to the control engine, held until `req_take`.
    pub req_valid: Signal<Out, Bit>,
    pub req_kind: Signal<Out, C2hReqKind>,
    pub req: Signal<Out, C2hReq>,
    pub req_take: Signal<In, Bit>,
    /// The control engine's answer to the request (one cycle): `ans_ok`
    /// (else the packet is dropped), and for a buffer the function's generation.
    pub ans_valid: Signal<In, Bit>,
    pub ans_ok: Signal<In, Bit>,
    pub ans_gen: Signal<In, Bit>,
    /// The buffer asked for (one cycle; after or with its answer).
    pub buf_valid: Signal<In, Bit>,
    pub buf_desc: Signal<In, C2hBuf>,
    /// The buffer asked for, out of the run-ahead's output register (a
    /// look-ahead's is staged as it comes: no logic before it).
    pub ahead_valid: Signal<In, Bit>,
    pub ahead_desc: Signal<In, C2hBuf>,
    /// The function of the buffer asked for (the read side hands over a
    /// prefetch it waits for).
    pub pkt_function: Signal<Out, Bits<FW>>,
    /// A function stopped or reset (the control engine's stop mailbox): a
    /// first buffer already asked for it is not used.
    pub kill_valid: Signal<In, Bit>,
    pub kill_function: Signal<In, Bits<FW>>,
    /// Beats into the write queue, and bursts whose beats are all in.
    pub data_push: Signal<Out, Bit>,
    pub data: Signal<Out, Bits<DW>>,
    pub strb: Signal<Out, Bits<KW>>,
    pub data_room: Signal<In, Bit>,
    pub burst_push: Signal<Out, Bit>,
    pub burst: Signal<Out, WriteBurst>,
    pub burst_room: Signal<In, Bit>,
    stream_in: C2hInput<DW, KW>,
    first: C2hFirstBeat,
    first_pa: C2hFirstBeat,
    last_function: Constant<Bits<FW>>,
    kw: Constant<Bits<8>>,
    /// Burst span in bytes (min(max_burst, 32 beats)).
    cburst: Constant<Bits<13>>,
    keep_all: Constant<Bits<KW>>,
    state: DFF<C2hState>,
    /// Dropping the rest of a packet (refused, or of no such function).
    drop: DFF<Bit>,
    fn_q: DFF<Bits<FW>>,
    gen: DFF<Bit>,
    /// The packet's requests (write-backs, a next buffer, errors), held
    /// until taken; `rq_skip`: its answer is not waited for (the packet's
    /// last write-back).
    req_v: DFF<Bit>,
    req_k: DFF<C2hReqKind>,
    rq: DFF<C2hReq>,
    rq_skip: DFF<Bit>,
    /// The packet's last beat is in; the packet is done (write-back asked).
    done_in: DFF<Bit>,
    pkt_done: DFF<Bit>,
    /// Look-ahead: the next packet (`pa_fn`, popped from the input's
    /// heads) and its first buffer, asked (`pa_rv`: the request, held until
    /// taken), answered, staged with its first beat's arithmetic (`pa_*`),
    /// or not to be had (`pa_no`: refused, no such function, stopped since).
    pa_v: DFF<Bit>,
    pa_fn: DFF<Bits<FW>>,
    pa_rv: DFF<Bit>,
    pa_asked: DFF<Bit>,
    pa_got: DFF<Bit>,
    pa_ok: DFF<Bit>,
    pa_no: DFF<Bit>,
    pa_gen: DFF<Bit>,
    pa_buf: DFF<C2hBuf>,
    pa_off: DFF<Bits<8>>,
    pa_nmax: DFF<Bits<8>>,
    pa_bnd: DFF<Bits<13>>,
    pa_eb: DFF<Bit>,
    pa_ebu: DFF<Bit>,
    pa_bad: DFF<Bit>,
    /// Early: the look-ahead is of the function of the packet streaming,
    /// which fits in the buffer it has (`fit`: its length bound, from the
    /// input, is no more than `blen`, its first buffer's length; 0 once it
    /// has a second). Its buffer is then asked while the packet streams,
    /// flagged as the one after the buffer in use (`pa_nx`, once per
    /// packet: `pa_tried`); the control engine hands it only from its
    /// run-ahead, else answers "not now" and it is asked again once the
    /// packet is done.
    pa_nx: DFF<Bit>,
    pa_tried: DFF<Bit>,
    blen: DFF<Bits<24>>,
    fit: DFF<Bit>,
    early: Signal<Local, Bit>,
    /// Requests shown: the packet's before the look-ahead's; which one the
    /// control engine took (it acknowledges a cycle later) and so whose the
    /// next answer is (an answer comes before the next request is taken).
    shown_pa: DFF<Bit>,
    ao_pa: DFF<Bit>,
    ao_skip: DFF<Bit>,
    /// One buffer request at a time is out (answer, then buffer): whose,
    /// and the function (`pkt_function`).
    buf_busy: DFF<Bit>,
    bo_pa: DFF<Bit>,
    bf_fn: DFF<Bits<FW>>,
    /// Bytes gathered (up to two beats) and how many.
    acc: DFF<Bits<DW2>>,
    fill: DFF<Bits<8>>,
    /// The buffer handed over and not yet taken (`bq_pa`: the look-ahead's).
    bv: DFF<Bit>,
    bq: DFF<C2hBuf>,
    bq_pa: DFF<Bit>,
    dirq: DFF<Bit>,
    /// The buffer: address, bytes left, bytes used; the arithmetic a beat
    /// ahead: offset in the beat, bytes of the next output beat (nmax =
    /// min(beat - offset, left)), bytes to the next burst boundary, and
    /// whether a beat of nmax bytes ends the buffer / ends a burst.
    addr: DFF<Bits<64>>,
    left: DFF<Bits<24>>,
    used: DFF<Bits<24>>,
    off: DFF<Bits<8>>,
    nmax: DFF<Bits<8>>,
    /// nmax + beat: after a beat of nmax bytes leaves, an input beat fits
    /// iff `fill` <= this (a compare of registers, where `fill - nmax`
    /// then a compare was the engine's critical path).
    nmax_kw: DFF<Bits<8>>,
    bnd: DFF<Bits<13>>,
    nmax_ends_buf: DFF<Bit>,
    nmax_ends_burst: DFF<Bit>,
    /// Beats of the burst being gathered, and its address.
    bb: DFF<Bits<9>>,
    bstart: DFF<Bits<64>>,
    wd_v: DFF<Bit>,
    wd_data: DFF<Bits<DW>>,
    wd_strb: DFF<Bits<KW>>,
    wc_v: DFF<Bit>,
    wc: DFF<WriteBurst>,
    /// An answer to the packet's request (not a skipped one), to the
    /// look-ahead's; a buffer taken now, the packet's or (`ldp`, a new packet)
    /// the look-ahead's; the look-ahead's is ready for its packet.
    ans: Signal<Local, Bit>,
    pans: Signal<Local, Bit>,
    load: Signal<Local, Bit>,
    ldp: Signal<Local, Bit>,
    pa_ready: Signal<Local, Bit>,
    pa_take: Signal<Local, Bit>,
    pa_pop: Signal<Local, Bit>,
    used_nx: Signal<Local, Bits<24>>,
    /// The buffer taken and its first beat's arithmetic (`b_*`, or `pa_*`).
    l_buf: Signal<Local, C2hBuf>,
    l_off: Signal<Local, Bits<8>>,
    l_nmax: Signal<Local, Bits<8>>,
    l_bnd: Signal<Local, Bits<13>>,
    l_eb: Signal<Local, Bit>,
    l_ebu: Signal<Local, Bit>,
    l_fn: Signal<Local, Bits<FW>>,
    l_gen: Signal<Local, Bit>,
    /// The input beat's valid bytes, zero above them.
    in_bytes: Signal<Local, Bits<DW2>>,
    n: Signal<Local, Bits<8>>,
    fill_lt: Signal<Local, Bit>,
    pkt_last: Signal<Local, Bit>,
    bend: Signal<Local, Bit>,
    pop: Signal<Local, Bit>,
    open: Signal<Local, Bit>,
    take: Signal<Local, Bit>,
    /// The gathered bytes and their count after a beat leaves (`pop`), and
    /// the input beat placed after the bytes left with and without a pop:
    /// all from registers, so that `pop` only selects (it never sets a
    /// shift amount).
    acc_pop: Signal<Local, Bits<DW2>>,
    fill_pop: Signal<Local, Bits<8>>,
    in_keep: Signal<Local, Bits<DW2>>,
    in_pop: Signal<Local, Bits<DW2>>,
    /// The bytes left after this cycle fit in a beat (with or without a pop).
    fits: Signal<Local, Bit>,
    left_nx: Signal<Local, Bits<24>>,
    bnd_nx: Signal<Local, Bits<13>>,
}

impl<const DW: usize, const KW: usize, const DW2: usize> C2hEngine<DW, KW, DW2> {
    /// `functions`: packets of a higher `tid` are dropped; `burst_bytes`:
    /// min(max_burst, 32 beats), a power of two.
    pub fn new(functions: usize, burst_bytes: usize) -> Self {
        let cst = |v: u64| Constant::new(v.into());
        let mut keep_all: Bits<KW> = Bits::default();
        for i in 0..KW {
            keep_all = keep_all.replace_bit(i, true);
        }
        Self {
            clk: Default::default(), rst: Default::default(), s_tvalid: Default::default(),
            s_tready: Default::default(), s_tdata: Default::default(), s_tkeep: Default::default(),
            s_tlast: Default::default(), s_tid: Default::default(), req_valid: Default::default(),
            req_kind: Default::default(), req: Default::default(), req_take: Default::default(),
            ans_valid: Default::default(), ans_ok: Default::default(), ans_gen: Default::default(),
            buf_valid: Default::default(), buf_desc: Default::default(), ahead_valid: Default::default(),
            ahead_desc: Default::default(), pkt_function: Default::default(), kill_valid: Default::default(),
            kill_function: Default::default(), data_push: Default::default(), data: Default::default(),
            strb: Default::default(), data_room: Default::default(), burst_push: Default::default(),
            burst: Default::default(), burst_room: Default::default(), stream_in: Default::default(),
            first: C2hFirstBeat::new(KW, burst_bytes),
            first_pa: C2hFirstBeat::new(KW, burst_bytes),
            last_function: Constant::new(((functions - 1) as u64).into()),
            kw: cst(KW as u64),
            cburst: Constant::new((burst_bytes as u64).into()),
            keep_all: Constant::new(keep_all),
            state: Default::default(), drop: Default::default(), fn_q: Default::default(),
            gen: Default::default(), req_v: Default::default(), req_k: Default::default(),
            rq: Default::default(), rq_skip: Default::default(), done_in: Default::default(),
            pkt_done: Default::default(), pa_v: Default::default(), pa_fn: Default::default(),
            pa_rv: Default::default(), pa_asked: Default::default(), pa_got: Default::default(),
            pa_ok: Default::default(), pa_no: Default::default(), pa_gen: Default::default(),
            pa_buf: Default::default(), pa_off: Default::default(), pa_nmax: Default::default(),
            pa_bnd: Default::default(), pa_eb: Default::default(), pa_ebu: Default::default(),
            pa_bad: Default::default(), pa_nx: Default::default(), pa_tried: Default::default(),
            blen: Default::default(), fit: Default::default(), early: Default::default(),
            shown_pa: Default::default(), ao_pa: Default::default(), ao_skip: Default::default(),
            buf_busy: Default::default(), bo_pa: Default::default(), bf_fn: Default::default(),
            acc: Default::default(), fill: Default::default(), bv: Default::default(), bq: Default::default(),
            bq_pa: Default::default(), dirq: Default::default(), addr: Default::default(),
            left: Default::default(), used: Default::default(), off: Default::default(),
            nmax: Default::default(), nmax_kw: Default::default(), bnd: Default::default(),
            nmax_ends_buf: Default::default(), nmax_ends_burst: Default::default(), bb: Default::default(),
            bstart: Default::default(), wd_v: Default::default(), wd_data: Default::default(),
            wd_strb: Default::default(), wc_v: Default::default(), wc: Default::default(),
            ans: Default::default(), pans: Default::default(), load: Default::default(),
            ldp: Default::default(), pa_ready: Default::default(), pa_take: Default::default(),
            pa_pop: Default::default(), used_nx: Default::default(), l_buf: Default::default(),
            l_off: Default::default(), l_nmax: Default::default(), l_bnd: Default::default(),
            l_eb: Default::default(), l_ebu: Default::default(), l_fn: Default::default(),
            l_gen: Default::default(), in_bytes: Default::default(), n: Default::default(),
            fill_lt: Default::default(), pkt_last: Default::default(), bend: Default::default(),
            pop: Default::default(), open: Default::default(), take: Default::default(),
            acc_pop: Default::default(), fill_pop: Default::default(), in_keep: Default::default(),
            in_pop: Default::default(), fits: Default::default(), left_nx: Default::default(),
            bnd_nx: Default::default(),
        }
    }
}

impl<const DW: usize, const KW: usize, const DW2: usize> Logic for C2hEngine<DW, KW, DW2> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clk, state, drop, fn_q, gen, req_v, req_k, rq, rq_skip, done_in, pkt_done, pa_v, pa_fn, pa_rv, pa_asked,
            pa_got, pa_ok, pa_no, pa_gen, pa_buf, pa_off, pa_nmax, pa_bnd, pa_eb, pa_ebu, pa_bad, pa_nx, pa_tried, blen, fit, shown_pa, ao_pa, ao_skip, buf_busy,
            bo_pa, bf_fn, acc, fill, bv, bq, bq_pa, dirq, addr, left, used, off, nmax, nmax_kw, bnd, nmax_ends_buf, nmax_ends_burst, bb, bstart, wd_v, wd_data, wd_strb,
            wc_v, wc
        );
        self.stream_in.clk.next = self.clk.val();
        self.stream_in.rst.next = self.rst.val();
        self.stream_in.s_axis_tvalid.next = self.s_tvalid.val();
        self.stream_in.s_axis_tdata.next = self.s_tdata.val();
        self.stream_in.s_axis_tkeep.next = self.s_tkeep.val();
        self.stream_in.s_axis_tlast.next = self.s_tlast.val();
        self.stream_in.s_axis_tid.next = self.s_tid.val();
        self.s_tready.next = self.stream_in.s_axis_tready.val();
        self.stream_in.head_pop.next = false;
        // Outputs: registers (the request: the packet's, else the look-ahead's).
        self.req_valid.next = self.req_v.q.val() | self.pa_rv.q.val();
        self.req_kind.next = self.req_k.q.val();
        self.req.next = self.rq.q.val();
        if !self.req_v.q.val() {
            self.req_kind.next = C2hReqKind::Buffer;
            self.req.next.function = self.pa_fn.q.val();
            self.req.next.gen = false;
            self.req.next.used = 0.into();
            self.req.next.eop = false;
            self.req.next.irq = false;
            // (Code 2 if asked early: the buffer after the one in use.)
            self.req.next.code = bit_cast::<4, 1>(self.pa_nx.q.val().into()) << 1;
        }
        self.shown_pa.d.next = !self.req_v.q.val() & self.pa_rv.q.val();
        self.pkt_function.next = self.bf_fn.q.val();
        self.data_push.next = self.wd_v.q.val();
        self.data.next = self.wd_data.q.val();
        self.strb.next = self.wd_strb.q.val();
        self.burst_push.next = self.wc_v.q.val();
        self.burst.next = self.wc.q.val();
        self.wd_v.d.next = false;
        self.wc_v.d.next = false;
        if self.req_take.val() {
            self.ao_pa.d.next = self.shown_pa.q.val();
            self.ao_skip.d.next = !self.shown_pa.q.val() & self.rq_skip.q.val();
            if self.shown_pa.q.val() {
                self.pa_rv.d.next = false;
            } else {
                // (The packet's request goes first: a buffer asked early is
                // no longer the one after the buffer in use.)
                self.req_v.d.next = false;
                self.pa_nx.d.next = false;
            }
        }
        if self.buf_valid.val() | self.ahead_valid.val() {
            self.buf_busy.d.next = false;
        }
        if self.buf_valid.val() | (self.ahead_valid.val() & !self.bo_pa.q.val()) {
            self.bv.d.next = true;
            self.bq.d.next = self.buf_desc.val();
            if self.ahead_valid.val() {
                self.bq.d.next = self.ahead_desc.val();
            }
            self.bq_pa.d.next = self.bo_pa.q.val();
        }
        // Answers come in the order the requests were taken.
        self.ans.next = self.ans_valid.val() & !self.ao_pa.q.val() & !self.ao_skip.q.val();
        self.pans.next = self.ans_valid.val() & self.ao_pa.q.val();
        // The packet's buffer is taken with its answer if it came with it,
        // else on its arrival.
        self.load.next = self.bv.q.val()
            & !self.bq_pa.q.val()
            & ((self.state.q.val() == C2hState::WaitBuffer)
                | ((self.state.q.val() == C2hState::WaitAnswer) & self.ans.val() & self.ans_ok.val()));

        // A new buffer: its first beat (`c2h_first_beat.rs`).
        self.first.addr.next = bit_cast::<13, 64>(self.bq.q.val().addr);
        self.first.len.next = self.bq.q.val().len;

        // ---- Look-ahead: the next packet's first buffer is asked as soon
        // as its first beat is in the input FIFO (`c2h_input.rs`), so that it
        // is there when the packets before it are done. For a function whose
        // packet is still open it is asked early (`early`) or once that
        // packet is done, its last write-back asked first (module doc).
        // Ready: refused (and no buffer of it still to come), or answered
        // and staged (a buffer out of a prefetch slot comes before its answer).
        // Taken by the next packet (`Idle`); the next entry popped at once
        // if nothing of this one is still to land (answered and staged: a
        // refused or stopped entry may have its answer or buffer land now).
        self.pa_ready.next = self.pa_v.q.val()
            & ((self.pa_no.q.val() & !(self.buf_busy.q.val() & self.bo_pa.q.val()))
                | (self.pa_got.q.val() & self.pa_ok.q.val() & !self.pa_no.q.val()));
        self.pa_take.next = (self.state.q.val() == C2hState::Idle)
            & !self.drop.q.val()
            & self.pa_ready.val()
            & !(self.pa_bad.q.val() & self.req_v.q.val());
        self.pa_pop.next = (!self.pa_v.q.val() | (self.pa_take.val() & self.pa_got.q.val() & self.pa_ok.q.val() & !self.pa_no.q.val()))
            & self.stream_in.head_valid.val();
        if self.pa_pop.val() {
            self.stream_in.head_pop.next = true;
            self.pa_v.d.next = true;
            self.pa_fn.d.next = self.stream_in.head_tid.val();
            self.pa_asked.d.next = false;
            self.pa_got.d.next = false;
            self.pa_ok.d.next = false;
            self.pa_no.d.next = false;
            self.pa_nx.d.next = false;
            self.pa_tried.d.next = false;
        }
        self.fit.d.next = (self.state.q.val() == C2hState::Data)
            & !self.done_in.q.val()
            & self.stream_in.len_valid.val()
            & (self.stream_in.len_bound.val() <= bit_cast::<25, 24>(self.blen.q.val()));
        // (Known as the packet starts: the length queued is its own then.)
        if self.pa_take.val() & !self.pa_no.q.val() {
            self.fit.d.next = self.stream_in.len_valid.val()
                & (self.stream_in.len_bound.val() <= bit_cast::<25, 24>(self.pa_buf.q.val().len));
        }
        self.early.next = self.fit.q.val()
            & !self.pa_tried.q.val()
            & !self.req_v.q.val()
            & (self.pa_fn.q.val() == self.fn_q.q.val())
            & (self.state.q.val() == C2hState::Data);
        if self.pa_v.q.val() & !self.pa_asked.q.val() & !self.pa_no.q.val() {
            if self.pa_fn.q.val() > self.last_function.val() {
                self.pa_no.d.next = true;
            } else if !self.buf_busy.q.val()
                & (self.state.q.val() != C2hState::WantBuffer)
                & ((self.pa_fn.q.val() != self.fn_q.q.val()) | (self.state.q.val() == C2hState::Idle) | self.early.val())
            {
                self.pa_nx.d.next = self.early.val();
                self.pa_tried.d.next = self.pa_tried.q.val() | self.early.val();
                self.pa_rv.d.next = true;
                self.pa_asked.d.next = true;
                self.buf_busy.d.next = true;
                self.bo_pa.d.next = true;
                self.bf_fn.d.next = self.pa_fn.q.val();
            }
        }
        if self.pans.val() {
            self.pa_gen.d.next = self.ans_gen.val();
            self.pa_ok.d.next = self.ans_ok.val();
            if !self.ans_ok.val() {
                // (Asked early and not now: asked again once the packet is done.)
                self.pa_no.d.next = !self.pa_nx.q.val();
                self.pa_asked.d.next = !self.pa_nx.q.val();
                self.pa_nx.d.next = false;
                self.buf_busy.d.next = false;
            }
        }
        if self.bv.q.val() & self.bq_pa.q.val() {
            // Its buffer, staged with its first beat's arithmetic.
            self.bv.d.next = false;
            self.pa_got.d.next = true;
            self.pa_buf.d.next = self.bq.q.val();
            self.pa_off.d.next = self.first.off.val();
            self.pa_nmax.d.next = self.first.nmax.val();
            self.pa_bnd.d.next = self.first.bnd.val();
            self.pa_eb.d.next = self.first.ends_buf.val();
            self.pa_ebu.d.next = self.first.ends_burst.val();
            self.pa_bad.d.next = self.bq.q.val().err | (self.bq.q.val().len == 0);
        }
        self.first_pa.addr.next = bit_cast::<13, 64>(self.ahead_desc.val().addr);
        self.first_pa.len.next = self.ahead_desc.val().len;
        if self.ahead_valid.val() & self.bo_pa.q.val() {
            // Out of the run-ahead: staged as it comes.
            self.pa_got.d.next = true;
            self.pa_buf.d.next = self.ahead_desc.val();
            self.pa_off.d.next = self.first_pa.off.val();
            self.pa_nmax.d.next = self.first_pa.nmax.val();
            self.pa_bnd.d.next = self.first_pa.bnd.val();
            self.pa_eb.d.next = self.first_pa.ends_buf.val();
            self.pa_ebu.d.next = self.first_pa.ends_burst.val();
            self.pa_bad.d.next = self.ahead_desc.val().err | (self.ahead_desc.val().len == 0);
        }
        // (Only an entry held: one popped this cycle is another packet's.)
        if self.kill_valid.val() & self.pa_v.q.val() & (self.kill_function.val() == self.pa_fn.q.val()) & !self.pa_pop.val() {
            self.pa_no.d.next = true;
        }
        self.ldp.next = false;

        // This cycle's output beat: nmax bytes, or the packet's last fewer.
        self.fill_lt.next = self.fill.q.val() < self.nmax.q.val();
        self.n.next = self.nmax.q.val();
        if self.fill_lt.val() {
            self.n.next = self.fill.q.val();
        }
        self.pkt_last.next = self.done_in.q.val() & (self.fill.q.val() <= self.nmax.q.val());
        self.bend.next = self.nmax_ends_burst.q.val() | self.pkt_last.val();
        // (A beat that fills the buffer asks its write-back: the request
        // register must be free.)
        self.pop.next = (self.state.q.val() == C2hState::Data)
            & !(self.done_in.q.val() & (self.fill.q.val() == 0))
            & (!self.fill_lt.val() | self.done_in.q.val())
            & self.data_room.val()
            & !(self.nmax_ends_buf.q.val() & self.req_v.q.val())
            & (!self.bend.val() | self.burst_room.val());
        self.used_nx.next = self.used.q.val() + bit_cast::<24, 8>(self.n.val());
        // The buffer's next beat, if this one has nmax bytes: aligned.
        self.left_nx.next = self.left.q.val() - bit_cast::<24, 8>(self.nmax.q.val());
        self.bnd_nx.next = self.bnd.q.val() - bit_cast::<13, 8>(self.nmax.q.val());
        if self.bnd_nx.val() == 0 {
            self.bnd_nx.next = self.cburst.val();
        }

        match self.state.q.val() {
            C2hState::Idle => {
                // The next packet, with the look-ahead's buffer (a bad one
                // is reported: the request register must be free), or dropped.
                if self.pa_take.val() {
                    self.pa_v.d.next = self.pa_pop.val();
                    self.fn_q.d.next = self.pa_fn.q.val();
                    self.done_in.d.next = false;
                    self.pkt_done.d.next = false;
                    if self.pa_no.q.val() {
                        self.drop.d.next = true;
                    } else {
                        self.gen.d.next = self.pa_gen.q.val();
                        self.ldp.next = true;
                    }
                }
            }
            C2hState::WaitAnswer => {
                if self.ans.val() {
                    if self.ans_ok.val() {
                        self.state.d.next = C2hState::WaitBuffer;
                    } else {
                        self.drop.d.next = !self.done_in.q.val();
                        self.buf_busy.d.next = false;
                        self.state.d.next = C2hState::Idle;
                    }
                }
            }
            C2hState::WantBuffer => {
                // The packet's next buffer, once no other buffer request is out.
                if !self.req_v.q.val() & !self.buf_busy.q.val() {
                    self.req_v.d.next = true;
                    self.req_k.d.next = C2hReqKind::Buffer;
                    self.rq.d.next.function = self.fn_q.q.val();
                    self.rq.d.next.gen = self.gen.q.val();
                    self.rq.d.next.code = 1.into(); // continuation of the packet
                    self.rq_skip.d.next = false;
                    self.buf_busy.d.next = true;
                    self.bo_pa.d.next = false;
                    self.bf_fn.d.next = self.fn_q.q.val();
                    self.state.d.next = C2hState::WaitAnswer;
                }
            }
            C2hState::WaitBuffer => {}
            C2hState::Data => {
                if self.done_in.q.val() & (self.fill.q.val() == 0) {
                    if self.bb.q.val() != 0 {
                        // The packet ended after the burst's last beat: the burst.
                        if self.burst_room.val() {
                            self.wc_v.d.next = true;
                            self.wc.d.next.addr = self.bstart.q.val();
                            self.wc.d.next.last = bit_cast::<8, 9>(self.bb.q.val() - 1);
                            self.wc.d.next.function = self.fn_q.q.val();
                            self.bb.d.next = 0.into();
                        }
                    } else if !self.req_v.q.val() {
                        // The packet's last write-back: its answer is not waited for.
                        self.pkt_done.d.next = true;
                        self.req_v.d.next = true;
                        self.req_k.d.next = C2hReqKind::WriteBack;
                        self.rq.d.next.function = self.fn_q.q.val();
                        self.rq.d.next.gen = self.gen.q.val();
                        self.rq.d.next.used = self.used.q.val();
                        self.rq.d.next.eop = true;
                        self.rq.d.next.irq = self.dirq.q.val();
                        self.rq.d.next.code = 0.into();
                        self.rq_skip.d.next = true;
                        self.state.d.next = C2hState::Idle;
                    }
                } else if self.pop.val() {
                    self.wd_v.d.next = true;
                    self.wd_data.d.next = bit_cast::<DW, DW2>(self.acc.q.val() << (bit_cast::<11, 8>(self.off.q.val()) << 3));
                    self.wd_strb.d.next = (self.keep_all.val() >> (self.kw.val() - self.n.val())) << self.off.q.val();
                    self.used.d.next = self.used_nx.val();
                    // The next beat (if any: a beat of fewer than nmax bytes ends the packet).
                    self.addr.d.next = self.addr.q.val() + bit_cast::<64, 8>(self.nmax.q.val());
                    self.left.d.next = self.left_nx.val();
                    self.off.d.next = 0.into();
                    self.nmax.d.next = self.kw.val();
                    self.nmax_kw.d.next = self.kw.val() << 1;
                    if self.left_nx.val() < bit_cast::<24, 8>(self.kw.val()) {
                        self.nmax.d.next = self.left_nx.val().get_bits::<8>(0);
                        self.nmax_kw.d.next = self.left_nx.val().get_bits::<8>(0) + self.kw.val();
                    }
                    self.bnd.d.next = self.bnd_nx.val();
                    self.nmax_ends_buf.d.next = self.left_nx.val() <= bit_cast::<24, 8>(self.kw.val());
                    self.nmax_ends_burst.d.next =
                        (self.bnd_nx.val() == bit_cast::<13, 8>(self.kw.val())) | (self.left_nx.val() <= bit_cast::<24, 8>(self.kw.val()));
                    self.bb.d.next = self.bb.q.val() + 1;
                    if self.bb.q.val() == 0 {
                        self.bstart.d.next = self.addr.q.val();
                    }
                    if self.bend.val() {
                        self.wc_v.d.next = true;
                        self.wc.d.next.addr = self.bstart.q.val();
                        if self.bb.q.val() == 0 {
                            self.wc.d.next.addr = self.addr.q.val();
                        }
                        self.wc.d.next.last = bit_cast::<8, 9>(self.bb.q.val());
                        self.wc.d.next.function = self.fn_q.q.val();
                        self.bb.d.next = 0.into();
                    }
                    if self.nmax_ends_buf.q.val() & !self.fill_lt.val() {
                        // Buffer full: its write-back; end of packet if it ends here too.
                        self.pkt_done.d.next = self.pkt_last.val();
                        self.req_v.d.next = true;
                        self.req_k.d.next = C2hReqKind::WriteBack;
                        self.rq.d.next.function = self.fn_q.q.val();
                        self.rq.d.next.gen = self.gen.q.val();
                        self.rq.d.next.used = self.used_nx.val();
                        self.rq.d.next.eop = self.pkt_last.val();
                        self.rq.d.next.irq = self.dirq.q.val();
                        self.rq.d.next.code = 0.into();
                        self.rq_skip.d.next = self.pkt_last.val();
                        self.state.d.next = C2hState::WaitWriteBack;
                        if self.pkt_last.val() {
                            self.state.d.next = C2hState::Idle;
                        }
                    }
                }
            }
            C2hState::WaitWriteBack => {
                if self.ans.val() {
                    if self.ans_ok.val() & !self.pkt_done.q.val() {
                        self.state.d.next = C2hState::WantBuffer;
                    } else {
                        self.drop.d.next = !self.ans_ok.val() & !self.done_in.q.val();
                        self.state.d.next = C2hState::Idle;
                    }
                }
            }
            C2hState::WaitError => {
                if self.ans.val() {
                    self.drop.d.next = !self.done_in.q.val();
                    self.state.d.next = C2hState::Idle;
                }
            }
        }

        // The buffer taken: the packet's next one, or the look-ahead's.
        self.l_buf.next = self.bq.q.val();
        self.l_off.next = self.first.off.val();
        self.l_nmax.next = self.first.nmax.val();
        self.l_bnd.next = self.first.bnd.val();
        self.l_eb.next = self.first.ends_buf.val();
        self.l_ebu.next = self.first.ends_burst.val();
        self.l_fn.next = self.fn_q.q.val();
        self.l_gen.next = self.gen.q.val();
        if self.ldp.val() {
            self.l_buf.next = self.pa_buf.q.val();
            self.l_off.next = self.pa_off.q.val();
            self.l_nmax.next = self.pa_nmax.q.val();
            self.l_bnd.next = self.pa_bnd.q.val();
            self.l_eb.next = self.pa_eb.q.val();
            self.l_ebu.next = self.pa_ebu.q.val();
            self.l_fn.next = self.pa_fn.q.val();
            self.l_gen.next = self.pa_gen.q.val();
        }
        if self.load.val() {
            self.bv.d.next = false;
            self.blen.d.next = 0.into();
        }
        if self.ldp.val() {
            self.blen.d.next = self.pa_buf.q.val().len;
        }
        if self.load.val() | self.ldp.val() {
            self.addr.d.next = self.l_buf.val().addr;
            self.left.d.next = self.l_buf.val().len;
            self.off.d.next = self.l_off.val();
            self.nmax.d.next = self.l_nmax.val();
            self.nmax_kw.d.next = self.l_nmax.val() + self.kw.val();
            self.bnd.d.next = self.l_bnd.val();
            self.nmax_ends_buf.d.next = self.l_eb.val();
            self.nmax_ends_burst.d.next = self.l_ebu.val();
            self.dirq.d.next = self.l_buf.val().irq;
            self.used.d.next = 0.into();
            self.state.d.next = C2hState::Data;
            // (An error is reported from the request register, free then:
            // it holds the last packet's write-back until taken.)
            if self.l_buf.val().err | (self.l_buf.val().len == 0) {
                self.rq.d.next.function = self.l_fn.val();
                self.rq.d.next.gen = self.l_gen.val();
                self.rq_skip.d.next = false;
            }
            if self.l_buf.val().err {
                self.req_v.d.next = true;
                self.req_k.d.next = C2hReqKind::Error;
                self.rq.d.next.code = 6.into(); // ERR_DESC_READ
                self.state.d.next = C2hState::WaitError;
            } else if self.l_buf.val().len == 0 {
                self.req_v.d.next = true;
                self.req_k.d.next = C2hReqKind::Error;
                self.rq.d.next.code = 3.into(); // ERR_ZERO_LENGTH
                self.state.d.next = C2hState::WaitError;
            }
        }

        // Input: taken while the bytes left after this cycle's beat fit in
        // one beat (when a beat leaves with the packet open, it has nmax bytes).
        self.acc_pop.next = self.acc.q.val() >> (bit_cast::<11, 8>(self.nmax.q.val()) << 3);
        self.fill_pop.next = self.fill.q.val() - self.nmax.q.val();
        if self.fill_lt.val() {
            self.fill_pop.next = 0.into();
        }
        self.in_bytes.next = bit_cast::<DW2, DW>(self.stream_in.m_axis_tdata.val());
        self.in_keep.next = self.in_bytes.val() << (bit_cast::<11, 8>(self.fill.q.val()) << 3);
        self.in_pop.next = self.in_bytes.val() << (bit_cast::<11, 8>(self.fill_pop.val()) << 3);
        self.fits.next = self.fill.q.val() <= self.kw.val();
        if self.pop.val() {
            self.fits.next = self.fill.q.val() <= self.nmax_kw.q.val();
        }
        // (A packet's first beat is taken as it starts, `ldp`: it leaves the
        // cycle after.)
        self.open.next = (((self.state.q.val() != C2hState::Idle) & !self.done_in.q.val()) | self.ldp.val()) & self.fits.val();
        self.take.next = self.stream_in.m_axis_tvalid.val() & (self.drop.q.val() | self.open.val());
        self.stream_in.m_axis_tready.next = self.drop.q.val() | self.open.val();
        self.stream_in.len_pop.next = self.take.val() & self.stream_in.m_axis_tlast.val();
        if self.pop.val() {
            self.acc.d.next = self.acc_pop.val();
            self.fill.d.next = self.fill_pop.val();
        }
        // (Idle: what a packet cut short left is not kept.)
        if self.state.q.val() == C2hState::Idle {
            self.fill.d.next = 0.into();
            self.acc.d.next = 0.into();
        }
        if self.take.val() {
            if self.drop.q.val() {
                if self.stream_in.m_axis_tlast.val() {
                    self.drop.d.next = false;
                }
            } else {
                if self.state.q.val() == C2hState::Idle {
                    self.acc.d.next = self.in_bytes.val();
                    self.fill.d.next = self.stream_in.m_axis_count.val();
                } else if self.pop.val() {
                    self.acc.d.next = self.acc_pop.val() | self.in_pop.val();
                    self.fill.d.next = self.fill_pop.val() + self.stream_in.m_axis_count.val();
                } else {
                    self.acc.d.next = self.acc.q.val() | self.in_keep.val();
                    self.fill.d.next = self.fill.q.val() + self.stream_in.m_axis_count.val();
                }
                self.done_in.d.next = self.stream_in.m_axis_tlast.val();
            }
        }

        if self.rst.val() {
            self.state.d.next = C2hState::Idle;
            self.drop.d.next = false;
            self.req_v.d.next = false;
            self.pa_v.d.next = false;
            self.pa_rv.d.next = false;
            self.pa_nx.d.next = false;
            self.fit.d.next = false;
            self.buf_busy.d.next = false;
            self.bv.d.next = false;
            self.fill.d.next = 0.into();
            self.bb.d.next = 0.into();
            self.wd_v.d.next = false;
            self.wc_v.d.next = false;
        }
    }
}
