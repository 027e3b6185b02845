//! Host memory behind an IOMMU, as an AXI4 slave for a model's
//! `m_axi_host_*` port: configurable latency, a cap on outstanding reads,
//! random stalls; every access checked on every cycle (function number on
//! `aruser`/`awuser` within the design's functions, no burst across 4 KiB,
//! each page allowed for that function). A refused access is answered with
//! SLVERR and recorded in [`Iommu::violations`]. Write errors can also be
//! injected ([`HostMem::write_faults`]): SLVERR or DECERR on B.

use std::collections::{BTreeMap, HashMap, VecDeque};

use crate::{Model, PortId, Rng};

pub const PAGE: u64 = 4096;

/// Which pages each function may read and write.
#[derive(Debug, Default, Clone)]
pub struct Iommu {
    perms: HashMap<(u32, u64), (bool, bool)>,
    /// Refused accesses: (function, address, is_write).
    pub violations: Vec<(u32, u64, bool)>,
}

impl Iommu {
    /// Lets `function` read (and, if `write`, write) the pages of `[addr, addr+len)`.
    pub fn map(&mut self, function: u32, addr: u64, len: u64, write: bool) {
        let mut p = addr / PAGE;
        while p * PAGE < addr + len.max(1) {
            self.perms.insert((function, p), (true, write));
            p += 1;
        }
    }

    /// Takes back every permission of `function` on the pages of `[addr, addr+len)`.
    pub fn unmap(&mut self, function: u32, addr: u64, len: u64) {
        let mut p = addr / PAGE;
        while p * PAGE < addr + len.max(1) {
            self.perms.remove(&(function, p));
            p += 1;
        }
    }

    /// Functions that may touch the page of `addr` (any access).
    pub fn functions_of(&self, addr: u64) -> Vec<u32> {
        let mut v: Vec<u32> = self.perms.keys().filter(|k| k.1 == addr / PAGE).map(|k| k.0).collect();
        v.sort();
        v
    }

    pub fn allows(&self, function: u32, addr: u64, write: bool) -> bool {
        match self.perms.get(&(function, addr / PAGE)) {
            Some(&(r, w)) => if write { w } else { r },
            None => false,
        }
    }
}

#[derive(Debug)]
struct ReadJob {
    addr: u64,
    beats: u64,
    function: u32,
    ok: bool,
    ready_at: u64,
}

#[derive(Debug)]
struct WriteJob {
    addr: u64,
    beats: u64,
    function: u32,
    ok: bool,
    /// BRESP: 0 OKAY, 2 SLVERR, 3 DECERR.
    resp: u8,
}

/// An injected write error: the writes of `function` whose burst starts in
/// `[start, end)` are answered with `resp` on B (2 SLVERR, 3 DECERR) and
/// their data is not written. `hits` counts them.
#[derive(Debug, Clone)]
pub struct WriteFault {
    pub function: u32,
    pub start: u64,
    pub end: u64,
    pub resp: u8,
    pub hits: u64,
}

/// The host memory and its AXI4 slave port.
pub struct HostMem {
    pub mem: BTreeMap<u64, Vec<u8>>,
    pub iommu: Iommu,
    /// Cycles from AR (or the last W) to R (or B).
    pub latency: u64,
    /// Reads in flight at most (`arready` low beyond).
    pub max_reads: usize,
    pub functions: u32,
    /// Probability of `rvalid`/`awready`/`wready` when the slave could.
    pub ready_prob: f64,
    rng: Rng,
    kw: u64,
    cycle: u64,
    reads: VecDeque<ReadJob>,
    r_beat: u64,
    aws: VecDeque<WriteJob>,
    w_beat: u64,
    bs: VecDeque<(u64, u8)>,
    p: HashMap<&'static str, PortId>,
    r_on: bool,
    b_on: bool,
    /// Host accesses seen per function (reads, writes), for the tests.
    pub accesses: BTreeMap<u32, (u64, u64)>,
    /// Data beats moved on R and W.
    pub r_beats: u64,
    pub w_beats: u64,
    /// Write errors to inject (checked at each AW, first match wins).
    pub write_faults: Vec<WriteFault>,
}

