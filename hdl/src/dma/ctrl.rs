//! The DMA's control engine: one short operation on one function at a time
//! (module doc of `dma`). It owns the per-function state in block RAM (the
//! H2C and C2H ring records, the function records, the C2H prefetch slots,
//! the enable bits and the scheduler weights) and the two H2C descriptor
//! banks (`bank.rs`), and does short read-modify-write operations on one
//! function: register accesses, H2C descriptor fetches (the scheduler),
//! completions of both directions (write-back, CIDX, interrupt), C2H buffer
//! fetches and prefetches, errors, sharing gate and `s_fnctl` requests,
//! deferred interrupts. It never waits on data.
//!
//! An operation is dispatched (`CtlState::Dispatch`: the function's records
//! are read out of their RAMs), its records registered (`Read`), then it runs
//! (`Run`: one cycle, or more while it waits for room) and writes them back.
//!
//! Boundary: the register bus, `s_qos`, `s_fnctl` enter through register
//! slices, the interrupt request and the waiting report leave through one;
//! the mailboxes that feed the engine (H2C completions, `s_fnctl` requests,
//! deferred interrupts, the issuer's error, the stop the issuer applies) are
//! inside. Every other output is a register (the requests it takes from the
//! C2H engine, the writes and the gate are acknowledged a cycle later, its
//! write-backs, gate closes and descriptor reads leave from registers), a
//! descriptor bank's output, or logic of registers and block-RAM words
//! alone: no output follows an input within a cycle.

use super::bank::DescBank;
use super::desc::{
    BankState, C2hBuf, C2hReq, C2hReqKind, C2hRing, C2hSlot, CtlRead, CtlState, FnRecord, H2cDesc, H2cDone,
    H2cRing, Op, WriteBack,
};
use super::regs::*;
use crate::fifo::Fifo;
use crate::regbus::{RegBusSlave, REG_ADDR_BITS as OW};
use crate::skid::Skid;
use crate::FUNCTION_ID_BITS as FW;
use rust_hdl::prelude::*;

/// Register request word in the input register slice: write (0), function
/// (11:1), offset (23:12), data (55:24), strobes (59:56).
const REQ_BITS: usize = 1 + FW + OW + 32 + 4;

#[derive(LogicBlock)]
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
    /// Sharing gate (`gate.rs`): the oldest request (`gate_req_take`, a
    /// cycle after it is applied); a close applied (`close_push`, when
    /// `close_room` was high).
    pub gate_req_valid: Signal<In, Bit>,
    pub gate_req_function: Signal<In, Bits<FW>>,
    pub gate_req_open: Signal<In, Bit>,
    pub gate_req_take: Signal<Out, Bit>,
    pub close_room: Signal<In, Bit>,
    pub close_push: Signal<Out, Bit>,
    pub close_function: Signal<Out, Bits<FW>>,
    /// Host writes (`writes.rs`): an error answer on B (`berr_take`, a cycle
    /// after it is applied); completion write-backs (`wb_push`, when
    /// `wb_room` was high); `wb_idle`: every write-back has left on W.
    pub berr_valid: Signal<In, Bit>,
    pub berr_function: Signal<In, Bits<FW>>,
    pub berr_take: Signal<Out, Bit>,
    pub wb_room: Signal<In, Bit>,
    pub wb_idle: Signal<In, Bit>,
    pub wb_push: Signal<Out, Bit>,
    pub wb: Signal<Out, WriteBack>,
    /// C2H engine (`c2h.rs`): its request (`c2h_req_take`, a cycle after it
    /// is applied), the answer, a buffer out of the prefetch slot.
    pub c2h_req_valid: Signal<In, Bit>,
    pub c2h_req_kind: Signal<In, C2hReqKind>,
    pub c2h_req: Signal<In, C2hReq>,
    pub c2h_req_take: Signal<Out, Bit>,
    pub c2h_ans_valid: Signal<Out, Bit>,
    pub c2h_ans_ok: Signal<Out, Bit>,
    pub c2h_ans_gen: Signal<Out, Bit>,
    pub slot_buf_valid: Signal<Out, Bit>,
    pub slot_buf: Signal<Out, C2hBuf>,
    /// The C2H engine waits for the prefetch numbered `pf_seq`, still in
    /// flight (the read side hands it over: `pf_got`); prefetch arrivals
    /// wait while `pf_block` (the engine reads the slot).
    pub pf_wait: Signal<Out, Bit>,
    pub pf_seq: Signal<Out, Bits<8>>,
    pub pf_got: Signal<In, Bit>,
    pub pf_block: Signal<Out, Bit>,
    /// The engine picks its next operation (`CtlState::Dispatch`).
    pub dispatching: Signal<Out, Bit>,
    /// Read side: a prefetched C2H descriptor into `slot_function`'s slot.
    pub slot_write: Signal<In, Bit>,
    pub slot_function: Signal<In, Bits<FW>>,
    pub slot: Signal<In, C2hSlot>,
    /// A descriptor read (H2C fetch, C2H buffer or prefetch), held until
    /// `rd_take`.
    pub rd_valid: Signal<Out, Bit>,
    pub rd: Signal<Out, CtlRead>,
    pub rd_take: Signal<In, Bit>,
    /// Read side: a fetched H2C descriptor for bank `arrive_bank`; the last
    /// beat of a descriptor's data (its completion: `hc_full` when 14 wait).
    pub arrive: Signal<In, Bit>,
    pub arrive_bank: Signal<In, Bit>,
    pub arrive_desc: Signal<In, H2cDesc>,
    pub hc_push: Signal<In, Bit>,
    pub hc_in: Signal<In, H2cDone>,
    pub hc_full: Signal<Out, Bit>,
    /// Issuer: the head of the bank it drains (`dq_pop`: taken; `ib_kill`:
    /// its function stopped); a descriptor it refuses (`ie_push`, only when
    /// `ie_full` is low); a function stopped or reset (`k_valid`), applied
    /// by the issuer (`k_take`).
    pub dq_empty: Signal<Out, Bit>,
    pub dq_head: Signal<Out, H2cDesc>,
    pub ib_kill: Signal<Out, Bit>,
    pub dq_pop: Signal<In, Bit>,
    /// The issuer's slot is empty: a done and drained bank is freed only
    /// then (its last descriptor still counts as the bank's while there).
    pub desc_room: Signal<In, Bit>,
    pub ie_push: Signal<In, Bit>,
    pub ie_function: Signal<In, Bits<FW>>,
    pub ie_generation: Signal<In, Bit>,
    pub ie_error_code: Signal<In, Bits<4>>,
    pub ie_full: Signal<Out, Bit>,
    pub k_valid: Signal<Out, Bit>,
    pub k_function: Signal<Out, Bits<FW>>,
    pub k_take: Signal<In, Bit>,
    /// The descriptor banks, for the sharing gate: holding a turn, of which function.
    pub turn0_busy: Signal<Out, Bit>,
    pub turn0_owner: Signal<Out, Bits<FW>>,
    pub turn1_busy: Signal<Out, Bit>,
    pub turn1_owner: Signal<Out, Bits<FW>>,

    // ---- registered boundary (`skid.rs`)
    reg_in: Skid<Bits<REQ_BITS>>,
    qos_in: Skid<Bits<{ FW + 8 }>>,
    fnctl_in: Skid<Bits<{ FW + 1 }>>,
    irq_out: Skid<Bits<{ FW + 4 }>>,
    wt_out: Skid<Bits<FW>>,

    // ---- configuration
    last_function: Constant<Bits<FW>>,
    dq_cap: Constant<Bits<5>>,
    dma_id: Constant<Bits<32>>,
    dma_version: Constant<Bits<32>>,
    o_id: Constant<Bits<OW>>,
    o_version: Constant<Bits<OW>>,
    o_ctrl: Constant<Bits<OW>>,
    o_status: Constant<Bits<OW>>,
    o_h_base_lo: Constant<Bits<OW>>,
    o_h_base_hi: Constant<Bits<OW>>,
    o_h_size: Constant<Bits<OW>>,
    o_h_pidx: Constant<Bits<OW>>,
    o_h_cidx: Constant<Bits<OW>>,
    o_c_base_lo: Constant<Bits<OW>>,
    o_c_base_hi: Constant<Bits<OW>>,
    o_c_size: Constant<Bits<OW>>,
    o_c_pidx: Constant<Bits<OW>>,
    o_c_cidx: Constant<Bits<OW>>,
    o_irq_mask: Constant<Bits<OW>>,
    o_irq_status: Constant<Bits<OW>>,
    o_weight: Constant<Bits<OW>>,

    // ---- per-function state (block RAM)
    h2c_ring: RAM<H2cRing, FW>,
    c2h_ring: RAM<C2hRing, FW>,
    c_slot: RAM<C2hSlot, FW>,
    fn_state: RAM<FnRecord, FW>,
    enable_ram: RAM<Bits<1>, FW>,
    weight_ram: RAM<Bits<8>, FW>,
    clear_addr: DFF<Bits<FW>>,
    /// The served function's ring and function records, registered out of their RAMs.
    h_rec: DFF<H2cRing>,
    c_rec: DFF<C2hRing>,
    f_rec: DFF<FnRecord>,
    /// Its enable bit, weight and prefetch slot, registered out of their
    /// RAMs the same way (`sw_*`: the slot write of the dispatch cycle, which
    /// the read at that cycle's edge does not see yet).
    en_rec: DFF<Bit>,
    w_rec: DFF<Bits<8>>,
    s_rec: DFF<C2hSlot>,
    sw_v: DFF<Bit>,
    sw_fn: DFF<Bits<FW>>,
    sw_d: DFF<C2hSlot>,

    // ---- the engine
    state: DFF<CtlState>,
    op: DFF<Op>,
    cur_fn: DFF<Bits<FW>>,
    scan_fn: DFF<Bits<FW>>,
    /// The H2C descriptor banks (two scheduler turns, each of one function).
    bank0: DescBank,
    bank1: DescBank,
    /// Bank the issuer drains (the older turn).
    ib: DFF<Bit>,
    /// The scheduler operation's bank, and whether it visits `scan_fn` for a new turn.
    sb: DFF<Bit>,
    s_new: DFF<Bit>,
    r_write: DFF<Bit>,
    r_addr: DFF<Bits<OW>>,
    r_wdata: DFF<Bits<32>>,
    r_wstrb: DFF<Bits<4>>,
    resp_v: DFF<Bit>,
    resp_data: DFF<Bits<32>>,
    resp_err: DFF<Bit>,
    e_code: DFF<Bits<4>>,
    e_gen: DFF<Bit>,
    e_anygen: DFF<Bit>,
    e_c2h: DFF<Bit>,
    cm_len: DFF<Bits<24>>,
    cm_eop: DFF<Bit>,
    cm_irq: DFF<Bit>,
    cm_gen: DFF<Bit>,
    cm_err: DFF<Bit>,
    // mailboxes into the engine
    /// H2C completions (a FIFO of 16 in block RAM: the read side waits only
    /// when 14 are pending).
    h2c_done: Fifo<H2cDone, 4, 5>,
    /// The heads of `h2c_done`, `fq` and `iq`, registered out of their RAMs
    /// before the dispatch uses them (register slices: no bubble between
    /// entries).
    hd_head: Skid<H2cDone>,
    fq_head: Skid<Bits<{ FW + 1 }>>,
    iq_head: Skid<Bits<FW>>,
    /// A descriptor the issuer refused (ERR_ZERO_LENGTH, ERR_DESC_READ).
    ie_v: DFF<Bit>,
    ie_fn: DFF<Bits<FW>>,
    ie_gen: DFF<Bit>,
    ie_code: DFF<Bits<4>>,
    /// A function's generation is over: the issuer ends its open packet.
    k_v: DFF<Bit>,
    k_fn: DFF<Bits<FW>>,
    c_ans_v: DFF<Bit>,
    c_ans_ok: DFF<Bit>,
    c_ans_gen: DFF<Bit>,
    /// The operation's open bit (sharing gate request, or `s_fnctl` enable).
    g_open: DFF<Bit>,
    /// `s_fnctl` requests (enable bit 11, function 10:0), applied in order:
    /// a detach resets the function (function-level reset) before a later
    /// attach can enable it.
    fq: Fifo<Bits<{ FW + 1 }>, 4, 5>,
    /// Functions with an unmasked pending interrupt, waiting for the
    /// interrupt output (each at most once: the record's queued bit), so
    /// that no operation waits for `irq_ready`. Deep enough for every function.
    iq: Fifo<Bits<FW>, FW, { FW + 1 }>,
    wt_v: DFF<Bit>,
    wt_fn: DFF<Bits<FW>>,
    /// The C2H engine waits for a prefetch still in flight (sequence number `c_pfseq`).
    c_pfw: DFF<Bit>,
    c_pfseq: DFF<Bits<8>>,
    /// C2H buffer operation, second step: prefetch the next posted descriptor.
    p_ph: DFF<Bit>,
    irq_v: DFF<Bit>,
    irq_f: DFF<Bits<FW>>,
    irq_vec: DFF<Bits<4>>,
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
    hb: Signal<Local, Bits<64>>,
    hl: Signal<Local, Bits<4>>,
    hp: Signal<Local, Bits<16>>,
    hc: Signal<Local, Bits<16>>,
    hf: Signal<Local, Bits<16>>,
    cb: Signal<Local, Bits<64>>,
    cl: Signal<Local, Bits<4>>,
    cp: Signal<Local, Bits<16>>,
    cc: Signal<Local, Bits<16>>,
    nhb: Signal<Local, Bits<64>>,
    nhl: Signal<Local, Bits<4>>,
    nhp: Signal<Local, Bits<16>>,
    nhc: Signal<Local, Bits<16>>,
    nhf: Signal<Local, Bits<16>>,
    ncb: Signal<Local, Bits<64>>,
    ncl: Signal<Local, Bits<4>>,
    ncp: Signal<Local, Bits<16>>,
    ncc: Signal<Local, Bits<16>>,
    cpf: Signal<Local, Bit>,
    cseq: Signal<Local, Bits<8>>,
    ncpf: Signal<Local, Bit>,
    ncseq: Signal<Local, Bits<8>>,
    c_nidx: Signal<Local, Bits<16>>,
    c_npost: Signal<Local, Bit>,
    fa_cn: Signal<Local, Bits<64>>,
    /// The C2H descriptor read the engine issues this cycle: the buffer at
    /// CIDX, or (prefetch step) the one after it, with its number.
    c_rd_go: Signal<Local, Bit>,
    c_rd_addr: Signal<Local, Bits<64>>,
    c_rd_seq: Signal<Local, Bits<8>>,
    s_hit: Signal<Local, Bit>,
    s_buf: Signal<Local, C2hBuf>,
    c_buf_v: Signal<Local, Bit>,
    c_buf: Signal<Local, C2hBuf>,
    rd_free: Signal<Local, Bit>,
    h_we: Signal<Local, Bit>,
    c_we: Signal<Local, Bit>,
    f_we: Signal<Local, Bit>,
    f_run: Signal<Local, Bits<2>>,
    f_err: Signal<Local, Bits<4>>,
    f_mask: Signal<Local, Bits<3>>,
    f_stat: Signal<Local, Bits<3>>,
    f_gen: Signal<Local, Bit>,
    nf_run: Signal<Local, Bits<2>>,
    nf_err: Signal<Local, Bits<4>>,
    nf_mask: Signal<Local, Bits<3>>,
    nf_stat: Signal<Local, Bits<3>>,
    nf_gen: Signal<Local, Bit>,
    not_gen: Signal<Local, Bit>,
    fn_enabled: Signal<Local, Bit>,
    weight: Signal<Local, Bits<8>>,
    budget: Signal<Local, Bits<16>>,
    wmask: Signal<Local, Bits<32>>,
    old_word: Signal<Local, Bits<32>>,
    merged: Signal<Local, Bits<32>>,
    w1c: Signal<Local, Bits<3>>,
    reg_hit: Signal<Local, Bit>,
    reg_ro: Signal<Local, Bit>,
    ring_mask_h: Signal<Local, Bits<16>>,
    ring_mask_c: Signal<Local, Bits<16>>,
    h_bad: Signal<Local, Bit>,
    c_bad: Signal<Local, Bit>,
    h_live: Signal<Local, Bit>,
    fa_h: Signal<Local, Bits<64>>,
    fa_c: Signal<Local, Bits<64>>,
    wa_h: Signal<Local, Bits<64>>,
    wa_c: Signal<Local, Bits<64>>,
    wb_go: Signal<Local, Bit>,
    wb_addr: Signal<Local, Bits<64>>,
    wb_word: Signal<Local, Bits<64>>,
    stale: Signal<Local, Bit>,
    en_we: Signal<Local, Bit>,
    q_reset: Signal<Local, Bit>,
    irq_raise: Signal<Local, Bit>,
    irq_busy: Signal<Local, Bit>,
    fetch: Signal<Local, Bit>,
    start_turn: Signal<Local, Bit>,
    shortcut: Signal<Local, Bit>,
    end_turn: Signal<Local, Bit>,
    hc_pop: Signal<Local, Bit>,
    b_served: Signal<Local, Bits<16>>,
    b_inf: Signal<Local, Bits<5>>,
    b_used: Signal<Local, Bits<5>>,
    b_open: Signal<Local, Bit>,
    o_st: Signal<Local, BankState>,
    o_fn: Signal<Local, Bits<FW>>,
    ib_st: Signal<Local, BankState>,
    ob_st: Signal<Local, BankState>,
    ib_done: Signal<Local, Bit>,
    f_closed: Signal<Local, Bit>,
    f_parked: Signal<Local, Bit>,
    nf_closed: Signal<Local, Bit>,
    f_pend: Signal<Local, Bits<3>>,
    nf_pend: Signal<Local, Bits<3>>,
    f_queued: Signal<Local, Bit>,
    nf_queued: Signal<Local, Bit>,
    /// The interrupt sources the operation defers (output busy or masked).
    irq_defer: Signal<Local, Bit>,
    iq_pend: Signal<Local, Bits<3>>,
    nf_parked: Signal<Local, Bit>,
    wt_free: Signal<Local, Bit>,
}

