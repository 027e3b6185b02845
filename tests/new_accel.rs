//! Your own accelerator, as docs/add-accelerator.md walks through it: the
//! template `vfpga new-accel` writes, simulated alone with the harness the
//! example accelerators use (random packets and stalls, the AXI4-Stream rules
//! checked every cycle, the context port, idle, acc_id). Copy this file for
//! your RM: point `RM_FILE` at your Verilog and replace `reference` by what
//! your accelerator computes.

mod common;

use std::collections::VecDeque;
use std::process::Command;

use vfpga::emit::Module;
use vfpga_sim::{AxisChecker, AxisSink, AxisSource, Packet, Rng};

/// What the RM should output for one input packet (the template: a copy).
fn reference(packet: &[u8]) -> Vec<u8> {
    packet.to_vec()
}

#[test]
fn new_accel_template_passes_packets_and_keeps_its_context() {
    // `vfpga new-accel demo` into a temporary directory; your RM would be
    // read from its own file instead.
    let tmp = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_vfpga"))
        .args(["new-accel", "demo", "--out"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(tmp.path().join("vfpga_rm_demo.v")).unwrap();
    let module = Module { name: "vfpga_rm_demo".into(), text };
    let lib = common::model_of_modules("vfpga_rm_demo", move || vec![module]);
    let mut m = lib.instantiate("");
    let clk = m.port("clk");
    let mut rng = Rng::for_test("new_accel_template_passes_packets_and_keeps_its_context");

    // Reset, then the fixed outputs: acc_id ("DEMO" from the name) and idle.
    for p in ["s_axis_tvalid", "m_axis_tready", "ctx_we"] {
        m.set(p, 0);
    }
    m.set("rst", 1);
    m.ticks(clk, 3);
    m.set("rst", 0);
    m.eval();
    assert_eq!(m.get("acc_id") as u32, u32::from_be_bytes(*b"DEMO"));
    assert_eq!(m.get("idle"), 1, "idle after reset");

    // The context port: a write while idle reads back combinationally.
    m.set("ctx_addr", 0);
    m.set("ctx_wdata", 0x1234_5678);
    m.set("ctx_we", 1);
    m.tick(clk);
    m.set("ctx_we", 0);
    m.eval();
    assert_eq!(m.get("ctx_rdata"), 0x1234_5678);

    // Random packets with random stalls on both sides.
    let mut src = AxisSource::new(&m, "s_axis", rng.fork());
    let mut sink = AxisSink::new(&m, "m_axis", rng.fork());
    let mut chk_in = AxisChecker::new(&m, "s_axis");
    let mut chk_out = AxisChecker::new(&m, "m_axis");
    src.set_valid_prob(0.7);
    sink.set_ready_prob(0.6);
    let mut expected = VecDeque::new();
    for _ in 0..50 {
        let len = rng.range_usize(1..100);
        let data = rng.bytes(len);
        expected.push_back(reference(&data));
        src.push(Packet::new(data));
    }
    let mut cycles = 0;
    while !expected.is_empty() {
        src.drive(&mut m);
        sink.drive(&mut m);
        m.eval();
        src.sample(&m);
        sink.sample(&m);
        chk_in.check(&m).unwrap_or_else(|e| panic!("{e}"));
        chk_out.check(&m).unwrap_or_else(|e| panic!("{e}"));
        m.tick(clk);
        cycles += 1;
        assert!(cycles < 100_000, "stuck with {} packets to come", expected.len());
        while let Some(p) = sink.pop() {
            assert_eq!(Some(p.data), expected.pop_front(), "wrong output");
        }
    }
    // Drained: idle again, and the context survived the traffic.
    m.set("s_axis_tvalid", 0);
    m.eval();
    assert_eq!(m.get("idle"), 1, "not idle after the last output");
    assert_eq!(m.get("ctx_rdata"), 0x1234_5678);
}
