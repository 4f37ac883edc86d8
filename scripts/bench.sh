#!/usr/bin/env bash
# Measures the provider in one run of one build and writes docs/performance.md whole: a header
# (date, commit, machine, Terraform), one table of figures, and the reliability table. Every
# figure carries its unit; a section that repeats gives medians; ratios are against baselines
# measured in the same run. Earlier figures are history, kept in CHANGELOG.md, never here.
#
# Sections, all against sandboxes (the provider binary's `sandbox` command) on loopback, with
# Terraform 1.15 (CENTRALROOT_TF_1_15, default .tools/bin/terraform-1.15):
#   - the release binary's size; exec -> handshake line and idle RSS (benches/handshake.rs);
#   - `terraform plan` over N delegated administrators in state (BENCH_SIZES, default
#     "1 20 200") against the same plan over N `terraform_data` (Terraform's floor, the
#     baseline), medians of BENCH_RUNS (default 7, at least 5) interleaved runs, and the
#     sandbox requests of one refresh against ceil(N/20) listing pages;
#   - at scale (BENCH_ADMIN_SIZES, BENCH_AUDIT_SIZES, BENCH_REMOVAL_SIZES, default
#     "1 20 200 1000"): wall time, provider CPU and peak RSS, and request counts against what
#     the provider should send, of applying, refreshing and destroying N delegated
#     administrators (medians of BENCH_ADMIN_RUNS cycles, default 3), of the organization-wide
#     root credential audit with 50 ms added to every call (one run), and of removing the root
#     credentials of N members (medians of BENCH_REMOVAL_RUNS, default 3), then
#     BENCH_THROTTLED_SIZE (default 200, 0 to skip) of them with every 3rd request throttled
#     (one run);
#   - at AWS's rate: a token bucket on AssumeRoot (BENCH_RATE_LIMIT, RATE/BURST per second,
#     default 20/40) and 50 ms added to every call; the organization audit of
#     BENCH_RATE_MEMBERS generated members (default 1000, plus the 3 seeded; 0 to skip) and the
#     removal from BENCH_RATE_REMOVALS members (default 200, 0 to skip): goodput (members done
#     per second of Terraform's command) against the rate, the share of requests throttled,
#     and wall time against the ideal, root sessions / RATE;
#   - reliability: every end-to-end test about faults, interrupts, crashes, throttling and
#     secrets, listed by the e2e harness itself (`cargo test --test e2e -- --list`), run one
#     trial at a time with its result and time (BENCH_RELIABILITY=list only lists them).
#
# Environment: the settings above; CENTRALROOT_BENCH_BINARY (measure this binary instead of
# building the release one); CENTRALROOT_BENCH_E2E (list and run the reliability tests of this
# end-to-end test binary instead of building it); BENCH_OUT (write there instead of docs/performance.md). One
# section alone, e.g. the rate: BENCH_SIZES= BENCH_ADMIN_SIZES= BENCH_AUDIT_SIZES=
# BENCH_REMOVAL_SIZES= BENCH_THROTTLED_SIZE=0 BENCH_RELIABILITY=list BENCH_OUT=/tmp/page.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUNS="${BENCH_RUNS:-7}"
SIZES="${BENCH_SIZES:-1 20 200}"
ADMIN_SIZES="${BENCH_ADMIN_SIZES:-1 20 200 1000}"
ADMIN_RUNS="${BENCH_ADMIN_RUNS:-3}"
AUDIT_SIZES="${BENCH_AUDIT_SIZES:-1 20 200 1000}"
REMOVAL_SIZES="${BENCH_REMOVAL_SIZES:-1 20 200 1000}"
REMOVAL_RUNS="${BENCH_REMOVAL_RUNS:-3}"
THROTTLED="${BENCH_THROTTLED_SIZE:-200}"
RATE_LIMIT="${BENCH_RATE_LIMIT:-20/40}"
RATE_MEMBERS="${BENCH_RATE_MEMBERS:-1000}"
RATE_REMOVALS="${BENCH_RATE_REMOVALS:-200}"
RELIABILITY="${BENCH_RELIABILITY:-run}"
OUT="${BENCH_OUT:-$ROOT/docs/performance.md}"
TF="${CENTRALROOT_TF_1_15:-$ROOT/.tools/bin/terraform-1.15}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
PYTHON="${PYTHON:-$(command -v python3 || command -v python3.11 || echo python3)}"

