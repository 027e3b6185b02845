//! `prc`: the partial-reconfiguration controller.
//!
//! LOAD(acc, partition) on `s_load_*`:
//! 1. look up a valid bitstream slot for (acc, partition) (registered by the PF
//!    in the prc's window, `regs.rs`); none, a bad partition or a bad length
//!    end the LOAD at once with an error status and change nothing;
//! 2. decouple the partition and wait until its wrapper reports it isolated
//!    (drained, or forced after the wrapper's drain limit);
//! 3. hold the RM in reset, read the bitstream from host memory through
//!    `m_axi_prc_*` (INCR bursts of up to 256 words, split at 4 KiB
//!    boundaries, issued back to back; `rready` is always high because the
//!    configuration port takes one word per cycle and never stalls) and send
//!    each word to the configuration port as it arrives;
//! 4. wait for the port's `icap_prdone` or `icap_prerror` (at most
//!    [`DONE_WAIT`] cycles), then check the `acc_id` the new RM reports;
//! 5. on success: release the RM's reset, recouple, and answer OK on
//!    `m_load_done_*`. On any failure after step 2 the partition stays
//!    decoupled and in reset, marked failed, and the status says why; other
//!    partitions are never touched. A new LOAD may target it again.
//!
//! Configuration-port word order: ICAPE3 wants each 32-bit word of the
//! bitstream file (big-endian in the `.bin`) with the bits of every byte
//! reversed (the SelectMAP "bit swap"). A little-endian host read of file bytes
//! b0 b1 b2 b3 gives `rdata = {b3,b2,b1,b0}`; ICAP needs
//! `{rev(b0),rev(b1),rev(b2),rev(b3)}`, which is `rdata` with its 32 bits
//! reversed. So the sync word, bytes AA 99 55 66 in the file, reaches ICAP as
//! 0x5599AA66.
//!
//! Timing (DESIGN.md, timing rules): every output comes from a register and
//! no input reaches an output within a cycle. A LOAD is taken into registers
//! and looked up in the slot table in the next two cycles (`state` 8: slot
//! match into registers; 9: the checks); each read burst is planned one cycle
//! ahead (`ar_plan`: its length, min(256, words left, words to the 4 KiB
//! boundary), in `burst_q`) and issued from the AR registers, so the address
//! and length arithmetic never meets the LOAD or the AR handshake in one
//! cycle. The per-partition `acc_id` table's read data is registered
//! (`loaded_acc_q`); the register bus waits three cycles after it changes.
//!
//! The prc must run at a clock the configuration port accepts (ICAPE3: up to
//! 200 MHz); it has no clock-domain crossing of its own.

use crate::regbus::{RegBusSlave, REG_ADDR_BITS};
use crate::{MAX_PARTITIONS, PARTITION_ID_BITS as PW};
use rust_hdl::prelude::*;

pub mod icap_model;
pub mod regs;

use crate::axi::AxiReadMaster;
use regs::{offset, status_code, SLOTS, SLOT_STRIDE};

/// Cycles the prc waits for the configuration port's done/error after the
/// last word (fits `wait_count`, 12 bits).
pub const DONE_WAIT: u64 = 2048;
/// Cycles between the reset release and the recoupling.
pub const RELEASE_WAIT: u64 = 2;


#[derive(LogicBlock)]
pub struct Prc {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// Register accesses to the prc's region of the PF window.
    pub s_reg: RegBusSlave,
    /// LOAD(acc, partition) from the manager.
    pub s_load_valid: Signal<In, Bit>,
    pub s_load_ready: Signal<Out, Bit>,
    pub s_load_partition: Signal<In, Bits<PW>>,
    pub s_load_acc_id: Signal<In, Bits<32>>,
    /// End of a LOAD: one cycle, status 0 = OK (`regs::STATUS_CODES`).
    pub m_load_done_valid: Signal<Out, Bit>,
    pub m_load_done_partition: Signal<Out, Bits<PW>>,
    pub m_load_done_status: Signal<Out, Bits<4>>,
    /// Bitstream reads from host memory, 32-bit data (PF-owned buffers: `aruser` = 0).
    pub m_axi_prc: AxiReadMaster<32>,
    /// To the configuration port, one word per cycle, in ICAP bit order.
    pub m_icap_valid: Signal<Out, Bit>,
    pub m_icap_data: Signal<Out, Bits<32>>,
    /// From the configuration port (ICAPE3 PRDONE / PRERROR).
    pub icap_prdone: Signal<In, Bit>,
    pub icap_prerror: Signal<In, Bit>,
    /// Per partition: decouple and RM reset (to the wrapper), and its status.
    pub decouple_p: Vec<Signal<Out, Bit>>,
    pub rm_reset_p: Vec<Signal<Out, Bit>>,
    pub part_decoupled_p: Vec<Signal<In, Bit>>,
    pub part_forced_p: Vec<Signal<In, Bit>>,
    pub part_acc_id_p: Vec<Signal<In, Bits<32>>>,

