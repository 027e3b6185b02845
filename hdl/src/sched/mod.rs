//! `sched`: the manager's sharing scheduler. It decides which of the VFs
//! attached to a partition owns it (runs its context there) and drives the
//! context switches. Policy and registers: `regs.rs`.
//!
//! Inputs: the manager's ATTACH/DETACH/SET_QOS events (`s_event_*`, taken
//! only between turn changes, so the manager's EXEC waits for them), the
//! DMA's reports of closed VFs that have H2C work (`s_waiting_*`) and of
//! closes that took effect (`s_gate_closed_*`), and the ends of context
//! operations (`s_op_done_*`). Outputs: the DMA's H2C gates (`m_gate_*`: only
//! the owner of a partition is open), context operations (`m_op_*` to `ctx`)
//! and owner writes (`m_owner_*`, to the switch's C2H tag and the manager's
//! status table).
//!
//! State: per VF, in block RAM: {attached, partition, weight, slice, queued},
//! the next VF in its partition's queue and the cycles it has owned. Per
//! partition, in registers: owner, queue head/tail, slice counters, switches.
//! A partition's queue is a linked list through the per-VF `next` RAM, so
//! queueing and dequeueing take constant time whatever the number of VFs. A
//! VF detached while queued is not searched for: it is dropped when it reaches
//! the head (and a VF that was re-attached to another partition meanwhile is
//! moved to that partition's queue then).
//!
//! A turn change on partition p (owner o, next VF n): close o's gate, wait
//! until the DMA reports that o's last packet has left it (the DMA answers
//! closes in order, so: until no close is unanswered; the closes of ATTACH,
//! which only re-arm the DMA's waiting report of a VF, are answered too
//! and cannot be mistaken for this one), ctx SWITCH(p, o ->
//! n) (which waits for the partition to be idle, saves o's context and
//! restores n's), account o's cycles, owner := n, open n's gate. Before
//! all that, n's debt (the drains of its turns) is paid: whole slices with
//! rounds of its turn; if even one round cannot pay it, n's turn is skipped
//! (back to the queue's end, a slice paid; o keeps p). With no
//! owner: ctx RESTORE(p, n) and the rest. DETACH of the owner: close, wait,
//! ctx SAVE(p, o), owner := 0. One turn change at a time for all partitions.
//! The idle loop visits one partition per cycle and starts a turn change
//! where the partition has no owner and a queue, or its owner's turn is used
//! up and a queue.
//!
//! Timing (DESIGN.md): no input reaches an output combinationally. The DMA's
//! waiting reports enter through a `skid::Skid` (`s_waiting_ready` is its
//! registered ready; a report that comes with an event waits there a cycle
//! or more); `s_event_ready` and `s_reg_req_ready` come from the state.
//! The per-VF RAMs' read data goes into registers (`entry_q`, `next_q`,
//! `debt_q`, `owned_q`) before any decision reads it, at no extra cycle: a
//! VF's entry is read in the cycle that takes its event or report (or that
//! the scan picks its partition) and registered in the Read state that
//! follows.

pub mod regs;

use crate::ctx::{OP_RESTORE, OP_SAVE, OP_SWITCH};
use crate::regbus::{RegBusSlave, REG_ADDR_BITS as AW};
use crate::sized_ram::SizedRam;
use crate::skid::Skid;
use crate::{FUNCTION_ID_BITS as FW, MAX_FUNCTIONS, MAX_PARTITIONS, PARTITION_ID_BITS as PW};
use regs::*;
use rust_hdl::prelude::*;

/// Per-VF entry: attached [0], partition [6:1], weight [14:7], slice [30:15],
/// queued [31].
const ENTRY_BITS: usize = 32;

#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum SchedState {
    /// Clearing the per-VF RAMs after reset.
    Clear,
    Idle,
    /// An event: its VF's entry is being read.
    EventRead,
    EventWrite,
    /// A waiting report: its VF's entry is being read.
    WaitRead,
    WaitDecide,
    /// A turn change: the head of the queue is being read.
    PopRead,
    PopDecide,
    /// The head's debt: whole slices paid with rounds, one per cycle; then
    /// its turn is skipped (its debt covers it) or the switch starts.
    PopPay,
    /// Waiting for the DMA to report that the old owner's close took effect.
    WaitClosed,
    OpIssue,
    OpWait,
    AcctRead,
    AcctWrite,
    Finish,
}

#[derive(LogicBlock)]
pub struct Sched {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// Register accesses to 0x700-0x7ff of the PF window.
    pub s_reg: RegBusSlave,
    /// Manager events: kind (`EV_*`), VF, its partition, weight and slice.
    pub s_event_valid: Signal<In, Bit>,
    pub s_event_ready: Signal<Out, Bit>,
    pub s_event_kind: Signal<In, Bits<2>>,
    pub s_event_function: Signal<In, Bits<FW>>,
    pub s_event_partition: Signal<In, Bits<PW>>,
    pub s_event_weight: Signal<In, Bits<8>>,
    pub s_event_slice: Signal<In, Bits<16>>,
    /// H2C gates of the DMA: open = the VF's H2C queue may start packets.
    pub m_gate_valid: Signal<Out, Bit>,
    pub m_gate_function: Signal<Out, Bits<FW>>,
    pub m_gate_open: Signal<Out, Bit>,
    /// From the DMA: a close took effect (the VF's issued packets have left it).
    /// (In order: which function is not needed.)
    pub s_gate_closed_valid: Signal<In, Bit>,
    /// From the DMA: a closed VF has H2C work.
    pub s_waiting_valid: Signal<In, Bit>,
    pub s_waiting_ready: Signal<Out, Bit>,
    pub s_waiting_function: Signal<In, Bits<FW>>,
    /// Context operations to `ctx`.
    pub m_op_valid: Signal<Out, Bit>,
    pub m_op_ready: Signal<In, Bit>,
    pub m_op_code: Signal<Out, Bits<2>>,
    pub m_op_partition: Signal<Out, Bits<PW>>,
    pub m_op_from: Signal<Out, Bits<FW>>,
    pub m_op_to: Signal<Out, Bits<FW>>,
    pub s_op_done_valid: Signal<In, Bit>,
    pub s_op_done_partition: Signal<In, Bits<PW>>,
    /// Owner writes: to the switch (C2H tag) and the manager (PART_STATUS).
    pub m_owner_valid: Signal<Out, Bit>,
    pub m_owner_partition: Signal<Out, Bits<PW>>,
    pub m_owner_function: Signal<Out, Bits<FW>>,

