//! `vfpga generate` over a previous output: files the user added survive, files
//! the user changed stop the run (unless `--force`), and no run leaves a stage
//! behind, whether it was refused, failed, interrupted or killed.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use vfpga::output::{sha256_hex, Manifest, MANIFEST};

mod common;
use common::cli::{vfpga, stderr};

/// `generate <args> --out <dir>` in `dir`'s parent.
fn generate(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["generate"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--out", dir.to_str().unwrap()]);
    vfpga(&all, dir.parent().unwrap())
}

fn ok(o: Output) -> Output {
    assert!(
        o.status.success(),
        "vfpga failed ({}):\n{}",
        o.status,
        stderr(&o)
    );
    o
}

/// Everything below `dir`: each directory, file (SHA-256 of its bytes) and
/// symbolic link with its permission bits, sorted. Equal snapshots mean a
/// byte-identical tree.
fn snapshot(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        use std::os::unix::fs::PermissionsExt;
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(root).unwrap().to_str().unwrap().to_string();
            let meta = fs::symlink_metadata(&p).unwrap();
            let mode = meta.permissions().mode() & 0o7777;
            if meta.is_dir() {
                out.push(format!("dir  {mode:o} {rel}"));
                walk(root, &p, out);
            } else if meta.is_file() {
                let sha = sha256_hex(&fs::read(&p).unwrap());
                out.push(format!("file {mode:o} {rel} {sha}"));
            } else {
                out.push(format!("link {rel} -> {:?}", fs::read_link(&p).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Hidden entries beside the output (stages, old trees): must be none.
fn leftovers(parent: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with('.'))
        .collect();
    names.sort();
    names
}

/// The files a user adds to an output, as docs/add-accelerator.md says, and
/// elsewhere: at the root, in a directory vfpga does not write (`build/`),
/// in one it writes (`scripts/`, `rtl/rm/`), and an empty directory.
const USER_FILES: &[(&str, &str)] = &[
    ("notes.txt", "my notes\n"),
    ("myacc.tcl", "lappend rms myacc\n"),
    ("build/vfpga_shell.dcp", "checkpoint\n"),
    ("build/reports/timing.rpt", "WNS 0.12\n"),
    ("rtl/rm/myacc/vfpga_rm_myacc.v", "module vfpga_rm_myacc; endmodule\n"),
    ("rtl/rm/myacc/vfpga_rp_p3.v", "module vfpga_rp_p3; endmodule\n"),
    ("scripts/myacc.tcl", "set rm_files(myacc) [list]\n"),
    // Beside a wrapper that `--partitions 2` no longer generates.
    ("rtl/rm/passthrough/my_p3_notes.txt", "keep me\n"),
];

fn add_user_files(out: &Path) {
    for (path, text) in USER_FILES {
        let p = out.join(path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, text).unwrap();
    }
    fs::create_dir_all(out.join("build/empty")).unwrap();
}

fn assert_user_files(out: &Path) {
    for (path, text) in USER_FILES {
        let got = fs::read_to_string(out.join(path))
            .unwrap_or_else(|e| panic!("user file {path} is gone: {e}"));
        assert_eq!(got, *text, "user file {path} was changed");
    }
    assert!(out.join("build/empty").is_dir(), "user's empty directory is gone");
}

/// The files of the tree are exactly the manifest's, as it records them, plus
/// the user's.
fn assert_generated(out: &Path) -> Manifest {
    let m = Manifest::read(out).unwrap();
    for f in &m.files {
        let bytes = fs::read(out.join(&f.path)).unwrap_or_else(|e| panic!("{}: {e}", f.path));
        assert_eq!(sha256_hex(&bytes), f.sha256, "{} is not what the manifest says", f.path);
    }
    let listed: std::collections::HashSet<String> = m.files.iter().map(|f| f.path.clone()).collect();
    for line in snapshot(out).iter().filter(|l| l.starts_with("file")) {
        let path = line.split(' ').nth(2).unwrap();
        let user = USER_FILES.iter().any(|(p, _)| *p == path);
        assert!(
            path == MANIFEST || listed.contains(path) || user,
            "{path} is neither generated nor the user's"
        );
    }
    m
}

#[test]
fn user_files_survive_a_regenerate() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    ok(generate(&out, &["--partitions", "4", "--vfs", "8"]));
    add_user_files(&out);

    // The same configuration: nothing to change, nothing lost.
    ok(generate(&out, &["--partitions", "4", "--vfs", "8"]));
    assert_user_files(&out);
    assert_generated(&out);
    assert_eq!(leftovers(tmp.path()), Vec::<String>::new());

    // Other flags change files: replaced, the user's kept.
    let before = Manifest::read(&out).unwrap();
    ok(generate(&out, &["--partitions", "4", "--vfs", "16", "--data-width", "128"]));
    assert_user_files(&out);
    let after = assert_generated(&out);
    let changed = after
        .files
        .iter()
        .filter(|f| before.files.iter().any(|b| b.path == f.path && b.sha256 != f.sha256))
        .count();
    assert!(changed > 0, "the new flags changed no generated file");
    assert_eq!(after.config.vfs, 16);

    // Fewer partitions: the wrappers of p2 and p3 go away (and the folders
    // they leave empty), the user's files beside them stay.
    let gone = ["rtl/rm/passthrough/vfpga_rp_p3.v", "rtl/rm/crc32/vfpga_rp_p2.v"];
    for g in gone {
        assert!(after.files.iter().any(|f| f.path == g), "{g} was not generated");
    }
    ok(generate(&out, &["--partitions", "2", "--vfs", "16"]));
    assert_user_files(&out);
    let fewer = assert_generated(&out);
    for g in gone {
        assert!(!out.join(g).exists(), "{g} is no longer generated but still there");
        assert!(!fewer.files.iter().any(|f| f.path == g));
    }
    assert_eq!(fewer.config.partitions, 2);
    assert_eq!(leftovers(tmp.path()), Vec::<String>::new());
}

#[test]
fn removed_files_leave_no_empty_folders_but_keep_the_users() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    ok(generate(&out, &["--partitions", "2"]));
    // A generated folder that a smaller design no longer has, found from the
    // manifests rather than assumed.
    let big = Manifest::read(&out).unwrap();
    let small_dir = tmp.path().join("small");
    ok(generate(&small_dir, &["--partitions", "1"]));
    let small = Manifest::read(&small_dir).unwrap();
    let dirs = |m: &Manifest| -> std::collections::BTreeSet<String> {
        m.files
            .iter()
            .filter_map(|f| f.path.rsplit_once('/').map(|(d, _)| d.to_string()))
            .collect()
    };
    let vanishing: Vec<String> = dirs(&big).difference(&dirs(&small)).cloned().collect();
    if vanishing.is_empty() {
        eprintln!("skipped: no generated folder goes away from 2 to 1 partitions");
        return;
    }
    // The user keeps a file in the first such folder, not in the others.
    let mine = out.join(&vanishing[0]).join("mine.txt");
    fs::write(&mine, "mine\n").unwrap();
    ok(generate(&out, &["--partitions", "1"]));
    assert_eq!(fs::read_to_string(&mine).unwrap(), "mine\n");
    for d in &vanishing[1..] {
        if !vanishing[0].starts_with(&format!("{d}/")) {
            assert!(!out.join(d).exists(), "{d} became empty but was not removed");
        }
    }
}

#[test]
fn an_edited_generated_file_refuses_the_regenerate() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    ok(generate(&out, &["--partitions", "4"]));
    add_user_files(&out);
    let edited = "rtl/vfpga_shell.v";
    let mut text = fs::read_to_string(out.join(edited)).unwrap();
    text.push_str("// my fix\n");
    fs::write(out.join(edited), &text).unwrap();
    // An edited file that the next design removes refuses too.
    let obsolete = "rtl/rm/passthrough/vfpga_rp_p3.v";
    fs::write(out.join(obsolete), "// mine now\n").unwrap();
    let before = snapshot(&out);

    for args in [&["--partitions", "4"][..], &["--partitions", "2", "--vfs", "16"][..]] {
        let o = generate(&out, args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}\n{err}", o.status);
        for word in [edited, "changed since vfpga wrote it", "--force"] {
            assert!(err.contains(word), "{args:?}: the error does not say {word:?}:\n{err}");
        }
        assert!(err.contains(obsolete), "{args:?}:\n{err}");
        // Still generated with 4 partitions; no longer with 2.
        assert_eq!(err.contains("the new design no longer has it"), args[1] == "2", "{args:?}:\n{err}");
        assert_eq!(snapshot(&out), before, "{args:?}: a refused regenerate changed the tree");
        assert_eq!(leftovers(tmp.path()), Vec::<String>::new());
    }
}

#[test]
fn a_file_vfpga_did_not_write_in_its_way_refuses_the_regenerate() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    ok(generate(&out, &["--partitions", "2"]));
    // The user's own wrapper for p3, where `--partitions 4` writes one.
    let theirs = "rtl/rm/passthrough/vfpga_rp_p3.v";
    fs::write(out.join(theirs), "// the user's p3\n").unwrap();
    let before = snapshot(&out);
    let o = generate(&out, &["--partitions", "4"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{}\n{err}", o.status);
    assert!(err.contains(theirs) && err.contains("vfpga did not write it"), "{err}");
    assert_eq!(snapshot(&out), before);

    // A directory where the design writes a file: refused even with --force.
    fs::remove_file(out.join(theirs)).unwrap();
    fs::create_dir(out.join(theirs)).unwrap();
    fs::write(out.join(theirs).join("inside.txt"), "x\n").unwrap();
    let before = snapshot(&out);
    let o = generate(&out, &["--partitions", "4", "--force"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{}\n{err}", o.status);
    assert!(err.contains(theirs) && err.contains("is a directory"), "{err}");
    assert_eq!(snapshot(&out), before);
    assert_eq!(leftovers(tmp.path()), Vec::<String>::new());
}

#[test]
fn force_overwrites_edits_and_keeps_user_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    ok(generate(&out, &["--partitions", "4"]));
    add_user_files(&out);
    let edited = "rtl/vfpga_shell.v";
    let generated = fs::read(out.join(edited)).unwrap();
    fs::write(out.join(edited), "// my rewrite\n").unwrap();
    let obsolete = "rtl/rm/passthrough/vfpga_rp_p3.v";
    fs::write(out.join(obsolete), "// mine now\n").unwrap();

    let o = ok(generate(&out, &["--partitions", "3", "--force"]));
    let err = stderr(&o);
    assert!(err.contains(&format!("overwrote {edited}")), "{err}");
    assert!(err.contains(&format!("kept {obsolete}")), "{err}");
    assert_user_files(&out);
    // Overwritten with what `--partitions 3` generates (the shell depends on it).
    let m = Manifest::read(&out).unwrap();
    let shell = m.files.iter().find(|f| f.path == edited).unwrap();
    assert_eq!(sha256_hex(&fs::read(out.join(edited)).unwrap()), shell.sha256);
    assert_ne!(shell.sha256, sha256_hex(&generated));
    // The edited file the design dropped is kept, and no longer listed.
    assert_eq!(fs::read_to_string(out.join(obsolete)).unwrap(), "// mine now\n");
    assert!(!m.files.iter().any(|f| f.path == obsolete));
    assert_eq!(leftovers(tmp.path()), Vec::<String>::new());
}

#[test]
fn a_killed_runs_stage_is_removed_by_the_next_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    // A process that has exited: its pid names a stage nobody will finish.
    let mut child = Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let stale = tmp.path().join(format!(".o.vfpga-stage-{dead}-0-Ab12Cd"));
    fs::create_dir_all(stale.join("new/rtl")).unwrap();
    fs::write(stale.join("new/rtl/half.v"), "module half").unwrap();
    // This test's own process is alive: a stage in its name is not stale.
    let live = tmp.path().join(format!(".o.vfpga-stage-{}-0-Ef34Gh", std::process::id()));
    fs::create_dir(&live).unwrap();

    ok(generate(&out, &["--partitions", "1", "--vfs", "1"]));
    assert!(!stale.exists(), "the stage of a dead process was not removed");
    assert!(live.is_dir(), "the stage of a live process was removed");
    fs::remove_dir(&live).unwrap();
    assert_eq!(leftovers(tmp.path()), Vec::<String>::new());
}

/// Runs `f` on `dir` made unwritable: immutable (`chattr +i`) as root, whom
/// mode bits do not stop, read-only otherwise. False if that is not possible.
fn with_unwritable(dir: &Path, f: impl FnOnce()) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let root = unsafe { libc::geteuid() } == 0;
    let set = |on: bool| {
        if root {
            Command::new("chattr")
                .arg(if on { "+i" } else { "-i" })
                .arg(dir)
                .status()
                .is_ok_and(|s| s.success())
        } else {
            fs::set_permissions(dir, fs::Permissions::from_mode(if on { 0o555 } else { 0o755 })).is_ok()
        }
    };
    if !set(true) {
        return false;
    }
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    assert!(set(false), "could not make {} writable again", dir.display());
    if let Err(p) = r {
        std::panic::resume_unwind(p);
    }
    true
}

#[test]
fn an_unwritable_subfolder_fails_cleanly() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    ok(generate(&out, &["--partitions", "2", "--vfs", "8"]));
    add_user_files(&out);
    let rtl = out.join("rtl");
    let done = with_unwritable(&rtl, || {
        let before = snapshot(&out);
        // More VFs change files in rtl/ (and before it, regmap.*: put back).
        let o = generate(&out, &["--partitions", "2", "--vfs", "64"]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{}\n{err}", o.status);
        assert!(err.contains("could not write") && err.contains("nothing was changed"), "{err}");
        assert!(err.contains("rtl"), "the error does not name the folder:\n{err}");
        assert_eq!(snapshot(&out), before, "a failed regenerate changed the tree");
        assert_eq!(leftovers(tmp.path()), Vec::<String>::new());
    });
    if !done {
        eprintln!("skipped: cannot make {} unwritable here (chattr +i as root)", rtl.display());
        return;
    }
    // Writable again: the same run succeeds and keeps the user's files.
    ok(generate(&out, &["--partitions", "2", "--vfs", "64"]));
    assert_user_files(&out);
    assert_eq!(Manifest::read(&out).unwrap().config.vfs, 64);
}

/// Spawns a large generate, sends SIGINT once its stage appears, and returns
/// its output and whether the signal came before the run finished.
fn interrupt_generate(tmp: &Path, out: &Path, args: &[&str]) -> (Output, bool) {
    let mut all = vec!["generate"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--out", out.to_str().unwrap()]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_vfpga"))
        .args(&all)
        .current_dir(tmp)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let prefix = format!(".{}.", out.file_name().unwrap().to_str().unwrap());
    let mut sent = false;
    while child.try_wait().unwrap().is_none() {
        let staging = fs::read_dir(tmp)
            .unwrap()
            .any(|e| e.unwrap().file_name().to_str().unwrap().starts_with(&prefix));
        if staging {
            // SAFETY: kill sends a signal to the child we spawned.
            sent = unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) } == 0;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    (child.wait_with_output().unwrap(), sent)
}

