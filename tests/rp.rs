//! Reconfigurable partitions end to end, on the emitted Verilog of the
//! simulation subsystem (`vfpga_rps_sim`: prc, partition wrappers, every RM
//! behind a select, configuration-port model), with the host memory modelled
//! in Rust (`vfpga::bench::load::RpsSim`): LOADs under traffic in the other
//! partitions (scoreboard, protocol checked every cycle; some packets cut
//! short, flagged on `tuser`), safety of a
//! decoupled partition whatever its RM drives, forced decoupling mid-packet,
//! and every kind of failed LOAD followed by a good one.

mod common;

use std::collections::VecDeque;
use std::path::PathBuf;
use vfpga::bench::load::{model, place_bitstream, HostMem, RpsSim, Traffic};
use vfpga::bitstream;
use vfpga::config::Config;
use vfpga_hdl::accel::{CRC32_ID, KXOR_ID, PASSTHROUGH_ID};
use vfpga_hdl::partition::sim_rp::RP_GARBAGE;
use vfpga_hdl::prc::regs::{offset, status_code};
use vfpga_sim::{AxisChecker, AxisSink, AxisSource, Model, Packet, Rng};

use common::rm_ref::{CrcRef, KxorRef, PassRef, Reference};

const PARTITIONS: usize = 3;
const BASE: u64 = 0x8_0000_0000;
const DRAIN_LIMIT: u64 = 300;

fn cfg() -> Config {
    Config { partitions: PARTITIONS, drain_limit: DRAIN_LIMIT, ..Config::default() }
}

fn reference(acc: u32) -> Box<dyn Reference> {
    match acc {
        PASSTHROUGH_ID => Box::new(PassRef),
        CRC32_ID => Box::new(CrcRef),
        KXOR_ID => Box::new(KxorRef),
        _ => panic!("no reference for {acc:#x}"),
    }
}

/// Select value of each accelerator in the simulated RP.
fn select_of(acc: u32) -> u64 {
    match acc {
        PASSTHROUGH_ID => 1,
        CRC32_ID => 2,
        KXOR_ID => 3,
        _ => panic!(),
    }
}

/// Host address of the bitstream of (acc, partition).
fn addr_of(acc: u32, p: usize) -> u64 {
    let a = match acc {
        PASSTHROUGH_ID => 0,
        CRC32_ID => 1,
        KXOR_ID => 2,
        _ => 3,
    };
    // 64 KiB apart, starting 0x7F0 into a page so bursts cross 4 KiB boundaries.
    BASE + ((a * PARTITIONS + p) as u64) * 0x1_0000 + 0x7F0
}

/// Per-partition streams, their expected outputs, and the checks made every
/// cycle: the AXI4-Stream protocol on every port, and, for a decoupled
/// partition, that nothing from its RM reaches the static side.
struct Streams {
    srcs: Vec<AxisSource>,
    sinks: Vec<AxisSink>,
    checkers: Vec<AxisChecker>,
    expected: Vec<VecDeque<Vec<u8>>>,
    /// The RM each partition holds (for expected outputs) and its context.
    rm: Vec<Option<(Box<dyn Reference>, Vec<u32>)>>,
    /// Partitions that may show a forced-decoupling clean-up (flush, closing beat).
    cleanup_allowed: Vec<bool>,
    /// Partitions that must never be decoupled in this phase.
    must_stay_coupled: Vec<bool>,
    /// Cycles seen decoupled, per partition.
    decoupled_cycles: Vec<u64>,
    beat_bytes: usize,
    /// Probability that a packet pushed arrives cut short (`tuser` with
    /// `tlast`), as the DMA ends a packet whose host read was refused.
    cut_prob: f64,
    /// Cut packets pushed.
    cuts: usize,
    rng: Rng,
}

