//! The scheduler's scan for new turns (child `scan` of `banks.rs`): one bit
//! per function, "may have H2C work", in a RAM, and a walker that reads one
//! function's bit a cycle, in round-robin order, and holds the next function
//! whose bit is set as the candidate for a new turn (`valid`, `cand_fn`)
//! until it is visited (`visit`). So the control engine spends no operation
//! on functions with nothing to send: with one function of 17 sending,
//! visiting the 16 others cost 48 of every 108 cycles (256-byte packets at
//! 512 bits).
//!
//! The bit is set by every operation that may give a function work (a
//! register access, `s_fnctl`, a gate request: `may_work`) and cleared only
//! by a visit that found nothing to do for now (`idle`: no work, an error,
//! or parked), so a function with work is never left out: at worst it is
//! visited once for nothing. A bit set just as the walker passed is seen a
//! round later. The RAM is not cleared at reset: a stale bit costs one such
//! visit.
//!
//! Boundary: inputs go to the RAM and registers; outputs are registers.

use crate::FUNCTION_ID_BITS as FW;
use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct TurnScan {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// PF + VFs - 1: the walker wraps there.
    pub last_function: Signal<In, Bits<FW>>,
    /// Function `wfn`'s bit is set (`may_work`) or cleared (`idle`).
    pub wfn: Signal<In, Bits<FW>>,
    pub may_work: Signal<In, Bit>,
    pub idle: Signal<In, Bit>,
    /// The candidate; `visit`: a new-turn operation visited it (the walker
    /// goes on from the function after it).
    pub valid: Signal<Out, Bit>,
    pub cand_fn: Signal<Out, Bits<FW>>,
    pub visit: Signal<In, Bit>,
    work: RAM<Bits<1>, FW>,
    /// The function whose bit is read this cycle; the one whose bit the RAM
    /// shows (`shown`: it is one, a cycle after its read).
    rd_fn: DFF<Bits<FW>>,
    shown_fn: DFF<Bits<FW>>,
    shown: DFF<Bit>,
    cand: DFF<Bits<FW>>,
    cand_v: DFF<Bit>,
}

impl Logic for TurnScan {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clk, rd_fn, shown_fn, shown, cand, cand_v);
        self.work.read_clock.next = self.clk.val();
        self.work.write_clock.next = self.clk.val();
        self.work.write_enable.next = self.may_work.val() | self.idle.val();
        self.work.write_address.next = self.wfn.val();
        self.work.write_data.next = bit_cast::<1, 1>(self.may_work.val().into());
        self.work.read_address.next = self.rd_fn.q.val();
        self.shown_fn.d.next = self.rd_fn.q.val();
        self.shown.d.next = false;
        if self.cand_v.q.val() {
            // Held until visited; the walker waits on the function after it.
            if self.visit.val() {
                self.cand_v.d.next = false;
            }
        } else if self.shown.q.val() & self.work.read_data.val().any() {
            // A hit: the read in flight (the function after it) is read again.
            self.cand.d.next = self.shown_fn.q.val();
            self.cand_v.d.next = true;
        } else {
            self.shown.d.next = true;
            self.rd_fn.d.next = self.rd_fn.q.val() + 1;
            if self.rd_fn.q.val() == self.last_function.val() {
                self.rd_fn.d.next = 0.into();
            }
        }
        self.valid.next = self.cand_v.q.val();
        self.cand_fn.next = self.cand.q.val();
        if self.rst.val() {
            self.rd_fn.d.next = 0.into();
            self.shown.d.next = false;
            self.cand_v.d.next = false;
        }
    }
}
