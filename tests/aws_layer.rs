//! The AWS layer against the sandbox, through the real SDK: error classification, the
//! ConcurrentModification retry, the trusted-access propagation wait, the listing cache, and
//! every mutating call retried after the sandbox made its change and lost the answer; against
//! a scripted endpoint, the same registration told apart from one that was there before.

use std::sync::Arc;
use std::time::Duration;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_types::retry::RetryConfig;
use centralroot::aws::{
    Aws, CredentialKind, Endpoints, ErrorKind, Feature, IAM_SERVICE_PRINCIPAL, Operation,
    PropagationWait, RemovalStep, RootCredential, TaskPolicy,
};
use centralroot::types_common::advice::detail;
use centralroot_sandbox::faults::FaultConfig;
use centralroot_sandbox::seed::{Delegation, Feature as SeedFeature, TrustedAccess};
use centralroot_sandbox::{Seed, Server, ServerHandle};
use futures::StreamExt;
use tokio_util::sync::CancellationToken;

const MANAGEMENT: &str = "111111111111";

/// A stop that never comes, for waits that should run their course.
fn never() -> CancellationToken {
    CancellationToken::new()
}
const MEMBER: &str = "222222222222";

fn aws_for(handle: &ServerHandle, account: &str, attempts: u32, wait: PropagationWait) -> Aws {
    aws_with(handle, account, attempts, wait, None)
}

/// [`aws_for`], with an attempt timeout when given.
fn aws_with(
    handle: &ServerHandle,
    account: &str,
    attempts: u32,
    wait: PropagationWait,
    attempt_timeout: Option<Duration>,
) -> Aws {
    let creds = handle.credentials(account).expect("seeded account");
    let credentials = aws_credential_types::Credentials::new(
        creds.access_key_id,
        creds.secret_access_key,
        None,
        None,
        "test",
    );
    aws_signing(handle, credentials, attempts, wait, attempt_timeout)
}

/// The clients of the provider, signing with `credentials`, every service at the sandbox.
fn aws_signing(
    handle: &ServerHandle,
    credentials: aws_credential_types::Credentials,
    attempts: u32,
    wait: PropagationWait,
    attempt_timeout: Option<Duration>,
) -> Aws {
    aws_signing_in(
        "eu-west-1",
        handle,
        credentials,
        attempts,
        wait,
        attempt_timeout,
    )
}

/// [`aws_signing`] with `region` configured.
fn aws_signing_in(
    region: &'static str,
    handle: &ServerHandle,
    credentials: aws_credential_types::Credentials,
    attempts: u32,
    wait: PropagationWait,
    attempt_timeout: Option<Duration>,
) -> Aws {
    let mut config = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region))
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(attempts)
                .with_initial_backoff(Duration::from_millis(5)),
        );
    if let Some(timeout) = attempt_timeout {
        config = config.timeout_config(
            aws_smithy_types::timeout::TimeoutConfig::builder()
                .operation_attempt_timeout(timeout)
                .build(),
        );
    }
    let url = handle.endpoint_url();
    let endpoints = Endpoints {
        iam: Some(url.clone()),
        organizations: Some(url.clone()),
        sts: Some(url),
        ..Endpoints::default()
    };
    Aws::new(&config.build(), &endpoints, wait)
}

fn quick_wait() -> PropagationWait {
    PropagationWait {
        timeout: Duration::from_secs(10),
        initial_interval: Duration::from_millis(20),
        max_interval: Duration::from_millis(200),
    }
}

async fn sandbox_with_trusted_access() -> ServerHandle {
    let mut seed = Seed::default_seed();
    seed.trusted_access.push(TrustedAccess {
        service_principal: IAM_SERVICE_PRINCIPAL.into(),
        date_enabled: 1_700_000_000,
    });
    Server::bind("127.0.0.1:0", seed).await.unwrap().1
}

