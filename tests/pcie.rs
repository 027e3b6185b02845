//! The `pcie` block (`hdl/src/pcie/`) on its emitted Verilog, at 256 and 512
//! bits: lint, and simulation between the model of the hard block's user
//! interface (`sim/src/pcie/`) and models of the shell's BAR slave and AXI
//! masters.

mod common;

use std::collections::{HashMap, VecDeque};
use std::process::Command;
use vfpga::blocks::pcie::{pcie_modules, PCIE_TOP};
use vfpga::config::Config;
use vfpga_sim::pcie::host::HostPort;
use vfpga_sim::pcie::msix::MsixModel;
use vfpga_sim::pcie::rc::{CcExpect, CqRequest, RootComplex};
use vfpga_sim::pcie::shell_side::{bar_resp, AxiMaster, BarSlave};
use vfpga_sim::pcie::{be_span, hard_function, Layout, CA, FETCH_ADD, IO_READ, IO_WRITE, LOCKED_READ, MEM_READ, MEM_WRITE, MESSAGE, SC, UR};
use vfpga_sim::{Model, PortId, Rng};

fn cfg(dw: usize, vfs: usize) -> Config {
    Config { data_width: dw, vfs, ..Config::default() }
}

fn lint(dw: usize) {
    let mods = pcie_modules(&cfg(dw, 8)).unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for m in &mods {
        assert!(!m.text.contains('$'), "{} contains `$`", m.name);
        let p = dir.path().join(format!("{}.v", m.name));
        std::fs::write(&p, &m.text).unwrap();
        files.push(p.display().to_string());
    }
    let run = |cmd: &mut Command| {
        let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        (out.status.success(), text)
    };
    let (ok, text) = run(Command::new("verilator").args(["--lint-only", "-Wall", "--top-module", PCIE_TOP]).args(&files));
    assert!(ok && !text.contains("%Warning"), "verilator -Wall on {PCIE_TOP} at {dw} bits:\n{text}");
    let (ok, text) = run(Command::new("iverilog").args(["-g2001", "-Wall", "-s", PCIE_TOP, "-o"]).arg(dir.path().join("a.out")).args(&files));
    assert!(ok, "iverilog on {PCIE_TOP} at {dw} bits:\n{text}");
}

#[test]
fn lints_and_compiles_at_256_bits() {
    lint(256);
}

#[test]
fn lints_and_compiles_at_512_bits() {
    lint(512);
}


/// VFs of the test design (functions 0..=VFS).
const VFS: usize = 8;
const FUNCTIONS: u32 = VFS as u32 + 1;

fn model(dw: usize, name: &str) -> Model {
    let lib = common::model_of_modules(&format!("pcie-{dw}"), || pcie_modules(&cfg(dw, VFS)).unwrap_or_else(|e| panic!("{e}")));
    lib.instantiate(name)
}

/// The shell's interrupt requests (irq_*), each held until irq_ready.
struct IrqSource {
    q: VecDeque<(u32, u32)>,
    on: bool,
    valid: PortId,
    ready: PortId,
    function: PortId,
    vector: PortId,
}

impl IrqSource {
    fn new(m: &Model) -> Self {
        IrqSource {
            q: VecDeque::new(),
            on: false,
            valid: m.port("irq_valid"),
            ready: m.port("irq_ready"),
            function: m.port("irq_function"),
            vector: m.port("irq_vector"),
        }
    }
    fn drive(&mut self, m: &mut Model) {
        self.on = !self.q.is_empty();
        if let Some(&(f, v)) = self.q.front() {
            m.set(self.function, f as u64);
            m.set(self.vector, v as u64);
        }
        m.set(self.valid, self.on as u64);
    }
    fn sample(&mut self, m: &Model) {
        if self.on && m.get(self.ready) == 1 {
            self.q.pop_front();
        }
    }
}

/// The block between the hard block's model and the shell's models.
struct Bench {
    m: Model,
    clk: PortId,
    rc: RootComplex,
    host: HostPort,
    msix: MsixModel,
    bar: BarSlave,
    dma: AxiMaster,
    prc: AxiMaster,
    irq: IrqSource,
    seed_note: String,
}

