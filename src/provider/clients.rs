//! The [`Aws`] clients every resource and data source receives, built from the provider
//! settings through `aws-config`.
//!
//! Precedence follows `hashicorp/aws`: explicit settings, then the standard environment
//! variables and shared config files. Nothing here calls the network: credentials are
//! resolved (and roles assumed) on the first API call, and the region never comes from the
//! instance metadata service.

use aws_config::meta::region::RegionProviderChain;
use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::profile::ProfileFileRegionProvider;
use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::{BehaviorVersion, Region};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_runtime::env_config::file::{
    EnvConfigFileKind as ProfileFileKind, EnvConfigFiles as ProfileFiles,
};
use aws_types::os_shim_internal::{Env, Fs};

use super::config::{ProviderConfig, RetryMode};
use crate::aws::{Aws, Endpoints, PropagationWait};
use crate::framework::diagnostics::Diagnostic;

/// Region used when neither the configuration, the environment nor the profile names one.
/// IAM and Organizations are global services served from us-east-1.
pub const DEFAULT_REGION: &str = "us-east-1";

fn profile_files(settings: &ProviderConfig) -> Option<ProfileFiles> {
    if settings.shared_config_files.is_empty() && settings.shared_credentials_files.is_empty() {
        return None;
    }
    let mut builder = ProfileFiles::builder()
        .include_default_config_file(settings.shared_config_files.is_empty())
        .include_default_credentials_file(settings.shared_credentials_files.is_empty());
    for file in &settings.shared_config_files {
        builder = builder.with_file(ProfileFileKind::Config, file);
    }
    for file in &settings.shared_credentials_files {
        builder = builder.with_file(ProfileFileKind::Credentials, file);
    }
    Some(builder.build())
}

fn region_chain(settings: &ProviderConfig, files: Option<&ProfileFiles>) -> RegionProviderChain {
    let mut profile_region = ProfileFileRegionProvider::builder();
    if let Some(files) = files {
        profile_region = profile_region.profile_files(files.clone());
    }
    if let Some(profile) = &settings.profile {
        profile_region = profile_region.profile_name(profile);
    }
    // The region matters only to STS: IAM and Organizations are always signed for us-east-1.
    let configured = settings.sts_region.as_ref().or(settings.region.as_ref());
    RegionProviderChain::first_try(configured.cloned().map(Region::new))
        .or_else(aws_config::environment::EnvironmentVariableRegionProvider::new())
        .or_else(profile_region.build())
        .or_else(Region::from_static(DEFAULT_REGION))
}

/// Retries when neither the provider block nor `AWS_MAX_ATTEMPTS` says otherwise. The SDK's own
/// default (2 retries) gives up during the bursts of throttling and ConcurrentModification that
/// Organizations produces when many registrations change at once.
pub const DEFAULT_MAX_RETRIES: u32 = 10;

fn retry_config(settings: &ProviderConfig) -> Option<RetryConfig> {
    let env_attempts = std::env::var_os("AWS_MAX_ATTEMPTS").is_some();
    let max_retries = settings
        .max_retries
        .or((!env_attempts).then_some(DEFAULT_MAX_RETRIES));
    if max_retries.is_none() && settings.retry_mode.is_none() {
        return None;
    }
    let config = match settings.retry_mode {
        Some(RetryMode::Adaptive) => RetryConfig::adaptive(),
        Some(RetryMode::Standard) | None => RetryConfig::standard(),
    };
    Some(match max_retries {
        Some(retries) => config.with_max_attempts(retries.saturating_add(1)),
        None => config,
    })
}

/// The error for a profile that would give the credentials and that no shared file defines
/// ([`super::profile::missing`]), from the real environment and files.
pub async fn missing_profile(settings: &ProviderConfig) -> Option<Diagnostic> {
    super::profile::missing(
        settings,
        profile_files(settings).as_ref(),
        &Fs::real(),
        &Env::real(),
    )
    .await
}

/// Builds the clients. Only reads the environment and the shared config files.
pub async fn build(settings: &ProviderConfig) -> Aws {
    let files = profile_files(settings);
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(region_chain(settings, files.as_ref()));
    if let Some(files) = &files {
        loader = loader.profile_files(files.clone());
    }
    if let Some(profile) = &settings.profile {
        loader = loader.profile_name(profile);
        // An explicit profile wins over credentials in the environment, as in hashicorp/aws.
        let mut provider = ProfileFileCredentialsProvider::builder().profile_name(profile);
        if let Some(files) = &files {
            provider = provider.profile_files(files.clone());
        }
        loader = loader.credentials_provider(provider.build());
    }
    if let (Some(access_key), Some(secret_key)) = (&settings.access_key, &settings.secret_key) {
        loader = loader.credentials_provider(Credentials::new(
            access_key,
            secret_key.expose(),
            settings.token.as_ref().map(|t| t.expose().to_owned()),
            None,
            "centralroot-provider-block",
        ));
    }
    if let Some(use_fips) = settings.use_fips {
        loader = loader.use_fips(use_fips);
    }
    if let Some(use_dual_stack) = settings.use_dual_stack {
        loader = loader.use_dual_stack(use_dual_stack);
    }
    if let Some(retry) = retry_config(settings) {
        loader = loader.retry_config(retry);
    }
    let mut sdk_config = loader.load().await;

    if let Some(role) = &settings.assume_role {
        // The role is assumed through STS, so through the STS endpoint override too.
        let sts_base = match &settings.endpoints.sts {
            Some(url) => sdk_config.to_builder().endpoint_url(url).build(),
            None => sdk_config.clone(),
        };
        let mut builder = AssumeRoleProvider::builder(&role.role_arn)
            .session_name(
                role.session_name
                    .clone()
                    .unwrap_or_else(|| "terraform-provider-centralroot".to_owned()),
            )
            .configure(&sts_base);
        if let Some(external_id) = &role.external_id {
            builder = builder.external_id(external_id);
        }
        if let Some(duration) = role.duration {
            builder = builder.session_length(duration);
        }
        if let Some(policy) = &role.policy {
            builder = builder.policy(policy);
        }
        if !role.policy_arns.is_empty() {
            builder = builder.policy_arns(role.policy_arns.clone());
        }
        if !role.tags.is_empty() {
            builder = builder.tags(role.tags.clone());
        }
        let provider = builder.build().await;
        sdk_config = sdk_config
            .into_builder()
            .credentials_provider(SharedCredentialsProvider::new(provider))
            .build();
    }
    tracing::debug!(
        region = ?sdk_config.region(),
        assume_role = settings.assume_role.is_some(),
        custom_endpoints = ?settings.endpoints,
        "AWS clients configured"
    );

    let endpoints = Endpoints {
        profile: settings.profile.clone(),
        ..settings.endpoints.clone()
    };
    Aws::new(&sdk_config, &endpoints, PropagationWait::default())
}
