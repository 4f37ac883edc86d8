//! ImportResourceState.

use super::{Server, interrupted, interruptible};
use crate::cty::Value;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::provider::Provider;
use crate::framework::resource::{ImportStateRequest, ImportStateResponse};
use crate::framework::values::unknown_as_null;

/// ImportResourceState output.
#[derive(Debug, Default)]
pub struct ImportResourceStateResponse {
    /// The imported state, for Terraform to refresh with ReadResource; `None` on failure.
    pub state: Option<Value>,
    /// Private data.
    pub private: Vec<u8>,
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
}

impl<P: Provider> Server<P> {
    /// Imports an existing object by ID through the resource's `import_state`.
    pub async fn import_resource_state(
        &self,
        type_name: &str,
        id: String,
    ) -> ImportResourceStateResponse {
        let fail = |diagnostics: Diagnostics| ImportResourceStateResponse {
            diagnostics,
            ..Default::default()
        };
        let entry = match self.resource(type_name) {
            Ok(entry) => entry,
            Err(diag) => return fail(diag.into()),
        };
        let ctx = match self.context() {
            Ok(ctx) => ctx,
            Err(diag) => return fail(diag.into()),
        };
        let mut resp = ImportStateResponse {
            state: entry.schema.empty_value(),
            private: Vec::new(),
            diagnostics: Diagnostics::new(),
        };
        let work = entry
            .resource
            .import_state(&ctx, ImportStateRequest { id }, &mut resp);
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
        ImportResourceStateResponse {
            state: Some(unknown_as_null(resp.state)),
            private: resp.private,
            diagnostics: resp.diagnostics,
        }
    }
}
