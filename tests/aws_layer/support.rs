//! What several modules need: the seeded accounts, the provider's clients pointed at the
//! sandbox (or at a scripted endpoint), sandboxes seeded for a subject, the sandbox's request
//! counts, one HTTP request read off a socket, and a removal's steps reduced to what a test can
//! predict.

use std::time::Duration;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_types::retry::RetryConfig;
use centralroot::aws::{
    Aws, CredentialKind, Endpoints, ErrorKind, IAM_SERVICE_PRINCIPAL, PropagationWait, RemovalStep,
    RootCredential,
};
use centralroot_sandbox::seed::{Feature as SeedFeature, TrustedAccess};
use centralroot_sandbox::{Seed, Server, ServerHandle};
use futures::StreamExt;
use tokio_util::sync::CancellationToken;

/// The management account of the default seed.
pub const MANAGEMENT: &str = "111111111111";

/// The default seed's first member, which holds root credentials of every kind.
pub const MEMBER: &str = "222222222222";

/// A stop that never comes, for waits that should run their course.
pub fn never() -> CancellationToken {
    CancellationToken::new()
}

pub fn aws_for(handle: &ServerHandle, account: &str, attempts: u32, wait: PropagationWait) -> Aws {
    aws_with(handle, account, attempts, wait, None)
}

/// [`aws_for`], with an attempt timeout when given.
pub fn aws_with(
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
pub fn aws_signing(
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
pub fn aws_signing_in(
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

pub fn quick_wait() -> PropagationWait {
    PropagationWait {
        timeout: Duration::from_secs(10),
        initial_interval: Duration::from_millis(20),
        max_interval: Duration::from_millis(200),
    }
}

pub async fn sandbox_with_trusted_access() -> ServerHandle {
    let mut seed = Seed::default_seed();
    seed.trusted_access.push(TrustedAccess {
        service_principal: IAM_SERVICE_PRINCIPAL.into(),
        date_enabled: 1_700_000_000,
    });
    Server::bind("127.0.0.1:0", seed).await.unwrap().1
}

/// A sandbox with trusted access and both features on (every root task works), changed by
/// `change`.
pub async fn sandbox_with_root_sessions(change: impl FnOnce(&mut Seed)) -> ServerHandle {
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

pub fn aws_at(url: &str) -> Aws {
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

/// Reads one HTTP request (head and body) from `socket`, as text.
pub async fn read_request(socket: &mut tokio::net::TcpStream) -> String {
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

/// Calls of `operation` the sandbox answered, 0 for one never called.
pub fn calls(handle: &ServerHandle, operation: &str) -> u64 {
    handle
        .sandbox()
        .requests()
        .operations
        .get(operation)
        .map_or(0, |count| count.total)
}

/// A removal step with the session reduced to what a test can predict: its account and task
/// policy (its key and time are the sandbox's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
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

/// The steps of a removal of `kinds` from `account_id` as `planned`, until its end or its first
/// failure.
pub async fn removal_steps(
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
