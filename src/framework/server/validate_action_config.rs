//! ValidateActionConfig: schema rules, then the action's own checks.

use super::validate_config::schema_checks;
use super::{ActionHandle, Server};
use crate::framework::action::{ValidateConfigRequest, ValidateConfigResponse};
use crate::framework::provider::Provider;

impl<P: Provider> Server<P> {
    /// Checks an action's configuration. Values may be unknown; the provider need not be
    /// configured.
    pub async fn validate_action_config(
        &self,
        action: &ActionHandle<P::Data>,
        req: ValidateConfigRequest,
    ) -> ValidateConfigResponse {
        let mut resp = schema_checks(action, &req);
        action.implementation.validate_config(req, &mut resp).await;
        resp
    }
}
