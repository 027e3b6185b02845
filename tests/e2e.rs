//! End to end on the whole shell (`vfpga_shell_sim`, Verilator), the seed's
//! story as its users live it: an orchestrator on the PF attaches VMs to
//! accelerators; each VM gets a VF, sends data by DMA from its own memory
//! through the switch to its accelerator and gets the results back on its
//! C2H ring; the orchestrator loads another accelerator into a free
//! partition while the others run; a VM detaches and reattaches (and one
//! is detached mid-transfer: its VF is reset for the next); a misbehaving VM
//! harms no one else; a packet cut short by a refused read never reaches an
//! accelerator as a whole one.
//!
//! One model for every scenario (4 partitions: passthrough, CRC-32, KXOR,
//! passthrough; 8 VFs), built once per test binary and cached on disk; each
//! scenario runs its own instance. Every cycle checks the BAR (AXI4-Lite
//! slave side), the DMA's and the prc's AXI4 master channels, the host rules
//! (4 KiB bursts, function numbers, IOMMU pages per function) and the
//! interrupt handshake (`vfpga_sim::shell::ShellSim`). Every result packet is
//! checked against the Rust reference of its accelerator
//! (`common::rm_ref`) by its VM's scoreboard; nothing may arrive anywhere
//! else (the PF keeps receive buffers posted as a sentinel, unattached
//! functions may not touch host memory, the switch may drop nothing). Random
//! traffic comes from a fixed seed per scenario, printed; `VFPGA_SEED`
//! replays one.
//!
//! ATTACH binds a VM to the *first* partition holding the accelerator, so
//! with this layout VMs reach partitions 0-2 (partition 3's passthrough is
//! behind partition 0's), and VMs on the same accelerator share its
//! partition: the sharing scenarios at the end (the scheduler's turns,
//! context switches, weights) use exactly that.

mod common;

use std::sync::Arc;
use std::time::Instant;

use common::world::{check_irqs, misbehaving_vm, set_default_slice, share, start_context, vm_region, weights_1_to_3, Shape, Tenant};
use vfpga::blocks::shell::shell_modules;
use vfpga::config::Config;
use vfpga_hdl::acc_id::{CIPHER, CRC32, PASSTHROUGH};
use vfpga_hdl::dma::regs::*;
use vfpga_hdl::mgr::regs::PART_ACC;
use vfpga_hdl::prc::icap_model::select_of;
use vfpga_hdl::prc::regs as prc;
use vfpga_sim::driver::Platform;
use vfpga_sim::orchestrator::{Attachment, LoadError, Status};
use vfpga_sim::shell::{ShellSim, OKAY};
use vfpga_sim::vm::Vm;
use vfpga_sim::{ModelLib, Rng};

const VFS: usize = 8;
const PARTITIONS: usize = 4;
const CONTEXT_WORDS: usize = 16;
/// Bytes per beat of the data path (64 bits).
const BEAT: usize = 8;
/// Host memory latency, cycles.
const LATENCY: u64 = 64;

fn config() -> Config {
    Config {
        partitions: PARTITIONS,
        vfs: VFS,
        context_words: CONTEXT_WORDS,
        partition_accels: vec![PASSTHROUGH, CRC32, CIPHER, PASSTHROUGH],
        ..Config::default()
    }
}

/// The shape the shared scenarios (`common::world`) see.
const SHAPE: Shape = Shape { vfs: VFS as u32, partitions: PARTITIONS as u32, context_words: CONTEXT_WORDS, beat: BEAT };

type World = common::world::World<ShellSim>;

/// A scenario's world on its own instance of the model.
fn world(name: &str) -> World {
    let lib = lib();
    let mut rng = Rng::for_test(name);
    let sim = ShellSim::new(&lib, name, VFS as u32 + 1, LATENCY, rng.fork()).unwrap();
    World::new(sim, rng, name, SHAPE)
}

/// The one model of every scenario.
fn lib() -> Arc<ModelLib> {
    let cfg = config();
    let accels: Vec<String> = cfg.partition_accels.iter().map(|a| format!("{a:x}")).collect();
    let key = format!("shell-sim-{}p-{}vf-{}", cfg.partitions, cfg.vfs, accels.join("_"));
    let t = Instant::now();
    let lib = common::model_of_modules(&key, || shell_modules(&cfg, true));
    if lib.was_built() {
        eprintln!("e2e: built the shell model in {:.1?}", t.elapsed());
    }
    lib
}

/// Where bitstreams go (PF memory).
const BITSTREAMS: u64 = 0x8_1000_0000;

