//! The emitted static shell (`vfpga_shell`, the unmodified `rtl/` of the
//! default design) in an event-driven simulator: Icarus Verilog runs a
//! plain-Verilog testbench (`vfpga::icarus_tb`) that reads every block's
//! first register through the BAR of the PF's and a VF's window and writes
//! and reads back a context word, checking each answer against the register
//! map. A zero-delay loop between blocks (outputs that follow inputs within
//! a time step) hangs Icarus in one time step; `vvp` runs under a wall-clock
//! limit so that a hang fails the test instead of the suite. The chip top
//! (`vfpga_top`) runs there too, over a model of the PCIe hard block that
//! raises function-level resets.

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

/// Writes `text` to `dir/name` and adds its path to `files`.
fn put(dir: &Path, files: &mut Vec<String>, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    files.push(p.display().to_string());
}

/// Compiles `files` with Icarus, top `top`, and runs it under `limit`: its output.
fn compile_and_run(dir: &Path, top: &str, files: &[String], limit: Duration) -> String {
    let vvp = dir.join(format!("{top}.vvp"));
    let compile = Command::new("iverilog").args(["-g2001", "-s", top, "-o"]).arg(&vvp).args(files).output();
    let compile = compile.unwrap_or_else(|e| panic!("cannot run iverilog: {e} (run scripts/test.sh, which installs it)"));
    assert!(compile.status.success(), "iverilog failed:\n{}", String::from_utf8_lossy(&compile.stderr));
    let out = run_with_limit(Command::new("vvp").arg("-n").arg(&vvp), limit).unwrap_or_else(|e| panic!("{e}"));
    eprintln!("{out}");
    out
}

fn write_files(dir: &Path, cfg: &Config, accesses: &[TbAccess]) -> Vec<String> {
    let modules = shell_modules(cfg, false);
    let mut files = Vec::new();
    for m in &modules {
        put(dir, &mut files, &format!("{}.v", m.name), &m.text);
    }
    put(dir, &mut files, "ICAPE3.v", &icape3_stub());
    let tb = shell_testbench(modules.last().unwrap(), TB_TOP, accesses, ACCESS_TIMEOUT).unwrap_or_else(|e| panic!("{e}"));
    put(dir, &mut files, &format!("{TB_TOP}.v"), &tb);
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
    let out = compile_and_run(&dir, TB_TOP, &files, WALL_LIMIT);
    let summary = format!("{TB_TOP}: {} accesses, 0 errors", accesses.len());
    assert!(out.contains(&summary), "the testbench did not pass (expected `{summary}`):\n{out}");
    for a in &accesses {
        assert!(out.contains(&format!("ok {}:", a.what)), "no `ok` for {}:\n{out}", a.what);
    }
}

/// The testbench's top in the chip-top simulation below.
const FLR_TB: &str = "flr_tb";
/// Cycles the hard-block model keeps a function's in-process bit up after
/// its done (PG213 clears it some cycles later): a top that handed the same
/// FLR over twice would answer twice meanwhile.
const FLR_CLEAR_LAG: u32 = 8;
/// Cycles one round of FLRs may take (the shell drains each one for about
/// 4,100 cycles, one at a time).
const FLR_ROUND_LIMIT: u32 = 40_000;

/// A model of the PCIe hard block for the chip top: user_clk, user_reset and
/// the FLR in-process bits come from the testbench (`flr_tb`), every other
/// output is 0 (no link: the shell's streams stay idle). Built from the same
/// port list as `vfpga_top`'s instance.
fn pcie_ip_flr_model(cfg: &Config) -> String {
    let ports = vfpga::chip_top::ip_ports(cfg);
    let mut s = format!("`timescale 1ns / 1ps\nmodule {} (\n", vfpga::chip_top::PCIE_IP);
    let decls: Vec<String> = ports
        .iter()
        .map(|p| format!("    {} wire {} {}", if p.input { "input " } else { "output" }, p.range(), p.name))
        .collect();
    s.push_str(&decls.join(",\n"));
    s.push_str("\n);\n");
    for p in ports.iter().filter(|p| !p.input) {
        let from = match p.name.as_str() {
            "user_clk" => format!("{FLR_TB}.clk"),
            "user_reset" => format!("{FLR_TB}.rst"),
            "cfg_flr_in_process" => format!("{FLR_TB}.pf_in_process"),
            "cfg_vf_flr_in_process" => format!("{FLR_TB}.vf_in_process"),
            _ => format!("{}'d0", p.width),
        };
        s.push_str(&format!("    assign {} = {from};\n", p.name));
    }
    s.push_str("endmodule\n");
    s
}

