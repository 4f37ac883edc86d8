#!/usr/bin/env bash
# Prints the figures of docs/performance.md, measured in one run on this machine:
#   - release binary size;
#   - exec -> handshake line and idle RSS of the provider (benches/handshake.rs);
#   - `terraform plan` over N = 1, 20, 200 delegated administrators in state, against the same
#     plan over N `terraform_data` resources (Terraform's floor), medians of BENCH_RUNS runs;
#   - sandbox requests per refresh of N delegated administrators;
#   - at scale (N up to 1,000, in a second sandbox started with `--seed-members`): request
#     counts by operation, wall time, provider CPU and peak RSS of applying, refreshing and
#     destroying N delegated administrators, of the organization-wide root credential audit with
#     50 ms added to every call, and of removing the root credentials of N members (also with
#     every 3rd call throttled).
# Everything runs against sandboxes (the provider binary's `sandbox` command) on loopback, with
# Terraform 1.15 (CENTRALROOT_TF_1_15, default .tools/bin/terraform-1.15).
#
# Environment: BENCH_RUNS (default 7, at least 5), BENCH_SIZES (default "1 20 200"),
# CENTRALROOT_BENCH_BINARY (skip the release build and measure this binary instead);
# BENCH_ADMIN_SIZES / BENCH_ADMIN_RUNS, BENCH_AUDIT_SIZES, BENCH_REMOVAL_SIZES /
# BENCH_REMOVAL_RUNS for the scale sections (sizes default "1 20 200 1000", runs 3).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUNS="${BENCH_RUNS:-7}"
SIZES="${BENCH_SIZES:-1 20 200}"
TF="${CENTRALROOT_TF_1_15:-$ROOT/.tools/bin/terraform-1.15}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
PYTHON="${PYTHON:-$(command -v python3 || command -v python3.11 || echo python3)}"

