//! The DMA's control engine: one short operation on one function at a time
//! (module doc of `dma`). Its per-function state in block RAM and the
//! register view of it are its child `rec` (`records.rs`), its mailboxes
//! and its interrupt and waiting outputs its child `mail` (`mail.rs`), the
//! H2C descriptor banks its child `banks` (`banks.rs`). Its operations
//! are short read-modify-writes on one function: register accesses, H2C
//! descriptor fetches (the scheduler), completions of both directions
//! (write-back, CIDX, interrupt), C2H buffer fetches and prefetches, errors,
//! sharing gate and `s_fnctl` requests, deferred interrupts. It never waits
//! on data.
//!
//! An operation is dispatched (`CtlState::Dispatch`: the function's records
//! are read out of their RAMs), its records registered (`Read`), then it runs
//! (`Run`: one cycle, or more while it waits for room) and writes them back.
//!
//! Boundary: the register bus and `s_qos` enter through `rec`, `s_fnctl`,
//! the interrupt request and the waiting report through `mail`, each behind
//! a register slice. Every other output is a register (the requests it
//! takes from the C2H engine, the writes and the gate are acknowledged a
//! cycle later, its write-backs, gate closes and descriptor reads leave from
//! registers), a child's output, or logic of registers and block-RAM words
//! alone: no output follows an input within a cycle.

use super::banks::DescBanks;
use super::desc::{C2hReqKind, C2hRing, CtlRead, CtlState, FnRecord, H2cDone, H2cRing, Op, WriteBack};
use super::mail::CtlMail;
use super::ports::{CtlC2hPorts, CtlGatePorts, CtlIssuerPorts, CtlReadPorts, CtlWritesPorts};
use super::records::CtlRecords;
use super::sched_step::SchedStep;
use crate::regbus::RegBusSlave;
use crate::FUNCTION_ID_BITS as FW;
use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct DmaCtrl {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// The dma's register bus, interrupt request, `s_qos`, `s_fnctl` and
    /// waiting report (module doc and ports of `dma`).
    pub s_reg: RegBusSlave,
    pub irq_valid: Signal<Out, Bit>,
    pub irq_function: Signal<Out, Bits<FW>>,
    pub irq_vector: Signal<Out, Bits<4>>,
    pub irq_ready: Signal<In, Bit>,
    pub s_qos_valid: Signal<In, Bit>,
    pub s_qos_function: Signal<In, Bits<FW>>,
    pub s_qos_weight: Signal<In, Bits<8>>,
    pub s_fnctl_valid: Signal<In, Bit>,
    pub s_fnctl_function: Signal<In, Bits<FW>>,
    pub s_fnctl_enable: Signal<In, Bit>,
    pub m_waiting_valid: Signal<Out, Bit>,
    pub m_waiting_ready: Signal<In, Bit>,
    pub m_waiting_function: Signal<Out, Bits<FW>>,
    /// The neighbours in the dma (`ports.rs`).
    pub gate: CtlGatePorts,
    pub writes: CtlWritesPorts,
    pub c2h: CtlC2hPorts,
    pub rside: CtlReadPorts,
    pub issuer: CtlIssuerPorts,
    /// The engine picks its next operation (`CtlState::Dispatch`).
    pub dispatching: Signal<Out, Bit>,
    /// PF + VFs - 1 (a constant of the dma): accesses to a function beyond
    /// are refused.
    pub last_function: Signal<In, Bits<FW>>,

    // ---- the records and their register view, the mailboxes, the banks
    rec: CtlRecords,
    mail: CtlMail,
    banks: DescBanks,
    sched: SchedStep,
    clear_addr: DFF<Bits<FW>>,

    // ---- the engine
    state: DFF<CtlState>,
    op: DFF<Op>,
    cur_fn: DFF<Bits<FW>>,
    /// The scheduler operation visits the scan's candidate for a new turn.
    s_new: DFF<Bit>,
    e_code: DFF<Bits<4>>,
    e_gen: DFF<Bit>,
    e_anygen: DFF<Bit>,
    e_c2h: DFF<Bit>,
    /// The completion the operation serves (of either direction).
    cm: DFF<H2cDone>,
    c_ans_v: DFF<Bit>,
    c_ans_ok: DFF<Bit>,
    c_ans_gen: DFF<Bit>,
    /// The operation's open bit (sharing gate request, or `s_fnctl` enable).
    g_open: DFF<Bit>,
    /// The C2H engine waits for a prefetch still in flight (sequence number `c_pfseq`).
    c_pfw: DFF<Bit>,
    c_pfseq: DFF<Bits<8>>,
    /// C2H buffer operation, second step: prefetch the next posted descriptor.
    p_ph: DFF<Bit>,
    // registered outputs
    rd_v: DFF<Bit>,
    rd_q: DFF<CtlRead>,
    berr_take_r: DFF<Bit>,
    gate_take: DFF<Bit>,
    c2h_take: DFF<Bit>,
    close_v: DFF<Bit>,
    close_fn: DFF<Bits<FW>>,
    wb_v: DFF<Bit>,
    wb_q: DFF<WriteBack>,

    // ---- combinational temporaries
    /// The served function's records as the operation leaves them.
    nh: Signal<Local, H2cRing>,
    nc: Signal<Local, C2hRing>,
    nf: Signal<Local, FnRecord>,
    /// A C2H descriptor read the engine issues this cycle (the buffer at
    /// CIDX, the one after it into the slot, or a run-ahead read), and the
    /// address of the read (also an H2C fetch's, `fetch`).
    c_rd_go: Signal<Local, Bit>,
    rd_addr: Signal<Local, Bits<64>>,
    c_buf_v: Signal<Local, Bit>,
    /// The run-ahead (`c2h_ahead.rs`, in `rec`) is dropped; reads
    /// `rec.ahead_take_n` more (it is taken if it is not the function's).
    ra_drop: Signal<Local, Bit>,
    ra_read: Signal<Local, Bit>,
    /// The C2H engine's request is answered: granted, refused.
    c_ok: Signal<Local, Bit>,
    c_no: Signal<Local, Bit>,
    rd_free: Signal<Local, Bit>,
    h_we: Signal<Local, Bit>,
    c_we: Signal<Local, Bit>,
    f_we: Signal<Local, Bit>,
    wb_go: Signal<Local, Bit>,
    wb_addr: Signal<Local, Bits<64>>,
    wb_word: Signal<Local, Bits<64>>,
    stale: Signal<Local, Bit>,
    en_we: Signal<Local, Bit>,
    q_reset: Signal<Local, Bit>,
    irq_raise: Signal<Local, Bit>,
    fetch: Signal<Local, Bit>,
    /// Descriptors the scheduler's read fetches (1 to 4).
    fetch_n: Signal<Local, Bits<3>>,
    /// The scheduler operation runs: its decision (`sched`) is applied.
    sched_run: Signal<Local, Bit>,
    /// The interrupt sources the operation defers (output busy or masked).
    irq_defer: Signal<Local, Bit>,
    iq_pend: Signal<Local, Bits<3>>,
    /// (3-bit signals of their own: `!` on a narrow value inside a wider
    /// expression would widen first in the Verilog.)
    iq_neg: Signal<Local, Bits<3>>,
    iq_bit: Signal<Local, Bits<3>>,
    /// The operation's interrupt source bit (1 H2C, 2 C2H, 4 error).
    raise_src: Signal<Local, Bits<3>>,
}

