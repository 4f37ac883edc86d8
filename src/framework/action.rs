//! The [`Action`] trait: a one-off operation Terraform invokes (Terraform ≥ 1.14), from an
//! `action_trigger` in a resource's lifecycle or with `terraform apply -invoke=action.TYPE.NAME`.
//!
//! An action has a configuration schema and no state. Terraform validates the configuration,
//! plans the action (the configuration may still hold unknown values) and then invokes it
//! with the configuration wholly known. While it runs, the action reports progress messages
//! through [`Progress`]; the engine ends the stream with exactly one completion carrying the
//! response's diagnostics, also when the action is interrupted, so no action can send a
//! second one or none.

use async_trait::async_trait;
use tokio::sync::mpsc;

use crate::cty::Value;
use crate::framework::context::Context;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::schema::Schema;

pub use crate::framework::resource::{ValidateConfigRequest, ValidateConfigResponse};

/// `plan` input.
#[derive(Debug, Clone)]
pub struct PlanRequest {
    /// The configuration; may hold unknown values (Terraform allows no deferral here).
    pub config: Value,
}

/// `plan` output.
#[derive(Debug, Default)]
pub struct PlanResponse {
    /// Warnings are shown with the plan; an error fails it.
    pub diagnostics: Diagnostics,
}

/// `invoke` input.
#[derive(Debug, Clone)]
pub struct InvokeRequest {
    /// The configuration, wholly known (the engine refuses unknowns before calling `invoke`);
    /// it may carry ephemeral values.
    pub config: Value,
}

/// `invoke` output.
#[derive(Debug, Default)]
pub struct InvokeResponse {
    /// What the single completion event carries. Record what was done as you go: an action
    /// still running when the stop grace after `StopProvider` runs out is abandoned, and these
    /// diagnostics are sent with the engine's.
    pub diagnostics: Diagnostics,
}

/// One event of an invocation, as the engine streams it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionEvent {
    /// A line for Terraform to print while the action runs.
    Progress(String),
    /// The end of the invocation; always the last event, exactly once.
    Completed(Diagnostics),
}

/// Where an action reports its progress while `invoke` runs.
///
/// The action only borrows it, so no message can follow the completion the engine sends
/// once `invoke` returns.
#[derive(Debug)]
pub struct Progress {
    events: mpsc::Sender<ActionEvent>,
}

impl Progress {
    pub(crate) fn new(events: mpsc::Sender<ActionEvent>) -> Self {
        Self { events }
    }

    /// Sends one progress line to Terraform, which prints it under the action's address.
    /// When Terraform is no longer listening the line is dropped: the engine interrupts the
    /// invocation at its next await.
    pub async fn send(&self, message: impl Into<String>) {
        let message = message.into();
        tracing::debug!(%message, "action progress");
        // A closed stream is the engine's to handle (see the doc above).
        let _ = self.events.send(ActionEvent::Progress(message)).await;
    }

    /// Ends the stream with the completion; taking `self` makes it the last event.
    pub(crate) async fn complete(self, diagnostics: Diagnostics) {
        if self
            .events
            .send(ActionEvent::Completed(diagnostics))
            .await
            .is_err()
        {
            tracing::debug!("action completed after Terraform stopped listening");
        }
    }

    /// Resolves once Terraform stopped listening (the client went away).
    pub(crate) async fn closed(&self) {
        self.events.closed().await;
    }
}

/// An action type. `D` is the provider's configured data. Its full type name (e.g.
/// `centralroot_delete_root_credentials`) is given with it in [`Provider::actions`].
///
/// [`Provider::actions`]: crate::framework::provider::Provider::actions
#[async_trait]
pub trait Action<D: Send + Sync + 'static>: Send + Sync {
    /// The schema of the action's `config` block; read once when the server starts.
    fn schema(&self) -> Schema;

    /// Checks the configuration beyond the schema's validators. Values may be unknown.
    async fn validate_config(
        &self,
        _req: ValidateConfigRequest,
        _resp: &mut ValidateConfigResponse,
    ) {
    }

    /// Checks, at plan time, what can be checked before invoking (e.g. that the target
    /// exists). Values may be unknown.
    async fn plan(&self, _ctx: &Context<D>, _req: PlanRequest, _resp: &mut PlanResponse) {}

    /// Runs the action, reporting each step through `progress`, and records failures in
    /// `resp`.
    async fn invoke(
        &self,
        ctx: &Context<D>,
        req: InvokeRequest,
        progress: &Progress,
        resp: &mut InvokeResponse,
    );
}
