//! From the audit to the code of the clean-up (Terraform ≥ 1.14): `terraform query
//! -generate-config-out` on an organization where some members hold root credentials, one is
//! clean and one refuses root sessions writes exactly one removal per member holding
//! credentials; the plan imports them and shows what the apply deletes; after the apply a
//! second query finds nothing.

use std::fs;

use centralroot_sandbox::Seed;
use centralroot_sandbox::seed::{Account, RootAccessKey};

use crate::support::sandbox::MANAGEMENT;
use crate::support::{Case, Cases, SandboxFixture, Terraform, Workspace};
use crate::unauditable_member::{HEADER, root_access_seed};

/// Members holding credentials: every kind (the default seed's) and one access key.
const WITH_CREDENTIALS: [&str; 3] = ["222222222222", "333333333333", "555555555555"];
/// The member without any root credential.
const CLEAN: &str = "444444444444";
/// The member behind a service control policy that denies root sessions.
const DENIED: &str = "666666666666";

const QUERY: &str = r#"list "centralroot_root_credentials_removal" "members" {
  provider = centralroot
  config {}
}
"#;

/// Trusted access and both features on; 222222222222 and 333333333333 hold every kind,
/// 444444444444 nothing, 555555555555 one access key, 666666666666 refuses root sessions.
fn seed() -> Seed {
    let mut seed = root_access_seed();
    let mut key_only = Account::new("555555555555");
    key_only.root.access_keys.push(RootAccessKey {
        id: "AKIAKEYONLY000000001".into(),
        status: "Active".into(),
        created: 1_700_000_000,
        last_used: None,
    });
    let mut denied = Account::new(DENIED);
    denied.assume_root_denied = true;
    seed.accounts.extend([key_only, denied]);
    seed.validated().expect("a valid seed")
}

/// The plan summary line.
fn summary(output: &str) -> Option<&str> {
    output
        .lines()
        .find(|line| line.trim_start().starts_with("Plan:"))
}

/// Requests that change something in AWS.
fn writes(fx: &SandboxFixture) -> u64 {
    fx.requests()
        .operations
        .iter()
        .filter(|(operation, _)| {
            [
                "Delete",
                "Deactivate",
                "Create",
                "Enable",
                "Disable",
                "Register",
            ]
            .iter()
            .any(|write| operation.starts_with(write))
        })
        .map(|(_, count)| count.total)
        .sum()
}

