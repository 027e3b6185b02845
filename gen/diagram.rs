//! The block diagram of the shell (`doc/shell.svg` in the output tree), drawn
//! from the emitted netlist, not by hand.
//!
//! [`Netlist::of`] reads the glue modules as emitted (the shell top
//! `vfpga_shell` and the reconfiguration subsystem `vfpga_rps`, which
//! `gen/blocks/shell.rs` and `gen/blocks/rp.rs` write from the blocks' port
//! lists): their instances, the wires between them and the shell's ports,
//! with `vfpga_rps` flattened so that the prc and each partition appear. The
//! directions of the ports come from each instantiated module's own port list.
//!
//! [`Diagram::of`] groups the wires between two instances into buses by name
//! (`reg_dma_req_*` and `reg_dma_resp_*` are the bus `reg_dma`; a bus with a
//! `tdata` is an AXI4-Stream and is never merged), and places the instances:
//! the blocks on a stream (the data plane) in columns by their distance along
//! the streams from the block with the host's AXI port, and each other block
//! (the control plane) above the column it exchanges most bits with. Beyond 8
//! partitions, partitions 7 and up are drawn as one box. [`svg`] renders it
//! with `gen/templates/shell.svg`; the output is a pure function of the
//! modules.

use std::collections::BTreeMap;

use askama::Template;

use crate::emit::Module;
use vfpga_sim::{parse_ports, Dir};

/// Where the diagram goes in the tree.
pub const SVG_PATH: &str = "doc/shell.svg";

/// Partitions drawn one by one; beyond, the rest is one box.
pub const MAX_PARTITIONS_DRAWN: usize = 8;

/// One port of one (flattened) instance and the net it is on.
#[derive(Debug, Clone)]
struct Pin {
    node: usize,
    dir: Dir,
    width: u32,
}

/// A net of the flattened shell.
#[derive(Debug, Clone)]
pub struct Net {
    /// Its name at the outermost level where it exists (shell wire or port).
    pub name: String,
    /// The shell port on it, with its direction, if any.
    pub external: Option<(String, Dir)>,
    pins: Vec<Pin>,
}

/// An instance of the flattened shell.
#[derive(Debug, Clone)]
pub struct Node {
    /// Instance name (`dma`, `partition_p0`).
    pub name: String,
    pub module: String,
}

/// The shell's instances (glue modules flattened) and the nets between them.
#[derive(Debug, Clone)]
pub struct Netlist {
    pub top: String,
    pub nodes: Vec<Node>,
    pub nets: Vec<Net>,
}

/// An instance as written in a glue module.
struct Inst {
    module: String,
    name: String,
    conns: Vec<(String, String)>,
}

/// The instances and `assign`s of a module written as glue (one instance
/// header per line, `.port (expr)` per line, `);`), as the shell and the
/// reconfiguration subsystem are emitted.
fn parse_glue(text: &str) -> (Vec<Inst>, Vec<(String, String)>) {
    let ident = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let mut insts = Vec::new();
    let mut assigns = Vec::new();
    let mut cur: Option<Inst> = None;
    for line in text.lines() {
        let t = line.trim();
        if let Some(inst) = cur.as_mut() {
            if t == ");" {
                insts.push(cur.take().expect("open instance"));
            } else if let Some(rest) = t.strip_prefix('.') {
                let (port, expr) = rest.split_once('(').expect("`.port (expr)`");
                let expr = expr.trim_end_matches(',').trim_end_matches(')');
                inst.conns.push((port.trim().to_string(), expr.trim().to_string()));
            }
            continue;
        }
        if let Some(rest) = t.strip_prefix("assign ") {
            if let Some((l, r)) = rest.trim_end_matches(';').split_once('=') {
                assigns.push((l.trim().to_string(), r.trim().to_string()));
            }
            continue;
        }
        let words: Vec<&str> = t.split_whitespace().collect();
        if words.len() == 3 && words[2] == "(" && ident(words[0]) && ident(words[1]) && words[0] != "module" {
            cur = Some(Inst { module: words[0].into(), name: words[1].into(), conns: Vec::new() });
        }
    }
    (insts, assigns)
}

/// Union-find over net keys `<scope>:<name>`.
#[derive(Default)]
struct Union {
    ids: BTreeMap<String, usize>,
    parent: Vec<usize>,
    keys: Vec<String>,
}

impl Union {
    fn id(&mut self, key: &str) -> usize {
        if let Some(&i) = self.ids.get(key) {
            return i;
        }
        let i = self.parent.len();
        self.parent.push(i);
        self.keys.push(key.to_string());
        self.ids.insert(key.to_string(), i);
        i
    }
    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }
    fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        // The earlier key (outer scope first) stays the root.
        if a < b {
            self.parent[b] = a;
        } else if b < a {
            self.parent[a] = b;
        }
    }
}

