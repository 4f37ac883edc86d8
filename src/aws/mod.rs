//! The AWS calls behind the provider: IAM organization features, Organizations trusted access
//! and delegated administrators, with error classification, retry rules and caches.
//!
//! This layer speaks AWS only: what a failure means for a configuration, and how to fix it
//! there, is said by the types that use it.
//!
//! Layout:
//! - [`operation`]: every AWS operation the provider calls, what a failure of it concerns, and
//!   what allows it (an IAM action, or a root session's task policy).
//! - [`calls`]: what each entry point of this layer may call, for the types' permissions.
//! - [`error`]: [`AwsError`], every failure classified once, with Organizations' [`Reason`].
//! - [`timestamp`]: timestamps from AWS answers, converted without panicking.
//! - [`retry`]: retry classifiers the SDK lacks (ConcurrentModificationException), and error
//!   codes read from raw answers.
//! - [`endpoint`]: where each service is reached and which setting chose it; a connection that
//!   fails is labelled with both, and a refused one is retried quickly, then given up.
//! - [`partition`]: the AWS partition of the configured Region, which the ARNs the provider
//!   writes are in.
//! - [`adaptive_limit`]: how many root sessions work at once, halved when AWS throttles.
//! - [`pacer`]: how fast root sessions are opened, learned from throttling.
//! - [`attempts`]: which attempts of one call ended without a known outcome, for the calls that
//!   must not be repeated blindly.
//! - [`features`]: IAM organization features and trusted access, with the propagation wait.
//! - [`delegated_admins`]: delegated administrators and the per-run listing cache.
//! - [`organization`]: the caller's organization (management account), described once, and
//!   where one account stands in it.
//! - [`identity`]: who the credentials belong to.
//! - [`organization_audit`]: every member's root credentials, streamed through a bounded pool.
//! - [`audit_cache`]: one audit per account per run, shared by every reader.
//! - [`root_credentials`]: a member's root credentials through one root session per operation:
//!   audit, removal of one credential, and the login profile of password recovery.
//! - [`evidence`]: what an auditor joins a root session's CloudTrail events with.
//! - [`root_removal`]: the removal of the selected kinds of root credential, step by step, for
//!   every type that removes them.
//! - [`assume_root`]: root sessions on member accounts (`sts:AssumeRoot`) and their task
//!   policies (with the feature each needs), and the refusal of the management account as a
//!   target.
//! - [`scp`]: the explicit deny of a service control policy, read from AWS's message.
//! - [`unlock`]: the unlock root tasks: a bucket policy or a queue policy that locks everyone
//!   out, read and deleted through a root session, the bucket found in its Region.

pub mod adaptive_limit;
pub mod assume_root;
pub mod attempts;
pub mod audit_cache;
pub mod calls;
pub mod delegated_admins;
pub mod endpoint;
pub mod error;
pub mod evidence;
pub mod features;
pub mod identity;
pub mod operation;
pub mod organization;
pub mod organization_audit;
pub mod pacer;
pub mod partition;
pub mod retry;
pub mod root_credentials;
pub mod root_removal;
pub mod scp;
pub mod timestamp;
pub mod unlock;

use std::sync::Arc;
use std::time::Duration;

use aws_smithy_types::timeout::TimeoutConfig;
use aws_types::SdkConfig;

use endpoint::{EndpointReach, RefusedConnectionClassifier};

pub use adaptive_limit::{AdaptiveLimit, ThrottleObserver};
pub use assume_root::{MAX_ROOT_SESSION, RootCredentials, TaskPolicy, UnknownTaskPolicy};
pub use audit_cache::AuditCache;
pub use delegated_admins::{DelegatedAdmin, DelegatedAdminCache, NewRegistration};
pub use endpoint::{Endpoint, EndpointSource, Service};
pub use error::{AwsError, ErrorKind, Reason, Subject};
pub use evidence::SessionEvidence;
pub use features::{Feature, IAM_SERVICE_PRINCIPAL, OrganizationFeatures, PropagationWait};
pub use identity::CallerIdentity;
pub use operation::Operation;
pub use organization::{Membership, Organization, OrganizationCache};
pub use organization_audit::{AccountAudit, DEFAULT_CONCURRENCY, MAX_CONCURRENCY};
pub use pacer::Pacer;
pub use partition::Partition;
pub use root_credentials::{
    CredentialKind, LoginProfileCreation, RootAccessKey, RootCredential, RootCredentialReport,
    RootSession, concerns_one_account,
};
pub use root_removal::RemovalStep;
pub use scp::ScpDenial;
pub use unlock::{BucketPolicy, QueueUrl};

