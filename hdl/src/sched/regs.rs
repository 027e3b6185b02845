//! Registers of the sharing scheduler (`sched`), in the manager's part of the
//! PF window (0x700-0x7ff): the policy (default time slice) and the counters
//! (context switches per partition, cycles owned per VF).

use crate::mgr::regs::{field, reg};
use crate::regmap::{Access, RegBlock, Register};
use crate::{FUNCTION_ID_BITS, PARTITION_ID_BITS};

/// First byte of the scheduler's region in the PF window.
pub const BASE: u32 = 0x700;
/// Size of the region, bytes.
pub const SIZE: u32 = 0x100;

pub const SCHED_ID: u32 = 0x700;
pub const DEFAULT_SLICE: u32 = 0x704;
pub const PART_SEL: u32 = 0x708;
pub const PART_SCHED: u32 = 0x70c;
pub const PART_SWITCHES: u32 = 0x710;
pub const VF_SEL: u32 = 0x714;
pub const VF_OWNED: u32 = 0x718;

/// `SCHED_ID`: "SCH" and the version of this register map.
pub const SCHED_ID_VALUE: u32 = 0x5343_4801;
/// Time slice, cycles, of a VF whose SET_QOS slice is 0.
pub const DEFAULT_SLICE_RESET: u32 = 1024;

/// Event kinds from the manager (`s_event_kind`).
pub const EV_ATTACH: u64 = 1;
pub const EV_DETACH: u64 = 2;
pub const EV_QOS: u64 = 3;

/// The scheduler's register block.
pub fn sched_regs() -> RegBlock {
    use Access::*;
    let fw = FUNCTION_ID_BITS as u32;
    let pw = PARTITION_ID_BITS as u32;
    RegBlock {
        name: "sched".into(),
        base: BASE,
        size: SIZE,
        pf_only: true,
        doc: "Sharing scheduler of the manager. Policy: the VFs attached to one partition take turns \
              as its owner; only the owner's H2C queue is served by the DMA. A VF with work that is \
              not the owner waits in the partition's queue (first come, first served). The owner \
              keeps the partition for `weight` time slices (SET_QOS weight; slice = SET_QOS slice, \
              or DEFAULT_SLICE if 0) and is switched out when they are used up and another VF \
              waits: its H2C packet in flight ends, the partition drains, the context is saved and \
              the next VF's restored (ctx SWITCH), then the next VF owns it. Packets the DMA had \
              fetched before the end still go out (the turn's overrun, up to its 16 prefetched \
              descriptors): that is the VF's debt, paid from its next turns so that turns follow the \
              weights: each whole slice of debt costs the next turn a round and the rest shortens its \
              first slice; a debt that even a turn of one round cannot pay skips the turn (the VF goes \
              back to the end of the queue, a slice paid, and the owner keeps the partition), or, \
              with no owner, the VF runs one cycle and carries the rest (up to 65535 cycles). A VF's first packet \
              waits for its context to be restored (RESTORE), so a VF alone on a partition also \
              runs with the context in its window. Nobody starves: a waiting VF is served after at \
              most the turns of the VFs queued before it."
            .into(),
        registers: vec![
            Register::simple("SCHED_ID", SCHED_ID, RO, 32, SCHED_ID_VALUE as u64, "Block identification: 'SCH' and the register map version (1)."),
            reg("DEFAULT_SLICE", DEFAULT_SLICE, RW, "Time slice of VFs whose SET_QOS slice is 0.", vec![
                field("cycles", 0, 16, RW, DEFAULT_SLICE_RESET as u64, "Cycles per slice, 1..=65535 (0 is refused with SLVERR). Applies from each VF's next turn."),
            ]),
            reg("PART_SEL", PART_SEL, RW, "Selects the partition shown by PART_SCHED and PART_SWITCHES.", vec![
                field("partition", 0, pw, RW, 0, "Partition index (reads of a partition that does not exist return 0)."),
            ]),
            reg("PART_SCHED", PART_SCHED, RO, "Scheduling state of the partition selected by PART_SEL.", vec![
                field("owner", 0, fw, RO, 0, "VF whose context the partition runs (0: none)."),
                field("waiting", 16, 1, RO, 0, "At least one VF waits for its turn."),
            ]),
            Register::simple("PART_SWITCHES", PART_SWITCHES, RO, 32, 0, "Turns given on the selected partition since reset (each a RESTORE or a SWITCH of its context); wraps."),
            reg("VF_SEL", VF_SEL, RW, "Selects the VF shown by VF_OWNED.", vec![
                field("vf", 0, fw, RW, 0, "Function number."),
            ]),
            Register::simple("VF_OWNED", VF_OWNED, RO, 32, 0, "Cycles the selected VF has owned its partition, summed over its finished turns: each from its start until its close took effect (the drain included; the context switch that follows is not counted for anyone). Cleared at reset only; wraps."),
        ],
        encodings: vec![],
    }
}
