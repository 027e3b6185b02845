//! Accelerator IDs of the example accelerators (the `acc_id` output of the RM
//! interface): four ASCII characters, so that a register dump reads them.
//! 0 is no accelerator (an empty partition).

/// Passes its input stream through unchanged ('PASS').
pub const PASSTHROUGH: u32 = 0x5041_5353;
/// Streaming CRC-32 whose running value is its context ('CRC3').
pub const CRC32: u32 = 0x4352_4333;
/// Keyed stream cipher whose key is its context ('CIPH').
pub const CIPHER: u32 = 0x4349_5048;

/// (name, ID, description) of every example accelerator.
pub const ALL: [(&str, u32, &str); 3] = [
    ("PASSTHROUGH", PASSTHROUGH, "'PASS': output = input."),
    ("CRC32", CRC32, "'CRC3': streaming CRC-32; the running CRC is its context."),
    ("CIPHER", CIPHER, "'CIPH': keyed stream cipher; the key is its context."),
];

/// The ID of an example accelerator named as in [`ALL`] (any case).
pub fn by_name(name: &str) -> Option<u32> {
    ALL.iter().find(|(n, _, _)| n.eq_ignore_ascii_case(name)).map(|(_, v, _)| *v)
}
