//! Adopting an organization set up without Terraform: `terraform query` with generated
//! configuration (Terraform ≥ 1.14), `import` blocks by ID and by identity (≥ 1.5 and ≥ 1.12),
//! and `terraform import` with a minimal configuration on every version, each followed by an
//! empty plan.

use std::fs;

use centralroot_sandbox::Seed;
use serde_json::Value;

use crate::organization_features::{ORG, header};
use crate::support::sandbox::{IAM, MANAGEMENT, MEMBERS};
use crate::support::{Case, Cases, SandboxFixture, Terraform, Workspace};

/// The service principal other than IAM the organization delegates.
const ACCESS_ANALYZER: &str = "access-analyzer.amazonaws.com";

/// The three registrations: two for IAM, one for Access Analyzer.
fn registrations() -> [(&'static str, &'static str); 3] {
    [
        (MEMBERS[0], IAM),
        (MEMBERS[1], IAM),
        (MEMBERS[2], ACCESS_ANALYZER),
    ]
}

/// Sets the organization up through the AWS SDK alone, as an administrator with the CLI
/// would: trusted access for IAM and Access Analyzer, both features, three delegated
/// administrators.
fn set_up_with_the_sdk(fx: &SandboxFixture) {
    let config = fx.sdk_config(MANAGEMENT);
    let organizations = aws_sdk_organizations::Client::new(&config);
    let iam = aws_sdk_iam::Client::new(&config);
    fx.block_on(async {
        for principal in [IAM, ACCESS_ANALYZER] {
            organizations
                .enable_aws_service_access()
                .service_principal(principal)
                .send()
                .await
                .expect("EnableAWSServiceAccess");
        }
        iam.enable_organizations_root_credentials_management()
            .send()
            .await
            .expect("EnableOrganizationsRootCredentialsManagement");
        iam.enable_organizations_root_sessions()
            .send()
            .await
            .expect("EnableOrganizationsRootSessions");
        for (account, principal) in registrations() {
            organizations
                .register_delegated_administrator()
                .account_id(account)
                .service_principal(principal)
                .send()
                .await
                .expect("RegisterDelegatedAdministrator");
        }
    });
}

/// A sandbox holding the organization [`set_up_with_the_sdk`] made, with its request counters
/// cleared.
fn adopted_organization() -> SandboxFixture {
    let fx = SandboxFixture::start(Seed::default_seed());
    set_up_with_the_sdk(&fx);
    fx.reset_requests();
    fx
}

/// How many requests changed something in the sandbox since the counters were cleared.
fn writes(fx: &SandboxFixture) -> u64 {
    fx.requests()
        .operations
        .iter()
        .filter(|(operation, _)| {
            !["List", "Describe", "Get"]
                .iter()
                .any(|read| operation.starts_with(read))
        })
        .map(|(_, count)| count.total)
        .sum()
}

fn workspace(tf: &'static Terraform, fx: &SandboxFixture, name: &str) -> Workspace {
    let mut ws = Workspace::new(tf, name);
    fx.configure(&mut ws, MANAGEMENT);
    ws
}

/// The plan summary line, e.g. `Plan: 4 to import, 0 to add, 0 to change, 0 to destroy.`
fn summary(run: &str) -> Option<&str> {
    run.lines()
        .find(|line| line.trim_start().starts_with("Plan:"))
}

fn query_generates_configuration_that_imports_everything_unchanged(tf: &'static Terraform) {
    let fx = adopted_organization();
    let ws = workspace(tf, &fx, "adopt-query");
    ws.write_main(&header(""));
    ws.write(
        "adopt.tfquery.hcl",
        r#"list "centralroot_organization_features" "this" {
  provider = centralroot
}

list "centralroot_delegated_admin" "all" {
  provider = centralroot
  config {}
}
"#,
    );
    let listed = ws.run_ok(&["query", "-no-color"]);
    for (account, principal) in registrations() {
        listed.assert_output_contains(&format!("{account}/{principal}"));
    }
    listed.assert_output_contains(ORG);

    ws.run_ok(&["query", "-generate-config-out=generated.tf"]);
    let generated = fs::read_to_string(ws.dir().join("generated.tf")).expect("generated.tf");
    assert_eq!(generated.matches("import {").count(), 4, "{generated}");
    assert!(generated.contains("identity"), "{generated}");
    assert!(generated.contains(ACCESS_ANALYZER), "{generated}");
    // The query file stays: plan reads only the .tf files.

    let plan = ws.run_ok(&["plan"]);
    assert_eq!(
        summary(&plan.stdout),
        Some("Plan: 4 to import, 0 to add, 0 to change, 0 to destroy."),
        "{tf}:\n{plan}\n{generated}"
    );
    ws.apply();
    ws.assert_no_changes();
    assert_eq!(writes(&fx), 0, "{tf}: {:?}", fx.requests());

    let identities = ws.run_ok(&["state", "identities", "-json"]).json();
    let text = identities.to_string();
    assert!(
        text.contains(&format!("\"organization_id\":\"{ORG}\"")),
        "{text}"
    );
    for (account, principal) in registrations() {
        assert!(
            text.contains(&format!("\"account_id\":\"{account}\"")),
            "{text}"
        );
        assert!(
            text.contains(&format!("\"service_principal\":\"{principal}\"")),
            "{text}"
        );
    }
    assert_eq!(identity_count(&identities), 4, "{text}");
}

