//! Yosys synthesis of a generated design and its resource report.
//!
//! [`yosys_script`] renders the script (`gen/templates/synth.ys`);
//! [`parse_stat_json`] turns Yosys' `stat -json` output into a [`Report`];
//! [`synthesize`] runs Yosys on a generated tree. Each step is a plain function;
//! only [`synthesize`] touches the file system or runs a program.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use askama::Template;
use serde::Serialize;

use crate::design::{Design, OutputFile};
use crate::output::{self, Manifest};

/// Path of the Yosys script inside a generated tree.
pub const SCRIPT_PATH: &str = "scripts/synth.ys";
/// Where that script writes its report, relative to the output directory.
pub const STAT_FILE: &str = "synth_stat.json";

/// Xilinx device family given to `synth_xilinx -family`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Family {
    /// 7 series (RAMB18E1/RAMB36E1, DSP48E1).
    Xc7,
    /// UltraScale (RAMB18E2/RAMB36E2, DSP48E2).
    Xcu,
    /// UltraScale+ (RAMB18E2/RAMB36E2, DSP48E2).
    Xcup,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Xc7 => "xc7",
            Family::Xcu => "xcu",
            Family::Xcup => "xcup",
        }
    }
}

#[derive(Template)]
#[template(
    path = "synth.ys",
    config = "gen/templates/askama.toml",
    escape = "none"
)]
struct SynthScript<'a> {
    generator: String,
    top: &'a str,
    rtl: &'a [String],
    family: &'a str,
    stat_file: &'a str,
}

/// The Yosys script that reads `rtl` (paths relative to the directory Yosys runs
/// in, leaves first), synthesizes `top` for Xilinx (`family`, or `synth_xilinx`'s
/// default when `None`) and writes `stat -json` to `stat_file`.
pub fn yosys_script(top: &str, rtl: &[String], family: Option<Family>, stat_file: &str) -> String {
    let mut s = SynthScript {
        generator: output::generator(),
        top,
        rtl,
        family: family.map_or("", Family::as_str),
        stat_file,
    }
    .render()
    .expect("the synthesis template renders");
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

/// Adds `scripts/synth.ys` (default family) to a design unless it has one.
pub fn add_script(design: &mut Design) {
    if design.files.iter().any(|f| f.path == SCRIPT_PATH) {
        return;
    }
    let (top, rtl) = crate::chip_top::synth_view(&design.top, &design.rtl);
    let contents = yosys_script(&top, &rtl, None, STAT_FILE);
    design.files.push(OutputFile {
        path: SCRIPT_PATH.into(),
        contents,
    });
}

/// Resources used by some logic, in Xilinx primitives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// LUTs used as logic (LUT1..LUT6).
    pub lut: u64,
    /// LUTs used as distributed RAM (RAM32M = 4, RAM64X1D = 2, ...).
    pub lutram: u64,
    /// LUTs used as shift registers (SRL16E, SRLC32E).
    pub srl: u64,
    /// Flip-flops and latches (FDRE, FDSE, FDCE, FDPE, LDCE, LDPE).
    pub ff: u64,
    /// 36 Kb block RAMs (RAMB36E1/E2, FIFO36E1/E2).
    pub bram36: u64,
    /// 18 Kb block RAMs (RAMB18E1/E2, FIFO18E1/E2).
    pub bram18: u64,
    /// DSP slices (DSP48E1, DSP48E2).
    pub dsp: u64,
    /// All primitive cells, of any type (carry chains, muxes, ... included).
    pub cells: u64,
}

