//! `vfpga bench load`: the cost of a LOAD, measured on the simulation
//! subsystem (`vfpga_rps_sim`): cycles per KiB of bitstream (target: one
//! 32-bit word per cycle, 256 cycles per KiB) and cycles from the LOAD to the
//! first packet served by the new accelerator.
//!
//! [`RpsSim`] is the harness: the Verilator model, a host memory that answers
//! the prc's AXI4 reads with a configurable latency, the register bus and the
//! LOAD port. The tests use it too.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;

use crate::bitstream;
use crate::blocks::rp::rps_sim_modules;
use crate::config::Config;
use vfpga_hdl::prc::regs::{offset, SLOT_STRIDE};
use vfpga_sim::{Model, ModelLib, PortId, Rng, SimError};

/// The Verilator model of the simulation subsystem for `cfg`.
pub fn model(cfg: &Config, cache: Option<PathBuf>) -> Result<Arc<ModelLib>, SimError> {
    let key = format!("rps-sim-{}p-{}b-d{}", cfg.partitions, cfg.data_width, cfg.drain_limit);
    let cfg = cfg.clone();
    crate::simulate::model_of_modules(&key, cache, move || rps_sim_modules(&cfg))
}

/// Host memory behind `m_axi_prc_*`: bursts answered in order, `latency`
/// cycles after their address, one beat per cycle (or with random gaps).
pub struct HostMem {
    /// Base bus address of `bytes`.
    pub base: u64,
    pub bytes: Vec<u8>,
    pub latency: u64,
    /// Probability of a cycle without a beat inside a burst.
    pub gap_prob: f64,
    /// Probability, per beat, of a long pause before it (host reads behind
    /// others on a shared link), and the pause's cycles.
    pub stall_prob: f64,
    pub stall: std::ops::Range<u64>,
    /// No beat before this cycle (a pause under way).
    stall_until: u64,
    /// Pauses made.
    pub stalls: u64,
    /// Reads touching `[lo, hi)` answer SLVERR.
    pub error_range: Option<(u64, u64)>,
    /// Bursts accepted: (cycle the data may start, address, beats).
    queue: VecDeque<(u64, u64, u32)>,
    /// The beat on offer: (address, last).
    beat: Option<(u64, bool)>,
    /// Largest number of bursts waiting at once.
    pub max_outstanding: usize,
    /// Every burst seen: (address, beats), to check the prc's splitting.
    pub bursts: Vec<(u64, u32)>,
}

impl HostMem {
    pub fn new(base: u64, size: usize, latency: u64) -> HostMem {
        HostMem {
            base,
            bytes: vec![0; size],
            latency,
            gap_prob: 0.0,
            stall_prob: 0.0,
            stall: 0..1,
            stall_until: 0,
            stalls: 0,
            error_range: None,
            queue: VecDeque::new(),
            beat: None,
            max_outstanding: 0,
            bursts: Vec::new(),
        }
    }

    /// Writes `data` at bus address `addr`.
    pub fn write(&mut self, addr: u64, data: &[u8]) {
        let o = (addr - self.base) as usize;
        self.bytes[o..o + data.len()].copy_from_slice(data);
    }

    /// Before `eval`: drives `ar_ready` and the beat due at `cycle`.
    pub fn drive(&mut self, m: &mut Model, p: &MemPorts, cycle: u64, rng: &mut Rng) {
        // Host memory: always ready for addresses; beats as they come due.
        m.set(p.arready, 1);
        if self.beat.is_none() {
            if let Some(&(due, addr, _)) = self.queue.front() {
                let go = due <= cycle && cycle >= self.stall_until;
                if go && self.stall_prob > 0.0 && rng.chance(self.stall_prob) {
                    self.stall_until = cycle + rng.range(self.stall.clone());
                    self.stalls += 1;
                } else if go && !rng.chance(self.gap_prob) {
                    let (_, _, left) = self.queue.front_mut().unwrap();
                    *left -= 1;
                    let last = *left == 0;
                    self.beat = Some((addr, last));
                    if last {
                        self.queue.pop_front();
                    } else {
                        self.queue.front_mut().unwrap().1 += 4;
                    }
                }
            }
        }
        match self.beat {
            Some((addr, last)) => {
                let err = self.error_range.is_some_and(|(lo, hi)| addr >= lo && addr < hi);
                m.set(p.rvalid, 1);
                m.set(p.rdata, if err { 0 } else { self.word(addr) as u64 });
                m.set(p.rresp, if err { 2 } else { 0 });
                m.set(p.rlast, last as u64);
            }
            None => {
                m.set(p.rvalid, 0);
            }
        }
    }

