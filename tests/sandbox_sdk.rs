//! The sandbox driven by the real AWS SDK for Rust clients, in-process on 127.0.0.1:0.

mod sandbox_support;

use aws_sdk_iam::error::ProvideErrorMetadata;
use aws_sdk_iam::types::FeatureType;
use aws_sdk_organizations::operation::list_accounts::ListAccountsError;
use aws_sdk_organizations::operation::register_delegated_administrator::RegisterDelegatedAdministratorError;
use aws_sdk_sts::types::PolicyDescriptorType;
use centralroot::sandbox::seed::{FeatureSet, TrustedAccess};
use centralroot::sandbox::{Credentials, Seed, ServerHandle};
use sandbox_support::*;
use serde_json::json;
use std::time::{Duration, Instant};

const AUDIT: &str = "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials";
const DELETE: &str = "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials";
const CREATE_PASSWORD: &str = "arn:aws:iam::aws:policy/root-task/IAMCreateRootUserPassword";

fn features(list: &[FeatureType]) -> Vec<&str> {
    list.iter().map(FeatureType::as_str).collect()
}

/// A default seed with trusted access for IAM already on.
fn trusted_seed() -> Seed {
    let mut seed = Seed::default_seed();
    seed.trusted_access.push(TrustedAccess {
        service_principal: IAM.to_owned(),
        date_enabled: 1_700_000_000,
    });
    seed
}

#[tokio::test]
async fn management_account_enables_and_disables_features() {
    let sandbox = start(Seed::default_seed()).await;
    let management = clients(&sandbox, MANAGEMENT);

    let err = management
        .iam
        .list_organizations_features()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 400);
    assert!(
        err.into_service_error()
            .is_service_access_not_enabled_exception()
    );
    let err = management
        .iam
        .enable_organizations_root_credentials_management()
        .send()
        .await
        .unwrap_err();
    assert!(
        err.into_service_error()
            .is_service_access_not_enabled_exception()
    );

    enable_trusted_access(&sandbox).await;
    let listed = management
        .iam
        .list_organizations_features()
        .send()
        .await
        .unwrap();
    assert_eq!(listed.organization_id(), Some("o-sandbox1234"));
    assert!(listed.enabled_features().is_empty());

    let enabled = management
        .iam
        .enable_organizations_root_sessions()
        .send()
        .await
        .unwrap();
    assert_eq!(features(enabled.enabled_features()), ["RootSessions"]);
    let enabled = management
        .iam
        .enable_organizations_root_credentials_management()
        .send()
        .await
        .unwrap();
    assert_eq!(
        features(enabled.enabled_features()),
        ["RootCredentialsManagement", "RootSessions"]
    );
    // Enabling again is idempotent.
    management
        .iam
        .enable_organizations_root_sessions()
        .send()
        .await
        .unwrap();
    let disabled = management
        .iam
        .disable_organizations_root_sessions()
        .send()
        .await
        .unwrap();
    assert_eq!(disabled.organization_id(), Some("o-sandbox1234"));
    assert_eq!(
        features(disabled.enabled_features()),
        ["RootCredentialsManagement"]
    );
    let disabled = management
        .iam
        .disable_organizations_root_credentials_management()
        .send()
        .await
        .unwrap();
    assert!(disabled.enabled_features().is_empty());
    assert!(sandbox.sandbox().snapshot().features.is_empty());

    let identity = management.sts.get_caller_identity().send().await.unwrap();
    assert_eq!(identity.account(), Some(MANAGEMENT));
}

#[tokio::test]
async fn feature_calls_enforce_caller_and_organization() {
    let sandbox = start(trusted_seed()).await;
    let member = clients(&sandbox, MEMBER_A);
    let err = member
        .iam
        .list_organizations_features()
        .send()
        .await
        .unwrap_err();
    assert!(
        err.into_service_error()
            .is_account_not_management_or_delegated_administrator_exception()
    );
    let err = member
        .iam
        .disable_organizations_root_sessions()
        .send()
        .await
        .unwrap_err();
    assert!(
        err.into_service_error()
            .is_account_not_management_or_delegated_administrator_exception()
    );

    clients(&sandbox, MANAGEMENT)
        .orgs
        .register_delegated_administrator()
        .account_id(MEMBER_A)
        .service_principal(IAM)
        .send()
        .await
        .unwrap();
    // The delegated administrator lists and disables, but may not enable.
    member
        .iam
        .list_organizations_features()
        .send()
        .await
        .unwrap();
    member
        .iam
        .disable_organizations_root_sessions()
        .send()
        .await
        .unwrap();
    let err = member
        .iam
        .enable_organizations_root_sessions()
        .send()
        .await
        .unwrap_err();
    assert!(
        err.into_service_error()
            .is_caller_is_not_management_account_exception()
    );
    let err = member
        .iam
        .enable_organizations_root_credentials_management()
        .send()
        .await
        .unwrap_err();
    assert!(
        err.into_service_error()
            .is_caller_is_not_management_account_exception()
    );
}

