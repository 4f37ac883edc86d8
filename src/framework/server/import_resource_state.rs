//! ImportResourceState: the resource turns an ID into a state, starting from the schema's
//! empty value.

use super::{ResourceHandle, Server, interrupted, interruptible};
use crate::cty::Value;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::provider::Provider;
use crate::framework::resource::{ImportStateRequest, ImportStateResponse};
use crate::framework::values::unknown_as_null;

impl<P: Provider> Server<P> {
    /// Imports an existing object by ID through the resource's `import_state`. The state,
    /// for Terraform to refresh with ReadResource next, is null whenever there are errors.
    pub async fn import_resource_state(
        &self,
        resource: &ResourceHandle<P::Data>,
        req: ImportStateRequest,
    ) -> ImportStateResponse {
        let fail = |diagnostics: Diagnostics| ImportStateResponse {
            state: Value::Null,
            private: Vec::new(),
            diagnostics,
        };
        let ctx = match self.context() {
            Ok(ctx) => ctx,
            Err(diag) => return fail(diag.into()),
        };
        let mut resp = ImportStateResponse {
            state: resource.schema().empty_value(),
            private: Vec::new(),
            diagnostics: Diagnostics::new(),
        };
        let work = resource.implementation.import_state(&ctx, req, &mut resp);
        if interruptible(ctx.cancellation(), work).await.is_none() {
            return fail(interrupted("ImportResourceState").into());
        }
        if resp.diagnostics.has_errors() {
            return fail(resp.diagnostics);
        }
        if resp.state.is_null() {
            resp.diagnostics.error(
                "Missing Resource Import State",
                "The resource returned no state for the import. This is a bug in the provider, \
                 please report it.",
            );
            return fail(resp.diagnostics);
        }
        resp.state = unknown_as_null(resp.state);
        resp
    }
}
