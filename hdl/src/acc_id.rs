//! Accelerator IDs of the example accelerators (the `acc_id` output of the RM
//! interface): four ASCII characters, so that a register dump reads them.
//! 0 is no accelerator (an empty partition). The accelerators themselves are
//! in `accel/`, which takes its IDs from here.

/// Passes its input stream through unchanged ('PASS').
pub const PASSTHROUGH: u32 = crate::accel::PASSTHROUGH_ID;
/// Streaming CRC-32 whose running value is its context ('CRC3').
pub const CRC32: u32 = crate::accel::CRC32_ID;
/// Keyed XOR stream cipher whose key is its context ('KXOR').
pub const CIPHER: u32 = crate::accel::KXOR_ID;

/// (name, ID, description) of every example accelerator.
pub const ALL: [(&str, u32, &str); 3] = [
    ("PASSTHROUGH", PASSTHROUGH, "'PASS': output = input."),
    ("CRC32", CRC32, "'CRC3': streaming CRC-32; the running CRC is its context."),
    ("CIPHER", CIPHER, "'KXOR': keyed XOR stream cipher (xorshift64 keystream); the key is its context."),
];

/// The ID of an example accelerator named as in [`ALL`] (any case), or by its
/// module name (`kxor`).
pub fn by_name(name: &str) -> Option<u32> {
    if name.eq_ignore_ascii_case("kxor") {
        return Some(CIPHER);
    }
    ALL.iter().find(|(n, _, _)| n.eq_ignore_ascii_case(name)).map(|(_, v, _)| *v)
}
