//! Emits the `dma` block.

use crate::config::Config;
use crate::design::emit_block;
use crate::emit::{variant_base, Module};
use vfpga_hdl::dma::{Dma, DmaParams};

/// Name of the DMA engine's top module.
pub const DMA_TOP: &str = "vfpga_dma";

/// The DMA's child blocks that leave FIFO outputs unused (see below).
const DMA_CHILDREN: &[&str] = &[
    "vfpga_dma_packer",
    "vfpga_dma_ctrl",
    "vfpga_dma_ctrl_rec",
    "vfpga_dma_ctrl_rec_run_ahead",
    "vfpga_dma_ctrl_mail",
    "vfpga_dma_ctrl_banks",
    "vfpga_dma_ctrl_banks_bank",
    "vfpga_dma_c2h",
    "vfpga_dma_c2h_stream_in",
    "vfpga_dma_writes",
    "vfpga_dma_gate",
    "vfpga_dma_reader",
    "vfpga_dma_desc_reader",
    "vfpga_dma_reader_port",
    "vfpga_dma_desc_reader_port",
];

/// The DMA engine for this configuration with default parameters.
pub fn dma_modules(cfg: &Config) -> Vec<Module> {
    dma_modules_with(cfg, DmaParams::new(cfg.functions(), cfg.data_width))
}

/// The DMA engine with explicit parameters (maximum burst, reads in flight).
pub fn dma_modules_with(cfg: &Config, p: DmaParams) -> Vec<Module> {
    let doc = "Multi-function DMA engine: per-function H2C/C2H descriptor rings in host memory, \
               one shared data path tagged with the function number.";
    // The packers need twice the data width: a third type parameter.
    let mut mods = match cfg.data_width {
        64 => emit_block(Dma::<64, 8, 128>::new(p), DMA_TOP, doc, cfg),
        128 => emit_block(Dma::<128, 16, 256>::new(p), DMA_TOP, doc, cfg),
        256 => emit_block(Dma::<256, 32, 512>::new(p), DMA_TOP, doc, cfg),
        512 => emit_block(Dma::<512, 64, 1024>::new(p), DMA_TOP, doc, cfg),
        w => panic!("data width {w} reached the generator unvalidated"),
    };
    // Unused outputs of the input register slices, all intended: the ready of
    // the qos/fnctl/gate slices (those ports are always accepted: the DMA
    // queues them), the handshake outputs of the side-band slices that run in
    // parallel with the one whose handshake is used (R side band, W strobes),
    // and the C2H stream's tuser (C2H packets carry no cut flag). In the
    // child blocks: the `full` and `count` outputs of FIFOs whose room is
    // reserved before every push (the packer's data FIFO, the descriptor banks,
    // the reader's tag FIFO, the C2H run-ahead's FIFO); in the C2H input (`c2h_input.rs`) the flags and
    // counts of the keep and side FIFOs, which move in step with the data
    // FIFO whose flags are used, the heads FIFO's count, and its slices' tuser.
    // (The descriptor banks are emitted as copies, `_v2`...: one name.)
    crate::design::waive_unused_signals(&mut mods, |n| n == DMA_TOP || DMA_CHILDREN.contains(&variant_base(n)));
    mods
}
