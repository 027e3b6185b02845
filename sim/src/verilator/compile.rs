//! Running Verilator and the C++ compiler.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use askama::Template;

use super::hash::Fnv64;
use super::ports::{self, Dir, HeaderPort, Kind};
use super::{cached_entry, secs, ErrorKind, SimError, CACHE_VERSION};

/// The target triple this crate was built for (exported by `build.rs`); the
/// `cc` crate needs it outside a build script.
const TARGET: &str = env!("VFPGA_SIM_TARGET");

/// The C++ class prefix of every model (`Vmodel.h`, class `Vmodel`).
pub(crate) const PREFIX: &str = "Vmodel";

/// Version of the C API in `templates/glue.cpp`; checked when loading.
pub(crate) const ABI_VERSION: u32 = 1;

/// Optimization of the design's fast-path code (eval) and of the rest
/// (construction, initial settle, trace setup), and of the runtime.
const OPT_FAST: u32 = 2;
const OPT_SLOW: u32 = 1;
const OPT_RUNTIME: u32 = 2;

/// A unity translation unit holds about this many bytes of fast-path code
/// before another one is started (only up to the number of cores).
const UNITY_FAST_BYTES: u64 = 400_000;
const UNITY_SLOW_BYTES: u64 = 1_000_000;

/// What identifies the tools; part of every cache key.
pub(crate) struct Toolchain {
    pub verilator_version: String,
    /// `VERILATOR_ROOT` (its `include/` has the runtime sources).
    pub root: PathBuf,
    /// The C++ compiler: path, flags and `--version`.
    pub cxx_id: String,
}

pub(crate) fn toolchain() -> Result<&'static Toolchain, SimError> {
    static TC: OnceLock<Result<Toolchain, String>> = OnceLock::new();
    TC.get_or_init(detect).as_ref().map_err(|e| SimError::new(ErrorKind::Verilator, e.clone()))
}

