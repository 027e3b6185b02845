//! `ctx`: context management. Holds every function's context memory (block
//! RAM, `words` 32-bit words per function, in the function's window) and moves
//! contexts between that memory and a partition's accelerator through the
//! accelerator's context register port.
//!
//! Operations, one at a time, from the manager (`s_op_*`):
//! - `SWITCH` (0): wait until the partition is idle, save its context into
//!   `from`'s memory, restore `to`'s into it;
//! - `SAVE` (1): wait for idle, save into `from`'s memory (the owner detaches);
//! - `RESTORE` (2): wait for idle, restore `to`'s context (first tenant);
//! - `CLEAR` (3): zero `to`'s memory (its VF goes to a new VM).
//! Clears also come on their own port (`s_clear_*`, from the manager at each
//! ATTACH) into a FIFO, so that an ATTACH never waits for a clear: they run
//! one after the other, before any operation and any window access (both
//! wait while a clear is pending, so a VM never reads its VF's previous
//! tenant's context and a RESTORE never finds a stale one; a burst of N
//! ATTACHes delays context accesses by up to N x (words + 2) cycles).
//! Each operation ends with one `m_op_done_valid` pulse; an operation naming a partition
//! or function that does not exist ends at once with `m_op_done_error` and
//! changes nothing. Save and restore move one word per cycle, so a switch
//! takes 2 x words + 4 cycles after the partition is idle, plus the
//! partition's context read latency (`partition::CTX_READ_LATENCY`: a save
//! reads word k of the accelerator that many cycles after asking for it).
//!
//! Stopping new packets for the old owner (so that the partition drains) is
//! the manager's job; this block only waits for `idle`.

pub mod regs;

use crate::regbus::{RegBusSlave, REG_ADDR_BITS};
use crate::fifo::Fifo;
use crate::sized_ram::SizedRam;
use crate::{FUNCTION_ID_BITS as FW, MAX_FUNCTIONS, MAX_PARTITIONS, PARTITION_ID_BITS as PW};
use rust_hdl::prelude::*;

/// Width of the accelerator's context register index.
pub const CTX_ADDR_BITS: usize = 8;
/// Context words per function: a power of two in this range.
pub const MIN_CTX_WORDS: usize = 4;
pub const MAX_CTX_WORDS: usize = 64;
/// Address bits of the context memory: function and word.
const MEM_AW: usize = FW + 6;
/// The clear FIFO: one entry per function at most is ever needed.
const CLEAR_AW: usize = 10;
const CLEAR_CW: usize = CLEAR_AW + 1;
pub const CLEAR_FIFO_DEPTH: usize = 1 << CLEAR_AW;

pub const OP_SWITCH: u64 = 0;
pub const OP_SAVE: u64 = 1;
pub const OP_RESTORE: u64 = 2;
pub const OP_CLEAR: u64 = 3;

/// The context register port of one partition's accelerator, seen from `ctx`.
#[derive(LogicInterface, Default)]
pub struct RmContextPort {
    pub addr: Signal<Out, Bits<CTX_ADDR_BITS>>,
    pub wdata: Signal<Out, Bits<32>>,
    pub we: Signal<Out, Bit>,
    /// Context register `addr`, read combinationally.
    pub rdata: Signal<In, Bits<32>>,
    /// No packet in flight in the accelerator.
    pub idle: Signal<In, Bit>,
}

#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum CtxState {
    Idle,
    WaitIdle,
    Save,
    Restore,
    Clear,
    Done,
}

#[derive(LogicBlock)]
pub struct Ctx {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// Context memory accesses from `bar` (offsets 0x800.. of each window).
    pub s_reg: RegBusSlave,
    /// Operation from the manager.
    pub s_op_valid: Signal<In, Bit>,
    pub s_op_ready: Signal<Out, Bit>,
    pub s_op_code: Signal<In, Bits<2>>,
    pub s_op_partition: Signal<In, Bits<PW>>,
    pub s_op_from: Signal<In, Bits<FW>>,
    pub s_op_to: Signal<In, Bits<FW>>,
    /// End of the operation (one cycle), with its partition and outcome.
    pub m_op_done_valid: Signal<Out, Bit>,
    pub m_op_done_partition: Signal<Out, Bits<PW>>,
    pub m_op_done_error: Signal<Out, Bit>,
    /// The context ports of the partitions' accelerators.
    pub m_ctx_p: Vec<RmContextPort>,
    /// An operation is in progress.
    pub busy: Signal<Out, Bit>,
    /// Clear a function's context memory (its VF goes to a new VM); queued.
    pub s_clear_valid: Signal<In, Bit>,
    pub s_clear_ready: Signal<Out, Bit>,
    pub s_clear_function: Signal<In, Bits<FW>>,

