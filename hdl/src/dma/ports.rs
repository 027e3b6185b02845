//! The control engine's interfaces to its neighbours in the dma (`ctrl.rs`
//! and the wiring in `mod.rs`), one bundle per neighbour, directions as
//! the control engine sees them. Each request it takes is acknowledged a
//! cycle after it is applied; each push it makes is into room it saw the
//! cycle before.

use super::desc::{C2hBuf, C2hReq, C2hReqKind, C2hSlot, CtlRead, H2cDesc, H2cDone, WriteBack};
use super::H2C_BANK_BITS;
use crate::FUNCTION_ID_BITS as FW;
use rust_hdl::prelude::*;

/// Sharing gate (`gate.rs`): the oldest request (`req_take`); a close
/// applied (`close_push`, when `close_room` was high); the descriptor banks'
/// turns: holding one, of which function.
#[derive(LogicInterface, Default)]
pub struct CtlGatePorts {
    pub req_valid: Signal<In, Bit>,
    pub req_function: Signal<In, Bits<FW>>,
    pub req_open: Signal<In, Bit>,
    pub req_take: Signal<Out, Bit>,
    pub close_room: Signal<In, Bit>,
    pub close_push: Signal<Out, Bit>,
    pub close_function: Signal<Out, Bits<FW>>,
    pub head_fn: Signal<In, Bits<FW>>,
    pub held: Signal<Out, Bit>,
    pub held_fn: Signal<Out, Bits<FW>>,
}

/// Host writes (`writes.rs`): an error answer on B (`berr_take`);
/// completion write-backs (`wb_push`, when `wb_room` was high); `wb_idle`:
/// every write-back has left on W.
#[derive(LogicInterface, Default)]
pub struct CtlWritesPorts {
    pub berr_valid: Signal<In, Bit>,
    pub berr_function: Signal<In, Bits<FW>>,
    pub berr_take: Signal<Out, Bit>,
    pub wb_room: Signal<In, Bit>,
    pub wb_idle: Signal<In, Bit>,
    pub wb_push: Signal<Out, Bit>,
    pub wb: Signal<Out, WriteBack>,
}

/// C2H engine (`c2h.rs`): its request (`req_take`), the answer, a buffer out
/// of the prefetch slot or out of the run-ahead (`ahead_buf*`, from its
/// output register). The C2H engine waits for the prefetch numbered
/// `pf_seq`, still in flight (the read side hands it over); prefetch
/// arrivals wait while `pf_block` (the engine reads the slot).
#[derive(LogicInterface, Default)]
pub struct CtlC2hPorts {
    pub req_valid: Signal<In, Bit>,
    pub req_kind: Signal<In, C2hReqKind>,
    pub req: Signal<In, C2hReq>,
    pub req_take: Signal<Out, Bit>,
    pub ans_valid: Signal<Out, Bit>,
    pub ans_ok: Signal<Out, Bit>,
    pub ans_gen: Signal<Out, Bit>,
    pub slot_buf_valid: Signal<Out, Bit>,
    pub slot_buf: Signal<Out, C2hBuf>,
    pub ahead_buf_valid: Signal<Out, Bit>,
    pub ahead_buf: Signal<Out, C2hBuf>,
    pub pf_wait: Signal<Out, Bit>,
    pub pf_seq: Signal<Out, Bits<8>>,
    pub pf_block: Signal<Out, Bit>,
}

/// Read side (`reader.rs`): the prefetch waited for is handed over
/// (`pf_got`); a prefetched C2H descriptor into `slot_function`'s slot, or
/// one read ahead for the run-ahead (`ahead_*`); a
/// descriptor read (H2C fetch, C2H buffer or prefetch), held until
/// `rd_take`; a fetched H2C descriptor for bank `arrive_bank`; the last beat
/// of a descriptor's data (its completion; `hc_left`: one left the FIFO,
/// its credit returns to the issuer).
#[derive(LogicInterface, Default)]
pub struct CtlReadPorts {
    pub pf_got: Signal<In, Bit>,
    pub slot_write: Signal<In, Bit>,
    pub slot_function: Signal<In, Bits<FW>>,
    pub slot: Signal<In, C2hSlot>,
    pub ahead_valid: Signal<In, Bit>,
    pub ahead_buf: Signal<In, C2hBuf>,
    pub rd_valid: Signal<Out, Bit>,
    pub rd: Signal<Out, CtlRead>,
    pub rd_take: Signal<In, Bit>,
    pub arrive: Signal<In, Bit>,
    pub arrive_bank: Signal<In, Bits<H2C_BANK_BITS>>,
    pub arrive_desc: Signal<In, H2cDesc>,
    pub hc_push: Signal<In, Bit>,
    pub hc_in: Signal<In, H2cDone>,
    pub hc_left: Signal<Out, Bit>,
}

/// Issuer (`reader.rs`): the head of the bank it drains (`dq_pop`: taken;
/// `ib_kill`: its function stopped); `desc_room`: its slot is empty (a done
/// and drained bank is freed only then: its last descriptor still counts as
/// the bank's while there); a descriptor it refuses (`ie_push`, only when
/// `ie_full` is low); a function stopped or reset (`k_valid`), applied by
/// the issuer (`k_take`).
#[derive(LogicInterface, Default)]
pub struct CtlIssuerPorts {
    pub dq_empty: Signal<Out, Bit>,
    pub dq_head: Signal<Out, H2cDesc>,
    pub ib_kill: Signal<Out, Bit>,
    pub dq_pop: Signal<In, Bit>,
    pub desc_room: Signal<In, Bit>,
    pub ie_push: Signal<In, Bit>,
    pub ie_function: Signal<In, Bits<FW>>,
    pub ie_generation: Signal<In, Bit>,
    pub ie_error_code: Signal<In, Bits<4>>,
    pub ie_full: Signal<Out, Bit>,
    pub k_valid: Signal<Out, Bit>,
    pub k_function: Signal<Out, Bits<FW>>,
    pub k_take: Signal<In, Bit>,
}
