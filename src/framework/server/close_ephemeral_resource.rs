//! CloseEphemeralResource: the type releases what it opened.

use super::{EphemeralResourceHandle, Server, Stopped};
use crate::framework::diagnostics::Diagnostic;
use crate::framework::ephemeral_resource::{CloseRequest, CloseResponse};
use crate::framework::provider::Provider;

impl<P: Provider> Server<P> {
    /// Closes an ephemeral resource.
    pub async fn close_ephemeral_resource(
        &self,
        ephemeral: &EphemeralResourceHandle<P::Data>,
        req: CloseRequest,
    ) -> CloseResponse {
        let mut resp = CloseResponse::default();
        let close = async |ctx: &_| ephemeral.implementation.close(ctx, req, &mut resp).await;
        match self.configured(close).await {
            Ok(()) => {}
            Err(Stopped::NotConfigured(diag)) => resp.diagnostics.push(diag),
            Err(Stopped::Interrupted) => resp
                .diagnostics
                .push(interrupted_close(ephemeral.type_name())),
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