    // Configuration.
    last_function: Constant<Bits<FW>>,
    part_index: Vec<Constant<Bits<PW>>>,
    ev_attach: Constant<Bits<2>>,
    ev_detach: Constant<Bits<2>>,
    ev_qos: Constant<Bits<2>>,
    last_partition: Constant<Bits<PW>>,
    not_attached: Constant<Bits<ENTRY_BITS>>,
    not_queued: Constant<Bits<ENTRY_BITS>>,
    queued_bit: Constant<Bits<ENTRY_BITS>>,
    op_switch: Constant<Bits<2>>,
    op_save: Constant<Bits<2>>,
    op_restore: Constant<Bits<2>>,
    id_value: Constant<Bits<32>>,
    slice_reset: Constant<Bits<16>>,
    a_id: Constant<Bits<AW>>,
    a_default_slice: Constant<Bits<AW>>,
    a_part_sel: Constant<Bits<AW>>,
    a_part_sched: Constant<Bits<AW>>,
    a_part_switches: Constant<Bits<AW>>,
    a_vf_sel: Constant<Bits<AW>>,
    a_vf_owned: Constant<Bits<AW>>,

    /// The DMA's waiting reports enter through a register slice: its
    /// `s_ready` is registered, and a report that arrives with an event
    /// waits there.
    waiting_in: Skid<Bits<FW>>,
    // Per-VF tables.
    vf_ram: SizedRam<FW, ENTRY_BITS>,
    next_ram: SizedRam<FW, FW>,
    owned_ram: SizedRam<FW, 32>,
    /// A copy of `owned_ram` for VF_OWNED reads, so that register accesses
    /// never wait for a turn change.
    owned_mon: SizedRam<FW, 32>,
    /// Per VF: how long its last turn ran past its end (the close's drain:
    /// packets the DMA had fetched still go out), plus what that turn could
    /// not pay of the debt before; taken off its next turns (saturates at
    /// 65535 cycles).
    debt_ram: SizedRam<FW, 16>,
    // Per partition.
    owner: Vec<DFF<Bits<FW>>>,
    head: Vec<DFF<Bits<FW>>>,
    tail: Vec<DFF<Bits<FW>>>,
    queued: Vec<DFF<Bit>>,
    slice_len: Vec<DFF<Bits<16>>>,
    slice_left: Vec<DFF<Bits<16>>>,
    rounds_left: Vec<DFF<Bits<8>>>,
    /// The owner's weight, to give it another turn when the VF waiting
    /// alone behind it is skipped.
    owner_weight: Vec<DFF<Bits<8>>>,
    /// The debt the owner's turn could not pay (it runs one cycle): carried
    /// into the debt of its next turn.
    carry: Vec<DFF<Bits<16>>>,
    since: Vec<DFF<Bits<32>>>,
    switches: Vec<DFF<Bits<32>>>,
    // Engine.
    state: DFF<SchedState>,
    clear_idx: DFF<Bits<FW>>,
    now: DFF<Bits<32>>,
    scan: DFF<Bits<PW>>,
    cur_kind: DFF<Bits<2>>,
    cur_f: DFF<Bits<FW>>,
    cur_p: DFF<Bits<PW>>,
    cur_weight: DFF<Bits<8>>,
    cur_slice: DFF<Bits<16>>,
    old: DFF<Bits<FW>>,
    op_code: DFF<Bits<2>>,
    default_slice: DFF<Bits<16>>,
    part_sel: DFF<Bits<PW>>,
    vf_sel: DFF<Bits<FW>>,
    rq_write: DFF<Bit>,
    rq_addr: DFF<Bits<AW>>,
    rq_wdata: DFF<Bits<32>>,
    rq_function: DFF<Bits<FW>>,
    rq_wstrb: DFF<Bits<4>>,
    rq_pending: DFF<Bit>,
    /// Closes issued and not yet answered (the DMA answers them in order).
    closes_out: DFF<Bits<12>>,
    /// The leaving owner's debt, counted while its close drains (from what
    /// its turn could not pay; saturates at 65535): a register, so the
    /// debt RAM's write data comes from no adder.
    drain_debt: DFF<Bits<16>>,
    /// When the old owner's close took effect: the end of its owned time
    /// (the context switch that follows is nobody's).
    drained_at: DFF<Bits<32>>,
    cur_debt: DFF<Bits<16>>,
    /// The turn's slice (its SET_QOS slice, or DEFAULT_SLICE if 0), taken
    /// when the turn change starts, and whether `cur_debt` covers it (kept
    /// exact a cycle ahead, so that no decision waits for a compare).
    turn_slice: DFF<Bits<16>>,
    debt_ge: DFF<Bit>,
    /// Block-RAM read data, registered before any logic uses it (timing
    /// rules): the VF entry, its queue successor and debt (read in Idle or
    /// on taking an event or report, registered the cycle after), and the
    /// owner's cycles (read while its operation runs, registered in AcctRead).
    entry_q: DFF<Bits<ENTRY_BITS>>,
    next_q: DFF<Bits<FW>>,
    debt_q: DFF<Bits<16>>,
    owned_q: DFF<Bits<32>>,
    first_slice: Signal<Local, Bits<16>>,
    first_carry: Signal<Local, Bits<16>>,
    /// The turn being started still owes a whole slice and has a round to
    /// give up for it (one round per cycle, in PopPay).
    paying: Signal<Local, Bit>,
    /// A skip of the queue's only VF: the owner's turn starts again.
    renew: Signal<Local, Bit>,

