//! Root sessions: AssumeRoot as the member's root user, refusals that say why, the management
//! account refused before STS, and an expiration out of range.

use std::time::Duration;

use centralroot::aws::{Aws, CredentialKind, ErrorKind, Operation, TaskPolicy};
use centralroot::types_common::advice::detail;
use centralroot_sandbox::ServerHandle;
use centralroot_sandbox::seed::Feature as SeedFeature;

use crate::support::{
    MANAGEMENT, MEMBER, aws_at, aws_for, aws_signing, quick_wait, read_request, removal_steps,
    sandbox_with_root_sessions,
};

/// The clients of a root session, as a second provider block configured from it builds them.
fn aws_as(handle: &ServerHandle, credentials: &centralroot::aws::RootCredentials) -> Aws {
    let credentials = aws_credential_types::Credentials::new(
        credentials.access_key_id.clone(),
        credentials.secret_access_key.clone(),
        Some(credentials.session_token.clone()),
        Some(credentials.expiration),
        "root-session",
    );
    aws_signing(handle, credentials, 1, quick_wait(), None)
}

#[tokio::test]
async fn a_root_session_acts_as_the_member_s_root_user() {
    let handle = sandbox_with_root_sessions(|seed| {
        seed.features = vec![
            SeedFeature::RootCredentialsManagement,
            SeedFeature::RootSessions,
        ];
    })
    .await;
    let aws = aws_for(&handle, MANAGEMENT, 1, quick_wait());
    let before = std::time::SystemTime::now();
    let credentials = aws
        .assume_root(
            MEMBER,
            TaskPolicy::AuditRootUserCredentials,
            Duration::from_secs(300),
        )
        .await
        .unwrap();
    assert!(credentials.access_key_id.starts_with("ASIA"));
    assert!(credentials.expiration > before);
    assert!(credentials.expiration <= before + Duration::from_secs(301));
    let identity = aws_as(&handle, &credentials)
        .caller_identity()
        .await
        .unwrap();
    assert_eq!(identity.account_id, MEMBER);
    assert_eq!(identity.arn, format!("arn:aws:iam::{MEMBER}:root"));
    let own = aws.caller_identity().await.unwrap();
    assert_eq!(own.account_id, MANAGEMENT);
}

#[tokio::test]
async fn refused_root_sessions_say_why_on_the_account() {
    let handle =
        sandbox_with_root_sessions(|seed| seed.features = vec![SeedFeature::RootSessions]).await;
    let aws = aws_for(&handle, MANAGEMENT, 1, quick_wait());
    let audit = TaskPolicy::AuditRootUserCredentials;
    let minute = Duration::from_secs(60);

    let err = aws.assume_root(MEMBER, audit, minute).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::RootSessionDenied);
    assert_eq!(err.code.as_deref(), Some("AccessDenied"));
    assert_eq!(err.subject(), Some(centralroot::aws::Subject::Account));
    let advice = detail(&err);
    assert!(
        advice.contains("enabled_features of centralroot_organization_features contains RootCredentialsManagement,"),
        "the feature the audit needs: {advice}"
    );
    assert!(advice.contains("delegated administrator"), "{advice}");

    let err = aws
        .assume_root(MANAGEMENT, audit, minute)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::TargetIsManagementAccount);
    assert!(err.message.contains(MANAGEMENT), "{err}");
    assert_eq!(
        handle.sandbox().requests().operations["AssumeRoot"].total,
        1,
        "the management account is refused before STS"
    );

    let member = aws_for(&handle, MEMBER, 1, quick_wait());
    let err = member
        .assume_root("333333333333", audit, minute)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::RootSessionDenied);
}

