//! The register slice (skid buffer) every block puts on its stream and
//! register interfaces, so that no combinational path crosses a block
//! boundary (DESIGN.md, timing rules).
//!
//! Both sides are registered: `m_valid`/`m_data` come from the output
//! register and `s_ready` from "the skid register is empty", so neither
//! depends on this cycle's `s_valid` or `m_ready`. Full throughput: one word
//! per cycle in and out while `m_ready` is high; one cycle of latency. When
//! the output stalls with a word in it, the word accepted in the same cycle
//! waits in the skid register; `s_ready` drops the cycle after.
//!
//! `Skid<D>` carries any payload type, `Skid3` three fields of one
//! channel; `AxisSkid` is the AXI4-Stream form (tdata, tkeep, tlast,
//! tid, tuser). All are one `SkidControl` (the handshake: the valid bits and
//! when each register loads) driving `SkidData` words, one per field, so a
//! slice's `m_valid` is one register whatever the fields (synthesis does
//! not merge copies of it, and logic after `m_valid` would take one more LUT
//! level to AND them).

use crate::FUNCTION_ID_BITS as FW;
use rust_hdl::prelude::*;

/// The handshake half of a two-entry register slice: the valid bits of its
/// output and skid registers, and when each register loads. `SkidData`
/// holds the words; one `SkidControl` drives any number of them, so a
/// slice over several fields has one `m_valid` register, not one per field.
#[derive(LogicBlock, Default)]
pub struct SkidControl {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub s_valid: Signal<In, Bit>,
    pub s_ready: Signal<Out, Bit>,
    pub m_valid: Signal<Out, Bit>,
    pub m_ready: Signal<In, Bit>,
    /// This cycle the output register loads the skid word (else, with
    /// `out_load_input`, the input word); the skid register the input word.
    pub out_load_skid: Signal<Out, Bit>,
    pub out_load_input: Signal<Out, Bit>,
    pub skid_load: Signal<Out, Bit>,
    out_valid: DFF<Bit>,
    skid_valid: DFF<Bit>,
}

impl Logic for SkidControl {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clk, out_valid, skid_valid);
        self.s_ready.next = !self.skid_valid.q.val();
        self.m_valid.next = self.out_valid.q.val();
        self.out_load_skid.next = false;
        self.out_load_input.next = false;
        self.skid_load.next = false;
        if self.skid_valid.q.val() {
            // Input closed; the skid word moves out when the output drains.
            if self.m_ready.val() {
                self.out_load_skid.next = true;
                self.skid_valid.d.next = false;
            }
        } else if !self.out_valid.q.val() | self.m_ready.val() {
            // The output register is free this cycle: load it from the input.
            self.out_valid.d.next = self.s_valid.val();
            self.out_load_input.next = true;
        } else if self.s_valid.val() {
            // Output stalled, input accepted: park the word.
            self.skid_valid.d.next = true;
            self.skid_load.next = true;
        }
        if self.rst.val() {
            self.out_valid.d.next = false;
            self.skid_valid.d.next = false;
        }
    }
}

/// The data half of a register slice: the output and skid words, loaded as
/// a `SkidControl` says.
#[derive(LogicBlock, Default)]
pub struct SkidData<D: Synth> {
    pub clk: Signal<In, Clock>,
    pub out_load_skid: Signal<In, Bit>,
    pub out_load_input: Signal<In, Bit>,
    pub skid_load: Signal<In, Bit>,
    pub s_data: Signal<In, D>,
    pub m_data: Signal<Out, D>,
    out_data: DFF<D>,
    skid_data: DFF<D>,
}

impl<D: Synth> Logic for SkidData<D> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clk, out_data, skid_data);
        self.m_data.next = self.out_data.q.val();
        if self.out_load_skid.val() {
            self.out_data.d.next = self.skid_data.q.val();
        } else if self.out_load_input.val() {
            self.out_data.d.next = self.s_data.val();
        }
        if self.skid_load.val() {
            self.skid_data.d.next = self.s_data.val();
        }
    }
}

/// A two-entry register slice with registered `s_ready`, `m_valid` and `m_data`.
#[derive(LogicBlock, Default)]
pub struct Skid<D: Synth> {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// Input side: a word is taken when `s_valid && s_ready`.
    pub s_valid: Signal<In, Bit>,
    pub s_ready: Signal<Out, Bit>,
    pub s_data: Signal<In, D>,
    /// Output side: a word leaves when `m_valid && m_ready`.
    pub m_valid: Signal<Out, Bit>,
    pub m_ready: Signal<In, Bit>,
    pub m_data: Signal<Out, D>,
    ctl: SkidControl,
    word: SkidData<D>,
}

impl<D: Synth> Logic for Skid<D> {
    #[hdl_gen]
    fn update(&mut self) {
        self.ctl.clk.next = self.clk.val();
        self.ctl.rst.next = self.rst.val();
        self.ctl.s_valid.next = self.s_valid.val();
        self.ctl.m_ready.next = self.m_ready.val();
        self.s_ready.next = self.ctl.s_ready.val();
        self.m_valid.next = self.ctl.m_valid.val();
        self.word.clk.next = self.clk.val();
        self.word.out_load_skid.next = self.ctl.out_load_skid.val();
        self.word.out_load_input.next = self.ctl.out_load_input.val();
        self.word.skid_load.next = self.ctl.skid_load.val();
        self.word.s_data.next = self.s_data.val();
        self.m_data.next = self.word.m_data.val();
    }
}

