//! Emission pass over rust-hdl's Verilog.
//!
//! rust-hdl writes one text with a module per block *instance*, named by its
//! path (`top$h_valid`), with `$` in identifiers and non-ANSI port lists. This
//! pass turns that into files an FPGA flow accepts as they are:
//! - every identifier is free of `$`: `m_axis_h2c_p$0$tdata` becomes
//!   `m_axis_h2c_p0_tdata` (an index is glued to the name before it, any other
//!   `$` becomes `_`); two names that would collide are refused;
//! - modules are named `vfpga_<what they are>`; modules whose bodies are
//!   identical are emitted once and instantiated wherever they were used;
//! - each module gets an ANSI port list, the standard opening and closing
//!   lines, a header that states the configuration, and the lint waivers that
//!   rust-hdl's code style needs, each explained where it is written.
//!
//! The pass is a pure function: same input, same bytes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// One emitted Verilog module, ready to be written to `<name>.v`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Module {
    pub name: String,
    pub text: String,
}

/// What the caller knows and the Verilog does not.
pub struct EmitOptions<'a> {
    /// Name for rust-hdl's `top` module, e.g. `vfpga_switch`.
    pub top_name: &'a str,
    /// Prefix of every submodule name (`vfpga_switch` gives `vfpga_switch_route_table`).
    pub module_prefix: &'a str,
    /// Comment lines written at the head of every file (configuration summary).
    pub header: &'a [String],
    /// One-line description of the top module.
    pub top_doc: &'a str,
    /// A field of the top whose signals lose the field's name in the top
    /// module: with `Some("rm")`, `rm$s_axis$tdata` is emitted as
    /// `s_axis_tdata`. For the RM interface bundle (`hdl/src/rm.rs`), whose
    /// port names are a contract of their own (the DFX flow, the templates).
    pub top_bundle: Option<&'a str>,
}

/// A Verilog text the pass cannot turn into clean modules: a generator bug.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmitError(pub String);

impl fmt::Display for EmitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "emission pass: {}", self.0)
    }
}

impl std::error::Error for EmitError {}

/// A module as rust-hdl wrote it.
struct RawModule {
    name: String,
    /// Declarations of the port list: (direction and kind, range, name).
    ports: Vec<Port>,
    /// Everything between the port declarations and `endmodule`.
    body: String,
}

#[derive(Clone)]
struct Port {
    /// `input wire`, `output reg`, ...
    kind: String,
    /// `[63:0]` or empty.
    range: String,
    name: String,
}

/// Runs the pass. Modules come back leaves first, the top last.
pub fn emit(verilog: &str, opts: &EmitOptions) -> Result<Vec<Module>, EmitError> {
    emit_with_blocks(verilog, opts, &[])
}

/// Runs the pass on a design made of blocks: `blocks` names the module at a
/// field path of the top (`("dma", "vfpga_dma")`, `("partitions",
/// "vfpga_partition")` for every element of a `Vec`), and the modules below
/// it are named after it (`vfpga_dma_ring_ram`), as when the block is
/// emitted alone. Other modules are named after the top.
pub fn emit_with_blocks(
    verilog: &str,
    opts: &EmitOptions,
    blocks: &[(&str, &str)],
) -> Result<Vec<Module>, EmitError> {
    let mut raw = parse_modules(verilog)?;
    for m in raw.iter_mut() {
        canonical_dff(m);
    }
    if !raw.iter().any(|m| m.name == "top") {
        return Err(EmitError("rust-hdl output has no `top` module".into()));
    }

    // Group modules by body: identical bodies become one module.
    let mut by_body: BTreeMap<String, Vec<&RawModule>> = BTreeMap::new();
    for m in &raw {
        if m.name == "top" {
            continue;
        }
        by_body.entry(canonical_text(m)).or_default().push(m);
    }
    let mut new_name: BTreeMap<String, String> = BTreeMap::new();
    new_name.insert("top".into(), opts.top_name.to_string());
    let mut taken: BTreeSet<String> = BTreeSet::new();
    taken.insert(opts.top_name.to_string());
    // Sort groups by their first member's path, so names do not depend on
    // the bodies' text order.
    let mut groups: Vec<&Vec<&RawModule>> = by_body.values().collect();
    groups.sort_by(|a, b| a[0].name.cmp(&b[0].name));
    for group in groups {
        let base = module_name_for(group, opts.module_prefix, blocks);
        let mut name = base.clone();
        let mut n = 2;
        while taken.contains(&name) {
            name = format!("{base}_v{n}");
            n += 1;
        }
        taken.insert(name.clone());
        for m in group {
            new_name.insert(m.name.clone(), name.clone());
        }
    }

    // Emit each distinct module once, in dependency order (leaves first).
    let mut emitted: BTreeMap<String, String> = BTreeMap::new();
    for m in &raw {
        let name = &new_name[&m.name];
        if emitted.contains_key(name) {
            continue;
        }
        let doc = if m.name == "top" { opts.top_doc.to_string() } else { describe(m) };
        let bundle = if m.name == "top" { opts.top_bundle } else { None };
        let text = render_module(m, name, &new_name, opts.header, &doc, bundle)?;
        emitted.insert(name.clone(), text);
    }
    let order = dependency_order(&emitted, opts.top_name)?;
    Ok(order
        .into_iter()
        .map(|name| {
            let text = emitted[&name].clone();
            Module { name, text }
        })
        .collect())
}

