//! Break-glass password recovery under real Terraform against the sandbox: the resource opens
//! the window (the sandbox shows a login profile), keeps it open (a second plan is empty, a
//! profile deleted out of band is created again) and closes it on destroy, saying so; the
//! management account and missing features are refused with clear errors and nothing changes;
//! the action opens it once (Terraform 1.14); Ctrl-C while the login profile is being created
//! or deleted leaves state matching the sandbox. Every call of a root session is the one its
//! task needs, made with that task's policy, and the state holds the session's access key ID,
//! never its secret.

use std::collections::BTreeMap;
use std::fs;

use centralroot_sandbox::Seed;
use centralroot_sandbox::seed::{AccountPatch, Feature, LoginProfile, RootUser};
use centralroot_sandbox::state::SessionKind;

use crate::errors::assert_says;
use crate::removal_interruptions::interrupted_while_held;
use crate::support::sandbox::MANAGEMENT;
use crate::support::{Case, Cases, PlanOutcome, SandboxFixture, Terraform, Workspace};
use crate::unauditable_member::root_access_seed;

/// A member with no root credentials, as AWS creates them once root credentials are managed.
const BARE: &str = "444444444444";
/// A member whose root user still has a password.
const WITH_PASSWORD: &str = "222222222222";

const CREATE: &str = "IAMCreateRootUserPassword";
const DELETE: &str = "IAMDeleteRootUserCredentials";
const AUDIT: &str = "IAMAuditRootUserCredentials";
/// What the audit of a member with a login profile and nothing else reads: the account summary,
/// then the one kind it flags.
const AUDIT_READS: [&str; 2] = ["GetAccountSummary", "GetLoginProfile"];

const ADDRESS: &str = "centralroot_root_password_recovery.break_glass";

fn config(account: &str) -> String {
    format!(
        r#"terraform {{
  required_providers {{
    centralroot = {{
      source = "centralroot/centralroot"
    }}
  }}
}}

resource "centralroot_root_password_recovery" "break_glass" {{
  account_id = "{account}"
}}
"#
    )
}

fn workspace(tf: &'static Terraform, sandbox: &SandboxFixture, name: &str) -> Workspace {
    let mut ws = Workspace::new(tf, name);
    sandbox.configure(&mut ws, MANAGEMENT);
    ws
}

fn login_profile(sandbox: &SandboxFixture, account: &str) -> Option<LoginProfile> {
    sandbox
        .state()
        .account(account)
        .expect("seeded")
        .root
        .login_profile
        .clone()
}

/// Each task policy's calls, as the sandbox counted them: exactly `expected`.
#[track_caller]
pub fn assert_root_calls(sandbox: &SandboxFixture, expected: &[(&str, &[(&str, u64)])]) {
    let expected: BTreeMap<String, BTreeMap<String, u64>> = expected
        .iter()
        .map(|(policy, calls)| {
            let calls = calls.iter().map(|(op, n)| ((*op).to_owned(), *n)).collect();
            ((*policy).to_owned(), calls)
        })
        .collect();
    let log = sandbox.requests();
    assert_eq!(log.root_sessions, expected, "{:#?}", log.operations);
}

/// The access key id and secret of the root session `policy` opened on `account` (the last
/// one the sandbox still holds).
pub fn session(sandbox: &SandboxFixture, account: &str, policy: &str) -> (String, String) {
    sandbox
        .sandbox()
        .sessions()
        .into_iter()
        .rev()
        .find(|(_, s)| {
            s.account_id == account
                && matches!(&s.kind, SessionKind::Root(task) if task.name() == policy)
        })
        .map(|(key, s)| (key, s.secret))
        .unwrap_or_else(|| panic!("no {policy} session on {account}"))
}

