//! `dma`: the multi-function (SR-IOV) DMA engine.
//!
//! Every PCIe function has one H2C and one C2H descriptor ring in host memory
//! (registers and descriptor format: `regs.rs`). Per-function state lives in
//! block RAM; one shared data path moves the bytes, tagged with the function
//! number (`tid` on the streams, `aruser`/`awuser` on every host access).
//!
//! Four engines run side by side, so that neither direction waits for the
//! other (a looped-back H2C stream feeds C2H):
//! - the *control engine* owns the per-function RAMs and does short
//!   read-modify-write operations on one function at a time: register
//!   accesses, H2C descriptor fetches (the scheduler), completions of both
//!   directions (write-back, CIDX, interrupt), C2H buffer fetches, errors.
//!   It never waits on data.
//! - the *H2C issuer* takes fetched descriptors in order from a descriptor
//!   FIFO and issues their data reads in bursts that end at every `max_burst`
//!   boundary (a power of two dividing 4 KiB: no burst crosses a page), with
//!   at most `outstanding` bursts in flight and only as far as the data FIFO
//!   has room reserved for every beat: read data is never back-pressured
//!   beyond that credit, so the R channel always drains.
//! - the *read side* sorts R beats by the in-order tag FIFO: data into the
//!   data FIFO (then the packer, which aligns bytes into `m_axis_h2c`),
//!   descriptors into the descriptor FIFO (H2C) or the C2H engine; the last
//!   beat of a descriptor's data is its completion.
//! - the *C2H engine* (`c2h.rs`) asks the control engine for the packet's
//!   function's next buffer (usually prefetched: see below), unpacks
//!   `s_axis_c2h` into beats aligned to the buffer's address, pushes them and
//!   its bursts into the host writes, and hands each full buffer (or the
//!   packet's end) back for its write-back.
//! - the *host writes* (`writes.rs`) issue the C2H bursts and the control
//!   engine's completion write-backs on AW/W and sort B. A register read is
//!   answered only after every write-back queued before it has left on W
//!   (PCIe orders a read completion after the posted writes before it), so
//!   CIDX never runs ahead of the written-back descriptors in host memory.
//!
//! C2H buffer prefetch: when the control engine hands a function's next
//! buffer (the one at CIDX) to the C2H engine, it also reads the descriptor
//! after it, if the host has posted it (below PIDX), into the function's
//! prefetch slot (one per function, in block RAM), so that the function's
//! next packet, or the next buffer of the same packet, finds it there instead
//! of waiting a host read round trip. The ring record marks a prefetch
//! pending and numbers each prefetch (8 bits, never reset); the slot keeps
//! the number of the prefetch it holds, so a prefetch still in flight (or a
//! stale one of before a reset) is told apart from the one wanted: the C2H
//! engine then waits for the wanted one, which the read side hands over on
//! arrival (prefetch arrivals wait while the control engine reads the slot,
//! at most two cycles). Nothing is consumed by a prefetch: CIDX still moves
//! only on a buffer's write-back, the checks (function attached, C2H_RUN,
//! error, ring config, NO_BUFFER when PIDX = CIDX) are made when a buffer is
//! needed, as before, and a read error of a prefetched descriptor is reported
//! (DESC_READ) only when that buffer is needed. CTRL.RESET and a write of the
//! C2H ring's base or size drop the pending prefetch, and so does a detach
//! (function-level reset, below).
//!
//! Scheduling (H2C, weighted round robin): the scheduler visits the functions
//! in turn; a function with work gets a turn of up to 16 x WEIGHT descriptor
//! fetches, ahead of their data. A turn fills one of two descriptor banks
//! (FIFOs of 16 in one RAM, each holding one function's descriptors in fetch
//! order); the issuer drains the older bank, then the newer one, so packets of
//! different functions never interleave on the stream. When a turn ends
//! (budget spent, no more work, gate closed) its bank waits for its last
//! fetches to arrive: if the last one leaves a packet open, the bank fetches
//! again (first, ahead of the newer turn) until a descriptor ends it; else it
//! is done. Meanwhile the next turn already fills the other bank, so the
//! fetch pipeline never drains at a turn boundary (a new turn of the same
//! function simply continues the older one). The descriptor reads queue
//! behind the data reads on the one in-order R channel; two banks keep up to
//! 32 descriptors fetched ahead of the issuer, enough to keep R busy across
//! a turn.
//!
//! Errors (an error answer from the host, a zero-length descriptor, a ring
//! misconfigured, no C2H buffer, an H2C packet whose next descriptor is not
//! posted) stop that function's queues, set its STATUS code, request its
//! error interrupt; the rest of a C2H packet is dropped. An H2C packet cut
//! short is still ended (tlast) on the stream, its last beat flagged with
//! `m_axis_h2c_tuser` = 1 (drop it): after a refused read, the refused bytes
//! and the rest of the packet's are dropped (never sent as zeros); a packet
//! whose function stops or is reset in its middle ends where it was cut.
//! Descriptors of that function already fetched are not completed. Other
//! functions go on.
//!
//! Interrupts: a completion whose descriptor asks for one (or an error)
//! sets the source's bit in IRQ_STATUS; if the source is masked in IRQ_MASK
//! the request stays pending in the function's record and is made when the
//! source is unmasked (once), unless IRQ_STATUS was cleared meanwhile. No
//! operation waits for the interrupt output: a request it cannot take now
//! (`irq_ready` low) stays pending too, and the function joins a queue of
//! functions with unmasked pending interrupts (once: a bit in its record),
//! which the control engine serves whenever the output is free, one request
//! per source (requests of one source coalesce while they wait). So one
//! function's interrupts, held back, never delay another function's
//! register accesses, doorbells or completions.
//!
//! CTRL.RESET restarts one function's queues alone: its generation bit flips,
//! and whatever was in flight for the old generation is dropped.
//!
//! Sharing gate (H2C only; `s_gate_*` from the manager's scheduler, for
//! functions that share one partition): requests are always accepted
//! (`gate.rs`) and applied in order by the control engine (one every 3
//! cycles, ahead of completions and scheduling) to the function's record
//! (gate bit, parked bit). A closed function starts no new packet: the
//! scheduler fetches none of its descriptors, except to finish a packet left
//! open by those already fetched (one at a time, each after the previous one
//! arrived). Packets whose descriptors were fetched before the close took
//! effect still go out. Each close is then answered once on
//! `m_gate_closed_*`, in order (`gate.rs`: once the scheduler and the issuer
//! hold nothing of the function and the packets issued until then are out).
//! (A function opened again before its close is answered is answered when
//! the scheduler is next off it.) A closed function with H2C work (running,
//! no error, descriptors posted and not fetched) is reported on
//! `m_waiting_*` when the scheduler visits it or its doorbell is written,
//! once per closed period: it is then parked until opened. A report is made
//! only when the output is free, so a low `m_waiting_ready` blocks nothing:
//! a function passed over meanwhile is reported at its next visit (within
//! one round of the other functions' turns).
//!
//! After reset the per-function RAMs are cleared, one function per cycle;
//! `s_qos`/`s_fnctl` writes during that time are ignored. A function's
//! queues run only while `s_fnctl` has enabled it (the PF always may).
//! `s_fnctl` requests wait in a FIFO of 16 and are applied in order by the
//! control engine. A disable (DETACH) is a function-level reset: like
//! CTRL.RESET, and also the rings' bases and sizes, IRQ_MASK and pending
//! interrupts go back to their reset values, so that the function's next
//! tenant (the enable that follows, applied after it) finds reset values and
//! nothing of the old rings is fetched again.
//!
//! Register accesses: a partial write (strobes other than 0xF) is refused
//! (SLVERR) and changes nothing, as regmap.md says.
//!
//! Child blocks (one Verilog module each; the records they exchange are
//! named in `desc.rs`): `packer.rs`, the data FIFO and the packer behind
//! `m_axis_h2c` (`vfpga_dma_packer`); `bank.rs`, one H2C descriptor bank,
//! instantiated twice (`vfpga_dma_bank0`); `c2h.rs`, the C2H engine
//! (`vfpga_dma_c2h`); `writes.rs`, the host writes (`vfpga_dma_writes`);
//! `gate.rs`, the sharing gate's requests and answers (`vfpga_dma_gate`);
//! `reader.rs`, the H2C issuer, AR with its tag FIFO and the read side
//! (`vfpga_dma_reader`); FIFOs are `fifo.rs`'s. The control engine is still
//! written here (issue 13: to be split further).
//!
//! Boundaries (DESIGN.md, timing rules): every input enters through a
//! register slice (`skid.rs`: here, or in `c2h.rs`, `writes.rs`, `gate.rs`,
//! `reader.rs`); AR, W, the interrupt request and the waiting report leave
//! through one; AW, H2C, the register answers and the gate answers come from
//! registers.
//! No output follows an input within a cycle, and none of a child block's
//! does either (between the children, every handshake is a register on one
//! side and a credit computed from registers on the other). Block-RAM read
//! data feeds registers before logic: the control engine's records, the
//! read tags (tests/dma.rs checks the boundaries). The control engine's
//! descriptor reads go to the reader when its `ctl_room` (from registers)
//! allows, and the reader's results (descriptors, buffers, completions,
//! data entries) come from its registers, a cycle after their beat: a C2H
//! prefetch arrival is therefore also held while the control engine
//! dispatches with a C2H request pending (`pf_blk`), so that its slot write
//! lands before the slot is read.

