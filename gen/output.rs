//! Writes a [`Design`] to disk with its `manifest.json`, never losing a user's file.
//!
//! A new output is built in a stage beside the destination (same file system)
//! and renamed into place. A previous vfpga output (it holds a `manifest.json`
//! written by vfpga) is updated in place: vfpga replaces and removes only the
//! files that manifest lists, as it wrote them, so whatever the user added to
//! the tree stays; it refuses, before writing anything, to touch a file that
//! was changed by hand or that it did not write, unless forced. Any other
//! non-empty destination is refused. The output is a pure function of the
//! design and the configuration: no timestamps, files sorted, so the same
//! input gives a byte-identical tree.

mod stage;

pub use stage::stop_on_signals;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::design::Design;

/// Name of the manifest at the root of every output tree.
pub const MANIFEST: &str = "manifest.json";

/// The `generator` field of every manifest vfpga writes.
pub fn generator() -> String {
    format!("vfpga {}", env!("CARGO_PKG_VERSION"))
}

/// `manifest.json`: what was generated, from which configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// `vfpga <version>`.
    pub generator: String,
    pub config: Config,
    /// Top module of the static design.
    pub top: String,
    /// Verilog files of the static design in dependency order (leaves first).
    pub rtl: Vec<String>,
    /// Every file of the tree except the manifest itself, sorted by path.
    pub files: Vec<ManifestFile>,
}

/// One file of the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    /// Relative path, `/` separated.
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256 of the contents, lowercase hex (what `sha256sum` prints).
    pub sha256: String,
}

impl Manifest {
    /// Builds the manifest of a design; checks the file paths.
    pub fn new(design: &Design, cfg: &Config) -> Result<Manifest, OutputError> {
        let mut files = Vec::with_capacity(design.files.len());
        for f in &design.files {
            check_path(&f.path)?;
            files.push(ManifestFile {
                path: f.path.clone(),
                bytes: f.contents.len() as u64,
                sha256: sha256_hex(f.contents.as_bytes()),
            });
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        if let Some(w) = files.windows(2).find(|w| w[0].path == w[1].path) {
            return Err(OutputError::BadPath {
                path: w[0].path.clone(),
                reason: "two files of the design have this path",
            });
        }
        for r in &design.rtl {
            if files.binary_search_by(|f| f.path.as_str().cmp(r)).is_err() {
                return Err(OutputError::BadPath {
                    path: r.clone(),
                    reason: "listed as RTL but not among the design's files",
                });
            }
        }
        Ok(Manifest {
            generator: generator(),
            config: cfg.clone(),
            top: design.top.clone(),
            rtl: design.rtl.clone(),
            files,
        })
    }

    /// The manifest as written to disk: pretty JSON, a final newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a Manifest always serializes");
        s.push('\n');
        s
    }

    /// Reads `manifest.json` from a generated directory.
    pub fn read(dir: &Path) -> Result<Manifest, OutputError> {
        let path = dir.join(MANIFEST);
        let text = fs::read_to_string(&path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => OutputError::NotVfpga {
                dir: dir.to_path_buf(),
                reason: format!("it has no {MANIFEST}"),
            },
            _ => OutputError::io(&path, e),
        })?;
        let m: Manifest = serde_json::from_str(&text).map_err(|e| OutputError::NotVfpga {
            dir: dir.to_path_buf(),
            reason: format!("its {MANIFEST} is not a vfpga manifest ({e})"),
        })?;
        if !m.generator.starts_with("vfpga ") {
            return Err(OutputError::NotVfpga {
                dir: dir.to_path_buf(),
                reason: format!("its {MANIFEST} was written by {:?}", m.generator),
            });
        }
        Ok(m)
    }
}

/// Why an output tree was not written.
#[derive(Debug)]
pub enum OutputError {
    /// A directory read as a vfpga output is not one.
    NotVfpga { dir: PathBuf, reason: String },
    /// The destination exists and is not a vfpga output directory: not replaced.
    Refused { dir: PathBuf, reason: String },
    /// A file path of the design is not a clean relative path.
    BadPath { path: String, reason: &'static str },
    /// Paths a regenerate must write or remove hold what vfpga did not write.
    Conflicts { dir: PathBuf, conflicts: Vec<Conflict> },
    /// A file system operation failed.
    Io { path: PathBuf, error: io::Error },
    /// Writing the output failed at `path`; `note` says what state it is in.
    Write {
        dir: PathBuf,
        path: PathBuf,
        error: io::Error,
        note: String,
    },
    /// A signal stopped the run before it changed anything.
    Interrupted { dir: PathBuf, signal: i32 },
    /// The stage a killed run left could not be removed.
    StaleStage { path: PathBuf, error: io::Error },
}

/// A path a regenerate would have to write or remove, and why it does not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// Relative to the output directory, `/` separated.
    pub path: String,
    pub problem: Problem,
}