impl HostMem {
    pub fn new(m: &Model, prefix: &str, functions: u32, latency: u64, rng: Rng) -> Self {
        let names = [
            "awaddr", "awlen", "awsize", "awburst", "awuser", "awvalid", "awready", "wdata", "wstrb", "wlast", "wvalid",
            "wready", "bresp", "bvalid", "bready", "araddr", "arlen", "arsize", "arburst", "aruser", "arvalid", "arready",
            "rdata", "rresp", "rlast", "rvalid", "rready",
        ];
        let p: HashMap<&'static str, PortId> = names.iter().map(|n| (*n, m.port(&format!("{prefix}_{n}")))).collect();
        let kw = m.port_width(p["wdata"]) as u64 / 8;
        HostMem { kw, p, ..HostMem::detached(functions, latency, rng) }
    }

    /// The memory and its IOMMU without an AXI4 port (`drive` and `sample`
    /// must not be called): for a platform whose host port is another model,
    /// as the PCIe one (`crate::pcie::platform`).
    pub fn detached(functions: u32, latency: u64, rng: Rng) -> Self {
        HostMem {
            mem: BTreeMap::new(),
            iommu: Iommu::default(),
            latency,
            max_reads: 64,
            functions,
            ready_prob: 1.0,
            rng,
            kw: 0,
            cycle: 0,
            reads: VecDeque::new(),
            r_beat: 0,
            aws: VecDeque::new(),
            w_beat: 0,
            bs: VecDeque::new(),
            p: HashMap::new(),
            r_on: false,
            b_on: false,
            accesses: BTreeMap::new(),
            r_beats: 0,
            w_beats: 0,
            write_faults: Vec::new(),
        }
    }

    pub fn read_bytes(&self, addr: u64, len: usize) -> Vec<u8> {
        (0..len as u64).map(|i| self.byte(addr + i)).collect()
    }

    pub fn byte(&self, a: u64) -> u8 {
        self.mem.get(&(a / PAGE)).map(|p| p[(a % PAGE) as usize]).unwrap_or(0)
    }

    pub fn write_bytes(&mut self, addr: u64, data: &[u8]) {
        for (i, b) in data.iter().enumerate() {
            let a = addr + i as u64;
            self.mem.entry(a / PAGE).or_insert_with(|| vec![0; PAGE as usize])[(a % PAGE) as usize] = *b;
        }
    }

    /// Sets the slave's outputs for this cycle.
    pub fn drive(&mut self, m: &mut Model) {
        let p = &self.p;
        m.set(p["arready"], (self.reads.len() < self.max_reads) as u64);
        m.set(p["awready"], self.rng.chance(self.ready_prob) as u64);
        m.set(p["wready"], (!self.aws.is_empty() && self.rng.chance(self.ready_prob)) as u64);
        self.r_on = false;
        if let Some(j) = self.reads.front() {
            if j.ready_at <= self.cycle && self.rng.chance(self.ready_prob) {
                self.r_on = true;
                let base = (j.addr & !(self.kw - 1)) + self.r_beat * self.kw;
                let data: Vec<u8> = if j.ok { (0..self.kw).map(|i| self.byte(base + i)).collect() } else { vec![0; self.kw as usize] };
                m.set_bytes(p["rdata"], &data);
                m.set(p["rresp"], if j.ok { 0 } else { 2 });
                m.set(p["rlast"], (self.r_beat + 1 == j.beats) as u64);
            }
        }
        m.set(p["rvalid"], self.r_on as u64);
        self.b_on = matches!(self.bs.front(), Some(&(t, _)) if t <= self.cycle);
        m.set(p["bvalid"], self.b_on as u64);
        if let Some(&(_, resp)) = self.bs.front() {
            m.set(p["bresp"], resp as u64);
        }
    }