#[tokio::test]
async fn trusted_access_off_is_classified_with_advice() {
    let (_, handle) = Server::bind("127.0.0.1:0", Seed::default_seed())
        .await
        .unwrap();
    let aws = aws_for(&handle, MANAGEMENT, 1, quick_wait());
    let err = aws.enable_feature(Feature::RootSessions).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::ServiceAccessNotEnabled);
    assert!(
        detail(&err).contains("enable_trusted_access = true"),
        "{}",
        detail(&err)
    );
    assert!(
        !aws.trusted_access_enabled(IAM_SERVICE_PRINCIPAL)
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn enabling_waits_for_trusted_access_to_propagate() {
    let (_, handle) = Server::bind("127.0.0.1:0", Seed::default_seed())
        .await
        .unwrap();
    handle.sandbox().set_faults(FaultConfig {
        trusted_access_propagation_ms: 600,
        ..FaultConfig::default()
    });
    let aws = aws_for(&handle, MANAGEMENT, 1, quick_wait());
    assert!(aws.ensure_iam_trusted_access().await.unwrap());
    assert!(
        !aws.ensure_iam_trusted_access().await.unwrap(),
        "second call is a no-op"
    );
    let features = aws
        .while_trusted_access_propagates(&never(), || {
            aws.enable_feature(Feature::RootCredentialsManagement)
        })
        .await
        .unwrap();
    assert!(
        features
            .enabled
            .contains(&Feature::RootCredentialsManagement)
    );
    assert!(features.organization_id.starts_with("o-"));
    let log = handle.sandbox().requests();
    let enables = &log.operations["EnableOrganizationsRootCredentialsManagement"];
    assert!(
        enables.total >= 2,
        "the first attempts saw propagation: {enables:?}"
    );
    assert_eq!(enables.succeeded, 1);
}

#[tokio::test]
async fn propagation_wait_is_bounded() {
    let (_, handle) = Server::bind("127.0.0.1:0", Seed::default_seed())
        .await
        .unwrap();
    handle.sandbox().set_faults(FaultConfig {
        trusted_access_propagation_ms: 60_000,
        ..FaultConfig::default()
    });
    let wait = PropagationWait {
        timeout: Duration::from_millis(300),
        ..quick_wait()
    };
    let aws = aws_for(&handle, MANAGEMENT, 1, wait);
    aws.ensure_iam_trusted_access().await.unwrap();
    let started = std::time::Instant::now();
    let err = aws
        .while_trusted_access_propagates(&never(), || aws.list_features())
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::ServiceAccessNotEnabled);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_stop_ends_the_propagation_wait() {
    let (_, handle) = Server::bind("127.0.0.1:0", Seed::default_seed())
        .await
        .unwrap();
    handle.sandbox().set_faults(FaultConfig {
        trusted_access_propagation_ms: 600_000,
        ..FaultConfig::default()
    });
    // A wait that would outlast the test run unless the stop ends it.
    let wait = PropagationWait {
        timeout: Duration::from_secs(3_600),
        ..quick_wait()
    };
    let aws = aws_for(&handle, MANAGEMENT, 1, wait);
    aws.ensure_iam_trusted_access().await.unwrap();
    let stop = CancellationToken::new();
    let calls = std::sync::atomic::AtomicU32::new(0);
    let err = aws
        .while_trusted_access_propagates(&stop, || {
            // Stops once the wait has met its first refusal.
            if calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 1 {
                stop.cancel();
            }
            aws.list_features()
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::ServiceAccessNotEnabled);
    assert_eq!(
        calls.load(std::sync::atomic::Ordering::SeqCst),
        2,
        "the call in flight when the stop came ran, and no other"
    );
}

#[tokio::test]
async fn concurrent_modification_is_retried() {
    let handle = sandbox_with_trusted_access().await;
    handle.sandbox().set_faults(FaultConfig {
        concurrent_modification_every: 1,
        count: Some(2),
        ..FaultConfig::default()
    });
    let aws = aws_for(&handle, MANAGEMENT, 3, quick_wait());
    let registration = aws
        .register_delegated_admin(MEMBER, IAM_SERVICE_PRINCIPAL)
        .await
        .unwrap();
    drop(registration);
    let log = handle.sandbox().requests();
    let register = &log.operations["RegisterDelegatedAdministrator"];
    assert_eq!(register.total, 3);
    assert_eq!(register.succeeded, 1);

    // With fewer attempts than faults, the error surfaces, classified.
    handle.sandbox().set_faults(FaultConfig {
        concurrent_modification_every: 1,
        ..FaultConfig::default()
    });
    let err = aws
        .deregister_delegated_admin(MEMBER, IAM_SERVICE_PRINCIPAL)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::ConcurrentModification);
}

#[tokio::test]
async fn listing_is_shared_until_a_write() {
    let mut seed = Seed::default_seed().with_generated_members(45);
    seed.trusted_access.push(TrustedAccess {
        service_principal: IAM_SERVICE_PRINCIPAL.into(),
        date_enabled: 1_700_000_000,
    });
    let members: Vec<String> = seed
        .accounts
        .iter()
        .map(|a| a.id.clone())
        .filter(|id| id != MANAGEMENT)
        .take(41)
        .collect();
    for id in &members {
        seed.delegated_administrators.push(Delegation {
            account_id: id.clone(),
            service_principal: IAM_SERVICE_PRINCIPAL.into(),
            delegation_enabled_date: 1_700_000_000,
        });
    }
    let (_, handle) = Server::bind("127.0.0.1:0", seed).await.unwrap();
    let aws = Arc::new(aws_for(&handle, MANAGEMENT, 1, quick_wait()));

    let lookups = members.iter().map(|id| {
        let aws = aws.clone();
        let id = id.clone();
        tokio::spawn(async move { aws.find_delegated_admin(&id, IAM_SERVICE_PRINCIPAL).await })
    });
    for found in futures::future::join_all(lookups).await {
        let admin = found.unwrap().unwrap().expect("registered");
        assert_eq!(admin.status, "ACTIVE");
        assert!(admin.delegation_enabled_date.ends_with('Z'));
    }
    let pages =
        |h: &ServerHandle| h.sandbox().requests().operations["ListDelegatedAdministrators"].total;
    assert_eq!(
        pages(&handle),
        3,
        "41 admins are 3 pages of 20, shared by 41 lookups"
    );

    aws.deregister_delegated_admin(&members[0], IAM_SERVICE_PRINCIPAL)
        .await
        .unwrap();
    assert!(
        aws.find_delegated_admin(&members[0], IAM_SERVICE_PRINCIPAL)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        pages(&handle),
        3,
        "a deregistration edits the shared listing instead of listing again"
    );
    // Deregistering again is not an error: the account is in the wanted state.
    aws.deregister_delegated_admin(&members[0], IAM_SERVICE_PRINCIPAL)
        .await
        .unwrap();
}

/// Calls of `operation` the sandbox answered, 0 for one never called.
fn calls(handle: &ServerHandle, operation: &str) -> u64 {
    handle
        .sandbox()
        .requests()
        .operations
        .get(operation)
        .map_or(0, |count| count.total)
}

/// The generated members of [`Seed::large_organization`], `100000000000` on.
fn generated_members(count: usize) -> Vec<String> {
    (0..count)
        .map(|n| format!("{:012}", 100_000_000_000usize + n))
        .collect()
}

#[tokio::test]
async fn registering_200_admins_reads_each_one_and_never_lists() {
    const ADMINS: usize = 200;
    let (_, handle) = Server::bind("127.0.0.1:0", Seed::large_organization(ADMINS))
        .await
        .unwrap();
    let aws = aws_for(&handle, MANAGEMENT, 1, quick_wait());
    let members = generated_members(ADMINS);

    // 50 at a time, as Terraform runs creates with -parallelism=50.
    let created: Vec<_> = futures::stream::iter(&members)
        .map(|id| {
            let aws = &aws;
            async move {
                let registration = aws
                    .register_delegated_admin(id, IAM_SERVICE_PRINCIPAL)
                    .await
                    .unwrap();
                registration.read().await.unwrap().expect("visible at once")
            }
        })
        .buffer_unordered(50)
        .collect()
        .await;
    assert_eq!(created.len(), ADMINS);
    for admin in &created {
        assert!(admin.arn.ends_with(&admin.account_id), "{admin:?}");
        assert!(admin.email.starts_with(&admin.account_id), "{admin:?}");
        assert_eq!(admin.status, "ACTIVE");
        assert!(admin.delegation_enabled_date.ends_with('Z'), "{admin:?}");
        assert!(admin.joined_timestamp.ends_with('Z'), "{admin:?}");
    }
    assert_eq!(calls(&handle, "RegisterDelegatedAdministrator"), 200);
    assert_eq!(calls(&handle, "ListDelegatedServicesForAccount"), 200);
    assert_eq!(calls(&handle, "DescribeAccount"), 200);
    assert_eq!(calls(&handle, "ListDelegatedAdministrators"), 0);
    assert_eq!(handle.sandbox().requests().total, 600);

    // A refresh of all 200 through a new provider process: one shared listing, 10 pages.
    let refresh = aws_for(&handle, MANAGEMENT, 1, quick_wait());
    handle.sandbox().reset_requests();
    let found = futures::future::join_all(
        members
            .iter()
            .map(|id| refresh.find_delegated_admin(id, IAM_SERVICE_PRINCIPAL)),
    )
    .await;
    let mut listed: Vec<_> = found
        .into_iter()
        .map(|f| f.unwrap().expect("registered"))
        .collect();
    listed.sort_by(|a, b| a.account_id.cmp(&b.account_id));
    let mut created = created;
    created.sort_by(|a, b| a.account_id.cmp(&b.account_id));
    assert_eq!(listed, created, "a create reads what the listing shows");
    assert_eq!(calls(&handle, "ListDelegatedAdministrators"), 10);
    assert_eq!(handle.sandbox().requests().total, 10);
}

#[tokio::test]
async fn writes_keep_the_shared_listing_current() {
    let (_, handle) = Server::bind("127.0.0.1:0", Seed::large_organization(30))
        .await
        .unwrap();
    let aws = aws_for(&handle, MANAGEMENT, 1, quick_wait());
    let members = generated_members(30);
    let fresh_listing = || async {
        aws_for(&handle, MANAGEMENT, 1, quick_wait())
            .delegated_admins(IAM_SERVICE_PRINCIPAL)
            .await
            .unwrap()
    };
    assert!(
        aws.delegated_admins(IAM_SERVICE_PRINCIPAL)
            .await
            .unwrap()
            .is_empty()
    );
    for id in &members[..25] {
        let registration = aws
            .register_delegated_admin(id, IAM_SERVICE_PRINCIPAL)
            .await
            .unwrap();
        registration.read().await.unwrap().expect("visible");
    }
    for id in &members[..5] {
        aws.deregister_delegated_admin(id, IAM_SERVICE_PRINCIPAL)
            .await
            .unwrap();
    }
    handle.sandbox().reset_requests();
    let cached = aws.delegated_admins(IAM_SERVICE_PRINCIPAL).await.unwrap();
    assert_eq!(
        calls(&handle, "ListDelegatedAdministrators"),
        0,
        "edited, not re-listed"
    );
    assert_eq!(cached.len(), 20);
    assert_eq!(cached, fresh_listing().await, "the edited listing is AWS's");

    // A registration dropped before its read, and a failed write, forget the listing.
    let registration = aws
        .register_delegated_admin(&members[25], IAM_SERVICE_PRINCIPAL)
        .await
        .unwrap();
    drop(registration);
    handle.sandbox().reset_requests();
    let listing = aws.delegated_admins(IAM_SERVICE_PRINCIPAL).await.unwrap();
    assert_eq!(
        calls(&handle, "ListDelegatedAdministrators"),
        2,
        "listed again"
    );
    assert_eq!(listing.len(), 21);
    assert!(listing.iter().any(|a| a.account_id == members[25]));

    let err = aws
        .register_delegated_admin(&members[25], IAM_SERVICE_PRINCIPAL)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::AccountAlreadyRegistered);
    handle.sandbox().reset_requests();
    assert_eq!(
        aws.delegated_admins(IAM_SERVICE_PRINCIPAL)
            .await
            .unwrap()
            .len(),
        21
    );
    assert_eq!(
        calls(&handle, "ListDelegatedAdministrators"),
        2,
        "listed again"
    );
}