impl Counts {
    /// Counts `n` cells of primitive type `ty`.
    fn add_cell(&mut self, ty: &str, n: u64) {
        self.cells += n;
        match ty {
            "LUT1" | "LUT2" | "LUT3" | "LUT4" | "LUT5" | "LUT6" | "LUT6_2" => self.lut += n,
            "FDRE" | "FDSE" | "FDCE" | "FDPE" | "FDRE_1" | "FDSE_1" | "FDCE_1" | "FDPE_1"
            | "LDCE" | "LDPE" => self.ff += n,
            "SRL16E" | "SRLC16E" | "SRLC32E" => self.srl += n,
            "RAMB36E1" | "RAMB36E2" | "FIFO36E1" | "FIFO36E2" => self.bram36 += n,
            "RAMB18E1" | "RAMB18E2" | "FIFO18E1" | "FIFO18E2" => self.bram18 += n,
            "DSP48E1" | "DSP48E2" => self.dsp += n,
            _ => {
                if let Some(luts) = lutram_luts(ty) {
                    self.lutram += n * luts;
                }
            }
        }
    }

    fn add_scaled(&mut self, other: &Counts, n: u64) {
        self.lut += other.lut * n;
        self.lutram += other.lutram * n;
        self.srl += other.srl * n;
        self.ff += other.ff * n;
        self.bram36 += other.bram36 * n;
        self.bram18 += other.bram18 * n;
        self.dsp += other.dsp * n;
        self.cells += other.cells * n;
    }
}

/// LUTs taken by one distributed-RAM primitive, `None` if `ty` is not one.
fn lutram_luts(ty: &str) -> Option<u64> {
    Some(match ty {
        "RAM16X1S" | "RAM32X1S" | "RAM64X1S" => 1,
        "RAM16X1D" | "RAM32X1D" | "RAM64X1D" | "RAM128X1S" => 2,
        "RAM32M" | "RAM64M" | "RAM128X1D" | "RAM256X1S" => 4,
        "RAM32M16" | "RAM64M8" | "RAM256X1D" | "RAM512X1S" => 8,
        _ => return None,
    })
}

/// One module of the synthesized hierarchy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModuleReport {
    pub module: String,
    /// How many times it is instantiated under the top (1 for the top).
    pub instances: u64,
    /// One instance, its own cells only (submodules excluded).
    pub own: Counts,
    /// One instance, submodules included.
    pub hierarchical: Counts,
    /// One instance, its own cells by type; submodule instances appear under
    /// their module's name.
    pub cells_by_type: BTreeMap<String, u64>,
}

/// The resource report of one synthesis run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub top: String,
    /// `synth_xilinx -family`, `None` for Yosys' default.
    pub family: Option<String>,
    /// The Yosys that produced it (`Yosys 0.23 (git sha1 ...)`).
    pub yosys: String,
    /// The whole design under the top.
    pub total: Counts,
    /// The top first, then the other modules by name.
    pub modules: Vec<ModuleReport>,
}

/// Why synthesis gave no report.
#[derive(Debug)]
pub enum SynthError {
    /// No `yosys` on the PATH.
    YosysMissing,
    /// Yosys ran and failed.
    YosysFailed {
        status: String,
        log: String,
    },
    /// Yosys' report is not what this parser knows.
    BadReport(String),
    /// Writing or reading the design failed.
    Output(output::OutputError),
    Io {
        path: PathBuf,
        error: io::Error,
    },
}

impl SynthError {
    /// True when the user has to act (install Yosys): exit status 2.
    pub fn is_usage(&self) -> bool {
        match self {
            SynthError::YosysMissing => true,
            SynthError::Output(e) => e.is_usage(),
            _ => false,
        }
    }
}

impl fmt::Display for SynthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SynthError::YosysMissing => write!(
                f,
                "yosys is not installed (no `yosys` on PATH): install it with \
                 `sudo apt-get install yosys` (Debian/Ubuntu package `yosys`), or run scripts/test.sh"
            ),
            SynthError::YosysFailed { status, log } => {
                write!(f, "yosys failed ({status}); its last output:\n{log}")
            }
            SynthError::BadReport(m) => write!(f, "cannot read the Yosys report: {m}"),
            SynthError::Output(e) => e.fmt(f),
            SynthError::Io { path, error } => write!(f, "{}: {error}", path.display()),
        }
    }
}

impl std::error::Error for SynthError {}

impl From<output::OutputError> for SynthError {
    fn from(e: output::OutputError) -> Self {
        SynthError::Output(e)
    }
}

