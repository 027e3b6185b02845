//! AXI4 width adapter between the shell's host DMA master at 64 or 128 bits
//! (`s_axi_host_*`, `NDW` bits) and the `pcie` block's 256-bit host port
//! (`m_axi_host_*`): the UltraScale+ hard block's user interface is 256 bits
//! at the least (Gen3 x8), so a 64- or 128-bit shell reaches it through this.
//!
//! Bursts map one to one, in order (the DMA uses one ID). A narrow burst
//! (address A, `len + 1` narrow beats, INCR, never across 4 KiB) covers the
//! wide beats from A's to its last narrow beat's: the wide burst keeps A
//! (the `pcie` block reads from A's wide beat and writes from A's byte) and
//! has `(lane + len) >> log2(ratio) + 1` beats, `lane` = A's narrow lane in
//! its wide beat (`upsize_addr.rs`, one per AR and AW). Its lane and narrow
//! length go in a FIFO per direction with the address, so that:
//! * W: narrow beats are packed into wide beats from that lane on, the
//!   unwritten lanes with zero strobes; a wide beat leaves when full or on
//!   the narrow `wlast` (which it carries). The last wide beat's highest
//!   strobe is the narrow burst's, which is how the `pcie` writer finds the
//!   burst's end.
//! * R: each wide beat is given back as the narrow beats it holds, from that
//!   lane in the first beat and lane 0 after, `rresp` copied; the wide beat
//!   leaves on its last lane or the burst's last narrow beat (`rlast`).
//! * B: one per burst, passed through.
//!
//! Timing: every input channel enters through a `skid.rs` register slice,
//! AR/AW/B leave through one, R and W from output registers; the length
//! arithmetic is a 9-bit add between two register slices.

use super::upsize_addr::UpsizeAddr;
use crate::skid::{Skid, Skid3};
use rust_hdl::prelude::*;
/// The wide side: the `pcie` block's 256-bit host port.
pub const WIDE: usize = 256;
const WIDE_KW: usize = WIDE / 8;

#[derive(LogicBlock)]
pub struct Upsize<const NDW: usize, const NKW: usize> {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// The shell's host master (narrow).
    pub s_axi_host: crate::axi::AxiSlave<NDW, NKW>,
    /// To the `pcie` block's host port (256 bits).
    pub m_axi_host: crate::axi::AxiMaster<WIDE, WIDE_KW>,
    /// Narrow lanes per wide beat - 1, log2 of the narrow beat's bits and bytes.
    lane_max: Constant<Bits<2>>,
    ndw_log2: Constant<Bits<4>>,
    nkw_log2: Constant<Bits<4>>,
    /// AR and AW, each with its bursts' lanes and lengths for R and W.
    ar: UpsizeAddr,
    aw: UpsizeAddr,
    /// The W and R input slices: W data, strobes, last; R data with resp above it.
    w_in: Skid3<Bits<NDW>, Bits<NKW>, Bit>,
    r_in: Skid<Bits<{ WIDE + 2 }>>,
    b: Skid<Bits<2>>,
    // W packing.
    w_busy: DFF<Bit>,
    w_lane: DFF<Bits<2>>,
    acc_data: DFF<Bits<WIDE>>,
    acc_strb: DFF<Bits<WIDE_KW>>,
    wo_valid: DFF<Bit>,
    wo_data: DFF<Bits<WIDE>>,
    wo_strb: DFF<Bits<WIDE_KW>>,
    wo_last: DFF<Bit>,
    wo_free: Signal<Local, Bit>,
    w_packed_data: Signal<Local, Bits<WIDE>>,
    w_packed_strb: Signal<Local, Bits<WIDE_KW>>,
    w_flush: Signal<Local, Bit>,
    w_take: Signal<Local, Bit>,
    // R unpacking.
    r_busy: DFF<Bit>,
    r_lane: DFF<Bits<2>>,
    r_left: DFF<Bits<9>>,
    ro_valid: DFF<Bit>,
    ro_data: DFF<Bits<NDW>>,
    ro_resp: DFF<Bits<2>>,
    ro_last: DFF<Bit>,
    ro_free: Signal<Local, Bit>,
    r_go: Signal<Local, Bit>,
    r_pop: Signal<Local, Bit>,
}

