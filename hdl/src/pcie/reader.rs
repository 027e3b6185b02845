//! Read requests of the `pcie` block: the shell's AXI4 read bursts (host
//! DMA and prc ports) split into PCIe memory read requests.
//!
//! A burst is taken from one port at a time (round robin between the two
//! when both wait) and read in whole beats: its first beat's address rounded
//! down to the beat, `arlen + 1` beats (AXI bursts never cross 4 KiB, so
//! neither do the requests). It is cut into requests of at most
//! `min(max read request size, 16 beats)` (`cfg_max_read_req`: 128 << n
//! bytes), each with a tag from the free pool of the completion side
//! (`completions.rs`), which also learns the request's beats, start and port
//! (`issue_*`) so that it can put the completions back in order. No tag, no
//! request: outstanding reads are bounded by the pool.
//!
//! Descriptor (PG213 RQ, memory read): address, dword count, requester
//! function (the hard block's numbering, from `aruser`) and tag; requester ID
//! enable 0, so the block fills in its bus number.

use crate::skid::Skid;
use crate::FUNCTION_ID_BITS as FW;
use rust_hdl::prelude::*;

/// Address, length and function of one AR, as one register-slice word.
const AR_BITS: usize = 64 + 8 + FW;

#[derive(LogicBlock)]
pub struct Reader {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// The two AR channels (0 = host DMA, 1 = prc).
    pub host_araddr: Signal<In, Bits<64>>,
    pub host_arlen: Signal<In, Bits<8>>,
    pub host_aruser: Signal<In, Bits<FW>>,
    pub host_arvalid: Signal<In, Bit>,
    pub host_arready: Signal<Out, Bit>,
    pub prc_araddr: Signal<In, Bits<64>>,
    pub prc_arlen: Signal<In, Bits<8>>,
    pub prc_aruser: Signal<In, Bits<FW>>,
    pub prc_arvalid: Signal<In, Bit>,
    pub prc_arready: Signal<Out, Bit>,
    /// The prc port is 32 bits wide: each of its bursts is read as the
    /// beats that hold its words, and its first word and word count go to
    /// the width converter (`narrow.rs`); no prc burst is taken while its
    /// FIFO is full.
    pub prc_meta_valid: Signal<Out, Bit>,
    pub prc_meta_first: Signal<Out, Bits<4>>,
    pub prc_meta_words: Signal<Out, Bits<9>>,
    pub prc_meta_full: Signal<In, Bit>,
    /// Max read request size code (PG213 `cfg_max_read_req`).
    pub cfg_max_read_req: Signal<In, Bits<3>>,
    /// A free tag (from the completion side's pool).
    pub tag_avail: Signal<In, Bit>,
    pub tag: Signal<In, Bits<5>>,
    /// One request issued with `tag`: its beats, whether it ends its burst,
    /// its port and its start address's low 12 bits.
    pub issue: Signal<Out, Bit>,
    pub issue_beats: Signal<Out, Bits<5>>,
    pub issue_last: Signal<Out, Bit>,
    pub issue_port: Signal<Out, Bit>,
    pub issue_start: Signal<Out, Bits<12>>,
    /// The request's descriptor, to the RQ multiplexer.
    pub rd_valid: Signal<Out, Bit>,
    pub rd_ready: Signal<In, Bit>,
    pub rd_desc: Signal<Out, Bits<128>>,

    /// log2 of the beat's bytes, and the beat's address mask.
    beat_log2: Constant<Bits<4>>,
    beat_mask: Constant<Bits<64>>,
    dword_log2: Constant<Bits<4>>,
    one: Constant<Bits<9>>,
    host_ar: Skid<Bits<AR_BITS>>,
    prc_ar: Skid<Bits<AR_BITS>>,
    busy: DFF<Bit>,
    prefer_prc: DFF<Bit>,
    addr: DFF<Bits<64>>,
    left: DFF<Bits<9>>,
    req_fn: DFF<Bits<8>>,
    port: DFF<Bit>,
    out_valid: DFF<Bit>,
    out_desc: DFF<Bits<128>>,
    low_mask: Constant<Bits<13>>,
    ar_off: Signal<Local, Bits<13>>,
    pick_host: Signal<Local, Bit>,
    pick_prc: Signal<Local, Bit>,
    ar: Signal<Local, Bits<AR_BITS>>,
    ar_fn: Signal<Local, Bits<FW>>,
    shift: Signal<Local, Bits<4>>,
    chunk: Signal<Local, Bits<9>>,
    n: Signal<Local, Bits<9>>,
    go: Signal<Local, Bit>,
}

