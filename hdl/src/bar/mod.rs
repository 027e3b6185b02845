//! `bar`: the AXI4-Lite slave behind the PCIe BAR, and the register decoder.
//!
//! The 23-bit address is `function (11 bits) : offset (12 bits)`: function
//! `f`'s 4 KiB window is at `f * 0x1000` (see `regs::REGIONS` for what lies
//! inside). One access is handled at a time:
//! 1. take a write (address and data together) or a read; writes and reads
//!    alternate when both wait;
//! 2. decode: a function beyond the configured count, a misaligned address, a
//!    VF touching a PF-only region, a write to the read-only header or an
//!    unlisted header offset is refused here with SLVERR, and nothing else
//!    happens; the header is answered here;
//! 3. otherwise one request goes on the register bus of the block that owns
//!    the offset (`m_reg_<block>_*`, see `regbus.rs`), with the function and
//!    the offset inside the window; the block's answer (data, SLVERR) is
//!    passed back. A block that does not take or answer the request within
//!    `REG_TIMEOUT` cycles gets SLVERR answered for it.
//!
//! The function number comes from the address only, so a VF's access can only
//! ever reach its own window's registers: a block sees the function on
//! `req_function` and keeps per-function state apart by it.

pub mod regs;

use crate::axil::AxilSlave;
use crate::regbus::{RegBusMaster, REG_ADDR_BITS as OW};
use crate::{FUNCTION_ID_BITS as FW, MAX_FUNCTIONS};
use regs::*;
use rust_hdl::prelude::*;

/// Address bits of `s_axil_bar_*`: function number and offset in its window.
pub const BAR_ADDR_BITS: usize = FW + OW;

// `state` (plain numbers: rust-hdl enums leave unused localparams in every
// register module that holds them, and hdl_gen cannot read Rust consts):
// 0 idle (waiting for an access), 1 decode (deciding where it goes),
// 2 request (presented to a block until taken), 3 wait (for the block's
// answer), 4 respond (B or R presented until the host takes it).

/// `target`: 0 header, 1 dma, 2 prc, 3 mgr, 4 ctx, 5 sched, 7 refused.

#[derive(LogicBlock)]
pub struct Bar {
    /// Clock of the static region.
    pub clk: Signal<In, Clock>,
    /// Synchronous, active-high reset.
    pub rst: Signal<In, Bit>,
    /// BAR accesses from the PCIe endpoint.
    pub s_axil_bar: AxilSlave<BAR_ADDR_BITS>,
    /// Register bus to the DMA queue registers (every function).
    pub m_reg_dma: RegBusMaster,
    /// Register bus to the reconfiguration controller (PF only).
    pub m_reg_prc: RegBusMaster,
    /// Register bus to the manager's command engine (PF only).
    pub m_reg_mgr: RegBusMaster,
    /// Register bus to the context memory (every function).
    pub m_reg_ctx: RegBusMaster,
    /// Register bus to the manager's sharing scheduler (PF only).
    pub m_reg_sched: RegBusMaster,

    // Configuration and layout, constants in the emitted Verilog.
    last_function: Constant<Bits<FW>>,
    functions: Constant<Bits<32>>,
    partitions: Constant<Bits<32>>,
    data_width: Constant<Bits<32>>,
    magic: Constant<Bits<32>>,
    version: Constant<Bits<32>>,
    blocks_pf: Constant<Bits<32>>,
    blocks_vf: Constant<Bits<32>>,
    next_block: Constant<Bits<32>>,
    dma_base: Constant<Bits<OW>>,
    prc_base: Constant<Bits<OW>>,
    mgr_base: Constant<Bits<OW>>,
    ctx_base: Constant<Bits<OW>>,
    sched_base: Constant<Bits<OW>>,
    timeout_limit: Constant<Bits<10>>,
    // Header register offsets, from `regs::header_regs()`.
    hdr_id: Constant<Bits<OW>>,
    hdr_version: Constant<Bits<OW>>,
    hdr_function: Constant<Bits<OW>>,
    hdr_functions: Constant<Bits<OW>>,
    hdr_partitions: Constant<Bits<OW>>,
    hdr_data_width: Constant<Bits<OW>>,
    hdr_blocks: Constant<Bits<OW>>,
    hdr_next: Constant<Bits<OW>>,

