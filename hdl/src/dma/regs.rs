//! The DMA's registers in each function's window (0x100-0x2ff), its
//! descriptor format and its error codes: the one description the decoder,
//! the driver model and the generated documentation read.

use crate::regmap::{Access, Encoding, EncodingSet, Field, RegBlock, Register};

pub const DMA_ID: u32 = 0x646d_6130; // "dma0"
pub const DMA_VERSION: u32 = 0x0001_0000;

pub const R_ID: u32 = 0x100;
pub const R_VERSION: u32 = 0x104;
pub const R_CTRL: u32 = 0x108;
pub const R_STATUS: u32 = 0x10c;
pub const R_H2C_BASE_LO: u32 = 0x110;
pub const R_H2C_BASE_HI: u32 = 0x114;
pub const R_H2C_SIZE: u32 = 0x118;
pub const R_H2C_PIDX: u32 = 0x11c;
pub const R_H2C_CIDX: u32 = 0x120;
pub const R_C2H_BASE_LO: u32 = 0x130;
pub const R_C2H_BASE_HI: u32 = 0x134;
pub const R_C2H_SIZE: u32 = 0x138;
pub const R_C2H_PIDX: u32 = 0x13c;
pub const R_C2H_CIDX: u32 = 0x140;
pub const R_IRQ_MASK: u32 = 0x150;
pub const R_IRQ_STATUS: u32 = 0x154;
pub const R_WEIGHT: u32 = 0x158;

/// CTRL bits.
pub const CTRL_H2C_RUN: u32 = 1 << 0;
pub const CTRL_C2H_RUN: u32 = 1 << 1;
pub const CTRL_RESET: u32 = 1 << 2;

/// Interrupt vectors (`irq_vector`), and their bits in IRQ_MASK/IRQ_STATUS.
pub const IRQ_H2C: u32 = 0;
pub const IRQ_C2H: u32 = 1;
pub const IRQ_ERROR: u32 = 2;

/// Error codes (STATUS bits 3:0).
pub const ERR_NONE: u32 = 0;
pub const ERR_H2C_READ: u32 = 1;
pub const ERR_C2H_WRITE: u32 = 2;
pub const ERR_ZERO_LENGTH: u32 = 3;
pub const ERR_RING_CONFIG: u32 = 4;
pub const ERR_NO_BUFFER: u32 = 5;
pub const ERR_DESC_READ: u32 = 6;
pub const ERR_INCOMPLETE: u32 = 7;

/// Descriptor: 16 bytes, little endian, in a ring of 2^SIZE descriptors.
pub const DESC_BYTES: u64 = 16;
/// Flags word (bytes 12-15) bits.
pub const DESC_EOP: u32 = 1 << 0;
pub const DESC_IRQ: u32 = 1 << 1;
/// Set by the DMA in the written-back flags word.
pub const DESC_DONE: u32 = 1 << 31;
/// Largest descriptor length (bytes 8-11, bits 23:0).
pub const DESC_MAX_LEN: u32 = (1 << 24) - 1;
/// Ring sizes (log2 of the number of descriptors) the DMA accepts.
pub const RING_LOG2_MIN: u32 = 4;
pub const RING_LOG2_MAX: u32 = 15;

