//! The DMA's internal records: each word that one part of the engine hands
//! to another (a FIFO entry, a RAM word), declared once as a `LogicStruct`
//! so that writer and reader name its fields instead of bit offsets.
//! Fields are packed in declaration order from bit 0.

use super::H2C_BANK_BITS;
use crate::FUNCTION_ID_BITS as FW;
use rust_hdl::prelude::*;

/// Data FIFO entry's side word (read side -> packer): the entry's bytes
/// (shifted down to byte 0) belong to `function`'s packet; `eop` ends it,
/// `cut` says it lost bytes to a refused read or a stop (drop it).
#[derive(Clone, Copy, Debug, PartialEq, Default, LogicStruct)]
pub struct DataMeta {
    pub bytes: Bits<8>,
    pub function: Bits<FW>,
    pub eop: Bit,
    pub cut: Bit,
}

/// A fetched H2C descriptor in its bank (read side -> issuer): the
/// descriptor's address, length and flags, the function and generation it
/// was fetched for, and whether its read was refused.
#[derive(Clone, Copy, Debug, PartialEq, Default, LogicStruct)]
pub struct H2cDesc {
    pub addr: Bits<64>,
    pub len: Bits<24>,
    pub eop: Bit,
    pub irq: Bit,
    pub function: Bits<FW>,
    pub gen: Bit,
    pub err: Bit,
}

/// State of an H2C descriptor bank (one scheduler turn of one function).
#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum BankState {
    /// Holds no turn.
    Free,
    /// The scheduler fetches the turn's descriptors into it.
    Fetching,
    /// Fetching stopped; waiting for the fetches in flight to tell whether
    /// the last one leaves a packet open (then it fetches again).
    Tail,
    /// Complete: the issuer drains it, then frees it.
    Done,
}

/// A C2H buffer (control engine or read side -> C2H engine): the
/// descriptor's address, length and interrupt flag, and whether its read
/// was refused.
#[derive(Clone, Copy, Debug, PartialEq, Default, LogicStruct)]
pub struct C2hBuf {
    pub addr: Bits<64>,
    pub len: Bits<24>,
    pub irq: Bit,
    pub err: Bit,
}

/// What the C2H engine asks of the control engine.
#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum C2hReqKind {
    /// The packet's function's next buffer (fetched or prefetched).
    Buffer,
    /// The buffer is full or the packet ended: its write-back (CIDX, interrupt).
    WriteBack,
    /// Record the error `code` and stop the function's queues.
    Error,
}

/// A C2H engine request: the packet's function and generation, the
/// buffer's bytes used, end of packet and interrupt flag (write-back), the
/// code (error; on a buffer request, 1: the packet continues, 2: the next
/// packet's first buffer, asked while the packet before it, of the same
/// function, streams in the buffer at CIDX).
#[derive(Clone, Copy, Debug, PartialEq, Default, LogicStruct)]
pub struct C2hReq {
    pub function: Bits<FW>,
    pub gen: Bit,
    pub used: Bits<24>,
    pub eop: Bit,
    pub irq: Bit,
    pub code: Bits<4>,
}

/// A C2H data burst whose beats are all in the write queue (C2H engine ->
/// writes): its address, last beat (AXI `awlen`) and function. Also the
/// word of the AR register slice (`reader.rs`): a host read burst.
#[derive(Clone, Copy, Debug, PartialEq, Default, LogicStruct)]
pub struct WriteBurst {
    pub addr: Bits<64>,
    pub last: Bits<8>,
    pub function: Bits<FW>,
}

/// A completion write-back (control engine -> writes): one 8-byte word
/// (the descriptor's status) at `addr`, of `function`.
#[derive(Clone, Copy, Debug, PartialEq, Default, LogicStruct)]
pub struct WriteBack {
    pub addr: Bits<64>,
    pub word: Bits<64>,
    pub function: Bits<FW>,
}