fn run_capture(cmd: &mut Command) -> Result<String, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run `{}`: {e}", cmd.get_program().to_string_lossy()))?;
    if !out.status.success() {
        return Err(format!(
            "`{}` failed ({}): {}",
            cmd.get_program().to_string_lossy(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn detect() -> Result<Toolchain, String> {
    let verilator_version = run_capture(Command::new("verilator").arg("--version"))
        .map_err(|e| format!("{e}\n(is Verilator installed and on PATH?)"))?;
    let root = PathBuf::from(run_capture(Command::new("verilator").args(["--getenv", "VERILATOR_ROOT"]))?);
    if !root.join("include/verilated.h").is_file() {
        return Err(format!("no include/verilated.h under VERILATOR_ROOT={}", root.display()));
    }
    let mut tc = Toolchain { verilator_version, root, cxx_id: String::new() };
    let b = base_build(&tc, Path::new("."), OPT_FAST, &Switches::default());
    let tool = b.try_get_compiler().map_err(|e| format!("no C++ compiler: {e}"))?;
    let version = run_capture(Command::new(tool.path()).arg("--version")).unwrap_or_default();
    let mut id = format!("{}\n{version}\n", tool.path().display());
    for a in tool.args() {
        id.push_str(&a.to_string_lossy());
        id.push('\n');
    }
    id.push_str(&format!("opt {OPT_FAST} {OPT_SLOW} {OPT_RUNTIME}; link {LINK_FLAGS:?}"));
    tc.cxx_id = id;
    Ok(tc)
}

/// Values of the `VM_*` switches in `Vmodel_classes.mk`.
#[derive(Clone, Default, PartialEq, Eq)]
struct Switches {
    coverage: bool,
    timing: bool,
    trace_fst: bool,
}

const LINK_FLAGS: [&str; 5] = ["-shared", "-pthread", "-Wl,--no-undefined", "-Wl,--gc-sections", "-Wl,-O1"];

/// A `cc::Build` with the flags of Verilator's `verilated.mk`.
fn base_build(tc: &Toolchain, out_dir: &Path, opt: u32, sw: &Switches) -> cc::Build {
    let include = tc.root.join("include");
    let mut b = cc::Build::new();
    b.cpp(true)
        .pic(true)
        .target(TARGET)
        .host(TARGET)
        .opt_level(opt)
        .debug(false)
        .out_dir(out_dir)
        .cargo_metadata(false)
        .cargo_warnings(false)
        .cargo_output(false)
        .cargo_debug(false)
        .emit_rerun_if_env_changed(false)
        .inherit_rustflags(false)
        .warnings(false)
        .extra_warnings(false)
        .include(&include)
        .include(include.join("vltstd"))
        .define("VM_COVERAGE", if sw.coverage { "1" } else { "0" })
        .define("VM_SC", "0")
        .define("VM_TRACE", "1")
        .define("VM_TRACE_FST", if sw.trace_fst { "1" } else { "0" })
        .define("VM_TRACE_VCD", if sw.trace_fst { "0" } else { "1" })
        // The glue replaces vl_fatal and vl_finish: errors unwind instead of
        // aborting, and $finish never exits the process.
        .define("VL_USER_FATAL", None)
        .define("VL_USER_FINISH", None)
        .flag("-faligned-new")
        .flag("-Wno-bool-operation")
        .flag("-Wno-sign-compare")
        .flag("-Wno-uninitialized")
        .flag("-Wno-unused-but-set-variable")
        .flag("-Wno-unused-parameter")
        .flag("-Wno-unused-variable")
        .flag("-Wno-shadow")
        // Only the glue's extern "C" API is exported: each model library
        // keeps its own copy of the Verilator runtime to itself.
        .flag("-fvisibility=hidden")
        .flag("-fvisibility-inlines-hidden");
    if TARGET.starts_with("x86_64") || TARGET.starts_with("i686") {
        b.flag("-fcf-protection=none");
    }
    if sw.timing {
        b.flag("-std=gnu++20").flag("-fcoroutines");
    }
    b
}

/// Collects what the compiler prints, for error messages.
#[derive(Default)]
struct Collect(Mutex<Vec<String>>);

impl cc::BuildMessageLogger for Collect {
    fn log(&self, kind: cc::BuildMessageKind, msg: cc::BuildMessage<'_>, _extra: &dyn std::any::Any) {
        if kind != cc::BuildMessageKind::CompileCommand {
            self.0.lock().unwrap_or_else(|e| e.into_inner()).push(msg.to_string());
        }
    }
}

fn compile(mut b: cc::Build, files: &[PathBuf], what: &str) -> Result<Vec<PathBuf>, SimError> {
    let log = Arc::new(Collect::default());
    b.message_logger(Some(log.clone()));
    b.files(files);
    b.try_compile_intermediates().map_err(|e| {
        let lines = log.0.lock().unwrap_or_else(|e| e.into_inner()).join("\n");
        SimError::new(ErrorKind::Compile, format!("compiling {what} failed: {e}\n{}", tail(&lines, 120)))
    })
}

fn tail(text: &str, lines: usize) -> String {
    let v: Vec<&str> = text.lines().collect();
    let skip = v.len().saturating_sub(lines);
    let mut s = String::new();
    if skip > 0 {
        s.push_str(&format!("[... {skip} lines ...]\n"));
    }
    s.push_str(&v[skip..].join("\n"));
    s
}

/// The Verilator runtime objects for `globals` (e.g. `verilated`,
/// `verilated_vcd_c`, `verilated_threads`), built once per toolchain.
fn runtime_objects(
    tc: &Toolchain,
    cache: &Path,
    globals: &[String],
    sw: &Switches,
) -> Result<Vec<PathBuf>, SimError> {
    let mut h = Fnv64::new();
    h.field(CACHE_VERSION).field(&tc.verilator_version).field(&tc.cxx_id);
    h.field(format!("cov {} timing {} fst {}", sw.coverage, sw.timing, sw.trace_fst));
    for g in globals {
        h.field(g);
    }
    let name = format!("verilator-runtime-{:016x}", h.finish());
    let (dir, built) = cached_entry(cache, &name, |_scratch, out| {
        let t0 = Instant::now();
        let files: Vec<PathBuf> = globals.iter().map(|g| tc.root.join("include").join(format!("{g}.cpp"))).collect();
        compile(base_build(tc, out, OPT_RUNTIME, sw), &files, "the Verilator runtime")?;
        eprintln!("vfpga-sim: built the Verilator runtime in {}", secs(t0.elapsed()));
        Ok(())
    })?;
    let _ = built;
    let mut objs: Vec<PathBuf> = fs::read_dir(&dir)
        .map_err(|e| SimError::io(format!("cannot list {}", dir.display()), e))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "o"))
        .collect();
    objs.sort();
    if objs.len() != globals.len() {
        return Err(SimError::new(
            ErrorKind::Compile,
            format!("runtime cache entry {} is incomplete; delete it", dir.display()),
        ));
    }
    Ok(objs)
}

/// One port in the glue template.
struct GluePort {
    index: usize,
    /// A C string literal body.
    name: String,
    cname: String,
    width: u32,
    dir: u32,
    wide: bool,
    quad: bool,
    words: u32,
    /// Mask of the port's bits (narrow ports), as a hex literal.
    mask: String,
    /// Mask of the last word (wide ports), as a hex literal.
    top_mask: String,
}

#[derive(Template)]
#[template(path = "glue.cpp", escape = "none")]
struct Glue<'a> {
    top: &'a str,
    prefix: &'a str,
    abi_version: u32,
    ports: &'a [GluePort],
    /// Built with `--trace` (else the model has no `trace()`).
    trace: bool,
}

fn c_string_body(s: &str) -> String {
    let mut o = String::new();
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                o.push('\\');
                o.push(c);
            }
            c if c.is_ascii_graphic() || c == ' ' => o.push(c),
            c => o.push_str(&format!("\\x{:02x}", c as u32 & 0xff)),
        }
    }
    o
}

