//! Root-credential state through the seed and the control plane, the five task policies, the
//! account summary, service control policies (and the older SCP switch), which feature gates
//! which task, and the root-session request log.

use crate::support::*;
use aws_sdk_iam::error::ProvideErrorMetadata;
use centralroot_sandbox::Seed;
use serde_json::json;

const S3_UNLOCK: &str = "arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy";
const SQS_UNLOCK: &str = "arn:aws:iam::aws:policy/root-task/SQSUnlockQueuePolicy";

fn seed_with(extra: serde_json::Value) -> Seed {
    let mut value = serde_json::to_value(trusted_seed()).unwrap();
    for (key, v) in extra.as_object().unwrap() {
        value[key] = v.clone();
    }
    Seed::from_json(&value.to_string()).unwrap()
}

async fn try_assume(
    sandbox: &centralroot_sandbox::ServerHandle,
    target: &str,
    policy: &str,
) -> Result<(), aws_sdk_sts::error::SdkError<aws_sdk_sts::operation::assume_root::AssumeRootError>>
{
    try_assume_root(sandbox, MANAGEMENT, target, policy)
        .await
        .map(|_| ())
}

#[tokio::test]
async fn access_key_last_use_is_seeded_and_answered() {
    let mut seed = trusted_seed();
    let key = &mut seed
        .accounts
        .iter_mut()
        .find(|a| a.id == MEMBER_A)
        .unwrap()
        .root
        .access_keys[0];
    key.last_used = Some(centralroot_sandbox::seed::AccessKeyLastUsed {
        date: 1_710_000_000,
        service_name: "s3".to_owned(),
        region: "eu-west-1".to_owned(),
    });
    let key_id = key.id.clone();
    let sandbox = start(seed).await;
    enable_root_tasks(&sandbox).await;
    let audit = assume_root(&sandbox, MANAGEMENT, MEMBER_A, AUDIT, 900).await;
    let out = audit
        .iam
        .get_access_key_last_used()
        .access_key_id(&key_id)
        .send()
        .await
        .unwrap();
    let used = out.access_key_last_used().unwrap();
    assert_eq!(used.last_used_date().map(|d| d.secs()), Some(1_710_000_000));
    assert_eq!(used.service_name(), "s3");
    assert_eq!(used.region(), "eu-west-1");

    let audit_b = assume_root(&sandbox, MANAGEMENT, MEMBER_B, AUDIT, 900).await;
    let keys = audit_b.iam.list_access_keys().send().await.unwrap();
    let never = keys.access_key_metadata()[0].access_key_id().unwrap();
    let out = audit_b
        .iam
        .get_access_key_last_used()
        .access_key_id(never)
        .send()
        .await
        .unwrap();
    let used = out.access_key_last_used().unwrap();
    assert!(used.last_used_date().is_none(), "never used");
    assert_eq!(used.service_name(), "N/A");
    let err = audit_b
        .iam
        .get_access_key_last_used()
        .access_key_id("AKIANOSUCHKEY0000000")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("NoSuchEntity"));
}

