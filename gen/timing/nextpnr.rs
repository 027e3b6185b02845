//! Reads nextpnr's `--report` JSON: the achieved clock and the critical path.

use serde::Serialize;

/// One end of the critical path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathEnd {
    /// The cell as the synthesized netlist names it (nextpnr's packing
    /// suffixes such as `$CCU2_COMB0` removed).
    pub cell: String,
    /// The net leaving the start cell, or entering the end cell.
    pub net: String,
}

/// The critical register-to-register path of the clock.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriticalPath {
    pub start: PathEnd,
    pub end: PathEnd,
    /// The instances the path runs through, each once, in the order it
    /// first enters them (`dma`, `switch`, `rps.partition_p0`, ...; `(top)`
    /// for cells of the top itself), at most two levels deep.
    pub blocks: Vec<String>,
    /// Delay in cells: clock to Q, LUTs, carries, block RAMs, setup.
    pub logic_ns: f64,
    /// Delay in the routing between cells.
    pub routing_ns: f64,
    /// logic + routing: the clock period the path needs.
    pub delay_ns: f64,
}

/// What nextpnr achieved for the clock `clk`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Achieved {
    pub fmax_mhz: f64,
    pub critical_path: CriticalPath,
}

/// The netlist name of a cell nextpnr named: its ECP5 packer appends
/// `$CCU2_...` to the halves of a carry cell and `$DPRAM_...`/`$RAMW_...` to
/// the parts of a distributed RAM.
pub fn netlist_cell(name: &str) -> &str {
    let cut = ["$CCU2_", "$DPRAM_", "$RAMW_"].iter().filter_map(|s| name.find(s)).filter(|&i| i > 0).min();
    cut.map_or(name, |i| &name[..i])
}

/// The instance path of a cell name, at most `depth` levels (`dma.c2h_x_LUT4_Z`
/// is in `dma`); `None` for cells of the top and Yosys-internal names.
fn instance_of(cell: &str, depth: usize) -> Option<String> {
    let name = &cell[..cell.find('$').unwrap_or(cell.len())];
    let (inst, _) = name.rsplit_once('.')?;
    let parts: Vec<&str> = inst.split('.').take(depth).collect();
    (!parts.is_empty() && !parts[0].is_empty()).then(|| parts.join("."))
}

/// Parses a nextpnr `--report` file: the Fmax of clock `clk` and its
/// critical path (the one that starts and ends on `clk`).
pub fn parse_report(text: &str) -> Result<Achieved, String> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("nextpnr report is not JSON: {e}"))?;
    let fmax_mhz = v["fmax"]
        .as_object()
        .and_then(|m| m.iter().find(|(k, _)| k.as_str() == "clk" || k.ends_with("$clk")))
        .and_then(|(_, c)| c["achieved"].as_f64())
        .ok_or("nextpnr report: no achieved Fmax for clock clk (no register-to-register path?)")?;
    let paths = v["critical_paths"].as_array().ok_or("nextpnr report: no critical_paths")?;
    let is_clk = |s: &serde_json::Value| s.as_str().is_some_and(|s| s.ends_with(" clk") || s.ends_with("$clk"));
    let path = paths
        .iter()
        .find(|p| is_clk(&p["from"]) && is_clk(&p["to"]))
        .and_then(|p| p["path"].as_array())
        .filter(|p| !p.is_empty())
        .ok_or("nextpnr report: no clk-to-clk critical path")?;
    let (mut logic_ns, mut routing_ns) = (0.0, 0.0);
    let mut blocks: Vec<String> = Vec::new();
    let mut nets = Vec::new();
    for step in path {
        let delay = step["delay"].as_f64().ok_or("nextpnr report: a path step without delay")?;
        if step["type"] == "routing" {
            routing_ns += delay;
            nets.push(step["net"].as_str().unwrap_or_default().to_string());
        } else {
            logic_ns += delay;
        }
        for end in ["from", "to"] {
            let cell = step[end]["cell"].as_str().unwrap_or_default();
            let b = instance_of(cell, 2).unwrap_or_else(|| "(top)".into());
            if !blocks.contains(&b) {
                blocks.push(b);
            }
        }
    }
    let cell = |step: &serde_json::Value, end: &str| netlist_cell(step[end]["cell"].as_str().unwrap_or_default()).to_string();
    let critical_path = CriticalPath {
        start: PathEnd { cell: cell(&path[0], "from"), net: nets.first().cloned().unwrap_or_default() },
        end: PathEnd { cell: cell(&path[path.len() - 1], "to"), net: nets.last().cloned().unwrap_or_default() },
        blocks,
        logic_ns,
        routing_ns,
        delay_ns: logic_ns + routing_ns,
    };
    Ok(Achieved { fmax_mhz, critical_path })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape of nextpnr-ecp5 0.11's report (one path shortened).
    const REPORT: &str = r#"{
      "fmax": {"clk": {"achieved": 110.375, "constraint": 12}},
      "critical_paths": [
        {"from": "posedge clk", "to": "posedge clk", "path": [
          {"type": "clk-to-q", "delay": 0.5, "from": {"cell": "r_TRELLIS_FF_Q_1", "port": "CLK"}, "to": {"cell": "r_TRELLIS_FF_Q_1", "port": "Q"}},
          {"type": "routing", "delay": 1.5, "net": "r[6]", "from": {"cell": "r_TRELLIS_FF_Q_1", "port": "Q"}, "to": {"cell": "u.a_LUT4_Z_3", "port": "D"}},
          {"type": "logic", "delay": 2.0, "from": {"cell": "u.a_LUT4_Z_3", "port": "D"}, "to": {"cell": "u.a_LUT4_Z_3", "port": "F"}},
          {"type": "routing", "delay": 3.0, "net": "u.v.sum[0]", "from": {"cell": "u.a_LUT4_Z_3", "port": "F"}, "to": {"cell": "u.v.q_CCU2C_S0$CCU2_COMB1", "port": "A1"}},
          {"type": "setup", "delay": 2.06, "from": {"cell": "u.v.q_CCU2C_S0$CCU2_COMB1", "port": "A1"}, "to": {"cell": "u.v.q_CCU2C_S0$CCU2_COMB1", "port": "A1"}}
        ]},
        {"from": "<async>", "to": "posedge clk", "path": []}
      ]
    }"#;

    #[test]
    fn reads_fmax_path_ends_blocks_and_delays() {
        let a = parse_report(REPORT).unwrap();
        assert_eq!(a.fmax_mhz, 110.375);
        let p = &a.critical_path;
        assert_eq!(p.start, PathEnd { cell: "r_TRELLIS_FF_Q_1".into(), net: "r[6]".into() });
        assert_eq!(p.end, PathEnd { cell: "u.v.q_CCU2C_S0".into(), net: "u.v.sum[0]".into() });
        assert_eq!(p.blocks, ["(top)", "u", "u.v"]);
        assert!((p.logic_ns - 4.56).abs() < 1e-9 && (p.routing_ns - 4.5).abs() < 1e-9, "{p:?}");
        assert!((p.delay_ns - 9.06).abs() < 1e-9);
    }

    #[test]
    fn a_report_without_a_clock_path_is_an_error() {
        assert!(parse_report("{}").is_err());
        assert!(parse_report(&REPORT.replace("\"clk\": {\"achieved\"", "\"other\": {\"achieved\"")).is_err());
        assert!(parse_report("not json").is_err());
        assert_eq!(netlist_cell("owned_ram.storage.0.7$DPRAM_COMB1"), "owned_ram.storage.0.7");
        assert_eq!(netlist_cell("$abc$12$lut"), "$abc$12$lut");
    }
}
