//! A master of vfpga's register bus (`s_reg_*` of a block, see
//! `vfpga_hdl::regbus`), with the bus rules checked on every cycle:
//! one request outstanding, fields held until taken, each request answered
//! exactly once and at least one cycle after it was taken, no answer
//! without a request, an answer within a time limit.
//!
//! Each access is driven from the first cycle it can be (after the previous
//! answer) unless [`RegBus::with_access_overhead`] adds idle cycles per
//! access, as a benchmark does to cost an AXI4-Lite transaction in front of
//! the bus.

use crate::{Model, PortId};
use std::fmt;

/// The answer to one access.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegResponse {
    pub rdata: u32,
    /// SLVERR.
    pub error: bool,
}

/// A broken bus rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegBusViolation(pub String);

impl fmt::Display for RegBusViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "register bus: {}", self.0)
    }
}

impl std::error::Error for RegBusViolation {}

struct Ports {
    req_valid: PortId,
    req_ready: PortId,
    req_write: PortId,
    req_function: PortId,
    req_addr: PortId,
    req_wdata: PortId,
    req_wstrb: PortId,
    resp_valid: PortId,
    resp_rdata: PortId,
    resp_error: PortId,
}

/// Drives `{prefix}_req_*` and reads `{prefix}_resp_*` of a model.
pub struct RegBus {
    clk: PortId,
    p: Ports,
    overhead: u64,
    timeout: u64,
    /// Cycles this bus has clocked.
    pub cycles: u64,
    /// Accesses completed.
    pub accesses: u64,
}

impl RegBus {
    /// A master on the ports `{prefix}_req_valid`, ...; `clk` is ticked by it.
    pub fn new(m: &Model, prefix: &str, clk: PortId) -> Self {
        let q = |s: &str| m.port(&format!("{prefix}_{s}"));
        RegBus {
            clk,
            p: Ports {
                req_valid: q("req_valid"),
                req_ready: q("req_ready"),
                req_write: q("req_write"),
                req_function: q("req_function"),
                req_addr: q("req_addr"),
                req_wdata: q("req_wdata"),
                req_wstrb: q("req_wstrb"),
                resp_valid: q("resp_valid"),
                resp_rdata: q("resp_rdata"),
                resp_error: q("resp_error"),
            },
            overhead: 0,
            timeout: 1000,
            cycles: 0,
            accesses: 0,
        }
    }

    /// Idle cycles after each answer before the next request (0 by default).
    pub fn with_access_overhead(mut self, cycles: u64) -> Self {
        self.overhead = cycles;
        self
    }

    /// Cycles a request may wait to be taken, and then to be answered.
    pub fn with_timeout(mut self, cycles: u64) -> Self {
        self.timeout = cycles;
        self
    }

    /// Ties the request side off (call once after instantiating).
    pub fn init(&self, m: &mut Model) {
        m.set(self.p.req_valid, 0);
        m.set(self.p.req_write, 0);
        m.set(self.p.req_function, 0);
        m.set(self.p.req_addr, 0);
        m.set(self.p.req_wdata, 0);
        m.set(self.p.req_wstrb, 0);
    }

    /// One clock cycle with no request; `observe` sees every cycle after eval.
    pub fn idle(&mut self, m: &mut Model, observe: &mut dyn FnMut(&Model)) -> Result<(), RegBusViolation> {
        m.eval();
        if m.get(self.p.resp_valid) != 0 {
            return Err(RegBusViolation(format!("cycle {}: resp_valid with no request outstanding", self.cycles)));
        }
        observe(m);
        m.tick(self.clk);
        self.cycles += 1;
        Ok(())
    }

    /// One access by function `function` at window offset `addr`.
    #[allow(clippy::too_many_arguments)]
    pub fn access(
        &mut self,
        m: &mut Model,
        write: bool,
        function: u32,
        addr: u32,
        wdata: u32,
        wstrb: u32,
        observe: &mut dyn FnMut(&Model),
    ) -> Result<RegResponse, RegBusViolation> {
        let what = format!("{} 0x{addr:03x} (function {function})", if write { "write" } else { "read" });
        m.set(self.p.req_valid, 1);
        m.set(self.p.req_write, write as u64);
        m.set(self.p.req_function, function as u64);
        m.set(self.p.req_addr, addr as u64);
        m.set(self.p.req_wdata, wdata as u64);
        m.set(self.p.req_wstrb, wstrb as u64);
        let mut waited = 0;
        loop {
            m.eval();
            if m.get(self.p.resp_valid) != 0 {
                return Err(RegBusViolation(format!("cycle {}: resp_valid before the {what} was taken", self.cycles)));
            }
            let taken = m.get(self.p.req_ready) != 0;
            observe(m);
            m.tick(self.clk);
            self.cycles += 1;
            if taken {
                break;
            }
            waited += 1;
            if waited > self.timeout {
                return Err(RegBusViolation(format!("{what} not taken after {waited} cycles")));
            }
        }
        // Fields are don't-care once taken: scramble them so that a block
        // that reads them late fails.
        m.set(self.p.req_valid, 0);
        m.set(self.p.req_addr, !addr as u64 & 0xfff);
        m.set(self.p.req_wdata, !wdata as u64 & 0xffff_ffff);
        let mut waited = 0;
        let resp = loop {
            m.eval();
            let valid = m.get(self.p.resp_valid) != 0;
            let resp = RegResponse { rdata: m.get(self.p.resp_rdata) as u32, error: m.get(self.p.resp_error) != 0 };
            observe(m);
            m.tick(self.clk);
            self.cycles += 1;
            if valid {
                break resp;
            }
            waited += 1;
            if waited > self.timeout {
                return Err(RegBusViolation(format!("{what} not answered after {waited} cycles")));
            }
        };
        self.accesses += 1;
        // Exactly once: no second answer in the cycle after.
        m.eval();
        if m.get(self.p.resp_valid) != 0 {
            return Err(RegBusViolation(format!("cycle {}: {what} answered twice", self.cycles)));
        }
        for _ in 0..self.overhead {
            self.idle(m, observe)?;
        }
        Ok(resp)
    }

    /// A full-word write by the PF.
    pub fn write(&mut self, m: &mut Model, addr: u32, data: u32, observe: &mut dyn FnMut(&Model)) -> Result<RegResponse, RegBusViolation> {
        self.access(m, true, 0, addr, data, 0xf, observe)
    }

    /// A read by the PF.
    pub fn read(&mut self, m: &mut Model, addr: u32, observe: &mut dyn FnMut(&Model)) -> Result<RegResponse, RegBusViolation> {
        self.access(m, false, 0, addr, 0, 0, observe)
    }
}