/// State of the C2H engine (one packet at a time).
#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum C2hState {
    /// No packet: the next one starts with the look-ahead's first buffer
    /// (or is dropped).
    Idle,
    /// The packet's next buffer, to be asked once no buffer request is out.
    WantBuffer,
    /// A buffer was asked of the control engine: its answer (the buffer is
    /// taken with it if it came with it).
    WaitAnswer,
    /// The buffer's descriptor (from a prefetch slot or a host read).
    WaitBuffer,
    /// Beats into the write queue until the buffer is full or the packet ends.
    Data,
    /// The write-back of a buffer the packet goes on after was asked: its
    /// answer (the packet's last write-back is not waited for: its answer is
    /// skipped when it comes).
    WaitWriteBack,
    /// An error was reported: its answer (the rest of the packet is dropped).
    WaitError,
}

/// An H2C descriptor whose data is all in (read side -> control engine):
/// its completion (write-back, CIDX, interrupt) unless `err` (a read refused).
#[derive(Clone, Copy, Debug, PartialEq, Default, LogicStruct)]
pub struct H2cDone {
    pub function: Bits<FW>,
    pub gen: Bit,
    pub len: Bits<24>,
    pub eop: Bit,
    pub irq: Bit,
    pub err: Bit,
}

/// A function's H2C ring record (control engine, block RAM): base, log2
/// size, PIDX, CIDX, fetch index (descriptors fetched).
#[derive(Clone, Copy, Debug, PartialEq, Default, LogicStruct)]
pub struct H2cRing {
    pub base: Bits<64>,
    pub log2: Bits<4>,
    pub pidx: Bits<16>,
    pub cidx: Bits<16>,
    pub fetch: Bits<16>,
}

/// A function's C2H ring record (control engine, block RAM): base, log2
/// size, PIDX, CIDX; `pf`: a prefetch is pending (the descriptor at CIDX, or
/// at CIDX + 1 while the buffer at CIDX is in use, has been read ahead);
/// `seq`: the number of the last prefetch issued (never reset).
#[derive(Clone, Copy, Debug, PartialEq, Default, LogicStruct)]
pub struct C2hRing {
    pub base: Bits<64>,
    pub log2: Bits<4>,
    pub pidx: Bits<16>,
    pub cidx: Bits<16>,
    pub pf: Bit,
    pub seq: Bits<8>,
}

/// A C2H prefetch slot's word (read side -> the slot RAM, one per
/// function): the buffer and the number of the prefetch that brought it.
#[derive(Clone, Copy, Debug, PartialEq, Default, LogicStruct)]
pub struct C2hSlot {
    pub addr: Bits<64>,
    pub len: Bits<24>,
    pub irq: Bit,
    pub err: Bit,
    pub seq: Bits<8>,
}

/// A function's record (control engine, block RAM): run bits (H2C, C2H),
/// error code, interrupt mask and status (H2C, C2H, error), generation,
/// sharing gate closed, parked (reported waiting in this closed period),
/// interrupts pending (raised while masked or while the output was busy),
/// in the deferred-interrupt queue.
#[derive(Clone, Copy, Debug, PartialEq, Default, LogicStruct)]
pub struct FnRecord {
    pub run: Bits<2>,
    pub err: Bits<4>,
    pub mask: Bits<3>,
    pub stat: Bits<3>,
    pub gen: Bit,
    pub closed: Bit,
    pub parked: Bit,
    pub pend: Bits<3>,
    pub queued: Bit,
}

/// What a host read brings back (the kind of its read tag).
#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum ReadKind {
    /// H2C data: into the data FIFO (its room reserved with the burst).
    Data,
    /// An H2C descriptor: into its bank.
    H2cDesc,
    /// No read: the end of a stopped function's packet (an entry of no byte).
    Close,
    /// A C2H descriptor: to the C2H engine, or into its function's prefetch slot.
    C2hDesc,
}

