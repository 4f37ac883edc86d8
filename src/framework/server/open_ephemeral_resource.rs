//! OpenEphemeralResource: the type opens and fills in its configuration; the engine checks
//! the result the way Terraform will (`internal/terraform/node_resource_ephemeral.go`,
//! `ephemeralResourceOpen`: `objchange.AssertPlanValid` against the configuration) and
//! besides that it is wholly known, since Terraform hands it on to providers as it is.

use super::invariants::{check_known_config, config_mismatches};
use super::{EphemeralResourceHandle, Server, interrupted, interruptible};
use crate::cty::{AttributePath, Value};
use crate::framework::diagnostics::Diagnostics;
use crate::framework::ephemeral_resource::{OpenRequest, OpenResponse};
use crate::framework::provider::Provider;
use crate::framework::values::unknown_paths;

fn failed(diagnostics: Diagnostics) -> OpenResponse {
    OpenResponse {
        result: Value::Null,
        renew_at: None,
        private: Vec::new(),
        diagnostics,
    }
}

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
            return failed(unknown);
        }
        let ctx = match self.context() {
            Ok(ctx) => ctx,
            Err(diag) => return failed(diag.into()),
        };
        let config = req.config.clone();
        let mut resp = OpenResponse {
            result: req.config.clone(),
            renew_at: None,
            private: Vec::new(),
            diagnostics: Diagnostics::new(),
        };
        let work = ephemeral.implementation.open(&ctx, req, &mut resp);
        if interruptible(ctx.cancellation(), work).await.is_none() {
            resp.diagnostics.push(interrupted("OpenEphemeralResource"));
        } else {
            check_result(ephemeral, &config, &resp.result, &mut resp.diagnostics);
        }
        if resp.diagnostics.has_errors() {
            tracing::debug!(type_name = ephemeral.type_name(), "open failed");
            return failed(resp.diagnostics);
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
    for path in unknown_paths(result, &AttributePath::default()) {
        diags.attribute_error(
            path,
            "Unknown Value After Open",
            "The ephemeral resource left this value unknown after opening. This is a bug in \
             the provider, please report it.",
        );
    }
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