impl Streams {
    fn new(m: &Model, rng: &mut Rng) -> Streams {
        let mut checkers = Vec::new();
        for i in 0..PARTITIONS {
            checkers.push(AxisChecker::new(m, &format!("s_axis_h2c_p{i}")));
            checkers.push(AxisChecker::new(m, &format!("m_axis_c2h_p{i}")));
        }
        Streams {
            srcs: (0..PARTITIONS).map(|i| AxisSource::new(m, &format!("s_axis_h2c_p{i}"), rng.fork()).with_valid_prob(0.8)).collect(),
            sinks: (0..PARTITIONS).map(|i| AxisSink::new(m, &format!("m_axis_c2h_p{i}"), rng.fork()).with_ready_prob(0.7)).collect(),
            checkers,
            expected: vec![VecDeque::new(); PARTITIONS],
            rm: (0..PARTITIONS).map(|_| None).collect(),
            cleanup_allowed: vec![false; PARTITIONS],
            must_stay_coupled: vec![false; PARTITIONS],
            decoupled_cycles: vec![0; PARTITIONS],
            beat_bytes: 8,
            cut_prob: 0.0,
            cuts: 0,
            rng: rng.fork(),
        }
    }

    /// The partition now holds `acc`, freshly reset.
    fn loaded(&mut self, p: usize, acc: u32) {
        let r = reference(acc);
        let ctx = r.reset_ctx();
        self.rm[p] = Some((r, ctx));
    }

    /// Queues a random packet into partition `p` and its expected outputs.
    fn push(&mut self, p: usize) {
        let len = self.rng.range_usize(1..5 * self.beat_bytes);
        let data = self.rng.bytes(len);
        let (r, ctx) = self.rm[p].as_mut().expect("no RM to predict");
        if self.rng.chance(self.cut_prob) {
            self.expected[p].extend(r.cut(ctx, &data, self.beat_bytes));
            self.srcs[p].push(Packet::new(data).tuser(1));
            self.cuts += 1;
        } else {
            self.expected[p].extend(r.process(ctx, &data, self.beat_bytes));
            self.srcs[p].push(Packet::new(data));
        }
    }

    fn outstanding(&self, p: usize) -> usize {
        self.expected[p].len() + self.srcs[p].pending()
    }
}

impl Traffic for Streams {
    fn drive(&mut self, m: &mut Model) {
        for i in 0..PARTITIONS {
            self.srcs[i].drive(m);
            self.sinks[i].drive(m);
        }
    }

    fn sample(&mut self, m: &Model, cycle: u64) {
        for i in 0..PARTITIONS {
            self.srcs[i].sample(m);
            self.sinks[i].sample(m);
        }
        for c in &mut self.checkers {
            c.check(m).unwrap_or_else(|e| panic!("cycle {cycle}: {e}"));
        }
        for i in 0..PARTITIONS {
            let dec = m.get(format!("decoupled_p{i}").as_str()) == 1;
            if dec {
                self.decoupled_cycles[i] += 1;
                assert!(!self.must_stay_coupled[i], "cycle {cycle}: partition {i} decoupled during another partition's LOAD");
                if !self.cleanup_allowed[i] {
                    assert_eq!(m.get(format!("m_axis_c2h_p{i}_tvalid").as_str()), 0, "cycle {cycle}: decoupled partition {i} offers C2H data");
                    assert_eq!(m.get(format!("s_axis_h2c_p{i}_tready").as_str()), 0, "cycle {cycle}: decoupled partition {i} takes H2C data");
                }
                assert_eq!(m.get(format!("ctx_p{i}_rdata").as_str()), 0, "cycle {cycle}: decoupled partition {i} leaks context reads");
            }
        }
    }

    fn after(&mut self, _m: &Model, cycle: u64) {
        for i in 0..PARTITIONS {
            if self.cleanup_allowed[i] {
                continue; // its packets are checked by the test itself
            }
            while let Some(pkt) = self.sinks[i].pop() {
                let want = self.expected[i].pop_front().unwrap_or_else(|| panic!("cycle {cycle}: partition {i}: unexpected packet {pkt:?}"));
                assert_eq!(pkt.data, want, "cycle {cycle}: partition {i}: wrong output");
            }
        }
    }
}

