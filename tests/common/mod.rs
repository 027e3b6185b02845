//! Shared by the simulation tests: emitted designs built into Verilator
//! models, once per configuration and test binary, cached across runs.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use vfpga::config::Config;
use vfpga::design::build;
use vfpga_sim::{ModelLib, ModelSpec};

/// Where the tests keep emitted designs and Verilator builds (under `target/`).
pub fn work_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
}

/// The Verilator model of the design `vfpga generate` emits for `cfg`.
pub fn model_for(cfg: &Config) -> Arc<ModelLib> {
    static MODELS: OnceLock<Mutex<BTreeMap<String, Arc<ModelLib>>>> = OnceLock::new();
    let key = format!("{}p-{}vf-{}b", cfg.partitions, cfg.vfs, cfg.data_width);
    // One lock for the whole table: two tests asking for the same design
    // must not write its files at the same time.
    let mut models = MODELS.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    if let Some(m) = models.get(&key) {
        return m.clone();
    }
    let design = build(cfg);
    let dir = work_dir().join("designs").join(&key);
    for f in &design.files {
        let p = dir.join(&f.path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        if std::fs::read_to_string(&p).ok().as_deref() != Some(f.contents.as_str()) {
            std::fs::write(&p, &f.contents).unwrap();
        }
    }
    let files: Vec<PathBuf> = design.rtl.iter().map(|p| dir.join(p)).collect();
    let mut spec = ModelSpec::new(design.top.clone(), files);
    if std::env::var_os("VFPGA_SIM_CACHE").is_none() {
        spec = spec.cache_dir(work_dir().join("vfpga-sim-cache"));
    }
    let lib = ModelLib::build(&spec).unwrap_or_else(|e| panic!("{e}"));
    models.insert(key, lib.clone());
    lib
}
