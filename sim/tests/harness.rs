//! Tests of the Verilator harness and the testbench library on a small
//! hand-written design (`fixtures/axis_slice.v`). One Verilator build of the
//! fixture is shared by all tests (and cached across runs).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, LazyLock};
use std::time::Instant;

use vfpga_sim::{
    cycle, parse_ports, Agent, AxisChecker, AxisSink, AxisSource, Dir, Model, ModelLib, ModelSpec, Packet, Port,
    Rng, Scoreboard,
};

const TOP: &str = "axis_slice";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/axis_slice.v")
}

/// The fixture's model, with tracing (`explicit_vcd` writes a VCD).
fn fixture_spec() -> ModelSpec {
    ModelSpec::new(TOP, [fixture()]).trace(true)
}

static LIB: LazyLock<Arc<ModelLib>> = LazyLock::new(|| {
    let t0 = Instant::now();
    let lib = ModelLib::build(&fixture_spec()).expect("build the fixture");
    eprintln!("fixture model ready in {:.1} s (built: {})", t0.elapsed().as_secs_f64(), lib.was_built());
    lib
});

fn model(name: &str) -> Model {
    LIB.instantiate(name)
}

fn reset(m: &mut Model) {
    m.set("rst", 1);
    m.ticks("clk", 2);
    m.set("rst", 0);
}

