//! Port lists: from Verilog source ([`parse_ports`]) and from the model
//! header that Verilator writes (`V<prefix>.h`), which is what the harness
//! trusts for C++ member names, storage types and widths.

use std::collections::HashMap;

use super::SimError;

/// Direction of a top-level port.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dir {
    /// Driven by the testbench (`input`).
    In,
    /// Driven by the design (`output`).
    Out,
}

/// One port of the top module.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Port {
    /// The Verilog name, as written (`s_axis_h2c_tdata`).
    pub name: String,
    /// Direction.
    pub dir: Dir,
    /// Width in bits (at least 1).
    pub width: u32,
}

/// Parses the ports of module `top` from Verilog source text.
///
/// Accepts the ANSI header style our emitter writes
/// (`module m (input wire [63:0] a, output reg b);`, with or without
/// `wire`/`reg`/`logic`/`signed`, ranges, trailing commas, comments and
/// attributes) and the non-ANSI style (`module m(a, b); input wire [7:0] a;
/// output reg b; ...`). Ranges may use integer literals, parameters declared
/// in the module (`#(parameter W = 8)`, `parameter`, `localparam`), the usual
/// arithmetic operators and `$clog2`.
///
/// Errors: the module is missing, a port has no direction, a range cannot be
/// evaluated (e.g. it uses a macro), or a port is an `inout` or an unpacked
/// array (neither can be driven by the harness).
pub fn parse_ports(verilog: &str, top: &str) -> Result<Vec<Port>, SimError> {
    let raw = parse_raw(verilog, top)?;
    raw.into_iter()
        .map(|p| {
            let width = p.width.map_err(|e| {
                SimError::parse(format!("module {top}: cannot evaluate the width of port `{}`: {e}", p.name))
            })?;
            Ok(Port { name: p.name, dir: p.dir, width })
        })
        .collect()
}

/// A port as parsed, with a width that may not be computable from the text
/// alone (the build then takes it from Verilator's header).
pub(crate) struct RawPort {
    pub name: String,
    pub dir: Dir,
    pub width: Result<u32, String>,
}

