#!/usr/bin/env bash
# Places a release (scripts/release.sh) in a local filesystem mirror, unpacked:
#   <mirror>/registry.terraform.io/centralroot/centralroot/<version>/<os>_<arch>/
# and the same under registry.opentofu.org for OpenTofu, then prints the CLI configuration
# that makes Terraform or OpenTofu install the provider from there.
#   usage: scripts/install-mirror.sh [MIRROR_DIR]   (default: ~/.terraform.d/centralroot-mirror)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NAME=terraform-provider-centralroot
mirror="${1:-$HOME/.terraform.d/centralroot-mirror}"

dist="$("$ROOT/scripts/release.sh" | tail -n 1)"
version="$(basename "$dist")"
zip="$(find "$dist" -maxdepth 1 -name "${NAME}_${version}_*.zip" | head -n 1)"
platform="$(basename "$zip" .zip)"
platform="${platform#"${NAME}_${version}_"}"

(cd "$dist" && sha256sum --quiet -c "${NAME}_${version}_SHA256SUMS")

for host in registry.terraform.io registry.opentofu.org; do
    dir="$mirror/$host/centralroot/centralroot/$version/$platform"
    rm -rf "$dir"
    mkdir -p "$dir"
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$zip" "$dir"
    chmod 0755 "$dir/${NAME}_v${version}"
done

cat <<CFG
# Installed $NAME $version ($platform) into $mirror.
# Put this in your CLI configuration (~/.terraformrc, or the file named by TF_CLI_CONFIG_FILE;
# for OpenTofu ~/.tofurc or TF_CLI_CONFIG_FILE):
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/centralroot/centralroot", "registry.opentofu.org/centralroot/centralroot"]
  }
  direct {
    exclude = ["registry.terraform.io/centralroot/centralroot", "registry.opentofu.org/centralroot/centralroot"]
  }
}
CFG
