//! `partition`: the wrapper around one reconfigurable partition (RP): a
//! decoupler, the RM's reset, and the RM interface (`hdl/README.md`).
//!
//! Decoupling (`decouple` from the prc) happens in two steps:
//! 1. *Draining*: no new H2C packet is let in (a packet already started is
//!    passed on to its end, so the switch's packet is never cut); the RM's
//!    output keeps flowing. The wrapper waits until no packet is open in either
//!    direction, its slices are empty and the RM reports `idle`, or for `drain_limit` cycles if the
//!    RM never gets there (a hung or misbehaving RM).
//! 2. *Decoupled* (`status_decoupled`): every RM output is replaced by a safe
//!    value: no `tvalid` and no `tready` towards the static side, no context
//!    write into the RM, context reads return 0. If the drain timed out in the
//!    middle of a packet (`status_forced`), the wrapper keeps the static side
//!    legal on its own: it consumes and discards the rest of the H2C packet,
//!    and ends the open C2H packet with one beat (1 byte of 0, `tlast`).
//! Recoupling (`decouple` low) waits for those two clean-ups to finish.
//!
//! A cut H2C packet (`tuser` with `tlast`: the DMA cut it short) reaches
//! the RM with its flag (`rm_s_axis_tuser`): the RM must not treat it as a
//! whole packet (hdl/README.md, RM contract).
//!
//! Timing (DESIGN.md, timing rules): every port of the wrapper is registered.
//! Each stream passes through one shared register slice (`AxisSkid`: H2C
//! static side -> RM, C2H RM -> static side; one cycle each), whose `tready`
//! and `tvalid` come from registers (ANDed with the decoupler's registered
//! state); `decouple`, `rm_reset`, the context port (both ways), `rm_acc_id`
//! and the status outputs pass through registers. So the context port of the
//! static side answers a read two cycles after its address (address
//! register, the RM's combinational read, read-data register) and a write
//! reaches the RM one cycle later. `status_idle` is one cycle late.
//!
//! `rm_rst` = `rst | rm_reset`, registered: the prc holds `rm_reset` from the
//! start of the reconfiguration until the new RM is verified, and releases it
//! before it recouples (a freshly reset RM is idle, so recoupling finds it quiet).
//! Packets routed to a decoupled partition wait (no `tready`); the manager
//! unroutes a partition's functions before a LOAD so the switch is not held.

use crate::axis::{AxisMasterUntagged, AxisSlaveCut};
use crate::rm::{CtxRegsSlave, RmSocket};
use crate::skid::AxisSkid;
use rust_hdl::prelude::*;

pub mod sim_rp;

/// Default `drain_limit`, cycles.
pub const DRAIN_LIMIT: u64 = 1024;

/// Cycles from an address on `s_ctx_addr` to its data on `s_ctx_rdata`.
pub const CTX_READ_LATENCY: u64 = 2;

#[derive(LogicBlock)]
pub struct Partition<const DW: usize, const KW: usize> {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// From the prc: decouple (drain, then isolate) the RP.
    pub decouple: Signal<In, Bit>,
    /// From the prc: hold the RM in reset.
    pub rm_reset: Signal<In, Bit>,
    /// H2C packets from the switch; `tuser` with `tlast`: the packet was cut
    /// short (carried to the RM with it).
    pub s_axis_h2c: AxisSlaveCut<DW, KW>,
    /// C2H packets to the switch.
    pub m_axis_c2h: AxisMasterUntagged<DW, KW>,
    /// Context port of the static side (`ctx`): the RM's, registered both
    /// ways (read data [`CTX_READ_LATENCY`] cycles after the address).
    pub s_ctx: CtxRegsSlave,
    /// The RP is isolated (every RM output replaced by a safe value).
    pub status_decoupled: Signal<Out, Bit>,
    /// The last decoupling was forced by the drain limit (the RM was not quiet).
    pub status_forced: Signal<Out, Bit>,
    /// The RM's `acc_id`, as it drives it (the prc checks it while decoupled).
    pub status_acc_id: Signal<Out, Bits<32>>,
    /// Nothing of any packet is inside the partition or offered to it: no H2C
    /// beat waiting at its input, no packet open either way, the slices
    /// empty and the RM idle. `ctx` saves and restores contexts only then, so
    /// no packet meets another tenant's context or leaves with its tag.
    pub status_idle: Signal<Out, Bit>,
    /// The RM interface (`crate::rm`), to the RM in the partition.
    pub rm: RmSocket<DW, KW>,

