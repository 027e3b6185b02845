//! The hard block's MSI-X interrupt ports: each `cfg_interrupt_msix_int`
//! pulse (function, vector) is answered after a random delay with `sent`,
//! or with `fail` at a given probability (a masked vector). A pulse while one
//! is unanswered, or longer than one cycle, is a protocol error.

use crate::{Model, PortId, Rng};

pub struct MsixModel {
    int: PortId,
    function: PortId,
    data: PortId,
    sent: PortId,
    fail: PortId,
    rng: Rng,
    /// Probability that a request fails (and must be sent again).
    pub fail_prob: f64,
    pending: Option<(u32, u32, u64, bool)>,
    answer: Option<bool>,
    prev_int: bool,
    /// Interrupts delivered (function, vector) in order, and failures.
    pub delivered: Vec<(u32, u32)>,
    pub failed: u64,
}

impl MsixModel {
    pub fn new(m: &Model, rng: Rng) -> Self {
        MsixModel {
            int: m.port("cfg_interrupt_msix_int"),
            function: m.port("cfg_interrupt_msi_function_number"),
            data: m.port("cfg_interrupt_msix_data"),
            sent: m.port("cfg_interrupt_msix_sent"),
            fail: m.port("cfg_interrupt_msix_fail"),
            rng,
            fail_prob: 0.0,
            pending: None,
            answer: None,
            prev_int: false,
            delivered: Vec::new(),
            failed: 0,
        }
    }

    pub fn drive(&mut self, m: &mut Model) {
        self.answer = None;
        if let Some((_, _, left, fail)) = self.pending.as_mut() {
            if *left == 0 {
                self.answer = Some(*fail);
            } else {
                *left -= 1;
            }
        }
        m.set(self.sent, (self.answer == Some(false)) as u64);
        m.set(self.fail, (self.answer == Some(true)) as u64);
    }

    pub fn sample(&mut self, m: &Model) -> Result<(), String> {
        if let Some(fail) = self.answer {
            let (f, v, _, _) = self.pending.take().unwrap();
            if fail {
                self.failed += 1;
            } else {
                self.delivered.push((f, v));
            }
        }
        let int = m.get(self.int) == 1;
        if int {
            if self.prev_int {
                return Err("MSI-X: cfg_interrupt_msix_int high for more than one cycle".into());
            }
            if self.pending.is_some() {
                return Err("MSI-X: a request before the previous one was answered".into());
            }
            let fail = self.rng.chance(self.fail_prob);
            self.pending = Some((m.get(self.function) as u32, m.get(self.data) as u32, 1 + self.rng.below(8), fail));
        }
        self.prev_int = int;
        Ok(())
    }

    pub fn idle(&self) -> bool {
        self.pending.is_none()
    }
}
