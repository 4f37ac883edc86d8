//! Removal of root credentials across 200 members (issue 13): one
//! `centralroot_root_credentials_removal` per member through `for_each`, applied at
//! `-parallelism=10` with every 3rd request throttled. The apply converges with no consistency
//! error, the sandbox keeps no removable credential in those accounts, and every operation opens
//! exactly one root session per member: one `IAMDeleteRootUserCredentials` session per create or
//! update, one `IAMAuditRootUserCredentials` session per refresh and per plan of a create (which
//! lists what the create deletes; Terraform plans a create again at apply, in a new provider
//! process), each used for all the calls of its operation and never for another account or task
//! policy. Throttling lowers the provider's
//! adaptive limit on root sessions at work (its DEBUG log says to what), and a throttled refresh
//! of every member at once never has more sessions at work in the sandbox than that limit allows
//! (`max_root_sessions_at_work`); with the limit out of the way, that refresh fails.
//!
//! The members are the generated `100000000000`..`100000000199` of
//! `Seed::large_organization(200)`, whose root users hold by `n % 4`: everything (password, one
//! access key, one signing certificate, one MFA device), a password only, two access keys,
//! nothing. So the request counts below are exact per kind of member. Plans are saved
//! (`plan -out`) and applied separately so that the sessions of a refresh and those of the
//! changes are counted apart.

use std::collections::BTreeMap;
use std::time::Duration;

use centralroot_sandbox::Seed;
use centralroot_sandbox::faults::FaultConfig;
use centralroot_sandbox::requests::RequestLog;
use centralroot_sandbox::seed::{AccountPatch, LoginProfile, RootUser};
use centralroot_sandbox::state::SessionKind;

use crate::reliability::member_ids;
use crate::support::sandbox::MANAGEMENT;
use centralroot::aws::DEFAULT_CONCURRENCY;

use crate::support::{Case, Cases, PlanOutcome, Run, SandboxFixture, Terraform, Workspace};

/// Members with a removal each.
const MEMBERS: usize = 200;

const DELETE: &str = "IAMDeleteRootUserCredentials";
const AUDIT: &str = "IAMAuditRootUserCredentials";

/// What the sandbox answers a throttled IAM or STS request.
const THROTTLING: &str = "Throttling";

/// A configuration with one removal of every kind per account in `accounts`.
fn removals(accounts: &[String]) -> String {
    let list: Vec<String> = accounts.iter().map(|id| format!("\"{id}\"")).collect();
    format!(
        r#"terraform {{
  required_providers {{
    centralroot = {{
      source = "centralroot/centralroot"
    }}
  }}
}}

resource "centralroot_root_credentials_removal" "member" {{
  for_each   = toset([{}])
  account_id = each.value
}}
"#,
        list.join(", ")
    )
}

/// Answered calls of each operation, throttled attempts left out: what the provider needed,
/// whatever the faults made it repeat.
fn needed_calls(log: &RequestLog) -> BTreeMap<String, u64> {
    log.operations
        .iter()
        .map(|(operation, count)| {
            let throttled = count.errors.get(THROTTLING).copied().unwrap_or(0);
            (operation.clone(), count.total - throttled)
        })
        .filter(|(_, calls)| *calls > 0)
        .collect()
}

/// How one operation reads a member's root user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    /// A refresh: the account summary, then the lists of the kinds it flags.
    Audit,
    /// A removal's session: every list (the delete task policy cannot read the summary), then
    /// one deletion (deactivation for MFA) per credential.
    Removal,
}

/// The IAM calls, throttled attempts left out, that one operation on the root users of
/// accounts of `kinds` needs, by the kind of member (`n % 4` of its generated id): `reading`'s
/// calls, and `GetAccessKeyLastUsed` per key; a `GetLoginProfile` read answers `NoSuchEntity`
/// when there is no password.
fn root_calls(kinds: &[usize], reading: Reading) -> BTreeMap<String, u64> {
    let mut calls: BTreeMap<String, u64> = BTreeMap::new();
    let mut add = |operation: &str, n: u64| {
        if n > 0 {
            *calls.entry(operation.to_owned()).or_default() += n;
        }
    };
    for kind in kinds {
        // (password, access keys, signing certificates, MFA devices) of the seeded mix.
        let (password, keys, certificates, mfa) = match kind % 4 {
            0 => (1, 1, 1, 1),
            1 => (1, 0, 0, 0),
            2 => (0, 2, 0, 0),
            _ => (0, 0, 0, 0),
        };
        match reading {
            Reading::Audit => {
                add("GetAccountSummary", 1);
                add("GetLoginProfile", password);
                add("ListAccessKeys", keys.min(1));
                add("ListSigningCertificates", certificates);
                add("ListMFADevices", mfa);
            }
            Reading::Removal => {
                for operation in [
                    "GetLoginProfile",
                    "ListAccessKeys",
                    "ListSigningCertificates",
                    "ListMFADevices",
                ] {
                    add(operation, 1);
                }
                add("DeleteLoginProfile", password);
                add("DeleteAccessKey", keys);
                add("DeleteSigningCertificate", certificates);
                add("DeactivateMFADevice", mfa);
            }
        }
        add("GetAccessKeyLastUsed", keys);
    }
    calls
}

