//! Where each service is reached, where that endpoint came from, and what happens when nothing
//! answers there.
//!
//! The SDK reports a refused connection as a bare I/O error, without the URL, and retries it as
//! it retries throttling: ten times with back-off, over a minute or more. Every client carries an
//! [`EndpointReach`] interceptor that labels a failed connection with the endpoint it went to and
//! the setting that chose it, and a [`RefusedConnectionClassifier`] that retries a refusal
//! quickly, a few times, and then gives up: a service that refuses connections is not busy, it
//! is not there.

use std::fmt;
use std::time::Duration;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextMut, InterceptorContext,
};
use aws_smithy_runtime_api::client::orchestrator::OrchestratorError;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::retries::RequestAttempts;
use aws_smithy_runtime_api::client::retries::classifiers::{
    ClassifyRetry, RetryAction, RetryClassifierPriority,
};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};
use aws_smithy_types::retry::ErrorKind as RetryKind;
use aws_types::SdkConfig;
use aws_types::origin::Origin;
use aws_types::service_config::ServiceConfigKey;

/// How many attempts a call gets while its endpoint refuses connections.
pub const REFUSED_ATTEMPTS: u32 = 3;
/// The pause before another attempt at an endpoint that refused the connection.
pub const REFUSED_RETRY_DELAY: Duration = Duration::from_millis(250);

/// One of the services the provider calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    /// AWS Identity and Access Management.
    Iam,
    /// AWS Organizations.
    Organizations,
    /// AWS Security Token Service.
    Sts,
    /// Amazon S3.
    S3,
    /// Amazon SQS.
    Sqs,
}

impl Service {
    /// The service's name as AWS writes it in prose.
    pub fn name(self) -> &'static str {
        match self {
            Service::Iam => "IAM",
            Service::Organizations => "Organizations",
            Service::Sts => "STS",
            Service::S3 => "S3",
            Service::Sqs => "SQS",
        }
    }

    /// The variable that sets this service's endpoint alone.
    pub fn environment_variable(self) -> &'static str {
        match self {
            Service::Iam => "AWS_ENDPOINT_URL_IAM",
            Service::Organizations => "AWS_ENDPOINT_URL_ORGANIZATIONS",
            Service::Sts => "AWS_ENDPOINT_URL_STS",
            Service::S3 => "AWS_ENDPOINT_URL_S3",
            Service::Sqs => "AWS_ENDPOINT_URL_SQS",
        }
    }

    /// The key of the SDK's service-specific settings (the service ID of its model). The
    /// models of these five services name them as AWS does in prose.
    fn service_id(self) -> &'static str {
        self.name()
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The setting that chose a service's endpoint, in the SDK's order of precedence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointSource {
    /// Given to the clients by the caller: the provider's own configuration.
    Configured,
    /// `AWS_ENDPOINT_URL_<SERVICE>`, e.g. `AWS_ENDPOINT_URL_IAM`.
    ServiceEnvironment(&'static str),
    /// The `services` section that a profile of the shared config file points at.
    ProfileServices(String),
    /// `AWS_ENDPOINT_URL`, for every service.
    Environment,
    /// `endpoint_url` of a profile of the shared config file, for every service.
    Profile(String),
    /// Nothing: AWS's own endpoint for the service (and Region).
    AwsDefault,
}

impl EndpointSource {
    /// Which setting chooses `service`'s endpoint, as the SDK decides: the caller's own URL
    /// (`configured`), then `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, the service's
    /// entry in a profile's `services` section, a profile's `endpoint_url`, and AWS's default.
    /// `profile` is the profile the configuration was loaded with when the caller named one;
    /// `env` reads the environment.
    pub fn of(
        service: Service,
        configured: bool,
        config: &SdkConfig,
        profile: Option<&str>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Self {
        let set = |name: &str| env(name).is_some_and(|value| !value.is_empty());
        let profile = || {
            profile
                .map(str::to_owned)
                .or_else(|| env("AWS_PROFILE").filter(|p| !p.is_empty()))
                .unwrap_or_else(|| "default".to_owned())
        };
        if configured {
            return Self::Configured;
        }
        if set(service.environment_variable()) {
            return Self::ServiceEnvironment(service.environment_variable());
        }
        // What the service's client reads: the environment, then the profile, each with the
        // service's own setting before the shared one.
        let for_service = ServiceConfigKey::builder()
            .service_id(service.service_id())
            .env("AWS_ENDPOINT_URL")
            .profile("endpoint_url")
            .build()
            .ok()
            .and_then(|key| config.service_config()?.load_config(key));
        let shared = config.endpoint_url();
        match for_service {
            Some(_) if set("AWS_ENDPOINT_URL") => Self::Environment,
            Some(url) if Some(url.as_str()) != shared => Self::ProfileServices(profile()),
            Some(_) => Self::Profile(profile()),
            None if shared.is_none() => Self::AwsDefault,
            None if config.get_origin("endpoint_url") == Origin::shared_profile_file() => {
                Self::Profile(profile())
            }
            None => Self::Environment,
        }
    }
}

/// Where a call went: the service, the URL it was sent to, and the setting that chose it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The service called.
    pub service: Service,
    /// Scheme, host and port the request was sent to, e.g. `https://iam.amazonaws.com`.
    pub url: String,
    /// The setting that chose the URL.
    pub source: EndpointSource,
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} endpoint {}", self.service, self.url)
    }
}

