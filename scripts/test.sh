#!/usr/bin/env bash
# THE test command (README, .ci/run): installs the pinned Terraform CLIs, gpg and PyYAML, then runs
# rustfmt, clippy with warnings denied, and every test target of every workspace member (the
# provider and the sandbox crate). Any failure stops the run with a non-zero exit status.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Colour codes make CI logs unreadable; keep them for people at a terminal.
color=auto
if [[ -n "${CI:-}" || ! -t 1 ]]; then
    color=never
    export CARGO_TERM_COLOR=never
fi

step=""
trap 'echo "scripts/test.sh: FAILED during: $step" >&2' ERR

banner() { step="$*"; echo "==> $step"; }

banner "installing Terraform CLIs (scripts/install-terraform.sh)"
./scripts/install-terraform.sh

banner "installing gpg and PyYAML (scripts/install-tools.sh)"
./scripts/install-tools.sh

# The end-to-end tests run these; a value already set by the caller wins (e.g. your own build).
export CENTRALROOT_TF_1_15="${CENTRALROOT_TF_1_15:-$ROOT/.tools/bin/terraform-1.15}"
export CENTRALROOT_TF_1_0="${CENTRALROOT_TF_1_0:-$ROOT/.tools/bin/terraform-1.0}"
# tests/e2e/release/ reads the GitHub Actions workflows with this interpreter's PyYAML.
export CENTRALROOT_TOOLS_PYTHON="${CENTRALROOT_TOOLS_PYTHON:-$ROOT/.tools/venv/bin/python}"
echo "    CENTRALROOT_TF_1_15=$CENTRALROOT_TF_1_15"
echo "    CENTRALROOT_TF_1_0=$CENTRALROOT_TF_1_0"
echo "    CENTRALROOT_TOOLS_PYTHON=$CENTRALROOT_TOOLS_PYTHON"
if [[ -n "${CENTRALROOT_TF_EXTRA:-}" ]]; then
    echo "    CENTRALROOT_TF_EXTRA=$CENTRALROOT_TF_EXTRA"
fi

banner "cargo fmt --all -- --check"
cargo fmt --all -- --check --color "$color"

banner "cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

banner "cargo test --workspace --all-targets --no-fail-fast"
# The benchmark smoke run comes after the last test binary, so the run closes with one summary
# line over every test binary of every member instead of whatever ran last.
trap - ERR
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
cargo test --workspace --all-targets --no-fail-fast 2>&1 | tee "$log" || status=$?
awk '/^test result:/ { passed += $4; failed += $6; ignored += $8 }
     END { printf "\ntotal: %d passed, %d failed, %d skipped\n", passed, failed, ignored }' "$log"
exit "$status"
