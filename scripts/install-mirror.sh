#!/usr/bin/env bash
# Places a release (scripts/release.sh) in a local filesystem mirror for Terraform and OpenTofu,
# then prints on stdout the CLI configuration that makes them install the provider from there.
#
#   usage: scripts/install-mirror.sh [--dist DIR] [--layout unpacked|packed] [MIRROR_DIR]
#
#   MIRROR_DIR       default ~/.terraform.d/centralroot-mirror
#   --dist DIR       install the release already in DIR (the directory release.sh printed);
#                    without it, release.sh runs first (RELEASE_BINARY, RELEASE_DIST_DIR apply)
#   --layout         unpacked (default): <host>/centralroot/centralroot/<version>/<os>_<arch>/
#                    holding the archive's files;
#                    packed: <host>/centralroot/centralroot/terraform-provider-centralroot_<version>_<os>_<arch>.zip
#
# Every platform archive of the release goes under both registry.terraform.io (Terraform) and
# registry.opentofu.org (OpenTofu). The checksums are verified before anything is installed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NAME=terraform-provider-centralroot
HOSTS=(registry.terraform.io registry.opentofu.org)

die() {
    echo "install-mirror: $*" >&2
    exit 1
}

usage() {
    echo "usage: scripts/install-mirror.sh [--dist DIR] [--layout unpacked|packed] [MIRROR_DIR]" >&2
    exit 2
}

sha256_check() {
    if command -v sha256sum >/dev/null; then sha256sum --quiet -c "$@"; else shasum -a 256 -s -c "$@"; fi
}

# HCL quoted string: backslashes and quotes escaped, template openers doubled.
hcl_string() {
    local text="$1"
    text="${text//\\/\\\\}"
    text="${text//\"/\\\"}"
    text="${text//\$\{/\$\$\{}"
    text="${text//%\{/%%\{}"
    printf '"%s"' "$text"
}

dist=""
layout=unpacked
mirror=""
while (($#)); do
    case "$1" in
        --dist)
            (($# >= 2)) || usage
            dist="$2"
            shift 2
            ;;
        --layout)
            (($# >= 2)) || usage
            layout="$2"
            shift 2
            ;;
        -h | --help) usage ;;
        -*) die "unknown option $1" ;;
        *)
            [[ -z "$mirror" ]] || usage
            mirror="$1"
            shift
            ;;
    esac
done
[[ "$layout" == unpacked || "$layout" == packed ]] || die "--layout is unpacked or packed, not '$layout'"
mirror="${mirror:-$HOME/.terraform.d/centralroot-mirror}"

if [[ -z "$dist" ]]; then
    dist="$("$ROOT/scripts/release.sh" | tail -n 1)"
fi
[[ -d "$dist" ]] || die "$dist is not a directory"
dist="$(cd "$dist" && pwd)"

# The version comes from the release itself, not from the directory's name.
shopt -s nullglob
sums=("$dist/${NAME}"_*_SHA256SUMS)
shopt -u nullglob
((${#sums[@]} == 1)) || die "expected exactly one ${NAME}_<version>_SHA256SUMS in $dist, found ${#sums[@]}"
version="$(basename "${sums[0]}")"
version="${version#"${NAME}_"}"
version="${version%_SHA256SUMS}"

(cd "$dist" && sha256_check "$(basename "${sums[0]}")") || die "checksums in $dist do not verify"

# The archives the checksums name: nothing unlisted gets installed.
zips=()
while read -r _ file; do
    file="${file#\*}"
    if [[ "$file" == "${NAME}_${version}_"*.zip ]]; then
        zips+=("$file")
    fi
done <"${sums[0]}"
((${#zips[@]} > 0)) || die "${sums[0]} lists no ${NAME}_${version}_<os>_<arch>.zip"

# Terraform resolves a relative mirror path against each working directory, so the printed
# configuration needs an absolute one.
mkdir -p "$mirror"
mirror="$(cd "$mirror" && pwd)"

platforms=()
for zip in "${zips[@]}"; do
    platform="${zip#"${NAME}_${version}_"}"
    platform="${platform%.zip}"
    [[ "$platform" =~ ^[a-z0-9]+_[a-z0-9]+$ ]] || die "$zip does not end in _<os>_<arch>.zip"
    platforms+=("$platform")
    for host in "${HOSTS[@]}"; do
        base="$mirror/$host/centralroot/centralroot"
        unpacked="$base/$version/$platform"
        packed="$base/$zip"
        # One layout per version and platform: Terraform would otherwise see the package twice.
        rm -rf "$unpacked"
        rm -f "$packed"
        rmdir "$base/$version" 2>/dev/null || true
        mkdir -p "$base"
        if [[ "$layout" == packed ]]; then
            cp "$dist/$zip" "$packed"
        else
            mkdir -p "$unpacked"
            python3 -c '
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as archive:
    archive.extractall(sys.argv[2])
' "$dist/$zip" "$unpacked"
            # zipfile does not restore modes; the binary is the only file Terraform executes.
            chmod 0755 "$unpacked/${NAME}_v${version}"
        fi
    done
done

echo "install-mirror: $NAME $version (${platforms[*]}, $layout) installed in $mirror" >&2

quoted_mirror="$(hcl_string "$mirror")"
cat <<CFG
# CLI configuration for $NAME $version from a filesystem mirror. Terraform reads it from
# ~/.terraformrc, OpenTofu from ~/.tofurc; both read the file named by TF_CLI_CONFIG_FILE.
provider_installation {
  filesystem_mirror {
    path    = $quoted_mirror
    include = ["registry.terraform.io/centralroot/centralroot", "registry.opentofu.org/centralroot/centralroot"]
  }
  direct {
    exclude = ["registry.terraform.io/centralroot/centralroot", "registry.opentofu.org/centralroot/centralroot"]
  }
}
CFG