impl Reader {
    /// A reader for a `DW`-bit data path.
    pub fn new(dw: usize) -> Self {
        let bytes = (dw / 8) as u64;
        Self {
            clk: Default::default(),
            rst: Default::default(),
            host_araddr: Default::default(),
            host_arlen: Default::default(),
            host_aruser: Default::default(),
            host_arvalid: Default::default(),
            host_arready: Default::default(),
            prc_araddr: Default::default(),
            prc_arlen: Default::default(),
            prc_aruser: Default::default(),
            prc_arvalid: Default::default(),
            prc_arready: Default::default(),
            prc_meta_valid: Default::default(),
            prc_meta_first: Default::default(),
            prc_meta_words: Default::default(),
            prc_meta_full: Default::default(),
            cfg_max_read_req: Default::default(),
            tag_avail: Default::default(),
            tag: Default::default(),
            issue: Default::default(),
            issue_beats: Default::default(),
            issue_last: Default::default(),
            issue_port: Default::default(),
            issue_start: Default::default(),
            rd_valid: Default::default(),
            rd_ready: Default::default(),
            rd_desc: Default::default(),
            beat_log2: Constant::new((bytes.trailing_zeros() as u64).into()),
            beat_mask: Constant::new((!(bytes - 1)).into()),
            dword_log2: Constant::new(((bytes / 4).trailing_zeros() as u64).into()),
            one: Constant::new(1u64.into()),
            host_ar: Default::default(),
            prc_ar: Default::default(),
            busy: Default::default(),
            prefer_prc: Default::default(),
            addr: Default::default(),
            left: Default::default(),
            req_fn: Default::default(),
            port: Default::default(),
            out_valid: Default::default(),
            out_desc: Default::default(),
            low_mask: Constant::new((bytes - 1).into()),
            ar_off: Default::default(),
            pick_host: Default::default(),
            pick_prc: Default::default(),
            ar: Default::default(),
            ar_fn: Default::default(),
            shift: Default::default(),
            chunk: Default::default(),
            n: Default::default(),
            go: Default::default(),
        }
    }
}

