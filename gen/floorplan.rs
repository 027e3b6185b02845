//! The floorplan of the reconfigurable partitions: one pblock per partition,
//! from the configuration (`[[floorplan]]` tables) or from a built-in preset
//! for the device, checked before anything is written.
//!
//! A pblock is a list of ranges `<TYPE>_X<a>Y<b>:<TYPE>_X<c>Y<d>` as Vivado's
//! `resize_pblock -add` takes them: clock regions (`CLOCKREGION_X0Y0:
//! CLOCKREGION_X1Y1`) or sites (`SLICE_X0Y0:SLICE_X47Y59`, `RAMB36_...`,
//! `DSP48E2_...`). Two pblocks overlap when two of their ranges of the same
//! type intersect; clock regions and sites are not compared with each other
//! (that needs the device's site map: Vivado checks it in the flow).

use serde::{Deserialize, Serialize};

/// The pblock of one partition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pblock {
    pub partition: usize,
    pub ranges: Vec<String>,
}

/// A parsed range: type, x0..=x1, y0..=y1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rect {
    pub kind: String,
    pub x: (u32, u32),
    pub y: (u32, u32),
}

fn parse_corner(s: &str) -> Option<(String, u32, u32)> {
    let (kind, xy) = s.rsplit_once("_X")?;
    let (x, y) = xy.split_once('Y')?;
    if kind.is_empty() || !kind.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_') {
        return None;
    }
    Some((kind.to_string(), x.parse().ok()?, y.parse().ok()?))
}

/// Parses `A_X0Y0:A_X3Y4` (or a single `A_X0Y0`).
pub fn parse_range(s: &str) -> Result<Rect, String> {
    let bad = || format!("range {s:?} is not <TYPE>_X<n>Y<n>:<TYPE>_X<n>Y<n>");
    let (a, b) = s.split_once(':').unwrap_or((s, s));
    let (ka, xa, ya) = parse_corner(a).ok_or_else(bad)?;
    let (kb, xb, yb) = parse_corner(b).ok_or_else(bad)?;
    if ka != kb {
        return Err(format!("range {s:?} mixes {ka} and {kb}"));
    }
    Ok(Rect { kind: ka, x: (xa.min(xb), xa.max(xb)), y: (ya.min(yb), ya.max(yb)) })
}

fn overlap(a: &Rect, b: &Rect) -> bool {
    a.kind == b.kind && a.x.0 <= b.x.1 && b.x.0 <= a.x.1 && a.y.0 <= b.y.1 && b.y.0 <= a.y.1
}

/// A device with a built-in floorplan preset.
pub struct Preset {
    /// Part-name prefix it applies to.
    pub device: &'static str,
    /// Clock-region columns and rows partitions may use (the rest is static).
    pub columns: u32,
    pub rows: u32,
    pub doc: &'static str,
}

/// Built-in presets. Alveo U250 (xcu250): 8 x 16 clock regions; the PCIe and
/// DMA side of the static region keeps columns X6-X7, partitions get one
/// clock region each, filling X0-X5 row by row from Y0 (up to 96).
pub const PRESETS: [Preset; 1] = [Preset {
    device: "xcu250",
    columns: 6,
    rows: 16,
    doc: "Alveo U250: one clock region per partition in X0-X5, row by row; X6-X7 stay static (PCIe, DMA).",
}];

/// The preset for `device`, if any.
pub fn preset(device: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| device.starts_with(p.device))
}

/// The preset floorplan for `partitions` partitions.
pub fn preset_floorplan(p: &Preset, partitions: usize) -> Result<Vec<Pblock>, String> {
    if partitions as u32 > p.columns * p.rows {
        return Err(format!(
            "the {} preset has room for {} partitions, {} asked: give a [[floorplan]] table per partition",
            p.device,
            p.columns * p.rows,
            partitions
        ));
    }
    Ok((0..partitions)
        .map(|i| {
            let (x, y) = (i as u32 % p.columns, i as u32 / p.columns);
            Pblock { partition: i, ranges: vec![format!("CLOCKREGION_X{x}Y{y}:CLOCKREGION_X{x}Y{y}")] }
        })
        .collect())
}