/// Why a path holds what vfpga did not write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// A generated file whose contents differ from the previous manifest's.
    Edited,
    /// Like `Edited`, and the new design no longer has the file.
    EditedObsolete,
    /// A path the design writes holds a file vfpga did not write.
    NotOurs,
    /// A path the design writes is a directory.
    Directory,
    /// A directory the design writes into is a file or a symbolic link.
    NotADirectory,
}

impl Problem {
    /// `--force` overwrites (or keeps) these; it never deletes a directory
    /// or a file in the way of one.
    pub fn forceable(self) -> bool {
        matches!(self, Problem::Edited | Problem::EditedObsolete | Problem::NotOurs)
    }

    fn describe(self) -> &'static str {
        match self {
            Problem::Edited => "changed since vfpga wrote it (its SHA-256 differs from manifest.json)",
            Problem::EditedObsolete => {
                "changed since vfpga wrote it, and the new design no longer has it (--force keeps it)"
            }
            Problem::NotOurs => "exists, and vfpga did not write it",
            Problem::Directory => "is a directory, where the design writes a file",
            Problem::NotADirectory => "is not a directory, where the design writes files into one",
        }
    }
}

impl OutputError {
    fn io(path: &Path, error: io::Error) -> OutputError {
        OutputError::Io {
            path: path.to_path_buf(),
            error,
        }
    }

    /// True for errors of the user's making (exit status 2), false for failures.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            OutputError::NotVfpga { .. } | OutputError::Refused { .. } | OutputError::Conflicts { .. }
        )
    }
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutputError::NotVfpga { dir, reason } => {
                write!(
                    f,
                    "{} is not a vfpga output directory ({reason})",
                    dir.display()
                )
            }
            OutputError::Refused { dir, reason } => write!(
                f,
                "refusing to overwrite {}: it is not a vfpga output directory ({reason}); \
                 choose another --out, or remove it yourself",
                dir.display()
            ),
            OutputError::BadPath { path, reason } => {
                write!(f, "bad output file path {path:?}: {reason}")
            }
            OutputError::Conflicts { dir, conflicts } => {
                const SHOWN: usize = 20;
                writeln!(
                    f,
                    "refusing to regenerate {}: {} path(s) it must write or remove hold what vfpga did not write:",
                    dir.display(),
                    conflicts.len()
                )?;
                for c in conflicts.iter().take(SHOWN) {
                    writeln!(f, "  {}: {}", c.path, c.problem.describe())?;
                }
                if conflicts.len() > SHOWN {
                    writeln!(f, "  ... and {} more", conflicts.len() - SHOWN)?;
                }
                write!(f, "Nothing was changed. ")?;
                if conflicts.iter().any(|c| c.problem.forceable()) {
                    write!(
                        f,
                        "Move your changes out of the generated files (files manifest.json does not \
                         list are never touched), or pass --force to overwrite them. "
                    )?;
                }
                if conflicts.iter().any(|c| !c.problem.forceable()) {
                    write!(f, "Move the directories and files in the way aside yourself: --force does not delete them.")?;
                }
                Ok(())
            }
            OutputError::Io { path, error } => write!(f, "{}: {error}", path.display()),
            OutputError::Write {
                dir,
                path,
                error,
                note,
            } => write!(
                f,
                "could not write {}: {}: {error}; {note}",
                dir.display(),
                path.display()
            ),
            OutputError::Interrupted { dir, signal } => write!(
                f,
                "interrupted by signal {signal}: {} was left as it was",
                dir.display()
            ),
            OutputError::StaleStage { path, error } => write!(
                f,
                "the output was written, but {} (left by an earlier vfpga run that was killed) \
                 could not be removed: {error}; remove it yourself",
                path.display()
            ),
        }
    }
}

impl std::error::Error for OutputError {}

