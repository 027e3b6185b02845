//! The `mgr` block, simulated with Verilator on the emitted Verilog, in a
//! small test top that connects it to the `switch` as the shell will: random
//! command streams checked response by response against a Rust reference
//! model of the tables, every route/QoS/function-enable write, scheduler
//! event and context clear the
//! manager issues compared with the model's, the switch's routing checked by
//! sending a packet from every function, exhaustion of the VFs, back-pressure
//! and overflow of the FIFOs, and every register of `regmap.json` read back
//! with its reset value and access behaviour. The register bus rules are
//! checked on every cycle (`vfpga_sim::RegBus`). A stub in the test top
//! plays the prc on the LOAD port: the bench stalls its `ready` at random and
//! tells it when to end the LOAD it holds, with a random status.

mod common;

use rust_hdl::prelude::*;
use std::collections::{BTreeMap, VecDeque};
use vfpga::config::Config;
use vfpga_hdl::acc_id::{CIPHER, CRC32, PASSTHROUGH};
use vfpga_hdl::axis::{AxisMaster, AxisSlave, AxisSlaveUntagged};
use vfpga_hdl::mgr::regs::*;
use vfpga_hdl::mgr::Mgr;
use vfpga_hdl::sched::regs::{EV_ATTACH, EV_DETACH, EV_QOS};
use vfpga_hdl::regbus::RegBusSlave;
use vfpga_hdl::switch::Switch;
use vfpga_hdl::{FUNCTION_ID_BITS as FW, PARTITION_ID_BITS as PW};
use vfpga_sim::{Model, PortId, RegBus, Rng};

// ---------------------------------------------------------------- test top

/// The manager driving the switch, with the manager's outputs also brought
/// out so that the testbench sees every write.
#[derive(LogicBlock)]
struct MgrWithSwitch<const VMW: usize> {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub s_reg: RegBusSlave,
    pub s_axis_h2c: AxisSlave<64, 8>,
    pub m_axis_h2c_p: Vec<AxisMaster<64, 8>>,
    pub s_axis_c2h_p: Vec<AxisSlaveUntagged<64, 8>>,
    pub m_axis_c2h: AxisMaster<64, 8>,
    pub drop_count: Signal<Out, Bits<32>>,
    pub cfg_error: Signal<Out, Bit>,
    pub obs_route_valid: Signal<Out, Bit>,
    pub obs_route_ready: Signal<Out, Bit>,
    pub obs_route_function: Signal<Out, Bits<FW>>,
    pub obs_route_partition: Signal<Out, Bits<PW>>,
    pub obs_route_enable: Signal<Out, Bit>,
    pub obs_event_valid: Signal<Out, Bit>,
    pub obs_event_kind: Signal<Out, Bits<2>>,
    pub obs_event_function: Signal<Out, Bits<FW>>,
    pub obs_event_partition: Signal<Out, Bits<PW>>,
    pub obs_event_weight: Signal<Out, Bits<8>>,
    pub obs_event_slice: Signal<Out, Bits<16>>,
    pub obs_clear_valid: Signal<Out, Bit>,
    pub obs_clear_function: Signal<Out, Bits<FW>>,
    pub obs_qos_valid: Signal<Out, Bit>,
    pub obs_qos_function: Signal<Out, Bits<FW>>,
    pub obs_qos_weight: Signal<Out, Bits<8>>,
    pub obs_fnctl_valid: Signal<Out, Bit>,
    pub obs_fnctl_function: Signal<Out, Bits<FW>>,
    pub obs_fnctl_enable: Signal<Out, Bit>,
    /// prc stub: takes a LOAD when idle and `tb_load_ready_en`; ends it with
    /// `tb_done_status` the cycle after `tb_done_go` is seen.
    pub tb_load_ready_en: Signal<In, Bit>,
    pub tb_done_go: Signal<In, Bit>,
    pub tb_done_status: Signal<In, Bits<4>>,
    pub obs_load_valid: Signal<Out, Bit>,
    pub obs_load_ready: Signal<Out, Bit>,
    pub obs_load_partition: Signal<Out, Bits<PW>>,
    pub obs_load_acc_id: Signal<Out, Bits<32>>,
    pub obs_load_busy: Signal<Out, Bit>,
    pub obs_done_valid: Signal<Out, Bit>,
    pub obs_done_partition: Signal<Out, Bits<PW>>,
    pub obs_done_status: Signal<Out, Bits<4>>,
    /// Function-level resets: the request port, and the host bus as the
    /// manager observes it (one-cycle handshakes, every response a last one).
    pub tb_flr_valid: Signal<In, Bit>,
    pub tb_flr_function: Signal<In, Bits<FW>>,
    pub tb_host_ar: Signal<In, Bit>,
    pub tb_host_aruser: Signal<In, Bits<FW>>,
    pub tb_host_r: Signal<In, Bit>,
    pub tb_host_aw: Signal<In, Bit>,
    pub tb_host_awuser: Signal<In, Bits<FW>>,
    pub tb_host_b: Signal<In, Bit>,
    pub obs_flr_ready: Signal<Out, Bit>,
    pub obs_flr_done_valid: Signal<Out, Bit>,
    pub obs_flr_done_function: Signal<Out, Bits<FW>>,
    stub_busy: DFF<Bit>,
    stub_part: DFF<Bits<PW>>,
    stub_done: DFF<Bit>,
    stub_done_part: DFF<Bits<PW>>,
    stub_done_status: DFF<Bits<4>>,
    mgr: Mgr<VMW>,
    switch: Switch<64, 8>,
}

impl<const VMW: usize> MgrWithSwitch<VMW> {
    fn new(p: &MgrParams) -> Self {
        Self {
            clk: Default::default(),
            rst: Default::default(),
            s_reg: Default::default(),
            s_axis_h2c: Default::default(),
            m_axis_h2c_p: (0..p.partitions).map(|_| Default::default()).collect(),
            s_axis_c2h_p: (0..p.partitions).map(|_| Default::default()).collect(),
            m_axis_c2h: Default::default(),
            drop_count: Default::default(),
            cfg_error: Default::default(),
            obs_route_valid: Default::default(),
            obs_route_ready: Default::default(),
            obs_route_function: Default::default(),
            obs_route_partition: Default::default(),
            obs_route_enable: Default::default(),
            obs_event_valid: Default::default(),
            obs_event_kind: Default::default(),
            obs_event_function: Default::default(),
            obs_event_partition: Default::default(),
            obs_event_weight: Default::default(),
            obs_event_slice: Default::default(),
            obs_clear_valid: Default::default(),
            obs_clear_function: Default::default(),
            obs_qos_valid: Default::default(),
            obs_qos_function: Default::default(),
            obs_qos_weight: Default::default(),
            obs_fnctl_valid: Default::default(),
            obs_fnctl_function: Default::default(),
            obs_fnctl_enable: Default::default(),
            tb_load_ready_en: Default::default(),
            tb_done_go: Default::default(),
            tb_done_status: Default::default(),
            obs_load_valid: Default::default(),
            obs_load_ready: Default::default(),
            obs_load_partition: Default::default(),
            obs_load_acc_id: Default::default(),
            obs_load_busy: Default::default(),
            obs_done_valid: Default::default(),
            obs_done_partition: Default::default(),
            obs_done_status: Default::default(),
            tb_flr_valid: Default::default(),
            tb_flr_function: Default::default(),
            tb_host_ar: Default::default(),
            tb_host_aruser: Default::default(),
            tb_host_r: Default::default(),
            tb_host_aw: Default::default(),
            tb_host_awuser: Default::default(),
            tb_host_b: Default::default(),
            obs_flr_ready: Default::default(),
            obs_flr_done_valid: Default::default(),
            obs_flr_done_function: Default::default(),
            stub_busy: Default::default(),
            stub_part: Default::default(),
            stub_done: Default::default(),
            stub_done_part: Default::default(),
            stub_done_status: Default::default(),
            mgr: Mgr::new(p),
            switch: Switch::new(p.partitions, p.vfs + 1),
        }
    }
}

