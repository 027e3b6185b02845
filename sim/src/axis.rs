//! AXI4-Stream agents for a [`Model`]: a source, a sink and a protocol
//! checker, bound to the ports of a stream by prefix (`{prefix}_tdata`,
//! `_tkeep`, `_tvalid`, `_tready`, `_tlast`, and `_tid`, `_tdest`, `_tuser`
//! where they exist; `tdata`, `tvalid` and `tready` are required).
//!
//! # Cycle flow
//!
//! Agents follow the [`Model`] cycle convention: every cycle, all agents
//! *drive* their inputs, the model is evaluated, all agents *sample* the
//! handshake (`tvalid && tready` seen now is the transfer that happens at
//! the coming clock edge), then the clock ticks:
//!
//! ```ignore
//! loop {
//!     src.drive(&mut m);
//!     sink.drive(&mut m);
//!     m.eval();
//!     src.sample(&m);
//!     sink.sample(&m);
//!     checker.check(&m)?;
//!     m.tick(clk);
//! }
//! ```
//!
//! [`cycle`] does exactly this for a list of [`Agent`]s.
//!
//! # tkeep convention
//!
//! A packet travels in beats of `tdata` width / 8 bytes. Every beat but the
//! last has all `tkeep` bits set; the last beat's `tkeep` is contiguous from
//! bit 0 (bytes `0..n` valid, `n >= 1`). Null bytes and sparse beats are not
//! used in vfpga. A stream without `tkeep` carries whole beats only; a stream
//! without `tlast` has one-beat packets.

use std::collections::VecDeque;
use std::error::Error;
use std::fmt;

use crate::rng::Rng;
use crate::verilator::{Model, PortId};

/// A packet on a stream: its bytes and sideband (`tid` is the function
/// number in vfpga).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Packet {
    /// Payload, first byte first (byte 0 of a beat is `tdata[7:0]`).
    pub data: Vec<u8>,
    /// `tid` (held on every beat; the sink records the first beat's).
    pub tid: u32,
    /// `tdest` (held on every beat; the sink records the first beat's).
    pub tdest: u32,
    /// `tuser` (held on every beat; the sink records the last beat's).
    pub tuser: u64,
}

impl Packet {
    /// A packet with `data` and zero sideband.
    pub fn new(data: impl Into<Vec<u8>>) -> Self {
        Packet { data: data.into(), ..Default::default() }
    }

    /// Sets `tid`.
    pub fn tid(mut self, tid: u32) -> Self {
        self.tid = tid;
        self
    }

    /// Sets `tdest`.
    pub fn tdest(mut self, tdest: u32) -> Self {
        self.tdest = tdest;
        self
    }

    /// Sets `tuser`.
    pub fn tuser(mut self, tuser: u64) -> Self {
        self.tuser = tuser;
        self
    }

    /// A packet of random bytes, of a length drawn from `len` (non-empty).
    pub fn random(rng: &mut Rng, len: std::ops::Range<usize>) -> Self {
        let n = rng.range_usize(len);
        Packet::new(rng.bytes(n))
    }

    /// Payload length in bytes.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// Whether the payload is empty.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
}

