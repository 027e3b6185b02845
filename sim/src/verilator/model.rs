//! A loaded model library and its instances.

use std::collections::HashMap;
use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::fmt;
use std::path::{Path, PathBuf};
use std::ptr::NonNull;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use super::compile::ABI_VERSION;
use super::ports::{Dir, Kind, Port};
use super::{sanitize, ErrorKind, SimError};

/// Time units per half clock period: a [`Model::tick`] advances time by 10.
pub const HALF_PERIOD: u64 = 5;

type H = *mut c_void;

/// The C API of a model library (see `templates/glue.cpp`).
struct Api {
    create: unsafe extern "C" fn(*const c_char, c_int) -> H,
    destroy: unsafe extern "C" fn(H),
    eval: unsafe extern "C" fn(H, u64) -> c_int,
    error: unsafe extern "C" fn(H) -> *const c_char,
    got_finish: unsafe extern "C" fn(H) -> c_int,
    port_ptr: unsafe extern "C" fn(H, u32) -> *mut c_void,
    set: unsafe extern "C" fn(H, u32, *const u32, u32) -> c_int,
    get: unsafe extern "C" fn(H, u32, *mut u32, u32) -> c_int,
    trace_open: unsafe extern "C" fn(H, *const c_char) -> c_int,
    trace_dump: unsafe extern "C" fn(H, u64),
    trace_flush: unsafe extern "C" fn(H),
    trace_close: unsafe extern "C" fn(H),
}

/// A built, loaded model: the factory of [`Model`] instances. Cheap to share
/// (`Arc`), `Send + Sync`.
pub struct ModelLib {
    top: String,
    key: String,
    hash: u64,
    dir: PathBuf,
    built: bool,
    build_time: Option<Duration>,
    ports: Vec<Port>,
    kinds: Vec<Kind>,
    by_name: HashMap<String, u32>,
    api: Api,
    // Last: unloaded after everything else is dropped.
    _lib: libloading::Library,
}

/// A port handle: a small `Copy` index, for hot loops. Get one with
/// [`Model::port`] / [`ModelLib::port`]; it is valid for every instance of
/// the same design.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PortId {
    index: u32,
    design: u64,
}

impl PortId {
    /// Position in [`ModelLib::ports`].
    pub fn index(self) -> usize {
        self.index as usize
    }
}

/// Anything that names a port: a `&str` (looked up, panicking with near
/// candidates if unknown) or a [`PortId`] (free).
pub trait PortKey {
    /// Resolves to a handle of `lib`; panics if there is no such port.
    fn port_id(&self, lib: &ModelLib) -> PortId;
}

impl PortKey for PortId {
    #[inline]
    fn port_id(&self, lib: &ModelLib) -> PortId {
        if self.design != lib.hash || self.index as usize >= lib.ports.len() {
            panic!("vfpga-sim: a PortId of another design was used with model `{}`", lib.top);
        }
        *self
    }
}

impl PortKey for str {
    fn port_id(&self, lib: &ModelLib) -> PortId {
        lib.port(self)
    }
}

impl PortKey for String {
    fn port_id(&self, lib: &ModelLib) -> PortId {
        lib.port(self)
    }
}

impl<T: PortKey + ?Sized> PortKey for &T {
    #[inline]
    fn port_id(&self, lib: &ModelLib) -> PortId {
        (**self).port_id(lib)
    }
}

unsafe fn sym<T: Copy>(lib: &libloading::Library, name: &str) -> Result<T, SimError> {
    let s: libloading::Symbol<T> = lib
        .get(name)
        .map_err(|e| SimError::new(ErrorKind::Load, format!("model library lacks `{name}`: {e}")))?;
    Ok(*s)
}

