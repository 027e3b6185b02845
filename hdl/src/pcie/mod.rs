//! `pcie`: the adapter between the UltraScale+ PCIe integrated block's user
//! interface (`pcie4_uscale_plus`, PG213: CQ, CC, RQ, RC AXI4-Streams,
//! straddling off, dword-aligned mode, 256-bit Gen3 x8 or 512-bit Gen3 x16)
//! and the shell.
//!
//! * `completer.rs`: CQ memory reads/writes of BAR0 of any function -> the
//!   shell's BAR (`m_axil_bar_*`), CC completions; anything else answered
//!   as the spec requires (UR completion if non-posted, dropped if posted).
//! * `reader.rs`, `writer.rs`: the shell's AXI4 masters (`s_axi_host_*`,
//!   `s_axi_prc_*`) -> RQ memory read and write requests, within max read
//!   request and max payload size and 4 KiB, requester function from
//!   `aruser`/`awuser`; `writer.rs` also drives RQ.
//! * `completions.rs`: RC -> R, by tag (32 tags, a 16-beat reorder slot
//!   each), split completions reassembled, tags completed in any order,
//!   bursts answered in order; `narrow.rs`: the prc's 32-bit R.
//! * `msix.rs`: `irq_*` -> the MSI-X interrupt ports.
//! * `upsize.rs`: not part of the block: the AXI4 width adapter that a 64-
//!   or 128-bit shell's host master goes through to reach the block's
//!   256-bit host port (the generator instantiates it beside the block);
//!   `upsize_addr.rs` is its AR/AW channel.
//!
//! Function numbers. The hard block numbers PF0 0, PF1-3 1-3 and the VFs of
//! PF0 from 4 (VF j, 0-based, is function 4 + j; at most 252 VFs). Ours
//! are PF = 0 and VF k (1-based) = function k, so ours = hard - 3 for VFs
//! and hard = ours + 3: [`hard_function`], [`our_function`]. Requests to
//! PF1-3 or to a VF beyond the configuration are Unsupported Requests.
//!
//! Timing: every input stream and AXI channel enters through `skid.rs`
//! register slices (the BAR's and the MSI-X answers are taken by registers
//! that wait for them: one access in flight); every output comes from a
//! register; FIFOs are `fifo.rs`.

pub mod completer;
pub mod completions;
pub mod msix;
pub mod narrow;
pub mod reader;
pub mod upsize;
pub mod upsize_addr;
pub mod writer;

use crate::axi::{AxiReadSlave, AxiSlave};
use crate::axil::AxilMaster;
use crate::FUNCTION_ID_BITS as FW;
use completer::{Completer, BAR_ADDR_BITS};
use completions::Completions;
use msix::Msix;
use narrow::Narrow;
use reader::Reader;
use rust_hdl::prelude::*;
use writer::Writer;

/// The hard block's function number of our function `f` (PF 0, VF k = k).
pub fn hard_function(f: u32) -> u32 {
    if f == 0 { 0 } else { f + 3 }
}

/// Our function number of the hard block's function `t`, if it is one of ours.
pub fn our_function(t: u32, functions: u32) -> Option<u32> {
    match t {
        0 => Some(0),
        1..=3 => None,
        t if t - 3 < functions => Some(t - 3),
        _ => None,
    }
}

/// tuser widths of the hard block's streams (PG213): (CQ, CC, RQ, RC).
pub const fn tuser_widths(dw: usize) -> (usize, usize, usize, usize) {
    if dw == 512 { (183, 81, 137, 161) } else { (88, 33, 62, 75) }
}

/// The block. `DW` data bits, `KW = DW / 8`, `NK = DW / 32` (tkeep is per
/// dword on these streams), `DW2 = 2 * DW`; the tuser widths from
/// [`tuser_widths`].
#[derive(LogicBlock)]
pub struct Pcie<
    const DW: usize,
    const KW: usize,
    const NK: usize,
    const DW2: usize,
    const CQU: usize,
    const CCU: usize,
    const RQU: usize,
    const RCU: usize,