impl fmt::Debug for Packet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Packet {{ len: {}, tid: {}, tdest: {}, tuser: {:#x}, data: ", self.len(), self.tid, self.tdest, self.tuser)?;
        let show = self.data.len().min(32);
        f.write_str(&hex(&self.data[..show]))?;
        if self.data.len() > show {
            write!(f, " ... ({} more)", self.data.len() - show)?;
        }
        f.write_str(" }")
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" ")
}

/// The ports of one stream.
#[derive(Clone, Debug)]
struct AxisPorts {
    prefix: String,
    tdata: PortId,
    tkeep: Option<PortId>,
    tvalid: PortId,
    tready: PortId,
    tlast: Option<PortId>,
    tid: Option<PortId>,
    tdest: Option<PortId>,
    tuser: Option<PortId>,
    /// Bytes per beat.
    bytes: usize,
}

impl AxisPorts {
    fn bind(m: &Model, prefix: &str) -> Self {
        let req = |s: &str| m.port(&format!("{prefix}_{s}"));
        let opt = |s: &str| m.try_port(&format!("{prefix}_{s}"));
        let tdata = req("tdata");
        let w = m.port_width(tdata) as usize;
        assert!(w.is_multiple_of(8), "vfpga-sim: stream `{prefix}`: tdata is {w} bits, not a whole number of bytes");
        let bytes = w / 8;
        let tkeep = opt("tkeep");
        if let Some(k) = tkeep {
            let kw = m.port_width(k) as usize;
            assert!(kw == bytes, "vfpga-sim: stream `{prefix}`: tkeep is {kw} bits for a {w}-bit tdata");
        }
        AxisPorts {
            prefix: prefix.to_string(),
            tdata,
            tkeep,
            tvalid: req("tvalid"),
            tready: req("tready"),
            tlast: opt("tlast"),
            tid: opt("tid"),
            tdest: opt("tdest"),
            tuser: opt("tuser"),
            bytes,
        }
    }
}

/// Keep mask with bits `0..n` set, as little-endian bytes of `bytes` bits.
fn keep_bytes(n: usize, bytes: usize, out: &mut Vec<u8>) {
    out.clear();
    out.resize(bytes.div_ceil(8), 0);
    for i in 0..n {
        out[i / 8] |= 1 << (i % 8);
    }
}

/// Drives a stream into the model: packets are cut into beats, with random
/// idle cycles between beats (`tvalid` low) when `valid_prob < 1`. Once
/// `tvalid` is high it stays high, with the same beat, until `tready`.
/// While idle, `tdata` carries random junk.
#[derive(Debug)]
pub struct AxisSource {
    p: AxisPorts,
    rng: Rng,
    valid_prob: f64,
    queue: VecDeque<Packet>,
    /// Byte offset of the current beat in `queue[0]`.
    offset: usize,
    /// A beat is presented this cycle.
    valid: bool,
    sent_packets: u64,
    sent_beats: u64,
    buf: Vec<u8>,
    keep: Vec<u8>,
}

impl AxisSource {
    /// A source for the stream `prefix` (an input stream of the model, e.g.
    /// `s_axis_h2c`), presenting a beat whenever it has one
    /// (`valid_prob` 1). Panics if a required port is missing.
    pub fn new(m: &Model, prefix: &str, rng: Rng) -> Self {
        let p = AxisPorts::bind(m, prefix);
        AxisSource {
            p,
            rng,
            valid_prob: 1.0,
            queue: VecDeque::new(),
            offset: 0,
            valid: false,
            sent_packets: 0,
            sent_beats: 0,
            buf: Vec::new(),
            keep: Vec::new(),
        }
    }

    /// Sets the probability that a pending beat is presented in a cycle.
    pub fn with_valid_prob(mut self, p: f64) -> Self {
        self.valid_prob = p;
        self
    }

    /// Changes the probability that a pending beat is presented in a cycle.
    pub fn set_valid_prob(&mut self, p: f64) {
        self.valid_prob = p;
    }

    /// Bytes per beat.
    pub fn beat_bytes(&self) -> usize {
        self.p.bytes
    }

    /// Queues a packet. Panics on an empty packet, or one that is not a whole
    /// number of beats on a stream without `tkeep`.
    pub fn push(&mut self, pkt: Packet) {
        assert!(!pkt.data.is_empty(), "vfpga-sim: stream `{}`: empty packets cannot be sent", self.p.prefix);
        assert!(
            self.p.tkeep.is_some() || pkt.data.len().is_multiple_of(self.p.bytes),
            "vfpga-sim: stream `{}` has no tkeep, so packets must be whole beats of {} bytes (got {})",
            self.p.prefix,
            self.p.bytes,
            pkt.data.len()
        );
        self.queue.push_back(pkt);
    }

    /// Packets not completely sent yet.
    pub fn pending(&self) -> usize {
        self.queue.len()
    }

    /// Nothing left to send.
    pub fn is_idle(&self) -> bool {
        self.queue.is_empty()
    }

    /// Packets completely transferred.
    pub fn sent_packets(&self) -> u64 {
        self.sent_packets
    }

    /// Beats transferred.
    pub fn sent_beats(&self) -> u64 {
        self.sent_beats
    }

