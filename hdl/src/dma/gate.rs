//! The DMA's sharing gate (H2C only): requests from the manager's scheduler
//! to open or close a function's H2C side, and the answers to the closes.
//!
//! Requests (`s_gate_*`) are always accepted into a FIFO of 64, which the
//! control engine applies in order to the function's record (`req_*`,
//! module doc of `dma`). A close, once applied, waits in a second FIFO (the
//! control engine pushes it) until it is answered on `m_gate_closed_*`, in
//! order, in two steps: (0) no descriptor bank holds the function (its
//! turns are over and drained) and the issuer holds nothing of it: the
//! packet ends issued so far are marked; (1) that many packet ends (tlast)
//! have left `m_axis_h2c`: answered. Conservative: it also waits for the
//! packets of other functions issued before the mark.
//!
//! Boundary: the request enters through a register slice; every output is
//! a register, a FIFO head or flag (registers) or a counter's compare.

use crate::fifo::Fifo;
use crate::skid::Skid;
use crate::FUNCTION_ID_BITS as FW;
use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct DmaGate {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// A request of the manager's scheduler: open (1) or close (0) `function`.
    pub s_gate_valid: Signal<In, Bit>,
    pub s_gate_function: Signal<In, Bits<FW>>,
    pub s_gate_open: Signal<In, Bit>,
    /// The oldest request not yet applied; `req_take`: the control engine applies it.
    pub req_valid: Signal<Out, Bit>,
    pub req_function: Signal<Out, Bits<FW>>,
    pub req_open: Signal<Out, Bit>,
    pub req_take: Signal<In, Bit>,
    /// The control engine applied a close of `close_function`: answer it
    /// (`close_room`: there is room for it).
    pub close_room: Signal<Out, Bit>,
    pub close_push: Signal<In, Bit>,
    pub close_function: Signal<In, Bits<FW>>,
    /// The descriptor banks: the function of the close at the head
    /// (`head_fn`); a bank holds a turn of function `held_fn` (`head_fn` a
    /// cycle before: until it is the head's, the head counts as held).
    pub head_fn: Signal<Out, Bits<FW>>,
    pub held: Signal<In, Bit>,
    pub held_fn: Signal<In, Bits<FW>>,
    /// What the issuer holds: the descriptor it issues, the packet it left
    /// open, the end of a stopped packet to write, a stop to apply.
    pub iss_cur_v: Signal<In, Bit>,
    pub iss_cur_fn: Signal<In, Bits<FW>>,
    pub iss_open_v: Signal<In, Bit>,
    pub iss_open_fn: Signal<In, Bits<FW>>,
    pub iss_close_v: Signal<In, Bit>,
    pub iss_close_fn: Signal<In, Bits<FW>>,
    pub iss_stop_v: Signal<In, Bit>,
    pub iss_stop_fn: Signal<In, Bits<FW>>,
    /// A packet end was issued (the issuer) / left `m_axis_h2c` (the packer).
    pub packet_issued: Signal<In, Bit>,
    pub packet_out: Signal<In, Bit>,
    /// One pulse per close: it took effect and the function's packets are out.
    pub m_gate_closed_valid: Signal<Out, Bit>,
    pub m_gate_closed_function: Signal<Out, Bits<FW>>,
    /// Request word: function (10:0), open (11).
    gate_in: Skid<Bits<{ FW + 1 }>>,
    requests: Fifo<Bits<{ FW + 1 }>, 6, 7>,
    closes: Fifo<Bits<FW>, 6, 7>,
    /// The answer's phase (0: waiting for the scheduler and the issuer, 1:
    /// for the packet ends up to the mark).
    phase: DFF<Bit>,
    mark: DFF<Bits<16>>,
    issued: DFF<Bits<16>>,
    delivered: DFF<Bits<16>>,
    gc_v: DFF<Bit>,
    gc_fn: DFF<Bits<FW>>,
    head: Signal<Local, Bits<FW>>,
    in_sched: Signal<Local, Bit>,
    in_issuer: Signal<Local, Bit>,
    out_diff: Signal<Local, Bits<16>>,
    answer: Signal<Local, Bit>,
}

impl Logic for DmaGate {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clk, phase, mark, issued, delivered, gc_v, gc_fn);
        self.gate_in.clk.next = self.clk.val();
        self.requests.clk.next = self.clk.val();
        self.closes.clk.next = self.clk.val();
        self.gate_in.rst.next = self.rst.val();
        self.requests.rst.next = self.rst.val();
        self.closes.rst.next = self.rst.val();
        // Always accepted: a plain register stage into the request FIFO.
        self.gate_in.s_valid.next = self.s_gate_valid.val();
        self.gate_in.s_data.next = bit_cast::<{ FW + 1 }, FW>(self.s_gate_function.val())
            | (bit_cast::<{ FW + 1 }, 1>(self.s_gate_open.val().into()) << 11);
        self.gate_in.m_ready.next = true;
        self.requests.write.next = self.gate_in.m_valid.val();
        self.requests.data_in.next = self.gate_in.m_data.val();
        self.req_valid.next = !self.requests.empty.val();
        self.req_function.next = self.requests.data_out.val().get_bits::<FW>(0);
        self.req_open.next = self.requests.data_out.val().get_bit(11);
        self.requests.read.next = self.req_take.val();
        self.closes.write.next = self.close_push.val();
        self.closes.data_in.next = self.close_function.val();
        self.close_room.next = self.closes.count.val() < 62;

        // The close at the head: answered in two steps.
        self.head.next = self.closes.data_out.val();
        self.head_fn.next = self.head.val();
        self.in_sched.next = self.held.val() | (self.held_fn.val() != self.head.val());
        self.in_issuer.next = (self.iss_cur_v.val() & (self.iss_cur_fn.val() == self.head.val()))
            | (self.iss_open_v.val() & (self.iss_open_fn.val() == self.head.val()))
            | (self.iss_close_v.val() & (self.iss_close_fn.val() == self.head.val()))
            | (self.iss_stop_v.val() & (self.iss_stop_fn.val() == self.head.val()));
        self.out_diff.next = self.delivered.q.val() - self.mark.q.val();
        self.answer.next = false;
        self.gc_v.d.next = false;
        if !self.closes.empty.val() {
            if !self.phase.q.val() {
                if !self.in_sched.val() & !self.in_issuer.val() {
                    self.mark.d.next = self.issued.q.val();
                    self.phase.d.next = true;
                }
            } else if self.out_diff.val() < 0x8000 {
                self.phase.d.next = false;
                self.answer.next = true;
            }
        }
        if self.answer.val() {
            self.gc_v.d.next = true;
            self.gc_fn.d.next = self.head.val();
        }
        self.closes.read.next = self.answer.val();
        if self.packet_issued.val() {
            self.issued.d.next = self.issued.q.val() + 1;
        }
        if self.packet_out.val() {
            self.delivered.d.next = self.delivered.q.val() + 1;
        }
        self.m_gate_closed_valid.next = self.gc_v.q.val();
        self.m_gate_closed_function.next = self.gc_fn.q.val();
        if self.rst.val() {
            self.phase.d.next = false;
            self.gc_v.d.next = false;
            self.issued.d.next = 0.into();
            self.delivered.d.next = 0.into();
        }
    }
}
