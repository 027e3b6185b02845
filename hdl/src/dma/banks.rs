//! The two H2C descriptor banks (child `banks` of `ctrl.rs`): two scheduler
//! turns, each of one function (`bank.rs`, instantiated twice), the bank
//! the issuer drains (the older turn) and the one the scheduler operation
//! serves. The scheduler's operation starts, extends or ends a turn in its
//! bank; arrivals go to their tag's bank; the issuer takes from its bank and
//! frees it once done and drained, then takes the other.
//!
//! Boundary: every input goes to a register (or a bank's FIFO); every output
//! is a register, a bank's output, or logic of those alone: no output follows
//! an input within a cycle.

use super::bank::DescBank;
use super::desc::{BankState, H2cDesc};
use crate::FUNCTION_ID_BITS as FW;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct DescBanks {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// A scheduler operation could run (`pick_ok`): the older turn's bank if
    /// it fetches (it may have a packet to finish), then the newer one's,
    /// else a new turn (`pick_new`) in a free bank; of function `pick_fn`
    /// (an old turn's). `pick`: it is dispatched, its bank (`sb`) kept.
    pub pick_ok: Signal<Out, Bit>,
    pub pick_new: Signal<Out, Bit>,
    pub pick_fn: Signal<Out, Bits<FW>>,
    pub pick: Signal<In, Bit>,
    pub sb: Signal<Out, Bit>,
    /// The scheduler operation's bank: the turn has fetched; its
    /// last arrival leaves the packet open and nothing is in flight; room
    /// for one more fetch. The other bank: in its tail, fetching again (a
    /// tail whose packet was left open), of which function.
    pub served_any: Signal<Out, Bit>,
    pub starved: Signal<Out, Bit>,
    pub room: Signal<Out, Bit>,
    /// The scheduler operation's bank: descriptors left of its turn's
    /// budget; how many its next read may fetch (`bank.rs`).
    pub left: Signal<Out, Bits<16>>,
    pub take_n: Signal<Out, Bits<3>>,
    pub other_tail: Signal<Out, Bit>,
    pub other_fetching: Signal<Out, Bit>,
    pub other_fn: Signal<Out, Bits<FW>>,
    /// The scheduler operation on function `fn_cur` in bank `sb`: a new turn
    /// (with its first fetch), one more fetch, the turn ends, the new turn
    /// continues the other bank's (`merged`); the function's generation is
    /// over (`stop`).
    pub fn_cur: Signal<In, Bits<FW>>,
    pub start: Signal<In, Bit>,
    pub start_budget: Signal<In, Bits<16>>,
    pub fetch: Signal<In, Bit>,
    pub fetch_n: Signal<In, Bits<3>>,
    pub end_turn: Signal<In, Bit>,
    pub merged: Signal<In, Bit>,
    pub stop: Signal<In, Bit>,
    /// Read side: a fetched descriptor for bank `arrive_bank`.
    pub arrive: Signal<In, Bit>,
    pub arrive_bank: Signal<In, Bit>,
    pub arrive_desc: Signal<In, H2cDesc>,
    /// Issuer: the head of its bank (`dq_pop`: taken; `ib_kill`: its
    /// function stopped); `desc_room`: its slot is empty, a done and drained
    /// bank is freed only then.
    pub dq_empty: Signal<Out, Bit>,
    pub dq_head: Signal<Out, H2cDesc>,
    pub ib_kill: Signal<Out, Bit>,
    pub dq_pop: Signal<In, Bit>,
    pub desc_room: Signal<In, Bit>,
    /// For the sharing gate: holding a turn, of which function.
    pub turn0_busy: Signal<Out, Bit>,
    pub turn0_owner: Signal<Out, Bits<FW>>,
    pub turn1_busy: Signal<Out, Bit>,
    pub turn1_owner: Signal<Out, Bits<FW>>,

    bank0: DescBank,
    bank1: DescBank,
    /// Bank the issuer drains (the older turn), the scheduler operation's.
    ib: DFF<Bit>,
    sb_q: DFF<Bit>,
    /// The issuer's bank, the other one: state, owner.
    ib_st: Signal<Local, BankState>,
    ob_st: Signal<Local, BankState>,
    ib_fn: Signal<Local, Bits<FW>>,
    ob_fn: Signal<Local, Bits<FW>>,
    ib_done: Signal<Local, Bit>,
    pick_sb: Signal<Local, Bit>,
}

