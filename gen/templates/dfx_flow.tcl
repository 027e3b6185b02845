# Vivado non-project Dynamic Function eXchange flow for the vfpga design
# `{{ name }}` on {{ device }}. Written by {{ generator }}.
# Run from the output directory:  vivado -mode batch -source scripts/vivado_dfx.tcl
#
# 1. synthesize the static design ({{ static_top }}) with every partition a black box;
# 2. synthesize each RM out of context, once per partition, under that
#    partition's module name (rtl/rm/<rm>/vfpga_rp_p<i>.v wraps vfpga_rm_<rm>);
# 3. for each configuration (configuration k puts RM k in every partition):
#    link static + RMs, implement, save; the first one's routed static part is
#    locked and reused by the others;
# 4. pr_verify every configuration against the first;
# 5. write the full bitstream of each configuration and the partial
#    bitstream of every (RM, partition).
# (Variables are read with [set name], not the dollar form: vfpga output
# holds no dollar sign but the testbench's system tasks, so that it passes
# through any tool.)
# Hook points: set VFPGA_HOOK_AFTER_SYNTH / VFPGA_HOOK_AFTER_ROUTE to a Tcl
# file to source at that point, and VFPGA_HOOK_RMS to one that adds your own
# RMs to the list (lappend rms NAME; set rm_files(NAME) [list FILES]; with
# rtl/rm/NAME/vfpga_rp_p<i>.v wrappers; see docs/add-accelerator.md).
# Hooks run at the top level of the script.

set part {{ device }}
set out build
file mkdir [set out]
proc hook {name} {
    if {[info exists ::env([set name])]} { uplevel #0 [list source [set ::env([set name])]] }
}

# ---- 1. static
read_verilog [list {% for f in static_files %}{{ f }} {% endfor %}]
synth_design -mode default -top {{ static_top }} -part [set part]
hook VFPGA_HOOK_AFTER_SYNTH
write_checkpoint -force [set out]/static_synth.dcp
close_project

# ---- 2. each RM out of context, per partition
set rms [list {% for r in rms %}{{ r.name }} {% endfor %}]
{%- for r in rms %}
set rm_files({{ r.name }}) [list {% for f in r.files %}{{ f }} {% endfor %}]
{%- endfor %}
hook VFPGA_HOOK_RMS
set partitions {{ partitions }}
foreach rm [set rms] {
    for {set i 0} {[set i] < [set partitions]} {incr i} {
        read_verilog [set rm_files([set rm])]
        read_verilog rtl/rm/[set rm]/vfpga_rp_p[set i].v
        synth_design -mode out_of_context -top vfpga_rp_p[set i] -part [set part]
        write_checkpoint -force [set out]/rm_[set rm]_p[set i].dcp
        close_project
    }
}

# ---- 3. implement every configuration
set first 1
foreach rm [set rms] {
    if {[set first]} {
        open_checkpoint [set out]/static_synth.dcp
    } else {
        # The routed static region of the first configuration, locked.
        open_checkpoint [set out]/static_routed.dcp
    }
    for {set i 0} {[set i] < [set partitions]} {incr i} {
        read_checkpoint -cell [get_cells -hierarchical rp_p[set i]] [set out]/rm_[set rm]_p[set i].dcp
    }
    if {[set first]} {
        # Clock, pblocks and DFX properties, once the RMs are linked in (the
        # routed static checkpoint keeps them for the other configurations).
        read_xdc constraints/vfpga.xdc
    }
    opt_design
    place_design
    route_design
    hook VFPGA_HOOK_AFTER_ROUTE
    write_checkpoint -force [set out]/config_[set rm].dcp
    if {[set first]} {
        for {set i 0} {[set i] < [set partitions]} {incr i} {
            update_design -cell [get_cells -hierarchical rp_p[set i]] -black_box
        }
        lock_design -level routing
        write_checkpoint -force [set out]/static_routed.dcp
        set first 0
    }
    close_project
}

# ---- 4. verify
set configs [lmap rm [set rms] {string cat [set out]/config_[set rm].dcp}]
pr_verify -full_check -initial [lindex [set configs] 0] -additional [lrange [set configs] 1 end] -file [set out]/pr_verify.log

# ---- 5. bitstreams: full per configuration, partial per RM and partition
foreach rm [set rms] {
    open_checkpoint [set out]/config_[set rm].dcp
    write_bitstream -force -bin_file [set out]/full_[set rm].bit
    # Partials come out as <name>_pblock_rp_p<i>_partial.bit/.bin; the .bin
    # files are what the prc streams from host memory.
    close_project
}
