//! Completions of the `pcie` block: RC completions back to the shell's AXI4
//! R channels, in request order.
//!
//! Tags: a pool of 32 (a FIFO filled with 0..31 after reset); the reader
//! takes one per read request (`issue`), and the request's beats, whether it
//! ends its AXI burst, its port and its start beat go into the order FIFO.
//! Each tag owns a 16-beat slot of the reorder RAM, indexed by the beat's
//! address (beat number mod 16: a request is at most 16 beats).
//!
//! RC (PG213 RC descriptor, dword-aligned mode: payload from dword 3 of the
//! first beat): a request always covers whole beats and the hard block cuts
//! completions at the read completion boundary (64 or 128 bytes, at least a
//! beat here), so every completion starts on a beat: RC beat `i + 1`'s low
//! three dwords and beat `i`'s upper ones make data beat `i`, written to the
//! tag's slot at `lower address / beat + i` (mod 16), so a completion needs
//! no look-up of its request and RC is taken every cycle. Completions of one tag
//! arrive in address order (PCIe), of different tags in any order. The one
//! with "request completed" set marks the tag done. An error status (UR ->
//! DECERR, any other -> SLVERR), a poisoned or a discontinued completion
//! marks the tag failed.
//!
//! R: the head of the order FIFO is drained when its tag is done, one beat
//! per cycle from the RAM (read data registered), from the slot entry of its
//! start beat on, into the port's output
//! FIFO and register slice; a failed tag gives its beats with the error
//! response and zero data, so the master sees as many beats as it asked. The
//! tag then goes back to the pool.

use crate::fifo::Fifo;
use crate::skid::Skid3;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct Completions<const DW: usize, const RCU: usize> {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// Requester completions from the hard block (its `m_axis_rc_*`).
    pub s_axis_rc_tdata: Signal<In, Bits<DW>>,
    pub s_axis_rc_tuser: Signal<In, Bits<RCU>>,
    pub s_axis_rc_tlast: Signal<In, Bit>,
    pub s_axis_rc_tvalid: Signal<In, Bit>,
    pub s_axis_rc_tready: Signal<Out, Bit>,
    /// The tag pool and the reader's requests (see `reader.rs`).
    pub tag_avail: Signal<Out, Bit>,
    pub tag: Signal<Out, Bits<5>>,
    pub issue: Signal<In, Bit>,
    pub issue_beats: Signal<In, Bits<5>>,
    pub issue_last: Signal<In, Bit>,
    pub issue_port: Signal<In, Bit>,
    pub issue_start: Signal<In, Bits<12>>,
    /// R of the host DMA port (0) and of the prc port (1).
    pub host_rdata: Signal<Out, Bits<DW>>,
    pub host_rresp: Signal<Out, Bits<2>>,
    pub host_rlast: Signal<Out, Bit>,
    pub host_rvalid: Signal<Out, Bit>,
    pub host_rready: Signal<In, Bit>,
    pub prc_rdata: Signal<Out, Bits<DW>>,
    pub prc_rresp: Signal<Out, Bits<2>>,
    pub prc_rlast: Signal<Out, Bit>,
    pub prc_rvalid: Signal<Out, Bit>,
    pub prc_rready: Signal<In, Bit>,

    /// Where the RC tuser's discontinue bit is (PG213: 42 or 96).
    disc_at: Constant<Bits<8>>,
    /// `DW - 96`: where an RC beat's low three dwords go in a data beat.
    top_shift: Constant<Bits<10>>,
    beat_log2: Constant<Bits<4>>,
    one: Constant<Bits<32>>,

    /// RC in: tdata, tlast, the discontinue bit of tuser.
    rc_in: Skid3<Bits<DW>, Bit, Bit>,
    free: Fifo<Bits<5>, 5, 6>,
    /// bits 4:0 tag, 9:5 beats, 10 last of its burst, 11 port, 15:12 start beat (mod 16).
    order: Fifo<Bits<16>, 5, 6>,
    slots: RAM<Bits<DW>, 9>,
    host_d: Fifo<Bits<DW>, 4, 5>,
    host_s: Fifo<Bits<3>, 4, 5>,
    prc_d: Fifo<Bits<DW>, 4, 5>,
    prc_s: Fifo<Bits<3>, 4, 5>,
    /// R out, per port: rdata, rresp, rlast.
    host_r: Skid3<Bits<DW>, Bits<2>, Bit>,
    prc_r: Skid3<Bits<DW>, Bits<2>, Bit>,

    init: DFF<Bit>,
    init_cnt: DFF<Bits<6>>,
    done: DFF<Bits<32>>,
    err: DFF<Bits<32>>,
    dec: DFF<Bits<32>>,
    // RC parser: 0 descriptor, 1 data, 2 skip.
    rc_state: DFF<Bits<2>>,
    c_tag: DFF<Bits<5>>,
    c_done: DFF<Bit>,
    c_err: DFF<Bit>,
    c_dec: DFF<Bit>,
    prev: DFF<Bits<DW>>,
    wr_ptr: DFF<Bits<4>>,
    // R drain: 0 idle, 1 sending.
    dr_state: DFF<Bit>,
    dr_tag: DFF<Bits<5>>,
    dr_beats: DFF<Bits<5>>,
    dr_k: DFF<Bits<5>>,
    /// The slot entry of the drain's next beat.
    dr_ptr: DFF<Bits<4>>,
    dr_last: DFF<Bit>,
    dr_port: DFF<Bit>,
    dr_resp: DFF<Bits<2>>,
    p_valid: DFF<Bit>,
    p_port: DFF<Bit>,
    p_side: DFF<Bits<3>>,

    rc_fire: Signal<Local, Bit>,
    beat: Signal<Local, Bits<DW>>,
    b_err: Signal<Local, Bit>,
    end_cpl: Signal<Local, Bit>,
    end_err: Signal<Local, Bit>,
    end_dec: Signal<Local, Bit>,
    set_done: Signal<Local, Bits<32>>,
    set_err: Signal<Local, Bits<32>>,
    set_dec: Signal<Local, Bits<32>>,
    clr: Signal<Local, Bits<32>>,
    head_tag: Signal<Local, Bits<5>>,
    credit: Signal<Local, Bit>,
    tag_release: Signal<Local, Bit>,
    p_zero: Signal<Local, Bit>,
}

