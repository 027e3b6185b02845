//! Registered boundaries (DESIGN.md, timing rules): no output of a block may
//! follow one of its inputs within a clock cycle. Called between a bench's
//! input drive and its clock edge, `check_outputs_hold` sets every input but
//! the clock and the reset to random values, evaluates, and checks that no
//! output moved; then it puts the inputs back as they were.

use vfpga_sim::{Dir, Model, Rng};

/// Random values on every input but `clk`/`rst` must leave every output as
/// it is until the next clock edge. The inputs are restored before returning.
pub fn check_outputs_hold(m: &mut Model, rng: &mut Rng) -> Result<(), String> {
    let ports = m.ports().to_vec();
    let outputs: Vec<_> = ports.iter().filter(|p| p.dir == Dir::Out).collect();
    let inputs: Vec<_> = ports.iter().filter(|p| p.dir == Dir::In && p.name != "clk" && p.name != "rst").collect();
    let before: Vec<Vec<u32>> = outputs.iter().map(|p| m.get_words(p.name.as_str())).collect();
    let saved: Vec<Vec<u32>> = inputs.iter().map(|p| m.get_words(p.name.as_str())).collect();
    for p in &inputs {
        let words: Vec<u32> = (0..p.width.div_ceil(32))
            .map(|k| {
                let bits = (p.width - 32 * k).min(32);
                let v = rng.next_u64() as u32;
                if bits == 32 { v } else { v & ((1 << bits) - 1) }
            })
            .collect();
        m.set_words(p.name.as_str(), &words);
    }
    m.eval();
    let moved: Vec<&str> = outputs
        .iter()
        .zip(&before)
        .filter(|(p, b)| m.get_words(p.name.as_str()) != **b)
        .map(|(p, _)| p.name.as_str())
        .collect();
    for (p, w) in inputs.iter().zip(&saved) {
        m.set_words(p.name.as_str(), w);
    }
    m.eval();
    if moved.is_empty() {
        Ok(())
    } else {
        Err(format!("outputs followed an input within the cycle: {}", moved.join(", ")))
    }
}
