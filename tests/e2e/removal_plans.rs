//! The plan of a root-credential removal lists what its apply deletes, and the apply deletes
//! nothing else (issue 19, point 4): a create plan lists exactly the seeded credentials; when
//! credentials come back, the update plan lists exactly them, a key created between
//! `plan -out` and the apply of that plan is left in place with a warning and listed by the
//! next plan; each phase's calls are made by the right task policy's session and recorded in
//! `root_session`. A state written by the previous provider version (schema version 0) plans
//! no change and is upgraded.

use std::collections::BTreeMap;
use std::fs;

use centralroot_sandbox::seed::{AccountPatch, LoginProfile, RootAccessKey, RootUser};
use serde_json::{Value, json};

use crate::errors::assert_says;
use crate::password_recovery::{assert_root_calls, session};
use crate::removal_interruptions::labels;
use crate::support::sandbox::MANAGEMENT;
use crate::support::{Case, Cases, SandboxFixture, Terraform, Workspace};
use crate::unauditable_member::root_access_seed;

/// A member whose root user holds one credential of each kind.
const A: &str = "222222222222";
/// A member with no root credentials.
const BARE: &str = "444444444444";

const AUDIT: &str = "IAMAuditRootUserCredentials";
const DELETE: &str = "IAMDeleteRootUserCredentials";
const ADDRESS: &str = "centralroot_root_credentials_removal.a";

const HEADER: &str = r#"terraform {
  required_providers {
    centralroot = {
      source = "centralroot/centralroot"
    }
  }
}
"#;

fn removal(account: &str) -> String {
    format!(
        "{HEADER}\nresource \"centralroot_root_credentials_removal\" \"a\" {{\n  account_id = \"{account}\"\n}}\n"
    )
}

fn root(sandbox: &SandboxFixture, account: &str) -> RootUser {
    sandbox
        .state()
        .account(account)
        .expect("seeded")
        .root
        .clone()
}

fn key(id: &str) -> RootAccessKey {
    RootAccessKey {
        id: id.into(),
        status: "Active".into(),
        created: 1_720_000_000,
        last_used: None,
    }
}

fn set_root(sandbox: &SandboxFixture, account: &str, root: RootUser) {
    sandbox.sandbox().update_account(
        account,
        AccountPatch {
            root: Some(root),
            ..AccountPatch::default()
        },
    );
}

/// `plan -out=FILE`, then what that saved plan says the removal's `to_remove` will be.
fn planned_to_remove(ws: &Workspace, file: &str) -> (Value, crate::support::Run) {
    let run = ws.run_ok(&["plan", &format!("-out={file}")]);
    let plan = ws.run_ok(&["show", "-json", file]).json();
    let change = plan["resource_changes"]
        .as_array()
        .and_then(|changes| changes.iter().find(|c| c["address"] == ADDRESS))
        .unwrap_or_else(|| panic!("no change for {ADDRESS}: {plan}"));
    (change["change"]["after"]["to_remove"].clone(), run)
}

/// The root sessions opened per account and task policy, and each policy's calls.
#[track_caller]
fn assert_sessions(
    sandbox: &SandboxFixture,
    opened: &[(&str, u64)],
    calls: &[(&str, &[(&str, u64)])],
) {
    let log = sandbox.requests();
    let opened: BTreeMap<String, u64> = opened.iter().map(|(p, n)| ((*p).to_owned(), *n)).collect();
    assert_eq!(
        log.root_sessions_opened,
        BTreeMap::from([(A.to_owned(), opened)]),
        "{log:?}"
    );
    assert_root_calls(sandbox, calls);
}

const EVERY_LIST: [&str; 4] = [
    "GetLoginProfile",
    "ListAccessKeys",
    "ListMFADevices",
    "ListSigningCertificates",
];

/// The reads of a delete session of a root user holding `keys` access keys: every list (the
/// delete task policy cannot read the account summary), and the last use of each key.
fn removal_reads(keys: u64) -> Vec<(&'static str, u64)> {
    let mut calls: Vec<(&str, u64)> = EVERY_LIST.iter().map(|op| (*op, 1)).collect();
    if keys > 0 {
        calls.push(("GetAccessKeyLastUsed", keys));
    }
    calls.sort();
    calls
}

