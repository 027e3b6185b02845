//! `vfpga bench attach` runs, every ATTACH succeeds, and the engine keeps
//! its fixed latency (the figures are reported, not asserted as wall time).

use vfpga::bench::attach::{bench, format_table};

#[test]
fn attach_benchmark_runs_and_engine_latency_is_fixed() {
    let r = bench(250.0, Some(std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")))).unwrap_or_else(|e| panic!("{e}"));
    print!("{}", format_table(&r));
    assert_eq!(r.rows.iter().map(|row| row.concurrent).collect::<Vec<_>>(), [1, 10, 100, 1000]);
    assert_eq!(r.engine_latency_cycles, 4, "FETCH, LOOKUP, EXEC after the IDLE cycle that sees the command");
    assert!(r.round_trip_cycles <= r.round_trip_target, "round trip {} cycles", r.round_trip_cycles);
    // Bus-bound: one CMD write and one RESP read per command on the bare
    // register bus (2 cycles each), plus the one CMD_ARG write.
    assert_eq!(r.rows[3].regbus_cycles, 4 * 1000 + 2, "the engine stalled the stream");
}
