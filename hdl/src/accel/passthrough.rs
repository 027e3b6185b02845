//! The passthrough RM: one register slice (`AxisSkid`: both streams
//! registered, `tready` included), one beat per cycle, one cycle of latency.
//!
//! A cut packet (`s_axis_tuser` with `tlast`): its beats have already left,
//! so its copy ends where the input ended, one beat per beat; the output
//! stream has no flag to mark it (the C2H path carries none), so the
//! passthrough counts cut packets in context register 1.

use crate::rm::RmPort;
use crate::skid::AxisSkid;
use rust_hdl::prelude::*;

/// Copies every packet; context register 0 is a free tag (read/write), so
/// that a save/restore is observable even on a stateless RM; register 1
/// counts the cut packets received (read/write, saved with the context).
#[derive(LogicBlock)]
pub struct Passthrough<const DW: usize, const KW: usize> {
    /// RM clock (the static region's).
    pub clk: Signal<In, Clock>,
    /// The RM interface (`crate::rm`).
    pub rm: RmPort<DW, KW>,

    id: Constant<Bits<32>>,
    tag: DFF<Bits<32>>,
    cuts: DFF<Bits<32>>,
    slice: AxisSkid<DW, KW>,
    in_packet: DFF<Bit>,
}

impl<const DW: usize, const KW: usize> Default for Passthrough<DW, KW> {
    fn default() -> Self {
        assert!(DW == KW * 8, "tkeep must have one bit per data byte");
        Self {
            clk: Default::default(),
            rm: Default::default(),
            id: Constant::new((super::PASSTHROUGH_ID as u64).into()),
            tag: Default::default(),
            cuts: Default::default(),
            slice: Default::default(),
            in_packet: Default::default(),
        }
    }
}

impl<const DW: usize, const KW: usize> Logic for Passthrough<DW, KW> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clk, tag, cuts, in_packet);
        self.rm.acc_id.next = self.id.val();
        self.slice.clk.next = self.clk.val();
        self.slice.rst.next = self.rm.rst.val();
        self.slice.s_axis_tvalid.next = self.rm.s_axis.tvalid.val();
        self.slice.s_axis_tdata.next = self.rm.s_axis.tdata.val();
        self.slice.s_axis_tkeep.next = self.rm.s_axis.tkeep.val();
        self.slice.s_axis_tlast.next = self.rm.s_axis.tlast.val();
        self.slice.s_axis_tid.next = 0.into();
        self.slice.s_axis_tuser.next = false;
        self.rm.s_axis.tready.next = self.slice.s_axis_tready.val();
        if self.rm.s_axis.tvalid.val() & self.slice.s_axis_tready.val() {
            self.in_packet.d.next = !self.rm.s_axis.tlast.val();
            if self.rm.s_axis.tlast.val() & self.rm.s_axis.tuser.val() {
                self.cuts.d.next = self.cuts.q.val() + 1;
            }
        }
        self.rm.m_axis.tvalid.next = self.slice.m_axis_tvalid.val();
        self.rm.m_axis.tdata.next = self.slice.m_axis_tdata.val();
        self.rm.m_axis.tkeep.next = self.slice.m_axis_tkeep.val();
        self.rm.m_axis.tlast.next = self.slice.m_axis_tlast.val();
        self.slice.m_axis_tready.next = self.rm.m_axis.tready.val();
        // The slice is empty when its output register is.
        self.rm.idle.next = !self.slice.m_axis_tvalid.val() & !self.in_packet.q.val();

        self.rm.ctx.rdata.next = 0.into();
        if self.rm.ctx.addr.val() == 0 {
            self.rm.ctx.rdata.next = self.tag.q.val();
            if self.rm.ctx.we.val() {
                self.tag.d.next = self.rm.ctx.wdata.val();
            }
        }
        if self.rm.ctx.addr.val() == 1 {
            self.rm.ctx.rdata.next = self.cuts.q.val();
            if self.rm.ctx.we.val() {
                self.cuts.d.next = self.rm.ctx.wdata.val();
            }
        }
        if self.rm.rst.val() {
            self.tag.d.next = 0.into();
            self.cuts.d.next = 0.into();
            self.in_packet.d.next = false;
        }
    }
}