say() { echo "bench: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

(( RUNS >= 5 )) || die "BENCH_RUNS must be at least 5 (medians of at least 5 runs)"
[[ -x "$TF" ]] || die "$TF is missing: run scripts/install-terraform.sh or set CENTRALROOT_TF_1_15"

if [[ -n "${CENTRALROOT_BENCH_BINARY:-}" ]]; then
    BIN="$CENTRALROOT_BENCH_BINARY"
else
    say "building the release binary"
    cargo build --quiet --release --bin terraform-provider-centralroot
    BIN="$TARGET/release/terraform-provider-centralroot"
fi
[[ -x "$BIN" ]] || die "no provider binary at $BIN"

WORK="$(mktemp -d)"
SANDBOX_PID=""
cleanup() {
    stop_scale_sandbox 2>/dev/null || true
    if [[ -n "$SANDBOX_PID" ]]; then kill "$SANDBOX_PID" 2>/dev/null || true; wait "$SANDBOX_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

now_ns() { date +%s%N; }

# Median of the numbers on stdin.
median() { "$PYTHON" -c 'import statistics,sys; print(statistics.median(float(x) for x in sys.stdin.read().split()))'; }

# The whole output, then its first line: `| head -1` under pipefail fails when head exits
# before Terraform writes its second line (SIGPIPE).
TF_VERSION="$(TF_CLI_CONFIG_FILE=/dev/null "$TF" version)"
TF_VERSION="${TF_VERSION%%$'\n'*}"
echo "== centralroot benchmark ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $TF_VERSION)"
echo "binary: $BIN"
echo "binary_size_bytes $(stat -c %s "$BIN") ($(du -h "$BIN" | cut -f1))"

say "handshake and idle RSS"
cargo test --quiet --bench handshake -- --provider "$BIN" --runs 15

# One sandbox for every plan: the default organization plus 220 generated members, trusted
# access for IAM on (so registrations need nothing else).
"$PYTHON" - "$WORK/seed.json" <<'PY'
import json, sys
accounts = [{"id": "111111111111", "name": "management"}]
accounts += [{"id": "%012d" % (100000000000 + n)} for n in range(220)]
seed = {
    "organization": {"id": "o-sandbox1234", "feature_set": "ALL", "management_account_id": "111111111111"},
    "accounts": accounts,
    "trusted_access": [{"service_principal": "iam.amazonaws.com"}],
}
json.dump(seed, open(sys.argv[1], "w"))
PY
RUST_LOG=warn "$BIN" sandbox --listen 127.0.0.1:0 --seed "$WORK/seed.json" \
    >"$WORK/sandbox.out" 2>"$WORK/sandbox.err" &
SANDBOX_PID=$!
for _ in $(seq 100); do [[ -s "$WORK/sandbox.out" ]] && break; sleep 0.05; done
[[ -s "$WORK/sandbox.out" ]] || die "the sandbox did not start: $(cat "$WORK/sandbox.err")"
# The ready line exports AWS_ENDPOINT_URL and the management account's keys.
eval "$(head -1 "$WORK/sandbox.out")"
export AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
ENDPOINT="$AWS_ENDPOINT_URL"

mkdir -p "$WORK/home"
cat >"$WORK/terraformrc" <<EOF
provider_installation {
  dev_overrides {
    "centralroot/centralroot" = "$(dirname "$BIN")"
  }
  direct {}
}
EOF
export HOME="$WORK/home" TF_CLI_CONFIG_FILE="$WORK/terraformrc" CHECKPOINT_DISABLE=1 \
    TF_IN_AUTOMATION=1 TF_INPUT=0
unset TF_LOG TF_LOG_PATH

tf() { (cd "$1" && shift && "$TF" "$@" -no-color >/dev/null); }

# Seconds of one `terraform plan` in directory $1 (extra plan flags after it).
plan_seconds() {
    local start end dir="$1"
    shift
    start="$(now_ns)"
    tf "$dir" plan -detailed-exitcode "$@" || die "plan in $dir is not empty or failed"
    end="$(now_ns)"
    echo "scale=6; ($end - $start) / 1000000000" | bc
}

requests() { curl -fsS "$ENDPOINT/_sandbox/requests"; }

# `admins_config N`: a configuration of N delegated administrators, members 100000000000 on.
admins_config() {
    "$PYTHON" - "$1" <<'PY'
import sys
n = int(sys.argv[1])
ids = ", ".join('"%012d"' % (100000000000 + i) for i in range(n))
print('terraform {\n  required_providers {\n    centralroot = { source = "centralroot/centralroot" }\n  }\n}\n')
print('provider "centralroot" {}\n')
print('resource "centralroot_delegated_admin" "admin" {\n  for_each   = toset([%s])\n  account_id = each.value\n}' % ids)
PY
}


# --- What the provider processes cost (the scale sections) ---------------------------------
# A wrapper in $WORK/measured stands in for the provider: it runs the real binary as its child
# and, when it ends, appends the child's CPU seconds (user + system) and peak RSS (KiB) to
# $USAGE_LOG. Terraform starts several provider processes per command; `measured` sums their
# CPU and keeps the largest peak. Timings of the plan section above use the bare binary.
USAGE_LOG="$WORK/provider-usage.log"
mkdir -p "$WORK/measured"
cat >"$WORK/measured/terraform-provider-centralroot" <<EOF
#!$PYTHON
import os, signal, sys
child = os.fork()
if child == 0:
    os.execv("$BIN", ["$BIN"] + sys.argv[1:])
for sig in (signal.SIGINT, signal.SIGTERM):
    signal.signal(sig, lambda s, _f: os.kill(child, s))
while True:
    try:
        _, status, usage = os.wait4(child, 0)
        break
    except InterruptedError:
        continue
with open("$USAGE_LOG", "a") as log:
    log.write("%.3f %d\n" % (usage.ru_utime + usage.ru_stime, usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
EOF
chmod +x "$WORK/measured/terraform-provider-centralroot"
cat >"$WORK/terraformrc-measured" <<EOF
provider_installation {
  dev_overrides {
    "centralroot/centralroot" = "$WORK/measured"
  }
  direct {}
}
EOF

# `measured DIR ARGS...`: runs `terraform ARGS...` in DIR through the wrapper and prints
# "<wall seconds> <provider CPU seconds> <provider peak RSS MiB>".
measured() {
    local dir="$1" start end
    shift
    : >"$USAGE_LOG"
    start="$(now_ns)"
    TF_CLI_CONFIG_FILE="$WORK/terraformrc-measured" tf "$dir" "$@" || die "terraform $* in $dir failed"
    end="$(now_ns)"
    "$PYTHON" - "$USAGE_LOG" "$start" "$end" <<'PY'
import sys
rows = [line.split() for line in open(sys.argv[1]) if line.strip()]
cpu = sum(float(r[0]) for r in rows)
rss = max((int(r[1]) for r in rows), default=0)
print("%.2f %.2f %.1f" % ((int(sys.argv[3]) - int(sys.argv[2])) / 1e9, cpu, rss / 1024))
PY
}

# `start_scale_sandbox MEMBERS`: a second sandbox (`--seed-members`: mixed root credentials,
# trusted access and both features on); sets SCALE_ENDPOINT. The default organization's keys
# are the same as the first sandbox's.
SCALE_PID=""
start_scale_sandbox() {
    stop_scale_sandbox 2>/dev/null || true
    RUST_LOG=warn "$BIN" sandbox --listen 127.0.0.1:0 --seed-members "$1" \
        >"$WORK/scale.out" 2>"$WORK/scale.err" &
    SCALE_PID=$!
    for _ in $(seq 200); do [[ -s "$WORK/scale.out" ]] && break; sleep 0.05; done
    [[ -s "$WORK/scale.out" ]] || die "the scale sandbox did not start: $(cat "$WORK/scale.err")"
    SCALE_ENDPOINT="$(head -1 "$WORK/scale.out" | sed -E 's/.*AWS_ENDPOINT_URL=([^ ]+).*/\1/')"
}
stop_scale_sandbox() {
    if [[ -n "$SCALE_PID" ]]; then kill "$SCALE_PID" 2>/dev/null || true; wait "$SCALE_PID" 2>/dev/null || true; fi
    SCALE_PID=""
}

echo
# provider_norefresh_s: the same plan with -refresh=false (no AWS calls), to tell the cost of
# the plugin protocol round trips from the cost of reading AWS.
printf '%-5s %-12s %-12s %-7s %-20s %-24s %s\n' N provider_s floor_s ratio provider_norefresh_s List_calls_per_refresh all_requests_per_refresh
for n in $SIZES; do
    provider_dir="$WORK/provider-$n"; floor_dir="$WORK/floor-$n"
    mkdir -p "$provider_dir" "$floor_dir"
    admins_config "$n" >"$provider_dir/main.tf"
    printf 'resource "terraform_data" "floor" {\n  count = %s\n  input = "x"\n}\n' "$n" >"$floor_dir/main.tf"
    say "N=$n: applying"
    tf "$provider_dir" apply -auto-approve -parallelism=50 || die "apply of $n administrators failed"
    tf "$floor_dir" apply -auto-approve -parallelism=50 || die "apply of $n terraform_data failed"

    # Requests of one refresh (the plan reads every administrator in state).
    curl -fsS -X POST "$ENDPOINT/_sandbox/requests/reset" >/dev/null
    tf "$provider_dir" plan -detailed-exitcode || die "plan of $n administrators is not empty"
    counts="$(requests | "$PYTHON" -c 'import json,sys; r=json.load(sys.stdin); print(r["operations"].get("ListDelegatedAdministrators",{}).get("total",0), r["total"])')"

    provider_times=""; floor_times=""; norefresh_times=""
    for _ in $(seq "$RUNS"); do
        # Interleaved, so drift on the shared machine hits both sides alike.
        provider_times+=" $(plan_seconds "$provider_dir")"
        floor_times+=" $(plan_seconds "$floor_dir")"
        norefresh_times+=" $(plan_seconds "$provider_dir" -refresh=false)"
    done
    p="$(echo "$provider_times" | median)"; f="$(echo "$floor_times" | median)"
    nr="$(echo "$norefresh_times" | median)"
    ratio="$(echo "scale=3; $p / $f" | bc)"
    read -r lists total <<<"$counts"
    printf '%-5s %-12s %-12s %-7s %-20s %-24s %s\n' "$n" "$p" "$f" "$ratio" "$nr" "$lists (ceil(N/20)=$(( (n + 19) / 20 )))" "$total"
    say "N=$n: provider runs:$provider_times; floor runs:$floor_times"

    # Only N registrations may exist while N is measured: the listing is organization-wide.
    tf "$provider_dir" destroy -auto-approve -parallelism=50 || die "destroy of $n administrators failed"
done

# == Scale: delegated administrators (issue 13) ==
# Applies, refreshes and destroys N delegated administrators (BENCH_ADMIN_SIZES, default
# "1 20 200 1000") in one sandbox of 1,020 members, BENCH_ADMIN_RUNS cycles each (default 3;
# medians printed), and prints for each phase the provider's figures (wall, CPU, peak RSS) and
# the sandbox requests of the last cycle by operation. A create registers, then reads its own
# account (ListDelegatedServicesForAccount + DescribeAccount) and never lists; a refresh lists
# ceil(N/20) pages. before_pages: what apply listed before, each create re-reading the whole
# listing: N x ceil(N/20).
ADMIN_SIZES="${BENCH_ADMIN_SIZES:-1 20 200 1000}"
ADMIN_RUNS="${BENCH_ADMIN_RUNS:-3}"
# "Register ListDelegatedServicesForAccount DescribeAccount ListDelegatedAdministrators
# Deregister DescribeOrganization total": the scale sandbox's requests since its last reset.
admin_counts() {
    curl -fsS "$SCALE_ENDPOINT/_sandbox/requests" | "$PYTHON" -c '
import json, sys
r = json.load(sys.stdin)
ops = ["RegisterDelegatedAdministrator", "ListDelegatedServicesForAccount", "DescribeAccount",
       "ListDelegatedAdministrators", "DeregisterDelegatedAdministrator", "DescribeOrganization"]
print(" ".join(str(r["operations"].get(op, {}).get("total", 0)) for op in ops), r["total"])'
}
start_scale_sandbox 1020
export AWS_ENDPOINT_URL="$SCALE_ENDPOINT"
echo
echo "== scale: delegated administrators (load $(cut -d' ' -f1-3 /proc/loadavg), medians of $ADMIN_RUNS cycles)"
printf '%-5s %-8s %-8s %-8s %-8s %-9s %-9s %-10s %-10s %-11s %-8s %-6s %s\n' \
    N phase wall_s cpu_s rss_MiB Register ListSvcs DescrAcct ListPages Deregister DescrOrg total before_pages
for n in $ADMIN_SIZES; do
    dir="$WORK/admins-$n"
    mkdir -p "$dir"
    admins_config "$n" >"$dir/main.tf"
    declare -A admin_figures=() admin_requests=()
    for run in $(seq "$ADMIN_RUNS"); do
        say "admins N=$n: cycle $run of $ADMIN_RUNS"
        for phase in apply refresh destroy; do
            case "$phase" in
                apply) args=(apply -auto-approve -parallelism=50) ;;
                # The plan after apply: its refresh reads every administrator; must be empty.
                refresh) args=(plan -detailed-exitcode) ;;
                destroy) args=(destroy -auto-approve -parallelism=50) ;;
            esac
            curl -fsS -X POST "$SCALE_ENDPOINT/_sandbox/requests/reset" >/dev/null
            admin_figures[$phase]+="$(measured "$dir" "${args[@]}")"$'\n'
            admin_requests[$phase]="$(admin_counts)"
        done
    done
    for phase in apply refresh destroy; do
        read -r wall cpu rss <<<"$(printf '%s' "${admin_figures[$phase]}" | "$PYTHON" -c '
import statistics, sys
rows = [l.split() for l in sys.stdin if l.strip()]
print(" ".join("%.2f" % statistics.median(float(r[i]) for r in rows) for i in range(3)))')"
        read -r reg svcs descr pages dereg org total <<<"${admin_requests[$phase]}"
        before="-"
        [[ "$phase" == apply ]] && before="$(( n * ((n + 19) / 20) ))"
        printf '%-5s %-8s %-8s %-8s %-8s %-9s %-9s %-10s %-10s %-11s %-8s %-6s %s\n' \
            "$n" "$phase" "$wall" "$cpu" "$rss" "$reg" "$svcs" "$descr" "$pages" "$dereg" "$org" "$total" "$before"
        say "admins N=$n $phase runs (wall cpu rss): $(printf '%s' "${admin_figures[$phase]}" | tr '\n' ';')"
    done
    unset admin_figures admin_requests
done
stop_scale_sandbox
export AWS_ENDPOINT_URL="$ENDPOINT"


# == Scale: organization-wide root credential audit (issue 13) ==
# The organization data source over M members (mixed root credentials, `--seed-members`), with
# 50 ms added to every AWS call, default `max_concurrency`: one `terraform plan` reads it.
AUDIT_SIZES="${BENCH_AUDIT_SIZES:-1 20 200 1000}"
echo
echo "organization audit, 50 ms latency on every call, default max_concurrency (20):"
printf '%-6s %-8s %-8s %-9s %-9s %-13s %-11s %-22s %s\n' members wall_s cpu_s rss_MiB requests ListAccounts AssumeRoot per_account_calls sessions_at_once
for m in $AUDIT_SIZES; do
    start_scale_sandbox "$m"
    dir="$WORK/audit-$m"; mkdir -p "$dir"
    cat >"$dir/main.tf" <<'TF'
terraform {
  required_providers {
    centralroot = { source = "centralroot/centralroot" }
  }
}
provider "centralroot" {}
data "centralroot_organization_root_credentials" "all" {}
output "audited" { value = length(data.centralroot_organization_root_credentials.all.accounts) }
TF
    curl -fsS -X POST -H 'content-type: application/json' -d '{"latency_ms": 50}' \
        "$SCALE_ENDPOINT/_sandbox/faults" >/dev/null
    curl -fsS -X POST "$SCALE_ENDPOINT/_sandbox/requests/reset" >/dev/null
    figures="$(AWS_ENDPOINT_URL="$SCALE_ENDPOINT" measured "$dir" plan)"
    counts="$(curl -fsS "$SCALE_ENDPOINT/_sandbox/requests" | "$PYTHON" -c '
import json, sys
r = json.load(sys.stdin)
ops = r["operations"]
n = lambda op: ops.get(op, {}).get("total", 0)
members = len(r["root_sessions_opened"])
per = sum(n(op) for op in ("AssumeRoot", "GetLoginProfile", "ListAccessKeys", "GetAccessKeyLastUsed",
                           "ListSigningCertificates", "ListMFADevices")) / max(members, 1)
print(r["total"], n("ListAccounts"), n("AssumeRoot"), "%.2f" % per, r["max_root_sessions_at_work"])')"
    read -r wall cpu rss <<<"$figures"
    read -r total pages assumes per at_once <<<"$counts"
    printf '%-6s %-8s %-8s %-9s %-9s %-13s %-11s %-22s %s\n' "$m" "$wall" "$cpu" "$rss" "$total" "$pages" "$assumes" "$per" "$at_once"
done
stop_scale_sandbox


# == Scale: removal of root credentials across members (issue 13) ==
# N removals of every root credential (`centralroot_root_credentials_removal` with for_each) on
# members that hold everything (the scale sandbox's member 4k, of 4N generated: password, an
# access key, a signing certificate, an MFA device), applied at -parallelism=10 through the
# `measured` wrapper, then a plan whose refresh audits every member. Figures per run: wall,
# provider CPU and peak RSS (medians of BENCH_REMOVAL_RUNS, default 3: every run starts from the
# seed again), and the sandbox's request counts of the last run, which are the same every run:
# root sessions opened per task policy (with the most any account got), delete calls by
# operation, requests in all. One more apply of N=200 with every 3rd request throttled shows
# convergence under throttling with the same session counts.
REMOVAL_SIZES="${BENCH_REMOVAL_SIZES:-1 20 200 1000}"
REMOVAL_RUNS="${BENCH_REMOVAL_RUNS:-3}"

# `removal_control ROUTE [JSON]`: a POST to the scale sandbox's control plane.
removal_control() {
    local body="${2:-}"
    [[ -n "$body" ]] || body='{}'
    curl -fsS -X POST -H 'Content-Type: application/json' -d "$body" "$SCALE_ENDPOINT/_sandbox/$1" >/dev/null
}

# Prints the request counts of the scale sandbox since its last reset, on one line.
removal_counts() {
    curl -fsS "$SCALE_ENDPOINT/_sandbox/requests" | "$PYTHON" -c '
import json, sys
r = json.load(sys.stdin)
opened = {}
for account, policies in r.get("root_sessions_opened", {}).items():
    for policy, n in policies.items():
        total, accounts, most = opened.get(policy, (0, 0, 0))
        opened[policy] = (total + n, accounts + 1, max(most, n))
sessions = " ".join("%s=%d(accounts=%d,max_per_account=%d)" % (p.replace("RootUserCredentials", ""), *v)
                    for p, v in sorted(opened.items())) or "none"
ops = r["operations"]
deletes = " ".join("%s=%d" % (op, ops[op]["succeeded"]) for op in
                   ("DeleteLoginProfile", "DeleteAccessKey", "DeleteSigningCertificate", "DeactivateMFADevice")
                   if ops.get(op, {}).get("succeeded"))
root_signed = {op for calls in r.get("root_sessions", {}).values() for op in calls}
other = " ".join("%s=%d" % (op, c["total"]) for op, c in sorted(ops.items())
                 if op not in root_signed and op != "AssumeRoot")
throttled = sum(c["errors"].get("Throttling", 0) for c in ops.values())
print("AssumeRoot_opened: %s | deletes: %s | other: %s | requests=%d throttled=%d"
      % (sessions, deletes or "none", other or "none", r["total"], throttled))'
}

# `removal_config DIR N`: N removals on members 100000000000 + 4k.
removal_config() {
    "$PYTHON" - "$2" >"$1/main.tf" <<'PY'
import sys
n = int(sys.argv[1])
ids = ", ".join('"%012d"' % (100000000000 + 4 * k) for k in range(n))
print('terraform {\n  required_providers {\n    centralroot = { source = "centralroot/centralroot" }\n  }\n}\n')
print('resource "centralroot_root_credentials_removal" "member" {\n  for_each   = toset([%s])\n  account_id = each.value\n}' % ids)
PY
}

# `removal_medians` reads "wall cpu rss" lines and prints their medians.
removal_medians() {
    "$PYTHON" -c '
import statistics, sys
rows = [list(map(float, l.split())) for l in sys.stdin if l.strip()]
print(" ".join(("%.2f", "%.2f", "%.1f")[i] % statistics.median(r[i] for r in rows) for i in range(3)))'
}

echo
echo "-- removal of root credentials: N members holding everything, -parallelism=10 (medians of $REMOVAL_RUNS runs)"
printf '%-5s %-9s %-8s %-8s %-9s %s\n' N phase wall_s cpu_s rss_MiB "requests (last run)"
for n in $REMOVAL_SIZES; do
    start_scale_sandbox $(( 4 * n ))
    dir="$WORK/removal-$n"
    mkdir -p "$dir"
    removal_config "$dir" "$n"
    apply_rows=""; plan_rows=""
    for run in $(seq "$REMOVAL_RUNS"); do
        # Every run removes the credentials again: back to the seed, nothing in state.
        removal_control reset
        rm -f "$dir/terraform.tfstate" "$dir/terraform.tfstate.backup"
        say "removal N=$n: run $run"
        removal_control requests/reset
        apply_rows+="$(AWS_ENDPOINT_URL="$SCALE_ENDPOINT" measured "$dir" apply -auto-approve -parallelism=10)"$'\n'
        apply_counts="$(removal_counts)"
        removal_control requests/reset
        plan_rows+="$(AWS_ENDPOINT_URL="$SCALE_ENDPOINT" measured "$dir" plan -detailed-exitcode -parallelism=10)"$'\n'
        plan_counts="$(removal_counts)"
    done
    printf '%-5s %-9s %-26s %s\n' "$n" apply "$(removal_medians <<<"$apply_rows" | awk '{printf "%-8s %-8s %-9s", $1, $2, $3}')" "$apply_counts"
    printf '%-5s %-9s %-26s %s\n' "$n" refresh "$(removal_medians <<<"$plan_rows" | awk '{printf "%-8s %-8s %-9s", $1, $2, $3}')" "$plan_counts"
    say "removal N=$n: apply runs: $(tr '\n' ';' <<<"$apply_rows") plan runs: $(tr '\n' ';' <<<"$plan_rows")"
done

# Throttled: N=200 once, every 3rd request answered `Throttling` (the SDK retries with backoff).
start_scale_sandbox 800
dir="$WORK/removal-throttled"
mkdir -p "$dir"
removal_config "$dir" 200
removal_control faults '{"throttle_every": 3}'
say "removal N=200, every 3rd request throttled"
removal_control requests/reset
row="$(AWS_ENDPOINT_URL="$SCALE_ENDPOINT" measured "$dir" apply -auto-approve -parallelism=10)"
printf '%-5s %-9s %-26s %s\n' 200 apply/3T "$(awk '{printf "%-8s %-8s %-9s", $1, $2, $3}' <<<"$row")" "$(removal_counts)"
removal_control requests/reset
row="$(AWS_ENDPOINT_URL="$SCALE_ENDPOINT" measured "$dir" plan -detailed-exitcode -parallelism=10)"
printf '%-5s %-9s %-26s %s\n' 200 plan/3T "$(awk '{printf "%-8s %-8s %-9s", $1, $2, $3}' <<<"$row")" "$(removal_counts)"
stop_scale_sandbox
