//! The engine: protocol behaviour independent of the wire, one file per RPC.
//!
//! [`Server`] holds the provider, the schemas read once at start, the configured provider
//! data and the cancellation token. The gRPC layer ([`crate::tfplugin6`]) decodes a request,
//! calls the matching method here and encodes the answer; nothing here knows about protobuf.
//!
//! What the engine guarantees so resources need not:
//! - configuration is checked against the schema (required, read-only, block counts,
//!   deprecations, validators on known values) before the resource's own `validate_config`;
//! - default planning keeps Terraform's consistency rules (see [`planning`]);
//! - after apply the new state is present, wholly known and matches every known planned value,
//!   else the answer is an error diagnostic rather than a result Terraform would reject;
//! - `StopProvider` interrupts every operation in flight with an error diagnostic.

mod apply_resource_change;
mod configure_provider;
mod get_provider_schema;
mod import_resource_state;
mod invariants;
mod plan_resource_change;
pub mod planning;
mod read_data_source;
mod read_resource;
mod stop_provider;
mod upgrade_resource_state;
mod validate_config;
mod validation;

#[cfg(test)]
mod tests;

pub use apply_resource_change::{ApplyResourceChangeRequest, ApplyResourceChangeResponse};
pub use import_resource_state::ImportResourceStateResponse;
pub use plan_resource_change::{PlanResourceChangeRequest, PlanResourceChangeResponse};
pub use read_resource::{ReadResourceRequest, ReadResourceResponse};
pub use upgrade_resource_state::UpgradeResourceStateResponse;

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use tokio_util::sync::CancellationToken;

use crate::framework::context::Context;
use crate::framework::data_source::DataSource;
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::provider::Provider;
use crate::framework::resource::Resource;
use crate::framework::schema::Schema;

/// A resource type with its schema, read once.
struct ResourceEntry<D> {
    resource: Arc<dyn Resource<D>>,
    schema: Schema,
}

/// A data source type with its schema, read once.
struct DataSourceEntry<D> {
    data_source: Arc<dyn DataSource<D>>,
    schema: Schema,
}

/// The engine serving one provider.
pub struct Server<P: Provider> {
    provider: P,
    provider_schema: Schema,
    resources: BTreeMap<String, ResourceEntry<P::Data>>,
    data_sources: BTreeMap<String, DataSourceEntry<P::Data>>,
    data: RwLock<Option<Arc<P::Data>>>,
    cancellation: Mutex<CancellationToken>,
}

impl<P: Provider> Server<P> {
    /// Reads the provider's schema and types once.
    pub fn new(provider: P) -> Self {
        let provider_schema = provider.schema();
        let resources = provider
            .resources()
            .into_iter()
            .map(|resource| {
                let schema = resource.schema();
                (
                    resource.type_name().to_owned(),
                    ResourceEntry { resource, schema },
                )
            })
            .collect();
        let data_sources = provider
            .data_sources()
            .into_iter()
            .map(|data_source| {
                let schema = data_source.schema();
                (
                    data_source.type_name().to_owned(),
                    DataSourceEntry {
                        data_source,
                        schema,
                    },
                )
            })
            .collect();
        Self {
            provider,
            provider_schema,
            resources,
            data_sources,
            data: RwLock::new(None),
            cancellation: Mutex::new(CancellationToken::new()),
        }
    }

    /// The provider block's schema.
    pub fn provider_schema(&self) -> &Schema {
        &self.provider_schema
    }

    /// The schema of resource type `type_name`.
    pub fn resource_schema(&self, type_name: &str) -> Option<&Schema> {
        self.resources.get(type_name).map(|e| &e.schema)
    }

    /// The schema of data source type `type_name`.
    pub fn data_source_schema(&self, type_name: &str) -> Option<&Schema> {
        self.data_sources.get(type_name).map(|e| &e.schema)
    }

    /// The resource schemas by type name.
    pub fn resource_schemas(&self) -> impl Iterator<Item = (&str, &Schema)> {
        self.resources.iter().map(|(n, e)| (n.as_str(), &e.schema))
    }

    /// The data source schemas by type name.
    pub fn data_source_schemas(&self) -> impl Iterator<Item = (&str, &Schema)> {
        self.data_sources
            .iter()
            .map(|(n, e)| (n.as_str(), &e.schema))
    }

    /// What `ConfigureProvider` built, once it succeeded.
    pub fn configured_data(&self) -> Option<Arc<P::Data>> {
        self.data
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn resource(&self, type_name: &str) -> Result<&ResourceEntry<P::Data>, Diagnostic> {
        self.resources
            .get(type_name)
            .ok_or_else(|| unknown_type("Resource", type_name))
    }

    fn data_source(&self, type_name: &str) -> Result<&DataSourceEntry<P::Data>, Diagnostic> {
        self.data_sources
            .get(type_name)
            .ok_or_else(|| unknown_type("Data Source", type_name))
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
}

/// Runs `work` until it finishes or `token` is cancelled; `None` when cancelled.
async fn interruptible<F: Future>(token: &CancellationToken, work: F) -> Option<F::Output> {
    tokio::select! {
        biased;
        () = token.cancelled() => None,
        out = work => Some(out),
    }
}

/// The diagnostic of an operation abandoned because Terraform sent `StopProvider`.
pub fn interrupted(operation: &str) -> Diagnostic {
    Diagnostic::error(
        "Operation interrupted",
        format!(
            "Terraform asked the provider to stop while {operation} was running, so it was \
             abandoned. The remote object may be partly changed: run `terraform plan` to see \
             where it stands."
        ),
    )
}

pub(crate) fn unknown_type(kind: &str, type_name: &str) -> Diagnostic {
    Diagnostic::error(
        format!("Unknown {kind} Type"),
        format!(
            "This provider has no {} type named {type_name:?}. Check the type name, or upgrade \
             the provider if it was added in a newer version.",
            kind.to_lowercase()
        ),
    )
}

fn diags_of(diagnostic: Diagnostic) -> Diagnostics {
    Diagnostics::from(diagnostic)
}
