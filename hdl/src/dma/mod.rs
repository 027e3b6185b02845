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
//!   at most `outstanding` bursts in flight, only as far as the data FIFO
//!   has room reserved for every beat, and a descriptor's last burst only
//!   with room reserved for its completion (`DONE_CREDITS`): read data is
//!   never back-pressured, so the R channel always drains (the shell merges
//!   it with the descriptor reads, in order: a held data beat would hold
//!   the descriptors behind it).
//! - the *read side* sorts R beats by the in-order tag FIFO into the data
//!   FIFO (then the packer, which aligns bytes into `m_axis_h2c`); the last
//!   beat of a descriptor's data is its completion.
//! - the *descriptor reads* (`desc_reader.rs`) have a host read port of
//!   their own, `m_axi_desc_*`: the control engine's H2C descriptor fetches
//!   and C2H buffer reads go there, so that a descriptor never takes R beats
//!   from the data (on one R channel a 256-byte packet's 16-byte descriptor
//!   held the H2C rate at 256/272 = 0.941 beats per cycle) nor waits behind
//!   its bursts; fetched descriptors go into their bank (H2C), the C2H
//!   engine or a prefetch slot. The shell merges both ports onto its one
//!   host port.
//! - the *C2H engine* (`c2h.rs`) takes `s_axis_c2h` through a FIFO of 32
//!   beats (`c2h_input.rs`) and asks the control engine for each packet's
//!   first buffer (usually prefetched: see below) as soon as the packet's
//!   first beat is in that FIFO, while the packets before it stream
//!   (look-ahead); it unpacks the stream into beats aligned to the buffer's
//!   address, pushes them and its bursts into the host writes, and hands
//!   each full buffer (or the packet's end) back for its write-back.
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
//! of waiting a host read round trip. A doorbell (C2H_PIDX) that posts
//! buffers on an empty ring of a running function prefetches the one at
//! CIDX the same way (an empty ring has no buffer handed to the C2H engine),
//! so that a packet's first buffer does not wait either (none if the control
//! engine's descriptor read is busy then: it is read when needed). The ring record marks a prefetch
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
//! C2H run-ahead (`c2h_ahead.rs`): one slot holds one descriptor, so a
//! function streaming alone would wait a host read round trip for each
//! buffer. The run-ahead, shared by the functions, holds up to 64 buffer
//! descriptors of one function (one handed two buffers in a row while it is
//! free: a function streaming alone), read ahead in whole 64-byte blocks (up
//! to four per read, a read only once there is room for all it may take),
//! and hands its head instead of the slot when the head is the descriptor
//! at CIDX. Any other buffer handed (another function's, a buffer not
//! written back), a reset or a new ring drops it: what it holds is never
//! used, what is in flight is thrown away on arrival, and it may be taken
//! again once nothing is in flight. The same checks are made at each buffer
//! as without it; it reads only posted descriptors.
//!
//! Scheduling (H2C, weighted round robin): the scheduler visits the functions
//! in turn; a function with work gets a turn of up to 16 x WEIGHT descriptor
//! fetches, ahead of their data. The visits skip functions with nothing to
//! send (`turn_scan.rs`: a bit per function, set by any operation that may
//! give it work, cleared by a visit that finds none, walked one function a
//! cycle), so no operation is spent on idle functions. A scheduler
//! operation reads up to four descriptors at once (those posted in the
//! 64-byte block of the fetch index, before the ring's end, within the
//! bank's room and the turn's budget; one at a time while the function is
//! closed), so that fetching takes fewer of the control engine's
//! operations. A turn fills one of `H2C_BANKS` (4) descriptor banks, used
//! as a ring (FIFOs of 16, each holding one function's descriptors in fetch
//! order); the issuer drains the oldest bank, then the next, so packets of
//! different functions never interleave on the stream. When a turn ends
//! (budget spent, no more work, gate closed) its bank waits for its last
//! fetches to arrive: if the last one leaves a packet open, the bank fetches
//! again (first, ahead of the newest turn) until a descriptor ends it; else
//! it is done. Meanwhile the next turns already fill the next banks, so the
//! fetch pipeline never drains at a turn boundary (a new turn of the same
//! function simply continues the newest one; a function whose older turn
//! is still open gets no new turn until it is done). Four banks keep up to
//! 64 descriptors fetched ahead of the issuer: a host round trip of
//! 256-byte packets at 512 bits is about 50.
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
//! named in `desc.rs`, its interfaces to the others in `ports.rs`):
//! `ctrl.rs`, the control engine (`vfpga_dma_ctrl`), with its children
//! `records.rs`, the per-function RAMs, the served function's records and
//! the register view of them (`vfpga_dma_ctrl_rec`), `mail.rs`, its
//! mailboxes and its interrupt and waiting outputs (`vfpga_dma_ctrl_mail`),
//! and `banks.rs`, the H2C descriptor banks and the scheduler's scan
//! `turn_scan.rs` (`vfpga_dma_ctrl_banks`, `vfpga_dma_ctrl_banks_scan`),
//! each `bank.rs` (`vfpga_dma_ctrl_banks_bank`, its copies `_v2`...); `reader.rs`, the H2C issuer, AR
//! with its tag FIFO and the read side (`vfpga_dma_reader`);
//! `desc_reader.rs`, the descriptor reads (`vfpga_dma_desc_reader`), each
//! reader behind its port's front end `tagged_reads.rs` (AR, R, the read
//! tags); `packer.rs`,
//! the data FIFO and the packer behind `m_axis_h2c` (`vfpga_dma_packer`);
//! `c2h.rs`, the C2H engine (`vfpga_dma_c2h`) with its input FIFO
//! `c2h_input.rs` (`vfpga_dma_c2h_stream_in`); `writes.rs`, the host writes
//! (`vfpga_dma_writes`); `gate.rs`, the sharing gate's requests and answers
//! (`vfpga_dma_gate`); FIFOs are `fifo.rs`'s. This file holds only the
//! wiring between them.
//!
//! Boundaries (DESIGN.md, timing rules): every input enters through a
//! register slice (`skid.rs`: in `records.rs`, `mail.rs`, `reader.rs`,
//! `desc_reader.rs`, `c2h.rs`, `writes.rs`, `gate.rs`); both ARs, W, the interrupt request and the waiting
//! report leave through one; AW, H2C, the register answers and the gate
//! answers come from registers. No output follows an input within a cycle,
//! and none of a child block's does either (between the children, every
//! handshake is a register on one side and a credit computed from registers
//! on the other). Block-RAM read data feeds registers before logic: the
//! control engine's records, the read tags (tests/dma.rs checks the
//! boundaries). Between the control engine and the readers: the control
//! engine's descriptor reads wait in its request register until the
//! descriptor reader sends them to AR (`ctl_take`, a register, a cycle
//! later); a stop waits in the control engine's mailbox until the
//! reader has applied the previous one; a descriptor the issuer refuses
//! waits in the reader until the control engine's mailbox is empty. The
//! readers' results (descriptors, buffers, completions, data entries) come
//! from their registers, a cycle after their beat: a C2H prefetch arrival is
//! therefore also held while the control engine dispatches with a C2H
//! request pending, so that its slot write lands before the slot is read;
//! a bank is freed only once the issuer's slot is empty (its last
//! descriptor still counts as the bank's for the sharing gate).

