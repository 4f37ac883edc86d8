//! End-to-end proof for `centralroot_organization_features` (resource and data source) with every
//! Terraform CLI against a fresh sandbox: create, update, drift, import, faults, destroy, and the
//! data source in a `check` block. The error cases are in `errors.rs`.

use std::fs;

use centralroot_sandbox::Seed;
use centralroot_sandbox::faults::FaultConfig;
use centralroot_sandbox::seed::{Delegation, Feature, TrustedAccess};
use serde_json::{Value, json};

use crate::support::sandbox::{IAM, MANAGEMENT, MEMBERS};
use crate::support::{Case, Cases, PlanOutcome, SandboxFixture, Terraform, Workspace};

/// The resource address every configuration here uses.
pub const ADDRESS: &str = "centralroot_organization_features.this";
/// The default seed's organization.
pub const ORG: &str = "o-sandbox1234";

/// Declares the provider; `provider_body` goes into its block.
pub fn header(provider_body: &str) -> String {
    format!(
        "terraform {{\n  required_providers {{\n    centralroot = {{\n      source = \"centralroot/centralroot\"\n    }}\n  }}\n}}\n\nprovider \"centralroot\" {{\n{provider_body}}}\n"
    )
}

/// A configuration with the resource managing `features`.
pub fn resource_config(features: &[&str], trusted: bool, provider_body: &str) -> String {
    let list = features
        .iter()
        .map(|f| format!("{f:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "{}\nresource \"centralroot_organization_features\" \"this\" {{\n  enabled_features      = [{list}]\n  enable_trusted_access = {trusted}\n}}\n",
        header(provider_body)
    )
}

/// A workspace for `tf` pointed at `fx` as the management account.
pub fn workspace(tf: &'static Terraform, fx: &SandboxFixture, name: &str) -> Workspace {
    let mut ws = Workspace::new(tf, name);
    fx.configure(&mut ws, MANAGEMENT);
    ws
}

/// Terraform's state file, read without running a command.
pub fn tf_state(ws: &Workspace) -> Value {
    match fs::read_to_string(ws.dir().join("terraform.tfstate")) {
        Ok(text) => serde_json::from_str(&text).expect("terraform.tfstate is JSON"),
        Err(_) => json!({}),
    }
}

/// The attributes of [`ADDRESS`] in Terraform's state, if it is there.
pub fn resource_attributes(ws: &Workspace) -> Option<Value> {
    let state = tf_state(ws);
    state["resources"]
        .as_array()?
        .iter()
        .find(|r| r["mode"] == "managed" && r["name"] == "this")
        .map(|r| r["instances"][0]["attributes"].clone())
}

/// The features the sandbox has enabled, by name.
pub fn sandbox_features(fx: &SandboxFixture) -> Vec<&'static str> {
    fx.state().features.iter().map(|f| f.as_str()).collect()
}

/// Whether the sandbox has trusted access for IAM on.
pub fn sandbox_trusted_access(fx: &SandboxFixture) -> bool {
    fx.state()
        .trusted_access
        .iter()
        .any(|t| t.service_principal == IAM)
}

fn with_trusted_access(mut seed: Seed) -> Seed {
    seed.trusted_access.push(TrustedAccess {
        service_principal: IAM.into(),
        date_enabled: 1_700_000_000,
    });
    seed
}

/// A sandbox whose organization already uses centralized root access.
fn compliant_seed() -> Seed {
    let mut seed = with_trusted_access(Seed::default_seed());
    seed.features = vec![Feature::RootCredentialsManagement, Feature::RootSessions];
    seed
}

/// Changes the sandbox's model as someone outside Terraform would.
fn change_outside(fx: &SandboxFixture, change: impl FnOnce(&mut Seed)) {
    let mut seed = fx.state();
    change(&mut seed);
    fx.sandbox().replace(seed);
}

/// Disables RootSessions through the AWS SDK, as the management account.
fn disable_root_sessions_with_the_sdk(fx: &SandboxFixture) {
    let creds = fx.credentials(MANAGEMENT);
    let config = aws_sdk_iam::Config::builder()
        .behavior_version(aws_sdk_iam::config::BehaviorVersion::latest())
        .region(aws_sdk_iam::config::Region::new("us-east-1"))
        .endpoint_url(fx.endpoint_url())
        .credentials_provider(aws_sdk_iam::config::Credentials::new(
            creds.access_key_id,
            creds.secret_access_key,
            None,
            None,
            "e2e",
        ))
        .build();
    let client = aws_sdk_iam::Client::from_conf(config);
    fx.block_on(client.disable_organizations_root_sessions().send())
        .expect("DisableOrganizationsRootSessions through the SDK");
}

