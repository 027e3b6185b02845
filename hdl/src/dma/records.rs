//! The control engine's per-function state and its register view (child
//! `rec` of `ctrl.rs`): the records in block RAM (H2C and C2H rings,
//! function records, C2H prefetch slots, enable bits, scheduler weights),
//! cleared after reset, and the C2H run-ahead shared by the functions
//! (`c2h_ahead.rs`); the served function's records, registered out of
//! their RAMs; the register bus's request slice, the access decoded as the
//! engine takes it, the read answer and the records a write leaves.
//!
//! Boundary: the register bus and `s_qos` enter through register slices;
//! every output is a register (the records, the decoded access, the
//! answer) or logic of registers alone (every block-RAM word is registered
//! before any logic uses it). Every other input goes to a register or a RAM
//! port: no output follows an input within a cycle.

use super::desc::{C2hBuf, C2hRing, C2hSlot, FnRecord, H2cRing, RegSel};
use super::c2h_ahead::C2hAhead;
use super::reg_decode::RegDecode;
use super::regs::*;
use super::ring_run::RingRun;
use crate::regbus::{RegBusSlave, REG_ADDR_BITS as OW};
use crate::skid::Skid;
use crate::FUNCTION_ID_BITS as FW;
use rust_hdl::prelude::*;

/// Register request word in the input register slice: write (0), function
/// (11:1), offset (23:12), data (55:24), strobes (59:56).
const REQ_BITS: usize = 1 + FW + OW + 32 + 4;

#[derive(LogicBlock)]
pub struct CtlRecords {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// Clearing after reset (`CtlState::Clear`): every record of function
    /// `clear_addr` to its reset value.
    pub clear: Signal<In, Bit>,
    pub clear_addr: Signal<In, Bits<FW>>,
    /// The function an operation is dispatched on (read out of the RAMs
    /// now), its records registered when `load` (`CtlState::Read`).
    pub fn_next: Signal<In, Bits<FW>>,
    pub load: Signal<In, Bit>,
    pub h: Signal<Out, H2cRing>,
    pub c: Signal<Out, C2hRing>,
    pub f: Signal<Out, FnRecord>,
    /// What follows from the records, the enable bit, the weight and the
    /// prefetch slot of the served function (`fn_cur`): its queues run
    /// (enabled, run bit, no error); a ring misconfigured; the H2C turn's
    /// budget; the ring index masks; the H2C fetch address and CIDX
    /// write-back address, the C2H ones; the C2H descriptor after CIDX
    /// (posted, its address); whether the prefetch slot holds the last
    /// prefetch issued, and its buffer.
    pub fn_cur: Signal<In, Bits<FW>>,
    pub h_live: Signal<Out, Bit>,
    pub c_live: Signal<Out, Bit>,
    pub h_bad: Signal<Out, Bit>,
    pub c_bad: Signal<Out, Bit>,
    pub budget: Signal<Out, Bits<16>>,
    /// H2C descriptors one read may fetch at the fetch index (1 to 4):
    /// posted, before the ring's end, in the 64-byte block of the first;
    /// one when the function is closed (only its open packet is finished).
    pub h_run: Signal<Out, Bits<3>>,
    /// The fetch index after a read of 1, 2, 3 and 4 descriptors (16 bits
    /// each, 1 lowest), in the ring: the scheduler picks one by its read's
    /// size, no adder after that choice.
    pub h_fetch_after: Signal<Out, Bits<64>>,
    pub ring_mask_h: Signal<Out, Bits<16>>,
    pub ring_mask_c: Signal<Out, Bits<16>>,
    pub fa_h: Signal<Out, Bits<64>>,
    pub wa_h: Signal<Out, Bits<64>>,
    pub fa_c: Signal<Out, Bits<64>>,
    pub wa_c: Signal<Out, Bits<64>>,
    pub c_npost: Signal<Out, Bit>,
    pub fa_cn: Signal<Out, Bits<64>>,
    /// The C2H run-ahead (`c2h_ahead.rs`, a child): the control engine's
    /// commands (the head handed; dropped; a buffer handed by any path; a
    /// read of `ahead_take_n` descriptors at `fa_ca`, which takes it if not
    /// the function's) and the read side's arrivals. Whether it is the
    /// served function's (`ahead_mine`), holds the buffer at CIDX
    /// (`ahead_hit`) or the one after it (`ahead_hit_nx`), may be taken
    /// (`ahead_claim_ok`). `ahead_plan`: the buffer operation's first step,
    /// which plans the read of its second step (registered: 0 to 4
    /// descriptors, those posted in the 64-byte block, 0 without room for
    /// them all), for a request of the buffer after CIDX if `ahead_next`;
    /// the head it hands.
    pub ahead_plan: Signal<In, Bit>,
    pub ahead_next: Signal<In, Bit>,
    pub ahead_hit_nx: Signal<Out, Bit>,
    pub ahead_hand: Signal<In, Bit>,
    pub ahead_drop: Signal<In, Bit>,
    pub ahead_handed: Signal<In, Bit>,
    pub ahead_read: Signal<In, Bit>,
    pub ahead_arrive: Signal<In, Bit>,
    pub ahead_arrive_buf: Signal<In, C2hBuf>,
    pub ahead_mine: Signal<Out, Bit>,
    pub ahead_hit: Signal<Out, Bit>,
    pub ahead_claim_ok: Signal<Out, Bit>,
    pub fa_ca: Signal<Out, Bits<64>>,
    pub ahead_take_n: Signal<Out, Bits<3>>,
    /// A buffer handed from the run-ahead needs no second step: no room for
    /// a read of four after the hand, no slot prefetch flag (`pf`) to clear.
    pub ahead_no_read: Signal<Out, Bit>,
    pub ahead_buf_valid: Signal<Out, Bit>,
    pub ahead_buf: Signal<Out, C2hBuf>,
    pub s_hit: Signal<Out, Bit>,
    pub s_buf: Signal<Out, C2hBuf>,
    /// The records the operation writes back.
    pub nh: Signal<In, H2cRing>,
    pub nc: Signal<In, C2hRing>,
    pub nf: Signal<In, FnRecord>,
    pub h_we: Signal<In, Bit>,
    pub c_we: Signal<In, Bit>,
    pub f_we: Signal<In, Bit>,
    /// The served function's enable bit (`s_fnctl`) is written.
    pub en_we: Signal<In, Bit>,
    pub en_open: Signal<In, Bit>,
    /// Read side: a prefetched C2H descriptor into `slot_function`'s slot.
    pub slot_write: Signal<In, Bit>,
    pub slot_function: Signal<In, Bits<FW>>,
    pub slot: Signal<In, C2hSlot>,
    /// `s_qos`: a function's scheduler weight.
    pub s_qos_valid: Signal<In, Bit>,
    pub s_qos_function: Signal<In, Bits<FW>>,
    pub s_qos_weight: Signal<In, Bits<8>>,
    /// The register bus: the oldest request (`req_take`: the engine
    /// dispatches it), decoded as it is taken: a write, to CTRL.
    pub s_reg: RegBusSlave,
    pub req_valid: Signal<Out, Bit>,
    pub req_function: Signal<Out, Bits<FW>>,
    pub req_take: Signal<In, Bit>,
    pub r_write: Signal<Out, Bit>,
    pub r_ctrl: Signal<Out, Bit>,
    /// The access ends (`answer`): its answer leaves on the bus. What an
    /// accepted write leaves: the records (`w_nh`, `w_nc`, `w_nf`, the
    /// unchanged ones otherwise) and which to write; CTRL.RESET (`w_reset`);
    /// an unmask of a pending source (`w_irq`); a doorbell of a closed,
    /// live function not yet reported (`w_park`); a doorbell that posts
    /// buffers on an empty C2H ring of a live function (`w_cpf`: the buffer
    /// at CIDX is to be prefetched); a new C2H ring base or size (`w_cring`).
    pub answer: Signal<In, Bit>,
    pub w_nh: Signal<Out, H2cRing>,
    pub w_nc: Signal<Out, C2hRing>,
    pub w_nf: Signal<Out, FnRecord>,
    pub w_h: Signal<Out, Bit>,
    pub w_c: Signal<Out, Bit>,
    pub w_f: Signal<Out, Bit>,
    pub w_reset: Signal<Out, Bit>,
    pub w_irq: Signal<Out, Bit>,
    pub w_park: Signal<Out, Bit>,
    pub w_cpf: Signal<Out, Bit>,
    pub w_cring: Signal<Out, Bit>,

