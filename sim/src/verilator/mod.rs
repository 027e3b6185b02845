//! The Verilator harness: turns emitted Verilog into a [`Model`] that Rust
//! code drives cycle by cycle.
//!
//! # Flow
//!
//! [`ModelLib::build`] takes a [`ModelSpec`] (Verilog files + top module):
//!
//! 1. hashes every input (file contents, top, extra Verilator arguments, the
//!    C++ glue template, `verilator --version`, the C++ compiler and its
//!    flags) into a cache key, and returns the cached `libmodel.so` if the
//!    key is already built: no C++ is compiled then;
//! 2. otherwise runs `verilator --cc` (`-Wno-fatal`: lint is checked
//!    elsewhere; `--trace` only for a model that may write waveforms, see
//!    below: tracing code is about 30 % of a model's C++), reads the ports from the generated model header, renders
//!    the C API glue (`sim/templates/glue.cpp`, an askama template), and
//!    compiles the model into a shared library with the `cc` crate. The
//!    Verilator runtime (`verilated.cpp` & co.) is compiled once per
//!    toolchain and cached separately, so a model build only compiles the
//!    design's own code (as two "unity" translation units, one per core);
//! 3. loads the library with libloading.
//!
//! [`ModelLib::instantiate`] then creates a [`Model`]: an instance with its
//! own `VerilatedContext`, so any number of instances of any models can run
//! in one process, each on its own thread.
//!
//! # Cache
//!
//! The cache directory is [`ModelSpec::cache_dir`], else the environment
//! variable `VFPGA_SIM_CACHE`, else `<temp dir>/vfpga-sim-cache`. An entry is
//! `<cache>/<top>-<hash>/libmodel.so` (with `verilator.log` and the generated
//! `glue.cpp` beside it). Builders hold an exclusive lock on
//! `<cache>/<top>-<hash>.lock` (`File::lock`), so concurrent test processes
//! and threads asking for the same model build it once; the others wait and
//! reuse it. An entry is built in a temporary directory and renamed into
//! place, so a crashed build never leaves half an entry. Deleting the cache
//! directory is always safe (when no build is running).
//!
//! Included files (`` `include ``) are not part of the key unless they are
//! listed in [`ModelSpec::files`].
//!
//! # Cycle convention
//!
//! Inputs are set between clock edges, i.e. after a posedge.
//! [`Model::eval`] propagates them through combinational logic, so outputs
//! read after `eval()` reflect the inputs just set. [`Model::tick`] does
//! `clk = 0; eval; clk = 1; eval` (the posedge), advancing time by one clock
//! period and dumping the waveform at both edges. A testbench therefore
//! samples handshakes (`valid && ready`) after `eval()` and *before*
//! `tick()`: those are the values the design sees at the coming edge.
//!
//! ```ignore
//! loop {
//!     src.drive(&mut m);      // set inputs
//!     m.eval();               // settle combinational paths
//!     src.sample(&m);         // what happens at the next edge
//!     m.tick(clk);            // the edge
//! }
//! ```
//!
//! # Waveforms
//!
//! If the environment variable `VFPGA_WAVES` names a directory, every
//! instance created with [`ModelLib::instantiate`] writes a VCD there, named
//! after the instance (`<name>.vcd`; the default name, for
//! `instantiate("")`, is the test's thread name: test `switch::routes`
//! writes `switch__routes.vcd`). Time advances 10 units per clock period
//! (the unit is the design's time precision, 1 ps by default).
//!
//! Only a model built with tracing can write one: [`ModelSpec::trace`], or
//! any model built while `VFPGA_WAVES` is set (tracing is part of the cache
//! key). Without it the model's C++ has no tracing code, which builds faster.

mod compile;
mod hash;
mod model;
mod ports;

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use hash::fnv1a64;
pub use model::{Model, ModelLib, PortId, PortKey, HALF_PERIOD};
pub use ports::{parse_ports, Dir, Port};