/// The seed's story: three VMs attach to three accelerators (passthrough,
/// CRC-32, KXOR), each gets its own VF and partition, and sends random
/// multi-packet data (1 B..9 KiB per packet, 1-3 descriptors, random
/// alignment, receive buffers of 512 B..4 KiB) interleaved with the others';
/// each gets back exactly its accelerator's results. The orchestrator's
/// status table follows every step; SET_QOS reaches the VF's window.
#[test]
fn story_vms_attach_send_and_get_results() {
    let mut w = world("e2e_story");
    // Each partition holds its configured accelerator from reset, in the
    // simulated partitions as in the manager's table.
    for (p, &acc) in config().partition_accels.iter().enumerate() {
        assert_eq!(w.sim.m.get(format!("rm_select_p{p}").as_str()), select_of(acc), "partition {p}'s RM at reset");
    }
    let t0 = w.table();
    assert_eq!(t0.free_vfs, VFS as u32);
    assert_eq!(t0.partitions.iter().map(|p| p.acc).collect::<Vec<_>>(), config().partition_accels);
    assert!(t0.partitions.iter().all(|p| p.tenants == 0 && p.owner == 0) && t0.vfs.iter().all(|v| !v.attached));

    let mut a = Tenant::new(&mut w, 11, PASSTHROUGH, 120);
    let mut b = Tenant::new(&mut w, 22, CRC32, 120);
    let mut c = Tenant::new(&mut w, 33, CIPHER, 120);
    let atts: Vec<Attachment> = [&mut a, &mut b, &mut c].into_iter().map(|t| t.attach_fresh(&mut w)).collect();
    assert_eq!(atts.iter().map(|x| x.partition).collect::<Vec<_>>(), [0, 1, 2], "partitions holding each accelerator");
    let mut vfs: Vec<u32> = atts.iter().map(|x| x.vf).collect();
    vfs.sort();
    vfs.dedup();
    assert_eq!(vfs.len(), 3, "one VF per attachment: {atts:?}");
    assert_eq!(w.orch.attach(&mut w.sim, 22, CRC32).unwrap_err(), Status::AlreadyAttached);
    assert_eq!(w.orch.attach(&mut w.sim, 44, 0x1234_5678).unwrap_err(), Status::NoAcc);

    // The status table says who is where.
    let t = w.table();
    assert_eq!(t.free_vfs, VFS as u32 - 3);
    for x in &atts {
        let r = t.vf(x.vf);
        assert!(r.attached && r.vm == x.vm && r.partition == x.partition && r.weight == DEFAULT_WEIGHT, "VF {}: {r:?}", x.vf);
        let p = t.partitions[x.partition as usize];
        // A VF owns its partition from its first turn (its first packet).
        assert_eq!((p.owner, p.tenants), (0, 1), "partition {}", x.partition);
    }
    // QoS: the orchestrator sets weight 4 for the CRC's VF; its window shows it.
    w.orch.set_qos(&mut w.sim, atts[1].vf, 4, 100).unwrap();
    assert_eq!(b.vm.window_read(&mut w.sim, R_WEIGHT).unwrap(), Some(4));
    let r = *w.table().vf(atts[1].vf);
    assert_eq!((r.weight, r.slice), (4, 100));
    assert_eq!(w.orch.set_qos(&mut w.sim, atts[1].vf, 0, 0).unwrap_err(), Status::BadArg);
    let free_vf = (1..=VFS as u32).find(|v| !vfs.contains(v)).unwrap();
    assert_eq!(w.orch.set_qos(&mut w.sim, free_vf, 2, 0).unwrap_err(), Status::NotAttached);

    let mut ts = [&mut a, &mut b, &mut c];
    w.run_to_end(&mut ts, 2_000_000);
    let t = w.table();
    for x in &atts {
        assert_eq!(t.partitions[x.partition as usize].owner, x.vf, "VF {} owns partition {} once it sent", x.vf, x.partition);
    }
    check_irqs(&ts);
    w.finish(&mut ts, |_, _, _| false);
}

const DEFAULT_WEIGHT: u32 = vfpga_hdl::mgr::regs::DEFAULT_QOS_WEIGHT;

