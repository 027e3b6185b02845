//! `switch`: the AXI4-Stream switch between the DMA's tagged stream and the
//! reconfigurable partitions.
//!
//! H2C: each packet is routed by its function number (`tid`) through a
//! function-to-partition table (one entry per function: LUT RAM for tens of
//! functions, block RAM for hundreds) written through the `s_route_*` port.
//! The route is looked up on the first beat and held for the whole packet, so
//! a table write takes effect between packets only. A packet whose function
//! has no route (or is out of range) is consumed whole and counted on
//! `drop_count`, never delivered.
//!
//! C2H: the partitions' streams are arbitrated round-robin at packet
//! boundaries; each packet leaves tagged (`tid`) with the function that owns
//! the partition when its first beat is taken (`s_owner_*` port).
//!
//! Timing (DESIGN.md, timing rules): every stream port is registered on
//! both sides. Each input enters through the shared register slice
//! (`AxisSkid`: its `tready` comes from a register); every output's data and
//! valid come from an output register (an H2C output's `tvalid` is its own
//! bit of `h_hot`), and an output's `tready` only reaches registers. The
//! route table's read data is a register (the RAM's read register); H2C, the
//! table is read with the tid on the input port, and its answer, one cycle
//! later, is decoded into the partition's bit and kept beside the beat in the
//! input slice (`h_took_*`, `h_out_route`, `h_skid_route`) until the beat
//! moves to the output register. Routes and the C2H arbiter's grants are
//! one-hot masks, so no index is compared on the way from a register to a
//! handshake. Both directions pass one beat per cycle with two cycles of
//! latency.
//!
//! `tuser` (H2C, 1 bit with `tlast`: the DMA cut the packet short) is carried
//! with the packet to its partition. C2H packets leave with `tuser` 0.
//!
//! Logic per partition is a fixed amount (a compare, a mux input, an owner
//! register, an input slice), so cost grows linearly with partitions; the
//! per-function table is a RAM.
//!
//! After reset the table is cleared, one entry per cycle, for as many cycles as
//! there are functions; `s_route_ready` and `s_axis_h2c_tready` stay low meanwhile.

use crate::axis::{AxisMaster, AxisMasterUser, AxisSlave, AxisSlaveUntagged};
use crate::sized_ram::SizedRam;
use crate::skid::AxisSkid;
use crate::{FUNCTION_ID_BITS as FW, MAX_FUNCTIONS, MAX_PARTITIONS, PARTITION_ID_BITS as PW};
use rust_hdl::prelude::*;

/// Route table entry: bit 0 is "attached", bits `PW:1` the partition.
const ENTRY_BITS: usize = PW + 1;

#[derive(LogicBlock)]
pub struct Switch<const DW: usize, const KW: usize> {
    /// Clock of the static region.
    pub clk: Signal<In, Clock>,
    /// Synchronous, active-high reset.
    pub rst: Signal<In, Bit>,
    /// H2C stream from the DMA; `tid` is the function number.
    pub s_axis_h2c: AxisSlave<DW, KW>,
    /// H2C `tuser`: with `tlast`, the packet was cut short by the DMA.
    pub s_axis_h2c_tuser: Signal<In, Bit>,
    /// H2C stream to each partition; `tid` and `tuser` carried on.
    pub m_axis_h2c_p: Vec<AxisMasterUser<DW, KW>>,
    /// C2H stream from each partition's accelerator.
    pub s_axis_c2h_p: Vec<AxisSlaveUntagged<DW, KW>>,
    /// C2H stream to the DMA; `tid` is the owner of the partition it came from.
    pub m_axis_c2h: AxisMaster<DW, KW>,
    /// Route write: function `s_route_function` goes to `s_route_partition`
    /// when `s_route_enable` is 1, nowhere (dropped) when it is 0.
    pub s_route_valid: Signal<In, Bit>,
    pub s_route_ready: Signal<Out, Bit>,
    pub s_route_function: Signal<In, Bits<FW>>,
    pub s_route_partition: Signal<In, Bits<PW>>,
    pub s_route_enable: Signal<In, Bit>,
    /// Owner write: C2H packets from `s_owner_partition` are tagged with
    /// `s_owner_function` from the next packet on. Always ready.
    pub s_owner_valid: Signal<In, Bit>,
    pub s_owner_partition: Signal<In, Bits<PW>>,
    pub s_owner_function: Signal<In, Bits<FW>>,
    /// Set (until reset) when a route or owner write named a function or a
    /// partition that does not exist; such a write changes nothing.
    pub cfg_error: Signal<Out, Bit>,
    /// Number of H2C packets dropped because their function had no route.
    pub drop_count: Signal<Out, Bits<32>>,

