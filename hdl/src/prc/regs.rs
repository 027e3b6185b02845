//! The prc's registers in the PF window (0x300-0x3ff), described once: the
//! decoder in `prc` takes its offsets from here.

use crate::regmap::{Access, Encoding, EncodingSet, Field, RegBlock, Register};

/// Base of the prc's region in the window.
pub const BASE: u32 = 0x300;
/// Size of the region, bytes.
pub const SIZE: u32 = 0x100;
/// Bitstream slots (one partial bitstream of one accelerator for one partition each).
pub const SLOTS: usize = 6;
/// Offset of slot 0 and distance between slots.
pub const SLOT_BASE: u32 = 0x320;
pub const SLOT_STRIDE: u32 = 0x20;
/// Version reported in `info`.
pub const VERSION: u32 = 1;

/// LOAD completion status codes (`m_load_done_status`, `status.last_status`).
pub const STATUS_CODES: [(&str, u32, &str); 8] = [
    ("OK", 0, "the accelerator is loaded, verified and coupled"),
    ("BAD_PARTITION", 1, "no such partition; nothing changed"),
    ("NO_BITSTREAM", 2, "no valid slot holds this accelerator for this partition; nothing changed"),
    ("BAD_LENGTH", 3, "the slot's length is 0 or not a multiple of 4; nothing changed"),
    ("HOST_ERROR", 4, "a read of the bitstream got an error response; partition left decoupled, failed"),
    ("BITSTREAM_ERROR", 5, "the configuration port reported an error (sync, checksum, truncation); partition left decoupled, failed"),
    ("NO_RESPONSE", 6, "the configuration port reported neither done nor error; partition left decoupled, failed"),
    ("WRONG_ACCELERATOR", 7, "the loaded RM reports another acc_id; partition left decoupled, failed"),
];

fn field(name: &str, lsb: u32, width: u32, access: Access, doc: &str) -> Field {
    Field { name: name.into(), lsb, width, access, reset: 0, doc: doc.into() }
}

/// A read-only field that holds a build-time value from reset on.
fn constant(name: &str, lsb: u32, width: u32, value: u64, doc: &str) -> Field {
    Field { reset: value, ..field(name, lsb, width, Access::RO, doc) }
}

fn reg(name: &str, offset: u32, access: Access, doc: &str, fields: Vec<Field>) -> Register {
    Register { name: name.into(), offset, access, count: 1, stride: 4, resets: Vec::new(), doc: doc.into(), fields }
}

fn slot_reg(name: &str, index: u32, doc: &str, fields: Vec<Field>) -> Register {
    Register {
        resets: Vec::new(),
        name: name.into(),
        offset: SLOT_BASE + 4 * index,
        access: Access::RW,
        count: SLOTS as u32,
        stride: SLOT_STRIDE,
        doc: doc.into(),
        fields,
    }
}

/// The prc's register block, for a design of `partitions` partitions (what
/// `info` reads).
pub fn prc_regs(partitions: usize) -> RegBlock {
    use Access::*;
    RegBlock {
        name: "prc".into(),
        base: BASE,
        size: SIZE,
        pf_only: true,
        doc: "Partial-reconfiguration controller: bitstream slots and reconfiguration status. \
              Writes must be whole words (wstrb 0xF); other accesses answer SLVERR."
            .into(),
        registers: vec![
            reg("info", 0x300, RO, "What the prc was built with.", vec![
                constant("partitions", 0, 8, partitions as u64, "number of partitions"),
                constant("slots", 8, 8, SLOTS as u64, "number of bitstream slots"),
                constant("version", 16, 16, VERSION as u64, "register map version"),
            ]),
            reg("status", 0x304, RO, "The prc itself.", vec![
                field("busy", 0, 1, RO, "a LOAD is in progress"),
                field("last_status", 4, 4, RO, "status of the last LOAD (see load_status)"),
                field("last_partition", 8, 6, RO, "partition of the last LOAD"),
            ]),
            reg("part_sel", 0x308, RW, "Partition shown by part_status and part_acc_id.", vec![
                field("partition", 0, 6, RW, "partition index; a value >= partitions is refused"),
            ]),
            reg("part_status", 0x30C, RO, "State of partition part_sel.", vec![
                field("decoupled", 0, 1, RO, "isolated from the static region"),
                field("failed", 1, 1, RO, "the last LOAD into it failed after reconfiguration started"),
                field("loading", 2, 1, RO, "a LOAD into it is in progress"),
                field("loaded", 3, 1, RO, "it holds a verified accelerator (part_acc_id)"),
                field("forced", 4, 1, RO, "its last decoupling hit the drain limit (the RM was not idle)"),
            ]),
            reg("part_acc_id", 0x310, RO, "acc_id of the accelerator verified in partition part_sel, 0 if none.", vec![
                field("acc_id", 0, 32, RO, "accelerator ID"),
            ]),
            reg("load_count", 0x314, RO, "LOADs completed with status OK.", vec![field("count", 0, 32, RO, "")]),
            reg("fail_count", 0x318, RO, "LOADs completed with another status.", vec![field("count", 0, 32, RO, "")]),
            slot_reg("slot_acc_id", 0, "acc_id of the accelerator in the slot's bitstream.", vec![
                field("acc_id", 0, 32, RW, "accelerator ID"),
            ]),
            slot_reg("slot_target", 1, "Partition the slot's bitstream is for.", vec![
                field("partition", 0, 6, RW, "partition index"),
                field("valid", 31, 1, RW, "the slot may be used"),
            ]),
            slot_reg("slot_addr_lo", 2, "Host bus address of the bitstream, bits 31:0 (word aligned).", vec![
                field("addr", 0, 32, RW, "address bits 31:0"),
            ]),
            slot_reg("slot_addr_hi", 3, "Host bus address of the bitstream, bits 63:32.", vec![
                field("addr", 0, 32, RW, "address bits 63:32"),
            ]),
            slot_reg("slot_length", 4, "Bitstream length in bytes (a multiple of 4).", vec![
                field("bytes", 0, 32, RW, "length"),
            ]),
        ],
        encodings: vec![EncodingSet {
            name: "load_status".into(),
            doc: "Status of a LOAD (m_load_done_status, status.last_status).".into(),
            values: STATUS_CODES
                .iter()
                .map(|&(n, v, d)| Encoding { name: n.into(), value: v, doc: d.into() })
                .collect(),
        }],
    }
}

/// Offset of register `name` (slot registers: of slot 0).
pub fn offset(name: &str) -> u32 {
    prc_regs(1)
        .registers
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("prc has no register {name}"))
        .offset
}

/// Status code by name.
pub fn status_code(name: &str) -> u32 {
    STATUS_CODES.iter().find(|s| s.0 == name).unwrap_or_else(|| panic!("no status {name}")).1
}

#[cfg(test)]
mod tests {
    #[test]
    fn map_is_consistent() {
        let b = super::prc_regs(1);
        let map = crate::regmap::RegMap { window_size: 0x1000, functions: 1, blocks: vec![b] };
        map.validate().unwrap();
    }
}
