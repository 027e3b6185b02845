//! `mgr`: the command engine that replaces the seed's management MCU.
//!
//! The PF writes commands into a command FIFO and reads responses from a
//! response FIFO, both in its window (`regs.rs` describes every register and
//! encoding). The engine executes one command in four cycles (IDLE or the
//! previous EXEC, FETCH, LOOKUP, EXEC), five with a scheduler event,
//! whatever the numbers of VFs, VMs and partitions:
//! - FETCH latches the command from the FIFO's block RAM, while the VM's
//!   table entry, the VF's entry and the head of the free-VF list are read
//!   from block RAM (addressed by the FIFO's read data itself);
//! - LOOKUP compares the accelerator ID with every partition's at once (an
//!   unrolled compare, linear in partitions) and registers the tables' read
//!   data, so that EXEC's decision starts from registers only;
//! - EXEC decides, writes the tables, drives the switch's route port, the
//!   DMA's function-enable and QoS ports, the prc's LOAD port, the sharing
//!   scheduler's event port (`sched`: ATTACH, DETACH, SET_QOS) and the
//!   context clear of an attached VF (`ctx`), and pushes the response. It
//!   waits there while the response FIFO is full (responses are never
//!   dropped) or the route or clear register slice is full; a command with
//!   a scheduler event first presents the event and completes in the cycle
//!   the scheduler takes it (the scheduler is between turn changes then); a
//!   LOAD that goes ahead is presented to the prc once the scheduler was
//!   seen between turn changes, and completes when the prc takes it.
//!
//! Timing (DESIGN.md): every output port comes from a register (route
//! writes and clears through `skid::Skid` slices, events and LOADs from
//! registers held until taken, QoS and function enables as one-cycle pulses
//! from registers) and every input goes into registers only: no path
//! crosses the block combinationally. Outputs leave the cycle after EXEC
//! decides.
//! Partition owners are the scheduler's: `s_owner_*` keeps PART_STATUS.
//!
//! LOAD(p, acc) checks p < partitions and acc != 0 (BAD_ARG) and that no VF
//! is attached to p (PARTITION_BUSY); then it hands (p, acc) to the prc
//! (`m_load_*`, one cycle once `m_load_ready`), sets `PART_ACC[p]` to 0
//! (empty: nothing can attach to it while it loads), keeps acc as p's
//! requested accelerator and answers OK (result: p) at once; the command
//! takes constant time, the reconfiguration ends asynchronously. When the prc
//! reports the end (`s_load_done_*`): status 0 sets `PART_ACC[p]` to the
//! requested accelerator, any other status leaves it 0. A done and a LOAD's
//! EXEC in the same cycle: the LOAD's writes win (the prc takes a LOAD only
//! when it is idle, so the done belongs to the previous one).
//!
//! Function-level reset (FLR, PCIe: the function back in its reset state;
//! `s_flr_*`, from the chip top, which answers the hard block's FLR with
//! `m_flr_done_*`): one at a time, taken into registers, started when the
//! command engine is between commands (ahead of the next command, which
//! waits meanwhile) and run by the engine on DETACH's path without its
//! table writes: an FLR does not detach, the VM keeps its VF.
//! - READ, LOOK: the function's VF-table entry (attached, partition,
//!   weight, slice), from the monitoring copy (in a cycle that takes no
//!   register read).
//! - GO (phase 0): an attached VF's DETACH event to the scheduler (which
//!   closes its H2C gate, waits until its packets are out and, if it owns
//!   its partition, saves its context once the RM is idle and gives the
//!   partition up), and the DMA's disable (`m_fnctl_*`: the DMA's
//!   function-level reset of its rings, indices, run bits, errors,
//!   interrupt mask, status and pending interrupts; new generation, so
//!   whatever was in flight is dropped).
//! - WAIT: until the function owns no partition (attached: the scheduler
//!   is done with it), it has made no host request for `FLR_QUIET_CYCLES`
//!   (the host bus is observed, `s_host_*`) and every host request of it,
//!   and every one outstanding when the FLR came, is answered (responses
//!   come in order: counted).
//! - GO (phase 1): the context clear (the function's context memory back
//!   to zeros, after the save); attached, also ATTACH's other outputs for
//!   the same VF, partition, weight and slice: scheduler event, QoS, the
//!   DMA's enable. A VF not attached stays disabled; the PF (function 0,
//!   never attached) runs enabled or not.
//! - Then the done (one cycle, with the function).
//! The drain is a quiet window, not a proof from the DMA's inside: the
//! DMA stops a reset function's requests within its queues' depth, far
//! inside 4096 cycles unless the host holds AW/AR back that long.
//!
//! Tables: the VM table (2^VMW entries of `VM_SLOTS` attachment slots, one
//! block RAM per slot), the VF table (per function: attached, partition, VM,
//! QoS; a second copy answers `VF_INFO` reads without stalling the engine),
//! the free-VF list (a FIFO of function numbers in block RAM) and, per
//! partition, registers for its accelerator ID, owner and tenant count.
//! After reset the RAMs are cleared (and the free list filled with 1..=vfs)
//! one entry per cycle; commands wait in the FIFO meanwhile.

pub mod regs;

use crate::regbus::{RegBusSlave, REG_ADDR_BITS as AW};
use crate::{FUNCTION_ID_BITS as FW, MAX_PARTITIONS, PARTITION_ID_BITS as PW};
use regs::*;
use crate::sched::regs as vfpga_ev;
use crate::skid::Skid;
use rust_hdl::prelude::*;

/// VM-table slot: used [0], partition [6:1], VF [17:7].
const SLOT_BITS: usize = 1 + PW + FW;
/// VF-table entry: attached [0], partition [6:1], VM [22:7], weight [30:23],
/// slice [46:31] (shifts by these offsets are written as literals: rust-hdl
/// shifts take no `usize`).
const VF_ENTRY_BITS: usize = 1 + PW + 16 + 8 + 16;
const VF_VM_LSB: usize = 1 + PW;
const VF_WEIGHT_LSB: usize = VF_VM_LSB + 16;
// The decoder compares req_addr[11:8] for the partition arrays.
const _: () = assert!(PART_ACC & 0xff == 0 && PART_STATUS & 0xff == 0 && MAX_PARTITIONS * 4 <= 0x100);
const _: () = assert!(VF_VM_LSB == 7 && VF_WEIGHT_LSB == 23 && 1 + PW == 7);
/// FIFO entries: {CMD_ARG, CMD} and {RESP_DATA, RESP without its valid bit}.
const FIFO_ENTRY_BITS: usize = 64;
const FIFO_AW: usize = FIFO_DEPTH_BITS;
const FIFO_CW: usize = FIFO_DEPTH_BITS + 1;
/// Counter over the entries cleared after reset: up to 2^12 VMs.
const CLEAR_BITS: usize = 13;
/// A route write in its register slice: enable [17], partition [16:11],
/// function [10:0].
const ROUTE_BITS: usize = 1 + PW + FW;
const _: () = assert!(ROUTE_BITS == 18);
/// Engine states: the four of a command and the four of a function-level reset.
const STATE_BITS: usize = 3;
/// The FLR's quiet-window counter (up to `FLR_QUIET_CYCLES`).
const FLR_QUIET_BITS: usize = 13;
const _: () = assert!(FLR_QUIET_CYCLES < 1 << FLR_QUIET_BITS);
/// Host transactions outstanding (counted from the observed bus).
const HOST_OUT_BITS: usize = 16;

#[derive(LogicBlock)]
pub struct Mgr<const VMW: usize> {
    /// Clock of the static region.
    pub clk: Signal<In, Clock>,
    /// Synchronous, active-high reset.
    pub rst: Signal<In, Bit>,
    /// Register accesses to the manager's region of the PF window (0x400-0x7ff).
    pub s_reg: RegBusSlave,
    /// Route writes to the switch: function -> partition, enable 0 removes it.
    pub m_route_valid: Signal<Out, Bit>,
    pub m_route_ready: Signal<In, Bit>,
    pub m_route_function: Signal<Out, Bits<FW>>,
    pub m_route_partition: Signal<Out, Bits<PW>>,
    pub m_route_enable: Signal<Out, Bit>,
    /// Owner changes, from the sharing scheduler (`sched`), for PART_STATUS.
    pub s_owner_valid: Signal<In, Bit>,
    pub s_owner_partition: Signal<In, Bits<PW>>,
    pub s_owner_function: Signal<In, Bits<FW>>,
    /// Tenant events to the sharing scheduler: ATTACH, DETACH, SET_QOS of a
    /// VF (kinds `sched::regs::EV_*`). EXEC waits for `m_event_ready` (the
    /// scheduler is between turn changes) for these and for LOAD.
    pub m_event_valid: Signal<Out, Bit>,
    pub m_event_ready: Signal<In, Bit>,
    pub m_event_kind: Signal<Out, Bits<2>>,
    pub m_event_function: Signal<Out, Bits<FW>>,
    pub m_event_partition: Signal<Out, Bits<PW>>,
    pub m_event_weight: Signal<Out, Bits<8>>,
    pub m_event_slice: Signal<Out, Bits<16>>,
    /// Context clears to `ctx` (a VF given to a new VM), queued there.
    pub m_clear_valid: Signal<Out, Bit>,
    pub m_clear_ready: Signal<In, Bit>,
    pub m_clear_function: Signal<Out, Bits<FW>>,
    /// DMA scheduler weight of a function.
    pub m_qos_valid: Signal<Out, Bit>,
    pub m_qos_function: Signal<Out, Bits<FW>>,
    pub m_qos_weight: Signal<Out, Bits<8>>,
    /// A function's DMA queues may run (attached) or not.
    pub m_fnctl_valid: Signal<Out, Bit>,
    pub m_fnctl_function: Signal<Out, Bits<FW>>,
    pub m_fnctl_enable: Signal<Out, Bit>,
    /// LOAD requests to the prc: partition and accelerator ID.
    pub m_load_valid: Signal<Out, Bit>,
    pub m_load_ready: Signal<In, Bit>,
    pub m_load_partition: Signal<Out, Bits<PW>>,
    pub m_load_acc_id: Signal<Out, Bits<32>>,
    /// End of a LOAD, from the prc: one cycle, status 0 = OK.
    pub s_load_done_valid: Signal<In, Bit>,
    pub s_load_done_partition: Signal<In, Bits<PW>>,
    pub s_load_done_status: Signal<In, Bits<4>>,
    /// Function-level resets (the chip top's, from the hard block's FLR in
    /// process; function 0 is the PF): one at a time, taken while
    /// `s_flr_ready`, answered on `m_flr_done_*` (one cycle) once the
    /// function is reset and, if attached, enabled again (module doc).
    pub s_flr_valid: Signal<In, Bit>,
    pub s_flr_ready: Signal<Out, Bit>,
    pub s_flr_function: Signal<In, Bits<FW>>,
    pub m_flr_done_valid: Signal<Out, Bit>,
    pub m_flr_done_function: Signal<Out, Bits<FW>>,
    /// The DMA's host bus, observed (read only): the handshakes and the
    /// function of each request, for the FLR's drain.
    pub s_host_arvalid: Signal<In, Bit>,
    pub s_host_arready: Signal<In, Bit>,
    pub s_host_aruser: Signal<In, Bits<FW>>,
    pub s_host_rvalid: Signal<In, Bit>,
    pub s_host_rready: Signal<In, Bit>,
    pub s_host_rlast: Signal<In, Bit>,
    pub s_host_awvalid: Signal<In, Bit>,
    pub s_host_awready: Signal<In, Bit>,
    pub s_host_awuser: Signal<In, Bits<FW>>,
    pub s_host_bvalid: Signal<In, Bit>,
    pub s_host_bready: Signal<In, Bit>,

