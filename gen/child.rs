//! External tools (Yosys, nextpnr) run as children that must not outlive
//! vfpga: a `vfpga timing` or `synth` killed by its user (or by CI's time
//! limit) would otherwise leave a place-and-route running for minutes.

use std::process::Command;

/// Makes `cmd`'s process get SIGTERM when the thread that spawns it dies
/// (Linux `PR_SET_PDEATHSIG`; elsewhere nothing changes).
pub fn dies_with_parent(cmd: &mut Command) -> &mut Command {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: prctl is async-signal-safe, so it may run between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    cmd
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// A `sleep 30` spawned from a thread that then ends is gone (or a
    /// zombie waiting for us to reap it) well before its 30 s.
    #[test]
    fn a_child_dies_with_the_thread_that_spawned_it() {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("pid");
        let script = format!("echo $$ > {}; exec sleep 30", pid_file.display());
        let file = pid_file.clone();
        let spawner = std::thread::spawn(move || {
            let child = dies_with_parent(Command::new("sh").args(["-c", &script])).spawn().unwrap();
            // Until the shell runs, then the thread ends without waiting.
            while std::fs::read_to_string(&file).map_or(true, |t| !t.ends_with('\n')) {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            std::mem::forget(child);
        });
        spawner.join().unwrap();
        let pid: i32 = std::fs::read_to_string(&pid_file).unwrap().trim().parse().unwrap();
        for _ in 0..500 {
            // SAFETY: signal 0 only asks whether the process exists.
            if unsafe { libc::kill(pid, 0) } != 0 || zombie(pid) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        panic!("child {pid} still alive 5 s after the thread that spawned it ended");
    }

    fn zombie(pid: i32) -> bool {
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|s| s.rsplit(')').next().unwrap_or("").trim_start().starts_with('Z'))
            .unwrap_or(true)
    }
}
