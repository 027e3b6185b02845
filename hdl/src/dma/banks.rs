//! The H2C descriptor banks (child `banks` of `ctrl.rs`): `H2C_BANKS`
//! scheduler turns, each of one function (`bank.rs`, one instance per
//! bank), used as a ring: a new turn takes the bank after the newest one,
//! the issuer drains the oldest and frees it, then takes the next. So up to
//! `H2C_BANKS` turns are fetched ahead of the issuer (a host read round
//! trip of small packets needs more descriptors in flight than one or two
//! turns hold). The scheduler's operation starts, extends or ends a turn in
//! its bank (`sb`); arrivals go to their tag's bank.
//!
//! At most one turn of a function waits for its last arrivals or fetches
//! again at a time: a new turn of a function whose older turn does so
//! (`other_fetching`) waits, unless that turn is the newest and in its tail
//! (`other_tail`: the new turn continues it). So a packet's descriptors are
//! always in one bank, or in banks one after the other in the ring.
//!
//! Boundary: every input goes to a register (or a bank's FIFO); every output
//! is a register, a bank's output, or logic of those alone: no output follows
//! an input within a cycle.

use super::bank::DescBank;
use super::desc::{BankState, H2cDesc};
use super::turn_scan::TurnScan;
use super::{H2C_BANKS as NB, H2C_BANK_BITS as BB};
use crate::FUNCTION_ID_BITS as FW;
use rust_hdl::prelude::*;

/// A ring pointer over the banks: the bank, and a wrap bit (all banks busy
/// or all free when both pointers' banks are equal).
const BP: usize = BB + 1;

#[derive(LogicBlock)]
pub struct DescBanks {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// A scheduler operation could run (`pick_ok`): the oldest bank that
    /// fetches (an older turn's fetching again to finish its packet, or the
    /// newest turn), else a new turn (`pick_new`) in a free bank, for the
    /// scan's candidate; of function `pick_fn`. `pick`: it is dispatched,
    /// its bank (`sb`) kept.
    pub pick_ok: Signal<Out, Bit>,
    pub pick_new: Signal<Out, Bit>,
    pub pick_fn: Signal<Out, Bits<FW>>,
    pub pick: Signal<In, Bit>,
    pub sb: Signal<Out, Bits<BB>>,
    /// The scheduler operation's bank: the turn has fetched; its
    /// last arrival leaves the packet open and nothing is in flight; room
    /// for one more fetch.
    pub served_any: Signal<Out, Bit>,
    pub starved: Signal<Out, Bit>,
    pub room: Signal<Out, Bit>,
    /// The scheduler operation's bank: descriptors left of its turn's
    /// budget; how many its next read may fetch (`bank.rs`).
    pub left: Signal<Out, Bits<16>>,
    pub take_n: Signal<Out, Bits<3>>,
    /// For a new turn of `fn_cur` (registered a cycle after `fn_cur`): an
    /// older turn of the function fetches again or waits for its last
    /// arrivals (not the newest turn in its tail); the newest turn is the
    /// function's, in its tail.
    pub other_fetching: Signal<Out, Bit>,
    pub other_tail: Signal<Out, Bit>,
    /// The scheduler operation on function `fn_cur` in bank `sb`: a new turn
    /// (with its first fetch), one more fetch, the turn ends, the new turn
    /// continues the newest one (`merged`); the function's generation is
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
    pub arrive_bank: Signal<In, Bits<BB>>,
    pub arrive_desc: Signal<In, H2cDesc>,
    /// Issuer: the head of its bank (`dq_pop`: taken; `ib_kill`: its
    /// function stopped); `desc_room`: its slot is empty, a done and drained
    /// bank is freed only then.
    pub dq_empty: Signal<Out, Bit>,
    pub dq_head: Signal<Out, H2cDesc>,
    pub ib_kill: Signal<Out, Bit>,
    pub dq_pop: Signal<In, Bit>,
    pub desc_room: Signal<In, Bit>,
    /// For the sharing gate: a bank holds a turn of function `held_fn`
    /// (registers: `gate_fn` a cycle before).
    pub gate_fn: Signal<In, Bits<FW>>,
    pub held: Signal<Out, Bit>,
    pub held_fn: Signal<Out, Bits<FW>>,
    /// The scan for new turns (`turn_scan.rs`): PF + VFs - 1; an operation
    /// on `fn_cur` that may give it work; a new-turn visit of it that found
    /// nothing to do, one that is over (the scan goes on).
    pub last_function: Signal<In, Bits<FW>>,
    pub may_work: Signal<In, Bit>,
    pub idle: Signal<In, Bit>,
    pub visit: Signal<In, Bit>,