    // Configuration, as constants in the emitted Verilog.
    last_function: Constant<Bits<FW>>,
    last_partition: Constant<Bits<PW>>,
    /// Partition `i`'s index, for the unrolled per-partition loops.
    part_index: Vec<Constant<Bits<PW>>>,
    /// Partition `i`'s bit in a partition mask, and the bits below it.
    part_bit: Vec<Constant<Bits<MAX_PARTITIONS>>>,
    part_below: Vec<Constant<Bits<MAX_PARTITIONS>>>,

    /// One entry per function (a LUT RAM for tens of functions, block RAM
    /// for hundreds): its read data is a register either way.
    route_table: SizedRam<FW, ENTRY_BITS>,
    clear_busy: DFF<Bit>,
    clear_addr: DFF<Bits<FW>>,
    cfg_error_reg: DFF<Bit>,
    drops: DFF<Bits<32>>,

    // ---- H2C. Stage 1: the input slice, and the routes of its two beats.
    h_in: AxisSkid<DW, KW>,
    /// Last cycle's input beat went into the slice's output / skid register:
    /// the table's read data is its route this cycle.
    h_took_out: DFF<Bit>,
    h_took_skid: DFF<Bit>,
    /// That beat's tid named an existing function.
    h_took_in_range: DFF<Bit>,
    /// Routes of the slice's output and skid beats, once read.
    /// Routes of the slice's output and skid beats, once read, decoded: the
    /// partition's bit, none if unrouted.
    h_out_route: DFF<Bits<MAX_PARTITIONS>>,
    h_skid_route: DFF<Bits<MAX_PARTITIONS>>,
    /// The slice's output beat continues a packet (is not a first beat).
    h_in_packet: DFF<Bit>,
    h_fresh: Signal<Local, Bits<MAX_PARTITIONS>>,
    h_head_route: Signal<Local, Bits<MAX_PARTITIONS>>,
    h_skid_route_now: Signal<Local, Bits<MAX_PARTITIONS>>,
    // Stage 2: the output register, with the packet's route.
    h_valid: DFF<Bit>,
    h_data: DFF<Bits<DW>>,
    h_keep: DFF<Bits<KW>>,
    h_last: DFF<Bit>,
    h_tid: DFF<Bits<FW>>,
    h_user: DFF<Bit>,
    h_first: DFF<Bit>,
    /// The packet's route (decoded), kept from its first beat.
    h_route: DFF<Bits<MAX_PARTITIONS>>,
    /// The output register's beat, decoded when it is loaded: the partition
    /// it is offered to (one hot, straight to that output's `tvalid`), or
    /// dropped (no route).
    h_hot: DFF<Bits<MAX_PARTITIONS>>,
    h_drop: DFF<Bit>,
    h_next_route: Signal<Local, Bits<MAX_PARTITIONS>>,
    /// It names a partition (only the configured partitions' bits are
    /// looked at: the registers' upper bits are not known to be 0).
    h_next_routed: Signal<Local, Bit>,
    h_sel_ready: Signal<Local, Bit>,
    h_fire: Signal<Local, Bit>,
    h_go: Signal<Local, Bit>,
    h_move: Signal<Local, Bit>,