#[tokio::test]
async fn registering_the_management_account_reports_the_reason() {
    let handle = sandbox_with_trusted_access().await;
    let aws = aws_for(&handle, MANAGEMENT, 1, quick_wait());
    let err = aws
        .register_delegated_admin(MANAGEMENT, IAM_SERVICE_PRINCIPAL)
        .await
        .unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::ConstraintViolation(Some(
            "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR".into()
        ))
    );
    assert!(detail(&err).contains("management account"));
}

#[tokio::test]
async fn member_credentials_are_refused_with_advice() {
    let handle = sandbox_with_trusted_access().await;
    let aws = aws_for(&handle, MEMBER, 1, quick_wait());
    let err = aws.list_features().await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotManagementOrDelegatedAdministrator);
    assert!(detail(&err).contains("management account"));
}

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

/// Enabling or disabling a feature that already is, and enabling trusted access that already
/// is on, answer as a first call would: a retry after an attempt whose answer was lost cannot
/// fail on the change that attempt made.
#[tokio::test]
async fn repeated_feature_and_trusted_access_changes_succeed() {
    let (_, handle) = Server::bind("127.0.0.1:0", Seed::default_seed())
        .await
        .unwrap();
    let aws = aws_for(&handle, MANAGEMENT, 1, quick_wait());
    aws.ensure_iam_trusted_access().await.unwrap();
    aws.while_trusted_access_propagates(&never(), || aws.list_features())
        .await
        .unwrap();
    for _ in 0..2 {
        let features = aws.enable_feature(Feature::RootSessions).await.unwrap();
        assert!(features.enabled.contains(&Feature::RootSessions));
    }
    for _ in 0..2 {
        let features = aws.disable_feature(Feature::RootSessions).await.unwrap();
        assert!(!features.enabled.contains(&Feature::RootSessions));
    }
}

