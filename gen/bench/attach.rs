//! `vfpga bench attach`: the seed's "VM attach time" table, reproduced on the
//! manager: N concurrent ATTACH requests (N = 1, 10, 100, 1000), each from a
//! distinct VM and each succeeding, timed from the first command written to
//! the last response read, plus the engine-only latency of one command.
//!
//! The table is measured through the PF's AXI4-Lite window of the whole
//! shell (`vfpga_shell_sim`: `bar` -> register bus -> `mgr`,
//! [`run_through_bar`]); the same run on the manager's bare register bus is
//! printed beside it, and gives the engine-only latency.
//!
//! The driver is the orchestrator's: it writes `CMD_ARG` (the accelerator)
//! once, then keeps at most `FIFO_DEPTH` commands outstanding, writing a
//! command whenever it may and otherwise reading `RESP`.

use serde::Serialize;
use std::collections::BTreeSet;
use std::path::PathBuf;
use vfpga_hdl::acc_id::PASSTHROUGH;
use vfpga_hdl::mgr::regs::*;
use vfpga_sim::{Model, RegBus};

use crate::config::Config;

/// The seed's measurements (vFPGAmanager on its MCU): (concurrent requests, us).
pub const SEED_US: [(usize, f64); 4] = [(1, 10.0), (10, 111.0), (100, 1468.0), (1000, 18079.0)];

/// One row of the table.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub concurrent: usize,
    /// Through the PF's AXI4-Lite window of the shell.
    pub cycles: u64,
    pub cycles_per_command: f64,
    /// At the report's clock (`None`: no clock given).
    pub microseconds: Option<f64>,
    pub seed_microseconds: f64,
    /// The seed's time over ours (`None`: no clock given).
    pub speedup: Option<f64>,
    /// Through the bare register bus (no AXI4-Lite cost).
    pub regbus_cycles: u64,
    /// Register accesses made.
    pub accesses: u64,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub design: String,
    pub vfs: usize,
    pub partitions: usize,
    pub vm_id_bits: usize,
    /// The clock cycles are converted at (`None`: cycles only).
    pub clock: Option<super::Clock>,
    pub bus: String,
    pub rows: Vec<Row>,
    /// Cycles from the CMD write being taken to the response being queued.
    pub engine_latency_cycles: u64,
    /// One ATTACH's round trip through the window (the N = 1 row).
    pub round_trip_cycles: u64,
    pub round_trip_target: u64,
    pub per_command_target: f64,
    pub targets_met: bool,
}

/// The benchmark design: enough VFs and VM IDs for 1000 distinct VMs.
pub fn bench_config() -> Config {
    Config { name: "bench_attach".into(), partitions: 4, vfs: 1024, vm_id_bits: 10, ..Config::default() }
}

struct Driver {
    m: Model,
    bus: RegBus,
    /// Cycle (bus count) of the last engine EXEC seen (route write).
    exec_cycles: Vec<u64>,
}

impl Driver {
    fn observe(exec: &mut Vec<u64>, cycle: u64, m: &Model) {
        if m.get("m_route_valid") == 1 {
            exec.push(cycle);
        }
    }

    fn write(&mut self, addr: u32, data: u32) -> Result<bool, String> {
        let cycle = self.bus.cycles;
        let mut n = 0;
        let exec = &mut self.exec_cycles;
        let r = self.bus.write(&mut self.m, addr, data, &mut |m| {
            Driver::observe(exec, cycle + n, m);
            n += 1;
        });
        r.map(|r| !r.error).map_err(|e| e.to_string())
    }

    fn read(&mut self, addr: u32) -> Result<u32, String> {
        let cycle = self.bus.cycles;
        let mut n = 0;
        let exec = &mut self.exec_cycles;
        let r = self.bus.read(&mut self.m, addr, &mut |m| {
            Driver::observe(exec, cycle + n, m);
            n += 1;
        });
        let r = r.map_err(|e| e.to_string())?;
        if r.error {
            return Err(format!("read of 0x{addr:03x} refused"));
        }
        Ok(r.rdata)
    }
}

/// STATUS reads after reset before the benchmark gives up on the manager
/// (it clears its tables in one cycle per VM and VF).
const READY_POLLS: usize = 100_000;
/// RESP reads per command before the benchmark gives up on an answer (the
/// engine answers a command in a few cycles).
const RESP_READS_PER_COMMAND: usize = 100;