say() { echo "bench: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

(( RUNS >= 5 )) || die "BENCH_RUNS must be at least 5 (medians of at least 5 runs)"
[[ "$RELIABILITY" == run || "$RELIABILITY" == list ]] || die "BENCH_RELIABILITY is run or list"
[[ "$RATE_LIMIT" =~ ^[0-9]+(\.[0-9]+)?/[0-9]+$ ]] || die "BENCH_RATE_LIMIT is RATE/BURST, e.g. 20/40"
[[ -x "$TF" ]] || die "$TF is missing: run scripts/install-terraform.sh or set CENTRALROOT_TF_1_15"

WORK="$(mktemp -d)"
SANDBOX_PID=""
SCALE_PID=""
stop_scale_sandbox() {
    if [[ -n "$SCALE_PID" ]]; then kill "$SCALE_PID" 2>/dev/null || true; wait "$SCALE_PID" 2>/dev/null || true; fi
    SCALE_PID=""
}
cleanup() {
    stop_scale_sandbox
    if [[ -n "$SANDBOX_PID" ]]; then kill "$SANDBOX_PID" 2>/dev/null || true; wait "$SANDBOX_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# --- The run: what was measured, on what -----------------------------------------------------
# The commit, `-dirty` when tracked files differ from it (this file's output aside: a previous
# run's docs/performance.md does not change the build).
COMMIT="$(git rev-parse --short HEAD)"
git diff --quiet HEAD -- . ':(exclude)docs/performance.md' || COMMIT="$COMMIT-dirty"
STARTED="$(date -u '+%Y-%m-%d %H:%M UTC')"
STARTED_S=$SECONDS
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
CPU_MODEL="$(awk -F': ' '/^model name/ { model = $2 } END { print model }' /proc/cpuinfo)"
MEMORY_GIB="$(awk '/^MemTotal:/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)"
# The whole output, then its first line: `| head -1` under pipefail fails when head exits
# before Terraform writes its second line (SIGPIPE).
TF_VERSION="$(TF_CLI_CONFIG_FILE=/dev/null "$TF" version)"
TF_VERSION="${TF_VERSION%%$'\n'*}"
RUSTC_VERSION="$(rustc --version)"

if [[ -n "${CENTRALROOT_BENCH_BINARY:-}" ]]; then
    BIN="$CENTRALROOT_BENCH_BINARY"
    BUILD="the binary $BIN (CENTRALROOT_BENCH_BINARY)"
else
    say "building the release binary"
    cargo build --quiet --release --bin terraform-provider-centralroot
    BIN="$TARGET/release/terraform-provider-centralroot"
    BUILD="release build (\`cargo build --release\`: stripped, thin LTO), $RUSTC_VERSION"
fi
[[ -x "$BIN" ]] || die "no provider binary at $BIN"
echo "== centralroot benchmark: $STARTED, commit $COMMIT, $(nproc) cores ($CPU_MODEL), load $LOAD_START, $TF_VERSION"

# Every figure, one per line, tab-separated:
#   section, figure, value, unit, baseline value (same unit), what the baseline is, how measured.
FIGURES="$WORK/figures.tsv"
: >"$FIGURES"
figure() {
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$FIGURES"
    printf '  %-14s %-58s %12s %-8s %s\n' "$1" "$2" "$3" "$4" "${5:+(baseline $5 $4: $6)}"
}

# Median of the numbers on stdin.
median() { "$PYTHON" -c 'import statistics,sys; print(statistics.median(float(x) for x in sys.stdin.read().split()))'; }
# Medians of the columns of the whitespace-separated rows on stdin, with the given formats.
column_medians() {
    "$PYTHON" -c '
import statistics, sys
formats = sys.argv[1:]
rows = [list(map(float, l.split())) for l in sys.stdin if l.strip()]
print(" ".join(f % statistics.median(r[i] for r in rows) for i, f in enumerate(formats)))' "$@"
}
now_ns() { date +%s%N; }
# Seconds from two now_ns readings.
seconds() { "$PYTHON" -c "print('%.3f' % (($2 - $1) / 1e9))"; }

# --- Reliability ------------------------------------------------------------------------------
# The e2e harness lists its trials (one per test and CLI); the reliability ones are those of
# the modules about faults, interrupts, crashes, throttling and secrets, and any other test
# named for throttling or faults. Each runs alone (`--exact`), so its time is its own; they run
# first, on the test build of the same commit, before the sandboxes and the environment below.
RELIABLE='^(reliability|interruptions|removal_interruptions|root_credentials_scale|secrets)::|throttl|fault|partial_failures'
RESULTS="$WORK/reliability.tsv"
: >"$RESULTS"
# CENTRALROOT_BENCH_E2E: this end-to-end test binary instead of building one (the test suite's
# run of this script names its own).
e2e="${CENTRALROOT_BENCH_E2E:-}"
[[ -n "$e2e" ]] || say "building the end-to-end tests"
[[ -n "$e2e" ]] || e2e="$(cargo test --no-run --test e2e --message-format=json 2>/dev/null | "$PYTHON" -c '
import json, sys
for line in sys.stdin:
    message = json.loads(line)
    if message.get("reason") == "compiler-artifact" and message["target"]["name"] == "e2e" and message.get("executable"):
        print(message["executable"])')"
[[ -x "$e2e" ]] || die "no end-to-end test binary"
trials="$("$e2e" --list)"
trials="$(sed -n 's/: test$//p' <<<"$trials")"
failed=0
while read -r trial; do
    [[ "$trial" =~ $RELIABLE ]] || continue
    if [[ "$RELIABILITY" == list ]]; then
        printf '%s\tlisted\t\n' "$trial" >>"$RESULTS"
        continue
    fi
    say "reliability: $trial"
    start="$(now_ns)"
    status=0
    output="$("$e2e" --exact "$trial" --test-threads=1 2>&1 </dev/null)" || status=$?
    end="$(now_ns)"
    if (( status != 0 )); then
        result=failed; failed=1
        printf '%s\n' "$output" >"$WORK/failed-$trial.log"
        say "FAILED: $trial (output kept in the run's log above)"
        printf '%s\n' "$output" >&2
    elif [[ "$output" == *"1 ignored"* ]]; then
        result="skipped: $(sed -n 's/.*ignored (\(.*\))$/\1/p' <<<"$output")"
    else
        result=passed
    fi
    printf '%s\t%s\t%s\n' "$trial" "$result" "$(seconds "$start" "$end")" >>"$RESULTS"
done <<<"$trials"

echo
say "binary size, handshake and idle RSS"
size_bytes="$(stat -c %s "$BIN")"
figure binary "release binary size" "$("$PYTHON" -c "print('%.1f' % ($size_bytes / 1048576))")" MiB "" "" "$size_bytes bytes"
handshake_out="$(cargo test --quiet --bench handshake -- --provider "$BIN" --runs 15)"
read -r hs_median hs_min hs_max <<<"$("$PYTHON" -c '
import re, sys
text = sys.stdin.read()
m = re.search(r"handshake_ms median=([\d.]+) min=([\d.]+) max=([\d.]+)", text)
print(*m.groups())' <<<"$handshake_out")"
rss_kib="$("$PYTHON" -c '
import re, sys
print(re.search(r"idle_rss_kib median=(\d+)", sys.stdin.read()).group(1))' <<<"$handshake_out")"
figure startup "exec → handshake line" "$hs_median" ms "" "" "median of 15 starts (min $hs_min, max $hs_max)"
figure startup "idle RSS (VmRSS after the handshake)" "$("$PYTHON" -c "print('%.1f' % ($rss_kib / 1024))")" MiB "" "" "median of 15 starts ($rss_kib KiB)"

# --- Plans against Terraform's floor ----------------------------------------------------------
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
for _ in $(seq 200); do [[ -s "$WORK/sandbox.out" ]] && break; sleep 0.05; done
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
    seconds "$start" "$end"
}

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

# `operation_totals URL OP...`: the sandbox's request total of each OP since its last reset,
# then all requests.
operation_totals() {
    local url="$1"
    shift
    curl -fsS "$url/_sandbox/requests" | "$PYTHON" -c '
import json, sys
r = json.load(sys.stdin)
print(" ".join(str(r["operations"].get(op, {}).get("total", 0)) for op in sys.argv[1:]), r["total"])' "$@"
}

# All requests the scale sandbox answered since its last reset.
request_total() {
    curl -fsS "$SCALE_ENDPOINT/_sandbox/requests" | "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["total"])'
}

say "plans over N delegated administrators and over N terraform_data"
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
    read -r lists total <<<"$(operation_totals "$ENDPOINT" ListDelegatedAdministrators)"

    provider_times=""; floor_times=""; norefresh_times=""
    for _ in $(seq "$RUNS"); do
        # Interleaved, so drift on the shared machine hits both sides alike.
        provider_times+=" $(plan_seconds "$provider_dir")"
        floor_times+=" $(plan_seconds "$floor_dir")"
        norefresh_times+=" $(plan_seconds "$provider_dir" -refresh=false)"
    done
    p="$(echo "$provider_times" | median)"; f="$(echo "$floor_times" | median)"
    nr="$(echo "$norefresh_times" | median)"
    say "N=$n: provider runs:$provider_times; floor runs:$floor_times; -refresh=false runs:$norefresh_times"
    figure plan "terraform plan, N = $n administrators in state" "$p" s "$f" "the same plan over N terraform_data" "median of $RUNS"
    figure plan "terraform plan -refresh=false (no AWS call), N = $n" "$nr" s "$f" "the same plan over N terraform_data" "median of $RUNS"
    figure plan "requests per refresh, N = $n" "$total" requests "$(( (n + 19) / 20 ))" "ceil(N/20) ListDelegatedAdministrators pages" "$lists ListDelegatedAdministrators, exact"

    # Only N registrations may exist while N is measured: the listing is organization-wide.
    tf "$provider_dir" destroy -auto-approve -parallelism=50 || die "destroy of $n administrators failed"
done

# --- What the provider processes cost (the scale sections) -------------------------------------
# A wrapper in $WORK/measured stands in for the provider: it runs the real binary as its child
# and, when it ends, appends the child's CPU seconds (user + system) and peak RSS (KiB) to
# $USAGE_LOG. Terraform starts several provider processes per command; `measured` sums their
# CPU and keeps the largest peak. The plans above use the bare binary.
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

# `cost SECTION WHAT "WALL CPU RSS" HOW`: the three figures of a measured command.
cost() {
    local wall cpu rss
    read -r wall cpu rss <<<"$3"
    figure "$1" "$2: wall time" "$wall" s "" "" "$4"
    figure "$1" "$2: provider CPU" "$cpu" s "" "" "$4; user + system of every provider process"
    figure "$1" "$2: provider peak RSS" "$rss" MiB "" "" "$4; the largest provider process"
}

# `start_scale_sandbox MEMBERS`: a second sandbox (`--seed-members`: mixed root credentials,
# trusted access and both features on); sets SCALE_ENDPOINT.
start_scale_sandbox() {
    stop_scale_sandbox
    # Emptied first: the ready line of the sandbox before must not pass for this one's.
    : >"$WORK/scale.out"
    RUST_LOG=warn "$BIN" sandbox --listen 127.0.0.1:0 --seed-members "$1" \
        >"$WORK/scale.out" 2>"$WORK/scale.err" &
    SCALE_PID=$!
    for _ in $(seq 200); do [[ -s "$WORK/scale.out" ]] && break; sleep 0.05; done
    [[ -s "$WORK/scale.out" ]] || die "the scale sandbox did not start: $(cat "$WORK/scale.err")"
    # The ready line's values are single-quoted for the shell; this takes the URL alone.
    SCALE_ENDPOINT="$(head -1 "$WORK/scale.out" | sed -E "s/.*AWS_ENDPOINT_URL='?([^' ]+)'?.*/\\1/")"
}

