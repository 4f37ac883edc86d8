//! Injected faults as the AWS SDK sees them, and 64 concurrent callers.

use crate::support::*;
use aws_sdk_iam::error::ProvideErrorMetadata;
use aws_sdk_sts::types::PolicyDescriptorType;
use centralroot_sandbox::Seed;
use serde_json::json;
use std::time::{Duration, Instant};

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
    // The features were left enabled while trusted access was off: only propagation stands in
    // the way.
    let mut seed = Seed::default_seed();
    seed.features = vec![
        centralroot_sandbox::seed::Feature::RootCredentialsManagement,
        centralroot_sandbox::seed::Feature::RootSessions,
    ];
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

fn registered(sandbox: &centralroot_sandbox::ServerHandle) -> Vec<(String, String)> {
    sandbox
        .sandbox()
        .snapshot()
        .delegated_administrators
        .iter()
        .map(|d| (d.account_id.clone(), d.service_principal.clone()))
        .collect()
}

fn member_a_for_iam() -> Vec<(String, String)> {
    vec![(MEMBER_A.to_owned(), IAM.to_owned())]
}

#[tokio::test]
async fn commit_then_server_error_makes_the_change_and_loses_the_answer() {
    let sandbox = start(trusted_seed()).await;
    let lost = json!({
        "commit_then_server_error_every": 1,
        "operations": ["RegisterDelegatedAdministrator"],
        "count": 1,
    });
    faults(&sandbox, lost.clone()).await;
    let err = clients(&sandbox, MANAGEMENT)
        .orgs
        .register_delegated_administrator()
        .account_id(MEMBER_A)
        .service_principal(IAM)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 500);
    assert!(err.into_service_error().is_service_exception());
    assert_eq!(
        registered(&sandbox),
        member_a_for_iam(),
        "the change was made"
    );
    let status = control_get(&sandbox, "faults").await;
    assert_eq!(status["injected"]["commit_then_server_error"], 1);

    // What a retrying SDK makes of it: its retry meets the registration the first attempt made.
    let (status, _) = control_post(&sandbox, "reset", &json!({})).await;
    assert_eq!(status, 200);
    faults(&sandbox, lost).await;
    let credentials = sandbox.credentials(MANAGEMENT).unwrap();
    let retrying = Clients::from_config(&config_with_retries(
        &sandbox.endpoint_url(),
        &credentials,
        None,
        3,
    ));
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
            .is_account_already_registered_exception()
    );
    assert_eq!(registered(&sandbox), member_a_for_iam());
    let requests = control_get(&sandbox, "requests").await;
    let register = &requests["operations"]["RegisterDelegatedAdministrator"];
    assert_eq!(register["total"], 2);
    assert_eq!(register["errors"]["ServiceException"], 1);
    assert_eq!(register["errors"]["AccountAlreadyRegisteredException"], 1);
}

#[tokio::test]
async fn commit_then_timeout_makes_the_change_and_withholds_the_answer() {
    let sandbox = start(trusted_seed()).await;
    let credentials = sandbox.credentials(MANAGEMENT).unwrap();
    // The answer is held far beyond the client's attempt timeout, which times out and retries.
    faults(
        &sandbox,
        json!({
            "commit_then_timeout_every": 1,
            "commit_then_timeout_hold_ms": 600_000,
            "operations": ["RegisterDelegatedAdministrator"],
            "count": 1,
        }),
    )
    .await;
    let config = config_with_retries(&sandbox.endpoint_url(), &credentials, None, 3)
        .to_builder()
        .timeout_config(
            aws_config::timeout::TimeoutConfig::builder()
                .operation_attempt_timeout(Duration::from_secs(3))
                .build(),
        )
        .build();
    let err = aws_sdk_organizations::Client::new(&config)
        .register_delegated_administrator()
        .account_id(MEMBER_A)
        .service_principal(IAM)
        .send()
        .await
        .unwrap_err();
    assert!(
        err.into_service_error()
            .is_account_already_registered_exception()
    );
    assert_eq!(registered(&sandbox), member_a_for_iam());
    let status = control_get(&sandbox, "faults").await;
    assert_eq!(status["injected"]["commit_then_timeout"], 1);
    let requests = control_get(&sandbox, "requests").await;
    let register = &requests["operations"]["RegisterDelegatedAdministrator"];
    assert_eq!(register["total"], 2);
    assert_eq!(register["errors"]["(answer withheld)"], 1);
    assert_eq!(register["errors"]["AccountAlreadyRegisteredException"], 1);
}