mod bank;
mod banks;
mod c2h;
mod c2h_ahead;
mod c2h_first_beat;
mod c2h_input;
mod ctrl;
pub mod desc;
mod desc_reader;
mod gate;
mod mail;
mod packer;
mod ports;
mod reader;
mod records;
mod reg_decode;
mod ring_run;
mod sched_step;
mod tagged_reads;
mod turn_scan;
mod writes;
pub mod regs;

use crate::axi::{AxiMaster, AxiReadMaster};
use crate::axis::{AxisMaster, AxisSlave};
use crate::regbus::RegBusSlave;
use crate::{FUNCTION_ID_BITS as FW, MAX_FUNCTIONS};
use c2h::C2hEngine;
use ctrl::DmaCtrl;
use desc_reader::DescReader;
use gate::DmaGate;
use writes::DmaWrites;
use packer::H2cPacker;
use reader::DmaReader;
use rust_hdl::prelude::*;

/// Largest `outstanding` (the tag FIFO holds 64, a few kept for the ends
/// of stopped packets).
pub const MAX_OUTSTANDING: usize = 60;
/// Data FIFO depth (beats): every read burst reserves its beats here first;
/// the last 8 are kept for the entries that end a stopped function's packet,
/// so that stopping a function never waits for the stream to drain.
pub const DATA_FIFO_BEATS: usize = 512;
/// H2C completions owed by the read side or waiting for the control engine
/// (its completion FIFO's depth): a descriptor's last data burst is issued
/// only with one of these credits, so that a completion never holds R. At
/// least `MAX_OUTSTANDING`, so that only a control engine behind its
/// completions holds the issuer.
pub const DONE_CREDITS: usize = 64;
const _: () = assert!(DONE_CREDITS >= MAX_OUTSTANDING && DONE_CREDITS < 128);
/// H2C descriptors fetched ahead per bank (in flight or waiting for the
/// issuer). (`bank.rs`'s FIFO is of this depth.)
pub const DESC_PREFETCH: usize = 16;
/// H2C descriptor banks (scheduler turns fetched ahead of the issuer,
/// `banks.rs`), and the bits that number one. Four turns of 16 hold 64
/// descriptors: a host read round trip of 256-byte packets at 512 bits.
pub const H2C_BANKS: usize = 4;
pub const H2C_BANK_BITS: usize = 2;
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
    /// Defaults: bursts of 32 beats (at most 4 KiB); `MAX_OUTSTANDING` of
    /// them in flight at every width. Long bursts need 16 (512 beats hide
    /// 200 cycles of host latency at one beat per cycle); 256-byte packets
    /// are one burst each, 32 beats at 64 bits but 8 at 256 bits and 4 at
    /// 512, and need more to cover the round trip (`bench dma`, 256 B H2C
    /// at 256 bits: 0.61 beats per cycle with 16, 0.75 / 0.90 with 1 / 16
    /// functions with 60; 64 bits unchanged). 16 below 512 bits was kept
    /// because a burst in flight is also data that a sharing turn drains
    /// after its gate closes, and the scheduler forgave most of a drain;
    /// it now pays drains back in full (`sched`). The tag FIFO holds 64
    /// either way: no more block RAM.
    pub fn new(functions: usize, data_width: usize) -> Self {
        let outstanding = MAX_OUTSTANDING;
        DmaParams { functions, max_burst: (32 * data_width / 8).min(4096), outstanding }
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
    /// Host memory; `aruser`/`awuser` = function number. Its reads are the
    /// H2C data only.
    pub m_axi_host: AxiMaster<DW, KW>,
    /// Host memory, the descriptor reads (H2C fetches, C2H buffers and
    /// prefetches): their own port, so that they never take R beats from
    /// the data or wait behind its bursts. `aruser` = function number.
    pub m_axi_desc: AxiReadMaster<DW>,
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
    // register slice (the register bus, `s_qos`, `s_fnctl`: in `ctrl.rs`'s
    // children `rec` and `mail`; C2H,
    // B and both Rs: in `c2h.rs`, `writes.rs`, `reader.rs`,
    // `desc_reader.rs`); outputs whose valid/data are not already registers
    // (both ARs: in `reader.rs`, `desc_reader.rs`; W: in
    // `writes.rs`; the irq and waiting handshakes: in `ctrl.rs`'s `mail`) leave
    // through one.

    // ---- configuration
    ar_size: Constant<Bits<3>>,
    /// PF + VFs - 1.
    last_function: Constant<Bits<FW>>,

    /// The control engine, the per-function state and the descriptor banks.
    ctrl: DmaCtrl,
    /// The H2C issuer, AR and its tags, the read side.
    reader: DmaReader<DW, KW>,
    /// The descriptor reads (`m_axi_desc`).
    desc_reader: DescReader<DW, KW>,
    /// The data FIFO and the packer behind `m_axis_h2c`.
    packer: H2cPacker<DW, KW, DW2>,
    /// The C2H engine and the host writes (AW, W, B).
    c2h: C2hEngine<DW, KW, DW2>,
    writes: DmaWrites<DW, KW>,
    /// The sharing gate's request FIFO and close answers.
    gate: DmaGate,

    // ---- combinational temporaries
    /// The head of the drained bank moves into the issuer's slot.
    dq_pop: Signal<Local, Bit>,
    /// The issuer's error moves into the control engine's mailbox.
    ie_push: Signal<Local, Bit>,
    /// The control engine's stop moves into the reader.
    k_push: Signal<Local, Bit>,
}