impl<const VMW: usize> Logic for MgrWithSwitch<VMW> {
    #[hdl_gen]
    fn update(&mut self) {
        self.mgr.clk.next = self.clk.val();
        self.mgr.rst.next = self.rst.val();
        self.switch.clk.next = self.clk.val();
        self.switch.rst.next = self.rst.val();
        self.mgr.s_reg.req_valid.next = self.s_reg.req_valid.val();
        self.s_reg.req_ready.next = self.mgr.s_reg.req_ready.val();
        self.mgr.s_reg.req_write.next = self.s_reg.req_write.val();
        self.mgr.s_reg.req_function.next = self.s_reg.req_function.val();
        self.mgr.s_reg.req_addr.next = self.s_reg.req_addr.val();
        self.mgr.s_reg.req_wdata.next = self.s_reg.req_wdata.val();
        self.mgr.s_reg.req_wstrb.next = self.s_reg.req_wstrb.val();
        self.s_reg.resp_valid.next = self.mgr.s_reg.resp_valid.val();
        self.s_reg.resp_rdata.next = self.mgr.s_reg.resp_rdata.val();
        self.s_reg.resp_error.next = self.mgr.s_reg.resp_error.val();
        // Streams through the switch.
        self.switch.s_axis_h2c.tdata.next = self.s_axis_h2c.tdata.val();
        self.switch.s_axis_h2c.tkeep.next = self.s_axis_h2c.tkeep.val();
        self.switch.s_axis_h2c.tvalid.next = self.s_axis_h2c.tvalid.val();
        self.switch.s_axis_h2c.tlast.next = self.s_axis_h2c.tlast.val();
        self.switch.s_axis_h2c.tid.next = self.s_axis_h2c.tid.val();
        // No packet in these tests is cut short.
        self.switch.s_axis_h2c_tuser.next = false;
        self.s_axis_h2c.tready.next = self.switch.s_axis_h2c.tready.val();
        for i in 0..self.m_axis_h2c_p.len() {
            self.m_axis_h2c_p[i].tdata.next = self.switch.m_axis_h2c_p[i].tdata.val();
            self.m_axis_h2c_p[i].tkeep.next = self.switch.m_axis_h2c_p[i].tkeep.val();
            self.m_axis_h2c_p[i].tvalid.next = self.switch.m_axis_h2c_p[i].tvalid.val();
            self.m_axis_h2c_p[i].tlast.next = self.switch.m_axis_h2c_p[i].tlast.val();
            self.m_axis_h2c_p[i].tid.next = self.switch.m_axis_h2c_p[i].tid.val();
            self.switch.m_axis_h2c_p[i].tready.next = self.m_axis_h2c_p[i].tready.val();
            self.switch.s_axis_c2h_p[i].tdata.next = self.s_axis_c2h_p[i].tdata.val();
            self.switch.s_axis_c2h_p[i].tkeep.next = self.s_axis_c2h_p[i].tkeep.val();
            self.switch.s_axis_c2h_p[i].tvalid.next = self.s_axis_c2h_p[i].tvalid.val();
            self.switch.s_axis_c2h_p[i].tlast.next = self.s_axis_c2h_p[i].tlast.val();
            self.s_axis_c2h_p[i].tready.next = self.switch.s_axis_c2h_p[i].tready.val();
        }
        self.m_axis_c2h.tdata.next = self.switch.m_axis_c2h.tdata.val();
        self.m_axis_c2h.tkeep.next = self.switch.m_axis_c2h.tkeep.val();
        self.m_axis_c2h.tvalid.next = self.switch.m_axis_c2h.tvalid.val();
        self.m_axis_c2h.tlast.next = self.switch.m_axis_c2h.tlast.val();
        self.m_axis_c2h.tid.next = self.switch.m_axis_c2h.tid.val();
        self.switch.m_axis_c2h.tready.next = self.m_axis_c2h.tready.val();
        self.drop_count.next = self.switch.drop_count.val();
        self.cfg_error.next = self.switch.cfg_error.val();
        // The manager drives the switch's tables.
        self.switch.s_route_valid.next = self.mgr.m_route_valid.val();
        self.mgr.m_route_ready.next = self.switch.s_route_ready.val();
        self.switch.s_route_function.next = self.mgr.m_route_function.val();
        self.switch.s_route_partition.next = self.mgr.m_route_partition.val();
        self.switch.s_route_enable.next = self.mgr.m_route_enable.val();
        // Owners are the sharing scheduler's (tests/sched.rs); none here.
        self.switch.s_owner_valid.next = false;
        self.switch.s_owner_partition.next = 0.into();
        self.switch.s_owner_function.next = 0.into();
        self.mgr.s_owner_valid.next = false;
        self.mgr.s_owner_partition.next = 0.into();
        self.mgr.s_owner_function.next = 0.into();
        self.mgr.m_event_ready.next = true;
        self.mgr.m_clear_ready.next = true;
        // Function-level resets and the host bus, from the bench.
        self.mgr.s_flr_valid.next = self.tb_flr_valid.val();
        self.mgr.s_flr_function.next = self.tb_flr_function.val();
        self.obs_flr_ready.next = self.mgr.s_flr_ready.val();
        self.obs_flr_done_valid.next = self.mgr.m_flr_done_valid.val();
        self.obs_flr_done_function.next = self.mgr.m_flr_done_function.val();
        self.mgr.s_host_arvalid.next = self.tb_host_ar.val();
        self.mgr.s_host_arready.next = true;
        self.mgr.s_host_aruser.next = self.tb_host_aruser.val();
        self.mgr.s_host_rvalid.next = self.tb_host_r.val();
        self.mgr.s_host_rready.next = true;
        self.mgr.s_host_rlast.next = true;
        self.mgr.s_host_awvalid.next = self.tb_host_aw.val();
        self.mgr.s_host_awready.next = true;
        self.mgr.s_host_awuser.next = self.tb_host_awuser.val();
        self.mgr.s_host_bvalid.next = self.tb_host_b.val();
        self.mgr.s_host_bready.next = true;
        // Observed copies.
        self.obs_route_valid.next = self.mgr.m_route_valid.val();
        self.obs_route_ready.next = self.switch.s_route_ready.val();
        self.obs_route_function.next = self.mgr.m_route_function.val();
        self.obs_route_partition.next = self.mgr.m_route_partition.val();
        self.obs_route_enable.next = self.mgr.m_route_enable.val();
        self.obs_event_valid.next = self.mgr.m_event_valid.val();
        self.obs_event_kind.next = self.mgr.m_event_kind.val();
        self.obs_event_function.next = self.mgr.m_event_function.val();
        self.obs_event_partition.next = self.mgr.m_event_partition.val();
        self.obs_event_weight.next = self.mgr.m_event_weight.val();
        self.obs_event_slice.next = self.mgr.m_event_slice.val();
        self.obs_clear_valid.next = self.mgr.m_clear_valid.val();
        self.obs_clear_function.next = self.mgr.m_clear_function.val();
        self.obs_qos_valid.next = self.mgr.m_qos_valid.val();
        self.obs_qos_function.next = self.mgr.m_qos_function.val();
        self.obs_qos_weight.next = self.mgr.m_qos_weight.val();
        self.obs_fnctl_valid.next = self.mgr.m_fnctl_valid.val();
        self.obs_fnctl_function.next = self.mgr.m_fnctl_function.val();
        self.obs_fnctl_enable.next = self.mgr.m_fnctl_enable.val();
        // The prc stub.
        dff_setup!(self, clk, stub_busy, stub_part, stub_done, stub_done_part, stub_done_status);
        self.mgr.m_load_ready.next = !self.stub_busy.q.val() & self.tb_load_ready_en.val();
        self.stub_done.d.next = false;
        if self.mgr.m_load_valid.val() & self.mgr.m_load_ready.val() {
            self.stub_busy.d.next = true;
            self.stub_part.d.next = self.mgr.m_load_partition.val();
        }
        if self.stub_busy.q.val() & self.tb_done_go.val() {
            self.stub_busy.d.next = false;
            self.stub_done.d.next = true;
            self.stub_done_part.d.next = self.stub_part.q.val();
            self.stub_done_status.d.next = self.tb_done_status.val();
        }
        if self.rst.val() {
            self.stub_busy.d.next = false;
            self.stub_done.d.next = false;
        }
        self.mgr.s_load_done_valid.next = self.stub_done.q.val();
        self.mgr.s_load_done_partition.next = self.stub_done_part.q.val();
        self.mgr.s_load_done_status.next = self.stub_done_status.q.val();
        self.obs_load_valid.next = self.mgr.m_load_valid.val();
        self.obs_load_ready.next = self.mgr.m_load_ready.val();
        self.obs_load_partition.next = self.mgr.m_load_partition.val();
        self.obs_load_acc_id.next = self.mgr.m_load_acc_id.val();
        self.obs_load_busy.next = self.stub_busy.q.val();
        self.obs_done_valid.next = self.stub_done.q.val();
        self.obs_done_partition.next = self.stub_done_part.q.val();
        self.obs_done_status.next = self.stub_done_status.q.val();
    }
}

