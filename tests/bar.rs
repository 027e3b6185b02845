//! The `bar` block alone, simulated with Verilator on the emitted Verilog:
//! random AXI4-Lite accesses (any function, in or beyond the configured
//! count, any offset, misaligned ones) with random delays on every channel,
//! against a reference model of the decode. Behind `bar`, each register bus
//! ends in a model block (a memory that refuses some offsets, answers after
//! a random delay, and sometimes never answers) that checks the bus protocol
//! on every cycle.

mod common;

use std::collections::HashMap;
use vfpga::blocks::bar::bar_modules;
use vfpga::config::Config;
use vfpga_hdl::bar::regs::*;
use vfpga_sim::axil::{AxilMaster, AxilOp};
use vfpga_sim::{Model, Rng};

const BLOCKS: [&str; 5] = ["dma", "prc", "mgr", "sched", "ctx"];

/// A block behind `bar`: register memory per (function, offset).
struct BlockModel {
    name: &'static str,
    mem: HashMap<(u32, u32), u32>,
    /// Request being presented (fields) while not yet taken.
    presented: Option<(u64, u64, u64, u64, u64)>,
    /// Cycles until the answer of the taken request, and the answer.
    answer_in: Option<(u32, u32, bool)>,
    ready: bool,
    /// Requests taken: (function, offset, write, wdata, wstrb).
    taken: Vec<(u32, u32, bool, u32, u8)>,
    hang_prob: f64,
}

impl BlockModel {
    fn port(&self, f: &str) -> String {
        format!("m_reg_{}_{}", self.name, f)
    }

    fn drive(&mut self, m: &mut Model, rng: &mut Rng) {
        self.ready = self.answer_in.is_none() && rng.chance(0.6);
        m.set(self.port("req_ready").as_str(), self.ready as u64);
        let mut answered = false;
        if let Some((n, data, err)) = self.answer_in {
            if n == 0 {
                m.set(self.port("resp_valid").as_str(), 1);
                m.set(self.port("resp_rdata").as_str(), data as u64);
                m.set(self.port("resp_error").as_str(), err as u64);
                self.answer_in = None;
                answered = true;
            } else if n != u32::MAX {
                self.answer_in = Some((n - 1, data, err));
            }
        }
        if !answered {
            m.set(self.port("resp_valid").as_str(), 0);
            m.set(self.port("resp_rdata").as_str(), rng.bits(32));
            m.set(self.port("resp_error").as_str(), rng.bits(1));
        }
    }

    /// Checks the request side and takes a request on a handshake.
    fn sample(&mut self, m: &Model, rng: &mut Rng, cycle: u64) {
        let g = |f: &str| m.get(self.port(f).as_str());
        let valid = g("req_valid") == 1;
        let fields = (g("req_write"), g("req_function"), g("req_addr"), g("req_wdata"), g("req_wstrb"));
        if let Some(prev) = self.presented {
            assert!(valid, "cycle {cycle}: {}: request withdrawn before it was taken", self.name);
            assert_eq!(prev, fields, "cycle {cycle}: {}: request changed while waiting", self.name);
        }
        self.presented = None;
        if !valid {
            return;
        }
        if !self.ready {
            self.presented = Some(fields);
            return;
        }
        let (write, function, addr, wdata, wstrb) = (fields.0 == 1, fields.1 as u32, fields.2 as u32, fields.3 as u32, fields.4 as u8);
        self.taken.push((function, addr, write, wdata, wstrb));
        // This block refuses offsets ending in 0x3c (as a block refuses a
        // read-only or unmapped register), and changes nothing then.
        let refuse = addr & 0x3f == 0x3c;
        // A block that will never answer changes nothing either (the
        // reference treats a timed-out access as not done).
        let hang = rng.chance(self.hang_prob);
        let mut data = 0;
        if !refuse && !hang {
            let e = self.mem.entry((function, addr)).or_insert(0);
            if write {
                let mut mask = 0u32;
                for b in 0..4 {
                    if wstrb >> b & 1 == 1 {
                        mask |= 0xff << (8 * b);
                    }
                }
                *e = (*e & !mask) | (wdata & mask);
            } else {
                data = *e;
            }
        }
        let delay = if hang { u32::MAX } else { rng.below(4) as u32 };
        self.answer_in = Some((delay, data, refuse));
    }
}