    // Configuration, as constants in the emitted Verilog.
    ev_attach: Constant<Bits<2>>,
    ev_detach: Constant<Bits<2>>,
    ev_qos: Constant<Bits<2>>,
    vfs: Constant<Bits<FW>>,
    last_partition: Constant<Bits<20>>,
    vm_limit: Constant<Bits<20>>,
    clear_last: Constant<Bits<CLEAR_BITS>>,
    /// Partition `i`'s index and reset accelerator, for the unrolled loops.
    part_index: Vec<Constant<Bits<PW>>>,
    /// Partition `i`'s bit in a partition mask.
    part_bit: Vec<Constant<Bits<MAX_PARTITIONS>>>,
    part_acc_reset: Vec<Constant<Bits<32>>>,
    slot_index: Vec<Constant<Bits<2>>>,
    id_value: Constant<Bits<32>>,
    caps_value: Constant<Bits<32>>,
    depths_value: Constant<Bits<32>>,
    fifo_depth: Constant<Bits<FIFO_CW>>,
    default_weight: Constant<Bits<8>>,
    // Register offsets (from `regs.rs`).
    a_id: Constant<Bits<AW>>,
    a_caps: Constant<Bits<AW>>,
    a_depths: Constant<Bits<AW>>,
    a_status: Constant<Bits<AW>>,
    a_errors: Constant<Bits<AW>>,
    a_free: Constant<Bits<AW>>,
    a_arg: Constant<Bits<AW>>,
    a_cmd: Constant<Bits<AW>>,
    a_resp: Constant<Bits<AW>>,
    a_resp_data: Constant<Bits<AW>>,
    a_vf_sel: Constant<Bits<AW>>,
    a_vf_info: Constant<Bits<AW>>,
    a_vf_qos: Constant<Bits<AW>>,
    a_commands: Constant<Bits<AW>>,
    /// `req_addr[11:8]` of the PART_ACC and PART_STATUS arrays.
    a_part_acc_page: Constant<Bits<4>>,
    a_part_status_page: Constant<Bits<4>>,
    // Encodings (from `regs.rs`).
    op_attach: Constant<Bits<4>>,
    op_detach: Constant<Bits<4>>,
    op_query_vm: Constant<Bits<4>>,
    op_query_partition: Constant<Bits<4>>,
    op_set_qos: Constant<Bits<4>>,
    op_load: Constant<Bits<4>>,
    st_ok: Constant<Bits<4>>,
    st_bad_opcode: Constant<Bits<4>>,
    st_bad_arg: Constant<Bits<4>>,
    st_no_acc: Constant<Bits<4>>,
    st_no_free_vf: Constant<Bits<4>>,
    st_already_attached: Constant<Bits<4>>,
    st_not_attached: Constant<Bits<4>>,
    st_vm_full: Constant<Bits<4>>,
    st_partition_busy: Constant<Bits<4>>,
    s_idle: Constant<Bits<STATE_BITS>>,
    s_fetch: Constant<Bits<STATE_BITS>>,
    s_lookup: Constant<Bits<STATE_BITS>>,
    s_exec: Constant<Bits<STATE_BITS>>,
    s_flr_read: Constant<Bits<STATE_BITS>>,
    s_flr_look: Constant<Bits<STATE_BITS>>,
    s_flr_go: Constant<Bits<STATE_BITS>>,
    s_flr_wait: Constant<Bits<STATE_BITS>>,
    flr_quiet_last: Constant<Bits<FLR_QUIET_BITS>>,

    // FIFOs: block RAM and pointers.
    cmd_fifo: RAM<Bits<FIFO_ENTRY_BITS>, FIFO_AW>,
    cmd_wr: DFF<Bits<FIFO_AW>>,
    cmd_rd: DFF<Bits<FIFO_AW>>,
    cmd_count: DFF<Bits<FIFO_CW>>,
    resp_fifo: RAM<Bits<FIFO_ENTRY_BITS>, FIFO_AW>,
    resp_wr: DFF<Bits<FIFO_AW>>,
    resp_rd: DFF<Bits<FIFO_AW>>,
    resp_count: DFF<Bits<FIFO_CW>>,
    cmd_push: Signal<Local, Bit>,
    cmd_pop: Signal<Local, Bit>,
    resp_push: Signal<Local, Bit>,
    resp_pop: Signal<Local, Bit>,

    // Tables.
    vm_slots: Vec<RAM<Bits<SLOT_BITS>, VMW>>,
    /// The engine's copy holds what it reads: attached, partition, VM.
    vf_table: RAM<Bits<VF_WEIGHT_LSB>, FW>,
    vf_table_mon: RAM<Bits<VF_ENTRY_BITS>, FW>,
    free_list: RAM<Bits<FW>, FW>,
    free_wr: DFF<Bits<FW>>,
    free_rd: DFF<Bits<FW>>,
    free_count: DFF<Bits<FW>>,
    /// The tables' read data, registered in LOOKUP before EXEC's logic
    /// reads it (timing rules): the VM's slots, the VF's entry, the head of
    /// the free list.
    vm_q: Vec<DFF<Bits<SLOT_BITS>>>,
    vf_q: DFF<Bits<VF_WEIGHT_LSB>>,
    free_q: DFF<Bits<FW>>,
    part_acc: Vec<DFF<Bits<32>>>,
    part_owner: Vec<DFF<Bits<FW>>>,
    part_tenants: Vec<DFF<Bits<FW>>>,
    /// Accelerator the last LOAD of the partition asked for.
    part_req: Vec<DFF<Bits<32>>>,
    clear_busy: DFF<Bit>,
    clear_addr: DFF<Bits<CLEAR_BITS>>,

    // Engine.
    state: DFF<Bits<STATE_BITS>>,
    cmd_word: DFF<Bits<32>>,
    cmd_arg: DFF<Bits<32>>,
    commands: DFF<Bits<32>>,
    l_mask: DFF<Bits<MAX_PARTITIONS>>,
    l_found: DFF<Bit>,
    l_part: DFF<Bits<PW>>,
    x_op: Signal<Local, Bits<4>>,
    x_id: Signal<Local, Bits<20>>,
    x_vm_ok: Signal<Local, Bit>,
    x_go: Signal<Local, Bit>,
    x_hit: Signal<Local, Bit>,
    x_hit_slot: Signal<Local, Bits<2>>,
    x_hit_part: Signal<Local, Bits<PW>>,
    x_hit_vf: Signal<Local, Bits<FW>>,
    x_free_found: Signal<Local, Bit>,
    x_free_slot: Signal<Local, Bits<2>>,
    x_used: Signal<Local, Bits<3>>,
    x_slot_sel: Signal<Local, Bits<SLOT_BITS>>,
    x_new_vf: Signal<Local, Bits<FW>>,
    x_vf_entry: Signal<Local, Bits<VF_WEIGHT_LSB>>,
    x_vf_write: Signal<Local, Bits<VF_ENTRY_BITS>>,
    x_part_tenants: Signal<Local, Bits<FW>>,
    x_part_acc: Signal<Local, Bits<32>>,
    x_status: Signal<Local, Bits<4>>,
    x_result: Signal<Local, Bits<19>>,
    x_data: Signal<Local, Bits<32>>,
    x_attach: Signal<Local, Bit>,
    x_detach: Signal<Local, Bit>,
    x_set_qos: Signal<Local, Bit>,
    x_load: Signal<Local, Bit>,
    x_found: Signal<Local, Bit>,
    x_match: Signal<Local, Bits<MAX_PARTITIONS>>,
    x_first: Signal<Local, Bits<PW>>,

