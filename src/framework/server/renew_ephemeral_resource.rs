//! RenewEphemeralResource: the type extends what it opened. The protocol carries no result
//! here, so a renewal cannot change the value Terraform already handed on.

use super::{EphemeralResourceHandle, Server};
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
            private: req.private.clone(),
            ..RenewResponse::default()
        };
        let renew = async |ctx: &_| ephemeral.implementation.renew(ctx, req, &mut resp).await;
        if let Err(stopped) = self.configured(renew).await {
            resp.diagnostics
                .push(stopped.diagnostic("RenewEphemeralResource"));
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
