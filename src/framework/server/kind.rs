//! What the engine reads the same way from every kind of type it serves: the provider block,
//! resources, data sources, ephemeral resources, actions and list resources.
//!
//! Each kind's own trait ([`Resource`], [`DataSource`], …) declares its schema and
//! configuration checks, so that an implementor finds its whole contract in one trait (its
//! name comes with it in the provider's list of types). [`Kind`] lets the engine build handles,
//! look types up and validate configurations once for all of them.

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

    /// The schema of the configuration (a list resource's `config {}` block).
    fn schema(&self) -> Schema;

    /// The type's own configuration checks, after the schema's.
    async fn validate_config(&self, req: ValidateConfigRequest, resp: &mut ValidateConfigResponse);
}

/// Implements [`Kind`] for one kind by calling its trait's own methods: `[generics] self
/// type, trait, name, schema method`, or for the trait objects of a kind generic over the
/// provider's data, `dyn trait, name, schema method`. A macro, since the six traits share these
/// methods by name only.
macro_rules! kind {
    (dyn $kind:ident, $name:literal, $schema:ident) => {
        kind!([D: Send + Sync + 'static] dyn $kind<D>, $kind, $name, $schema);
    };
    ([$($generics:tt)*] $self_type:ty, $kind:ident, $name:literal, $schema:ident) => {
        #[async_trait]
        impl<$($generics)*> Kind for $self_type {
            const NAME: &'static str = $name;

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
kind!(dyn Resource, "Resource", schema);
kind!(dyn DataSource, "Data Source", schema);
kind!(dyn EphemeralResource, "Ephemeral Resource", schema);
kind!(dyn Action, "Action", schema);
kind!(dyn ListResource, "List Resource", config_schema);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::server::Types;

    /// The diagnostic answering a request for a type of kind `T` the provider lacks.
    fn unknown<T: Kind + ?Sized>() -> (String, String) {
        match Types::<T>::new(Vec::new()).get("x_missing") {
            Err(diag) => (diag.summary, diag.detail),
            Ok(_) => panic!("found a type among none"),
        }
    }

    #[test]
    fn unknown_types_are_named_by_their_kind() {
        let summaries = [
            unknown::<dyn Resource<()>>().0,
            unknown::<dyn DataSource<()>>().0,
            unknown::<dyn EphemeralResource<()>>().0,
            unknown::<dyn Action<()>>().0,
            unknown::<dyn ListResource<()>>().0,
        ];
        assert_eq!(
            summaries,
            [
                "Unknown Resource Type",
                "Unknown Data Source Type",
                "Unknown Ephemeral Resource Type",
                "Unknown Action Type",
                "Unknown List Resource Type",
            ]
        );
        let (_, detail) = unknown::<dyn EphemeralResource<()>>();
        assert!(
            detail.contains("no ephemeral resource type named \"x_missing\""),
            "{detail}"
        );
    }
}