#[track_caller]
fn assert_in_place_update(ws: &Workspace) {
    let (outcome, run) = ws.plan();
    assert_eq!(outcome, PlanOutcome::Changes, "expected changes:\n{run}");
    run.assert_output_contains("updated in-place");
    assert!(
        !run.stdout.contains("will be created"),
        "drift must not plan a new resource:\n{run}"
    );
}

/// 1, 2, 3 and 6: create with trusted access (slow propagation), update through every feature
/// set, drift back in place, destroy.
fn create_update_drift_destroy(tf: &'static Terraform) {
    let fx = SandboxFixture::default_seed();
    let ws = workspace(tf, &fx, "features-lifecycle");
    fx.set_faults(FaultConfig {
        trusted_access_propagation_ms: 1500,
        ..FaultConfig::default()
    });
    let both = ["RootCredentialsManagement", "RootSessions"];
    ws.write_main(&resource_config(&both, true, ""));
    ws.apply();
    assert!(
        fx.calls("ListOrganizationsFeatures") >= 2,
        "{tf}: the apply did not wait for trusted access to propagate"
    );
    ws.assert_no_changes();
    assert!(sandbox_trusted_access(&fx), "{tf}: trusted access is off");
    assert_eq!(sandbox_features(&fx), both, "{tf}");
    let attrs = resource_attributes(&ws).expect("resource in state");
    assert_eq!(attrs["id"], ORG);
    assert_eq!(attrs["organization_id"], ORG);
    assert_eq!(attrs["enable_trusted_access"], true);
    fx.set_faults(FaultConfig::default());

    for step in [
        &["RootCredentialsManagement"][..],
        &["RootSessions"][..],
        &both[..],
    ] {
        ws.write_main(&resource_config(step, true, ""));
        ws.apply();
        ws.assert_no_changes();
        assert_eq!(sandbox_features(&fx), step, "{tf}: after applying {step:?}");
    }

    disable_root_sessions_with_the_sdk(&fx);
    assert_in_place_update(&ws);
    ws.apply();
    assert_eq!(sandbox_features(&fx), both, "{tf}: drift not repaired");

    // Everything off outside Terraform: still the same resource, updated in place.
    change_outside(&fx, |seed| seed.features.clear());
    assert_in_place_update(&ws);
    ws.apply();
    assert_eq!(sandbox_features(&fx), both, "{tf}: drift not repaired");

    ws.destroy();
    assert!(sandbox_features(&fx).is_empty(), "{tf}: features left");
    assert!(
        sandbox_trusted_access(&fx),
        "{tf}: destroy must leave trusted access on"
    );
    assert!(resource_attributes(&ws).is_none());
}

/// 4: `terraform import` on every version; on 1.5+ an `import` block with generated
/// configuration, applied, then an empty plan.
fn import_by_organization_id(tf: &'static Terraform) {
    let fx = SandboxFixture::start(compliant_seed());
    let ws = workspace(tf, &fx, "features-import");
    ws.write_main(&resource_config(
        &["RootCredentialsManagement", "RootSessions"],
        true,
        "",
    ));
    ws.import(ADDRESS, ORG).assert_success();
    let attrs = resource_attributes(&ws).expect("imported into state");
    assert_eq!(attrs["organization_id"], ORG, "{tf}");
    assert_eq!(attrs["enable_trusted_access"], true, "{tf}");
    ws.assert_no_changes();

    if !tf.at_least(1, 5) {
        return;
    }
    let generated = workspace(tf, &fx, "features-import-block");
    generated.write_main(&format!(
        "{}\nimport {{\n  to = {ADDRESS}\n  id = \"{ORG}\"\n}}\n",
        header("")
    ));
    generated
        .run(&["plan", "-generate-config-out=generated.tf"])
        .assert_success();
    let text = fs::read_to_string(generated.dir().join("generated.tf")).expect("generated.tf");
    assert!(text.contains("enable_trusted_access = true"), "{text}");
    assert!(text.contains("RootSessions"), "{text}");
    generated.apply();
    generated.assert_no_changes();
    assert_eq!(
        sandbox_features(&fx),
        ["RootCredentialsManagement", "RootSessions"]
    );
}

