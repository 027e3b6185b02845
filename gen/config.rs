//! The one configuration of a generated design, validated once.
//!
//! A configuration comes from the defaults, then a TOML file (`--config`), then
//! the command-line flags, each overriding the previous. [`Config::validate`] is
//! the single range check for all of them.

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// Allowed number of reconfigurable partitions.
pub const PARTITIONS: std::ops::RangeInclusive<usize> = 1..=64;
/// Allowed number of SR-IOV virtual functions. Today's PCIe hard blocks expose
/// up to 252 VFs; the seed paper's benchmark attaches 1000 VMs.
pub const VFS: std::ops::RangeInclusive<usize> = 1..=1024;
/// VFs of PF0 the UltraScale+ PCIe hard block supports (a design with more has no chip top).
pub const PCIE_MAX_VFS: usize = 252;
/// Allowed widths of the stream data path, in bits.
pub const DATA_WIDTHS: [usize; 4] = [64, 128, 256, 512];
/// Allowed numbers of 32-bit context words per function (the accelerator
/// context a VM keeps in its window and the hardware saves and restores).
pub const CONTEXT_WORDS: [usize; 5] = [4, 8, 16, 32, 64];
/// Allowed widths of a VM ID (the manager's VM table has 2^bits entries).
pub const VM_ID_BITS: [usize; 3] = vfpga_hdl::mgr::regs::VM_ID_BITS_ALLOWED;
/// Allowed drain limits of the partition wrappers, cycles (a 16-bit counter).
pub const DRAIN_LIMIT: std::ops::RangeInclusive<u64> = 1..=65535;
/// Allowed static-region clocks, MHz (ICAPE3 runs at most at 200).
pub const CLOCK_MHZ: std::ops::RangeInclusive<u32> = 10..=200;
/// Longest design name: it names the output folder and the FuseSoC core.
pub const NAME_MAX: usize = 48;

/// What the user asked for. Field names are those of the TOML file and of the
/// `vfpga generate` flags.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Design name: names the output folder and the FuseSoC core, and appears
    /// in every file's header (module names do not depend on it).
    pub name: String,
    /// Number of reconfigurable partitions (1..=64).
    pub partitions: usize,
    /// Number of SR-IOV virtual functions (1..=1024); function 0 is the PF.
    pub vfs: usize,
    /// Width of the stream data path in bits (64, 128, 256 or 512).
    pub data_width: usize,
    /// 32-bit context words per function (4, 8, 16, 32 or 64).
    pub context_words: usize,
    /// Width of a VM ID in manager commands (8, 10 or 12): VMs 0 .. 2^bits - 1.
    pub vm_id_bits: usize,
    /// Accelerator ID each partition holds at reset, one per partition
    /// (0: empty); empty list: every partition holds the passthrough. The
    /// TOML file takes names (`"crc32"`) or integers, as the flag does.
    #[serde(deserialize_with = "crate::acc_ids::serde_list::deserialize")]
    pub partition_accels: Vec<u32>,
    /// Cycles a partition waits for its RM to drain before it decouples it
    /// anyway (a hung RM), 1..=65535.
    pub drain_limit: u64,
    /// Xilinx part the constraints and the Vivado flow target.
    pub device: String,
    /// Clock of the static region, MHz (the XDC's clock; the prc's ICAPE3
    /// takes at most 200).
    pub clock_mhz: u32,
    /// One pblock per partition; empty: the device's built-in preset
    /// (`gen/floorplan.rs`).
    pub floorplan: Vec<crate::floorplan::Pblock>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            name: "vfpga".into(),
            partitions: 4,
            vfs: 8,
            data_width: 64,
            context_words: 16,
            vm_id_bits: 10,
            partition_accels: Vec::new(),
            drain_limit: 1024,
            device: "xcu250-figd2104-2L-e".into(),
            clock_mhz: 200,
            floorplan: Vec::new(),
        }
    }
}