struct Bench {
    sim: RpsSim,
    t: Streams,
    /// Which (acc, partition) each slot holds, as software would track it.
    slots: Vec<Option<(u32, usize)>>,
    next_slot: usize,
}

fn cache() -> Option<PathBuf> {
    Some(PathBuf::from(env!("CARGO_TARGET_TMPDIR")))
}

impl Bench {
    fn new(name: &str) -> Bench {
        let lib = model(&cfg(), cache()).unwrap_or_else(|e| panic!("{e}"));
        let mut rng = Rng::for_test(name);
        let mut mem = HostMem::new(BASE, 0x20_0000, 40);
        mem.gap_prob = 0.1;
        let sim = RpsSim::new(&lib, name, PARTITIONS, mem, rng.fork());
        let t = Streams::new(&sim.m, &mut rng);
        let mut b = Bench { sim, t, slots: vec![None; vfpga_hdl::prc::regs::SLOTS], next_slot: 0 };
        b.sim.reset();
        b
    }

    /// Places the bitstream of (acc, p) with `words` payload words; returns its bytes.
    fn place(&mut self, acc: u32, p: usize, words: usize) -> u32 {
        place_bitstream(&mut self.sim.mem, addr_of(acc, p), acc, p as u32, words)
    }

    /// Registers (acc, p) -> bytes at `addr`: in the slot that already holds
    /// (acc, p), else in the next one round robin.
    fn register(&mut self, acc: u32, p: usize, addr: u64, bytes: u32) {
        let k = match self.slots.iter().position(|s| *s == Some((acc, p))) {
            Some(k) => k,
            None => {
                let k = self.next_slot % self.slots.len();
                self.next_slot += 1;
                k
            }
        };
        self.slots[k] = Some((acc, p));
        self.sim.set_slot(&mut self.t, k, acc, p as u32, addr, bytes);
    }

    /// A good LOAD: place, register, load, check it answered OK and shows.
    fn load_ok(&mut self, acc: u32, p: usize) -> u64 {
        let words = 200 + self.t.rng.range_usize(0..400);
        let bytes = self.place(acc, p, words);
        self.register(acc, p, addr_of(acc, p), bytes);
        let d = self.sim.load(&mut self.t, acc, p as u32);
        assert_eq!((d.partition, d.status), (p as u32, 0), "LOAD({acc:#x}, {p})");
        self.t.loaded(p, acc);
        assert_eq!(self.sim.m.get(format!("rm_select_p{p}").as_str()), select_of(acc));
        assert_eq!(self.sim.m.get(format!("decoupled_p{p}").as_str()), 0, "recoupled after OK");
        self.sim.write(&mut self.t, offset("part_sel"), p as u32);
        let st = self.sim.read(&mut self.t, offset("part_status"));
        assert_eq!(st & 0xF, 0b1000, "part_status of {p}: loaded, not decoupled/failed/loading");
        assert_eq!(self.sim.read(&mut self.t, offset("part_acc_id")), acc);
        d.cycles
    }

    /// Runs until every partition has sent and received everything queued.
    fn drain_all(&mut self, limit: u64) {
        let start = self.sim.cycle;
        while (0..PARTITIONS).any(|p| self.t.outstanding(p) > 0) {
            self.sim.cycle(&mut self.t);
            assert!(self.sim.cycle - start < limit, "traffic stuck: {:?}", (0..PARTITIONS).map(|p| self.t.outstanding(p)).collect::<Vec<_>>());
        }
    }

    /// Keeps partitions `ps` busy: tops their input queues up.
    fn feed(&mut self, ps: &[usize]) {
        for &p in ps {
            while self.t.srcs[p].pending() < 3 {
                self.t.push(p);
            }
        }
    }

    fn part_status(&mut self, p: usize) -> u32 {
        self.sim.write(&mut self.t, offset("part_sel"), p as u32);
        self.sim.read(&mut self.t, offset("part_status"))
    }
}

