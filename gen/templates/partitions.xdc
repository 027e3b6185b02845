# Constraints of the vfpga design `{{ name }}`: clock, and one pblock per
# reconfigurable partition with its DFX properties.
# Written by {{ generator }}. Device {{ device }}.
# Floorplan: {{ floorplan_doc }}

# Static-region clock ({{ clock_mhz }} MHz; the prc's ICAPE3 takes at most 200 MHz).
create_clock -name clk -period {{ period_ns }} [get_ports clk]
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
