//! The register map of a design as files: `regmap.json`, `regmap.md` and the
//! C header `regmap.h`, all from the one description in `vfpga_hdl` (each
//! block's `RegBlock`, assembled by [`regmap`]). Pure functions returning
//! strings; `design::build` adds them to the output tree.

use askama::Template;
use vfpga_hdl::regmap::{Access, RegBlock, RegMap, Register};

use crate::config::Config;
use crate::output;

/// Paths of the register-map files in the output tree.
pub const JSON: &str = "regmap.json";
pub const MARKDOWN: &str = "regmap.md";
pub const C_HEADER: &str = "regmap.h";

/// The register blocks of this configuration's design.
pub fn blocks(cfg: &Config) -> Vec<RegBlock> {
    vec![
        vfpga_hdl::bar::regs::header_regs(cfg.functions(), cfg.partitions, cfg.data_width),
        vfpga_hdl::dma::regs::dma_regs(),
        vfpga_hdl::prc::regs::prc_regs(cfg.partitions),
        vfpga_hdl::mgr::regs::reg_block(&cfg.mgr_params()),
        vfpga_hdl::sched::regs::sched_regs(),
        vfpga_hdl::ctx::regs::ctx_regs(cfg.context_words as u32),
    ]
}

/// The whole map of a configuration, checked.
pub fn regmap(cfg: &Config) -> RegMap {
    RegMap::assemble(cfg.functions() as u32, blocks(cfg)).unwrap_or_else(|e| panic!("register map: {e}"))
}

/// `regmap.json`: the map as pretty JSON with a final newline.
pub fn to_json(map: &RegMap) -> String {
    let mut s = serde_json::to_string_pretty(map).expect("a RegMap always serializes");
    s.push('\n');
    s
}

fn access(a: Access) -> &'static str {
    match a {
        Access::RO => "RO",
        Access::RW => "RW",
        Access::WO => "WO",
        Access::W1C => "W1C",
    }
}

fn bits(lsb: u32, width: u32) -> String {
    if width == 1 {
        format!("[{lsb}]")
    } else {
        format!("[{}:{lsb}]", lsb + width - 1)
    }
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|")
}

fn reset_text(r: &Register) -> String {
    if r.access == Access::WO {
        "-".into()
    } else if !r.resets.is_empty() {
        r.resets.iter().map(|v| format!("0x{v:08x}")).collect::<Vec<_>>().join(", ")
    } else {
        format!("0x{:08x}", r.reset_word(0))
    }
}

struct MdRow {
    offset: String,
    name: String,
    access: &'static str,
    reset: String,
    doc: String,
    fields: Vec<[String; 5]>,
}

struct MdEncoding {
    name: String,
    doc: String,
    values: Vec<(String, String, String)>,
}

struct MdBlock {
    name: String,
    range: String,
    who: &'static str,
    doc: String,
    rows: Vec<MdRow>,
    encodings: Vec<MdEncoding>,
}

#[derive(Template)]
#[template(path = "regmap.md", config = "gen/templates/askama.toml", escape = "none")]
struct Markdown {
    generator: String,
    design: String,
    window_size: String,
    functions: u32,
    blocks: Vec<MdBlock>,
}

/// `regmap.md`: one table of registers per block, the fields of each
/// register, and the encodings.
pub fn to_markdown(map: &RegMap, design: &str) -> String {
    let blocks = map
        .blocks
        .iter()
        .map(|b| MdBlock {
            name: b.name.clone(),
            range: format!("0x{:03x}-0x{:03x}", b.base, b.base + b.size - 1),
            who: if b.pf_only { "PF only" } else { "every function" },
            doc: b.doc.clone(),
            rows: b
                .registers
                .iter()
                .map(|r| MdRow {
                    offset: if r.count > 1 {
                        format!("0x{:03x} + {} i (i < {})", r.offset, r.stride, r.count)
                    } else {
                        format!("0x{:03x}", r.offset)
                    },
                    name: r.name.clone(),
                    access: access(r.access),
                    reset: reset_text(r),
                    doc: md_escape(&r.doc),
                    fields: r
                        .fields
                        .iter()
                        .map(|f| {
                            [f.name.clone(), bits(f.lsb, f.width), access(f.access).into(), format!("0x{:x}", f.reset), md_escape(&f.doc)]
                        })
                        .collect(),
                })
                .collect(),
            encodings: b
                .encodings
                .iter()
                .map(|e| MdEncoding {
                    name: e.name.clone(),
                    doc: md_escape(&e.doc),
                    values: e.values.iter().map(|v| (v.name.clone(), format!("0x{:x}", v.value), md_escape(&v.doc))).collect(),
                })
                .collect(),
        })
        .collect();
    let s = Markdown {
        generator: output::generator(),
        design: design.into(),
        window_size: format!("0x{:x}", map.window_size),
        functions: map.functions,
        blocks,
    }
    .render()
    .expect("the markdown template renders");
    finish(s)
}

struct Define {
    name: String,
    value: String,
    comment: String,
}

struct CBlock {
    comment: String,
    defines: Vec<Define>,
}

#[derive(Template)]
#[template(path = "regmap.h", config = "gen/templates/askama.toml", escape = "none")]
struct CHeader {
    generator: String,
    design: String,
    guard: String,
    globals: Vec<Define>,
    blocks: Vec<CBlock>,
}

fn ident(s: &str) -> String {
    s.to_ascii_uppercase()
}

fn one_line(s: &str) -> String {
    // A C comment must not end early.
    s.replace("*/", "* /")
}