impl<const NDW: usize, const NKW: usize> Default for Upsize<NDW, NKW> {
    fn default() -> Self {
        assert!((NDW == 64 || NDW == 128) && NKW * 8 == NDW, "upsize: 64 or 128 bits to {WIDE}");
        let ratio = WIDE / NDW;
        Self {
            clk: Default::default(),
            rst: Default::default(),
            s_axi_host: Default::default(),
            m_axi_host: Default::default(),
            lane_max: Constant::new(((ratio - 1) as u64).into()),
            ndw_log2: Constant::new((NDW.trailing_zeros() as u64).into()),
            nkw_log2: Constant::new((NKW.trailing_zeros() as u64).into()),
            ar: UpsizeAddr::new(NKW, WIDE_KW),
            aw: UpsizeAddr::new(NKW, WIDE_KW),
            w_in: Default::default(),
            r_in: Default::default(),
            b: Default::default(),
            w_busy: Default::default(),
            w_lane: Default::default(),
            acc_data: Default::default(),
            acc_strb: Default::default(),
            wo_valid: Default::default(),
            wo_data: Default::default(),
            wo_strb: Default::default(),
            wo_last: Default::default(),
            wo_free: Default::default(),
            w_packed_data: Default::default(),
            w_packed_strb: Default::default(),
            w_flush: Default::default(),
            w_take: Default::default(),
            r_busy: Default::default(),
            r_lane: Default::default(),
            r_left: Default::default(),
            ro_valid: Default::default(),
            ro_data: Default::default(),
            ro_resp: Default::default(),
            ro_last: Default::default(),
            ro_free: Default::default(),
            r_go: Default::default(),
            r_pop: Default::default(),
        }
    }
}

