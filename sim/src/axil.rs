//! AXI4-Lite master agent (register accesses into a model's `s_axil_*`
//! port) with the slave side's protocol checked on every cycle.
//!
//! One access is in flight at a time, as a PCIe endpoint's BAR master would
//! issue them to a simple slave. Address and data of a write are presented
//! independently, each after a random delay; `bready`/`rready` are random.

use std::collections::VecDeque;

use crate::{Model, PortId, Rng};

/// One register access.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AxilOp {
    pub write: bool,
    pub addr: u64,
    pub data: u32,
    pub strb: u8,
}

impl AxilOp {
    pub fn read(addr: u64) -> Self {
        AxilOp { write: false, addr, data: 0, strb: 0 }
    }
    pub fn write(addr: u64, data: u32) -> Self {
        AxilOp { write: true, addr, data, strb: 0xf }
    }
}

/// A finished access: its response code (0 OKAY, 2 SLVERR, 3 DECERR) and,
/// for a read, the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AxilDone {
    pub op: AxilOp,
    pub resp: u8,
    pub rdata: u32,
    /// Cycles from the first valid to the response handshake.
    pub latency: u64,
}

#[derive(Debug, Clone, Copy)]
struct Ports {
    awaddr: PortId,
    awvalid: PortId,
    awready: PortId,
    wdata: PortId,
    wstrb: PortId,
    wvalid: PortId,
    wready: PortId,
    bresp: PortId,
    bvalid: PortId,
    bready: PortId,
    araddr: PortId,
    arvalid: PortId,
    arready: PortId,
    rdata: PortId,
    rresp: PortId,
    rvalid: PortId,
    rready: PortId,
}

/// Drives `{prefix}_aw*`, `_w*`, `_b*`, `_ar*`, `_r*` of a model.
#[derive(Debug)]
pub struct AxilMaster {
    p: Ports,
    rng: Rng,
    /// Probability of presenting a pending address/data beat in a cycle.
    pub valid_prob: f64,
    /// Probability of `bready`/`rready` in a cycle.
    pub ready_prob: f64,
    queue: VecDeque<AxilOp>,
    cur: Option<AxilOp>,
    aw_done: bool,
    w_done: bool,
    ar_done: bool,
    aw_on: bool,
    w_on: bool,
    ar_on: bool,
    bready: bool,
    rready: bool,
    age: u64,
    done: VecDeque<AxilDone>,
    /// The response being held by the slave (for the stability check).
    held_b: Option<u64>,
    held_r: Option<(u64, u64)>,
}

impl AxilMaster {
    pub fn new(m: &Model, prefix: &str, rng: Rng) -> Self {
        let p = |s: &str| m.port(&format!("{prefix}_{s}"));
        AxilMaster {
            p: Ports {
                awaddr: p("awaddr"),
                awvalid: p("awvalid"),
                awready: p("awready"),
                wdata: p("wdata"),
                wstrb: p("wstrb"),
                wvalid: p("wvalid"),
                wready: p("wready"),
                bresp: p("bresp"),
                bvalid: p("bvalid"),
                bready: p("bready"),
                araddr: p("araddr"),
                arvalid: p("arvalid"),
                arready: p("arready"),
                rdata: p("rdata"),
                rresp: p("rresp"),
                rvalid: p("rvalid"),
                rready: p("rready"),
            },
            rng,
            valid_prob: 1.0,
            ready_prob: 1.0,
            queue: VecDeque::new(),
            cur: None,
            aw_done: false,
            w_done: false,
            ar_done: false,
            aw_on: false,
            w_on: false,
            ar_on: false,
            bready: false,
            rready: false,
            age: 0,
            done: VecDeque::new(),
            held_b: None,
            held_r: None,
        }
    }

    pub fn with_probs(mut self, valid: f64, ready: f64) -> Self {
        self.valid_prob = valid;
        self.ready_prob = ready;
        self
    }

    pub fn push(&mut self, op: AxilOp) {
        self.queue.push_back(op);
    }

    /// Nothing queued or in flight.
    pub fn is_idle(&self) -> bool {
        self.queue.is_empty() && self.cur.is_none()
    }

