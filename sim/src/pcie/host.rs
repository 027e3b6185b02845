//! The host's side of RQ and RC: the device's memory requests checked
//! against the TLP rules and served from a host memory behind an IOMMU.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use super::{be_contiguous, be_span, field, keep_of, our_function, set_field, Layout, CA, SC, UR};
use crate::axicheck::HandshakeChecker;
use crate::host::{Iommu, PAGE};
use crate::{Model, PortId, Rng};

/// A read request being answered.
#[derive(Debug)]
struct ReadJob {
    tag: u32,
    requester: u32,
    /// Next byte to complete and one past the last.
    cur: u64,
    end: u64,
    ready_at: u64,
    /// An error status to end with (after some good completions, maybe).
    error: Option<u32>,
    good_before_error: u32,
}

/// A byte range of a read answered with an error status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorRange {
    pub function: u32,
    pub start: u64,
    pub end: u64,
    pub status: u32,
}

/// Data moved on one stream: payload dwords, and the cycles of the first
/// and the last beat that carried some (for throughput figures).
#[derive(Clone, Copy, Debug, Default)]
pub struct Flow {
    pub dwords: u64,
    pub first: Option<u64>,
    pub last: u64,
}

impl Flow {
    fn add(&mut self, first_cycle: u64, last_cycle: u64, dwords: u64) {
        if dwords > 0 {
            self.dwords += dwords;
            self.first = Some(self.first.map_or(first_cycle, |f| f.min(first_cycle)));
            self.last = self.last.max(last_cycle);
        }
    }
}

/// Serves the device's RQ requests; completions on RC.
pub struct HostPort {
    lay: Layout,
    p: HashMap<&'static str, PortId>,
    rng: Rng,
    pub mem: BTreeMap<u64, Vec<u8>>,
    pub iommu: Iommu,
    /// The shell's functions (PF + VFs).
    pub functions: u32,
    /// Max payload and max read request size in bytes (what the block is told).
    pub mps: u64,
    pub mrrs: u64,
    /// Read completion boundary (64 or 128).
    pub rcb: u64,
    /// Completions of this many bytes (up to its multiple) instead of a
    /// random number of read completion boundaries.
    pub completion_bytes: Option<u64>,
    /// Latency of a read's first completion: uniform in this range (cycles).
    pub latency: std::ops::Range<u64>,
    /// Probability of an error completion for a read (CA or UR).
    pub error_prob: f64,
    pub valid_prob: f64,
    pub ready_prob: f64,
    cycle: u64,
    rq_check: HandshakeChecker,
    rq_beats: Vec<Vec<u32>>,
    rq_keeps: Vec<u64>,
    rq_users: Vec<Vec<u32>>,
    jobs: Vec<ReadJob>,
    tags: HashSet<u32>,
    /// The completion on RC: beats, keeps, tusers, tlast and payload dwords.
    rc: VecDeque<(Vec<u32>, u64, Vec<u32>, bool, u64)>,
    rc_on: bool,
    /// Read ranges answered with an error.
    pub errors: Vec<ErrorRange>,
    /// Completion payload on RC, and memory write payload on RQ.
    pub rc_payload: Flow,
    pub rq_writes: Flow,
    /// Cycle of the first beat of the RQ request being received.
    rq_start: u64,
    /// Cycles with no beat on RC, and with one the device did not take.
    pub rc_idle: u64,
    pub rc_held: u64,
    /// Requests seen per shell function: (reads, writes), as
    /// [`crate::host::HostMem::accesses`] counts them.
    pub accesses: BTreeMap<u32, (u64, u64)>,
    /// Requests seen: (reads, writes), and completions sent.
    pub reads: u64,
    pub writes: u64,
    pub completions: u64,
    /// Most reads outstanding at once.
    pub max_outstanding: usize,
    /// Completions sent in another order than their requests'.
    pub reordered: u64,
    last_started: Option<u64>,
    read_seq: HashMap<u32, u64>,
    seq: u64,
}

