//! `partition`: the wrapper around one reconfigurable partition (RP): a
//! decoupler, the RM's reset, and the RM interface (`hdl/README.md`).
//!
//! Decoupling (`decouple` from the prc) happens in two steps:
//! 1. *Draining*: no new H2C packet is let in (a packet already started is
//!    passed on to its end, so the switch's packet is never cut); the RM's
//!    output keeps flowing. The wrapper waits until no packet is open in either
//!    direction and the RM reports `idle`, or for `drain_limit` cycles if the
//!    RM never gets there (a hung or misbehaving RM).
//! 2. *Decoupled* (`status_decoupled`): every RM output is replaced by a safe
//!    value: no `tvalid` and no `tready` towards the static side, no context
//!    write into the RM, context reads return 0. If the drain timed out in the
//!    middle of a packet (`status_forced`), the wrapper keeps the static side
//!    legal on its own: it consumes and discards the rest of the H2C packet,
//!    and ends the open C2H packet with one beat (1 byte of 0, `tlast`).
//! The C2H output is registered inside the wrapper, so a beat offered to the
//! switch stays offered until taken, whatever the RM does meanwhile.
//! Recoupling (`decouple` low) waits for those two clean-ups to finish.
//!
//! `rm_rst` = `rst | rm_reset`: the prc holds `rm_reset` from the start of the
//! reconfiguration until the new RM is verified, and releases it before it
//! recouples (a freshly reset RM is idle, so recoupling finds it quiet).
//! Packets routed to a decoupled partition wait (no `tready`); the manager
//! unroutes a partition's functions before a LOAD so the switch is not held.

use crate::axis::{AxisMasterUntagged, AxisSlaveUntagged};
use rust_hdl::prelude::*;

pub mod sim_rp;

/// Default `drain_limit`, cycles.
pub const DRAIN_LIMIT: u64 = 1024;

#[derive(LogicBlock)]
pub struct Partition<const DW: usize, const KW: usize> {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// From the prc: decouple (drain, then isolate) the RP.
    pub decouple: Signal<In, Bit>,
    /// From the prc: hold the RM in reset.
    pub rm_reset: Signal<In, Bit>,
    /// H2C packets from the switch.
    pub s_axis_h2c: AxisSlaveUntagged<DW, KW>,
    /// C2H packets to the switch.
    pub m_axis_c2h: AxisMasterUntagged<DW, KW>,
    /// Context port of the static side (`ctx`): same meaning as the RM's.
    pub s_ctx_addr: Signal<In, Bits<8>>,
    pub s_ctx_wdata: Signal<In, Bits<32>>,
    pub s_ctx_we: Signal<In, Bit>,
    pub s_ctx_rdata: Signal<Out, Bits<32>>,
    /// The RP is isolated (every RM output replaced by a safe value).
    pub status_decoupled: Signal<Out, Bit>,
    /// The last decoupling was forced by the drain limit (the RM was not quiet).
    pub status_forced: Signal<Out, Bit>,
    /// The RM's `acc_id`, as it drives it (the prc checks it while decoupled).
    pub status_acc_id: Signal<Out, Bits<32>>,
    /// Nothing of any packet is inside the partition or offered to it: no H2C
    /// beat waiting at its input, no packet open either way, the C2H register
    /// empty and the RM idle. `ctx` saves and restores contexts only then, so
    /// no packet meets another tenant's context or leaves with its tag.
    pub status_idle: Signal<Out, Bit>,
    /// The RM side: its reset, streams and context port.
    pub rm_rst: Signal<Out, Bit>,
    pub m_axis_rm: AxisMasterUntagged<DW, KW>,
    pub s_axis_rm: AxisSlaveUntagged<DW, KW>,
    pub rm_ctx_addr: Signal<Out, Bits<8>>,
    pub rm_ctx_wdata: Signal<Out, Bits<32>>,
    pub rm_ctx_we: Signal<Out, Bit>,
    pub rm_ctx_rdata: Signal<In, Bits<32>>,
    pub rm_idle: Signal<In, Bit>,
    pub rm_acc_id: Signal<In, Bits<32>>,

    drain_limit: Constant<Bits<16>>,
    dec: DFF<Bit>,
    forced: DFF<Bit>,
    drain_count: DFF<Bits<16>>,
    in_open: DFF<Bit>,
    out_open: DFF<Bit>,
    o_valid: DFF<Bit>,
    o_data: DFF<Bits<DW>>,
    o_keep: DFF<Bits<KW>>,
    o_last: DFF<Bit>,
    gate_in: Signal<Local, Bit>,
    take: Signal<Local, Bit>,
    quiet: Signal<Local, Bit>,
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
            s_ctx_addr: Default::default(),
            s_ctx_wdata: Default::default(),
            s_ctx_we: Default::default(),
            s_ctx_rdata: Default::default(),
            status_decoupled: Default::default(),
            status_forced: Default::default(),
            status_idle: Default::default(),
            status_acc_id: Default::default(),
            rm_rst: Default::default(),
            m_axis_rm: Default::default(),
            s_axis_rm: Default::default(),
            rm_ctx_addr: Default::default(),
            rm_ctx_wdata: Default::default(),
            rm_ctx_we: Default::default(),
            rm_ctx_rdata: Default::default(),
            rm_idle: Default::default(),
            rm_acc_id: Default::default(),
            drain_limit: Constant::new(drain_limit.into()),
            dec: Default::default(),
            forced: Default::default(),
            drain_count: Default::default(),
            in_open: Default::default(),
            out_open: Default::default(),
            o_valid: Default::default(),
            o_data: Default::default(),
            o_keep: Default::default(),
            o_last: Default::default(),
            gate_in: Default::default(),
            take: Default::default(),
            quiet: Default::default(),
        }
    }
}