impl Netlist {
    /// The netlist of `top` among `modules`; instances of the modules named in
    /// `flatten` are replaced by their contents.
    pub fn of(modules: &[Module], top: &str, flatten: &[&str]) -> Netlist {
        let by_name: BTreeMap<&str, &Module> = modules.iter().map(|m| (m.name.as_str(), m)).collect();
        let ports_of = |name: &str| {
            let m = by_name.get(name).unwrap_or_else(|| panic!("module {name} is not among the design's modules"));
            parse_ports(&m.text, name).unwrap_or_else(|e| panic!("ports of {name}: {e}"))
        };
        let mut u = Union::default();
        let mut nodes = Vec::new();
        let mut pins: Vec<(usize, Pin)> = Vec::new(); // (net id, pin)
        let mut externals: Vec<(usize, String, Dir)> = Vec::new();
        for p in ports_of(top) {
            let id = u.id(&format!("{top}:{}", p.name));
            externals.push((id, p.name, p.dir));
        }
        // Depth-first, so that a flattened instance's contents take its place.
        fn walk(
            scope: &str,
            module: &Module,
            by_name: &BTreeMap<&str, &Module>,
            flatten: &[&str],
            ports_of: &dyn Fn(&str) -> Vec<vfpga_sim::Port>,
            u: &mut Union,
            nodes: &mut Vec<Node>,
            pins: &mut Vec<(usize, Pin)>,
        ) {
            let (insts, assigns) = parse_glue(&module.text);
            for inst in insts {
                let ports = ports_of(&inst.module);
                let child_scope = format!("{scope}/{}", inst.name);
                let flat = flatten.contains(&inst.module.as_str());
                let node = nodes.len();
                if !flat {
                    nodes.push(Node { name: inst.name.clone(), module: inst.module.clone() });
                }
                for (port, expr) in &inst.conns {
                    let p = ports
                        .iter()
                        .find(|p| &p.name == port)
                        .unwrap_or_else(|| panic!("{}.{port}: no such port in {}", inst.name, inst.module));
                    if !expr.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                        continue; // a constant
                    }
                    let outer = u.id(&format!("{scope}:{expr}"));
                    if flat {
                        let inner = u.id(&format!("{child_scope}:{port}"));
                        u.join(outer, inner);
                    } else {
                        pins.push((outer, Pin { node, dir: p.dir, width: p.width }));
                    }
                }
                if flat {
                    let m = by_name[inst.module.as_str()];
                    walk(&child_scope, m, by_name, flatten, ports_of, u, nodes, pins);
                }
            }
            for (l, r) in assigns {
                let (a, b) = (u.id(&format!("{scope}:{l}")), u.id(&format!("{scope}:{r}")));
                u.join(a, b);
            }
        }
        let top_module = by_name.get(top).unwrap_or_else(|| panic!("no module {top}"));
        walk(top, top_module, &by_name, flatten, &ports_of, &mut u, &mut nodes, &mut pins);

        let mut nets: BTreeMap<usize, Net> = BTreeMap::new();
        let name_of = |u: &Union, root: usize| u.keys[root].rsplit(':').next().expect("key").to_string();
        for (id, pin) in pins {
            let root = u.find(id);
            let name = name_of(&u, root);
            nets.entry(root).or_insert_with(|| Net { name, external: None, pins: Vec::new() }).pins.push(pin);
        }
        for (id, name, dir) in externals {
            let root = u.find(id);
            if let Some(n) = nets.get_mut(&root) {
                n.external = Some((name, dir));
            }
        }
        Netlist { top: top.to_string(), nodes, nets: nets.into_values().collect() }
    }
}

/// `ctx_p3_addr` -> `ctx_addr`: the partition index dropped.
fn without_index(name: &str) -> String {
    name.split('_')
        .filter(|s| !(s.len() > 1 && s.starts_with('p') && s[1..].chars().all(|c| c.is_ascii_digit() || c == '.' || c == 'p')))
        .collect::<Vec<_>>()
        .join("_")
}

/// The partition index a name ends with (`partition_p3` -> 3).
fn index_of(name: &str) -> Option<usize> {
    let (_, last) = name.rsplit_once("_p")?;
    last.parse().ok()
}

/// The name without its last `_segment`, if it has more than one.
fn strip_last(name: &str) -> Option<&str> {
    name.rsplit_once('_').map(|(a, _)| a)
}

/// The bus a net belongs to: index dropped, then the signal's name.
fn bus_of(net: &str) -> String {
    let n = without_index(net);
    strip_last(&n).map_or(n.clone(), str::to_string)
}

/// The bus of a shell port: `s_axil_bar_awaddr` -> `s_axil_bar`, `irq_valid` -> `irq`.
fn port_bus(port: &str) -> String {
    let n = without_index(port);
    let segs: Vec<&str> = n.split('_').collect();
    if segs.len() > 3 && matches!(segs[0], "s" | "m") && segs[1].starts_with("axi") {
        return segs[..3].join("_");
    }
    strip_last(&n).map_or(n.clone(), str::to_string)
}