#[tokio::test]
async fn the_control_plane_changes_root_credentials_between_sessions() {
    let sandbox = start(trusted_seed()).await;
    enable_root_tasks(&sandbox).await;
    let audit = assume_root(&sandbox, MANAGEMENT, MEMBER_C, AUDIT, 900).await;
    let err = audit.iam.get_login_profile().send().await.unwrap_err();
    assert_eq!(err.code(), Some("NoSuchEntity"), "member C starts bare");

    let (status, account) = control_post(
        &sandbox,
        &format!("accounts/{MEMBER_C}"),
        &json!({"root": {
            "login_profile": {"created": 1_720_000_000},
            "access_keys": [{"id": "AKIAREAPPEARED000001", "status": "Inactive",
                             "last_used": {"date": 1_720_000_100}}],
            "signing_certificates": [{"id": "CERTREAPPEARED"}],
            "mfa_devices": [{"serial_number": "arn:aws:iam::444444444444:mfa/root"}]
        }}),
    )
    .await;
    assert_eq!(status, 200, "{account}");
    assert_eq!(account["root"]["access_keys"][0]["status"], "Inactive");

    // The existing session sees the change: the state is the account's, not the session's.
    let profile = audit.iam.get_login_profile().send().await.unwrap();
    assert_eq!(
        profile.login_profile().unwrap().create_date().secs(),
        1_720_000_000
    );
    let keys = audit.iam.list_access_keys().send().await.unwrap();
    let key = &keys.access_key_metadata()[0];
    assert_eq!(key.access_key_id(), Some("AKIAREAPPEARED000001"));
    assert_eq!(key.status().map(|s| s.as_str()), Some("Inactive"));
    let certificates = audit.iam.list_signing_certificates().send().await.unwrap();
    assert_eq!(
        certificates.certificates()[0].certificate_id(),
        "CERTREAPPEARED"
    );
    let devices = audit.iam.list_mfa_devices().send().await.unwrap();
    assert_eq!(
        devices.mfa_devices()[0].serial_number(),
        "arn:aws:iam::444444444444:mfa/root"
    );
    let state = control_get(&sandbox, &format!("accounts/{MEMBER_C}")).await;
    assert_eq!(
        state["root"]["signing_certificates"][0]["id"],
        "CERTREAPPEARED"
    );

    let (status, body) =
        control_post(&sandbox, "accounts/999999999998", &json!({"root": {}})).await;
    assert_eq!(status, 404, "{body}");
    for bad in [json!({"status": "CLOSED"}), json!({"rooot": {}})] {
        let (status, body) = control_post(&sandbox, &format!("accounts/{MEMBER_C}"), &bad).await;
        assert_eq!(status, 400, "{bad}: {body}");
    }
    let (status, _, body) = http(
        sandbox.addr(),
        "POST",
        &format!("/_sandbox/accounts/{MEMBER_C}"),
        &[("content-type", "text/plain".to_owned())],
        br#"{"root": {}}"#,
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert!(
        audit.iam.get_login_profile().send().await.is_ok(),
        "a refused change changes nothing"
    );
}

#[tokio::test]
async fn each_task_policy_allows_only_its_own_calls() {
    let sandbox = start(trusted_seed()).await;
    enable_root_tasks(&sandbox).await;
    let audit = assume_root(&sandbox, MANAGEMENT, MEMBER_A, AUDIT, 900).await;
    assert!(audit.iam.get_account_summary().send().await.is_ok());
    let denied = audit.iam.delete_login_profile().send().await.unwrap_err();
    assert_eq!(denied.code(), Some("AccessDenied"));
    let denied = audit
        .iam
        .deactivate_mfa_device()
        .serial_number("arn:aws:iam::222222222222:mfa/root-account-mfa-device")
        .send()
        .await
        .unwrap_err();
    assert_eq!(denied.code(), Some("AccessDenied"));

    let delete = assume_root(&sandbox, MANAGEMENT, MEMBER_A, DELETE, 900).await;
    let serial = delete
        .iam
        .list_mfa_devices()
        .send()
        .await
        .unwrap()
        .mfa_devices()[0]
        .serial_number()
        .to_owned();
    let err = delete
        .iam
        .delete_virtual_mfa_device()
        .serial_number(&serial)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Some("AccessDenied"),
        "IAMDeleteRootUserCredentials no longer deletes MFA devices"
    );
    delete
        .iam
        .deactivate_mfa_device()
        .serial_number(&serial)
        .send()
        .await
        .unwrap();
    let err = delete.iam.create_login_profile().send().await.unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"));
    let err = delete.iam.get_account_summary().send().await.unwrap_err();
    assert_eq!(
        err.code(),
        Some("AccessDenied"),
        "the delete task policy cannot read the summary"
    );

    for policy in [S3_UNLOCK, SQS_UNLOCK] {
        let session = assume_root(&sandbox, MANAGEMENT, MEMBER_A, policy, 900).await;
        let err = session.iam.get_user().send().await.unwrap_err();
        assert_eq!(err.code(), Some("AccessDenied"), "{policy}");
        let err = session.iam.list_access_keys().send().await.unwrap_err();
        assert_eq!(err.code(), Some("AccessDenied"), "{policy}");
    }
    let create = assume_root(&sandbox, MANAGEMENT, MEMBER_A, CREATE_PASSWORD, 900).await;
    let err = create.iam.list_access_keys().send().await.unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"));
    let err = create.iam.create_login_profile().send().await.unwrap_err();
    assert_eq!(
        err.code(),
        Some("EntityAlreadyExists"),
        "allowed, but the password exists"
    );
}

