//! Models of what the `pcie` block serves, for testing it alone: the
//! shell's BAR (an AXI4-Lite slave with registers) and the shell's AXI4
//! masters (host DMA: reads and writes; prc: 32-bit reads), each checking
//! every answer it gets.

use std::collections::{HashMap, VecDeque};

use crate::axicheck::HandshakeChecker;
use crate::{Model, PortId, Rng};

/// Response of the BAR model by offset in a window: SLVERR from 0xf00, DECERR in 0xe00..0xf00.
pub fn bar_resp(offset: u32) -> u64 {
    match offset {
        0xf00.. => 2,
        0xe00.. => 3,
        _ => 0,
    }
}

/// The shell's BAR: an AXI4-Lite slave with a register per address.
pub struct BarSlave {
    p: HashMap<&'static str, PortId>,
    rng: Rng,
    pub regs: HashMap<u32, u32>,
    pub ready_prob: f64,
    aw: Option<u32>,
    w: Option<(u32, u32)>,
    b: Option<u64>,
    r: Option<(u32, u64)>,
    ar_ok: bool,
    aw_ok: bool,
    w_ok: bool,
    ar_check: HandshakeChecker,
    aw_check: HandshakeChecker,
    w_check: HandshakeChecker,
    /// Accesses: (is_write, address).
    pub log: Vec<(bool, u32)>,
}

impl BarSlave {
    pub fn new(m: &Model, rng: Rng) -> Self {
        let n = [
            "awaddr", "awvalid", "awready", "wdata", "wstrb", "wvalid", "wready", "bresp", "bvalid", "bready", "araddr",
            "arvalid", "arready", "rdata", "rresp", "rvalid", "rready",
        ];
        let p = n.iter().map(|s| (*s, m.port(&format!("m_axil_bar_{s}")))).collect();
        BarSlave {
            p,
            rng,
            regs: HashMap::new(),
            ready_prob: 1.0,
            aw: None,
            w: None,
            b: None,
            r: None,
            ar_ok: false,
            aw_ok: false,
            w_ok: false,
            ar_check: HandshakeChecker::new(m, "BAR AR", "m_axil_bar_arvalid", "m_axil_bar_arready", &["m_axil_bar_araddr"]),
            aw_check: HandshakeChecker::new(m, "BAR AW", "m_axil_bar_awvalid", "m_axil_bar_awready", &["m_axil_bar_awaddr"]),
            w_check: HandshakeChecker::new(
                m,
                "BAR W",
                "m_axil_bar_wvalid",
                "m_axil_bar_wready",
                &["m_axil_bar_wdata", "m_axil_bar_wstrb"],
            ),
            log: Vec::new(),
        }
    }

    pub fn drive(&mut self, m: &mut Model) {
        self.ar_ok = self.r.is_none() && self.rng.chance(self.ready_prob);
        self.aw_ok = self.aw.is_none() && self.b.is_none() && self.rng.chance(self.ready_prob);
        self.w_ok = self.w.is_none() && self.b.is_none() && self.rng.chance(self.ready_prob);
        m.set(self.p["arready"], self.ar_ok as u64);
        m.set(self.p["awready"], self.aw_ok as u64);
        m.set(self.p["wready"], self.w_ok as u64);
        let r_on = self.r.is_some() && self.rng.chance(self.ready_prob);
        m.set(self.p["rvalid"], r_on as u64);
        if let Some((d, resp)) = self.r {
            m.set(self.p["rdata"], d as u64);
            m.set(self.p["rresp"], resp);
        }
        m.set(self.p["bvalid"], self.b.is_some() as u64);
        m.set(self.p["bresp"], self.b.unwrap_or(0));
    }

    pub fn sample(&mut self, m: &Model) -> Result<(), String> {
        let g = |n: &str| m.get(self.p[n]);
        self.ar_check.check(m)?;
        self.aw_check.check(m)?;
        self.w_check.check(m)?;
        if g("rvalid") == 1 && g("rready") == 1 {
            self.r = None;
        }
        if g("bvalid") == 1 && g("bready") == 1 {
            self.b = None;
        }
        if self.ar_ok && g("arvalid") == 1 {
            let a = g("araddr") as u32;
            if a & 3 != 0 {
                return Err(format!("BAR: read address {a:#x} not dword aligned"));
            }
            self.log.push((false, a));
            let resp = bar_resp(a & 0xfff);
            self.r = Some((if resp == 0 { *self.regs.get(&a).unwrap_or(&0) } else { 0 }, resp));
        }
        if self.aw_ok && g("awvalid") == 1 {
            self.aw = Some(g("awaddr") as u32);
        }
        if self.w_ok && g("wvalid") == 1 {
            self.w = Some((g("wdata") as u32, g("wstrb") as u32));
        }
        if let (Some(a), Some((d, s))) = (self.aw, self.w) {
            if a & 3 != 0 {
                return Err(format!("BAR: write address {a:#x} not dword aligned"));
            }
            self.log.push((true, a));
            let resp = bar_resp(a & 0xfff);
            if resp == 0 {
                let old = *self.regs.get(&a).unwrap_or(&0);
                let mask = (0..4).filter(|b| s >> b & 1 == 1).fold(0u32, |m, b| m | 0xff << (8 * b));
                self.regs.insert(a, (old & !mask) | (d & mask));
            }
            self.b = Some(resp);
            self.aw = None;
            self.w = None;
        }
        Ok(())
    }
}

