//! ValidateEphemeralResourceConfig: schema rules, then the type's own checks.

use super::validate_config::schema_checks;
use super::{EphemeralResourceHandle, Server};
use crate::framework::ephemeral_resource::{ValidateConfigRequest, ValidateConfigResponse};
use crate::framework::provider::Provider;

impl<P: Provider> Server<P> {
    /// Checks an ephemeral resource's configuration. Values may be unknown; the provider
    /// need not be configured.
    pub async fn validate_ephemeral_resource_config(
        &self,
        ephemeral: &EphemeralResourceHandle<P::Data>,
        req: ValidateConfigRequest,
    ) -> ValidateConfigResponse {
        let mut resp = schema_checks(ephemeral, &req);
        ephemeral
            .implementation
            .validate_config(req, &mut resp)
            .await;
        resp
    }
}