/// Strips the `\` Yosys puts before public names.
fn public(name: &str) -> &str {
    name.strip_prefix('\\').unwrap_or(name)
}

/// Parses the output of Yosys' `stat -json -top <top>` (Yosys 0.23 format;
/// the lines of its hierarchy table that it mixes in when the design has
/// black boxes are left out first).
pub fn parse_stat_json(
    text: &str,
    top: &str,
    family: Option<Family>,
) -> Result<Report, SynthError> {
    let bad = |m: String| SynthError::BadReport(m);
    let text = crate::flow::read_stat_json(text);
    let v: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| bad(format!("not JSON: {e}")))?;
    let yosys = v
        .get("creator")
        .and_then(|c| c.as_str())
        .unwrap_or("yosys")
        .to_string();
    let cells_of =
        |m: &serde_json::Value, what: &str| -> Result<BTreeMap<String, u64>, SynthError> {
            let Some(by_type) = m.get("num_cells_by_type") else {
                return Ok(BTreeMap::new()); // a module without cells
            };
            let by_type = by_type
                .as_object()
                .ok_or_else(|| bad(format!("{what}: num_cells_by_type is not an object")))?;
            by_type
                .iter()
                .map(|(ty, n)| {
                    let n = n
                        .as_u64()
                        .ok_or_else(|| bad(format!("{what}: count of {ty} is not a number")))?;
                    Ok((public(ty).to_string(), n))
                })
                .collect()
        };

    let modules_json = v
        .get("modules")
        .and_then(|m| m.as_object())
        .ok_or_else(|| bad("no \"modules\" object".into()))?;
    let mut cells: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for (name, m) in modules_json {
        let name = public(name).to_string();
        let c = cells_of(m, &name)?;
        cells.insert(name, c);
    }
    if !cells.contains_key(top) {
        return Err(bad(format!("top module {top} is not in the report")));
    }

    // Post-order from the top: children before parents.
    let mut order = Vec::new();
    let mut state: BTreeMap<&str, bool> = BTreeMap::new(); // false: open, true: done
    fn visit<'a>(
        m: &'a str,
        cells: &'a BTreeMap<String, BTreeMap<String, u64>>,
        state: &mut BTreeMap<&'a str, bool>,
        order: &mut Vec<&'a str>,
    ) -> Result<(), SynthError> {
        match state.get(m) {
            Some(true) => return Ok(()),
            Some(false) => {
                return Err(SynthError::BadReport(format!(
                    "module {m} instantiates itself"
                )))
            }
            None => {}
        }
        state.insert(m, false);
        for ty in cells[m].keys() {
            if let Some((child, _)) = cells.get_key_value(ty.as_str()) {
                visit(child, cells, state, order)?;
            }
        }
        state.insert(m, true);
        order.push(m);
        Ok(())
    }
    visit(top, &cells, &mut state, &mut order)?;

    let mut own: BTreeMap<&str, Counts> = BTreeMap::new();
    let mut hier: BTreeMap<&str, Counts> = BTreeMap::new();
    for &m in &order {
        let mut o = Counts::default();
        let mut h = Counts::default();
        for (ty, &n) in &cells[m] {
            if cells.contains_key(ty) {
                h.add_scaled(&hier[ty.as_str()], n);
            } else {
                o.add_cell(ty, n);
            }
        }
        h.add_scaled(&o, 1);
        own.insert(m, o);
        hier.insert(m, h);
    }
    let mut instances: BTreeMap<&str, u64> = BTreeMap::new();
    instances.insert(top, 1);
    for &m in order.iter().rev() {
        let k = instances.get(m).copied().unwrap_or(0);
        for (ty, &n) in &cells[m] {
            if let Some((child, _)) = cells.get_key_value(ty.as_str()) {
                *instances.entry(child.as_str()).or_insert(0) += k * n;
            }
        }
    }

    // Yosys' own hierarchical total, when present, must agree with ours.
    let total = hier[top];
    if let Some(design) = v.get("design") {
        let mut d = Counts::default();
        for (ty, n) in cells_of(design, "design")? {
            d.add_cell(&ty, n);
        }
        if d != total {
            return Err(bad(format!(
                "Yosys' design total {d:?} differs from the sum over the hierarchy {total:?}"
            )));
        }
    }

    let mut modules: Vec<ModuleReport> = order
        .iter()
        .map(|&m| ModuleReport {
            module: m.to_string(),
            instances: instances[m],
            own: own[m],
            hierarchical: hier[m],
            cells_by_type: cells[m].clone(),
        })
        .collect();
    modules.sort_by(|a, b| (a.module != top, &a.module).cmp(&(b.module != top, &b.module)));
    Ok(Report {
        top: top.to_string(),
        family: family.map(|f| f.as_str().to_string()),
        yosys,
        total,
        modules,
    })
}

