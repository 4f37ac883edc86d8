//! The [`DataSource`] trait: what a data source type implements.

use async_trait::async_trait;

use crate::cty::Value;
use crate::framework::context::Context;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::schema::Schema;

pub use crate::framework::resource::{ValidateConfigRequest, ValidateConfigResponse};

/// `read` input.
#[derive(Debug, Clone)]
pub struct ReadRequest {
    /// The configuration (wholly known: Terraform defers reads with unknown configuration).
    pub config: Value,
}

/// `read` output.
#[derive(Debug, Default)]
pub struct ReadResponse {
    /// The result, starting as the configuration: fill in the computed attributes.
    pub state: Value,
    /// With an error, Terraform fails the plan or apply that reads the data source.
    pub diagnostics: Diagnostics,
}

/// A data source type. `D` is the provider's configured data. Its full type name (e.g.
/// `centralroot_organization_features`) is given with it in [`Provider::data_sources`].
///
/// [`Provider::data_sources`]: crate::framework::provider::Provider::data_sources
#[async_trait]
pub trait DataSource<D: Send + Sync + 'static>: Send + Sync {
    /// The schema; read once when the server starts.
    fn schema(&self) -> Schema;

    /// Reads the data.
    async fn read(&self, ctx: &Context<D>, req: ReadRequest, resp: &mut ReadResponse);

    /// Checks the configuration beyond the schema's validators. Values may be unknown.
    async fn validate_config(
        &self,
        _req: ValidateConfigRequest,
        _resp: &mut ValidateConfigResponse,
    ) {
    }
}