impl Default for DescBanks {
    fn default() -> Self {
        Self {
            clk: Default::default(),
            rst: Default::default(),
            pick_ok: Default::default(),
            pick_new: Default::default(),
            pick_fn: Default::default(),
            pick: Default::default(),
            sb: Default::default(),
            served_any: Default::default(),
            starved: Default::default(),
            room: Default::default(),
            left: Default::default(),
            take_n: Default::default(),
            other_tail: Default::default(),
            other_fetching: Default::default(),
            other_fn: Default::default(),
            fn_cur: Default::default(),
            start: Default::default(),
            start_budget: Default::default(),
            fetch: Default::default(),
            fetch_n: Default::default(),
            end_turn: Default::default(),
            merged: Default::default(),
            stop: Default::default(),
            arrive: Default::default(),
            arrive_bank: Default::default(),
            arrive_desc: Default::default(),
            dq_empty: Default::default(),
            dq_head: Default::default(),
            ib_kill: Default::default(),
            dq_pop: Default::default(),
            desc_room: Default::default(),
            turn0_busy: Default::default(),
            turn0_owner: Default::default(),
            turn1_busy: Default::default(),
            turn1_owner: Default::default(),
            bank0: Default::default(),
            bank1: Default::default(),
            ib: Default::default(),
            sb_q: Default::default(),
            ib_st: Default::default(),
            ob_st: Default::default(),
            ib_fn: Default::default(),
            ob_fn: Default::default(),
            ib_done: Default::default(),
            pick_sb: Default::default(),
        }
    }
}

