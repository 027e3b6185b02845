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
//! Timing (DESIGN.md, timing rules): every output port comes from a register
//! and every input port goes into registers only, so no path crosses `bar`
//! combinationally (the host's handshakes, the blocks' `req_ready` and
//! answers included). Each AXI4-Lite address/data channel has a one-entry
//! holding register whose "empty" flag is its `*ready`; an access arriving
//! while the decoder is idle is decoded in the cycle it is taken and its
//! request (or, for the header and refusals, its answer) is in the output
//! registers the next cycle. A block's answer is registered, then presented.
//! An access to a block whose `req_ready` is high and that answers one cycle
//! after taking the request (every block of the shell) takes 4 cycles from
//! the address handshake to the answer handshake; the header's, 2.
//! (The holding registers stand where `skid::Skid` would: the decoder takes
//! one access at a time, and a Skid's extra output stage would add a cycle to
//! every access.)
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
// 0 idle (waiting for an access), 2 request (presented to a block until
// taken), 3 wait (for the block's answer), 4 respond (B or R presented until
// the host takes it).

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

    // One-entry holding registers of the AXI4-Lite channels: `*ready` is
    // "empty"; an access waits there while the decoder is busy.
    ar_full: DFF<Bit>,
    ar_addr: DFF<Bits<BAR_ADDR_BITS>>,
    aw_full: DFF<Bit>,
    aw_addr: DFF<Bits<BAR_ADDR_BITS>>,
    w_full: DFF<Bit>,
    w_data: DFF<Bits<32>>,
    w_strb: DFF<Bits<4>>,
    state: DFF<Bits<3>>,
    prefer_read: DFF<Bit>,
    // The access being served: the request fields on every register bus.
    is_write: DFF<Bit>,
    acc_function: DFF<Bits<FW>>,
    offset: DFF<Bits<OW>>,
    wdata: DFF<Bits<32>>,
    wstrb: DFF<Bits<4>>,
    target: DFF<Bits<3>>,
    timer: DFF<Bits<10>>,
    /// `req_valid` of each register bus.
    req_dma: DFF<Bit>,
    req_prc: DFF<Bit>,
    req_mgr: DFF<Bit>,
    req_ctx: DFF<Bit>,
    req_sched: DFF<Bit>,
    // The answer to the host.
    ans_b: DFF<Bit>,
    ans_r: DFF<Bit>,
    ans_error: DFF<Bit>,
    ans_data: DFF<Bits<32>>,
    // The channels as the decoder sees them this cycle: held, or arriving.
    ar_v: Signal<Local, Bit>,
    aw_v: Signal<Local, Bit>,
    w_v: Signal<Local, Bit>,
    take_write: Signal<Local, Bit>,
    take_read: Signal<Local, Bit>,
    /// The access taken this cycle: address split, write data.
    t_addr: Signal<Local, Bits<BAR_ADDR_BITS>>,
    t_function: Signal<Local, Bits<FW>>,
    t_offset: Signal<Local, Bits<OW>>,
    t_is_pf: Signal<Local, Bit>,
    /// The block the access taken goes to (as `target`).
    dec_target: Signal<Local, Bits<3>>,
    header_word: Signal<Local, Bits<32>>,
    header_hit: Signal<Local, Bit>,
    /// The selected block's side of its register bus.
    req_taken: Signal<Local, Bit>,
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
        let header = header_regs(functions, partitions, data_width);
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
            ar_full: Default::default(),
            ar_addr: Default::default(),
            aw_full: Default::default(),
            aw_addr: Default::default(),
            w_full: Default::default(),
            w_data: Default::default(),
            w_strb: Default::default(),
            state: Default::default(),
            prefer_read: Default::default(),
            is_write: Default::default(),
            acc_function: Default::default(),
            offset: Default::default(),
            wdata: Default::default(),
            wstrb: Default::default(),
            target: Default::default(),
            timer: Default::default(),
            req_dma: Default::default(),
            req_prc: Default::default(),
            req_mgr: Default::default(),
            req_ctx: Default::default(),
            req_sched: Default::default(),
            ans_b: Default::default(),
            ans_r: Default::default(),
            ans_error: Default::default(),
            ans_data: Default::default(),
            ar_v: Default::default(),
            aw_v: Default::default(),
            w_v: Default::default(),
            take_write: Default::default(),
            take_read: Default::default(),
            t_addr: Default::default(),
            t_function: Default::default(),
            t_offset: Default::default(),
            t_is_pf: Default::default(),
            dec_target: Default::default(),
            header_word: Default::default(),
            header_hit: Default::default(),
            req_taken: Default::default(),
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
            self, clk, ar_full, ar_addr, aw_full, aw_addr, w_full, w_data, w_strb, state, prefer_read,
            is_write, acc_function, offset, wdata, wstrb, target, timer, req_dma, req_prc, req_mgr,
            req_ctx, req_sched, ans_b, ans_r, ans_error, ans_data
        );

        // ---- AXI4-Lite channels: ready = the holding register is empty.
        self.s_axil_bar.arready.next = !self.ar_full.q.val();
        self.s_axil_bar.awready.next = !self.aw_full.q.val();
        self.s_axil_bar.wready.next = !self.w_full.q.val();
        self.ar_v.next = self.ar_full.q.val() | self.s_axil_bar.arvalid.val();
        self.aw_v.next = self.aw_full.q.val() | self.s_axil_bar.awvalid.val();
        self.w_v.next = self.w_full.q.val() | self.s_axil_bar.wvalid.val();
        // An idle decoder takes a write (address and data together) or a
        // read; they alternate when both wait.
        self.take_write.next = false;
        self.take_read.next = false;
        if self.state.q.val() == 0 {
            if self.aw_v.val() & self.w_v.val() & (!self.ar_v.val() | !self.prefer_read.q.val()) {
                self.take_write.next = true;
            } else if self.ar_v.val() {
                self.take_read.next = true;
            }
        }
        // What arrives is held unless it is taken in the same cycle.
        if self.s_axil_bar.arvalid.val() & !self.ar_full.q.val() {
            self.ar_full.d.next = !self.take_read.val();
            self.ar_addr.d.next = self.s_axil_bar.araddr.val();
        } else if self.take_read.val() {
            self.ar_full.d.next = false;
        }
        if self.s_axil_bar.awvalid.val() & !self.aw_full.q.val() {
            self.aw_full.d.next = !self.take_write.val();
            self.aw_addr.d.next = self.s_axil_bar.awaddr.val();
        } else if self.take_write.val() {
            self.aw_full.d.next = false;
        }
        if self.s_axil_bar.wvalid.val() & !self.w_full.q.val() {
            self.w_full.d.next = !self.take_write.val();
            self.w_data.d.next = self.s_axil_bar.wdata.val();
            self.w_strb.d.next = self.s_axil_bar.wstrb.val();
        } else if self.take_write.val() {
            self.w_full.d.next = false;
        }

        // ---- The access taken: held, or straight from the channel.
        self.t_addr.next = self.s_axil_bar.araddr.val();
        if self.take_write.val() {
            self.t_addr.next = self.s_axil_bar.awaddr.val();
            if self.aw_full.q.val() {
                self.t_addr.next = self.aw_addr.q.val();
            }
        } else if self.ar_full.q.val() {
            self.t_addr.next = self.ar_addr.q.val();
        }
        self.t_function.next = self.t_addr.val().get_bits::<FW>(12);
        self.t_offset.next = self.t_addr.val().get_bits::<OW>(0) & 0xffc;
        self.t_is_pf.next = self.t_function.val() == 0;

        // ---- The identification header.
        self.header_hit.next = true;
        self.header_word.next = 0.into();
        if self.t_offset.val() == self.hdr_id.val() {
            self.header_word.next = self.magic.val();
        } else if self.t_offset.val() == self.hdr_version.val() {
            self.header_word.next = self.version.val();
        } else if self.t_offset.val() == self.hdr_function.val() {
            self.header_word.next = bit_cast::<32, FW>(self.t_function.val());
        } else if self.t_offset.val() == self.hdr_functions.val() {
            self.header_word.next = self.functions.val();
        } else if self.t_offset.val() == self.hdr_partitions.val() {
            self.header_word.next = self.partitions.val();
        } else if self.t_offset.val() == self.hdr_data_width.val() {
            self.header_word.next = self.data_width.val();
        } else if self.t_offset.val() == self.hdr_blocks.val() {
            self.header_word.next = self.blocks_vf.val();
            if self.t_is_pf.val() {
                self.header_word.next = self.blocks_pf.val();
            }
        } else if self.t_offset.val() == self.hdr_next.val() {
            self.header_word.next = self.next_block.val();
        } else {
            self.header_hit.next = false;
        }

        // ---- Decode: the region, or 7 when refused here.
        if self.t_offset.val() < self.dma_base.val() {
            self.dec_target.next = 0.into();
        } else if self.t_offset.val() < self.prc_base.val() {
            self.dec_target.next = 1.into();
        } else if self.t_offset.val() < self.mgr_base.val() {
            self.dec_target.next = 2.into();
        } else if self.t_offset.val() < self.sched_base.val() {
            self.dec_target.next = 3.into();
        } else if self.t_offset.val() < self.ctx_base.val() {
            self.dec_target.next = 5.into();
        } else {
            self.dec_target.next = 4.into();
        }
        if (self.t_function.val() > self.last_function.val())
            | self.t_addr.val().get_bits::<2>(0).any()
            | (!self.t_is_pf.val()
                & (self.t_offset.val() >= self.prc_base.val())
                & (self.t_offset.val() < self.ctx_base.val()))
        {
            self.dec_target.next = 7.into();
        }
        if self.take_write.val() | self.take_read.val() {
            self.prefer_read.d.next = self.take_write.val();
            self.is_write.d.next = self.take_write.val();
            self.acc_function.d.next = self.t_function.val();
            self.offset.d.next = self.t_offset.val();
            self.wdata.d.next = 0.into();
            self.wstrb.d.next = 0.into();
            if self.take_write.val() {
                self.wdata.d.next = self.s_axil_bar.wdata.val();
                self.wstrb.d.next = self.s_axil_bar.wstrb.val();
                if self.w_full.q.val() {
                    self.wdata.d.next = self.w_data.q.val();
                    self.wstrb.d.next = self.w_strb.q.val();
                }
            }
            self.target.d.next = self.dec_target.val();
            self.timer.d.next = 0.into();
            if self.dec_target.val() == 7 {
                // Refused here: answered next cycle.
                self.state.d.next = 4.into();
                self.ans_b.d.next = self.take_write.val();
                self.ans_r.d.next = self.take_read.val();
                self.ans_error.d.next = true;
                self.ans_data.d.next = 0.into();
            } else if self.dec_target.val() == 0 {
                // The header: read-only, answered here.
                self.state.d.next = 4.into();
                self.ans_b.d.next = self.take_write.val();
                self.ans_r.d.next = self.take_read.val();
                self.ans_error.d.next = self.take_write.val() | !self.header_hit.val();
                self.ans_data.d.next = 0.into();
                if self.take_read.val() & self.header_hit.val() {
                    self.ans_data.d.next = self.header_word.val();
                }
            } else {
                self.state.d.next = 2.into();
                self.req_dma.d.next = self.dec_target.val() == 1;
                self.req_prc.d.next = self.dec_target.val() == 2;
                self.req_mgr.d.next = self.dec_target.val() == 3;
                self.req_ctx.d.next = self.dec_target.val() == 4;
                self.req_sched.d.next = self.dec_target.val() == 5;
            }
        }

        // ---- Request on the register bus of the target block, from registers.
        self.m_reg_dma.req_valid.next = self.req_dma.q.val();
        self.m_reg_prc.req_valid.next = self.req_prc.q.val();
        self.m_reg_mgr.req_valid.next = self.req_mgr.q.val();
        self.m_reg_ctx.req_valid.next = self.req_ctx.q.val();
        self.m_reg_sched.req_valid.next = self.req_sched.q.val();
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
        // The selected block's side of the bus (into registers only).
        self.req_taken.next = (self.req_dma.q.val() & self.m_reg_dma.req_ready.val())
            | (self.req_prc.q.val() & self.m_reg_prc.req_ready.val())
            | (self.req_mgr.q.val() & self.m_reg_mgr.req_ready.val())
            | (self.req_ctx.q.val() & self.m_reg_ctx.req_ready.val())
            | (self.req_sched.q.val() & self.m_reg_sched.req_ready.val());
        self.resp_valid.next = false;
        self.resp_rdata.next = 0.into();
        self.resp_error.next = false;
        if self.target.q.val() == 1 {
            self.resp_valid.next = self.m_reg_dma.resp_valid.val();
            self.resp_rdata.next = self.m_reg_dma.resp_rdata.val();
            self.resp_error.next = self.m_reg_dma.resp_error.val();
        } else if self.target.q.val() == 2 {
            self.resp_valid.next = self.m_reg_prc.resp_valid.val();
            self.resp_rdata.next = self.m_reg_prc.resp_rdata.val();
            self.resp_error.next = self.m_reg_prc.resp_error.val();
        } else if self.target.q.val() == 3 {
            self.resp_valid.next = self.m_reg_mgr.resp_valid.val();
            self.resp_rdata.next = self.m_reg_mgr.resp_rdata.val();
            self.resp_error.next = self.m_reg_mgr.resp_error.val();
        } else if self.target.q.val() == 4 {
            self.resp_valid.next = self.m_reg_ctx.resp_valid.val();
            self.resp_rdata.next = self.m_reg_ctx.resp_rdata.val();
            self.resp_error.next = self.m_reg_ctx.resp_error.val();
        } else if self.target.q.val() == 5 {
            self.resp_valid.next = self.m_reg_sched.resp_valid.val();
            self.resp_rdata.next = self.m_reg_sched.resp_rdata.val();
            self.resp_error.next = self.m_reg_sched.resp_error.val();
        }
        if (self.state.q.val() == 2) & self.req_taken.val() {
            self.req_dma.d.next = false;
            self.req_prc.d.next = false;
            self.req_mgr.d.next = false;
            self.req_ctx.d.next = false;
            self.req_sched.d.next = false;
            self.state.d.next = 3.into();
        }
        // A stray answer outside Wait (after a timeout) is ignored.
        if (self.state.q.val() == 3) & self.resp_valid.val() {
            self.state.d.next = 4.into();
            self.ans_b.d.next = self.is_write.q.val();
            self.ans_r.d.next = !self.is_write.q.val();
            self.ans_error.d.next = self.resp_error.val();
            self.ans_data.d.next = self.resp_rdata.val();
            if self.is_write.q.val() | self.resp_error.val() {
                self.ans_data.d.next = 0.into();
            }
        }
        if (self.state.q.val() == 2) | (self.state.q.val() == 3) {
            self.timer.d.next = self.timer.q.val() + 1;
            if (self.timer.q.val() == self.timeout_limit.val())
                & !((self.state.q.val() == 3) & self.resp_valid.val())
                & !((self.state.q.val() == 2) & self.req_taken.val())
            {
                // The request is withdrawn and SLVERR answered.
                self.req_dma.d.next = false;
                self.req_prc.d.next = false;
                self.req_mgr.d.next = false;
                self.req_ctx.d.next = false;
                self.req_sched.d.next = false;
                self.state.d.next = 4.into();
                self.ans_b.d.next = self.is_write.q.val();
                self.ans_r.d.next = !self.is_write.q.val();
                self.ans_error.d.next = true;
                self.ans_data.d.next = 0.into();
            }
        }

        // ---- Answer, from registers, until the host takes it.
        self.s_axil_bar.bvalid.next = self.ans_b.q.val();
        self.s_axil_bar.rvalid.next = self.ans_r.q.val();
        self.s_axil_bar.bresp.next = 0.into();
        self.s_axil_bar.rresp.next = 0.into();
        if self.ans_error.q.val() {
            self.s_axil_bar.bresp.next = 2.into();
            self.s_axil_bar.rresp.next = 2.into();
        }
        self.s_axil_bar.rdata.next = self.ans_data.q.val();
        if (self.ans_b.q.val() & self.s_axil_bar.bready.val()) | (self.ans_r.q.val() & self.s_axil_bar.rready.val()) {
            self.ans_b.d.next = false;
            self.ans_r.d.next = false;
            self.state.d.next = 0.into();
        }

        if self.rst.val() {
            self.ar_full.d.next = false;
            self.aw_full.d.next = false;
            self.w_full.d.next = false;
            self.state.d.next = 0.into();
            self.prefer_read.d.next = false;
            self.timer.d.next = 0.into();
            self.req_dma.d.next = false;
            self.req_prc.d.next = false;
            self.req_mgr.d.next = false;
            self.req_ctx.d.next = false;
            self.req_sched.d.next = false;
            self.ans_b.d.next = false;
            self.ans_r.d.next = false;
        }
    }
}
