//! `dma`: the multi-function (SR-IOV) DMA engine.
//!
//! Every PCIe function has one H2C and one C2H descriptor ring in host memory
//! (registers and descriptor format: `regs.rs`). One control engine serves
//! the functions in turn and keeps their state in block RAM; one shared data
//! path moves the bytes, tagged with the function number (`tid` on the
//! streams, `aruser`/`awuser` on every host access).
//!
//! H2C: the scheduler visits the functions round-robin and serves a function
//! with work up to WEIGHT descriptors (`s_qos_*`) before moving on, never in
//! the middle of a packet. A descriptor is read, its buffer is read in bursts
//! that end at every `max_burst` boundary (a power of two dividing 4 KiB, so
//! no burst crosses a 4 KiB page), up to `outstanding` bursts in flight; the
//! bytes, at any alignment, are packed into the stream (`m_axis_h2c`); a
//! packet ends at the descriptor flagged EOP (scatter-gather). When all of a
//! descriptor's data has been read, its completion is written back into the
//! ring (bytes 8-15: length, flags | DONE), CIDX advances and, if flagged,
//! the function's interrupt is requested.
//!
//! C2H: a packet on `s_axis_c2h` (function on `tid`) is written into the
//! function's next C2H buffers, as many as it needs, each written back with
//! the length used and EOP on the last. Writes are single beats with byte
//! strobes (any alignment, never across a page).
//!
//! Errors (an error answer from the host, a zero-length descriptor, a ring
//! misconfigured, no C2H buffer, an H2C packet left without its EOP
//! descriptor) stop that function's queues, set its STATUS code, request its
//! error interrupt; an H2C packet cut short is still ended (tlast) on the
//! stream, and the rest of a C2H packet is dropped. Other functions go on.
//! CTRL.RESET restarts one function's queues alone.
//!
//! After reset the per-function RAMs are cleared, one function per cycle;
//! `s_qos`/`s_fnctl` writes during that time are ignored. A function's
//! queues run only while `s_fnctl` has enabled it (the PF always may).

pub mod regs;

use crate::axi::AxiMaster;
use crate::axis::{AxisMaster, AxisSlave};
use crate::regbus::{RegBusSlave, REG_ADDR_BITS as OW};
use crate::{FUNCTION_ID_BITS as FW, MAX_FUNCTIONS};
use regs::*;
use rust_hdl::prelude::*;

/// Ring record: base (63:0), log2 size (67:64), PIDX (83:68), CIDX (99:84).
const RING_BITS: usize = 100;
/// Function record: run H2C/C2H (1:0), error (5:2), irq mask (8:6), irq status (11:9).
const FN_BITS: usize = 12;
/// Read tag: kind (1:0: 0 data, 1 descriptor, 2 close packet), function
/// (12:2), first-beat offset (19:13), bytes (32:20), end of packet (33).
const TAG_BITS: usize = 34;
/// Largest `outstanding`: the tag FIFO holds 32.
pub const MAX_OUTSTANDING: usize = 31;

/// Build-time parameters of the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DmaParams {
    /// Functions (PF + VFs).
    pub functions: usize,
    /// Largest burst, bytes: a power of two, at least one beat, at most 4096.
    pub max_burst: usize,
    /// Read bursts in flight at most.
    pub outstanding: usize,
}

impl DmaParams {
    /// Defaults: bursts of 32 beats (at most 4 KiB), 16 of them in flight:
    /// 512 beats, enough to hide 200 cycles of host latency at one beat per cycle.
    pub fn new(functions: usize, data_width: usize) -> Self {
        DmaParams { functions, max_burst: (32 * data_width / 8).min(4096), outstanding: 16 }
    }

    pub fn validate(&self, data_width: usize) -> Result<(), String> {
        if !(1..=MAX_FUNCTIONS).contains(&self.functions) {
            return Err(format!("functions = {} is out of range 1..={MAX_FUNCTIONS}", self.functions));
        }
        let kw = data_width / 8;
        if !self.max_burst.is_power_of_two() || self.max_burst < kw || self.max_burst > 4096 || self.max_burst / kw > 256 {
            return Err(format!(
                "max_burst = {} must be a power of two from {kw} (one beat) to 4096 bytes and at most 256 beats",
                self.max_burst
            ));
        }
        if !(1..=MAX_OUTSTANDING).contains(&self.outstanding) {
            return Err(format!("outstanding = {} is out of range 1..={MAX_OUTSTANDING}", self.outstanding));
        }
        Ok(())
    }
}

// `state` (plain numbers: hdl_gen cannot read Rust consts):
//  0 clear RAMs after reset      1 idle
//  2 reg: RAM read in flight     3 reg: answer, write
//  4 h2c: RAM read in flight     5 h2c: decide
//  6 h2c: wait for descriptor    7 h2c: issue data bursts
//  8 h2c: wait for the data      9 write-back: issue
// 10 write-back: wait for B     11 complete: CIDX, interrupt
// 12 c2h: RAM read in flight    13 c2h: decide
// 14 c2h: wait for descriptor   15 c2h: write data
// 16 error: record, stop, interrupt

#[derive(LogicBlock)]
pub struct Dma<const DW: usize, const KW: usize, const DW2: usize> {
    /// Clock of the static region.
    pub clk: Signal<In, Clock>,
    /// Synchronous, active-high reset.
    pub rst: Signal<In, Bit>,
    /// Register accesses of the functions' windows, from `bar`.
    pub s_reg: RegBusSlave,
    /// Host memory; `aruser`/`awuser` = function number.
    pub m_axi_host: AxiMaster<DW, KW>,
    /// H2C packets towards the switch, `tid` = function.
    pub m_axis_h2c: AxisMaster<DW, KW>,
    /// C2H packets from the switch, `tid` = function.
    pub s_axis_c2h: AxisSlave<DW, KW>,
    /// Interrupt request: function and vector (0 H2C, 1 C2H, 2 error).
    pub irq_valid: Signal<Out, Bit>,
    pub irq_function: Signal<Out, Bits<FW>>,
    pub irq_vector: Signal<Out, Bits<4>>,
    pub irq_ready: Signal<In, Bit>,
    /// Scheduler weight of a function (descriptors per turn; 0 counts as 1).
    pub s_qos_valid: Signal<In, Bit>,
    pub s_qos_function: Signal<In, Bits<FW>>,
    pub s_qos_weight: Signal<In, Bits<8>>,
    /// A function's queues may run (attached) or not.
    pub s_fnctl_valid: Signal<In, Bit>,
    pub s_fnctl_function: Signal<In, Bits<FW>>,
    pub s_fnctl_enable: Signal<In, Bit>,

    // ---- configuration
    last_function: Constant<Bits<FW>>,
    kw: Constant<Bits<8>>,
    kw_mask: Constant<Bits<8>>,
    log2_kw: Constant<Bits<8>>,
    ar_size: Constant<Bits<3>>,
    max_burst: Constant<Bits<13>>,
    max_outstanding: Constant<Bits<6>>,
    keep_all: Constant<Bits<KW>>,
    data_all: Constant<Bits<DW>>,
    wb_strb: Constant<Bits<KW>>,
    keep_bit: Vec<Constant<Bits<KW>>>,
    keep_count: Vec<Constant<Bits<8>>>,
    byte_mask: Vec<Constant<Bits<DW>>>,
    dma_id: Constant<Bits<32>>,
    dma_version: Constant<Bits<32>>,
    o_id: Constant<Bits<OW>>,
    o_version: Constant<Bits<OW>>,
    o_ctrl: Constant<Bits<OW>>,
    o_status: Constant<Bits<OW>>,
    o_h_base_lo: Constant<Bits<OW>>,
    o_h_base_hi: Constant<Bits<OW>>,
    o_h_size: Constant<Bits<OW>>,
    o_h_pidx: Constant<Bits<OW>>,
    o_h_cidx: Constant<Bits<OW>>,
    o_c_base_lo: Constant<Bits<OW>>,
    o_c_base_hi: Constant<Bits<OW>>,
    o_c_size: Constant<Bits<OW>>,
    o_c_pidx: Constant<Bits<OW>>,
    o_c_cidx: Constant<Bits<OW>>,
    o_irq_mask: Constant<Bits<OW>>,
    o_irq_status: Constant<Bits<OW>>,
    o_weight: Constant<Bits<OW>>,

    // ---- per-function state (block RAM)
    h2c_ring: RAM<Bits<RING_BITS>, FW>,
    c2h_ring: RAM<Bits<RING_BITS>, FW>,
    fn_state: RAM<Bits<FN_BITS>, FW>,
    enable_ram: RAM<Bits<1>, FW>,
    weight_ram: RAM<Bits<8>, FW>,
    clear_addr: DFF<Bits<FW>>,