/// Load while others run: VMs on the CRC-32 (partition 1) and the KXOR
/// (partition 2) move traffic while the orchestrator LOADs the CRC-32 into
/// partition 0 (free: nobody attached to its passthrough) from a bitstream
/// in PF-owned host memory; the prc reads it as the PF, through the same
/// IOMMU. A LOAD of a partition with a tenant is refused (PARTITION_BUSY).
/// The others' results stay right through the load; then a new VM attaches
/// to the CRC-32, lands on the freshly loaded partition 0 (the first
/// holding it) and gets its own results; the passthrough, gone from
/// partition 0, is now found in partition 3.
#[test]
fn load_while_others_run() {
    let mut w = world("e2e_load");
    let mut a = Tenant::new(&mut w, 5, CRC32, 100);
    let mut b = Tenant::new(&mut w, 6, CIPHER, 100);
    let pa = a.attach_fresh(&mut w);
    let pb = b.attach_fresh(&mut w);
    assert_eq!((pa.partition, pb.partition), (1, 2));

    // The CRC-32's partial bitstream for partition 0, in PF memory, in slot 2.
    let words = 12_000;
    let bits = vfpga::bitstream::pack(CRC32, 0, &vfpga::bitstream::payload(CRC32, 0, words));
    w.orch.register_bitstream(&mut w.sim, 2, CRC32, 0, BITSTREAMS + 0x7c0, &bits).unwrap();
    assert_eq!(w.orch.start_load(&mut w.sim, CRC32, 1).unwrap_err(), LoadError::Refused(Status::PartitionBusy));

    // Traffic first, then the LOAD in the middle of it.
    w.run_for(&mut [&mut a, &mut b], 3000);
    let before = (a.vm.received, b.vm.received);
    let dma = |w: &World, f: u32| w.sim.host.accesses.get(&f).map_or(0, |a| a.0 + a.1);
    let dma_before = (dma(&w, pa.vf), dma(&w, pb.vf));
    let load = w.orch.start_load(&mut w.sim, CRC32, 0).unwrap();
    assert_eq!(w.sim.read(0, PART_ACC), (OKAY, 0), "partition 0 empty while it loads");
    assert!(w.sim.m.get("decoupled_p0") == 1 || w.orch.poll_load(&mut w.sim, &load).is_some(), "partition 0 decoupled while it loads");
    let mut ended = None;
    let mut polls = 0;
    w.run(&mut [&mut a, &mut b], 200_000, |w, _| {
        polls += 1;
        ended = w.orch.poll_load(&mut w.sim, &load);
        ended.is_some()
    });
    ended.unwrap().unwrap_or_else(|e| panic!("LOAD: {e:?}"));
    let during = (a.vm.received - before.0, b.vm.received - before.1);
    let dma_during = (dma(&w, pa.vf) - dma_before.0, dma(&w, pb.vf) - dma_before.1);
    eprintln!("e2e_load: LOAD ended after {polls} polls; during it: results {during:?}, host accesses {dma_during:?}");
    assert!(dma_during.0 > 0 && dma_during.1 > 0, "the others' DMA ran during the LOAD: {dma_during:?}");
    assert!(during.0 + during.1 > 0, "results came back during the LOAD");
    assert_eq!(w.sim.m.get("decoupled_p0"), 0, "partition 0 coupled again");
    let (st, acc) = w.orch.prc_partition(&mut w.sim, 0).unwrap();
    assert_eq!((st >> 3 & 1, acc), (1, CRC32), "prc: partition 0 loaded with the CRC-32 (part_status {st:#x})");
    // The prc read the whole bitstream, as the PF, inside the PF's pages.
    let read: u64 = w.sim.prc_port.bursts.iter().map(|b| b.2 * 4).sum();
    assert_eq!(read, bits.len() as u64, "bitstream bytes read");
    assert!(w.sim.prc_port.bursts.iter().all(|b| b.0 == 0), "prc reads carry the PF's number");
    assert_eq!(w.sim.read(0, prc::offset("load_count")), (OKAY, 1));

    // A new VM on the CRC-32: partition 0, fresh from its reset.
    let mut c = Tenant::new(&mut w, 7, CRC32, 60);
    let pc = c.attach_fresh(&mut w);
    assert_eq!(pc.partition, 0, "ATTACH finds the loaded CRC-32 first");
    let t = w.table();
    assert_eq!(t.partitions.iter().map(|p| p.acc).collect::<Vec<_>>(), [CRC32, CRC32, CIPHER, PASSTHROUGH]);
    assert_eq!((t.partitions[0].owner, t.partitions[0].tenants), (0, 1), "owned from the VF's first packet");
    // The passthrough is still reachable, in partition 3.
    let mut d = Tenant::new(&mut w, 8, PASSTHROUGH, 60);
    assert_eq!(d.attach_fresh(&mut w).partition, 3);
    a.to_send += 20;
    b.to_send += 20;
    let mut ts = [&mut a, &mut b, &mut c, &mut d];
    w.run_to_end(&mut ts, 2_000_000);
    check_irqs(&ts);
    w.finish(&mut ts, |_, _, _| false);
}