fn query_then_plan_is_the_whole_clean_up(tf: &'static Terraform) {
    let fx = SandboxFixture::start(seed());
    let mut ws = Workspace::new(tf, "removal-query");
    fx.configure(&mut ws, MANAGEMENT);
    ws.write_main(HEADER);
    ws.write("cleanup.tfquery.hcl", QUERY);

    let listed = ws.run_ok(&["query"]);
    for account in WITH_CREDENTIALS {
        listed.assert_output_contains(&format!("{account} ("));
    }
    assert!(!listed.stdout.contains(CLEAN), "{listed}");
    listed.assert_output_contains(&format!("Account {DENIED} not audited"));
    let log = fx.requests();
    assert_eq!(
        log.operations["AssumeRoot"].total, 5,
        "one audit per active member: {log:?}"
    );
    assert_eq!(writes(&fx), 0, "a query changes nothing: {log:?}");

    fx.reset_requests();
    let generated = ws.run_ok(&["query", "-generate-config-out=removals.tf"]);
    generated.assert_output_contains(&format!("Account {DENIED} not audited"));
    let removals = fs::read_to_string(ws.dir().join("removals.tf")).expect("removals.tf");
    assert_eq!(removals.matches("import {").count(), 3, "{removals}");
    assert_eq!(
        removals
            .matches("resource \"centralroot_root_credentials_removal\"")
            .count(),
        3,
        "{removals}"
    );
    for account in WITH_CREDENTIALS {
        assert_eq!(
            removals.matches(&format!("\"{account}\"")).count(),
            2,
            "its removal and its import identity: {removals}"
        );
    }
    assert!(
        !removals.contains(CLEAN) && !removals.contains(DENIED),
        "{removals}"
    );
    assert!(
        !removals.contains("credential_types"),
        "the default: {removals}"
    );
    assert_eq!(writes(&fx), 0);

    // The query file stays: plan reads only the .tf files.
    let plan = ws.run_ok(&["plan"]);
    assert_eq!(
        summary(&plan.stdout),
        Some("Plan: 3 to import, 0 to add, 3 to change, 0 to destroy."),
        "{tf}:\n{plan}\n{removals}"
    );
    plan.assert_output_contains("access_key:AKIAKEYONLY000000001");
    ws.apply();
    let model = fx.state();
    for account in WITH_CREDENTIALS {
        let root = &model.account(account).expect("seeded").root;
        assert!(
            root.login_profile.is_none()
                && root.access_keys.is_empty()
                && root.signing_certificates.is_empty()
                && root.mfa_devices.is_empty(),
            "{account}: {root:?}"
        );
    }
    ws.assert_no_changes();

    fx.reset_requests();
    let again = ws.run_ok(&["query", "-generate-config-out=again.tf"]);
    for account in WITH_CREDENTIALS {
        assert!(!again.stdout.contains(&format!("{account} (")), "{again}");
    }
    let again_generated = fs::read_to_string(ws.dir().join("again.tf")).unwrap_or_default();
    assert!(
        !again_generated.contains("import {"),
        "nothing left to remove:\n{again_generated}"
    );
    assert_eq!(writes(&fx), 0);
}

/// With `credential_types`, the query finds the members holding those kinds and the generated
/// blocks remove those kinds only, as the removal guide says.
fn selected_kinds_are_found_and_removed_alone(tf: &'static Terraform) {
    let fx = SandboxFixture::start(seed());
    let mut ws = Workspace::new(tf, "removal-query-kinds");
    fx.configure(&mut ws, MANAGEMENT);
    ws.write_main(HEADER);
    ws.write(
        "cleanup.tfquery.hcl",
        &QUERY.replace(
            "config {}",
            "config {\n    credential_types = [\"password\"]\n  }",
        ),
    );
    ws.run_ok(&["query", "-generate-config-out=removals.tf"]);
    let removals = fs::read_to_string(ws.dir().join("removals.tf")).expect("removals.tf");
    assert_eq!(removals.matches("import {").count(), 2, "{removals}");
    assert!(
        !removals.contains("555555555555"),
        "no password there: {removals}"
    );
    assert_eq!(
        removals
            .matches("credential_types = [\"password\"]")
            .count(),
        2,
        "{removals}"
    );
    let plan = ws.run_ok(&["plan"]);
    assert_eq!(
        summary(&plan.stdout),
        Some("Plan: 2 to import, 0 to add, 2 to change, 0 to destroy."),
        "{tf}:\n{plan}"
    );
    ws.apply();
    let model = fx.state();
    for account in &WITH_CREDENTIALS[..2] {
        let root = &model.account(account).expect("seeded").root;
        assert!(root.login_profile.is_none(), "{account}: {root:?}");
        assert!(
            !root.access_keys.is_empty() && !root.mfa_devices.is_empty(),
            "only the password goes: {root:?}"
        );
    }
    ws.assert_no_changes();
}

/// This module's tests, for the harness (`main.rs`).
pub const CASES: Cases = Cases::new(
    module_path!(),
    &[
        Case::each_cli(
            "query_then_plan_is_the_whole_clean_up",
            query_then_plan_is_the_whole_clean_up,
        )
        .needs(1, 14, "list resources and `terraform query`"),
        Case::each_cli(
            "selected_kinds_are_found_and_removed_alone",
            selected_kinds_are_found_and_removed_alone,
        )
        .needs(1, 14, "list resources and `terraform query`"),
    ],
);
