#!/usr/bin/env bash
# THE demo command (README): builds the provider, starts the local AWS sandbox, runs real
# Terraform on examples/quickstart against it (apply, outputs, an empty second plan, destroy),
# stops the sandbox and prints a summary. Any failed step fails the script, and nothing runs
# Terraform before the sandbox listens. Terraform reaches the sandbox only through the
# configuration (sandbox_override.tf: its endpoints and keys); the caller's AWS_* variables are
# removed first, so no profile, key or endpoint of the calling shell is ever used.
#   DEMO_TERRAFORM  terraform or tofu binary to use (default: the pinned Terraform 1.15.5)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

WORK="$ROOT/.e2e-work/demo"
EXAMPLE="$ROOT/examples/quickstart"
SANDBOX_PID=""
# The AWS_* assignments of the sandbox's ready line, by name.
declare -A READY=()

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
#   export AWS_ENDPOINT_URL='http://127.0.0.1:PORT' AWS_ACCESS_KEY_ID='…' AWS_SECRET_ACCESS_KEY='…' AWS_REGION='…' AWS_DEFAULT_REGION='…' # …
# Only its AWS_* assignments are taken, into READY; nothing in it is evaluated as shell code.
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
            READY[$name]="$value"
            found=1
        fi
    done
    [[ "$found" == 1 && -n "${READY[AWS_ENDPOINT_URL]:-}" && -n "${READY[AWS_ACCESS_KEY_ID]:-}" &&
        -n "${READY[AWS_SECRET_ACCESS_KEY]:-}" ]] || die "unexpected ready line from the sandbox: $line"
}

# Points the example's provider block at the sandbox in the configuration itself: Terraform
# merges *_override.tf files into the blocks they name.
write_sandbox_override() { # config dir
    local url="${READY[AWS_ENDPOINT_URL]}"
    cat >"$1/sandbox_override.tf" <<OVERRIDE
provider "centralroot" {
  access_key = "${READY[AWS_ACCESS_KEY_ID]}"
  secret_key = "${READY[AWS_SECRET_ACCESS_KEY]}"
  region     = "${READY[AWS_REGION]:-us-east-1}"
  endpoints {
    iam           = "$url"
    organizations = "$url"
    sts           = "$url"
  }
}
OVERRIDE
}

# Removes every AWS_* variable of the calling shell from the environment Terraform inherits.
forget_ambient_aws_settings() {
    local name
    for name in $(compgen -e AWS_); do
        unset "$name"
    done
}

# The sandbox's model, summarised: "features=[…] trusted_access=[…] delegated_admins=[…]".
# Read through the control plane, which needs no signature; empty when curl is missing.
sandbox_summary() {
    command -v curl >/dev/null 2>&1 || return 0
    curl -fsS "${READY[AWS_ENDPOINT_URL]}/_sandbox/state" | python3 -c '
import json, sys
state = json.load(sys.stdin)
features = ",".join(state.get("features", []))
trusted = ",".join(t["service_principal"] for t in state.get("trusted_access", []))
admins = ",".join(d["account_id"] + "/" + d["service_principal"] for d in state.get("delegated_administrators", []))
print(f"features=[{features}] trusted_access=[{trusted}] delegated_admins=[{admins}]")
'
}

# Whether `init` works with a dev_overrides configuration: not on Terraform 1.0, which still
# asks the registry about the overridden provider; fine (with a warning) on later versions and
# on OpenTofu.
init_supported() { # version line
    [[ "$1" =~ ^Terraform\ v1\.0\. ]] && return 1
    return 0
}

main() {
    local started=$SECONDS
    if ! compgen -G "$EXAMPLE/*.tf" >/dev/null; then
        die "$EXAMPLE holds no configuration"
    fi

    local tf="${DEMO_TERRAFORM:-}"
    if [[ -z "$tf" ]]; then
        say "installing Terraform"
        ./scripts/install-terraform.sh
        tf="$ROOT/.tools/bin/terraform-1.15"
    fi

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
    echo "sandbox listening at ${READY[AWS_ENDPOINT_URL]} (pid $SANDBOX_PID)"
    write_sandbox_override "$WORK/config"
    local before
    before="$(sandbox_summary)"
    [[ -z "$before" ]] || echo "sandbox before: $before"

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
    forget_ambient_aws_settings
    export AWS_EC2_METADATA_DISABLED=true
    local tf_version
    # The whole output, then its first line: `| head -n 1` under pipefail failed the demo
    # whenever head exited before Terraform wrote its second line (SIGPIPE).
    tf_version="$("$tf" version)" || die "cannot run $tf"
    tf_version="${tf_version%%$'\n'*}"
    echo "using $tf_version ($tf)"

    cd "$WORK/config"
    local init_note="skipped: $tf_version refuses dev_overrides, and they need no init"
    if init_supported "$tf_version"; then
        say "terraform init"
        "$tf" init -no-color
        init_note="ok"
    fi

    say "terraform apply (trusted access, both features, one delegated administrator)"
    "$tf" apply -auto-approve -no-color
    local after_apply
    after_apply="$(sandbox_summary)"
    [[ -z "$after_apply" ]] || echo "sandbox after apply: $after_apply"

    say "terraform output"
    "$tf" output -no-color

    say "terraform plan -detailed-exitcode (expect no changes)"
    local rc=0
    "$tf" plan -detailed-exitcode -no-color || rc=$?
    [[ "$rc" == 0 ]] || die "the plan after apply is not empty (exit $rc; 2 means changes)"

    say "terraform destroy"
    "$tf" destroy -auto-approve -no-color
    local after_destroy
    after_destroy="$(sandbox_summary)"
    [[ -z "$after_destroy" ]] || echo "sandbox after destroy: $after_destroy"

    say "stopping the sandbox"
    stop_sandbox

    say "summary"
    cat <<SUMMARY
  terraform:           $tf_version
  init:                $init_note
  aws settings:        the sandbox's, from sandbox_override.tf (the shell's AWS_* removed)
  apply:               ok${after_apply:+ ($after_apply)}
  second plan:         no changes (exit 0)
  destroy:             ok${after_destroy:+ ($after_destroy)}
  sandbox:             stopped; its log is $WORK/sandbox.log
  time:                $((SECONDS - started)) s
SUMMARY
    say "demo finished"
}

main "$@"