#[tokio::test]
async fn a_withheld_answer_in_a_root_session_counts_as_the_session_s_call() {
    let sandbox = start(trusted_seed()).await;
    enable_root_tasks(&sandbox).await;
    let session = assume_root(&sandbox, MANAGEMENT, MEMBER_A, DELETE, 900).await;
    faults(
        &sandbox,
        json!({"commit_then_timeout_every": 1, "operations": ["DeleteLoginProfile"], "count": 1}),
    )
    .await;
    // The retry after the closed connection finds the password gone; either way is fine here.
    let _ = session.iam.delete_login_profile().send().await;
    let requests = control_get(&sandbox, "requests").await;
    let total = &requests["operations"]["DeleteLoginProfile"]["total"];
    assert_eq!(
        requests["operations"]["DeleteLoginProfile"]["errors"]["(answer withheld)"],
        1
    );
    assert_eq!(
        &requests["root_sessions"]["IAMDeleteRootUserCredentials"]["DeleteLoginProfile"], total,
        "every call of the session, the withheld one included: {requests}"
    );
}

#[tokio::test]
async fn commit_then_timeout_without_hold_closes_the_connection_unanswered() {
    let sandbox = start(trusted_seed()).await;
    faults(
        &sandbox,
        json!({"commit_then_timeout_every": 1, "operations": ["EnableAWSServiceAccess"]}),
    )
    .await;
    let err = clients(&sandbox, MANAGEMENT)
        .orgs
        .enable_aws_service_access()
        .service_principal("svc.sandbox.example")
        .send()
        .await
        .unwrap_err();
    assert!(err.raw_response().is_none(), "no answer at all: {err:?}");
    let model = sandbox.sandbox().snapshot();
    assert!(
        model
            .trusted_access
            .iter()
            .any(|t| t.service_principal == "svc.sandbox.example")
    );
    // Reads outside the `operations` filter are answered.
    clients(&sandbox, MANAGEMENT)
        .orgs
        .list_aws_service_access_for_organization()
        .send()
        .await
        .unwrap();

    // A retrying SDK takes the closed connection for a transient failure and retries.
    faults(
        &sandbox,
        json!({"commit_then_timeout_every": 1, "operations": ["RegisterDelegatedAdministrator"], "count": 1}),
    )
    .await;
    let credentials = sandbox.credentials(MANAGEMENT).unwrap();
    let err = aws_sdk_organizations::Client::new(&config_with_retries(
        &sandbox.endpoint_url(),
        &credentials,
        None,
        3,
    ))
    .register_delegated_administrator()
    .account_id(MEMBER_A)
    .service_principal(IAM)
    .send()
    .await
    .unwrap_err();
    assert!(
        err.into_service_error()
            .is_account_already_registered_exception()
    );
    assert_eq!(registered(&sandbox), member_a_for_iam());
}

#[tokio::test]
async fn latency_can_be_injected_on_one_operation_only() {
    let sandbox = start(trusted_seed()).await;
    faults(
        &sandbox,
        json!({"latency_ms": 600_000, "operations": ["ListDelegatedAdministrators"]}),
    )
    .await;
    let orgs = clients(&sandbox, MANAGEMENT).orgs;
    let delayed = tokio::spawn({
        let orgs = orgs.clone();
        async move { orgs.list_delegated_administrators().send().await }
    });
    // Were the latency applied to these too, they would not finish for ten minutes.
    orgs.register_delegated_administrator()
        .account_id(MEMBER_A)
        .service_principal(IAM)
        .send()
        .await
        .unwrap();
    orgs.list_accounts().send().await.unwrap();
    orgs.describe_organization().send().await.unwrap();
    assert!(!delayed.is_finished());
    let requests = control_get(&sandbox, "requests").await;
    let held = &requests["operations"]["ListDelegatedAdministrators"];
    assert_eq!(held["delayed"], 1, "held: {requests}");
    assert_eq!(held["total"], 0, "answered although held: {requests}");
    for answered in ["RegisterDelegatedAdministrator", "ListAccounts"] {
        assert_eq!(requests["operations"][answered]["delayed"], 0, "{requests}");
    }
    delayed.abort();
}

