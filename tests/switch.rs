//! The `switch` block, simulated with Verilator on the Verilog that
//! `vfpga generate` emits: random packets, random stalls on every port, route
//! and owner changes under traffic, checked against a reference model with a
//! scoreboard and the AXI4-Stream protocol checked on every port every cycle.

mod common;

use std::collections::VecDeque;
use vfpga::config::Config;
use vfpga_sim::{AxisChecker, AxisSink, AxisSource, Model, Packet, Rng, Scoreboard};

/// The switch as the tests expect it to behave, beat by beat.
struct Reference {
    /// Route of each function: `Some(partition)` or unrouted.
    routes: Vec<Option<usize>>,
    /// Owner function of each partition (tag of its C2H packets).
    owners: Vec<u32>,
    /// Packets the switch must have dropped.
    drops: u64,
    /// A route or owner write named something that does not exist.
    cfg_error: bool,
}

/// What a test run varies.
struct Traffic {
    packets: usize,
    max_len: usize,
    /// Probability that a source presents a pending beat / a sink is ready.
    valid_prob: f64,
    ready_prob: f64,
    /// Probability, per cycle, of a route write and of an owner write.
    route_write_prob: f64,
    owner_write_prob: f64,
    /// Probability that a write names a function or partition out of range.
    bad_write_prob: f64,
}

impl Default for Traffic {
    fn default() -> Self {
        Traffic {
            packets: 2000,
            max_len: 96,
            valid_prob: 0.8,
            ready_prob: 0.7,
            route_write_prob: 0.0,
            owner_write_prob: 0.0,
            bad_write_prob: 0.0,
        }
    }
}

const FUNCTION_ID_BITS: u32 = vfpga_hdl::FUNCTION_ID_BITS as u32;

struct Bench {
    m: Model,
    rng: Rng,
    partitions: usize,
    functions: usize,
    clk: vfpga_sim::PortId,
}

impl Bench {
    fn new(cfg: &Config, name: &str) -> Bench {
        let key = format!("switch-{}p-{}vf-{}b", cfg.partitions, cfg.vfs, cfg.data_width);
        let lib = common::model_of_modules(&key, || vfpga::blocks::switch::switch_modules(cfg));
        let m = lib.instantiate(name);
        let clk = m.port("clk");
        let rng = Rng::for_test(name);
        Bench { m, rng, partitions: cfg.partitions, functions: cfg.functions(), clk }
    }

    /// Reset, then wait for the route table to be cleared.
    fn reset(&mut self) {
        for port in ["s_route_valid", "s_owner_valid", "s_axis_h2c_tvalid", "m_axis_c2h_tready"] {
            self.m.set(port, 0);
        }
        for p in 0..self.partitions {
            self.m.set(format!("s_axis_c2h_p{p}_tvalid").as_str(), 0);
            self.m.set(format!("m_axis_h2c_p{p}_tready").as_str(), 0);
        }
        self.m.set("rst", 1);
        for _ in 0..3 {
            self.m.tick(self.clk);
        }
        self.m.set("rst", 0);
        self.m.eval();
        let mut cycles = 0;
        while self.m.get("s_route_ready") == 0 {
            assert_eq!(self.m.get("s_axis_h2c_tready"), 0, "H2C accepted data while the table was being cleared");
            self.m.tick(self.clk);
            self.m.eval();
            cycles += 1;
            assert!(cycles <= self.functions + 2, "route table not cleared after {cycles} cycles");
        }
    }

    /// One write on a configuration port, outside traffic.
    fn write_route(&mut self, function: u32, partition: u32, enable: bool) {
        self.m.set("s_route_valid", 1);
        self.m.set("s_route_function", function as u64);
        self.m.set("s_route_partition", partition as u64);
        self.m.set("s_route_enable", enable as u64);
        self.m.eval();
        assert_eq!(self.m.get("s_route_ready"), 1);
        self.m.tick(self.clk);
        self.m.set("s_route_valid", 0);
    }

    fn write_owner(&mut self, partition: u32, function: u32) {
        self.m.set("s_owner_valid", 1);
        self.m.set("s_owner_partition", partition as u64);
        self.m.set("s_owner_function", function as u64);
        self.m.tick(self.clk);
        self.m.set("s_owner_valid", 0);
    }
}

/// A (function, partition) for a configuration write; with probability `bad`
/// one of them (or both) does not exist.
fn write_target(rng: &mut Rng, nf: usize, np: usize, bad: f64) -> (usize, usize) {
    let bad = rng.chance(bad);
    let f = if bad && rng.chance(0.5) { rng.range(nf as u64..1 << FUNCTION_ID_BITS) } else { rng.below(nf as u64) };
    let p = if bad && np < 64 && rng.chance(0.5) { rng.range(np as u64..64) } else { rng.below(np as u64) };
    (f as usize, p as usize)
}