    /// Sets the stream's inputs for this cycle.
    pub fn drive(&mut self, m: &mut Model) {
        let p = &self.p;
        let new_beat = !self.valid && !self.queue.is_empty() && self.rng.chance(self.valid_prob);
        if !self.valid && !new_beat {
            m.set(p.tvalid, 0);
            self.buf.resize(p.bytes, 0);
            self.rng.fill_bytes(&mut self.buf);
            m.set_bytes(p.tdata, &self.buf);
            return;
        }
        self.valid = true;
        let pkt = &self.queue[0];
        let end = (self.offset + p.bytes).min(pkt.data.len());
        let n = end - self.offset;
        if new_beat {
            // The beat, with junk in the bytes that tkeep marks invalid; held
            // unchanged until accepted.
            self.buf.clear();
            self.buf.extend_from_slice(&pkt.data[self.offset..end]);
            let mut junk = [0u8; 8];
            while self.buf.len() < p.bytes {
                self.rng.fill_bytes(&mut junk);
                let k = (p.bytes - self.buf.len()).min(8);
                self.buf.extend_from_slice(&junk[..k]);
            }
        }
        m.set_bytes(p.tdata, &self.buf);
        if let Some(k) = p.tkeep {
            keep_bytes(n, p.bytes, &mut self.keep);
            m.set_bytes(k, &self.keep);
        }
        if let Some(l) = p.tlast {
            m.set(l, u64::from(end == pkt.data.len()));
        }
        if let Some(t) = p.tid {
            m.set(t, u64::from(pkt.tid));
        }
        if let Some(t) = p.tdest {
            m.set(t, u64::from(pkt.tdest));
        }
        if let Some(t) = p.tuser {
            m.set(t, pkt.tuser);
        }
        m.set(p.tvalid, 1);
    }

    /// Records the handshake of this cycle (call after `eval`, before `tick`).
    pub fn sample(&mut self, m: &Model) {
        if !self.valid || !m.get_bool(self.p.tready) {
            return; // holding (no retraction) or idle
        }
        self.valid = false;
        self.sent_beats += 1;
        self.offset += self.p.bytes;
        if self.offset >= self.queue[0].data.len() {
            self.queue.pop_front();
            self.offset = 0;
            self.sent_packets += 1;
        }
    }
}

/// Receives a stream from the model: drives `tready` high with probability
/// `ready_prob` each cycle and collects beats into packets (the bytes whose
/// `tkeep` bit is set; a packet ends with `tlast`).
#[derive(Debug)]
pub struct AxisSink {
    p: AxisPorts,
    rng: Rng,
    ready_prob: f64,
    cur: Option<Packet>,
    received: VecDeque<Packet>,
    packets: u64,
    beats: u64,
}

impl AxisSink {
    /// A sink for the stream `prefix` (an output stream of the model, e.g.
    /// `m_axis_c2h`), always ready (`ready_prob` 1). Panics if a required
    /// port is missing.
    pub fn new(m: &Model, prefix: &str, rng: Rng) -> Self {
        AxisSink {
            p: AxisPorts::bind(m, prefix),
            rng,
            ready_prob: 1.0,
            cur: None,
            received: VecDeque::new(),
            packets: 0,
            beats: 0,
        }
    }

    /// Sets the probability that `tready` is high in a cycle.
    pub fn with_ready_prob(mut self, p: f64) -> Self {
        self.ready_prob = p;
        self
    }

    /// Changes the probability that `tready` is high in a cycle.
    pub fn set_ready_prob(&mut self, p: f64) {
        self.ready_prob = p;
    }

    /// Sets `tready` for this cycle.
    pub fn drive(&mut self, m: &mut Model) {
        let r = self.rng.chance(self.ready_prob);
        m.set(self.p.tready, u64::from(r));
    }

    /// Records the handshake of this cycle (call after `eval`, before `tick`).
    pub fn sample(&mut self, m: &Model) {
        let p = &self.p;
        if !(m.get_bool(p.tvalid) && m.get_bool(p.tready)) {
            return;
        }
        self.beats += 1;
        let data = m.get_bytes(p.tdata);
        let pkt = self.cur.get_or_insert_with(|| Packet {
            data: Vec::new(),
            tid: p.tid.map_or(0, |t| m.get(t) as u32),
            tdest: p.tdest.map_or(0, |t| m.get(t) as u32),
            tuser: 0,
        });
        match p.tkeep {
            Some(k) => {
                let keep = m.get_bytes(k);
                for (i, b) in data.iter().enumerate() {
                    if keep[i / 8] >> (i % 8) & 1 == 1 {
                        pkt.data.push(*b);
                    }
                }
            }
            None => pkt.data.extend_from_slice(&data),
        }
        let last = p.tlast.is_none_or(|l| m.get_bool(l));
        if last {
            let mut pkt = self.cur.take().expect("packet in progress");
            if let Some(u) = p.tuser {
                pkt.tuser = if m.port_width(u) <= 64 { m.get(u) } else { 0 };
            }
            self.received.push_back(pkt);
            self.packets += 1;
        }
    }

    /// The oldest complete packet not yet taken.
    pub fn pop(&mut self) -> Option<Packet> {
        self.received.pop_front()
    }

