//! End-to-end proof that failures of `centralroot_organization_features` exit 1 with a diagnostic
//! that says what is wrong and how to fix it, on the attribute it concerns, and leave both the
//! organization and Terraform's state unchanged.

use centralroot_sandbox::Seed;
use centralroot_sandbox::seed::{FeatureSet, TrustedAccess};

use crate::organization_features::{
    ADDRESS, ORG, header, resource_attributes, resource_config, sandbox_features,
    sandbox_trusted_access, workspace,
};
use crate::support::sandbox::{IAM, MEMBERS};
use crate::support::{Case, Cases, Run, SandboxFixture, Terraform, Workspace};

const BOTH: [&str; 2] = ["RootCredentialsManagement", "RootSessions"];

/// Fails unless the output says `text`, wherever Terraform wrapped its lines.
#[track_caller]
pub fn assert_says(run: &Run, text: &str) {
    let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let output = flat(&format!("{}\n{}", run.stdout, run.stderr));
    assert!(
        output.contains(&flat(text)),
        "expected the output to say {text:?}:\n{run}"
    );
}

/// Nothing changed: no feature in the sandbox, nothing in Terraform's state.
#[track_caller]
fn assert_unchanged(fx: &SandboxFixture, ws: &Workspace, trusted_access: bool) {
    assert!(sandbox_features(fx).is_empty(), "features were enabled");
    assert_eq!(
        sandbox_trusted_access(fx),
        trusted_access,
        "trusted access changed"
    );
    assert!(
        resource_attributes(ws).is_none(),
        "the resource is in state"
    );
}

fn trusted_seed() -> Seed {
    let mut seed = Seed::default_seed();
    seed.trusted_access.push(TrustedAccess {
        service_principal: IAM.into(),
        date_enabled: 1_700_000_000,
    });
    seed
}

fn member_account_credentials_are_refused(tf: &'static Terraform) {
    let fx = SandboxFixture::start(trusted_seed());
    let mut ws = Workspace::new(tf, "errors-member");
    fx.configure(&mut ws, MEMBERS[0]);
    ws.write_main(&resource_config(&BOTH, false, ""));
    let run = ws.run(&["apply", "-auto-approve"]);
    run.assert_failure();
    assert_says(
        &run,
        "Caller is not the management account or the IAM delegated administrator",
    );
    assert_says(&run, "credentials of the organization's management account");
    // An account-wide problem: on the resource, not on one of its attributes.
    assert_says(
        &run,
        "12: resource \"centralroot_organization_features\" \"this\" {",
    );
    assert_unchanged(&fx, &ws, true);
}

fn consolidated_billing_organization_is_refused(tf: &'static Terraform) {
    let mut seed = Seed::default_seed();
    if let Some(org) = seed.organization.as_mut() {
        org.feature_set = FeatureSet::ConsolidatedBilling;
    }
    let fx = SandboxFixture::start(seed);
    let ws = workspace(tf, &fx, "errors-billing");
    // With enable_trusted_access = true the first failing call is Organizations'
    // EnableAWSServiceAccess, whose ConstraintViolation must read like IAM's error.
    ws.write_main(&resource_config(&BOTH, true, ""));
    let run = ws.run(&["apply", "-auto-approve"]);
    run.assert_failure();
    assert_says(&run, "The organization does not have all features enabled");
    assert_says(&run, "aws organizations enable-all-features");
    assert_unchanged(&fx, &ws, false);
}

fn trusted_access_off_names_both_fixes(tf: &'static Terraform) {
    let fx = SandboxFixture::default_seed();
    let ws = workspace(tf, &fx, "errors-trusted-access");
    ws.write_main(&resource_config(&BOTH, false, ""));
    let line = ws.line_of("main.tf", "enable_trusted_access");
    let run = ws.run(&["apply", "-auto-approve"]);
    run.assert_failure();
    assert_says(
        &run,
        "IAM trusted access is not enabled in AWS Organizations",
    );
    assert_says(&run, "Set enable_trusted_access = true");
    assert_says(
        &run,
        "aws organizations enable-aws-service-access --service-principal iam.amazonaws.com",
    );
    // Terraform quotes the attribute the diagnostic is on.
    assert_says(&run, &format!("{line}: enable_trusted_access = false"));
    assert_unchanged(&fx, &ws, false);
}

fn invalid_and_empty_feature_sets_fail_validation(tf: &'static Terraform) {
    let fx = SandboxFixture::default_seed();
    let ws = workspace(tf, &fx, "errors-validate");
    ws.write_main(&format!(
            "{}\nresource \"centralroot_organization_features\" \"typo\" {{\n  enabled_features = [\"RootSessions\", \"RootPasswords\"]\n}}\n\nresource \"centralroot_organization_features\" \"empty\" {{\n  enabled_features = []\n}}\n",
            header("")
        ));
    let (validation, run) = ws.validate();
    assert!(!validation.valid, "{tf}: accepted:\n{run}");
    let errors: Vec<_> = validation.errors().collect();
    assert_eq!(errors.len(), 2, "{tf}: {errors:#?}");
    let typo = ws.line_of("main.tf", "RootPasswords");
    let empty = ws.line_of("main.tf", "enabled_features = []");
    let on = |line| errors.iter().find(|d| d.line == Some(line));
    let typo_error = on(typo).unwrap_or_else(|| panic!("{tf}: nothing on line {typo}"));
    assert!(typo_error.mentions("RootPasswords"), "{tf}: {typo_error}");
    assert!(
        typo_error.mentions("RootCredentialsManagement"),
        "{tf}: {typo_error}"
    );
    assert!(
        on(empty).is_some(),
        "{tf}: nothing on line {empty}: {errors:#?}"
    );
    assert!(
        fx.requests().operations.is_empty(),
        "{tf}: validation called AWS"
    );
}

fn invalid_import_ids_are_refused(tf: &'static Terraform) {
    let fx = SandboxFixture::default_seed();
    let ws = workspace(tf, &fx, "errors-import");
    ws.write_main(&resource_config(&BOTH, true, ""));
    let run = ws.import(ADDRESS, "sandbox1234");
    run.assert_failure();
    assert_says(&run, "o- followed by 10 to 32 lowercase letters or digits");
    assert_says(
        &run,
        "terraform import centralroot_organization_features.this o-",
    );
    assert!(
        fx.requests().operations.is_empty(),
        "{tf}: a malformed import ID reached AWS"
    );
    let other = "o-otherorg1234";
    let run = ws.import(ADDRESS, other);
    run.assert_failure();
    assert_says(&run, &format!("The import ID is {other}"));
    assert_says(&run, &format!("belong to organization {ORG}"));
    assert_unchanged(&fx, &ws, false);
}

/// This module's tests, for the harness (`main.rs`).
pub const CASES: Cases = Cases::new(
    module_path!(),
    &[
        Case::each_cli(
            "member_account_credentials_are_refused",
            member_account_credentials_are_refused,
        ),
        Case::each_cli(
            "consolidated_billing_organization_is_refused",
            consolidated_billing_organization_is_refused,
        ),
        Case::each_cli(
            "trusted_access_off_names_both_fixes",
            trusted_access_off_names_both_fixes,
        ),
        Case::each_cli(
            "invalid_and_empty_feature_sets_fail_validation",
            invalid_and_empty_feature_sets_fail_validation,
        ),
        Case::each_cli(
            "invalid_import_ids_are_refused",
            invalid_import_ids_are_refused,
        ),
    ],
);