/// A constant of any width, for the configuration fields.
fn cst<const N: usize>(v: u64) -> Constant<Bits<N>> {
    Constant::new(v.into())
}

impl DmaCtrl {
    /// `functions`: PF + VFs (accesses to a function beyond are refused).
    pub fn new(functions: usize) -> Self {
        Self {
            clk: Default::default(),
            rst: Default::default(),
            s_reg: Default::default(),
            irq_valid: Default::default(),
            irq_function: Default::default(),
            irq_vector: Default::default(),
            irq_ready: Default::default(),
            s_qos_valid: Default::default(),
            s_qos_function: Default::default(),
            s_qos_weight: Default::default(),
            s_fnctl_valid: Default::default(),
            s_fnctl_function: Default::default(),
            s_fnctl_enable: Default::default(),
            m_waiting_valid: Default::default(),
            m_waiting_ready: Default::default(),
            m_waiting_function: Default::default(),
            gate_req_valid: Default::default(),
            gate_req_function: Default::default(),
            gate_req_open: Default::default(),
            gate_req_take: Default::default(),
            close_room: Default::default(),
            close_push: Default::default(),
            close_function: Default::default(),
            berr_valid: Default::default(),
            berr_function: Default::default(),
            berr_take: Default::default(),
            wb_room: Default::default(),
            wb_idle: Default::default(),
            wb_push: Default::default(),
            wb: Default::default(),
            c2h_req_valid: Default::default(),
            c2h_req_kind: Default::default(),
            c2h_req: Default::default(),
            c2h_req_take: Default::default(),
            c2h_ans_valid: Default::default(),
            c2h_ans_ok: Default::default(),
            c2h_ans_gen: Default::default(),
            slot_buf_valid: Default::default(),
            slot_buf: Default::default(),
            pf_wait: Default::default(),
            pf_seq: Default::default(),
            pf_got: Default::default(),
            pf_block: Default::default(),
            dispatching: Default::default(),
            slot_write: Default::default(),
            slot_function: Default::default(),
            slot: Default::default(),
            rd_valid: Default::default(),
            rd: Default::default(),
            rd_take: Default::default(),
            arrive: Default::default(),
            arrive_bank: Default::default(),
            arrive_desc: Default::default(),
            hc_push: Default::default(),
            hc_in: Default::default(),
            hc_full: Default::default(),
            dq_empty: Default::default(),
            dq_head: Default::default(),
            ib_kill: Default::default(),
            dq_pop: Default::default(),
            desc_room: Default::default(),
            ie_push: Default::default(),
            ie_function: Default::default(),
            ie_generation: Default::default(),
            ie_error_code: Default::default(),
            ie_full: Default::default(),
            k_valid: Default::default(),
            k_function: Default::default(),
            k_take: Default::default(),
            turn0_busy: Default::default(),
            turn0_owner: Default::default(),
            turn1_busy: Default::default(),
            turn1_owner: Default::default(),
            reg_in: Default::default(),
            qos_in: Default::default(),
            fnctl_in: Default::default(),
            irq_out: Default::default(),
            wt_out: Default::default(),
            last_function: cst((functions - 1) as u64),
            dq_cap: cst(super::DESC_PREFETCH as u64),
            dma_id: cst(DMA_ID as u64),
            dma_version: cst(DMA_VERSION as u64),
            o_id: cst(R_ID as u64),
            o_version: cst(R_VERSION as u64),
            o_ctrl: cst(R_CTRL as u64),
            o_status: cst(R_STATUS as u64),
            o_h_base_lo: cst(R_H2C_BASE_LO as u64),
            o_h_base_hi: cst(R_H2C_BASE_HI as u64),
            o_h_size: cst(R_H2C_SIZE as u64),
            o_h_pidx: cst(R_H2C_PIDX as u64),
            o_h_cidx: cst(R_H2C_CIDX as u64),
            o_c_base_lo: cst(R_C2H_BASE_LO as u64),
            o_c_base_hi: cst(R_C2H_BASE_HI as u64),
            o_c_size: cst(R_C2H_SIZE as u64),
            o_c_pidx: cst(R_C2H_PIDX as u64),
            o_c_cidx: cst(R_C2H_CIDX as u64),
            o_irq_mask: cst(R_IRQ_MASK as u64),
            o_irq_status: cst(R_IRQ_STATUS as u64),
            o_weight: cst(R_WEIGHT as u64),
            h2c_ring: Default::default(),
            c2h_ring: Default::default(),
            c_slot: Default::default(),
            fn_state: Default::default(),
            enable_ram: Default::default(),
            weight_ram: Default::default(),
            clear_addr: Default::default(),
            h_rec: Default::default(),
            c_rec: Default::default(),
            f_rec: Default::default(),
            en_rec: Default::default(),
            w_rec: Default::default(),
            s_rec: Default::default(),
            sw_v: Default::default(),
            sw_fn: Default::default(),
            sw_d: Default::default(),
            state: Default::default(),
            op: Default::default(),
            cur_fn: Default::default(),
            scan_fn: Default::default(),
            bank0: Default::default(),
            bank1: Default::default(),
            ib: Default::default(),
            sb: Default::default(),
            s_new: Default::default(),
            r_write: Default::default(),
            r_addr: Default::default(),
            r_wdata: Default::default(),
            r_wstrb: Default::default(),
            resp_v: Default::default(),
            resp_data: Default::default(),
            resp_err: Default::default(),
            e_code: Default::default(),
            e_gen: Default::default(),
            e_anygen: Default::default(),
            e_c2h: Default::default(),
            cm_len: Default::default(),
            cm_eop: Default::default(),
            cm_irq: Default::default(),
            cm_gen: Default::default(),
            cm_err: Default::default(),
            h2c_done: Default::default(),
            hd_head: Default::default(),
            fq_head: Default::default(),
            iq_head: Default::default(),
            ie_v: Default::default(),
            ie_fn: Default::default(),
            ie_gen: Default::default(),
            ie_code: Default::default(),
            k_v: Default::default(),
            k_fn: Default::default(),
            c_ans_v: Default::default(),
            c_ans_ok: Default::default(),
            c_ans_gen: Default::default(),
            g_open: Default::default(),
            fq: Default::default(),
            iq: Default::default(),
            wt_v: Default::default(),
            wt_fn: Default::default(),
            c_pfw: Default::default(),
            c_pfseq: Default::default(),
            p_ph: Default::default(),
            irq_v: Default::default(),
            irq_f: Default::default(),
            irq_vec: Default::default(),
            rd_v: Default::default(),
            rd_q: Default::default(),
            berr_take_r: Default::default(),
            gate_take: Default::default(),
            c2h_take: Default::default(),
            close_v: Default::default(),
            close_fn: Default::default(),
            wb_v: Default::default(),
            wb_q: Default::default(),
            hb: Default::default(),
            hl: Default::default(),
            hp: Default::default(),
            hc: Default::default(),
            hf: Default::default(),
            cb: Default::default(),
            cl: Default::default(),
            cp: Default::default(),
            cc: Default::default(),
            nhb: Default::default(),
            nhl: Default::default(),
            nhp: Default::default(),
            nhc: Default::default(),
            nhf: Default::default(),
            ncb: Default::default(),
            ncl: Default::default(),
            ncp: Default::default(),
            ncc: Default::default(),
            cpf: Default::default(),
            cseq: Default::default(),
            ncpf: Default::default(),
            ncseq: Default::default(),
            c_nidx: Default::default(),
            c_npost: Default::default(),
            fa_cn: Default::default(),
            c_rd_go: Default::default(),
            c_rd_addr: Default::default(),
            c_rd_seq: Default::default(),
            s_hit: Default::default(),
            s_buf: Default::default(),
            c_buf_v: Default::default(),
            c_buf: Default::default(),
            rd_free: Default::default(),
            h_we: Default::default(),
            c_we: Default::default(),
            f_we: Default::default(),
            f_run: Default::default(),
            f_err: Default::default(),
            f_mask: Default::default(),
            f_stat: Default::default(),
            f_gen: Default::default(),
            nf_run: Default::default(),
            nf_err: Default::default(),
            nf_mask: Default::default(),
            nf_stat: Default::default(),
            nf_gen: Default::default(),
            not_gen: Default::default(),
            fn_enabled: Default::default(),
            weight: Default::default(),
            budget: Default::default(),
            wmask: Default::default(),
            old_word: Default::default(),
            merged: Default::default(),
            w1c: Default::default(),
            reg_hit: Default::default(),
            reg_ro: Default::default(),
            ring_mask_h: Default::default(),
            ring_mask_c: Default::default(),
            h_bad: Default::default(),
            c_bad: Default::default(),
            h_live: Default::default(),
            fa_h: Default::default(),
            fa_c: Default::default(),
            wa_h: Default::default(),
            wa_c: Default::default(),
            wb_go: Default::default(),
            wb_addr: Default::default(),
            wb_word: Default::default(),
            stale: Default::default(),
            en_we: Default::default(),
            q_reset: Default::default(),
            irq_raise: Default::default(),
            irq_busy: Default::default(),
            fetch: Default::default(),
            start_turn: Default::default(),
            shortcut: Default::default(),
            end_turn: Default::default(),
            hc_pop: Default::default(),
            b_served: Default::default(),
            b_inf: Default::default(),
            b_used: Default::default(),
            b_open: Default::default(),
            o_st: Default::default(),
            o_fn: Default::default(),
            ib_st: Default::default(),
            ob_st: Default::default(),
            ib_done: Default::default(),
            f_closed: Default::default(),
            f_parked: Default::default(),
            nf_closed: Default::default(),
            f_pend: Default::default(),
            nf_pend: Default::default(),
            f_queued: Default::default(),
            nf_queued: Default::default(),
            irq_defer: Default::default(),
            iq_pend: Default::default(),
            nf_parked: Default::default(),
            wt_free: Default::default(),
        }
    }
}