/// The lists of `Vmodel_classes.mk` (`VM_CLASSES_FAST += \ ...`) and its
/// `VM_*` switches.
fn parse_classes_mk(text: &str) -> (std::collections::HashMap<String, Vec<String>>, Switches) {
    let mut lists: std::collections::HashMap<String, Vec<String>> = Default::default();
    let mut cur: Option<String> = None;
    let mut sw = Switches::default();
    for line in text.lines() {
        let t = line.trim();
        if let Some((var, _)) = t.split_once("+=") {
            cur = Some(var.trim().to_string());
            continue;
        }
        if let Some((var, val)) = t.split_once('=') {
            let on = val.trim() == "1";
            match var.trim() {
                "VM_COVERAGE" => sw.coverage = on,
                "VM_TIMING" => sw.timing = on,
                "VM_TRACE_FST" => sw.trace_fst = on,
                _ => {}
            }
            cur = None;
            continue;
        }
        if t.is_empty() || t.starts_with('#') {
            cur = None;
            continue;
        }
        if let Some(var) = &cur {
            let name = t.trim_end_matches('\\').trim();
            if !name.is_empty() {
                lists.entry(var.clone()).or_default().push(name.to_string());
            }
        }
    }
    (lists, sw)
}

/// Splits files into at most `max` groups of similar total size.
fn buckets(mut files: Vec<(PathBuf, u64)>, target_bytes: u64, max: usize) -> Vec<Vec<PathBuf>> {
    let total: u64 = files.iter().map(|f| f.1).sum();
    let n = (total.div_ceil(target_bytes.max(1)) as usize).clamp(1, max.max(1));
    files.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut out: Vec<(u64, Vec<PathBuf>)> = vec![(0, Vec::new()); n];
    for (f, size) in files {
        let k = (0..n).min_by_key(|&k| out[k].0).unwrap_or(0);
        out[k].0 += size;
        out[k].1.push(f);
    }
    out.into_iter().map(|b| b.1).filter(|b| !b.is_empty()).collect()
}

fn write(path: &Path, text: impl AsRef<[u8]>) -> Result<(), SimError> {
    fs::write(path, text).map_err(|e| SimError::io(format!("cannot write {}", path.display()), e))
}