fn panic_text(e: Box<dyn std::any::Any + Send>) -> String {
    e.downcast_ref::<String>()
        .cloned()
        .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[test]
fn ports_are_parsed() {
    let text = std::fs::read_to_string(fixture()).unwrap();
    let parsed = parse_ports(&text, TOP).unwrap();
    let p = |name: &str, dir, width| Port { name: name.into(), dir, width };
    assert_eq!(parsed[0], p("clk", Dir::In, 1));
    assert_eq!(parsed[2], p("s_axis_tdata", Dir::In, 128));
    assert_eq!(parsed[6], p("s_axis_tlast", Dir::In, 1));
    assert!(parsed.contains(&p("m_axis_tdata", Dir::Out, 128)));
    assert!(parsed.contains(&p("count100", Dir::Out, 100)));
    assert!(parsed.contains(&p("in33", Dir::In, 33)));
    assert!(parsed.contains(&p("out16", Dir::Out, 16)));
    assert!(parsed.contains(&p("out32", Dir::Out, 32)));
    assert_eq!(parsed.len(), 28);
    // The library reports the same ports, in declaration order.
    assert_eq!(LIB.ports(), &parsed[..]);
    assert_eq!(LIB.port_width("count64"), 64);
    assert!(LIB.has_port("s_axis_tdest") && !LIB.has_port("s_axis_tuser"));
}

#[test]
fn ports_of_every_width_round_trip() {
    let mut m = model("round_trip");
    // narrow, through u64
    m.set("in8", 0xa5);
    m.eval();
    assert_eq!(m.get("out16"), 0xa55a);
    m.set("in20", 0xf_1234);
    m.eval();
    assert_eq!(m.get("out32"), 0xf123_4abc);
    m.set("in33", 0x1_ffff_ffff);
    m.eval();
    assert_eq!(m.get("out33"), 0, "33-bit wrap-around");
    m.set("in33", 0x0_ffff_ffff);
    m.eval();
    assert_eq!(m.get("out33"), 0x1_0000_0000);
    // wide, through words and bytes
    let w = [0x0123_4567, 0x89ab_cdef, 0xdead_beef, 0xa];
    m.set_words("wide_in", &w);
    m.eval();
    assert_eq!(m.get_words("wide_not"), vec![!w[0], !w[1], !w[2], 0x5]);
    assert_eq!(m.get_words("wide_in"), w.to_vec(), "inputs read back");
    let bytes: Vec<u8> = (1..=13).collect();
    let mut bytes13 = bytes.clone();
    bytes13[12] &= 0x0f; // 100 bits = 12.5 bytes
    m.set_bytes("wide_in", &bytes13);
    m.eval();
    let not: Vec<u8> = m.get_bytes("wide_not");
    assert_eq!(not.len(), 13);
    for i in 0..12 {
        assert_eq!(not[i], !bytes13[i]);
    }
    assert_eq!(not[12], !bytes13[12] & 0x0f);
    // a u64 into a wide port zero-extends
    m.set("wide_in", u64::MAX);
    m.eval();
    assert_eq!(m.get_words("wide_not"), vec![0, 0, 0xffff_ffff, 0xf]);
    // the C++ words path handles narrow ports too
    m.set_words("in33", &[7, 1]);
    m.eval();
    assert_eq!(m.get_words("out33"), vec![8, 1]);
    assert_eq!(m.get("out33"), 0x1_0000_0008);

    // counters: 64-bit and 100-bit, after reset and 1000 cycles
    reset(&mut m);
    let clk = m.port("clk");
    m.ticks(clk, 1000);
    assert_eq!(m.get("count64"), 1000);
    // count100 += (1 << 64) | 3 per cycle
    assert_eq!(m.get_words("count100"), vec![3000, 0, 1000, 0]);
    assert_eq!(m.cycles(), 1002);
    assert_eq!(m.time(), 10 * 1002);
}

#[test]
fn bad_values_and_names_panic_clearly() {
    let mut m = model("bad_values");
    let e = panic_text(catch_unwind(AssertUnwindSafe(|| m.set("in8", 0x100))).unwrap_err());
    assert!(e.contains("does not fit in the 8-bit port `in8`"), "{e}");
    let e = panic_text(catch_unwind(AssertUnwindSafe(|| m.set_words("wide_in", &[0, 0, 0, 0x10]))).unwrap_err());
    assert!(e.contains("100-bit port `wide_in`"), "{e}");
    let e = panic_text(catch_unwind(AssertUnwindSafe(|| m.set("out16", 1))).unwrap_err());
    assert!(e.contains("it is an output"), "{e}");
    let e = panic_text(catch_unwind(AssertUnwindSafe(|| m.get("count100"))).unwrap_err());
    assert!(e.contains("100 bits wide"), "{e}");
    let e = panic_text(catch_unwind(AssertUnwindSafe(|| m.set("s_axis_tvaild", 1))).unwrap_err());
    assert!(e.contains("has no port `s_axis_tvaild`"), "{e}");
    assert!(e.contains("did you mean: s_axis_tvalid"), "{e}");
}

#[test]
fn stop_panics_with_the_message_and_finish_is_reported() {
    let mut m = model("stop");
    reset(&mut m);
    m.set("finish_req", 1);
    m.tick("clk");
    assert!(m.finished());
    m.tick("clk"); // a second $finish must not exit the process (Verilator's default does)
    assert!(m.finished());
    let mut m = model("stop2");
    reset(&mut m);
    m.set("stop_req", 1);
    let e = panic_text(catch_unwind(AssertUnwindSafe(|| m.tick("clk"))).unwrap_err());
    assert!(e.contains("Verilog $stop") && e.contains("axis_slice.v"), "{e}");
    drop(m); // destroying a stopped instance is fine
}

/// Source -> DUT -> sink with random valid/ready, protocol checkers on both
/// streams and a per-tid scoreboard.
fn random_traffic(m: &mut Model, seed_name: &str, packets: usize) -> u64 {
    let mut rng = Rng::for_test(seed_name);
    let mut src = AxisSource::new(m, "s_axis", rng.fork()).with_valid_prob(0.7);
    let mut sink = AxisSink::new(m, "m_axis", rng.fork()).with_ready_prob(0.6);
    let mut chk_in = AxisChecker::new(m, "s_axis");
    let mut chk_out = AxisChecker::new(m, "m_axis");
    let mut sb = Scoreboard::new("m_axis");
    for _ in 0..packets {
        let pkt = Packet::random(&mut rng, 1..80).tid(rng.below(16) as u32).tdest(rng.below(8) as u32);
        sb.expect(pkt.tid, pkt.clone());
        src.push(pkt);
    }
    reset(m);
    let clk = m.port("clk");
    let start = m.cycles();
    while sb.outstanding() > 0 {
        assert!(m.cycles() - start < 100 * packets as u64, "timeout: {} packets left", sb.outstanding());
        src.drive(m);
        sink.drive(m);
        m.eval();
        src.sample(m);
        sink.sample(m);
        chk_in.check(m).unwrap();
        chk_out.check(m).unwrap();
        m.tick(clk);
        while let Some(p) = sink.pop() {
            sb.observe(p.tid, p).unwrap();
        }
    }
    sb.finish().unwrap();
    assert!(src.is_idle());
    assert_eq!(src.sent_packets(), packets as u64);
    assert_eq!(chk_out.packets(), packets as u64);
    assert_eq!(chk_in.beats(), chk_out.beats());
    m.cycles() - start
}

#[test]
fn random_traffic_through_the_register_slice() {
    let mut m = model("");
    let t0 = Instant::now();
    let cycles = random_traffic(&mut m, "random_traffic_through_the_register_slice", 300);
    let dt = t0.elapsed().as_secs_f64();
    eprintln!("{cycles} cycles in {dt:.3} s: {:.0} cycles/s", cycles as f64 / dt);
}

#[test]
fn the_cycle_helper_runs_agents() {
    let mut m = model("cycle_helper");
    let mut rng = Rng::new(42);
    let mut src = AxisSource::new(&m, "s_axis", rng.fork()).with_valid_prob(0.5);
    let mut sink = AxisSink::new(&m, "m_axis", rng.fork()).with_ready_prob(0.5);
    let mut chk = AxisChecker::new(&m, "m_axis");
    let sent: Vec<Packet> = (0..20).map(|i| Packet::random(&mut rng, 1..50).tid(i % 16)).collect();
    for p in &sent {
        src.push(p.clone());
    }
    reset(&mut m);
    let clk = m.port("clk");
    for _ in 0..2000 {
        let agents: &mut [&mut dyn Agent] = &mut [&mut src, &mut sink, &mut chk];
        cycle(&mut m, clk, agents).unwrap();
    }
    assert_eq!(sink.drain(), sent);
}

#[test]
fn instances_run_in_parallel_threads() {
    let handles: Vec<_> = (0..4)
        .map(|i| {
            std::thread::spawn(move || {
                let mut m = model(&format!("thread{i}"));
                let cycles = random_traffic(&mut m, &format!("thread{i}"), 60);
                // instances are independent: each has its own counters
                assert_eq!(m.get("count64"), cycles);
                cycles
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

#[test]
fn the_checker_catches_violations() {
    // Fill the slice (sink not ready) so that s_axis_tready falls, then break
    // the rules on the input stream.
    let run = |violate: &dyn Fn(&mut Model, u32)| -> String {
        let mut m = model("checker");
        reset(&mut m);
        let mut chk = AxisChecker::new(&m, "s_axis");
        m.set("m_axis_tready", 0);
        m.set("s_axis_tkeep", 0xffff);
        for beat in 0..6u32 {
            m.set_words("s_axis_tdata", &[beat, 0, 0, 0]);
            m.set("s_axis_tvalid", 1);
            m.set("s_axis_tlast", 0);
            violate(&mut m, beat);
            m.eval();
            if let Err(e) = chk.check(&m) {
                return e.to_string();
            }
            // keep data stable while not ready, unless violating
            if !m.get_bool("s_axis_tready") {
                m.tick("clk");
                m.set_words("s_axis_tdata", &[2, 0, 0, 0]);
                violate(&mut m, 99);
                m.eval();
                if let Err(e) = chk.check(&m) {
                    return e.to_string();
                }
            }
            m.tick("clk");
        }
        String::new()
    };
    let e = run(&|m, beat| {
        if beat == 99 {
            m.set("s_axis_tvalid", 0)
        }
    });
    assert!(e.contains("s_axis_tvalid") && e.contains("tvalid fell"), "{e}");
    let e = run(&|m, beat| {
        if beat == 99 {
            m.set_words("s_axis_tdata", &[77, 0, 0, 0])
        }
    });
    assert!(e.contains("s_axis_tdata: changed while tvalid && !tready"), "{e}");
    let e = run(&|m, beat| {
        if beat == 1 {
            m.set("s_axis_tkeep", 0x00ff) // not all ones without tlast
        }
    });
    assert!(e.contains("s_axis_tkeep") && e.contains("not all ones"), "{e}");
    let e = run(&|m, beat| {
        if beat == 0 {
            m.set("s_axis_tlast", 1);
            m.set("s_axis_tkeep", 0x00f1) // holes on the last beat
        }
    });
    assert!(e.contains("not contiguous"), "{e}");
    let e = run(&|m, beat| {
        if beat == 0 {
            m.set("s_axis_tkeep", 0)
        }
    });
    assert!(e.contains("tkeep is zero"), "{e}");
}

#[test]
fn explicit_vcd() {
    let dir = std::env::temp_dir().join(format!("vfpga-sim-test-vcd-{}", std::process::id()));
    let path = dir.join("explicit.vcd");
    {
        let mut m = LIB.instantiate_with_vcd("explicit", Some(&path));
        reset(&mut m);
        m.ticks("clk", 5);
    }
    let vcd = std::fs::read_to_string(&path).unwrap();
    assert!(vcd.contains("$enddefinitions") && vcd.contains("count100") && vcd.contains("#65"), "{vcd}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A model built without tracing (the default unless `VFPGA_WAVES` is set)
/// has no tracing code: asking it for a VCD is refused by name, and its
/// cache entry is not the traced one's.
#[test]
fn an_untraced_model_refuses_a_vcd() {
    let spec = ModelSpec::new(TOP, [fixture()]);
    if spec.traced() {
        eprintln!("VFPGA_WAVES is set: every model is traced, nothing to check");
        return;
    }
    let lib = ModelLib::build(&spec).unwrap();
    assert_ne!(lib.dir(), LIB.dir(), "tracing is part of the cache key");
    let path = std::env::temp_dir().join(format!("vfpga-sim-test-untraced-{}.vcd", std::process::id()));
    let err = std::panic::catch_unwind(|| {
        lib.instantiate_with_vcd("untraced", Some(&path));
    })
    .expect_err("a VCD from an untraced model");
    let msg = err.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(msg.contains("without tracing"), "{msg}");
    // The same model runs without one.
    let mut m = lib.instantiate("untraced_run");
    m.set("in33", 5);
    m.eval();
    assert_eq!(m.get("out33"), 6);
}

// ------------------------------------------------- cache, across processes

/// Run as a child process by `cache_hits_rebuilds_and_locks`: builds the
/// spec given in the environment and prints whether it built.
#[test]
#[ignore = "helper run by other tests in a child process"]
fn child_build() {
    let Ok(file) = std::env::var("VFPGA_SIM_TEST_FILE") else { return };
    let lib = ModelLib::build(&ModelSpec::new(TOP, [file])).unwrap();
    println!("CHILD-RESULT built={}", lib.was_built());
}

/// Run as a child process with `VFPGA_WAVES` set: the instance named after
/// this test (the default name) writes a VCD there.
#[test]
#[ignore = "helper run by other tests in a child process"]
fn child_waves() {
    if std::env::var_os("VFPGA_WAVES").is_none() {
        return;
    }
    let mut m = LIB.instantiate("");
    reset(&mut m);
    m.set("in8", 3);
    m.ticks("clk", 3);
    println!("CHILD-RESULT vcd={}", m.vcd_path().unwrap().display());
}

fn child(test: &str, envs: &[(&str, &str)]) -> std::process::Child {
    let mut c = Command::new(std::env::current_exe().unwrap());
    c.args(["--ignored", "--exact", test, "--nocapture"]);
    for (k, v) in envs {
        c.env(k, v);
    }
    c.stdout(std::process::Stdio::piped()).spawn().unwrap()
}

fn child_result(c: std::process::Child) -> String {
    let out = c.wait_with_output().unwrap();
    assert!(out.status.success(), "child failed: {}", String::from_utf8_lossy(&out.stdout));
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    text.lines().find_map(|l| l.strip_prefix("CHILD-RESULT ")).unwrap_or_else(|| panic!("no result in {text}")).to_string()
}

#[test]
fn cache_hits_rebuilds_and_locks() {
    // Same inputs: cache hit, no C++ compiled.
    let _ = &*LIB;
    let again = ModelLib::build(&fixture_spec()).unwrap();
    assert!(!again.was_built());
    assert_eq!(again.dir(), LIB.dir());

    // A changed file (a unique variant: out33 = in33 + 2) rebuilds. Two
    // processes and a thread of this one ask for it at once: one builds,
    // the others wait for it and reuse it.
    let nonce = format!("{}-{:?}", std::process::id(), std::time::SystemTime::now());
    let text = std::fs::read_to_string(fixture()).unwrap().replace("in33 + 33'd1", "in33 + 33'd2")
        + &format!("// variant {nonce}\n");
    let dir = std::env::temp_dir().join(format!("vfpga-sim-test-variant-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("axis_slice_variant.v");
    std::fs::write(&file, text).unwrap();
    let fstr = file.to_str().unwrap();
    let children: Vec<_> = (0..2).map(|_| child("child_build", &[("VFPGA_SIM_TEST_FILE", fstr)])).collect();
    let lib = ModelLib::build(&ModelSpec::new(TOP, [&file])).unwrap();
    let mut built = vec![lib.was_built()];
    for c in children {
        built.push(child_result(c) == "built=true");
    }
    assert_eq!(built.iter().filter(|b| **b).count(), 1, "exactly one builder: {built:?}");
    assert_ne!(lib.dir(), LIB.dir());
    let mut m = lib.instantiate("variant");
    m.set("in33", 5);
    m.eval();
    assert_eq!(m.get("out33"), 7, "the rebuilt model has the change");
    assert!(!ModelLib::build(&ModelSpec::new(TOP, [&file])).unwrap().was_built());
    // Leave no variant behind in the shared cache (the library stays loaded).
    std::fs::remove_dir_all(lib.dir()).unwrap();
    let _ = std::fs::remove_file(lib.dir().with_extension("lock"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn vfpga_waves_writes_a_vcd_named_after_the_test() {
    let _ = &*LIB; // built (or cached) before the child runs
    let dir = std::env::temp_dir().join(format!("vfpga-sim-test-waves-{}", std::process::id()));
    let r = child_result(child("child_waves", &[("VFPGA_WAVES", dir.to_str().unwrap())]));
    let path = dir.join("child_waves.vcd");
    assert_eq!(r, format!("vcd={}", path.display()));
    let vcd = std::fs::read_to_string(&path).unwrap();
    assert!(vcd.contains("$var") && vcd.contains(" in8 "), "{vcd}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn build_errors_are_reported() {
    let dir = std::env::temp_dir().join(format!("vfpga-sim-test-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.v");
    std::fs::write(&file, "module bad(input wire a, output wire b);\n assign b = a +;\nendmodule\n").unwrap();
    let e = ModelLib::build(&ModelSpec::new("bad", [&file]).cache_dir(&dir)).unwrap_err();
    assert_eq!(e.kind(), vfpga_sim::ErrorKind::Verilator);
    assert!(e.to_string().contains("bad.v:2"), "{e}");
    // nothing half-built is left in the cache
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with("bad-") && !n.ends_with(".lock"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    let e = ModelLib::build(&ModelSpec::new("bad", [dir.join("missing.v")])).unwrap_err();
    assert!(e.to_string().contains("missing.v"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn non_ansi_and_names_verilator_renames() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/odd_names.v");
    let lib = ModelLib::build(&ModelSpec::new("odd_names", [&file])).unwrap();
    let names: Vec<&str> = lib.ports().iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["clk", "s$data", "template", "a__b", "weird.name", "switch", "q$out"]);
    assert_eq!(parse_ports(&std::fs::read_to_string(&file).unwrap(), "odd_names").unwrap(), lib.ports());
    let mut m = lib.instantiate("odd_names");
    m.set("template", 1);
    m.set("a__b", 0b0101);
    m.set("weird.name", 1);
    m.set("s$data", 41);
    m.tick("clk");
    assert_eq!(m.get("switch"), 0b01010);
    assert_eq!(m.get("q$out"), 42);
}