/// One read burst.
struct ReadOp {
    addr: u64,
    beats: u64,
    function: u32,
}

/// An AXI4 master of the shell (`s_axi_<name>_*` of the block): read bursts
/// (and, for the host port, write bursts), every R beat checked.
pub struct AxiMaster {
    p: HashMap<String, PortId>,
    rng: Rng,
    /// Bytes per data beat.
    pub kw: u64,
    pub valid_prob: f64,
    pub ready_prob: f64,
    ar_q: VecDeque<(u64, u64, u32)>,
    ar_on: bool,
    reads: VecDeque<ReadOp>,
    r_beat: u64,
    aw_q: VecDeque<(u64, u64, u32)>,
    aw_on: bool,
    w_q: VecDeque<(Vec<u8>, Vec<u8>, bool)>,
    w_on: bool,
    rready: bool,
    pub b_expected: u64,
    pub b_seen: u64,
    pub r_beats: u64,
    pub error_beats: u64,
    r_check: HandshakeChecker,
    b_check: Option<HandshakeChecker>,
}

impl AxiMaster {
    pub fn new(m: &Model, name: &str, rng: Rng) -> Self {
        let mut p = HashMap::new();
        for s in [
            "awaddr", "awlen", "awsize", "awburst", "awuser", "awvalid", "awready", "wdata", "wstrb", "wlast", "wvalid",
            "wready", "bresp", "bvalid", "bready", "araddr", "arlen", "arsize", "arburst", "aruser", "arvalid", "arready",
            "rdata", "rresp", "rlast", "rvalid", "rready",
        ] {
            let n = format!("s_axi_{name}_{s}");
            if m.has_port(&n) {
                p.insert(s.to_string(), m.port(&n));
            }
        }
        let kw = m.port_width(p["rdata"]) as u64 / 8;
        let pre = format!("s_axi_{name}_");
        let r_check = HandshakeChecker::new(
            m,
            &format!("{name} R"),
            &format!("{pre}rvalid"),
            &format!("{pre}rready"),
            &[&format!("{pre}rdata"), &format!("{pre}rresp"), &format!("{pre}rlast")],
        );
        let b_check = p.contains_key("bvalid").then(|| {
            HandshakeChecker::new(m, &format!("{name} B"), &format!("{pre}bvalid"), &format!("{pre}bready"), &[&format!("{pre}bresp")])
        });
        AxiMaster {
            p,
            rng,
            kw,
            valid_prob: 1.0,
            ready_prob: 1.0,
            ar_q: VecDeque::new(),
            ar_on: false,
            reads: VecDeque::new(),
            r_beat: 0,
            aw_q: VecDeque::new(),
            aw_on: false,
            w_q: VecDeque::new(),
            w_on: false,
            rready: false,
            b_expected: 0,
            b_seen: 0,
            r_beats: 0,
            error_beats: 0,
            r_check,
            b_check,
        }
    }

    /// A read burst of `beats` beats from `addr` (within one 4 KiB page).
    pub fn read(&mut self, function: u32, addr: u64, beats: u64) {
        self.ar_q.push_back((addr, beats, function));
        self.reads.push_back(ReadOp { addr, beats, function });
    }

    /// A write burst of `data` at `addr` (within one 4 KiB page).
    pub fn write(&mut self, function: u32, addr: u64, data: &[u8]) {
        let kw = self.kw;
        let base = addr & !(kw - 1);
        let end = addr + data.len() as u64;
        let beats = (end - base).div_ceil(kw);
        self.aw_q.push_back((addr, beats, function));
        for b in 0..beats {
            let mut d = vec![0u8; kw as usize];
            let mut s = vec![0u8; kw as usize / 8];
            for i in 0..kw {
                let a = base + b * kw + i;
                if a >= addr && a < end {
                    d[i as usize] = data[(a - addr) as usize];
                    s[i as usize / 8] |= 1 << (i % 8);
                }
            }
            self.w_q.push_back((d, s, b + 1 == beats));
        }
        self.b_expected += 1;
    }

    pub fn idle(&self) -> bool {
        self.reads.is_empty() && self.ar_q.is_empty() && self.aw_q.is_empty() && self.w_q.is_empty() && self.b_seen == self.b_expected
    }

