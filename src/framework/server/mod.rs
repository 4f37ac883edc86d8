//! The engine: protocol behaviour independent of the wire, one file per RPC (the
//! Validate*Config of every kind share one).
//!
//! [`Server`] holds the provider, a [`Handle`] per type (schema and value type read once at start
//! through [`Kind`], what every kind of type has) in the [`Types`] of its kind, the configured
//! provider data and the cancellation token. The gRPC layer ([`crate::tfplugin6`]) looks the
//! request's type up once, decodes the request against the handle's value type, calls the matching
//! method here with the handle and encodes the answer with it; nothing here knows about protobuf.
//!
//! What the engine guarantees so resources need not:
//! - configuration is checked against the schema (required, read-only, block counts,
//!   deprecations, validators on known values) before the resource's own `validate_config`;
//! - default planning keeps Terraform's consistency rules (see [`planning`]);
//! - after apply the new state is present, wholly known and matches every known planned value,
//!   else the answer is an error diagnostic rather than a result Terraform would reject;
//! - whatever a create or update recorded in its response before it failed or was interrupted
//!   is the state Terraform receives, so nothing done remotely is lost (see [`Change`]);
//! - an opened ephemeral resource's result is wholly known and keeps its configuration, and
//!   neither `open` nor an action's `invoke` ever sees an unknown configuration value;
//! - every action invocation streams its progress and ends with exactly one completion
//!   (see [`ActionEvents`]);
//! - `StopProvider` interrupts every read, plan and import in flight at once with an error
//!   diagnostic; a create, update or delete, and an action's invocation, gets [`STOP_GRACE`]
//!   to finish first, so that an AWS write in flight is recorded rather than lost (see
//!   [`Server::with_stop_grace`]).

mod apply_resource_change;
mod close_ephemeral_resource;
mod configure_provider;
mod generate_resource_config;
mod get_provider_schema;
mod handle;
mod identity;
mod import_resource_state;
mod invariants;
mod invoke_action;
mod kind;
mod list_resource;
mod move_resource_state;
mod open_ephemeral_resource;
mod plan_action;
mod plan_resource_change;
pub mod planning;
mod read_data_source;
mod read_resource;
mod renew_ephemeral_resource;
mod stop_provider;
mod types;
mod upgrade_resource_identity;
mod upgrade_resource_state;
mod validate_config;
mod validation;

#[cfg(test)]
mod test_support;

pub use apply_resource_change::{ApplyResourceChangeResponse, Change};
pub use handle::Handle;
pub use invoke_action::ActionEvents;
pub use kind::Kind;
pub use list_resource::{ListEvent, ListStream};
pub use move_resource_state::MoveSourceState;
pub use types::Types;
pub use upgrade_resource_identity::UpgradeIdentityResponse;

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::framework::action::Action;
use crate::framework::context::Context;
use crate::framework::data_source::{self, DataSource};
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::ephemeral_resource::{EphemeralResource, OpenResponse};
use crate::framework::list_resource::ListResource;
use crate::framework::provider::Provider;
use crate::framework::resource::{
    ImportStateResponse, MoveStateResponse, Resource, UpgradeStateResponse,
};

/// A resource type as the engine serves it.
pub type ResourceHandle<D> = Handle<dyn Resource<D>>;

/// A data source type as the engine serves it.
pub type DataSourceHandle<D> = Handle<dyn DataSource<D>>;

/// An ephemeral resource type as the engine serves it.
pub type EphemeralResourceHandle<D> = Handle<dyn EphemeralResource<D>>;

/// An action type as the engine serves it.
pub type ActionHandle<D> = Handle<dyn Action<D>>;
/// A list resource type as the engine serves it; its schema is the `config {}` block's.
pub type ListResourceHandle<D> = Handle<dyn ListResource<D>>;

