//! The UltraScale+ proxy: the deepest LUT path of a design after Yosys
//! `synth_xilinx -family xcup -flatten`, read from its `write_json` netlist.
//!
//! A level is a LUT (LUT1..LUT6, and INV, which the device builds in a
//! LUT1). Wide-function muxes (MUXF7/F8/F9) extend the LUT before them and
//! add no level. Flip-flops, carry chains (CARRY8), RAMs, DSPs and the ports
//! end a path.

use std::collections::HashMap;

use serde::Serialize;

/// What [`deepest`] counts, for the reports.
pub const COUNTS: &str = "LUT levels: the most LUTs (LUT1..LUT6, INV) on one combinational path after Yosys \
     `synth_xilinx -family xcup -flatten`; MUXF7/F8 add none; flip-flops, carry chains (CARRY8), RAMs, DSPs \
     and ports end a path";

/// The deepest LUT path of a netlist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LutPath {
    pub levels: u32,
    /// A named net feeding the first LUT of the path (`(unnamed)` if none is).
    pub from: String,
    /// The named net the last LUT of the path drives; if it has no name,
    /// the named output of the flip-flop it feeds, as `register <net>`;
    /// `(unnamed)` if neither is.
    pub to: String,
    /// The named nets the path's LUTs drive on the way, in order (the last
    /// LUT's, which is `to`, left out).
    pub through: Vec<String>,
}

/// One combinational cell: its level weight, input and output bits.
struct Node {
    weight: u32,
    inputs: Vec<u64>,
    outputs: Vec<u64>,
}

fn weight(ty: &str) -> Option<u32> {
    match ty {
        "LUT1" | "LUT2" | "LUT3" | "LUT4" | "LUT5" | "LUT6" | "LUT6_2" | "INV" => Some(1),
        "MUXF7" | "MUXF8" | "MUXF9" => Some(0),
        _ => None,
    }
}

