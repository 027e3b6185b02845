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
//! FIFOs are `fifo.rs`'s. The control engine, the issuer and the read side
//! are still written here (issue 13: to be split further).
//!
//! Boundaries (DESIGN.md, timing rules): every input enters through a
//! register slice (`skid.rs`: here, or in `c2h.rs`, `writes.rs`, `gate.rs`);
//! W, the interrupt request and the waiting report leave through one; AR,
//! AW, H2C, the register answers and the gate answers come from registers.
//! No output follows an input within a cycle, and none of a child block's
//! does either (between the children, every handshake is a register on one
//! side and a credit computed from registers on the other). Block-RAM read
//! data feeds registers before logic: the control engine's records, the
//! read tags (tests/dma.rs checks the boundaries).

mod bank;
mod c2h;
mod ctrl;
pub mod desc;
mod gate;
mod packer;
mod writes;
pub mod regs;

use crate::axi::AxiMaster;
use crate::axis::{AxisMaster, AxisSlave};
use crate::regbus::RegBusSlave;
use crate::fifo::Fifo;
use crate::skid::Skid;
use crate::{FUNCTION_ID_BITS as FW, MAX_FUNCTIONS};
use c2h::C2hEngine;
use ctrl::DmaCtrl;
use gate::DmaGate;
use desc::{C2hBuf, DataMeta, H2cDesc, H2cDone};
use writes::DmaWrites;
use packer::H2cPacker;
use rust_hdl::prelude::*;

/// Read tag: kind (1:0: 0 data, 1 H2C descriptor, 2 close packet, 3 C2H
/// descriptor), function (12:2), first-beat offset (19:13), bytes (32:20),
/// end of packet (33), last burst of its descriptor (34), generation (35),
/// descriptor length (59:36), interrupt flag (60), descriptor bank (61),
/// bytes of the first beat (69:62: min(beat - offset, bytes), computed at the push).
const TAG_BITS: usize = 70;
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
    // register slice (the register bus, `s_qos`, `s_fnctl`: in `ctrl.rs`; C2H
    // and B: in `c2h.rs`, `writes.rs`); outputs whose valid/data are not
    // already registers (W: in `writes.rs`; the irq and waiting handshakes:
    // in `ctrl.rs`) leave through one.
    r_data_in: Skid<Bits<DW>>,
    /// R side word: resp (1:0), last (2).
    r_side_in: Skid<Bits<3>>,
    r_ready: Signal<Local, Bit>,

    // ---- configuration
    kw: Constant<Bits<8>>,
    kw_mask: Constant<Bits<8>>,
    log2_kw: Constant<Bits<8>>,
    ar_size: Constant<Bits<3>>,
    max_burst: Constant<Bits<13>>,
    max_outstanding: Constant<Bits<6>>,
    df_cap: Constant<Bits<10>>,
    data_all: Constant<Bits<DW>>,

    /// The control engine, the per-function state and the descriptor banks.
    ctrl: DmaCtrl,
    /// The data FIFO and the packer behind `m_axis_h2c`.
    packer: H2cPacker<DW, KW, DW2>,
    /// The C2H engine and the host writes (AW, W, B).
    c2h: C2hEngine<DW, KW, DW2>,
    writes: DmaWrites<DW, KW>,
    /// The sharing gate's request FIFO and close answers.
    gate: DmaGate,
    // AR channel and read tags (in AXI order, a FIFO of 64 in block RAM)
    ar_valid: DFF<Bit>,
    ar_addr: DFF<Bits<64>>,
    ar_len: DFF<Bits<8>>,
    ar_user: DFF<Bits<FW>>,
    tag_fifo: Fifo<Bits<TAG_BITS>, 6, 7>,
    /// The tag at the head, registered out of the FIFO's block RAM before
    /// the read side's logic (a register slice: no bubble between tags).
    tag_head: Skid<Bits<TAG_BITS>>,
    outstanding: DFF<Bits<6>>,
    // read side
    rc_first: DFF<Bit>,
    rc_left: DFF<Bits<13>>,
    /// Bytes of the next beat of the burst on R (after its first), a beat ahead.
    rc_n: DFF<Bits<8>>,
    d_acc: DFF<Bits<DW2>>,
    d_fill: DFF<Bits<8>>,
    d_err: DFF<Bit>,
    rd_err: DFF<Bit>,
    /// The packet on the read side lost data to an error answer: the rest of
    /// its bytes are dropped and its end is flagged.
    cut: DFF<Bit>,
    /// Data FIFO (512 beats, in the packer) entries reserved by the issuer.
    dres: DFF<Bits<10>>,
    // H2C issuer
    i_state: DFF<Bit>,
    i_fn: DFF<Bits<FW>>,
    i_gen: DFF<Bit>,
    i_eop: DFF<Bit>,
    i_irq: DFF<Bit>,
    i_len: DFF<Bits<24>>,
    i_any: DFF<Bit>,
    b_addr: DFF<Bits<64>>,
    b_left: DFF<Bits<24>>,
    i_open: DFF<Bit>,
    i_open_fn: DFF<Bits<FW>>,
    close_pend: DFF<Bit>,
    close_fn: DFF<Bits<FW>>,

    // ---- combinational temporaries
    /// A buffer for the C2H engine this cycle (read side or prefetch slot).
    c_buf_v: Signal<Local, Bit>,
    c_buf: Signal<Local, C2hBuf>,
    pf_arr: Signal<Local, Bit>,
    pf_blk: Signal<Local, Bit>,
    slot_we: Signal<Local, Bit>,
    ar_free: Signal<Local, Bit>,
    ar_fire: Signal<Local, Bit>,
    ctl_ar: Signal<Local, Bit>,
    tag_push: Signal<Local, Bit>,
    tag_in: Signal<Local, Bits<TAG_BITS>>,
    t_bank: Signal<Local, Bit>,
    dq_in: Signal<Local, H2cDesc>,
    dq_head: Signal<Local, H2cDesc>,
    dq_empty: Signal<Local, Bit>,
    ib_kill: Signal<Local, Bit>,
    out_inc: Signal<Local, Bit>,
    out_dec: Signal<Local, Bit>,
    dres_inc: Signal<Local, Bits<10>>,
    // read side
    tags_empty: Signal<Local, Bit>,
    tags_full: Signal<Local, Bit>,
    tags_head: Signal<Local, Bits<TAG_BITS>>,
    tag_word: Signal<Local, Bits<TAG_BITS>>,
    tag_n0: Signal<Local, Bits<8>>,
    rb_rest: Signal<Local, Bits<13>>,
    t_kind: Signal<Local, Bits<2>>,
    t_fn: Signal<Local, Bits<FW>>,
    t_s: Signal<Local, Bits<8>>,
    t_bytes: Signal<Local, Bits<13>>,
    t_eop: Signal<Local, Bit>,
    t_lastd: Signal<Local, Bit>,
    t_gen: Signal<Local, Bit>,
    t_len: Signal<Local, Bits<24>>,
    t_irq: Signal<Local, Bit>,
    rb_s: Signal<Local, Bits<8>>,
    rb_left: Signal<Local, Bits<13>>,
    rb_n: Signal<Local, Bits<8>>,
    rb_data: Signal<Local, Bits<DW2>>,
    r_bad: Signal<Local, Bit>,
    r_fire: Signal<Local, Bit>,
    tag_pop: Signal<Local, Bit>,
    d_acc_nx: Signal<Local, Bits<DW2>>,
    d_err_nx: Signal<Local, Bit>,
    dq_push: Signal<Local, Bit>,
    dq_pop: Signal<Local, Bit>,
    df_push: Signal<Local, Bit>,
    df_in_data: Signal<Local, Bits<DW>>,
    df_in_meta: Signal<Local, DataMeta>,
    // issuer
    burst: Signal<Local, Bits<24>>,
    room: Signal<Local, Bits<24>>,
    beats: Signal<Local, Bits<24>>,
    i_ok: Signal<Local, Bit>,
    cut_nx: Signal<Local, Bit>,
    hc_full: Signal<Local, Bit>,
    hc_push: Signal<Local, Bit>,
    hc_in: Signal<Local, H2cDone>,
    iss_end: Signal<Local, Bit>,
}