impl ModelLib {
    pub(crate) fn load(
        dir: &Path,
        top: &str,
        key: String,
        hash: u64,
        built: bool,
        build_time: Option<Duration>,
    ) -> Result<ModelLib, SimError> {
        let path = dir.join("libmodel.so");
        let load_err = |e: String| SimError::new(ErrorKind::Load, format!("cannot load {}: {e}", path.display()));
        // SAFETY: the library is ours (built by `compile.rs`); its static
        // initializers only set up the Verilator runtime.
        let lib = unsafe { libloading::Library::new(&path) }.map_err(|e| load_err(e.to_string()))?;
        // SAFETY: the symbol types match `templates/glue.cpp` of the same
        // ABI_VERSION, which is checked first.
        unsafe {
            let abi: unsafe extern "C" fn() -> u32 = sym(&lib, "vfpga_abi_version")?;
            if abi() != ABI_VERSION {
                return Err(load_err(format!("glue ABI {} (expected {ABI_VERSION}); clear the cache", abi())));
            }
            let count: unsafe extern "C" fn() -> u32 = sym(&lib, "vfpga_port_count")?;
            let pname: unsafe extern "C" fn(u32) -> *const c_char = sym(&lib, "vfpga_port_name")?;
            let pwidth: unsafe extern "C" fn(u32) -> u32 = sym(&lib, "vfpga_port_width")?;
            let pdir: unsafe extern "C" fn(u32) -> u32 = sym(&lib, "vfpga_port_dir")?;
            let mut ports = Vec::new();
            let mut kinds = Vec::new();
            let mut by_name = HashMap::new();
            for i in 0..count() {
                let name = CStr::from_ptr(pname(i)).to_string_lossy().into_owned();
                let width = pwidth(i);
                let dir = if pdir(i) == 0 { Dir::In } else { Dir::Out };
                kinds.push(match width {
                    0..=8 => Kind::U8,
                    9..=16 => Kind::U16,
                    17..=32 => Kind::U32,
                    33..=64 => Kind::U64,
                    w => Kind::Wide(w.div_ceil(32)),
                });
                by_name.insert(name.clone(), i);
                ports.push(Port { name, dir, width });
            }
            let api = Api {
                create: sym(&lib, "vfpga_create")?,
                destroy: sym(&lib, "vfpga_destroy")?,
                eval: sym(&lib, "vfpga_eval")?,
                error: sym(&lib, "vfpga_error")?,
                got_finish: sym(&lib, "vfpga_got_finish")?,
                port_ptr: sym(&lib, "vfpga_port_ptr")?,
                set: sym(&lib, "vfpga_set")?,
                get: sym(&lib, "vfpga_get")?,
                trace_open: sym(&lib, "vfpga_trace_open")?,
                trace_dump: sym(&lib, "vfpga_trace_dump")?,
                trace_flush: sym(&lib, "vfpga_trace_flush")?,
                trace_close: sym(&lib, "vfpga_trace_close")?,
            };
            Ok(ModelLib {
                top: top.to_string(),
                key,
                hash,
                dir: dir.to_path_buf(),
                built,
                build_time,
                ports,
                kinds,
                by_name,
                api,
                _lib: lib,
            })
        }
    }

    /// The top module's name.
    pub fn top(&self) -> &str {
        &self.top
    }

    /// The cache key, `<top>-<hash>`.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The cache entry holding `libmodel.so`, `verilator.log`, `glue.cpp`.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether this call compiled the model (`false`: it came from the cache).
    pub fn was_built(&self) -> bool {
        self.built
    }

    /// How long the build took, if this call built the model.
    pub fn build_time(&self) -> Option<Duration> {
        self.build_time
    }

    /// The top's ports, in declaration order.
    pub fn ports(&self) -> &[Port] {
        &self.ports
    }

    /// The handle of port `name`. Panics if there is none, naming the port
    /// and the closest existing ones.
    pub fn port(&self, name: &str) -> PortId {
        self.try_port(name).unwrap_or_else(|| panic!("{}", self.unknown_port(name)))
    }