/// A path must be relative, `/` separated, without empty, `.` or `..`
/// components, and must not be the manifest.
fn check_path(path: &str) -> Result<(), OutputError> {
    let bad = |reason| {
        Err(OutputError::BadPath {
            path: path.to_string(),
            reason,
        })
    };
    if path.is_empty() || path.starts_with('/') || path.contains('\\') {
        return bad("not a relative '/'-separated path");
    }
    if path
        .split('/')
        .any(|c| c.is_empty() || c == "." || c == "..")
    {
        return bad("empty, '.' or '..' component");
    }
    if path == MANIFEST {
        return bad("reserved for the manifest");
    }
    Ok(())
}

/// What is at the destination, and whether it may be written.
enum Existing {
    Nothing,
    EmptyDir,
    /// A previous vfpga output, with its manifest.
    VfpgaOutput(Manifest),
}

fn inspect(dest: &Path) -> Result<Existing, OutputError> {
    let meta = match fs::symlink_metadata(dest) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Existing::Nothing),
        Err(e) => return Err(OutputError::io(dest, e)),
    };
    let not = |reason: &str| OutputError::Refused {
        dir: dest.to_path_buf(),
        reason: reason.into(),
    };
    if meta.file_type().is_symlink() {
        return Err(not("it is a symbolic link"));
    }
    if !meta.is_dir() {
        return Err(not("it is not a directory"));
    }
    let mut entries = fs::read_dir(dest).map_err(|e| OutputError::io(dest, e))?;
    if entries.next().is_none() {
        return Ok(Existing::EmptyDir);
    }
    if !dest.join(MANIFEST).is_file() {
        return Err(not(&format!("it is not empty and has no {MANIFEST}")));
    }
    match Manifest::read(dest) {
        Ok(m) => Ok(Existing::VfpgaOutput(m)),
        Err(OutputError::NotVfpga { dir, reason }) => Err(OutputError::Refused { dir, reason }),
        Err(e) => Err(e),
    }
}

/// Checks, before any work, that `write_tree` may write to `dest`: it does not
/// exist, or is an empty directory, or a previous vfpga output.
pub fn check_dest(dest: &Path) -> Result<(), OutputError> {
    inspect(dest).map(|_| ())
}

/// How a regenerate treats paths that hold what vfpga did not write.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteOptions {
    /// Overwrite generated files changed by hand, and files vfpga did not
    /// write at paths the design writes; keep (do not remove) generated files
    /// changed by hand that the design no longer has. Never deletes a file
    /// vfpga did not write, never replaces a directory.
    pub force: bool,
}

/// What [`write_tree_with`] did.
#[derive(Debug)]
pub struct Written {
    pub manifest: Manifest,
    /// Paths whose content vfpga did not write, overwritten under `force`.
    pub overwritten: Vec<String>,
    /// Generated files changed by hand that the design no longer has, kept
    /// under `force` (they are the user's now: the manifest no longer lists them).
    pub kept: Vec<String>,
}

/// Stage layout: the new files, and the previous files a regenerate replaces
/// or removes (so that a failure can put them back).
const STAGE_NEW: &str = "new";
const STAGE_OLD: &str = "old";

/// [`write_tree_with`] without `force`.
pub fn write_tree(dest: &Path, design: &Design, cfg: &Config) -> Result<Manifest, OutputError> {
    write_tree_with(dest, design, cfg, WriteOptions::default()).map(|w| w.manifest)
}