/// Detach and reattach: three VMs run; the CRC-32's VM detaches mid-session
/// (after its traffic is reaped) while the others go on, and its VF returns
/// to the free list. Its old VF's window then reaches nothing of it: a
/// doorbell rung there makes no host access (the VF's queues are off and
/// the IOMMU took the VM's pages back) and sends nothing to any partition.
/// The VM reattaches (taking the VF at the head of the free list), resumes
/// its CRC from where it stood (the context it writes is the running CRC,
/// which is also what the partition still holds) and works again.
#[test]
fn detach_and_reattach() {
    let mut w = world("e2e_reattach");
    let mut a = Tenant::new(&mut w, 100, CRC32, 50);
    let mut b = Tenant::new(&mut w, 200, PASSTHROUGH, 200);
    let mut c = Tenant::new(&mut w, 300, CIPHER, 200);
    let old = a.attach_fresh(&mut w);
    b.attach_fresh(&mut w);
    c.attach_fresh(&mut w);
    // Until the CRC's VM has sent everything and got every result back.
    w.run(&mut [&mut a, &mut b, &mut c], 2_000_000, |_, ts| ts[0].done());
    assert!(b.to_send > 0 && c.to_send > 0, "the others are still sending");

    // DETACH while the others run.
    let d = w.orch.detach(&mut w.sim, 100, CRC32).unwrap();
    assert_eq!(d, old, "DETACH names the VF and partition");
    a.vm.unplug(&mut w.sim).unwrap();
    let t = w.table();
    assert!(!t.vf(old.vf).attached, "VF {} free", old.vf);
    assert_eq!((t.partitions[1].owner, t.partitions[1].tenants), (0, 0), "partition 1 without tenant");
    // Its context was saved into its VF's memory: the running CRC.
    assert_eq!(w.sim.read(old.vf, vfpga_hdl::ctx::regs::CTX_BASE), (OKAY, a.ctx[0]), "saved context of the detached owner");
    assert_eq!(t.free_vfs, VFS as u32 - 2);
    assert_eq!(w.orch.detach(&mut w.sim, 100, CRC32).unwrap_err(), Status::NotAttached);

    // The old VF's window: its queues are off. Post a descriptor in the
    // VM's old ring (as a stale driver would) and ring the doorbell.
    let accesses = w.sim.host.accesses.get(&old.vf).copied();
    let region = a.vm.region;
    let stale = region.0 + 0x8_0000;
    w.sim.host.write_bytes(stale, &[0x5a; 256]);
    let mut desc = stale.to_le_bytes().to_vec();
    desc.extend_from_slice(&256u32.to_le_bytes());
    desc.extend_from_slice(&DESC_EOP.to_le_bytes());
    let pidx = w.sim.read(old.vf, R_H2C_PIDX).1;
    w.sim.host.write_bytes(region.0 + DESC_BYTES * pidx as u64, &desc);
    assert_eq!(w.sim.write(old.vf, R_H2C_PIDX, (pidx + 1) % 64), OKAY);
    w.run_for(&mut [&mut b, &mut c], 3000);
    assert_eq!(w.sim.host.accesses.get(&old.vf).copied(), accesses, "old VF {} touched host memory after DETACH", old.vf);
    assert_eq!(w.sim.read(old.vf, R_H2C_CIDX).1, pidx, "old VF's descriptor not consumed");
    assert!(w.sim.host.iommu.violations.is_empty());
    // Take the stale descriptor back before the VF goes to anyone.
    assert_eq!(w.sim.write(old.vf, R_CTRL, CTRL_RESET), OKAY);

    // Reattach: resume the CRC from its running value.
    let resume = a.ctx.clone();
    let new = a.attach(&mut w, resume);
    assert_eq!(new.partition, 1);
    eprintln!("e2e_reattach: VF {} -> VF {}", old.vf, new.vf);
    let t = w.table();
    assert_eq!((t.partitions[1].owner, t.partitions[1].tenants), (0, 1), "owned from the VF's first packet");
    assert!(t.vf(new.vf).attached && t.vf(new.vf).vm == 100);
    a.to_send = 50;
    let mut ts = [&mut a, &mut b, &mut c];
    w.run_to_end(&mut ts, 2_000_000);
    assert_eq!(w.table().partitions[1].owner, new.vf, "the VF owns its partition once it sent");
    check_irqs(&ts);
    w.finish(&mut ts, |_, _, _| false);
}

