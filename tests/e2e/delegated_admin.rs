//! `centralroot_delegated_admin` under real Terraform against the sandbox: create, refresh cost,
//! drift, import (CLI and `import` blocks with generated configuration), diagnostics for every
//! way it can fail, and convergence under throttling and concurrent modification.

use std::collections::BTreeSet;
use std::time::Instant;

use centralroot_sandbox::Seed;
use centralroot_sandbox::faults::FaultConfig;
use centralroot_sandbox::seed::{Delegation, TrustedAccess};
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::reliability::{admins_config, member_ids, registered as registered_set};
use crate::support::sandbox::{IAM, MANAGEMENT, MEMBERS};
use crate::support::{Case, Cases, PlanOutcome, SandboxFixture, Terraform, Workspace};

const REQUIRED_PROVIDERS: &str = r#"terraform {
  required_providers {
    centralroot = {
      source = "centralroot/centralroot"
    }
  }
}
"#;

/// A service principal other than IAM's, for the `ACCOUNT/PRINCIPAL` forms.
const ANALYZER: &str = "access-analyzer.amazonaws.com";

/// The default seed with trusted access for IAM on, so registrations are allowed.
fn seed() -> Seed {
    let mut seed = Seed::default_seed();
    seed.trusted_access.push(TrustedAccess {
        service_principal: IAM.into(),
        date_enabled: 1_700_000_000,
    });
    seed
}

fn delegation(account: &str, principal: &str) -> Delegation {
    Delegation {
        account_id: account.into(),
        service_principal: principal.into(),
        delegation_enabled_date: 1_700_000_100,
    }
}

/// A workspace pointed at `sandbox` as `account`.
fn workspace(
    tf: &'static Terraform,
    sandbox: &SandboxFixture,
    name: &str,
    account: &str,
) -> Workspace {
    let mut ws = Workspace::new(tf, name);
    sandbox.configure(&mut ws, account);
    ws
}

/// One `centralroot_delegated_admin` per account, named `a0`, `a1`, …
fn admins(accounts: &[String], provider_block: &str) -> String {
    let mut config = format!("{REQUIRED_PROVIDERS}{provider_block}");
    for (i, account) in accounts.iter().enumerate() {
        config.push_str(&format!(
            "\nresource \"centralroot_delegated_admin\" \"a{i}\" {{\n  account_id = \"{account}\"\n}}\n"
        ));
    }
    config
}

fn members() -> Vec<String> {
    MEMBERS.iter().map(|m| (*m).to_owned()).collect()
}

/// The accounts registered for `principal` in the sandbox, sorted.
fn registered(sandbox: &SandboxFixture, principal: &str) -> Vec<String> {
    let mut accounts: Vec<String> = sandbox
        .state()
        .delegated_administrators
        .iter()
        .filter(|d| d.service_principal == principal)
        .map(|d| d.account_id.clone())
        .collect();
    accounts.sort();
    accounts
}

/// Resource instances in the workspace's state file, read without running Terraform.
fn state_instances(ws: &Workspace) -> usize {
    let Ok(text) = std::fs::read_to_string(ws.dir().join("terraform.tfstate")) else {
        return 0;
    };
    let state: Value = serde_json::from_str(&text).expect("state is JSON");
    state["resources"].as_array().map_or(0, |resources| {
        resources
            .iter()
            .map(|r| r["instances"].as_array().map_or(0, Vec::len))
            .sum()
    })
}

#[track_caller]
fn assert_rfc3339(value: &Value, what: &str) {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("{what} is not a string: {value}"));
    OffsetDateTime::parse(text, &Rfc3339)
        .unwrap_or_else(|err| panic!("{what} {text:?} is not RFC 3339: {err}"));
}

