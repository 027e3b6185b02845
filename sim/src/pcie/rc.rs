//! The root complex's side of CQ and CC: requests to the device's BARs, and
//! every completion checked (PG213 CQ and CC descriptors).

use std::collections::{HashMap, VecDeque};

use super::{field, set_field, Layout};
use crate::axicheck::HandshakeChecker;
use crate::{Model, PortId, Rng};

/// One request on CQ.
#[derive(Clone, Debug)]
pub struct CqRequest {
    pub req_type: u32,
    /// Target function (hard block numbering), BAR and byte address in it.
    pub function: u32,
    pub bar: u32,
    pub addr: u64,
    pub dwords: u32,
    pub first_be: u32,
    pub last_be: u32,
    /// Write payload (one word per dword).
    pub data: Vec<u32>,
    /// Marked discontinued (the device must drop it).
    pub discontinue: bool,
}

/// The completion a non-posted request must get.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CcExpect {
    pub status: u32,
    /// The read data (for a successful one-dword read).
    pub data: Option<u32>,
    pub byte_count: u32,
    pub lower_addr: u32,
    pub locked: bool,
}

struct Sent {
    req: CqRequest,
    tag: u32,
    tc: u32,
    attr: u32,
    expect: CcExpect,
    /// A read whose data and status are what the device says (kept in
    /// [`RootComplex::answers`]); every other field is checked.
    capture: bool,
}

/// Drives CQ, takes CC.
pub struct RootComplex {
    lay: Layout,
    p: HashMap<&'static str, PortId>,
    rng: Rng,
    /// Probability of `tvalid` when a beat waits, and of `tready` on CC.
    pub valid_prob: f64,
    pub ready_prob: f64,
    /// Each request's beats, keeps, tuser and awaited completion.
    queue: VecDeque<(Vec<u32>, Vec<u64>, Vec<Vec<u32>>, Option<Sent>)>,
    beat: usize,
    on: bool,
    requester_id: u32,
    next_tag: u32,
    outstanding: HashMap<u32, Sent>,
    cc_beats: Vec<Vec<u32>>,
    cc_keeps: Vec<u64>,
    cc_check: HandshakeChecker,
    /// Completions checked, requests sent.
    pub completions: u64,
    pub sent: u64,
    /// Answers to [`RootComplex::push_read`]'s reads by tag: status and data.
    pub answers: HashMap<u32, (u32, u32)>,
}

impl RootComplex {
    pub fn new(m: &Model, lay: Layout, rng: Rng) -> Self {
        let names = [
            "s_axis_cq_tdata", "s_axis_cq_tkeep", "s_axis_cq_tlast", "s_axis_cq_tuser", "s_axis_cq_tvalid",
            "s_axis_cq_tready", "m_axis_cc_tdata", "m_axis_cc_tkeep", "m_axis_cc_tlast", "m_axis_cc_tuser",
            "m_axis_cc_tvalid", "m_axis_cc_tready",
        ];
        let p = names.iter().map(|n| (*n, m.port(n))).collect();
        let cc_check = HandshakeChecker::new(
            m,
            "CC",
            "m_axis_cc_tvalid",
            "m_axis_cc_tready",
            &["m_axis_cc_tdata", "m_axis_cc_tkeep", "m_axis_cc_tlast", "m_axis_cc_tuser"],
        );
        RootComplex {
            lay,
            p,
            rng,
            valid_prob: 1.0,
            ready_prob: 1.0,
            queue: VecDeque::new(),
            beat: 0,
            on: false,
            requester_id: 0x0100,
            next_tag: 0,
            outstanding: HashMap::new(),
            cc_beats: Vec::new(),
            cc_keeps: Vec::new(),
            cc_check,
            completions: 0,
            sent: 0,
            answers: HashMap::new(),
        }
    }

    /// Queues a request; `expect` is its completion (None: posted or dropped,
    /// in which case none may come).
    pub fn push(&mut self, req: CqRequest, expect: Option<CcExpect>) {
        self.push_with(req, expect, false);
    }

