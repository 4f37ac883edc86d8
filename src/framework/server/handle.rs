//! What an RPC resolves once from its type name and hands from the wire to the engine.

use std::sync::Arc;

use crate::cty::Type;
use crate::framework::schema::Schema;

/// A served type (the provider block, a resource, data source, ephemeral resource or action)
/// resolved once at start: its schema, the value type every request of that type decodes to
/// (derived from the schema once instead of on every RPC), and the implementation the engine
/// calls.
pub struct Handle<T: ?Sized> {
    type_name: &'static str,
    schema: Schema,
    value_type: Type,
    pub(super) implementation: Arc<T>,
}

impl<T: ?Sized> Handle<T> {
    pub(super) fn new(type_name: &'static str, schema: Schema, implementation: Arc<T>) -> Self {
        let value_type = schema.value_type();
        Self {
            type_name,
            schema,
            value_type,
            implementation,
        }
    }

    /// The full type name, e.g. `centralroot_delegated_admin`.
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