/// Runs N attaches on a fresh reset; returns (cycles, accesses, cycle the
/// first CMD write was taken, cycle of the first EXEC).
fn run(lib: &std::sync::Arc<vfpga_sim::ModelLib>, n: usize) -> Result<(u64, u64, u64, u64), String> {
    let mut m = lib.instantiate(&format!("bench_attach_{n}"));
    let clk = m.port("clk");
    let bus = RegBus::new(&m, "s_reg", clk).with_timeout(100_000);
    bus.init(&mut m);
    // The manager alone: its neighbours (switch, scheduler, ctx) always ready.
    for p in ["m_route_ready", "m_event_ready", "m_clear_ready"] {
        m.set(p, 1);
    }
    m.set("rst", 1);
    m.ticks(clk, 3);
    m.set("rst", 0);
    let mut d = Driver { m, bus, exec_cycles: Vec::new() };
    let mut polls = 0;
    while d.read(STATUS)? >> 18 & 1 == 0 {
        polls += 1;
        if polls > READY_POLLS {
            return Err(format!("the manager was not ready {READY_POLLS} STATUS reads after reset"));
        }
    }
    let start = d.bus.cycles;
    let accesses0 = d.bus.accesses;
    d.write(CMD_ARG, PASSTHROUGH)?;
    let first_cmd = d.bus.cycles;
    let (mut pushed, mut popped) = (0usize, 0usize);
    let mut vfs = BTreeSet::new();
    let mut reads = 0;
    while popped < n {
        if pushed < n && pushed - popped < FIFO_DEPTH as usize {
            if !d.write(CMD, cmd_word(OP_ATTACH, pushed as u32 & 0xff, pushed as u32))? {
                return Err(format!("command {pushed} refused"));
            }
            pushed += 1;
        } else {
            let v = d.read(RESP)?;
            reads += 1;
            if reads > RESP_READS_PER_COMMAND * n {
                return Err(format!("{popped} of {n} ATTACHes answered after {reads} RESP reads"));
            }
            if v >> 31 == 1 {
                let (tag, status, vf) = (v & 0xff, v >> 8 & 0xf, v >> 12 & 0x7ff);
                if status != ST_OK || tag != popped as u32 & 0xff || !vfs.insert(vf) {
                    return Err(format!("ATTACH {popped}: tag {tag} status {status} vf {vf}"));
                }
                popped += 1;
            }
        }
    }
    let first_exec = *d.exec_cycles.first().ok_or("no route write seen")?;
    Ok((d.bus.cycles - start, d.bus.accesses - accesses0, first_cmd, first_exec))
}

/// Runs the benchmark. `cache` is the Verilator model cache (None: default).
pub fn bench(clock: Option<super::Clock>, cache: Option<PathBuf>) -> Result<Report, String> {
    let cfg = bench_config();
    cfg.validate().map_err(|e| e.to_string())?;
    let key = format!("bench-attach-{}vf-{}p-{}vm", cfg.vfs, cfg.partitions, cfg.vm_id_bits);
    let lib = crate::simulate::model_of_modules(&key, cache.clone(), || crate::blocks::mgr::mgr_modules(&cfg)).map_err(|e| e.to_string())?;
    let shell_key = format!("bench-attach-shell-{}vf-{}p-{}vm", cfg.vfs, cfg.partitions, cfg.vm_id_bits);
    let shell = crate::simulate::model_of_modules(&shell_key, cache.clone(), || crate::blocks::shell::shell_modules(&cfg, true))
        .map_err(|e| e.to_string())?;
    let mut rows = Vec::new();
    let mut engine = 0;
    for (n, seed_us) in SEED_US {
        let (cycles, accesses) = run_through_bar(&shell, n)?;
        let (regbus_cycles, _, first_cmd, first_exec) = run(&lib, n)?;
        if n == 1 {
            // The CMD write is taken at the end of the first cycle of its
            // access (the manager has no wait state); the response is queued
            // at the end of the EXEC cycle: clock edges from one to the other.
            engine = first_exec - first_cmd;
        }
        let us = clock.as_ref().map(|c| cycles as f64 / c.mhz);
        rows.push(Row {
            concurrent: n,
            cycles,
            cycles_per_command: cycles as f64 / n as f64,
            microseconds: us,
            seed_microseconds: seed_us,
            speedup: us.map(|us| seed_us / us),
            regbus_cycles,
            accesses,
        });
    }
    let round_trip = rows[0].cycles;
    let per_cmd = rows[3].cycles_per_command;
    Ok(Report {
        design: crate::blocks::mgr::MGR_TOP.into(),
        vfs: cfg.vfs,
        partitions: cfg.partitions,
        vm_id_bits: cfg.vm_id_bits,
        clock,
        bus: "AXI4-Lite through the PF's window of the whole shell (vfpga_shell_sim: bar -> mgr), \
              one access at a time, no idle cycles on the host side"
            .into(),
        rows,
        engine_latency_cycles: engine,
        round_trip_cycles: round_trip,
        round_trip_target: 16,
        per_command_target: 8.0,
        targets_met: round_trip <= 16 && per_cmd <= 8.0,
    })
}