fn create_refresh_drift_and_destroy(tf: &'static Terraform) {
    let started = Instant::now();
    let sandbox = SandboxFixture::start(seed());
    let ws = workspace(tf, &sandbox, "admin-lifecycle", MANAGEMENT);
    ws.write_main(&admins(&members()[..1], ""));

    // The management-account check needs DescribeOrganization; when that fails the plan
    // still goes ahead, and apply would report AWS's own answer.
    sandbox.set_faults(FaultConfig {
        server_error_every: 1,
        operations: Some(vec!["DescribeOrganization".into()]),
        ..FaultConfig::default()
    });
    let (outcome, run) = ws.plan();
    assert_eq!(outcome, PlanOutcome::Changes, "{run}");
    assert!(sandbox.calls("DescribeOrganization") > 0, "{run}");
    sandbox.set_faults(FaultConfig::default());

    ws.apply();
    ws.assert_no_changes();

    let values = ws
        .resource_values("centralroot_delegated_admin.a0")
        .expect("the admin is in state");
    let member = MEMBERS[0];
    assert_eq!(values["id"], format!("{member}/{IAM}"));
    assert_eq!(values["account_id"], member);
    assert_eq!(values["service_principal"], IAM);
    assert_eq!(values["name"], "member-1");
    assert_eq!(values["email"], format!("{member}@sandbox.example"));
    assert_eq!(
        values["arn"],
        format!("arn:aws:organizations::{MANAGEMENT}:account/o-sandbox1234/{member}")
    );
    assert_eq!(values["status"], "ACTIVE");
    assert_eq!(values["joined_method"], "CREATED");
    assert_eq!(values["joined_timestamp"], "2023-11-14T22:13:20Z");
    assert_rfc3339(
        &values["delegation_enabled_date"],
        "delegation_enabled_date",
    );
    assert_eq!(registered(&sandbox, IAM), vec![member.to_owned()]);

    // Drift: the registration disappears outside Terraform.
    let mut model = sandbox.state();
    model.delegated_administrators.clear();
    sandbox.sandbox().replace(model);
    let (outcome, run) = ws.plan();
    assert_eq!(
        outcome,
        PlanOutcome::Changes,
        "drift must plan a create:\n{run}"
    );
    run.assert_output_contains("centralroot_delegated_admin.a0 will be created");
    ws.apply();
    assert_eq!(registered(&sandbox, IAM), vec![member.to_owned()]);

    ws.destroy();
    assert!(registered(&sandbox, IAM).is_empty());
    eprintln!("create/drift/destroy with {tf}: {:.1?}", started.elapsed());
}

/// Creates one admin per account, then checks that a refresh costs ⌈N/20⌉ listing pages.
fn refresh_cost(tf: &'static Terraform, seed: Seed, accounts: &[String]) {
    let started = Instant::now();
    let sandbox = SandboxFixture::start(seed);
    let ws = workspace(tf, &sandbox, "admin-refresh", MANAGEMENT);
    ws.write_main(&admins(accounts, ""));
    ws.apply();
    assert_eq!(registered(&sandbox, IAM).len(), accounts.len());

    sandbox.reset_requests();
    ws.assert_no_changes();
    let pages = sandbox.calls("ListDelegatedAdministrators");
    let limit = accounts.len().div_ceil(20) as u64;
    eprintln!(
        "refresh of {} admins with {tf}: {pages} ListDelegatedAdministrators pages (limit {limit}), {} requests in all",
        accounts.len(),
        sandbox.requests().total
    );
    assert!(
        (1..=limit).contains(&pages),
        "refreshing {} admins cost {pages} ListDelegatedAdministrators pages, limit {limit}",
        accounts.len()
    );

    ws.destroy();
    assert!(registered(&sandbox, IAM).is_empty());
    eprintln!(
        "{} admins with {tf}: {:.1?}",
        accounts.len(),
        started.elapsed()
    );
}

fn refreshing_many_admins_shares_one_listing(tf: &'static Terraform) {
    refresh_cost(tf, seed(), &members());
    // The larger variant runs on the newest CLI only, to keep the suite fast.
    if tf.at_least(1, 15) {
        let accounts: Vec<String> = (0..45)
            .map(|n| format!("{:012}", 100_000_000_000u64 + n))
            .collect();
        refresh_cost(tf, seed().with_generated_members(45), &accounts);
    }
}

/// Requests of each operation the sandbox answered since the last reset, for the messages.
fn request_summary(sandbox: &SandboxFixture) -> String {
    let log = sandbox.requests();
    let by_operation: Vec<String> = log
        .operations
        .iter()
        .map(|(operation, count)| format!("{operation} {}", count.total))
        .collect();
    format!("{} requests: {}", log.total, by_operation.join(", "))
}

