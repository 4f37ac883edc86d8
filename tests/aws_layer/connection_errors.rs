//! Endpoints that refuse or drop the connection, named in their errors and retried as the
//! settings say, and credentials that cannot be loaded, which are no network failure.

use std::sync::Arc;
use std::time::Duration;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_types::retry::RetryConfig;
use centralroot::aws::{Aws, Endpoints, ErrorKind, TaskPolicy};
use centralroot::types_common::advice::detail;

use crate::support::{MEMBER, quick_wait};

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
