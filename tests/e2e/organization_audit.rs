//! The organization-wide audit at scale under real Terraform: one audit per member account per
//! run, shared by the refresh of root-credential removals and both data sources.

use centralroot_sandbox::Seed;
use serde_json::Value;

use crate::support::sandbox::MANAGEMENT;
use crate::support::{Case, Cases, SandboxFixture, Terraform, Workspace};

const PROVIDER: &str = r#"terraform {
  required_providers {
    centralroot = {
      source = "centralroot/centralroot"
    }
  }
}
"#;

/// Generated members 100000000000 + 4k hold every kind of root credential.
fn holder(k: usize) -> String {
    format!("{:012}", 100_000_000_000usize + 4 * k)
}

fn a_refresh_and_both_data_sources_share_one_audit_per_account(tf: &'static Terraform) {
    let sandbox = SandboxFixture::start(Seed::large_organization(100));
    let mut ws = Workspace::new(tf, "organization-audit-shared");
    sandbox.configure(&mut ws, MANAGEMENT);
    let removed: Vec<String> = (0..10).map(holder).collect();
    let list = removed
        .iter()
        .map(|id| format!("\"{id}\""))
        .collect::<Vec<_>>()
        .join(", ");
    ws.write_main(&format!(
            "{PROVIDER}
resource \"centralroot_root_credentials_removal\" \"member\" {{
  for_each   = toset([{list}])
  account_id = each.value
}}
data \"centralroot_organization_root_credentials\" \"all\" {{}}
data \"centralroot_member_root_credentials\" \"first\" {{
  account_id = \"{first}\"
}}
output \"count\" {{ value = length(data.centralroot_organization_root_credentials.all.accounts) }}
output \"with\" {{ value = length(data.centralroot_organization_root_credentials.all.accounts_with_credentials) }}
output \"first_password\" {{ value = data.centralroot_member_root_credentials.first.password }}
",
            first = removed[0],
        ));
    ws.apply();
    // Seeded: 3 members with 2 holding credentials; generated: 75 of 100 hold some.
    let members = 103;

    sandbox.reset_requests();
    // Every run checks that Terraform logged no consistency error.
    ws.run_ok(&["apply", "-auto-approve", "-refresh-only"]);
    let log = sandbox.requests();
    assert_eq!(
        log.root_sessions_opened.len(),
        members,
        "every member audited: {:?}",
        log.root_sessions_opened.keys().take(5).collect::<Vec<_>>()
    );
    for (account, by_policy) in &log.root_sessions_opened {
        assert_eq!(
            by_policy.iter().collect::<Vec<_>>(),
            [(&"IAMAuditRootUserCredentials".to_owned(), &1)],
            "{account}: one audit session per account in the run"
        );
    }
    // A summary per member, then only the lists it flags: passwords are held by the 2 seeded
    // holders and by generated members n % 4 = 0 or 1 (50), less the 10 removed.
    let total = |operation: &str| log.operations.get(operation).map_or(0, |c| c.total);
    assert_eq!(total("AssumeRoot"), members as u64);
    assert_eq!(total("GetAccountSummary"), members as u64);
    assert_eq!(total("GetLoginProfile"), 2 + 50 - 10);
    assert_eq!(total("ListSigningCertificates"), 2 + 25 - 10);
    assert_eq!(total("ListMFADevices"), 2 + 25 - 10);
    // Access keys: the seeded 2 (one each), n % 4 = 0 (one) and 2 (two) less the 10 removed.
    assert_eq!(total("ListAccessKeys"), 2 + 50 - 10);
    assert_eq!(total("GetAccessKeyLastUsed"), 2 + 25 - 10 + 2 * 25);

    let out: Value = ws.run_ok(&["output", "-json"]).json();
    assert_eq!(out["count"]["value"], members);
    assert_eq!(out["with"]["value"], 2 + 75 - removed.len());
    assert_eq!(out["first_password"]["value"], false);
    ws.assert_no_changes();
}

/// The requests of one run, by operation, the organization's description left out (once per
/// provider process).
fn requests_by_operation(sandbox: &SandboxFixture) -> Vec<(String, u64)> {
    sandbox
        .requests()
        .operations
        .into_iter()
        .filter(|(operation, _)| operation != "DescribeOrganization")
        .map(|(operation, count)| (operation, count.total))
        .collect()
}

/// A member without root credentials costs its root session and the account summary, a member
/// with every kind the four lists besides, in a sandbox playing GovCloud: the provider, set to
/// a GovCloud Region, names the task policy in that partition (the sandbox refuses others).
fn a_clean_member_costs_two_requests_in_any_partition(tf: &'static Terraform) {
    let mut seed = Seed::large_organization(0);
    seed.partition = "aws-us-gov".into();
    let sandbox = SandboxFixture::start(seed);
    let mut ws = Workspace::new(tf, "organization-audit-clean");
    sandbox.configure(&mut ws, MANAGEMENT);
    ws.set_env("AWS_REGION", "us-gov-west-1");
    let member = |name: &str, account: &str| {
        format!(
            "{PROVIDER}
data \"centralroot_member_root_credentials\" \"{name}\" {{
  account_id = \"{account}\"
}}
output \"{name}\" {{ value = data.centralroot_member_root_credentials.{name}.has_credentials }}
"
        )
    };
    let owned = |calls: &[(&str, u64)]| -> Vec<(String, u64)> {
        calls.iter().map(|(op, n)| ((*op).to_owned(), *n)).collect()
    };

    ws.write_main(&member("clean", "444444444444"));
    sandbox.reset_requests();
    ws.run_ok(&["plan"]);
    assert_eq!(
        requests_by_operation(&sandbox),
        owned(&[("AssumeRoot", 1), ("GetAccountSummary", 1)]),
        "{tf}"
    );

    ws.write_main(&member("holder", "222222222222"));
    sandbox.reset_requests();
    ws.apply();
    assert_eq!(
        requests_by_operation(&sandbox),
        owned(&[
            ("AssumeRoot", 1),
            ("GetAccessKeyLastUsed", 1),
            ("GetAccountSummary", 1),
            ("GetLoginProfile", 1),
            ("ListAccessKeys", 1),
            ("ListMFADevices", 1),
            ("ListSigningCertificates", 1),
        ]),
        "{tf}"
    );
    let out: Value = ws.run_ok(&["output", "-json"]).json();
    assert_eq!(out["holder"]["value"], true);
    let opened = &sandbox.requests().root_sessions_opened["222222222222"];
    assert_eq!(opened["IAMAuditRootUserCredentials"], 1);
}

/// This module's tests, for the harness (`main.rs`).
pub const CASES: Cases = Cases::new(
    module_path!(),
    &[
        Case::each_cli(
            "a_refresh_and_both_data_sources_share_one_audit_per_account",
            a_refresh_and_both_data_sources_share_one_audit_per_account,
        ),
        Case::each_cli(
            "a_clean_member_costs_two_requests_in_any_partition",
            a_clean_member_costs_two_requests_in_any_partition,
        ),
    ],
);
