//! The timing rule "no combinational path from an input port of a block to
//! an output port" (DESIGN.md), checked on a block's emitted Verilog: between
//! two evaluations without a clock edge, the inputs are randomized; every
//! output must keep its value. Between the checks the clock runs with random
//! inputs, so that the block visits many states (after a reset).

use vfpga_sim::{Dir, Model, Rng};

/// Sets every listed input to random bits.
fn randomize(m: &mut Model, inputs: &[String], rng: &mut Rng) {
    for p in inputs {
        let words = m.port_words(p.as_str());
        let width = m.port_width(p.as_str());
        if width <= 64 {
            let v = rng.bits(width);
            m.set(p.as_str(), v);
        } else {
            let mut w: Vec<u32> = (0..words).map(|_| rng.next_u64() as u32).collect();
            let top = width % 32;
            if top != 0 {
                *w.last_mut().unwrap() &= (1u32 << top) - 1;
            }
            m.set_words(p.as_str(), &w);
        }
    }
}

fn outputs_now(m: &Model, outputs: &[String]) -> Vec<Vec<u32>> {
    outputs.iter().map(|p| m.get_words(p.as_str())).collect()
}

/// Every input port of `m` but `clk` and `rst`.
pub fn all_inputs(m: &Model) -> Vec<String> {
    m.ports().iter().filter(|p| p.dir == Dir::In && p.name != "clk" && p.name != "rst").map(|p| p.name.clone()).collect()
}

/// Every output port of `m`.
pub fn all_outputs(m: &Model) -> Vec<String> {
    m.ports().iter().filter(|p| p.dir == Dir::Out).map(|p| p.name.clone()).collect()
}

/// Resets `m` (`rst` high for `reset_cycles`, with random inputs), then
/// `cycles` times: randomize `inputs`, evaluate, record every output in
/// `outputs`, randomize `inputs` again, evaluate, compare, and tick. `shape`
/// runs after each randomization and may overwrite some inputs (to steer the
/// block into its busy states, e.g. valid register accesses). Returns a
/// message naming the outputs that followed an input within a cycle.
pub fn check_no_input_to_output_path(
    m: &mut Model,
    inputs: &[String],
    outputs: &[String],
    rng: &mut Rng,
    reset_cycles: u64,
    cycles: u64,
    shape: &mut dyn FnMut(&mut Model, &mut Rng),
) -> Result<(), String> {
    let clk = m.port("clk");
    randomize(m, inputs, rng);
    shape(m, rng);
    m.set("rst", 1);
    m.ticks(clk, reset_cycles);
    m.set("rst", 0);
    for cycle in 0..cycles {
        randomize(m, inputs, rng);
        shape(m, rng);
        m.eval();
        let before = outputs_now(m, outputs);
        randomize(m, inputs, rng);
        shape(m, rng);
        m.eval();
        let after = outputs_now(m, outputs);
        let moved: Vec<&str> =
            outputs.iter().zip(before.iter().zip(&after)).filter(|(_, (b, a))| b != a).map(|(n, _)| n.as_str()).collect();
        if !moved.is_empty() {
            return Err(format!(
                "{}: cycle {cycle} after reset: outputs changed with the inputs alone (a combinational path \
                 from an input port): {}",
                m.lib().top(),
                moved.join(", ")
            ));
        }
        m.tick(clk);
    }
    Ok(())
}

/// A `shape` that leaves the random inputs as they are.
pub fn unshaped(_: &mut Model, _: &mut Rng) {}

/// Every input port of `m` except those named in `except`.
pub fn inputs_except(m: &Model, except: &[&str]) -> Vec<String> {
    m.ports().iter().filter(|p| p.dir == Dir::In && !except.contains(&p.name.as_str())).map(|p| p.name.clone()).collect()
}

/// [`check_no_input_to_output_path`] over `inputs` and every output, from a
/// reset, panicking with its message: for tests that need no steering.
pub fn assert_no_combinational_path(m: &mut Model, inputs: &[String], rng: &mut Rng, cycles: u64) {
    let outputs = all_outputs(m);
    check_no_input_to_output_path(m, inputs, &outputs, rng, 3, cycles, &mut unshaped).unwrap_or_else(|e| panic!("{e}"));
}

/// The same check in the middle of a running bench, without a reset: random
/// values on every input but `clk`/`rst` must leave every output as it is;
/// the inputs are put back (and evaluated) before returning.
pub fn check_outputs_hold(m: &mut Model, rng: &mut Rng) -> Result<(), String> {
    let (inputs, outputs) = (all_inputs(m), all_outputs(m));
    let saved: Vec<Vec<u32>> = inputs.iter().map(|p| m.get_words(p.as_str())).collect();
    let before = outputs_now(m, &outputs);
    randomize(m, &inputs, rng);
    m.eval();
    let after = outputs_now(m, &outputs);
    for (p, w) in inputs.iter().zip(&saved) {
        m.set_words(p.as_str(), w);
    }
    m.eval();
    let moved: Vec<&str> =
        outputs.iter().zip(before.iter().zip(&after)).filter(|(_, (b, a))| b != a).map(|(n, _)| n.as_str()).collect();
    if moved.is_empty() {
        Ok(())
    } else {
        Err(format!("outputs followed an input within the cycle: {}", moved.join(", ")))
    }
}
