#!/usr/bin/env bash
# Builds an optimized, stripped provider and writes what a Terraform/OpenTofu registry publishes:
#   <dist>/<version>/terraform-provider-centralroot_<version>_<os>_<arch>.zip
#   <dist>/<version>/terraform-provider-centralroot_<version>_SHA256SUMS
#   <dist>/<version>/terraform-provider-centralroot_<version>_SHA256SUMS.sig  (with RELEASE_GPG_KEY)
#   <dist>/<version>/terraform-provider-centralroot_<version>_manifest.json
# The zip holds only terraform-provider-centralroot_v<version> (.exe on Windows) and LICENSE. The
# version is the one in Cargo.toml's [package] table, and the binary must report the same through
# --version. Prints the directory it wrote on its last line of stdout; everything else goes to
# stderr.
#
#   usage: scripts/release.sh [--target TRIPLE | --checksums-only]
#
#   --target TRIPLE        build for this Rust target (e.g. aarch64-apple-darwin) and name the
#                          archive after its platform; default: the machine's own platform
#   --checksums-only       package nothing: write the manifest, SHA256SUMS over the archives
#                          already in <dist>/<version>/ (gathered from every platform's run) and
#                          its signature
#   RELEASE_BINARY=PATH    package this binary instead of building one (tests pass a debug build)
#   RELEASE_SKIP_BUILD=1   package the binary in $CARGO_TARGET_DIR as it is, without building
#   RELEASE_DIST_DIR=DIR   write into DIR/<version>/ (default: dist/ in the repository)
#   RELEASE_GPG_KEY=KEY    sign SHA256SUMS with this secret key (ID, fingerprint or user ID) of the
#                          keyring in GNUPGHOME (default ~/.gnupg): a detached binary signature, as
#                          the Terraform Registry requires; unset, nothing is signed
#   RELEASE_GPG_PASSPHRASE the key's passphrase, if it has one (given to gpg on a pipe)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NAME=terraform-provider-centralroot

die() {
    echo "release: $*" >&2
    exit 1
}

usage() {
    echo "usage: scripts/release.sh [--target TRIPLE | --checksums-only]" >&2
    exit 2
}

target=""
checksums_only=""
while (($#)); do
    case "$1" in
        --target)
            (($# >= 2)) || usage
            target="$2"
            shift 2
            ;;
        --checksums-only)
            checksums_only=1
            shift
            ;;
        -h | --help) usage ;;
        *) die "unknown argument $1" ;;
    esac
done
[[ -z "$target" || -z "$checksums_only" ]] || die "--target and --checksums-only exclude each other"

# Python writes the zip; Windows runners may only call it python.
PYTHON="${PYTHON:-$(command -v python3 || command -v python || echo python3)}"

# sha256sum is GNU coreutils; macOS has shasum, which writes the same format.
sha256() {
    if command -v sha256sum >/dev/null; then sha256sum "$@"; else shasum -a 256 "$@"; fi
}

# Only [package] counts: dependency tables have `version` keys too.
version="$(awk '
    /^[[:space:]]*\[/ { in_package = ($0 ~ /^[[:space:]]*\[package\][[:space:]]*$/) }
    in_package && /^[[:space:]]*version[[:space:]]*=/ {
        sub(/^[^"]*"/, ""); sub(/".*$/, ""); print; exit
    }' "$ROOT/Cargo.toml")"
# The registries accept semantic versions only.
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] ||
    die "no semantic version in the [package] table of Cargo.toml (found '$version')"

# The signing key is checked before anything is built or written: a release that cannot be
# signed stops here, not after minutes of building.
signing_key="${RELEASE_GPG_KEY:-}"
if [[ -n "$signing_key" ]]; then
    command -v gpg >/dev/null || die "RELEASE_GPG_KEY is set but gpg is not installed"
    gpg --batch --list-secret-keys -- "$signing_key" >/dev/null 2>&1 ||
        die "RELEASE_GPG_KEY=$signing_key: no such secret key in the keyring ${GNUPGHOME:-~/.gnupg}"
fi

# The registries' platform names (<os>_<arch>) of a Rust target triple, or of this machine.
platform_of_triple() {
    local arch os
    case "$1" in
        x86_64-*) arch=amd64 ;;
        aarch64-*) arch=arm64 ;;
        *) die "unsupported architecture in target $1" ;;
    esac
    case "$1" in
        *-linux-*) os=linux ;;
        *-apple-darwin) os=darwin ;;
        *-windows-*) os=windows ;;
        *-freebsd) os=freebsd ;;
        *) die "unsupported OS in target $1" ;;
    esac
    echo "${os}_${arch}"
}

