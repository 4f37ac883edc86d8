//! STS through the AWS SDK: AssumeRoot and the root-user IAM calls it enables, AssumeRole.

use crate::support::*;
use aws_sdk_iam::error::ProvideErrorMetadata;
use aws_sdk_sts::types::PolicyDescriptorType;
use centralroot_sandbox::{Credentials, Seed};

#[tokio::test]
async fn assume_root_preconditions() {
    let sandbox = start(trusted_seed()).await;
    let management = clients(&sandbox, MANAGEMENT);
    let assume = |client: aws_sdk_sts::Client, target: &str, policy: &str, seconds: i32| {
        client
            .assume_root()
            .target_principal(target)
            .task_policy_arn(PolicyDescriptorType::builder().arn(policy).build())
            .duration_seconds(seconds)
            .send()
    };
    let err = assume(management.sts.clone(), MEMBER_A, AUDIT, 900)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"), "the features are off");
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 403);
    enable_root_tasks(&sandbox).await;

    let err = assume(management.sts.clone(), MEMBER_A, AUDIT, 901)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("ValidationError"));
    let err = assume(
        management.sts.clone(),
        MEMBER_A,
        "arn:aws:iam::aws:policy/AdministratorAccess",
        60,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), Some("ValidationError"));
    let err = assume(management.sts.clone(), MANAGEMENT, AUDIT, 60)
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Some("AccessDenied"),
        "the management account is no target"
    );
    let err = assume(clients(&sandbox, MEMBER_B).sts, MEMBER_A, AUDIT, 60)
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Some("AccessDenied"),
        "plain members may not assume root"
    );

    // The IAM delegated administrator may.
    management
        .orgs
        .register_delegated_administrator()
        .account_id(MEMBER_B)
        .service_principal(IAM)
        .send()
        .await
        .unwrap();
    let session = assume_root(&sandbox, MEMBER_B, MEMBER_A, AUDIT, 60).await;
    let identity = session.sts.get_caller_identity().send().await.unwrap();
    assert_eq!(identity.account(), Some(MEMBER_A));
    assert_eq!(identity.arn(), Some("arn:aws:iam::222222222222:root"));

    // A root session is not an administrator anywhere.
    let err = session
        .orgs
        .describe_organization()
        .send()
        .await
        .unwrap_err();
    assert!(err.into_service_error().is_access_denied_exception());
    let err = session
        .iam
        .list_organizations_features()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"));
    let err = assume(session.sts.clone(), MEMBER_C, AUDIT, 60)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"));

    // Expired sessions answer ExpiredToken; a wrong session token is an invalid client token.
    let expired = assume_root(&sandbox, MANAGEMENT, MEMBER_A, AUDIT, 0).await;
    let err = expired.iam.get_user().send().await.unwrap_err();
    assert_eq!(err.code(), Some("ExpiredToken"));
    let out = management
        .sts
        .assume_root()
        .target_principal(MEMBER_A)
        .task_policy_arn(PolicyDescriptorType::builder().arn(AUDIT).build())
        .send()
        .await
        .unwrap();
    let credentials = out.credentials().unwrap();
    let expiration = credentials.expiration().secs();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!(
        (895..=905).contains(&(expiration - now)),
        "default is 900 s"
    );
    let forged = clients_with(
        &sandbox,
        &Credentials {
            access_key_id: credentials.access_key_id().to_owned(),
            secret_access_key: credentials.secret_access_key().to_owned(),
        },
        Some("forged-token"),
    );
    let err = forged.iam.get_user().send().await.unwrap_err();
    assert_eq!(err.code(), Some("InvalidClientTokenId"));
}

/// AWS answers GetCallerIdentity for any valid credentials, whatever the task policy allows.
#[tokio::test]
async fn every_root_session_may_ask_who_it_is() {
    let sandbox = start(trusted_seed()).await;
    enable_root_tasks(&sandbox).await;
    let policies = [
        AUDIT,
        DELETE,
        CREATE_PASSWORD,
        "arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy",
        "arn:aws:iam::aws:policy/root-task/SQSUnlockQueuePolicy",
    ];
    for policy in policies {
        let session = assume_root(&sandbox, MANAGEMENT, MEMBER_B, policy, 60).await;
        let identity = session.sts.get_caller_identity().send().await.unwrap();
        assert_eq!(identity.account(), Some(MEMBER_B), "{policy}");
        assert_eq!(
            identity.arn(),
            Some("arn:aws:iam::333333333333:root"),
            "{policy}"
        );
        assert_eq!(identity.user_id(), Some(MEMBER_B), "{policy}");
    }
}

