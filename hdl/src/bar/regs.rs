//! The window layout that `bar` decodes, and the identification header it
//! answers itself (offsets 0x000-0x0ff of every function's window).

use crate::regmap::{Access, RegBlock, Register};

/// One region of a function's 4 KiB window, routed to one block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub name: &'static str,
    pub base: u32,
    pub size: u32,
    /// Only the PF (function 0) may access it; VFs get SLVERR.
    pub pf_only: bool,
    /// Bit of this region in the header's BLOCKS register.
    pub bit: u32,
}

/// The window layout (see `regmap.rs`). `ctx` is routed to `m_reg_ctx_*`
/// even before the ctx block exists: whatever sits there (the shell ties it
/// to a block that answers SLVERR until then) answers; `bar` also answers
/// SLVERR by itself when a block does not answer within `REG_TIMEOUT` cycles.
pub const REGIONS: [Region; 6] = [
    Region { name: "bar", base: 0x000, size: 0x100, pf_only: false, bit: 0 },
    Region { name: "dma", base: 0x100, size: 0x200, pf_only: false, bit: 1 },
    Region { name: "prc", base: 0x300, size: 0x100, pf_only: true, bit: 2 },
    Region { name: "mgr", base: 0x400, size: 0x300, pf_only: true, bit: 3 },
    Region { name: "sched", base: 0x700, size: 0x100, pf_only: true, bit: 5 },
    Region { name: "ctx", base: 0x800, size: 0x800, pf_only: false, bit: 4 },
];

/// The region named `name`.
pub fn region(name: &str) -> Region {
    *REGIONS.iter().find(|r| r.name == name).unwrap_or_else(|| panic!("no region {name}"))
}

/// Cycles `bar` waits for a block to take and answer a request before it
/// answers SLVERR itself (a missing or hung block must not hang the host).
pub const REG_TIMEOUT: u32 = 1023;

/// The header's ID register: "vfpg" in ASCII.
pub const BAR_MAGIC: u32 = 0x7666_7067;
/// Header layout version: major in bits 31:16, minor in 15:0.
pub const BAR_VERSION: u32 = 0x0001_0000;

/// Header register offsets.
pub const HDR_ID: u32 = 0x00;
pub const HDR_VERSION: u32 = 0x04;
pub const HDR_FUNCTION: u32 = 0x08;
pub const HDR_FUNCTIONS: u32 = 0x0c;
pub const HDR_PARTITIONS: u32 = 0x10;
pub const HDR_DATA_WIDTH: u32 = 0x14;
pub const HDR_BLOCKS: u32 = 0x18;
pub const HDR_NEXT: u32 = 0x1c;

/// Bits of the BLOCKS register visible to a function: every region it may access.
pub fn blocks_mask(pf: bool) -> u32 {
    REGIONS.iter().filter(|r| pf || !r.pf_only).map(|r| 1 << r.bit).sum()
}

/// The identification header, as a register-map block.
/// The header of a design with `functions` PCIe functions, `partitions`
/// partitions and a `data_width`-bit stream: the build-time registers'
/// reset values are what they read. `FUNCTION` and `BLOCKS` differ per
/// window; their documented reset is the PF's.
pub fn header_regs(functions: usize, partitions: usize, data_width: usize) -> RegBlock {
    let r = region("bar");
    let ro = |name: &str, off: u32, width: u32, reset: u64, doc: &str| {
        Register::simple(name, off, Access::RO, width, reset, doc)
    };
    RegBlock {
        name: "bar".into(),
        base: r.base,
        size: r.size,
        pf_only: false,
        doc: "Identification header of every function's window (type/version/next): \
              what this design is and which blocks this function may reach. \
              Every register is read-only; writes and unlisted offsets answer SLVERR."
            .into(),
        registers: vec![
            ro("ID", HDR_ID, 32, BAR_MAGIC as u64, "Magic 0x76667067 (\"vfpg\"): this is a vfpga window."),
            ro("VERSION", HDR_VERSION, 32, BAR_VERSION as u64, "Header layout version: major in 31:16, minor in 15:0."),
            ro("FUNCTION", HDR_FUNCTION, 11, 0, "This window's PCIe function number (0 = PF, k = VF k); reset shown: the PF's."),
            ro("FUNCTIONS", HDR_FUNCTIONS, 12, functions as u64, "Number of PCIe functions of the design (PF + VFs)."),
            ro("PARTITIONS", HDR_PARTITIONS, 7, partitions as u64, "Number of reconfigurable partitions."),
            ro("DATA_WIDTH", HDR_DATA_WIDTH, 10, data_width as u64, "Width of the stream data path, bits."),
            ro(
                "BLOCKS",
                HDR_BLOCKS,
                6,
                blocks_mask(true) as u64,
                &format!(
                    "Regions this function may access: bit 0 header, 1 dma, 2 prc, 3 mgr, 4 ctx, 5 sched \
                     (PF 0x{:02x}, VFs 0x{:02x}); reset shown: the PF's.",
                    blocks_mask(true),
                    blocks_mask(false)
                ),
            ),
            ro("NEXT", HDR_NEXT, 12, 0x100, "Offset of the next block header (the dma block's ID register)."),
        ],
        encodings: vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regmap::RegMap;

    #[test]
    fn layout_is_consistent() {
        let map = RegMap { window_size: 0x1000, functions: 2, blocks: vec![header_regs(2, 1, 64)] };
        map.validate().unwrap();
        let mut end = 0;
        for r in REGIONS {
            assert_eq!(r.base, end, "regions must tile the window");
            end = r.base + r.size;
        }
        assert_eq!(end, crate::regmap::WINDOW_SIZE);
        assert_eq!(blocks_mask(true), 0x3f);
        assert_eq!(blocks_mask(false), 0x13);
    }
}