pub(crate) fn parse_raw(verilog: &str, top: &str) -> Result<Vec<RawPort>, SimError> {
    let toks = tokenize(verilog);
    let err = |msg: String| SimError::parse(format!("module {top}: {msg}"));
    // Find `module <top>`.
    let mut start = None;
    for i in 0..toks.len().saturating_sub(1) {
        if matches!(toks[i], Tok::Id("module") | Tok::Id("macromodule")) && toks[i + 1] == Tok::Id(top) {
            start = Some(i + 2);
            break;
        }
    }
    let Some(mut i) = start else {
        return Err(SimError::parse(format!("no `module {top}` in the Verilog source")));
    };
    let mut params: HashMap<&str, Vec<Tok>> = HashMap::new();
    // `#( parameter ... )`
    if toks.get(i) == Some(&Tok::P("#")) {
        if toks.get(i + 1) != Some(&Tok::P("(")) {
            return Err(err("expected `(` after `#`".into()));
        }
        let end = matching(&toks, i + 1).ok_or_else(|| err("unbalanced parameter list".into()))?;
        collect_params(&toks[i + 2..end], &mut params);
        i = end + 1;
    }
    // Header declarations: (name, dir, packed dims, unpacked)
    let mut decls: Vec<Decl> = Vec::new();
    let mut order: Vec<String> = Vec::new();
    let mut ansi = false;
    if toks.get(i) == Some(&Tok::P("(")) {
        let end = matching(&toks, i).ok_or_else(|| err("unbalanced port list".into()))?;
        let list = &toks[i + 1..end];
        ansi = matches!(list.first(), Some(Tok::Id(d)) if is_dir(d));
        if ansi {
            decls = parse_ansi(list).map_err(err)?;
        } else {
            for item in split_top(list, ",") {
                match item {
                    [] => {}
                    [Tok::Id(n)] => order.push(n.to_string()),
                    _ => return Err(err(format!("unsupported port expression `{}`", show(item)))),
                }
            }
        }
        i = end + 1;
    }
    if toks.get(i) != Some(&Tok::P(";")) {
        return Err(err("expected `;` after the port list".into()));
    }
    i += 1;
    // Body: parameters, and the port declarations of the non-ANSI style.
    let mut body_decls = Vec::new();
    let mut stmt_start = true;
    while i < toks.len() {
        match toks[i] {
            Tok::Id("endmodule") => break,
            Tok::Id(kw @ ("function" | "task")) => {
                let end_kw = if kw == "function" { "endfunction" } else { "endtask" };
                while i < toks.len() && toks[i] != Tok::Id(end_kw) {
                    i += 1;
                }
                i += 1;
                stmt_start = true;
                continue;
            }
            Tok::Id("parameter" | "localparam") if stmt_start => {
                let end = find_semicolon(&toks, i);
                collect_params(&toks[i..end], &mut params);
                i = end + 1;
                stmt_start = true;
                continue;
            }
            Tok::Id(d) if stmt_start && is_dir(d) => {
                let end = find_semicolon(&toks, i);
                body_decls.extend(parse_decl_group(&toks[i..end]).map_err(err)?);
                i = end + 1;
                stmt_start = true;
                continue;
            }
            Tok::P(";") => stmt_start = true,
            Tok::Id("begin" | "end" | "generate" | "endgenerate") => stmt_start = true,
            _ => stmt_start = false,
        }
        i += 1;
    }
    if !ansi {
        let mut by_name: HashMap<&str, &Decl> = HashMap::new();
        for d in &body_decls {
            by_name.insert(d.name.as_str(), d);
        }
        let mut out = Vec::new();
        for n in &order {
            let d = by_name
                .get(n.as_str())
                .ok_or_else(|| err(format!("port `{n}` has no input/output declaration")))?;
            out.push((*d).clone());
        }
        decls = out;
    }
    let mut ev = Eval { params: &params, memo: HashMap::new(), depth: 0 };
    let mut ports = Vec::new();
    for d in decls {
        let dir = match d.dir {
            "input" => Dir::In,
            "output" => Dir::Out,
            _ => return Err(err(format!("port `{}` is an inout; only input and output ports are supported", d.name))),
        };
        if d.unpacked {
            return Err(err(format!("port `{}` is an unpacked array, which the harness cannot drive", d.name)));
        }
        let width = if d.integer && d.dims.is_empty() {
            Ok(32)
        } else {
            let mut w: Result<u64, String> = Ok(1);
            for (msb, lsb) in &d.dims {
                w = w.and_then(|w| {
                    let a = ev.expr(msb)?;
                    let b = ev.expr(lsb)?;
                    Ok(w * ((a - b).unsigned_abs() + 1))
                });
            }
            w.and_then(|w| u32::try_from(w).map_err(|_| format!("width {w} is too large")))
        };
        ports.push(RawPort { name: d.name, dir, width });
    }
    Ok(ports)
}