/// Splits rust-hdl's text into modules and their port declarations.
fn parse_modules(verilog: &str) -> Result<Vec<RawModule>, EmitError> {
    let mut out = Vec::new();
    let mut lines = verilog.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(rest) = line.trim_start().strip_prefix("module ") else { continue };
        let name = rest
            .split('(')
            .next()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .ok_or_else(|| EmitError(format!("cannot read module header `{line}`")))?
            .to_string();
        let mut ports = Vec::new();
        let mut body = String::new();
        let mut in_ports = false;
        let mut closed = false;
        for line in lines.by_ref() {
            let t = line.trim();
            if t.starts_with("endmodule") {
                closed = true;
                break;
            }
            if t == "// Module arguments" {
                in_ports = true;
                continue;
            }
            if in_ports {
                if t.is_empty() {
                    in_ports = false;
                } else {
                    ports.push(parse_port(t)?);
                }
                continue;
            }
            body.push_str(line.trim_end());
            body.push('\n');
        }
        if !closed {
            return Err(EmitError(format!("module `{name}` has no endmodule")));
        }
        out.push(RawModule { name, ports, body: body.trim_matches('\n').to_string() });
    }
    Ok(out)
}

/// Reads `input wire  [63:0] name;`.
fn parse_port(decl: &str) -> Result<Port, EmitError> {
    let decl = decl.trim_end_matches(';');
    let words: Vec<&str> = decl.split_whitespace().collect();
    let bad = || EmitError(format!("cannot read port declaration `{decl}`"));
    match words.as_slice() {
        [dir, kind, range, name] if range.starts_with('[') => Ok(Port {
            kind: format!("{dir} {kind}"),
            range: range.to_string(),
            name: name.to_string(),
        }),
        [dir, kind, name] => {
            Ok(Port { kind: format!("{dir} {kind}"), range: String::new(), name: name.to_string() })
        }
        _ => Err(bad()),
    }
    .and_then(|p| match p.kind.as_str() {
        "input wire" | "output reg" | "output wire" | "inout wire" => Ok(p),
        _ => Err(bad()),
    })
}

/// The module's text with its own name left out, for finding identical modules.
fn canonical_text(m: &RawModule) -> String {
    let mut s = String::new();
    for p in &m.ports {
        s.push_str(&format!("{} {} {}\n", p.kind, p.range, p.name));
    }
    s.push_str(&m.body);
    s
}

/// A rust-hdl D flip-flop: ports d, q and clock, and nothing but the register.
fn dff_width(m: &RawModule) -> Option<String> {
    let names: Vec<&str> = m.ports.iter().map(|p| p.name.as_str()).collect();
    if names != ["d", "q", "clock"] || !m.body.contains("q <= d;") {
        return None;
    }
    let range = &m.ports[0].range;
    Some(if range.is_empty() {
        "1".to_string()
    } else {
        let hi: usize = range.trim_matches(['[', ']']).split(':').next()?.parse().ok()?;
        (hi + 1).to_string()
    })
}