impl Bench {
    fn new(dw: usize, name: &str, rng: &mut Rng, mps_code: u64, mrrs_code: u64) -> Self {
        let mut m = model(dw, name);
        let lay = Layout::new(dw);
        let clk = m.port("clk");
        let rc = RootComplex::new(&m, lay, rng.fork());
        let mut host = HostPort::new(&m, lay, FUNCTIONS, rng.fork());
        host.mps = 128 << mps_code;
        host.mrrs = 128 << mrrs_code;
        let msix = MsixModel::new(&m, rng.fork());
        let bar = BarSlave::new(&m, rng.fork());
        let dma = AxiMaster::new(&m, "host", rng.fork());
        let prc = AxiMaster::new(&m, "prc", rng.fork());
        let irq = IrqSource::new(&m);
        m.set("cfg_max_payload", mps_code);
        m.set("cfg_max_read_req", mrrs_code);
        m.set("rst", 1);
        m.ticks(clk, 3);
        m.set("rst", 0);
        let seed_note = format!("{name} at {dw} bits (MPS {}, MRRS {}; replay with the printed VFPGA_SEED)", 128 << mps_code, 128 << mrrs_code);
        Bench { m, clk, rc, host, msix, bar, dma, prc, irq, seed_note }
    }

    fn step(&mut self) {
        let m = &mut self.m;
        self.rc.drive(m);
        self.host.drive(m);
        self.msix.drive(m);
        self.bar.drive(m);
        self.dma.drive(m);
        self.prc.drive(m);
        self.irq.drive(m);
        m.eval();
        let host = &self.host;
        let oracle = |f: u32, a: u64| -> Option<u8> {
            if host.errors.iter().any(|e| e.function == f && (e.start..e.end).contains(&a)) { None } else { Some(host.byte(a)) }
        };
        let r = self
            .rc
            .sample(m)
            .and_then(|_| self.dma.sample(m, &oracle))
            .and_then(|_| self.prc.sample(m, &oracle))
            .and_then(|_| self.host.sample(m))
            .and_then(|_| self.msix.sample(m))
            .and_then(|_| self.bar.sample(m));
        if let Err(e) = r {
            panic!("{}: cycle {}: {e}", self.seed_note, m.cycles());
        }
        self.irq.sample(m);
        m.tick(self.clk);
    }

    fn idle(&self) -> bool {
        // irq_ready: the block has no interrupt waiting (to be sent again, say).
        self.rc.idle()
            && self.host.idle()
            && self.msix.idle()
            && self.dma.idle()
            && self.prc.idle()
            && self.irq.q.is_empty()
            && self.m.get("irq_ready") == 1
    }

    fn run_until_idle(&mut self, limit: u64) {
        let mut n = 0;
        while !self.idle() {
            self.step();
            n += 1;
            assert!(n < limit, "{}: traffic stopped ({} completions awaited, {} reads outstanding on the host)", self.seed_note, self.rc.awaiting(), self.host.outstanding());
        }
        for _ in 0..50 {
            self.step();
        }
    }
}

/// What a one-dword (or longer) memory read's completion says about bytes.
fn read_counts(addr: u64, dwords: u32, fbe: u32, lbe: u32) -> (u32, u32) {
    let (lo, hi) = be_span(fbe);
    let bc = if dwords == 1 {
        if fbe == 0 { 1 } else { hi - lo + 1 }
    } else {
        dwords * 4 - lo - (3 - be_span(lbe).1)
    };
    (bc, ((addr & 0x7c) as u32) | lo)
}

