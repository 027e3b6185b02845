//! The DMA's internal records: each word that one part of the engine hands
//! to another (a FIFO entry, a RAM word), declared once as a `LogicStruct`
//! so that writer and reader name its fields instead of bit offsets.
//! Fields are packed in declaration order from bit 0.

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
