//! Per-cycle protocol checks of the channels a design drives: any
//! valid/ready channel ([`HandshakeChecker`]: valid held until ready, payload
//! stable while stalled) and an AXI4 master's address and write channels
//! ([`AxiMasterChecker`]: the same on AW, W and AR, and `wlast` on the last
//! beat of each burst, in AW order; a W beat before its AW is reported, as the host model does
//! not take one).

use std::collections::VecDeque;

use crate::{Model, PortId};

/// One valid/ready channel driven by the model: once `valid` is up without
/// `ready`, it stays up with every payload signal unchanged until the
/// handshake.
#[derive(Debug)]
pub struct HandshakeChecker {
    name: String,
    valid: PortId,
    ready: PortId,
    payload: Vec<(String, PortId)>,
    cur: Vec<Vec<u32>>,
    held: Option<Vec<Vec<u32>>>,
    /// Handshakes seen.
    pub transfers: u64,
}

impl HandshakeChecker {
    /// `valid`, `ready` and `payload` are port names of `m`.
    pub fn new(m: &Model, name: &str, valid: &str, ready: &str, payload: &[&str]) -> Self {
        HandshakeChecker {
            name: name.into(),
            valid: m.port(valid),
            ready: m.port(ready),
            payload: payload.iter().map(|p| (p.to_string(), m.port(p))).collect(),
            cur: payload.iter().map(|p| vec![0; m.port_words(m.port(p))]).collect(),
            held: None,
            transfers: 0,
        }
    }

    /// Checks this cycle (after `eval`, before the clock edge); true on a handshake.
    pub fn check(&mut self, m: &Model) -> Result<bool, String> {
        let valid = m.get_bool(self.valid);
        if let Some(held) = &self.held {
            if !valid {
                return Err(format!("{}: valid dropped before ready", self.name));
            }
            for (i, (n, p)) in self.payload.iter().enumerate() {
                m.get_words_into(*p, &mut self.cur[i]);
                if self.cur[i] != held[i] {
                    return Err(format!("{}: {n} changed while stalled ({:x?} -> {:x?})", self.name, held[i], self.cur[i]));
                }
            }
        }
        if !valid {
            return Ok(false);
        }
        if m.get_bool(self.ready) {
            self.held = None;
            self.transfers += 1;
            Ok(true)
        } else {
            if self.held.is_none() {
                for (i, (_, p)) in self.payload.iter().enumerate() {
                    m.get_words_into(*p, &mut self.cur[i]);
                }
                self.held = Some(self.cur.clone());
            }
            Ok(false)
        }
    }

    /// Forgets a stalled transfer (across a reset).
    pub fn reset(&mut self) {
        self.held = None;
    }
}

/// An AXI4 master's AW, W and AR channels (those the model has) under
/// `prefix`: each held stable while stalled, and each write burst's data
/// beats ending with `wlast` exactly on its `awlen + 1`-th beat.
#[derive(Debug)]
pub struct AxiMasterChecker {
    aw: Option<HandshakeChecker>,
    w: Option<HandshakeChecker>,
    ar: Option<HandshakeChecker>,
    awlen: Option<PortId>,
    wlast: Option<PortId>,
    /// Beats of each write burst accepted on AW, not yet fully seen on W.
    bursts: VecDeque<u64>,
    w_beats: u64,
}

impl AxiMasterChecker {
    pub fn new(m: &Model, prefix: &str) -> Self {
        let n = |s: &str| format!("{prefix}_{s}");
        let has = |s: &str| m.has_port(&n(s));
        let chan = |ch: &str, fields: &[&str]| {
            if !has(&format!("{ch}valid")) {
                return None;
            }
            let names: Vec<String> = fields.iter().map(|f| n(&format!("{ch}{f}"))).filter(|p| m.has_port(p)).collect();
            let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
            Some(HandshakeChecker::new(m, &n(ch), &n(&format!("{ch}valid")), &n(&format!("{ch}ready")), &refs))
        };
        let addr = ["addr", "len", "size", "burst", "user", "id", "prot", "cache", "lock", "qos"];
        AxiMasterChecker {
            aw: chan("aw", &addr),
            w: chan("w", &["data", "strb", "last", "user"]),
            ar: chan("ar", &addr),
            awlen: has("awlen").then(|| m.port(&n("awlen"))),
            wlast: has("wlast").then(|| m.port(&n("wlast"))),
            bursts: VecDeque::new(),
            w_beats: 0,
        }
    }

    /// Checks this cycle (after `eval`, before the clock edge).
    pub fn check(&mut self, m: &Model) -> Result<(), String> {
        if let Some(ar) = self.ar.as_mut() {
            ar.check(m)?;
        }
        let aw_fire = match self.aw.as_mut() {
            Some(aw) => aw.check(m)?,
            None => false,
        };
        if aw_fire {
            let beats = self.awlen.map_or(1, |p| m.get(p) + 1);
            self.bursts.push_back(beats);
        }
        let w_fire = match self.w.as_mut() {
            Some(w) => w.check(m)?,
            None => false,
        };
        if w_fire {
            let last = self.wlast.is_none_or(|p| m.get(p) == 1);
            match self.bursts.front().copied() {
                Some(beats) => {
                    self.w_beats += 1;
                    if last != (self.w_beats == beats) {
                        return Err(format!("AXI4 W: wlast {} on beat {} of a {beats}-beat burst", last as u8, self.w_beats));
                    }
                    if last {
                        self.bursts.pop_front();
                        self.w_beats = 0;
                    }
                }
                // AXI4 allows it; the host model does not take it, so say so here.
                None => return Err("AXI4 W: data beat before its burst's address".into()),
            }
        }
        Ok(())
    }
}