    state: DFF<Bits<3>>,
    prefer_read: DFF<Bit>,
    is_write: DFF<Bit>,
    acc_function: DFF<Bits<FW>>,
    offset: DFF<Bits<OW>>,
    misaligned: DFF<Bit>,
    wdata: DFF<Bits<32>>,
    wstrb: DFF<Bits<4>>,
    target: DFF<Bits<3>>,
    rdata: DFF<Bits<32>>,
    refused: DFF<Bit>,
    timer: DFF<Bits<10>>,
    take_write: Signal<Local, Bit>,
    take_read: Signal<Local, Bit>,
    /// The block the access in Decode goes to (as `target`), known this cycle.
    dec_target: Signal<Local, Bits<3>>,
    /// The block whose register bus is selected this cycle.
    sel_target: Signal<Local, Bits<3>>,
    header_word: Signal<Local, Bits<32>>,
    header_hit: Signal<Local, Bit>,
    is_pf: Signal<Local, Bit>,
    req_ready: Signal<Local, Bit>,
    resp_valid: Signal<Local, Bit>,
    resp_rdata: Signal<Local, Bits<32>>,
    resp_error: Signal<Local, Bit>,
}

impl Bar {
    /// A decoder for `functions` PCIe functions of a design with `partitions`
    /// partitions and a `data_width`-bit stream.
    pub fn new(functions: usize, partitions: usize, data_width: usize) -> Self {
        assert!((1..=MAX_FUNCTIONS).contains(&functions), "functions out of range");
        let c32 = |v: u32| Constant::new((v as u64).into());
        let header = header_regs();
        let hdr = |name: &str| header.registers.iter().find(|r| r.name == name).expect("header register").offset;
        let base = |name: &str| Constant::new((region(name).base as u64).into());
        let b = Self {
            clk: Default::default(),
            rst: Default::default(),
            s_axil_bar: Default::default(),
            m_reg_dma: Default::default(),
            m_reg_prc: Default::default(),
            m_reg_mgr: Default::default(),
            m_reg_ctx: Default::default(),
            m_reg_sched: Default::default(),
            last_function: Constant::new(((functions - 1) as u64).into()),
            functions: c32(functions as u32),
            partitions: c32(partitions as u32),
            data_width: c32(data_width as u32),
            magic: c32(BAR_MAGIC),
            version: c32(BAR_VERSION),
            blocks_pf: c32(blocks_mask(true)),
            blocks_vf: c32(blocks_mask(false)),
            next_block: c32(region("dma").base),
            dma_base: base("dma"),
            prc_base: base("prc"),
            mgr_base: base("mgr"),
            ctx_base: base("ctx"),
            sched_base: base("sched"),
            timeout_limit: Constant::new((REG_TIMEOUT as u64).into()),
            hdr_id: Constant::new((hdr("ID") as u64).into()),
            hdr_version: Constant::new((hdr("VERSION") as u64).into()),
            hdr_function: Constant::new((hdr("FUNCTION") as u64).into()),
            hdr_functions: Constant::new((hdr("FUNCTIONS") as u64).into()),
            hdr_partitions: Constant::new((hdr("PARTITIONS") as u64).into()),
            hdr_data_width: Constant::new((hdr("DATA_WIDTH") as u64).into()),
            hdr_blocks: Constant::new((hdr("BLOCKS") as u64).into()),
            hdr_next: Constant::new((hdr("NEXT") as u64).into()),
            state: Default::default(),
            prefer_read: Default::default(),
            is_write: Default::default(),
            acc_function: Default::default(),
            offset: Default::default(),
            misaligned: Default::default(),
            wdata: Default::default(),
            wstrb: Default::default(),
            target: Default::default(),
            rdata: Default::default(),
            refused: Default::default(),
            timer: Default::default(),
            take_write: Default::default(),
            take_read: Default::default(),
            dec_target: Default::default(),
            sel_target: Default::default(),
            header_word: Default::default(),
            header_hit: Default::default(),
            is_pf: Default::default(),
            req_ready: Default::default(),
            resp_valid: Default::default(),
            resp_rdata: Default::default(),
            resp_error: Default::default(),
        };
        // The decoder below assumes the regions in this order, tiling the window.
        let names: Vec<&str> = REGIONS.iter().map(|r| r.name).collect();
        assert_eq!(names, ["bar", "dma", "prc", "mgr", "sched", "ctx"]);
        assert!(REGIONS.iter().all(|r| r.pf_only == (r.name == "prc" || r.name == "mgr" || r.name == "sched")));
        b
    }
}

