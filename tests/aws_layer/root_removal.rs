//! The removal of root credentials: each step reported, only what the plan names removed, the
//! end at the first failure, and the next audit reading again.

use centralroot::aws::{CredentialKind, ErrorKind, RootCredential};
use centralroot_sandbox::faults::FaultConfig;

use crate::support::{
    MANAGEMENT, MEMBER, Step, aws_for, quick_wait, removal_steps, sandbox_with_root_sessions,
};

#[tokio::test]
async fn removal_deletes_what_it_is_given_and_deactivates_mfa() {
    let sandbox = sandbox_with_root_sessions(|_| {}).await;
    let aws = aws_for(&sandbox, MANAGEMENT, 2, quick_wait());
    let session = aws
        .root_session(
            MEMBER,
            centralroot::aws::TaskPolicy::DeleteRootUserCredentials,
        )
        .await
        .unwrap();
    let report = session.audit().await.unwrap();
    for credential in report.credentials() {
        session.remove(&credential).await.unwrap();
        // Removing twice is no error: the goal is the absence.
        session.remove(&credential).await.unwrap();
    }
    assert!(!session.audit().await.unwrap().has_credentials());
    let model = sandbox.sandbox().snapshot();
    assert_eq!(model.account(MEMBER).unwrap().root, Default::default());
    let log = sandbox.sandbox().requests();
    assert_eq!(log.operations["AssumeRoot"].succeeded, 1);
    assert_eq!(
        log.root_sessions.keys().collect::<Vec<_>>(),
        ["IAMDeleteRootUserCredentials"]
    );
    assert_eq!(
        log.root_sessions["IAMDeleteRootUserCredentials"]["DeactivateMFADevice"],
        2
    );
}

#[tokio::test]
async fn a_removal_makes_the_next_audit_read_again() {
    let sandbox = sandbox_with_root_sessions(|_| {}).await;
    let aws = aws_for(&sandbox, MANAGEMENT, 2, quick_wait());
    assert!(aws.audit_account(MEMBER).await.unwrap().has_credentials());
    assert!(aws.audit_account(MEMBER).await.unwrap().has_credentials());
    assert_eq!(
        sandbox.sandbox().requests().operations["AssumeRoot"].succeeded,
        1,
        "the second read comes from the run's cache"
    );
    let session = aws
        .root_session(
            MEMBER,
            centralroot::aws::TaskPolicy::DeleteRootUserCredentials,
        )
        .await
        .unwrap();
    for credential in session.audit().await.unwrap().credentials() {
        session.remove(&credential).await.unwrap();
    }
    drop(session);
    assert!(!aws.audit_account(MEMBER).await.unwrap().has_credentials());
}

/// The first step of a removal of `found` from [`MEMBER`] that planned all of it.
fn found(found: Vec<RootCredential>) -> Step {
    Step::Found {
        on: (
            MEMBER.to_owned(),
            centralroot::aws::TaskPolicy::DeleteRootUserCredentials,
        ),
        found,
        unplanned: Vec::new(),
    }
}

#[tokio::test]
async fn a_removal_reports_each_step_and_the_next_audit_reads_again() {
    let sandbox = sandbox_with_root_sessions(|_| {}).await;
    let aws = aws_for(&sandbox, MANAGEMENT, 2, quick_wait());
    let before = aws.audit_account(MEMBER).await.unwrap();
    let mfa = RootCredential::MfaDevice(before.mfa_devices[0].clone());

    let steps = removal_steps(
        &aws,
        MEMBER,
        &[CredentialKind::MfaDevices, CredentialKind::Password],
        None,
    )
    .await;
    assert_eq!(
        steps,
        [
            Ok(found(vec![RootCredential::Password, mfa.clone()])),
            Ok(Step::Removed {
                credential: RootCredential::Password,
                left: vec![mfa.clone()],
            }),
            Ok(Step::Removed {
                credential: mfa,
                left: Vec::new(),
            }),
        ]
    );

    // The audit cached before the removal is not what the next reader gets.
    let after = aws.audit_account(MEMBER).await.unwrap();
    assert_eq!(after.password_created, None);
    assert!(after.mfa_devices.is_empty());
    assert_eq!(after.access_keys, before.access_keys, "not selected");
    let log = sandbox.sandbox().requests();
    assert_eq!(
        log.operations["AssumeRoot"].succeeded, 3,
        "audit, removal, audit"
    );

    // Nothing left of the kinds: the audit is the only step.
    let steps = removal_steps(&aws, MEMBER, &[CredentialKind::Password], None).await;
    assert_eq!(steps, [Ok(found(Vec::new()))]);
}

#[tokio::test]
async fn a_planned_removal_removes_only_what_the_plan_names() {
    let sandbox = sandbox_with_root_sessions(|_| {}).await;
    let aws = aws_for(&sandbox, MANAGEMENT, 2, quick_wait());
    let before = aws.audit_account(MEMBER).await.unwrap();
    let key = RootCredential::AccessKey(before.access_keys[0].id.clone());
    let gone = RootCredential::AccessKey("AKIAGONE000000000000".into());
    let planned = [RootCredential::Password, gone];
    let kinds = [CredentialKind::Password, CredentialKind::AccessKeys];
    let steps = removal_steps(&aws, MEMBER, &kinds, Some(&planned)).await;
    assert_eq!(
        steps,
        [
            Ok(Step::Found {
                on: (
                    MEMBER.to_owned(),
                    centralroot::aws::TaskPolicy::DeleteRootUserCredentials
                ),
                found: vec![RootCredential::Password, key.clone()],
                unplanned: vec![key.clone()],
            }),
            Ok(Step::Removed {
                credential: RootCredential::Password,
                left: vec![key.clone()],
            }),
        ],
        "the key appeared after the plan: it stays; the planned key already gone is no step"
    );
    let log = sandbox.sandbox().requests();
    assert!(!log.operations.contains_key("DeleteAccessKey"), "{log:?}");
    let after = aws.audit_account(MEMBER).await.unwrap();
    assert_eq!(after.access_keys, before.access_keys);
}

#[tokio::test]
async fn a_removal_ends_at_its_first_failure_after_reporting_what_went() {
    let sandbox = sandbox_with_root_sessions(|_| {}).await;
    sandbox.sandbox().set_faults(FaultConfig {
        server_error_every: 1,
        operations: Some(vec!["DeleteAccessKey".into()]),
        ..FaultConfig::default()
    });
    let aws = aws_for(&sandbox, MANAGEMENT, 1, quick_wait());
    let steps = removal_steps(&aws, MEMBER, &CredentialKind::ALL, None).await;
    let [Ok(Step::Found { found, .. }), Ok(removed), Err(failure)] = steps.as_slice() else {
        panic!("found, the password removed, then the key's failure: {steps:?}");
    };
    assert_eq!(found.len(), 4);
    assert_eq!(
        removed,
        &Step::Removed {
            credential: RootCredential::Password,
            left: found[1..].to_vec(),
        }
    );
    assert_eq!(failure, &ErrorKind::ServiceFailure);
    let root = sandbox
        .sandbox()
        .snapshot()
        .account(MEMBER)
        .unwrap()
        .root
        .clone();
    assert!(root.login_profile.is_none());
    assert_eq!(root.access_keys.len(), 1, "the failed deletion left it");
}