impl<const DW: usize, const RCU: usize> Default for Completions<DW, RCU> {
    fn default() -> Self {
        assert!(DW == 256 || DW == 512, "pcie: 256- or 512-bit interface");
        let wide = DW == 512;
        Self {
            clk: Default::default(),
            rst: Default::default(),
            s_axis_rc_tdata: Default::default(),
            s_axis_rc_tuser: Default::default(),
            s_axis_rc_tlast: Default::default(),
            s_axis_rc_tvalid: Default::default(),
            s_axis_rc_tready: Default::default(),
            tag_avail: Default::default(),
            tag: Default::default(),
            issue: Default::default(),
            issue_beats: Default::default(),
            issue_last: Default::default(),
            issue_port: Default::default(),
            issue_start: Default::default(),
            host_rdata: Default::default(),
            host_rresp: Default::default(),
            host_rlast: Default::default(),
            host_rvalid: Default::default(),
            host_rready: Default::default(),
            prc_rdata: Default::default(),
            prc_rresp: Default::default(),
            prc_rlast: Default::default(),
            prc_rvalid: Default::default(),
            prc_rready: Default::default(),
            disc_at: Constant::new((if wide { 96u64 } else { 42 }).into()),
            top_shift: Constant::new(((DW - 96) as u64).into()),
            beat_log2: Constant::new(((DW / 8).trailing_zeros() as u64).into()),
            one: Constant::new(1u64.into()),
            rc_in: Default::default(),
            free: Default::default(),
            order: Default::default(),
            slots: Default::default(),
            host_d: Default::default(),
            host_s: Default::default(),
            prc_d: Default::default(),
            prc_s: Default::default(),
            host_r: Default::default(),
            prc_r: Default::default(),
            init: Default::default(),
            init_cnt: Default::default(),
            done: Default::default(),
            err: Default::default(),
            dec: Default::default(),
            rc_state: Default::default(),
            c_tag: Default::default(),
            c_done: Default::default(),
            c_err: Default::default(),
            c_dec: Default::default(),
            prev: Default::default(),
            wr_ptr: Default::default(),
            dr_state: Default::default(),
            dr_tag: Default::default(),
            dr_beats: Default::default(),
            dr_k: Default::default(),
            dr_ptr: Default::default(),
            dr_last: Default::default(),
            dr_port: Default::default(),
            dr_resp: Default::default(),
            p_valid: Default::default(),
            p_port: Default::default(),
            p_side: Default::default(),
            rc_fire: Default::default(),
            beat: Default::default(),
            b_err: Default::default(),
            end_cpl: Default::default(),
            end_err: Default::default(),
            end_dec: Default::default(),
            set_done: Default::default(),
            set_err: Default::default(),
            set_dec: Default::default(),
            clr: Default::default(),
            head_tag: Default::default(),
            credit: Default::default(),
            tag_release: Default::default(),
            p_zero: Default::default(),
        }
    }
}

