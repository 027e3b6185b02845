//! The emitted static shell (`vfpga_shell`, the unmodified `rtl/` of the
//! default design) in an event-driven simulator: Icarus Verilog runs a
//! plain-Verilog testbench (`vfpga::icarus_tb`) that reads every block's
//! first register through the BAR of the PF's and a VF's window and writes
//! and reads back a context word, checking each answer against the register
//! map. A zero-delay loop between blocks (outputs that follow inputs within
//! a time step) hangs Icarus in one time step; `vvp` runs under a wall-clock
//! limit so that a hang fails the test instead of the suite.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use vfpga::blocks::shell::shell_modules;
use vfpga::config::Config;
use vfpga::icarus_tb::{shell_testbench, TbAccess, TB_TOP};
use vfpga::regmap::regmap;
use vfpga::lint::icape3_stub;
use vfpga_hdl::prc::regs as prc;

/// Wall-clock limit of the simulation (it needs a few seconds).
const WALL_LIMIT: Duration = Duration::from_secs(120);
/// Cycles one access may take (bar answers SLVERR itself after 1023).
const ACCESS_TIMEOUT: u32 = 2000;

/// The documented reset value of the register at window offset `offset`.
fn documented_reset(cfg: &Config, offset: u32) -> (String, u32) {
    let map = regmap(cfg);
    let block = map.block_at(offset).unwrap_or_else(|| panic!("no block at 0x{offset:03x}"));
    for r in &block.registers {
        for i in 0..r.count {
            if r.offset + i * r.stride == offset {
                return (format!("{}.{}[{i}]", block.name, r.name), r.reset_word(i));
            }
        }
    }
    panic!("no register at 0x{offset:03x} in {}", block.name);
}

fn run_with_limit(cmd: &mut Command, limit: Duration) -> Result<String, String> {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e} (run scripts/test.sh, which installs Icarus)"));
    let start = Instant::now();
    let mut out = String::new();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
            child.stderr.take().unwrap().read_to_string(&mut out).unwrap();
            return if status.success() { Ok(out) } else { Err(format!("{cmd:?} failed ({status}):\n{out}")) };
        }
        if start.elapsed() > limit {
            child.kill().unwrap();
            child.wait().unwrap();
            return Err(format!(
                "{cmd:?} still running after {limit:?}: the simulation is stuck (a zero-delay loop between blocks?)"
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn write_files(dir: &Path, cfg: &Config, accesses: &[TbAccess]) -> Vec<String> {
    let modules = shell_modules(cfg, false);
    let mut files = Vec::new();
    for m in &modules {
        let p = dir.join(format!("{}.v", m.name));
        std::fs::write(&p, &m.text).unwrap();
        files.push(p.display().to_string());
    }
    let stub = dir.join("ICAPE3.v");
    std::fs::write(&stub, icape3_stub()).unwrap();
    files.push(stub.display().to_string());
    let tb = shell_testbench(modules.last().unwrap(), TB_TOP, accesses, ACCESS_TIMEOUT).unwrap_or_else(|e| panic!("{e}"));
    let p = dir.join(format!("{TB_TOP}.v"));
    std::fs::write(&p, tb).unwrap();
    files.push(p.display().to_string());
    files
}

/// Reads of each block's first register in the PF's window and the DMA's and
/// the context memory's in VF 1's; the context words are written first.
#[test]
fn default_shell_answers_every_block_under_icarus() {
    let cfg = Config::default();
    let mut accesses = Vec::new();
    for (function, offset) in [(1u64, 0x800u32), (0, 0x800)] {
        let data = 0xc0de_0000 | (function as u32) << 8 | 0x5a;
        accesses.push(TbAccess {
            what: format!("write function {function} ctx.context[0] (0x{offset:03x})"),
            write: true,
            addr: function << 12 | offset as u64,
            wdata: data,
            resp: 0,
            rdata: None,
        });
    }
    for (function, offset) in [(0u64, 0x000u32), (0, 0x100), (1, 0x100), (0, 0x300), (0, 0x400), (0, 0x700), (0, 0x800), (1, 0x800)] {
        let (name, reset) = documented_reset(&cfg, offset);
        let expect = match offset {
            // Context words hold what was written above (they have no reset).
            0x800 => 0xc0de_0000 | (function as u32) << 8 | 0x5a,
            // The prc's info fields are build constants that regmap.json
            // lists with reset 0: the values its field docs name.
            prc::BASE => cfg.partitions as u32 | (prc::SLOTS as u32) << 8 | prc::VERSION << 16,
            _ => reset,
        };
        accesses.push(TbAccess {
            what: format!("read function {function} {name} (0x{:04x})", function << 12 | offset as u64),
            write: false,
            addr: function << 12 | offset as u64,
            wdata: 0,
            resp: 0,
            rdata: Some(expect),
        });
    }
    // `VFPGA_TB_DIR=<dir>` keeps the Verilog and the compiled testbench there.
    let tmp = tempfile::tempdir().unwrap();
    let dir = std::env::var_os("VFPGA_TB_DIR").map(std::path::PathBuf::from).unwrap_or_else(|| tmp.path().to_path_buf());
    std::fs::create_dir_all(&dir).unwrap();
    let files = write_files(&dir, &cfg, &accesses);
    let vvp = dir.join("shell_tb.vvp");
    let compile = Command::new("iverilog").args(["-g2001", "-s", TB_TOP, "-o"]).arg(&vvp).args(&files).output();
    let compile = compile.unwrap_or_else(|e| panic!("cannot run iverilog: {e} (run scripts/test.sh, which installs it)"));
    assert!(compile.status.success(), "iverilog failed:\n{}", String::from_utf8_lossy(&compile.stderr));
    let out = run_with_limit(Command::new("vvp").arg("-n").arg(&vvp), WALL_LIMIT).unwrap_or_else(|e| panic!("{e}"));
    eprintln!("{out}");
    let summary = format!("{TB_TOP}: {} accesses, 0 errors", accesses.len());
    assert!(out.contains(&summary), "the testbench did not pass (expected `{summary}`):\n{out}");
    for a in &accesses {
        assert!(out.contains(&format!("ok {}:", a.what)), "no `ok` for {}:\n{out}", a.what);
    }
}