/// Why a configuration was refused. The message names the field, the value and
/// what is allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// A numeric field outside its allowed range.
    OutOfRange {
        field: &'static str,
        value: usize,
        allowed: String,
    },
    /// A numeric field that is not one of a few allowed values.
    NotOneOf {
        field: &'static str,
        value: usize,
        allowed: String,
    },
    /// A list field with the wrong number of elements.
    BadLength {
        field: &'static str,
        len: usize,
        allowed: String,
    },
    /// The design name does not match `[a-z][a-z0-9_]*` or is too long.
    BadName { value: String, reason: &'static str },
    /// The floorplan (`floorplan`, `device`, `partitions`) cannot be built.
    Floorplan(String),
    /// The configuration file could not be read.
    Read { path: String, message: String },
    /// The configuration file is not valid TOML for a [`Config`].
    Parse { path: String, message: String },
}

/// Fields only the configuration file sets: `generate` has no flag for them.
pub const FILE_ONLY_FIELDS: [&str; 4] = ["drain_limit", "device", "clock_mhz", "floorplan"];

/// Where the user sets a field: `set --data-width or 'data_width' in the
/// config file`, or for a file-only field `set 'clock_mhz' in the config file`.
fn where_to_set(field: &str) -> String {
    if FILE_ONLY_FIELDS.contains(&field) {
        format!("set '{field}' in the config file; there is no flag for it")
    } else {
        format!("set --{} or '{field}' in the config file", field.replace('_', "-"))
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::OutOfRange { field, value, allowed } => write!(
                f,
                "{field} = {value} is out of range: allowed {allowed} ({})",
                where_to_set(field)
            ),
            ConfigError::NotOneOf { field, value, allowed } => write!(
                f,
                "{field} = {value} is not supported: allowed {allowed} ({})",
                where_to_set(field)
            ),
            ConfigError::BadLength { field, len, allowed } => write!(
                f,
                "{field} has {len} elements: allowed {allowed} ({})",
                where_to_set(field)
            ),
            ConfigError::BadName { value, reason } => write!(
                f,
                "name = {value:?} is invalid: {reason}; allowed: a lowercase letter, then lowercase letters, \
                 digits or '_' ([a-z][a-z0-9_]*), at most {NAME_MAX} characters \
                 (set --name or 'name' in the config file)"
            ),
            ConfigError::Floorplan(m) => write!(f, "floorplan: {m} (set 'floorplan' or 'device' in the config file)"),
            ConfigError::Read { path, message } => {
                write!(f, "cannot read config file {path}: {message}")
            }
            ConfigError::Parse { path, message } => {
                write!(f, "invalid config file {path}: {}", message.trim_end())
            }
        }
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// PCIe functions: the PF and every VF.
    pub fn functions(&self) -> usize {
        self.vfs + 1
    }

    /// Parses a TOML configuration. Missing fields take their defaults; unknown
    /// fields are refused. The result is not validated yet.
    pub fn from_toml(text: &str, path: &str) -> Result<Config, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_string(),
            message: e.to_string(),
        })
    }

    /// Reads and parses a TOML configuration file (not validated yet).
    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            path: shown.clone(),
            message: e.to_string(),
        })?;
        Config::from_toml(&text, &shown)
    }

    /// The configuration as TOML, in the format `--config` reads.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a Config always serializes")
    }

    /// Checks every field against its allowed values; the first bad field is
    /// reported.
    pub fn validate(&self) -> Result<(), ConfigError> {
        validate_name(&self.name)?;
        if !PARTITIONS.contains(&self.partitions) {
            return Err(ConfigError::OutOfRange {
                field: "partitions",
                value: self.partitions,
                allowed: format!("{}..={}", PARTITIONS.start(), PARTITIONS.end()),
            });
        }
        if !VFS.contains(&self.vfs) {
            return Err(ConfigError::OutOfRange {
                field: "vfs",
                value: self.vfs,
                allowed: format!("{}..={}", VFS.start(), VFS.end()),
            });
        }
        if !DATA_WIDTHS.contains(&self.data_width) {
            return Err(ConfigError::NotOneOf {
                field: "data_width",
                value: self.data_width,
                allowed: "64, 128, 256 or 512".into(),
            });
        }
        if matches!(self.data_width, 256 | 512) && self.vfs > PCIE_MAX_VFS {
            // The chip top's PCIe hard block (PG213) numbers at most 252 VFs.
            return Err(ConfigError::OutOfRange {
                field: "vfs",
                value: self.vfs,
                allowed: format!(
                    "1..={PCIE_MAX_VFS} at data_width {} (the PCIe hard block's SR-IOV limit; 64 and 128 bits take up to {} without a chip top)",
                    self.data_width,
                    VFS.end()
                ),
            });
        }
        if !CONTEXT_WORDS.contains(&self.context_words) {
            return Err(ConfigError::NotOneOf {
                field: "context_words",
                value: self.context_words,
                allowed: "4, 8, 16, 32 or 64".into(),
            });
        }
        if !VM_ID_BITS.contains(&self.vm_id_bits) {
            return Err(ConfigError::NotOneOf {
                field: "vm_id_bits",
                value: self.vm_id_bits,
                allowed: "8, 10 or 12".into(),
            });
        }
        if !self.partition_accels.is_empty() && self.partition_accels.len() != self.partitions {
            return Err(ConfigError::BadLength {
                field: "partition_accels",
                len: self.partition_accels.len(),
                allowed: format!("0 (all passthrough) or one per partition ({})", self.partitions),
            });
        }
        if !DRAIN_LIMIT.contains(&self.drain_limit) {
            return Err(ConfigError::OutOfRange {
                field: "drain_limit",
                value: self.drain_limit as usize,
                allowed: format!("{}..={}", DRAIN_LIMIT.start(), DRAIN_LIMIT.end()),
            });
        }
        if !CLOCK_MHZ.contains(&self.clock_mhz) {
            return Err(ConfigError::OutOfRange {
                field: "clock_mhz",
                value: self.clock_mhz as usize,
                allowed: format!("{}..={}", CLOCK_MHZ.start(), CLOCK_MHZ.end()),
            });
        }
        crate::floorplan::resolve(&self.device, self.partitions, &self.floorplan)
            .map_err(ConfigError::Floorplan)?;
        Ok(())
    }

    /// The accelerator ID each partition holds at reset.
    pub fn partition_accels(&self) -> Vec<u32> {
        if self.partition_accels.is_empty() {
            vec![vfpga_hdl::acc_id::PASSTHROUGH; self.partitions]
        } else {
            self.partition_accels.clone()
        }
    }

    /// The manager's parameters for this configuration.
    pub fn mgr_params(&self) -> vfpga_hdl::mgr::regs::MgrParams {
        vfpga_hdl::mgr::regs::MgrParams {
            partitions: self.partitions,
            vfs: self.vfs,
            vm_id_bits: self.vm_id_bits,
            partition_accels: self.partition_accels(),
        }
    }
}