    last_function: Constant<Bits<FW>>,
    last_partition: Constant<Bits<PW>>,
    words_log2: Constant<Bits<8>>,
    last_word: Constant<Bits<CTX_ADDR_BITS>>,
    /// The partition's context read latency, and the last cycle of a save.
    read_latency: Constant<Bits<CTX_ADDR_BITS>>,
    save_end: Constant<Bits<CTX_ADDR_BITS>>,
    /// Window offset of context word 0 and of the first offset past the last.
    region_base: Constant<Bits<REG_ADDR_BITS>>,
    region_end: Constant<Bits<REG_ADDR_BITS>>,
    part_index: Vec<Constant<Bits<PW>>>,
    op_switch: Constant<Bits<2>>,
    op_restore: Constant<Bits<2>>,
    op_clear: Constant<Bits<2>>,

    context_mem: SizedRam<MEM_AW, 32>,
    /// Queued clears (the shared FIFO: its head is read into a register).
    clear_fifo: Fifo<Bits<FW>, CLEAR_AW, CLEAR_CW>,
    internal: DFF<Bit>,
    clear_pop: Signal<Local, Bit>,
    /// A clear is queued (or on its way through the FIFO's RAM).
    clear_pending: Signal<Local, Bit>,
    state: DFF<CtxState>,
    op_code: DFF<Bits<2>>,
    op_part: DFF<Bits<PW>>,
    op_from: DFF<Bits<FW>>,
    op_to: DFF<Bits<FW>>,
    op_error: DFF<Bit>,
    word: DFF<Bits<CTX_ADDR_BITS>>,
    resp_valid: DFF<Bit>,
    resp_error: DFF<Bit>,
    resp_read: DFF<Bit>,

    sel_rdata: Signal<Local, Bits<32>>,
    sel_idle: Signal<Local, Bit>,
    req_take: Signal<Local, Bit>,
    req_ok: Signal<Local, Bit>,
    req_offset: Signal<Local, Bits<REG_ADDR_BITS>>,
    req_mem_addr: Signal<Local, Bits<MEM_AW>>,
    from_base: Signal<Local, Bits<MEM_AW>>,
    to_base: Signal<Local, Bits<MEM_AW>>,
    restore_we: Signal<Local, Bit>,
}

impl Ctx {
    /// Context management for `partitions` partitions, `functions` PCIe
    /// functions and `words` context words per function (a power of two).
    pub fn new(partitions: usize, functions: usize, words: usize) -> Self {
        assert!((1..=MAX_PARTITIONS).contains(&partitions), "partitions out of range");
        assert!((1..=MAX_FUNCTIONS).contains(&functions), "functions out of range");
        assert!(
            words.is_power_of_two() && (MIN_CTX_WORDS..=MAX_CTX_WORDS).contains(&words),
            "context words must be a power of two in {MIN_CTX_WORDS}..={MAX_CTX_WORDS}"
        );
        let block = regs::ctx_regs(words as u32);
        let base = block.registers[0].offset as u64;
        Ctx {
            clk: Default::default(),
            rst: Default::default(),
            s_reg: Default::default(),
            s_op_valid: Default::default(),
            s_op_ready: Default::default(),
            s_op_code: Default::default(),
            s_op_partition: Default::default(),
            s_op_from: Default::default(),
            s_op_to: Default::default(),
            m_op_done_valid: Default::default(),
            m_op_done_partition: Default::default(),
            m_op_done_error: Default::default(),
            m_ctx_p: (0..partitions).map(|_| Default::default()).collect(),
            busy: Default::default(),
            s_clear_valid: Default::default(),
            s_clear_ready: Default::default(),
            s_clear_function: Default::default(),
            last_function: Constant::new(((functions - 1) as u64).into()),
            last_partition: Constant::new(((partitions - 1) as u64).into()),
            words_log2: Constant::new((words.trailing_zeros() as u64).into()),
            last_word: Constant::new(((words - 1) as u64).into()),
            read_latency: Constant::new(crate::partition::CTX_READ_LATENCY.into()),
            save_end: Constant::new((words as u64 - 1 + crate::partition::CTX_READ_LATENCY).into()),
            region_base: Constant::new(base.into()),
            region_end: Constant::new((base + 4 * words as u64).into()),
            part_index: (0..partitions).map(|i| Constant::new((i as u64).into())).collect(),
            op_switch: Constant::new(OP_SWITCH.into()),
            op_restore: Constant::new(OP_RESTORE.into()),
            op_clear: Constant::new(OP_CLEAR.into()),
            context_mem: SizedRam::new(functions * words),
            clear_fifo: Default::default(),
            internal: Default::default(),
            clear_pop: Default::default(),
            clear_pending: Default::default(),
            state: Default::default(),
            op_code: Default::default(),
            op_part: Default::default(),
            op_from: Default::default(),
            op_to: Default::default(),
            op_error: Default::default(),
            word: Default::default(),
            resp_valid: Default::default(),
            resp_error: Default::default(),
            resp_read: Default::default(),
            sel_rdata: Default::default(),
            sel_idle: Default::default(),
            req_take: Default::default(),
            req_ok: Default::default(),
            req_offset: Default::default(),
            req_mem_addr: Default::default(),
            from_base: Default::default(),
            to_base: Default::default(),
            restore_we: Default::default(),
        }
    }
}

