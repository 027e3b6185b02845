//! The `dma` block, simulated with Verilator on the emitted Verilog, in
//! front of the host-memory model with its IOMMU (`vfpga_sim::host`), with
//! the H2C stream looped back into C2H by the testbench (random stalls on
//! the loop). Register accesses go straight onto the block's register bus.

mod common;

use std::collections::VecDeque;
use vfpga::blocks::dma::dma_modules;
use vfpga::config::Config;
use vfpga_hdl::dma::regs::*;
use vfpga_sim::axicheck::{AxiMasterChecker, HandshakeChecker};
use vfpga_sim::host::{HostMem, ReadPort, PAGE};
use vfpga_sim::driver::{VfDriver, Window};
use vfpga_sim::{AxisChecker, Model, PortId, Rng};

struct Bench {
    m: Model,
    clk: PortId,
    host: HostMem,
    /// The descriptor reads' port (`m_axi_desc_*`), on the same memory.
    desc: ReadPort,
    /// AXI rules on the host port's AR, AW, W and the descriptor port's AR.
    host_chk: AxiMasterChecker,
    desc_chk: HandshakeChecker,
    rng: Rng,
    loop_prob: f64,
    loop_hold: bool,
    h2c_chk: AxisChecker,
    c2h_chk: AxisChecker,
    cycle: u64,
    irqs: Vec<(u32, u32)>,
    /// Without loopback, H2C goes into this sink and C2H stays idle.
    sink: Option<vfpga_sim::AxisSink>,
    /// Gate requests (function, open) to drive on `s_gate_*`, one per cycle.
    gate_req: VecDeque<(u32, bool)>,
    /// (cycle, function, open) of every gate request driven.
    gate_sent: Vec<(u64, u32, bool)>,
    /// (cycle, function) of every `m_gate_closed` pulse.
    gate_closed: Vec<(u64, u32)>,
    /// (cycle, function) of every `m_waiting` handshake.
    waiting: Vec<(u64, u32)>,
    /// Probability of `m_waiting_ready` in a cycle.
    waiting_ready_prob: f64,
    /// `irq_ready` held low (else random).
    irq_low: bool,
    /// (cycle, tid, first beat of its packet) of every H2C beat taken.
    h2c_beats: Vec<(u64, u32, bool)>,
    h2c_in_packet: bool,
    /// Packets from the sink of functions without `Traffic` in `pump`.
    stray: Vec<vfpga_sim::Packet>,
    /// Without loopback: packets driven into C2H (else C2H stays idle).
    c2h_src: Option<vfpga_sim::AxisSource>,
    /// With it, every cycle checks that no output follows an input within
    /// the cycle (registered boundaries), with random input values from it.
    boundary: Option<Rng>,
    /// Cycles in which the data port's R beat was offered and not taken.
    r_held: u64,
}

impl Bench {
    fn new(cfg: &Config, name: &str, latency: u64) -> Bench {
        let key = format!("dma-{}vf-{}b", cfg.vfs, cfg.data_width);
        let lib = common::model_of_modules(&key, || dma_modules(cfg));
        let mut m = lib.instantiate(name);
        let clk = m.port("clk");
        let mut rng = Rng::for_test(name);
        let host = HostMem::new(&m, "m_axi_host", cfg.functions() as u32, latency, rng.fork());
        let desc = ReadPort::new(&m, "m_axi_desc", latency, rng.fork());
        let host_chk = AxiMasterChecker::new(&m, "m_axi_host");
        let ar = ["m_axi_desc_araddr", "m_axi_desc_arlen", "m_axi_desc_arsize", "m_axi_desc_arburst", "m_axi_desc_aruser"];
        let desc_chk = HandshakeChecker::new(&m, "m_axi_desc AR", "m_axi_desc_arvalid", "m_axi_desc_arready", &ar);
        let h2c_chk = AxisChecker::new(&m, "m_axis_h2c");
        let c2h_chk = AxisChecker::new(&m, "s_axis_c2h");
        for p in ["s_reg_req_valid", "s_qos_valid", "s_fnctl_valid", "irq_ready", "s_gate_valid", "m_waiting_ready"] {
            m.set(p, 0);
        }
        m.set("rst", 1);
        m.ticks(clk, 3);
        m.set("rst", 0);
        let mut b = Bench {
            m,
            clk,
            host,
            desc,
            host_chk,
            desc_chk,
            rng,
            loop_prob: 1.0,
            loop_hold: false,
            h2c_chk,
            c2h_chk,
            cycle: 0,
            irqs: Vec::new(),
            sink: None,
            gate_req: VecDeque::new(),
            gate_sent: Vec::new(),
            gate_closed: Vec::new(),
            waiting: Vec::new(),
            waiting_ready_prob: 1.0,
            irq_low: false,
            h2c_beats: Vec::new(),
            h2c_in_packet: false,
            stray: Vec::new(),
            c2h_src: None,
            boundary: None,
            r_held: 0,
        };
        for _ in 0..cfg.functions() + 4 {
            b.step();
        }
        b
    }

    /// A bench whose `m_axis_h2c` goes to a sink that is ready with
    /// probability `ready_prob` (not back into C2H), and the test's own
    /// random stream.
    fn with_h2c_sink(cfg: &Config, name: &str, latency: u64, ready_prob: f64) -> (Bench, Rng) {
        let mut b = Bench::new(cfg, name, latency);
        let mut rng = b.rng.fork();
        b.sink = Some(vfpga_sim::AxisSink::new(&b.m, "m_axis_h2c", rng.fork()).with_ready_prob(ready_prob));
        (b, rng)
    }

    /// One clock cycle of everything around the DMA.
    fn step(&mut self) {
        let m = &mut self.m;
        self.host.drive(m);
        self.desc.drive(m, &self.host);
        let irq_ready = self.rng.chance(0.5) && !self.irq_low;
        m.set("irq_ready", irq_ready as u64);
        match self.gate_req.pop_front() {
            Some((f, open)) => {
                m.set("s_gate_valid", 1);
                m.set("s_gate_function", f as u64);
                m.set("s_gate_open", open as u64);
                self.gate_sent.push((self.cycle, f, open));
            }
            None => m.set("s_gate_valid", 0),
        }
        let wr = self.waiting_ready_prob >= 1.0 || (self.waiting_ready_prob > 0.0 && self.rng.chance(self.waiting_ready_prob));
        m.set("m_waiting_ready", wr as u64);
        m.eval();
        if let Some(sink) = self.sink.as_mut() {
            match self.c2h_src.as_mut() {
                Some(src) => src.drive(m),
                None => m.set("s_axis_c2h_tvalid", 0),
            }
            sink.drive(m);
            m.eval();
            sink.sample(m);
            if let Some(src) = self.c2h_src.as_mut() {
                src.sample(m);
            }
        } else {
        // Loopback H2C -> C2H through a gate that stalls at random.
        // A beat offered to C2H stays offered until taken (AXI-Stream rule).
        let go = self.loop_hold || self.rng.chance(self.loop_prob);
        for f in ["tdata", "tkeep", "tlast", "tid"] {
            let v = m.get_words(format!("m_axis_h2c_{f}").as_str());
            m.set_words(format!("s_axis_c2h_{f}").as_str(), &v);
        }
        let v = m.get("m_axis_h2c_tvalid") == 1 && go;
        m.set("s_axis_c2h_tvalid", v as u64);
        m.eval();
        let r = m.get("s_axis_c2h_tready") == 1 && go;
        m.set("m_axis_h2c_tready", r as u64);
        m.eval();
        self.loop_hold = v && !r;
        }
        self.h2c_chk.check(m).unwrap_or_else(|e| panic!("cycle {}: {e}", self.cycle));
        self.c2h_chk.check(m).unwrap_or_else(|e| panic!("cycle {}: {e}", self.cycle));
        self.host_chk.check(m).unwrap_or_else(|e| panic!("cycle {}: m_axi_host: {e}", self.cycle));
        self.desc_chk.check(m).unwrap_or_else(|e| panic!("cycle {}: {e}", self.cycle));
        self.host.sample(m).unwrap_or_else(|e| panic!("cycle {}: host: {e}", self.cycle));
        self.desc.sample(m, &mut self.host).unwrap_or_else(|e| panic!("cycle {}: descriptor port: {e}", self.cycle));
        if m.get("irq_valid") == 1 && m.get("irq_ready") == 1 {
            self.irqs.push((m.get("irq_function") as u32, m.get("irq_vector") as u32));
        }
        if m.get("m_gate_closed_valid") == 1 {
            self.gate_closed.push((self.cycle, m.get("m_gate_closed_function") as u32));
        }
        if m.get("m_waiting_valid") == 1 && m.get("m_waiting_ready") == 1 {
            self.waiting.push((self.cycle, m.get("m_waiting_function") as u32));
        }
        if m.get("m_axis_h2c_tvalid") == 1 && m.get("m_axis_h2c_tready") == 1 {
            self.h2c_beats.push((self.cycle, m.get("m_axis_h2c_tid") as u32, !self.h2c_in_packet));
            self.h2c_in_packet = m.get("m_axis_h2c_tlast") == 0;
        }
        if m.get("m_axi_host_rvalid") == 1 && m.get("m_axi_host_rready") == 0 {
            self.r_held += 1;
        }
        if let Some(r) = self.boundary.as_mut() {
            common::boundary::check_outputs_hold(m, r).unwrap_or_else(|e| panic!("cycle {}: {e}", self.cycle));
        }
        m.tick(self.clk);
        self.cycle += 1;
    }

    /// One register access on the register bus; returns (data, error).
    fn reg(&mut self, write: bool, function: u32, offset: u32, data: u32) -> (u32, bool) {
        self.reg_strb(write, function, offset, data, 0xf)
    }

    /// One register access with byte strobes `wstrb`; returns (data, error).
    fn reg_strb(&mut self, write: bool, function: u32, offset: u32, data: u32, wstrb: u64) -> (u32, bool) {
        self.m.set("s_reg_req_valid", 1);
        self.m.set("s_reg_req_write", write as u64);
        self.m.set("s_reg_req_function", function as u64);
        self.m.set("s_reg_req_addr", offset as u64);
        self.m.set("s_reg_req_wdata", data as u64);
        self.m.set("s_reg_req_wstrb", wstrb);
        let mut n = 0;
        loop {
            self.m.eval();
            let taken = self.m.get("s_reg_req_ready") == 1;
            self.step();
            n += 1;
            if n >= 100_000 {
                let errs: Vec<_> = self.irqs.iter().filter(|i| i.1 == IRQ_ERROR).collect();
                panic!("register request not taken (error interrupts so far: {errs:?})");
            }
            if taken {
                break;
            }
        }
        self.m.set("s_reg_req_valid", 0);
        loop {
            self.m.eval();
            if self.m.get("s_reg_resp_valid") == 1 {
                let r = (self.m.get("s_reg_resp_rdata") as u32, self.m.get("s_reg_resp_error") == 1);
                self.step();
                return r;
            }
            self.step();
        }
    }

    fn write(&mut self, f: u32, off: u32, v: u32) {
        let (_, e) = self.reg(true, f, off, v);
        assert!(!e, "write {off:#x} of function {f} refused");
    }

    fn read(&mut self, f: u32, off: u32) -> u32 {
        let (v, e) = self.reg(false, f, off, 0);
        assert!(!e, "read {off:#x} of function {f} refused");
        v
    }

    fn enable(&mut self, f: u32) {
        self.fnctl(f, true);
    }

    /// `s_fnctl`: attach (enable) or detach a function.
    fn fnctl(&mut self, f: u32, enable: bool) {
        self.m.set("s_fnctl_valid", 1);
        self.m.set("s_fnctl_function", f as u64);
        self.m.set("s_fnctl_enable", enable as u64);
        self.step();
        self.m.set("s_fnctl_valid", 0);
    }
}

impl Window for Bench {
    fn reg_write(&mut self, function: u32, offset: u32, value: u32) -> bool {
        !self.reg(true, function, offset, value).1
    }
    fn reg_read(&mut self, function: u32, offset: u32) -> Option<u32> {
        let (v, e) = self.reg(false, function, offset, 0);
        (!e).then_some(v)
    }
    fn host(&mut self) -> &mut HostMem {
        &mut self.host
    }
}

/// A function's rings and buffers in host memory, as its driver keeps them.
struct Queue {
    f: u32,
    base: u64,
    h2c_ring: u64,
    c2h_ring: u64,
    log2: u32,
    h2c_pidx: u32,
    c2h_pidx: u32,
    /// Posted H2C packets not yet seen back: the bytes.
    sent: VecDeque<Vec<u8>>,
    /// C2H buffers posted: (ring index, address, len).
    c2h_bufs: VecDeque<(u32, u64, u32)>,
    done_packets: usize,
}

const RING_LOG2: u32 = 6;

