//! ApplyResourceChange: create, update or delete, then the invariants.

use super::invariants::check_applied;
use super::{Server, interrupted, interruptible};
use crate::cty::Value;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::provider::Provider;
use crate::framework::resource::{
    CreateRequest, CreateResponse, DeleteRequest, DeleteResponse, UpdateRequest, UpdateResponse,
};
use crate::framework::values::unknown_as_null;

/// ApplyResourceChange input, decoded.
#[derive(Debug, Clone)]
pub struct ApplyResourceChangeRequest {
    /// The prior state; null on create.
    pub prior_state: Value,
    /// The planned state; null on destroy.
    pub planned_state: Value,
    /// The configuration; null on destroy.
    pub config: Value,
    /// Private data from planning.
    pub planned_private: Vec<u8>,
}

/// ApplyResourceChange output.
#[derive(Debug)]
pub struct ApplyResourceChangeResponse {
    /// The new state (null after delete); never holds unknown values.
    pub new_state: Value,
    /// Private data to store.
    pub private: Vec<u8>,
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
}

impl<P: Provider> Server<P> {
    /// Applies a planned change.
    pub async fn apply_resource_change(
        &self,
        type_name: &str,
        req: ApplyResourceChangeRequest,
    ) -> ApplyResourceChangeResponse {
        let unchanged = |req: &ApplyResourceChangeRequest, diagnostics: Diagnostics| {
            ApplyResourceChangeResponse {
                new_state: req.prior_state.clone(),
                private: req.planned_private.clone(),
                diagnostics,
            }
        };
        let entry = match self.resource(type_name) {
            Ok(entry) => entry,
            Err(diag) => return unchanged(&req, diag.into()),
        };
        let ctx = match self.context() {
            Ok(ctx) => ctx,
            Err(diag) => return unchanged(&req, diag.into()),
        };
        let resource = &entry.resource;
        let token = ctx.cancellation();

        if req.planned_state.is_null() {
            let mut resp = DeleteResponse::default();
            let delete = DeleteRequest {
                state: req.prior_state.clone(),
                private: req.planned_private.clone(),
            };
            if interruptible(token, resource.delete(&ctx, delete, &mut resp))
                .await
                .is_none()
            {
                return unchanged(&req, interrupted("delete").into());
            }
            if resp.diagnostics.has_errors() {
                return unchanged(&req, resp.diagnostics);
            }
            return ApplyResourceChangeResponse {
                new_state: Value::Null,
                private: Vec::new(),
                diagnostics: resp.diagnostics,
            };
        }

        let (operation, state, private, mut diagnostics) = if req.prior_state.is_null() {
            let mut resp = CreateResponse::default();
            let create = CreateRequest {
                config: req.config.clone(),
                planned_state: req.planned_state.clone(),
                planned_private: req.planned_private.clone(),
            };
            if interruptible(token, resource.create(&ctx, create, &mut resp))
                .await
                .is_none()
            {
                return unchanged(&req, interrupted("create").into());
            }
            ("Create", resp.state, resp.private, resp.diagnostics)
        } else {
            let mut resp = UpdateResponse {
                state: req.planned_state.clone(),
                private: req.planned_private.clone(),
                diagnostics: Diagnostics::new(),
            };
            let update = UpdateRequest {
                config: req.config.clone(),
                planned_state: req.planned_state.clone(),
                prior_state: req.prior_state.clone(),
                planned_private: req.planned_private.clone(),
            };
            if interruptible(token, resource.update(&ctx, update, &mut resp))
                .await
                .is_none()
            {
                return unchanged(&req, interrupted("update").into());
            }
            ("Update", resp.state, resp.private, resp.diagnostics)
        };

        if diagnostics.has_errors() {
            // Terraform keeps what we return (tainted after a create): keep whatever the
            // resource managed to record, minus the unknowns Terraform would reject.
            let new_state = if state.is_null() && operation == "Update" {
                req.prior_state.clone()
            } else {
                unknown_as_null(state)
            };
            return ApplyResourceChangeResponse {
                new_state,
                private,
                diagnostics,
            };
        }
        let problems = check_applied(operation, &req.planned_state, &state);
        let new_state = if problems.has_errors() {
            tracing::error!(type_name, operation, "resource broke the apply invariants");
            if state.is_null() && operation == "Update" {
                req.prior_state.clone()
            } else {
                unknown_as_null(state)
            }
        } else {
            state
        };
        diagnostics.extend(problems);
        ApplyResourceChangeResponse {
            new_state,
            private,
            diagnostics,
        }
    }
}
