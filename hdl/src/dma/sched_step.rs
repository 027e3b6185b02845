//! The scheduler's decision (child of `ctrl.rs`): what one scheduler
//! operation does on its function, from the function's records and the two
//! descriptor banks (`banks.rs`). Logic only: the control engine applies it
//! (its records, the bank commands, the descriptor read, the error).
//!
//! A new turn (`new_turn`, for the function the scan visits): none if the
//! function's gate is closed (it is parked, reported once per closed
//! period), an error if its ring is misconfigured, else a turn with its
//! first read if the descriptor read is free; the scan visits the function
//! again (`revisit`) if the read is busy. None either, and the scan goes on,
//! if an older turn of the same function still fetches or waits for its
//! last arrivals (it may fetch the next descriptors: a second turn now
//! would take some of them into a bank the issuer drains after that one,
//! out of ring order). `idle`: the visit found nothing to do for now (no
//! work, an error, parked or reported): the scan leaves the function out
//! until an operation may give it work (`turn_scan.rs`).
//!
//! The next read of a turn: up to four descriptors (`h_run`, the bank's
//! `take_n`); the turn ends once its budget is spent, when nothing is
//! posted (an error instead if a packet is left open with nothing in
//! flight: ERR_INCOMPLETE) and, the gate closed, after each descriptor of
//! its open packet.

use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct SchedStep {
    /// The operation: a new turn, or the next read of a turn.
    pub new_turn: Signal<In, Bit>,
    /// The function's records: queue running, ring misconfigured,
    /// descriptors posted beyond the fetch index, gate closed, parked; the
    /// descriptors one read may take (`records.rs`).
    pub live: Signal<In, Bit>,
    pub bad: Signal<In, Bit>,
    pub posted: Signal<In, Bit>,
    pub closed: Signal<In, Bit>,
    pub parked: Signal<In, Bit>,
    pub h_run: Signal<In, Bits<3>>,
    /// The fetch index after a read of 1 to 4 descriptors (`records.rs`).
    pub fetch_after: Signal<In, Bits<64>>,
    /// Room in the waiting report; the descriptor read is free.
    pub wt_free: Signal<In, Bit>,
    pub rd_free: Signal<In, Bit>,
    /// The banks (`banks.rs`): the other bank's turn is this function's and
    /// fetching, or in its tail; this bank's packet is starved, its turn has
    /// fetched, room, descriptors the next read may take, left of the budget.
    pub other_fetching: Signal<In, Bit>,
    pub other_tail: Signal<In, Bit>,
    pub starved: Signal<In, Bit>,
    pub served_any: Signal<In, Bit>,
    pub room: Signal<In, Bit>,
    pub take_n: Signal<In, Bits<3>>,
    pub left: Signal<In, Bits<16>>,
    /// The decision: park the function (report it waiting); an error code
    /// (0: none; 4 ring config, 7 incomplete); the scan stays on the
    /// function; a read of `fetch_n` descriptors; a new turn, continuing the
    /// other bank's (`merged`); the turn ends.
    pub park: Signal<Out, Bit>,
    pub error: Signal<Out, Bits<4>>,
    pub revisit: Signal<Out, Bit>,
    pub fetch: Signal<Out, Bit>,
    pub fetch_n: Signal<Out, Bits<3>>,
    /// The fetch index after the read (of `fetch_after`).
    pub next_fetch: Signal<Out, Bits<16>>,
    pub start: Signal<Out, Bit>,
    pub merged: Signal<Out, Bit>,
    pub end_turn: Signal<Out, Bit>,
    pub idle: Signal<Out, Bit>,
    /// The decision as it is worked out (outputs are assigned once: see
    /// `banks.rs`).
    l_park: Signal<Local, Bit>,
    l_error: Signal<Local, Bits<4>>,
    l_revisit: Signal<Local, Bit>,
    l_fetch: Signal<Local, Bit>,
    l_fetch_n: Signal<Local, Bits<3>>,
    l_start: Signal<Local, Bit>,
    l_end: Signal<Local, Bit>,
    l_idle: Signal<Local, Bit>,
    work: Signal<Local, Bit>,
}

impl Logic for SchedStep {
    #[hdl_gen]
    fn update(&mut self) {
        self.work.next = self.live.val() & self.posted.val();
        self.l_park.next = false;
        self.l_error.next = 0.into();
        self.l_revisit.next = false;
        self.l_fetch.next = false;
        self.l_fetch_n.next = 1.into();
        self.l_start.next = false;
        self.l_end.next = false;
        self.l_idle.next = false;
        if self.new_turn.val() {
            if self.closed.val() & self.work.val() {
                // (Not reported, the output busy: visited again.)
                self.l_park.next = !self.parked.val() & self.wt_free.val();
                self.l_idle.next = self.parked.val() | self.wt_free.val();
            } else if self.work.val() & self.bad.val() {
                self.l_error.next = 4.into(); // ERR_RING_CONFIG
                self.l_idle.next = true;
            } else if !self.work.val() {
                self.l_idle.next = true;
            } else if !self.other_fetching.val() {
                if !self.rd_free.val() {
                    self.l_revisit.next = true;
                } else {
                    self.l_fetch.next = true;
                    self.l_start.next = true;
                }
            }
        } else if !self.work.val() {
            if self.starved.val() {
                self.l_error.next = 7.into(); // ERR_INCOMPLETE
            } else {
                self.l_end.next = true;
            }
        } else if self.closed.val() & self.served_any.val() {
            self.l_end.next = true;
        } else if self.bad.val() {
            self.l_error.next = 4.into(); // ERR_RING_CONFIG
        } else if self.room.val() & self.rd_free.val() {
            self.l_fetch.next = true;
            self.l_fetch_n.next = self.take_n.val();
            if self.h_run.val() < self.take_n.val() {
                self.l_fetch_n.next = self.h_run.val();
            }
            self.l_end.next = (self.left.val() == bit_cast::<16, 3>(self.l_fetch_n.val())) | self.closed.val();
        }
        self.park.next = self.l_park.val();
        self.error.next = self.l_error.val();
        self.revisit.next = self.l_revisit.val();
        self.fetch.next = self.l_fetch.val();
        self.fetch_n.next = self.l_fetch_n.val();
        self.next_fetch.next = self.fetch_after.val().get_bits::<16>(0);
        if self.l_fetch_n.val() == 2 {
            self.next_fetch.next = self.fetch_after.val().get_bits::<16>(16);
        } else if self.l_fetch_n.val() == 3 {
            self.next_fetch.next = self.fetch_after.val().get_bits::<16>(32);
        } else if self.l_fetch_n.val() == 4 {
            self.next_fetch.next = self.fetch_after.val().get_bits::<16>(48);
        }
        self.start.next = self.l_start.val();
        // The older turn, of the same function and still waiting for its
        // last arrivals: this turn continues it.
        self.merged.next = self.l_start.val() & self.other_tail.val();
        self.end_turn.next = self.l_end.val();
        self.idle.next = self.l_idle.val();
    }
}
