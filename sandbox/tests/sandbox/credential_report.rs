//! Password recovery in a root session and the credential report, through the real AWS SDK: a
//! member's own administrator generates and reads its report, and its `<root_account>` row shows
//! what a removal and a recovery did to the root user.

use crate::support::*;
use aws_sdk_iam::error::ProvideErrorMetadata;
use aws_sdk_iam::types::ReportStateType;
use std::collections::BTreeMap;

/// The root row of the report `account`'s own administrator reads, by column.
async fn root_row(
    sandbox: &centralroot_sandbox::ServerHandle,
    account: &str,
) -> BTreeMap<String, String> {
    let iam = clients(sandbox, account).iam;
    let report = iam.get_credential_report().send().await.unwrap();
    assert_eq!(report.report_format().map(|f| f.as_str()), Some("text/csv"));
    assert!(report.generated_time().is_some());
    let csv = String::from_utf8(report.content().unwrap().as_ref().to_vec()).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 1, "only the root user: {csv}");
    let row: Vec<&str> = rows[0].split(',').collect();
    assert_eq!(header.len(), row.len(), "{csv}");
    header
        .into_iter()
        .zip(row)
        .map(|(h, v)| (h.to_owned(), v.to_owned()))
        .collect()
}

async fn generate(sandbox: &centralroot_sandbox::ServerHandle, account: &str) -> ReportStateType {
    let out = clients(sandbox, account)
        .iam
        .generate_credential_report()
        .send()
        .await
        .unwrap();
    out.state().cloned().unwrap()
}

#[tokio::test]
async fn a_scanner_with_the_member_s_credentials_sees_what_a_removal_did() {
    let sandbox = start(trusted_seed()).await;
    enable_root_tasks(&sandbox).await;
    let member = clients(&sandbox, MEMBER_A).iam;
    let err = member.get_credential_report().send().await.unwrap_err();
    assert_eq!(err.code(), Some("ReportNotPresent"), "{err:?}");

    assert_eq!(generate(&sandbox, MEMBER_A).await, ReportStateType::Started);
    let before = root_row(&sandbox, MEMBER_A).await;
    assert_eq!(before["user"], "<root_account>");
    assert_eq!(before["arn"], format!("arn:aws:iam::{MEMBER_A}:root"));
    for column in [
        "password_enabled",
        "mfa_active",
        "access_key_1_active",
        "cert_1_active",
    ] {
        assert_eq!(before[column], "true", "{column}: {before:?}");
    }
    assert_eq!(before["password_next_rotation"], "not_supported");
    assert_eq!(
        generate(&sandbox, MEMBER_A).await,
        ReportStateType::Complete,
        "nothing changed: the same report"
    );

    // A root session may not read the report: no task policy allows it.
    let delete = assume_root(&sandbox, MANAGEMENT, MEMBER_A, DELETE, 900).await;
    let err = delete
        .iam
        .generate_credential_report()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"));

    delete.iam.delete_login_profile().send().await.unwrap();
    let keys = delete.iam.list_access_keys().send().await.unwrap();
    for key in keys.access_key_metadata() {
        let id = key.access_key_id().unwrap();
        delete
            .iam
            .delete_access_key()
            .access_key_id(id)
            .send()
            .await
            .unwrap();
    }
    let certificates = delete.iam.list_signing_certificates().send().await.unwrap();
    for certificate in certificates.certificates() {
        delete
            .iam
            .delete_signing_certificate()
            .certificate_id(certificate.certificate_id())
            .send()
            .await
            .unwrap();
    }
    let devices = delete.iam.list_mfa_devices().send().await.unwrap();
    for device in devices.mfa_devices() {
        delete
            .iam
            .deactivate_mfa_device()
            .serial_number(device.serial_number())
            .send()
            .await
            .unwrap();
    }

    assert_eq!(generate(&sandbox, MEMBER_A).await, ReportStateType::Started);
    let after = root_row(&sandbox, MEMBER_A).await;
    for column in [
        "password_enabled",
        "mfa_active",
        "access_key_1_active",
        "access_key_2_active",
        "cert_1_active",
        "cert_2_active",
    ] {
        assert_eq!(after[column], "false", "{column}: {after:?}");
    }
    for column in [
        "password_last_changed",
        "access_key_1_last_rotated",
        "cert_1_last_rotated",
    ] {
        assert_eq!(after[column], "N/A", "{column}: {after:?}");
    }

    // Another member's report is its own.
    assert_eq!(generate(&sandbox, MEMBER_B).await, ReportStateType::Started);
    assert_eq!(
        root_row(&sandbox, MEMBER_B).await["password_enabled"],
        "true"
    );
}

#[tokio::test]
async fn recovery_creates_a_login_profile_without_a_password_and_nothing_else() {
    let sandbox = start(trusted_seed()).await;
    enable_root_tasks(&sandbox).await;
    let delete = assume_root(&sandbox, MANAGEMENT, MEMBER_A, DELETE, 900).await;
    delete.iam.delete_login_profile().send().await.unwrap();

    let create = assume_root(&sandbox, MANAGEMENT, MEMBER_A, CREATE_PASSWORD, 900).await;
    let err = create.iam.get_user().send().await.unwrap_err();
    assert_eq!(
        err.code(),
        Some("AccessDenied"),
        "not in the published policy"
    );
    let err = create.iam.get_login_profile().send().await.unwrap_err();
    assert_eq!(
        err.code(),
        Some("NoSuchEntity"),
        "allowed, and there is none"
    );
    let err = create
        .iam
        .create_login_profile()
        .password("Hunter2-hunter2")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Some("InvalidInput"),
        "no password in a root session"
    );
    let err = create
        .iam
        .create_login_profile()
        .user_name("root")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Some("AccessDenied"),
        "no UserName in a root session"
    );

    let created = create.iam.create_login_profile().send().await.unwrap();
    let profile = created.login_profile().unwrap();
    assert!(!profile.password_reset_required());
    let read = create.iam.get_login_profile().send().await.unwrap();
    assert_eq!(
        read.login_profile().unwrap().create_date(),
        profile.create_date()
    );
    let err = create.iam.create_login_profile().send().await.unwrap_err();
    assert_eq!(err.code(), Some("EntityAlreadyExists"));

    assert_eq!(generate(&sandbox, MEMBER_A).await, ReportStateType::Started);
    let row = root_row(&sandbox, MEMBER_A).await;
    assert_eq!(row["password_enabled"], "true");
    assert_ne!(row["password_last_changed"], "N/A");
    let log = sandbox.sandbox().requests();
    let calls: Vec<&str> = log.root_sessions["IAMCreateRootUserPassword"]
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(calls, ["CreateLoginProfile", "GetLoginProfile", "GetUser"]);
}