impl HostPort {
    pub fn new(m: &Model, lay: Layout, functions: u32, rng: Rng) -> Self {
        let names = [
            "m_axis_rq_tdata", "m_axis_rq_tkeep", "m_axis_rq_tlast", "m_axis_rq_tuser", "m_axis_rq_tvalid",
            "m_axis_rq_tready", "s_axis_rc_tdata", "s_axis_rc_tkeep", "s_axis_rc_tlast", "s_axis_rc_tuser",
            "s_axis_rc_tvalid", "s_axis_rc_tready",
        ];
        let p = names.iter().map(|n| (*n, m.port(n))).collect();
        let rq_check = HandshakeChecker::new(
            m,
            "RQ",
            "m_axis_rq_tvalid",
            "m_axis_rq_tready",
            &["m_axis_rq_tdata", "m_axis_rq_tkeep", "m_axis_rq_tlast", "m_axis_rq_tuser"],
        );
        HostPort {
            lay,
            p,
            rng,
            mem: BTreeMap::new(),
            iommu: Iommu::default(),
            functions,
            mps: 256,
            mrrs: 512,
            rcb: 64,
            completion_bytes: None,
            latency: 20..200,
            error_prob: 0.0,
            valid_prob: 1.0,
            ready_prob: 1.0,
            cycle: 0,
            rq_check,
            rq_beats: Vec::new(),
            rq_keeps: Vec::new(),
            rq_users: Vec::new(),
            jobs: Vec::new(),
            tags: HashSet::new(),
            rc: VecDeque::new(),
            rc_on: false,
            errors: Vec::new(),
            accesses: BTreeMap::new(),
            rc_payload: Flow::default(),
            rq_writes: Flow::default(),
            rq_start: 0,
            rc_idle: 0,
            rc_held: 0,
            reads: 0,
            writes: 0,
            completions: 0,
            max_outstanding: 0,
            reordered: 0,
            last_started: None,
            read_seq: HashMap::new(),
            seq: 0,
        }
    }

    pub fn byte(&self, a: u64) -> u8 {
        self.mem.get(&(a / PAGE)).map(|p| p[(a % PAGE) as usize]).unwrap_or(0)
    }

    pub fn read_bytes(&self, addr: u64, len: usize) -> Vec<u8> {
        (0..len as u64).map(|i| self.byte(addr + i)).collect()
    }

    pub fn write_bytes(&mut self, addr: u64, data: &[u8]) {
        for (i, b) in data.iter().enumerate() {
            let a = addr + i as u64;
            self.mem.entry(a / PAGE).or_insert_with(|| vec![0; PAGE as usize])[(a % PAGE) as usize] = *b;
        }
    }

    /// No read outstanding, no completion on its way.
    pub fn idle(&self) -> bool {
        self.jobs.is_empty() && self.rc.is_empty() && self.rq_beats.is_empty()
    }

    pub fn outstanding(&self) -> usize {
        self.jobs.len()
    }

    pub fn drive(&mut self, m: &mut Model) {
        m.set(self.p["m_axis_rq_tready"], self.rng.chance(self.ready_prob) as u64);
        if self.rc.is_empty() {
            self.start_completion();
        }
        if !self.rc_on && !self.rc.is_empty() {
            self.rc_on = self.rng.chance(self.valid_prob);
        }
        if let (true, Some((data, keep, user, last, _))) = (self.rc_on, self.rc.front()) {
            m.set_words(self.p["s_axis_rc_tdata"], data);
            m.set(self.p["s_axis_rc_tkeep"], *keep);
            m.set_words(self.p["s_axis_rc_tuser"], &user[..m.port_words(self.p["s_axis_rc_tuser"])]);
            m.set(self.p["s_axis_rc_tlast"], *last as u64);
        }
        m.set(self.p["s_axis_rc_tvalid"], self.rc_on as u64);
    }

    pub fn sample(&mut self, m: &Model) -> Result<(), String> {
        if !self.rc_on {
            self.rc_idle += 1;
        } else if m.get(self.p["s_axis_rc_tready"]) == 0 {
            self.rc_held += 1;
        }
        if self.rc_on && m.get(self.p["s_axis_rc_tready"]) == 1 {
            let payload = self.rc.pop_front().map_or(0, |b| b.4);
            self.rc_payload.add(self.cycle, self.cycle, payload);
            self.rc_on = false;
        }
        if self.rq_check.check(m)? {
            if self.rq_beats.is_empty() {
                self.rq_start = self.cycle;
            }
            self.rq_beats.push(m.get_words(self.p["m_axis_rq_tdata"]));
            self.rq_keeps.push(m.get(self.p["m_axis_rq_tkeep"]));
            self.rq_users.push(m.get_words(self.p["m_axis_rq_tuser"]));
            if m.get(self.p["m_axis_rq_tlast"]) == 1 {
                self.request()?;
            }
        }
        self.cycle += 1;
        Ok(())
    }

