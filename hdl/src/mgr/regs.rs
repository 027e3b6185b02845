//! The manager's registers, command and response formats: the one
//! description that the decoder in `mgr/mod.rs`, `regmap.json`, `regmap.md`,
//! the C header and the tests all read.
//!
//! Driver protocol: write the argument to `CMD_ARG` (it is kept, so a series
//! of commands with the same argument writes it once), then the command word
//! to `CMD`, which pushes `{CMD, CMD_ARG}` into the command FIFO. Each command
//! gives exactly one response, in order; reading `RESP` pops it (bit 31 says
//! whether there was one) and latches its extra data into `RESP_DATA`.

use crate::regmap::{Access, Encoding, EncodingSet, Field, RegBlock, Register};
use crate::{acc_id, FUNCTION_ID_BITS, MAX_FUNCTIONS, MAX_PARTITIONS, PARTITION_ID_BITS};

/// First byte of the manager's region in the PF window.
pub const BASE: u32 = 0x400;
/// Size of the region, bytes.
pub const SIZE: u32 = 0x300;

// Register offsets inside the window.
pub const MGR_ID: u32 = 0x400;
pub const MGR_CAPS: u32 = 0x404;
pub const FIFO_DEPTHS: u32 = 0x408;
pub const STATUS: u32 = 0x40c;
pub const ERRORS: u32 = 0x410;
pub const FREE_VFS: u32 = 0x414;
pub const CMD_ARG: u32 = 0x418;
pub const CMD: u32 = 0x41c;
pub const RESP: u32 = 0x420;
pub const RESP_DATA: u32 = 0x424;
pub const VF_SEL: u32 = 0x428;
pub const VF_INFO: u32 = 0x42c;
pub const VF_QOS: u32 = 0x430;
pub const COMMANDS: u32 = 0x434;
/// `PART_ACC[p]` at `PART_ACC + 4 p`: accelerator ID held by partition `p`.
pub const PART_ACC: u32 = 0x500;
/// `PART_STATUS[p]` at `PART_STATUS + 4 p`: owner and tenant count of `p`.
pub const PART_STATUS: u32 = 0x600;

/// `MGR_ID`: "MGR" and the version of this register map.
pub const MGR_ID_VALUE: u32 = 0x4d47_5201;

/// Depth of the command FIFO and of the response FIFO (entries).
pub const FIFO_DEPTH_BITS: usize = 6;
pub const FIFO_DEPTH: u32 = 1 << FIFO_DEPTH_BITS;

/// Attachments one VM may hold at a time (slots of its VM-table entry).
pub const VM_SLOTS: usize = 4;

/// A function-level reset's drain: the function made no host request for
/// this many cycles (16 us at 250 MHz) and its last one is answered (`mgr`
/// module doc). Far inside PCIe's 100 ms for an FLR.
pub const FLR_QUIET_CYCLES: u32 = 4096;

/// Opcodes (`CMD.opcode`).
pub const OP_ATTACH: u32 = 1;
pub const OP_DETACH: u32 = 2;
pub const OP_QUERY_VM: u32 = 3;
pub const OP_QUERY_PARTITION: u32 = 4;
pub const OP_SET_QOS: u32 = 5;
pub const OP_LOAD: u32 = 6;

/// Status codes (`RESP.status`).
pub const ST_OK: u32 = 0;
pub const ST_BAD_OPCODE: u32 = 1;
pub const ST_BAD_ARG: u32 = 2;
pub const ST_NO_ACC: u32 = 3;
pub const ST_NO_FREE_VF: u32 = 4;
pub const ST_ALREADY_ATTACHED: u32 = 5;
pub const ST_NOT_ATTACHED: u32 = 6;
pub const ST_VM_FULL: u32 = 7;
pub const ST_NOT_SUPPORTED: u32 = 8;
pub const ST_PARTITION_BUSY: u32 = 9;

/// Field positions of the command word (`CMD`).
pub const CMD_OPCODE_LSB: u32 = 0;
pub const CMD_OPCODE_BITS: u32 = 4;
pub const CMD_TAG_LSB: u32 = 4;
pub const CMD_TAG_BITS: u32 = 8;
pub const CMD_ID_LSB: u32 = 12;
pub const CMD_ID_BITS: u32 = 20;

/// Field positions of the response word (`RESP`).
pub const RESP_TAG_LSB: u32 = 0;
pub const RESP_STATUS_LSB: u32 = 8;
pub const RESP_STATUS_BITS: u32 = 4;
pub const RESP_RESULT_LSB: u32 = 12;
pub const RESP_RESULT_BITS: u32 = 19;
pub const RESP_VALID_BIT: u32 = 31;

/// Default QoS of a function at ATTACH: weight 1, time slice 0 (the scheduler's own).
pub const DEFAULT_QOS_WEIGHT: u32 = 1;