    // Configuration and register offsets, as constants.
    last_partition: Constant<Bits<PW>>,
    info: Constant<Bits<32>>,
    part_index: Vec<Constant<Bits<PW>>>,
    off_info: Constant<Bits<REG_ADDR_BITS>>,
    off_status: Constant<Bits<REG_ADDR_BITS>>,
    off_part_sel: Constant<Bits<REG_ADDR_BITS>>,
    off_part_status: Constant<Bits<REG_ADDR_BITS>>,
    off_part_acc_id: Constant<Bits<REG_ADDR_BITS>>,
    off_load_count: Constant<Bits<REG_ADDR_BITS>>,
    off_fail_count: Constant<Bits<REG_ADDR_BITS>>,
    off_slot_acc: Vec<Constant<Bits<REG_ADDR_BITS>>>,
    off_slot_target: Vec<Constant<Bits<REG_ADDR_BITS>>>,
    off_slot_lo: Vec<Constant<Bits<REG_ADDR_BITS>>>,
    off_slot_hi: Vec<Constant<Bits<REG_ADDR_BITS>>>,
    off_slot_len: Vec<Constant<Bits<REG_ADDR_BITS>>>,
    st_bad_partition: Constant<Bits<4>>,
    st_no_bitstream: Constant<Bits<4>>,
    st_bad_length: Constant<Bits<4>>,
    st_host_error: Constant<Bits<4>>,
    st_bitstream_error: Constant<Bits<4>>,
    st_no_response: Constant<Bits<4>>,
    st_wrong_accelerator: Constant<Bits<4>>,
    done_wait: Constant<Bits<12>>,
    release_wait: Constant<Bits<12>>,
    /// One entry per data bit (loop bound of the bit reversal).
    bit_steps: Vec<Constant<Bit>>,
    /// Defined bits of slot_target: valid (31) and partition (5:0).
    target_mask: Constant<Bits<32>>,

    // Bitstream slots.
    slot_acc: Vec<DFF<Bits<32>>>,
    slot_target: Vec<DFF<Bits<32>>>,
    slot_lo: Vec<DFF<Bits<32>>>,
    slot_hi: Vec<DFF<Bits<32>>>,
    slot_len: Vec<DFF<Bits<32>>>,

    // Per-partition state.
    decouple_r: Vec<DFF<Bit>>,
    reset_r: Vec<DFF<Bit>>,
    failed_r: Vec<DFF<Bit>>,
    loaded_r: Vec<DFF<Bit>>,
    loaded_acc: RAM<Bits<32>, PW>,

    loaded_acc_q: DFF<Bits<32>>,
    /// Register accesses wait while `loaded_acc_q` catches up with a change.
    sel_wait: DFF<Bits<2>>,

    // LOAD sequencer.
    state: DFF<Bits<4>>,
    /// Slot lookup of the LOAD taken (state 8 -> 9).
    lk_found: DFF<Bit>,
    lk_lo: DFF<Bits<32>>,
    lk_hi: DFF<Bits<32>>,
    lk_len: DFF<Bits<32>>,
    /// Read bursts: the next one's length is planned (`burst_q`), then issued.
    ar_plan: DFF<Bit>,
    burst_q: DFF<Bits<9>>,
    ar_valid: DFF<Bit>,
    ar_addr: DFF<Bits<64>>,
    ar_len: DFF<Bits<8>>,
    cur_part: DFF<Bits<PW>>,
    cur_acc: DFF<Bits<32>>,
    rd_addr: DFF<Bits<64>>,
    ar_left: DFF<Bits<30>>,
    outstanding: DFF<Bits<16>>,
    host_err: DFF<Bit>,
    got_done: DFF<Bit>,
    got_err: DFF<Bit>,
    wait_count: DFF<Bits<12>>,
    result: DFF<Bits<4>>,
    icap_valid: DFF<Bit>,
    icap_data: DFF<Bits<32>>,
    done_valid: DFF<Bit>,
    done_part: DFF<Bits<PW>>,
    done_status: DFF<Bits<4>>,