/// How long one attempt of a call may take before the SDK gives up on it and retries, unless
/// the SDK configuration sets its own. The SDK has no such limit by default, so an answer that
/// never comes would hold the apply forever; IAM and Organizations answer within seconds.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

/// The AWS clients of one configured provider, and the state it shares across its calls.
#[derive(Debug)]
pub struct Aws {
    sdk_config: SdkConfig,
    iam: aws_sdk_iam::Client,
    organizations: aws_sdk_organizations::Client,
    sts: aws_sdk_sts::Client,
    s3: aws_sdk_s3::Client,
    sqs: aws_sdk_sqs::Client,
    admins: DelegatedAdminCache,
    organization: OrganizationCache,
    propagation: PropagationWait,
    root_sessions: Arc<AdaptiveLimit>,
    pacer: Pacer,
    partition: Partition,
    audits: AuditCache,
}

/// Where each service is reached, when the caller chooses it rather than the SDK's settings
/// (environment, shared config file) or AWS's default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Endpoints {
    /// IAM endpoint URL.
    pub iam: Option<String>,
    /// Organizations endpoint URL.
    pub organizations: Option<String>,
    /// STS endpoint URL.
    pub sts: Option<String>,
    /// S3 endpoint URL (requests are then path-style).
    pub s3: Option<String>,
    /// SQS endpoint URL.
    pub sqs: Option<String>,
    /// The profile the SDK configuration was loaded with, when the caller named one (the SDK
    /// otherwise takes `AWS_PROFILE`, or `default`): an endpoint that a profile sets is
    /// reported under its name.
    pub profile: Option<String>,
}

impl Endpoints {
    /// What labels the connection failures of `service`'s client, and the URL the caller chose.
    fn reach(&self, service: Service, config: &SdkConfig) -> (EndpointReach, Option<&String>) {
        let url = match service {
            Service::Iam => self.iam.as_ref(),
            Service::Organizations => self.organizations.as_ref(),
            Service::Sts => self.sts.as_ref(),
            Service::S3 => self.s3.as_ref(),
            Service::Sqs => self.sqs.as_ref(),
        };
        let source = EndpointSource::of(
            service,
            url.is_some(),
            config,
            self.profile.as_deref(),
            |name| std::env::var(name).ok(),
        );
        (EndpointReach::new(service, source), url)
    }
}

/// The SDK's timeouts with [`ATTEMPT_TIMEOUT`] filled in when the configuration has none.
fn timeouts(config: &SdkConfig) -> TimeoutConfig {
    let configured = config
        .timeout_config()
        .map(TimeoutConfig::to_builder)
        .unwrap_or_default();
    configured
        .take_unset_from(TimeoutConfig::builder().operation_attempt_timeout(ATTEMPT_TIMEOUT))
        .build()
}