impl<const DW: usize, const RCU: usize> Logic for Completions<DW, RCU> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clk, init, init_cnt, done, err, dec, rc_state, c_tag, c_done, c_err, c_dec, prev, wr_ptr,
            dr_state, dr_tag, dr_beats, dr_k, dr_ptr, dr_last, dr_port, dr_resp, p_valid, p_port, p_side
        );
        self.rc_in.clk.next = self.clk.val();
        self.free.clk.next = self.clk.val();
        self.order.clk.next = self.clk.val();
        self.host_d.clk.next = self.clk.val();
        self.host_s.clk.next = self.clk.val();
        self.prc_d.clk.next = self.clk.val();
        self.prc_s.clk.next = self.clk.val();
        self.host_r.clk.next = self.clk.val();
        self.prc_r.clk.next = self.clk.val();
        self.rc_in.rst.next = self.rst.val();
        self.free.rst.next = self.rst.val();
        self.order.rst.next = self.rst.val();
        self.host_d.rst.next = self.rst.val();
        self.host_s.rst.next = self.rst.val();
        self.prc_d.rst.next = self.rst.val();
        self.prc_s.rst.next = self.rst.val();
        self.host_r.rst.next = self.rst.val();
        self.prc_r.rst.next = self.rst.val();
        self.slots.read_clock.next = self.clk.val();
        self.slots.write_clock.next = self.clk.val();

        // ---- Tag pool and request order.
        if self.init.q.val() {
            self.init_cnt.d.next = self.init_cnt.q.val() + 1;
            if self.init_cnt.q.val() == 31 {
                self.init.d.next = false;
            }
        }
        self.tag_avail.next = !self.free.empty.val() & !self.init.q.val();
        self.tag.next = self.free.data_out.val();
        self.free.read.next = self.issue.val();
        self.order.write.next = self.issue.val();
        self.order.data_in.next = bit_cast::<16, 5>(self.free.data_out.val())
            | (bit_cast::<16, 5>(self.issue_beats.val()) << 5)
            | (bit_cast::<16, 1>(self.issue_last.val().into()) << 10)
            | (bit_cast::<16, 1>(self.issue_port.val().into()) << 11)
            | (bit_cast::<16, 4>(bit_cast::<4, 12>(self.issue_start.val() >> self.beat_log2.val())) << 12);

        // ---- RC in.
        self.rc_in.s_valid.next = self.s_axis_rc_tvalid.val();
        self.rc_in.s_a.next = self.s_axis_rc_tdata.val();
        self.rc_in.s_b.next = self.s_axis_rc_tlast.val();
        self.rc_in.s_c.next = self.s_axis_rc_tuser.val().get_bit(self.disc_at.val().index());
        self.s_axis_rc_tready.next = self.rc_in.s_ready.val();
        self.rc_in.m_ready.next = true;
        self.rc_fire.next = self.rc_in.m_valid.val();
        self.beat.next = self.rc_in.m_a.val();
        self.b_err.next = (self.beat.val().get_bits::<3>(43) != 0) | self.beat.val().get_bit(46);
        self.slots.write_enable.next = false;
        self.slots.write_address.next = (bit_cast::<9, 5>(self.c_tag.q.val()) << 4) | bit_cast::<9, 4>(self.wr_ptr.q.val());
        self.slots.write_data.next = (self.prev.q.val() >> 96) | (self.beat.val() << self.top_shift.val());
        self.end_cpl.next = false;
        self.end_err.next = self.c_err.q.val() | self.rc_in.m_c.val();
        self.end_dec.next = self.c_dec.q.val();
        if self.rc_fire.val() {
            if self.rc_state.q.val() == 0 {
                self.c_tag.d.next = self.beat.val().get_bits::<5>(64);
                // The slot entry of the first data beat: the lower address's beat.
                self.wr_ptr.d.next = bit_cast::<4, 12>(self.beat.val().get_bits::<12>(0) >> self.beat_log2.val());
                self.c_done.d.next = self.beat.val().get_bit(30);
                self.c_err.d.next = self.b_err.val() | self.rc_in.m_c.val();
                self.c_dec.d.next = self.beat.val().get_bits::<3>(43) == 1;
                self.prev.d.next = self.beat.val();
                if self.rc_in.m_b.val() {
                    // A completion without data (an error): it ends here.
                    self.end_cpl.next = true;
                    self.end_err.next = true;
                    self.end_dec.next = self.beat.val().get_bits::<3>(43) == 1;
                    self.c_tag.d.next = self.beat.val().get_bits::<5>(64);
                    self.c_done.d.next = self.beat.val().get_bit(30);
                } else if self.b_err.val() | self.rc_in.m_c.val() {
                    self.rc_state.d.next = 2.into();
                } else {
                    self.rc_state.d.next = 1.into();
                }
            } else {
                if self.rc_state.q.val() == 1 {
                    self.slots.write_enable.next = true;
                    self.wr_ptr.d.next = self.wr_ptr.q.val() + 1;
                    self.prev.d.next = self.beat.val();
                }
                if self.rc_in.m_c.val() {
                    self.c_err.d.next = true;
                }
                if self.rc_in.m_b.val() {
                    self.end_cpl.next = true;
                    self.rc_state.d.next = 0.into();
                }
            }
        }
        // The tag of a completion without data is this beat's, not c_tag.
        self.set_done.next = 0.into();
        self.set_err.next = 0.into();
        self.set_dec.next = 0.into();
        if self.end_cpl.val() {
            if self.rc_state.q.val() == 0 {
                if self.beat.val().get_bit(30) {
                    self.set_done.next = self.one.val() << self.beat.val().get_bits::<5>(64);
                }
                self.set_err.next = self.one.val() << self.beat.val().get_bits::<5>(64);
                if self.end_dec.val() {
                    self.set_dec.next = self.one.val() << self.beat.val().get_bits::<5>(64);
                }
            } else {
                if self.c_done.q.val() {
                    self.set_done.next = self.one.val() << self.c_tag.q.val();
                }
                if self.end_err.val() {
                    self.set_err.next = self.one.val() << self.c_tag.q.val();
                }
                if self.end_dec.val() {
                    self.set_dec.next = self.one.val() << self.c_tag.q.val();
                }
            }
        }

        // ---- R drain, in request order.
        self.head_tag.next = self.order.data_out.val().get_bits::<5>(0);
        self.order.read.next = false;
        if !self.dr_state.q.val() & !self.order.empty.val() & self.done.q.val().get_bit(self.head_tag.val().index()) {
            self.order.read.next = true;
            self.dr_state.d.next = true;
            self.dr_tag.d.next = self.head_tag.val();
            self.dr_beats.d.next = self.order.data_out.val().get_bits::<5>(5);
            self.dr_last.d.next = self.order.data_out.val().get_bit(10);
            self.dr_port.d.next = self.order.data_out.val().get_bit(11);
            self.dr_k.d.next = 0.into();
            self.dr_ptr.d.next = self.order.data_out.val().get_bits::<4>(12);
            self.dr_resp.d.next = 0.into();
            if self.err.q.val().get_bit(self.head_tag.val().index()) {
                self.dr_resp.d.next = 2.into();
                if self.dec.q.val().get_bit(self.head_tag.val().index()) {
                    self.dr_resp.d.next = 3.into();
                }
            }
        }
        self.credit.next = (self.host_d.count.val() + bit_cast::<5, 1>(self.p_valid.q.val().into())) < 14;
        if self.dr_port.q.val() {
            self.credit.next = (self.prc_d.count.val() + bit_cast::<5, 1>(self.p_valid.q.val().into())) < 14;
        }
        self.slots.read_address.next = (bit_cast::<9, 5>(self.dr_tag.q.val()) << 4) | bit_cast::<9, 4>(self.dr_ptr.q.val());
        self.p_valid.d.next = false;
        self.tag_release.next = false;
        if self.dr_state.q.val() & self.credit.val() {
            self.p_valid.d.next = true;
            self.p_port.d.next = self.dr_port.q.val();
            // side: bits 1:0 rresp, bit 2 rlast
            self.p_side.d.next = bit_cast::<3, 2>(self.dr_resp.q.val());
            self.dr_k.d.next = self.dr_k.q.val() + 1;
            self.dr_ptr.d.next = self.dr_ptr.q.val() + 1;
            if self.dr_k.q.val() + 1 == self.dr_beats.q.val() {
                self.tag_release.next = true;
                self.dr_state.d.next = false;
                if self.dr_last.q.val() {
                    self.p_side.d.next = bit_cast::<3, 2>(self.dr_resp.q.val()) | 4;
                }
            }
        }
        self.clr.next = 0.into();
        if self.tag_release.val() {
            self.clr.next = self.one.val() << self.dr_tag.q.val();
        }
        self.done.d.next = (self.done.q.val() | self.set_done.val()) & !self.clr.val();
        self.err.d.next = (self.err.q.val() | self.set_err.val()) & !self.clr.val();
        self.dec.d.next = (self.dec.q.val() | self.set_dec.val()) & !self.clr.val();
        self.free.write.next = self.init.q.val() | self.tag_release.val();
        self.free.data_in.next = self.dr_tag.q.val();
        if self.init.q.val() {
            self.free.data_in.next = bit_cast::<5, 6>(self.init_cnt.q.val());
        }

        // ---- Output FIFOs and register slices, per port.
        self.p_zero.next = self.p_side.q.val().get_bits::<2>(0) != 0;
        self.host_d.write.next = self.p_valid.q.val() & !self.p_port.q.val();
        self.host_s.write.next = self.p_valid.q.val() & !self.p_port.q.val();
        self.prc_d.write.next = self.p_valid.q.val() & self.p_port.q.val();
        self.prc_s.write.next = self.p_valid.q.val() & self.p_port.q.val();
        self.host_d.data_in.next = self.slots.read_data.val();
        self.prc_d.data_in.next = self.slots.read_data.val();
        if self.p_zero.val() {
            self.host_d.data_in.next = 0.into();
            self.prc_d.data_in.next = 0.into();
        }
        self.host_s.data_in.next = self.p_side.q.val();
        self.prc_s.data_in.next = self.p_side.q.val();

        self.host_r.s_valid.next = !self.host_d.empty.val();
        self.host_r.s_a.next = self.host_d.data_out.val();
        self.host_r.s_b.next = self.host_s.data_out.val().get_bits::<2>(0);
        self.host_r.s_c.next = self.host_s.data_out.val().get_bit(2);
        self.host_d.read.next = self.host_r.s_ready.val();
        self.host_s.read.next = self.host_r.s_ready.val();
        self.host_r.m_ready.next = self.host_rready.val();
        self.host_rvalid.next = self.host_r.m_valid.val();
        self.host_rdata.next = self.host_r.m_a.val();
        self.host_rresp.next = self.host_r.m_b.val();
        self.host_rlast.next = self.host_r.m_c.val();

        self.prc_r.s_valid.next = !self.prc_d.empty.val();
        self.prc_r.s_a.next = self.prc_d.data_out.val();
        self.prc_r.s_b.next = self.prc_s.data_out.val().get_bits::<2>(0);
        self.prc_r.s_c.next = self.prc_s.data_out.val().get_bit(2);
        self.prc_d.read.next = self.prc_r.s_ready.val();
        self.prc_s.read.next = self.prc_r.s_ready.val();
        self.prc_r.m_ready.next = self.prc_rready.val();
        self.prc_rvalid.next = self.prc_r.m_valid.val();
        self.prc_rdata.next = self.prc_r.m_a.val();
        self.prc_rresp.next = self.prc_r.m_b.val();
        self.prc_rlast.next = self.prc_r.m_c.val();

        if self.rst.val() {
            self.init.d.next = true;
            self.init_cnt.d.next = 0.into();
            self.done.d.next = 0.into();
            self.err.d.next = 0.into();
            self.dec.d.next = 0.into();
            self.rc_state.d.next = 0.into();
            self.dr_state.d.next = false;
            self.p_valid.d.next = false;
        }
    }
}