// ---------------------------------------------------------------- tokenizer

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok<'a> {
    /// Identifier or keyword (escaped identifiers without the backslash),
    /// system function names (`$clog2`) included.
    Id(&'a str),
    /// A number, sized or not (`12`, `8'hff`, `'d3`).
    Num(&'a str),
    /// A compiler directive or macro use (`` `FOO ``).
    Macro(&'a str),
    /// Punctuation / operator.
    P(&'a str),
    /// A string literal.
    Str,
}

const OPS: [&str; 19] = [
    "**", "<<<", ">>>", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "+:", "-:", "===", "!==", "~&", "~|", "~^", "^~",
];

fn tokenize(src: &str) -> Vec<Tok<'_>> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let ident_char = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'$';
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            i = find_from(b, i + 2, b"*/").map_or(b.len(), |j| j + 2);
        } else if b[i..].starts_with(b"(*") && !next_non_space_is(b, i + 2, b')') {
            i = find_from(b, i + 2, b"*)").map_or(b.len(), |j| j + 2);
        } else if c == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            out.push(Tok::Str);
        } else if c == b'`' {
            let s = i + 1;
            i = s;
            while i < b.len() && ident_char(b[i]) {
                i += 1;
            }
            let name = &src[s..i];
            if matches!(
                name,
                "timescale" | "define" | "include" | "default_nettype" | "resetall" | "celldefine" | "endcelldefine"
                    | "undef" | "line" | "pragma"
            ) {
                // Line directives: skip the rest of the line (with continuations).
                while i < b.len() && b[i] != b'\n' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            } else if !matches!(name, "ifdef" | "ifndef" | "else" | "elsif" | "endif") {
                out.push(Tok::Macro(name));
            } else if matches!(name, "ifdef" | "ifndef" | "elsif") {
                // Skip the macro name that follows.
                while i < b.len() && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                while i < b.len() && ident_char(b[i]) {
                    i += 1;
                }
            }
        } else if c == b'\\' {
            let s = i + 1;
            i = s;
            while i < b.len() && !b[i].is_ascii_whitespace() {
                i += 1;
            }
            out.push(Tok::Id(&src[s..i]));
        } else if c.is_ascii_alphabetic() || c == b'_' || c == b'$' {
            let s = i;
            while i < b.len() && ident_char(b[i]) {
                i += 1;
            }
            out.push(Tok::Id(&src[s..i]));
        } else if c.is_ascii_digit() || c == b'\'' {
            let s = i;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
                i += 1;
            }
            // Optional base part: [ws] ' [s] base [ws] digits
            let mut j = i;
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if j < b.len() && b[j] == b'\'' {
                j += 1;
                if j < b.len() && (b[j] == b's' || b[j] == b'S') {
                    j += 1;
                }
                if j < b.len() && b"bBoOdDhH".contains(&b[j]) {
                    j += 1;
                    while j < b.len() && b[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    while j < b.len() && (b[j].is_ascii_hexdigit() || b"_xXzZ?".contains(&b[j])) {
                        j += 1;
                    }
                    i = j;
                } else if j < b.len() && b"01xXzZ".contains(&b[j]) && i == s {
                    // unbased unsized literal '0, '1
                    i = j + 1;
                }
            }
            if i == s {
                // a lone quote (e.g. a cast): punctuation
                i += 1;
                out.push(Tok::P("'"));
            } else {
                out.push(Tok::Num(&src[s..i]));
            }
        } else {
            let rest = &src[i..];
            let op = OPS.iter().filter(|o| rest.starts_with(**o)).max_by_key(|o| o.len());
            let len = op.map_or(1, |o| o.len());
            let len = if op.is_none() { rest.chars().next().map_or(1, char::len_utf8) } else { len };
            out.push(Tok::P(&src[i..i + len]));
            i += len;
        }
    }
    out
}

fn find_from(b: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    (from..b.len().saturating_sub(pat.len() - 1)).find(|&j| b[j..].starts_with(pat))
}

fn next_non_space_is(b: &[u8], mut i: usize, c: u8) -> bool {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i < b.len() && b[i] == c
}

