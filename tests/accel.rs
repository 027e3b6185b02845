//! The example accelerators, each simulated alone (Verilator, emitted
//! Verilog) against a Rust reference of its function: random packets, random
//! stalls on both streams, the AXI4-Stream protocol checked every cycle, and
//! context save/restore between packets, including handing the RM back and
//! forth between two tenants whose contexts are swapped in and out.

mod common;

use std::collections::VecDeque;
use vfpga::blocks::accel::{rm_modules, rm_top};
use vfpga::config::Config;
use common::rm_ref::{crc32_update, CrcRef, KxorRef, PassRef, Reference};
use vfpga_hdl::accel::{CRC32_ID, CRC32_INIT, KXOR_ID, PASSTHROUGH_ID};
use vfpga_sim::{AxisChecker, AxisSink, AxisSource, Model, Packet, PortId, Rng};

#[test]
fn crc32_reference_matches_the_ieee_check_value() {
    // The standard check: CRC-32("123456789") = 0xCBF43926.
    assert_eq!(crc32_update(CRC32_INIT, b"123456789") ^ 0xFFFF_FFFF, 0xCBF4_3926);
}

struct Rm {
    m: Model,
    clk: PortId,
    beat_bytes: usize,
}

impl Rm {
    fn new(name: &str, data_width: usize, test: &str) -> Rm {
        let cfg = Config { data_width, ..Config::default() };
        let key = format!("{}-{}b", rm_top(name), data_width);
        let lib = common::model_of_modules(&key, || rm_modules(&cfg, name));
        let m = lib.instantiate(test);
        let clk = m.port("clk");
        Rm { m, clk, beat_bytes: data_width / 8 }
    }

    fn reset(&mut self) {
        for p in ["s_axis_tvalid", "m_axis_tready", "ctx_we"] {
            self.m.set(p, 0);
        }
        self.m.set("rst", 1);
        self.m.ticks(self.clk, 3);
        self.m.set("rst", 0);
        self.m.eval();
    }

    fn read_ctx(&mut self, n: usize) -> Vec<u32> {
        (0..n)
            .map(|a| {
                self.m.set("ctx_addr", a as u64);
                self.m.eval();
                self.m.get("ctx_rdata") as u32
            })
            .collect()
    }

    fn write_ctx(&mut self, ctx: &[u32]) {
        for (a, &v) in ctx.iter().enumerate() {
            self.m.set("ctx_addr", a as u64);
            self.m.set("ctx_wdata", v as u64);
            self.m.set("ctx_we", 1);
            self.m.tick(self.clk);
        }
        self.m.set("ctx_we", 0);
        self.m.eval();
    }
}

/// Nothing is waiting on the RM's output.
fn sink_idle(m: &Model) -> bool {
    m.get("m_axis_tvalid") == 0
}