impl Logic for DmaCtrl {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clk, clear_addr, state, op, cur_fn, s_new, e_code, e_gen, e_anygen, e_c2h, cm, c_ans_v, c_ans_ok, c_ans_gen, g_open, c_pfw, c_pfseq, p_ph, rd_v, rd_q,
            berr_take_r, gate_take, c2h_take, close_v, close_fn, wb_v, wb_q
        );
        // ---- The records and the register view (`records.rs`): the register
        // bus and `s_qos` enter there; the RAMs are read at the function an
        // operation is dispatched on, written at the served one.
        self.rec.clk.next = self.clk.val();
        self.rec.rst.next = self.rst.val();
        self.rec.clear.next = self.state.q.val() == CtlState::Clear;
        self.rec.clear_addr.next = self.clear_addr.q.val();
        self.rec.fn_next.next = self.cur_fn.d.val();
        self.rec.load.next = self.state.q.val() == CtlState::Read;
        self.rec.fn_cur.next = self.cur_fn.q.val();
        self.rec.slot_write.next = self.rside.slot_write.val();
        self.rec.slot_function.next = self.rside.slot_function.val();
        self.rec.slot.next = self.rside.slot.val();
        self.rec.s_qos_valid.next = self.s_qos_valid.val();
        self.rec.s_qos_function.next = self.s_qos_function.val();
        self.rec.s_qos_weight.next = self.s_qos_weight.val();
        RegBusSlave::link(&mut self.s_reg, &mut self.rec.s_reg);
        self.rec.req_take.next = false;
        self.banks.pick.next = false;
        self.rec.answer.next = false;
        self.rec.en_open.next = self.g_open.q.val();

        // ---- The mailboxes and the interrupt and waiting outputs (`mail.rs`).
        self.mail.clk.next = self.clk.val();
        self.mail.rst.next = self.rst.val();
        self.mail.last_function.next = self.last_function.val();
        self.rec.last_function.next = self.last_function.val();
        self.mail.clear.next = self.state.q.val() == CtlState::Clear;
        self.mail.s_fnctl_valid.next = self.s_fnctl_valid.val();
        self.mail.s_fnctl_function.next = self.s_fnctl_function.val();
        self.mail.s_fnctl_enable.next = self.s_fnctl_enable.val();
        self.mail.hc_push.next = self.rside.hc_push.val();
        self.mail.hc_in.next = self.rside.hc_in.val();
        self.rside.hc_left.next = self.mail.hc_left.val();
        self.mail.ie_push.next = self.issuer.ie_push.val();
        self.mail.ie_function.next = self.issuer.ie_function.val();
        self.mail.ie_generation.next = self.issuer.ie_generation.val();
        self.mail.ie_error_code.next = self.issuer.ie_error_code.val();
        self.issuer.ie_full.next = self.mail.ie_valid.val();
        self.mail.k_take.next = self.issuer.k_take.val();
        self.issuer.k_valid.next = self.mail.k_valid.val();
        self.issuer.k_function.next = self.mail.k_function.val();
        self.irq_valid.next = self.mail.irq_valid.val();
        self.irq_function.next = self.mail.irq_function.val();
        self.irq_vector.next = self.mail.irq_vector.val();
        self.mail.irq_ready.next = self.irq_ready.val();
        self.m_waiting_valid.next = self.mail.m_waiting_valid.val();
        self.m_waiting_function.next = self.mail.m_waiting_function.val();
        self.mail.m_waiting_ready.next = self.m_waiting_ready.val();
        self.mail.fn_cur.next = self.cur_fn.q.val();
        self.mail.irq_vec_in.next = 0.into();
        self.mail.fq_pop.next = false;
        self.mail.hc_pop.next = false;
        self.mail.ie_pop.next = false;
        self.mail.iq_push.next = false;
        self.mail.iq_pop.next = false;
        self.mail.irq_push.next = false;
        self.mail.irq_load.next = false;
        self.mail.wt_push.next = false;
        self.en_we.next = false;
        self.q_reset.next = false;

        // The prefetch the read side hands over, the descriptor read AR takes.
        if self.rside.pf_got.val() {
            self.c_pfw.d.next = false;
        }
        if self.rside.rd_take.val() {
            self.rd_v.d.next = false;
        }
        self.rd_free.next = !self.rd_v.q.val() | self.rside.rd_take.val();
        // Registered outputs.
        self.c2h.ans_valid.next = self.c_ans_v.q.val();
        self.c2h.ans_ok.next = self.c_ans_ok.q.val();
        self.c2h.ans_gen.next = self.c_ans_gen.q.val();
        self.c2h.pf_wait.next = self.c_pfw.q.val();
        self.c2h.pf_seq.next = self.c_pfseq.q.val();
        self.rside.rd_valid.next = self.rd_v.q.val();
        self.rside.rd.next = self.rd_q.q.val();
        self.writes.berr_take.next = self.berr_take_r.q.val();
        self.gate.req_take.next = self.gate_take.q.val();
        self.c2h.req_take.next = self.c2h_take.q.val();
        self.gate.close_push.next = self.close_v.q.val();
        self.gate.close_function.next = self.close_fn.q.val();
        self.writes.wb_push.next = self.wb_v.q.val();
        self.writes.wb.next = self.wb_q.q.val();
        self.berr_take_r.d.next = false;
        self.gate_take.d.next = false;
        self.c2h_take.d.next = false;
        self.close_v.d.next = false;
        self.wb_v.d.next = false;

        // ---- Per-function records of the function the control engine serves.
        self.c_rd_go.next = false;
        self.rd_addr.next = self.rec.fa_c.val();
        self.nh.next = self.rec.h.val();
        self.nc.next = self.rec.c.val();
        self.nf.next = self.rec.f.val();
        self.h_we.next = false;
        self.c_we.next = false;
        self.f_we.next = false;

        // ---- Defaults.
        self.c_ans_v.d.next = false;
        self.irq_raise.next = false;
        self.irq_defer.next = false;
        self.iq_pend.next = self.rec.f.val().pend & !self.rec.f.val().mask;
        self.iq_neg.next = !self.iq_pend.val() + 1;
        self.iq_bit.next = self.iq_pend.val() & self.iq_neg.val();
        self.raise_src.next = 0.into();
        self.fetch.next = false;
        self.fetch_n.next = 1.into();
        self.sched_run.next = false;
        self.stale.next = false;
        self.wb_go.next = false;
        self.c_buf_v.next = false;
        self.ra_drop.next = false;
        self.ra_read.next = false;
        self.c_ok.next = false;
        self.c_no.next = false;
        self.rec.ahead_hand.next = false;
        self.rec.ahead_plan.next = false;
        // (A buffer request of code 2: the buffer after the one in use.)
        self.rec.ahead_next.next = self.e_code.q.val() == 2;
        self.wb_addr.next = self.rec.wa_h.val();
        // A completion's write-back word.
        self.wb_word.next = bit_cast::<64, 24>(self.cm.q.val().len)
            | (bit_cast::<64, 1>(self.cm.q.val().eop.into()) << 32)
            | (bit_cast::<64, 1>(self.cm.q.val().irq.into()) << 33)
            | (bit_cast::<64, 1>(true.into()) << 63);

        // ---- The scheduler's decision (`sched_step.rs`) on the served function.
        self.sched.new_turn.next = self.s_new.q.val();
        self.sched.live.next = self.rec.h_live.val();
        self.sched.bad.next = self.rec.h_bad.val();
        self.sched.posted.next = self.rec.h.val().pidx != self.rec.h.val().fetch;
        self.sched.closed.next = self.rec.f.val().closed;
        self.sched.parked.next = self.rec.f.val().parked;
        self.sched.h_run.next = self.rec.h_run.val();
        self.sched.fetch_after.next = self.rec.h_fetch_after.val();
        self.sched.wt_free.next = self.mail.wt_free.val();
        self.sched.rd_free.next = self.rd_free.val();
        self.sched.other_fetching.next = self.banks.other_fetching.val();
        self.sched.other_tail.next = self.banks.other_tail.val();
        self.sched.starved.next = self.banks.starved.val();
        self.sched.served_any.next = self.banks.served_any.val();
        self.sched.room.next = self.banks.room.val();
        self.sched.take_n.next = self.banks.take_n.val();
        self.sched.left.next = self.banks.left.val();

        // ---- The control engine: one short operation on one function at a time.
        if self.state.q.val() == CtlState::Clear {
            // Clearing the per-function RAMs (writes below).
            self.clear_addr.d.next = self.clear_addr.q.val() + 1;
            if self.clear_addr.q.val() == self.last_function.val() {
                self.state.d.next = CtlState::Dispatch;
            }
        } else if self.state.q.val() == CtlState::Dispatch {
            // Dispatch: errors, completions, C2H requests, registers, then the scheduler.
            self.state.d.next = CtlState::Read;
            self.e_anygen.d.next = false;
            self.e_c2h.d.next = false;
            if self.mail.ie_valid.val() {
                self.mail.ie_pop.next = true;
                self.op.d.next = Op::Error;
                self.cur_fn.d.next = self.mail.ie_fn.val();
                self.e_code.d.next = self.mail.ie_code.val();
                self.e_gen.d.next = self.mail.ie_gen.val();
            } else if self.writes.berr_valid.val() {
                self.berr_take_r.d.next = true;
                self.op.d.next = Op::Error;
                self.cur_fn.d.next = self.writes.berr_function.val();
                self.e_code.d.next = 2.into(); // ERR_C2H_WRITE
                self.e_anygen.d.next = true;
            } else if self.gate.req_valid.val() {
                self.gate_take.d.next = true;
                self.op.d.next = Op::Gate;
                self.cur_fn.d.next = self.gate.req_function.val();
                self.g_open.d.next = self.gate.req_open.val();
            } else if !self.mail.fq_empty.val() {
                self.mail.fq_pop.next = true;
                self.op.d.next = Op::FnCtl;
                self.cur_fn.d.next = self.mail.fq_function.val();
                self.g_open.d.next = self.mail.fq_enable.val();
            } else if !self.mail.hc_empty.val() {
                self.mail.hc_pop.next = true;
                self.op.d.next = Op::H2cDone;
                self.cur_fn.d.next = self.mail.hc_head.val().function;
                self.cm.d.next = self.mail.hc_head.val();
            } else if self.c2h.req_valid.val() {
                self.c2h_take.d.next = true;
                self.cur_fn.d.next = self.c2h.req.val().function;
                self.cm.d.next.len = self.c2h.req.val().used;
                self.cm.d.next.eop = self.c2h.req.val().eop;
                self.cm.d.next.irq = self.c2h.req.val().irq;
                self.cm.d.next.gen = self.c2h.req.val().gen;
                self.e_gen.d.next = self.c2h.req.val().gen;
                self.e_code.d.next = self.c2h.req.val().code;
                self.e_c2h.d.next = true;
                if self.c2h.req_kind.val() == C2hReqKind::Buffer {
                    self.op.d.next = Op::C2hBuf;
                } else if self.c2h.req_kind.val() == C2hReqKind::WriteBack {
                    self.op.d.next = Op::C2hDone;
                } else {
                    self.op.d.next = Op::Error;
                }
            } else if !self.mail.iq_empty.val() & !self.mail.irq_busy.val() {
                // A deferred interrupt, now that the output is free.
                self.op.d.next = Op::Irq;
                self.cur_fn.d.next = self.mail.iq_head.val();
            } else if self.rec.req_valid.val() {
                self.rec.req_take.next = true;
                self.op.d.next = Op::Reg;
                self.cur_fn.d.next = self.rec.req_function.val();
            } else if self.banks.pick_ok.val() {
                // Scheduler (`banks.rs`): an older turn's bank first (it may
                // have a packet to finish), then the newest one's, else a new
                // turn for the scan's candidate in a free bank.
                self.op.d.next = Op::Sched;
                self.banks.pick.next = true;
                self.s_new.d.next = self.banks.pick_new.val();
                self.cur_fn.d.next = self.banks.pick_fn.val();
            } else {
                self.state.d.next = CtlState::Dispatch;
            }
        } else if self.state.q.val() == CtlState::Read {
            // RAM read in flight.
            self.state.d.next = CtlState::Run;
        } else if self.op.q.val() == Op::Reg {
            // Register access: answer; a refused access changes nothing. A
            // read is answered once every write-back queued before it has
            // left on W (as PCIe orders a read completion after the posted
            // writes before it): a CIDX read never runs ahead of its
            // descriptors' write-backs. Unmasking a pending source queues its
            // interrupt (deferred-interrupt operation): the access never
            // waits for the interrupt output.
            if !(self.rec.r_write.val() & self.rec.r_ctrl.val() & self.mail.k_valid.val())
                & (self.rec.r_write.val() | self.writes.wb_idle.val())
            {
                // The answer and what a write leaves come from the register
                // view (`records.rs`).
                self.state.d.next = CtlState::Dispatch;
                self.rec.answer.next = true;
                self.nh.next = self.rec.w_nh.val();
                self.nc.next = self.rec.w_nc.val();
                self.nf.next = self.rec.w_nf.val();
                self.h_we.next = self.rec.w_h.val();
                self.c_we.next = self.rec.w_c.val();
                self.f_we.next = self.rec.w_f.val();
                self.q_reset.next = self.rec.w_reset.val();
                self.irq_defer.next = self.rec.w_irq.val();
                self.ra_drop.next = self.rec.w_cring.val();
                if self.rec.w_cpf.val() & self.rd_free.val() {
                    // A doorbell on an empty C2H ring: the buffer at CIDX is
                    // prefetched (a packet's first buffer then never waits
                    // a host read; no read free now: none, it is read then).
                    self.c_rd_go.next = true;
                    self.nc.next.pf = true;
                    self.nc.next.seq = self.rec.c.val().seq + 1;
                }
                if self.rec.w_park.val() & self.mail.wt_free.val() {
                    // A doorbell of a closed function: it waits for its gate.
                    self.nf.next.parked = true;
                    self.f_we.next = true;
                    self.mail.wt_push.next = true;
                }
            }
        } else if self.op.q.val() == Op::Sched {
            // Scheduler (its decision: `sched_step.rs`): a new turn for the
            // scan's candidate in a free bank, or the next descriptors of the
            // turn in bank `sb`.
            self.state.d.next = CtlState::Dispatch;
            if self.sched.park.val() {
                self.nf.next.parked = true;
                self.f_we.next = true;
                self.mail.wt_push.next = true;
            }
            if self.sched.error.val() != 0 {
                self.op.d.next = Op::Error;
                self.e_code.d.next = self.sched.error.val();
                self.e_anygen.d.next = true;
                self.state.d.next = CtlState::Run;
            }
            self.sched_run.next = true;
            self.fetch.next = self.sched.fetch.val();
            self.fetch_n.next = self.sched.fetch_n.val();
            if self.fetch.val() {
                // Fetch the descriptors at the fetch index into bank sb.
                self.rd_addr.next = self.rec.fa_h.val();
                self.nh.next.fetch = self.sched.next_fetch.val();
                self.h_we.next = true;
            }
        } else if (self.op.q.val() == Op::H2cDone) | (self.op.q.val() == Op::C2hDone) {
            // Completion (2 H2C, 4 C2H): write-back, CIDX, interrupt.
            if self.op.q.val() == Op::C2hDone {
                self.wb_addr.next = self.rec.wa_c.val();
            }
            if (self.cm.q.val().gen != self.rec.f.val().gen) | (self.rec.f.val().err != 0) {
                // Of a queue reset or stopped since: dropped.
                self.state.d.next = CtlState::Dispatch;
                self.c_no.next = self.op.q.val() == Op::C2hDone;
            } else if self.cm.q.val().err & (self.op.q.val() == Op::H2cDone) {
                self.op.d.next = Op::Error;
                self.e_code.d.next = 1.into(); // ERR_H2C_READ
                self.e_anygen.d.next = true;
            } else if self.writes.wb_room.val() {
                self.state.d.next = CtlState::Dispatch;
                self.wb_go.next = true;
                if self.op.q.val() == Op::C2hDone {
                    self.nc.next.cidx = (self.rec.c.val().cidx + 1) & self.rec.ring_mask_c.val();
                    self.c_we.next = true;
                    self.c_ok.next = true;
                } else {
                    self.nh.next.cidx = (self.rec.h.val().cidx + 1) & self.rec.ring_mask_h.val();
                    self.h_we.next = true;
                }
                if self.cm.q.val().irq {
                    self.raise_src.next = 1.into();
                    if self.op.q.val() == Op::C2hDone {
                        self.raise_src.next = 2.into();
                    }
                }
            }
        } else if self.op.q.val() == Op::C2hBuf {
            // C2H: the next buffer of the packet's function (the one at CIDX):
            // read ahead (the run-ahead's head), prefetched (in the slot, or
            // still in flight: the read side hands it over), else read now;
            // then, as a second step, the run-ahead's next read if it is the
            // function's or may be taken (it is then), else the descriptor
            // after CIDX is prefetched into the slot if the host posted it.
            // Any other buffer drops the run-ahead.
            self.rec.ahead_plan.next = !self.p_ph.q.val();
            self.ra_drop.next = !self.p_ph.q.val() & !self.rec.ahead_hit.val() & !self.rec.ahead_next.val();
            if self.p_ph.q.val() & (self.rec.ahead_mine.val() | self.rec.ahead_claim_ok.val()) {
                // (Its size is the records' `ahead_take_n`, planned in the
                // first step, not `fetch_n`: the banks' arithmetic stays off
                // this path.)
                if (self.rec.ahead_take_n.val() == 0) | self.rd_free.val() {
                    self.state.d.next = CtlState::Dispatch;
                    self.p_ph.d.next = false;
                    self.ra_read.next = self.rec.ahead_take_n.val() != 0;
                    self.c_rd_go.next = self.ra_read.val();
                    self.rd_addr.next = self.rec.fa_ca.val();
                    self.nc.next.pf = false;
                    self.c_we.next = true;
                }
            } else if self.p_ph.q.val() {
                if self.rd_free.val() {
                    self.state.d.next = CtlState::Dispatch;
                    self.p_ph.d.next = false;
                    self.c_rd_go.next = true;
                    self.rd_addr.next = self.rec.fa_cn.val();
                    self.nc.next.pf = true;
                    self.nc.next.seq = self.rec.c.val().seq + 1;
                    self.c_we.next = true;
                }
            } else if self.rec.ahead_next.val() {
                // The buffer after the one in use (asked while the packet
                // in it streams): the run-ahead's head, else not now (asked
                // again at CIDX once that packet is done).
                self.c_ok.next = self.rec.ahead_hit_nx.val() & self.rec.c_live.val() & !self.rec.c_bad.val();
                self.c_no.next = !self.c_ok.val();
                self.rec.ahead_hand.next = self.c_ok.val();
                self.p_ph.d.next = self.c_ok.val() & !self.rec.ahead_no_read.val();
                if !self.c_ok.val() | self.rec.ahead_no_read.val() {
                    self.state.d.next = CtlState::Dispatch;
                }
            } else if !self.rec.c_live.val()
                | (self.e_code.q.val().get_bit(0) & (self.e_gen.q.val() != self.rec.f.val().gen))
            {
                // Not accepting (or reset since the packet began): dropped.
                self.state.d.next = CtlState::Dispatch;
                self.c_no.next = true;
            } else if self.rec.c_bad.val() | (self.rec.c.val().pidx == self.rec.c.val().cidx) {
                self.op.d.next = Op::Error;
                self.e_code.d.next = 5.into(); // ERR_NO_BUFFER
                if self.rec.c_bad.val() {
                    self.e_code.d.next = 4.into(); // ERR_RING_CONFIG
                }
                self.e_anygen.d.next = true;
            } else if self.rec.ahead_hit.val() {
                self.rec.ahead_hand.next = true;
                self.c_ok.next = true;
                self.p_ph.d.next = !self.rec.ahead_no_read.val();
                if self.rec.ahead_no_read.val() {
                    self.state.d.next = CtlState::Dispatch;
                }
            } else if self.rec.c.val().pf {
                // Prefetched: from the slot, or on its arrival (the read side
                // holds prefetch arrivals from the slot's read until here).
                self.c_ok.next = true;
                if self.rec.s_hit.val() {
                    self.c_buf_v.next = true;
                            } else {
                    self.c_pfw.d.next = true;
                    self.c_pfseq.d.next = self.rec.c.val().seq;
                }
                if self.rec.c_npost.val() {
                    self.p_ph.d.next = true;
                } else {
                    self.state.d.next = CtlState::Dispatch;
                    self.nc.next.pf = false;
                    self.c_we.next = true;
                }
            } else if self.rd_free.val() {
                self.c_rd_go.next = true;
                self.c_ok.next = true;
                if self.rec.c_npost.val() {
                    self.p_ph.d.next = true;
                } else {
                    self.state.d.next = CtlState::Dispatch;
                }
            }
        } else if self.op.q.val() == Op::FnCtl {
            // Attach: the function may run. Detach: it may not, and it is
            // reset like CTRL.RESET and more (function-level reset): rings,
            // indices, run bits, errors, interrupt mask, status and pending
            // requests to their reset values, a new generation (whatever was
            // in flight for it is dropped), so that the next tenant of the
            // function finds reset values.
            if self.g_open.q.val() {
                self.state.d.next = CtlState::Dispatch;
                self.en_we.next = true;
            } else if !self.mail.k_valid.val() {
                self.state.d.next = CtlState::Dispatch;
                self.en_we.next = true;
                self.nh.next.base = 0.into();
                self.nh.next.log2 = 0.into();
                self.nc.next.base = 0.into();
                self.nc.next.log2 = 0.into();
                self.nf.next.run = 0.into();
                self.nf.next.mask = 0.into();
                self.f_we.next = true;
                self.q_reset.next = true;
            }
        } else if self.op.q.val() == Op::Gate {
            // Sharing gate: open or close this function's H2C side (both
            // clear the parked mark); a close then waits for its answer.
            if self.g_open.q.val() {
                self.state.d.next = CtlState::Dispatch;
                self.nf.next.closed = false;
                self.nf.next.parked = false;
                self.f_we.next = true;
            } else if self.gate.close_room.val() {
                // A close starts a new closed period: a VF closed again (at
                // its ATTACH) is reported again when it has work.
                self.state.d.next = CtlState::Dispatch;
                self.nf.next.closed = true;
                self.nf.next.parked = false;
                self.f_we.next = true;
                self.close_v.d.next = true;
            }
        } else if self.op.q.val() == Op::Irq {
            // A deferred interrupt: the first unmasked pending source (the
            // lowest bit, `iq_bit`; its vector is `iq_bit >> 1`) is requested
            // (the output is free: only this engine fills it); the function
            // leaves the queue once none is left (masked ones wait for their
            // unmask, cleared ones are dropped).
            self.state.d.next = CtlState::Dispatch;
            if !self.mail.irq_busy.val() {
                self.mail.irq_push.next = self.iq_pend.val() != 0;
                self.mail.irq_vec_in.next = bit_cast::<4, 3>(self.iq_bit.val() >> 1);
                self.nf.next.pend = self.rec.f.val().pend & !self.iq_bit.val();
                self.mail.irq_load.next = true;
                if (self.nf.val().pend & !self.rec.f.val().mask) == 0 {
                    self.mail.iq_pop.next = true;
                    self.nf.next.queued = false;
                }
                self.f_we.next = true;
            }
        } else {
            // Error: record it, stop this function's queues, interrupt; what it
            // had in flight is dropped (the issuer ends its open H2C packet).
            if (!self.e_anygen.q.val() & (self.e_gen.q.val() != self.rec.f.val().gen)) | (self.rec.f.val().err != 0) {
                // Stale, or the function has stopped already.
                self.state.d.next = CtlState::Dispatch;
                self.stale.next = true;
                self.c_no.next = self.e_c2h.q.val();
            } else if !self.mail.k_valid.val() {
                self.state.d.next = CtlState::Dispatch;
                self.nf.next.err = self.e_code.q.val();
                self.nf.next.run = 0.into();
                self.f_we.next = true;
                self.stale.next = true;
                self.raise_src.next = 4.into();
                self.c_no.next = self.e_c2h.q.val();
            }
        }
        if self.c_ok.val() | self.c_no.val() {
            // The answer to the C2H engine's request (a buffer: the function's generation).
            self.c_ans_v.d.next = true;
            self.c_ans_ok.d.next = self.c_ok.val();
            self.c_ans_gen.d.next = self.rec.f.val().gen;
        }
        if self.raise_src.val() != 0 {
            // The operation's interrupt source (1 H2C, 2 C2H, 4 error): its
            // status bit; requested now (vector `raise_src >> 1`) if unmasked
            // and the output is free, else pending (deferred if unmasked).
            self.irq_raise.next = (self.rec.f.val().mask & self.raise_src.val()) == 0;
            self.nf.next.stat = self.rec.f.val().stat | self.raise_src.val();
            self.f_we.next = true;
            if !self.irq_raise.val() | self.mail.irq_busy.val() {
                self.nf.next.pend = self.rec.f.val().pend | self.raise_src.val();
            }
            self.irq_defer.next = self.irq_raise.val() & self.mail.irq_busy.val();
            if self.irq_raise.val() & !self.mail.irq_busy.val() {
                self.mail.irq_push.next = true;
                self.mail.irq_load.next = true;
                self.mail.irq_vec_in.next = bit_cast::<4, 3>(self.raise_src.val() >> 1);
            }
        }
        if self.irq_defer.val() & !self.rec.f.val().queued {
            // Its interrupt waits in the function's record; the function in
            // the deferred-interrupt queue (once).
            self.mail.iq_push.next = true;
            self.nf.next.queued = true;
            self.f_we.next = true;
        }
        if self.q_reset.val() {
            // Queue reset (CTRL.RESET, detach): indices, errors, interrupt
            // status and pending requests cleared, a new generation.
            self.nh.next.pidx = 0.into();
            self.nh.next.cidx = 0.into();
            self.nh.next.fetch = 0.into();
            self.nc.next.pidx = 0.into();
            self.nc.next.cidx = 0.into();
            self.nc.next.pf = false;
            self.ra_drop.next = true;
            self.nf.next.err = 0.into();
            self.nf.next.stat = 0.into();
            self.nf.next.pend = 0.into();
            self.nf.next.gen = !self.rec.f.val().gen;
            self.h_we.next = true;
            self.c_we.next = true;
            self.stale.next = true;
        }
        // The one place a descriptor read leaves: H2C (into bank sb, of the
        // generation), or C2H, marked and numbered if prefetched (the number
        // matters only then).
        if self.c_rd_go.val() | self.fetch.val() {
            self.rd_v.d.next = true;
            self.rd_q.d.next.addr = self.rd_addr.val();
            self.rd_q.d.next.function = self.cur_fn.q.val();
            self.rd_q.d.next.c2h = !self.fetch.val();
            self.rd_q.d.next.gen = self.rec.f.val().gen & self.fetch.val();
            self.rd_q.d.next.bank = self.banks.sb.val();
            self.rd_q.d.next.more = bit_cast::<2, 3>(self.fetch_n.val() - 1);
            if self.ra_read.val() {
                self.rd_q.d.next.more = bit_cast::<2, 3>(self.rec.ahead_take_n.val() - 1);
            }
            self.rd_q.d.next.prefetch = (self.p_ph.q.val() | (self.op.q.val() == Op::Reg)) & !self.ra_read.val();
            self.rd_q.d.next.ahead = self.ra_read.val();
            self.rd_q.d.next.seq = self.rec.c.val().seq + 1;
        }
        // This function's generation is over (error or reset): descriptors
        // still in flight are dropped, an open H2C packet is ended, and the
        // scheduler no longer waits for it (its banks are killed below).
        self.mail.k_set.next = self.stale.val() & !self.mail.k_valid.val();

        // ---- The descriptor banks (`banks.rs`): the scheduler operation's
        // commands, arrivals, the issuer's side.
        self.banks.clk.next = self.clk.val();
        self.banks.rst.next = self.rst.val();
        self.banks.fn_cur.next = self.cur_fn.q.val();
        // The scan (`turn_scan.rs`): a register, `s_fnctl` or gate operation
        // may give the function work; a new-turn visit moves the scan on
        // (unless it must come back), and leaves the function out if it
        // found nothing to do.
        self.banks.last_function.next = self.last_function.val();
        self.banks.may_work.next = (self.state.q.val() == CtlState::Run)
            & ((self.op.q.val() == Op::Reg) | (self.op.q.val() == Op::FnCtl) | (self.op.q.val() == Op::Gate));
        self.banks.visit.next = self.sched_run.val() & self.s_new.q.val() & !self.sched.revisit.val();
        self.banks.idle.next = self.sched_run.val() & self.s_new.q.val() & self.sched.idle.val();
        self.banks.start.next = self.sched.start.val() & self.sched_run.val();
        self.banks.fetch.next = self.fetch.val();
        self.banks.fetch_n.next = self.fetch_n.val();
        self.banks.start_budget.next = self.rec.budget.val();
        self.banks.end_turn.next = self.sched.end_turn.val() & self.sched_run.val();
        self.banks.merged.next = self.sched.merged.val() & self.sched_run.val();
        self.banks.stop.next = self.stale.val();
        self.banks.arrive.next = self.rside.arrive.val();
        self.banks.arrive_bank.next = self.rside.arrive_bank.val();
        self.banks.arrive_desc.next = self.rside.arrive_desc.val();
        self.banks.dq_pop.next = self.issuer.dq_pop.val();
        self.banks.desc_room.next = self.issuer.desc_room.val();
        self.issuer.dq_empty.next = self.banks.dq_empty.val();
        self.issuer.dq_head.next = self.banks.dq_head.val();
        self.issuer.ib_kill.next = self.banks.ib_kill.val();

        // ---- The C2H run-ahead (`c2h_ahead.rs`, in `rec`).
        self.rec.ahead_drop.next = self.ra_drop.val();
        self.rec.ahead_handed.next = self.c_ok.val() & (self.op.q.val() == Op::C2hBuf);
        self.rec.ahead_read.next = self.ra_read.val();
        self.rec.ahead_arrive.next = self.rside.ahead_valid.val();
        self.rec.ahead_arrive_buf.next = self.rside.ahead_buf.val();

        // ---- The records the operation writes back (`records.rs`), and the
        // function it dispatches now, whose records are read.
        self.rec.fn_next.next = self.cur_fn.d.val();
        self.rec.nh.next = self.nh.val();
        self.rec.nc.next = self.nc.val();
        self.rec.nf.next = self.nf.val();
        self.rec.h_we.next = self.h_we.val();
        self.rec.c_we.next = self.c_we.val();
        self.rec.f_we.next = self.f_we.val();
        self.rec.en_we.next = self.en_we.val();

        // ---- Outputs of this cycle's operation.
        if self.wb_go.val() {
            self.wb_v.d.next = true;
            self.wb_q.d.next.addr = self.wb_addr.val();
            self.wb_q.d.next.word = self.wb_word.val();
            self.wb_q.d.next.function = self.cur_fn.q.val();
        }
        self.close_fn.d.next = self.cur_fn.q.val();
        // A buffer out of the prefetch slot; prefetch arrivals wait while the
        // slot is read for a buffer (its read, then its use).
        self.c2h.slot_buf_valid.next = self.c_buf_v.val();
        self.c2h.slot_buf.next = self.rec.s_buf.val();
        self.c2h.ahead_buf_valid.next = self.rec.ahead_buf_valid.val();
        self.c2h.ahead_buf.next = self.rec.ahead_buf.val();
        self.c2h.pf_block.next = (self.op.q.val() == Op::C2hBuf)
            & ((self.state.q.val() == CtlState::Read)
                | ((self.state.q.val() == CtlState::Run) & !self.p_ph.q.val() & self.rec.c.val().pf));
        self.dispatching.next = self.state.q.val() == CtlState::Dispatch;
        self.banks.gate_fn.next = self.gate.head_fn.val();
        self.gate.held.next = self.banks.held.val();
        self.gate.held_fn.next = self.banks.held_fn.val();

        if self.rst.val() {
            self.state.d.next = CtlState::Clear;
            self.clear_addr.d.next = 0.into();
            self.c_ans_v.d.next = false;
            self.c_pfw.d.next = false;
            self.p_ph.d.next = false;
            self.rd_v.d.next = false;
            self.berr_take_r.d.next = false;
            self.gate_take.d.next = false;
            self.c2h_take.d.next = false;
            self.close_v.d.next = false;
            self.wb_v.d.next = false;
        }
    }
}
