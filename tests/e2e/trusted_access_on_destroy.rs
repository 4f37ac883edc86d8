//! The destroy plan of `centralroot_organization_features` shows `enable_trusted_access = true
//! -> null`, which reads as turning trusted access off; it stays on, and the plan (Terraform
//! 1.3 and later) and the destroy itself say so.

use crate::errors::assert_says;
use crate::support::sandbox::MANAGEMENT;
use crate::support::{Case, Cases, SandboxFixture, Terraform, Workspace};
use crate::unauditable_member::root_access_seed;

const CONFIG: &str = r#"terraform {
  required_providers {
    centralroot = {
      source = "centralroot/centralroot"
    }
  }
}

provider "centralroot" {}

resource "centralroot_organization_features" "this" {
  enabled_features = ["RootCredentialsManagement", "RootSessions"]
}
"#;

const WARNING: &str = "Trusted access for IAM stays on";

fn destroying_an_imported_organization_says_trusted_access_stays_on(tf: &'static Terraform) {
    let sandbox = SandboxFixture::start(root_access_seed());
    let mut ws = Workspace::new(tf, "trusted-access-on-destroy");
    sandbox.configure(&mut ws, MANAGEMENT);
    ws.write_main(CONFIG);
    ws.import("centralroot_organization_features.this", "o-sandbox1234")
        .assert_success();
    let values = ws
        .resource_values("centralroot_organization_features.this")
        .expect("imported");
    assert_eq!(values["enable_trusted_access"], true);

    let plan = ws.run_ok(&["plan", "-destroy"]);
    if tf.at_least(1, 3) {
        assert_says(&plan, WARNING);
        assert_says(&plan, "enable_trusted_access = true -> null only removes");
    }
    let run = ws.destroy();
    assert_says(&run, WARNING);
    assert_says(
        &run,
        "aws organizations disable-aws-service-access --service-principal iam.amazonaws.com",
    );
    let state = sandbox.state();
    assert!(state.features.is_empty(), "the features are disabled");
    assert_eq!(state.trusted_access.len(), 1, "trusted access stays on");
}

pub const CASES: Cases = Cases::new(
    module_path!(),
    &[Case::each_cli(
        "destroying_an_imported_organization_says_trusted_access_stays_on",
        destroying_an_imported_organization_says_trusted_access_stays_on,
    )],
);
