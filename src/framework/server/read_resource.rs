//! ReadResource: the resource refreshes the stored state; nothing unknown may remain, and
//! the identity keeps what was stored.

use super::identity::{self, Kept};
use super::{ResourceHandle, Server, interrupted, interruptible};
use crate::cty::{AttributePath, Value};
use crate::framework::diagnostics::Diagnostics;
use crate::framework::provider::Provider;
use crate::framework::resource::{ReadRequest, ReadResponse};
use crate::framework::values::{unknown_as_null, unknown_paths};

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
        if req.state.is_null() {
            return ReadResponse {
                state: req.state,
                private: req.private,
                identity: Value::Null,
                diagnostics: Diagnostics::new(),
            };
        }
        let ctx = match self.context() {
            Ok(ctx) => ctx,
            Err(diag) => {
                return ReadResponse {
                    state: req.state,
                    private: req.private,
                    identity: stored_identity,
                    diagnostics: diag.into(),
                };
            }
        };
        let mut resp = ReadResponse {
            state: req.state.clone(),
            private: req.private.clone(),
            identity: Value::Null,
            diagnostics: Diagnostics::new(),
        };
        let work = resource.implementation.read(&ctx, req, &mut resp);
        if interruptible(ctx.cancellation(), work).await.is_none() {
            resp.diagnostics.push(interrupted("ReadResource"));
        } else if !resp.state.is_wholly_known() {
            for path in unknown_paths(&resp.state, &AttributePath::default()) {
                resp.diagnostics.attribute_error(
                    path,
                    "Unknown Value After Read",
                    "The resource left this value unknown after refreshing. This is a bug in the \
                     provider, please report it.",
                );
            }
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