fn setup(b: &mut Bench, f: u32, base: u64) -> Queue {
    let q = Queue {
        f,
        base,
        h2c_ring: base,
        c2h_ring: base + PAGE,
        log2: RING_LOG2,
        h2c_pidx: 0,
        c2h_pidx: 0,
        sent: VecDeque::new(),
        c2h_bufs: VecDeque::new(),
        done_packets: 0,
    };
    // The VM owns 1 MiB from `base`.
    b.host.iommu.map(f, base, 1 << 20, true);
    if f != 0 {
        b.enable(f);
    }
    b.write(f, R_H2C_BASE_LO, q.h2c_ring as u32);
    b.write(f, R_H2C_BASE_HI, (q.h2c_ring >> 32) as u32);
    b.write(f, R_H2C_SIZE, q.log2);
    b.write(f, R_C2H_BASE_LO, q.c2h_ring as u32);
    b.write(f, R_C2H_BASE_HI, (q.c2h_ring >> 32) as u32);
    b.write(f, R_C2H_SIZE, q.log2);
    b.write(f, R_CTRL, CTRL_H2C_RUN | CTRL_C2H_RUN);
    assert_eq!(b.read(f, R_ID), DMA_ID);
    q
}

fn put_desc(b: &mut Bench, ring: u64, idx: u32, addr: u64, len: u32, flags: u32) {
    let mut d = Vec::new();
    d.extend_from_slice(&addr.to_le_bytes());
    d.extend_from_slice(&len.to_le_bytes());
    d.extend_from_slice(&flags.to_le_bytes());
    b.host.write_bytes(ring + 16 * idx as u64, &d);
}

#[test]
fn loopback_one_function_small() {
    let cfg = Config::default();
    let mut b = Bench::new(&cfg, "dma_loopback_small", 20);
    let mut q = setup(&mut b, 1, 0x1_0000_0000);
    let mut rng = b.rng.fork();
    // C2H buffers: 8 of 512 bytes at random alignment.
    for i in 0..8u32 {
        let addr = q.base + 2 * PAGE + i as u64 * 1024 + rng.below(64);
        put_desc(&mut b, q.c2h_ring, i, addr, 512, 0);
        q.c2h_bufs.push_back((i, addr, 512));
    }
    q.c2h_pidx = 8;
    b.write(q.f, R_C2H_PIDX, q.c2h_pidx);
    // H2C packets: 3 packets of random size in one descriptor each.
    let mut expect = Vec::new();
    for i in 0..3u32 {
        let len = rng.range(1..700) as u32;
        let addr = q.base + 16 * PAGE + i as u64 * 2048 + rng.below(64);
        let data = rng.bytes(len as usize);
        b.host.write_bytes(addr, &data);
        put_desc(&mut b, q.h2c_ring, i, addr, len, DESC_EOP);
        expect.extend_from_slice(&data);
        q.sent.push_back(data);
    }
    q.h2c_pidx = 3;
    b.write(q.f, R_H2C_PIDX, q.h2c_pidx);
    for _ in 0..5000 {
        b.step();
    }
    let status = b.read(q.f, R_STATUS);
    let h2c_cidx = b.read(q.f, R_H2C_CIDX);
    let c2h_cidx = b.read(q.f, R_C2H_CIDX);
    eprintln!("status {status} h2c cidx {h2c_cidx} c2h cidx {c2h_cidx} violations {:?}", b.host.iommu.violations);
    assert_eq!(status, 0);
    assert_eq!(h2c_cidx, 3);
    // Read back the C2H buffers.
    let mut got = Vec::new();
    let mut packets = 0;
    for k in 0..c2h_cidx {
        let (_, addr, _) = q.c2h_bufs[k as usize];
        let wb = b.host.read_bytes(q.c2h_ring + 16 * k as u64 + 8, 8);
        let len = u32::from_le_bytes(wb[0..4].try_into().unwrap()) & DESC_MAX_LEN;
        let flags = u32::from_le_bytes(wb[4..8].try_into().unwrap());
        assert!(flags & DESC_DONE != 0, "C2H descriptor {k} not written back");
        got.extend_from_slice(&b.host.read_bytes(addr, len as usize));
        packets += (flags & DESC_EOP != 0) as usize;
    }
    assert_eq!(packets, 3);
    assert_eq!(got, expect, "looped-back bytes differ");
    q.done_packets = packets;
}

/// H2C alone: random packets (1 B..64 KiB, random alignment, split over 1..3
/// descriptors), from 1 or 4 functions, random stalls on the stream; every
/// byte and tag checked, every descriptor written back, CIDX advanced, no
/// access outside the IOMMU's pages.
fn h2c_run(cfg: &Config, name: &str, functions: &[u32], packets_per_fn: usize, max_len: u64) {
    h2c_run_with(cfg, name, functions, packets_per_fn, max_len, None);
}

/// `h2c_run`; with `busy`, the control engine is kept busy at random
/// moments by runs of sharing-gate opens of function `busy` (harmless: it
/// moves no traffic), which it serves ahead of completions.
fn h2c_run_with(cfg: &Config, name: &str, functions: &[u32], packets_per_fn: usize, max_len: u64, busy: Option<u32>) {
    let (mut b, mut rng) = Bench::with_h2c_sink(cfg, name, 200, 0.8);
    let mut queues = Vec::new();
    for &f in functions {
        queues.push(setup(&mut b, f, 0x1_0000_0000 + (f as u64) * (1 << 20)));
    }
    let mut board: vfpga_sim::Scoreboard<u32> = vfpga_sim::Scoreboard::new("h2c by function");
    let mut total_desc = vec![0u32; queues.len()];
    for (qi, q) in queues.iter_mut().enumerate() {
        let mut idx = 0u32;
        let mut addr = q.base + 2 * PAGE;
        for _ in 0..packets_per_fn {
            let len = rng.range(1..max_len + 1) as usize;
            let data = rng.bytes(len);
            board.expect(q.f, vfpga_sim::Packet::new(data.clone()).tid(q.f));
            // Split into up to 3 descriptors at random points.
            let mut cuts = vec![0, len];
            for _ in 0..rng.below(3) {
                if len > 1 {
                    cuts.push(rng.range(1..len as u64) as usize);
                }
            }
            cuts.sort();
            cuts.dedup();
            for w in cuts.windows(2) {
                addr += rng.below(64);
                let part = &data[w[0]..w[1]];
                b.host.write_bytes(addr, part);
                let eop = if w[1] == len { DESC_EOP } else { 0 };
                put_desc(&mut b, q.h2c_ring, idx, addr, part.len() as u32, eop);
                idx += 1;
                addr += part.len() as u64;
            }
        }
        assert!(idx < 1 << RING_LOG2, "ring too small for the test");
        total_desc[qi] = idx;
    }
    for (qi, q) in queues.iter().enumerate() {
        b.write(q.f, R_H2C_PIDX, total_desc[qi]);
    }
    let limit = b.cycle + 200_000;
    while board.outstanding() > 0 {
        if let Some(f) = busy {
            if b.gate_req.is_empty() && rng.chance(0.02) {
                b.gate_req.extend(std::iter::repeat_n((f, true), 60));
            }
        }
        b.step();
        while let Some(p) = b.sink.as_mut().unwrap().pop() {
            board.observe(p.tid, p).unwrap_or_else(|e| panic!("cycle {}: {e}", b.cycle));
        }
        assert!(b.cycle < limit, "H2C stalled: {} packets missing", board.outstanding());
    }
    board.finish().unwrap();
    for _ in 0..2000 {
        b.step();
    }
    for (qi, q) in queues.iter().enumerate() {
        assert_eq!(b.read(q.f, R_STATUS), 0, "function {} stopped", q.f);
        assert_eq!(b.read(q.f, R_H2C_CIDX), total_desc[qi], "function {} CIDX", q.f);
        for k in 0..total_desc[qi] {
            let wb = b.host.read_bytes(q.h2c_ring + 16 * k as u64 + 12, 4);
            let flags = u32::from_le_bytes(wb.try_into().unwrap());
            assert!(flags & DESC_DONE != 0, "function {} descriptor {k} not written back", q.f);
        }
    }
    assert!(b.host.iommu.violations.is_empty(), "IOMMU violations: {:?}", b.host.iommu.violations);
    // The descriptors came on their own port, read whole from their
    // function's H2C ring (16-byte aligned; up to four in one read, which
    // stays in one 64-byte block and in the ring), at least once each.
    let kw = cfg.data_width as u64 / 8;
    let mut fetched = 0;
    for &(f, addr, beats) in &b.desc.bursts {
        let q = queues.iter().find(|q| q.f == f).unwrap_or_else(|| panic!("descriptor read of function {f}"));
        let ring = q.h2c_ring..q.h2c_ring + (16u64 << q.log2);
        assert!(ring.contains(&addr) && addr % 16 == 0, "descriptor read at {addr:#x} outside function {f}'s ring");
        let end = addr - addr % kw + beats * kw;
        assert!(end <= (addr | 63) + 1, "descriptor read at {addr:#x}: {beats} beats, beyond its 64-byte block");
        if kw <= 16 {
            let whole = (end - addr) % 16 == 0 && end <= ring.end;
            assert!(whole, "descriptor read at {addr:#x}: {beats} beats, not whole descriptors of the ring");
        }
        fetched += ((end.min(ring.end) - addr) / 16) as u32;
    }
    let total: u32 = total_desc.iter().sum();
    assert!(fetched >= total, "{fetched} descriptors read for {total_desc:?}");
    // Posted with one doorbell, they are read several at a time.
    let reads = b.desc.bursts.len() as u32;
    assert!(2 * reads < total, "{reads} descriptor reads for {total} descriptors");
    // Read data is never held (each completion had its room reserved with
    // its burst): in the shell, descriptor reads share this R channel.
    assert_eq!(b.r_held, 0, "cycles an R beat of data waited");
    eprintln!("{name}: {} cycles, {} R beats of data, {total} descriptors in {reads} reads", b.cycle, b.host.r_beats);
}

#[test]
fn h2c_one_function() {
    h2c_run(&Config::default(), "dma_h2c_one", &[1], 12, 4096);
}

/// Descriptors of 1..16 bytes: a completion every few cycles, while the
/// control engine is kept from taking them for a while (runs of gate
/// requests). The issuer waits for completion room; the R channel never does.
#[test]
fn h2c_tiny_descriptors_never_hold_read_data() {
    h2c_run_with(&Config::default(), "dma_h2c_tiny", &[1, 2], 20, 16, Some(5));
}

#[test]
fn h2c_four_functions_large_packets() {
    h2c_run(&Config::default(), "dma_h2c_four", &[0, 1, 3, 8], 4, 65536);
}

/// The memory a function's VM owns in these tests: 4 MiB at 4 GiB + 4 MiB x f.
fn region(f: u32) -> (u64, u64) {
    (0x1_0000_0000 + (f as u64) * (4 << 20), 4 << 20)
}

/// A random packet length: mostly small, sometimes up to 64 KiB.
fn packet_len(rng: &mut Rng) -> usize {
    match rng.below(20) {
        0..=9 => rng.range(1..513) as usize,
        10..=16 => rng.range(513..8193) as usize,
        _ => rng.range(8193..65537) as usize,
    }
}

/// Loopback: each function's driver sends packets (random length 1 B..64 KiB,
/// split over 1..3 descriptors, random buffer alignment) that the testbench
/// loops from H2C back into C2H (random stalls on the loop and at the host),
/// into receive buffers of a size chosen per function (so a packet fills one
/// or many); every packet comes back to its own function, byte for byte, in
/// order. Every host access is checked by the IOMMU model every cycle (its
/// function number selects the pages it may touch).
fn loopback_run(cfg: &Config, name: &str, functions: &[u32], packets_per_fn: usize, latency: u64) {
    loopback_run_with(cfg, name, functions, packets_per_fn, latency, false)
}