fn the_window_opens_stays_open_and_closes(tf: &'static Terraform) {
    let sandbox = SandboxFixture::start(root_access_seed());
    let ws = workspace(tf, &sandbox, "recovery");
    ws.write_main(&config(BARE));

    // Create: one session with the recovery policy, one call, no password.
    sandbox.reset_requests();
    let run = ws.apply();
    assert!(run.stdout.contains("1 added"), "{run}");
    let profile = login_profile(&sandbox, BARE).expect("the window is open");
    assert!(!profile.password_reset_required);
    assert_root_calls(&sandbox, &[(CREATE, &[("CreateLoginProfile", 1)])]);
    let (key, secret) = session(&sandbox, BARE, CREATE);
    let values = ws.resource_values(ADDRESS).expect("in state");
    assert_eq!(values["existed_before"], false, "{values}");
    assert_eq!(values["root_session"]["access_key_id"], key.as_str());
    assert_eq!(
        values["root_session"]["task_policy_arn"],
        format!("arn:aws:iam::aws:policy/root-task/{CREATE}")
    );
    assert!(
        values["login_profile_created"]
            .as_str()
            .is_some_and(|at| !at.is_empty())
    );
    let state = fs::read_to_string(ws.dir().join("terraform.tfstate")).expect("a state file");
    assert!(
        !state.contains(&secret),
        "the session's secret is not in state"
    );

    // Open: the next plan is empty, its refresh an audit and nothing else.
    sandbox.reset_requests();
    ws.assert_no_changes();
    let audit: Vec<(&str, u64)> = AUDIT_READS.iter().map(|op| (*op, 1)).collect();
    assert_root_calls(&sandbox, &[(AUDIT, &audit)]);

    // Someone deletes the login profile: the plan creates it again.
    sandbox.sandbox().update_account(
        BARE,
        AccountPatch {
            root: Some(RootUser::default()),
            ..AccountPatch::default()
        },
    );
    let (outcome, run) = ws.plan();
    assert_eq!(outcome, PlanOutcome::Changes, "{run}");
    assert_says(&run, &format!("{ADDRESS} will be created"));
    ws.apply();
    assert!(login_profile(&sandbox, BARE).is_some(), "open again");
    ws.assert_no_changes();

    // Destroy: the plan says what goes (Terraform asks the provider to plan a destroy since
    // 1.3), the apply deletes it and names its session.
    sandbox.reset_requests();
    let run = ws.destroy();
    if tf.at_least(1, 3) {
        assert_says(
            &run,
            &format!("Destroying ends password recovery on account {BARE}"),
        );
    }
    assert_says(&run, &format!("Password recovery ended on account {BARE}"));
    let (key, _) = session(&sandbox, BARE, DELETE);
    assert_says(&run, &format!("root session {key}"));
    assert!(
        login_profile(&sandbox, BARE).is_none(),
        "the window is closed"
    );
    assert!(ws.resources().is_empty());
    assert_root_calls(
        &sandbox,
        &[(AUDIT, &audit), (DELETE, &[("DeleteLoginProfile", 1)])],
    );
}

fn a_login_profile_already_there_is_a_success_that_warns(tf: &'static Terraform) {
    let sandbox = SandboxFixture::start(root_access_seed());
    let ws = workspace(tf, &sandbox, "recovery-existing");
    ws.write_main(&config(WITH_PASSWORD));
    let before = login_profile(&sandbox, WITH_PASSWORD).expect("seeded with a password");
    sandbox.reset_requests();
    let run = ws.apply();
    assert_says(
        &run,
        &format!("Account {WITH_PASSWORD} already had a login profile"),
    );
    assert_eq!(login_profile(&sandbox, WITH_PASSWORD), Some(before));
    let values = ws.resource_values(ADDRESS).expect("in state");
    assert_eq!(values["existed_before"], true, "{values}");
    assert_eq!(values["login_profile_created"], "2023-11-14T22:13:20Z");
    assert_root_calls(
        &sandbox,
        &[(CREATE, &[("CreateLoginProfile", 1), ("GetLoginProfile", 1)])],
    );
    ws.assert_no_changes();
}