/// The testbench: two rounds of FLRs raised on the hard-block model; it
/// checks every answer on every cycle (a done only for a function in process,
/// once per FLR, the VF number PG213's; one FLR at a time on the shell's
/// port, naming a function in process; PF1's answered by the top itself
/// within 3 cycles; PF0 handed over first when raised with VFs) and that
/// every FLR is answered within its round.
fn flr_testbench(cfg: &Config) -> String {
    let vfs = cfg.vfs;
    let fw = vfpga_hdl::FUNCTION_ID_BITS;
    let last = vfs - 1;
    format!(
        r#"`timescale 1ns / 1ps
module {FLR_TB};
    reg clk = 1'b0;
    always #2 clk = ~clk;
    reg rst = 1'b1;
    reg [3:0] pf_in_process = 4'd0;
    reg [251:0] vf_in_process = 252'd0;
    // Not connected: the model of the hard block drives user_clk and user_reset.
    vfpga_top dut ();
    wire [3:0] pf_done = dut.pcie_ip.cfg_flr_done;
    wire vf_done = dut.pcie_ip.cfg_vf_flr_done;
    wire [7:0] vf_num = dut.pcie_ip.cfg_vf_flr_func_num;
    wire hand_over = dut.shell_flr_valid && dut.shell_flr_ready;
    wire [{fwm}:0] hand_fn = dut.shell_flr_function;
    integer cycle = 0;
    integer errors = 0;
    integer dones = 0;
    integer i;
    reg [3:0] pf_answered = 4'd0;
    reg [251:0] vf_answered = 252'd0;
    integer pf_clear [0:3];
    integer vf_clear [0:{last}];
    integer pf1_rise = 0;
    integer first_fn = -1;
    reg outstanding = 1'b0;

    always @(posedge clk) begin
        cycle <= cycle + 1;
        if (!rst) begin
            for (i = 0; i < 4; i = i + 1) begin
                if (pf_done[i]) begin
                    dones = dones + 1;
                    $display("cycle %0d: done PF%0d", cycle, i);
                    if (!pf_in_process[i] || pf_answered[i]) begin
                        errors = errors + 1;
                        $display("ERROR cycle %0d: done for PF%0d, which is not in process or was answered", cycle, i);
                    end
                    if (i == 1 && cycle - pf1_rise > 3) begin
                        errors = errors + 1;
                        $display("ERROR cycle %0d: PF1 answered %0d cycles after its FLR (the top answers it within 3)", cycle, cycle - pf1_rise);
                    end
                    pf_answered[i] = 1'b1;
                    pf_clear[i] = cycle + {FLR_CLEAR_LAG};
                end
                if (pf_answered[i] && cycle == pf_clear[i]) begin
                    pf_answered[i] = 1'b0;
                    pf_in_process[i] = 1'b0;
                end
            end
            if (vf_done) begin
                dones = dones + 1;
                $display("cycle %0d: done VF%0d", cycle, vf_num);
                if (vf_num > {last} || !vf_in_process[vf_num] || vf_answered[vf_num]) begin
                    errors = errors + 1;
                    $display("ERROR cycle %0d: done for VF%0d, which is not in process or was answered", cycle, vf_num);
                end else begin
                    vf_answered[vf_num] = 1'b1;
                    vf_clear[vf_num] = cycle + {FLR_CLEAR_LAG};
                end
            end
            for (i = 0; i <= {last}; i = i + 1) begin
                if (vf_answered[i] && cycle == vf_clear[i]) begin
                    vf_answered[i] = 1'b0;
                    vf_in_process[i] = 1'b0;
                end
            end
            if (hand_over) begin
                if (outstanding) begin
                    errors = errors + 1;
                    $display("ERROR cycle %0d: function %0d handed to the shell while another FLR is outstanding", cycle, hand_fn);
                end
                if (hand_fn == 0 ? !pf_in_process[0] : (hand_fn > {vfs} || !vf_in_process[hand_fn - 1])) begin
                    errors = errors + 1;
                    $display("ERROR cycle %0d: function %0d handed to the shell, not in process", cycle, hand_fn);
                end
                if (first_fn < 0) first_fn = hand_fn;
                outstanding = 1'b1;
            end
            if (dut.shell_flr_done_valid) outstanding = 1'b0;
        end
    end

    // Waits until no function is in process; an error after {FLR_ROUND_LIMIT} cycles.
    task round_ends(input [8*16-1:0] name);
        integer start;
        begin
            start = cycle;
            while ((pf_in_process != 4'd0 || vf_in_process != 252'd0) && cycle - start < {FLR_ROUND_LIMIT})
                @(posedge clk);
            if (pf_in_process != 4'd0 || vf_in_process != 252'd0) begin
                errors = errors + 1;
                $display("ERROR round %0s: still in process after {FLR_ROUND_LIMIT} cycles: PFs %b, VFs %b", name, pf_in_process, vf_in_process[{last}:0]);
            end else
                $display("round %0s: every FLR answered in %0d cycles", name, cycle - start);
        end
    endtask

    initial begin
        repeat (20) @(negedge clk);
        rst = 1'b0;
        repeat (100) @(negedge clk);
        // Round 1: PF0, PF1 and two VFs at once.
        first_fn = -1;
        pf1_rise = cycle;
        pf_in_process = 4'b0011;
        vf_in_process[2] = 1'b1;
        vf_in_process[5] = 1'b1;
        round_ends("1");
        if (first_fn != 0) begin
            errors = errors + 1;
            $display("ERROR round 1: function %0d handed over first, not PF0", first_fn);
        end
        // Round 2: a VF again (handed over again once its bit fell) and the last VF.
        repeat (10) @(negedge clk);
        vf_in_process[2] = 1'b1;
        vf_in_process[{last}] = 1'b1;
        round_ends("2");
        $display("{FLR_TB}: %0d FLRs answered, %0d errors", dones, errors);
        $finish;
    end
endmodule
"#,
        fwm = fw - 1,
    )
}

