//! The orchestrator: what the host's management software does with the PF's
//! window (function 0), at the level its user thinks in. It attaches VMs to
//! accelerators (each attachment is a VF), detaches them, sets a VF's QoS,
//! registers partial bitstreams in PF-owned host memory and LOADs them into
//! partitions (waiting for the prc's end), and reads the partition status
//! table. Commands go through the manager's command FIFO and come back from
//! its response FIFO with a tag; refusals are typed ([`Status`], the
//! register map's `resp_status` codes).

use crate::driver::Window;
use vfpga_hdl::mgr::regs::*;
use vfpga_hdl::prc::regs::{self as prc, SLOTS, SLOT_STRIDE};

/// A manager response status other than OK (`resp_status` of the register map).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    BadOpcode,
    BadArg,
    NoAcc,
    NoFreeVf,
    AlreadyAttached,
    NotAttached,
    VmFull,
    NotSupported,
    PartitionBusy,
    /// A code the register map does not list.
    Unknown(u32),
}

impl Status {
    /// The status of a response code; `None` for OK.
    pub fn from_code(code: u32) -> Option<Status> {
        Some(match code {
            ST_OK => return None,
            ST_BAD_OPCODE => Status::BadOpcode,
            ST_BAD_ARG => Status::BadArg,
            ST_NO_ACC => Status::NoAcc,
            ST_NO_FREE_VF => Status::NoFreeVf,
            ST_ALREADY_ATTACHED => Status::AlreadyAttached,
            ST_NOT_ATTACHED => Status::NotAttached,
            ST_VM_FULL => Status::VmFull,
            ST_NOT_SUPPORTED => Status::NotSupported,
            ST_PARTITION_BUSY => Status::PartitionBusy,
            c => Status::Unknown(c),
        })
    }

    /// Its register-map code.
    pub fn code(self) -> u32 {
        match self {
            Status::BadOpcode => ST_BAD_OPCODE,
            Status::BadArg => ST_BAD_ARG,
            Status::NoAcc => ST_NO_ACC,
            Status::NoFreeVf => ST_NO_FREE_VF,
            Status::AlreadyAttached => ST_ALREADY_ATTACHED,
            Status::NotAttached => ST_NOT_ATTACHED,
            Status::VmFull => ST_VM_FULL,
            Status::NotSupported => ST_NOT_SUPPORTED,
            Status::PartitionBusy => ST_PARTITION_BUSY,
            Status::Unknown(c) => c,
        }
    }
}

/// One attachment of a VM to an accelerator: the VF passed through to the
/// VM and the partition its traffic is routed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attachment {
    pub vm: u32,
    pub acc: u32,
    pub vf: u32,
    pub partition: u32,
}

/// Why a LOAD did not end with the accelerator in the partition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// The manager refused the command (nothing changed).
    Refused(Status),
    /// The prc ended it with this `load_status` code (see `prc::regs::STATUS_CODES`).
    Failed(u32),
    /// No end within the polls allowed.
    Timeout,
    /// A register access failed (the PF window refused it).
    Bus(String),
}

/// A LOAD handed to the prc and not yet ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingLoad {
    pub acc: u32,
    pub partition: u32,
    /// load_count + fail_count before it.
    ends_before: u32,
}

/// One partition's row of the status table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartitionRow {
    /// Accelerator it holds (0: empty, or loading).
    pub acc: u32,
    /// Function whose context it runs (0: none).
    pub owner: u32,
    /// VFs attached to it.
    pub tenants: u32,
}

/// One VF's row of the status table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VfRow {
    pub vf: u32,
    pub attached: bool,
    pub partition: u32,
    pub vm: u32,
    pub weight: u32,
    pub slice: u32,
}

/// The manager's status table, read through the PF window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusTable {
    pub partitions: Vec<PartitionRow>,
    /// VFs 1..=vfs, in order.
    pub vfs: Vec<VfRow>,
    pub free_vfs: u32,
}

impl StatusTable {
    /// The row of VF `vf` (1-based).
    pub fn vf(&self, vf: u32) -> &VfRow {
        &self.vfs[vf as usize - 1]
    }
    /// VFs attached to partition `p`, per the VF table.
    pub fn vfs_on(&self, p: u32) -> Vec<u32> {
        self.vfs.iter().filter(|r| r.attached && r.partition == p).map(|r| r.vf).collect()
    }
}

/// The PF's management software.
#[derive(Debug)]
pub struct Orchestrator {
    /// VFs and partitions of the design (MGR_CAPS).
    pub vfs: u32,
    pub partitions: u32,
    tag: u32,
    /// Commands answered (any status).
    pub commands: u64,
}

const PF: u32 = 0;

fn bus<T>(r: Option<T>, what: &str) -> Result<T, String> {
    r.ok_or_else(|| format!("PF window: {what} refused"))
}

