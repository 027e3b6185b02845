//! The configuration port as simulation sees it: a behavioural model of
//! ICAPE3 for the simulation bitstream format, which drives the select of
//! every simulated RP (`partition::sim_rp`).
//!
//! Simulation bitstream (32-bit words, big-endian in the file as in a Xilinx
//! `.bin`; `vfpga` packs them, `gen/bitstream.rs`):
//!
//! | word | value |
//! |---|---|
//! | 0 | sync word 0xAA995566 (words before it are ignored, as ICAP does) |
//! | 1 | `acc_id` of the RM it configures |
//! | 2 | target partition |
//! | 3 | `n`, payload words |
//! | 4 .. 4+n-1 | payload (stands for the configuration frames) |
//! | 4+n | checksum: `s = rotl(s, 1) ^ w` over words 1 .. 4+n-1, from 0 |
//!
//! Words arrive in ICAP order (the bits of every byte reversed, see `prc`).
//! When the target word is read the region starts being rewritten: its select
//! goes to the garbage RM. On a correct checksum of a known accelerator the
//! select goes to that RM and `prdone` pulses; otherwise `prerror` pulses and
//! the garbage stays. A target partition that does not exist or that the prc
//! does not hold in reset is refused (`prerror`, nothing rewritten). A
//! bitstream that stops for [`GAP_LIMIT`] cycles before its checksum
//! (truncated) ends with `prerror`, as do words that never synchronized.
//!
//! At reset each partition holds the RM the design was configured with
//! ([`IcapModel::with_accels`], the configuration's `partition_accels`), as
//! a device does after its full bitstream; `new` leaves every one empty.

use crate::partition::sim_rp::RP_GARBAGE;
use crate::PARTITION_ID_BITS as PW;
use rust_hdl::prelude::*;

/// Idle cycles after which an unfinished bitstream counts as truncated.
/// ICAPE3 itself waits for words as long as it takes (CSIB high between
/// them); the prc streams words as host reads complete, so the gaps between
/// them are PCIe read latency plus whatever shares the link: the limit is
/// far above both, and below the prc's [`crate::prc::DONE_WAIT`] so that a
/// truncated stream still ends with `prerror`.
pub const GAP_LIMIT: u64 = 1024;
const _: () = assert!(GAP_LIMIT < crate::prc::DONE_WAIT && GAP_LIMIT < 4096);
/// Sync word, as in the file.
pub const SYNC_WORD: u32 = 0xAA99_5566;

#[derive(LogicBlock)]
pub struct IcapModel {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub icap_valid: Signal<In, Bit>,
    pub icap_data: Signal<In, Bits<32>>,
    pub prdone: Signal<Out, Bit>,
    pub prerror: Signal<Out, Bit>,
    /// Select of each simulated RP.
    pub select_p: Vec<Signal<Out, Bits<3>>>,
    /// The prc's RM reset of each partition: only a partition held in reset
    /// may be rewritten.
    pub rm_reset_p: Vec<Signal<In, Bit>>,

    sync: Constant<Bits<32>>,
    id_pass: Constant<Bits<32>>,
    id_crc: Constant<Bits<32>>,
    id_kxor: Constant<Bits<32>>,
    garbage: Constant<Bits<3>>,
    gap_limit: Constant<Bits<12>>,
    last_partition: Constant<Bits<32>>,
    part_index: Vec<Constant<Bits<32>>>,
    bit_steps: Vec<Constant<Bit>>,

    pstate: DFF<Bits<3>>,
    acc: DFF<Bits<32>>,
    part: DFF<Bits<32>>,
    left: DFF<Bits<32>>,
    sum: DFF<Bits<32>>,
    gap: DFF<Bits<12>>,
    seen: DFF<Bit>,
    done_r: DFF<Bit>,
    err_r: DFF<Bit>,
    select_r: Vec<DFF<Bits<3>>>,
    /// Select of each partition at reset.
    initial: Vec<Constant<Bits<3>>>,
    tmp: Signal<Local, Bits<32>>,
    rev: Signal<Local, Bits<32>>,
    w: Signal<Local, Bits<32>>,
    next_sum: Signal<Local, Bits<32>>,
    rm_index: Signal<Local, Bits<3>>,
    target_ok: Signal<Local, Bit>,
}