/// Gives every rust-hdl flip-flop of a width the same text, whatever the type
/// it held (an enum's register carries an empty `// Enums` section and a
/// 64-bit zero), so that blocks emitted apart share `vfpga_dff_w<N>`. A
/// register whose initial value is not zero keeps its own text.
fn canonical_dff(m: &mut RawModule) {
    let Some(w) = dff_width(m) else { return };
    let init = m.body.lines().find_map(|l| l.trim().strip_prefix("q = ").map(|v| v.trim_end_matches(';').to_string()));
    let zero = init.as_deref().is_some_and(|v| v.split('h').nth(1).is_some_and(|d| d.chars().all(|c| c == '0')));
    if zero {
        m.body = format!(
            "    // Update code (custom)\n    initial begin\n       q = {w}'h0;\n    end\n\n    always @(posedge clock) begin\n       q <= d;\n    end"
        );
    }
}

/// The name of the block a module was emitted for: its name without the
/// `_v2`, `_v3`, ... that `emit_with_blocks` gives a block emitted again
/// with other text (a copy of a block whose children are other copies).
pub fn variant_base(name: &str) -> &str {
    match name.rsplit_once("_v") {
        Some((base, n)) if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => base,
        _ => name,
    }
}

/// Name of a group of identical modules: flip-flops by width, anything else
/// by its place in the design with array indices left out.
fn module_name_for(group: &[&RawModule], prefix: &str, blocks: &[(&str, &str)]) -> String {
    if let Some(w) = dff_width(group[0]) {
        return format!("vfpga_dff_w{w}");
    }
    let path: Vec<&str> = group[0]
        .name
        .split('$')
        .skip(1) // "top"
        .filter(|seg| !seg.chars().all(|c| c.is_ascii_digit()))
        .collect();
    // The block with the longest field path that contains this module.
    let block = blocks
        .iter()
        .filter(|(p, _)| {
            let p: Vec<&str> = p.split('$').collect();
            path.len() >= p.len() && path[..p.len()] == p[..]
        })
        .max_by_key(|(p, _)| p.split('$').count());
    match block {
        Some((p, name)) => {
            let rest = &path[p.split('$').count()..];
            if rest.is_empty() {
                name.to_string()
            } else {
                format!("{name}_{}", rest.join("_"))
            }
        }
        None => format!("{prefix}_{}", path.join("_")),
    }
}

/// One line that says what a submodule is.
fn describe(m: &RawModule) -> String {
    if let Some(w) = dff_width(m) {
        return format!("{w}-bit register (rust-hdl DFF): q takes d at each rising clock edge.");
    }
    if m.body.contains("mem[") {
        return "Simple dual-port RAM with a registered read port (infers block RAM).".into();
    }
    "Submodule generated by rust-hdl.".into()
}

/// Renames one identifier: `a$0$b` -> `a0_b`, `a$b` -> `a_b`.
fn clean_ident(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    let mut segs = id.split('$');
    out.push_str(segs.next().unwrap_or(""));
    for seg in segs {
        let is_index = !seg.is_empty() && seg.chars().all(|c| c.is_ascii_digit());
        if !is_index {
            out.push('_');
        }
        out.push_str(seg);
    }
    out
}

/// Rewrites every identifier of `text` that contains `$`, through `rename`
/// for module names and `clean_ident` for the rest; an identifier of the
/// module's own under `bundle$` loses that prefix. Checks collisions.
fn rename_idents(
    text: &str,
    modules: &BTreeMap<String, String>,
    seen: &mut BTreeMap<String, String>,
    bundle: Option<&str>,
) -> Result<String, EmitError> {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i] as char;
        let starts_ident = c.is_ascii_alphabetic() || c == '_';
        let after_ident_char = i > 0 && {
            let p = bytes[i - 1] as char;
            p.is_ascii_alphanumeric() || p == '_' || p == '$' || p == '\''
        };
        if starts_ident && !after_ident_char {
            let start = i;
            while i < bytes.len() {
                let d = bytes[i] as char;
                if d.is_ascii_alphanumeric() || d == '_' || d == '$' {
                    i += 1;
                } else {
                    break;
                }
            }
            let id = &text[start..i];
            // `.name(` in an instance names a port of the child module: its
            // own namespace, so it cannot collide with this module's names.
            let child_port = text[..start].trim_end().ends_with('.');
            let unbundled = bundle
                .filter(|_| !child_port)
                .and_then(|b| id.strip_prefix(b).and_then(|rest| rest.strip_prefix('$')));
            let new = if let Some(m) = modules.get(id) {
                m.clone()
            } else if let Some(rest) = unbundled {
                clean_ident(rest)
            } else if id.contains('$') {
                clean_ident(id)
            } else {
                id.to_string()
            };
            if !child_port {
                if let Some(prev) = seen.get(&new) {
                    if prev != id && !modules.contains_key(id) {
                        return Err(EmitError(format!(
                            "identifiers `{prev}` and `{id}` would both be emitted as `{new}`"
                        )));
                    }
                } else if !modules.contains_key(id) {
                    seen.insert(new.clone(), id.to_string());
                }
            }
            out.push_str(&new);
        } else {
            out.push(c);
            i += 1;
        }
    }
    Ok(out)
}

