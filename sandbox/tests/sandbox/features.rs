//! IAM organization features through the AWS SDK: lifecycle, callers, organization modes.

use crate::support::*;
use centralroot_sandbox::Seed;
use centralroot_sandbox::seed::FeatureSet;
use serde_json::json;

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
    seed.accounts.push(centralroot_sandbox::seed::Account {
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
