//! The CRC-32 RM: IEEE 802.3 CRC-32 (reflected, polynomial 0xEDB88320,
//! final XOR with all ones), computed over the whole stream.
//!
//! For each input packet it emits one packet of 4 bytes (`tkeep` = 0xF,
//! `tlast`): the CRC-32 of every byte received since the CRC register was last
//! set (by reset, to 0xFFFFFFFF, or by a context write). The CRC register is
//! the context (register 0, raw, before the final XOR): saving it and
//! restoring it into another instance continues the same CRC. All `KW` bytes
//! of a beat are folded in one cycle (a chain of bit steps, unrolled at
//! generation), so the RM takes one beat per cycle.
//!
//! A cut packet (`s_axis_tuser` with `tlast`: its data is incomplete) gives
//! no result and leaves no trace: the CRC register goes back to its value
//! before the packet, so the context holds the CRC of whole packets only.
//!
//! The results leave through a register slice (`Skid`): `tready`, `tvalid`
//! and the data come from registers; `s_axis_tready` is the slice's
//! registered ready (low only while two results wait).

use crate::rm::RmPort;
use crate::skid::Skid;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct Crc32<const DW: usize, const KW: usize> {
    /// RM clock (the static region's).
    pub clk: Signal<In, Clock>,
    /// The RM interface (`crate::rm`).
    pub rm: RmPort<DW, KW>,

    id: Constant<Bits<32>>,
    init: Constant<Bits<32>>,
    poly: Constant<Bits<32>>,
    /// One byte of ones in the top byte lane, to expand `tkeep` to a bit mask.
    top_byte: Constant<Bits<DW>>,
    /// One entry per data bit / per byte: only their count matters (loop bounds).
    bit_steps: Vec<Constant<Bit>>,
    byte_steps: Vec<Constant<Bit>>,

    crc: DFF<Bits<32>>,
    /// The CRC register before the packet in flight (restored if it is cut).
    pkt_crc: DFF<Bits<32>>,
    result: Skid<Bits<32>>,
    in_packet: DFF<Bit>,
    c: Signal<Local, Bits<32>>,
    d: Signal<Local, Bits<DW>>,
    km: Signal<Local, Bits<DW>>,
    kk: Signal<Local, Bits<KW>>,
}

impl<const DW: usize, const KW: usize> Default for Crc32<DW, KW> {
    fn default() -> Self {
        assert!(DW == KW * 8, "tkeep must have one bit per data byte");
        Self {
            clk: Default::default(),
            rm: Default::default(),
            id: Constant::new((super::CRC32_ID as u64).into()),
            init: Constant::new((super::CRC32_INIT as u64).into()),
            poly: Constant::new((super::CRC32_POLY as u64).into()),
            top_byte: Constant::new(Bits::<DW>::from(0xFFu64) << Bits::<16>::from((DW - 8) as u64)),
            bit_steps: (0..DW).map(|_| Constant::new(true)).collect(),
            byte_steps: (0..KW).map(|_| Constant::new(true)).collect(),
            crc: Default::default(),
            pkt_crc: Default::default(),
            result: Default::default(),
            in_packet: Default::default(),
            c: Default::default(),
            d: Default::default(),
            km: Default::default(),
            kk: Default::default(),
        }
    }
}

impl<const DW: usize, const KW: usize> Logic for Crc32<DW, KW> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clk, crc, pkt_crc, in_packet);
        self.rm.acc_id.next = self.id.val();

        // tkeep -> one mask bit per data bit (byte 0 ends in the low byte lane).
        self.kk.next = self.rm.s_axis.tkeep.val();
        self.km.next = 0.into();
        for j in 0..self.byte_steps.len() {
            // The entry is a constant 1: it only sets the loop count.
            if self.byte_steps[j].val() {
                if self.kk.val().get_bit(0) {
                    self.km.next = (self.km.val() >> 8) | self.top_byte.val();
                } else {
                    self.km.next = self.km.val() >> 8;
                }
                self.kk.next = self.kk.val() >> 1;
            }
        }
        // Bit-serial reflected CRC, LSB of byte 0 first, over the kept bytes.
        self.c.next = self.crc.q.val();
        self.d.next = self.rm.s_axis.tdata.val();
        for i in 0..self.bit_steps.len() {
            // The entry is a constant 1: it only sets the loop count.
            if self.bit_steps[i].val() {
                if self.km.val().get_bit(0) {
                    if self.c.val().get_bit(0) ^ self.d.val().get_bit(0) {
                        self.c.next = (self.c.val() >> 1) ^ self.poly.val();
                    } else {
                        self.c.next = self.c.val() >> 1;
                    }
                }
                self.d.next = self.d.val() >> 1;
                self.km.next = self.km.val() >> 1;
            }
        }

        self.result.clk.next = self.clk.val();
        self.result.rst.next = self.rm.rst.val();
        self.rm.s_axis.tready.next = self.result.s_ready.val();
        self.result.s_valid.next = false;
        self.result.s_data.next = self.c.val() ^ self.init.val();
        if self.rm.s_axis.tvalid.val() & self.result.s_ready.val() {
            self.crc.d.next = self.c.val();
            self.in_packet.d.next = !self.rm.s_axis.tlast.val();
            self.result.s_valid.next = self.rm.s_axis.tlast.val();
            if !self.in_packet.q.val() {
                self.pkt_crc.d.next = self.crc.q.val();
            }
            if self.rm.s_axis.tlast.val() & self.rm.s_axis.tuser.val() {
                // Cut: no result, the register as before the packet.
                self.result.s_valid.next = false;
                if self.in_packet.q.val() {
                    self.crc.d.next = self.pkt_crc.q.val();
                } else {
                    self.crc.d.next = self.crc.q.val();
                }
            }
        }
        self.rm.m_axis.tvalid.next = self.result.m_valid.val();
        self.rm.m_axis.tdata.next = bit_cast::<DW, 32>(self.result.m_data.val());
        self.rm.m_axis.tkeep.next = 0xF.into();
        self.rm.m_axis.tlast.next = true;
        self.result.m_ready.next = self.rm.m_axis.tready.val();
        self.rm.idle.next = !self.result.m_valid.val() & !self.in_packet.q.val();

        self.rm.ctx.rdata.next = 0.into();
        if self.rm.ctx.addr.val() == 0 {
            self.rm.ctx.rdata.next = self.crc.q.val();
            if self.rm.ctx.we.val() {
                self.crc.d.next = self.rm.ctx.wdata.val();
            }
        }
        if self.rm.rst.val() {
            self.crc.d.next = self.init.val();
            self.in_packet.d.next = false;
        }
    }
}
