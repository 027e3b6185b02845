//! The RM interface (hdl/README.md, "The RM interface"), declared once: the
//! ports every reconfigurable module (RM) has, and that the partition wrapper
//! and the simulated partition drive.
//!
//! - [`RmPort`] is the RM's side: the field `rm` of every RM in `accel/` and
//!   of `partition::sim_rp::SimRp`. Their emitted tops list these ports
//!   without the field name (`s_axis_tdata`, `ctx_addr`, `idle`, ...: the
//!   names of the DFX flow, the black boxes and the `new-accel` template),
//!   see `gen/emit.rs`, `EmitOptions::top_bundle`.
//! - [`RmSocket`] is the same interface seen from the partition wrapper (its
//!   field `rm`, emitted as `rm_rst`, `rm_s_axis_tdata`, `rm_ctx_addr`, ...):
//!   each field is named after the RM port it drives or reads.
//!
//! The clock is not part of it: an RM runs on the static region's clock.

use crate::axis::{AxisMasterCut, AxisMasterUntagged, AxisSlaveCut, AxisSlaveUntagged};
use crate::ctx::CTX_ADDR_BITS;
use rust_hdl::prelude::*;

/// An RM's context register port, seen from the RM: registers `addr` of 32
/// bits that hold all the state a tenant needs to resume.
#[derive(LogicInterface, Default)]
#[join = "CtxRegsMaster"]
pub struct CtxRegsSlave {
    /// Context register index.
    pub addr: Signal<In, Bits<CTX_ADDR_BITS>>,
    pub wdata: Signal<In, Bits<32>>,
    /// Write `wdata` into register `addr` (only while the RM is idle).
    pub we: Signal<In, Bit>,
    /// Register `addr`, read combinationally.
    pub rdata: Signal<Out, Bits<32>>,
}

/// The context register port, seen from the side that reads and writes it
/// (see [`CtxRegsSlave`]).
#[derive(LogicInterface, Default)]
pub struct CtxRegsMaster {
    pub addr: Signal<Out, Bits<CTX_ADDR_BITS>>,
    pub wdata: Signal<Out, Bits<32>>,
    pub we: Signal<Out, Bit>,
    pub rdata: Signal<In, Bits<32>>,
}

/// The RM interface, seen from the RM. Tied to [`RmSocket`] with `join`, so
/// the two sides cannot drift apart (a field missing on one side, or of the
/// wrong direction or width, does not compile).
#[derive(LogicInterface, Default)]
#[join = "RmSocket"]
pub struct RmPort<const DW: usize, const KW: usize> {
    /// Synchronous, active high; held by the partition wrapper during and
    /// after a reconfiguration until the new RM is verified.
    pub rst: Signal<In, Bit>,
    /// Packets in; `tuser` with `tlast`: the packet was cut short, its data
    /// is incomplete (no result for it, the context as before it).
    pub s_axis: AxisSlaveCut<DW, KW>,
    /// Results out.
    pub m_axis: AxisMasterUntagged<DW, KW>,
    /// Context registers.
    pub ctx: CtxRegsSlave,
    /// No packet inside the RM (nothing accepted that is not fully answered).
    pub idle: Signal<Out, Bit>,
    /// Constant accelerator ID.
    pub acc_id: Signal<Out, Bits<32>>,
}

/// The RM interface, seen from the partition wrapper: field for field the
/// RM's [`RmPort`], directions reversed.
#[derive(LogicInterface, Default)]
pub struct RmSocket<const DW: usize, const KW: usize> {
    pub rst: Signal<Out, Bit>,
    pub s_axis: AxisMasterCut<DW, KW>,
    pub m_axis: AxisSlaveUntagged<DW, KW>,
    pub ctx: CtxRegsMaster,
    pub idle: Signal<In, Bit>,
    pub acc_id: Signal<In, Bits<32>>,
}