/// What to build: the Verilog sources and the top module.
#[derive(Clone, Debug, Default)]
pub struct ModelSpec {
    /// Every Verilog file of the design (order matters to Verilator only for
    /// `` `define ``s).
    pub files: Vec<PathBuf>,
    /// The top module.
    pub top: String,
    /// Where to cache built models; `None`: `VFPGA_SIM_CACHE`, else
    /// `<temp dir>/vfpga-sim-cache`.
    pub cache_dir: Option<PathBuf>,
    /// Extra Verilator arguments (e.g. `-GWIDTH=64`, `-DSIM`, `-I<dir>`).
    /// They are part of the cache key.
    pub verilator_args: Vec<String>,
    /// Build with tracing (`verilator --trace`) so that instances can write
    /// a VCD; also when `VFPGA_WAVES` is set at build time. Part of the key.
    pub trace: bool,
}

impl ModelSpec {
    /// A spec for `top` in `files`, cached in the default cache directory.
    pub fn new<P: Into<PathBuf>>(top: impl Into<String>, files: impl IntoIterator<Item = P>) -> Self {
        ModelSpec { files: files.into_iter().map(Into::into).collect(), top: top.into(), ..Default::default() }
    }

    /// Sets the cache directory.
    pub fn cache_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cache_dir = Some(dir.into());
        self
    }

    /// Adds an extra Verilator argument.
    pub fn verilator_arg(mut self, arg: impl Into<String>) -> Self {
        self.verilator_args.push(arg.into());
        self
    }

    /// Builds with tracing ([`ModelLib::instantiate_with_vcd`] needs it).
    pub fn trace(mut self, on: bool) -> Self {
        self.trace = on;
        self
    }

    /// Whether the model is built with tracing: [`ModelSpec::trace`], or
    /// `VFPGA_WAVES` set (its instances write waveforms).
    pub fn traced(&self) -> bool {
        self.trace || std::env::var_os("VFPGA_WAVES").is_some_and(|d| !d.is_empty())
    }

    /// The cache directory this spec uses.
    pub fn resolved_cache_dir(&self) -> PathBuf {
        if let Some(d) = &self.cache_dir {
            return d.clone();
        }
        match std::env::var_os("VFPGA_SIM_CACHE") {
            Some(d) if !d.is_empty() => PathBuf::from(d),
            _ => std::env::temp_dir().join("vfpga-sim-cache"),
        }
    }
}

/// What went wrong while building or loading a model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Reading sources, or the cache.
    Io,
    /// The Verilog port list could not be understood.
    Parse,
    /// Verilator is missing or rejected the design.
    Verilator,
    /// The C++ compiler or linker failed.
    Compile,
    /// The shared library could not be loaded.
    Load,
}

/// An error from the harness. `Debug` prints the same text as `Display`, so
/// `.unwrap()` shows the Verilator or compiler output readably.
#[derive(Clone)]
pub struct SimError {
    kind: ErrorKind,
    message: String,
}

impl SimError {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        SimError { kind, message: message.into() }
    }
    pub(crate) fn parse(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Parse, message)
    }
    pub(crate) fn io(what: impl fmt::Display, e: io::Error) -> Self {
        Self::new(ErrorKind::Io, format!("{what}: {e}"))
    }
    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
    /// The message (may span several lines).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} error: {}", self.kind, self.message)
    }
}

impl std::error::Error for SimError {}

/// Bump to invalidate every cache entry (e.g. when the build recipe in
/// `compile.rs` changes).
const CACHE_VERSION: &str = "vfpga-sim cache v1";

/// The glue template, part of every cache key.
const GLUE_TEMPLATE: &str = include_str!("../../templates/glue.cpp");