fn loopback_run_with(cfg: &Config, name: &str, functions: &[u32], packets_per_fn: usize, latency: u64, boundary: bool) {
    let mut b = Bench::new(cfg, name, latency);
    if boundary {
        b.boundary = Some(b.rng.fork());
    }
    b.loop_prob = 0.7;
    b.host.ready_prob = 0.9;
    b.desc.ready_prob = 0.9;
    let mut rng = b.rng.fork();
    eprintln!("{name}: seed {:#x}", vfpga_sim::test_seed(name));
    struct Fn {
        d: VfDriver,
        rx_size: u32,
        to_send: VecDeque<Vec<u8>>,
        expect: VecDeque<Vec<u8>>,
        /// Receive buffers the packets in flight will take.
        rx_needed: usize,
    }
    let mut fns = Vec::new();
    for &f in functions {
        b.host.iommu.map(f, region(f).0, region(f).1, true);
        if f != 0 {
            b.enable(f);
        }
        let d = VfDriver::open(&mut b, f, region(f), 8).unwrap();
        let rx_size = *rng.pick(&[700u32, 1000, 4096, 9000]);
        let mut to_send: VecDeque<Vec<u8>> = (0..packets_per_fn).map(|_| { let n = packet_len(&mut rng); rng.bytes(n) }).collect();
        // The extremes, every time.
        to_send[0] = rng.bytes(1);
        if packets_per_fn > 1 {
            to_send[1] = rng.bytes(65536);
        }
        fns.push(Fn { d, rx_size, to_send, expect: VecDeque::new(), rx_needed: 0 });
    }
    let limit = b.cycle + 1_500_000;
    let mut received = 0;
    let total = functions.len() * packets_per_fn;
    while received < total {
        for x in fns.iter_mut() {
            // Keep receive buffers ahead of the packets in flight.
            let next_need = x.to_send.front().map_or(0, |p| p.len().div_ceil(x.rx_size as usize));
            while x.d.rx_posted() < x.rx_needed + next_need + 8 {
                let align = rng.below(64);
                if !x.d.post_rx(&mut b, x.rx_size, align, rng.chance(0.2)).unwrap() {
                    break;
                }
            }
            while let Some(p) = x.to_send.front() {
                let need = p.len().div_ceil(x.rx_size as usize);
                if x.d.rx_posted() < x.rx_needed + need || x.expect.len() >= 8 {
                    break;
                }
                let mut cuts: Vec<usize> = (0..rng.below(3)).map(|_| rng.range_usize(0..p.len() + 1)).collect();
                cuts.sort();
                let align = rng.below(64);
                if !x.d.post_tx(&mut b, p, &cuts, align, rng.chance(0.2)).unwrap() {
                    break;
                }
                x.rx_needed += need;
                x.expect.push_back(x.to_send.pop_front().unwrap());
            }
            x.d.ring(&mut b).unwrap();
        }
        for _ in 0..500 {
            b.step();
        }
        for x in fns.iter_mut() {
            x.d.reap_tx(&mut b).unwrap();
            for p in x.d.reap_rx(&mut b).unwrap() {
                let want = x.expect.pop_front().unwrap_or_else(|| panic!("function {}: unexpected packet", x.d.function));
                assert_eq!(p.data.len(), want.len(), "function {}: packet length", x.d.function);
                assert!(p.data == want, "function {}: looped-back bytes differ", x.d.function);
                assert_eq!(p.descriptors as usize, want.len().div_ceil(x.rx_size as usize).max(1), "buffers used");
                x.rx_needed -= p.descriptors as usize;
                received += 1;
            }
            let e = x.d.error(&mut b).unwrap();
            assert_eq!(e, ERR_NONE, "function {} stopped with error {e}", x.d.function);
        }
        if b.cycle >= limit {
            for x in fns.iter_mut() {
                let f = x.d.function;
                let regs: Vec<u32> = [R_STATUS, R_H2C_PIDX, R_H2C_CIDX, R_C2H_PIDX, R_C2H_CIDX].iter().map(|&o| b.read(f, o)).collect();
                eprintln!("function {f}: status/h2c pidx,cidx/c2h pidx,cidx {regs:?}, tx in flight {}, rx posted {}", x.d.tx_in_flight(), x.d.rx_posted());
            }
            panic!("{name}: stalled with {received} of {total} packets back");
        }
    }
    for x in fns.iter_mut() {
        x.d.reap_tx(&mut b).unwrap();
        assert_eq!(x.d.tx_in_flight(), 0, "function {}: H2C descriptors not completed", x.d.function);
    }
    assert!(b.host.iommu.violations.is_empty(), "IOMMU violations: {:?}", b.host.iommu.violations);
    eprintln!("{name}: {total} packets in {} cycles, {} R beats, {} W beats", b.cycle, b.host.r_beats, b.host.w_beats);
}

#[test]
fn loopback_one_function() {
    loopback_run(&Config::default(), "dma_loopback_1", &[1], 24, 200);
}

/// Registered boundaries: under loopback traffic of three functions, random
/// values on every input between two evaluations of one cycle move no output.
#[test]
fn outputs_do_not_follow_inputs_within_a_cycle() {
    loopback_run_with(&Config::default(), "dma_boundary", &[0, 3, 6], 4, 50, true);
}

/// The dma's emitted modules with its child block `child` last: the top
/// of the model (Verilator ignores the modules above it).
fn child_modules(cfg: &Config, child: &str) -> Vec<vfpga::emit::Module> {
    let mut mods = dma_modules(cfg);
    let top = mods.iter().position(|m| m.name == child).unwrap_or_else(|| panic!("no module {child}"));
    let top = mods.remove(top);
    mods.push(top);
    mods
}

/// The timing rule on the dma and on each of its child blocks alone, at two
/// data widths: no output port follows any input port within a cycle
/// (random values on every input, from a reset, through the states random
/// inputs drive the block into). Register accesses to the dma are steered
/// to the configured functions' registers so that the control engine runs.
#[test]
fn no_combinational_path_from_any_input_to_any_output() {
    for width in [64, 512] {
        let cfg = Config { data_width: width, ..Config::default() };
        let nf = cfg.functions() as u64;
        let top = "vfpga_dma";
        let children = [
            "vfpga_dma_ctrl",
            "vfpga_dma_c2h",
            "vfpga_dma_writes",
            "vfpga_dma_gate",
            "vfpga_dma_packer",
            "vfpga_dma_ctrl_rec",
            "vfpga_dma_ctrl_mail",
            "vfpga_dma_ctrl_banks",
            "vfpga_dma_ctrl_banks_bank",
            "vfpga_dma_ctrl_banks_scan",
            "vfpga_dma_ctrl_rec_run_ahead",
            "vfpga_dma_reader",
        ];
        for block in std::iter::once(top).chain(children) {
            let key = format!("dma-boundary-{block}-{}vf-{width}b", cfg.vfs);
            let lib = if block == top {
                common::model_of_modules(&key, || dma_modules(&cfg))
            } else {
                common::model_of_modules(&key, || child_modules(&cfg, block))
            };
            let mut m = lib.instantiate(&format!("{block}_boundary"));
            let mut rng = Rng::for_test(&format!("dma_no_combinational_path_{block}_{width}"));
            let (inputs, outputs) = (common::boundary::all_inputs(&m), common::boundary::all_outputs(&m));
            assert!(!inputs.is_empty() && !outputs.is_empty(), "{block}: no ports");
            common::boundary::check_no_input_to_output_path(&mut m, &inputs, &outputs, &mut rng, 3, 3000, &mut |m, rng| {
                if block == top && rng.chance(0.8) {
                    m.set("s_reg_req_function", rng.below(nf));
                    m.set("s_reg_req_addr", rng.below(0x80) & !3);
                    m.set("s_reg_req_wstrb", 0xf);
                }
            })
            .unwrap_or_else(|e| panic!("{block}, {width} bits: {e}"));
        }
    }
}

#[test]
fn loopback_four_functions() {
    loopback_run(&Config::default(), "dma_loopback_4", &[0, 2, 5, 7], 10, 200);
}

#[test]
fn loopback_sixteen_functions() {
    loopback_run(&sixteen(), "dma_loopback_16", &(0..16).collect::<Vec<u32>>(), 5, 200);
}

/// PF + 15 VFs.
fn sixteen() -> Config {
    Config { vfs: 15, ..Config::default() }
}

/// Sends `packets` random packets (1..=4096 B, one receive buffer each) from
/// each driver in `ds` through the loopback and checks every byte back in order.
fn exchange(b: &mut Bench, ds: &mut [&mut VfDriver], packets: usize, rng: &mut Rng) {
    let mut expect: Vec<VecDeque<Vec<u8>>> = vec![VecDeque::new(); ds.len()];
    for (i, d) in ds.iter_mut().enumerate() {
        for _ in 0..packets {
            assert!(d.post_rx(b, 4096, rng.below(64), false).unwrap());
            let n = rng.range(1..4097) as usize;
            let p = rng.bytes(n);
            let cut = rng.range_usize(0..p.len() + 1);
            assert!(d.post_tx(b, &p, &[cut], rng.below(64), false).unwrap());
            expect[i].push_back(p);
        }
        d.ring(b).unwrap();
    }
    let limit = b.cycle + 400_000;
    while expect.iter().any(|e| !e.is_empty()) {
        for _ in 0..300 {
            b.step();
        }
        for (i, d) in ds.iter_mut().enumerate() {
            d.reap_tx(b).unwrap();
            for p in d.reap_rx(b).unwrap() {
                assert!(Some(&p.data) == expect[i].front(), "function {}: packet differs", d.function);
                expect[i].pop_front();
            }
            assert_eq!(d.error(b).unwrap(), ERR_NONE, "function {} stopped", d.function);
        }
        assert!(b.cycle < limit, "exchange stalled");
    }
}

/// Isolation and reset: function 1 posts a descriptor pointing into function
/// 2's memory while 2 and 3 move traffic. The IOMMU refuses the read (the
/// function number on every host access is checked each cycle); function 1
/// stops with H2C_READ in its own STATUS and an error interrupt; 2 and 3 see
/// nothing (all their packets back, STATUS 0). Then function 1 is reset and
/// restarted alone, under the others' traffic, and moves packets again. A
/// register access to a function beyond the design is refused.
#[test]
fn isolation_and_reset_under_traffic() {
    let cfg = Config::default();
    let mut b = Bench::new(&cfg, "dma_isolation", 100);
    b.loop_prob = 0.8;
    let mut rng = b.rng.fork();
    let mut ds = Vec::new();
    for f in 1..=3u32 {
        b.host.iommu.map(f, region(f).0, region(f).1, true);
        b.enable(f);
        ds.push(VfDriver::open(&mut b, f, region(f), 6).unwrap());
    }
    let (d1, rest) = ds.split_first_mut().unwrap();
    let (d2, d3) = rest.split_first_mut().unwrap();
    let d3 = &mut d3[0];
    // Function 1: a descriptor into function 2's memory.
    let foreign = region(2).0 + 0x8_0000;
    // (The refused bytes still travel the stream, as zeros; the loop brings
    // them back to function 1, which has a buffer for them.)
    d1.post_rx(&mut b, 4096, 0, false).unwrap();
    d1.post_tx_raw(&mut b, foreign, 100, DESC_EOP);
    d1.ring(&mut b).unwrap();
    exchange(&mut b, &mut [&mut *d2, &mut *d3], 12, &mut rng);
    for _ in 0..2000 {
        b.step();
    }
    assert_eq!(d1.error(&mut b).unwrap(), ERR_H2C_READ, "function 1's own window reports the refused read");
    assert!(b.irqs.contains(&(1, IRQ_ERROR)), "function 1's error interrupt: {:?}", b.irqs);
    assert!(b.irqs.iter().all(|&(f, v)| f == 1 || v != IRQ_ERROR), "no other function's error interrupt");
    assert!(!b.host.iommu.violations.is_empty(), "the IOMMU saw the access");
    for &(f, addr, write) in &b.host.iommu.violations {
        assert_eq!(f, 1, "only function 1 was refused");
        assert!(!write && addr / PAGE == foreign / PAGE, "refused access at {addr:#x}");
    }
    assert_eq!(b.read(1, R_H2C_CIDX), 0, "the failed descriptor is not completed");
    assert_eq!(d2.error(&mut b).unwrap(), ERR_NONE);
    assert_eq!(d3.error(&mut b).unwrap(), ERR_NONE);
    // Reset and restart function 1 while 2 and 3 move traffic.
    let violations = b.host.iommu.violations.len();
    d2.post_rx(&mut b, 4096, 0, false).unwrap();
    let p = rng.bytes(3000);
    d2.post_tx(&mut b, &p, &[], 5, false).unwrap();
    d2.ring(&mut b).unwrap();
    d1.reset(&mut b).unwrap();
    assert_eq!(d1.error(&mut b).unwrap(), ERR_NONE, "reset clears the error");
    exchange(&mut b, &mut [&mut *d1, &mut *d3], 10, &mut rng);
    let back = loop {
        b.step();
        let r = d2.reap_rx(&mut b).unwrap();
        if let Some(x) = r.into_iter().next() {
            break x;
        }
    };
    assert_eq!(back.data, p, "function 2's packet across function 1's reset");
    assert_eq!(b.host.iommu.violations.len(), violations, "no refused access after the reset");
    // No such function: refused, nothing changes.
    let (_, err) = b.reg(true, cfg.functions() as u32, R_H2C_PIDX, 5);
    assert!(err, "a register of a function beyond the design is refused");
}

/// H2C traffic of one function for the gate tests: its driver keeps up to
/// `window` descriptors posted (random packets of 1 B..`max_len` over 1..3
/// descriptors, random alignment); every packet is expected on the scoreboard.
struct Traffic {
    d: VfDriver,
    /// Whether new packets are posted.
    post: bool,
    posted: u64,
    received: u64,
    window: usize,
    max_len: usize,
}

impl Traffic {
    /// Up to 8 descriptors posted, packets up to 3000 bytes.
    fn new(d: VfDriver) -> Traffic {
        Traffic { d, post: true, posted: 0, received: 0, window: 8, max_len: 3000 }
    }
}

