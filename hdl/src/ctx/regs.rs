//! Registers of the `ctx` block: each function's context memory, in its own
//! window.

use crate::regmap::{Access, Field, RegBlock, Register};

/// First byte of the context memory in every function's window.
pub const CTX_BASE: u32 = 0x800;
/// Size of the region reserved for it (512 words at most).
pub const CTX_SIZE: u32 = 0x800;

/// The context memory of a function holding `words` 32-bit context words.
pub fn ctx_regs(words: u32) -> RegBlock {
    RegBlock {
        name: "ctx".into(),
        base: CTX_BASE,
        size: CTX_SIZE,
        pf_only: false,
        doc: "Context memory of this function: the accelerator context the VM \
              writes before it uses a shared accelerator (a key, coefficients, an \
              initial CRC), and where the hardware saves it when the accelerator \
              is switched to another VM. Words are accessed whole (wstrb 0xf); \
              accesses stall while a context switch is in progress."
            .into(),
        registers: vec![Register {
            name: "context".into(),
            offset: CTX_BASE,
            access: Access::RW,
            count: words,
            stride: 4,
            resets: Vec::new(),
            doc: "Context word i (register i of the accelerator's context port).".into(),
            fields: vec![Field {
                name: "value".into(),
                lsb: 0,
                width: 32,
                access: Access::RW,
                reset: 0,
                doc: "Context word; not reset (cleared by the manager when the VF is given to a new VM).".into(),
            }],
        }],
        encodings: vec![],
    }
}
