//! ValidateProviderConfig and the Validate*Config of every kind of type: the schema's rules,
//! then the type's own checks. Values may be unknown; the provider need not be configured.

use super::{Handle, Kind, Server, validation::validate_block};
use crate::cty::AttributePath;
use crate::framework::provider::Provider;
use crate::framework::resource::{ValidateConfigRequest, ValidateConfigResponse};

impl<P: Provider> Server<P> {
    /// Checks the configuration of the type `handle` serves, of any kind: schema rules, then
    /// the type's own checks.
    pub async fn validate_config<T: Kind + ?Sized>(
        &self,
        handle: &Handle<T>,
        req: ValidateConfigRequest,
    ) -> ValidateConfigResponse {
        let mut resp = ValidateConfigResponse::default();
        validate_block(
            &handle.schema().block,
            &AttributePath::default(),
            &req.config,
            &req.config,
            &mut resp.diagnostics,
        );
        handle.implementation.validate_config(req, &mut resp).await;
        resp
    }

    /// Checks the provider block: [`Server::validate_config`] on [`Server::provider`].
    pub async fn validate_provider_config(
        &self,
        req: ValidateConfigRequest,
    ) -> ValidateConfigResponse {
        self.validate_config(&self.provider, req).await
    }
}

#[cfg(test)]
#[path = "validate_config_tests.rs"]
mod tests;