/// Select value of the simulated RM with `acc_id` (`sim_rp`: 1 passthrough,
/// 2 CRC-32, 3 KXOR, 4 the misbehaving one); 0 (empty) for any other ID.
pub fn select_of(acc_id: u32) -> u64 {
    match acc_id {
        crate::accel::PASSTHROUGH_ID => 1,
        crate::accel::CRC32_ID => 2,
        crate::accel::KXOR_ID => 3,
        crate::accel::CHAOS_ID => RP_GARBAGE,
        _ => 0,
    }
}

impl IcapModel {
    /// Every partition empty at reset.
    pub fn new(partitions: usize) -> Self {
        Self::with_accels(&vec![0; partitions])
    }

    /// Partition `i` holds the RM of `accels[i]` at reset (0: empty).
    pub fn with_accels(accels: &[u32]) -> Self {
        let partitions = accels.len();
        assert!(partitions >= 1 && partitions <= crate::MAX_PARTITIONS && PW == 6);
        Self {
            clk: Default::default(),
            rst: Default::default(),
            icap_valid: Default::default(),
            icap_data: Default::default(),
            prdone: Default::default(),
            prerror: Default::default(),
            select_p: (0..partitions).map(|_| Default::default()).collect(),
            rm_reset_p: (0..partitions).map(|_| Default::default()).collect(),
            sync: Constant::new((SYNC_WORD as u64).into()),
            id_pass: Constant::new((crate::accel::PASSTHROUGH_ID as u64).into()),
            id_crc: Constant::new((crate::accel::CRC32_ID as u64).into()),
            id_kxor: Constant::new((crate::accel::KXOR_ID as u64).into()),
            garbage: Constant::new(RP_GARBAGE.into()),
            gap_limit: Constant::new(GAP_LIMIT.into()),
            last_partition: Constant::new(((partitions - 1) as u64).into()),
            part_index: (0..partitions).map(|i| Constant::new((i as u64).into())).collect(),
            bit_steps: (0..32).map(|_| Constant::new(true)).collect(),
            pstate: Default::default(),
            acc: Default::default(),
            part: Default::default(),
            left: Default::default(),
            sum: Default::default(),
            gap: Default::default(),
            seen: Default::default(),
            done_r: Default::default(),
            err_r: Default::default(),
            select_r: (0..partitions).map(|_| Default::default()).collect(),
            initial: accels.iter().map(|&a| Constant::new(select_of(a).into())).collect(),
            tmp: Default::default(),
            rev: Default::default(),
            w: Default::default(),
            next_sum: Default::default(),
            rm_index: Default::default(),
            target_ok: Default::default(),
        }
    }
}

