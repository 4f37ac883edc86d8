//! IAM organization features and the Organizations trusted access they depend on.

use std::collections::BTreeSet;
use std::fmt;
use std::future::Future;
use std::time::Duration;

use aws_sdk_iam::types::FeatureType;
use aws_sdk_organizations::operation::enable_aws_service_access::EnableAWSServiceAccessError;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::error::organizations_error;
use super::{Aws, AwsError, ErrorKind, Operation};

/// The service principal of IAM in AWS Organizations.
pub const IAM_SERVICE_PRINCIPAL: &str = "iam.amazonaws.com";

/// A centralized root access feature of IAM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Feature {
    /// Manage and delete member accounts' root credentials.
    RootCredentialsManagement,
    /// Privileged root sessions through `sts:AssumeRoot`.
    RootSessions,
}

impl Feature {
    /// Every feature, in the order AWS lists them.
    pub const ALL: [Feature; 2] = [Feature::RootCredentialsManagement, Feature::RootSessions];

    /// The name AWS and the configuration use.
    pub fn as_str(self) -> &'static str {
        match self {
            Feature::RootCredentialsManagement => "RootCredentialsManagement",
            Feature::RootSessions => "RootSessions",
        }
    }

    /// Parses a feature name exactly as AWS spells it.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == name)
    }
}

impl fmt::Display for Feature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The organization and the features enabled in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationFeatures {
    /// `o-…`
    pub organization_id: String,
    /// The features enabled now.
    pub enabled: BTreeSet<Feature>,
}

impl OrganizationFeatures {
    fn from_parts(organization_id: Option<&str>, features: &[FeatureType]) -> Self {
        Self {
            organization_id: organization_id.unwrap_or_default().to_owned(),
            enabled: features
                .iter()
                .filter_map(|f| Feature::parse(f.as_str()))
                .collect(),
        }
    }
}

/// How long IAM may keep answering ServiceAccessNotEnabled after trusted access was enabled, and
/// how often to ask again meanwhile.
#[derive(Debug, Clone, Copy)]
pub struct PropagationWait {
    /// Give up after this long.
    pub timeout: Duration,
    /// First pause between attempts; it doubles up to `max_interval`.
    pub initial_interval: Duration,
    /// Longest pause between attempts.
    pub max_interval: Duration,
}

impl Default for PropagationWait {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(120),
            initial_interval: Duration::from_millis(250),
            max_interval: Duration::from_secs(5),
        }
    }
}

/// Sends one of IAM's parameterless organization-feature calls, which all answer the
/// organization id and the features enabled afterwards.
macro_rules! feature_call {
    ($aws:expr, $operation:expr, $method:ident) => {{
        let out = $aws
            .iam
            .$method()
            .send()
            .await
            .map_err(|e| AwsError::from_sdk($operation, e, None))?;
        Ok(OrganizationFeatures::from_parts(
            out.organization_id(),
            out.enabled_features(),
        ))
    }};
}

impl Aws {
    /// The organization's id and enabled features (`ListOrganizationsFeatures`).
    pub async fn list_features(&self) -> Result<OrganizationFeatures, AwsError> {
        feature_call!(
            self,
            Operation::ListOrganizationsFeatures,
            list_organizations_features
        )
    }

    /// Enables one feature and returns the features enabled afterwards. Enabling an enabled
    /// feature succeeds, so a retry after an attempt whose answer was lost is harmless.
    pub async fn enable_feature(&self, feature: Feature) -> Result<OrganizationFeatures, AwsError> {
        match feature {
            Feature::RootCredentialsManagement => feature_call!(
                self,
                Operation::EnableOrganizationsRootCredentialsManagement,
                enable_organizations_root_credentials_management
            ),
            Feature::RootSessions => feature_call!(
                self,
                Operation::EnableOrganizationsRootSessions,
                enable_organizations_root_sessions
            ),
        }
    }

