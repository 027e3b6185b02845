//! The `ctx` block on its emitted Verilog: random context-memory accesses from
//! every function's window and random context operations on the partitions,
//! against a reference model. The partitions' accelerators are modelled here:
//! each is a file of context registers behind the RM context port.

mod common;

use std::collections::VecDeque;
use vfpga::blocks::ctx::ctx_modules;
use vfpga::config::Config;
use vfpga_hdl::ctx::{OP_CLEAR, OP_RESTORE, OP_SAVE, OP_SWITCH};
use vfpga_hdl::ctx::regs::CTX_BASE;
use vfpga_sim::{Model, PortId, Rng};

struct Setup {
    partitions: usize,
    vfs: usize,
    words: usize,
}

/// What the block must hold: each function's memory, each accelerator's registers.
struct Reference {
    mem: Vec<Vec<u32>>,
    rm: Vec<Vec<u32>>,
}

#[derive(Debug, Clone, Copy)]
struct Op {
    code: u64,
    partition: usize,
    from: usize,
    to: usize,
}

/// A register access in flight: what its response must be.
struct Pending {
    taken_at: u64,
    error: bool,
    rdata: Option<u32>,
}

struct Bench {
    m: Model,
    clk: PortId,
    cycle: u64,
}

impl Bench {
    fn tick(&mut self) {
        self.m.tick(self.clk);
        self.cycle += 1;
    }
}

