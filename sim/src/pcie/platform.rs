//! The shell below the PCIe hard block as the host sees it: a Verilator
//! model of `vfpga_shell_pcie_sim` (the `pcie` block and the simulation
//! shell) between the PG213 models of this folder. Register accesses are
//! memory requests of the root complex on CQ (reads answered on CC, every
//! completion checked); the shell's DMA and prc requests on RQ are checked
//! against the TLP rules and served from one host memory behind one IOMMU
//! with completions on RC; interrupts arrive on the MSI-X ports.
//!
//! [`ShellPcieSim`] is a [`Platform`] as `crate::shell::ShellSim` is, so the
//! orchestrator, the VF drivers and the VMs run on it unchanged. One
//! difference a test must know: BAR writes are posted (PCIe has no answer
//! for them), so [`Window::reg_write`] reports every write as accepted; a
//! refused one shows only in what later reads return.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::host::HostPort;
use super::msix::MsixModel;
use super::rc::{CqRequest, RootComplex};
use super::{hard_function, our_function, Layout, MEM_READ, MEM_WRITE, SC};
use crate::driver::{Platform, Window};
use crate::host::HostMem;
use crate::{Model, ModelLib, PortId, Rng};
use vfpga_hdl::mgr::regs::STATUS as MGR_STATUS;

/// Where BAR0 of every function sits in the host's address space (the
/// block sees only the offset in the window).
pub const BAR0_BASE: u64 = 0xf000_0000;

/// Max payload 256 B and max read request 512 B: the hard block's device
/// control codes of a typical server root port.
pub const MPS_CODE: u64 = 1;
pub const MRRS_CODE: u64 = 2;

pub struct ShellPcieSim {
    pub m: Model,
    clk: PortId,
    pub rc: RootComplex,
    /// RQ/RC: its memory and IOMMU live in [`ShellPcieSim::host`] between cycles.
    pub port: HostPort,
    pub msix: MsixModel,
    /// The host memory and IOMMU the drivers see.
    pub host: HostMem,
    pub cycle: u64,
    functions: u32,
    delivered: usize,
    pending_irqs: BTreeMap<u32, Vec<u32>>,
    /// Interrupts delivered: (cycle, our function, vector).
    pub irqs: Vec<(u64, u32, u32)>,
    /// BAR accesses: (all, reads answered with an error status).
    pub bar_accesses: (u64, u64),
    /// Function-level resets answered on the `flr_done_*` port: (cycle, function).
    pub flr_dones: Vec<(u64, u32)>,
    flr_done: (PortId, PortId),
    drop_count: PortId,
}

impl ShellPcieSim {
    /// An instance of `lib` (a `vfpga_shell_pcie_sim` model whose user
    /// interface is `dw` bits: 256, also for a 64- or 128-bit shell, or 512)
    /// for `functions` functions; reset, and run until the manager's tables
    /// are ready.
    pub fn new(lib: &Arc<ModelLib>, name: &str, dw: usize, functions: u32, mut rng: Rng) -> Result<ShellPcieSim, String> {
        let mut m = lib.instantiate(name);
        let lay = Layout::new(dw);
        let clk = m.port("clk");
        let mut rc = RootComplex::new(&m, lay, rng.fork());
        rc.valid_prob = 0.8;
        rc.ready_prob = 0.8;
        let mut port = HostPort::new(&m, lay, functions, rng.fork());
        port.mps = 128 << MPS_CODE;
        port.mrrs = 128 << MRRS_CODE;
        port.latency = 40..120;
        port.valid_prob = 0.9;
        port.ready_prob = 0.9;
        let msix = MsixModel::new(&m, rng.fork());
        let host = HostMem::detached(functions, 0, rng.fork());
        m.set("cfg_max_payload", MPS_CODE);
        m.set("cfg_max_read_req", MRRS_CODE);
        for p in ["s_axis_cq_tvalid", "s_axis_rc_tvalid", "cfg_interrupt_msix_sent", "cfg_interrupt_msix_fail"] {
            m.set(p, 0);
        }
        m.set("rst", 1);
        m.ticks(clk, 4);
        m.set("rst", 0);
        let drop_count = m.port("switch_drop_count");
        let flr_done = (m.port("flr_done_valid"), m.port("flr_done_function"));
        let mut s = ShellPcieSim {
            m,
            clk,
            rc,
            port,
            msix,
            host,
            cycle: 0,
            functions,
            delivered: 0,
            pending_irqs: BTreeMap::new(),
            irqs: Vec::new(),
            bar_accesses: (0, 0),
            flr_dones: Vec::new(),
            flr_done,
            drop_count,
        };
        for _ in 0..10_000 {
            if s.reg_read(0, MGR_STATUS).is_some_and(|st| st >> 18 & 1 == 1) {
                return Ok(s);
            }
        }
        Err("the manager never became ready".into())
    }

