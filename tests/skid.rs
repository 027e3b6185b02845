//! The register slice every block puts on its interfaces (`hdl/src/skid.rs`),
//! simulated on its emitted Verilog: random packets under random stalls on
//! both sides, a scoreboard end to end, the AXI4-Stream rules on both ports
//! every cycle, one beat per cycle when nothing stalls, and no combinational
//! path from an input to an output.

mod common;

use vfpga::config::Config;
use vfpga::design::emit_block;
use vfpga_hdl::skid::AxisSkid;
use vfpga_sim::{cycle, AxisChecker, AxisSink, AxisSource, Model, Packet, Rng, Scoreboard};

fn model(name: &str) -> Model {
    let lib = common::model_of_modules("skid-64", || {
        emit_block(AxisSkid::<64, 8>::default(), "vfpga_axis_skid", "AXI4-Stream register slice.", &Config::default())
    });
    lib.instantiate(name)
}

fn reset(m: &mut Model) {
    let clk = m.port("clk");
    m.set("s_axis_tvalid", 0);
    m.set("m_axis_tready", 0);
    m.set("rst", 1);
    m.ticks(clk, 2);
    m.set("rst", 0);
}

/// Random packets (with tid and tuser) through random stalls arrive whole and in order.
#[test]
fn random_traffic_with_stalls() {
    let mut m = model("random_traffic_with_stalls");
    reset(&mut m);
    let clk = m.port("clk");
    let mut rng = Rng::for_test("skid_random_traffic_with_stalls");
    for (vp, rp) in [(1.0, 1.0), (0.9, 0.5), (0.5, 0.9), (0.3, 0.3)] {
        let mut src = AxisSource::new(&m, "s_axis", rng.fork()).with_valid_prob(vp);
        let mut sink = AxisSink::new(&m, "m_axis", rng.fork()).with_ready_prob(rp);
        let mut chk_in = AxisChecker::new(&m, "s_axis");
        let mut chk_out = AxisChecker::new(&m, "m_axis");
        let mut sb: Scoreboard = Scoreboard::new("skid");
        for _ in 0..300 {
            let pkt = Packet::random(&mut rng, 1..200).tid(rng.below(2048) as u32).tuser(rng.below(2));
            sb.expect(0, pkt.clone());
            src.push(pkt);
        }
        let mut cycles = 0;
        while sink.packets() < 300 {
            cycle(&mut m, clk, &mut [&mut src, &mut sink, &mut chk_in, &mut chk_out]).unwrap_or_else(|e| panic!("{e}"));
            for p in sink.drain() {
                sb.observe(0, p).unwrap_or_else(|e| panic!("{e}"));
            }
            cycles += 1;
            assert!(cycles < 200_000, "skid: traffic stopped (valid {vp}, ready {rp})");
        }
        sb.finish().unwrap_or_else(|e| panic!("{e}"));
        if vp == 1.0 && rp == 1.0 {
            // Full rate: one beat per cycle, plus the one cycle of latency.
            assert!(sink.beats() + 2 >= cycles, "skid: {} beats took {cycles} cycles at full rate", sink.beats());
        }
    }
}

/// `s_tready`, `m_tvalid` and `m_tdata` depend only on registers: changing
/// `s_tvalid`, `s_tdata` and `m_tready` without a clock edge leaves them unchanged.
#[test]
fn outputs_do_not_depend_on_inputs_combinationally() {
    let mut m = model("outputs_do_not_depend_on_inputs_combinationally");
    reset(&mut m);
    let clk = m.port("clk");
    let mut rng = Rng::for_test("skid_outputs_do_not_depend_on_inputs_combinationally");
    for _ in 0..2000 {
        m.set("s_axis_tvalid", rng.below(2));
        m.set("s_axis_tdata", rng.next_u64());
        m.set("s_axis_tlast", rng.below(2));
        m.set("m_axis_tready", rng.below(2));
        m.eval();
        let before = (m.get("s_axis_tready"), m.get("m_axis_tvalid"), m.get("m_axis_tdata"), m.get("m_axis_tlast"));
        m.set("s_axis_tvalid", rng.below(2));
        m.set("s_axis_tdata", rng.next_u64());
        m.set("s_axis_tlast", rng.below(2));
        m.set("m_axis_tready", rng.below(2));
        m.eval();
        let after = (m.get("s_axis_tready"), m.get("m_axis_tvalid"), m.get("m_axis_tdata"), m.get("m_axis_tlast"));
        assert_eq!(before, after, "skid: an output followed an input within the cycle");
        m.tick(clk);
    }
}