mod bank;
mod c2h;
pub mod desc;
mod gate;
mod packer;
mod reader;
mod writes;
pub mod regs;

use crate::axi::AxiMaster;
use crate::axis::{AxisMaster, AxisSlave};
use crate::regbus::{RegBusSlave, REG_ADDR_BITS as OW};
use crate::fifo::Fifo;
use crate::skid::Skid;
use crate::{FUNCTION_ID_BITS as FW, MAX_FUNCTIONS};
use bank::DescBank;
use c2h::C2hEngine;
use gate::DmaGate;
use desc::{BankState, C2hBuf, C2hReqKind, CtlRead, H2cDesc, H2cDone};
use writes::DmaWrites;
use packer::H2cPacker;
use reader::DmaReader;
use regs::*;
use rust_hdl::prelude::*;

/// Ring record: base (63:0), log2 size (67:64), PIDX (83:68), CIDX (99:84),
/// fetch index (115:100, H2C: descriptors fetched).
const RING_BITS: usize = 116;
/// C2H ring record: base (63:0), log2 size (67:64), PIDX (83:68), CIDX
/// (99:84), prefetch pending (100: the descriptor at CIDX, or at CIDX + 1
/// while the buffer at CIDX is in use, has been read ahead), prefetch
/// sequence number (108:101: of the last prefetch issued; never reset).
const C2H_RING_BITS: usize = 109;
/// C2H prefetch slot (one per function, written when a prefetch arrives):
/// address (63:0), length (87:64), interrupt flag (88), read error (89),
/// sequence number (97:90).
const SLOT_BITS: usize = 98;
/// Function record: run H2C/C2H (1:0), error (5:2), irq mask (8:6), irq
/// status (11:9), generation (12), gate closed (13), parked (14: reported
/// waiting in this closed period), irq pending (17:15: raised while masked or
/// while the interrupt output was busy), in the deferred-interrupt queue (18).
const FN_BITS: usize = 19;
/// Register request word in the input register slice.
const REQ_BITS: usize = 1 + FW + OW + 32 + 4;
/// Largest `outstanding`.
pub const MAX_OUTSTANDING: usize = 31;
/// Data FIFO depth (beats): every read burst reserves its beats here first;
/// the last 8 are kept for the entries that end a stopped function's packet,
/// so that stopping a function never waits for the stream to drain.
pub const DATA_FIFO_BEATS: usize = 512;
/// H2C descriptors fetched ahead per bank (in flight or waiting for the
/// issuer); two banks.
pub const DESC_PREFETCH: usize = 16;
/// Descriptors per weight unit in one scheduler turn.
pub const QUANTUM: usize = 16;
/// Build-time parameters of the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DmaParams {
    /// Functions (PF + VFs).
    pub functions: usize,
    /// Largest burst, bytes: a power of two, at least one beat, at most 4096.
    pub max_burst: usize,
    /// Read bursts in flight at most.
    pub outstanding: usize,
}

impl DmaParams {
    /// Defaults: bursts of 32 beats (at most 4 KiB), 16 of them in flight:
    /// 512 beats, enough to hide 200 cycles of host latency at one beat per cycle.
    pub fn new(functions: usize, data_width: usize) -> Self {
        DmaParams { functions, max_burst: (32 * data_width / 8).min(4096), outstanding: 16 }
    }

    pub fn validate(&self, data_width: usize) -> Result<(), String> {
        if !(1..=MAX_FUNCTIONS).contains(&self.functions) {
            return Err(format!("functions = {} is out of range 1..={MAX_FUNCTIONS}", self.functions));
        }
        let kw = data_width / 8;
        if !self.max_burst.is_power_of_two() || self.max_burst < kw || self.max_burst > 4096 || self.max_burst / kw > 256 {
            return Err(format!(
                "max_burst = {} must be a power of two from {kw} (one beat) to 4096 bytes and at most 256 beats",
                self.max_burst
            ));
        }
        if !(1..=MAX_OUTSTANDING).contains(&self.outstanding) {
            return Err(format!("outstanding = {} is out of range 1..={MAX_OUTSTANDING}", self.outstanding));
        }
        Ok(())
    }
}