    /// One clock cycle of everything around the module, checked.
    pub fn step(&mut self) {
        // The host port serves RQ from the drivers' memory and IOMMU.
        self.swap_host();
        let m = &mut self.m;
        self.rc.drive(m);
        self.port.drive(m);
        self.msix.drive(m);
        m.eval();
        let c = self.cycle;
        self.rc.sample(m).unwrap_or_else(|e| fail(c, "CQ/CC", e));
        self.port.sample(m).unwrap_or_else(|e| fail(c, "RQ/RC", e));
        self.msix.sample(m).unwrap_or_else(|e| fail(c, "MSI-X", e));
        std::mem::swap(&mut self.host.mem, &mut self.port.mem);
        std::mem::swap(&mut self.host.iommu, &mut self.port.iommu);
        std::mem::swap(&mut self.host.accesses, &mut self.port.accesses);
        for &(t, v) in &self.msix.delivered[self.delivered..] {
            let f = our_function(t, self.functions)
                .unwrap_or_else(|| fail(c, "MSI-X", format!("interrupt of hard-block function {t}, none of the design's")));
            self.irqs.push((c, f, v));
            self.pending_irqs.entry(f).or_default().push(v);
        }
        self.delivered = self.msix.delivered.len();
        if m.get(self.flr_done.0) == 1 {
            self.flr_dones.push((c, m.get(self.flr_done.1) as u32));
        }
        m.tick(self.clk);
        self.cycle += 1;
    }

    /// The drivers' host memory, IOMMU and access counts to the host port
    /// (and back after the cycle).
    fn swap_host(&mut self) {
        std::mem::swap(&mut self.host.mem, &mut self.port.mem);
        std::mem::swap(&mut self.host.iommu, &mut self.port.iommu);
        std::mem::swap(&mut self.host.accesses, &mut self.port.accesses);
    }

    fn request(f: u32, offset: u32, req_type: u32, data: Vec<u32>) -> CqRequest {
        CqRequest {
            req_type,
            function: hard_function(f),
            bar: 0,
            addr: BAR0_BASE + offset as u64,
            dwords: 1,
            first_be: 0xf,
            last_be: 0,
            data,
            discontinue: false,
        }
    }

    /// A memory read of `offset` in BAR0 of function `f`: the completion's
    /// status and data (0 unless SC).
    pub fn read(&mut self, f: u32, offset: u32) -> (u32, u32) {
        let tag = self.rc.push_read(Self::request(f, offset, MEM_READ, vec![]));
        for _ in 0..10_000 {
            self.step();
            if let Some(a) = self.rc.answers.remove(&tag) {
                self.bar_accesses.0 += 1;
                self.bar_accesses.1 += (a.0 != SC) as u64;
                return a;
            }
        }
        panic!("cycle {}: no completion for the read of function {f} at {offset:#x}", self.cycle);
    }

    /// A memory write (posted) of `offset` in BAR0 of function `f`, run
    /// until its last beat is on CQ: later requests are ordered behind it.
    pub fn write(&mut self, f: u32, offset: u32, value: u32) {
        self.write_lanes(f, offset, value, 0xf);
    }

    /// A posted write of the byte lanes `first_be` of the dword at `offset`.
    pub fn write_lanes(&mut self, f: u32, offset: u32, value: u32, first_be: u32) {
        let mut req = Self::request(f, offset, MEM_WRITE, vec![value]);
        req.first_be = first_be;
        self.rc.push(req, None);
        self.bar_accesses.0 += 1;
        while self.rc.unsent() > 0 {
            self.step();
        }
    }

    /// Packets the switch dropped.
    pub fn drop_count(&self) -> u64 {
        self.m.get(self.drop_count)
    }

    /// Interrupts delivered and not taken, by function.
    pub fn pending_irqs(&self) -> &BTreeMap<u32, Vec<u32>> {
        &self.pending_irqs
    }

    /// No request of the device's outstanding, no completion on its way.
    pub fn host_idle(&self) -> bool {
        self.port.idle()
    }
}

fn fail(cycle: u64, what: &str, e: String) -> ! {
    panic!("cycle {cycle}: {what}: {e}")
}

impl Window for ShellPcieSim {
    /// Posted: always true (see the module's comment).
    fn reg_write(&mut self, function: u32, offset: u32, value: u32) -> bool {
        self.write(function, offset, value);
        true
    }
    fn reg_read(&mut self, function: u32, offset: u32) -> Option<u32> {
        let (status, v) = self.read(function, offset);
        (status == SC).then_some(v)
    }
    fn host(&mut self) -> &mut HostMem {
        &mut self.host
    }
}

impl Platform for ShellPcieSim {
    fn advance(&mut self, cycles: u64) {
        for _ in 0..cycles {
            self.step();
        }
    }
    fn take_irqs(&mut self, function: u32) -> Vec<u32> {
        self.pending_irqs.remove(&function).unwrap_or_default()
    }
}
