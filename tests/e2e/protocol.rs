//! End-to-end proof that the provider speaks the plugin protocol to real Terraform (issue 2):
//! with Terraform 1.15, Terraform 1.0 and any CLI named by `CENTRALROOT_TF_EXTRA`, the schema is
//! visible, `validate` accepts a good provider block and puts the error for a bad one on the
//! offending line, and a plan with only a provider block is empty.

use crate::support::{Case, Cases, PlanOutcome, Terraform, Workspace};
use serde_json::{Value, json};

/// Declares the provider; every configuration below starts with it.
const REQUIRED_PROVIDERS: &str = r#"terraform {
  required_providers {
    centralroot = {
      source = "centralroot/centralroot"
    }
  }
}
"#;

/// A provider block that sets every argument, pointing at a loopback port nothing listens on:
/// nothing here may reach AWS.
const FULL_PROVIDER_BLOCK: &str = r#"
provider "centralroot" {
  region                   = "us-east-1"
  access_key               = "AKIAIOSFODNN7EXAMPLE"
  secret_key               = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
  token                    = "session-token"
  max_retries              = 5
  retry_mode               = "adaptive"
  shared_config_files      = ["/nonexistent/config"]
  shared_credentials_files = ["/nonexistent/credentials"]

  assume_role {
    role_arn     = "arn:aws:iam::123456789012:role/OrganizationAdmin"
    session_name = "e2e"
    external_id  = "e2e-external-id"
    duration     = "1h"
  }

  endpoints {
    iam           = "http://127.0.0.1:1"
    organizations = "http://127.0.0.1:1"
    sts           = "http://127.0.0.1:1"
  }
}
"#;

/// Terraform prunes a provider that nothing in the configuration uses, and then never validates
/// its block: the validate tests need something of the provider's. A data source is checked by
/// `validate` without being read.
const USES_THE_PROVIDER: &str = r#"
data "centralroot_organization_features" "current" {}
"#;

/// The data source type [`USES_THE_PROVIDER`] names.
const DATA_SOURCE: &str = "centralroot_organization_features";

fn workspace(tf: &'static Terraform, name: &str, provider_block: &str) -> Workspace {
    let ws = Workspace::new(tf, name);
    ws.write_main(&format!("{REQUIRED_PROVIDERS}{provider_block}"));
    ws
}

fn harness_runs_each_terraform_cli(tf: &'static Terraform) {
    let ws = Workspace::new(tf, "harness");
    let (major, minor, patch) = tf.version;
    ws.run_ok(&["version"])
        .assert_output_contains(&format!("v{major}.{minor}.{patch}"));

    ws.write_main("variable \"x\" {\n  default = 1\n}\n");
    ws.run_ok(&["fmt", "-check"]);
    ws.write("ugly.tf", "variable \"y\" {default=1}\n");
    let run = ws.run(&["fmt", "-check"]);
    assert_eq!(run.code, Some(3), "fmt -check must flag ugly.tf:\n{run}");
    run.assert_output_contains("ugly.tf");
}

fn harness_detects_consistency_errors() {
    let log = "2026-11-23T11:00:00Z [WARN]  Provider produced an invalid plan for x, but we are tolerating it\n\
               ok line\n\
               Error: Provider produced inconsistent result after apply";
    assert_eq!(crate::support::run::consistency_errors(log).len(), 2);
    assert!(
        crate::support::run::consistency_errors("Apply complete! Resources: 1 added.").is_empty()
    );
}

fn providers_schema_shows_the_provider_configuration(tf: &'static Terraform) {
    let ws = workspace(tf, "schema", "");
    let schema = ws.provider_schema();
    let block = &schema["provider"]["block"];
    let attributes = &block["attributes"];
    for name in [
        "region",
        "profile",
        "shared_config_files",
        "shared_credentials_files",
        "access_key",
        "secret_key",
        "token",
        "max_retries",
        "retry_mode",
    ] {
        let attribute = &attributes[name];
        assert!(
            attribute.is_object(),
            "{tf}: no attribute {name} in {block}"
        );
        assert_eq!(
            attribute["optional"],
            json!(true),
            "{tf}: {name} must be optional: {attribute}"
        );
    }
    assert_eq!(attributes["region"]["type"], json!("string"));
    assert_eq!(attributes["max_retries"]["type"], json!("number"));
    for name in ["shared_config_files", "shared_credentials_files"] {
        let ty = &attributes[name]["type"];
        assert!(
            *ty == json!(["list", "string"]) || *ty == json!(["set", "string"]),
            "{tf}: {name} must be a collection of strings, not {ty}"
        );
    }
    for name in ["secret_key", "token"] {
        assert_eq!(
            attributes[name]["sensitive"],
            json!(true),
            "{tf}: {name} must be sensitive"
        );
    }
    assert_ne!(
        attributes["region"]["sensitive"],
        json!(true),
        "{tf}: region is not a secret"
    );

    let blocks = &block["block_types"];
    assert_block(
        tf,
        blocks,
        "assume_role",
        &["role_arn", "session_name", "external_id", "duration"],
    );
    assert_block(tf, blocks, "endpoints", &["iam", "organizations", "sts"]);
}

fn assert_block(tf: &Terraform, blocks: &Value, name: &str, attributes: &[&str]) {
    let block = &blocks[name];
    assert!(block.is_object(), "{tf}: no block {name} in {blocks}");
    for attribute in attributes {
        assert_eq!(
            block["block"]["attributes"][attribute]["type"],
            json!("string"),
            "{tf}: {name}.{attribute} must be a string attribute: {block}"
        );
    }
}