fn show(toks: &[Tok]) -> String {
    toks.iter()
        .map(|t| match t {
            Tok::Id(s) | Tok::Num(s) | Tok::P(s) => s.to_string(),
            Tok::Macro(s) => format!("`{s}"),
            Tok::Str => "\"...\"".to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Index of the bracket closing the one at `open`.
fn matching(toks: &[Tok], open: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (k, t) in toks.iter().enumerate().skip(open) {
        match t {
            Tok::P("(" | "[" | "{") => depth += 1,
            Tok::P(")" | "]" | "}") => {
                depth -= 1;
                if depth == 0 {
                    return Some(k);
                }
            }
            _ => {}
        }
    }
    None
}

fn find_semicolon(toks: &[Tok], from: usize) -> usize {
    (from..toks.len()).find(|&k| toks[k] == Tok::P(";")).unwrap_or(toks.len())
}

/// Splits at `sep` tokens outside brackets.
fn split_top<'t, 'a>(toks: &'t [Tok<'a>], sep: &str) -> Vec<&'t [Tok<'a>]> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut s = 0;
    for (k, t) in toks.iter().enumerate() {
        match t {
            Tok::P("(" | "[" | "{") => depth += 1,
            Tok::P(")" | "]" | "}") => depth -= 1,
            Tok::P(p) if depth == 0 && *p == sep => {
                out.push(&toks[s..k]);
                s = k + 1;
            }
            _ => {}
        }
    }
    out.push(&toks[s..]);
    out
}

fn is_dir(s: &str) -> bool {
    matches!(s, "input" | "output" | "inout")
}

// ------------------------------------------------------------- declarations

#[derive(Clone, Debug)]
struct Decl<'a> {
    name: String,
    dir: &'static str,
    /// Packed dimensions as (msb, lsb) token lists.
    dims: Vec<(Vec<Tok<'a>>, Vec<Tok<'a>>)>,
    integer: bool,
    unpacked: bool,
}

/// Type part shared by the names of one declaration group.
#[derive(Clone, Default)]
struct DeclType<'a> {
    dir: &'static str,
    dims: Vec<(Vec<Tok<'a>>, Vec<Tok<'a>>)>,
    integer: bool,
}

fn static_dir(d: &str) -> &'static str {
    match d {
        "input" => "input",
        "output" => "output",
        _ => "inout",
    }
}

/// Parses `dir [type...] [dims] ` at the start of `toks`; returns the type
/// and the index just past it.
fn parse_type<'a>(toks: &[Tok<'a>]) -> Result<(DeclType<'a>, usize), String> {
    let Some(Tok::Id(d)) = toks.first() else { return Err("expected a direction".into()) };
    let mut t = DeclType { dir: static_dir(d), ..Default::default() };
    let mut k = 1;
    while let Some(Tok::Id(w)) = toks.get(k) {
        match *w {
            "wire" | "reg" | "logic" | "tri" | "var" | "signed" | "unsigned" | "wand" | "wor" | "bit" | "uwire" => k += 1,
            "integer" | "int" => {
                t.integer = true;
                k += 1;
            }
            _ => break,
        }
    }
    while toks.get(k) == Some(&Tok::P("[")) {
        let end = matching(toks, k).ok_or("unbalanced `[`")?;
        let inner = &toks[k + 1..end];
        let parts = split_top(inner, ":");
        if parts.len() != 2 {
            return Err(format!("unsupported range `[{}]`", show(inner)));
        }
        t.dims.push((parts[0].to_vec(), parts[1].to_vec()));
        k = end + 1;
    }
    Ok((t, k))
}

/// A body declaration `input wire [7:0] a, b` (without the `;`).
fn parse_decl_group<'a>(toks: &[Tok<'a>]) -> Result<Vec<Decl<'a>>, String> {
    let (t, k) = parse_type(toks)?;
    let mut out = Vec::new();
    for item in split_top(&toks[k..], ",") {
        out.push(decl_item(&t, item)?);
    }
    Ok(out)
}

