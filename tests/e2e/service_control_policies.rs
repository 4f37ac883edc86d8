//! Service control policies in the way of root sessions, named: a policy without the
//! `aws:AssumedRoot` exemption on one member leaves the organization audit standing and
//! reports that member with the policy's ARN, the action and how to exempt root sessions; the
//! same policy with the exemption lets the audit through; a removal there fails naming the
//! policy and the exemption, and records nothing.

use centralroot_sandbox::seed::ServiceControlPolicy;
use serde_json::Value;

use crate::errors::assert_says;
use crate::support::sandbox::MANAGEMENT;
use crate::support::{Case, Cases, SandboxFixture, Terraform, Workspace};
use crate::unauditable_member::root_access_seed;

const REQUIRED_PROVIDERS: &str = r#"terraform {
  required_providers {
    centralroot = {
      source = "centralroot/centralroot"
    }
  }
}
"#;

/// Behind a policy denying everything, root sessions included.
const DENIED: &str = "333333333333";
/// Behind the same policy, with root sessions exempt.
const EXEMPT: &str = "444444444444";

const POLICY_ARN: &str = "arn:aws:organizations::111111111111:policy/o-sandbox1234/service_control_policy/p-denyroottasks";

fn policy(id: &str, exempt_root_sessions: bool) -> ServiceControlPolicy {
    ServiceControlPolicy {
        id: id.into(),
        denied_actions: vec!["*".into()],
        exempt_root_sessions,
    }
}

fn an_scp_without_the_exemption_is_named_by_the_audit_and_stops_the_removal(
    tf: &'static Terraform,
) {
    let mut seed = root_access_seed();
    for account in &mut seed.accounts {
        account.service_control_policy = match account.id.as_str() {
            DENIED => Some(policy("p-denyroottasks", false)),
            EXEMPT => Some(policy("p-exemptsroot", true)),
            _ => None,
        };
    }
    let sandbox = SandboxFixture::start(seed);
    let mut ws = Workspace::new(tf, "scp-named");
    sandbox.configure(&mut ws, MANAGEMENT);

    // The audit succeeds: the member behind the policy is reported, the exempt one audited.
    ws.write_main(&format!(
        r#"{REQUIRED_PROVIDERS}
data "centralroot_organization_root_credentials" "all" {{}}

locals {{
  by_id = {{ for a in data.centralroot_organization_root_credentials.all.accounts : a.account_id => a }}
}}

output "not_audited" {{ value = data.centralroot_organization_root_credentials.all.accounts_not_audited }}
output "denied_error" {{ value = local.by_id["{DENIED}"].error }}
output "exempt_error" {{ value = local.by_id["{EXEMPT}"].error }}
output "exempt_has_credentials" {{ value = local.by_id["{EXEMPT}"].has_credentials }}
"#
    ));
    ws.apply();
    let out: Value = ws.run_ok(&["output", "-json"]).json();
    assert_eq!(out["not_audited"]["value"], serde_json::json!([DENIED]));
    assert_eq!(out["exempt_error"]["value"], Value::Null);
    assert_eq!(out["exempt_has_credentials"]["value"], false);
    let error = out["denied_error"]["value"].as_str().unwrap_or_default();
    for says in [
        POLICY_ARN,
        "denies iam:GetAccountSummary to the root user of account 333333333333 inside a root session",
        "\"Null\": {\"aws:AssumedRoot\": \"true\"}",
        "update-policy --policy-id p-denyroottasks",
    ] {
        assert!(error.contains(says), "{says:?} in the error:\n{error}");
    }

    // A removal there: the plan cannot list what it would delete and says why; at apply the
    // removal's root session opens, its first call is denied; nothing is recorded and nothing
    // changes.
    ws.write_main(&format!(
        r#"{REQUIRED_PROVIDERS}
resource "centralroot_root_credentials_removal" "denied" {{
  account_id = "{DENIED}"
}}
"#
    ));
    let before = sandbox.state().account(DENIED).unwrap().root.clone();
    sandbox.reset_requests();
    let run = ws.run(&["apply", "-auto-approve"]);
    run.assert_failure();
    assert_says(&run, "A service control policy denies the call");
    assert_says(&run, POLICY_ARN);
    assert_says(
        &run,
        "exempt root sessions in the policy's deny statement with the condition",
    );
    assert_says(
        &run,
        "\"Condition\": {\"Null\": {\"aws:AssumedRoot\": \"true\"}}",
    );
    assert_says(&run, "with centralroot_root_credentials_removal.denied");
    assert!(ws.resources().is_empty(), "{tf}: nothing recorded");
    assert_eq!(sandbox.state().account(DENIED).unwrap().root, before);
    assert_eq!(
        sandbox.calls("AssumeRoot"),
        3,
        "{tf}: the plan's read, the read of the plan at apply (both denied, and the plan warns \
         naming the policy), and the removal's session"
    );
    assert_says(
        &run,
        &format!("Account {DENIED}: the plan cannot list the credentials to remove"),
    );
    let deletions: u64 = [
        "DeleteLoginProfile",
        "DeleteAccessKey",
        "DeleteSigningCertificate",
    ]
    .iter()
    .map(|operation| sandbox.calls(operation))
    .sum();
    assert_eq!(deletions, 0, "{tf}: nothing was asked to be deleted");
}

/// This module's tests, for the harness (`main.rs`).
pub const CASES: Cases = Cases::new(
    module_path!(),
    &[Case::each_cli(
        "an_scp_without_the_exemption_is_named_by_the_audit_and_stops_the_removal",
        an_scp_without_the_exemption_is_named_by_the_audit_and_stops_the_removal,
    )],
);