# `control ROUTE [JSON]`: a POST to the scale sandbox's control plane.
control() {
    local body="${2:-}"
    [[ -n "$body" ]] || body='{}'
    curl -fsS -X POST -H 'Content-Type: application/json' -d "$body" "$SCALE_ENDPOINT/_sandbox/$1" >/dev/null
}

# --- Scale: delegated administrators ---------------------------------------------------------
# Applies, refreshes and destroys N delegated administrators in one sandbox of 1,020 members,
# ADMIN_RUNS cycles each. A create registers, then reads its own account
# (ListDelegatedServicesForAccount + DescribeAccount) and never lists: 3N requests, plus one
# DescribeOrganization per provider process (2). A refresh lists ceil(N/20) pages; a destroy
# refreshes, then deregisters N.
start_scale_sandbox 1020
for n in $ADMIN_SIZES; do
    dir="$WORK/admins-$n"
    mkdir -p "$dir"
    admins_config "$n" >"$dir/main.tf"
    declare -A rows=() totals=()
    for run in $(seq "$ADMIN_RUNS"); do
        say "admins N=$n: cycle $run of $ADMIN_RUNS"
        for phase in apply refresh destroy; do
            case "$phase" in
                apply) args=(apply -auto-approve -parallelism=50) ;;
                # The plan after apply: its refresh reads every administrator; must be empty.
                refresh) args=(plan -detailed-exitcode) ;;
                destroy) args=(destroy -auto-approve -parallelism=50) ;;
            esac
            control requests/reset
            rows[$phase]+="$(AWS_ENDPOINT_URL="$SCALE_ENDPOINT" measured "$dir" "${args[@]}")"$'\n'
            totals[$phase]="$(request_total)"
        done
    done
    pages=$(( (n + 19) / 20 ))
    for phase in apply refresh destroy; do
        case "$phase" in
            apply) model=$(( 3 * n + 2 )); formula="3N + 2 (register, 2 reads per account, DescribeOrganization per process)" ;;
            refresh) model=$pages; formula="ceil(N/20) listing pages" ;;
            destroy) model=$(( pages + n )); formula="ceil(N/20) pages + N deregistrations" ;;
        esac
        cost admins "N = $n, $phase" "$(column_medians %.2f %.2f %.1f <<<"${rows[$phase]}")" "median of $ADMIN_RUNS cycles"
        figure admins "N = $n, $phase: requests" "${totals[$phase]}" requests "$model" "$formula" "exact, the same every cycle"
    done
    unset rows totals
