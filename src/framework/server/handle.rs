//! What an RPC resolves once from its type name and hands from the wire to the engine.

use std::sync::Arc;

use super::Kind;
use crate::cty::Type;
use crate::framework::schema::{IdentitySchema, Schema};

/// A served type of any [`Kind`] (the provider block, a resource, data source, ephemeral resource,
/// action or list resource) resolved once at start: its schema, the value type every request of
/// that type decodes to (derived from the schema once instead of on every RPC), and the
/// implementation the engine calls.
pub struct Handle<T: ?Sized> {
    type_name: &'static str,
    schema: Schema,
    value_type: Type,
    identity: Option<Identity>,
    pub(super) implementation: Arc<T>,
}

/// A resource type's identity schema and the type of its values.
struct Identity {
    schema: IdentitySchema,
    value_type: Type,
}

impl<T: Kind + ?Sized> Handle<T> {
    /// Reads the schema of the type named `type_name` once.
    pub(super) fn new(type_name: &'static str, implementation: Arc<T>) -> Self {
        let schema = implementation.schema();
        let value_type = schema.value_type();
        Self {
            type_name,
            schema,
            value_type,
            identity: None,
            implementation,
        }
    }
}

impl<T: ?Sized> Handle<T> {
    /// The handle of a resource type with `identity` as its identity schema.
    pub(super) fn with_identity(mut self, identity: Option<IdentitySchema>) -> Self {
        self.identity = identity.map(|schema| Identity {
            value_type: schema.value_type(),
            schema,
        });
        self
    }

    /// The identity schema of a resource type that has one.
    pub fn identity_schema(&self) -> Option<&IdentitySchema> {
        self.identity.as_ref().map(|identity| &identity.schema)
    }

    /// The type of the identity values, for a resource type with an identity schema.
    pub fn identity_type(&self) -> Option<&Type> {
        self.identity.as_ref().map(|identity| &identity.value_type)
    }

    /// The full type name the provider gave, e.g. `centralroot_delegated_admin`.
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// The schema, as the implementation declared it at start.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The type of every configuration, plan and state value of this schema: what the wire
    /// decodes requests against and encodes answers with.
    pub fn value_type(&self) -> &Type {
        &self.value_type
    }
}