    /// PF + VFs - 1: accesses to a function beyond are refused.
    pub last_function: Signal<In, Bits<FW>>,

    // ---- configuration
    dma_id: Constant<Bits<32>>,
    dma_version: Constant<Bits<32>>,

    // ---- per-function state (block RAM), the served function's records
    h2c_ring: RAM<H2cRing, FW>,
    c2h_ring: RAM<C2hRing, FW>,
    c_slot: RAM<C2hSlot, FW>,
    fn_state: RAM<FnRecord, FW>,
    enable_ram: RAM<Bits<1>, FW>,
    weight_ram: RAM<Bits<8>, FW>,
    h_rec: DFF<H2cRing>,
    /// The served function is function 0 (always enabled).
    fn0: DFF<Bit>,
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

    // ---- register access
    reg_in: Skid<Bits<REQ_BITS>>,
    qos_in: Skid<Bits<{ FW + 8 }>>,
    /// The access taken: a write, of which register, its data; whether it
    /// names a register (of a function that exists, with every strobe if a
    /// write), a read-only one.
    r_write_q: DFF<Bit>,
    r_sel: DFF<RegSel>,
    r_wdata: DFF<Bits<32>>,
    r_hit: DFF<Bit>,
    r_ro: DFF<Bit>,
    resp_v: DFF<Bit>,
    resp_data: DFF<Bits<32>>,
    resp_err: DFF<Bit>,
    /// A register write's outputs as they are worked out (`w_*`), copied to
    /// the outputs once (see `banks.rs`).
    l_w_nh: Signal<Local, H2cRing>,
    l_w_nc: Signal<Local, C2hRing>,
    l_w_nf: Signal<Local, FnRecord>,
    l_w_h: Signal<Local, Bit>,
    l_w_c: Signal<Local, Bit>,
    l_w_f: Signal<Local, Bit>,
    l_w_reset: Signal<Local, Bit>,
    l_w_irq: Signal<Local, Bit>,
    l_w_park: Signal<Local, Bit>,
    l_w_cpf: Signal<Local, Bit>,
    l_w_cring: Signal<Local, Bit>,
    /// Fields indexed further (a field is not indexed in place).
    f_run: Signal<Local, Bits<2>>,
    h_base: Signal<Local, Bits<64>>,
    c_base: Signal<Local, Bits<64>>,
    enabled: Signal<Local, Bit>,
    weight: Signal<Local, Bits<8>>,
    /// Descriptors one read may take at the H2C fetch index, at the C2H
    /// run-ahead's next index and after CIDX (worked out apart, chosen at
    /// the end: `c_ai` is the index chosen).
    h_ring_run: RingRun,
    c_ring_run: RingRun,
    cn_ring_run: RingRun,
    c_ai: Signal<Local, Bits<16>>,
    /// Room in the run-ahead after the first step; the next read planned
    /// in it (index, descriptors).
    c_room: Signal<Local, Bits<7>>,
    c_hit: Signal<Local, Bit>,
    plan_index: DFF<Bits<16>>,
    plan_n: DFF<Bits<3>>,
    run_ahead: C2hAhead,
    /// The run-ahead's owner is the function dispatched (`fn_next`), a
    /// cycle later: the served one's while an operation runs.
    ahead_fn_q: DFF<Bit>,
    c_nidx: Signal<Local, Bits<16>>,
    req_addr: Signal<Local, Bits<OW>>,
    decode: RegDecode,
    old_word: Signal<Local, Bits<32>>,
    w1c: Signal<Local, Bits<3>>,
    wr_ok: Signal<Local, Bit>,
}