impl<const NDW: usize, const NKW: usize> Logic for Upsize<NDW, NKW> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clk, w_busy, w_lane, acc_data, acc_strb, wo_valid, wo_data, wo_strb, wo_last, r_busy, r_lane, r_left,
            ro_valid, ro_data, ro_resp, ro_last
        );
        self.ar.clk.next = self.clk.val();
        self.aw.clk.next = self.clk.val();
        self.w_in.clk.next = self.clk.val();
        self.r_in.clk.next = self.clk.val();
        self.b.clk.next = self.clk.val();
        self.ar.rst.next = self.rst.val();
        self.aw.rst.next = self.rst.val();
        self.w_in.rst.next = self.rst.val();
        self.r_in.rst.next = self.rst.val();
        self.b.rst.next = self.rst.val();

        // ---- AR: narrow burst in, wide burst out (its lane and length to R).
        self.ar.s_addr.next = self.s_axi_host.araddr.val();
        self.ar.s_len.next = self.s_axi_host.arlen.val();
        self.ar.s_user.next = self.s_axi_host.aruser.val();
        self.ar.s_valid.next = self.s_axi_host.arvalid.val();
        self.s_axi_host.arready.next = self.ar.s_ready.val();
        self.m_axi_host.araddr.next = self.ar.m_addr.val();
        self.m_axi_host.arlen.next = self.ar.m_len.val();
        self.m_axi_host.aruser.next = self.ar.m_user.val();
        self.m_axi_host.arsize.next = 5.into();
        self.m_axi_host.arburst.next = 1.into();
        self.m_axi_host.arvalid.next = self.ar.m_valid.val();
        self.ar.m_ready.next = self.m_axi_host.arready.val();

        // ---- AW: narrow burst in, wide burst out (its lane to W).
        self.aw.s_addr.next = self.s_axi_host.awaddr.val();
        self.aw.s_len.next = self.s_axi_host.awlen.val();
        self.aw.s_user.next = self.s_axi_host.awuser.val();
        self.aw.s_valid.next = self.s_axi_host.awvalid.val();
        self.s_axi_host.awready.next = self.aw.s_ready.val();
        self.m_axi_host.awaddr.next = self.aw.m_addr.val();
        self.m_axi_host.awlen.next = self.aw.m_len.val();
        self.m_axi_host.awuser.next = self.aw.m_user.val();
        self.m_axi_host.awsize.next = 5.into();
        self.m_axi_host.awburst.next = 1.into();
        self.m_axi_host.awvalid.next = self.aw.m_valid.val();
        self.aw.m_ready.next = self.m_axi_host.awready.val();

        // ---- W: narrow beats packed into the wide beat from the burst's lane.
        self.w_in.s_valid.next = self.s_axi_host.wvalid.val();
        self.w_in.s_a.next = self.s_axi_host.wdata.val();
        self.w_in.s_b.next = self.s_axi_host.wstrb.val();
        self.w_in.s_c.next = self.s_axi_host.wlast.val();
        self.s_axi_host.wready.next = self.w_in.s_ready.val();
        self.aw.meta_read.next = false;
        if !self.w_busy.q.val() & !self.aw.meta_empty.val() {
            self.aw.meta_read.next = true;
            self.w_busy.d.next = true;
            self.w_lane.d.next = self.aw.meta_data.val().get_bits::<2>(0);
        }
        self.wo_free.next = !self.wo_valid.q.val() | self.m_axi_host.wready.val();
        self.w_packed_data.next = self.acc_data.q.val()
            | (bit_cast::<WIDE, NDW>(self.w_in.m_a.val()) << (bit_cast::<9, 2>(self.w_lane.q.val()) << self.ndw_log2.val()));
        self.w_packed_strb.next = self.acc_strb.q.val()
            | (bit_cast::<WIDE_KW, NKW>(self.w_in.m_b.val()) << (bit_cast::<6, 2>(self.w_lane.q.val()) << self.nkw_log2.val()));
        self.w_flush.next = (self.w_lane.q.val() == self.lane_max.val()) | self.w_in.m_c.val();
        self.w_take.next = self.w_busy.q.val() & self.w_in.m_valid.val() & (!self.w_flush.val() | self.wo_free.val());
        self.w_in.m_ready.next = self.w_take.val();
        if self.wo_valid.q.val() & self.m_axi_host.wready.val() {
            self.wo_valid.d.next = false;
        }
        if self.w_take.val() {
            if self.w_flush.val() {
                self.wo_valid.d.next = true;
                self.wo_data.d.next = self.w_packed_data.val();
                self.wo_strb.d.next = self.w_packed_strb.val();
                self.wo_last.d.next = self.w_in.m_c.val();
                self.acc_data.d.next = 0.into();
                self.acc_strb.d.next = 0.into();
                self.w_lane.d.next = 0.into();
                if self.w_in.m_c.val() {
                    self.w_busy.d.next = false;
                }
            } else {
                self.acc_data.d.next = self.w_packed_data.val();
                self.acc_strb.d.next = self.w_packed_strb.val();
                self.w_lane.d.next = self.w_lane.q.val() + 1;
            }
        }
        self.m_axi_host.wvalid.next = self.wo_valid.q.val();
        self.m_axi_host.wdata.next = self.wo_data.q.val();
        self.m_axi_host.wstrb.next = self.wo_strb.q.val();
        self.m_axi_host.wlast.next = self.wo_last.q.val();

        // ---- R: each wide beat given back as the narrow beats it holds.
        // One slice word: rdata, rresp above it (bit 256, WIDE).
        self.r_in.s_valid.next = self.m_axi_host.rvalid.val();
        self.r_in.s_data.next = bit_cast::<{ WIDE + 2 }, WIDE>(self.m_axi_host.rdata.val())
            | (bit_cast::<{ WIDE + 2 }, 2>(self.m_axi_host.rresp.val()) << 256);
        self.m_axi_host.rready.next = self.r_in.s_ready.val();
        self.ar.meta_read.next = false;
        if !self.r_busy.q.val() & !self.ar.meta_empty.val() {
            self.ar.meta_read.next = true;
            self.r_busy.d.next = true;
            self.r_lane.d.next = self.ar.meta_data.val().get_bits::<2>(0);
            self.r_left.d.next = bit_cast::<9, 8>(self.ar.meta_data.val().get_bits::<8>(2)) + 1;
        }
        self.ro_free.next = !self.ro_valid.q.val() | self.s_axi_host.rready.val();
        self.r_go.next = self.r_busy.q.val() & self.r_in.m_valid.val() & self.ro_free.val();
        self.r_pop.next = self.r_go.val() & ((self.r_lane.q.val() == self.lane_max.val()) | (self.r_left.q.val() == 1));
        self.r_in.m_ready.next = self.r_pop.val();
        if self.ro_valid.q.val() & self.s_axi_host.rready.val() {
            self.ro_valid.d.next = false;
        }
        if self.r_go.val() {
            self.ro_valid.d.next = true;
            self.ro_data.d.next =
                bit_cast::<NDW, { WIDE + 2 }>(self.r_in.m_data.val() >> (bit_cast::<9, 2>(self.r_lane.q.val()) << self.ndw_log2.val()));
            self.ro_resp.d.next = self.r_in.m_data.val().get_bits::<2>(256);
            self.ro_last.d.next = self.r_left.q.val() == 1;
            self.r_lane.d.next = (self.r_lane.q.val() + 1) & self.lane_max.val();
            self.r_left.d.next = self.r_left.q.val() - 1;
            if self.r_left.q.val() == 1 {
                self.r_busy.d.next = false;
            }
        }
        self.s_axi_host.rvalid.next = self.ro_valid.q.val();
        self.s_axi_host.rdata.next = self.ro_data.q.val();
        self.s_axi_host.rresp.next = self.ro_resp.q.val();
        self.s_axi_host.rlast.next = self.ro_last.q.val();

        // ---- B: one per burst.
        self.b.s_valid.next = self.m_axi_host.bvalid.val();
        self.b.s_data.next = self.m_axi_host.bresp.val();
        self.m_axi_host.bready.next = self.b.s_ready.val();
        self.s_axi_host.bvalid.next = self.b.m_valid.val();
        self.s_axi_host.bresp.next = self.b.m_data.val();
        self.b.m_ready.next = self.s_axi_host.bready.val();

        if self.rst.val() {
            self.w_busy.d.next = false;
            self.w_lane.d.next = 0.into();
            self.acc_data.d.next = 0.into();
            self.acc_strb.d.next = 0.into();
            self.wo_valid.d.next = false;
            self.r_busy.d.next = false;
            self.ro_valid.d.next = false;
        }
    }
}
