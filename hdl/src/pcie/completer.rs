//! The completer side of the `pcie` block: host requests on CQ to the
//! shell's BAR (`m_axil_bar_*`) and completions on CC.
//!
//! One request at a time (BAR accesses are register accesses):
//! 1. take the request's beats from CQ (through the register slices), keep
//!    its descriptor (PG213 CQ descriptor, dword-aligned mode: payload from
//!    dword 4 of the first beat), its byte enables (tuser first/last BE) and
//!    whether any beat was marked discontinued;
//! 2. decide: a one-dword memory read or write to BAR0 of a function we have
//!    goes to the BAR as one AXI4-Lite access at `function * 0x1000 +
//!    offset` (byte enables on `wstrb`); a discontinued request is dropped;
//!    any other posted request (a write we do not serve, a message) is
//!    dropped; any other non-posted request (I/O, atomics, locked read,
//!    multi-dword read, another BAR, a function we do not have) gets an
//!    Unsupported Request completion without data;
//! 3. a read's answer becomes a completion with data (status SC), or
//!    without data with status CA (SLVERR) or UR (DECERR).
//!
//! Function numbers: the CQ's target function is the hard block's (PF0 = 0,
//! PF1-3 = 1-3, VF j of PF0 = 4 + j); ours are PF = 0 and VF k = hard-block
//! VF k - 1, i.e. `ours = target - 3` for targets from 4 (see `mod.rs`).

use crate::axil::AxilMaster;
use crate::skid::Skid;
use crate::FUNCTION_ID_BITS as FW;
use rust_hdl::prelude::*;

/// Address bits of the BAR (function : 12-bit offset).
pub const BAR_ADDR_BITS: usize = FW + 12;

// `state`: 0 idle (first beat), 1 drain (later beats), 2 decide, 3 read
// (AR then R), 4 write (AW and W, then B), 5 build the completion, 6 send it.

#[derive(LogicBlock)]
pub struct Completer<const DW: usize, const NK: usize, const CQU: usize, const CCU: usize> {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// Completer requests from the hard block (its `m_axis_cq_*`).
    pub s_axis_cq_tdata: Signal<In, Bits<DW>>,
    pub s_axis_cq_tuser: Signal<In, Bits<CQU>>,
    pub s_axis_cq_tlast: Signal<In, Bit>,
    pub s_axis_cq_tvalid: Signal<In, Bit>,
    pub s_axis_cq_tready: Signal<Out, Bit>,
    /// Completions to the hard block (its `s_axis_cc_*`).
    pub m_axis_cc_tdata: Signal<Out, Bits<DW>>,
    pub m_axis_cc_tkeep: Signal<Out, Bits<NK>>,
    pub m_axis_cc_tuser: Signal<Out, Bits<CCU>>,
    pub m_axis_cc_tlast: Signal<Out, Bit>,
    pub m_axis_cc_tvalid: Signal<Out, Bit>,
    pub m_axis_cc_tready: Signal<In, Bit>,
    /// The shell's BAR.
    pub m_axil_bar: AxilMaster<BAR_ADDR_BITS>,

    // Configuration: the last function we have, and where the tuser fields
    // of this data width are (PG213: last BE at 4 or 8, discontinue at 41 or 96).
    last_function: Constant<Bits<FW>>,
    cq_lbe_at: Constant<Bits<8>>,
    cq_disc_at: Constant<Bits<8>>,
    /// 512-bit interface: CC tuser carries is_sop/is_eop.
    wide: Constant<Bit>,

    cq_data: Skid<Bits<DW>>,
    /// bit 0 tlast, 4:1 first BE, 8:5 last BE, 9 discontinue.
    cq_side: Skid<Bits<10>>,

