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