/// The decode as specified: `None` when `bar` must refuse by itself, else
/// `Some(Ok(word))` for the header or `Some(Err(block))` when forwarded.
fn reference(op: &AxilOp, functions: u32, partitions: u32, width: u32) -> Option<Result<u32, &'static str>> {
    let function = (op.addr >> 12) as u32;
    let offset = (op.addr & 0xfff) as u32;
    if function >= functions || op.addr & 3 != 0 {
        return None;
    }
    let region = REGIONS.iter().find(|r| offset >= r.base && offset < r.base + r.size).unwrap();
    if region.pf_only && function != 0 {
        return None;
    }
    if region.name != "bar" {
        return Some(Err(region.name));
    }
    if op.write {
        return None;
    }
    let word = match offset {
        HDR_ID => BAR_MAGIC,
        HDR_VERSION => BAR_VERSION,
        HDR_FUNCTION => function,
        HDR_FUNCTIONS => functions,
        HDR_PARTITIONS => partitions,
        HDR_DATA_WIDTH => width,
        HDR_BLOCKS => blocks_mask(function == 0),
        HDR_NEXT => 0x100,
        _ => return None,
    };
    Some(Ok(word))
}

fn run(cfg: &Config, name: &str, accesses: usize, hang_prob: f64) {
    let key = format!("bar-{}vf-{}p-{}b", cfg.vfs, cfg.partitions, cfg.data_width);
    let lib = common::model_of_modules(&key, || bar_modules(cfg));
    let mut m = lib.instantiate(name);
    let clk = m.port("clk");
    let mut rng = Rng::for_test(name);
    let nf = cfg.functions() as u32;
    let mut host = AxilMaster::new(&m, "s_axil_bar", rng.fork()).with_probs(0.6, 0.6);
    let mut blocks: Vec<BlockModel> = BLOCKS
        .iter()
        .map(|&n| BlockModel {
            name: n,
            mem: HashMap::new(),
            presented: None,
            answer_in: None,
            ready: false,
            taken: Vec::new(),
            hang_prob,
        })
        .collect();
    let mut block_rng = rng.fork();
    m.set("rst", 1);
    for b in blocks.iter_mut() {
        b.drive(&mut m, &mut block_rng);
    }
    host.drive(&mut m);
    m.ticks(clk, 3);
    m.set("rst", 0);

    // Random accesses: mostly valid functions, some beyond the count (up to
    // the 11-bit field), some misaligned; offsets everywhere, with the
    // header's registers and a few offsets per block reused so reads find
    // earlier writes.
    let mut ops = Vec::new();
    for _ in 0..accesses {
        let function = if rng.chance(0.1) { rng.below(2048) } else { rng.below(nf as u64).min(rng.below(4) * rng.below(nf as u64)) };
        let offset = match rng.below(4) {
            0 => rng.below(0x24) & !3,
            1 => *rng.pick(&[0x100, 0x104, 0x13c, 0x2fc, 0x300, 0x3fc, 0x400, 0x7fc, 0x800, 0xffc]),
            _ => rng.below(0x1000) & !3,
        } | if rng.chance(0.05) { rng.range(1..4) } else { 0 };
        let addr = function << 12 | offset;
        let op = if rng.chance(0.5) {
            let mut o = AxilOp::write(addr, rng.next_u32());
            o.strb = if rng.chance(0.8) { 0xf } else { rng.bits(4) as u8 };
            o
        } else {
            AxilOp::read(addr)
        };
        ops.push(op);
        host.push(op);
    }

    // The model of what the blocks hold, to predict forwarded reads.
    let mut shadow: HashMap<(&str, u32, u32), u32> = HashMap::new();
    let mut results = Vec::new();
    let mut cycle = 0u64;
    let mut counts: HashMap<&str, usize> = HashMap::new();
    let mut hung_count = 0;
    while results.len() < ops.len() {
        host.drive(&mut m);
        for b in blocks.iter_mut() {
            b.drive(&mut m, &mut block_rng);
        }
        m.eval();
        // Only the addressed block ever sees a request.
        let presenting: Vec<&str> = blocks.iter().filter(|b| m.get(b.port("req_valid").as_str()) == 1).map(|b| b.name).collect();
        assert!(presenting.len() <= 1, "cycle {cycle}: requests to {presenting:?} at once");
        host.sample(&m).unwrap_or_else(|e| panic!("cycle {cycle}: {e}"));
        for b in blocks.iter_mut() {
            b.sample(&m, &mut block_rng, cycle);
        }
        m.tick(clk);
        cycle += 1;
        assert!(cycle < 2_000 * accesses as u64, "bar stopped answering");
        while let Some(done) = host.pop() {
            let op = ops[results.len()];
            assert_eq!(done.op, op);
            let function = (op.addr >> 12) as u32;
            let offset = (op.addr & 0xfff) as u32;
            let expect = reference(&op, nf, cfg.partitions as u32, cfg.data_width as u32);
            let what = format!("access {} ({op:x?})", results.len());
            match expect {
                None => {
                    assert_eq!(done.resp, 2, "{what}: bar must refuse it with SLVERR");
                    assert_eq!(done.rdata, 0, "{what}: a refused read returns 0");
                }
                Some(Ok(word)) => {
                    assert_eq!(done.resp, 0, "{what}: header read refused");
                    assert_eq!(done.rdata, word, "{what}: header word");
                }
                Some(Err(block)) => {
                    // Exactly one request reached that block, with the access's fields.
                    let b = blocks.iter().find(|b| b.name == block).unwrap();
                    let n = counts.entry(block).or_insert(0);
                    assert_eq!(b.taken.len(), *n + 1, "{what}: {block} must see exactly one request");
                    let (tf, ta, tw, td, ts) = b.taken[*n];
                    *n += 1;
                    assert_eq!((tf, ta, tw), (function, offset, op.write), "{what}: request fields");
                    if op.write {
                        assert_eq!((td, ts), (op.data, op.strb), "{what}: write data");
                    }
                    let refused = offset & 0x3f == 0x3c;
                    let hung = done.latency >= REG_TIMEOUT as u64;
                    hung_count += hung as usize;
                    if refused || hung {
                        assert_eq!(done.resp, 2, "{what}: block refused (or hung) but bar answered OKAY");
                    } else {
                        assert_eq!(done.resp, 0, "{what}: block answered OKAY but bar refused");
                        let e = shadow.entry((block, function, offset)).or_insert(0);
                        if op.write {
                            let mut mask = 0u32;
                            for k in 0..4 {
                                if op.strb >> k & 1 == 1 {
                                    mask |= 0xff << (8 * k);
                                }
                            }
                            *e = (*e & !mask) | (op.data & mask);
                        } else {
                            assert_eq!(done.rdata, *e, "{what}: read data of {block}");
                        }
                    }
                }
            }
            results.push(done);
            // A hung block comes back once bar has given up on it.
            for b in blocks.iter_mut() {
                if matches!(b.answer_in, Some((u32::MAX, _, _))) {
                    b.answer_in = None;
                }
            }
        }
    }
    // No request was taken that no access accounts for.
    for b in &blocks {
        assert_eq!(b.taken.len(), counts.get(b.name).copied().unwrap_or(0), "{}: stray requests", b.name);
    }
    let refused = results.iter().filter(|d| d.resp == 2).count();
    eprintln!("{name}: {} accesses in {cycle} cycles, {refused} refused", results.len());
    assert_eq!(hung_count > 0, hang_prob > 0.0, "hung blocks: {hung_count}");
    assert!(refused > accesses / 10 && refused < accesses * 9 / 10, "the mix must exercise both outcomes");
}

