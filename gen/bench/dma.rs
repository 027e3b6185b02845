//! DMA benchmark: the emitted `dma` block with a host memory of 200 cycles
//! read latency (`vfpga_sim::host`) behind both its ports (data and
//! descriptor reads), VF driver models posting transmit
//! packets (H2C) or receive buffers (C2H), the streams never stalling.
//! Measures the H2C data path's beats per cycle with 1 and 16 functions
//! active, Jain's fairness with equal weights, and the shares with weights
//! 1:2:4:8, for 4 KiB and 256 B packets; and the C2H beats per cycle taken
//! from `s_axis_c2h` (every packet checked back in its buffers). At any of
//! the data widths of `DATA_WIDTHS` (`--data-width`); every figure has its
//! target.

use super::Figure;
use crate::blocks::dma::dma_modules;
use crate::config::Config;
use crate::simulate::model_of_modules;
use std::collections::BTreeMap;
use vfpga_sim::driver::{VfDriver, Window};
use vfpga_sim::host::{HostMem, ReadPort};
use vfpga_sim::{AxisSource, Model, Packet, PortId, Rng};

const BENCH: &str = "dma";
const LATENCY: u64 = 200;

/// The DMA alone, its register bus driven here, its host ports served by the
/// host model, its H2C stream always ready.
struct Dma {
    m: Model,
    clk: PortId,
    host: HostMem,
    desc: ReadPort,
    cycle: u64,
    /// (cycle, function) of every H2C beat.
    beats: Vec<(u64, u32)>,
    /// C2H packets into `s_axis_c2h` (C2H runs), else the stream is idle.
    src: Option<AxisSource>,
    /// Cycle of every C2H beat taken.
    c2h_beats: Vec<u64>,
}

impl Dma {
    fn step(&mut self) -> Result<(), String> {
        self.host.drive(&mut self.m);
        self.desc.drive(&mut self.m, &self.host);
        self.m.set("m_axis_h2c_tready", 1);
        match self.src.as_mut() {
            Some(src) => src.drive(&mut self.m),
            None => self.m.set("s_axis_c2h_tvalid", 0),
        }
        self.m.set("irq_ready", 1);
        self.m.eval();
        if self.m.get("m_axis_h2c_tvalid") == 1 {
            self.beats.push((self.cycle, self.m.get("m_axis_h2c_tid") as u32));
        }
        if self.m.get("s_axis_c2h_tvalid") == 1 && self.m.get("s_axis_c2h_tready") == 1 {
            self.c2h_beats.push(self.cycle);
        }
        if let Some(src) = self.src.as_mut() {
            src.sample(&self.m);
        }
        self.host.sample(&self.m).map_err(|e| format!("host: {e}"))?;
        self.desc.sample(&self.m, &mut self.host).map_err(|e| format!("descriptor port: {e}"))?;
        self.m.tick(self.clk);
        self.cycle += 1;
        Ok(())
    }

    fn reg(&mut self, write: bool, f: u32, off: u32, data: u32) -> (u32, bool) {
        for (p, v) in [("s_reg_req_valid", 1), ("s_reg_req_write", write as u64), ("s_reg_req_function", f as u64)] {
            self.m.set(p, v);
        }
        self.m.set("s_reg_req_addr", off as u64);
        self.m.set("s_reg_req_wdata", data as u64);
        self.m.set("s_reg_req_wstrb", 0xf);
        loop {
            self.m.eval();
            let taken = self.m.get("s_reg_req_ready") == 1;
            if self.step().is_err() || taken {
                break;
            }
        }
        self.m.set("s_reg_req_valid", 0);
        for _ in 0..100_000 {
            self.m.eval();
            if self.m.get("s_reg_resp_valid") == 1 {
                let r = (self.m.get("s_reg_resp_rdata") as u32, self.m.get("s_reg_resp_error") == 1);
                let _ = self.step();
                return r;
            }
            let _ = self.step();
        }
        (0, true)
    }

