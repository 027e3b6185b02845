//! `vfpga_shell_pcie`: the `pcie` block and the shell together, below the
//! hard block, simulated (Verilator, `vfpga_shell_pcie_sim`) between the
//! PG213 models of `sim/src/pcie/` (`ShellPcieSim`): every CQ request and CC
//! completion, every RQ request (TLP rules, IOMMU) and RC completion, and
//! the MSI-X ports checked on every cycle.
//!
//! BAR reads of the PF and of a VF go through CQ/CC; an orchestrator on the
//! PF attaches VMs, whose VFs move random messages by DMA through RQ/RC
//! into their partitions (passthrough, CRC-32) and get the results back,
//! each checked by its VM's scoreboard against the accelerator's reference;
//! the CRC's VM detaches (its running CRC saved in its VF's context memory)
//! and reattaches with it, and its results go on from there; the
//! orchestrator LOADs the CRC-32 into the passthrough's partition while the
//! CRC's VM runs (the prc reads the bitstream through RQ/RC) and a new VM
//! gets its results from the loaded partition.
//!
//! The scenarios of `tests/e2e.rs` that `common::world` holds run here
//! through PCIe too: a misbehaving VM affects no one else, VMs share the
//! CRC-32 and the KXOR (each VM's results its reference's from its own
//! context), and two VMs on the KXOR with weights 1 and 3 get 3/4 and 1/4.
//! One model per data width (3 partitions: passthrough, CRC-32, KXOR; 8 VFs)
//! serves every test. At 64 bits (the default design) the first scenario
//! runs too: the shell's host master reaches the 256-bit `pcie` block
//! through the width adapter (`vfpga_host_upsize`).
//! Seeds are printed; `VFPGA_SEED` replays one.

mod common;

use std::sync::Arc;

use common::rm_ref::{CrcRef, PassRef, Reference};
use common::world::{misbehaving_vm, share, weights_1_to_3, Shape, World};
use vfpga::blocks::pcie::user_width;
use vfpga::blocks::shell_pcie::shell_pcie_modules;
use vfpga::config::Config;
use vfpga_hdl::acc_id::{CIPHER, CRC32, PASSTHROUGH};
use vfpga_hdl::dma::regs::*;
use vfpga_hdl::ctx::regs::CTX_BASE;
use vfpga_hdl::mgr::regs::MGR_CAPS;
use vfpga_sim::driver::{Platform, Window};
use vfpga_sim::orchestrator::Orchestrator;
use vfpga_sim::pcie::platform::{ShellPcieSim, MRRS_CODE};
use vfpga_sim::pcie::{CA, SC, UR};
use vfpga_sim::vm::Vm;
use vfpga_sim::{ModelLib, Rng};

const VFS: usize = 8;
const PARTITIONS: usize = 3;

fn config(dw: usize) -> Config {
    Config { partitions: PARTITIONS, vfs: VFS, data_width: dw, partition_accels: vec![PASSTHROUGH, CRC32, CIPHER], ..Config::default() }
}

fn lib(dw: usize) -> Arc<ModelLib> {
    common::model_of_modules(&format!("shell-pcie-sim-{PARTITIONS}p-{VFS}vf-{dw}"), || {
        shell_pcie_modules(&config(dw), true).unwrap_or_else(|e| panic!("{e}"))
    })
}

/// PF memory for bitstreams.
const BITSTREAMS: u64 = 0x8_1000_0000;

fn vm_region(vm: u32) -> (u64, u64) {
    (0x1_0000_0000 + vm as u64 * (1 << 20), 1 << 20)
}

