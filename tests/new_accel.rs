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
    let mut cuts = 0u64;
    for _ in 0..50 {
        let len = rng.range_usize(1..100);
        let data = rng.bytes(len);
        expected.push_back(reference(&data));
        // Some arrive cut short (tuser with tlast): the template passes
        // their beats on and counts them in context register 1.
        let cut = rng.chance(0.2);
        cuts += cut as u64;
        src.push(Packet::new(data).tuser(cut as u64));
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
    m.set("ctx_addr", 1);
    m.eval();
    assert!(cuts > 0);
    assert_eq!(m.get("ctx_rdata"), cuts, "cut packets counted");
}

// ---- `vfpga new-accel` refuses a name or an ID that is already taken ----

fn new_accel(args: &[&str], cwd: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_vfpga")).arg("new-accel").args(args).current_dir(cwd).output().unwrap()
}

/// Exit status 2, a message naming each of `expect`, and no new file.
fn refused(args: &[&str], cwd: &std::path::Path, expect: &[&str]) {
    let before = files(cwd);
    let o = new_accel(args, cwd);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    for e in expect {
        assert!(err.contains(e), "{args:?}: no {e:?} in: {err}");
    }
    assert_eq!(files(cwd), before, "{args:?} wrote something");
}

fn files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn new_accel_refuses_built_in_names_and_ids() {
    let tmp = tempfile::tempdir().unwrap();
    // "crc32c" -> "CRC3", the built-in CRC-32's ID.
    refused(&["crc32c"], tmp.path(), &["0x43524333", "crc32", "--acc-id"]);
    for name in ["passthrough", "crc32", "kxor", "cipher", "chaos"] {
        refused(&[name], tmp.path(), &[name, "built-in"]);
    }
    refused(&["mine", "--acc-id", "0x50415353"], tmp.path(), &["passthrough"]);
    refused(&["mine", "--acc-id", "0"], tmp.path(), &["empty partition"]);
    refused(&["mine", "--acc-id", "zz"], tmp.path(), &["--acc-id"]);
    // --acc-id, hex or decimal, gives the template its ID.
    let o = new_accel(&["crc32c", "--acc-id", "0x1234_5678"], tmp.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(tmp.path().join("vfpga_rm_crc32c.v")).unwrap();
    assert!(text.contains("ACC_ID = 32'h12345678"), "{text}");
    let o = new_accel(&["other", "--acc-id", "4660"], tmp.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(tmp.path().join("vfpga_rm_other.v")).unwrap();
    assert!(text.contains("ACC_ID = 32'h00001234"), "{text}");
}

#[test]
fn new_accel_refuses_what_the_tree_already_has() {
    let tmp = tempfile::tempdir().unwrap();
    let o = new_accel(&["myacc"], tmp.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // "myacc2" would take "MYAC" too, by default or by --acc-id.
    refused(&["myacc2"], tmp.path(), &["0x4D594143", "vfpga_rm_myacc", "--acc-id"]);
    refused(&["other", "--acc-id", "0x4D594143"], tmp.path(), &["vfpga_rm_myacc"]);
    // The same in a subfolder, as in a generated tree's rtl/rm/<name>/.
    let sub = tmp.path().join("rtl/rm/myacc");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::rename(tmp.path().join("vfpga_rm_myacc.v"), sub.join("vfpga_rm_myacc.v")).unwrap();
    refused(&["myacc"], tmp.path(), &["already defines vfpga_rm_myacc"]);
    refused(&["myacc2"], tmp.path(), &["0x4D594143", "rtl/rm/myacc"]);
    let o = new_accel(&["myacc2", "--acc-id", "0x4D594132"], tmp.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}