/// How long a create, update or delete, or an action's invocation, may keep running after
/// `StopProvider` before the engine abandons it.
///
/// Dropping a change at once would drop a write already sent to AWS: it may commit while
/// the provider never records it (an orphan that fails the next apply), and the error
/// taints an object whose change in fact completed. Resources observe the cancellation at
/// their safe points (waits, follow-up reads), so a well-behaved change finishes within a
/// few seconds; the grace only bounds one that does not. IAM and Organizations answer within
/// seconds, so 20 s lets a call and a few SDK retries finish; a call still unanswered then is
/// likely lost, and waiting out the SDK's 30 s attempt timeout would make Ctrl-C feel hung.
///
/// Terraform allows it (`internal/command/meta.go` `RunOperation` and
/// `internal/backend/local/backend.go` `opWait`, the same in v1.0.3 and v1.15.5): after the
/// first interrupt it calls `StopProvider` and then waits, with no time limit, for the
/// operations in flight to return; it records what they return. A second Ctrl-C prints
/// "Two interrupts received. Exiting immediately", waits at most 5 s and exits without
/// waiting for the provider, which is the user's way out of the grace.
pub const STOP_GRACE: Duration = Duration::from_secs(20);

/// The engine serving one provider.
///
/// Every RPC method takes the [`Handle`] its caller looked up once in the [`Types`] of its kind
/// (e.g. `server.resources().get(type_name)`), plus the trait's request struct, and returns
/// a response struct (the trait's where one fits) whose `diagnostics` carry every failure: no
/// method fails outside its response.
pub struct Server<P: Provider> {
    provider: Handle<P>,
    resources: Types<dyn Resource<P::Data>>,
    data_sources: Types<dyn DataSource<P::Data>>,
    ephemeral_resources: Types<dyn EphemeralResource<P::Data>>,
    actions: Types<dyn Action<P::Data>>,
    list_resources: Types<dyn ListResource<P::Data>>,
    data: RwLock<Option<Arc<P::Data>>>,
    cancellation: Mutex<CancellationToken>,
    stop_grace: Duration,
}

impl<P: Provider> Server<P> {
    /// Reads the provider's schema and types once.
    pub fn new(provider: P) -> Self {
        let resources: Types<_> = provider
            .resources()
            .into_iter()
            .map(|(name, resource)| {
                let identity = resource.identity_schema();
                Handle::new(name, resource).with_identity(identity)
            })
            .collect();
        let list_resources = list_resource::register(provider.list_resources(), &resources);
        Self {
            data_sources: Types::new(provider.data_sources()),
            ephemeral_resources: Types::new(provider.ephemeral_resources()),
            actions: Types::new(provider.actions()),
            provider: Handle::new(provider.type_name(), Arc::new(provider)),
            resources,
            list_resources,
            data: RwLock::new(None),
            cancellation: Mutex::new(CancellationToken::new()),
            stop_grace: STOP_GRACE,
        }
    }

    /// The same engine, giving a create, update, delete or action invocation `grace` to finish
    /// after `StopProvider` instead of [`STOP_GRACE`] (tests use a short one).
    pub fn with_stop_grace(mut self, grace: Duration) -> Self {
        self.stop_grace = grace;
        self
    }

    /// The provider block's handle, for ValidateProviderConfig and ConfigureProvider.
    pub fn provider(&self) -> &Handle<P> {
        &self.provider
    }

    /// The managed resource types.
    pub fn resources(&self) -> &Types<dyn Resource<P::Data>> {
        &self.resources
    }

    /// The data source types.
    pub fn data_sources(&self) -> &Types<dyn DataSource<P::Data>> {
        &self.data_sources
    }

    /// The ephemeral resource types.
    pub fn ephemeral_resources(&self) -> &Types<dyn EphemeralResource<P::Data>> {
        &self.ephemeral_resources
    }

    /// The action types.
    pub fn actions(&self) -> &Types<dyn Action<P::Data>> {
        &self.actions
    }

    /// The list resource types.
    pub fn list_resources(&self) -> &Types<dyn ListResource<P::Data>> {
        &self.list_resources
    }