/// Checks the root sessions of one phase: `AssumeRoot` opened exactly one session limited to
/// each of `policies` on each of `accounts` and none elsewhere; every call a root session signed
/// in the phase was signed by one of those sessions (so by a session of the account it acted
/// on, with one of those policies), and each of them signed at least the account summary.
fn assert_one_session_per_member(fixture: &SandboxFixture, accounts: &[String], policies: &[&str]) {
    let log = fixture.requests();
    let each: BTreeMap<String, u64> = policies.iter().map(|p| ((*p).to_owned(), 1)).collect();
    let expected: BTreeMap<String, BTreeMap<String, u64>> = accounts
        .iter()
        .map(|id| (id.clone(), each.clone()))
        .collect();
    assert_eq!(
        log.root_sessions_opened, expected,
        "root sessions opened: one per member and operation"
    );
    let mut used: Vec<&str> = log.root_sessions.keys().map(String::as_str).collect();
    let mut wanted = policies.to_vec();
    used.sort_unstable();
    wanted.sort_unstable();
    assert_eq!(used, wanted, "{:?}", log.root_sessions);

    // The sandbox's live sessions name the account and policy of every temporary key; the log
    // counts the calls each key signed.
    let root_keys: BTreeMap<String, (String, String)> = fixture
        .sandbox()
        .sessions()
        .into_iter()
        .filter_map(|(key, session)| match session.kind {
            SessionKind::Root(task) => Some((key, (session.account_id, task.name().to_owned()))),
            SessionKind::Role { .. } => None,
        })
        .collect();
    let mut sessions_used: BTreeMap<&str, u64> = BTreeMap::new();
    let mut signed_in: BTreeMap<&str, u64> = BTreeMap::new();
    let mut signed_by_sessions = 0;
    for (key, calls) in &log.access_keys {
        let Some((account, task)) = root_keys.get(key) else {
            continue;
        };
        assert!(
            policies.contains(&task.as_str()),
            "{key} on {account}: {task}"
        );
        assert!(
            accounts.contains(account),
            "{key} of {account} is not a target"
        );
        assert!(*calls >= 1, "{key} of {account} signed no call");
        *sessions_used.entry(account.as_str()).or_default() += 1;
        *signed_in.entry(account.as_str()).or_default() += calls;
        signed_by_sessions += calls;
    }
    for (account, calls) in &signed_in {
        assert_eq!(
            log.accounts.get(*account),
            Some(calls),
            "{account}: every call in the account was signed by its sessions"
        );
    }
    assert_eq!(
        sessions_used.len(),
        accounts.len(),
        "a session signed calls in every target account"
    );
    let per_member = policies.len() as u64;
    assert!(
        sessions_used.values().all(|&n| n == per_member),
        "{sessions_used:?}"
    );
    let root_signed: u64 = policies.iter().map(|policy| by_policy(&log, policy)).sum();
    assert_eq!(
        signed_by_sessions, root_signed,
        "every root-signed call used one of the sessions opened in this phase"
    );
}

/// The calls of `a` and `b` together.
fn sum(a: &BTreeMap<String, u64>, b: &BTreeMap<String, u64>) -> BTreeMap<String, u64> {
    let mut total = a.clone();
    for (operation, calls) in b {
        *total.entry(operation.clone()).or_default() += calls;
    }
    total
}

/// Requests in `log` answered with throttling.
fn throttled(log: &RequestLog) -> u64 {
    log.operations
        .values()
        .map(|c| c.errors.get(THROTTLING).copied().unwrap_or(0))
        .sum()
}

/// The calls in `log` that a root session signed with `policy`, throttled attempts included.
fn by_policy(log: &RequestLog, policy: &str) -> u64 {
    log.root_sessions
        .get(policy)
        .map_or(0, |calls| calls.values().sum())
}

/// Asserts the IAM calls a phase needed (throttled attempts left out) are exactly `expected`,
/// plus `AssumeRoot` once per session, and that management calls are limited to looking up the
/// organization (at most once per provider process).
fn assert_calls(log: &RequestLog, expected: &BTreeMap<String, u64>, sessions: u64) {
    let mut needed = needed_calls(log);
    let describe = needed.remove("DescribeOrganization").unwrap_or(0);
    assert!(
        describe <= 3,
        "the organization is looked up once per provider process: {describe}"
    );
    let mut expected = expected.clone();
    if sessions > 0 {
        expected.insert("AssumeRoot".to_owned(), sessions);
    }
    assert_eq!(needed, expected, "{:#?}", log.operations);
}