    // Registers seen by software.
    part_sel: DFF<Bits<PW>>,
    load_count: DFF<Bits<32>>,
    fail_count: DFF<Bits<32>>,
    last_status: DFF<Bits<4>>,
    last_part: DFF<Bits<PW>>,
    resp_valid: DFF<Bit>,
    resp_rdata: DFF<Bits<32>>,
    resp_error: DFF<Bit>,

    // Temporaries.
    found: Signal<Local, Bit>,
    found_lo: Signal<Local, Bits<32>>,
    found_hi: Signal<Local, Bits<32>>,
    found_len: Signal<Local, Bits<32>>,
    cur_decoupled: Signal<Local, Bit>,
    cur_acc_now: Signal<Local, Bits<32>>,
    sel_decoupled: Signal<Local, Bit>,
    sel_forced: Signal<Local, Bit>,
    sel_failed: Signal<Local, Bit>,
    sel_loaded: Signal<Local, Bit>,
    to_boundary: Signal<Local, Bits<30>>,
    burst: Signal<Local, Bits<30>>,
    rev: Signal<Local, Bits<32>>,
    rtmp: Signal<Local, Bits<32>>,
    req: Signal<Local, Bit>,
    wr: Signal<Local, Bit>,
    hit: Signal<Local, Bit>,
    bad: Signal<Local, Bit>,
    rdata: Signal<Local, Bits<32>>,
    load_ok: Signal<Local, Bit>,
    ar_issue: Signal<Local, Bit>,
}

fn off(o: u32) -> Constant<Bits<REG_ADDR_BITS>> {
    Constant::new((o as u64).into())
}

fn st(name: &str) -> Constant<Bits<4>> {
    Constant::new((status_code(name) as u64).into())
}

impl Prc {
    /// A prc for `partitions` partitions.
    pub fn new(partitions: usize) -> Self {
        assert!((1..=MAX_PARTITIONS).contains(&partitions), "partitions out of range");
        let slot_offs = |name: &str| -> Vec<Constant<Bits<REG_ADDR_BITS>>> {
            (0..SLOTS).map(|k| off(offset(name) + k as u32 * SLOT_STRIDE)).collect()
        };
        // What `info` reads: its documented reset value (regs.rs).
        let info = regs::prc_regs(partitions)
            .registers
            .iter()
            .find(|r| r.name == "info")
            .map_or(0, |r| r.reset_word(0) as u64);
        Self {
            clk: Default::default(),
            rst: Default::default(),
            s_reg: Default::default(),
            s_load_valid: Default::default(),
            s_load_ready: Default::default(),
            s_load_partition: Default::default(),
            s_load_acc_id: Default::default(),
            m_load_done_valid: Default::default(),
            m_load_done_partition: Default::default(),
            m_load_done_status: Default::default(),
            m_axi_prc: Default::default(),
            m_icap_valid: Default::default(),
            m_icap_data: Default::default(),
            icap_prdone: Default::default(),
            icap_prerror: Default::default(),
            decouple_p: (0..partitions).map(|_| Default::default()).collect(),
            rm_reset_p: (0..partitions).map(|_| Default::default()).collect(),
            part_decoupled_p: (0..partitions).map(|_| Default::default()).collect(),
            part_forced_p: (0..partitions).map(|_| Default::default()).collect(),
            part_acc_id_p: (0..partitions).map(|_| Default::default()).collect(),
            last_partition: Constant::new(((partitions - 1) as u64).into()),
            info: Constant::new(info.into()),
            part_index: (0..partitions).map(|i| Constant::new((i as u64).into())).collect(),
            off_info: off(offset("info")),
            off_status: off(offset("status")),
            off_part_sel: off(offset("part_sel")),
            off_part_status: off(offset("part_status")),
            off_part_acc_id: off(offset("part_acc_id")),
            off_load_count: off(offset("load_count")),
            off_fail_count: off(offset("fail_count")),
            off_slot_acc: slot_offs("slot_acc_id"),
            off_slot_target: slot_offs("slot_target"),
            off_slot_lo: slot_offs("slot_addr_lo"),
            off_slot_hi: slot_offs("slot_addr_hi"),
            off_slot_len: slot_offs("slot_length"),
            st_bad_partition: st("BAD_PARTITION"),
            st_no_bitstream: st("NO_BITSTREAM"),
            st_bad_length: st("BAD_LENGTH"),
            st_host_error: st("HOST_ERROR"),
            st_bitstream_error: st("BITSTREAM_ERROR"),
            st_no_response: st("NO_RESPONSE"),
            st_wrong_accelerator: st("WRONG_ACCELERATOR"),
            done_wait: Constant::new(DONE_WAIT.into()),
            release_wait: Constant::new(RELEASE_WAIT.into()),
            bit_steps: (0..32).map(|_| Constant::new(true)).collect(),
            target_mask: Constant::new(0x8000_003Fu64.into()),
            slot_acc: (0..SLOTS).map(|_| Default::default()).collect(),
            slot_target: (0..SLOTS).map(|_| Default::default()).collect(),
            slot_lo: (0..SLOTS).map(|_| Default::default()).collect(),
            slot_hi: (0..SLOTS).map(|_| Default::default()).collect(),
            slot_len: (0..SLOTS).map(|_| Default::default()).collect(),
            decouple_r: (0..partitions).map(|_| Default::default()).collect(),
            reset_r: (0..partitions).map(|_| Default::default()).collect(),
            failed_r: (0..partitions).map(|_| Default::default()).collect(),
            loaded_r: (0..partitions).map(|_| Default::default()).collect(),
            loaded_acc: Default::default(),
            loaded_acc_q: Default::default(),
            sel_wait: Default::default(),
            state: Default::default(),
            lk_found: Default::default(),
            lk_lo: Default::default(),
            lk_hi: Default::default(),
            lk_len: Default::default(),
            ar_plan: Default::default(),
            burst_q: Default::default(),
            ar_valid: Default::default(),
            ar_addr: Default::default(),
            ar_len: Default::default(),
            cur_part: Default::default(),
            cur_acc: Default::default(),
            rd_addr: Default::default(),
            ar_left: Default::default(),
            outstanding: Default::default(),
            host_err: Default::default(),
            got_done: Default::default(),
            got_err: Default::default(),
            wait_count: Default::default(),
            result: Default::default(),
            icap_valid: Default::default(),
            icap_data: Default::default(),
            done_valid: Default::default(),
            done_part: Default::default(),
            done_status: Default::default(),
            part_sel: Default::default(),
            load_count: Default::default(),
            fail_count: Default::default(),
            last_status: Default::default(),
            last_part: Default::default(),
            resp_valid: Default::default(),
            resp_rdata: Default::default(),
            resp_error: Default::default(),
            found: Default::default(),
            found_lo: Default::default(),
            found_hi: Default::default(),
            found_len: Default::default(),
            cur_decoupled: Default::default(),
            cur_acc_now: Default::default(),
            sel_decoupled: Default::default(),
            sel_forced: Default::default(),
            sel_failed: Default::default(),
            sel_loaded: Default::default(),
            to_boundary: Default::default(),
            burst: Default::default(),
            rev: Default::default(),
            rtmp: Default::default(),
            req: Default::default(),
            wr: Default::default(),
            hit: Default::default(),
            bad: Default::default(),
            rdata: Default::default(),
            load_ok: Default::default(),
            ar_issue: Default::default(),
        }
    }
}