/// The floorplan to use: the configured one, else the device's preset;
/// checked: one pblock per partition, none missing or extra, no overlap.
pub fn resolve(device: &str, partitions: usize, configured: &[Pblock]) -> Result<Vec<Pblock>, String> {
    let plan = if configured.is_empty() {
        let p = preset(device).ok_or_else(|| {
            format!(
                "no built-in preset for device {device:?} (presets: {}): give a [[floorplan]] table per partition",
                PRESETS.iter().map(|p| p.device).collect::<Vec<_>>().join(", ")
            )
        })?;
        preset_floorplan(p, partitions)?
    } else {
        configured.to_vec()
    };
    let mut rects: Vec<(usize, Rect)> = Vec::new();
    let mut seen = vec![false; partitions];
    for b in &plan {
        if b.partition >= partitions {
            return Err(format!("pblock for partition {} but the design has {partitions} partitions", b.partition));
        }
        if std::mem::replace(&mut seen[b.partition], true) {
            return Err(format!("partition {} has two pblocks", b.partition));
        }
        if b.ranges.is_empty() {
            return Err(format!("the pblock of partition {} has no range", b.partition));
        }
        for r in &b.ranges {
            let rect = parse_range(r).map_err(|e| format!("partition {}: {e}", b.partition))?;
            if let Some((other, _)) = rects.iter().find(|(p, o)| *p != b.partition && overlap(o, &rect)) {
                return Err(format!("the pblocks of partitions {other} and {} overlap ({r})", b.partition));
            }
            rects.push((b.partition, rect));
        }
    }
    if let Some(missing) = seen.iter().position(|s| !s) {
        return Err(format!("partition {missing} has no pblock"));
    }
    let mut plan = plan;
    plan.sort_by_key(|b| b.partition);
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pb(p: usize, r: &str) -> Pblock {
        Pblock { partition: p, ranges: vec![r.into()] }
    }

    #[test]
    fn preset_and_checks() {
        let plan = resolve("xcu250-figd2104-2L-e", 8, &[]).unwrap();
        assert_eq!(plan[7].ranges, ["CLOCKREGION_X1Y1:CLOCKREGION_X1Y1"]);
        assert!(resolve("xcu250", 97, &[]).unwrap_err().contains("room for 96"));
        assert!(resolve("xc7a35t", 2, &[]).unwrap_err().contains("no built-in preset"));
        let two = [pb(0, "CLOCKREGION_X0Y0:CLOCKREGION_X1Y1"), pb(1, "CLOCKREGION_X1Y1:CLOCKREGION_X2Y2")];
        assert_eq!(resolve("x", 2, &two).unwrap_err(), "the pblocks of partitions 0 and 1 overlap (CLOCKREGION_X1Y1:CLOCKREGION_X2Y2)");
        assert_eq!(resolve("x", 3, &[pb(0, "SLICE_X0Y0:SLICE_X9Y9"), pb(2, "SLICE_X10Y0:SLICE_X19Y9")]).unwrap_err(), "partition 1 has no pblock");
        assert!(resolve("x", 1, &[pb(0, "SLICE_X0Y0"), pb(0, "SLICE_X1Y0")]).unwrap_err().contains("two pblocks"));
        assert!(resolve("x", 1, &[pb(0, "nonsense")]).unwrap_err().contains("not <TYPE>"));
        assert!(resolve("x", 1, &[pb(3, "SLICE_X0Y0")]).unwrap_err().contains("has 1 partitions"));
        // Sites and clock regions are not compared; disjoint sites are fine.
        resolve("x", 2, &[pb(0, "SLICE_X0Y0:SLICE_X9Y9"), pb(1, "SLICE_X10Y0:SLICE_X19Y9")]).unwrap();
    }
}