fn refusals_leave_state_and_the_account_unchanged(tf: &'static Terraform) {
    // The management account: refused at plan time, on account_id.
    let sandbox = SandboxFixture::start(root_access_seed());
    let ws = workspace(tf, &sandbox, "recovery-management");
    ws.write_main(&config(MANAGEMENT));
    let (outcome, run) = ws.plan();
    assert_eq!(outcome, PlanOutcome::Failed, "{run}");
    assert_says(&run, "The management account has no root session");
    assert!(ws.resources().is_empty());
    assert!(!sandbox.requests().operations.contains_key("AssumeRoot"));

    // RootSessions off: AWS refuses the session; the error on account_id names both features.
    let mut seed: Seed = root_access_seed();
    seed.features = vec![Feature::RootCredentialsManagement];
    let sandbox = SandboxFixture::start(seed);
    let ws = workspace(tf, &sandbox, "recovery-no-sessions");
    ws.write_main(&config(BARE));
    let run = ws.run(&["apply", "-auto-approve"]);
    run.assert_failure();
    assert_says(&run, "AWS refused a root session on the account");
    assert_says(&run, "RootCredentialsManagement and RootSessions");
    assert_says(&run, "account_id");
    assert!(ws.resources().is_empty(), "state unchanged");
    assert!(login_profile(&sandbox, BARE).is_none(), "AWS unchanged");
}

fn the_action_opens_the_window_once(tf: &'static Terraform) {
    let sandbox = SandboxFixture::start(root_access_seed());
    let ws = workspace(tf, &sandbox, "recovery-action");
    ws.write_main(&format!(
        r#"terraform {{
  required_providers {{
    centralroot = {{
      source = "centralroot/centralroot"
    }}
  }}
}}

action "centralroot_allow_root_password_recovery" "break_glass" {{
  config {{
    account_id = "{BARE}"
  }}
}}
"#
    ));
    sandbox.reset_requests();
    let run = ws.run_ok(&[
        "apply",
        "-auto-approve",
        "-invoke=action.centralroot_allow_root_password_recovery.break_glass",
    ]);
    let (key, secret) = session(&sandbox, BARE, CREATE);
    for line in [
        format!("{BARE}: allowing the root user to recover its password"),
        format!("{BARE}: root session {key} (arn:aws:iam::aws:policy/root-task/{CREATE}), opened "),
        format!("{BARE}: login profile created"),
    ] {
        assert_eq!(run.stdout.matches(&line).count(), 1, "{line}:\n{run}");
    }
    assert!(!run.stdout.contains(&secret), "{run}");
    assert!(login_profile(&sandbox, BARE).is_some());
    assert_root_calls(&sandbox, &[(CREATE, &[("CreateLoginProfile", 1)])]);
    assert!(ws.resources().is_empty(), "an action keeps no state");
}

fn ctrl_c_while_the_window_opens_or_closes_keeps_state_true(tf: &'static Terraform) {
    let sandbox = SandboxFixture::start(root_access_seed());
    let mut ws = workspace(tf, &sandbox, "recovery-interrupt");
    ws.set_env("TF_LOG_PROVIDER", "INFO");
    ws.write_main(&config(BARE));

    let run = interrupted_while_held(
        &sandbox,
        &ws,
        "CreateLoginProfile",
        &["apply", "-auto-approve"],
    );
    assert!(run.stdout.contains("Creation complete"), "{run}");
    assert!(login_profile(&sandbox, BARE).is_some());
    assert!(ws.resource_values(ADDRESS).is_some(), "in state, as in AWS");
    ws.assert_no_changes();

    let run = interrupted_while_held(
        &sandbox,
        &ws,
        "DeleteLoginProfile",
        &["destroy", "-auto-approve"],
    );
    assert!(run.stdout.contains("Destruction complete"), "{run}");
    assert!(login_profile(&sandbox, BARE).is_none());
    assert!(ws.resources().is_empty(), "gone from state, as from AWS");
}

/// This module's tests, for the harness (`main.rs`).
pub const CASES: Cases = Cases::new(
    module_path!(),
    &[
        Case::each_cli(
            "the_window_opens_stays_open_and_closes",
            the_window_opens_stays_open_and_closes,
        ),
        Case::each_cli(
            "a_login_profile_already_there_is_a_success_that_warns",
            a_login_profile_already_there_is_a_success_that_warns,
        ),
        Case::each_cli(
            "refusals_leave_state_and_the_account_unchanged",
            refusals_leave_state_and_the_account_unchanged,
        ),
        Case::each_cli(
            "the_action_opens_the_window_once",
            the_action_opens_the_window_once,
        )
        .needs(1, 14, "actions"),
        Case::each_cli(
            "ctrl_c_while_the_window_opens_or_closes_keeps_state_true",
            ctrl_c_while_the_window_opens_or_closes_keeps_state_true,
        ),
    ],
);
