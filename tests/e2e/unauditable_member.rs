//! One member that cannot be audited never breaks the plan of the organization: its removal
//! keeps the state of its last refresh and the plan warns, naming the account and the cause,
//! while credentials that reappear elsewhere are still planned for removal; an apply that must
//! change that account fails naming it. A member that left the organization is forgotten.

use centralroot_sandbox::Seed;
use centralroot_sandbox::seed::{AccountPatch, Feature, RootAccessKey, TrustedAccess};
use serde_json::Value;

use crate::errors::assert_says;
use crate::support::sandbox::{IAM, MANAGEMENT};
use crate::support::{Case, Cases, PlanOutcome, SandboxFixture, Terraform, Workspace};

const A: &str = "222222222222";
const B: &str = "333333333333";
const BARE: &str = "444444444444";

/// `required_providers` and the provider block, which takes the sandbox from the environment.
pub const HEADER: &str = r#"terraform {
  required_providers {
    centralroot = {
      source = "centralroot/centralroot"
    }
  }
}

provider "centralroot" {}
"#;

/// The default seed with trusted access and both organization features on: an organization
/// where every root task works.
pub fn root_access_seed() -> Seed {
    let mut seed = Seed::default_seed();
    seed.trusted_access.push(TrustedAccess {
        service_principal: IAM.into(),
        date_enabled: 1_700_000_000,
    });
    seed.features = vec![Feature::RootCredentialsManagement, Feature::RootSessions];
    seed
}

/// The removal guide's configuration: every member the organization audit lists, whatever its
/// audit said, with `kinds` selected.
fn organization_config(kinds: &str) -> String {
    format!(
        r#"{HEADER}
data "centralroot_organization_root_credentials" "all" {{}}

resource "centralroot_root_credentials_removal" "member" {{
  for_each         = toset([for a in data.centralroot_organization_root_credentials.all.accounts : a.account_id])
  account_id       = each.key
  credential_types = {kinds}
}}
"#
    )
}

const EVERY_KIND: &str = r#"["password", "access_keys", "signing_certificates", "mfa_devices"]"#;

fn address(account: &str) -> String {
    format!("centralroot_root_credentials_removal.member[\"{account}\"]")
}

fn kinds_in_state(ws: &Workspace, account: &str) -> Value {
    ws.resource_values(&address(account))
        .unwrap_or_else(|| panic!("{account} is not in state"))["credential_types"]
        .clone()
}

fn patch(sandbox: &SandboxFixture, account: &str, patch: AccountPatch) {
    sandbox
        .sandbox()
        .update_account(account, patch)
        .unwrap_or_else(|| panic!("{account} is not seeded"));
}