/// Writes the design's files and `manifest.json` to `dest`; never deletes or
/// overwrites a file vfpga did not write unless `opts.force` says so.
///
/// A missing or empty `dest` is built in a stage beside it and renamed into
/// place. A previous vfpga output is updated in place: only the files its
/// `manifest.json` lists are replaced, those the design no longer has are
/// removed (and the directories that become empty), every other file is left
/// alone, and the new manifest is written last. Before anything is written,
/// a listed file changed by hand or a path the design writes that holds
/// something vfpga did not write refuses the run ([`OutputError::Conflicts`]).
/// Any other existing `dest` is refused. A refused, failed or interrupted run
/// leaves `dest` as it was and removes its stage; a later run removes the
/// stages of killed runs.
pub fn write_tree_with(
    dest: &Path,
    design: &Design,
    cfg: &Config,
    opts: WriteOptions,
) -> Result<Written, OutputError> {
    let manifest = Manifest::new(design, cfg)?;

    let file_name =
        dest.file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| OutputError::BadPath {
                path: dest.display().to_string(),
                reason: "the output directory must end in a UTF-8 name",
            })?;
    let parent = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(|e| OutputError::io(&parent, e))?;
    // One run at a time beside `dest`: what is inspected below stays true
    // until this run has written.
    let _lock = stage::lock(&parent).map_err(|e| OutputError::io(&parent, e))?;
    let existing = inspect(dest)?;
    // Stages of killed runs: what one moved into `dest` before it died counts
    // as vfpga's too. They are removed once this run has written `dest`.
    let stale = stage::stale(&parent, file_name).map_err(|e| OutputError::io(&parent, e))?;
    let stale_manifests: Vec<Manifest> = stale
        .iter()
        .filter_map(|s| Manifest::read(&s.join(STAGE_NEW)).ok())
        .collect();

    let contents: HashMap<&str, &str> = design
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.contents.as_str()))
        .collect();
    let written = match existing {
        Existing::VfpgaOutput(prev) => {
            let plan = Plan::new(dest, &prev, &stale_manifests, &manifest, opts.force)?;
            update(dest, &parent, file_name, &contents, &manifest, &plan)?;
            Written {
                manifest,
                overwritten: plan.overwritten,
                kept: plan.kept,
            }
        }
        fresh => {
            let empty = matches!(fresh, Existing::EmptyDir);
            create(dest, &parent, file_name, &contents, &manifest, empty)?;
            Written {
                manifest,
                overwritten: Vec::new(),
                kept: Vec::new(),
            }
        }
    };
    for path in stale {
        fs::remove_dir_all(&path).map_err(|error| OutputError::StaleStage { path, error })?;
    }
    Ok(written)
}

/// Builds the whole tree in a stage and renames it to `dest` (missing, or an
/// empty directory).
fn create(
    dest: &Path,
    parent: &Path,
    file_name: &str,
    contents: &HashMap<&str, &str>,
    manifest: &Manifest,
    empty: bool,
) -> Result<(), OutputError> {
    let failed = |path: &Path, error: io::Error| OutputError::Write {
        dir: dest.to_path_buf(),
        path: path.to_path_buf(),
        error,
        note: format!("nothing was written to {}", dest.display()),
    };
    // Removed on drop, so every early return below cleans up.
    let stage = stage::create(parent, file_name).map_err(|e| failed(parent, e))?;
    let new = stage.path().join(STAGE_NEW);
    fs::create_dir(&new).map_err(|e| failed(&new, e))?;
    set_dir_mode(&new).map_err(|e| failed(&new, e))?;
    let paths: Vec<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    stage_files(dest, &new, &paths, contents, manifest).map_err(|(p, e)| failed(&p, e))?;
    interruption(dest)?;
    if empty {
        fs::remove_dir(dest).map_err(|e| failed(dest, e))?;
    }
    if let Err(e) = fs::rename(&new, dest) {
        if empty {
            let _ = fs::create_dir(dest);
        }
        return Err(failed(dest, e));
    }
    close(stage, dest)
}

/// Removes the stage of a run that wrote `dest`.
fn close(stage: tempfile::TempDir, dest: &Path) -> Result<(), OutputError> {
    let path = stage.path().to_path_buf();
    stage.close().map_err(|error| OutputError::Write {
        dir: dest.to_path_buf(),
        path,
        error,
        note: "the output was written, but this stage could not be removed: remove it yourself".into(),
    })
}

/// Writes the files `paths` of the design, then the manifest, below `root`.
fn stage_files(
    dest: &Path,
    root: &Path,
    paths: &[&str],
    contents: &HashMap<&str, &str>,
    manifest: &Manifest,
) -> Result<(), (PathBuf, io::Error)> {
    fs::create_dir_all(root).map_err(|e| (root.to_path_buf(), e))?;
    for p in paths {
        if stage::interrupted().is_some() {
            // Reported by `interruption`, which the caller calls next.
            return Ok(());
        }
        let path = root.join(p);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| (dir.to_path_buf(), e))?;
        }
        fs::write(&path, contents[p]).map_err(|e| (dest.join(p), e))?;
    }
    let path = root.join(MANIFEST);
    fs::write(&path, manifest.to_json()).map_err(|e| (dest.join(MANIFEST), e))
}

/// An error if a signal asked this process to stop (see `stage::stop_on_signals`).
fn interruption(dest: &Path) -> Result<(), OutputError> {
    match stage::interrupted() {
        Some(signal) => Err(OutputError::Interrupted {
            dir: dest.to_path_buf(),
            signal,
        }),
        None => Ok(()),
    }
}