#[tokio::test]
async fn root_sessions_audit_delete_and_recover_credentials() {
    let sandbox = start(trusted_seed()).await;
    enable_root_tasks(&sandbox).await;

    let audit = assume_root(&sandbox, MANAGEMENT, MEMBER_A, AUDIT, 900).await;
    let user = audit.iam.get_user().send().await.unwrap();
    assert_eq!(user.user().unwrap().arn(), "arn:aws:iam::222222222222:root");
    assert_eq!(user.user().unwrap().user_id(), MEMBER_A);
    let profile = audit.iam.get_login_profile().send().await.unwrap();
    assert!(!profile.login_profile().unwrap().password_reset_required());
    let keys = audit.iam.list_access_keys().send().await.unwrap();
    let key_id = keys.access_key_metadata()[0]
        .access_key_id()
        .unwrap()
        .to_owned();
    assert!(!keys.is_truncated());
    let last_used = audit
        .iam
        .get_access_key_last_used()
        .access_key_id(&key_id)
        .send()
        .await
        .unwrap();
    assert!(last_used.access_key_last_used().is_some());
    let certificates = audit.iam.list_signing_certificates().send().await.unwrap();
    let certificate_id = certificates.certificates()[0].certificate_id().to_owned();
    assert!(
        certificates.certificates()[0]
            .certificate_body()
            .contains("BEGIN CERTIFICATE")
    );
    let devices = audit.iam.list_mfa_devices().send().await.unwrap();
    let serial = devices.mfa_devices()[0].serial_number().to_owned();
    assert_eq!(
        serial,
        "arn:aws:iam::222222222222:mfa/root-account-mfa-device"
    );

    // Audit allows reads only.
    let err = audit.iam.delete_login_profile().send().await.unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"));
    let err = audit
        .iam
        .delete_access_key()
        .access_key_id(&key_id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"));
    let err = audit
        .iam
        .get_user()
        .user_name("alice")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"), "UserName must be omitted");

    let delete = assume_root(&sandbox, MANAGEMENT, MEMBER_A, DELETE, 900).await;
    let err = delete.iam.create_login_profile().send().await.unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"));
    delete.iam.delete_login_profile().send().await.unwrap();
    delete
        .iam
        .delete_access_key()
        .access_key_id(&key_id)
        .send()
        .await
        .unwrap();
    delete
        .iam
        .delete_signing_certificate()
        .certificate_id(&certificate_id)
        .send()
        .await
        .unwrap();
    delete
        .iam
        .deactivate_mfa_device()
        .serial_number(&serial)
        .send()
        .await
        .unwrap();
    let err = delete.iam.get_login_profile().send().await.unwrap_err();
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 404);
    assert!(err.into_service_error().is_no_such_entity_exception());
    let err = delete
        .iam
        .delete_access_key()
        .access_key_id(&key_id)
        .send()
        .await
        .unwrap_err();
    assert!(err.into_service_error().is_no_such_entity_exception());
    let err = delete
        .iam
        .delete_signing_certificate()
        .certificate_id(&certificate_id)
        .send()
        .await
        .unwrap_err();
    assert!(err.into_service_error().is_no_such_entity_exception());
    let err = delete
        .iam
        .deactivate_mfa_device()
        .serial_number(&serial)
        .send()
        .await
        .unwrap_err();
    assert!(err.into_service_error().is_no_such_entity_exception());
    assert!(
        delete
            .iam
            .list_access_keys()
            .send()
            .await
            .unwrap()
            .access_key_metadata()
            .is_empty()
    );
    assert!(
        delete
            .iam
            .list_mfa_devices()
            .send()
            .await
            .unwrap()
            .mfa_devices()
            .is_empty()
    );
    assert!(
        delete
            .iam
            .list_signing_certificates()
            .send()
            .await
            .unwrap()
            .certificates()
            .is_empty()
    );
    let model = sandbox.sandbox().snapshot();
    let root = &model.account(MEMBER_A).unwrap().root;
    assert!(root.login_profile.is_none() && root.access_keys.is_empty());
    assert!(
        model
            .account(MEMBER_B)
            .unwrap()
            .root
            .login_profile
            .is_some(),
        "other members untouched"
    );

    let recover = assume_root(&sandbox, MANAGEMENT, MEMBER_A, CREATE_PASSWORD, 900).await;
    // No password in a root session: the root user sets one through "Forgot password".
    let created = recover.iam.create_login_profile().send().await.unwrap();
    assert!(!created.login_profile().unwrap().password_reset_required());
    let err = recover.iam.create_login_profile().send().await.unwrap_err();
    assert!(
        err.into_service_error()
            .is_entity_already_exists_exception()
    );
    let err = recover.iam.list_access_keys().send().await.unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"));

    // Member C has no root credentials at all.
    let empty = assume_root(&sandbox, MANAGEMENT, MEMBER_C, AUDIT, 900).await;
    let err = empty.iam.get_login_profile().send().await.unwrap_err();
    assert!(err.into_service_error().is_no_such_entity_exception());
}

