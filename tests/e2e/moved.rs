//! `moved` blocks from hashicorp/aws (Terraform ≥ 1.8): states written by hashicorp/aws 5.100.0
//! and 6.x (with an identity) move into this provider's types with a plan that changes
//! nothing and no write to AWS.
//!
//! hashicorp/aws itself is not downloadable here: a stand-in built on this crate's framework
//! (`tests/fixtures/hashicorp_aws_provider.rs`, the cargo example `fixture-hashicorp-aws`)
//! serves the two source schemas exactly as 5.100.0 publishes them, through `dev_overrides`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use centralroot_sandbox::Seed;
use centralroot_sandbox::seed::{Delegation, Feature, TrustedAccess};

use crate::organization_features::ORG;
use crate::support::sandbox::{IAM, MANAGEMENT};
use crate::support::{Case, Cases, SandboxFixture, Terraform, Workspace};

const PROVIDER_BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-centralroot");
const FIXTURE_EXAMPLE: &str = "fixture-hashicorp-aws";
/// The organization ID in the captured states, replaced with the sandbox's.
const FIXTURE_ORG: &str = "o-aa111bb222";
const STATES: [(&str, &str); 2] = [
    (
        "5.100.0",
        include_str!("../fixtures/hashicorp-aws/state-5.100.0.tfstate"),
    ),
    (
        "6.x",
        include_str!("../fixtures/hashicorp-aws/state-6.x-constructed.tfstate"),
    ),
];

/// The stand-in's binary: built by `cargo test --all-targets`; built here when a narrower
/// `cargo test --test e2e` did not.
fn fixture_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let profile_dir = Path::new(PROVIDER_BINARY)
            .parent()
            .expect("the provider binary has a parent directory");
        let binary = profile_dir.join("examples").join(FIXTURE_EXAMPLE);
        if !binary.exists() {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let status = Command::new(cargo)
                .args(["build", "--example", FIXTURE_EXAMPLE])
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .status()
                .expect("run cargo build --example");
            assert!(
                status.success(),
                "cargo build --example {FIXTURE_EXAMPLE} failed"
            );
        }
        binary
    })
}

/// A workspace whose CLI configuration overrides both providers: this one and hashicorp/aws,
/// the stand-in linked as `terraform-provider-aws` in a directory of its own.
pub fn workspace(tf: &'static Terraform, fx: &SandboxFixture, log: &Path) -> Workspace {
    let aws_dir = tempfile::Builder::new()
        .prefix("fixture-aws-")
        .tempdir_in(log.parent().expect("log directory"))
        .expect("directory for the stand-in")
        .keep();
    std::os::unix::fs::symlink(fixture_binary(), aws_dir.join("terraform-provider-aws"))
        .expect("link the stand-in");
    let centralroot_dir = Path::new(PROVIDER_BINARY).parent().expect("parent");
    let config = format!(
        "provider_installation {{\n  dev_overrides {{\n    \"centralroot/centralroot\" = {:?}\n    \"hashicorp/aws\" = {:?}\n  }}\n  direct {{}}\n}}\n",
        centralroot_dir.display().to_string(),
        aws_dir.display().to_string()
    );
    let mut ws = Workspace::with_cli_config(tf, "moved", &config);
    fx.configure(&mut ws, MANAGEMENT);
    ws.set_env("CENTRALROOT_FIXTURE_AWS_LOG", &log.display().to_string());
    ws
}

/// The organization the captured states describe: both features, trusted access for IAM,
/// 222222222222 delegated administrator for IAM.
fn seed() -> Seed {
    let mut seed = Seed::default_seed();
    seed.trusted_access.push(TrustedAccess {
        service_principal: IAM.into(),
        date_enabled: 1_700_000_000,
    });
    seed.features = vec![Feature::RootCredentialsManagement, Feature::RootSessions];
    seed.delegated_administrators.push(Delegation {
        account_id: "222222222222".into(),
        service_principal: IAM.into(),
        delegation_enabled_date: 1_700_000_100,
    });
    seed
}