done
stop_scale_sandbox

# --- Scale: organization-wide root credential audit -------------------------------------------
# The organization data source over the 3 default and M generated members, 50 ms added to every
# AWS call, default max_concurrency (20): one plan reads it. Per member: AssumeRoot, the
# account summary, the list of each kind it flags and GetAccessKeyLastUsed per root access key
# (4.25 in this seed's mix: everything, a password, two keys, nothing).

# `audit_config DIR`: the organization data source alone, in DIR/main.tf.
audit_config() {
    cat >"$1/main.tf" <<'TF'
terraform {
  required_providers {
    centralroot = { source = "centralroot/centralroot" }
  }
}
provider "centralroot" {}
data "centralroot_organization_root_credentials" "all" {}
output "audited" { value = length(data.centralroot_organization_root_credentials.all.accounts) }
TF
}

# `audit_model M`: the requests an audit of the 3 seeded and M generated members needs: the
# listing, DescribeOrganization, and per member 2 + a list per kind held + 1 per access key.
audit_model() {
    "$PYTHON" -c '
import math, sys
m = int(sys.argv[1])
# By n % 4: everything (4 lists, 1 key), a password (1 list), two keys (1 list, 2 keys), nothing.
per_kind = [2 + 4 + 1, 2 + 1, 2 + 1 + 2, 2]
members = [per_kind[n % 4] for n in range(m)] + [per_kind[0], per_kind[0], per_kind[3]]
print(math.ceil((m + 4) / 20) + 1 + sum(members))' "$1"
}
for m in $AUDIT_SIZES; do
    start_scale_sandbox "$m"
    dir="$WORK/audit-$m"; mkdir -p "$dir"
    audit_config "$dir"
    control faults '{"latency_ms": 50}'
    control requests/reset
    say "audit of $(( m + 3 )) members"
    usage="$(AWS_ENDPOINT_URL="$SCALE_ENDPOINT" measured "$dir" plan)"
    read -r total pages assumes per at_once <<<"$(curl -fsS "$SCALE_ENDPOINT/_sandbox/requests" | "$PYTHON" -c '
