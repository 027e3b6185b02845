// Testbench of the simulation shell {{ dut }}, written by {{ generator }}.
// Design '{{ name }}': {{ partitions }} partitions, {{ vfs }} VFs, {{ data_width }}-bit data path.
// Run from the output directory:
//     iverilog -o tb.vvp -s {{ top }} -f sim/files.f {{ path }} && vvp -n tb.vvp
// or through FuseSoC: fusesoc --cores-root . run --target sim vfpga:shell:{{ name }}
// Resets the shell, then reads the identification header of the PF window and
// of VF windows through the BAR (AXI4-Lite) and checks every word against this
// configuration; a function beyond the last VF must be refused (SLVERR).
// Prints one line per read, then PASS; any mismatch or a read that is not
// answered ends the simulation with a fatal error (vvp exits 1).
// Every input of the shell not driven below stays 0: no host memory, no
// interrupt taken, no bitstream.
`timescale 1ns / 1ps
`default_nettype none
module {{ top }};
    reg clk = 1'b0;
    reg rst = 1'b1;
{%- for p in inputs %}
    reg  {{ p.range }}{{ p.name }} = {{ p.width }}'d0;
{%- endfor %}
{%- for p in outputs %}
    wire {{ p.range }}{{ p.name }};
{%- endfor %}

    {{ dut }} dut (
{%- for p in ports %}
        .{{ p }}({{ p }}){% if !loop.last %},{% endif %}
{%- endfor %}
    );

    always #5 clk = ~clk;

    // Cycles a read may wait for each handshake: well above the BAR's own
    // timeout ({{ reg_timeout }} cycles), after which it answers SLVERR itself.
    localparam LIMIT = {{ limit }};
    integer waited;
    integer errors = 0;
    integer reads = 0;
    reg [31:0] rd_data;
    reg [1:0] rd_resp;

    task next_cycle;
        begin
            waited = waited + 1;
            if (waited > LIMIT) begin
                $display("FAIL: read 0x%06h not answered in %0d cycles", s_axil_bar_araddr, LIMIT);
                $fatal(1, "FAIL: the BAR does not answer");
            end
            @(posedge clk);
        end
    endtask

    // One AXI4-Lite read. Signals are sampled just after a rising edge, so
    // they hold what the shell's registers showed at that edge.
    task bar_read;
        input [22:0] addr;
        begin
            waited = 0;
            s_axil_bar_araddr <= addr;
            s_axil_bar_arvalid <= 1'b1;
            @(posedge clk);
            while (!s_axil_bar_arready) next_cycle;
            s_axil_bar_arvalid <= 1'b0;
            s_axil_bar_rready <= 1'b1;
            @(posedge clk);
            while (!s_axil_bar_rvalid) next_cycle;
            rd_data = s_axil_bar_rdata;
            rd_resp = s_axil_bar_rresp;
            s_axil_bar_rready <= 1'b0;
        end
    endtask

    // Reads `addr` and checks the response (0 OKAY, 2 SLVERR) and, when OKAY, the data.
    task check;
        input [22:0] addr;
        input [1:0] want_resp;
        input [31:0] want_data;
        input [8*24-1:0] what;
        begin
            bar_read(addr);
            reads = reads + 1;
            if (rd_resp !== want_resp || (want_resp == 2'd0 && rd_data !== want_data)) begin
                $display("FAIL: %0s: read 0x%06h answered 0x%08h resp %0d, expected 0x%08h resp %0d",
                         what, addr, rd_data, rd_resp, want_data, want_resp);
                errors = errors + 1;
            end else begin
                $display("ok: %0s: read 0x%06h = 0x%08h resp %0d", what, addr, rd_data, rd_resp);
            end
        end
    endtask

    initial begin
        repeat (16) @(posedge clk);
        rst <= 1'b0;
        repeat (4) @(posedge clk);
{%- for c in checks %}
        check(23'h{{ c.addr }}, 2'd{{ c.resp }}, 32'h{{ c.data }}, "{{ c.what }}");
{%- endfor %}
        if (errors != 0) $fatal(1, "FAIL: %0d of %0d reads wrong", errors, reads);
        $display("PASS: %0d reads of the identification header answered as configured", reads);
        $finish;
    end
endmodule
`default_nettype wire