    // Output registers and slices (timing rules: every output port from a
    // register; `m_*_ready` only into registers).
    route_out: Skid<Bits<ROUTE_BITS>>,
    clear_out: Skid<Bits<FW>>,
    ev_valid: DFF<Bit>,
    ev_kind: DFF<Bits<2>>,
    ev_function: DFF<Bits<FW>>,
    ev_partition: DFF<Bits<PW>>,
    ev_weight: DFF<Bits<8>>,
    ev_slice: DFF<Bits<16>>,
    ld_valid: DFF<Bit>,
    ld_partition: DFF<Bits<PW>>,
    ld_acc_id: DFF<Bits<32>>,
    qos_valid: DFF<Bit>,
    qos_function: DFF<Bits<FW>>,
    qos_weight: DFF<Bits<8>>,
    fnctl_valid: DFF<Bit>,
    fnctl_function: DFF<Bits<FW>>,
    fnctl_enable: DFF<Bit>,
    x_room: Signal<Local, Bit>,
    o_route: Signal<Local, Bits<ROUTE_BITS>>,
    o_route_valid: Signal<Local, Bit>,
    o_clear_valid: Signal<Local, Bit>,
    o_clear_function: Signal<Local, Bits<FW>>,
    o_event: Signal<Local, Bit>,
    o_event_kind: Signal<Local, Bits<2>>,
    o_event_function: Signal<Local, Bits<FW>>,
    o_event_partition: Signal<Local, Bits<PW>>,
    o_event_weight: Signal<Local, Bits<8>>,
    o_event_slice: Signal<Local, Bits<16>>,
    o_qos_valid: Signal<Local, Bit>,
    o_qos_function: Signal<Local, Bits<FW>>,
    o_qos_weight: Signal<Local, Bits<8>>,
    o_fnctl_valid: Signal<Local, Bit>,
    o_fnctl_function: Signal<Local, Bits<FW>>,
    o_fnctl_enable: Signal<Local, Bit>,
    // Register bus: one request at a time, answered the next cycle.
    cmd_arg_reg: DFF<Bits<32>>,
    vf_sel: DFF<Bits<FW>>,
    resp_data: DFF<Bits<32>>,
    overflow: DFF<Bit>,
    rb_valid: DFF<Bit>,
    rb_error: DFF<Bit>,
    rb_rdata: DFF<Bits<32>>,
    rb_from_resp: DFF<Bit>,
    rb_from_vf_info: DFF<Bit>,
    rb_from_vf_qos: DFF<Bit>,
    r_take: Signal<Local, Bit>,
    r_hit: Signal<Local, Bit>,
    r_ro: Signal<Local, Bit>,
    r_data: Signal<Local, Bits<32>>,
    r_index: Signal<Local, Bits<PW>>,
    r_owner: Signal<Local, Bits<FW>>,
    r_ready: Signal<Local, Bit>,
    r_tenants: Signal<Local, Bits<FW>>,
    r_vf_entry: Signal<Local, Bits<VF_ENTRY_BITS>>,

    // Function-level reset (module doc).
    /// A request taken and not answered; taken and not started.
    flr_busy: DFF<Bit>,
    flr_pend: DFF<Bit>,
    flr_fn: DFF<Bits<FW>>,
    /// The function's VF-table entry (the monitoring copy: with weight and slice).
    flr_entry: DFF<Bits<VF_ENTRY_BITS>>,
    /// 0: quiesce and reset; 1: enable again (attached).
    flr_phase: DFF<Bit>,
    flr_quiet: DFF<Bits<FLR_QUIET_BITS>>,
    flr_done_v: DFF<Bit>,
    /// Host responses still to come before the function's last request (or,
    /// from the request on, before every request then outstanding) is answered.
    flr_rd_pend: DFF<Bits<HOST_OUT_BITS>>,
    flr_wr_pend: DFF<Bits<HOST_OUT_BITS>>,
    /// The observed host bus, registered: handshakes and functions.
    h_ar: DFF<Bit>,
    h_ar_fn: DFF<Bits<FW>>,
    h_r: DFF<Bit>,
    h_aw: DFF<Bit>,
    h_aw_fn: DFF<Bits<FW>>,
    h_b: DFF<Bit>,
    h_rd_out: DFF<Bits<HOST_OUT_BITS>>,
    h_wr_out: DFF<Bits<HOST_OUT_BITS>>,
    h_rd_next: Signal<Local, Bits<HOST_OUT_BITS>>,
    h_wr_next: Signal<Local, Bits<HOST_OUT_BITS>>,
    f_attached: Signal<Local, Bit>,
    f_owner: Signal<Local, Bit>,
    f_go: Signal<Local, Bit>,
    f_seen: Signal<Local, Bit>,
}

fn k<const N: usize>(v: u64) -> Constant<Bits<N>> {
    Constant::new(v.into())
}

impl<const VMW: usize> Mgr<VMW> {
    /// A manager for a configuration; `VMW` must be `p.vm_id_bits`.
    pub fn new(p: &MgrParams) -> Self {
        p.check();
        assert_eq!(VMW, p.vm_id_bits, "VM-ID width of the type and of the parameters differ");
        let clear_entries = (1usize << VMW).max(p.vfs + 1);
        Self {
            clk: Default::default(),
            rst: Default::default(),
            s_reg: Default::default(),
            m_route_valid: Default::default(),
            m_route_ready: Default::default(),
            m_route_function: Default::default(),
            m_route_partition: Default::default(),
            m_route_enable: Default::default(),
            s_owner_valid: Default::default(),
            s_owner_partition: Default::default(),
            s_owner_function: Default::default(),
            m_event_valid: Default::default(),
            m_event_ready: Default::default(),
            m_event_kind: Default::default(),
            m_event_function: Default::default(),
            m_event_partition: Default::default(),
            m_event_weight: Default::default(),
            m_event_slice: Default::default(),
            m_clear_valid: Default::default(),
            m_clear_ready: Default::default(),
            m_clear_function: Default::default(),
            ev_attach: Constant::new(vfpga_ev::EV_ATTACH.into()),
            ev_detach: Constant::new(vfpga_ev::EV_DETACH.into()),
            ev_qos: Constant::new(vfpga_ev::EV_QOS.into()),
            m_qos_valid: Default::default(),
            m_qos_function: Default::default(),
            m_qos_weight: Default::default(),
            m_fnctl_valid: Default::default(),
            m_fnctl_function: Default::default(),
            m_fnctl_enable: Default::default(),
            m_load_valid: Default::default(),
            m_load_ready: Default::default(),
            m_load_partition: Default::default(),
            m_load_acc_id: Default::default(),
            s_load_done_valid: Default::default(),
            s_load_done_partition: Default::default(),
            s_load_done_status: Default::default(),
            s_flr_valid: Default::default(),
            s_flr_ready: Default::default(),
            s_flr_function: Default::default(),
            m_flr_done_valid: Default::default(),
            m_flr_done_function: Default::default(),
            s_host_arvalid: Default::default(),
            s_host_arready: Default::default(),
            s_host_aruser: Default::default(),
            s_host_rvalid: Default::default(),
            s_host_rready: Default::default(),
            s_host_rlast: Default::default(),
            s_host_awvalid: Default::default(),
            s_host_awready: Default::default(),
            s_host_awuser: Default::default(),
            s_host_bvalid: Default::default(),
            s_host_bready: Default::default(),
            vfs: k(p.vfs as u64),
            last_partition: k(p.partitions as u64 - 1),
            vm_limit: k(1 << VMW),
            clear_last: k(clear_entries as u64 - 1),
            part_index: (0..p.partitions).map(|i| k(i as u64)).collect(),
            part_bit: (0..p.partitions).map(|i| k(1 << i)).collect(),
            part_acc_reset: p.partition_accels.iter().map(|&a| k(a as u64)).collect(),
            slot_index: (0..VM_SLOTS).map(|i| k(i as u64)).collect(),
            id_value: k(MGR_ID_VALUE as u64),
            caps_value: k(p.caps() as u64),
            depths_value: k((FIFO_DEPTH as u64) << 16 | FIFO_DEPTH as u64),
            fifo_depth: k(FIFO_DEPTH as u64),
            default_weight: k(DEFAULT_QOS_WEIGHT as u64),
            a_id: k(MGR_ID as u64),
            a_caps: k(MGR_CAPS as u64),
            a_depths: k(FIFO_DEPTHS as u64),
            a_status: k(STATUS as u64),
            a_errors: k(ERRORS as u64),
            a_free: k(FREE_VFS as u64),
            a_arg: k(CMD_ARG as u64),
            a_cmd: k(CMD as u64),
            a_resp: k(RESP as u64),
            a_resp_data: k(RESP_DATA as u64),
            a_vf_sel: k(VF_SEL as u64),
            a_vf_info: k(VF_INFO as u64),
            a_vf_qos: k(VF_QOS as u64),
            a_commands: k(COMMANDS as u64),
            a_part_acc_page: k((PART_ACC >> 8) as u64),
            a_part_status_page: k((PART_STATUS >> 8) as u64),
            op_attach: k(OP_ATTACH as u64),
            op_detach: k(OP_DETACH as u64),
            op_query_vm: k(OP_QUERY_VM as u64),
            op_query_partition: k(OP_QUERY_PARTITION as u64),
            op_set_qos: k(OP_SET_QOS as u64),
            op_load: k(OP_LOAD as u64),
            st_ok: k(ST_OK as u64),
            st_bad_opcode: k(ST_BAD_OPCODE as u64),
            st_bad_arg: k(ST_BAD_ARG as u64),
            st_no_acc: k(ST_NO_ACC as u64),
            st_no_free_vf: k(ST_NO_FREE_VF as u64),
            st_already_attached: k(ST_ALREADY_ATTACHED as u64),
            st_not_attached: k(ST_NOT_ATTACHED as u64),
            st_vm_full: k(ST_VM_FULL as u64),
            st_partition_busy: k(ST_PARTITION_BUSY as u64),
            s_idle: k(0),
            s_fetch: k(1),
            s_lookup: k(2),
            s_exec: k(3),
            s_flr_read: k(4),
            s_flr_look: k(5),
            s_flr_go: k(6),
            s_flr_wait: k(7),
            flr_quiet_last: k(FLR_QUIET_CYCLES as u64),
            cmd_fifo: Default::default(),
            cmd_wr: Default::default(),
            cmd_rd: Default::default(),
            cmd_count: Default::default(),
            resp_fifo: Default::default(),
            resp_wr: Default::default(),
            resp_rd: Default::default(),
            resp_count: Default::default(),
            cmd_push: Default::default(),
            cmd_pop: Default::default(),
            resp_push: Default::default(),
            resp_pop: Default::default(),
            vm_slots: (0..VM_SLOTS).map(|_| Default::default()).collect(),
            vf_table: Default::default(),
            vf_table_mon: Default::default(),
            free_list: Default::default(),
            free_wr: Default::default(),
            free_rd: Default::default(),
            free_count: Default::default(),
            vm_q: (0..VM_SLOTS).map(|_| Default::default()).collect(),
            vf_q: Default::default(),
            free_q: Default::default(),
            part_acc: (0..p.partitions).map(|_| Default::default()).collect(),
            part_owner: (0..p.partitions).map(|_| Default::default()).collect(),
            part_tenants: (0..p.partitions).map(|_| Default::default()).collect(),
            part_req: (0..p.partitions).map(|_| Default::default()).collect(),
            clear_busy: Default::default(),
            clear_addr: Default::default(),
            state: Default::default(),
            cmd_word: Default::default(),
            cmd_arg: Default::default(),
            commands: Default::default(),
            l_mask: Default::default(),
            l_found: Default::default(),
            l_part: Default::default(),
            x_op: Default::default(),
            x_id: Default::default(),
            x_vm_ok: Default::default(),
            x_go: Default::default(),
            x_hit: Default::default(),
            x_hit_slot: Default::default(),
            x_hit_part: Default::default(),
            x_hit_vf: Default::default(),
            x_free_found: Default::default(),
            x_free_slot: Default::default(),
            x_used: Default::default(),
            x_slot_sel: Default::default(),
            x_new_vf: Default::default(),
            x_vf_entry: Default::default(),
            x_vf_write: Default::default(),
            x_part_tenants: Default::default(),
            x_part_acc: Default::default(),
            x_status: Default::default(),
            x_result: Default::default(),
            x_data: Default::default(),
            x_attach: Default::default(),
            x_detach: Default::default(),
            x_set_qos: Default::default(),
            x_load: Default::default(),
            x_found: Default::default(),
            x_match: Default::default(),
            x_first: Default::default(),
            route_out: Default::default(),
            clear_out: Default::default(),
            ev_valid: Default::default(),
            ev_kind: Default::default(),
            ev_function: Default::default(),
            ev_partition: Default::default(),
            ev_weight: Default::default(),
            ev_slice: Default::default(),
            ld_valid: Default::default(),
            ld_partition: Default::default(),
            ld_acc_id: Default::default(),
            qos_valid: Default::default(),
            qos_function: Default::default(),
            qos_weight: Default::default(),
            fnctl_valid: Default::default(),
            fnctl_function: Default::default(),
            fnctl_enable: Default::default(),
            x_room: Default::default(),
            o_route: Default::default(),
            o_route_valid: Default::default(),
            o_clear_valid: Default::default(),
            o_clear_function: Default::default(),
            o_event: Default::default(),
            o_event_kind: Default::default(),
            o_event_function: Default::default(),
            o_event_partition: Default::default(),
            o_event_weight: Default::default(),
            o_event_slice: Default::default(),
            o_qos_valid: Default::default(),
            o_qos_function: Default::default(),
            o_qos_weight: Default::default(),
            o_fnctl_valid: Default::default(),
            o_fnctl_function: Default::default(),
            o_fnctl_enable: Default::default(),
            cmd_arg_reg: Default::default(),
            vf_sel: Default::default(),
            resp_data: Default::default(),
            overflow: Default::default(),
            rb_valid: Default::default(),
            rb_error: Default::default(),
            rb_rdata: Default::default(),
            rb_from_resp: Default::default(),
            rb_from_vf_info: Default::default(),
            rb_from_vf_qos: Default::default(),
            r_take: Default::default(),
            r_hit: Default::default(),
            r_ro: Default::default(),
            r_data: Default::default(),
            r_index: Default::default(),
            r_owner: Default::default(),
            r_ready: Default::default(),
            r_tenants: Default::default(),
            r_vf_entry: Default::default(),
            flr_busy: Default::default(),
            flr_pend: Default::default(),
            flr_fn: Default::default(),
            flr_entry: Default::default(),
            flr_phase: Default::default(),
            flr_quiet: Default::default(),
            flr_done_v: Default::default(),
            flr_rd_pend: Default::default(),
            flr_wr_pend: Default::default(),
            h_ar: Default::default(),
            h_ar_fn: Default::default(),
            h_r: Default::default(),
            h_aw: Default::default(),
            h_aw_fn: Default::default(),
            h_b: Default::default(),
            h_rd_out: Default::default(),
            h_wr_out: Default::default(),
            h_rd_next: Default::default(),
            h_wr_next: Default::default(),
            f_attached: Default::default(),
            f_owner: Default::default(),
            f_go: Default::default(),
            f_seen: Default::default(),
        }
    }
}