import json, sys
r = json.load(sys.stdin)
ops = r["operations"]
n = lambda op: ops.get(op, {}).get("total", 0)
members = max(len(r["root_sessions_opened"]), 1)
per = sum(n(op) for op in ("AssumeRoot", "GetAccountSummary", "GetLoginProfile", "ListAccessKeys",
                           "GetAccessKeyLastUsed", "ListSigningCertificates", "ListMFADevices")) / members
print(r["total"], n("ListAccounts"), n("AssumeRoot"), "%.2f" % per, r["max_root_sessions_at_work"])')"
    members=$(( m + 3 ))
    cost audit "$members members" "$usage" "one run, 50 ms latency"
    figure audit "$members members: ListAccounts pages" "$pages" pages "$(( (members + 1 + 19) / 20 ))" "ceil((members + 1) / 20)" "exact"
    figure audit "$members members: AssumeRoot" "$assumes" sessions "$members" "one per member" "exact"
    figure audit "$members members: calls per member" "$per" requests "" "" "AssumeRoot, GetAccountSummary, a list per kind it flags, GetAccessKeyLastUsed per key"
    figure audit "$members members: root sessions at work at once (most)" "$at_once" sessions "20" "the adaptive limit's start" "sandbox gauge"
    figure audit "$members members: requests" "$total" requests "$(audit_model "$m")" "2 per member, a list per kind held, 1 per key, the listing" "exact"
done
stop_scale_sandbox

# --- Scale: removal of root credentials --------------------------------------------------------
# N removals of every root credential on members that hold one of each kind (the scale
# sandbox's member 4k of 4N), applied at -parallelism=10, then a plan whose refresh audits
# every member; every run starts from the seed with empty state. Per member an apply sends 24
# requests: its plan reads the member to list what it deletes (AssumeRoot, GetAccountSummary and
# the 5 reads of a member holding every kind), Terraform plans the create again at apply in a
# new provider process, which reads it again, and the removal itself sends 10 (AssumeRoot, 5
# audit calls, 4 deletions); a refresh of the cleaned member sends 2 (AssumeRoot,
# GetAccountSummary). Plus DescribeOrganization per provider process.
removal_config() {
    "$PYTHON" - "$2" >"$1/main.tf" <<'PY'
import sys
n = int(sys.argv[1])
ids = ", ".join('"%012d"' % (100000000000 + 4 * k) for k in range(n))
print('terraform {\n  required_providers {\n    centralroot = { source = "centralroot/centralroot" }\n  }\n}\n')
print('resource "centralroot_root_credentials_removal" "member" {\n  for_each   = toset([%s])\n  account_id = each.value\n}' % ids)
PY
}
# Root sessions opened, the most in one account, throttled answers, all requests.
removal_counts() {
    curl -fsS "$SCALE_ENDPOINT/_sandbox/requests" | "$PYTHON" -c '
import json, sys
r = json.load(sys.stdin)
opened = [n for policies in r.get("root_sessions_opened", {}).values() for n in policies.values()]
# Each service words throttling its own way: IAM and STS "Throttling", Organizations
# "TooManyRequestsException".
codes = ("Throttling", "TooManyRequestsException")
throttled = sum(c["errors"].get(code, 0) for c in r["operations"].values() for code in codes)
print(sum(opened), max(opened, default=0), throttled, r["total"])'
}
for n in $REMOVAL_SIZES; do
    start_scale_sandbox $(( 4 * n ))
    dir="$WORK/removal-$n"
    mkdir -p "$dir"
    removal_config "$dir" "$n"
    apply_rows=""; plan_rows=""
    for run in $(seq "$REMOVAL_RUNS"); do
        control reset
        rm -f "$dir/terraform.tfstate" "$dir/terraform.tfstate.backup"
        say "removal N=$n: run $run of $REMOVAL_RUNS"
        control requests/reset
        apply_rows+="$(AWS_ENDPOINT_URL="$SCALE_ENDPOINT" measured "$dir" apply -auto-approve -parallelism=10)"$'\n'
        read -r apply_sessions apply_most _ apply_total <<<"$(removal_counts)"
        control requests/reset
        plan_rows+="$(AWS_ENDPOINT_URL="$SCALE_ENDPOINT" measured "$dir" plan -detailed-exitcode -parallelism=10)"$'\n'
        read -r plan_sessions plan_most _ plan_total <<<"$(removal_counts)"
    done
    how="median of $REMOVAL_RUNS runs"
    cost removal "N = $n, apply" "$(column_medians %.2f %.2f %.1f <<<"$apply_rows")" "$how"
    figure removal "N = $n, apply: root sessions opened" "$apply_sessions" sessions "$(( 3 * n ))" "two audits and one removal per member" "exact; at most $apply_most in one account"
    figure removal "N = $n, apply: requests" "$apply_total" requests "$(( 24 * n + 2 ))" "24N + 2" "exact"
    cost removal "N = $n, refresh (plan)" "$(column_medians %.2f %.2f %.1f <<<"$plan_rows")" "$how"
    figure removal "N = $n, refresh: root sessions opened" "$plan_sessions" sessions "$n" "one per member" "exact; at most $plan_most in one account"
    figure removal "N = $n, refresh: requests" "$plan_total" requests "$(( 2 * n + 1 ))" "2N + 1" "exact"
