//! The AWS calls behind the resources: IAM organization features, Organizations trusted access
//! and delegated administrators, with error classification and retry rules.
//!
//! Layout:
//! - [`error`]: [`AwsError`], every failure classified once, with the advice users see.
//! - [`retry`]: retry classifiers the SDK lacks (ConcurrentModificationException).
//! - [`features`]: IAM organization features and trusted access, with the propagation wait.
//! - [`delegated_admins`]: delegated administrators and the per-run listing cache.
//! - [`organization`]: the organization itself (id, management account, feature set), described
//!   once per process or afresh.

pub mod delegated_admins;
pub mod error;
pub mod features;
pub mod organization;
pub mod retry;

pub use delegated_admins::{DelegatedAdmin, DelegatedAdminCache};
pub use error::{AwsError, ErrorKind};
pub use features::{Feature, IAM_SERVICE_PRINCIPAL, OrganizationFeatures, PropagationWait};
pub use organization::{Organization, OrganizationCache, OrganizationInfo};

/// The AWS clients a configured provider holds, and the state it shares across resources.
#[derive(Debug)]
pub struct Aws {
    iam: aws_sdk_iam::Client,
    organizations: aws_sdk_organizations::Client,
    sts: aws_sdk_sts::Client,
    admins: DelegatedAdminCache,
    organization: OrganizationCache,
    propagation: PropagationWait,
}

/// Where each service is reached, when not at its AWS default.
#[derive(Debug, Clone, Default)]
pub struct Endpoints {
    /// IAM endpoint URL.
    pub iam: Option<String>,
    /// Organizations endpoint URL.
    pub organizations: Option<String>,
    /// STS endpoint URL.
    pub sts: Option<String>,
}

impl Aws {
    /// Builds the clients from a loaded SDK configuration. IAM and Organizations are global
    /// services whose requests are signed for us-east-1 whatever the provider's region.
    pub fn new(
        config: &aws_types::SdkConfig,
        endpoints: &Endpoints,
        propagation: PropagationWait,
    ) -> Self {
        let global = aws_types::region::Region::from_static("us-east-1");
        let mut iam = aws_sdk_iam::config::Builder::from(config).region(global.clone());
        if let Some(url) = &endpoints.iam {
            iam = iam.endpoint_url(url);
        }
        let mut organizations = aws_sdk_organizations::config::Builder::from(config)
            .region(global)
            .retry_classifier(retry::ConcurrentModificationClassifier);
        if let Some(url) = &endpoints.organizations {
            organizations = organizations.endpoint_url(url);
        }
        let mut sts = aws_sdk_sts::config::Builder::from(config);
        if let Some(url) = &endpoints.sts {
            sts = sts.endpoint_url(url);
        }
        Self {
            iam: aws_sdk_iam::Client::from_conf(iam.build()),
            organizations: aws_sdk_organizations::Client::from_conf(organizations.build()),
            sts: aws_sdk_sts::Client::from_conf(sts.build()),
            admins: DelegatedAdminCache::default(),
            organization: OrganizationCache::default(),
            propagation,
        }
    }

    /// The STS client, for identity checks and root sessions.
    pub fn sts(&self) -> &aws_sdk_sts::Client {
        &self.sts
    }
}
