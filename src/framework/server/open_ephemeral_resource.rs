//! OpenEphemeralResource: the type opens and fills in its configuration; the engine checks
//! the result the way Terraform will (`internal/terraform/node_resource_ephemeral.go`,
//! `ephemeralResourceOpen`: `objchange.AssertPlanValid` against the configuration) and
//! besides that it is wholly known, since Terraform hands it on to providers as it is.

use super::invariants::{check_known_config, config_mismatches, unknown_after};
use super::{EphemeralResourceHandle, Failed, Server};
use crate::cty::Value;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::ephemeral_resource::{OpenRequest, OpenResponse};
use crate::framework::provider::Provider;

impl<P: Provider> Server<P> {
    /// Opens an ephemeral resource. With errors (interruption included) the answer holds no
    /// result, renewal or private data: Terraform then registers nothing and never renews or
    /// closes it.
    pub async fn open_ephemeral_resource(
        &self,
        ephemeral: &EphemeralResourceHandle<P::Data>,
        req: OpenRequest,
    ) -> OpenResponse {
        let unknown = check_known_config("OpenEphemeralResource", &req.config);
        if unknown.has_errors() {
            return OpenResponse::failed(unknown);
        }
        let config = req.config.clone();
        let mut resp = OpenResponse {
            result: req.config.clone(),
            ..OpenResponse::default()
        };
        let open = async |ctx: &_| ephemeral.implementation.open(ctx, req, &mut resp).await;
        match self.configured(open).await {
            Ok(()) => check_result(ephemeral, &config, &resp.result, &mut resp.diagnostics),
            Err(stopped) => resp
                .diagnostics
                .push(stopped.diagnostic("OpenEphemeralResource")),
        }
        if resp.diagnostics.has_errors() {
            tracing::debug!(type_name = ephemeral.type_name(), "open failed");
            return OpenResponse::failed(resp.diagnostics);
        }
        resp
    }
}

/// The result is present, wholly known and keeps every configured value.
fn check_result<D: Send + Sync + 'static>(
    ephemeral: &EphemeralResourceHandle<D>,
    config: &Value,
    result: &Value,
    diags: &mut Diagnostics,
) {
    if result.is_null() {
        diags.error(
            "Missing Ephemeral Resource Result",
            format!(
                "{} opened without a result. This is a bug in the provider, please report it.",
                ephemeral.type_name()
            ),
        );
        return;
    }
    diags.extend(unknown_after(
        "Open",
        "ephemeral resource",
        "opening",
        result,
    ));
    for path in config_mismatches(ephemeral.schema(), config, result) {
        diags.attribute_error(
            path,
            "Opened Value Differs From Configuration",
            "The ephemeral resource returned a value other than the configured one for this \
             attribute. This is a bug in the provider, please report it.",
        );
    }
}

#[cfg(test)]
#[path = "open_ephemeral_resource_tests.rs"]
mod tests;