    /// The handle of port `name`, if it exists.
    pub fn try_port(&self, name: &str) -> Option<PortId> {
        self.by_name.get(name).map(|&index| PortId { index, design: self.hash })
    }

    /// Whether port `name` exists.
    pub fn has_port(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }

    /// Name, direction and width of a port.
    pub fn port_info(&self, port: impl PortKey) -> &Port {
        &self.ports[port.port_id(self).index()]
    }

    /// Width of a port in bits.
    pub fn port_width(&self, port: impl PortKey) -> u32 {
        self.port_info(port).width
    }

    fn unknown_port(&self, name: &str) -> String {
        let mut scored: Vec<(usize, &str)> = self
            .ports
            .iter()
            .map(|p| {
                let d = levenshtein(&name.to_lowercase(), &p.name.to_lowercase());
                let d = if p.name.contains(name) || name.contains(p.name.as_str()) { d.min(2) } else { d };
                (d, p.name.as_str())
            })
            .collect();
        scored.sort();
        let limit = (name.len() / 3).max(3);
        let near: Vec<&str> = scored.iter().filter(|s| s.0 <= limit).take(6).map(|s| s.1).collect();
        let mut msg = format!("vfpga-sim: model `{}` has no port `{name}`", self.top);
        if near.is_empty() {
            let all: Vec<&str> = self.ports.iter().take(40).map(|p| p.name.as_str()).collect();
            msg.push_str(&format!("; its ports are: {}", all.join(", ")));
            if self.ports.len() > 40 {
                msg.push_str(&format!(", ... ({} in all)", self.ports.len()));
            }
        } else {
            msg.push_str(&format!("; did you mean: {}?", near.join(", ")));
        }
        msg
    }

    /// Creates an instance named `name` (`""`: the current thread's name,
    /// which for a test is the test's path).
    ///
    /// If the environment variable `VFPGA_WAVES` is set to a directory, the
    /// instance writes a VCD there: `<VFPGA_WAVES>/<name>.vcd` (sanitized;
    /// a second instance of the same name in one process gets `<name>.1.vcd`).
    pub fn instantiate(self: &Arc<Self>, name: &str) -> Model {
        let name = if name.is_empty() { thread_name() } else { name.to_string() };
        let vcd = match std::env::var_os("VFPGA_WAVES") {
            Some(d) if !d.is_empty() => Some(unique_vcd_path(Path::new(&d), &name)),
            _ => None,
        };
        self.instantiate_with_vcd(&name, vcd.as_deref())
    }

    /// Creates an instance that writes a VCD to `vcd` if given (ignoring
    /// `VFPGA_WAVES`). Panics if the VCD cannot be created.
    pub fn instantiate_with_vcd(self: &Arc<Self>, name: &str, vcd: Option<&Path>) -> Model {
        let api = &self.api;
        // SAFETY: FFI into our glue; a null name means "TOP".
        let h = unsafe { (api.create)(std::ptr::null(), c_int::from(vcd.is_some())) };
        let h = NonNull::new(h).unwrap_or_else(|| panic!("vfpga-sim: cannot create an instance of `{}`", self.top));
        let slots = (0..self.ports.len())
            .map(|i| {
                // SAFETY: i < port count; the pointer stays valid as long as the instance.
                let ptr = unsafe { (api.port_ptr)(h.as_ptr(), i as u32) } as *mut u8;
                assert!(!ptr.is_null(), "vfpga-sim: no storage for port {}", self.ports[i].name);
                Slot { ptr, kind: self.kinds[i], width: self.ports[i].width, input: self.ports[i].dir == Dir::In }
            })
            .collect();
        let mut m = Model {
            lib: Arc::clone(self),
            h,
            slots,
            time: 0,
            cycles: 0,
            name: name.to_string(),
            vcd: None,
        };
        if let Some(path) = vcd {
            if let Some(parent) = path.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            let c = CString::new(path.as_os_str().as_encoded_bytes()).expect("VCD path without NUL bytes");
            // SAFETY: valid instance and C string.
            if unsafe { (api.trace_open)(h.as_ptr(), c.as_ptr()) } != 0 {
                panic!("vfpga-sim: cannot write the waveform {}: {}", path.display(), m.error_text());
            }
            eprintln!("vfpga-sim: writing waveform {}", path.display());
            m.vcd = Some(path.to_path_buf());
        }
        m
    }
}