    /// After `eval`, before the clock edge: takes the burst addresses and the
    /// beat the prc accepted, checking the bursts' form.
    pub fn sample(&mut self, m: &Model, p: &MemPorts, cycle: u64) {
        if m.get(p.arvalid) == 1 {
            let (addr, beats) = (m.get(p.araddr), m.get(p.arlen) as u32 + 1);
            assert_eq!(m.get(p.arsize), 2, "arsize: the prc reads 32-bit words");
            assert_eq!(m.get(p.arburst), 1, "arburst: INCR");
            assert_eq!(m.get(p.aruser), 0, "aruser: bitstream buffers are the PF's");
            assert_eq!(addr % 4, 0, "unaligned read {addr:#x}");
            assert_eq!(addr / 4096, (addr + 4 * beats as u64 - 1) / 4096, "burst {addr:#x}+{beats} crosses 4 KiB");
            self.queue.push_back((cycle + self.latency, addr, beats));
            self.bursts.push((addr, beats));
            self.max_outstanding = self.max_outstanding.max(self.queue.len());
        }
        if self.beat.is_some() && m.get(p.rready) == 1 {
            self.beat = None;
        }
    }

    fn word(&self, addr: u64) -> u32 {
        let o = addr.wrapping_sub(self.base) as usize;
        match self.bytes.get(o..o + 4) {
            Some(b) => u32::from_le_bytes([b[0], b[1], b[2], b[3]]),
            None => panic!("prc read outside host memory at {addr:#x}"),
        }
    }
}

/// The prc's `m_axi_prc_*` ports of a model (the subsystem's or the
/// shell's), looked up once, for [`HostMem::drive`] and [`HostMem::sample`].
pub struct MemPorts {
    arvalid: PortId,
    arready: PortId,
    araddr: PortId,
    arlen: PortId,
    arsize: PortId,
    arburst: PortId,
    aruser: PortId,
    rvalid: PortId,
    rready: PortId,
    rdata: PortId,
    rresp: PortId,
    rlast: PortId,
}

impl MemPorts {
    pub fn new(m: &Model) -> MemPorts {
        MemPorts {
            arvalid: m.port("m_axi_prc_arvalid"),
            arready: m.port("m_axi_prc_arready"),
            araddr: m.port("m_axi_prc_araddr"),
            arlen: m.port("m_axi_prc_arlen"),
            arsize: m.port("m_axi_prc_arsize"),
            arburst: m.port("m_axi_prc_arburst"),
            aruser: m.port("m_axi_prc_aruser"),
            rvalid: m.port("m_axi_prc_rvalid"),
            rready: m.port("m_axi_prc_rready"),
            rdata: m.port("m_axi_prc_rdata"),
            rresp: m.port("m_axi_prc_rresp"),
            rlast: m.port("m_axi_prc_rlast"),
        }
    }
}

/// Ports of the prc's side of the subsystem, looked up once.
struct Ports {
    clk: PortId,
    mem: MemPorts,
    done_valid: PortId,
    done_partition: PortId,
    done_status: PortId,
}

/// A LOAD's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadDone {
    pub partition: u32,
    pub status: u32,
    /// Cycles from the LOAD handshake to `m_load_done_valid`.
    pub cycles: u64,
}

/// Called every cycle by [`RpsSim::cycle`]: drive inputs, then check the cycle.
pub trait Traffic {
    /// Sets the inputs of this cycle (streams, context ports).
    fn drive(&mut self, m: &mut Model);
    /// After `eval`, before the clock edge: sample handshakes, check outputs.
    fn sample(&mut self, m: &Model, cycle: u64);
    /// After the clock edge.
    fn after(&mut self, _m: &Model, _cycle: u64) {}
}

/// No traffic at all.
pub struct Quiet;
impl Traffic for Quiet {
    fn drive(&mut self, _m: &mut Model) {}
    fn sample(&mut self, _m: &Model, _cycle: u64) {}
}