impl Orchestrator {
    /// Takes the PF's manager: checks its ID and reads what it was built for.
    pub fn new(w: &mut impl Window) -> Result<Orchestrator, String> {
        let id = bus(w.reg_read(PF, MGR_ID), "MGR_ID read")?;
        if id != MGR_ID_VALUE {
            return Err(format!("MGR_ID {id:#x}, expected {MGR_ID_VALUE:#x}"));
        }
        let caps = bus(w.reg_read(PF, MGR_CAPS), "MGR_CAPS read")?;
        Ok(Orchestrator { vfs: caps & 0x7ff, partitions: caps >> 11 & 0x7f, tag: 0, commands: 0 })
    }

    fn write(w: &mut impl Window, off: u32, v: u32) -> Result<(), String> {
        if w.reg_write(PF, off, v) {
            Ok(())
        } else {
            Err(format!("PF window: write of {off:#x} refused"))
        }
    }

    fn read(w: &mut impl Window, off: u32) -> Result<u32, String> {
        bus(w.reg_read(PF, off), &format!("read of {off:#x}"))
    }

    /// One command: pushes it, pops its response (same tag). `Ok((result,
    /// data))` on OK; the typed status otherwise. A bus failure panics: the
    /// PF's window must answer.
    pub fn command(&mut self, w: &mut impl Window, opcode: u32, id: u32, arg: u32) -> Result<(u32, u32), Status> {
        self.tag = (self.tag + 1) & 0xff;
        let tag = self.tag;
        let r = (|| -> Result<(u32, u32, u32), String> {
            Self::write(w, CMD_ARG, arg)?;
            Self::write(w, CMD, cmd_word(opcode, tag, id))?;
            // A DETACH or an ATTACH may wait for the scheduler's turn change
            // in progress (its drain, a context switch).
            for _ in 0..20_000 {
                let word = Self::read(w, RESP)?;
                if word >> RESP_VALID_BIT & 1 == 0 {
                    continue;
                }
                if word & 0xff != tag {
                    return Err(format!("response tag {} for command tag {tag}", word & 0xff));
                }
                let status = word >> RESP_STATUS_LSB & ((1 << RESP_STATUS_BITS) - 1);
                let result = word >> RESP_RESULT_LSB & ((1 << RESP_RESULT_BITS) - 1);
                let data = Self::read(w, RESP_DATA)?;
                return Ok((status, result, data));
            }
            Err(format!("no response to command {opcode} (tag {tag})"))
        })();
        let (status, result, data) = r.unwrap_or_else(|e| panic!("orchestrator: {e}"));
        self.commands += 1;
        match Status::from_code(status) {
            None => Ok((result, data)),
            Some(s) => Err(s),
        }
    }

    /// ATTACH(vm, acc): a VF of the VM on a partition holding `acc`.
    pub fn attach(&mut self, w: &mut impl Window, vm: u32, acc: u32) -> Result<Attachment, Status> {
        let (r, _) = self.command(w, OP_ATTACH, vm, acc)?;
        Ok(Attachment { vm, acc, vf: r & 0x7ff, partition: r >> 11 & 0x3f })
    }

    /// DETACH(vm, acc): the VF goes back to the free list; returns what it
    /// was. If the VF owned its partition, the scheduler saves its context
    /// after the answer (its last packet drains first); this waits until the
    /// partition's owner is no longer that VF, so the VM reads back its
    /// final context.
    pub fn detach(&mut self, w: &mut impl Window, vm: u32, acc: u32) -> Result<Attachment, Status> {
        let (r, _) = self.command(w, OP_DETACH, vm, acc)?;
        let att = Attachment { vm, acc, vf: r & 0x7ff, partition: r >> 11 & 0x3f };
        for _ in 0..10_000 {
            match Self::read(w, PART_STATUS + 4 * att.partition) {
                Ok(st) if st & 0x7ff == att.vf => continue,
                _ => return Ok(att),
            }
        }
        panic!("DETACH of VF {}: partition {} never let it go", att.vf, att.partition);
    }

    /// SET_QOS(vf, weight, slice).
    pub fn set_qos(&mut self, w: &mut impl Window, vf: u32, weight: u32, slice: u32) -> Result<(), Status> {
        if weight > 0xff || slice > 0xffff {
            return Err(Status::BadArg);
        }
        self.command(w, OP_SET_QOS, vf, weight | slice << 8).map(|_| ())
    }

    /// QUERY_PARTITION(p): (tenants, accelerator).
    pub fn query_partition(&mut self, w: &mut impl Window, p: u32) -> Result<(u32, u32), Status> {
        self.command(w, OP_QUERY_PARTITION, p, 0)
    }

    /// Puts a partial bitstream (`bytes`, the `.bin` file) at `addr` in host
    /// memory, lets the PF (function 0) read its pages and no one write
    /// them, and registers it in prc slot `slot` for (`acc`, `partition`).
    pub fn register_bitstream(
        &mut self,
        w: &mut impl Window,
        slot: u32,
        acc: u32,
        partition: u32,
        addr: u64,
        bytes: &[u8],
    ) -> Result<(), String> {
        if slot as usize >= SLOTS {
            return Err(format!("slot {slot}: the prc has {SLOTS}"));
        }
        let host = w.host();
        host.write_bytes(addr, bytes);
        host.iommu.map(PF, addr, bytes.len() as u64, false);
        let o = SLOT_STRIDE * slot;
        for (reg, v) in [
            ("slot_acc_id", acc),
            ("slot_target", 0x8000_0000 | partition),
            ("slot_addr_lo", addr as u32),
            ("slot_addr_hi", (addr >> 32) as u32),
            ("slot_length", bytes.len() as u32),
        ] {
            Self::write(w, prc::offset(reg) + o, v)?;
        }
        Ok(())
    }

