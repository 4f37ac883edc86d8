#!/usr/bin/env bash
# THE demo command (README): builds the provider, starts the local AWS sandbox, runs a real
# Terraform init/apply of examples/quickstart against it, shows that the next plan is empty,
# destroys everything and stops the sandbox.
#   DEMO_TERRAFORM  terraform or tofu binary to use (default: the pinned Terraform 1.15.5)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

WORK="$ROOT/.e2e-work/demo"
EXAMPLE="$ROOT/examples/quickstart"
SANDBOX_PID=""

say() { printf '\n==> %s\n' "$*"; }
die() { echo "demo: ERROR: $*" >&2; exit 1; }

stop_sandbox() {
    if [[ -n "$SANDBOX_PID" ]] && kill -0 "$SANDBOX_PID" 2>/dev/null; then
        kill -TERM "$SANDBOX_PID" 2>/dev/null || true
        wait "$SANDBOX_PID" 2>/dev/null || true
    fi
    SANDBOX_PID=""
}
trap stop_sandbox EXIT

# The sandbox prints one ready line on stdout once it listens:
#   export AWS_ENDPOINT_URL=http://127.0.0.1:PORT AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=… AWS_REGION=… # …
# Only its AWS_* assignments are taken; nothing in it is evaluated as shell code.
wait_for_ready_line() { # file
    local line="" _
    for _ in $(seq 1 100); do
        # A complete line only: the newline comes last.
        if [[ "$(wc -l <"$1")" -ge 1 ]]; then
            line="$(head -n 1 "$1")"
            break
        fi
        kill -0 "$SANDBOX_PID" 2>/dev/null || die "the sandbox exited early; its log: $WORK/sandbox.log"
        sleep 0.1
    done
    [[ -n "$line" ]] || die "the sandbox printed no ready line within 10 s; its log: $WORK/sandbox.log"
    local word name value found=0 words
    read -r -a words <<<"$line"
    for word in "${words[@]}"; do
        if [[ "$word" =~ ^(AWS_[A-Z0-9_]+)=(.*)$ ]]; then
            name="${BASH_REMATCH[1]}"
            value="${BASH_REMATCH[2]}"
            value="${value#[\'\"]}"
            value="${value%[\'\"]}"
            export "$name=$value"
            found=1
        fi
    done
    [[ "$found" == 1 && -n "${AWS_ENDPOINT_URL:-}" ]] || die "unexpected ready line from the sandbox: $line"
}

main() {
    if ! compgen -G "$EXAMPLE/*.tf" >/dev/null; then
        die "$EXAMPLE holds no configuration"
    fi

    say "installing Terraform"
    ./scripts/install-terraform.sh
    local tf="${DEMO_TERRAFORM:-$ROOT/.tools/bin/terraform-1.15}"

    say "building terraform-provider-centralroot"
    cargo build --bin terraform-provider-centralroot
    local target_dir="${CARGO_TARGET_DIR:-$ROOT/target}"
    local provider="$target_dir/debug/terraform-provider-centralroot"
    [[ -x "$provider" ]] || die "no provider binary at $provider"

    rm -rf "$WORK"
    mkdir -p "$WORK/config"
    cp "$EXAMPLE"/*.tf "$WORK/config/"

    say "starting the sandbox"
    # Port 0: the system picks a free port and the ready line tells which.
    "$provider" sandbox --listen 127.0.0.1:0 >"$WORK/sandbox.out" 2>"$WORK/sandbox.log" &
    SANDBOX_PID=$!
    wait_for_ready_line "$WORK/sandbox.out"
    echo "sandbox listening at $AWS_ENDPOINT_URL (pid $SANDBOX_PID)"

    # Terraform loads the freshly built provider instead of looking for it in a registry.
    cat >"$WORK/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "centralroot/centralroot" = "$(dirname "$provider")"
  }
  direct {}
}
RC
    export TF_CLI_CONFIG_FILE="$WORK/terraformrc" TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
    export AWS_EC2_METADATA_DISABLED=true

    cd "$WORK/config"
    say "terraform init"
    "$tf" init
    say "terraform apply"
    "$tf" apply -auto-approve
    say "terraform plan (expect no changes)"
    local rc=0
    "$tf" plan -detailed-exitcode || rc=$?
    [[ "$rc" == 0 ]] || die "the plan after apply is not empty (exit $rc)"
    say "terraform destroy"
    "$tf" destroy -auto-approve

    say "stopping the sandbox"
    stop_sandbox
    say "demo finished"
}

main "$@"