/// Runs `build(scratch, out)` unless `<cache>/<name>` exists; `out` becomes
/// that entry. Returns the entry and whether this call built it.
///
/// Exactly one builder runs at a time per entry, across threads and
/// processes: it holds an exclusive `File::lock` on `<cache>/<name>.lock`.
/// `out` is renamed into place only once complete; temporary directories of
/// builders that died are removed by the next one.
pub(crate) fn cached_entry(
    cache: &Path,
    name: &str,
    build: impl FnOnce(&Path, &Path) -> Result<(), SimError>,
) -> Result<(PathBuf, bool), SimError> {
    let entry = cache.join(name);
    if entry.is_dir() {
        return Ok((entry, false));
    }
    fs::create_dir_all(cache).map_err(|e| SimError::io(format!("cannot create {}", cache.display()), e))?;
    let lock_path = cache.join(format!("{name}.lock"));
    let lock = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&lock_path)
        .map_err(|e| SimError::io(format!("cannot open {}", lock_path.display()), e))?;
    lock.lock().map_err(|e| SimError::io(format!("cannot lock {}", lock_path.display()), e))?;
    if entry.is_dir() {
        return Ok((entry, false));
    }
    // We hold the lock, so any temporary directory of this entry belongs to
    // a builder that died.
    let tmp_prefix = format!("{name}.tmp-");
    if let Ok(rd) = fs::read_dir(cache) {
        for e in rd.flatten() {
            if e.file_name().to_string_lossy().starts_with(&tmp_prefix) {
                let _ = fs::remove_dir_all(e.path());
            }
        }
    }
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let tmp = cache.join(format!("{tmp_prefix}{}-{nanos}", std::process::id()));
    let scratch = tmp.join("scratch");
    let out = tmp.join("out");
    for d in [&scratch, &out] {
        fs::create_dir_all(d).map_err(|e| SimError::io(format!("cannot create {}", d.display()), e))?;
    }
    let result = build(&scratch, &out).and_then(|()| {
        fs::rename(&out, &entry)
            .map_err(|e| SimError::io(format!("cannot move {} to {}", out.display(), entry.display()), e))
    });
    let _ = fs::remove_dir_all(&tmp);
    result.map(|()| (entry, true))
    // `lock` is released when dropped here.
}

/// Keeps a file name readable and portable.
pub(crate) fn sanitize(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.' { c } else { '_' })
        .collect();
    let s = s.trim_start_matches('.').to_string();
    if s.is_empty() {
        "model".to_string()
    } else {
        s
    }
}

impl ModelLib {
    /// Builds (or fetches from the cache) and loads the model described by
    /// `spec`. Prints one line to stderr: `vfpga-sim: built model <top>-<hash>
    /// in 2.1 s` or `vfpga-sim: cached model <top>-<hash>`.
    pub fn build(spec: &ModelSpec) -> Result<std::sync::Arc<ModelLib>, SimError> {
        let t0 = Instant::now();
        if spec.files.is_empty() {
            return Err(SimError::new(ErrorKind::Io, format!("model {}: no Verilog files given", spec.top)));
        }
        let mut sources = Vec::new();
        for f in &spec.files {
            let text = fs::read(f).map_err(|e| SimError::io(format!("cannot read {}", f.display()), e))?;
            let abs = std::path::absolute(f).unwrap_or_else(|_| f.clone());
            sources.push((abs, text));
        }
        let tc = compile::toolchain()?;
        let mut h = hash::Fnv64::new();
        h.field(CACHE_VERSION)
            .field(env!("CARGO_PKG_VERSION"))
            .field(GLUE_TEMPLATE)
            .field(&tc.verilator_version)
            .field(tc.root.as_os_str().as_encoded_bytes())
            .field(&tc.cxx_id)
            .field(&spec.top);
        for a in &spec.verilator_args {
            h.field(a);
        }
        let trace = spec.traced();
        h.field(if trace { "trace" } else { "no trace" });
        h.field("files");
        for (_, text) in &sources {
            h.field(text);
        }
        let hash = h.finish();
        let key = format!("{}-{hash:016x}", sanitize(&spec.top));
        let cache = spec.resolved_cache_dir();
        let (dir, built) = cached_entry(&cache, &key, |scratch, out| {
            compile::build_model(tc, &cache, &sources, &spec.top, &spec.verilator_args, trace, scratch, out)
        })?;
        let elapsed = t0.elapsed();
        if built {
            eprintln!("vfpga-sim: built model {key} in {:.1} s ({})", elapsed.as_secs_f64(), dir.display());
        } else {
            eprintln!("vfpga-sim: cached model {key} ({})", dir.display());
        }
        let lib = ModelLib::load(&dir, &spec.top, key, hash, built, if built { Some(elapsed) } else { None })?;
        Ok(std::sync::Arc::new(lib))
    }
}

/// Seconds, for messages.
pub(crate) fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}
