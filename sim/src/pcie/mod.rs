//! A model of the UltraScale+ PCIe integrated block's user interface
//! (`pcie4_uscale_plus`, PG213), written from its descriptor formats, for
//! testing what sits on it (the `pcie` block): straddling off, dword-aligned
//! mode, 256- or 512-bit streams.
//!
//! * [`rc::RootComplex`]: the host's requests to the device's BARs on CQ,
//!   every CC completion checked against what it expects.
//! * [`host::HostPort`]: the device's requests on RQ, every TLP rule checked
//!   (descriptor fields, dword count, byte enables, 4 KiB, MPS, MRRS,
//!   requester function, tags), served from a host memory behind an
//!   [`crate::host::Iommu`], completions on RC with random latency, split at
//!   the read completion boundary, out of order across tags, error
//!   completions on request.
//! * [`msix::MsixModel`]: the MSI-X interrupt ports.
//!
//! Function numbers are the hard block's: PF0 = 0, PF1-3 = 1-3, VF j of PF0
//! (0-based) = 4 + j; [`our_function`] maps them to the shell's (PF 0, VF k = k).

pub mod host;
pub mod platform;
pub mod msix;
pub mod rc;

/// Descriptor request types (PG213, CQ and RQ).
pub const MEM_READ: u32 = 0;
pub const MEM_WRITE: u32 = 1;
pub const IO_READ: u32 = 2;
pub const IO_WRITE: u32 = 3;
pub const FETCH_ADD: u32 = 4;
pub const LOCKED_READ: u32 = 7;
pub const MESSAGE: u32 = 12;

/// Completion statuses.
pub const SC: u32 = 0;
pub const UR: u32 = 1;
pub const CA: u32 = 4;

/// The shell's function of the hard block's function `t`, if ours.
pub fn our_function(t: u32, functions: u32) -> Option<u32> {
    match t {
        0 => Some(0),
        1..=3 => None,
        t if t - 3 < functions => Some(t - 3),
        _ => None,
    }
}

/// The hard block's function of the shell's function `f`.
pub fn hard_function(f: u32) -> u32 {
    if f == 0 { 0 } else { f + 3 }
}

/// Where the tuser fields are at one data width (PG213, straddle off).
///
/// 512 bits: CQ first_be 7:0, last_be 15:8, byte_en 79:16, is_sop 81:80,
/// is_eop 87:86, is_eop0_ptr 91:88, discontinue 96; CC is_sop 1:0, is_eop
/// 7:6, is_eop0_ptr 11:8, discontinue 16; RQ first_be 7:0, last_be 15:8,
/// is_sop 21:20, is_eop 27:26, is_eop0_ptr 31:28, discontinue 36; RC
/// byte_en 63:0, is_sop 67:64, is_eop 79:76, is_eop0_ptr 83:80,
/// discontinue 96 (the TLP of each beat is the first: its fields are the
/// low halves). 256 bits: CQ first_be 3:0, last_be 7:4, sop 40,
/// discontinue 41; CC discontinue 0; RQ first_be 3:0, last_be 7:4,
/// discontinue 11; RC byte_en 31:0, is_sof_0 32, is_eof_0 37:34 (bit 0 the
/// end, 3:1 the last dword), discontinue 42.
#[derive(Clone, Copy, Debug)]
pub struct Layout {
    /// Data bits and dwords per beat.
    pub dw: usize,
    pub nk: usize,
    pub cq_last_be: usize,
    pub cq_disc: usize,
    pub rq_last_be: usize,
    pub rc_disc: usize,
    pub wide: bool,
}

impl Layout {
    pub fn new(dw: usize) -> Self {
        let wide = dw == 512;
        assert!(dw == 256 || wide, "PG213 model: 256 or 512 bits");
        Layout {
            dw,
            nk: dw / 32,
            cq_last_be: if wide { 8 } else { 4 },
            cq_disc: if wide { 96 } else { 41 },
            rq_last_be: if wide { 8 } else { 4 },
            rc_disc: if wide { 96 } else { 42 },
            wide,
        }
    }
}

/// A bit field of a little-endian word vector.
pub fn field(words: &[u32], lo: usize, width: usize) -> u64 {
    let mut v = 0u64;
    for i in 0..width {
        let b = lo + i;
        if words.get(b / 32).is_some_and(|w| w >> (b % 32) & 1 == 1) {
            v |= 1 << i;
        }
    }
    v
}

/// Sets a bit field of a little-endian word vector.
pub fn set_field(words: &mut [u32], lo: usize, width: usize, value: u64) {
    for i in 0..width {
        let b = lo + i;
        let bit = (value >> i & 1) as u32;
        words[b / 32] = (words[b / 32] & !(1 << (b % 32))) | bit << (b % 32);
    }
}

/// Lowest and highest enabled byte of a byte-enable nibble (0, 0 if none).
pub fn be_span(be: u32) -> (u32, u32) {
    if be & 0xf == 0 {
        return (0, 0);
    }
    (be.trailing_zeros(), 31 - (be & 0xf).leading_zeros())
}

/// A byte-enable nibble with its ones contiguous.
pub fn be_contiguous(be: u32) -> bool {
    let be = be & 0xf;
    be == 0 || (be >> be.trailing_zeros()).count_ones() == (32 - (be >> be.trailing_zeros()).leading_zeros())
}

/// Keeps of a beat of `n` dwords: ones from dword 0.
pub fn keep_of(n: usize) -> u64 {
    if n >= 64 { u64::MAX } else { (1u64 << n) - 1 }
}
pub mod shell_side;
