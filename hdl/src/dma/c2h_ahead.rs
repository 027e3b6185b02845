//! The DMA's C2H run-ahead: buffer descriptors of one function read ahead
//! of its CIDX, up to 64 of them, in reads of up to four (a read waits for room for
//! all the descriptors it may take, so that reads stay whole 64-byte blocks).
//!
//! Why: a function's prefetch slot (`records.rs`) holds one descriptor, so a
//! function streaming alone waits one host read round trip per buffer (256 B
//! packets at 64 bits: 0.258 beats per cycle with 200 cycles of latency).
//! 64 descriptors per function in block RAM would be 64 x 2048 words;
//! one run-ahead shared by the functions costs 64 words in all. It
//! belongs to one function at a time (`owner`): one handed two buffers in a
//! row while it is free (a function streaming alone); it is dropped when
//! another function's buffer is handed. Functions whose packets interleave
//! keep to their slots (their round trips overlap); a function streaming
//! alone for a while (a time slice of a shared accelerator) has it then.
//!
//! It holds the descriptors at ring indices [`head`, `next_index`) (`held` of
//! them, read or in flight); arrivals come in read order, so the FIFO's
//! head is always the descriptor at `head`. The control engine hands the
//! head only if it is the one at the function's CIDX (else it drops the
//! run-ahead: another function's buffer, a buffer given back, a reset, a
//! new ring); `hand` asks for it
//! and it leaves on `buf_*` once it is here. `drop` empties it; what is still
//! in flight is then thrown away as it arrives (but for a head asked before
//! the drop: the C2H engine waits for it and drops it), and it is `free`
//! again once nothing is in flight.
//!
//! Every input is a one-cycle command of the control engine or an arrival
//! of the read side; every output is a register.

use super::desc::C2hBuf;
use crate::fifo::Fifo;
use crate::FUNCTION_ID_BITS as FW;
use rust_hdl::prelude::*;

/// Descriptors the run-ahead holds: 64 (its FIFO's depth). A host read
/// round trip (about 205 cycles) of one-buffer packets of 4 beats (256 B at
/// 512 bits), 8 cycles each, is 26 descriptors: 16 ran dry every 16 packets.
const AHEAD_LOG2: usize = 6;

#[derive(LogicBlock, Default)]
pub struct C2hAhead {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// Control engine: the run-ahead taken for `claim_fn` from ring index
    /// `claim_index` (free only), with its first read.
    pub claim: Signal<In, Bit>,
    pub claim_fn: Signal<In, Bits<FW>>,
    pub claim_index: Signal<In, Bits<16>>,
    /// Control engine: a read of `issue_n` descriptors (1 to 4) issued at
    /// `next_index` (or at `claim_index`, with `claim`).
    pub issue: Signal<In, Bit>,
    pub issue_n: Signal<In, Bits<3>>,
    pub ring_mask: Signal<In, Bits<16>>,
    /// Control engine: the head to the C2H engine, now or on its arrival.
    pub hand: Signal<In, Bit>,
    pub drop: Signal<In, Bit>,
    /// Control engine: a buffer is handed to function `claim_fn` (by any
    /// path: the run-ahead, the slot, a read).
    pub handed: Signal<In, Bit>,
    /// Read side: the next descriptor read ahead (in read order).
    pub arrive: Signal<In, Bit>,
    pub arrive_buf: Signal<In, C2hBuf>,
    pub on: Signal<Out, Bit>,
    pub owner: Signal<Out, Bits<FW>>,
    pub head: Signal<Out, Bits<16>>,
    pub next_index: Signal<Out, Bits<16>>,
    /// Descriptors held (read or in flight), and room for more.
    pub held: Signal<Out, Bits<7>>,
    pub room: Signal<Out, Bits<7>>,
    /// Free (nothing held, in flight or asked for), and the function handed
    /// the last buffer was handed the one before it too (it streams alone):
    /// it may take the run-ahead.
    pub claim_ok: Signal<Out, Bit>,
    pub buf_valid: Signal<Out, Bit>,
    pub buf_desc: Signal<Out, C2hBuf>,
    fifo: Fifo<C2hBuf, AHEAD_LOG2, { AHEAD_LOG2 + 1 }>,
    on_q: DFF<Bit>,
    fn_q: DFF<Bits<FW>>,
    head_q: DFF<Bits<16>>,
    next_q: DFF<Bits<16>>,
    held_q: DFF<Bits<7>>,
    /// Descriptors in flight (kept through a drop: they still arrive).
    inflight: DFF<Bits<7>>,
    /// The head is asked for and not yet out.
    want: DFF<Bit>,
    out_v: DFF<Bit>,
    out_d: DFF<C2hBuf>,
    /// The function handed the last buffer; it was handed the one before.
    last_fn: DFF<Bits<FW>>,
    again: DFF<Bit>,
    /// An arrival asked for with nothing before it: out at once.
    bypass: Signal<Local, Bit>,
    asked: Signal<Local, Bit>,
    pop: Signal<Local, Bit>,
    free: Signal<Local, Bit>,
    issued: Signal<Local, Bits<7>>,
}