    fn load_ends(w: &mut impl Window) -> Result<u32, String> {
        Ok(Self::read(w, prc::offset("load_count"))? + Self::read(w, prc::offset("fail_count"))?)
    }

    /// LOAD(acc, partition) without waiting for its end: the manager
    /// accepted it and handed it to the prc.
    pub fn start_load(&mut self, w: &mut impl Window, acc: u32, partition: u32) -> Result<PendingLoad, LoadError> {
        let ends_before = Self::load_ends(w).map_err(LoadError::Bus)?;
        let (r, _) = self.command(w, OP_LOAD, partition, acc).map_err(LoadError::Refused)?;
        if r & 0x3f != partition {
            return Err(LoadError::Bus(format!("LOAD answered partition {}, asked {partition}", r & 0x3f)));
        }
        Ok(PendingLoad { acc, partition, ends_before })
    }

    /// Polls the prc once: `None` while the LOAD runs, then its outcome
    /// (OK: the prc verified the accelerator and the manager's PART_ACC shows it).
    pub fn poll_load(&mut self, w: &mut impl Window, l: &PendingLoad) -> Option<Result<(), LoadError>> {
        let r = (|| -> Result<Option<Result<(), LoadError>>, String> {
            if Self::load_ends(w)? == l.ends_before {
                return Ok(None);
            }
            let st = Self::read(w, prc::offset("status"))?;
            let (code, part) = (st >> 4 & 0xf, st >> 8 & 0x3f);
            if part != l.partition {
                return Err(format!("prc's last LOAD was of partition {part}, expected {}", l.partition));
            }
            if code != 0 {
                return Ok(Some(Err(LoadError::Failed(code))));
            }
            let acc = Self::read(w, PART_ACC + 4 * l.partition)?;
            if acc != l.acc {
                return Err(format!("LOAD ended OK but PART_ACC[{}] = {acc:#x}, expected {:#x}", l.partition, l.acc));
            }
            Ok(Some(Ok(())))
        })();
        r.unwrap_or_else(|e| Some(Err(LoadError::Bus(e))))
    }

    /// LOAD(acc, partition) and wait for its end (at most `max_polls` polls of the prc).
    pub fn load(&mut self, w: &mut impl Window, acc: u32, partition: u32, max_polls: u32) -> Result<(), LoadError> {
        let l = self.start_load(w, acc, partition)?;
        for _ in 0..max_polls {
            if let Some(r) = self.poll_load(w, &l) {
                return r;
            }
        }
        Err(LoadError::Timeout)
    }

    /// The prc's view of partition `p`: (part_status bits, verified acc_id).
    pub fn prc_partition(&mut self, w: &mut impl Window, p: u32) -> Result<(u32, u32), String> {
        Self::write(w, prc::offset("part_sel"), p)?;
        Ok((Self::read(w, prc::offset("part_status"))?, Self::read(w, prc::offset("part_acc_id"))?))
    }

    /// Reads the whole status table: PART_ACC, PART_STATUS, VF_INFO and
    /// VF_QOS of every VF, FREE_VFS.
    pub fn status_table(&mut self, w: &mut impl Window) -> Result<StatusTable, String> {
        let mut partitions = Vec::new();
        for p in 0..self.partitions {
            let acc = Self::read(w, PART_ACC + 4 * p)?;
            let st = Self::read(w, PART_STATUS + 4 * p)?;
            partitions.push(PartitionRow { acc, owner: st & 0x7ff, tenants: st >> 11 & 0x7ff });
        }
        let mut vfs = Vec::new();
        for vf in 1..=self.vfs {
            Self::write(w, VF_SEL, vf)?;
            let info = Self::read(w, VF_INFO)?;
            let qos = Self::read(w, VF_QOS)?;
            vfs.push(VfRow {
                vf,
                attached: info & 1 == 1,
                partition: info >> 1 & 0x3f,
                vm: info >> 7 & 0xffff,
                weight: qos & 0xff,
                slice: qos >> 8 & 0xffff,
            });
        }
        let free_vfs = Self::read(w, FREE_VFS)?;
        Ok(StatusTable { partitions, vfs, free_vfs })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_through_their_codes() {
        assert_eq!(Status::from_code(ST_OK), None);
        for code in 1..16 {
            let s = Status::from_code(code).unwrap();
            assert_eq!(s.code(), code);
            assert_eq!(matches!(s, Status::Unknown(_)), code > ST_PARTITION_BUSY, "{code}: {s:?}");
        }
        assert_eq!(Status::from_code(ST_PARTITION_BUSY), Some(Status::PartitionBusy));
    }
}