/// A constant of any width, for the configuration fields.
fn cst<const N: usize>(v: u64) -> Constant<Bits<N>> {
    Constant::new(v.into())
}

impl Default for CtlRecords {
    fn default() -> Self {
        Self {
            clk: Default::default(),
            rst: Default::default(),
            clear: Default::default(),
            clear_addr: Default::default(),
            fn_next: Default::default(),
            load: Default::default(),
            h: Default::default(),
            c: Default::default(),
            f: Default::default(),
            fn_cur: Default::default(),
            h_live: Default::default(),
            c_live: Default::default(),
            h_bad: Default::default(),
            c_bad: Default::default(),
            budget: Default::default(),
            h_run: Default::default(),
            h_fetch_after: Default::default(),
            h_ring_run: Default::default(),
            c_ring_run: Default::default(),
            cn_ring_run: Default::default(),
            c_ai: Default::default(),
            c_room: Default::default(),
            plan_index: Default::default(),
            plan_n: Default::default(),
            ahead_plan: Default::default(),
            ahead_next: Default::default(),
            ahead_hit_nx: Default::default(),
            c_hit: Default::default(),
            run_ahead: Default::default(),
            ahead_fn_q: Default::default(),
            ring_mask_h: Default::default(),
            ring_mask_c: Default::default(),
            fa_h: Default::default(),
            wa_h: Default::default(),
            fa_c: Default::default(),
            wa_c: Default::default(),
            c_npost: Default::default(),
            fa_cn: Default::default(),
            ahead_hand: Default::default(),
            ahead_drop: Default::default(),
            ahead_handed: Default::default(),
            ahead_read: Default::default(),
            ahead_arrive: Default::default(),
            ahead_arrive_buf: Default::default(),
            ahead_mine: Default::default(),
            ahead_hit: Default::default(),
            ahead_claim_ok: Default::default(),
            fa_ca: Default::default(),
            ahead_take_n: Default::default(),
            ahead_no_read: Default::default(),
            ahead_buf_valid: Default::default(),
            ahead_buf: Default::default(),
            s_hit: Default::default(),
            s_buf: Default::default(),
            nh: Default::default(),
            nc: Default::default(),
            nf: Default::default(),
            h_we: Default::default(),
            c_we: Default::default(),
            f_we: Default::default(),
            en_we: Default::default(),
            en_open: Default::default(),
            slot_write: Default::default(),
            slot_function: Default::default(),
            slot: Default::default(),
            s_qos_valid: Default::default(),
            s_qos_function: Default::default(),
            s_qos_weight: Default::default(),
            s_reg: Default::default(),
            req_valid: Default::default(),
            req_function: Default::default(),
            req_take: Default::default(),
            r_write: Default::default(),
            r_ctrl: Default::default(),
            answer: Default::default(),
            w_nh: Default::default(),
            w_nc: Default::default(),
            w_nf: Default::default(),
            w_h: Default::default(),
            w_c: Default::default(),
            w_f: Default::default(),
            w_reset: Default::default(),
            w_irq: Default::default(),
            w_park: Default::default(),
            w_cpf: Default::default(),
            w_cring: Default::default(),
            last_function: Default::default(),
            dma_id: cst(DMA_ID as u64),
            dma_version: cst(DMA_VERSION as u64),
            h2c_ring: Default::default(),
            c2h_ring: Default::default(),
            c_slot: Default::default(),
            fn_state: Default::default(),
            enable_ram: Default::default(),
            weight_ram: Default::default(),
            h_rec: Default::default(),
            fn0: Default::default(),
            c_rec: Default::default(),
            f_rec: Default::default(),
            en_rec: Default::default(),
            w_rec: Default::default(),
            s_rec: Default::default(),
            sw_v: Default::default(),
            sw_fn: Default::default(),
            sw_d: Default::default(),
            reg_in: Default::default(),
            qos_in: Default::default(),
            r_write_q: Default::default(),
            r_sel: Default::default(),
            r_wdata: Default::default(),
            r_hit: Default::default(),
            r_ro: Default::default(),
            resp_v: Default::default(),
            resp_data: Default::default(),
            resp_err: Default::default(),
            l_w_nh: Default::default(),
            l_w_nc: Default::default(),
            l_w_nf: Default::default(),
            l_w_h: Default::default(),
            l_w_c: Default::default(),
            l_w_f: Default::default(),
            l_w_reset: Default::default(),
            l_w_irq: Default::default(),
            l_w_park: Default::default(),
            l_w_cpf: Default::default(),
            l_w_cring: Default::default(),
            f_run: Default::default(),
            h_base: Default::default(),
            c_base: Default::default(),
            enabled: Default::default(),
            weight: Default::default(),
            c_nidx: Default::default(),
            req_addr: Default::default(),
            decode: Default::default(),
            old_word: Default::default(),
            w1c: Default::default(),
            wr_ok: Default::default(),
        }
    }
}