    /// Queues a one-dword memory read (all bytes enabled) whose answer is
    /// the device's to give: its status (SC, UR or CA) and data land in
    /// [`RootComplex::answers`] under the returned tag; the completion's
    /// other fields are checked as for [`RootComplex::push`].
    pub fn push_read(&mut self, req: CqRequest) -> u32 {
        assert!(req.req_type == super::MEM_READ && req.dwords == 1 && req.first_be == 0xf, "push_read: a one-dword read");
        let expect = CcExpect { status: super::SC, data: None, byte_count: 4, lower_addr: (req.addr & 0x7c) as u32, locked: false };
        self.push_with(req, Some(expect), true)
    }

    fn push_with(&mut self, req: CqRequest, expect: Option<CcExpect>, capture: bool) -> u32 {
        let tag = self.next_tag;
        self.next_tag = (self.next_tag + 1) % 256;
        let (tc, attr) = (self.rng.below(8) as u32, self.rng.below(8) as u32);
        let nk = self.lay.nk;
        let mut dws = vec![0u32; 4];
        set_field(&mut dws, 0, 64, req.addr & !3);
        set_field(&mut dws, 64, 11, (req.dwords & 0x7ff) as u64);
        set_field(&mut dws, 75, 4, req.req_type as u64);
        set_field(&mut dws, 80, 16, self.requester_id as u64);
        set_field(&mut dws, 96, 8, tag as u64);
        set_field(&mut dws, 104, 8, req.function as u64);
        set_field(&mut dws, 112, 3, req.bar as u64);
        set_field(&mut dws, 115, 6, 12);
        set_field(&mut dws, 121, 3, tc as u64);
        set_field(&mut dws, 124, 3, attr as u64);
        dws.extend(&req.data);
        let mut beats = Vec::new();
        let mut keeps = Vec::new();
        for chunk in dws.chunks(nk) {
            let mut b = chunk.to_vec();
            keeps.push(super::keep_of(b.len()));
            b.resize(nk, 0);
            beats.push(b);
        }
        // The byte enables (PG213: valid on the first beat) on every beat;
        // where the TLP starts and ends; discontinue on the last beat only.
        let mut user = vec![0u32; 6];
        set_field(&mut user, 0, 4, req.first_be as u64);
        set_field(&mut user, self.lay.cq_last_be, 4, req.last_be as u64);
        let mut users = vec![user; beats.len()];
        for (i, u) in users.iter_mut().enumerate() {
            if self.lay.wide {
                // is_sop[0] at 80; is_eop[0] at 86 and is_eop0_ptr (91:88), the last dword.
                set_field(u, 80, 1, (i == 0) as u64);
                if i + 1 == beats.len() {
                    set_field(u, 86, 1, 1);
                    set_field(u, 88, 4, keeps[i].count_ones() as u64 - 1);
                }
            } else {
                // sop at 40.
                set_field(u, 40, 1, (i == 0) as u64);
            }
        }
        if req.discontinue {
            set_field(users.last_mut().unwrap(), self.lay.cq_disc, 1, 1);
        }
        let sent = expect.map(|expect| Sent { req, tag, tc, attr, expect, capture });
        self.queue.push_back((beats.concat(), keeps, users, sent));
        self.sent += 1;
        tag
    }

    /// Nothing queued, nothing awaiting its completion.
    pub fn idle(&self) -> bool {
        self.queue.is_empty() && self.outstanding.is_empty()
    }

    /// Requests not sent yet (beats still to go on CQ).
    pub fn unsent(&self) -> usize {
        self.queue.len()
    }

    /// Requests still waiting for their completion.
    pub fn awaiting(&self) -> usize {
        self.queue.iter().filter(|q| q.3.is_some()).count() + self.outstanding.len()
    }

    pub fn drive(&mut self, m: &mut Model) {
        let nk = self.lay.nk;
        if !self.on {
            self.on = !self.queue.is_empty() && self.rng.chance(self.valid_prob);
        }
        if self.on {
            let (data, keeps, users, _) = &self.queue[0];
            let user = &users[self.beat];
            let nbeats = keeps.len();
            m.set_words(self.p["s_axis_cq_tdata"], &data[self.beat * nk..(self.beat + 1) * nk]);
            m.set(self.p["s_axis_cq_tkeep"], keeps[self.beat]);
            m.set(self.p["s_axis_cq_tlast"], (self.beat + 1 == nbeats) as u64);
            m.set_words(self.p["s_axis_cq_tuser"], &user[..m.port_words(self.p["s_axis_cq_tuser"])]);
        }
        m.set(self.p["s_axis_cq_tvalid"], self.on as u64);
        m.set(self.p["m_axis_cc_tready"], self.rng.chance(self.ready_prob) as u64);
    }