impl Logic for DescBanks {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clk, ib, sb_q);
        // The scheduler operation's bank (sb), the other one; the issuer's (ib).
        //
        // Every output is assigned once on each path through this block (if /
        // else, never a default then an override): an output that took a
        // passing value here would wake the control engine's block, whose
        // own passing values wake this one, without end in an event-driven
        // simulator (Icarus hung so at time 125 ns).
        self.sb.next = self.sb_q.q.val();
        if self.sb_q.q.val() {
            self.served_any.next = self.bank1.served_any.val();
            self.starved.next = self.bank1.open.val() & (self.bank1.inflight.val() == 0);
            self.room.next = self.bank1.take_n.val() != 0;
            self.left.next = self.bank1.left.val();
            self.take_n.next = self.bank1.take_n.val();
            self.other_tail.next = self.bank0.state.val() == BankState::Tail;
            self.other_fetching.next = self.bank0.state.val() == BankState::Fetching;
            self.other_fn.next = self.bank0.owner.val();
        } else {
            self.served_any.next = self.bank0.served_any.val();
            self.starved.next = self.bank0.open.val() & (self.bank0.inflight.val() == 0);
            self.room.next = self.bank0.take_n.val() != 0;
            self.left.next = self.bank0.left.val();
            self.take_n.next = self.bank0.take_n.val();
            self.other_tail.next = self.bank1.state.val() == BankState::Tail;
            self.other_fetching.next = self.bank1.state.val() == BankState::Fetching;
            self.other_fn.next = self.bank1.owner.val();
        }
        if self.ib.q.val() {
            self.ib_st.next = self.bank1.state.val();
            self.ob_st.next = self.bank0.state.val();
            self.ib_fn.next = self.bank1.owner.val();
            self.ob_fn.next = self.bank0.owner.val();
            self.ib_kill.next = self.bank1.killed.val();
            self.ib_done.next = self.bank1.drained.val();
            self.dq_empty.next = self.bank1.empty.val();
            self.dq_head.next = self.bank1.head.val();
        } else {
            self.ib_st.next = self.bank0.state.val();
            self.ob_st.next = self.bank1.state.val();
            self.ib_fn.next = self.bank0.owner.val();
            self.ob_fn.next = self.bank1.owner.val();
            self.ib_kill.next = self.bank0.killed.val();
            self.ib_done.next = self.bank0.drained.val();
            self.dq_empty.next = self.bank0.empty.val();
            self.dq_head.next = self.bank0.head.val();
        }

        // The scheduler's next operation: the older turn's bank first, then
        // the newer one's, else a new turn in a free bank.
        self.pick_ok.next = (self.ib_st.val() == BankState::Fetching)
            | (self.ob_st.val() == BankState::Fetching)
            | (self.ob_st.val() == BankState::Free);
        if self.ib_st.val() == BankState::Fetching {
            self.pick_new.next = false;
            self.pick_fn.next = self.ib_fn.val();
            self.pick_sb.next = self.ib.q.val();
        } else if self.ob_st.val() == BankState::Fetching {
            self.pick_new.next = false;
            self.pick_fn.next = self.ob_fn.val();
            self.pick_sb.next = !self.ib.q.val();
        } else {
            self.pick_new.next = true;
            self.pick_fn.next = self.ib_fn.val();
            self.pick_sb.next = self.ib.q.val() ^ (self.ib_st.val() != BankState::Free);
        }
        if self.pick.val() {
            self.sb_q.d.next = self.pick_sb.val();
        }

        self.bank0.clk.next = self.clk.val();
        self.bank1.clk.next = self.clk.val();
        self.bank0.rst.next = self.rst.val();
        self.bank1.rst.next = self.rst.val();
        self.bank0.start.next = self.start.val() & !self.sb_q.q.val();
        self.bank1.start.next = self.start.val() & self.sb_q.q.val();
        self.bank0.start_fn.next = self.fn_cur.val();
        self.bank1.start_fn.next = self.fn_cur.val();
        self.bank0.start_budget.next = self.start_budget.val();
        self.bank1.start_budget.next = self.start_budget.val();
        self.bank0.fetch_n.next = self.fetch_n.val();
        self.bank1.fetch_n.next = self.fetch_n.val();
        self.bank0.fetch.next = self.fetch.val() & !self.sb_q.q.val();
        self.bank1.fetch.next = self.fetch.val() & self.sb_q.q.val();
        self.bank0.end_turn.next = self.end_turn.val() & !self.sb_q.q.val();
        self.bank1.end_turn.next = self.end_turn.val() & self.sb_q.q.val();
        self.bank0.merged.next = self.merged.val() & self.sb_q.q.val();
        self.bank1.merged.next = self.merged.val() & !self.sb_q.q.val();
        self.bank0.stop.next = self.stop.val();
        self.bank1.stop.next = self.stop.val();
        self.bank0.stop_fn.next = self.fn_cur.val();
        self.bank1.stop_fn.next = self.fn_cur.val();
        self.bank0.arrive.next = self.arrive.val() & !self.arrive_bank.val();
        self.bank1.arrive.next = self.arrive.val() & self.arrive_bank.val();
        self.bank0.arrive_desc.next = self.arrive_desc.val();
        self.bank1.arrive_desc.next = self.arrive_desc.val();
        self.bank0.arrive_open.next = !self.arrive_desc.val().eop & !self.arrive_desc.val().err;
        self.bank1.arrive_open.next = !self.arrive_desc.val().eop & !self.arrive_desc.val().err;
        self.bank0.pop.next = self.dq_pop.val() & !self.ib.q.val();
        self.bank1.pop.next = self.dq_pop.val() & self.ib.q.val();
        self.bank0.free.next = self.ib_done.val() & self.desc_room.val() & !self.ib.q.val();
        self.bank1.free.next = self.ib_done.val() & self.desc_room.val() & self.ib.q.val();
        if self.ib_done.val() & self.desc_room.val() {
            self.ib.d.next = !self.ib.q.val();
        }
        self.turn0_busy.next = self.bank0.state.val() != BankState::Free;
        self.turn0_owner.next = self.bank0.owner.val();
        self.turn1_busy.next = self.bank1.state.val() != BankState::Free;
        self.turn1_owner.next = self.bank1.owner.val();
        if self.rst.val() {
            self.ib.d.next = false;
        }
    }
}
