//! Write requests of the `pcie` block and the RQ output: the shell's AXI4
//! write bursts (host DMA port) cut into PCIe memory write TLPs, with the
//! reader's read requests put in between TLPs.
//!
//! A burst is stored whole before its first TLP leaves (its W beats in a
//! FIFO of 4 KiB, the largest AXI burst), because the first descriptor needs
//! the burst's last byte: the burst's bytes are `[awaddr, end)`, `end` given
//! by the highest strobe of its last beat (the strobes in between must be
//! full, as the shell's DMA writes them). It is cut at max payload size
//! boundaries (`cfg_max_payload`: 128 << n bytes; they divide 4 KiB, so no
//! TLP crosses a 4 KiB boundary): each TLP has its first and last dword byte
//! enables (tuser) and its payload realigned from the AXI lanes to dword 4
//! of the first beat onwards (PG213 RQ, dword-aligned mode). The requester
//! function comes from `awuser` (hard block numbering). B (OKAY) is answered
//! once the burst's last TLP beat is in the RQ output register (nothing can
//! hold it back from there but RQ's tready): memory writes are posted.
//!
//! Reads and writes alternate at TLP boundaries when both wait.

use crate::fifo::Fifo;
use crate::skid::Skid;
use crate::FUNCTION_ID_BITS as FW;
use rust_hdl::prelude::*;

const AW_BITS: usize = 64 + 8 + FW;

// `state`: 0 idle, 1 chunk set-up, 2 preload the first beat, 3 emit beats.

#[derive(LogicBlock)]
pub struct Writer<const DW: usize, const KW: usize, const NK: usize, const DW2: usize, const RQU: usize> {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub awaddr: Signal<In, Bits<64>>,
    pub awlen: Signal<In, Bits<8>>,
    pub awuser: Signal<In, Bits<FW>>,
    pub awvalid: Signal<In, Bit>,
    pub awready: Signal<Out, Bit>,
    pub wdata: Signal<In, Bits<DW>>,
    pub wstrb: Signal<In, Bits<KW>>,
    pub wlast: Signal<In, Bit>,
    pub wvalid: Signal<In, Bit>,
    pub wready: Signal<Out, Bit>,
    pub bresp: Signal<Out, Bits<2>>,
    pub bvalid: Signal<Out, Bit>,
    pub bready: Signal<In, Bit>,
    /// Max payload size code (PG213 `cfg_max_payload`).
    pub cfg_max_payload: Signal<In, Bits<2>>,
    /// The reader's read request descriptors.
    pub rd_valid: Signal<In, Bit>,
    pub rd_ready: Signal<Out, Bit>,
    pub rd_desc: Signal<In, Bits<128>>,
    /// Requester requests to the hard block (its `s_axis_rq_*`).
    pub m_axis_rq_tdata: Signal<Out, Bits<DW>>,
    pub m_axis_rq_tkeep: Signal<Out, Bits<NK>>,
    pub m_axis_rq_tuser: Signal<Out, Bits<RQU>>,
    pub m_axis_rq_tlast: Signal<Out, Bit>,
    pub m_axis_rq_tvalid: Signal<Out, Bit>,
    pub m_axis_rq_tready: Signal<In, Bit>,

    beat_log2: Constant<Bits<4>>,
    nk_log2: Constant<Bits<4>>,
    nk: Constant<Bits<12>>,
    nk_mask: Constant<Bits<4>>,
    beat_mask: Constant<Bits<64>>,
    all_keep: Constant<Bits<NK>>,
    dw_shift: Constant<Bits<11>>,
    /// 512-bit interface: last BE at 8 and is_sop/is_eop in tuser; else last BE at 4.
    wide: Constant<Bit>,
    lbe_at: Constant<Bits<8>>,
    mps_base: Constant<Bits<64>>,
    /// Dwords 4 and up of a beat (the payload beside a descriptor).
    payload_mask: Constant<Bits<DW>>,
    /// tuser of a read request; is_sop[0] and is_eop[0] (512 bits; 0 at 256).
    rd_user: Constant<Bits<RQU>>,
    sop: Constant<Bits<RQU>>,
    eop: Constant<Bits<RQU>>,