    // ---- control engine
    state: DFF<Bits<5>>,
    cur_fn: DFF<Bits<FW>>,
    scan_fn: DFF<Bits<FW>>,
    served: DFF<Bits<8>>,
    r_write: DFF<Bit>,
    r_addr: DFF<Bits<OW>>,
    r_wdata: DFF<Bits<32>>,
    r_wstrb: DFF<Bits<4>>,
    resp_v: DFF<Bit>,
    resp_data: DFF<Bits<32>>,
    resp_err: DFF<Bit>,
    err_code: DFF<Bits<4>>,
    wb_c2h: DFF<Bit>,
    d_addr: DFF<Bits<64>>,
    d_len: DFF<Bits<24>>,
    d_eop: DFF<Bit>,
    d_irq: DFF<Bit>,
    d_waddr: DFF<Bits<64>>,
    b_addr: DFF<Bits<64>>,
    b_left: DFF<Bits<24>>,
    used: DFF<Bits<24>>,
    h_mid: DFF<Bit>,
    h_mid_fn: DFF<Bits<FW>>,
    // AR channel and read tags
    ar_valid: DFF<Bit>,
    ar_addr: DFF<Bits<64>>,
    ar_len: DFF<Bits<8>>,
    ar_user: DFF<Bits<FW>>,
    // Read tags, in AXI order: a FIFO of 32 in block RAM (inline: a FIFO
    // submodule's flags would form a false combinational loop with this
    // block's single always block).
    tag_ram: RAM<Bits<TAG_BITS>, 5>,
    tw_ptr: DFF<Bits<6>>,
    tr_ptr: DFF<Bits<6>>,
    tw_seen: DFF<Bits<6>>,
    tags_full: Signal<Local, Bit>,
    tags_empty: Signal<Local, Bit>,
    tags_head: Signal<Local, Bits<TAG_BITS>>,
    tr_next: Signal<Local, Bits<6>>,
    outstanding: DFF<Bits<6>>,
    r_error: DFF<Bit>,
    // AW/W: single-beat writes
    aw_valid: DFF<Bit>,
    aw_addr: DFF<Bits<64>>,
    aw_user: DFF<Bits<FW>>,
    w_valid: DFF<Bit>,
    w_data: DFF<Bits<DW>>,
    w_strb: DFF<Bits<KW>>,
    writes_out: DFF<Bits<8>>,
    b_error: DFF<Bit>,
    // interrupt request
    irq_v: DFF<Bit>,
    irq_f: DFF<Bits<FW>>,
    irq_vec: DFF<Bits<4>>,
    // R side: descriptor assembly and H2C packer
    rc_first: DFF<Bit>,
    rc_left: DFF<Bits<13>>,
    d_acc: DFF<Bits<DW2>>,
    d_fill: DFF<Bits<8>>,
    desc_ready: DFF<Bit>,
    g_acc: DFF<Bits<DW2>>,
    g_fill: DFF<Bits<8>>,
    g_flush: DFF<Bit>,
    g_tid: DFF<Bits<FW>>,
    o_valid: DFF<Bit>,
    o_data: DFF<Bits<DW>>,
    o_keep: DFF<Bits<KW>>,
    o_last: DFF<Bit>,
    o_tid: DFF<Bits<FW>>,
    // C2H unpacker
    c_active: DFF<Bit>,
    c_drop: DFF<Bit>,
    c_fn: DFF<Bits<FW>>,
    c_done_in: DFF<Bit>,
    c_pkt_done: DFF<Bit>,
    c_acc: DFF<Bits<DW2>>,
    c_fill: DFF<Bits<8>>,

    // ---- combinational temporaries
    hb: Signal<Local, Bits<64>>,
    hl: Signal<Local, Bits<4>>,
    hp: Signal<Local, Bits<16>>,
    hc: Signal<Local, Bits<16>>,
    cb: Signal<Local, Bits<64>>,
    cl: Signal<Local, Bits<4>>,
    cp: Signal<Local, Bits<16>>,
    cc: Signal<Local, Bits<16>>,
    nhb: Signal<Local, Bits<64>>,
    nhl: Signal<Local, Bits<4>>,
    nhp: Signal<Local, Bits<16>>,
    nhc: Signal<Local, Bits<16>>,
    ncb: Signal<Local, Bits<64>>,
    ncl: Signal<Local, Bits<4>>,
    ncp: Signal<Local, Bits<16>>,
    ncc: Signal<Local, Bits<16>>,
    h_we: Signal<Local, Bit>,
    c_we: Signal<Local, Bit>,
    f_we: Signal<Local, Bit>,
    f_run: Signal<Local, Bits<2>>,
    f_err: Signal<Local, Bits<4>>,
    f_mask: Signal<Local, Bits<3>>,
    f_stat: Signal<Local, Bits<3>>,
    nf_run: Signal<Local, Bits<2>>,
    nf_err: Signal<Local, Bits<4>>,
    nf_mask: Signal<Local, Bits<3>>,
    nf_stat: Signal<Local, Bits<3>>,
    fn_enabled: Signal<Local, Bit>,
    weight: Signal<Local, Bits<8>>,
    wmask: Signal<Local, Bits<32>>,
    old_word: Signal<Local, Bits<32>>,
    merged: Signal<Local, Bits<32>>,
    w1c: Signal<Local, Bits<3>>,
    reg_hit: Signal<Local, Bit>,
    reg_ro: Signal<Local, Bit>,
    ring_mask_h: Signal<Local, Bits<16>>,
    ring_mask_c: Signal<Local, Bits<16>>,
    h_bad: Signal<Local, Bit>,
    c_bad: Signal<Local, Bit>,
    burst: Signal<Local, Bits<24>>,
    room: Signal<Local, Bits<24>>,
    beats: Signal<Local, Bits<24>>,
    tag_in: Signal<Local, Bits<TAG_BITS>>,
    tag_push: Signal<Local, Bit>,
    ar_fire: Signal<Local, Bit>,
    irq_want: Signal<Local, Bit>,
    irq_raise: Signal<Local, Bit>,
    // R side
    t_kind: Signal<Local, Bits<2>>,
    t_fn: Signal<Local, Bits<FW>>,
    t_s: Signal<Local, Bits<8>>,
    t_bytes: Signal<Local, Bits<13>>,
    t_eop: Signal<Local, Bit>,
    rb_s: Signal<Local, Bits<8>>,
    rb_left: Signal<Local, Bits<13>>,
    rb_n: Signal<Local, Bits<8>>,
    rb_data: Signal<Local, Bits<DW2>>,
    r_fire: Signal<Local, Bit>,
    tag_pop: Signal<Local, Bit>,
    g_emit: Signal<Local, Bit>,
    g_acc_out: Signal<Local, Bits<DW2>>,
    g_fill_out: Signal<Local, Bits<8>>,
    g_can_take: Signal<Local, Bit>,
    // C2H side
    in_count: Signal<Local, Bits<8>>,
    in_mask: Signal<Local, Bits<DW>>,
    c_take: Signal<Local, Bit>,
    c_off: Signal<Local, Bits<8>>,
    c_nmax: Signal<Local, Bits<24>>,
    c_n: Signal<Local, Bits<8>>,
    c_pop: Signal<Local, Bit>,
    c_acc_out: Signal<Local, Bits<DW2>>,
    c_fill_out: Signal<Local, Bits<8>>,
    slot_free: Signal<Local, Bit>,
    wb_off: Signal<Local, Bits<8>>,
}

/// A constant of any width, for the configuration fields.
fn cst<const N: usize>(v: u64) -> Constant<Bits<N>> {
    Constant::new(v.into())
}