#[tokio::test]
async fn the_management_account_is_refused_by_one_check_before_sts() {
    let sandbox = sandbox_with_root_sessions(|_| {}).await;
    let aws = aws_for(&sandbox, MANAGEMENT, 1, quick_wait());
    let audit = TaskPolicy::AuditRootUserCredentials;

    let org = aws.organization_managed_from(MANAGEMENT).await.unwrap();
    assert_eq!(org.management_account_id, MANAGEMENT);
    assert_eq!(aws.organization_managed_from(MEMBER).await, None);

    let err = aws
        .refuse_management_account(MANAGEMENT, audit)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::TargetIsManagementAccount);
    assert_eq!(err.operation, Operation::AssumeRoot(audit));
    assert_eq!(err.subject(), Some(centralroot::aws::Subject::Account));
    assert!(err.message.contains(&org.id), "{err}");
    assert!(
        detail(&err).contains("account_id is the organization's management account"),
        "{}",
        detail(&err)
    );
    assert!(aws.refuse_management_account(MEMBER, audit).await.is_ok());

    // Every root session goes through it: the removal and the audit alike.
    let steps = removal_steps(&aws, MANAGEMENT, &CredentialKind::ALL, None).await;
    assert_eq!(steps, [Err(ErrorKind::TargetIsManagementAccount)]);
    let audited = aws.audit_account(MANAGEMENT).await.unwrap_err();
    assert_eq!(audited.kind, ErrorKind::TargetIsManagementAccount);
    let log = sandbox.sandbox().requests();
    assert!(
        !log.operations.contains_key("AssumeRoot"),
        "{:?}",
        log.operations
    );
    assert_eq!(log.operations["DescribeOrganization"].total, 1);
}

/// An endpoint for STS and Organizations whose AssumeRoot answers credentials expiring at
/// `expiration`, as written, and whose organization is managed by [`MANAGEMENT`].
async fn sts_answering_expiration(expiration: &'static str) -> String {
    use tokio::io::AsyncWriteExt;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            let request = read_request(&mut socket).await;
            let (content_type, body) = if request.contains("Action=AssumeRoot") {
                (
                    "text/xml",
                    format!(
                        "<AssumeRootResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
                         <AssumeRootResult><Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId>\
                         <SecretAccessKey>secret</SecretAccessKey>\
                         <SessionToken>token</SessionToken>\
                         <Expiration>{expiration}</Expiration></Credentials>\
                         </AssumeRootResult><ResponseMetadata><RequestId>r-1</RequestId>\
                         </ResponseMetadata></AssumeRootResponse>"
                    ),
                )
            } else {
                (
                    "application/x-amz-json-1.1",
                    format!(
                        r#"{{"Organization":{{"Id":"o-exampleorga","MasterAccountId":"{MANAGEMENT}","FeatureSet":"ALL"}}}}"#
                    ),
                )
            };
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\
                 connection: close\r\n\r\n{body}",
                body.len()
            );
            socket.write_all(response.as_bytes()).await.unwrap();
        }
    });
    url
}

/// `9999-12-31T23:59:59-23:59` is a timestamp the SDK accepts (offsets are allowed) and that
/// lands in the year 10000, which RFC 3339 cannot write: the answer is an error of AssumeRoot,
/// for the ephemeral resource and every root session alike, never a panic.
#[tokio::test]
async fn an_expiration_out_of_range_is_an_error_of_the_root_session() {
    let audit = TaskPolicy::AuditRootUserCredentials;
    let hostile = aws_at(&sts_answering_expiration("9999-12-31T23:59:59-23:59").await);
    let err = hostile
        .assume_root(MEMBER, audit, Duration::from_secs(60))
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Other);
    assert_eq!(err.operation, Operation::AssumeRoot(audit));
    assert!(
        err.message
            .starts_with("the answer has no valid expiration"),
        "{err}"
    );
    let audited = hostile.audit_account(MEMBER).await.unwrap_err();
    assert_eq!(audited.message, err.message);

    // The same path with an ordinary offset reads the expiration in UTC.
    let fine = aws_at(&sts_answering_expiration("2030-01-01T00:00:00+01:00").await);
    let credentials = fine
        .assume_root(MEMBER, audit, Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(
        credentials.expiration_rfc3339().unwrap(),
        "2029-12-31T23:00:00Z"
    );
}