fn decl_item<'a>(t: &DeclType<'a>, item: &[Tok<'a>]) -> Result<Decl<'a>, String> {
    let Some(Tok::Id(name)) = item.first() else {
        return Err(format!("expected a port name, found `{}`", show(item)));
    };
    let unpacked = item.get(1) == Some(&Tok::P("["));
    Ok(Decl {
        name: name.to_string(),
        dir: t.dir,
        dims: t.dims.clone(),
        integer: t.integer,
        unpacked,
    })
}

/// An ANSI port list (inside the parentheses).
fn parse_ansi<'a>(list: &[Tok<'a>]) -> Result<Vec<Decl<'a>>, String> {
    let mut out = Vec::new();
    let mut cur: Option<DeclType<'a>> = None;
    for item in split_top(list, ",") {
        if item.is_empty() {
            continue; // tolerate a trailing comma
        }
        let (t, rest) = match item.first() {
            Some(Tok::Id(d)) if is_dir(d) => {
                let (t, k) = parse_type(item)?;
                (t, &item[k..])
            }
            _ => match &cur {
                Some(t) => (t.clone(), item),
                None => return Err(format!("port `{}` has no direction", show(item))),
            },
        };
        // Drop a default value (`output reg x = 0`).
        let rest = match rest.iter().position(|t| *t == Tok::P("=")) {
            Some(k) => &rest[..k],
            None => rest,
        };
        out.push(decl_item(&t, rest)?);
        cur = Some(t);
    }
    Ok(out)
}

/// Records `parameter`/`localparam` assignments. In a `#(...)` list a bare
/// `NAME = expr` continues the previous parameter declaration.
fn collect_params<'a>(toks: &[Tok<'a>], params: &mut HashMap<&'a str, Vec<Tok<'a>>>) {
    for item in split_top(toks, ",") {
        let Some(eq) = item.iter().position(|t| *t == Tok::P("=")) else { continue };
        // The name is the last identifier before `=`.
        let Some(Tok::Id(name)) = item[..eq].iter().rev().find(|t| matches!(t, Tok::Id(_))) else { continue };
        params.insert(name, item[eq + 1..].to_vec());
    }
}

// --------------------------------------------------------------- evaluator

struct Eval<'p, 'a> {
    params: &'p HashMap<&'a str, Vec<Tok<'a>>>,
    memo: HashMap<String, Result<i64, String>>,
    depth: u32,
}

impl Eval<'_, '_> {
    fn expr(&mut self, toks: &[Tok]) -> Result<i64, String> {
        let mut p = Parser { toks, pos: 0 };
        let v = self.ternary(&mut p)?;
        if p.pos != toks.len() {
            return Err(format!("cannot evaluate `{}`", show(toks)));
        }
        Ok(v)
    }

    fn param(&mut self, name: &str) -> Result<i64, String> {
        if let Some(v) = self.memo.get(name) {
            return v.clone();
        }
        let params = self.params;
        let Some(toks) = params.get(name) else {
            return Err(format!("unknown identifier `{name}`"));
        };
        if self.depth > 64 {
            return Err(format!("parameter `{name}` is defined recursively"));
        }
        self.depth += 1;
        let v = self.expr(toks);
        self.depth -= 1;
        self.memo.insert(name.to_string(), v.clone());
        v
    }

    fn ternary(&mut self, p: &mut Parser) -> Result<i64, String> {
        let c = self.binary(p, 0)?;
        if p.eat("?") {
            let a = self.ternary(p)?;
            if !p.eat(":") {
                return Err("expected `:`".into());
            }
            let b = self.ternary(p)?;
            return Ok(if c != 0 { a } else { b });
        }
        Ok(c)
    }

