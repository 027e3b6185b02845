//! Shared by the simulation tests: emitted designs built into Verilator
//! models, once per design and test binary, cached across runs.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use vfpga::config::Config;
use vfpga::design::build;
use vfpga::emit::Module;
use vfpga_sim::{ModelLib, ModelSpec};

/// Where the tests keep emitted designs and Verilator builds (under `target/`).
pub fn work_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
}

/// The Verilator model of the design `vfpga generate` emits for `cfg`.
pub fn model_for(cfg: &Config) -> Arc<ModelLib> {
    let key = format!("design-{}p-{}vf-{}b", cfg.partitions, cfg.vfs, cfg.data_width);
    model_cached(&key, || {
        let d = build(cfg);
        let files = d.files.into_iter().map(|f| (f.path, f.contents)).collect();
        (d.top, files)
    })
}

/// The Verilator model of a set of emitted modules (the last one is the top).
/// `key` names the design (one per block and configuration).
pub fn model_of_modules(key: &str, modules: impl FnOnce() -> Vec<Module>) -> Arc<ModelLib> {
    model_cached(key, || {
        let modules = modules();
        let top = modules.last().expect("no modules").name.clone();
        let files = modules.into_iter().map(|m| (format!("rtl/{}.v", m.name), m.text)).collect();
        (top, files)
    })
}

/// Builds (or takes from the cache) the model of `files` (relative path,
/// text); only the `.v` files are compiled.
fn model_cached(key: &str, design: impl FnOnce() -> (String, Vec<(String, String)>)) -> Arc<ModelLib> {
    static MODELS: OnceLock<Mutex<BTreeMap<String, Arc<ModelLib>>>> = OnceLock::new();
    // One lock for the whole table: two tests asking for the same design
    // must not write its files at the same time.
    let mut models = MODELS.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    if let Some(m) = models.get(key) {
        return m.clone();
    }
    let (top, files) = design();
    let dir = work_dir().join("designs").join(key);
    let mut verilog = Vec::new();
    for (path, text) in &files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        if std::fs::read_to_string(&p).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&p, text).unwrap();
        }
        if path.ends_with(".v") {
            verilog.push(p);
        }
    }
    let mut spec = ModelSpec::new(top, verilog);
    if std::env::var_os("VFPGA_SIM_CACHE").is_none() {
        spec = spec.cache_dir(work_dir().join("vfpga-sim-cache"));
    }
    let lib = ModelLib::build(&spec).unwrap_or_else(|e| panic!("{e}"));
    models.insert(key.to_string(), lib.clone());
    lib
}
