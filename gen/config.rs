//! The one configuration of a generated design, validated once.

use serde::{Deserialize, Serialize};

/// What the user asked for. Field names are those of the TOML file and of the
/// `vfpga generate` flags.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Design name: names the output folder and the top module.
    pub name: String,
    /// Number of reconfigurable partitions (1..=64).
    pub partitions: usize,
    /// Number of SR-IOV virtual functions (1..=1024); function 0 is the PF.
    pub vfs: usize,
    /// Width of the stream data path in bits (64, 128, 256 or 512).
    pub data_width: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config { name: "vfpga".into(), partitions: 4, vfs: 8, data_width: 64 }
    }
}

impl Config {
    /// PCIe functions: the PF and every VF.
    pub fn functions(&self) -> usize {
        self.vfs + 1
    }
}
