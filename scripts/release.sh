#!/usr/bin/env bash
# Builds an optimized, stripped provider and writes what a Terraform/OpenTofu registry publishes:
#   dist/<version>/terraform-provider-centralroot_<version>_<os>_<arch>.zip
#   dist/<version>/terraform-provider-centralroot_<version>_SHA256SUMS
#   dist/<version>/terraform-provider-centralroot_<version>_manifest.json
# The version is the one in Cargo.toml. Prints the dist directory on its last line.
#   RELEASE_SKIP_BUILD=1  package target/release/terraform-provider-centralroot as it is
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
NAME=terraform-provider-centralroot

version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)"
[[ -n "$version" ]] || { echo "release: no version in Cargo.toml" >&2; exit 1; }

case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    *) echo "release: unsupported OS $(uname -s)" >&2; exit 1 ;;
esac
case "$(uname -m)" in
    x86_64 | amd64) arch=amd64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "release: unsupported architecture $(uname -m)" >&2; exit 1 ;;
esac

if [[ -z "${RELEASE_SKIP_BUILD:-}" ]]; then
    cargo build --release --locked --bin "$NAME" >&2
fi
binary="${CARGO_TARGET_DIR:-$ROOT/target}/release/$NAME"
[[ -x "$binary" ]] || { echo "release: $binary was not built" >&2; exit 1; }

reported="$("$binary" --version)"
[[ "$reported" == "$NAME $version" ]] || {
    echo "release: the binary reports '$reported', Cargo.toml says $version" >&2
    exit 1
}

dist="$ROOT/dist/$version"
rm -rf "$dist"
mkdir -p "$dist"
zip_name="${NAME}_${version}_${os}_${arch}.zip"

# A zip with fixed timestamps and modes, so the same binary always gives the same archive
# (and the same zh: hash in lock files).
python3 - "$binary" "$dist/$zip_name" "${NAME}_v${version}" "$ROOT/LICENSE" <<'PY'
import sys, zipfile
binary, out, inner, license_path = sys.argv[1:5]
def add(z, path, name, mode):
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.external_attr = (0o100000 | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    with open(path, "rb") as f:
        z.writestr(info, f.read())
with zipfile.ZipFile(out, "w") as z:
    add(z, binary, inner, 0o755)
    try:
        add(z, license_path, "LICENSE", 0o644)
    except FileNotFoundError:
        pass
PY

printf '{\n  "version": 1,\n  "metadata": {\n    "protocol_versions": ["6.0"]\n  }\n}\n' \
    >"$dist/${NAME}_${version}_manifest.json"

(cd "$dist" && sha256sum "$zip_name" "${NAME}_${version}_manifest.json" >"${NAME}_${version}_SHA256SUMS")
echo "release: $(du -h "$dist/$zip_name" | cut -f1) $zip_name" >&2
echo "$dist"