#[test]
fn default_design_random_accesses() {
    run(&Config::default(), "bar_default", 4000, 0.0);
}

#[test]
fn one_vf_random_accesses() {
    run(&Config { vfs: 1, partitions: 1, ..Config::default() }, "bar_one_vf", 2000, 0.0);
}

#[test]
fn largest_design_random_accesses() {
    run(&Config { vfs: 1024, partitions: 64, data_width: 512, ..Config::default() }, "bar_largest", 2000, 0.0);
}

#[test]
fn a_block_that_never_answers_gets_slverr() {
    run(&Config::default(), "bar_hang", 300, 0.02);
}

/// Timing rule: no output of `bar` follows an input within a cycle (the
/// host's valids and readys, the blocks' readys and answers), whatever the
/// state random inputs drive it into.
#[test]
fn no_combinational_path_from_inputs_to_outputs() {
    let cfg = Config::default();
    let key = format!("bar-{}vf-{}p-{}b", cfg.vfs, cfg.partitions, cfg.data_width);
    let lib = common::model_of_modules(&key, || bar_modules(&cfg));
    let mut m = lib.instantiate("bar_boundary");
    let nf = cfg.functions() as u64;
    let mut rng = Rng::for_test("bar_no_combinational_path_from_inputs_to_outputs");
    let (inputs, outputs) = (common::boundary::all_inputs(&m), common::boundary::all_outputs(&m));
    common::boundary::check_no_input_to_output_path(&mut m, &inputs, &outputs, &mut rng, 3, 5000, &mut |m, rng| {
        // Mostly accesses to the configured functions, aligned.
        for a in ["s_axil_bar_araddr", "s_axil_bar_awaddr"] {
            if rng.chance(0.8) {
                let v = rng.below(nf) << 12 | rng.below(0x1000) & !3;
                m.set(a, v);
            }
        }
    })
        .unwrap_or_else(|e| panic!("{e}"));
}
