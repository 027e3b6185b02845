{% for l in header %}// {{ l }}
{% endfor %}//
// {{ name }}: the chip top for {{ device }}. The board's PCIe pins (100 MHz
// reference clock, PERST#, {{ lanes }} lanes), the reference clock buffer, the
// UltraScale+ PCIe hard block ({{ ip }}: pcie4_uscale_plus, {{ gen }} x{{ lanes }},
// SR-IOV, created by scripts/vivado_dfx.tcl), the answers to its function-level
// resets, and {{ shell }} ({{ pcie }} and vfpga_shell) on its user clock and reset.

`resetall
`timescale 1ns / 1ps
`default_nettype none

module {{ name }} (
    input  wire        pcie_refclk_p,
    input  wire        pcie_refclk_n,
    input  wire        pcie_perst_n,
    input  wire [{{ lanes - 1 }}:0] pci_exp_rxp,
    input  wire [{{ lanes - 1 }}:0] pci_exp_rxn,
    output wire [{{ lanes - 1 }}:0] pci_exp_txp,
    output wire [{{ lanes - 1 }}:0] pci_exp_txn
);

    // Reference clock: O feeds the transceivers, ODIV2 (undivided with
    // REFCLK_HROW_CK_SEL 00: 100 MHz) the hard block's sys_clk (PG213).
    wire sys_clk_gt;
    wire sys_clk;
    IBUFDS_GTE4 #(
        .REFCLK_EN_TX_PATH(1'b0),
        .REFCLK_HROW_CK_SEL(2'b00),
        .REFCLK_ICNTL_RX(2'b00)
    ) refclk_ibuf (
        .O(sys_clk_gt),
        .ODIV2(sys_clk),
        .CEB(1'b0),
        .I(pcie_refclk_p),
        .IB(pcie_refclk_n)
    );

    // The hard block's user side: everything below runs on user_clk
    // (250 MHz) with user_reset (synchronous, active high). Not read:
    // user_lnk_up, bits 3:1 of the RQ and CC tready (copies of bit 0), and
    // the VF FLR bits beyond the design's VFs (below).
    wire user_clk;
    wire user_reset;
    /* verilator lint_off UNUSEDSIGNAL */
{%- for p in ip_ports %}{% if !p.conn.contains("'") && !p.conn.starts_with("pci_exp_") && !p.conn.starts_with("sys_clk") && p.conn != "pcie_perst_n" && p.conn != "user_clk" && p.conn != "user_reset" %}
    wire {{ p.range() }} {{ p.conn }};
{%- endif %}{% endfor %}
    /* verilator lint_on UNUSEDSIGNAL */

    {{ ip }} pcie_ip (
{%- for p in ip_ports %}
        .{{ p.name }}({{ p.conn }}){% if !loop.last %},{% endif %}
{%- endfor %}
    );

    // Function-level resets. The PF's (and PF1-3's, unused): done one cycle
    // after in-process rises. The VFs': a scan over the design's {{ vfs }} VFs
    // answers each VF's FLR once (vf_flr_func_num is the VF's index); the
    // DMA resets a function's queues itself when the manager detaches it.
    // The hard block's 252 VF bits beyond the design's VFs are never set.
    wire [{{ flr_bits - 1 }}:0] vf_flr = {% if flr_bits > vfs %}{ {{ flr_bits - vfs }}'b0, vf_flr_in_process[{{ vfs - 1 }}:0] }{% else %}vf_flr_in_process[{{ vfs - 1 }}:0]{% endif %};
    reg [3:0] flr_seen = 4'b0;
    reg [3:0] flr_done_r = 4'b0;
    reg [{{ scan_bits - 1 }}:0] vf_scan = {{ scan_bits }}'d0;
    reg [{{ flr_bits - 1 }}:0] vf_acked = {{ flr_bits }}'d0;
    reg vf_done_r = 1'b0;
    reg [{{ scan_bits - 1 }}:0] vf_num_r = {{ scan_bits }}'d0;
    always @(posedge user_clk) begin
        if (user_reset) begin
            flr_seen <= 4'b0;
            flr_done_r <= 4'b0;
            vf_scan <= {{ scan_bits }}'d0;
            vf_acked <= {{ flr_bits }}'d0;
            vf_done_r <= 1'b0;
        end else begin
            flr_seen <= flr_in_process;
            flr_done_r <= flr_in_process & ~flr_seen;
            vf_done_r <= vf_flr[vf_scan] & ~vf_acked[vf_scan];
            vf_num_r <= vf_scan;
            vf_acked <= (vf_acked & vf_flr) | (vf_flr & ({{ flr_bits }}'d1 << vf_scan));
            vf_scan <= vf_scan == {{ scan_bits }}'d{{ vfs - 1 }} ? {{ scan_bits }}'d0 : vf_scan + {{ scan_bits }}'d1;
        end
    end
    assign flr_done = flr_done_r;
    assign vf_flr_done = vf_done_r;
    assign vf_flr_func_num = {% if scan_bits < 8 %}{ {{ 8 - scan_bits }}'b0, vf_num_r }{% else %}vf_num_r{% endif %};

    // The shell's status outputs have no pin on the board.
    /* verilator lint_off UNUSEDSIGNAL */
{%- for s in status %}
    wire {{ s.0 }} {{ s.1 }};
{%- endfor %}
    /* verilator lint_on UNUSEDSIGNAL */

    {{ shell }} shell_pcie (
{%- for p in shell_ports %}
        .{{ p.name }}({{ p.conn }}){% if !loop.last %},{% endif %}
{%- endfor %}
    );

endmodule // {{ name }}
`resetall
