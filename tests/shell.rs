//! The whole shell (`vfpga_shell_sim`, as `vfpga generate` writes it into
//! `sim/`), driven the way the host drives it: through the AXI4-Lite BAR,
//! one 4 KiB window per PCIe function. The orchestrator (the PF) attaches VMs
//! to accelerators through the manager's command FIFO and gets VFs back; each
//! VF reaches its own registers and context memory, and nothing of anyone
//! else's. Every access goes through the AXI4-Lite agent, which checks the
//! slave's side of the protocol every cycle. The PF reconfigures a partition
//! with the manager's LOAD: the prc reads the bitstream from a host memory
//! modelled in Rust (`vfpga::bench::load::HostMem`) and the manager's
//! PART_ACC follows the prc's end of the LOAD.

mod common;

use vfpga::bench::load::{place_bitstream, HostMem, MemPorts};
use vfpga::blocks::shell::shell_modules;
use vfpga::config::Config;
use vfpga_hdl::acc_id::{CRC32, PASSTHROUGH};
use vfpga_hdl::prc::regs::{offset, status_code};
use vfpga_hdl::bar::regs::{blocks_mask, BAR_MAGIC, HDR_BLOCKS, HDR_FUNCTION, HDR_ID};
use vfpga_hdl::ctx::regs::CTX_BASE;
use vfpga_hdl::dma::regs::{DMA_ID, R_ID};
use vfpga_hdl::mgr::regs::*;
use vfpga_hdl::regmap::{Access, WINDOW_SIZE};
use vfpga_sim::axil::{AxilMaster, AxilOp};
use vfpga_sim::{Model, PortId, Rng};

const OKAY: u8 = 0;
const SLVERR: u8 = 2;

/// The host side of the shell: its BAR, one access at a time.
struct Host {
    m: Model,
    clk: PortId,
    bar: AxilMaster,
    /// Host memory behind `m_axi_prc_*`, served every cycle.
    mem: HostMem,
    mem_ports: MemPorts,
    mem_rng: Rng,
    cycle: u64,
}

impl Host {
    fn new(cfg: &Config, name: &str) -> Host {
        let accels: Vec<String> = cfg.partition_accels.iter().map(|a| format!("{a:x}")).collect();
        let key = format!("shell-sim-{}p-{}vf-{}", cfg.partitions, cfg.vfs, accels.join("_"));
        let lib = common::model_of_modules(&key, || shell_modules(cfg, true));
        let mut m = lib.instantiate(name);
        let clk = m.port("clk");
        // Idle host interfaces: no memory traffic expected here.
        for p in ["m_axi_host_awready", "m_axi_host_wready", "m_axi_host_arready", "irq_ready"] {
            m.set(p, 1);
        }
        for p in ["m_axi_host_bvalid", "m_axi_host_rvalid", "m_axi_prc_rvalid"] {
            m.set(p, 0);
        }
        let bar = AxilMaster::new(&m, "s_axil_bar", Rng::for_test(name)).with_probs(0.8, 0.8);
        let mem_ports = MemPorts::new(&m);
        let mut mem = HostMem::new(MEM_BASE, 0x1_0000, 30);
        mem.gap_prob = 0.1;
        let mut h = Host { m, clk, bar, mem, mem_ports, mem_rng: Rng::for_test(&format!("{name}_mem")), cycle: 0 };
        h.m.set("rst", 1);
        h.m.ticks(h.clk, 4);
        h.m.set("rst", 0);
        // Every block clears its tables after reset (one entry per cycle).
        h.m.ticks(h.clk, 4 * (cfg.functions() as u64 + 64));
        h
    }

    /// One access of function `f`'s window at `offset`: (response, data).
    fn access(&mut self, op: AxilOp) -> (u8, u32) {
        self.bar.push(op);
        for _ in 0..10_000 {
            self.bar.drive(&mut self.m);
            self.mem.drive(&mut self.m, &self.mem_ports, self.cycle, &mut self.mem_rng);
            self.m.eval();
            self.bar.sample(&self.m).unwrap_or_else(|e| panic!("{e}"));
            self.mem.sample(&self.m, &self.mem_ports, self.cycle);
            self.m.tick(self.clk);
            self.cycle += 1;
            if let Some(d) = self.bar.pop() {
                return (d.resp, d.rdata);
            }
        }
        panic!("no response to {op:?}");
    }

    fn read(&mut self, f: u32, offset: u32) -> (u8, u32) {
        self.access(AxilOp::read(addr(f, offset)))
    }

    fn write(&mut self, f: u32, offset: u32, data: u32) -> u8 {
        self.access(AxilOp::write(addr(f, offset), data)).0
    }