if [[ -z "$checksums_only" ]]; then
    if [[ -n "$target" ]]; then
        platform="$(platform_of_triple "$target")"
    else
        case "$(uname -s)" in
            Linux) os=linux ;;
            Darwin) os=darwin ;;
            FreeBSD) os=freebsd ;;
            MINGW* | MSYS* | CYGWIN*) os=windows ;;
            *) die "unsupported OS $(uname -s)" ;;
        esac
        case "$(uname -m)" in
            x86_64 | amd64) arch=amd64 ;;
            aarch64 | arm64) arch=arm64 ;;
            *) die "unsupported architecture $(uname -m)" ;;
        esac
        platform="${os}_${arch}"
    fi
    exe=""
    [[ "$platform" != windows_* ]] || exe=".exe"

    if [[ -n "${RELEASE_BINARY:-}" ]]; then
        binary="$RELEASE_BINARY"
    else
        target_dir="${CARGO_TARGET_DIR:-$ROOT/target}"
        # cargo runs in the repository and resolves a relative CARGO_TARGET_DIR against it.
        [[ "$target_dir" == /* ]] || target_dir="$ROOT/$target_dir"
        build=(cargo build --release --locked --bin "$NAME")
        if [[ -n "$target" ]]; then
            build+=(--target "$target")
            target_dir="$target_dir/$target"
        fi
        if [[ -z "${RELEASE_SKIP_BUILD:-}" ]]; then
            (cd "$ROOT" && "${build[@]}") >&2
        fi
        binary="$target_dir/release/$NAME$exe"
    fi
    [[ -f "$binary" && -x "$binary" ]] || die "$binary is not an executable file"

    # A binary for another platform cannot run here, so the workflow builds each platform on
    # its own kind of runner and the check below holds everywhere.
    reported="$("$binary" --version)" || die "$binary --version failed"
    reported="${reported%$'\r'}"
    [[ "$reported" == "$NAME $version" ]] ||
        die "the binary reports '$reported', Cargo.toml says $version"
fi

dist_root="${RELEASE_DIST_DIR:-$ROOT/dist}"
mkdir -p "$dist_root/$version"
dist="$(cd "$dist_root/$version" && pwd)"
sums_name="${NAME}_${version}_SHA256SUMS"
signature_name="$sums_name.sig"
manifest_name="${NAME}_${version}_manifest.json"
# Earlier checksums, signature and manifest go, and so does this platform's archive of an
# earlier run; other platforms' archives stay (a release gathers them from several machines)
# and the checksums cover them all.
rm -f "$dist/$sums_name" "$dist/$signature_name" "$dist/$manifest_name"

if [[ -z "$checksums_only" ]]; then
    zip_name="${NAME}_${version}_${platform}.zip"
    rm -f "$dist/$zip_name"

    license="$ROOT/LICENSE"
    [[ -f "$license" ]] || die "$license is missing; the archive ships it"

    # Fixed timestamps and modes, and no directory entries: the same binary always gives the
    # same archive (so the same zh: hash), and its h1: hash equals that of the unpacked
    # directory.
    "$PYTHON" - "$dist/$zip_name" "$binary" "${NAME}_v${version}${exe}" "$license" <<'PY'
import sys
import zipfile

out, binary, binary_name, license_path = sys.argv[1:5]


def add(archive, path, name, mode):
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.create_system = 3  # Unix, so unzip honours the mode below
    info.external_attr = (0o100000 | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    with open(path, "rb") as source:
        archive.writestr(info, source.read())


with zipfile.ZipFile(out, "w") as archive:
    add(archive, binary, binary_name, 0o755)
    add(archive, license_path, "LICENSE", 0o644)
PY
fi

printf '{\n  "version": 1,\n  "metadata": {\n    "protocol_versions": ["6.0"]\n  }\n}\n' \
    >"$dist/$manifest_name"

(
    cd "$dist"
    shopt -s nullglob
    zips=("${NAME}_${version}"_*_*.zip)
    ((${#zips[@]})) || die "no ${NAME}_${version}_<os>_<arch>.zip in $dist to list in $sums_name"
    sha256 "${zips[@]}" "$manifest_name" >"$sums_name"
)

if [[ -n "$signing_key" ]]; then
    sign=(gpg --batch --yes --local-user "$signing_key" --detach-sign
        --output "$dist/$signature_name")
    if [[ -n "${RELEASE_GPG_PASSPHRASE:-}" ]]; then
        sign+=(--pinentry-mode loopback --passphrase-fd 3)
    fi
    if ! "${sign[@]}" "$dist/$sums_name" 3<<<"${RELEASE_GPG_PASSPHRASE:-}" >&2; then
        rm -f "$dist/$signature_name"
        die "gpg could not sign $sums_name with RELEASE_GPG_KEY=$signing_key"
    fi
    echo "release: signed $sums_name with $signing_key" >&2
else
    echo "release: RELEASE_GPG_KEY is not set: $sums_name is not signed (a registry needs $signature_name)" >&2
fi

if [[ -n "$checksums_only" ]]; then
    echo "release: $sums_name and $manifest_name in $dist" >&2
else
    echo "release: $zip_name ($(wc -c <"$dist/$zip_name" | tr -d ' ') bytes) in $dist" >&2
fi
echo "$dist"
