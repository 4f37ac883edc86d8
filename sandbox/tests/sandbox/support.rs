//! Helpers shared by the sandbox tests: SDK clients pointed at a sandbox, raw HTTP, control plane.

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_iam::types::FeatureType;
use aws_sdk_sts::types::PolicyDescriptorType;
use aws_smithy_types::retry::RetryConfig;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use centralroot_sandbox::seed::TrustedAccess;
use centralroot_sandbox::sigv4::{SignedRequest, sign};
use centralroot_sandbox::{Credentials, Seed, Server, ServerHandle};
use serde_json::Value;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub const MANAGEMENT: &str = "111111111111";
pub const MEMBER_A: &str = "222222222222";
pub const MEMBER_B: &str = "333333333333";
pub const MEMBER_C: &str = "444444444444";
pub const IAM: &str = "iam.amazonaws.com";

/// A sandbox on 127.0.0.1:0 holding `seed`.
pub async fn start(seed: Seed) -> ServerHandle {
    Server::bind("127.0.0.1:0", seed).await.unwrap().1
}

/// SDK configuration with static credentials, no retries.
pub fn config(endpoint: &str, credentials: &Credentials, token: Option<&str>) -> SdkConfig {
    config_with_retries(endpoint, credentials, token, 1)
}

/// SDK configuration with static credentials and `attempts` attempts (fast backoff).
pub fn config_with_retries(
    endpoint: &str,
    credentials: &Credentials,
    token: Option<&str>,
    attempts: u32,
) -> SdkConfig {
    let provider = aws_credential_types::Credentials::new(
        credentials.access_key_id.clone(),
        credentials.secret_access_key.clone(),
        token.map(str::to_owned),
        None,
        "sandbox-test",
    );
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(SharedCredentialsProvider::new(provider))
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(attempts)
                .with_initial_backoff(Duration::from_millis(5)),
        )
        .build()
}

/// The SDK clients for one identity.
pub struct Clients {
    pub iam: aws_sdk_iam::Client,
    pub orgs: aws_sdk_organizations::Client,
    pub sts: aws_sdk_sts::Client,
    /// Path-style, as S3 clients must be against an endpoint URL without bucket subdomains.
    pub s3: aws_sdk_s3::Client,
    pub sqs: aws_sdk_sqs::Client,
}

impl Clients {
    pub fn from_config(config: &SdkConfig) -> Clients {
        let s3 = aws_sdk_s3::config::Builder::from(config)
            .force_path_style(true)
            .build();
        Clients {
            iam: aws_sdk_iam::Client::new(config),
            orgs: aws_sdk_organizations::Client::new(config),
            sts: aws_sdk_sts::Client::new(config),
            s3: aws_sdk_s3::Client::from_conf(s3),
            sqs: aws_sdk_sqs::Client::new(config),
        }
    }
}

/// Clients signing as the administrator of `account`.
pub fn clients(handle: &ServerHandle, account: &str) -> Clients {
    let credentials = handle.credentials(account).expect("seeded account");
    Clients::from_config(&config(&handle.endpoint_url(), &credentials, None))
}

/// Clients signing with explicit credentials.
pub fn clients_with(
    handle: &ServerHandle,
    credentials: &Credentials,
    token: Option<&str>,
) -> Clients {
    Clients::from_config(&config(&handle.endpoint_url(), credentials, token))
}

/// Sends one HTTP/1.1 request and answers (status, headers text, body).
pub async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> (u16, String, String) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let text = String::from_utf8(response).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, head.to_owned(), body.to_owned())
}

