//! The `centralroot` provider: its configuration block, its validation, the AWS clients it
//! hands to its types, and the list of those types.
//!
//! Layout:
//! - [`schema`]: the provider block, following `hashicorp/aws` conventions.
//! - [`config`]: the block read into typed settings (unknown values read as unset).
//! - [`clients`]: the [`Aws`] clients, built through `aws-config` without network calls.
//! - [`profile`]: a named AWS profile that no shared file defines, reported at configure time
//!   (the SDK reports it only as missing credentials).
//! - [`account_guard`]: `allowed_account_ids` / `forbidden_account_ids`, the one check that
//!   calls AWS while the provider is configured, and only when one of them is set.
//! - [`unused_arguments`]: the other `hashicorp/aws` arguments, ignored with a warning or
//!   refused with the reason, so a copied block is explained rather than rejected.
//! - [`permissions`]: what the provider block and each type may ask of AWS, by type.
//!
//! Resources and data sources get the clients with `ctx.provider_data()` inside any method
//! taking a context. A new type is one entry, its `TYPE_NAME` and its implementation, in
//! [`CentralRootProvider::resources`], [`CentralRootProvider::data_sources`],
//! [`CentralRootProvider::ephemeral_resources`], [`CentralRootProvider::actions`] or
//! [`CentralRootProvider::list_resources`], and one in [`permissions::TYPES`] for its
//! `PERMISSIONS`.

pub mod account_guard;
pub mod clients;
pub mod config;
pub mod permissions;
pub mod profile;
pub mod schema;
pub mod unused_arguments;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use async_trait::async_trait;

use crate::aws::Aws;
use crate::cty::AttributePath;
use crate::framework::action::Action;
use crate::framework::data_source::DataSource;
use crate::framework::ephemeral_resource::EphemeralResource;
use crate::framework::list_resource::ListResource;
use crate::framework::provider::{
    ConfigureRequest, ConfigureResponse, Named, Provider, ValidateConfigRequest,
    ValidateConfigResponse,
};
use crate::framework::resource::Resource;
use crate::framework::schema::Schema;
use crate::{actions, data_sources, ephemeral_resources, list_resources, resources};

/// The provider Terraform starts: its block, the clients built from it, and its types.
#[derive(Debug, Clone, Copy, Default)]
pub struct CentralRootProvider;

#[async_trait]
impl Provider for CentralRootProvider {
    type Data = Aws;

    fn type_name(&self) -> &'static str {
        "centralroot"
    }

    fn schema(&self) -> Schema {
        schema::provider_schema()
    }

    async fn validate_config(&self, req: ValidateConfigRequest, resp: &mut ValidateConfigResponse) {
        let set = |name: &str| !req.config.get_attr(name).is_none_or(|v| v.is_null());
        let pairs = [("access_key", "secret_key"), ("secret_key", "access_key")];
        for (present, missing) in pairs {
            if set(present) && !set(missing) {
                resp.diagnostics.attribute_error(
                    AttributePath::root(missing),
                    format!("Missing {missing}"),
                    format!(
                        "{present} is set, so {missing} must be set too: static credentials \
                         need both. Set {missing}, or remove {present} to use the environment or \
                         a profile."
                    ),
                );
            }
        }
        account_guard::validate(&req.config, &mut resp.diagnostics);
        unused_arguments::validate(&req.config, &mut resp.diagnostics);
    }

    async fn configure(&self, req: ConfigureRequest, resp: &mut ConfigureResponse<Aws>) {
        let settings = config::ProviderConfig::from_value(&req.config, &mut resp.diagnostics);
        if resp.diagnostics.has_errors() {
            return;
        }
        if let Some(missing) = clients::missing_profile(&settings).await {
            resp.diagnostics.push(missing);
            return;
        }
        let aws = clients::build(&settings).await;
        if let Some(guard) = &settings.account_guard {
            guard.enforce(&aws, &mut resp.diagnostics).await;
            if resp.diagnostics.has_errors() {
                return;
            }
        }
        resp.data = Some(aws);
    }

    fn list_resources(&self) -> Vec<Named<dyn ListResource<Aws>>> {
        // A list resource is named after the managed resource type it lists.
        vec![
            (
                resources::organization_features::TYPE_NAME,
                Arc::new(list_resources::organization_features::OrganizationFeaturesList),
            ),
            (
                resources::delegated_admin::TYPE_NAME,
                Arc::new(list_resources::delegated_admin::DelegatedAdminList),
            ),
            (
                resources::root_credentials_removal::TYPE_NAME,
                Arc::new(list_resources::root_credentials_removal::RootCredentialsRemovalList),
            ),
        ]
    }

    fn resources(&self) -> Vec<Named<dyn Resource<Aws>>> {
        vec![
            (
                resources::organization_features::TYPE_NAME,
                Arc::new(resources::organization_features::OrganizationFeaturesResource),
            ),
            (
                resources::delegated_admin::TYPE_NAME,
                Arc::new(resources::delegated_admin::DelegatedAdminResource),
            ),
            (
                resources::root_credentials_removal::TYPE_NAME,
                Arc::new(resources::root_credentials_removal::RootCredentialsRemovalResource),
            ),
            (
                resources::root_password_recovery::TYPE_NAME,
                Arc::new(resources::root_password_recovery::RootPasswordRecoveryResource),
            ),
        ]
    }

    fn actions(&self) -> Vec<Named<dyn Action<Aws>>> {
        vec![
            (
                actions::allow_root_password_recovery::TYPE_NAME,
                Arc::new(actions::allow_root_password_recovery::AllowRootPasswordRecoveryAction),
            ),
            (
                actions::delete_root_credentials::TYPE_NAME,
                Arc::new(actions::delete_root_credentials::DeleteRootCredentialsAction),
            ),
            (
                actions::unlock_s3_bucket_policy::TYPE_NAME,
                Arc::new(actions::unlock_s3_bucket_policy::UnlockS3BucketPolicyAction),
            ),
            (
                actions::unlock_sqs_queue_policy::TYPE_NAME,
                Arc::new(actions::unlock_sqs_queue_policy::UnlockSqsQueuePolicyAction),
            ),
        ]
    }

    fn ephemeral_resources(&self) -> Vec<Named<dyn EphemeralResource<Aws>>> {
        vec![(
            ephemeral_resources::root_session::TYPE_NAME,
            Arc::new(ephemeral_resources::root_session::RootSessionEphemeralResource),
        )]
    }

    fn data_sources(&self) -> Vec<Named<dyn DataSource<Aws>>> {
        vec![
            (
                data_sources::organization_features::TYPE_NAME,
                Arc::new(data_sources::organization_features::OrganizationFeaturesDataSource),
            ),
            (
                data_sources::caller_identity::TYPE_NAME,
                Arc::new(data_sources::caller_identity::CallerIdentityDataSource),
            ),
            (
                data_sources::member_root_credentials::TYPE_NAME,
                Arc::new(data_sources::member_root_credentials::MemberRootCredentialsDataSource),
            ),
            (
                data_sources::organization_root_credentials::TYPE_NAME,
                Arc::new(
                    data_sources::organization_root_credentials::OrganizationRootCredentialsDataSource,
                ),
            ),
        ]
    }
}