#[tokio::test]
async fn organization_mode_and_membership_errors() {
    let mut seed = trusted_seed();
    if let Some(org) = seed.organization.as_mut() {
        org.feature_set = FeatureSet::ConsolidatedBilling;
    }
    let outsider: Seed =
        serde_json::from_value(json!({"accounts": [{"id": "999999999999"}]})).unwrap();
    seed.accounts.push(centralroot::sandbox::seed::Account {
        in_organization: false,
        ..outsider.accounts[0].clone()
    });
    let seed = seed.validated().unwrap();
    let sandbox = start(seed).await;
    let management = clients(&sandbox, MANAGEMENT);
    let err = management
        .iam
        .list_organizations_features()
        .send()
        .await
        .unwrap_err();
    assert!(
        err.into_service_error()
            .is_organization_not_in_all_features_mode_exception()
    );
    let err = management
        .iam
        .enable_organizations_root_sessions()
        .send()
        .await
        .unwrap_err();
    assert!(
        err.into_service_error()
            .is_organization_not_in_all_features_mode_exception()
    );
    let err = management
        .orgs
        .enable_aws_service_access()
        .service_principal(IAM)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_constraint_violation_exception());
    let described = management
        .orgs
        .describe_organization()
        .send()
        .await
        .unwrap();
    assert_eq!(
        described
            .organization()
            .unwrap()
            .feature_set()
            .unwrap()
            .as_str(),
        "CONSOLIDATED_BILLING"
    );

    let stranger = clients(&sandbox, "999999999999");
    let err = stranger
        .iam
        .list_organizations_features()
        .send()
        .await
        .unwrap_err();
    assert!(
        err.into_service_error()
            .is_organization_not_found_exception()
    );
    let err = stranger
        .iam
        .disable_organizations_root_credentials_management()
        .send()
        .await
        .unwrap_err();
    assert!(
        err.into_service_error()
            .is_organization_not_found_exception()
    );
    let err = stranger
        .orgs
        .describe_organization()
        .send()
        .await
        .unwrap_err();
    assert!(
        err.into_service_error()
            .is_aws_organizations_not_in_use_exception()
    );

    // A seed without any organization.
    let (status, _) =
        control_post(&sandbox, "seed", &json!({"accounts": [{"id": MANAGEMENT}]})).await;
    assert_eq!(status, 200);
    let lonely = clients(&sandbox, MANAGEMENT);
    let err = lonely
        .iam
        .enable_organizations_root_credentials_management()
        .send()
        .await
        .unwrap_err();
    assert!(
        err.into_service_error()
            .is_organization_not_found_exception()
    );
    let err = lonely.orgs.list_accounts().send().await.unwrap_err();
    assert!(
        err.into_service_error()
            .is_aws_organizations_not_in_use_exception()
    );
}