> {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// Completer requests (the hard block's `m_axis_cq_*`).
    pub s_axis_cq_tdata: Signal<In, Bits<DW>>,
    pub s_axis_cq_tkeep: Signal<In, Bits<NK>>,
    pub s_axis_cq_tlast: Signal<In, Bit>,
    pub s_axis_cq_tuser: Signal<In, Bits<CQU>>,
    pub s_axis_cq_tvalid: Signal<In, Bit>,
    pub s_axis_cq_tready: Signal<Out, Bit>,
    /// Completer completions (the hard block's `s_axis_cc_*`).
    pub m_axis_cc_tdata: Signal<Out, Bits<DW>>,
    pub m_axis_cc_tkeep: Signal<Out, Bits<NK>>,
    pub m_axis_cc_tlast: Signal<Out, Bit>,
    pub m_axis_cc_tuser: Signal<Out, Bits<CCU>>,
    pub m_axis_cc_tvalid: Signal<Out, Bit>,
    pub m_axis_cc_tready: Signal<In, Bit>,
    /// Requester requests (the hard block's `s_axis_rq_*`).
    pub m_axis_rq_tdata: Signal<Out, Bits<DW>>,
    pub m_axis_rq_tkeep: Signal<Out, Bits<NK>>,
    pub m_axis_rq_tlast: Signal<Out, Bit>,
    pub m_axis_rq_tuser: Signal<Out, Bits<RQU>>,
    pub m_axis_rq_tvalid: Signal<Out, Bit>,
    pub m_axis_rq_tready: Signal<In, Bit>,
    /// Requester completions (the hard block's `m_axis_rc_*`).
    pub s_axis_rc_tdata: Signal<In, Bits<DW>>,
    pub s_axis_rc_tkeep: Signal<In, Bits<NK>>,
    pub s_axis_rc_tlast: Signal<In, Bit>,
    pub s_axis_rc_tuser: Signal<In, Bits<RCU>>,
    pub s_axis_rc_tvalid: Signal<In, Bit>,
    pub s_axis_rc_tready: Signal<Out, Bit>,
    /// Max payload size and max read request size (PF0's device control).
    pub cfg_max_payload: Signal<In, Bits<2>>,
    pub cfg_max_read_req: Signal<In, Bits<3>>,
    /// MSI-X (see `msix.rs`).
    pub cfg_interrupt_msix_int: Signal<Out, Bit>,
    pub cfg_interrupt_msi_function_number: Signal<Out, Bits<8>>,
    pub cfg_interrupt_msix_data: Signal<Out, Bits<32>>,
    pub cfg_interrupt_msix_sent: Signal<In, Bit>,
    pub cfg_interrupt_msix_fail: Signal<In, Bit>,
    /// The shell's interrupt requests.
    pub irq_valid: Signal<In, Bit>,
    pub irq_ready: Signal<Out, Bit>,
    pub irq_function: Signal<In, Bits<FW>>,
    pub irq_vector: Signal<In, Bits<4>>,
    /// Failed MSI-X requests sent again (a count).
    pub msix_retries: Signal<Out, Bits<16>>,
    /// The shell's BAR.
    pub m_axil_bar: AxilMaster<BAR_ADDR_BITS>,
    /// The shell's host DMA master and prc read master (32-bit data).
    pub s_axi_host: AxiSlave<DW, KW>,
    pub s_axi_prc: AxiReadSlave<32>,
    completer: Completer<DW, NK, CQU, CCU>,
    reader: Reader,
    completions: Completions<DW, RCU>,
    narrow: Narrow<DW>,
    writer: Writer<DW, KW, NK, DW2, RQU>,
    msix: Msix,
}