const CONFIG: &str = r#"terraform {
  required_providers {
    centralroot = {
      source = "centralroot/centralroot"
    }
    aws = {
      source = "hashicorp/aws"
    }
  }
}

moved {
  from = aws_iam_organizations_features.this
  to   = centralroot_organization_features.this
}

moved {
  from = aws_organizations_delegated_administrator.admin
  to   = centralroot_delegated_admin.admin
}

resource "centralroot_organization_features" "this" {
  enabled_features = ["RootCredentialsManagement", "RootSessions"]
}

resource "centralroot_delegated_admin" "admin" {
  for_each   = toset(["222222222222"])
  account_id = each.key
}
"#;

fn writes(fx: &SandboxFixture) -> u64 {
    fx.requests()
        .operations
        .iter()
        .filter(|(op, _)| {
            !["List", "Describe", "Get"]
                .iter()
                .any(|r| op.starts_with(r))
        })
        .map(|(_, count)| count.total)
        .sum()
}

fn hashicorp_aws_state_moves_with_no_change_and_no_write(tf: &'static Terraform) {
    for (version, state) in STATES {
        let fx = SandboxFixture::start(seed());
        let logs = tempfile::tempdir().expect("log directory");
        let log = logs.path().join("fixture-aws.log");
        let ws = workspace(tf, &fx, &log);
        ws.write_main(CONFIG);
        fs::write(
            ws.dir().join("terraform.tfstate"),
            state.replace(FIXTURE_ORG, ORG),
        )
        .expect("write the hashicorp/aws state");

        let plan = ws.run_ok(&["plan"]);
        let started_in_plan = fs::read_to_string(&log).unwrap_or_default();
        for (from, to) in [
            (
                "aws_iam_organizations_features.this",
                "centralroot_organization_features.this",
            ),
            (
                "aws_organizations_delegated_administrator.admin[\"222222222222\"]",
                "centralroot_delegated_admin.admin[\"222222222222\"]",
            ),
        ] {
            plan.assert_output_contains(&format!("{from} has moved to {to}"));
        }
        assert!(
            !plan.stdout.contains("will be") && !plan.stdout.contains("must be"),
            "{tf} {version}: the move plans a change:\n{plan}"
        );
        plan.assert_output_contains("0 to add, 0 to change, 0 to destroy");
        ws.apply();
        ws.assert_no_changes();
        assert_eq!(writes(&fx), 0, "{tf} {version}: {:?}", fx.requests());
        let admin = ws
            .resource_values("centralroot_delegated_admin.admin[\"222222222222\"]")
            .expect("moved into state");
        assert_eq!(admin["id"], "222222222222/iam.amazonaws.com");
        let features = ws
            .resource_values("centralroot_organization_features.this")
            .expect("moved into state");
        assert_eq!(features["organization_id"], ORG);
        // As import records it: the features are on, so trusted access is.
        assert_eq!(features["enable_trusted_access"], true);
        // Terraform 1.15 starts hashicorp/aws during the plan (for its schema, to decode
        // the stored state), but neither configures it nor reads through it: it must be
        // installable while its resources are in state, and needs no credentials.
        let calls: Vec<&str> = started_in_plan.lines().collect();
        assert!(calls.contains(&"start"), "{tf} {version}: {calls:?}");
        assert!(
            calls.iter().all(|call| *call == "start"),
            "{tf} {version}: Terraform used hashicorp/aws beyond its schema: {calls:?}"
        );
    }
}

/// This module's tests, for the harness (`main.rs`).
pub const CASES: Cases = Cases::new(
    module_path!(),
    &[Case::each_cli(
        "hashicorp_aws_state_moves_with_no_change_and_no_write",
        hashicorp_aws_state_moves_with_no_change_and_no_write,
    )
    .needs(1, 8, "`moved` blocks between resource types")],
);