    state: DFF<Bits<3>>,
    d_addr: DFF<Bits<12>>,
    d_at: DFF<Bits<2>>,
    d_dwc: DFF<Bits<11>>,
    d_type: DFF<Bits<4>>,
    d_rid: DFF<Bits<16>>,
    d_tag: DFF<Bits<8>>,
    d_tfn: DFF<Bits<8>>,
    d_bar: DFF<Bits<3>>,
    d_tc: DFF<Bits<3>>,
    d_attr: DFF<Bits<3>>,
    d_fbe: DFF<Bits<4>>,
    d_lbe: DFF<Bits<4>>,
    d_wdata: DFF<Bits<32>>,
    d_disc: DFF<Bit>,
    status: DFF<Bits<3>>,
    with_data: DFF<Bit>,
    rdata: DFF<Bits<32>>,
    axil_addr: DFF<Bits<BAR_ADDR_BITS>>,
    ar_valid: DFF<Bit>,
    r_ready: DFF<Bit>,
    aw_valid: DFF<Bit>,
    w_valid: DFF<Bit>,
    b_ready: DFF<Bit>,
    cc_valid: DFF<Bit>,
    cc_data: DFF<Bits<DW>>,
    cc_keep: DFF<Bits<NK>>,
    cc_user: DFF<Bits<CCU>>,

    take: Signal<Local, Bit>,
    beat: Signal<Local, Bits<DW>>,
    fn_ok: Signal<Local, Bit>,
    ours: Signal<Local, Bits<FW>>,
    good: Signal<Local, Bit>,
    posted: Signal<Local, Bit>,
    lo: Signal<Local, Bits<2>>,
    hi: Signal<Local, Bits<2>>,
    lhi: Signal<Local, Bits<2>>,
    bc: Signal<Local, Bits<13>>,
    la: Signal<Local, Bits<7>>,
    dwc_out: Signal<Local, Bits<11>>,
    locked: Signal<Local, Bit>,
}

impl<const DW: usize, const NK: usize, const CQU: usize, const CCU: usize> Completer<DW, NK, CQU, CCU> {
    /// A completer for `functions` functions (PF + VFs).
    pub fn new(functions: usize) -> Self {
        assert!(DW == 256 || DW == 512, "pcie: 256- or 512-bit interface");
        assert!((1..=253).contains(&functions), "pcie: the hard block has PF0 and up to 252 VFs");
        let wide = DW == 512;
        Self {
            clk: Default::default(),
            rst: Default::default(),
            s_axis_cq_tdata: Default::default(),
            s_axis_cq_tuser: Default::default(),
            s_axis_cq_tlast: Default::default(),
            s_axis_cq_tvalid: Default::default(),
            s_axis_cq_tready: Default::default(),
            m_axis_cc_tdata: Default::default(),
            m_axis_cc_tkeep: Default::default(),
            m_axis_cc_tuser: Default::default(),
            m_axis_cc_tlast: Default::default(),
            m_axis_cc_tvalid: Default::default(),
            m_axis_cc_tready: Default::default(),
            m_axil_bar: Default::default(),
            last_function: Constant::new(((functions - 1) as u64).into()),
            cq_lbe_at: Constant::new((if wide { 8u64 } else { 4 }).into()),
            cq_disc_at: Constant::new((if wide { 96u64 } else { 41 }).into()),
            wide: Constant::new(wide),
            cq_data: Default::default(),
            cq_side: Default::default(),
            state: Default::default(),
            d_addr: Default::default(),
            d_at: Default::default(),
            d_dwc: Default::default(),
            d_type: Default::default(),
            d_rid: Default::default(),
            d_tag: Default::default(),
            d_tfn: Default::default(),
            d_bar: Default::default(),
            d_tc: Default::default(),
            d_attr: Default::default(),
            d_fbe: Default::default(),
            d_lbe: Default::default(),
            d_wdata: Default::default(),
            d_disc: Default::default(),
            status: Default::default(),
            with_data: Default::default(),
            rdata: Default::default(),
            axil_addr: Default::default(),
            ar_valid: Default::default(),
            r_ready: Default::default(),
            aw_valid: Default::default(),
            w_valid: Default::default(),
            b_ready: Default::default(),
            cc_valid: Default::default(),
            cc_data: Default::default(),
            cc_keep: Default::default(),
            cc_user: Default::default(),
            take: Default::default(),
            beat: Default::default(),
            fn_ok: Default::default(),
            ours: Default::default(),
            good: Default::default(),
            posted: Default::default(),
            lo: Default::default(),
            hi: Default::default(),
            lhi: Default::default(),
            bc: Default::default(),
            la: Default::default(),
            dwc_out: Default::default(),
            locked: Default::default(),
        }
    }
}