/// A constant of any width, for the configuration fields.
fn cst<const N: usize>(v: u64) -> Constant<Bits<N>> {
    Constant::new(v.into())
}

impl<const DW: usize, const KW: usize, const DW2: usize> Dma<DW, KW, DW2> {
    pub fn new(p: DmaParams) -> Self {
        assert!(DW == KW * 8 && DW2 == 2 * DW, "DW = 8 KW and DW2 = 2 DW");
        p.validate(DW).unwrap_or_else(|e| panic!("dma: {e}"));
        let mut data_all: Bits<DW> = Bits::default();
        for i in 0..DW {
            data_all = data_all.replace_bit(i, true);
        }
        Self {
            r_data_in: Default::default(),
            r_side_in: Default::default(),
            ctrl: DmaCtrl::new(p.functions),
            packer: Default::default(),
            c2h: C2hEngine::new(p.functions, p.max_burst.min(32 * KW)),
            writes: Default::default(),
            gate: Default::default(),
            r_ready: Default::default(),
            kw: cst(KW as u64),
            kw_mask: cst(KW as u64 - 1),
            log2_kw: cst(KW.trailing_zeros() as u64),
            ar_size: cst(KW.trailing_zeros() as u64),
            max_burst: cst(p.max_burst as u64),
            max_outstanding: cst(p.outstanding as u64),
            df_cap: cst(DATA_FIFO_BEATS as u64),
            data_all: Constant::new(data_all),
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
            ar_valid: Default::default(),
            ar_addr: Default::default(),
            ar_len: Default::default(),
            ar_user: Default::default(),
            tag_fifo: Default::default(),
            tag_head: Default::default(),
            outstanding: Default::default(),
            rc_first: Default::default(),
            rc_left: Default::default(),
            rc_n: Default::default(),
            d_acc: Default::default(),
            d_fill: Default::default(),
            d_err: Default::default(),
            rd_err: Default::default(),
            cut: Default::default(),
            dres: Default::default(),
            i_state: Default::default(),
            i_fn: Default::default(),
            i_gen: Default::default(),
            i_eop: Default::default(),
            i_irq: Default::default(),
            i_len: Default::default(),
            i_any: Default::default(),
            b_addr: Default::default(),
            b_left: Default::default(),
            i_open: Default::default(),
            i_open_fn: Default::default(),
            close_pend: Default::default(),
            close_fn: Default::default(),
            c_buf_v: Default::default(),
            c_buf: Default::default(),
            pf_arr: Default::default(),
            pf_blk: Default::default(),
            slot_we: Default::default(),
            ar_free: Default::default(),
            ar_fire: Default::default(),
            ctl_ar: Default::default(),
            tag_push: Default::default(),
            tag_in: Default::default(),
            out_inc: Default::default(),
            out_dec: Default::default(),
            dres_inc: Default::default(),
            tags_empty: Default::default(),
            tags_full: Default::default(),
            tags_head: Default::default(),
            tag_word: Default::default(),
            tag_n0: Default::default(),
            rb_rest: Default::default(),
            t_kind: Default::default(),
            t_fn: Default::default(),
            t_s: Default::default(),
            t_bytes: Default::default(),
            t_eop: Default::default(),
            t_lastd: Default::default(),
            t_gen: Default::default(),
            t_len: Default::default(),
            t_irq: Default::default(),
            rb_s: Default::default(),
            rb_left: Default::default(),
            rb_n: Default::default(),
            rb_data: Default::default(),
            r_bad: Default::default(),
            r_fire: Default::default(),
            tag_pop: Default::default(),
            d_acc_nx: Default::default(),
            d_err_nx: Default::default(),
            dq_push: Default::default(),
            dq_pop: Default::default(),
            df_push: Default::default(),
            df_in_data: Default::default(),
            df_in_meta: Default::default(),
            burst: Default::default(),
            room: Default::default(),
            beats: Default::default(),
            i_ok: Default::default(),
            cut_nx: Default::default(),
            hc_full: Default::default(),
            hc_push: Default::default(),
            hc_in: Default::default(),
            t_bank: Default::default(),
            dq_in: Default::default(),
            dq_head: Default::default(),
            dq_empty: Default::default(),
            ib_kill: Default::default(),
            iss_end: Default::default(),
        }
    }
}