/// A command word.
pub fn cmd_word(opcode: u32, tag: u32, id: u32) -> u32 {
    (opcode & 0xf) | (tag & 0xff) << CMD_TAG_LSB | (id & 0xf_ffff) << CMD_ID_LSB
}

/// What the manager is built for; the same values reach the block and the map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MgrParams {
    /// Reconfigurable partitions (1..=64).
    pub partitions: usize,
    /// Virtual functions (1..=1024); functions are 0 (PF) ..= vfs.
    pub vfs: usize,
    /// Width of a VM ID: VMs are 0 .. 2^vm_id_bits.
    pub vm_id_bits: usize,
    /// Accelerator ID held by each partition at reset (0: empty).
    pub partition_accels: Vec<u32>,
}

impl MgrParams {
    /// `partitions` partitions, all holding the passthrough accelerator.
    pub fn new(partitions: usize, vfs: usize, vm_id_bits: usize) -> Self {
        MgrParams { partitions, vfs, vm_id_bits, partition_accels: vec![acc_id::PASSTHROUGH; partitions] }
    }

    /// Checks the ranges the hardware is built for.
    pub fn check(&self) {
        assert!((1..=MAX_PARTITIONS).contains(&self.partitions), "partitions out of range");
        assert!((1..MAX_FUNCTIONS).contains(&self.vfs), "vfs out of range");
        assert!(VM_ID_BITS_ALLOWED.contains(&self.vm_id_bits), "vm_id_bits {} not one of {:?}", self.vm_id_bits, VM_ID_BITS_ALLOWED);
        assert_eq!(self.partition_accels.len(), self.partitions, "one initial accelerator per partition");
    }

    /// `MGR_CAPS` value.
    pub fn caps(&self) -> u32 {
        self.vfs as u32 | (self.partitions as u32) << 11 | (self.vm_id_bits as u32) << 18 | (VM_SLOTS as u32) << 23
    }
}

/// VM-ID widths the manager can be built with (its VM table has 2^bits entries).
pub const VM_ID_BITS_ALLOWED: [usize; 3] = [8, 10, 12];

pub(crate) fn field(name: &str, lsb: u32, width: u32, access: Access, reset: u64, doc: &str) -> Field {
    Field { name: name.into(), lsb, width, access, reset, doc: doc.into() }
}

pub(crate) fn reg(name: &str, offset: u32, access: Access, doc: &str, fields: Vec<Field>) -> Register {
    Register { name: name.into(), offset, access, count: 1, stride: 4, doc: doc.into(), fields, resets: Vec::new() }
}

fn enc(name: &str, value: u32, doc: &str) -> Encoding {
    Encoding { name: name.into(), value, doc: doc.into() }
}