impl Logic for Bar {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clk, state, prefer_read, is_write, acc_function, offset, misaligned, wdata, wstrb,
            target, rdata, refused, timer
        );

        // ---- Accept one access: a write needs address and data together.
        self.take_write.next = false;
        self.take_read.next = false;
        if self.state.q.val() == 0 {
            if self.s_axil_bar.awvalid.val()
                & self.s_axil_bar.wvalid.val()
                & (!self.s_axil_bar.arvalid.val() | !self.prefer_read.q.val())
            {
                self.take_write.next = true;
            } else if self.s_axil_bar.arvalid.val() {
                self.take_read.next = true;
            }
        }
        self.s_axil_bar.awready.next = self.take_write.val();
        self.s_axil_bar.wready.next = self.take_write.val();
        self.s_axil_bar.arready.next = self.take_read.val();
        if self.take_write.val() {
            self.state.d.next = 1.into();
            self.is_write.d.next = true;
            self.prefer_read.d.next = true;
            self.acc_function.d.next = self.s_axil_bar.awaddr.val().get_bits::<FW>(12);
            self.offset.d.next = self.s_axil_bar.awaddr.val().get_bits::<OW>(0) & 0xffc;
            self.misaligned.d.next = self.s_axil_bar.awaddr.val().get_bits::<2>(0).any();
            self.wdata.d.next = self.s_axil_bar.wdata.val();
            self.wstrb.d.next = self.s_axil_bar.wstrb.val();
        }
        if self.take_read.val() {
            self.state.d.next = 1.into();
            self.is_write.d.next = false;
            self.prefer_read.d.next = false;
            self.acc_function.d.next = self.s_axil_bar.araddr.val().get_bits::<FW>(12);
            self.offset.d.next = self.s_axil_bar.araddr.val().get_bits::<OW>(0) & 0xffc;
            self.misaligned.d.next = self.s_axil_bar.araddr.val().get_bits::<2>(0).any();
            self.wdata.d.next = 0.into();
            self.wstrb.d.next = 0.into();
        }

        // ---- The identification header.
        self.is_pf.next = self.acc_function.q.val() == 0;
        self.header_hit.next = true;
        self.header_word.next = 0.into();
        if self.offset.q.val() == self.hdr_id.val() {
            self.header_word.next = self.magic.val();
        } else if self.offset.q.val() == self.hdr_version.val() {
            self.header_word.next = self.version.val();
        } else if self.offset.q.val() == self.hdr_function.val() {
            self.header_word.next = bit_cast::<32, FW>(self.acc_function.q.val());
        } else if self.offset.q.val() == self.hdr_functions.val() {
            self.header_word.next = self.functions.val();
        } else if self.offset.q.val() == self.hdr_partitions.val() {
            self.header_word.next = self.partitions.val();
        } else if self.offset.q.val() == self.hdr_data_width.val() {
            self.header_word.next = self.data_width.val();
        } else if self.offset.q.val() == self.hdr_blocks.val() {
            self.header_word.next = self.blocks_vf.val();
            if self.is_pf.val() {
                self.header_word.next = self.blocks_pf.val();
            }
        } else if self.offset.q.val() == self.hdr_next.val() {
            self.header_word.next = self.next_block.val();
        } else {
            self.header_hit.next = false;
        }

        // ---- Decode.
        // Decode is combinational so that the request leaves in the Decode
        // cycle itself (one cycle less per access).
        if self.offset.q.val() < self.dma_base.val() {
            self.dec_target.next = 0.into();
        } else if self.offset.q.val() < self.prc_base.val() {
            self.dec_target.next = 1.into();
        } else if self.offset.q.val() < self.mgr_base.val() {
            self.dec_target.next = 2.into();
        } else if self.offset.q.val() < self.sched_base.val() {
            self.dec_target.next = 3.into();
        } else if self.offset.q.val() < self.ctx_base.val() {
            self.dec_target.next = 5.into();
        } else {
            self.dec_target.next = 4.into();
        }
        if (self.acc_function.q.val() > self.last_function.val())
            | self.misaligned.q.val()
            | (!self.is_pf.val()
                & (self.offset.q.val() >= self.prc_base.val())
                & (self.offset.q.val() < self.ctx_base.val()))
        {
            self.dec_target.next = 7.into();
        }
        if self.state.q.val() == 1 {
            self.timer.d.next = 0.into();
            self.state.d.next = 2.into();
            self.refused.d.next = false;
            self.rdata.d.next = 0.into();
            self.target.d.next = self.dec_target.val();
            if self.dec_target.val() == 7 {
                self.refused.d.next = true;
                self.state.d.next = 4.into();
            } else if self.offset.q.val() < self.dma_base.val() {
                // The header: read-only, answered here.
                self.state.d.next = 4.into();
                self.rdata.d.next = self.header_word.val();
                self.refused.d.next = self.is_write.q.val() | !self.header_hit.val();
                if self.is_write.q.val() | !self.header_hit.val() {
                    self.rdata.d.next = 0.into();
                }
            }
        }

        // ---- Request on the register bus of the target block.
        self.m_reg_dma.req_valid.next = false;
        self.m_reg_prc.req_valid.next = false;
        self.m_reg_mgr.req_valid.next = false;
        self.m_reg_ctx.req_valid.next = false;
        self.m_reg_sched.req_valid.next = false;
        self.m_reg_dma.req_write.next = self.is_write.q.val();
        self.m_reg_prc.req_write.next = self.is_write.q.val();
        self.m_reg_mgr.req_write.next = self.is_write.q.val();
        self.m_reg_ctx.req_write.next = self.is_write.q.val();
        self.m_reg_sched.req_write.next = self.is_write.q.val();
        self.m_reg_dma.req_function.next = self.acc_function.q.val();
        self.m_reg_prc.req_function.next = self.acc_function.q.val();
        self.m_reg_mgr.req_function.next = self.acc_function.q.val();
        self.m_reg_ctx.req_function.next = self.acc_function.q.val();
        self.m_reg_sched.req_function.next = self.acc_function.q.val();
        self.m_reg_dma.req_addr.next = self.offset.q.val();
        self.m_reg_prc.req_addr.next = self.offset.q.val();
        self.m_reg_mgr.req_addr.next = self.offset.q.val();
        self.m_reg_ctx.req_addr.next = self.offset.q.val();
        self.m_reg_sched.req_addr.next = self.offset.q.val();
        self.m_reg_dma.req_wdata.next = self.wdata.q.val();
        self.m_reg_prc.req_wdata.next = self.wdata.q.val();
        self.m_reg_mgr.req_wdata.next = self.wdata.q.val();
        self.m_reg_ctx.req_wdata.next = self.wdata.q.val();
        self.m_reg_sched.req_wdata.next = self.wdata.q.val();
        self.m_reg_dma.req_wstrb.next = self.wstrb.q.val();
        self.m_reg_prc.req_wstrb.next = self.wstrb.q.val();
        self.m_reg_mgr.req_wstrb.next = self.wstrb.q.val();
        self.m_reg_ctx.req_wstrb.next = self.wstrb.q.val();
        self.m_reg_sched.req_wstrb.next = self.wstrb.q.val();
        // The selected block's side of the bus.
        self.sel_target.next = self.target.q.val();
        if self.state.q.val() == 1 {
            self.sel_target.next = self.dec_target.val();
        }
        self.req_ready.next = false;
        self.resp_valid.next = false;
        self.resp_rdata.next = 0.into();
        self.resp_error.next = false;
        if self.sel_target.val() == 1 {
            self.req_ready.next = self.m_reg_dma.req_ready.val();
            self.resp_valid.next = self.m_reg_dma.resp_valid.val();
            self.resp_rdata.next = self.m_reg_dma.resp_rdata.val();
            self.resp_error.next = self.m_reg_dma.resp_error.val();
        } else if self.sel_target.val() == 2 {
            self.req_ready.next = self.m_reg_prc.req_ready.val();
            self.resp_valid.next = self.m_reg_prc.resp_valid.val();
            self.resp_rdata.next = self.m_reg_prc.resp_rdata.val();
            self.resp_error.next = self.m_reg_prc.resp_error.val();
        } else if self.sel_target.val() == 3 {
            self.req_ready.next = self.m_reg_mgr.req_ready.val();
            self.resp_valid.next = self.m_reg_mgr.resp_valid.val();
            self.resp_rdata.next = self.m_reg_mgr.resp_rdata.val();
            self.resp_error.next = self.m_reg_mgr.resp_error.val();
        } else if self.sel_target.val() == 4 {
            self.req_ready.next = self.m_reg_ctx.req_ready.val();
            self.resp_valid.next = self.m_reg_ctx.resp_valid.val();
            self.resp_rdata.next = self.m_reg_ctx.resp_rdata.val();
            self.resp_error.next = self.m_reg_ctx.resp_error.val();
        } else if self.sel_target.val() == 5 {
            self.req_ready.next = self.m_reg_sched.req_ready.val();
            self.resp_valid.next = self.m_reg_sched.resp_valid.val();
            self.resp_rdata.next = self.m_reg_sched.resp_rdata.val();
            self.resp_error.next = self.m_reg_sched.resp_error.val();
        }
        // Request: in Decode already when the access goes to a block, then
        // held in Request until taken.
        if (self.state.q.val() == 2) | ((self.state.q.val() == 1) & (self.dec_target.val() != 0) & (self.dec_target.val() != 7)) {
            if self.sel_target.val() == 1 {
                self.m_reg_dma.req_valid.next = true;
            }
            if self.sel_target.val() == 2 {
                self.m_reg_prc.req_valid.next = true;
            }
            if self.sel_target.val() == 3 {
                self.m_reg_mgr.req_valid.next = true;
            }
            if self.sel_target.val() == 4 {
                self.m_reg_ctx.req_valid.next = true;
            }
            if self.sel_target.val() == 5 {
                self.m_reg_sched.req_valid.next = true;
            }
            if self.req_ready.val() {
                self.state.d.next = 3.into();
            }
        }
        // A stray answer outside Wait (after a timeout) is ignored.
        if (self.state.q.val() == 3) & self.resp_valid.val() {
            self.state.d.next = 4.into();
            self.rdata.d.next = self.resp_rdata.val();
            self.refused.d.next = self.resp_error.val();
            if !self.is_write.q.val() & self.resp_error.val() {
                self.rdata.d.next = 0.into();
            }
        }
        if (self.state.q.val() == 2) | (self.state.q.val() == 3) {
            self.timer.d.next = self.timer.q.val() + 1;
            if (self.timer.q.val() == self.timeout_limit.val())
                & !((self.state.q.val() == 3) & self.resp_valid.val())
            {
                self.state.d.next = 4.into();
                self.refused.d.next = true;
                self.rdata.d.next = 0.into();
            }
        }

        // ---- Answer: in the cycle the block answers (then held in Answer
        // until taken), or from Answer for what was decided here.
        self.s_axil_bar.bvalid.next = (self.state.q.val() == 4) & self.is_write.q.val();
        self.s_axil_bar.rvalid.next = (self.state.q.val() == 4) & !self.is_write.q.val();
        self.s_axil_bar.bresp.next = 0.into();
        self.s_axil_bar.rresp.next = 0.into();
        if self.refused.q.val() {
            self.s_axil_bar.bresp.next = 2.into();
            self.s_axil_bar.rresp.next = 2.into();
        }
        self.s_axil_bar.rdata.next = self.rdata.q.val();
        if (self.state.q.val() == 3) & self.resp_valid.val() {
            self.s_axil_bar.bvalid.next = self.is_write.q.val();
            self.s_axil_bar.rvalid.next = !self.is_write.q.val();
            self.s_axil_bar.bresp.next = 0.into();
            self.s_axil_bar.rresp.next = 0.into();
            self.s_axil_bar.rdata.next = self.resp_rdata.val();
            if self.resp_error.val() {
                self.s_axil_bar.bresp.next = 2.into();
                self.s_axil_bar.rresp.next = 2.into();
                self.s_axil_bar.rdata.next = 0.into();
            }
        }
        if ((self.state.q.val() == 4) | ((self.state.q.val() == 3) & self.resp_valid.val()))
            & ((self.is_write.q.val() & self.s_axil_bar.bready.val())
                | (!self.is_write.q.val() & self.s_axil_bar.rready.val()))
        {
            self.state.d.next = 0.into();
        }

        if self.rst.val() {
            self.state.d.next = 0.into();
            self.prefer_read.d.next = false;
            self.refused.d.next = false;
            self.timer.d.next = 0.into();
        }
    }
}