/// Posts what each function's ring has room for, rings, runs `cycles`
/// cycles, and scores what came out of `m_axis_h2c`.
fn pump(b: &mut Bench, ts: &mut [Traffic], board: &mut vfpga_sim::Scoreboard<u32>, rng: &mut Rng, cycles: u64) {
    for t in ts.iter_mut() {
        t.d.reap_tx(b).unwrap();
        while t.post && t.d.tx_in_flight() < t.window {
            let n = rng.range_usize(1..t.max_len + 1);
            let p = rng.bytes(n);
            let cuts: Vec<usize> = (0..rng.below(3)).map(|_| rng.range_usize(0..p.len() + 1)).collect();
            let mut cuts = cuts;
            cuts.sort();
            if !t.d.post_tx(b, &p, &cuts, rng.below(64), false).unwrap() {
                break;
            }
            board.expect(t.d.function, vfpga_sim::Packet::new(p).tid(t.d.function));
            t.posted += 1;
        }
        t.d.ring(b).unwrap();
    }
    for _ in 0..cycles {
        b.step();
        while let Some(p) = b.sink.as_mut().unwrap().pop() {
            let f = p.tid;
            match ts.iter_mut().find(|t| t.d.function == f) {
                Some(t) => {
                    t.received += 1;
                    board.observe(f, p).unwrap_or_else(|e| panic!("cycle {}: {e}", b.cycle));
                }
                None => b.stray.push(p),
            }
        }
    }
}

/// One function whose turns end inside packets: small packets over 1..3
/// descriptors, far more posted than a turn fetches. A turn's tail then
/// fetches again to finish its packet, sometimes while the scheduler starts
/// the function's next turn in the next bank; the tail must fetch the next
/// descriptors, never the new turn (which the issuer drains after it). Every
/// packet comes out whole and in order, and every descriptor is written back
/// with its own length and end flag (`reap_tx`).
#[test]
fn turns_ending_inside_packets_keep_ring_order() {
    turn_tails_run("dma_turn_tails", &[1]);
}

/// The same with three functions, so that the banks (a ring of four) hold
/// turns of several functions at once: a function whose older turn still
/// waits for its tail, behind another function's turn, gets no new turn
/// until that tail is done; packets of different functions never
/// interleave on the stream.
#[test]
fn turns_of_three_functions_ending_inside_packets() {
    turn_tails_run("dma_turn_tails_3", &[1, 2, 3]);
}

fn turn_tails_run(name: &str, functions: &[u32]) {
    let cfg = Config::default();
    let (mut b, mut rng) = Bench::with_h2c_sink(&cfg, name, 200, 0.9);
    let mut ts = Vec::new();
    for &f in functions {
        b.host.iommu.map(f, region(f).0, region(f).1, true);
        b.enable(f);
        let mut t = Traffic::new(VfDriver::open(&mut b, f, region(f), 8).unwrap());
        t.window = 200;
        t.max_len = 300;
        ts.push(t);
    }
    let mut board: vfpga_sim::Scoreboard<u32> = vfpga_sim::Scoreboard::new("h2c per function");
    for _ in 0..200 {
        pump(&mut b, &mut ts, &mut board, &mut rng, 500);
    }
    for t in ts.iter_mut() {
        t.post = false;
    }
    let limit = b.cycle + 100_000;
    while board.outstanding() > 0 {
        pump(&mut b, &mut ts, &mut board, &mut rng, 500);
        if b.cycle >= limit {
            for t in ts.iter() {
                let f = t.d.function;
                let regs: Vec<u32> = [R_STATUS, R_H2C_PIDX, R_H2C_CIDX].iter().map(|&o| b.read(f, o)).collect();
                eprintln!("function {f}: status/h2c pidx,cidx {regs:?}, {} posted, {} received", t.posted, t.received);
            }
            panic!("H2C stalled: {} packets missing", board.outstanding());
        }
    }
    board.finish().unwrap();
    pump(&mut b, &mut ts, &mut board, &mut rng, 2000);
    for t in ts.iter_mut() {
        let f = t.d.function;
        t.d.reap_tx(&mut b).unwrap();
        assert_eq!(t.d.tx_in_flight(), 0, "function {f}: every descriptor written back and reaped");
        assert_eq!(t.d.error(&mut b).unwrap(), ERR_NONE, "function {f} stopped");
    }
    assert!(b.stray.is_empty(), "packets of another function: {}", b.stray.len());
    let received: Vec<u64> = ts.iter().map(|t| t.received).collect();
    eprintln!("{name}: {received:?} packets in {} cycles", b.cycle);
}

/// What the test knows of one function's gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GateSt {
    Open,
    /// Close requested at this cycle, no answer yet.
    Closing(u64),
    /// Closed: the answer came at this cycle.
    Closed(u64),
}

/// The test's side of the sharing gate: requests, their answers, the
/// waiting reports, checked as they come.
struct Gates {
    st: [GateSt; 16],
    /// Closes sent and not yet answered.
    pending: [u32; 16],
    /// Reports in the current closed period.
    reports: [u32; 16],
    /// Reports allowed in the closed period: one per close request in it.
    allowed: [u32; 16],
    /// Whether the function still had packets to send at its closed pulse.
    had_work: [bool; 16],
    /// Cycle by which the last open request is driven.
    open_at: [u64; 16],
    /// (function, from, to): cycles in which no beat of the function may leave.
    silent: Vec<(u32, u64, u64)>,
    seen_closed: usize,
    seen_waiting: usize,
}

impl Gates {
    fn new() -> Gates {
        Gates {
            st: [GateSt::Open; 16],
            pending: [0; 16],
            reports: [0; 16],
            allowed: [0; 16],
            had_work: [false; 16],
            open_at: [0; 16],
            silent: Vec::new(),
            seen_closed: 0,
            seen_waiting: 0,
        }
    }

    fn close(&mut self, b: &mut Bench, f: u32) {
        let fi = f as usize;
        b.gate_req.push_back((f, false));
        self.pending[fi] += 1;
        if self.st[fi] == GateSt::Open {
            self.reports[fi] = 0;
            self.allowed[fi] = 1;
            self.st[fi] = GateSt::Closing(b.cycle);
        } else {
            // A close of a closed function starts a new closed period: it
            // may be reported once more.
            self.allowed[fi] += 1;
        }
    }

    fn open(&mut self, b: &mut Bench, f: u32) {
        let fi = f as usize;
        let GateSt::Closed(at) = self.st[fi] else { panic!("function {f} opened while {:?}", self.st[fi]) };
        b.gate_req.push_back((f, true));
        self.open_at[fi] = b.cycle + b.gate_req.len() as u64;
        self.silent.push((f, at + 1, self.open_at[fi] - 1));
        self.st[fi] = GateSt::Open;
    }

    /// Whether function `f` may be opened now: answered, and reported if it had work.
    fn settled(&self, f: u32) -> bool {
        let fi = f as usize;
        matches!(self.st[fi], GateSt::Closed(_)) && self.pending[fi] == 0 && (!self.had_work[fi] || self.reports[fi] >= 1)
    }

    /// Takes the gate outputs logged since the last call.
    fn events(&mut self, b: &Bench, ts: &[Traffic]) {
        for &(c, f) in &b.gate_closed[self.seen_closed..] {
            let fi = f as usize;
            assert!(self.pending[fi] > 0, "cycle {c}: closed pulse of function {f} without a close request");
            self.pending[fi] -= 1;
            if let GateSt::Closing(_) = self.st[fi] {
                self.st[fi] = GateSt::Closed(c);
                let t = ts.iter().find(|t| t.d.function == f).unwrap();
                self.had_work[fi] = t.received < t.posted;
            }
        }
        self.seen_closed = b.gate_closed.len();
        for &(c, f) in &b.waiting[self.seen_waiting..] {
            let fi = f as usize;
            // Made while closed; an open request may have been on its way.
            assert!(
                self.st[fi] != GateSt::Open || c < self.open_at[fi] + 32,
                "cycle {c}: waiting report of open function {f}"
            );
            self.reports[fi] += 1;
            assert!(self.reports[fi] <= self.allowed[fi], "cycle {c}: function {f} reported twice in one closed period");
        }
        self.seen_waiting = b.waiting.len();
    }
}

/// The sharing gate driven directly (no scheduler exists yet): functions 1-4
/// are closed and opened at random under H2C traffic of functions 1-6 (seed
/// printed); 5 and 6 are never gated. Checked: exactly one `m_gate_closed`
/// pulse per close request (closing a closed function answers again); no
/// beat of a function between its closed pulse and its next open; at most
/// one waiting report per closed period, and one whenever the function still
/// had work after its pulse; a doorbell on a closed, idle function leads to
/// a report; `m_waiting_ready` held low for long blocks nobody; every packet
/// of every function arrives, in order, byte for byte (scoreboard).
#[test]
fn gate_close_open_under_traffic() {
    let cfg = Config::default();
    let name = "dma_gate";
    let (mut b, mut rng) = Bench::with_h2c_sink(&cfg, name, 100, 0.8);
    let mut ts = Vec::new();
    for f in 1..=6u32 {
        b.host.iommu.map(f, region(f).0, region(f).1, true);
        b.enable(f);
        ts.push(Traffic::new(VfDriver::open(&mut b, f, region(f), 8).unwrap()));
    }
    let mut board: vfpga_sim::Scoreboard<u32> = vfpga_sim::Scoreboard::new("h2c by function");
    let gated = [1u32, 2, 3, 4];
    let mut g = Gates::new();
    let (mut closes, mut double_closes) = (0, 0);
    for round in 0..160 {
        for &f in &gated {
            let fi = f as usize;
            match g.st[fi] {
                GateSt::Open if rng.chance(0.3) => {
                    g.close(&mut b, f);
                    closes += 1;
                }
                GateSt::Closed(_) if rng.chance(0.08) => {
                    // Closing a closed function answers once more.
                    g.close(&mut b, f);
                    double_closes += 1;
                }
                GateSt::Closed(_) if g.settled(f) && rng.chance(0.5) => g.open(&mut b, f),
                GateSt::Closed(at) if g.had_work[fi] && g.reports[fi] == 0 => {
                    assert!(b.cycle < at + 20_000, "round {round}: function {f} closed with work since {at}, never reported");
                }
                GateSt::Closing(at) => {
                    assert!(b.cycle < at + 50_000, "round {round}: close of function {f} at {at} never answered");
                }
                _ => {}
            }
        }
        pump(&mut b, &mut ts, &mut board, &mut rng, 300);
        g.events(&b, &ts);
    }
    eprintln!("{name}: {closes} closes, {double_closes} closes of closed functions, {} reports", b.waiting.len());
    assert!(closes >= 10 && double_closes >= 2, "the random schedule exercised too little");
    // Everything open again.
    let mut guard = 0;
    while gated.iter().any(|&f| g.st[f as usize] != GateSt::Open) {
        for &f in &gated {
            if g.settled(f) {
                g.open(&mut b, f);
            }
        }
        pump(&mut b, &mut ts, &mut board, &mut rng, 300);
        g.events(&b, &ts);
        guard += 1;
        assert!(guard < 200, "gates not settled: {:?}", &g.st[1..5]);
    }

    // m_waiting_ready low for long: 1 and 2 closed with work, nobody takes
    // the report; 3-6 keep moving.
    b.waiting_ready_prob = 0.0;
    g.close(&mut b, 1);
    g.close(&mut b, 2);
    let before: Vec<u64> = ts.iter().map(|t| t.received).collect();
    for _ in 0..25 {
        pump(&mut b, &mut ts, &mut board, &mut rng, 300);
        g.events(&b, &ts);
    }
    assert!(matches!(g.st[1], GateSt::Closed(_)) && matches!(g.st[2], GateSt::Closed(_)), "closes answered while m_waiting_ready is low");
    for t in &ts[2..] {
        assert!(t.received >= before[t.d.function as usize - 1] + 3, "function {} starved while m_waiting_ready is low", t.d.function);
    }
    assert!(g.had_work[1] && g.had_work[2], "functions 1 and 2 had packets queued");
    assert_eq!(b.m.get("m_waiting_valid"), 1, "a report waits for m_waiting_ready");
    // The pending report goes out; the other closed function is reported at
    // its next scheduler visit (within one round of the others' turns).
    b.waiting_ready_prob = 1.0;
    for _ in 0..100 {
        pump(&mut b, &mut ts, &mut board, &mut rng, 300);
        g.events(&b, &ts);
        if g.reports[1] + g.reports[2] == 2 {
            break;
        }
    }
    assert_eq!((g.reports[1], g.reports[2]), (1, 1), "closed functions 1 and 2 with work: one report each");

    // A doorbell on a closed function without work leads to a report.
    g.open(&mut b, 2);
    g.open(&mut b, 1);
    ts[0].post = false;
    let mut guard = 0;
    while ts[0].received < ts[0].posted {
        pump(&mut b, &mut ts, &mut board, &mut rng, 300);
        g.events(&b, &ts);
        guard += 1;
        assert!(guard < 200, "function 1 did not drain");
    }
    g.close(&mut b, 1);
    for _ in 0..10 {
        pump(&mut b, &mut ts, &mut board, &mut rng, 300);
        g.events(&b, &ts);
    }
    assert!(matches!(g.st[1], GateSt::Closed(_)) && g.reports[1] == 0, "closed and idle: no report ({:?}, {})", g.st[1], g.reports[1]);
    ts[0].post = true;
    pump(&mut b, &mut ts, &mut board, &mut rng, 2000);
    g.events(&b, &ts);
    assert_eq!(g.reports[1], 1, "the doorbell of a closed function leads to one report");

    // Open everything; every packet arrives.
    g.open(&mut b, 1);
    for t in ts.iter_mut() {
        t.post = false;
    }
    let limit = b.cycle + 300_000;
    while board.outstanding() > 0 {
        pump(&mut b, &mut ts, &mut board, &mut rng, 300);
        g.events(&b, &ts);
        assert!(b.cycle < limit, "H2C stalled: {} packets missing", board.outstanding());
    }
    board.finish().unwrap();
    assert!(g.pending.iter().all(|&p| p == 0), "closes without an answer: {:?}", g.pending);
    assert_eq!(b.gate_closed.len(), b.gate_sent.iter().filter(|r| !r.2).count(), "one pulse per close request");
    for &(f, from, to) in &g.silent {
        if let Some(&(c, _, _)) = b.h2c_beats.iter().find(|&&(c, tid, _)| tid == f && c >= from && c < to) {
            panic!("function {f}: beat at cycle {c}, after its closed pulse ({}) and before it was opened ({to})", from - 1);
        }
    }
    for t in ts.iter_mut() {
        assert_eq!(t.d.error(&mut b).unwrap(), ERR_NONE, "function {} stopped", t.d.function);
    }
    assert!(b.host.iommu.violations.is_empty(), "IOMMU violations: {:?}", b.host.iommu.violations);
    let quiet: u64 = g.silent.iter().map(|&(_, from, to)| to - from).sum();
    eprintln!("{name}: {} cycles, {} H2C beats, {} closed periods ({quiet} cycles) checked", b.cycle, b.h2c_beats.len(), g.silent.len());
}