impl Logic for IcapModel {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clk, pstate, acc, part, left, sum, gap, seen, done_r, err_r);
        for i in 0..self.select_r.len() {
            self.select_r[i].clock.next = self.clk.val();
            self.select_r[i].d.next = self.select_r[i].q.val();
            self.select_p[i].next = self.select_r[i].q.val();
        }
        self.prdone.next = self.done_r.q.val();
        self.prerror.next = self.err_r.q.val();
        self.done_r.d.next = false;
        self.err_r.d.next = false;

        // Back to file order: undo the full bit reversal, then the byte order.
        self.tmp.next = self.icap_data.val();
        self.rev.next = 0.into();
        for b in 0..self.bit_steps.len() {
            // The entry is a constant 1: it only sets the loop count.
            if self.bit_steps[b].val() {
                self.rev.next = (self.rev.val() << 1) | bit_cast::<32, 1>(self.tmp.val().get_bit(0).into());
                self.tmp.next = self.tmp.val() >> 1;
            }
        }
        self.w.next = (bit_cast::<32, 8>(self.rev.val().get_bits::<8>(0)) << 24)
            | (bit_cast::<32, 8>(self.rev.val().get_bits::<8>(8)) << 16)
            | (bit_cast::<32, 8>(self.rev.val().get_bits::<8>(16)) << 8)
            | bit_cast::<32, 8>(self.rev.val().get_bits::<8>(24));
        self.next_sum.next = ((self.sum.q.val() << 1) | (self.sum.q.val() >> 31)) ^ self.w.val();
        self.rm_index.next = 0.into();
        if self.acc.q.val() == self.id_pass.val() {
            self.rm_index.next = 1.into();
        }
        if self.acc.q.val() == self.id_crc.val() {
            self.rm_index.next = 2.into();
        }
        if self.acc.q.val() == self.id_kxor.val() {
            self.rm_index.next = 3.into();
        }
        self.target_ok.next = false;
        for i in 0..self.part_index.len() {
            if self.w.val() == self.part_index[i].val() {
                self.target_ok.next = self.rm_reset_p[i].val();
            }
        }

        // States: 0 hunt for sync, 1 acc_id, 2 target, 3 length, 4 payload,
        // 5 checksum, 6 refused (skip to the gap).
        if self.icap_valid.val() {
            self.gap.d.next = 0.into();
            self.seen.d.next = true;
            self.sum.d.next = self.next_sum.val();
            if self.pstate.q.val() == 0 {
                self.sum.d.next = 0.into();
                if self.w.val() == self.sync.val() {
                    self.pstate.d.next = 1.into();
                }
            } else if self.pstate.q.val() == 1 {
                self.acc.d.next = self.w.val();
                self.pstate.d.next = 2.into();
            } else if self.pstate.q.val() == 2 {
                self.part.d.next = self.w.val();
                if self.target_ok.val() & (self.w.val() <= self.last_partition.val()) {
                    self.pstate.d.next = 3.into();
                    for i in 0..self.part_index.len() {
                        if self.w.val() == self.part_index[i].val() {
                            self.select_r[i].d.next = self.garbage.val();
                        }
                    }
                } else {
                    self.pstate.d.next = 6.into();
                }
            } else if self.pstate.q.val() == 3 {
                self.left.d.next = self.w.val();
                if self.w.val().any() {
                    self.pstate.d.next = 4.into();
                } else {
                    self.pstate.d.next = 5.into();
                }
            } else if self.pstate.q.val() == 4 {
                self.left.d.next = self.left.q.val() - 1;
                if self.left.q.val() == 1 {
                    self.pstate.d.next = 5.into();
                }
            } else if self.pstate.q.val() == 5 {
                self.pstate.d.next = 0.into();
                self.seen.d.next = false;
                if (self.w.val() == self.sum.q.val()) & self.rm_index.val().any() {
                    self.done_r.d.next = true;
                    for i in 0..self.part_index.len() {
                        if self.part.q.val() == self.part_index[i].val() {
                            self.select_r[i].d.next = self.rm_index.val();
                        }
                    }
                } else {
                    self.err_r.d.next = true;
                }
            }
        } else if self.seen.q.val() {
            self.gap.d.next = self.gap.q.val() + 1;
            if self.gap.q.val() == self.gap_limit.val() {
                self.err_r.d.next = true;
                self.seen.d.next = false;
                self.pstate.d.next = 0.into();
            }
        }
        if self.rst.val() {
            self.pstate.d.next = 0.into();
            self.seen.d.next = false;
            self.gap.d.next = 0.into();
            self.done_r.d.next = false;
            self.err_r.d.next = false;
            for i in 0..self.select_r.len() {
                self.select_r[i].d.next = self.initial[i].val();
            }
        }
    }
}
