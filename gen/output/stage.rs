//! Staging directories: where `write_tree` builds a tree before it moves it into
//! place, and how a later run tells one whose process is gone.
//!
//! A stage is `.<out>.vfpga-stage-<pid>-<start>-<random>` beside the output
//! directory: the pid and start time (clock ticks since boot, from
//! `/proc/<pid>/stat`; 0 where there is none) of the run that made it are in
//! its name, so no marker file can be missing. A stage whose process no longer
//! exists (or is a zombie, or is another process that reuses the pid) is stale:
//! the run was killed (SIGKILL, power cut) and nothing else will remove it.
//!
//! A run that was only interrupted removes its own stage: `stop_on_signals`
//! turns SIGINT, SIGTERM and SIGHUP into a flag that the writer checks between
//! files; a second signal kills the process as usual.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI32, Ordering};

/// Held while a run inspects and writes an output directory: an exclusive
/// `flock` on the directory that holds it (no lock file to leave behind), so
/// that two runs writing the same `--out` take turns instead of mixing their
/// trees. Released when dropped (or when the process dies).
pub struct ParentLock {
    _dir: fs::File,
}

/// Locks `parent` for this run; waits, saying so once on stderr, while
/// another vfpga run holds it. An interruption while waiting is an error.
#[cfg(unix)]
pub fn lock(parent: &Path) -> io::Result<ParentLock> {
    use std::os::unix::io::AsRawFd;
    let dir = fs::File::open(parent)?;
    let mut said = false;
    loop {
        // SAFETY: flock on a descriptor this function owns.
        if unsafe { libc::flock(dir.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
            return Ok(ParentLock { _dir: dir });
        }
        let error = io::Error::last_os_error();
        if error.raw_os_error() != Some(libc::EWOULDBLOCK) {
            return Err(error);
        }
        if let Some(sig) = interrupted() {
            return Err(io::Error::new(io::ErrorKind::Interrupted, format!("interrupted by signal {sig} while waiting")));
        }
        if !said {
            eprintln!("waiting: another vfpga run is writing in {}", parent.display());
            said = true;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[cfg(not(unix))]
pub fn lock(parent: &Path) -> io::Result<ParentLock> {
    Ok(ParentLock { _dir: fs::File::open(parent)? })
}

/// Makes the stage of a run writing `<parent>/<out_name>`.
pub fn create(parent: &Path, out_name: &str) -> io::Result<tempfile::TempDir> {
    let pid = std::process::id();
    let start = start_time(pid).unwrap_or(0);
    tempfile::Builder::new()
        .prefix(&format!("{}{pid}-{start}-", prefix(out_name)))
        .tempdir_in(parent)
}

fn prefix(out_name: &str) -> String {
    format!(".{out_name}.vfpga-stage-")
}

/// The stages beside `<parent>/<out_name>` whose process is gone.
pub fn stale(parent: &Path, out_name: &str) -> io::Result<Vec<PathBuf>> {
    let prefix = prefix(out_name);
    let mut found = Vec::new();
    for entry in fs::read_dir(parent)? {
        let entry = entry?;
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        let mut fields = rest.split('-');
        let (Some(pid), Some(start)) = (fields.next(), fields.next()) else {
            continue;
        };
        let (Ok(pid), Ok(start)) = (pid.parse::<u32>(), start.parse::<u64>()) else {
            continue;
        };
        if entry.file_type()?.is_dir() && gone(pid, start) {
            found.push(entry.path());
        }
    }
    found.sort();
    Ok(found)
}

/// True when process `pid`, started at `start`, no longer runs.
#[cfg(unix)]
fn gone(pid: u32, start: u64) -> bool {
    // pid 0 would name our process group, not a process.
    let Ok(id) = libc::pid_t::try_from(pid) else {
        return false;
    };
    if id <= 0 {
        return false;
    }
    // SAFETY: signal 0 only checks that the process exists.
    if unsafe { libc::kill(id, 0) } != 0 {
        return io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH);
    }
    match proc_stat(pid) {
        Some((state, started)) => state == 'Z' || (start != 0 && started != start),
        None => false,
    }
}

#[cfg(not(unix))]
fn gone(_pid: u32, _start: u64) -> bool {
    false
}

fn start_time(pid: u32) -> Option<u64> {
    proc_stat(pid).map(|(_, start)| start)
}

/// State (field 3) and start time (field 22) of `/proc/<pid>/stat` (Linux).
fn proc_stat(pid: u32) -> Option<(char, u64)> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Field 2, the command name, is in parentheses and may hold anything.
    let after = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    let state = fields.first()?.chars().next()?;
    let start = fields.get(19)?.parse().ok()?;
    Some((state, start))
}

/// The signal that interrupted this process, 0 if none.
static INTERRUPTED: AtomicI32 = AtomicI32::new(0);

/// From now on SIGINT, SIGTERM and SIGHUP only set a flag (see [`interrupted`])
/// that the writer checks; a second one terminates the process.
#[cfg(unix)]
pub fn stop_on_signals() {
    extern "C" fn on_signal(sig: libc::c_int) {
        if INTERRUPTED.swap(sig, Ordering::SeqCst) != 0 {
            // SAFETY: signal and raise are async-signal-safe.
            unsafe {
                libc::signal(sig, libc::SIG_DFL);
                libc::raise(sig);
            }
        }
    }
    for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        // SAFETY: the handler only touches an atomic and async-signal-safe calls.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
            action.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(sig, &action, std::ptr::null_mut());
        }
    }
}

#[cfg(not(unix))]
pub fn stop_on_signals() {}

/// The signal received since [`stop_on_signals`], if any.
pub fn interrupted() -> Option<i32> {
    match INTERRUPTED.load(Ordering::SeqCst) {
        0 => None,
        sig => Some(sig),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_stage_is_live_and_a_dead_pid_is_stale() {
        let parent = tempfile::tempdir().unwrap();
        let mine = create(parent.path(), "o").unwrap();
        assert!(stale(parent.path(), "o").unwrap().is_empty());

        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let old = parent.path().join(format!(".o.vfpga-stage-{dead}-0-abc123"));
        fs::create_dir(&old).unwrap();
        // Another output's stage and names that are not stages are not ours.
        fs::create_dir(parent.path().join(format!(".p.vfpga-stage-{dead}-0-abc123"))).unwrap();
        fs::create_dir(parent.path().join(".o.vfpga-stage-x-0-abc123")).unwrap();
        fs::create_dir(parent.path().join(".o.vfpga-stage-0-0-abc123")).unwrap();
        assert_eq!(stale(parent.path(), "o").unwrap(), vec![old]);
        drop(mine);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn reused_pid_is_stale() {
        let me = std::process::id();
        let start = start_time(me).unwrap();
        assert!(!gone(me, start));
        assert!(!gone(me, 0));
        assert!(gone(me, start + 1));
    }
}