/// Random BAR traffic of random functions: reads and writes of every
/// function's window (a scoreboard of the registers), and requests the
/// block must refuse (other functions, other BARs, multi-dword, I/O,
/// atomics, locked reads, messages, discontinued ones).
fn bar_traffic(dw: usize) {
    let name = format!("pcie_bar_traffic_{dw}");
    let mut rng = Rng::for_test(&name);
    let mut b = Bench::new(dw, &name, &mut rng, 1, 2);
    b.rc.valid_prob = 0.6;
    b.rc.ready_prob = 0.6;
    b.bar.ready_prob = 0.5;
    let mut shadow: HashMap<u32, u32> = HashMap::new();
    let mut expected_log = Vec::new();
    let (mut served, mut refused) = (0, 0);
    for _ in 0..600 {
        let f = rng.below(FUNCTIONS as u64) as u32;
        let off = (rng.below(1024) * 4) as u32;
        let off = if rng.chance(0.2) { 0xe00 + (off & 0x1fc) } else { off };
        let axil = f * 0x1000 + off;
        let fbe = 1 + rng.below(15) as u32;
        let kind = rng.below(14);
        let base = CqRequest {
            req_type: MEM_READ,
            function: hard_function(f),
            bar: 0,
            addr: 0x8000_0000_0000 + off as u64,
            dwords: 1,
            first_be: fbe,
            last_be: 0,
            data: vec![],
            discontinue: false,
        };
        match kind {
            0..=4 => {
                // A served read.
                let (bc, la) = read_counts(base.addr, 1, fbe, 0);
                let resp = bar_resp(off);
                let exp = match resp {
                    0 => CcExpect { status: SC, data: Some(*shadow.get(&axil).unwrap_or(&0)), byte_count: bc, lower_addr: la, locked: false },
                    3 => CcExpect { status: UR, data: None, byte_count: bc, lower_addr: la, locked: false },
                    _ => CcExpect { status: CA, data: None, byte_count: bc, lower_addr: la, locked: false },
                };
                expected_log.push((false, axil));
                b.rc.push(base, Some(exp));
                served += 1;
            }
            5..=8 => {
                // A served write.
                let v = rng.next_u32();
                if bar_resp(off) == 0 {
                    let old = *shadow.get(&axil).unwrap_or(&0);
                    let mask = (0..4).filter(|i| fbe >> i & 1 == 1).fold(0u32, |m, i| m | 0xff << (8 * i));
                    shadow.insert(axil, (old & !mask) | (v & mask));
                }
                expected_log.push((true, axil));
                b.rc.push(CqRequest { req_type: MEM_WRITE, data: vec![v], ..base }, None);
                served += 1;
            }
            _ => {
                refused += 1;
                let bad_fn = if rng.chance(0.5) { 1 + rng.below(3) as u32 } else { hard_function(FUNCTIONS + rng.below(20) as u32) };
                let mut req = base.clone();
                let mut locked = false;
                match kind {
                    9 => req.function = bad_fn,
                    10 => req.bar = 1 + rng.below(5) as u32,
                    11 => {
                        req.dwords = 2 + rng.below(7) as u32;
                        req.first_be = [0xf, 0xe, 0xc, 0x8][rng.below(4) as usize];
                        req.last_be = [0xf, 0x7, 0x3, 0x1][rng.below(4) as usize];
                    }
                    12 => {
                        req.req_type = *rng.pick(&[IO_READ, IO_WRITE, FETCH_ADD, LOCKED_READ, MESSAGE]);
                        locked = req.req_type == LOCKED_READ;
                    }
                    _ => req.discontinue = true,
                }
                let write = rng.chance(0.3) && kind < 12;
                if write {
                    // Writes we do not serve are dropped (posted).
                    req.req_type = MEM_WRITE;
                    req.data = vec![rng.next_u32(); req.dwords as usize];
                    b.rc.push(req, None);
                } else if req.discontinue || req.req_type == MESSAGE {
                    b.rc.push(req, None);
                } else {
                    let (bc, la) = if req.req_type == MEM_READ {
                        read_counts(req.addr, req.dwords, req.first_be, req.last_be)
                    } else {
                        (4, 0)
                    };
                    if req.req_type == IO_WRITE {
                        req.data = vec![rng.next_u32()];
                    }
                    b.rc.push(req, Some(CcExpect { status: UR, data: None, byte_count: bc, lower_addr: la, locked }));
                }
            }
        }
    }
    b.run_until_idle(400_000);
    assert_eq!(b.bar.log, expected_log, "{}: the BAR saw other accesses than the served requests", b.seed_note);
    assert!(served > 300 && refused > 100, "traffic mix: {served} served, {refused} refused");
    println!("{}: {} requests, {} completions checked", b.seed_note, b.rc.sent, b.rc.completions);
}