pub fn dma_regs() -> RegBlock {
    let reg = |name: &str, off: u32, access: Access, width: u32, reset: u64, doc: &str| {
        Register::simple(name, off, access, width, reset, doc)
    };
    let f = |name: &str, lsb: u32, width: u32, access: Access, doc: &str| Field {
        name: name.into(),
        lsb,
        width,
        access,
        reset: 0,
        doc: doc.into(),
    };
    let with_fields = |name: &str, off: u32, access: Access, doc: &str, fields: Vec<Field>| Register {
        name: name.into(),
        offset: off,
        access,
        count: 1,
        stride: 4,
        resets: Vec::new(),
        doc: doc.into(),
        fields,
    };
    let ring = |dir: &str, base: u32| {
        vec![
            reg(&format!("{dir}_BASE_LO"), base, Access::RW, 32, 0, "Ring base address, bits 31:0 (16-byte aligned)."),
            reg(&format!("{dir}_BASE_HI"), base + 4, Access::RW, 32, 0, "Ring base address, bits 63:32."),
            reg(&format!("{dir}_SIZE"), base + 8, Access::RW, 4, 0,
                "log2 of the number of descriptors, 4..=15 (below 4: RING_CONFIG when the queue has work)."),
            reg(&format!("{dir}_PIDX"), base + 12, Access::RW, 16, 0,
                "Producer index (doorbell): the driver writes the index after its last posted descriptor."),
            reg(&format!("{dir}_CIDX"), base + 16, Access::RO, 16, 0,
                "Consumer index: descriptors before it are done (and written back)."),
        ]
    };
    let irq_fields = |access: Access| {
        vec![
            f("H2C", IRQ_H2C, 1, access, "H2C descriptor with the IRQ flag completed."),
            f("C2H", IRQ_C2H, 1, access, "C2H descriptor with the IRQ flag completed (or packet end)."),
            f("ERROR", IRQ_ERROR, 1, access, "The queues stopped on an error (STATUS)."),
        ]
    };
    let mut registers = vec![
        reg("ID", R_ID, Access::RO, 32, DMA_ID as u64, "Block ID 0x646d6130 (\"dma0\")."),
        reg("VERSION", R_VERSION, Access::RO, 32, DMA_VERSION as u64, "Block version, major 31:16, minor 15:0."),
        with_fields("CTRL", R_CTRL, Access::RW, "Queue control of this function.", vec![
            f("H2C_RUN", 0, 1, Access::RW, "H2C queue may run."),
            f("C2H_RUN", 1, 1, Access::RW, "C2H queue may run."),
            f("RESET", 2, 1, Access::WO,
              "Write 1: reset this function's queues (indices to 0, error and interrupt status cleared); \
               the run bits take the written value. Other functions are not affected."),
        ]),
        with_fields("STATUS", R_STATUS, Access::RO, "Queue status.", vec![
            f("ERROR", 0, 4, Access::RO, "Error code (encoding `dma_error`); the queues stop until RESET."),
        ]),
    ];
    registers.extend(ring("H2C", R_H2C_BASE_LO));
    registers.extend(ring("C2H", R_C2H_BASE_LO));
    registers.push(with_fields("IRQ_MASK", R_IRQ_MASK, Access::RW,
        "1 = interrupt source masked: its events still set IRQ_STATUS and leave the interrupt pending; \
         unmasking a pending source requests its interrupt then (once). Per function.",
        irq_fields(Access::RW)));
    registers.push(with_fields("IRQ_STATUS", R_IRQ_STATUS, Access::W1C,
        "Interrupt sources seen (write 1 to clear; this also drops a pending masked interrupt).",
        irq_fields(Access::W1C)));
    registers.push(reg("WEIGHT", R_WEIGHT, Access::RO, 8, 1,
        "Scheduler weight (descriptors per round), set by the manager from the PF."));
    let e = |name: &str, value: u32, doc: &str| Encoding { name: name.into(), value, doc: doc.into() };
    RegBlock {
        name: "dma".into(),
        base: 0x100,
        size: 0x200,
        pf_only: false,
        doc: "This function's H2C and C2H descriptor rings, interrupts and error status. \
              Descriptor (16 bytes): address (bytes 0-7), length (bytes 8-11, bits 23:0, 1..=16 MiB-1), \
              flags (bytes 12-15: bit 0 end of packet, bit 1 interrupt). On completion the DMA writes \
              bytes 8-15 back: the length transferred and the flags with bit 31 (DONE) set; a C2H \
              descriptor's EOP is set when the packet ended in it. An error stops both queues of the \
              function (STATUS.ERROR, the ERROR interrupt); CTRL.RESET restarts them. An H2C packet cut \
              short (a refused read, its function stopped or reset in its middle) still ends on the stream, \
              its last beat flagged with m_axis_h2c_tuser = 1 (drop it)."
            .into(),
        registers,
        encodings: vec![EncodingSet {
            name: "dma_error".into(),
            doc: "STATUS.ERROR codes.".into(),
            values: vec![
                e("NONE", ERR_NONE, "No error."),
                e("H2C_READ", ERR_H2C_READ,
                  "A host read of H2C data was answered with SLVERR or DECERR. The packet is cut: the refused bytes \
                   and the rest of the packet are dropped, its last beat carries m_axis_h2c_tuser = 1."),
                e("C2H_WRITE", ERR_C2H_WRITE, "A host write (C2H data or a write-back) was answered with an error."),
                e("ZERO_LENGTH", ERR_ZERO_LENGTH, "A descriptor of length 0."),
                e("RING_CONFIG", ERR_RING_CONFIG,
                  "A queue with work whose ring size is below 4 (SIZE 4..=15), whose base is not 16-byte aligned, \
                   or whose PIDX lies beyond the ring."),
                e("NO_BUFFER", ERR_NO_BUFFER, "A C2H packet arrived with no descriptor posted; it was dropped."),
                e("DESC_READ", ERR_DESC_READ, "A descriptor read was answered with an error."),
                e("INCOMPLETE", ERR_INCOMPLETE, "An H2C packet's next descriptor was not posted; the packet was closed early."),
            ],
        }],
    }
}