fn validate_name(name: &str) -> Result<(), ConfigError> {
    let bad = |reason| {
        Err(ConfigError::BadName {
            value: name.to_string(),
            reason,
        })
    };
    let mut chars = name.chars();
    match chars.next() {
        None => return bad("it is empty"),
        Some(c) if !c.is_ascii_lowercase() => return bad("it must start with a lowercase letter"),
        Some(_) => {}
    }
    if !chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
        return bad("it contains a character other than a-z, 0-9 or '_'");
    }
    if name.len() > NAME_MAX {
        return bad("it is too long");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid() {
        Config::default().validate().unwrap();
    }

    #[test]
    fn ranges() {
        let with = |f: fn(&mut Config)| {
            let mut c = Config::default();
            f(&mut c);
            c.validate()
        };
        let e = with(|c| c.context_words = 12).unwrap_err().to_string();
        assert!(e.contains("context_words = 12") && e.contains("4, 8, 16, 32 or 64"), "{e}");
        let e = with(|c| c.partitions = 65).unwrap_err().to_string();
        assert_eq!(
            e,
            "partitions = 65 is out of range: allowed 1..=64 (set --partitions or 'partitions' in the config file)"
        );
        assert!(with(|c| c.partitions = 0).is_err());
        assert!(with(|c| c.partitions = 64).is_ok());
        assert!(with(|c| c.vfs = 0).is_err());
        assert!(with(|c| c.vfs = 1024).is_ok());
        let e = with(|c| c.vfs = 1025).unwrap_err().to_string();
        assert!(e.contains("vfs = 1025") && e.contains("1..=1024"), "{e}");
        let e = with(|c| c.data_width = 100).unwrap_err().to_string();
        assert!(
            e.contains("data_width = 100") && e.contains("--data-width"),
            "{e}"
        );
        assert!(with(|c| c.data_width = 0).is_err());
        for w in DATA_WIDTHS {
            Config {
                data_width: w,
                ..Config::default()
            }
            .validate()
            .unwrap();
        }
    }

    #[test]
    fn manager_fields() {
        let with = |f: fn(&mut Config)| {
            let mut c = Config::default();
            f(&mut c);
            c.validate()
        };
        let e = with(|c| c.vm_id_bits = 9).unwrap_err().to_string();
        assert!(e.contains("vm_id_bits = 9") && e.contains("--vm-id-bits"), "{e}");
        let e = with(|c| c.partition_accels = vec![1, 2]).unwrap_err().to_string();
        assert_eq!(
            e,
            "partition_accels has 2 elements: allowed 0 (all passthrough) or one per partition (4) \
             (set --partition-accels or 'partition_accels' in the config file)"
        );
        assert!(with(|c| c.partition_accels = vec![1, 2, 3, 4]).is_ok());
        assert_eq!(Config::default().partition_accels(), vec![vfpga_hdl::acc_id::PASSTHROUGH; 4]);
    }

    #[test]
    fn names() {
        for ok in ["a", "vfpga", "shell_2", &"a".repeat(48)] {
            validate_name(ok).unwrap();
        }
        for bad in [
            "",
            "2a",
            "_a",
            "Vfpga",
            "a-b",
            "a b",
            "a$b",
            "é",
            &"a".repeat(49),
        ] {
            let e = validate_name(bad).unwrap_err().to_string();
            assert!(e.starts_with("name = "), "{e}");
        }
    }

    #[test]
    fn toml_defaults_and_unknown_fields() {
        let c = Config::from_toml("partitions = 8\n", "x.toml").unwrap();
        assert_eq!(
            c,
            Config {
                partitions: 8,
                ..Config::default()
            }
        );
        let e = Config::from_toml("partition = 8\n", "x.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("x.toml") && e.contains("partition"), "{e}");
        let e = Config::from_toml("vfs = \"many\"\n", "x.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("vfs"), "{e}");
        let c = Config {
            name: "x".into(),
            partitions: 2,
            vfs: 3,
            data_width: 128,
            context_words: 32,
            vm_id_bits: 8,
            partition_accels: vec![0x5041_5353, 0],
            drain_limit: 99,
            ..Config::default()
        };
        assert_eq!(Config::from_toml(&c.to_toml(), "-").unwrap(), c);
    }

    #[test]
    fn toml_accelerators_by_name_or_number() {
        let c = Config::from_toml("partition_accels = [\"crc32\", 7, \"0x10\", \"kxor\"]\n", "x.toml").unwrap();
        assert_eq!(c.partition_accels, [vfpga_hdl::acc_id::CRC32, 7, 16, vfpga_hdl::acc_id::CIPHER]);
        let e = Config::from_toml("partition_accels = [\"sha\"]\n", "x.toml").unwrap_err().to_string();
        assert!(e.contains("sha") && e.contains("passthrough, crc32, cipher or kxor"), "{e}");
        let e = Config::from_toml("partition_accels = [-1]\n", "x.toml").unwrap_err().to_string();
        assert!(e.contains("32-bit"), "{e}");
    }

    #[test]
    fn file_only_fields_name_the_toml_field() {
        for f in [(|c: &mut Config| c.clock_mhz = 5) as fn(&mut Config), |c| c.drain_limit = 0] {
            let mut c = Config::default();
            f(&mut c);
            let e = c.validate().unwrap_err().to_string();
            assert!(!e.contains("--clock-mhz") && !e.contains("--drain-limit"), "names a flag that does not exist: {e}");
            assert!(e.contains("in the config file; there is no flag"), "{e}");
        }
    }
}