    /// Takes all complete packets received so far.
    pub fn drain(&mut self) -> Vec<Packet> {
        self.received.drain(..).collect()
    }

    /// Complete packets received so far (taken or not).
    pub fn packets(&self) -> u64 {
        self.packets
    }

    /// Beats received so far.
    pub fn beats(&self) -> u64 {
        self.beats
    }

    /// Whether a packet is partly received.
    pub fn in_packet(&self) -> bool {
        self.cur.is_some()
    }
}

/// A violation of the AXI4-Stream rules found by [`AxisChecker`].
#[derive(Clone, PartialEq, Eq)]
pub struct AxisViolation {
    /// The stream prefix.
    pub stream: String,
    /// The offending port (`m_axis_tdata`).
    pub port: String,
    /// The model's cycle count ([`Model::cycles`]) when it was seen.
    pub cycle: u64,
    /// The model's time ([`Model::time`]), to find it in a waveform.
    pub time: u64,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for AxisViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "AXI4-Stream violation on `{}` at cycle {} (time {}): {}: {}",
            self.stream, self.cycle, self.time, self.port, self.message
        )
    }
}

impl fmt::Debug for AxisViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Error for AxisViolation {}

/// Snapshot of a beat's payload.
#[derive(Clone, Default, PartialEq, Eq)]
struct Beat {
    data: Vec<u32>,
    keep: Vec<u32>,
    last: u64,
    tid: u64,
    tdest: u64,
    user: Vec<u32>,
}

/// Checks the AXI4-Stream rules on one stream, every cycle (after `eval`,
/// before `tick`):
///
/// * once `tvalid` is high it stays high until `tready` (no retraction);
/// * `tdata`, `tkeep`, `tlast`, `tid`, `tdest`, `tuser` are held stable while
///   `tvalid && !tready`;
/// * on a valid beat `tkeep` is not zero, is all ones on a non-last beat,
///   and is contiguous from bit 0 on the last beat (the vfpga convention,
///   see the module docs).
///
/// Call [`reset`](AxisChecker::reset) when the design is reset, and do not
/// call `check` during reset.
#[derive(Debug)]
pub struct AxisChecker {
    p: AxisPorts,
    held: Option<Beat>,
    cur: Beat,
    beats: u64,
    packets: u64,
}

impl fmt::Debug for Beat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Beat {{ data: {}, keep: {} }}", words_hex(&self.data), words_hex(&self.keep))
    }
}

fn words_hex(w: &[u32]) -> String {
    if w.is_empty() {
        return "-".into();
    }
    let mut s = String::from("0x");
    for x in w.iter().rev() {
        s.push_str(&format!("{x:08x}"));
    }
    s
}

impl AxisChecker {
    /// A checker for the stream `prefix` (input or output of the model).
    pub fn new(m: &Model, prefix: &str) -> Self {
        AxisChecker { p: AxisPorts::bind(m, prefix), held: None, cur: Beat::default(), beats: 0, packets: 0 }
    }

    /// Forgets a beat being held (e.g. across a reset).
    pub fn reset(&mut self) {
        self.held = None;
    }

    /// Transfers seen so far.
    pub fn beats(&self) -> u64 {
        self.beats
    }

    /// Packets (transfers with `tlast`) seen so far.
    pub fn packets(&self) -> u64 {
        self.packets
    }

    fn snapshot(&mut self, m: &Model) {
        let p = &self.p;
        let b = &mut self.cur;
        b.data.resize(m.port_words(p.tdata), 0);
        m.get_words_into(p.tdata, &mut b.data);
        match p.tkeep {
            Some(k) => {
                b.keep.resize(m.port_words(k), 0);
                m.get_words_into(k, &mut b.keep);
            }
            None => b.keep.clear(),
        }
        b.last = p.tlast.map_or(1, |l| m.get(l));
        b.tid = p.tid.map_or(0, |t| m.get(t));
        b.tdest = p.tdest.map_or(0, |t| m.get(t));
        match p.tuser {
            Some(u) => {
                b.user.resize(m.port_words(u), 0);
                m.get_words_into(u, &mut b.user);
            }
            None => b.user.clear(),
        }
    }

    fn violation(&self, m: &Model, port: &str, message: String) -> AxisViolation {
        AxisViolation {
            stream: self.p.prefix.clone(),
            port: format!("{}_{port}", self.p.prefix),
            cycle: m.cycles(),
            time: m.time(),
            message,
        }
    }