#[derive(LogicBlock)]
pub struct Dma<const DW: usize, const KW: usize, const DW2: usize> {
    /// Clock of the static region.
    pub clk: Signal<In, Clock>,
    /// Synchronous, active-high reset.
    pub rst: Signal<In, Bit>,
    /// Register accesses of the functions' windows, from `bar`.
    pub s_reg: RegBusSlave,
    /// Host memory; `aruser`/`awuser` = function number.
    pub m_axi_host: AxiMaster<DW, KW>,
    /// H2C packets towards the switch, `tid` = function.
    pub m_axis_h2c: AxisMaster<DW, KW>,
    /// With `tlast`: 1 = this packet was cut (a host read of its data was
    /// refused, or its function stopped or was reset in its middle): its
    /// bytes are incomplete, drop it. 0 on every other beat.
    pub m_axis_h2c_tuser: Signal<Out, Bit>,
    /// C2H packets from the switch, `tid` = function.
    pub s_axis_c2h: AxisSlave<DW, KW>,
    /// Interrupt request: function and vector (0 H2C, 1 C2H, 2 error).
    pub irq_valid: Signal<Out, Bit>,
    pub irq_function: Signal<Out, Bits<FW>>,
    pub irq_vector: Signal<Out, Bits<4>>,
    pub irq_ready: Signal<In, Bit>,
    /// Scheduler weight of a function (16 x weight descriptors per turn; 0 counts as 1).
    pub s_qos_valid: Signal<In, Bit>,
    pub s_qos_function: Signal<In, Bits<FW>>,
    pub s_qos_weight: Signal<In, Bits<8>>,
    /// A function's queues may run (attached) or not.
    pub s_fnctl_valid: Signal<In, Bit>,
    pub s_fnctl_function: Signal<In, Bits<FW>>,
    pub s_fnctl_enable: Signal<In, Bit>,
    /// Sharing gate of a function's H2C queue (from the manager's scheduler),
    /// always accepted: open (1) lets the H2C side start packets of the
    /// function, close (0) stops it from starting new ones (a packet already
    /// started is finished). Every function is open after reset.
    pub s_gate_valid: Signal<In, Bit>,
    pub s_gate_function: Signal<In, Bits<FW>>,
    pub s_gate_open: Signal<In, Bit>,
    /// One pulse per close request: the close has taken effect and every H2C
    /// beat of the function issued before it has left `m_axis_h2c`.
    pub m_gate_closed_valid: Signal<Out, Bit>,
    pub m_gate_closed_function: Signal<Out, Bits<FW>>,
    /// A closed function has H2C work (reported once per closed period).
    pub m_waiting_valid: Signal<Out, Bit>,
    pub m_waiting_ready: Signal<In, Bit>,
    pub m_waiting_function: Signal<Out, Bits<FW>>,

    // ---- registered boundary (`skid.rs`): every input enters through a
    // register slice (C2H, B, R: in `c2h.rs`, `writes.rs`, `reader.rs`); outputs whose
    // valid/data are not already registers (W: in `writes.rs`; the irq and
    // waiting handshakes) leave through one.
    /// Register request: write (0), function (11:1), offset (23:12), data (55:24), strobes (59:56).
    reg_in: Skid<Bits<REQ_BITS>>,
    qos_in: Skid<Bits<{ FW + 8 }>>,
    fnctl_in: Skid<Bits<{ FW + 1 }>>,
    irq_out: Skid<Bits<{ FW + 4 }>>,
    wt_out: Skid<Bits<FW>>,

    // ---- configuration
    last_function: Constant<Bits<FW>>,
    ar_size: Constant<Bits<3>>,
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
    h2c_ring: RAM<Bits<RING_BITS>, FW>,
    c2h_ring: RAM<Bits<C2H_RING_BITS>, FW>,
    c_slot: RAM<Bits<SLOT_BITS>, FW>,
    fn_state: RAM<Bits<FN_BITS>, FW>,
    enable_ram: RAM<Bits<1>, FW>,
    weight_ram: RAM<Bits<8>, FW>,
    clear_addr: DFF<Bits<FW>>,
    /// The served function's ring and function records, registered out of their RAMs.
    h_rec: DFF<Bits<RING_BITS>>,
    c_rec: DFF<Bits<C2H_RING_BITS>>,
    f_rec: DFF<Bits<FN_BITS>>,