impl<const DW: usize, const NK: usize, const CQU: usize, const CCU: usize> Logic for Completer<DW, NK, CQU, CCU> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clk, state, d_addr, d_at, d_dwc, d_type, d_rid, d_tag, d_tfn, d_bar, d_tc, d_attr, d_fbe, d_lbe,
            d_wdata, d_disc, status, with_data, rdata, axil_addr, ar_valid, r_ready, aw_valid, w_valid, b_ready,
            cc_valid, cc_data, cc_keep, cc_user
        );
        self.cq_data.clk.next = self.clk.val();
        self.cq_side.clk.next = self.clk.val();
        self.cq_data.rst.next = self.rst.val();
        self.cq_side.rst.next = self.rst.val();

        // ---- CQ in through the register slices.
        self.cq_data.s_valid.next = self.s_axis_cq_tvalid.val();
        self.cq_side.s_valid.next = self.s_axis_cq_tvalid.val();
        self.cq_data.s_data.next = self.s_axis_cq_tdata.val();
        self.cq_side.s_data.next = bit_cast::<10, 1>(self.s_axis_cq_tlast.val().into())
            | (bit_cast::<10, 4>(self.s_axis_cq_tuser.val().get_bits::<4>(0)) << 1)
            | (bit_cast::<10, 4>(self.s_axis_cq_tuser.val().get_bits::<4>(self.cq_lbe_at.val().index())) << 5)
            | (bit_cast::<10, 1>(self.s_axis_cq_tuser.val().get_bit(self.cq_disc_at.val().index()).into()) << 9);
        self.s_axis_cq_tready.next = self.cq_data.s_ready.val();
        self.take.next = (self.state.q.val() == 0) | (self.state.q.val() == 1);
        self.cq_data.m_ready.next = self.take.val();
        self.cq_side.m_ready.next = self.take.val();
        self.beat.next = self.cq_data.m_data.val();
        if self.take.val() & self.cq_data.m_valid.val() {
            if self.state.q.val() == 0 {
                self.d_at.d.next = self.beat.val().get_bits::<2>(0);
                self.d_addr.d.next = self.beat.val().get_bits::<12>(0) & 0xffc;
                self.d_dwc.d.next = self.beat.val().get_bits::<11>(64);
                self.d_type.d.next = self.beat.val().get_bits::<4>(75);
                self.d_rid.d.next = self.beat.val().get_bits::<16>(80);
                self.d_tag.d.next = self.beat.val().get_bits::<8>(96);
                self.d_tfn.d.next = self.beat.val().get_bits::<8>(104);
                self.d_bar.d.next = self.beat.val().get_bits::<3>(112);
                self.d_tc.d.next = self.beat.val().get_bits::<3>(121);
                self.d_attr.d.next = self.beat.val().get_bits::<3>(124);
                self.d_wdata.d.next = self.beat.val().get_bits::<32>(128);
                self.d_fbe.d.next = self.cq_side.m_data.val().get_bits::<4>(1);
                self.d_lbe.d.next = self.cq_side.m_data.val().get_bits::<4>(5);
                self.d_disc.d.next = self.cq_side.m_data.val().get_bit(9);
            } else {
                self.d_disc.d.next = self.d_disc.q.val() | self.cq_side.m_data.val().get_bit(9);
            }
            self.state.d.next = 1.into();
            if self.cq_side.m_data.val().get_bit(0) {
                self.state.d.next = 2.into();
            }
        }

        // ---- Decide.
        self.ours.next = bit_cast::<FW, 8>(self.d_tfn.q.val()) - 3;
        self.fn_ok.next = (self.d_tfn.q.val() == 0)
            | ((self.d_tfn.q.val() >= 4) & (self.ours.val() <= self.last_function.val()));
        if self.d_tfn.q.val() == 0 {
            self.ours.next = 0.into();
        }
        self.good.next = self.fn_ok.val() & (self.d_bar.q.val() == 0) & (self.d_dwc.q.val() == 1);
        self.posted.next = (self.d_type.q.val() == 1) | (self.d_type.q.val() >= 12);
        if self.state.q.val() == 2 {
            self.axil_addr.d.next = (bit_cast::<BAR_ADDR_BITS, FW>(self.ours.val()) << 12)
                | bit_cast::<BAR_ADDR_BITS, 12>(self.d_addr.q.val());
            self.with_data.d.next = false;
            self.status.d.next = 1.into(); // UR unless served
            if self.d_disc.q.val() {
                self.state.d.next = 0.into();
            } else if (self.d_type.q.val() == 0) & self.good.val() {
                self.ar_valid.d.next = true;
                self.r_ready.d.next = true;
                self.state.d.next = 3.into();
            } else if (self.d_type.q.val() == 1) & self.good.val() {
                self.aw_valid.d.next = true;
                self.w_valid.d.next = true;
                self.b_ready.d.next = true;
                self.state.d.next = 4.into();
            } else if self.posted.val() {
                self.state.d.next = 0.into();
            } else {
                self.state.d.next = 5.into();
            }
        }

        // ---- The BAR access.
        self.m_axil_bar.araddr.next = self.axil_addr.q.val();
        self.m_axil_bar.awaddr.next = self.axil_addr.q.val();
        self.m_axil_bar.wdata.next = self.d_wdata.q.val();
        self.m_axil_bar.wstrb.next = self.d_fbe.q.val();
        self.m_axil_bar.arvalid.next = self.ar_valid.q.val();
        self.m_axil_bar.rready.next = self.r_ready.q.val();
        self.m_axil_bar.awvalid.next = self.aw_valid.q.val();
        self.m_axil_bar.wvalid.next = self.w_valid.q.val();
        self.m_axil_bar.bready.next = self.b_ready.q.val();
        if self.ar_valid.q.val() & self.m_axil_bar.arready.val() {
            self.ar_valid.d.next = false;
        }
        if (self.state.q.val() == 3) & self.r_ready.q.val() & self.m_axil_bar.rvalid.val() {
            self.r_ready.d.next = false;
            self.rdata.d.next = self.m_axil_bar.rdata.val();
            if self.m_axil_bar.rresp.val() == 0 {
                self.status.d.next = 0.into();
                self.with_data.d.next = true;
            } else if self.m_axil_bar.rresp.val() == 3 {
                self.status.d.next = 1.into();
            } else {
                self.status.d.next = 4.into(); // completer abort
            }
            self.state.d.next = 5.into();
        }
        if self.aw_valid.q.val() & self.m_axil_bar.awready.val() {
            self.aw_valid.d.next = false;
        }
        if self.w_valid.q.val() & self.m_axil_bar.wready.val() {
            self.w_valid.d.next = false;
        }
        if (self.state.q.val() == 4) & self.b_ready.q.val() & self.m_axil_bar.bvalid.val() {
            self.b_ready.d.next = false;
            self.state.d.next = 0.into();
        }

        // ---- The completion (PG213 CC descriptor, payload from dword 3).
        // Byte count and lower address from the request's byte enables.
        self.lo.next = 0.into();
        if self.d_fbe.q.val().get_bit(0) {
            self.lo.next = 0.into();
        } else if self.d_fbe.q.val().get_bit(1) {
            self.lo.next = 1.into();
        } else if self.d_fbe.q.val().get_bit(2) {
            self.lo.next = 2.into();
        } else if self.d_fbe.q.val().get_bit(3) {
            self.lo.next = 3.into();
        }
        self.hi.next = 0.into();
        if self.d_fbe.q.val().get_bit(3) {
            self.hi.next = 3.into();
        } else if self.d_fbe.q.val().get_bit(2) {
            self.hi.next = 2.into();
        } else if self.d_fbe.q.val().get_bit(1) {
            self.hi.next = 1.into();
        }
        self.lhi.next = 0.into();
        if self.d_lbe.q.val().get_bit(3) {
            self.lhi.next = 3.into();
        } else if self.d_lbe.q.val().get_bit(2) {
            self.lhi.next = 2.into();
        } else if self.d_lbe.q.val().get_bit(1) {
            self.lhi.next = 1.into();
        }
        self.la.next = 0.into();
        self.bc.next = 4.into();
        if self.d_type.q.val() == 0 {
            self.la.next = bit_cast::<7, 12>(self.d_addr.q.val()) | bit_cast::<7, 2>(self.lo.val());
            if self.d_dwc.q.val() == 1 {
                self.bc.next = bit_cast::<13, 2>(self.hi.val()) - bit_cast::<13, 2>(self.lo.val()) + 1;
                if self.d_fbe.q.val() == 0 {
                    self.bc.next = 1.into();
                }
            } else {
                self.bc.next = (bit_cast::<13, 11>(self.d_dwc.q.val()) << 2) - bit_cast::<13, 2>(self.lo.val()) - 3
                    + bit_cast::<13, 2>(self.lhi.val());
                if self.d_dwc.q.val() == 0 {
                    // 1024 dwords
                    self.bc.next = 4096 - bit_cast::<13, 2>(self.lo.val()) - 3 + bit_cast::<13, 2>(self.lhi.val());
                }
            }
        }
        self.dwc_out.next = 0.into();
        if self.with_data.q.val() {
            self.dwc_out.next = 1.into();
        }
        self.locked.next = self.d_type.q.val() == 7;
        if self.state.q.val() == 5 {
            self.cc_valid.d.next = true;
            self.cc_data.d.next = bit_cast::<DW, 7>(self.la.val())
                | (bit_cast::<DW, 2>(self.d_at.q.val()) << 8)
                | (bit_cast::<DW, 13>(self.bc.val()) << 16)
                | (bit_cast::<DW, 1>(self.locked.val().into()) << 29)
                | (bit_cast::<DW, 11>(self.dwc_out.val()) << 32)
                | (bit_cast::<DW, 3>(self.status.q.val()) << 43)
                | (bit_cast::<DW, 16>(self.d_rid.q.val()) << 48)
                | (bit_cast::<DW, 8>(self.d_tag.q.val()) << 64)
                | (bit_cast::<DW, 8>(self.d_tfn.q.val()) << 72)
                | (bit_cast::<DW, 3>(self.d_tc.q.val()) << 89)
                | (bit_cast::<DW, 3>(self.d_attr.q.val()) << 92)
                | (bit_cast::<DW, 32>(self.rdata.q.val()) << 96);
            self.cc_keep.d.next = 7.into();
            self.cc_user.d.next = 0.into();
            if self.wide.val() {
                // is_sop[0], is_eop[0], is_eop0_ptr = last dword.
                self.cc_user.d.next = bit_cast::<CCU, 8>(0x41.into()) | (bit_cast::<CCU, 4>(2.into()) << 8);
            }
            if self.with_data.q.val() {
                self.cc_keep.d.next = 15.into();
                if self.wide.val() {
                    self.cc_user.d.next = bit_cast::<CCU, 8>(0x41.into()) | (bit_cast::<CCU, 4>(3.into()) << 8);
                }
            }
            self.state.d.next = 6.into();
        }
        self.m_axis_cc_tvalid.next = self.cc_valid.q.val();
        self.m_axis_cc_tdata.next = self.cc_data.q.val();
        self.m_axis_cc_tkeep.next = self.cc_keep.q.val();
        self.m_axis_cc_tuser.next = self.cc_user.q.val();
        self.m_axis_cc_tlast.next = true;
        if (self.state.q.val() == 6) & self.cc_valid.q.val() & self.m_axis_cc_tready.val() {
            self.cc_valid.d.next = false;
            self.state.d.next = 0.into();
        }

        if self.rst.val() {
            self.state.d.next = 0.into();
            self.ar_valid.d.next = false;
            self.r_ready.d.next = false;
            self.aw_valid.d.next = false;
            self.w_valid.d.next = false;
            self.b_ready.d.next = false;
            self.cc_valid.d.next = false;
        }
    }
}