impl<const VMW: usize> Logic for Mgr<VMW> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clk, cmd_wr, cmd_rd, cmd_count, resp_wr, resp_rd, resp_count, free_wr, free_rd,
            free_count, clear_busy, clear_addr, state, cmd_word, cmd_arg, commands, l_mask,
            l_found, l_part, cmd_arg_reg, vf_sel, resp_data, overflow, rb_valid, rb_error,
            rb_rdata, rb_from_resp, rb_from_vf_info, rb_from_vf_qos, ev_valid, ev_kind, ev_function,
            ev_partition, ev_weight, ev_slice, ld_valid, ld_partition, ld_acc_id, qos_valid, qos_function,
            qos_weight, fnctl_valid, fnctl_function, fnctl_enable, vf_q, free_q, flr_busy, flr_pend, flr_fn,
            flr_entry, flr_phase, flr_quiet, flr_done_v, flr_rd_pend, flr_wr_pend, h_ar, h_ar_fn,
            h_r, h_aw, h_aw_fn, h_b, h_rd_out, h_wr_out
        );
        for i in 0..self.part_acc.len() {
            self.part_acc[i].clock.next = self.clk.val();
            self.part_acc[i].d.next = self.part_acc[i].q.val();
            self.part_owner[i].clock.next = self.clk.val();
            self.part_owner[i].d.next = self.part_owner[i].q.val();
            self.part_tenants[i].clock.next = self.clk.val();
            self.part_tenants[i].d.next = self.part_tenants[i].q.val();
            self.part_req[i].clock.next = self.clk.val();
            self.part_req[i].d.next = self.part_req[i].q.val();
        }
        self.cmd_fifo.read_clock.next = self.clk.val();
        self.cmd_fifo.write_clock.next = self.clk.val();
        self.resp_fifo.read_clock.next = self.clk.val();
        self.resp_fifo.write_clock.next = self.clk.val();
        self.vf_table.read_clock.next = self.clk.val();
        self.vf_table.write_clock.next = self.clk.val();
        self.vf_table_mon.read_clock.next = self.clk.val();
        self.vf_table_mon.write_clock.next = self.clk.val();
        self.free_list.read_clock.next = self.clk.val();
        self.free_list.write_clock.next = self.clk.val();
        for i in 0..self.vm_slots.len() {
            self.vm_slots[i].read_clock.next = self.clk.val();
            self.vm_slots[i].write_clock.next = self.clk.val();
            self.vm_q[i].clock.next = self.clk.val();
            self.vm_q[i].d.next = self.vm_q[i].q.val();
            // The engine reads the entry of the command's VM in FETCH, with
            // the ID straight from the command FIFO's read port (the command
            // being fetched; a RAM address, no logic), and registers it in
            // LOOKUP. The previous command's writes (its EXEC) have landed.
            self.vm_slots[i].read_address.next = bit_cast::<VMW, 20>(self.cmd_fifo.read_data.val().get_bits::<20>(12));
            self.vm_slots[i].write_address.next = bit_cast::<VMW, CLEAR_BITS>(self.clear_addr.q.val());
            self.vm_slots[i].write_data.next = 0.into();
            self.vm_slots[i].write_enable.next = self.clear_busy.q.val();
        }

        // ---- Defaults of the table write ports: the post-reset clear.
        self.vf_table.read_address.next = bit_cast::<FW, 20>(self.cmd_fifo.read_data.val().get_bits::<20>(12));
        self.vf_table.write_address.next = bit_cast::<FW, CLEAR_BITS>(self.clear_addr.q.val());
        self.x_vf_write.next = 0.into();
        self.vf_table.write_enable.next = self.clear_busy.q.val();
        self.vf_table_mon.read_address.next = self.vf_sel.q.val();
        self.free_list.read_address.next = self.free_rd.q.val();
        self.free_list.write_address.next = bit_cast::<FW, CLEAR_BITS>(self.clear_addr.q.val());
        self.free_list.write_data.next = bit_cast::<FW, CLEAR_BITS>(self.clear_addr.q.val() + 1);
        self.free_list.write_enable.next =
            self.clear_busy.q.val() & (self.clear_addr.q.val() < bit_cast::<CLEAR_BITS, FW>(self.vfs.val()));
        if self.clear_busy.q.val() {
            self.clear_addr.d.next = self.clear_addr.q.val() + 1;
            if self.clear_addr.q.val() == self.clear_last.val() {
                self.clear_busy.d.next = false;
            }
        }

        // ---- Owners, from the scheduler.
        for i in 0..self.part_owner.len() {
            if self.s_owner_valid.val() & (self.s_owner_partition.val() == self.part_index[i].val()) {
                self.part_owner[i].d.next = self.s_owner_function.val();
            }
        }
        // ---- End of a LOAD: the partition holds what was asked for, or
        // stays empty. (EXEC below is later in this block: its writes win.)
        if self.s_load_done_valid.val() & !self.s_load_done_status.val().any() {
            for i in 0..self.part_acc.len() {
                if self.s_load_done_partition.val() == self.part_index[i].val() {
                    self.part_acc[i].d.next = self.part_req[i].q.val();
                }
            }
        }

        // ---- Engine.
        self.cmd_fifo.read_address.next = self.cmd_rd.q.val();
        self.resp_fifo.write_address.next = self.resp_wr.q.val();
        self.resp_fifo.write_data.next = 0.into();
        self.resp_push.next = false;
        self.cmd_pop.next = false;
        self.x_op.next = self.cmd_word.q.val().get_bits::<4>(0);
        self.x_id.next = self.cmd_word.q.val().get_bits::<20>(12);
        self.x_vm_ok.next = self.x_id.val() < self.vm_limit.val();
        // LOOKUP: which partitions hold the accelerator (ID 0 is none), and the first.
        self.x_match.next = 0.into();
        self.x_found.next = false;
        self.x_first.next = 0.into();
        for i in 0..self.part_acc.len() {
            if (self.part_acc[i].q.val() == self.cmd_arg.q.val()) & self.cmd_arg.q.val().any() {
                self.x_match.next = self.x_match.val() | self.part_bit[i].val();
                if !self.x_found.val() {
                    self.x_first.next = self.part_index[i].val();
                }
                self.x_found.next = true;
            }
        }
        self.l_mask.d.next = self.x_match.val();
        self.l_found.d.next = self.x_found.val();
        self.l_part.d.next = self.x_first.val();
        // EXEC: the VM's slots (RAM outputs): the one on a partition holding
        // the accelerator, the first free one, how many are used, the one
        // QUERY_VM selects.
        self.x_hit.next = false;
        self.x_hit_slot.next = 0.into();
        self.x_hit_part.next = 0.into();
        self.x_hit_vf.next = 0.into();
        self.x_free_found.next = false;
        self.x_free_slot.next = 0.into();
        self.x_used.next = 0.into();
        self.x_slot_sel.next = 0.into();
        for i in 0..self.vm_slots.len() {
            if self.vm_q[i].q.val().get_bit(0) {
                self.x_used.next = self.x_used.val() + 1;
                if self.l_mask.q.val().get_bit(self.vm_q[i].q.val().get_bits::<PW>(1).index()) {
                    self.x_hit.next = true;
                    self.x_hit_slot.next = self.slot_index[i].val();
                    self.x_hit_part.next = self.vm_q[i].q.val().get_bits::<PW>(1);
                    self.x_hit_vf.next = self.vm_q[i].q.val().get_bits::<FW>(7);
                }
            } else if !self.x_free_found.val() {
                self.x_free_found.next = true;
                self.x_free_slot.next = self.slot_index[i].val();
            }
            if self.cmd_arg.q.val().get_bits::<2>(0) == self.slot_index[i].val() {
                self.x_slot_sel.next = self.vm_q[i].q.val();
            }
        }
        self.x_part_tenants.next = 0.into();
        self.x_part_acc.next = 0.into();
        for i in 0..self.part_acc.len() {
            // Used only when the ID is in range: its low bits suffice.
            if self.x_id.val().get_bits::<PW>(0) == self.part_index[i].val() {
                self.x_part_tenants.next = self.part_tenants[i].q.val();
                self.x_part_acc.next = self.part_acc[i].q.val();
            }
        }
        self.x_new_vf.next = self.free_q.q.val();
        self.x_vf_entry.next = self.vf_q.q.val();

        // Decision, in the documented order of the checks.
        self.x_attach.next = false;
        self.x_detach.next = false;
        self.x_set_qos.next = false;
        self.x_load.next = false;
        self.x_status.next = self.st_ok.val();
        self.x_result.next = 0.into();
        self.x_data.next = 0.into();
        if self.x_op.val() == self.op_attach.val() {
            if !self.x_vm_ok.val() | !self.cmd_arg.q.val().any() {
                self.x_status.next = self.st_bad_arg.val();
            } else if !self.l_found.q.val() {
                self.x_status.next = self.st_no_acc.val();
            } else if self.x_hit.val() {
                self.x_status.next = self.st_already_attached.val();
            } else if !self.x_free_found.val() {
                self.x_status.next = self.st_vm_full.val();
            } else if !self.free_count.q.val().any() {
                self.x_status.next = self.st_no_free_vf.val();
            } else {
                self.x_attach.next = true;
                self.x_result.next = bit_cast::<19, FW>(self.x_new_vf.val())
                    | (bit_cast::<19, PW>(self.l_part.q.val()) << 11);
            }
        } else if self.x_op.val() == self.op_detach.val() {
            if !self.x_vm_ok.val() | !self.cmd_arg.q.val().any() {
                self.x_status.next = self.st_bad_arg.val();
            } else if !self.l_found.q.val() {
                self.x_status.next = self.st_no_acc.val();
            } else if !self.x_hit.val() {
                self.x_status.next = self.st_not_attached.val();
            } else {
                self.x_detach.next = true;
                self.x_result.next = bit_cast::<19, FW>(self.x_hit_vf.val())
                    | (bit_cast::<19, PW>(self.x_hit_part.val()) << 11);
            }
        } else if self.x_op.val() == self.op_query_vm.val() {
            if !self.x_vm_ok.val() | self.cmd_arg.q.val().get_bits::<30>(2).any() {
                self.x_status.next = self.st_bad_arg.val();
            } else {
                self.x_result.next = bit_cast::<19, 3>(self.x_used.val());
                self.x_data.next = bit_cast::<32, SLOT_BITS>(self.x_slot_sel.val());
            }
        } else if self.x_op.val() == self.op_query_partition.val() {
            if self.x_id.val() > self.last_partition.val() {
                self.x_status.next = self.st_bad_arg.val();
            } else {
                self.x_result.next = bit_cast::<19, FW>(self.x_part_tenants.val());
                self.x_data.next = self.x_part_acc.val();
            }
        } else if self.x_op.val() == self.op_set_qos.val() {
            if !self.x_id.val().any()
                | (self.x_id.val() > bit_cast::<20, FW>(self.vfs.val()))
                | !self.cmd_arg.q.val().get_bits::<8>(0).any()
                | self.cmd_arg.q.val().get_bits::<8>(24).any()
            {
                self.x_status.next = self.st_bad_arg.val();
            } else if !self.x_vf_entry.val().get_bit(0) {
                self.x_status.next = self.st_not_attached.val();
            } else {
                self.x_set_qos.next = true;
            }
        } else if self.x_op.val() == self.op_load.val() {
            if (self.x_id.val() > self.last_partition.val()) | !self.cmd_arg.q.val().any() {
                self.x_status.next = self.st_bad_arg.val();
            } else if self.x_part_tenants.val().any() {
                self.x_status.next = self.st_partition_busy.val();
            } else {
                self.x_load.next = true;
                self.x_result.next = bit_cast::<19, PW>(self.x_id.val().get_bits::<PW>(0));
            }
        } else {
            self.x_status.next = self.st_bad_opcode.val();
        }

        // What the command sends once it goes (every output port is driven
        // from a register or a register slice; see the module doc).
        self.o_route.next = 0.into();
        self.o_route_valid.next = false;
        self.o_clear_valid.next = false;
        self.o_clear_function.next = 0.into();
        self.o_event.next = false;
        self.o_event_kind.next = 0.into();
        self.o_event_function.next = 0.into();
        self.o_event_partition.next = 0.into();
        self.o_event_weight.next = 0.into();
        self.o_event_slice.next = 0.into();
        self.o_qos_valid.next = false;
        self.o_qos_function.next = 0.into();
        self.o_qos_weight.next = 0.into();
        self.o_fnctl_valid.next = false;
        self.o_fnctl_function.next = 0.into();
        self.o_fnctl_enable.next = false;
        if self.x_attach.val() {
            // Route bits: enable [17], partition [16:11], function [10:0].
            self.o_route_valid.next = true;
            self.o_route.next = (bit_cast::<ROUTE_BITS, PW>(self.l_part.q.val()) << 11)
                | bit_cast::<ROUTE_BITS, FW>(self.x_new_vf.val())
                | (1 << 17);
            self.o_fnctl_valid.next = true;
            self.o_fnctl_function.next = self.x_new_vf.val();
            self.o_fnctl_enable.next = true;
            self.o_qos_valid.next = true;
            self.o_qos_function.next = self.x_new_vf.val();
            self.o_qos_weight.next = self.default_weight.val();
            self.o_event.next = true;
            self.o_event_kind.next = self.ev_attach.val();
            self.o_event_function.next = self.x_new_vf.val();
            self.o_event_partition.next = self.l_part.q.val();
            self.o_event_weight.next = self.default_weight.val();
            self.o_clear_valid.next = true;
            self.o_clear_function.next = self.x_new_vf.val();
        }
        if self.x_detach.val() {
            self.o_route_valid.next = true;
            self.o_route.next = (bit_cast::<ROUTE_BITS, PW>(self.x_hit_part.val()) << 11)
                | bit_cast::<ROUTE_BITS, FW>(self.x_hit_vf.val());
            self.o_fnctl_valid.next = true;
            self.o_fnctl_function.next = self.x_hit_vf.val();
            self.o_fnctl_enable.next = false;
            self.o_event.next = true;
            self.o_event_kind.next = self.ev_detach.val();
            self.o_event_function.next = self.x_hit_vf.val();
            self.o_event_partition.next = self.x_hit_part.val();
        }
        if self.x_set_qos.val() {
            self.o_qos_valid.next = true;
            self.o_qos_function.next = bit_cast::<FW, 20>(self.x_id.val());
            self.o_qos_weight.next = self.cmd_arg.q.val().get_bits::<8>(0);
            self.o_event.next = true;
            self.o_event_kind.next = self.ev_qos.val();
            self.o_event_function.next = bit_cast::<FW, 20>(self.x_id.val());
            self.o_event_partition.next = self.x_vf_entry.val().get_bits::<PW>(1);
            self.o_event_weight.next = self.cmd_arg.q.val().get_bits::<8>(0);
            self.o_event_slice.next = self.cmd_arg.q.val().get_bits::<16>(8);
        }

        // EXEC completes when the response has room and the route and clear
        // slices have room (registered conditions, which only become true
        // while EXEC waits); a command with a scheduler event first presents
        // it and completes in the cycle the scheduler takes it (the scheduler
        // is between turn changes then), and a LOAD is presented to the prc,
        // once the scheduler was seen between turn changes, and completes in
        // the cycle the prc takes it. So the DMA's function enable never
        // overtakes the scheduler's gate close, and a LOAD never overtakes
        // the save of a leaving owner's context.
        self.x_room.next = (self.state.q.val() == self.s_exec.val())
            & (self.resp_count.q.val() != self.fifo_depth.val())
            & self.route_out.s_ready.val()
            & self.clear_out.s_ready.val();
        self.x_go.next = self.x_room.val();
        if self.o_event.val() {
            self.x_go.next = self.x_room.val() & self.ev_valid.q.val() & self.m_event_ready.val();
        }
        if self.x_load.val() {
            self.x_go.next = self.x_room.val() & self.ld_valid.q.val() & self.m_load_ready.val();
        }
        if self.x_room.val() & self.o_event.val() & !self.ev_valid.q.val() {
            self.ev_valid.d.next = true;
            self.ev_kind.d.next = self.o_event_kind.val();
            self.ev_function.d.next = self.o_event_function.val();
            self.ev_partition.d.next = self.o_event_partition.val();
            self.ev_weight.d.next = self.o_event_weight.val();
            self.ev_slice.d.next = self.o_event_slice.val();
        }
        if self.ev_valid.q.val() & self.m_event_ready.val() {
            self.ev_valid.d.next = false;
        }
        if self.x_room.val() & self.x_load.val() & !self.ld_valid.q.val() & self.m_event_ready.val() {
            self.ld_valid.d.next = true;
            self.ld_partition.d.next = self.x_id.val().get_bits::<PW>(0);
            self.ld_acc_id.d.next = self.cmd_arg.q.val();
        }
        if self.ld_valid.q.val() & self.m_load_ready.val() {
            self.ld_valid.d.next = false;
        }
        self.m_event_valid.next = self.ev_valid.q.val();
        self.m_event_kind.next = self.ev_kind.q.val();
        self.m_event_function.next = self.ev_function.q.val();
        self.m_event_partition.next = self.ev_partition.q.val();
        self.m_event_weight.next = self.ev_weight.q.val();
        self.m_event_slice.next = self.ev_slice.q.val();
        self.m_load_valid.next = self.ld_valid.q.val();
        self.m_load_partition.next = self.ld_partition.q.val();
        self.m_load_acc_id.next = self.ld_acc_id.q.val();
        // Route writes and clears through register slices; QoS and function
        // enables are one-cycle pulses from registers.
        self.route_out.clk.next = self.clk.val();
        self.route_out.rst.next = self.rst.val();
        self.route_out.s_valid.next = self.x_go.val() & self.o_route_valid.val();
        self.route_out.s_data.next = self.o_route.val();
        self.route_out.m_ready.next = self.m_route_ready.val();
        self.m_route_valid.next = self.route_out.m_valid.val();
        self.m_route_function.next = self.route_out.m_data.val().get_bits::<FW>(0);
        self.m_route_partition.next = self.route_out.m_data.val().get_bits::<PW>(11);
        self.m_route_enable.next = self.route_out.m_data.val().get_bit(17);
        self.clear_out.clk.next = self.clk.val();
        self.clear_out.rst.next = self.rst.val();
        self.clear_out.s_valid.next = self.x_go.val() & self.o_clear_valid.val();
        self.clear_out.s_data.next = self.o_clear_function.val();
        self.clear_out.m_ready.next = self.m_clear_ready.val();
        self.m_clear_valid.next = self.clear_out.m_valid.val();
        self.m_clear_function.next = self.clear_out.m_data.val();
        self.qos_valid.d.next = self.x_go.val() & self.o_qos_valid.val();
        self.qos_function.d.next = self.o_qos_function.val();
        self.qos_weight.d.next = self.o_qos_weight.val();
        self.fnctl_valid.d.next = self.x_go.val() & self.o_fnctl_valid.val();
        self.fnctl_function.d.next = self.o_fnctl_function.val();
        self.fnctl_enable.d.next = self.o_fnctl_enable.val();
        self.m_qos_valid.next = self.qos_valid.q.val();
        self.m_qos_function.next = self.qos_function.q.val();
        self.m_qos_weight.next = self.qos_weight.q.val();
        self.m_fnctl_valid.next = self.fnctl_valid.q.val();
        self.m_fnctl_function.next = self.fnctl_function.q.val();
        self.m_fnctl_enable.next = self.fnctl_enable.q.val();
        if self.x_go.val() {
            self.resp_push.next = true;
            self.resp_fifo.write_data.next = (bit_cast::<FIFO_ENTRY_BITS, 32>(self.x_data.val()) << 32)
                | bit_cast::<FIFO_ENTRY_BITS, 8>(self.cmd_word.q.val().get_bits::<8>(4))
                | (bit_cast::<FIFO_ENTRY_BITS, 4>(self.x_status.val()) << 8)
                | (bit_cast::<FIFO_ENTRY_BITS, 19>(self.x_result.val()) << 12);
            self.commands.d.next = self.commands.q.val() + 1;
            if self.x_attach.val() {
                self.free_rd.d.next = self.free_rd.q.val() + 1;
                self.free_count.d.next = self.free_count.q.val() - 1;
                for i in 0..self.vm_slots.len() {
                    if self.x_free_slot.val() == self.slot_index[i].val() {
                        self.vm_slots[i].write_address.next = bit_cast::<VMW, 20>(self.x_id.val());
                        self.vm_slots[i].write_data.next = (bit_cast::<SLOT_BITS, FW>(self.x_new_vf.val()) << 7)
                            | (bit_cast::<SLOT_BITS, PW>(self.l_part.q.val()) << 1)
                            | 1;
                        self.vm_slots[i].write_enable.next = true;
                    }
                }
                self.vf_table.write_address.next = self.x_new_vf.val();
                self.x_vf_write.next = (bit_cast::<VF_ENTRY_BITS, 8>(self.default_weight.val()) << 23)
                    | (bit_cast::<VF_ENTRY_BITS, 20>(self.x_id.val()) << 7)
                    | (bit_cast::<VF_ENTRY_BITS, PW>(self.l_part.q.val()) << 1)
                    | 1;
                self.vf_table.write_enable.next = true;
                for i in 0..self.part_acc.len() {
                    if self.l_part.q.val() == self.part_index[i].val() {
                        self.part_tenants[i].d.next = self.part_tenants[i].q.val() + 1;
                    }
                }
            }
            if self.x_detach.val() {
                self.free_list.write_address.next = self.free_wr.q.val();
                self.free_list.write_data.next = self.x_hit_vf.val();
                self.free_list.write_enable.next = true;
                self.free_wr.d.next = self.free_wr.q.val() + 1;
                self.free_count.d.next = self.free_count.q.val() + 1;
                for i in 0..self.vm_slots.len() {
                    if self.x_hit_slot.val() == self.slot_index[i].val() {
                        self.vm_slots[i].write_address.next = bit_cast::<VMW, 20>(self.x_id.val());
                        self.vm_slots[i].write_data.next = 0.into();
                        self.vm_slots[i].write_enable.next = true;
                    }
                }
                self.vf_table.write_address.next = self.x_hit_vf.val();
                self.x_vf_write.next = 0.into();
                self.vf_table.write_enable.next = true;
                for i in 0..self.part_acc.len() {
                    if self.x_hit_part.val() == self.part_index[i].val() {
                        self.part_tenants[i].d.next = self.part_tenants[i].q.val() - 1;
                    }
                }
            }
            if self.x_load.val() {
                for i in 0..self.part_acc.len() {
                    if self.x_id.val().get_bits::<PW>(0) == self.part_index[i].val() {
                        self.part_acc[i].d.next = 0.into();
                        self.part_req[i].d.next = self.cmd_arg.q.val();
                    }
                }
            }
            if self.x_set_qos.val() {
                self.vf_table.write_address.next = bit_cast::<FW, 20>(self.x_id.val());
                self.x_vf_write.next = (bit_cast::<VF_ENTRY_BITS, 24>(self.cmd_arg.q.val().get_bits::<24>(0)) << 23)
                    | bit_cast::<VF_ENTRY_BITS, VF_WEIGHT_LSB>(self.x_vf_entry.val());
                self.vf_table.write_enable.next = true;
            }
        }
        // The monitoring copy of the VF table takes every write.
        self.vf_table_mon.write_address.next = self.vf_table.write_address.val();
        self.vf_table.write_data.next = self.x_vf_write.val().get_bits::<VF_WEIGHT_LSB>(0);
        self.vf_table_mon.write_data.next = self.x_vf_write.val();
        self.vf_table_mon.write_enable.next = self.vf_table.write_enable.val();

        // Next command: popped in IDLE, or in the EXEC that completes.
        // A function-level reset waiting goes first (module doc).
        if (self.state.q.val() == self.s_idle.val()) | self.x_go.val() {
            if self.flr_pend.q.val() & !self.clear_busy.q.val() {
                self.flr_pend.d.next = false;
                self.state.d.next = self.s_flr_read.val();
            } else if self.cmd_count.q.val().any() & !self.clear_busy.q.val() {
                self.cmd_pop.next = true;
                self.state.d.next = self.s_fetch.val();
            } else {
                self.state.d.next = self.s_idle.val();
            }
        }
        if self.state.q.val() == self.s_fetch.val() {
            self.cmd_word.d.next = self.cmd_fifo.read_data.val().get_bits::<32>(0);
            self.cmd_arg.d.next = self.cmd_fifo.read_data.val().get_bits::<32>(32);
            self.state.d.next = self.s_lookup.val();
        }
        if self.state.q.val() == self.s_lookup.val() {
            // The tables' answers to FETCH's reads, into registers.
            for i in 0..self.vm_slots.len() {
                self.vm_q[i].d.next = self.vm_slots[i].read_data.val();
            }
            self.vf_q.d.next = self.vf_table.read_data.val();
            self.free_q.d.next = self.free_list.read_data.val();
            self.state.d.next = self.s_exec.val();
        }

        // ---- Register bus. A request is answered the next cycle; the next
        // one is taken after that.
        self.s_reg.req_ready.next = !self.rb_valid.q.val();
        self.r_take.next = self.s_reg.req_valid.val() & !self.rb_valid.q.val();
        self.rb_valid.d.next = self.r_take.val();
        self.rb_from_resp.d.next = false;
        self.rb_from_vf_info.d.next = false;
        self.rb_from_vf_qos.d.next = false;
        self.cmd_push.next = false;
        self.resp_pop.next = false;
        self.cmd_fifo.write_address.next = self.cmd_wr.q.val();
        self.cmd_fifo.write_data.next = (bit_cast::<FIFO_ENTRY_BITS, 32>(self.cmd_arg_reg.q.val()) << 32)
            | bit_cast::<FIFO_ENTRY_BITS, 32>(self.s_reg.req_wdata.val());
        self.cmd_fifo.write_enable.next = false;
        // Read data and whether the offset is mapped (r_hit) and read-only (r_ro).
        self.r_hit.next = true;
        self.r_ro.next = true;
        self.r_data.next = 0.into();
        self.r_index.next = self.s_reg.req_addr.val().get_bits::<PW>(2);
        self.r_owner.next = 0.into();
        self.r_ready.next = false;
        self.r_tenants.next = 0.into();
        self.r_vf_entry.next = self.vf_table_mon.read_data.val();
        if self.s_reg.req_addr.val() == self.a_id.val() {
            self.r_data.next = self.id_value.val();
        } else if self.s_reg.req_addr.val() == self.a_caps.val() {
            self.r_data.next = self.caps_value.val();
        } else if self.s_reg.req_addr.val() == self.a_depths.val() {
            self.r_data.next = self.depths_value.val();
        } else if self.s_reg.req_addr.val() == self.a_status.val() {
            // Not negated inside the 32-bit expression: Verilog would widen, then invert.
            self.r_ready.next = !self.clear_busy.q.val();
            self.r_data.next = bit_cast::<32, FIFO_CW>(self.cmd_count.q.val())
                | (bit_cast::<32, FIFO_CW>(self.resp_count.q.val()) << 8)
                | (bit_cast::<32, 1>((self.cmd_count.q.val() == self.fifo_depth.val()).into()) << 16)
                | (bit_cast::<32, 1>((self.resp_count.q.val() == self.fifo_depth.val()).into()) << 17)
                | (bit_cast::<32, 1>(self.r_ready.val().into()) << 18)
                | (bit_cast::<32, 1>((self.state.q.val() != self.s_idle.val()).into()) << 19);
        } else if self.s_reg.req_addr.val() == self.a_errors.val() {
            self.r_ro.next = false;
            self.r_data.next = bit_cast::<32, 1>(self.overflow.q.val().into());
        } else if self.s_reg.req_addr.val() == self.a_free.val() {
            self.r_data.next = bit_cast::<32, FW>(self.free_count.q.val());
        } else if self.s_reg.req_addr.val() == self.a_arg.val() {
            self.r_ro.next = false;
            self.r_data.next = self.cmd_arg_reg.q.val();
        } else if self.s_reg.req_addr.val() == self.a_cmd.val() {
            self.r_ro.next = false;
        } else if (self.s_reg.req_addr.val() == self.a_resp.val())
            | (self.s_reg.req_addr.val() == self.a_vf_info.val())
            | (self.s_reg.req_addr.val() == self.a_vf_qos.val())
        {
            // Read-only, answered from a RAM output below.
            self.r_ro.next = true;
        } else if self.s_reg.req_addr.val() == self.a_resp_data.val() {
            self.r_data.next = self.resp_data.q.val();
        } else if self.s_reg.req_addr.val() == self.a_vf_sel.val() {
            self.r_ro.next = false;
            self.r_data.next = bit_cast::<32, FW>(self.vf_sel.q.val());
        } else if self.s_reg.req_addr.val() == self.a_commands.val() {
            self.r_data.next = self.commands.q.val();
        } else if self.s_reg.req_addr.val().get_bits::<4>(8) == self.a_part_acc_page.val() {
            self.r_hit.next = false;
            for i in 0..self.part_acc.len() {
                if self.r_index.val() == self.part_index[i].val() {
                    self.r_hit.next = true;
                    self.r_data.next = self.part_acc[i].q.val();
                }
            }
        } else if self.s_reg.req_addr.val().get_bits::<4>(8) == self.a_part_status_page.val() {
            self.r_hit.next = false;
            for i in 0..self.part_acc.len() {
                if self.r_index.val() == self.part_index[i].val() {
                    self.r_hit.next = true;
                    self.r_owner.next = self.part_owner[i].q.val();
                    self.r_tenants.next = self.part_tenants[i].q.val();
                }
            }
            self.r_data.next = bit_cast::<32, FW>(self.r_owner.val()) | (bit_cast::<32, FW>(self.r_tenants.val()) << 11);
        } else {
            self.r_hit.next = false;
        }
        // Refused: another function, an unmapped offset, a write to a
        // read-only register, a partial write, a push into a full FIFO.
        self.rb_error.d.next = false;
        self.rb_rdata.d.next = 0.into();
        if self.r_take.val() {
            if (self.s_reg.req_function.val().any())
                | (self.s_reg.req_addr.val().get_bits::<2>(0).any())
                | !self.r_hit.val()
                | (self.s_reg.req_write.val() & (self.r_ro.val() | !self.s_reg.req_wstrb.val().all()))
            {
                self.rb_error.d.next = true;
            } else if self.s_reg.req_write.val() {
                if self.s_reg.req_addr.val() == self.a_arg.val() {
                    self.cmd_arg_reg.d.next = self.s_reg.req_wdata.val();
                } else if self.s_reg.req_addr.val() == self.a_vf_sel.val() {
                    self.vf_sel.d.next = self.s_reg.req_wdata.val().get_bits::<FW>(0);
                } else if self.s_reg.req_addr.val() == self.a_errors.val() {
                    if self.s_reg.req_wdata.val().get_bit(0) {
                        self.overflow.d.next = false;
                    }
                } else if self.s_reg.req_addr.val() == self.a_cmd.val() {
                    if self.cmd_count.q.val() == self.fifo_depth.val() {
                        self.rb_error.d.next = true;
                        self.overflow.d.next = true;
                    } else {
                        self.cmd_push.next = true;
                        self.cmd_fifo.write_enable.next = true;
                    }
                }
            } else {
                self.rb_rdata.d.next = self.r_data.val();
                if self.s_reg.req_addr.val() == self.a_resp.val() {
                    self.rb_from_resp.d.next = self.resp_count.q.val().any();
                    self.resp_pop.next = self.resp_count.q.val().any();
                }
                self.rb_from_vf_info.d.next = self.s_reg.req_addr.val() == self.a_vf_info.val();
                self.rb_from_vf_qos.d.next = self.s_reg.req_addr.val() == self.a_vf_qos.val();
            }
        }
        self.s_reg.resp_valid.next = self.rb_valid.q.val();
        self.s_reg.resp_error.next = self.rb_error.q.val();
        self.s_reg.resp_rdata.next = self.rb_rdata.q.val();
        self.resp_fifo.read_address.next = self.resp_rd.q.val();
        if self.rb_from_resp.q.val() {
            // The FIFO's RAM output is the entry popped by this read.
            self.s_reg.resp_rdata.next = self.resp_fifo.read_data.val().get_bits::<32>(0) | (1 << 31);
            self.resp_data.d.next = self.resp_fifo.read_data.val().get_bits::<32>(32);
        }
        if self.rb_from_vf_info.q.val() {
            self.s_reg.resp_rdata.next = bit_cast::<32, VF_WEIGHT_LSB>(self.r_vf_entry.val().get_bits::<VF_WEIGHT_LSB>(0));
        }
        if self.rb_from_vf_qos.q.val() {
            self.s_reg.resp_rdata.next = bit_cast::<32, 24>(self.r_vf_entry.val().get_bits::<24>(23));
        }

        // ---- FIFO pointers and levels.
        if self.cmd_push.val() {
            self.cmd_wr.d.next = self.cmd_wr.q.val() + 1;
        }
        if self.cmd_pop.val() {
            self.cmd_rd.d.next = self.cmd_rd.q.val() + 1;
        }
        if self.cmd_push.val() & !self.cmd_pop.val() {
            self.cmd_count.d.next = self.cmd_count.q.val() + 1;
        } else if !self.cmd_push.val() & self.cmd_pop.val() {
            self.cmd_count.d.next = self.cmd_count.q.val() - 1;
        }
        self.resp_fifo.write_enable.next = self.resp_push.val();
        if self.resp_push.val() {
            self.resp_wr.d.next = self.resp_wr.q.val() + 1;
        }
        if self.resp_pop.val() {
            self.resp_rd.d.next = self.resp_rd.q.val() + 1;
        }
        if self.resp_push.val() & !self.resp_pop.val() {
            self.resp_count.d.next = self.resp_count.q.val() + 1;
        } else if !self.resp_push.val() & self.resp_pop.val() {
            self.resp_count.d.next = self.resp_count.q.val() - 1;
        }

        // ---- Function-level reset (module doc). The host bus, observed:
        // every input into registers first.
        self.h_ar.d.next = self.s_host_arvalid.val() & self.s_host_arready.val();
        self.h_ar_fn.d.next = self.s_host_aruser.val();
        self.h_r.d.next = self.s_host_rvalid.val() & self.s_host_rready.val() & self.s_host_rlast.val();
        self.h_aw.d.next = self.s_host_awvalid.val() & self.s_host_awready.val();
        self.h_aw_fn.d.next = self.s_host_awuser.val();
        self.h_b.d.next = self.s_host_bvalid.val() & self.s_host_bready.val();
        // Requests outstanding after this cycle (responses come in order: no IDs).
        self.h_rd_next.next = self.h_rd_out.q.val() + bit_cast::<HOST_OUT_BITS, 1>(self.h_ar.q.val().into())
            - bit_cast::<HOST_OUT_BITS, 1>(self.h_r.q.val().into());
        self.h_wr_next.next = self.h_wr_out.q.val() + bit_cast::<HOST_OUT_BITS, 1>(self.h_aw.q.val().into())
            - bit_cast::<HOST_OUT_BITS, 1>(self.h_b.q.val().into());
        self.h_rd_out.d.next = self.h_rd_next.val();
        self.h_wr_out.d.next = self.h_wr_next.val();
        if self.h_r.q.val() & self.flr_rd_pend.q.val().any() {
            self.flr_rd_pend.d.next = self.flr_rd_pend.q.val() - 1;
        }
        if self.h_b.q.val() & self.flr_wr_pend.q.val().any() {
            self.flr_wr_pend.d.next = self.flr_wr_pend.q.val() - 1;
        }
        // A request of the function: wait for its answer, and for a quiet window again.
        self.f_seen.next = (self.h_ar.q.val() & (self.h_ar_fn.q.val() == self.flr_fn.q.val()))
            | (self.h_aw.q.val() & (self.h_aw_fn.q.val() == self.flr_fn.q.val()));
        if self.flr_busy.q.val() & self.h_ar.q.val() & (self.h_ar_fn.q.val() == self.flr_fn.q.val()) {
            self.flr_rd_pend.d.next = self.h_rd_next.val();
        }
        if self.flr_busy.q.val() & self.h_aw.q.val() & (self.h_aw_fn.q.val() == self.flr_fn.q.val()) {
            self.flr_wr_pend.d.next = self.h_wr_next.val();
        }
        // A request taken: everything outstanding now is waited for too.
        self.s_flr_ready.next = !self.flr_busy.q.val();
        if self.s_flr_valid.val() & !self.flr_busy.q.val() {
            self.flr_busy.d.next = true;
            self.flr_pend.d.next = true;
            self.flr_fn.d.next = self.s_flr_function.val();
            self.flr_rd_pend.d.next = self.h_rd_next.val();
            self.flr_wr_pend.d.next = self.h_wr_next.val();
        }
        self.f_attached.next = self.flr_entry.q.val().get_bit(0);
        self.f_owner.next = false;
        for i in 0..self.part_owner.len() {
            if (self.flr_entry.q.val().get_bits::<PW>(1) == self.part_index[i].val())
                & (self.part_owner[i].q.val() == self.flr_fn.q.val())
            {
                self.f_owner.next = true;
            }
        }
        self.flr_done_v.d.next = false;
        // READ: the function's entry (the monitoring copy's port, in a cycle
        // that takes no register read: VF_INFO's answer reads it next cycle).
        if (self.state.q.val() == self.s_flr_read.val()) & !self.r_take.val() {
            self.vf_table_mon.read_address.next = self.flr_fn.q.val();
            self.state.d.next = self.s_flr_look.val();
        }
        if self.state.q.val() == self.s_flr_look.val() {
            self.flr_entry.d.next = self.vf_table_mon.read_data.val();
            self.flr_phase.d.next = false;
            self.state.d.next = self.s_flr_go.val();
        }
        // GO: phase 0, DETACH's event (attached) and the DMA's disable (a
        // function-level reset of its queues); phase 1, ATTACH's: context
        // clear, event, QoS, enable. Like EXEC, an event is presented once
        // the clear slice has room (only this engine fills it: it keeps it)
        // and the step completes in the cycle the scheduler takes it.
        self.f_go.next = false;
        if self.state.q.val() == self.s_flr_go.val() {
            if !self.f_attached.val() {
                self.f_go.next = !self.flr_phase.q.val() | self.clear_out.s_ready.val();
            } else if !self.flr_phase.q.val() | self.clear_out.s_ready.val() {
                self.f_go.next = self.ev_valid.q.val() & self.m_event_ready.val();
                if !self.ev_valid.q.val() {
                    self.ev_valid.d.next = true;
                    self.ev_kind.d.next = self.ev_detach.val();
                    if self.flr_phase.q.val() {
                        self.ev_kind.d.next = self.ev_attach.val();
                    }
                    self.ev_function.d.next = self.flr_fn.q.val();
                    self.ev_partition.d.next = self.flr_entry.q.val().get_bits::<PW>(1);
                    self.ev_weight.d.next = self.flr_entry.q.val().get_bits::<8>(23);
                    self.ev_slice.d.next = self.flr_entry.q.val().get_bits::<16>(31);
                }
            }
        }
        if self.f_go.val() {
            // (Not attached: phase 1 is the context clear alone, the DMA stays disabled.)
            self.fnctl_valid.d.next = !self.flr_phase.q.val() | self.f_attached.val();
            self.fnctl_function.d.next = self.flr_fn.q.val();
            self.fnctl_enable.d.next = self.flr_phase.q.val();
            if self.flr_phase.q.val() {
                self.qos_valid.d.next = self.f_attached.val();
                self.qos_function.d.next = self.flr_fn.q.val();
                self.qos_weight.d.next = self.flr_entry.q.val().get_bits::<8>(23);
                self.clear_out.s_valid.next = true;
                self.clear_out.s_data.next = self.flr_fn.q.val();
                self.flr_done_v.d.next = true;
                self.flr_busy.d.next = false;
                self.state.d.next = self.s_idle.val();
            } else {
                self.flr_quiet.d.next = 0.into();
                self.state.d.next = self.s_flr_wait.val();
            }
        }
        // WAIT: the scheduler has let the function go (not its partition's
        // owner: closed, drained, context saved), the function has made no
        // host request for FLR_QUIET_CYCLES and the last it made (and every
        // one outstanding when the FLR came) is answered.
        if self.state.q.val() == self.s_flr_wait.val() {
            if self.f_seen.val() {
                self.flr_quiet.d.next = 0.into();
            } else if self.flr_quiet.q.val() != self.flr_quiet_last.val() {
                self.flr_quiet.d.next = self.flr_quiet.q.val() + 1;
            }
            if (self.flr_quiet.q.val() == self.flr_quiet_last.val())
                & !self.f_seen.val()
                & !self.flr_rd_pend.q.val().any()
                & !self.flr_wr_pend.q.val().any()
                & !(self.f_attached.val() & self.f_owner.val())
            {
                self.flr_phase.d.next = true;
                self.state.d.next = self.s_flr_go.val();
            }
        }
        // (flr_fn changes only once the answer is out: at a new request.)
        self.m_flr_done_valid.next = self.flr_done_v.q.val();
        self.m_flr_done_function.next = self.flr_fn.q.val();

        // ---- Synchronous reset of the control state.
        if self.rst.val() {
            self.flr_busy.d.next = false;
            self.flr_pend.d.next = false;
            self.flr_done_v.d.next = false;
            self.h_ar.d.next = false;
            self.h_r.d.next = false;
            self.h_aw.d.next = false;
            self.h_b.d.next = false;
            self.h_rd_out.d.next = 0.into();
            self.h_wr_out.d.next = 0.into();
            self.flr_rd_pend.d.next = 0.into();
            self.flr_wr_pend.d.next = 0.into();
            self.cmd_wr.d.next = 0.into();
            self.cmd_rd.d.next = 0.into();
            self.cmd_count.d.next = 0.into();
            self.resp_wr.d.next = 0.into();
            self.resp_rd.d.next = 0.into();
            self.resp_count.d.next = 0.into();
            self.free_rd.d.next = 0.into();
            self.free_wr.d.next = self.vfs.val();
            self.free_count.d.next = self.vfs.val();
            self.clear_busy.d.next = true;
            self.clear_addr.d.next = 0.into();
            self.state.d.next = self.s_idle.val();
            self.commands.d.next = 0.into();
            self.cmd_arg_reg.d.next = 0.into();
            self.vf_sel.d.next = 0.into();
            self.resp_data.d.next = 0.into();
            self.overflow.d.next = false;
            self.rb_valid.d.next = false;
            self.rb_from_resp.d.next = false;
            self.rb_from_vf_info.d.next = false;
            self.rb_from_vf_qos.d.next = false;
            self.ev_valid.d.next = false;
            self.ld_valid.d.next = false;
            self.qos_valid.d.next = false;
            self.fnctl_valid.d.next = false;
            for i in 0..self.part_acc.len() {
                self.part_acc[i].d.next = self.part_acc_reset[i].val();
                self.part_owner[i].d.next = 0.into();
                self.part_tenants[i].d.next = 0.into();
                self.part_req[i].d.next = self.part_acc_reset[i].val();
            }
        }
    }
}