fn run(s: &Setup, name: &str, ops: usize) {
    let cfg = Config { partitions: s.partitions, vfs: s.vfs, context_words: s.words, ..Config::default() };
    let key = format!("ctx-{}p-{}vf-{}w", s.partitions, s.vfs, s.words);
    let lib = common::model_of_modules(&key, || ctx_modules(&cfg));
    let mut m = lib.instantiate(name);
    let clk = m.port("clk");
    let mut rng = Rng::for_test(name);
    let (np, nf, nw) = (s.partitions, cfg.functions(), s.words);

    m.set("rst", 1);
    m.set("s_reg_req_valid", 0);
    m.set("s_op_valid", 0);
    m.ticks(clk, 2);
    m.set("rst", 0);
    let mut b = Bench { m, clk, cycle: 0 };

    // The accelerators start with random contexts, the memories with zeros
    // written through the windows (block RAM holds no reset value).
    let mut r = Reference {
        mem: vec![vec![0; nw]; nf],
        rm: (0..np).map(|_| (0..nw).map(|_| rng.next_u32()).collect()).collect(),
    };
    let mut script: VecDeque<(usize, u32, bool, u32, u32)> = VecDeque::new(); // function, offset, write, data, strb
    for f in 0..nf {
        for w in 0..nw {
            script.push_back((f, CTX_BASE + 4 * w as u32, true, 0, 0xf));
        }
    }

    let mut initial_writes = script.len();
    let ports: Vec<[PortId; 5]> = (0..np)
        .map(|p| {
            let n = |f: &str| b.m.port(format!("m_ctx_p{p}_{f}").as_str());
            [n("addr"), n("wdata"), n("we"), n("rdata"), n("idle")]
        })
        .collect();
    let lat = vfpga_hdl::partition::CTX_READ_LATENCY as usize;
    let mut asked: Vec<VecDeque<usize>> = (0..np).map(|_| std::iter::repeat(0).take(lat).collect()).collect();
    let mut pending: Option<Pending> = None;
    let mut snapshot: Vec<u32> = Vec::new();
    let mut op_in_flight: Option<(Op, u64, Option<u64>)> = None; // op, accepted at, first idle cycle
    let mut ops_done = 0;
    let mut max_latency = 0;
    let mut reg_accesses = 0;
    // Clears pushed on `s_clear` and not yet seen to have run: they run
    // before the next window access or operation is taken.
    let mut clears: Vec<usize> = Vec::new();
    let mut clears_pushed = 0;
    let limit = 200_000;
    while ops_done < ops || !script.is_empty() || pending.is_some() || op_in_flight.is_some() {
        assert!(b.cycle < limit, "no progress after {limit} cycles");
        // ---- drive: a register access, an operation, the accelerators' idle
        let want_reg = pending.is_none() && (!script.is_empty() || rng.chance(0.3));
        if want_reg && script.is_empty() {
            script.push_back(random_access(&mut rng, nf, nw));
        }
        b.m.set("s_reg_req_valid", u64::from(want_reg));
        if let Some(&(f, off, write, data, strb)) = script.front().filter(|_| want_reg) {
            b.m.set("s_reg_req_function", f as u64);
            b.m.set("s_reg_req_addr", off as u64);
            b.m.set("s_reg_req_write", u64::from(write));
            b.m.set("s_reg_req_wdata", data as u64);
            b.m.set("s_reg_req_wstrb", strb as u64);
        }
        let op = (op_in_flight.is_none() && initial_writes == 0 && ops_done < ops && rng.chance(0.2)).then(|| random_op(&mut rng, np, nf));
        b.m.set("s_op_valid", u64::from(op.is_some()));
        if let Some(o) = op {
            b.m.set("s_op_code", o.code);
            b.m.set("s_op_partition", o.partition as u64);
            b.m.set("s_op_from", o.from as u64);
            b.m.set("s_op_to", o.to as u64);
        }
        // About a quarter of the block's time goes to clears.
        let clear = (initial_writes == 0 && rng.chance(0.25 / (nw as f64 + 2.0))).then(|| rng.below(nf as u64) as usize);
        b.m.set("s_clear_valid", u64::from(clear.is_some()));
        b.m.set("s_clear_function", clear.unwrap_or(0) as u64);
        for pp in &ports {
            b.m.set(pp[4], u64::from(rng.chance(0.4)));
        }
        // The accelerators answer through their partition wrappers, which
        // register the context port both ways: the data of an address comes
        // CTX_READ_LATENCY cycles after it.
        for (p, pp) in ports.iter().enumerate() {
            let a = asked[p].front().copied().unwrap_or(0);
            b.m.set(pp[3], r.rm[p].get(a).copied().unwrap_or(0) as u64);
        }
        b.m.eval();
        for (p, pp) in ports.iter().enumerate() {
            asked[p].pop_front();
            asked[p].push_back(b.m.get(pp[0]) as usize);
        }

        // ---- check and sample before the edge
        let c = b.cycle;
        let busy = b.m.get("busy") == 1;
        let ready = b.m.get("s_reg_req_ready") == 1;
        assert!(!(ready && busy), "cycle {c}: register port ready while busy");
        assert!(ready || busy || !clears.is_empty(), "cycle {c}: register port not ready, with nothing to do");
        assert_eq!(b.m.get("s_op_ready") == 1, ready, "cycle {c}: operations and window accesses wait alike");
        let apply_clears = |r: &mut Reference, clears: &mut Vec<usize>| {
            for f in clears.drain(..) {
                r.mem[f].iter_mut().for_each(|w| *w = 0);
            }
        };
        // A clear pushed now runs after whatever is taken in this cycle.
        let pushed = clear.filter(|_| b.m.get("s_clear_ready") == 1);
        if b.m.get("s_reg_resp_valid") == 1 {
            let p = pending.take().unwrap_or_else(|| panic!("cycle {c}: a response without a request"));
            assert!(p.taken_at < c, "cycle {c}: response in the cycle of its request");
            assert_eq!(b.m.get("s_reg_resp_error") == 1, p.error, "cycle {c}: error flag");
            if let Some(d) = p.rdata {
                assert_eq!(b.m.get("s_reg_resp_rdata") as u32, d, "cycle {c}: read data");
            }
        }
        if want_reg && b.m.get("s_reg_req_ready") == 1 {
            apply_clears(&mut r, &mut clears);
            let (f, off, write, data, strb) = script.pop_front().unwrap();
            initial_writes = initial_writes.saturating_sub(1);
            reg_accesses += 1;
            let word = off.checked_sub(CTX_BASE).map(|o| o / 4).filter(|w| (*w as usize) < nw);
            let ok = f < nf && off % 4 == 0 && word.is_some() && (!write || strb == 0xf);
            let rdata = (ok && !write).then(|| r.mem[f][word.unwrap() as usize]);
            if ok && write {
                r.mem[f][word.unwrap() as usize] = data;
            }
            pending = Some(Pending { taken_at: c, error: !ok, rdata });
        }
        if let Some(o) = op {
            if b.m.get("s_op_ready") == 1 {
                apply_clears(&mut r, &mut clears);
                // The accelerator's context as the operation found it.
                snapshot = r.rm.get(o.partition).cloned().unwrap_or_default();
                op_in_flight = Some((o, c, None));
            }
        }
        // Accelerator writes: only the operated partition, only to restore.
        for (p, pp) in ports.iter().enumerate() {
            if b.m.get(pp[2]) == 1 {
                let (o, _, _) = op_in_flight.unwrap_or_else(|| panic!("cycle {c}: context write to partition {p} outside an operation"));
                assert!(o.code == OP_SWITCH || o.code == OP_RESTORE, "cycle {c}: context write during {o:?}");
                assert!(clears.is_empty() || b.m.get("busy") == 1, "cycle {c}: context write while clears are pending");
                assert_eq!(o.partition, p, "cycle {c}: context write to the wrong partition");
                let a = b.m.get(pp[0]) as usize;
                assert!(a < nw, "cycle {c}: context write to register {a}");
                r.rm[p][a] = b.m.get(pp[1]) as u32;
            }
        }
        if let Some((o, _, first_idle)) = op_in_flight.as_mut() {
            if first_idle.is_none() && o.code != OP_CLEAR && o.partition < np && b.m.get(ports[o.partition][4]) == 1 {
                *first_idle = Some(c);
            }
        }
        if b.m.get("m_op_done_valid") == 1 {
            let (o, taken, first_idle) = op_in_flight.take().unwrap_or_else(|| panic!("cycle {c}: done without an operation"));
            let bad = o.from >= nf || o.to >= nf || (o.code != OP_CLEAR && o.partition >= np);
            assert_eq!(b.m.get("m_op_done_error") == 1, bad, "cycle {c}: {o:?} error flag");
            if !bad {
                assert_eq!(b.m.get("m_op_done_partition") as usize, o.partition, "cycle {c}: done partition");
                check_and_apply(&mut r, &o, &snapshot, c);
                let start = first_idle.unwrap_or(taken);
                let latency = c + 1 - start;
                max_latency = max_latency.max(latency);
                assert!(latency <= 2 * nw as u64 + 32, "cycle {c}: {o:?} took {latency} cycles after idle");
            }
            ops_done += 1;
        }
        if let Some(f) = pushed {
            clears.push(f);
            clears_pushed += 1;
        }
        b.tick();
    }
    // Every function's memory, read back through its window (after the
    // last clears ran).
    b.m.set("s_clear_valid", 0);
    b.m.set("s_op_valid", 0);
    b.m.set("s_reg_req_valid", 0);
    for _ in 0..(nw as u64 + 2) * (clears.len() as u64 + 1) {
        b.tick();
    }
    for f in clears.drain(..) {
        r.mem[f].iter_mut().for_each(|w| *w = 0);
    }
    for f in 0..nf {
        for w in 0..nw {
            b.m.set("s_reg_req_valid", 1);
            b.m.set("s_reg_req_function", f as u64);
            b.m.set("s_reg_req_addr", (CTX_BASE + 4 * w as u32) as u64);
            b.m.set("s_reg_req_write", 0);
            b.m.eval();
            assert_eq!(b.m.get("s_reg_req_ready"), 1);
            b.tick();
            b.m.set("s_reg_req_valid", 0);
            b.m.eval();
            assert_eq!(b.m.get("s_reg_resp_valid"), 1);
            assert_eq!(b.m.get("s_reg_resp_rdata") as u32, r.mem[f][w], "function {f} word {w} at the end");
        }
    }
    assert!(clears_pushed > 5, "too few clears to mean anything");
    eprintln!("{name}: {} cycles, {ops_done} operations, {reg_accesses} register accesses, {clears_pushed} queued clears, longest operation {max_latency} cycles after idle (bound {})", b.cycle, 2 * nw + 32);
}

