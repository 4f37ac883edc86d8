//! cty, the type system of Terraform values, and its two wire encodings.
//!
//! Layout:
//! - [`types`]: [`Type`] and its JSON form (`"string"`, `["set","string"]`, ...).
//! - [`value`]: [`Value`], with nulls, unknowns and refined unknowns ([`Refinements`]).
//! - [`number`]: [`Number`], arbitrary precision as Terraform requires.
//! - [`path`]: [`AttributePath`], the address of a value inside another.
//! - [`msgpack`]: the encoding Terraform uses for `DynamicValue`.
//! - [`json`]: the JSON encoding (raw state, `DynamicValue.json`).
//! - [`error`]: the codecs' errors, carrying the path of the offending value.
//! - `members`: the members of a map or object, as both encoders write them.
//!
//! A [`Value`] does not carry its type: codecs and helpers take the [`Type`] from the schema,
//! because the wire encodings are ambiguous without it. The one exception is a value whose
//! schema type is `dynamic`, which is held as [`Value::Dynamic`] with its concrete type.

pub mod error;
pub mod json;
mod members;
pub mod msgpack;
pub mod number;
pub mod path;
pub mod types;
pub mod value;

pub use error::{DecodeError, EncodeError};
pub use number::{Number, NumberError};
pub use path::{AttributePath, PathStep};
pub use types::{Type, TypeError};
pub use value::{Refinements, Value};

/// Deepest nesting of types and values the codecs accept. Real schemas stay far below; the
/// bound keeps hostile input (and `dynamic` values nesting type descriptions) off the stack.
pub const MAX_DEPTH: usize = 64;
