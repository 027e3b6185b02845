//! `vfpga new-accel`: the template of a new reconfigurable module, with a
//! name and an accelerator ID that nothing else uses. A built-in RM or one
//! already in the target tree with the same module name or `acc_id` would
//! make the manager load or attach the wrong accelerator, so both are refused.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use crate::acc_ids;
use crate::config::{DATA_WIDTHS, NAME_MAX};

/// What `new-accel` was asked for.
#[derive(Debug, Clone)]
pub struct Request {
    pub name: String,
    /// Directory the template goes into.
    pub out: PathBuf,
    pub data_width: usize,
    /// `None`: from the name's first four characters.
    pub acc_id: Option<u32>,
}

/// Why nothing was written.
#[derive(Debug)]
pub enum Error {
    /// The user must change the request (exit status 2).
    Usage(String),
    /// Writing failed (exit status 1).
    Io(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(m) | Error::Io(m) => f.write_str(m),
        }
    }
}

/// An RM found in the target tree: its module name, `acc_id` and file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundRm {
    pub module: String,
    pub acc_id: Option<u32>,
    pub path: PathBuf,
}

/// Subfolder levels of `--out` searched for RMs (deep enough for a generated
/// tree's `rtl/rm/<name>/`).
const SEARCH_DEPTH: usize = 4;

/// The ID the template takes from `name`: its first four letters or digits,
/// upper case, in ASCII (`myacc` -> "MYAC"), padded with spaces.
pub fn id_from_name(name: &str) -> u32 {
    let mut id = [b' '; 4];
    for (i, c) in name.bytes().filter(|c| c.is_ascii_alphanumeric()).take(4).enumerate() {
        id[i] = c.to_ascii_uppercase();
    }
    u32::from_be_bytes(id)
}

/// `id` as hex and, when it is printable, as its four ASCII characters.
fn show_id(id: u32) -> String {
    let b = id.to_be_bytes();
    if b.iter().all(|c| c.is_ascii_graphic() || *c == b' ') {
        format!("0x{id:08X} (\"{}\")", String::from_utf8_lossy(&b))
    } else {
        format!("0x{id:08X}")
    }
}

/// Every `vfpga_rm_*.v` below `dir` (hidden folders and `target/` skipped).
pub fn find_rms(dir: &Path) -> Vec<FoundRm> {
    fn walk(dir: &Path, depth: usize, out: &mut Vec<FoundRm>) {
        let Ok(entries) = fs::read_dir(dir) else { return };
        let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if p.is_dir() {
                if depth < SEARCH_DEPTH && !name.starts_with('.') && name != "target" {
                    walk(&p, depth + 1, out);
                }
            } else if name.starts_with("vfpga_rm_") && name.ends_with(".v") {
                if let Ok(text) = fs::read_to_string(&p) {
                    out.extend(parse_rm(&text, &p));
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, 0, &mut out);
    out
}

/// The module name and `ACC_ID` of an RM file (the template's parameter, or
/// the `acc_id` constant of an emitted example).
fn parse_rm(text: &str, path: &Path) -> Option<FoundRm> {
    let module = text.lines().find_map(|l| {
        let rest = l.trim_start().strip_prefix("module ")?;
        let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        name.starts_with("vfpga_rm_").then_some(name)
    })?;
    let acc_id = text.lines().find_map(|l| {
        let (_, rest) = l.split_once("ACC_ID")?;
        let (_, hex) = rest.split_once("32'h")?;
        let digits: String = hex.chars().take_while(|c| c.is_ascii_hexdigit() || *c == '_').filter(|c| *c != '_').collect();
        u32::from_str_radix(&digits, 16).ok()
    });
    Some(FoundRm { module, acc_id, path: path.to_path_buf() })
}

/// Checks the request and picks the ID: the name and the ID must be valid,
/// and no built-in RM and no RM in the tree may have either.
pub fn check(req: &Request) -> Result<u32, Error> {
    let n = &req.name;
    let valid = n.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && n.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && n.len() <= NAME_MAX;
    if !valid {
        return Err(Error::Usage(format!(
            "name = {n:?} is invalid: a lowercase letter, then lowercase letters, digits or '_' ([a-z][a-z0-9_]*), \
             at most {NAME_MAX} characters"
        )));
    }
    if !DATA_WIDTHS.contains(&req.data_width) {
        return Err(Error::Usage(format!("data_width = {} is not supported: allowed 64, 128, 256 or 512", req.data_width)));
    }
    if acc_ids::NAMES.iter().any(|(b, _)| b == n) || acc_ids::BUILT_IN_RMS.iter().any(|(b, _)| b == n) {
        return Err(Error::Usage(format!(
            "{n:?} is a built-in accelerator (vfpga_rm_{n} or the name --partition-accels takes): choose another name \
             (built-in: {}, chaos)",
            acc_ids::names_text()
        )));
    }
    let id = req.acc_id.unwrap_or_else(|| id_from_name(n));
    let whence = if req.acc_id.is_some() { "--acc-id" } else { "the ID from the name's first four characters" };
    if id == 0 {
        return Err(Error::Usage(format!("{whence} is 0, which means an empty partition: choose another with --acc-id")));
    }
    if let Some(b) = acc_ids::built_in_with_id(id) {
        return Err(Error::Usage(format!(
            "{whence}, {}, is the built-in {b} accelerator's: choose another with --acc-id (hex 0x... or decimal)",
            show_id(id)
        )));
    }
    let module = format!("vfpga_rm_{n}");
    let dest = req.out.join(format!("{module}.v"));
    if dest.exists() {
        return Err(Error::Usage(format!("{} exists: not overwritten", dest.display())));
    }
    for rm in find_rms(&req.out) {
        if rm.module == module {
            return Err(Error::Usage(format!(
                "{} already defines {module}: choose another name, or remove that file",
                rm.path.display()
            )));
        }
        if rm.acc_id == Some(id) {
            return Err(Error::Usage(format!(
                "{whence}, {}, is already taken by {} ({}): choose another with --acc-id (hex 0x... or decimal)",
                show_id(id),
                rm.module,
                rm.path.display()
            )));
        }
    }
    Ok(id)
}

/// Checks the request, then writes `vfpga_rm_<name>.v` into `out`; returns its path.
pub fn write(req: &Request) -> Result<PathBuf, Error> {
    // A file where the folder should be is the user's to fix, not a failure.
    if let Some(p) = req.out.ancestors().find(|p| p.exists()) {
        if !p.is_dir() {
            return Err(Error::Usage(format!(
                "--out {}: {} is a file, not a directory: give a directory",
                req.out.display(),
                p.display()
            )));
        }
    }
    let id = check(req)?;
    let path = req.out.join(format!("vfpga_rm_{}.v", req.name));
    fs::create_dir_all(&req.out)
        .and_then(|_| fs::write(&path, crate::flow::new_accel(&req.name, req.data_width, id)))
        .map_err(|e| Error::Io(format!("{}: {e}", path.display())))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_parsing() {
        assert_eq!(id_from_name("myacc"), u32::from_be_bytes(*b"MYAC"));
        assert_eq!(id_from_name("ab"), u32::from_be_bytes(*b"AB  "));
        assert_eq!(id_from_name("crc32c"), vfpga_hdl::acc_id::CRC32);
        let text = crate::flow::new_accel("demo", 64, 0x1234_5678);
        let rm = parse_rm(&text, Path::new("x.v")).unwrap();
        assert_eq!((rm.module.as_str(), rm.acc_id), ("vfpga_rm_demo", Some(0x1234_5678)));
    }
}