/// The part of a request URI that names the endpoint: scheme, host and port.
fn base_url(uri: &str) -> &str {
    let host_start = uri.find("://").map_or(0, |i| i + 3);
    match uri[host_start..].find(['/', '?']) {
        Some(end) => &uri[..host_start + end],
        None => uri,
    }
}

/// A connection attempt that failed, labelled with where it went; the SDK's own error is its
/// source.
#[derive(Debug)]
pub struct Unreachable {
    /// Where the attempt went.
    pub endpoint: Endpoint,
    /// Whether the endpoint refused the connection (nothing listens there).
    pub refused: bool,
    /// Which attempt of the call this was, from 1.
    pub attempt: u32,
    cause: BoxError,
}

impl fmt::Display for Unreachable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.refused {
            "refused the connection"
        } else {
            "could not be reached"
        };
        write!(f, "{} {what} (attempt {})", self.endpoint, self.attempt)
    }
}

impl std::error::Error for Unreachable {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.cause.as_ref())
    }
}

impl Unreachable {
    /// The label a failed call carries, if its connection failed.
    pub fn find<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a Unreachable> {
        chain(err).find_map(|e| e.downcast_ref::<Unreachable>())
    }
}

/// `err` and its sources.
pub(crate) fn chain<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(err), |e| e.source())
}

/// Whether the operating system reported a refused connection somewhere in `err`'s sources.
fn is_refused(err: &(dyn std::error::Error + 'static)) -> bool {
    chain(err).any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::ConnectionRefused)
    })
}

/// The URL of the attempt in flight, kept between sending it and its outcome.
#[derive(Debug, Clone)]
struct AttemptUrl(String);

impl Storable for AttemptUrl {
    type Storer = StoreReplace<Self>;
}

/// Labels the connection failures of one client with its endpoint (see the module).
#[derive(Debug, Clone)]
pub struct EndpointReach {
    service: Service,
    source: EndpointSource,
}

impl EndpointReach {
    /// The interceptor for the client of `service`, whose endpoint `source` chose.
    pub fn new(service: Service, source: EndpointSource) -> Self {
        Self { service, source }
    }

    /// The setting that chose the endpoint.
    pub fn source(&self) -> &EndpointSource {
        &self.source
    }
}

/// The kind of a connector error, so a labelled one is retried as the original would be.
#[derive(Clone, Copy)]
enum ConnectorKind {
    Io,
    Timeout,
    User,
    Other(Option<RetryKind>),
}

impl ConnectorKind {
    fn of(err: &ConnectorError) -> Self {
        if err.is_io() {
            Self::Io
        } else if err.is_timeout() {
            Self::Timeout
        } else if err.is_user() {
            Self::User
        } else {
            Self::Other(err.as_other())
        }
    }

    fn with(self, source: BoxError) -> ConnectorError {
        match self {
            Self::Io => ConnectorError::io(source),
            Self::Timeout => ConnectorError::timeout(source),
            Self::User => ConnectorError::user(source),
            Self::Other(kind) => ConnectorError::other(source, kind),
        }
    }
}

impl Intercept for EndpointReach {
    fn name(&self) -> &'static str {
        "EndpointReach"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let url = base_url(context.request().uri()).to_owned();
        cfg.interceptor_state().store_put(AttemptUrl(url));
        Ok(())
    }

    fn modify_before_attempt_completion(
        &self,
        context: &mut FinalizerInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(Err(err)) = context.output_or_error_mut() else {
            return Ok(());
        };
        let Some(connector) = err.as_connector_error() else {
            return Ok(());
        };
        // A failure before anything was sent (credentials, signing) has no URL: not ours.
        let Some(AttemptUrl(url)) = cfg.load::<AttemptUrl>().cloned() else {
            return Ok(());
        };
        let kind = ConnectorKind::of(connector);
        let refused = is_refused(connector);
        let placeholder = OrchestratorError::other("replaced by its labelled copy");
        let original = std::mem::replace(err, placeholder);
        let label = Unreachable {
            endpoint: Endpoint {
                service: self.service,
                url,
                source: self.source.clone(),
            },
            refused,
            attempt: cfg.load::<RequestAttempts>().map_or(1, |a| a.attempts()),
            cause: Box::new(original),
        };
        *err = OrchestratorError::connector(kind.with(Box::new(label)));
        Ok(())
    }
}

/// Retries a refused connection [`REFUSED_ATTEMPTS`] times in all, [`REFUSED_RETRY_DELAY`]
/// apart, whatever the retry settings say for throttling; other failures are left to the SDK.
#[derive(Debug, Default, Clone, Copy)]
pub struct RefusedConnectionClassifier;

