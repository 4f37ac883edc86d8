//! What the engine reads the same way from every kind of type it serves: the provider block,
//! resources, data sources, ephemeral resources, actions and list resources.
//!
//! Each kind's own trait ([`Resource`], [`DataSource`], …) declares its name, schema and
//! configuration checks, so that an implementor finds its whole contract in one trait. [`Kind`]
//! lets the engine build handles, look types up and validate configurations once for all of
//! them.

use async_trait::async_trait;

use crate::framework::action::Action;
use crate::framework::data_source::DataSource;
use crate::framework::ephemeral_resource::EphemeralResource;
use crate::framework::list_resource::ListResource;
use crate::framework::provider::Provider;
use crate::framework::resource::{Resource, ValidateConfigRequest, ValidateConfigResponse};
use crate::framework::schema::Schema;

/// A kind of type the engine serves, as seen through its implementation.
#[async_trait]
pub trait Kind: Send + Sync {
    /// The kind in a diagnostic's summary, e.g. `Data Source` in "Unknown Data Source Type".
    const NAME: &'static str;

    /// The full type name, e.g. `centralroot_delegated_admin`.
    fn type_name(&self) -> &'static str;

    /// The schema of the configuration (a list resource's `config {}` block).
    fn schema(&self) -> Schema;

    /// The type's own configuration checks, after the schema's.
    async fn validate_config(&self, req: ValidateConfigRequest, resp: &mut ValidateConfigResponse);
}

/// Implements [`Kind`] for one kind by calling its trait's own methods: `[generics] self
/// type, trait, name, schema method`. A macro, since the six traits share these methods by
/// name only.
macro_rules! kind {
    ([$($generics:tt)*] $self_type:ty, $kind:ident, $name:literal, $schema:ident) => {
        #[async_trait]
        impl<$($generics)*> Kind for $self_type {
            const NAME: &'static str = $name;

            fn type_name(&self) -> &'static str {
                $kind::type_name(self)
            }

            fn schema(&self) -> Schema {
                $kind::$schema(self)
            }

            async fn validate_config(
                &self,
                req: ValidateConfigRequest,
                resp: &mut ValidateConfigResponse,
            ) {
                $kind::validate_config(self, req, resp).await;
            }
        }
    };
}

kind!([P: Provider] P, Provider, "Provider", schema);
kind!([D: Send + Sync + 'static] dyn Resource<D>, Resource, "Resource", schema);
kind!([D: Send + Sync + 'static] dyn DataSource<D>, DataSource, "Data Source", schema);
kind!([D: Send + Sync + 'static] dyn EphemeralResource<D>, EphemeralResource, "Ephemeral Resource", schema);
kind!([D: Send + Sync + 'static] dyn Action<D>, Action, "Action", schema);
kind!([D: Send + Sync + 'static] dyn ListResource<D>, ListResource, "List Resource", config_schema);
