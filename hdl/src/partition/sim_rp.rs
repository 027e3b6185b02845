//! The reconfigurable partition as simulation sees it: every example RM (and
//! the misbehaving one) behind a select that the configuration-port model
//! drives. Only the selected RM sees its inputs and is out of reset, so a
//! newly selected RM starts from its reset state, as after a real
//! reconfiguration. Select values: [`RP_EMPTY`] (nothing loaded: no outputs,
//! `acc_id` 0), then one per RM in [`SimRp::RMS`] order.

use crate::accel::{Chaos, Crc32, Kxor, Passthrough};
use crate::axis::{AxisMasterUntagged, AxisSlaveCut};
use rust_hdl::prelude::*;

/// Width of the select.
pub const SELECT_BITS: usize = 3;
/// Select value of an empty (never configured) partition.
pub const RP_EMPTY: u64 = 0;
/// Select value of the garbage left by a failed reconfiguration.
pub const RP_GARBAGE: u64 = 4;

#[derive(LogicBlock)]
pub struct SimRp<const DW: usize, const KW: usize> {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub s_axis: AxisSlaveCut<DW, KW>,
    pub m_axis: AxisMasterUntagged<DW, KW>,
    pub ctx_addr: Signal<In, Bits<8>>,
    pub ctx_wdata: Signal<In, Bits<32>>,
    pub ctx_we: Signal<In, Bit>,
    pub ctx_rdata: Signal<Out, Bits<32>>,
    pub idle: Signal<Out, Bit>,
    pub acc_id: Signal<Out, Bits<32>>,
    /// Which RM the region holds (from the configuration-port model).
    pub select: Signal<In, Bits<SELECT_BITS>>,

    pass: Passthrough<DW, KW>,
    crc: Crc32<DW, KW>,
    kxor: Kxor<DW, KW>,
    chaos: Chaos<DW, KW>,
}

impl<const DW: usize, const KW: usize> SimRp<DW, KW> {
    /// The RMs by select value (1, 2, ...) with their `acc_id`.
    pub const RMS: [(&'static str, u32); 4] = [
        ("passthrough", crate::accel::PASSTHROUGH_ID),
        ("crc32", crate::accel::CRC32_ID),
        ("kxor", crate::accel::KXOR_ID),
        ("chaos", crate::accel::CHAOS_ID),
    ];
}

impl<const DW: usize, const KW: usize> Default for SimRp<DW, KW> {
    fn default() -> Self {
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
            select: Default::default(),
            pass: Default::default(),
            crc: Default::default(),
            kxor: Default::default(),
            chaos: Default::default(),
        }
    }
}