/// One scripted answer: a status and an awsJson body, or no answer at all (a hung response).
type Answer = Option<(u16, &'static str)>;

const ALREADY_REGISTERED: Answer = Some((
    400,
    r#"{"__type":"AccountAlreadyRegisteredException","Message":"The account is already registered."}"#,
));
const INTERNAL_ERROR: Answer = Some((500, r#"{"__type":"ServiceException","Message":"boom"}"#));
const THROTTLED: Answer = Some((
    400,
    r#"{"__type":"TooManyRequestsException","Message":"slow down"}"#,
));

/// An Organizations endpoint that answers each request with the next scripted answer, to stand
/// for an attempt that made its change and lost its answer; the sandbox cannot lose one.
async fn scripted_endpoint(answers: Vec<Answer>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        for answer in answers {
            let (mut socket, _) = listener.accept().await.unwrap();
            read_request(&mut socket).await;
            respond(socket, answer).await;
        }
    });
    url
}

/// An Organizations endpoint that answers each operation with the next of its own scripted
/// answers, whatever order concurrent requests arrive in; also returns how many requests of
/// each operation it served.
async fn scripted_by_operation(
    answers: Vec<(&'static str, Answer)>,
) -> (
    String,
    Arc<std::sync::Mutex<std::collections::HashMap<String, usize>>>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let served = Arc::new(std::sync::Mutex::new(std::collections::HashMap::new()));
    let counts = served.clone();
    tokio::spawn(async move {
        let mut answers = answers;
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            let request = read_request(&mut socket).await;
            let operation = request
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("x-amz-target")
                        .then(|| value.trim().rsplit('.').next().map(str::to_owned))?
                })
                .unwrap_or_default();
            *counts.lock().unwrap().entry(operation.clone()).or_insert(0) += 1;
            let next = answers.iter().position(|(op, _)| *op == operation);
            let answer = next.map(|i| answers.remove(i).1);
            respond(
                socket,
                answer.expect("an answer scripted for the operation"),
            )
            .await;
        }
    });
    (url, served)
}

/// Reads one HTTP request (head and body) from `socket`, as text.
async fn read_request(socket: &mut tokio::net::TcpStream) -> String {
    use tokio::io::AsyncReadExt;

    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    let complete = |request: &[u8]| {
        let text = String::from_utf8_lossy(request);
        let Some(end) = text.find("\r\n\r\n") else {
            return false;
        };
        let length = text[..end]
            .lines()
            .find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse::<usize>().ok())?
            })
            .unwrap_or(0);
        request.len() >= end + 4 + length
    };
    while !complete(&request) {
        let n = socket.read(&mut buf).await.unwrap();
        assert!(n > 0, "the client closed before sending its request");
        request.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&request).into_owned()
}

/// Sends `answer` on `socket` and closes it, or holds it open without one.
async fn respond(mut socket: tokio::net::TcpStream, answer: Answer) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    match answer {
        Some((status, body)) => {
            let response = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/x-amz-json-1.1\r\n\
                 x-amzn-requestid: r-{status}\r\ncontent-length: {}\r\n\
                 connection: close\r\n\r\n{body}",
                body.len()
            );
            socket.write_all(response.as_bytes()).await.unwrap();
        }
        // Held open without an answer until the client's attempt timeout drops it.
        None => {
            tokio::spawn(async move {
                let mut rest = [0u8; 64];
                while socket.read(&mut rest).await.is_ok_and(|n| n > 0) {}
            });
        }
    }
}

fn aws_at(url: &str) -> Aws {
    let config = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(
            aws_credential_types::Credentials::new("AKID", "SECRET", None, None, "test"),
        ))
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(3)
                .with_initial_backoff(Duration::from_millis(5)),
        )
        .timeout_config(
            aws_smithy_types::timeout::TimeoutConfig::builder()
                .operation_attempt_timeout(Duration::from_millis(500))
                .build(),
        )
        .build();
    let endpoints = Endpoints {
        organizations: Some(url.to_owned()),
        sts: Some(url.to_owned()),
        ..Endpoints::default()
    };
    Aws::new(&config, &endpoints, quick_wait())
}

async fn register_after(answers: Vec<Answer>) -> Result<(), centralroot::aws::AwsError> {
    let url = scripted_endpoint(answers).await;
    aws_at(&url)
        .register_delegated_admin(MEMBER, IAM_SERVICE_PRINCIPAL)
        .await
        .map(drop)
}