/// Runs random traffic in both directions and checks every packet.
fn run(cfg: &Config, name: &str, t: &Traffic) {
    let mut b = Bench::new(cfg, name);
    b.reset();
    let (np, nf) = (b.partitions, b.functions);
    let mut reference = Reference { routes: vec![None; nf], owners: vec![0; np], drops: 0, cfg_error: false };

    // Initial table: most functions routed, a few left unrouted.
    for f in 0..nf {
        if b.rng.chance(0.8) {
            let p = b.rng.below(np as u64) as usize;
            b.write_route(f as u32, p as u32, true);
            reference.routes[f] = Some(p);
        }
    }
    for p in 0..np {
        let f = b.rng.below(nf as u64) as u32;
        b.write_owner(p as u32, f);
        reference.owners[p] = f;
    }

    // Traffic: H2C from every function (and a few out-of-range ones), C2H
    // from every partition.
    let mut h2c_src = AxisSource::new(&b.m, "s_axis_h2c", b.rng.fork()).with_valid_prob(t.valid_prob);
    let mut h2c_pending: VecDeque<Packet> = VecDeque::new();
    for _ in 0..t.packets {
        let tid = if b.rng.chance(0.03) {
            b.rng.range(nf as u64..1 << FUNCTION_ID_BITS) as u32
        } else {
            b.rng.below(nf as u64) as u32
        };
        let len = b.rng.range_usize(1..t.max_len + 1);
        let pkt = Packet::random(&mut b.rng, len..len + 1).tid(tid);
        h2c_src.push(pkt.clone());
        h2c_pending.push_back(pkt);
    }
    let mut h2c_sinks: Vec<AxisSink> = (0..np)
        .map(|p| AxisSink::new(&b.m, &format!("m_axis_h2c_p{p}"), b.rng.fork()).with_ready_prob(t.ready_prob))
        .collect();
    let mut c2h_srcs: Vec<AxisSource> = (0..np)
        .map(|p| AxisSource::new(&b.m, &format!("s_axis_c2h_p{p}"), b.rng.fork()).with_valid_prob(t.valid_prob))
        .collect();
    let mut c2h_pending: Vec<VecDeque<Packet>> = vec![VecDeque::new(); np];
    for _ in 0..t.packets {
        let p = b.rng.below(np as u64) as usize;
        let len = b.rng.range_usize(1..t.max_len + 1);
        let pkt = Packet::random(&mut b.rng, len..len + 1);
        c2h_srcs[p].push(pkt.clone());
        c2h_pending[p].push_back(pkt);
    }
    let mut c2h_sink = AxisSink::new(&b.m, "m_axis_c2h", b.rng.fork()).with_ready_prob(t.ready_prob);

    let mut checkers: Vec<AxisChecker> = vec![AxisChecker::new(&b.m, "s_axis_h2c"), AxisChecker::new(&b.m, "m_axis_c2h")];
    for p in 0..np {
        checkers.push(AxisChecker::new(&b.m, &format!("m_axis_h2c_p{p}")));
        checkers.push(AxisChecker::new(&b.m, &format!("s_axis_c2h_p{p}")));
    }

    let mut h2c_board: Scoreboard<usize> = Scoreboard::new("h2c (key: partition)");
    // C2H: each partition's packets in order (key: partition). The order
    // across partitions is the arbiter's, which the input slices put up to
    // two beats behind the ports: an observed packet is scored against the
    // partition whose next expected packet it is.
    let mut c2h_board: Scoreboard<usize> = Scoreboard::new("c2h (key: partition)");
    let mut c2h_expected: Vec<VecDeque<Packet>> = vec![VecDeque::new(); np];
    let mut h2c_in_packet = false;
    let mut c2h_in_packet = vec![false; np];
    // Packets other partitions started while this one was waiting for a grant.
    let mut waited = vec![0usize; np];
    let mut max_wait = 0;

    let total_h2c = t.packets;
    let mut cycle = 0u64;
    let limit = (t.packets as u64) * (t.max_len as u64) * 8 + 10_000;
    loop {
        // ---- drive
        h2c_src.drive(&mut b.m);
        for s in h2c_sinks.iter_mut() {
            s.drive(&mut b.m);
        }
        for s in c2h_srcs.iter_mut() {
            s.drive(&mut b.m);
        }
        c2h_sink.drive(&mut b.m);
        let route_write = b.rng.chance(t.route_write_prob).then(|| {
            let (f, p) = write_target(&mut b.rng, nf, np, t.bad_write_prob);
            (f, p, b.rng.chance(0.85))
        });
        b.m.set("s_route_valid", route_write.is_some() as u64);
        if let Some((f, p, en)) = route_write {
            b.m.set("s_route_function", f as u64);
            b.m.set("s_route_partition", p as u64);
            b.m.set("s_route_enable", en as u64);
        }
        let owner_write = b.rng.chance(t.owner_write_prob).then(|| {
            let (f, p) = write_target(&mut b.rng, nf, np, t.bad_write_prob);
            (p, f as u32)
        });
        b.m.set("s_owner_valid", owner_write.is_some() as u64);
        if let Some((p, f)) = owner_write {
            b.m.set("s_owner_partition", p as u64);
            b.m.set("s_owner_function", f as u64);
        }

        // ---- evaluate, then check and sample before the clock edge
        b.m.eval();
        for c in checkers.iter_mut() {
            c.check(&b.m).unwrap_or_else(|e| panic!("cycle {cycle}: {e}"));
        }
        // H2C: the route is the table's entry when the first beat is taken.
        if b.m.get("s_axis_h2c_tvalid") == 1 && b.m.get("s_axis_h2c_tready") == 1 {
            if !h2c_in_packet {
                let pkt = h2c_pending.pop_front().expect("beat without a packet");
                match reference.routes.get(pkt.tid as usize).copied().flatten() {
                    Some(p) => h2c_board.expect(p, pkt),
                    None => reference.drops += 1,
                }
            }
            h2c_in_packet = b.m.get("s_axis_h2c_tlast") == 0;
        }
        // C2H: the tag is the partition's owner when its first beat is taken.
        // Fairness, seen at the input ports: the arbiter grants each other
        // partition at most one packet while one waits, but each port runs up
        // to two beats (its input slice) ahead of the arbiter, on the waiting
        // side and on the others.
        for p in 0..np {
            let port = |f: &str| format!("s_axis_c2h_p{p}_{f}");
            let valid = b.m.get(port("tvalid").as_str()) == 1;
            if valid && b.m.get(port("tready").as_str()) == 1 {
                if !c2h_in_packet[p] {
                    let pkt = c2h_pending[p].pop_front().expect("beat without a packet");
                    let pkt = pkt.tid(reference.owners[p]);
                    c2h_expected[p].push_back(pkt.clone());
                    c2h_board.expect(p, pkt);
                    waited[p] = 0;
                    for q in 0..np {
                        if q != p && c2h_srcs[q].pending() > 0 && !c2h_in_packet[q] && b.m.get(format!("s_axis_c2h_p{q}_tvalid").as_str()) == 1 {
                            waited[q] += 1;
                            max_wait = max_wait.max(waited[q]);
                            assert!(waited[q] < 3 * np, "cycle {cycle}: partition {q} starved: {} packets taken from others while it waited", waited[q]);
                        }
                    }
                }
                c2h_in_packet[p] = b.m.get(port("tlast").as_str()) == 0;
            }
        }
        // Configuration writes land after this cycle's lookups.
        if let Some((f, p, en)) = route_write {
            if f < nf && p < np {
                reference.routes[f] = en.then_some(p);
            } else {
                reference.cfg_error = true;
            }
        }
        if let Some((p, f)) = owner_write {
            if (f as usize) < nf && p < np {
                reference.owners[p] = f;
            } else {
                reference.cfg_error = true;
            }
        }
        h2c_src.sample(&b.m);
        for s in h2c_sinks.iter_mut() {
            s.sample(&b.m);
        }
        for s in c2h_srcs.iter_mut() {
            s.sample(&b.m);
        }
        c2h_sink.sample(&b.m);
        b.m.tick(b.clk);
        cycle += 1;

        // ---- score what arrived
        for (p, s) in h2c_sinks.iter_mut().enumerate() {
            while let Some(pkt) = s.pop() {
                h2c_board.observe(p, pkt).unwrap_or_else(|e| panic!("cycle {cycle}: {e}"));
            }
        }
        while let Some(pkt) = c2h_sink.pop() {
            let from = (0..np).find(|&p| c2h_expected[p].front().is_some_and(|e| e.data == pkt.data && e.tid == pkt.tid)).unwrap_or(0);
            c2h_expected[from].pop_front();
            c2h_board.observe(from, pkt).unwrap_or_else(|e| panic!("cycle {cycle}: {e}"));
        }

        let sent = h2c_src.is_idle() && c2h_srcs.iter().all(AxisSource::is_idle);
        if sent && h2c_board.outstanding() == 0 && c2h_board.outstanding() == 0 {
            break;
        }
        assert!(cycle < limit, "no progress after {cycle} cycles: {} H2C and {} C2H packets outstanding", h2c_board.outstanding(), c2h_board.outstanding());
    }
    // A few idle cycles: nothing more may come out.
    for s in h2c_sinks.iter_mut() {
        s.set_ready_prob(1.0);
    }
    c2h_sink.set_ready_prob(1.0);
    b.m.set("s_route_valid", 0);
    b.m.set("s_owner_valid", 0);
    for _ in 0..8 {
        // The sources are idle now: this drives their tvalid low.
        h2c_src.drive(&mut b.m);
        for s in c2h_srcs.iter_mut() {
            s.drive(&mut b.m);
        }
        for s in h2c_sinks.iter_mut() {
            s.drive(&mut b.m);
        }
        c2h_sink.drive(&mut b.m);
        b.m.eval();
        for s in h2c_sinks.iter_mut() {
            s.sample(&b.m);
        }
        c2h_sink.sample(&b.m);
        b.m.tick(b.clk);
    }
    b.m.eval();
    for s in h2c_sinks.iter_mut() {
        assert!(s.pop().is_none() && !s.in_packet(), "H2C beats after the end of traffic");
    }
    assert!(c2h_sink.pop().is_none() && !c2h_sink.in_packet(), "C2H beats after the end of traffic");
    h2c_board.finish().unwrap();
    c2h_board.finish().unwrap();
    assert_eq!(b.m.get("drop_count"), reference.drops, "dropped packets counted");
    assert_eq!(b.m.get("cfg_error"), reference.cfg_error as u64, "cfg_error flag");
    assert_eq!(h2c_board.matched() + reference.drops, total_h2c as u64);
    eprintln!(
        "{name}: {cycle} cycles, {} H2C packets delivered, {} dropped, {} C2H packets, longest C2H wait {max_wait} packets",
        h2c_board.matched(),
        reference.drops,
        c2h_board.matched()
    );
}

