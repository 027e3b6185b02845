//! The block-boundary timing rule, checked on an emitted block: no output
//! port depends combinationally on an input port (DESIGN.md, timing rules).
//!
//! Between two evaluations without a clock edge, every listed input is set
//! to a new random value; every output must keep its value. Then the clock
//! ticks (with the inputs random, so the block walks through many states)
//! and the check repeats. An input left out of the list keeps its value
//! (typically `clk` and `rst`).

use vfpga_sim::{Dir, Model, Rng};

/// Every input port of `m` except those named in `except`.
pub fn inputs_except(m: &Model, except: &[&str]) -> Vec<String> {
    m.ports().iter().filter(|p| p.dir == Dir::In && !except.contains(&p.name.as_str())).map(|p| p.name.clone()).collect()
}

fn randomize(m: &mut Model, inputs: &[String], rng: &mut Rng) {
    for name in inputs {
        let width = m.port_width(name.as_str());
        let mut words: Vec<u32> = (0..width.div_ceil(32)).map(|_| rng.next_u32()).collect();
        let top = width % 32;
        if top != 0 {
            *words.last_mut().unwrap() &= (1u32 << top) - 1;
        }
        m.set_words(name.as_str(), &words);
    }
}

fn outputs(m: &Model) -> Vec<(String, Vec<u32>)> {
    m.ports().iter().filter(|p| p.dir == Dir::Out).map(|p| (p.name.clone(), m.get_words(p.name.as_str()))).collect()
}

/// For `cycles` cycles: randomize `inputs`, eval, record every output,
/// randomize `inputs` again, eval, and panic naming the first output that
/// moved; then tick `clk`. `what` names the block in the message.
pub fn assert_no_combinational_path(m: &mut Model, clk: &str, inputs: &[String], rng: &mut Rng, cycles: usize, what: &str) {
    assert!(!inputs.is_empty(), "{what}: no inputs to randomize");
    for cycle in 0..cycles {
        randomize(m, inputs, rng);
        m.eval();
        let before = outputs(m);
        randomize(m, inputs, rng);
        m.eval();
        let after = outputs(m);
        for ((name, b), (_, a)) in before.iter().zip(&after) {
            assert_eq!(b, a, "{what}: output {name} followed an input within cycle {cycle} (a combinational path across the block boundary)");
        }
        m.tick(clk);
    }
}