#[tokio::test]
async fn delegated_administrator_registration_rules() {
    let sandbox = start(Seed::default_seed()).await;
    let management = clients(&sandbox, MANAGEMENT);
    let register = |account: &str| {
        management
            .orgs
            .register_delegated_administrator()
            .account_id(account)
            .service_principal(IAM)
            .send()
    };
    let reason = |err: RegisterDelegatedAdministratorError| match err {
        RegisterDelegatedAdministratorError::ConstraintViolationException(e) => {
            e.reason().unwrap().as_str().to_owned()
        }
        other => panic!("not a constraint violation: {other:?}"),
    };

    let err = register(MEMBER_A).await.unwrap_err().into_service_error();
    assert_eq!(reason(err), "SERVICE_ACCESS_NOT_ENABLED");
    enable_trusted_access(&sandbox).await;

    let err = register(MANAGEMENT).await.unwrap_err().into_service_error();
    assert_eq!(
        reason(err),
        "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR"
    );
    let err = register("999999999999")
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_account_not_found_exception());
    let err = register("12345").await.unwrap_err().into_service_error();
    match err {
        RegisterDelegatedAdministratorError::InvalidInputException(e) => {
            assert_eq!(e.reason().unwrap().as_str(), "INVALID_PATTERN")
        }
        other => panic!("{other:?}"),
    }

    register(MEMBER_A).await.unwrap();
    let err = register(MEMBER_A).await.unwrap_err().into_service_error();
    assert!(err.is_account_already_registered_exception());

    let err = clients(&sandbox, MEMBER_B)
        .orgs
        .register_delegated_administrator()
        .account_id(MEMBER_C)
        .service_principal(IAM)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_access_denied_exception());

    let listed = management
        .orgs
        .list_delegated_administrators()
        .service_principal(IAM)
        .send()
        .await
        .unwrap();
    let [admin] = listed.delegated_administrators() else {
        panic!("{listed:?}")
    };
    assert_eq!(admin.id(), Some(MEMBER_A));
    assert_eq!(admin.name(), Some("member-1"));
    assert_eq!(admin.email(), Some("222222222222@sandbox.example"));
    assert_eq!(admin.status().unwrap().as_str(), "ACTIVE");
    assert_eq!(admin.joined_method().unwrap().as_str(), "CREATED");
    assert_eq!(admin.joined_timestamp().unwrap().secs(), 1_700_000_000);
    assert!(admin.delegation_enabled_date().unwrap().secs() > 1_700_000_000);
    assert_eq!(
        admin.arn(),
        Some("arn:aws:organizations::111111111111:account/o-sandbox1234/222222222222")
    );
    // The delegated administrator may list too.
    let by_admin = clients(&sandbox, MEMBER_A)
        .orgs
        .list_delegated_administrators()
        .send()
        .await
        .unwrap();
    assert_eq!(by_admin.delegated_administrators().len(), 1);

    let deregister = |account: &str| {
        management
            .orgs
            .deregister_delegated_administrator()
            .account_id(account)
            .service_principal(IAM)
            .send()
    };
    let err = deregister(MEMBER_B).await.unwrap_err().into_service_error();
    assert!(err.is_account_not_registered_exception());
    let err = deregister("999999999999")
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_account_not_found_exception());
    let err = deregister("abc").await.unwrap_err().into_service_error();
    assert!(err.is_invalid_input_exception());
    deregister(MEMBER_A).await.unwrap();
    assert!(
        sandbox
            .sandbox()
            .snapshot()
            .delegated_administrators
            .is_empty()
    );
}

#[tokio::test]
async fn organization_and_trusted_access_listing() {
    let sandbox = start(Seed::default_seed()).await;
    let management = clients(&sandbox, MANAGEMENT);
    let org = management
        .orgs
        .describe_organization()
        .send()
        .await
        .unwrap();
    let org = org.organization().unwrap();
    assert_eq!(org.id(), Some("o-sandbox1234"));
    assert_eq!(org.feature_set().unwrap().as_str(), "ALL");
    assert_eq!(org.master_account_id(), Some(MANAGEMENT));
    assert_eq!(
        org.arn(),
        Some("arn:aws:organizations::111111111111:organization/o-sandbox1234")
    );
    // Any member may describe the organization, only administrators list accounts.
    clients(&sandbox, MEMBER_C)
        .orgs
        .describe_organization()
        .send()
        .await
        .unwrap();
    let err = clients(&sandbox, MEMBER_C)
        .orgs
        .list_accounts()
        .send()
        .await
        .unwrap_err();
    assert!(err.into_service_error().is_access_denied_exception());

    for principal in [IAM, "sso.amazonaws.com", "config.amazonaws.com"] {
        management
            .orgs
            .enable_aws_service_access()
            .service_principal(principal)
            .send()
            .await
            .unwrap();
    }
    management
        .orgs
        .disable_aws_service_access()
        .service_principal("config.amazonaws.com")
        .send()
        .await
        .unwrap();
    let page = management
        .orgs
        .list_aws_service_access_for_organization()
        .max_results(1)
        .send()
        .await
        .unwrap();
    assert_eq!(page.enabled_service_principals().len(), 1);
    assert_eq!(
        page.enabled_service_principals()[0].service_principal(),
        Some(IAM)
    );
    assert!(
        page.enabled_service_principals()[0]
            .date_enabled()
            .is_some()
    );
    let rest = management
        .orgs
        .list_aws_service_access_for_organization()
        .set_next_token(page.next_token().map(str::to_owned))
        .send()
        .await
        .unwrap();
    assert_eq!(
        rest.enabled_service_principals()[0].service_principal(),
        Some("sso.amazonaws.com")
    );
    assert_eq!(rest.next_token(), None);
    let err = clients(&sandbox, MEMBER_A)
        .orgs
        .enable_aws_service_access()
        .service_principal(IAM)
        .send()
        .await
        .unwrap_err();
    assert!(err.into_service_error().is_access_denied_exception());
}