/// A bus between two boxes.
#[derive(Debug, Clone, PartialEq)]
pub struct Bus {
    /// The buses drawn as this line (`route`, `owner`).
    pub names: Vec<String>,
    pub from: usize,
    pub to: usize,
    /// An AXI4-Stream (has a `tdata`).
    pub stream: bool,
    pub bits: u32,
    /// Control signals both ways and no valid to tell a direction.
    pub both: bool,
    /// Partitions it stands for when drawn once for several (`x4`).
    pub times: usize,
}

/// A box of the drawing: one instance, or several partitions' collapsed.
#[derive(Debug, Clone)]
pub struct BoxNode {
    pub name: String,
    pub module: String,
    /// Instances it stands for (more than 1 when collapsed).
    pub count: usize,
    /// Partition index, or the first collapsed one.
    pub partition: Option<usize>,
    /// A reconfigurable partition's black box (the RM goes there).
    pub black_box: bool,
    /// The shell's ports on it: bus name and whether they are mostly inputs.
    pub ports: Vec<(String, bool)>,
    pub data_plane: bool,
    pub column: usize,
}

/// What is drawn.
#[derive(Debug, Clone)]
pub struct Diagram {
    pub title: String,
    pub subtitle: String,
    pub boxes: Vec<BoxNode>,
    pub buses: Vec<Bus>,
    pub partitions: usize,
}