fn bar_dma_reattach_load(dw: usize) {
    let name = format!("shell_pcie_bar_dma_reattach_load_{dw}");
    let mut rng = Rng::for_test(&name);
    let mut sim = ShellPcieSim::new(&lib(dw), &name, user_width(dw), VFS as u32 + 1, rng.fork()).unwrap();

    // BAR reads through CQ/CC: the PF's manager and DMA registers, a VF's
    // DMA ID; a window beyond the design's functions is an Unsupported Request
    // of the pcie block, an undecoded offset a Completer Abort (SLVERR).
    let caps = sim.reg_read(0, MGR_CAPS).expect("PF MGR_CAPS");
    assert_ne!(caps, 0, "{name}: MGR_CAPS");
    assert_eq!(sim.read(0, R_ID), (SC, DMA_ID), "{name}: PF's DMA ID");
    let vf = 1 + rng.below(VFS as u64) as u32;
    assert_eq!(sim.read(vf, R_ID), (SC, DMA_ID), "{name}: VF {vf}'s DMA ID");
    assert_eq!(sim.read(vf, R_VERSION), (SC, DMA_VERSION), "{name}: VF {vf}'s DMA version");
    assert_eq!(sim.read(VFS as u32 + 1, R_ID).0, UR, "{name}: a function beyond the design");
    assert_eq!(sim.read(vf, MGR_CAPS).0, CA, "{name}: the manager's registers from a VF");

    // Attach two VMs and loop random messages through their partitions.
    let mut orch = Orchestrator::new(&mut sim).unwrap();
    assert_eq!((orch.vfs, orch.partitions), (VFS as u32, PARTITIONS as u32), "{name}: MGR_CAPS");
    let mut ts: Vec<Tenant> = Vec::new();
    for (id, acc) in [(7u32, PASSTHROUGH), (9, CRC32)] {
        let reference: Box<dyn Reference> = if acc == CRC32 { Box::new(CrcRef) } else { Box::new(PassRef) };
        let vm = Vm::new(id, vm_region(id), *rng.pick(&[512u32, 1500, 4096]), rng.fork());
        let ctx: Vec<u32> = (0..reference.ctx_regs()).map(|_| rng.next_u32() | 1).collect();
        let mut t = Tenant { vm, acc, reference, ctx, left: 6 };
        t.attach(&mut sim, &mut orch, &name, dw);
        ts.push(t);
    }
    run(&mut sim, &mut ts, &mut rng, dw, &name);

    // DETACH the CRC's VM: its running CRC is saved in its VF's context
    // memory (read back through CQ/CC); reattach it with that context and
    // go on: the results continue the same CRC.
    let crc = &mut ts[1];
    let old = orch.detach(&mut sim, crc.vm.id, CRC32).unwrap_or_else(|s| panic!("{name}: DETACH: {s:?}"));
    crc.vm.unplug(&mut sim).unwrap();
    assert_eq!(sim.read(old.vf, CTX_BASE), (SC, crc.ctx[0]), "{name}: saved context of the detached VF {}", old.vf);
    assert_eq!(sim.read(old.vf, R_CTRL), (SC, 0), "{name}: the detached VF's queues are off");
    crc.attach(&mut sim, &mut orch, &name, dw);
    crc.left = 4;
    run(&mut sim, &mut ts, &mut rng, dw, &name);

    // LOAD while the CRC's VM runs: the passthrough's VM detaches, the
    // CRC-32's partial bitstream for partition 0 (in PF memory) goes to the
    // prc, which reads it through RQ/RC as the PF; a new VM on the CRC-32
    // lands on the freshly loaded partition 0 and gets its own results.
    // The prc's words reach the configuration port with pauses while the
    // DMA shares RQ/RC (at 256 bits VFPGA_SEED=1, 5, 6 pause longer than
    // the ICAP model's former 16-cycle truncation limit): the LOAD must
    // still succeed.
    let pass = &mut ts[0];
    orch.detach(&mut sim, pass.vm.id, PASSTHROUGH).unwrap_or_else(|s| panic!("{name}: DETACH: {s:?}"));
    pass.vm.unplug(&mut sim).unwrap();
    let bits = vfpga::bitstream::pack(CRC32, 0, &vfpga::bitstream::payload(CRC32, 0, 3000));
    orch.register_bitstream(&mut sim, 1, CRC32, 0, BITSTREAMS + 0x40, &bits).unwrap();
    let reads_before = sim.port.reads;
    ts[1].left = 40;
    let load = orch.start_load(&mut sim, CRC32, 0).unwrap_or_else(|e| panic!("{name}: LOAD: {e:?}"));
    let mut ended = None;
    run_until(&mut sim, &mut ts, &mut rng, dw, &name, |sim, _| {
        ended = orch.poll_load(sim, &load);
        ended.is_some()
    });
    ended.unwrap().unwrap_or_else(|e| panic!("{name}: LOAD: {e:?}"));
    assert_eq!(orch.prc_partition(&mut sim, 0).unwrap().1, CRC32, "{name}: partition 0 holds the CRC-32");
    let kw = (user_width(dw) / 8) as u64;
    assert!(sim.port.reads - reads_before >= bits.len() as u64 / (128 << MRRS_CODE).max(kw), "{name}: the bitstream was read through RQ");
    let mut late = Tenant { vm: Vm::new(11, vm_region(11), 1500, rng.fork()), acc: CRC32, reference: Box::new(CrcRef), ctx: vec![rng.next_u32() | 1], left: 4 };
    late.attach(&mut sim, &mut orch, &name, dw);
    assert_eq!(late.vm.attachment().unwrap().partition, 0, "{name}: ATTACH finds the loaded CRC-32 first");
    ts.push(late);
    run(&mut sim, &mut ts, &mut rng, dw, &name);

    for t in &ts {
        t.vm.finish().unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let received: u64 = ts.iter().map(|t| t.vm.received).sum();
    assert_eq!(received, 60, "{name}: results");
    assert_eq!(sim.drop_count(), 0, "{name}: packets dropped by the switch");
    assert!(sim.host.iommu.violations.is_empty(), "{name}: IOMMU refused {:?}", sim.host.iommu.violations);
    assert!(sim.port.reads > 0 && sim.port.writes > 0 && sim.port.completions >= sim.port.reads, "{name}: RQ/RC traffic");
    assert!(!sim.irqs.is_empty(), "{name}: no MSI-X interrupt");
    println!(
        "{name}: {} cycles, {} BAR accesses, {} read TLPs, {} write TLPs, {} completions, {} MSI-X",
        sim.cycle, sim.bar_accesses.0, sim.port.reads, sim.port.writes, sim.port.completions, sim.irqs.len()
    );
}

/// A VM on one accelerator: its reference, the context the reference runs
/// with, and the messages it still has to send.
struct Tenant {
    vm: Vm,
    acc: u32,
    reference: Box<dyn Reference>,
    ctx: Vec<u32>,
    left: usize,
}

impl Tenant {
    /// ATTACH, plug the VF, write the context (read back through CQ/CC).
    fn attach(&mut self, sim: &mut ShellPcieSim, orch: &mut Orchestrator, name: &str, dw: usize) {
        let att = orch.attach(sim, self.vm.id, self.acc).unwrap_or_else(|s| panic!("{name}: ATTACH(vm {}, {:#x}): {s:?}", self.vm.id, self.acc));
        self.vm.plug(sim, att).unwrap();
        let mut image = self.ctx.clone();
        image.resize(config(dw).context_words, 0);
        self.vm.context_write(sim, &image).unwrap();
        assert_eq!(self.vm.context_read(sim, image.len()).unwrap(), image, "{name}: vm {}'s context reads back", self.vm.id);
    }
}

/// Random messages of every tenant until each has sent its `left` and got
/// every result back (each checked by its VM's scoreboard).
fn run(sim: &mut ShellPcieSim, ts: &mut [Tenant], rng: &mut Rng, dw: usize, name: &str) {
    run_until(sim, ts, rng, dw, name, |_, ts| ts.iter().all(|t| t.left == 0 && t.vm.idle()));
}

/// The same traffic until `stop` says so (asked before each round).
fn run_until(sim: &mut ShellPcieSim, ts: &mut [Tenant], rng: &mut Rng, dw: usize, name: &str, mut stop: impl FnMut(&mut ShellPcieSim, &[Tenant]) -> bool) {
    let limit = sim.cycle + 600_000;
    while !stop(sim, ts) {
        feed(sim, ts, rng, dw);
        sim.advance(rng.range(100..500));
        reap(sim, ts, name);
        assert!(sim.cycle < limit, "{name}: traffic stopped");
    }
}

/// Each plugged tenant with messages left and fewer than 3 outstanding sends one.
fn feed(sim: &mut ShellPcieSim, ts: &mut [Tenant], rng: &mut Rng, dw: usize) {
    for t in ts.iter_mut().filter(|t| t.vm.vf().is_some()) {
        if t.left > 0 && t.vm.outstanding() < 3 {
            let len = rng.range_usize(1..2500);
            let msg = rng.bytes(len);
            let mut c = t.ctx.clone();
            let expect = t.reference.process(&mut c, &msg, dw / 8);
            if t.vm.send(sim, &msg, &[], rng.below(64), rng.chance(0.5), expect).unwrap() {
                t.ctx = c;
                t.left -= 1;
            }
        }
    }
}

/// Each plugged tenant collects its results (checked by its scoreboard); no DMA error.
fn reap(sim: &mut ShellPcieSim, ts: &mut [Tenant], name: &str) {
    for t in ts.iter_mut().filter(|t| t.vm.vf().is_some()) {
        t.vm.collect(sim).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(t.vm.error(sim).unwrap(), ERR_NONE, "{name}: vm {} DMA error", t.vm.id);
    }
}

/// A 64-bit shell on the 256-bit user interface, its host master through
/// the width adapter (`vfpga_host_upsize`).
#[test]
fn bar_dma_reattach_load_64() {
    bar_dma_reattach_load(64);
}

#[test]
fn bar_dma_reattach_load_256() {
    bar_dma_reattach_load(256);
}

#[test]
fn bar_dma_reattach_load_512() {
    bar_dma_reattach_load(512);
}

// ------------------------------------------------ function-level reset

/// An FLR of function `f` through the shell's `flr_*` port (as the chip top
/// drives it from the hard block's FLR in process), while the tenants `ts`
/// go on with their traffic; returns the cycle its done came. The done is
/// one cycle and names `f` (`ShellPcieSim::flr_dones`); the port takes no
/// second request until then.
fn flr(sim: &mut ShellPcieSim, f: u32, ts: &mut [Tenant], rng: &mut Rng, dw: usize, name: &str) -> u64 {
    let ready = sim.m.port("flr_ready");
    while sim.m.get(ready) == 0 {
        sim.step();
    }
    let dones = sim.flr_dones.len();
    sim.m.set("flr_valid", 1);
    sim.m.set("flr_function", f as u64);
    sim.step();
    sim.m.set("flr_valid", 0);
    let limit = sim.cycle + 400_000;
    while sim.flr_dones.len() == dones {
        assert_eq!(sim.m.get(ready), 0, "{name}: FLR port ready before the done of function {f}");
        feed(sim, ts, rng, dw);
        sim.advance(rng.range(100..500));
        reap(sim, ts, name);
        assert!(sim.cycle < limit, "{name}: no FLR done for function {f}");
    }
    assert_eq!(sim.flr_dones[dones..].iter().map(|d| d.1).collect::<Vec<_>>(), [f], "{name}: FLR dones");
    sim.flr_dones[dones].0
}

/// A VF with H2C and C2H work posted (its VM on the CRC-32, messages in
/// flight) gets an FLR in the middle of its transfers while another VM
/// (passthrough) keeps moving data: the done comes; from then on no host
/// access and no interrupt on behalf of the VF; its DMA registers and its
/// context memory read their reset values; the other VM's results are all
/// right (its scoreboard); the VF, still attached to its VM (the manager's
/// tables unchanged), is set up again and moves data, its results those of
/// a fresh context. An FLR of a VF attached to nobody (its context memory
/// cleared) and of the PF answer too.
fn flr_mid_transfer(dw: usize) {
    let name = format!("shell_pcie_flr_{dw}");
    let mut rng = Rng::for_test(&name);
    let mut sim = ShellPcieSim::new(&lib(dw), &name, user_width(dw), VFS as u32 + 1, rng.fork()).unwrap();
    let mut orch = Orchestrator::new(&mut sim).unwrap();
    let mut ts: Vec<Tenant> = Vec::new();
    for (id, acc, left) in [(7u32, PASSTHROUGH, 30), (9, CRC32, 1000)] {
        let reference: Box<dyn Reference> = if acc == CRC32 { Box::new(CrcRef) } else { Box::new(PassRef) };
        let vm = Vm::new(id, vm_region(id), *rng.pick(&[512u32, 1500, 4096]), rng.fork());
        let ctx: Vec<u32> = (0..reference.ctx_regs()).map(|_| rng.next_u32() | 1).collect();
        let mut t = Tenant { vm, acc, reference, ctx, left };
        t.attach(&mut sim, &mut orch, &name, dw);
        ts.push(t);
    }
    let vf = ts[1].vm.vf().unwrap();
    let part = ts[1].vm.attachment().unwrap().partition;
    // Into the CRC VM's transfers: results outstanding, descriptors posted.
    run_until(&mut sim, &mut ts, &mut rng, dw, &name, |_, ts| ts[1].vm.sent >= 3 && ts[1].vm.outstanding() >= 2 && ts[1].vm.tx_in_flight() > 0);
    let before = orch.status_table(&mut sim).unwrap();
    let at = sim.cycle;
    let done = flr(&mut sim, vf, &mut ts[..1], &mut rng, dw, &name);
    println!("{name}: FLR of VF {vf} requested at cycle {at}, done at {done}");
    let seen = sim.host.accesses.get(&vf).copied();
    let irqs = sim.irqs.len();
    // The passthrough VM goes on; nothing of the reset VF on the host's side.
    let until = sim.cycle + 30_000;
    ts[0].left += 10;
    run_until(&mut sim, &mut ts[..1], &mut rng, dw, &name, |sim, _| sim.cycle >= until);
    assert_eq!(sim.host.accesses.get(&vf).copied(), seen, "{name}: host accesses of VF {vf} after its FLR's done");
    assert!(!sim.irqs[irqs..].iter().any(|i| i.1 == vf), "{name}: an interrupt of VF {vf} after its FLR's done");
    let regs = [R_CTRL, R_STATUS, R_H2C_BASE_LO, R_H2C_BASE_HI, R_H2C_SIZE, R_H2C_PIDX, R_H2C_CIDX, R_C2H_BASE_LO,
        R_C2H_BASE_HI, R_C2H_SIZE, R_C2H_PIDX, R_C2H_CIDX, R_IRQ_MASK, R_IRQ_STATUS];
    for r in regs {
        assert_eq!(sim.read(vf, r), (SC, 0), "{name}: VF {vf}'s register {r:#x} after its FLR");
    }
    assert_eq!(sim.read(vf, CTX_BASE), (SC, 0), "{name}: VF {vf}'s context after its FLR");
    // Still attached: the manager's tables are unchanged.
    let after = orch.status_table(&mut sim).unwrap();
    assert_eq!((&after.vfs, after.free_vfs), (&before.vfs, before.free_vfs), "{name}: the manager's VF table after the FLR");
    assert_eq!((after.vf(vf).vm, after.vf(vf).partition), (9, part), "{name}: vm 9's attachment after the FLR");
    // Set up again from scratch, with a fresh context: it moves data.
    let crc = &mut ts[1];
    crc.vm.reset(&mut sim).unwrap();
    crc.ctx = vec![rng.next_u32() | 1];
    let mut image = crc.ctx.clone();
    image.resize(config(dw).context_words, 0);
    crc.vm.context_write(&mut sim, &image).unwrap();
    let received = crc.vm.received;
    crc.left = 6;
    run(&mut sim, &mut ts, &mut rng, dw, &name);
    assert_eq!(ts[1].vm.received - received, 6, "{name}: results of VF {vf} after its FLR");
    for t in &ts {
        t.vm.finish().unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    assert_eq!((ts[0].vm.received, ts[0].vm.lost), (40, 0), "{name}: the passthrough VM's results");
    // A VF attached to nobody (something left in its context memory), and
    // the PF: reset and answered.
    let free = VFS as u32;
    assert!(ts.iter().all(|t| t.vm.vf() != Some(free)));
    let word = rng.next_u32() | 1;
    sim.write(free, CTX_BASE, word);
    assert_eq!(sim.read(free, CTX_BASE), (SC, word), "{name}: VF {free}'s context word");
    flr(&mut sim, free, &mut [], &mut rng, dw, &name);
    assert_eq!(sim.read(free, R_CTRL), (SC, 0), "{name}: VF {free} after its FLR");
    assert_eq!(sim.read(free, CTX_BASE), (SC, 0), "{name}: VF {free}'s context after its FLR");
    flr(&mut sim, 0, &mut [], &mut rng, dw, &name);
    assert_eq!(sim.read(0, R_H2C_SIZE), (SC, 0), "{name}: the PF's DMA after its FLR");
    assert_eq!(sim.drop_count(), 0, "{name}: packets dropped by the switch");
    assert!(sim.host.iommu.violations.is_empty(), "{name}: IOMMU refused {:?}", sim.host.iommu.violations);
}

#[test]
fn flr_mid_transfer_256() {
    flr_mid_transfer(256);
}

#[test]
fn flr_mid_transfer_512() {
    flr_mid_transfer(512);
}

// ------------------------------------------- the e2e scenarios through PCIe

/// A scenario's world (`common::world`) on its own instance of the model.
fn world(name: &str, dw: usize) -> World<ShellPcieSim> {
    let mut rng = Rng::for_test(name);
    let sim = ShellPcieSim::new(&lib(dw), name, dw, VFS as u32 + 1, rng.fork()).unwrap();
    let shape = Shape { vfs: VFS as u32, partitions: PARTITIONS as u32, context_words: config(dw).context_words, beat: dw / 8 };
    World::new(sim, rng, name, shape)
}

#[test]
fn misbehaving_vm_affects_no_one_else_256() {
    misbehaving_vm(&mut world("shell_pcie_misbehave_256", 256));
}

#[test]
fn misbehaving_vm_affects_no_one_else_512() {
    misbehaving_vm(&mut world("shell_pcie_misbehave_512", 512));
}

/// 2, 4 and 8 VMs share one CRC-32, 4 the KXOR (`common::world::share`).
fn sharing(dw: usize) {
    for n in [2, 4, 8] {
        share(world(&format!("shell_pcie_share_crc32_{n}_{dw}"), dw), CRC32, n, 48, 300);
    }
    share(world(&format!("shell_pcie_share_kxor_{dw}"), dw), CIPHER, 4, 48, 300);
}

#[test]
fn crc32_and_kxor_shared_256() {
    sharing(256);
}

#[test]
fn crc32_and_kxor_shared_512() {
    sharing(512);
}

/// Two VMs share the KXOR with weights 1 and 3 (SET_QOS), both always busy:
/// the second owns 3/4 of the time and gets 3/4 of the bytes.
fn kxor_weights(dw: usize) {
    let mut w = world(&format!("shell_pcie_weights_{dw}"), dw);
    let mut d = common::world::Tenant::new(&mut w, 4, CIPHER, usize::MAX);
    let mut e = common::world::Tenant::new(&mut w, 5, CIPHER, usize::MAX);
    for (t, weight) in [(&mut d, 1), (&mut e, 3)] {
        // Always more queued than a turn (up to 3 x 1000 cycles) moves.
        t.vm.ring_log2 = 10;
        t.max_len = 2048;
        t.big_prob = 0.0;
        t.window = 256;
        let vf = t.attach_fresh(&mut w).vf;
        w.orch.set_qos(&mut w.sim, vf, weight, 1000).unwrap();
    }
    // Settle into the turns, then measure.
    w.run_for(&mut [&mut d, &mut e], 10_000);
    weights_1_to_3(&mut w, &mut d, &mut e, 100_000);
    d.to_send = 0;
    e.to_send = 0;
    w.run_to_end(&mut [&mut d, &mut e], 2_000_000);
    w.finish(&mut [&mut d, &mut e], |_, _, _| false);
}

#[test]
fn kxor_weights_1_to_3_256() {
    kxor_weights(256);
}

#[test]
fn kxor_weights_1_to_3_512() {
    kxor_weights(512);
}
