//! ApplyResourceChange: create, update or delete, then the invariants.
//!
//! Terraform stores the state we answer with even when the answer carries errors: after a
//! failed create it keeps a non-null state as a tainted object, after a failed update it keeps
//! it as is, and it skips its "inconsistent result" comparison with the plan whenever there are
//! errors (`internal/terraform/node_resource_abstract_instance.go`, `apply`: the
//! `change.Action != plans.Delete && !diags.HasErrors()` guard and the
//! `diags.HasErrors() && !newVal.IsNull()` case, identical in v1.0.3 and v1.15.5). So on
//! failure or interruption the engine answers with what the resource recorded, and nothing
//! the resource did remotely is forgotten.
//!
//! `StopProvider` does not drop a change at once: it gets the server's stop grace
//! ([`super::STOP_GRACE`]) to finish, so that an AWS write in flight is recorded. A change that
//! finishes within it answers as if never interrupted; a change without errors then stays
//! untainted. Only one that outlasts the grace is abandoned, with [`interrupted_change`].

use std::time::Duration;

use super::invariants::check_applied;
use super::{ResourceHandle, Server, with_grace};
use crate::cty::Value;
use crate::framework::context::Context;
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::provider::Provider;
use crate::framework::resource::{
    CreateRequest, CreateResponse, DeleteRequest, DeleteResponse, UpdateRequest, UpdateResponse,
};
use crate::framework::values::unknown_as_null;

/// The change an ApplyResourceChange asks for, as the resource operation it becomes.
#[derive(Debug, Clone)]
pub enum Change {
    /// No prior state: `create`.
    Create(CreateRequest),
    /// Both states present: `update`.
    Update(UpdateRequest),
    /// No planned state: `delete`.
    Delete(DeleteRequest),
}

impl Change {
    /// Tells the operation apart the way Terraform does: a null planned state destroys, a
    /// null prior state creates, anything else updates in place.
    pub fn new(
        prior_state: Value,
        planned_state: Value,
        config: Value,
        planned_private: Vec<u8>,
    ) -> Self {
        if planned_state.is_null() {
            Self::Delete(DeleteRequest {
                state: prior_state,
                private: planned_private,
            })
        } else if prior_state.is_null() {
            Self::Create(CreateRequest {
                config,
                planned_state,
                planned_private,
            })
        } else {
            Self::Update(UpdateRequest {
                config,
                planned_state,
                prior_state,
                planned_private,
            })
        }
    }

    /// The answer when the operation could not start: the prior state, unchanged.
    fn unchanged(self, diagnostics: Diagnostics) -> ApplyResourceChangeResponse {
        let (new_state, private) = match self {
            Self::Create(req) => (Value::Null, req.planned_private),
            Self::Update(req) => (req.prior_state, req.planned_private),
            Self::Delete(req) => (req.state, req.private),
        };
        ApplyResourceChangeResponse {
            new_state,
            private,
            diagnostics,
        }
    }
}

/// What ApplyResourceChange answers.
#[derive(Debug)]
pub struct ApplyResourceChangeResponse {
    /// What Terraform stores: null after a delete; after a failed or interrupted create or
    /// update, what the resource had recorded (the prior state when a delete fails). Never
    /// holds unknown values.
    pub new_state: Value,
    /// Opaque data Terraform stores beside the state.
    pub private: Vec<u8>,
    /// Errors and warnings, including the engine's checks of the result.
    pub diagnostics: Diagnostics,
}

