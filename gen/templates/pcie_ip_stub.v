// A stand-in for the PCIe IP {{ ip }} (pcie4_uscale_plus, PG213), written by
// {{ generator }}: its ports that vfpga_top connects, with PG213's names and
// widths, so that Verilator, Icarus and Yosys (`hierarchy -check`) read the
// chip top from the output tree alone. Vivado generates the real module from
// scripts/vivado_dfx.tcl; this file is listed in lint.f, never in rtl/files.f.
// Every output is 0 (no link: the shell below stays idle); the inputs are
// read by nothing (waived below). The file is named after its module.
`resetall
`timescale 1ns / 1ps
`default_nettype none
/* verilator lint_off UNUSEDSIGNAL */
module {{ ip }} (
{%- for p in ports %}
    {% if p.input %}input {% else %}output{% endif %} wire {{ p.range() }} {{ p.name }}{% if !loop.last %},{% endif %}
{%- endfor %}
);
/* verilator lint_on UNUSEDSIGNAL */
{%- for p in ports %}{% if !p.input %}
    assign {{ p.name }} = {{ p.width }}'d0;
{%- endif %}{% endfor %}
endmodule
`resetall