/// Error interrupts requested so far, as (function, vector) pairs.
fn error_irqs(b: &Bench) -> Vec<u32> {
    b.irqs.iter().filter(|i| i.1 == IRQ_ERROR).map(|i| i.0).collect()
}

/// A refused read cuts its packet: function 1 sends one packet over three
/// descriptors, the middle one pointing into function 2's memory, while 2
/// and 3 send random packets (scoreboard). The IOMMU refuses the middle read:
/// the packet still ends on the stream, flagged with `m_axis_h2c_tuser`,
/// carrying only the bytes before the refused ones (at most one pad byte
/// after them) — never the refused bytes as zeros. Function 1 stops with
/// H2C_READ and its error interrupt; after its reset it sends again.
#[test]
fn refused_read_cuts_the_packet() {
    let cfg = Config::default();
    let (mut b, mut rng) = Bench::with_h2c_sink(&cfg, "dma_refused_read", 100, 0.8);
    let mut ts = Vec::new();
    let mut d1 = None;
    for f in 1..=3u32 {
        b.host.iommu.map(f, region(f).0, region(f).1, true);
        b.enable(f);
        let d = VfDriver::open(&mut b, f, region(f), 8).unwrap();
        if f == 1 {
            d1 = Some(d);
        } else {
            ts.push(Traffic::new(d));
        }
    }
    let mut d1 = d1.unwrap();
    let mut board: vfpga_sim::Scoreboard<u32> = vfpga_sim::Scoreboard::new("h2c by function");
    let good = rng.bytes(200);
    let tail = rng.bytes(50);
    let a = region(1).0 + 0x10_0000 + rng.below(64);
    let c = region(1).0 + 0x20_0000;
    b.host.write_bytes(a, &good);
    b.host.write_bytes(c, &tail);
    d1.post_tx_raw(&mut b, a, good.len() as u32, 0);
    d1.post_tx_raw(&mut b, region(2).0 + 0x8_0000, 100, 0);
    d1.post_tx_raw(&mut b, c, tail.len() as u32, DESC_EOP);
    d1.ring(&mut b).unwrap();
    for _ in 0..30 {
        pump(&mut b, &mut ts, &mut board, &mut rng, 300);
    }
    assert_eq!(d1.error(&mut b).unwrap(), ERR_H2C_READ, "function 1 stops with H2C_READ");
    assert_eq!(error_irqs(&b), vec![1], "one error interrupt, function 1's");
    assert_eq!(b.stray.len(), 1, "function 1's packet ends on the stream once: {:?}", b.stray);
    let p = &b.stray[0];
    assert_eq!(p.tid, 1);
    assert_eq!(p.tuser, 1, "the cut packet is flagged on tuser");
    assert!(
        p.data.len() >= good.len() && p.data.len() <= good.len() + 1 && p.data[..good.len()] == good[..],
        "only the bytes before the refused read (and at most one pad byte): {} bytes",
        p.data.len()
    );
    assert!(p.data.len() == good.len() || p.data[good.len()] == 0);
    assert!(b.read(1, R_H2C_CIDX) <= 1, "the refused descriptor is not completed");
    assert!(b.host.iommu.violations.iter().all(|v| v.0 == 1 && !v.2), "only function 1's read was refused");
    // Reset: function 1 sends again, with the others.
    d1.reset(&mut b).unwrap();
    ts.push(Traffic::new(d1));
    for _ in 0..30 {
        pump(&mut b, &mut ts, &mut board, &mut rng, 300);
    }
    for t in ts.iter_mut() {
        t.post = false;
    }
    let limit = b.cycle + 200_000;
    while board.outstanding() > 0 {
        pump(&mut b, &mut ts, &mut board, &mut rng, 300);
        assert!(b.cycle < limit, "H2C stalled: {} packets missing", board.outstanding());
    }
    board.finish().unwrap();
    assert!(ts[2].received > 10, "function 1 moves packets again after its reset");
    for t in ts.iter_mut() {
        assert_eq!(t.d.error(&mut b).unwrap(), ERR_NONE, "function {} stopped", t.d.function);
    }
    assert_eq!(b.stray.len(), 1, "no other cut packet");
}

/// Loopback bench of functions 1-3 (each owning 4 MiB), function 1 the one
/// driven into errors.
fn error_bench(name: &str) -> (Bench, Vec<VfDriver>, Rng) {
    let cfg = Config::default();
    let mut b = Bench::new(&cfg, name, 100);
    b.loop_prob = 0.8;
    let rng = b.rng.fork();
    let mut ds = Vec::new();
    for f in 1..=3u32 {
        b.host.iommu.map(f, region(f).0, region(f).1, true);
        b.enable(f);
        ds.push(VfDriver::open(&mut b, f, region(f), 6).unwrap());
    }
    (b, ds, rng)
}

/// Function 1 has just been provoked: 2 and 3 exchange random packets
/// meanwhile (every byte back, STATUS 0); then function 1 must have stopped
/// with `code` and requested its error interrupt (no one else did); its
/// registers `restore` are written back, and after its reset all three
/// exchange packets again.
fn expect_error_then_reset(b: &mut Bench, ds: &mut [VfDriver], rng: &mut Rng, code: u32, what: &str, restore: &[(u32, u32)]) {
    let irqs_before = error_irqs(b).len();
    {
        let (_, rest) = ds.split_first_mut().unwrap();
        let (d2, d3) = rest.split_first_mut().unwrap();
        exchange(b, &mut [d2, &mut d3[0]], 8, rng);
    }
    let limit = b.cycle + 20_000;
    while error_irqs(b).len() == irqs_before && b.cycle < limit {
        b.step();
    }
    assert_eq!(ds[0].error(b).unwrap(), code, "{what}: function 1's STATUS");
    assert_eq!(&error_irqs(b)[irqs_before..], &[1], "{what}: function 1's error interrupt, nobody else's");
    let st = ds[0].take_irq_status(b).unwrap();
    assert!(st & (1 << IRQ_ERROR) != 0, "{what}: IRQ_STATUS.ERROR");
    for &(reg, v) in restore {
        b.write(1, reg, v);
    }
    ds[0].reset(b).unwrap();
    assert_eq!(ds[0].error(b).unwrap(), ERR_NONE, "{what}: reset clears the error");
    let (d1, rest) = ds.split_first_mut().unwrap();
    let (d2, d3) = rest.split_first_mut().unwrap();
    exchange(b, &mut [d1, d2, &mut d3[0]], 6, rng);
}

/// Zero-length descriptors: an H2C descriptor of length 0, then a C2H
/// buffer of length 0 (a packet looped back into it) stop function 1 with
/// ZERO_LENGTH; the others' traffic is unaffected; reset restarts it.
#[test]
fn zero_length_descriptors() {
    let (mut b, mut ds, mut rng) = error_bench("dma_zero_length");
    ds[0].post_tx_raw(&mut b, region(1).0 + 0x10_0000, 0, DESC_EOP);
    ds[0].ring(&mut b).unwrap();
    expect_error_then_reset(&mut b, &mut ds, &mut rng, ERR_ZERO_LENGTH, "H2C descriptor of length 0", &[]);
    assert!(ds[0].post_rx(&mut b, 0, 0, false).unwrap());
    let p = rng.bytes(300);
    assert!(ds[0].post_tx(&mut b, &p, &[], 0, false).unwrap());
    ds[0].ring(&mut b).unwrap();
    expect_error_then_reset(&mut b, &mut ds, &mut rng, ERR_ZERO_LENGTH, "C2H buffer of length 0", &[]);
}

/// Ring misconfiguration (RING_CONFIG, as `regs.rs` documents: size below 4,
/// base not 16-byte aligned, PIDX beyond the ring) on a queue with work
/// stops function 1; the others' traffic is unaffected; reset restarts it.
#[test]
fn ring_misconfiguration() {
    let (mut b, mut ds, mut rng) = error_bench("dma_ring_config");
    let base = region(1).0 as u32;
    let cases: [(&str, u32, u32); 4] = [
        ("H2C ring size 2", R_H2C_SIZE, 2),
        ("H2C ring base not 16-byte aligned", R_H2C_BASE_LO, base + 8),
        ("H2C PIDX beyond the ring", R_H2C_PIDX, 1 << 6),
        ("C2H ring size 3", R_C2H_SIZE, 3),
    ];
    for (what, reg, v) in cases {
        let p = rng.bytes(100);
        match reg {
            R_C2H_SIZE => {
                // A packet looped back into a C2H ring of 8 descriptors.
                assert!(ds[0].post_rx(&mut b, 4096, 0, false).unwrap());
                b.write(1, reg, v);
                assert!(ds[0].post_tx(&mut b, &p, &[], 0, false).unwrap());
                ds[0].ring(&mut b).unwrap();
            }
            R_H2C_PIDX => {
                assert!(ds[0].post_tx(&mut b, &p, &[], 0, false).unwrap());
                b.write(1, reg, v);
            }
            _ => {
                b.write(1, reg, v);
                assert!(ds[0].post_tx(&mut b, &p, &[], 0, false).unwrap());
                ds[0].ring(&mut b).unwrap();
            }
        }
        let restore = [(R_H2C_SIZE, 6), (R_H2C_BASE_LO, base), (R_C2H_SIZE, 6)];
        expect_error_then_reset(&mut b, &mut ds, &mut rng, ERR_RING_CONFIG, what, &restore);
    }
}

/// Write-response errors: SLVERR and DECERR on B for C2H data writes and for
/// write-backs (H2C and C2H rings) of function 1 stop it with C2H_WRITE;
/// the others' traffic is unaffected; reset (the fault removed) restarts it.
#[test]
fn write_response_errors() {
    let (mut b, mut ds, mut rng) = error_bench("dma_write_errors");
    let (base, len) = region(1);
    let ring = 16u64 << 6;
    let cases: [(&str, u64, u64, u8); 4] = [
        ("SLVERR on a C2H data write", base + 2 * ring, base + len, 2),
        ("DECERR on a C2H data write", base + 2 * ring, base + len, 3),
        ("SLVERR on an H2C write-back", base, base + ring, 2),
        ("DECERR on a C2H write-back", base + ring, base + 2 * ring, 3),
    ];
    for (what, start, end, resp) in cases {
        b.host.write_faults.push(vfpga_sim::host::WriteFault { function: 1, start, end, resp, hits: 0 });
        assert!(ds[0].post_rx(&mut b, 4096, rng.below(64), false).unwrap());
        let n = rng.range_usize(1..4097);
        let p = rng.bytes(n);
        assert!(ds[0].post_tx(&mut b, &p, &[], rng.below(64), false).unwrap());
        ds[0].ring(&mut b).unwrap();
        // The fault stays until the error interrupt, then goes.
        let irqs_before = error_irqs(&b).len();
        let limit = b.cycle + 20_000;
        while error_irqs(&b).len() == irqs_before {
            b.step();
            assert!(b.cycle < limit, "{what}: no error interrupt");
        }
        let fault = b.host.write_faults.pop().unwrap();
        assert!(fault.hits > 0, "{what}: the fault was hit");
        assert_eq!(error_irqs(&b).last(), Some(&1), "{what}: function 1's error interrupt");
        let n = error_irqs(&b).len() - 1;
        {
            let (_, rest) = ds.split_first_mut().unwrap();
            let (d2, d3) = rest.split_first_mut().unwrap();
            exchange(&mut b, &mut [d2, &mut d3[0]], 8, &mut rng);
        }
        assert_eq!(ds[0].error(&mut b).unwrap(), ERR_C2H_WRITE, "{what}: function 1's STATUS");
        assert_eq!(&error_irqs(&b)[n..], &[1], "{what}: function 1's error interrupt, once, nobody else's");
        ds[0].take_irq_status(&mut b).unwrap();
        ds[0].reset(&mut b).unwrap();
        let (d1, rest) = ds.split_first_mut().unwrap();
        let (d2, d3) = rest.split_first_mut().unwrap();
        exchange(&mut b, &mut [d1, d2, &mut d3[0]], 6, &mut rng);
    }
}