/// What a regenerate changes in a previous output, decided before anything
/// is written.
#[derive(Debug, Default)]
struct Plan {
    /// Files of the design that are missing or differ on disk, sorted.
    write: Vec<String>,
    /// Generated files, as vfpga wrote them, that the design no longer has.
    remove: Vec<String>,
    overwritten: Vec<String>,
    kept: Vec<String>,
    /// `manifest.json` changes.
    manifest: bool,
}

/// What a path of the output holds.
enum OnDisk {
    Missing,
    File { sha256: String },
    Dir,
    /// A symbolic link, a FIFO, ...
    Other,
}

fn on_disk(path: &Path) -> Result<OnDisk, OutputError> {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(OnDisk::Missing),
        Err(e) => return Err(OutputError::io(path, e)),
    };
    Ok(if meta.is_file() {
        let bytes = fs::read(path).map_err(|e| OutputError::io(path, e))?;
        OnDisk::File {
            sha256: sha256_hex(&bytes),
        }
    } else if meta.is_dir() {
        OnDisk::Dir
    } else {
        OnDisk::Other
    })
}

impl Plan {
    /// Compares `prev` (the manifest on disk), the manifests of killed runs'
    /// stages and what is on disk with `new`; refuses with the conflicts.
    fn new(
        dest: &Path,
        prev: &Manifest,
        stale: &[Manifest],
        new: &Manifest,
        force: bool,
    ) -> Result<Plan, OutputError> {
        // The contents vfpga wrote at each path.
        let mut ours: HashMap<&str, HashSet<&str>> = HashMap::new();
        for m in std::iter::once(prev).chain(stale) {
            for f in &m.files {
                ours.entry(&f.path).or_default().insert(&f.sha256);
            }
        }
        let is_ours = |path: &str, sha: &str| ours.get(path).is_some_and(|s| s.contains(sha));
        let listed: HashSet<&str> = prev.files.iter().map(|f| f.path.as_str()).collect();
        let mut dirs = Ancestors::default();
        let mut plan = Plan::default();
        let mut conflicts = Vec::new();
        let mut conflict = |path: &str, problem: Problem| {
            if force && problem.forceable() {
                return true;
            }
            conflicts.push(Conflict {
                path: path.to_string(),
                problem,
            });
            false
        };

        for f in &new.files {
            if let Some(blocked) = dirs.blocked(dest, &f.path)? {
                conflict(&blocked, Problem::NotADirectory);
                continue;
            }
            match on_disk(&dest.join(&f.path))? {
                OnDisk::Missing => plan.write.push(f.path.clone()),
                OnDisk::File { sha256 } if sha256 == f.sha256 => {}
                OnDisk::File { sha256 } if is_ours(&f.path, &sha256) => plan.write.push(f.path.clone()),
                OnDisk::Dir => {
                    conflict(&f.path, Problem::Directory);
                }
                OnDisk::File { .. } | OnDisk::Other => {
                    let problem = if listed.contains(f.path.as_str()) {
                        Problem::Edited
                    } else {
                        Problem::NotOurs
                    };
                    if conflict(&f.path, problem) {
                        plan.write.push(f.path.clone());
                        plan.overwritten.push(f.path.clone());
                    }
                }
            }
        }
        let now: HashSet<&str> = new.files.iter().map(|f| f.path.as_str()).collect();
        for f in prev.files.iter().filter(|f| !now.contains(f.path.as_str())) {
            // Below a directory the user replaced: not vfpga's to remove.
            if dirs.blocked(dest, &f.path)?.is_some() {
                continue;
            }
            match on_disk(&dest.join(&f.path))? {
                OnDisk::Missing => {}
                OnDisk::File { sha256 } if is_ours(&f.path, &sha256) => plan.remove.push(f.path.clone()),
                _ => {
                    if conflict(&f.path, Problem::EditedObsolete) {
                        plan.kept.push(f.path.clone());
                    }
                }
            }
        }
        if !conflicts.is_empty() {
            conflicts.sort_by(|a, b| a.path.cmp(&b.path));
            conflicts.dedup_by(|a, b| a.path == b.path);
            return Err(OutputError::Conflicts {
                dir: dest.to_path_buf(),
                conflicts,
            });
        }
        let mpath = dest.join(MANIFEST);
        plan.manifest = fs::read(&mpath).map_err(|e| OutputError::io(&mpath, e))? != new.to_json().as_bytes();
        Ok(plan)
    }
}

