//! Context-switch benchmark: cycles from a SWITCH taken by the `ctx` block to
//! its end, with the partition already idle (drain excluded), for 4, 16 and 64
//! context words; and what that costs a shared accelerator per time slice.

use super::Figure;
use crate::blocks::ctx::ctx_modules;
use crate::config::Config;
use crate::simulate::model_of_modules;
use vfpga_hdl::ctx::OP_SWITCH;

const BENCH: &str = "ctx";

pub fn run() -> Result<Vec<Figure>, String> {
    let mut figures = Vec::new();
    let mut latency16 = 0;
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
        if words == 16 {
            latency16 = cycles;
        }
    }
    // With the data path otherwise busy, each slice of `s` cycles costs one
    // switch: the share of cycles not spent moving data.
    for slice in [256u64, 1024, 4096] {
        let lost = 100.0 * latency16 as f64 / (slice + latency16) as f64;
        figures.push(Figure::new(
            BENCH,
            format!("throughput lost to sharing, {slice}-cycle slices, 16 words (switch cycles / slice + switch)"),
            lost,
            "%",
        ));
    }
    Ok(figures)
}