    /// What `ConfigureProvider` built, once it succeeded.
    pub fn configured_data(&self) -> Option<Arc<P::Data>> {
        self.data
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The token that the current operations watch.
    fn current_token(&self) -> CancellationToken {
        self.cancellation
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The context for an operation that needs the configured provider.
    fn context(&self) -> Result<Context<P::Data>, Diagnostic> {
        match self.configured_data() {
            Some(data) => Ok(Context::new(data, self.current_token())),
            None => Err(Diagnostic::error(
                "Provider Not Configured",
                "Terraform called a resource operation before configuring the provider, or \
                 configuring it failed. Check the earlier diagnostics about the provider block.",
            )),
        }
    }

    /// Runs `operation` with the configured provider's context until it returns or
    /// `StopProvider` interrupts it, for operations that change nothing remote. As with
    /// [`interruptible`], what an interrupted `operation` wrote into a response it borrowed
    /// stays there.
    async fn configured<T>(
        &self,
        operation: impl AsyncFnOnce(&Context<P::Data>) -> T,
    ) -> Result<T, Stopped> {
        let ctx = self.context().map_err(Stopped::NotConfigured)?;
        interruptible(ctx.cancellation(), operation(&ctx))
            .await
            .ok_or(Stopped::Interrupted)
    }
}

/// Why an operation run through [`Server::configured`] did not return.
enum Stopped {
    /// It never started: the provider is not configured (the diagnostic says so).
    NotConfigured(Diagnostic),
    /// `StopProvider` abandoned it.
    Interrupted,
}

impl Stopped {
    /// The diagnostic for the `rpc` that stopped.
    fn diagnostic(self, rpc: &str) -> Diagnostic {
        match self {
            Self::NotConfigured(diag) => diag,
            Self::Interrupted => interrupted(rpc),
        }
    }
}

/// A response holding diagnostics alone, its other fields at their defaults ("nothing"): what
/// an operation answers when it fails before it has anything else to tell.
trait Failed {
    /// The response holding `diagnostics` and nothing else.
    fn failed(diagnostics: impl Into<Diagnostics>) -> Self;
}

/// Implements [`Failed`] for each named response: a macro, since they share the field by
/// name only.
macro_rules! failed {
    ($($response:ty),+ $(,)?) => {
        $(
            impl Failed for $response {
                fn failed(diagnostics: impl Into<Diagnostics>) -> Self {
                    Self {
                        diagnostics: diagnostics.into(),
                        ..Self::default()
                    }
                }
            }
        )+
    };
}

failed!(
    ImportStateResponse,
    MoveStateResponse,
    UpgradeStateResponse,
    UpgradeIdentityResponse,
    OpenResponse,
    data_source::ReadResponse,
);

/// Runs `work` until it finishes or `token` is cancelled; `None` when cancelled. A cancelled
/// `work` is dropped at the await point it had reached, so whatever it had written into a
/// response it borrowed is still there for the answer.
async fn interruptible<F: Future>(token: &CancellationToken, work: F) -> Option<F::Output> {
    tokio::select! {
        biased;
        () = token.cancelled() => None,
        out = work => Some(out),
    }
}

/// Runs `work`, a change to remote objects, to completion unless `token` is cancelled and
/// `work` then takes longer than `grace`; `None` when it was abandoned. As with
/// [`interruptible`], an abandoned `work` is dropped at its current await point and what it
/// wrote into a borrowed response stays there.
async fn with_grace<F: Future>(
    token: &CancellationToken,
    grace: Duration,
    work: F,
) -> Option<F::Output> {
    let mut work = std::pin::pin!(work);
    tokio::select! {
        out = &mut work => return Some(out),
        () = token.cancelled() => {}
    }
    tracing::info!(
        grace_secs = grace.as_secs_f64(),
        "StopProvider: letting the change in flight finish"
    );
    tokio::time::timeout(grace, work).await.ok()
}

/// The diagnostic of an operation abandoned because Terraform sent `StopProvider`, for
/// operations that change nothing remote (reads, plans, imports).
fn interrupted(operation: &str) -> Diagnostic {
    Diagnostic::error(
        "Operation interrupted",
        format!(
            "Terraform asked the provider to stop while {operation} was running, so it was \
             abandoned before it finished. Nothing was changed; run the command again."
        ),
    )
}
