//! The check every command against the sandbox goes through (`support::permissions`) fails
//! where it must: a request outside the permissions of the workspace's types, in the provider's
//! name or in a root session, even when the counters were reset meanwhile; and it lets through
//! what the types declare.

use std::fs;
use std::panic::{self, AssertUnwindSafe};

use crate::support::SandboxFixture;
use crate::support::permissions::Watch;
use crate::support::sandbox::{MANAGEMENT, MEMBERS};
use crate::support::{Case, Cases};
use crate::unauditable_member::root_access_seed;

/// Runs `body` between the start and the check of a command in a workspace holding `config`
/// (with `reset`, the counters are cleared when the command starts, after `body` ran twice);
/// the check's failure message, if it fails.
fn checked(fx: &SandboxFixture, config: &str, reset: bool, body: impl Fn()) -> Option<String> {
    let dir = tempfile::tempdir().expect("a directory");
    fs::write(dir.path().join("main.tf"), config).expect("write main.tf");
    let watch = Watch::new(
        std::sync::Arc::clone(fx.sandbox()),
        dir.path().to_path_buf(),
    );
    if reset {
        // More of the same before the command than during it: the counters go down.
        body();
        body();
    }
    let watched = watch.start();
    if reset {
        fx.reset_requests();
    }
    body();
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| watched.check("the command")));
    outcome.err().map(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .unwrap_or_default()
    })
}

fn a_request_outside_the_types_permissions_fails_the_command() {
    let fx = SandboxFixture::start(root_access_seed());
    let config = fx.sdk_config(MANAGEMENT);
    let organizations = aws_sdk_organizations::Client::new(&config);
    let sts = aws_sdk_sts::Client::new(&config);
    let open_audit_session = || {
        let policy = aws_sdk_sts::types::PolicyDescriptorType::builder()
            .arn("arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials")
            .build();
        fx.block_on(
            sts.assume_root()
                .target_principal(MEMBERS[0])
                .task_policy_arn(policy)
                .send(),
        )
        .expect("AssumeRoot");
    };
    let list_accounts = || {
        fx.block_on(organizations.list_accounts().send())
            .expect("ListAccounts");
    };
    let describe = || {
        fx.block_on(
            organizations
                .describe_account()
                .account_id(MEMBERS[0])
                .send(),
        )
        .expect("DescribeAccount");
    };
    let caller_identity = r#"data "centralroot_caller_identity" "me" {}"#;
    let audit = r#"data "centralroot_organization_root_credentials" "all" {}"#;

    let refused = checked(&fx, caller_identity, false, list_accounts).expect("a failure");
    assert!(
        refused.contains("ListAccounts ×1, with the provider's credentials"),
        "{refused}"
    );
    assert!(refused.contains("centralroot_caller_identity"), "{refused}");
    assert_eq!(checked(&fx, audit, false, list_accounts), None, "declared");
    let after_reset = checked(&fx, caller_identity, true, describe).expect("a failure");
    assert!(after_reset.contains("DescribeAccount ×1"), "{after_reset}");
    assert_eq!(
        checked(&fx, caller_identity, false, || {}),
        None,
        "nothing sent"
    );
    let session = checked(&fx, caller_identity, false, open_audit_session).expect("a failure");
    assert!(
        session.contains("AssumeRoot with task policy IAMAuditRootUserCredentials ×1"),
        "{session}"
    );
    let member =
        r#"data "centralroot_member_root_credentials" "a" { account_id = "222222222222" }"#;
    assert_eq!(checked(&fx, member, false, open_audit_session), None);
}

/// This module's tests, for the harness (`main.rs`).
pub const CASES: Cases = Cases::new(
    module_path!(),
    &[Case::once(
        "a_request_outside_the_types_permissions_fails_the_command",
        a_request_outside_the_types_permissions_fails_the_command,
    )],
);