/// 8 and drift of trusted access: with throttling on every 2nd call and concurrent modification
/// on every 3rd mutating Organizations call, apply converges; trusted access turned off outside
/// shows as an in-place update that turns it back on.
///
/// `max_retries = 10`: a call can meet a throttle, then a concurrent modification, then a
/// throttle again (the counters are global, so retries advance them too), which exhausts the
/// SDK's default of 3 attempts; 10 leaves a margin without hiding a retry loop that never ends.
fn converges_under_faults(tf: &'static Terraform) {
    let fx = SandboxFixture::default_seed();
    let ws = workspace(tf, &fx, "features-faults");
    ws.write_main(&resource_config(
        &["RootCredentialsManagement", "RootSessions"],
        true,
        "  max_retries = 10\n",
    ));
    fx.set_faults(FaultConfig {
        throttle_every: 2,
        concurrent_modification_every: 3,
        ..FaultConfig::default()
    });
    ws.apply();
    assert_eq!(
        sandbox_features(&fx),
        ["RootCredentialsManagement", "RootSessions"]
    );
    // Turning trusted access off outside twice more makes three EnableAWSServiceAccess
    // calls, so the concurrent modification fault is certain to hit one of them.
    for round in 0..2 {
        change_outside(&fx, |seed| seed.trusted_access.clear());
        // Every command pays the SDK's retry backoff here: show the plan once.
        if round == 0 {
            assert_in_place_update(&ws);
        }
        ws.apply();
        assert!(
            sandbox_trusted_access(&fx),
            "{tf}: trusted access not restored"
        );
    }
    let (_, injected) = fx.sandbox().faults();
    assert!(injected.throttle > 0, "{tf}: no throttling injected");
    assert!(
        injected.concurrent_modification > 0,
        "{tf}: no concurrent modification injected"
    );
    fx.set_faults(FaultConfig::default());
    ws.assert_no_changes();
}

const DATA_SOURCE_CONFIG: &str = r#"
data "centralroot_organization_features" "org" {}

output "trusted" {
  value = data.centralroot_organization_features.org.iam_trusted_access_enabled
}

output "features" {
  value = data.centralroot_organization_features.org.enabled_features
}

output "admins" {
  value = data.centralroot_organization_features.org.delegated_administrators
}

output "organization" {
  value = {
    id          = data.centralroot_organization_features.org.organization_id
    management  = data.centralroot_organization_features.org.management_account_id
    feature_set = data.centralroot_organization_features.org.feature_set
    rcm         = data.centralroot_organization_features.org.root_credentials_management_enabled
    sessions    = data.centralroot_organization_features.org.root_sessions_enabled
  }
}
"#;

/// Check blocks came with Terraform 1.5.
const CHECK_BLOCK: &str = r#"
check "centralized_root_access" {
  assert {
    condition = (
      data.centralroot_organization_features.org.iam_trusted_access_enabled &&
      data.centralroot_organization_features.org.root_credentials_management_enabled &&
      data.centralroot_organization_features.org.root_sessions_enabled
    )
    error_message = "Centralized root access is not fully enabled."
  }
}
"#;

fn output(ws: &Workspace, name: &str) -> Value {
    tf_state(ws)["outputs"][name]["value"].clone()
}

/// 9: the data source feeds outputs and a `check` block: a non-compliant organization warns,
/// a compliant one does not.
fn data_source_in_a_check_block(tf: &'static Terraform) {
    let fx = SandboxFixture::default_seed();
    let ws = workspace(tf, &fx, "features-data");
    let checks = tf.at_least(1, 5);
    let mut config = format!("{}{DATA_SOURCE_CONFIG}", header(""));
    if checks {
        config.push_str(CHECK_BLOCK);
    }
    ws.write_main(&config);

    let run = ws.apply();
    if checks {
        run.assert_output_contains("Centralized root access is not fully enabled.");
    }
    assert_eq!(output(&ws, "trusted"), false, "{tf}");
    assert_eq!(output(&ws, "features"), json!([]), "{tf}");
    assert_eq!(output(&ws, "admins"), json!([]), "{tf}");
    assert_eq!(
        output(&ws, "organization"),
        json!({"id": ORG, "management": MANAGEMENT, "feature_set": "ALL",
                   "rcm": false, "sessions": false}),
        "{tf}"
    );

    let mut seed = compliant_seed();
    seed.delegated_administrators.push(Delegation {
        account_id: MEMBERS[0].into(),
        service_principal: IAM.into(),
        delegation_enabled_date: 1_700_000_100,
    });
    fx.sandbox().replace(seed);
    let run = ws.apply();
    assert!(
        !run.stdout.contains("not fully enabled") && !run.stderr.contains("not fully enabled"),
        "{tf}: a compliant organization must not warn:\n{run}"
    );
    assert_eq!(output(&ws, "trusted"), true, "{tf}");
    assert_eq!(
        output(&ws, "features"),
        json!(["RootCredentialsManagement", "RootSessions"]),
        "{tf}"
    );
    let admins = output(&ws, "admins");
    assert_eq!(admins.as_array().map(Vec::len), Some(1), "{tf}: {admins}");
    assert_eq!(admins[0]["account_id"], MEMBERS[0], "{tf}");
    assert_eq!(admins[0]["status"], "ACTIVE", "{tf}");
    assert_eq!(
        admins[0]["delegation_enabled_date"], "2023-11-14T22:15:00Z",
        "{tf}"
    );
    assert_eq!(output(&ws, "organization")["rcm"], true, "{tf}");
}