/// Function-level reset on DETACH: a tenant is detached in the middle of
/// its transfers (messages posted, results outstanding, an interrupt mask
/// set) while another works. Once DETACH has returned, the VF makes no host
/// access (its rings and buffers are left alone) and requests no interrupt,
/// and its DMA registers (rings, indices, run bits, error, interrupt mask
/// and status) read their reset values; the next VM given the same VF finds
/// them so too, and works on it: its results are right, and the VF never
/// touches the old tenant's ring or buffer addresses (the IOMMU no longer
/// maps them for that VF: any access would be refused and fail the test).
#[test]
fn detach_mid_transfer_resets_the_vf() {
    let mut w = world("e2e_detach_flr");
    let mut a = Tenant::new(&mut w, 100, PASSTHROUGH, 400);
    let mut b = Tenant::new(&mut w, 200, CIPHER, 60);
    let old = a.attach_fresh(&mut w);
    b.attach_fresh(&mut w);
    w.run(&mut [&mut a, &mut b], 2_000_000, |_, ts| ts[0].vm.received >= 4 && ts[0].vm.outstanding() > 0);
    a.pump(&mut w.sim);
    assert!(a.vm.outstanding() > 0, "the tenant has work posted");
    // Interrupt state that is not the reset one: C2H interrupts masked.
    assert_eq!(w.sim.write(old.vf, R_IRQ_MASK, 1 << IRQ_C2H), OKAY);
    let regs = [R_CTRL, R_STATUS, R_H2C_BASE_LO, R_H2C_BASE_HI, R_H2C_SIZE, R_H2C_PIDX, R_H2C_CIDX, R_C2H_BASE_LO,
        R_C2H_BASE_HI, R_C2H_SIZE, R_C2H_PIDX, R_C2H_CIDX, R_IRQ_MASK, R_IRQ_STATUS];
    let reset: Vec<(u32, (u8, u32))> = regs.iter().map(|&r| (r, (OKAY, 0))).collect();
    let read_all = |w: &mut World, f: u32| regs.iter().map(|&r| (r, w.sim.read(f, r))).collect::<Vec<_>>();
    let before = read_all(&mut w, old.vf);
    for r in [R_CTRL, R_H2C_BASE_HI, R_H2C_SIZE, R_H2C_PIDX, R_C2H_BASE_HI, R_C2H_SIZE, R_C2H_PIDX, R_IRQ_MASK] {
        let v = before.iter().find(|x| x.0 == r).unwrap().1;
        assert_ne!(v, (OKAY, 0), "VF {}: register {r:#x} already at its reset value before DETACH", old.vf);
    }
    w.orch.detach(&mut w.sim, 100, PASSTHROUGH).unwrap();
    let accesses = w.sim.host.accesses.get(&old.vf).copied();
    let irqs = w.sim.irqs.len();
    // The hypervisor takes the VM's pages back from the VF.
    a.vm.unplug(&mut w.sim).unwrap();
    assert_eq!(read_all(&mut w, old.vf), reset, "VF {} after DETACH", old.vf);
    w.run_to_end(&mut [&mut b], 2_000_000);
    assert_eq!(w.sim.host.accesses.get(&old.vf).copied(), accesses, "VF {} touched host memory after DETACH returned", old.vf);
    let late: Vec<_> = w.sim.irqs[irqs..].iter().filter(|i| i.1 == old.vf).collect();
    assert!(late.is_empty(), "VF {} requested interrupts after DETACH returned: {late:?}", old.vf);
    // The next VM given this VF (the free list hands VFs out in order).
    let mut n = None;
    for vm in 2.. {
        let att = w.orch.attach(&mut w.sim, vm, PASSTHROUGH).unwrap();
        if att.vf == old.vf {
            assert_eq!(read_all(&mut w, old.vf), reset, "VF {} at its next ATTACH", old.vf);
            let mut t = Tenant::new(&mut w, vm, PASSTHROUGH, 60);
            let ctx = start_context(&*t.reference, &mut t.rng);
            t.adopt(&mut w, att, ctx);
            n = Some(t);
            break;
        }
        assert!(vm < 2 + VFS as u32, "VF {} never came back", old.vf);
    }
    // The next tenant works on the VF; the old tenant's memory stays untouched.
    let mut n = n.unwrap();
    b.to_send = 60;
    let mut ts = [&mut b, &mut n];
    w.run_to_end(&mut ts, 2_000_000);
    w.sim.advance(2000);
    for t in ts.iter_mut() {
        t.vm.collect(&mut w.sim).unwrap();
        t.vm.finish().unwrap_or_else(|e| panic!("e2e_detach_flr: {e}"));
    }
    assert!(ts[1].vm.received >= 60, "the next tenant's results");
    assert!(w.sim.host.iommu.violations.is_empty(), "IOMMU violations: {:?}", w.sim.host.iommu.violations);
}