/// Runs Verilator on `sources` and compiles `out/libmodel.so`.
pub(crate) fn build_model(
    tc: &Toolchain,
    cache: &Path,
    sources: &[(PathBuf, Vec<u8>)],
    top: &str,
    extra_args: &[String],
    trace: bool,
    scratch: &Path,
    out: &Path,
) -> Result<(), SimError> {
    let t0 = Instant::now();
    let mdir = scratch.join("verilated");
    // 1. Verilator.
    let mut cmd = Command::new("verilator");
    cmd.args(["--cc", "--Mdir"])
        .arg(&mdir)
        .args(["--top-module", top, "--prefix", PREFIX, "-Wno-fatal", "--no-timing"])
        .args(trace.then_some("--trace"))
        .args(extra_args)
        .args(sources.iter().map(|s| &s.0));
    let res = cmd
        .output()
        .map_err(|e| SimError::new(ErrorKind::Verilator, format!("cannot run verilator: {e}")))?;
    let log = format!("{}{}", String::from_utf8_lossy(&res.stdout), String::from_utf8_lossy(&res.stderr));
    write(&out.join("verilator.log"), &log)?;
    if !res.status.success() {
        return Err(SimError::new(
            ErrorKind::Verilator,
            format!("verilator failed on top module `{top}` ({}):\n{}", res.status, tail(&log, 120)),
        ));
    }
    let t_verilator = t0.elapsed();

    // 2. Ports: the header has the C++ names and types; the Verilog has the
    // declaration order.
    let header_path = mdir.join(format!("{PREFIX}.h"));
    let header = fs::read_to_string(&header_path)
        .map_err(|e| SimError::io(format!("cannot read {}", header_path.display()), e))?;
    let hports = ports::parse_header(&header).map_err(|e| SimError::new(ErrorKind::Verilator, e))?;
    let hports = order_ports(hports, sources, top)?;

    // 3. Glue.
    let glue_ports: Vec<GluePort> = hports
        .iter()
        .enumerate()
        .map(|(index, p)| {
            let (wide, quad, words) = match p.kind {
                Kind::Wide(w) => (true, false, w),
                Kind::U64 => (false, true, 2),
                _ => (false, false, 1),
            };
            let mask = if p.width >= 64 { u64::MAX } else { (1u64 << p.width) - 1 };
            let top_bits = p.width - 32 * (words - 1);
            let top_mask = if top_bits >= 32 { u32::MAX } else { (1u32 << top_bits) - 1 };
            GluePort {
                index,
                name: c_string_body(&p.name),
                cname: p.cname.clone(),
                width: p.width,
                dir: if p.dir == Some(Dir::In) { 0 } else { 1 },
                wide,
                quad,
                words,
                mask: format!("0x{mask:x}"),
                top_mask: format!("0x{top_mask:x}"),
            }
        })
        .collect();
    let glue = Glue { top, prefix: PREFIX, abi_version: ABI_VERSION, ports: &glue_ports, trace }
        .render()
        .map_err(|e| SimError::new(ErrorKind::Compile, format!("cannot render the glue: {e}")))?;
    let glue_path = mdir.join("vfpga_glue.cpp");
    write(&glue_path, &glue)?;
    write(&out.join("glue.cpp"), &glue)?;

    // 4. Sources: the design's files as unity translation units.
    let mk_path = mdir.join(format!("{PREFIX}_classes.mk"));
    let mk = fs::read_to_string(&mk_path).map_err(|e| SimError::io(format!("cannot read {}", mk_path.display()), e))?;
    let (lists, sw) = parse_classes_mk(&mk);
    let list = |vars: &[&str]| -> Vec<(PathBuf, u64)> {
        vars.iter()
            .flat_map(|v| lists.get(*v).cloned().unwrap_or_default())
            .map(|n| {
                let p = mdir.join(format!("{n}.cpp"));
                let size = fs::metadata(&p).map_or(0, |m| m.len());
                (p, size)
            })
            .collect()
    };
    let jobs = std::thread::available_parallelism().map_or(2, |n| n.get());
    let fast = buckets(list(&["VM_CLASSES_FAST", "VM_SUPPORT_FAST"]), UNITY_FAST_BYTES, jobs);
    let mut slow_files = list(&["VM_CLASSES_SLOW", "VM_SUPPORT_SLOW"]);
    slow_files.push((glue_path, 0));
    let slow = buckets(slow_files, UNITY_SLOW_BYTES, jobs);
    let unity = |kind: &str, groups: &[Vec<PathBuf>]| -> Result<Vec<PathBuf>, SimError> {
        let mut v = Vec::new();
        for (k, g) in groups.iter().enumerate() {
            let p = mdir.join(format!("vfpga_unity_{kind}_{k}.cpp"));
            let mut text = String::from("// vfpga-sim unity translation unit\n");
            for f in g {
                text.push_str(&format!("#include \"{}\"\n", c_string_body(&f.to_string_lossy())));
            }
            write(&p, text)?;
            v.push(p);
        }
        Ok(v)
    };
    let fast_tus = unity("fast", &fast)?;
    let slow_tus = unity("slow", &slow)?;

    // 5. Runtime (cached per toolchain), then the design, fast and slow code
    // in parallel (cc's jobserver shares the cores between them).
    let globals: Vec<String> = ["VM_GLOBAL_FAST", "VM_GLOBAL_SLOW"]
        .iter()
        .flat_map(|v| lists.get(*v).cloned().unwrap_or_default())
        .collect();
    let rt = runtime_objects(tc, cache, &globals, &sw)?;
    let t1 = Instant::now();
    let fast_dir = scratch.join("obj-fast");
    let slow_dir = scratch.join("obj-slow");
    let (fast_objs, slow_objs) = std::thread::scope(|s| {
        let f = s.spawn(|| {
            let mut b = base_build(tc, &fast_dir, OPT_FAST, &sw);
            b.include(&mdir);
            compile(b, &fast_tus, &format!("model `{top}` (fast path)"))
        });
        let mut b = base_build(tc, &slow_dir, OPT_SLOW, &sw);
        b.include(&mdir);
        let slow = compile(b, &slow_tus, &format!("model `{top}`"));
        let fast = f.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        (fast, slow)
    });
    let (fast_objs, slow_objs) = (fast_objs?, slow_objs?);

    // 6. Link.
    let lib = out.join("libmodel.so");
    let tool = base_build(tc, scratch, OPT_FAST, &sw)
        .try_get_compiler()
        .map_err(|e| SimError::new(ErrorKind::Compile, format!("no C++ compiler: {e}")))?;
    let mut link = tool.to_command();
    link.args(LINK_FLAGS).arg("-o").arg(&lib).args(&fast_objs).args(&slow_objs).args(&rt).arg("-latomic");
    let res = link
        .output()
        .map_err(|e| SimError::new(ErrorKind::Compile, format!("cannot run the linker: {e}")))?;
    if !res.status.success() {
        return Err(SimError::new(
            ErrorKind::Compile,
            format!(
                "linking model `{top}` failed ({}):\n{}",
                res.status,
                tail(&String::from_utf8_lossy(&res.stderr), 80)
            ),
        ));
    }
    let info = format!(
        "top: {top}\nfiles:\n{}\nverilator args: {extra_args:?} (trace: {trace})\nverilator: {}\nc++: {} ({} fast + {} slow units)\n",
        sources.iter().map(|s| format!("  {}", s.0.display())).collect::<Vec<_>>().join("\n"),
        secs(t_verilator),
        secs(t1.elapsed()),
        fast_tus.len(),
        slow_tus.len(),
    );
    write(&out.join("build-info.txt"), info)?;
    Ok(())
}

