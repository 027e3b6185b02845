//! The sharing scheduler (`sched`) on its emitted Verilog, with Rust models
//! of its neighbours: the manager (ATTACH/DETACH/SET_QOS events), the DMA's
//! H2C gates (a VF sends only while its gate is open; a closed VF with work is
//! reported once per closed period; a close takes effect after a random drain)
//! and `ctx` (operations take a random time). Checked on every cycle:
//! - a VF sends only while it owns its partition and the partition holds its
//!   context (no data ever meets another VF's context);
//! - context operations name the partition's real owner, and start only after
//!   the old owner's close took effect;
//! - every VF with work gets its turn within a bound (no starvation);
//! - with weights 1:3 on one partition the shares of its time are 1:3 (5 %),
//!   also when closes drain for longer than a slice;
//! - the counters in the PF window equal what the models saw.

mod common;

use std::collections::{BTreeMap, VecDeque};
use vfpga::blocks::sched::sched_modules;
use vfpga::config::Config;
use vfpga_hdl::ctx::{OP_RESTORE, OP_SAVE, OP_SWITCH};
use vfpga_hdl::sched::regs::*;
use vfpga_sim::{Model, PortId, RegBus, Rng};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Gate {
    Open,
    /// Closed; the close is reported to the scheduler at this cycle.
    Closing(u64),
    Closed,
}

#[derive(Clone, Debug)]
struct Vf {
    attached: Option<usize>,
    weight: u8,
    slice: u16,
    gate: Gate,
    /// Units of H2C work (one unit is sent per cycle while open).
    work: u64,
    /// Reported as waiting since its gate closed.
    reported: bool,
    /// Cycle since which it has had work while closed (for the starvation bound).
    waiting_since: Option<u64>,
    sent: u64,
    /// Cycle its gate last opened.
    opened_at: u64,
}

struct Env {
    vfs: Vec<Vf>,
    /// Per partition: whose context it holds (None: nobody's yet).
    loaded: Vec<Option<usize>>,
    /// Per partition: the owner the scheduler announced (m_owner).
    owner: Vec<usize>,
    /// The context operation in progress: (done at, partition, code, from, to).
    op: Option<(u64, usize, u64, usize, usize)>,
    /// Waiting reports not yet taken by the scheduler.
    reports: VecDeque<usize>,
    /// Turns given per partition (RESTORE or SWITCH done), owned cycles per VF (each turn until its close took effect).
    turns: Vec<u64>,
    owned: Vec<u64>,
    owned_since: Vec<u64>,
    longest_wait: u64,
    /// Last cycle with any output activity of the scheduler.
    last_activity: u64,
    /// When the last close is answered.
    last_close: u64,
}

struct Ports {
    clk: PortId,
    ev_valid: PortId,
    ev_ready: PortId,
    gate_valid: PortId,
    gate_function: PortId,
    gate_open: PortId,
    closed_valid: PortId,
    wait_valid: PortId,
    wait_ready: PortId,
    wait_function: PortId,
    op_valid: PortId,
    op_ready: PortId,
    op_code: PortId,
    op_partition: PortId,
    op_from: PortId,
    op_to: PortId,
    done_valid: PortId,
    done_partition: PortId,
    owner_valid: PortId,
    owner_partition: PortId,
    owner_function: PortId,
}