/// The simulation subsystem with its host memory.
pub struct RpsSim {
    pub m: Model,
    pub mem: HostMem,
    pub partitions: usize,
    pub cycle: u64,
    /// LOAD answers seen and not taken yet.
    pub done: VecDeque<LoadDone>,
    p: Ports,
    load_started: u64,
    rng: Rng,
}

impl RpsSim {
    pub fn new(lib: &Arc<ModelLib>, name: &str, partitions: usize, mem: HostMem, rng: Rng) -> RpsSim {
        let m = lib.instantiate(name);
        let p = Ports {
            clk: m.port("clk"),
            mem: MemPorts::new(&m),
            done_valid: m.port("m_load_done_valid"),
            done_partition: m.port("m_load_done_partition"),
            done_status: m.port("m_load_done_status"),
        };
        RpsSim { m, mem, partitions, cycle: 0, done: VecDeque::new(), p, load_started: 0, rng }
    }

    /// Synchronous reset with every input idle.
    pub fn reset(&mut self) {
        for port in ["s_reg_req_valid", "s_load_valid", "m_axi_prc_arready", "m_axi_prc_rvalid"] {
            self.m.set(port, 0);
        }
        for i in 0..self.partitions {
            self.m.set(format!("s_axis_h2c_p{i}_tvalid").as_str(), 0);
            self.m.set(format!("m_axis_c2h_p{i}_tready").as_str(), 0);
            self.m.set(format!("ctx_p{i}_we").as_str(), 0);
        }
        self.m.set("rst", 1);
        self.m.ticks(self.p.clk, 4);
        self.m.set("rst", 0);
        self.m.eval();
    }

    /// One clock cycle: host memory and `t` drive, evaluate, check, tick.
    pub fn cycle(&mut self, t: &mut dyn Traffic) {
        self.mem.drive(&mut self.m, &self.p.mem, self.cycle, &mut self.rng);
        t.drive(&mut self.m);
        self.m.eval();
        self.mem.sample(&self.m, &self.p.mem, self.cycle);
        let p = &self.p;
        if self.m.get(p.done_valid) == 1 {
            self.done.push_back(LoadDone {
                partition: self.m.get(p.done_partition) as u32,
                status: self.m.get(p.done_status) as u32,
                cycles: self.cycle - self.load_started,
            });
        }
        t.sample(&self.m, self.cycle);
        self.m.tick(self.p.clk);
        self.cycle += 1;
        t.after(&self.m, self.cycle);
    }

    /// One register access from function `function`: Ok(read data) or Err(()) on SLVERR.
    pub fn reg(&mut self, t: &mut dyn Traffic, function: u32, addr: u32, write: Option<(u32, u32)>) -> Result<u32, ()> {
        self.m.set("s_reg_req_valid", 1);
        self.m.set("s_reg_req_function", function as u64);
        self.m.set("s_reg_req_addr", addr as u64);
        self.m.set("s_reg_req_write", write.is_some() as u64);
        let (data, strb) = write.unwrap_or((0, 0xF));
        self.m.set("s_reg_req_wdata", data as u64);
        self.m.set("s_reg_req_wstrb", strb as u64);
        self.m.eval();
        let mut n = 0;
        while self.m.get("s_reg_req_ready") == 0 {
            self.cycle(t);
            n += 1;
            assert!(n < 100, "register bus never ready");
        }
        self.cycle(t);
        self.m.set("s_reg_req_valid", 0);
        self.m.eval();
        let mut n = 0;
        while self.m.get("s_reg_resp_valid") == 0 {
            self.cycle(t);
            self.m.eval();
            n += 1;
            assert!(n < 100, "register bus never answered");
        }
        let r = if self.m.get("s_reg_resp_error") == 1 { Err(()) } else { Ok(self.m.get("s_reg_resp_rdata") as u32) };
        self.cycle(t);
        r
    }

    pub fn write(&mut self, t: &mut dyn Traffic, addr: u32, data: u32) {
        self.reg(t, 0, addr, Some((data, 0xF))).unwrap_or_else(|_| panic!("write {addr:#x} refused"));
    }

    pub fn read(&mut self, t: &mut dyn Traffic, addr: u32) -> u32 {
        self.reg(t, 0, addr, None).unwrap_or_else(|_| panic!("read {addr:#x} refused"))
    }

