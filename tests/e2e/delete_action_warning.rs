//! The delete action says what it is about to delete, from which account, and that it cannot be
//! undone, before it deletes anything: Terraform's own prompt for `apply -invoke` says changes
//! are written to the state "without modifying real infrastructure".

use centralroot::sandbox::Seed;
use centralroot::sandbox::seed::{Feature, TrustedAccess};

use crate::support::sandbox::{IAM, MANAGEMENT};
use crate::support::{SandboxFixture, Workspace, each_terraform};

const MEMBER: &str = "333333333333";

#[test]
fn the_action_announces_what_it_deletes_before_it_starts() {
    each_terraform(|tf| {
        if !tf.at_least(1, 14) {
            return;
        }
        let mut seed = Seed::default_seed();
        seed.trusted_access.push(TrustedAccess {
            service_principal: IAM.into(),
            date_enabled: 1_700_000_000,
        });
        seed.features = vec![Feature::RootCredentialsManagement, Feature::RootSessions];
        let sandbox = SandboxFixture::start(seed);
        let mut ws = Workspace::new(tf, "delete-action-warning");
        sandbox.configure(&mut ws, MANAGEMENT);
        ws.write_main(&format!(
            r#"terraform {{
  required_providers {{
    centralroot = {{
      source = "centralroot/centralroot"
    }}
  }}
}}

action "centralroot_delete_root_credentials" "member" {{
  config {{
    account_id       = "{MEMBER}"
    credential_types = ["password", "access_keys"]
  }}
}}
"#
        ));
        let run = ws.run_ok(&[
            "apply",
            "-auto-approve",
            "-invoke=action.centralroot_delete_root_credentials.member",
        ]);
        let announced = format!(
            "{MEMBER}: deleting the root user's password and access keys, irreversibly: deleted \
             root credentials cannot be restored"
        );
        let announced_at = run
            .stdout
            .find(&announced)
            .unwrap_or_else(|| panic!("not announced:\n{run}"));
        let deleted_at = run
            .stdout
            .find(&format!("{MEMBER}: password deleted"))
            .unwrap_or_else(|| panic!("not deleted:\n{run}"));
        assert!(announced_at < deleted_at, "announced first:\n{run}");
        let root = sandbox.state().account(MEMBER).unwrap().root.clone();
        assert!(root.login_profile.is_none() && root.access_keys.is_empty());
        assert_eq!(root.mfa_devices.len(), 1, "not selected");
    });
}