#[tokio::test]
async fn an_scp_switch_denies_assume_root_on_chosen_accounts() {
    let sandbox = start(trusted_seed()).await;
    enable_root_tasks(&sandbox).await;
    let (status, body) = control_post(
        &sandbox,
        &format!("accounts/{MEMBER_B}"),
        &json!({"assume_root_denied": true}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let err = try_assume(&sandbox, MEMBER_B, AUDIT).await.unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"));
    assert!(
        err.message().unwrap().ends_with(
            "explicit deny in a service control policy: arn:aws:organizations::111111111111:\
             policy/o-sandbox1234/service_control_policy/p-examplepolicy"
        ),
        "{err:?}"
    );
    try_assume(&sandbox, MEMBER_A, AUDIT).await.unwrap();
    let state = control_get(&sandbox, "state").await;
    let denied: Vec<&str> = state["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["assume_root_denied"] == true)
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(denied, [MEMBER_B], "the switch is saved with the state");

    control_post(
        &sandbox,
        &format!("accounts/{MEMBER_B}"),
        &json!({"assume_root_denied": false, "status": "SUSPENDED"}),
    )
    .await;
    let err = try_assume(&sandbox, MEMBER_B, AUDIT).await.unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"));
    assert!(err.message().unwrap().contains("suspended"), "{err:?}");

    let seeded = start(seed_with(json!({
        "accounts": [{"id": MANAGEMENT}, {"id": MEMBER_A, "assume_root_denied": true}],
        "features": ["RootCredentialsManagement", "RootSessions"]
    })))
    .await;
    let err = try_assume(&seeded, MEMBER_A, DELETE).await.unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"), "seeded switch");
}

#[tokio::test]
async fn features_gate_task_policies_as_configured() {
    // Built in, the best reading of what AWS publishes: RootCredentialsManagement for the IAM
    // credential tasks, RootSessions for the unlocks, both for password recovery.
    let credentials_only = start(seed_with(
        json!({"features": ["RootCredentialsManagement"]}),
    ))
    .await;
    let sessions_only = start(seed_with(json!({"features": ["RootSessions"]}))).await;
    let both = start(seed_with(
        json!({"features": ["RootCredentialsManagement", "RootSessions"]}),
    ))
    .await;
    for (policy, missing_without_sessions, missing_without_credentials) in [
        (AUDIT, None, Some("RootCredentialsManagement")),
        (DELETE, None, Some("RootCredentialsManagement")),
        (
            CREATE_PASSWORD,
            Some("RootSessions"),
            Some("RootCredentialsManagement"),
        ),
        (S3_UNLOCK, Some("RootSessions"), None),
        (SQS_UNLOCK, Some("RootSessions"), None),
    ] {
        for (sandbox, missing) in [
            (&credentials_only, missing_without_sessions),
            (&sessions_only, missing_without_credentials),
        ] {
            let result = try_assume(sandbox, MEMBER_A, policy).await;
            match missing {
                None => assert!(result.is_ok(), "{policy}: {result:?}"),
                Some(feature) => {
                    let err = result.unwrap_err();
                    assert_eq!(err.code(), Some("AccessDenied"), "{policy}");
                    let message = err.message().unwrap();
                    assert!(
                        message.contains(&format!("enable the {feature} feature")),
                        "{policy}: {message}"
                    );
                }
            }
        }
        try_assume(&both, MEMBER_A, policy).await.unwrap();
    }

    // A seed states another rule per task policy.
    let gated = json!({
        "IAMAuditRootUserCredentials": ["RootSessions"],
        "S3UnlockBucketPolicy": ["RootCredentialsManagement", "RootSessions"]
    });
    let sandbox = start(seed_with(
        json!({"features": ["RootSessions"], "root_task_features": gated}),
    ))
    .await;
    try_assume(&sandbox, MEMBER_A, AUDIT).await.unwrap();
    let err = try_assume(&sandbox, MEMBER_A, S3_UNLOCK).await.unwrap_err();
    let message = err.message().unwrap();
    assert!(message.contains("RootCredentialsManagement"), "{message}");
    assert!(!message.contains("RootSessions feature"), "{message}");
    try_assume(&sandbox, MEMBER_A, SQS_UNLOCK).await.unwrap();
    let bad = r#"{"accounts":[{"id":"123456789012"}],"root_task_features":{"IAMEverything":[]}}"#;
    assert!(Seed::from_json(bad).is_err());
}

#[tokio::test]
async fn the_account_summary_flags_each_kind_of_root_credential() {
    let sandbox = start(trusted_seed()).await;
    enable_root_tasks(&sandbox).await;
    let flags = |summary: &aws_sdk_iam::operation::get_account_summary::GetAccountSummaryOutput| {
        use aws_sdk_iam::types::SummaryKeyType as Key;
        let map = summary.summary_map().unwrap();
        [
            Key::AccountPasswordPresent,
            Key::AccountAccessKeysPresent,
            Key::AccountSigningCertificatesPresent,
            Key::AccountMfaEnabled,
        ]
        .map(|key| map.get(&key).copied())
    };
    let everything = assume_root(&sandbox, MANAGEMENT, MEMBER_A, AUDIT, 900).await;
    let summary = everything.iam.get_account_summary().send().await.unwrap();
    assert_eq!(flags(&summary), [Some(1); 4]);
    assert!(
        summary
            .summary_map()
            .unwrap()
            .contains_key(&aws_sdk_iam::types::SummaryKeyType::UsersQuota),
        "the usual other keys"
    );
    let bare = assume_root(&sandbox, MANAGEMENT, MEMBER_C, AUDIT, 900).await;
    let summary = bare.iam.get_account_summary().send().await.unwrap();
    assert_eq!(flags(&summary), [Some(0); 4]);

    // One kind at a time, as the control plane changes it.
    control_post(
        &sandbox,
        &format!("accounts/{MEMBER_C}"),
        &json!({"root": {"signing_certificates": [{"id": "CERTONLY"}]}}),
    )
    .await;
    let summary = bare.iam.get_account_summary().send().await.unwrap();
    assert_eq!(flags(&summary), [Some(0), Some(0), Some(1), Some(0)]);
}

#[tokio::test]
async fn service_control_policies_deny_with_their_arn_unless_root_sessions_are_exempt() {
    let mut seed = root_task_seed();
    delegate_iam(&mut seed, MEMBER_C);
    let sandbox = start(seed).await;
    let policy = "arn:aws:organizations::111111111111:policy/o-sandbox1234/service_control_policy";

    // Without the exemption: the root session opens, then every call it makes is denied.
    let (status, account) = control_post(
        &sandbox,
        &format!("accounts/{MEMBER_A}"),
        &json!({"service_control_policy": {"denied_actions": ["iam:*"]}}),
    )
    .await;
    assert_eq!(status, 200, "{account}");
    let audit = assume_root(&sandbox, MANAGEMENT, MEMBER_A, AUDIT, 900).await;
    let err = audit.iam.list_access_keys().send().await.unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"));
    assert_eq!(
        err.message().unwrap(),
        format!(
            "User: arn:aws:iam::222222222222:root is not authorized to perform: \
             iam:ListAccessKeys on resource: arn:aws:iam::222222222222:root with an explicit \
             deny in a service control policy: {policy}/p-examplepolicy"
        )
    );
    let err = audit.iam.get_account_summary().send().await.unwrap_err();
    assert!(
        err.message().unwrap().contains("iam:GetAccountSummary"),
        "{err:?}"
    );

    // With it, root sessions are left alone.
    control_post(
        &sandbox,
        &format!("accounts/{MEMBER_A}"),
        &json!({"service_control_policy": {"id": "p-rootexempt", "exempt_root_sessions": true}}),
    )
    .await;
    audit.iam.list_access_keys().send().await.unwrap();

    // A policy on the delegated administrator's account denying sts:AssumeRoot itself.
    control_post(
        &sandbox,
        &format!("accounts/{MEMBER_C}"),
        &json!({"service_control_policy": {"id": "p-noroottasks", "denied_actions": ["sts:AssumeRoot"],
                                           "exempt_root_sessions": true}}),
    )
    .await;
    let err = try_assume_root(&sandbox, MEMBER_C, MEMBER_B, AUDIT)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"));
    assert_eq!(
        err.message().unwrap(),
        format!(
            "User: arn:aws:iam::444444444444:user/sandbox-admin is not authorized to perform: \
             sts:AssumeRoot on resource: arn:aws:iam::333333333333:root with an explicit deny in \
             a service control policy: {policy}/p-noroottasks"
        )
    );
    // The management account is never under a service control policy.
    control_post(
        &sandbox,
        &format!("accounts/{MANAGEMENT}"),
        &json!({"service_control_policy": {}}),
    )
    .await;
    try_assume(&sandbox, MEMBER_B, AUDIT).await.unwrap();

    // null detaches; the state keeps what is attached.
    control_post(
        &sandbox,
        &format!("accounts/{MEMBER_C}"),
        &json!({"service_control_policy": null}),
    )
    .await;
    let state = control_get(&sandbox, "state").await;
    let attached: Vec<&str> = state["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| !a["service_control_policy"].is_null())
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(attached, [MANAGEMENT, MEMBER_A]);
    let (status, body) = control_post(
        &sandbox,
        &format!("accounts/{MEMBER_C}"),
        &json!({"service_control_policy": {"denied_actions": ["everything"]}}),
    )
    .await;
    assert_eq!(status, 400, "{body}");
}

#[tokio::test]
async fn the_request_log_names_the_task_policy_of_every_root_session_call() {
    let sandbox = start(trusted_seed()).await;
    enable_root_tasks(&sandbox).await;
    control_post(&sandbox, "requests/reset", &json!({})).await;
    let audit = assume_root(&sandbox, MANAGEMENT, MEMBER_A, AUDIT, 900).await;
    audit.iam.get_login_profile().send().await.unwrap();
    audit.iam.list_access_keys().send().await.unwrap();
    let _ = audit.iam.delete_login_profile().send().await;
    let delete = assume_root(&sandbox, MANAGEMENT, MEMBER_A, DELETE, 900).await;
    delete.iam.delete_login_profile().send().await.unwrap();
    let log = control_get(&sandbox, "requests").await;
    assert_eq!(
        log["root_sessions"],
        json!({
            "IAMAuditRootUserCredentials": {"DeleteLoginProfile": 1, "GetLoginProfile": 1, "ListAccessKeys": 1},
            "IAMDeleteRootUserCredentials": {"DeleteLoginProfile": 1}
        })
    );
    assert_eq!(log["operations"]["AssumeRoot"]["succeeded"], 2);
}
