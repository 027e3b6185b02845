//! The reconfigurable partition as simulation sees it: every example RM (and
//! the misbehaving one) behind a select that the configuration-port model
//! drives. Only the selected RM sees its inputs and is out of reset, so a
//! newly selected RM starts from its reset state, as after a real
//! reconfiguration. Select values: [`RP_EMPTY`] (nothing loaded: no outputs,
//! `acc_id` 0), then one per RM in [`SimRp::RMS`] order.

use crate::accel::{Chaos, Crc32, Kxor, Passthrough};
use crate::rm::RmPort;
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
    /// The RM interface (`crate::rm`), to the selected RM.
    pub rm: RmPort<DW, KW>,
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
            rm: Default::default(),
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
        self.pass.rm.rst.next = self.rm.rst.val() | (self.select.val() != 1);
        self.pass.rm.s_axis.tdata.next = self.rm.s_axis.tdata.val();
        self.pass.rm.s_axis.tkeep.next = self.rm.s_axis.tkeep.val();
        self.pass.rm.s_axis.tlast.next = self.rm.s_axis.tlast.val();
        self.pass.rm.s_axis.tuser.next = self.rm.s_axis.tuser.val();
        self.pass.rm.s_axis.tvalid.next = self.rm.s_axis.tvalid.val() & (self.select.val() == 1);
        self.pass.rm.m_axis.tready.next = self.rm.m_axis.tready.val() & (self.select.val() == 1);
        self.pass.rm.ctx.addr.next = self.rm.ctx.addr.val();
        self.pass.rm.ctx.wdata.next = self.rm.ctx.wdata.val();
        self.pass.rm.ctx.we.next = self.rm.ctx.we.val() & (self.select.val() == 1);
        self.crc.clk.next = self.clk.val();
        self.crc.rm.rst.next = self.rm.rst.val() | (self.select.val() != 2);
        self.crc.rm.s_axis.tdata.next = self.rm.s_axis.tdata.val();
        self.crc.rm.s_axis.tkeep.next = self.rm.s_axis.tkeep.val();
        self.crc.rm.s_axis.tlast.next = self.rm.s_axis.tlast.val();
        self.crc.rm.s_axis.tuser.next = self.rm.s_axis.tuser.val();
        self.crc.rm.s_axis.tvalid.next = self.rm.s_axis.tvalid.val() & (self.select.val() == 2);
        self.crc.rm.m_axis.tready.next = self.rm.m_axis.tready.val() & (self.select.val() == 2);
        self.crc.rm.ctx.addr.next = self.rm.ctx.addr.val();
        self.crc.rm.ctx.wdata.next = self.rm.ctx.wdata.val();
        self.crc.rm.ctx.we.next = self.rm.ctx.we.val() & (self.select.val() == 2);
        self.kxor.clk.next = self.clk.val();
        self.kxor.rm.rst.next = self.rm.rst.val() | (self.select.val() != 3);
        self.kxor.rm.s_axis.tdata.next = self.rm.s_axis.tdata.val();
        self.kxor.rm.s_axis.tkeep.next = self.rm.s_axis.tkeep.val();
        self.kxor.rm.s_axis.tlast.next = self.rm.s_axis.tlast.val();
        self.kxor.rm.s_axis.tuser.next = self.rm.s_axis.tuser.val();
        self.kxor.rm.s_axis.tvalid.next = self.rm.s_axis.tvalid.val() & (self.select.val() == 3);
        self.kxor.rm.m_axis.tready.next = self.rm.m_axis.tready.val() & (self.select.val() == 3);
        self.kxor.rm.ctx.addr.next = self.rm.ctx.addr.val();
        self.kxor.rm.ctx.wdata.next = self.rm.ctx.wdata.val();
        self.kxor.rm.ctx.we.next = self.rm.ctx.we.val() & (self.select.val() == 3);
        self.chaos.clk.next = self.clk.val();
        self.chaos.rm.rst.next = self.rm.rst.val() | (self.select.val() != 4);
        self.chaos.rm.s_axis.tdata.next = self.rm.s_axis.tdata.val();
        self.chaos.rm.s_axis.tkeep.next = self.rm.s_axis.tkeep.val();
        self.chaos.rm.s_axis.tlast.next = self.rm.s_axis.tlast.val();
        self.chaos.rm.s_axis.tuser.next = self.rm.s_axis.tuser.val();
        self.chaos.rm.s_axis.tvalid.next = self.rm.s_axis.tvalid.val() & (self.select.val() == 4);
        self.chaos.rm.m_axis.tready.next = self.rm.m_axis.tready.val() & (self.select.val() == 4);
        self.chaos.rm.ctx.addr.next = self.rm.ctx.addr.val();
        self.chaos.rm.ctx.wdata.next = self.rm.ctx.wdata.val();
        self.chaos.rm.ctx.we.next = self.rm.ctx.we.val() & (self.select.val() == 4);
        // Empty region: drives nothing.
        self.rm.s_axis.tready.next = false;
        self.rm.m_axis.tvalid.next = false;
        self.rm.m_axis.tdata.next = 0.into();
        self.rm.m_axis.tkeep.next = 0.into();
        self.rm.m_axis.tlast.next = false;
        self.rm.ctx.rdata.next = 0.into();
        self.rm.idle.next = true;
        self.rm.acc_id.next = 0.into();
        if self.select.val() == 1 {
            self.rm.s_axis.tready.next = self.pass.rm.s_axis.tready.val();
            self.rm.m_axis.tvalid.next = self.pass.rm.m_axis.tvalid.val();
            self.rm.m_axis.tdata.next = self.pass.rm.m_axis.tdata.val();
            self.rm.m_axis.tkeep.next = self.pass.rm.m_axis.tkeep.val();
            self.rm.m_axis.tlast.next = self.pass.rm.m_axis.tlast.val();
            self.rm.ctx.rdata.next = self.pass.rm.ctx.rdata.val();
            self.rm.idle.next = self.pass.rm.idle.val();
            self.rm.acc_id.next = self.pass.rm.acc_id.val();
        }
        if self.select.val() == 2 {
            self.rm.s_axis.tready.next = self.crc.rm.s_axis.tready.val();
            self.rm.m_axis.tvalid.next = self.crc.rm.m_axis.tvalid.val();
            self.rm.m_axis.tdata.next = self.crc.rm.m_axis.tdata.val();
            self.rm.m_axis.tkeep.next = self.crc.rm.m_axis.tkeep.val();
            self.rm.m_axis.tlast.next = self.crc.rm.m_axis.tlast.val();
            self.rm.ctx.rdata.next = self.crc.rm.ctx.rdata.val();
            self.rm.idle.next = self.crc.rm.idle.val();
            self.rm.acc_id.next = self.crc.rm.acc_id.val();
        }
        if self.select.val() == 3 {
            self.rm.s_axis.tready.next = self.kxor.rm.s_axis.tready.val();
            self.rm.m_axis.tvalid.next = self.kxor.rm.m_axis.tvalid.val();
            self.rm.m_axis.tdata.next = self.kxor.rm.m_axis.tdata.val();
            self.rm.m_axis.tkeep.next = self.kxor.rm.m_axis.tkeep.val();
            self.rm.m_axis.tlast.next = self.kxor.rm.m_axis.tlast.val();
            self.rm.ctx.rdata.next = self.kxor.rm.ctx.rdata.val();
            self.rm.idle.next = self.kxor.rm.idle.val();
            self.rm.acc_id.next = self.kxor.rm.acc_id.val();
        }
        if self.select.val() == 4 {
            self.rm.s_axis.tready.next = self.chaos.rm.s_axis.tready.val();
            self.rm.m_axis.tvalid.next = self.chaos.rm.m_axis.tvalid.val();
            self.rm.m_axis.tdata.next = self.chaos.rm.m_axis.tdata.val();
            self.rm.m_axis.tkeep.next = self.chaos.rm.m_axis.tkeep.val();
            self.rm.m_axis.tlast.next = self.chaos.rm.m_axis.tlast.val();
            self.rm.ctx.rdata.next = self.chaos.rm.ctx.rdata.val();
            self.rm.idle.next = self.chaos.rm.idle.val();
            self.rm.acc_id.next = self.chaos.rm.acc_id.val();
        }
    }
}