    /// A one-cycle write on one of the manager's ports (`s_fnctl`, `s_qos`).
    fn mgr_port(&mut self, port: &str, function: u32, value: u64, field: &str) -> Result<(), String> {
        self.m.set(format!("{port}_valid").as_str(), 1);
        self.m.set(format!("{port}_function").as_str(), function as u64);
        self.m.set(format!("{port}_{field}").as_str(), value);
        self.step()?;
        self.m.set(format!("{port}_valid").as_str(), 0);
        Ok(())
    }
}

impl Window for Dma {
    fn reg_write(&mut self, f: u32, off: u32, v: u32) -> bool {
        !self.reg(true, f, off, v).1
    }
    fn reg_read(&mut self, f: u32, off: u32) -> Option<u32> {
        let (v, e) = self.reg(false, f, off, 0);
        (!e).then_some(v)
    }
    fn host(&mut self) -> &mut HostMem {
        &mut self.host
    }
}

/// What one run measured.
struct Run {
    /// Beats per cycle from the first H2C beat to the last.
    rate: f64,
    /// Beats of each function while every function still had packets queued.
    shares: Vec<u64>,
}

/// The DMA out of reset, its host memory of 200 cycles latency.
fn dma(cfg: &Config) -> Result<Dma, String> {
    let key = format!("bench-dma-{}vf-{}b", cfg.vfs, cfg.data_width);
    let lib = model_of_modules(&key, None, || dma_modules(cfg)).map_err(|e| e.to_string())?;
    let mut m = lib.instantiate("bench_dma");
    let clk = m.port("clk");
    let host = HostMem::new(&m, "m_axi_host", cfg.functions() as u32, LATENCY, Rng::new(7));
    let desc = ReadPort::new(&m, "m_axi_desc", LATENCY, Rng::new(8));
    for p in ["s_reg_req_valid", "s_qos_valid", "s_fnctl_valid", "s_gate_valid"] {
        m.set(p, 0);
    }
    m.set("rst", 1);
    m.ticks(clk, 3);
    m.set("rst", 0);
    let mut d = Dma { m, clk, host, desc, cycle: 0, beats: Vec::new(), src: None, c2h_beats: Vec::new() };
    for _ in 0..cfg.functions() + 8 {
        d.step()?;
    }
    Ok(d)
}

/// C2H: `functions` functions (1..) each with `packets` receive buffers of
/// `len` bytes posted, and as many packets of `len` bytes offered on
/// `s_axis_c2h` at once, the functions in turn. Beats per cycle taken from
/// the stream, from its first beat to its last; then every packet must be
/// back in its function's buffers.
fn run_c2h(cfg: &Config, functions: u32, packets: usize, len: usize) -> Result<f64, String> {
    let mut d = dma(cfg)?;
    let mut drivers = Vec::new();
    for f in 1..=functions {
        let region = (0x1_0000_0000 + (f as u64) * (1 << 24), 1u64 << 24);
        d.host.iommu.map(f, region.0, region.1, true);
        d.mgr_port("s_fnctl", f, 1, "enable")?;
        let mut drv = VfDriver::open(&mut d, f, region, 11)?;
        for _ in 0..packets {
            if !drv.post_rx(&mut d, len as u32, 0, false)? {
                return Err("receive ring or buffers full".into());
            }
        }
        drv.ring(&mut d)?;
        drivers.push(drv);
    }
    let mut rng = Rng::new(13);
    let mut src = AxisSource::new(&d.m, "s_axis_c2h", Rng::new(17));
    let mut sent: Vec<Vec<Vec<u8>>> = vec![Vec::new(); functions as usize];
    for _ in 0..packets {
        for f in 1..=functions {
            let p = rng.bytes(len);
            sent[(f - 1) as usize].push(p.clone());
            src.push(Packet::new(p).tid(f));
        }
    }
    d.src = Some(src);
    let start = d.c2h_beats.len();
    let total = (len.div_ceil(cfg.data_width / 8) * packets * functions as usize) as u64;
    let limit = d.cycle + 100 * total + 100_000;
    while ((d.c2h_beats.len() - start) as u64) < total {
        d.step()?;
        if d.cycle > limit {
            return Err(format!("C2H stalled: {} of {total} beats", d.c2h_beats.len() - start));
        }
    }
    let (first, last) = (d.c2h_beats[start], d.c2h_beats[d.c2h_beats.len() - 1]);
    for _ in 0..2000 {
        d.step()?;
    }
    for (i, drv) in drivers.iter_mut().enumerate() {
        let got = drv.reap_rx(&mut d)?;
        if got.len() != packets || got.iter().zip(&sent[i]).any(|(g, s)| &g.data != s) {
            return Err(format!("function {}: {} of {packets} packets back, or bytes differ", drv.function, got.len()));
        }
    }
    if !d.host.iommu.violations.is_empty() {
        return Err(format!("IOMMU violations: {:?}", d.host.iommu.violations));
    }
    Ok(total as f64 / (last + 1 - first) as f64)
}