impl Logic for Reader {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clk, busy, prefer_prc, addr, left, req_fn, port, out_valid, out_desc);
        self.host_ar.clk.next = self.clk.val();
        self.prc_ar.clk.next = self.clk.val();
        self.host_ar.rst.next = self.rst.val();
        self.prc_ar.rst.next = self.rst.val();
        self.host_ar.s_valid.next = self.host_arvalid.val();
        self.host_ar.s_data.next = bit_cast::<AR_BITS, 64>(self.host_araddr.val())
            | (bit_cast::<AR_BITS, 8>(self.host_arlen.val()) << 64)
            | (bit_cast::<AR_BITS, FW>(self.host_aruser.val()) << 72);
        self.host_arready.next = self.host_ar.s_ready.val();
        self.prc_ar.s_valid.next = self.prc_arvalid.val();
        self.prc_ar.s_data.next = bit_cast::<AR_BITS, 64>(self.prc_araddr.val())
            | (bit_cast::<AR_BITS, 8>(self.prc_arlen.val()) << 64)
            | (bit_cast::<AR_BITS, FW>(self.prc_aruser.val()) << 72);
        self.prc_arready.next = self.prc_ar.s_ready.val();

        // ---- Take a burst (round robin between the ports).
        self.pick_host.next = false;
        self.pick_prc.next = false;
        if !self.busy.q.val() {
            if self.prc_ar.m_valid.val()
                & !self.prc_meta_full.val()
                & (self.prefer_prc.q.val() | !self.host_ar.m_valid.val())
            {
                self.pick_prc.next = true;
            } else if self.host_ar.m_valid.val() {
                self.pick_host.next = true;
            }
        }
        self.host_ar.m_ready.next = self.pick_host.val();
        self.prc_ar.m_ready.next = self.pick_prc.val();
        self.ar.next = self.host_ar.m_data.val();
        if self.pick_prc.val() {
            self.ar.next = self.prc_ar.m_data.val();
        }
        self.ar_fn.next = self.ar.val().get_bits::<FW>(72);
        self.ar_off.next = bit_cast::<13, 12>(self.ar.val().get_bits::<12>(0)) & self.low_mask.val();
        self.prc_meta_valid.next = self.pick_prc.val();
        self.prc_meta_first.next = bit_cast::<4, 13>(self.ar_off.val() >> 2);
        self.prc_meta_words.next = bit_cast::<9, 8>(self.ar.val().get_bits::<8>(64)) + 1;
        if self.pick_host.val() | self.pick_prc.val() {
            self.busy.d.next = true;
            self.prefer_prc.d.next = self.pick_host.val();
            self.port.d.next = self.pick_prc.val();
            self.addr.d.next = self.ar.val().get_bits::<64>(0) & self.beat_mask.val();
            self.left.d.next = bit_cast::<9, 8>(self.ar.val().get_bits::<8>(64)) + 1;
            if self.pick_prc.val() {
                // Beats holding words [off / 4, off / 4 + arlen + 1).
                self.left.d.next = bit_cast::<9, 13>(
                    ((self.ar_off.val() + (bit_cast::<13, 9>(self.prc_meta_words.val()) << 2) - 1) >> self.beat_log2.val()) + 1,
                );
            }
            // Our function f is the hard block's 0 (PF) or f + 3 (VF f).
            self.req_fn.d.next = bit_cast::<8, FW>(self.ar_fn.val()) + 3;
            if self.ar_fn.val() == 0 {
                self.req_fn.d.next = 0.into();
            }
        }

        // ---- Cut it into requests of at most the chunk's beats.
        self.shift.next = bit_cast::<4, 3>(self.cfg_max_read_req.val()) + 7 - self.beat_log2.val();
        self.chunk.next = 16.into();
        if self.shift.val() < 4 {
            self.chunk.next = self.one.val() << self.shift.val();
        }
        self.n.next = self.chunk.val();
        if self.left.q.val() < self.chunk.val() {
            self.n.next = self.left.q.val();
        }
        self.go.next = self.busy.q.val() & self.tag_avail.val() & (!self.out_valid.q.val() | self.rd_ready.val());
        self.issue.next = self.go.val();
        self.issue_beats.next = bit_cast::<5, 9>(self.n.val());
        self.issue_last.next = self.left.q.val() == self.n.val();
        self.issue_port.next = self.port.q.val();
        self.issue_start.next = self.addr.q.val().get_bits::<12>(0);
        if self.out_valid.q.val() & self.rd_ready.val() {
            self.out_valid.d.next = false;
        }
        if self.go.val() {
            self.out_valid.d.next = true;
            self.out_desc.d.next = bit_cast::<128, 64>(self.addr.q.val())
                | ((bit_cast::<128, 9>(self.n.val()) << self.dword_log2.val()) << 64)
                | (bit_cast::<128, 8>(self.req_fn.q.val()) << 80)
                | (bit_cast::<128, 5>(self.tag.val()) << 96);
            self.addr.d.next = self.addr.q.val() + (bit_cast::<64, 9>(self.n.val()) << self.beat_log2.val());
            self.left.d.next = self.left.q.val() - self.n.val();
            if self.left.q.val() == self.n.val() {
                self.busy.d.next = false;
            }
        }
        self.rd_valid.next = self.out_valid.q.val();
        self.rd_desc.next = self.out_desc.q.val();
        if self.rst.val() {
            self.busy.d.next = false;
            self.out_valid.d.next = false;
        }
    }
}