impl<const DW: usize, const KW: usize, const DW2: usize> Dma<DW, KW, DW2> {
    pub fn new(p: DmaParams) -> Self {
        assert!(DW == KW * 8 && DW2 == 2 * DW, "DW = 8 KW and DW2 = 2 DW");
        p.validate(DW).unwrap_or_else(|e| panic!("dma: {e}"));
        let off = |v: u32| Constant::new((v as u64).into());
        let mut data_all: Bits<DW> = Bits::default();
        for i in 0..DW {
            data_all = data_all.replace_bit(i, true);
        }
        let mut keep_all: Bits<KW> = Bits::default();
        for i in 0..KW {
            keep_all = keep_all.replace_bit(i, true);
        }
        let byte_mask = (0..KW)
            .map(|i| {
                let mut m: Bits<DW> = Bits::default();
                for b in 0..8 {
                    m = m.replace_bit(8 * i + b, true);
                }
                Constant::new(m)
            })
            .collect();
        Self {
            clk: Default::default(),
            rst: Default::default(),
            s_reg: Default::default(),
            m_axi_host: Default::default(),
            m_axis_h2c: Default::default(),
            s_axis_c2h: Default::default(),
            irq_valid: Default::default(),
            irq_function: Default::default(),
            irq_vector: Default::default(),
            irq_ready: Default::default(),
            s_qos_valid: Default::default(),
            s_qos_function: Default::default(),
            s_qos_weight: Default::default(),
            s_fnctl_valid: Default::default(),
            s_fnctl_function: Default::default(),
            s_fnctl_enable: Default::default(),
            last_function: cst((p.functions - 1) as u64),
            kw: cst(KW as u64),
            kw_mask: cst(KW as u64 - 1),
            log2_kw: cst(KW.trailing_zeros() as u64),
            ar_size: cst(KW.trailing_zeros() as u64),
            max_burst: cst(p.max_burst as u64),
            max_outstanding: cst(p.outstanding as u64),
            keep_all: Constant::new(keep_all),
            data_all: Constant::new(data_all),
            wb_strb: cst(0xff),
            keep_bit: (0..KW).map(|i| Constant::new(Bits::<KW>::default().replace_bit(i, true))).collect(),
            keep_count: (0..KW).map(|i| cst(i as u64 + 1)).collect(),
            byte_mask,
            dma_id: cst(DMA_ID as u64),
            dma_version: cst(DMA_VERSION as u64),
            o_id: off(R_ID),
            o_version: off(R_VERSION),
            o_ctrl: off(R_CTRL),
            o_status: off(R_STATUS),
            o_h_base_lo: off(R_H2C_BASE_LO),
            o_h_base_hi: off(R_H2C_BASE_HI),
            o_h_size: off(R_H2C_SIZE),
            o_h_pidx: off(R_H2C_PIDX),
            o_h_cidx: off(R_H2C_CIDX),
            o_c_base_lo: off(R_C2H_BASE_LO),
            o_c_base_hi: off(R_C2H_BASE_HI),
            o_c_size: off(R_C2H_SIZE),
            o_c_pidx: off(R_C2H_PIDX),
            o_c_cidx: off(R_C2H_CIDX),
            o_irq_mask: off(R_IRQ_MASK),
            o_irq_status: off(R_IRQ_STATUS),
            o_weight: off(R_WEIGHT),
            h2c_ring: Default::default(),
            c2h_ring: Default::default(),
            fn_state: Default::default(),
            enable_ram: Default::default(),
            weight_ram: Default::default(),
            clear_addr: Default::default(),
            state: Default::default(),
            cur_fn: Default::default(),
            scan_fn: Default::default(),
            served: Default::default(),
            r_write: Default::default(),
            r_addr: Default::default(),
            r_wdata: Default::default(),
            r_wstrb: Default::default(),
            resp_v: Default::default(),
            resp_data: Default::default(),
            resp_err: Default::default(),
            err_code: Default::default(),
            wb_c2h: Default::default(),
            d_addr: Default::default(),
            d_len: Default::default(),
            d_eop: Default::default(),
            d_irq: Default::default(),
            d_waddr: Default::default(),
            b_addr: Default::default(),
            b_left: Default::default(),
            used: Default::default(),
            h_mid: Default::default(),
            h_mid_fn: Default::default(),
            ar_valid: Default::default(),
            ar_addr: Default::default(),
            ar_len: Default::default(),
            ar_user: Default::default(),
            tag_ram: Default::default(),
            tw_ptr: Default::default(),
            tr_ptr: Default::default(),
            tw_seen: Default::default(),
            tags_full: Default::default(),
            tags_empty: Default::default(),
            tags_head: Default::default(),
            tr_next: Default::default(),
            outstanding: Default::default(),
            r_error: Default::default(),
            aw_valid: Default::default(),
            aw_addr: Default::default(),
            aw_user: Default::default(),
            w_valid: Default::default(),
            w_data: Default::default(),
            w_strb: Default::default(),
            writes_out: Default::default(),
            b_error: Default::default(),
            irq_v: Default::default(),
            irq_f: Default::default(),
            irq_vec: Default::default(),
            rc_first: Default::default(),
            rc_left: Default::default(),
            d_acc: Default::default(),
            d_fill: Default::default(),
            desc_ready: Default::default(),
            g_acc: Default::default(),
            g_fill: Default::default(),
            g_flush: Default::default(),
            g_tid: Default::default(),
            o_valid: Default::default(),
            o_data: Default::default(),
            o_keep: Default::default(),
            o_last: Default::default(),
            o_tid: Default::default(),
            c_active: Default::default(),
            c_drop: Default::default(),
            c_fn: Default::default(),
            c_done_in: Default::default(),
            c_pkt_done: Default::default(),
            c_acc: Default::default(),
            c_fill: Default::default(),
            hb: Default::default(),
            hl: Default::default(),
            hp: Default::default(),
            hc: Default::default(),
            cb: Default::default(),
            cl: Default::default(),
            cp: Default::default(),
            cc: Default::default(),
            nhb: Default::default(),
            nhl: Default::default(),
            nhp: Default::default(),
            nhc: Default::default(),
            ncb: Default::default(),
            ncl: Default::default(),
            ncp: Default::default(),
            ncc: Default::default(),
            h_we: Default::default(),
            c_we: Default::default(),
            f_we: Default::default(),
            f_run: Default::default(),
            f_err: Default::default(),
            f_mask: Default::default(),
            f_stat: Default::default(),
            nf_run: Default::default(),
            nf_err: Default::default(),
            nf_mask: Default::default(),
            nf_stat: Default::default(),
            fn_enabled: Default::default(),
            weight: Default::default(),
            wmask: Default::default(),
            old_word: Default::default(),
            merged: Default::default(),
            w1c: Default::default(),
            reg_hit: Default::default(),
            reg_ro: Default::default(),
            ring_mask_h: Default::default(),
            ring_mask_c: Default::default(),
            h_bad: Default::default(),
            c_bad: Default::default(),
            burst: Default::default(),
            room: Default::default(),
            beats: Default::default(),
            tag_in: Default::default(),
            tag_push: Default::default(),
            ar_fire: Default::default(),
            irq_want: Default::default(),
            irq_raise: Default::default(),
            t_kind: Default::default(),
            t_fn: Default::default(),
            t_s: Default::default(),
            t_bytes: Default::default(),
            t_eop: Default::default(),
            rb_s: Default::default(),
            rb_left: Default::default(),
            rb_n: Default::default(),
            rb_data: Default::default(),
            r_fire: Default::default(),
            tag_pop: Default::default(),
            g_emit: Default::default(),
            g_acc_out: Default::default(),
            g_fill_out: Default::default(),
            g_can_take: Default::default(),
            in_count: Default::default(),
            in_mask: Default::default(),
            c_take: Default::default(),
            c_off: Default::default(),
            c_nmax: Default::default(),
            c_n: Default::default(),
            c_pop: Default::default(),
            c_acc_out: Default::default(),
            c_fill_out: Default::default(),
            slot_free: Default::default(),
            wb_off: Default::default(),
        }
    }
}