/// The calls of an audit of a root user holding `lists` (the lists its account summary flags)
/// and `keys` access keys: the summary, those lists, and the last use of each key.
fn audit_calls(lists: &[&'static str], keys: u64) -> Vec<(&'static str, u64)> {
    let mut calls: Vec<(&str, u64)> = lists.iter().map(|op| (*op, 1)).collect();
    calls.push(("GetAccountSummary", 1));
    if keys > 0 {
        calls.push(("GetAccessKeyLastUsed", keys));
    }
    calls.sort();
    calls
}

fn the_plan_lists_what_apply_deletes_and_a_key_created_since_stays(tf: &'static Terraform) {
    let sandbox = SandboxFixture::start(root_access_seed());
    let mut ws = Workspace::new(tf, "removal-plans");
    sandbox.configure(&mut ws, MANAGEMENT);
    ws.write_main(&removal(A));

    // The create plan lists exactly what A holds, read through an audit session.
    let seeded = labels(&root(&sandbox, A));
    assert_eq!(seeded.len(), 4, "one credential of each kind: {seeded:?}");
    sandbox.reset_requests();
    let (listed, run) = planned_to_remove(&ws, "create.tfplan");
    assert_eq!(listed, json!(seeded));
    for label in &seeded {
        assert!(run.stdout.contains(label.as_str()), "{label}:\n{run}");
    }
    assert_sessions(
        &sandbox,
        &[(AUDIT, 1)],
        &[(AUDIT, &audit_calls(&EVERY_LIST, 1))],
    );

    // Its apply: Terraform plans the create again (reading A again), then one delete session
    // deletes exactly what was listed.
    sandbox.reset_requests();
    ws.run_ok(&["apply", "create.tfplan"]);
    assert_eq!(root(&sandbox, A), RootUser::default());
    let mut deletes = removal_reads(1);
    deletes.extend([
        ("DeactivateMFADevice", 1),
        ("DeleteAccessKey", 1),
        ("DeleteLoginProfile", 1),
        ("DeleteSigningCertificate", 1),
    ]);
    deletes.sort();
    assert_sessions(
        &sandbox,
        &[(AUDIT, 1), (DELETE, 1)],
        &[(AUDIT, &audit_calls(&EVERY_LIST, 1)), (DELETE, &deletes)],
    );
    let values = ws.resource_values(ADDRESS).expect("in state");
    assert_eq!(values["to_remove"], json!(seeded));
    assert_eq!(values["remaining"], json!([]));
    assert_eq!(
        values["root_session"]["access_key_id"],
        session(&sandbox, A, DELETE).0.as_str()
    );
    ws.assert_no_changes();

    // A password and a key come back: the update plan lists exactly them, reading nothing
    // but the refresh's audit.
    let back = RootUser {
        login_profile: Some(LoginProfile {
            created: 1_720_000_000,
            password_reset_required: false,
        }),
        access_keys: vec![key("AKIABACK000000000001")],
        ..RootUser::default()
    };
    set_root(&sandbox, A, back.clone());
    sandbox.reset_requests();
    let (listed, run) = planned_to_remove(&ws, "update.tfplan");
    assert_eq!(
        listed,
        json!(["password", "access_key:AKIABACK000000000001"])
    );
    assert_says(&run, "Plan: 0 to add, 1 to change, 0 to destroy.");
    let flagged = ["GetLoginProfile", "ListAccessKeys"];
    assert_sessions(
        &sandbox,
        &[(AUDIT, 1)],
        &[(AUDIT, &audit_calls(&flagged, 1))],
    );

    // A key is created between the plan and its apply: it stays, with a warning.
    let mut meanwhile = back;
    meanwhile.access_keys.push(key("AKIAMEANWHILE0000001"));
    set_root(&sandbox, A, meanwhile);
    sandbox.reset_requests();
    let run = ws.run_ok(&["apply", "update.tfplan"]);
    assert_says(
        &run,
        &format!("Root credentials left in place on account {A}"),
    );
    assert_says(&run, "access_key:AKIAMEANWHILE0000001");
    let now = root(&sandbox, A);
    assert!(now.login_profile.is_none(), "planned: deleted");
    assert_eq!(
        labels(&now),
        ["access_key:AKIAMEANWHILE0000001"],
        "only the key created after the plan is left"
    );
    let mut deletes = removal_reads(2);
    deletes.extend([("DeleteAccessKey", 1), ("DeleteLoginProfile", 1)]);
    deletes.sort();
    assert_sessions(&sandbox, &[(DELETE, 1)], &[(DELETE, &deletes)]);
    let values = ws.resource_values(ADDRESS).expect("in state");
    assert_eq!(
        values["to_remove"],
        json!(["password", "access_key:AKIABACK000000000001"])
    );
    assert_eq!(
        values["remaining"],
        json!(["access_key:AKIAMEANWHILE0000001"])
    );

    // The next plan lists it, and its apply deletes it.
    let (listed, _) = planned_to_remove(&ws, "next.tfplan");
    assert_eq!(listed, json!(["access_key:AKIAMEANWHILE0000001"]));
    ws.run_ok(&["apply", "next.tfplan"]);
    assert_eq!(root(&sandbox, A), RootUser::default());
    ws.assert_no_changes();
}

/// A state of a removal of every kind from [`BARE`] as the previous provider version wrote it:
/// schema version 0, without `to_remove` and `root_session`.
fn state_of_version_0(tf: &Terraform) -> String {
    json!({
        "version": 4,
        "terraform_version": "1.0.3",
        "serial": 3,
        "lineage": "6f0ad46c-5bd1-4b3e-9a9e-2f6c0b0c0a19",
        "outputs": {},
        "resources": [{
            "mode": "managed",
            "type": "centralroot_root_credentials_removal",
            "name": "a",
            "provider": format!("provider[\"{}\"]", tf.provider_address()),
            "instances": [{
                "schema_version": 0,
                "attributes": {
                    "id": BARE,
                    "account_id": BARE,
                    "credential_types": ["access_keys", "mfa_devices", "password", "signing_certificates"],
                    "remaining": [],
                },
                "sensitive_attributes": [],
            }],
        }],
    })
    .to_string()
}

fn a_state_of_the_previous_version_plans_no_change_and_is_upgraded(tf: &'static Terraform) {
    let sandbox = SandboxFixture::start(root_access_seed());
    let mut ws = Workspace::new(tf, "removal-upgrade");
    sandbox.configure(&mut ws, MANAGEMENT);
    ws.write_main(&removal(BARE));
    ws.write("terraform.tfstate", &state_of_version_0(tf));

    ws.assert_no_changes();
    let run = ws.apply();
    assert!(
        run.stdout.contains("0 added, 0 changed, 0 destroyed"),
        "{run}"
    );
    let state: Value = serde_json::from_str(
        &fs::read_to_string(ws.dir().join("terraform.tfstate")).expect("the state"),
    )
    .expect("JSON");
    let instance = &state["resources"][0]["instances"][0];
    assert_eq!(instance["schema_version"], 1, "{instance}");
    assert_eq!(instance["attributes"]["to_remove"], Value::Null);
    assert_eq!(instance["attributes"]["root_session"], Value::Null);
    ws.assert_no_changes();

    // The upgraded removal works as any other: a key that comes back is listed and removed.
    set_root(
        &sandbox,
        BARE,
        RootUser {
            access_keys: vec![key("AKIAUPGRADED00000001")],
            ..RootUser::default()
        },
    );
    let (listed, _) = planned_to_remove(&ws, "back.tfplan");
    assert_eq!(listed, json!(["access_key:AKIAUPGRADED00000001"]));
    ws.run_ok(&["apply", "back.tfplan"]);
    assert_eq!(root(&sandbox, BARE), RootUser::default());
    let values = ws.resource_values(ADDRESS).expect("in state");
    assert!(
        values["root_session"]["access_key_id"].is_string(),
        "{values}"
    );
    ws.assert_no_changes();
}

/// This module's tests, for the harness (`main.rs`).
pub const CASES: Cases = Cases::new(
    module_path!(),
    &[
        Case::each_cli(
            "the_plan_lists_what_apply_deletes_and_a_key_created_since_stays",
            the_plan_lists_what_apply_deletes_and_a_key_created_since_stays,
        ),
        Case::each_cli(
            "a_state_of_the_previous_version_plans_no_change_and_is_upgraded",
            a_state_of_the_previous_version_plans_no_change_and_is_upgraded,
        ),
    ],
);