/// Interrupt masking, per function: function 1 masks its H2C and C2H
/// sources, function 2 does not; both send packets whose descriptors ask
/// for interrupts (function 3 sends without). Function 2 gets its
/// interrupts, function 1 none, but its IRQ_STATUS records them; unmasking
/// a pending source requests its interrupt once; a pending source cleared in
/// IRQ_STATUS before it is unmasked requests nothing. The same for a masked
/// error (zero-length descriptor); reset restarts function 1.
/// A partial write (byte strobes other than 0xF) to any DMA register answers
/// SLVERR and changes nothing (regmap.md), whatever the strobes and register.
#[test]
fn partial_writes_are_refused() {
    let cfg = Config::default();
    let mut b = Bench::new(&cfg, "dma_partial_writes", 20);
    let mut rng = b.rng.fork();
    let f = 1;
    b.enable(f);
    let regs = [R_CTRL, R_H2C_BASE_LO, R_H2C_BASE_HI, R_H2C_SIZE, R_H2C_PIDX, R_C2H_BASE_LO, R_C2H_BASE_HI, R_C2H_SIZE,
        R_C2H_PIDX, R_IRQ_MASK, R_IRQ_STATUS];
    // Known values first (full writes), then partial writes of other values.
    let full = [0u32, 0x1234_5600, 0x0000_0001, 4, 0, 0x2345_6700, 0x0000_0002, 5, 0, 0x5, 0];
    for (&r, &v) in regs.iter().zip(&full) {
        b.write(f, r, v);
    }
    let before: Vec<u32> = regs.iter().map(|&r| b.read(f, r)).collect();
    for _ in 0..60 {
        let k = rng.range_usize(0..regs.len());
        let strb = [0x0, 0x1, 0x2, 0x3, 0x4, 0x7, 0x8, 0xc, 0xe][rng.range_usize(0..9)];
        let (_, err) = b.reg_strb(true, f, regs[k], rng.next_u64() as u32, strb);
        assert!(err, "partial write (wstrb {strb:#x}) to {:#x} answered OKAY", regs[k]);
    }
    let after: Vec<u32> = regs.iter().map(|&r| b.read(f, r)).collect();
    assert_eq!(before, after, "partial writes changed a register");
    assert!(b.irqs.is_empty(), "a refused write requested an interrupt: {:?}", b.irqs);
}

/// Function-level reset on detach: a function with H2C packets and C2H
/// buffers posted (interrupts requested, some masked) is detached in the
/// middle of its transfers. Once its in-flight reads have drained, it makes
/// no host access and requests no interrupt any more, not even after it is
/// attached again, and its registers read their reset values; the next
/// tenant moves packets on it without any access to the old tenant's rings
/// or buffers. A function stopped with an error (STATUS, a pending masked
/// error interrupt, IRQ_MASK) and detached reads reset values too and never
/// requests that interrupt. Another function's registers are untouched.
#[test]
fn detach_resets_the_function() {
    let mut b = Bench::new(&Config::default(), "dma_detach_reset", 200);
    let mut rng = b.rng.fork();
    b.loop_prob = 0.6;
    let q = setup(&mut b, 1, 0x1_0000_0000);
    let other = setup(&mut b, 2, 0x2_0000_0000);
    // Function 3 stopped with an error: STATUS, IRQ_STATUS.ERROR, a mask.
    let e = setup(&mut b, 3, 0x3_0000_0000);
    b.write(e.f, R_IRQ_MASK, 1 << IRQ_ERROR);
    put_desc(&mut b, e.h2c_ring, 0, e.base + 2 * PAGE, 0, DESC_EOP);
    b.write(e.f, R_H2C_PIDX, 1);
    for _ in 0..2000 {
        b.step();
    }
    assert_eq!(b.read(e.f, R_STATUS) & 0xf, ERR_ZERO_LENGTH, "function 3's error");
    assert_ne!(b.read(e.f, R_IRQ_STATUS) & (1 << IRQ_ERROR), 0, "function 3's pending (masked) error interrupt");
    b.write(q.f, R_IRQ_MASK, 1 << IRQ_C2H);
    for i in 0..16u32 {
        put_desc(&mut b, q.c2h_ring, i, q.base + (2 + i as u64) * PAGE, 4096, DESC_IRQ);
        let addr = q.base + (32 + i as u64) * PAGE;
        b.host.write_bytes(addr, &rng.bytes(4096));
        put_desc(&mut b, q.h2c_ring, i, addr, 4096, DESC_EOP | DESC_IRQ);
    }
    b.write(q.f, R_C2H_PIDX, 16);
    b.write(q.f, R_H2C_PIDX, 16);
    // Detach in the middle of the transfers.
    let limit = b.cycle + 50_000;
    while b.h2c_beats.len() < 700 {
        b.step();
        assert!(b.cycle < limit, "H2C never started");
    }
    b.fnctl(q.f, false);
    b.fnctl(e.f, false);
    let (e_seen, e_irqs) = (b.host.accesses.get(&e.f).copied(), b.irqs.len());
    for _ in 0..600 {
        b.step();
    }
    let seen = b.host.accesses.get(&q.f).copied();
    let irqs = b.irqs.len();
    let regs = [R_CTRL, R_STATUS, R_H2C_BASE_LO, R_H2C_BASE_HI, R_H2C_SIZE, R_H2C_PIDX, R_H2C_CIDX, R_C2H_BASE_LO,
        R_C2H_BASE_HI, R_C2H_SIZE, R_C2H_PIDX, R_C2H_CIDX, R_IRQ_MASK, R_IRQ_STATUS];
    let values = |b: &mut Bench, f: u32| regs.iter().map(|&r| (r, b.read(f, r))).collect::<Vec<_>>();
    let reset: Vec<(u32, u32)> = regs.iter().map(|&r| (r, 0)).collect();
    assert_eq!(values(&mut b, q.f), reset, "detached function: registers not at their reset values");
    assert_eq!(values(&mut b, e.f), reset, "detached function in error: registers not at their reset values");
    assert_eq!(b.host.accesses.get(&e.f).copied(), e_seen, "host accesses of the detached function in error");
    assert!(!b.irqs[e_irqs..].iter().any(|i| i.0 == e.f), "function 3's pending error interrupt requested after its DETACH");
    // The next tenant attaches the function: still reset, and nothing of the
    // old rings or buffers is touched, even once it works with its own: the
    // old tenant's memory is no longer mapped for the function (any access
    // there would be refused and fail), the next tenant's is.
    b.host.iommu.unmap(q.f, q.base, 1 << 20);
    b.enable(q.f);
    for _ in 0..3000 {
        b.step();
    }
    assert_eq!(values(&mut b, q.f), reset, "re-attached function: registers not at their reset values");
    assert_eq!(b.host.accesses.get(&q.f).copied(), seen, "host accesses of the detached function");
    assert!(!b.irqs[irqs..].iter().any(|i| i.0 == q.f), "interrupts of the old tenant after the DETACH settled");
    let next = (0x5_0000_0000u64, 1u64 << 20);
    b.host.iommu.map(q.f, next.0, next.1, true);
    let mut d = VfDriver::open(&mut b, q.f, next, 6).unwrap();
    b.loop_prob = 0.8;
    exchange(&mut b, &mut [&mut d], 8, &mut rng);
    assert!(b.host.iommu.violations.is_empty(), "IOMMU violations: {:?}", b.host.iommu.violations);
    assert_eq!(b.read(other.f, R_H2C_BASE_LO), other.h2c_ring as u32, "function 2's ring moved");
    assert_eq!(b.read(other.f, R_C2H_SIZE), other.log2, "function 2's ring moved");
    assert_eq!(b.read(other.f, R_CTRL), CTRL_H2C_RUN | CTRL_C2H_RUN, "function 2 stopped");
}

#[test]
fn interrupt_masking() {
    let (mut b, mut ds, mut rng) = error_bench("dma_irq_mask");
    let h2c = 1 << IRQ_H2C;
    let c2h = 1 << IRQ_C2H;
    let err = 1 << IRQ_ERROR;
    ds[0].mask_irqs(&mut b, h2c | c2h).unwrap();
    // One packet each with interrupts on both descriptors.
    for d in ds.iter_mut().take(2) {
        assert!(d.post_rx(&mut b, 4096, 0, true).unwrap());
        let p = rng.bytes(500);
        assert!(d.post_tx(&mut b, &p, &[], 0, true).unwrap());
        d.ring(&mut b).unwrap();
    }
    {
        let (_, rest) = ds.split_at_mut(2);
        exchange(&mut b, &mut [&mut rest[0]], 4, &mut rng);
    }
    for _ in 0..3000 {
        b.step();
    }
    let of = |b: &Bench, f: u32| b.irqs.iter().filter(|i| i.0 == f).map(|i| i.1).collect::<Vec<_>>();
    let mut v2 = of(&b, 2);
    v2.sort();
    assert_eq!(v2, vec![IRQ_H2C, IRQ_C2H], "function 2, unmasked: both interrupts");
    assert!(of(&b, 1).is_empty(), "function 1, masked: no interrupt ({:?})", of(&b, 1));
    assert!(of(&b, 3).is_empty(), "function 3 asked for none");
    assert_eq!(b.read(1, R_IRQ_STATUS), h2c | c2h, "function 1's IRQ_STATUS records both");
    for d in ds.iter_mut().take(2) {
        assert_eq!(d.reap_rx(&mut b).unwrap().len(), 1);
        assert_eq!(d.reap_tx(&mut b).unwrap(), 1);
    }
    // Unmask H2C: its pending interrupt, once.
    ds[0].mask_irqs(&mut b, c2h).unwrap();
    for _ in 0..200 {
        b.step();
    }
    assert_eq!(of(&b, 1), vec![IRQ_H2C], "unmasking H2C requests its pending interrupt");
    // C2H: cleared in IRQ_STATUS while masked, then unmasked: nothing.
    b.write(1, R_IRQ_STATUS, c2h);
    ds[0].mask_irqs(&mut b, 0).unwrap();
    for _ in 0..200 {
        b.step();
    }
    assert_eq!(of(&b, 1), vec![IRQ_H2C], "a pending interrupt cleared in IRQ_STATUS is not requested");
    // Unmasking again requests nothing more; unmasked, the next one comes at once.
    ds[0].mask_irqs(&mut b, 0).unwrap();
    assert!(ds[0].post_rx(&mut b, 4096, 0, false).unwrap());
    let p = rng.bytes(64);
    assert!(ds[0].post_tx(&mut b, &p, &[], 0, true).unwrap());
    ds[0].ring(&mut b).unwrap();
    for _ in 0..2000 {
        b.step();
    }
    assert_eq!(of(&b, 1), vec![IRQ_H2C, IRQ_H2C], "unmasked: the next H2C interrupt");
    ds[0].reap_tx(&mut b).unwrap();
    ds[0].reap_rx(&mut b).unwrap();
    ds[0].take_irq_status(&mut b).unwrap();
    // A masked error: no interrupt, IRQ_STATUS.ERROR; unmasked: requested once.
    ds[0].mask_irqs(&mut b, err).unwrap();
    ds[0].post_tx_raw(&mut b, region(1).0 + 0x10_0000, 0, DESC_EOP);
    ds[0].ring(&mut b).unwrap();
    for _ in 0..2000 {
        b.step();
    }
    assert_eq!(ds[0].error(&mut b).unwrap(), ERR_ZERO_LENGTH);
    assert!(!error_irqs(&b).contains(&1), "masked error: no interrupt");
    assert_eq!(b.read(1, R_IRQ_STATUS), err);
    ds[0].mask_irqs(&mut b, 0).unwrap();
    for _ in 0..200 {
        b.step();
    }
    assert_eq!(error_irqs(&b), vec![1], "unmasking the pending error requests its interrupt, once");
    ds[0].take_irq_status(&mut b).unwrap();
    ds[0].reset(&mut b).unwrap();
    let (d1, rest) = ds.split_first_mut().unwrap();
    let (d2, d3) = rest.split_first_mut().unwrap();
    exchange(&mut b, &mut [d1, d2, &mut d3[0]], 6, &mut rng);
    assert_eq!(error_irqs(&b), vec![1], "no other error interrupt");
}