#[tokio::test]
async fn rate_limits_throttle_per_operation_and_calling_account_and_reset_keeps_the_default() {
    let mut seed = root_task_seed();
    delegate_iam(&mut seed, MEMBER_C);
    let sandbox = start(seed).await;
    // Slow refills: the test runs in well under the 100 s a token takes to come back.
    faults(
        &sandbox,
        json!({"rate_limits": [
            {"operation": "AssumeRoot", "per_second": 0.01, "burst": 2},
            {"operation": "ListAccessKeys", "per_second": 0.01},
            {"operation": "ListAccounts", "per_second": 0.01}
        ]}),
    )
    .await;
    let assume = |caller: &'static str, target: &'static str| {
        try_assume_root(&sandbox, caller, target, AUDIT)
    };
    let on_a = assume(MANAGEMENT, MEMBER_A).await.unwrap();
    let on_b = assume(MANAGEMENT, MEMBER_B).await.unwrap();
    let err = assume(MANAGEMENT, MEMBER_A).await.unwrap_err();
    assert_eq!(
        err.code(),
        Some("Throttling"),
        "AssumeRoot is charged to the caller"
    );
    assert_eq!(err.message(), Some("Rate exceeded"));
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 400);
    let again_on_a = assume(MEMBER_C, MEMBER_A)
        .await
        .expect("the delegated administrator has a bucket of its own");

    // Inside a root session, the member pays: a second session on the same member finds its
    // bucket empty, a session on another member does not.
    let session = |out: &aws_sdk_sts::operation::assume_root::AssumeRootOutput| {
        let credentials = out.credentials().unwrap();
        aws_sdk_iam::Client::new(&config(
            &sandbox.endpoint_url(),
            &centralroot_sandbox::Credentials {
                access_key_id: credentials.access_key_id().to_owned(),
                secret_access_key: credentials.secret_access_key().to_owned(),
            },
            Some(credentials.session_token()),
        ))
    };
    session(&on_a).list_access_keys().send().await.unwrap();
    let err = session(&again_on_a)
        .list_access_keys()
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Some("Throttling"),
        "the member's bucket is empty"
    );
    session(&on_b).list_access_keys().send().await.unwrap();
    session(&on_a).list_mfa_devices().send().await.unwrap();

    let organizations = clients(&sandbox, MANAGEMENT).orgs;
    organizations.list_accounts().send().await.unwrap();
    let err = organizations.list_accounts().send().await.unwrap_err();
    assert!(err.into_service_error().is_too_many_requests_exception());
    let injected = control_get(&sandbox, "faults").await["injected"].clone();
    assert_eq!(injected["rate_exceeded"], 3, "{injected}");
    assert_eq!(injected["throttle"], 0, "{injected}");

    // A reset returns to the default faults (the command line's rate limits), buckets full.
    sandbox
        .sandbox()
        .set_default_faults(centralroot_sandbox::FaultConfig {
            rate_limits: vec![
                centralroot_sandbox::rate_limits::RateLimit::parse("AssumeRoot=0.01/1").unwrap(),
            ],
            ..centralroot_sandbox::FaultConfig::default()
        });
    control_post(&sandbox, "reset", &json!({})).await;
    assume(MANAGEMENT, MEMBER_A).await.unwrap();
    let err = assume(MANAGEMENT, MEMBER_B).await.unwrap_err();
    assert_eq!(
        err.code(),
        Some("Throttling"),
        "the default survives the reset"
    );
}