const ACCS: [u32; 3] = [PASSTHROUGH_ID, CRC32_ID, KXOR_ID];

#[test]
fn loads_under_traffic_leave_the_other_partitions_undisturbed() {
    let mut b = Bench::new("loads_under_traffic_leave_the_other_partitions_undisturbed");
    // Some packets arrive cut: each RM must answer them as a cut (no CRC
    // result, keystream as before), which the expected outputs check.
    b.t.cut_prob = 0.15;
    for p in 0..PARTITIONS {
        b.load_ok(ACCS[p], p);
    }
    for round in 0..9 {
        let target = b.t.rng.below(PARTITIONS as u64) as usize;
        let acc = *b.t.rng.pick(&ACCS);
        let others: Vec<usize> = (0..PARTITIONS).filter(|&p| p != target).collect();
        // Traffic everywhere, then the target's input stops (the manager
        // unroutes it) while its last results may still be inside the RM.
        for _ in 0..200 {
            b.feed(&(0..PARTITIONS).collect::<Vec<_>>());
            b.sim.cycle(&mut b.t);
        }
        while b.t.srcs[target].pending() > 0 {
            b.feed(&others);
            b.sim.cycle(&mut b.t);
        }
        let words = 200 + b.t.rng.range_usize(0..600);
        let bytes = b.place(acc, target, words);
        b.register(acc, target, addr_of(acc, target), bytes);
        for &p in &others {
            b.t.must_stay_coupled[p] = true;
        }
        b.sim.start_load(&mut b.t, acc, target as u32);
        while b.sim.done.is_empty() {
            b.feed(&others);
            b.sim.cycle(&mut b.t);
        }
        let d = b.sim.done.pop_front().unwrap();
        assert_eq!((d.partition, d.status), (target as u32, 0), "round {round}");
        // Drained gracefully: the target's last results came out before the LOAD.
        assert_eq!(b.t.expected[target].len(), 0, "round {round}: results lost in the drain");
        b.t.must_stay_coupled = vec![false; PARTITIONS];
        b.t.loaded(target, acc);
        assert_eq!(b.sim.m.get(format!("rm_select_p{target}").as_str()), select_of(acc));
        assert_eq!(b.part_status(target) & 0x1F, 0b01000, "round {round}: graceful drain, not forced");
    }
    b.feed(&(0..PARTITIONS).collect::<Vec<_>>());
    b.drain_all(100_000);
    assert!(b.t.decoupled_cycles.iter().all(|&c| c > 0));
    assert!(b.t.sinks.iter().all(|s| s.packets() > 100), "too little traffic");
    assert!(b.t.cuts > 50, "{} cut packets", b.t.cuts);
    assert!(b.sim.mem.max_outstanding >= 2, "the prc never had two bursts in flight");
    assert_eq!(b.sim.read(&mut b.t, offset("load_count")), 12);
}

/// The configuration port waits for words as long as the host takes: LOADs
/// whose bitstream reads pause mid-stream for hundreds of cycles (reads
/// behind others on a shared PCIe link) all succeed.
#[test]
fn loads_succeed_when_the_bitstream_pauses_mid_stream() {
    let mut b = Bench::new("loads_succeed_when_the_bitstream_pauses_mid_stream");
    b.sim.mem.stall_prob = 0.01;
    b.sim.mem.stall = 20..400;
    for round in 0..4 {
        let p = round % PARTITIONS;
        b.load_ok(ACCS[(round + 1) % ACCS.len()], p);
    }
    assert!(b.sim.mem.stalls >= 4, "only {} pauses in the bitstream reads", b.sim.mem.stalls);
}