#[test]
fn bar_traffic_256() {
    bar_traffic(256);
}

#[test]
fn bar_traffic_512() {
    bar_traffic(512);
}

/// Random DMA of random functions through RQ/RC: host-port reads and writes
/// of random lengths and alignments, prc reads; completions split at the
/// read completion boundary, out of order across tags, some with error
/// statuses, some reads of pages the IOMMU refuses. Every R byte and every
/// written byte is checked.
fn dma_traffic(dw: usize, rcb: u64) {
    let name = format!("pcie_dma_traffic_{dw}_rcb{rcb}");
    let mut rng = Rng::for_test(&name);
    let mps_code = rng.below(4);
    let mrrs_code = rng.below(6);
    let mut b = Bench::new(dw, &name, &mut rng, mps_code, mrrs_code);
    let kw = (dw / 8) as u64;
    b.host.rcb = rcb;
    b.host.error_prob = 0.05;
    b.host.latency = 10..300;
    b.host.valid_prob = 0.8;
    b.host.ready_prob = 0.7;
    b.dma.valid_prob = 0.7;
    b.dma.ready_prob = 0.7;
    b.prc.ready_prob = 0.8;
    // Read region: random bytes, readable by every function but one page each
    // that none may read; write region: each write its own bytes.
    let rd_base = 0x10_0000_0000u64;
    let rd_pages = 64u64;
    let mut bytes = vec![0u8; (rd_pages * 4096) as usize];
    rng.fill_bytes(&mut bytes);
    b.host.write_bytes(rd_base, &bytes);
    for f in 0..FUNCTIONS {
        for p in 0..rd_pages {
            if p % 16 != 15 {
                b.host.iommu.map(f, rd_base + p * 4096, 4096, false);
            }
        }
    }
    let wr_base = 0x20_0000_0000u64;
    let mut writes = Vec::new();
    let mut rd_next = rd_base;
    let mut wr_next = wr_base;
    for i in 0..300 {
        let f = rng.below(FUNCTIONS as u64) as u32;
        match rng.below(3) {
            0 => {
                // Host read: its own bytes, never another read's (errors are per range).
                let off = rng.below(kw);
                let beats = 1 + rng.below(4096 / kw / 2);
                let start = rd_next + off;
                if (start & !(kw - 1)) / 4096 != ((start & !(kw - 1)) + beats * kw - 1) / 4096 {
                    rd_next = (rd_next / 4096 + 1) * 4096;
                    continue;
                }
                b.dma.read(f, start, beats);
                rd_next = (start & !(kw - 1)) + beats * kw;
            }
            1 => {
                let words = 1 + rng.below(256);
                let start = (rd_next + 3) & !3;
                if start / 4096 != (start + words * 4 - 1) / 4096 {
                    rd_next = (rd_next / 4096 + 1) * 4096;
                    continue;
                }
                b.prc.read(0, start, words);
                rd_next = ((start + words * 4) + kw - 1) & !(kw - 1);
            }
            _ => {
                let off = rng.below(4096 - 1);
                let len = 1 + rng.below((4096 - off).min(if i % 4 == 0 { 4096 } else { 300 }));
                let addr = wr_next + off;
                let data = rng.bytes(len as usize);
                b.host.iommu.map(f, wr_next, 4096, true);
                b.dma.write(f, addr, &data);
                writes.push((addr, data));
                wr_next += 4096;
            }
        }
        assert!(rd_next < rd_base + rd_pages * 4096, "test: read region too small");
    }
    b.run_until_idle(2_000_000);
    for (addr, data) in &writes {
        assert_eq!(&b.host.read_bytes(*addr, data.len()), data, "{}: write at {addr:#x} ({} bytes) not in host memory", b.seed_note, data.len());
        // Its page's other bytes (each write has a page of its own) untouched.
        let page = addr & !4095;
        let end = addr + data.len() as u64;
        let others = (page..*addr).chain(end..page + 4096);
        assert!(others.into_iter().all(|a| b.host.byte(a) == 0), "{}: bytes beside the write at {addr:#x} touched", b.seed_note);
    }
    assert!(b.host.iommu.violations.iter().all(|v| !v.2), "{}: writes the IOMMU refused: {:?}", b.seed_note, b.host.iommu.violations);
    let h = &b.host;
    println!(
        "{}: {} read TLPs, {} write TLPs, {} completions ({} out of order), {} error beats, {} outstanding at most",
        b.seed_note, h.reads, h.writes, h.completions, h.reordered, b.dma.error_beats + b.prc.error_beats, h.max_outstanding
    );
    assert!(h.completions > h.reads, "no read was split into several completions");
    assert!(h.reordered > 0, "no completion came out of order");
    assert!(b.dma.error_beats + b.prc.error_beats > 0, "no error completion reached R");
    assert!(h.max_outstanding > 4, "reads were not overlapped");
}