    /// One whole TLP from RQ: checked, then served.
    fn request(&mut self) -> Result<(), String> {
        let beats = std::mem::take(&mut self.rq_beats);
        let keeps = std::mem::take(&mut self.rq_keeps);
        let users = std::mem::take(&mut self.rq_users);
        let nk = self.lay.nk;
        let d = &beats[0];
        let g = |lo, w| field(d, lo, w);
        let (at, addr, dwc0, rtype) = (g(0, 2), g(0, 64) & !3, g(64, 11), g(75, 4) as u32);
        let dwc = if dwc0 == 0 { 1024 } else { dwc0 };
        let (hard_fn, bus, tag, req_id_en) = (g(80, 8) as u32, g(88, 8), g(96, 8) as u32, g(120, 1));
        let (fbe, lbe) = (field(&users[0], 0, 4) as u32, field(&users[0], self.lay.rq_last_be, 4) as u32);
        let what = format!("RQ TLP (type {rtype}, address {addr:#x}, {dwc} dwords, function {hard_fn}, tag {tag})");
        let fail = |msg: String| Err(format!("{what}: {msg}"));
        // Stream framing: keeps contiguous from dword 0, full but on the last beat.
        let total: u64 = keeps.iter().map(|k| k.count_ones() as u64).sum();
        for (i, k) in keeps.iter().enumerate() {
            let n = k.count_ones() as usize;
            if *k != keep_of(n) || (i + 1 < keeps.len() && n != nk) {
                return fail(format!("tkeep {k:#x} on beat {i} of {}", keeps.len()));
            }
        }
        if self.lay.wide {
            for (i, u) in users.iter().enumerate() {
                let (sop, eop, ptr) = (field(u, 20, 2), field(u, 26, 2), field(u, 28, 4));
                if sop != (i == 0) as u64 {
                    return fail(format!("tuser is_sop {sop:#b} on beat {i}"));
                }
                let last = i + 1 == users.len();
                if eop != last as u64 || (last && ptr != keeps[i].count_ones() as u64 - 1) {
                    return fail(format!("tuser is_eop {eop:#b} / ptr {ptr} on beat {i}"));
                }
            }
        }
        if at != 0 || req_id_en != 0 || bus != 0 {
            return fail(format!("address type {at}, requester ID enable {req_id_en}, bus {bus}: expected 0"));
        }
        let f = match our_function(hard_fn, self.functions) {
            Some(f) => f,
            None => return fail(format!("requester function {hard_fn} is none of the design's {}", self.functions)),
        };
        if dwc == 1 {
            if lbe != 0 || fbe == 0 || !be_contiguous(fbe) {
                return fail(format!("one dword with first BE {fbe:#x}, last BE {lbe:#x}"));
            }
        } else if fbe == 0 || lbe == 0 || !be_contiguous(fbe) || !be_contiguous(lbe) || fbe & 8 == 0 || lbe & 1 == 0 {
            return fail(format!("first BE {fbe:#x}, last BE {lbe:#x} do not make one contiguous range"));
        }
        let start = addr + be_span(fbe).0 as u64;
        let end = if dwc == 1 { addr + be_span(fbe).1 as u64 + 1 } else { addr + 4 * (dwc - 1) + be_span(lbe).1 as u64 + 1 };
        if addr / PAGE != (addr + 4 * dwc - 1) / PAGE {
            return fail("crosses a 4 KiB boundary".into());
        }
        match rtype {
            super::MEM_READ => {
                if total != 4 {
                    return fail(format!("a read request of {total} dwords on the stream"));
                }
                if 4 * dwc > self.mrrs {
                    return fail(format!("{} bytes, above the max read request size {}", 4 * dwc, self.mrrs));
                }
                if !self.tags.insert(tag) {
                    return fail("tag already outstanding".into());
                }
                self.reads += 1;
                self.accesses.entry(f).or_default().0 += 1;
                let allowed = (start / PAGE..=(end - 1) / PAGE).all(|p| self.iommu.allows(f, p * PAGE, false));
                let mut error = None;
                if !allowed {
                    self.iommu.violations.push((f, start, false));
                    error = Some(UR);
                } else if self.rng.chance(self.error_prob) {
                    error = Some(if self.rng.chance(0.5) { CA } else { UR });
                }
                if let Some(status) = error {
                    self.errors.push(ErrorRange { function: f, start, end, status });
                }
                let lat = self.rng.range(self.latency.clone());
                let good_before_error = self.rng.below(3) as u32;
                self.read_seq.insert(tag, self.seq);
                self.seq += 1;
                self.jobs.push(ReadJob { tag, requester: hard_fn, cur: start, end, ready_at: self.cycle + lat, error, good_before_error });
                self.max_outstanding = self.max_outstanding.max(self.jobs.len());
            }
            super::MEM_WRITE => {
                if total != 4 + dwc {
                    return fail(format!("{total} dwords on the stream for a {dwc}-dword write"));
                }
                if 4 * dwc > self.mps {
                    return fail(format!("{} bytes of payload, above the max payload size {}", 4 * dwc, self.mps));
                }
                self.writes += 1;
                self.accesses.entry(f).or_default().1 += 1;
                self.rq_writes.add(self.rq_start, self.cycle, dwc);
                let words: Vec<u32> = beats.concat();
                for i in 0..dwc {
                    let w = words[4 + i as usize];
                    let be = if i == 0 { fbe } else if i + 1 == dwc { lbe } else { 15 };
                    for b in 0..4u64 {
                        if be >> b & 1 == 1 {
                            let a = addr + 4 * i + b;
                            if self.iommu.allows(f, a, true) {
                                self.write_bytes(a, &[(w >> (8 * b)) as u8]);
                            } else {
                                self.iommu.violations.push((f, a, true));
                            }
                        }
                    }
                }
            }
            t => return fail(format!("request type {t}: the device only reads and writes memory")),
        }
        Ok(())
    }