    aw: Skid<Bits<AW_BITS>>,
    w_data: Skid<Bits<DW>>,
    /// The strobes.
    w_side: Skid<Bits<KW>>,
    w_last: Skid<Bit>,
    wq: Fifo<Bits<DW>, 7, 8>,
    /// Per stored burst: one past its last byte's offset in its last beat.
    ends: Fifo<Bits<7>, 3, 4>,

    state: DFF<Bits<2>>,
    prefer_rd: DFF<Bit>,
    b_start: DFF<Bits<64>>,
    b_end: DFF<Bits<64>>,
    req_fn: DFF<Bits<8>>,
    c_desc: DFF<Bits<128>>,
    c_shift: DFF<Bits<4>>,
    c_rem: DFF<Bits<12>>,
    c_axi: DFF<Bits<9>>,
    c_first: DFF<Bit>,
    c_final: DFF<Bit>,
    c_be: DFF<Bits<8>>,
    /// The chunk set-up's first stage, every cycle from `b_start` and
    /// `b_end`: the chunk's end (the next max-payload boundary or the
    /// burst's end) and whether it is the burst's last; valid (`e_ok`) from
    /// the second cycle after `b_start` loads from AW.
    e_end: DFF<Bits<64>>,
    e_final: DFF<Bit>,
    e_ok: DFF<Bit>,
    hold: DFF<Bits<DW>>,
    o_valid: DFF<Bit>,
    o_data: DFF<Bits<DW>>,
    o_keep: DFF<Bits<NK>>,
    o_user: DFF<Bits<RQU>>,
    o_last: DFF<Bit>,
    b_count: DFF<Bits<8>>,
    b_valid: DFF<Bit>,

    // Locals: the strobe encoder, the chunk and the beat.
    s0: Signal<Local, Bits<64>>,
    s1: Signal<Local, Bits<64>>,
    s2: Signal<Local, Bits<64>>,
    s3: Signal<Local, Bits<64>>,
    s4: Signal<Local, Bits<64>>,
    s5: Signal<Local, Bits<64>>,
    strb_top: Signal<Local, Bits<7>>,
    o_free: Signal<Local, Bit>,
    take_rd: Signal<Local, Bit>,
    take_wr: Signal<Local, Bit>,
    aw_fn: Signal<Local, Bits<FW>>,
    mps: Signal<Local, Bits<64>>,
    cend: Signal<Local, Bits<64>>,
    setup: Signal<Local, Bit>,
    dwc: Signal<Local, Bits<12>>,
    d0: Signal<Local, Bits<4>>,
    fbe: Signal<Local, Bits<4>>,
    lbe: Signal<Local, Bits<4>>,
    window: Signal<Local, Bits<DW2>>,
    shifted: Signal<Local, Bits<DW>>,
    head_ok: Signal<Local, Bit>,
    emit: Signal<Local, Bit>,
    pop: Signal<Local, Bit>,
    last_beat: Signal<Local, Bit>,
    b_done: Signal<Local, Bit>,
    b_next: Signal<Local, Bits<8>>,
    beat_user: Signal<Local, Bits<RQU>>,
}

/// The RQ tuser of a one-beat read request: first and last BE all ones, and
/// at 512 bits is_sop[0], is_eop[0] with the end at dword 3.
fn rq_user_read<const RQU: usize>(wide: bool) -> Bits<RQU> {
    let lbe_at = if wide { 8 } else { 4 };
    let mut u = Bits::<RQU>::default();
    for i in (0..4).chain(lbe_at..lbe_at + 4) {
        u = u.replace_bit(i, true);
    }
    if wide {
        for i in [20, 26, 28, 29] {
            u = u.replace_bit(i, true);
        }
    }
    u
}

