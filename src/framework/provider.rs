//! The [`Provider`] trait: the provider block, configuration, and the list of types.

use std::sync::Arc;

use async_trait::async_trait;

use crate::cty::Value;
use crate::framework::action::Action;
use crate::framework::data_source::DataSource;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::ephemeral_resource::EphemeralResource;
use crate::framework::list_resource::ListResource;
use crate::framework::resource::Resource;
use crate::framework::schema::Schema;

pub use crate::framework::resource::{ValidateConfigRequest, ValidateConfigResponse};

/// `configure` input.
#[derive(Debug, Clone)]
pub struct ConfigureRequest {
    /// The provider block; may hold unknown values when it depends on other resources.
    pub config: Value,
    /// The Terraform version calling, e.g. `1.15.5` (empty if not sent).
    pub terraform_version: String,
}

/// `configure` output.
#[derive(Debug)]
pub struct ConfigureResponse<D> {
    /// What resources and data sources receive through
    /// [`Context::provider_data`](crate::framework::context::Context::provider_data).
    pub data: Option<D>,
    /// With an error, every later resource operation fails with "Provider Not Configured".
    pub diagnostics: Diagnostics,
}

impl<D> Default for ConfigureResponse<D> {
    fn default() -> Self {
        Self {
            data: None,
            diagnostics: Diagnostics::new(),
        }
    }
}

/// A type as the provider's lists give it: its full type name (e.g.
/// `centralroot_delegated_admin`) and its implementation. As in terraform-plugin-sdk's
/// `ResourcesMap`, the registration names the type; the type's own trait does not.
pub type Named<T> = (&'static str, Arc<T>);

/// A provider: the provider block, what configuring it builds, and the types it serves.
#[async_trait]
pub trait Provider: Send + Sync + 'static {
    /// What `configure` builds and every resource operation receives.
    type Data: Send + Sync + 'static;

    /// The provider's type name, the prefix of its resource types (e.g. `centralroot`).
    fn type_name(&self) -> &'static str;

    /// The provider block's schema.
    fn schema(&self) -> Schema;

    /// Checks the provider block beyond the schema's validators. Values may be unknown.
    async fn validate_config(
        &self,
        _req: ValidateConfigRequest,
        _resp: &mut ValidateConfigResponse,
    ) {
    }

    /// Builds [`Self::Data`] from the provider block. Terraform configures the provider before
    /// every command that reads or changes anything, so this should return quickly: it may call
    /// the network only for what must be checked before any type runs (such as which account
    /// the credentials belong to), and leave everything else to the first call that needs it.
    async fn configure(&self, req: ConfigureRequest, resp: &mut ConfigureResponse<Self::Data>);

    /// The managed resource types, read once when the server starts.
    fn resources(&self) -> Vec<Named<dyn Resource<Self::Data>>>;

    /// The data source types, read once when the server starts.
    fn data_sources(&self) -> Vec<Named<dyn DataSource<Self::Data>>>;

    /// The ephemeral resource types (Terraform ≥ 1.10), read once when the server starts.
    fn ephemeral_resources(&self) -> Vec<Named<dyn EphemeralResource<Self::Data>>> {
        Vec::new()
    }

    /// The action types (Terraform ≥ 1.14), read once when the server starts.
    fn actions(&self) -> Vec<Named<dyn Action<Self::Data>>> {
        Vec::new()
    }

    /// The list resource types for `terraform query`, read once when the server starts. Each
    /// is named after the managed resource type it lists, which must have an identity schema;
    /// the server refuses (and logs) any other.
    fn list_resources(&self) -> Vec<Named<dyn ListResource<Self::Data>>> {
        Vec::new()
    }
}