    /// Puts the next completion on RC: a random ready read, up to a random
    /// completion boundary.
    fn start_completion(&mut self) {
        let ready: Vec<usize> = (0..self.jobs.len()).filter(|&i| self.jobs[i].ready_at <= self.cycle).collect();
        if ready.is_empty() {
            return;
        }
        let i = *self.rng.pick(&ready);
        let nk = self.lay.nk;
        let rcb = self.rcb;
        let j = &mut self.jobs[i];
        let seq = self.read_seq[&j.tag];
        if self.last_started.is_some_and(|s| s > seq) {
            self.reordered += 1;
        }
        self.last_started = Some(seq);
        let remaining = j.end - j.cur;
        let mut dws = vec![0u32; 3];
        set_field(&mut dws, 0, 12, j.cur & 0xfff);
        set_field(&mut dws, 16, 13, remaining & 0x1fff);
        set_field(&mut dws, 48, 16, (j.requester << 0) as u64);
        set_field(&mut dws, 64, 8, j.tag as u64);
        let error_now = j.error.is_some() && j.good_before_error == 0;
        let done;
        if error_now {
            set_field(&mut dws, 43, 3, j.error.unwrap() as u64);
            set_field(&mut dws, 30, 1, 1);
            done = true;
        } else {
            // Up to a read completion boundary, a random number of them on.
            let mut cend = match self.completion_bytes {
                Some(n) => (j.cur / n + 1) * n,
                None => (j.cur / rcb + 1 + self.rng.below(4)) * rcb,
            };
            // (A draw that decides nothing; kept so that seeds replay the
            // traffic they always did.)
            if self.completion_bytes.is_none() && cend <= j.end && j.error.is_none() {
                let _ = self.rng.chance(0.3);
            }
            cend = cend.min(j.end);
            let first_dw = j.cur & !3;
            let ndw = (cend + 3) / 4 - first_dw / 4;
            set_field(&mut dws, 32, 11, ndw);
            done = cend == j.end && j.error.is_none();
            set_field(&mut dws, 30, 1, done as u64);
            let _ = SC;
            for k in 0..ndw {
                let a = first_dw + 4 * k;
                let b = [a, a + 1, a + 2, a + 3].map(|x| self.mem.get(&(x / PAGE)).map(|p| p[(x % PAGE) as usize]).unwrap_or(0));
                dws.push(u32::from_le_bytes(b));
            }
            j.cur = cend;
            if j.error.is_some() {
                j.good_before_error -= 1;
                if j.cur == j.end {
                    j.good_before_error = 0;
                }
            }
        }
        let n = dws.len();
        for (bi, chunk) in dws.chunks(nk).enumerate() {
            let mut b = chunk.to_vec();
            let keep = keep_of(b.len());
            b.resize(nk, 0);
            let last = (bi + 1) * nk >= n;
            let mut user = vec![0u32; 6];
            // byte_en of the payload dwords of this beat; sof/eof.
            for (k, _) in chunk.iter().enumerate() {
                if bi * nk + k >= 3 {
                    set_field(&mut user, 4 * k, 4, 15);
                }
            }
            if self.lay.wide {
                set_field(&mut user, 64, 1, (bi == 0) as u64);
                if last {
                    set_field(&mut user, 76, 1, 1);
                    set_field(&mut user, 80, 4, (chunk.len() - 1) as u64);
                }
            } else {
                // is_sof_0 at 32; is_eof_0[0] at 34 says a TLP ends here and
                // is_eof_0[3:1] (37:35) is the offset of its last dword.
                set_field(&mut user, 32, 1, (bi == 0) as u64);
                if last {
                    set_field(&mut user, 34, 4, 1 | ((chunk.len() - 1) as u64) << 1);
                }
            }
            let payload = (chunk.len() - if bi == 0 { 3 } else { 0 }) as u64;
            self.rc.push_back((b, keep, user, last, payload));
        }
        self.completions += 1;
        if done {
            let tag = j.tag;
            self.tags.remove(&tag);
            self.jobs.remove(i);
        }
    }
}