    // ---- C2H: an input slice per partition (tid = the owner when the beat
    // was taken), a round-robin arbiter and the output register.
    c_in: Vec<AxisSkid<DW, KW>>,
    c_locked: DFF<Bit>,
    /// The grant of this cycle (one hot, none = 0; held while locked),
    /// decided last cycle (see the arbiter): the data mux and the slices'
    /// readies start from this register, not from the arbitration.
    c_gnt: DFF<Bits<MAX_PARTITIONS>>,
    /// Partitions after the last packet's: they come first in the round.
    c_after: DFF<Bits<MAX_PARTITIONS>>,
    c_tid: DFF<Bits<FW>>,
    owners: Vec<DFF<Bits<FW>>>,
    o_valid: DFF<Bit>,
    o_data: DFF<Bits<DW>>,
    o_keep: DFF<Bits<KW>>,
    o_last: DFF<Bit>,
    o_tid: DFF<Bits<FW>>,
    /// Partitions after this cycle's grant (none while there is none).
    c_above: DFF<Bits<MAX_PARTITIONS>>,
    /// Slices that hold a beat now.
    c_req: Signal<Local, Bits<MAX_PARTITIONS>>,
    /// Slices that hold a beat next cycle if none leaves this cycle.
    c_next_valid: Signal<Local, Bits<MAX_PARTITIONS>>,
    /// Round-robin picks for next cycle: after this packet (it ends now),
    /// or after the last one (nothing moves now).
    c_pick_now: Signal<Local, Bits<MAX_PARTITIONS>>,
    c_pick_last: Signal<Local, Bits<MAX_PARTITIONS>>,
    c_first_now: Signal<Local, Bits<MAX_PARTITIONS>>,
    c_first_last: Signal<Local, Bits<MAX_PARTITIONS>>,
    /// The partitions after `c_first_now` / `c_first_last`.
    c_above_now: Signal<Local, Bits<MAX_PARTITIONS>>,
    c_above_last: Signal<Local, Bits<MAX_PARTITIONS>>,
    c_eff_valid: Signal<Local, Bit>,
    c_eff_data: Signal<Local, Bits<DW>>,
    c_eff_keep: Signal<Local, Bits<KW>>,
    c_eff_last: Signal<Local, Bit>,
    c_eff_tid: Signal<Local, Bits<FW>>,
    c_can_take: Signal<Local, Bit>,
    c_fire: Signal<Local, Bit>,
}

impl<const DW: usize, const KW: usize> Switch<DW, KW> {
    /// A switch for `partitions` partitions and `functions` PCIe functions.
    pub fn new(partitions: usize, functions: usize) -> Self {
        assert!(DW == KW * 8, "tkeep must have one bit per data byte");
        assert!((1..=MAX_PARTITIONS).contains(&partitions), "partitions out of range");
        assert!((1..=MAX_FUNCTIONS).contains(&functions), "functions out of range");
        Self {
            clk: Default::default(),
            rst: Default::default(),
            s_axis_h2c: Default::default(),
            s_axis_h2c_tuser: Default::default(),
            m_axis_h2c_p: (0..partitions).map(|_| Default::default()).collect(),
            s_axis_c2h_p: (0..partitions).map(|_| Default::default()).collect(),
            m_axis_c2h: Default::default(),
            s_route_valid: Default::default(),
            s_route_ready: Default::default(),
            s_route_function: Default::default(),
            s_route_partition: Default::default(),
            s_route_enable: Default::default(),
            s_owner_valid: Default::default(),
            s_owner_partition: Default::default(),
            s_owner_function: Default::default(),
            cfg_error: Default::default(),
            drop_count: Default::default(),
            last_function: Constant::new(((functions - 1) as u64).into()),
            last_partition: Constant::new(((partitions - 1) as u64).into()),
            part_index: (0..partitions).map(|i| Constant::new((i as u64).into())).collect(),
            part_bit: (0..partitions).map(|i| Constant::new((1u64 << i).into())).collect(),
            part_below: (0..partitions).map(|i| Constant::new(((1u64 << i) - 1).into())).collect(),
            route_table: SizedRam::new(functions),
            clear_busy: Default::default(),
            clear_addr: Default::default(),
            cfg_error_reg: Default::default(),
            drops: Default::default(),
            h_in: Default::default(),
            h_took_out: Default::default(),
            h_took_skid: Default::default(),
            h_took_in_range: Default::default(),
            h_out_route: Default::default(),
            h_skid_route: Default::default(),
            h_in_packet: Default::default(),
            h_fresh: Default::default(),
            h_head_route: Default::default(),
            h_skid_route_now: Default::default(),
            h_valid: Default::default(),
            h_data: Default::default(),
            h_keep: Default::default(),
            h_last: Default::default(),
            h_tid: Default::default(),
            h_user: Default::default(),
            h_first: Default::default(),
            h_route: Default::default(),
            h_hot: Default::default(),
            h_drop: Default::default(),
            h_next_route: Default::default(),
            h_next_routed: Default::default(),
            h_sel_ready: Default::default(),
            h_fire: Default::default(),
            h_go: Default::default(),
            h_move: Default::default(),
            c_in: (0..partitions).map(|_| Default::default()).collect(),
            c_locked: Default::default(),
            c_gnt: Default::default(),
            c_after: Default::default(),
            c_tid: Default::default(),
            owners: (0..partitions).map(|_| Default::default()).collect(),
            o_valid: Default::default(),
            o_data: Default::default(),
            o_keep: Default::default(),
            o_last: Default::default(),
            o_tid: Default::default(),
            c_next_valid: Default::default(),
            c_above: Default::default(),
            c_pick_now: Default::default(),
            c_pick_last: Default::default(),
            c_first_now: Default::default(),
            c_first_last: Default::default(),
            c_above_now: Default::default(),
            c_above_last: Default::default(),
            c_req: Default::default(),
            c_eff_valid: Default::default(),
            c_eff_data: Default::default(),
            c_eff_keep: Default::default(),
            c_eff_last: Default::default(),
            c_eff_tid: Default::default(),
            c_can_take: Default::default(),
            c_fire: Default::default(),
        }
    }
}