    /// A manager command from the PF; returns (status, result).
    fn command(&mut self, opcode: u32, tag: u32, id: u32, arg: u32) -> (u32, u32) {
        assert_eq!(self.write(0, CMD_ARG, arg), OKAY);
        assert_eq!(self.write(0, CMD, cmd_word(opcode, tag, id)), OKAY);
        loop {
            let (resp, word) = self.read(0, RESP);
            assert_eq!(resp, OKAY);
            if word >> RESP_VALID_BIT & 1 == 1 {
                assert_eq!(word & 0xff, tag & 0xff, "response tag");
                let status = word >> RESP_STATUS_LSB & ((1 << RESP_STATUS_BITS) - 1);
                let result = word >> RESP_RESULT_LSB & ((1 << RESP_RESULT_BITS) - 1);
                return (status, result);
            }
        }
    }
}

/// Bus address of the host memory the prc reads bitstreams from.
const MEM_BASE: u64 = 0x8_0000_0000;

fn addr(f: u32, offset: u32) -> u64 {
    (f as u64) * WINDOW_SIZE as u64 + offset as u64
}

fn config() -> Config {
    Config { partitions: 2, vfs: 8, partition_accels: vec![PASSTHROUGH, CRC32], ..Config::default() }
}

#[test]
fn every_function_sees_its_own_window_header() {
    let cfg = config();
    let mut h = Host::new(&cfg, "shell_headers");
    for f in 0..cfg.functions() as u32 {
        assert_eq!(h.read(f, HDR_ID), (OKAY, BAR_MAGIC), "function {f}: magic");
        assert_eq!(h.read(f, HDR_FUNCTION), (OKAY, f), "function {f}: own number");
        assert_eq!(h.read(f, R_ID), (OKAY, DMA_ID), "function {f}: DMA block");
    }
    // A window past the last function answers SLVERR.
    assert_eq!(h.read(cfg.functions() as u32, HDR_ID).0, SLVERR);
}

/// Every readable register, read right after reset by the PF and by a VF,
/// holds the reset value `regmap.json` documents for it (the file a driver
/// writer trusts); PF-only blocks answer a VF with SLVERR.
#[test]
fn every_register_reads_its_documented_reset_value() {
    let cfg = config();
    let map = vfpga::regmap::regmap(&cfg);
    let mut h = Host::new(&cfg, "shell_resets");
    let mut checked = 0;
    for f in [0, 1] {
        for b in &map.blocks {
            for r in b.registers.iter().filter(|r| r.access != Access::WO) {
                for i in 0..r.count {
                    let off = r.offset + i * r.stride;
                    let got = h.read(f, off);
                    if b.pf_only && f != 0 {
                        assert_eq!(got.0, SLVERR, "VF {f} read of PF-only {}.{} at 0x{off:03x}", b.name, r.name);
                        continue;
                    }
                    // The header's FUNCTION and BLOCKS differ per window
                    // (documented: the PF's value is shown).
                    let want = match (b.name.as_str(), off) {
                        ("bar", HDR_FUNCTION) => f,
                        ("bar", HDR_BLOCKS) => blocks_mask(f == 0),
                        _ => r.reset_word(i),
                    };
                    assert_eq!(got, (OKAY, want), "function {f}: reset value of {}.{}[{i}] at 0x{off:03x}", b.name, r.name);
                    checked += 1;
                }
            }
        }
    }
    println!("shell_resets: {checked} register reads matched regmap.json");
    assert!(checked > 40, "only {checked} registers checked");
}

#[test]
fn orchestrator_attaches_vms_and_vfs_stay_in_their_windows() {
    let cfg = config();
    let mut h = Host::new(&cfg, "shell_attach");
    assert_eq!(h.read(0, MGR_ID), (OKAY, MGR_ID_VALUE));
    assert_eq!(h.read(0, FREE_VFS), (OKAY, cfg.vfs as u32));

    // Two VMs on the passthrough, one on the CRC: each gets its own VF.
    let mut vfs = Vec::new();
    for (tag, (vm, acc)) in [(5, PASSTHROUGH), (9, PASSTHROUGH), (5, CRC32)].into_iter().enumerate() {
        let (status, result) = h.command(OP_ATTACH, tag as u32 + 1, vm, acc);
        assert_eq!(status, ST_OK, "ATTACH vm {vm} acc {acc:#x}");
        let vf = result & 0x7ff;
        assert!((1..=cfg.vfs as u32).contains(&vf), "vf {vf}");
        assert!(!vfs.contains(&vf), "VF {vf} given twice");
        vfs.push(vf);
    }
    assert_eq!(h.command(OP_ATTACH, 7, 5, PASSTHROUGH).0, ST_ALREADY_ATTACHED);
    assert_eq!(h.command(OP_ATTACH, 8, 5, 0x1234_5678).0, ST_NO_ACC);
    assert_eq!(h.read(0, FREE_VFS), (OKAY, cfg.vfs as u32 - 3));

    // Each VF writes its context; each reads back its own, never another's.
    for (i, &vf) in vfs.iter().enumerate() {
        for w in 0..4 {
            assert_eq!(h.write(vf, CTX_BASE + 4 * w, 0xc0de_0000 | (i as u32) << 8 | w), OKAY);
        }
    }
    for (i, &vf) in vfs.iter().enumerate() {
        for w in 0..4 {
            assert_eq!(h.read(vf, CTX_BASE + 4 * w), (OKAY, 0xc0de_0000 | (i as u32) << 8 | w));
        }
    }
    // A VF cannot reach the manager (PF only): refused, and nothing changes.
    let vf = vfs[0];
    assert_eq!(h.write(vf, CMD, cmd_word(OP_DETACH, 1, 5)), SLVERR);
    assert_eq!(h.read(vf, FREE_VFS).0, SLVERR);
    assert_eq!(h.read(0, FREE_VFS), (OKAY, cfg.vfs as u32 - 3));

    // Detach gives the VF back.
    assert_eq!(h.command(OP_DETACH, 9, 9, PASSTHROUGH).0, ST_OK);
    assert_eq!(h.read(0, FREE_VFS), (OKAY, cfg.vfs as u32 - 2));
    assert_eq!(h.command(OP_DETACH, 10, 9, PASSTHROUGH).0, ST_NOT_ATTACHED);
}