impl fmt::Debug for ModelLib {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ModelLib")
            .field("key", &self.key)
            .field("dir", &self.dir)
            .field("built", &self.built)
            .field("ports", &self.ports.len())
            .finish()
    }
}

fn thread_name() -> String {
    std::thread::current().name().unwrap_or("model").to_string()
}

fn unique_vcd_path(dir: &Path, name: &str) -> PathBuf {
    static USED: OnceLock<Mutex<HashMap<PathBuf, u32>>> = OnceLock::new();
    let base = sanitize(&name.replace("::", "__"));
    let mut used = USED.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    let n = used.entry(dir.join(&base)).or_insert(0);
    let file = if *n == 0 { format!("{base}.vcd") } else { format!("{base}.{n}.vcd") };
    *n += 1;
    dir.join(file)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

struct Slot {
    ptr: *mut u8,
    kind: Kind,
    width: u32,
    input: bool,
}

/// One instance of a Verilated design, with its own `VerilatedContext`.
///
/// Cycle convention: set inputs between clock edges, [`eval`](Model::eval)
/// to propagate them (outputs then reflect combinational paths from the new
/// inputs), sample handshakes, then [`tick`](Model::tick) the clock:
/// `clk = 0; eval; clk = 1; eval`. Each tick advances time by
/// `2 * HALF_PERIOD` (10) units and, if tracing, dumps the waveform at both
/// edges, so inputs set between ticks show up at the falling edge.
///
/// Ports are named by `&str` or, in hot loops, by a [`PortId`] from
/// [`port`](Model::port). Narrow ports (up to 64 bits) are read and written
/// as `u64` ([`get`](Model::get), [`set`](Model::set)); any port as
/// little-endian 32-bit words ([`get_words`](Model::get_words),
/// [`set_words`](Model::set_words)) or bytes ([`get_bytes`](Model::get_bytes),
/// [`set_bytes`](Model::set_bytes)). Writing a value wider than the port, or
/// writing an output, panics.
///
/// A Verilog `$stop`, `$fatal` or runtime error makes `eval`/`tick` panic
/// with Verilator's message; `$finish` sets [`finished`](Model::finished).
pub struct Model {
    lib: Arc<ModelLib>,
    h: NonNull<c_void>,
    slots: Vec<Slot>,
    time: u64,
    cycles: u64,
    name: String,
    vcd: Option<PathBuf>,
}

// SAFETY: an instance has its own VerilatedContext and no thread affinity
// (the glue points Verilator's per-thread context at it on every call); the
// raw pointers are only used through `&mut self`/`&self` of this owner.
unsafe impl Send for Model {}

impl Model {
    /// The library this instance comes from.
    pub fn lib(&self) -> &Arc<ModelLib> {
        &self.lib
    }

    /// The instance name (used for its VCD).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The VCD this instance writes, if any.
    pub fn vcd_path(&self) -> Option<&Path> {
        self.vcd.as_deref()
    }

    /// Simulation time (10 units per tick).
    pub fn time(&self) -> u64 {
        self.time
    }

    /// Number of [`tick`](Model::tick)s so far.
    pub fn cycles(&self) -> u64 {
        self.cycles
    }

    /// The handle of port `name`; panics with near candidates if unknown.
    pub fn port(&self, name: &str) -> PortId {
        self.lib.port(name)
    }

    /// The handle of port `name`, if it exists.
    pub fn try_port(&self, name: &str) -> Option<PortId> {
        self.lib.try_port(name)
    }

    /// Whether port `name` exists.
    pub fn has_port(&self, name: &str) -> bool {
        self.lib.has_port(name)
    }

    /// Width of a port in bits.
    pub fn port_width(&self, port: impl PortKey) -> u32 {
        self.lib.port_width(port)
    }

    /// All ports, in declaration order.
    pub fn ports(&self) -> &[Port] {
        self.lib.ports()
    }

    #[inline]
    fn slot(&self, port: &impl PortKey) -> (PortId, &Slot) {
        let id = port.port_id(&self.lib);
        (id, &self.slots[id.index()])
    }

    fn pname(&self, id: PortId) -> &str {
        &self.lib.ports[id.index()].name
    }

    #[inline]
    fn input_slot(&self, port: &impl PortKey) -> (PortId, &Slot) {
        let (id, s) = self.slot(port);
        if !s.input {
            panic!("vfpga-sim: cannot set `{}` of model `{}`: it is an output", self.pname(id), self.lib.top);
        }
        (id, s)
    }

    /// Sets an input port (any width) to `value`. Panics if `value` does not
    /// fit in the port or the port is an output.
    #[inline]
    pub fn set(&mut self, port: impl PortKey, value: u64) {
        let (id, s) = self.input_slot(&port);
        if s.width < 64 && value >> s.width != 0 {
            panic!(
                "vfpga-sim: value {value:#x} does not fit in the {}-bit port `{}` of model `{}`",
                s.width,
                self.pname(id),
                self.lib.top
            );
        }
        // SAFETY: `ptr` points at this port's storage of type `kind`.
        unsafe {
            match s.kind {
                Kind::U8 => *s.ptr = value as u8,
                Kind::U16 => *(s.ptr as *mut u16) = value as u16,
                Kind::U32 => *(s.ptr as *mut u32) = value as u32,
                Kind::U64 => *(s.ptr as *mut u64) = value,
                Kind::Wide(n) => {
                    let w = std::slice::from_raw_parts_mut(s.ptr as *mut u32, n as usize);
                    w.fill(0);
                    w[0] = value as u32;
                    w[1] = (value >> 32) as u32;
                }
            }
        }
    }

    /// Sets a 1-bit (or any) input port from a `bool`.
    #[inline]
    pub fn set_bool(&mut self, port: impl PortKey, value: bool) {
        self.set(port, u64::from(value));
    }

    /// Reads a port of at most 64 bits. Panics for wider ports (use
    /// [`get_words`](Model::get_words) or [`get_bytes`](Model::get_bytes)).
    #[inline]
    pub fn get(&self, port: impl PortKey) -> u64 {
        let (id, s) = self.slot(&port);
        // SAFETY: as in `set`.
        unsafe {
            match s.kind {
                Kind::U8 => u64::from(*s.ptr),
                Kind::U16 => u64::from(*(s.ptr as *const u16)),
                Kind::U32 => u64::from(*(s.ptr as *const u32)),
                Kind::U64 => *(s.ptr as *const u64),
                Kind::Wide(_) => panic!(
                    "vfpga-sim: port `{}` of model `{}` is {} bits wide; read it with get_words or get_bytes",
                    self.pname(id),
                    self.lib.top,
                    s.width
                ),
            }
        }
    }

    /// Reads a port of at most 64 bits as a `bool` (non-zero).
    #[inline]
    pub fn get_bool(&self, port: impl PortKey) -> bool {
        self.get(port) != 0
    }

    /// Number of 32-bit words of a port: `ceil(width / 32)`.
    pub fn port_words(&self, port: impl PortKey) -> usize {
        self.slot(&port).1.width.div_ceil(32) as usize
    }

    /// Sets an input port of any width from little-endian 32-bit words
    /// (`words[0]` holds bits 31..0). Missing words are zero. Panics if a bit
    /// at or above the port's width is set.
    pub fn set_words(&mut self, port: impl PortKey, words: &[u32]) {
        let (id, s) = self.input_slot(&port);
        let n = s.width.div_ceil(32) as usize;
        let top_bits = s.width - 32 * (n as u32 - 1);
        let excess = words.iter().skip(n).any(|&w| w != 0)
            || (top_bits < 32 && words.get(n - 1).is_some_and(|&w| w >> top_bits != 0));
        if excess {
            panic!(
                "vfpga-sim: value {} does not fit in the {}-bit port `{}` of model `{}`",
                hex_words(words),
                s.width,
                self.pname(id),
                self.lib.top
            );
        }
        // SAFETY: valid instance; the glue copies min(len, port words).
        let rc = unsafe { (self.lib.api.set)(self.h.as_ptr(), id.index, words.as_ptr(), words.len() as u32) };
        debug_assert_eq!(rc, 0);
    }

    /// Reads a port of any width as little-endian 32-bit words
    /// (`ceil(width / 32)` of them).
    pub fn get_words(&self, port: impl PortKey) -> Vec<u32> {
        let mut v = vec![0; self.port_words(&port)];
        self.get_words_into(port, &mut v);
        v
    }

    /// Reads a port into `out` (zero-filled beyond the port's words).
    pub fn get_words_into(&self, port: impl PortKey, out: &mut [u32]) {
        let id = port.port_id(&self.lib);
        // SAFETY: valid instance; the glue writes exactly out.len() words.
        let rc = unsafe { (self.lib.api.get)(self.h.as_ptr(), id.index, out.as_mut_ptr(), out.len() as u32) };
        debug_assert_eq!(rc, 0);
    }

    /// Sets an input port from little-endian bytes (`bytes[0]` holds bits
    /// 7..0). Missing bytes are zero. Panics if a bit at or above the port's
    /// width is set.
    pub fn set_bytes(&mut self, port: impl PortKey, bytes: &[u8]) {
        let (id, s) = self.input_slot(&port);
        let nbytes = s.width.div_ceil(8) as usize;
        let bad = bytes.iter().skip(nbytes).any(|&b| b != 0)
            || (s.width % 8 != 0 && bytes.get(nbytes - 1).is_some_and(|&b| b >> (s.width % 8) != 0));
        if bad {
            panic!(
                "vfpga-sim: {} bytes do not fit in the {}-bit port `{}` of model `{}`",
                bytes.len(),
                s.width,
                self.pname(id),
                self.lib.top
            );
        }
        let bytes = &bytes[..bytes.len().min(nbytes)];
        match s.kind {
            Kind::Wide(n) => {
                // SAFETY: `ptr` is this port's array of n words.
                let w = unsafe { std::slice::from_raw_parts_mut(s.ptr as *mut u32, n as usize) };
                w.fill(0);
                for (k, chunk) in bytes.chunks(4).enumerate() {
                    let mut b = [0u8; 4];
                    b[..chunk.len()].copy_from_slice(chunk);
                    w[k] = u32::from_le_bytes(b);
                }
            }
            _ => {
                let mut b = [0u8; 8];
                b[..bytes.len()].copy_from_slice(bytes);
                self.set(id, u64::from_le_bytes(b));
            }
        }
    }

    /// Reads a port as little-endian bytes (`ceil(width / 8)` of them).
    pub fn get_bytes(&self, port: impl PortKey) -> Vec<u8> {
        let (_, s) = self.slot(&port);
        let nbytes = s.width.div_ceil(8) as usize;
        let mut out = Vec::with_capacity(nbytes + 8);
        match s.kind {
            Kind::Wide(n) => {
                // SAFETY: `ptr` is this port's array of n words.
                let w = unsafe { std::slice::from_raw_parts(s.ptr as *const u32, n as usize) };
                for x in w {
                    out.extend_from_slice(&x.to_le_bytes());
                }
            }
            _ => out.extend_from_slice(&self.get(port).to_le_bytes()),
        }
        out.truncate(nbytes);
        out
    }

    fn error_text(&self) -> String {
        // SAFETY: valid instance; the glue returns a NUL-terminated string.
        unsafe { CStr::from_ptr((self.lib.api.error)(self.h.as_ptr())) }.to_string_lossy().into_owned()
    }

    /// Evaluates the model at the current time: propagates inputs through
    /// combinational logic (and runs edge logic if a clock input changed).
    /// Panics if the design hits `$stop`, `$fatal` or a runtime error.
    #[inline]
    pub fn eval(&mut self) {
        // SAFETY: valid instance.
        if unsafe { (self.lib.api.eval)(self.h.as_ptr(), self.time) } != 0 {
            panic!(
                "vfpga-sim: model `{}` (instance `{}`) stopped at time {} (cycle {}): {}",
                self.lib.top,
                self.name,
                self.time,
                self.cycles,
                self.error_text()
            );
        }
    }

    /// One clock cycle on `clk`: `clk = 0; eval; clk = 1; eval`, dumping the
    /// waveform after each eval and advancing time by 10 units in all.
    pub fn tick(&mut self, clk: impl PortKey) {
        let clk = clk.port_id(&self.lib);
        self.set(clk, 0);
        self.eval();
        self.dump();
        self.time += HALF_PERIOD;
        self.set(clk, 1);
        self.eval();
        self.dump();
        self.time += HALF_PERIOD;
        self.cycles += 1;
    }

    /// `n` [`tick`](Model::tick)s with inputs unchanged.
    pub fn ticks(&mut self, clk: impl PortKey, n: u64) {
        let clk = clk.port_id(&self.lib);
        for _ in 0..n {
            self.tick(clk);
        }
    }

    /// Advances time by `units` without evaluating (e.g. for combinational
    /// designs without a clock, between [`dump`](Model::dump)s).
    pub fn advance(&mut self, units: u64) {
        self.time += units;
    }

    /// Writes the current values to the waveform (if tracing) at the current
    /// time. [`tick`](Model::tick) does this itself.
    #[inline]
    pub fn dump(&mut self) {
        if self.vcd.is_some() {
            // SAFETY: valid instance.
            unsafe { (self.lib.api.trace_dump)(self.h.as_ptr(), self.time) };
        }
    }

    /// Flushes the waveform file.
    pub fn flush_waves(&mut self) {
        // SAFETY: valid instance.
        unsafe { (self.lib.api.trace_flush)(self.h.as_ptr()) };
    }

    /// Whether the design executed `$finish`.
    pub fn finished(&self) -> bool {
        // SAFETY: valid instance.
        unsafe { (self.lib.api.got_finish)(self.h.as_ptr()) != 0 }
    }
}

impl Drop for Model {
    fn drop(&mut self) {
        // SAFETY: valid instance, destroyed once; closes the VCD and runs
        // `final` blocks.
        unsafe {
            (self.lib.api.trace_close)(self.h.as_ptr());
            (self.lib.api.destroy)(self.h.as_ptr());
        }
    }
}

impl fmt::Debug for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Model")
            .field("top", &self.lib.top)
            .field("name", &self.name)
            .field("time", &self.time)
            .field("cycles", &self.cycles)
            .finish()
    }
}

fn hex_words(words: &[u32]) -> String {
    let mut s = String::from("0x");
    for w in words.iter().rev() {
        s.push_str(&format!("{w:08x}"));
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn levenshtein() {
        assert_eq!(super::levenshtein("tvalid", "tvaild"), 2);
        assert_eq!(super::levenshtein("", "abc"), 3);
        assert_eq!(super::levenshtein("abc", "abc"), 0);
    }

    #[test]
    fn vcd_names_are_unique() {
        let d = std::path::Path::new("/x");
        let a = super::unique_vcd_path(d, "t::a b");
        let b = super::unique_vcd_path(d, "t::a b");
        assert_eq!(a, d.join("t__a_b.vcd"));
        assert_eq!(b, d.join("t__a_b.1.vcd"));
    }
}