    /// Disables one feature and returns the features still enabled; like enabling, safe to
    /// retry after a lost answer.
    pub async fn disable_feature(
        &self,
        feature: Feature,
    ) -> Result<OrganizationFeatures, AwsError> {
        match feature {
            Feature::RootCredentialsManagement => feature_call!(
                self,
                Operation::DisableOrganizationsRootCredentialsManagement,
                disable_organizations_root_credentials_management
            ),
            Feature::RootSessions => feature_call!(
                self,
                Operation::DisableOrganizationsRootSessions,
                disable_organizations_root_sessions
            ),
        }
    }

    /// Whether trusted access for `principal` is enabled (`ListAWSServiceAccessForOrganization`).
    pub async fn trusted_access_enabled(&self, principal: &str) -> Result<bool, AwsError> {
        Ok(self
            .trusted_access_principals()
            .await?
            .iter()
            .any(|p| p == principal))
    }

    /// The service principals with trusted access enabled (`ListAWSServiceAccessForOrganization`).
    pub async fn trusted_access_principals(&self) -> Result<Vec<String>, AwsError> {
        let op = Operation::ListAwsServiceAccessForOrganization;
        let mut pages = self
            .organizations
            .list_aws_service_access_for_organization()
            .max_results(20)
            .into_paginator()
            .send();
        let mut principals = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| AwsError::from_sdk(op, e, None))?;
            principals.extend(
                page.enabled_service_principals()
                    .iter()
                    .filter_map(|p| p.service_principal().map(str::to_owned)),
            );
        }
        Ok(principals)
    }

    /// Enables trusted access for IAM if it is off; returns whether it had to. Enabling it when
    /// it is on succeeds, so the SDK's retry after a lost answer is harmless.
    pub async fn ensure_iam_trusted_access(&self) -> Result<bool, AwsError> {
        if self.trusted_access_enabled(IAM_SERVICE_PRINCIPAL).await? {
            return Ok(false);
        }
        tracing::info!("enabling trusted access for {IAM_SERVICE_PRINCIPAL}");
        self.organizations
            .enable_aws_service_access()
            .service_principal(IAM_SERVICE_PRINCIPAL)
            .send()
            .await
            // The reason tells a consolidated-billing organization from other constraints.
            .map_err(|e| {
                organizations_error!(
                    Operation::EnableAwsServiceAccess,
                    e,
                    EnableAWSServiceAccessError
                )
            })?;
        Ok(true)
    }

    /// Runs `call` again while IAM still answers ServiceAccessNotEnabled, which it does for a
    /// while after trusted access was enabled, until the propagation wait runs out or `stop`
    /// is cancelled. Either way the answer is the last ServiceAccessNotEnabled. A call that was
    /// sent runs to completion: `stop` only ends the pauses between calls.
    pub async fn while_trusted_access_propagates<T, F, Fut>(
        &self,
        stop: &CancellationToken,
        mut call: F,
    ) -> Result<T, AwsError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, AwsError>>,
    {
        let wait = self.propagation;
        let started = Instant::now();
        let mut interval = wait.initial_interval;
        loop {
            match call().await {
                Err(err)
                    if err.kind == ErrorKind::ServiceAccessNotEnabled
                        && started.elapsed().saturating_add(interval) < wait.timeout =>
                {
                    tracing::debug!(
                        operation = err.operation.name(),
                        wait_ms = u64::try_from(interval.as_millis()).unwrap_or(u64::MAX),
                        "IAM does not see trusted access yet; waiting"
                    );
                    tokio::select! {
                        biased;
                        () = stop.cancelled() => {
                            tracing::info!("stopped waiting for trusted access to propagate");
                            return Err(err);
                        }
                        () = tokio::time::sleep(interval) => {}
                    }
                    interval = interval.saturating_mul(2).min(wait.max_interval);
                }
                other => return other,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feature_names_round_trip() {
        for f in Feature::ALL {
            assert_eq!(Feature::parse(f.as_str()), Some(f));
        }
        assert_eq!(Feature::parse("rootsessions"), None);
    }

    #[test]
    fn unknown_features_from_aws_are_ignored() {
        let parsed = OrganizationFeatures::from_parts(
            Some("o-abcdefghij"),
            &[FeatureType::RootSessions, FeatureType::from("SomethingNew")],
        );
        assert_eq!(parsed.enabled, BTreeSet::from([Feature::RootSessions]));
    }
}