    pub fn sample(&mut self, m: &Model) -> Result<(), String> {
        if self.on && m.get(self.p["s_axis_cq_tready"]) == 1 {
            self.beat += 1;
            self.on = false;
            if self.beat == self.queue[0].1.len() {
                let (.., sent) = self.queue.pop_front().unwrap();
                self.beat = 0;
                // A non-posted request is outstanding from its last beat on.
                if let Some(s) = sent {
                    if self.outstanding.contains_key(&s.tag) {
                        return Err(format!("root complex: tag {} reused while outstanding (more than 256 requests awaited)", s.tag));
                    }
                    self.outstanding.insert(s.tag, s);
                }
            }
        }
        if self.cc_check.check(m)? {
            self.cc_beats.push(m.get_words(self.p["m_axis_cc_tdata"]));
            self.cc_keeps.push(m.get(self.p["m_axis_cc_tkeep"]));
            if m.get(self.p["m_axis_cc_tlast"]) == 1 {
                let beats = std::mem::take(&mut self.cc_beats);
                let keeps = std::mem::take(&mut self.cc_keeps);
                let user = m.get_words(self.p["m_axis_cc_tuser"]);
                self.completion(&beats, &keeps, &user)?;
            }
        }
        Ok(())
    }

    fn completion(&mut self, beats: &[Vec<u32>], keeps: &[u64], user: &[u32]) -> Result<(), String> {
        let d = &beats[0];
        let tag = field(d, 64, 8) as u32;
        let s = self.outstanding.remove(&tag).ok_or_else(|| format!("CC: completion with tag {tag} that no request awaits"))?;
        let e = &s.expect;
        let got = |lo, w| field(d, lo, w) as u32;
        let dwc = got(32, 11);
        let what = format!("CC for {:?} (tag {tag})", s.req);
        let chk = |name: &str, got: u32, want: u32| {
            if got != want { Err(format!("{what}: {name} {got:#x}, expected {want:#x}")) } else { Ok(()) }
        };
        let status = got(43, 3);
        if s.capture {
            if ![super::SC, super::UR, super::CA].contains(&status) {
                return Err(format!("{what}: status {status:#x} is none of SC, UR, CA"));
            }
        } else {
            chk("status", status, e.status)?;
        }
        let with_data = if s.capture { status == super::SC } else { e.data.is_some() };
        chk("byte count", got(16, 13), e.byte_count)?;
        chk("lower address", got(0, 7), e.lower_addr)?;
        chk("locked", got(29, 1), e.locked as u32)?;
        chk("dword count", dwc, with_data as u32)?;
        chk("poisoned", got(46, 1), 0)?;
        chk("requester ID", got(48, 16), self.requester_id)?;
        chk("completer function", got(72, 8), s.req.function)?;
        chk("completer ID enable", got(88, 1), 0)?;
        chk("TC", got(89, 3), s.tc)?;
        chk("attributes", got(92, 3), s.attr)?;
        chk("address type", got(8, 2), 0)?;
        if let Some(v) = e.data {
            chk("data", got(96, 32), v)?;
        }
        if s.capture {
            self.answers.insert(tag, (status, if with_data { got(96, 32) } else { 0 }));
        }
        let total: u32 = keeps.iter().map(|k| k.count_ones()).sum();
        chk("dwords on the stream (tkeep)", total, 3 + dwc)?;
        if beats.len() != 1 || keeps[0] != super::keep_of(3 + dwc as usize) {
            return Err(format!("{what}: tkeep {keeps:x?} is not the descriptor and payload"));
        }
        if self.lay.wide {
            // is_sop[0], is_eop[0] and its last dword.
            chk("tuser is_sop", field(user, 0, 2) as u32, 1)?;
            chk("tuser is_eop", field(user, 6, 2) as u32, 1)?;
            chk("tuser is_eop0_ptr", field(user, 8, 4) as u32, 2 + dwc)?;
        }
        let _ = s.req.dwords;
        self.completions += 1;
        Ok(())
    }
}