    /// Takes this cycle's handshakes (after `eval`, before `tick`) and checks them.
    pub fn sample(&mut self, m: &Model) -> Result<(), String> {
        let p = self.p.clone();
        let g = |n: &str| m.get(p[n]);
        if g("arvalid") == 1 && g("arready") == 1 {
            let (addr, beats, f) = (g("araddr"), g("arlen") + 1, g("aruser") as u32);
            if f >= self.functions {
                return Err(format!("read at {addr:#x} carries function {f}, beyond the design's {}", self.functions));
            }
            if g("arburst") != 1 || 1u64 << g("arsize") != self.kw {
                return Err(format!("read at {addr:#x}: burst type or size is not INCR of full beats"));
            }
            let end = (addr & !(self.kw - 1)) + beats * self.kw - 1;
            if addr / PAGE != end / PAGE {
                return Err(format!("read burst {addr:#x}..={end:#x} crosses a 4 KiB boundary"));
            }
            let ok = self.iommu.allows(f, addr, false);
            if !ok {
                self.iommu.violations.push((f, addr, false));
            }
            self.accesses.entry(f).or_default().0 += 1;
            self.reads.push_back(ReadJob { addr, beats, function: f, ok, ready_at: self.cycle + self.latency });
        }
        if self.r_on && g("rready") == 1 {
            self.r_beats += 1;
            self.r_beat += 1;
            if self.r_beat == self.reads[0].beats {
                let _ = self.reads[0].function;
                self.reads.pop_front();
                self.r_beat = 0;
            }
        }
        if g("awvalid") == 1 && g("awready") == 1 {
            let (addr, beats, f) = (g("awaddr"), g("awlen") + 1, g("awuser") as u32);
            if f >= self.functions {
                return Err(format!("write at {addr:#x} carries function {f}, beyond the design's {}", self.functions));
            }
            let end = (addr & !(self.kw - 1)) + beats * self.kw - 1;
            if addr / PAGE != end / PAGE {
                return Err(format!("write burst {addr:#x}..={end:#x} crosses a 4 KiB boundary"));
            }
            let mut ok = self.iommu.allows(f, addr, true);
            let mut resp = 0;
            if !ok {
                self.iommu.violations.push((f, addr, true));
                resp = 2;
            }
            if let Some(fault) = self.write_faults.iter_mut().find(|w| w.function == f && (w.start..w.end).contains(&addr)) {
                fault.hits += 1;
                ok = false;
                resp = fault.resp;
            }
            self.accesses.entry(f).or_default().1 += 1;
            self.aws.push_back(WriteJob { addr, beats, function: f, ok, resp });
        }
        if g("wvalid") == 1 && g("wready") == 1 {
            let j = self.aws.front().ok_or("W beat before its AW")?;
            let base = (j.addr & !(self.kw - 1)) + self.w_beat * self.kw;
            let data = m.get_bytes(p["wdata"]);
            let strb = m.get_bytes(p["wstrb"]);
            let (ok, beats, _f, resp) = (j.ok, j.beats, j.function, j.resp);
            let last = g("wlast") == 1;
            if last != (self.w_beat + 1 == beats) {
                return Err(format!("wlast wrong on beat {} of {beats}", self.w_beat));
            }
            if ok {
                for i in 0..self.kw as usize {
                    if strb[i / 8] >> (i % 8) & 1 == 1 {
                        self.write_bytes(base + i as u64, &[data[i]]);
                    }
                }
            }
            self.w_beats += 1;
            self.w_beat += 1;
            if self.w_beat == beats {
                self.aws.pop_front();
                self.w_beat = 0;
                self.bs.push_back((self.cycle + self.latency / 4, resp));
            }
        }
        if self.b_on && g("bready") == 1 {
            self.bs.pop_front();
        }
        self.cycle += 1;
        Ok(())
    }

    /// Nothing in flight.
    pub fn idle(&self) -> bool {
        self.reads.is_empty() && self.aws.is_empty() && self.bs.is_empty()
    }
}

/// A second, read-only AXI4 slave port on the same host memory and IOMMU as
/// a [`HostMem`] (for a read-only master such as the prc's `m_axi_prc_*` or
/// the DMA's descriptor reads `m_axi_desc_*`; its bursts count in the
/// memory's `accesses`):
/// bursts in order, `latency` cycles after their address, random gaps; every
/// burst checked (INCR of full beats, no 4 KiB crossing, function on
/// `aruser` within the design's, each page allowed for that function); a
/// refused read is answered SLVERR and recorded in the IOMMU's violations.
pub struct ReadPort {
    p: HashMap<&'static str, PortId>,
    kw: u64,
    pub latency: u64,
    /// Probability of `rvalid` when a beat is due.
    pub ready_prob: f64,
    rng: Rng,
    cycle: u64,
    reads: VecDeque<ReadJob>,
    r_beat: u64,
    r_on: bool,
    /// Every burst accepted: (function, address, beats).
    pub bursts: Vec<(u32, u64, u64)>,
    pub r_beats: u64,
}