/// A read tag (issuer or control engine -> read side, in AXI order): what
/// the burst's R beats are. `offset`: the first byte in the first beat;
/// `bytes`: the burst's bytes; `n0`: bytes of its first beat (min(beat -
/// offset, bytes), computed before the push). Data: `eop` (its last burst
/// ends the packet), `lastd` (last burst of its descriptor: its completion,
/// with `gen`, `len`, `irq`). H2C descriptors (`bytes`: 16 each, up to
/// four): `bank`, `gen`. C2H
/// descriptors: `prefetch` (one, into the slot) and its `seq`uence number,
/// or `ahead` (up to four, into the run-ahead: `c2h_ahead.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Default, LogicStruct)]
pub struct ReadTag {
    pub kind: ReadKind,
    pub function: Bits<FW>,
    pub offset: Bits<8>,
    pub bytes: Bits<13>,
    pub n0: Bits<8>,
    pub eop: Bit,
    pub lastd: Bit,
    pub gen: Bit,
    pub len: Bits<24>,
    pub irq: Bit,
    pub bank: Bits<H2C_BANK_BITS>,
    pub prefetch: Bit,
    pub seq: Bits<8>,
    pub ahead: Bit,
}

/// A descriptor read of the control engine (-> read side): its host
/// address (16-byte aligned), function; H2C (into `bank`, of generation
/// `gen`, and `more` descriptors after the first, in the same 64-byte
/// block) or C2H (one; `prefetch`ed into the slot with number `seq`, or not).
#[derive(Clone, Copy, Debug, PartialEq, Default, LogicStruct)]
pub struct CtlRead {
    pub addr: Bits<64>,
    pub function: Bits<FW>,
    pub c2h: Bit,
    pub gen: Bit,
    pub bank: Bits<H2C_BANK_BITS>,
    pub more: Bits<2>,
    pub prefetch: Bit,
    pub seq: Bits<8>,
    pub ahead: Bit,
}

/// State of the control engine.
#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum CtlState {
    /// After reset: the per-function RAMs are cleared, one function a cycle.
    Clear,
    /// Picks the next operation and its function.
    Dispatch,
    /// The function's records are read out of their RAMs.
    Read,
    /// The operation runs (one cycle, or more while it waits).
    Run,
}

/// The control engine's operations (one short operation on one function).
#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum Op {
    /// A register access.
    Reg,
    /// The scheduler: a new turn, or the next descriptor fetch of a turn.
    Sched,
    /// An H2C completion: write-back, CIDX, interrupt.
    H2cDone,
    /// The C2H engine's next buffer (then the prefetch of the one after it).
    C2hBuf,
    /// A C2H completion: write-back, CIDX, interrupt.
    C2hDone,
    /// An error: recorded, the function's queues stopped, interrupt.
    Error,
    /// A sharing gate request (open or close).
    Gate,
    /// An `s_fnctl` request (attach, detach).
    FnCtl,
    /// A deferred interrupt, now that the output is free.
    Irq,
}

/// State of the H2C issuer.
#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum IssState {
    /// No descriptor: takes the next one (its first burst computed from the slot).
    Idle,
    /// The next burst of the descriptor is computed (bytes, beats, first
    /// beat's bytes, last or not), from registers, a cycle before its issue.
    Prep,
    /// The computed burst is issued when AR, the tags and the data FIFO's
    /// credit allow.
    Issue,
}

/// The DMA register a register access names (`regs.rs`), decoded as the
/// control engine takes the access (`records.rs`); `None`: no register there.
#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum RegSel {
    None,
    Id,
    Version,
    Ctrl,
    Status,
    HBaseLo,
    HBaseHi,
    HSize,
    HPidx,
    HCidx,
    CBaseLo,
    CBaseHi,
    CSize,
    CPidx,
    CCidx,
    IrqMask,
    IrqStatus,
    Weight,
}
