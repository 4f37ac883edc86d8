//! cty, the type system of Terraform values, and its two wire encodings.
//!
//! Layout:
//! - [`types`]: [`Type`] and its JSON form (`"string"`, `["set","string"]`, ...).
//! - [`value`]: [`Value`], with nulls, unknowns and refined unknowns ([`Refinements`]).
//! - [`number`]: [`Number`], arbitrary precision as Terraform requires.
//! - [`path`]: [`AttributePath`], the address of a value inside another.
//! - [`msgpack`]: the encoding Terraform uses for `DynamicValue`.
//! - [`json`]: the JSON encoding (raw state, `DynamicValue.json`).
//!
//! A [`Value`] does not carry its type: codecs and helpers take the [`Type`] from the schema,
//! because the wire encodings are ambiguous without it. The one exception is a value whose
//! schema type is `dynamic`, which is held as [`Value::Dynamic`] with its concrete type.

pub mod json;
pub mod msgpack;
pub mod number;
pub mod path;
pub mod types;
pub mod value;

pub use number::Number;
pub use path::{AttributePath, PathStep};
pub use types::Type;
pub use value::{Refinements, Value};
