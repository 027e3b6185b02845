//! The register bus between the `bar` decoder and the blocks behind it.
//!
//! `bar` turns each AXI4-Lite access into one request on the register bus of
//! the block that owns the address (`m_reg_<block>_*` on `bar`,
//! `s_reg_*` on the block). One request is outstanding at a time:
//! - a request is taken when `req_valid && req_ready`; its fields hold until then;
//! - the block answers each request exactly once, with `resp_valid` high for
//!   one cycle, at least one cycle after the request was taken;
//! - `resp_error` answers SLVERR (an access the block refuses: unmapped
//!   offset, a write to a read-only register, a function not allowed there);
//!   a refused access changes nothing.
//! `req_function` is the PCIe function whose window was accessed; `req_addr`
//! is the byte offset inside that function's window (word aligned).

use crate::FUNCTION_ID_BITS as FW;
use rust_hdl::prelude::*;

/// Byte offset inside a function's window: windows are 4 KiB.
pub const REG_ADDR_BITS: usize = 12;

/// The side of `bar` that issues requests to a block.
#[derive(LogicInterface, Default)]
#[join = "RegBusSlave"]
pub struct RegBusMaster {
    pub req_valid: Signal<Out, Bit>,
    pub req_ready: Signal<In, Bit>,
    pub req_write: Signal<Out, Bit>,
    pub req_function: Signal<Out, Bits<FW>>,
    pub req_addr: Signal<Out, Bits<REG_ADDR_BITS>>,
    pub req_wdata: Signal<Out, Bits<32>>,
    pub req_wstrb: Signal<Out, Bits<4>>,
    pub resp_valid: Signal<In, Bit>,
    pub resp_rdata: Signal<In, Bits<32>>,
    pub resp_error: Signal<In, Bit>,
}

/// The side of a block that answers register requests.
#[derive(LogicInterface, Default)]
#[join = "RegBusMaster"]
pub struct RegBusSlave {
    pub req_valid: Signal<In, Bit>,
    pub req_ready: Signal<Out, Bit>,
    pub req_write: Signal<In, Bit>,
    pub req_function: Signal<In, Bits<FW>>,
    pub req_addr: Signal<In, Bits<REG_ADDR_BITS>>,
    pub req_wdata: Signal<In, Bits<32>>,
    pub req_wstrb: Signal<In, Bits<4>>,
    pub resp_valid: Signal<Out, Bit>,
    pub resp_rdata: Signal<Out, Bits<32>>,
    pub resp_error: Signal<Out, Bit>,
}