impl Logic for Ctx {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clk, state, op_code, op_part, op_from, op_to, op_error, word, resp_valid,
            resp_error, resp_read, internal
        );
        self.context_mem.clock.next = self.clk.val();

        // ---- The clear FIFO (`full` and `count` come from its registers).
        self.clear_fifo.clk.next = self.clk.val();
        self.clear_fifo.rst.next = self.rst.val();
        self.s_clear_ready.next = !self.clear_fifo.full.val();
        self.clear_fifo.write.next = self.s_clear_valid.val();
        self.clear_fifo.data_in.next = self.s_clear_function.val();
        self.clear_pending.next = self.clear_fifo.count.val().any();
        self.clear_pop.next = (self.state.q.val() == CtxState::Idle) & !self.clear_fifo.empty.val();
        self.clear_fifo.read.next = self.clear_pop.val();


        // The selected partition's context port.
        self.sel_rdata.next = 0.into();
        self.sel_idle.next = false;
        for i in 0..self.m_ctx_p.len() {
            if self.op_part.q.val() == self.part_index[i].val() {
                self.sel_rdata.next = self.m_ctx_p[i].rdata.val();
                self.sel_idle.next = self.m_ctx_p[i].idle.val();
            }
        }
        self.from_base.next = bit_cast::<MEM_AW, FW>(self.op_from.q.val()) << self.words_log2.val();
        self.to_base.next = bit_cast::<MEM_AW, FW>(self.op_to.q.val()) << self.words_log2.val();

        // ---- Register accesses: one word of one function's memory.
        self.s_reg.req_ready.next = (self.state.q.val() == CtxState::Idle) & !self.clear_pending.val();
        self.req_take.next = self.s_reg.req_valid.val() & self.s_reg.req_ready.val();
        self.req_offset.next = self.s_reg.req_addr.val() - self.region_base.val();
        self.req_ok.next = (self.s_reg.req_function.val() <= self.last_function.val())
            & (self.s_reg.req_addr.val() >= self.region_base.val())
            & (self.s_reg.req_addr.val() < self.region_end.val())
            & (self.req_offset.val().get_bits::<2>(0) == 0)
            & (!self.s_reg.req_write.val() | (self.s_reg.req_wstrb.val() == 15));
        self.req_mem_addr.next = (bit_cast::<MEM_AW, FW>(self.s_reg.req_function.val())
            << self.words_log2.val())
            | bit_cast::<MEM_AW, 10>(self.req_offset.val().get_bits::<10>(2));
        self.resp_valid.d.next = self.req_take.val();
        self.resp_error.d.next = self.req_take.val() & !self.req_ok.val();
        self.resp_read.d.next = self.req_take.val() & self.req_ok.val() & !self.s_reg.req_write.val();
        self.s_reg.resp_valid.next = self.resp_valid.q.val();
        self.s_reg.resp_error.next = self.resp_error.q.val();
        self.s_reg.resp_rdata.next = 0.into();
        if self.resp_read.q.val() {
            self.s_reg.resp_rdata.next = self.context_mem.read_data.val();
        }
        self.context_mem.read_address.next = self.req_mem_addr.val();
        self.context_mem.write_address.next = self.req_mem_addr.val();
        self.context_mem.write_data.next = self.s_reg.req_wdata.val();
        self.context_mem.write_enable.next =
            self.req_take.val() & self.req_ok.val() & self.s_reg.req_write.val();

        // ---- Operations.
        // Operations are taken straight into the op registers; their ready
        // comes from registers (they wait like window accesses).
        self.s_op_ready.next = (self.state.q.val() == CtxState::Idle) & !self.clear_pending.val();
        self.m_op_done_valid.next = self.state.q.val() == CtxState::Done;
        self.m_op_done_partition.next = self.op_part.q.val();
        self.m_op_done_error.next = self.op_error.q.val();
        self.busy.next = self.state.q.val() != CtxState::Idle;
        self.restore_we.next = false;
        match self.state.q.val() {
            CtxState::Idle => {
                if self.clear_pop.val() {
                    // The FIFO's head (a RAM output) goes straight into a register.
                    self.op_to.d.next = self.clear_fifo.data_out.val();
                    self.word.d.next = 0.into();
                    self.internal.d.next = true;
                    self.state.d.next = CtxState::Clear;
                } else if self.s_op_valid.val() & self.s_op_ready.val() {
                    self.internal.d.next = false;
                    self.op_code.d.next = self.s_op_code.val();
                    self.op_part.d.next = self.s_op_partition.val();
                    self.op_from.d.next = self.s_op_from.val();
                    self.op_to.d.next = self.s_op_to.val();
                    self.word.d.next = 0.into();
                    self.op_error.d.next = false;
                    if (self.s_op_from.val() > self.last_function.val())
                        | (self.s_op_to.val() > self.last_function.val())
                        | ((self.s_op_code.val() != self.op_clear.val())
                            & (self.s_op_partition.val() > self.last_partition.val()))
                    {
                        self.op_error.d.next = true;
                        self.state.d.next = CtxState::Done;
                    } else if self.s_op_code.val() == self.op_clear.val() {
                        self.state.d.next = CtxState::Clear;
                    } else {
                        self.state.d.next = CtxState::WaitIdle;
                    }
                }
            }
            CtxState::WaitIdle => {
                if self.sel_idle.val() {
                    if self.op_code.q.val() == self.op_restore.val() {
                        self.state.d.next = CtxState::Restore;
                    } else {
                        self.state.d.next = CtxState::Save;
                    }
                }
            }
            CtxState::Save => {
                // Word k of the accelerator, asked for `read_latency` cycles
                // ago (the partition registers its context port), into word k
                // of `from`'s memory.
                self.context_mem.write_address.next = self.from_base.val()
                    | bit_cast::<MEM_AW, CTX_ADDR_BITS>(self.word.q.val() - self.read_latency.val());
                self.context_mem.write_data.next = self.sel_rdata.val();
                self.context_mem.write_enable.next = self.word.q.val() >= self.read_latency.val();
                self.word.d.next = self.word.q.val() + 1;
                if self.word.q.val() == self.save_end.val() {
                    self.word.d.next = 0.into();
                    if self.op_code.q.val() == self.op_switch.val() {
                        self.state.d.next = CtxState::Restore;
                    } else {
                        self.state.d.next = CtxState::Done;
                    }
                }
            }
            CtxState::Restore => {
                // Read word k of `to`'s memory; write word k-1, read last cycle.
                self.context_mem.read_address.next = self.to_base.val() | bit_cast::<MEM_AW, CTX_ADDR_BITS>(self.word.q.val());
                self.restore_we.next = self.word.q.val() != 0;
                self.word.d.next = self.word.q.val() + 1;
                if self.word.q.val() == self.last_word.val() + 1 {
                    self.state.d.next = CtxState::Done;
                }
            }
            CtxState::Clear => {
                self.context_mem.write_address.next = self.to_base.val() | bit_cast::<MEM_AW, CTX_ADDR_BITS>(self.word.q.val());
                self.context_mem.write_data.next = 0.into();
                self.context_mem.write_enable.next = true;
                self.word.d.next = self.word.q.val() + 1;
                if self.word.q.val() == self.last_word.val() {
                    self.state.d.next = CtxState::Done;
                    if self.internal.q.val() {
                        self.state.d.next = CtxState::Idle;
                    }
                }
            }
            CtxState::Done => {
                self.state.d.next = CtxState::Idle;
            }
            _ => {
                self.state.d.next = CtxState::Idle;
            }
        }
        for i in 0..self.m_ctx_p.len() {
            self.m_ctx_p[i].addr.next = self.word.q.val();
            self.m_ctx_p[i].wdata.next = self.context_mem.read_data.val();
            self.m_ctx_p[i].we.next = false;
            if self.state.q.val() == CtxState::Restore {
                self.m_ctx_p[i].addr.next = self.word.q.val() - 1;
                self.m_ctx_p[i].we.next =
                    self.restore_we.val() & (self.op_part.q.val() == self.part_index[i].val());
            }
        }

        if self.rst.val() {
            self.state.d.next = CtxState::Idle;
            self.resp_valid.d.next = false;
            self.resp_read.d.next = false;
        }
    }
}
