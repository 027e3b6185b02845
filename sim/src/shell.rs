//! The whole shell as the host sees it: a Verilator model of
//! `vfpga_shell_sim` with its AXI4-Lite BAR driven by an [`AxilMaster`], the
//! DMA's `m_axi_host_*` and the prc's `m_axi_prc_*` served by one host
//! memory behind one IOMMU ([`HostMem`], [`ReadPort`]), and its interrupts
//! taken at random. Every cycle checks the BAR's slave side, the AXI4
//! masters' channels ([`AxiMasterChecker`]), the host rules (4 KiB bursts,
//! function numbers, IOMMU pages) and the interrupt handshake.
//!
//! [`ShellSim`] is the [`Platform`] the [`Orchestrator`](crate::orchestrator)
//! and the [`Vm`](crate::vm)s run on: a register access takes the cycles the
//! BAR takes, and everything else runs meanwhile.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::axicheck::{AxiMasterChecker, HandshakeChecker};
use crate::axil::{AxilMaster, AxilOp};
use crate::driver::{Platform, Window};
use crate::host::{HostMem, ReadPort};
use crate::{Model, ModelLib, PortId, Rng};
use vfpga_hdl::mgr::regs::STATUS as MGR_STATUS;
use vfpga_hdl::regmap::WINDOW_SIZE;

pub const OKAY: u8 = 0;
pub const SLVERR: u8 = 2;

/// The shell, its host memory, its BAR master and its checkers.
pub struct ShellSim {
    pub m: Model,
    clk: PortId,
    bar: AxilMaster,
    pub host: HostMem,
    /// The prc's read port on the same memory.
    pub prc_port: ReadPort,
    host_chk: AxiMasterChecker,
    prc_chk: AxiMasterChecker,
    irq_chk: HandshakeChecker,
    irq_ready: PortId,
    irq_function: PortId,
    irq_vector: PortId,
    drop_count: PortId,
    /// Probability of `irq_ready` in a cycle.
    pub irq_ready_prob: f64,
    rng: Rng,
    pub cycle: u64,
    /// Every interrupt taken: (cycle, function, vector).
    pub irqs: Vec<(u64, u32, u32)>,
    pending_irqs: BTreeMap<u32, Vec<u32>>,
    /// BAR accesses: (all, answered SLVERR).
    pub bar_accesses: (u64, u64),
    functions: u32,
}

impl ShellSim {
    /// An instance of `lib` (a `vfpga_shell_sim` model) for a design of
    /// `functions` functions, host memory `latency` cycles away; reset, and
    /// run until the manager's tables are ready.
    pub fn new(lib: &Arc<ModelLib>, name: &str, functions: u32, latency: u64, mut rng: Rng) -> Result<ShellSim, String> {
        let m = lib.instantiate(name);
        let clk = m.port("clk");
        let bar = AxilMaster::new(&m, "s_axil_bar", rng.fork()).with_probs(0.8, 0.8);
        let mut host = HostMem::new(&m, "m_axi_host", functions, latency, rng.fork());
        host.ready_prob = 0.9;
        let mut prc_port = ReadPort::new(&m, "m_axi_prc", latency, rng.fork());
        prc_port.ready_prob = 0.9;
        let host_chk = AxiMasterChecker::new(&m, "m_axi_host");
        let prc_chk = AxiMasterChecker::new(&m, "m_axi_prc");
        let irq_chk = HandshakeChecker::new(&m, "irq", "irq_valid", "irq_ready", &["irq_function", "irq_vector"]);
        let mut s = ShellSim {
            clk,
            irq_ready: m.port("irq_ready"),
            irq_function: m.port("irq_function"),
            irq_vector: m.port("irq_vector"),
            drop_count: m.port("switch_drop_count"),
            m,
            bar,
            host,
            prc_port,
            host_chk,
            prc_chk,
            irq_chk,
            irq_ready_prob: 0.7,
            rng,
            cycle: 0,
            irqs: Vec::new(),
            pending_irqs: BTreeMap::new(),
            bar_accesses: (0, 0),
            functions,
        };
        for p in ["s_axil_bar_awvalid", "s_axil_bar_wvalid", "s_axil_bar_arvalid", "m_axi_host_rvalid", "m_axi_host_bvalid", "m_axi_prc_rvalid"] {
            s.m.set(p, 0);
        }
        s.m.set("rst", 1);
        s.m.ticks(s.clk, 4);
        s.m.set("rst", 0);
        // The blocks clear their tables after reset; the manager says when.
        for _ in 0..10_000 {
            let (resp, st) = s.read(0, MGR_STATUS);
            if resp == OKAY && st >> 18 & 1 == 1 {
                return Ok(s);
            }
        }
        Err("the manager never became ready".into())
    }

