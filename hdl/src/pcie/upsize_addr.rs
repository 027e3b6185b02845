//! One address channel (AR or AW) of the width adapter (`upsize.rs`): a
//! narrow burst in, the same burst in wide beats out, and the burst's first
//! lane and narrow `len` in a FIFO for its data channel (R or W).
//!
//! The wide burst keeps the address and function; its length is
//! `(lane + len) >> log2(ratio)`, `lane` = the address's narrow lane in its
//! wide beat. A burst moves only when the output slice and the FIFO have
//! room. In and out through `skid.rs` register slices.

use crate::fifo::Fifo;
use crate::skid::Skid;
use crate::FUNCTION_ID_BITS as FW;
use rust_hdl::prelude::*;

/// Address, length and function of one burst, as one register-slice word.
const A_BITS: usize = 64 + 8 + FW;

#[derive(LogicBlock)]
pub struct UpsizeAddr {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// The narrow burst.
    pub s_addr: Signal<In, Bits<64>>,
    pub s_len: Signal<In, Bits<8>>,
    pub s_user: Signal<In, Bits<FW>>,
    pub s_valid: Signal<In, Bit>,
    pub s_ready: Signal<Out, Bit>,
    /// The wide burst.
    pub m_addr: Signal<Out, Bits<64>>,
    pub m_len: Signal<Out, Bits<8>>,
    pub m_user: Signal<Out, Bits<FW>>,
    pub m_valid: Signal<Out, Bit>,
    pub m_ready: Signal<In, Bit>,
    /// Per burst, in order: its first lane (bits 1:0) and narrow `len` (9:2).
    pub meta_data: Signal<Out, Bits<10>>,
    pub meta_empty: Signal<Out, Bit>,
    pub meta_read: Signal<In, Bit>,
    /// Narrow lanes per wide beat - 1, its log2, log2 of the narrow beat's bytes.
    lane_max: Constant<Bits<2>>,
    ratio_log2: Constant<Bits<2>>,
    nkw_log2: Constant<Bits<4>>,
    a_in: Skid<Bits<A_BITS>>,
    a_out: Skid<Bits<A_BITS>>,
    bursts: Fifo<Bits<10>, 5, 6>,
    lane: Signal<Local, Bits<2>>,
    wlen: Signal<Local, Bits<9>>,
    go: Signal<Local, Bit>,
}

impl UpsizeAddr {
    /// For narrow beats of `nkw` bytes and wide beats of `wide_kw`.
    pub fn new(nkw: usize, wide_kw: usize) -> Self {
        let ratio = wide_kw / nkw;
        assert!(ratio == 2 || ratio == 4, "upsize: 2 or 4 narrow beats per wide beat");
        Self {
            clk: Default::default(),
            rst: Default::default(),
            s_addr: Default::default(),
            s_len: Default::default(),
            s_user: Default::default(),
            s_valid: Default::default(),
            s_ready: Default::default(),
            m_addr: Default::default(),
            m_len: Default::default(),
            m_user: Default::default(),
            m_valid: Default::default(),
            m_ready: Default::default(),
            meta_data: Default::default(),
            meta_empty: Default::default(),
            meta_read: Default::default(),
            lane_max: Constant::new(((ratio - 1) as u64).into()),
            ratio_log2: Constant::new((ratio.trailing_zeros() as u64).into()),
            nkw_log2: Constant::new((nkw.trailing_zeros() as u64).into()),
            a_in: Default::default(),
            a_out: Default::default(),
            bursts: Default::default(),
            lane: Default::default(),
            wlen: Default::default(),
            go: Default::default(),
        }
    }
}

impl Logic for UpsizeAddr {
    #[hdl_gen]
    fn update(&mut self) {
        self.a_in.clk.next = self.clk.val();
        self.a_out.clk.next = self.clk.val();
        self.bursts.clk.next = self.clk.val();
        self.a_in.rst.next = self.rst.val();
        self.a_out.rst.next = self.rst.val();
        self.bursts.rst.next = self.rst.val();

        self.a_in.s_valid.next = self.s_valid.val();
        self.a_in.s_data.next = bit_cast::<A_BITS, 64>(self.s_addr.val())
            | (bit_cast::<A_BITS, 8>(self.s_len.val()) << 64)
            | (bit_cast::<A_BITS, FW>(self.s_user.val()) << 72);
        self.s_ready.next = self.a_in.s_ready.val();
        self.lane.next = bit_cast::<2, 64>(self.a_in.m_data.val().get_bits::<64>(0) >> self.nkw_log2.val()) & self.lane_max.val();
        self.wlen.next = (bit_cast::<9, 2>(self.lane.val()) + bit_cast::<9, 8>(self.a_in.m_data.val().get_bits::<8>(64)))
            >> self.ratio_log2.val();
        self.go.next = self.a_in.m_valid.val() & self.a_out.s_ready.val() & !self.bursts.full.val();
        self.a_in.m_ready.next = self.go.val();
        self.a_out.s_valid.next = self.go.val();
        self.a_out.s_data.next = bit_cast::<A_BITS, 64>(self.a_in.m_data.val().get_bits::<64>(0))
            | (bit_cast::<A_BITS, 9>(self.wlen.val()) << 64)
            | (bit_cast::<A_BITS, FW>(self.a_in.m_data.val().get_bits::<FW>(72)) << 72);
        self.bursts.write.next = self.go.val();
        self.bursts.data_in.next =
            bit_cast::<10, 2>(self.lane.val()) | (bit_cast::<10, 8>(self.a_in.m_data.val().get_bits::<8>(64)) << 2);
        self.bursts.read.next = self.meta_read.val();
        self.meta_data.next = self.bursts.data_out.val();
        self.meta_empty.next = self.bursts.empty.val();

        self.m_addr.next = self.a_out.m_data.val().get_bits::<64>(0);
        self.m_len.next = self.a_out.m_data.val().get_bits::<8>(64);
        self.m_user.next = self.a_out.m_data.val().get_bits::<FW>(72);
        self.m_valid.next = self.a_out.m_valid.val();
        self.a_out.m_ready.next = self.m_ready.val();
    }
}
