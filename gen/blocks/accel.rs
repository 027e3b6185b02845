//! Emits the example accelerators, each as its own top `vfpga_rm_<name>`
//! (for out-of-context synthesis, `rtl/rm/`), and the misbehaving test RM.

use crate::config::Config;
use crate::design::emit_rm_block;
use crate::emit::Module;
use crate::with_data_width;
use vfpga_hdl::accel::{Chaos, Crc32, Kxor, Passthrough};

/// Name of the emitted top of RM `name` (`passthrough`, `crc32`, `kxor`, `chaos`).
pub fn rm_top(name: &str) -> String {
    format!("vfpga_rm_{name}")
}

/// One RM as emitted modules (leaves first, its top last). Panics on an
/// unknown name: the list is [`vfpga_hdl::accel::EXAMPLES`] plus `chaos`.
pub fn rm_modules(cfg: &Config, name: &str) -> Vec<Module> {
    let top = rm_top(name);
    let mut mods = match name {
        "passthrough" => with_data_width!(cfg, |DW, KW| emit_rm_block(
            Passthrough::<DW, KW>::default(),
            &top,
            "Example RM: passthrough (acc_id 0x50415353 \"PASS\"); context reg 0 is a free tag.",
            cfg
        )),
        "crc32" => with_data_width!(cfg, |DW, KW| emit_rm_block(
            Crc32::<DW, KW>::default(),
            &top,
            "Example RM: running CRC-32 (acc_id 0x43524333 \"CRC3\"), one 4-byte result per packet; context reg 0 is the CRC register.",
            cfg
        )),
        "kxor" => with_data_width!(cfg, |DW, KW| emit_rm_block(
            Kxor::<DW, KW>::default(),
            &top,
            "Example RM: xorshift64 keystream cipher (acc_id 0x4B584F52 \"KXOR\"); context regs 0-1 are the key/state.",
            cfg
        )),
        "chaos" => with_data_width!(cfg, |DW, KW| emit_rm_block(
            Chaos::<DW, KW>::default(),
            &top,
            "Test RM that misbehaves on purpose (random outputs, never idle); simulation only.",
            cfg
        )),
        other => panic!("no accelerator named {other}"),
    };
    // The register slices' tid and tuser: the RM interface carries no
    // function, and its output stream no cut flag.
    crate::design::waive_unused_signals(&mut mods, |n| n == top);
    mods
}