/// A control-plane GET, parsed as JSON.
pub async fn control_get(handle: &ServerHandle, path: &str) -> Value {
    let (status, _, body) =
        http(handle.addr(), "GET", &format!("/_sandbox/{path}"), &[], b"").await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// A control-plane POST; answers (status, JSON body).
pub async fn control_post(handle: &ServerHandle, path: &str, body: &Value) -> (u16, Value) {
    let (status, _, text) = http(
        handle.addr(),
        "POST",
        &format!("/_sandbox/{path}"),
        &[("content-type", "application/json".to_owned())],
        body.to_string().as_bytes(),
    )
    .await;
    (status, serde_json::from_str(&text).unwrap())
}

/// Configures faults through the control plane.
pub async fn faults(handle: &ServerHandle, config: Value) {
    let (status, body) = control_post(handle, "faults", &config).await;
    assert_eq!(status, 200, "{body}");
}

/// Sends a SigV4-signed POST, as an SDK would, with extra headers (e.g. `x-amz-target`).
pub async fn signed_post(
    handle: &ServerHandle,
    credentials: &Credentials,
    service: &str,
    extra: &[(&str, &str)],
    body: &[u8],
) -> (u16, String) {
    signed_post_at(
        handle,
        credentials,
        service,
        extra,
        body,
        time::OffsetDateTime::now_utc(),
    )
    .await
}

/// [`signed_post`] with the signing time given.
pub async fn signed_post_at(
    handle: &ServerHandle,
    credentials: &Credentials,
    service: &str,
    extra: &[(&str, &str)],
    body: &[u8],
    at: time::OffsetDateTime,
) -> (u16, String) {
    let target = ("POST", "/", "");
    signed_request(handle, credentials, service, target, extra, body, at).await
}

/// Sends a request to `(method, path, query)` signed as an SDK would, for `us-east-1`.
pub async fn signed_request(
    handle: &ServerHandle,
    credentials: &Credentials,
    service: &str,
    (method, path, query): (&str, &str, &str),
    extra: &[(&str, &str)],
    body: &[u8],
    at: time::OffsetDateTime,
) -> (u16, String) {
    let amz_date = at
        .format(time::macros::format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap();
    let mut headers = HeaderMap::new();
    headers.insert(
        "host",
        HeaderValue::from_str(&handle.addr().to_string()).unwrap(),
    );
    headers.insert("x-amz-date", HeaderValue::from_str(&amz_date).unwrap());
    let mut names = vec!["host", "x-amz-date"];
    for (name, value) in extra {
        headers.insert(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
        names.push(name);
    }
    names.sort();
    let request = SignedRequest {
        method,
        path,
        query,
        headers: &headers,
        body,
    };
    let authorization = sign(
        &credentials.access_key_id,
        &credentials.secret_access_key,
        "us-east-1",
        service,
        &amz_date,
        &request,
        &names,
    )
    .unwrap();
    let mut sent: Vec<(&str, String)> = vec![
        ("x-amz-date", amz_date.clone()),
        ("authorization", authorization),
    ];
    for (name, value) in extra {
        sent.push((name, (*value).to_owned()));
    }
    let target = match query {
        "" => path.to_owned(),
        query => format!("{path}?{query}"),
    };
    let (status, _, body) = http(handle.addr(), method, &target, &sent, body).await;
    (status, body)
}

/// Enables trusted access for IAM as the management account.
pub async fn enable_trusted_access(handle: &ServerHandle) {
    clients(handle, MANAGEMENT)
        .orgs
        .enable_aws_service_access()
        .service_principal(IAM)
        .send()
        .await
        .unwrap();
}

pub const AUDIT: &str = "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials";
pub const DELETE: &str = "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials";
pub const CREATE_PASSWORD: &str = "arn:aws:iam::aws:policy/root-task/IAMCreateRootUserPassword";

pub fn features(list: &[FeatureType]) -> Vec<&str> {
    list.iter().map(FeatureType::as_str).collect()
}

/// A default seed with trusted access for IAM already on.
pub fn trusted_seed() -> Seed {
    let mut seed = Seed::default_seed();
    seed.trusted_access.push(TrustedAccess {
        service_principal: IAM.to_owned(),
        date_enabled: 1_700_000_000,
    });
    seed
}

/// [`trusted_seed`] with both IAM organization features on: every root task works.
pub fn root_task_seed() -> Seed {
    let mut seed = trusted_seed();
    seed.features = vec![
        centralroot_sandbox::seed::Feature::RootCredentialsManagement,
        centralroot_sandbox::seed::Feature::RootSessions,
    ];
    seed
}

/// Registers `account` as the delegated administrator for IAM in `seed`.
pub fn delegate_iam(seed: &mut Seed, account: &str) {
    seed.delegated_administrators
        .push(centralroot_sandbox::seed::Delegation {
            account_id: account.to_owned(),
            service_principal: IAM.to_owned(),
            delegation_enabled_date: 1_700_000_000,
        });
}

/// `sts:AssumeRoot` on `target` with `policy`, as `caller`: the answer, or the SDK's error.
pub async fn try_assume_root(
    sandbox: &ServerHandle,
    caller: &str,
    target: &str,
    policy: &str,
) -> Result<
    aws_sdk_sts::operation::assume_root::AssumeRootOutput,
    aws_sdk_sts::error::SdkError<aws_sdk_sts::operation::assume_root::AssumeRootError>,
> {
    clients(sandbox, caller)
        .sts
        .assume_root()
        .target_principal(target)
        .task_policy_arn(PolicyDescriptorType::builder().arn(policy).build())
        .send()
        .await
}

/// Enables both IAM organization features, which every root task policy needs between them.
pub async fn enable_root_tasks(sandbox: &ServerHandle) {
    let iam = clients(sandbox, MANAGEMENT).iam;
    iam.enable_organizations_root_credentials_management()
        .send()
        .await
        .unwrap();
    iam.enable_organizations_root_sessions()
        .send()
        .await
        .unwrap();
}

/// Assumes root on `target` with `policy` as `caller`; answers clients using the session.
pub async fn assume_root(
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

/// A seed whose management secret would run `touch MARKER` if a shell evaluated it unquoted.
pub fn seed_running(marker: &std::path::Path) -> String {
    serde_json::json!({"accounts": [{
        "id": "123456789012",
        "access_key_id": "AKIAHOSTILE000000001",
        "secret_access_key": format!("x$(touch {})", marker.display()),
    }]})
    .to_string()
}