    pub fn pop(&mut self) -> Option<AxilDone> {
        self.done.pop_front()
    }

    /// Sets the master's outputs for this cycle.
    pub fn drive(&mut self, m: &mut Model) {
        if self.cur.is_none() {
            if let Some(op) = self.queue.pop_front() {
                self.cur = Some(op);
                self.aw_done = !op.write;
                self.w_done = !op.write;
                self.ar_done = op.write;
                self.age = 0;
            }
        }
        let p = self.p;
        // A valid once raised stays up until its handshake.
        let vp = self.valid_prob;
        if let Some(op) = self.cur {
            if !self.aw_done && !self.aw_on {
                self.aw_on = self.rng.chance(vp);
            }
            if !self.w_done && !self.w_on {
                self.w_on = self.rng.chance(vp);
            }
            if !self.ar_done && !self.ar_on {
                self.ar_on = self.rng.chance(vp);
            }
            m.set(p.awaddr, if self.aw_on { op.addr } else { self.rng.bits(23) });
            m.set(p.wdata, if self.w_on { op.data as u64 } else { self.rng.bits(32) });
            m.set(p.wstrb, op.strb as u64);
            m.set(p.araddr, if self.ar_on { op.addr } else { self.rng.bits(23) });
        }
        m.set(p.awvalid, self.aw_on as u64);
        m.set(p.wvalid, self.w_on as u64);
        m.set(p.arvalid, self.ar_on as u64);
        self.bready = self.rng.chance(self.ready_prob);
        self.rready = self.rng.chance(self.ready_prob);
        m.set(p.bready, self.bready as u64);
        m.set(p.rready, self.rready as u64);
    }

    /// Records this cycle's handshakes (after `eval`, before `tick`) and
    /// checks the slave's side of the protocol.
    pub fn sample(&mut self, m: &Model) -> Result<(), String> {
        let p = self.p;
        let bvalid = m.get_bool(p.bvalid);
        let rvalid = m.get_bool(p.rvalid);
        // A response is held, unchanged, until taken.
        if let Some(resp) = self.held_b {
            if !bvalid || m.get(p.bresp) != resp {
                return Err("AXI4-Lite: B response dropped or changed before bready".into());
            }
        }
        if let Some((resp, data)) = self.held_r {
            if !rvalid || m.get(p.rresp) != resp || m.get(p.rdata) != data {
                return Err("AXI4-Lite: R response dropped or changed before rready".into());
            }
        }
        let Some(op) = self.cur else {
            if bvalid || rvalid || m.get_bool(p.awready) && self.aw_on {
                return Err("AXI4-Lite: response without a request".into());
            }
            return Ok(());
        };
        self.age += 1;
        if self.aw_on && m.get_bool(p.awready) {
            self.aw_on = false;
            self.aw_done = true;
        }
        if self.w_on && m.get_bool(p.wready) {
            self.w_on = false;
            self.w_done = true;
        }
        if self.ar_on && m.get_bool(p.arready) {
            self.ar_on = false;
            self.ar_done = true;
        }
        if bvalid && (!op.write || !(self.aw_done && self.w_done)) {
            return Err("AXI4-Lite: B response before the write's address and data were taken".into());
        }
        if rvalid && (op.write || !self.ar_done) {
            return Err("AXI4-Lite: R response before the read's address was taken".into());
        }
        let resp_bits = |v: u64| v as u8;
        if bvalid {
            if self.bready {
                self.done.push_back(AxilDone { op, resp: resp_bits(m.get(p.bresp)), rdata: 0, latency: self.age });
                self.cur = None;
                self.held_b = None;
            } else {
                self.held_b = Some(m.get(p.bresp));
            }
        }
        if rvalid {
            if self.rready {
                let rdata = m.get(p.rdata) as u32;
                self.done.push_back(AxilDone { op, resp: resp_bits(m.get(p.rresp)), rdata, latency: self.age });
                self.cur = None;
                self.held_r = None;
            } else {
                self.held_r = Some((m.get(p.rresp), m.get(p.rdata)));
            }
        }
        Ok(())
    }
}