impl<P: Provider> Server<P> {
    /// Applies a planned change.
    pub async fn apply_resource_change(
        &self,
        resource: &ResourceHandle<P::Data>,
        change: Change,
    ) -> ApplyResourceChangeResponse {
        let ctx = match self.context() {
            Ok(ctx) => ctx,
            Err(diag) => return change.unchanged(diag.into()),
        };
        match change {
            Change::Delete(req) => delete(resource, &ctx, self.stop_grace, req).await,
            Change::Create(req) => {
                let planned = req.planned_state.clone();
                let mut resp = CreateResponse::default();
                let work = resource.implementation.create(&ctx, req, &mut resp);
                let finished = with_grace(ctx.cancellation(), self.stop_grace, work)
                    .await
                    .is_some();
                settle(
                    resource.type_name(),
                    "Create",
                    &planned,
                    self.stop_grace,
                    finished,
                    (resp.state, resp.private, resp.diagnostics),
                )
            }
            Change::Update(req) => {
                let planned = req.planned_state.clone();
                let mut resp = UpdateResponse {
                    state: req.prior_state.clone(),
                    private: req.planned_private.clone(),
                    diagnostics: Diagnostics::new(),
                };
                let work = resource.implementation.update(&ctx, req, &mut resp);
                let finished = with_grace(ctx.cancellation(), self.stop_grace, work)
                    .await
                    .is_some();
                settle(
                    resource.type_name(),
                    "Update",
                    &planned,
                    self.stop_grace,
                    finished,
                    (resp.state, resp.private, resp.diagnostics),
                )
            }
        }
    }
}

async fn delete<D: Send + Sync + 'static>(
    resource: &ResourceHandle<D>,
    ctx: &Context<D>,
    grace: Duration,
    req: DeleteRequest,
) -> ApplyResourceChangeResponse {
    // Kept to answer with if the delete fails: the object is then still tracked, and the
    // next refresh drops it if it is in fact gone.
    let (prior_state, private) = (req.state.clone(), req.private.clone());
    let mut resp = DeleteResponse::default();
    let work = resource.implementation.delete(ctx, req, &mut resp);
    if with_grace(ctx.cancellation(), grace, work).await.is_none() {
        resp.diagnostics.push(interrupted_change("delete", grace));
    }
    if resp.diagnostics.has_errors() {
        return ApplyResourceChangeResponse {
            new_state: prior_state,
            private,
            diagnostics: resp.diagnostics,
        };
    }
    ApplyResourceChangeResponse {
        new_state: Value::Null,
        private: Vec::new(),
        diagnostics: resp.diagnostics,
    }
}

/// The answer to a create or update from what the resource left in its response
/// (`recorded`: state, private, diagnostics), whether it `finished` or was interrupted.
fn settle(
    type_name: &str,
    operation: &str,
    planned: &Value,
    grace: Duration,
    finished: bool,
    recorded: (Value, Vec<u8>, Diagnostics),
) -> ApplyResourceChangeResponse {
    let (state, private, mut diagnostics) = recorded;
    if !finished {
        diagnostics.push(interrupted_change(&operation.to_lowercase(), grace));
    }
    if diagnostics.has_errors() {
        // Terraform rejects unknown values in a stored state; the rest is what AWS holds.
        return ApplyResourceChangeResponse {
            new_state: unknown_as_null(state),
            private,
            diagnostics,
        };
    }
    let problems = check_applied(operation, planned, &state);
    let new_state = if problems.has_errors() {
        tracing::error!(type_name, operation, "resource broke the apply invariants");
        unknown_as_null(state)
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

/// The diagnostic of a create, update or delete abandoned because Terraform sent
/// `StopProvider` and it did not finish within the `grace` it then had: its answer holds what
/// it had recorded, but the AWS call in flight when it was dropped has an unknown outcome.
fn interrupted_change(operation: &str, grace: Duration) -> Diagnostic {
    Diagnostic::error(
        "Operation interrupted",
        format!(
            "Terraform asked the provider to stop while the {operation} was running, and it \
             did not finish within the {grace:?} it was given, so it was abandoned. What it had \
             recorded is in the state, but the AWS call in flight at that moment may or may \
             not have taken effect. Run `terraform apply` to finish; if AWS then answers that \
             the object already exists, that call did take effect: import the object \
             (`terraform import`) instead of creating it again."
        ),
    )
}