/// A constant of any width, for the configuration fields.
fn cst<const N: usize>(v: u64) -> Constant<Bits<N>> {
    Constant::new(v.into())
}

impl<const DW: usize, const KW: usize, const DW2: usize> Dma<DW, KW, DW2> {
    pub fn new(p: DmaParams) -> Self {
        assert!(DW == KW * 8 && DW2 == 2 * DW, "DW = 8 KW and DW2 = 2 DW");
        p.validate(DW).unwrap_or_else(|e| panic!("dma: {e}"));
        Self {
            ctrl: Default::default(),
            reader: DmaReader::new(p.max_burst, p.outstanding),
            packer: Default::default(),
            c2h: C2hEngine::new(p.functions, p.max_burst.min(32 * KW)),
            writes: Default::default(),
            gate: Default::default(),
            ar_size: cst(KW.trailing_zeros() as u64),
            last_function: cst((p.functions - 1) as u64),
            clk: Default::default(),
            rst: Default::default(),
            s_reg: Default::default(),
            m_axi_host: Default::default(),
            m_axi_desc: Default::default(),
            desc_reader: Default::default(),
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
            dq_pop: Default::default(),
            ie_push: Default::default(),
            k_push: Default::default(),
        }
    }
}

impl<const DW: usize, const KW: usize, const DW2: usize> Logic for Dma<DW, KW, DW2> {
    #[hdl_gen]
    fn update(&mut self) {
        // ---- The control engine (`ctrl.rs`): the register bus, the
        // interrupt request, `s_qos`, `s_fnctl`, the waiting report.
        self.ctrl.clk.next = self.clk.val();
        self.ctrl.rst.next = self.rst.val();
        self.ctrl.last_function.next = self.last_function.val();
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
        self.ctrl.gate.req_valid.next = self.gate.req_valid.val();
        self.ctrl.gate.req_function.next = self.gate.req_function.val();
        self.ctrl.gate.req_open.next = self.gate.req_open.val();
        self.gate.req_take.next = self.ctrl.gate.req_take.val();
        self.ctrl.gate.close_room.next = self.gate.close_room.val();
        self.gate.close_push.next = self.ctrl.gate.close_push.val();
        self.gate.close_function.next = self.ctrl.gate.close_function.val();
        self.ctrl.writes.berr_valid.next = self.writes.berr_valid.val();
        self.ctrl.writes.berr_function.next = self.writes.berr_function.val();
        self.writes.berr_take.next = self.ctrl.writes.berr_take.val();
        self.ctrl.writes.wb_room.next = self.writes.wb_room.val();
        self.ctrl.writes.wb_idle.next = self.writes.wb_idle.val();
        self.writes.wb_push.next = self.ctrl.writes.wb_push.val();
        self.writes.wb.next = self.ctrl.writes.wb.val();
        self.ctrl.c2h.req_valid.next = self.c2h.req_valid.val();
        self.ctrl.c2h.req_kind.next = self.c2h.req_kind.val();
        self.ctrl.c2h.req.next = self.c2h.req.val();
        self.c2h.req_take.next = self.ctrl.c2h.req_take.val();

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

        // ---- Descriptor reads (`desc_reader.rs`): the control engine's read
        // waits in its request register until the descriptor reader takes it.
        self.desc_reader.clk.next = self.clk.val();
        self.desc_reader.rst.next = self.rst.val();
        self.m_axi_desc.arvalid.next = self.desc_reader.arvalid.val();
        self.m_axi_desc.araddr.next = self.desc_reader.araddr.val();
        self.m_axi_desc.arlen.next = self.desc_reader.arlen.val();
        self.m_axi_desc.arsize.next = self.ar_size.val();
        self.m_axi_desc.arburst.next = 1.into();
        self.m_axi_desc.aruser.next = self.desc_reader.aruser.val();
        self.desc_reader.arready.next = self.m_axi_desc.arready.val();
        self.desc_reader.rvalid.next = self.m_axi_desc.rvalid.val();
        self.desc_reader.rdata.next = self.m_axi_desc.rdata.val();
        self.desc_reader.rresp.next = self.m_axi_desc.rresp.val();
        self.desc_reader.rlast.next = self.m_axi_desc.rlast.val();
        self.m_axi_desc.rready.next = self.desc_reader.rready.val();
        self.desc_reader.ctl_valid.next = self.ctrl.rside.rd_valid.val();
        self.desc_reader.ctl_rd.next = self.ctrl.rside.rd.val();
        self.ctrl.rside.rd_take.next = self.desc_reader.ctl_take.val();

        // ---- Between the control engine and the readers: every handshake
        // is a register on one side and a room computed from registers on
        // the other.
        // The head of the bank the issuer drains moves into the issuer's
        // slot; the bank is freed once done, drained and its last descriptor
        // taken from the slot (`desc_room`).
        self.dq_pop.next = !self.ctrl.issuer.dq_empty.val() & self.reader.desc_room.val();
        self.ctrl.issuer.dq_pop.next = self.dq_pop.val();
        self.ctrl.issuer.desc_room.next = self.reader.desc_room.val();
        self.reader.desc_push.next = self.dq_pop.val();
        self.reader.desc.next = self.ctrl.issuer.dq_head.val();
        self.reader.desc_killed.next = self.ctrl.issuer.ib_kill.val();
        // A function stopped or reset (the control engine's stop mailbox)
        // moves into the reader once the reader has applied the previous one.
        self.k_push.next = self.ctrl.issuer.k_valid.val() & !self.reader.stop_busy.val();
        self.reader.stop.next = self.k_push.val();
        self.reader.stop_fn.next = self.ctrl.issuer.k_function.val();
        self.ctrl.issuer.k_take.next = self.k_push.val();
        // A descriptor the issuer refused moves into the control engine's mailbox.
        self.ie_push.next = self.reader.err_valid.val() & !self.ctrl.issuer.ie_full.val();
        self.ctrl.issuer.ie_push.next = self.ie_push.val();
        self.ctrl.issuer.ie_function.next = self.reader.err_function.val();
        self.ctrl.issuer.ie_generation.next = self.reader.err_gen.val();
        self.ctrl.issuer.ie_error_code.next = self.reader.err_code.val();
        self.reader.err_take.next = self.ie_push.val();
        // Read side results: H2C completions (`reader`); arrivals into the
        // banks, C2H prefetches into the slots (held while the control engine
        // reads the slot, and while it dispatches with a C2H request pending:
        // the slot write is a cycle after its beat), the prefetch the C2H
        // engine waits for (`desc_reader`).
        self.ctrl.rside.hc_push.next = self.reader.done_push.val();
        self.ctrl.rside.hc_in.next = self.reader.done.val();
        self.reader.done_left.next = self.ctrl.rside.hc_left.val();
        self.ctrl.rside.arrive.next = self.desc_reader.arrive.val();
        self.ctrl.rside.arrive_bank.next = self.desc_reader.arrive_bank.val();
        self.ctrl.rside.arrive_desc.next = self.desc_reader.arrive_desc.val();
        self.ctrl.rside.slot_write.next = self.desc_reader.slot_write.val();
        self.ctrl.rside.slot_function.next = self.desc_reader.slot_function.val();
        self.ctrl.rside.slot.next = self.desc_reader.slot.val();
        self.ctrl.rside.ahead_valid.next = self.desc_reader.ahead_valid.val();
        self.ctrl.rside.ahead_buf.next = self.desc_reader.buf_desc.val();
        self.desc_reader.pf_block.next =
            self.ctrl.c2h.pf_block.val() | (self.ctrl.dispatching.val() & self.c2h.req_valid.val());
        self.desc_reader.pf_wait.next = self.ctrl.c2h.pf_wait.val();
        self.desc_reader.pf_seq.next = self.ctrl.c2h.pf_seq.val();
        self.desc_reader.pf_function.next = self.c2h.pkt_function.val();
        self.ctrl.rside.pf_got.next = self.desc_reader.pf_got.val();
        self.reader.df_pop.next = self.packer.pop.val();

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
        self.c2h.kill_valid.next = self.ctrl.issuer.k_valid.val();
        self.c2h.kill_function.next = self.ctrl.issuer.k_function.val();
        self.c2h.ans_valid.next = self.ctrl.c2h.ans_valid.val();
        self.c2h.ans_ok.next = self.ctrl.c2h.ans_ok.val();
        self.c2h.ans_gen.next = self.ctrl.c2h.ans_gen.val();
        // A buffer from the read side, or out of the prefetch slot (never both).
        self.c2h.buf_valid.next = self.desc_reader.buf_valid.val() | self.ctrl.c2h.slot_buf_valid.val();
        self.c2h.buf_desc.next = self.desc_reader.buf_desc.val();
        if self.ctrl.c2h.slot_buf_valid.val() {
            self.c2h.buf_desc.next = self.ctrl.c2h.slot_buf.val();
        }
        // Or out of the run-ahead, straight from its register.
        self.c2h.ahead_valid.next = self.ctrl.c2h.ahead_buf_valid.val();
        self.c2h.ahead_desc.next = self.ctrl.c2h.ahead_buf.val();
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

        // ---- Sharing gate (`gate.rs`): requests in, closes answered in order.
        self.gate.clk.next = self.clk.val();
        self.gate.rst.next = self.rst.val();
        self.gate.s_gate_valid.next = self.s_gate_valid.val();
        self.gate.s_gate_function.next = self.s_gate_function.val();
        self.gate.s_gate_open.next = self.s_gate_open.val();
        self.gate.held.next = self.ctrl.gate.held.val();
        self.gate.held_fn.next = self.ctrl.gate.held_fn.val();
        self.ctrl.gate.head_fn.next = self.gate.head_fn.val();
        self.gate.iss_cur_v.next = self.reader.iss_cur_v.val();
        self.gate.iss_cur_fn.next = self.reader.iss_cur_fn.val();
        self.gate.iss_open_v.next = self.reader.iss_open_v.val();
        self.gate.iss_open_fn.next = self.reader.iss_open_fn.val();
        self.gate.iss_close_v.next = self.reader.iss_close_v.val();
        self.gate.iss_close_fn.next = self.reader.iss_close_fn.val();
        // A stop not yet applied: the reader's, else the one waiting for it.
        self.gate.iss_stop_v.next = self.reader.stop_busy.val() | self.ctrl.issuer.k_valid.val();
        self.gate.iss_stop_fn.next = self.ctrl.issuer.k_function.val();
        if self.reader.stop_busy.val() {
            self.gate.iss_stop_fn.next = self.reader.stop_busy_fn.val();
        }
        self.gate.packet_issued.next = self.reader.iss_end.val();
        self.gate.packet_out.next = self.packer.packet_out.val();
        self.m_gate_closed_valid.next = self.gate.m_gate_closed_valid.val();
        self.m_gate_closed_function.next = self.gate.m_gate_closed_function.val();
    }
}
