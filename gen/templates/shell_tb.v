// {{ module }}: a self-checking testbench of {{ dut }}, written by {{ generator }}.
// Plain Verilog-2001 for event-driven simulators (Icarus: iverilog -g2001).
// It drives AXI4-Lite accesses into the BAR ({{ bar }}_*) one at a time and
// checks each answer; every other input is tied: ready inputs high, the rest
// low (no DMA, no load runs, so the host masters are never used).
// Each access gives up after {{ timeout }} cycles. One line per access
// ("ok ..." or "FAIL ..."), then a summary line "{{ module }}: N accesses, E errors".
`timescale 1ns / 1ps
`default_nettype none
module {{ module }};
    reg clk = 1'b0;
    reg rst = 1'b1;
    always #5 clk = ~clk;
{% for p in inputs %}    reg [{{ p.msb }}:0] {{ p.name }} = {{ p.width }}'d{{ p.tie }};
{% endfor %}{% for p in outputs %}    wire [{{ p.msb }}:0] {{ p.name }};
{% endfor %}
    {{ dut }} dut (
        .clk(clk),
        .rst(rst){% for p in inputs %},
        .{{ p.name }}({{ p.name }}){% endfor %}{% for p in outputs %},
        .{{ p.name }}({{ p.name }}){% endfor %}
    );

    integer errors = 0;
    integer accesses = 0;
    integer cycles;
    reg [1:0] resp;
    reg [31:0] rdata;
    reg answered;

    // One access: address (and data) presented until taken, the answer
    // taken on the first cycle it is valid. Inputs change after a falling
    // edge, handshakes are sampled at the rising edge.
    reg addr_taken;
    reg data_taken;
    task access(input write, input [{{ addr_msb }}:0] addr, input [31:0] wdata);
        begin
            answered = 1'b0;
            addr_taken = 1'b0;
            data_taken = !write;
            rdata = 32'h0;
            cycles = 0;
            @(negedge clk);
            if (write) begin
                {{ bar }}_awaddr = addr;
                {{ bar }}_awvalid = 1'b1;
                {{ bar }}_wdata = wdata;
                {{ bar }}_wstrb = 4'hf;
                {{ bar }}_wvalid = 1'b1;
                {{ bar }}_bready = 1'b1;
            end else begin
                {{ bar }}_araddr = addr;
                {{ bar }}_arvalid = 1'b1;
                {{ bar }}_rready = 1'b1;
            end
            while (!answered && cycles < {{ timeout }}) begin
                @(posedge clk);
                cycles = cycles + 1;
                if ({{ bar }}_awvalid && {{ bar }}_awready) addr_taken = 1'b1;
                if ({{ bar }}_arvalid && {{ bar }}_arready) addr_taken = 1'b1;
                if ({{ bar }}_wvalid && {{ bar }}_wready) data_taken = 1'b1;
                if ({{ bar }}_bvalid && {{ bar }}_bready) begin
                    answered = 1'b1;
                    resp = {{ bar }}_bresp;
                end
                if ({{ bar }}_rvalid && {{ bar }}_rready) begin
                    answered = 1'b1;
                    resp = {{ bar }}_rresp;
                    rdata = {{ bar }}_rdata;
                end
                @(negedge clk);
                if (addr_taken) begin
                    {{ bar }}_awvalid = 1'b0;
                    {{ bar }}_arvalid = 1'b0;
                end
                if (data_taken) {{ bar }}_wvalid = 1'b0;
            end
            if (answered && !(addr_taken && data_taken)) begin
                $display("FAIL answer before the access was taken");
                errors = errors + 1;
            end
            {{ bar }}_awvalid = 1'b0;
            {{ bar }}_wvalid = 1'b0;
            {{ bar }}_arvalid = 1'b0;
            {{ bar }}_bready = 1'b0;
            {{ bar }}_rready = 1'b0;
            accesses = accesses + 1;
        end
    endtask

    initial begin
        repeat (4) @(posedge clk);
        @(negedge clk);
        rst = 1'b0;
{% for a in accesses %}
        // {{ a.what }}
        access(1'b{{ a.write }}, {{ addr_width }}'h{{ a.addr }}, 32'h{{ a.wdata }});
        if (!answered) begin
            $display("FAIL %0s: no answer within {{ timeout }} cycles", "{{ a.what }}");
            errors = errors + 1;
            $display("{{ module }}: %0d accesses, %0d errors", accesses, errors);
            $fatal(1, "FAIL: the BAR does not answer");
        end else if (resp != 2'd{{ a.resp }}{% if a.check_data %} || rdata !== 32'h{{ a.rdata }}{% endif %}) begin
            $display("FAIL %0s: resp %0d data 0x%08x, expected resp {{ a.resp }}{% if a.check_data %} data 0x{{ a.rdata }}{% endif %} (%0d cycles)", "{{ a.what }}", resp, rdata, cycles);
            errors = errors + 1;
        end else begin
            $display("ok %0s: resp %0d data 0x%08x (%0d cycles)", "{{ a.what }}", resp, rdata, cycles);
        end
{% endfor %}
        $display("{{ module }}: %0d accesses, %0d errors", accesses, errors);
        if (errors != 0) $fatal(1, "FAIL: %0d of %0d accesses wrong", errors, accesses);
        $display("PASS: %0d accesses", accesses);
        $finish;
    end
endmodule
