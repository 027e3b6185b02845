//! `accel`: example reconfigurable modules (RMs). Each implements the RM
//! interface of `hdl/README.md` (its field `rm`, [`crate::rm::RmPort`]) and
//! is emitted as its own top (`vfpga_rm_<name>`) for out-of-context synthesis.
//!
//! | RM | `acc_id` | does | context |
//! |---|---|---|---|
//! | [`Passthrough`] | `0x50415353` "PASS" | copies packets | reg 0: a free 32-bit tag |
//! | [`Crc32`] | `0x43524333` "CRC3" | one 4-byte packet per input packet: the running CRC-32 | reg 0: the CRC register |
//! | [`Kxor`] | `0x4B584F52` "KXOR" | XORs the stream with an xorshift64 keystream | regs 0, 1: the keystream state |
//! | [`Chaos`] | `0xDEADBEEF` | drives random outputs, never idle: a misbehaving RM for tests and the garbage of a failed reconfiguration in simulation | none |
//!
//! The context of a stateful RM is its whole state between packets: reading it
//! after a packet and writing it back into a freshly reset RM continues the
//! same computation. Context writes are accepted only while `idle` (the
//! partition wrapper and `ctx` write it while the RM is quiesced).

mod chaos;
mod crc32;
mod kxor;
mod passthrough;

pub use chaos::Chaos;
pub use crc32::Crc32;
pub use kxor::Kxor;
pub use passthrough::Passthrough;

/// `acc_id` of the passthrough ("PASS").
pub const PASSTHROUGH_ID: u32 = 0x5041_5353;
/// `acc_id` of the CRC-32 ("CRC3").
pub const CRC32_ID: u32 = 0x4352_4333;
/// `acc_id` of the keyed XOR stream cipher ("KXOR").
pub const KXOR_ID: u32 = 0x4B58_4F52;
/// `acc_id` of the misbehaving test RM.
pub const CHAOS_ID: u32 = 0xDEAD_BEEF;
/// Reset value of the CRC register (IEEE 802.3 CRC-32 starts from all ones).
pub const CRC32_INIT: u32 = 0xFFFF_FFFF;
/// Reflected IEEE 802.3 polynomial.
pub const CRC32_POLY: u32 = 0xEDB8_8320;
/// Reset value of the keystream state (any non-zero value; 0 is a fixed point
/// of xorshift64, which would make the cipher the identity).
pub const KXOR_INIT: u64 = 0x9E37_79B9_7F4A_7C15;

/// The example RMs that go into `rtl/rm/`, by emitted name and `acc_id`.
pub const EXAMPLES: [(&str, u32); 3] =
    [("passthrough", PASSTHROUGH_ID), ("crc32", CRC32_ID), ("kxor", KXOR_ID)];
