#!/usr/bin/env bash
# Builds an optimized, stripped provider and writes what a Terraform/OpenTofu registry publishes:
#   <dist>/<version>/terraform-provider-centralroot_<version>_<os>_<arch>.zip
#   <dist>/<version>/terraform-provider-centralroot_<version>_SHA256SUMS
#   <dist>/<version>/terraform-provider-centralroot_<version>_manifest.json
# The zip holds only terraform-provider-centralroot_v<version> and LICENSE. The version is the one
# in Cargo.toml's [package] table, and the binary must report the same through --version.
# Prints the directory it wrote on its last line of stdout; everything else goes to stderr.
#
#   RELEASE_BINARY=PATH    package this binary instead of building one (tests pass a debug build)
#   RELEASE_SKIP_BUILD=1   package $CARGO_TARGET_DIR/release/terraform-provider-centralroot as it is
#   RELEASE_DIST_DIR=DIR   write into DIR/<version>/ (default: dist/ in the repository)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NAME=terraform-provider-centralroot

die() {
    echo "release: $*" >&2
    exit 1
}

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

case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    FreeBSD) os=freebsd ;;
    *) die "unsupported OS $(uname -s)" ;;
esac
case "$(uname -m)" in
    x86_64 | amd64) arch=amd64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) die "unsupported architecture $(uname -m)" ;;
esac

if [[ -n "${RELEASE_BINARY:-}" ]]; then
    binary="$RELEASE_BINARY"
else
    target_dir="${CARGO_TARGET_DIR:-$ROOT/target}"
    # cargo runs in the repository and resolves a relative CARGO_TARGET_DIR against it.
    [[ "$target_dir" == /* ]] || target_dir="$ROOT/$target_dir"
    if [[ -z "${RELEASE_SKIP_BUILD:-}" ]]; then
        (cd "$ROOT" && cargo build --release --locked --bin "$NAME") >&2
    fi
    binary="$target_dir/release/$NAME"
fi
[[ -f "$binary" && -x "$binary" ]] || die "$binary is not an executable file"

reported="$("$binary" --version)" || die "$binary --version failed"
[[ "$reported" == "$NAME $version" ]] ||
    die "the binary reports '$reported', Cargo.toml says $version"

dist_root="${RELEASE_DIST_DIR:-$ROOT/dist}"
mkdir -p "$dist_root/$version"
dist="$(cd "$dist_root/$version" && pwd)"
zip_name="${NAME}_${version}_${os}_${arch}.zip"
sums_name="${NAME}_${version}_SHA256SUMS"
manifest_name="${NAME}_${version}_manifest.json"
# This platform's archive of an earlier run goes; other platforms' archives stay (a release
# gathers them from several machines) and the checksums cover them all.
rm -f "$dist/$zip_name" "$dist/$sums_name" "$dist/$manifest_name"

license="$ROOT/LICENSE"
[[ -f "$license" ]] || die "$license is missing; the archive ships it"

# Fixed timestamps and modes, and no directory entries: the same binary always gives the same
# archive (so the same zh: hash), and its h1: hash equals that of the unpacked directory.
python3 - "$dist/$zip_name" "$binary" "${NAME}_v${version}" "$license" <<'PY'
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

printf '{\n  "version": 1,\n  "metadata": {\n    "protocol_versions": ["6.0"]\n  }\n}\n' \
    >"$dist/$manifest_name"

(
    cd "$dist"
    shopt -s nullglob
    zips=("${NAME}_${version}"_*_*.zip)
    sha256 "${zips[@]}" "$manifest_name" >"$sums_name"
)

echo "release: $zip_name ($(wc -c <"$dist/$zip_name" | tr -d ' ') bytes) in $dist" >&2
echo "$dist"