    // Per-cycle views.
    entry: Signal<Local, Bits<ENTRY_BITS>>,
    e_attached: Signal<Local, Bit>,
    e_partition: Signal<Local, Bits<PW>>,
    e_weight: Signal<Local, Bits<8>>,
    e_slice: Signal<Local, Bits<16>>,
    e_queued: Signal<Local, Bit>,
    c_owner: Signal<Local, Bits<FW>>,
    c_head: Signal<Local, Bits<FW>>,
    c_since: Signal<Local, Bits<32>>,
    c_carry: Signal<Local, Bits<16>>,
    c_queued: Signal<Local, Bit>,
    s_head: Signal<Local, Bits<FW>>,
    s_owner: Signal<Local, Bits<FW>>,
    s_queued: Signal<Local, Bit>,
    s_used_up: Signal<Local, Bit>,
    sel_owner: Signal<Local, Bits<FW>>,
    sel_queued: Signal<Local, Bit>,
    sel_switches: Signal<Local, Bits<32>>,
    /// The queue head's slice: its SET_QOS slice, or DEFAULT_SLICE if 0.
    eff_slice: Signal<Local, Bits<16>>,
    app_valid: Signal<Local, Bit>,
    app_f: Signal<Local, Bits<FW>>,
    app_p: Signal<Local, Bits<PW>>,
    take_event: Signal<Local, Bit>,
    take_waiting: Signal<Local, Bit>,
    take_reg: Signal<Local, Bit>,
    new_owner: Signal<Local, Bit>,
    r_ok: Signal<Local, Bit>,
    r_data: Signal<Local, Bits<32>>,
}

fn k<const N: usize>(v: u64) -> Constant<Bits<N>> {
    Constant::new(v.into())
}

impl Sched {
    /// The scheduler for `partitions` partitions and `functions` PCIe functions.
    pub fn new(partitions: usize, functions: usize) -> Self {
        assert!((1..=MAX_PARTITIONS).contains(&partitions), "partitions out of range");
        assert!((2..=MAX_FUNCTIONS).contains(&functions), "functions out of range");
        let a = |v: u32| k::<AW>(v as u64);
        Sched {
            clk: Default::default(),
            rst: Default::default(),
            s_reg: Default::default(),
            s_event_valid: Default::default(),
            s_event_ready: Default::default(),
            s_event_kind: Default::default(),
            s_event_function: Default::default(),
            s_event_partition: Default::default(),
            s_event_weight: Default::default(),
            s_event_slice: Default::default(),
            m_gate_valid: Default::default(),
            m_gate_function: Default::default(),
            m_gate_open: Default::default(),
            s_gate_closed_valid: Default::default(),
            s_waiting_valid: Default::default(),
            s_waiting_ready: Default::default(),
            s_waiting_function: Default::default(),
            m_op_valid: Default::default(),
            m_op_ready: Default::default(),
            m_op_code: Default::default(),
            m_op_partition: Default::default(),
            m_op_from: Default::default(),
            m_op_to: Default::default(),
            s_op_done_valid: Default::default(),
            s_op_done_partition: Default::default(),
            m_owner_valid: Default::default(),
            m_owner_partition: Default::default(),
            m_owner_function: Default::default(),
            last_function: k((functions - 1) as u64),
            part_index: (0..partitions).map(|i| k(i as u64)).collect(),
            ev_attach: k(EV_ATTACH),
            ev_detach: k(EV_DETACH),
            ev_qos: k(EV_QOS),
            last_partition: k((partitions - 1) as u64),
            not_attached: k(0xFFFF_FFFE),
            not_queued: k(0x7FFF_FFFF),
            queued_bit: k(0x8000_0000),
            op_switch: k(OP_SWITCH),
            op_save: k(OP_SAVE),
            op_restore: k(OP_RESTORE),
            id_value: k(SCHED_ID_VALUE as u64),
            slice_reset: k(DEFAULT_SLICE_RESET as u64),
            a_id: a(SCHED_ID),
            a_default_slice: a(DEFAULT_SLICE),
            a_part_sel: a(PART_SEL),
            a_part_sched: a(PART_SCHED),
            a_part_switches: a(PART_SWITCHES),
            a_vf_sel: a(VF_SEL),
            a_vf_owned: a(VF_OWNED),
            waiting_in: Default::default(),
            vf_ram: SizedRam::new(functions),
            next_ram: SizedRam::new(functions),
            owned_ram: SizedRam::new(functions),
            owned_mon: SizedRam::new(functions),
            debt_ram: SizedRam::new(functions),
            owner: (0..partitions).map(|_| Default::default()).collect(),
            head: (0..partitions).map(|_| Default::default()).collect(),
            tail: (0..partitions).map(|_| Default::default()).collect(),
            queued: (0..partitions).map(|_| Default::default()).collect(),
            slice_len: (0..partitions).map(|_| Default::default()).collect(),
            slice_left: (0..partitions).map(|_| Default::default()).collect(),
            carry: (0..partitions).map(|_| Default::default()).collect(),
            owner_weight: (0..partitions).map(|_| Default::default()).collect(),
            rounds_left: (0..partitions).map(|_| Default::default()).collect(),
            since: (0..partitions).map(|_| Default::default()).collect(),
            switches: (0..partitions).map(|_| Default::default()).collect(),
            state: Default::default(),
            clear_idx: Default::default(),
            now: Default::default(),
            scan: Default::default(),
            cur_kind: Default::default(),
            cur_f: Default::default(),
            cur_p: Default::default(),
            cur_weight: Default::default(),
            cur_slice: Default::default(),
            old: Default::default(),
            op_code: Default::default(),
            default_slice: Default::default(),
            part_sel: Default::default(),
            vf_sel: Default::default(),
            rq_write: Default::default(),
            rq_addr: Default::default(),
            rq_wdata: Default::default(),
            rq_function: Default::default(),
            rq_wstrb: Default::default(),
            rq_pending: Default::default(),
            closes_out: Default::default(),
            drain_debt: Default::default(),
            drained_at: Default::default(),
            cur_debt: Default::default(),
            turn_slice: Default::default(),
            debt_ge: Default::default(),
            entry_q: Default::default(),
            next_q: Default::default(),
            debt_q: Default::default(),
            owned_q: Default::default(),
            first_carry: Default::default(),
            paying: Default::default(),
            renew: Default::default(),
            first_slice: Default::default(),
            entry: Default::default(),
            e_attached: Default::default(),
            e_partition: Default::default(),
            e_weight: Default::default(),
            e_slice: Default::default(),
            e_queued: Default::default(),
            c_owner: Default::default(),
            c_head: Default::default(),
            c_since: Default::default(),
            c_carry: Default::default(),
            c_queued: Default::default(),
            s_head: Default::default(),
            s_owner: Default::default(),
            s_queued: Default::default(),
            s_used_up: Default::default(),
            sel_owner: Default::default(),
            sel_queued: Default::default(),
            sel_switches: Default::default(),
            eff_slice: Default::default(),
            app_valid: Default::default(),
            app_f: Default::default(),
            app_p: Default::default(),
            take_event: Default::default(),
            take_waiting: Default::default(),
            take_reg: Default::default(),
            new_owner: Default::default(),
            r_ok: Default::default(),
            r_data: Default::default(),
        }
    }
}