#[test]
fn an_interrupted_generate_leaves_no_stage() {
    let tmp = tempfile::tempdir().unwrap();
    let big = ["--partitions", "64", "--vfs", "1024"];
    let out = tmp.path().join("o");
    // The signal may land after the last file is staged (the run then
    // completes): try again, a few times, to catch the write phase.
    let mut caught = 0;
    for attempt in 0..3 {
        let (o, sent) = interrupt_generate(tmp.path(), &out, &big);
        let err = stderr(&o);
        assert!(sent, "never saw the stage of the run: {}\n{err}", o.status);
        assert_eq!(leftovers(tmp.path()), Vec::<String>::new(), "attempt {attempt}: {err}");
        if o.status.success() {
            eprintln!("attempt {attempt}: the signal came after the write phase");
            Manifest::read(&out).unwrap();
            fs::remove_dir_all(&out).unwrap();
            continue;
        }
        assert_eq!(o.status.code(), Some(1), "{}\n{err}", o.status);
        assert!(err.contains("interrupted by signal 2"), "{err}");
        assert!(!out.exists(), "an interrupted first run wrote {}", out.display());
        caught += 1;
        break;
    }
    assert_eq!(caught, 1, "no attempt was interrupted during its write phase");
}

/// Two runs writing the same `--out` at once take turns: both succeed, the
/// tree is exactly one of them (the later one's, as its manifest says) and
/// nothing is left beside it. Without the lock both saw no output and the
/// second one's move into place failed, or one's files replaced the other's.
#[test]
fn two_generates_to_one_output_take_turns() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    for round in 0..3 {
        let spawn = |vfs: &str| {
            Command::new(env!("CARGO_BIN_EXE_vfpga"))
                .args(["generate", "--partitions", "8", "--vfs", vfs, "--out", out.to_str().unwrap()])
                .current_dir(tmp.path())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn("16"), spawn("32"));
        for o in [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()] {
            ok(o);
        }
        let m = assert_generated(&out);
        assert!([16, 32].contains(&m.config.vfs), "round {round}: manifest of {} VFs", m.config.vfs);
        assert_eq!(leftovers(tmp.path()), Vec::<String>::new(), "round {round}");
    }
}