/// `functions` functions (1..), with `weights`, each with `packets` packets of
/// `len` bytes queued at once.
fn run(cfg: &Config, functions: u32, weights: &[u32], packets: usize, len: usize) -> Result<Run, String> {
    let mut d = dma(cfg)?;
    let mut rng = Rng::new(11);
    let mut drivers = Vec::new();
    for i in 0..functions {
        let f = i + 1;
        let region = (0x1_0000_0000 + (f as u64) * (1 << 24), 1u64 << 24);
        d.host.iommu.map(f, region.0, region.1, true);
        d.mgr_port("s_fnctl", f, 1, "enable")?;
        d.mgr_port("s_qos", f, weights[i as usize] as u64, "weight")?;
        let mut drv = VfDriver::open(&mut d, f, region, 11)?;
        for _ in 0..packets {
            if !drv.post_tx(&mut d, &rng.bytes(len), &[], 0, false)? {
                return Err("transmit ring or buffers full".into());
            }
        }
        drivers.push(drv);
    }
    let start = d.beats.len();
    for drv in drivers.iter_mut() {
        drv.ring(&mut d)?;
    }
    let beats_per_packet = len.div_ceil(cfg.data_width / 8) as u64;
    let total = beats_per_packet * packets as u64 * functions as u64;
    let limit = d.cycle + 100 * total + 100_000;
    while ((d.beats.len() - start) as u64) < total {
        d.step()?;
        if d.cycle > limit {
            return Err(format!("H2C stalled: {} of {total} beats", d.beats.len() - start));
        }
    }
    if !d.host.iommu.violations.is_empty() {
        return Err(format!("IOMMU violations: {:?}", d.host.iommu.violations));
    }
    let beats = &d.beats[start..];
    let (first, last) = (beats[0].0, beats[beats.len() - 1].0);
    // The window where every function still had packets: up to the first
    // function's last beat.
    let mut last_of: BTreeMap<u32, u64> = BTreeMap::new();
    for &(c, f) in beats {
        last_of.insert(f, c);
    }
    let end = last_of.values().copied().min().unwrap_or(last);
    let mut shares = vec![0u64; functions as usize];
    for &(c, f) in beats.iter().filter(|b| b.0 <= end) {
        let _ = c;
        shares[(f - 1) as usize] += 1;
    }
    Ok(Run { rate: total as f64 / (last + 1 - first) as f64, shares })
}

fn jain(x: &[u64]) -> f64 {
    let s: f64 = x.iter().map(|&v| v as f64).sum();
    let q: f64 = x.iter().map(|&v| (v as f64) * (v as f64)).sum();
    s * s / (x.len() as f64 * q)
}

/// What the DMA benchmark measures at one data width, for one transfer size
/// (4 KiB or 256 B).
#[derive(Debug, Clone)]
pub struct Measured {
    /// `4 KiB` or `256 B`.
    pub label: &'static str,
    /// H2C beats per cycle with 1 and with 16 functions.
    pub h2c_one: f64,
    pub h2c_sixteen: f64,
    /// Beats of each of 16 functions with equal weights, while all had work.
    pub equal_shares: Vec<u64>,
    /// Beats of each of 4 functions with [`WEIGHTS`], while all had work.
    pub weighted_shares: Vec<u64>,
    /// C2H beats per cycle with 1 and with 16 functions.
    pub c2h_one: f64,
    pub c2h_sixteen: f64,
}