/// A misbehaving VM harms no one: VMs on the CRC-32 and the KXOR keep
/// moving traffic while the VM on the passthrough
/// 1. pokes registers it may not touch: the PF-only manager and prc regions
///    of its window (a DETACH of another VM, a LOAD slot), read-only and
///    unmapped offsets, context words beyond its memory, partial writes of
///    context words, a window past the last function: each SLVERR, and nothing changes (the
///    status table, the manager's command count, the others' contexts);
/// 2. posts bad descriptors: a zero-length one (ZERO_LENGTH), one reading
///    another VM's buffer (the IOMMU refuses the read: H2C_READ), one
///    outside any VM's memory (H2C_READ), a receive buffer in another VM's
///    memory (the IOMMU refuses the write: C2H_WRITE; that memory is
///    unchanged), its descriptor ring moved into another VM's memory
///    (DESC_READ).
/// Each error shows in its own window (STATUS, its error interrupt) and
/// nowhere else; after each, a per-function reset (CTRL.RESET) brings it
/// back and a good message goes through. The others' results are all right,
/// and every refused host access is the bad VM's.
#[test]
fn misbehaving_vm_affects_no_one_else() {
    misbehaving_vm(&mut world("e2e_misbehave"));
}

/// A packet the DMA cuts short (its second descriptor's read refused by the
/// IOMMU: H2C_READ) reaches the accelerator flagged as cut, and no
/// accelerator answers it as a whole packet: each of three VMs (on the
/// CRC-32, the KXOR and the passthrough) sends good messages, then one whose
/// first part is in its memory and whose rest is not, then, after its
/// per-function reset, more good messages. No result of the cut message
/// arrives anywhere, and every later result is the reference's with the
/// accelerator's context as before the cut message (the CRC-32 did not fold
/// the part it got into its CRC, the KXOR did not advance its keystream): a
/// cut packet taken for a whole one would change every later result.
#[test]
fn a_cut_packet_never_reaches_an_accelerator_as_a_whole_one() {
    let mut w = world("e2e_cut_packet");
    let mut ts = [
        Tenant::new(&mut w, 11, CRC32, 0),
        Tenant::new(&mut w, 12, CIPHER, 0),
        Tenant::new(&mut w, 13, PASSTHROUGH, 0),
    ];
    for t in ts.iter_mut() {
        t.attach_fresh(&mut w);
    }
    let nowhere = 0x7_0000_0000u64;
    let mut vfs = Vec::new();
    for x in 0..ts.len() {
        // Good traffic everywhere, then quiet.
        for t in ts.iter_mut() {
            t.to_send = 12;
        }
        {
            let mut all: Vec<&mut Tenant> = ts.iter_mut().collect();
            w.run_to_end(&mut all, 2_000_000);
        }
        let t = &mut ts[x];
        let vf = t.vm.vf().unwrap();
        vfs.push(vf);
        // The cut message: 600 bytes of the VM's memory, then 200 bytes the
        // IOMMU refuses.
        let own = t.vm.region.0 + 0x4_0000;
        let part = t.rng.bytes(600);
        w.sim.host.write_bytes(own, &part);
        let violations = w.sim.host.iommu.violations.len();
        let d = t.vm.driver().unwrap();
        // A receive buffer, as a VM always has some posted: a streaming
        // accelerator's output of the cut message may start into it.
        assert!(d.post_rx(&mut w.sim, 4096, 0, false).unwrap());
        d.post_tx_raw(&mut w.sim, own, part.len() as u32, 0);
        d.post_tx_raw(&mut w.sim, nowhere, 200, DESC_EOP);
        d.ring(&mut w.sim).unwrap();
        let limit = w.sim.cycle + 200_000;
        while t.vm.error(&mut w.sim).unwrap() == ERR_NONE {
            w.sim.advance(100);
            assert!(w.sim.cycle < limit, "vm {}: the refused read never showed", t.vm.id);
        }
        assert_eq!(t.vm.error(&mut w.sim).unwrap(), ERR_H2C_READ, "vm {}", t.vm.id);
        let refused: Vec<_> = w.sim.host.iommu.violations[violations..].to_vec();
        assert!(!refused.is_empty() && refused.iter().all(|&(f, a, wr)| f == vf && a >= nowhere && !wr), "refused: {refused:?}");
        // Whatever the accelerator makes of the cut packet has left it.
        w.sim.advance(3000);
        let got = t.vm.driver().unwrap().reap_rx(&mut w.sim).unwrap();
        assert!(got.is_empty(), "vm {}: {} result(s) for the cut message", t.vm.id, got.len());
        t.vm.reset(&mut w.sim).unwrap();
        assert_eq!(t.vm.error(&mut w.sim).unwrap(), ERR_NONE);
        // The accelerator's context as the reference keeps it for a cut
        // packet (unchanged, but for the passthrough's count of cuts).
        t.reference.cut(&mut t.ctx, &part, BEAT);
    }
    for t in ts.iter_mut() {
        t.to_send = 12;
    }
    let mut all: Vec<&mut Tenant> = ts.iter_mut().collect();
    w.run_to_end(&mut all, 2_000_000);
    w.finish(&mut all, |f, a, wr| vfs.contains(&f) && a >= nowhere && !wr);
    // The accelerators' contexts, saved into the VFs' memory at DETACH: the
    // reference's, which left out each cut message (the passthrough counted it).
    for t in ts.iter_mut() {
        let att = w.orch.detach(&mut w.sim, t.vm.id, t.acc).unwrap();
        t.vm.unplug(&mut w.sim).unwrap();
        let saved: Vec<u32> =
            (0..t.ctx.len()).map(|i| w.sim.read(att.vf, vfpga_hdl::ctx::regs::CTX_BASE + 4 * i as u32).1).collect();
        assert_eq!(saved, t.ctx, "vm {} ({:#x}): saved context", t.vm.id, t.acc);
    }
}