impl<const DW: usize, const KW: usize> Logic for SimRp<DW, KW> {
    #[hdl_gen]
    fn update(&mut self) {
        // Inputs of each RM (written out: hdl_gen expands no macros).
        self.pass.clk.next = self.clk.val();
        self.pass.rst.next = self.rst.val() | (self.select.val() != 1);
        self.pass.s_axis.tdata.next = self.s_axis.tdata.val();
        self.pass.s_axis.tkeep.next = self.s_axis.tkeep.val();
        self.pass.s_axis.tlast.next = self.s_axis.tlast.val();
        self.pass.s_axis.tuser.next = self.s_axis.tuser.val();
        self.pass.s_axis.tvalid.next = self.s_axis.tvalid.val() & (self.select.val() == 1);
        self.pass.m_axis.tready.next = self.m_axis.tready.val() & (self.select.val() == 1);
        self.pass.ctx_addr.next = self.ctx_addr.val();
        self.pass.ctx_wdata.next = self.ctx_wdata.val();
        self.pass.ctx_we.next = self.ctx_we.val() & (self.select.val() == 1);
        self.crc.clk.next = self.clk.val();
        self.crc.rst.next = self.rst.val() | (self.select.val() != 2);
        self.crc.s_axis.tdata.next = self.s_axis.tdata.val();
        self.crc.s_axis.tkeep.next = self.s_axis.tkeep.val();
        self.crc.s_axis.tlast.next = self.s_axis.tlast.val();
        self.crc.s_axis.tuser.next = self.s_axis.tuser.val();
        self.crc.s_axis.tvalid.next = self.s_axis.tvalid.val() & (self.select.val() == 2);
        self.crc.m_axis.tready.next = self.m_axis.tready.val() & (self.select.val() == 2);
        self.crc.ctx_addr.next = self.ctx_addr.val();
        self.crc.ctx_wdata.next = self.ctx_wdata.val();
        self.crc.ctx_we.next = self.ctx_we.val() & (self.select.val() == 2);
        self.kxor.clk.next = self.clk.val();
        self.kxor.rst.next = self.rst.val() | (self.select.val() != 3);
        self.kxor.s_axis.tdata.next = self.s_axis.tdata.val();
        self.kxor.s_axis.tkeep.next = self.s_axis.tkeep.val();
        self.kxor.s_axis.tlast.next = self.s_axis.tlast.val();
        self.kxor.s_axis.tuser.next = self.s_axis.tuser.val();
        self.kxor.s_axis.tvalid.next = self.s_axis.tvalid.val() & (self.select.val() == 3);
        self.kxor.m_axis.tready.next = self.m_axis.tready.val() & (self.select.val() == 3);
        self.kxor.ctx_addr.next = self.ctx_addr.val();
        self.kxor.ctx_wdata.next = self.ctx_wdata.val();
        self.kxor.ctx_we.next = self.ctx_we.val() & (self.select.val() == 3);
        self.chaos.clk.next = self.clk.val();
        self.chaos.rst.next = self.rst.val() | (self.select.val() != 4);
        self.chaos.s_axis.tdata.next = self.s_axis.tdata.val();
        self.chaos.s_axis.tkeep.next = self.s_axis.tkeep.val();
        self.chaos.s_axis.tlast.next = self.s_axis.tlast.val();
        self.chaos.s_axis.tuser.next = self.s_axis.tuser.val();
        self.chaos.s_axis.tvalid.next = self.s_axis.tvalid.val() & (self.select.val() == 4);
        self.chaos.m_axis.tready.next = self.m_axis.tready.val() & (self.select.val() == 4);
        self.chaos.ctx_addr.next = self.ctx_addr.val();
        self.chaos.ctx_wdata.next = self.ctx_wdata.val();
        self.chaos.ctx_we.next = self.ctx_we.val() & (self.select.val() == 4);
        // Empty region: drives nothing.
        self.s_axis.tready.next = false;
        self.m_axis.tvalid.next = false;
        self.m_axis.tdata.next = 0.into();
        self.m_axis.tkeep.next = 0.into();
        self.m_axis.tlast.next = false;
        self.ctx_rdata.next = 0.into();
        self.idle.next = true;
        self.acc_id.next = 0.into();
        if self.select.val() == 1 {
            self.s_axis.tready.next = self.pass.s_axis.tready.val();
            self.m_axis.tvalid.next = self.pass.m_axis.tvalid.val();
            self.m_axis.tdata.next = self.pass.m_axis.tdata.val();
            self.m_axis.tkeep.next = self.pass.m_axis.tkeep.val();
            self.m_axis.tlast.next = self.pass.m_axis.tlast.val();
            self.ctx_rdata.next = self.pass.ctx_rdata.val();
            self.idle.next = self.pass.idle.val();
            self.acc_id.next = self.pass.acc_id.val();
        }
        if self.select.val() == 2 {
            self.s_axis.tready.next = self.crc.s_axis.tready.val();
            self.m_axis.tvalid.next = self.crc.m_axis.tvalid.val();
            self.m_axis.tdata.next = self.crc.m_axis.tdata.val();
            self.m_axis.tkeep.next = self.crc.m_axis.tkeep.val();
            self.m_axis.tlast.next = self.crc.m_axis.tlast.val();
            self.ctx_rdata.next = self.crc.ctx_rdata.val();
            self.idle.next = self.crc.idle.val();
            self.acc_id.next = self.crc.acc_id.val();
        }
        if self.select.val() == 3 {
            self.s_axis.tready.next = self.kxor.s_axis.tready.val();
            self.m_axis.tvalid.next = self.kxor.m_axis.tvalid.val();
            self.m_axis.tdata.next = self.kxor.m_axis.tdata.val();
            self.m_axis.tkeep.next = self.kxor.m_axis.tkeep.val();
            self.m_axis.tlast.next = self.kxor.m_axis.tlast.val();
            self.ctx_rdata.next = self.kxor.ctx_rdata.val();
            self.idle.next = self.kxor.idle.val();
            self.acc_id.next = self.kxor.acc_id.val();
        }
        if self.select.val() == 4 {
            self.s_axis.tready.next = self.chaos.s_axis.tready.val();
            self.m_axis.tvalid.next = self.chaos.m_axis.tvalid.val();
            self.m_axis.tdata.next = self.chaos.m_axis.tdata.val();
            self.m_axis.tkeep.next = self.chaos.m_axis.tkeep.val();
            self.m_axis.tlast.next = self.chaos.m_axis.tlast.val();
            self.ctx_rdata.next = self.chaos.ctx_rdata.val();
            self.idle.next = self.chaos.idle.val();
            self.acc_id.next = self.chaos.acc_id.val();
        }
    }
}