#[test]
fn a_decoupled_partition_hides_a_misbehaving_rm_and_a_forced_decoupling_ends_packets_cleanly() {
    let mut b = Bench::new("a_decoupled_partition_hides_a_misbehaving_rm");
    for p in 0..PARTITIONS {
        b.load_ok(ACCS[p], p);
    }
    // (1) A corrupt bitstream leaves garbage (the chaos RM) in partition 1.
    let bytes = b.place(CRC32_ID, 1, 300);
    b.sim.mem.bytes[(addr_of(CRC32_ID, 1) - BASE) as usize + 40] ^= 0x10;
    b.register(CRC32_ID, 1, addr_of(CRC32_ID, 1), bytes);
    let d = b.sim.load(&mut b.t, CRC32_ID, 1);
    assert_eq!(d.status, status_code("BITSTREAM_ERROR"));
    assert_eq!(b.sim.m.get("rm_select_p1"), RP_GARBAGE, "the model leaves garbage behind");
    // Packets for partition 1 wait at its input; whatever the garbage does,
    // nothing crosses (checked every cycle by Streams::sample), with random
    // context accesses thrown in.
    b.t.loaded(1, KXOR_ID); // what will serve them once repaired
    for _ in 0..4 {
        b.t.push(1);
    }
    for _ in 0..3000 {
        b.feed(&[0, 2]);
        b.sim.m.set("ctx_p1_addr", b.t.rng.below(4));
        b.sim.m.set("ctx_p1_we", b.t.rng.chance(0.3) as u64);
        b.sim.m.set("ctx_p1_wdata", b.t.rng.next_u32() as u64);
        b.sim.cycle(&mut b.t);
    }
    b.sim.m.set("ctx_p1_we", 0);
    assert_eq!(b.t.srcs[1].sent_beats(), 0, "a decoupled partition took data");
    // Repaired: the waiting packets are served by the new RM (predicted above
    // from its reset state, so the prediction state is kept across load_ok).
    let predicted = b.t.rm[1].take();
    b.load_ok(KXOR_ID, 1);
    b.t.rm[1] = predicted;
    b.feed(&[0, 2]);
    b.drain_all(100_000);

    // (2) Forced decoupling in the middle of packets: partition 0 (passthrough)
    // gets a long packet while its C2H side is stalled, then a LOAD comes.
    let long: Vec<u8> = b.t.rng.bytes(8 * 40);
    b.t.srcs[0].set_valid_prob(1.0);
    b.t.srcs[0].push(Packet::new(long.clone()));
    b.t.sinks[0].set_ready_prob(0.0);
    b.t.cleanup_allowed[0] = true;
    for _ in 0..50 {
        b.sim.cycle(&mut b.t);
    }
    assert!(b.t.srcs[0].pending() == 1 && b.t.srcs[0].sent_beats() > 0, "the packet is half in");
    let bytes = b.place(CRC32_ID, 0, 100);
    b.register(CRC32_ID, 0, addr_of(CRC32_ID, 0), bytes);
    b.sim.start_load(&mut b.t, CRC32_ID, 0);
    let mut n = 0;
    while b.sim.m.get("decoupled_p0") == 0 {
        b.sim.cycle(&mut b.t);
        n += 1;
        assert!(n <= DRAIN_LIMIT + 10, "not decoupled after the drain limit");
    }
    assert!(n >= DRAIN_LIMIT - 1, "decoupled after {n} cycles although the RM was busy");
    // The C2H side now drains: what the wrapper held, then one closing beat.
    b.t.sinks[0].set_ready_prob(0.8);
    let d = b.sim.wait_done(&mut b.t, 1_000_000);
    assert_eq!(d.status, 0);
    for _ in 0..50 {
        b.sim.cycle(&mut b.t);
    }
    assert_eq!(b.t.srcs[0].pending(), 0, "the rest of the cut H2C packet was consumed");
    let got = b.t.sinks[0].drain();
    let cut = got.last().expect("no packet closed on C2H");
    let n = cut.data.len() - 1;
    assert!(n > 0 && n % 8 == 0 && n < long.len(), "cut after {n} bytes");
    assert_eq!(&cut.data[..n], &long[..n], "the beats before the cut are intact");
    assert_eq!(cut.data[n], 0, "closing beat: one zero byte");
    assert_eq!(b.part_status(0) & 0x1F, 0b11000, "forced, loaded, coupled");
    // And the partition works again with its new RM.
    b.t.cleanup_allowed[0] = false;
    b.t.sinks[0].set_ready_prob(0.7);
    b.t.loaded(0, CRC32_ID);
    b.feed(&[0, 1, 2]);
    b.drain_all(100_000);
}

