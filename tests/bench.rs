//! `vfpga bench attach` runs, every ATTACH succeeds, and the engine keeps
//! its fixed latency (the figures are reported, not asserted as wall time).

use vfpga::bench::attach::{bench, figures, format_table};
use vfpga::bench::Clock;

#[test]
fn attach_benchmark_runs_and_engine_latency_is_fixed() {
    let clock = Clock { mhz: 125.0, source: "given by the test".into() };
    let r = bench(Some(clock), Some(std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")))).unwrap_or_else(|e| panic!("{e}"));
    let table = format_table(&r);
    print!("{table}");
    // Times are at the clock given, and say which.
    assert!(table.contains("times at 125.0 MHz (given by the test)"), "{table}");
    for row in &r.rows {
        assert_eq!(row.microseconds, Some(row.cycles as f64 / 125.0));
    }
    let us: Vec<_> = figures(&r).into_iter().filter(|f| f.unit == "us").collect();
    assert_eq!(us.len(), 4);
    assert!(us.iter().all(|f| f.name.contains("at 125.0 MHz (given by the test)")), "{us:?}");
    assert_eq!(r.rows.iter().map(|row| row.concurrent).collect::<Vec<_>>(), [1, 10, 100, 1000]);
    assert_eq!(r.engine_latency_cycles, 4, "FETCH, LOOKUP, EXEC after the IDLE cycle that sees the command");
    assert!(r.round_trip_cycles <= r.round_trip_target, "round trip {} cycles", r.round_trip_cycles);
    // Bus-bound: one CMD write and one RESP read per command on the bare
    // register bus (2 cycles each), plus the one CMD_ARG write.
    assert_eq!(r.rows[3].regbus_cycles, 4 * 1000 + 2, "the engine stalled the stream");
}