fn model_for(cfg: &Config) -> std::sync::Arc<vfpga_sim::ModelLib> {
    let p = cfg.mgr_params();
    let key = format!(
        "mgr-switch-{}p-{}vf-{}vm-{}",
        cfg.partitions,
        cfg.vfs,
        cfg.vm_id_bits,
        p.partition_accels.iter().map(|a| format!("{a:x}")).collect::<Vec<_>>().join("_")
    );
    common::model_of_modules(&key, || {
        vfpga::with_vm_id_bits!(p.vm_id_bits, |VMW| vfpga::design::emit_block(
            MgrWithSwitch::<VMW>::new(&p),
            "vfpga_mgr_switch_tb",
            "Test top: the manager driving the switch.",
            cfg
        ))
    })
}

// ---------------------------------------------------------------- reference model

/// A write the manager issues to the switch or the DMA.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Effect {
    Route { function: u32, partition: u32, enable: bool },
    /// A tenant event to the sharing scheduler.
    Event { kind: u32, function: u32, partition: u32, weight: u32, slice: u32 },
    /// A context clear to `ctx`.
    Clear { function: u32 },
    Qos { function: u32, weight: u32 },
    Fnctl { function: u32, enable: bool },
    /// A LOAD handed to the prc.
    Load { partition: u32, acc: u32 },
    /// The (stub) prc ended a LOAD: applied to the reference, not compared.
    Done { partition: u32, status: u32 },
    /// A function-level reset answered.
    FlrDone { function: u32 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Answer {
    status: u32,
    result: u32,
    data: u32,
}

#[derive(Debug, Clone, Copy, Default)]
struct VfEntry {
    attached: bool,
    partition: u32,
    vm: u32,
    weight: u32,
    slice: u32,
}

/// The manager's tables as the register map documents them.
struct Reference {
    vfs: u32,
    vm_limit: u32,
    part_acc: Vec<u32>,
    owner: Vec<u32>,
    tenants: Vec<u32>,
    /// Accelerator the last LOAD of each partition asked for.
    req: Vec<u32>,
    free: VecDeque<u32>,
    vf: Vec<VfEntry>,
    /// Per VM: its slots, (partition, vf) or empty.
    vms: BTreeMap<u32, [Option<(u32, u32)>; VM_SLOTS]>,
    commands: u32,
}

impl Reference {
    fn new(p: &MgrParams) -> Self {
        Reference {
            vfs: p.vfs as u32,
            vm_limit: 1 << p.vm_id_bits,
            part_acc: p.partition_accels.clone(),
            owner: vec![0; p.partitions],
            tenants: vec![0; p.partitions],
            req: p.partition_accels.clone(),
            free: (1..=p.vfs as u32).collect(),
            vf: vec![VfEntry::default(); p.vfs + 1],
            vms: BTreeMap::new(),
            commands: 0,
        }
    }

    fn slots(&self, vm: u32) -> [Option<(u32, u32)>; VM_SLOTS] {
        self.vms.get(&vm).copied().unwrap_or([None; VM_SLOTS])
    }

    fn exec(&mut self, op: u32, id: u32, arg: u32, fx: &mut Vec<Effect>) -> Answer {
        self.commands += 1;
        let err = |status| Answer { status, result: 0, data: 0 };
        let np = self.part_acc.len() as u32;
        match op {
            OP_ATTACH | OP_DETACH => {
                if id >= self.vm_limit || arg == 0 {
                    return err(ST_BAD_ARG);
                }
                let Some(first) = self.part_acc.iter().position(|&a| a == arg) else { return err(ST_NO_ACC) };
                let first = first as u32;
                let mut slots = self.slots(id);
                let hit = slots.iter().position(|s| matches!(s, Some((p, _)) if self.part_acc[*p as usize] == arg));
                if op == OP_ATTACH {
                    if hit.is_some() {
                        return err(ST_ALREADY_ATTACHED);
                    }
                    let Some(free_slot) = slots.iter().position(|s| s.is_none()) else { return err(ST_VM_FULL) };
                    let Some(vf) = self.free.pop_front() else { return err(ST_NO_FREE_VF) };
                    slots[free_slot] = Some((first, vf));
                    self.vms.insert(id, slots);
                    self.vf[vf as usize] = VfEntry { attached: true, partition: first, vm: id, weight: DEFAULT_QOS_WEIGHT, slice: 0 };
                    self.tenants[first as usize] += 1;
                    fx.push(Effect::Route { function: vf, partition: first, enable: true });
                    fx.push(Effect::Fnctl { function: vf, enable: true });
                    fx.push(Effect::Qos { function: vf, weight: DEFAULT_QOS_WEIGHT });
                    fx.push(Effect::Event { kind: EV_ATTACH as u32, function: vf, partition: first, weight: DEFAULT_QOS_WEIGHT, slice: 0 });
                    fx.push(Effect::Clear { function: vf });
                    Answer { status: ST_OK, result: vf | first << 11, data: 0 }
                } else {
                    let Some(h) = hit else { return err(ST_NOT_ATTACHED) };
                    let (p, vf) = slots[h].take().unwrap();
                    self.vms.insert(id, slots);
                    self.vf[vf as usize] = VfEntry::default();
                    self.free.push_back(vf);
                    self.tenants[p as usize] -= 1;
                    fx.push(Effect::Route { function: vf, partition: p, enable: false });
                    fx.push(Effect::Fnctl { function: vf, enable: false });
                    fx.push(Effect::Event { kind: EV_DETACH as u32, function: vf, partition: p, weight: 0, slice: 0 });
                    Answer { status: ST_OK, result: vf | p << 11, data: 0 }
                }
            }
            OP_QUERY_VM => {
                if id >= self.vm_limit || arg > 3 {
                    return err(ST_BAD_ARG);
                }
                let slots = self.slots(id);
                let used = slots.iter().filter(|s| s.is_some()).count() as u32;
                let data = match slots[arg as usize] {
                    Some((p, vf)) => 1 | p << 1 | vf << 7,
                    None => 0,
                };
                Answer { status: ST_OK, result: used, data }
            }
            OP_QUERY_PARTITION => {
                if id >= np {
                    return err(ST_BAD_ARG);
                }
                Answer { status: ST_OK, result: self.tenants[id as usize], data: self.part_acc[id as usize] }
            }
            OP_SET_QOS => {
                let weight = arg & 0xff;
                if id == 0 || id > self.vfs || weight == 0 || arg >> 24 != 0 {
                    return err(ST_BAD_ARG);
                }
                let e = &mut self.vf[id as usize];
                if !e.attached {
                    return err(ST_NOT_ATTACHED);
                }
                e.weight = weight;
                e.slice = (arg >> 8) & 0xffff;
                fx.push(Effect::Qos { function: id, weight });
                fx.push(Effect::Event { kind: EV_QOS as u32, function: id, partition: e.partition, weight, slice: e.slice });
                Answer { status: ST_OK, result: 0, data: 0 }
            }
            OP_LOAD => {
                if id >= np || arg == 0 {
                    return err(ST_BAD_ARG);
                }
                if self.tenants[id as usize] > 0 {
                    return err(ST_PARTITION_BUSY);
                }
                self.part_acc[id as usize] = 0;
                self.req[id as usize] = arg;
                fx.push(Effect::Load { partition: id, acc: arg });
                Answer { status: ST_OK, result: id, data: 0 }
            }
            _ => err(ST_BAD_OPCODE),
        }
    }

    /// The prc's end of the LOAD of partition `p`.
    fn load_done(&mut self, p: u32, status: u32) {
        if status == 0 {
            self.part_acc[p as usize] = self.req[p as usize];
        }
    }

    /// Route of each function, as the switch must hold it.
    fn route(&self, f: u32) -> Option<u32> {
        let e = self.vf.get(f as usize)?;
        e.attached.then_some(e.partition)
    }
}

// ---------------------------------------------------------------- bench

/// Ports of the observed writes.
struct Observed {
    route: [PortId; 5],
    event: [PortId; 6],
    clear: [PortId; 2],
    qos: [PortId; 3],
    fnctl: [PortId; 3],
    load: [PortId; 4],
    done: [PortId; 3],
    flr: [PortId; 2],
}

struct Bench {
    m: Model,
    bus: RegBus,
    clk: PortId,
    obs: Observed,
    /// Writes seen since the last `take_effects`.
    effects: Vec<Effect>,
    rng: Rng,
    cfg: Config,
    params: MgrParams,
    tag: u32,
    last_arg: Option<u32>,
    /// The command in flight is a LOAD (the stub may end an older LOAD while it waits).
    in_load: bool,
    /// Chance that an ended LOAD fails.
    load_fail: f64,
    /// The bench ends LOADs at random times by itself.
    auto_finish: bool,
}

fn observe(obs: &Observed, m: &Model, out: &mut Vec<Effect>) {
    let g = |p: PortId| m.get(p) as u32;
    if g(obs.route[0]) == 1 && g(obs.route[1]) == 1 {
        out.push(Effect::Route { function: g(obs.route[2]), partition: g(obs.route[3]), enable: g(obs.route[4]) == 1 });
    }
    if g(obs.event[0]) == 1 {
        let e = |i: usize| g(obs.event[i]);
        out.push(Effect::Event { kind: e(1), function: e(2), partition: e(3), weight: e(4), slice: e(5) });
    }
    if g(obs.clear[0]) == 1 {
        out.push(Effect::Clear { function: g(obs.clear[1]) });
    }
    if g(obs.qos[0]) == 1 {
        out.push(Effect::Qos { function: g(obs.qos[1]), weight: g(obs.qos[2]) });
    }
    if g(obs.fnctl[0]) == 1 {
        out.push(Effect::Fnctl { function: g(obs.fnctl[1]), enable: g(obs.fnctl[2]) == 1 });
    }
    if g(obs.load[0]) == 1 && g(obs.load[1]) == 1 {
        out.push(Effect::Load { partition: g(obs.load[2]), acc: g(obs.load[3]) });
    }
    if g(obs.done[0]) == 1 {
        out.push(Effect::Done { partition: g(obs.done[1]), status: g(obs.done[2]) });
    }
    if g(obs.flr[0]) == 1 {
        out.push(Effect::FlrDone { function: g(obs.flr[1]) });
    }
}

impl Bench {
    fn new(cfg: &Config, name: &str) -> Bench {
        cfg.validate().unwrap();
        let lib = model_for(cfg);
        let mut m = lib.instantiate(name);
        let clk = m.port("clk");
        let bus = RegBus::new(&m, "s_reg", clk).with_timeout(20_000);
        bus.init(&mut m);
        let ids = |names: &[&str]| names.iter().map(|n| m.port(n)).collect::<Vec<_>>();
        let obs = Observed {
            route: ids(&["obs_route_valid", "obs_route_ready", "obs_route_function", "obs_route_partition", "obs_route_enable"]).try_into().unwrap(),
            event: ids(&["obs_event_valid", "obs_event_kind", "obs_event_function", "obs_event_partition", "obs_event_weight", "obs_event_slice"]).try_into().unwrap(),
            clear: ids(&["obs_clear_valid", "obs_clear_function"]).try_into().unwrap(),
            qos: ids(&["obs_qos_valid", "obs_qos_function", "obs_qos_weight"]).try_into().unwrap(),
            fnctl: ids(&["obs_fnctl_valid", "obs_fnctl_function", "obs_fnctl_enable"]).try_into().unwrap(),
            load: ids(&["obs_load_valid", "obs_load_ready", "obs_load_partition", "obs_load_acc_id"]).try_into().unwrap(),
            done: ids(&["obs_done_valid", "obs_done_partition", "obs_done_status"]).try_into().unwrap(),
            flr: ids(&["obs_flr_done_valid", "obs_flr_done_function"]).try_into().unwrap(),
        };
        for port in ["s_axis_h2c_tvalid", "m_axis_c2h_tready", "tb_done_go", "tb_done_status", "tb_flr_valid", "tb_host_ar", "tb_host_r", "tb_host_aw", "tb_host_b"] {
            m.set(port, 0);
        }
        m.set("tb_load_ready_en", 1);
        for p in 0..cfg.partitions {
            m.set(format!("s_axis_c2h_p{p}_tvalid").as_str(), 0);
            m.set(format!("m_axis_h2c_p{p}_tready").as_str(), 1);
        }
        let rng = Rng::for_test(name);
        let params = cfg.mgr_params();
        let mut b = Bench { m, bus, clk, obs, effects: Vec::new(), rng, cfg: cfg.clone(), params, tag: 0, last_arg: None, in_load: false, load_fail: 0.25, auto_finish: true };
        b.reset();
        b
    }

    fn reset(&mut self) {
        self.m.set("rst", 1);
        for _ in 0..3 {
            self.m.tick(self.clk);
        }
        self.m.set("rst", 0);
        self.last_arg = None;
    }

    fn write(&mut self, addr: u32, data: u32) -> bool {
        let (obs, fx) = (&self.obs, &mut self.effects);
        let r = self.bus.write(&mut self.m, addr, data, &mut |m| observe(obs, m, fx)).unwrap_or_else(|e| panic!("{e}"));
        !r.error
    }

    fn read(&mut self, addr: u32) -> (u32, bool) {
        let (obs, fx) = (&self.obs, &mut self.effects);
        let r = self.bus.read(&mut self.m, addr, &mut |m| observe(obs, m, fx)).unwrap_or_else(|e| panic!("{e}"));
        (r.rdata, !r.error)
    }

    fn access(&mut self, write: bool, function: u32, addr: u32, data: u32, strb: u32) -> (u32, bool) {
        let (obs, fx) = (&self.obs, &mut self.effects);
        let r = self.bus.access(&mut self.m, write, function, addr, data, strb, &mut |m| observe(obs, m, fx)).unwrap_or_else(|e| panic!("{e}"));
        (r.rdata, !r.error)
    }

    fn idle(&mut self, n: usize) {
        for _ in 0..n {
            let (obs, fx) = (&self.obs, &mut self.effects);
            self.bus.idle(&mut self.m, &mut |m| observe(obs, m, fx)).unwrap_or_else(|e| panic!("{e}"));
        }
    }

    fn wait_ready(&mut self) {
        for _ in 0..10_000 {
            let (v, ok) = self.read(STATUS);
            assert!(ok);
            if v >> 18 & 1 == 1 {
                return;
            }
        }
        panic!("manager not ready");
    }

    /// Pushes a command (writing CMD_ARG only when it changes); returns its tag.
    fn push(&mut self, op: u32, id: u32, arg: u32) -> u32 {
        if self.last_arg != Some(arg) {
            assert!(self.write(CMD_ARG, arg), "CMD_ARG write refused");
            self.last_arg = Some(arg);
        }
        self.tag = (self.tag + 1) & 0xff;
        assert!(self.write(CMD, cmd_word(op, self.tag, id)), "CMD write refused");
        self.tag
    }

    /// The stub prc ends the LOAD it holds (if any) with a random status
    /// (0 = OK, else a failure code); the Done appears in the effects.
    fn finish_load(&mut self) {
        if !self.auto_finish || self.m.get("obs_load_busy") == 0 {
            return;
        }
        let status = if self.rng.chance(self.load_fail) { self.rng.range(1..16) } else { 0 };
        self.finish_load_with(status as u32);
    }

    fn finish_load_with(&mut self, status: u32) {
        assert_eq!(self.m.get("obs_load_busy"), 1, "no LOAD to end");
        self.m.set("tb_done_status", status as u64);
        self.m.set("tb_done_go", 1);
        self.idle(1);
        self.m.set("tb_done_go", 0);
        self.idle(1);
    }

    /// Between polls: random stalls of the prc's ready; while a LOAD waits
    /// for it and the stub holds an older one, sometimes end that one.
    fn prc_poll(&mut self) {
        self.m.set("tb_load_ready_en", self.rng.chance(0.6) as u64);
        let waiting = self.in_load && !self.effects.iter().any(|e| matches!(e, Effect::Load { .. }));
        if waiting && self.rng.chance(0.3) {
            self.finish_load();
        }
    }

    /// Pops the next response, polling RESP: (tag, answer without data).
    fn pop(&mut self) -> (u32, u32, u32) {
        for _ in 0..100 {
            self.prc_poll();
            let (v, ok) = self.read(RESP);
            assert!(ok, "RESP read refused");
            if v >> 31 == 1 {
                return (v & 0xff, v >> 8 & 0xf, v >> 12 & 0x7_ffff);
            }
        }
        panic!("no response after 100 polls: the engine hangs");
    }

    /// Checks the tables through the registers and the switch's routing by
    /// sending one packet from every function.
    fn check_tables(&mut self, r: &Reference, when: &str) {
        let (free, _) = self.read(FREE_VFS);
        assert_eq!(free, r.free.len() as u32, "{when}: FREE_VFS");
        for p in 0..self.cfg.partitions as u32 {
            let (acc, _) = self.read(PART_ACC + 4 * p);
            assert_eq!(acc, r.part_acc[p as usize], "{when}: PART_ACC[{p}]");
            let (st, _) = self.read(PART_STATUS + 4 * p);
            assert_eq!(st, r.owner[p as usize] | r.tenants[p as usize] << 11, "{when}: PART_STATUS[{p}]");
        }
        for f in 0..=self.cfg.vfs as u32 {
            assert!(self.write(VF_SEL, f));
            let e = r.vf[f as usize];
            let (info, _) = self.read(VF_INFO);
            assert_eq!(info, e.attached as u32 | e.partition << 1 | e.vm << 7, "{when}: VF_INFO of VF {f}");
            let (qos, _) = self.read(VF_QOS);
            assert_eq!(qos, e.weight | e.slice << 8, "{when}: VF_QOS of VF {f}");
        }
        let (count, _) = self.read(COMMANDS);
        assert_eq!(count, r.commands, "{when}: COMMANDS");
        self.check_routing(r, when);
        assert_eq!(self.m.get("cfg_error"), 0, "{when}: the manager wrote a bad route or owner");
    }

    /// One single-beat packet from every function: it must come out of its
    /// partition, or be dropped when the function is not attached.
    fn check_routing(&mut self, r: &Reference, when: &str) {
        let np = self.cfg.partitions;
        for f in 0..=self.cfg.vfs as u32 {
            let drops = self.m.get("drop_count");
            self.m.set("s_axis_h2c_tvalid", 1);
            self.m.set("s_axis_h2c_tdata", 0x1234_0000 + f as u64);
            self.m.set("s_axis_h2c_tkeep", 0xff);
            self.m.set("s_axis_h2c_tlast", 1);
            self.m.set("s_axis_h2c_tid", f as u64);
            let mut seen: Option<usize> = None;
            let mut taken = false;
            for _ in 0..20 {
                self.m.eval();
                for p in 0..np {
                    if self.m.get(format!("m_axis_h2c_p{p}_tvalid").as_str()) == 1 {
                        assert!(seen.is_none(), "{when}: function {f}'s packet delivered twice");
                        assert_eq!(self.m.get(format!("m_axis_h2c_p{p}_tid").as_str()), f as u64);
                        assert_eq!(self.m.get(format!("m_axis_h2c_p{p}_tdata").as_str()), 0x1234_0000 + f as u64);
                        seen = Some(p);
                    }
                }
                if self.m.get("s_axis_h2c_tready") == 1 && !taken {
                    taken = true;
                    self.m.tick(self.clk);
                    self.m.set("s_axis_h2c_tvalid", 0);
                } else {
                    self.m.tick(self.clk);
                }
            }
            assert!(taken, "{when}: switch did not take function {f}'s packet");
            match r.route(f) {
                Some(p) => assert_eq!(seen, Some(p as usize), "{when}: function {f} should reach partition {p}"),
                None => {
                    assert_eq!(seen, None, "{when}: unattached function {f} delivered");
                    assert_eq!(self.m.get("drop_count"), drops + 1, "{when}: function {f}'s packet not counted as dropped");
                }
            }
        }
    }

    /// Executes one command and checks its response and its writes.
    fn command(&mut self, r: &mut Reference, op: u32, id: u32, arg: u32) -> Answer {
        self.effects.clear();
        // The prc's answers come at random times: between commands, or while
        // a LOAD waits for the prc (so always before the command's decision).
        if self.rng.chance(0.3) {
            self.finish_load();
        }
        self.in_load = op == OP_LOAD;
        let tag = self.push(op, id, arg);
        let (rtag, status, result) = self.pop();
        self.in_load = false;
        self.idle(2);
        let mut want_fx = Vec::new();
        for e in &self.effects {
            if let Effect::Done { partition, status } = *e {
                r.load_done(partition, status);
            }
        }
        self.effects.retain(|e| !matches!(e, Effect::Done { .. }));
        let want = r.exec(op, id, arg, &mut want_fx);
        let what = format!("op {op} id {id} arg 0x{arg:x} (command {})", r.commands);
        assert_eq!(rtag, tag, "{what}: tag");
        assert_eq!((status, result), (want.status, want.result), "{what}: (status, result)");
        let (data, _) = self.read(RESP_DATA);
        assert_eq!(data, want.data, "{what}: RESP_DATA");
        let mut got_fx = std::mem::take(&mut self.effects);
        got_fx.sort();
        want_fx.sort();
        assert_eq!(got_fx, want_fx, "{what}: writes to the switch and the DMA");
        want
    }
}

fn cfg(partitions: usize, vfs: usize, vm_id_bits: usize, accels: Vec<u32>) -> Config {
    Config { partitions, vfs, vm_id_bits, partition_accels: accels, ..Config::default() }
}

// ---------------------------------------------------------------- tests

/// Every register of `regmap.json`: its reset value, then its access
/// behaviour; unmapped offsets, other functions and partial writes refused.
#[test]
fn registers_match_regmap_json() {
    let c = cfg(3, 8, 10, vec![PASSTHROUGH, CRC32, 0]);
    let json: serde_json::Value = serde_json::from_str(&vfpga::regmap::to_json(&vfpga::regmap::regmap(&c))).unwrap();
    let mut b = Bench::new(&c, "mgr_registers");
    let block = json["blocks"].as_array().unwrap().iter().find(|b| b["name"] == "mgr").expect("mgr in regmap.json");
    let mut mapped = Vec::new();
    // Reset values, read before the tables are even initialized.
    for r in block["registers"].as_array().unwrap() {
        let count = r["count"].as_u64().unwrap() as u32;
        for i in 0..count {
            let offset = r["offset"].as_u64().unwrap() as u32 + i * r["stride"].as_u64().unwrap() as u32;
            mapped.push(offset);
            let resets = r["resets"].as_array().unwrap();
            let want = if r["access"] == "WO" {
                0
            } else if !resets.is_empty() {
                resets[i as usize].as_u64().unwrap() as u32
            } else {
                r["fields"].as_array().unwrap().iter().fold(0u32, |v, f| v | (f["reset"].as_u64().unwrap() as u32) << f["lsb"].as_u64().unwrap())
            };
            let (got, ok) = b.read(offset);
            assert!(ok, "read of {} refused", r["name"]);
            assert_eq!(got, want, "reset value of {}[{i}] at 0x{offset:03x}", r["name"]);
        }
    }
    b.wait_ready();
    // Access behaviour.
    for r in block["registers"].as_array().unwrap() {
        let name = r["name"].as_str().unwrap();
        let offset = r["offset"].as_u64().unwrap() as u32;
        match r["access"].as_str().unwrap() {
            "RO" if name != "RESP" => {
                let (before, _) = b.read(offset);
                assert!(!b.write(offset, !before), "write to RO {name} accepted");
                assert_eq!(b.read(offset).0, before, "write to RO {name} changed it");
            }
            "RW" => {
                let mask = r["fields"].as_array().unwrap().iter().fold(0u64, |v, f| v | ((1u64 << f["width"].as_u64().unwrap()) - 1) << f["lsb"].as_u64().unwrap()) as u32;
                for v in [0xffff_ffffu32, 0xa5a5_5a5a, 0] {
                    assert!(b.write(offset, v), "write to RW {name} refused");
                    assert_eq!(b.read(offset).0, v & mask, "{name} reads back what was written");
                }
            }
            _ => {}
        }
    }
    // RESP is read-only too (and reading it pops).
    assert!(!b.write(RESP, 0));
    // Unmapped offsets of the region, another function, partial writes.
    for offset in (BASE..BASE + SIZE).step_by(4) {
        if !mapped.contains(&offset) {
            assert!(!b.read(offset).1, "read of unmapped 0x{offset:03x} accepted");
            assert!(!b.write(offset, 0), "write of unmapped 0x{offset:03x} accepted");
        }
    }
    assert!(!b.access(false, 1, MGR_ID, 0, 0).1, "a VF read the manager");
    assert!(!b.access(true, 3, CMD_ARG, 7, 0xf).1, "a VF wrote the manager");
    assert_eq!(b.read(CMD_ARG).0, 0, "a refused VF write changed CMD_ARG");
    assert!(!b.access(true, 0, CMD_ARG, 7, 0x3).1, "partial write accepted");
    assert!(!b.access(false, 0, MGR_ID + 1, 0, 0).1, "unaligned read accepted");
    // W1C with nothing set (the flag itself: full_fifos_refuse_visibly_and_lose_nothing).
    assert!(b.write(ERRORS, 1));
    assert_eq!(b.read(ERRORS).0, 0);
    assert_eq!(b.read(COMMANDS).0, 0, "no command ran");
}

/// Responses are never dropped: with RESP unread the engine stops, the
/// command FIFO fills, the next CMD write is refused with SLVERR and sets
/// ERRORS.cmd_overflow; then every accepted command is answered, in order.
#[test]
fn full_fifos_refuse_visibly_and_lose_nothing() {
    let c = cfg(2, 8, 8, vec![PASSTHROUGH, CRC32]);
    let mut b = Bench::new(&c, "mgr_backpressure");
    b.wait_ready();
    let mut r = Reference::new(&b.params);
    assert!(b.write(CMD_ARG, 0));
    let depth = FIFO_DEPTH;
    let mut accepted = Vec::new();
    for i in 0..3 * depth {
        let word = cmd_word(OP_QUERY_PARTITION, i & 0xff, i % 3);
        if b.write(CMD, word) {
            accepted.push(i);
        } else {
            break;
        }
    }
    // Response FIFO full, one command held in EXEC, command FIFO full.
    assert_eq!(accepted.len() as u32, 2 * depth + 1, "commands accepted before the refusal");
    let (st, _) = b.read(STATUS);
    assert_eq!(st & 0xff, depth, "STATUS.cmd_count");
    assert_eq!(st >> 8 & 0xff, depth, "STATUS.resp_count");
    assert_eq!(st >> 16 & 3, 3, "STATUS.cmd_full and resp_full");
    assert_eq!(b.read(ERRORS).0, 1, "ERRORS.cmd_overflow");
    assert!(!b.write(CMD, cmd_word(OP_QUERY_PARTITION, 0, 0)), "a second write to the full FIFO accepted");
    assert!(b.write(ERRORS, 0));
    assert_eq!(b.read(ERRORS).0, 1, "writing 0 cleared the W1C flag");
    for &i in &accepted {
        let (tag, status, result) = b.pop();
        let want = r.exec(OP_QUERY_PARTITION, i % 3, 0, &mut Vec::new());
        assert_eq!((tag, status, result), (i & 0xff, want.status, want.result), "response to command {i}");
        assert_eq!(b.read(RESP_DATA).0, want.data);
    }
    assert_eq!(b.read(RESP).0 >> 31, 0, "more responses than commands");
    assert!(b.write(ERRORS, 1));
    assert_eq!(b.read(ERRORS).0, 0);
    assert_eq!(b.read(STATUS).0, 1 << 18, "STATUS: FIFOs empty, engine idle, ready");
}

/// Random command streams against the reference model, response by
/// response, with every switch/DMA write compared, and the tables and the
/// switch's routing checked along the way.
fn random_commands(c: &Config, name: &str, commands: usize) {
    let mut b = Bench::new(c, name);
    b.wait_ready();
    let mut r = Reference::new(&b.params);
    b.check_tables(&r, "after reset");
    let vm_limit = 1u32 << c.vm_id_bits;
    // A few VMs, so that they collide, fill their slots and exhaust the VFs.
    let vms: Vec<u32> = (0..12).map(|_| b.rng.below(vm_limit as u64) as u32).collect();
    let mut accs = r.part_acc.clone();
    accs.retain(|&a| a != 0);
    accs.push(0x0bad_acc0);
    let mut histogram = BTreeMap::new();
    for n in 0..commands {
        let vm = if b.rng.chance(0.03) { b.rng.range(vm_limit as u64..1 << 20) as u32 } else { *b.rng.pick(&vms) };
        let acc = if b.rng.chance(0.03) { 0 } else { *b.rng.pick(&accs) };
        let roll = b.rng.below(100);
        let (op, id, arg) = match roll {
            0..=39 => (OP_ATTACH, vm, acc),
            40..=64 => (OP_DETACH, vm, acc),
            65..=72 => (OP_QUERY_VM, vm, if b.rng.chance(0.9) { b.rng.below(4) as u32 } else { b.rng.next_u32() }),
            73..=79 => (OP_QUERY_PARTITION, b.rng.below(c.partitions as u64 + 2) as u32, 0),
            80..=89 => {
                let vf = b.rng.below(c.vfs as u64 + 2) as u32;
                let arg = if b.rng.chance(0.9) { b.rng.below(1 << 24) as u32 } else { b.rng.next_u32() };
                (OP_SET_QOS, vf, arg)
            }
            90..=93 => (OP_LOAD, b.rng.below(c.partitions as u64 + 2) as u32, acc),
            _ => (*b.rng.pick(&[0, 7, 8, 15]), vm, acc),
        };
        let a = b.command(&mut r, op, id, arg);
        *histogram.entry((op, a.status)).or_insert(0u32) += 1;
        if n % 500 == 499 {
            b.check_tables(&r, &format!("after {} commands", n + 1));
        }
    }
    b.check_tables(&r, "at the end");
    // The stream must have exercised every outcome that matters.
    for (op, st) in [
        (OP_ATTACH, ST_OK),
        (OP_ATTACH, ST_ALREADY_ATTACHED),
        (OP_ATTACH, ST_NO_ACC),
        (OP_ATTACH, ST_BAD_ARG),
        (OP_DETACH, ST_OK),
        (OP_DETACH, ST_NOT_ATTACHED),
        (OP_SET_QOS, ST_OK),
        (OP_SET_QOS, ST_NOT_ATTACHED),
        (OP_QUERY_VM, ST_OK),
        (OP_QUERY_PARTITION, ST_BAD_ARG),
        (OP_LOAD, ST_PARTITION_BUSY),
        (OP_LOAD, ST_BAD_ARG),
    ] {
        assert!(histogram.contains_key(&(op, st)), "no command of opcode {op} answered status {st}: {histogram:?}");
    }
    if c.vfs < 12 {
        // Few VFs: partitions empty out, so LOADs go ahead.
        assert!(histogram.contains_key(&(OP_LOAD, ST_OK)), "no LOAD went ahead: {histogram:?}");
        assert!(histogram.contains_key(&(OP_ATTACH, ST_NO_FREE_VF)), "VFs never ran out: {histogram:?}");
    }
}

#[test]
fn random_commands_4_partitions() {
    random_commands(&cfg(4, 8, 8, vec![PASSTHROUGH, CRC32, PASSTHROUGH, CIPHER]), "mgr_random_4p", 3000);
}

#[test]
fn random_commands_3_partitions_more_vfs() {
    random_commands(&cfg(3, 40, 10, vec![CRC32, CIPHER, PASSTHROUGH]), "mgr_random_3p_40vf", 2000);
}

/// Attach until no VF is free (distinct VMs, accelerators in turn), check
/// the refusal, detach everything in a random order, repeat.
#[test]
fn exhaustion_rounds() {
    let c = cfg(5, 24, 12, vec![PASSTHROUGH, CRC32, CIPHER, CRC32, 0]);
    let mut b = Bench::new(&c, "mgr_exhaustion");
    b.wait_ready();
    let mut r = Reference::new(&b.params);
    let accs = [PASSTHROUGH, CRC32, CIPHER];
    for round in 0..3 {
        let mut attached = Vec::new();
        for i in 0..c.vfs as u32 {
            let vm = 4000 - 7 * i - round;
            let acc = accs[(i as usize + round as usize) % 3];
            let a = b.command(&mut r, OP_ATTACH, vm, acc);
            assert_eq!(a.status, ST_OK, "round {round}: attach {i}");
            attached.push((vm, acc));
        }
        assert_eq!(b.read(FREE_VFS).0, 0);
        let a = b.command(&mut r, OP_ATTACH, 5, CRC32);
        assert_eq!(a.status, ST_NO_FREE_VF, "round {round}: attach with no VF free");
        b.check_tables(&r, &format!("round {round}, all attached"));
        b.rng.shuffle(&mut attached);
        for (vm, acc) in attached {
            let a = b.command(&mut r, OP_DETACH, vm, acc);
            assert_eq!(a.status, ST_OK);
        }
        b.check_tables(&r, &format!("round {round}, all detached"));
        assert_eq!(b.read(FREE_VFS).0, c.vfs as u32);
    }
}

/// One VM holds at most VM_SLOTS attachments, each to a different accelerator.
#[test]
fn vm_slots_limit() {
    let accels: Vec<u32> = (1..=6).map(|i| 0x4143_4300 + i).collect();
    let c = cfg(6, 16, 8, accels.clone());
    let mut b = Bench::new(&c, "mgr_vm_slots");
    b.wait_ready();
    let mut r = Reference::new(&b.params);
    for (i, &acc) in accels.iter().enumerate() {
        let a = b.command(&mut r, OP_ATTACH, 42, acc);
        let want = if i < VM_SLOTS { ST_OK } else { ST_VM_FULL };
        assert_eq!(a.status, want, "attachment {i} of one VM");
    }
    for slot in 0..4 {
        let a = b.command(&mut r, OP_QUERY_VM, 42, slot);
        assert_eq!(a.result, VM_SLOTS as u32);
        assert_eq!(a.data & 1, 1);
    }
    b.check_tables(&r, "one VM full");
}

/// LOAD step by step against the stub prc: refusals, PART_ACC emptied at
/// once and set by a successful end, left empty by a failed one, a busy prc
/// holding the next LOAD until it ends the previous one, and ATTACH to the
/// new accelerator only once it is loaded.
#[test]
fn load_handshake_with_prc() {
    let c = cfg(3, 8, 8, vec![PASSTHROUGH, PASSTHROUGH, 0]);
    let mut b = Bench::new(&c, "mgr_load");
    b.wait_ready();
    b.auto_finish = false;
    let mut r = Reference::new(&b.params);
    let part_acc = |b: &mut Bench, p: u32| b.read(PART_ACC + 4 * p).0;
    assert_eq!(b.command(&mut r, OP_LOAD, 3, CRC32).status, ST_BAD_ARG, "partition out of range");
    assert_eq!(b.command(&mut r, OP_LOAD, 1, 0).status, ST_BAD_ARG, "accelerator 0");
    assert_eq!(b.command(&mut r, OP_ATTACH, 7, PASSTHROUGH).status, ST_OK);
    assert_eq!(b.command(&mut r, OP_LOAD, 0, CRC32).status, ST_PARTITION_BUSY, "a VF is attached to partition 0");
    assert_eq!(part_acc(&mut b, 0), PASSTHROUGH);
    // Accepted: answered at once, the partition empty until the prc ends.
    let a = b.command(&mut r, OP_LOAD, 1, CRC32);
    assert_eq!((a.status, a.result), (ST_OK, 1));
    assert_eq!(part_acc(&mut b, 1), 0, "PART_ACC of a loading partition");
    assert_eq!(b.command(&mut r, OP_ATTACH, 8, CRC32).status, ST_NO_ACC, "attach before the end of the LOAD");
    b.idle(50);
    assert_eq!(part_acc(&mut b, 1), 0, "no end from the prc yet");
    b.finish_load_with(0);
    r.load_done(1, 0);
    assert_eq!(part_acc(&mut b, 1), CRC32, "PART_ACC after a successful end");
    assert_eq!(b.command(&mut r, OP_ATTACH, 8, CRC32).status, ST_OK, "attach after the end of the LOAD");
    // The prc holds a LOAD: the next one waits in EXEC (no response) until
    // the first ends; a failed end leaves the partition empty.
    assert_eq!(b.command(&mut r, OP_DETACH, 8, CRC32).status, ST_OK);
    b.m.set("tb_load_ready_en", 1);
    assert!(b.write(CMD_ARG, CIPHER));
    assert!(b.write(CMD, cmd_word(OP_LOAD, 1, 2)));
    b.last_arg = Some(CIPHER);
    b.idle(10);
    assert_eq!(b.m.get("obs_load_busy"), 1);
    assert!(b.write(CMD, cmd_word(OP_LOAD, 2, 1)));
    b.idle(20);
    assert_eq!(b.read(STATUS).0 >> 8 & 0xff, 1, "the second LOAD answered before the prc took it");
    b.finish_load_with(5);
    b.idle(10);
    for (tag, p) in [(1, 2), (2, 1)] {
        let (t, st, res) = b.pop();
        assert_eq!((t, st, res), (tag, ST_OK, p), "LOAD of partition {p}");
    }
    assert_eq!(part_acc(&mut b, 2), 0, "PART_ACC after a failed end");
    assert_eq!(part_acc(&mut b, 1), 0, "PART_ACC of the second, still loading");
    b.finish_load_with(0);
    assert_eq!(part_acc(&mut b, 1), CIPHER);
    assert_eq!(part_acc(&mut b, 0), PASSTHROUGH, "other partitions untouched");
}

/// Timing rule: no output of `mgr` follows an input within a cycle (the
/// neighbours' readys, owners, ends of LOADs, the register bus).
/// Function-level resets on the manager's port, the host bus driven by the
/// bench. An attached VF (weight and slice set): DETACH's event and the
/// DMA's disable; then, once the VF made no host request for
/// FLR_QUIET_CYCLES and its requests (and those outstanding when the FLR
/// came) are answered, ATTACH's event with its partition, weight and slice,
/// its context clear, QoS and enable, in that order, and the done; the
/// tables unchanged; a command pushed meanwhile waits for the done. A VF
/// attached to nobody: the disable, then its context clear and the done; a
/// host write of it in the window starts the window again. The port takes one FLR at a time.
#[test]
fn flr_on_the_detach_path() {
    let c = cfg(3, 8, 10, vec![PASSTHROUGH, CRC32, 0]);
    let mut b = Bench::new(&c, "mgr_flr");
    let mut r = Reference::new(&b.params);
    b.wait_ready();
    b.command(&mut r, OP_ATTACH, 4, PASSTHROUGH);
    let a = b.command(&mut r, OP_ATTACH, 5, CRC32);
    let (vf, part) = (a.result & 0x7ff, a.result >> 11 & 0x3f);
    b.command(&mut r, OP_SET_QOS, vf, 3 | 200 << 8);
    b.check_tables(&r, "before the FLR");
    let quiet = FLR_QUIET_CYCLES as u64;

    // One FLR request; returns the cycles until its done (effects kept).
    fn request(b: &mut Bench, f: u32) {
        assert_eq!(b.m.get("obs_flr_ready"), 1, "FLR port not ready");
        b.effects.clear();
        b.m.set("tb_flr_function", f as u64);
        b.m.set("tb_flr_valid", 1);
        b.idle(1);
        b.m.set("tb_flr_valid", 0);
        assert_eq!(b.m.get("obs_flr_ready"), 0, "FLR port ready with an FLR taken");
    }
    fn pulse(b: &mut Bench, port: &str, user: Option<(&str, u32)>) {
        if let Some((u, f)) = user {
            b.m.set(u, f as u64);
        }
        b.m.set(port, 1);
        b.idle(1);
        b.m.set(port, 0);
    }
    fn done_seen(b: &Bench) -> Vec<u32> {
        b.effects.iter().filter_map(|e| if let Effect::FlrDone { function } = e { Some(*function) } else { None }).collect()
    }

    // The attached VF, with a read of another function outstanding before
    // the FLR and one of its own during it, both answered late.
    pulse(&mut b, "tb_host_ar", Some(("tb_host_aruser", vf + 1)));
    request(&mut b, vf);
    b.idle(30);
    let tag = b.push(OP_QUERY_PARTITION, part, 0);
    b.idle(10);
    pulse(&mut b, "tb_host_ar", Some(("tb_host_aruser", vf)));
    b.idle(quiet as usize + 500);
    assert!(done_seen(&b).is_empty(), "FLR done with host reads of the function outstanding");
    assert_eq!(b.read(RESP).0 >> 31, 0, "a command answered during an FLR");
    pulse(&mut b, "tb_host_r", None);
    b.idle(20);
    assert!(done_seen(&b).is_empty(), "FLR done before the function's own read was answered");
    pulse(&mut b, "tb_host_r", None);
    b.idle(20);
    assert_eq!(done_seen(&b), [vf], "FLR done once its reads were answered");
    let fx: Vec<Effect> = b.effects.iter().copied().filter(|e| !matches!(e, Effect::FlrDone { .. })).collect();
    let ev = |kind: u64| Effect::Event { kind: kind as u32, function: vf, partition: part, weight: 3, slice: 200 };
    assert_eq!(
        fx,
        [
            ev(EV_DETACH),
            Effect::Fnctl { function: vf, enable: false },
            ev(EV_ATTACH),
            Effect::Clear { function: vf },
            Effect::Qos { function: vf, weight: 3 },
            Effect::Fnctl { function: vf, enable: true },
        ],
        "the FLR's writes"
    );
    let (rtag, status, result) = b.pop();
    let want = r.exec(OP_QUERY_PARTITION, part, 0, &mut Vec::new());
    assert_eq!((rtag, status, result), (tag, want.status, want.result), "the command that waited");
    b.check_tables(&r, "after the FLR");

    // A VF attached to nobody; a host write of it in the window.
    let free = c.vfs as u32;
    request(&mut b, free);
    b.idle(1000);
    pulse(&mut b, "tb_host_aw", Some(("tb_host_awuser", free)));
    b.idle(50);
    pulse(&mut b, "tb_host_b", None);
    b.idle(quiet as usize - 200);
    assert!(done_seen(&b).is_empty(), "FLR done less than FLR_QUIET_CYCLES after a host write of the function");
    b.idle(400);
    assert_eq!(done_seen(&b), [free], "FLR of a VF attached to nobody");
    assert_eq!(
        b.effects,
        [Effect::Fnctl { function: free, enable: false }, Effect::Clear { function: free }, Effect::FlrDone { function: free }],
        "its writes"
    );
    b.check_tables(&r, "after the second FLR");
}

#[test]
fn no_combinational_path_from_inputs_to_outputs() {
    let c = cfg(3, 8, 10, vec![PASSTHROUGH, CRC32, 0]);
    let lib = common::model_of_modules("mgr-alone-3p-8vf-10vm", || vfpga::blocks::mgr::mgr_modules(&c));
    let mut m = lib.instantiate("mgr_boundary");
    let mut rng = Rng::for_test("mgr_no_combinational_path_from_inputs_to_outputs");
    let (inputs, outputs) = (common::boundary::all_inputs(&m), common::boundary::all_outputs(&m));
    common::boundary::check_no_input_to_output_path(&mut m, &inputs, &outputs, &mut rng, 3, 5000, &mut |m, rng| {
        // Mostly the PF's command registers, whole words: the engine runs.
        if rng.chance(0.7) {
            m.set("s_reg_req_function", 0);
            m.set("s_reg_req_addr", *rng.pick(&[CMD, CMD, CMD_ARG, RESP, RESP_DATA, STATUS]) as u64);
            m.set("s_reg_req_wstrb", 0xf);
        }
    })
        .unwrap_or_else(|e| panic!("{e}"));
}