impl ClassifyRetry for RefusedConnectionClassifier {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        let Some(Err(err)) = ctx.output_or_error() else {
            return RetryAction::NoActionIndicated;
        };
        let Some(label) = err.as_connector_error().and_then(|c| Unreachable::find(c)) else {
            return RetryAction::NoActionIndicated;
        };
        if !label.refused {
            RetryAction::NoActionIndicated
        } else if label.attempt < REFUSED_ATTEMPTS {
            RetryAction::retryable_error_with_explicit_delay(
                RetryKind::TransientError,
                REFUSED_RETRY_DELAY,
            )
        } else {
            RetryAction::RetryForbidden
        }
    }

    fn name(&self) -> &'static str {
        "RefusedConnection"
    }

    fn priority(&self) -> RetryClassifierPriority {
        // After the SDK's transient-error classifier, which would retry with back-off.
        RetryClassifierPriority::run_after(RetryClassifierPriority::transient_error_classifier())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_url_keeps_scheme_host_and_port() {
        assert_eq!(
            base_url("http://127.0.0.1:4566/?Action=GetUser"),
            "http://127.0.0.1:4566"
        );
        assert_eq!(
            base_url("https://iam.amazonaws.com/"),
            "https://iam.amazonaws.com"
        );
        assert_eq!(
            base_url("https://sts.eu-west-1.amazonaws.com"),
            "https://sts.eu-west-1.amazonaws.com"
        );
    }

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        }
    }

    #[test]
    fn sources_follow_the_sdk_s_precedence() {
        let bare = SdkConfig::builder().build();
        let of = |configured, config: &SdkConfig, vars: &[(&str, &str)]| {
            EndpointSource::of(Service::Iam, configured, config, None, env(vars))
        };
        assert_eq!(of(true, &bare, &[]), EndpointSource::Configured);
        assert_eq!(of(false, &bare, &[]), EndpointSource::AwsDefault);
        let shared = SdkConfig::builder()
            .endpoint_url("http://127.0.0.1:4566")
            .build();
        assert_eq!(of(false, &shared, &[]), EndpointSource::Environment);
        let mut from_profile = SdkConfig::builder().endpoint_url("http://localhost:1");
        from_profile.insert_origin("endpoint_url", Origin::shared_profile_file());
        let from_profile = from_profile.build();
        assert_eq!(
            EndpointSource::of(
                Service::Sts,
                false,
                &from_profile,
                Some("sandbox"),
                env(&[("AWS_PROFILE", "other")])
            ),
            EndpointSource::Profile("sandbox".into()),
            "the profile the caller named wins over AWS_PROFILE"
        );
        assert_eq!(
            EndpointSource::of(Service::Sts, false, &from_profile, None, env(&[])),
            EndpointSource::Profile("default".into())
        );
    }

    /// The SDK's service-specific settings, as its loader reads them from the environment and
    /// the profile: here, one URL for IAM.
    #[derive(Debug)]
    struct IamOnly(&'static str);

    impl aws_types::service_config::LoadServiceConfig for IamOnly {
        fn load_config(&self, key: ServiceConfigKey<'_>) -> Option<String> {
            (key.service_id() == "IAM").then(|| self.0.to_owned())
        }
    }

    #[test]
    fn a_service_s_own_setting_is_told_apart_from_the_shared_one() {
        let config = SdkConfig::builder()
            .service_config(IamOnly("http://localhost:2"))
            .build();
        let of = |service, vars: &[(&str, &str)]| {
            EndpointSource::of(service, false, &config, Some("rehearsal"), env(vars))
        };
        assert_eq!(
            of(Service::Iam, &[]),
            EndpointSource::ProfileServices("rehearsal".into())
        );
        assert_eq!(
            of(
                Service::Iam,
                &[("AWS_ENDPOINT_URL_IAM", "http://localhost:2")]
            ),
            EndpointSource::ServiceEnvironment("AWS_ENDPOINT_URL_IAM")
        );
        assert_eq!(
            of(Service::Iam, &[("AWS_ENDPOINT_URL", "http://localhost:2")]),
            EndpointSource::Environment
        );
        assert_eq!(of(Service::Sts, &[]), EndpointSource::AwsDefault);
    }

    #[test]
    fn a_label_names_the_endpoint_and_the_attempt() {
        let label = Unreachable {
            endpoint: Endpoint {
                service: Service::Organizations,
                url: "http://127.0.0.1:4566".into(),
                source: EndpointSource::Environment,
            },
            refused: true,
            attempt: 3,
            cause: std::io::Error::from(std::io::ErrorKind::ConnectionRefused).into(),
        };
        assert_eq!(
            label.to_string(),
            "Organizations endpoint http://127.0.0.1:4566 refused the connection (attempt 3)"
        );
        assert!(is_refused(&label));
        assert!(Unreachable::find(&label).is_some());
    }
}
