//! Switch benchmark: sustained beats per cycle and latency of the emitted
//! switch (4 partitions, 8 VFs, 64-bit data), both directions, at full rate
//! (sources always valid, sinks always ready).

use super::Figure;
use crate::blocks::switch::switch_modules;
use crate::config::Config;
use crate::simulate::model_of_modules;
use vfpga_sim::{AxisSink, AxisSource, Model, Packet, Rng};

const BENCH: &str = "switch";

pub fn run() -> Result<Vec<Figure>, String> {
    let cfg = Config::default();
    let lib = model_of_modules("bench-switch", None, || switch_modules(&cfg)).map_err(|e| e.to_string())?;
    let mut figures = Vec::new();
    for (label, len) in [("4 KiB packets", 4096), ("8 B packets (one beat)", 8)] {
        let mut m = lib.instantiate("bench_switch_h2c");
        let (rate, latency) = h2c(&mut m, &cfg, len)?;
        figures.push(Figure::new(BENCH, format!("H2C beats/cycle, {label}"), rate, "beats/cycle").target(">= 1.0 (one per cycle)", rate >= 0.999));
        figures.push(Figure::new(BENCH, format!("H2C latency, {label}"), latency as f64, "cycles").target("<= 2", latency <= 2));
        let mut m = lib.instantiate("bench_switch_c2h");
        let (rate, latency) = c2h(&mut m, &cfg, len)?;
        figures.push(Figure::new(BENCH, format!("C2H beats/cycle, 4 partitions, {label}"), rate, "beats/cycle").target(">= 1.0 (one per cycle)", rate >= 0.999));
        figures.push(Figure::new(BENCH, format!("C2H latency, {label}"), latency as f64, "cycles").target("<= 2", latency <= 2));
    }
    Ok(figures)
}

/// Resets the switch and waits for its route table to be cleared.
fn reset(m: &mut Model, cfg: &Config) {
    let clk = m.port("clk");
    m.set("rst", 1);
    m.ticks(clk, 2);
    m.set("rst", 0);
    for _ in 0..cfg.functions() + 4 {
        m.tick(clk);
    }
}

/// H2C: functions routed round the partitions, packets of `len` bytes.
/// Returns (beats per cycle from the first beat in to the last beat out,
/// cycles from the first beat taken to it being offered to a partition).
fn h2c(m: &mut Model, cfg: &Config, len: usize) -> Result<(f64, u64), String> {
    let clk = m.port("clk");
    reset(m, cfg);
    for f in 0..cfg.functions() {
        m.set("s_route_valid", 1);
        m.set("s_route_function", f as u64);
        m.set("s_route_partition", (f % cfg.partitions) as u64);
        m.set("s_route_enable", 1);
        m.tick(clk);
    }
    m.set("s_route_valid", 0);
    let mut rng = Rng::new(1);
    let mut src = AxisSource::new(m, "s_axis_h2c", rng.fork());
    let mut sinks: Vec<AxisSink> = (0..cfg.partitions).map(|p| AxisSink::new(m, &format!("m_axis_h2c_p{p}"), rng.fork())).collect();
    let packets = (64 * 1024 / len).clamp(64, 4096);
    for i in 0..packets {
        src.push(Packet::random(&mut rng, len..len + 1).tid((i % cfg.functions()) as u32));
    }
    let beats_per_packet = len.div_ceil(cfg.data_width / 8) as u64;
    let total = beats_per_packet * packets as u64;
    let (mut first_in, mut first_out, mut last_out, mut received, mut cycle) = (None, None, 0, 0u64, 0u64);
    while received < total && cycle < 10 * total + 1000 {
        src.drive(m);
        sinks.iter_mut().for_each(|s| s.drive(m));
        m.eval();
        if first_in.is_none() && m.get("s_axis_h2c_tvalid") == 1 && m.get("s_axis_h2c_tready") == 1 {
            first_in = Some(cycle);
        }
        for p in 0..cfg.partitions {
            if m.get(format!("m_axis_h2c_p{p}_tvalid").as_str()) == 1 {
                first_out.get_or_insert(cycle);
                if m.get(format!("m_axis_h2c_p{p}_tready").as_str()) == 1 {
                    received += 1;
                    last_out = cycle;
                }
            }
        }
        src.sample(m);
        sinks.iter_mut().for_each(|s| s.sample(m));
        m.tick(clk);
        cycle += 1;
    }
    rate_and_latency("H2C", total, received, cycle, first_in, first_out, last_out)
}

/// C2H: every partition always has packets of `len` bytes.
fn c2h(m: &mut Model, cfg: &Config, len: usize) -> Result<(f64, u64), String> {
    let clk = m.port("clk");
    reset(m, cfg);
    let mut rng = Rng::new(2);
    let mut srcs: Vec<AxisSource> = (0..cfg.partitions).map(|p| AxisSource::new(m, &format!("s_axis_c2h_p{p}"), rng.fork())).collect();
    let mut sink = AxisSink::new(m, "m_axis_c2h", rng.fork());
    let packets = (64 * 1024 / len).clamp(64, 4096);
    for i in 0..packets {
        srcs[i % cfg.partitions].push(Packet::random(&mut rng, len..len + 1));
    }
    let total = len.div_ceil(cfg.data_width / 8) as u64 * packets as u64;
    let (mut first_in, mut first_out, mut last_out, mut received, mut cycle) = (None, None, 0, 0u64, 0u64);
    while received < total && cycle < 10 * total + 1000 {
        srcs.iter_mut().for_each(|s| s.drive(m));
        sink.drive(m);
        m.eval();
        for p in 0..cfg.partitions {
            let port = |f: &str| format!("s_axis_c2h_p{p}_{f}");
            if first_in.is_none() && m.get(port("tvalid").as_str()) == 1 && m.get(port("tready").as_str()) == 1 {
                first_in = Some(cycle);
            }
        }
        if m.get("m_axis_c2h_tvalid") == 1 {
            first_out.get_or_insert(cycle);
            if m.get("m_axis_c2h_tready") == 1 {
                received += 1;
                last_out = cycle;
            }
        }
        srcs.iter_mut().for_each(|s| s.sample(m));
        sink.sample(m);
        m.tick(clk);
        cycle += 1;
    }
    rate_and_latency("C2H", total, received, cycle, first_in, first_out, last_out)
}

/// Beats per cycle from the first beat in to the last out, and the latency;
/// an error if the switch did not pass every beat in the cycles allowed.
fn rate_and_latency(
    dir: &str,
    total: u64,
    received: u64,
    cycles: u64,
    first_in: Option<u64>,
    first_out: Option<u64>,
    last_out: u64,
) -> Result<(f64, u64), String> {
    match (first_in, first_out) {
        (Some(i), Some(o)) if received == total && o >= i => Ok((total as f64 / (last_out + 1 - i) as f64, o - i)),
        _ => Err(format!("{dir}: the switch passed {received} of {total} beats in {cycles} cycles")),
    }
}
