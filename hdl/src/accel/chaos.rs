//! The chaos RM: a deliberately misbehaving module. Every output toggles
//! pseudo-randomly (valid without a packet, tlast at random, ready that comes
//! and goes, garbage context reads), it is never idle and its `acc_id` is no
//! real accelerator's. Tests put it behind a partition to check that the
//! decoupler hides it; the simulated configuration port selects it when a
//! reconfiguration failed (a partially written region drives garbage).

use crate::rm::RmPort;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct Chaos<const DW: usize, const KW: usize> {
    /// RM clock (the static region's).
    pub clk: Signal<In, Clock>,
    /// The RM interface (`crate::rm`).
    pub rm: RmPort<DW, KW>,

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
            rm: Default::default(),
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
        self.rm.acc_id.next = self.id.val();
        // Everything it is given stirs the state, so it reacts to its inputs.
        self.noise.next = self.rm.s_axis.tdata.val().xor()
            ^ self.rm.s_axis.tkeep.val().xor()
            ^ self.rm.s_axis.tvalid.val()
            ^ self.rm.s_axis.tlast.val()
            ^ self.rm.s_axis.tuser.val()
            ^ self.rm.m_axis.tready.val()
            ^ self.rm.ctx.addr.val().xor()
            ^ self.rm.ctx.wdata.val().xor()
            ^ self.rm.ctx.we.val();
        if self.lfsr.q.val().get_bit(0) {
            self.lfsr.d.next = (self.lfsr.q.val() >> 1) ^ self.poly.val() ^ bit_cast::<32, 1>(self.noise.val().into());
        } else {
            self.lfsr.d.next = (self.lfsr.q.val() >> 1) ^ bit_cast::<32, 1>(self.noise.val().into());
        }
        self.rm.m_axis.tvalid.next = self.lfsr.q.val().get_bit(3);
        self.rm.m_axis.tlast.next = self.lfsr.q.val().get_bit(5);
        self.rm.m_axis.tdata.next = bit_cast::<DW, 32>(self.lfsr.q.val());
        self.rm.m_axis.tkeep.next = bit_cast::<KW, 32>(self.lfsr.q.val());
        self.rm.s_axis.tready.next = self.lfsr.q.val().get_bit(7);
        self.rm.ctx.rdata.next = self.lfsr.q.val();
        self.rm.idle.next = false;
        if self.rm.rst.val() {
            self.lfsr.d.next = self.seed.val();
        }
    }
}