#[tokio::test]
async fn pagination_honours_max_results_and_tokens() {
    let mut seed = trusted_seed().with_generated_members(45);
    for n in 0..25 {
        seed.delegated_administrators
            .push(centralroot::sandbox::seed::Delegation {
                account_id: format!("{:012}", 100_000_000_000u64 + n),
                service_principal: IAM.to_owned(),
                delegation_enabled_date: 1_700_000_000,
            });
    }
    let sandbox = start(seed.validated().unwrap()).await;
    let orgs = clients(&sandbox, MANAGEMENT).orgs;

    let mut pages = Vec::new();
    let mut token = None;
    loop {
        let page = orgs
            .list_accounts()
            .max_results(20)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        pages.push(page.accounts().len());
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(pages, [20, 20, 9]);

    let mut admins = Vec::new();
    let mut token = None;
    loop {
        let page = orgs
            .list_delegated_administrators()
            .service_principal(IAM)
            .max_results(7)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        assert!(page.delegated_administrators().len() <= 7);
        admins.extend(
            page.delegated_administrators()
                .iter()
                .map(|a| a.id().unwrap().to_owned()),
        );
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(admins.len(), 25);
    admins.dedup();
    assert_eq!(admins.len(), 25);

    for bad in [0, 21] {
        let err = orgs
            .list_accounts()
            .max_results(bad)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        match err {
            ListAccountsError::InvalidInputException(e) => {
                assert!(e.reason().unwrap().as_str().ends_with("_VALUE_EXCEEDED"))
            }
            other => panic!("{other:?}"),
        }
    }
    let err = orgs
        .list_delegated_administrators()
        .next_token("not-a-token")
        .send()
        .await
        .unwrap_err();
    assert!(err.into_service_error().is_invalid_input_exception());
}

async fn enable_root_sessions(sandbox: &ServerHandle) {
    clients(sandbox, MANAGEMENT)
        .iam
        .enable_organizations_root_sessions()
        .send()
        .await
        .unwrap();
}

/// Assumes root on `target` with `policy` as `caller`; answers clients using the session.
async fn assume_root(
    sandbox: &ServerHandle,
    caller: &str,
    target: &str,
    policy: &str,
    seconds: i32,
) -> Clients {
    let out = clients(sandbox, caller)
        .sts
        .assume_root()
        .target_principal(target)
        .task_policy_arn(PolicyDescriptorType::builder().arn(policy).build())
        .duration_seconds(seconds)
        .send()
        .await
        .unwrap();
    let credentials = out.credentials().unwrap();
    assert!(credentials.access_key_id().starts_with("ASIA"));
    clients_with(
        sandbox,
        &Credentials {
            access_key_id: credentials.access_key_id().to_owned(),
            secret_access_key: credentials.secret_access_key().to_owned(),
        },
        Some(credentials.session_token()),
    )
}

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
    assert_eq!(err.code(), Some("AccessDenied"), "RootSessions is off");
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 403);
    enable_root_sessions(&sandbox).await;

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

#[tokio::test]
async fn root_sessions_audit_delete_and_recover_credentials() {
    let sandbox = start(trusted_seed()).await;
    enable_root_sessions(&sandbox).await;

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
    let created = recover
        .iam
        .create_login_profile()
        .password("Temp-Passw0rd!")
        .password_reset_required(true)
        .send()
        .await
        .unwrap();
    assert!(created.login_profile().unwrap().password_reset_required());
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
async fn signatures_and_keys_are_verified() {
    let sandbox = start(trusted_seed()).await;
    let mut wrong = sandbox.credentials(MANAGEMENT).unwrap();
    wrong.secret_access_key.push('x');
    let bad = clients_with(&sandbox, &wrong, None);
    let err = bad
        .iam
        .list_organizations_features()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 403);
    let err = bad.sts.get_caller_identity().send().await.unwrap_err();
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
    let err = bad.orgs.describe_organization().send().await.unwrap_err();
    assert_eq!(err.code(), Some("InvalidSignatureException"));

    let unknown = clients_with(
        &sandbox,
        &Credentials {
            access_key_id: "AKIAUNKNOWN000000000".to_owned(),
            secret_access_key: "secret".to_owned(),
        },
        None,
    );
    let err = unknown
        .iam
        .list_organizations_features()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidClientTokenId"));
    let err = unknown.orgs.list_accounts().send().await.unwrap_err();
    assert_eq!(err.code(), Some("UnrecognizedClientException"));
    let requests = control_get(&sandbox, "requests").await;
    assert_eq!(
        requests["operations"]["ListOrganizationsFeatures"]["errors"]["SignatureDoesNotMatch"],
        1
    );
}

#[tokio::test]
async fn wire_format_and_unknown_operations() {
    let sandbox = start(trusted_seed()).await;
    let credentials = sandbox.credentials(MANAGEMENT).unwrap();
    let form = [("content-type", "application/x-www-form-urlencoded")];

    let (status, body) = signed_post(
        &sandbox,
        &credentials,
        "iam",
        &form,
        b"Action=ListOrganizationsFeatures&Version=2010-05-08",
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        body.starts_with(
            "<ListOrganizationsFeaturesResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><ListOrganizationsFeaturesResult><OrganizationId>o-sandbox1234</OrganizationId><EnabledFeatures></EnabledFeatures></ListOrganizationsFeaturesResult><ResponseMetadata><RequestId>"
        ),
        "{body}"
    );
    let (status, body) = signed_post(
        &sandbox,
        &credentials,
        "sts",
        &form,
        b"Action=GetCallerIdentity&Version=2011-06-15",
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        body.contains("xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\""),
        "{body}"
    );

    let (status, body) = signed_post(
        &sandbox,
        &credentials,
        "iam",
        &form,
        b"Action=CreateUser&Version=2010-05-08&UserName=x",
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body.contains("<Error><Type>Sender</Type><Code>InvalidAction</Code>"),
        "{body}"
    );
    assert!(body.contains("<RequestId>"));

    let (status, body) = signed_post(
        &sandbox,
        &credentials,
        "organizations",
        &[
            ("content-type", "application/x-amz-json-1.1"),
            ("x-amz-target", "AWSOrganizationsV20161128.CreateAccount"),
        ],
        b"{}",
    )
    .await;
    assert_eq!(status, 400);
    let error: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error["__type"], "UnknownOperationException");

    let (status, body) = signed_post(
        &sandbox,
        &credentials,
        "organizations",
        &[
            ("content-type", "application/x-amz-json-1.1"),
            (
                "x-amz-target",
                "AWSOrganizationsV20161128.DescribeOrganization",
            ),
        ],
        b"{}",
    )
    .await;
    assert_eq!(status, 200);
    let org: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(org["Organization"]["MasterAccountId"], MANAGEMENT);

    // Signed (correctly) an hour ago.
    let (status, body) = signed_post_at(
        &sandbox,
        &credentials,
        "iam",
        &form,
        b"Action=ListOrganizationsFeatures&Version=2010-05-08",
        time::OffsetDateTime::now_utc() - time::Duration::hours(1),
    )
    .await;
    assert_eq!(status, 403);
    assert!(
        body.contains("<Code>SignatureDoesNotMatch</Code><Message>Signature expired"),
        "{body}"
    );

    // Signed for the wrong service.
    let (status, body) = signed_post(
        &sandbox,
        &credentials,
        "sts",
        &form,
        b"Action=ListOrganizationsFeatures&Version=2010-05-08",
    )
    .await;
    assert_eq!(status, 403);
    assert!(
        body.contains("<Code>SignatureDoesNotMatch</Code>"),
        "{body}"
    );

    let (status, _, body) = http(
        sandbox.addr(),
        "POST",
        "/",
        &[(
            "content-type",
            "application/x-www-form-urlencoded".to_owned(),
        )],
        b"Action=ListOrganizationsFeatures&Version=2010-05-08",
    )
    .await;
    assert_eq!(status, 403);
    assert!(
        body.contains("<Code>MissingAuthenticationToken</Code>"),
        "{body}"
    );
    let (status, head, body) = http(sandbox.addr(), "GET", "/anything", &[], b"").await;
    assert_eq!(status, 400);
    assert!(
        head.to_ascii_lowercase().contains("content-type: text/xml"),
        "{head}"
    );
    assert!(body.starts_with("<ErrorResponse"), "{body}");
}