fn a_member_behind_a_service_control_policy_keeps_its_state_and_the_plan_goes_on(
    tf: &'static Terraform,
) {
    let sandbox = SandboxFixture::start(root_access_seed());
    let mut ws = Workspace::new(tf, "unauditable-scp");
    sandbox.configure(&mut ws, MANAGEMENT);
    ws.write_main(&organization_config(EVERY_KIND));
    ws.apply();
    let state = sandbox.state();
    for account in [A, B] {
        assert_eq!(state.account(account).unwrap().root, Default::default());
    }

    // B comes behind an SCP that denies root sessions; a key reappears on A.
    patch(
        &sandbox,
        B,
        AccountPatch {
            assume_root_denied: Some(true),
            ..AccountPatch::default()
        },
    );
    let mut root = sandbox.state().account(A).unwrap().root.clone();
    root.access_keys.push(RootAccessKey {
        id: "AKIAREAPPEARED000001".into(),
        status: "Active".into(),
        created: 1_720_000_000,
        last_used: None,
    });
    patch(
        &sandbox,
        A,
        AccountPatch {
            root: Some(root),
            ..AccountPatch::default()
        },
    );

    let (outcome, run) = ws.plan();
    assert_eq!(outcome, PlanOutcome::Changes, "{run}");
    assert_says(
        &run,
        &format!("Account {B} not audited: A service control policy denies the call"),
    );
    assert_says(&run, "with an explicit deny in a service control policy");
    assert_says(&run, "access_key:AKIAREAPPEARED000001");
    assert_says(&run, "Plan: 0 to add, 1 to change, 0 to destroy.");

    // The apply removes the key from A and leaves B as it was recorded.
    let run = ws.apply();
    assert_says(&run, &format!("Account {B} not audited"));
    assert!(
        sandbox
            .state()
            .account(A)
            .unwrap()
            .root
            .access_keys
            .is_empty(),
        "the reappeared key is gone"
    );
    assert!(
        ws.resource_values(&address(B)).is_some(),
        "B stays in state"
    );

    // An apply that must change B fails naming it; the others are changed.
    ws.write_main(&organization_config(r#"["password", "access_keys"]"#));
    let run = ws.run(&["apply", "-auto-approve"]);
    run.assert_failure();
    assert_says(&run, "A service control policy denies the call");
    assert_says(&run, &format!("with {}", address(B)));
    let two = serde_json::json!(["access_keys", "password"]);
    assert_eq!(kinds_in_state(&ws, A), two);
    assert_eq!(kinds_in_state(&ws, BARE), two);
    assert_eq!(
        kinds_in_state(&ws, B).as_array().map(Vec::len),
        Some(4),
        "B keeps what its last apply recorded"
    );
}

/// Removals of A and B named one by one, as a configuration without the organization audit
/// writes them.
fn static_config() -> String {
    format!(
        r#"{HEADER}
resource "centralroot_root_credentials_removal" "a" {{
  account_id = "{A}"
}}

resource "centralroot_root_credentials_removal" "b" {{
  account_id = "{B}"
}}
"#
    )
}

fn a_suspended_member_is_kept_and_one_that_left_the_organization_is_forgotten(
    tf: &'static Terraform,
) {
    let sandbox = SandboxFixture::start(root_access_seed());
    let mut ws = Workspace::new(tf, "unauditable-gone");
    sandbox.configure(&mut ws, MANAGEMENT);
    ws.write_main(&static_config());
    ws.apply();

    patch(
        &sandbox,
        A,
        AccountPatch {
            status: Some("SUSPENDED".into()),
            ..AccountPatch::default()
        },
    );
    let mut model = sandbox.state();
    for account in &mut model.accounts {
        if account.id == B {
            account.in_organization = false;
        }
    }
    sandbox.sandbox().replace(model);

    // A stays as recorded, with a warning; B is forgotten, and the configuration that still
    // names it plans to create it again.
    let (outcome, run) = ws.plan();
    assert_eq!(outcome, PlanOutcome::Changes, "{run}");
    assert_says(
        &run,
        &format!("Account {A} not audited: AWS refused a root session on the account"),
    );
    assert_says(&run, "The account is SUSPENDED in the organization.");
    assert_says(
        &run,
        &format!("Account {B} is no longer in the organization"),
    );
    assert_says(&run, "Plan: 1 to add, 0 to change, 0 to destroy.");
    assert_says(
        &run,
        "centralroot_root_credentials_removal.b will be created",
    );

    // Creating it fails naming the account; A is untouched.
    let run = ws.run(&["apply", "-auto-approve"]);
    run.assert_failure();
    assert_says(&run, "AWS refused a root session on the account");
    assert_says(&run, "with centralroot_root_credentials_removal.b");
    assert!(
        ws.resource_values("centralroot_root_credentials_removal.a")
            .is_some()
    );
    assert!(
        ws.resource_values("centralroot_root_credentials_removal.b")
            .is_none()
    );
}

pub const CASES: Cases = Cases::new(
    module_path!(),
    &[
        Case::each_cli(
            "a_member_behind_a_service_control_policy_keeps_its_state_and_the_plan_goes_on",
            a_member_behind_a_service_control_policy_keeps_its_state_and_the_plan_goes_on,
        ),
        Case::each_cli(
            "a_suspended_member_is_kept_and_one_that_left_the_organization_is_forgotten",
            a_suspended_member_is_kept_and_one_that_left_the_organization_is_forgotten,
        ),
    ],
);
