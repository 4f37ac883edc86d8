//! Member root credentials under real Terraform against the sandbox: the organization audit
//! with a denied account, removal of selected kinds on two members, credentials that reappear,
//! refusals, the delete action (1.15), and the root-session request log.

use std::collections::BTreeMap;

use centralroot_sandbox::Seed;
use centralroot_sandbox::seed::{
    Account, AccountPatch, Delegation, Feature, LoginProfile, RootAccessKey, TrustedAccess,
};
use serde_json::Value;

use crate::errors::assert_says;
use crate::support::sandbox::{IAM, MANAGEMENT};
use crate::support::{Case, Cases, PlanOutcome, SandboxFixture, Terraform, Workspace};

const PROVIDER: &str = r#"terraform {
  required_providers {
    centralroot = {
      source = "centralroot/centralroot"
    }
  }
}
"#;

const A: &str = "222222222222";
const B: &str = "333333333333";
const BARE: &str = "444444444444";
const KEY_ONLY: &str = "555555555555";
const DENIED: &str = "666666666666";

/// Trusted access and `features` on; members A and B with every kind, BARE with none,
/// KEY_ONLY with one access key, DENIED behind an SCP denying AssumeRoot.
fn seed(features: &[Feature]) -> Seed {
    let mut seed = Seed::default_seed();
    seed.trusted_access.push(TrustedAccess {
        service_principal: IAM.into(),
        date_enabled: 1_700_000_000,
    });
    seed.features = features.to_vec();
    let mut key_only = Account::new(KEY_ONLY);
    key_only.root.access_keys.push(RootAccessKey {
        id: "AKIAKEYONLY000000001".into(),
        status: "Inactive".into(),
        created: 1_700_000_000,
        last_used: None,
    });
    let mut denied = Account::new(DENIED);
    denied.assume_root_denied = true;
    seed.accounts.extend([key_only, denied]);
    seed.validated().expect("valid seed")
}

fn workspace(
    sandbox: &SandboxFixture,
    tf: &'static crate::support::Terraform,
    name: &str,
    account: &str,
) -> Workspace {
    let mut ws = Workspace::new(tf, name);
    sandbox.configure(&mut ws, account);
    ws
}

fn removal(name: &str, account: &str, kinds: Option<&str>) -> String {
    let kinds = kinds.map_or(String::new(), |k| format!("  credential_types = {k}\n"));
    format!(
        "\nresource \"centralroot_root_credentials_removal\" \"{name}\" {{\n  account_id = \"{account}\"\n{kinds}}}\n"
    )
}

fn outputs(ws: &Workspace) -> Value {
    ws.run_ok(&["output", "-json"]).json()
}

