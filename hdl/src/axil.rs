//! AXI4-Lite bundle (32-bit data), declared once.
//!
//! A field named `s_axil_bar` of type `AxilSlave<23>` becomes the ports
//! `s_axil_bar_awaddr`, `s_axil_bar_awvalid`, ... after emission.

use rust_hdl::prelude::*;

/// The slave side of an AXI4-Lite port with `AW` address bits.
#[derive(LogicInterface, Default)]
pub struct AxilSlave<const AW: usize> {
    pub awaddr: Signal<In, Bits<AW>>,
    pub awvalid: Signal<In, Bit>,
    pub awready: Signal<Out, Bit>,
    pub wdata: Signal<In, Bits<32>>,
    pub wstrb: Signal<In, Bits<4>>,
    pub wvalid: Signal<In, Bit>,
    pub wready: Signal<Out, Bit>,
    pub bresp: Signal<Out, Bits<2>>,
    pub bvalid: Signal<Out, Bit>,
    pub bready: Signal<In, Bit>,
    pub araddr: Signal<In, Bits<AW>>,
    pub arvalid: Signal<In, Bit>,
    pub arready: Signal<Out, Bit>,
    pub rdata: Signal<Out, Bits<32>>,
    pub rresp: Signal<Out, Bits<2>>,
    pub rvalid: Signal<Out, Bit>,
    pub rready: Signal<In, Bit>,
}

/// AXI response codes.
pub const RESP_OKAY: u64 = 0;
pub const RESP_SLVERR: u64 = 2;
pub const RESP_DECERR: u64 = 3;

/// The master side of an AXI4-Lite port with `AW` address bits (the `pcie`
/// block's `m_axil_bar_*`, which drives the shell's `s_axil_bar_*`).
#[derive(LogicInterface, Default)]
pub struct AxilMaster<const AW: usize> {
    pub awaddr: Signal<Out, Bits<AW>>,
    pub awvalid: Signal<Out, Bit>,
    pub awready: Signal<In, Bit>,
    pub wdata: Signal<Out, Bits<32>>,
    pub wstrb: Signal<Out, Bits<4>>,
    pub wvalid: Signal<Out, Bit>,
    pub wready: Signal<In, Bit>,
    pub bresp: Signal<In, Bits<2>>,
    pub bvalid: Signal<In, Bit>,
    pub bready: Signal<Out, Bit>,
    pub araddr: Signal<Out, Bits<AW>>,
    pub arvalid: Signal<Out, Bit>,
    pub arready: Signal<In, Bit>,
    pub rdata: Signal<In, Bits<32>>,
    pub rresp: Signal<In, Bits<2>>,
    pub rvalid: Signal<In, Bit>,
    pub rready: Signal<Out, Bit>,
}
