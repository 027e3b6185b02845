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

    // Function-level resets. PF0's and the design's VFs' are done by the
    // shell (its manager: drain, the DMA's function-level reset, the VF
    // enabled again if attached; docs/vivado-dfx.md), one at a time: a scan
    // over the VFs (PF0 first) hands a function in process and not handed
    // over yet to the shell's flr_* port (function 0 = PF0, VF k = k + 1),
    // and the shell's done answers the hard block (vf_flr_func_num is the
    // VF's index). A function is handed over once per FLR: until its
    // in-process bit falls. PF1-3 (unused): done one cycle after in-process
    // rises. The hard block's VF bits beyond the design's VFs are never set.
    wire [{{ flr_bits - 1 }}:0] vf_flr = {% if flr_bits > vfs %}{ {{ flr_bits - vfs }}'b0, vf_flr_in_process[{{ vfs - 1 }}:0] }{% else %}vf_flr_in_process[{{ vfs - 1 }}:0]{% endif %};
    reg [3:1] flr_seen = 3'b0;
    reg [3:1] flr_done_r = 3'b0;
    reg pf_taken = 1'b0;
    reg pf_done_r = 1'b0;
    reg [{{ scan_bits - 1 }}:0] vf_scan = {{ scan_bits }}'d0;
    reg [{{ flr_bits - 1 }}:0] vf_taken = {{ flr_bits }}'d0;
    reg vf_done_r = 1'b0;
    reg [{{ scan_bits - 1 }}:0] vf_num_r = {{ scan_bits }}'d0;
    reg flr_busy = 1'b0;
    reg flr_req_r = 1'b0;
    reg [{{ fw - 1 }}:0] flr_req_fn = {{ fw }}'d0;
    always @(posedge user_clk) begin
        if (user_reset) begin
            flr_seen <= 3'b0;
            flr_done_r <= 3'b0;
            pf_taken <= 1'b0;
            pf_done_r <= 1'b0;
            vf_scan <= {{ scan_bits }}'d0;
            vf_taken <= {{ flr_bits }}'d0;
            vf_done_r <= 1'b0;
            flr_busy <= 1'b0;
            flr_req_r <= 1'b0;
        end else begin
            flr_seen <= flr_in_process[3:1];
            flr_done_r <= flr_in_process[3:1] & ~flr_seen;
            pf_done_r <= shell_flr_done_valid && shell_flr_done_function == {{ fw }}'d0;
            vf_done_r <= shell_flr_done_valid && shell_flr_done_function != {{ fw }}'d0;
            vf_num_r <= shell_flr_done_function[{{ scan_bits - 1 }}:0] - {{ scan_bits }}'d1;
            vf_scan <= vf_scan == {{ scan_bits }}'d{{ vfs - 1 }} ? {{ scan_bits }}'d0 : vf_scan + {{ scan_bits }}'d1;
            if (flr_req_r && shell_flr_ready)
                flr_req_r <= 1'b0;
            if (shell_flr_done_valid)
                flr_busy <= 1'b0;
            if (!flr_busy && flr_in_process[0] && !pf_taken) begin
                flr_busy <= 1'b1;
                flr_req_r <= 1'b1;
                flr_req_fn <= {{ fw }}'d0;
                pf_taken <= 1'b1;
            end else begin
                pf_taken <= pf_taken & flr_in_process[0];
            end
            if (!flr_busy && !(flr_in_process[0] && !pf_taken) && vf_flr[vf_scan] && !vf_taken[vf_scan]) begin
                flr_busy <= 1'b1;
                flr_req_r <= 1'b1;
                flr_req_fn <= { {{ fw - scan_bits }}'b0, vf_scan } + {{ fw }}'d1;
                vf_taken <= (vf_taken & vf_flr) | ({{ flr_bits }}'d1 << vf_scan);
            end else begin
                vf_taken <= vf_taken & vf_flr;
            end
        end
    end
    assign shell_flr_valid = flr_req_r;
    assign shell_flr_function = flr_req_fn;
    assign flr_done = { flr_done_r, pf_done_r };
    assign vf_flr_done = vf_done_r;
    assign vf_flr_func_num = {% if scan_bits < 8 %}{ {{ 8 - scan_bits }}'b0, vf_num_r }{% else %}vf_num_r{% endif %};

    // The shell's function-level-reset port (above).
    wire shell_flr_valid;
    wire [{{ fw - 1 }}:0] shell_flr_function;
    wire shell_flr_ready;
    wire shell_flr_done_valid;
    /* verilator lint_off UNUSEDSIGNAL */
    wire [{{ fw - 1 }}:0] shell_flr_done_function;
    /* verilator lint_on UNUSEDSIGNAL */

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