/// Plans into `removal.tfplan` at `-parallelism=10`.
fn plan_out(ws: &Workspace) -> PlanOutcome {
    let run = ws.run(&[
        "plan",
        "-detailed-exitcode",
        "-parallelism=10",
        "-out=removal.tfplan",
    ]);
    match run.code {
        Some(0) => PlanOutcome::NoChanges,
        Some(2) => PlanOutcome::Changes,
        _ => panic!("plan failed:\n{run}"),
    }
}

/// Applies `removal.tfplan` at `-parallelism=10`.
fn apply_saved(ws: &Workspace) -> Run {
    ws.run_ok(&["apply", "-parallelism=10", "removal.tfplan"])
}

/// The member ids with the seeded credential mix index of each.
fn members(count: usize) -> (Vec<String>, Vec<usize>) {
    (member_ids(count), (0..count).collect())
}

/// Applies removals for the first `count` generated members with every 3rd request throttled,
/// checks the sessions and calls of each phase, brings a password back on every 10th member,
/// removes it again and ends with an empty plan.
fn removal_across(tf: &'static Terraform, count: usize) {
    let seed = Seed::large_organization(count)
        .validated()
        .expect("valid seed");
    let fixture = SandboxFixture::start(seed);
    fixture.set_faults(FaultConfig {
        throttle_every: 3,
        ..FaultConfig::default()
    });
    let (accounts, kinds) = members(count);
    let mut ws = Workspace::new(tf, "root-removal-scale");
    fixture.configure(&mut ws, MANAGEMENT);
    // A third of every call throttled whatever the rate: the limit on root sessions falls to
    // one or two, and the apply, which reads each member again before removing, takes minutes.
    ws.set_timeout(Duration::from_secs(900));
    // The provider's DEBUG lines in Terraform's log: each time throttling lowers its limit.
    ws.set_env("TF_LOG_PROVIDER", "DEBUG");
    ws.write_main(&removals(&accounts));

    // Nothing in state: planning the creates reads each member once, through an audit session,
    // to list what the apply deletes.
    fixture.reset_requests();
    assert_eq!(plan_out(&ws), PlanOutcome::Changes);
    assert_one_session_per_member(&fixture, &accounts, &[AUDIT]);
    assert_calls(
        &fixture.requests(),
        &root_calls(&kinds, Reading::Audit),
        count as u64,
    );

    // The creates: Terraform plans each create again at apply, which reads the member again
    // (a new provider process), then one delete session per member, reused for its audit and
    // every removal.
    fixture.reset_requests();
    let run = apply_saved(&ws);
    let lowered = lowered_limits(&run);
    assert_one_session_per_member(&fixture, &accounts, &[AUDIT, DELETE]);
    let log = fixture.requests();
    assert_calls(
        &log,
        &sum(
            &root_calls(&kinds, Reading::Removal),
            &root_calls(&kinds, Reading::Audit),
        ),
        2 * count as u64,
    );
    let throttled_requests = throttled(&log);
    assert!(
        throttled_requests * 3 + 3 > log.total,
        "every 3rd request was throttled: {throttled_requests} of {}",
        log.total
    );
    eprintln!(
        "apply of {count} removals: {} requests ({throttled_requests} throttled), {} signed by root sessions, root sessions at work lowered to {lowered:?}",
        log.total,
        by_policy(&log, DELETE)
    );
    let state = fixture.state();
    for id in &accounts {
        let root = &state.account(id).expect("seeded member").root;
        assert_eq!(
            root,
            &RootUser::default(),
            "{id}: no password, access key, signing certificate or active MFA device left"
        );
    }
    let in_state = ws.resources();
    assert_eq!(in_state.len(), count);
    for resource in &in_state {
        assert_eq!(
            resource["values"]["remaining"],
            serde_json::json!([]),
            "{resource}"
        );
    }

    // A password comes back on every 10th member: the refresh in the next plan audits every
    // member through one audit session each, and the apply removes only what came back. No
    // faults here, to keep the test's runtime down: the throttled refresh is the last plan.
    fixture.set_faults(FaultConfig::default());
    let back: Vec<String> = accounts.iter().step_by(10).cloned().collect();
    for id in &back {
        let root = RootUser {
            login_profile: Some(LoginProfile {
                created: 1_720_000_000,
                password_reset_required: false,
            }),
            ..RootUser::default()
        };
        fixture.sandbox().update_account(
            id,
            AccountPatch {
                root: Some(root),
                ..AccountPatch::default()
            },
        );
    }
    fixture.reset_requests();
    assert_eq!(plan_out(&ws), PlanOutcome::Changes);
    assert_one_session_per_member(&fixture, &accounts, &[AUDIT]);
    // Every member's summary, and the password of those it came back to (kind 1: a password
    // only; kind 3: nothing).
    let now: Vec<usize> = accounts
        .iter()
        .map(|id| if back.contains(id) { 1 } else { 3 })
        .collect();
    assert_calls(
        &fixture.requests(),
        &root_calls(&now, Reading::Audit),
        count as u64,
    );

    fixture.reset_requests();
    apply_saved(&ws);
    assert_one_session_per_member(&fixture, &back, &[DELETE]);
    let update = root_calls(&[1].repeat(back.len()), Reading::Removal);
    assert_calls(&fixture.requests(), &update, back.len() as u64);
    let audit = root_calls(&[3].repeat(count), Reading::Audit);
    let state = fixture.state();
    for id in &back {
        assert_eq!(
            state.account(id).expect("seeded member").root,
            RootUser::default()
        );
    }

    // Converged: the next plan, throttled again, is empty, one audit session per member. It
    // refreshes every member at once (-parallelism=200), and 20 ms added to every call keep
    // each session's requests in flight long enough to overlap in the sandbox: without the
    // provider's limit, the sandbox would see about as many sessions at work as members.
    fixture.set_faults(FaultConfig {
        throttle_every: 3,
        latency_ms: 20,
        ..FaultConfig::default()
    });
    fixture.reset_requests();
    let run = ws.run(&["plan", "-detailed-exitcode", "-parallelism=200"]);
    assert_eq!(run.code, Some(0), "expected an empty plan:\n{run}");
    assert_one_session_per_member(&fixture, &accounts, &[AUDIT]);
    let log = fixture.requests();
    assert!(throttled(&log) > 0, "{:?}", log.operations);
    assert_calls(&log, &audit, count as u64);
    assert_sessions_within_the_limit(&run, &log, count);
}