fn render_module(
    m: &RawModule,
    name: &str,
    modules: &BTreeMap<String, String>,
    header: &[String],
    doc: &str,
    bundle: Option<&str>,
) -> Result<String, EmitError> {
    let mut seen = BTreeMap::new();
    let mut s = String::new();
    for line in header {
        s.push_str(&format!("// {line}\n"));
    }
    s.push_str(&format!("//\n// {name}: {doc}\n\n"));
    s.push_str("`resetall\n`timescale 1ns / 1ps\n`default_nettype none\n\n");
    // rust-hdl writes integer literals as 32-bit constants (`32'h1`) and lets
    // the assignment size them; loops over partitions are unrolled, so index 0
    // gives comparisons such as `x < 0`; a range check against the configured
    // maximum is constant when the configuration fills its field (64
    // partitions in 6 bits). rust-hdl writes a block's combinational logic as
    // one always block, so where blocks are joined (tvalid in, tready out)
    // Verilator sees a loop through the whole block although no bit depends
    // on itself (UNOPTFLAT); it settles it by iteration. All intended: waived
    // here only.
    s.push_str(
        "/* verilator lint_off WIDTH */\n/* verilator lint_off UNSIGNED */\n\
         /* verilator lint_off CMPCONST */\n/* verilator lint_off UNOPTFLAT */\n",
    );
    s.push_str(&format!("module {name} (\n"));
    let kind_w = m.ports.iter().map(|p| p.kind.len()).max().unwrap_or(0);
    let range_w = m.ports.iter().map(|p| p.range.len()).max().unwrap_or(0);
    for (k, p) in m.ports.iter().enumerate() {
        let pname = rename_idents(&p.name, modules, &mut seen, bundle)?;
        let kind = p.kind.replacen("input", "input ", 1);
        let sep = if k + 1 == m.ports.len() { "" } else { "," };
        s.push_str(&format!(
            "    {kind:<kw$} {range:<rw$} {pname}{sep}\n",
            kw = kind_w + 1,
            range = p.range,
            rw = range_w
        ));
    }
    s.push_str(");\n\n");
    let body = drop_unused_localparams(&rename_idents(&m.body, modules, &mut seen, bundle)?);
    for line in body.lines() {
        // rust-hdl's trailing `// top$x` comments name the old module.
        s.push_str(line.trim_end());
        s.push('\n');
    }
    s.push_str(&format!("\nendmodule // {name}\n\n"));
    s.push_str(
        "/* verilator lint_on UNOPTFLAT */\n/* verilator lint_on CMPCONST */\n\
         /* verilator lint_on UNSIGNED */\n/* verilator lint_on WIDTH */\n`resetall\n",
    );
    let s = squeeze_blank_lines(&s);
    if s.contains('$') {
        return Err(EmitError(format!("module `{name}` still contains `$`")));
    }
    Ok(s)
}

