# Vivado non-project Dynamic Function eXchange flow for the vfpga design
# `{{ name }}` on {{ device }}. Written by {{ generator }}.
# Run from the output directory:  vivado -mode batch -source scripts/vivado_dfx.tcl
#
{%- if pcie.is_some() %}
# 0. create and synthesize the PCIe hard block's IP (SR-IOV, see below);
{%- endif %}
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

{% if let Some(p) = pcie -%}
# ---- 0. the PCIe hard block: pcie4_uscale_plus (PG213) as {{ p.ip }}, the
# module vfpga_top instantiates. Gen3 x{{ p.lanes }} (8.0 GT/s), {{ p.data_width }}-bit user
# interface at 250 MHz, straddling off (what the pcie block expects); SR-IOV
# with PF0's {{ p.vfs }} VFs numbered from function 4 (ARI); BAR0 of the PF and of every
# VF {{ p.bar0_kib }} KiB, 32-bit: the shell's window of that function; MSI-X table
# and PBA in the hard block ({{ p.msix_vectors }} vectors per function, in BAR2 so that
# BAR0 stays the shell's); hard block {{ p.block }} on {{ p.quad }} (the board's lanes).
# Property names as public scripts that create this IP write them: check
# them against your Vivado's `report_property [get_ips {{ p.ip }}]` if it refuses one.
file mkdir [set out]/ip
create_ip -name pcie4_uscale_plus -vendor xilinx.com -library ip -module_name {{ p.ip }} -dir [set out]/ip
set_property -dict [list \
    CONFIG.mode_selection {Advanced} \
    CONFIG.PL_LINK_CAP_MAX_LINK_SPEED {8.0_GT/s} \
    CONFIG.PL_LINK_CAP_MAX_LINK_WIDTH {X{{ p.lanes }}} \
    CONFIG.axisten_if_width {{ "{" }}{{ p.data_width }}_bit{{ "}" }} \
    CONFIG.axisten_freq {250} \
{%- if p.data_width == 512 %}
    CONFIG.AXISTEN_IF_EXT_512_RQ_STRADDLE {false} \
    CONFIG.AXISTEN_IF_EXT_512_RC_STRADDLE {false} \
{%- endif %}
    CONFIG.en_gt_selection {true} \
    CONFIG.pcie_blk_locn {{ "{" }}{{ p.block }}{{ "}" }} \
    CONFIG.select_quad {{ "{" }}{{ p.quad }}{{ "}" }} \
    CONFIG.pf0_bar0_enabled {true} \
    CONFIG.pf0_bar0_64bit {false} \
    CONFIG.pf0_bar0_scale {Kilobytes} \
    CONFIG.pf0_bar0_size {{ "{" }}{{ p.bar0_kib }}{{ "}" }} \
    CONFIG.pf0_bar2_enabled {true} \
    CONFIG.pf0_bar2_scale {Kilobytes} \
    CONFIG.pf0_bar2_size {4} \
    CONFIG.pf0_ari_enabled {true} \
    CONFIG.SRIOV_CAP_ENABLE {true} \
    CONFIG.PF0_SRIOV_CAP_INITIAL_VF {{ "{" }}{{ p.vfs }}{{ "}" }} \
    CONFIG.PF0_SRIOV_FIRST_VF_OFFSET {4} \
    CONFIG.pf0_sriov_bar0_64bit {false} \
    CONFIG.pf0_sriov_bar0_scale {Kilobytes} \
    CONFIG.pf0_sriov_bar0_size {{ "{" }}{{ p.bar0_kib }}{{ "}" }} \
    CONFIG.pf0_sriov_bar2_enabled {true} \
    CONFIG.pf0_sriov_bar2_scale {Kilobytes} \
    CONFIG.pf0_sriov_bar2_size {4} \
    CONFIG.pf0_msi_enabled {false} \
    CONFIG.PF0_INTERRUPT_PIN {NONE} \
    CONFIG.pf0_msix_enabled {true} \
    CONFIG.MSI_X_OPTIONS {MSI-X_Internal} \
    CONFIG.PF0_MSIX_CAP_TABLE_SIZE {{ "{" }}{{ p.msix_table_size }}{{ "}" }} \
    CONFIG.PF0_MSIX_CAP_TABLE_BIR {BAR_2} \
    CONFIG.PF0_MSIX_CAP_TABLE_OFFSET {00000000} \
    CONFIG.PF0_MSIX_CAP_PBA_BIR {BAR_2} \
    CONFIG.PF0_MSIX_CAP_PBA_OFFSET {00000800} \
    CONFIG.VFG0_MSIX_CAP_TABLE_SIZE {{ "{" }}{{ p.msix_table_size }}{{ "}" }} \
    CONFIG.VFG0_MSIX_CAP_TABLE_BIR {BAR_2} \
    CONFIG.VFG0_MSIX_CAP_TABLE_OFFSET {00000000} \
    CONFIG.VFG0_MSIX_CAP_PBA_BIR {BAR_2} \
    CONFIG.VFG0_MSIX_CAP_PBA_OFFSET {00000800} \
] [get_ips {{ p.ip }}]
generate_target all [get_ips {{ p.ip }}]
synth_ip [get_ips {{ p.ip }}]

{% endif -%}
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