/// Random packets from two tenants through one RM, some of them cut short: a tenant runs a burst of
/// packets, then the RM is drained, its context saved, reset, and the other
/// tenant's context restored. Outputs are checked against the reference run
/// per tenant; the protocol on both streams every cycle.
fn run(name: &str, acc_id: u32, reference: &dyn Reference, data_width: usize, test: &str) {
    let mut rm = Rm::new(name, data_width, test);
    let mut rng = Rng::for_test(test);
    rm.reset();
    assert_eq!(rm.m.get("acc_id") as u32, acc_id, "acc_id");
    assert_eq!(rm.m.get("idle"), 1, "idle after reset");
    assert_eq!(rm.read_ctx(reference.ctx_regs()), reference.reset_ctx(), "context after reset");

    // Two tenants, each with its own context (tenant 1 starts from a random key).
    let mut ctx = [reference.reset_ctx(), (0..reference.ctx_regs()).map(|_| rng.next_u32() | 1).collect()];
    let mut hw_ctx = ctx.clone();
    let mut tenant = 0;
    rm.write_ctx(&hw_ctx[tenant]);

    let mut src = AxisSource::new(&rm.m, "s_axis", rng.fork());
    let mut sink = AxisSink::new(&rm.m, "m_axis", rng.fork());
    let mut chk_in = AxisChecker::new(&rm.m, "s_axis");
    let mut chk_out = AxisChecker::new(&rm.m, "m_axis");
    let (mut total_packets, mut cycles_busy, mut beats_in, mut cut_packets) = (0usize, 0u64, 0u64, 0usize);
    for burst in 0..24 {
        let stall = burst % 3 != 0; // every third burst runs at full rate
        src.set_valid_prob(if stall { 0.7 } else { 1.0 });
        sink.set_ready_prob(if stall { 0.6 } else { 1.0 });
        let mut expected: VecDeque<Vec<u8>> = VecDeque::new();
        for _ in 0..rng.range_usize(1..12) {
            let len = rng.range_usize(1..4 * rm.beat_bytes + 20);
            let data = rng.bytes(len);
            // Some packets arrive cut short (tuser with tlast, as the DMA
            // ends a packet whose host read was refused).
            if rng.chance(0.15) {
                expected.extend(reference.cut(&mut ctx[tenant], &data, rm.beat_bytes));
                src.push(Packet::new(data).tuser(1));
                cut_packets += 1;
            } else {
                expected.extend(reference.process(&mut ctx[tenant], &data, rm.beat_bytes));
                src.push(Packet::new(data));
            }
            total_packets += 1;
        }
        let mut cycles = 0u64;
        let beats_before = chk_in.beats();
        // Until every packet is in and every answer out (a cut packet to the
        // CRC-32 has none).
        while !expected.is_empty() || src.pending() > 0 || !sink_idle(&rm.m) {
            src.drive(&mut rm.m);
            sink.drive(&mut rm.m);
            rm.m.eval();
            src.sample(&rm.m);
            sink.sample(&rm.m);
            chk_in.check(&rm.m).unwrap_or_else(|e| panic!("{e}"));
            chk_out.check(&rm.m).unwrap_or_else(|e| panic!("{e}"));
            rm.m.tick(rm.clk);
            cycles += 1;
            assert!(cycles < 100_000, "{name}: burst {burst}: stuck, {} packets missing", expected.len());
            while let Some(p) = sink.pop() {
                let want = expected.pop_front().unwrap_or_else(|| panic!("{name}: unexpected packet {p:?}"));
                assert_eq!(p.data, want, "{name}: burst {burst} (tenant {tenant}): wrong output");
            }
        }
        if !stall {
            cycles_busy += cycles;
            beats_in += chk_in.beats() - beats_before;
        }
        // Drained: the RM must say so, then the tenants swap.
        rm.m.set("s_axis_tvalid", 0);
        rm.m.eval();
        assert_eq!(rm.m.get("idle"), 1, "{name}: not idle after its last output");
        hw_ctx[tenant] = rm.read_ctx(reference.ctx_regs());
        assert_eq!(hw_ctx[tenant], ctx[tenant], "{name}: saved context differs from the reference state");
        tenant ^= 1;
        rm.reset(); // as after a context switch or a reconfiguration
        rm.write_ctx(&hw_ctx[tenant]);
        assert_eq!(rm.read_ctx(reference.ctx_regs()), hw_ctx[tenant], "{name}: restored context reads back");
    }
    assert!(total_packets > 100 && cut_packets > 5, "{total_packets} packets, {cut_packets} cut");
    // One beat per cycle at full rate: input beats over cycles, allowing the
    // drain of the last result per burst.
    assert!(beats_in * 10 >= cycles_busy * 8, "{name}: {beats_in} beats in {cycles_busy} cycles at full rate");
}

#[test]
fn passthrough_copies_packets() {
    run("passthrough", PASSTHROUGH_ID, &PassRef, 64, "passthrough_copies_packets");
}

#[test]
fn crc32_is_the_running_ieee_crc_and_its_context_continues_it() {
    run("crc32", CRC32_ID, &CrcRef, 64, "crc32_is_the_running_ieee_crc_and_its_context_continues_it");
}

#[test]
fn kxor_encrypts_with_its_keyed_keystream() {
    run("kxor", KXOR_ID, &KxorRef, 64, "kxor_encrypts_with_its_keyed_keystream");
}

#[test]
fn wide_data_paths() {
    run("crc32", CRC32_ID, &CrcRef, 256, "wide_data_paths_crc32");
    run("kxor", KXOR_ID, &KxorRef, 128, "wide_data_paths_kxor");
}

/// The timing rule at every RM's boundary: no output follows an input within
/// a cycle, except `ctx_rdata`, which the RM interface defines as a
/// combinational read of `ctx_addr` (so `ctx_addr` is held here).
#[test]
fn outputs_do_not_depend_on_inputs_combinationally() {
    for name in ["passthrough", "crc32", "kxor", "chaos"] {
        let mut rm = Rm::new(name, 64, &format!("boundary_{name}"));
        let mut rng = Rng::for_test(&format!("accel_boundary_{name}"));
        rm.reset();
        let inputs = common::boundary::inputs_except(&rm.m, &["clk", "rst", "ctx_addr"]);
        common::boundary::assert_no_combinational_path(&mut rm.m, &inputs, &mut rng, 2000);
    }
}
