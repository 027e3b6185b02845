//! Emitted designs as Verilator models, for the tests and the benchmarks:
//! built once per design and process, cached on disk across runs by the
//! harness (`vfpga_sim::ModelLib`).

use crate::emit::Module;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use vfpga_sim::{ModelLib, ModelSpec, SimError};

/// Where emitted designs and Verilator builds are kept: `VFPGA_SIM_CACHE`,
/// else `dir` (the tests pass their `target/tmp`), else the temporary directory.
pub fn cache_root(dir: Option<PathBuf>) -> PathBuf {
    match std::env::var_os("VFPGA_SIM_CACHE") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => dir.unwrap_or_else(|| std::env::temp_dir().join("vfpga-sim-cache")),
    }
}

/// The model of a set of emitted modules (the last one is the top). `key`
/// names the design, one per block and configuration.
pub fn model_of_modules(
    key: &str,
    root: Option<PathBuf>,
    modules: impl FnOnce() -> Vec<Module>,
) -> Result<Arc<ModelLib>, SimError> {
    model_cached(key, root, || {
        let modules = modules();
        let top = modules.last().expect("no modules").name.clone();
        let files = modules.into_iter().map(|m| (format!("rtl/{}.v", m.name), m.text)).collect();
        (top, files)
    })
}

/// Builds (or takes from the cache) the model of `files` (relative path,
/// text) with top module `top`; only the `.v` files are compiled.
pub fn model_cached(
    key: &str,
    root: Option<PathBuf>,
    design: impl FnOnce() -> (String, Vec<(String, String)>),
) -> Result<Arc<ModelLib>, SimError> {
    static MODELS: OnceLock<Mutex<BTreeMap<String, Arc<ModelLib>>>> = OnceLock::new();
    // One lock for the whole table: two threads asking for the same design
    // must not write its files at the same time.
    let mut models = MODELS.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    if let Some(m) = models.get(key) {
        return Ok(m.clone());
    }
    let (top, files) = design();
    let root = cache_root(root);
    let dir = root.join("designs").join(key);
    let mut verilog = Vec::new();
    for (path, text) in &files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().expect("relative path")).expect("cannot create the design folder");
        if std::fs::read_to_string(&p).ok().as_deref() != Some(text.as_str()) {
            // Written aside and renamed: another test process building the
            // same design in the same cache (two `cargo test` runs at once)
            // never reads a file half written.
            let tmp = p.with_extension(format!("tmp-{}", std::process::id()));
            std::fs::write(&tmp, text).expect("cannot write the design");
            std::fs::rename(&tmp, &p).expect("cannot write the design");
        }
        if path.ends_with(".v") {
            verilog.push(p);
        }
    }
    let lib = ModelLib::build(&ModelSpec::new(top, verilog).cache_dir(root.join("models")))?;
    models.insert(key.to_string(), lib.clone());
    Ok(lib)
}