#[test]
fn failed_loads_end_as_specified_and_the_partition_loads_again() {
    let mut b = Bench::new("failed_loads_end_as_specified");
    for p in 0..PARTITIONS {
        b.load_ok(ACCS[p], p);
    }
    let code = status_code;
    // Refused before touching anything: partition 1 stays coupled and serving.
    b.t.must_stay_coupled = vec![true; PARTITIONS];
    let d = b.sim.load(&mut b.t, KXOR_ID, 1); // no slot holds (KXOR, 1) yet
    assert_eq!(d.status, code("NO_BITSTREAM"));
    let d = b.sim.load(&mut b.t, KXOR_ID, 7);
    assert_eq!((d.partition, d.status), (7, code("BAD_PARTITION")));
    b.register(KXOR_ID, 1, addr_of(KXOR_ID, 1), 6);
    let d = b.sim.load(&mut b.t, KXOR_ID, 1);
    assert_eq!(d.status, code("BAD_LENGTH"));
    b.feed(&[0, 1, 2]);
    b.drain_all(100_000);
    assert_eq!(b.part_status(1) & 0xF, 0b1000);

    // Failures after the reconfiguration started: partition 1 ends decoupled,
    // in reset, failed; partitions 0 and 2 keep running.
    let mut fails = 0;
    let kinds = ["corrupt", "truncated", "wrong accelerator", "wrong partition", "host error"];
    for kind in kinds {
        b.t.must_stay_coupled = vec![true, false, true];
        let (acc, want) = match kind {
            "corrupt" => {
                let bytes = b.place(KXOR_ID, 1, 300);
                b.sim.mem.bytes[(addr_of(KXOR_ID, 1) - BASE) as usize + 100] ^= 1;
                b.register(KXOR_ID, 1, addr_of(KXOR_ID, 1), bytes);
                (KXOR_ID, "BITSTREAM_ERROR")
            }
            "truncated" => {
                let bytes = b.place(KXOR_ID, 1, 300);
                b.register(KXOR_ID, 1, addr_of(KXOR_ID, 1), bytes - 64);
                (KXOR_ID, "BITSTREAM_ERROR")
            }
            "wrong accelerator" => {
                // The buffer registered as KXOR holds a good CRC-32 bitstream.
                let bytes = b.place(CRC32_ID, 1, 300);
                b.register(KXOR_ID, 1, addr_of(CRC32_ID, 1), bytes);
                (KXOR_ID, "WRONG_ACCELERATOR")
            }
            "wrong partition" => {
                // Partition 2's bitstream registered for partition 1: the port
                // refuses to rewrite a partition the prc does not hold.
                let bytes = b.place(PASSTHROUGH_ID, 2, 300);
                b.register(PASSTHROUGH_ID, 1, addr_of(PASSTHROUGH_ID, 2), bytes);
                (PASSTHROUGH_ID, "BITSTREAM_ERROR")
            }
            _ => {
                let bytes = b.place(KXOR_ID, 1, 300);
                let a = addr_of(KXOR_ID, 1);
                b.sim.mem.error_range = Some((a + 400, a + 404));
                b.register(KXOR_ID, 1, a, bytes);
                (KXOR_ID, "HOST_ERROR")
            }
        };
        let sel2 = b.sim.m.get("rm_select_p2");
        b.sim.start_load(&mut b.t, acc, 1);
        while b.sim.done.is_empty() {
            b.feed(&[0, 2]);
            b.sim.cycle(&mut b.t);
        }
        let d = b.sim.done.pop_front().unwrap();
        b.sim.mem.error_range = None;
        assert_eq!((d.partition, d.status), (1, code(want)), "{kind}");
        fails += 1;
        assert_eq!(b.sim.m.get("rm_select_p2"), sel2, "{kind}: partition 2 was rewritten");
        assert_eq!(b.sim.m.get("decoupled_p1"), 1, "{kind}: partition 1 recoupled after a failure");
        assert_eq!(b.part_status(1) & 0xF, 0b0011, "{kind}: decoupled and failed, not loaded");
        assert_eq!(b.sim.read(&mut b.t, offset("part_acc_id")), 0, "{kind}");
        let status = b.sim.read(&mut b.t, offset("status"));
        assert_eq!((status & 1, (status >> 4) & 0xF, (status >> 8) & 0x3F), (0, code(want), 1), "{kind}");
    }
    assert_eq!(b.sim.read(&mut b.t, offset("fail_count")), 3 + fails);
    // Loaded again: served, and the failure flag is gone.
    b.t.must_stay_coupled = vec![false; PARTITIONS];
    b.load_ok(KXOR_ID, 1);
    b.feed(&[0, 1, 2]);
    b.drain_all(100_000);
}