impl<const DW: usize, const KW: usize, const DW2: usize> Logic for Dma<DW, KW, DW2> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clk, clear_addr, state, cur_fn, scan_fn, served, r_write, r_addr, r_wdata, r_wstrb,
            resp_v, resp_data, resp_err, err_code, wb_c2h, d_addr, d_len, d_eop, d_irq, d_waddr,
            b_addr, b_left, used, h_mid, h_mid_fn, tw_ptr, tr_ptr, tw_seen, ar_valid, ar_addr, ar_len, ar_user, outstanding,
            r_error, aw_valid, aw_addr, aw_user, w_valid, w_data, w_strb, writes_out, b_error, irq_v,
            irq_f, irq_vec, rc_first, rc_left, d_acc, d_fill, desc_ready, g_acc, g_fill, g_flush,
            g_tid, o_valid, o_data, o_keep, o_last, o_tid, c_active, c_drop, c_fn, c_done_in,
            c_pkt_done, c_acc, c_fill
        );
        self.tag_ram.read_clock.next = self.clk.val();
        self.tag_ram.write_clock.next = self.clk.val();
        self.tw_seen.d.next = self.tw_ptr.q.val();
        self.tags_empty.next = self.tr_ptr.q.val() == self.tw_seen.q.val();
        self.tags_full.next = (self.tw_ptr.q.val() - self.tr_ptr.q.val()) == 32;
        self.h2c_ring.read_clock.next = self.clk.val();
        self.h2c_ring.write_clock.next = self.clk.val();
        self.c2h_ring.read_clock.next = self.clk.val();
        self.c2h_ring.write_clock.next = self.clk.val();
        self.fn_state.read_clock.next = self.clk.val();
        self.fn_state.write_clock.next = self.clk.val();
        self.enable_ram.read_clock.next = self.clk.val();
        self.enable_ram.write_clock.next = self.clk.val();
        self.weight_ram.read_clock.next = self.clk.val();
        self.weight_ram.write_clock.next = self.clk.val();

        // ---- Per-function records of the function being served.
        self.h2c_ring.read_address.next = self.cur_fn.q.val();
        self.c2h_ring.read_address.next = self.cur_fn.q.val();
        self.fn_state.read_address.next = self.cur_fn.q.val();
        self.enable_ram.read_address.next = self.cur_fn.q.val();
        self.weight_ram.read_address.next = self.cur_fn.q.val();
        self.hb.next = self.h2c_ring.read_data.val().get_bits::<64>(0);
        self.hl.next = self.h2c_ring.read_data.val().get_bits::<4>(64);
        self.hp.next = self.h2c_ring.read_data.val().get_bits::<16>(68);
        self.hc.next = self.h2c_ring.read_data.val().get_bits::<16>(84);
        self.cb.next = self.c2h_ring.read_data.val().get_bits::<64>(0);
        self.cl.next = self.c2h_ring.read_data.val().get_bits::<4>(64);
        self.cp.next = self.c2h_ring.read_data.val().get_bits::<16>(68);
        self.cc.next = self.c2h_ring.read_data.val().get_bits::<16>(84);
        self.f_run.next = self.fn_state.read_data.val().get_bits::<2>(0);
        self.f_err.next = self.fn_state.read_data.val().get_bits::<4>(2);
        self.f_mask.next = self.fn_state.read_data.val().get_bits::<3>(6);
        self.f_stat.next = self.fn_state.read_data.val().get_bits::<3>(9);
        self.fn_enabled.next = self.enable_ram.read_data.val().any() | (self.cur_fn.q.val() == 0);
        self.weight.next = self.weight_ram.read_data.val();
        if self.weight_ram.read_data.val() == 0 {
            self.weight.next = 1.into();
        }
        self.ring_mask_h.next = (bit_cast::<16, 1>(true.into()) << bit_cast::<16, 4>(self.hl.val())) - 1;
        self.ring_mask_c.next = (bit_cast::<16, 1>(true.into()) << bit_cast::<16, 4>(self.cl.val())) - 1;
        self.h_bad.next = (self.hl.val() < 4) | self.hb.val().get_bits::<4>(0).any() | (self.hp.val() > self.ring_mask_h.val());
        self.c_bad.next = (self.cl.val() < 4) | self.cb.val().get_bits::<4>(0).any() | (self.cp.val() > self.ring_mask_c.val());
        self.nhb.next = self.hb.val();
        self.nhl.next = self.hl.val();
        self.nhp.next = self.hp.val();
        self.nhc.next = self.hc.val();
        self.ncb.next = self.cb.val();
        self.ncl.next = self.cl.val();
        self.ncp.next = self.cp.val();
        self.ncc.next = self.cc.val();
        self.nf_run.next = self.f_run.val();
        self.nf_err.next = self.f_err.val();
        self.nf_mask.next = self.f_mask.val();
        self.nf_stat.next = self.f_stat.val();
        self.h_we.next = false;
        self.c_we.next = false;
        self.f_we.next = false;

        // ---- Defaults of the control engine's outputs.
        self.s_reg.req_ready.next = false;
        self.resp_v.d.next = false;
        self.tag_push.next = false;
        self.tag_in.next = 0.into();
        self.irq_want.next = false;
        self.irq_raise.next = false;
        self.burst.next = self.b_left.q.val();
        self.room.next = bit_cast::<24, 13>(self.max_burst.val())
            - (bit_cast::<24, 64>(self.b_addr.q.val()) & (bit_cast::<24, 13>(self.max_burst.val()) - 1));
        if self.room.val() < self.b_left.q.val() {
            self.burst.next = self.room.val();
        }
        self.beats.next = ((bit_cast::<24, 64>(self.b_addr.q.val()) & bit_cast::<24, 8>(self.kw_mask.val()))
            + self.burst.val()
            + bit_cast::<24, 8>(self.kw_mask.val()))
            >> bit_cast::<24, 8>(self.log2_kw.val());
        self.ar_fire.next = self.ar_valid.q.val() & self.m_axi_host.arready.val();
        if self.ar_fire.val() {
            self.ar_valid.d.next = false;
        }
        self.slot_free.next = !self.aw_valid.q.val() & !self.w_valid.q.val();
        self.wb_off.next = self.d_waddr.q.val().get_bits::<8>(0) & self.kw_mask.val();

        // Register access: the old value of the addressed register.
        self.wmask.next = 0.into();
        if self.r_wstrb.q.val().get_bit(0) {
            self.wmask.next = self.wmask.val() | 0xff;
        }
        if self.r_wstrb.q.val().get_bit(1) {
            self.wmask.next = self.wmask.val() | 0xff00;
        }
        if self.r_wstrb.q.val().get_bit(2) {
            self.wmask.next = self.wmask.val() | 0xff0000;
        }
        if self.r_wstrb.q.val().get_bit(3) {
            self.wmask.next = self.wmask.val() | 0xff000000_u64;
        }
        self.reg_hit.next = true;
        self.reg_ro.next = false;
        self.old_word.next = 0.into();
        if self.r_addr.q.val() == self.o_id.val() {
            self.old_word.next = self.dma_id.val();
            self.reg_ro.next = true;
        } else if self.r_addr.q.val() == self.o_version.val() {
            self.old_word.next = self.dma_version.val();
            self.reg_ro.next = true;
        } else if self.r_addr.q.val() == self.o_ctrl.val() {
            self.old_word.next = bit_cast::<32, 2>(self.f_run.val());
        } else if self.r_addr.q.val() == self.o_status.val() {
            self.old_word.next = bit_cast::<32, 4>(self.f_err.val());
            self.reg_ro.next = true;
        } else if self.r_addr.q.val() == self.o_h_base_lo.val() {
            self.old_word.next = self.hb.val().get_bits::<32>(0);
        } else if self.r_addr.q.val() == self.o_h_base_hi.val() {
            self.old_word.next = self.hb.val().get_bits::<32>(32);
        } else if self.r_addr.q.val() == self.o_h_size.val() {
            self.old_word.next = bit_cast::<32, 4>(self.hl.val());
        } else if self.r_addr.q.val() == self.o_h_pidx.val() {
            self.old_word.next = bit_cast::<32, 16>(self.hp.val());
        } else if self.r_addr.q.val() == self.o_h_cidx.val() {
            self.old_word.next = bit_cast::<32, 16>(self.hc.val());
            self.reg_ro.next = true;
        } else if self.r_addr.q.val() == self.o_c_base_lo.val() {
            self.old_word.next = self.cb.val().get_bits::<32>(0);
        } else if self.r_addr.q.val() == self.o_c_base_hi.val() {
            self.old_word.next = self.cb.val().get_bits::<32>(32);
        } else if self.r_addr.q.val() == self.o_c_size.val() {
            self.old_word.next = bit_cast::<32, 4>(self.cl.val());
        } else if self.r_addr.q.val() == self.o_c_pidx.val() {
            self.old_word.next = bit_cast::<32, 16>(self.cp.val());
        } else if self.r_addr.q.val() == self.o_c_cidx.val() {
            self.old_word.next = bit_cast::<32, 16>(self.cc.val());
            self.reg_ro.next = true;
        } else if self.r_addr.q.val() == self.o_irq_mask.val() {
            self.old_word.next = bit_cast::<32, 3>(self.f_mask.val());
        } else if self.r_addr.q.val() == self.o_irq_status.val() {
            self.old_word.next = bit_cast::<32, 3>(self.f_stat.val());
        } else if self.r_addr.q.val() == self.o_weight.val() {
            self.old_word.next = bit_cast::<32, 8>(self.weight.val());
            self.reg_ro.next = true;
        } else {
            self.reg_hit.next = false;
        }
        self.w1c.next = self.r_wdata.q.val().get_bits::<3>(0) & self.wmask.val().get_bits::<3>(0);
        self.merged.next = (self.old_word.val() & !self.wmask.val()) | (self.r_wdata.q.val() & self.wmask.val());

        // ---- The control engine.
        if self.state.q.val() == 0 {
            // Clearing the per-function RAMs (writes below).
            self.clear_addr.d.next = self.clear_addr.q.val() + 1;
            if self.clear_addr.q.val() == self.last_function.val() {
                self.state.d.next = 1.into();
            }
        } else if self.state.q.val() == 1 {
            if self.s_reg.req_valid.val() {
                self.s_reg.req_ready.next = true;
                self.cur_fn.d.next = self.s_reg.req_function.val();
                self.r_write.d.next = self.s_reg.req_write.val();
                self.r_addr.d.next = self.s_reg.req_addr.val();
                self.r_wdata.d.next = self.s_reg.req_wdata.val();
                self.r_wstrb.d.next = self.s_reg.req_wstrb.val();
                self.state.d.next = 2.into();
            } else if !self.c_active.q.val() & !self.c_drop.q.val() & self.s_axis_c2h.tvalid.val() {
                if self.s_axis_c2h.tid.val() > self.last_function.val() {
                    self.c_drop.d.next = true;
                } else {
                    self.cur_fn.d.next = self.s_axis_c2h.tid.val();
                    self.c_fn.d.next = self.s_axis_c2h.tid.val();
                    self.c_active.d.next = true;
                    self.c_done_in.d.next = false;
                    self.c_pkt_done.d.next = false;
                    self.state.d.next = 12.into();
                }
            } else {
                self.cur_fn.d.next = self.scan_fn.q.val();
                if self.h_mid.q.val() {
                    self.cur_fn.d.next = self.h_mid_fn.q.val();
                }
                self.state.d.next = 4.into();
            }
        } else if self.state.q.val() == 2 {
            self.state.d.next = 3.into();
        } else if self.state.q.val() == 3 {
            // Answer; a refused access changes nothing.
            self.state.d.next = 1.into();
            self.resp_v.d.next = true;
            self.resp_data.d.next = 0.into();
            self.resp_err.d.next = !self.reg_hit.val() | (self.r_write.q.val() & self.reg_ro.val());
            if !self.r_write.q.val() & self.reg_hit.val() {
                self.resp_data.d.next = self.old_word.val();
            }
            if self.r_write.q.val() & self.reg_hit.val() & !self.reg_ro.val() {
                if self.r_addr.q.val() == self.o_ctrl.val() {
                    self.nf_run.next = self.merged.val().get_bits::<2>(0);
                    self.f_we.next = true;
                    if self.merged.val().get_bit(2) {
                        // Queue reset of this function alone.
                        self.nhp.next = 0.into();
                        self.nhc.next = 0.into();
                        self.ncp.next = 0.into();
                        self.ncc.next = 0.into();
                        self.nf_err.next = 0.into();
                        self.nf_stat.next = 0.into();
                        self.h_we.next = true;
                        self.c_we.next = true;
                        if self.h_mid.q.val() & (self.h_mid_fn.q.val() == self.cur_fn.q.val()) {
                            // Its H2C packet is ended on the stream.
                            self.h_mid.d.next = false;
                            self.tag_push.next = true;
                            self.tag_in.next = 2.into();
                        }
                    }
                } else if self.r_addr.q.val() == self.o_h_base_lo.val() {
                    self.nhb.next = (self.hb.val() & 0xffffffff00000000_u64) | bit_cast::<64, 32>(self.merged.val());
                    self.h_we.next = true;
                } else if self.r_addr.q.val() == self.o_h_base_hi.val() {
                    self.nhb.next = (self.hb.val() & 0xffffffff_u64) | (bit_cast::<64, 32>(self.merged.val()) << 32);
                    self.h_we.next = true;
                } else if self.r_addr.q.val() == self.o_h_size.val() {
                    self.nhl.next = self.merged.val().get_bits::<4>(0);
                    self.h_we.next = true;
                } else if self.r_addr.q.val() == self.o_h_pidx.val() {
                    self.nhp.next = self.merged.val().get_bits::<16>(0);
                    self.h_we.next = true;
                } else if self.r_addr.q.val() == self.o_c_base_lo.val() {
                    self.ncb.next = (self.cb.val() & 0xffffffff00000000_u64) | bit_cast::<64, 32>(self.merged.val());
                    self.c_we.next = true;
                } else if self.r_addr.q.val() == self.o_c_base_hi.val() {
                    self.ncb.next = (self.cb.val() & 0xffffffff_u64) | (bit_cast::<64, 32>(self.merged.val()) << 32);
                    self.c_we.next = true;
                } else if self.r_addr.q.val() == self.o_c_size.val() {
                    self.ncl.next = self.merged.val().get_bits::<4>(0);
                    self.c_we.next = true;
                } else if self.r_addr.q.val() == self.o_c_pidx.val() {
                    self.ncp.next = self.merged.val().get_bits::<16>(0);
                    self.c_we.next = true;
                } else if self.r_addr.q.val() == self.o_irq_mask.val() {
                    self.nf_mask.next = self.merged.val().get_bits::<3>(0);
                    self.f_we.next = true;
                } else if self.r_addr.q.val() == self.o_irq_status.val() {
                    self.nf_stat.next = self.f_stat.val() & !self.w1c.val();
                    self.f_we.next = true;
                }
            }
        } else if self.state.q.val() == 4 {
            self.state.d.next = 5.into();
        } else if self.state.q.val() == 5 {
            // H2C: serve this function, or move the scan on.
            self.state.d.next = 1.into();
            if self.fn_enabled.val() & self.f_run.val().get_bit(0) & (self.f_err.val() == 0) & (self.hp.val() != self.hc.val()) {
                if self.h_bad.val() {
                    self.err_code.d.next = 4.into(); // ERR_RING_CONFIG
                    self.state.d.next = 16.into();
                } else if !self.ar_valid.q.val() & !self.tags_full.val() {
                    self.ar_valid.d.next = true;
                    self.ar_addr.d.next = self.hb.val() + (bit_cast::<64, 16>(self.hc.val()) << 4);
                    self.ar_len.d.next = ((bit_cast::<8, 64>(self.hb.val()) & self.kw_mask.val()) + 15) >> self.log2_kw.val();
                    self.ar_user.d.next = self.cur_fn.q.val();
                    self.d_waddr.d.next = self.hb.val() + (bit_cast::<64, 16>(self.hc.val()) << 4) + 8;
                    self.tag_push.next = true;
                    self.tag_in.next = 1.into();
                    self.tag_in.next = bit_cast::<TAG_BITS, 2>(1.into())
                        | (bit_cast::<TAG_BITS, FW>(self.cur_fn.q.val()) << 2)
                        | (bit_cast::<TAG_BITS, 8>(self.hb.val().get_bits::<8>(0) & self.kw_mask.val()) << 13)
                        | (bit_cast::<TAG_BITS, 13>(16.into()) << 20);
                    self.state.d.next = 6.into();
                } else {
                    self.state.d.next = 4.into();
                }
            } else if self.h_mid.q.val() & (self.h_mid_fn.q.val() == self.cur_fn.q.val()) {
                // The rest of the packet was not posted (or the queue stopped).
                self.err_code.d.next = 7.into(); // ERR_INCOMPLETE
                self.state.d.next = 16.into();
            } else {
                self.served.d.next = 0.into();
                self.scan_fn.d.next = self.scan_fn.q.val() + 1;
                if self.scan_fn.q.val() == self.last_function.val() {
                    self.scan_fn.d.next = 0.into();
                }
            }
        } else if (self.state.q.val() == 6) | (self.state.q.val() == 14) {
            // A descriptor arrives.
            if self.desc_ready.q.val() {
                self.desc_ready.d.next = false;
                self.d_addr.d.next = self.d_acc.q.val().get_bits::<64>(0);
                self.d_len.d.next = self.d_acc.q.val().get_bits::<24>(64);
                self.d_eop.d.next = self.d_acc.q.val().get_bit(96);
                self.d_irq.d.next = self.d_acc.q.val().get_bit(97);
                self.b_addr.d.next = self.d_acc.q.val().get_bits::<64>(0);
                self.b_left.d.next = self.d_acc.q.val().get_bits::<24>(64);
                self.used.d.next = 0.into();
                if self.state.q.val() == 6 {
                    self.state.d.next = 7.into();
                } else {
                    self.state.d.next = 15.into();
                }
                if self.r_error.q.val() {
                    self.err_code.d.next = 6.into(); // ERR_DESC_READ
                    self.state.d.next = 16.into();
                } else if self.d_acc.q.val().get_bits::<24>(64) == 0 {
                    self.err_code.d.next = 3.into(); // ERR_ZERO_LENGTH
                    self.state.d.next = 16.into();
                }
            }
        } else if self.state.q.val() == 7 {
            // H2C data bursts.
            if !self.ar_valid.q.val() & !self.tags_full.val() & (self.outstanding.q.val() < self.max_outstanding.val()) {
                self.ar_valid.d.next = true;
                self.ar_addr.d.next = self.b_addr.q.val();
                self.ar_len.d.next = bit_cast::<8, 24>(self.beats.val() - 1);
                self.ar_user.d.next = self.cur_fn.q.val();
                self.tag_push.next = true;
                self.tag_in.next = (bit_cast::<TAG_BITS, FW>(self.cur_fn.q.val()) << 2)
                    | (bit_cast::<TAG_BITS, 8>(self.b_addr.q.val().get_bits::<8>(0) & self.kw_mask.val()) << 13)
                    | (bit_cast::<TAG_BITS, 24>(self.burst.val()) << 20)
                    | (bit_cast::<TAG_BITS, 1>((self.d_eop.q.val() & (self.burst.val() == self.b_left.q.val())).into()) << 33);
                self.b_addr.d.next = self.b_addr.q.val() + bit_cast::<64, 24>(self.burst.val());
                self.b_left.d.next = self.b_left.q.val() - self.burst.val();
                if self.burst.val() == self.b_left.q.val() {
                    self.state.d.next = 8.into();
                    self.h_mid.d.next = !self.d_eop.q.val();
                    self.h_mid_fn.d.next = self.cur_fn.q.val();
                }
            }
        } else if self.state.q.val() == 8 {
            // Every byte of the descriptor has been read.
            if (self.outstanding.q.val() == 0) & !self.ar_valid.q.val() & self.tags_empty.val() {
                self.wb_c2h.d.next = false;
                self.used.d.next = self.d_len.q.val();
                self.state.d.next = 9.into();
                if self.r_error.q.val() {
                    self.err_code.d.next = 1.into(); // ERR_H2C_READ
                    self.state.d.next = 16.into();
                }
            }
        } else if self.state.q.val() == 9 {
            // Write-back of bytes 8-15: length, flags | DONE.
            if self.slot_free.val() {
                self.aw_valid.d.next = true;
                self.aw_addr.d.next = self.d_waddr.q.val();
                self.aw_user.d.next = self.cur_fn.q.val();
                self.w_valid.d.next = true;
                self.w_data.d.next = bit_cast::<DW, 64>(
                    bit_cast::<64, 24>(self.used.q.val())
                        | (bit_cast::<64, 1>(self.d_eop.q.val().into()) << 32)
                        | (bit_cast::<64, 1>(self.d_irq.q.val().into()) << 33)
                        | (bit_cast::<64, 1>(true.into()) << 63),
                ) << (bit_cast::<11, 8>(self.wb_off.val()) << 3);
                self.w_strb.d.next = self.wb_strb.val() << self.wb_off.val();
                self.state.d.next = 10.into();
            }
        } else if self.state.q.val() == 10 {
            if self.slot_free.val() & (self.writes_out.q.val() == 0) {
                self.state.d.next = 11.into();
                if self.b_error.q.val() {
                    self.err_code.d.next = 2.into(); // ERR_C2H_WRITE
                    self.state.d.next = 16.into();
                }
            }
        } else if self.state.q.val() == 11 {
            // Completion: CIDX, interrupt.
            self.irq_want.next = self.d_irq.q.val();
            if self.wb_c2h.q.val() {
                self.irq_raise.next = self.d_irq.q.val() & !self.f_mask.val().get_bit(1);
            } else {
                self.irq_raise.next = self.d_irq.q.val() & !self.f_mask.val().get_bit(0);
            }
            if !(self.irq_raise.val() & self.irq_v.q.val()) {
                self.state.d.next = 1.into();
                if self.wb_c2h.q.val() {
                    self.ncc.next = (self.cc.val() + 1) & self.ring_mask_c.val();
                    self.c_we.next = true;
                    if self.irq_want.val() {
                        self.nf_stat.next = self.f_stat.val() | 2;
                        self.f_we.next = true;
                    }
                    if self.c_pkt_done.q.val() {
                        self.c_active.d.next = false;
                    } else {
                        self.state.d.next = 12.into();
                    }
                } else {
                    self.nhc.next = (self.hc.val() + 1) & self.ring_mask_h.val();
                    self.h_we.next = true;
                    if self.irq_want.val() {
                        self.nf_stat.next = self.f_stat.val() | 1;
                        self.f_we.next = true;
                    }
                    self.served.d.next = self.served.q.val() + 1;
                    if !self.h_mid.q.val() & (self.served.q.val() + 1 >= self.weight.val()) {
                        self.served.d.next = 0.into();
                        self.scan_fn.d.next = self.scan_fn.q.val() + 1;
                        if self.scan_fn.q.val() == self.last_function.val() {
                            self.scan_fn.d.next = 0.into();
                        }
                    }
                }
                if self.irq_raise.val() {
                    self.irq_v.d.next = true;
                    self.irq_f.d.next = self.cur_fn.q.val();
                    self.irq_vec.d.next = bit_cast::<4, 1>(self.wb_c2h.q.val().into());
                }
            }
        } else if self.state.q.val() == 12 {
            self.state.d.next = 13.into();
        } else if self.state.q.val() == 13 {
            // C2H: the next buffer of this packet's function.
            if !(self.fn_enabled.val() & self.f_run.val().get_bit(1) & (self.f_err.val() == 0)) {
                // Not accepting: the packet is dropped.
                self.c_active.d.next = false;
                self.c_drop.d.next = !self.c_done_in.q.val();
                self.state.d.next = 1.into();
            } else if self.c_bad.val() {
                self.err_code.d.next = 4.into(); // ERR_RING_CONFIG
                self.state.d.next = 16.into();
            } else if self.cp.val() == self.cc.val() {
                self.err_code.d.next = 5.into(); // ERR_NO_BUFFER
                self.state.d.next = 16.into();
            } else if !self.ar_valid.q.val() & !self.tags_full.val() {
                self.ar_valid.d.next = true;
                self.ar_addr.d.next = self.cb.val() + (bit_cast::<64, 16>(self.cc.val()) << 4);
                self.ar_len.d.next = ((bit_cast::<8, 64>(self.cb.val()) & self.kw_mask.val()) + 15) >> self.log2_kw.val();
                self.ar_user.d.next = self.cur_fn.q.val();
                self.d_waddr.d.next = self.cb.val() + (bit_cast::<64, 16>(self.cc.val()) << 4) + 8;
                self.tag_push.next = true;
                self.tag_in.next = bit_cast::<TAG_BITS, 2>(1.into())
                    | (bit_cast::<TAG_BITS, FW>(self.cur_fn.q.val()) << 2)
                    | (bit_cast::<TAG_BITS, 8>(self.cb.val().get_bits::<8>(0) & self.kw_mask.val()) << 13)
                    | (bit_cast::<TAG_BITS, 13>(16.into()) << 20);
                self.state.d.next = 14.into();
            }
        } else if self.state.q.val() == 15 {
            // C2H data: written below, beat by beat, until the buffer is
            // full or the packet ends; then the write-back.
        } else if self.state.q.val() == 16 {
            // Error: record it, stop this function's queues, interrupt.
            self.irq_raise.next = !self.f_mask.val().get_bit(2);
            if !(self.irq_raise.val() & self.irq_v.q.val()) & self.slot_free.val() & (self.writes_out.q.val() == 0) {
                self.nf_err.next = self.err_code.q.val();
                self.nf_run.next = 0.into();
                self.nf_stat.next = self.f_stat.val() | 4;
                self.f_we.next = true;
                self.r_error.d.next = false;
                self.b_error.d.next = false;
                if self.irq_raise.val() {
                    self.irq_v.d.next = true;
                    self.irq_f.d.next = self.cur_fn.q.val();
                    self.irq_vec.d.next = 2.into();
                }
                if self.h_mid.q.val() & (self.h_mid_fn.q.val() == self.cur_fn.q.val()) {
                    self.h_mid.d.next = false;
                    self.tag_push.next = true;
                    self.tag_in.next = bit_cast::<TAG_BITS, 2>(2.into()) | (bit_cast::<TAG_BITS, FW>(self.cur_fn.q.val()) << 2);
                }
                if self.c_active.q.val() & (self.c_fn.q.val() == self.cur_fn.q.val()) {
                    self.c_active.d.next = false;
                    self.c_drop.d.next = !self.c_done_in.q.val();
                }
                self.served.d.next = 0.into();
                self.state.d.next = 1.into();
            }
        }

        // ---- C2H data: unpack the stream into single-beat writes.
        self.in_count.next = 0.into();
        self.in_mask.next = 0.into();
        for i in 0..self.keep_bit.len() {
            if (self.s_axis_c2h.tkeep.val() & self.keep_bit[i].val()).any() {
                self.in_count.next = self.keep_count[i].val();
                self.in_mask.next = self.in_mask.val() | self.byte_mask[i].val();
            }
        }
        self.c_off.next = self.b_addr.q.val().get_bits::<8>(0) & self.kw_mask.val();
        self.c_nmax.next = bit_cast::<24, 8>(self.kw.val() - self.c_off.val());
        if self.b_left.q.val() < self.c_nmax.val() {
            self.c_nmax.next = self.b_left.q.val();
        }
        self.c_n.next = bit_cast::<8, 24>(self.c_nmax.val());
        if bit_cast::<24, 8>(self.c_fill.q.val()) < self.c_nmax.val() {
            self.c_n.next = self.c_fill.q.val();
        }
        self.c_pop.next = false;
        if (self.state.q.val() == 15) & self.slot_free.val() {
            if self.c_done_in.q.val() & (self.c_fill.q.val() == 0) {
                // Packet ended: this buffer is complete with EOP.
                self.c_pkt_done.d.next = true;
                self.d_eop.d.next = true;
                self.wb_c2h.d.next = true;
                self.state.d.next = 9.into();
            } else if (bit_cast::<24, 8>(self.c_fill.q.val()) >= self.c_nmax.val()) | self.c_done_in.q.val() {
                self.c_pop.next = true;
                self.aw_valid.d.next = true;
                self.aw_addr.d.next = self.b_addr.q.val();
                self.aw_user.d.next = self.cur_fn.q.val();
                self.w_valid.d.next = true;
                self.w_data.d.next = bit_cast::<DW, DW2>(self.c_acc.q.val() << (bit_cast::<11, 8>(self.c_off.val()) << 3));
                self.w_strb.d.next = (self.keep_all.val() >> (self.kw.val() - self.c_n.val())) << self.c_off.val();
                self.b_addr.d.next = self.b_addr.q.val() + bit_cast::<64, 8>(self.c_n.val());
                self.b_left.d.next = self.b_left.q.val() - bit_cast::<24, 8>(self.c_n.val());
                self.used.d.next = self.used.q.val() + bit_cast::<24, 8>(self.c_n.val());
                if self.b_left.q.val() == bit_cast::<24, 8>(self.c_n.val()) {
                    // Buffer full: written back; EOP if the packet ends here too.
                    self.d_eop.d.next = self.c_done_in.q.val() & (self.c_fill.q.val() == self.c_n.val());
                    self.c_pkt_done.d.next = self.c_done_in.q.val() & (self.c_fill.q.val() == self.c_n.val());
                    self.wb_c2h.d.next = true;
                    self.state.d.next = 9.into();
                }
            }
        }
        self.c_acc_out.next = self.c_acc.q.val();
        self.c_fill_out.next = self.c_fill.q.val();
        if self.c_pop.val() {
            self.c_acc_out.next = self.c_acc.q.val() >> (bit_cast::<11, 8>(self.c_n.val()) << 3);
            self.c_fill_out.next = self.c_fill.q.val() - self.c_n.val();
        }
        self.c_take.next = self.s_axis_c2h.tvalid.val()
            & (self.c_drop.q.val() | (self.c_active.q.val() & !self.c_done_in.q.val() & (self.c_fill_out.val() <= self.kw.val())));
        self.s_axis_c2h.tready.next = self.c_drop.q.val() | (self.c_active.q.val() & !self.c_done_in.q.val() & (self.c_fill_out.val() <= self.kw.val()));
        self.c_acc.d.next = self.c_acc_out.val();
        self.c_fill.d.next = self.c_fill_out.val();
        if self.c_take.val() {
            if self.c_drop.q.val() {
                if self.s_axis_c2h.tlast.val() {
                    self.c_drop.d.next = false;
                }
            } else {
                self.c_acc.d.next = self.c_acc_out.val()
                    | (bit_cast::<DW2, DW>(self.s_axis_c2h.tdata.val() & self.in_mask.val())
                        << (bit_cast::<11, 8>(self.c_fill_out.val()) << 3));
                self.c_fill.d.next = self.c_fill_out.val() + self.in_count.val();
                self.c_done_in.d.next = self.s_axis_c2h.tlast.val();
            }
        }
        if !self.c_active.q.val() {
            self.c_fill.d.next = 0.into();
            self.c_acc.d.next = 0.into();
        }

        // ---- Host writes: AW and W of single beats, B counted.
        self.m_axi_host.awvalid.next = self.aw_valid.q.val();
        self.m_axi_host.awaddr.next = self.aw_addr.q.val();
        self.m_axi_host.awlen.next = 0.into();
        self.m_axi_host.awsize.next = self.ar_size.val();
        self.m_axi_host.awburst.next = 1.into();
        self.m_axi_host.awuser.next = self.aw_user.q.val();
        self.m_axi_host.wvalid.next = self.w_valid.q.val();
        self.m_axi_host.wdata.next = self.w_data.q.val();
        self.m_axi_host.wstrb.next = self.w_strb.q.val();
        self.m_axi_host.wlast.next = true;
        self.m_axi_host.bready.next = true;
        if self.aw_valid.q.val() & self.m_axi_host.awready.val() {
            self.aw_valid.d.next = false;
        }
        if self.w_valid.q.val() & self.m_axi_host.wready.val() {
            self.w_valid.d.next = false;
        }
        // A write is outstanding from its W beat until its B.
        if (self.w_valid.q.val() & self.m_axi_host.wready.val()) & !self.m_axi_host.bvalid.val() {
            self.writes_out.d.next = self.writes_out.q.val() + 1;
        } else if !(self.w_valid.q.val() & self.m_axi_host.wready.val()) & self.m_axi_host.bvalid.val() {
            self.writes_out.d.next = self.writes_out.q.val() - 1;
        }
        if self.m_axi_host.bvalid.val() & (self.m_axi_host.bresp.val() != 0) {
            self.b_error.d.next = true;
        }
        if ((self.state.q.val() == 9) | (self.state.q.val() == 15)) & self.slot_free.val() & (self.writes_out.q.val() == 0) {
            // Errors are attributed to the function being served: every
            // write of the previous one has been answered by now.
        }

        // ---- Host reads: AR from the engine, R by the tag at the FIFO head.
        self.m_axi_host.arvalid.next = self.ar_valid.q.val();
        self.m_axi_host.araddr.next = self.ar_addr.q.val();
        self.m_axi_host.arlen.next = self.ar_len.q.val();
        self.m_axi_host.arsize.next = self.ar_size.val();
        self.m_axi_host.arburst.next = 1.into();
        self.m_axi_host.aruser.next = self.ar_user.q.val();
        self.tag_ram.write_address.next = bit_cast::<5, 6>(self.tw_ptr.q.val());
        self.tag_ram.write_data.next = self.tag_in.val();
        self.tag_ram.write_enable.next = self.tag_push.val();
        if self.tag_push.val() {
            self.tw_ptr.d.next = self.tw_ptr.q.val() + 1;
        }
        self.tags_head.next = self.tag_ram.read_data.val();
        self.t_kind.next = self.tags_head.val().get_bits::<2>(0);
        self.t_fn.next = self.tags_head.val().get_bits::<FW>(2);
        self.t_s.next = bit_cast::<8, 7>(self.tags_head.val().get_bits::<7>(13));
        self.t_bytes.next = self.tags_head.val().get_bits::<13>(20);
        self.t_eop.next = self.tags_head.val().get_bit(33);
        self.rb_s.next = 0.into();
        self.rb_left.next = self.rc_left.q.val();
        if self.rc_first.q.val() {
            self.rb_s.next = self.t_s.val();
            self.rb_left.next = self.t_bytes.val();
        }
        self.rb_n.next = self.kw.val() - self.rb_s.val();
        if self.rb_left.val() < bit_cast::<13, 8>(self.rb_n.val()) {
            self.rb_n.next = bit_cast::<8, 13>(self.rb_left.val());
        }
        self.rb_data.next = bit_cast::<DW2, DW>(
            (self.m_axi_host.rdata.val() >> (bit_cast::<11, 8>(self.rb_s.val()) << 3))
                & (self.data_all.val() >> (bit_cast::<11, 8>(self.kw.val() - self.rb_n.val()) << 3)),
        );
        if self.m_axi_host.rresp.val() != 0 {
            self.rb_data.next = 0.into();
        }
        // H2C packer: one beat out per cycle when it has one.
        self.g_emit.next = (!self.o_valid.q.val() | self.m_axis_h2c.tready.val())
            & ((self.g_fill.q.val() >= self.kw.val()) | (self.g_flush.q.val() & (self.g_fill.q.val() != 0)));
        self.g_acc_out.next = self.g_acc.q.val();
        self.g_fill_out.next = self.g_fill.q.val();
        if self.m_axis_h2c.tready.val() {
            self.o_valid.d.next = false;
        }
        if self.g_emit.val() {
            self.o_valid.d.next = true;
            self.o_data.d.next = bit_cast::<DW, DW2>(self.g_acc.q.val());
            self.o_tid.d.next = self.g_tid.q.val();
            self.g_acc_out.next = self.g_acc.q.val() >> (bit_cast::<11, 8>(self.kw.val()) << 3);
            if self.g_fill.q.val() >= self.kw.val() {
                self.o_keep.d.next = self.keep_all.val();
                self.g_fill_out.next = self.g_fill.q.val() - self.kw.val();
            } else {
                self.o_keep.d.next = self.keep_all.val() >> (self.kw.val() - self.g_fill.q.val());
                self.g_fill_out.next = 0.into();
            }
            self.o_last.d.next = self.g_flush.q.val() & (self.g_fill.q.val() <= self.kw.val());
            if self.g_flush.q.val() & (self.g_fill.q.val() <= self.kw.val()) {
                self.g_flush.d.next = false;
            }
        }
        self.g_can_take.next = !self.g_flush.q.val() & (self.g_fill_out.val() <= self.kw.val());
        self.m_axi_host.rready.next = false;
        self.tag_pop.next = false;
        self.r_fire.next = false;
        self.g_acc.d.next = self.g_acc_out.val();
        self.g_fill.d.next = self.g_fill_out.val();
        if !self.tags_empty.val() {
            if self.t_kind.val() == 2 {
                // End the packet of a function that stopped in its middle.
                if self.g_can_take.val() {
                    self.tag_pop.next = true;
                    self.g_flush.d.next = true;
                    self.g_tid.d.next = self.t_fn.val();
                    if self.g_fill_out.val() == 0 {
                        self.g_fill.d.next = 1.into();
                    }
                }
            } else if self.t_kind.val() == 1 {
                self.m_axi_host.rready.next = true;
                self.r_fire.next = self.m_axi_host.rvalid.val();
                if self.r_fire.val() {
                    if self.rc_first.q.val() {
                        self.d_acc.d.next = self.rb_data.val();
                        self.d_fill.d.next = self.rb_n.val();
                    } else {
                        self.d_acc.d.next = self.d_acc.q.val() | (self.rb_data.val() << (bit_cast::<11, 8>(self.d_fill.q.val()) << 3));
                        self.d_fill.d.next = self.d_fill.q.val() + self.rb_n.val();
                    }
                    if self.m_axi_host.rlast.val() {
                        self.desc_ready.d.next = true;
                    }
                }
            } else {
                self.m_axi_host.rready.next = self.g_can_take.val();
                self.r_fire.next = self.m_axi_host.rvalid.val() & self.g_can_take.val();
                if self.r_fire.val() {
                    self.g_acc.d.next = self.g_acc_out.val() | (self.rb_data.val() << (bit_cast::<11, 8>(self.g_fill_out.val()) << 3));
                    self.g_fill.d.next = self.g_fill_out.val() + self.rb_n.val();
                    self.g_tid.d.next = self.t_fn.val();
                    if self.m_axi_host.rlast.val() & self.t_eop.val() {
                        self.g_flush.d.next = true;
                    }
                }
            }
        }
        if self.r_fire.val() {
            self.rc_first.d.next = self.m_axi_host.rlast.val();
            self.rc_left.d.next = self.rb_left.val() - bit_cast::<13, 8>(self.rb_n.val());
            if self.m_axi_host.rresp.val() != 0 {
                self.r_error.d.next = true;
            }
            if self.m_axi_host.rlast.val() {
                self.tag_pop.next = true;
            }
        }
        // Read ahead: the RAM shows the head after this cycle's pop.
        self.tr_next.next = self.tr_ptr.q.val() + 1;
        self.tag_ram.read_address.next = bit_cast::<5, 6>(self.tr_ptr.q.val());
        if self.tag_pop.val() {
            self.tr_ptr.d.next = self.tr_next.val();
            self.tag_ram.read_address.next = bit_cast::<5, 6>(self.tr_next.val());
        }
        // Reads in flight: counted from the tag push to the last beat.
        if self.tag_push.val() & (self.tag_in.val().get_bits::<2>(0) != 2) & !(self.tag_pop.val() & (self.t_kind.val() != 2)) {
            self.outstanding.d.next = self.outstanding.q.val() + 1;
        } else if !(self.tag_push.val() & (self.tag_in.val().get_bits::<2>(0) != 2)) & self.tag_pop.val() & (self.t_kind.val() != 2) {
            self.outstanding.d.next = self.outstanding.q.val() - 1;
        }
        self.m_axis_h2c.tvalid.next = self.o_valid.q.val();
        self.m_axis_h2c.tdata.next = self.o_data.q.val();
        self.m_axis_h2c.tkeep.next = self.o_keep.q.val();
        self.m_axis_h2c.tlast.next = self.o_last.q.val();
        self.m_axis_h2c.tid.next = self.o_tid.q.val();
        if self.g_emit.val() {
            self.o_valid.d.next = true;
        }

        // ---- Interrupt request.
        self.irq_valid.next = self.irq_v.q.val();
        self.irq_function.next = self.irq_f.q.val();
        self.irq_vector.next = self.irq_vec.q.val();
        if self.irq_v.q.val() & self.irq_ready.val() {
            self.irq_v.d.next = false;
        }

        // ---- Register bus answer.
        self.s_reg.resp_valid.next = self.resp_v.q.val();
        self.s_reg.resp_rdata.next = self.resp_data.q.val();
        self.s_reg.resp_error.next = self.resp_err.q.val();

        // ---- RAM writes: clearing after reset, else the engine's updates.
        self.h2c_ring.write_address.next = self.cur_fn.q.val();
        self.c2h_ring.write_address.next = self.cur_fn.q.val();
        self.fn_state.write_address.next = self.cur_fn.q.val();
        self.h2c_ring.write_data.next = bit_cast::<RING_BITS, 64>(self.nhb.val())
            | (bit_cast::<RING_BITS, 4>(self.nhl.val()) << 64)
            | (bit_cast::<RING_BITS, 16>(self.nhp.val()) << 68)
            | (bit_cast::<RING_BITS, 16>(self.nhc.val()) << 84);
        self.c2h_ring.write_data.next = bit_cast::<RING_BITS, 64>(self.ncb.val())
            | (bit_cast::<RING_BITS, 4>(self.ncl.val()) << 64)
            | (bit_cast::<RING_BITS, 16>(self.ncp.val()) << 68)
            | (bit_cast::<RING_BITS, 16>(self.ncc.val()) << 84);
        self.fn_state.write_data.next = bit_cast::<FN_BITS, 2>(self.nf_run.val())
            | (bit_cast::<FN_BITS, 4>(self.nf_err.val()) << 2)
            | (bit_cast::<FN_BITS, 3>(self.nf_mask.val()) << 6)
            | (bit_cast::<FN_BITS, 3>(self.nf_stat.val()) << 9);
        self.h2c_ring.write_enable.next = self.h_we.val();
        self.c2h_ring.write_enable.next = self.c_we.val();
        self.fn_state.write_enable.next = self.f_we.val();
        self.enable_ram.write_address.next = self.s_fnctl_function.val();
        self.enable_ram.write_data.next = bit_cast::<1, 1>(self.s_fnctl_enable.val().into());
        self.enable_ram.write_enable.next = self.s_fnctl_valid.val() & (self.s_fnctl_function.val() <= self.last_function.val());
        self.weight_ram.write_address.next = self.s_qos_function.val();
        self.weight_ram.write_data.next = self.s_qos_weight.val();
        self.weight_ram.write_enable.next = self.s_qos_valid.val() & (self.s_qos_function.val() <= self.last_function.val());
        if self.state.q.val() == 0 {
            self.h2c_ring.write_address.next = self.clear_addr.q.val();
            self.c2h_ring.write_address.next = self.clear_addr.q.val();
            self.fn_state.write_address.next = self.clear_addr.q.val();
            self.enable_ram.write_address.next = self.clear_addr.q.val();
            self.weight_ram.write_address.next = self.clear_addr.q.val();
            self.h2c_ring.write_data.next = 0.into();
            self.c2h_ring.write_data.next = 0.into();
            self.fn_state.write_data.next = 0.into();
            self.enable_ram.write_data.next = 0.into();
            self.weight_ram.write_data.next = 1.into();
            self.h2c_ring.write_enable.next = true;
            self.c2h_ring.write_enable.next = true;
            self.fn_state.write_enable.next = true;
            self.enable_ram.write_enable.next = true;
            self.weight_ram.write_enable.next = true;
        }

        if self.rst.val() {
            self.state.d.next = 0.into();
            self.clear_addr.d.next = 0.into();
            self.scan_fn.d.next = 0.into();
            self.served.d.next = 0.into();
            self.resp_v.d.next = false;
            self.h_mid.d.next = false;
            self.ar_valid.d.next = false;
            self.outstanding.d.next = 0.into();
            self.tw_ptr.d.next = 0.into();
            self.tr_ptr.d.next = 0.into();
            self.tw_seen.d.next = 0.into();
            self.r_error.d.next = false;
            self.aw_valid.d.next = false;
            self.w_valid.d.next = false;
            self.writes_out.d.next = 0.into();
            self.b_error.d.next = false;
            self.irq_v.d.next = false;
            self.rc_first.d.next = true;
            self.desc_ready.d.next = false;
            self.g_fill.d.next = 0.into();
            self.g_flush.d.next = false;
            self.o_valid.d.next = false;
            self.c_active.d.next = false;
            self.c_drop.d.next = false;
            self.c_fill.d.next = 0.into();
        }
    }
}