impl Diagram {
    /// Groups the netlist into boxes and buses. `black_box` says whether a
    /// module is a partition's black box; `partitions` is the configuration's.
    pub fn of(net: &Netlist, partitions: usize, black_box: &dyn Fn(&str) -> bool) -> Diagram {
        // Boxes: partitions at and beyond MAX_PARTITIONS_DRAWN - 1 collapse
        // into one box per kind when there are more than MAX_PARTITIONS_DRAWN.
        let collapse_from = if partitions > MAX_PARTITIONS_DRAWN { Some(MAX_PARTITIONS_DRAWN - 1) } else { None };
        let mut boxes: Vec<BoxNode> = Vec::new();
        let mut box_of = vec![0usize; net.nodes.len()];
        let mut by_name: BTreeMap<String, usize> = BTreeMap::new();
        for (i, n) in net.nodes.iter().enumerate() {
            let idx = index_of(&n.name);
            let (name, module) = match (idx, collapse_from) {
                (Some(k), Some(c)) if k >= c => {
                    let base = n.name.rsplit_once("_p").expect("indexed").0;
                    (format!("{base}_p{c}..p{}", partitions - 1), without_index(&n.module))
                }
                _ => (n.name.clone(), n.module.clone()),
            };
            let b = *by_name.entry(name.clone()).or_insert_with(|| {
                boxes.push(BoxNode {
                    name,
                    module,
                    count: 0,
                    partition: idx,
                    black_box: black_box(&n.module),
                    ports: Vec::new(),
                    data_plane: false,
                    column: 0,
                });
                boxes.len() - 1
            });
            boxes[b].count += 1;
            box_of[i] = b;
        }

        // Buses: per pair of boxes and bus name, the bits each way.
        #[derive(Default)]
        struct Acc {
            stream: bool,
            /// The width of the stream's tdata.
            tdata: u32,
            bits: BTreeMap<(usize, usize), u32>,
            valid: Option<(usize, usize)>,
        }
        let mut acc: BTreeMap<(usize, usize, String), Acc> = BTreeMap::new();
        let mut ports: BTreeMap<(usize, String), (u32, u32)> = BTreeMap::new(); // bits in, out
        for n in &net.nets {
            if n.name == "clk" || n.name == "rst" {
                continue;
            }
            if let Some((p, dir)) = &n.external {
                for pin in &n.pins {
                    // An input of the shell is shown on the boxes that read it,
                    // an output on the box that drives it.
                    if (*dir == Dir::In) == (pin.dir == Dir::In) {
                        let e = ports.entry((box_of[pin.node], port_bus(p))).or_default();
                        if *dir == Dir::In { e.0 += pin.width } else { e.1 += pin.width }
                    }
                }
            }
            let last = n.name.rsplit('_').next().unwrap_or("");
            for d in n.pins.iter().filter(|p| p.dir == Dir::Out) {
                for r in n.pins.iter().filter(|p| p.dir == Dir::In) {
                    let (a, b) = (box_of[d.node], box_of[r.node]);
                    if a == b {
                        continue;
                    }
                    let key = (a.min(b), a.max(b), bus_of(&n.name));
                    let e = acc.entry(key).or_default();
                    if last == "tdata" {
                        e.stream = true;
                        e.tdata = e.tdata.max(d.width);
                    }
                    *e.bits.entry((a, b)).or_default() += d.width;
                    if last == "valid" || last == "tvalid" {
                        e.valid = Some((a, b));
                    }
                }
            }
        }
        // Merge the buses of a pair whose names differ only in their last
        // segment (`reg_dma_req`, `reg_dma_resp`) or by one (`load`,
        // `load_done`); streams stay apart.
        let mut per_pair: BTreeMap<(usize, usize), Vec<(String, Acc)>> = BTreeMap::new();
        for ((a, b, name), e) in acc {
            per_pair.entry((a, b)).or_default().push((name, e));
        }
        let mut buses = Vec::new();
        for (_, mut list) in per_pair {
            loop {
                let mut merged = false;
                'outer: for i in 0..list.len() {
                    for j in i + 1..list.len() {
                        if list[i].1.stream || list[j].1.stream {
                            continue;
                        }
                        let (x, y) = (list[i].0.clone(), list[j].0.clone());
                        let name = match (strip_last(&x), strip_last(&y)) {
                            (Some(p), Some(q)) if p == q => p.to_string(),
                            (_, Some(q)) if q == x => x.clone(),
                            (Some(p), _) if p == y => y.clone(),
                            _ => continue,
                        };
                        let (_, e2) = list.remove(j);
                        let e1 = &mut list[i].1;
                        for (k, v) in e2.bits {
                            *e1.bits.entry(k).or_default() += v;
                        }
                        // The direction is that of the shorter name's valid
                        // (`load` over `load_done`), else the first by name
                        // (`req` over `resp`).
                        let first = (x.len(), &x) <= (y.len(), &y);
                        e1.valid = if first { e1.valid.or(e2.valid) } else { e2.valid.or(e1.valid) };
                        list[i].0 = name;
                        merged = true;
                        break 'outer;
                    }
                }
                if !merged {
                    break;
                }
            }
            // Each stream is drawn alone; the control buses of a pair are
            // one line, in the direction of the widest bus with a valid.
            let dir_of = |e: &Acc| {
                e.valid.unwrap_or_else(|| {
                    *e.bits.iter().max_by_key(|(k, v)| (**v, std::cmp::Reverse(**k))).expect("a bus has bits").0
                })
            };
            let mut control: Option<Bus> = None;
            let mut widest: Option<(u32, (usize, usize))> = None;
            let mut ways: BTreeMap<(usize, usize), u32> = BTreeMap::new();
            for (name, e) in list {
                let (from, to) = dir_of(&e);
                let bits: u32 = e.bits.values().sum();
                if e.stream {
                    buses.push(Bus { names: vec![name], from, to, stream: true, bits: e.tdata, both: false, times: 1 });
                    continue;
                }
                for (k, v) in &e.bits {
                    *ways.entry(*k).or_default() += v;
                }
                if e.valid.is_some() && widest.map_or(true, |(w, _)| bits > w) {
                    widest = Some((bits, (from, to)));
                }
                match control.as_mut() {
                    Some(c) => {
                        c.names.push(name);
                        c.bits += bits;
                    }
                    None => control = Some(Bus { names: vec![name], from, to, stream: false, bits, both: false, times: 1 }),
                }
            }
            if let Some(mut c) = control {
                if let Some((_, (from, to))) = widest {
                    (c.from, c.to) = (from, to);
                } else {
                    let (from, to) = *ways.iter().max_by_key(|(k, v)| (**v, std::cmp::Reverse(**k))).expect("bits").0;
                    (c.from, c.to) = (from, to);
                    c.both = ways.len() > 1;
                }
                buses.push(c);
            }
        }
        for ((b, name), (i, o)) in ports {
            boxes[b].ports.push((name, i >= o));
        }

        // The data plane: boxes on a stream, in columns by their distance
        // along streams from the boxes with a host AXI port.
        for bus in buses.iter().filter(|b| b.stream) {
            boxes[bus.from].data_plane = true;
            boxes[bus.to].data_plane = true;
        }
        let mut col: Vec<Option<usize>> = vec![None; boxes.len()];
        let mut frontier: Vec<usize> = (0..boxes.len())
            .filter(|&b| boxes[b].data_plane && boxes[b].ports.iter().any(|(p, _)| p.starts_with("m_axi_") || p.starts_with("s_axi_")))
            .collect();
        for &b in &frontier {
            col[b] = Some(0);
        }
        let mut d = 0;
        while !frontier.is_empty() {
            d += 1;
            let mut next = Vec::new();
            for bus in buses.iter().filter(|b| b.stream) {
                if frontier.contains(&bus.from) && col[bus.to].is_none() {
                    col[bus.to] = Some(d);
                    next.push(bus.to);
                }
            }
            frontier = next;
        }
        for (b, c) in col.iter().enumerate() {
            if c.is_none() {
                boxes[b].data_plane = false;
            }
        }
        // The control plane: above the column it exchanges most bits with
        // (data-plane boxes first, then control boxes already placed).
        for _ in 0..boxes.len() {
            for b in 0..boxes.len() {
                if col[b].is_some() && boxes[b].data_plane {
                    continue;
                }
                let mut score: BTreeMap<(bool, usize), u32> = BTreeMap::new();
                for bus in &buses {
                    let other = if bus.from == b { bus.to } else if bus.to == b { bus.from } else { continue };
                    if let Some(c) = col[other] {
                        *score.entry((boxes[other].data_plane, c)).or_default() += bus.bits.max(1);
                    }
                }
                let best = score
                    .iter()
                    .max_by_key(|((data, c), bits)| (*data, **bits, std::cmp::Reverse(*c)))
                    .map(|((_, c), _)| *c);
                if best.is_some() {
                    col[b] = best;
                }
            }
        }
        for (b, c) in col.into_iter().enumerate() {
            boxes[b].column = c.unwrap_or(0);
        }

