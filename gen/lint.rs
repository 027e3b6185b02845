//! What makes an output tree checkable on its own: `lint.f` at the root lists
//! the static RTL and, in `lint/`, stand-ins for the vendor primitives the RTL
//! instantiates (ICAPE3; with a chip top also IBUFDS_GTE4 and the PCIe IP's
//! port list, `crate::chip_top`), so that from the output root
//!
//! ```text
//! verilator --lint-only -Wall --top-module vfpga_shell -f lint.f
//! iverilog -f lint.f -s vfpga_shell -o shell.vvp
//! yosys -p 'hierarchy -check -top vfpga_shell' $(cat lint.f)
//! ```
//!
//! all pass. The stand-ins are never in `rtl/files.f`: Vivado and Yosys'
//! `synth_xilinx` bring the real primitives. `vfpga scale` and
//! `tests/toolchain.rs` lint with the same files.

use std::path::Path;
use std::process::Command;

use askama::Template;

use crate::output;

/// The lint file list, at the output root.
pub const LIST_PATH: &str = "lint.f";
/// The ICAPE3 stand-in (named after its module, as Verilator's DECLFILENAME wants).
pub const ICAPE3_PATH: &str = "lint/ICAPE3.v";

#[derive(Template)]
#[template(path = "ICAPE3.v", config = "gen/templates/askama.toml", escape = "none")]
struct Icape3Stub {
    generator: String,
}

/// A port-compatible stand-in for the Xilinx ICAPE3 primitive, for tools
/// without the vendor's library (Verilator, Icarus, Yosys' `hierarchy`).
pub fn icape3_stub() -> String {
    let mut s = Icape3Stub { generator: output::generator() }.render().expect("the ICAPE3 stub renders");
    s.push('\n');
    s
}

/// The stand-ins of `lint/`, as (path, contents).
pub fn stub_files() -> Vec<(String, String)> {
    vec![(ICAPE3_PATH.to_string(), icape3_stub())]
}

/// `lint.f`: the static RTL (`rtl`, in compile order), then the stand-ins
/// (`stubs`, as (path, contents): [`stub_files`], and the chip top's).
pub fn list(rtl: &[String], stubs: &[(String, String)]) -> String {
    let stubs: Vec<String> = stubs.iter().map(|(p, _)| p.clone()).collect();
    crate::design::file_list(&[rtl, &stubs[..]].concat())
}

/// Runs `verilator --lint-only -Wall --top-module <top> -f lint.f` in the
/// output tree `dir`: `Ok(())` when Verilator says nothing, else its messages.
pub fn verilator(dir: &Path, top: &str) -> Result<(), String> {
    let out = Command::new("verilator")
        .args(["--lint-only", "-Wall", "--top-module", top, "-f", LIST_PATH])
        .current_dir(dir)
        .output()
        .map_err(|e| format!("verilator: {e}"))?;
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    if out.status.success() && !text.contains("%Warning") && !text.contains("%Error") {
        Ok(())
    } else {
        let lines: Vec<&str> = text.lines().take(30).collect();
        Err(format!("verilator --lint-only -Wall -f {LIST_PATH} ({}):\n{}", out.status, lines.join("\n")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_is_the_rtl_then_the_stubs_relative_to_the_root() {
        let rtl = vec!["rtl/a.v".to_string(), "rtl/vfpga_shell.v".to_string()];
        assert_eq!(list(&rtl, &stub_files()), "rtl/a.v\nrtl/vfpga_shell.v\nlint/ICAPE3.v\n");
    }

    #[test]
    fn stub_defines_icape3_with_every_port_and_no_dollar() {
        let s = icape3_stub();
        assert!(s.contains("module ICAPE3 #("), "{s}");
        for port in ["AVAIL", "O,", "PRDONE", "PRERROR", "CLK", "CSIB", "I,", "RDWRB"] {
            assert!(s.contains(&format!(" {port}")), "{port} in\n{s}");
        }
        assert!(!s.contains('$'));
        assert!(s.ends_with("`resetall\n"), "{s}");
    }
}
