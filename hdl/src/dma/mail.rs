//! The control engine's mailboxes (child `mail` of `ctrl.rs`): the work that
//! waits for an operation (H2C completions, `s_fnctl` requests, deferred
//! interrupts, a descriptor the issuer refused), the stop the issuer
//! applies, and the two outputs the engine fills (the interrupt request and
//! the waiting report), each behind a register slice.
//!
//! Boundary: `s_fnctl` enters through a register slice, the interrupt
//! request and the waiting report leave through one; every other input goes
//! to a register or a FIFO, every output is a register (each FIFO's head
//! through a register slice out of its block RAM), a FIFO's count, or
//! logic of registers alone: no output follows an input within a cycle.

use super::desc::H2cDone;
use crate::fifo::Fifo;
use crate::skid::Skid;
use crate::FUNCTION_ID_BITS as FW;
use rust_hdl::prelude::*;

// The completion FIFO (`h2c_done`, 2^6 entries) holds every credit of the issuer.
const _: () = assert!(1 << 6 == super::DONE_CREDITS);

#[derive(LogicBlock, Default)]
pub struct CtlMail {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// The last function (a constant of the engine).
    pub last_function: Signal<In, Bits<FW>>,
    /// The engine clears its RAMs after reset: `s_fnctl` requests are ignored.
    pub clear: Signal<In, Bit>,
    /// `s_fnctl` requests, applied in order (`fq_pop`): a detach resets the
    /// function (function-level reset) before a later attach can enable it.
    pub s_fnctl_valid: Signal<In, Bit>,
    pub s_fnctl_function: Signal<In, Bits<FW>>,
    pub s_fnctl_enable: Signal<In, Bit>,
    pub fq_empty: Signal<Out, Bit>,
    pub fq_function: Signal<Out, Bits<FW>>,
    pub fq_enable: Signal<Out, Bit>,
    pub fq_pop: Signal<In, Bit>,
    /// H2C completions (a FIFO of `DONE_CREDITS` in block RAM, never full:
    /// the issuer holds a credit for each; `hc_left`, registered: one left,
    /// its credit returns).
    pub hc_push: Signal<In, Bit>,
    pub hc_in: Signal<In, H2cDone>,
    pub hc_left: Signal<Out, Bit>,
    pub hc_empty: Signal<Out, Bit>,
    pub hc_head: Signal<Out, H2cDone>,
    pub hc_pop: Signal<In, Bit>,
    /// A descriptor the issuer refused (ERR_ZERO_LENGTH, ERR_DESC_READ),
    /// pushed only while `ie_valid` is low; `ie_pop`: dispatched.
    pub ie_push: Signal<In, Bit>,
    pub ie_function: Signal<In, Bits<FW>>,
    pub ie_generation: Signal<In, Bit>,
    pub ie_error_code: Signal<In, Bits<4>>,
    pub ie_valid: Signal<Out, Bit>,
    pub ie_fn: Signal<Out, Bits<FW>>,
    pub ie_gen: Signal<Out, Bit>,
    pub ie_code: Signal<Out, Bits<4>>,
    pub ie_pop: Signal<In, Bit>,
    /// The function the engine serves: the one it stops, queues, interrupts
    /// or reports.
    pub fn_cur: Signal<In, Bits<FW>>,
    /// A function's generation is over (`k_set`, only while `k_valid` is
    /// low): the issuer ends its open packet (`k_take`).
    pub k_set: Signal<In, Bit>,
    pub k_take: Signal<In, Bit>,
    pub k_valid: Signal<Out, Bit>,
    pub k_function: Signal<Out, Bits<FW>>,
    /// Functions with an unmasked pending interrupt, waiting for the
    /// interrupt output (each at most once: the record's queued bit), so
    /// that no operation waits for `irq_ready`. Deep enough for every function.
    pub iq_push: Signal<In, Bit>,
    pub iq_pop: Signal<In, Bit>,
    pub iq_empty: Signal<Out, Bit>,
    pub iq_head: Signal<Out, Bits<FW>>,
    /// The interrupt request: `irq_push` (only while `irq_busy` is low)
    /// raises vector `irq_vec_in`; `irq_load` loads its function (`fn_cur`).
    pub irq_push: Signal<In, Bit>,
    pub irq_load: Signal<In, Bit>,
    pub irq_vec_in: Signal<In, Bits<4>>,
    pub irq_busy: Signal<Out, Bit>,
    pub irq_valid: Signal<Out, Bit>,
    pub irq_function: Signal<Out, Bits<FW>>,
    pub irq_vector: Signal<Out, Bits<4>>,
    pub irq_ready: Signal<In, Bit>,
    /// The waiting report: `wt_push` (only while `wt_free`) reports `fn_cur`.
    pub wt_push: Signal<In, Bit>,
    pub wt_free: Signal<Out, Bit>,
    pub m_waiting_valid: Signal<Out, Bit>,
    pub m_waiting_ready: Signal<In, Bit>,
    pub m_waiting_function: Signal<Out, Bits<FW>>,

