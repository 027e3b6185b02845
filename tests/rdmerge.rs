//! The read merge (`hdl/src/rdmerge.rs`, `vfpga_read_merge`), simulated on
//! its emitted Verilog: two random read masters (random bursts of 1-32
//! beats, random addresses, random gaps on AR and R) on an in-order slave
//! with random latency and gaps; every AR reaches the slave unchanged and in
//! its master's order, every R beat reaches the master that asked, with the
//! data of its address (the slave's data is a function of the address),
//! its response and `rlast`. The valid/ready rules are checked every cycle on
//! all six channels of the three ports. Also: a fair share of the AR grants
//! when both masters always wait, one burst per cycle at full rate, at most
//! 62 bursts in flight, and no combinational path from an input to an output.

mod common;

use std::collections::VecDeque;
use vfpga::blocks::rdmerge::read_merge_modules;
use vfpga::config::Config;
use vfpga_sim::axicheck::HandshakeChecker;
use vfpga_sim::{Model, PortId, Rng};

fn model(dw: usize, name: &str) -> Model {
    let cfg = Config { data_width: dw, ..Config::default() };
    common::model_of_modules(&format!("rdmerge-{dw}"), || read_merge_modules(&cfg)).instantiate(name)
}

/// The two slave ports of the merge: 0 the DMA's data reads, 1 its descriptor reads.
const PORTS: [&str; 2] = ["s_axi_data", "s_axi_desc"];
/// Address bit that says which master a burst is from (checked by the slave).
const OWNER_BIT: u32 = 48;
const AR_FIELDS: [&str; 5] = ["araddr", "arlen", "arsize", "arburst", "aruser"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Ar {
    addr: u64,
    len: u64,
    size: u64,
    burst: u64,
    user: u64,
}

impl Ar {
    fn of(m: &Model, p: &[PortId; 5]) -> Ar {
        Ar { addr: m.get(p[0]), len: m.get(p[1]), size: m.get(p[2]), burst: m.get(p[3]), user: m.get(p[4]) }
    }
    fn set(&self, m: &mut Model, p: &[PortId; 5]) {
        for (port, v) in p.iter().zip([self.addr, self.len, self.size, self.burst, self.user]) {
            m.set(*port, v);
        }
    }
}

/// The AR and R ports of one side of the merge (`prefix`: `m_axi` or a slave port).
struct Ports {
    ar: [PortId; 5],
    arvalid: PortId,
    arready: PortId,
    rvalid: PortId,
    rready: PortId,
    rdata: PortId,
    rresp: PortId,
    rlast: PortId,
    /// Bytes and 32-bit words of a beat.
    bytes: u64,
    words: usize,
}

impl Ports {
    fn new(m: &Model, prefix: &str) -> Ports {
        let p = |s: &str| m.port(&format!("{prefix}_{s}"));
        Ports {
            ar: AR_FIELDS.map(p),
            arvalid: p("arvalid"),
            arready: p("arready"),
            rvalid: p("rvalid"),
            rready: p("rready"),
            rdata: p("rdata"),
            rresp: p("rresp"),
            rlast: p("rlast"),
            bytes: m.port_width(p("rdata")) as u64 / 8,
            words: m.port_words(p("rdata")),
        }
    }
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The slave's data for the beat at `addr`: a function of the address only.
fn beat_data(addr: u64, words: usize) -> Vec<u32> {
    (0..words as u64).map(|i| mix(addr.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ i) as u32).collect()
}

/// The slave's response for the beat at `addr` (all four codes occur).
fn beat_resp(addr: u64) -> u64 {
    mix(addr ^ 0x5bd1_e995) & 3
}

/// Traffic of one phase: valid/ready probabilities and burst lengths.
#[derive(Clone, Copy, Debug)]
struct Phase {
    /// Masters: probability of presenting the next burst (per cycle) and of `rready`.
    ar_valid: f64,
    r_ready: f64,
    /// Slave: probability of `arready`, and of `rvalid` once a beat is due.
    ar_ready: f64,
    r_valid: f64,
    /// Slave latency (cycles from AR to the first beat may be due).
    latency: (u64, u64),
    /// Burst lengths, per master (beats, inclusive).
    beats: [(u64, u64); 2],
}

/// One random read master on a slave port of the merge.
struct Master {
    port: usize,
    p: Ports,
    rng: Rng,
    todo: VecDeque<Ar>,
    showing: Option<Ar>,
    r_on: bool,
    /// Bursts accepted by the merge, for the slave's check (in order).
    sent: VecDeque<Ar>,
    /// Bursts accepted, with the beats received so far.
    waiting: VecDeque<(Ar, u64)>,
    pub granted: u64,
    pub beats: u64,
}

impl Master {
    fn new(m: &Model, port: usize, rng: Rng) -> Master {
        Master {
            port,
            p: Ports::new(m, PORTS[port]),
            rng,
            todo: VecDeque::new(),
            showing: None,
            r_on: false,
            sent: VecDeque::new(),
            waiting: VecDeque::new(),
            granted: 0,
            beats: 0,
        }
    }

    /// A random burst of `beats` (a range) within one 4 KiB page, tagged with the master.
    fn random_burst(&mut self, beats: (u64, u64)) -> Ar {
        let n = self.rng.range(beats.0..beats.1 + 1);
        let slots = 4096 / self.p.bytes - n + 1;
        let addr = ((self.port as u64) << OWNER_BIT) | (self.rng.below(1 << 30) << 12) | (self.rng.below(slots) * self.p.bytes);
        Ar { addr, len: n - 1, size: self.p.bytes.trailing_zeros() as u64, burst: 1, user: self.rng.below(1 << 11) }
    }

    fn queue(&mut self, bursts: usize, beats: (u64, u64)) {
        for _ in 0..bursts {
            let b = self.random_burst(beats);
            self.todo.push_back(b);
        }
    }

    fn idle(&self) -> bool {
        self.todo.is_empty() && self.showing.is_none() && self.waiting.is_empty()
    }

    fn drive(&mut self, m: &mut Model, ph: &Phase) {
        if self.showing.is_none() && !self.todo.is_empty() && self.rng.chance(ph.ar_valid) {
            self.showing = self.todo.pop_front();
        }
        match self.showing {
            Some(ar) => ar.set(m, &self.p.ar),
            // Garbage while not valid: the merge must not take it.
            None => Ar { addr: self.rng.next_u64(), len: self.rng.below(256), size: 7, burst: 3, user: 0x7ff }.set(m, &self.p.ar),
        }
        m.set(self.p.arvalid, self.showing.is_some() as u64);
        self.r_on = self.rng.chance(ph.r_ready);
        m.set(self.p.rready, self.r_on as u64);
    }

    /// This cycle's handshakes (after `eval`): the AR taken, the R beat checked.
    fn sample(&mut self, m: &Model) -> Result<(), String> {
        let name = PORTS[self.port];
        if let Some(ar) = self.showing {
            if m.get_bool(self.p.arready) {
                self.showing = None;
                self.sent.push_back(ar);
                self.waiting.push_back((ar, 0));
                self.granted += 1;
            }
        }
        if m.get_bool(self.p.rvalid) && self.r_on {
            let Some((ar, k)) = self.waiting.front_mut() else {
                return Err(format!("{name}: R beat with no burst outstanding"));
            };
            let a = ar.addr + *k * self.p.bytes;
            let (data, resp, last) = (m.get_words(self.p.rdata), m.get(self.p.rresp), m.get_bool(self.p.rlast));
            if data != beat_data(a, self.p.words) {
                return Err(format!("{name}: beat {k} of the burst at {:#x} (len {}): wrong data", ar.addr, ar.len));
            }
            if resp != beat_resp(a) {
                return Err(format!("{name}: beat {k} of the burst at {:#x}: rresp {resp}, expected {}", ar.addr, beat_resp(a)));
            }
            if last != (*k == ar.len) {
                return Err(format!("{name}: beat {k} of the burst at {:#x} (len {}): rlast {}", ar.addr, ar.len, last as u8));
            }
            *k += 1;
            self.beats += 1;
            if last {
                self.waiting.pop_front();
            }
        }
        Ok(())
    }
}

/// An in-order AXI4 read slave on the merge's `m_axi_*` port.
struct Slave {
    p: Ports,
    rng: Rng,
    cycle: u64,
    ar_on: bool,
    /// Bursts accepted: (burst, cycle its first beat may be due), and the beat of the head.
    bursts: VecDeque<(Ar, u64)>,
    beat: u64,
    r_on: bool,
    /// Most bursts in flight at once.
    pub most: usize,
    /// Bursts accepted, by master.
    pub taken: [u64; 2],
}

impl Slave {
    fn new(m: &Model, rng: Rng) -> Slave {
        Slave {
            p: Ports::new(m, "m_axi"),
            rng,
            cycle: 0,
            ar_on: false,
            bursts: VecDeque::new(),
            beat: 0,
            r_on: false,
            most: 0,
            taken: [0; 2],
        }
    }

    fn drive(&mut self, m: &mut Model, ph: &Phase) {
        self.ar_on = self.rng.chance(ph.ar_ready);
        m.set(self.p.arready, self.ar_on as u64);
        // Once up, rvalid stays up with the same beat until rready.
        if !self.r_on {
            self.r_on = matches!(self.bursts.front(), Some((_, due)) if *due <= self.cycle) && self.rng.chance(ph.r_valid);
        }
        if self.r_on {
            let (ar, _) = self.bursts[0];
            let a = ar.addr + self.beat * self.p.bytes;
            m.set_words(self.p.rdata, &beat_data(a, self.p.words));
            m.set(self.p.rresp, beat_resp(a));
            m.set(self.p.rlast, (self.beat == ar.len) as u64);
        } else {
            let junk: Vec<u32> = (0..self.p.words).map(|_| self.rng.next_u32()).collect();
            m.set_words(self.p.rdata, &junk);
            m.set(self.p.rresp, self.rng.below(4));
            m.set(self.p.rlast, self.rng.below(2));
        }
        m.set(self.p.rvalid, self.r_on as u64);
    }

    /// This cycle's handshakes (after `eval`): an AR checked against its
    /// master's next burst, an R beat sent.
    fn sample(&mut self, m: &Model, masters: &mut [Master; 2], ph: &Phase) -> Result<(), String> {
        if m.get_bool(self.p.arvalid) && self.ar_on {
            let ar = Ar::of(m, &self.p.ar);
            let who = ((ar.addr >> OWNER_BIT) & 1) as usize;
            match masters[who].sent.pop_front() {
                Some(want) if want == ar => {}
                want => return Err(format!("m_axi: AR {ar:x?} of master {who}, whose next burst is {want:x?}")),
            }
            self.taken[who] += 1;
            let due = self.cycle + self.rng.range(ph.latency.0..ph.latency.1 + 1);
            self.bursts.push_back((ar, due));
            self.most = self.most.max(self.bursts.len());
        }
        if self.r_on && m.get_bool(self.p.rready) {
            self.r_on = false;
            if self.beat == self.bursts[0].0.len {
                self.bursts.pop_front();
                self.beat = 0;
            } else {
                self.beat += 1;
            }
        }
        self.cycle += 1;
        Ok(())
    }
}

/// The valid/ready rules on every channel of the three ports: the merge's
/// outputs (AR to the slave, R to each master) and the testbench's.
fn checkers(m: &Model) -> Vec<HandshakeChecker> {
    let mut v = Vec::new();
    for p in ["m_axi", PORTS[0], PORTS[1]] {
        let f = |s: &str| format!("{p}_{s}");
        let ar: Vec<String> = AR_FIELDS.iter().map(|s| f(s)).collect();
        let ar: Vec<&str> = ar.iter().map(|s| s.as_str()).collect();
        v.push(HandshakeChecker::new(m, &f("ar"), &f("arvalid"), &f("arready"), &ar));
        v.push(HandshakeChecker::new(m, &f("r"), &f("rvalid"), &f("rready"), &[&f("rdata"), &f("rresp"), &f("rlast")]));
    }
    v
}

fn reset(m: &mut Model) {
    let clk = m.port("clk");
    for p in ["m_axi_rvalid", "m_axi_arready", "s_axi_data_arvalid", "s_axi_desc_arvalid", "s_axi_data_rready", "s_axi_desc_rready"] {
        m.set(p, 0);
    }
    m.set("rst", 1);
    m.ticks(clk, 3);
    m.set("rst", 0);
}

/// Runs `ph` until both masters are done and idle (or for `cycles` if
/// given, masters never running dry); returns the cycles taken.
fn run(
    m: &mut Model,
    masters: &mut [Master; 2],
    slave: &mut Slave,
    chk: &mut [HandshakeChecker],
    ph: &Phase,
    cycles: Option<u64>,
) -> u64 {
    let clk = m.port("clk");
    let mut n = 0;
    loop {
        match cycles {
            Some(c) if n == c => break,
            None if masters.iter().all(|x| x.idle()) && slave.bursts.is_empty() => break,
            _ => {}
        }
        for x in masters.iter_mut() {
            if cycles.is_some() && x.todo.len() < 4 {
                x.queue(16, ph.beats[x.port]);
            }
            x.drive(m, ph);
        }
        slave.drive(m, ph);
        m.eval();
        for c in chk.iter_mut() {
            c.check(m).unwrap_or_else(|e| panic!("cycle {n}: {e}"));
        }
        for x in masters.iter_mut() {
            x.sample(m).unwrap_or_else(|e| panic!("cycle {n}: {e}"));
        }
        slave.sample(m, masters, ph).unwrap_or_else(|e| panic!("cycle {n}: {e}"));
        m.tick(clk);
        n += 1;
        assert!(n < 2_000_000, "read merge: traffic stopped ({ph:?})");
    }
    n
}

fn random_traffic(dw: usize) {
    let name = format!("rdmerge_random_traffic_{dw}");
    let mut m = model(dw, &name);
    reset(&mut m);
    let mut rng = Rng::for_test(&name);
    let mut chk = checkers(&m);
    let full = (1, 32);
    let phases = [
        // Full rate everywhere.
        Phase { ar_valid: 1.0, r_ready: 1.0, ar_ready: 1.0, r_valid: 1.0, latency: (1, 4), beats: [full, full] },
        // Random gaps on every channel, the DMA's mix of lengths.
        Phase { ar_valid: 0.5, r_ready: 0.7, ar_ready: 0.6, r_valid: 0.7, latency: (1, 30), beats: [full, (1, 2)] },
        Phase { ar_valid: 0.3, r_ready: 0.8, ar_ready: 0.8, r_valid: 0.5, latency: (1, 60), beats: [full, full] },
        // Masters slow to take R: the merge's R side backs up.
        Phase { ar_valid: 0.9, r_ready: 0.3, ar_ready: 0.9, r_valid: 0.9, latency: (1, 10), beats: [full, (1, 2)] },
        // A slow slave under short bursts: the route FIFO fills up.
        Phase { ar_valid: 1.0, r_ready: 0.9, ar_ready: 1.0, r_valid: 0.1, latency: (20, 80), beats: [(1, 3), (1, 2)] },
    ];
    let mut most = 0;
    for (i, ph) in phases.iter().enumerate() {
        let mut masters = [Master::new(&m, 0, rng.fork()), Master::new(&m, 1, rng.fork())];
        let mut slave = Slave::new(&m, rng.fork());
        for x in masters.iter_mut() {
            x.queue(250, ph.beats[x.port]);
        }
        let cycles = run(&mut m, &mut masters, &mut slave, &mut chk, ph, None);
        for x in &masters {
            assert_eq!(x.granted, 250, "phase {i}: {} bursts of {} taken", x.granted, PORTS[x.port]);
            assert!(x.sent.is_empty(), "phase {i}: {} bursts of {} never reached the slave", x.sent.len(), PORTS[x.port]);
        }
        assert_eq!(slave.taken, [250, 250], "phase {i}");
        assert!(slave.most <= 62, "phase {i}: {} bursts in flight, more than the route FIFO's 62", slave.most);
        eprintln!(
            "{name}: phase {i}: {} + {} beats in {cycles} cycles, at most {} bursts in flight",
            masters[0].beats, masters[1].beats, slave.most
        );
        if i == 0 {
            let beats = masters[0].beats + masters[1].beats;
            assert!(beats * 100 >= cycles * 90, "phase 0: {beats} beats in {cycles} cycles at full rate");
        }
        most = most.max(slave.most);
    }
    assert!(most >= 60, "the slow-slave phase never filled the route FIFO (at most {most} bursts in flight)");
}

#[test]
fn random_traffic_64() {
    random_traffic(64);
}

#[test]
fn random_traffic_512() {
    random_traffic(512);
}

/// Both masters always waiting with a burst: each gets at least 40 % of the
/// AR grants (round robin: half each), with long bursts (the R side sets the
/// pace) and with 1-beat bursts (one burst per cycle in all).
#[test]
fn both_masters_always_waiting_share_the_port_fairly() {
    let mut m = model(64, "rdmerge_fair_share");
    reset(&mut m);
    let mut rng = Rng::for_test("rdmerge_fair_share");
    let mut chk = checkers(&m);
    for beats in [(1, 32), (1, 1), (32, 32)] {
        let ph = Phase { ar_valid: 1.0, r_ready: 1.0, ar_ready: 1.0, r_valid: 1.0, latency: (1, 1), beats: [beats, (1, 1)] };
        let mut masters = [Master::new(&m, 0, rng.fork()), Master::new(&m, 1, rng.fork())];
        let mut slave = Slave::new(&m, rng.fork());
        let cycles = 4000;
        run(&mut m, &mut masters, &mut slave, &mut chk, &ph, Some(cycles));
        let (d, r) = (masters[0].granted, masters[1].granted);
        eprintln!("rdmerge_fair_share: data bursts of {beats:?} beats: {d} data and {r} descriptor bursts in {cycles} cycles");
        assert!(d * 10 >= (d + r) * 4 && r * 10 >= (d + r) * 4, "unfair: {d} data and {r} descriptor bursts");
        if beats == (1, 1) {
            assert!(d + r >= cycles * 9 / 10, "{} bursts in {cycles} cycles: not one per cycle", d + r);
        }
        // Drain before the next round (masters stop issuing).
        for x in masters.iter_mut() {
            x.todo.clear();
        }
        run(&mut m, &mut masters, &mut slave, &mut chk, &ph, None);
    }
}

/// DESIGN.md's timing rule: with random inputs between two evaluations and
/// no clock edge, no output moves.
#[test]
fn no_combinational_path_from_any_input_to_any_output() {
    for dw in [64, 512] {
        let mut m = model(dw, &format!("rdmerge_boundary_{dw}"));
        let mut rng = Rng::for_test(&format!("rdmerge_no_combinational_path_{dw}"));
        let inputs = common::boundary::all_inputs(&m);
        common::boundary::assert_no_combinational_path(&mut m, &inputs, &mut rng, 5000);
    }
}