/// Isolation of the register paths: with `irq_ready` held low, function 1
/// completes eight descriptors that ask for an interrupt (more than the
/// interrupt output holds). Function 2's register accesses are still answered
/// at once, and its doorbells start its packets; function 1's own registers
/// too. Once `irq_ready` rises, function 1's pending interrupts are requested
/// (one per source: H2C and C2H).
#[test]
fn pending_interrupts_block_no_other_function() {
    let (mut b, mut ds, mut rng) = error_bench("dma_irq_isolation");
    b.irq_low = true;
    for _ in 0..4 {
        assert!(ds[0].post_rx(&mut b, 4096, 0, true).unwrap());
        let p = rng.bytes(300);
        assert!(ds[0].post_tx(&mut b, &p, &[], 0, true).unwrap());
    }
    ds[0].ring(&mut b).unwrap();
    for _ in 0..4000 {
        b.step();
    }
    assert!(b.irqs.is_empty(), "irq_ready is low: no interrupt taken");
    // Function 2's and function 1's registers answer within a few cycles.
    for f in [2, 1, 0] {
        let t = b.cycle;
        let (v, e) = b.reg(false, f, R_ID, 0);
        assert!(!e && v == DMA_ID, "function {f}'s ID read refused or wrong");
        assert!(b.cycle - t < 40, "function {f}'s ID read took {} cycles", b.cycle - t);
    }
    // Function 2's traffic goes on.
    {
        let (_, rest) = ds.split_at_mut(1);
        exchange(&mut b, &mut [&mut rest[0]], 4, &mut rng);
    }
    assert_eq!(ds[0].reap_tx(&mut b).unwrap(), 4, "function 1's packets were sent");
    assert_eq!(ds[0].reap_rx(&mut b).unwrap().len(), 4, "function 1's packets came back");
    b.irq_low = false;
    for _ in 0..500 {
        b.step();
    }
    let mut v1: Vec<u32> = b.irqs.iter().filter(|i| i.0 == 1).map(|i| i.1).collect();
    v1.sort();
    v1.dedup();
    assert_eq!(v1, vec![IRQ_H2C, IRQ_C2H], "function 1's pending interrupts, requested once irq_ready rose");
    assert!(b.irqs.iter().all(|i| i.0 == 1), "no other function asked for an interrupt: {:?}", b.irqs);
}

/// The other error codes, each under the others' traffic and followed by a
/// reset: a packet with no receive buffer posted (NO_BUFFER), an H2C ring
/// whose descriptors the IOMMU refuses to read (DESC_READ), a packet whose
/// next descriptor is never posted (INCOMPLETE).
#[test]
fn no_buffer_descriptor_read_incomplete() {
    let (mut b, mut ds, mut rng) = error_bench("dma_other_errors");
    let p = rng.bytes(700);
    assert!(ds[0].post_tx(&mut b, &p, &[], 0, false).unwrap());
    ds[0].ring(&mut b).unwrap();
    expect_error_then_reset(&mut b, &mut ds, &mut rng, ERR_NO_BUFFER, "C2H packet without a buffer", &[]);
    // The H2C ring moved into memory function 1 does not own.
    let foreign = region(2).0 + 0x30_0000;
    b.write(1, R_H2C_BASE_LO, foreign as u32);
    b.write(1, R_H2C_BASE_HI, (foreign >> 32) as u32);
    assert!(ds[0].post_tx(&mut b, &p, &[], 0, false).unwrap());
    ds[0].ring(&mut b).unwrap();
    let base = region(1).0;
    let restore = [(R_H2C_BASE_LO, base as u32), (R_H2C_BASE_HI, (base >> 32) as u32)];
    expect_error_then_reset(&mut b, &mut ds, &mut rng, ERR_DESC_READ, "descriptor read refused", &restore);
    assert!(b.host.iommu.violations.iter().all(|v| v.0 == 1 && v.1 / PAGE == foreign / PAGE && !v.2));
    // A descriptor without EOP and nothing after it.
    let a = region(1).0 + 0x10_0000;
    b.host.write_bytes(a, &p[..100]);
    ds[0].post_tx_raw(&mut b, a, 100, 0);
    ds[0].ring(&mut b).unwrap();
    expect_error_then_reset(&mut b, &mut ds, &mut rng, ERR_INCOMPLETE, "packet never ended", &[]);
}

/// C2H driven straight into `s_axis_c2h` (H2C idle), functions 1-3, host
/// latency 200.
fn c2h_bench(name: &str) -> (Bench, Vec<VfDriver>, Rng) {
    let cfg = Config::default();
    let mut b = Bench::new(&cfg, name, 200);
    b.host.ready_prob = 0.9;
    b.desc.ready_prob = 0.9;
    let mut rng = b.rng.fork();
    b.sink = Some(vfpga_sim::AxisSink::new(&b.m, "m_axis_h2c", rng.fork()));
    b.c2h_src = Some(vfpga_sim::AxisSource::new(&b.m, "s_axis_c2h", rng.fork()).with_valid_prob(0.9));
    let mut ds = Vec::new();
    for f in 1..=3u32 {
        b.host.iommu.map(f, region(f).0, region(f).1, true);
        b.enable(f);
        ds.push(VfDriver::open(&mut b, f, region(f), 6).unwrap());
    }
    (b, ds, rng)
}

/// Queues a packet of function `f` on C2H; expected on the scoreboard.
fn c2h_send(b: &mut Bench, board: &mut vfpga_sim::Scoreboard<u32>, f: u32, p: Vec<u8>) {
    board.expect(f, vfpga_sim::Packet::new(p.clone()).tid(f));
    b.c2h_src.as_mut().unwrap().push(vfpga_sim::Packet::new(p).tid(f));
}

/// Runs until C2H is idle and then `extra` cycles; reaps every driver's
/// receive ring into the scoreboard (each packet in as many buffers as its
/// length needs, `sizes[i]` the buffer size of `ds[i]`); every STATUS must be 0.
fn c2h_settle(b: &mut Bench, ds: &mut [VfDriver], sizes: &[u32], board: &mut vfpga_sim::Scoreboard<u32>, extra: u64) {
    let limit = b.cycle + 400_000;
    while !b.c2h_src.as_ref().unwrap().is_idle() {
        b.step();
        assert!(b.cycle < limit, "C2H stalled");
    }
    for _ in 0..extra {
        b.step();
    }
    for (d, &size) in ds.iter_mut().zip(sizes) {
        for p in d.reap_rx(b).unwrap() {
            assert_eq!(p.descriptors as usize, p.data.len().div_ceil(size as usize).max(1), "function {}: buffers used", d.function);
            board.observe(d.function, vfpga_sim::Packet::new(p.data).tid(d.function)).unwrap_or_else(|e| panic!("cycle {}: {e}", b.cycle));
        }
        assert_eq!(d.error(b).unwrap(), ERR_NONE, "function {} stopped", d.function);
    }
}

/// After function 1 (`ds[0]`) was reset in round `round` of part `part`:
/// four new buffers of 1 KiB at other addresses, four packets into them (on
/// the scoreboard); the buffers `untouched`, posted before the reset, still
/// hold their 0xee marks, and the four new ones were used.
#[allow(clippy::too_many_arguments)]
fn c2h_after_reset(
    b: &mut Bench,
    ds: &mut [VfDriver],
    sizes: &[u32],
    board: &mut vfpga_sim::Scoreboard<u32>,
    rng: &mut Rng,
    round: u64,
    untouched: &[u64],
    part: &str,
) {
    let (start, _) = region(1);
    let fresh: Vec<u64> = (0..4).map(|k| start + 0x30_0000 + round * 0x1_0000 + k * 0x1000).collect();
    for &a in &fresh {
        ds[0].post_rx_raw(b, a, 1024, 0);
    }
    ds[0].ring(b).unwrap();
    for _ in 0..4 {
        let n = rng.range_usize(1..1025);
        c2h_send(b, board, 1, rng.bytes(n));
    }
    c2h_settle(b, ds, sizes, board, 1500);
    for &a in untouched {
        assert!(b.host.read_bytes(a, 1024).iter().all(|&x| x == 0xee), "{part} round {round}: a buffer posted before the reset at {a:#x} was written");
    }
    assert_eq!(b.read(1, R_C2H_CIDX), 4, "{part} round {round}: the four new buffers used");
}

/// The C2H run-ahead (`c2h_ahead.rs`: one function's buffer descriptors
/// read ahead of CIDX, up to sixteen, several per read) against the
/// scoreboard: (1) one function streaming alone (60 buffers of 1 KiB posted
/// at once, 60 packets of up to 1 KiB): every read is of its C2H ring, in
/// one 64-byte block, and there are fewer than half as many reads as
/// buffers; (2) the function reset in the middle of a stream, while
/// descriptors are read ahead or in flight (at several delays after its
/// first three packets are written): no buffer posted before the reset is
/// written but those three, and the packets after the reset land in the
/// new buffers; (3) one function's packets that fit in their buffer (the
/// next packet's buffer is then asked while they stream, `c2h.rs`) mixed at
/// random with packets that need two: each packet in as many buffers as it
/// needs, in ring order, its bytes intact.
#[test]
fn c2h_run_ahead() {
    let name = "dma_c2h_run_ahead";
    let (mut b, mut ds, mut rng) = c2h_bench(name);
    let mut board = vfpga_sim::Scoreboard::new("c2h");
    let sizes = [1024u32, 4096, 4096];
    let (start, _) = region(1);
    let ring = start + (16 << 6); // function 1's C2H ring (VfDriver: H2C ring, then C2H)
    let kw = Config::default().data_width as u64 / 8;

    // (1) One function streaming alone.
    let first = b.desc.bursts.len();
    for _ in 0..60 {
        assert!(ds[0].post_rx(&mut b, 1024, 0, false).unwrap());
    }
    ds[0].ring(&mut b).unwrap();
    for _ in 0..60 {
        let n = rng.range_usize(1..1025);
        c2h_send(&mut b, &mut board, 1, rng.bytes(n));
    }
    c2h_settle(&mut b, &mut ds, &sizes, &mut board, 2000);
    assert_eq!(board.outstanding(), 0, "(1) every packet back");
    let (mut reads, mut descs) = (0u64, 0u64);
    for &(f, addr, beats) in &b.desc.bursts[first..] {
        let end = addr + beats * kw;
        assert_eq!(f, 1, "(1) descriptor read of function {f}");
        assert!(addr >= ring && end <= ring + (16 << 6), "(1) read at {addr:#x} outside the C2H ring");
        assert_eq!(addr / 64, (end - 1) / 64, "(1) read at {addr:#x} ({beats} beats) crosses a 64-byte block");
        reads += 1;
        descs += (end - addr) / 16;
    }
    assert!(descs >= 60, "(1) {descs} descriptors read for 60 buffers");
    assert!(2 * reads < 60, "(1) {reads} descriptor reads for 60 buffers: not read ahead");
    eprintln!("{name}: (1) {reads} reads, {descs} descriptors for 60 buffers");

    // (2) Reset in the middle of a stream.
    for round in 0..6u64 {
        ds[0].reset(&mut b).unwrap();
        let old: Vec<u64> = (0..12).map(|k| start + 0x20_0000 + round * 0x1_0000 + k * 0x1000).collect();
        for &a in &old {
            b.host.write_bytes(a, &[0xee; 1024]);
            ds[0].post_rx_raw(&mut b, a, 1024, 0);
        }
        ds[0].ring(&mut b).unwrap();
        for _ in 0..3 {
            b.c2h_src.as_mut().unwrap().push(vfpga_sim::Packet::new(rng.bytes(1000)).tid(1));
        }
        // Until the three are written (the run-ahead holds the next ones,
        // read or in flight), then a delay.
        let limit = b.cycle + 20_000;
        while b.read(1, R_C2H_CIDX) != 3 {
            b.step();
            assert!(b.cycle < limit, "(2) C2H stalled");
        }
        for _ in 0..round * 60 {
            b.step();
        }
        ds[0].reset(&mut b).unwrap();
        for _ in 0..500 {
            b.step();
        }
        c2h_after_reset(&mut b, &mut ds, &sizes, &mut board, &mut rng, round, &old[3..], "(2)");
    }

    // (3) Packets that fit in their buffer and packets that need two.
    ds[0].reset(&mut b).unwrap();
    for _ in 0..60 {
        assert!(ds[0].post_rx(&mut b, 1024, 0, false).unwrap());
    }
    ds[0].ring(&mut b).unwrap();
    let (mut used, mut two) = (0, 0);
    while used + 2 <= 60 {
        let n = if rng.below(2) == 0 { rng.range_usize(1..1025) } else { rng.range_usize(1025..2049) };
        used += n.div_ceil(1024);
        two += usize::from(n > 1024);
        c2h_send(&mut b, &mut board, 1, rng.bytes(n));
    }
    c2h_settle(&mut b, &mut ds, &sizes, &mut board, 2000);
    assert_eq!(board.outstanding(), 0, "(3) every packet back");
    eprintln!("{name}: (3) {used} buffers, {two} packets of two");
    board.finish().unwrap();
    assert!(b.host.iommu.violations.is_empty(), "IOMMU violations: {:?}", b.host.iommu.violations);
}