#[tokio::test]
async fn assume_role_acts_as_the_role_account() {
    let sandbox = start(Seed::default_seed()).await;
    let member = clients(&sandbox, MEMBER_A);
    let out = member
        .sts
        .assume_role()
        .role_arn("arn:aws:iam::111111111111:role/OrganizationAdmin")
        .role_session_name("terraform")
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.assumed_role_user().unwrap().arn(),
        "arn:aws:sts::111111111111:assumed-role/OrganizationAdmin/terraform"
    );
    let credentials = out.credentials().unwrap();
    let role = clients_with(
        &sandbox,
        &Credentials {
            access_key_id: credentials.access_key_id().to_owned(),
            secret_access_key: credentials.secret_access_key().to_owned(),
        },
        Some(credentials.session_token()),
    );
    let identity = role.sts.get_caller_identity().send().await.unwrap();
    assert_eq!(identity.account(), Some(MANAGEMENT));
    assert_eq!(
        identity.arn(),
        Some("arn:aws:sts::111111111111:assumed-role/OrganizationAdmin/terraform")
    );
    role.orgs
        .enable_aws_service_access()
        .service_principal(IAM)
        .send()
        .await
        .unwrap();
    role.iam
        .enable_organizations_root_credentials_management()
        .send()
        .await
        .unwrap();

    let err = member
        .sts
        .assume_role()
        .role_arn("arn:aws:iam::999999999999:role/Nope")
        .role_session_name("terraform")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"));
    let err = member
        .sts
        .assume_role()
        .role_arn("arn:aws:iam::111111111111:role/OrganizationAdmin")
        .role_session_name("terraform")
        .duration_seconds(60)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("ValidationError"));
}