/// Removes `localparam`s that nothing in the module uses: rust-hdl declares
/// every state of an enum in each module that carries one (a register of
/// that type included), which lint rightly reports as unused.
fn drop_unused_localparams(body: &str) -> String {
    let words = |line: &str| -> Vec<String> {
        line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    let mut uses: BTreeMap<String, usize> = BTreeMap::new();
    for line in body.lines() {
        for w in words(line) {
            *uses.entry(w).or_default() += 1;
        }
    }
    let mut out = String::with_capacity(body.len());
    for line in body.lines() {
        let declared = line.trim_start().strip_prefix("localparam").and_then(|rest| words(rest).into_iter().next());
        if let Some(name) = declared {
            if uses.get(&name) == Some(&1) {
                continue;
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// At most one blank line in a row, as a hand-written file would have.
fn squeeze_blank_lines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank = 0;
    for line in s.lines() {
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
            out.push('\n');
        } else {
            blank = 0;
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Orders modules so that each comes after every module it instantiates.
fn dependency_order(
    modules: &BTreeMap<String, String>,
    top: &str,
) -> Result<Vec<String>, EmitError> {
    // A module uses `other` when one of its lines starts (after indentation)
    // with `other` and a space: the first words of each module's lines,
    // gathered once (looking every name up in every line is quadratic, and
    // took most of the generation time of a 64-partition shell).
    let first_words: BTreeMap<&str, BTreeSet<&str>> = modules
        .iter()
        .map(|(name, text)| {
            let words = text.lines().filter_map(|l| l.trim_start().split_once(' ')).map(|(w, _)| w).collect();
            (name.as_str(), words)
        })
        .collect();
    let uses = |name: &str, other: &str| first_words[name].contains(other);
    let mut order = Vec::new();
    let mut done = BTreeSet::new();
    fn visit(
        name: &str,
        modules: &BTreeMap<String, String>,
        uses: &dyn Fn(&str, &str) -> bool,
        done: &mut BTreeSet<String>,
        order: &mut Vec<String>,
        depth: usize,
    ) -> Result<(), EmitError> {
        if depth > 64 {
            return Err(EmitError("module hierarchy is cyclic or too deep".into()));
        }
        if done.contains(name) {
            return Ok(());
        }
        for other in modules.keys() {
            if other != name && uses(name, other) {
                visit(other, modules, uses, done, order, depth + 1)?;
            }
        }
        done.insert(name.to_string());
        order.push(name.to_string());
        Ok(())
    }
    visit(top, modules, &uses, &mut done, &mut order, 0)?;
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_name_their_block() {
        assert_eq!(variant_base("vfpga_dma_ctrl_banks_bank_v3"), "vfpga_dma_ctrl_banks_bank");
        assert_eq!(variant_base("vfpga_dma_ctrl_banks_bank"), "vfpga_dma_ctrl_banks_bank");
        assert_eq!(variant_base("vfpga_dma_c2h_first_v"), "vfpga_dma_c2h_first_v");
        assert_eq!(variant_base("vfpga_dma_ctrl_rec_v2x"), "vfpga_dma_ctrl_rec_v2x");
    }

    #[test]
    fn identifiers_lose_their_dollars() {
        assert_eq!(clean_ident("m_axis_h2c_p$0$tdata"), "m_axis_h2c_p0_tdata");
        assert_eq!(clean_ident("s_axis_h2c$tid"), "s_axis_h2c_tid");
        assert_eq!(clean_ident("owners$12$d"), "owners12_d");
        assert_eq!(clean_ident("plain"), "plain");
    }

    const TWO_DFFS: &str = "
module top(clk,x$0$a,y);
    
    // Module arguments
    input wire  clk;
    input wire  [3:0] x$0$a;
    output reg  [3:0] y;
    
    // Stub signals
    reg  [3:0] r$0$d;
    wire  [3:0] r$0$q;
    reg  [3:0] r$1$d;
    wire  [3:0] r$1$q;
    
    // Sub module instances
    top$r$0 r$0(
        .d(r$0$d),
        .q(r$0$q),
        .clock(clk)
    );
    top$r$1 r$1(
        .d(r$1$d),
        .q(r$1$q),
        .clock(clk)
    );
    always @(*) begin
        r$0$d = x$0$a;
        r$1$d = r$0$q + 32'h1;
        y = r$1$q;
    end
endmodule // top

module top$r$0(d,q,clock);
    
    // Module arguments
    input wire  [3:0] d;
    output reg  [3:0] q;
    input wire  clock;
    
    // Update code (custom)
    always @(posedge clock) begin
       q <= d;
    end
endmodule // top$r$0

module top$r$1(d,q,clock);
    
    // Module arguments
    input wire  [3:0] d;
    output reg  [3:0] q;
    input wire  clock;
    
    // Update code (custom)
    always @(posedge clock) begin
       q <= d;
    end
endmodule // top$r$1
";

    fn opts() -> EmitOptions<'static> {
        EmitOptions {
            top_name: "vfpga_test",
            module_prefix: "vfpga_test",
            header: &[],
            top_doc: "test top",
            top_bundle: None,
        }
    }

    #[test]
    fn identical_modules_are_emitted_once_and_named_for_what_they_are() {
        let mods = emit(TWO_DFFS, &opts()).unwrap();
        let names: Vec<&str> = mods.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["vfpga_dff_w4", "vfpga_test"]);
        let top = &mods[1].text;
        assert_eq!(top.matches("vfpga_dff_w4 r0(").count(), 1);
        assert_eq!(top.matches("vfpga_dff_w4 r1(").count(), 1);
        assert!(top.contains("    input  wire [3:0] x0_a,\n"));
        assert!(top.contains("    output reg  [3:0] y\n);"));
        assert!(top.contains("r1_d = r0_q + 32'h1;"));
        for m in &mods {
            assert!(!m.text.contains('$'), "{}", m.text);
            assert!(m.text.starts_with("//\n// ") || m.text.starts_with("// "));
            assert!(m.text.trim_end().ends_with("`resetall"));
        }
    }

    #[test]
    fn modules_of_a_block_are_named_after_the_block() {
        let mods = emit_with_blocks(&TWO_DFFS.replace("q <= d;", "q <= ~d;"), &opts(), &[("r", "vfpga_reg")]).unwrap();
        let names: Vec<&str> = mods.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["vfpga_reg", "vfpga_test"]);
    }

    #[test]
    fn colliding_names_are_refused() {
        let bad = TWO_DFFS.replace("output reg  [3:0] y;", "output reg  [3:0] x0_a;").replace(
            "y = r$1$q;",
            "x0_a = r$1$q;",
        );
        let err = emit(&bad, &opts()).unwrap_err();
        assert!(err.0.contains("x0_a"), "{err}");
    }

    /// A top with a bundle `rm` and a child that has a bundle `rm` too.
    const BUNDLED: &str = "
module top(clk,rm$a,rm$b);
    
    // Module arguments
    input wire  clk;
    input wire  rm$a;
    output reg  rm$b;
    
    // Stub signals
    reg  c$rm$a;
    wire  c$rm$b;
    
    // Sub module instances
    top$c c(
        .rm$a(c$rm$a),
        .rm$b(c$rm$b)
    );
    always @(*) begin
        c$rm$a = rm$a;
        rm$b = c$rm$b;
    end
endmodule // top

module top$c(rm$a,rm$b);
    
    // Module arguments
    input wire  rm$a;
    output reg  rm$b;
    
    always @(*) begin
        rm$b = ~rm$a;
    end
endmodule // top$c
";

    #[test]
    fn the_top_bundle_loses_its_name_in_the_top_only() {
        let opts = EmitOptions { top_bundle: Some("rm"), ..opts() };
        let mods = emit(BUNDLED, &opts).unwrap();
        let (child, top) = (&mods[0].text, &mods[1].text);
        assert!(top.contains("    input  wire  a,\n"), "{top}");
        assert!(top.contains("    output reg   b\n);"), "{top}");
        // The child's ports keep their names, and so do the wires to them.
        assert!(top.contains(".rm_a(c_rm_a)"), "{top}");
        assert!(top.contains("c_rm_a = a;") && top.contains("b = c_rm_b;"), "{top}");
        assert!(child.contains("input  wire  rm_a,") && child.contains("rm_b = ~rm_a;"), "{child}");
        // Without it, the bundle's name stays.
        let plain = emit(BUNDLED, &self::opts()).unwrap();
        assert!(plain[1].text.contains("    input  wire  rm_a,\n"), "{}", plain[1].text);
    }

    #[test]
    fn a_top_bundle_that_collides_is_refused() {
        let bad = BUNDLED.replace("input wire  clk;", "input wire  a;").replace("top(clk,", "top(a,");
        let err = emit(&bad, &EmitOptions { top_bundle: Some("rm"), ..opts() }).unwrap_err();
        assert!(err.0.contains("`a`"), "{err}");
    }

    #[test]
    fn output_is_deterministic() {
        assert_eq!(emit(TWO_DFFS, &opts()).unwrap(), emit(TWO_DFFS, &opts()).unwrap());
    }
}