done

# Throttled: N members once, every 3rd request answered `Throttling`; the SDK retries within
# each session, and the adaptive limit lowers the sessions at work.
dir="$WORK/removal-throttled"
mkdir -p "$dir"
if (( THROTTLED > 0 )); then
    start_scale_sandbox $(( 4 * THROTTLED ))
    removal_config "$dir" "$THROTTLED"
    control faults '{"throttle_every": 3}'
fi
for phase in apply refresh; do
    (( THROTTLED > 0 )) || break
    case "$phase" in
        apply) args=(apply -auto-approve -parallelism=10); model=$(( 24 * THROTTLED + 2 )); formula="24N + 2 answered"
            opened=$(( 3 * THROTTLED )); per="two audits and one removal per member" ;;
        refresh) args=(plan -detailed-exitcode -parallelism=10); model=$(( 2 * THROTTLED + 1 )); formula="2N + 1 answered"
            opened=$THROTTLED; per="one per member" ;;
    esac
    say "removal N=$THROTTLED, every 3rd request throttled: $phase"
    control requests/reset
    usage="$(AWS_ENDPOINT_URL="$SCALE_ENDPOINT" measured "$dir" "${args[@]}")"
    read -r sessions most throttled total <<<"$(removal_counts)"
    cost throttled "N = $THROTTLED, $phase" "$usage" "one run, every 3rd request throttled"
    figure throttled "N = $THROTTLED, $phase: root sessions opened" "$sessions" sessions "$opened" "$per" "exact; at most $most in one account"
    figure throttled "N = $THROTTLED, $phase: requests answered" "$(( total - throttled ))" requests "$model" "$formula" "exact; $throttled more answered Throttling"
done
stop_scale_sandbox

# --- Scale: root sessions at AWS's rate -------------------------------------------------------
# AWS throttles AssumeRoot with a token bucket per calling account. Here the sandbox's bucket
# holds BURST and refills RATE per second, and 50 ms are added to every call. The audit is the
# organization data source over the 3 seeded and RATE_MEMBERS generated members (one plan);
# the removal, RATE_REMOVALS removals of every kind at -parallelism=20 (one apply from empty
# state: its plan reads each member to list what it deletes, Terraform plans the create again at
# apply in a new provider process, which reads it again, then the removal: three root sessions
# per member). Goodput: members done per second of Terraform's whole command, against what the
# bucket allows, RATE / sessions per member; the ideal wall time: sessions / RATE (what the
# bucket lets through, its burst aside).
IFS=/ read -r rate burst <<<"$RATE_LIMIT"
rate_faults="{\"latency_ms\": 50, \"rate_limits\": [{\"operation\": \"AssumeRoot\", \"per_second\": $rate, \"burst\": $burst}]}"
# `rate_figures WHAT MEMBERS PER "WALL CPU RSS" HOW`: the figures of one run at the bucket's
# rate, PER root sessions opened per member.
rate_figures() {
    local what="$1" members="$2" per="$3" usage="$4" how="$5" wall sessions throttled total
    read -r wall _ <<<"$usage"
    read -r sessions _ throttled total <<<"$(removal_counts)"
    cost rate "$what" "$usage" "$how"
    figure rate "$what: root sessions opened" "$sessions" sessions "$(( per * members ))" "$per per member" "exact"
    figure rate "$what: goodput" "$("$PYTHON" -c "print('%.2f' % ($members / $wall))")" "members/s" "$("$PYTHON" -c "print('%.2f' % ($rate / $per))")" "the bucket's rate / $per" "$members members / wall time; target at least 90 %"
    figure rate "$what: requests throttled" "$("$PYTHON" -c "print('%.2f' % (100 * $throttled / $total))")" "%" "5" "the target, at most" "$throttled of $total requests answered Throttling"
    figure rate "$what: wall time against the ideal" "$wall" s "$("$PYTHON" -c "print('%.2f' % ($per * $members / $rate))")" "sessions / rate" "target at most 1.15×"
}
if (( RATE_MEMBERS > 0 )); then
    start_scale_sandbox "$RATE_MEMBERS"
    dir="$WORK/rate-audit"; mkdir -p "$dir"
    audit_config "$dir"
    control faults "$rate_faults"
    control requests/reset
    members=$(( RATE_MEMBERS + 3 ))
    say "audit of $members members, AssumeRoot at $rate per second (burst $burst)"
    usage="$(AWS_ENDPOINT_URL="$SCALE_ENDPOINT" measured "$dir" plan)"
    rate_figures "audit of $members members" "$members" 1 "$usage" "one run, $RATE_LIMIT AssumeRoot per second, 50 ms latency"
