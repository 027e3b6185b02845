// A port-compatible stand-in for the Xilinx IBUFDS_GTE4 primitive (the
// transceivers' reference clock buffer), written by {{ generator }}. Only the
// vendor's libraries define it: this model lets Verilator, Icarus and Yosys
// (`hierarchy -check`) read the chip top from the output tree alone. It is
// listed in lint.f, never in rtl/files.f. O follows I; ODIV2 too (the
// divider is not modelled). The file is named after its module.
`resetall
`timescale 1ns / 1ps
`default_nettype none
/* verilator lint_off UNUSEDPARAM */
/* verilator lint_off UNUSEDSIGNAL */
module IBUFDS_GTE4 #(
    parameter [0:0] REFCLK_EN_TX_PATH = 1'b0,
    parameter [1:0] REFCLK_HROW_CK_SEL = 2'b00,
    parameter [1:0] REFCLK_ICNTL_RX = 2'b00
) (
    output wire O,
    output wire ODIV2,
    input  wire CEB,
    input  wire I,
    input  wire IB
);
/* verilator lint_on UNUSEDSIGNAL */
/* verilator lint_on UNUSEDPARAM */
    assign O = I & ~CEB;
    assign ODIV2 = I & ~CEB;
endmodule
`resetall