impl<const DW: usize, const KW: usize, const NK: usize, const DW2: usize, const RQU: usize> Default
    for Writer<DW, KW, NK, DW2, RQU>
{
    fn default() -> Self {
        assert!(DW == 256 || DW == 512, "pcie: 256- or 512-bit interface");
        assert!(KW * 8 == DW && NK * 32 == DW && DW2 == 2 * DW, "pcie: widths");
        let wide = DW == 512;
        Self {
            clk: Default::default(),
            rst: Default::default(),
            awaddr: Default::default(),
            awlen: Default::default(),
            awuser: Default::default(),
            awvalid: Default::default(),
            awready: Default::default(),
            wdata: Default::default(),
            wstrb: Default::default(),
            wlast: Default::default(),
            wvalid: Default::default(),
            wready: Default::default(),
            bresp: Default::default(),
            bvalid: Default::default(),
            bready: Default::default(),
            cfg_max_payload: Default::default(),
            rd_valid: Default::default(),
            rd_ready: Default::default(),
            rd_desc: Default::default(),
            m_axis_rq_tdata: Default::default(),
            m_axis_rq_tkeep: Default::default(),
            m_axis_rq_tuser: Default::default(),
            m_axis_rq_tlast: Default::default(),
            m_axis_rq_tvalid: Default::default(),
            m_axis_rq_tready: Default::default(),
            beat_log2: Constant::new((KW.trailing_zeros() as u64).into()),
            nk_log2: Constant::new((NK.trailing_zeros() as u64).into()),
            nk: Constant::new((NK as u64).into()),
            nk_mask: Constant::new(((NK - 1) as u64).into()),
            beat_mask: Constant::new((!(KW as u64 - 1)).into()),
            all_keep: Constant::new(((1u64 << NK) - 1).into()),
            dw_shift: Constant::new((DW as u64).into()),
            wide: Constant::new(wide),
            lbe_at: Constant::new((if wide { 8u64 } else { 4 }).into()),
            mps_base: Constant::new(128u64.into()),
            payload_mask: Constant::new((128..DW).fold(Bits::<DW>::default(), |b, i| b.replace_bit(i, true))),
            rd_user: Constant::new(rq_user_read::<RQU>(wide)),
            sop: Constant::new(if wide { Bits::<RQU>::default().replace_bit(20, true) } else { Bits::default() }),
            eop: Constant::new(if wide { Bits::<RQU>::default().replace_bit(26, true) } else { Bits::default() }),
            aw: Default::default(),
            w_data: Default::default(),
            w_side: Default::default(),
            w_last: Default::default(),
            wq: Default::default(),
            ends: Default::default(),
            state: Default::default(),
            prefer_rd: Default::default(),
            b_start: Default::default(),
            b_end: Default::default(),
            req_fn: Default::default(),
            c_desc: Default::default(),
            c_shift: Default::default(),
            c_rem: Default::default(),
            c_axi: Default::default(),
            c_first: Default::default(),
            c_final: Default::default(),
            c_be: Default::default(),
            e_end: Default::default(),
            e_final: Default::default(),
            e_ok: Default::default(),
            hold: Default::default(),
            o_valid: Default::default(),
            o_data: Default::default(),
            o_keep: Default::default(),
            o_user: Default::default(),
            o_last: Default::default(),
            b_count: Default::default(),
            b_valid: Default::default(),
            s0: Default::default(),
            s1: Default::default(),
            s2: Default::default(),
            s3: Default::default(),
            s4: Default::default(),
            s5: Default::default(),
            strb_top: Default::default(),
            o_free: Default::default(),
            take_rd: Default::default(),
            take_wr: Default::default(),
            aw_fn: Default::default(),
            mps: Default::default(),
            cend: Default::default(),
            setup: Default::default(),
            dwc: Default::default(),
            d0: Default::default(),
            fbe: Default::default(),
            lbe: Default::default(),
            window: Default::default(),
            shifted: Default::default(),
            head_ok: Default::default(),
            emit: Default::default(),
            pop: Default::default(),
            last_beat: Default::default(),
            b_done: Default::default(),
            b_next: Default::default(),
            beat_user: Default::default(),
        }
    }
}