fn ids(value: &Value) -> Vec<String> {
    let mut ids: Vec<String> = value
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {value}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

/// Every IAM call a root session made was allowed by its task policy, and no other policy
/// was used.
fn assert_root_calls(sandbox: &SandboxFixture, expected: &[&str]) {
    let allowed: BTreeMap<&str, &[&str]> = [
        (
            "IAMAuditRootUserCredentials",
            &[
                "GetAccountSummary",
                "GetLoginProfile",
                "ListAccessKeys",
                "GetAccessKeyLastUsed",
                "ListSigningCertificates",
                "ListMFADevices",
            ][..],
        ),
        (
            "IAMDeleteRootUserCredentials",
            &[
                "GetLoginProfile",
                "ListAccessKeys",
                "GetAccessKeyLastUsed",
                "ListSigningCertificates",
                "ListMFADevices",
                "DeleteLoginProfile",
                "DeleteAccessKey",
                "DeleteSigningCertificate",
                "DeactivateMFADevice",
            ][..],
        ),
    ]
    .into();
    let log = sandbox.requests();
    let used: Vec<&str> = log.root_sessions.keys().map(String::as_str).collect();
    assert_eq!(used, expected, "{:?}", log.root_sessions);
    for (policy, calls) in &log.root_sessions {
        for operation in calls.keys() {
            assert!(
                allowed[policy.as_str()].contains(&operation.as_str()),
                "{operation} with {policy}"
            );
            let errors = &log.operations[operation].errors;
            assert!(
                !errors.contains_key("AccessDenied"),
                "{operation}: {errors:?}"
            );
        }
    }
}

/// The requests of root tasks in the sandbox's log, by operation: `AssumeRoot` and the calls
/// made in root sessions, not the organization's listing and description.
fn root_task_requests(sandbox: &SandboxFixture) -> BTreeMap<String, u64> {
    sandbox
        .requests()
        .operations
        .into_iter()
        .filter(|(operation, _)| {
            !matches!(operation.as_str(), "ListAccounts" | "DescribeOrganization")
        })
        .map(|(operation, count)| (operation, count.total))
        .collect()
}

fn audit_remove_reappear_and_remove_again(tf: &'static Terraform) {
    let sandbox = SandboxFixture::start(seed(&[Feature::RootCredentialsManagement]));

    // The organization audit: exactly the seeded set, the denied account on its own.
    let audit = workspace(&sandbox, tf, "root-audit", MANAGEMENT);
    audit.write_main(&format!(
            "{PROVIDER}
data \"centralroot_organization_root_credentials\" \"all\" {{}}
data \"centralroot_member_root_credentials\" \"key_only\" {{
  account_id = \"{KEY_ONLY}\"
}}
output \"with\" {{ value = data.centralroot_organization_root_credentials.all.accounts_with_credentials }}
output \"not_audited\" {{ value = data.centralroot_organization_root_credentials.all.accounts_not_audited }}
output \"count\" {{ value = length(data.centralroot_organization_root_credentials.all.accounts) }}
output \"denied_error\" {{ value = [for a in data.centralroot_organization_root_credentials.all.accounts : a.error if a.account_id == \"{DENIED}\"][0] }}
output \"bare\" {{ value = [for a in data.centralroot_organization_root_credentials.all.accounts : a.has_credentials if a.account_id == \"{BARE}\"][0] }}
output \"key_status\" {{ value = data.centralroot_member_root_credentials.key_only.access_keys[0].status }}
output \"key_only_password\" {{ value = data.centralroot_member_root_credentials.key_only.password }}
"
        ));
    sandbox.reset_requests();
    audit.apply();
    assert_root_calls(&sandbox, &["IAMAuditRootUserCredentials"]);
    // One session per member; its summary, then the lists it flags: 7 requests for A and B
    // (everything, one key each), 2 for BARE, 4 for KEY_ONLY (its list and the key's last
    // use), and DENIED's refused AssumeRoot. The member data source shares KEY_ONLY's audit.
    let expected: BTreeMap<String, u64> = [
        ("AssumeRoot", 5),
        ("GetAccountSummary", 4),
        ("GetLoginProfile", 2),
        ("ListAccessKeys", 3),
        ("GetAccessKeyLastUsed", 3),
        ("ListSigningCertificates", 2),
        ("ListMFADevices", 2),
    ]
    .into_iter()
    .map(|(operation, n)| (operation.to_owned(), n))
    .collect();
    assert_eq!(root_task_requests(&sandbox), expected, "{tf}");
    let out = outputs(&audit);
    assert_eq!(ids(&out["with"]["value"]), [A, B, KEY_ONLY]);
    assert_eq!(ids(&out["not_audited"]["value"]), [DENIED]);
    assert_eq!(
        out["count"]["value"], 5,
        "every member, not the management account"
    );
    let error = out["denied_error"]["value"].as_str().unwrap();
    assert!(error.contains("service control policy"), "{error}");
    assert_eq!(out["bare"]["value"], false, "audited, nothing found");
    assert_eq!(out["key_status"]["value"], "Inactive");
    assert_eq!(out["key_only_password"]["value"], false);

    // Removal of selected kinds on two members.
    let ws = workspace(&sandbox, tf, "root-removal", MANAGEMENT);
    ws.write_main(&format!(
        "{PROVIDER}{}{}",
        removal("a", A, Some("[\"password\", \"access_keys\"]")),
        removal("b", B, None)
    ));
    sandbox.reset_requests();
    let run = ws.apply();
    assert!(!run.stdout.contains("Provider produced"), "{run}");
    let state = sandbox.state();
    let root = |id: &str| state.account(id).unwrap().root.clone();
    assert!(root(A).login_profile.is_none() && root(A).access_keys.is_empty());
    assert_eq!(root(A).signing_certificates.len(), 1, "not selected");
    assert_eq!(root(A).mfa_devices.len(), 1, "not selected");
    assert_eq!(root(B), Default::default());
    // Each plan of a create reads the member to list what apply deletes: the plan, and the one
    // Terraform makes again at apply (in a new provider process); apply opened one session per
    // member to delete it.
    let per_member = BTreeMap::from([
        ("IAMAuditRootUserCredentials".to_owned(), 2),
        ("IAMDeleteRootUserCredentials".to_owned(), 1),
    ]);
    assert_eq!(
        sandbox.requests().root_sessions_opened,
        BTreeMap::from([
            (A.to_owned(), per_member.clone()),
            (B.to_owned(), per_member)
        ]),
        "one root session per member and operation"
    );
    assert_root_calls(
        &sandbox,
        &[
            "IAMAuditRootUserCredentials",
            "IAMDeleteRootUserCredentials",
        ],
    );
    ws.assert_no_changes();

    // A password and a key come back on A: the next plan removes them again.
    let mut again = root(A);
    again.login_profile = Some(LoginProfile {
        created: 1_720_000_000,
        password_reset_required: false,
    });
    again.access_keys.push(RootAccessKey {
        id: "AKIAREAPPEARED000001".into(),
        status: "Active".into(),
        created: 1_720_000_000,
        last_used: None,
    });
    sandbox.sandbox().update_account(
        A,
        AccountPatch {
            root: Some(again),
            ..AccountPatch::default()
        },
    );
    let (outcome, run) = ws.plan();
    assert_eq!(outcome, PlanOutcome::Changes, "{run}");
    assert!(run.stdout.contains("update in-place"), "{run}");
    assert!(
        run.stdout.contains("access_key:AKIAREAPPEARED000001"),
        "{run}"
    );
    ws.apply();
    let root_a = sandbox.state().account(A).unwrap().root.clone();
    assert!(root_a.login_profile.is_none() && root_a.access_keys.is_empty());
    ws.assert_no_changes();

    // Destroy forgets and says so; nothing comes back.
    let run = ws.destroy();
    assert!(
        run.stdout.contains("Root credentials stay removed"),
        "{run}"
    );
    assert!(sandbox.state().account(B).unwrap().root == Default::default());
}