/// The manager's register block for a configuration.
pub fn reg_block(p: &MgrParams) -> RegBlock {
    use Access::*;
    let fw = FUNCTION_ID_BITS as u32;
    let pw = PARTITION_ID_BITS as u32;
    let depth = FIFO_DEPTH as u64;
    let registers = vec![
        Register::simple("MGR_ID", MGR_ID, RO, 32, MGR_ID_VALUE as u64, "Block identification: 'MGR' and the register map version (1)."),
        reg("MGR_CAPS", MGR_CAPS, RO, "What this manager was built for.", vec![
            field("vfs", 0, 11, RO, p.vfs as u64, "Number of VFs (functions 1..=vfs)."),
            field("partitions", 11, 7, RO, p.partitions as u64, "Number of reconfigurable partitions."),
            field("vm_id_bits", 18, 5, RO, p.vm_id_bits as u64, "Width of a VM ID: VMs are 0 .. 2^vm_id_bits - 1."),
            field("vm_slots", 23, 3, RO, VM_SLOTS as u64, "Attachments one VM may hold at a time."),
        ]),
        reg("FIFO_DEPTHS", FIFO_DEPTHS, RO, "Depths of the command and response FIFOs, entries.", vec![
            field("cmd", 0, 16, RO, depth, "Command FIFO depth."),
            field("resp", 16, 16, RO, depth, "Response FIFO depth."),
        ]),
        reg("STATUS", STATUS, RO, "FIFO levels and engine state.", vec![
            field("cmd_count", 0, 8, RO, 0, "Commands waiting in the command FIFO."),
            field("resp_count", 8, 8, RO, 0, "Responses waiting in the response FIFO."),
            field("cmd_full", 16, 1, RO, 0, "The command FIFO is full: a write to CMD now is refused (SLVERR, ERRORS.cmd_overflow)."),
            field("resp_full", 17, 1, RO, 0, "The response FIFO is full: the engine waits for RESP to be read."),
            field("ready", 18, 1, RO, 0, "The tables are initialized (max(2^vm_id_bits, vfs + 1) cycles after reset); commands written before wait in the FIFO."),
            field("busy", 19, 1, RO, 0, "The engine is executing a command."),
        ]),
        reg("ERRORS", ERRORS, W1C, "Sticky error flags; write 1 to clear.", vec![
            field("cmd_overflow", 0, 1, W1C, 0, "A write to CMD found the command FIFO full; it was refused with SLVERR and lost nothing else."),
        ]),
        reg("FREE_VFS", FREE_VFS, RO, "VFs not attached to any VM.", vec![
            field("count", 0, 11, RO, p.vfs as u64, "Number of free VFs."),
        ]),
        Register::simple("CMD_ARG", CMD_ARG, RW, 32, 0, "Argument of the next command(s): the accelerator ID for ATTACH, DETACH and LOAD, the slot for QUERY_VM, weight and time slice for SET_QOS. Kept after the push."),
        reg("CMD", CMD, WO, "Writing pushes {CMD, CMD_ARG} into the command FIFO (SLVERR if it is full). Reads return 0.", vec![
            field("opcode", CMD_OPCODE_LSB, CMD_OPCODE_BITS, WO, 0, "Command, see the `opcode` encoding."),
            field("tag", CMD_TAG_LSB, CMD_TAG_BITS, WO, 0, "Echoed in the response."),
            field("id", CMD_ID_LSB, CMD_ID_BITS, WO, 0, "VM (ATTACH, DETACH, QUERY_VM), partition (QUERY_PARTITION, LOAD) or VF (SET_QOS)."),
        ]),
        reg("RESP", RESP, RO, "Reading pops the oldest response (if valid = 1) and latches its data into RESP_DATA; valid = 0 means none was waiting.", vec![
            field("tag", RESP_TAG_LSB, 8, RO, 0, "Tag of the command."),
            field("status", RESP_STATUS_LSB, RESP_STATUS_BITS, RO, 0, "See the `resp_status` encoding."),
            field("result", RESP_RESULT_LSB, RESP_RESULT_BITS, RO, 0, "Per opcode, see the `opcode` encoding; 0 on error."),
            field("valid", RESP_VALID_BIT, 1, RO, 0, "A response was popped."),
        ]),
        Register::simple("RESP_DATA", RESP_DATA, RO, 32, 0, "Extra data of the last response popped (see the `opcode` encoding); 0 on error."),
        reg("VF_SEL", VF_SEL, RW, "Selects the VF shown by VF_INFO and VF_QOS.", vec![
            field("vf", 0, fw, RW, 0, "Function number."),
        ]),
        reg("VF_INFO", VF_INFO, RO, "Table entry of the VF selected by VF_SEL.", vec![
            field("attached", 0, 1, RO, 0, "The VF is attached to a VM."),
            field("partition", 1, pw, RO, 0, "Partition it is routed to."),
            field("vm", 1 + pw, 16, RO, 0, "VM it belongs to."),
        ]),
        reg("VF_QOS", VF_QOS, RO, "QoS of the VF selected by VF_SEL.", vec![
            field("weight", 0, 8, RO, 0, "DMA scheduler weight."),
            field("slice", 8, 16, RO, 0, "Time slice on a shared partition, cycles (0: the scheduler's default)."),
        ]),
        Register::simple("COMMANDS", COMMANDS, RO, 32, 0, "Commands executed since reset (wraps)."),
        Register {
            name: "PART_ACC".into(),
            offset: PART_ACC,
            access: RO,
            count: p.partitions as u32,
            stride: 4,
            doc: "Accelerator ID held by partition p (0: empty), at PART_ACC + 4 p. Reset: the configuration's partition_accels. A LOAD accepted for p sets it to 0; the prc's end of that LOAD sets it to the LOAD's accelerator on success, leaves it 0 on failure.".into(),
            fields: vec![field("acc_id", 0, 32, RO, 0, "Accelerator ID (reset value per partition: see `resets`).")],
            resets: p.partition_accels.iter().map(|&a| a as u64).collect(),
        },
        Register {
            name: "PART_STATUS".into(),
            offset: PART_STATUS,
            access: RO,
            count: p.partitions as u32,
            stride: 4,
            doc: "Owner and tenants of partition p, at PART_STATUS + 4 p.".into(),
            fields: vec![
                field("owner", 0, fw, RO, 0, "Function whose context the partition runs (0: none), as the sharing scheduler (`sched`) sets it: a VF becomes the owner when its turn comes (its first packet, or a context switch); 0 after the owner detaches."),
                field("tenants", 11, 11, RO, 0, "VFs attached to the partition."),
            ],
            resets: Vec::new(),
        },
    ];
    let opcodes = EncodingSet {
        name: "opcode".into(),
        doc: "CMD.opcode. Any other value answers BAD_OPCODE and changes nothing.".into(),
        values: vec![
            enc("ATTACH", OP_ATTACH, "ATTACH(vm = id, acc = CMD_ARG): binds a free VF of the VM to the first partition holding the accelerator, routes it, enables its DMA queues with the default QoS. Result: vf [10:0], partition [16:11]. Errors: BAD_ARG (vm >= 2^vm_id_bits or acc 0), NO_ACC, ALREADY_ATTACHED (to that accelerator, in any partition), VM_FULL, NO_FREE_VF (checked in that order)."),
            enc("DETACH", OP_DETACH, "DETACH(vm = id, acc = CMD_ARG): releases the VF, its route and its DMA queues. Result: vf [10:0], partition [16:11]. Errors: BAD_ARG, NO_ACC, NOT_ATTACHED."),
            enc("QUERY_VM", OP_QUERY_VM, "QUERY_VM(vm = id, slot = CMD_ARG[1:0]): result: attachments of the VM [2:0]; RESP_DATA: slot used [0], partition [6:1], vf [17:7]. Errors: BAD_ARG (vm out of range or CMD_ARG > 3)."),
            enc("QUERY_PARTITION", OP_QUERY_PARTITION, "QUERY_PARTITION(p = id): result: tenants [10:0]; RESP_DATA: accelerator ID. Errors: BAD_ARG (p >= partitions)."),
            enc("SET_QOS", OP_SET_QOS, "SET_QOS(vf = id, weight = CMD_ARG[7:0], slice = CMD_ARG[23:8]): sets the DMA weight and time slice of an attached VF (reset to weight 1, slice 0 at ATTACH). Errors: BAD_ARG (vf not in 1..=vfs, weight 0, or CMD_ARG[31:24] not 0), NOT_ATTACHED."),
            enc("LOAD", OP_LOAD, "LOAD(p = id, acc = CMD_ARG): partial reconfiguration of partition p with accelerator acc by the prc (its bitstream must be registered in a prc slot). When accepted: hands (p, acc) to the prc, sets PART_ACC[p] to 0 (empty: nothing can attach to p while it loads) and answers at once, in constant time; result: p [5:0]. The reconfiguration ends later: on success PART_ACC[p] becomes acc, on failure it stays 0 (the prc's registers say why; a new LOAD may target p again). QUERY_PARTITION or PART_ACC show the end. Errors: BAD_ARG (p >= partitions or acc 0), PARTITION_BUSY (VFs are attached to p) (checked in that order)."),
        ],
    };
    let statuses = EncodingSet {
        name: "resp_status".into(),
        doc: "RESP.status.".into(),
        values: vec![
            enc("OK", ST_OK, "Done."),
            enc("BAD_OPCODE", ST_BAD_OPCODE, "Unknown opcode; nothing changed."),
            enc("BAD_ARG", ST_BAD_ARG, "An argument is out of range; nothing changed."),
            enc("NO_ACC", ST_NO_ACC, "No partition holds that accelerator; nothing changed."),
            enc("NO_FREE_VF", ST_NO_FREE_VF, "Every VF is attached; nothing changed."),
            enc("ALREADY_ATTACHED", ST_ALREADY_ATTACHED, "The VM is already attached to that accelerator; nothing changed."),
            enc("NOT_ATTACHED", ST_NOT_ATTACHED, "The VM (or VF) is not attached (to that accelerator); nothing changed."),
            enc("VM_FULL", ST_VM_FULL, "The VM already holds MGR_CAPS.vm_slots attachments; nothing changed."),
            enc("NOT_SUPPORTED", ST_NOT_SUPPORTED, "The command needs a block this design does not have; nothing changed (no command answers it at present)."),
            enc("PARTITION_BUSY", ST_PARTITION_BUSY, "LOAD: VFs are attached to the partition (PART_STATUS.tenants > 0); detach them first; nothing changed."),
        ],
    };
    let accels = EncodingSet {
        name: "acc_id".into(),
        doc: "Accelerator IDs of the example accelerators (PART_ACC, CMD_ARG of ATTACH/DETACH/LOAD).".into(),
        values: acc_id::ALL.iter().map(|(n, v, d)| enc(n, *v, d)).collect(),
    };
    RegBlock {
        name: "mgr".into(),
        base: BASE,
        size: SIZE,
        pf_only: true,
        doc: "Manager: command and response FIFOs, partition status table. Each command takes a fixed number of cycles.".into(),
        registers,
        encodings: vec![opcodes, statuses, accels],
    }
}

/// Reset value of every word of the block (offset, value), arrays expanded;
/// WO registers read 0.
pub fn reset_values(p: &MgrParams) -> Vec<(u32, u32)> {
    let block = reg_block(p);
    let mut out = Vec::new();
    for r in &block.registers {
        for i in 0..r.count {
            let value = if r.access == Access::WO { 0 } else { r.reset_word(i) };
            out.push((r.offset + i * r.stride, value));
        }
    }
    out
}
