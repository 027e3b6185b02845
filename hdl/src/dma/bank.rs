//! One H2C descriptor bank: one scheduler turn of one function, the
//! descriptors fetched for it (a FIFO of `DESC_PREFETCH`, in fetch order) and
//! its bookkeeping. The DMA has two, so that the next turn fills one while
//! the issuer drains the other (module doc of `dma`).
//!
//! Every input is a one-cycle command of the control engine, the read side or
//! the issuer, already decoded for this bank; every output is a register or
//! the FIFO's (registered) head.

use super::desc::{BankState, H2cDesc};
use crate::fifo::Fifo;
use crate::FUNCTION_ID_BITS as FW;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct DescBank {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// Scheduler: a new turn of `start_fn` (with its first fetch), of
    /// `start_budget` descriptors.
    pub start: Signal<In, Bit>,
    pub start_fn: Signal<In, Bits<FW>>,
    pub start_budget: Signal<In, Bits<16>>,
    /// Scheduler: one more descriptor read issued for this bank, of
    /// `fetch_n` descriptors (1 to 4).
    pub fetch: Signal<In, Bit>,
    pub fetch_n: Signal<In, Bits<3>>,
    /// Scheduler: the turn ends (budget spent, no work, gate closed).
    pub end_turn: Signal<In, Bit>,
    /// Scheduler: the other bank's new turn continues this one (same
    /// function, this one in its tail): this one is done.
    pub merged: Signal<In, Bit>,
    /// Control engine: function `stop_fn`'s generation is over (error,
    /// reset): if the turn is its, its descriptors are dropped.
    pub stop: Signal<In, Bit>,
    pub stop_fn: Signal<In, Bits<FW>>,
    /// Read side: a descriptor of this bank arrived; `arrive_open`: it
    /// leaves its packet open.
    pub arrive: Signal<In, Bit>,
    pub arrive_desc: Signal<In, H2cDesc>,
    pub arrive_open: Signal<In, Bit>,
    /// Issuer: the head is taken; `free`: the bank (drained) is released.
    pub pop: Signal<In, Bit>,
    pub free: Signal<In, Bit>,
    pub state: Signal<Out, BankState>,
    pub owner: Signal<Out, Bits<FW>>,
    /// The turn has fetched (its budget is not whole); descriptors left of it.
    pub served_any: Signal<Out, Bit>,
    pub left: Signal<Out, Bits<16>>,
    /// Descriptors the next read may fetch: min(4, room, left). A register
    /// of the counts a cycle before: it lags a fetch by two cycles (the
    /// scheduler's operations are three apart) and a pop by two (it may
    /// only be lower than the room).
    pub take_n: Signal<Out, Bits<3>>,
    /// Fetches in flight.
    pub inflight: Signal<Out, Bits<5>>,
    /// Descriptors fetched and not yet taken by the issuer.
    pub used: Signal<Out, Bits<5>>,
    /// The last arrived descriptor leaves its packet open.
    pub open: Signal<Out, Bit>,
    /// The function stopped: the descriptors are dropped.
    pub killed: Signal<Out, Bit>,
    /// The FIFO's head (valid when `empty` is low).
    pub empty: Signal<Out, Bit>,
    pub head: Signal<Out, H2cDesc>,
    /// Done, nothing in flight, nothing left: the issuer may free it.
    pub drained: Signal<Out, Bit>,
    fifo: Fifo<H2cDesc, 4, 5>,
    /// The FIFO's depth, less four.
    cap4: Constant<Bits<5>>,
    st: DFF<BankState>,
    fn_q: DFF<Bits<FW>>,
    left_q: DFF<Bits<16>>,
    /// The scheduler's fetch (and start), applied to `left_q`, `inf_q` and
    /// `used_q` a cycle later: its size ends the scheduler's longest path
    /// (the H2C ring record -> the run -> `fetch_n`); the bank's next
    /// operation reads them three cycles on at the earliest. A tail (and a
    /// drained bank) waits for it: never zero in flight before it counts.
    fetch_r: DFF<Bit>,
    fetch_n_r: DFF<Bits<3>>,
    start_r: DFF<Bit>,
    /// The turn's budget (a tail fetching again has it anew).
    budget_q: DFF<Bits<16>>,
    take_q: DFF<Bits<3>>,
    inf_q: DFF<Bits<5>>,
    used_q: DFF<Bits<5>>,
    open_q: DFF<Bit>,
    kill_q: DFF<Bit>,
}

impl Default for DescBank {
    fn default() -> Self {
        Self {
            clk: Default::default(),
            rst: Default::default(),
            start: Default::default(),
            start_fn: Default::default(),
            start_budget: Default::default(),
            fetch: Default::default(),
            fetch_n: Default::default(),
            end_turn: Default::default(),
            merged: Default::default(),
            stop: Default::default(),
            stop_fn: Default::default(),
            arrive: Default::default(),
            arrive_desc: Default::default(),
            arrive_open: Default::default(),
            pop: Default::default(),
            free: Default::default(),
            state: Default::default(),
            owner: Default::default(),
            served_any: Default::default(),
            left: Default::default(),
            take_n: Default::default(),
            inflight: Default::default(),
            used: Default::default(),
            open: Default::default(),
            killed: Default::default(),
            empty: Default::default(),
            head: Default::default(),
            drained: Default::default(),
            fifo: Default::default(),
            cap4: Constant::new(((super::DESC_PREFETCH - 4) as u64).into()),
            st: Default::default(),
            fn_q: Default::default(),
            left_q: Default::default(),
            fetch_r: Default::default(),
            fetch_n_r: Default::default(),
            start_r: Default::default(),
            budget_q: Default::default(),
            take_q: Default::default(),
            inf_q: Default::default(),
            used_q: Default::default(),
            open_q: Default::default(),
            kill_q: Default::default(),
        }
    }
}

