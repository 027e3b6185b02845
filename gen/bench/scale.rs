//! `vfpga bench scale`: the scale target of the design document, in figures
//! a benchmark can afford (about two minutes): the four corners of the grid
//! (1 and 64 partitions x 8 and 1024 VFs) generated and linted, and the whole
//! shell synthesized with 8 and with 1024 VFs (1 partition) to show that
//! per-function state lands in block RAM, not flip-flops. The whole grid,
//! every configuration synthesized, is `vfpga scale`.

use super::Figure;
use crate::config::Config;
use crate::scale::{self, Options, Row};

const BENCH: &str = "scale";

fn grid(partitions: &[usize], vfs: &[usize], synth: bool) -> Result<Vec<Row>, String> {
    let opts = Options {
        base: Config::default(),
        partitions: partitions.to_vec(),
        vfs: vfs.to_vec(),
        synth,
        family: None,
        jobs: 2,
    };
    Ok(scale::run(&opts, &|_| {}).map_err(|e| e.to_string())?.rows)
}

pub fn run() -> Result<Vec<Figure>, String> {
    let mut out = Vec::new();
    let corners = grid(&[1, 64], &[8, 1024], false)?;
    let ok = corners.iter().filter(|r| r.ok()).count();
    out.push(
        Figure::new(BENCH, "configurations 1/64 partitions x 8/1024 VFs that generate and lint (Verilator -Wall)", ok as f64, "of 4")
            .target("4 (all)", ok == 4),
    );
    let rows = grid(&[1], &[8, 1024], true)?;
    let (a, b) = (&rows[0], &rows[1]);
    let (Some(ta), Some(tb)) = (a.total, b.total) else {
        return Err(format!(
            "synthesis failed: {}",
            rows.iter().filter_map(|r| r.error.clone()).collect::<Vec<_>>().join("\n")
        ));
    };
    let n = (b.vfs - a.vfs) as f64;
    let ff = (tb.ff as f64 - ta.ff as f64) / n;
    out.push(
        Figure::new(BENCH, format!("flip-flops added per VF, whole shell, {} -> {} VFs (Yosys)", a.vfs, b.vfs), ff, "FF/VF")
            .target("< 1 (per-function state in block RAM)", ff < 1.0),
    );
    let bram = (b.bram.unwrap_or(0.0) - a.bram.unwrap_or(0.0)) / n * 100.0;
    out.push(Figure::new(BENCH, format!("block RAM added per 100 VFs, {} -> {} VFs", a.vfs, b.vfs), bram, "BRAM36/100 VFs"));
    let lut = ((tb.lut + tb.lutram) as f64 - (ta.lut + ta.lutram) as f64) / n;
    out.push(Figure::new(BENCH, format!("LUTs added per VF, {} -> {} VFs", a.vfs, b.vfs), lut, "LUT/VF"));
    out.push(Figure::new(BENCH, format!("whole shell with {} VFs, 1 partition", b.vfs), tb.lut as f64, "LUT"));
    Ok(out)
}