impl<
        const DW: usize,
        const KW: usize,
        const NK: usize,
        const DW2: usize,
        const CQU: usize,
        const CCU: usize,
        const RQU: usize,
        const RCU: usize,
    > Pcie<DW, KW, NK, DW2, CQU, CCU, RQU, RCU>
{
    /// The adapter for `functions` functions (PF + VFs, at most 253).
    pub fn new(functions: usize) -> Self {
        assert_eq!((CQU, CCU, RQU, RCU), tuser_widths(DW), "pcie: tuser widths of PG213");
        Self {
            clk: Default::default(),
            rst: Default::default(),
            s_axis_cq_tdata: Default::default(),
            s_axis_cq_tkeep: Default::default(),
            s_axis_cq_tlast: Default::default(),
            s_axis_cq_tuser: Default::default(),
            s_axis_cq_tvalid: Default::default(),
            s_axis_cq_tready: Default::default(),
            m_axis_cc_tdata: Default::default(),
            m_axis_cc_tkeep: Default::default(),
            m_axis_cc_tlast: Default::default(),
            m_axis_cc_tuser: Default::default(),
            m_axis_cc_tvalid: Default::default(),
            m_axis_cc_tready: Default::default(),
            m_axis_rq_tdata: Default::default(),
            m_axis_rq_tkeep: Default::default(),
            m_axis_rq_tlast: Default::default(),
            m_axis_rq_tuser: Default::default(),
            m_axis_rq_tvalid: Default::default(),
            m_axis_rq_tready: Default::default(),
            s_axis_rc_tdata: Default::default(),
            s_axis_rc_tkeep: Default::default(),
            s_axis_rc_tlast: Default::default(),
            s_axis_rc_tuser: Default::default(),
            s_axis_rc_tvalid: Default::default(),
            s_axis_rc_tready: Default::default(),
            cfg_max_payload: Default::default(),
            cfg_max_read_req: Default::default(),
            cfg_interrupt_msix_int: Default::default(),
            cfg_interrupt_msi_function_number: Default::default(),
            cfg_interrupt_msix_data: Default::default(),
            cfg_interrupt_msix_sent: Default::default(),
            cfg_interrupt_msix_fail: Default::default(),
            irq_valid: Default::default(),
            irq_ready: Default::default(),
            irq_function: Default::default(),
            irq_vector: Default::default(),
            msix_retries: Default::default(),
            m_axil_bar: Default::default(),
            s_axi_host: Default::default(),
            s_axi_prc: Default::default(),
            completer: Completer::new(functions),
            reader: Reader::new(DW),
            completions: Default::default(),
            narrow: Default::default(),
            writer: Default::default(),
            msix: Default::default(),
        }
    }
}