/// A register slice over three fields of one channel: one `SkidControl`, so
/// one `m_valid` register and one handshake, driving a `SkidData` per field.
#[derive(LogicBlock, Default)]
pub struct Skid3<A: Synth, B: Synth, C: Synth> {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub s_valid: Signal<In, Bit>,
    pub s_ready: Signal<Out, Bit>,
    pub s_a: Signal<In, A>,
    pub s_b: Signal<In, B>,
    pub s_c: Signal<In, C>,
    pub m_valid: Signal<Out, Bit>,
    pub m_ready: Signal<In, Bit>,
    pub m_a: Signal<Out, A>,
    pub m_b: Signal<Out, B>,
    pub m_c: Signal<Out, C>,
    ctl: SkidControl,
    a: SkidData<A>,
    b: SkidData<B>,
    c: SkidData<C>,
}

impl<A: Synth, B: Synth, C: Synth> Logic for Skid3<A, B, C> {
    #[hdl_gen]
    fn update(&mut self) {
        self.ctl.clk.next = self.clk.val();
        self.ctl.rst.next = self.rst.val();
        self.ctl.s_valid.next = self.s_valid.val();
        self.ctl.m_ready.next = self.m_ready.val();
        self.s_ready.next = self.ctl.s_ready.val();
        self.m_valid.next = self.ctl.m_valid.val();
        self.a.clk.next = self.clk.val();
        self.b.clk.next = self.clk.val();
        self.c.clk.next = self.clk.val();
        self.a.out_load_skid.next = self.ctl.out_load_skid.val();
        self.b.out_load_skid.next = self.ctl.out_load_skid.val();
        self.c.out_load_skid.next = self.ctl.out_load_skid.val();
        self.a.out_load_input.next = self.ctl.out_load_input.val();
        self.b.out_load_input.next = self.ctl.out_load_input.val();
        self.c.out_load_input.next = self.ctl.out_load_input.val();
        self.a.skid_load.next = self.ctl.skid_load.val();
        self.b.skid_load.next = self.ctl.skid_load.val();
        self.c.skid_load.next = self.ctl.skid_load.val();
        self.a.s_data.next = self.s_a.val();
        self.b.s_data.next = self.s_b.val();
        self.c.s_data.next = self.s_c.val();
        self.m_a.next = self.a.m_data.val();
        self.m_b.next = self.b.m_data.val();
        self.m_c.next = self.c.m_data.val();
    }
}

/// The AXI4-Stream register slice: `s_axis_*` in, `m_axis_*` out, with the
/// function tag (`tid`) and a 1-bit `tuser` carried along.
#[derive(LogicBlock, Default)]
pub struct AxisSkid<const DW: usize, const KW: usize> {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub s_axis_tvalid: Signal<In, Bit>,
    pub s_axis_tready: Signal<Out, Bit>,
    pub s_axis_tdata: Signal<In, Bits<DW>>,
    pub s_axis_tkeep: Signal<In, Bits<KW>>,
    pub s_axis_tlast: Signal<In, Bit>,
    pub s_axis_tid: Signal<In, Bits<FW>>,
    pub s_axis_tuser: Signal<In, Bit>,
    pub m_axis_tvalid: Signal<Out, Bit>,
    pub m_axis_tready: Signal<In, Bit>,
    pub m_axis_tdata: Signal<Out, Bits<DW>>,
    pub m_axis_tkeep: Signal<Out, Bits<KW>>,
    pub m_axis_tlast: Signal<Out, Bit>,
    pub m_axis_tid: Signal<Out, Bits<FW>>,
    pub m_axis_tuser: Signal<Out, Bit>,
    ctl: SkidControl,
    data: SkidData<Bits<DW>>,
    keep: SkidData<Bits<KW>>,
    /// `tlast`, `tuser` and `tid` in one word: bit 0 last, bit 1 user, tid above.
    side: SkidData<Bits<{ FW + 2 }>>,
}

impl<const DW: usize, const KW: usize> Logic for AxisSkid<DW, KW> {
    #[hdl_gen]
    fn update(&mut self) {
        self.ctl.clk.next = self.clk.val();
        self.ctl.rst.next = self.rst.val();
        self.ctl.s_valid.next = self.s_axis_tvalid.val();
        self.ctl.m_ready.next = self.m_axis_tready.val();
        self.s_axis_tready.next = self.ctl.s_ready.val();
        self.m_axis_tvalid.next = self.ctl.m_valid.val();
        self.data.clk.next = self.clk.val();
        self.keep.clk.next = self.clk.val();
        self.side.clk.next = self.clk.val();
        self.data.out_load_skid.next = self.ctl.out_load_skid.val();
        self.keep.out_load_skid.next = self.ctl.out_load_skid.val();
        self.side.out_load_skid.next = self.ctl.out_load_skid.val();
        self.data.out_load_input.next = self.ctl.out_load_input.val();
        self.keep.out_load_input.next = self.ctl.out_load_input.val();
        self.side.out_load_input.next = self.ctl.out_load_input.val();
        self.data.skid_load.next = self.ctl.skid_load.val();
        self.keep.skid_load.next = self.ctl.skid_load.val();
        self.side.skid_load.next = self.ctl.skid_load.val();
        self.data.s_data.next = self.s_axis_tdata.val();
        self.keep.s_data.next = self.s_axis_tkeep.val();
        self.side.s_data.next = (bit_cast::<{ FW + 2 }, FW>(self.s_axis_tid.val()) << 2)
            | (bit_cast::<{ FW + 2 }, 1>(self.s_axis_tuser.val().into()) << 1)
            | bit_cast::<{ FW + 2 }, 1>(self.s_axis_tlast.val().into());
        self.m_axis_tdata.next = self.data.m_data.val();
        self.m_axis_tkeep.next = self.keep.m_data.val();
        self.m_axis_tlast.next = self.side.m_data.val().get_bit(0);
        self.m_axis_tuser.next = self.side.m_data.val().get_bit(1);
        self.m_axis_tid.next = self.side.m_data.val().get_bits::<FW>(2);
    }
}
