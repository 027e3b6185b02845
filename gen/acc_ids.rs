//! Accelerator IDs as a user writes them, on the command line
//! (`--partition-accels`, `new-accel --acc-id`) and in the TOML file
//! (`partition_accels`): the name of a built-in accelerator or a 32-bit
//! number, hex (`0x4352_4333`) or decimal.

use vfpga_hdl::acc_id::{CIPHER, CRC32, PASSTHROUGH};
use vfpga_hdl::accel::CHAOS_ID;

/// Every name a built-in accelerator answers to, and its ID (`kxor` is the
/// cipher's module name, `cipher` its name in the register map).
pub const NAMES: [(&str, u32); 4] = [("passthrough", PASSTHROUGH), ("crc32", CRC32), ("cipher", CIPHER), ("kxor", CIPHER)];

/// Every built-in RM, by the `<name>` of its module `vfpga_rm_<name>` (the
/// examples in `rtl/rm/`, and `chaos`, the misbehaving RM of the simulation
/// top), and its ID.
pub const BUILT_IN_RMS: [(&str, u32); 4] =
    [("passthrough", PASSTHROUGH), ("crc32", CRC32), ("kxor", CIPHER), ("chaos", CHAOS_ID)];

/// The names for messages: `passthrough, crc32, cipher or kxor`.
pub fn names_text() -> String {
    let names: Vec<&str> = NAMES.iter().map(|(n, _)| *n).collect();
    let (last, rest) = names.split_last().expect("NAMES is not empty");
    format!("{} or {last}", rest.join(", "))
}

/// A 32-bit number, hex with `0x` or decimal, `_` allowed between digits.
pub fn parse_number(s: &str) -> Option<u32> {
    let t = s.trim().replace('_', "");
    match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(hex) => u32::from_str_radix(hex, 16).ok(),
        None => t.parse::<u32>().ok(),
    }
}

/// An accelerator ID: a built-in accelerator's name (any case) or a 32-bit number.
pub fn parse(s: &str) -> Result<u32, String> {
    let name = s.trim();
    if let Some((_, id)) = NAMES.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
        return Ok(*id);
    }
    parse_number(s).ok_or_else(|| {
        format!("{s:?} is neither an accelerator name ({}) nor a 32-bit number (0x4352_4333 or 1129464627)", names_text())
    })
}

/// The built-in RM whose ID is `id`, if any.
pub fn built_in_with_id(id: u32) -> Option<&'static str> {
    BUILT_IN_RMS.iter().find(|(_, v)| *v == id).map(|(n, _)| *n)
}

/// `partition_accels` in the TOML file: each element a name or an integer.
pub mod serde_list {
    use serde::de::{self, Deserializer, SeqAccess, Visitor};
    use std::fmt;

    /// One element: a string (name or number) or a TOML integer.
    struct Id;

    impl<'de> Visitor<'de> for Id {
        type Value = u32;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "an accelerator name ({}) or a 32-bit number", super::names_text())
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<u32, E> {
            u32::try_from(v).map_err(|_| E::custom(format!("{v} is not a 32-bit accelerator ID (0..=4294967295)")))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<u32, E> {
            u32::try_from(v).map_err(|_| E::custom(format!("{v} is not a 32-bit accelerator ID (0..=4294967295)")))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<u32, E> {
            super::parse(v).map_err(E::custom)
        }
    }

    struct Element(u32);
    impl<'de> serde::Deserialize<'de> for Element {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(Id).map(Element)
        }
    }

    struct List;
    impl<'de> Visitor<'de> for List {
        type Value = Vec<u32>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "a list of accelerator names ({}) or 32-bit numbers", super::names_text())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u32>, A::Error> {
            let mut out = Vec::new();
            while let Some(Element(v)) = seq.next_element()? {
                out.push(v);
            }
            Ok(out)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u32>, D::Error> {
        d.deserialize_seq(List)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers() {
        assert_eq!(parse("crc32"), Ok(CRC32));
        assert_eq!(parse("KXOR"), Ok(CIPHER));
        assert_eq!(parse("cipher"), Ok(CIPHER));
        assert_eq!(parse("0x4352_4333"), Ok(CRC32));
        assert_eq!(parse("7"), Ok(7));
        let e = parse("sha").unwrap_err();
        assert!(e.contains("passthrough, crc32, cipher or kxor"), "{e}");
        assert_eq!(parse_number("0x1_0000_0000"), None);
    }
}