/// A VF given to a new VM starts with an empty context memory: nothing of
/// the previous VM's context (its key, its running CRC) is readable there.
/// Today nothing clears it: the `ctx` block's CLEAR at ATTACH comes with the
/// sharing scheduler, which drives the `ctx` operations; until then the next
/// VM given that VF reads the previous VM's context words.
#[test]
fn reused_vf_starts_with_a_clean_context() {
    let mut w = world("e2e_ctx_clear");
    let first = w.orch.attach(&mut w.sim, 1, CIPHER).unwrap();
    let mut vm1 = Vm::new(1, vm_region(1), 4096, w.rng.fork());
    vm1.plug(&mut w.sim, first).unwrap();
    let secret: Vec<u32> = (0..CONTEXT_WORDS).map(|_| w.rng.next_u32() | 1).collect();
    vm1.context_write(&mut w.sim, &secret).unwrap();
    w.orch.detach(&mut w.sim, 1, CIPHER).unwrap();
    vm1.unplug(&mut w.sim).unwrap();
    // The free list hands VFs out in order: attach until the same VF comes back
    // (attachments only, no traffic, so sharing partition 0 is harmless).
    for vm in 2.. {
        let a = w.orch.attach(&mut w.sim, vm, PASSTHROUGH).unwrap();
        if a.vf == first.vf {
            let mut vm2 = Vm::new(vm, vm_region(vm), 4096, w.rng.fork());
            vm2.plug(&mut w.sim, a).unwrap();
            assert_eq!(vm2.context_read(&mut w.sim, CONTEXT_WORDS).unwrap(), vec![0; CONTEXT_WORDS], "VF {}'s context memory after a new ATTACH", a.vf);
            return;
        }
        assert!(vm < 2 + VFS as u32, "VF {} never came back", first.vf);
    }
}

// ---------------------------------------------------------------- sharing

/// 2, 4 and 8 VMs share one CRC-32.
#[test]
fn crc32_shared_by_2_4_and_8_vms() {
    for n in [2, 4, 8] {
        share(world(&format!("e2e_share_crc32_{n}")), CRC32, n, 48, 300);
    }
}

/// 4 VMs share the keyed stream (KXOR): no VM ever gets output computed
/// with another VM's key (its reference would not match).
#[test]
fn kxor_shared_by_4_vms_never_mixes_keys() {
    share(world("e2e_share_kxor"), CIPHER, 4, 48, 300);
}

