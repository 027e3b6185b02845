//! The chaos RM: a deliberately misbehaving module. Every output toggles
//! pseudo-randomly (valid without a packet, tlast at random, ready that comes
//! and goes, garbage context reads), it is never idle and its `acc_id` is no
//! real accelerator's. Tests put it behind a partition to check that the
//! decoupler hides it; the simulated configuration port selects it when a
//! reconfiguration failed (a partially written region drives garbage).

use crate::axis::{AxisMasterUntagged, AxisSlaveCut};
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct Chaos<const DW: usize, const KW: usize> {
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

    id: Constant<Bits<32>>,
    poly: Constant<Bits<32>>,
    seed: Constant<Bits<32>>,
    lfsr: DFF<Bits<32>>,
    noise: Signal<Local, Bit>,
}

impl<const DW: usize, const KW: usize> Default for Chaos<DW, KW> {
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
            id: Constant::new((super::CHAOS_ID as u64).into()),
            // Galois LFSR taps of x^32 + x^22 + x^2 + x + 1 (maximal length).
            poly: Constant::new(0x8020_0003u64.into()),
            seed: Constant::new(0x1234_5678u64.into()),
            lfsr: Default::default(),
            noise: Default::default(),
        }
    }
}

impl<const DW: usize, const KW: usize> Logic for Chaos<DW, KW> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clk, lfsr);
        self.acc_id.next = self.id.val();
        // Everything it is given stirs the state, so it reacts to its inputs.
        self.noise.next = self.s_axis.tdata.val().xor()
            ^ self.s_axis.tkeep.val().xor()
            ^ self.s_axis.tvalid.val()
            ^ self.s_axis.tlast.val()
            ^ self.s_axis.tuser.val()
            ^ self.m_axis.tready.val()
            ^ self.ctx_addr.val().xor()
            ^ self.ctx_wdata.val().xor()
            ^ self.ctx_we.val();
        if self.lfsr.q.val().get_bit(0) {
            self.lfsr.d.next = (self.lfsr.q.val() >> 1) ^ self.poly.val() ^ bit_cast::<32, 1>(self.noise.val().into());
        } else {
            self.lfsr.d.next = (self.lfsr.q.val() >> 1) ^ bit_cast::<32, 1>(self.noise.val().into());
        }
        self.m_axis.tvalid.next = self.lfsr.q.val().get_bit(3);
        self.m_axis.tlast.next = self.lfsr.q.val().get_bit(5);
        self.m_axis.tdata.next = bit_cast::<DW, 32>(self.lfsr.q.val());
        self.m_axis.tkeep.next = bit_cast::<KW, 32>(self.lfsr.q.val());
        self.s_axis.tready.next = self.lfsr.q.val().get_bit(7);
        self.ctx_rdata.next = self.lfsr.q.val();
        self.idle.next = false;
        if self.rst.val() {
            self.lfsr.d.next = self.seed.val();
        }
    }
}
