//! CloseEphemeralResource: the type releases what it opened.

use super::{EphemeralResourceHandle, Server, interruptible};
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::ephemeral_resource::{CloseRequest, CloseResponse};
use crate::framework::provider::Provider;

impl<P: Provider> Server<P> {
    /// Closes an ephemeral resource.
    pub async fn close_ephemeral_resource(
        &self,
        ephemeral: &EphemeralResourceHandle<P::Data>,
        req: CloseRequest,
    ) -> CloseResponse {
        let ctx = match self.context() {
            Ok(ctx) => ctx,
            Err(diag) => {
                return CloseResponse {
                    diagnostics: diag.into(),
                };
            }
        };
        let mut resp = CloseResponse {
            diagnostics: Diagnostics::new(),
        };
        let work = ephemeral.implementation.close(&ctx, req, &mut resp);
        if interruptible(ctx.cancellation(), work).await.is_none() {
            resp.diagnostics
                .push(interrupted_close(ephemeral.type_name()));
        }
        resp
    }
}

/// Unlike the other interruptions, something may be left open: say so.
fn interrupted_close(type_name: &str) -> Diagnostic {
    Diagnostic::error(
        "Operation interrupted",
        format!(
            "Terraform asked the provider to stop while CloseEphemeralResource was running for \
             {type_name}, so it was abandoned before it finished. What it opened may still be \
             open until it expires."
        ),
    )
}

#[cfg(test)]
#[path = "close_ephemeral_resource_tests.rs"]
mod tests;
