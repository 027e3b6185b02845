//! Context-switch benchmark: cycles from a SWITCH taken by the `ctx` block to
//! its end, with the partition already idle (drain excluded), for 4, 16 and 64
//! context words; and, measured on the whole shell, what sharing a partition
//! costs per time slice: two VMs that always have work share one
//! passthrough, against one VM alone.

use super::Figure;
use crate::blocks::ctx::ctx_modules;
use crate::blocks::shell::shell_modules;
use crate::config::Config;
use crate::simulate::model_of_modules;
use vfpga_hdl::acc_id::CRC32;
use vfpga_hdl::accel::CRC32_POLY;
use vfpga_hdl::ctx::OP_SWITCH;
use vfpga_hdl::sched::regs as sched;
use vfpga_sim::driver::Platform;
use vfpga_sim::orchestrator::Orchestrator;
use vfpga_sim::shell::{ShellSim, OKAY};
use vfpga_sim::vm::Vm;
use vfpga_sim::Rng;

const BENCH: &str = "ctx";

pub fn run() -> Result<Vec<Figure>, String> {
    let mut figures = Vec::new();
    for words in [4usize, 16, 64] {
        let cfg = Config { context_words: words, ..Config::default() };
        let key = format!("bench-ctx-{words}w");
        let lib = model_of_modules(&key, None, || ctx_modules(&cfg)).map_err(|e| e.to_string())?;
        let mut m = lib.instantiate("bench_ctx");
        let clk = m.port("clk");
        m.set("rst", 1);
        m.ticks(clk, 2);
        m.set("rst", 0);
        for p in 0..cfg.partitions {
            m.set(format!("m_ctx_p{p}_idle").as_str(), 1);
        }
        m.set("s_op_valid", 1);
        m.set("s_op_code", OP_SWITCH);
        m.set("s_op_partition", 1);
        m.set("s_op_from", 1);
        m.set("s_op_to", 2);
        m.eval();
        if m.get("s_op_ready") != 1 {
            return Err("ctx block not ready after reset".into());
        }
        m.tick(clk);
        m.set("s_op_valid", 0);
        let mut cycles = 1u64;
        m.eval();
        while m.get("m_op_done_valid") == 0 {
            m.tick(clk);
            m.eval();
            cycles += 1;
            if cycles > 10_000 {
                return Err("context switch never ended".into());
            }
        }
        // The done cycle counts: the partition is released at its end.
        cycles += 1;
        let bound = 2 * words as u64 + 32;
        figures.push(
            Figure::new(BENCH, format!("context switch, {words} words (drain excluded)"), cycles as f64, "cycles")
                .target(format!("<= {bound} (2 x words + 32)"), cycles <= bound),
        );
    }
    // Measured on the whole shell: VMs stream 4 KiB messages through one
    // CRC-32 partition (4-byte results: the H2C side is what is shared),
    // 200 cycles of host latency.
    let alone = sharing_throughput(1, 1024)?;
    figures.push(Figure::new(BENCH, "one VM alone on a CRC-32 (4 KiB messages, 200-cycle host latency)", alone.beats_per_cycle, "beats/cycle"));
    for slice in [256u32, 1024, 4096] {
        let shared = sharing_throughput(2, slice)?;
        let lost = 100.0 * (1.0 - shared.beats_per_cycle / alone.beats_per_cycle);
        figures.push(Figure::new(
            BENCH,
            format!("throughput lost to sharing, 2 VMs, {slice}-cycle slices ({:.3} beats/cycle, {} turns in {WINDOW} cycles)", shared.beats_per_cycle, shared.turns),
            lost,
            "%",
        ));
    }
    Ok(figures)
}

/// What a run of VMs sharing one partition moved.
struct Sharing {
    beats_per_cycle: f64,
    /// Turns given in the measured window (a turn lasts at least its slice,
    /// plus the drain of the packets the DMA had already fetched).
    turns: u32,
}

/// Cycles measured (after a warm-up).
const WINDOW: u64 = 120_000;

const MSG: usize = 4096;

/// CRC-32 state after `bytes` (raw, reflected; the RM's context register).
fn crc32_update(mut c: u32, bytes: &[u8]) -> u32 {
    for &b in bytes {
        c ^= b as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 { (c >> 1) ^ CRC32_POLY } else { c >> 1 };
        }
    }
    c
}

/// `vms` VMs stream 4 KiB messages through partition 0 (a CRC-32) of the
/// default shell with time slices of `slice` cycles; beats per cycle of
/// their messages consumed over a measured window.
fn sharing_throughput(vms: u32, slice: u32) -> Result<Sharing, String> {
    let cfg = Config { partition_accels: vec![CRC32; 4], ..Config::default() };
    let lib = model_of_modules("bench-ctx-shell", None, || shell_modules(&cfg, true)).map_err(|e| e.to_string())?;
    let mut rng = Rng::new(0x5ca1e);
    let mut sim = ShellSim::new(&lib, "bench_ctx_sharing", cfg.functions() as u32, 200, rng.fork())?;
    sim.host.ready_prob = 1.0;
    sim.prc_port.ready_prob = 1.0;
    let mut orch = Orchestrator::new(&mut sim)?;
    if sim.write(0, sched::DEFAULT_SLICE, slice) != OKAY {
        return Err("DEFAULT_SLICE refused".into());
    }
    let mut fleet = Vec::new();
    for i in 0..vms {
        let vm_id = i + 1;
        let att = orch.attach(&mut sim, vm_id, CRC32).map_err(|s| format!("ATTACH: {s:?}"))?;
        if att.partition != 0 {
            return Err(format!("VM {vm_id} landed on partition {}", att.partition));
        }
        let mut vm = Vm::new(vm_id, (0x1_0000_0000 + vm_id as u64 * (8 << 20), 8 << 20), 64, rng.fork());
        vm.ring_log2 = 7;
        vm.plug(&mut sim, att)?;
        // The context ATTACH cleared: the CRC register starts at 0.
        fleet.push((vm, 0u32));
    }
    let msg = rng.bytes(MSG);
    let (warmup, window) = (30_000u64, WINDOW);
    let mut start: Option<(u64, u64, u32)> = None; // cycle, packets, turns
    loop {
        for (vm, crc) in fleet.iter_mut() {
            while vm.outstanding() < 24 {
                let next = crc32_update(*crc, &msg);
                if !vm.send(&mut sim, &msg, &[], 0, false, vec![(next ^ 0xFFFF_FFFF).to_le_bytes().to_vec()])? {
                    break;
                }
                *crc = next;
            }
        }
        sim.advance(300);
        for (vm, _) in fleet.iter_mut() {
            vm.collect(&mut sim)?;
        }
        let packets: u64 = fleet.iter().map(|v| v.0.received).sum();
        let turns = |sim: &mut ShellSim| -> u32 {
            sim.write(0, sched::PART_SEL, 0);
            sim.read(0, sched::PART_SWITCHES).1
        };
        match start {
            None if sim.cycle >= warmup => {
                start = Some((sim.cycle, packets, turns(&mut sim)));
            }
            Some((c0, p0, t0)) if sim.cycle >= c0 + window => {
                let cycles = sim.cycle - c0;
                return Ok(Sharing {
                    beats_per_cycle: ((packets - p0) * (MSG as u64 / 8)) as f64 / cycles as f64,
                    turns: turns(&mut sim).wrapping_sub(t0),
                });
            }
            _ => {}
        }
    }
}