const REGISTERED: Answer = Some((200, "{}"));
const NOT_REGISTERED: Answer = Some((
    400,
    r#"{"__type":"AccountNotRegisteredException","Message":"not a delegated administrator"}"#,
));
const NO_SERVICES: Answer = Some((200, r#"{"DelegatedServices":[]}"#));
const IAM_DELEGATED: Answer = Some((
    200,
    r#"{"DelegatedServices":[{"ServicePrincipal":"access-analyzer.amazonaws.com","DelegationEnabledDate":1700000000},{"ServicePrincipal":"iam.amazonaws.com","DelegationEnabledDate":1700000100}]}"#,
));
const MEMBER_ACCOUNT: Answer = Some((
    200,
    r#"{"Account":{"Id":"222222222222","Arn":"arn:aws:organizations::111111111111:account/o-x/222222222222","Email":"member@example.com","Name":"member","Status":"ACTIVE","JoinedMethod":"CREATED","JoinedTimestamp":1600000000}}"#,
));

#[tokio::test]
async fn a_registration_not_visible_yet_is_read_again_until_it_is() {
    let (url, served) = scripted_by_operation(vec![
        ("RegisterDelegatedAdministrator", REGISTERED),
        ("ListDelegatedServicesForAccount", NOT_REGISTERED),
        ("ListDelegatedServicesForAccount", NO_SERVICES),
        ("ListDelegatedServicesForAccount", IAM_DELEGATED),
        ("DescribeAccount", MEMBER_ACCOUNT),
    ])
    .await;
    let aws = aws_at(&url);
    let registration = aws
        .register_delegated_admin(MEMBER, IAM_SERVICE_PRINCIPAL)
        .await
        .unwrap();
    let admin = registration.read().await.unwrap().expect("visible at last");
    assert_eq!(
        admin,
        centralroot::aws::DelegatedAdmin {
            account_id: MEMBER.into(),
            arn: "arn:aws:organizations::111111111111:account/o-x/222222222222".into(),
            email: "member@example.com".into(),
            name: "member".into(),
            status: "ACTIVE".into(),
            joined_method: "CREATED".into(),
            joined_timestamp: "2020-09-13T12:26:40Z".into(),
            delegation_enabled_date: "2023-11-14T22:15:00Z".into(),
        }
    );
    let served = served.lock().unwrap().clone();
    assert_eq!(served["ListDelegatedServicesForAccount"], 3, "{served:?}");
    assert_eq!(served["DescribeAccount"], 1, "{served:?}");
}

#[tokio::test]
async fn a_registration_never_visible_is_read_five_times_then_left_for_the_refresh() {
    let mut answers = vec![("RegisterDelegatedAdministrator", REGISTERED)];
    answers.extend([("ListDelegatedServicesForAccount", NOT_REGISTERED); 5]);
    answers.push(("DescribeAccount", MEMBER_ACCOUNT));
    let (url, served) = scripted_by_operation(answers).await;
    let aws = aws_at(&url);
    let registration = aws
        .register_delegated_admin(MEMBER, IAM_SERVICE_PRINCIPAL)
        .await
        .unwrap();
    assert_eq!(registration.read().await.unwrap(), None);
    let served = served.lock().unwrap().clone();
    assert_eq!(served["ListDelegatedServicesForAccount"], 5, "{served:?}");
}

#[tokio::test]
async fn already_registered_after_a_lost_answer_is_this_call_s_registration() {
    register_after(vec![INTERNAL_ERROR, ALREADY_REGISTERED])
        .await
        .expect("a 500 may have registered: the retry's conflict is our own registration");
    register_after(vec![None, ALREADY_REGISTERED])
        .await
        .expect("a timed-out attempt may have registered");
}

#[tokio::test]
async fn already_registered_without_a_lost_answer_stays_an_error_with_advice() {
    for answers in [
        vec![ALREADY_REGISTERED],
        vec![THROTTLED, ALREADY_REGISTERED],
    ] {
        let err = register_after(answers.clone()).await.unwrap_err();
        assert_eq!(err.kind, ErrorKind::AccountAlreadyRegistered, "{answers:?}");
        assert!(
            detail(&err).contains("terraform import"),
            "{}",
            detail(&err)
        );
    }
}

/// One lost answer (commit-then-500, or commit-then-timeout held past the attempt timeout) on
/// `operation`, then normal service.
fn lose_one_answer(handle: &ServerHandle, operation: &str, timeout: bool) {
    handle.sandbox().set_faults(FaultConfig {
        commit_then_server_error_every: u64::from(!timeout),
        commit_then_timeout_every: u64::from(timeout),
        commit_then_timeout_hold_ms: 5_000,
        operations: Some(vec![operation.to_owned()]),
        count: Some(1),
        ..FaultConfig::default()
    });
}

fn lost_answers_injected(handle: &ServerHandle) -> u64 {
    let (_, injected) = handle.sandbox().faults();
    injected.commit_then_server_error + injected.commit_then_timeout
}

#[tokio::test]
async fn every_mutating_call_succeeds_when_its_first_answer_is_lost() {
    for timeout in [false, true] {
        let (_, handle) = Server::bind("127.0.0.1:0", Seed::default_seed())
            .await
            .unwrap();
        let aws = aws_with(
            &handle,
            MANAGEMENT,
            3,
            quick_wait(),
            Some(Duration::from_millis(500)),
        );
        let lose = |operation| lose_one_answer(&handle, operation, timeout);
        let lost = |operation| {
            assert_eq!(
                lost_answers_injected(&handle),
                1,
                "{operation} (timeout={timeout}) lost its first answer"
            );
        };

        lose("EnableAWSServiceAccess");
        assert!(aws.ensure_iam_trusted_access().await.unwrap());
        lost("EnableAWSServiceAccess");
        aws.while_trusted_access_propagates(&never(), || aws.list_features())
            .await
            .unwrap();
        for (operation, feature) in [
            (
                "EnableOrganizationsRootCredentialsManagement",
                Feature::RootCredentialsManagement,
            ),
            ("EnableOrganizationsRootSessions", Feature::RootSessions),
        ] {
            lose(operation);
            let features = aws.enable_feature(feature).await.unwrap();
            lost(operation);
            assert!(features.enabled.contains(&feature), "{operation}");
        }
        lose("DisableOrganizationsRootSessions");
        let features = aws.disable_feature(Feature::RootSessions).await.unwrap();
        lost("DisableOrganizationsRootSessions");
        assert!(!features.enabled.contains(&Feature::RootSessions));

        lose("RegisterDelegatedAdministrator");
        let registration = aws
            .register_delegated_admin(MEMBER, IAM_SERVICE_PRINCIPAL)
            .await
            .expect("the retry meets this call's own registration");
        lost("RegisterDelegatedAdministrator");
        let details = registration.read().await.unwrap().expect("visible");
        assert_eq!(details.account_id, MEMBER);
        assert_eq!(
            handle.sandbox().requests().operations["RegisterDelegatedAdministrator"].total,
            2,
            "the registration was retried once"
        );
        assert!(
            aws.find_delegated_admin(MEMBER, IAM_SERVICE_PRINCIPAL)
                .await
                .unwrap()
                .is_some()
        );
        lose("DeregisterDelegatedAdministrator");
        aws.deregister_delegated_admin(MEMBER, IAM_SERVICE_PRINCIPAL)
            .await
            .expect("the retry meets this call's own deregistration");
        lost("DeregisterDelegatedAdministrator");
        assert!(
            handle
                .sandbox()
                .snapshot()
                .delegated_administrators
                .is_empty()
        );
    }
}

/// A sandbox with trusted access and both features on (every root task works), changed by
/// `change`.
async fn sandbox_with_root_sessions(change: impl FnOnce(&mut Seed)) -> ServerHandle {
    let mut seed = Seed::default_seed();
    seed.trusted_access.push(TrustedAccess {
        service_principal: IAM_SERVICE_PRINCIPAL.into(),
        date_enabled: 1_700_000_000,
    });
    seed.features = vec![
        SeedFeature::RootCredentialsManagement,
        SeedFeature::RootSessions,
    ];
    change(&mut seed);
    Server::bind("127.0.0.1:0", seed).await.unwrap().1
}

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
async fn the_organization_audit_reports_a_denied_account_on_its_own() {
    let sandbox = sandbox_with_root_sessions(|seed| {
        for n in 0..45 {
            let mut account = centralroot_sandbox::seed::Account::new(&format!("5000000000{n:02}"));
            if n % 3 == 0 {
                account
                    .root
                    .mfa_devices
                    .push(centralroot_sandbox::seed::MfaDevice {
                        serial_number: format!("mfa-{n}"),
                        enabled: 1_700_000_000,
                    });
            }
            seed.accounts.push(account);
        }
        let denied = seed.accounts.iter_mut().find(|a| a.id == "444444444444");
        denied.unwrap().assume_root_denied = true;
        let suspended = seed.accounts.iter_mut().find(|a| a.id == "500000000001");
        suspended.unwrap().status = "SUSPENDED".into();
    })
    .await;
    sandbox.sandbox().set_faults(FaultConfig {
        throttle_every: 3,
        ..FaultConfig::default()
    });
    let aws = aws_for(&sandbox, MANAGEMENT, 10, quick_wait());
    let audits = aws.audit_organization(None, 10).await.unwrap();
    // 3 seeded members + 45 generated, the suspended one and the management account left out.
    assert_eq!(audits.len(), 47);
    assert!(audits.iter().all(|a| a.account_id != MANAGEMENT));
    let failed: Vec<&str> = audits
        .iter()
        .filter(|a| a.result.is_err())
        .map(|a| a.account_id.as_str())
        .collect();
    assert_eq!(failed, ["444444444444"]);
    let with: Vec<&str> = audits
        .iter()
        .filter(|a| a.result.as_ref().is_ok_and(|r| r.has_credentials()))
        .map(|a| a.account_id.as_str())
        .collect();
    assert_eq!(with.len(), 2 + 15);
    assert!(
        sandbox.sandbox().faults().1.throttle > 0,
        "throttling was met"
    );

    let only = ["222222222222".to_owned(), "500000000003".to_owned()].into();
    let audits = aws.audit_organization(Some(&only), 3).await.unwrap();
    let ids: Vec<&str> = audits.iter().map(|a| a.account_id.as_str()).collect();
    assert_eq!(ids, ["222222222222", "500000000003"]);

    // A member account is no administrator: the listing fails the whole audit.
    let member = aws_for(&sandbox, "333333333333", 10, quick_wait());
    assert!(member.audit_organization(None, 10).await.is_err());
}

#[tokio::test]
async fn organizational_units_are_followed_into_their_children() {
    let sandbox = sandbox_with_root_sessions(|seed| {
        for (id, parent) in [
            ("ou-aaaa-11111111", ""),
            ("ou-aaaa-22222222", "ou-aaaa-11111111"),
            ("ou-bbbb-33333333", ""),
        ] {
            seed.organizational_units
                .push(centralroot_sandbox::seed::OrganizationalUnit {
                    id: id.into(),
                    name: id.into(),
                    parent_id: parent.into(),
                });
        }
        for (account, unit) in [
            ("222222222222", "ou-aaaa-11111111"),
            ("333333333333", "ou-aaaa-22222222"),
            ("444444444444", "ou-bbbb-33333333"),
        ] {
            let found = seed.accounts.iter_mut().find(|a| a.id == account);
            found.unwrap().parent_id = unit.into();
        }
    })
    .await;
    let aws = aws_for(&sandbox, MANAGEMENT, 2, quick_wait());
    let accounts = aws
        .accounts_in_units(&["ou-aaaa-11111111".to_owned()])
        .await
        .unwrap();
    assert_eq!(
        accounts.into_iter().collect::<Vec<_>>(),
        ["222222222222", "333333333333"]
    );
    let err = aws
        .accounts_in_units(&["ou-none-00000000".to_owned()])
        .await
        .unwrap_err();
    assert_eq!(err.code.as_deref(), Some("ParentNotFoundException"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_members_cost_the_listing_and_a_fixed_number_of_calls_each() {
    let sandbox = Server::bind("127.0.0.1:0", Seed::large_organization(1000))
        .await
        .unwrap()
        .1;
    let aws = aws_for(&sandbox, MANAGEMENT, 10, quick_wait());
    let audits = aws
        .audit_organization(None, centralroot::aws::DEFAULT_CONCURRENCY)
        .await
        .unwrap();
    // 3 seeded members and 1,000 generated; the management account has no root session.
    let members = 1003;
    assert_eq!(audits.len(), members as usize);
    assert!(audits.iter().all(|a| a.result.is_ok()));

    let log = sandbox.sandbox().requests();
    assert_eq!(calls(&sandbox, "ListAccounts"), 1004_u64.div_ceil(20));
    assert_eq!(calls(&sandbox, "DescribeOrganization"), 1);
    for per_account in ["AssumeRoot", "GetAccountSummary"] {
        assert_eq!(calls(&sandbox, per_account), members, "{per_account}");
    }
    // A list per member its summary flags: generated members hold by n % 4 everything, a
    // password, two access keys or nothing (250 each); 2 seeded members hold everything.
    assert_eq!(calls(&sandbox, "GetLoginProfile"), 250 + 250 + 2);
    assert_eq!(calls(&sandbox, "ListAccessKeys"), 250 + 250 + 2);
    assert_eq!(calls(&sandbox, "ListSigningCertificates"), 250 + 2);
    assert_eq!(calls(&sandbox, "ListMFADevices"), 250 + 2);
    // One per root access key: 250 members with one, 250 with two, 2 seeded members with one.
    assert_eq!(calls(&sandbox, "GetAccessKeyLastUsed"), 250 + 500 + 2);
    assert_eq!(
        log.total,
        51 + 1 + 2 * members + 502 + 502 + 252 + 252 + 752,
        "4,318 requests, down from 5,819 when every list was read"
    );
    assert_eq!(log.root_sessions_opened.len(), members as usize);
    assert!(
        log.root_sessions_opened
            .values()
            .all(|by_policy| by_policy.len() == 1 && by_policy["IAMAuditRootUserCredentials"] == 1),
        "one audit session per member"
    );
    let at_work = log.max_root_sessions_at_work;
    assert!(
        (2..=centralroot::aws::DEFAULT_CONCURRENCY as u64).contains(&at_work),
        "root sessions at work at once: {at_work}"
    );

    // The same audit again in the same run reads every account from the run's cache.
    sandbox.sandbox().reset_requests();
    let again = aws
        .audit_organization(None, centralroot::aws::DEFAULT_CONCURRENCY)
        .await
        .unwrap();
    assert_eq!(again.len(), members as usize);
    let log = sandbox.sandbox().requests();
    assert_eq!(log.total, 51, "only the listing: {:?}", log.operations);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_audit_throttled_on_every_third_call_converges_with_one_session_per_member() {
    let sandbox = Server::bind("127.0.0.1:0", Seed::large_organization(200))
        .await
        .unwrap()
        .1;
    sandbox.sandbox().set_faults(FaultConfig {
        throttle_every: 3,
        ..FaultConfig::default()
    });
    let aws = aws_for(&sandbox, MANAGEMENT, 10, quick_wait());
    assert_eq!(aws.root_sessions_allowed(), 20);
    let audits = aws.audit_organization(None, 50).await.unwrap();
    assert_eq!(audits.len(), 203);
    let failed: Vec<String> = audits
        .iter()
        .filter_map(|a| {
            a.result
                .as_ref()
                .err()
                .map(|e| format!("{}: {e}", a.account_id))
        })
        .collect();
    assert!(
        failed.is_empty(),
        "{} audits failed: {failed:#?}",
        failed.len()
    );
    let log = sandbox.sandbox().requests();
    assert!(sandbox.sandbox().faults().1.throttle > 100);
    assert_eq!(log.operations["AssumeRoot"].succeeded, 203);
    assert!(
        log.root_sessions_opened
            .values()
            .all(|by_policy| by_policy["IAMAuditRootUserCredentials"] == 1),
        "a throttled call is retried within its session, never through a new one"
    );
}

#[tokio::test]
async fn a_throttled_answer_halves_the_root_sessions_allowed() {
    let sandbox = sandbox_with_root_sessions(|_| {}).await;
    sandbox.sandbox().set_faults(FaultConfig {
        throttle_every: 1,
        count: Some(1),
        operations: Some(vec!["AssumeRoot".into()]),
        ..FaultConfig::default()
    });
    let aws = aws_for(&sandbox, MANAGEMENT, 3, quick_wait());
    assert_eq!(aws.root_sessions_allowed(), 20);
    let audits = aws.audit_organization(None, 20).await.unwrap();
    assert!(audits.iter().all(|a| a.result.is_ok()));
    assert_eq!(sandbox.sandbox().faults().1.throttle, 1);
    // Halved to 10 by the one throttled answer, then about one more per 10 successful calls.
    let allowed = aws.root_sessions_allowed();
    assert!((10..=12).contains(&allowed), "allowed now: {allowed}");
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

/// A removal step with the session reduced to what a test can predict: its account and task
/// policy (its key and time are the sandbox's).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Found {
        on: (String, centralroot::aws::TaskPolicy),
        found: Vec<RootCredential>,
        unplanned: Vec<RootCredential>,
    },
    Removed {
        credential: RootCredential,
        left: Vec<RootCredential>,
    },
}

impl From<RemovalStep> for Step {
    fn from(step: RemovalStep) -> Self {
        match step {
            RemovalStep::Found {
                session,
                found,
                unplanned,
            } => {
                assert!(session.access_key_id.starts_with("ASIA"), "{session:?}");
                Step::Found {
                    on: (session.account_id, session.task_policy),
                    found,
                    unplanned,
                }
            }
            RemovalStep::Removed { credential, left } => Step::Removed { credential, left },
        }
    }
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

/// The steps of a removal of `kinds` from `account_id` as `planned`, until its end or its first
/// failure.
async fn removal_steps(
    aws: &Aws,
    account_id: &str,
    kinds: &[CredentialKind],
    planned: Option<&[RootCredential]>,
) -> Vec<Result<Step, ErrorKind>> {
    let kinds = kinds.iter().copied().collect();
    aws.remove_root_credentials(account_id, &kinds, planned)
        .map(|step| step.map(Step::from).map_err(|err| err.kind))
        .collect()
        .await
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

/// A loopback URL nothing listens on: a port bound, then released.
fn closed_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}

/// The clients with `credentials`, the provider's default retries (10, with the SDK's back-off
/// from 1 s), and every service at `url`.
fn aws_retrying_at(url: &str, credentials: SharedCredentialsProvider) -> Aws {
    let config = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(credentials)
        .retry_config(RetryConfig::standard().with_max_attempts(11))
        .build();
    let endpoints = Endpoints {
        iam: Some(url.to_owned()),
        organizations: Some(url.to_owned()),
        sts: Some(url.to_owned()),
        ..Endpoints::default()
    };
    Aws::new(&config, &endpoints, quick_wait())
}

fn static_credentials() -> SharedCredentialsProvider {
    SharedCredentialsProvider::new(aws_credential_types::Credentials::new(
        "AKID", "SECRET", None, None, "test",
    ))
}

#[tokio::test]
async fn a_refused_connection_names_its_endpoint_and_gets_three_quick_attempts() {
    use centralroot::aws::{EndpointSource, Service};

    let url = closed_url();
    let aws = aws_retrying_at(&url, static_credentials());
    let err = aws.organization().await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::ConnectionRefused, "{err}");
    let endpoint = err.endpoint.clone().expect("the endpoint is named");
    assert_eq!(endpoint.url, url);
    assert_eq!(endpoint.service, Service::Organizations);
    assert_eq!(endpoint.source, EndpointSource::Configured);
    // Three attempts, although the retry settings allow eleven with back-off.
    assert!(
        err.message.ends_with(&format!(
            "Organizations endpoint {url} refused the connection (attempt 3): Connection \
             refused (os error 111)"
        )),
        "{err}"
    );
    assert_eq!(
        err.summary(),
        format!("Nothing answers at the Organizations endpoint {url}")
    );
    let detail = detail(&err);
    assert!(
        detail.starts_with(&format!(
            "Nothing accepted a connection at {url}, the Organizations endpoint, which comes \
             from endpoints {{ organizations }} in the provider block. Start the service"
        )),
        "{detail}"
    );
    // IAM and STS calls are labelled with their own service.
    let err = aws.list_features().await.unwrap_err();
    assert_eq!(err.endpoint.map(|e| e.service), Some(Service::Iam));
    let err = aws
        .assume_root(
            MEMBER,
            TaskPolicy::AuditRootUserCredentials,
            Duration::from_secs(900),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::ConnectionRefused);
    assert_eq!(err.endpoint.map(|e| e.service), Some(Service::Sts));
}

#[tokio::test]
async fn a_connection_closed_without_an_answer_is_a_network_failure_retried_as_before() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        loop {
            let (socket, _) = listener.accept().await.unwrap();
            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            drop(socket);
        }
    });
    let config = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(static_credentials())
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(4)
                .with_initial_backoff(Duration::from_millis(5)),
        )
        .build();
    let endpoints = Endpoints {
        organizations: Some(url.clone()),
        ..Endpoints::default()
    };
    let err = Aws::new(&config, &endpoints, quick_wait())
        .organization()
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Network, "{err}");
    assert_eq!(
        err.endpoint.as_ref().map(|e| e.url.as_str()),
        Some(url.as_str())
    );
    assert_eq!(
        err.summary(),
        format!("Could not reach the Organizations endpoint {url}")
    );
    assert!(err.message.contains("(attempt 4)"), "{err}");
    assert_eq!(
        accepted.load(std::sync::atomic::Ordering::SeqCst),
        4,
        "every attempt the settings allow"
    );
}

