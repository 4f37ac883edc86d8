//! ReadResource: the resource refreshes the stored state; nothing unknown may remain, and
//! the identity keeps what was stored.

use super::identity::{self, Kept};
use super::invariants::unknown_after;
use super::{ResourceHandle, Server, Stopped, interrupted};
use crate::cty::Value;
use crate::framework::provider::Provider;
use crate::framework::resource::{ReadRequest, ReadResponse};
use crate::framework::values::unknown_as_null;

impl<P: Provider> Server<P> {
    /// Refreshes a resource. A null result removes it from state.
    ///
    /// On errors (interruption included) the answer holds whatever the resource's response
    /// held, which starts as the stored state, and the stored identity: Terraform keeps its
    /// stored state whenever a read has errors, so no second copy is kept for that case.
    pub async fn read_resource(
        &self,
        resource: &ResourceHandle<P::Data>,
        req: ReadRequest,
    ) -> ReadResponse {
        let stored_identity = identity::resolve(resource, req.identity.clone(), &Value::Null);
        let mut resp = ReadResponse {
            state: req.state.clone(),
            private: req.private.clone(),
            ..ReadResponse::default()
        };
        if req.state.is_null() {
            return resp;
        }
        let read = async |ctx: &_| resource.implementation.read(ctx, req, &mut resp).await;
        match self.configured(read).await {
            Err(Stopped::NotConfigured(diag)) => {
                return ReadResponse {
                    identity: stored_identity,
                    diagnostics: diag.into(),
                    ..resp
                };
            }
            Err(Stopped::Interrupted) => resp.diagnostics.push(interrupted("ReadResource")),
            Ok(()) => resp.diagnostics.extend(unknown_after(
                "Read",
                "resource",
                "refreshing",
                &resp.state,
            )),
        }
        resp.state = unknown_as_null(resp.state);
        let given = std::mem::replace(&mut resp.identity, stored_identity.clone());
        if !resp.diagnostics.has_errors() {
            let kept = Kept {
                prior_label: "Current Identity",
                prior: &stored_identity,
                new_label: "New Identity",
            };
            match identity::after(resource, "Read", given, &resp.state, Some(kept)) {
                Ok(identity) => resp.identity = identity,
                Err(diags) => resp.diagnostics.extend(diags),
            }
        }
        resp
    }
}

#[cfg(test)]
#[path = "read_resource_tests.rs"]
mod tests;
