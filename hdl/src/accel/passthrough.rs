//! The passthrough RM: one register stage, one beat per cycle.

use crate::axis::{AxisMasterUntagged, AxisSlaveUntagged};
use rust_hdl::prelude::*;

/// Copies every packet; context register 0 is a free tag (read/write), so
/// that a save/restore is observable even on a stateless RM.
#[derive(LogicBlock)]
pub struct Passthrough<const DW: usize, const KW: usize> {
    /// RM clock (the static region's).
    pub clk: Signal<In, Clock>,
    /// Held by the partition wrapper during and after reconfiguration.
    pub rst: Signal<In, Bit>,
    pub s_axis: AxisSlaveUntagged<DW, KW>,
    pub m_axis: AxisMasterUntagged<DW, KW>,
    /// Context register index.
    pub ctx_addr: Signal<In, Bits<8>>,
    pub ctx_wdata: Signal<In, Bits<32>>,
    pub ctx_we: Signal<In, Bit>,
    /// Combinational read of `ctx_addr`.
    pub ctx_rdata: Signal<Out, Bits<32>>,
    /// No packet inside the RM.
    pub idle: Signal<Out, Bit>,
    /// Constant accelerator ID.
    pub acc_id: Signal<Out, Bits<32>>,

    id: Constant<Bits<32>>,
    tag: DFF<Bits<32>>,
    valid: DFF<Bit>,
    data: DFF<Bits<DW>>,
    keep: DFF<Bits<KW>>,
    last: DFF<Bit>,
    in_packet: DFF<Bit>,
}

impl<const DW: usize, const KW: usize> Default for Passthrough<DW, KW> {
    fn default() -> Self {
        assert!(DW == KW * 8, "tkeep must have one bit per data byte");
        Self {
            clk: Default::default(),
            rst: Default::default(),
            s_axis: Default::default(),
            m_axis: Default::default(),
            ctx_addr: Default::default(),
            ctx_wdata: Default::default(),
            ctx_we: Default::default(),
            ctx_rdata: Default::default(),
            idle: Default::default(),
            acc_id: Default::default(),
            id: Constant::new((super::PASSTHROUGH_ID as u64).into()),
            tag: Default::default(),
            valid: Default::default(),
            data: Default::default(),
            keep: Default::default(),
            last: Default::default(),
            in_packet: Default::default(),
        }
    }
}

impl<const DW: usize, const KW: usize> Logic for Passthrough<DW, KW> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clk, tag, valid, data, keep, last, in_packet);
        self.acc_id.next = self.id.val();
        self.s_axis.tready.next = !self.valid.q.val() | self.m_axis.tready.val();
        if self.m_axis.tready.val() {
            self.valid.d.next = false;
        }
        if self.s_axis.tvalid.val() & self.s_axis.tready.val() {
            self.valid.d.next = true;
            self.data.d.next = self.s_axis.tdata.val();
            self.keep.d.next = self.s_axis.tkeep.val();
            self.last.d.next = self.s_axis.tlast.val();
            self.in_packet.d.next = !self.s_axis.tlast.val();
        }
        self.m_axis.tvalid.next = self.valid.q.val();
        self.m_axis.tdata.next = self.data.q.val();
        self.m_axis.tkeep.next = self.keep.q.val();
        self.m_axis.tlast.next = self.last.q.val();
        self.idle.next = !self.valid.q.val() & !self.in_packet.q.val();

        self.ctx_rdata.next = 0.into();
        if self.ctx_addr.val() == 0 {
            self.ctx_rdata.next = self.tag.q.val();
            if self.ctx_we.val() {
                self.tag.d.next = self.ctx_wdata.val();
            }
        }
        if self.rst.val() {
            self.tag.d.next = 0.into();
            self.valid.d.next = false;
            self.in_packet.d.next = false;
        }
    }
}
