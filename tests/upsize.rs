//! The host master's width adapter (`hdl/src/pcie/upsize.rs`, emitted as
//! `vfpga_host_upsize` for a 64- or 128-bit shell), simulated alone between
//! a narrow AXI4 master and a 256-bit host memory, at 64 and 128 bits:
//!
//! * random read bursts (unaligned addresses, 1 to 256 beats, within 4 KiB,
//!   random functions) from a region never written: every narrow R beat
//!   checked against the memory by the master model, and SLVERR on the
//!   pages the IOMMU refuses to a function (error responses carried);
//! * random write bursts (unaligned start and end) to another region: the
//!   memory ends equal to a reference written byte by byte, and every wide
//!   burst's strobes are exactly its narrow burst's bytes `[awaddr, end)`
//!   (what the `pcie` writer relies on to size its TLPs);
//! * the wide AW/W/AR channels checked every cycle (held while stalled,
//!   `wlast` on beat `awlen + 1`, no 4 KiB crossing, INCR of full beats),
//!   the narrow R and B channels likewise (held while stalled, `rlast`);
//! * random stalls on both sides, then full rate: narrow read beats per cycle.
//!
//! Seeds are printed; `VFPGA_SEED` replays one.

mod common;

use std::collections::VecDeque;

use vfpga::blocks::pcie::upsize_modules;
use vfpga::config::Config;
use vfpga_sim::axicheck::AxiMasterChecker;
use vfpga_sim::host::HostMem;
use vfpga_sim::pcie::shell_side::AxiMaster;
use vfpga_sim::{Model, Rng};

const FUNCTIONS: u32 = 4;
const READ_BASE: u64 = 0x10_0000;
const WRITE_BASE: u64 = 0x20_0000;
/// Pages of each region.
const PAGES: u64 = 8;
const PAGE: u64 = 4096;

fn model(dw: usize, name: &str) -> Model {
    let lib = common::model_of_modules(&format!("upsize-{dw}"), || {
        upsize_modules(&Config { data_width: dw, ..Config::default() }).expect("an adapter below 256 bits")
    });
    lib.instantiate(name)
}

/// A wide write burst as seen on AW, and the bytes its strobes covered so far.
struct WideWrite {
    addr: u64,
    beats: u64,
    seen: u64,
    bytes: Vec<u64>,
}