impl Logic for C2hAhead {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clk, on_q, fn_q, head_q, next_q, held_q, inflight, want, out_v, out_d, last_fn, again);
        // The head leaves the cycle after it is asked for if it is here
        // (with the control engine's answer), else once it arrives.
        self.asked.next = self.want.q.val() | self.hand.val();
        self.bypass.next = self.asked.val() & self.arrive.val() & (self.fifo.count.val() == 0);
        self.pop.next = self.asked.val() & !self.fifo.empty.val();
        self.fifo.clk.next = self.clk.val();
        self.fifo.rst.next = self.rst.val() | self.drop.val();
        self.fifo.write.next = self.arrive.val() & self.on_q.q.val() & !self.bypass.val();
        self.fifo.data_in.next = self.arrive_buf.val();
        self.fifo.read.next = self.pop.val();

        self.out_v.d.next = self.bypass.val() | self.pop.val();
        self.out_d.d.next = self.fifo.data_out.val();
        if self.bypass.val() {
            self.out_d.d.next = self.arrive_buf.val();
        }
        self.want.d.next = self.asked.val() & !(self.bypass.val() | self.pop.val());
        if self.hand.val() {
            self.head_q.d.next = (self.head_q.q.val() + 1) & self.ring_mask.val();
        }

        // Counts: a read adds its descriptors, an arrival takes one off those
        // in flight, a hand one off those held.
        self.issued.next = 0.into();
        if self.issue.val() {
            self.issued.next = bit_cast::<7, 3>(self.issue_n.val());
        }
        self.inflight.d.next = self.inflight.q.val() + self.issued.val() - bit_cast::<7, 1>(self.arrive.val().into());
        self.held_q.d.next = self.held_q.q.val() + self.issued.val() - bit_cast::<7, 1>(self.hand.val().into());
        // (`ring_mask` is the served function's: used only when it is ours.)
        if self.issue.val() {
            self.next_q.d.next = (self.next_q.q.val() + bit_cast::<16, 7>(self.issued.val())) & self.ring_mask.val();
        }
        if self.claim.val() {
            self.on_q.d.next = true;
            self.fn_q.d.next = self.claim_fn.val();
            self.head_q.d.next = self.claim_index.val();
            self.next_q.d.next = (self.claim_index.val() + bit_cast::<16, 7>(self.issued.val())) & self.ring_mask.val();
            self.held_q.d.next = self.issued.val();
        }
        if self.drop.val() {
            self.on_q.d.next = false;
            self.held_q.d.next = 0.into();
        }

        self.on.next = self.on_q.q.val();
        self.owner.next = self.fn_q.q.val();
        self.head.next = self.head_q.q.val();
        self.next_index.next = self.next_q.q.val();
        self.held.next = self.held_q.q.val();
        // (64: 1 << `AHEAD_LOG2`.)
        self.room.next = bit_cast::<7, 7>(64_u64.into()) - self.held_q.q.val();
        self.free.next = !self.on_q.q.val() & (self.inflight.q.val() == 0) & !self.want.q.val();
        if self.handed.val() {
            self.last_fn.d.next = self.claim_fn.val();
            self.again.d.next = self.last_fn.q.val() == self.claim_fn.val();
        }
        self.claim_ok.next = self.free.val() & self.again.q.val();
        self.buf_valid.next = self.out_v.q.val();
        self.buf_desc.next = self.out_d.q.val();

        if self.rst.val() {
            self.on_q.d.next = false;
            self.held_q.d.next = 0.into();
            self.inflight.d.next = 0.into();
            self.want.d.next = false;
            self.out_v.d.next = false;
            self.again.d.next = false;
        }
    }
}