fn config(partitions: usize, vfs: usize) -> Config {
    Config { partitions, vfs, ..Config::default() }
}

#[test]
fn four_partitions_random_traffic_with_stalls() {
    run(&config(4, 8), "switch_4p_random", &Traffic::default());
}

#[test]
fn four_partitions_route_and_owner_changes_under_traffic() {
    let t = Traffic { route_write_prob: 0.05, owner_write_prob: 0.05, ..Traffic::default() };
    run(&config(4, 8), "switch_4p_route_changes", &t);
}

#[test]
fn four_partitions_bad_writes_change_nothing_and_are_flagged() {
    let t = Traffic { packets: 200, route_write_prob: 0.05, owner_write_prob: 0.05, bad_write_prob: 0.5, ..Traffic::default() };
    run(&config(4, 8), "switch_4p_bad_writes", &t);
}

#[test]
fn four_partitions_full_rate() {
    let t = Traffic { valid_prob: 1.0, ready_prob: 1.0, ..Traffic::default() };
    run(&config(4, 8), "switch_4p_full_rate", &t);
}

#[test]
fn one_partition_random_traffic_and_route_changes() {
    let t = Traffic { route_write_prob: 0.03, owner_write_prob: 0.03, ..Traffic::default() };
    run(&config(1, 8), "switch_1p", &t);
}

#[test]
fn sixteen_partitions_random_traffic_and_route_changes() {
    let t = Traffic { packets: 3000, route_write_prob: 0.03, owner_write_prob: 0.03, ..Traffic::default() };
    run(&config(16, 32), "switch_16p", &t);
}

#[test]
fn wide_data_path_random_traffic() {
    let t = Traffic { max_len: 300, route_write_prob: 0.02, ..Traffic::default() };
    run(&Config { partitions: 3, vfs: 8, data_width: 256, ..Config::default() }, "switch_3p_256b", &t);
}

/// The timing rule at the switch's boundary: no output follows an input
/// within a cycle (every input port randomized between two evaluations).
#[test]
fn outputs_do_not_depend_on_inputs_combinationally() {
    let mut b = Bench::new(&config(4, 8), "switch_boundary");
    b.reset();
    let inputs = common::boundary::inputs_except(&b.m, &["clk", "rst"]);
    common::boundary::assert_no_combinational_path(&mut b.m, &inputs, &mut b.rng, 3000);
}