/// LOAD from the PF through the BAR: the manager hands it to the prc, which
/// reads the registered bitstream from host memory; PART_ACC is 0 while the
/// partition loads and the new accelerator's ID once the prc ends OK. A LOAD
/// of an accelerator no slot holds ends in failure: PART_ACC stays 0.
#[test]
fn pf_loads_a_partition_through_the_manager() {
    let cfg = Config { partitions: 2, vfs: 8, partition_accels: vec![PASSTHROUGH, PASSTHROUGH], ..Config::default() };
    let mut h = Host::new(&cfg, "shell_load");
    assert_eq!(h.read(0, PART_ACC + 4), (OKAY, PASSTHROUGH));
    // The CRC32 bitstream for partition 1, in host memory and in slot 0.
    let at = MEM_BASE + 0x7f0; // bursts cross a 4 KiB boundary
    let bytes = place_bitstream(&mut h.mem, at, CRC32, 1, 300);
    let o = 0; // slot 0
    for (reg, v) in [
        ("slot_acc_id", CRC32),
        ("slot_target", 0x8000_0001),
        ("slot_addr_lo", at as u32),
        ("slot_addr_hi", (at >> 32) as u32),
        ("slot_length", bytes),
    ] {
        assert_eq!(h.write(0, offset(reg) + o, v), OKAY, "{reg}");
    }
    // A VF attached to partition 1 makes it busy.
    let (st, res) = h.command(OP_ATTACH, 1, 3, PASSTHROUGH);
    assert_eq!(st, ST_OK);
    let part = res >> 11 & 0x3f;
    let (st, _) = h.command(OP_LOAD, 2, part, CRC32);
    assert_eq!(st, ST_PARTITION_BUSY);
    assert_eq!(h.command(OP_DETACH, 3, 3, PASSTHROUGH).0, ST_OK);
    // LOAD(CRC32, 1): answered OK at once, partition empty while loading.
    assert_eq!(h.command(OP_LOAD, 4, 1, CRC32), (ST_OK, 1));
    assert_eq!(h.read(0, PART_ACC + 4), (OKAY, 0), "PART_ACC[1] while loading");
    let mut polls = 0;
    while h.read(0, PART_ACC + 4).1 != CRC32 {
        polls += 1;
        assert!(polls < 2000, "PART_ACC[1] never became CRC32");
    }
    assert!(!h.mem.bursts.is_empty(), "the prc read no bitstream");
    assert_eq!(h.read(0, offset("load_count")), (OKAY, 1));
    assert_eq!(h.m.get("rm_select_p1"), 2, "partition 1 runs the CRC32 RM");
    assert_eq!(h.read(0, PART_ACC), (OKAY, PASSTHROUGH), "partition 0 untouched");
    // The new accelerator can be attached.
    let (st, res) = h.command(OP_ATTACH, 5, 9, CRC32);
    assert_eq!(st, ST_OK);
    assert_eq!(res >> 11 & 0x3f, 1);
    assert_eq!(h.command(OP_DETACH, 6, 9, CRC32).0, ST_OK);
    // A LOAD of an accelerator no slot holds: answered OK, ends in failure.
    let unregistered = 0x4b58_4f52;
    assert_eq!(h.command(OP_LOAD, 7, 1, unregistered), (ST_OK, 1));
    let mut polls = 0;
    while h.read(0, offset("fail_count")).1 != 1 {
        polls += 1;
        assert!(polls < 200, "the prc never ended the second LOAD");
    }
    let (_, prc_status) = h.read(0, offset("status"));
    assert_eq!(prc_status >> 4 & 0xf, status_code("NO_BITSTREAM"));
    assert_eq!(h.read(0, PART_ACC + 4), (OKAY, 0), "PART_ACC[1] after a failed LOAD");
    assert_eq!(h.command(OP_ATTACH, 8, 9, CRC32).0, ST_NO_ACC);
}