    /// Functions of the design (PF + VFs).
    pub fn functions(&self) -> u32 {
        self.functions
    }

    /// One clock cycle of everything around the shell, checked.
    pub fn step(&mut self) {
        let m = &mut self.m;
        self.bar.drive(m);
        self.host.drive(m);
        self.prc_port.drive(m, &self.host);
        m.set(self.irq_ready, self.rng.chance(self.irq_ready_prob) as u64);
        m.eval();
        let c = self.cycle;
        self.bar.sample(m).unwrap_or_else(|e| fail(c, "BAR", e));
        self.host_chk.check(m).unwrap_or_else(|e| fail(c, "m_axi_host", e));
        self.prc_chk.check(m).unwrap_or_else(|e| fail(c, "m_axi_prc", e));
        self.host.sample(m).unwrap_or_else(|e| fail(c, "host memory (DMA)", e));
        self.prc_port.sample(m, &mut self.host).unwrap_or_else(|e| fail(c, "host memory (prc)", e));
        if self.irq_chk.check(m).unwrap_or_else(|e| fail(c, "interrupts", e)) {
            let (f, v) = (m.get(self.irq_function) as u32, m.get(self.irq_vector) as u32);
            if f >= self.functions {
                fail(c, "interrupts", format!("interrupt of function {f}, beyond the design's {}", self.functions));
            }
            self.irqs.push((c, f, v));
            self.pending_irqs.entry(f).or_default().push(v);
        }
        m.tick(self.clk);
        self.cycle += 1;
    }

    /// One BAR access, with everything running meanwhile: (response, read data).
    pub fn access(&mut self, op: AxilOp) -> (u8, u32) {
        self.bar.push(op);
        for _ in 0..10_000 {
            self.step();
            if let Some(d) = self.bar.pop() {
                self.bar_accesses.0 += 1;
                self.bar_accesses.1 += (d.resp != OKAY) as u64;
                return (d.resp, d.rdata);
            }
        }
        panic!("cycle {}: no BAR response to {op:?}", self.cycle);
    }

    /// A read of `offset` in function `f`'s window.
    pub fn read(&mut self, f: u32, offset: u32) -> (u8, u32) {
        self.access(AxilOp::read(bar_addr(f, offset)))
    }

    /// A write of `offset` in function `f`'s window: the response.
    pub fn write(&mut self, f: u32, offset: u32, data: u32) -> u8 {
        self.access(AxilOp::write(bar_addr(f, offset), data)).0
    }

    /// Packets the switch dropped (H2C of an unrouted function).
    pub fn drop_count(&self) -> u64 {
        self.m.get(self.drop_count)
    }

    /// Interrupts raised and not taken by [`Platform::take_irqs`], by function.
    pub fn pending_irqs(&self) -> &BTreeMap<u32, Vec<u32>> {
        &self.pending_irqs
    }

    /// Nothing in flight at the host (DMA and prc).
    pub fn host_idle(&self) -> bool {
        self.host.idle() && self.prc_port.idle()
    }
}

fn fail(cycle: u64, what: &str, e: String) -> ! {
    panic!("cycle {cycle}: {what}: {e}")
}

/// BAR address of `offset` in function `f`'s window.
pub fn bar_addr(f: u32, offset: u32) -> u64 {
    f as u64 * WINDOW_SIZE as u64 + offset as u64
}

impl Window for ShellSim {
    fn reg_write(&mut self, function: u32, offset: u32, value: u32) -> bool {
        self.write(function, offset, value) == OKAY
    }
    fn reg_read(&mut self, function: u32, offset: u32) -> Option<u32> {
        let (resp, v) = self.read(function, offset);
        (resp == OKAY).then_some(v)
    }
    fn host(&mut self) -> &mut HostMem {
        &mut self.host
    }
}

impl Platform for ShellSim {
    fn advance(&mut self, cycles: u64) {
        for _ in 0..cycles {
            self.step();
        }
    }
    fn take_irqs(&mut self, function: u32) -> Vec<u32> {
        self.pending_irqs.remove(&function).unwrap_or_default()
    }
}