impl Ports {
    fn of(m: &Model) -> Ports {
        let p = |n: &str| m.port(n);
        Ports {
            clk: p("clk"),
            ev_valid: p("s_event_valid"),
            ev_ready: p("s_event_ready"),
            gate_valid: p("m_gate_valid"),
            gate_function: p("m_gate_function"),
            gate_open: p("m_gate_open"),
            closed_valid: p("s_gate_closed_valid"),
            wait_valid: p("s_waiting_valid"),
            wait_ready: p("s_waiting_ready"),
            wait_function: p("s_waiting_function"),
            op_valid: p("m_op_valid"),
            op_ready: p("m_op_ready"),
            op_code: p("m_op_code"),
            op_partition: p("m_op_partition"),
            op_from: p("m_op_from"),
            op_to: p("m_op_to"),
            done_valid: p("s_op_done_valid"),
            done_partition: p("s_op_done_partition"),
            owner_valid: p("m_owner_valid"),
            owner_partition: p("m_owner_partition"),
            owner_function: p("m_owner_function"),
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Event {
    Attach { f: usize, p: usize, weight: u8, slice: u16 },
    Detach { f: usize },
    Qos { f: usize, weight: u8, slice: u16 },
}

struct Bench {
    m: Model,
    io: Ports,
    rng: Rng,
    cycle: u64,
    env: Env,
    words: u64,
    /// Cycles a close takes to take effect, at most.
    drain_max: u64,
    /// If set, a close's drain is also at most this many cycles per cycle
    /// the gate was open (what the DMA fetched in the turn goes out).
    drain_per_open_cycle: Option<u64>,
    /// The event being offered to the scheduler.
    event: Option<Event>,
    default_slice: u64,
}

impl Bench {
    fn new(name: &str, partitions: usize, vfs: usize) -> Bench {
        let cfg = Config { partitions, vfs, ..Config::default() };
        let key = format!("sched-{partitions}p-{vfs}vf");
        let lib = common::model_of_modules(&key, || sched_modules(&cfg));
        let mut m = lib.instantiate(name);
        let io = Ports::of(&m);
        let rb = RegBus::new(&m, "s_reg", io.clk);
        rb.init(&mut m);
        for p in [io.ev_valid, io.closed_valid, io.wait_valid, io.op_ready, io.done_valid] {
            m.set(p, 0);
        }
        m.set("rst", 1);
        m.ticks(io.clk, 2);
        m.set("rst", 0);
        let f = cfg.functions();
        let vf = Vf { attached: None, weight: 1, slice: 0, gate: Gate::Open, work: 0, reported: false, waiting_since: None, sent: 0, opened_at: 0 };
        let env = Env {
            vfs: vec![vf; f],
            loaded: vec![None; partitions],
            owner: vec![0; partitions],
            op: None,
            reports: VecDeque::new(),
            turns: vec![0; partitions],
            owned: vec![0; f],
            owned_since: vec![0; f],
            longest_wait: 0,
            last_activity: 0,
            last_close: 0,
        };
        Bench { m, io, rng: Rng::for_test(name), cycle: 0, env, words: 16, drain_max: 40, drain_per_open_cycle: None, event: None, default_slice: DEFAULT_SLICE_RESET as u64 }
    }

    /// One clock cycle of the scheduler and its neighbours.
    fn step(&mut self) {
        let (m, io, e, now) = (&mut self.m, &self.io, &mut self.env, self.cycle);
        // ---- Inputs.
        match self.event {
            Some(ev) => {
                let (kind, f, p, w, s) = match ev {
                    Event::Attach { f, p, weight, slice } => (EV_ATTACH, f, p, weight, slice),
                    Event::Detach { f } => (EV_DETACH, f, e.vfs[f].attached.unwrap(), 0, 0),
                    Event::Qos { f, weight, slice } => (EV_QOS, f, e.vfs[f].attached.unwrap(), weight, slice),
                };
                m.set(io.ev_valid, 1);
                m.set("s_event_kind", kind);
                m.set("s_event_function", f as u64);
                m.set("s_event_partition", p as u64);
                m.set("s_event_weight", w as u64);
                m.set("s_event_slice", s as u64);
            }
            None => m.set(io.ev_valid, 0),
        }
        let closing = e.vfs.iter().position(|v| v.gate == Gate::Closing(now));
        m.set(io.closed_valid, closing.is_some() as u64);
        m.set(io.wait_valid, !e.reports.is_empty() as u64);
        m.set(io.wait_function, *e.reports.front().unwrap_or(&0) as u64);
        let op_ready = e.op.is_none() && self.rng.chance(0.7);
        m.set(io.op_ready, op_ready as u64);
        let done = e.op.filter(|o| o.0 == now);
        m.set(io.done_valid, done.is_some() as u64);
        m.set(io.done_partition, done.map(|o| o.1).unwrap_or(0) as u64);
        m.eval();

        // ---- Outputs and handshakes of this cycle.
        if let Some((_, p, code, from, to)) = done {
            match code {
                OP_SWITCH | OP_RESTORE => e.loaded[p] = Some(to),
                _ => e.loaded[p] = None,
            }
            let _ = from;
            e.op = None;
        }
        if let Some(f) = closing {
            e.vfs[f].gate = Gate::Closed;
            // An owner's close that took effect ends its owned time (the
            // context switch that follows is nobody's).
            if e.owner.contains(&f) {
                e.owned[f] += now - e.owned_since[f];
            }
        }
        if m.get(io.ev_valid) == 1 && m.get(io.ev_ready) == 1 {
            let ev = self.event.take().unwrap();
            match ev {
                Event::Attach { f, p, weight, slice } => {
                    e.vfs[f] = Vf { attached: Some(p), weight, slice, work: 0, reported: false, waiting_since: None, ..e.vfs[f].clone() };
                }
                Event::Detach { f } => {
                    e.vfs[f].attached = None;
                    e.vfs[f].work = 0;
                    e.vfs[f].waiting_since = None;
                }
                Event::Qos { f, weight, slice } => {
                    e.vfs[f].weight = weight;
                    e.vfs[f].slice = slice;
                }
            }
        }
        if m.get(io.wait_valid) == 1 && m.get(io.wait_ready) == 1 {
            e.reports.pop_front();
        }
        if m.get(io.owner_valid) == 1 {
            let (p, f) = (m.get(io.owner_partition) as usize, m.get(io.owner_function) as usize);
            if f != 0 {
                assert_eq!(e.loaded[p], Some(f), "cycle {now}: VF {f} owns partition {p}, which holds {:?}", e.loaded[p]);
                e.turns[p] += 1;
                e.owned_since[f] = now;
            }
            e.owner[p] = f;
        }

        if m.get(io.gate_valid) == 1 {
            let f = m.get(io.gate_function) as usize;
            if m.get(io.gate_open) == 1 {
                let p = e.vfs[f].attached.unwrap_or_else(|| panic!("cycle {now}: gate of VF {f} opened while it is not attached"));
                assert_eq!(e.loaded[p], Some(f), "cycle {now}: VF {f} opened on partition {p} holding {:?}'s context", e.loaded[p]);
                assert_eq!(e.owner[p], f, "cycle {now}: VF {f} opened but partition {p}'s owner is {}", e.owner[p]);
                e.vfs[f].gate = Gate::Open;
                e.vfs[f].opened_at = now;
                e.vfs[f].reported = false;
                if let Some(t) = e.vfs[f].waiting_since.take() {
                    e.longest_wait = e.longest_wait.max(now - t);
                }
            } else {
                // A close takes effect after the VF's packet in flight drains.
                // Answered in order, one per cycle, as the DMA does.
                let most = match self.drain_per_open_cycle {
                    Some(k) if e.vfs[f].gate == Gate::Open => (k * (now - e.vfs[f].opened_at)).clamp(1, self.drain_max),
                    _ => self.drain_max,
                };
                let at = (now + 1 + self.rng.below(most)).max(e.last_close + 1);
                e.last_close = at;
                e.vfs[f].gate = Gate::Closing(at);
                e.vfs[f].reported = false;
            }
        }
        if m.get(io.op_valid) == 1 && op_ready {
            let (code, p, from, to) = (m.get(io.op_code), m.get(io.op_partition) as usize, m.get(io.op_from) as usize, m.get(io.op_to) as usize);
            let owner = e.owner[p];
            if code == OP_SWITCH || code == OP_SAVE {
                assert_eq!(from, owner, "cycle {now}: op {code} on partition {p} saves VF {from}, the owner is {owner}");
                assert_eq!(e.vfs[from].gate, Gate::Closed, "cycle {now}: op {code} before VF {from}'s close took effect");
                assert_eq!(e.loaded[p], Some(from), "cycle {now}: partition {p} holds {:?}, not {from}", e.loaded[p]);
            } else {
                assert_eq!(code, OP_RESTORE, "cycle {now}: unexpected op {code}");
                assert_eq!(owner, 0, "cycle {now}: RESTORE on partition {p} owned by {owner}");
            }
            if code != OP_SAVE {
                assert_eq!(e.vfs[to].attached, Some(p), "cycle {now}: partition {p} given to VF {to}, attached to {:?}", e.vfs[to].attached);
                assert_ne!(to, 0, "cycle {now}: partition {p} given to function 0");
            }
            let time = if code == OP_SWITCH { 2 * self.words + 4 } else { self.words + 3 };
            e.op = Some((now + time + self.rng.below(8), p, code, from, to));
        }
        if [io.gate_valid, io.op_valid, io.owner_valid, io.wait_valid].iter().any(|p| m.get(*p) == 1) || e.op.is_some() {
            e.last_activity = now;
        }

        // ---- The DMA model: open VFs with work send; closed ones wait.
        for f in 1..e.vfs.len() {
            let v = &mut e.vfs[f];
            let Some(p) = v.attached else { continue };
            if v.work == 0 {
                continue;
            }
            match v.gate {
                Gate::Open => {
                    assert_eq!(e.owner[p], f, "cycle {now}: VF {f} sends on partition {p} owned by {}", e.owner[p]);
                    assert_eq!(e.loaded[p], Some(f), "cycle {now}: VF {f}'s data meets {:?}'s context", e.loaded[p]);
                    v.work -= 1;
                    v.sent += 1;
                }
                Gate::Closed if !v.reported => {
                    v.reported = true;
                    v.waiting_since.get_or_insert(now);
                    e.reports.push_back(f);
                }
                _ => {}
            }
        }
        m.tick(io.clk);
        self.cycle += 1;
    }

    /// Offers `ev` and runs until the scheduler takes it.
    fn event(&mut self, ev: Event) {
        self.event = Some(ev);
        let start = self.cycle;
        while self.event.is_some() {
            self.step();
            assert!(self.cycle - start < 20_000, "event {ev:?} not taken");
        }
    }

    fn run(&mut self, cycles: u64) {
        for _ in 0..cycles {
            self.step();
        }
    }

    /// Lets everything settle (no work, no operation, no pending close, and
    /// longer than any turn: a queued VF without work still gets its turn).
    fn settle(&mut self) {
        for v in self.env.vfs.iter_mut() {
            v.work = 0;
        }
        let start = self.cycle;
        while self.cycle - self.env.last_activity < 3000 || self.env.vfs.iter().any(|v| matches!(v.gate, Gate::Closing(_))) {
            self.step();
            assert!(
                self.cycle - start < 50_000,
                "no settling: op {:?}, reports {:?}, owners {:?}, contexts {:?}",
                self.env.op, self.env.reports, self.env.owner, self.env.loaded
            );
        }
    }

    /// Register accesses happen with the neighbours frozen: nothing may move.
    fn quiet(io: &Ports) -> impl FnMut(&Model) + '_ {
        move |m: &Model| {
            for (p, what) in [(io.gate_valid, "gate"), (io.op_valid, "op"), (io.owner_valid, "owner")] {
                assert_eq!(m.get(p), 0, "{what} activity during a register access of a settled scheduler");
            }
        }
    }

    fn read(&mut self, addr: u32) -> u32 {
        let mut rb = RegBus::new(&self.m, "s_reg", self.io.clk);
        let r = rb.read(&mut self.m, addr, &mut Self::quiet(&self.io)).expect("register bus");
        self.cycle += rb.cycles;
        assert!(!r.error, "read 0x{addr:03x} refused");
        r.rdata
    }

    fn write(&mut self, addr: u32, data: u32) -> bool {
        let mut rb = RegBus::new(&self.m, "s_reg", self.io.clk);
        let r = rb.write(&mut self.m, addr, data, &mut Self::quiet(&self.io)).expect("register bus");
        self.cycle += rb.cycles;
        !r.error
    }

    /// The window's counters against the models' tallies.
    fn check_counters(&mut self, partitions: usize) {
        self.settle();
        // Close the books of the current owners as the hardware will not.
        for p in 0..partitions {
            self.write(PART_SEL, p as u32);
            let switches = self.read(PART_SWITCHES);
            assert_eq!(switches as u64, self.env.turns[p], "PART_SWITCHES of partition {p}");
            let sched = self.read(PART_SCHED);
            assert_eq!((sched & 0x7ff) as usize, self.env.owner[p], "PART_SCHED.owner of partition {p}");
        }
        for f in 1..self.env.vfs.len() {
            self.write(VF_SEL, f as u32);
            let owned = self.read(VF_OWNED) as u64;
            // Finished turns only; the hardware counts from one cycle to the
            // model's owner write (a cycle or two apart per turn).
            let model = self.env.owned[f];
            assert!(owned.abs_diff(model) <= 4 * self.env.turns.iter().sum::<u64>().max(1), "VF_OWNED of VF {f}: {owned}, model {model}");
        }
    }
}

#[test]
fn registers_reset_and_access() {
    let mut b = Bench::new("registers_reset_and_access", 2, 8);
    b.run(20);
    assert_eq!(b.read(SCHED_ID), SCHED_ID_VALUE);
    assert_eq!(b.read(DEFAULT_SLICE), DEFAULT_SLICE_RESET);
    assert!(!b.write(DEFAULT_SLICE, 0), "a zero slice must be refused");
    assert_eq!(b.read(DEFAULT_SLICE), DEFAULT_SLICE_RESET);
    assert!(b.write(DEFAULT_SLICE, 300));
    assert_eq!(b.read(DEFAULT_SLICE), 300);
    assert!(!b.write(PART_SWITCHES, 1), "read-only");
    assert!(!b.write(SCHED_ID, 1), "read-only");
    let mut rb = RegBus::new(&b.m, "s_reg", b.io.clk);
    let r = rb.access(&mut b.m, false, 3, SCHED_ID, 0, 0, &mut |_| {}).unwrap();
    assert!(r.error, "a VF must not reach the scheduler");
    let r = rb.access(&mut b.m, false, 0, 0x7f0, 0, 0, &mut |_| {}).unwrap();
    assert!(r.error, "unmapped offset");
    for p in 0..2 {
        b.write(PART_SEL, p);
        assert_eq!(b.read(PART_SWITCHES), 0);
        assert_eq!(b.read(PART_SCHED), 0);
    }
}

/// Random attaches, detaches, QoS changes and work on 4 partitions and 16 VFs.
#[test]
fn random_sharing_never_mixes_contexts_and_never_starves() {
    let (np, nv) = (4, 16);
    let mut b = Bench::new("random_sharing_never_mixes_contexts_and_never_starves", np, nv);
    b.write(DEFAULT_SLICE, 200);
    b.default_slice = 200;
    b.run(40);
    let mut max_turn = 0u64;
    for round in 0..60 {
        let f = 1 + b.rng.below(nv as u64) as usize;
        let ev = match b.env.vfs[f].attached {
            None => {
                // Mostly two partitions, so that several VFs share each.
                let p = if b.rng.chance(0.8) { b.rng.below(2) as usize } else { b.rng.below(np as u64) as usize };
                let weight = 1 + b.rng.below(3) as u8;
                let slice = if b.rng.chance(0.5) { 0 } else { 50 + b.rng.below(200) as u16 };
                Event::Attach { f, p, weight, slice }
            }
            Some(_) if b.rng.chance(0.3) => Event::Detach { f },
            Some(_) => Event::Qos { f, weight: 1 + b.rng.below(3) as u8, slice: b.rng.below(300) as u16 },
        };
        if let Event::Attach { weight, slice, .. } | Event::Qos { weight, slice, .. } = ev {
            let s = if slice == 0 { b.default_slice } else { slice as u64 };
            max_turn = max_turn.max(weight as u64 * s);
        }
        b.event(ev);
        // A VM has work only once its ATTACH answered (the gate is closed by then).
        b.run(8);
        for v in b.env.vfs.iter_mut().skip(1) {
            if v.attached.is_some() && b.rng.chance(0.5) {
                v.work += b.rng.range(1..800);
            }
        }
        let t = 200 + b.rng.below(1500);
        b.run(t);
        if round % 20 == 19 {
            b.check_counters(np);
        }
    }
    // A waiting VF is served after at most the turns of the others on its
    // partition (16 VFs at most) plus their switches.
    let bound = nv as u64 * (max_turn + 2 * b.words + 100);
    println!("longest wait {} cycles (bound {bound}), turns {:?}", b.env.longest_wait, b.env.turns);
    assert!(b.env.longest_wait <= bound, "a VF waited {} cycles", b.env.longest_wait);
    assert!(b.env.turns.iter().sum::<u64>() > 50, "too few turns to mean anything: {:?}", b.env.turns);
    b.check_counters(np);
}

/// VF 1 (weight 1) and VF 2 (weight 3) on partition 0, slices of 256
/// cycles, both with endless work.
fn attach_busy_one_to_three(b: &mut Bench) {
    b.run(20);
    b.event(Event::Attach { f: 1, p: 0, weight: 1, slice: 256 });
    b.event(Event::Attach { f: 2, p: 0, weight: 3, slice: 256 });
    b.run(8);
    b.env.vfs[1].work = u64::MAX / 2;
    b.env.vfs[2].work = u64::MAX / 2;
}

/// Weights 1:3 on one partition, both VFs always busy: shares 25 % / 75 %.
#[test]
fn weights_one_to_three_share_within_five_percent() {
    let mut b = Bench::new("weights_one_to_three_share_within_five_percent", 1, 4);
    attach_busy_one_to_three(&mut b);
    b.run(60_000);
    let (a, c) = (b.env.vfs[1].sent as f64, b.env.vfs[2].sent as f64);
    let share = c / (a + c);
    println!("VF1 sent {a}, VF2 sent {c}: VF2's share {share:.4} (configured 0.75), partition busy {:.3}", (a + c) / 60_000.0);
    assert!((share - 0.75).abs() < 0.05 * 0.75, "weights 1:3 gave a share of {share}");
    b.check_counters(1);
    let owned: BTreeMap<usize, u64> = (1..3).map(|f| (f, b.env.owned[f])).collect();
    println!("owned cycles {owned:?}");
}

/// Weights 1:3 when a close's drain (the packets the DMA had fetched) lasts
/// longer than a slice, as behind a slow accelerator: the drains are each
/// VF's debt, paid from its next turns (a turn the debt covers is skipped),
/// so the time each VF owns still follows the weights.
/// A drain is at most 4 cycles per cycle the turn ran (up to 2048), as the
/// DMA's: a turn cut to one cycle fetched almost nothing. (If even such a
/// turn drained for longer than a slice, no turn length could pay it.)
#[test]
fn weights_hold_when_drains_outlast_slices() {
    let mut b = Bench::new("weights_hold_when_drains_outlast_slices", 1, 4);
    b.drain_max = 2048;
    b.drain_per_open_cycle = Some(4);
    attach_busy_one_to_three(&mut b);
    b.run(10_000);
    let before = b.env.owned.clone();
    b.run(200_000);
    let (a, c) = ((b.env.owned[1] - before[1]) as f64, (b.env.owned[2] - before[2]) as f64);
    let share = c / (a + c);
    println!("VF1 owned {a} cycles, VF2 {c}: VF2's share {share:.4} (configured 0.75), turns {:?}", b.env.turns);
    assert!((share - 0.75).abs() < 0.05 * 0.75, "weights 1:3 with long drains gave a share of {share}");
    b.check_counters(1);
}

/// Timing rule: no output of `sched` follows an input within a cycle (events,
/// the DMA's reports, ctx's answers, the register bus).
#[test]
fn no_combinational_path_from_inputs_to_outputs() {
    let cfg = Config { partitions: 3, vfs: 6, ..Config::default() };
    let lib = common::model_of_modules("sched-3p-6vf", || sched_modules(&cfg));
    let mut m = lib.instantiate("sched_boundary");
    let mut rng = Rng::for_test("sched_no_combinational_path_from_inputs_to_outputs");
    let (inputs, outputs) = (common::boundary::all_inputs(&m), common::boundary::all_outputs(&m));
    common::boundary::check_no_input_to_output_path(&mut m, &inputs, &outputs, &mut rng, 3, 5000, &mut common::boundary::unshaped)
        .unwrap_or_else(|e| panic!("{e}"));
}
