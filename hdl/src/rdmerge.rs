//! The read merge (`vfpga_read_merge`): two AXI4 read masters onto one
//! AXI4 read slave port.
//!
//! Why: the shell has one host read port (`m_axi_host_ar*`/`r*`), while the
//! DMA reads on two: its data reads (`m_axi_host_*`, bursts of up to 32
//! beats) and its descriptor reads (`m_axi_desc_*`, 1-2 beats). Descriptor
//! reads have a master of their own so that, inside the DMA, they never
//! wait behind data bursts; this block puts the two back on the shell's one
//! port. Ports: `s_axi_data_*` (the data reads), `s_axi_desc_*` (the
//! descriptor reads), `m_axi_*` (towards the host), each the AR and R
//! channels of `axi.rs`'s [`AxiReadSlave`] / [`AxiReadMaster`].
//!
//! AR: round robin between the two inputs when both wait (the one not taken
//! last goes first), one burst per cycle. No IDs: the slave answers bursts
//! in order, so each burst taken pushes its port (0 data, 1 descriptor) into
//! the route FIFO (64 entries; no burst is taken once 62 are in flight: a
//! register, set while fewer than 61 were in flight the cycle before), and R
//! beats go to the port at the FIFO's head, which is popped with the burst's
//! `rlast`. As on any in-order port, a burst's beats wait for those of the
//! bursts taken before it, whichever master asked: a master that stops
//! taking R (`rready` low) holds up the other's beats behind its own.
//!
//! Timing: AR (each input) and R (from the slave) enter through register
//! slices; the AR output comes from a slice, and R to the masters from one
//! slice whose word carries its port: `rdata`, `rresp` and `rlast` of both
//! ports are its registers, each port's `rvalid` its valid AND its port bit
//! (the register of the beat's owner). Latency: 2 cycles on AR and on R.

use crate::axi::{AxiReadMaster, AxiReadSlave};
use crate::fifo::Fifo;
use crate::skid::{Skid, Skid3};
use crate::FUNCTION_ID_BITS as FW;
use rust_hdl::prelude::*;

/// One AR as a slice word: address (63:0), length (71:64), size (74:72),
/// burst (76:75), user (87:77).
const AR_BITS: usize = 64 + 8 + 3 + 2 + FW;

#[derive(LogicBlock, Default)]
pub struct ReadMerge<const DW: usize> {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// The DMA's data reads.
    pub s_axi_data: AxiReadSlave<DW>,
    /// The DMA's descriptor reads.
    pub s_axi_desc: AxiReadSlave<DW>,
    /// Both, towards the host.
    pub m_axi: AxiReadMaster<DW>,
    data_ar: Skid<Bits<AR_BITS>>,
    desc_ar: Skid<Bits<AR_BITS>>,
    ar_out: Skid<Bits<AR_BITS>>,
    /// The port of each burst taken and not yet answered to its end (1: descriptor).
    route: Fifo<Bit, 6, 7>,
    /// R from the slave: rdata, rresp, rlast.
    r_in: Skid3<Bits<DW>, Bits<2>, Bit>,
    /// R to the masters: rdata, rresp, and the port (bit 1) with rlast (bit 0).
    r_out: Skid3<Bits<DW>, Bits<2>, Bits<2>>,
    /// The descriptor port goes first when both wait (the data port was taken last).
    prefer_desc: DFF<Bit>,
    /// Fewer than 61 bursts were in flight last cycle: at most 62 after this one.
    room: DFF<Bit>,
    pick_data: Signal<Local, Bit>,
    pick_desc: Signal<Local, Bit>,
    routed: Signal<Local, Bit>,
    r_port: Signal<Local, Bit>,
}