#[tokio::test]
async fn faults_are_injected_and_never_change_state() {
    let sandbox = start(trusted_seed()).await;
    let management = clients(&sandbox, MANAGEMENT);

    faults(&sandbox, json!({"throttle_every": 1})).await;
    let err = management
        .iam
        .list_organizations_features()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("Throttling"));
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 400);
    let err = management
        .orgs
        .describe_organization()
        .send()
        .await
        .unwrap_err();
    assert!(err.into_service_error().is_too_many_requests_exception());
    let err = management
        .iam
        .enable_organizations_root_sessions()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("Throttling"));
    assert!(sandbox.sandbox().snapshot().features.is_empty());

    faults(&sandbox, json!({"server_error_every": 1})).await;
    let err = management
        .iam
        .list_organizations_features()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("ServiceFailure"));
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 500);
    let err = management.orgs.list_accounts().send().await.unwrap_err();
    assert!(err.into_service_error().is_service_exception());

    faults(&sandbox, json!({"concurrent_modification_every": 1})).await;
    let err = management
        .orgs
        .register_delegated_administrator()
        .account_id(MEMBER_A)
        .service_principal(IAM)
        .send()
        .await
        .unwrap_err();
    assert!(
        err.into_service_error()
            .is_concurrent_modification_exception()
    );
    assert!(
        sandbox
            .sandbox()
            .snapshot()
            .delegated_administrators
            .is_empty()
    );
    // Reads are not concurrent modifications.
    management.orgs.list_accounts().send().await.unwrap();
    let status = control_get(&sandbox, "faults").await;
    assert_eq!(status["injected"]["concurrent_modification"], 1);

    // Scoped to one operation and limited in count.
    faults(
        &sandbox,
        json!({"throttle_every": 1, "operations": ["DescribeOrganization"], "count": 2}),
    )
    .await;
    management.orgs.list_accounts().send().await.unwrap();
    for _ in 0..2 {
        let err = management
            .orgs
            .describe_organization()
            .send()
            .await
            .unwrap_err();
        assert!(err.into_service_error().is_too_many_requests_exception());
    }
    management
        .orgs
        .describe_organization()
        .send()
        .await
        .unwrap();

    let (status, body) = control_post(&sandbox, "faults", &json!({"throttle_evry": 1})).await;
    assert_eq!(status, 400, "{body}");
}

