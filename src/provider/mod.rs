//! The `centralroot` provider: its configuration block, its validation, and the AWS clients
//! it hands to resources.
//!
//! Layout:
//! - [`aws`]: the AWS calls behind the resources (errors, retries, caches).
//! - [`schema`]: the provider block, following `hashicorp/aws` conventions.
//! - [`config`]: the block read into typed settings (unknown values read as unset).
//! - [`clients`]: [`ProviderData`], built through `aws-config` without network calls.
//!
//! Resource authors get it with `ctx.provider_data()` inside any
//! [`Resource`](crate::framework::resource::Resource) method taking a context.

pub mod aws;
pub mod clients;
pub mod config;
pub mod schema;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use async_trait::async_trait;

pub use clients::ProviderData;

use crate::cty::AttributePath;
use crate::framework::data_source::DataSource;
use crate::framework::provider::{
    ConfigureRequest, ConfigureResponse, Provider, ValidateConfigRequest, ValidateConfigResponse,
};
use crate::framework::resource::Resource;
use crate::framework::schema::Schema;

/// The `centralroot` provider.
#[derive(Debug, Clone, Copy, Default)]
pub struct CentralRootProvider;

#[async_trait]
impl Provider for CentralRootProvider {
    type Data = ProviderData;

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
    }

    async fn configure(&self, req: ConfigureRequest, resp: &mut ConfigureResponse<ProviderData>) {
        let settings = config::ProviderConfig::from_value(&req.config, &mut resp.diagnostics);
        if resp.diagnostics.has_errors() {
            return;
        }
        resp.data = Some(ProviderData::build(&settings).await);
    }

    fn resources(&self) -> Vec<Arc<dyn Resource<ProviderData>>> {
        vec![
            Arc::new(crate::resources::OrganizationFeaturesResource),
            Arc::new(crate::resources::delegated_admin::DelegatedAdminResource),
        ]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource<ProviderData>>> {
        vec![Arc::new(
            crate::data_sources::OrganizationFeaturesDataSource,
        )]
    }
}