impl<const DW: usize, const KW: usize> Logic for Switch<DW, KW> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clk, clear_busy, clear_addr, cfg_error_reg, drops, h_took_out, h_took_skid,
            h_took_in_range, h_out_route, h_skid_route, h_in_packet, h_valid, h_data, h_keep,
            h_last, h_tid, h_user, h_first, h_route, h_hot, h_drop, c_locked, c_gnt, c_above, c_after, c_tid,
            o_valid, o_data, o_keep, o_last, o_tid
        );
        for i in 0..self.owners.len() {
            self.owners[i].clock.next = self.clk.val();
            self.owners[i].d.next = self.owners[i].q.val();
        }
        self.route_table.clock.next = self.clk.val();
        self.h_in.clk.next = self.clk.val();
        self.h_in.rst.next = self.rst.val();

        // ---- Route table: cleared after reset, then written by s_route_*.
        self.s_route_ready.next = !self.clear_busy.q.val();
        self.route_table.write_address.next = self.clear_addr.q.val();
        self.route_table.write_data.next = 0.into();
        self.route_table.write_enable.next = self.clear_busy.q.val();
        if self.clear_busy.q.val() {
            self.clear_addr.d.next = self.clear_addr.q.val() + 1;
            if self.clear_addr.q.val() == self.last_function.val() {
                self.clear_busy.d.next = false;
            }
        } else if self.s_route_valid.val() {
            if (self.s_route_function.val() > self.last_function.val())
                | (self.s_route_partition.val() > self.last_partition.val())
            {
                self.cfg_error_reg.d.next = true;
            } else {
                self.route_table.write_address.next = self.s_route_function.val();
                self.route_table.write_data.next =
                    (bit_cast::<ENTRY_BITS, PW>(self.s_route_partition.val()) << 1)
                        | bit_cast::<ENTRY_BITS, 1>(self.s_route_enable.val().into());
                self.route_table.write_enable.next = true;
            }
        }
        if self.s_owner_valid.val() {
            if (self.s_owner_function.val() > self.last_function.val())
                | (self.s_owner_partition.val() > self.last_partition.val())
            {
                self.cfg_error_reg.d.next = true;
            } else {
                for i in 0..self.owners.len() {
                    if self.s_owner_partition.val() == self.part_index[i].val() {
                        self.owners[i].d.next = self.s_owner_function.val();
                    }
                }
            }
        }
        self.cfg_error.next = self.cfg_error_reg.q.val();
        self.drop_count.next = self.drops.q.val();

        // ---- H2C stage 2: the output register, offered to the partition of
        // its route (`h_hot`); an unrouted beat is consumed at once (dropped
        // whole, `h_drop`).
        self.h_sel_ready.next = false;
        for i in 0..self.m_axis_h2c_p.len() {
            self.m_axis_h2c_p[i].tdata.next = self.h_data.q.val();
            self.m_axis_h2c_p[i].tkeep.next = self.h_keep.q.val();
            self.m_axis_h2c_p[i].tlast.next = self.h_last.q.val();
            self.m_axis_h2c_p[i].tid.next = self.h_tid.q.val();
            self.m_axis_h2c_p[i].tuser.next = self.h_user.q.val();
            self.m_axis_h2c_p[i].tvalid.next = self.h_hot.q.val().get_bit(i);
            if self.h_hot.q.val().get_bit(i) & self.m_axis_h2c_p[i].tready.val() {
                self.h_sel_ready.next = true;
            }
        }
        self.h_fire.next = self.h_sel_ready.val() | self.h_drop.q.val();
        if self.h_drop.q.val() & self.h_first.q.val() {
            self.drops.d.next = self.drops.q.val() + 1;
        }
        self.h_go.next = !self.h_valid.q.val() | self.h_fire.val();

        // ---- H2C stage 1: the input slice. Closed while the table is cleared.
        self.h_in.s_axis_tvalid.next = self.s_axis_h2c.tvalid.val() & !self.clear_busy.q.val();
        self.h_in.s_axis_tdata.next = self.s_axis_h2c.tdata.val();
        self.h_in.s_axis_tkeep.next = self.s_axis_h2c.tkeep.val();
        self.h_in.s_axis_tlast.next = self.s_axis_h2c.tlast.val();
        self.h_in.s_axis_tid.next = self.s_axis_h2c.tid.val();
        self.h_in.s_axis_tuser.next = self.s_axis_h2c_tuser.val();
        self.s_axis_h2c.tready.next = self.h_in.s_axis_tready.val() & !self.clear_busy.q.val();
        // The table is read with the tid on the port: its answer, next cycle,
        // is the route of the beat taken this cycle (a table write in the same
        // cycle lands after the read). It follows that beat into the slice's
        // output or skid register (the slice's own rule, seen from its ports).
        self.route_table.read_address.next = self.s_axis_h2c.tid.val();
        self.h_took_out.d.next = self.h_in.s_axis_tvalid.val()
            & self.h_in.s_axis_tready.val()
            & (!self.h_in.m_axis_tvalid.val() | self.h_go.val());
        self.h_took_skid.d.next = self.h_in.s_axis_tvalid.val()
            & self.h_in.s_axis_tready.val()
            & self.h_in.m_axis_tvalid.val()
            & !self.h_go.val();
        self.h_took_in_range.d.next = self.s_axis_h2c.tid.val() <= self.last_function.val();
        // The table's read data (a register), decoded: the partition's bit.
        self.h_fresh.next = 0.into();
        for i in 0..self.m_axis_h2c_p.len() {
            if self.route_table.read_data.val().get_bits::<PW>(1) == self.part_index[i].val() {
                self.h_fresh.next = self.part_bit[i].val();
            }
        }
        if !self.h_took_in_range.q.val() | !self.route_table.read_data.val().get_bit(0) {
            self.h_fresh.next = 0.into();
        }
        self.h_head_route.next = self.h_out_route.q.val();
        if self.h_took_out.q.val() {
            self.h_head_route.next = self.h_fresh.val();
        }
        self.h_skid_route_now.next = self.h_skid_route.q.val();
        if self.h_took_skid.q.val() {
            self.h_skid_route_now.next = self.h_fresh.val();
        }
        self.h_skid_route.d.next = self.h_skid_route_now.val();
        self.h_out_route.d.next = self.h_head_route.val();
        if !self.h_in.s_axis_tready.val() & self.h_go.val() {
            // The skid beat moves into the output register.
            self.h_out_route.d.next = self.h_skid_route_now.val();
        }

        // ---- H2C: the output register takes the slice's beat when it is free
        // or leaving. A packet keeps the route its first beat found; the
        // route is decoded on the way in.
        self.h_next_route.next = self.h_route.q.val();
        if !self.h_in_packet.q.val() {
            self.h_next_route.next = self.h_head_route.val();
        }
        self.h_next_routed.next = false;
        for i in 0..self.m_axis_h2c_p.len() {
            if self.h_next_route.val().get_bit(i) {
                self.h_next_routed.next = true;
            }
        }
        self.h_in.m_axis_tready.next = self.h_go.val();
        self.h_move.next = self.h_in.m_axis_tvalid.val() & self.h_go.val();
        if self.h_move.val() {
            self.h_hot.d.next = self.h_next_route.val();
            self.h_drop.d.next = !self.h_next_routed.val();
            self.h_valid.d.next = true;
            self.h_data.d.next = self.h_in.m_axis_tdata.val();
            self.h_keep.d.next = self.h_in.m_axis_tkeep.val();
            self.h_last.d.next = self.h_in.m_axis_tlast.val();
            self.h_tid.d.next = self.h_in.m_axis_tid.val();
            self.h_user.d.next = self.h_in.m_axis_tuser.val();
            self.h_first.d.next = !self.h_in_packet.q.val();
            self.h_in_packet.d.next = !self.h_in.m_axis_tlast.val();
            self.h_route.d.next = self.h_next_route.val();
        } else if self.h_fire.val() {
            self.h_valid.d.next = false;
            self.h_hot.d.next = 0.into();
            self.h_drop.d.next = false;
        }

        // ---- C2H input slices: each beat is tagged with its partition's
        // owner when it is taken.
        for i in 0..self.c_in.len() {
            self.c_in[i].clk.next = self.clk.val();
            self.c_in[i].rst.next = self.rst.val();
            self.c_in[i].s_axis_tvalid.next = self.s_axis_c2h_p[i].tvalid.val();
            self.c_in[i].s_axis_tdata.next = self.s_axis_c2h_p[i].tdata.val();
            self.c_in[i].s_axis_tkeep.next = self.s_axis_c2h_p[i].tkeep.val();
            self.c_in[i].s_axis_tlast.next = self.s_axis_c2h_p[i].tlast.val();
            self.c_in[i].s_axis_tid.next = self.owners[i].q.val();
            self.c_in[i].s_axis_tuser.next = false;
            self.s_axis_c2h_p[i].tready.next = self.c_in[i].s_axis_tready.val();
        }

        // ---- C2H arbiter, in one-hot masks. Round robin: the first requester
        // after the previous packet's partition (`c_after`), else the first
        // requester; a grant is held until the packet's tlast. A packet's tag
        // is its first beat's. The grant is a register (`c_gnt`), decided a
        // cycle ahead, so only registers select the data and no bubble is
        // left between packets. What decides it never goes through `c_gnt`
        // but to choose among three answers (the loop back to `c_gnt` is
        // short):
        // - a packet ends now: the first slice after it (`c_above`, a
        //   register beside `c_gnt`) that holds a beat now (`c_req`: a slice
        //   that is not granted keeps its beat), else the first that does,
        //   the ending one included: it keeps the grant when no other slice
        //   holds a beat, whether or not a next packet follows in it;
        // - nothing moves and no packet is open: the first slice after the
        //   last packet's (`c_after`) that holds a beat next cycle
        //   (`c_next_valid`: nothing leaves a slice this cycle), else the
        //   first that does (none: no grant);
        // - else the grant stays.
        // With each pick goes its "after" mask, computed beside it.
        self.c_eff_valid.next = false;
        self.c_eff_data.next = 0.into();
        self.c_eff_keep.next = 0.into();
        self.c_eff_last.next = false;
        self.c_eff_tid.next = 0.into();
        self.c_can_take.next = !self.o_valid.q.val() | self.m_axis_c2h.tready.val();
        self.c_req.next = 0.into();
        self.c_next_valid.next = 0.into();
        for i in 0..self.c_in.len() {
            self.c_in[i].m_axis_tready.next = self.c_gnt.q.val().get_bit(i) & self.c_can_take.val();
            if self.c_gnt.q.val().get_bit(i) {
                self.c_eff_valid.next = self.c_in[i].m_axis_tvalid.val();
                self.c_eff_data.next = self.c_in[i].m_axis_tdata.val();
                self.c_eff_keep.next = self.c_in[i].m_axis_tkeep.val();
                self.c_eff_last.next = self.c_in[i].m_axis_tlast.val();
                self.c_eff_tid.next = self.c_in[i].m_axis_tid.val();
            }
            // A slice's skid holds a beat only when its output register
            // does: `m_axis_tvalid` says whether it holds any.
            if self.c_in[i].m_axis_tvalid.val() {
                self.c_req.next = self.c_req.val() | self.part_bit[i].val();
            }
            if self.c_in[i].m_axis_tvalid.val() | self.s_axis_c2h_p[i].tvalid.val() {
                self.c_next_valid.next = self.c_next_valid.val() | self.part_bit[i].val();
            }
        }
        if self.c_locked.q.val() {
            self.c_eff_tid.next = self.c_tid.q.val();
        }
        self.c_fire.next = self.c_eff_valid.val() & self.c_can_take.val();
        self.c_pick_now.next = self.c_req.val();
        if (self.c_req.val() & self.c_above.q.val()).any() {
            self.c_pick_now.next = self.c_req.val() & self.c_above.q.val();
        }
        self.c_pick_last.next = self.c_next_valid.val();
        if (self.c_next_valid.val() & self.c_after.q.val()).any() {
            self.c_pick_last.next = self.c_next_valid.val() & self.c_after.q.val();
        }
        // The first bit of each pick, and the partitions after it (those
        // with a picked bit below them).
        self.c_first_now.next = 0.into();
        self.c_first_last.next = 0.into();
        self.c_above_now.next = 0.into();
        self.c_above_last.next = 0.into();
        for i in 0..self.c_in.len() {
            if (self.c_pick_now.val() & self.part_below[i].val()).any() {
                self.c_above_now.next = self.c_above_now.val() | self.part_bit[i].val();
            } else if self.c_pick_now.val().get_bit(i) {
                self.c_first_now.next = self.part_bit[i].val();
            }
            if (self.c_pick_last.val() & self.part_below[i].val()).any() {
                self.c_above_last.next = self.c_above_last.val() | self.part_bit[i].val();
            } else if self.c_pick_last.val().get_bit(i) {
                self.c_first_last.next = self.part_bit[i].val();
            }
        }
        if self.c_fire.val() {
            self.o_valid.d.next = true;
            self.o_data.d.next = self.c_eff_data.val();
            self.o_keep.d.next = self.c_eff_keep.val();
            self.o_last.d.next = self.c_eff_last.val();
            self.o_tid.d.next = self.c_eff_tid.val();
            self.c_tid.d.next = self.c_eff_tid.val();
            self.c_locked.d.next = !self.c_eff_last.val();
            if self.c_eff_last.val() {
                self.c_after.d.next = self.c_above.q.val();
            }
        } else if self.m_axis_c2h.tready.val() {
            self.o_valid.d.next = false;
        }
        // The grant changes (an enable) to one of two answers (a mux on
        // `c_fire` alone).
        if (self.c_fire.val() & self.c_eff_last.val()) | (!self.c_fire.val() & !self.c_locked.q.val()) {
            if self.c_fire.val() {
                self.c_gnt.d.next = self.c_first_now.val();
                self.c_above.d.next = self.c_above_now.val();
            } else {
                self.c_gnt.d.next = self.c_first_last.val();
                self.c_above.d.next = self.c_above_last.val();
            }
        }
        self.m_axis_c2h.tvalid.next = self.o_valid.q.val();
        self.m_axis_c2h.tdata.next = self.o_data.q.val();
        self.m_axis_c2h.tkeep.next = self.o_keep.q.val();
        self.m_axis_c2h.tlast.next = self.o_last.q.val();
        self.m_axis_c2h.tid.next = self.o_tid.q.val();

        // ---- Synchronous reset of the control state (data registers need none).
        if self.rst.val() {
            self.clear_busy.d.next = true;
            self.clear_addr.d.next = 0.into();
            self.cfg_error_reg.d.next = false;
            self.drops.d.next = 0.into();
            self.h_took_out.d.next = false;
            self.h_took_skid.d.next = false;
            self.h_valid.d.next = false;
            self.h_hot.d.next = 0.into();
            self.h_drop.d.next = false;
            self.h_in_packet.d.next = false;
            self.c_locked.d.next = false;
            // No partition after the last: the first requester goes first.
            self.c_after.d.next = 0.into();
            self.c_gnt.d.next = 0.into();
            self.c_above.d.next = 0.into();
            self.o_valid.d.next = false;
            for i in 0..self.owners.len() {
                self.owners[i].d.next = 0.into();
            }
        }
    }
}