impl<const DW: usize> Logic for ReadMerge<DW> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clk, prefer_desc, room);
        self.data_ar.clk.next = self.clk.val();
        self.desc_ar.clk.next = self.clk.val();
        self.ar_out.clk.next = self.clk.val();
        self.route.clk.next = self.clk.val();
        self.r_in.clk.next = self.clk.val();
        self.r_out.clk.next = self.clk.val();
        self.data_ar.rst.next = self.rst.val();
        self.desc_ar.rst.next = self.rst.val();
        self.ar_out.rst.next = self.rst.val();
        self.route.rst.next = self.rst.val();
        self.r_in.rst.next = self.rst.val();
        self.r_out.rst.next = self.rst.val();

        // ---- AR in: one slice per master.
        self.data_ar.s_valid.next = self.s_axi_data.arvalid.val();
        self.data_ar.s_data.next = bit_cast::<AR_BITS, 64>(self.s_axi_data.araddr.val())
            | (bit_cast::<AR_BITS, 8>(self.s_axi_data.arlen.val()) << 64)
            | (bit_cast::<AR_BITS, 3>(self.s_axi_data.arsize.val()) << 72)
            | (bit_cast::<AR_BITS, 2>(self.s_axi_data.arburst.val()) << 75)
            | (bit_cast::<AR_BITS, FW>(self.s_axi_data.aruser.val()) << 77);
        self.s_axi_data.arready.next = self.data_ar.s_ready.val();
        self.desc_ar.s_valid.next = self.s_axi_desc.arvalid.val();
        self.desc_ar.s_data.next = bit_cast::<AR_BITS, 64>(self.s_axi_desc.araddr.val())
            | (bit_cast::<AR_BITS, 8>(self.s_axi_desc.arlen.val()) << 64)
            | (bit_cast::<AR_BITS, 3>(self.s_axi_desc.arsize.val()) << 72)
            | (bit_cast::<AR_BITS, 2>(self.s_axi_desc.arburst.val()) << 75)
            | (bit_cast::<AR_BITS, FW>(self.s_axi_desc.aruser.val()) << 77);
        self.s_axi_desc.arready.next = self.desc_ar.s_ready.val();

        // ---- Take a burst (round robin), note its port, send it on.
        self.room.d.next = self.route.count.val() < 61;
        self.pick_desc.next = self.room.q.val()
            & self.ar_out.s_ready.val()
            & self.desc_ar.m_valid.val()
            & (self.prefer_desc.q.val() | !self.data_ar.m_valid.val());
        self.pick_data.next =
            self.room.q.val() & self.ar_out.s_ready.val() & self.data_ar.m_valid.val() & !self.pick_desc.val();
        self.data_ar.m_ready.next = self.pick_data.val();
        self.desc_ar.m_ready.next = self.pick_desc.val();
        self.ar_out.s_valid.next = self.pick_data.val() | self.pick_desc.val();
        if self.pick_desc.val() {
            self.ar_out.s_data.next = self.desc_ar.m_data.val();
        } else {
            self.ar_out.s_data.next = self.data_ar.m_data.val();
        }
        self.route.write.next = self.pick_data.val() | self.pick_desc.val();
        self.route.data_in.next = self.pick_desc.val();
        if self.pick_data.val() | self.pick_desc.val() {
            self.prefer_desc.d.next = self.pick_data.val();
        }

        // ---- AR out.
        self.ar_out.m_ready.next = self.m_axi.arready.val();
        self.m_axi.arvalid.next = self.ar_out.m_valid.val();
        self.m_axi.araddr.next = self.ar_out.m_data.val().get_bits::<64>(0);
        self.m_axi.arlen.next = self.ar_out.m_data.val().get_bits::<8>(64);
        self.m_axi.arsize.next = self.ar_out.m_data.val().get_bits::<3>(72);
        self.m_axi.arburst.next = self.ar_out.m_data.val().get_bits::<2>(75);
        self.m_axi.aruser.next = self.ar_out.m_data.val().get_bits::<FW>(77);

        // ---- R in, tagged with the port at the route FIFO's head.
        self.r_in.s_valid.next = self.m_axi.rvalid.val();
        self.r_in.s_a.next = self.m_axi.rdata.val();
        self.r_in.s_b.next = self.m_axi.rresp.val();
        self.r_in.s_c.next = self.m_axi.rlast.val();
        self.m_axi.rready.next = self.r_in.s_ready.val();
        self.routed.next = !self.route.empty.val();
        self.r_in.m_ready.next = self.routed.val() & self.r_out.s_ready.val();
        self.r_out.s_valid.next = self.r_in.m_valid.val() & self.routed.val();
        self.r_out.s_a.next = self.r_in.m_a.val();
        self.r_out.s_b.next = self.r_in.m_b.val();
        self.r_out.s_c.next = (bit_cast::<2, 1>(self.route.data_out.val().into()) << 1)
            | bit_cast::<2, 1>(self.r_in.m_c.val().into());
        self.route.read.next =
            self.r_in.m_valid.val() & self.routed.val() & self.r_out.s_ready.val() & self.r_in.m_c.val();

        // ---- R out: one slice, its valid to the port its word names.
        self.r_port.next = self.r_out.m_c.val().get_bit(1);
        self.s_axi_data.rvalid.next = self.r_out.m_valid.val() & !self.r_port.val();
        self.s_axi_desc.rvalid.next = self.r_out.m_valid.val() & self.r_port.val();
        self.s_axi_data.rdata.next = self.r_out.m_a.val();
        self.s_axi_desc.rdata.next = self.r_out.m_a.val();
        self.s_axi_data.rresp.next = self.r_out.m_b.val();
        self.s_axi_desc.rresp.next = self.r_out.m_b.val();
        self.s_axi_data.rlast.next = self.r_out.m_c.val().get_bit(0);
        self.s_axi_desc.rlast.next = self.r_out.m_c.val().get_bit(0);
        if self.r_port.val() {
            self.r_out.m_ready.next = self.s_axi_desc.rready.val();
        } else {
            self.r_out.m_ready.next = self.s_axi_data.rready.val();
        }
        if self.rst.val() {
            self.prefer_desc.d.next = false;
            self.room.d.next = false;
        }
    }
}