/// Credentials that fail as `error` says.
#[derive(Debug)]
struct FailingCredentials(fn() -> aws_credential_types::provider::error::CredentialsError);

impl aws_credential_types::provider::ProvideCredentials for FailingCredentials {
    fn provide_credentials<'a>(
        &'a self,
    ) -> aws_credential_types::provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        aws_credential_types::provider::future::ProvideCredentials::ready(Err((self.0)()))
    }
}

#[tokio::test]
async fn credentials_that_cannot_be_loaded_are_not_a_network_failure() {
    use aws_credential_types::provider::error::CredentialsError;

    // The endpoint is never reached: the credentials fail first.
    let url = closed_url();
    let none = FailingCredentials(|| CredentialsError::not_loaded("no providers in chain"));
    let err = aws_retrying_at(&url, SharedCredentialsProvider::new(none))
        .list_features()
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::NoCredentials, "{err}");
    assert_eq!(err.summary(), "No AWS credentials were found");
    assert!(err.endpoint.is_none());
    assert!(
        detail(&err).contains("The provider found no credentials"),
        "{}",
        detail(&err)
    );

    let expired =
        FailingCredentials(|| CredentialsError::provider_error("the SSO session expired"));
    let err = aws_retrying_at(&url, SharedCredentialsProvider::new(expired))
        .list_features()
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::CredentialsUnavailable, "{err}");
    assert_eq!(err.summary(), "The AWS credentials could not be loaded");
    assert!(err.message.contains("the SSO session expired"), "{err}");
}