/// Puts the header's ports in Verilog declaration order (when the Verilog
/// can be parsed) and checks both agree.
fn order_ports(
    hports: Vec<HeaderPort>,
    sources: &[(PathBuf, Vec<u8>)],
    top: &str,
) -> Result<Vec<HeaderPort>, SimError> {
    for h in &hports {
        if h.dir.is_none() {
            return Err(SimError::new(
                ErrorKind::Parse,
                format!("port `{}` of `{top}` is an inout; only input and output ports are supported", h.name),
            ));
        }
    }
    let parsed = sources.iter().find_map(|(_, text)| ports::parse_raw(&String::from_utf8_lossy(text), top).ok());
    let Some(parsed) = parsed else {
        return Ok(hports); // e.g. macros in the header: Verilator's order is fine
    };
    let mut by_name: std::collections::HashMap<String, HeaderPort> =
        hports.iter().map(|h| (h.name.clone(), h.clone())).collect();
    let mut out = Vec::new();
    for p in &parsed {
        let Some(h) = by_name.remove(&p.name) else {
            return Ok(hports); // naming we do not understand: keep Verilator's order
        };
        if h.dir != Some(p.dir) {
            return Err(SimError::new(
                ErrorKind::Parse,
                format!("port `{}` of `{top}`: the Verilog and Verilator disagree on its direction", p.name),
            ));
        }
        out.push(h);
    }
    if !by_name.is_empty() {
        return Ok(hports);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_mk() {
        let mk = "VM_TIMING = 0\nVM_TRACE_FST = 1\n# x\nVM_CLASSES_FAST += \\\n\tVa \\\n\tVb \\\n\nVM_GLOBAL_FAST += \\\n\tverilated \\\n\nVM_GLOBAL_SLOW += \\\n\n\n";
        let (l, sw) = parse_classes_mk(mk);
        assert_eq!(l["VM_CLASSES_FAST"], vec!["Va", "Vb"]);
        assert_eq!(l["VM_GLOBAL_FAST"], vec!["verilated"]);
        assert!(!l.contains_key("VM_GLOBAL_SLOW"));
        assert!(sw.trace_fst && !sw.timing);
    }

    #[test]
    fn buckets_balance() {
        let files = vec![("a".into(), 500), ("b".into(), 400), ("c".into(), 300), ("d".into(), 100)];
        let b = buckets(files, 100, 2);
        assert_eq!(b.len(), 2);
        assert_eq!(b[0], vec![PathBuf::from("a"), PathBuf::from("d")]);
        let one = buckets(vec![("a".into(), 5)], 100, 2);
        assert_eq!(one.len(), 1);
    }
}