impl<const DW: usize, const KW: usize, const DW2: usize> Logic for Dma<DW, KW, DW2> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clk, ar_valid, ar_addr, ar_len, ar_user, outstanding, rc_first, rc_left, rc_n, d_acc, d_fill, d_err,
            rd_err, cut, dres, i_state, i_fn, i_gen, i_eop, i_irq, i_len, i_any, b_addr, b_left, i_open, i_open_fn,
            close_pend, close_fn
        );
        // ---- Registered boundary: the register slices' clocks, resets and outer sides.
        self.r_data_in.clk.next = self.clk.val();
        self.r_side_in.clk.next = self.clk.val();
        self.r_data_in.rst.next = self.rst.val();
        self.r_side_in.rst.next = self.rst.val();
        self.r_data_in.s_valid.next = self.m_axi_host.rvalid.val();
        self.r_side_in.s_valid.next = self.m_axi_host.rvalid.val();
        self.r_data_in.s_data.next = self.m_axi_host.rdata.val();
        self.r_side_in.s_data.next = bit_cast::<3, 2>(self.m_axi_host.rresp.val())
            | (bit_cast::<3, 1>(self.m_axi_host.rlast.val().into()) << 2);
        self.m_axi_host.rready.next = self.r_data_in.s_ready.val();
        self.tag_fifo.clk.next = self.clk.val();
        self.tag_fifo.rst.next = self.rst.val();
        self.tag_head.clk.next = self.clk.val();
        self.tag_head.rst.next = self.rst.val();

        // ---- The control engine (`ctrl.rs`): the register bus, the
        // interrupt request, `s_qos`, `s_fnctl`, the waiting report.
        self.ctrl.clk.next = self.clk.val();
        self.ctrl.rst.next = self.rst.val();
        self.ctrl.s_reg.req_valid.next = self.s_reg.req_valid.val();
        self.ctrl.s_reg.req_write.next = self.s_reg.req_write.val();
        self.ctrl.s_reg.req_function.next = self.s_reg.req_function.val();
        self.ctrl.s_reg.req_addr.next = self.s_reg.req_addr.val();
        self.ctrl.s_reg.req_wdata.next = self.s_reg.req_wdata.val();
        self.ctrl.s_reg.req_wstrb.next = self.s_reg.req_wstrb.val();
        self.s_reg.req_ready.next = self.ctrl.s_reg.req_ready.val();
        self.s_reg.resp_valid.next = self.ctrl.s_reg.resp_valid.val();
        self.s_reg.resp_rdata.next = self.ctrl.s_reg.resp_rdata.val();
        self.s_reg.resp_error.next = self.ctrl.s_reg.resp_error.val();
        self.irq_valid.next = self.ctrl.irq_valid.val();
        self.irq_function.next = self.ctrl.irq_function.val();
        self.irq_vector.next = self.ctrl.irq_vector.val();
        self.ctrl.irq_ready.next = self.irq_ready.val();
        self.ctrl.s_qos_valid.next = self.s_qos_valid.val();
        self.ctrl.s_qos_function.next = self.s_qos_function.val();
        self.ctrl.s_qos_weight.next = self.s_qos_weight.val();
        self.ctrl.s_fnctl_valid.next = self.s_fnctl_valid.val();
        self.ctrl.s_fnctl_function.next = self.s_fnctl_function.val();
        self.ctrl.s_fnctl_enable.next = self.s_fnctl_enable.val();
        self.m_waiting_valid.next = self.ctrl.m_waiting_valid.val();
        self.m_waiting_function.next = self.ctrl.m_waiting_function.val();
        self.ctrl.m_waiting_ready.next = self.m_waiting_ready.val();
        self.ctrl.gate_req_valid.next = self.gate.req_valid.val();
        self.ctrl.gate_req_function.next = self.gate.req_function.val();
        self.ctrl.gate_req_open.next = self.gate.req_open.val();
        self.gate.req_take.next = self.ctrl.gate_req_take.val();
        self.ctrl.close_room.next = self.gate.close_room.val();
        self.gate.close_push.next = self.ctrl.close_push.val();
        self.gate.close_function.next = self.ctrl.close_function.val();
        self.ctrl.berr_valid.next = self.writes.berr_valid.val();
        self.ctrl.berr_function.next = self.writes.berr_function.val();
        self.writes.berr_take.next = self.ctrl.berr_take.val();
        self.ctrl.wb_room.next = self.writes.wb_room.val();
        self.ctrl.wb_idle.next = self.writes.wb_idle.val();
        self.writes.wb_push.next = self.ctrl.wb_push.val();
        self.writes.wb.next = self.ctrl.wb.val();
        self.ctrl.c2h_req_valid.next = self.c2h.req_valid.val();
        self.ctrl.c2h_req_kind.next = self.c2h.req_kind.val();
        self.ctrl.c2h_req.next = self.c2h.req.val();
        self.c2h.req_take.next = self.ctrl.c2h_req_take.val();
        // The banks' heads for the issuer; what the read side hands over.
        self.dq_empty.next = self.ctrl.dq_empty.val();
        self.dq_head.next = self.ctrl.dq_head.val();
        self.ib_kill.next = self.ctrl.ib_kill.val();
        self.hc_full.next = self.ctrl.hc_full.val();
        self.pf_blk.next = self.ctrl.pf_block.val();
        self.ctrl.ie_push.next = false;
        self.ctrl.ie_function.next = self.dq_head.val().function;
        self.ctrl.ie_generation.next = self.dq_head.val().gen;
        self.ctrl.ie_error_code.next = 3.into(); // ERR_ZERO_LENGTH
        self.ctrl.k_take.next = false;
        self.ctrl.pf_got.next = false;

        // ---- Defaults.
        self.tag_push.next = false;
        self.tag_in.next = 0.into();
        self.out_inc.next = false;
        self.out_dec.next = false;
        self.dres_inc.next = 0.into();
        self.dq_push.next = false;
        self.dq_pop.next = false;
        self.df_push.next = false;
        self.ar_fire.next = self.ar_valid.q.val() & self.m_axi_host.arready.val();
        if self.ar_fire.val() {
            self.ar_valid.d.next = false;
        }
        self.ar_free.next = !self.ar_valid.q.val() | self.m_axi_host.arready.val();
        self.tags_full.next = self.tag_fifo.count.val() >= 62;
        self.hc_push.next = false;
        self.iss_end.next = false;
        // The control engine's descriptor read (ahead of the issuer's): an
        // H2C descriptor read tag (kind 1, of bank and generation) or a C2H
        // one (kind 3, marked (bit 34) and numbered (43:36) if prefetched).
        self.ctl_ar.next = self.ctrl.rd_valid.val() & self.ar_free.val() & !self.tags_full.val();
        self.ctrl.rd_take.next = self.ctl_ar.val();
        if self.ctl_ar.val() {
            self.ar_valid.d.next = true;
            self.ar_addr.d.next = self.ctrl.rd.val().addr;
            self.ar_len.d.next =
                ((bit_cast::<8, 64>(self.ctrl.rd.val().addr) & self.kw_mask.val()) + 15) >> self.log2_kw.val();
            self.ar_user.d.next = self.ctrl.rd.val().function;
            self.tag_push.next = true;
            self.tag_in.next = bit_cast::<TAG_BITS, 2>(1.into())
                | (bit_cast::<TAG_BITS, 1>(self.ctrl.rd.val().c2h.into()) << 1)
                | (bit_cast::<TAG_BITS, FW>(self.ctrl.rd.val().function) << 2)
                | (bit_cast::<TAG_BITS, 8>(bit_cast::<8, 64>(self.ctrl.rd.val().addr) & self.kw_mask.val()) << 13)
                | (bit_cast::<TAG_BITS, 13>(16.into()) << 20)
                | (bit_cast::<TAG_BITS, 1>(self.ctrl.rd.val().prefetch.into()) << 34)
                | (bit_cast::<TAG_BITS, 1>(self.ctrl.rd.val().gen.into()) << 35)
                | (bit_cast::<TAG_BITS, 8>(self.ctrl.rd.val().seq) << 36)
                | (bit_cast::<TAG_BITS, 1>(self.ctrl.rd.val().bank.into()) << 61);
        }

        // ---- Read side: R beats sorted by the tag at the head of the tag FIFO.
        self.tags_empty.next = !self.tag_head.m_valid.val();
        self.tags_head.next = self.tag_head.m_data.val();
        self.t_kind.next = self.tags_head.val().get_bits::<2>(0);
        self.t_fn.next = self.tags_head.val().get_bits::<FW>(2);
        self.t_s.next = bit_cast::<8, 7>(self.tags_head.val().get_bits::<7>(13));
        self.t_bytes.next = self.tags_head.val().get_bits::<13>(20);
        self.t_eop.next = self.tags_head.val().get_bit(33);
        self.t_lastd.next = self.tags_head.val().get_bit(34);
        self.t_gen.next = self.tags_head.val().get_bit(35);
        self.t_len.next = self.tags_head.val().get_bits::<24>(36);
        self.t_irq.next = self.tags_head.val().get_bit(60);
        self.t_bank.next = self.tags_head.val().get_bit(61);
        self.hc_in.next.function = self.t_fn.val();
        self.hc_in.next.gen = self.t_gen.val();
        self.hc_in.next.len = self.t_len.val();
        self.hc_in.next.eop = self.t_eop.val();
        self.hc_in.next.irq = self.t_irq.val();
        self.hc_in.next.err = false;
        // The beat's first byte and byte count (the first beat's from its
        // tag, the next ones' a beat ahead: no arithmetic before the shift).
        self.rb_s.next = 0.into();
        self.rb_left.next = self.rc_left.q.val();
        self.rb_n.next = self.rc_n.q.val();
        if self.rc_first.q.val() {
            self.rb_s.next = self.t_s.val();
            self.rb_left.next = self.t_bytes.val();
            self.rb_n.next = self.tags_head.val().get_bits::<8>(62);
        }
        self.rb_rest.next = self.rb_left.val() - bit_cast::<13, 8>(self.rb_n.val());
        self.r_bad.next = self.r_side_in.m_data.val().get_bits::<2>(0) != 0;
        self.rb_data.next = bit_cast::<DW2, DW>(
            (self.r_data_in.m_data.val() >> (bit_cast::<11, 8>(self.rb_s.val()) << 3))
                & (self.data_all.val() >> (bit_cast::<11, 8>(self.kw.val() - self.rb_n.val()) << 3)),
        );
        if self.r_bad.val() {
            self.rb_data.next = 0.into();
        }
        self.d_acc_nx.next = self.d_acc.q.val() | (self.rb_data.val() << (bit_cast::<11, 8>(self.d_fill.q.val()) << 3));
        self.d_err_nx.next = self.d_err.q.val() | self.r_bad.val();
        if self.rc_first.q.val() {
            self.d_acc_nx.next = self.rb_data.val();
            self.d_err_nx.next = self.r_bad.val();
        }
        // A fetched H2C descriptor: bytes 0-11 and the flags' low bits.
        self.dq_in.next.addr = self.d_acc_nx.val().get_bits::<64>(0);
        self.dq_in.next.len = self.d_acc_nx.val().get_bits::<24>(64);
        self.dq_in.next.eop = self.d_acc_nx.val().get_bit(96);
        self.dq_in.next.irq = self.d_acc_nx.val().get_bit(97);
        self.dq_in.next.function = self.t_fn.val();
        self.dq_in.next.gen = self.t_gen.val();
        self.dq_in.next.err = self.d_err_nx.val();
        // A C2H buffer: bytes 0-11 and the interrupt flag.
        self.c_buf_v.next = false;
        self.c_buf.next.addr = self.d_acc_nx.val().get_bits::<64>(0);
        self.c_buf.next.len = self.d_acc_nx.val().get_bits::<24>(64);
        self.c_buf.next.irq = self.d_acc_nx.val().get_bit(97);
        self.c_buf.next.err = self.d_err_nx.val();
        self.df_in_data.next = bit_cast::<DW, DW2>(self.rb_data.val());
        // After an error answer the packet's bytes are dropped (entries of no
        // byte) and its end is flagged.
        self.cut_nx.next = self.cut.q.val() | self.r_bad.val();
        self.df_in_meta.next.bytes = self.rb_n.val();
        self.df_in_meta.next.function = self.t_fn.val();
        self.df_in_meta.next.eop = self.r_side_in.m_data.val().get_bit(2) & self.t_eop.val();
        self.df_in_meta.next.cut = self.cut_nx.val();
        if self.cut_nx.val() {
            self.df_in_data.next = 0.into();
            self.df_in_meta.next.bytes = 0.into();
        }
        self.r_ready.next = false;
        self.tag_pop.next = false;
        self.r_fire.next = false;
        self.slot_we.next = false;
        self.pf_arr.next = (self.t_kind.val() == 3) & self.t_lastd.val();
        if !self.tags_empty.val() {
            if self.t_kind.val() == 2 {
                // End the packet of a function stopped in its middle (room reserved).
                self.df_push.next = true;
                self.df_in_data.next = 0.into();
                self.df_in_meta.next.bytes = 0.into();
                self.df_in_meta.next.eop = true;
                self.df_in_meta.next.cut = true;
                self.tag_pop.next = true;
                self.cut.d.next = false;
            } else if self.t_kind.val() == 0 {
                // Data: its room in the data FIFO was reserved with the burst.
                self.r_ready.next = !(self.t_lastd.val() & self.hc_full.val());
                self.r_fire.next = self.r_data_in.m_valid.val() & !(self.t_lastd.val() & self.hc_full.val());
                if self.r_fire.val() {
                    self.df_push.next = true;
                    self.cut.d.next = self.cut_nx.val() & !(self.r_side_in.m_data.val().get_bit(2) & self.t_eop.val());
                    self.rd_err.d.next = self.rd_err.q.val() | self.r_bad.val();
                    if self.r_side_in.m_data.val().get_bit(2) {
                        self.out_dec.next = true;
                        if self.t_lastd.val() {
                            // The descriptor's data is all in: its completion.
                            self.rd_err.d.next = false;
                            self.hc_push.next = true;
                            self.hc_in.next.err = self.rd_err.q.val() | self.r_bad.val();
                        }
                    }
                }
            } else {
                // A descriptor: assembled, then to the issuer (H2C), the C2H
                // engine or its function's prefetch slot (a prefetch waits
                // while the control engine reads the slot for a buffer).
                self.r_ready.next = !(self.pf_arr.val() & self.pf_blk.val());
                self.r_fire.next = self.r_data_in.m_valid.val() & !(self.pf_arr.val() & self.pf_blk.val());
                if self.r_fire.val() {
                    self.d_acc.d.next = self.d_acc_nx.val();
                    self.d_err.d.next = self.d_err_nx.val();
                    if self.rc_first.q.val() {
                        self.d_fill.d.next = self.rb_n.val();
                    } else {
                        self.d_fill.d.next = self.d_fill.q.val() + self.rb_n.val();
                    }
                    if self.r_side_in.m_data.val().get_bit(2) {
                        if self.t_kind.val() == 1 {
                            // Into its bank; whether it leaves a packet open
                            // (not if its read failed: the issuer stops the
                            // function with DESC_READ when it takes it).
                            self.dq_push.next = true;
                        } else if self.pf_arr.val() {
                            // A C2H prefetch: into the slot; to the C2H engine
                            // too if it waits for this one.
                            self.slot_we.next = true;
                            if self.ctrl.pf_wait.val()
                                & (self.c2h.pkt_function.val() == self.t_fn.val())
                                & (self.ctrl.pf_seq.val() == self.t_len.val().get_bits::<8>(0))
                            {
                                self.ctrl.pf_got.next = true;
                                self.c_buf_v.next = true;
                            }
                        } else {
                            self.c_buf_v.next = true;
                        }
                    }
                }
            }
        }
        if self.r_fire.val() {
            self.rc_first.d.next = self.r_side_in.m_data.val().get_bit(2);
            self.rc_left.d.next = self.rb_rest.val();
            self.rc_n.d.next = self.kw.val();
            if self.rb_rest.val() < bit_cast::<13, 8>(self.kw.val()) {
                self.rc_n.d.next = bit_cast::<8, 13>(self.rb_rest.val());
            }
            if self.r_side_in.m_data.val().get_bit(2) {
                self.tag_pop.next = true;
            }
        }


        // ---- H2C issuer: descriptors in fetch order, their data in bursts.
        self.burst.next = self.b_left.q.val();
        self.room.next = bit_cast::<24, 13>(self.max_burst.val())
            - (bit_cast::<24, 64>(self.b_addr.q.val()) & (bit_cast::<24, 13>(self.max_burst.val()) - 1));
        if self.room.val() < self.b_left.q.val() {
            self.burst.next = self.room.val();
        }
        self.beats.next = ((bit_cast::<24, 64>(self.b_addr.q.val()) & bit_cast::<24, 8>(self.kw_mask.val()))
            + self.burst.val()
            + bit_cast::<24, 8>(self.kw_mask.val()))
            >> bit_cast::<24, 8>(self.log2_kw.val());
        self.i_ok.next = !self.ctl_ar.val()
            & self.ar_free.val()
            & !self.tags_full.val()
            & (self.outstanding.q.val() < self.max_outstanding.val())
            & ((bit_cast::<24, 10>(self.dres.q.val()) + self.beats.val() + 8) <= bit_cast::<24, 10>(self.df_cap.val()));
        if self.ctrl.k_valid.val() & !self.close_pend.q.val() {
            // A function stopped or reset: end its open packet, drop its descriptor.
            self.ctrl.k_take.next = true;
            if ((self.i_state.q.val() & (self.i_fn.q.val() == self.ctrl.k_function.val())) & self.i_any.q.val())
                | (self.i_open.q.val() & (self.i_open_fn.q.val() == self.ctrl.k_function.val()))
            {
                self.close_pend.d.next = true;
                self.close_fn.d.next = self.ctrl.k_function.val();
                self.i_open.d.next = false;
            }
            if self.i_state.q.val() & (self.i_fn.q.val() == self.ctrl.k_function.val()) {
                self.i_state.d.next = false;
            }
        } else if !self.i_state.q.val() {
            if self.close_pend.q.val() {
                // Waits for the end-of-packet entry below.
            } else if !self.dq_empty.val() {
                if self.ib_kill.val() {
                    // Of a function stopped or reset since its fetch: dropped.
                    self.dq_pop.next = true;
                } else if self.dq_head.val().err | (self.dq_head.val().len == 0) {
                    if !self.ctrl.ie_full.val() {
                        self.dq_pop.next = true;
                        self.ctrl.ie_push.next = true;
                        if self.dq_head.val().err {
                            self.ctrl.ie_error_code.next = 6.into(); // ERR_DESC_READ
                        }
                        if self.i_open.q.val() & (self.i_open_fn.q.val() == self.dq_head.val().function) {
                            self.close_pend.d.next = true;
                            self.close_fn.d.next = self.dq_head.val().function;
                            self.i_open.d.next = false;
                        }
                    }
                } else {
                    self.dq_pop.next = true;
                    self.i_state.d.next = true;
                    self.i_fn.d.next = self.dq_head.val().function;
                    self.i_gen.d.next = self.dq_head.val().gen;
                    self.i_eop.d.next = self.dq_head.val().eop;
                    self.i_irq.d.next = self.dq_head.val().irq;
                    self.i_len.d.next = self.dq_head.val().len;
                    self.i_any.d.next = false;
                    self.b_addr.d.next = self.dq_head.val().addr;
                    self.b_left.d.next = self.dq_head.val().len;
                }
            }
        } else if self.i_ok.val() {
            self.ar_valid.d.next = true;
            self.ar_addr.d.next = self.b_addr.q.val();
            self.ar_len.d.next = bit_cast::<8, 24>(self.beats.val() - 1);
            self.ar_user.d.next = self.i_fn.q.val();
            self.tag_push.next = true;
            self.tag_in.next = (bit_cast::<TAG_BITS, FW>(self.i_fn.q.val()) << 2)
                | (bit_cast::<TAG_BITS, 8>(self.b_addr.q.val().get_bits::<8>(0) & self.kw_mask.val()) << 13)
                | (bit_cast::<TAG_BITS, 24>(self.burst.val()) << 20)
                | (bit_cast::<TAG_BITS, 1>((self.i_eop.q.val() & (self.burst.val() == self.b_left.q.val())).into()) << 33)
                | (bit_cast::<TAG_BITS, 1>((self.burst.val() == self.b_left.q.val()).into()) << 34)
                | (bit_cast::<TAG_BITS, 1>(self.i_gen.q.val().into()) << 35)
                | (bit_cast::<TAG_BITS, 24>(self.i_len.q.val()) << 36)
                | (bit_cast::<TAG_BITS, 1>(self.i_irq.q.val().into()) << 60);
            self.out_inc.next = true;
            self.iss_end.next = self.i_eop.q.val() & (self.burst.val() == self.b_left.q.val());
            self.dres_inc.next = bit_cast::<10, 24>(self.beats.val());
            self.b_addr.d.next = self.b_addr.q.val() + bit_cast::<64, 24>(self.burst.val());
            self.b_left.d.next = self.b_left.q.val() - self.burst.val();
            self.i_any.d.next = true;
            if self.burst.val() == self.b_left.q.val() {
                self.i_state.d.next = false;
                self.i_open.d.next = !self.i_eop.q.val();
                self.i_open_fn.d.next = self.i_fn.q.val();
            }
        }
        if self.close_pend.q.val() & !self.tag_push.val() & !self.tags_full.val() & (self.dres.q.val() < self.df_cap.val()) {
            // The end of a stopped function's packet, after its data in flight.
            self.tag_push.next = true;
            self.tag_in.next = bit_cast::<TAG_BITS, 2>(2.into()) | (bit_cast::<TAG_BITS, FW>(self.close_fn.q.val()) << 2);
            self.dres_inc.next = 1.into();
            self.close_pend.d.next = false;
            self.iss_end.next = true;
        }

        // ---- H2C packer (`packer.rs`): the data FIFO into `m_axis_h2c`.
        self.packer.clk.next = self.clk.val();
        self.packer.rst.next = self.rst.val();
        self.packer.push.next = self.df_push.val();
        self.packer.push_data.next = self.df_in_data.val();
        self.packer.push_meta.next = self.df_in_meta.val();
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
        self.c2h.ans_valid.next = self.ctrl.c2h_ans_valid.val();
        self.c2h.ans_ok.next = self.ctrl.c2h_ans_ok.val();
        self.c2h.ans_gen.next = self.ctrl.c2h_ans_gen.val();
        // A buffer from the read side, or out of the prefetch slot (never both).
        self.c2h.buf_valid.next = self.c_buf_v.val() | self.ctrl.slot_buf_valid.val();
        self.c2h.buf_desc.next = self.c_buf.val();
        if self.ctrl.slot_buf_valid.val() {
            self.c2h.buf_desc.next = self.ctrl.slot_buf.val();
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
        // ---- The control engine's inputs from the read side and the issuer:
        // H2C completions, arrivals into the banks, C2H prefetches into the slots.
        self.ctrl.hc_push.next = self.hc_push.val();
        self.ctrl.hc_in.next = self.hc_in.val();
        self.ctrl.arrive.next = self.dq_push.val();
        self.ctrl.arrive_bank.next = self.t_bank.val();
        self.ctrl.arrive_desc.next = self.dq_in.val();
        self.ctrl.dq_pop.next = self.dq_pop.val();
        self.ctrl.slot_write.next = self.slot_we.val();
        self.ctrl.slot_function.next = self.t_fn.val();
        self.ctrl.slot.next.addr = self.d_acc_nx.val().get_bits::<64>(0);
        self.ctrl.slot.next.len = self.d_acc_nx.val().get_bits::<24>(64);
        self.ctrl.slot.next.irq = self.d_acc_nx.val().get_bit(97);
        self.ctrl.slot.next.err = self.d_err_nx.val();
        self.ctrl.slot.next.seq = self.t_len.val().get_bits::<8>(0);

        // ---- Host reads: AR, the tag FIFO, the descriptor and data FIFOs.
        self.m_axi_host.arvalid.next = self.ar_valid.q.val();
        self.m_axi_host.araddr.next = self.ar_addr.q.val();
        self.m_axi_host.arlen.next = self.ar_len.q.val();
        self.m_axi_host.arsize.next = self.ar_size.val();
        self.m_axi_host.arburst.next = 1.into();
        self.m_axi_host.aruser.next = self.ar_user.q.val();
        // The first beat's bytes: min(beat - offset, bytes).
        self.tag_n0.next = self.kw.val() - bit_cast::<8, 7>(self.tag_in.val().get_bits::<7>(13));
        if self.tag_in.val().get_bits::<13>(20) < bit_cast::<13, 8>(self.tag_n0.val()) {
            self.tag_n0.next = bit_cast::<8, 13>(self.tag_in.val().get_bits::<13>(20));
        }
        self.tag_word.next = self.tag_in.val() | (bit_cast::<TAG_BITS, 8>(self.tag_n0.val()) << 62);
        self.tag_fifo.write.next = self.tag_push.val();
        self.tag_fifo.data_in.next = self.tag_word.val();
        self.tag_head.s_valid.next = !self.tag_fifo.empty.val();
        self.tag_head.s_data.next = self.tag_fifo.data_out.val();
        self.tag_fifo.read.next = !self.tag_fifo.empty.val() & self.tag_head.s_ready.val();
        self.tag_head.m_ready.next = self.tag_pop.val();
        // Counters: bursts in flight, data FIFO room reserved.
        if self.out_inc.val() & !self.out_dec.val() {
            self.outstanding.d.next = self.outstanding.q.val() + 1;
        } else if !self.out_inc.val() & self.out_dec.val() {
            self.outstanding.d.next = self.outstanding.q.val() - 1;
        }
        self.dres.d.next = self.dres.q.val() + self.dres_inc.val();
        if self.packer.pop.val() {
            self.dres.d.next = self.dres.q.val() + self.dres_inc.val() - 1;
        }

        // ---- Sharing gate (`gate.rs`): requests in, closes answered in order.
        self.gate.clk.next = self.clk.val();
        self.gate.rst.next = self.rst.val();
        self.gate.s_gate_valid.next = self.s_gate_valid.val();
        self.gate.s_gate_function.next = self.s_gate_function.val();
        self.gate.s_gate_open.next = self.s_gate_open.val();
        self.gate.bank0_busy.next = self.ctrl.turn0_busy.val();
        self.gate.bank0_owner.next = self.ctrl.turn0_owner.val();
        self.gate.bank1_busy.next = self.ctrl.turn1_busy.val();
        self.gate.bank1_owner.next = self.ctrl.turn1_owner.val();
        self.gate.iss_cur_v.next = self.i_state.q.val();
        self.gate.iss_cur_fn.next = self.i_fn.q.val();
        self.gate.iss_open_v.next = self.i_open.q.val();
        self.gate.iss_open_fn.next = self.i_open_fn.q.val();
        self.gate.iss_close_v.next = self.close_pend.q.val();
        self.gate.iss_close_fn.next = self.close_fn.q.val();
        self.gate.iss_stop_v.next = self.ctrl.k_valid.val();
        self.gate.iss_stop_fn.next = self.ctrl.k_function.val();
        self.gate.packet_issued.next = self.iss_end.val();
        self.gate.packet_out.next = self.packer.packet_out.val();
        self.m_gate_closed_valid.next = self.gate.m_gate_closed_valid.val();
        self.m_gate_closed_function.next = self.gate.m_gate_closed_function.val();

        // ---- Inner side of the R register slices.
        self.r_side_in.m_ready.next = self.r_ready.val();
        self.r_data_in.m_ready.next = self.r_ready.val();



        if self.rst.val() {
            self.ar_valid.d.next = false;
            self.outstanding.d.next = 0.into();
            self.rc_first.d.next = true;
            self.rd_err.d.next = false;
            self.cut.d.next = false;
            self.dres.d.next = 0.into();
            self.i_state.d.next = false;
            self.i_open.d.next = false;
            self.close_pend.d.next = false;
        }
    }
}
