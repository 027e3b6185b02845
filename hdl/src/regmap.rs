//! The register map, described once. The hardware decoders take their
//! offsets from here, and `vfpga generate` writes `regmap.json`, `regmap.md`
//! and a C header from the same description (`gen/regmap.rs`).
//!
//! Every PCIe function has a 4 KiB window in the BAR (a page, so that VFIO can
//! map one VF's window, and only it, into its VM). The window of function `f`
//! starts at `f * WINDOW_SIZE`. Inside a window:
//!
//! | offset | block | who may access |
//! |---|---|---|
//! | 0x000-0x0ff | `bar`: identification header | every function |
//! | 0x100-0x2ff | `dma`: this function's queues, interrupts, errors | every function |
//! | 0x300-0x3ff | `prc`: bitstream buffers, reconfiguration status | PF only |
//! | 0x400-0x7ff | `mgr`: command/response FIFOs, status table | PF only |
//! | 0x800-0xfff | `ctx`: this function's context memory | every function |
//!
//! Any other access (a VF touching a PF-only region, an unmapped offset, a
//! write to a read-only register) answers SLVERR and changes nothing.

use serde::Serialize;

/// Size of one function's window, bytes.
pub const WINDOW_SIZE: u32 = 0x1000;

/// How software may access a register or field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Access {
    /// Read only; writes answer SLVERR.
    RO,
    /// Read and write.
    RW,
    /// Write only; reads return 0.
    WO,
    /// Read; writing 1 to a bit clears it.
    W1C,
}

/// A field of a register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    pub name: String,
    pub lsb: u32,
    pub width: u32,
    pub access: Access,
    pub reset: u64,
    pub doc: String,
}

/// A 32-bit register, or an array of `count` registers `stride` bytes apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Register {
    pub name: String,
    /// Byte offset inside the window.
    pub offset: u32,
    pub access: Access,
    pub count: u32,
    pub stride: u32,
    pub doc: String,
    pub fields: Vec<Field>,
    /// Reset value of each element of an array whose elements differ (whole
    /// 32-bit words, `count` of them); empty when the fields' `reset` holds.
    pub resets: Vec<u64>,
}

/// A named value of an encoding (a command opcode, a status code, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Encoding {
    pub name: String,
    pub value: u32,
    pub doc: String,
}

/// An enumeration used in registers (`opcode`, `status`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EncodingSet {
    pub name: String,
    pub doc: String,
    pub values: Vec<Encoding>,
}

/// The registers of one block inside the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegBlock {
    pub name: String,
    /// First byte offset of the block inside the window.
    pub base: u32,
    /// Size of the block's region, bytes.
    pub size: u32,
    /// Only the PF (function 0) may access it.
    pub pf_only: bool,
    pub doc: String,
    pub registers: Vec<Register>,
    pub encodings: Vec<EncodingSet>,
}

/// The whole map of a design.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegMap {
    pub window_size: u32,
    /// Number of windows (PCIe functions).
    pub functions: u32,
    pub blocks: Vec<RegBlock>,
}

impl Register {
    /// A single register with one field covering the given bits.
    pub fn simple(name: &str, offset: u32, access: Access, width: u32, reset: u64, doc: &str) -> Self {
        Register {
            name: name.into(),
            offset,
            access,
            count: 1,
            stride: 4,
            doc: doc.into(),
            fields: vec![Field { name: name.into(), lsb: 0, width, access, reset, doc: doc.into() }],
            resets: Vec::new(),
        }
    }

    /// Reset value of element `i` as a whole word.
    pub fn reset_word(&self, i: u32) -> u32 {
        match self.resets.get(i as usize) {
            Some(v) => *v as u32,
            None => self.fields.iter().fold(0u32, |v, f| v | (f.reset as u32) << f.lsb),
        }
    }
}

impl RegMap {
    /// The map of a design with `functions` windows made of `blocks`
    /// (sorted by offset), checked.
    pub fn assemble(functions: u32, mut blocks: Vec<RegBlock>) -> Result<RegMap, String> {
        blocks.sort_by_key(|b| b.base);
        let map = RegMap { window_size: WINDOW_SIZE, functions, blocks };
        map.validate()?;
        Ok(map)
    }

    /// The block that owns a window offset, if any.
    pub fn block_at(&self, offset: u32) -> Option<&RegBlock> {
        self.blocks.iter().find(|b| offset >= b.base && offset < b.base + b.size)
    }

    /// Checks the map: blocks inside the window and apart, registers inside
    /// their block and apart, fields inside 32 bits and apart.
    pub fn validate(&self) -> Result<(), String> {
        let mut spans: Vec<(u32, u32, String)> = Vec::new();
        for b in &self.blocks {
            if b.base % 4 != 0 || b.base + b.size > self.window_size {
                return Err(format!("block {} lies outside the window", b.name));
            }
            spans.push((b.base, b.base + b.size, b.name.clone()));
            let mut regs: Vec<(u32, u32, &str)> = Vec::new();
            for r in &b.registers {
                if r.count == 0 || r.stride < 4 || !(r.resets.is_empty() || r.resets.len() == r.count as usize) {
                    return Err(format!("register {}.{} has a bad count, stride or reset list", b.name, r.name));
                }
                let end = r.offset + r.stride * (r.count - 1) + 4;
                if r.offset % 4 != 0 || r.offset < b.base || end > b.base + b.size {
                    return Err(format!("register {}.{} lies outside its block", b.name, r.name));
                }
                for i in 0..r.count {
                    let o = r.offset + i * r.stride;
                    regs.push((o, o + 4, &r.name));
                }
                let mut bits = 0u64;
                for f in &r.fields {
                    let mask = ((1u64 << f.width) - 1) << f.lsb;
                    if f.lsb + f.width > 32 || bits & mask != 0 {
                        return Err(format!("field {}.{}.{} overlaps or exceeds 32 bits", b.name, r.name, f.name));
                    }
                    bits |= mask;
                }
            }
            regs.sort();
            for w in regs.windows(2) {
                if w[0].1 > w[1].0 {
                    return Err(format!("registers {} and {} of {} overlap", w[0].2, w[1].2, b.name));
                }
            }
        }
        spans.sort();
        for w in spans.windows(2) {
            if w[0].1 > w[1].0 {
                return Err(format!("blocks {} and {} overlap", w[0].2, w[1].2));
            }
        }
        Ok(())
    }
}