impl<const DW: usize, const KW: usize> Logic for Partition<DW, KW> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clk, dec, forced, drain_count, in_open, out_open, o_valid, o_data, o_keep, o_last);
        self.rm_rst.next = self.rst.val() | self.rm_reset.val();
        self.status_decoupled.next = self.dec.q.val();
        self.status_forced.next = self.forced.q.val();
        self.status_acc_id.next = self.rm_acc_id.val();

        // ---- H2C: static side -> RM. A packet that has started always ends.
        self.gate_in.next = (self.decouple.val() | self.dec.q.val()) & !self.in_open.q.val();
        self.m_axis_rm.tdata.next = self.s_axis_h2c.tdata.val();
        self.m_axis_rm.tkeep.next = self.s_axis_h2c.tkeep.val();
        self.m_axis_rm.tlast.next = self.s_axis_h2c.tlast.val();
        if self.dec.q.val() {
            // Isolated: only the rest of a packet cut by a forced decoupling
            // is taken, and dropped.
            self.m_axis_rm.tvalid.next = false;
            self.s_axis_h2c.tready.next = self.in_open.q.val();
        } else {
            self.m_axis_rm.tvalid.next = self.s_axis_h2c.tvalid.val() & !self.gate_in.val();
            self.s_axis_h2c.tready.next = self.m_axis_rm.tready.val() & !self.gate_in.val();
        }
        if self.s_axis_h2c.tvalid.val() & self.s_axis_h2c.tready.val() {
            self.in_open.d.next = !self.s_axis_h2c.tlast.val();
        }

        // ---- C2H: RM -> static side, through the wrapper's register.
        self.take.next = !self.o_valid.q.val() | self.m_axis_c2h.tready.val();
        if self.m_axis_c2h.tready.val() {
            self.o_valid.d.next = false;
        }
        if self.dec.q.val() {
            self.s_axis_rm.tready.next = false;
            if self.out_open.q.val() & self.take.val() {
                self.o_valid.d.next = true;
                self.o_data.d.next = 0.into();
                self.o_keep.d.next = 1.into();
                self.o_last.d.next = true;
                self.out_open.d.next = false;
            }
        } else {
            self.s_axis_rm.tready.next = self.take.val();
            if self.s_axis_rm.tvalid.val() & self.take.val() {
                self.o_valid.d.next = true;
                self.o_data.d.next = self.s_axis_rm.tdata.val();
                self.o_keep.d.next = self.s_axis_rm.tkeep.val();
                self.o_last.d.next = self.s_axis_rm.tlast.val();
                self.out_open.d.next = !self.s_axis_rm.tlast.val();
            }
        }
        self.m_axis_c2h.tvalid.next = self.o_valid.q.val();
        self.m_axis_c2h.tdata.next = self.o_data.q.val();
        self.m_axis_c2h.tkeep.next = self.o_keep.q.val();
        self.m_axis_c2h.tlast.next = self.o_last.q.val();

        // ---- Context port: no write reaches an isolated RM.
        self.rm_ctx_addr.next = self.s_ctx_addr.val();
        self.rm_ctx_wdata.next = self.s_ctx_wdata.val();
        self.rm_ctx_we.next = self.s_ctx_we.val() & !self.dec.q.val();
        self.s_ctx_rdata.next = 0.into();
        if !self.dec.q.val() {
            self.s_ctx_rdata.next = self.rm_ctx_rdata.val();
        }

        // ---- Drain, isolate, recouple.
        self.quiet.next = !self.in_open.q.val() & !self.out_open.q.val() & self.rm_idle.val();
        self.status_idle.next = self.quiet.val() & !self.o_valid.q.val() & !self.s_axis_h2c.tvalid.val();
        if self.decouple.val() & !self.dec.q.val() {
            self.drain_count.d.next = self.drain_count.q.val() + 1;
            if self.quiet.val() | (self.drain_count.q.val() == self.drain_limit.val()) {
                self.dec.d.next = true;
                self.forced.d.next = !self.quiet.val();
            }
        }
        if !self.decouple.val() {
            self.drain_count.d.next = 0.into();
            if self.dec.q.val() & !self.in_open.q.val() & !self.out_open.q.val() {
                self.dec.d.next = false;
            }
        }
        if self.rst.val() {
            self.dec.d.next = false;
            self.forced.d.next = false;
            self.drain_count.d.next = 0.into();
            self.in_open.d.next = false;
            self.out_open.d.next = false;
            self.o_valid.d.next = false;
        }
    }
}