/// The report as a table: one row per module with the cells of all its
/// instances (submodules excluded), so the rows add up to the total row.
pub fn format_table(r: &Report) -> String {
    let header = [
        "module", "inst", "LUT", "LUTRAM", "SRL", "FF", "BRAM36", "BRAM18", "DSP",
    ];
    let row = |name: String, inst: String, c: &Counts| -> Vec<String> {
        let mut v = vec![name, inst];
        v.extend([c.lut, c.lutram, c.srl, c.ff, c.bram36, c.bram18, c.dsp].map(|x| x.to_string()));
        v
    };
    let mut rows: Vec<Vec<String>> = vec![header.map(String::from).to_vec()];
    for m in &r.modules {
        let mut all = Counts::default();
        all.add_scaled(&m.own, m.instances);
        rows.push(row(m.module.clone(), m.instances.to_string(), &all));
    }
    rows.push(row(format!("total ({})", r.top), String::new(), &r.total));
    let widths: Vec<usize> = (0..header.len())
        .map(|i| rows.iter().map(|row| row[i].len()).max().unwrap_or(0))
        .collect();
    let line = |row: &[String]| -> String {
        let mut s = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i == 0 {
                s += &format!("{cell:<w$}", w = widths[0]);
            } else {
                s += &format!("  {cell:>w$}", w = widths[i]);
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let rule = "-".repeat(widths.iter().sum::<usize>() + 2 * (widths.len() - 1)) + "\n";
    let mut out = format!(
        "resources of {}: synth_xilinx {}, {}\nper module: all its instances, submodules excluded\n",
        r.top,
        r.family.as_deref().map_or("(default family)".to_string(), |f| format!("-family {f}")),
        r.yosys
    );
    out += &line(&rows[0]);
    out += &rule;
    for row in &rows[1..rows.len() - 1] {
        out += &line(row);
    }
    out += &rule;
    out += &line(&rows[rows.len() - 1]);
    out += "LUT: logic; LUTRAM, SRL: LUTs used as distributed RAM and shift registers.\n";
    out
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> SynthError + '_ {
    move |error| SynthError::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// Copies the files a manifest lists from `src` into `dst` (a new tree).
fn copy_tree(src: &Path, dst: &Path, manifest: &Manifest) -> Result<(), SynthError> {
    for f in &manifest.files {
        let from = src.join(&f.path);
        let to = dst.join(&f.path);
        if let Some(dir) = to.parent() {
            fs::create_dir_all(dir).map_err(io_err(dir))?;
        }
        fs::copy(&from, &to).map_err(io_err(&from))?;
    }
    Ok(())
}

/// Checks that Yosys can be run.
pub fn check_yosys() -> Result<String, SynthError> {
    match Command::new("yosys").arg("-V").output() {
        Ok(out) if out.status.success() => {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
        }
        Ok(out) => Err(SynthError::YosysFailed {
            status: out.status.to_string(),
            log: String::from_utf8_lossy(&out.stderr).into_owned(),
        }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(SynthError::YosysMissing),
        Err(e) => Err(SynthError::Io {
            path: "yosys".into(),
            error: e,
        }),
    }
}

/// Synthesizes the generated tree in `dir` (it must hold a vfpga
/// `manifest.json`). `dir` is not modified: the work happens in a copy.
pub fn synthesize(dir: &Path, family: Option<Family>) -> Result<Report, SynthError> {
    check_yosys()?;
    let manifest = Manifest::read(dir)?;
    let work = tempfile::Builder::new()
        .prefix("vfpga-synth-")
        .tempdir()
        .map_err(io_err(Path::new("temp dir")))?;
    let tree = work.path().join("design");
    copy_tree(dir, &tree, &manifest)?;
    let script = work.path().join("synth.ys");
    let stat = STAT_FILE;
    let (top, rtl) = crate::chip_top::synth_view(&manifest.top, &manifest.rtl);
    fs::write(
        &script,
        yosys_script(&top, &rtl, family, stat),
    )
    .map_err(io_err(&script))?;

    let out = crate::child::dies_with_parent(&mut Command::new("yosys"))
        .arg("-q")
        .arg("-s")
        .arg(&script)
        .current_dir(&tree)
        .output()
        .map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => SynthError::YosysMissing,
            _ => SynthError::Io {
                path: "yosys".into(),
                error: e,
            },
        })?;
    if !out.status.success() {
        let mut log = String::from_utf8_lossy(&out.stdout).into_owned();
        log += &String::from_utf8_lossy(&out.stderr);
        let lines: Vec<&str> = log.lines().collect();
        let tail = lines[lines.len().saturating_sub(40)..].join("\n");
        return Err(SynthError::YosysFailed {
            status: out.status.to_string(),
            log: tail,
        });
    }
    let stat_path = tree.join(stat);
    let text = fs::read_to_string(&stat_path).map_err(io_err(&stat_path))?;
    parse_stat_json(&text, &top, family)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `stat -json -top top` of Yosys 0.23 after `synth_xilinx` on a small
    /// hierarchical design (two instances of `leaf`, a block RAM in `mem`, a
    /// multiplier in the top), with a few cell types added by hand.
    const SAMPLE: &str = r#"{
   "creator": "Yosys 0.23 (git sha1 7ce5011c24b)",
   "invocation": "stat -json -top top ",
   "modules": {
      "\\leaf": {
         "num_wires":         7,
         "num_wire_bits":     49,
         "num_pub_wires":     4,
         "num_pub_wire_bits": 25,
         "num_memories":      0,
         "num_memory_bits":   0,
         "num_processes":     0,
         "num_cells":         20,
         "num_cells_by_type": {
            "CARRY4": 2,
            "FDRE": 8,
            "LUT2": 8,
            "RAM32M": 1,
            "SRLC32E": 1
         }
      },
      "\\mem": {
         "num_wires":         11,
         "num_wire_bits":     292,
         "num_pub_wires":     5,
         "num_pub_wire_bits": 76,
         "num_memories":      0,
         "num_memory_bits":   0,
         "num_processes":     0,
         "num_cells":         2,
         "num_cells_by_type": {
            "RAMB18E1": 1,
            "RAMB36E1": 1
         }
      },
      "\\top": {
         "num_wires":         31,
         "num_wire_bits":     552,
         "num_pub_wires":     12,
         "num_pub_wire_bits": 180,
         "num_memories":      0,
         "num_memory_bits":   0,
         "num_processes":     0,
         "num_cells":         24,
         "num_cells_by_type": {
            "DSP48E1": 2,
            "FDRE": 17,
            "LUT6": 2,
            "leaf": 2,
            "mem": 1
         }
      }
   },
      "design": {
         "num_wires":         56,
         "num_wire_bits":     942,
         "num_pub_wires":     25,
         "num_pub_wire_bits": 306,
         "num_memories":      0,
         "num_memory_bits":   0,
         "num_processes":     0,
         "num_cells":         63,
         "num_cells_by_type": {
            "CARRY4": 4,
            "DSP48E1": 2,
            "FDRE": 33,
            "LUT2": 16,
            "LUT6": 2,
            "RAM32M": 2,
            "RAMB18E1": 1,
            "RAMB36E1": 1,
            "SRLC32E": 2
         }
      }
}
"#;

    #[test]
    fn parses_yosys_stat_json() {
        let r = parse_stat_json(SAMPLE, "top", Some(Family::Xc7)).unwrap();
        assert_eq!(r.yosys, "Yosys 0.23 (git sha1 7ce5011c24b)");
        assert_eq!(
            r.total,
            Counts {
                lut: 18,
                lutram: 8,
                srl: 2,
                ff: 33,
                bram36: 1,
                bram18: 1,
                dsp: 2,
                cells: 63
            }
        );
        let names: Vec<_> = r
            .modules
            .iter()
            .map(|m| (m.module.as_str(), m.instances))
            .collect();
        assert_eq!(names, [("top", 1), ("leaf", 2), ("mem", 1)]);
        let leaf = &r.modules[1];
        assert_eq!(
            leaf.own,
            Counts {
                lut: 8,
                lutram: 4,
                srl: 1,
                ff: 8,
                cells: 20,
                ..Counts::default()
            }
        );
        assert_eq!(leaf.own, leaf.hierarchical);
        assert_eq!(
            r.modules[0].own,
            Counts {
                lut: 2,
                ff: 17,
                dsp: 2,
                cells: 21,
                ..Counts::default()
            }
        );
        assert_eq!(r.modules[0].hierarchical, r.total);
        assert_eq!(r.modules[0].cells_by_type["leaf"], 2);

        let table = format_table(&r);
        assert!(table.contains("xc7"), "{table}");
        let total = table
            .lines()
            .find(|l| l.starts_with("total (top)"))
            .unwrap();
        let nums: Vec<&str> = total.split_whitespace().skip(2).collect();
        assert_eq!(nums, ["18", "8", "2", "33", "1", "1", "2"], "{table}");
        let leaf_row: Vec<&str> = table
            .lines()
            .find(|l| l.starts_with("leaf "))
            .unwrap()
            .split_whitespace()
            .collect();
        assert_eq!(
            leaf_row,
            ["leaf", "2", "16", "8", "2", "16", "0", "0", "0"],
            "{table}"
        );

        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["total"]["lut"], 18);
        assert_eq!(json["modules"][0]["module"], "top");
    }

    #[test]
    fn inconsistent_or_broken_reports_are_errors() {
        let wrong_total = SAMPLE.replace("\"FDRE\": 33", "\"FDRE\": 34");
        assert!(parse_stat_json(&wrong_total, "top", None).is_err());
        assert!(parse_stat_json(SAMPLE, "nope", None).is_err());
        assert!(parse_stat_json("ERROR: no", "top", None).is_err());
        let loop_ = SAMPLE.replace(
            "\"DSP48E1\": 2,\n            \"FDRE\": 17",
            "\"top\": 1, \"FDRE\": 17",
        );
        assert!(parse_stat_json(&loop_, "top", None).is_err());
    }

    #[test]
    fn script_reads_rtl_in_order() {
        let rtl = vec!["rtl/a.v".to_string(), "rtl/b.v".to_string()];
        let s = yosys_script("vfpga_top", &rtl, Some(Family::Xcup), "stat.json");
        let a = s.find("read_verilog rtl/a.v\n").unwrap();
        let b = s.find("read_verilog rtl/b.v\n").unwrap();
        assert!(a < b, "{s}");
        assert!(
            s.contains("\nsynth_xilinx -top vfpga_top -family xcup -noiopad -noclkbuf\n"),
            "{s}"
        );
        assert!(
            s.contains("\ntee -q -o stat.json stat -json -top vfpga_top\n"),
            "{s}"
        );
        assert!(!s.contains("-flatten"));
        let d = yosys_script("vfpga_top", &rtl, None, "stat.json");
        assert!(
            d.contains("\nsynth_xilinx -top vfpga_top -noiopad -noclkbuf\n"),
            "{d}"
        );
    }
}