    pub fn drive(&mut self, m: &mut Model) {
        if !self.ar_on && !self.ar_q.is_empty() {
            self.ar_on = self.rng.chance(self.valid_prob);
        }
        if let (true, Some(&(addr, beats, f))) = (self.ar_on, self.ar_q.front()) {
            m.set(self.p["araddr"], addr);
            m.set(self.p["arlen"], beats - 1);
            m.set(self.p["arsize"], self.kw.trailing_zeros() as u64);
            m.set(self.p["arburst"], 1);
            m.set(self.p["aruser"], f as u64);
        }
        m.set(self.p["arvalid"], self.ar_on as u64);
        self.rready = self.rng.chance(self.ready_prob);
        m.set(self.p["rready"], self.rready as u64);
        if self.p.contains_key("awvalid") {
            if !self.aw_on && !self.aw_q.is_empty() {
                self.aw_on = self.rng.chance(self.valid_prob);
            }
            if let (true, Some(&(addr, beats, f))) = (self.aw_on, self.aw_q.front()) {
                m.set(self.p["awaddr"], addr);
                m.set(self.p["awlen"], beats - 1);
                m.set(self.p["awsize"], self.kw.trailing_zeros() as u64);
                m.set(self.p["awburst"], 1);
                m.set(self.p["awuser"], f as u64);
            }
            m.set(self.p["awvalid"], self.aw_on as u64);
            if !self.w_on && !self.w_q.is_empty() {
                self.w_on = self.rng.chance(self.valid_prob);
            }
            if let (true, Some((d, s, last))) = (self.w_on, self.w_q.front()) {
                m.set_bytes(self.p["wdata"], d);
                m.set_bytes(self.p["wstrb"], s);
                m.set(self.p["wlast"], *last as u64);
            }
            m.set(self.p["wvalid"], self.w_on as u64);
            m.set(self.p["bready"], self.rng.chance(self.ready_prob) as u64);
        }
    }

    /// Takes this cycle's handshakes and checks R against `oracle(function,
    /// address)`: the byte a read must return, or None where it must fail.
    pub fn sample(&mut self, m: &Model, oracle: &dyn Fn(u32, u64) -> Option<u8>) -> Result<(), String> {
        if self.ar_on && m.get(self.p["arready"]) == 1 {
            self.ar_q.pop_front();
            self.ar_on = false;
        }
        if self.aw_on && m.get(self.p["awready"]) == 1 {
            self.aw_q.pop_front();
            self.aw_on = false;
        }
        if self.w_on && m.get(self.p["wready"]) == 1 {
            self.w_q.pop_front();
            self.w_on = false;
        }
        if let Some(b) = self.b_check.as_mut() {
            if b.check(m)? {
                let resp = m.get(self.p["bresp"]);
                if resp != 0 {
                    return Err(format!("B: response {resp}, the block answers writes OKAY (posted)"));
                }
                self.b_seen += 1;
                if self.b_seen > self.b_expected {
                    return Err("B: more responses than write bursts".into());
                }
            }
        }
        if self.r_check.check(m)? {
            let op = self.reads.front().ok_or("R: a beat with no read outstanding")?;
            let (data, resp, last) = (m.get_bytes(self.p["rdata"]), m.get(self.p["rresp"]), m.get(self.p["rlast"]) == 1);
            let what = format!("R beat {} of the read of function {} at {:#x} ({} beats)", self.r_beat, op.function, op.addr, op.beats);
            if last != (self.r_beat + 1 == op.beats) {
                return Err(format!("{what}: rlast {last}"));
            }
            let kw = self.kw;
            let base = (op.addr & !(kw - 1)) + self.r_beat * kw;
            let asked: Vec<u64> = (base..base + kw).filter(|&a| a >= op.addr).collect();
            let expect: Vec<Option<u8>> = asked.iter().map(|&a| oracle(op.function, a)).collect();
            if expect.iter().any(|e| e.is_none()) {
                if expect.iter().any(|e| e.is_some()) {
                    return Err(format!("{what}: the model failed part of a beat (test bug)"));
                }
                if resp != 2 && resp != 3 {
                    return Err(format!("{what}: response {resp}, expected an error"));
                }
                self.error_beats += 1;
            } else {
                if resp != 0 {
                    return Err(format!("{what}: response {resp}, expected OKAY"));
                }
                for (&a, e) in asked.iter().zip(&expect) {
                    let got = data[(a - base) as usize];
                    if Some(got) != *e {
                        return Err(format!("{what}: byte {a:#x} is {got:#04x}, expected {:#04x}", e.unwrap()));
                    }
                }
            }
            self.r_beats += 1;
            self.r_beat += 1;
            if last {
                self.reads.pop_front();
                self.r_beat = 0;
            }
        }
        Ok(())
    }
}
