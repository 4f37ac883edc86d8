//! Organizations through the AWS SDK: trusted access, delegated administrators, pagination.

use crate::support::*;
use aws_sdk_organizations::operation::list_accounts::ListAccountsError;
use aws_sdk_organizations::operation::register_delegated_administrator::RegisterDelegatedAdministratorError;
use centralroot_sandbox::Seed;
use centralroot_sandbox::seed::Delegation;

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
async fn one_account_s_delegated_services_and_description() {
    const ANALYZER: &str = "access-analyzer.amazonaws.com";
    let mut seed = trusted_seed();
    for (principal, date) in [(IAM, 1_700_000_100), (ANALYZER, 1_700_000_200)] {
        seed.delegated_administrators.push(Delegation {
            account_id: MEMBER_A.to_owned(),
            service_principal: principal.to_owned(),
            delegation_enabled_date: date,
        });
    }
    let sandbox = start(seed).await;
    let orgs = clients(&sandbox, MANAGEMENT).orgs;

    let services = orgs
        .list_delegated_services_for_account()
        .account_id(MEMBER_A)
        .send()
        .await
        .unwrap();
    let listed: Vec<(&str, i64)> = services
        .delegated_services()
        .iter()
        .map(|s| {
            (
                s.service_principal().unwrap(),
                s.delegation_enabled_date().unwrap().secs(),
            )
        })
        .collect();
    assert_eq!(listed, [(IAM, 1_700_000_100), (ANALYZER, 1_700_000_200)]);
    assert!(services.next_token().is_none());
    let first = orgs
        .list_delegated_services_for_account()
        .account_id(MEMBER_A)
        .max_results(1)
        .send()
        .await
        .unwrap();
    assert_eq!(first.delegated_services().len(), 1);
    let second = orgs
        .list_delegated_services_for_account()
        .account_id(MEMBER_A)
        .max_results(1)
        .next_token(first.next_token().expect("a second page"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        second.delegated_services()[0].service_principal(),
        Some(ANALYZER)
    );

    let services_of = |account: &str| {
        orgs.list_delegated_services_for_account()
            .account_id(account)
            .send()
    };
    let err = services_of(MEMBER_B)
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_account_not_registered_exception(), "{err:?}");
    let err = services_of("999999999999")
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_account_not_found_exception(), "{err:?}");
    let err = services_of("12345").await.unwrap_err().into_service_error();
    assert!(err.is_invalid_input_exception(), "{err:?}");

    // DescribeAccount answers what ListAccounts says about the account.
    let described = orgs
        .describe_account()
        .account_id(MEMBER_B)
        .send()
        .await
        .unwrap();
    let account = described.account().expect("an account");
    let accounts = orgs.list_accounts().send().await.unwrap();
    let listed = accounts
        .accounts()
        .iter()
        .find(|a| a.id() == Some(MEMBER_B))
        .expect("listed");
    assert_eq!(account, listed);
    assert_eq!(
        account.arn(),
        Some("arn:aws:organizations::111111111111:account/o-sandbox1234/333333333333")
    );
    assert_eq!(account.status().unwrap().as_str(), "ACTIVE");
    assert_eq!(account.joined_timestamp().unwrap().secs(), 1_700_000_000);
    let err = orgs
        .describe_account()
        .account_id("999999999999")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_account_not_found_exception(), "{err:?}");

    // The same rule as the other reads: the management account or a delegated administrator.
    let admin = clients(&sandbox, MEMBER_A).orgs;
    admin
        .describe_account()
        .account_id(MEMBER_B)
        .send()
        .await
        .unwrap();
    admin
        .list_delegated_services_for_account()
        .account_id(MEMBER_A)
        .send()
        .await
        .unwrap();
    let other = clients(&sandbox, MEMBER_B).orgs;
    let err = other
        .describe_account()
        .account_id(MEMBER_B)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_access_denied_exception(), "{err:?}");
    let err = other
        .list_delegated_services_for_account()
        .account_id(MEMBER_A)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_access_denied_exception(), "{err:?}");
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
            .push(centralroot_sandbox::seed::Delegation {
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