#[test]
fn register_accesses_are_checked() {
    let mut b = Bench::new("register_accesses_are_checked");
    let info = b.sim.read(&mut b.t, offset("info"));
    assert_eq!(info, PARTITIONS as u32 | (vfpga_hdl::prc::regs::SLOTS as u32) << 8 | 1 << 16);
    // A VF may not touch the prc; partial writes, read-only registers,
    // unmapped offsets and a partition out of range answer SLVERR.
    assert!(b.sim.reg(&mut b.t, 3, offset("info"), None).is_err());
    assert!(b.sim.reg(&mut b.t, 0, offset("slot_acc_id"), Some((5, 0x3))).is_err());
    assert!(b.sim.reg(&mut b.t, 0, offset("info"), Some((5, 0xF))).is_err());
    assert!(b.sim.reg(&mut b.t, 0, 0x31C, None).is_err());
    assert!(b.sim.reg(&mut b.t, 0, offset("part_sel"), Some((PARTITIONS as u32, 0xF))).is_err());
    assert_eq!(b.sim.read(&mut b.t, offset("part_sel")), 0, "a refused write changes nothing");
    assert_eq!(b.sim.read(&mut b.t, offset("slot_acc_id")), 0);
    b.sim.write(&mut b.t, offset("slot_target") + 0x20, 0xFFFF_FFFF);
    assert_eq!(b.sim.read(&mut b.t, offset("slot_target") + 0x20), 0x8000_003F, "undefined bits read 0");
    // The packer and the model agree on the format (round trip through Rust).
    let bs = bitstream::pack(CRC32_ID, 1, &[1, 2, 3]);
    assert_eq!(bitstream::unpack(&bs).unwrap(), (CRC32_ID, 1, vec![1, 2, 3]));
}

/// The timing rule at the boundaries of the partition wrapper and the prc,
/// each emitted alone: no output follows an input within a cycle.
#[test]
fn partition_and_prc_outputs_do_not_depend_on_inputs_combinationally() {
    let c = cfg();
    for (what, mods) in [
        ("partition", vfpga::blocks::rp::partition_modules(&c)),
        ("prc", vfpga::blocks::rp::prc_modules(&c)),
    ] {
        let key = format!("boundary-{what}-{}p-{}b-d{}", c.partitions, c.data_width, c.drain_limit);
        let lib = common::model_of_modules(&key, || mods);
        let mut m = lib.instantiate(&format!("boundary_{what}"));
        let mut rng = Rng::for_test(&format!("rp_boundary_{what}"));
        let clk = m.port("clk");
        m.set("rst", 1);
        m.ticks(clk, 3);
        m.set("rst", 0);
        let inputs = common::boundary::inputs_except(&m, &["clk", "rst"]);
        common::boundary::assert_no_combinational_path(&mut m, &inputs, &mut rng, 3000);
    }
}