#[tokio::test]
async fn sdk_retries_throttling_and_server_errors_but_not_concurrent_modification() {
    let sandbox = start(trusted_seed()).await;
    let credentials = sandbox.credentials(MANAGEMENT).unwrap();
    let retrying = Clients::from_config(&config_with_retries(
        &sandbox.endpoint_url(),
        &credentials,
        None,
        3,
    ));
    faults(&sandbox, json!({"throttle_every": 2})).await;
    control_post(&sandbox, "requests/reset", &json!({})).await;
    // Request 1 passes, request 2 is throttled and retried as request 3.
    retrying
        .iam
        .list_organizations_features()
        .send()
        .await
        .unwrap();
    retrying
        .iam
        .list_organizations_features()
        .send()
        .await
        .unwrap();
    let requests = control_get(&sandbox, "requests").await;
    let counts = &requests["operations"]["ListOrganizationsFeatures"];
    assert_eq!(counts["total"], 3);
    assert_eq!(counts["succeeded"], 2);
    assert_eq!(counts["errors"]["Throttling"], 1);

    faults(&sandbox, json!({"server_error_every": 2})).await;
    control_post(&sandbox, "requests/reset", &json!({})).await;
    retrying.orgs.describe_organization().send().await.unwrap();
    retrying.orgs.describe_organization().send().await.unwrap();
    let requests = control_get(&sandbox, "requests").await;
    assert_eq!(requests["operations"]["DescribeOrganization"]["total"], 3);

    faults(
        &sandbox,
        json!({"concurrent_modification_every": 1, "count": 1}),
    )
    .await;
    control_post(&sandbox, "requests/reset", &json!({})).await;
    let err = retrying
        .orgs
        .register_delegated_administrator()
        .account_id(MEMBER_A)
        .service_principal(IAM)
        .send()
        .await
        .unwrap_err();
    assert!(
        err.into_service_error()
            .is_concurrent_modification_exception()
    );
    let requests = control_get(&sandbox, "requests").await;
    assert_eq!(
        requests["operations"]["RegisterDelegatedAdministrator"]["total"], 1,
        "the SDK does not retry ConcurrentModificationException"
    );
}