/// At the end of an operation: the memories take what was saved, and the
/// accelerator (changed by the context writes the bench observed) must hold
/// what was restored.
fn check_and_apply(r: &mut Reference, o: &Op, before: &[u32], c: u64) {
    let p = o.partition;
    match o.code {
        OP_SWITCH => {
            r.mem[o.from] = before.to_vec();
            assert_eq!(r.rm[p], r.mem[o.to], "cycle {c}: {o:?}: accelerator context after the switch");
        }
        OP_SAVE => {
            r.mem[o.from] = before.to_vec();
            assert_eq!(r.rm[p], before, "cycle {c}: {o:?}: a save changed the accelerator");
        }
        OP_RESTORE => assert_eq!(r.rm[p], r.mem[o.to], "cycle {c}: {o:?}: accelerator context after the restore"),
        OP_CLEAR => r.mem[o.to].iter_mut().for_each(|w| *w = 0),
        _ => unreachable!(),
    }
}

fn random_op(rng: &mut Rng, np: usize, nf: usize) -> Op {
    let bad = rng.chance(0.05);
    let func = |rng: &mut Rng| if bad && rng.chance(0.5) { rng.range(nf as u64..2048) as usize } else { rng.below(nf as u64) as usize };
    Op {
        code: rng.below(4),
        partition: if bad && np < 64 && rng.chance(0.5) { rng.range(np as u64..64) as usize } else { rng.below(np as u64) as usize },
        from: func(rng),
        to: func(rng),
    }
}