    /// Registers slot `k`.
    pub fn set_slot(&mut self, t: &mut dyn Traffic, k: usize, acc_id: u32, partition: u32, addr: u64, bytes: u32) {
        let o = k as u32 * SLOT_STRIDE;
        self.write(t, offset("slot_acc_id") + o, acc_id);
        self.write(t, offset("slot_target") + o, 0x8000_0000 | partition);
        self.write(t, offset("slot_addr_lo") + o, addr as u32);
        self.write(t, offset("slot_addr_hi") + o, (addr >> 32) as u32);
        self.write(t, offset("slot_length") + o, bytes);
    }

    /// Offers LOAD(acc, partition) until taken.
    pub fn start_load(&mut self, t: &mut dyn Traffic, acc_id: u32, partition: u32) {
        self.m.set("s_load_valid", 1);
        self.m.set("s_load_acc_id", acc_id as u64);
        self.m.set("s_load_partition", partition as u64);
        self.m.eval();
        let mut n = 0;
        while self.m.get("s_load_ready") == 0 {
            self.cycle(t);
            self.m.eval();
            n += 1;
            assert!(n < 1_000_000, "LOAD never taken");
        }
        self.load_started = self.cycle;
        self.cycle(t);
        self.m.set("s_load_valid", 0);
        self.m.eval();
    }

    /// Runs until a LOAD answers.
    pub fn wait_done(&mut self, t: &mut dyn Traffic, limit: u64) -> LoadDone {
        let start = self.cycle;
        while self.done.is_empty() {
            self.cycle(t);
            assert!(self.cycle - start < limit, "LOAD not answered in {limit} cycles");
        }
        self.done.pop_front().unwrap()
    }

    /// LOAD(acc, partition), waited for.
    pub fn load(&mut self, t: &mut dyn Traffic, acc_id: u32, partition: u32) -> LoadDone {
        self.start_load(t, acc_id, partition);
        self.wait_done(t, 10_000_000)
    }
}

/// Writes a simulation bitstream into host memory at `addr`: its byte length.
pub fn place_bitstream(mem: &mut HostMem, addr: u64, acc_id: u32, partition: u32, payload_words: usize) -> u32 {
    let b = bitstream::pack(acc_id, partition, &bitstream::payload(acc_id, partition, payload_words));
    mem.write(addr, &b);
    b.len() as u32
}

/// The figures `vfpga bench load` prints.
#[derive(Debug, Clone)]
pub struct LoadFigures {
    pub bitstream_bytes: u32,
    pub latency: u64,
    pub load_cycles: u64,
    pub cycles_per_kib: f64,
    pub load_to_first_packet: u64,
}

/// Cycles a LOAD of `kib` KiB with host latency `latency` may take before
/// the benchmark gives up: the prc issues its reads back to back and streams
/// one word per cycle, so twice that plus the latency, the drain and the
/// configuration port's wait is ample.
pub fn budget(kib: usize, latency: u64) -> u64 {
    2 * latency + 2 * 256 * kib as u64 + 4 * vfpga_hdl::prc::DONE_WAIT + 100_000
}

/// One LOAD of a passthrough bitstream of `kib` KiB into partition 0 with host
/// latency `latency`, then one packet through it.
pub fn measure(cfg: &Config, kib: usize, latency: u64, cache: Option<PathBuf>) -> Result<LoadFigures, String> {
    measure_within(cfg, kib, latency, budget(kib, latency), cache)
}