impl Logic for Sched {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clk, state, clear_idx, now, scan, cur_kind, cur_f, cur_p, cur_weight, cur_slice, old,
            op_code, default_slice, part_sel, vf_sel, rq_write, rq_addr, rq_wdata, rq_function,
            closes_out, drain_debt, drained_at, cur_debt, turn_slice, debt_ge, rq_pending, rq_wstrb, entry_q, next_q, debt_q, owned_q
        );
        self.vf_ram.clock.next = self.clk.val();
        self.next_ram.clock.next = self.clk.val();
        self.owned_ram.clock.next = self.clk.val();
        self.owned_mon.clock.next = self.clk.val();
        self.debt_ram.clock.next = self.clk.val();
        self.waiting_in.clk.next = self.clk.val();
        self.waiting_in.rst.next = self.rst.val();
        self.waiting_in.s_valid.next = self.s_waiting_valid.val();
        self.waiting_in.s_data.next = self.s_waiting_function.val();
        self.s_waiting_ready.next = self.waiting_in.s_ready.val();
        self.waiting_in.m_ready.next = false;
        self.now.d.next = self.now.q.val() + 1;

        // ---- The entry read and registered before, and the partitions' registers.
        self.entry.next = self.entry_q.q.val();
        self.e_attached.next = self.entry.val().get_bit(0);
        self.e_partition.next = self.entry.val().get_bits::<PW>(1);
        self.e_weight.next = self.entry.val().get_bits::<8>(7);
        self.e_slice.next = self.entry.val().get_bits::<16>(15);
        self.e_queued.next = self.entry.val().get_bit(31);
        self.eff_slice.next = self.e_slice.val();
        if !self.e_slice.val().any() {
            self.eff_slice.next = self.default_slice.q.val();
        }
        // A turn pays the VF's debt (its overruns) so that turns with their
        // drains follow the weights: a whole slice of debt costs a round
        // (`paying`, before the turn starts), the rest shortens the first
        // slice. A debt that even one round cannot pay skips the turn (the
        // debt less a slice goes back with the VF to the end of the queue)
        // when another VF owns the partition; with no owner the VF runs one
        // cycle and the rest (all but that cycle of its slice) is carried.
        self.paying.next = self.debt_ge.q.val() & (self.cur_weight.q.val() > 1);
        self.renew.next = false;
        self.first_slice.next = 1.into();
        self.first_carry.next = 0.into();
        if self.debt_ge.q.val() {
            self.first_carry.next = self.cur_debt.q.val() - self.turn_slice.q.val() + 1;
        } else {
            self.first_slice.next = self.turn_slice.q.val() - self.cur_debt.q.val();
        }
        self.c_owner.next = 0.into();
        self.c_head.next = 0.into();
        self.c_since.next = 0.into();
        self.c_carry.next = 0.into();
        self.c_queued.next = false;
        self.s_head.next = 0.into();
        self.s_owner.next = 0.into();
        self.s_queued.next = false;
        self.s_used_up.next = false;
        self.sel_owner.next = 0.into();
        self.sel_queued.next = false;
        self.sel_switches.next = 0.into();
        for i in 0..self.owner.len() {
            self.owner[i].clock.next = self.clk.val();
            self.owner[i].d.next = self.owner[i].q.val();
            self.head[i].clock.next = self.clk.val();
            self.head[i].d.next = self.head[i].q.val();
            self.tail[i].clock.next = self.clk.val();
            self.tail[i].d.next = self.tail[i].q.val();
            self.queued[i].clock.next = self.clk.val();
            self.queued[i].d.next = self.queued[i].q.val();
            self.slice_len[i].clock.next = self.clk.val();
            self.slice_len[i].d.next = self.slice_len[i].q.val();
            self.slice_left[i].clock.next = self.clk.val();
            self.slice_left[i].d.next = self.slice_left[i].q.val();
            self.rounds_left[i].clock.next = self.clk.val();
            self.rounds_left[i].d.next = self.rounds_left[i].q.val();
            self.carry[i].clock.next = self.clk.val();
            self.carry[i].d.next = self.carry[i].q.val();
            self.owner_weight[i].clock.next = self.clk.val();
            self.owner_weight[i].d.next = self.owner_weight[i].q.val();
            self.since[i].clock.next = self.clk.val();
            self.since[i].d.next = self.since[i].q.val();
            self.switches[i].clock.next = self.clk.val();
            self.switches[i].d.next = self.switches[i].q.val();
            // The owner's turn: `rounds_left` slices of `slice_len` cycles.
            if self.owner[i].q.val().any() {
                if self.slice_left[i].q.val().any() {
                    self.slice_left[i].d.next = self.slice_left[i].q.val() - 1;
                } else if self.rounds_left[i].q.val() > 1 {
                    self.rounds_left[i].d.next = self.rounds_left[i].q.val() - 1;
                    self.slice_left[i].d.next = self.slice_len[i].q.val();
                }
            }
            if self.cur_p.q.val() == self.part_index[i].val() {
                self.c_owner.next = self.owner[i].q.val();
                self.c_head.next = self.head[i].q.val();
                self.c_since.next = self.since[i].q.val();
                self.c_carry.next = self.carry[i].q.val();
                self.c_queued.next = self.queued[i].q.val();
            }
            if self.scan.q.val() == self.part_index[i].val() {
                self.s_head.next = self.head[i].q.val();
                self.s_owner.next = self.owner[i].q.val();
                self.s_queued.next = self.queued[i].q.val();
                self.s_used_up.next = !self.slice_left[i].q.val().any() & (self.rounds_left[i].q.val() <= 1);
            }
            if self.part_sel.q.val() == self.part_index[i].val() {
                self.sel_owner.next = self.owner[i].q.val();
                self.sel_queued.next = self.queued[i].q.val();
                self.sel_switches.next = self.switches[i].q.val();
            }
        }

        // ---- Defaults of the outputs and RAM ports.
        self.s_event_ready.next = false;
        self.s_reg.req_ready.next = false;
        self.s_reg.resp_valid.next = false;
        self.s_reg.resp_error.next = false;
        self.s_reg.resp_rdata.next = 0.into();
        self.m_gate_valid.next = false;
        self.m_gate_function.next = self.cur_f.q.val();
        self.m_gate_open.next = false;
        self.m_op_valid.next = false;
        self.m_op_code.next = self.op_code.q.val();
        self.m_op_partition.next = self.cur_p.q.val();
        self.m_op_from.next = self.old.q.val();
        self.m_op_to.next = self.cur_f.q.val();
        self.m_owner_valid.next = false;
        self.m_owner_partition.next = self.cur_p.q.val();
        self.m_owner_function.next = self.cur_f.q.val();
        self.vf_ram.read_address.next = self.cur_f.q.val();
        self.vf_ram.write_address.next = self.cur_f.q.val();
        self.vf_ram.write_data.next = 0.into();
        self.vf_ram.write_enable.next = false;
        self.next_ram.read_address.next = self.cur_f.q.val();
        self.next_ram.write_address.next = self.cur_f.q.val();
        self.next_ram.write_data.next = 0.into();
        self.next_ram.write_enable.next = false;
        self.owned_ram.read_address.next = self.old.q.val();
        self.owned_ram.write_address.next = self.old.q.val();
        self.owned_ram.write_data.next = self.owned_q.q.val() + (self.drained_at.q.val() - self.c_since.val());
        self.owned_ram.write_enable.next = false;
        self.debt_ram.read_address.next = self.cur_f.q.val();
        self.debt_ram.write_address.next = self.old.q.val();
        self.debt_ram.write_data.next = self.drain_debt.q.val();
        self.debt_ram.write_enable.next = false;
        self.app_valid.next = false;
        self.app_f.next = self.cur_f.q.val();
        self.app_p.next = self.e_partition.val();
        self.new_owner.next = false;
        self.take_event.next = false;
        self.take_waiting.next = false;
        self.take_reg.next = false;

        match self.state.q.val() {
            SchedState::Clear => {
                self.vf_ram.write_address.next = self.clear_idx.q.val();
                self.vf_ram.write_enable.next = true;
                self.owned_ram.write_address.next = self.clear_idx.q.val();
                self.owned_ram.write_data.next = 0.into();
                self.owned_ram.write_enable.next = true;
                self.debt_ram.write_address.next = self.clear_idx.q.val();
                self.debt_ram.write_data.next = 0.into();
                self.debt_ram.write_enable.next = true;
                self.clear_idx.d.next = self.clear_idx.q.val() + 1;
                if self.clear_idx.q.val() == self.last_function.val() {
                    self.state.d.next = SchedState::Idle;
                }
            }
            SchedState::Idle => {
                // Priorities: manager events, waiting reports, register
                // accesses, then one partition of the turn-change scan.
                self.s_event_ready.next = true;
                self.take_event.next = self.s_event_valid.val();
                self.take_waiting.next = !self.s_event_valid.val() & self.waiting_in.m_valid.val();
                self.waiting_in.m_ready.next = self.take_waiting.val();
                if self.take_event.val() {
                    self.cur_kind.d.next = self.s_event_kind.val();
                    self.cur_f.d.next = self.s_event_function.val();
                    self.cur_p.d.next = self.s_event_partition.val();
                    self.cur_weight.d.next = self.s_event_weight.val();
                    self.cur_slice.d.next = self.s_event_slice.val();
                    self.vf_ram.read_address.next = self.s_event_function.val();
                    self.state.d.next = SchedState::EventRead;
                } else if self.take_waiting.val() {
                    self.cur_f.d.next = self.waiting_in.m_data.val();
                    self.vf_ram.read_address.next = self.waiting_in.m_data.val();
                    self.state.d.next = SchedState::WaitRead;
                } else {
                    // The scanned partition's queue head is read at once:
                    // PopRead registers its entry (no RAM is written in Idle).
                    self.vf_ram.read_address.next = self.s_head.val();
                    self.next_ram.read_address.next = self.s_head.val();
                    self.debt_ram.read_address.next = self.s_head.val();
                    self.scan.d.next = self.scan.q.val() + 1;
                    if self.scan.q.val() == self.last_partition.val() {
                        self.scan.d.next = 0.into();
                    }
                    if self.s_queued.val() & (!self.s_owner.val().any() | self.s_used_up.val()) {
                        self.cur_p.d.next = self.scan.q.val();
                        self.state.d.next = SchedState::PopRead;
                    }
                }
            }
            SchedState::EventRead => {
                // The entry read in Idle, into its register.
                self.entry_q.d.next = self.vf_ram.read_data.val();
                self.state.d.next = SchedState::EventWrite;
            }
            SchedState::EventWrite => {
                // Keep `queued`: a VF still linked in a queue stays linked.
                self.vf_ram.write_enable.next = true;
                if self.cur_kind.q.val() == self.ev_attach.val() {
                    self.vf_ram.write_data.next = (bit_cast::<ENTRY_BITS, 1>(self.e_queued.val().into()) << 31)
                        | (bit_cast::<ENTRY_BITS, 16>(self.cur_slice.q.val()) << 15)
                        | (bit_cast::<ENTRY_BITS, 8>(self.cur_weight.q.val()) << 7)
                        | (bit_cast::<ENTRY_BITS, PW>(self.cur_p.q.val()) << 1)
                        | 1;
                } else if self.cur_kind.q.val() == self.ev_detach.val() {
                    self.vf_ram.write_data.next = self.entry.val() & self.not_attached.val();
                } else {
                    self.vf_ram.write_data.next = (bit_cast::<ENTRY_BITS, 1>(self.e_queued.val().into()) << 31)
                        | (bit_cast::<ENTRY_BITS, 16>(self.cur_slice.q.val()) << 15)
                        | (bit_cast::<ENTRY_BITS, 8>(self.cur_weight.q.val()) << 7)
                        | bit_cast::<ENTRY_BITS, 7>(self.entry.val().get_bits::<7>(0));
                }
                // A new tenant and a leaving one are closed until they own
                // the partition.
                self.m_gate_valid.next = self.cur_kind.q.val() != self.ev_qos.val();
                if self.cur_kind.q.val() == self.ev_attach.val() {
                    // A new tenant owes nothing.
                    self.debt_ram.write_address.next = self.cur_f.q.val();
                    self.debt_ram.write_data.next = 0.into();
                    self.debt_ram.write_enable.next = true;
                }
                self.state.d.next = SchedState::Idle;
                if (self.cur_kind.q.val() == self.ev_detach.val()) & (self.c_owner.val() == self.cur_f.q.val()) {
                    // The owner leaves: save its context, the partition is free.
                    self.drain_debt.d.next = 0.into();
                    self.old.d.next = self.cur_f.q.val();
                    self.cur_f.d.next = 0.into();
                    self.op_code.d.next = self.op_save.val();
                    self.state.d.next = SchedState::WaitClosed;
                }
            }
            SchedState::WaitRead => {
                self.entry_q.d.next = self.vf_ram.read_data.val();
                self.state.d.next = SchedState::WaitDecide;
            }
            SchedState::WaitDecide => {
                // Queue an attached VF that is not queued yet.
                if self.e_attached.val() & !self.e_queued.val() {
                    self.app_valid.next = true;
                    self.vf_ram.write_data.next = self.entry.val() | self.queued_bit.val();
                    self.vf_ram.write_enable.next = true;
                }
                self.state.d.next = SchedState::Idle;
            }
            SchedState::PopRead => {
                // The head's entry, successor and debt, read in Idle.
                self.entry_q.d.next = self.vf_ram.read_data.val();
                self.next_q.d.next = self.next_ram.read_data.val();
                self.debt_q.d.next = self.debt_ram.read_data.val();
                self.cur_f.d.next = self.c_head.val();
                self.state.d.next = SchedState::PopDecide;
            }
            SchedState::PopDecide => {
                for i in 0..self.owner.len() {
                    if self.cur_p.q.val() == self.part_index[i].val() {
                        if self.cur_f.q.val() == self.tail[i].q.val() {
                            self.queued[i].d.next = false;
                        } else {
                            self.head[i].d.next = self.next_q.q.val();
                        }
                    }
                }
                self.state.d.next = SchedState::Idle;
                if self.e_attached.val() & (self.e_partition.val() == self.cur_p.q.val()) {
                    // Its turn: unqueue it, switch from the owner (if any).
                    self.vf_ram.write_data.next = self.entry.val() & self.not_queued.val();
                    self.vf_ram.write_enable.next = true;
                    self.cur_weight.d.next = self.e_weight.val();
                    self.cur_debt.d.next = self.debt_q.q.val();
                    self.turn_slice.d.next = self.eff_slice.val();
                    self.debt_ge.d.next = self.debt_q.q.val() >= self.eff_slice.val();
                    self.state.d.next = SchedState::PopPay;
                } else if self.e_attached.val() {
                    // Detached and attached elsewhere meanwhile: it keeps its
                    // place in the line, in its new partition's queue.
                    self.app_valid.next = true;
                } else {
                    // Detached while queued: dropped.
                    self.vf_ram.write_data.next = self.entry.val() & self.not_queued.val();
                    self.vf_ram.write_enable.next = true;
                }
            }
            SchedState::PopPay => {
                if self.paying.val() {
                    self.cur_debt.d.next = self.cur_debt.q.val() - self.turn_slice.q.val();
                    self.cur_weight.d.next = self.cur_weight.q.val() - 1;
                    self.debt_ge.d.next = (self.cur_debt.q.val() - self.turn_slice.q.val()) >= self.turn_slice.q.val();
                } else if self.debt_ge.q.val() & self.c_owner.val().any() {
                    // Even a turn of one round cannot pay the debt: skipped,
                    // back to the end of the queue, a slice paid.
                    self.vf_ram.write_data.next = self.entry.val() | self.queued_bit.val();
                    self.vf_ram.write_enable.next = true;
                    self.debt_ram.write_address.next = self.cur_f.q.val();
                    self.debt_ram.write_data.next = self.cur_debt.q.val() - self.turn_slice.q.val();
                    self.debt_ram.write_enable.next = true;
                    self.app_valid.next = true;
                    self.app_p.next = self.cur_p.q.val();
                    self.renew.next = !self.c_queued.val();
                    self.state.d.next = SchedState::Idle;
                } else {
                    self.old.d.next = self.c_owner.val();
                    self.drain_debt.d.next = self.c_carry.val();
                    if self.c_owner.val().any() {
                        self.op_code.d.next = self.op_switch.val();
                        self.m_gate_valid.next = true;
                        self.m_gate_function.next = self.c_owner.val();
                        self.state.d.next = SchedState::WaitClosed;
                    } else {
                        self.op_code.d.next = self.op_restore.val();
                        self.state.d.next = SchedState::OpIssue;
                    }
                }
            }
            SchedState::WaitClosed => {
                // The DMA answers closes in order: when none is outstanding,
                // the one just issued (the last) took effect too.
                if self.closes_out.q.val() == 0 {
                    self.state.d.next = SchedState::OpIssue;
                    self.drained_at.d.next = self.now.q.val();
                    self.debt_ram.write_enable.next = true;
                } else if self.drain_debt.q.val() != 0xFFFF {
                    self.drain_debt.d.next = self.drain_debt.q.val() + 1;
                }
            }
            SchedState::OpIssue => {
                self.m_op_valid.next = true;
                if self.m_op_ready.val() {
                    self.state.d.next = SchedState::OpWait;
                }
            }
            SchedState::OpWait => {
                if self.s_op_done_valid.val() & (self.s_op_done_partition.val() == self.cur_p.q.val()) {
                    if self.old.q.val().any() {
                        self.state.d.next = SchedState::AcctRead;
                    } else {
                        self.state.d.next = SchedState::Finish;
                    }
                }
            }
            SchedState::AcctRead => {
                // The leaving owner's cycles (read with `old` meanwhile).
                self.owned_q.d.next = self.owned_ram.read_data.val();
                self.state.d.next = SchedState::AcctWrite;
            }
            SchedState::AcctWrite => {
                self.owned_ram.write_enable.next = true;
                self.state.d.next = SchedState::Finish;
            }
            SchedState::Finish => {
                // cur_f (0 after a DETACH of the owner) owns the partition.
                self.new_owner.next = true;
                self.m_owner_valid.next = true;
                if self.cur_f.q.val().any() {
                    self.m_gate_valid.next = true;
                    self.m_gate_open.next = true;
                }
                self.state.d.next = SchedState::Idle;
            }
            _ => {
                self.state.d.next = SchedState::Idle;
            }
        }

        // ---- Closes outstanding.
        if self.m_gate_valid.val() & !self.m_gate_open.val() & !self.s_gate_closed_valid.val() {
            self.closes_out.d.next = self.closes_out.q.val() + 1;
        }
        if !(self.m_gate_valid.val() & !self.m_gate_open.val()) & self.s_gate_closed_valid.val() {
            self.closes_out.d.next = self.closes_out.q.val() - 1;
        }

        // ---- Queue append (a waiting VF, or one moved between queues).
        for i in 0..self.owner.len() {
            if self.app_valid.val() & (self.app_p.val() == self.part_index[i].val()) {
                self.tail[i].d.next = self.app_f.val();
                self.queued[i].d.next = true;
                if self.queued[i].q.val() {
                    self.next_ram.write_address.next = self.tail[i].q.val();
                    self.next_ram.write_data.next = self.app_f.val();
                    self.next_ram.write_enable.next = true;
                } else {
                    self.head[i].d.next = self.app_f.val();
                }
            }
            if self.renew.val() & (self.cur_p.q.val() == self.part_index[i].val()) {
                self.slice_left[i].d.next = self.slice_len[i].q.val();
                self.rounds_left[i].d.next = self.owner_weight[i].q.val();
            }
            if self.new_owner.val() & (self.cur_p.q.val() == self.part_index[i].val()) {
                self.owner[i].d.next = self.cur_f.q.val();
                self.since[i].d.next = self.now.q.val();
                self.slice_len[i].d.next = self.turn_slice.q.val();
                self.slice_left[i].d.next = self.first_slice.val();
                self.rounds_left[i].d.next = self.cur_weight.q.val();
                self.owner_weight[i].d.next = self.e_weight.val();
                self.carry[i].d.next = self.first_carry.val();
                if !self.cur_f.q.val().any() {
                    self.carry[i].d.next = 0.into();
                }
                if self.cur_f.q.val().any() {
                    self.switches[i].d.next = self.switches[i].q.val() + 1;
                }
            }
        }

        // ---- Registers: taken any cycle (but while clearing), answered the
        // next from the latched request.
        self.owned_mon.write_address.next = self.owned_ram.write_address.val();
        self.owned_mon.write_data.next = self.owned_ram.write_data.val();
        self.owned_mon.write_enable.next = self.owned_ram.write_enable.val();
        self.owned_mon.read_address.next = self.vf_sel.q.val();
        self.s_reg.req_ready.next = !self.rq_pending.q.val() & (self.state.q.val() != SchedState::Clear);
        self.take_reg.next = self.s_reg.req_valid.val() & self.s_reg.req_ready.val();
        self.rq_pending.d.next = self.take_reg.val();
        if self.take_reg.val() {
            self.rq_write.d.next = self.s_reg.req_write.val();
            self.rq_addr.d.next = self.s_reg.req_addr.val();
            self.rq_wdata.d.next = self.s_reg.req_wdata.val();
            self.rq_function.d.next = self.s_reg.req_function.val();
            self.rq_wstrb.d.next = self.s_reg.req_wstrb.val();
        }
        self.r_ok.next = true;
        self.r_data.next = 0.into();
        if self.rq_addr.q.val() == self.a_id.val() {
            self.r_data.next = self.id_value.val();
            self.r_ok.next = !self.rq_write.q.val();
        } else if self.rq_addr.q.val() == self.a_default_slice.val() {
            self.r_data.next = bit_cast::<32, 16>(self.default_slice.q.val());
            self.r_ok.next = !self.rq_write.q.val() | self.rq_wdata.q.val().get_bits::<16>(0).any();
        } else if self.rq_addr.q.val() == self.a_part_sel.val() {
            self.r_data.next = bit_cast::<32, PW>(self.part_sel.q.val());
        } else if self.rq_addr.q.val() == self.a_part_sched.val() {
            self.r_data.next = bit_cast::<32, FW>(self.sel_owner.val())
                | (bit_cast::<32, 1>(self.sel_queued.val().into()) << 16);
            self.r_ok.next = !self.rq_write.q.val();
        } else if self.rq_addr.q.val() == self.a_part_switches.val() {
            self.r_data.next = self.sel_switches.val();
            self.r_ok.next = !self.rq_write.q.val();
        } else if self.rq_addr.q.val() == self.a_vf_sel.val() {
            self.r_data.next = bit_cast::<32, FW>(self.vf_sel.q.val());
        } else if self.rq_addr.q.val() == self.a_vf_owned.val() {
            self.r_data.next = self.owned_mon.read_data.val();
            self.r_ok.next = !self.rq_write.q.val();
        } else {
            self.r_ok.next = false;
        }
        if self.rq_function.q.val().any() | (self.rq_write.q.val() & (self.rq_wstrb.q.val() != 15)) {
            self.r_ok.next = false;
        }
        if self.rq_pending.q.val() {
            self.s_reg.resp_valid.next = true;
            self.s_reg.resp_error.next = !self.r_ok.val();
            if self.r_ok.val() & !self.rq_write.q.val() {
                self.s_reg.resp_rdata.next = self.r_data.val();
            }
            if self.r_ok.val() & self.rq_write.q.val() {
                if self.rq_addr.q.val() == self.a_default_slice.val() {
                    self.default_slice.d.next = self.rq_wdata.q.val().get_bits::<16>(0);
                }
                if self.rq_addr.q.val() == self.a_part_sel.val() {
                    self.part_sel.d.next = self.rq_wdata.q.val().get_bits::<PW>(0);
                }
                if self.rq_addr.q.val() == self.a_vf_sel.val() {
                    self.vf_sel.d.next = self.rq_wdata.q.val().get_bits::<FW>(0);
                }
            }
        }

        if self.rst.val() {
            self.state.d.next = SchedState::Clear;
            self.clear_idx.d.next = 0.into();
            self.scan.d.next = 0.into();
            self.closes_out.d.next = 0.into();
            self.rq_pending.d.next = false;
            self.default_slice.d.next = self.slice_reset.val();
            self.part_sel.d.next = 0.into();
            self.vf_sel.d.next = 0.into();
            for i in 0..self.owner.len() {
                self.owner[i].d.next = 0.into();
                self.queued[i].d.next = false;
                self.slice_left[i].d.next = 0.into();
                self.rounds_left[i].d.next = 0.into();
                self.carry[i].d.next = 0.into();
                self.switches[i].d.next = 0.into();
            }
        }
    }
}