    fnctl_in: Skid<Bits<{ FW + 1 }>>,
    irq_out: Skid<Bits<{ FW + 4 }>>,
    wt_out: Skid<Bits<FW>>,
    /// `s_fnctl` requests: enable bit 11, function 10:0.
    fnctl_q: Fifo<Bits<{ FW + 1 }>, 4, 5>,
    h2c_done: Fifo<H2cDone, 6, 7>,
    hc_left_q: DFF<Bit>,
    irq_q: Fifo<Bits<FW>, FW, { FW + 1 }>,
    /// The heads of `h2c_done`, `fnctl_q` and `irq_q`, registered out of
    /// their RAMs before the engine's dispatch uses them (register slices:
    /// no bubble between entries).
    hc_slice: Skid<H2cDone>,
    fq_slice: Skid<Bits<{ FW + 1 }>>,
    iq_slice: Skid<Bits<FW>>,
    ie_v: DFF<Bit>,
    ie_f: DFF<Bits<FW>>,
    ie_g: DFF<Bit>,
    ie_c: DFF<Bits<4>>,
    k_v: DFF<Bit>,
    k_fn: DFF<Bits<FW>>,
    irq_v: DFF<Bit>,
    irq_f: DFF<Bits<FW>>,
    irq_vec: DFF<Bits<4>>,
    wt_v: DFF<Bit>,
    wt_fn: DFF<Bits<FW>>,
}