/// [`measure`], giving up with an error after `budget` cycles without the
/// LOAD's answer and the first packet.
pub fn measure_within(cfg: &Config, kib: usize, latency: u64, budget: u64, cache: Option<PathBuf>) -> Result<LoadFigures, String> {
    let lib = model(cfg, cache).map_err(|e| e.to_string())?;
    let words = (kib * 1024 / 4).saturating_sub(5).max(1);
    let mut mem = HostMem::new(0x1_0000_0000, kib * 1024 + 4096, latency);
    let bytes = place_bitstream(&mut mem, 0x1_0000_0000, vfpga_hdl::accel::PASSTHROUGH_ID, 0, words);
    let mut sim = RpsSim::new(&lib, "bench_load", cfg.partitions, mem, Rng::new(1));
    sim.reset();
    let q = &mut Quiet;
    sim.set_slot(q, 0, vfpga_hdl::accel::PASSTHROUGH_ID, 0, 0x1_0000_0000, bytes);
    sim.start_load(q, vfpga_hdl::accel::PASSTHROUGH_ID, 0);
    let started = sim.load_started;
    // A one-beat packet waits at the partition's input from the moment the
    // partition is decoupled (before, the old RM may still take it: the prc
    // decouples a few cycles after taking the LOAD).
    sim.m.set("s_axis_h2c_p0_tvalid", 0);
    sim.m.set("s_axis_h2c_p0_tkeep", 0xFF);
    sim.m.set("s_axis_h2c_p0_tlast", 1);
    sim.m.set("s_axis_h2c_p0_tdata", 0x1234);
    sim.m.set("m_axis_c2h_p0_tready", 1);
    let mut first_packet = None;
    let mut done = None;
    struct Watch<'a> {
        first: &'a mut Option<u64>,
    }
    impl Traffic for Watch<'_> {
        fn drive(&mut self, m: &mut Model) {
            m.set("m_axis_c2h_p0_tready", 1);
        }
        fn sample(&mut self, m: &Model, cycle: u64) {
            if self.first.is_none() && m.get("m_axis_c2h_p0_tvalid") == 1 {
                *self.first = Some(cycle);
            }
        }
    }
    let (mut offered, mut sent) = (false, false);
    for _ in 0..budget {
        if !offered && sim.m.get("decoupled_p0") == 1 {
            sim.m.set("s_axis_h2c_p0_tvalid", 1);
            offered = true;
        }
        if sent {
            sim.m.set("s_axis_h2c_p0_tvalid", 0);
        }
        sim.m.eval();
        if sim.m.get("s_axis_h2c_p0_tready") == 1 && sim.m.get("s_axis_h2c_p0_tvalid") == 1 {
            sent = true;
        }
        sim.cycle(&mut Watch { first: &mut first_packet });
        if done.is_none() {
            done = sim.done.pop_front();
        }
        if done.is_some() && first_packet.is_some() {
            break;
        }
    }
    let done = done.ok_or_else(|| {
        format!("the LOAD of {kib} KiB (host latency {latency} cycles) did not answer within {budget} cycles")
    })?;
    if done.status != 0 {
        return Err(format!("the LOAD of {kib} KiB failed with status {}", done.status));
    }
    let first = first_packet
        .ok_or_else(|| format!("no packet came out of the new accelerator within {budget} cycles of the LOAD of {kib} KiB"))?;
    Ok(LoadFigures {
        bitstream_bytes: bytes,
        latency,
        load_cycles: done.cycles,
        cycles_per_kib: done.cycles as f64 * 1024.0 / bytes as f64,
        load_to_first_packet: first - started,
    })
}

/// The LOAD benchmark as figures for the `vfpga bench` table: one LOAD of
/// each size into partition 0 of the simulation subsystem (2 partitions),
/// and the streaming rate between the smallest and the largest (the fixed
/// start-up of a LOAD left out).
pub fn figures(kibs: &[usize], latency: u64) -> Result<Vec<super::Figure>, String> {
    use super::Figure;
    let cfg = Config { partitions: 2, ..Config::default() };
    let mut out = Vec::new();
    let mut runs = Vec::new();
    for &kib in kibs {
        let f = measure(&cfg, kib, latency, None)?;
        out.push(Figure::new("load", format!("LOAD of a {kib} KiB bitstream, host latency {latency} cycles"), f.cycles_per_kib, "cycles/KiB"));
        out.push(Figure::new("load", format!("LOAD of {kib} KiB to the first packet served by the new accelerator"), f.load_to_first_packet as f64, "cycles"));
        runs.push((kib, f.load_cycles));
    }
    runs.sort();
    if let (Some(&(k0, c0)), Some(&(k1, c1))) = (runs.first(), runs.last()) {
        if k1 > k0 {
            let rate = (c1 - c0) as f64 / (k1 - k0) as f64;
            out.push(
                Figure::new("load", format!("bitstream streaming rate ({k0} to {k1} KiB)"), rate, "cycles/KiB")
                    .target("<= 256 (one 32-bit word per cycle)", rate <= 256.0 + 1e-9),
            );
        }
    }
    Ok(out)
}