impl<const DW: usize, const KW: usize, const NK: usize, const DW2: usize, const RQU: usize> Logic
    for Writer<DW, KW, NK, DW2, RQU>
{
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clk, state, prefer_rd, b_start, b_end, req_fn, c_desc, c_shift, c_rem, c_axi, c_first, c_final, c_be,
            e_end, e_final, e_ok, hold, o_valid, o_data, o_keep, o_user, o_last, b_count, b_valid
        );
        self.aw.clk.next = self.clk.val();
        self.w_data.clk.next = self.clk.val();
        self.w_side.clk.next = self.clk.val();
        self.w_last.clk.next = self.clk.val();
        self.wq.clk.next = self.clk.val();
        self.ends.clk.next = self.clk.val();
        self.aw.rst.next = self.rst.val();
        self.w_data.rst.next = self.rst.val();
        self.w_side.rst.next = self.rst.val();
        self.w_last.rst.next = self.rst.val();
        self.wq.rst.next = self.rst.val();
        self.ends.rst.next = self.rst.val();

        // ---- AW and W in through the register slices; W into the FIFO.
        self.aw.s_valid.next = self.awvalid.val();
        self.aw.s_data.next = bit_cast::<AW_BITS, 64>(self.awaddr.val())
            | (bit_cast::<AW_BITS, 8>(self.awlen.val()) << 64)
            | (bit_cast::<AW_BITS, FW>(self.awuser.val()) << 72);
        self.awready.next = self.aw.s_ready.val();
        self.w_data.s_valid.next = self.wvalid.val();
        self.w_side.s_valid.next = self.wvalid.val();
        self.w_last.s_valid.next = self.wvalid.val();
        self.w_data.s_data.next = self.wdata.val();
        self.w_side.s_data.next = self.wstrb.val();
        self.w_last.s_data.next = self.wlast.val();
        self.wready.next = self.w_data.s_ready.val();
        self.w_data.m_ready.next = !self.wq.full.val() & !self.ends.full.val();
        self.w_side.m_ready.next = !self.wq.full.val() & !self.ends.full.val();
        self.w_last.m_ready.next = !self.wq.full.val() & !self.ends.full.val();
        self.wq.write.next = self.w_data.m_valid.val() & !self.wq.full.val() & !self.ends.full.val();
        self.wq.data_in.next = self.w_data.m_data.val();
        // Highest strobe of the beat (binary search), + 1.
        self.s0.next = bit_cast::<64, KW>(self.w_side.m_data.val());
        self.strb_top.next = 0.into();
        self.s1.next = self.s0.val();
        if self.s0.val().get_bits::<32>(32).any() {
            self.s1.next = self.s0.val() >> 32;
            self.strb_top.next = 32.into();
        }
        self.s2.next = self.s1.val();
        if self.s1.val().get_bits::<16>(16).any() {
            self.s2.next = self.s1.val() >> 16;
            self.strb_top.next = self.strb_top.val() | 16;
        }
        self.s3.next = self.s2.val();
        if self.s2.val().get_bits::<8>(8).any() {
            self.s3.next = self.s2.val() >> 8;
            self.strb_top.next = self.strb_top.val() | 8;
        }
        self.s4.next = self.s3.val();
        if self.s3.val().get_bits::<4>(4).any() {
            self.s4.next = self.s3.val() >> 4;
            self.strb_top.next = self.strb_top.val() | 4;
        }
        self.s5.next = self.s4.val();
        if self.s4.val().get_bits::<2>(2).any() {
            self.s5.next = self.s4.val() >> 2;
            self.strb_top.next = self.strb_top.val() | 2;
        }
        if self.s5.val().get_bit(1) {
            self.strb_top.next = self.strb_top.val() | 1;
        }
        self.ends.write.next = self.wq.write.val() & self.w_last.m_data.val();
        self.ends.data_in.next = self.strb_top.val() + 1;

        // ---- Next TLP: a read request or a write burst.
        self.o_free.next = !self.o_valid.q.val() | self.m_axis_rq_tready.val();
        self.take_rd.next = false;
        self.take_wr.next = false;
        if self.o_free.val() & ((self.state.q.val() == 0) | (self.state.q.val() == 1)) {
            if self.rd_valid.val() & (self.prefer_rd.q.val() | (self.state.q.val() == 0)) {
                self.take_rd.next = true;
            }
        }
        if (self.state.q.val() == 0) & !self.take_rd.val() & self.aw.m_valid.val() & !self.ends.empty.val() {
            self.take_wr.next = true;
        }
        self.rd_ready.next = self.take_rd.val();
        self.aw.m_ready.next = self.take_wr.val();
        self.ends.read.next = self.take_wr.val();
        self.aw_fn.next = self.aw.m_data.val().get_bits::<FW>(72);
        if self.take_wr.val() {
            self.b_start.d.next = self.aw.m_data.val().get_bits::<64>(0);
            self.b_end.d.next = (self.aw.m_data.val().get_bits::<64>(0) & self.beat_mask.val())
                + (bit_cast::<64, 8>(self.aw.m_data.val().get_bits::<8>(64)) << self.beat_log2.val())
                + bit_cast::<64, 7>(self.ends.data_out.val());
            // Our function f is the hard block's 0 (PF) or f + 3 (VF f).
            self.req_fn.d.next = bit_cast::<8, FW>(self.aw_fn.val()) + 3;
            if self.aw_fn.val() == 0 {
                self.req_fn.d.next = 0.into();
            }
            self.state.d.next = 1.into();
        }

        // ---- Chunk set-up: up to the next max-payload boundary. First
        // stage (registered every cycle): its end; second (state 1): the rest.
        self.mps.next = self.mps_base.val() << self.cfg_max_payload.val();
        self.cend.next = (self.b_start.q.val() | (self.mps.val() - 1)) + 1;
        self.e_end.d.next = self.cend.val();
        self.e_final.d.next = false;
        if self.b_end.q.val() <= self.cend.val() {
            self.e_end.d.next = self.b_end.q.val();
            self.e_final.d.next = true;
        }
        self.dwc.next = bit_cast::<12, 64>(((self.e_end.q.val() + 3) >> 2) - (self.b_start.q.val() >> 2));
        self.d0.next = bit_cast::<4, 64>(self.b_start.q.val() >> 2) & self.nk_mask.val();
        self.fbe.next = 15.into();
        if self.b_start.q.val().get_bits::<2>(0) == 1 {
            self.fbe.next = 14.into();
        } else if self.b_start.q.val().get_bits::<2>(0) == 2 {
            self.fbe.next = 12.into();
        } else if self.b_start.q.val().get_bits::<2>(0) == 3 {
            self.fbe.next = 8.into();
        }
        self.lbe.next = 15.into();
        if self.e_end.q.val().get_bits::<2>(0) == 1 {
            self.lbe.next = 1.into();
        } else if self.e_end.q.val().get_bits::<2>(0) == 2 {
            self.lbe.next = 3.into();
        } else if self.e_end.q.val().get_bits::<2>(0) == 3 {
            self.lbe.next = 7.into();
        }
        self.setup.next = (self.state.q.val() == 1) & !self.take_rd.val() & self.e_ok.q.val();
        self.e_ok.d.next = !self.take_wr.val() & !self.setup.val();
        if self.setup.val() {
            self.c_desc.d.next = bit_cast::<128, 64>((self.b_start.q.val() >> 2) << 2)
                | (bit_cast::<128, 12>(self.dwc.val()) << 64)
                | (bit_cast::<128, 4>(1.into()) << 75)
                | (bit_cast::<128, 8>(self.req_fn.q.val()) << 80);
            self.c_be.d.next = bit_cast::<8, 4>(self.fbe.val()) | (bit_cast::<8, 4>(self.lbe.val()) << 4);
            if self.dwc.val() == 1 {
                self.c_be.d.next = bit_cast::<8, 4>(self.fbe.val() & self.lbe.val());
            }
            self.c_shift.d.next = (self.d0.val() - 4) & self.nk_mask.val();
            self.c_rem.d.next = self.dwc.val() + 4;
            self.c_axi.d.next = bit_cast::<9, 64>(((self.e_end.q.val() - 1) >> self.beat_log2.val()) - (self.b_start.q.val() >> self.beat_log2.val())) + 1;
            self.c_first.d.next = true;
            self.c_final.d.next = self.e_final.q.val();
            self.b_start.d.next = self.e_end.q.val();
            self.state.d.next = 3.into();
            if self.d0.val() >= 4 {
                self.state.d.next = 2.into();
            }
        }

        // ---- Beats: window (hold, FIFO head) shifted by c_shift dwords.
        self.head_ok.next = !self.wq.empty.val();
        self.pop.next = false;
        self.emit.next = false;
        if (self.state.q.val() == 2) & self.head_ok.val() {
            self.pop.next = true;
            self.c_axi.d.next = self.c_axi.q.val() - 1;
            self.state.d.next = 3.into();
        }
        if (self.state.q.val() == 3) & self.o_free.val() & ((self.c_axi.q.val() == 0) | self.head_ok.val()) {
            self.emit.next = true;
            if self.c_axi.q.val() != 0 {
                self.pop.next = true;
                self.c_axi.d.next = self.c_axi.q.val() - 1;
            }
        }
        self.wq.read.next = self.pop.val();
        if self.pop.val() {
            self.hold.d.next = self.wq.data_out.val();
        }
        self.window.next = bit_cast::<DW2, DW>(self.hold.q.val()) | (bit_cast::<DW2, DW>(self.wq.data_out.val()) << self.dw_shift.val());
        self.shifted.next = bit_cast::<DW, DW2>(self.window.val() >> (bit_cast::<11, 4>(self.c_shift.q.val()) << 5));
        self.last_beat.next = self.c_rem.q.val() <= self.nk.val();
        self.beat_user.next = bit_cast::<RQU, 4>(self.c_be.q.val().get_bits::<4>(0))
            | (bit_cast::<RQU, 4>(self.c_be.q.val().get_bits::<4>(4)) << self.lbe_at.val());
        if self.wide.val() {
            if self.c_first.q.val() {
                self.beat_user.next = self.beat_user.val() | self.sop.val();
            }
            if self.last_beat.val() {
                self.beat_user.next = self.beat_user.val()
                    | self.eop.val()
                    | (bit_cast::<RQU, 4>(bit_cast::<4, 12>(self.c_rem.q.val() - 1)) << 28);
            }
        }
        self.b_done.next = false;
        if self.emit.val() {
            self.o_valid.d.next = true;
            self.o_data.d.next = self.shifted.val();
            if self.c_first.q.val() {
                self.o_data.d.next = (self.shifted.val() & self.payload_mask.val())
                    | bit_cast::<DW, 128>(self.c_desc.q.val());
            }
            self.o_keep.d.next = self.all_keep.val();
            if !self.last_beat.val() {
                self.c_rem.d.next = self.c_rem.q.val() - self.nk.val();
            } else {
                self.o_keep.d.next = self.all_keep.val() >> (self.nk.val() - self.c_rem.q.val());
                if self.c_final.q.val() {
                    self.b_done.next = true;
                    self.state.d.next = 0.into();
                } else {
                    self.state.d.next = 1.into();
                }
                self.prefer_rd.d.next = true;
            }
            self.o_user.d.next = self.beat_user.val();
            self.o_last.d.next = self.last_beat.val();
            self.c_first.d.next = false;
        } else if self.take_rd.val() {
            self.o_valid.d.next = true;
            self.o_data.d.next = bit_cast::<DW, 128>(self.rd_desc.val());
            self.o_keep.d.next = 15.into();
            self.o_user.d.next = self.rd_user.val();
            self.o_last.d.next = true;
            self.prefer_rd.d.next = false;
        } else if self.o_valid.q.val() & self.m_axis_rq_tready.val() {
            self.o_valid.d.next = false;
        }
        self.m_axis_rq_tvalid.next = self.o_valid.q.val();
        self.m_axis_rq_tdata.next = self.o_data.q.val();
        self.m_axis_rq_tkeep.next = self.o_keep.q.val();
        self.m_axis_rq_tuser.next = self.o_user.q.val();
        self.m_axis_rq_tlast.next = self.o_last.q.val();

        // ---- B: one OKAY per burst sent, from registers.
        self.b_next.next = self.b_count.q.val();
        if self.b_done.val() & !(self.b_valid.q.val() & self.bready.val()) {
            self.b_next.next = self.b_count.q.val() + 1;
        }
        if !self.b_done.val() & self.b_valid.q.val() & self.bready.val() {
            self.b_next.next = self.b_count.q.val() - 1;
        }
        self.b_count.d.next = self.b_next.val();
        self.b_valid.d.next = self.b_next.val() != 0;
        self.bvalid.next = self.b_valid.q.val();
        self.bresp.next = 0.into();

        if self.rst.val() {
            self.state.d.next = 0.into();
            self.o_valid.d.next = false;
            self.b_count.d.next = 0.into();
            self.b_valid.d.next = false;
        }
    }
}