impl Logic for CtlRecords {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clk, ahead_fn_q, plan_index, plan_n, h_rec, c_rec, f_rec, en_rec, w_rec, s_rec, sw_v, sw_fn, sw_d, r_write_q, r_sel, r_wdata, r_hit, r_ro, fn0, resp_v, resp_data, resp_err);
        // ---- Registered boundary: the register bus and `s_qos` slices.
        self.reg_in.clk.next = self.clk.val();
        self.qos_in.clk.next = self.clk.val();
        self.reg_in.rst.next = self.rst.val();
        self.qos_in.rst.next = self.rst.val();
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
        self.reg_in.m_ready.next = self.req_take.val();
        self.req_valid.next = self.reg_in.m_valid.val();
        self.req_function.next = self.reg_in.m_data.val().get_bits::<FW>(1);
        // Valid-only input: the slice is a plain register stage (always drained).
        self.qos_in.s_valid.next = self.s_qos_valid.val();
        self.qos_in.s_data.next = bit_cast::<{ FW + 8 }, FW>(self.s_qos_function.val())
            | (bit_cast::<{ FW + 8 }, 8>(self.s_qos_weight.val()) << 11);
        self.qos_in.m_ready.next = true;

        // ---- The records' RAMs are read as the operation is dispatched (at
        // the function it picks), and their words registered during the
        // operation's second cycle, before any logic uses them: the block-RAM
        // outputs feed registers only. No write can fall between the read and
        // the operation (every write ends its operation).
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
        self.h2c_ring.read_address.next = self.fn_next.val();
        self.c2h_ring.read_address.next = self.fn_next.val();
        self.fn_state.read_address.next = self.fn_next.val();
        self.c_slot.read_address.next = self.fn_next.val();
        self.enable_ram.read_address.next = self.fn_next.val();
        self.weight_ram.read_address.next = self.fn_next.val();
        // The prefetch slot may be written as it is read (a prefetch that
        // arrived the cycle before the read side was held, `pf_block`): that
        // write is taken instead of the RAM's word.
        self.sw_v.d.next = self.slot_write.val();
        self.sw_fn.d.next = self.slot_function.val();
        self.sw_d.d.next = self.slot.val();
        if self.load.val() {
            self.h_rec.d.next = self.h2c_ring.read_data.val();
            self.c_rec.d.next = self.c2h_ring.read_data.val();
            self.f_rec.d.next = self.fn_state.read_data.val();
            self.fn0.d.next = self.fn_next.val() == 0;
            self.en_rec.d.next = self.enable_ram.read_data.val().any();
            self.w_rec.d.next = self.weight_ram.read_data.val();
            self.s_rec.d.next = self.c_slot.read_data.val();
            if self.sw_v.q.val() & (self.sw_fn.q.val() == self.fn_cur.val()) {
                self.s_rec.d.next = self.sw_d.q.val();
            }
        }
        self.h.next = self.h_rec.q.val();
        self.c.next = self.c_rec.q.val();
        self.f.next = self.f_rec.q.val();
        self.f_run.next = self.f_rec.q.val().run;
        self.h_base.next = self.h_rec.q.val().base;
        self.c_base.next = self.c_rec.q.val().base;
        self.enabled.next = self.en_rec.q.val() | self.fn0.q.val();
        self.weight.next = self.w_rec.q.val();
        if self.w_rec.q.val() == 0 {
            self.weight.next = 1.into();
        }
        self.h_live.next = self.enabled.val() & self.f_run.val().get_bit(0) & (self.f_rec.q.val().err == 0);
        self.c_live.next = self.enabled.val() & self.f_run.val().get_bit(1) & (self.f_rec.q.val().err == 0);
        self.budget.next = bit_cast::<16, 8>(self.weight.val()) << 4;
        // A ring's index mask, (1 << log2) - 1, written as a shifted
        // constant: one LUT per bit of log2's four, where the subtraction was
        // a carry chain on the C2H dispatch's critical path.
        self.ring_mask_h.next = !(bit_cast::<16, 16>(0xffff_u64.into()) << bit_cast::<16, 4>(self.h_rec.q.val().log2));
        self.ring_mask_c.next = !(bit_cast::<16, 16>(0xffff_u64.into()) << bit_cast::<16, 4>(self.c_rec.q.val().log2));
        self.h_bad.next = (self.h_rec.q.val().log2 < 4)
            | self.h_base.val().get_bits::<4>(0).any()
            | (self.h_rec.q.val().pidx > self.ring_mask_h.val());
        self.c_bad.next = (self.c_rec.q.val().log2 < 4)
            | self.c_base.val().get_bits::<4>(0).any()
            | (self.c_rec.q.val().pidx > self.ring_mask_c.val());
        self.fa_h.next = self.h_rec.q.val().base + (bit_cast::<64, 16>(self.h_rec.q.val().fetch) << 4);
        self.h_ring_run.base_lane.next = self.h_base.val().get_bits::<2>(4);
        self.h_ring_run.idx_lane.next = bit_cast::<2, 16>(self.h_rec.q.val().fetch);
        self.h_ring_run.avail.next = (self.h_rec.q.val().pidx - self.h_rec.q.val().fetch) & self.ring_mask_h.val();
        self.h_run.next = self.h_ring_run.run.val();
        if self.f_rec.q.val().closed {
            self.h_run.next = 1.into();
        }
        self.h_fetch_after.next = bit_cast::<64, 16>((self.h_rec.q.val().fetch + 1) & self.ring_mask_h.val())
            | (bit_cast::<64, 16>((self.h_rec.q.val().fetch + 2) & self.ring_mask_h.val()) << 16)
            | (bit_cast::<64, 16>((self.h_rec.q.val().fetch + 3) & self.ring_mask_h.val()) << 32)
            | (bit_cast::<64, 16>((self.h_rec.q.val().fetch + 4) & self.ring_mask_h.val()) << 48);
        self.wa_h.next = self.h_rec.q.val().base + (bit_cast::<64, 16>(self.h_rec.q.val().cidx) << 4) + 8;
        self.fa_c.next = self.c_rec.q.val().base + (bit_cast::<64, 16>(self.c_rec.q.val().cidx) << 4);
        self.wa_c.next = self.c_rec.q.val().base + (bit_cast::<64, 16>(self.c_rec.q.val().cidx) << 4) + 8;
        self.c_nidx.next = (self.c_rec.q.val().cidx + 1) & self.ring_mask_c.val();
        self.c_npost.next = self.c_nidx.val() != self.c_rec.q.val().pidx;
        // The C2H run-ahead. Its next read is planned in the buffer
        // operation's first step, for its second (the ring's records, PIDX
        // among them, stay off the path into the run-ahead's indices): at
        // its next index if it hands its head now (it stays the
        // function's), else after CIDX (it is dropped now and may be taken
        // then, empty). (A request of the buffer after CIDX that it cannot
        // serve ends in the first step.)
        self.run_ahead.clk.next = self.clk.val();
        self.run_ahead.rst.next = self.rst.val();
        self.ahead_fn_q.d.next = self.run_ahead.owner.val() == self.fn_next.val();
        self.ahead_mine.next = self.run_ahead.on.val() & self.ahead_fn_q.q.val();
        self.ahead_hit.next = self.ahead_mine.val()
            & (self.run_ahead.held.val() != 0)
            & (self.run_ahead.head.val() == self.c_rec.q.val().cidx);
        // (Its head is the one after CIDX: the one before it is at CIDX.)
        self.ahead_hit_nx.next = self.ahead_mine.val()
            & (self.run_ahead.held.val() != 0)
            & (((self.run_ahead.head.val() - 1) & self.ring_mask_c.val()) == self.c_rec.q.val().cidx);
        self.ahead_claim_ok.next = self.run_ahead.claim_ok.val();
        self.run_ahead.handed.next = self.ahead_handed.val();
        self.c_hit.next = self.ahead_hit.val();
        if self.ahead_next.val() {
            self.c_hit.next = self.ahead_hit_nx.val();
        }
        self.c_ai.next = self.c_nidx.val();
        if self.c_hit.val() {
            self.c_ai.next = self.run_ahead.next_index.val();
        }
        self.c_ring_run.base_lane.next = self.c_base.val().get_bits::<2>(4);
        self.c_ring_run.idx_lane.next = self.run_ahead.next_index.val().get_bits::<2>(0);
        self.c_ring_run.avail.next = (self.c_rec.q.val().pidx - self.run_ahead.next_index.val()) & self.ring_mask_c.val();
        // (Posted after CIDX: PIDX - CIDX - 1, one adder.)
        self.cn_ring_run.base_lane.next = self.c_base.val().get_bits::<2>(4);
        self.cn_ring_run.idx_lane.next = self.c_nidx.val().get_bits::<2>(0);
        self.cn_ring_run.avail.next = (self.c_rec.q.val().pidx + !self.c_rec.q.val().cidx) & self.ring_mask_c.val();
        // Room after the hand; after CIDX the run-ahead is empty (dropped
        // now, or free), room for any read.
        self.c_room.next = self.run_ahead.room.val() + 1;
        if self.ahead_plan.val() {
            self.plan_index.d.next = self.c_ai.val();
            self.plan_n.d.next = self.cn_ring_run.run.val();
            if self.c_hit.val() {
                self.plan_n.d.next = self.c_ring_run.run.val();
                if bit_cast::<7, 3>(self.c_ring_run.run.val()) > self.c_room.val() {
                    self.plan_n.d.next = 0.into();
                }
            }
        }
        self.ahead_take_n.next = self.plan_n.q.val();
        self.ahead_no_read.next = (self.run_ahead.room.val() < 3) & !self.c_rec.q.val().pf;
        self.run_ahead.claim.next = self.ahead_read.val() & !self.ahead_mine.val();
        self.run_ahead.claim_fn.next = self.fn_cur.val();
        self.run_ahead.claim_index.next = self.plan_index.q.val();
        self.run_ahead.issue.next = self.ahead_read.val();
        self.run_ahead.issue_n.next = self.plan_n.q.val();
        self.run_ahead.ring_mask.next = self.ring_mask_c.val();
        self.run_ahead.hand.next = self.ahead_hand.val();
        self.run_ahead.drop.next = self.ahead_drop.val();
        self.run_ahead.arrive.next = self.ahead_arrive.val();
        self.run_ahead.arrive_buf.next = self.ahead_arrive_buf.val();
        self.ahead_buf_valid.next = self.run_ahead.buf_valid.val();
        self.ahead_buf.next = self.run_ahead.buf_desc.val();
        self.fa_cn.next = self.c_rec.q.val().base + (bit_cast::<64, 16>(self.c_nidx.val()) << 4);
        self.fa_ca.next = self.c_rec.q.val().base + (bit_cast::<64, 16>(self.plan_index.q.val()) << 4);
        self.s_hit.next = self.s_rec.q.val().seq == self.c_rec.q.val().seq;
        self.s_buf.next.addr = self.s_rec.q.val().addr;
        self.s_buf.next.len = self.s_rec.q.val().len;
        self.s_buf.next.irq = self.s_rec.q.val().irq;
        self.s_buf.next.err = self.s_rec.q.val().err;

        // ---- RAM writes: clearing after reset, else the control engine's updates.
        self.h2c_ring.write_address.next = self.fn_cur.val();
        self.c2h_ring.write_address.next = self.fn_cur.val();
        self.fn_state.write_address.next = self.fn_cur.val();
        self.h2c_ring.write_data.next = self.nh.val();
        self.c2h_ring.write_data.next = self.nc.val();
        self.fn_state.write_data.next = self.nf.val();
        self.h2c_ring.write_enable.next = self.h_we.val();
        self.c2h_ring.write_enable.next = self.c_we.val();
        self.fn_state.write_enable.next = self.f_we.val();
        self.c_slot.write_address.next = self.slot_function.val();
        self.c_slot.write_data.next = self.slot.val();
        self.c_slot.write_enable.next = self.slot_write.val();
        self.enable_ram.write_address.next = self.fn_cur.val();
        self.enable_ram.write_data.next = bit_cast::<1, 1>(self.en_open.val().into());
        self.enable_ram.write_enable.next = self.en_we.val();
        self.weight_ram.write_address.next = self.qos_in.m_data.val().get_bits::<FW>(0);
        self.weight_ram.write_data.next = self.qos_in.m_data.val().get_bits::<8>(11);
        self.weight_ram.write_enable.next = self.qos_in.m_valid.val() & (self.qos_in.m_data.val().get_bits::<FW>(0) <= self.last_function.val());
        if self.clear.val() {
            // Cleared after reset: every record to zero, weights to 1. (No
            // read is in flight yet: the prefetch slots are free to clear; a
            // slot kept over a reset could match a new prefetch's number.)
            self.h2c_ring.write_address.next = self.clear_addr.val();
            self.c2h_ring.write_address.next = self.clear_addr.val();
            self.c_slot.write_address.next = self.clear_addr.val();
            self.fn_state.write_address.next = self.clear_addr.val();
            self.enable_ram.write_address.next = self.clear_addr.val();
            self.weight_ram.write_address.next = self.clear_addr.val();
            self.h2c_ring.write_data.next.base = 0.into();
            self.h2c_ring.write_data.next.log2 = 0.into();
            self.h2c_ring.write_data.next.pidx = 0.into();
            self.h2c_ring.write_data.next.cidx = 0.into();
            self.h2c_ring.write_data.next.fetch = 0.into();
            self.c2h_ring.write_data.next.base = 0.into();
            self.c2h_ring.write_data.next.log2 = 0.into();
            self.c2h_ring.write_data.next.pidx = 0.into();
            self.c2h_ring.write_data.next.cidx = 0.into();
            self.c2h_ring.write_data.next.pf = false;
            self.c2h_ring.write_data.next.seq = 0.into();
            self.fn_state.write_data.next.run = 0.into();
            self.fn_state.write_data.next.err = 0.into();
            self.fn_state.write_data.next.mask = 0.into();
            self.fn_state.write_data.next.stat = 0.into();
            self.fn_state.write_data.next.gen = false;
            self.fn_state.write_data.next.closed = false;
            self.fn_state.write_data.next.parked = false;
            self.fn_state.write_data.next.pend = 0.into();
            self.fn_state.write_data.next.queued = false;
            self.c_slot.write_data.next.addr = 0.into();
            self.c_slot.write_data.next.len = 0.into();
            self.c_slot.write_data.next.irq = false;
            self.c_slot.write_data.next.err = false;
            self.c_slot.write_data.next.seq = 0.into();
            self.enable_ram.write_data.next = 0.into();
            self.weight_ram.write_data.next = 1.into();
            self.h2c_ring.write_enable.next = true;
            self.c2h_ring.write_enable.next = true;
            self.c_slot.write_enable.next = true;
            self.fn_state.write_enable.next = true;
            self.enable_ram.write_enable.next = true;
            self.weight_ram.write_enable.next = true;
        }

        // ---- Register access, decoded as it is taken: which register; a
        // function beyond the last one, or a partial write, is refused and
        // changes nothing (regmap.md).
        self.req_addr.next = self.reg_in.m_data.val().get_bits::<OW>(12);
        self.decode.addr.next = self.req_addr.val();
        if self.req_take.val() {
            self.r_write_q.d.next = self.reg_in.m_data.val().get_bit(0);
            self.r_sel.d.next = self.decode.sel.val();
            self.r_wdata.d.next = self.reg_in.m_data.val().get_bits::<32>(24);
            self.r_hit.d.next = (self.decode.sel.val() != RegSel::None)
                & (self.reg_in.m_data.val().get_bits::<FW>(1) <= self.last_function.val())
                & !(self.reg_in.m_data.val().get_bit(0) & (self.reg_in.m_data.val().get_bits::<4>(56) != 0xf));
            self.r_ro.d.next = self.decode.ro.val();
        }
        self.r_write.next = self.r_write_q.q.val();
        self.r_ctrl.next = self.r_sel.q.val() == RegSel::Ctrl;

        // The old value of the addressed register: the read answer.
        self.old_word.next = 0.into();
        match self.r_sel.q.val() {
            RegSel::None => {}
            RegSel::Id => self.old_word.next = self.dma_id.val(),
            RegSel::Version => self.old_word.next = self.dma_version.val(),
            RegSel::Ctrl => self.old_word.next = bit_cast::<32, 2>(self.f_rec.q.val().run),
            RegSel::Status => self.old_word.next = bit_cast::<32, 4>(self.f_rec.q.val().err),
            RegSel::HBaseLo => self.old_word.next = self.h_base.val().get_bits::<32>(0),
            RegSel::HBaseHi => self.old_word.next = self.h_base.val().get_bits::<32>(32),
            RegSel::HSize => self.old_word.next = bit_cast::<32, 4>(self.h_rec.q.val().log2),
            RegSel::HPidx => self.old_word.next = bit_cast::<32, 16>(self.h_rec.q.val().pidx),
            RegSel::HCidx => self.old_word.next = bit_cast::<32, 16>(self.h_rec.q.val().cidx),
            RegSel::CBaseLo => self.old_word.next = self.c_base.val().get_bits::<32>(0),
            RegSel::CBaseHi => self.old_word.next = self.c_base.val().get_bits::<32>(32),
            RegSel::CSize => self.old_word.next = bit_cast::<32, 4>(self.c_rec.q.val().log2),
            RegSel::CPidx => self.old_word.next = bit_cast::<32, 16>(self.c_rec.q.val().pidx),
            RegSel::CCidx => self.old_word.next = bit_cast::<32, 16>(self.c_rec.q.val().cidx),
            RegSel::IrqMask => self.old_word.next = bit_cast::<32, 3>(self.f_rec.q.val().mask),
            RegSel::IrqStatus => self.old_word.next = bit_cast::<32, 3>(self.f_rec.q.val().stat),
            RegSel::Weight => self.old_word.next = bit_cast::<32, 8>(self.weight.val()),
        }
        self.resp_v.d.next = false;
        if self.answer.val() {
            self.resp_v.d.next = true;
            self.resp_data.d.next = 0.into();
            self.resp_err.d.next = !self.r_hit.q.val() | (self.r_write_q.q.val() & self.r_ro.q.val());
            if !self.r_write_q.q.val() & self.r_hit.q.val() {
                self.resp_data.d.next = self.old_word.val();
            }
        }

        // What an accepted write leaves (an accepted write has every strobe:
        // the new word is the written one).
        self.wr_ok.next = self.r_write_q.q.val() & self.r_hit.q.val() & !self.r_ro.q.val();
        self.w1c.next = self.r_wdata.q.val().get_bits::<3>(0);
        self.l_w_nh.next = self.h_rec.q.val();
        self.l_w_nc.next = self.c_rec.q.val();
        self.l_w_nf.next = self.f_rec.q.val();
        self.l_w_h.next = false;
        self.l_w_c.next = false;
        self.l_w_f.next = false;
        self.l_w_reset.next = false;
        self.l_w_irq.next = false;
        self.l_w_park.next = false;
        self.l_w_cpf.next = false;
        self.l_w_cring.next = false;
        if self.wr_ok.val() {
            match self.r_sel.q.val() {
                RegSel::Ctrl => {
                    self.l_w_nf.next.run = self.r_wdata.q.val().get_bits::<2>(0);
                    self.l_w_f.next = true;
                    // Queue reset of this function alone: a new generation.
                    self.l_w_reset.next = self.r_wdata.q.val().get_bit(2);
                }
                RegSel::HBaseLo => {
                    self.l_w_nh.next.base = (self.h_rec.q.val().base & 0xffffffff00000000_u64) | bit_cast::<64, 32>(self.r_wdata.q.val());
                    self.l_w_h.next = true;
                }
                RegSel::HBaseHi => {
                    self.l_w_nh.next.base = (self.h_rec.q.val().base & 0xffffffff_u64) | (bit_cast::<64, 32>(self.r_wdata.q.val()) << 32);
                    self.l_w_h.next = true;
                }
                RegSel::HSize => {
                    self.l_w_nh.next.log2 = self.r_wdata.q.val().get_bits::<4>(0);
                    self.l_w_h.next = true;
                }
                RegSel::HPidx => {
                    self.l_w_nh.next.pidx = self.r_wdata.q.val().get_bits::<16>(0);
                    self.l_w_h.next = true;
                    // A doorbell of a closed function: it waits for its gate.
                    self.l_w_park.next = self.f_rec.q.val().closed
                        & !self.f_rec.q.val().parked
                        & self.h_live.val()
                        & (self.r_wdata.q.val().get_bits::<16>(0) != self.h_rec.q.val().fetch);
                }
                RegSel::CBaseLo => {
                    self.l_w_nc.next.base = (self.c_rec.q.val().base & 0xffffffff00000000_u64) | bit_cast::<64, 32>(self.r_wdata.q.val());
                    self.l_w_nc.next.pf = false;
                    self.l_w_cring.next = true;
                    self.l_w_c.next = true;
                }
                RegSel::CBaseHi => {
                    self.l_w_nc.next.base = (self.c_rec.q.val().base & 0xffffffff_u64) | (bit_cast::<64, 32>(self.r_wdata.q.val()) << 32);
                    self.l_w_nc.next.pf = false;
                    self.l_w_cring.next = true;
                    self.l_w_c.next = true;
                }
                RegSel::CSize => {
                    self.l_w_nc.next.log2 = self.r_wdata.q.val().get_bits::<4>(0);
                    self.l_w_nc.next.pf = false;
                    self.l_w_cring.next = true;
                    self.l_w_c.next = true;
                }
                RegSel::CPidx => {
                    self.l_w_nc.next.pidx = self.r_wdata.q.val().get_bits::<16>(0);
                    self.l_w_c.next = true;
                    // (An empty ring holds no buffer handed to the C2H engine:
                    // the next one is at CIDX.)
                    self.l_w_cpf.next = self.c_live.val()
                        & !self.c_bad.val()
                        & (self.c_rec.q.val().pidx == self.c_rec.q.val().cidx)
                        & (self.r_wdata.q.val().get_bits::<16>(0) != self.c_rec.q.val().cidx)
                        & (self.r_wdata.q.val().get_bits::<16>(0) <= self.ring_mask_c.val());
                }
                RegSel::IrqMask => {
                    // Unmasking a pending source queues its interrupt.
                    self.l_w_nf.next.mask = self.r_wdata.q.val().get_bits::<3>(0);
                    self.l_w_f.next = true;
                    self.l_w_irq.next = (self.f_rec.q.val().pend & !self.r_wdata.q.val().get_bits::<3>(0)) != 0;
                }
                RegSel::IrqStatus => {
                    self.l_w_nf.next.stat = self.f_rec.q.val().stat & !self.w1c.val();
                    self.l_w_nf.next.pend = self.f_rec.q.val().pend & !self.w1c.val();
                    self.l_w_f.next = true;
                }
                _ => {}
            }
        }
        // The outputs once each, from the locals above (see `banks.rs`: an
        // output assigned twice in one pass wakes the control engine's block).
        self.w_nh.next = self.l_w_nh.val();
        self.w_nc.next = self.l_w_nc.val();
        self.w_nf.next = self.l_w_nf.val();
        self.w_h.next = self.l_w_h.val();
        self.w_c.next = self.l_w_c.val();
        self.w_f.next = self.l_w_f.val();
        self.w_reset.next = self.l_w_reset.val();
        self.w_irq.next = self.l_w_irq.val();
        self.w_park.next = self.l_w_park.val();
        self.w_cpf.next = self.l_w_cpf.val();
        self.w_cring.next = self.l_w_cring.val();

        if self.rst.val() {
            self.resp_v.d.next = false;
        }
    }
}