    /// Checks this cycle. Returns the first violation found.
    pub fn check(&mut self, m: &Model) -> Result<(), AxisViolation> {
        let valid = m.get_bool(self.p.tvalid);
        let ready = m.get_bool(self.p.tready);
        if let Some(held) = self.held.take() {
            if !valid {
                return Err(self.violation(
                    m,
                    "tvalid",
                    "tvalid fell before the beat was accepted (tvalid && !tready in the previous cycle)".into(),
                ));
            }
            self.snapshot(m);
            let c = &self.cur;
            let changed = |name: &str, was: String, now: String| {
                Some((name.to_string(), format!("changed while tvalid && !tready: was {was}, now {now}")))
            };
            let diff = if held.data != c.data {
                changed("tdata", words_hex(&held.data), words_hex(&c.data))
            } else if held.keep != c.keep {
                changed("tkeep", words_hex(&held.keep), words_hex(&c.keep))
            } else if held.last != c.last {
                changed("tlast", held.last.to_string(), c.last.to_string())
            } else if held.tid != c.tid {
                changed("tid", held.tid.to_string(), c.tid.to_string())
            } else if held.tdest != c.tdest {
                changed("tdest", held.tdest.to_string(), c.tdest.to_string())
            } else if held.user != c.user {
                changed("tuser", words_hex(&held.user), words_hex(&c.user))
            } else {
                None
            };
            if let Some((port, msg)) = diff {
                return Err(self.violation(m, &port, msg));
            }
        } else if valid {
            self.snapshot(m);
        }
        if !valid {
            return Ok(());
        }
        // tkeep rules.
        if self.p.tkeep.is_some() {
            let keep = &self.cur.keep;
            let nbits = self.p.bytes;
            let last = self.cur.last != 0;
            let bit = |i: usize| keep[i / 32] >> (i % 32) & 1 == 1;
            let ones = (0..nbits).take_while(|&i| bit(i)).count();
            let contiguous = (ones..nbits).all(|i| !bit(i));
            let msg = if ones == 0 && !contiguous {
                Some(format!("tkeep {} on a valid beat does not start at byte 0", words_hex(keep)))
            } else if ones == 0 {
                Some("tkeep is zero on a valid beat".to_string())
            } else if !last && ones != nbits {
                Some(format!("tkeep {} on a beat without tlast is not all ones", words_hex(keep)))
            } else if !contiguous {
                Some(format!("tkeep {} on the last beat is not contiguous from byte 0", words_hex(keep)))
            } else {
                None
            };
            if let Some(msg) = msg {
                return Err(self.violation(m, "tkeep", msg));
            }
        }
        if ready {
            self.beats += 1;
            if self.cur.last != 0 {
                self.packets += 1;
            }
        } else {
            self.held = Some(self.cur.clone());
        }
        Ok(())
    }
}

/// Something that takes part in the [`cycle`] flow.
pub trait Agent {
    /// Sets model inputs for this cycle (before `eval`).
    fn drive(&mut self, _m: &mut Model) {}
    /// Observes the model after `eval`, before the clock edge.
    fn sample(&mut self, _m: &Model) -> Result<(), Box<dyn Error + Send + Sync>> {
        Ok(())
    }
}

impl Agent for AxisSource {
    fn drive(&mut self, m: &mut Model) {
        AxisSource::drive(self, m)
    }
    fn sample(&mut self, m: &Model) -> Result<(), Box<dyn Error + Send + Sync>> {
        AxisSource::sample(self, m);
        Ok(())
    }
}

impl Agent for AxisSink {
    fn drive(&mut self, m: &mut Model) {
        AxisSink::drive(self, m)
    }
    fn sample(&mut self, m: &Model) -> Result<(), Box<dyn Error + Send + Sync>> {
        AxisSink::sample(self, m);
        Ok(())
    }
}

impl Agent for AxisChecker {
    fn sample(&mut self, m: &Model) -> Result<(), Box<dyn Error + Send + Sync>> {
        Ok(self.check(m)?)
    }
}

/// One clock cycle of the flow: every agent drives, the model evaluates,
/// every agent samples, the clock ticks. Stops at the first error (before
/// the tick).
pub fn cycle(m: &mut Model, clk: PortId, agents: &mut [&mut dyn Agent]) -> Result<(), Box<dyn Error + Send + Sync>> {
    for a in agents.iter_mut() {
        a.drive(m);
    }
    m.eval();
    for a in agents.iter_mut() {
        a.sample(m)?;
    }
    m.tick(clk);
    Ok(())
}