impl Aws {
    /// Builds the clients from a loaded SDK configuration. IAM and Organizations are global
    /// Builds the clients from a loaded SDK configuration. IAM and Organizations are global
    /// services whose requests are signed for the global Region of the configured Region's
    /// partition (us-east-1 in `aws`) whatever the configured Region; S3 and SQS calls name
    /// their Region each time. S3 is addressed path-style whenever its endpoint is not AWS's
    /// own: an emulator's URL has no bucket subdomains.
    ///
    /// Only root-session traffic moves the adaptive limit on root sessions: the answers to
    /// `AssumeRoot` and to the calls made in a session, not those of the provider's own
    /// calls (features, administrators, listings).
    pub fn new(config: &SdkConfig, endpoints: &Endpoints, propagation: PropagationWait) -> Self {
        let partition = Partition::of_region(config.region().map(|r| r.as_ref()));
        let global = aws_types::region::Region::from_static(partition.global_region());
        let timeouts = timeouts(config);
        let root_sessions = Arc::new(AdaptiveLimit::new(DEFAULT_CONCURRENCY, MAX_CONCURRENCY));
        let (reach, url) = endpoints.reach(Service::Iam, config);
        let mut iam = aws_sdk_iam::config::Builder::from(config)
            .region(global.clone())
            .timeout_config(timeouts.clone())
            .interceptor(reach)
            .retry_classifier(RefusedConnectionClassifier);
        if let Some(url) = url {
            iam = iam.endpoint_url(url);
        }
        let (reach, url) = endpoints.reach(Service::Organizations, config);
        let mut organizations = aws_sdk_organizations::config::Builder::from(config)
            .region(global)
            .timeout_config(timeouts.clone())
            .retry_classifier(retry::ConcurrentModificationClassifier)
            .interceptor(reach)
            .retry_classifier(RefusedConnectionClassifier);
        if let Some(url) = url {
            organizations = organizations.endpoint_url(url);
        }
        let (reach, url) = endpoints.reach(Service::Sts, config);
        let mut sts = aws_sdk_sts::config::Builder::from(config)
            .timeout_config(timeouts.clone())
            .interceptor(reach)
            .retry_classifier(RefusedConnectionClassifier);
        if let Some(url) = url {
            sts = sts.endpoint_url(url);
        }
        let (reach, url) = endpoints.reach(Service::S3, config);
        let path_style = reach.source() != &EndpointSource::AwsDefault;
        let mut s3 = aws_sdk_s3::config::Builder::from(config)
            .timeout_config(timeouts.clone())
            .force_path_style(path_style)
            .interceptor(reach)
            .retry_classifier(RefusedConnectionClassifier);
        if let Some(url) = url {
            s3 = s3.endpoint_url(url);
        }
        let (reach, url) = endpoints.reach(Service::Sqs, config);
        let mut sqs = aws_sdk_sqs::config::Builder::from(config)
            .timeout_config(timeouts)
            .interceptor(reach)
            .retry_classifier(RefusedConnectionClassifier);
        if let Some(url) = url {
            sqs = sqs.endpoint_url(url);
        }
        Self {
            sdk_config: config.clone(),
            iam: aws_sdk_iam::Client::from_conf(iam.build()),
            organizations: aws_sdk_organizations::Client::from_conf(organizations.build()),
            sts: aws_sdk_sts::Client::from_conf(sts.build()),
            s3: aws_sdk_s3::Client::from_conf(s3.build()),
            sqs: aws_sdk_sqs::Client::from_conf(sqs.build()),
            admins: DelegatedAdminCache::default(),
            organization: OrganizationCache::default(),
            propagation,
            root_sessions,
            pacer: Pacer::default(),
            partition,
            audits: AuditCache::default(),
        }
    }

    /// The partition of the configured Region, which the ARNs the provider writes are in.
    pub fn partition(&self) -> Partition {
        self.partition
    }

    /// The SDK configuration the clients were built from (region, credentials, retries).
    pub fn sdk_config(&self) -> &SdkConfig {
        &self.sdk_config
    }

    /// The Region of the SDK configuration (the STS Region), `us-east-1` when it has none:
    /// where calls to regional services go unless they name their own.
    pub fn region(&self) -> &str {
        self.sdk_config
            .region()
            .map_or("us-east-1", |region| region.as_ref())
    }

    /// How many root sessions may work at once now: the adaptive limit, lowered by throttling.
    pub fn root_sessions_allowed(&self) -> usize {
        self.root_sessions.current()
    }

    /// How many root sessions may be opened per second now, once throttling taught it; `None`
    /// while `AssumeRoot` was never throttled (or pacing did not help).
    pub fn root_session_rate(&self) -> Option<f64> {
        self.pacer.rate()
    }

    /// The STS client, for identity checks and root sessions.
    pub fn sts(&self) -> &aws_sdk_sts::Client {
        &self.sts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_attempt_timeout_is_set_unless_configured() {
        let bare = SdkConfig::builder().build();
        assert_eq!(
            timeouts(&bare).operation_attempt_timeout(),
            Some(ATTEMPT_TIMEOUT)
        );
        let own = SdkConfig::builder()
            .timeout_config(
                TimeoutConfig::builder()
                    .operation_attempt_timeout(Duration::from_millis(200))
                    .connect_timeout(Duration::from_secs(1))
                    .build(),
            )
            .build();
        let merged = timeouts(&own);
        assert_eq!(
            merged.operation_attempt_timeout(),
            Some(Duration::from_millis(200))
        );
        assert_eq!(merged.connect_timeout(), Some(Duration::from_secs(1)));
    }
}