    scan: TurnScan,
    bank: Vec<DescBank>,
    bank_id: Vec<Constant<Bits<BB>>>,
    /// Per bank: its age after the issuer's bank, it fetches, it is the
    /// oldest that does.
    age: Vec<Signal<Local, Bits<BB>>>,
    fetching: Vec<Signal<Local, Bit>>,
    chosen: Vec<Signal<Local, Bit>>,
    all_busy: Constant<Bits<BP>>,
    /// The issuer's bank (the oldest turn), the next new turn's; the
    /// scheduler operation's.
    ib_p: DFF<Bits<BP>>,
    nb_p: DFF<Bits<BP>>,
    sb_bank: DFF<Bits<BB>>,
    /// Per bank: its owner is `fn_cur` (a cycle before).
    mine: Vec<DFF<Bit>>,
    held_q: DFF<Bit>,
    held_fn_q: DFF<Bits<FW>>,
    ib: Signal<Local, Bits<BB>>,
    newest: Signal<Local, Bits<BB>>,
    busy_n: Signal<Local, Bits<BP>>,
    ib_done: Signal<Local, Bit>,
    l_ok: Signal<Local, Bit>,
    l_new: Signal<Local, Bit>,
    l_fn: Signal<Local, Bits<FW>>,
    l_sb: Signal<Local, Bits<BB>>,
    l_fetching: Signal<Local, Bit>,
    l_tail: Signal<Local, Bit>,
    l_held: Signal<Local, Bit>,
    /// The scheduler operation's bank's outputs, the issuer's bank's.
    s_served: Signal<Local, Bit>,
    s_starved: Signal<Local, Bit>,
    s_left: Signal<Local, Bits<16>>,
    s_take: Signal<Local, Bits<3>>,
    i_empty: Signal<Local, Bit>,
    i_head: Signal<Local, H2cDesc>,
    i_kill: Signal<Local, Bit>,
}

impl Default for DescBanks {
    fn default() -> Self {
        assert!(NB == 1 << BB, "H2C_BANKS must be 2 ^ H2C_BANK_BITS");
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
            other_fetching: Default::default(),
            other_tail: Default::default(),
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
            gate_fn: Default::default(),
            held: Default::default(),
            held_fn: Default::default(),
            last_function: Default::default(),
            may_work: Default::default(),
            idle: Default::default(),
            visit: Default::default(),
            scan: Default::default(),
            bank: (0..NB).map(|_| DescBank::default()).collect(),
            bank_id: (0..NB).map(|i| Constant::new((i as u64).into())).collect(),
            age: (0..NB).map(|_| Default::default()).collect(),
            fetching: (0..NB).map(|_| Default::default()).collect(),
            chosen: (0..NB).map(|_| Default::default()).collect(),
            all_busy: Constant::new((NB as u64).into()),
            ib_p: Default::default(),
            nb_p: Default::default(),
            sb_bank: Default::default(),
            mine: (0..NB).map(|_| DFF::default()).collect(),
            held_q: Default::default(),
            held_fn_q: Default::default(),
            ib: Default::default(),
            newest: Default::default(),
            busy_n: Default::default(),
            ib_done: Default::default(),
            l_ok: Default::default(),
            l_new: Default::default(),
            l_fn: Default::default(),
            l_sb: Default::default(),
            l_fetching: Default::default(),
            l_tail: Default::default(),
            l_held: Default::default(),
            s_served: Default::default(),
            s_starved: Default::default(),
            s_left: Default::default(),
            s_take: Default::default(),
            i_empty: Default::default(),
            i_head: Default::default(),
            i_kill: Default::default(),
        }
    }
}

