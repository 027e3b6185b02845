// {{ module }}: a vfpga reconfigurable module (RM), written by {{ generator }}
// as a starting point. Fill in the marked places; keep the ports as they are:
// every partition wrapper (vfpga_partition) and the DFX flow expect exactly
// this interface (hdl/README.md, "The RM interface"; declared once in the
// shell's sources as the rust-hdl bundle RmPort, hdl/src/rm.rs).
//
// Contract, in short:
// - clk is the static region's clock; rst is synchronous, active high, and is
//   held during and after a reconfiguration until the RM is verified.
// - s_axis_* brings packets in, m_axis_* takes results out (AXI4-Stream:
//   hold tvalid and the data until tready; tkeep is all ones except on the
//   last beat, where it is contiguous from bit 0).
// - s_axis_tuser, valid with s_axis_tlast: the packet was cut short (a host
//   read refused, its VF stopped or reset in its middle): its data is
//   incomplete. Never treat it as a whole packet: drop its result, and put
//   your state back as before the packet (the example RMs: crc32 gives no
//   result and restores its CRC; kxor restores its keystream). Beats you have
//   already passed on cannot be recalled: end your output packet there.
// - ctx_* is the context port: registers 0..255 of 32 bits that hold ALL the
//   state a tenant needs to resume (key, running value, ...). ctx_rdata is a
//   combinational read of ctx_addr. Writes come only while idle is high.
// - idle is high when no packet is inside the RM (nothing accepted that has
//   not been fully answered). The wrapper drains the RM until idle before a
//   context switch or a reconfiguration, and forces it out after a limit.
// - acc_id is a constant that names the accelerator; the prc checks it after
//   loading the RM's partial bitstream.

`resetall
`timescale 1ns / 1ps
`default_nettype none

module {{ module }} #(
    // Stream data width in bits (the shell's data_width: 64, 128, 256 or 512).
    parameter DATA_WIDTH = {{ data_width }},
    // One tkeep bit per data byte.
    parameter KEEP_WIDTH = DATA_WIDTH / 8,
    // This accelerator's ID: pick a unique constant (e.g. 4 ASCII letters).
    parameter [31:0] ACC_ID = 32'h{{ acc_id }}
) (
    input  wire                  clk,
    input  wire                  rst,
    input  wire [DATA_WIDTH-1:0] s_axis_tdata,
    input  wire [KEEP_WIDTH-1:0] s_axis_tkeep,
    input  wire                  s_axis_tvalid,
    output wire                  s_axis_tready,
    input  wire                  s_axis_tlast,
    input  wire                  s_axis_tuser,
    output wire [DATA_WIDTH-1:0] m_axis_tdata,
    output wire [KEEP_WIDTH-1:0] m_axis_tkeep,
    output wire                  m_axis_tvalid,
    input  wire                  m_axis_tready,
    output wire                  m_axis_tlast,
    input  wire [7:0]            ctx_addr,
    input  wire [31:0]           ctx_wdata,
    input  wire                  ctx_we,
    output wire [31:0]           ctx_rdata,
    output wire                  idle,
    output wire [31:0]           acc_id
);

    assign acc_id = ACC_ID;

    // ---- Context: one example register, and the count of cut packets
    // received (register 1). Replace by your state.
    reg [31:0] ctx0_reg;
    reg [31:0] cuts_reg;
    always @(posedge clk) begin
        if (rst) begin
            ctx0_reg <= 32'h0;
            cuts_reg <= 32'h0;
        end else if (ctx_we && ctx_addr == 8'd0) begin
            ctx0_reg <= ctx_wdata;
        end else if (ctx_we && ctx_addr == 8'd1) begin
            cuts_reg <= ctx_wdata;
        end else if (s_axis_tvalid && s_axis_tready && s_axis_tlast && s_axis_tuser) begin
            cuts_reg <= cuts_reg + 32'd1;
        end
    end
    assign ctx_rdata = (ctx_addr == 8'd0) ? ctx0_reg :
                       (ctx_addr == 8'd1) ? cuts_reg : 32'h0;

    // ---- Data path: a one-stage register as an example (a passthrough).
    // Replace by your accelerator; keep the handshake rules.
    reg                  valid_reg;
    reg [DATA_WIDTH-1:0] data_reg;
    reg [KEEP_WIDTH-1:0] keep_reg;
    reg                  last_reg;
    reg                  in_packet_reg;
    assign s_axis_tready = !valid_reg || m_axis_tready;
    always @(posedge clk) begin
        if (m_axis_tready) begin
            valid_reg <= 1'b0;
        end
        if (s_axis_tvalid && s_axis_tready) begin
            valid_reg     <= 1'b1;
            data_reg      <= s_axis_tdata;
            keep_reg      <= s_axis_tkeep;
            last_reg      <= s_axis_tlast;
            in_packet_reg <= !s_axis_tlast;
        end
        if (rst) begin
            valid_reg     <= 1'b0;
            in_packet_reg <= 1'b0;
        end
    end
    assign m_axis_tvalid = valid_reg;
    assign m_axis_tdata  = data_reg;
    assign m_axis_tkeep  = keep_reg;
    assign m_axis_tlast  = last_reg;

    // ---- Idle: nothing accepted and not yet answered.
    assign idle = !valid_reg && !in_packet_reg;

endmodule // {{ module }}

`resetall