    drain_limit: Constant<Bits<16>>,
    /// H2C (static side -> RM) and C2H (RM -> static side) register slices.
    h2c: AxisSkid<DW, KW>,
    c2h: AxisSkid<DW, KW>,
    decouple_q: DFF<Bit>,
    rm_rst_q: DFF<Bit>,
    acc_id_q: DFF<Bits<32>>,
    idle_q: DFF<Bit>,
    ctx_addr_q: DFF<Bits<8>>,
    ctx_wdata_q: DFF<Bits<32>>,
    ctx_we_q: DFF<Bit>,
    ctx_rdata_q: DFF<Bits<32>>,
    dec: DFF<Bit>,
    forced: DFF<Bit>,
    drain_count: DFF<Bits<16>>,
    /// A packet is open on the H2C input port / at the C2H slice's input.
    in_open: DFF<Bit>,
    out_open: DFF<Bit>,
    gate_in: Signal<Local, Bit>,
    quiet: Signal<Local, Bit>,
    dec_next: Signal<Local, Bit>,
    flush: Signal<Local, Bit>,
}

impl<const DW: usize, const KW: usize> Partition<DW, KW> {
    /// A wrapper that forces decoupling after `drain_limit` cycles (1..65535).
    pub fn new(drain_limit: u64) -> Self {
        assert!(DW == KW * 8, "tkeep must have one bit per data byte");
        assert!((1..=0xFFFF).contains(&drain_limit), "drain_limit out of range");
        Self {
            clk: Default::default(),
            rst: Default::default(),
            decouple: Default::default(),
            rm_reset: Default::default(),
            s_axis_h2c: Default::default(),
            m_axis_c2h: Default::default(),
            s_ctx: Default::default(),
            status_decoupled: Default::default(),
            status_forced: Default::default(),
            status_idle: Default::default(),
            status_acc_id: Default::default(),
            rm: Default::default(),
            drain_limit: Constant::new(drain_limit.into()),
            h2c: Default::default(),
            c2h: Default::default(),
            decouple_q: Default::default(),
            rm_rst_q: Default::default(),
            acc_id_q: Default::default(),
            idle_q: Default::default(),
            ctx_addr_q: Default::default(),
            ctx_wdata_q: Default::default(),
            ctx_we_q: Default::default(),
            ctx_rdata_q: Default::default(),
            dec: Default::default(),
            forced: Default::default(),
            drain_count: Default::default(),
            in_open: Default::default(),
            out_open: Default::default(),
            gate_in: Default::default(),
            quiet: Default::default(),
            dec_next: Default::default(),
            flush: Default::default(),
        }
    }
}