fn random_traffic(dw: usize) {
    let name = format!("upsize_random_bursts_{dw}");
    let mut rng = Rng::for_test(&name);
    let mut m = model(dw, &name);
    let clk = m.port("clk");
    let kw = (dw / 8) as u64;

    let mut master = AxiMaster::new(&m, "host", rng.fork());
    let mut mem = HostMem::new(&m, "m_axi_host", FUNCTIONS, 20, rng.fork());
    let mut wide_chk = AxiMasterChecker::new(&m, "m_axi_host");
    // Reads: every page for function 0, every other page for the others
    // (their reads of the rest answered SLVERR). Writes: every page, all.
    let mut fill = vec![0u8; (PAGES * PAGE) as usize];
    rng.fill_bytes(&mut fill);
    mem.write_bytes(READ_BASE, &fill);
    let mut init = vec![0u8; (PAGES * PAGE) as usize];
    rng.fill_bytes(&mut init);
    mem.write_bytes(WRITE_BASE, &init);
    let mut reference = init.clone();
    for f in 0..FUNCTIONS {
        for pg in 0..PAGES {
            if f == 0 || pg % 2 == 0 {
                mem.iommu.map(f, READ_BASE + pg * PAGE, PAGE, false);
            }
        }
        mem.iommu.map(f, WRITE_BASE, PAGES * PAGE, true);
    }

    m.set("rst", 1);
    m.ticks(clk, 3);
    m.set("rst", 0);

    // Narrow write bursts in order: (address, bytes); wide ones as seen on AW.
    let mut narrow_writes: VecDeque<(u64, u64)> = VecDeque::new();
    let mut wide_writes: VecDeque<WideWrite> = VecDeque::new();
    let p = |s: &str| m.port(&format!("m_axi_host_{s}"));
    let (awvalid, awready, awaddr, awlen) = (p("awvalid"), p("awready"), p("awaddr"), p("awlen"));
    let (wvalid, wready, wstrb, wlast) = (p("wvalid"), p("wready"), p("wstrb"), p("wlast"));

    let (mut reads, mut writes, mut errors) = (0u64, 0u64, 0u64);
    for (phase, (vp, rp, bursts)) in [(0.7, 0.6, 300), (1.0, 1.0, 100)].into_iter().enumerate() {
        master.valid_prob = vp;
        master.ready_prob = rp;
        mem.ready_prob = rp;
        let r_beats_before = master.r_beats;
        let mut cycles = 0u64;
        // At full rate: reads only, all of function 0 (none refused).
        let full = phase == 1;
        for _ in 0..bursts {
            let write = !full && rng.chance(0.5);
            let base = if write { WRITE_BASE } else { READ_BASE };
            let addr = base + rng.below(PAGES * PAGE);
            let room = PAGE - addr % PAGE;
            let f = if full { 0 } else { rng.below(FUNCTIONS as u64) as u32 };
            if write {
                let len = 1 + rng.below(room.min(256 * kw));
                let data = rng.bytes(len as usize);
                reference[(addr - WRITE_BASE) as usize..(addr - WRITE_BASE + len) as usize].copy_from_slice(&data);
                master.write(f, addr, &data);
                narrow_writes.push_back((addr, len));
                writes += 1;
            } else {
                let room_beats = (PAGE - (addr % PAGE & !(kw - 1))) / kw;
                let beats = 1 + rng.below(room_beats.min(256));
                master.read(f, addr, beats);
                reads += 1;
            }
        }
        while !master.idle() || !mem.idle() {
            master.drive(&mut m);
            mem.drive(&mut m);
            m.eval();
            // The wide write bursts' strobes, as the pcie writer reads them.
            if m.get_bool(awvalid) && m.get_bool(awready) {
                wide_writes.push_back(WideWrite { addr: m.get(awaddr), beats: m.get(awlen) + 1, seen: 0, bytes: Vec::new() });
            }
            if m.get_bool(wvalid) && m.get_bool(wready) {
                let w = wide_writes.front_mut().expect("a W beat before its AW (the checker reports it too)");
                let base = (w.addr & !31) + w.seen * 32;
                let strb = m.get_bytes(wstrb);
                w.bytes.extend((0..32u64).filter(|i| strb[*i as usize / 8] >> (i % 8) & 1 == 1).map(|i| base + i));
                w.seen += 1;
                if m.get_bool(wlast) {
                    let w = wide_writes.pop_front().unwrap();
                    let (addr, len) = narrow_writes.pop_front().expect("a wide burst with no narrow burst");
                    assert_eq!((w.addr, w.beats), (addr, ((addr + len - 1) / 32) - addr / 32 + 1), "{name}: wide AW of {len} bytes at {addr:#x}");
                    let want: Vec<u64> = (addr..addr + len).collect();
                    assert_eq!(w.bytes, want, "{name}: strobes of the wide burst at {addr:#x}");
                }
            }
            let oracle = |f: u32, a: u64| mem.iommu.allows(f, a, false).then(|| mem.byte(a));
            master.sample(&m, &oracle).unwrap_or_else(|e| panic!("{name}: narrow side: {e}"));
            wide_chk.check(&m).unwrap_or_else(|e| panic!("{name}: wide side: {e}"));
            mem.sample(&m).unwrap_or_else(|e| panic!("{name}: wide side: {e}"));
            m.tick(clk);
            cycles += 1;
            assert!(cycles < 2_000_000, "{name}: traffic stopped");
        }
        errors = master.error_beats;
        if full {
            let beats = master.r_beats - r_beats_before;
            let rate = beats as f64 / cycles as f64;
            println!("{name}: full rate: {beats} narrow R beats in {cycles} cycles ({rate:.2} per cycle)");
            // Bursts of 1 to 256 beats, one idle cycle between bursts and
            // the memory's latency at the start: well over half a beat per cycle.
            assert!(rate > 0.6, "{name}: {rate:.2} narrow read beats per cycle at full rate");
        }
    }
    assert!(narrow_writes.is_empty() && wide_writes.is_empty(), "{name}: write bursts left");
    assert_eq!(mem.read_bytes(WRITE_BASE, reference.len()), reference, "{name}: written memory");
    assert!(errors > 0, "{name}: no refused read (the IOMMU's pages)");
    assert!(mem.iommu.violations.iter().all(|v| !v.2), "{name}: a refused write");
    println!("{name}: {reads} read and {writes} write bursts, {errors} SLVERR beats, memory as the reference");
}

#[test]
fn random_bursts_64() {
    random_traffic(64);
}

#[test]
fn random_bursts_128() {
    random_traffic(128);
}