/// The chip top (`vfpga_top`, as `generate` writes it for the default design,
/// the partitions holding the passthrough) over a model of the hard block:
/// each function-level reset is handed to the shell, one at a time, and
/// answered to the hard block once, for the right function, after the shell
/// is done (6 FLRs in two rounds; see `flr_testbench`).
#[test]
fn chip_top_answers_each_flr_once_under_icarus() {
    let cfg = Config::default();
    let mut mods = vfpga::blocks::shell_pcie::shell_pcie_modules(&cfg, false).unwrap_or_else(|e| panic!("{e}"));
    let top = vfpga::chip_top::chip_top(&cfg, mods.last().unwrap());
    mods.push(top);
    let mods = vfpga::blocks::rp::fill_partitions(&cfg, mods, "passthrough");
    let tmp = tempfile::tempdir().unwrap();
    let dir = std::env::var_os("VFPGA_TB_DIR").map(std::path::PathBuf::from).unwrap_or_else(|| tmp.path().to_path_buf());
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    for m in &mods {
        put(&dir, &mut files, &format!("{}.v", m.name), &m.text);
    }
    put(&dir, &mut files, "ICAPE3.v", &icape3_stub());
    for (path, text) in vfpga::chip_top::stub_files(&cfg) {
        if path == vfpga::chip_top::IBUFDS_GTE4_PATH {
            put(&dir, &mut files, "IBUFDS_GTE4.v", &text);
        }
    }
    put(&dir, &mut files, "pcie_ip_flr_model.v", &pcie_ip_flr_model(&cfg));
    put(&dir, &mut files, &format!("{FLR_TB}.v"), &flr_testbench(&cfg));
    let out = compile_and_run(&dir, FLR_TB, &files, WALL_LIMIT * 5);
    let summary = format!("{FLR_TB}: 6 FLRs answered, 0 errors");
    assert!(out.contains(&summary), "the testbench did not pass (expected `{summary}`):\n{out}");
}
