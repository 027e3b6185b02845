//! Emits the `mgr` block (the command engine and partition status table).

use crate::config::Config;
use crate::design::emit_block;
use crate::emit::Module;
use vfpga_hdl::mgr::regs::MgrParams;
use vfpga_hdl::mgr::Mgr;

/// Calls `$body` with `VMW`, the VM-ID width, bound as a const.
#[macro_export]
macro_rules! with_vm_id_bits {
    ($bits:expr, |$vmw:ident| $body:expr) => {
        match $bits {
            8 => { const $vmw: usize = 8; $body }
            10 => { const $vmw: usize = 10; $body }
            12 => { const $vmw: usize = 12; $body }
            b => panic!("vm_id_bits {b} reached the generator unvalidated"),
        }
    };
}

/// Name of the manager's top module.
pub const MGR_TOP: &str = "vfpga_mgr";

const DOC: &str = "Manager: command and response FIFOs in the PF window, a fixed-latency \
                   command engine (ATTACH, DETACH, QUERY, SET_QOS, LOAD), the partition status table.";

/// The manager for this configuration, as emitted modules (leaves first).
pub fn mgr_modules(cfg: &Config) -> Vec<Module> {
    let p = cfg.mgr_params();
    with_vm_id_bits!(p.vm_id_bits, |VMW| emit_block(Mgr::<VMW>::new(&p), MGR_TOP, DOC, cfg))
}

/// The manager for explicit parameters (benchmarks and tests that need more
/// VMs or VFs than a `Config` of theirs says).
pub fn mgr_modules_for(p: &MgrParams, cfg: &Config) -> Vec<Module> {
    with_vm_id_bits!(p.vm_id_bits, |VMW| emit_block(Mgr::<VMW>::new(p), MGR_TOP, DOC, cfg))
}