fn refusals_are_clear_and_change_nothing(tf: &'static Terraform) {
    // Without RootCredentialsManagement, the feature the credential tasks need.
    let sandbox = SandboxFixture::start(seed(&[Feature::RootSessions]));
    let ws = workspace(&sandbox, tf, "root-no-management", MANAGEMENT);
    ws.write_main(&format!("{PROVIDER}{}", removal("a", A, None)));
    let run = ws.run(&["apply", "-auto-approve"]);
    run.assert_failure();
    assert_says(&run, "with IAMDeleteRootUserCredentials on account_id");
    assert_says(
        &run,
        "centralroot_organization_features contains RootCredentialsManagement",
    );
    assert!(ws.resources().is_empty(), "state unchanged");
    assert!(
        sandbox
            .state()
            .account(A)
            .unwrap()
            .root
            .login_profile
            .is_some()
    );

    // The management account as the target: refused at plan time.
    let sandbox = SandboxFixture::start(seed(&[Feature::RootCredentialsManagement]));
    let ws = workspace(&sandbox, tf, "root-management", MANAGEMENT);
    ws.write_main(&format!("{PROVIDER}{}", removal("m", MANAGEMENT, None)));
    let (outcome, run) = ws.plan();
    assert_eq!(outcome, PlanOutcome::Failed, "{run}");
    assert!(run.stderr.contains("management account"), "{run}");

    // A member that is not the IAM delegated administrator as the caller.
    let ws = workspace(&sandbox, tf, "root-member-caller", B);
    ws.write_main(&format!("{PROVIDER}{}", removal("a", A, None)));
    let run = ws.run(&["apply", "-auto-approve"]);
    run.assert_failure();
    assert!(run.stderr.contains("delegated administrator"), "{run}");
    assert!(ws.resources().is_empty(), "state unchanged");
    assert!(
        sandbox
            .state()
            .account(A)
            .unwrap()
            .root
            .login_profile
            .is_some()
    );
}