    // ---- control engine
    state: DFF<Bits<2>>,
    op: DFF<Bits<4>>,
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
    // mailboxes into the control engine
    /// H2C completions (the read side waits only when 14 are pending).
    h2c_done: Fifo<H2cDone, 4, 5>,
    c_ans_v: DFF<Bit>,
    c_ans_ok: DFF<Bit>,
    c_ans_gen: DFF<Bit>,
    /// The operation's open bit (sharing gate request, or `s_fnctl` enable).
    g_open: DFF<Bit>,
    /// `s_fnctl` requests (enable bit 11, function 10:0), applied in order by
    /// the control engine: a detach resets the function (function-level reset)
    /// before a later attach can enable it.
    fq: Fifo<Bits<{ FW + 1 }>, 4, 5>,
    /// The data FIFO and the packer behind `m_axis_h2c`.
    packer: H2cPacker<DW, KW, DW2>,
    /// The C2H engine and the host writes (AW, W, B).
    c2h: C2hEngine<DW, KW, DW2>,
    writes: DmaWrites<DW, KW>,
    /// The H2C issuer, AR and its tags, the read side.
    reader: DmaReader<DW, KW, DW2>,
    /// The control engine's descriptor read this cycle (`ctl_ar`).
    ctl_rd: Signal<Local, CtlRead>,
    /// The sharing gate's request FIFO and close answers.
    gate: DmaGate,
    /// The control engine writes a function's enable bit (attach/detach).
    en_we: Signal<Local, Bit>,
    /// The control engine resets the function's queues (CTRL.RESET, detach).
    q_reset: Signal<Local, Bit>,
    /// Functions with an unmasked pending interrupt, waiting for the
    /// interrupt output (each at most once: the record's queued bit), so
    /// that no operation waits for `irq_ready`. Deep enough for every function.
    iq: Fifo<Bits<FW>, FW, { FW + 1 }>,
    wt_v: DFF<Bit>,
    wt_fn: DFF<Bits<FW>>,
    /// C2H buffer operation, second step: prefetch the next posted descriptor.
    p_ph: DFF<Bit>,
    // interrupt request
    irq_v: DFF<Bit>,
    irq_f: DFF<Bits<FW>>,
    irq_vec: DFF<Bits<4>>,

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
    /// The C2H descriptor read the control engine issues this cycle: the
    /// buffer at CIDX, or (prefetch step) the one after it, with its number.
    c_rd_go: Signal<Local, Bit>,
    c_rd_addr: Signal<Local, Bits<64>>,
    c_rd_seq: Signal<Local, Bits<8>>,
    s_hit: Signal<Local, Bit>,
    s_buf: Signal<Local, C2hBuf>,
    /// A buffer for the C2H engine this cycle (read side or prefetch slot).
    c_buf_v: Signal<Local, Bit>,
    c_buf: Signal<Local, C2hBuf>,
    pf_blk: Signal<Local, Bit>,
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
    wb_addr: Signal<Local, Bits<64>>,
    wb_word: Signal<Local, Bits<64>>,
    stale: Signal<Local, Bit>,
    ctl_ar: Signal<Local, Bit>,
    irq_raise: Signal<Local, Bit>,
    irq_busy: Signal<Local, Bit>,
    fetch: Signal<Local, Bit>,
    start_turn: Signal<Local, Bit>,
    shortcut: Signal<Local, Bit>,
    end_turn: Signal<Local, Bit>,
    dq_head: Signal<Local, H2cDesc>,
    dq_empty: Signal<Local, Bit>,
    b_served: Signal<Local, Bits<16>>,
    b_inf: Signal<Local, Bits<5>>,
    b_used: Signal<Local, Bits<5>>,
    b_open: Signal<Local, Bit>,
    o_st: Signal<Local, BankState>,
    o_fn: Signal<Local, Bits<FW>>,
    ib_st: Signal<Local, BankState>,
    ob_st: Signal<Local, BankState>,
    ib_kill: Signal<Local, Bit>,
    ib_done: Signal<Local, Bit>,
    dq_pop: Signal<Local, Bit>,
    hc_full: Signal<Local, Bit>,
    hc_pop: Signal<Local, Bit>,
    // sharing gate
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

impl<const DW: usize, const KW: usize, const DW2: usize> Dma<DW, KW, DW2> {
    pub fn new(p: DmaParams) -> Self {
        assert!(DW == KW * 8 && DW2 == 2 * DW, "DW = 8 KW and DW2 = 2 DW");
        p.validate(DW).unwrap_or_else(|e| panic!("dma: {e}"));
        let off = |v: u32| Constant::new((v as u64).into());
        Self {
            reg_in: Default::default(),
            qos_in: Default::default(),
            fnctl_in: Default::default(),
            fq: Default::default(),
            packer: Default::default(),
            c2h: C2hEngine::new(p.functions, p.max_burst.min(32 * KW)),
            writes: Default::default(),
            reader: DmaReader::new(p.max_burst, p.outstanding),
            ctl_rd: Default::default(),
            gate: Default::default(),
            en_we: Default::default(),
            q_reset: Default::default(),
            irq_out: Default::default(),
            wt_out: Default::default(),
            last_function: cst((p.functions - 1) as u64),
            ar_size: cst(KW.trailing_zeros() as u64),
            dq_cap: cst(DESC_PREFETCH as u64),
            dma_id: cst(DMA_ID as u64),
            dma_version: cst(DMA_VERSION as u64),
            o_id: off(R_ID),
            o_version: off(R_VERSION),
            o_ctrl: off(R_CTRL),
            o_status: off(R_STATUS),
            o_h_base_lo: off(R_H2C_BASE_LO),
            o_h_base_hi: off(R_H2C_BASE_HI),
            o_h_size: off(R_H2C_SIZE),
            o_h_pidx: off(R_H2C_PIDX),
            o_h_cidx: off(R_H2C_CIDX),
            o_c_base_lo: off(R_C2H_BASE_LO),
            o_c_base_hi: off(R_C2H_BASE_HI),
            o_c_size: off(R_C2H_SIZE),
            o_c_pidx: off(R_C2H_PIDX),
            o_c_cidx: off(R_C2H_CIDX),
            o_irq_mask: off(R_IRQ_MASK),
            o_irq_status: off(R_IRQ_STATUS),
            o_weight: off(R_WEIGHT),
            clk: Default::default(),
            rst: Default::default(),
            s_reg: Default::default(),
            m_axi_host: Default::default(),
            m_axis_h2c: Default::default(),
            m_axis_h2c_tuser: Default::default(),
            s_axis_c2h: Default::default(),
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
            s_gate_valid: Default::default(),
            s_gate_function: Default::default(),
            s_gate_open: Default::default(),
            m_gate_closed_valid: Default::default(),
            m_gate_closed_function: Default::default(),
            m_waiting_valid: Default::default(),
            m_waiting_ready: Default::default(),
            m_waiting_function: Default::default(),
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
            state: Default::default(),
            op: Default::default(),
            cur_fn: Default::default(),
            scan_fn: Default::default(),
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
            c_ans_v: Default::default(),
            c_ans_ok: Default::default(),
            c_ans_gen: Default::default(),
            p_ph: Default::default(),
            irq_v: Default::default(),
            irq_f: Default::default(),
            irq_vec: Default::default(),
            hb: Default::default(),
            hl: Default::default(),
            hp: Default::default(),
            h2c_done: Default::default(),
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
            pf_blk: Default::default(),
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
            wb_addr: Default::default(),
            wb_word: Default::default(),
            stale: Default::default(),
            ctl_ar: Default::default(),
            irq_raise: Default::default(),
            irq_busy: Default::default(),
            dq_pop: Default::default(),
            hc: Default::default(),
            hc_full: Default::default(),
            hc_pop: Default::default(),
            bank0: Default::default(),
            bank1: Default::default(),
            ib: Default::default(),
            sb: Default::default(),
            s_new: Default::default(),
            fetch: Default::default(),
            start_turn: Default::default(),
            shortcut: Default::default(),
            end_turn: Default::default(),
            dq_head: Default::default(),
            dq_empty: Default::default(),
            b_served: Default::default(),
            b_inf: Default::default(),
            b_used: Default::default(),
            b_open: Default::default(),
            o_st: Default::default(),
            o_fn: Default::default(),
            ib_st: Default::default(),
            ob_st: Default::default(),
            ib_kill: Default::default(),
            ib_done: Default::default(),
            g_open: Default::default(),
            iq: Default::default(),
            wt_v: Default::default(),
            wt_fn: Default::default(),
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

impl<const DW: usize, const KW: usize, const DW2: usize> Logic for Dma<DW, KW, DW2> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clk, clear_addr, h_rec, c_rec, f_rec, state, op, cur_fn, scan_fn, ib, sb, s_new, r_write, r_addr,
            r_wdata, r_wstrb, resp_v, resp_data, resp_err, e_code, e_gen, e_anygen, e_c2h, cm_len, cm_eop, cm_irq, cm_gen,
            cm_err, c_ans_v, c_ans_ok, c_ans_gen, p_ph, irq_v, irq_f, irq_vec, g_open, wt_v, wt_fn
        );
        // ---- Registered boundary: the register slices' clocks, resets and outer sides.
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
            & (self.state.q.val() != 0);
        self.fq.data_in.next = self.fnctl_in.m_data.val();
        self.fq.read.next = false;
        self.iq.clk.next = self.clk.val();
        self.iq.rst.next = self.rst.val();
        self.iq.write.next = false;
        self.iq.data_in.next = self.cur_fn.q.val();
        self.iq.read.next = false;
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

        // ---- Per-function records of the function the control engine serves.
        self.c_slot.read_address.next = self.cur_fn.q.val();
        self.enable_ram.read_address.next = self.cur_fn.q.val();
        self.weight_ram.read_address.next = self.cur_fn.q.val();
        self.hb.next = self.h_rec.q.val().get_bits::<64>(0);
        self.hl.next = self.h_rec.q.val().get_bits::<4>(64);
        self.hp.next = self.h_rec.q.val().get_bits::<16>(68);
        self.hc.next = self.h_rec.q.val().get_bits::<16>(84);
        self.hf.next = self.h_rec.q.val().get_bits::<16>(100);
        self.cb.next = self.c_rec.q.val().get_bits::<64>(0);
        self.cl.next = self.c_rec.q.val().get_bits::<4>(64);
        self.cp.next = self.c_rec.q.val().get_bits::<16>(68);
        self.cc.next = self.c_rec.q.val().get_bits::<16>(84);
        self.cpf.next = self.c_rec.q.val().get_bit(100);
        self.cseq.next = self.c_rec.q.val().get_bits::<8>(101);
        self.f_run.next = self.f_rec.q.val().get_bits::<2>(0);
        self.f_err.next = self.f_rec.q.val().get_bits::<4>(2);
        self.f_mask.next = self.f_rec.q.val().get_bits::<3>(6);
        self.f_stat.next = self.f_rec.q.val().get_bits::<3>(9);
        self.f_gen.next = self.f_rec.q.val().get_bit(12);
        self.not_gen.next = !self.f_rec.q.val().get_bit(12);
        self.f_closed.next = self.f_rec.q.val().get_bit(13);
        self.f_parked.next = self.f_rec.q.val().get_bit(14);
        self.f_pend.next = self.f_rec.q.val().get_bits::<3>(15);
        self.f_queued.next = self.f_rec.q.val().get_bit(18);
        self.fn_enabled.next = self.enable_ram.read_data.val().any() | (self.cur_fn.q.val() == 0);
        self.weight.next = self.weight_ram.read_data.val();
        if self.weight_ram.read_data.val() == 0 {
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
        self.s_hit.next = self.c_slot.read_data.val().get_bits::<8>(90) == self.cseq.val();
        self.s_buf.next.addr = self.c_slot.read_data.val().get_bits::<64>(0);
        self.s_buf.next.len = self.c_slot.read_data.val().get_bits::<24>(64);
        self.s_buf.next.irq = self.c_slot.read_data.val().get_bit(88);
        self.s_buf.next.err = self.c_slot.read_data.val().get_bit(89);
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
        self.ctl_ar.next = false;
        self.ctl_rd.next.addr = self.fa_h.val();
        self.ctl_rd.next.c2h = false;
        self.ctl_rd.next.gen = self.f_gen.val();
        self.ctl_rd.next.bank = self.sb.q.val();
        self.ctl_rd.next.prefetch = false;
        self.ctl_rd.next.seq = self.c_rd_seq.val();
        self.reader.err_take.next = false;
        self.reader.pf_wait.next = false;
        self.reader.pf_seq.next = self.cseq.val();
        self.c_buf_v.next = false;
        self.c_buf.next = self.s_buf.val();
        self.irq_raise.next = false;
        self.irq_defer.next = false;
        self.iq_pend.next = self.f_pend.val() & !self.f_mask.val();
        self.fetch.next = false;
        self.start_turn.next = false;
        self.shortcut.next = false;
        self.end_turn.next = false;
        self.dq_pop.next = false;
        self.stale.next = false;
        self.gate.req_take.next = false;
        self.gate.close_push.next = false;
        self.c2h.req_take.next = false;
        self.writes.berr_take.next = false;
        self.writes.wb_push.next = false;
        self.wb_addr.next = self.wa_h.val();
        self.wb_word.next = 0.into();
        self.irq_busy.next = self.irq_v.q.val() & !self.irq_out.s_ready.val();
        if self.irq_v.q.val() & self.irq_out.s_ready.val() {
            self.irq_v.d.next = false;
        }
        self.hc_pop.next = false;
        self.hc_full.next = self.h2c_done.count.val() >= 14;
        // Sharing gate: request FIFO, closes awaiting their answer, the waiting report.
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

        // ---- Read side (`reader.rs`): C2H prefetch arrivals wait while the
        // control engine reads the slot for a buffer, and while it dispatches
        // with a C2H request pending (the reader's slot write is a cycle late).
        self.pf_blk.next = (self.op.q.val() == 3)
            & ((self.state.q.val() == 2) | ((self.state.q.val() == 3) & !self.p_ph.q.val() & self.cpf.val()));
        if (self.state.q.val() == 1) & self.c2h.req_valid.val() {
            self.pf_blk.next = true;
        }

        // ---- The control engine: one short operation on one function at a time.
        if self.state.q.val() == 0 {
            // Clearing the per-function RAMs (writes below).
            self.clear_addr.d.next = self.clear_addr.q.val() + 1;
            if self.clear_addr.q.val() == self.last_function.val() {
                self.state.d.next = 1.into();
            }
        } else if self.state.q.val() == 1 {
            // Dispatch: errors, completions, C2H requests, registers, then the scheduler.
            self.state.d.next = 2.into();
            self.e_anygen.d.next = false;
            self.e_c2h.d.next = false;
            if self.reader.err_valid.val() {
                self.reader.err_take.next = true;
                self.op.d.next = 5.into();
                self.cur_fn.d.next = self.reader.err_function.val();
                self.e_code.d.next = self.reader.err_code.val();
                self.e_gen.d.next = self.reader.err_gen.val();
            } else if self.writes.berr_valid.val() {
                self.writes.berr_take.next = true;
                self.op.d.next = 5.into();
                self.cur_fn.d.next = self.writes.berr_function.val();
                self.e_code.d.next = 2.into(); // ERR_C2H_WRITE
                self.e_anygen.d.next = true;
            } else if self.gate.req_valid.val() {
                self.gate.req_take.next = true;
                self.op.d.next = 6.into();
                self.cur_fn.d.next = self.gate.req_function.val();
                self.g_open.d.next = self.gate.req_open.val();
            } else if !self.fq.empty.val() {
                self.fq.read.next = true;
                self.op.d.next = 7.into();
                self.cur_fn.d.next = self.fq.data_out.val().get_bits::<FW>(0);
                self.g_open.d.next = self.fq.data_out.val().get_bit(11);
            } else if !self.h2c_done.empty.val() {
                self.hc_pop.next = true;
                self.op.d.next = 2.into();
                self.cur_fn.d.next = self.h2c_done.data_out.val().function;
                self.cm_gen.d.next = self.h2c_done.data_out.val().gen;
                self.cm_len.d.next = self.h2c_done.data_out.val().len;
                self.cm_eop.d.next = self.h2c_done.data_out.val().eop;
                self.cm_irq.d.next = self.h2c_done.data_out.val().irq;
                self.cm_err.d.next = self.h2c_done.data_out.val().err;
            } else if self.c2h.req_valid.val() {
                self.c2h.req_take.next = true;
                self.cur_fn.d.next = self.c2h.req.val().function;
                self.cm_len.d.next = self.c2h.req.val().used;
                self.cm_eop.d.next = self.c2h.req.val().eop;
                self.cm_irq.d.next = self.c2h.req.val().irq;
                self.cm_gen.d.next = self.c2h.req.val().gen;
                self.e_gen.d.next = self.c2h.req.val().gen;
                self.e_code.d.next = self.c2h.req.val().code;
                self.e_c2h.d.next = true;
                if self.c2h.req_kind.val() == C2hReqKind::Buffer {
                    self.op.d.next = 3.into();
                } else if self.c2h.req_kind.val() == C2hReqKind::WriteBack {
                    self.op.d.next = 4.into();
                } else {
                    self.op.d.next = 5.into();
                }
            } else if !self.iq.empty.val() & !self.irq_busy.val() {
                // A deferred interrupt, now that the output is free.
                self.op.d.next = 8.into();
                self.cur_fn.d.next = self.iq.data_out.val();
            } else if self.reg_in.m_valid.val() {
                self.reg_in.m_ready.next = true;
                self.op.d.next = 0.into();
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
                self.op.d.next = 1.into();
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
                self.state.d.next = 1.into();
            }
        } else if self.state.q.val() == 2 {
            // RAM read in flight.
            self.state.d.next = 3.into();
        } else if self.op.q.val() == 0 {
            // Register access: answer; a refused access changes nothing. A
            // read is answered once every write-back queued before it has
            // left on W (as PCIe orders a read completion after the posted
            // writes before it): a CIDX read never runs ahead of its
            // descriptors' write-backs. Unmasking a pending source queues its
            // interrupt (deferred-interrupt operation): the access never
            // waits for the interrupt output.
            if !(self.r_write.q.val() & (self.r_addr.q.val() == self.o_ctrl.val()) & self.reader.stop_busy.val())
                & (self.r_write.q.val() | self.writes.wb_idle.val())
            {
                self.state.d.next = 1.into();
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
        } else if self.op.q.val() == 1 {
            // Scheduler: a new turn for `scan_fn` in a free bank, or the next
            // descriptor of the turn in bank `sb`.
            self.state.d.next = 1.into();
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
                    self.op.d.next = 5.into();
                    self.e_code.d.next = 4.into(); // ERR_RING_CONFIG
                    self.e_anygen.d.next = true;
                    self.state.d.next = 3.into();
                } else if self.h_live.val() & (self.hp.val() != self.hf.val()) {
                    if self.reader.ctl_room.val() {
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
                    self.op.d.next = 5.into();
                    self.e_code.d.next = 7.into(); // ERR_INCOMPLETE
                    self.e_anygen.d.next = true;
                    self.state.d.next = 3.into();
                } else {
                    self.end_turn.next = true;
                }
            } else if self.f_closed.val() & (self.b_served.val() != 0) {
                // Closed: only the open packet is finished, one descriptor at a time.
                self.end_turn.next = true;
            } else if self.h_bad.val() {
                self.op.d.next = 5.into();
                self.e_code.d.next = 4.into(); // ERR_RING_CONFIG
                self.e_anygen.d.next = true;
                self.state.d.next = 3.into();
            } else if (self.b_used.val() < self.dq_cap.val()) & self.reader.ctl_room.val() {
                self.fetch.next = true;
                self.end_turn.next = ((self.b_served.val() + 1) >= self.budget.val()) | self.f_closed.val();
            }
            if self.fetch.val() {
                // Fetch the descriptor at the fetch index into bank sb (`ctl_rd`'s defaults).
                self.ctl_ar.next = true;
                self.nhf.next = (self.hf.val() + 1) & self.ring_mask_h.val();
                self.h_we.next = true;
            }
        } else if (self.op.q.val() == 2) | (self.op.q.val() == 4) {
            // Completion (2 H2C, 4 C2H): write-back, CIDX, interrupt.
            if self.op.q.val() == 4 {
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
                self.state.d.next = 1.into();
                if self.op.q.val() == 4 {
                    self.c_ans_v.d.next = true;
                    self.c_ans_ok.d.next = false;
                }
            } else if self.cm_err.q.val() & (self.op.q.val() == 2) {
                self.op.d.next = 5.into();
                self.e_code.d.next = 1.into(); // ERR_H2C_READ
                self.e_anygen.d.next = true;
            } else if self.writes.wb_room.val() {
                // (An interrupt the output cannot take now is deferred.)
                self.irq_defer.next = self.irq_raise.val() & self.irq_busy.val();
                self.state.d.next = 1.into();
                self.writes.wb_push.next = true;
                if self.op.q.val() == 4 {
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
                    self.irq_vec.d.next = bit_cast::<4, 1>((self.op.q.val() == 4).into());
                }
            }
        } else if self.op.q.val() == 3 {
            // C2H: the next buffer of the packet's function (the one at CIDX):
            // prefetched (in the slot, or still in flight: the read side hands
            // it over), else read now; then, as a second step, the descriptor
            // after it is prefetched if the host has posted it.
            if self.p_ph.q.val() {
                if self.reader.ctl_room.val() {
                    self.state.d.next = 1.into();
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
                self.state.d.next = 1.into();
                self.c_ans_v.d.next = true;
                self.c_ans_ok.d.next = false;
            } else if self.c_bad.val() {
                self.op.d.next = 5.into();
                self.e_code.d.next = 4.into(); // ERR_RING_CONFIG
                self.e_anygen.d.next = true;
            } else if self.cp.val() == self.cc.val() {
                self.op.d.next = 5.into();
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
                    self.reader.pf_wait.next = true;
                }
                if self.c_npost.val() {
                    self.p_ph.d.next = true;
                } else {
                    self.state.d.next = 1.into();
                    self.ncpf.next = false;
                    self.c_we.next = true;
                }
            } else if self.reader.ctl_room.val() {
                self.c_rd_go.next = true;
                self.c_ans_v.d.next = true;
                self.c_ans_ok.d.next = true;
                self.c_ans_gen.d.next = self.f_gen.val();
                if self.c_npost.val() {
                    self.p_ph.d.next = true;
                } else {
                    self.state.d.next = 1.into();
                }
            }
            // The one place a C2H descriptor read leaves: marked and
            // numbered if prefetched.
            if self.c_rd_go.val() {
                self.ctl_ar.next = true;
                self.ctl_rd.next.addr = self.c_rd_addr.val();
                self.ctl_rd.next.c2h = true;
                self.ctl_rd.next.prefetch = self.p_ph.q.val();
            }
        } else if self.op.q.val() == 7 {
            // Attach: the function may run. Detach: it may not, and it is
            // reset like CTRL.RESET and more (function-level reset): rings,
            // indices, run bits, errors, interrupt mask, status and pending
            // requests to their reset values, a new generation (whatever was
            // in flight for it is dropped), so that the next tenant of the
            // function finds reset values.
            if self.g_open.q.val() {
                self.state.d.next = 1.into();
                self.en_we.next = true;
            } else if !self.reader.stop_busy.val() {
                self.state.d.next = 1.into();
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
        } else if self.op.q.val() == 6 {
            // Sharing gate: open or close this function's H2C side (both
            // clear the parked mark); a close then waits for its answer.
            if self.g_open.q.val() {
                self.state.d.next = 1.into();
                self.nf_closed.next = false;
                self.nf_parked.next = false;
                self.f_we.next = true;
            } else if self.gate.close_room.val() {
                // A close starts a new closed period: a VF closed again (at
                // its ATTACH) is reported again when it has work.
                self.state.d.next = 1.into();
                self.nf_closed.next = true;
                self.nf_parked.next = false;
                self.f_we.next = true;
                self.gate.close_push.next = true;
            }
        } else if self.op.q.val() == 8 {
            // A deferred interrupt: the first unmasked pending source is
            // requested (the output is free: only this engine fills it); the
            // function leaves the queue once none is left (masked ones wait
            // for their unmask, cleared ones are dropped).
            self.state.d.next = 1.into();
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
                    self.iq.read.next = true;
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
                self.state.d.next = 1.into();
                self.stale.next = true;
                if self.e_c2h.q.val() {
                    self.c_ans_v.d.next = true;
                    self.c_ans_ok.d.next = false;
                }
            } else if !self.reader.stop_busy.val() {
                self.state.d.next = 1.into();
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
            // scheduler no longer waits for it (`reader.stop`; its banks
            // are killed below).
        }

        // ---- H2C packer (`packer.rs`): the data FIFO into `m_axis_h2c`.
        self.packer.clk.next = self.clk.val();
        self.packer.rst.next = self.rst.val();
        self.packer.push.next = self.reader.df_push.val();
        self.packer.push_data.next = self.reader.df_data.val();
        self.packer.push_meta.next = self.reader.df_meta.val();
        self.packer.m_tready.next = self.m_axis_h2c.tready.val();
        self.m_axis_h2c.tvalid.next = self.packer.m_tvalid.val();
        self.m_axis_h2c.tdata.next = self.packer.m_tdata.val();
        self.m_axis_h2c.tkeep.next = self.packer.m_tkeep.val();
        self.m_axis_h2c.tlast.next = self.packer.m_tlast.val();
        self.m_axis_h2c.tid.next = self.packer.m_tid.val();
        self.m_axis_h2c_tuser.next = self.packer.m_tuser.val();

        // ---- C2H engine (`c2h.rs`) and host writes (`writes.rs`).
        self.c2h.clk.next = self.clk.val();
        self.c2h.rst.next = self.rst.val();
        self.c2h.s_tvalid.next = self.s_axis_c2h.tvalid.val();
        self.c2h.s_tdata.next = self.s_axis_c2h.tdata.val();
        self.c2h.s_tkeep.next = self.s_axis_c2h.tkeep.val();
        self.c2h.s_tlast.next = self.s_axis_c2h.tlast.val();
        self.c2h.s_tid.next = self.s_axis_c2h.tid.val();
        self.s_axis_c2h.tready.next = self.c2h.s_tready.val();
        self.c2h.ans_valid.next = self.c_ans_v.q.val();
        self.c2h.ans_ok.next = self.c_ans_ok.q.val();
        self.c2h.ans_gen.next = self.c_ans_gen.q.val();
        self.c2h.buf_valid.next = self.c_buf_v.val() | self.reader.buf_valid.val();
        self.c2h.buf_desc.next = self.c_buf.val();
        if self.reader.buf_valid.val() {
            self.c2h.buf_desc.next = self.reader.buf_desc.val();
        }
        self.c2h.data_room.next = self.writes.data_room.val();
        self.c2h.burst_room.next = self.writes.burst_room.val();
        self.writes.clk.next = self.clk.val();
        self.writes.rst.next = self.rst.val();
        self.writes.data_push.next = self.c2h.data_push.val();
        self.writes.data.next = self.c2h.data.val();
        self.writes.strb.next = self.c2h.strb.val();
        self.writes.burst_push.next = self.c2h.burst_push.val();
        self.writes.burst.next = self.c2h.burst.val();
        self.writes.wb.next.addr = self.wb_addr.val();
        self.writes.wb.next.word = self.wb_word.val();
        self.writes.wb.next.function = self.cur_fn.q.val();
        self.m_axi_host.awvalid.next = self.writes.awvalid.val();
        self.m_axi_host.awaddr.next = self.writes.awaddr.val();
        self.m_axi_host.awlen.next = self.writes.awlen.val();
        self.m_axi_host.awsize.next = self.ar_size.val();
        self.m_axi_host.awburst.next = 1.into();
        self.m_axi_host.awuser.next = self.writes.awuser.val();
        self.writes.awready.next = self.m_axi_host.awready.val();
        self.m_axi_host.wvalid.next = self.writes.wvalid.val();
        self.m_axi_host.wdata.next = self.writes.wdata.val();
        self.m_axi_host.wstrb.next = self.writes.wstrb.val();
        self.m_axi_host.wlast.next = self.writes.wlast.val();
        self.writes.wready.next = self.m_axi_host.wready.val();
        self.writes.bvalid.next = self.m_axi_host.bvalid.val();
        self.writes.bresp.next = self.m_axi_host.bresp.val();
        self.m_axi_host.bready.next = self.writes.bready.val();

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
        self.bank0.arrive.next = self.reader.arrive.val() & !self.reader.arrive_bank.val();
        self.bank1.arrive.next = self.reader.arrive.val() & self.reader.arrive_bank.val();
        self.bank0.arrive_desc.next = self.reader.arrive_desc.val();
        self.bank1.arrive_desc.next = self.reader.arrive_desc.val();
        self.bank0.arrive_open.next = !self.reader.arrive_desc.val().eop & !self.reader.arrive_desc.val().err;
        self.bank1.arrive_open.next = !self.reader.arrive_desc.val().eop & !self.reader.arrive_desc.val().err;
        // The head of bank ib moves into the issuer's slot; the bank is
        // freed once done, drained and its last descriptor taken from the slot.
        self.dq_pop.next = !self.dq_empty.val() & self.reader.desc_room.val();
        self.bank0.pop.next = self.dq_pop.val() & !self.ib.q.val();
        self.bank1.pop.next = self.dq_pop.val() & self.ib.q.val();
        self.bank0.free.next = self.ib_done.val() & self.reader.desc_room.val() & !self.ib.q.val();
        self.bank1.free.next = self.ib_done.val() & self.reader.desc_room.val() & self.ib.q.val();
        if self.ib_done.val() & self.reader.desc_room.val() {
            self.ib.d.next = !self.ib.q.val();
        }

        // ---- H2C completions FIFO.
        self.h2c_done.write.next = self.reader.done_push.val();
        self.h2c_done.data_in.next = self.reader.done.val();
        self.h2c_done.read.next = self.hc_pop.val();

        // ---- Host reads (`reader.rs`): the issuer, AR and its tags, the read side.
        self.reader.clk.next = self.clk.val();
        self.reader.rst.next = self.rst.val();
        self.m_axi_host.arvalid.next = self.reader.arvalid.val();
        self.m_axi_host.araddr.next = self.reader.araddr.val();
        self.m_axi_host.arlen.next = self.reader.arlen.val();
        self.m_axi_host.arsize.next = self.ar_size.val();
        self.m_axi_host.arburst.next = 1.into();
        self.m_axi_host.aruser.next = self.reader.aruser.val();
        self.reader.arready.next = self.m_axi_host.arready.val();
        self.reader.rvalid.next = self.m_axi_host.rvalid.val();
        self.reader.rdata.next = self.m_axi_host.rdata.val();
        self.reader.rresp.next = self.m_axi_host.rresp.val();
        self.reader.rlast.next = self.m_axi_host.rlast.val();
        self.m_axi_host.rready.next = self.reader.rready.val();
        self.ctl_rd.next.function = self.cur_fn.q.val();
        self.reader.ctl_push.next = self.ctl_ar.val();
        self.reader.ctl_rd.next = self.ctl_rd.val();
        self.reader.desc_push.next = self.dq_pop.val();
        self.reader.desc.next = self.dq_head.val();
        self.reader.desc_killed.next = self.ib_kill.val();
        self.reader.stop.next = self.stale.val();
        self.reader.stop_fn.next = self.cur_fn.q.val();
        self.reader.done_full.next = self.hc_full.val();
        self.reader.pf_function.next = self.c2h.pkt_function.val();
        self.reader.pf_block.next = self.pf_blk.val();
        self.reader.df_pop.next = self.packer.pop.val();

        // ---- Sharing gate (`gate.rs`): requests in, closes answered in order.
        self.gate.clk.next = self.clk.val();
        self.gate.rst.next = self.rst.val();
        self.gate.s_gate_valid.next = self.s_gate_valid.val();
        self.gate.s_gate_function.next = self.s_gate_function.val();
        self.gate.s_gate_open.next = self.s_gate_open.val();
        self.gate.close_function.next = self.cur_fn.q.val();
        self.gate.bank0_busy.next = self.bank0.state.val() != BankState::Free;
        self.gate.bank0_owner.next = self.bank0.owner.val();
        self.gate.bank1_busy.next = self.bank1.state.val() != BankState::Free;
        self.gate.bank1_owner.next = self.bank1.owner.val();
        self.gate.iss_cur_v.next = self.reader.iss_cur_v.val();
        self.gate.iss_cur_fn.next = self.reader.iss_cur_fn.val();
        self.gate.iss_open_v.next = self.reader.iss_open_v.val();
        self.gate.iss_open_fn.next = self.reader.iss_open_fn.val();
        self.gate.iss_close_v.next = self.reader.iss_close_v.val();
        self.gate.iss_close_fn.next = self.reader.iss_close_fn.val();
        self.gate.iss_stop_v.next = self.reader.stop_busy.val();
        self.gate.iss_stop_fn.next = self.reader.stop_busy_fn.val();
        self.gate.packet_issued.next = self.reader.iss_end.val();
        self.gate.packet_out.next = self.packer.packet_out.val();
        self.m_gate_closed_valid.next = self.gate.m_gate_closed_valid.val();
        self.m_gate_closed_function.next = self.gate.m_gate_closed_function.val();

        // ---- Register bus answer.
        self.s_reg.resp_valid.next = self.resp_v.q.val();
        self.s_reg.resp_rdata.next = self.resp_data.q.val();
        self.s_reg.resp_error.next = self.resp_err.q.val();

        // ---- The records' RAMs are read as the operation is dispatched (at
        // the function it picks), and their words registered during the
        // operation's second cycle, before any logic uses them: the block-RAM
        // outputs feed registers only. No write can fall between the read and
        // the operation (every write ends its operation).
        self.h2c_ring.read_address.next = self.cur_fn.d.val();
        self.c2h_ring.read_address.next = self.cur_fn.d.val();
        self.fn_state.read_address.next = self.cur_fn.d.val();
        if self.state.q.val() == 2 {
            self.h_rec.d.next = self.h2c_ring.read_data.val();
            self.c_rec.d.next = self.c2h_ring.read_data.val();
            self.f_rec.d.next = self.fn_state.read_data.val();
        }

        // ---- RAM writes: clearing after reset, else the control engine's updates.
        self.h2c_ring.write_address.next = self.cur_fn.q.val();
        self.c2h_ring.write_address.next = self.cur_fn.q.val();
        self.fn_state.write_address.next = self.cur_fn.q.val();
        self.h2c_ring.write_data.next = bit_cast::<RING_BITS, 64>(self.nhb.val())
            | (bit_cast::<RING_BITS, 4>(self.nhl.val()) << 64)
            | (bit_cast::<RING_BITS, 16>(self.nhp.val()) << 68)
            | (bit_cast::<RING_BITS, 16>(self.nhc.val()) << 84)
            | (bit_cast::<RING_BITS, 16>(self.nhf.val()) << 100);
        self.c2h_ring.write_data.next = bit_cast::<C2H_RING_BITS, 64>(self.ncb.val())
            | (bit_cast::<C2H_RING_BITS, 4>(self.ncl.val()) << 64)
            | (bit_cast::<C2H_RING_BITS, 16>(self.ncp.val()) << 68)
            | (bit_cast::<C2H_RING_BITS, 16>(self.ncc.val()) << 84)
            | (bit_cast::<C2H_RING_BITS, 1>(self.ncpf.val().into()) << 100)
            | (bit_cast::<C2H_RING_BITS, 8>(self.ncseq.val()) << 101);
        self.fn_state.write_data.next = bit_cast::<FN_BITS, 2>(self.nf_run.val())
            | (bit_cast::<FN_BITS, 4>(self.nf_err.val()) << 2)
            | (bit_cast::<FN_BITS, 3>(self.nf_mask.val()) << 6)
            | (bit_cast::<FN_BITS, 3>(self.nf_stat.val()) << 9)
            | (bit_cast::<FN_BITS, 1>(self.nf_gen.val().into()) << 12)
            | (bit_cast::<FN_BITS, 1>(self.nf_closed.val().into()) << 13)
            | (bit_cast::<FN_BITS, 1>(self.nf_parked.val().into()) << 14)
            | (bit_cast::<FN_BITS, 3>(self.nf_pend.val()) << 15)
            | (bit_cast::<FN_BITS, 1>(self.nf_queued.val().into()) << 18);
        self.h2c_ring.write_enable.next = self.h_we.val();
        self.c_slot.write_address.next = self.reader.slot_function.val();
        self.c_slot.write_data.next = bit_cast::<SLOT_BITS, 64>(self.reader.slot.val().addr)
            | (bit_cast::<SLOT_BITS, 24>(self.reader.slot.val().len) << 64)
            | (bit_cast::<SLOT_BITS, 1>(self.reader.slot.val().irq.into()) << 88)
            | (bit_cast::<SLOT_BITS, 1>(self.reader.slot.val().err.into()) << 89)
            | (bit_cast::<SLOT_BITS, 8>(self.reader.slot.val().seq) << 90);
        self.c_slot.write_enable.next = self.reader.slot_write.val();
        self.c2h_ring.write_enable.next = self.c_we.val();
        self.fn_state.write_enable.next = self.f_we.val();
        self.enable_ram.write_address.next = self.cur_fn.q.val();
        self.enable_ram.write_data.next = bit_cast::<1, 1>(self.g_open.q.val().into());
        self.enable_ram.write_enable.next = self.en_we.val();
        self.weight_ram.write_address.next = self.qos_in.m_data.val().get_bits::<FW>(0);
        self.weight_ram.write_data.next = self.qos_in.m_data.val().get_bits::<8>(11);
        self.weight_ram.write_enable.next = self.qos_in.m_valid.val() & (self.qos_in.m_data.val().get_bits::<FW>(0) <= self.last_function.val());
        if self.state.q.val() == 0 {
            self.h2c_ring.write_address.next = self.clear_addr.q.val();
            self.c2h_ring.write_address.next = self.clear_addr.q.val();
            // (No read is in flight yet: the prefetch slots are free to clear;
            // a slot kept over a reset could match a new prefetch's number.)
            self.c_slot.write_address.next = self.clear_addr.q.val();
            self.c_slot.write_data.next = 0.into();
            self.c_slot.write_enable.next = true;
            self.fn_state.write_address.next = self.clear_addr.q.val();
            self.enable_ram.write_address.next = self.clear_addr.q.val();
            self.weight_ram.write_address.next = self.clear_addr.q.val();
            self.h2c_ring.write_data.next = 0.into();
            self.c2h_ring.write_data.next = 0.into();
            self.fn_state.write_data.next = 0.into();
            self.enable_ram.write_data.next = 0.into();
            self.weight_ram.write_data.next = 1.into();
            self.h2c_ring.write_enable.next = true;
            self.c2h_ring.write_enable.next = true;
            self.fn_state.write_enable.next = true;
            self.enable_ram.write_enable.next = true;
            self.weight_ram.write_enable.next = true;
        }

        if self.rst.val() {
            self.state.d.next = 0.into();
            self.clear_addr.d.next = 0.into();
            self.scan_fn.d.next = 0.into();
            self.ib.d.next = false;
            self.resp_v.d.next = false;
            self.c_ans_v.d.next = false;
            self.p_ph.d.next = false;
            self.irq_v.d.next = false;
            self.wt_v.d.next = false;
        }
    }
}
