//! ValidateProviderConfig, ValidateResourceConfig, ValidateDataResourceConfig.

use super::{DataSourceHandle, Handle, ResourceHandle, Server, validation::validate_block};
use crate::cty::AttributePath;
use crate::framework::provider::Provider;
use crate::framework::resource::{ValidateConfigRequest, ValidateConfigResponse};

/// The schema's rules on `req.config`: the response the type's own `validate_config` then
/// adds to.
pub(super) fn schema_checks<T: ?Sized>(
    handle: &Handle<T>,
    req: &ValidateConfigRequest,
) -> ValidateConfigResponse {
    let mut resp = ValidateConfigResponse::default();
    validate_block(
        &handle.schema().block,
        &AttributePath::default(),
        &req.config,
        &req.config,
        &mut resp.diagnostics,
    );
    resp
}

impl<P: Provider> Server<P> {
    /// Checks the provider block: schema rules, then the provider's own checks.
    pub async fn validate_provider_config(
        &self,
        req: ValidateConfigRequest,
    ) -> ValidateConfigResponse {
        let mut resp = schema_checks(&self.provider, &req);
        self.provider
            .implementation
            .validate_config(req, &mut resp)
            .await;
        resp
    }

    /// Checks a resource's configuration: schema rules, then the resource's own checks.
    pub async fn validate_resource_config(
        &self,
        resource: &ResourceHandle<P::Data>,
        req: ValidateConfigRequest,
    ) -> ValidateConfigResponse {
        let mut resp = schema_checks(resource, &req);
        resource
            .implementation
            .validate_config(req, &mut resp)
            .await;
        resp
    }

    /// Checks a data source's configuration: schema rules, then the data source's own checks.
    pub async fn validate_data_source_config(
        &self,
        data_source: &DataSourceHandle<P::Data>,
        req: ValidateConfigRequest,
    ) -> ValidateConfigResponse {
        let mut resp = schema_checks(data_source, &req);
        data_source
            .implementation
            .validate_config(req, &mut resp)
            .await;
        resp
    }
}

#[cfg(test)]
#[path = "validate_config_tests.rs"]
mod tests;
