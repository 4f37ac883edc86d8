//! RenewEphemeralResource: the type extends what it opened. The protocol carries no result
//! here, so a renewal cannot change the value Terraform already handed on.

use super::{EphemeralResourceHandle, Server, interrupted, interruptible};
use crate::framework::diagnostics::Diagnostics;
use crate::framework::ephemeral_resource::{RenewRequest, RenewResponse};
use crate::framework::provider::Provider;

impl<P: Provider> Server<P> {
    /// Renews an ephemeral resource. With errors (interruption included) the answer sets no
    /// next renewal, so Terraform stops renewing; `private` stays the request's unless the
    /// type replaced it.
    pub async fn renew_ephemeral_resource(
        &self,
        ephemeral: &EphemeralResourceHandle<P::Data>,
        req: RenewRequest,
    ) -> RenewResponse {
        let mut resp = RenewResponse {
            renew_at: None,
            private: req.private.clone(),
            diagnostics: Diagnostics::new(),
        };
        let ctx = match self.context() {
            Ok(ctx) => ctx,
            Err(diag) => {
                resp.diagnostics.push(diag);
                return resp;
            }
        };
        let work = ephemeral.implementation.renew(&ctx, req, &mut resp);
        if interruptible(ctx.cancellation(), work).await.is_none() {
            resp.diagnostics.push(interrupted("RenewEphemeralResource"));
        }
        if resp.diagnostics.has_errors() {
            resp.renew_at = None;
        }
        resp
    }
}

#[cfg(test)]
#[path = "renew_ephemeral_resource_tests.rs"]
mod tests;