    fn binary(&mut self, p: &mut Parser, min_prec: u8) -> Result<i64, String> {
        let mut lhs = self.unary(p)?;
        while let Some(Tok::P(op)) = p.peek() {
            let prec = match op {
                "||" => 1,
                "&&" => 2,
                "|" => 3,
                "^" => 4,
                "&" => 5,
                "==" | "!=" | "===" | "!==" => 6,
                "<" | "<=" | ">" | ">=" => 7,
                "<<" | ">>" | "<<<" | ">>>" => 8,
                "+" | "-" => 9,
                "*" | "/" | "%" => 10,
                "**" => 11,
                _ => break,
            };
            if prec < min_prec {
                break;
            }
            p.pos += 1;
            // `**` is right-associative; the rest left-associative.
            let rhs = self.binary(p, if op == "**" { prec } else { prec + 1 })?;
            let ovf = || format!("overflow in `{op}`");
            lhs = match op {
                "||" => ((lhs != 0) || (rhs != 0)) as i64,
                "&&" => ((lhs != 0) && (rhs != 0)) as i64,
                "|" => lhs | rhs,
                "^" => lhs ^ rhs,
                "&" => lhs & rhs,
                "==" | "===" => (lhs == rhs) as i64,
                "!=" | "!==" => (lhs != rhs) as i64,
                "<" => (lhs < rhs) as i64,
                "<=" => (lhs <= rhs) as i64,
                ">" => (lhs > rhs) as i64,
                ">=" => (lhs >= rhs) as i64,
                "<<" | "<<<" => lhs.checked_shl(u32::try_from(rhs).map_err(|_| ovf())?).ok_or_else(ovf)?,
                ">>" | ">>>" => lhs.checked_shr(u32::try_from(rhs).map_err(|_| ovf())?).ok_or_else(ovf)?,
                "+" => lhs.checked_add(rhs).ok_or_else(ovf)?,
                "-" => lhs.checked_sub(rhs).ok_or_else(ovf)?,
                "*" => lhs.checked_mul(rhs).ok_or_else(ovf)?,
                "/" => lhs.checked_div(rhs).ok_or("division by zero")?,
                "%" => lhs.checked_rem(rhs).ok_or("division by zero")?,
                "**" => lhs.checked_pow(u32::try_from(rhs).map_err(|_| ovf())?).ok_or_else(ovf)?,
                _ => unreachable!(),
            };
        }
        Ok(lhs)
    }

    fn unary(&mut self, p: &mut Parser) -> Result<i64, String> {
        match p.next() {
            Some(Tok::P("(")) => {
                let v = self.ternary(p)?;
                if !p.eat(")") {
                    return Err("expected `)`".into());
                }
                Ok(v)
            }
            Some(Tok::P("-")) => Ok(-self.unary(p)?),
            Some(Tok::P("+")) => self.unary(p),
            Some(Tok::P("!")) => Ok((self.unary(p)? == 0) as i64),
            Some(Tok::P("~")) => Ok(!self.unary(p)?),
            Some(Tok::Num(n)) => parse_number(n),
            Some(Tok::Id("$clog2")) => {
                if !p.eat("(") {
                    return Err("expected `(` after $clog2".into());
                }
                let v = self.ternary(p)?;
                if !p.eat(")") {
                    return Err("expected `)`".into());
                }
                Ok(if v <= 1 { 0 } else { 64 - i64::from((v - 1).leading_zeros()) })
            }
            Some(Tok::Id(name)) => self.param(name),
            Some(Tok::Macro(m)) => Err(format!("macro `{m} (the harness does not expand macros)")),
            Some(t) => Err(format!("unexpected `{}`", show(&[t]))),
            None => Err("unexpected end of expression".into()),
        }
    }
}

struct Parser<'t, 'a> {
    toks: &'t [Tok<'a>],
    pos: usize,
}