/// Which directories of the output are real directories (or missing).
#[derive(Default)]
struct Ancestors {
    fine: HashSet<String>,
}

impl Ancestors {
    /// The first directory of `path` (relative to `dest`) that is a file or a
    /// symbolic link: vfpga writes below none of those.
    fn blocked(&mut self, dest: &Path, path: &str) -> Result<Option<String>, OutputError> {
        let mut dir = String::new();
        for component in path.split('/').collect::<Vec<_>>().split_last().map_or(&[][..], |(_, d)| d) {
            if !dir.is_empty() {
                dir.push('/');
            }
            dir.push_str(component);
            if self.fine.contains(&dir) {
                continue;
            }
            match fs::symlink_metadata(dest.join(&dir)) {
                Ok(m) if !m.is_dir() => return Ok(Some(dir)),
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(OutputError::io(&dest.join(&dir), e)),
            }
            self.fine.insert(dir.clone());
        }
        Ok(None)
    }
}

/// Applies a plan to the previous output `dest`: stages the new files, then
/// moves them into place, the replaced and removed files into the stage, and
/// the manifest last. On failure puts everything back.
fn update(
    dest: &Path,
    parent: &Path,
    file_name: &str,
    contents: &HashMap<&str, &str>,
    manifest: &Manifest,
    plan: &Plan,
) -> Result<(), OutputError> {
    if plan.write.is_empty() && plan.remove.is_empty() && !plan.manifest {
        return Ok(());
    }
    let unchanged = |path: &Path, error: io::Error| OutputError::Write {
        dir: dest.to_path_buf(),
        path: path.to_path_buf(),
        error,
        note: "nothing was changed".into(),
    };
    let stage = stage::create(parent, file_name).map_err(|e| unchanged(parent, e))?;
    let new = stage.path().join(STAGE_NEW);
    let paths: Vec<&str> = plan.write.iter().map(String::as_str).collect();
    stage_files(dest, &new, &paths, contents, manifest).map_err(|(p, e)| unchanged(&p, e))?;
    interruption(dest)?;

    let mut moves = Moves {
        dest,
        new: &new,
        old: stage.path().join(STAGE_OLD),
        placed: Vec::new(),
        aside: Vec::new(),
        made: Vec::new(),
    };
    if let Err((path, error)) = moves.apply(plan) {
        let problems = moves.undo();
        if problems.is_empty() {
            return Err(OutputError::Write {
                dir: dest.to_path_buf(),
                path,
                error,
                note: "nothing was changed (the files already replaced were put back)".into(),
            });
        }
        // Keep the stage: it holds the previous files that could not go back.
        let kept = stage.keep();
        return Err(OutputError::Write {
            dir: dest.to_path_buf(),
            path,
            error,
            note: format!(
                "putting the previous files back failed too ({}): they are in {}",
                problems.join("; "),
                kept.join(STAGE_OLD).display()
            ),
        });
    }
    // The directories that removed files leave empty.
    for p in &plan.remove {
        let mut dir = dest.join(p);
        while dir.pop() && dir != dest && fs::remove_dir(&dir).is_ok() {}
    }
    close(stage, dest)
}

/// The moves of a regenerate, recorded so that they can be undone.
struct Moves<'a> {
    dest: &'a Path,
    new: &'a Path,
    old: PathBuf,
    /// New files moved into `dest`.
    placed: Vec<String>,
    /// Previous files moved from `dest` to `old`.
    aside: Vec<String>,
    /// Directories created in `dest`, parents first.
    made: Vec<PathBuf>,
}