impl Logic for DescBanks {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clk, ib_p, nb_p, sb_bank, held_q, held_fn_q);
        // The busy banks run from the issuer's (the oldest turn) to the
        // newest, one after the other in the ring: a new turn takes the bank
        // after the newest, the issuer frees only its own.
        self.ib.next = bit_cast::<BB, BP>(self.ib_p.q.val());
        self.newest.next = bit_cast::<BB, BP>(self.nb_p.q.val()) - 1;
        self.busy_n.next = self.nb_p.q.val() - self.ib_p.q.val();

        // Every output is assigned once on each path through this block
        // (worked out in locals first): an output that took a passing value
        // here would wake the control engine's block, whose own passing
        // values wake this one, without end in an event-driven simulator
        // (Icarus hung so at time 125 ns).
        self.l_ok.next = false;
        self.l_new.next = false;
        self.l_fn.next = 0.into();
        self.l_sb.next = bit_cast::<BB, BP>(self.nb_p.q.val());
        self.l_fetching.next = false;
        self.l_tail.next = false;
        self.l_held.next = false;
        self.s_served.next = false;
        self.s_starved.next = false;
        self.s_left.next = 0.into();
        self.s_take.next = 0.into();
        self.i_empty.next = true;
        self.i_head.next = self.bank[0].head.val();
        self.i_kill.next = false;
        self.ib_done.next = false;
        // The scheduler's next operation: the oldest bank that fetches (the
        // issuer drains them in that order: a younger one first could wait
        // for room the issuer makes only after the older one's packet is
        // done) ...
        // (Each bank's test in parallel, at most one chosen: no chain of
        // priorities on the dispatch's path.)
        for i in 0..NB {
            self.age[i].next = self.bank_id[i].val() - self.ib.val();
            self.fetching[i].next = self.bank[i].state.val() == BankState::Fetching;
        }
        for i in 0..NB {
            self.chosen[i].next = self.fetching[i].val();
            for j in 0..NB {
                if self.fetching[j].val() & (self.age[j].val() < self.age[i].val()) {
                    self.chosen[i].next = false;
                }
            }
        }
        for i in 0..NB {
            if self.chosen[i].val() {
                self.l_ok.next = true;
                self.l_sb.next = self.bank_id[i].val();
                self.l_fn.next = self.bank[i].owner.val();
            }
        }
        // ... else a new turn in the next bank, if it is free, for the
        // scan's candidate.
        if !self.l_ok.val() & (self.busy_n.val() != self.all_busy.val()) & self.scan.valid.val() {
            self.l_ok.next = true;
            self.l_new.next = true;
            self.l_fn.next = self.scan.cand_fn.val();
        }
        self.scan.clk.next = self.clk.val();
        self.scan.rst.next = self.rst.val();
        self.scan.last_function.next = self.last_function.val();
        self.scan.wfn.next = self.fn_cur.val();
        self.scan.may_work.next = self.may_work.val();
        self.scan.idle.next = self.idle.val();
        self.scan.visit.next = self.visit.val();
        if self.pick.val() {
            self.sb_bank.d.next = self.l_sb.val();
        }

        for i in 0..NB {
            self.bank[i].clk.next = self.clk.val();
            self.bank[i].rst.next = self.rst.val();
            self.mine[i].clock.next = self.clk.val();
            self.mine[i].d.next = self.bank[i].owner.val() == self.fn_cur.val();
            // A function's older turn still fetching or waiting for its last
            // arrivals; its newest turn in its tail.
            if self.mine[i].q.val() & (self.bank[i].state.val() == BankState::Fetching) {
                self.l_fetching.next = true;
            }
            if self.mine[i].q.val() & (self.bank[i].state.val() == BankState::Tail) {
                if self.bank_id[i].val() == self.newest.val() {
                    self.l_tail.next = true;
                } else {
                    self.l_fetching.next = true;
                }
            }
            if (self.bank[i].state.val() != BankState::Free) & (self.bank[i].owner.val() == self.gate_fn.val()) {
                self.l_held.next = true;
            }
            // The scheduler operation's bank.
            if self.bank_id[i].val() == self.sb_bank.q.val() {
                self.s_served.next = self.bank[i].served_any.val();
                self.s_starved.next = self.bank[i].open.val() & (self.bank[i].inflight.val() == 0);
                self.s_left.next = self.bank[i].left.val();
                self.s_take.next = self.bank[i].take_n.val();
            }
            // The issuer's bank.
            if self.bank_id[i].val() == self.ib.val() {
                self.i_empty.next = self.bank[i].empty.val();
                self.i_head.next = self.bank[i].head.val();
                self.i_kill.next = self.bank[i].killed.val();
                self.ib_done.next = self.bank[i].drained.val();
            }
            self.bank[i].start.next = self.start.val() & (self.bank_id[i].val() == self.sb_bank.q.val());
            self.bank[i].start_fn.next = self.fn_cur.val();
            self.bank[i].start_budget.next = self.start_budget.val();
            self.bank[i].fetch.next = self.fetch.val() & (self.bank_id[i].val() == self.sb_bank.q.val());
            self.bank[i].fetch_n.next = self.fetch_n.val();
            self.bank[i].end_turn.next = self.end_turn.val() & (self.bank_id[i].val() == self.sb_bank.q.val());
            // The new turn continues the newest one (before it counts).
            self.bank[i].merged.next = self.merged.val() & (self.bank_id[i].val() == self.newest.val());
            self.bank[i].stop.next = self.stop.val();
            self.bank[i].stop_fn.next = self.fn_cur.val();
            self.bank[i].arrive.next = self.arrive.val() & (self.bank_id[i].val() == self.arrive_bank.val());
            self.bank[i].arrive_desc.next = self.arrive_desc.val();
            self.bank[i].arrive_open.next = !self.arrive_desc.val().eop & !self.arrive_desc.val().err;
            self.bank[i].pop.next = self.dq_pop.val() & (self.bank_id[i].val() == self.ib.val());
        }
        for i in 0..NB {
            self.bank[i].free.next = self.ib_done.val() & self.desc_room.val() & (self.bank_id[i].val() == self.ib.val());
        }
        if self.ib_done.val() & self.desc_room.val() {
            self.ib_p.d.next = self.ib_p.q.val() + 1;
        }
        if self.start.val() {
            self.nb_p.d.next = self.nb_p.q.val() + 1;
        }
        self.held_q.d.next = self.l_held.val();
        self.held_fn_q.d.next = self.gate_fn.val();

        self.pick_ok.next = self.l_ok.val();
        self.pick_new.next = self.l_new.val();
        self.pick_fn.next = self.l_fn.val();
        self.sb.next = self.sb_bank.q.val();
        self.served_any.next = self.s_served.val();
        self.starved.next = self.s_starved.val();
        self.room.next = self.s_take.val() != 0;
        self.left.next = self.s_left.val();
        self.take_n.next = self.s_take.val();
        self.other_fetching.next = self.l_fetching.val();
        self.other_tail.next = self.l_tail.val();
        self.dq_empty.next = self.i_empty.val();
        self.dq_head.next = self.i_head.val();
        self.ib_kill.next = self.i_kill.val();
        self.held.next = self.held_q.q.val();
        self.held_fn.next = self.held_fn_q.q.val();
        if self.rst.val() {
            self.ib_p.d.next = 0.into();
            self.nb_p.d.next = 0.into();
        }
    }
}