impl ReadPort {
    pub fn new(m: &Model, prefix: &str, latency: u64, rng: Rng) -> Self {
        let names = ["araddr", "arlen", "arsize", "arburst", "aruser", "arvalid", "arready", "rdata", "rresp", "rlast", "rvalid", "rready"];
        let p: HashMap<&'static str, PortId> = names.iter().map(|n| (*n, m.port(&format!("{prefix}_{n}")))).collect();
        let kw = m.port_width(p["rdata"]) as u64 / 8;
        ReadPort { p, kw, latency, ready_prob: 1.0, rng, cycle: 0, reads: VecDeque::new(), r_beat: 0, r_on: false, bursts: Vec::new(), r_beats: 0 }
    }

    /// Sets the port's outputs for this cycle from `mem`.
    pub fn drive(&mut self, m: &mut Model, mem: &HostMem) {
        let p = &self.p;
        m.set(p["arready"], 1);
        self.r_on = false;
        if let Some(j) = self.reads.front() {
            if j.ready_at <= self.cycle && self.rng.chance(self.ready_prob) {
                self.r_on = true;
                let base = (j.addr & !(self.kw - 1)) + self.r_beat * self.kw;
                let data: Vec<u8> = if j.ok { (0..self.kw).map(|i| mem.byte(base + i)).collect() } else { vec![0; self.kw as usize] };
                m.set_bytes(p["rdata"], &data);
                m.set(p["rresp"], if j.ok { 0 } else { 2 });
                m.set(p["rlast"], (self.r_beat + 1 == j.beats) as u64);
            }
        }
        m.set(p["rvalid"], self.r_on as u64);
    }

    /// Takes this cycle's handshakes (after `eval`, before `tick`) and checks them.
    pub fn sample(&mut self, m: &Model, mem: &mut HostMem) -> Result<(), String> {
        let g = |n: &str| m.get(self.p[n]);
        if g("arvalid") == 1 {
            let (addr, beats, f) = (g("araddr"), g("arlen") + 1, g("aruser") as u32);
            if f >= mem.functions {
                return Err(format!("read at {addr:#x} carries function {f}, beyond the design's {}", mem.functions));
            }
            if g("arburst") != 1 || 1u64 << g("arsize") != self.kw {
                return Err(format!("read at {addr:#x}: burst type or size is not INCR of full beats"));
            }
            let end = (addr & !(self.kw - 1)) + beats * self.kw - 1;
            if addr / PAGE != end / PAGE {
                return Err(format!("read burst {addr:#x}..={end:#x} crosses a 4 KiB boundary"));
            }
            let ok = mem.iommu.allows(f, addr, false);
            if !ok {
                mem.iommu.violations.push((f, addr, false));
            }
            mem.accesses.entry(f).or_default().0 += 1;
            self.bursts.push((f, addr, beats));
            self.reads.push_back(ReadJob { addr, beats, function: f, ok, ready_at: self.cycle + self.latency });
        }
        if self.r_on && g("rready") == 1 {
            self.r_beats += 1;
            self.r_beat += 1;
            if self.r_beat == self.reads[0].beats {
                self.reads.pop_front();
                self.r_beat = 0;
            }
        }
        self.cycle += 1;
        Ok(())
    }

    /// Nothing in flight.
    pub fn idle(&self) -> bool {
        self.reads.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iommu_maps_and_unmaps_whole_pages_per_function() {
        let mut io = Iommu::default();
        io.map(3, 0x1_0000_0800, 0x1000, true); // two pages
        io.map(4, 0x1_0000_1000, 1, false);
        assert!(io.allows(3, 0x1_0000_0000, true) && io.allows(3, 0x1_0000_1fff, true));
        assert!(!io.allows(3, 0x1_0000_2000, false), "the page after");
        assert!(!io.allows(5, 0x1_0000_0000, false), "another function");
        assert!(io.allows(4, 0x1_0000_1000, false) && !io.allows(4, 0x1_0000_1000, true), "read-only");
        assert_eq!(io.functions_of(0x1_0000_1234), vec![3, 4]);
        io.unmap(3, 0x1_0000_0000, 0x2000);
        assert!(!io.allows(3, 0x1_0000_0000, false) && !io.allows(3, 0x1_0000_1000, false));
        assert!(io.allows(4, 0x1_0000_1000, false), "others keep theirs");
    }
}