impl<'a> Parser<'_, 'a> {
    fn peek(&self) -> Option<Tok<'a>> {
        self.toks.get(self.pos).copied()
    }
    fn next(&mut self) -> Option<Tok<'a>> {
        let t = self.peek();
        self.pos += 1;
        t
    }
    fn eat(&mut self, p: &str) -> bool {
        if self.peek() == Some(Tok::P(p)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
}

fn parse_number(n: &str) -> Result<i64, String> {
    let clean: String = n.chars().filter(|c| *c != '_' && !c.is_whitespace()).collect();
    let Some(q) = clean.find('\'') else {
        return clean.parse::<i64>().map_err(|_| format!("bad number `{n}`"));
    };
    let mut rest = &clean[q + 1..];
    if rest.starts_with(['s', 'S']) {
        rest = &rest[1..];
    }
    let radix = match rest.chars().next() {
        Some('b' | 'B') => 2,
        Some('o' | 'O') => 8,
        Some('d' | 'D') => 10,
        Some('h' | 'H') => 16,
        Some('0') => return Ok(0),
        Some('1') => return Ok(-1),
        _ => return Err(format!("bad number `{n}`")),
    };
    i64::from_str_radix(&rest[1..], radix).map_err(|_| format!("cannot use number `{n}` (x/z digits?)"))
}

// ------------------------------------------------------------ model header

/// C++ storage of a port in the Verilated model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    U8,
    U16,
    U32,
    U64,
    /// `VlWide`: this many 32-bit words.
    Wide(u32),
}

/// A port as declared in `V<prefix>.h`: `VL_IN16(&name,15,0);`.
#[derive(Clone, Debug)]
pub(crate) struct HeaderPort {
    /// The member name (Verilator-encoded).
    pub cname: String,
    /// The Verilog name (decoded).
    pub name: String,
    pub dir: Option<Dir>,
    pub width: u32,
    pub kind: Kind,
}

pub(crate) fn parse_header(text: &str) -> Result<Vec<HeaderPort>, String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let l = line.trim();
        let rest = if let Some(r) = l.strip_prefix("VL_INOUT") {
            (None, r)
        } else if let Some(r) = l.strip_prefix("VL_IN") {
            (Some(Dir::In), r)
        } else if let Some(r) = l.strip_prefix("VL_OUT") {
            (Some(Dir::Out), r)
        } else {
            continue;
        };
        let (dir, r) = rest;
        let Some(open) = r.find("(&") else { continue };
        let suffix = &r[..open];
        let Some(close) = r.rfind(')') else { continue };
        let args: Vec<&str> = r[open + 2..close].split(',').map(str::trim).collect();
        if args.len() < 3 {
            return Err(format!("unexpected port line in the model header: {l}"));
        }
        let msb: i64 = args[1].parse().map_err(|_| format!("bad msb in `{l}`"))?;
        let lsb: i64 = args[2].parse().map_err(|_| format!("bad lsb in `{l}`"))?;
        let width = (msb - lsb).unsigned_abs() as u32 + 1;
        let kind = match suffix {
            "8" => Kind::U8,
            "16" => Kind::U16,
            "" => Kind::U32,
            "64" => Kind::U64,
            "W" => Kind::Wide(args.get(3).and_then(|w| w.parse().ok()).unwrap_or(width.div_ceil(32))),
            _ => return Err(format!("unexpected port macro in the model header: {l}")),
        };
        out.push(HeaderPort { cname: args[0].to_string(), name: decode_name(args[0]), dir, width, kind });
    }
    Ok(out)
}