impl Logic for CtlMail {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clk, hc_left_q, ie_v, ie_f, ie_g, ie_c, k_v, k_fn, irq_v, irq_f, irq_vec, wt_v, wt_fn);
        self.fnctl_in.clk.next = self.clk.val();
        self.irq_out.clk.next = self.clk.val();
        self.wt_out.clk.next = self.clk.val();
        self.fnctl_q.clk.next = self.clk.val();
        self.h2c_done.clk.next = self.clk.val();
        self.irq_q.clk.next = self.clk.val();
        self.fnctl_in.rst.next = self.rst.val();
        self.irq_out.rst.next = self.rst.val();
        self.wt_out.rst.next = self.rst.val();
        self.fnctl_q.rst.next = self.rst.val();
        self.h2c_done.rst.next = self.rst.val();
        self.irq_q.rst.next = self.rst.val();
        self.hc_slice.clk.next = self.clk.val();
        self.fq_slice.clk.next = self.clk.val();
        self.iq_slice.clk.next = self.clk.val();
        self.hc_slice.rst.next = self.rst.val();
        self.fq_slice.rst.next = self.rst.val();
        self.iq_slice.rst.next = self.rst.val();

        // `s_fnctl`: a valid-only input, the slice is a plain register stage
        // (always drained). (Requests while the RAMs are cleared after reset
        // are ignored.)
        self.fnctl_in.s_valid.next = self.s_fnctl_valid.val();
        self.fnctl_in.s_data.next = bit_cast::<{ FW + 1 }, FW>(self.s_fnctl_function.val())
            | (bit_cast::<{ FW + 1 }, 1>(self.s_fnctl_enable.val().into()) << 11);
        self.fnctl_in.m_ready.next = true;
        self.fnctl_q.write.next = self.fnctl_in.m_valid.val()
            & (self.fnctl_in.m_data.val().get_bits::<FW>(0) <= self.last_function.val())
            & !self.clear.val();
        self.fnctl_q.data_in.next = self.fnctl_in.m_data.val();
        self.fq_slice.s_valid.next = !self.fnctl_q.empty.val();
        self.fq_slice.s_data.next = self.fnctl_q.data_out.val();
        self.fnctl_q.read.next = !self.fnctl_q.empty.val() & self.fq_slice.s_ready.val();
        self.fq_slice.m_ready.next = self.fq_pop.val();
        self.fq_empty.next = !self.fq_slice.m_valid.val();
        self.fq_function.next = self.fq_slice.m_data.val().get_bits::<FW>(0);
        self.fq_enable.next = self.fq_slice.m_data.val().get_bit(11);

        self.h2c_done.write.next = self.hc_push.val();
        self.h2c_done.data_in.next = self.hc_in.val();
        self.hc_slice.s_valid.next = !self.h2c_done.empty.val();
        self.hc_slice.s_data.next = self.h2c_done.data_out.val();
        self.h2c_done.read.next = !self.h2c_done.empty.val() & self.hc_slice.s_ready.val();
        self.hc_slice.m_ready.next = self.hc_pop.val();
        self.hc_left_q.d.next = self.hc_pop.val();
        self.hc_left.next = self.hc_left_q.q.val();
        self.hc_empty.next = !self.hc_slice.m_valid.val();
        self.hc_head.next = self.hc_slice.m_data.val();

        self.irq_q.write.next = self.iq_push.val();
        self.irq_q.data_in.next = self.fn_cur.val();
        self.iq_slice.s_valid.next = !self.irq_q.empty.val();
        self.iq_slice.s_data.next = self.irq_q.data_out.val();
        self.irq_q.read.next = !self.irq_q.empty.val() & self.iq_slice.s_ready.val();
        self.iq_slice.m_ready.next = self.iq_pop.val();
        self.iq_empty.next = !self.iq_slice.m_valid.val();
        self.iq_head.next = self.iq_slice.m_data.val();

        if self.ie_push.val() {
            self.ie_v.d.next = true;
            self.ie_f.d.next = self.ie_function.val();
            self.ie_g.d.next = self.ie_generation.val();
            self.ie_c.d.next = self.ie_error_code.val();
        }
        if self.ie_pop.val() {
            self.ie_v.d.next = false;
        }
        self.ie_valid.next = self.ie_v.q.val();
        self.ie_fn.next = self.ie_f.q.val();
        self.ie_gen.next = self.ie_g.q.val();
        self.ie_code.next = self.ie_c.q.val();

        if self.k_take.val() {
            self.k_v.d.next = false;
        }
        if self.k_set.val() {
            self.k_v.d.next = true;
            self.k_fn.d.next = self.fn_cur.val();
        }
        self.k_valid.next = self.k_v.q.val();
        self.k_function.next = self.k_fn.q.val();

        // The interrupt request and the waiting report, each out through its slice.
        self.irq_busy.next = self.irq_v.q.val() & !self.irq_out.s_ready.val();
        if self.irq_v.q.val() & self.irq_out.s_ready.val() {
            self.irq_v.d.next = false;
        }
        if self.irq_push.val() {
            self.irq_v.d.next = true;
            self.irq_vec.d.next = self.irq_vec_in.val();
        }
        if self.irq_load.val() {
            self.irq_f.d.next = self.fn_cur.val();
        }
        self.irq_out.s_valid.next = self.irq_v.q.val();
        self.irq_out.s_data.next = bit_cast::<{ FW + 4 }, FW>(self.irq_f.q.val())
            | (bit_cast::<{ FW + 4 }, 4>(self.irq_vec.q.val()) << 11);
        self.irq_valid.next = self.irq_out.m_valid.val();
        self.irq_function.next = self.irq_out.m_data.val().get_bits::<FW>(0);
        self.irq_vector.next = self.irq_out.m_data.val().get_bits::<4>(11);
        self.irq_out.m_ready.next = self.irq_ready.val();
        self.wt_free.next = !self.wt_v.q.val() | self.wt_out.s_ready.val();
        if self.wt_v.q.val() & self.wt_out.s_ready.val() {
            self.wt_v.d.next = false;
        }
        if self.wt_push.val() {
            self.wt_v.d.next = true;
            self.wt_fn.d.next = self.fn_cur.val();
        }
        self.wt_out.s_valid.next = self.wt_v.q.val();
        self.wt_out.s_data.next = self.wt_fn.q.val();
        self.m_waiting_valid.next = self.wt_out.m_valid.val();
        self.m_waiting_function.next = self.wt_out.m_data.val();
        self.wt_out.m_ready.next = self.m_waiting_ready.val();

        if self.rst.val() {
            self.ie_v.d.next = false;
            self.hc_left_q.d.next = false;
            self.k_v.d.next = false;
            self.irq_v.d.next = false;
            self.wt_v.d.next = false;
        }
    }
}
