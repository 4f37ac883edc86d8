//! The audit of one member's root credentials in one root session, and the requests it costs.

use centralroot::aws::Aws;
use centralroot_sandbox::ServerHandle;

use crate::support::{MANAGEMENT, MEMBER, aws_for, quick_wait, sandbox_with_root_sessions};

#[tokio::test]
async fn a_member_s_root_credentials_are_audited_in_one_root_session() {
    let sandbox = sandbox_with_root_sessions(|seed| {
        let member = seed.accounts.iter_mut().find(|a| a.id == "333333333333");
        member.unwrap().root.access_keys[0].last_used =
            Some(centralroot_sandbox::seed::AccessKeyLastUsed {
                date: 1_710_000_000,
                service_name: "s3".into(),
                region: "us-east-1".into(),
            });
    })
    .await;
    let aws = aws_for(&sandbox, MANAGEMENT, 2, quick_wait());
    let report = aws.audit_account("333333333333").await.unwrap();
    assert!(report.has_credentials());
    assert_eq!(
        report.password_created.as_deref(),
        Some("2023-11-14T22:13:20Z")
    );
    assert_eq!(report.access_keys.len(), 1);
    assert_eq!(report.access_keys[0].status, "Active");
    assert_eq!(report.access_keys[0].last_used, "2024-03-09T16:00:00Z");
    assert_eq!(report.signing_certificates.len(), 1);
    assert_eq!(
        report.mfa_devices,
        ["arn:aws:iam::333333333333:mfa/root-account-mfa-device"]
    );
    let bare = aws.audit_account("444444444444").await.unwrap();
    assert!(!bare.has_credentials());
    assert_eq!(bare.credentials(), []);

    let log = sandbox.sandbox().requests();
    assert_eq!(log.operations["AssumeRoot"].succeeded, 2, "one per account");
    let audit = &log.root_sessions["IAMAuditRootUserCredentials"];
    let calls: Vec<(&str, u64)> = audit.iter().map(|(op, n)| (op.as_str(), *n)).collect();
    assert_eq!(
        calls,
        [
            ("GetAccessKeyLastUsed", 1),
            ("GetAccountSummary", 2),
            ("GetLoginProfile", 1),
            ("ListAccessKeys", 1),
            ("ListMFADevices", 1),
            ("ListSigningCertificates", 1),
        ],
        "the summary of both, the lists of the member that holds credentials"
    );
    assert_eq!(log.root_sessions.len(), 1, "{:?}", log.root_sessions);
}

/// The requests of one audit of `account` through `aws`, whose organization is already
/// described: by operation, and in all.
async fn audit_requests(
    sandbox: &ServerHandle,
    aws: &Aws,
    account: &str,
) -> (Vec<(String, u64)>, u64) {
    sandbox.sandbox().reset_requests();
    aws.audit_account(account).await.unwrap();
    let log = sandbox.sandbox().requests();
    let calls = log
        .operations
        .iter()
        .map(|(op, count)| (op.clone(), count.total))
        .collect();
    (calls, log.total)
}

#[tokio::test]
async fn a_clean_member_costs_two_requests_and_a_holder_only_the_lists_it_needs() {
    let sandbox = sandbox_with_root_sessions(|seed| {
        let mut mfa_only = centralroot_sandbox::seed::Account::new("555555555555");
        mfa_only
            .root
            .mfa_devices
            .push(centralroot_sandbox::seed::MfaDevice {
                serial_number: "arn:aws:iam::555555555555:mfa/root-account-mfa-device".into(),
                enabled: 1_700_000_000,
            });
        seed.accounts.push(mfa_only);
    })
    .await;
    let aws = aws_for(&sandbox, MANAGEMENT, 2, quick_wait());
    aws.organization().await.unwrap();
    let owned = |calls: &[(&str, u64)]| -> Vec<(String, u64)> {
        calls.iter().map(|(op, n)| ((*op).to_owned(), *n)).collect()
    };

    let clean = audit_requests(&sandbox, &aws, "444444444444").await;
    assert_eq!(
        clean,
        (owned(&[("AssumeRoot", 1), ("GetAccountSummary", 1)]), 2),
        "a member without root credentials"
    );
    let mfa_only = audit_requests(&sandbox, &aws, "555555555555").await;
    assert_eq!(
        mfa_only,
        (
            owned(&[
                ("AssumeRoot", 1),
                ("GetAccountSummary", 1),
                ("ListMFADevices", 1)
            ]),
            3
        )
    );
    let everything = audit_requests(&sandbox, &aws, MEMBER).await;
    assert_eq!(
        everything,
        (
            owned(&[
                ("AssumeRoot", 1),
                ("GetAccessKeyLastUsed", 1),
                ("GetAccountSummary", 1),
                ("GetLoginProfile", 1),
                ("ListAccessKeys", 1),
                ("ListMFADevices", 1),
                ("ListSigningCertificates", 1),
            ]),
            7
        ),
        "2 + the four lists + the last use of its one key"
    );
    let report = aws.audit_account("555555555555").await.unwrap();
    assert_eq!(
        report.mfa_devices,
        ["arn:aws:iam::555555555555:mfa/root-account-mfa-device"]
    );
    assert_eq!(report.password_created, None);
    assert!(report.access_keys.is_empty() && report.signing_certificates.is_empty());
}