/// Undoes Verilator's name encoding: `__0XX` is the character with hex code
/// XX (`$` is `__024`, and a doubled underscore is `___05F`), and C++
/// keywords get a `__SYM__` prefix.
pub(crate) fn decode_name(s: &str) -> String {
    let s = s.strip_prefix("__SYM__").unwrap_or(s);
    let b = s.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"__0") && i + 5 <= b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 3..i + 5], 16) {
                out.push(v as char);
                i += 5;
                continue;
            }
        }
        out.push(b[i] as char);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ports(src: &str, top: &str) -> Vec<(String, Dir, u32)> {
        parse_ports(src, top).unwrap().into_iter().map(|p| (p.name, p.dir, p.width)).collect()
    }

    #[test]
    fn ansi_emitter_style() {
        let src = "
// header comment with module vfpga_switch ( in it
module other (input wire a); endmodule
module vfpga_switch (
    input  wire        clk,
    input  wire        rst,   // reset
    input  wire [63:0] s_axis_h2c_tdata,
    output wire        s_axis_h2c_tready,
    /* block */ output reg  [10:0] m_axis_c2h_tid
);
endmodule";
        assert_eq!(
            ports(src, "vfpga_switch"),
            vec![
                ("clk".into(), Dir::In, 1),
                ("rst".into(), Dir::In, 1),
                ("s_axis_h2c_tdata".into(), Dir::In, 64),
                ("s_axis_h2c_tready".into(), Dir::Out, 1),
                ("m_axis_c2h_tid".into(), Dir::Out, 11),
            ]
        );
    }

    #[test]
    fn ansi_params_groups_and_trailing_comma() {
        let src = "module m #(parameter W = 8, N = 3, parameter integer D = W*2) (
            input [W-1:0] a, b,
            output logic signed [D-1:0] c,
            (* keep *) output [$clog2(N+1)-1:0] d,
            input [0:3] e,
            output integer f,
            output reg [1:0][7:0] g = 0,
        ); localparam X = 1; endmodule";
        assert_eq!(
            ports(src, "m"),
            vec![
                ("a".into(), Dir::In, 8),
                ("b".into(), Dir::In, 8),
                ("c".into(), Dir::Out, 16),
                ("d".into(), Dir::Out, 2),
                ("e".into(), Dir::In, 4),
                ("f".into(), Dir::Out, 32),
                ("g".into(), Dir::Out, 16),
            ]
        );
    }

    #[test]
    fn non_ansi_rust_hdl_style() {
        let src = "
module top(clk,s_axis$tdata,s_axis$tready,cnt);
    // Module arguments
    input wire  clk;
    input wire  [63:0] s_axis$tdata;
    output reg  s_axis$tready;
    output [W+3:0] cnt;
    localparam W = 4'd12;
    function [3:0] f; input [3:0] x; f = x; endfunction
    always @(*) begin end
endmodule";
        assert_eq!(
            ports(src, "top"),
            vec![
                ("clk".into(), Dir::In, 1),
                ("s_axis$tdata".into(), Dir::In, 64),
                ("s_axis$tready".into(), Dir::Out, 1),
                ("cnt".into(), Dir::Out, 16),
            ]
        );
    }

    #[test]
    fn errors_are_clear() {
        let e = parse_ports("module a(input x); endmodule", "b").unwrap_err().to_string();
        assert!(e.contains("no `module b`"), "{e}");
        let e = parse_ports("module a(inout x); endmodule", "a").unwrap_err().to_string();
        assert!(e.contains("inout"), "{e}");
        let e = parse_ports("module a(input [`W-1:0] x); endmodule", "a").unwrap_err().to_string();
        assert!(e.contains("`W"), "{e}");
        let e = parse_ports("module a(x); input x [3:0]; endmodule", "a").unwrap_err().to_string();
        assert!(e.contains("unpacked"), "{e}");
    }

    #[test]
    fn header_ports_and_name_decoding() {
        let h = "    VL_IN8(&clk,0,0);\n    VL_OUT(&s__024x,31,0);\n    VL_INW(&a___05Fb,99,0,4);\n    VL_OUT64(&q,32,0);";
        let p = parse_header(h).unwrap();
        assert_eq!(p.len(), 4);
        assert_eq!((p[0].name.as_str(), p[0].kind, p[0].dir), ("clk", Kind::U8, Some(Dir::In)));
        assert_eq!((p[1].name.as_str(), p[1].kind, p[1].width), ("s$x", Kind::U32, 32));
        assert_eq!((p[2].name.as_str(), p[2].kind, p[2].width), ("a__b", Kind::Wide(4), 100));
        assert_eq!((p[3].name.as_str(), p[3].kind, p[3].width), ("q", Kind::U64, 33));
        assert_eq!(decode_name("x___05F0ab"), "x__0ab");
        assert_eq!(decode_name("__SYM__switch"), "switch");
        assert_eq!(decode_name("weird__02ename"), "weird.name");
    }
}