impl<const DW: usize, const KW: usize> Logic for Partition<DW, KW> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clk, decouple_q, rm_rst_q, acc_id_q, idle_q, ctx_addr_q, ctx_wdata_q, ctx_we_q,
            ctx_rdata_q, dec, forced, drain_count, in_open, out_open
        );
        self.h2c.clk.next = self.clk.val();
        self.c2h.clk.next = self.clk.val();
        self.c2h.rst.next = self.rst.val();
        self.decouple_q.d.next = self.decouple.val();
        self.rm_rst_q.d.next = self.rst.val() | self.rm_reset.val();
        self.acc_id_q.d.next = self.rm.acc_id.val();
        self.rm.rst.next = self.rm_rst_q.q.val();
        self.status_decoupled.next = self.dec.q.val();
        self.status_forced.next = self.forced.q.val();
        self.status_acc_id.next = self.acc_id_q.q.val();

        // ---- Drain, isolate, recouple (on the registered `decouple`).
        self.quiet.next = !self.in_open.q.val()
            & !self.out_open.q.val()
            & self.rm.idle.val()
            & !self.h2c.m_axis_tvalid.val()
            & !self.c2h.m_axis_tvalid.val();
        self.dec_next.next = self.dec.q.val();
        self.flush.next = false;
        if self.decouple_q.q.val() & !self.dec.q.val() {
            self.drain_count.d.next = self.drain_count.q.val() + 1;
            if self.quiet.val() | (self.drain_count.q.val() == self.drain_limit.val()) {
                self.dec_next.next = true;
                self.forced.d.next = !self.quiet.val();
                // Forced: what the H2C slice holds of the cut packet is dropped.
                self.flush.next = !self.quiet.val();
            }
        }
        if !self.decouple_q.q.val() {
            self.drain_count.d.next = 0.into();
            if self.dec.q.val() & !self.in_open.q.val() & !self.out_open.q.val() {
                self.dec_next.next = false;
            }
        }
        self.dec.d.next = self.dec_next.val();

        // ---- H2C: static side -> RM. A packet that has started always ends.
        self.h2c.rst.next = self.rst.val() | self.flush.val();
        self.gate_in.next = (self.decouple_q.q.val() | self.dec.q.val()) & !self.in_open.q.val();
        self.h2c.s_axis_tdata.next = self.s_axis_h2c.tdata.val();
        self.h2c.s_axis_tkeep.next = self.s_axis_h2c.tkeep.val();
        self.h2c.s_axis_tlast.next = self.s_axis_h2c.tlast.val();
        self.h2c.s_axis_tid.next = 0.into();
        self.h2c.s_axis_tuser.next = self.s_axis_h2c.tuser.val();
        if self.dec.q.val() {
            // Isolated: only the rest of a packet cut by a forced decoupling
            // is taken, and dropped.
            self.h2c.s_axis_tvalid.next = false;
            self.s_axis_h2c.tready.next = self.in_open.q.val();
        } else {
            self.h2c.s_axis_tvalid.next = self.s_axis_h2c.tvalid.val() & !self.gate_in.val();
            self.s_axis_h2c.tready.next = self.h2c.s_axis_tready.val() & !self.gate_in.val();
        }
        if self.s_axis_h2c.tvalid.val() & self.s_axis_h2c.tready.val() {
            self.in_open.d.next = !self.s_axis_h2c.tlast.val();
        }
        self.rm.s_axis.tvalid.next = self.h2c.m_axis_tvalid.val();
        self.rm.s_axis.tdata.next = self.h2c.m_axis_tdata.val();
        self.rm.s_axis.tkeep.next = self.h2c.m_axis_tkeep.val();
        self.rm.s_axis.tlast.next = self.h2c.m_axis_tlast.val();
        self.rm.s_axis.tuser.next = self.h2c.m_axis_tuser.val();
        self.h2c.m_axis_tready.next = self.rm.s_axis.tready.val();

        // ---- C2H: RM -> static side. Isolated after a forced decoupling in
        // the middle of a packet, the wrapper closes it with one beat.
        self.c2h.s_axis_tid.next = 0.into();
        self.c2h.s_axis_tuser.next = false;
        if self.dec.q.val() {
            self.rm.m_axis.tready.next = false;
            self.c2h.s_axis_tvalid.next = self.out_open.q.val();
            self.c2h.s_axis_tdata.next = 0.into();
            self.c2h.s_axis_tkeep.next = 1.into();
            self.c2h.s_axis_tlast.next = true;
        } else {
            self.rm.m_axis.tready.next = self.c2h.s_axis_tready.val();
            self.c2h.s_axis_tvalid.next = self.rm.m_axis.tvalid.val();
            self.c2h.s_axis_tdata.next = self.rm.m_axis.tdata.val();
            self.c2h.s_axis_tkeep.next = self.rm.m_axis.tkeep.val();
            self.c2h.s_axis_tlast.next = self.rm.m_axis.tlast.val();
        }
        if self.c2h.s_axis_tvalid.val() & self.c2h.s_axis_tready.val() {
            self.out_open.d.next = !self.c2h.s_axis_tlast.val();
        }
        self.m_axis_c2h.tvalid.next = self.c2h.m_axis_tvalid.val();
        self.m_axis_c2h.tdata.next = self.c2h.m_axis_tdata.val();
        self.m_axis_c2h.tkeep.next = self.c2h.m_axis_tkeep.val();
        self.m_axis_c2h.tlast.next = self.c2h.m_axis_tlast.val();
        self.c2h.m_axis_tready.next = self.m_axis_c2h.tready.val();

        // ---- Context port, registered both ways: no write reaches an
        // isolated RM, and an isolated RM's reads answer 0.
        self.ctx_addr_q.d.next = self.s_ctx.addr.val();
        self.ctx_wdata_q.d.next = self.s_ctx.wdata.val();
        self.ctx_we_q.d.next = self.s_ctx.we.val() & !self.dec_next.val();
        self.ctx_rdata_q.d.next = 0.into();
        if !self.dec_next.val() {
            self.ctx_rdata_q.d.next = self.rm.ctx.rdata.val();
        }
        self.rm.ctx.addr.next = self.ctx_addr_q.q.val();
        self.rm.ctx.wdata.next = self.ctx_wdata_q.q.val();
        self.rm.ctx.we.next = self.ctx_we_q.q.val();
        self.s_ctx.rdata.next = self.ctx_rdata_q.q.val();

        // ---- Idle (registered): quiet, nothing offered at the H2C input.
        self.idle_q.d.next = self.quiet.val() & !self.s_axis_h2c.tvalid.val();
        self.status_idle.next = self.idle_q.q.val();

        if self.rst.val() {
            self.decouple_q.d.next = false;
            self.dec.d.next = false;
            self.forced.d.next = false;
            self.drain_count.d.next = 0.into();
            self.in_open.d.next = false;
            self.out_open.d.next = false;
            self.idle_q.d.next = false;
            self.ctx_we_q.d.next = false;
        }
    }
}