/// A random window access, now and then one the block must refuse.
fn random_access(rng: &mut Rng, nf: usize, nw: usize) -> (usize, u32, bool, u32, u32) {
    let f = if rng.chance(0.05) { rng.range(nf as u64..2048) as usize } else { rng.below(nf as u64) as usize };
    let mut off = CTX_BASE + 4 * rng.below(nw as u64) as u32;
    if rng.chance(0.05) {
        off = CTX_BASE + 4 * rng.range(nw as u64..512) as u32; // past the last word
    } else if rng.chance(0.03) {
        off += 1 + rng.below(3) as u32; // misaligned
    }
    let strb = if rng.chance(0.05) { rng.below(15) as u32 } else { 0xf };
    (f, off, rng.chance(0.5), rng.next_u32(), strb)
}

#[test]
fn four_partitions_sixteen_words() {
    run(&Setup { partitions: 4, vfs: 8, words: 16 }, "ctx_4p_16w", 400);
}

#[test]
fn one_partition_four_words() {
    run(&Setup { partitions: 1, vfs: 3, words: 4 }, "ctx_1p_4w", 400);
}

#[test]
fn sixteen_partitions_sixty_four_words() {
    run(&Setup { partitions: 16, vfs: 32, words: 64 }, "ctx_16p_64w", 300);
}

/// Timing rule: no output of `ctx` follows an input within a cycle (register
/// bus, operations, clears, the accelerators' context ports).
#[test]
fn no_combinational_path_from_inputs_to_outputs() {
    let cfg = Config::default();
    let key = format!("ctx-{}p-{}vf-{}w", cfg.partitions, cfg.vfs, cfg.context_words);
    let lib = common::model_of_modules(&key, || ctx_modules(&cfg));
    let mut m = lib.instantiate("ctx_boundary");
    let mut rng = Rng::for_test("ctx_no_combinational_path_from_inputs_to_outputs");
    let (inputs, outputs) = (common::boundary::all_inputs(&m), common::boundary::all_outputs(&m));
    common::boundary::check_no_input_to_output_path(&mut m, &inputs, &outputs, &mut rng, 3, 5000, &mut common::boundary::unshaped)
        .unwrap_or_else(|e| panic!("{e}"));
}