#[tokio::test]
async fn latency_and_trusted_access_propagation() {
    // RootSessions was left enabled while trusted access was off: only propagation stands in the way.
    let mut seed = Seed::default_seed();
    seed.features
        .push(centralroot::sandbox::seed::Feature::RootSessions);
    let sandbox = start(seed).await;
    let management = clients(&sandbox, MANAGEMENT);
    faults(
        &sandbox,
        json!({"latency_ms": 150, "operations": ["DescribeOrganization"]}),
    )
    .await;
    let started = Instant::now();
    management
        .orgs
        .describe_organization()
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(150));

    // Generous enough that a loaded machine still sees the window.
    let propagation = Duration::from_millis(1000);
    faults(&sandbox, json!({"trusted_access_propagation_ms": 1000})).await;
    enable_trusted_access(&sandbox).await;
    let enabled_at = Instant::now();
    let err = management
        .iam
        .list_organizations_features()
        .send()
        .await
        .unwrap_err();
    assert!(enabled_at.elapsed() < propagation);
    assert!(
        err.into_service_error()
            .is_service_access_not_enabled_exception()
    );
    let err = management
        .sts
        .assume_root()
        .target_principal(MEMBER_A)
        .task_policy_arn(PolicyDescriptorType::builder().arn(AUDIT).build())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Some("AccessDenied"),
        "root sessions wait for propagation too"
    );
    tokio::time::sleep(propagation.saturating_sub(enabled_at.elapsed())).await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    management
        .iam
        .list_organizations_features()
        .send()
        .await
        .unwrap();
    management
        .sts
        .assume_root()
        .target_principal(MEMBER_A)
        .task_policy_arn(PolicyDescriptorType::builder().arn(AUDIT).build())
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn control_plane_state_seed_reset_and_counters() {
    let sandbox = start(Seed::default_seed()).await;
    let management = clients(&sandbox, MANAGEMENT);
    enable_trusted_access(&sandbox).await;
    let state = control_get(&sandbox, "state").await;
    assert_eq!(state["trusted_access"][0]["service_principal"], IAM);
    assert_eq!(state["organization"]["id"], "o-sandbox1234");

    management
        .orgs
        .describe_organization()
        .send()
        .await
        .unwrap();
    clients(&sandbox, MEMBER_A)
        .orgs
        .describe_organization()
        .send()
        .await
        .unwrap();
    let requests = control_get(&sandbox, "requests").await;
    assert_eq!(requests["total"], 3);
    assert_eq!(requests["accounts"][MANAGEMENT], 2);
    assert_eq!(requests["accounts"][MEMBER_A], 1);
    let member_key = sandbox.credentials(MEMBER_A).unwrap().access_key_id;
    assert_eq!(requests["access_keys"][member_key.as_str()], 1);
    assert_eq!(
        requests["operations"]["DescribeOrganization"]["succeeded"],
        2
    );
    assert!(
        !requests.to_string().contains("sandbox-secret"),
        "no secrets in counters"
    );

    let (status, _) = control_post(&sandbox, "reset", &json!({})).await;
    assert_eq!(status, 200);
    let state = control_get(&sandbox, "state").await;
    assert_eq!(state["trusted_access"], json!([]));
    assert_eq!(control_get(&sandbox, "requests").await["total"], 0);

    let (status, body) = control_post(&sandbox, "seed", &json!({"accounts": [{"id": "1"}]})).await;
    assert_eq!(status, 400);
    assert!(body["error"].as_str().unwrap().contains("12 digits"));
    let (status, _) = control_post(
        &sandbox,
        "seed",
        &json!({
            "organization": {"id": "o-otherorg0001", "management_account_id": "555555555555"},
            "accounts": [{"id": "555555555555", "access_key_id": "AKIACUSTOMKEY0000001", "secret_access_key": "custom"}]
        }),
    )
    .await;
    assert_eq!(status, 200);
    let custom = clients_with(
        &sandbox,
        &Credentials {
            access_key_id: "AKIACUSTOMKEY0000001".to_owned(),
            secret_access_key: "custom".to_owned(),
        },
        None,
    );
    let org = custom.orgs.describe_organization().send().await.unwrap();
    assert_eq!(org.organization().unwrap().id(), Some("o-otherorg0001"));
    // The old keys are gone with the old seed.
    let err = management
        .orgs
        .describe_organization()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("UnrecognizedClientException"));
    // Reset now returns to the posted seed.
    control_post(&sandbox, "reset", &json!({})).await;
    custom.orgs.describe_organization().send().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_parallel_callers_lose_no_update() {
    let sandbox = start(Seed::default_seed()).await;
    let seed = trusted_seed()
        .with_generated_members(64)
        .validated()
        .unwrap();
    let (status, _) = control_post(&sandbox, "seed", &serde_json::to_value(&seed).unwrap()).await;
    assert_eq!(status, 200);
    let account = |n: usize| format!("{:012}", 100_000_000_000usize + n);
    let principal = |n: usize| format!("svc{n}.sandbox.example");

    // Phase 1: every caller enables its own service, registers its account for IAM and, for
    // even callers, deregisters it again.
    let mut tasks = Vec::new();
    for n in 0..64 {
        let orgs = clients(&sandbox, MANAGEMENT).orgs;
        let (account, principal) = (account(n), principal(n));
        tasks.push(tokio::spawn(async move {
            orgs.enable_aws_service_access()
                .service_principal(&principal)
                .send()
                .await
                .unwrap();
            orgs.register_delegated_administrator()
                .account_id(&account)
                .service_principal(IAM)
                .send()
                .await
                .unwrap();
            if n % 2 == 0 {
                orgs.deregister_delegated_administrator()
                    .account_id(&account)
                    .service_principal(IAM)
                    .send()
                    .await
                    .unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let model = sandbox.sandbox().snapshot();
    let mut registered: Vec<&str> = model
        .delegated_administrators
        .iter()
        .map(|d| d.account_id.as_str())
        .collect();
    registered.sort();
    let expected: Vec<String> = (0..64).filter(|n| n % 2 == 1).map(account).collect();
    assert_eq!(registered, expected);
    assert_eq!(model.trusted_access.len(), 65);
    let requests = control_get(&sandbox, "requests").await;
    assert_eq!(
        requests["operations"]["RegisterDelegatedAdministrator"]["succeeded"],
        64
    );
    assert_eq!(
        requests["operations"]["DeregisterDelegatedAdministrator"]["succeeded"],
        32
    );
    assert_eq!(
        requests["operations"]["EnableAWSServiceAccess"]["succeeded"],
        64
    );
    assert_eq!(requests["accounts"][MANAGEMENT], 160);

    // Phase 2: the same under concurrent-modification faults; callers retry until it works.
    faults(&sandbox, json!({"concurrent_modification_every": 3})).await;
    control_post(&sandbox, "requests/reset", &json!({})).await;
    let mut tasks = Vec::new();
    for n in 0..64 {
        let orgs = clients(&sandbox, MANAGEMENT).orgs;
        let (account, principal) = (account(n), principal(n));
        tasks.push(tokio::spawn(async move {
            loop {
                let result = orgs
                    .register_delegated_administrator()
                    .account_id(&account)
                    .service_principal(&principal)
                    .send()
                    .await;
                match result {
                    Ok(_) => break,
                    Err(err) => assert!(
                        err.into_service_error()
                            .is_concurrent_modification_exception()
                    ),
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let model = sandbox.sandbox().snapshot();
    assert_eq!(model.delegated_administrators.len(), 32 + 64);
    for n in 0..64 {
        assert!(
            model
                .delegated_administrators
                .iter()
                .any(|d| d.account_id == account(n) && d.service_principal == principal(n))
        );
    }
    let injected = control_get(&sandbox, "faults").await["injected"]["concurrent_modification"]
        .as_u64()
        .unwrap();
    assert!(injected >= 21, "{injected}");
    let requests = control_get(&sandbox, "requests").await;
    let register = &requests["operations"]["RegisterDelegatedAdministrator"];
    assert_eq!(register["succeeded"], 64);
    assert_eq!(
        register["errors"]["ConcurrentModificationException"],
        injected
    );
    assert_eq!(register["total"], 64 + injected);
}

#[tokio::test]
async fn delegated_administrator_quota_and_principal_validation() {
    let mut seed = trusted_seed();
    seed.max_delegated_administrators_per_service = Some(1);
    let sandbox = start(seed).await;
    let orgs = clients(&sandbox, MANAGEMENT).orgs;
    orgs.register_delegated_administrator()
        .account_id(MEMBER_A)
        .service_principal(IAM)
        .send()
        .await
        .unwrap();
    let err = orgs
        .register_delegated_administrator()
        .account_id(MEMBER_B)
        .service_principal(IAM)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    match err {
        RegisterDelegatedAdministratorError::ConstraintViolationException(e) => assert_eq!(
            e.reason().unwrap().as_str(),
            "MAX_DELEGATED_ADMINISTRATORS_FOR_SERVICE_LIMIT_EXCEEDED"
        ),
        other => panic!("{other:?}"),
    }
    let err = orgs
        .enable_aws_service_access()
        .service_principal("not a principal!")
        .send()
        .await
        .unwrap_err();
    assert!(err.into_service_error().is_invalid_input_exception());
    let err = orgs
        .list_aws_service_access_for_organization()
        .max_results(25)
        .send()
        .await
        .unwrap_err();
    assert!(err.into_service_error().is_invalid_input_exception());
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
