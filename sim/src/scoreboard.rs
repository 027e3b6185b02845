//! In-order packet scoreboard, one queue per key (e.g. per function).

use std::collections::{BTreeMap, VecDeque};
use std::fmt;

use crate::axis::{hex, Packet};

/// A scoreboard mismatch: what was expected, what came, where they differ.
#[derive(Clone, PartialEq, Eq)]
pub struct ScoreError {
    /// The full message.
    pub message: String,
}

impl fmt::Display for ScoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for ScoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ScoreError {}

/// Expected packets per key, each key's packets in order. Packets of
/// different keys may arrive interleaved in any way.
///
/// ```
/// use vfpga_sim::{Packet, Scoreboard};
/// let mut sb = Scoreboard::new("c2h");
/// sb.expect(3u32, Packet::new(vec![1, 2, 3]).tid(3));
/// sb.observe(3, Packet::new(vec![1, 2, 3]).tid(3)).unwrap();
/// sb.finish().unwrap();
/// ```
#[derive(Debug)]
pub struct Scoreboard<K: Ord + Clone + fmt::Debug = u32> {
    name: String,
    expected: BTreeMap<K, VecDeque<Packet>>,
    /// Packets observed per key (matched or not), to number them in messages.
    seen: BTreeMap<K, u64>,
    expected_total: u64,
    matched: u64,
}

impl<K: Ord + Clone + fmt::Debug> Scoreboard<K> {
    /// An empty scoreboard; `name` prefixes its messages.
    pub fn new(name: impl Into<String>) -> Self {
        Scoreboard {
            name: name.into(),
            expected: BTreeMap::new(),
            seen: BTreeMap::new(),
            expected_total: 0,
            matched: 0,
        }
    }

    /// Expects `pkt` on `key`, after those already expected there.
    pub fn expect(&mut self, key: K, pkt: Packet) {
        self.expected.entry(key).or_default().push_back(pkt);
        self.expected_total += 1;
    }

    /// Checks `pkt`, observed on `key`, against the oldest packet expected
    /// there (which is consumed, match or not): payload, `tid`, `tdest` and
    /// `tuser` must be equal.
    pub fn observe(&mut self, key: K, pkt: Packet) -> Result<(), ScoreError> {
        let n = {
            let s = self.seen.entry(key.clone()).or_insert(0);
            *s += 1;
            *s - 1
        };
        let Some(exp) = self.expected.get_mut(&key).and_then(|q| q.pop_front()) else {
            return Err(ScoreError {
                message: format!(
                    "scoreboard `{}`: unexpected packet #{n} on key {key:?} (nothing outstanding there): {pkt:?}",
                    self.name
                ),
            });
        };
        if exp == pkt {
            self.matched += 1;
            return Ok(());
        }
        let mut msg = format!("scoreboard `{}`: packet #{n} on key {key:?} differs from the expected one:", self.name);
        if exp.data.len() != pkt.data.len() {
            msg.push_str(&format!("\n  length: expected {}, got {}", exp.data.len(), pkt.data.len()));
        }
        let common = exp.data.len().min(pkt.data.len());
        let first = (0..common).find(|&i| exp.data[i] != pkt.data[i]);
        match first {
            Some(i) => {
                msg.push_str(&format!(
                    "\n  first differing byte: offset {i}: expected {:#04x}, got {:#04x}",
                    exp.data[i], pkt.data[i]
                ));
                let lo = i.saturating_sub(8);
                let hi_e = (i + 16).min(exp.data.len());
                let hi_g = (i + 16).min(pkt.data.len());
                msg.push_str(&format!("\n  expected[{lo}..{hi_e}]: {}", hex(&exp.data[lo..hi_e])));
                msg.push_str(&format!("\n       got[{lo}..{hi_g}]: {}", hex(&pkt.data[lo..hi_g])));
            }
            None if exp.data.len() != pkt.data.len() => {
                msg.push_str(&format!("\n  the first {common} bytes are equal"));
            }
            None => {}
        }
        if exp.tid != pkt.tid {
            msg.push_str(&format!("\n  tid: expected {}, got {}", exp.tid, pkt.tid));
        }
        if exp.tdest != pkt.tdest {
            msg.push_str(&format!("\n  tdest: expected {}, got {}", exp.tdest, pkt.tdest));
        }
        if exp.tuser != pkt.tuser {
            msg.push_str(&format!("\n  tuser: expected {:#x}, got {:#x}", exp.tuser, pkt.tuser));
        }
        Err(ScoreError { message: msg })
    }

    /// Packets expected and not yet observed, over all keys.
    pub fn outstanding(&self) -> usize {
        self.expected.values().map(VecDeque::len).sum()
    }

    /// Packets expected on `key` and not yet observed.
    pub fn outstanding_for(&self, key: &K) -> usize {
        self.expected.get(key).map_or(0, VecDeque::len)
    }

    /// Packets expected so far.
    pub fn expected_total(&self) -> u64 {
        self.expected_total
    }

    /// Packets observed and matched.
    pub fn matched(&self) -> u64 {
        self.matched
    }

    /// Packets observed (matched or not).
    pub fn observed(&self) -> u64 {
        self.seen.values().sum()
    }

    /// Ok if every expected packet was observed; else lists what is left.
    pub fn finish(&self) -> Result<(), ScoreError> {
        let left: Vec<String> = self
            .expected
            .iter()
            .filter(|(_, q)| !q.is_empty())
            .map(|(k, q)| format!("key {k:?}: {} (next: {:?})", q.len(), q[0]))
            .collect();
        if left.is_empty() {
            return Ok(());
        }
        Err(ScoreError {
            message: format!(
                "scoreboard `{}`: {} of {} expected packets never arrived ({} matched):\n  {}",
                self.name,
                self.outstanding(),
                self.expected_total,
                self.matched,
                left.join("\n  ")
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_order_per_key_any_interleaving() {
        let mut sb: Scoreboard = Scoreboard::new("t");
        sb.expect(1, Packet::new(vec![1]));
        sb.expect(1, Packet::new(vec![2]));
        sb.expect(2, Packet::new(vec![3]));
        sb.observe(2, Packet::new(vec![3])).unwrap();
        sb.observe(1, Packet::new(vec![1])).unwrap();
        assert_eq!(sb.outstanding(), 1);
        let e = sb.finish().unwrap_err().to_string();
        assert!(e.contains("1 of 3") && e.contains("key 1"), "{e}");
        sb.observe(1, Packet::new(vec![2])).unwrap();
        sb.finish().unwrap();
        assert_eq!((sb.matched(), sb.observed()), (3, 3));
    }

    #[test]
    fn diff_messages() {
        let mut sb: Scoreboard = Scoreboard::new("t");
        sb.expect(0, Packet::new((0..40).collect::<Vec<u8>>()).tid(1));
        let mut got: Vec<u8> = (0..36).collect();
        got[20] = 0xff;
        let e = sb.observe(0, Packet::new(got).tid(2)).unwrap_err().to_string();
        assert!(e.contains("length: expected 40, got 36"), "{e}");
        assert!(e.contains("offset 20: expected 0x14, got 0xff"), "{e}");
        assert!(e.contains("tid: expected 1, got 2"), "{e}");
        let e = sb.observe(0, Packet::new(vec![1])).unwrap_err().to_string();
        assert!(e.contains("unexpected packet #1"), "{e}");
    }
}
