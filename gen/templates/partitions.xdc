# Constraints of the vfpga design `{{ name }}`: clock{% if pcie %}, PCIe pins{% endif %}, and one pblock per
# reconfigurable partition with its DFX properties.
# Written by {{ generator }}. Device {{ device }}.
# Floorplan: {{ floorplan_doc }}

{% if pcie -%}
# The static region runs on the PCIe hard block's user clock (250 MHz), which
# the IP's own constraints define; clock_mhz ({{ clock_mhz }}) does not apply.
# PCIe reference clock (100 MHz) and PERST# of the chip top (vfpga_top).
{%- if let Some(b) = board %}
# {{ b.name }}: from {{ b.source }}.
set_property PACKAGE_PIN {{ b.refclk_p }} [get_ports pcie_refclk_p]
set_property PACKAGE_PIN {{ b.refclk_n }} [get_ports pcie_refclk_n]
set_property -dict {PACKAGE_PIN {{ b.perst }} IOSTANDARD {{ b.perst_iostandard }}} [get_ports pcie_perst_n]
{%- else %}
# No board pinout is known for {{ device }}: add PACKAGE_PIN constraints for
# pcie_refclk_p/_n (an MGTREFCLK of the hard block's quads) and pcie_perst_n.
{%- endif %}
create_clock -name pcie_refclk -period 10.000 [get_ports pcie_refclk_p]
set_property PULLUP true [get_ports pcie_perst_n]
set_false_path -from [get_ports pcie_perst_n]
# The lanes (pci_exp_*) are placed with the hard block and its quads (the
# IP's pcie_blk_locn and select_quad, scripts/vivado_dfx.tcl).
{%- else -%}
# Static-region clock ({{ clock_mhz }} MHz; the prc's ICAPE3 takes at most 200 MHz).
create_clock -name clk -period {{ period_ns }} [get_ports clk]
{%- endif %}
{% for p in pblocks %}
# Partition {{ p.index }}: cell {{ p.cell }} (module {{ p.module }}).
create_pblock pblock_rp_p{{ p.index }}
{%- for r in p.ranges %}
resize_pblock [get_pblocks pblock_rp_p{{ p.index }}] -add {{ "{" }}{{ r }}{{ "}" }}
{%- endfor %}
add_cells_to_pblock [get_pblocks pblock_rp_p{{ p.index }}] [get_cells -hierarchical {{ p.cell }}]
set_property HD.RECONFIGURABLE true [get_cells -hierarchical {{ p.cell }}]
# Clear the RP's flip-flops and RAMs after each partial reconfiguration.
set_property RESET_AFTER_RECONFIG true [get_pblocks pblock_rp_p{{ p.index }}]
# Snap the pblock to reconfigurable-frame boundaries (UltraScale+ needs it).
set_property SNAPPING_MODE ON [get_pblocks pblock_rp_p{{ p.index }}]
{% endfor %}