impl<
        const DW: usize,
        const KW: usize,
        const NK: usize,
        const DW2: usize,
        const CQU: usize,
        const CCU: usize,
        const RQU: usize,
        const RCU: usize,
    > Logic for Pcie<DW, KW, NK, DW2, CQU, CCU, RQU, RCU>
{
    #[hdl_gen]
    fn update(&mut self) {
        self.completer.clk.next = self.clk.val();
        self.reader.clk.next = self.clk.val();
        self.completions.clk.next = self.clk.val();
        self.narrow.clk.next = self.clk.val();
        self.writer.clk.next = self.clk.val();
        self.msix.clk.next = self.clk.val();
        self.completer.rst.next = self.rst.val();
        self.reader.rst.next = self.rst.val();
        self.completions.rst.next = self.rst.val();
        self.narrow.rst.next = self.rst.val();
        self.writer.rst.next = self.rst.val();
        self.msix.rst.next = self.rst.val();

        // ---- Completer: CQ -> BAR -> CC.
        self.completer.s_axis_cq_tdata.next = self.s_axis_cq_tdata.val();
        self.completer.s_axis_cq_tuser.next = self.s_axis_cq_tuser.val();
        self.completer.s_axis_cq_tlast.next = self.s_axis_cq_tlast.val();
        self.completer.s_axis_cq_tvalid.next = self.s_axis_cq_tvalid.val();
        self.s_axis_cq_tready.next = self.completer.s_axis_cq_tready.val();
        self.m_axis_cc_tdata.next = self.completer.m_axis_cc_tdata.val();
        self.m_axis_cc_tkeep.next = self.completer.m_axis_cc_tkeep.val();
        self.m_axis_cc_tlast.next = self.completer.m_axis_cc_tlast.val();
        self.m_axis_cc_tuser.next = self.completer.m_axis_cc_tuser.val();
        self.m_axis_cc_tvalid.next = self.completer.m_axis_cc_tvalid.val();
        self.completer.m_axis_cc_tready.next = self.m_axis_cc_tready.val();
        self.m_axil_bar.awaddr.next = self.completer.m_axil_bar.awaddr.val();
        self.m_axil_bar.awvalid.next = self.completer.m_axil_bar.awvalid.val();
        self.completer.m_axil_bar.awready.next = self.m_axil_bar.awready.val();
        self.m_axil_bar.wdata.next = self.completer.m_axil_bar.wdata.val();
        self.m_axil_bar.wstrb.next = self.completer.m_axil_bar.wstrb.val();
        self.m_axil_bar.wvalid.next = self.completer.m_axil_bar.wvalid.val();
        self.completer.m_axil_bar.wready.next = self.m_axil_bar.wready.val();
        self.completer.m_axil_bar.bresp.next = self.m_axil_bar.bresp.val();
        self.completer.m_axil_bar.bvalid.next = self.m_axil_bar.bvalid.val();
        self.m_axil_bar.bready.next = self.completer.m_axil_bar.bready.val();
        self.m_axil_bar.araddr.next = self.completer.m_axil_bar.araddr.val();
        self.m_axil_bar.arvalid.next = self.completer.m_axil_bar.arvalid.val();
        self.completer.m_axil_bar.arready.next = self.m_axil_bar.arready.val();
        self.completer.m_axil_bar.rdata.next = self.m_axil_bar.rdata.val();
        self.completer.m_axil_bar.rresp.next = self.m_axil_bar.rresp.val();
        self.completer.m_axil_bar.rvalid.next = self.m_axil_bar.rvalid.val();
        self.m_axil_bar.rready.next = self.completer.m_axil_bar.rready.val();

        // ---- Reads: AR -> reader -> RQ (through the writer); RC -> R.
        self.reader.host_araddr.next = self.s_axi_host.araddr.val();
        self.reader.host_arlen.next = self.s_axi_host.arlen.val();
        self.reader.host_aruser.next = self.s_axi_host.aruser.val();
        self.reader.host_arvalid.next = self.s_axi_host.arvalid.val();
        self.s_axi_host.arready.next = self.reader.host_arready.val();
        self.reader.prc_araddr.next = self.s_axi_prc.araddr.val();
        self.reader.prc_arlen.next = self.s_axi_prc.arlen.val();
        self.reader.prc_aruser.next = self.s_axi_prc.aruser.val();
        self.reader.prc_arvalid.next = self.s_axi_prc.arvalid.val();
        self.s_axi_prc.arready.next = self.reader.prc_arready.val();
        self.reader.cfg_max_read_req.next = self.cfg_max_read_req.val();
        self.reader.tag_avail.next = self.completions.tag_avail.val();
        self.reader.tag.next = self.completions.tag.val();
        self.completions.issue.next = self.reader.issue.val();
        self.completions.issue_beats.next = self.reader.issue_beats.val();
        self.completions.issue_last.next = self.reader.issue_last.val();
        self.completions.issue_port.next = self.reader.issue_port.val();
        self.completions.issue_start.next = self.reader.issue_start.val();
        self.narrow.s_meta_valid.next = self.reader.prc_meta_valid.val();
        self.narrow.s_meta_first.next = self.reader.prc_meta_first.val();
        self.narrow.s_meta_words.next = self.reader.prc_meta_words.val();
        self.reader.prc_meta_full.next = self.narrow.s_meta_full.val();
        self.writer.rd_valid.next = self.reader.rd_valid.val();
        self.writer.rd_desc.next = self.reader.rd_desc.val();
        self.reader.rd_ready.next = self.writer.rd_ready.val();

        self.completions.s_axis_rc_tdata.next = self.s_axis_rc_tdata.val();
        self.completions.s_axis_rc_tuser.next = self.s_axis_rc_tuser.val();
        self.completions.s_axis_rc_tlast.next = self.s_axis_rc_tlast.val();
        self.completions.s_axis_rc_tvalid.next = self.s_axis_rc_tvalid.val();
        self.s_axis_rc_tready.next = self.completions.s_axis_rc_tready.val();
        self.s_axi_host.rdata.next = self.completions.host_rdata.val();
        self.s_axi_host.rresp.next = self.completions.host_rresp.val();
        self.s_axi_host.rlast.next = self.completions.host_rlast.val();
        self.s_axi_host.rvalid.next = self.completions.host_rvalid.val();
        self.completions.host_rready.next = self.s_axi_host.rready.val();
        self.narrow.s_rdata.next = self.completions.prc_rdata.val();
        self.narrow.s_rresp.next = self.completions.prc_rresp.val();
        self.narrow.s_rvalid.next = self.completions.prc_rvalid.val();
        self.completions.prc_rready.next = self.narrow.s_rready.val();
        self.s_axi_prc.rdata.next = self.narrow.rdata.val();
        self.s_axi_prc.rresp.next = self.narrow.rresp.val();
        self.s_axi_prc.rlast.next = self.narrow.rlast.val();
        self.s_axi_prc.rvalid.next = self.narrow.rvalid.val();
        self.narrow.rready.next = self.s_axi_prc.rready.val();

        // ---- Writes: AW/W -> writer -> RQ, B.
        self.writer.awaddr.next = self.s_axi_host.awaddr.val();
        self.writer.awlen.next = self.s_axi_host.awlen.val();
        self.writer.awuser.next = self.s_axi_host.awuser.val();
        self.writer.awvalid.next = self.s_axi_host.awvalid.val();
        self.s_axi_host.awready.next = self.writer.awready.val();
        self.writer.wdata.next = self.s_axi_host.wdata.val();
        self.writer.wstrb.next = self.s_axi_host.wstrb.val();
        self.writer.wlast.next = self.s_axi_host.wlast.val();
        self.writer.wvalid.next = self.s_axi_host.wvalid.val();
        self.s_axi_host.wready.next = self.writer.wready.val();
        self.s_axi_host.bresp.next = self.writer.bresp.val();
        self.s_axi_host.bvalid.next = self.writer.bvalid.val();
        self.writer.bready.next = self.s_axi_host.bready.val();
        self.writer.cfg_max_payload.next = self.cfg_max_payload.val();
        self.m_axis_rq_tdata.next = self.writer.m_axis_rq_tdata.val();
        self.m_axis_rq_tkeep.next = self.writer.m_axis_rq_tkeep.val();
        self.m_axis_rq_tlast.next = self.writer.m_axis_rq_tlast.val();
        self.m_axis_rq_tuser.next = self.writer.m_axis_rq_tuser.val();
        self.m_axis_rq_tvalid.next = self.writer.m_axis_rq_tvalid.val();
        self.writer.m_axis_rq_tready.next = self.m_axis_rq_tready.val();

        // ---- MSI-X.
        self.msix.irq_valid.next = self.irq_valid.val();
        self.msix.irq_function.next = self.irq_function.val();
        self.msix.irq_vector.next = self.irq_vector.val();
        self.irq_ready.next = self.msix.irq_ready.val();
        self.cfg_interrupt_msix_int.next = self.msix.cfg_interrupt_msix_int.val();
        self.cfg_interrupt_msi_function_number.next = self.msix.cfg_interrupt_msi_function_number.val();
        self.cfg_interrupt_msix_data.next = self.msix.cfg_interrupt_msix_data.val();
        self.msix.cfg_interrupt_msix_sent.next = self.cfg_interrupt_msix_sent.val();
        self.msix.cfg_interrupt_msix_fail.next = self.cfg_interrupt_msix_fail.val();
        self.msix_retries.next = self.msix.msix_retries.val();
    }
}