/// The report as a table.
pub fn format_table(r: &Report) -> String {
    let clock = match &r.clock {
        Some(c) => format!("times at {:.1} MHz ({})", c.mhz, c.source),
        None => "cycles only (no --clock-mhz)".into(),
    };
    let mut s = format!(
        "ATTACH benchmark: {} with {} VFs, {} partitions, {}-bit VM IDs; {clock}\n\
         bus: {}\n\
         each request from a distinct VM, each answered OK with a distinct VF;\n\
         timed from the first command written to the last response read.\n\n",
        r.design, r.vfs, r.partitions, r.vm_id_bits, r.bus
    );
    s.push_str(&format!(
        "{:>10} {:>9} {:>10} {:>11} {:>10} {:>10} {:>13}\n",
        "concurrent", "cycles", "cycles/cmd", "us", "seed us", "speed-up", "regbus cycles"
    ));
    for row in &r.rows {
        let us = row.microseconds.map_or("-".into(), |us| format!("{us:.3}"));
        let speedup = row.speedup.map_or("-".into(), |x| format!("{x:.0}x"));
        s.push_str(&format!(
            "{:>10} {:>9} {:>10.3} {:>11} {:>10} {:>10} {:>13}\n",
            row.concurrent, row.cycles, row.cycles_per_command, us, row.seed_microseconds, speedup, row.regbus_cycles
        ));
    }
    s.push_str(&format!(
        "\nengine-only latency of one ATTACH: {} cycles (CMD write taken to response queued);\n\
         the engine takes an ATTACH every 4 cycles, so the window's accesses bound the rate\n\
         (per command one CMD write and one RESP read, 4 cycles each through the registered\n\
         bar and manager; CMD_ARG is written once).\n\
         targets: one round trip <= {} cycles: {} ({}); 1000 commands <= {} cycles each: {} ({:.3})\n",
        r.engine_latency_cycles,
        r.round_trip_target,
        if r.round_trip_cycles <= r.round_trip_target { "met" } else { "MISSED" },
        r.round_trip_cycles,
        r.per_command_target,
        if r.rows[3].cycles_per_command <= r.per_command_target { "met" } else { "MISSED" },
        r.rows[3].cycles_per_command,
    ));
    s
}

/// The report as figures for the `vfpga bench` table.
pub fn figures(r: &Report) -> Vec<super::Figure> {
    use super::Figure;
    let mut out = Vec::new();
    for row in &r.rows {
        let name = format!("{} concurrent ATTACH, first command to last response (seed: {} us)", row.concurrent, row.seed_microseconds);
        let mut f = Figure::new("attach", name, row.cycles as f64, "cycles");
        if row.concurrent == 1 {
            f = f.target(format!("<= {} cycles", r.round_trip_target), row.cycles <= r.round_trip_target);
        }
        if row.concurrent == 1000 {
            let per = row.cycles_per_command;
            f = f.target(format!("<= {} cycles/command (got {per:.3})", r.per_command_target), per <= r.per_command_target);
        }
        out.push(f);
        if let (Some(c), Some(us), Some(speedup)) = (&r.clock, row.microseconds, row.speedup) {
            out.push(Figure::new(
                "attach",
                format!("{} concurrent ATTACH at {:.1} MHz ({}), speed-up {speedup:.0}x over the seed", row.concurrent, c.mhz, c.source),
                us,
                "us",
            ));
        }
    }
    out.push(Figure::new("attach", "engine-only latency of one ATTACH", r.engine_latency_cycles as f64, "cycles"));
    out
}

