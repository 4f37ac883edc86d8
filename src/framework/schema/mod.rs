//! Schemas: what a provider, resource or data source accepts and produces.
//!
//! A [`Schema`] is a versioned [`Block`] of [`Attribute`]s and [`NestedBlock`]s, built with
//! chained calls:
//!
//! ```
//! use centralroot::cty::Type;
//! use centralroot::framework::schema::{Attribute, Block, Schema};
//! use centralroot::framework::plan_modifiers::RequiresReplace;
//!
//! let schema = Schema::new(
//!     0,
//!     Block::new()
//!         .description("A delegated administrator.")
//!         .attribute("id", Attribute::computed(Type::String).description("ACCOUNT/PRINCIPAL."))
//!         .attribute(
//!             "account_id",
//!             Attribute::required(Type::String)
//!                 .description("The member account.")
//!                 .plan_modifier(RequiresReplace),
//!         ),
//! );
//! assert!(schema.block.attribute_named("account_id").is_some());
//! ```

mod attribute;
mod block;
mod identity;

pub use attribute::{Attribute, AttributeMode, Description};
pub use block::{Block, NestedBlock, Nesting};
pub use identity::{IdentityAttribute, IdentitySchema};

use crate::cty::{Type, Value};

/// A versioned schema. The version only matters for resources, whose stored state is
/// upgraded when it changes.
#[derive(Debug, Clone)]
pub struct Schema {
    /// The schema version (resources: increment when the state shape changes).
    pub version: i64,
    /// The top-level block.
    pub block: Block,
}

impl Schema {
    /// A schema of `version` with top-level `block`.
    pub fn new(version: i64, block: Block) -> Self {
        Self { version, block }
    }

    /// The object type of values conforming to this schema.
    pub fn value_type(&self) -> Type {
        self.block.value_type()
    }

    /// An object value with every attribute null and every list or set block empty:
    /// the starting point of a state built from scratch, as after import.
    pub fn empty_value(&self) -> Value {
        self.block.empty_value()
    }
}
