//! The configurations under `examples/` (shown in the docs and run by the demo) against the real
//! CLIs: every example directory passes `terraform validate`, and `examples/quickstart` applies
//! against the sandbox, converges, and destroys cleanly. A schema change that breaks an
//! example fails here.

use std::fs;
use std::path::{Path, PathBuf};

use centralroot_sandbox::Seed;
use centralroot_sandbox::seed::{Delegation, Feature, TrustedAccess};
use serde_json::json;

use crate::support::sandbox::{IAM, MANAGEMENT, MEMBERS};
use crate::support::{Case, Cases, SandboxFixture, Terraform, Workspace};

/// Added to example directories that do not declare the provider themselves (the per-type
/// snippets), so Terraform looks for `centralroot/centralroot` rather than `hashicorp/centralroot`.
pub const REQUIRED_PROVIDERS: &str = r#"terraform {
  required_providers {
    centralroot = {
      source = "centralroot/centralroot"
    }
  }
}
"#;

fn examples_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// Every directory under `examples/` holding `.tf` files.
fn example_dirs() -> Vec<PathBuf> {
    fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = fs::read_dir(dir)
            .unwrap_or_else(|err| panic!("read {}: {err}", dir.display()))
            .map(|entry| entry.expect("directory entry").path())
            .collect();
        entries.sort();
        if entries
            .iter()
            .any(|path| path.extension().is_some_and(|ext| ext == "tf"))
        {
            found.push(dir.to_path_buf());
        }
        for path in entries.iter().filter(|path| path.is_dir()) {
            walk(path, found);
        }
    }
    let mut found = Vec::new();
    walk(&examples_root(), &mut found);
    found
}