/// `regmap.h`: `#define`s of every offset (arrays as macros of the index),
/// reset value, field (LSB, width, mask) and encoding, prefixed
/// `VFPGA_<BLOCK>_`.
pub fn to_c_header(map: &RegMap, design: &str) -> String {
    let d = |name: String, value: String, comment: &str| Define { name, value, comment: one_line(comment) };
    let globals = vec![
        d("VFPGA_WINDOW_SIZE".into(), format!("0x{:x}u", map.window_size), "Bytes of each PCIe function's window."),
        d("VFPGA_FUNCTIONS".into(), format!("{}u", map.functions), "PCIe functions: the PF (0) and the VFs."),
        d("VFPGA_WINDOW(f)".into(), "((f) * VFPGA_WINDOW_SIZE)".into(), "Offset of function f's window in the BAR."),
    ];
    let mut blocks = Vec::new();
    for b in &map.blocks {
        let p = format!("VFPGA_{}", ident(&b.name));
        let mut defs = vec![
            d(format!("{p}_BASE"), format!("0x{:03x}u", b.base), "First byte of the block in the window."),
            d(format!("{p}_SIZE"), format!("0x{:03x}u", b.size), "Bytes of the block."),
        ];
        for r in &b.registers {
            let rp = format!("{p}_{}", ident(&r.name));
            let doc = format!("{} {}", access(r.access), r.doc);
            if r.count > 1 {
                defs.push(d(format!("{rp}(i)"), format!("(0x{:03x}u + {}u * (i))", r.offset, r.stride), &doc));
                defs.push(d(format!("{rp}_COUNT"), format!("{}u", r.count), "Elements of the array."));
            } else {
                defs.push(d(rp.clone(), format!("0x{:03x}u", r.offset), &doc));
            }
            if r.access != Access::WO && r.resets.is_empty() {
                defs.push(d(format!("{rp}_RESET"), format!("0x{:08x}u", r.reset_word(0)), "Value after reset."));
            }
            for (i, v) in r.resets.iter().enumerate() {
                defs.push(d(format!("{rp}_RESET_{i}"), format!("0x{v:08x}u"), "Value of this element after reset."));
            }
            if r.fields.len() == 1 && r.fields[0].width == 32 {
                continue;
            }
            for f in &r.fields {
                let fp = format!("{rp}_{}", ident(&f.name));
                let mask = (((1u64 << f.width) - 1) << f.lsb) as u32;
                defs.push(d(format!("{fp}_LSB"), format!("{}", f.lsb), &f.doc));
                defs.push(d(format!("{fp}_WIDTH"), format!("{}", f.width), ""));
                defs.push(d(format!("{fp}_MASK"), format!("0x{mask:08x}u"), ""));
            }
        }
        for e in &b.encodings {
            for v in &e.values {
                defs.push(d(format!("{p}_{}_{}", ident(&e.name), ident(&v.name)), format!("0x{:x}u", v.value), &v.doc));
            }
        }
        blocks.push(CBlock {
            comment: one_line(&format!("{}: 0x{:03x}-0x{:03x}, {}. {}", b.name, b.base, b.base + b.size - 1, if b.pf_only { "PF only" } else { "every function" }, b.doc)),
            defines: defs,
        });
    }
    let s = CHeader {
        generator: output::generator(),
        design: design.into(),
        guard: format!("VFPGA_{}_REGMAP_H", ident(design)),
        globals,
        blocks,
    }
    .render()
    .expect("the C header template renders");
    finish(s)
}

fn finish(mut s: String) -> String {
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

/// The three files, for `design::build`: (path, contents).
pub fn files(cfg: &Config) -> Vec<(String, String)> {
    let map = regmap(cfg);
    vec![
        (JSON.into(), to_json(&map)),
        (MARKDOWN.into(), to_markdown(&map, &cfg.name)),
        (C_HEADER.into(), to_c_header(&map, &cfg.name)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn header_names_are_unique_and_comments_closed() {
        let cfg = Config { partitions: 3, ..Config::default() };
        let h = to_c_header(&regmap(&cfg), &cfg.name);
        let mut names = BTreeSet::new();
        for line in h.lines().filter(|l| l.starts_with("#define")) {
            let name = line.split_whitespace().nth(1).unwrap().to_string();
            assert!(names.insert(name.clone()), "{name} defined twice");
        }
        assert!(names.contains("VFPGA_MGR_CMD"));
        assert!(names.contains("VFPGA_MGR_PART_ACC(i)"));
        assert!(names.contains("VFPGA_MGR_OPCODE_ATTACH"));
        assert!(names.contains("VFPGA_MGR_RESP_STATUS_NOT_SUPPORTED"));
        assert_eq!(h.matches("/*").count(), h.matches("*/").count());
    }

    #[test]
    fn outputs_are_deterministic_and_complete() {
        let cfg = Config::default();
        assert_eq!(files(&cfg), files(&cfg));
        let md = to_markdown(&regmap(&cfg), "x");
        for b in &regmap(&cfg).blocks {
            for r in &b.registers {
                assert!(md.contains(&format!("| {} |", r.name)), "{}.{} missing from regmap.md", b.name, r.name);
            }
        }
        let json: serde_json::Value = serde_json::from_str(&to_json(&regmap(&cfg))).unwrap();
        let names: Vec<&str> = json["blocks"].as_array().unwrap().iter().map(|b| b["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["bar", "dma", "prc", "mgr", "sched", "ctx"]);
    }
}