#[tokio::test]
async fn assume_role_refuses_parameters_beyond_aws_constraints_and_keeps_nothing() {
    let sandbox = start(Seed::default_seed()).await;
    let sts = clients(&sandbox, MANAGEMENT).sts;
    let role = |len: usize| {
        let prefix = format!("arn:aws:iam::{MEMBER_A}:role/");
        format!("{prefix}{}", "r".repeat(len - prefix.len()))
    };
    let assume = |arn: String, name: String, external_id: Option<String>| {
        sts.assume_role()
            .role_arn(arn)
            .role_session_name(name)
            .set_external_id(external_id)
            .send()
    };
    let refused = [
        (
            role(2049),
            "terraform".to_owned(),
            None,
            "at 'roleArn' failed to satisfy constraint: Member must have length less than or equal to 2048",
        ),
        (
            role(100_000),
            "terraform".to_owned(),
            None,
            "at 'roleArn' failed to satisfy constraint: Member must have length less than or equal to 2048",
        ),
        (
            "arn:aws:iam::1:role".to_owned(),
            "terraform".to_owned(),
            None,
            "at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20",
        ),
        (
            role(40),
            "t".to_owned(),
            None,
            "Value 't' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2",
        ),
        (
            role(40),
            "t".repeat(65),
            None,
            "at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64",
        ),
        (
            role(40),
            "terraform run".to_owned(),
            None,
            "Value 'terraform run' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
        ),
        (
            role(40),
            "terraform".to_owned(),
            Some("x".to_owned()),
            "Value 'x' at 'externalId' failed to satisfy constraint: Member must have length greater than or equal to 2",
        ),
        (
            role(40),
            "terraform".to_owned(),
            Some("x".repeat(1225)),
            "at 'externalId' failed to satisfy constraint: Member must have length less than or equal to 1224",
        ),
        (
            role(40),
            "terraform".to_owned(),
            Some("has space".to_owned()),
            "Value 'has space' at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@:/-]*",
        ),
    ];
    for (arn, name, external_id, says) in refused {
        let err = assume(arn, name, external_id).await.unwrap_err();
        assert_eq!(err.code(), Some("ValidationError"));
        let message = err.message().unwrap();
        assert!(
            message.starts_with("1 validation error detected: "),
            "{message}"
        );
        assert!(message.contains(says), "{message}");
        assert!(message.len() < 512, "the value is echoed cut short");
    }
    let err = assume(role(40), "t".to_owned(), Some("x".to_owned()))
        .await
        .unwrap_err();
    let message = err.message().unwrap();
    assert!(
        message.starts_with("2 validation errors detected: Value 't' at 'roleSessionName'")
            && message.contains("; Value 'x' at 'externalId'"),
        "{message}"
    );
    assert!(
        sandbox.sandbox().sessions().is_empty(),
        "nothing is kept of a refused AssumeRole"
    );

    // The largest values AWS accepts are accepted.
    let out = assume(role(2048), "t".repeat(64), Some("a:/=".repeat(306)))
        .await
        .unwrap();
    assert_eq!(
        out.assumed_role_user().unwrap().arn(),
        format!(
            "arn:aws:sts::{MEMBER_A}:assumed-role/{}/{}",
            "r".repeat(2048 - format!("arn:aws:iam::{MEMBER_A}:role/").len()),
            "t".repeat(64)
        )
    );
    assert_eq!(sandbox.sandbox().sessions().len(), 1);
}

#[tokio::test]
async fn a_seed_in_another_partition_writes_and_reads_its_arns() {
    let mut seed = root_task_seed();
    seed.partition = "aws-us-gov".to_owned();
    let sandbox = start(seed).await;
    let management = clients(&sandbox, MANAGEMENT);
    let who = management.sts.get_caller_identity().send().await.unwrap();
    assert_eq!(
        who.arn(),
        Some("arn:aws-us-gov:iam::111111111111:user/sandbox-admin")
    );
    let err = try_assume_root(&sandbox, MANAGEMENT, MEMBER_A, AUDIT)
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Some("ValidationError"),
        "a task policy of the aws partition is no policy in aws-us-gov"
    );
    let gov_audit = AUDIT.replacen("arn:aws:", "arn:aws-us-gov:", 1);
    let session = assume_root(&sandbox, MANAGEMENT, MEMBER_A, &gov_audit, 900).await;
    let who = session.sts.get_caller_identity().send().await.unwrap();
    assert_eq!(who.arn(), Some("arn:aws-us-gov:iam::222222222222:root"));

    control_post(
        &sandbox,
        &format!("accounts/{MEMBER_A}"),
        &serde_json::json!({"service_control_policy": {}}),
    )
    .await;
    let err = session.iam.list_access_keys().send().await.unwrap_err();
    assert!(
        err.message().unwrap().starts_with(
            "User: arn:aws-us-gov:iam::222222222222:root is not authorized to perform: \
             iam:ListAccessKeys on resource: arn:aws-us-gov:iam::222222222222:root"
        ) && err.message().unwrap().ends_with(
            "policy: arn:aws-us-gov:organizations::111111111111:policy/o-sandbox1234/\
             service_control_policy/p-examplepolicy"
        ),
        "{err:?}"
    );
}