/// What the provider logs, with `limit=N`, each time throttling lowers its limit on root
/// sessions at work (`src/aws/adaptive_limit.rs`).
const LOWERED: &str = "throttled: fewer root sessions at once";

/// The values throttling lowered the provider's limit to in `run`, in order; fails the test
/// unless the first halves the limit the provider starts with.
#[track_caller]
fn lowered_limits(run: &Run) -> Vec<u64> {
    let lowered: Vec<u64> = run
        .log
        .lines()
        .filter(|line| line.contains(LOWERED))
        .filter_map(|line| {
            line.split_whitespace()
                .find_map(|field| field.strip_prefix("limit="))
                .and_then(|limit| limit.parse().ok())
        })
        .collect();
    assert_eq!(
        lowered.first().copied(),
        Some(DEFAULT_CONCURRENCY as u64 / 2),
        "throttling halves the limit from {DEFAULT_CONCURRENCY}: lowered to {lowered:?} in {}.log",
        run.files.display()
    );
    lowered
}

/// The limit went down under throttling, and the sandbox never had more root sessions at work
/// at once than it allowed: at most the starting limit or, before a halving logged as `L`,
/// below `2 × (L + 1)`.
#[track_caller]
fn assert_sessions_within_the_limit(run: &Run, log: &RequestLog, members: usize) {
    let lowered = lowered_limits(run);
    let highest = lowered
        .iter()
        .map(|limit| 2 * (limit + 1))
        .chain([DEFAULT_CONCURRENCY as u64])
        .max()
        .unwrap_or_default();
    let at_work = log.max_root_sessions_at_work;
    eprintln!(
        "throttled refresh of {members} members at once: limit lowered to {lowered:?}, at most {at_work} root sessions at work at once"
    );
    assert!(
        at_work >= 2,
        "the sessions overlapped in the sandbox: {at_work}"
    );
    assert!(
        at_work <= highest.min(members as u64),
        "{at_work} root sessions at work at once, the limit allowed at most {highest} (lowered to {lowered:?})"
    );
}

fn removal_across_200_members_throttled_opens_one_session_per_member_and_operation(
    tf: &'static Terraform,
) {
    removal_across(tf, MEMBERS);
}

/// The same on every CLI (Terraform 1.0 included) with 8 members, two of each kind: the
/// protocol differences between CLIs do not change the session count.
fn removal_across_a_few_members_throttled_on_every_cli(tf: &'static Terraform) {
    removal_across(tf, 8);
}

/// This module's tests, for the harness (`main.rs`).
pub const CASES: Cases = Cases::new(
    module_path!(),
    &[
        Case::on_terraform_1_15(
            "removal_across_200_members_throttled_opens_one_session_per_member_and_operation",
            removal_across_200_members_throttled_opens_one_session_per_member_and_operation,
        ),
        Case::each_cli(
            "removal_across_a_few_members_throttled_on_every_cli",
            removal_across_a_few_members_throttled_on_every_cli,
        ),
    ],
);
