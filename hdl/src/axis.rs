//! AXI4-Stream bundles, declared once and reused by every block.
//!
//! A field named `m_axis_h2c_p` of type `Vec<AxisMaster<..>>` becomes the
//! ports `m_axis_h2c_p0_tdata`, `m_axis_h2c_p0_tvalid`, ... after emission.

use crate::FUNCTION_ID_BITS;
use rust_hdl::prelude::*;

/// A stream leaving a block, tagged with a function number on `tid`.
#[derive(LogicInterface, Default)]
pub struct AxisMaster<const DW: usize, const KW: usize> {
    pub tdata: Signal<Out, Bits<DW>>,
    pub tkeep: Signal<Out, Bits<KW>>,
    pub tvalid: Signal<Out, Bit>,
    pub tready: Signal<In, Bit>,
    pub tlast: Signal<Out, Bit>,
    pub tid: Signal<Out, Bits<FUNCTION_ID_BITS>>,
}

/// A stream leaving a block, tagged with a function number on `tid`, with a
/// 1-bit `tuser` (valid with `tlast`: the packet was cut short).
#[derive(LogicInterface, Default)]
pub struct AxisMasterUser<const DW: usize, const KW: usize> {
    pub tdata: Signal<Out, Bits<DW>>,
    pub tkeep: Signal<Out, Bits<KW>>,
    pub tvalid: Signal<Out, Bit>,
    pub tready: Signal<In, Bit>,
    pub tlast: Signal<Out, Bit>,
    pub tid: Signal<Out, Bits<FUNCTION_ID_BITS>>,
    pub tuser: Signal<Out, Bit>,
}

/// A stream entering a block, tagged with a function number on `tid`.
#[derive(LogicInterface, Default)]
pub struct AxisSlave<const DW: usize, const KW: usize> {
    pub tdata: Signal<In, Bits<DW>>,
    pub tkeep: Signal<In, Bits<KW>>,
    pub tvalid: Signal<In, Bit>,
    pub tready: Signal<Out, Bit>,
    pub tlast: Signal<In, Bit>,
    pub tid: Signal<In, Bits<FUNCTION_ID_BITS>>,
}

/// A stream entering a block without a function tag (an accelerator's output).
#[derive(LogicInterface, Default)]
pub struct AxisSlaveUntagged<const DW: usize, const KW: usize> {
    pub tdata: Signal<In, Bits<DW>>,
    pub tkeep: Signal<In, Bits<KW>>,
    pub tvalid: Signal<In, Bit>,
    pub tready: Signal<Out, Bit>,
    pub tlast: Signal<In, Bit>,
}

/// A stream leaving a block without a function tag (into or out of an
/// accelerator: the RM interface carries no function number).
#[derive(LogicInterface, Default)]
#[join = "AxisSlaveUntagged"]
pub struct AxisMasterUntagged<const DW: usize, const KW: usize> {
    pub tdata: Signal<Out, Bits<DW>>,
    pub tkeep: Signal<Out, Bits<KW>>,
    pub tvalid: Signal<Out, Bit>,
    pub tready: Signal<In, Bit>,
    pub tlast: Signal<Out, Bit>,
}

/// The RM's input stream (H2C, into or inside a partition): untagged, with a
/// 1-bit `tuser` valid with `tlast`: the packet was cut short (a host read
/// refused, its function stopped or reset): its data is incomplete.
#[derive(LogicInterface, Default)]
#[join = "AxisMasterCut"]
pub struct AxisSlaveCut<const DW: usize, const KW: usize> {
    pub tdata: Signal<In, Bits<DW>>,
    pub tkeep: Signal<In, Bits<KW>>,
    pub tvalid: Signal<In, Bit>,
    pub tready: Signal<Out, Bit>,
    pub tlast: Signal<In, Bit>,
    pub tuser: Signal<In, Bit>,
}

/// The partition's stream into its RM: untagged, with the cut flag on
/// `tuser` (see [`AxisSlaveCut`]).
#[derive(LogicInterface, Default)]
pub struct AxisMasterCut<const DW: usize, const KW: usize> {
    pub tdata: Signal<Out, Bits<DW>>,
    pub tkeep: Signal<Out, Bits<KW>>,
    pub tvalid: Signal<Out, Bit>,
    pub tready: Signal<In, Bit>,
    pub tlast: Signal<Out, Bit>,
    pub tuser: Signal<Out, Bit>,
}