#[tokio::test]
async fn a_service_control_policy_in_a_member_is_its_audit_s_error_with_the_policy_named() {
    let sandbox = sandbox_with_root_sessions(|seed| {
        for account in &mut seed.accounts {
            account.service_control_policy = match account.id.as_str() {
                // Denies everything in root sessions too.
                "333333333333" => Some(centralroot_sandbox::seed::ServiceControlPolicy {
                    id: "p-denyall1".into(),
                    denied_actions: vec!["*".into()],
                    exempt_root_sessions: false,
                }),
                // The same with the aws:AssumedRoot exemption: root sessions go through.
                "444444444444" => Some(centralroot_sandbox::seed::ServiceControlPolicy {
                    id: "p-exemptroot".into(),
                    denied_actions: vec!["*".into()],
                    exempt_root_sessions: true,
                }),
                _ => None,
            };
        }
    })
    .await;
    let aws = aws_for(&sandbox, MANAGEMENT, 2, quick_wait());
    let audits = aws.audit_organization(None, 5).await.unwrap();
    let failed: Vec<(&str, &centralroot::aws::AwsError)> = audits
        .iter()
        .filter_map(|a| a.result.as_ref().err().map(|e| (a.account_id.as_str(), e)))
        .collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    let (account, err) = failed[0];
    assert_eq!(account, "333333333333");
    assert_eq!(err.kind, ErrorKind::DeniedByServiceControlPolicy);
    assert_eq!(err.operation, Operation::GetAccountSummary);
    let denial = err.scp_denial().expect("the message names the policy");
    assert_eq!(
        denial.policy_arn.as_deref(),
        Some(
            "arn:aws:organizations::111111111111:policy/o-sandbox1234/service_control_policy/p-denyall1"
        )
    );
    assert_eq!(denial.account_id, "333333333333");
    assert_eq!(denial.action, "iam:GetAccountSummary");
    let advice = detail(err);
    assert!(advice.contains("aws:AssumedRoot"), "{advice}");
    assert!(advice.contains("p-denyall1"), "{advice}");
}

