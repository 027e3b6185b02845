// A port-compatible stand-in for the Xilinx ICAPE3 primitive, written by {{ generator }}.
// Only the vendor's libraries define ICAPE3: this model lets Verilator, Icarus
// and Yosys (`hierarchy -check`) read the static shell from the output tree
// alone. It is listed in lint.f, never in rtl/files.f: Vivado and Yosys'
// synth_xilinx bring the real primitive. It accepts every write; its outputs
// come from registers its inputs feed (PRDONE: the DESYNC command word was
// written), so that a synthesis of the shell with it (`vfpga timing`'s ECP5
// flow) keeps and times the logic that drives the port. It never reports an error. The file is named after its module
// (Verilator's DECLFILENAME rule).
`resetall
`timescale 1ns / 1ps
`default_nettype none
/* verilator lint_off UNUSEDPARAM */
module ICAPE3 #(
    parameter DEVICE_ID = 32'h03628093,
    parameter ICAP_AUTO_SWITCH = "DISABLE",
    parameter SIM_CFG_FILE_NAME = "NONE"
) (
    output wire        AVAIL,
    output wire [31:0] O,
    output wire        PRDONE,
    output wire        PRERROR,
    input  wire        CLK,
    input  wire        CSIB,
    input  wire [31:0] I,
    input  wire        RDWRB
);
/* verilator lint_on UNUSEDPARAM */
    reg [31:0] last = 32'h0;
    reg done = 1'b0;
    always @(posedge CLK) begin
        if (!CSIB && !RDWRB) last <= I;
        done <= !CSIB && !RDWRB && I == 32'h0000000D;
    end
    assign AVAIL = 1'b1;
    assign O = last;
    assign PRDONE = done;
    assign PRERROR = 1'b0;
endmodule
`resetall