/// Asserts the exact requests of one Terraform command: `expected` per operation, nothing else.
#[track_caller]
fn assert_requests(sandbox: &SandboxFixture, what: &str, expected: &[(&str, u64)]) {
    let summary = request_summary(sandbox);
    eprintln!("{what}: {summary}");
    for (operation, count) in expected {
        assert_eq!(
            sandbox.calls(operation),
            *count,
            "{operation} in {what}: {summary}"
        );
    }
    let total: u64 = expected.iter().map(|(_, count)| count).sum();
    assert_eq!(
        sandbox.requests().total,
        total,
        "nothing else in {what}: {summary}"
    );
}

fn two_hundred_admins_are_read_back_one_by_one_and_refreshed_in_ten_pages(tf: &'static Terraform) {
    const ADMINS: usize = 200;
    let started = Instant::now();
    let sandbox = SandboxFixture::start(Seed::large_organization(ADMINS));
    let ws = workspace(tf, &sandbox, "admin-scale", MANAGEMENT);
    let accounts = member_ids(ADMINS);
    ws.write_main(&admins_config(&accounts, ""));

    // Apply: each create registers, then reads its own account (delegations and description),
    // and never lists; the management-account check describes the organization once per
    // provider process (plan and apply).
    ws.run_ok(&["apply", "-auto-approve", "-parallelism=10"]);
    assert_requests(
        &sandbox,
        "apply",
        &[
            ("RegisterDelegatedAdministrator", 200),
            ("ListDelegatedServicesForAccount", 200),
            ("DescribeAccount", 200),
            ("ListDelegatedAdministrators", 0),
            ("DescribeOrganization", 2),
        ],
    );
    let expected: BTreeSet<String> = accounts.iter().cloned().collect();
    assert_eq!(registered_set(&sandbox), expected);
    for resource in ws.resources() {
        let values = &resource["values"];
        let account = values["account_id"].as_str().expect("account_id");
        assert_eq!(values["email"], format!("{account}@sandbox.example"));
        assert_eq!(values["status"], "ACTIVE");
        assert_rfc3339(
            &values["delegation_enabled_date"],
            "delegation_enabled_date",
        );
        assert_rfc3339(&values["joined_timestamp"], "joined_timestamp");
    }

    // The refresh of the next plan: one shared listing, ⌈200/20⌉ pages, nothing else; and
    // what the creates read equals what the listing says, so the plan is empty.
    sandbox.reset_requests();
    ws.assert_no_changes();
    assert_requests(&sandbox, "refresh", &[("ListDelegatedAdministrators", 10)]);

    // Destroy: its refresh, then one deregistration each.
    sandbox.reset_requests();
    ws.destroy();
    assert_requests(
        &sandbox,
        "destroy",
        &[
            ("ListDelegatedAdministrators", 10),
            ("DeregisterDelegatedAdministrator", 200),
        ],
    );
    assert!(registered_set(&sandbox).is_empty());
    eprintln!("{ADMINS} admins with {tf}: {:.1?}", started.elapsed());
}