        // The buses between a box and every partition are drawn once: a
        // stream per name and kind of partition box, the control buses to
        // all kinds as one line.
        let mut folded: Vec<Bus> = Vec::new();
        let kind = |b: usize| boxes[b].partition.map(|_| without_index(&boxes[b].name));
        for bus in buses {
            let (outside, inside) = match (boxes[bus.from].partition, boxes[bus.to].partition) {
                (None, Some(_)) => (bus.from, bus.to),
                (Some(_), None) => (bus.to, bus.from),
                _ => {
                    folded.push(bus);
                    continue;
                }
            };
            let same = folded.iter_mut().find(|f| {
                let (fo, fi) = if boxes[f.from].partition.is_none() { (f.from, f.to) } else { (f.to, f.from) };
                fo == outside
                    && boxes[fi].partition.is_some()
                    && f.stream == bus.stream
                    && (!bus.stream || f.names == bus.names && kind(fi) == kind(inside))
            });
            match same {
                Some(f) => {
                    if kind(if boxes[f.from].partition.is_none() { f.to } else { f.from }) == kind(inside) {
                        f.times += boxes[inside].count;
                    }
                    for n in bus.names {
                        if !f.names.contains(&n) {
                            f.names.push(n);
                        }
                    }
                }
                None => {
                    let mut bus = bus;
                    bus.times = boxes[inside].count;
                    folded.push(bus);
                }
            }
        }
        Diagram { title: String::new(), subtitle: String::new(), boxes, buses: folded, partitions }
    }
}

// ---- Rendering.

const BOX_W: f64 = 210.0;
const COL_GAP: f64 = 170.0;
const LINE_H: f64 = 14.0;
const MARGIN: f64 = 30.0;
const ROW_GAP: f64 = 26.0;

pub struct RectView {
    pub x: String,
    pub y: String,
    pub w: String,
    pub h: String,
    pub class: &'static str,
}

pub struct TextView {
    pub x: String,
    pub y: String,
    pub class: &'static str,
    pub text: String,
}

pub struct PathView {
    pub d: String,
    pub class: &'static str,
}

#[derive(Template)]
#[template(path = "shell.svg", config = "gen/templates/askama.toml", escape = "html")]
struct SvgTemplate {
    width: String,
    height: String,
    rects: Vec<RectView>,
    paths: Vec<PathView>,
    texts: Vec<TextView>,
    labels: Vec<TextView>,
}

fn f(v: f64) -> String {
    format!("{v:.1}")
}