/// The number of instances `state identities -json` lists with an identity.
fn identity_count(identities: &Value) -> usize {
    match identities {
        Value::Object(map) => map.values().filter(|v| !v.is_null()).count(),
        Value::Array(items) => items.len(),
        _ => 0,
    }
}

/// The minimal configuration: what a `hashicorp/aws` user writes, optional arguments left out.
fn minimal_config() -> String {
    format!(
        r#"{}
resource "centralroot_organization_features" "this" {{
  enabled_features = ["RootCredentialsManagement", "RootSessions"]
}}

resource "centralroot_delegated_admin" "first" {{
  account_id = "{}"
}}

resource "centralroot_delegated_admin" "second" {{
  account_id = "{}"
}}

resource "centralroot_delegated_admin" "analyzer" {{
  account_id        = "{}"
  service_principal = "{ACCESS_ANALYZER}"
}}
"#,
        header(""),
        MEMBERS[0],
        MEMBERS[1],
        MEMBERS[2]
    )
}

fn import_blocks_by_id_and_by_identity_plan_empty_with_a_minimal_configuration(
    tf: &'static Terraform,
) {
    let fx = adopted_organization();
    let ws = workspace(tf, &fx, "adopt-import-blocks");
    ws.write_main(&format!(
        r#"{}
import {{
  to = centralroot_organization_features.this
  id = "{ORG}"
}}

import {{
  to = centralroot_delegated_admin.first
  identity = {{
    account_id = "{}"
  }}
}}

import {{
  to = centralroot_delegated_admin.second
  id = "{}"
}}

import {{
  to = centralroot_delegated_admin.analyzer
  identity = {{
    account_id        = "{}"
    service_principal = "{ACCESS_ANALYZER}"
  }}
}}
"#,
        minimal_config(),
        MEMBERS[0],
        MEMBERS[1],
        MEMBERS[2]
    ));
    let plan = ws.run_ok(&["plan"]);
    assert_eq!(
        summary(&plan.stdout),
        Some("Plan: 4 to import, 0 to add, 0 to change, 0 to destroy."),
        "{tf}:\n{plan}"
    );
    ws.apply();
    ws.write_main(&minimal_config());
    ws.assert_no_changes();
    assert_eq!(writes(&fx), 0, "{tf}: {:?}", fx.requests());
    let features = ws
        .resource_values("centralroot_organization_features.this")
        .expect("features imported");
    assert_eq!(features["enable_trusted_access"], true, "{tf}");
}

/// Import by identity of the features too, and generated configuration for it
/// (`plan -generate-config-out`), on Terraform ≥ 1.12.
fn generated_configuration_for_identity_imports_plans_empty(tf: &'static Terraform) {
    let fx = adopted_organization();
    let ws = workspace(tf, &fx, "adopt-generate");
    ws.write_main(&format!(
        r#"{}
import {{
  to = centralroot_organization_features.this
  identity = {{
    organization_id = "{ORG}"
  }}
}}

import {{
  to = centralroot_delegated_admin.analyzer
  identity = {{
    account_id        = "{}"
    service_principal = "{ACCESS_ANALYZER}"
  }}
}}
"#,
        header(""),
        MEMBERS[2]
    ));
    ws.run_ok(&["plan", "-generate-config-out=generated.tf"]);
    let generated = fs::read_to_string(ws.dir().join("generated.tf")).expect("generated.tf");
    assert!(
        generated.contains("enable_trusted_access = true"),
        "{generated}"
    );
    assert!(generated.contains(ACCESS_ANALYZER), "{generated}");
    ws.apply();
    ws.assert_no_changes();
    assert_eq!(writes(&fx), 0, "{tf}: {:?}", fx.requests());
}

/// `terraform import` with the minimal configuration on every version: the features' plan no
/// longer proposes `enable_trusted_access = true -> false`.
fn cli_import_with_a_minimal_configuration_plans_empty(tf: &'static Terraform) {
    let fx = adopted_organization();
    let ws = workspace(tf, &fx, "adopt-cli-import");
    ws.write_main(&minimal_config());
    ws.import("centralroot_organization_features.this", ORG)
        .assert_success();
    ws.import("centralroot_delegated_admin.first", MEMBERS[0])
        .assert_success();
    ws.import(
        "centralroot_delegated_admin.second",
        &format!("{}/{IAM}", MEMBERS[1]),
    )
    .assert_success();
    ws.import(
        "centralroot_delegated_admin.analyzer",
        &format!("{}/{ACCESS_ANALYZER}", MEMBERS[2]),
    )
    .assert_success();
    ws.assert_no_changes();
    assert_eq!(writes(&fx), 0, "{tf}: {:?}", fx.requests());
}

/// This module's tests, for the harness (`main.rs`).
pub const CASES: Cases = Cases::new(
    module_path!(),
    &[
        Case::each_cli(
            "query_generates_configuration_that_imports_everything_unchanged",
            query_generates_configuration_that_imports_everything_unchanged,
        )
        .needs(1, 14, "list resources and `terraform query`"),
        Case::each_cli(
            "import_blocks_by_id_and_by_identity_plan_empty_with_a_minimal_configuration",
            import_blocks_by_id_and_by_identity_plan_empty_with_a_minimal_configuration,
        )
        .needs(1, 12, "import by identity"),
        Case::each_cli(
            "generated_configuration_for_identity_imports_plans_empty",
            generated_configuration_for_identity_imports_plans_empty,
        )
        .needs(1, 12, "import by identity"),
        Case::each_cli(
            "cli_import_with_a_minimal_configuration_plans_empty",
            cli_import_with_a_minimal_configuration_plans_empty,
        ),
    ],
);
