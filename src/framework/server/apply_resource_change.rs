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

use super::identity::{self, Kept};
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
        planned_identity: Value,
    ) -> Self {
        if planned_state.is_null() {
            Self::Delete(DeleteRequest {
                state: prior_state,
                private: planned_private,
                identity: planned_identity,
            })
        } else if prior_state.is_null() {
            Self::Create(CreateRequest {
                config,
                planned_state,
                planned_private,
                planned_identity,
            })
        } else {
            Self::Update(UpdateRequest {
                config,
                planned_state,
                prior_state,
                planned_private,
                planned_identity,
            })
        }
    }

    /// The answer when the operation could not start: the prior state, unchanged (with the
    /// identity planned for it, which is the stored one).
    fn unchanged(self, diagnostics: Diagnostics) -> ApplyResourceChangeResponse {
        let (new_state, private, new_identity) = match self {
            Self::Create(req) => (Value::Null, req.planned_private, Value::Null),
            Self::Update(req) => (req.prior_state, req.planned_private, req.planned_identity),
            Self::Delete(req) => (req.state, req.private, req.identity),
        };
        ApplyResourceChangeResponse {
            new_state,
            private,
            new_identity,
            diagnostics,
        }
    }
}

/// What ApplyResourceChange answers.
#[derive(Debug, Default)]
pub struct ApplyResourceChangeResponse {
    /// What Terraform stores: null after a delete; after a failed or interrupted create or
    /// update, what the resource had recorded (the prior state when a delete fails). Never
    /// holds unknown values.
    pub new_state: Value,
    /// Opaque data Terraform stores beside the state.
    pub private: Vec<u8>,
    /// The identity stored beside the state: null after a delete, for a type without
    /// identity, or when none could be derived from a failed operation's state.
    pub new_identity: Value,
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
                    resource,
                    "Create",
                    &planned,
                    None,
                    self.stop_grace,
                    finished,
                    resp.into(),
                )
            }
            Change::Update(req) => {
                let planned = req.planned_state.clone();
                let planned_identity =
                    identity::resolve(resource, req.planned_identity.clone(), &Value::Null);
                let mut resp = UpdateResponse {
                    state: req.prior_state.clone(),
                    private: req.planned_private.clone(),
                    ..UpdateResponse::default()
                };
                let work = resource.implementation.update(&ctx, req, &mut resp);
                let finished = with_grace(ctx.cancellation(), self.stop_grace, work)
                    .await
                    .is_some();
                let kept = Kept {
                    prior_label: "Planned Identity",
                    prior: &planned_identity,
                    new_label: "New Identity",
                };
                settle(
                    resource,
                    "Update",
                    &planned,
                    Some(kept),
                    self.stop_grace,
                    finished,
                    resp.into(),
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
    let stored_identity = identity::resolve(resource, req.identity.clone(), &Value::Null);
    let mut resp = DeleteResponse::default();
    let work = resource.implementation.delete(ctx, req, &mut resp);
    if with_grace(ctx.cancellation(), grace, work).await.is_none() {
        resp.diagnostics.push(interrupted_change("delete", grace));
    }
    if resp.diagnostics.has_errors() {
        return ApplyResourceChangeResponse {
            new_state: prior_state,
            private,
            new_identity: stored_identity,
            diagnostics: resp.diagnostics,
        };
    }
    ApplyResourceChangeResponse {
        diagnostics: resp.diagnostics,
        ..ApplyResourceChangeResponse::default()
    }
}

/// What a create or update left in its response.
struct Recorded {
    state: Value,
    private: Vec<u8>,
    identity: Value,
    diagnostics: Diagnostics,
}

impl From<CreateResponse> for Recorded {
    fn from(resp: CreateResponse) -> Self {
        Self {
            state: resp.state,
            private: resp.private,
            identity: resp.identity,
            diagnostics: resp.diagnostics,
        }
    }
}

impl From<UpdateResponse> for Recorded {
    fn from(resp: UpdateResponse) -> Self {
        Self {
            state: resp.state,
            private: resp.private,
            identity: resp.identity,
            diagnostics: resp.diagnostics,
        }
    }
}

/// The answer to a create or update from what the resource `recorded` in its response,
/// whether it `finished` or was interrupted. An update's identity must keep the planned one
/// (`kept`).
fn settle<D: Send + Sync + 'static>(
    resource: &ResourceHandle<D>,
    operation: &str,
    planned: &Value,
    kept: Option<Kept<'_>>,
    grace: Duration,
    finished: bool,
    recorded: Recorded,
) -> ApplyResourceChangeResponse {
    let Recorded {
        state,
        private,
        identity: given,
        mut diagnostics,
    } = recorded;
    if !finished {
        diagnostics.push(interrupted_change(&operation.to_lowercase(), grace));
    }
    if diagnostics.has_errors() {
        // Terraform rejects unknown values in a stored state; the rest is what AWS holds.
        let new_state = unknown_as_null(state);
        let new_identity = unknown_as_null(identity::resolve(resource, given, &new_state));
        return ApplyResourceChangeResponse {
            new_state,
            private,
            new_identity: identity::resolve(resource, new_identity, &Value::Null),
            diagnostics,
        };
    }
    let mut problems = check_applied(operation, planned, &state);
    let new_state = if problems.has_errors() {
        tracing::error!(
            type_name = resource.type_name(),
            operation,
            "resource broke the apply invariants"
        );
        unknown_as_null(state)
    } else {
        state
    };
    let fallback = kept.as_ref().map_or(Value::Null, |kept| kept.prior.clone());
    let new_identity = match identity::after(resource, operation, given, &new_state, kept) {
        Ok(identity) => identity,
        Err(diags) => {
            problems.extend(diags);
            fallback
        }
    };
    diagnostics.extend(problems);
    ApplyResourceChangeResponse {
        new_state,
        private,
        new_identity,
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

#[cfg(test)]
#[path = "apply_resource_change_tests.rs"]
mod tests;
