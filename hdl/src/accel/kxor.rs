//! The KXOR RM: a keyed stream cipher. Each 64-bit lane of each beat is XORed
//! with the next word of an xorshift64 keystream (`x ^= x << 13; x ^= x >> 7;
//! x ^= x << 17`): lane 0 with the current state, lane 1 with the state after
//! one step, ...; after the beat the state has advanced one step per lane.
//! The lanes of a last, partial beat are consumed too, so the keystream
//! position depends on the beat count, not the byte count. Encrypting twice
//! from the same state decrypts.
//!
//! The state is the key and the context: register 0 is its low 32 bits,
//! register 1 its high 32 bits. A zero state stays zero (the identity).
//!
//! A cut packet (`s_axis_tuser` with `tlast`: its data is incomplete): its
//! beats have already left (its output ends where the input ended; the
//! output stream has no flag), and the keystream goes back to its state
//! before the packet, so the context is that of whole packets only and the
//! sender's next packet is enciphered as if the cut one had not been sent.
//!
//! Each beat is XORed as it is taken and enters a register slice
//! (`AxisSkid`): both streams registered, `tready` included; one beat per
//! cycle, one cycle of latency.

use crate::rm::RmPort;
use crate::skid::AxisSkid;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct Kxor<const DW: usize, const KW: usize> {
    /// RM clock (the static region's).
    pub clk: Signal<In, Clock>,
    /// The RM interface (`crate::rm`).
    pub rm: RmPort<DW, KW>,

    id: Constant<Bits<32>>,
    init: Constant<Bits<64>>,
    /// Shift that puts a 64-bit word into the top lane.
    top_lane: Constant<Bits<16>>,
    /// One entry per 64-bit lane (loop bound).
    lanes: Vec<Constant<Bit>>,

    state: DFF<Bits<64>>,
    /// The keystream state before the packet in flight (restored if it is cut).
    pkt_state: DFF<Bits<64>>,
    slice: AxisSkid<DW, KW>,
    in_packet: DFF<Bit>,
    x: Signal<Local, Bits<64>>,
    ks: Signal<Local, Bits<DW>>,
}

impl<const DW: usize, const KW: usize> Default for Kxor<DW, KW> {
    fn default() -> Self {
        assert!(DW == KW * 8 && DW % 64 == 0, "data width must be a multiple of 64 with one tkeep bit per byte");
        Self {
            clk: Default::default(),
            rm: Default::default(),
            id: Constant::new((super::KXOR_ID as u64).into()),
            init: Constant::new(super::KXOR_INIT.into()),
            top_lane: Constant::new(((DW - 64) as u64).into()),
            lanes: (0..DW / 64).map(|_| Constant::new(true)).collect(),
            state: Default::default(),
            pkt_state: Default::default(),
            slice: Default::default(),
            in_packet: Default::default(),
            x: Default::default(),
            ks: Default::default(),
        }
    }
}

impl<const DW: usize, const KW: usize> Logic for Kxor<DW, KW> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clk, state, pkt_state, in_packet);
        self.rm.acc_id.next = self.id.val();

        // Keystream of one beat: lane 0 first, each lane shifted in from the top.
        self.x.next = self.state.q.val();
        self.ks.next = 0.into();
        for l in 0..self.lanes.len() {
            // The entry is a constant 1: it only sets the loop count.
            if self.lanes[l].val() {
                self.ks.next = (self.ks.val() >> 64) | (bit_cast::<DW, 64>(self.x.val()) << self.top_lane.val());
                self.x.next = self.x.val() ^ (self.x.val() << 13);
                self.x.next = self.x.val() ^ (self.x.val() >> 7);
                self.x.next = self.x.val() ^ (self.x.val() << 17);
            }
        }

        self.slice.clk.next = self.clk.val();
        self.slice.rst.next = self.rm.rst.val();
        self.slice.s_axis_tvalid.next = self.rm.s_axis.tvalid.val();
        self.slice.s_axis_tdata.next = self.rm.s_axis.tdata.val() ^ self.ks.val();
        self.slice.s_axis_tkeep.next = self.rm.s_axis.tkeep.val();
        self.slice.s_axis_tlast.next = self.rm.s_axis.tlast.val();
        self.slice.s_axis_tid.next = 0.into();
        self.slice.s_axis_tuser.next = false;
        self.rm.s_axis.tready.next = self.slice.s_axis_tready.val();
        if self.rm.s_axis.tvalid.val() & self.slice.s_axis_tready.val() {
            self.in_packet.d.next = !self.rm.s_axis.tlast.val();
            self.state.d.next = self.x.val();
            if !self.in_packet.q.val() {
                self.pkt_state.d.next = self.state.q.val();
            }
            if self.rm.s_axis.tlast.val() & self.rm.s_axis.tuser.val() {
                // Cut: the keystream as before the packet.
                if self.in_packet.q.val() {
                    self.state.d.next = self.pkt_state.q.val();
                } else {
                    self.state.d.next = self.state.q.val();
                }
            }
        }
        self.rm.m_axis.tvalid.next = self.slice.m_axis_tvalid.val();
        self.rm.m_axis.tdata.next = self.slice.m_axis_tdata.val();
        self.rm.m_axis.tkeep.next = self.slice.m_axis_tkeep.val();
        self.rm.m_axis.tlast.next = self.slice.m_axis_tlast.val();
        self.slice.m_axis_tready.next = self.rm.m_axis.tready.val();
        self.rm.idle.next = !self.slice.m_axis_tvalid.val() & !self.in_packet.q.val();

        self.rm.ctx.rdata.next = 0.into();
        if self.rm.ctx.addr.val() == 0 {
            self.rm.ctx.rdata.next = self.state.q.val().get_bits::<32>(0);
            if self.rm.ctx.we.val() {
                self.state.d.next = (bit_cast::<64, 32>(self.state.q.val().get_bits::<32>(32)) << 32)
                    | bit_cast::<64, 32>(self.rm.ctx.wdata.val());
            }
        }
        if self.rm.ctx.addr.val() == 1 {
            self.rm.ctx.rdata.next = self.state.q.val().get_bits::<32>(32);
            if self.rm.ctx.we.val() {
                self.state.d.next = (bit_cast::<64, 32>(self.rm.ctx.wdata.val()) << 32)
                    | bit_cast::<64, 32>(self.state.q.val().get_bits::<32>(0));
            }
        }
        if self.rm.rst.val() {
            self.state.d.next = self.init.val();
            self.in_packet.d.next = false;
        }
    }
}
