//! The delete action says what it is about to delete, from which account, and that it cannot be
//! undone, before it deletes anything: Terraform's own prompt for `apply -invoke` says changes
//! are written to the state "without modifying real infrastructure".

use crate::support::sandbox::MANAGEMENT;
use crate::support::{Case, Cases, SandboxFixture, Terraform, Workspace};
use crate::unauditable_member::root_access_seed;

const MEMBER: &str = "333333333333";

fn the_action_announces_what_it_deletes_before_it_starts(tf: &'static Terraform) {
    let sandbox = SandboxFixture::start(root_access_seed());
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
}

pub const CASES: Cases = Cases::new(
    module_path!(),
    &[Case::each_cli(
        "the_action_announces_what_it_deletes_before_it_starts",
        the_action_announces_what_it_deletes_before_it_starts,
    )
    .needs(1, 14, "actions")],
);