impl Logic for DescBank {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clk, st, fn_q, left_q, fetch_r, fetch_n_r, start_r, budget_q, take_q, inf_q, used_q, open_q, kill_q);
        self.fifo.clk.next = self.clk.val();
        self.fifo.rst.next = self.rst.val();
        self.fifo.write.next = self.arrive.val();
        self.fifo.data_in.next = self.arrive_desc.val();
        self.fifo.read.next = self.pop.val();
        if self.arrive.val() & !self.kill_q.q.val() {
            // (Not if its read failed: the issuer stops the function with
            // DESC_READ when it takes it.)
            self.open_q.d.next = self.arrive_open.val();
        }
        // A tail learns from its last arrival whether its packet is left open.
        if (self.st.q.val() == BankState::Tail) & (self.inf_q.q.val() == 0) & !self.fetch_r.q.val() {
            self.st.d.next = BankState::Done;
            if self.open_q.q.val() & !self.kill_q.q.val() {
                self.st.d.next = BankState::Fetching;
                self.left_q.d.next = self.budget_q.q.val();
            }
        }
        if self.free.val() {
            self.st.d.next = BankState::Free;
        }
        // A free bank keeps the served function and its budget (the start's
        // values in the cycle of the start; a new turn takes a free bank
        // only), and its flags clear: the start itself only sets the state
        // (its fan-out to ~30 registers a bank ended the scheduler's path
        // in the whole shell). Nothing reads a free bank's owner or budget.
        if self.st.q.val() == BankState::Free {
            self.fn_q.d.next = self.start_fn.val();
            self.budget_q.d.next = self.start_budget.val();
            self.open_q.d.next = false;
            self.kill_q.d.next = false;
        }
        if self.start.val() {
            self.st.d.next = BankState::Fetching;
        }
        self.fetch_r.d.next = self.fetch.val();
        self.fetch_n_r.d.next = self.fetch_n.val();
        self.start_r.d.next = self.start.val();
        if self.fetch_r.q.val() {
            self.left_q.d.next = self.left_q.q.val() - bit_cast::<16, 3>(self.fetch_n_r.q.val());
            if self.start_r.q.val() {
                // (`budget_q` took the start's budget with `start_r`.)
                self.left_q.d.next = self.budget_q.q.val() - bit_cast::<16, 3>(self.fetch_n_r.q.val());
            }
        }
        self.take_q.d.next = 4.into();
        if self.used_q.q.val() > self.cap4.val() {
            self.take_q.d.next = bit_cast::<3, 5>(self.cap4.val() + 4 - self.used_q.q.val());
        }
        if self.left_q.q.val() < bit_cast::<16, 3>(self.take_q.d.val()) {
            self.take_q.d.next = bit_cast::<3, 16>(self.left_q.q.val());
        }
        if self.end_turn.val() {
            self.st.d.next = BankState::Tail;
        }
        if self.merged.val() {
            self.st.d.next = BankState::Done;
        }
        if self.stop.val() & (self.st.q.val() != BankState::Free) & (self.fn_q.q.val() == self.stop_fn.val()) {
            self.kill_q.d.next = true;
            self.open_q.d.next = false;
            if self.st.q.val() == BankState::Fetching {
                self.st.d.next = BankState::Tail;
            }
        }
        // Fetches in flight (in by the scheduler, a cycle later: `fetch_r`;
        // out by arrival) and descriptors held (in by the scheduler, out by
        // the issuer).
        self.inf_q.d.next = self.inf_q.q.val() - bit_cast::<5, 1>(self.arrive.val().into());
        self.used_q.d.next = self.used_q.q.val() - bit_cast::<5, 1>(self.pop.val().into());
        if self.fetch_r.q.val() {
            self.inf_q.d.next = self.inf_q.q.val() + bit_cast::<5, 3>(self.fetch_n_r.q.val()) - bit_cast::<5, 1>(self.arrive.val().into());
            self.used_q.d.next = self.used_q.q.val() + bit_cast::<5, 3>(self.fetch_n_r.q.val()) - bit_cast::<5, 1>(self.pop.val().into());
        }
        self.state.next = self.st.q.val();
        self.owner.next = self.fn_q.q.val();
        self.served_any.next = self.left_q.q.val() != self.budget_q.q.val();
        self.left.next = self.left_q.q.val();
        self.take_n.next = self.take_q.q.val();
        self.inflight.next = self.inf_q.q.val();
        self.used.next = self.used_q.q.val();
        self.open.next = self.open_q.q.val();
        self.killed.next = self.kill_q.q.val();
        self.empty.next = self.fifo.empty.val();
        self.head.next = self.fifo.data_out.val();
        self.drained.next =
            (self.st.q.val() == BankState::Done) & (self.inf_q.q.val() == 0) & !self.fetch_r.q.val() & (self.fifo.count.val() == 0);
        if self.rst.val() {
            self.st.d.next = BankState::Free;
            self.inf_q.d.next = 0.into();
            self.used_q.d.next = 0.into();
            self.take_q.d.next = 0.into();
            self.open_q.d.next = false;
            self.kill_q.d.next = false;
            self.fetch_r.d.next = false;
        }
    }
}