impl Logic for Prc {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clk, state, cur_part, cur_acc, rd_addr, ar_left, outstanding, host_err, got_done,
            got_err, wait_count, result, icap_valid, icap_data, done_valid, done_part, done_status,
            part_sel, load_count, fail_count, last_status, last_part, resp_valid, resp_rdata, resp_error,
            loaded_acc_q, sel_wait, lk_found, lk_lo, lk_hi, lk_len, ar_plan, burst_q, ar_valid, ar_addr,
            ar_len
        );
        for k in 0..self.slot_acc.len() {
            self.slot_acc[k].clock.next = self.clk.val();
            self.slot_acc[k].d.next = self.slot_acc[k].q.val();
            self.slot_target[k].clock.next = self.clk.val();
            self.slot_target[k].d.next = self.slot_target[k].q.val();
            self.slot_lo[k].clock.next = self.clk.val();
            self.slot_lo[k].d.next = self.slot_lo[k].q.val();
            self.slot_hi[k].clock.next = self.clk.val();
            self.slot_hi[k].d.next = self.slot_hi[k].q.val();
            self.slot_len[k].clock.next = self.clk.val();
            self.slot_len[k].d.next = self.slot_len[k].q.val();
        }
        for i in 0..self.decouple_r.len() {
            self.decouple_r[i].clock.next = self.clk.val();
            self.decouple_r[i].d.next = self.decouple_r[i].q.val();
            self.reset_r[i].clock.next = self.clk.val();
            self.reset_r[i].d.next = self.reset_r[i].q.val();
            self.failed_r[i].clock.next = self.clk.val();
            self.failed_r[i].d.next = self.failed_r[i].q.val();
            self.loaded_r[i].clock.next = self.clk.val();
            self.loaded_r[i].d.next = self.loaded_r[i].q.val();
            self.decouple_p[i].next = self.decouple_r[i].q.val();
            self.rm_reset_p[i].next = self.reset_r[i].q.val();
        }
        self.loaded_acc.read_clock.next = self.clk.val();
        self.loaded_acc.write_clock.next = self.clk.val();
        self.loaded_acc.read_address.next = self.part_sel.q.val();
        self.loaded_acc.write_address.next = self.cur_part.q.val();
        self.loaded_acc.write_data.next = self.cur_acc.q.val();
        self.loaded_acc.write_enable.next = false;
        self.loaded_acc_q.d.next = self.loaded_acc.read_data.val();
        if self.sel_wait.q.val().any() {
            self.sel_wait.d.next = self.sel_wait.q.val() - 1;
        }

        // ---- The partition being loaded and the one software selected.
        self.cur_decoupled.next = false;
        self.cur_acc_now.next = 0.into();
        self.sel_decoupled.next = false;
        self.sel_forced.next = false;
        self.sel_failed.next = false;
        self.sel_loaded.next = false;
        for i in 0..self.part_index.len() {
            if self.cur_part.q.val() == self.part_index[i].val() {
                self.cur_decoupled.next = self.part_decoupled_p[i].val();
                self.cur_acc_now.next = self.part_acc_id_p[i].val();
            }
            if self.part_sel.q.val() == self.part_index[i].val() {
                self.sel_decoupled.next = self.part_decoupled_p[i].val();
                self.sel_forced.next = self.part_forced_p[i].val();
                self.sel_failed.next = self.failed_r[i].q.val();
                self.sel_loaded.next = self.loaded_r[i].q.val();
            }
        }

        // ---- Slot lookup for the LOAD taken (first valid match wins).
        self.found.next = false;
        self.found_lo.next = 0.into();
        self.found_hi.next = 0.into();
        self.found_len.next = 0.into();
        for k in 0..self.slot_acc.len() {
            if !self.found.val()
                & self.slot_target[k].q.val().get_bit(31)
                & (self.slot_acc[k].q.val() == self.cur_acc.q.val())
                & (self.slot_target[k].q.val().get_bits::<PW>(0) == self.cur_part.q.val())
            {
                self.found.next = true;
                self.found_lo.next = self.slot_lo[k].q.val();
                self.found_hi.next = self.slot_hi[k].q.val();
                self.found_len.next = self.slot_len[k].q.val();
            }
        }

        // ---- Host reads: bursts of min(256, words left, words to the 4 KiB
        // boundary), planned one cycle before they are issued.
        self.to_boundary.next = 1024 - bit_cast::<30, 10>(self.rd_addr.q.val().get_bits::<10>(2));
        self.burst.next = 256.into();
        if self.ar_left.q.val() < self.burst.val() {
            self.burst.next = self.ar_left.q.val();
        }
        if self.to_boundary.val() < self.burst.val() {
            self.burst.next = self.to_boundary.val();
        }
        if (self.state.q.val() == 2) & !self.ar_plan.q.val() & self.ar_left.q.val().any() {
            self.burst_q.d.next = self.burst.val().get_bits::<9>(0);
            self.ar_plan.d.next = true;
        }
        self.ar_issue.next = self.ar_plan.q.val() & (!self.ar_valid.q.val() | self.m_axi_prc.arready.val());
        if self.ar_issue.val() {
            self.ar_valid.d.next = true;
            self.ar_addr.d.next = self.rd_addr.q.val();
            // burst_q <= 256: its low 8 bits minus one are the AXI length.
            self.ar_len.d.next = self.burst_q.q.val().get_bits::<8>(0) - 1;
            self.rd_addr.d.next = self.rd_addr.q.val() + (bit_cast::<64, 9>(self.burst_q.q.val()) << 2);
            self.ar_left.d.next = self.ar_left.q.val() - bit_cast::<30, 9>(self.burst_q.q.val());
            self.ar_plan.d.next = false;
        } else if self.m_axi_prc.arready.val() {
            self.ar_valid.d.next = false;
        }
        self.m_axi_prc.araddr.next = self.ar_addr.q.val();
        self.m_axi_prc.arlen.next = self.ar_len.q.val();
        self.m_axi_prc.arsize.next = 2.into();
        self.m_axi_prc.arburst.next = 1.into();
        self.m_axi_prc.aruser.next = 0.into();
        self.m_axi_prc.arvalid.next = self.ar_valid.q.val();
        self.m_axi_prc.rready.next = true;

        // Read data -> configuration port, bits reversed (see the module doc).
        self.rtmp.next = self.m_axi_prc.rdata.val();
        self.rev.next = 0.into();
        for b in 0..self.bit_steps.len() {
            // The entry is a constant 1: it only sets the loop count.
            if self.bit_steps[b].val() {
                self.rev.next = (self.rev.val() << 1) | bit_cast::<32, 1>(self.rtmp.val().get_bit(0).into());
                self.rtmp.next = self.rtmp.val() >> 1;
            }
        }
        self.icap_valid.d.next = false;
        if self.m_axi_prc.rvalid.val() {
            self.icap_valid.d.next = true;
            self.icap_data.d.next = self.rev.val();
            if self.m_axi_prc.rresp.val().any() {
                self.host_err.d.next = true;
            }
        }
        self.m_icap_valid.next = self.icap_valid.q.val();
        self.m_icap_data.next = self.icap_data.q.val();
        if self.ar_valid.q.val() & self.m_axi_prc.arready.val() {
            if !(self.m_axi_prc.rvalid.val() & self.m_axi_prc.rlast.val()) {
                self.outstanding.d.next = self.outstanding.q.val() + 1;
            }
        } else if self.m_axi_prc.rvalid.val() & self.m_axi_prc.rlast.val() {
            self.outstanding.d.next = self.outstanding.q.val() - 1;
        }
        if self.icap_prdone.val() {
            self.got_done.d.next = true;
        }
        if self.icap_prerror.val() {
            self.got_err.d.next = true;
        }

        // ---- LOAD sequencer. States: 0 idle, 1 drain (wait for the wrapper to
        // isolate the RP), 2 read (stream the bitstream), 3 wait for done/error,
        // 4 check, 5 release the reset, 6 recouple, 7 answer, 8 look the LOAD
        // up, 9 check it.
        self.load_ok.next = false;
        self.s_load_ready.next = self.state.q.val() == 0;
        self.done_valid.d.next = false;
        if self.state.q.val() == 0 {
            if self.s_load_valid.val() {
                self.cur_part.d.next = self.s_load_partition.val();
                self.cur_acc.d.next = self.s_load_acc_id.val();
                self.state.d.next = 8.into();
            }
        } else if self.state.q.val() == 8 {
            self.lk_found.d.next = self.found.val();
            self.lk_lo.d.next = self.found_lo.val();
            self.lk_hi.d.next = self.found_hi.val();
            self.lk_len.d.next = self.found_len.val();
            self.state.d.next = 9.into();
        } else if self.state.q.val() == 9 {
            self.rd_addr.d.next = (bit_cast::<64, 32>(self.lk_hi.q.val()) << 32)
                | bit_cast::<64, 32>(self.lk_lo.q.val());
            self.ar_left.d.next = self.lk_len.q.val().get_bits::<30>(2);
            self.state.d.next = 7.into();
            if self.cur_part.q.val() > self.last_partition.val() {
                self.result.d.next = self.st_bad_partition.val();
            } else if !self.lk_found.q.val() {
                self.result.d.next = self.st_no_bitstream.val();
            } else if !self.lk_len.q.val().get_bits::<30>(2).any() | self.lk_len.q.val().get_bits::<2>(0).any() {
                self.result.d.next = self.st_bad_length.val();
            } else {
                self.result.d.next = 0.into();
                self.state.d.next = 1.into();
                for i in 0..self.part_index.len() {
                    if self.cur_part.q.val() == self.part_index[i].val() {
                        self.decouple_r[i].d.next = true;
                    }
                }
            }
        } else if self.state.q.val() == 1 {
            if self.cur_decoupled.val() {
                for i in 0..self.part_index.len() {
                    if self.cur_part.q.val() == self.part_index[i].val() {
                        self.reset_r[i].d.next = true;
                        self.loaded_r[i].d.next = false;
                        self.failed_r[i].d.next = false;
                    }
                }
                self.host_err.d.next = false;
                self.got_done.d.next = false;
                self.got_err.d.next = false;
                self.outstanding.d.next = 0.into();
                self.state.d.next = 2.into();
            }
        } else if self.state.q.val() == 2 {
            self.wait_count.d.next = 0.into();
            if !self.ar_left.q.val().any() & !self.ar_plan.q.val() & !self.ar_valid.q.val() & !self.outstanding.q.val().any() {
                self.state.d.next = 3.into();
            }
        } else if self.state.q.val() == 3 {
            self.wait_count.d.next = self.wait_count.q.val() + 1;
            if self.got_done.q.val() | self.got_err.q.val() | (self.wait_count.q.val() == self.done_wait.val()) {
                self.state.d.next = 4.into();
            }
        } else if self.state.q.val() == 4 {
            self.wait_count.d.next = 0.into();
            self.state.d.next = 7.into();
            if self.host_err.q.val() {
                self.result.d.next = self.st_host_error.val();
            } else if self.got_err.q.val() {
                self.result.d.next = self.st_bitstream_error.val();
            } else if !self.got_done.q.val() {
                self.result.d.next = self.st_no_response.val();
            } else if self.cur_acc_now.val() != self.cur_acc.q.val() {
                self.result.d.next = self.st_wrong_accelerator.val();
            } else {
                self.load_ok.next = true;
                self.state.d.next = 5.into();
                self.loaded_acc.write_enable.next = true;
                self.sel_wait.d.next = 3.into();
            }
            for i in 0..self.part_index.len() {
                if self.cur_part.q.val() == self.part_index[i].val() {
                    if self.load_ok.val() {
                        self.loaded_r[i].d.next = true;
                        self.reset_r[i].d.next = false;
                    } else {
                        self.failed_r[i].d.next = true;
                    }
                }
            }
        } else if self.state.q.val() == 5 {
            self.wait_count.d.next = self.wait_count.q.val() + 1;
            if self.wait_count.q.val() == self.release_wait.val() {
                for i in 0..self.part_index.len() {
                    if self.cur_part.q.val() == self.part_index[i].val() {
                        self.decouple_r[i].d.next = false;
                    }
                }
                self.state.d.next = 6.into();
            }
        } else if self.state.q.val() == 6 {
            if !self.cur_decoupled.val() {
                self.state.d.next = 7.into();
            }
        } else if self.state.q.val() == 7 {
            self.done_valid.d.next = true;
            self.done_part.d.next = self.cur_part.q.val();
            self.done_status.d.next = self.result.q.val();
            self.last_status.d.next = self.result.q.val();
            self.last_part.d.next = self.cur_part.q.val();
            if self.result.q.val().any() {
                self.fail_count.d.next = self.fail_count.q.val() + 1;
            } else {
                self.load_count.d.next = self.load_count.q.val() + 1;
            }
            self.state.d.next = 0.into();
        }
        self.m_load_done_valid.next = self.done_valid.q.val();
        self.m_load_done_partition.next = self.done_part.q.val();
        self.m_load_done_status.next = self.done_status.q.val();

        // ---- Register bus: one access at a time, answered the next cycle.
        self.s_reg.req_ready.next = !self.resp_valid.q.val() & !self.sel_wait.q.val().any();
        self.req.next = self.s_reg.req_valid.val() & self.s_reg.req_ready.val();
        self.wr.next = self.s_reg.req_write.val();
        self.hit.next = false;
        self.bad.next = self.s_reg.req_function.val().any()
            | (self.wr.val() & (self.s_reg.req_wstrb.val() != 0xF));
        self.rdata.next = 0.into();
        if self.s_reg.req_addr.val() == self.off_info.val() {
            self.hit.next = true;
            self.bad.next = self.bad.val() | self.wr.val();
            self.rdata.next = self.info.val();
        }
        if self.s_reg.req_addr.val() == self.off_status.val() {
            self.hit.next = true;
            self.bad.next = self.bad.val() | self.wr.val();
            self.rdata.next = bit_cast::<32, 1>((self.state.q.val() != 0).into())
                | (bit_cast::<32, 4>(self.last_status.q.val()) << 4)
                | (bit_cast::<32, PW>(self.last_part.q.val()) << 8);
        }
        if self.s_reg.req_addr.val() == self.off_part_sel.val() {
            self.hit.next = true;
            self.bad.next = self.bad.val()
                | (self.wr.val() & (self.s_reg.req_wdata.val() > bit_cast::<32, PW>(self.last_partition.val())));
            self.rdata.next = bit_cast::<32, PW>(self.part_sel.q.val());
        }
        if self.s_reg.req_addr.val() == self.off_part_status.val() {
            self.hit.next = true;
            self.bad.next = self.bad.val() | self.wr.val();
            self.rdata.next = bit_cast::<32, 1>(self.sel_decoupled.val().into())
                | (bit_cast::<32, 1>(self.sel_failed.val().into()) << 1)
                | (bit_cast::<32, 1>(((self.state.q.val() != 0) & (self.cur_part.q.val() == self.part_sel.q.val())).into()) << 2)
                | (bit_cast::<32, 1>(self.sel_loaded.val().into()) << 3)
                | (bit_cast::<32, 1>(self.sel_forced.val().into()) << 4);
        }
        if self.s_reg.req_addr.val() == self.off_part_acc_id.val() {
            self.hit.next = true;
            self.bad.next = self.bad.val() | self.wr.val();
            if self.sel_loaded.val() {
                self.rdata.next = self.loaded_acc_q.q.val();
            }
        }
        if self.s_reg.req_addr.val() == self.off_load_count.val() {
            self.hit.next = true;
            self.bad.next = self.bad.val() | self.wr.val();
            self.rdata.next = self.load_count.q.val();
        }
        if self.s_reg.req_addr.val() == self.off_fail_count.val() {
            self.hit.next = true;
            self.bad.next = self.bad.val() | self.wr.val();
            self.rdata.next = self.fail_count.q.val();
        }
        for k in 0..self.slot_acc.len() {
            if self.s_reg.req_addr.val() == self.off_slot_acc[k].val() {
                self.hit.next = true;
                self.rdata.next = self.slot_acc[k].q.val();
            }
            if self.s_reg.req_addr.val() == self.off_slot_target[k].val() {
                self.hit.next = true;
                self.rdata.next = self.slot_target[k].q.val();
            }
            if self.s_reg.req_addr.val() == self.off_slot_lo[k].val() {
                self.hit.next = true;
                self.rdata.next = self.slot_lo[k].q.val();
            }
            if self.s_reg.req_addr.val() == self.off_slot_hi[k].val() {
                self.hit.next = true;
                self.rdata.next = self.slot_hi[k].q.val();
            }
            if self.s_reg.req_addr.val() == self.off_slot_len[k].val() {
                self.hit.next = true;
                self.rdata.next = self.slot_len[k].q.val();
            }
        }
        self.bad.next = self.bad.val() | !self.hit.val();
        if self.req.val() & self.wr.val() & !self.bad.val() {
            if self.s_reg.req_addr.val() == self.off_part_sel.val() {
                self.part_sel.d.next = self.s_reg.req_wdata.val().get_bits::<PW>(0);
                self.sel_wait.d.next = 3.into();
            }
            for k in 0..self.slot_acc.len() {
                if self.s_reg.req_addr.val() == self.off_slot_acc[k].val() {
                    self.slot_acc[k].d.next = self.s_reg.req_wdata.val();
                }
                if self.s_reg.req_addr.val() == self.off_slot_target[k].val() {
                    // Only the defined fields are kept.
                    self.slot_target[k].d.next = self.s_reg.req_wdata.val() & self.target_mask.val();
                }
                if self.s_reg.req_addr.val() == self.off_slot_lo[k].val() {
                    self.slot_lo[k].d.next = self.s_reg.req_wdata.val();
                }
                if self.s_reg.req_addr.val() == self.off_slot_hi[k].val() {
                    self.slot_hi[k].d.next = self.s_reg.req_wdata.val();
                }
                if self.s_reg.req_addr.val() == self.off_slot_len[k].val() {
                    self.slot_len[k].d.next = self.s_reg.req_wdata.val();
                }
            }
        }
        self.resp_valid.d.next = self.req.val();
        self.resp_error.d.next = self.bad.val();
        self.resp_rdata.d.next = 0.into();
        if !self.wr.val() & !self.bad.val() {
            self.resp_rdata.d.next = self.rdata.val();
        }
        self.s_reg.resp_valid.next = self.resp_valid.q.val();
        self.s_reg.resp_rdata.next = self.resp_rdata.q.val();
        self.s_reg.resp_error.next = self.resp_error.q.val();

        if self.rst.val() {
            self.state.d.next = 0.into();
            self.done_valid.d.next = false;
            self.icap_valid.d.next = false;
            self.resp_valid.d.next = false;
            self.part_sel.d.next = 0.into();
            self.load_count.d.next = 0.into();
            self.fail_count.d.next = 0.into();
            self.last_status.d.next = 0.into();
            self.last_part.d.next = 0.into();
            self.outstanding.d.next = 0.into();
            self.ar_left.d.next = 0.into();
            self.ar_plan.d.next = false;
            self.ar_valid.d.next = false;
            self.sel_wait.d.next = 0.into();
            for k in 0..self.slot_acc.len() {
                self.slot_target[k].d.next = 0.into();
            }
            for i in 0..self.decouple_r.len() {
                self.decouple_r[i].d.next = false;
                self.reset_r[i].d.next = false;
                self.failed_r[i].d.next = false;
                self.loaded_r[i].d.next = false;
            }
        }
    }
}