fn import_by_account_and_by_account_and_principal(tf: &'static Terraform) {
    let started = Instant::now();
    let mut seed = seed();
    seed.delegated_administrators = vec![
        delegation(MEMBERS[0], IAM),
        delegation(MEMBERS[1], ANALYZER),
        delegation(MEMBERS[2], IAM),
    ];
    let sandbox = SandboxFixture::start(seed);
    let ws = workspace(tf, &sandbox, "admin-import", MANAGEMENT);
    ws.write_main(&format!(
        "{REQUIRED_PROVIDERS}
resource \"centralroot_delegated_admin\" \"by_account\" {{
  account_id = \"{}\"
}}

resource \"centralroot_delegated_admin\" \"by_principal\" {{
  account_id        = \"{}\"
  service_principal = \"{ANALYZER}\"
}}
",
        MEMBERS[0], MEMBERS[1]
    ));
    ws.import("centralroot_delegated_admin.by_account", MEMBERS[0])
        .assert_success();
    ws.import(
        "centralroot_delegated_admin.by_principal",
        &format!("{}/{ANALYZER}", MEMBERS[1]),
    )
    .assert_success();
    ws.assert_no_changes();
    let values = ws
        .resource_values("centralroot_delegated_admin.by_principal")
        .expect("imported");
    assert_eq!(values["id"], format!("{}/{ANALYZER}", MEMBERS[1]));
    assert_eq!(values["name"], "member-2");
    assert_rfc3339(
        &values["delegation_enabled_date"],
        "delegation_enabled_date",
    );

    if tf.at_least(1, 5) {
        let ws = workspace(tf, &sandbox, "admin-import-block", MANAGEMENT);
        ws.write_main(&format!(
            "{REQUIRED_PROVIDERS}
import {{
  to = centralroot_delegated_admin.generated
  id = \"{}/{IAM}\"
}}
",
            MEMBERS[2]
        ));
        ws.run_ok(&["plan", "-generate-config-out=generated.tf"]);
        let generated =
            std::fs::read_to_string(ws.dir().join("generated.tf")).expect("generated.tf");
        let set: Vec<&str> = generated
            .lines()
            .filter_map(|line| line.trim().split_once(" ="))
            .map(|(name, _)| name.trim())
            .collect();
        assert!(set.contains(&"account_id"), "{generated}");
        assert!(
            generated.contains(&format!("\"{}\"", MEMBERS[2])),
            "{generated}"
        );
        for computed_only in [
            "id",
            "arn",
            "email",
            "name",
            "status",
            "delegation_enabled_date",
        ] {
            assert!(
                !set.contains(&computed_only),
                "generated configuration sets computed-only {computed_only}:\n{generated}"
            );
        }
        ws.apply();
        ws.assert_no_changes();
        assert_eq!(state_instances(&ws), 1);
    }

    // Without an organization there is no registration: refresh drops both with a warning.
    let mut model = sandbox.state();
    model.organization = None;
    sandbox.sandbox().replace(model);
    let (outcome, run) = ws.plan();
    assert_eq!(outcome, PlanOutcome::Changes, "{run}");
    run.assert_output_contains("Warning: The account is not in an AWS organization")
        .assert_output_contains("centralroot_delegated_admin.by_account will be created")
        .assert_output_contains("centralroot_delegated_admin.by_principal will be created");
    eprintln!("import with {tf}: {:.1?}", started.elapsed());
}

fn failures_are_reported_on_the_argument_and_leave_state_alone(tf: &'static Terraform) {
    let started = Instant::now();
    let mut seed = seed();
    seed.delegated_administrators = vec![delegation(MEMBERS[1], IAM)];
    let sandbox = SandboxFixture::start(seed);
    let ws = workspace(tf, &sandbox, "admin-errors", MANAGEMENT);
    let single = |account: &str, extra: &str| {
        format!(
            "{REQUIRED_PROVIDERS}\nresource \"centralroot_delegated_admin\" \"x\" {{\n  account_id = \"{account}\"\n{extra}}}\n"
        )
    };

    // The management account: refused at plan, before any write.
    ws.write_main(&single(MANAGEMENT, ""));
    let run = ws.run(&["plan"]);
    run.assert_failure()
        .assert_output_contains("The management account cannot be a delegated administrator")
        .assert_output_contains(&format!(
            "main.tf line {}",
            ws.line_of("main.tf", "account_id")
        ));
    assert_eq!(sandbox.calls("RegisterDelegatedAdministrator"), 0);
    assert_eq!(sandbox.calls("DescribeOrganization"), 1);

    // An account id of 11 digits: refused by validate.
    ws.write_main(&single("22222222222", ""));
    let (validation, run) = ws.validate();
    assert!(!validation.valid, "{run}");
    let error = validation.errors().next().expect("one error");
    assert!(error.mentions("12-digit"), "{error}");
    assert_eq!(
        error.line,
        Some(ws.line_of("main.tf", "account_id")),
        "{error}"
    );

    // A malformed import id: refused before any AWS call.
    ws.write_main(&single(MEMBERS[0], ""));
    sandbox.reset_requests();
    let run = ws.import(
        "centralroot_delegated_admin.x",
        &format!("{}/{IAM}/x", MEMBERS[0]),
    );
    run.assert_failure()
        .assert_output_contains("Invalid import ID")
        .assert_output_contains("ACCOUNT/PRINCIPAL");
    assert_eq!(sandbox.requests().total, 0, "{:?}", sandbox.requests());

    // An account that is not registered cannot be imported.
    ws.import("centralroot_delegated_admin.x", MEMBERS[0])
        .assert_failure()
        .assert_output_contains("Cannot import non-existent remote object");

    // Already registered outside Terraform: the error says how to import it.
    ws.write_main(&single(MEMBERS[1], ""));
    ws.run(&["apply", "-auto-approve"])
        .assert_failure()
        .assert_output_contains("The account is already a delegated administrator")
        .assert_output_contains("terraform import <address> <account_id>")
        .assert_output_contains(&format!(
            "main.tf line {}",
            ws.line_of("main.tf", "account_id")
        ));

    // Trusted access off for the principal: the error is on service_principal.
    ws.write_main(&single(
        MEMBERS[2],
        &format!("  service_principal = \"{ANALYZER}\"\n"),
    ));
    ws.run(&["apply", "-auto-approve"])
        .assert_failure()
        .assert_output_contains("Trusted access for the service is not enabled")
        .assert_output_contains("enable_trusted_access = true")
        .assert_output_contains(&format!(
            "main.tf line {}",
            ws.line_of("main.tf", "service_principal")
        ));
    assert_eq!(state_instances(&ws), 0);

    // A member account's credentials may not register anyone.
    let member = workspace(tf, &sandbox, "admin-errors-member", MEMBERS[0]);
    member.write_main(&single(MEMBERS[2], ""));
    member
        .run(&["apply", "-auto-approve"])
        .assert_failure()
        .assert_output_contains("AWS denied access");
    assert_eq!(state_instances(&member), 0);

    assert_eq!(registered(&sandbox, IAM), vec![MEMBERS[1].to_owned()]);
    assert!(registered(&sandbox, ANALYZER).is_empty());
    eprintln!("errors with {tf}: {:.1?}", started.elapsed());
}