/// The `.tf` files of `dir`, as (file name, contents).
fn tf_files(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = fs::read_dir(dir)
        .unwrap_or_else(|err| panic!("read {}: {err}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "tf"))
        .map(|path| {
            let name = path
                .file_name()
                .expect("file name")
                .to_string_lossy()
                .into_owned();
            let text = fs::read_to_string(&path)
                .unwrap_or_else(|err| panic!("read {}: {err}", path.display()));
            (name, text)
        })
        .collect();
    files.sort();
    files
}

/// A workspace holding a copy of example directory `dir`.
fn workspace_with(tf: &'static Terraform, dir: &Path) -> Workspace {
    workspace_with_files(tf, dir, &tf_files(dir))
}

/// A workspace holding `files` of example directory `dir`.
fn workspace_with_files(
    tf: &'static Terraform,
    dir: &Path,
    files: &[(String, String)],
) -> Workspace {
    let name = dir
        .file_name()
        .map_or("example".into(), |name| name.to_string_lossy().into_owned());
    let ws = Workspace::new(tf, &format!("example-{name}"));
    for (name, text) in files {
        ws.write(name, text);
    }
    if !files
        .iter()
        .any(|(_, text)| text.contains("required_providers"))
    {
        ws.write("zz_required_providers.tf", REQUIRED_PROVIDERS);
    }
    ws
}

/// The oldest Terraform that understands every block the configuration uses: `check` and
/// `import` blocks came with Terraform 1.5, `removed` with 1.7, `ephemeral` with 1.10, import by
/// `identity` with 1.12, `action` with 1.14.
pub fn minimum_version(files: &[(String, String)]) -> (u32, u32) {
    let uses = |keyword: &str| {
        files.iter().any(|(_, text)| {
            text.lines().any(|line| {
                let line = line.trim_start();
                line.strip_prefix(keyword)
                    .is_some_and(|rest| rest.starts_with([' ', '{', '"']))
            })
        })
    };
    if uses("action") {
        (1, 14)
    } else if uses("identity") {
        (1, 12)
    } else if uses("ephemeral") {
        (1, 10)
    } else if uses("removed") {
        (1, 7)
    } else if uses("check") || uses("import") {
        (1, 5)
    } else {
        (1, 0)
    }
}

fn minimum_version_follows_the_blocks_used() {
    let file = |text: &str| vec![("main.tf".to_owned(), text.to_owned())];
    assert_eq!(minimum_version(&file("resource \"a\" \"b\" {}\n")), (1, 0));
    assert_eq!(minimum_version(&file("check \"c\" {\n}\n")), (1, 5));
    assert_eq!(minimum_version(&file("import {\n  to = a.b\n}\n")), (1, 5));
    assert_eq!(minimum_version(&file("removed {\n}\n")), (1, 7));
    assert_eq!(minimum_version(&file("action \"a\" \"b\" {\n}\n")), (1, 14));
    assert_eq!(
        minimum_version(&file("ephemeral \"a\" \"b\" {\n}\nremoved {\n}\n")),
        (1, 10)
    );
    assert_eq!(
        minimum_version(&file("import {\n  identity = {\n  }\n}\n")),
        (1, 12)
    );
    assert_eq!(
        minimum_version(&file("  checked = true # import later\n")),
        (1, 0)
    );
}

/// The `.tf` files of `dir` that `tf` understands: the `import*.tf` snippets beside a
/// resource example need a later Terraform than the resource, which older ones still
/// validate without them.
fn files_for(tf: &Terraform, dir: &Path) -> Vec<(String, String)> {
    tf_files(dir)
        .into_iter()
        .filter(|file| {
            let (major, minor) = minimum_version(std::slice::from_ref(file));
            !file.0.starts_with("import") || tf.at_least(major, minor)
        })
        .collect()
}

fn every_example_passes_terraform_validate(tf: &'static Terraform) {
    let dirs = example_dirs();
    let relative = |dir: &Path| {
        dir.strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(dir)
            .display()
            .to_string()
    };
    for wanted in [
        "examples/provider",
        "examples/quickstart",
        "examples/resources/centralroot_organization_features",
        "examples/resources/centralroot_delegated_admin",
        "examples/data-sources/centralroot_organization_features",
        "examples/data-sources/centralroot_caller_identity",
        "examples/ephemeral-resources/centralroot_root_session",
        "examples/actions/centralroot_unlock_s3_bucket_policy",
        "examples/actions/centralroot_unlock_sqs_queue_policy",
        "examples/query",
    ] {
        assert!(
            dirs.iter().any(|dir| relative(dir) == wanted),
            "{wanted} is missing; found {:?}",
            dirs.iter().map(|dir| relative(dir)).collect::<Vec<_>>()
        );
    }
    let mut failures = Vec::new();
    for dir in &dirs {
        let files = files_for(tf, dir);
        let (major, minor) = minimum_version(&files);
        if !tf.at_least(major, minor) {
            eprintln!(
                "{} needs Terraform {major}.{minor} or later: not validated with {tf}",
                relative(dir)
            );
            continue;
        }
        let ws = workspace_with_files(tf, dir, &files);
        let (validation, run) = ws.validate();
        let errors: Vec<String> = validation
            .errors()
            .map(|diag| format!("{diag:?}"))
            .collect();
        if !validation.valid || !errors.is_empty() {
            failures.push(format!(
                "{} does not validate:\n  {}\n{run}",
                relative(dir),
                errors.join("\n  ")
            ));
        }
    }
    assert!(failures.is_empty(), "{tf}:\n{}", failures.join("\n"));
}

fn quickstart_applies_converges_and_destroys(tf: &'static Terraform) {
    let quickstart = examples_root().join("quickstart");
    let admin = MEMBERS[0];
    let sandbox = SandboxFixture::default_seed();
    let mut ws = workspace_with(tf, &quickstart);
    sandbox.configure(&mut ws, MANAGEMENT);

    ws.apply();
    let state = sandbox.state();
    let features: Vec<&str> = state.features.iter().map(|f| f.as_str()).collect();
    assert_eq!(
        features,
        ["RootCredentialsManagement", "RootSessions"],
        "{tf}"
    );
    assert!(
        state
            .trusted_access
            .iter()
            .any(|access| access.service_principal == IAM),
        "{tf}: trusted access for IAM is off after apply"
    );
    let admins: Vec<(&str, &str)> = state
        .delegated_administrators
        .iter()
        .map(|d| (d.account_id.as_str(), d.service_principal.as_str()))
        .collect();
    assert_eq!(admins, [(admin, IAM)], "{tf}");

    let outputs = ws.run_ok(&["output", "-json"]).json();
    let organization = state
        .organization
        .as_ref()
        .expect("the default seed has an organization");
    assert_eq!(
        outputs["organization_id"]["value"],
        json!(organization.id),
        "{tf}: {outputs}"
    );
    let delegated = &outputs["delegated_admin"]["value"];
    let account = state.account(admin).expect("seeded member");
    assert_eq!(delegated["account"], json!(admin), "{tf}: {outputs}");
    assert_eq!(delegated["name"], json!(account.name), "{tf}: {outputs}");
    let since = delegated["since"].as_str().unwrap_or_default();
    assert!(
        time::OffsetDateTime::parse(since, &time::format_description::well_known::Rfc3339).is_ok(),
        "{tf}: delegation_enabled_date {since:?} is not RFC 3339"
    );

    ws.assert_no_changes();

    ws.destroy();
    let state = sandbox.state();
    assert!(
        state.features.is_empty(),
        "{tf}: features left: {:?}",
        state.features
    );
    assert!(
        state.delegated_administrators.is_empty(),
        "{tf}: delegated administrators left: {:?}",
        state.delegated_administrators
    );
}

/// `examples/query` (Terraform ≥ 1.14) against an organization with features, trusted access
/// for two services and three delegated administrators: the query's generated configuration
/// imports the features and IAM's two administrators, leaves Access Analyzer's alone, and
/// after the apply the plan is empty.
fn query_example_adopts_the_organization(tf: &'static Terraform) {
    let dir = examples_root().join("query");
    let sandbox = SandboxFixture::start(adopted_seed());
    let mut ws = workspace_with(tf, &dir);
    sandbox.configure(&mut ws, MANAGEMENT);
    let query = fs::read_to_string(dir.join("adopt.tfquery.hcl")).expect("adopt.tfquery.hcl");
    ws.write("adopt.tfquery.hcl", &query);
    ws.run_ok(&["query", "-generate-config-out=generated.tf"]);
    let generated = fs::read_to_string(ws.dir().join("generated.tf")).expect("generated.tf");
    assert_eq!(
        generated.matches("import {").count(),
        3,
        "{tf}:
{generated}"
    );
    assert!(
        !generated.contains("access-analyzer.amazonaws.com"),
        "{tf}: another service's administrator is adopted:
{generated}"
    );
    let plan = ws.run_ok(&["plan"]);
    plan.assert_output_contains("Plan: 3 to import, 0 to add, 0 to change, 0 to destroy.");
    ws.apply();
    ws.assert_no_changes();
    let before = adopted_seed();
    let after = sandbox.state();
    assert_eq!(after.features, before.features, "{tf}");
    assert_eq!(
        after.delegated_administrators, before.delegated_administrators,
        "{tf}"
    );
}

/// Trusted access for IAM and Access Analyzer, both features, two delegated administrators
/// for IAM and one for Access Analyzer.
fn adopted_seed() -> Seed {
    let mut seed = Seed::default_seed();
    for service_principal in [IAM, "access-analyzer.amazonaws.com"] {
        seed.trusted_access.push(TrustedAccess {
            service_principal: service_principal.into(),
            date_enabled: 1_700_000_000,
        });
    }
    seed.features = vec![Feature::RootCredentialsManagement, Feature::RootSessions];
    for (account, service_principal) in [
        (MEMBERS[0], IAM),
        (MEMBERS[1], IAM),
        (MEMBERS[2], "access-analyzer.amazonaws.com"),
    ] {
        seed.delegated_administrators.push(Delegation {
            account_id: account.into(),
            service_principal: service_principal.into(),
            delegation_enabled_date: 1_700_000_100,
        });
    }
    seed
}

/// This module's tests, for the harness (`main.rs`).
pub const CASES: Cases = Cases::new(
    module_path!(),
    &[
        Case::once(
            "minimum_version_follows_the_blocks_used",
            minimum_version_follows_the_blocks_used,
        ),
        Case::each_cli(
            "every_example_passes_terraform_validate",
            every_example_passes_terraform_validate,
        ),
        Case::each_cli(
            "quickstart_applies_converges_and_destroys",
            quickstart_applies_converges_and_destroys,
        ),
        Case::each_cli(
            "query_example_adopts_the_organization",
            query_example_adopts_the_organization,
        )
        .needs(1, 14, "`terraform query`"),
    ],
);