impl Logic for DmaCtrl {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clk, clear_addr, h_rec, c_rec, f_rec, en_rec, w_rec, s_rec, sw_v, sw_fn, sw_d, state, op, cur_fn, scan_fn, ib, sb, s_new, r_write, r_addr,
            r_wdata, r_wstrb, resp_v, resp_data, resp_err, e_code, e_gen, e_anygen, e_c2h, cm_len, cm_eop, cm_irq, cm_gen,
            cm_err, ie_v, ie_fn, ie_gen, ie_code, k_v, k_fn, c_ans_v, c_ans_ok, c_ans_gen, g_open, wt_v, wt_fn, c_pfw,
            c_pfseq, p_ph, irq_v, irq_f, irq_vec, rd_v, rd_q, berr_take_r, gate_take, c2h_take, close_v, close_fn, wb_v,
            wb_q
        );
        // ---- Registered boundary: the register slices and the mailboxes.
        self.reg_in.clk.next = self.clk.val();
        self.qos_in.clk.next = self.clk.val();
        self.fnctl_in.clk.next = self.clk.val();
        self.irq_out.clk.next = self.clk.val();
        self.wt_out.clk.next = self.clk.val();
        self.reg_in.rst.next = self.rst.val();
        self.qos_in.rst.next = self.rst.val();
        self.fnctl_in.rst.next = self.rst.val();
        self.irq_out.rst.next = self.rst.val();
        self.wt_out.rst.next = self.rst.val();
        self.reg_in.s_valid.next = self.s_reg.req_valid.val();
        self.reg_in.s_data.next = bit_cast::<REQ_BITS, 1>(self.s_reg.req_write.val().into())
            | (bit_cast::<REQ_BITS, FW>(self.s_reg.req_function.val()) << 1)
            | (bit_cast::<REQ_BITS, OW>(self.s_reg.req_addr.val()) << 12)
            | (bit_cast::<REQ_BITS, 32>(self.s_reg.req_wdata.val()) << 24)
            | (bit_cast::<REQ_BITS, 4>(self.s_reg.req_wstrb.val()) << 56);
        self.s_reg.req_ready.next = self.reg_in.s_ready.val();
        self.s_reg.resp_valid.next = self.resp_v.q.val();
        self.s_reg.resp_rdata.next = self.resp_data.q.val();
        self.s_reg.resp_error.next = self.resp_err.q.val();
        // Valid-only inputs: the slice is a plain register stage (always drained).
        self.qos_in.s_valid.next = self.s_qos_valid.val();
        self.qos_in.s_data.next = bit_cast::<{ FW + 8 }, FW>(self.s_qos_function.val())
            | (bit_cast::<{ FW + 8 }, 8>(self.s_qos_weight.val()) << 11);
        self.qos_in.m_ready.next = true;
        self.fnctl_in.s_valid.next = self.s_fnctl_valid.val();
        self.fnctl_in.s_data.next = bit_cast::<{ FW + 1 }, FW>(self.s_fnctl_function.val())
            | (bit_cast::<{ FW + 1 }, 1>(self.s_fnctl_enable.val().into()) << 11);
        self.fnctl_in.m_ready.next = true;
        self.fq.clk.next = self.clk.val();
        self.fq.rst.next = self.rst.val();
        // (Requests while the RAMs are cleared after reset are ignored.)
        self.fq.write.next = self.fnctl_in.m_valid.val()
            & (self.fnctl_in.m_data.val().get_bits::<FW>(0) <= self.last_function.val())
            & (self.state.q.val() != CtlState::Clear);
        self.fq.data_in.next = self.fnctl_in.m_data.val();
        self.iq.clk.next = self.clk.val();
        self.iq.rst.next = self.rst.val();
        self.iq.write.next = false;
        self.iq.data_in.next = self.cur_fn.q.val();
        self.hd_head.clk.next = self.clk.val();
        self.hd_head.rst.next = self.rst.val();
        self.hd_head.s_valid.next = !self.h2c_done.empty.val();
        self.hd_head.s_data.next = self.h2c_done.data_out.val();
        self.h2c_done.read.next = !self.h2c_done.empty.val() & self.hd_head.s_ready.val();
        self.fq_head.clk.next = self.clk.val();
        self.fq_head.rst.next = self.rst.val();
        self.fq_head.s_valid.next = !self.fq.empty.val();
        self.fq_head.s_data.next = self.fq.data_out.val();
        self.fq.read.next = !self.fq.empty.val() & self.fq_head.s_ready.val();
        self.fq_head.m_ready.next = false;
        self.iq_head.clk.next = self.clk.val();
        self.iq_head.rst.next = self.rst.val();
        self.iq_head.s_valid.next = !self.iq.empty.val();
        self.iq_head.s_data.next = self.iq.data_out.val();
        self.iq.read.next = !self.iq.empty.val() & self.iq_head.s_ready.val();
        self.iq_head.m_ready.next = false;
        self.en_we.next = false;
        self.q_reset.next = false;
        self.irq_out.s_valid.next = self.irq_v.q.val();
        self.irq_out.s_data.next = bit_cast::<{ FW + 4 }, FW>(self.irq_f.q.val())
            | (bit_cast::<{ FW + 4 }, 4>(self.irq_vec.q.val()) << 11);
        self.irq_valid.next = self.irq_out.m_valid.val();
        self.irq_function.next = self.irq_out.m_data.val().get_bits::<FW>(0);
        self.irq_vector.next = self.irq_out.m_data.val().get_bits::<4>(11);
        self.irq_out.m_ready.next = self.irq_ready.val();
        self.wt_out.s_valid.next = self.wt_v.q.val();
        self.wt_out.s_data.next = self.wt_fn.q.val();
        self.m_waiting_valid.next = self.wt_out.m_valid.val();
        self.m_waiting_function.next = self.wt_out.m_data.val();
        self.wt_out.m_ready.next = self.m_waiting_ready.val();
        self.h2c_ring.read_clock.next = self.clk.val();
        self.h2c_ring.write_clock.next = self.clk.val();
        self.c2h_ring.read_clock.next = self.clk.val();
        self.c2h_ring.write_clock.next = self.clk.val();
        self.c_slot.read_clock.next = self.clk.val();
        self.c_slot.write_clock.next = self.clk.val();
        self.fn_state.read_clock.next = self.clk.val();
        self.fn_state.write_clock.next = self.clk.val();
        self.enable_ram.read_clock.next = self.clk.val();
        self.enable_ram.write_clock.next = self.clk.val();
        self.weight_ram.read_clock.next = self.clk.val();
        self.weight_ram.write_clock.next = self.clk.val();
        self.h2c_done.clk.next = self.clk.val();
        self.h2c_done.rst.next = self.rst.val();
        self.h2c_done.write.next = self.hc_push.val();
        self.h2c_done.data_in.next = self.hc_in.val();
        self.hc_full.next = self.h2c_done.count.val() >= 14;
        // The issuer's refused descriptor (pushed only while the mailbox is
        // empty), the stop it applies, the prefetch the read side hands over,
        // the descriptor read AR takes.
        if self.ie_push.val() {
            self.ie_v.d.next = true;
            self.ie_fn.d.next = self.ie_function.val();
            self.ie_gen.d.next = self.ie_generation.val();
            self.ie_code.d.next = self.ie_error_code.val();
        }
        if self.k_take.val() {
            self.k_v.d.next = false;
        }
        if self.pf_got.val() {
            self.c_pfw.d.next = false;
        }
        if self.rd_take.val() {
            self.rd_v.d.next = false;
        }
        self.rd_free.next = !self.rd_v.q.val() | self.rd_take.val();
        // Registered outputs.
        self.ie_full.next = self.ie_v.q.val();
        self.k_valid.next = self.k_v.q.val();
        self.k_function.next = self.k_fn.q.val();
        self.c2h_ans_valid.next = self.c_ans_v.q.val();
        self.c2h_ans_ok.next = self.c_ans_ok.q.val();
        self.c2h_ans_gen.next = self.c_ans_gen.q.val();
        self.pf_wait.next = self.c_pfw.q.val();
        self.pf_seq.next = self.c_pfseq.q.val();
        self.rd_valid.next = self.rd_v.q.val();
        self.rd.next = self.rd_q.q.val();
        self.berr_take.next = self.berr_take_r.q.val();
        self.gate_req_take.next = self.gate_take.q.val();
        self.c2h_req_take.next = self.c2h_take.q.val();
        self.close_push.next = self.close_v.q.val();
        self.close_function.next = self.close_fn.q.val();
        self.wb_push.next = self.wb_v.q.val();
        self.wb.next = self.wb_q.q.val();
        self.berr_take_r.d.next = false;
        self.gate_take.d.next = false;
        self.c2h_take.d.next = false;
        self.close_v.d.next = false;
        self.wb_v.d.next = false;

        // ---- Per-function records of the function the control engine serves.
        self.hb.next = self.h_rec.q.val().base;
        self.hl.next = self.h_rec.q.val().log2;
        self.hp.next = self.h_rec.q.val().pidx;
        self.hc.next = self.h_rec.q.val().cidx;
        self.hf.next = self.h_rec.q.val().fetch;
        self.cb.next = self.c_rec.q.val().base;
        self.cl.next = self.c_rec.q.val().log2;
        self.cp.next = self.c_rec.q.val().pidx;
        self.cc.next = self.c_rec.q.val().cidx;
        self.cpf.next = self.c_rec.q.val().pf;
        self.cseq.next = self.c_rec.q.val().seq;
        self.f_run.next = self.f_rec.q.val().run;
        self.f_err.next = self.f_rec.q.val().err;
        self.f_mask.next = self.f_rec.q.val().mask;
        self.f_stat.next = self.f_rec.q.val().stat;
        self.f_gen.next = self.f_rec.q.val().gen;
        self.not_gen.next = !self.f_rec.q.val().gen;
        self.f_closed.next = self.f_rec.q.val().closed;
        self.f_parked.next = self.f_rec.q.val().parked;
        self.f_pend.next = self.f_rec.q.val().pend;
        self.f_queued.next = self.f_rec.q.val().queued;
        self.fn_enabled.next = self.en_rec.q.val() | (self.cur_fn.q.val() == 0);
        self.weight.next = self.w_rec.q.val();
        if self.w_rec.q.val() == 0 {
            self.weight.next = 1.into();
        }
        self.budget.next = bit_cast::<16, 8>(self.weight.val()) << 4;
        self.ring_mask_h.next = (bit_cast::<16, 1>(true.into()) << bit_cast::<16, 4>(self.hl.val())) - 1;
        self.ring_mask_c.next = (bit_cast::<16, 1>(true.into()) << bit_cast::<16, 4>(self.cl.val())) - 1;
        self.h_bad.next = (self.hl.val() < 4) | self.hb.val().get_bits::<4>(0).any() | (self.hp.val() > self.ring_mask_h.val());
        self.c_bad.next = (self.cl.val() < 4) | self.cb.val().get_bits::<4>(0).any() | (self.cp.val() > self.ring_mask_c.val());
        self.h_live.next = self.fn_enabled.val() & self.f_run.val().get_bit(0) & (self.f_err.val() == 0);
        self.fa_h.next = self.hb.val() + (bit_cast::<64, 16>(self.hf.val()) << 4);
        self.fa_c.next = self.cb.val() + (bit_cast::<64, 16>(self.cc.val()) << 4);
        self.wa_h.next = self.hb.val() + (bit_cast::<64, 16>(self.hc.val()) << 4) + 8;
        self.wa_c.next = self.cb.val() + (bit_cast::<64, 16>(self.cc.val()) << 4) + 8;
        // C2H prefetch: the descriptor after the one taken now, whether it is
        // posted, and whether the slot holds the last prefetch issued.
        self.c_nidx.next = (self.cc.val() + 1) & self.ring_mask_c.val();
        self.c_npost.next = self.c_nidx.val() != self.cp.val();
        self.fa_cn.next = self.cb.val() + (bit_cast::<64, 16>(self.c_nidx.val()) << 4);
        self.c_rd_go.next = false;
        self.c_rd_addr.next = self.fa_c.val();
        self.c_rd_seq.next = 0.into();
        if self.p_ph.q.val() {
            self.c_rd_addr.next = self.fa_cn.val();
            self.c_rd_seq.next = self.cseq.val() + 1;
        }
        self.s_hit.next = self.s_rec.q.val().seq == self.cseq.val();
        self.s_buf.next.addr = self.s_rec.q.val().addr;
        self.s_buf.next.len = self.s_rec.q.val().len;
        self.s_buf.next.irq = self.s_rec.q.val().irq;
        self.s_buf.next.err = self.s_rec.q.val().err;
        self.nhb.next = self.hb.val();
        self.nhl.next = self.hl.val();
        self.nhp.next = self.hp.val();
        self.nhc.next = self.hc.val();
        self.nhf.next = self.hf.val();
        self.ncb.next = self.cb.val();
        self.ncl.next = self.cl.val();
        self.ncp.next = self.cp.val();
        self.ncc.next = self.cc.val();
        self.ncpf.next = self.cpf.val();
        self.ncseq.next = self.cseq.val();
        self.nf_run.next = self.f_run.val();
        self.nf_err.next = self.f_err.val();
        self.nf_mask.next = self.f_mask.val();
        self.nf_stat.next = self.f_stat.val();
        self.nf_gen.next = self.f_gen.val();
        self.nf_closed.next = self.f_closed.val();
        self.nf_parked.next = self.f_parked.val();
        self.nf_pend.next = self.f_pend.val();
        self.nf_queued.next = self.f_queued.val();
        self.h_we.next = false;
        self.c_we.next = false;
        self.f_we.next = false;

        // ---- Defaults.
        self.reg_in.m_ready.next = false;
        self.resp_v.d.next = false;
        self.c_ans_v.d.next = false;
        self.irq_raise.next = false;
        self.irq_defer.next = false;
        self.iq_pend.next = self.f_pend.val() & !self.f_mask.val();
        self.fetch.next = false;
        self.start_turn.next = false;
        self.shortcut.next = false;
        self.end_turn.next = false;
        self.stale.next = false;
        self.hc_pop.next = false;
        self.wb_go.next = false;
        self.c_buf_v.next = false;
        self.c_buf.next = self.s_buf.val();
        self.wb_addr.next = self.wa_h.val();
        self.wb_word.next = 0.into();
        self.irq_busy.next = self.irq_v.q.val() & !self.irq_out.s_ready.val();
        if self.irq_v.q.val() & self.irq_out.s_ready.val() {
            self.irq_v.d.next = false;
        }
        self.wt_free.next = !self.wt_v.q.val() | self.wt_out.s_ready.val();
        if self.wt_v.q.val() & self.wt_out.s_ready.val() {
            self.wt_v.d.next = false;
        }

        // The scheduler operation's bank (sb), the other one, the issuer's (ib).
        self.b_served.next = self.bank0.served.val();
        self.b_inf.next = self.bank0.inflight.val();
        self.b_used.next = self.bank0.used.val();
        self.b_open.next = self.bank0.open.val();
        self.o_st.next = self.bank1.state.val();
        self.o_fn.next = self.bank1.owner.val();
        if self.sb.q.val() {
            self.b_served.next = self.bank1.served.val();
            self.b_inf.next = self.bank1.inflight.val();
            self.b_used.next = self.bank1.used.val();
            self.b_open.next = self.bank1.open.val();
            self.o_st.next = self.bank0.state.val();
            self.o_fn.next = self.bank0.owner.val();
        }
        self.ib_st.next = self.bank0.state.val();
        self.ob_st.next = self.bank1.state.val();
        self.ib_kill.next = self.bank0.killed.val();
        self.ib_done.next = self.bank0.drained.val();
        self.dq_empty.next = self.bank0.empty.val();
        self.dq_head.next = self.bank0.head.val();
        if self.ib.q.val() {
            self.ib_st.next = self.bank1.state.val();
            self.ob_st.next = self.bank0.state.val();
            self.ib_kill.next = self.bank1.killed.val();
            self.ib_done.next = self.bank1.drained.val();
            self.dq_empty.next = self.bank1.empty.val();
            self.dq_head.next = self.bank1.head.val();
        }

        // Register access: the old value of the addressed register.
        self.wmask.next = 0.into();
        if self.r_wstrb.q.val().get_bit(0) {
            self.wmask.next = self.wmask.val() | 0xff;
        }
        if self.r_wstrb.q.val().get_bit(1) {
            self.wmask.next = self.wmask.val() | 0xff00;
        }
        if self.r_wstrb.q.val().get_bit(2) {
            self.wmask.next = self.wmask.val() | 0xff0000;
        }
        if self.r_wstrb.q.val().get_bit(3) {
            self.wmask.next = self.wmask.val() | 0xff000000_u64;
        }
        self.reg_hit.next = true;
        self.reg_ro.next = false;
        self.old_word.next = 0.into();
        if self.r_addr.q.val() == self.o_id.val() {
            self.old_word.next = self.dma_id.val();
            self.reg_ro.next = true;
        } else if self.r_addr.q.val() == self.o_version.val() {
            self.old_word.next = self.dma_version.val();
            self.reg_ro.next = true;
        } else if self.r_addr.q.val() == self.o_ctrl.val() {
            self.old_word.next = bit_cast::<32, 2>(self.f_run.val());
        } else if self.r_addr.q.val() == self.o_status.val() {
            self.old_word.next = bit_cast::<32, 4>(self.f_err.val());
            self.reg_ro.next = true;
        } else if self.r_addr.q.val() == self.o_h_base_lo.val() {
            self.old_word.next = self.hb.val().get_bits::<32>(0);
        } else if self.r_addr.q.val() == self.o_h_base_hi.val() {
            self.old_word.next = self.hb.val().get_bits::<32>(32);
        } else if self.r_addr.q.val() == self.o_h_size.val() {
            self.old_word.next = bit_cast::<32, 4>(self.hl.val());
        } else if self.r_addr.q.val() == self.o_h_pidx.val() {
            self.old_word.next = bit_cast::<32, 16>(self.hp.val());
        } else if self.r_addr.q.val() == self.o_h_cidx.val() {
            self.old_word.next = bit_cast::<32, 16>(self.hc.val());
            self.reg_ro.next = true;
        } else if self.r_addr.q.val() == self.o_c_base_lo.val() {
            self.old_word.next = self.cb.val().get_bits::<32>(0);
        } else if self.r_addr.q.val() == self.o_c_base_hi.val() {
            self.old_word.next = self.cb.val().get_bits::<32>(32);
        } else if self.r_addr.q.val() == self.o_c_size.val() {
            self.old_word.next = bit_cast::<32, 4>(self.cl.val());
        } else if self.r_addr.q.val() == self.o_c_pidx.val() {
            self.old_word.next = bit_cast::<32, 16>(self.cp.val());
        } else if self.r_addr.q.val() == self.o_c_cidx.val() {
            self.old_word.next = bit_cast::<32, 16>(self.cc.val());
            self.reg_ro.next = true;
        } else if self.r_addr.q.val() == self.o_irq_mask.val() {
            self.old_word.next = bit_cast::<32, 3>(self.f_mask.val());
        } else if self.r_addr.q.val() == self.o_irq_status.val() {
            self.old_word.next = bit_cast::<32, 3>(self.f_stat.val());
        } else if self.r_addr.q.val() == self.o_weight.val() {
            self.old_word.next = bit_cast::<32, 8>(self.weight.val());
            self.reg_ro.next = true;
        } else {
            self.reg_hit.next = false;
        }
        if self.cur_fn.q.val() > self.last_function.val() {
            // No such function: refused.
            self.reg_hit.next = false;
        }
        if self.r_write.q.val() & (self.r_wstrb.q.val() != 0xf) {
            // A partial write is refused and changes nothing (regmap.md).
            self.reg_hit.next = false;
        }
        self.w1c.next = self.r_wdata.q.val().get_bits::<3>(0) & self.wmask.val().get_bits::<3>(0);
        self.merged.next = (self.old_word.val() & !self.wmask.val()) | (self.r_wdata.q.val() & self.wmask.val());

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
            if self.ie_v.q.val() {
                self.ie_v.d.next = false;
                self.op.d.next = Op::Error;
                self.cur_fn.d.next = self.ie_fn.q.val();
                self.e_code.d.next = self.ie_code.q.val();
                self.e_gen.d.next = self.ie_gen.q.val();
            } else if self.berr_valid.val() {
                self.berr_take_r.d.next = true;
                self.op.d.next = Op::Error;
                self.cur_fn.d.next = self.berr_function.val();
                self.e_code.d.next = 2.into(); // ERR_C2H_WRITE
                self.e_anygen.d.next = true;
            } else if self.gate_req_valid.val() {
                self.gate_take.d.next = true;
                self.op.d.next = Op::Gate;
                self.cur_fn.d.next = self.gate_req_function.val();
                self.g_open.d.next = self.gate_req_open.val();
            } else if self.fq_head.m_valid.val() {
                self.fq_head.m_ready.next = true;
                self.op.d.next = Op::FnCtl;
                self.cur_fn.d.next = self.fq_head.m_data.val().get_bits::<FW>(0);
                self.g_open.d.next = self.fq_head.m_data.val().get_bit(11);
            } else if self.hd_head.m_valid.val() {
                self.hc_pop.next = true;
                self.op.d.next = Op::H2cDone;
                self.cur_fn.d.next = self.hd_head.m_data.val().function;
                self.cm_gen.d.next = self.hd_head.m_data.val().gen;
                self.cm_len.d.next = self.hd_head.m_data.val().len;
                self.cm_eop.d.next = self.hd_head.m_data.val().eop;
                self.cm_irq.d.next = self.hd_head.m_data.val().irq;
                self.cm_err.d.next = self.hd_head.m_data.val().err;
            } else if self.c2h_req_valid.val() {
                self.c2h_take.d.next = true;
                self.cur_fn.d.next = self.c2h_req.val().function;
                self.cm_len.d.next = self.c2h_req.val().used;
                self.cm_eop.d.next = self.c2h_req.val().eop;
                self.cm_irq.d.next = self.c2h_req.val().irq;
                self.cm_gen.d.next = self.c2h_req.val().gen;
                self.e_gen.d.next = self.c2h_req.val().gen;
                self.e_code.d.next = self.c2h_req.val().code;
                self.e_c2h.d.next = true;
                if self.c2h_req_kind.val() == C2hReqKind::Buffer {
                    self.op.d.next = Op::C2hBuf;
                } else if self.c2h_req_kind.val() == C2hReqKind::WriteBack {
                    self.op.d.next = Op::C2hDone;
                } else {
                    self.op.d.next = Op::Error;
                }
            } else if self.iq_head.m_valid.val() & !self.irq_busy.val() {
                // A deferred interrupt, now that the output is free.
                self.op.d.next = Op::Irq;
                self.cur_fn.d.next = self.iq_head.m_data.val();
            } else if self.reg_in.m_valid.val() {
                self.reg_in.m_ready.next = true;
                self.op.d.next = Op::Reg;
                self.cur_fn.d.next = self.reg_in.m_data.val().get_bits::<FW>(1);
                self.r_write.d.next = self.reg_in.m_data.val().get_bit(0);
                self.r_addr.d.next = self.reg_in.m_data.val().get_bits::<OW>(12);
                self.r_wdata.d.next = self.reg_in.m_data.val().get_bits::<32>(24);
                self.r_wstrb.d.next = self.reg_in.m_data.val().get_bits::<4>(56);
            } else if (self.ib_st.val() == BankState::Fetching)
                | (self.ob_st.val() == BankState::Fetching)
                | (self.ob_st.val() == BankState::Free)
            {
                // Scheduler: the older turn's bank first (it may have a packet
                // to finish), then the newer one's, else a new turn in a free bank.
                self.op.d.next = Op::Sched;
                self.s_new.d.next = false;
                if self.ib_st.val() == BankState::Fetching {
                    self.sb.d.next = self.ib.q.val();
                    self.cur_fn.d.next = self.bank0.owner.val();
                    if self.ib.q.val() {
                        self.cur_fn.d.next = self.bank1.owner.val();
                    }
                } else if self.ob_st.val() == BankState::Fetching {
                    self.sb.d.next = !self.ib.q.val();
                    self.cur_fn.d.next = self.bank1.owner.val();
                    if self.ib.q.val() {
                        self.cur_fn.d.next = self.bank0.owner.val();
                    }
                } else {
                    self.s_new.d.next = true;
                    self.cur_fn.d.next = self.scan_fn.q.val();
                    self.sb.d.next = !self.ib.q.val();
                    if self.ib_st.val() == BankState::Free {
                        self.sb.d.next = self.ib.q.val();
                    }
                }
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
            if !(self.r_write.q.val() & (self.r_addr.q.val() == self.o_ctrl.val()) & self.k_v.q.val())
                & (self.r_write.q.val() | self.wb_idle.val())
            {
                self.state.d.next = CtlState::Dispatch;
                self.resp_v.d.next = true;
                self.resp_data.d.next = 0.into();
                self.resp_err.d.next = !self.reg_hit.val() | (self.r_write.q.val() & self.reg_ro.val());
                if !self.r_write.q.val() & self.reg_hit.val() {
                    self.resp_data.d.next = self.old_word.val();
                }
                if self.r_write.q.val() & self.reg_hit.val() & !self.reg_ro.val() {
                    if self.r_addr.q.val() == self.o_ctrl.val() {
                        self.nf_run.next = self.merged.val().get_bits::<2>(0);
                        self.f_we.next = true;
                        if self.merged.val().get_bit(2) {
                            // Queue reset of this function alone: a new generation.
                            self.q_reset.next = true;
                        }
                    } else if self.r_addr.q.val() == self.o_h_base_lo.val() {
                        self.nhb.next = (self.hb.val() & 0xffffffff00000000_u64) | bit_cast::<64, 32>(self.merged.val());
                        self.h_we.next = true;
                    } else if self.r_addr.q.val() == self.o_h_base_hi.val() {
                        self.nhb.next = (self.hb.val() & 0xffffffff_u64) | (bit_cast::<64, 32>(self.merged.val()) << 32);
                        self.h_we.next = true;
                    } else if self.r_addr.q.val() == self.o_h_size.val() {
                        self.nhl.next = self.merged.val().get_bits::<4>(0);
                        self.h_we.next = true;
                    } else if self.r_addr.q.val() == self.o_h_pidx.val() {
                        self.nhp.next = self.merged.val().get_bits::<16>(0);
                        self.h_we.next = true;
                        if self.f_closed.val()
                            & !self.f_parked.val()
                            & self.h_live.val()
                            & (self.merged.val().get_bits::<16>(0) != self.hf.val())
                            & self.wt_free.val()
                        {
                            // A doorbell of a closed function: it waits for its gate.
                            self.nf_parked.next = true;
                            self.f_we.next = true;
                            self.wt_v.d.next = true;
                            self.wt_fn.d.next = self.cur_fn.q.val();
                        }
                    } else if self.r_addr.q.val() == self.o_c_base_lo.val() {
                        self.ncb.next = (self.cb.val() & 0xffffffff00000000_u64) | bit_cast::<64, 32>(self.merged.val());
                        self.ncpf.next = false;
                        self.c_we.next = true;
                    } else if self.r_addr.q.val() == self.o_c_base_hi.val() {
                        self.ncb.next = (self.cb.val() & 0xffffffff_u64) | (bit_cast::<64, 32>(self.merged.val()) << 32);
                        self.ncpf.next = false;
                        self.c_we.next = true;
                    } else if self.r_addr.q.val() == self.o_c_size.val() {
                        self.ncl.next = self.merged.val().get_bits::<4>(0);
                        self.ncpf.next = false;
                        self.c_we.next = true;
                    } else if self.r_addr.q.val() == self.o_c_pidx.val() {
                        self.ncp.next = self.merged.val().get_bits::<16>(0);
                        self.c_we.next = true;
                    } else if self.r_addr.q.val() == self.o_irq_mask.val() {
                        self.nf_mask.next = self.merged.val().get_bits::<3>(0);
                        self.f_we.next = true;
                        self.irq_defer.next = (self.f_pend.val() & !self.merged.val().get_bits::<3>(0)) != 0;
                    } else if self.r_addr.q.val() == self.o_irq_status.val() {
                        self.nf_stat.next = self.f_stat.val() & !self.w1c.val();
                        self.nf_pend.next = self.f_pend.val() & !self.w1c.val();
                        self.f_we.next = true;
                    }
                }
            }
        } else if self.op.q.val() == Op::Sched {
            // Scheduler: a new turn for `scan_fn` in a free bank, or the next
            // descriptor of the turn in bank `sb`.
            self.state.d.next = CtlState::Dispatch;
            if self.s_new.q.val() {
                self.scan_fn.d.next = self.scan_fn.q.val() + 1;
                if self.scan_fn.q.val() == self.last_function.val() {
                    self.scan_fn.d.next = 0.into();
                }
                if self.f_closed.val() & self.h_live.val() & (self.hp.val() != self.hf.val()) {
                    // Gate closed: no new packet. Reported once per closed
                    // period, then parked until opened.
                    if !self.f_parked.val() & self.wt_free.val() {
                        self.nf_parked.next = true;
                        self.f_we.next = true;
                        self.wt_v.d.next = true;
                        self.wt_fn.d.next = self.cur_fn.q.val();
                    }
                } else if self.h_live.val() & self.h_bad.val() & (self.hp.val() != self.hf.val()) {
                    self.op.d.next = Op::Error;
                    self.e_code.d.next = 4.into(); // ERR_RING_CONFIG
                    self.e_anygen.d.next = true;
                    self.state.d.next = CtlState::Run;
                } else if self.h_live.val() & (self.hp.val() != self.hf.val()) {
                    if self.rd_free.val() {
                        self.fetch.next = true;
                        self.start_turn.next = true;
                        // The older turn, of the same function and still
                        // waiting for its last arrivals: this turn continues it.
                        self.shortcut.next = (self.o_st.val() == BankState::Tail) & (self.o_fn.val() == self.cur_fn.q.val());
                    } else {
                        self.scan_fn.d.next = self.scan_fn.q.val();
                    }
                }
            } else if !(self.h_live.val() & (self.hp.val() != self.hf.val())) {
                if self.b_open.val() & (self.b_inf.val() == 0) {
                    // The packet's next descriptor is not posted (or the queue stopped).
                    self.op.d.next = Op::Error;
                    self.e_code.d.next = 7.into(); // ERR_INCOMPLETE
                    self.e_anygen.d.next = true;
                    self.state.d.next = CtlState::Run;
                } else {
                    self.end_turn.next = true;
                }
            } else if self.f_closed.val() & (self.b_served.val() != 0) {
                // Closed: only the open packet is finished, one descriptor at a time.
                self.end_turn.next = true;
            } else if self.h_bad.val() {
                self.op.d.next = Op::Error;
                self.e_code.d.next = 4.into(); // ERR_RING_CONFIG
                self.e_anygen.d.next = true;
                self.state.d.next = CtlState::Run;
            } else if (self.b_used.val() < self.dq_cap.val()) & self.rd_free.val() {
                self.fetch.next = true;
                self.end_turn.next = ((self.b_served.val() + 1) >= self.budget.val()) | self.f_closed.val();
            }
            if self.fetch.val() {
                // Fetch the descriptor at the fetch index into bank sb.
                self.rd_v.d.next = true;
                self.rd_q.d.next.addr = self.fa_h.val();
                self.rd_q.d.next.function = self.cur_fn.q.val();
                self.rd_q.d.next.c2h = false;
                self.rd_q.d.next.gen = self.f_gen.val();
                self.rd_q.d.next.bank = self.sb.q.val();
                self.rd_q.d.next.prefetch = false;
                self.rd_q.d.next.seq = 0.into();
                self.nhf.next = (self.hf.val() + 1) & self.ring_mask_h.val();
                self.h_we.next = true;
            }
        } else if (self.op.q.val() == Op::H2cDone) | (self.op.q.val() == Op::C2hDone) {
            // Completion (2 H2C, 4 C2H): write-back, CIDX, interrupt.
            if self.op.q.val() == Op::C2hDone {
                self.wb_addr.next = self.wa_c.val();
                self.irq_raise.next = self.cm_irq.q.val() & !self.f_mask.val().get_bit(1);
            } else {
                self.irq_raise.next = self.cm_irq.q.val() & !self.f_mask.val().get_bit(0);
            }
            self.wb_word.next = bit_cast::<64, 24>(self.cm_len.q.val())
                | (bit_cast::<64, 1>(self.cm_eop.q.val().into()) << 32)
                | (bit_cast::<64, 1>(self.cm_irq.q.val().into()) << 33)
                | (bit_cast::<64, 1>(true.into()) << 63);
            if (self.cm_gen.q.val() != self.f_gen.val()) | (self.f_err.val() != 0) {
                // Of a queue reset or stopped since: dropped.
                self.state.d.next = CtlState::Dispatch;
                if self.op.q.val() == Op::C2hDone {
                    self.c_ans_v.d.next = true;
                    self.c_ans_ok.d.next = false;
                }
            } else if self.cm_err.q.val() & (self.op.q.val() == Op::H2cDone) {
                self.op.d.next = Op::Error;
                self.e_code.d.next = 1.into(); // ERR_H2C_READ
                self.e_anygen.d.next = true;
            } else if self.wb_room.val() {
                // (An interrupt the output cannot take now is deferred.)
                self.irq_defer.next = self.irq_raise.val() & self.irq_busy.val();
                self.state.d.next = CtlState::Dispatch;
                self.wb_go.next = true;
                if self.op.q.val() == Op::C2hDone {
                    self.ncc.next = (self.cc.val() + 1) & self.ring_mask_c.val();
                    self.c_we.next = true;
                    if self.cm_irq.q.val() {
                        self.nf_stat.next = self.f_stat.val() | 2;
                        self.f_we.next = true;
                        if !self.irq_raise.val() | self.irq_busy.val() {
                            self.nf_pend.next = self.f_pend.val() | 2;
                        }
                    }
                    self.c_ans_v.d.next = true;
                    self.c_ans_ok.d.next = true;
                } else {
                    self.nhc.next = (self.hc.val() + 1) & self.ring_mask_h.val();
                    self.h_we.next = true;
                    if self.cm_irq.q.val() {
                        self.nf_stat.next = self.f_stat.val() | 1;
                        self.f_we.next = true;
                        if !self.irq_raise.val() | self.irq_busy.val() {
                            self.nf_pend.next = self.f_pend.val() | 1;
                        }
                    }
                }
                if self.irq_raise.val() & !self.irq_busy.val() {
                    self.irq_v.d.next = true;
                    self.irq_f.d.next = self.cur_fn.q.val();
                    self.irq_vec.d.next = bit_cast::<4, 1>((self.op.q.val() == Op::C2hDone).into());
                }
            }
        } else if self.op.q.val() == Op::C2hBuf {
            // C2H: the next buffer of the packet's function (the one at CIDX):
            // prefetched (in the slot, or still in flight: the read side hands
            // it over), else read now; then, as a second step, the descriptor
            // after it is prefetched if the host has posted it.
            if self.p_ph.q.val() {
                if self.rd_free.val() {
                    self.state.d.next = CtlState::Dispatch;
                    self.p_ph.d.next = false;
                    self.c_rd_go.next = true;
                    self.ncpf.next = true;
                    self.ncseq.next = self.cseq.val() + 1;
                    self.c_we.next = true;
                }
            } else if !(self.fn_enabled.val() & self.f_run.val().get_bit(1) & (self.f_err.val() == 0))
                | (self.e_code.q.val().get_bit(0) & (self.e_gen.q.val() != self.f_gen.val()))
            {
                // Not accepting (or reset since the packet began): dropped.
                self.state.d.next = CtlState::Dispatch;
                self.c_ans_v.d.next = true;
                self.c_ans_ok.d.next = false;
            } else if self.c_bad.val() {
                self.op.d.next = Op::Error;
                self.e_code.d.next = 4.into(); // ERR_RING_CONFIG
                self.e_anygen.d.next = true;
            } else if self.cp.val() == self.cc.val() {
                self.op.d.next = Op::Error;
                self.e_code.d.next = 5.into(); // ERR_NO_BUFFER
                self.e_anygen.d.next = true;
            } else if self.cpf.val() {
                // Prefetched: from the slot, or on its arrival (the read side
                // holds prefetch arrivals from the slot's read until here).
                self.c_ans_v.d.next = true;
                self.c_ans_ok.d.next = true;
                self.c_ans_gen.d.next = self.f_gen.val();
                if self.s_hit.val() {
                    self.c_buf_v.next = true;
                    self.c_buf.next = self.s_buf.val();
                } else {
                    self.c_pfw.d.next = true;
                    self.c_pfseq.d.next = self.cseq.val();
                }
                if self.c_npost.val() {
                    self.p_ph.d.next = true;
                } else {
                    self.state.d.next = CtlState::Dispatch;
                    self.ncpf.next = false;
                    self.c_we.next = true;
                }
            } else if self.rd_free.val() {
                self.c_rd_go.next = true;
                self.c_ans_v.d.next = true;
                self.c_ans_ok.d.next = true;
                self.c_ans_gen.d.next = self.f_gen.val();
                if self.c_npost.val() {
                    self.p_ph.d.next = true;
                } else {
                    self.state.d.next = CtlState::Dispatch;
                }
            }
            // The one place a C2H descriptor read leaves: marked and
            // numbered if prefetched.
            if self.c_rd_go.val() {
                self.rd_v.d.next = true;
                self.rd_q.d.next.addr = self.c_rd_addr.val();
                self.rd_q.d.next.function = self.cur_fn.q.val();
                self.rd_q.d.next.c2h = true;
                self.rd_q.d.next.gen = false;
                self.rd_q.d.next.bank = false;
                self.rd_q.d.next.prefetch = self.p_ph.q.val();
                self.rd_q.d.next.seq = self.c_rd_seq.val();
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
            } else if !self.k_v.q.val() {
                self.state.d.next = CtlState::Dispatch;
                self.en_we.next = true;
                self.nhb.next = 0.into();
                self.nhl.next = 0.into();
                self.ncb.next = 0.into();
                self.ncl.next = 0.into();
                self.nf_run.next = 0.into();
                self.nf_mask.next = 0.into();
                self.f_we.next = true;
                self.q_reset.next = true;
            }
        } else if self.op.q.val() == Op::Gate {
            // Sharing gate: open or close this function's H2C side (both
            // clear the parked mark); a close then waits for its answer.
            if self.g_open.q.val() {
                self.state.d.next = CtlState::Dispatch;
                self.nf_closed.next = false;
                self.nf_parked.next = false;
                self.f_we.next = true;
            } else if self.close_room.val() {
                // A close starts a new closed period: a VF closed again (at
                // its ATTACH) is reported again when it has work.
                self.state.d.next = CtlState::Dispatch;
                self.nf_closed.next = true;
                self.nf_parked.next = false;
                self.f_we.next = true;
                self.close_v.d.next = true;
            }
        } else if self.op.q.val() == Op::Irq {
            // A deferred interrupt: the first unmasked pending source is
            // requested (the output is free: only this engine fills it); the
            // function leaves the queue once none is left (masked ones wait
            // for their unmask, cleared ones are dropped).
            self.state.d.next = CtlState::Dispatch;
            if !self.irq_busy.val() {
                if self.iq_pend.val().get_bit(0) {
                    self.irq_v.d.next = true;
                    self.irq_vec.d.next = 0.into();
                    self.nf_pend.next = self.f_pend.val() & 6;
                } else if self.iq_pend.val().get_bit(1) {
                    self.irq_v.d.next = true;
                    self.irq_vec.d.next = 1.into();
                    self.nf_pend.next = self.f_pend.val() & 5;
                } else if self.iq_pend.val().get_bit(2) {
                    self.irq_v.d.next = true;
                    self.irq_vec.d.next = 2.into();
                    self.nf_pend.next = self.f_pend.val() & 3;
                }
                self.irq_f.d.next = self.cur_fn.q.val();
                if (self.nf_pend.val() & !self.f_mask.val()) == 0 {
                    self.iq_head.m_ready.next = true;
                    self.nf_queued.next = false;
                }
                self.f_we.next = true;
            }
        } else {
            // Error: record it, stop this function's queues, interrupt; what it
            // had in flight is dropped (the issuer ends its open H2C packet).
            self.irq_raise.next = !self.f_mask.val().get_bit(2);
            if (!self.e_anygen.q.val() & (self.e_gen.q.val() != self.f_gen.val())) | (self.f_err.val() != 0) {
                // Stale, or the function has stopped already.
                self.state.d.next = CtlState::Dispatch;
                self.stale.next = true;
                if self.e_c2h.q.val() {
                    self.c_ans_v.d.next = true;
                    self.c_ans_ok.d.next = false;
                }
            } else if !self.k_v.q.val() {
                self.state.d.next = CtlState::Dispatch;
                self.irq_defer.next = self.irq_raise.val() & self.irq_busy.val();
                self.nf_err.next = self.e_code.q.val();
                self.nf_run.next = 0.into();
                self.nf_stat.next = self.f_stat.val() | 4;
                if !self.irq_raise.val() | self.irq_busy.val() {
                    self.nf_pend.next = self.f_pend.val() | 4;
                }
                self.f_we.next = true;
                self.stale.next = true;
                if self.irq_raise.val() & !self.irq_busy.val() {
                    self.irq_v.d.next = true;
                    self.irq_f.d.next = self.cur_fn.q.val();
                    self.irq_vec.d.next = 2.into();
                }
                if self.e_c2h.q.val() {
                    self.c_ans_v.d.next = true;
                    self.c_ans_ok.d.next = false;
                }
            }
        }
        if self.irq_defer.val() & !self.f_queued.val() {
            // Its interrupt waits in the function's record; the function in
            // the deferred-interrupt queue (once).
            self.iq.write.next = true;
            self.nf_queued.next = true;
            self.f_we.next = true;
        }
        if self.q_reset.val() {
            // Queue reset (CTRL.RESET, detach): indices, errors, interrupt
            // status and pending requests cleared, a new generation.
            self.nhp.next = 0.into();
            self.nhc.next = 0.into();
            self.nhf.next = 0.into();
            self.ncp.next = 0.into();
            self.ncc.next = 0.into();
            self.ncpf.next = false;
            self.nf_err.next = 0.into();
            self.nf_stat.next = 0.into();
            self.nf_pend.next = 0.into();
            self.nf_gen.next = self.not_gen.val();
            self.h_we.next = true;
            self.c_we.next = true;
            self.stale.next = true;
        }
        if self.stale.val() {
            // This function's generation is over (error or reset): descriptors
            // still in flight are dropped, an open H2C packet is ended, and the
            // scheduler no longer waits for it.
            if !self.k_v.q.val() {
                self.k_v.d.next = true;
                self.k_fn.d.next = self.cur_fn.q.val();
            }
            // (Its banks are killed below.)
        }

        // ---- The descriptor banks (`bank.rs`): the scheduler's operation
        // starts, extends or ends a turn in bank sb; arrivals go to their
        // tag's bank; the issuer takes from bank ib and frees it once done
        // and drained, then takes the other.
        self.bank0.clk.next = self.clk.val();
        self.bank1.clk.next = self.clk.val();
        self.bank0.rst.next = self.rst.val();
        self.bank1.rst.next = self.rst.val();
        self.bank0.start.next = self.start_turn.val() & !self.sb.q.val();
        self.bank1.start.next = self.start_turn.val() & self.sb.q.val();
        self.bank0.start_fn.next = self.cur_fn.q.val();
        self.bank1.start_fn.next = self.cur_fn.q.val();
        self.bank0.fetch.next = self.fetch.val() & !self.sb.q.val();
        self.bank1.fetch.next = self.fetch.val() & self.sb.q.val();
        self.bank0.end_turn.next = self.end_turn.val() & !self.sb.q.val();
        self.bank1.end_turn.next = self.end_turn.val() & self.sb.q.val();
        self.bank0.merged.next = self.shortcut.val() & self.sb.q.val();
        self.bank1.merged.next = self.shortcut.val() & !self.sb.q.val();
        self.bank0.stop.next = self.stale.val();
        self.bank1.stop.next = self.stale.val();
        self.bank0.stop_fn.next = self.cur_fn.q.val();
        self.bank1.stop_fn.next = self.cur_fn.q.val();
        self.bank0.arrive.next = self.arrive.val() & !self.arrive_bank.val();
        self.bank1.arrive.next = self.arrive.val() & self.arrive_bank.val();
        self.bank0.arrive_desc.next = self.arrive_desc.val();
        self.bank1.arrive_desc.next = self.arrive_desc.val();
        self.bank0.arrive_open.next = !self.arrive_desc.val().eop & !self.arrive_desc.val().err;
        self.bank1.arrive_open.next = !self.arrive_desc.val().eop & !self.arrive_desc.val().err;
        self.bank0.pop.next = self.dq_pop.val() & !self.ib.q.val();
        self.bank1.pop.next = self.dq_pop.val() & self.ib.q.val();
        self.bank0.free.next = self.ib_done.val() & self.desc_room.val() & !self.ib.q.val();
        self.bank1.free.next = self.ib_done.val() & self.desc_room.val() & self.ib.q.val();
        if self.ib_done.val() & self.desc_room.val() {
            self.ib.d.next = !self.ib.q.val();
        }

        // ---- The records' RAMs are read as the operation is dispatched (at
        // the function it picks), and their words registered during the
        // operation's second cycle, before any logic uses them: the block-RAM
        // outputs feed registers only. No write can fall between the read and
        // the operation (every write ends its operation).
        self.h2c_ring.read_address.next = self.cur_fn.d.val();
        self.c2h_ring.read_address.next = self.cur_fn.d.val();
        self.fn_state.read_address.next = self.cur_fn.d.val();
        self.c_slot.read_address.next = self.cur_fn.d.val();
        self.enable_ram.read_address.next = self.cur_fn.d.val();
        self.weight_ram.read_address.next = self.cur_fn.d.val();
        // The prefetch slot may be written as it is read (a prefetch that
        // arrived the cycle before the read side was held, `pf_block`): that
        // write is taken instead of the RAM's word.
        self.sw_v.d.next = self.slot_write.val();
        self.sw_fn.d.next = self.slot_function.val();
        self.sw_d.d.next = self.slot.val();
        if self.state.q.val() == CtlState::Read {
            self.h_rec.d.next = self.h2c_ring.read_data.val();
            self.c_rec.d.next = self.c2h_ring.read_data.val();
            self.f_rec.d.next = self.fn_state.read_data.val();
            self.en_rec.d.next = self.enable_ram.read_data.val().any();
            self.w_rec.d.next = self.weight_ram.read_data.val();
            self.s_rec.d.next = self.c_slot.read_data.val();
            if self.sw_v.q.val() & (self.sw_fn.q.val() == self.cur_fn.q.val()) {
                self.s_rec.d.next = self.sw_d.q.val();
            }
        }

        // ---- RAM writes: clearing after reset, else the control engine's updates.
        self.h2c_ring.write_address.next = self.cur_fn.q.val();
        self.c2h_ring.write_address.next = self.cur_fn.q.val();
        self.fn_state.write_address.next = self.cur_fn.q.val();
        if self.state.q.val() == CtlState::Clear {
            // Cleared after reset: every record to zero.
            self.nhb.next = 0.into();
            self.nhl.next = 0.into();
            self.nhp.next = 0.into();
            self.nhc.next = 0.into();
            self.nhf.next = 0.into();
            self.ncb.next = 0.into();
            self.ncl.next = 0.into();
            self.ncp.next = 0.into();
            self.ncc.next = 0.into();
            self.ncpf.next = false;
            self.ncseq.next = 0.into();
            self.nf_run.next = 0.into();
            self.nf_err.next = 0.into();
            self.nf_mask.next = 0.into();
            self.nf_stat.next = 0.into();
            self.nf_gen.next = false;
            self.nf_closed.next = false;
            self.nf_parked.next = false;
            self.nf_pend.next = 0.into();
            self.nf_queued.next = false;
        }
        self.h2c_ring.write_data.next.base = self.nhb.val();
        self.h2c_ring.write_data.next.log2 = self.nhl.val();
        self.h2c_ring.write_data.next.pidx = self.nhp.val();
        self.h2c_ring.write_data.next.cidx = self.nhc.val();
        self.h2c_ring.write_data.next.fetch = self.nhf.val();
        self.c2h_ring.write_data.next.base = self.ncb.val();
        self.c2h_ring.write_data.next.log2 = self.ncl.val();
        self.c2h_ring.write_data.next.pidx = self.ncp.val();
        self.c2h_ring.write_data.next.cidx = self.ncc.val();
        self.c2h_ring.write_data.next.pf = self.ncpf.val();
        self.c2h_ring.write_data.next.seq = self.ncseq.val();
        self.fn_state.write_data.next.run = self.nf_run.val();
        self.fn_state.write_data.next.err = self.nf_err.val();
        self.fn_state.write_data.next.mask = self.nf_mask.val();
        self.fn_state.write_data.next.stat = self.nf_stat.val();
        self.fn_state.write_data.next.gen = self.nf_gen.val();
        self.fn_state.write_data.next.closed = self.nf_closed.val();
        self.fn_state.write_data.next.parked = self.nf_parked.val();
        self.fn_state.write_data.next.pend = self.nf_pend.val();
        self.fn_state.write_data.next.queued = self.nf_queued.val();
        self.h2c_ring.write_enable.next = self.h_we.val();
        self.c_slot.write_address.next = self.slot_function.val();
        self.c_slot.write_data.next = self.slot.val();
        self.c_slot.write_enable.next = self.slot_write.val();
        self.c2h_ring.write_enable.next = self.c_we.val();
        self.fn_state.write_enable.next = self.f_we.val();
        self.enable_ram.write_address.next = self.cur_fn.q.val();
        self.enable_ram.write_data.next = bit_cast::<1, 1>(self.g_open.q.val().into());
        self.enable_ram.write_enable.next = self.en_we.val();
        self.weight_ram.write_address.next = self.qos_in.m_data.val().get_bits::<FW>(0);
        self.weight_ram.write_data.next = self.qos_in.m_data.val().get_bits::<8>(11);
        self.weight_ram.write_enable.next = self.qos_in.m_valid.val() & (self.qos_in.m_data.val().get_bits::<FW>(0) <= self.last_function.val());
        if self.state.q.val() == CtlState::Clear {
            self.h2c_ring.write_address.next = self.clear_addr.q.val();
            self.c2h_ring.write_address.next = self.clear_addr.q.val();
            // (No read is in flight yet: the prefetch slots are free to clear;
            // a slot kept over a reset could match a new prefetch's number.)
            self.c_slot.write_address.next = self.clear_addr.q.val();
            self.c_slot.write_data.next.addr = 0.into();
            self.c_slot.write_data.next.len = 0.into();
            self.c_slot.write_data.next.irq = false;
            self.c_slot.write_data.next.err = false;
            self.c_slot.write_data.next.seq = 0.into();
            self.c_slot.write_enable.next = true;
            self.fn_state.write_address.next = self.clear_addr.q.val();
            self.enable_ram.write_address.next = self.clear_addr.q.val();
            self.weight_ram.write_address.next = self.clear_addr.q.val();
            self.enable_ram.write_data.next = 0.into();
            self.weight_ram.write_data.next = 1.into();
            self.h2c_ring.write_enable.next = true;
            self.c2h_ring.write_enable.next = true;
            self.fn_state.write_enable.next = true;
            self.enable_ram.write_enable.next = true;
            self.weight_ram.write_enable.next = true;
        }

        // ---- Outputs of this cycle's operation.
        self.hd_head.m_ready.next = self.hc_pop.val();
        if self.wb_go.val() {
            self.wb_v.d.next = true;
            self.wb_q.d.next.addr = self.wb_addr.val();
            self.wb_q.d.next.word = self.wb_word.val();
            self.wb_q.d.next.function = self.cur_fn.q.val();
        }
        self.close_fn.d.next = self.cur_fn.q.val();
        // A buffer out of the prefetch slot; prefetch arrivals wait while the
        // slot is read for a buffer (its read, then its use).
        self.slot_buf_valid.next = self.c_buf_v.val();
        self.slot_buf.next = self.c_buf.val();
        self.pf_block.next = (self.op.q.val() == Op::C2hBuf)
            & ((self.state.q.val() == CtlState::Read)
                | ((self.state.q.val() == CtlState::Run) & !self.p_ph.q.val() & self.cpf.val()));
        self.dispatching.next = self.state.q.val() == CtlState::Dispatch;
        self.turn0_busy.next = self.bank0.state.val() != BankState::Free;
        self.turn0_owner.next = self.bank0.owner.val();
        self.turn1_busy.next = self.bank1.state.val() != BankState::Free;
        self.turn1_owner.next = self.bank1.owner.val();

        if self.rst.val() {
            self.state.d.next = CtlState::Clear;
            self.clear_addr.d.next = 0.into();
            self.scan_fn.d.next = 0.into();
            self.ib.d.next = false;
            self.resp_v.d.next = false;
            self.ie_v.d.next = false;
            self.k_v.d.next = false;
            self.c_ans_v.d.next = false;
            self.c_pfw.d.next = false;
            self.p_ph.d.next = false;
            self.irq_v.d.next = false;
            self.wt_v.d.next = false;
            self.rd_v.d.next = false;
            self.berr_take_r.d.next = false;
            self.gate_take.d.next = false;
            self.c2h_take.d.next = false;
            self.close_v.d.next = false;
            self.wb_v.d.next = false;
        }
    }
}