fn three_admins_converge_under_throttling_and_concurrent_modification(tf: &'static Terraform) {
    let started = Instant::now();
    let sandbox = SandboxFixture::start(seed());
    let ws = workspace(tf, &sandbox, "admin-faults", MANAGEMENT);
    // Terraform creates the three at once, so they share the fault counters: one call can
    // draw several faults in a row, more than the SDK's default 3 attempts absorb.
    ws.write_main(&admins(
        &members(),
        "\nprovider \"centralroot\" {\n  max_retries = 10\n}\n",
    ));
    sandbox.set_faults(FaultConfig {
        throttle_every: 2,
        concurrent_modification_every: 3,
        ..FaultConfig::default()
    });
    ws.apply();
    assert_eq!(registered(&sandbox, IAM), members());
    ws.assert_no_changes();
    let (_, injected) = sandbox.sandbox().faults();
    eprintln!("faults injected with {tf}: {injected:?}");
    assert!(injected.throttle > 0, "{injected:?}");
    assert!(injected.concurrent_modification > 0, "{injected:?}");
    eprintln!("faults with {tf}: {:.1?}", started.elapsed());
}

/// This module's tests, for the harness (`main.rs`).
pub const CASES: Cases = Cases::new(
    module_path!(),
    &[
        Case::each_cli(
            "create_refresh_drift_and_destroy",
            create_refresh_drift_and_destroy,
        ),
        Case::each_cli(
            "refreshing_many_admins_shares_one_listing",
            refreshing_many_admins_shares_one_listing,
        ),
        Case::on_terraform_1_15(
            "two_hundred_admins_are_read_back_one_by_one_and_refreshed_in_ten_pages",
            two_hundred_admins_are_read_back_one_by_one_and_refreshed_in_ten_pages,
        ),
        Case::each_cli(
            "import_by_account_and_by_account_and_principal",
            import_by_account_and_by_account_and_principal,
        ),
        Case::each_cli(
            "failures_are_reported_on_the_argument_and_leave_state_alone",
            failures_are_reported_on_the_argument_and_leave_state_alone,
        ),
        Case::each_cli(
            "three_admins_converge_under_throttling_and_concurrent_modification",
            three_admins_converge_under_throttling_and_concurrent_modification,
        ),
    ],
);