/// Fails every call of `operation` with HTTP 500 from now on.
fn fail_every(fx: &SandboxFixture, operation: &str) {
    fx.set_faults(FaultConfig {
        server_error_every: 1,
        operations: Some(vec![operation.to_owned()]),
        ..FaultConfig::default()
    });
}

/// A create or an update that fails halfway records what is really enabled (a failed create
/// leaves it tainted, so the next apply replaces it), and the next apply converges.
/// `max_retries = 0` makes the injected server errors final.
fn partial_failures_keep_state_truthful(tf: &'static Terraform) {
    let fx = SandboxFixture::start(with_trusted_access(Seed::default_seed()));
    let ws = workspace(tf, &fx, "features-partial");
    let retries = "  max_retries = 0\n";

    fail_every(&fx, "EnableOrganizationsRootSessions");
    ws.write_main(&resource_config(
        &["RootCredentialsManagement", "RootSessions"],
        false,
        retries,
    ));
    let run = ws.run(&["apply", "-auto-approve"]);
    run.assert_failure();
    run.assert_output_contains("AWS kept failing internally");
    assert_eq!(sandbox_features(&fx), ["RootCredentialsManagement"], "{tf}");
    let attrs = resource_attributes(&ws).expect("the enabled feature is in state");
    assert_eq!(
        attrs["enabled_features"],
        json!(["RootCredentialsManagement"]),
        "{tf}: state must hold what the failed create enabled"
    );

    fx.set_faults(FaultConfig::default());
    ws.write_main(&resource_config(
        &["RootCredentialsManagement"],
        false,
        retries,
    ));
    ws.apply();
    let attrs = resource_attributes(&ws).expect("replaced");
    assert_eq!(
        attrs["enabled_features"],
        json!(["RootCredentialsManagement"])
    );

    fail_every(&fx, "DisableOrganizationsRootCredentialsManagement");
    ws.write_main(&resource_config(&["RootSessions"], false, retries));
    ws.run(&["apply", "-auto-approve"]).assert_failure();
    assert_eq!(
        sandbox_features(&fx),
        ["RootCredentialsManagement", "RootSessions"],
        "{tf}"
    );
    let attrs = resource_attributes(&ws).expect("still in state");
    assert_eq!(
        attrs["enabled_features"],
        json!(["RootCredentialsManagement", "RootSessions"]),
        "{tf}: state must hold what is really enabled"
    );

    fx.set_faults(FaultConfig::default());
    ws.apply();
    assert_eq!(sandbox_features(&fx), ["RootSessions"], "{tf}");
    ws.assert_no_changes();
}

/// An organization that no longer exists drops the resource from state with a warning, so the
/// plan creates it again instead of failing.
fn vanished_organization_leaves_state_with_a_warning(tf: &'static Terraform) {
    let fx = SandboxFixture::start(compliant_seed());
    let ws = workspace(tf, &fx, "features-vanished");
    ws.write_main(&resource_config(
        &["RootCredentialsManagement", "RootSessions"],
        true,
        "",
    ));
    ws.apply();
    change_outside(&fx, |seed| seed.organization = None);
    let (outcome, run) = ws.plan();
    assert_eq!(outcome, PlanOutcome::Changes, "{tf}:\n{run}");
    run.assert_output_contains("Organization no longer exists");
    run.assert_output_contains("will be created");
}

/// This module's tests, for the harness (`main.rs`).
pub const CASES: Cases = Cases::new(
    module_path!(),
    &[
        Case::each_cli("create_update_drift_destroy", create_update_drift_destroy),
        Case::each_cli("import_by_organization_id", import_by_organization_id),
        Case::each_cli("converges_under_faults", converges_under_faults),
        Case::each_cli("data_source_in_a_check_block", data_source_in_a_check_block),
        Case::each_cli(
            "partial_failures_keep_state_truthful",
            partial_failures_keep_state_truthful,
        ),
        Case::each_cli(
            "vanished_organization_leaves_state_with_a_warning",
            vanished_organization_leaves_state_with_a_warning,
        ),
    ],
);
