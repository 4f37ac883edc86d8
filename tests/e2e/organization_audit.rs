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
    assert_eq!(log.operations["GetLoginProfile"].total, members as u64);

    let out: Value = ws.run_ok(&["output", "-json"]).json();
    assert_eq!(out["count"]["value"], members);
    assert_eq!(out["with"]["value"], 2 + 75 - removed.len());
    assert_eq!(out["first_password"]["value"], false);
    ws.assert_no_changes();
}

/// This module's tests, for the harness (`main.rs`).
pub const CASES: Cases = Cases::new(
    module_path!(),
    &[Case::each_cli(
        "a_refresh_and_both_data_sources_share_one_audit_per_account",
        a_refresh_and_both_data_sources_share_one_audit_per_account,
    )],
);