/// The C2H buffer prefetch (each function's next posted buffer descriptor
/// is read ahead when one is taken, into its slot), against the scoreboard:
/// (1) packets of two functions interleaved at random, so that a packet
/// mostly finds the prefetched descriptor of another function last fetched,
/// several buffers per packet; a detached function's packets are dropped
/// without consuming a buffer; (2) the host posting buffers one at a time
/// (the prefetch finds none posted): no NO_BUFFER until a packet really has
/// no buffer, then NO_BUFFER; (3) a function reset while its prefetch is in
/// flight (at several delays after the take): the packets after the reset
/// land in the new buffers, never in a buffer posted before the reset; (4)
/// random traffic of three functions (fixed seed, printed), buffers
/// posted just ahead of need.
#[test]
fn c2h_prefetch() {
    let name = "dma_c2h_prefetch";
    let (mut b, mut ds, mut rng) = c2h_bench(name);
    let mut board = vfpga_sim::Scoreboard::new("c2h");
    let sizes = [1000u32, 4096, 512];

    // (1) Functions 1 and 2 interleaved at random.
    for _ in 0..6 {
        let mut order: Vec<u32> = [1u32, 1, 1, 2, 2, 2].to_vec();
        rng.shuffle(&mut order);
        let mut need = [0usize; 2];
        let mut pkts = Vec::new();
        for &f in &order {
            let n = rng.range_usize(1..5000);
            need[(f - 1) as usize] += n.div_ceil(sizes[(f - 1) as usize] as usize);
            pkts.push((f, rng.bytes(n)));
        }
        for i in 0..2 {
            for _ in 0..need[i] {
                assert!(ds[i].post_rx(&mut b, sizes[i], rng.below(64), false).unwrap());
            }
            ds[i].ring(&mut b).unwrap();
        }
        for (f, p) in pkts {
            c2h_send(&mut b, &mut board, f, p);
        }
        c2h_settle(&mut b, &mut ds, &sizes, &mut board, 1500);
    }
    // Function 2 detached with buffers posted (one prefetched): its packets
    // are dropped and it is reset (function-level reset), its buffers
    // forgotten; attached again, its next tenant opens its rings afresh.
    for _ in 0..3 {
        assert!(ds[1].post_rx(&mut b, sizes[1], 0, false).unwrap());
    }
    ds[1].ring(&mut b).unwrap();
    for _ in 0..1000 {
        b.step();
    }
    b.fnctl(2, false);
    for _ in 0..2 {
        let p = rng.bytes(300);
        b.c2h_src.as_mut().unwrap().push(vfpga_sim::Packet::new(p).tid(2));
    }
    // (Not reaped: the old driver's ring is gone with the reset.)
    let limit = b.cycle + 100_000;
    while !b.c2h_src.as_ref().unwrap().is_idle() {
        b.step();
        assert!(b.cycle < limit, "a detached function's packets are not dropped");
    }
    for _ in 0..1500 {
        b.step();
    }
    assert_eq!((b.read(2, R_C2H_PIDX), b.read(2, R_C2H_CIDX)), (0, 0), "a detached function is reset");
    assert_eq!(ds[1].error(&mut b).unwrap(), ERR_NONE);
    b.fnctl(2, true);
    ds[1] = VfDriver::open(&mut b, 2, region(2), 6).unwrap();
    for _ in 0..3 {
        assert!(ds[1].post_rx(&mut b, sizes[1], rng.below(64), false).unwrap());
    }
    ds[1].ring(&mut b).unwrap();
    for _ in 0..3 {
        let n = rng.range_usize(1..4097);
        c2h_send(&mut b, &mut board, 2, rng.bytes(n));
    }
    c2h_settle(&mut b, &mut ds, &sizes, &mut board, 1500);
    assert_eq!(board.outstanding(), 0, "(1) every packet back");

    // (2) Function 3: one buffer posted at a time, long pauses (the prefetch
    // at each take finds nothing posted).
    for i in 0..12 {
        for _ in 0..rng.below(2000) {
            b.step();
        }
        assert!(ds[2].post_rx(&mut b, sizes[2], rng.below(64), false).unwrap());
        ds[2].ring(&mut b).unwrap();
        if i % 3 == 2 {
            // Posted while the packet is being written: the next packet's
            // buffer is read when it comes.
            let n = rng.range_usize(1..513);
            c2h_send(&mut b, &mut board, 3, rng.bytes(n));
            for _ in 0..rng.below(100) {
                b.step();
            }
            assert!(ds[2].post_rx(&mut b, sizes[2], rng.below(64), false).unwrap());
            ds[2].ring(&mut b).unwrap();
        }
        for _ in 0..rng.below(300) {
            b.step();
        }
        let n = rng.range_usize(1..513);
        c2h_send(&mut b, &mut board, 3, rng.bytes(n));
        c2h_settle(&mut b, &mut ds, &sizes, &mut board, 1500);
    }
    assert_eq!(board.outstanding(), 0, "(2) every packet back");
    assert!(error_irqs(&b).is_empty(), "(2) no error while a buffer was posted for every packet");
    // A packet of two buffers with one posted: NO_BUFFER at its second.
    assert!(ds[2].post_rx(&mut b, sizes[2], 0, false).unwrap());
    ds[2].ring(&mut b).unwrap();
    for _ in 0..1000 {
        b.step();
    }
    b.c2h_src.as_mut().unwrap().push(vfpga_sim::Packet::new(rng.bytes(900)).tid(3));
    for _ in 0..3000 {
        b.step();
    }
    assert_eq!(ds[2].error(&mut b).unwrap(), ERR_NO_BUFFER, "(2) a packet with too few buffers");
    assert_eq!(error_irqs(&b), vec![3], "(2) function 3's error interrupt");
    ds[2].take_irq_status(&mut b).unwrap();
    ds[2].reset(&mut b).unwrap();

    // (3) Function 1 reset while its prefetch is in flight. Its buffers
    // posted before the reset are marked; none may change but the one its
    // packet was being written into.
    let (start, _) = region(1);
    let ring = start + (16 << 6); // function 1's C2H ring (VfDriver: H2C ring, then C2H)
    ds[0].reset(&mut b).unwrap();
    for round in 0..6u64 {
        let old: Vec<u64> = (0..4).map(|k| start + 0x20_0000 + round * 0x1_0000 + k * 0x1000).collect();
        for &a in &old {
            b.host.write_bytes(a, &[0xee; 1024]);
            ds[0].post_rx_raw(&mut b, a, 1024, 0);
        }
        ds[0].ring(&mut b).unwrap();
        b.c2h_src.as_mut().unwrap().push(vfpga_sim::Packet::new(rng.bytes(1000)).tid(1));
        // Until the prefetch of the second buffer is issued, then a delay.
        let limit = b.cycle + 20_000;
        loop {
            b.m.eval();
            let ar = b.m.get("m_axi_desc_arvalid") == 1 && b.m.get("m_axi_desc_arready") == 1;
            let hit = ar && b.m.get("m_axi_desc_araddr") >> 4 << 4 == ring + 16;
            b.step();
            if hit {
                break;
            }
            assert!(b.cycle < limit, "(3) no prefetch of the second buffer");
        }
        for _ in 0..round * 50 {
            b.step();
        }
        ds[0].reset(&mut b).unwrap();
        let limit = b.cycle + 20_000;
        while !b.c2h_src.as_ref().unwrap().is_idle() {
            b.step();
            assert!(b.cycle < limit, "(3) C2H stalled");
        }
        for _ in 0..500 {
            b.step();
        }
        // New buffers after the reset, at other addresses.
        c2h_after_reset(&mut b, &mut ds, &[1024, sizes[1], sizes[2]], &mut board, &mut rng, round, &old[1..], "(3)");
        ds[0].reset(&mut b).unwrap();
    }
    assert_eq!(board.outstanding(), 0, "(3) every packet back");

    // (4) Random traffic of functions 1-3, buffers posted just ahead of need.
    eprintln!("{name}: (4) random traffic (seed printed above)");
    let mut need = [0usize; 3];
    for _ in 0..40 {
        for _ in 0..rng.range(1..6) {
            let f = rng.range(1..4) as u32;
            let i = (f - 1) as usize;
            let n = match rng.below(4) {
                0 => rng.range_usize(1..65),
                1 | 2 => rng.range_usize(64..2049),
                _ => rng.range_usize(2048..9000),
            };
            let k = n.div_ceil(sizes[i] as usize);
            if ds[i].rx_posted() + k > 60 {
                continue;
            }
            need[i] += k;
            while ds[i].rx_posted() < need[i] {
                assert!(ds[i].post_rx(&mut b, sizes[i], rng.below(64), rng.chance(0.2)).unwrap());
                if rng.chance(0.3) {
                    ds[i].ring(&mut b).unwrap();
                }
            }
            ds[i].ring(&mut b).unwrap();
            c2h_send(&mut b, &mut board, f, rng.bytes(n));
        }
        for _ in 0..rng.below(3000) {
            b.step();
        }
        for (i, d) in ds.iter_mut().enumerate() {
            let before = d.rx_posted();
            for p in d.reap_rx(&mut b).unwrap() {
                board.observe(d.function, vfpga_sim::Packet::new(p.data).tid(d.function)).unwrap_or_else(|e| panic!("cycle {}: {e}", b.cycle));
            }
            need[i] -= before - d.rx_posted();
        }
    }
    c2h_settle(&mut b, &mut ds, &sizes, &mut board, 3000);
    board.finish().unwrap();
    assert!(board.matched() > 100, "enough packets: {}", board.matched());
    assert_eq!(error_irqs(&b), vec![3], "no other error");
    assert!(b.host.iommu.violations.is_empty(), "IOMMU violations: {:?}", b.host.iommu.violations);
}

/// The C2H look-ahead (`c2h_input.rs`, `c2h.rs`): a packet's first buffer is
/// asked while the packet before it is still being written. Function 2 is
/// reset while its next packet's buffer is held (or still on its way: the
/// reset comes 0 to 300 cycles after the packet is all in the engine's
/// input, function 1's 4 KiB packet before it written at 2 % write
/// readiness): that buffer, posted before the reset, is never written, the
/// packet is dropped and nothing is completed; function 1's packet lands
/// whole, and function 2's next packet after the reset lands in its new
/// buffer.
#[test]
fn c2h_lookahead_buffer_of_a_reset_function_is_not_used() {
    let name = "dma_c2h_lookahead_reset";
    let (mut b, mut ds, mut rng) = c2h_bench(name);
    let mut board = vfpga_sim::Scoreboard::new("c2h");
    let (start, _) = region(2);
    for round in 0..4u64 {
        let cidx1 = b.read(1, R_C2H_CIDX);
        assert!(ds[0].post_rx(&mut b, 4096, 0, false).unwrap());
        ds[0].ring(&mut b).unwrap();
        let old = start + 0x20_0000 + round * 0x1000;
        b.host.write_bytes(old, &[0xee; 1024]);
        ds[1].post_rx_raw(&mut b, old, 1024, 0);
        ds[1].ring(&mut b).unwrap();
        b.host.ready_prob = 0.02;
        c2h_send(&mut b, &mut board, 1, rng.bytes(4096));
        b.c2h_src.as_mut().unwrap().push(vfpga_sim::Packet::new(rng.bytes(100)).tid(2));
        let limit = b.cycle + 100_000;
        while !b.c2h_src.as_ref().unwrap().is_idle() {
            b.step();
            assert!(b.cycle < limit, "round {round}: C2H input stalled");
        }
        for _ in 0..round * 100 {
            b.step();
        }
        assert_eq!(b.read(1, R_C2H_CIDX), cidx1, "round {round}: function 1's packet is still being written at the reset");
        ds[1].reset(&mut b).unwrap();
        b.host.ready_prob = 0.9;
        c2h_settle(&mut b, &mut ds[..1], &[4096], &mut board, 1500);
        assert!(b.host.read_bytes(old, 1024).iter().all(|&x| x == 0xee), "round {round}: the buffer posted before the reset was written");
        assert_eq!((b.read(2, R_C2H_CIDX), ds[1].error(&mut b).unwrap()), (0, ERR_NONE), "round {round}: nothing completed, no error");
        assert!(ds[1].post_rx(&mut b, 1024, rng.below(64), false).unwrap());
        ds[1].ring(&mut b).unwrap();
        let n = rng.range_usize(1..1025);
        c2h_send(&mut b, &mut board, 2, rng.bytes(n));
        c2h_settle(&mut b, &mut ds[..2], &[4096, 1024], &mut board, 1500);
        ds[1].reset(&mut b).unwrap();
    }
    board.finish().unwrap();
    assert!(b.host.iommu.violations.is_empty(), "IOMMU violations: {:?}", b.host.iommu.violations);
}