/// The deepest LUT path of module `top` in a Yosys JSON netlist.
pub fn deepest(netlist: &str, top: &str) -> Result<LutPath, String> {
    let v: serde_json::Value = serde_json::from_str(netlist).map_err(|e| format!("Yosys netlist is not JSON: {e}"))?;
    let m = &v["modules"][top];
    let cells = m["cells"].as_object().ok_or_else(|| format!("Yosys netlist: no module {top} with cells"))?;
    let bits = |c: &serde_json::Value| -> Vec<u64> {
        c.as_array().map(|a| a.iter().filter_map(|b| b.as_u64()).collect()).unwrap_or_default()
    };
    let mut nodes = Vec::new();
    for c in cells.values() {
        let Some(w) = c["type"].as_str().and_then(weight) else { continue };
        let (mut inputs, mut outputs) = (Vec::new(), Vec::new());
        for (port, conn) in c["connections"].as_object().into_iter().flatten() {
            let out = c["port_directions"][port] == "output";
            (if out { &mut outputs } else { &mut inputs }).extend(bits(conn));
        }
        nodes.push(Node { weight: w, inputs, outputs });
    }
    let driver: HashMap<u64, usize> =
        nodes.iter().enumerate().flat_map(|(i, n)| n.outputs.iter().map(move |&b| (b, i))).collect();

    // Longest path ending at each node, iteratively (netlists are deep);
    // an edge that closes a loop is ignored.
    const OPEN: u32 = u32::MAX;
    let mut depth: Vec<Option<u32>> = vec![None; nodes.len()];
    let mut best_pred: Vec<Option<usize>> = vec![None; nodes.len()];
    for root in 0..nodes.len() {
        if depth[root].is_some() {
            continue;
        }
        let mut stack = vec![root];
        while let Some(&n) = stack.last() {
            if depth[n].is_none() {
                depth[n] = Some(OPEN);
                for b in &nodes[n].inputs {
                    if let Some(&p) = driver.get(b) {
                        if depth[p].is_none() {
                            stack.push(p);
                        }
                    }
                }
                continue;
            }
            stack.pop();
            if depth[n] != Some(OPEN) {
                continue; // finished through another parent
            }
            let mut d = 0;
            let mut pred = None;
            for b in &nodes[n].inputs {
                if let Some(&p) = driver.get(b) {
                    if let Some(dp) = depth[p].filter(|&dp| dp != OPEN && dp >= d && p != n) {
                        if dp > d || pred.is_none() {
                            d = dp;
                            pred = Some(p);
                        }
                    }
                }
            }
            depth[n] = Some(d + nodes[n].weight);
            best_pred[n] = pred;
        }
    }
    let Some(last) = (0..nodes.len()).max_by_key(|&i| (depth[i], std::cmp::Reverse(i))) else {
        return Ok(LutPath { levels: 0, from: "(unnamed)".into(), to: "(unnamed)".into(), through: Vec::new() });
    };
    let mut path = vec![last];
    while let Some(p) = best_pred[*path.last().unwrap()] {
        path.push(p);
    }
    path.reverse();
    let first = path[0];

    // Names of the nets at the ends.
    let mut names: HashMap<u64, String> = HashMap::new();
    for (name, n) in m["netnames"].as_object().into_iter().flatten() {
        if n["hide_name"].as_u64() == Some(1) {
            continue;
        }
        let b = bits(&n["bits"]);
        let wide = n["bits"].as_array().map_or(0, Vec::len) > 1;
        for (i, bit) in b.iter().enumerate() {
            let full = if wide { format!("{name}[{i}]") } else { name.clone() };
            // The shortest name is the one closest to the source.
            names.entry(*bit).and_modify(|e| if full.len() < e.len() { *e = full.clone() }).or_insert(full);
        }
    }
    let name_of = |bits: &[u64]| bits.iter().find_map(|b| names.get(b).cloned());
    let named = |bits: &[u64]| name_of(bits).unwrap_or_else(|| "(unnamed)".into());
    // An unnamed end: name the flip-flop (FDRE, FDSE...) it feeds by its
    // named output.
    let to = name_of(&nodes[last].outputs).unwrap_or_else(|| {
        let ends = &nodes[last].outputs;
        cells
            .values()
            .filter(|c| c["type"].as_str().unwrap_or("").starts_with("FD"))
            .filter(|c| {
                c["connections"].as_object().into_iter().flatten().any(|(port, conn)| {
                    c["port_directions"][port] == "input" && bits(conn).iter().any(|b| ends.contains(b))
                })
            })
            .find_map(|c| {
                let outs: Vec<u64> = c["connections"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .filter(|(port, _)| c["port_directions"][*port] == "output")
                    .flat_map(|(_, conn)| bits(conn))
                    .collect();
                name_of(&outs).map(|n| format!("register {n}"))
            })
            .unwrap_or_else(|| "(unnamed)".into())
    });
    let mut through: Vec<String> = Vec::new();
    for &n in &path[..path.len() - 1] {
        if let Some(name) = name_of(&nodes[n].outputs) {
            if through.last() != Some(&name) {
                through.push(name);
            }
        }
    }
    Ok(LutPath { levels: depth[last].unwrap_or(0), from: named(&nodes[first].inputs), to, through })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(ty: &str, ins: &[u64], out: u64) -> String {
        let conns: Vec<String> = ins.iter().enumerate().map(|(i, b)| format!("\"I{i}\": [{b}]")).collect();
        let dirs: Vec<String> = (0..ins.len()).map(|i| format!("\"I{i}\": \"input\"")).collect();
        format!(
            r#"{{"type": "{ty}", "port_directions": {{{}, "O": "output"}}, "connections": {{{}, "O": [{out}]}}}}"#,
            dirs.join(", "),
            conns.join(", ")
        )
    }

    /// q (bit 2, a flip-flop) -> LUT -> LUT -> MUXF7 -> LUT -> FF; a
    /// shorter LUT path beside it, and a carry that breaks a third one.
    #[test]
    fn counts_luts_between_registers_and_skips_muxes() {
        let cells = [
            ("ff", r#"{"type": "FDRE", "port_directions": {"D": "input", "Q": "output"}, "connections": {"D": [9], "Q": [2]}}"#.to_string()),
            ("a", cell("LUT2", &[2, 3], 4)),
            ("b", cell("LUT6", &[4, 2], 5)),
            ("m", cell("MUXF7", &[5, 4], 6)),
            ("c", cell("LUT3", &[6, 3], 9)),
            ("s", cell("LUT1", &[3], 7)),
            ("k", r#"{"type": "CARRY8", "port_directions": {"DI": "input", "O": "output"}, "connections": {"DI": [9], "O": [10]}}"#.to_string()),
            ("t", cell("LUT4", &[10], 11)),
        ];
        let cells: Vec<String> = cells.iter().map(|(n, c)| format!("\"{n}\": {c}")).collect();
        let json = format!(
            r#"{{"modules": {{"top": {{"cells": {{{}}}, "netnames": {{
                "q": {{"hide_name": 0, "bits": [2]}}, "d": {{"hide_name": 0, "bits": [9]}},
                "x": {{"hide_name": 0, "bits": [3, 4]}}, "$tmp": {{"hide_name": 1, "bits": [5]}}}}}}}}}}"#,
            cells.join(", ")
        );
        let p = deepest(&json, "top").unwrap();
        assert_eq!(p, LutPath { levels: 3, from: "q".into(), to: "d".into(), through: vec!["x[1]".into()] });
        assert!(deepest(&json, "nope").is_err());
    }

    /// A path that ends in an unnamed net is named by the register it feeds.
    #[test]
    fn an_unnamed_end_is_named_by_its_register() {
        let cells = [
            ("a", cell("LUT2", &[2, 3], 4)),
            ("ff", r#"{"type": "FDRE", "port_directions": {"D": "input", "Q": "output"}, "connections": {"D": [4], "Q": [2]}}"#.to_string()),
        ];
        let cells: Vec<String> = cells.iter().map(|(n, c)| format!("\"{n}\": {c}")).collect();
        let json = format!(
            r#"{{"modules": {{"top": {{"cells": {{{}}}, "netnames": {{
                "r": {{"hide_name": 0, "bits": [2]}}, "$d": {{"hide_name": 1, "bits": [4]}}}}}}}}}}"#,
            cells.join(", ")
        );
        let p = deepest(&json, "top").unwrap();
        assert_eq!(p, LutPath { levels: 1, from: "r".into(), to: "register r".into(), through: vec![] });
    }
}