/// Shared and exclusive partitions at once, attach and detach while
/// sharing, and weights: two VMs share the CRC-32 (one leaves mid-way, a
/// new one joins), one VM has the passthrough alone, and two VMs share the
/// KXOR with weights 1 and 3 (SET_QOS, time slice 2000 cycles), both always
/// busy: the second gets 3/4 of the KXOR's work (bytes done, within 5 %);
/// the scheduler's VF_OWNED counters say about the same.
#[test]
fn mixed_sharing_attach_detach_and_weights() {
    let mut w = world("e2e_share_mixed");
    set_default_slice(&mut w, 400);
    let mut a = Tenant::new(&mut w, 1, CRC32, 40);
    let mut b = Tenant::new(&mut w, 2, CRC32, 15);
    let mut c = Tenant::new(&mut w, 3, PASSTHROUGH, 40);
    let mut d = Tenant::new(&mut w, 4, CIPHER, usize::MAX);
    let mut e = Tenant::new(&mut w, 5, CIPHER, usize::MAX);
    d.vm.ring_log2 = 10;
    e.vm.ring_log2 = 10;
    let pa = a.attach_fresh(&mut w);
    let pb = b.attach_fresh(&mut w);
    let pc = c.attach_fresh(&mut w);
    let pd = d.attach_fresh(&mut w);
    let pe = e.attach_fresh(&mut w);
    assert_eq!((pa.partition, pb.partition, pc.partition, pd.partition, pe.partition), (1, 1, 0, 2, 2));
    for (t, weight) in [(&mut d, 1), (&mut e, 3)] {
        // Always more queued than a turn (up to 6000 cycles) moves.
        t.max_len = 1024;
        t.big_prob = 0.0;
        t.window = 256;
        w.orch.set_qos(&mut w.sim, t.vm.vf().unwrap(), weight, 2000).unwrap();
    }

    // b leaves once its stream is done, while the others run.
    w.run(&mut [&mut a, &mut b, &mut c, &mut d, &mut e], 20_000_000, |_, ts| ts[1].done());
    w.orch.detach(&mut w.sim, 2, CRC32).unwrap();
    b.vm.unplug(&mut w.sim).unwrap();
    // f joins a on the CRC-32.
    let mut f = Tenant::new(&mut w, 6, CRC32, 25);
    assert_eq!(f.attach_fresh(&mut w).partition, 1);

    w.run(&mut [&mut a, &mut c, &mut d, &mut e, &mut f], 20_000_000, |_, ts| ts[0].done() && ts[1].done() && ts[4].done());
    // The weights, measured over a window where d and e are both busy and
    // alone on the DMA (the others' traffic would take its bandwidth from
    // whichever turn it falls in).
    weights_1_to_3(&mut w, &mut d, &mut e, 200_000);

    // Stop d and e: let what they sent finish.
    d.to_send = 0;
    e.to_send = 0;
    w.run_to_end(&mut [&mut d, &mut e], 2_000_000);
    w.finish(&mut [&mut a, &mut b, &mut c, &mut d, &mut e, &mut f], |_, _, _| false);
}

/// Two tenants of one partition, only the second sends: its results must
/// come back to it, never to the partition's owner (the first tenant).
/// Today the manager lets both attach, routes both VFs' H2C into the
/// partition and tags every C2H packet with the owner, so the second
/// tenant's results land in the first tenant's memory; the sharing
/// scheduler (gating a VF's DMA until it owns the partition) closes this.
#[test]
fn a_tenant_s_results_never_reach_the_partition_s_owner() {
    let mut w = world("e2e_share_leak");
    let mut owner = Tenant::new(&mut w, 1, PASSTHROUGH, 0);
    let mut other = Tenant::new(&mut w, 2, PASSTHROUGH, 10);
    let po = owner.attach_fresh(&mut w);
    let pt = other.attach_fresh(&mut w);
    assert_eq!(po.partition, pt.partition);
    // The owner keeps receive buffers posted: anything arriving there is a leak.
    for _ in 0..16 {
        owner.vm.driver().unwrap().post_rx(&mut w.sim, 9000, 0, false).unwrap();
    }
    owner.vm.driver().unwrap().ring(&mut w.sim).unwrap();
    let mut ts = [&mut owner, &mut other];
    w.run_to_end(&mut ts, 300_000);
    w.finish(&mut ts, |_, _, _| false);
}

/// CIDX promises that the descriptors before it are done and written back
/// (register map). The DMA advances CIDX (and raises the interrupt) in the
/// cycle it *issues* a descriptor's write-back, so it answers a register
/// read only once every write-back queued before the read has left on W
/// (as PCIe orders a read's completion after the posted writes before it):
/// a driver that reads CIDX while the host is slow to take the write must
/// still find every descriptor before it DONE. Host memory that stalls AW/W
/// makes the race likely at once; the driver here trusts CIDX
/// (`trust_cidx`). (Without the control engine's wait for `wb_idle` it
/// fails: a C2H buffer is seen with flags 0.)
#[test]
fn cidx_never_runs_ahead_of_its_write_back() {
    let mut w = world("e2e_cidx_order");
    w.sim.host.ready_prob = 0.3;
    let mut a = Tenant::new(&mut w, 1, PASSTHROUGH, 60);
    a.vm.trust_cidx = true;
    a.attach_fresh(&mut w);
    let mut ts = [&mut a];
    w.run_to_end(&mut ts, 1_000_000);
    w.finish(&mut ts, |_, _, _| false);
}