fi
if (( RATE_REMOVALS > 0 )); then
    start_scale_sandbox $(( 4 * RATE_REMOVALS ))
    dir="$WORK/rate-removal"; mkdir -p "$dir"
    removal_config "$dir" "$RATE_REMOVALS"
    control faults "$rate_faults"
    control requests/reset
    say "removal from $RATE_REMOVALS members, AssumeRoot at $rate per second (burst $burst)"
    usage="$(AWS_ENDPOINT_URL="$SCALE_ENDPOINT" measured "$dir" apply -auto-approve -parallelism=20)"
    rate_figures "removal from $RATE_REMOVALS members" "$RATE_REMOVALS" 3 "$usage" "one run, $RATE_LIMIT AssumeRoot per second, 50 ms latency, -parallelism=20"
fi
stop_scale_sandbox
kill "$SANDBOX_PID" 2>/dev/null || true; wait "$SANDBOX_PID" 2>/dev/null || true; SANDBOX_PID=""

# --- docs/performance.md ----------------------------------------------------------------------
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"
ELAPSED_MIN=$(( (SECONDS - STARTED_S + 59) / 60 ))
export STARTED COMMIT BUILD TF_VERSION CPU_MODEL MEMORY_GIB LOAD_START LOAD_END ELAPSED_MIN \
    RUNS SIZES ADMIN_SIZES ADMIN_RUNS AUDIT_SIZES REMOVAL_SIZES REMOVAL_RUNS THROTTLED RELIABILITY \
    RATE_LIMIT RATE_MEMBERS RATE_REMOVALS
CORES="$(nproc)"
export CORES
"$PYTHON" - "$FIGURES" "$RESULTS" "$OUT" <<'PY'
import collections, os, sys

figures_path, results_path, out_path = sys.argv[1:]
env = os.environ

def number(text):
    """A figure as printed: thousands separated, decimals kept."""
    if text == "":
        return ""
    if "." in text:
        whole, frac = text.split(".", 1)
        return f"{int(whole or 0):,}.{frac}"
    return f"{int(text):,}"

SECTIONS = {
    "binary": "binary",
    "startup": "start",
    "plan": "plan vs floor",
    "admins": "delegated administrators",
    "audit": "organization audit",
    "removal": "credential removal",
    "throttled": "removal, throttled",
    "rate": "at AWS's rate",
}