fn the_iam_delegated_administrator_audits_and_removes_too(tf: &'static Terraform) {
    let mut seed = seed(&[Feature::RootCredentialsManagement]);
    seed.delegated_administrators.push(Delegation {
        account_id: B.into(),
        service_principal: IAM.into(),
        delegation_enabled_date: 1_700_000_000,
    });
    let sandbox = SandboxFixture::start(seed);
    let ws = workspace(&sandbox, tf, "root-delegated", B);
    ws.write_main(&format!(
            "{PROVIDER}{}
data \"centralroot_organization_root_credentials\" \"all\" {{
  account_ids = [\"{A}\", \"{KEY_ONLY}\"]
}}
output \"with\" {{ value = data.centralroot_organization_root_credentials.all.accounts_with_credentials }}
",
            removal("a", A, None)
        ));
    ws.apply();
    assert_eq!(ids(&outputs(&ws)["with"]["value"]), [A, KEY_ONLY]);
    assert_eq!(sandbox.state().account(A).unwrap().root, Default::default());

    // A member that is no administrator cannot list the accounts, and is told who can.
    let member = workspace(&sandbox, tf, "root-member-audit", KEY_ONLY);
    member.write_main(&format!(
        "{PROVIDER}data \"centralroot_organization_root_credentials\" \"all\" {{}}\n"
    ));
    let run = member.run(&["plan"]);
    run.assert_failure();
    assert!(run.stderr.contains("delegated administrator"), "{run}");
}

fn the_action_removes_credentials_with_one_line_each(tf: &'static Terraform) {
    let sandbox = SandboxFixture::start(seed(&[Feature::RootCredentialsManagement]));
    let ws = workspace(&sandbox, tf, "root-action", MANAGEMENT);
    ws.write_main(&format!(
        "{PROVIDER}
action \"centralroot_delete_root_credentials\" \"b\" {{
  config {{
    account_id = \"{B}\"
  }}
}}
"
    ));
    sandbox.reset_requests();
    let run = ws.run_ok(&[
        "apply",
        "-auto-approve",
        "-invoke=action.centralroot_delete_root_credentials.b",
    ]);
    let session = sandbox
        .sandbox()
        .sessions()
        .into_iter()
        .find(|(_, session)| session.account_id == B)
        .expect("a root session on B");
    assert!(
        run.stdout.contains(&format!(
            "{B}: root session {} (arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials), opened ",
            session.0
        )),
        "the session for auditors:\n{run}"
    );
    assert!(!run.stdout.contains(&session.1.secret), "{run}");
    for line in [
        "password deleted",
        "access_key:",
        "signing_certificate:",
        "mfa_device:",
    ] {
        assert_eq!(run.stdout.matches(line).count(), 1, "{line}:\n{run}");
    }
    assert_eq!(sandbox.state().account(B).unwrap().root, Default::default());
    assert_root_calls(&sandbox, &["IAMDeleteRootUserCredentials"]);
}

/// This module's tests, for the harness (`main.rs`).
pub const CASES: Cases = Cases::new(
    module_path!(),
    &[
        Case::each_cli(
            "audit_remove_reappear_and_remove_again",
            audit_remove_reappear_and_remove_again,
        ),
        Case::each_cli(
            "refusals_are_clear_and_change_nothing",
            refusals_are_clear_and_change_nothing,
        ),
        Case::each_cli(
            "the_iam_delegated_administrator_audits_and_removes_too",
            the_iam_delegated_administrator_audits_and_removes_too,
        ),
        Case::each_cli(
            "the_action_removes_credentials_with_one_line_each",
            the_action_removes_credentials_with_one_line_each,
        )
        .needs(1, 14, "actions"),
    ],
);