/// The same N attaches through the whole shell's AXI4-Lite BAR
/// (`vfpga_shell_sim`: `bar` -> register bus -> `mgr`), as the host's PF
/// driver makes them, one AXI4-Lite access at a time with no idle cycles on
/// the host side. Returns (cycles from the first access to the last
/// response read, accesses made).
pub fn run_through_bar(lib: &std::sync::Arc<vfpga_sim::ModelLib>, n: usize) -> Result<(u64, u64), String> {
    use vfpga_sim::axil::{AxilMaster, AxilOp};
    let mut m = lib.instantiate(&format!("bench_attach_bar_{n}"));
    let clk = m.port("clk");
    for p in ["m_axi_host_awready", "m_axi_host_wready", "m_axi_host_arready", "m_axi_prc_arready", "irq_ready"] {
        m.set(p, 1);
    }
    for p in ["m_axi_host_bvalid", "m_axi_host_rvalid", "m_axi_prc_rvalid"] {
        m.set(p, 0);
    }
    m.set("rst", 1);
    m.ticks(clk, 3);
    m.set("rst", 0);
    let mut bar = AxilMaster::new(&m, "s_axil_bar", vfpga_sim::Rng::new(1)).with_probs(1.0, 1.0);
    let mut cycle = 0u64;
    // One access; returns its response (0 = OKAY) and data, counting cycles.
    let mut access = |m: &mut vfpga_sim::Model, op: AxilOp, cycle: &mut u64| -> Result<(u8, u32), String> {
        bar.push(op);
        for _ in 0..100_000 {
            bar.drive(m);
            m.eval();
            bar.sample(m)?;
            m.tick(clk);
            *cycle += 1;
            if let Some(d) = bar.pop() {
                return Ok((d.resp, d.rdata));
            }
        }
        Err(format!("no response to {op:?}"))
    };
    let pf = |offset: u32| offset as u64; // the PF's window is the first
    // Wait until the manager is ready (its tables are cleared after reset).
    let mut polls = 0;
    while access(&mut m, AxilOp::read(pf(STATUS)), &mut cycle)?.1 >> 18 & 1 == 0 {
        polls += 1;
        if polls > READY_POLLS {
            return Err(format!("the manager was not ready {READY_POLLS} STATUS reads after reset"));
        }
    }
    cycle = 0;
    let mut accesses = 0u64;
    let mut go = |m: &mut vfpga_sim::Model, op: AxilOp, cycle: &mut u64| {
        accesses += 1;
        access(m, op, cycle)
    };
    if go(&mut m, AxilOp::write(pf(CMD_ARG), PASSTHROUGH), &mut cycle)?.0 != 0 {
        return Err("CMD_ARG write refused".into());
    }
    let (mut pushed, mut popped) = (0usize, 0usize);
    let mut vfs = BTreeSet::new();
    let mut reads = 0;
    while popped < n {
        if pushed < n && pushed - popped < FIFO_DEPTH as usize {
            let word = cmd_word(OP_ATTACH, pushed as u32 & 0xff, pushed as u32);
            if go(&mut m, AxilOp::write(pf(CMD), word), &mut cycle)?.0 != 0 {
                return Err(format!("command {pushed} refused"));
            }
            pushed += 1;
        } else {
            let (resp, v) = go(&mut m, AxilOp::read(pf(RESP)), &mut cycle)?;
            if resp != 0 {
                return Err("RESP read refused".into());
            }
            reads += 1;
            if reads > RESP_READS_PER_COMMAND * n {
                return Err(format!("{popped} of {n} ATTACHes answered after {reads} RESP reads"));
            }
            if v >> 31 == 1 {
                let (tag, status, vf) = (v & 0xff, v >> 8 & 0xf, v >> 12 & 0x7ff);
                if status != ST_OK || tag != popped as u32 & 0xff || !vfs.insert(vf) {
                    return Err(format!("ATTACH {popped}: tag {tag} status {status} vf {vf}"));
                }
                popped += 1;
            }
        }
    }
    Ok((cycle, accesses))
}