#[derive(Clone, Copy)]
struct Rect {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

impl Rect {
    fn cy(&self) -> f64 {
        self.y + self.h / 2.0
    }
}

/// The diagram as SVG text.
pub fn svg(d: &Diagram) -> String {
    let lines_of = |b: &BoxNode| 2 + b.ports.len();
    let height_of = |b: &BoxNode| 12.0 + LINE_H * lines_of(b) as f64;
    let columns = d.boxes.iter().map(|b| b.column).max().unwrap_or(0) + 1;
    // Rows: control boxes above, data boxes below, each column stacked in
    // instance order; a row is as tall as its tallest box.
    let mut control: Vec<Vec<usize>> = vec![Vec::new(); columns];
    let mut data: Vec<Vec<usize>> = vec![Vec::new(); columns];
    for (i, b) in d.boxes.iter().enumerate() {
        if b.data_plane { data[b.column].push(i) } else { control[b.column].push(i) }
    }
    let row_heights = |stacks: &[Vec<usize>]| -> Vec<f64> {
        let rows = stacks.iter().map(Vec::len).max().unwrap_or(0);
        (0..rows)
            .map(|r| stacks.iter().filter_map(|s| s.get(r)).map(|&i| height_of(&d.boxes[i])).fold(0.0, f64::max))
            .collect()
    };
    let (ch, dh) = (row_heights(&control), row_heights(&data));
    let top = MARGIN + 44.0;
    let mut rect = vec![Rect { x: 0.0, y: 0.0, w: 0.0, h: 0.0 }; d.boxes.len()];
    let x_of = |c: usize| MARGIN + c as f64 * (BOX_W + COL_GAP);
    let mut y = top;
    let mut control_y = Vec::new();
    for h in &ch {
        control_y.push(y);
        y += h + ROW_GAP;
    }
    let group_label_gap = 28.0;
    let data_top = y + group_label_gap;
    let mut data_y = Vec::new();
    let mut y = data_top;
    for h in &dh {
        data_y.push(y);
        y += h + ROW_GAP;
    }
    let bottom = y;
    for c in 0..columns {
        for (r, &i) in control[c].iter().enumerate() {
            rect[i] = Rect { x: x_of(c), y: control_y[r], w: BOX_W, h: height_of(&d.boxes[i]) };
        }
        for (r, &i) in data[c].iter().enumerate() {
            rect[i] = Rect { x: x_of(c), y: data_y[r], w: BOX_W, h: height_of(&d.boxes[i]) };
        }
    }

    let mut rects = Vec::new();
    let mut texts = Vec::new();
    let mut labels = Vec::new();
    let mut paths = Vec::new();

    // The partitions' outline, around every partition box.
    let members: Vec<usize> = (0..d.boxes.len()).filter(|&i| d.boxes[i].partition.is_some()).collect();
    let group = if members.is_empty() {
        None
    } else {
        let x0 = members.iter().map(|&i| rect[i].x).fold(f64::MAX, f64::min) - 12.0;
        let y0 = members.iter().map(|&i| rect[i].y).fold(f64::MAX, f64::min) - 22.0;
        let x1 = members.iter().map(|&i| rect[i].x + rect[i].w).fold(0.0, f64::max) + 12.0;
        let y1 = members.iter().map(|&i| rect[i].y + rect[i].h).fold(0.0, f64::max) + 10.0;
        let g = Rect { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
        rects.push(RectView { x: f(g.x), y: f(g.y), w: f(g.w), h: f(g.h), class: "group" });
        texts.push(TextView {
            x: f(g.x + 8.0),
            y: f(g.y + 15.0),
            class: "grouplabel",
            text: format!(
                "{} reconfigurable partition{}: wrapper (decoupler, RM reset) + RM black box",
                d.partitions,
                if d.partitions == 1 { "" } else { "s" }
            ),
        });
        Some(g)
    };

    // Buses, as curves between box sides. Several between the same two
    // boxes are spread along the side; the lines that end at the partitions'
    // outline enter its left side one below the other.
    let mut slots: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    let mut count: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for b in &d.buses {
        *count.entry((b.from.min(b.to), b.from.max(b.to))).or_default() += 1;
    }
    let mut group_slot = 0usize;
    let bezier = |p: [(f64, f64); 4], t: f64| {
        let u = 1.0 - t;
        let (a, b, c, e) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
        (a * p[0].0 + b * p[1].0 + c * p[2].0 + e * p[3].0, a * p[0].1 + b * p[1].1 + c * p[2].1 + e * p[3].1)
    };
    for b in &d.buses {
        let pair = (b.from.min(b.to), b.from.max(b.to));
        let k = *slots.entry(pair).and_modify(|k| *k += 1).or_insert(0);
        let spread = (k as f64 - (count[&pair] as f64 - 1.0) / 2.0) * 14.0;
        let g_from = b.times > 1 && d.boxes[b.from].partition.is_some();
        let g_to = b.times > 1 && d.boxes[b.to].partition.is_some();
        let g = group.unwrap_or(Rect { x: 0.0, y: 0.0, w: 0.0, h: 0.0 });
        let (s, t) = (if g_from { g } else { rect[b.from] }, if g_to { g } else { rect[b.to] });
        let mut group_y = || {
            let y = (g.y + 34.0 + group_slot as f64 * 22.0).min(g.y + g.h - 6.0);
            group_slot += 1;
            y
        };
        let side_y = |r: Rect| (r.cy() + spread).clamp(r.y + 6.0, r.y + r.h - 6.0);
        let (cs, ct) = (d.boxes[b.from].column, d.boxes[b.to].column);
        let p: [(f64, f64); 4];
        let label: (f64, f64, &str);
        if cs != ct {
            // Side to side; the label just before the end.
            let right = cs < ct;
            let (x0, x3) = if right { (s.x + s.w, t.x) } else { (s.x, t.x + t.w) };
            let y0 = if g_from { group_y() } else { side_y(s) };
            let y3 = if g_to { group_y() } else { side_y(t) };
            let dx = ((x3 - x0).abs() / 2.0).max(40.0) * if right { 1.0 } else { -1.0 };
            p = [(x0, y0), (x0 + dx, y0), (x3 - dx, y3), (x3, y3)];
            let want = x3 - 75.0 * if right { 1.0 } else { -1.0 };
            let at = (0..=100)
                .map(|i| bezier(p, i as f64 / 100.0))
                .min_by(|a, b| (a.0 - want).abs().total_cmp(&(b.0 - want).abs()))
                .expect("samples");
            label = (at.0, at.1 - 4.0, "");
        } else {
            let down = s.cy() < t.cy();
            let between = d.boxes.iter().enumerate().any(|(i, o)| {
                i != b.from && i != b.to && o.column == cs && o.partition.is_none() && {
                    let r = rect[i];
                    let (lo, hi) = if down { (s.y + s.h, t.y) } else { (t.y + t.h, s.y) };
                    r.y >= lo - 1.0 && r.y + r.h <= hi + 1.0
                }
            });
            if !between && !g_from && !g_to {
                // One above the other: straight down or up.
                let x = s.x.max(t.x) + s.w.min(t.w) / 2.0 + spread * 3.0;
                let (y0, y3) = if down { (s.y + s.h, t.y) } else { (s.y, t.y + t.h) };
                let dy = ((y3 - y0).abs() / 2.0).max(12.0) * if down { 1.0 } else { -1.0 };
                p = [(x, y0), (x, y0 + dy), (x, y3 - dy), (x, y3)];
                label = (x + 5.0, (y0 + y3) / 2.0, " start");
            } else {
                // Around the left of the column.
                let y0 = if g_from { group_y() } else { side_y(s) };
                let y3 = if g_to { group_y() } else { side_y(t) };
                let bulge = 45.0 + k as f64 * 12.0;
                p = [(s.x, y0), (s.x - bulge, y0), (t.x - bulge, y3), (t.x, y3)];
                let m = bezier(p, 0.5);
                label = (m.0 - 4.0, m.1, " end");
            }
        }
        paths.push(PathView {
            d: format!(
                "M{},{} C{},{} {},{} {},{}",
                f(p[0].0),
                f(p[0].1),
                f(p[1].0),
                f(p[1].1),
                f(p[2].0),
                f(p[2].1),
                f(p[3].0),
                f(p[3].1)
            ),
            class: if b.stream { "stream" } else if b.both { "ctrl both" } else { "ctrl" },
        });
        let mut text = b.label();
        if b.stream {
            text = format!("{text} {}b", b.bits_of_data());
        }
        if b.times > 1 {
            text = format!("{text} x{}", b.times);
        }
        let class = match (b.stream, label.2) {
            (true, "") => "slabel",
            (true, " start") => "slabel start",
            (true, _) => "slabel end",
            (false, "") => "clabel",
            (false, " start") => "clabel start",
            (false, _) => "clabel end",
        };
        labels.push(TextView { x: f(label.0), y: f(label.1), class, text });
    }

    for (i, b) in d.boxes.iter().enumerate() {
        let r = rect[i];
        let class = if b.black_box { "rm" } else if b.partition.is_some() { "part" } else if b.data_plane { "data" } else { "block" };
        rects.push(RectView { x: f(r.x), y: f(r.y), w: f(r.w), h: f(r.h), class });
        texts.push(TextView { x: f(r.x + 8.0), y: f(r.y + 17.0), class: "name", text: b.name.clone() });
        let module = if b.count > 1 { format!("{} x{}", b.module, b.count) } else { b.module.clone() };
        texts.push(TextView { x: f(r.x + 8.0), y: f(r.y + 17.0 + LINE_H), class: "module", text: module });
        for (k, (p, input)) in b.ports.iter().enumerate() {
            texts.push(TextView {
                x: f(r.x + 8.0),
                y: f(r.y + 17.0 + LINE_H * (2 + k) as f64),
                class: "port",
                text: format!("{} {p}_*", if *input { "in " } else { "out" }),
            });
        }
    }

    // Title and legend.
    texts.push(TextView { x: f(MARGIN), y: f(MARGIN), class: "title", text: d.title.clone() });
    texts.push(TextView { x: f(MARGIN), y: f(MARGIN + 18.0), class: "subtitle", text: d.subtitle.clone() });
    let width = x_of(columns - 1) + BOX_W + MARGIN + 40.0;
    let ly = bottom + 10.0;
    paths.push(PathView { d: format!("M{},{} L{},{}", f(MARGIN), f(ly), f(MARGIN + 40.0), f(ly)), class: "stream" });
    texts.push(TextView { x: f(MARGIN + 50.0), y: f(ly + 4.0), class: "legend", text: "AXI4-Stream data (data width)".into() });
    paths.push(PathView { d: format!("M{},{} L{},{}", f(MARGIN + 300.0), f(ly), f(MARGIN + 340.0), f(ly)), class: "ctrl" });
    texts.push(TextView {
        x: f(MARGIN + 350.0),
        y: f(ly + 4.0),
        class: "legend",
        text: "control and status (arrow: from the side that drives valid; both ends: no valid, signals both ways)".into(),
    });
    texts.push(TextView {
        x: f(MARGIN),
        y: f(ly + 22.0),
        class: "legend",
        text: "in/out: ports of the shell; xN: N instances or N partitions' buses drawn once".into(),
    });
    let height = ly + 36.0;
    let mut s = SvgTemplate { width: f(width), height: f(height), rects, paths, texts, labels }
        .render()
        .expect("the diagram template renders");
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

impl Bus {
    /// `route/owner`; beyond two names, `+N`.
    pub fn label(&self) -> String {
        let mut s = self.names.iter().take(2).cloned().collect::<Vec<_>>().join("/");
        if self.names.len() > 2 {
            s += &format!("/+{}", self.names.len() - 2);
        }
        s
    }

    /// The data width of a stream.
    fn bits_of_data(&self) -> u32 {
        self.bits
    }
}

/// The diagram of a static shell: `modules` as `design::build` emits them
/// (leaves first, the shell top last).
pub fn shell_svg(cfg: &crate::config::Config, modules: &[Module]) -> String {
    let top = &modules.last().expect("the shell top").name;
    let net = Netlist::of(modules, top, &[crate::blocks::rp::RPS_TOP]);
    let bb = |m: &str| (0..cfg.partitions).any(|i| m == crate::blocks::rp::rp_module(i));
    let mut d = Diagram::of(&net, cfg.partitions, &bb);
    d.title = format!("{top}: design '{}'", cfg.name);
    d.subtitle = format!(
        "{} partitions, {} VFs ({} PCIe functions), {}-bit data path; drawn by vfpga generate from rtl/{top}.v",
        cfg.partitions,
        cfg.vfs,
        cfg.functions(),
        cfg.data_width
    );
    svg(&d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn bus_names() {
        assert_eq!(bus_of("reg_dma_req_addr"), "reg_dma_req");
        assert_eq!(bus_of("part_h2c_p3_tdata"), "part_h2c");
        assert_eq!(bus_of("idle_p3"), "idle");
        assert_eq!(port_bus("s_axil_bar_awaddr"), "s_axil_bar");
        assert_eq!(port_bus("irq_valid"), "irq");
        assert_eq!(port_bus("decoupled_p12"), "decoupled");
        assert_eq!(index_of("partition_p12"), Some(12));
        assert_eq!(index_of("dma"), None);
    }

    fn diagram(cfg: &Config) -> Diagram {
        let mods = crate::blocks::shell::shell_modules(cfg, false);
        let net = Netlist::of(&mods, crate::blocks::shell::SHELL_TOP, &[crate::blocks::rp::RPS_TOP]);
        let bb = |m: &str| (0..cfg.partitions).any(|i| m == crate::blocks::rp::rp_module(i));
        Diagram::of(&net, cfg.partitions, &bb)
    }

    #[test]
    fn the_default_shell_has_its_blocks_and_buses() {
        let d = diagram(&Config::default());
        let names: Vec<&str> = d.boxes.iter().map(|b| b.name.as_str()).collect();
        for n in ["bar", "dma", "switch", "ctx", "mgr", "prc", "partition_p0", "rp_p3"] {
            assert!(names.contains(&n), "{n} missing: {names:?}");
        }
        let bx = |n: &str| names.iter().position(|x| *x == n).unwrap();
        let has = |from: &str, to: &str, name: &str| {
            d.buses.iter().any(|b| b.from == bx(from) && b.to == bx(to) && b.names.iter().any(|n| n == name))
        };
        assert!(has("bar", "dma", "reg_dma"), "{:?}", d.buses);
        assert!(has("dma", "switch", "h2c"));
        assert!(has("switch", "dma", "c2h"));
        assert!(has("mgr", "prc", "load"));
        assert!(has("switch", "partition_p0", "part_h2c"));
        // Data plane in columns along the H2C stream; the RMs are black boxes.
        let col = |n: &str| d.boxes[bx(n)].column;
        assert_eq!((col("dma"), col("switch"), col("partition_p0"), col("rp_p0")), (0, 1, 2, 3));
        assert!(d.boxes[bx("rp_p0")].black_box && !d.boxes[bx("partition_p0")].black_box);
        assert!(!d.boxes[bx("bar")].data_plane && d.boxes[bx("dma")].data_plane);
        assert!(d.boxes[bx("bar")].ports.contains(&("s_axil_bar".to_string(), true)));
        assert!(d.boxes[bx("dma")].ports.contains(&("m_axi_host".to_string(), false)));
    }

    #[test]
    fn partitions_beyond_eight_are_one_box() {
        let d = diagram(&Config { partitions: 64, ..Config::default() });
        let names: Vec<&str> = d.boxes.iter().map(|b| b.name.as_str()).collect();
        assert!(names.contains(&"partition_p6") && !names.contains(&"partition_p7"), "{names:?}");
        let many = d.boxes.iter().find(|b| b.name == "partition_p7..p63").expect("collapsed box");
        assert_eq!(many.count, 57);
        let svg = svg(&d);
        assert!(svg.contains("partition_p7..p63"));
        let d8 = diagram(&Config { partitions: 8, ..Config::default() });
        assert!(d8.boxes.iter().any(|b| b.name == "rp_p7"));
    }
}