#[test]
fn dma_traffic_256_rcb64() {
    dma_traffic(256, 64);
}

#[test]
fn dma_traffic_256_rcb128() {
    dma_traffic(256, 128);
}

#[test]
fn dma_traffic_512_rcb64() {
    dma_traffic(512, 64);
}

#[test]
fn dma_traffic_512_rcb128() {
    dma_traffic(512, 128);
}

/// Interrupt requests of random functions and vectors reach the MSI-X ports
/// in order with the hard block's function numbers; failed ones are sent again.
fn msix(dw: usize) {
    let name = format!("pcie_msix_{dw}");
    let mut rng = Rng::for_test(&name);
    let mut b = Bench::new(dw, &name, &mut rng, 0, 0);
    b.msix.fail_prob = 0.3;
    let mut want = Vec::new();
    for _ in 0..200 {
        let (f, v) = (rng.below(FUNCTIONS as u64) as u32, rng.below(16) as u32);
        b.irq.q.push_back((f, v));
        want.push((hard_function(f), v));
    }
    b.run_until_idle(200_000);
    assert_eq!(b.msix.delivered, want, "{}: interrupts delivered", b.seed_note);
    assert!(b.msix.failed > 20, "{}: too few failures to test the retry", b.seed_note);
    assert_eq!(b.m.get("msix_retries"), b.msix.failed, "{}: retry count", b.seed_note);
}

#[test]
fn msix_256() {
    msix(256);
}

#[test]
fn msix_512() {
    msix(512);
}

/// Timing rule: no output depends combinationally on an input. Every input
/// (but the clock and reset) is changed at random without a clock edge; no
/// output may move.
fn outputs_are_registered(dw: usize) {
    let name = format!("pcie_outputs_are_registered_{dw}");
    let mut rng = Rng::for_test(&name);
    let mut m = model(dw, &name);
    let clk = m.port("clk");
    m.set("rst", 1);
    m.ticks(clk, 3);
    m.set("rst", 0);
    let ins: Vec<(PortId, u32)> = m
        .ports()
        .iter()
        .filter(|p| p.dir == vfpga_sim::Dir::In && p.name != "clk" && p.name != "rst")
        .map(|p| (m.port(&p.name), p.width))
        .collect();
    let outs: Vec<(PortId, String)> =
        m.ports().iter().filter(|p| p.dir == vfpga_sim::Dir::Out).map(|p| (m.port(&p.name), p.name.clone())).collect();
    let randomize = |m: &mut Model, rng: &mut Rng| {
        for &(p, w) in &ins {
            let words: Vec<u32> = (0..w.div_ceil(32)).map(|i| {
                let bits = (w - 32 * i).min(32);
                rng.next_u32() & if bits == 32 { u32::MAX } else { (1 << bits) - 1 }
            }).collect();
            m.set_words(p, &words);
        }
    };
    for _ in 0..1000 {
        randomize(&mut m, &mut rng);
        m.eval();
        let before: Vec<Vec<u32>> = outs.iter().map(|(p, _)| m.get_words(*p)).collect();
        randomize(&mut m, &mut rng);
        m.eval();
        for (i, (p, n)) in outs.iter().enumerate() {
            assert_eq!(m.get_words(*p), before[i], "{name}: output {n} followed an input within the cycle");
        }
        m.tick(clk);
    }
}

#[test]
fn outputs_are_registered_256() {
    outputs_are_registered(256);
}

#[test]
fn outputs_are_registered_512() {
    outputs_are_registered(512);
}