impl Moves<'_> {
    fn apply(&mut self, plan: &Plan) -> Result<(), (PathBuf, io::Error)> {
        for p in &plan.remove {
            self.put_aside(p)?;
        }
        for p in &plan.write {
            let target = self.dest.join(p);
            self.make_parents(&target)?;
            if fs::symlink_metadata(&target).is_ok() {
                self.put_aside(p)?;
            }
            fs::rename(self.new.join(p), &target).map_err(|e| (target, e))?;
            self.placed.push(p.clone());
        }
        if plan.manifest {
            let target = self.dest.join(MANIFEST);
            fs::rename(self.new.join(MANIFEST), &target).map_err(|e| (target, e))?;
        }
        Ok(())
    }

    fn put_aside(&mut self, p: &str) -> Result<(), (PathBuf, io::Error)> {
        let to = self.old.join(p);
        if let Some(dir) = to.parent() {
            fs::create_dir_all(dir).map_err(|e| (dir.to_path_buf(), e))?;
        }
        let from = self.dest.join(p);
        fs::rename(&from, &to).map_err(|e| (from, e))?;
        self.aside.push(p.to_string());
        Ok(())
    }

    fn make_parents(&mut self, target: &Path) -> Result<(), (PathBuf, io::Error)> {
        let mut missing = Vec::new();
        let mut dir = target.to_path_buf();
        while dir.pop() && dir != self.dest && fs::symlink_metadata(&dir).is_err() {
            missing.push(dir.clone());
        }
        for dir in missing.into_iter().rev() {
            fs::create_dir(&dir).map_err(|e| (dir.clone(), e))?;
            self.made.push(dir);
        }
        Ok(())
    }

    /// Undoes what `apply` did; returns what could not be undone.
    fn undo(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for p in self.placed.iter().rev() {
            let path = self.dest.join(p);
            if let Err(e) = fs::remove_file(&path) {
                problems.push(format!("{}: {e}", path.display()));
            }
        }
        for p in self.aside.iter().rev() {
            let path = self.dest.join(p);
            if let Err(e) = fs::rename(self.old.join(p), &path) {
                problems.push(format!("{}: {e}", path.display()));
            }
        }
        for dir in self.made.iter().rev() {
            if let Err(e) = fs::remove_dir(dir) {
                problems.push(format!("{}: {e}", dir.display()));
            }
        }
        problems
    }
}