lines = [
    "# Performance and reliability",
    "",
    "<!-- Written by scripts/bench.sh from one run; do not edit. Earlier figures: CHANGELOG.md. -->",
    "",
    "What the provider costs and how it behaves when AWS, the user or the machine misbehave, "
    "measured by one run of `scripts/bench.sh` on one build. Run it again to replace this page; "
    "figures of earlier runs are history, in [CHANGELOG.md](../CHANGELOG.md).",
    "",
    "| run | |",
    "| --- | --- |",
    f"| date | {env['STARTED']}, {env['ELAPSED_MIN']} min |",
    f"| commit | `{env['COMMIT']}` |",
    f"| build | {env['BUILD']} |",
    f"| machine | {env['CORES']} cores ({env['CPU_MODEL']}), {env['MEMORY_GIB']} GiB; load average "
    f"{env['LOAD_START']} at the start, {env['LOAD_END']} at the end (1, 5, 15 min) |",
    f"| Terraform | {env['TF_VERSION']} |",
    f"| settings | `BENCH_RUNS={env['RUNS']}` `BENCH_SIZES=\"{env['SIZES']}\"` "
    f"`BENCH_ADMIN_SIZES=\"{env['ADMIN_SIZES']}\"` `BENCH_ADMIN_RUNS={env['ADMIN_RUNS']}` "
    f"`BENCH_AUDIT_SIZES=\"{env['AUDIT_SIZES']}\"` `BENCH_REMOVAL_SIZES=\"{env['REMOVAL_SIZES']}\"` "
    f"`BENCH_REMOVAL_RUNS={env['REMOVAL_RUNS']}` `BENCH_THROTTLED_SIZE={env['THROTTLED']}` "
    f"`BENCH_RATE_LIMIT={env['RATE_LIMIT']}` `BENCH_RATE_MEMBERS={env['RATE_MEMBERS']}` "
    f"`BENCH_RATE_REMOVALS={env['RATE_REMOVALS']}` |",
    "",
    "```sh",
    "scripts/install-terraform.sh   # Terraform 1.15.5 in .tools/bin (once)",
    "scripts/bench.sh               # release build, every figure, then this page",
    "```",
    "",
    "## Figures",
    "",
    "Everything runs against sandboxes (`terraform-provider-centralroot sandbox`) on loopback. "
    "The *baseline* of a figure is measured in the same run: for plan times, the same plan over "
    "as many `terraform_data` resources (Terraform's own cost, no plugin process); for request "
    "counts, what the provider is meant to send. Wall time is Terraform's whole command; "
    "provider CPU and peak RSS are the provider processes' own (Terraform starts several per "
    "command). *plan vs floor*: N delegated administrators in state, plans interleaved with the "
    "floor's so load hits both alike. *delegated administrators*: apply, refresh (the plan "
    "after) and destroy in a sandbox of 1,020 members, `-parallelism=50`. *organization audit*: "
    "`centralroot_organization_root_credentials` over a sandbox of mixed root credentials with "
    "50 ms added to every AWS call. *credential removal*: N `centralroot_root_credentials_removal` "
    "on members holding one credential of each kind, `-parallelism=10`; *throttled*: the same "
    "with every 3rd request answered `Throttling`. *at AWS's rate*: `AssumeRoot` behind a token "
    "bucket per calling account (the rate and burst in the settings), 50 ms added to every call: "
    "the organization audit, and the removal at `-parallelism=20`; goodput is members done per "
    "second of Terraform's whole command, against the rate divided by the root sessions a member "
    "needs (one to audit it; three to remove its credentials: two plan-time reads and the "
    "removal), and the ideal wall time is those sessions ÷ rate (targets: goodput at least 90 % "
    "of that, at most 5 % of requests throttled, wall time at most 1.15 × the ideal).",
    "",
    "| section | figure | value | baseline | ratio | how |",
    "| --- | --- | ---: | --- | ---: | --- |",
]
with open(figures_path) as rows:
    for row in rows:
        section, name, value, unit, base, base_what, how = row.rstrip("\n").split("\t")
        shown = f"{number(value)} {unit}"
        baseline = ratio = ""
        if base:
            baseline = f"{number(base)} {unit}: {base_what}"
            if float(base) > 0:
                ratio = f"{float(value) / float(base):.2f}×"
        lines.append(f"| {SECTIONS[section]} | {name} | {shown} | {baseline} | {ratio} | {how} |")

lines += [
    "",
    "## Reliability",
    "",
    "Every end-to-end test about faults, interrupts, crashes, throttling and secrets, as the "
    "test harness lists them (`cargo test --test e2e -- --list`: the modules `reliability`, "
    "`interruptions`, `removal_interruptions`, `root_credentials_scale` and `secrets`, and the "
    "tests of other modules named for throttling or faults), each run alone in this run with "
    "its time: one trial per Terraform CLI, or once where the test runs once. What each proves "
    "is in its module's documentation under `tests/e2e/`. They also run in `scripts/test.sh`.",
    "",
]
tests = collections.OrderedDict()
clis = []
with open(results_path) as results:
    for row in results:
        trial, result, secs = row.rstrip("\n").split("\t")
        parts = trial.split("::")
        cli = "once"
        if parts[-1].startswith(("terraform_", "opentofu_")):
            cli = parts.pop()
        cell = result if not secs else f"{result}, {float(secs):.1f} s"
        tests.setdefault("::".join(parts), {})[cli] = cell
        if cli not in clis:
            clis.append(cli)
# The trial suffix `terraform_1_15_5` names the CLI; tests without one ran once.
clis.sort(key=lambda cli: cli == "once")
def heading(cli):
    if cli == "once":
        return "once"
    product, *version = cli.split("_")
    return {"terraform": "Terraform", "opentofu": "OpenTofu"}[product] + " " + ".".join(version)
lines.append("| test | " + " | ".join(heading(cli) for cli in clis) + " |")
lines.append("| --- |" + " --- |" * len(clis))
for test, cells in tests.items():
    lines.append(f"| `{test}` | " + " | ".join(cells.get(cli, "") for cli in clis) + " |")
lines.append("")
with open(out_path, "w") as out:
    out.write("\n".join(lines))
PY
say "wrote $OUT"
(( failed == 0 )) || die "a reliability test failed; its output is above"