#[tokio::test]
async fn task_policies_and_the_global_region_follow_the_partition_of_the_region() {
    let sandbox = sandbox_with_root_sessions(|seed| seed.partition = "aws-us-gov".into()).await;
    let keys = sandbox.credentials(MANAGEMENT).unwrap();
    let credentials = aws_credential_types::Credentials::new(
        keys.access_key_id,
        keys.secret_access_key,
        None,
        None,
        "test",
    );
    let aws = aws_signing_in(
        "us-gov-west-1",
        &sandbox,
        credentials,
        1,
        quick_wait(),
        None,
    );
    assert_eq!(aws.partition(), centralroot::aws::Partition::AwsUsGov);
    // The sandbox plays GovCloud: it accepts only task policy ARNs of aws-us-gov.
    let report = aws.audit_account(MEMBER).await.unwrap();
    assert!(report.has_credentials());
    let caller = aws.caller_identity().await.unwrap();
    assert_eq!(
        caller.arn,
        "arn:aws-us-gov:iam::111111111111:user/sandbox-admin"
    );
    assert_eq!(
        sandbox.sandbox().requests().operations["AssumeRoot"].succeeded,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limit_on_assume_root_is_learned_and_every_member_is_audited() {
    let sandbox = Server::bind("127.0.0.1:0", Seed::large_organization(120))
        .await
        .unwrap()
        .1;
    sandbox.sandbox().set_faults(FaultConfig {
        rate_limits: vec![
            centralroot_sandbox::rate_limits::RateLimit::parse("AssumeRoot=40/10").unwrap(),
        ],
        ..FaultConfig::default()
    });
    let aws = aws_for(&sandbox, MANAGEMENT, 10, quick_wait());
    assert_eq!(aws.root_session_rate(), None, "no pace before throttling");
    let audits = aws.audit_organization(None, 20).await.unwrap();
    assert_eq!(audits.len(), 123);
    assert!(audits.iter().all(|a| a.result.is_ok()));
    let log = sandbox.sandbox().requests();
    let assume = &log.operations["AssumeRoot"];
    let throttled = assume.errors.get("Throttling").copied().unwrap_or(0);
    assert_eq!(assume.succeeded, 123, "one session per member");
    assert!(throttled > 0, "the bucket was met");
    let rate = aws
        .root_session_rate()
        .expect("a pace learned from throttling");
    assert!(rate < 80.0, "paced near the bucket's 40 per second: {rate}");
    assert_eq!(
        log.root_sessions_opened.len(),
        123,
        "a throttled request is asked again, never dropped"
    );
}