/// The output directory is created with the usual mode (the stage is private).
#[cfg(unix)]
fn set_dir_mode(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn set_dir_mode(_dir: &Path) -> io::Result<()> {
    Ok(())
}

/// SHA-256 (FIPS 180-4) of `data`, lowercase hex.
pub fn sha256_hex(data: &[u8]) -> String {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut msg = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_be_bytes());
    for block in msg.chunks_exact(64) {
        let mut w = [0u32; 64];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *x = x.wrapping_add(y);
        }
    }
    h.iter().map(|x| format!("{x:08x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::design::OutputFile;

    fn fake_design() -> Design {
        let file = |path: &str, contents: &str| OutputFile {
            path: path.into(),
            contents: contents.into(),
        };
        Design {
            top: "vfpga_switch".into(),
            rtl: vec!["rtl/vfpga_leaf.v".into(), "rtl/vfpga_switch.v".into()],
            files: vec![
                file(
                    "rtl/vfpga_switch.v",
                    "module vfpga_switch; vfpga_leaf u(); endmodule\n",
                ),
                file("rtl/vfpga_leaf.v", "module vfpga_leaf; endmodule\n"),
                file("regmap.md", "# Registers\n"),
                file(
                    "rtl/rm/vfpga_rm_crc32.v",
                    "module vfpga_rm_crc32; endmodule\n",
                ),
            ],
        }
    }

    /// Every file below `dir`, relative, sorted, with its bytes.
    fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
        fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
            for e in fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    walk(root, &p, out);
                } else {
                    let rel = p
                        .strip_prefix(root)
                        .unwrap()
                        .to_str()
                        .unwrap()
                        .replace('\\', "/");
                    out.push((rel, fs::read(&p).unwrap()));
                }
            }
        }
        let mut out = Vec::new();
        walk(dir, dir, &mut out);
        out.sort();
        out
    }

    fn leftovers(parent: &Path) -> Vec<String> {
        fs::read_dir(parent)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.starts_with('.'))
            .collect()
    }

    #[test]
    fn sha256_vectors() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            sha256_hex(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        assert_eq!(
            sha256_hex(&vec![b'a'; 1_000_000]),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        );
    }

    #[test]
    fn writes_sorted_manifest_and_files() {
        let root = tempfile::tempdir().unwrap();
        let dest = root.path().join("out/vfpga");
        let cfg = Config::default();
        let m = write_tree(&dest, &fake_design(), &cfg).unwrap();
        let paths: Vec<_> = m.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "regmap.md",
                "rtl/rm/vfpga_rm_crc32.v",
                "rtl/vfpga_leaf.v",
                "rtl/vfpga_switch.v"
            ]
        );
        let on_disk = tree(&dest);
        let listed: Vec<_> = on_disk
            .iter()
            .map(|(p, _)| p.as_str())
            .filter(|p| *p != MANIFEST)
            .collect();
        assert_eq!(listed, paths);
        for (f, (_, bytes)) in m
            .files
            .iter()
            .zip(on_disk.iter().filter(|(p, _)| p != MANIFEST))
        {
            assert_eq!(f.bytes, bytes.len() as u64);
            assert_eq!(f.sha256, sha256_hex(bytes));
        }
        assert_eq!(Manifest::read(&dest).unwrap(), m);
        let json = fs::read_to_string(dest.join(MANIFEST)).unwrap();
        assert!(json.contains("\"generator\": \"vfpga 0.1.0\""), "{json}");
        assert!(leftovers(&root.path().join("out")).is_empty());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&dest).unwrap().permissions().mode() & 0o777,
                0o755
            );
        }
    }

    #[test]
    fn deterministic_and_replaces_previous_output() {
        let root = tempfile::tempdir().unwrap();
        let (a, b) = (root.path().join("a"), root.path().join("b"));
        write_tree(&a, &fake_design(), &Config::default()).unwrap();
        write_tree(&b, &fake_design(), &Config::default()).unwrap();
        assert_eq!(tree(&a), tree(&b));

        // Rewrite `a` with a different design: stale files go away.
        let mut d = fake_design();
        d.files.retain(|f| f.path != "regmap.md");
        let cfg = Config {
            partitions: 2,
            ..Config::default()
        };
        write_tree(&a, &d, &cfg).unwrap();
        let names: Vec<_> = tree(&a).into_iter().map(|(p, _)| p).collect();
        assert!(!names.contains(&"regmap.md".to_string()), "{names:?}");
        assert_eq!(Manifest::read(&a).unwrap().config.partitions, 2);
        assert!(
            leftovers(root.path()).is_empty(),
            "{:?}",
            leftovers(root.path())
        );
    }

    #[test]
    fn refuses_foreign_directories() {
        let root = tempfile::tempdir().unwrap();
        let dest = root.path().join("mine");
        fs::create_dir(&dest).unwrap();
        fs::write(dest.join("thesis.tex"), "precious").unwrap();
        let e = write_tree(&dest, &fake_design(), &Config::default()).unwrap_err();
        assert!(e.is_usage());
        assert!(e.to_string().contains("refusing to overwrite"), "{e}");
        assert_eq!(
            fs::read_to_string(dest.join("thesis.tex")).unwrap(),
            "precious"
        );

        // A manifest that vfpga did not write does not count.
        fs::write(dest.join(MANIFEST), "{\"generator\": \"other\"}").unwrap();
        assert!(write_tree(&dest, &fake_design(), &Config::default())
            .unwrap_err()
            .is_usage());
        assert_eq!(
            fs::read_to_string(dest.join("thesis.tex")).unwrap(),
            "precious"
        );

        // A plain file.
        let file = root.path().join("file");
        fs::write(&file, "x").unwrap();
        assert!(write_tree(&file, &fake_design(), &Config::default())
            .unwrap_err()
            .is_usage());
        assert_eq!(leftovers(root.path()), Vec::<String>::new());

        // An empty directory is fine.
        let empty = root.path().join("empty");
        fs::create_dir(&empty).unwrap();
        write_tree(&empty, &fake_design(), &Config::default()).unwrap();
        assert!(empty.join(MANIFEST).is_file());
    }

    #[test]
    fn bad_paths_write_nothing() {
        let root = tempfile::tempdir().unwrap();
        for bad in [
            "/abs.v",
            "rtl/../x.v",
            "rtl//x.v",
            "",
            "manifest.json",
            "rtl\\x.v",
            "./x.v",
        ] {
            let mut d = fake_design();
            d.files.push(OutputFile {
                path: bad.into(),
                contents: String::new(),
            });
            let dest = root.path().join("o");
            let e = write_tree(&dest, &d, &Config::default()).unwrap_err();
            assert!(matches!(e, OutputError::BadPath { .. }), "{bad}: {e}");
            assert!(!dest.exists());
        }
        let mut d = fake_design();
        d.files.push(d.files[0].clone());
        assert!(write_tree(&root.path().join("o"), &d, &Config::default()).is_err());
        let mut d = fake_design();
        d.rtl.push("rtl/missing.v".into());
        assert!(write_tree(&root.path().join("o"), &d, &Config::default()).is_err());
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 0);
    }
}