fn validate_accepts_a_complete_provider_block(tf: &'static Terraform) {
    let ws = workspace(
        tf,
        "validate-ok",
        &format!("{FULL_PROVIDER_BLOCK}{USES_THE_PROVIDER}"),
    );
    // Terraform validates the provider block before the data source that depends on it, so
    // the block is checked even while the data source type does not exist yet; the missing
    // type is then the one error allowed.
    let has_data_source = ws.provider_schema()["data_source_schemas"]
        .get(DATA_SOURCE)
        .is_some();
    let (validation, run) = ws.validate();
    let unexpected: Vec<_> = validation
        .errors()
        .filter(|error| has_data_source || error.summary != "Invalid data source")
        .collect();
    assert!(
        unexpected.is_empty(),
        "{tf}: the provider block must be accepted:\n{run}"
    );
    if has_data_source {
        assert!(
            validation.valid,
            "{tf}: expected a valid configuration:\n{run}"
        );
        run.assert_success();
    }
}

fn validate_rejects_an_unknown_retry_mode_on_its_line(tf: &'static Terraform) {
    let block = FULL_PROVIDER_BLOCK.replace(r#""adaptive""#, r#""bogus""#);
    let ws = workspace(
        tf,
        "validate-retry-mode",
        &format!("{block}{USES_THE_PROVIDER}"),
    );
    assert_error_on_line(&ws, "retry_mode", &["retry_mode", "bogus"]);
}

fn validate_rejects_a_malformed_assume_role_duration_on_its_line(tf: &'static Terraform) {
    let block = FULL_PROVIDER_BLOCK.replace(r#""1h""#, r#""2 days""#);
    let ws = workspace(
        tf,
        "validate-duration",
        &format!("{block}{USES_THE_PROVIDER}"),
    );
    assert_error_on_line(&ws, "duration", &["duration", "2 days"]);
}

fn validate_rejects_an_argument_the_schema_does_not_have(tf: &'static Terraform) {
    let block = FULL_PROVIDER_BLOCK.replace("max_retries ", "max_retrys  ");
    let ws = workspace(
        tf,
        "validate-unknown",
        &format!("{block}{USES_THE_PROVIDER}"),
    );
    assert_error_on_line(&ws, "max_retrys", &["max_retrys"]);
}

/// Validation fails with exactly the errors that point at the line holding `attribute`, and one
/// of them mentions one of `mentions`.
#[track_caller]
fn assert_error_on_line(ws: &Workspace, attribute: &str, mentions: &[&str]) {
    let tf = ws.terraform();
    let line = ws.line_of("main.tf", &format!("{attribute} "));
    let (validation, run) = ws.validate();
    run.assert_failure();
    assert!(
        !validation.valid,
        "{tf}: expected an invalid configuration:\n{run}"
    );
    let errors: Vec<_> = validation.errors().collect();
    assert!(!errors.is_empty(), "{tf}: no error diagnostic:\n{run}");
    for error in &errors {
        assert_eq!(
            (error.filename.as_deref(), error.line),
            (Some("main.tf"), Some(line)),
            "{tf}: the error must point at main.tf:{line} ({attribute}): {error}\n{run}"
        );
    }
    assert!(
        errors
            .iter()
            .any(|error| mentions.iter().any(|m| error.mentions(m))),
        "{tf}: no error mentions any of {mentions:?}:\n{run}"
    );
}

fn plan_with_only_a_provider_block_has_no_changes(tf: &'static Terraform) {
    let block = r#"
provider "centralroot" {
  region     = "us-east-1"
  access_key = "AKIAIOSFODNN7EXAMPLE"
  secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

  endpoints {
    iam           = "http://127.0.0.1:1"
    organizations = "http://127.0.0.1:1"
    sts           = "http://127.0.0.1:1"
  }
}
"#;
    let ws = workspace(tf, "plan-empty", block);
    let (outcome, run) = ws.plan();
    assert_eq!(
        outcome,
        PlanOutcome::NoChanges,
        "{tf}: expected no changes:\n{run}"
    );
    run.assert_output_contains("No changes.");
    assert!(
        !run.stdout.contains("wJalrXUtnFEMI"),
        "{tf}: the secret key must not be printed:\n{run}"
    );
}

/// This module's tests, for the harness (`main.rs`).
pub const CASES: Cases = Cases::new(
    module_path!(),
    &[
        Case::each_cli(
            "harness_runs_each_terraform_cli",
            harness_runs_each_terraform_cli,
        ),
        Case::once(
            "harness_detects_consistency_errors",
            harness_detects_consistency_errors,
        ),
        Case::each_cli(
            "providers_schema_shows_the_provider_configuration",
            providers_schema_shows_the_provider_configuration,
        ),
        Case::each_cli(
            "validate_accepts_a_complete_provider_block",
            validate_accepts_a_complete_provider_block,
        ),
        Case::each_cli(
            "validate_rejects_an_unknown_retry_mode_on_its_line",
            validate_rejects_an_unknown_retry_mode_on_its_line,
        ),
        Case::each_cli(
            "validate_rejects_a_malformed_assume_role_duration_on_its_line",
            validate_rejects_a_malformed_assume_role_duration_on_its_line,
        ),
        Case::each_cli(
            "validate_rejects_an_argument_the_schema_does_not_have",
            validate_rejects_an_argument_the_schema_does_not_have,
        ),
        Case::each_cli(
            "plan_with_only_a_provider_block_has_no_changes",
            plan_with_only_a_provider_block_has_no_changes,
        ),
    ],
);