/// Weights of the weighted-share run.
pub const WEIGHTS: [u32; 4] = [1, 2, 4, 8];

/// DESIGN.md's targets, the same at every width: H2C beats per cycle (4 KiB
/// and 256 B), C2H beats per cycle for 4 KiB and for 256 B, Jain's index,
/// and how far (relative) a weighted share may be from its weight.
pub const H2C_TARGET: f64 = 0.95;
pub const C2H_TARGET_4K: f64 = 0.95;
pub const C2H_TARGET_256: f64 = 0.90;
pub const JAIN_TARGET: f64 = 0.99;
pub const SHARE_TOLERANCE: f64 = 0.05;

/// Every figure of one transfer size at `data_width` bits, each with its
/// target and whether it meets it.
pub fn figures(data_width: usize, m: &Measured) -> Vec<Figure> {
    let (w, label) = (format!("{data_width}-bit"), m.label);
    let rate = |dir: &str, n: u32, what: &str, v: f64, target: f64| {
        let fns = if n == 1 { "1 function".to_string() } else { format!("{n} functions") };
        Figure::new(BENCH, format!("{dir} beats/cycle, {w}, {fns}, {label} {what}, latency {LATENCY}"), v, "beats/cycle")
            .target(format!(">= {target:.2}"), v >= target)
    };
    let mut out = vec![
        rate("H2C", 1, "transfers", m.h2c_one, H2C_TARGET),
        rate("H2C", 16, "transfers", m.h2c_sixteen, H2C_TARGET),
    ];
    let j = jain(&m.equal_shares);
    out.push(
        Figure::new(BENCH, format!("Jain's fairness, {w}, 16 functions, equal weights, {label}"), j, "")
            .target(format!(">= {JAIN_TARGET:.2}"), j >= JAIN_TARGET),
    );
    let total: u64 = m.weighted_shares.iter().sum();
    let wsum: u32 = WEIGHTS.iter().sum();
    for (i, &wt) in WEIGHTS.iter().enumerate() {
        let share = m.weighted_shares.get(i).copied().unwrap_or(0) as f64 / total.max(1) as f64;
        let want = wt as f64 / wsum as f64;
        let err = (share - want).abs() / want;
        out.push(
            Figure::new(BENCH, format!("share of weight {wt} (configured {:.1} %), {w}, weights 1:2:4:8, {label}", 100.0 * want), 100.0 * share, "%")
                .target(format!("within {:.0} % of configured", 100.0 * SHARE_TOLERANCE), err <= SHARE_TOLERANCE),
        );
    }
    let c2h = if label == "4 KiB" { C2H_TARGET_4K } else { C2H_TARGET_256 };
    let what = format!("packets into {label} buffers");
    out.push(rate("C2H", 1, &what, m.c2h_one, c2h));
    out.push(rate("C2H", 16, &what, m.c2h_sixteen, c2h));
    out
}

/// Every figure of the DMA at `data_width` bits (one of `DATA_WIDTHS`).
pub fn run_all(data_width: usize) -> Result<Vec<Figure>, String> {
    let cfg = Config { vfs: 16, data_width, ..Config::default() };
    let mut out = Vec::new();
    // H2C: enough packets that every function is served for several
    // scheduler turns (16 x weight descriptors each) before the first one
    // runs dry. C2H: packets of one buffer each.
    for (label, len, packets, c2h_packets) in [("4 KiB", 4096usize, 96usize, 48usize), ("256 B", 256, 256, 256)] {
        let one = run(&cfg, 1, &[1], packets * 4, len)?;
        let sixteen = run(&cfg, 16, &[1; 16], packets, len)?;
        let weighted = run(&cfg, 4, &WEIGHTS, 16 * 8 * 3, len)?;
        let m = Measured {
            label,
            h2c_one: one.rate,
            h2c_sixteen: sixteen.rate,
            equal_shares: sixteen.shares,
            weighted_shares: weighted.shares,
            c2h_one: run_c2h(&cfg, 1, c2h_packets * 4, len)?,
            c2h_sixteen: run_c2h(&cfg, 16, c2h_packets, len)?,
        };
        out.extend(figures(data_width, &m));
    }
    Ok(out)
}
